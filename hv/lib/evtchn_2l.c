/*
 * 2-level event-channel bit protocol. The order of the atomic operations is
 * what keeps events from being lost against a guest that clears
 * upcall_pending, exchanges pending_sel with 0 and then scans
 * pending & ~mask: every bit we set is set before the bit that tells the
 * guest to look at it, and each step only runs when the previous one
 * changed something (edge semantics).
 */
#include <lares/evtchn_2l.h>

static inline u64 port_bit(unsigned int port)
{
    return 1ULL << (port % EVTCHN_2L_WORD_BITS);
}

static inline unsigned int port_word(unsigned int port)
{
    return port / EVTCHN_2L_WORD_BITS;
}

static inline bool port_in_range(unsigned int port)
{
    return port > 0 && port < EVTCHN_2L_NR_PORTS;
}

/* Atomic test-and-set / test-and-clear of one bit; the return value is the old bit. */
static inline bool test_and_set(u64 *word, u64 bit)
{
    return __atomic_fetch_or(word, bit, __ATOMIC_SEQ_CST) & bit;
}

static inline bool test_and_clear(u64 *word, u64 bit)
{
    return __atomic_fetch_and(word, ~bit, __ATOMIC_SEQ_CST) & bit;
}

static inline bool test(const u64 *word, u64 bit)
{
    return __atomic_load_n(word, __ATOMIC_SEQ_CST) & bit;
}

/*
 * upcall_pending is a byte; Xen treats it as bit 0 of that byte, so a guest
 * that stores some other value there still gets bit 0 set and a kick.
 */
static bool mark_upcall_pending(struct vcpu_info *vi)
{
    return !(__atomic_fetch_or(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST) & 1);
}

static bool select_word(struct vcpu_info *vi, unsigned int port)
{
    if (test_and_set(&vi->evtchn_pending_sel, 1ULL << port_word(port)))
        return false;
    return mark_upcall_pending(vi);
}

unsigned int evtchn_2l_set_pending(struct shared_info *sh, struct vcpu_info *vi, unsigned int port)
{
    unsigned int result = EVTCHN_2L_NEWLY_PENDING;

    if (!port_in_range(port))
        return 0;
    if (test_and_set(&sh->evtchn_pending[port_word(port)], port_bit(port)))
        return 0;
    if (!test(&sh->evtchn_mask[port_word(port)], port_bit(port)) && select_word(vi, port))
        result |= EVTCHN_2L_UPCALL;
    return result;
}

bool evtchn_2l_unmask(struct shared_info *sh, struct vcpu_info *vi, unsigned int port)
{
    if (!port_in_range(port))
        return false;
    if (!test_and_clear(&sh->evtchn_mask[port_word(port)], port_bit(port)))
        return false;
    if (!test(&sh->evtchn_pending[port_word(port)], port_bit(port)))
        return false;
    return select_word(vi, port);
}

void evtchn_2l_clear_pending(struct shared_info *sh, unsigned int port)
{
    if (port_in_range(port))
        test_and_clear(&sh->evtchn_pending[port_word(port)], port_bit(port));
}

bool evtchn_2l_is_pending(const struct shared_info *sh, unsigned int port)
{
    return port_in_range(port) && test(&sh->evtchn_pending[port_word(port)], port_bit(port));
}

bool evtchn_2l_is_masked(const struct shared_info *sh, unsigned int port)
{
    return !port_in_range(port) || test(&sh->evtchn_mask[port_word(port)], port_bit(port));
}

bool evtchn_2l_upcall_pending(const struct vcpu_info *vi)
{
    return __atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_SEQ_CST) & 1;
}

bool evtchn_2l_force_rescan(struct vcpu_info *vi)
{
    __atomic_store_n(&vi->evtchn_pending_sel, ~0ULL, __ATOMIC_SEQ_CST);
    return mark_upcall_pending(vi);
}
