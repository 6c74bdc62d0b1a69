/* Model-specific registers. */
#ifndef ASM_MSR_H
#define ASM_MSR_H

#include <lares/errno.h>
#include <lares/types.h>
#include <asm/extable.h>

#define MSR_IA32_TSC          0x00000010
#define MSR_IA32_APIC_BASE    0x0000001b
#define MSR_IA32_SYSENTER_CS  0x00000174
#define MSR_IA32_SYSENTER_ESP 0x00000175
#define MSR_IA32_SYSENTER_EIP 0x00000176
#define MSR_IA32_MISC_ENABLE  0x000001a0
#define MSR_IA32_TSC_DEADLINE 0x000006e0
#define MSR_IA32_CR_PAT       0x00000277
#define MSR_EFER              0xc0000080
#define MSR_STAR              0xc0000081
#define MSR_LSTAR             0xc0000082
#define MSR_CSTAR             0xc0000083
#define MSR_SFMASK            0xc0000084
#define MSR_FS_BASE           0xc0000100
#define MSR_GS_BASE           0xc0000101
#define MSR_KERNEL_GS_BASE    0xc0000102
#define MSR_TSC_AUX           0xc0000103
#define MSR_VM_CR             0xc0010114
#define MSR_VM_HSAVE_PA       0xc0010117

#define EFER_SCE   (1UL << 0)
#define EFER_LME   (1UL << 8)
#define EFER_LMA   (1UL << 10)
#define EFER_NXE   (1UL << 11)
#define EFER_SVME  (1UL << 12)

static inline u64 rdmsr(u32 msr)
{
    u32 lo, hi;
    __asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((u64)hi << 32) | lo;
}

static inline void wrmsr(u32 msr, u64 v)
{
    __asm__ __volatile__("wrmsr" : : "c"(msr), "a"((u32)v), "d"((u32)(v >> 32)) : "memory");
}

/*
 * rdmsr/wrmsr that may fault (an MSR the CPU does not implement, a value
 * it refuses): 0, or -EFAULT with *val = 0 instead of a #GP.
 */
static inline int rdmsr_safe(u32 msr, u64 *val)
{
    u32 lo, hi;
    int rc;

    __asm__ __volatile__("1: rdmsr\n"
                         "2:\n"
                         ".pushsection .text.fixup, \"ax\"\n"
                         "3: mov %[efault], %[rc]\n"
                         "   xor %%eax, %%eax\n"
                         "   xor %%edx, %%edx\n"
                         "   jmp 2b\n"
                         ".popsection\n" _ASM_EXTABLE(1b, 3b)
                         : [rc] "=r"(rc), "=a"(lo), "=d"(hi)
                         : "c"(msr), [efault] "i"(-EFAULT), "0"(0));
    *val = ((u64)hi << 32) | lo;
    return rc;
}

static inline int wrmsr_safe(u32 msr, u64 v)
{
    int rc;

    __asm__ __volatile__("1: wrmsr\n"
                         "2:\n"
                         ".pushsection .text.fixup, \"ax\"\n"
                         "3: mov %[efault], %[rc]\n"
                         "   jmp 2b\n"
                         ".popsection\n" _ASM_EXTABLE(1b, 3b)
                         : [rc] "=r"(rc)
                         : "c"(msr), "a"((u32)v), "d"((u32)(v >> 32)), [efault] "i"(-EFAULT), "0"(0)
                         : "memory");
    return rc;
}

#endif
