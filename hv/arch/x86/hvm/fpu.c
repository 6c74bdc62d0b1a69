/*
 * Guest FPU and debug-register state across vCPU switches (asm/hvm/fpu.h).
 *
 * A vCPU's x87/SSE/AVX registers, XCR0 and DR0-DR3 belong to it while it
 * is the CPU's current vCPU, exits included: the hypervisor never touches
 * them. hvm_ctxt_switch_from() saves them when the vCPU leaves the CPU,
 * hvm_ctxt_switch_to() loads them when it comes back.
 *
 * Loading a vCPU whose x87 registers are in their init state (every guest
 * that never uses the x87) restores only the other components and then
 * re-creates that state with FNINIT/FLDZ, without an x87 restore: under
 * QEMU's multi-threaded TCG an x87 restore (FXRSTOR, XRSTOR of x87) on
 * any CPU rewrites CPU 0's SVM flags and can reset the machine
 * (docs/svm-under-qemu-notes.md, 1).
 */
#include <lares/cpuid_policy.h>
#include <lares/domain.h>
#include <lares/errno.h>
#include <lares/mm.h>
#include <lares/string.h>
#include <lares/x87_state.h>
#include <asm/cpu.h>
#include <asm/hvm/fpu.h>

#define CPUID1_ECX_XSAVE (1u << 26)
#define FXSAVE_SIZE 512
#define XSAVE_HDR_OFFSET 512

static bool use_xsave;
static unsigned area_order;
static u64 xcr0_supported;

static inline void xsetbv(u32 idx, u64 val)
{
    __asm__ __volatile__("xsetbv" : : "c"(idx), "a"((u32)val), "d"((u32)(val >> 32)));
}

static inline u64 xgetbv(u32 idx)
{
    u32 lo, hi;

    __asm__ __volatile__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(idx));
    return ((u64)hi << 32) | lo;
}

void hvm_fpu_cpu_init(void)
{
    struct cpuid_regs r;
    u64 cr4 = read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;

    cpuid(1, &r);
    use_xsave = r.ecx & CPUID1_ECX_XSAVE;
    if (use_xsave) {
        write_cr4(cr4 | X86_CR4_OSXSAVE);
        cpuid_count(0xd, 0, &r);
        xcr0_supported = ((u64)r.edx << 32) | r.eax;
        xsetbv(0, XSTATE_X87 | XSTATE_SSE);
        /* ECX: the size XSAVE needs for every feature this CPU supports. */
        area_order = r.ecx > PAGE_SIZE ? 1 : 0;
    } else {
        write_cr4(cr4);
        xcr0_supported = XSTATE_X87 | XSTATE_SSE;
        area_order = 0;
    }
}

bool hvm_fpu_has_xsave(void)
{
    return use_xsave;
}

u64 hvm_fpu_guest_xcr0_mask(void)
{
    return xcr0_supported & (XSTATE_X87 | XSTATE_SSE | XSTATE_YMM);
}

int hvm_fpu_set_xcr0(struct vcpu *v, u64 xcr0)
{
    if (!(xcr0 & XSTATE_X87) || (xcr0 & ~v->domain->cpuid->xcr0_max))
        return -EINVAL;
    if ((xcr0 & XSTATE_YMM) && !(xcr0 & XSTATE_SSE))
        return -EINVAL;
    v->hvm.xcr0 = xcr0;
    xsetbv(0, xcr0);
    return 0;
}

/* The reset state: FCW 0x37f, MXCSR 0x1f80; XRSTOR loads x87 and SSE from it. */
static void fill_reset_state(u8 *area)
{
    memset(area, 0, PAGE_SIZE << area_order);
    *(u16 *)area = 0x37f;
    *(u32 *)(area + 24) = 0x1f80;
    if (use_xsave)
        *(u64 *)(area + XSAVE_HDR_OFFSET) = XSTATE_X87 | XSTATE_SSE;
}

int hvm_fpu_init(struct vcpu *v)
{
    u8 *area = alloc_pages(area_order);

    if (!area)
        return -ENOMEM;
    fill_reset_state(area);
    v->hvm.fpu_area = area;
    v->hvm.xcr0 = XSTATE_X87 | XSTATE_SSE;
    return 0;
}

void hvm_fpu_reset(struct vcpu *v)
{
    fill_reset_state(v->hvm.fpu_area);
    v->hvm.xcr0 = XSTATE_X87 | XSTATE_SSE;
    for (unsigned i = 0; i < 4; i++)
        v->hvm.dr[i] = 0;
    hvm_ctxt_switch_to(v); /* load it: the vCPU's state lives in the CPU now */
}

void hvm_fpu_destroy(struct vcpu *v)
{
    if (v->hvm.fpu_area)
        free_pages(v->hvm.fpu_area, area_order);
    v->hvm.fpu_area = NULL;
}

