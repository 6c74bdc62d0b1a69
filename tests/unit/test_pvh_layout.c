/*
 * pvh_layout_compute() and pvh_start_info_write(): the Linux domU layout
 * against what real Xen gives a 256 MiB guest
 * (anchors/xen/golden/domU-start-info.txt), XTF-style tiny kernels, RAM
 * above 4 GiB, large initrds, and every error path. The start info block
 * is read back with raw offsets from the Xen ABI.
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>
#include <lares/errno.h>
#include <lares/guest_acpi.h>
#include <lares/pvh_layout.h>
#include <lares/vcpu_topology.h>

#define KiB (1024ull)
#define MiB (1024ull * KiB)
#define GiB (1024ull * MiB)

static const char golden_cmdline[] =
    "console=hvc0 earlyprintk=xen keep_bootcon loglevel=8 ignore_loglevel";

static u32 rd32(const u8 *p)
{
    u32 v;
    memcpy(&v, p, 4);
    return v;
}
static u64 rd64(const u8 *p)
{
    u64 v;
    memcpy(&v, p, 8);
    return v;
}

static struct pvh_layout_request linux_domu(void)
{
    return (struct pvh_layout_request){
        .ram_size = 256 * MiB,
        .nr_vcpus = 1,
        .kernel_start = 0x1000000,
        .kernel_end = 0x4a00000,
        .initrd_size = 0x212c10,
        .cmdline = golden_cmdline,
    };
}

static struct pvh_layout layout_ok(const struct pvh_layout_request *req)
{
    struct pvh_layout l;
    const char *why = "x";
    int rc = pvh_layout_compute(req, &l, &why);

    if (rc)
        fail_msg("layout failed: %d %s", rc, why);
    assert_null(why);
    return l;
}

static void expect_error(const struct pvh_layout_request *req, int want, const char *text)
{
    struct pvh_layout l;
    const char *why = NULL;

    assert_int_equal(pvh_layout_compute(req, &l, &why), want);
    assert_non_null(why);
    if (!strstr(why, text))
        fail_msg("\"%s\" does not mention \"%s\"", why, text);
    assert_int_equal(l.info_paddr, 0); /* no half-filled layout */
}

/* Nothing the layout places overlaps anything else, and all of it is in RAM. */
static void check_consistent(const struct pvh_layout_request *req, const struct pvh_layout *l)
{
    u64 ram_lo = l->low_ram_end;
    u64 info_end = l->info_paddr + l->info_size;

    assert_true(l->info_paddr >= req->kernel_end || info_end <= req->kernel_start);
    assert_true(l->info_paddr >= 4096); /* not page 0 */
    assert_true(info_end <= 1 * GiB && info_end <= ram_lo);
    assert_int_equal(l->info_paddr % 4096, 0);
    if (req->initrd_size) {
        u64 i0 = l->initrd_paddr, i1 = i0 + l->initrd_size;
        assert_int_equal(i0 % (2 * MiB), 0);
        assert_true(i0 >= req->kernel_end);
        assert_true(i1 <= ram_lo && i1 <= 4 * GiB);
        assert_true(i1 <= l->info_paddr || i0 >= info_end);
    }
    /* Memory map: sorted, non-overlapping, RAM ranges cover ram_size. */
    u64 ram = 0, prev_end = 0;
    for (unsigned i = 0; i < l->nr_memmap; i++) {
        const struct hvm_memmap_table_entry *e = &l->memmap[i];
        assert_true(e->addr >= prev_end);
        assert_true(e->size > 0);
        prev_end = e->addr + e->size;
        if (e->type == XEN_HVM_MEMMAP_TYPE_RAM)
            ram += e->size;
        else
            assert_true(e->addr >= ram_lo); /* reserved areas outside RAM */
    }
    assert_int_equal(ram, req->ram_size);
    assert_true(l->nr_memmap <= 127);
}

/* The start info block, read back as a guest would. */
static u8 *write_block(const struct pvh_layout *l)
{
    u8 *b = malloc(l->info_size);

    memset(b, 0xee, l->info_size);
    assert_int_equal(pvh_start_info_write(l, b, l->info_size), 0);
    return b;
}

