/* Event channels, upcalls and Xen time for test guests (guest/events.h). */
#include <guest.h>
#include <guest/events.h>
#include <guest/pvclock.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <public/memory.h>
#include <public/version.h>

#define WORD_BITS 64

static u8 shared_page[XEN_PAGE_SIZE] __aligned(XEN_PAGE_SIZE);
struct shared_info *shared;
static struct vcpu_info *moved[XEN_LEGACY_MAX_VCPUS];
/* Which vCPU handles each port (as Linux binds each IRQ to one CPU): set by the wrappers. */
static u8 owner[EVTCHN_2L_NR_CHANNELS];

long events_init(void)
{
    struct xen_add_to_physmap xatp = {
        .domid = DOMID_SELF,
        .space = XENMAPSPACE_shared_info,
        .idx = 0,
        .gpfn = (u64)shared_page >> XEN_PAGE_SHIFT,
    };
    long rc = hypercall_memory_op(XENMEM_add_to_physmap, &xatp);

    if (!rc)
        shared = (struct shared_info *)shared_page;
    return rc;
}

long events_set_callback(irq_handler_t fn)
{
    struct xen_hvm_param p = {
        .domid = DOMID_SELF,
        .index = HVM_PARAM_CALLBACK_IRQ,
        .value = fn ? HVM_PARAM_CALLBACK_VAL(HVM_PARAM_CALLBACK_TYPE_VECTOR, EVENT_VECTOR) : 0,
    };

    irq_set_handler(EVENT_VECTOR, fn);
    return hypercall_hvm_op(HVMOP_set_param, &p);
}

struct vcpu_info *vcpu_info_of(unsigned int vcpu)
{
    return moved[vcpu] ? moved[vcpu] : &shared->vcpu_info[vcpu];
}

long events_register_vcpu_info(unsigned int vcpu, struct vcpu_info *vi)
{
    struct vcpu_register_vcpu_info r = {
        .mfn = (u64)vi >> XEN_PAGE_SHIFT,
        .offset = (u64)vi & (XEN_PAGE_SIZE - 1),
    };
    long rc = hypercall_vcpu_op(VCPUOP_register_vcpu_info, vcpu, &r);

    if (!rc)
        moved[vcpu] = vi;
    return rc;
}

static u64 *word(u64 *bitmap, u32 port)
{
    return &bitmap[port / WORD_BITS];
}

static u64 bit(u32 port)
{
    return 1ull << (port % WORD_BITS);
}

bool evtchn_pending(u32 port)
{
    return __atomic_load_n(word(shared->evtchn_pending, port), __ATOMIC_SEQ_CST) & bit(port);
}

bool evtchn_masked(u32 port)
{
    return __atomic_load_n(word(shared->evtchn_mask, port), __ATOMIC_SEQ_CST) & bit(port);
}

bool evtchn_test_and_clear(u32 port)
{
    return __atomic_fetch_and(word(shared->evtchn_pending, port), ~bit(port), __ATOMIC_SEQ_CST) &
           bit(port);
}

void evtchn_clear(u32 port)
{
    evtchn_test_and_clear(port);
}

void evtchn_mask(u32 port)
{
    __atomic_fetch_or(word(shared->evtchn_mask, port), bit(port), __ATOMIC_SEQ_CST);
}

void evtchn_unmask_bit(u32 port)
{
    __atomic_fetch_and(word(shared->evtchn_mask, port), ~bit(port), __ATOMIC_SEQ_CST);
}

