/*
 * ELF kernel image parser and loader (see lares/elf_image.h).
 *
 * All reads go through get_unaligned_u16/u32/u64 at offsets that were
 * checked against the file length first; sums of untrusted values are done
 * in u64 where they cannot wrap (each term < 2^32 or < len) or checked
 * explicitly.
 */
#include <lares/compiler.h>
#include <lares/elf_image.h>
#include <lares/errno.h>
#include <lares/string.h>
#include <lares/unaligned.h>
#include <public/elfnote.h>

#define EI_NIDENT 16
#define EI_CLASS 4
#define EI_DATA 5
#define EI_VERSION 6
#define ELFCLASS32 1
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EV_CURRENT 1
#define ET_EXEC 2
#define PT_LOAD 1
#define PT_NOTE 4

#define EHDR32_SIZE 52
#define EHDR64_SIZE 64
#define PHDR32_SIZE 32
#define PHDR64_SIZE 56
#define NOTE_HDR_SIZE 12

/* A program header, widened to 64 bits. */
struct phdr {
    u32 type, flags;
    u64 offset, paddr, filesz, memsz, align;
};

struct parse_ctx {
    const u8 *file;
    size_t len;
    struct elf_image *img;
    const char *why;
    bool have_entry;
};

static int fail(struct parse_ctx *c, int rc, const char *why)
{
    c->why = why;
    return rc;
}

/* Is [off, off + size) inside the file? */
static bool in_file(const struct parse_ctx *c, u64 off, u64 size)
{
    return off <= c->len && size <= c->len - off;
}

static void read_phdr(const struct parse_ctx *c, u64 off, struct phdr *ph)
{
    const u8 *p = c->file + off;

    if (c->img->elf64) {
        ph->type = get_unaligned_u32(p);
        ph->flags = get_unaligned_u32(p + 4);
        ph->offset = get_unaligned_u64(p + 8);
        ph->paddr = get_unaligned_u64(p + 24);
        ph->filesz = get_unaligned_u64(p + 32);
        ph->memsz = get_unaligned_u64(p + 40);
        ph->align = get_unaligned_u64(p + 48);
    } else {
        ph->type = get_unaligned_u32(p);
        ph->offset = get_unaligned_u32(p + 4);
        ph->paddr = get_unaligned_u32(p + 12);
        ph->filesz = get_unaligned_u32(p + 16);
        ph->memsz = get_unaligned_u32(p + 20);
        ph->flags = get_unaligned_u32(p + 24);
        ph->align = get_unaligned_u32(p + 28);
    }
}

static int parse_ehdr(struct parse_ctx *c, u64 *phoff, unsigned *phnum)
{
    const u8 *f = c->file;
    u16 phentsize, type;

    if (c->len < EI_NIDENT || memcmp(f, "\177ELF", 4) != 0)
        return fail(c, -ENOEXEC, "not an ELF file");
    if (f[EI_CLASS] != ELFCLASS32 && f[EI_CLASS] != ELFCLASS64)
        return fail(c, -ENOEXEC, "unknown ELF class");
    c->img->elf64 = f[EI_CLASS] == ELFCLASS64;
    if (f[EI_DATA] != ELFDATA2LSB)
        return fail(c, -ENOEXEC, "ELF file is not little-endian");
    if (f[EI_VERSION] != EV_CURRENT)
        return fail(c, -ENOEXEC, "unknown ELF version");
    if (c->len < (c->img->elf64 ? EHDR64_SIZE : EHDR32_SIZE))
        return fail(c, -EINVAL, "ELF header truncated");

    type = get_unaligned_u16(f + 16);
    c->img->machine = get_unaligned_u16(f + 18);
    if (get_unaligned_u32(f + 20) != EV_CURRENT)
        return fail(c, -ENOEXEC, "unknown ELF version");
    if (type != ET_EXEC)
        return fail(c, -ENOEXEC, "ELF file is not an executable (ET_EXEC)");
    if (c->img->machine != ELF_EM_386 && c->img->machine != ELF_EM_X86_64)
        return fail(c, -ENOEXEC, "ELF machine is neither i386 nor x86-64");

    if (c->img->elf64) {
        c->img->e_entry = get_unaligned_u64(f + 24);
        *phoff = get_unaligned_u64(f + 32);
        phentsize = get_unaligned_u16(f + 54);
        *phnum = get_unaligned_u16(f + 56);
    } else {
        c->img->e_entry = get_unaligned_u32(f + 24);
        *phoff = get_unaligned_u32(f + 28);
        phentsize = get_unaligned_u16(f + 42);
        *phnum = get_unaligned_u16(f + 44);
    }
    if (phentsize != (c->img->elf64 ? PHDR64_SIZE : PHDR32_SIZE))
        return fail(c, -EINVAL, "unexpected ELF program header size");
    if (*phnum == 0)
        return fail(c, -EINVAL, "ELF file has no program headers");
    /* 0xffff (PN_XNUM) lands here too: the real count would be elsewhere. */
    if (*phnum > ELF_IMAGE_MAX_PHDRS)
        return fail(c, -E2BIG, "too many ELF program headers");
    if (!in_file(c, *phoff, (u64)*phnum * phentsize))
        return fail(c, -EINVAL, "ELF program headers lie outside the file");
    return 0;
}

