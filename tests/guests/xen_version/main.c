/*
 * xen_version: every sub-op of __HYPERVISOR_xen_version.
 *
 * The hypervisor must: return (major << 16) | minor with major >= 4, equal
 * to CPUID leaf base+1; fill the fixed-size string buffers with
 * NUL-terminated text and write nothing past them; report capabilities
 * including "hvm-3.0-x86_64"; give virt_start 0 to an HVM/PVH guest
 * (Xen 4.17's PV value is tolerated);
 * return feature submap 0 with auto_translated_physmap (2),
 * hvm_callback_vector (8) and hvm_safe_pvclock (9), and -EINVAL for any
 * other submap; report a 4096-byte page size; write the 16-byte domain
 * handle; and answer -ENOSYS to an unknown sub-op.
 */
#include <guest.h>
#include <public/version.h>

const char test_title[] = "xen_version: every sub-op";

#define XEN_PV_VIRT_START 0xffff800000000000ull
#define GUARD 0xa5
#define GUARD_LEN 32

/* A buffer followed by guard bytes that must survive every call. */
static struct {
    u8 buf[XEN_CAPABILITIES_INFO_LEN];
    u8 guard[GUARD_LEN];
} out;

static bool str_contains(const char *s, const char *word)
{
    size_t n = strlen(word);

    for (; *s; s++)
        if (!strncmp(s, word, n))
            return true;
    return false;
}

static void prepare(void)
{
    memset(&out, GUARD, sizeof(out));
}

static bool guard_intact(size_t used)
{
    for (size_t i = used; i < sizeof(out); i++)
        if (((u8 *)&out)[i] != GUARD)
            return false;
    return true;
}

/* Call a string sub-op into a buffer of `size` bytes; check the result. */
static void check_string_op(const char *name, unsigned int cmd, size_t size)
{
    long rc;

    prepare();
    rc = hypercall_xen_version(cmd, out.buf);
    if (!check(rc == 0, "%s: rc %ld", name, rc))
        return;
    check(memchr(out.buf, '\0', size) != NULL, "%s: no NUL within %zu bytes", name, size);
    check(guard_intact(size), "%s: wrote past its %zu bytes", name, size);
    printk("  %-18s \"%s\"\n", name, (const char *)out.buf);
}

static void check_version(void)
{
    long v = hypercall_xen_version(XENVER_version, NULL);
    u32 leaf = cpuid(xen_cpuid_base() + 1).eax;

    printk("  %-18s %ld.%ld\n", "version", v >> 16, v & 0xffff);
    check(v >= 0 && (v >> 16) >= 4, "version %#lx: major must be >= 4", v);
    check((u32)v == leaf, "version %#lx differs from CPUID leaf base+1 %#x", v, leaf);
}

static void check_compile_info(void)
{
    struct xen_compile_info *ci = (void *)out.buf;
    long rc;

    prepare();
    rc = hypercall_xen_version(XENVER_compile_info, ci);
    if (!check(rc == 0, "compile_info: rc %ld", rc))
        return;
    check(memchr(ci->compiler, 0, sizeof(ci->compiler)) && ci->compiler[0],
          "compile_info.compiler empty or not terminated");
    check(memchr(ci->compile_by, 0, sizeof(ci->compile_by)), "compile_by not terminated");
    check(memchr(ci->compile_domain, 0, sizeof(ci->compile_domain)),
          "compile_domain not terminated");
    check(memchr(ci->compile_date, 0, sizeof(ci->compile_date)), "compile_date not terminated");
    check(guard_intact(sizeof(*ci)), "compile_info wrote past %zu bytes", sizeof(*ci));
    printk("  %-18s %s, %s\n", "compile_info", ci->compiler, ci->compile_date);
}

static void check_platform_parameters(void)
{
    struct xen_platform_parameters *pp = (void *)out.buf;
    long rc;

    prepare();
    rc = hypercall_xen_version(XENVER_platform_parameters, pp);
    check(rc == 0, "platform_parameters: rc %ld", rc);
    /* Current Xen gives HVM/PVH guests 0; Xen 4.17 still gave every 64-bit
     * guest the start of its (PV) reserved area. Linux PVH ignores it. */
    check(pp->virt_start == 0 || pp->virt_start == XEN_PV_VIRT_START,
          "virt_start %#lx, expected 0 (or Xen 4.17's %#llx)", pp->virt_start, XEN_PV_VIRT_START);
    check(guard_intact(sizeof(*pp)), "platform_parameters wrote past 8 bytes");
}

static void check_features(void)
{
    const u32 required = (1u << XENFEAT_auto_translated_physmap) |
                         (1u << XENFEAT_hvm_callback_vector) | (1u << XENFEAT_hvm_safe_pvclock);
    struct xen_feature_info fi = {.submap_idx = 0};
    const u32 bad_submaps[] = {1, 2, 0x7fffffff, 0xffffffff};
    long rc;

    rc = hypercall_xen_version(XENVER_get_features, &fi);
    if (check(rc == 0, "get_features(0): rc %ld", rc)) {
        printk("  %-18s submap 0 = %#x\n", "get_features", fi.submap);
        check((fi.submap & required) == required, "submap 0 %#x lacks bits 2, 8 or 9", fi.submap);
    }
    for (unsigned int i = 0; i < ARRAY_SIZE(bad_submaps); i++) {
        fi = (struct xen_feature_info){.submap_idx = bad_submaps[i], .submap = 0xdeadbeef};
        rc = hypercall_xen_version(XENVER_get_features, &fi);
        check(rc == -EINVAL, "get_features(%#x): rc %ld, expected -EINVAL", bad_submaps[i], rc);
    }
}

static void check_misc(void)
{
    const int unknown[] = {15, 16, 100, 0x7fffffff, -1};
    long rc;

    rc = hypercall_xen_version(XENVER_pagesize, NULL);
    check(rc == XEN_PAGE_SIZE, "pagesize: %ld", rc);

    prepare();
    rc = hypercall_xen_version(XENVER_guest_handle, out.buf);
    check(rc == 0, "guest_handle: rc %ld", rc);
    check(guard_intact(sizeof(xen_domain_handle_t)), "guest_handle wrote past 16 bytes");

    for (unsigned int i = 0; i < ARRAY_SIZE(unknown); i++) {
        rc = hypercall6(__HYPERVISOR_xen_version, (u32)unknown[i], 0, 0, 0, 0);
        check(rc == -ENOSYS, "unknown sub-op %d: rc %ld, expected -ENOSYS", unknown[i], rc);
    }
}

void test_main(void)
{
    if (!test_needs_xen())
        return;
    check_version();
    check_string_op("extraversion", XENVER_extraversion, XEN_EXTRAVERSION_LEN);
    check_compile_info();
    check_string_op("capabilities", XENVER_capabilities, XEN_CAPABILITIES_INFO_LEN);
    check(str_contains((const char *)out.buf, "hvm-3.0-x86_64"),
          "capabilities lack hvm-3.0-x86_64");
    check_string_op("changeset", XENVER_changeset, XEN_CHANGESET_INFO_LEN);
    check_platform_parameters();
    check_features();
    check_misc();
    test_success();
}
