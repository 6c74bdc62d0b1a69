/* Hypercalls from compatibility mode (guest/compat.h). */
#include <guest.h>
#include <guest/compat.h>

extern u64 gdt[];
static u64 gdt32[8] __aligned(16);

/* The 32-bit stub: VMMCALL, then a 32-bit far return to the 64-bit caller. */
extern char compat_vmmcall[];
__asm__(".pushsection .text\n"
        ".code32\n"
        "compat_vmmcall:\n"
        "    vmmcall\n"
        "    lret\n"
        ".code64\n"
        ".popsection\n");

void compat_init(void)
{
    struct {
        u16 limit;
        u64 base;
    } __packed desc = {sizeof(gdt32) - 1, (u64)gdt32};

    memcpy(gdt32, gdt, 7 * sizeof(u64)); /* null, kernel, user, TSS (2 slots) */
    gdt32[7] = 0x00cf9b000000ffffull;    /* COMPAT_CS */
    __asm__ __volatile__("lgdt %0" : : "m"(desc));
}

u32 hypercall32(u32 nr, u32 a1, u32 a2, u32 a3, u32 a4, u32 a5)
{
    u64 rax = 0xdead000000000000ull | nr;
    u64 rbx = 0xbeef000000000000ull | a1;
    u64 rcx = 0xcafe000000000000ull | a2;
    u64 rdx = 0xf00d000000000000ull | a3;
    u64 rsi = 0xface000000000000ull | a4;
    u64 rdi = 0xfeed000000000000ull | a5;

    __asm__ __volatile__("sub $8, %%rsp\n\t"
                         "movl $1f, (%%rsp)\n\t"    /* 32-bit return frame: EIP ... */
                         "movl $0x08, 4(%%rsp)\n\t" /* ... and the 64-bit code segment */
                         "pushq %[cs]\n\t"
                         "pushq %[stub]\n\t"
                         "lretq\n" /* into compatibility mode */
                         "1:"
                         : "+a"(rax), "+b"(rbx), "+c"(rcx), "+d"(rdx), "+S"(rsi), "+D"(rdi)
                         : [cs] "i"(COMPAT_CS), [stub] "r"((u64)compat_vmmcall)
                         : "r8", "r9", "r10", "r11", "memory", "cc");
    return (u32)rax;
}