static const u8 *at(const struct pvh_layout *l, const u8 *b, u64 gpa, u64 len)
{
    assert_true(gpa >= l->info_paddr);
    assert_true(gpa - l->info_paddr + len <= l->info_size);
    return b + (gpa - l->info_paddr);
}

static void golden_256m_linux_domu(void **state)
{
    struct pvh_layout_request req = linux_domu();
    struct pvh_layout l = layout_ok(&req);

    check_consistent(&req, &l);
    assert_int_equal(l.low_ram_end, 256 * MiB);
    assert_int_equal(l.high_ram_end, 0);
    assert_int_equal(l.initrd_paddr, 0x4a00000); /* kernel end, 2 MiB aligned */
    assert_int_equal(l.info_paddr, 0x4c13000);   /* after the initrd */
    assert_int_equal(l.info_size, 4096);
    assert_int_equal(l.rsdp_paddr, 0xfc000000);
    assert_int_equal(l.xenstore_gfn, 0xfeffc);
    assert_int_equal(l.console_gfn, 0xfefff);
    /* Same offsets in the block as real Xen for start info, cmdline, modlist. */
    assert_int_equal(l.cmdline_paddr - l.info_paddr, 0x38);
    assert_int_equal(l.modlist_paddr - l.info_paddr, 0x80);

    /* Golden memmap: RAM [0, 256M), RESERVED [0xfeff8000, +32K), ACPI at 0xfc000000. */
    assert_int_equal(l.nr_memmap, 3);
    assert_int_equal(l.memmap[0].addr, 0);
    assert_int_equal(l.memmap[0].size, 0x10000000);
    assert_int_equal(l.memmap[0].type, 1);
    assert_int_equal(l.memmap[1].addr, 0xfc000000);
    assert_int_equal(l.memmap[1].type, 3);
    assert_true(l.memmap[1].size >= guest_acpi_size(1));
    assert_int_equal(l.memmap[2].addr, 0xfeff8000);
    assert_int_equal(l.memmap[2].size, 0x8000);
    assert_int_equal(l.memmap[2].type, 2);

    u8 *b = write_block(&l);
    const u8 *si = b;
    assert_int_equal(rd32(si + 0), 0x336ec578);
    assert_int_equal(rd32(si + 4), 1);
    assert_int_equal(rd32(si + 8), 0);  /* domU: no flags */
    assert_int_equal(rd32(si + 12), 1); /* the initrd */
    assert_int_equal(rd64(si + 16), l.modlist_paddr);
    assert_int_equal(rd64(si + 24), l.cmdline_paddr);
    assert_int_equal(rd64(si + 32), 0xfc000000);
    assert_int_equal(rd64(si + 40), l.memmap_paddr);
    assert_int_equal(rd32(si + 48), 3);
    assert_int_equal(rd32(si + 52), 0);
    assert_string_equal((const char *)at(&l, b, rd64(si + 24), sizeof(golden_cmdline)),
                        golden_cmdline);
    const u8 *m = at(&l, b, rd64(si + 16), 32);
    assert_int_equal(rd64(m), 0x4a00000);
    assert_int_equal(rd64(m + 8), 0x212c10);
    assert_int_equal(rd64(m + 16), 0);
    assert_int_equal(rd64(m + 24), 0);
    const u8 *mm = at(&l, b, rd64(si + 40), 3 * 24);
    for (unsigned i = 0; i < 3; i++) {
        assert_int_equal(rd64(mm + 24 * i), l.memmap[i].addr);
        assert_int_equal(rd64(mm + 24 * i + 8), l.memmap[i].size);
        assert_int_equal(rd32(mm + 24 * i + 16), l.memmap[i].type);
        assert_int_equal(rd32(mm + 24 * i + 20), 0);
    }
    /* Padding is zero, not left-over bytes. */
    for (u64 off = rd64(si + 40) - l.info_paddr + 3 * 24; off < l.info_size; off++)
        assert_int_equal(b[off], 0);
    free(b);
}

static void control_domain_flags(void **state)
{
    struct pvh_layout_request req = linux_domu();
    req.control_domain = true;
    struct pvh_layout l = layout_ok(&req);
    u8 *b = write_block(&l);

    assert_int_equal(rd32(b + 8), 3); /* SIF_PRIVILEGED | SIF_INITDOMAIN */
    free(b);
}

