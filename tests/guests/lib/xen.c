/* Detecting Xen/Lares through CPUID, and reading the PVH start info. */
#include <guest.h>
#include <guest/cmdline.h>
#include <public/arch-x86/cpuid.h>

/* The few hvm_start_info facts we need (include/public/hvm/start_info.h
 * has the full structure). */
#define START_INFO_MAGIC 0x336ec578
#define START_INFO_CMDLINE_PADDR 24

extern u64 pvh_start_info_pa; /* head.S: EBX at entry */

static u32 cpuid_base;
static char vendor[13];

void xen_detect(void)
{
    struct cpuid_regs r = cpuid(0);

    memcpy(vendor + 0, &r.ebx, 4);
    memcpy(vendor + 4, &r.edx, 4);
    memcpy(vendor + 8, &r.ecx, 4);
    vendor[12] = '\0';

    for (u32 base = XEN_CPUID_FIRST_LEAF; base < XEN_CPUID_FIRST_LEAF + 0x10000;
         base += XEN_CPUID_BASE_STEP) {
        r = cpuid(base);
        if (r.ebx == XEN_CPUID_SIGNATURE_EBX && r.ecx == XEN_CPUID_SIGNATURE_ECX &&
            r.edx == XEN_CPUID_SIGNATURE_EDX && r.eax >= base + 2) {
            cpuid_base = base;
            return;
        }
    }
}

bool running_on_xen(void)
{
    return cpuid_base != 0;
}

bool test_needs_xen(void)
{
    if (!running_on_xen())
        test_skip("needs a Xen-ABI hypervisor: no Xen CPUID leaves (bare machine)");
    return running_on_xen();
}

u32 xen_cpuid_base(void)
{
    return cpuid_base;
}

const char *cpu_vendor(void)
{
    return vendor;
}

bool cpu_is_amd(void)
{
    return !strcmp(vendor, "AuthenticAMD") || !strcmp(vendor, "HygonGenuine");
}

/* Readable through the identity map (page 0 is not). */
static bool identity_mapped(u64 pa, u64 len)
{
    return pa >= XEN_PAGE_SIZE && pa < IDENTITY_MAP_END && len <= IDENTITY_MAP_END - pa;
}

u64 start_info_paddr(void)
{
    u64 pa = pvh_start_info_pa;

    if (!identity_mapped(pa, 56) || *(const u32 *)pa != START_INFO_MAGIC)
        return 0;
    return pa;
}

const char *guest_cmdline(void)
{
    u64 si = start_info_paddr();
    u64 pa = si ? *(const u64 *)(si + START_INFO_CMDLINE_PADDR) : 0;

    if (!pa || !identity_mapped(pa, 1))
        return "";
    return (const char *)pa;
}

bool cmdline_option(const char *key, char *buf, size_t size)
{
    return cmdline_find(guest_cmdline(), key, buf, size);
}

u64 cmdline_number(const char *key, u64 def)
{
    char buf[24];
    u64 v;

    if (!cmdline_option(key, buf, sizeof(buf)) || !cmdline_parse_number(buf, &v))
        return def;
    return v;
}
