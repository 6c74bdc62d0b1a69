/*
 * elf_image_parse()/elf_image_load() with hand-built ELF files: every
 * rejection path, a mutation fuzzer (run under ASan/UBSan), and real
 * kernels when present (skipped otherwise):
 *   LARES_TEST_VMLINUX   a PVH Linux vmlinux (default: cache/linux/vmlinux)
 *   LARES_TEST_XTF_DIR   an XTF build tree (default: /tmp/xtf)
 */
#include "unit.h"

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lares/compiler.h>
#include <lares/elf_image.h>
#include <lares/errno.h>
#include <public/elfnote.h>

#define MiB (1024ull * 1024)
#define RAM (64 * MiB)
#define FILE_CAP 0x3000

struct fseg {
    u32 type;
    u64 offset, paddr, filesz, memsz;
    u32 flags;
    u64 align;
};

struct fake {
    u8 buf[FILE_CAP];
    size_t len;
};

static void put16(u8 *p, u16 v)
{
    memcpy(p, &v, 2);
}
static void put32(u8 *p, u32 v)
{
    memcpy(p, &v, 4);
}
static void put64(u8 *p, u64 v)
{
    memcpy(p, &v, 8);
}

/* ELF header plus program headers at offset 64 (ELF32: at 52). */
static void build(struct fake *f, bool elf64, u16 machine, const struct fseg *ph, unsigned n)
{
    u8 *b = f->buf;
    unsigned phoff = elf64 ? 64 : 52, phsz = elf64 ? 56 : 32;

    memset(b, 0, sizeof(f->buf));
    memcpy(b, "\177ELF", 4);
    b[4] = elf64 ? 2 : 1;
    b[5] = 1;
    b[6] = 1;
    put16(b + 16, 2);
    put16(b + 18, machine);
    put32(b + 20, 1);
    if (elf64) {
        put64(b + 24, 0xffffffff81000000ull);
        put64(b + 32, phoff);
        put16(b + 52, 64);
        put16(b + 54, phsz);
        put16(b + 56, n);
    } else {
        put32(b + 24, 0x100000);
        put32(b + 28, phoff);
        put16(b + 40, 52);
        put16(b + 42, phsz);
        put16(b + 44, n);
    }
    for (unsigned i = 0; i < n; i++) {
        u8 *p = b + phoff + i * phsz;
        if (elf64) {
            put32(p, ph[i].type);
            put32(p + 4, ph[i].flags);
            put64(p + 8, ph[i].offset);
            put64(p + 16, ph[i].paddr + 0xffffffff80000000ull);
            put64(p + 24, ph[i].paddr);
            put64(p + 32, ph[i].filesz);
            put64(p + 40, ph[i].memsz);
            put64(p + 48, ph[i].align);
        } else {
            put32(p, ph[i].type);
            put32(p + 4, (u32)ph[i].offset);
            put32(p + 8, (u32)ph[i].paddr);
            put32(p + 12, (u32)ph[i].paddr);
            put32(p + 16, (u32)ph[i].filesz);
            put32(p + 20, (u32)ph[i].memsz);
            put32(p + 24, ph[i].flags);
            put32(p + 28, (u32)ph[i].align);
        }
    }
    f->len = FILE_CAP;
}

/* Append a note at *off; returns its padded size. */
static size_t note(u8 *at, u32 namesz, const char *name, u32 type, const void *desc, u32 descsz)
{
    size_t n = 12;

    put32(at, namesz);
    put32(at + 4, descsz);
    put32(at + 8, type);
    memcpy(at + n, name, namesz);
    n += (namesz + 3) & ~3u;
    memcpy(at + n, desc, descsz);
    n += (descsz + 3) & ~3u;
    return n;
}

#define TEXT_OFF 0x1000
#define DATA_OFF 0x1800
#define NOTE_OFF 0x2000
#define ENTRY 0x100040

/* Where good_image() put its notes. */
static size_t features_note, entry_note;

