/* vmlinux-extract's pure parts: bzImage setup header, codec magic, ELF checks. */
#include "unit.h"

#include <string.h>

#include "bzimage.h"
#include "elfinfo.h"

#include <lares/unaligned.h>

/* ------------------------------------------------------------ bzImage */

static uint8_t img[8192];

static void make_bzimage(uint8_t setup_sects, uint16_t version, uint32_t off, uint32_t len)
{
    memset(img, 0, sizeof(img));
    img[0x1f1] = setup_sects;
    put_unaligned_u16(img + 0x1fe, 0xaa55);
    memcpy(img + 0x202, "HdrS", 4);
    put_unaligned_u16(img + 0x206, version);
    put_unaligned_u32(img + 0x248, off);
    put_unaligned_u32(img + 0x24c, len);
}

static void payload_follows_setup_sectors(void **state)
{
    struct bzimage bz;
    struct vx_error err;

    make_bzimage(3, 0x020f, 0x10, 100);
    assert_int_equal(bzimage_parse(img, sizeof(img), &bz, &err), VX_OK);
    assert_int_equal(bz.version, 0x020f);
    assert_int_equal(bz.setup_sects, 3);
    assert_int_equal(bz.payload_start, 4 * 512 + 0x10);
    assert_int_equal(bz.payload_length, 100);
    assert_ptr_equal(bz.payload, img + 4 * 512 + 0x10);
}

static void zero_setup_sects_means_four(void **state)
{
    struct bzimage bz;
    struct vx_error err;

    make_bzimage(0, 0x0208, 0, 16);
    assert_int_equal(bzimage_parse(img, sizeof(img), &bz, &err), VX_OK);
    assert_int_equal(bz.setup_sects, 4);
    assert_int_equal(bz.payload_start, 5 * 512);
}

static void rejects_what_is_not_a_bzimage(void **state)
{
    struct bzimage bz;
    struct vx_error err;

    make_bzimage(3, 0x020f, 0, 16);
    assert_int_equal(bzimage_parse(img, 0x24f, &bz, &err), VX_NOT_BZIMAGE);
    assert_non_null(strstr(err.msg, "too short"));

    put_unaligned_u16(img + 0x1fe, 0x1234);
    assert_int_equal(bzimage_parse(img, sizeof(img), &bz, &err), VX_NOT_BZIMAGE);
    assert_non_null(strstr(err.msg, "boot_flag"));

    make_bzimage(3, 0x020f, 0, 16);
    memcpy(img + 0x202, "HdrX", 4);
    assert_int_equal(bzimage_parse(img, sizeof(img), &bz, &err), VX_NOT_BZIMAGE);
    assert_non_null(strstr(err.msg, "HdrS"));
}

static void rejects_boot_protocol_before_2_08(void **state)
{
    struct bzimage bz;
    struct vx_error err;

    make_bzimage(3, 0x0207, 0, 16);
    assert_int_equal(bzimage_parse(img, sizeof(img), &bz, &err), VX_OLD_PROTOCOL);
    assert_non_null(strstr(err.msg, "2.07"));
}

static void payload_must_lie_inside_the_file(void **state)
{
    struct bzimage bz;
    struct vx_error err;

    /* Exactly up to the end of the file is fine... */
    make_bzimage(3, 0x020f, 0, sizeof(img) - 4 * 512);
    assert_int_equal(bzimage_parse(img, sizeof(img), &bz, &err), VX_OK);
    /* ...one byte more is a truncated file. */
    make_bzimage(3, 0x020f, 1, sizeof(img) - 4 * 512);
    assert_int_equal(bzimage_parse(img, sizeof(img), &bz, &err), VX_CORRUPT);
    assert_non_null(strstr(err.msg, "truncated"));
    /* Offsets that would wrap a 32-bit sum. */
    make_bzimage(255, 0x020f, 0xffffffff, 0xffffffff);
    assert_int_equal(bzimage_parse(img, sizeof(img), &bz, &err), VX_CORRUPT);
    make_bzimage(3, 0x020f, 0, 0);
    assert_int_equal(bzimage_parse(img, sizeof(img), &bz, &err), VX_CORRUPT);
}

