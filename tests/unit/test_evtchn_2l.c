/* The 2-level event-channel bit protocol on a shared_info/vcpu_info pair. */
#include "unit.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <lares/compiler.h>
#include <lares/evtchn_2l.h>

static struct shared_info sh __attribute__((aligned(4096)));
static struct vcpu_info *vi = &sh.vcpu_info[0];

static int reset(void **state)
{
    memset(&sh, 0, sizeof(sh));
    return 0;
}

static bool bit(const u64 *words, unsigned int n)
{
    return words[n / 64] >> (n % 64) & 1;
}

static void set_pending_unmasked_raises_upcall(void **state)
{
    assert_int_equal(evtchn_2l_set_pending(&sh, vi, 70),
                     EVTCHN_2L_NEWLY_PENDING | EVTCHN_2L_UPCALL);
    assert_true(bit(sh.evtchn_pending, 70));
    assert_int_equal(vi->evtchn_pending_sel, 1ULL << 1);
    assert_int_equal(vi->evtchn_upcall_pending, 1);
    assert_true(evtchn_2l_is_pending(&sh, 70));
    assert_true(evtchn_2l_upcall_pending(vi));
    /* Edge semantics: raising a pending port again does nothing. */
    assert_int_equal(evtchn_2l_set_pending(&sh, vi, 70), 0);
}

static void set_pending_masked_only_sets_pending(void **state)
{
    sh.evtchn_mask[0] = 1ULL << 5;
    assert_true(evtchn_2l_is_masked(&sh, 5));
    assert_int_equal(evtchn_2l_set_pending(&sh, vi, 5), EVTCHN_2L_NEWLY_PENDING);
    assert_true(bit(sh.evtchn_pending, 5));
    assert_int_equal(vi->evtchn_pending_sel, 0);
    assert_int_equal(vi->evtchn_upcall_pending, 0);
}

static void selector_already_set_means_no_new_upcall(void **state)
{
    /* The guest has not yet consumed word 0: the new bit rides along. */
    vi->evtchn_pending_sel = 1;
    assert_int_equal(evtchn_2l_set_pending(&sh, vi, 3), EVTCHN_2L_NEWLY_PENDING);
    assert_int_equal(vi->evtchn_upcall_pending, 0);
}

static void upcall_already_pending_is_not_reported_twice(void **state)
{
    assert_int_equal(evtchn_2l_set_pending(&sh, vi, 1), EVTCHN_2L_NEWLY_PENDING | EVTCHN_2L_UPCALL);
    /* Another word: selector bit is new, but upcall_pending is already 1. */
    assert_int_equal(evtchn_2l_set_pending(&sh, vi, 4095), EVTCHN_2L_NEWLY_PENDING);
    assert_int_equal(vi->evtchn_pending_sel, 1ULL | 1ULL << 63);
    assert_true(bit(sh.evtchn_pending, 4095));
}

static void upcall_pending_is_bit0_of_the_byte(void **state)
{
    /* A guest storing 2 there has not acknowledged anything: bit 0 is clear. */
    vi->evtchn_upcall_pending = 2;
    assert_int_equal(evtchn_2l_set_pending(&sh, vi, 9), EVTCHN_2L_NEWLY_PENDING | EVTCHN_2L_UPCALL);
    assert_int_equal(vi->evtchn_upcall_pending, 3);
}

static void unmask_pending_port_raises_upcall(void **state)
{
    sh.evtchn_mask[1] = ~0ULL;
    assert_int_equal(evtchn_2l_set_pending(&sh, vi, 100), EVTCHN_2L_NEWLY_PENDING);
    assert_true(evtchn_2l_unmask(&sh, vi, 100));
    assert_false(evtchn_2l_is_masked(&sh, 100));
    assert_true(evtchn_2l_is_masked(&sh, 101));
    assert_int_equal(vi->evtchn_pending_sel, 1ULL << 1);
    assert_int_equal(vi->evtchn_upcall_pending, 1);
    /* Unmasking an unmasked port does nothing. */
    vi->evtchn_upcall_pending = 0;
    vi->evtchn_pending_sel = 0;
    assert_false(evtchn_2l_unmask(&sh, vi, 100));
    assert_int_equal(vi->evtchn_pending_sel, 0);
}