/* A Linux-like image: text, data with bss, and a note segment. */
static void good_image(struct fake *f, bool elf64, unsigned entry_size)
{
    struct fseg ph[3] = {
        {1, TEXT_OFF, 0x100000, 0x800, 0x800, 5, 0x1000},
        {1, DATA_OFF, 0x200000, 0x400, 0x3000, 6, 0x1000},
        {4, NOTE_OFF, 0, 0, 0, 4, 4},
    };
    u64 entry = ENTRY;
    u32 feat = 0x8801;
    u8 notes[256];
    size_t n = 0;

    n += note(notes + n, 4, "GNU", 3, "abcd", 4);
    n += note(notes + n, 4, "Xen", XEN_ELFNOTE_GUEST_OS, "linux", 6);
    features_note = NOTE_OFF + n;
    n += note(notes + n, 4, "Xen", XEN_ELFNOTE_SUPPORTED_FEATURES, &feat, 4);
    entry_note = NOTE_OFF + n;
    n += note(notes + n, 4, "Xen", XEN_ELFNOTE_PHYS32_ENTRY, &entry, entry_size);
    ph[2].filesz = ph[2].memsz = n;
    build(f, elf64, elf64 ? ELF_EM_X86_64 : ELF_EM_386, ph, 3);
    memcpy(f->buf + NOTE_OFF, notes, n);
    for (unsigned i = 0; i < 0x800; i++)
        f->buf[TEXT_OFF + i] = (u8)(i * 7 + 1);
    for (unsigned i = 0; i < 0x400; i++)
        f->buf[DATA_OFF + i] = (u8)(i * 13 + 3);
}

static int parse(const struct fake *f, struct elf_image *img, const char **why)
{
    return elf_image_parse(f->buf, f->len, RAM, img, why);
}

static void expect(const struct fake *f, int want)
{
    struct elf_image img;
    const char *why = NULL;
    int rc = parse(f, &img, &why);

    if (rc != want)
        fail_msg("rc %d, want %d (%s)", rc, want, why ? why : "-");
    if (rc)
        assert_non_null(why);
}

/* ---------------------------------------------------------------- accepted */

static void elf64_linux_like(void **state)
{
    struct fake f;
    struct elf_image img;
    const char *why = "x";

    memset(&f, 0, sizeof(f));
    good_image(&f, true, 8);
    assert_int_equal(parse(&f, &img, &why), 0);
    assert_null(why);
    assert_true(img.elf64);
    assert_int_equal(img.machine, ELF_EM_X86_64);
    assert_int_equal(img.phys32_entry, ENTRY);
    assert_true(img.has_supported_features);
    assert_int_equal(img.supported_features, 0x8801);
    assert_int_equal(img.nr_segments, 2);
    assert_int_equal(img.seg[0].paddr, 0x100000);
    assert_int_equal(img.seg[0].offset, TEXT_OFF);
    assert_int_equal(img.seg[0].filesz, 0x800);
    assert_int_equal(img.seg[0].flags, ELF_PF_R | ELF_PF_X);
    assert_int_equal(img.seg[1].memsz, 0x3000);
    assert_int_equal(img.paddr_lo, 0x100000);
    assert_int_equal(img.paddr_hi, 0x203000);
}

static void elf32_with_x86_64_machine_and_4_byte_entry(void **state)
{
    struct fake f;
    struct elf_image img;

    good_image(&f, false, 4);
    put16(f.buf + 18, ELF_EM_X86_64); /* XTF hvm64: ELF32 container */
    assert_int_equal(parse(&f, &img, NULL), 0);
    assert_false(img.elf64);
    assert_int_equal(img.machine, ELF_EM_X86_64);
    assert_int_equal(img.phys32_entry, ENTRY);
    assert_int_equal(img.paddr_hi, 0x203000);
}

static void elf32_i386(void **state)
{
    struct fake f;
    struct elf_image img;

    good_image(&f, false, 8);
    assert_int_equal(parse(&f, &img, NULL), 0);
    assert_int_equal(img.machine, ELF_EM_386);
}

