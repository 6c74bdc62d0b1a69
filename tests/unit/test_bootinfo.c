/*
 * Multiboot 1 and 2 handoff parsing. The loader's structures are built in
 * a heap buffer that stands for physical memory; the phys callback refuses
 * anything outside it, and ASan catches any read past its end.
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>
#include <lares/bootinfo.h>
#include <lares/errno.h>

#define PHYS_BASE 0x10000ULL

static u8 *mem;
static size_t mem_size, mem_used;
static struct boot_info bi;

static const void *phys(u64 pa, size_t len)
{
    if (pa < PHYS_BASE || pa - PHYS_BASE > mem_size || len > mem_size - (pa - PHYS_BASE))
        return NULL;
    return mem + (pa - PHYS_BASE);
}

static void mem_reset(size_t size)
{
    free(mem);
    mem = calloc(1, size);
    mem_size = size;
    mem_used = 0;
}

/* Copy len bytes into "physical memory" (8-byte aligned); return their address. */
static u64 put(const void *data, size_t len)
{
    u64 pa;

    mem_used = (mem_used + 7) & ~(size_t)7;
    assert_true(mem_used + len <= mem_size);
    memcpy(mem + mem_used, data, len);
    pa = PHYS_BASE + mem_used;
    mem_used += len;
    return pa;
}

static u64 put_str(const char *s)
{
    return put(s, strlen(s) + 1);
}

static void w32(u8 *p, size_t off, u32 v)
{
    memcpy(p + off, &v, 4);
}

static void w64(u8 *p, size_t off, u64 v)
{
    memcpy(p + off, &v, 8);
}

static int teardown(void **state)
{
    free(mem);
    mem = NULL;
    return 0;
}

/* ---------------------------------------------------------------- Multiboot 1 */

#define MB1_INFO_SIZE 68

struct mb1 {
    u8 info[MB1_INFO_SIZE];
};

static u64 mb1_mmap(const u64 (*e)[3], unsigned int n, u32 *len)
{
    u8 buf[24 * 8];

    for (unsigned int i = 0; i < n; i++) {
        w32(buf, i * 24, 20);
        w64(buf, i * 24 + 4, e[i][0]);
        w64(buf, i * 24 + 12, e[i][1]);
        w32(buf, i * 24 + 20, (u32)e[i][2]);
    }
    *len = n * 24;
    return put(buf, *len);
}

static u64 mb1_mods(const char *const *strings, const u32 (*range)[2], unsigned int n)
{
    u8 buf[16 * 20] = {0};

    for (unsigned int i = 0; i < n; i++) {
        w32(buf, i * 16, range[i][0]);
        w32(buf, i * 16 + 4, range[i][1]);
        w32(buf, i * 16 + 8, (u32)put_str(strings[i]));
    }
    return put(buf, n * 16);
}

static void mb1_qemu_style(void **state)
{
    const u64 map[][3] = {
        {0x0, 0x9fc00, E820_RAM},
        {0x9fc00, 0x400, E820_RESERVED},
        {0x100000, 0x7ee0000, E820_RAM},
    };
    const char *strings[] = {"/tmp/dir/first.bin hello world", "second.img"};
    const u32 ranges[][2] = {{0x200000, 0x201388}, {0x202000, 0x202064}};
    u8 info[MB1_INFO_SIZE] = {0};
    u32 mmap_len;
    u64 info_pa;

    mem_reset(8192);
    w32(info, 0, (1u << 2) | (1u << 3) | (1u << 6) | (1u << 9));
    w32(info, 16, (u32)put_str("/boot/lares.elf console=com1 loglvl=all"));
    w32(info, 24, (u32)mb1_mods(strings, ranges, 2));
    w32(info, 20, 2);
    w32(info, 48, (u32)mb1_mmap(map, 3, &mmap_len));
    w32(info, 44, mmap_len);
    w32(info, 64, (u32)put_str("qemu"));
    info_pa = put(info, sizeof(info));

    assert_int_equal(bootinfo_parse(MULTIBOOT1_BOOTLOADER_MAGIC, info_pa, phys, &bi), 0);
    assert_int_equal(bi.multiboot_version, 1);
    assert_string_equal(bi.loader_name, "qemu");
    assert_string_equal(bi.cmdline, "console=com1 loglvl=all");
    assert_int_equal(bi.nr_mem, 3);
    assert_int_equal(bi.mem[1].base, 0x9fc00);
    assert_int_equal(bi.mem[1].size, 0x400);
    assert_int_equal(bi.mem[1].type, E820_RESERVED);
    assert_int_equal(bi.mem[2].size, 0x7ee0000);
    assert_int_equal(bi.nr_modules, 2);
    assert_int_equal(bi.modules[0].start, 0x200000);
    assert_int_equal(bi.modules[0].end, 0x201388);
    assert_string_equal(bi.modules[0].name, "first.bin");
    assert_string_equal(bi.modules[0].args, "hello world");
    assert_string_equal(bi.modules[1].name, "second.img");
    assert_string_equal(bi.modules[1].args, "");
    assert_int_equal(bi.info_start, info_pa);
    assert_int_equal(bi.info_end, info_pa + MB1_INFO_SIZE);
    assert_false(bi.has_rsdp);
}

