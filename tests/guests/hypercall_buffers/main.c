/*
 * hypercall_buffers: pointer arguments are guest-virtual addresses.
 *
 * The hypervisor must translate them through the guest's page tables
 * page by page: buffers that cross a page boundary where the two pages
 * are far apart (and in reverse order) in guest-physical memory must be
 * read and written correctly, for input, output and in/out arguments.
 * A pointer that cannot be used (NULL, unmapped, non-canonical, running
 * into an unmapped page, or a read-only page for output) must give
 * -EFAULT and leave the guest running. Unknown hypercall numbers (also
 * ones with bits above 31 set, and PV-only ones) give -ENOSYS, and a
 * hypercall from CPL 3 gives -EPERM.
 */
#include <guest.h>
#include <public/version.h>

const char test_title[] = "hypercall_buffers: guest-virtual arguments across pages, bad pointers";

#define WIN (TEST_WINDOW_BASE + 0x100000)
#define PAGE_A WIN                        /* -> frames[3] */
#define PAGE_B (WIN + XEN_PAGE_SIZE)      /* -> frames[0] */
#define HOLE (WIN + 2 * XEN_PAGE_SIZE)    /* not mapped */
#define PAGE_RO (WIN + 3 * XEN_PAGE_SIZE) /* -> frames[2], read-only */
#define BOUNDARY PAGE_B                   /* A|B boundary */
#define FILL 0xaa

static u8 frames[4][XEN_PAGE_SIZE] __aligned(XEN_PAGE_SIZE);

static bool setup_window(void)
{
    memset(frames, FILL, sizeof(frames));
    return !map_page(PAGE_A, (u64)frames[3], PTE_WRITE) &&
           !map_page(PAGE_B, (u64)frames[0], PTE_WRITE) && !map_page(PAGE_RO, (u64)frames[2], 0);
}

/* Output across the boundary: 16 bytes, 8 on each side. */
static void output_across_pages(void)
{
    xen_extraversion_t ref;
    u8 *dst = (u8 *)(BOUNDARY - 8);
    long rc;

    memset(ref, 0, sizeof(ref));
    rc = hypercall_xen_version(XENVER_extraversion, ref);
    if (!check(rc == 0, "extraversion into a plain buffer: rc %ld", rc))
        return;
    rc = hypercall_xen_version(XENVER_extraversion, dst);
    check(rc == 0, "extraversion across pages: rc %ld", rc);
    check(!memcmp(&frames[3][XEN_PAGE_SIZE - 8], ref, 8), "first half not in page A's frame");
    check(!memcmp(&frames[0][0], ref + 8, 8), "second half not in page B's frame");
    check(frames[3][XEN_PAGE_SIZE - 9] == FILL && frames[0][8] == FILL,
          "bytes outside the 16-byte buffer were written");
    printk("  output across pages: ok (\"%s\")\n", ref);
}

/* In/out argument across the boundary: submap_idx in A, submap in B. */
static void inout_across_pages(void)
{
    struct xen_feature_info ref = {.submap_idx = 0};
    struct xen_feature_info *fi = (void *)(BOUNDARY - 4);
    long rc;

    rc = hypercall_xen_version(XENVER_get_features, &ref);
    if (!check(rc == 0, "get_features: rc %ld", rc))
        return;
    fi->submap_idx = 0;
    fi->submap = 0;
    rc = hypercall_xen_version(XENVER_get_features, fi);
    check(rc == 0, "get_features across pages: rc %ld", rc);
    check(fi->submap == ref.submap, "submap across pages %#x, expected %#x", fi->submap,
          ref.submap);
    /* The input half decides: submap 1 does not exist. */
    fi->submap_idx = 1;
    rc = hypercall_xen_version(XENVER_get_features, fi);
    check(rc == -EINVAL, "get_features(1) across pages: rc %ld, expected -EINVAL", rc);
    printk("  in/out across pages: ok (submap %#x)\n", ref.submap);
}