static void segment_ending_exactly_at_ram_end(void **state)
{
    struct fake f;
    struct elf_image img;

    good_image(&f, true, 4);
    assert_int_equal(elf_image_parse(f.buf, f.len, 0x203000, &img, NULL), 0);
    assert_int_equal(elf_image_parse(f.buf, f.len, 0x202fff, &img, NULL), -ERANGE);
}

static void empty_segments_and_other_types_are_ignored(void **state)
{
    struct fake f;
    u32 entry = 0x100000;
    struct fseg ph[4] = {
        {1, TEXT_OFF, 0x100000, 0x10, 0x10, 5, 0},
        {1, 0, 0x100000, 0, 0, 6, 0},   /* empty: no overlap */
        {0x6474e551, 0, 0, 0, 0, 6, 0}, /* PT_GNU_STACK */
        {4, NOTE_OFF, 0, 0, 0, 4, 4},
    };
    struct elf_image img;

    build(&f, true, ELF_EM_X86_64, ph, 4);
    size_t n = note(f.buf + NOTE_OFF, 4, "Xen", XEN_ELFNOTE_PHYS32_ENTRY, &entry, 4);
    put64(f.buf + 64 + 3 * 56 + 32, n);
    assert_int_equal(parse(&f, &img, NULL), 0);
    assert_int_equal(img.nr_segments, 1);
}

static void duplicate_identical_entry_notes_are_fine(void **state)
{
    struct fake f;
    u32 entry = ENTRY;
    struct elf_image img;

    good_image(&f, true, 4);
    /* Second note segment repeating the entry. */
    struct fseg ph[4] = {
        {1, TEXT_OFF, 0x100000, 0x800, 0x800, 5, 0},
        {1, DATA_OFF, 0x200000, 0x400, 0x3000, 6, 0},
        {4, NOTE_OFF, 0, 0, 0, 4, 4},
        {4, NOTE_OFF + 0x200, 0, 20, 20, 4, 4},
    };
    u8 notes[0x200];
    memcpy(notes, f.buf + NOTE_OFF, sizeof(notes));
    u64 old_n;
    memcpy(&old_n, f.buf + 64 + 2 * 56 + 32, 8);
    ph[2].filesz = ph[2].memsz = old_n;
    build(&f, true, ELF_EM_X86_64, ph, 4);
    memcpy(f.buf + NOTE_OFF, notes, sizeof(notes));
    note(f.buf + NOTE_OFF + 0x200, 4, "Xen", XEN_ELFNOTE_PHYS32_ENTRY, &entry, 4);
    assert_int_equal(parse(&f, &img, NULL), 0);
    assert_int_equal(img.phys32_entry, ENTRY);

    entry = ENTRY + 4;
    note(f.buf + NOTE_OFF + 0x200, 4, "Xen", XEN_ELFNOTE_PHYS32_ENTRY, &entry, 4);
    expect(&f, -EINVAL);
}

/* ---------------------------------------------------------------- rejected */

static void not_elf(void **state)
{
    struct fake f;
    struct elf_image img;
    const char *why;

    good_image(&f, true, 8);
    assert_int_equal(elf_image_parse(NULL, 100, RAM, &img, &why), -ENOEXEC);
    assert_int_equal(elf_image_parse(f.buf, 0, RAM, &img, &why), -ENOEXEC);
    assert_int_equal(elf_image_parse(f.buf, 15, RAM, &img, &why), -ENOEXEC);
    f.buf[1] = 'X';
    expect(&f, -ENOEXEC);
}

static void wrong_kind_of_elf(void **state)
{
    struct fake f;

    good_image(&f, true, 8);
    f.buf[4] = 3; /* class */
    expect(&f, -ENOEXEC);
    good_image(&f, true, 8);
    f.buf[5] = 2; /* big-endian */
    expect(&f, -ENOEXEC);
    good_image(&f, true, 8);
    f.buf[6] = 0; /* ident version */
    expect(&f, -ENOEXEC);
    good_image(&f, true, 8);
    put32(f.buf + 20, 2); /* e_version */
    expect(&f, -ENOEXEC);
    good_image(&f, true, 8);
    put16(f.buf + 16, 3); /* ET_DYN */
    expect(&f, -ENOEXEC);
    good_image(&f, true, 8);
    put16(f.buf + 18, 40); /* ARM */
    expect(&f, -ENOEXEC);
}