static void mb1_grub2_keeps_whole_strings(void **state)
{
    const char *strings[] = {"console=hvc0 root=/dev/xvda"};
    const u32 ranges[][2] = {{0x300000, 0x400000}};
    u8 info[MB1_INFO_SIZE] = {0};
    u64 info_pa;

    mem_reset(4096);
    w32(info, 0, (1u << 2) | (1u << 3) | (1u << 9));
    w32(info, 16, (u32)put_str("dom0_mem=512M noreboot"));
    w32(info, 24, (u32)mb1_mods(strings, ranges, 1));
    w32(info, 20, 1);
    w32(info, 64, (u32)put_str("GRUB 2.06-13+deb12u1"));
    info_pa = put(info, sizeof(info));

    assert_int_equal(bootinfo_parse(MULTIBOOT1_BOOTLOADER_MAGIC, info_pa, phys, &bi), 0);
    assert_string_equal(bi.cmdline, "dom0_mem=512M noreboot");
    assert_string_equal(bi.modules[0].name, "");
    assert_string_equal(bi.modules[0].args, "console=hvc0 root=/dev/xvda");
}

static void mb1_basic_memory_info_only(void **state)
{
    u8 info[MB1_INFO_SIZE] = {0};
    u64 info_pa;

    mem_reset(1024);
    w32(info, 0, 1u << 0);
    w32(info, 4, 639);
    w32(info, 8, 130048);
    info_pa = put(info, sizeof(info));
    assert_int_equal(bootinfo_parse(MULTIBOOT1_BOOTLOADER_MAGIC, info_pa, phys, &bi), 0);
    assert_int_equal(bi.nr_mem, 2);
    assert_int_equal(bi.mem[0].base, 0);
    assert_int_equal(bi.mem[0].size, 639 * 1024);
    assert_int_equal(bi.mem[1].base, 0x100000);
    assert_int_equal(bi.mem[1].size, 130048ULL * 1024);
    assert_string_equal(bi.cmdline, "");
    assert_string_equal(bi.loader_name, "");
}

static void mb1_malformed(void **state)
{
    u8 info[MB1_INFO_SIZE] = {0};
    u8 entry[24] = {0};
    u64 info_pa;

    /* Info block not accessible, or cut short by the end of memory. */
    mem_reset(64);
    assert_int_equal(bootinfo_parse(MULTIBOOT1_BOOTLOADER_MAGIC, 0x5000, phys, &bi), -EINVAL);
    assert_int_equal(bootinfo_parse(MULTIBOOT1_BOOTLOADER_MAGIC, PHYS_BASE, phys, &bi), -EINVAL);

    /* A map entry whose size field is too small to hold an entry. */
    mem_reset(1024);
    w32(entry, 0, 12);
    w32(info, 0, 1u << 6);
    w32(info, 48, (u32)put(entry, 24));
    w32(info, 44, 24);
    info_pa = put(info, sizeof(info));
    assert_int_equal(bootinfo_parse(MULTIBOOT1_BOOTLOADER_MAGIC, info_pa, phys, &bi), -EINVAL);

    /* The map itself outside memory. */
    w32(info, 48, 0x900000);
    info_pa = put(info, sizeof(info));
    assert_int_equal(bootinfo_parse(MULTIBOOT1_BOOTLOADER_MAGIC, info_pa, phys, &bi), -EINVAL);

    /* Module list outside memory. */
    memset(info, 0, sizeof(info));
    w32(info, 0, 1u << 3);
    w32(info, 20, 0x40000000);
    w32(info, 24, (u32)PHYS_BASE);
    info_pa = put(info, sizeof(info));
    assert_int_equal(bootinfo_parse(MULTIBOOT1_BOOTLOADER_MAGIC, info_pa, phys, &bi), -EINVAL);

    assert_int_equal(bootinfo_parse(0x12345678, info_pa, phys, &bi), -EINVAL);
}