u64 hvm_fpu_live_xcr0(struct vcpu *v)
{
    /*
     * v is on this CPU (an exit is being handled), so XCR0 holds its value.
     * Read it rather than trust v->hvm.xcr0: QEMU's TCG does not deliver
     * the XSETBV intercept, so the guest's own XSETBV changes XCR0 unseen.
     */
    if (use_xsave)
        v->hvm.xcr0 = xgetbv(0);
    return v->hvm.xcr0;
}

void hvm_ctxt_switch_from(struct vcpu *v)
{
    u64 *dr = v->hvm.dr;

    if (use_xsave) {
        /* The guest may have changed XCR0 itself if XSETBV was not intercepted. */
        v->hvm.xcr0 = xgetbv(0);
        __asm__ __volatile__("xsave (%0)" : : "r"(v->hvm.fpu_area), "a"(~0u), "d"(~0u) : "memory");
    } else {
        __asm__ __volatile__("fxsave (%0)" : : "r"(v->hvm.fpu_area) : "memory");
    }
    __asm__ __volatile__("mov %%db0, %0" : "=r"(dr[0]));
    __asm__ __volatile__("mov %%db1, %0" : "=r"(dr[1]));
    __asm__ __volatile__("mov %%db2, %0" : "=r"(dr[2]));
    __asm__ __volatile__("mov %%db3, %0" : "=r"(dr[3]));
}

/*
 * The x87 init state with all eight registers zero, as an x87 restore of
 * an init area would leave it (FNINIT alone keeps the previous owner's
 * register contents, which the next FXSAVE/XSAVE would show the guest).
 */
static void load_x87_init(void)
{
    __asm__ __volatile__("fninit\n\t"
                         "fldz\n\tfldz\n\tfldz\n\tfldz\n\t"
                         "fldz\n\tfldz\n\tfldz\n\tfldz\n\t"
                         "fninit");
}

/* MXCSR and XMM0-XMM15 from an FXSAVE area, without FXRSTOR. */
static void load_sse_legacy(const u8 *area)
{
    __asm__ __volatile__("ldmxcsr 24(%0)\n\t"
                         "movdqu 160(%0), %%xmm0\n\t"
                         "movdqu 176(%0), %%xmm1\n\t"
                         "movdqu 192(%0), %%xmm2\n\t"
                         "movdqu 208(%0), %%xmm3\n\t"
                         "movdqu 224(%0), %%xmm4\n\t"
                         "movdqu 240(%0), %%xmm5\n\t"
                         "movdqu 256(%0), %%xmm6\n\t"
                         "movdqu 272(%0), %%xmm7\n\t"
                         "movdqu 288(%0), %%xmm8\n\t"
                         "movdqu 304(%0), %%xmm9\n\t"
                         "movdqu 320(%0), %%xmm10\n\t"
                         "movdqu 336(%0), %%xmm11\n\t"
                         "movdqu 352(%0), %%xmm12\n\t"
                         "movdqu 368(%0), %%xmm13\n\t"
                         "movdqu 384(%0), %%xmm14\n\t"
                         "movdqu 400(%0), %%xmm15"
                         :
                         : "r"(area)
                         : "memory");
}

void hvm_ctxt_switch_to(struct vcpu *v)
{
    const u64 *dr = v->hvm.dr;
    bool x87_init = x87_area_is_init(v->hvm.fpu_area);

    if (use_xsave) {
        /* Every component; all but x87 if that is in its init state. */
        u32 lo = x87_init ? ~(u32)XSTATE_X87 : ~0u;

        xsetbv(0, v->hvm.xcr0);
        __asm__ __volatile__("xrstor (%0)" : : "r"(v->hvm.fpu_area), "a"(lo), "d"(~0u) : "memory");
    } else if (x87_init) {
        load_sse_legacy(v->hvm.fpu_area);
    } else {
        __asm__ __volatile__("fxrstor (%0)" : : "r"(v->hvm.fpu_area) : "memory");
    }
    if (x87_init)
        load_x87_init();
    __asm__ __volatile__("mov %0, %%db0" : : "r"(dr[0]));
    __asm__ __volatile__("mov %0, %%db1" : : "r"(dr[1]));
    __asm__ __volatile__("mov %0, %%db2" : : "r"(dr[2]));
    __asm__ __volatile__("mov %0, %%db3" : : "r"(dr[3]));
}

void hvm_write_dr(struct vcpu *v, unsigned n, u64 val)
{
    v->hvm.dr[n] = val;
    switch (n) {
    case 0:
        __asm__ __volatile__("mov %0, %%db0" : : "r"(val));
        break;
    case 1:
        __asm__ __volatile__("mov %0, %%db1" : : "r"(val));
        break;
    case 2:
        __asm__ __volatile__("mov %0, %%db2" : : "r"(val));
        break;
    default:
        __asm__ __volatile__("mov %0, %%db3" : : "r"(val));
        break;
    }
}