static void truncated_headers(void **state)
{
    struct fake f;
    struct elf_image img;

    good_image(&f, true, 8);
    assert_int_equal(elf_image_parse(f.buf, 63, RAM, &img, NULL), -EINVAL);
    /* Header fits, program headers do not. */
    assert_int_equal(elf_image_parse(f.buf, 64 + 2 * 56, RAM, &img, NULL), -EINVAL);
    good_image(&f, false, 8);
    assert_int_equal(elf_image_parse(f.buf, 51, RAM, &img, NULL), -EINVAL);
}

static void bad_program_header_table(void **state)
{
    struct fake f;

    good_image(&f, true, 8);
    put16(f.buf + 54, 64); /* phentsize */
    expect(&f, -EINVAL);
    good_image(&f, true, 8);
    put16(f.buf + 56, 0); /* phnum */
    expect(&f, -EINVAL);
    good_image(&f, true, 8);
    put16(f.buf + 56, ELF_IMAGE_MAX_PHDRS + 1);
    expect(&f, -E2BIG);
    good_image(&f, true, 8);
    put16(f.buf + 56, 0xffff); /* PN_XNUM */
    expect(&f, -E2BIG);
    good_image(&f, true, 8);
    put64(f.buf + 32, FILE_CAP - 56); /* table runs past the end */
    expect(&f, -EINVAL);
    good_image(&f, true, 8);
    put64(f.buf + 32, ~0ull - 8); /* phoff + size wraps */
    expect(&f, -EINVAL);
    good_image(&f, false, 8);
    put32(f.buf + 28, 0xfffffff0u);
    expect(&f, -EINVAL);
}

/* Patch field at byte off of program header i (ELF64). */
static void ph64(struct fake *f, unsigned i, unsigned off, u64 v)
{
    put64(f->buf + 64 + i * 56 + off, v);
}

static void bad_segments(void **state)
{
    struct fake f;

    good_image(&f, true, 8);
    ph64(&f, 0, 8, FILE_CAP - 0x10); /* data past the end */
    expect(&f, -EINVAL);
    good_image(&f, true, 8);
    ph64(&f, 0, 8, ~0ull - 0x10); /* offset + filesz wraps */
    expect(&f, -EINVAL);
    good_image(&f, true, 8);
    ph64(&f, 0, 32, ~0ull); /* filesz huge */
    ph64(&f, 0, 40, ~0ull);
    expect(&f, -EINVAL);
    good_image(&f, true, 8);
    ph64(&f, 1, 40, 0x3ff); /* memsz < filesz */
    expect(&f, -EINVAL);
}

static void segments_outside_ram(void **state)
{
    struct fake f;

    good_image(&f, true, 8);
    ph64(&f, 1, 24, RAM - 0x1000); /* paddr + memsz > RAM */
    expect(&f, -ERANGE);
    good_image(&f, true, 8);
    ph64(&f, 1, 24, ~0ull - 0x1000); /* paddr + memsz wraps */
    expect(&f, -ERANGE);
    good_image(&f, true, 8);
    ph64(&f, 1, 40, ~0ull); /* bss of 2^64 bytes */
    expect(&f, -ERANGE);
}

static void overlapping_segments(void **state)
{
    struct fake f;

    good_image(&f, true, 8);
    ph64(&f, 1, 24, 0x100400); /* data inside text */
    expect(&f, -EEXIST);
    good_image(&f, true, 8);
    ph64(&f, 1, 24, 0x0ff000); /* data ends inside text */
    ph64(&f, 1, 40, 0x1001);
    expect(&f, -EEXIST);
    good_image(&f, true, 8);
    ph64(&f, 1, 24, 0x0ff000); /* touching is fine */
    ph64(&f, 1, 40, 0x1000);
    expect(&f, 0);
}