static void mb1_huge_map_entry_size_terminates(void **state)
{
    u8 info[MB1_INFO_SIZE] = {0};
    u8 entries[48] = {0};
    u64 info_pa;

    /* First entry claims 4 GiB - 4: stepping over it would wrap the offset back to 0. */
    mem_reset(1024);
    w32(entries, 0, 0xfffffffc);
    w64(entries, 4, 0x100000);
    w64(entries, 12, 0x1000);
    w32(entries, 20, E820_RAM);
    w32(entries, 24, 20);
    w32(info, 0, 1u << 6);
    w32(info, 48, (u32)put(entries, sizeof(entries)));
    w32(info, 44, sizeof(entries));
    info_pa = put(info, sizeof(info));
    assert_int_equal(bootinfo_parse(MULTIBOOT1_BOOTLOADER_MAGIC, info_pa, phys, &bi), 0);
    assert_int_equal(bi.nr_mem, 1);
}

static void mb1_string_at_end_of_memory_is_cut_not_overread(void **state)
{
    u8 info[MB1_INFO_SIZE] = {0};
    u64 info_pa, s;

    mem_reset(72 + 16); /* the info block padded to 8 bytes, then the string */
    w32(info, 0, (1u << 2) | (1u << 9));
    info_pa = put(info, sizeof(info));
    /* Fill the last bytes of memory with an unterminated string. */
    s = put("/k a=1 b=22 WXYZ", 16);
    w32(mem, info_pa - PHYS_BASE + 16, (u32)s);
    w32(mem, info_pa - PHYS_BASE + 64, (u32)(s + 12));
    assert_int_equal(bootinfo_parse(MULTIBOOT1_BOOTLOADER_MAGIC, info_pa, phys, &bi), 0);
    assert_string_equal(bi.loader_name, "WXYZ");
    assert_string_equal(bi.cmdline, "a=1 b=22 WXYZ"); /* not GRUB 2: file name removed */
}

static void mb1_too_many_modules_are_capped(void **state)
{
    const char *strings[BOOT_MAX_MODULES + 4];
    u32 ranges[BOOT_MAX_MODULES + 4][2];
    u8 info[MB1_INFO_SIZE] = {0};
    u64 info_pa;

    mem_reset(16384);
    for (unsigned int i = 0; i < BOOT_MAX_MODULES + 4; i++) {
        strings[i] = "m arg";
        ranges[i][0] = 0x100000 * (i + 1);
        ranges[i][1] = 0x100000 * (i + 1) + 10;
    }
    w32(info, 0, 1u << 3);
    w32(info, 24, (u32)mb1_mods(strings, (const u32(*)[2])ranges, BOOT_MAX_MODULES + 4));
    w32(info, 20, BOOT_MAX_MODULES + 4);
    info_pa = put(info, sizeof(info));
    assert_int_equal(bootinfo_parse(MULTIBOOT1_BOOTLOADER_MAGIC, info_pa, phys, &bi), 0);
    assert_int_equal(bi.nr_modules, BOOT_MAX_MODULES);
    assert_string_equal(bi.modules[BOOT_MAX_MODULES - 1].args, "arg");
}

/* ---------------------------------------------------------------- Multiboot 2 */

static u8 mb2[8192];
static size_t mb2_len;

static void mb2_begin(void)
{
    memset(mb2, 0, sizeof(mb2));
    mb2_len = 8;
}

static void mb2_tag(u32 type, const void *payload, u32 len)
{
    w32(mb2, mb2_len, type);
    w32(mb2, mb2_len + 4, 8 + len);
    if (len)
        memcpy(mb2 + mb2_len + 8, payload, len);
    mb2_len += (8 + len + 7) & ~7u;
}

static void mb2_str_tag(u32 type, const char *s)
{
    mb2_tag(type, s, (u32)strlen(s) + 1);
}

static void mb2_module(u32 start, u32 end, const char *s)
{
    u8 buf[256];

    w32(buf, 0, start);
    w32(buf, 4, end);
    memcpy(buf + 8, s, strlen(s) + 1);
    mb2_tag(3, buf, 8 + (u32)strlen(s) + 1);
}