void events_clear_upcall(unsigned int vcpu)
{
    struct vcpu_info *vi = vcpu_info_of(vcpu);

    __atomic_store_n(&vi->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
}

unsigned int events_scan(unsigned int vcpu, port_fn fn)
{
    struct vcpu_info *vi = vcpu_info_of(vcpu);
    unsigned int n = 0;

    do {
        u64 sel;

        __atomic_store_n(&vi->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
        sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
        while (sel) {
            unsigned int w = __builtin_ctzll(sel);
            u64 bits = __atomic_load_n(&shared->evtchn_pending[w], __ATOMIC_SEQ_CST) &
                       ~__atomic_load_n(&shared->evtchn_mask[w], __ATOMIC_SEQ_CST);

            sel &= sel - 1;
            while (bits) {
                u32 port = w * WORD_BITS + __builtin_ctzll(bits);

                bits &= bits - 1;
                if (owner[port] != vcpu)
                    continue; /* another vCPU's port: it gets its own upcall */
                if (evtchn_test_and_clear(port)) {
                    n++;
                    if (fn)
                        fn(port);
                }
            }
        }
    } while (__atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_SEQ_CST));
    return n;
}

static long evtchn_op(unsigned int cmd, void *arg)
{
    return hypercall_event_channel_op(cmd, arg);
}

long evtchn_alloc_unbound(domid_t remote, u32 *port)
{
    struct evtchn_alloc_unbound a = {.dom = DOMID_SELF, .remote_dom = remote};
    long rc = evtchn_op(EVTCHNOP_alloc_unbound, &a);

    if (!rc)
        *port = a.port;
    return rc;
}

long evtchn_bind_interdomain(domid_t remote, u32 remote_port, u32 *local_port)
{
    struct evtchn_bind_interdomain b = {.remote_dom = remote, .remote_port = remote_port};
    long rc = evtchn_op(EVTCHNOP_bind_interdomain, &b);

    if (!rc)
        *local_port = b.local_port;
    return rc;
}

long evtchn_bind_virq(u32 virq, u32 vcpu, u32 *port)
{
    struct evtchn_bind_virq b = {.virq = virq, .vcpu = vcpu};
    long rc = evtchn_op(EVTCHNOP_bind_virq, &b);

    if (!rc) {
        *port = b.port;
        owner[b.port % EVTCHN_2L_NR_CHANNELS] = (u8)vcpu;
    }
    return rc;
}

long evtchn_bind_ipi(u32 vcpu, u32 *port)
{
    struct evtchn_bind_ipi b = {.vcpu = vcpu};
    long rc = evtchn_op(EVTCHNOP_bind_ipi, &b);

    if (!rc) {
        *port = b.port;
        owner[b.port % EVTCHN_2L_NR_CHANNELS] = (u8)vcpu;
    }
    return rc;
}

long evtchn_bind_vcpu(u32 port, u32 vcpu)
{
    struct evtchn_bind_vcpu b = {.port = port, .vcpu = vcpu};
    long rc = evtchn_op(EVTCHNOP_bind_vcpu, &b);

    if (!rc)
        owner[port % EVTCHN_2L_NR_CHANNELS] = (u8)vcpu;
    return rc;
}

long evtchn_send(u32 port)
{
    struct evtchn_send s = {.port = port};

    return evtchn_op(EVTCHNOP_send, &s);
}

long evtchn_close(u32 port)
{
    struct evtchn_close c = {.port = port};
    long rc = evtchn_op(EVTCHNOP_close, &c);

    if (!rc)
        owner[port % EVTCHN_2L_NR_CHANNELS] = 0; /* a freed port notifies vCPU 0 again */
    return rc;
}

long evtchn_unmask(u32 port)
{
    struct evtchn_unmask u = {.port = port};

    return evtchn_op(EVTCHNOP_unmask, &u);
}

long evtchn_status(domid_t dom, u32 port, struct evtchn_status *st)
{
    *st = (struct evtchn_status){.dom = dom, .port = port};
    return evtchn_op(EVTCHNOP_status, st);
}

long sched_yield(void)
{
    return hypercall_sched_op(SCHEDOP_yield, NULL);
}

long sched_block(void)
{
    return hypercall_sched_op(SCHEDOP_block, NULL);
}

long sched_poll(const u32 *ports, u32 nr, u64 timeout)
{
    struct sched_poll p = {.ports = (u64)ports, .nr_ports = nr, .timeout = timeout};

    return hypercall_sched_op(SCHEDOP_poll, &p);
}

long vcpu_singleshot(unsigned int vcpu, u64 deadline, u32 flags)
{
    struct vcpu_set_singleshot_timer t = {.timeout_abs_ns = deadline, .flags = flags};

    return hypercall_vcpu_op(VCPUOP_set_singleshot_timer, vcpu, &t);
}

long vcpu_stop_singleshot(unsigned int vcpu)
{
    return hypercall_vcpu_op(VCPUOP_stop_singleshot_timer, vcpu, NULL);
}

long vcpu_periodic(unsigned int vcpu, u64 period_ns)
{
    struct vcpu_set_periodic_timer t = {.period_ns = period_ns};

    return hypercall_vcpu_op(VCPUOP_set_periodic_timer, vcpu, &t);
}

long vcpu_stop_periodic(unsigned int vcpu)
{
    return hypercall_vcpu_op(VCPUOP_stop_periodic_timer, vcpu, NULL);
}

u64 xen_now_on(unsigned int vcpu)
{
    struct vcpu_time_info snap;

    if (!pvclock_snapshot(&vcpu_info_of(vcpu)->time, &snap, 1000000))
        panic("vcpu_time_info of vCPU %u stays odd", vcpu);
    return pvclock_ns(&snap, rdtsc());
}

bool running_on_lares(void)
{
    struct xen_compile_info ci;

    return hypercall_xen_version(XENVER_compile_info, &ci) == 0 && !strcmp(ci.compile_by, "lares");
}

u64 cmdline_u64(const char *key, u64 def)
{
    char buf[24];
    u64 v = 0;

    if (!cmdline_option(key, buf, sizeof(buf)) || !buf[0])
        return def;
    for (const char *p = buf; *p; p++) {
        if (*p < '0' || *p > '9')
            return def;
        v = v * 10 + (u64)(*p - '0');
    }
    return v;
}