static void too_many_segments(void **state)
{
    struct fake f;
    struct fseg ph[ELF_IMAGE_MAX_SEGMENTS + 2];
    u32 entry = 0x100000;
    unsigned n = 0;

    for (; n < ELF_IMAGE_MAX_SEGMENTS + 1; n++)
        ph[n] = (struct fseg){1, TEXT_OFF, 0x100000 + n * 0x1000, 0x10, 0x10, 5, 0};
    ph[n++] = (struct fseg){4, NOTE_OFF, 0, 20, 20, 4, 4};
    build(&f, true, ELF_EM_X86_64, ph, n);
    note(f.buf + NOTE_OFF, 4, "Xen", XEN_ELFNOTE_PHYS32_ENTRY, &entry, 4);
    expect(&f, -E2BIG);

    /* Exactly the maximum is accepted. */
    ph[ELF_IMAGE_MAX_SEGMENTS] = ph[n - 1];
    build(&f, true, ELF_EM_X86_64, ph, ELF_IMAGE_MAX_SEGMENTS + 1);
    note(f.buf + NOTE_OFF, 4, "Xen", XEN_ELFNOTE_PHYS32_ENTRY, &entry, 4);
    expect(&f, 0);
}

static void nothing_to_load(void **state)
{
    struct fake f;
    u32 entry = 0x100000;
    struct fseg ph[1] = {{4, NOTE_OFF, 0, 20, 20, 4, 4}};

    build(&f, true, ELF_EM_X86_64, ph, 1);
    note(f.buf + NOTE_OFF, 4, "Xen", XEN_ELFNOTE_PHYS32_ENTRY, &entry, 4);
    expect(&f, -EINVAL);
}

static void not_a_pvh_kernel(void **state)
{
    struct fake f;
    struct elf_image img;
    const char *why;
    u32 entry = ENTRY;

    good_image(&f, true, 8);
    put32(f.buf + entry_note + 8, XEN_ELFNOTE_ENTRY);
    assert_int_equal(parse(&f, &img, &why), -ENOENT);
    assert_non_null(strstr(why, "not a PVH kernel"));

    /* Right type, wrong owner: "Xe" (namesz 3) or "GNU". */
    good_image(&f, true, 8);
    struct fseg ph[2] = {
        {1, TEXT_OFF, 0x100000, 0x800, 0x800, 5, 0},
        {4, NOTE_OFF, 0, 0, 0, 4, 4},
    };
    build(&f, true, ELF_EM_X86_64, ph, 2);
    size_t n = note(f.buf + NOTE_OFF, 3, "Xen", XEN_ELFNOTE_PHYS32_ENTRY, &entry, 4);
    n += note(f.buf + NOTE_OFF + n, 4, "GNU", XEN_ELFNOTE_PHYS32_ENTRY, &entry, 4);
    ph64(&f, 1, 32, n);
    expect(&f, -ENOENT);

    /* A note segment too short for one note header is empty. */
    ph64(&f, 1, 32, 11);
    expect(&f, -ENOENT);
}

static void bad_entry_notes(void **state)
{
    struct fake f;

    good_image(&f, true, 8);
    put32(f.buf + entry_note + 4, 2); /* descsz 2 */
    expect(&f, -EINVAL);
    good_image(&f, true, 8);
    put64(f.buf + entry_note + 16, 0x100000000ull); /* above 4 GiB */
    expect(&f, -EINVAL);
    good_image(&f, true, 8);
    put64(f.buf + entry_note + 16, 0x300000); /* not in any segment */
    expect(&f, -EINVAL);
    good_image(&f, true, 8);
    put64(f.buf + entry_note + 16, 0x203000); /* one past the end */
    expect(&f, -EINVAL);
    good_image(&f, true, 8);
    put64(f.buf + entry_note + 16, 0x202fff); /* last bss byte: loaded */
    expect(&f, 0);
}