static u64 mb2_end(void)
{
    mb2_tag(0, NULL, 0);
    w32(mb2, 0, (u32)mb2_len);
    mem_reset(mb2_len); /* exactly as big as the block: reads beyond it are bugs */
    return put(mb2, mb2_len);
}

static void mb2_grub_style(void **state)
{
    u8 mmap[8 + 3 * 24] = {0};
    u8 rsdp1[20], rsdp2[36];

    memset(rsdp1, 0x11, sizeof(rsdp1));
    memset(rsdp2, 0x22, sizeof(rsdp2));
    w32(mmap, 0, 24);
    w32(mmap, 4, 0);
    w64(mmap, 8, 0);
    w64(mmap, 16, 0x9fc00);
    w32(mmap, 24, E820_RAM);
    w64(mmap, 32, 0x100000);
    w64(mmap, 40, 0x3ff00000);
    w32(mmap, 48, E820_RAM);
    w64(mmap, 56, 0xfffc0000);
    w64(mmap, 64, 0x40000);
    w32(mmap, 72, E820_RESERVED);

    mb2_begin();
    mb2_str_tag(1, "console=com1 loglvl=all");
    mb2_module(0x1000000, 0x1800000, "console=hvc0 quiet");
    mb2_tag(15, rsdp2, sizeof(rsdp2)); /* the 2.0 copy first: must not be replaced by 1.0 */
    mb2_tag(14, rsdp1, sizeof(rsdp1));
    mb2_tag(6, mmap, sizeof(mmap));
    mb2_str_tag(2, "GRUB 2.06"); /* after the strings it governs */
    u64 pa = mb2_end();

    assert_int_equal(bootinfo_parse(MULTIBOOT2_BOOTLOADER_MAGIC, pa, phys, &bi), 0);
    assert_int_equal(bi.multiboot_version, 2);
    assert_string_equal(bi.loader_name, "GRUB 2.06");
    assert_string_equal(bi.cmdline, "console=com1 loglvl=all");
    assert_int_equal(bi.nr_modules, 1);
    assert_int_equal(bi.modules[0].start, 0x1000000);
    assert_int_equal(bi.modules[0].end, 0x1800000);
    assert_string_equal(bi.modules[0].name, "");
    assert_string_equal(bi.modules[0].args, "console=hvc0 quiet");
    assert_int_equal(bi.nr_mem, 3);
    assert_int_equal(bi.mem[1].base, 0x100000);
    assert_int_equal(bi.mem[1].size, 0x3ff00000);
    assert_int_equal(bi.mem[2].type, E820_RESERVED);
    assert_true(bi.has_rsdp);
    assert_memory_equal(bi.rsdp, rsdp2, 36);
    assert_int_equal(bi.info_start, pa);
    assert_int_equal(bi.info_end, pa + mb2_len);
}

static void mb2_other_loader_has_file_names(void **state)
{
    u8 rsdp1[20];

    memset(rsdp1, 0x33, sizeof(rsdp1));
    mb2_begin();
    mb2_str_tag(2, "SomeLoader 1.0");
    mb2_str_tag(1, "/lares.elf noreboot");
    mb2_module(0x1000000, 0x1000100, "/boot/vmlinuz-6.1 root=/dev/xvda1");
    mb2_tag(14, rsdp1, sizeof(rsdp1));
    u64 pa = mb2_end();

    assert_int_equal(bootinfo_parse(MULTIBOOT2_BOOTLOADER_MAGIC, pa, phys, &bi), 0);
    assert_string_equal(bi.cmdline, "noreboot");
    assert_string_equal(bi.modules[0].name, "vmlinuz-6.1");
    assert_string_equal(bi.modules[0].args, "root=/dev/xvda1");
    assert_true(bi.has_rsdp);
    assert_memory_equal(bi.rsdp, rsdp1, 20);
    assert_int_equal(bi.rsdp[20], 0);
}

static void mb2_short_tags_are_skipped_or_capped(void **state)
{
    u8 small[4] = {1, 2, 3, 4};

    mb2_begin();
    mb2_tag(3, small, sizeof(small)); /* a module tag too short to hold start/end */
    for (unsigned int i = 0; i < BOOT_MAX_MODULES + 2; i++)
        mb2_module(0x100000 * (i + 1), 0x100000 * (i + 1) + 1, "x");
    u64 pa = mb2_end();

    assert_int_equal(bootinfo_parse(MULTIBOOT2_BOOTLOADER_MAGIC, pa, phys, &bi), 0);
    assert_int_equal(bi.nr_modules, BOOT_MAX_MODULES);
    assert_int_equal(bi.modules[0].start, 0x100000);
}