static int add_segment(struct parse_ctx *c, const struct phdr *ph, u64 ram_limit)
{
    struct elf_image *img = c->img;
    struct elf_segment *s;

    if (ph->memsz < ph->filesz)
        return fail(c, -EINVAL, "ELF segment has memsz < filesz");
    if (!in_file(c, ph->offset, ph->filesz))
        return fail(c, -EINVAL, "ELF segment data lie outside the file");
    if (ph->memsz == 0)
        return 0;
    if (ph->memsz > ram_limit || ph->paddr > ram_limit - ph->memsz)
        return fail(c, -ERANGE, "ELF segment lies outside guest RAM");
    for (unsigned i = 0; i < img->nr_segments; i++) {
        const struct elf_segment *o = &img->seg[i];
        if (ph->paddr < o->paddr + o->memsz && o->paddr < ph->paddr + ph->memsz)
            return fail(c, -EEXIST, "ELF segments overlap");
    }
    if (img->nr_segments == ELF_IMAGE_MAX_SEGMENTS)
        return fail(c, -E2BIG, "too many ELF load segments");

    s = &img->seg[img->nr_segments++];
    s->paddr = ph->paddr;
    s->offset = ph->offset;
    s->filesz = ph->filesz;
    s->memsz = ph->memsz;
    s->flags = ph->flags;
    if (img->nr_segments == 1 || s->paddr < img->paddr_lo)
        img->paddr_lo = s->paddr;
    if (img->nr_segments == 1 || s->paddr + s->memsz > img->paddr_hi)
        img->paddr_hi = s->paddr + s->memsz;
    return 0;
}

/* One "Xen" note; desc[0, descsz) is inside the file. */
static int xen_note(struct parse_ctx *c, u32 type, const u8 *desc, u32 descsz)
{
    u64 entry;

    switch (type) {
    case XEN_ELFNOTE_PHYS32_ENTRY:
        if (descsz == 4)
            entry = get_unaligned_u32(desc);
        else if (descsz == 8)
            entry = get_unaligned_u64(desc);
        else
            return fail(c, -EINVAL, "PHYS32_ENTRY note has a bad size");
        if (entry > 0xffffffffu)
            return fail(c, -EINVAL, "PHYS32_ENTRY lies above 4 GiB");
        if (c->have_entry && c->img->phys32_entry != entry)
            return fail(c, -EINVAL, "conflicting PHYS32_ENTRY notes");
        c->img->phys32_entry = (u32)entry;
        c->have_entry = true;
        return 0;
    case XEN_ELFNOTE_SUPPORTED_FEATURES:
        if (descsz != 4)
            return fail(c, -EINVAL, "SUPPORTED_FEATURES note has a bad size");
        c->img->supported_features = get_unaligned_u32(desc);
        c->img->has_supported_features = true;
        return 0;
    default:
        return 0; /* PV-only or informational */
    }
}