static void notes_running_past_their_segment(void **state)
{
    struct fake f;

    good_image(&f, true, 8);
    put32(f.buf + NOTE_OFF, 0xffffffffu); /* namesz */
    expect(&f, -EINVAL);
    good_image(&f, true, 8);
    put32(f.buf + NOTE_OFF + 4, 0xfffffffdu); /* descsz */
    expect(&f, -EINVAL);
    good_image(&f, true, 8);
    ph64(&f, 2, 32, entry_note - NOTE_OFF + 16); /* the entry note's desc is cut off */
    expect(&f, -EINVAL);
    good_image(&f, true, 8);
    ph64(&f, 2, 8, FILE_CAP - 8); /* note segment outside the file */
    expect(&f, -EINVAL);
}

/* gABI ELF64 notes may be 8-byte aligned when the segment says so. */
static void eight_byte_aligned_notes(void **state)
{
    struct fake f;
    struct elf_image img;
    u64 entry = ENTRY;
    u8 *n;

    good_image(&f, true, 8);
    ph64(&f, 2, 48, 8);
    n = f.buf + NOTE_OFF;
    memset(n, 0, 0x100);
    put32(n, 5); /* "Xen5\0": name padded to 8 after the header */
    put32(n + 4, 4);
    put32(n + 8, 99);
    memcpy(n + 12, "Xen5", 5);
    put32(n + 24, 0xdead); /* desc at 24, next note at 32 */
    put32(n + 32, 4);
    put32(n + 36, 8);
    put32(n + 40, XEN_ELFNOTE_PHYS32_ENTRY);
    memcpy(n + 44, "Xen", 4);
    memcpy(n + 48, &entry, 8); /* 12 + 4 = 16: already aligned */
    ph64(&f, 2, 32, 56);
    assert_int_equal(parse(&f, &img, NULL), 0);
    assert_int_equal(img.phys32_entry, ENTRY);
}

static void bad_supported_features_note(void **state)
{
    struct fake f;

    good_image(&f, true, 8);
    put32(f.buf + features_note + 4, 3);
    expect(&f, -EINVAL);
}

/* ---------------------------------------------------------------- loading */

struct guest {
    u8 *mem;
    u64 size;
    unsigned calls;
};

static int guest_write(void *ctx, u64 gpa, const void *src, u64 len)
{
    struct guest *g = ctx;

    g->calls++;
    if (gpa > g->size || len > g->size - gpa)
        return -EFAULT;
    if (src)
        memcpy(g->mem + gpa, src, len);
    else
        memset(g->mem + gpa, 0, len);
    return 0;
}

static void load_copies_and_zeroes(void **state)
{
    struct fake f;
    struct elf_image img;
    struct guest g = {.size = 4 * MiB};

    g.mem = malloc(g.size);
    memset(g.mem, 0xaa, g.size);
    good_image(&f, true, 8);
    assert_int_equal(parse(&f, &img, NULL), 0);
    assert_int_equal(elf_image_load(&img, f.buf, f.len, guest_write, &g), 0);
    assert_int_equal(g.calls, 3); /* text, data, bss */
    assert_memory_equal(g.mem + 0x100000, f.buf + TEXT_OFF, 0x800);
    assert_memory_equal(g.mem + 0x200000, f.buf + DATA_OFF, 0x400);
    for (u64 a = 0x200400; a < 0x203000; a++)
        assert_int_equal(g.mem[a], 0);
    assert_int_equal(g.mem[0x0fffff], 0xaa);
    assert_int_equal(g.mem[0x100800], 0xaa);
    assert_int_equal(g.mem[0x203000], 0xaa);

    /* Writer errors are passed back; a shorter file than parsed is refused. */
    g.size = 0x200000;
    assert_int_equal(elf_image_load(&img, f.buf, f.len, guest_write, &g), -EFAULT);
    g.size = 4 * MiB;
    assert_int_equal(elf_image_load(&img, f.buf, DATA_OFF + 0x3ff, guest_write, &g), -EINVAL);
    free(g.mem);
}