static void mb2_long_strings_are_truncated(void **state)
{
    static char line[BOOT_CMDLINE_MAX + 500];

    memset(line, 'a', sizeof(line) - 1);
    line[sizeof(line) - 1] = '\0';
    memcpy(line, "GRUB 2", 6);
    mb2_begin();
    mb2_tag(2, "GRUB 2.12", 10);
    mb2_str_tag(1, line);
    u64 pa = mb2_end();

    assert_int_equal(bootinfo_parse(MULTIBOOT2_BOOTLOADER_MAGIC, pa, phys, &bi), 0);
    assert_int_equal(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1);
}

static void mb2_malformed(void **state)
{
    u8 mmap[8 + 24] = {0};

    /* total size too small, too large, or beyond memory */
    mb2_begin();
    u64 pa = mb2_end();
    w32(mem, 0, 8);
    assert_int_equal(bootinfo_parse(MULTIBOOT2_BOOTLOADER_MAGIC, pa, phys, &bi), -EINVAL);
    w32(mem, 0, 1u << 25);
    assert_int_equal(bootinfo_parse(MULTIBOOT2_BOOTLOADER_MAGIC, pa, phys, &bi), -EINVAL);
    w32(mem, 0, (u32)mb2_len + 8);
    assert_int_equal(bootinfo_parse(MULTIBOOT2_BOOTLOADER_MAGIC, pa, phys, &bi), -EINVAL);
    assert_int_equal(bootinfo_parse(MULTIBOOT2_BOOTLOADER_MAGIC, 0x900000, phys, &bi), -EINVAL);

    /* A tag smaller than its own header. */
    mb2_begin();
    mb2_str_tag(1, "abc");
    pa = mb2_end();
    w32(mem, 12, 4);
    assert_int_equal(bootinfo_parse(MULTIBOOT2_BOOTLOADER_MAGIC, pa, phys, &bi), -EINVAL);

    /* A tag running past the end; also with a size that wraps 32-bit arithmetic. */
    w32(mem, 12, 0x100);
    assert_int_equal(bootinfo_parse(MULTIBOOT2_BOOTLOADER_MAGIC, pa, phys, &bi), -EINVAL);
    w32(mem, 12, 0xfffffff8);
    assert_int_equal(bootinfo_parse(MULTIBOOT2_BOOTLOADER_MAGIC, pa, phys, &bi), -EINVAL);

    /* Memory map with entries smaller than the format allows. */
    w32(mmap, 0, 16);
    mb2_begin();
    mb2_tag(6, mmap, sizeof(mmap));
    pa = mb2_end();
    assert_int_equal(bootinfo_parse(MULTIBOOT2_BOOTLOADER_MAGIC, pa, phys, &bi), -EINVAL);
}

static void mb2_missing_end_tag_stops_at_total_size(void **state)
{
    mb2_begin();
    mb2_str_tag(1, "a=b");
    w32(mb2, 0, (u32)mb2_len);
    mem_reset(mb2_len);
    u64 pa = put(mb2, mb2_len);

    assert_int_equal(bootinfo_parse(MULTIBOOT2_BOOTLOADER_MAGIC, pa, phys, &bi), 0);
    assert_string_equal(bi.cmdline, ""); /* no loader name: the first word is the file name */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(mb1_qemu_style, teardown),
        cmocka_unit_test_teardown(mb1_grub2_keeps_whole_strings, teardown),
        cmocka_unit_test_teardown(mb1_basic_memory_info_only, teardown),
        cmocka_unit_test_teardown(mb1_malformed, teardown),
        cmocka_unit_test_teardown(mb1_huge_map_entry_size_terminates, teardown),
        cmocka_unit_test_teardown(mb1_string_at_end_of_memory_is_cut_not_overread, teardown),
        cmocka_unit_test_teardown(mb1_too_many_modules_are_capped, teardown),
        cmocka_unit_test_teardown(mb2_grub_style, teardown),
        cmocka_unit_test_teardown(mb2_other_loader_has_file_names, teardown),
        cmocka_unit_test_teardown(mb2_short_tags_are_skipped_or_capped, teardown),
        cmocka_unit_test_teardown(mb2_long_strings_are_truncated, teardown),
        cmocka_unit_test_teardown(mb2_malformed, teardown),
        cmocka_unit_test_teardown(mb2_missing_end_tag_stops_at_total_size, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
