/*
 * Issuing hypercalls: inline VMMCALL/VMCALL, or a call into the hypercall
 * page once the hypervisor has filled it.
 */
#include <guest.h>
#include <public/arch-x86/cpuid.h>
#include <public/sched.h>

/* One page of `ret` until the hypervisor writes its stubs over it. */
__asm__(".pushsection .text.hypercall_page, \"ax\", @progbits\n"
        ".balign 4096\n"
        ".globl hypercall_page\n"
        "hypercall_page:\n"
        ".fill 4096, 1, 0xc3\n"
        ".popsection\n");

#define RET_OPCODE 0xc3

static bool use_vmmcall;
static bool page_ready;
static bool via_page;

void hypercall_init(void)
{
    use_vmmcall = cpu_is_amd();
}

long hypercall6(u64 nr, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
    register u64 r10 __asm__("r10") = a4;
    register u64 r8 __asm__("r8") = a5;
    long ret;

    /* Xen may clobber every argument register, so all are in/out. */
    if (via_page && nr < XEN_HYPERCALL_PAGE_ENTRIES) {
        u64 entry = (u64)hypercall_page + nr * XEN_HYPERCALL_PAGE_ENTRY_SIZE;

        __asm__ __volatile__("call *%[entry]"
                             : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
                             : [entry] "r"(entry)
                             : "memory", "rcx", "r9", "r11");
    } else if (use_vmmcall) {
        __asm__ __volatile__("vmmcall"
                             : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
                             : "0"(nr)
                             : "memory", "rcx", "r9", "r11");
    } else {
        __asm__ __volatile__("vmcall"
                             : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
                             : "0"(nr)
                             : "memory", "rcx", "r9", "r11");
    }
    return ret;
}

int hypercall_page_init(void)
{
    u32 base = xen_cpuid_base();
    u32 msr;

    if (!base)
        return -ENODEV;
    msr = cpuid(base + 2).ebx;
    /* The image is identity-mapped: the page's address is its GPA. */
    if (wrmsr_safe(msr, (u64)hypercall_page))
        return -EIO;
    if (hypercall_page[0] == RET_OPCODE)
        return -EIO;
    page_ready = true;
    return 0;
}

int hypercall_use_page(bool use)
{
    if (use && !page_ready)
        return -EINVAL;
    via_page = use;
    return 0;
}

bool hypercall_using_page(void)
{
    return via_page;
}

long hypercall_shutdown(unsigned int reason)
{
    struct sched_shutdown s = {.reason = reason};

    return hypercall_sched_op(SCHEDOP_shutdown, &s);
}