/* ---------------------------------------------------------------- fuzzing */

static u64 rng_state = 0x9e3779b97f4a7c15ull;

static u64 rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static int bounded_write(void *ctx, u64 gpa, const void *src, u64 len)
{
    (void)ctx;
    if (gpa > RAM || len > RAM - gpa)
        fail_msg("load outside RAM: %#llx+%#llx", (unsigned long long)gpa, (unsigned long long)len);
    if (src) {
        volatile u8 sink = 0;
        for (u64 i = 0; i < len; i++)
            sink ^= ((const u8 *)src)[i]; /* ASan checks every byte */
        (void)sink;
    }
    return 0;
}

static void check_invariants(const struct elf_image *img, size_t len)
{
    assert_in_range(img->nr_segments, 1, ELF_IMAGE_MAX_SEGMENTS);
    for (unsigned i = 0; i < img->nr_segments; i++) {
        const struct elf_segment *s = &img->seg[i];
        assert_true(s->offset <= len && s->filesz <= len - s->offset);
        assert_true(s->filesz <= s->memsz);
        assert_true(s->paddr <= RAM && s->memsz <= RAM - s->paddr);
        assert_true(img->paddr_lo <= s->paddr && s->paddr + s->memsz <= img->paddr_hi);
    }
}

static void mutations_never_read_out_of_bounds(void **state)
{
    unsigned accepted = 0;

    for (unsigned iter = 0; iter < 40000; iter++) {
        struct fake f;
        struct elf_image img;
        bool elf64 = iter & 1;
        size_t len;
        u8 *copy;

        good_image(&f, elf64, (iter & 2) ? 8 : 4);
        unsigned flips = 1 + rng() % 6;
        for (unsigned k = 0; k < flips; k++) {
            /* Mostly the headers and notes, sometimes anywhere. */
            u64 r = rng();
            size_t at = (r & 3) ? (r >> 8) % 0x200 : (r >> 8) % FILE_CAP;
            if (r & 4)
                at = NOTE_OFF + (r >> 8) % 0x80;
            f.buf[at] = (r & 0x10) ? (u8)(r >> 40) : f.buf[at] ^ (u8)(1u << ((r >> 32) & 7));
        }
        /* An exact-size heap copy so ASan catches any read past the end. */
        len = (rng() % 8) ? FILE_CAP : rng() % FILE_CAP;
        copy = malloc(len ? len : 1);
        memcpy(copy, f.buf, len);
        if (elf_image_parse(copy, len, RAM, &img, NULL) == 0) {
            accepted++;
            check_invariants(&img, len);
            assert_int_equal(elf_image_load(&img, copy, len, bounded_write, NULL), 0);
        }
        free(copy);
    }
    /* The mutations must leave some images valid, or the test proves little. */
    assert_true(accepted > 1000);
}

/* ---------------------------------------------------------------- real files */

static u8 *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    u8 *buf;
    long n;

    if (!fp)
        return NULL;
    fseek(fp, 0, SEEK_END);
    n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    buf = malloc(n > 0 ? n : 1);
    if (fread(buf, 1, n, fp) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(fp);
    *len = n;
    return buf;
}

static void real_linux_vmlinux(void **state)
{
    const char *env = getenv("LARES_TEST_VMLINUX");
    glob_t g = {0};
    const char *path = env;
    struct elf_image img;
    const char *why;
    size_t len;
    u8 *file;

    if (!path && glob("cache/linux/vmlinux", 0, NULL, &g) == 0 && g.gl_pathc)
        path = g.gl_pathv[0];
    file = path ? slurp(path, &len) : NULL;
    if (!file) {
        globfree(&g);
        skip();
    }
    assert_int_equal(elf_image_parse(file, len, 256 * MiB, &img, &why), 0);
    print_message("%s: entry %#x, %u segments, [%#llx, %#llx), features %#x\n", path,
                  img.phys32_entry, img.nr_segments, (unsigned long long)img.paddr_lo,
                  (unsigned long long)img.paddr_hi, img.supported_features);
    assert_true(img.elf64);
    assert_int_equal(img.machine, ELF_EM_X86_64);
    assert_int_equal(img.paddr_lo, 16 * MiB); /* CONFIG_PHYSICAL_START */
    assert_true(img.phys32_entry > img.paddr_lo && img.phys32_entry < img.paddr_hi);
    /* The kernel does not fit in 32 MiB of RAM. */
    assert_int_equal(elf_image_parse(file, len, 32 * MiB, &img, &why), -ERANGE);
    free(file);
    globfree(&g);
}

