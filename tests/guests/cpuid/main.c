/*
 * cpuid: the Xen CPUID leaves and the bits around them.
 *
 * The hypervisor must: put the leaves at 0x40000000 with the signature
 * "XenVMMXenVMM" and a maximum leaf >= base + 4 (Xen: base + 5); report
 * version 4.x in leaf 1 (the same as XENVER_version); one hypercall page
 * installed through MSR 0x40000000 in leaf 2; the TSC frequency in leaf 3;
 * in leaf 4 the vCPU-id and domain-id flags with this vCPU's id (0) and
 * the domain id; set the "hypervisor" bit (leaf 1 ECX[31]); and pass the
 * host's vendor string through leaf 0 (Linux picks VMMCALL from it).
 * Command-line options: host_vendor=<vendor> (default: an AMD host),
 * domid=<n> (checked against leaf 4 when given).
 */
#include <guest.h>
#include <public/arch-x86/cpuid.h>
#include <public/version.h>

const char test_title[] = "cpuid: Xen leaves 0x40000000-0x40000005, vendor, hypervisor bit";

static unsigned long parse_ulong(const char *s)
{
    unsigned long v = 0;

    while (*s >= '0' && *s <= '9')
        v = v * 10 + (unsigned long)(*s++ - '0');
    return v;
}

static void check_vendor(void)
{
    char expected[16];

    if (cmdline_option("host_vendor", expected, sizeof(expected)))
        check(!strcmp(cpu_vendor(), expected), "vendor \"%s\", host has \"%s\"", cpu_vendor(),
              expected);
    else
        check(cpu_is_amd(), "vendor \"%s\" on an AMD host (pass host_vendor= otherwise)",
              cpu_vendor());
    check(cpuid(1).ecx & (1u << 31), "CPUID.1:ECX[31] (hypervisor) is clear");
}

void test_main(void)
{
    u32 base = xen_cpuid_base();
    struct cpuid_regs r;
    char domid[12];

    if (!test_needs_xen())
        return;
    check(base == XEN_CPUID_FIRST_LEAF, "leaves at %#x, expected 0x40000000", base);

    r = cpuid(base);
    printk("  base+0: max leaf %#x\n", r.eax);
    if (!check(r.eax >= base + 4, "max leaf %#x < base + 4", r.eax))
        return;

    r = cpuid(base + 1);
    printk("  base+1: version %u.%u\n", r.eax >> 16, r.eax & 0xffff);
    check((r.eax >> 16) >= 4, "major version %u < 4", r.eax >> 16);
    check((long)r.eax == hypercall_xen_version(XENVER_version, NULL),
          "leaf 1 differs from XENVER_version");
    check(!r.ebx && !r.ecx && !r.edx, "leaf 1 EBX/ECX/EDX not 0");

    r = cpuid(base + 2);
    printk("  base+2: %u page(s), MSR %#x, flags %#x\n", r.eax, r.ebx, r.ecx);
    check(r.eax == 1, "hypercall pages %u, expected 1", r.eax);
    check(r.ebx == XEN_HYPERCALL_MSR, "hypercall MSR %#x, expected 0x40000000", r.ebx);
    check(!(r.ecx & XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD), "PV-only flag set in leaf 2");

    r = cpuid_count(base + 3, 0);
    printk("  base+3: flags %#x, tsc_mode %u, tsc_khz %u\n", r.eax, r.ebx, r.ecx);
    check(r.ecx != 0, "leaf 3 sub-leaf 0 gives no TSC frequency");

    r = cpuid_count(base + 4, 0);
    printk("  base+4: flags %#x, vcpu %u, domid %u\n", r.eax, r.ebx, r.ecx);
    check(r.eax & XEN_HVM_CPUID_VCPU_ID_PRESENT, "leaf 4: no vCPU id");
    check(r.eax & XEN_HVM_CPUID_DOMID_PRESENT, "leaf 4: no domain id");
    check(r.ebx == 0, "leaf 4: vCPU id %u on the boot vCPU", r.ebx);
    if (cmdline_option("domid", domid, sizeof(domid)))
        check(r.ecx == parse_ulong(domid), "leaf 4: domid %u, expected %s", r.ecx, domid);
    check(!r.edx, "leaf 4 EDX not 0");

    check_vendor();
    test_success();
}