static void unmask_idle_port_only_clears_mask(void **state)
{
    sh.evtchn_mask[0] = 1ULL << 7;
    assert_false(evtchn_2l_unmask(&sh, vi, 7));
    assert_int_equal(sh.evtchn_mask[0], 0);
    assert_int_equal(vi->evtchn_pending_sel, 0);
    assert_int_equal(vi->evtchn_upcall_pending, 0);
}

static void unmask_with_selector_set_does_not_upcall(void **state)
{
    sh.evtchn_mask[0] = 1ULL << 7;
    sh.evtchn_pending[0] = 1ULL << 7;
    vi->evtchn_pending_sel = 1;
    assert_false(evtchn_2l_unmask(&sh, vi, 7));
    assert_int_equal(vi->evtchn_upcall_pending, 0);
}

static void clear_pending_and_queries(void **state)
{
    evtchn_2l_set_pending(&sh, vi, 64);
    evtchn_2l_set_pending(&sh, vi, 65);
    evtchn_2l_clear_pending(&sh, 64);
    assert_false(evtchn_2l_is_pending(&sh, 64));
    assert_true(evtchn_2l_is_pending(&sh, 65));
    assert_int_equal(sh.evtchn_pending[1], 1ULL << 1);
}

static void out_of_range_ports_touch_nothing(void **state)
{
    static const struct shared_info zero;
    unsigned int bad[] = {0, 4096, 4097, 65536, 0xffffffffu};

    for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
        assert_int_equal(evtchn_2l_set_pending(&sh, vi, bad[i]), 0);
        assert_false(evtchn_2l_unmask(&sh, vi, bad[i]));
        evtchn_2l_clear_pending(&sh, bad[i]);
        assert_false(evtchn_2l_is_pending(&sh, bad[i]));
        assert_true(evtchn_2l_is_masked(&sh, bad[i]));
    }
    assert_memory_equal(&sh, &zero, sizeof(sh));
}

static void other_vcpu_info_gets_the_selector(void **state)
{
    struct vcpu_info *v3 = &sh.vcpu_info[3];

    assert_int_equal(evtchn_2l_set_pending(&sh, v3, 200),
                     EVTCHN_2L_NEWLY_PENDING | EVTCHN_2L_UPCALL);
    assert_int_equal(v3->evtchn_pending_sel, 1ULL << 3);
    assert_int_equal(vi->evtchn_pending_sel, 0);
    assert_int_equal(vi->evtchn_upcall_pending, 0);
}

static void force_rescan_sets_everything(void **state)
{
    assert_true(evtchn_2l_force_rescan(vi));
    assert_int_equal(vi->evtchn_pending_sel, ~0ULL);
    assert_int_equal(vi->evtchn_upcall_pending, 1);
    assert_false(evtchn_2l_force_rescan(vi));
}

/*
 * Concurrency: a "hypervisor" thread raises ports while a "guest" thread runs
 * the Linux 2-level upcall loop and masks/unmasks ports the way PVH Linux does
 * (mask locally while busy, EVTCHNOP_unmask to re-enable). One port per
 * bitmap word, and a port is only raised again after the guest handled it,
 * so an event the protocol loses cannot be rescued by a later raise: it is
 * left pending at the end and the raise/handle counts differ.
 */
#define STRESS_PORTS 64
#define STRESS_RAISES 200000
#define STRESS_ATTEMPTS 200000000 /* bounds the run even if every port got stuck */

static unsigned int stress_port(unsigned int i)
{
    return i * 64 + 1 + i % 63;
}

static u64 raised[STRESS_PORTS], handled[STRESS_PORTS];
static u8 outstanding[STRESS_PORTS];
static int sender_done;
static pthread_barrier_t start;