static int parse_notes(struct parse_ctx *c, const struct phdr *ph)
{
    /* Notes are 4-byte aligned; 8 only in segments that say so (gABI ELF64). */
    const u64 align = ph->align == 8 ? 8 : 4;
    u64 pos = ph->offset, end;

    if (!in_file(c, ph->offset, ph->filesz))
        return fail(c, -EINVAL, "ELF note segment lies outside the file");
    end = ph->offset + ph->filesz;

    while (end - pos >= NOTE_HDR_SIZE) {
        const u8 *n = c->file + pos;
        u32 namesz = get_unaligned_u32(n), descsz = get_unaligned_u32(n + 4),
            type = get_unaligned_u32(n + 8);
        u64 name_off = pos + NOTE_HDR_SIZE;
        /* Offsets are aligned relative to the segment start. */
        u64 desc_off = ph->offset + ROUNDUP(name_off - ph->offset + namesz, align);
        int rc;

        if (desc_off > end || descsz > end - desc_off)
            return fail(c, -EINVAL, "ELF note runs past its segment");
        if (namesz == 4 && memcmp(c->file + name_off, "Xen", 4) == 0) {
            rc = xen_note(c, type, c->file + desc_off, descsz);
            if (rc)
                return rc;
        }
        pos = ph->offset + ROUNDUP(desc_off - ph->offset + descsz, align);
        if (pos > end)
            break; /* padding of the last note may be cut off */
    }
    return 0;
}

static bool entry_is_loaded(const struct elf_image *img)
{
    for (unsigned i = 0; i < img->nr_segments; i++) {
        const struct elf_segment *s = &img->seg[i];
        if (img->phys32_entry >= s->paddr && img->phys32_entry - s->paddr < s->memsz)
            return true;
    }
    return false;
}

static int parse(struct parse_ctx *c, u64 ram_limit)
{
    unsigned phnum, phsize;
    u64 phoff;
    struct phdr ph;
    int rc;

    rc = parse_ehdr(c, &phoff, &phnum);
    if (rc)
        return rc;

    phsize = c->img->elf64 ? PHDR64_SIZE : PHDR32_SIZE;
    for (unsigned i = 0; i < phnum; i++) {
        read_phdr(c, phoff + (u64)i * phsize, &ph);
        rc = 0;
        if (ph.type == PT_LOAD)
            rc = add_segment(c, &ph, ram_limit);
        else if (ph.type == PT_NOTE)
            rc = parse_notes(c, &ph);
        if (rc)
            return rc;
    }

    if (c->img->nr_segments == 0)
        return fail(c, -EINVAL, "ELF file has nothing to load");
    if (!c->have_entry)
        return fail(c, -ENOENT, "no XEN_ELFNOTE_PHYS32_ENTRY note: not a PVH kernel");
    if (!entry_is_loaded(c->img))
        return fail(c, -EINVAL, "PHYS32_ENTRY lies outside the loaded segments");
    return 0;
}

int elf_image_parse(const void *file, size_t len, u64 ram_limit, struct elf_image *img,
                    const char **why)
{
    struct parse_ctx c = {.file = file, .len = file ? len : 0, .img = img};
    int rc;

    memset(img, 0, sizeof(*img));
    rc = parse(&c, ram_limit);
    if (rc)
        memset(img, 0, sizeof(*img));
    if (why)
        *why = rc ? c.why : NULL;
    return rc;
}

int elf_image_load(const struct elf_image *img, const void *file, size_t len, elf_write_fn write,
                   void *ctx)
{
    const u8 *f = file;

    for (unsigned i = 0; i < img->nr_segments && i < ELF_IMAGE_MAX_SEGMENTS; i++) {
        const struct elf_segment *s = &img->seg[i];
        int rc;

        /* Cheap re-check: a mismatched file/len must not read out of bounds. */
        if (s->offset > len || s->filesz > len - s->offset || s->memsz < s->filesz)
            return -EINVAL;
        if (s->filesz) {
            rc = write(ctx, s->paddr, f + s->offset, s->filesz);
            if (rc)
                return rc;
        }
        if (s->memsz > s->filesz) {
            rc = write(ctx, s->paddr + s->filesz, NULL, s->memsz - s->filesz);
            if (rc)
                return rc;
        }
    }
    return 0;
}