/* ------------------------------------------------------------ ELF */

static uint8_t elf[4096];

#define PHOFF 64
#define NOTE_OFF 0x200
#define LOAD_OFF 0x400

/* An ELF64 x86-64 with one PT_LOAD of 0x100 bytes and one PT_NOTE. */
static size_t make_elf(uint32_t note_type, uint32_t descsz)
{
    uint8_t *ph = elf + PHOFF, *n = elf + NOTE_OFF;
    size_t notesz = 12 + 4 + ((descsz + 3) & ~3u);

    memset(elf, 0, sizeof(elf));
    memcpy(elf, "\177ELF\2\1\1", 7);
    put_unaligned_u16(elf + 16, 2);         /* ET_EXEC */
    put_unaligned_u16(elf + 18, 62);        /* EM_X86_64 */
    put_unaligned_u64(elf + 24, 0x1000000); /* e_entry */
    put_unaligned_u64(elf + 32, PHOFF);
    put_unaligned_u16(elf + 54, 56);
    put_unaligned_u16(elf + 56, 2);

    put_unaligned_u32(ph, 1); /* PT_LOAD */
    put_unaligned_u64(ph + 8, LOAD_OFF);
    put_unaligned_u64(ph + 24, 0x1000000);
    put_unaligned_u64(ph + 32, 0x100);
    put_unaligned_u64(ph + 40, 0x200);
    ph += 56;
    put_unaligned_u32(ph, 4); /* PT_NOTE */
    put_unaligned_u64(ph + 8, NOTE_OFF);
    put_unaligned_u64(ph + 32, notesz);

    put_unaligned_u32(n, 4);
    put_unaligned_u32(n + 4, descsz);
    put_unaligned_u32(n + 8, note_type);
    memcpy(n + 12, "Xen", 4);
    put_unaligned_u64(n + 16, 0x1000850);
    return LOAD_OFF + 0x100;
}

static void finds_the_pvh_entry_note(void **state)
{
    struct elf_info info;
    struct vx_error err;
    size_t end = make_elf(XEN_ELFNOTE_PHYS32_ENTRY, 8);

    /* Trailing bytes after the image (the kernel's relocations) are fine. */
    assert_int_equal(elf_inspect(elf, sizeof(elf), &info, &err), VX_OK);
    assert_true(info.has_pvh_entry);
    assert_int_equal(info.pvh_entry, 0x1000850);
    assert_int_equal(info.entry, 0x1000000);
    assert_int_equal(info.phnum, 2);
    assert_int_equal(info.extent, end);

    make_elf(XEN_ELFNOTE_PHYS32_ENTRY, 4);
    assert_int_equal(elf_inspect(elf, end, &info, &err), VX_OK);
    assert_true(info.has_pvh_entry);
    assert_int_equal(info.pvh_entry, 0x1000850);
}

static void other_notes_are_not_the_entry(void **state)
{
    struct elf_info info;
    struct vx_error err;
    size_t end = make_elf(17, 8);

    assert_int_equal(elf_inspect(elf, end, &info, &err), VX_OK);
    assert_false(info.has_pvh_entry);

    make_elf(XEN_ELFNOTE_PHYS32_ENTRY, 8);
    memcpy(elf + NOTE_OFF + 12, "Xem", 4);
    assert_int_equal(elf_inspect(elf, end, &info, &err), VX_OK);
    assert_false(info.has_pvh_entry);

    make_elf(XEN_ELFNOTE_PHYS32_ENTRY, 2);
    assert_int_equal(elf_inspect(elf, end, &info, &err), VX_NOT_ELF);
}

