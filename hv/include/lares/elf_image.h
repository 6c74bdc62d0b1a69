/*
 * PVH guest kernel images: parse and load an ELF executable.
 *
 * The image is untrusted (a boot module): every header, offset and size is
 * checked against the file length before it is used, with overflow-safe
 * arithmetic, and the result describes only memory inside the file and
 * inside [0, ram_limit) of guest-physical space.
 *
 * Accepted: ELF32 or ELF64, little-endian, ET_EXEC, e_machine EM_386 or
 * EM_X86_64 (XTF's hvm64 kernels are ELF32 containers with EM_X86_64).
 * PT_LOAD segments are placed by p_paddr, never p_vaddr (Linux's percpu
 * segment has vaddr 0). The PVH entry point comes from a "Xen" note of
 * type XEN_ELFNOTE_PHYS32_ENTRY in a PT_NOTE segment; e_entry is not used.
 */
#ifndef LARES_ELF_IMAGE_H
#define LARES_ELF_IMAGE_H

#include <lares/types.h>

#define ELF_IMAGE_MAX_PHDRS 64    /* more program headers: rejected */
#define ELF_IMAGE_MAX_SEGMENTS 16 /* more non-empty PT_LOADs: rejected */

#define ELF_EM_386 3
#define ELF_EM_X86_64 62

/* p_flags */
#define ELF_PF_X 1u
#define ELF_PF_W 2u
#define ELF_PF_R 4u

struct elf_segment {
    u64 paddr;  /* guest-physical load address */
    u64 offset; /* file offset of the first byte */
    u64 filesz; /* bytes copied from the file */
    u64 memsz;  /* bytes occupied; [filesz, memsz) is zeroed */
    u32 flags;  /* ELF_PF_* */
};

struct elf_image {
    bool elf64;       /* ELF class */
    u16 machine;      /* ELF_EM_386 or ELF_EM_X86_64 */
    u64 e_entry;      /* informational only */
    u32 phys32_entry; /* PVH entry point (guest-physical) */
    bool has_supported_features;
    u32 supported_features; /* XEN_ELFNOTE_SUPPORTED_FEATURES (XENFEAT_* bits) */
    unsigned nr_segments;   /* PT_LOADs with memsz != 0, in file order */
    struct elf_segment seg[ELF_IMAGE_MAX_SEGMENTS];
    u64 paddr_lo; /* lowest byte any segment occupies */
    u64 paddr_hi; /* one past the highest byte */
};

/*
 * Parse the ELF image file[0, len) for a guest whose RAM starting at 0 ends
 * at ram_limit (every segment must lie below it).
 *
 * Returns 0 with *img filled, or a negative errno with *why pointing to a
 * static sentence for the log (why may be NULL):
 *   -ENOEXEC  not an ELF file, or not a kind accepted here
 *   -EINVAL   a header, offset or size is inconsistent with the file
 *   -E2BIG    too many program headers or segments
 *   -ERANGE   a segment lies outside guest RAM
 *   -EEXIST   two segments overlap in guest-physical memory
 *   -ENOENT   no PHYS32_ENTRY note: not a PVH-capable kernel
 */
int elf_image_parse(const void *file, size_t len, u64 ram_limit, struct elf_image *img,
                    const char **why);

/*
 * Write guest memory: copy len bytes from src to guest-physical gpa, or
 * zero them when src is NULL. Returns 0 or a negative errno.
 */
typedef int (*elf_write_fn)(void *ctx, u64 gpa, const void *src, u64 len);

/*
 * Load every segment of a parsed image: file bytes, then zeroes up to
 * memsz. file/len must be the ones given to elf_image_parse(). Stops at
 * and returns the first error of write().
 */
int elf_image_load(const struct elf_image *img, const void *file, size_t len, elf_write_fn write,
                   void *ctx);

#endif