static void *sender(void *arg)
{
    unsigned int seed = 1;

    pthread_barrier_wait(&start);
    for (long n = 0, done = 0; done < STRESS_RAISES && n < STRESS_ATTEMPTS; n++) {
        unsigned int i = rand_r(&seed) % STRESS_PORTS;

        if (__atomic_load_n(&outstanding[i], __ATOMIC_SEQ_CST))
            continue;
        done++;
        __atomic_store_n(&outstanding[i], 1, __ATOMIC_SEQ_CST);
        raised[i]++;
        evtchn_2l_set_pending(&sh, vi, stress_port(i));
    }
    __atomic_store_n(&sender_done, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

static void guest_scan(void)
{
    __atomic_store_n(&vi->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
    u64 sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);

    while (sel) {
        unsigned int w = __builtin_ctzll(sel);
        sel &= sel - 1;
        u64 bits = __atomic_load_n(&sh.evtchn_pending[w], __ATOMIC_SEQ_CST) &
                   ~__atomic_load_n(&sh.evtchn_mask[w], __ATOMIC_SEQ_CST);
        while (bits) {
            unsigned int b = __builtin_ctzll(bits);
            bits &= bits - 1;
            __atomic_fetch_and(&sh.evtchn_pending[w], ~(1ULL << b), __ATOMIC_SEQ_CST);
            assert_int_equal(w * 64 + b, stress_port(w));
            handled[w]++;
            __atomic_store_n(&outstanding[w], 0, __ATOMIC_SEQ_CST);
        }
    }
}

static void guest_mask(unsigned int port)
{
    __atomic_fetch_or(&sh.evtchn_mask[port / 64], 1ULL << port % 64, __ATOMIC_SEQ_CST);
}

static void *guest(void *arg)
{
    unsigned int seed = 2, masked = 0, hold = 0;

    pthread_barrier_wait(&start);
    for (;;) {
        bool done = __atomic_load_n(&sender_done, __ATOMIC_SEQ_CST);

        if (masked && (hold-- == 0 || done)) {
            evtchn_2l_unmask(&sh, vi, masked);
            masked = 0;
        } else if (!masked && !done) {
            masked = stress_port(rand_r(&seed) % STRESS_PORTS);
            hold = rand_r(&seed) % 8;
            guest_mask(masked);
        }
        if (evtchn_2l_upcall_pending(vi))
            guest_scan();
        else if (done && !masked)
            break;
    }
    return NULL;
}

static void stress_no_lost_events(void **state)
{
    pthread_t s, g;
    u64 total = 0;

    memset(raised, 0, sizeof(raised));
    memset(handled, 0, sizeof(handled));
    memset(outstanding, 0, sizeof(outstanding));
    sender_done = 0;
    pthread_barrier_init(&start, NULL, 2);
    assert_int_equal(pthread_create(&g, NULL, guest, NULL), 0);
    assert_int_equal(pthread_create(&s, NULL, sender, NULL), 0);
    pthread_join(s, NULL);
    pthread_join(g, NULL);
    pthread_barrier_destroy(&start);

    for (unsigned int w = 0; w < 64; w++) {
        assert_int_equal(sh.evtchn_mask[w], 0);
        assert_int_equal(sh.evtchn_pending[w], 0);
        assert_int_equal(handled[w], raised[w]);
        total += handled[w];
    }
    assert_true(total > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(set_pending_unmasked_raises_upcall, reset),
        cmocka_unit_test_setup(set_pending_masked_only_sets_pending, reset),
        cmocka_unit_test_setup(selector_already_set_means_no_new_upcall, reset),
        cmocka_unit_test_setup(upcall_already_pending_is_not_reported_twice, reset),
        cmocka_unit_test_setup(upcall_pending_is_bit0_of_the_byte, reset),
        cmocka_unit_test_setup(unmask_pending_port_raises_upcall, reset),
        cmocka_unit_test_setup(unmask_idle_port_only_clears_mask, reset),
        cmocka_unit_test_setup(unmask_with_selector_set_does_not_upcall, reset),
        cmocka_unit_test_setup(clear_pending_and_queries, reset),
        cmocka_unit_test_setup(out_of_range_ports_touch_nothing, reset),
        cmocka_unit_test_setup(other_vcpu_info_gets_the_selector, reset),
        cmocka_unit_test_setup(force_rescan_sets_everything, reset),
        cmocka_unit_test_setup(stress_no_lost_events, reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