/* A larger output (144 bytes) and an input string across the boundary. */
static void more_across_pages(void)
{
    static struct xen_compile_info ref;
    struct xen_compile_info *ci = (void *)(BOUNDARY - 100);
    static const char msg[] = "hypercall_buffers: console text read across a page boundary\n";
    char *text = (char *)(BOUNDARY - 20);
    long rc;

    rc = hypercall_xen_version(XENVER_compile_info, &ref);
    check(rc == 0, "compile_info: rc %ld", rc);
    rc = hypercall_xen_version(XENVER_compile_info, ci);
    check(rc == 0, "compile_info across pages: rc %ld", rc);
    check(!memcmp(ci, &ref, sizeof(ref)), "compile_info across pages differs");

    memcpy(text, msg, sizeof(msg) - 1);
    rc = hypercall_console_io(CONSOLEIO_write, sizeof(msg) - 1, text);
    check(rc >= 0, "console_io from a buffer across pages: rc %ld", rc);
}

static void expect_efault(const char *what, long rc)
{
    if (check(rc == -EFAULT, "%s: rc %ld, expected -EFAULT", what, rc))
        printk("  %-44s -EFAULT\n", what);
}

static void bad_pointers(void)
{
    struct xen_feature_info *fi_hole = (void *)(HOLE - 4);

    printk("Bad pointers:\n");
    expect_efault("output to NULL", hypercall_xen_version(XENVER_extraversion, (void *)8));
    expect_efault("output to an unmapped page",
                  hypercall_xen_version(XENVER_extraversion, (void *)HOLE));
    expect_efault("output running into an unmapped page",
                  hypercall_xen_version(XENVER_extraversion, (void *)(HOLE - 8)));
    expect_efault("output to a non-canonical address",
                  hypercall_xen_version(XENVER_extraversion, (void *)0x8000000000000000ull));
    expect_efault("output to the first non-canonical address",
                  hypercall_xen_version(XENVER_extraversion, (void *)0x0000800000000000ull));
    expect_efault("output crossing into non-canonical space",
                  hypercall_xen_version(XENVER_extraversion, (void *)0x00007ffffffffff8ull));
    expect_efault("output to a read-only page",
                  hypercall_xen_version(XENVER_extraversion, (void *)PAGE_RO));
    check(frames[2][0] == FILL, "the read-only page was written");
    expect_efault("in/out struct running into an unmapped page",
                  hypercall_xen_version(XENVER_get_features, fi_hole));
    expect_efault("input from an unmapped page",
                  hypercall_console_io(CONSOLEIO_write, 16, (void *)HOLE));
    expect_efault("input running into an unmapped page",
                  hypercall_console_io(CONSOLEIO_write, 16, (void *)(HOLE - 8)));
}

static u64 hypercall_from_user(void *arg)
{
    return (u64)hypercall6(__HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0);
}

static void bad_calls(void)
{
    const u64 numbers[] = {
        __HYPERVISOR_set_trap_table,    /* PV only */
        __HYPERVISOR_mmu_update,        /* PV only */
        __HYPERVISOR_update_va_mapping, /* PV only */
        63,
        64,
        127,
        128,
        1000,
        0xffffffff,
        (1ull << 32) | __HYPERVISOR_xen_version, /* the whole of RAX counts */
        ~0ull,
    };
    exinfo_t fault;
    long rc;

    printk("Bad calls:\n");
    for (unsigned int i = 0; i < ARRAY_SIZE(numbers); i++) {
        rc = hypercall6(numbers[i], XENVER_version, 0, 0, 0, 0);
        check(rc == -ENOSYS, "hypercall %#lx: rc %ld, expected -ENOSYS", numbers[i], rc);
    }
    rc = (long)exec_user(hypercall_from_user, NULL, &fault);
    check(fault == 0, "hypercall at CPL 3 faulted (%#lx) instead of failing", fault);
    check(rc == -EPERM, "hypercall at CPL 3: rc %ld, expected -EPERM", rc);
    printk("  unknown numbers -ENOSYS, CPL 3 -EPERM\n");
}

void test_main(void)
{
    if (!test_needs_xen())
        return;
    if (!setup_window()) {
        test_error("could not map the test pages");
        return;
    }
    printk("Page A %#lx -> frame %p, page B %#lx -> frame %p\n", (u64)PAGE_A, frames[3],
           (u64)PAGE_B, frames[0]);
    output_across_pages();
    inout_across_pages();
    more_across_pages();
    bad_pointers();
    bad_calls();
    /* Reaching this line is the "guest survives" half of every check. */
    test_success();
}
