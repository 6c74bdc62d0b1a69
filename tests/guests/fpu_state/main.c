/*
 * fpu_state: a guest's SSE (and, where the CPU has XSAVE and AVX, the
 * upper AVX) registers survive while other guests run on the same CPU.
 * Fills XMM0-15 (YMM0-15) with a pattern unique to this domain, spins for
 * spin_ms milliseconds of wall time (long enough for the hypervisor to
 * switch to the other domains many times), and checks the registers.
 * Enabling AVX also exercises XSETBV. Options: spin_ms=<n> (default 300).
 */
#include <guest.h>

const char test_title[] = "fpu_state: SSE/AVX registers survive other guests running";

#define CR4_OSFXSR (1ul << 9)
#define CR4_OSXMMEXCPT (1ul << 10)
#define CR4_OSXSAVE (1ul << 18)

static inline void write_cr4(unsigned long v)
{
    __asm__ __volatile__("mov %0, %%cr4" : : "r"(v) : "memory");
}

static u8 pattern[16][32] __aligned(32);
static u8 readback[16][32] __aligned(32);

#define FOR_EACH_REG(X)                                                                            \
    X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15)

static void load_xmm(void)
{
#define LOAD(n) __asm__ __volatile__("movdqa %0, %%xmm" #n : : "m"(pattern[n][0]));
    FOR_EACH_REG(LOAD)
#undef LOAD
}

static void store_xmm(void)
{
#define STORE(n) __asm__ __volatile__("movdqa %%xmm" #n ", %0" : "=m"(readback[n][0]));
    FOR_EACH_REG(STORE)
#undef STORE
}

static void load_ymm(void)
{
#define LOAD(n) __asm__ __volatile__("vmovdqa %0, %%ymm" #n : : "m"(pattern[n][0]));
    FOR_EACH_REG(LOAD)
#undef LOAD
}

static void store_ymm(void)
{
#define STORE(n) __asm__ __volatile__("vmovdqa %%ymm" #n ", %0" : "=m"(readback[n][0]));
    FOR_EACH_REG(STORE)
#undef STORE
}

static bool enable_avx(void)
{
    struct cpuid_regs r = cpuid(1);
    u32 lo, hi;

    if (!(r.ecx & (1u << 26)) || !(r.ecx & (1u << 28)))
        return false; /* no XSAVE or no AVX */
    if (!(cpuid_count(0xd, 0).eax & 4))
        return false; /* YMM state not offered */
    write_cr4(read_cr4() | CR4_OSXSAVE);
    __asm__ __volatile__("xsetbv" : : "c"(0), "a"(7), "d"(0));
    __asm__ __volatile__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    check(lo == 7 && hi == 0, "XCR0 reads %#x:%#x after writing 7", hi, lo);
    return true;
}

static void wait_ms(unsigned long ms, u64 khz)
{
    u64 end = rdtsc() + ms * khz;

    while (rdtsc() < end)
        ;
}

void test_main(void)
{
    unsigned long ms = cmdline_number("spin_ms", 300);
    u32 seed = (u32)cpuid(0x40000004).ecx * 0x9e3779b9u; /* the domain id */
    u64 khz = cpuid(0x40000003).ecx;
    unsigned width = 16;
    bool avx;

    if (!test_needs_xen())
        return;
    if (!khz) {
        test_skip("no TSC frequency in CPUID 0x40000003");
        return;
    }
    for (unsigned i = 0; i < 16; i++)
        for (unsigned b = 0; b < 32; b++)
            pattern[i][b] = (u8)((seed >> ((b % 4) * 8)) + i * 37 + b * 11);
    write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
    avx = enable_avx();
    if (avx) {
        width = 32;
        load_ymm();
    } else {
        load_xmm();
    }
    printk("%s registers loaded; spinning %lu ms\n", avx ? "YMM" : "XMM", ms);
    wait_ms(ms, khz);
    if (avx)
        store_ymm();
    else
        store_xmm();
    for (unsigned i = 0; i < 16; i++)
        check(!memcmp(pattern[i], readback[i], width), "%s%u changed while other guests ran",
              avx ? "ymm" : "xmm", i);
    printk("all 16 %s registers intact\n", avx ? "YMM" : "XMM");
    test_success();
}