static void xtf_tiny_kernel_at_1mib(void **state)
{
    struct pvh_layout_request req = {
        .ram_size = 128 * MiB,
        .nr_vcpus = 1,
        .kernel_start = 0x100000,
        .kernel_end = 0x11c000,
        .control_domain = true,
    };
    struct pvh_layout l = layout_ok(&req);

    check_consistent(&req, &l);
    assert_int_equal(l.info_paddr, 0x11c000);
    assert_int_equal(l.nr_modules, 0);
    assert_int_equal(l.modlist_paddr, 0);
    assert_int_equal(l.cmdline_paddr, 0);
    u8 *b = write_block(&l);
    assert_int_equal(rd32(b + 12), 0);
    assert_int_equal(rd64(b + 16), 0);
    assert_int_equal(rd64(b + 24), 0);
    free(b);

    /* An unaligned kernel end still gives a page-aligned block after it. */
    req.kernel_end = 0x11b123;
    l = layout_ok(&req);
    assert_int_equal(l.info_paddr, 0x11c000);
}

static void ram_above_4g(void **state)
{
    struct pvh_layout_request req = linux_domu();
    req.ram_size = 6 * GiB;
    req.nr_vcpus = 8;
    struct pvh_layout l = layout_ok(&req);

    check_consistent(&req, &l);
    assert_int_equal(l.low_ram_end, 0xfc000000);
    assert_int_equal(l.high_ram_end, 4 * GiB + (6 * GiB - 0xfc000000));
    assert_int_equal(l.nr_memmap, 4);
    assert_int_equal(l.memmap[3].addr, 4 * GiB);
    assert_int_equal(l.memmap[3].type, 1);

    /* Exactly the low limit: no high RAM. */
    req.ram_size = 0xfc000000;
    l = layout_ok(&req);
    assert_int_equal(l.high_ram_end, 0);
    assert_int_equal(l.nr_memmap, 3);
}

static void acpi_area_grows_with_vcpus(void **state)
{
    struct pvh_layout_request req = linux_domu();
    req.nr_vcpus = GUEST_MAX_VCPUS;
    struct pvh_layout l = layout_ok(&req);

    assert_true(l.acpi_size >= guest_acpi_size(GUEST_MAX_VCPUS));
    assert_int_equal(l.acpi_size % 4096, 0);
    assert_true(l.acpi_base + l.acpi_size <= 0xfee00000); /* below the LAPIC */
}

static void large_initrd_moves_start_info_before_it(void **state)
{
    struct pvh_layout_request req = linux_domu();
    req.ram_size = 3 * GiB;
    req.initrd_size = 1500 * MiB; /* would push start info above 1 GiB */
    struct pvh_layout l = layout_ok(&req);

    check_consistent(&req, &l);
    assert_int_equal(l.info_paddr, 0x4a00000);
    assert_int_equal(l.initrd_paddr, 0x4c00000);
}

static void long_command_line(void **state)
{
    char *cmd = malloc(PVH_CMDLINE_MAX + 2);
    struct pvh_layout_request req = linux_domu();

    memset(cmd, 'a', PVH_CMDLINE_MAX);
    cmd[PVH_CMDLINE_MAX] = '\0';
    req.cmdline = cmd;
    struct pvh_layout l = layout_ok(&req);
    check_consistent(&req, &l);
    u8 *b = write_block(&l);
    const u8 *c = at(&l, b, l.cmdline_paddr, PVH_CMDLINE_MAX + 1);
    assert_int_equal(strlen((const char *)c), PVH_CMDLINE_MAX);
    /* The memory map does not overlap the command line. */
    assert_true(l.memmap_paddr >= l.cmdline_paddr + PVH_CMDLINE_MAX + 1);
    free(b);

    cmd[PVH_CMDLINE_MAX] = 'a';
    cmd[PVH_CMDLINE_MAX + 1] = '\0';
    expect_error(&req, -E2BIG, "2047");
    free(cmd);
}

static void empty_command_line_is_present_but_empty(void **state)
{
    struct pvh_layout_request req = linux_domu();
    req.cmdline = "";
    struct pvh_layout l = layout_ok(&req);
    u8 *b = write_block(&l);

    assert_true(l.cmdline_paddr != 0);
    assert_int_equal(*at(&l, b, l.cmdline_paddr, 1), 0);
    free(b);
}

