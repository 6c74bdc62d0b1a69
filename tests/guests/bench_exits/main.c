/*
 * bench_exits: the cost of an exit to the hypervisor, seen from inside a
 * guest. Times a loop of N inline hypercalls (xen_version(XENVER_version),
 * which touches no guest memory) and a loop of N CPUIDs of a Xen leaf,
 * each next to the identical loop with the trapping instruction replaced
 * by a NOP of the same length. Every figure is the minimum over several
 * repetitions. Prints "bench: <name> <ns per iteration> ns ..." lines for
 * bench/svm_exits.py. Options: iterations=<n> (default 5000), reps=<n> (5).
 */
#include <guest.h>
#include <public/version.h>

const char test_title[] = "bench_exits: hypercall and CPUID round trips";

/* The four loops: the same instructions around a trapping or a no-op instruction. */
static u64 loop_vmmcall(unsigned long n)
{
    u64 t0 = rdtsc();

    for (unsigned long i = 0; i < n; i++) {
        unsigned long rax = __HYPERVISOR_xen_version, rdi = XENVER_version, rsi = 0;

        __asm__ __volatile__("vmmcall" : "+a"(rax), "+D"(rdi), "+S"(rsi) : : "memory");
    }
    return rdtsc() - t0;
}

static u64 loop_vmmcall_nop(unsigned long n)
{
    u64 t0 = rdtsc();

    for (unsigned long i = 0; i < n; i++) {
        unsigned long rax = __HYPERVISOR_xen_version, rdi = XENVER_version, rsi = 0;

        __asm__ __volatile__(".byte 0x0f, 0x1f, 0x00" /* nopl (%rax): 3 bytes, as vmmcall */
                             : "+a"(rax), "+D"(rdi), "+S"(rsi)
                             :
                             : "memory");
    }
    return rdtsc() - t0;
}

static u64 loop_cpuid(unsigned long n)
{
    u64 t0 = rdtsc();

    for (unsigned long i = 0; i < n; i++) {
        u32 a = 0x40000001, b, c = 0, d;

        __asm__ __volatile__("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d) : : "memory");
    }
    return rdtsc() - t0;
}

static u64 loop_cpuid_nop(unsigned long n)
{
    u64 t0 = rdtsc();

    for (unsigned long i = 0; i < n; i++) {
        u32 a = 0x40000001, b = 0, c = 0, d = 0;

        __asm__ __volatile__("xchg %%ax, %%ax" /* 2 bytes, as cpuid */
                             : "+a"(a), "+b"(b), "+c"(c), "+d"(d)
                             :
                             : "memory");
    }
    return rdtsc() - t0;
}

static u64 best(u64 (*loop)(unsigned long), unsigned long n, unsigned reps)
{
    u64 min = ~0ull;

    for (unsigned r = 0; r < reps; r++) {
        u64 t = loop(n);

        if (t < min)
            min = t;
    }
    return min;
}

/* Picoseconds per iteration from TSC ticks (kHz = ticks per millisecond). */
static u64 ps_per_iter(u64 ticks, unsigned long n, u64 khz)
{
    return ticks * 1000000000ull / khz / n;
}

static void report(const char *name, u64 exit_ps, u64 plain_ps)
{
    u64 ratio10 = plain_ps ? exit_ps * 10 / plain_ps : 0;

    printk("bench: %s %lu.%03lu ns per round trip; same loop without the exit %lu.%03lu "
           "ns; ratio %lu.%lu\n",
           name, exit_ps / 1000, exit_ps % 1000, plain_ps / 1000, plain_ps % 1000, ratio10 / 10,
           ratio10 % 10);
}

void test_main(void)
{
    unsigned long n = cmdline_number("iterations", 5000);
    unsigned reps = (unsigned)cmdline_number("reps", 5);
    u64 khz;

    if (!test_needs_xen())
        return;
    khz = cpuid(0x40000003).ecx;
    if (!khz) {
        test_skip("no TSC frequency in CPUID 0x40000003");
        return;
    }
    printk("bench: %lu iterations, minimum of %u repetitions, TSC %lu kHz\n", n, reps, khz);
    report("hypercall", ps_per_iter(best(loop_vmmcall, n, reps), n, khz),
           ps_per_iter(best(loop_vmmcall_nop, n, reps), n, khz));
    report("cpuid", ps_per_iter(best(loop_cpuid, n, reps), n, khz),
           ps_per_iter(best(loop_cpuid_nop, n, reps), n, khz));
    test_success();
}
