/*
 * Cross-CPU function calls and stopping the other CPUs (lares/smp.h).
 *
 * Each (target, sender) pair has one mailbox slot: the sender puts a
 * pointer to its request there and sends CALL_FUNCTION_VECTOR; the target
 * takes every request addressed to it. A request lives on the sender's
 * stack, so the sender waits at least until every target has taken it.
 * No lock is held while waiting, and a waiting CPU serves its own
 * mailboxes, so CPUs calling each other cannot deadlock.
 */
#include <lares/console.h>
#include <lares/errno.h>
#include <lares/lib.h>
#include <lares/shutdown.h>
#include <lares/smp.h>
#include <lares/time.h>
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/irq.h>
#include <asm/percpu.h>

struct call_request {
    smp_call_fn fn;
    void *arg;
    bool wait;
    u64 not_taken; /* bit per target: has not copied fn/arg yet */
    u64 not_done;  /* bit per target: fn has not returned yet (wait only) */
};

BUILD_BUG_ON(MAX_CPUS > 64); /* the masks above are one u64 */

static struct call_request *mailbox[MAX_CPUS][MAX_CPUS]; /* [target][sender] */
static bool smp_ready;
static u32 stopping;
static u32 nr_stopped;

unsigned int num_online_cpus(void)
{
    unsigned int n = 0;

    for_each_online_cpu(c) n++;
    return n;
}

/* Run every request waiting in this CPU's mailboxes. */
static void serve_calls(void)
{
    unsigned int me = smp_processor_id();
    u64 bit = 1ULL << me;

    for (unsigned int from = 0; from < nr_cpus; from++) {
        struct call_request *req = __atomic_exchange_n(&mailbox[me][from], NULL, __ATOMIC_ACQUIRE);
        smp_call_fn fn;
        void *arg;
        bool wait;

        if (!req)
            continue;
        fn = req->fn;
        arg = req->arg;
        wait = req->wait;
        /* After this, a non-waiting sender may return and its request vanish. */
        __atomic_fetch_and(&req->not_taken, ~bit, __ATOMIC_RELEASE);
        fn(arg);
        if (wait)
            __atomic_fetch_and(&req->not_done, ~bit, __ATOMIC_RELEASE);
    }
}

static void call_function_interrupt(struct cpu_user_regs *regs)
{
    apic_eoi();
    serve_calls();
}

static void wait_for_clear(const u64 *mask)
{
    while (__atomic_load_n(mask, __ATOMIC_ACQUIRE)) {
        serve_calls();
        cpu_relax();
    }
}

static void call_many(u64 targets, smp_call_fn fn, void *arg, bool wait)
{
    unsigned int me = smp_processor_id();
    struct call_request req = {.fn = fn, .arg = arg, .wait = wait};
    bool self = targets & (1ULL << me);

    targets &= ~(1ULL << me);
    req.not_taken = req.not_done = targets;
    for (unsigned int cpu = 0; cpu < MAX_CPUS && (targets >> cpu); cpu++) {
        struct call_request *expected = NULL;

        if (!(targets & (1ULL << cpu)))
            continue;
        /* Our slot may still hold a request from an interrupted call of ours. */
        while (!__atomic_compare_exchange_n(&mailbox[cpu][me], &expected, &req, false,
                                            __ATOMIC_RELEASE, __ATOMIC_RELAXED)) {
            expected = NULL;
            serve_calls();
            cpu_relax();
        }
        apic_send_ipi(cpu_info[cpu]->apic_id, APIC_DM_FIXED, CALL_FUNCTION_VECTOR);
    }
    if (self) {
        unsigned long flags = local_irq_save();

        fn(arg);
        local_irq_restore(flags);
    }
    wait_for_clear(&req.not_taken);
    if (wait)
        wait_for_clear(&req.not_done);
}

int on_cpu(unsigned int cpu, smp_call_fn fn, void *arg, bool wait)
{
    if (cpu >= nr_cpus || !cpu_info[cpu] || !cpu_info[cpu]->online)
        return -ENOENT;
    call_many(1ULL << cpu, fn, arg, wait);
    return 0;
}

void on_other_cpus(smp_call_fn fn, void *arg, bool wait)
{
    u64 targets = 0;

    for_each_online_cpu(c) targets |= 1ULL << c;
    call_many(targets & ~(1ULL << smp_processor_id()), fn, arg, wait);
}

/* NMI callback once stopping: park this CPU for good (NMIs stay blocked: no IRET). */
static void stop_this_cpu(struct cpu_user_regs *regs)
{
    if (!__atomic_load_n(&stopping, __ATOMIC_ACQUIRE))
        return;
    this_cpu()->online = false;
    __atomic_fetch_add(&nr_stopped, 1, __ATOMIC_RELEASE);
    cpu_halt_forever();
}

/*
 * For panic() and machine_finish(): an NMI to every other CPU, which stops
 * them even with interrupts off or spinning on a lock. Waits a bounded time
 * for them to acknowledge. If another CPU is already stopping everyone,
 * this one just stops too.
 */
void stop_other_cpus(void)
{
    unsigned int others;

    if (!smp_ready)
        return;
    if (__atomic_exchange_n(&stopping, 1, __ATOMIC_ACQ_REL)) {
        if (this_cpu()->online)
            cpu_halt_forever();
        return;
    }
    others = num_online_cpus() - 1;
    if (!others)
        return;
    set_nmi_callback(stop_this_cpu);
    apic_send_ipi_all_but_self(APIC_DM_NMI, 0);
    for (unsigned int i = 0; i < 100000 && __atomic_load_n(&nr_stopped, __ATOMIC_ACQUIRE) < others;
         i++)
        udelay(10);
    if (__atomic_load_n(&nr_stopped, __ATOMIC_ACQUIRE) < others)
        pr_err("smp: only %u of %u other CPUs stopped\n", nr_stopped, others);
    else
        printk("smp: %u other CPUs stopped\n", others);
}

void smp_init(void)
{
    if (set_irq_handler(CALL_FUNCTION_VECTOR, call_function_interrupt))
        panic("The call-function vector %#x is already taken\n", CALL_FUNCTION_VECTOR);
    smp_ready = true;
}