static void impossible_requests(void **state)
{
    struct pvh_layout_request req;

    req = linux_domu();
    req.ram_size = 0;
    expect_error(&req, -EINVAL, "RAM");
    req.ram_size = 256 * MiB + 100;
    expect_error(&req, -EINVAL, "RAM");
    req.ram_size = PVH_MAX_RAM + 4096;
    expect_error(&req, -EINVAL, "RAM");

    req = linux_domu();
    req.nr_vcpus = 0;
    expect_error(&req, -EINVAL, "vCPUs");
    req.nr_vcpus = GUEST_MAX_VCPUS + 1;
    expect_error(&req, -EINVAL, "vCPUs");

    req = linux_domu();
    req.kernel_end = req.kernel_start;
    expect_error(&req, -EINVAL, "kernel");

    req = linux_domu();
    req.ram_size = 64 * MiB; /* kernel ends at 74 MiB */
    expect_error(&req, -ERANGE, "kernel");

    req = linux_domu();
    req.initrd_size = 256 * MiB;
    expect_error(&req, -ENOSPC, "initrd");
    req.initrd_size = ~0ull;
    expect_error(&req, -ENOSPC, "initrd");

    /* Initrd fits exactly, but then nothing is left for start info. */
    req = linux_domu();
    req.initrd_size = 256 * MiB - 0x4a00000;
    expect_error(&req, -ENOSPC, "start info");

    /* Kernel ending at 1 GiB: no room below 1 GiB. */
    req = linux_domu();
    req.ram_size = 2 * GiB;
    req.kernel_end = 1 * GiB;
    req.initrd_size = 0;
    expect_error(&req, -ENOSPC, "1 GiB");

    /* Kernel filling RAM. */
    req = linux_domu();
    req.kernel_end = 256 * MiB;
    req.initrd_size = 0;
    expect_error(&req, -ENOSPC, "start info");
}

static void small_buffer_is_refused(void **state)
{
    struct pvh_layout_request req = linux_domu();
    struct pvh_layout l = layout_ok(&req);
    u8 *b = malloc(l.info_size);

    assert_int_equal(pvh_start_info_write(&l, b, l.info_size - 1), -ENOSPC);
    free(b);
}

static void many_shapes_stay_consistent(void **state)
{
    static const u64 rams[] = {32 * MiB, 256 * MiB, 1 * GiB, 0xfc000000, 5 * GiB};
    static const u64 kernels[][2] = {
        {0x100000, 0x11c000},
        {0x1000000, 0x4a00000},
        {0x200000, 0x201000},
    };
    static const u64 initrds[] = {0, 1, 4095, 2 * MiB, 10 * MiB + 123};

    for (unsigned r = 0; r < sizeof(rams) / sizeof(rams[0]); r++)
        for (unsigned k = 0; k < 3; k++)
            for (unsigned i = 0; i < sizeof(initrds) / sizeof(initrds[0]); i++) {
                struct pvh_layout_request req = {
                    .ram_size = rams[r],
                    .nr_vcpus = 1 + r * 7,
                    .kernel_start = kernels[k][0],
                    .kernel_end = kernels[k][1],
                    .initrd_size = initrds[i],
                    .cmdline = (i & 1) ? "x" : NULL,
                };
                struct pvh_layout l;
                if (pvh_layout_compute(&req, &l, NULL) == 0) {
                    check_consistent(&req, &l);
                    u8 *b = write_block(&l);
                    free(b);
                } else {
                    assert_true(req.kernel_end + req.initrd_size + 2 * MiB > req.ram_size);
                }
            }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(golden_256m_linux_domu),
        cmocka_unit_test(control_domain_flags),
        cmocka_unit_test(xtf_tiny_kernel_at_1mib),
        cmocka_unit_test(ram_above_4g),
        cmocka_unit_test(acpi_area_grows_with_vcpus),
        cmocka_unit_test(large_initrd_moves_start_info_before_it),
        cmocka_unit_test(long_command_line),
        cmocka_unit_test(empty_command_line_is_present_but_empty),
        cmocka_unit_test(impossible_requests),
        cmocka_unit_test(small_buffer_is_refused),
        cmocka_unit_test(many_shapes_stay_consistent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