static void rejects_non_x86_64_and_truncated_elves(void **state)
{
    struct elf_info info;
    struct vx_error err;
    size_t end = make_elf(XEN_ELFNOTE_PHYS32_ENTRY, 8);

    assert_int_equal(elf_inspect(elf, 63, &info, &err), VX_NOT_ELF);
    elf[0] = 'x';
    assert_int_equal(elf_inspect(elf, end, &info, &err), VX_NOT_ELF);
    assert_non_null(strstr(err.msg, "not an ELF"));

    make_elf(XEN_ELFNOTE_PHYS32_ENTRY, 8);
    elf[4] = 1; /* ELFCLASS32 */
    assert_int_equal(elf_inspect(elf, end, &info, &err), VX_NOT_ELF);

    make_elf(XEN_ELFNOTE_PHYS32_ENTRY, 8);
    put_unaligned_u16(elf + 18, 183); /* aarch64 */
    assert_int_equal(elf_inspect(elf, end, &info, &err), VX_NOT_ELF);
    assert_non_null(strstr(err.msg, "183"));

    /* The PT_LOAD's bytes end at `end`: one short is a truncated image. */
    make_elf(XEN_ELFNOTE_PHYS32_ENTRY, 8);
    assert_int_equal(elf_inspect(elf, end - 1, &info, &err), VX_NOT_ELF);
    assert_non_null(strstr(err.msg, "segment 0"));

    /* A program header table that wraps around. */
    make_elf(XEN_ELFNOTE_PHYS32_ENTRY, 8);
    put_unaligned_u64(elf + 32, UINT64_MAX - 8);
    assert_int_equal(elf_inspect(elf, end, &info, &err), VX_NOT_ELF);

    make_elf(XEN_ELFNOTE_PHYS32_ENTRY, 8);
    put_unaligned_u16(elf + 56, 0);
    assert_int_equal(elf_inspect(elf, end, &info, &err), VX_NOT_ELF);

    /* A note whose declared size overruns its segment. */
    make_elf(XEN_ELFNOTE_PHYS32_ENTRY, 8);
    put_unaligned_u32(elf + NOTE_OFF + 4, 0x1000);
    assert_int_equal(elf_inspect(elf, end, &info, &err), VX_NOT_ELF);
    assert_non_null(strstr(err.msg, "note"));
}

static void section_headers_count_toward_the_extent(void **state)
{
    struct elf_info info;
    struct vx_error err;
    size_t end = make_elf(XEN_ELFNOTE_PHYS32_ENTRY, 8);
    uint8_t *sh = elf + 0x600;

    put_unaligned_u64(elf + 40, 0x600); /* e_shoff */
    put_unaligned_u16(elf + 58, 64);
    put_unaligned_u16(elf + 60, 3);
    /* [0] null, [1] PROGBITS at 0x500 + 0x80, [2] NOBITS far away (no file bytes). */
    put_unaligned_u32(sh + 64 + 4, 1);
    put_unaligned_u64(sh + 64 + 24, 0x500);
    put_unaligned_u64(sh + 64 + 32, 0x80);
    put_unaligned_u32(sh + 128 + 4, 8);
    put_unaligned_u64(sh + 128 + 24, 0x10000);
    put_unaligned_u64(sh + 128 + 32, 0x10000);
    assert_int_equal(elf_inspect(elf, sizeof(elf), &info, &err), VX_OK);
    assert_int_equal(info.extent, 0x600 + 3 * 64);
    assert_true(info.extent > end);

    put_unaligned_u64(sh + 64 + 32, 0x10000); /* PROGBITS past the data */
    assert_int_equal(elf_inspect(elf, sizeof(elf), &info, &err), VX_NOT_ELF);
    assert_non_null(strstr(err.msg, "section 1"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(payload_follows_setup_sectors),
        cmocka_unit_test(zero_setup_sects_means_four),
        cmocka_unit_test(rejects_what_is_not_a_bzimage),
        cmocka_unit_test(rejects_boot_protocol_before_2_08),
        cmocka_unit_test(payload_must_lie_inside_the_file),
        cmocka_unit_test(finds_the_pvh_entry_note),
        cmocka_unit_test(other_notes_are_not_the_entry),
        cmocka_unit_test(rejects_non_x86_64_and_truncated_elves),
        cmocka_unit_test(section_headers_count_toward_the_extent),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