static void real_xtf_kernels(void **state)
{
    static const struct {
        const char *env;
        u16 machine;
        u32 entry;
    } kinds[] = {
        {"hvm64", ELF_EM_X86_64, 0x100070},
        {"hvm32pae", ELF_EM_386, 0x100060},
        {"hvm32pse", ELF_EM_386, 0x100060},
        {"hvm32", ELF_EM_386, 0x100050},
    };
    const char *dir = getenv("LARES_TEST_XTF_DIR");
    char path[512];
    unsigned found = 0;

    if (!dir)
        dir = "/tmp/xtf";
    for (unsigned i = 0; i < ARRAY_SIZE(kinds); i++) {
        struct elf_image img;
        size_t len;
        u8 *file;

        snprintf(path, sizeof(path), "%s/tests/example/test-%s-example", dir, kinds[i].env);
        file = slurp(path, &len);
        if (!file)
            continue;
        found++;
        assert_int_equal(elf_image_parse(file, len, 128 * MiB, &img, NULL), 0);
        assert_false(img.elf64);
        assert_int_equal(img.machine, kinds[i].machine);
        /* _pvh_start sits just after _elf_start (0x100000); exact at XTF 453490df. */
        assert_in_range(img.phys32_entry, 0x100001, 0x1000ff);
        if (img.phys32_entry != kinds[i].entry)
            print_message("note: %s PVH entry %#x (XTF 453490df: %#x)\n", kinds[i].env,
                          img.phys32_entry, kinds[i].entry);
        assert_int_equal(img.paddr_lo, 1 * MiB);
        assert_true(img.paddr_hi <= 2 * MiB);
        free(file);
    }
    /* PV kernels have no PHYS32_ENTRY. */
    snprintf(path, sizeof(path), "%s/tests/example/test-pv64-example", dir);
    size_t len;
    u8 *pv = slurp(path, &len);
    if (pv) {
        struct elf_image img;
        found++;
        assert_int_equal(elf_image_parse(pv, len, 128 * MiB, &img, NULL), -ENOENT);
        free(pv);
    }
    if (!found)
        skip();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(elf64_linux_like),
        cmocka_unit_test(elf32_with_x86_64_machine_and_4_byte_entry),
        cmocka_unit_test(elf32_i386),
        cmocka_unit_test(segment_ending_exactly_at_ram_end),
        cmocka_unit_test(empty_segments_and_other_types_are_ignored),
        cmocka_unit_test(duplicate_identical_entry_notes_are_fine),
        cmocka_unit_test(not_elf),
        cmocka_unit_test(wrong_kind_of_elf),
        cmocka_unit_test(truncated_headers),
        cmocka_unit_test(bad_program_header_table),
        cmocka_unit_test(bad_segments),
        cmocka_unit_test(segments_outside_ram),
        cmocka_unit_test(overlapping_segments),
        cmocka_unit_test(too_many_segments),
        cmocka_unit_test(nothing_to_load),
        cmocka_unit_test(not_a_pvh_kernel),
        cmocka_unit_test(bad_entry_notes),
        cmocka_unit_test(notes_running_past_their_segment),
        cmocka_unit_test(eight_byte_aligned_notes),
        cmocka_unit_test(bad_supported_features_note),
        cmocka_unit_test(load_copies_and_zeroes),
        cmocka_unit_test(mutations_never_read_out_of_bounds),
        cmocka_unit_test(real_linux_vmlinux),
        cmocka_unit_test(real_xtf_kernels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
