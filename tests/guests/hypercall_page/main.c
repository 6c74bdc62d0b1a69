/*
 * hypercall_page: writing the GPA of a page to the MSR named by CPUID
 * leaf base+2 EBX makes the hypervisor fill that page with 128 32-byte
 * stubs, stub N = "mov $N, %eax; vmmcall; ret" (VMCALL on Intel), except
 * stub 23 (__HYPERVISOR_iret, PV only) = "ud2". Reading the MSR gives 0;
 * a page index in bits 11:0 or a GPA that is not RAM gives #GP and leaves
 * the page alone. Hypercalls made through the page must behave exactly
 * like inline ones. (Older Linux kernels use only this path.)
 */
#include <guest.h>
#include <public/version.h>

const char test_title[] = "hypercall_page: MSR installs stubs; calls through them work";

#define IRET_SLOT 23
#define BAD_GPA 0x7f0000000ull

static const u8 *slot(unsigned int n)
{
    return hypercall_page + n * XEN_HYPERCALL_PAGE_ENTRY_SIZE;
}

/* Check every stub; report the first difference only. */
static void check_stubs(void)
{
    const u8 vmm[3] = {0x0f, 0x01, cpu_is_amd() ? 0xd9 : 0xc1};

    for (unsigned int n = 0; n < XEN_HYPERCALL_PAGE_ENTRIES; n++) {
        const u8 *p = slot(n);
        bool ok;

        if (n == IRET_SLOT) {
            ok = p[0] == 0x0f && p[1] == 0x0b;
        } else {
            u32 imm;

            memcpy(&imm, p + 1, 4);
            ok = p[0] == 0xb8 && imm == n && !memcmp(p + 5, vmm, 3) && p[8] == 0xc3;
        }
        if (!check(ok, "stub %u: %02x %02x %02x %02x %02x %02x %02x %02x %02x", n, p[0], p[1], p[2],
                   p[3], p[4], p[5], p[6], p[7], p[8]))
            return;
    }
    printk("  all %u stubs as expected\n", XEN_HYPERCALL_PAGE_ENTRIES);
}

static void call_iret_slot(void *arg)
{
    ((void (*)(void))slot(IRET_SLOT))();
}

static void calls_through_page(void)
{
    struct xen_feature_info fi_inline = {.submap_idx = 0}, fi_page = {.submap_idx = 0};
    xen_extraversion_t ev_inline, ev_page;
    long v_inline, v_page, rc_inline, rc_page;
    char buf[32];
    exinfo_t f;

    memset(ev_inline, 0, sizeof(ev_inline));
    memset(ev_page, 0x55, sizeof(ev_page));
    v_inline = hypercall_xen_version(XENVER_version, NULL);
    hypercall_xen_version(XENVER_extraversion, ev_inline);
    hypercall_xen_version(XENVER_get_features, &fi_inline);
    rc_inline = hypercall6(60, 0, 0, 0, 0, 0);

    if (!check(hypercall_use_page(true) == 0, "cannot switch to the page"))
        return;
    v_page = hypercall_xen_version(XENVER_version, NULL);
    rc_page = hypercall_xen_version(XENVER_extraversion, ev_page);
    hypercall_xen_version(XENVER_get_features, &fi_page);
    long unknown_page = hypercall6(60, 0, 0, 0, 0, 0);
    hypercall_use_page(false);

    check(v_page == v_inline, "version via page %#lx, inline %#lx", v_page, v_inline);
    check(rc_page == 0 && !memcmp(ev_page, ev_inline, sizeof(ev_page)),
          "extraversion via page differs (rc %ld)", rc_page);
    check(fi_page.submap == fi_inline.submap, "features via page %#x, inline %#x", fi_page.submap,
          fi_inline.submap);
    check(unknown_page == -ENOSYS && rc_inline == -ENOSYS,
          "hypercall 60: page %ld, inline %ld, expected -ENOSYS", unknown_page, rc_inline);

    f = exec_expect_fault(call_iret_slot, NULL);
    check(f == EXINFO(X86_EXC_UD, 0), "calling stub 23: %s, expected #UD",
          exinfo_str(f, buf, sizeof(buf)));
    printk("  calls through the page match inline calls; stub 23 raises #UD\n");
}

void test_main(void)
{
    u64 gpa = (u64)hypercall_page, v = 1;
    char buf[32];
    u32 msr;
    exinfo_t f;

    if (!test_needs_xen())
        return;
    msr = cpuid(xen_cpuid_base() + 2).ebx;
    printk("hypercall-page MSR %#x, page at GPA %#lx\n", msr, gpa);
    check(hypercall_page[0] == 0xc3, "the page is not filled with ret before the MSR write");

    f = wrmsr_safe(msr, gpa | 1);
    check(f == EXINFO(X86_EXC_GP, 0), "page index 1: %s, expected #GP(0)",
          exinfo_str(f, buf, sizeof(buf)));
    f = wrmsr_safe(msr, BAD_GPA);
    check(f == EXINFO(X86_EXC_GP, 0), "GPA beyond RAM: %s, expected #GP(0)",
          exinfo_str(f, buf, sizeof(buf)));
    check(hypercall_page[0] == 0xc3, "a refused MSR write changed the page");

    if (!check(hypercall_page_init() == 0, "the MSR write faulted or filled nothing"))
        return;
    f = rdmsr_safe(msr, &v);
    check(!f && v == 0, "rdmsr %#x: %s, value %#lx, expected 0", msr,
          exinfo_str(f, buf, sizeof(buf)), v);
    check_stubs();
    calls_through_page();
    test_success();
}
