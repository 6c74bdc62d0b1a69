/*
 * cpu_share: how much CPU this domain gets, measured with its own runstate
 * (VCPUOP_get_runstate_info), not a wall clock. For the scheduler's
 * fairness tests (weights, caps, blocked domains) and its overhead
 * benchmark. Command line:
 *
 *   seconds=<n>   length of the measurement, in runstate time (all states) [3]
 *   mode=spin     CPU-bound: count loop iterations the whole time (default)
 *   mode=sleep    halt on a LAPIC one-shot timer for the whole time
 *   mode=tick     halt, woken every <tick_ms> (10) ms by a periodic LAPIC
 *                 timer, like an idle kernel with a timer tick
 *
 * It prints one line the integration tests parse:
 *
 *   cpu_share: running <ns> runnable <ns> blocked <ns> offline <ns> of <ns>; loops <n>
 *
 * (loops: loop iterations when spinning, timer ticks taken with mode=tick)
 *
 * and passes if the runstate is consistent: the four states add up to the
 * window, and a sleeping domain was blocked, not running. Whether the share
 * is right is the test's business (it knows the other domains).
 */
#include <guest.h>
#include <public/vcpu.h>

const char test_title[] = "cpu_share: CPU time by runstate, spinning or sleeping";

#define TIMER_VECTOR 0xe8
#define SPURIOUS_VECTOR 0xff
#define LOOPS_PER_CHECK 200000

static bool timer_fired;
static u64 ticks;

static void on_timer(struct cpu_regs *r)
{
    __atomic_store_n(&timer_fired, true, __ATOMIC_SEQ_CST);
    ticks++;
    lapic_eoi();
}

static void runstate(struct vcpu_runstate_info *r)
{
    if (hypercall_vcpu_op(VCPUOP_get_runstate_info, 0, r))
        panic("VCPUOP_get_runstate_info failed");
}

static u64 total(const struct vcpu_runstate_info *a, const struct vcpu_runstate_info *b)
{
    u64 t = 0;

    for (int s = 0; s < 4; s++)
        t += b->time[s] - a->time[s];
    return t;
}

/* Decimal seconds; 0 if not a number. */
static u64 parse_seconds(const char *s)
{
    u64 n = 0;

    for (; *s; s++) {
        if (*s < '0' || *s > '9' || n > 1000)
            return 0;
        n = n * 10 + (u64)(*s - '0');
    }
    return n;
}

/* A loop the compiler cannot drop: some arithmetic on a volatile. */
static volatile u64 sink;

static u64 spin(const struct vcpu_runstate_info *a, struct vcpu_runstate_info *b, u64 window)
{
    u64 loops = 0, x = 1;

    do {
        for (unsigned int i = 0; i < LOOPS_PER_CHECK; i++)
            x = x * 6364136223846793005ull + 1442695040888963407ull;
        sink = x;
        loops += LOOPS_PER_CHECK;
        runstate(b);
    } while (total(a, b) < window);
    return loops;
}

static void sleep(struct vcpu_runstate_info *b, u64 window)
{
    irq_set_handler(TIMER_VECTOR, on_timer);
    lapic_enable(SPURIOUS_VECTOR);
    /* The LAPIC timer counts at most 2^32 ns at a time. */
    for (u64 left = window; left; left -= MIN(left, 4000000000ull)) {
        __atomic_store_n(&timer_fired, false, __ATOMIC_SEQ_CST);
        lapic_timer_start(TIMER_VECTOR, (u32)MIN(left, 4000000000ull), false);
        while (!__atomic_load_n(&timer_fired, __ATOMIC_SEQ_CST))
            wait_for_interrupt();
    }
    runstate(b);
}

static void tick(const struct vcpu_runstate_info *a, struct vcpu_runstate_info *b, u64 window,
                 u64 tick_ms)
{
    irq_set_handler(TIMER_VECTOR, on_timer);
    lapic_enable(SPURIOUS_VECTOR);
    lapic_timer_start(TIMER_VECTOR, (u32)(tick_ms * 1000000), true);
    do {
        wait_for_interrupt();
        runstate(b);
    } while (total(a, b) < window);
    lapic_timer_stop();
}

void test_main(void)
{
    struct vcpu_runstate_info a, b;
    char arg[16];
    u64 seconds = 3, window, loops = 0, all;
    bool sleeping = false, ticking = false;
    u64 tick_ms = 10;

    if (!test_needs_xen())
        return;
    if (cmdline_option("seconds", arg, sizeof(arg)))
        seconds = parse_seconds(arg);
    if (cmdline_option("mode", arg, sizeof(arg))) {
        sleeping = !strcmp(arg, "sleep");
        ticking = !strcmp(arg, "tick");
    }
    if (cmdline_option("tick_ms", arg, sizeof(arg)))
        tick_ms = parse_seconds(arg);
    if (!tick_ms || tick_ms > 1000) {
        test_error("tick_ms=%s: 1 to 1000", arg);
        return;
    }
    if (!seconds || seconds > 600) {
        test_error("seconds=%s: 1 to 600", arg);
        return;
    }
    window = seconds * 1000000000ull;

    runstate(&a);
    if (sleeping)
        sleep(&b, window);
    else if (ticking)
        tick(&a, &b, window, tick_ms);
    else
        loops = spin(&a, &b, window);
    all = total(&a, &b);
    printk("cpu_share: running %lu runnable %lu blocked %lu offline %lu of %lu; loops %lu\n",
           (unsigned long)(b.time[RUNSTATE_running] - a.time[RUNSTATE_running]),
           (unsigned long)(b.time[RUNSTATE_runnable] - a.time[RUNSTATE_runnable]),
           (unsigned long)(b.time[RUNSTATE_blocked] - a.time[RUNSTATE_blocked]),
           (unsigned long)(b.time[RUNSTATE_offline] - a.time[RUNSTATE_offline]), (unsigned long)all,
           (unsigned long)(ticking ? ticks : loops));
    check(all >= window, "the states add up to %lu ns, less than the window", (unsigned long)all);
    check(b.state == RUNSTATE_running, "runstate %d while running", b.state);
    check(b.state_entry_time >= a.state_entry_time, "state entry time went back");
    if (sleeping || ticking)
        check(b.time[RUNSTATE_blocked] - a.time[RUNSTATE_blocked] >= window * 8 / 10,
              "a sleeping domain was not blocked");
    test_success();
}
