/* ELF64 validation and Xen note lookup (see elfinfo.h). */
#include "elfinfo.h"

#include <string.h>

#include "le.h"

#define EHDR_SIZE 64
#define PHDR_SIZE 56
#define SHDR_SIZE 64
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EM_X86_64 62
#define PT_NOTE 4
#define SHT_NOBITS 8

/* Does [off, off + size) fit inside a buffer of len bytes? */
static bool in_bounds(uint64_t off, uint64_t size, size_t len)
{
    return off <= len && size <= len - off;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
    return a > b ? a : b;
}

static uint64_t align4(uint64_t v)
{
    return (v + 3) & ~(uint64_t)3;
}

/* Walk one PT_NOTE segment looking for the Xen PHYS32_ENTRY note. */
static enum vx_status scan_notes(const uint8_t *p, uint64_t size, struct elf_info *info,
                                 struct vx_error *err)
{
    uint64_t off = 0;

    while (size - off >= 12) {
        uint32_t namesz = le32(p + off), descsz = le32(p + off + 4), type = le32(p + off + 8);
        uint64_t name = off + 12, desc = name + align4(namesz), next = desc + align4(descsz);

        if (next > size)
            return vx_fail(err, VX_NOT_ELF, "ELF note at offset %#llx overruns its segment",
                           (unsigned long long)off);
        if (namesz == 4 && memcmp(p + name, "Xen", 4) == 0 && type == XEN_ELFNOTE_PHYS32_ENTRY) {
            if (descsz != 4 && descsz != 8)
                return vx_fail(err, VX_NOT_ELF, "Xen PHYS32_ENTRY note has a %u-byte value",
                               descsz);
            info->has_pvh_entry = true;
            info->pvh_entry = descsz == 4 ? le32(p + desc) : le64(p + desc);
        }
        off = next;
    }
    return VX_OK;
}

static enum vx_status check_ident(const uint8_t *p, size_t len, struct vx_error *err)
{
    if (len < EHDR_SIZE || memcmp(p, "\177ELF", 4) != 0)
        return vx_fail(
            err, VX_NOT_ELF, "decompressed payload is not an ELF file (starts %02x %02x %02x %02x)",
            len > 0 ? p[0] : 0, len > 1 ? p[1] : 0, len > 2 ? p[2] : 0, len > 3 ? p[3] : 0);
    if (p[4] != ELFCLASS64 || p[5] != ELFDATA2LSB)
        return vx_fail(err, VX_NOT_ELF, "ELF is not 64-bit little-endian (class %u, data %u)", p[4],
                       p[5]);
    if (le16(p + 18) != EM_X86_64)
        return vx_fail(err, VX_NOT_ELF, "ELF machine is %u, not x86-64 (62)", le16(p + 18));
    return VX_OK;
}

static enum vx_status check_segments(const uint8_t *p, size_t len, struct elf_info *info,
                                     struct vx_error *err)
{
    uint64_t phoff = le64(p + 32);
    uint16_t phentsize = le16(p + 54);
    enum vx_status rc;

    info->phnum = le16(p + 56);
    if (info->phnum == 0)
        return vx_fail(err, VX_NOT_ELF, "ELF has no program headers: nothing to load");
    if (phentsize != PHDR_SIZE || !in_bounds(phoff, (uint64_t)info->phnum * PHDR_SIZE, len))
        return vx_fail(err, VX_NOT_ELF,
                       "ELF program header table (%u x %u bytes at %#llx) is invalid", info->phnum,
                       phentsize, (unsigned long long)phoff);
    info->extent = max_u64(info->extent, phoff + (uint64_t)info->phnum * PHDR_SIZE);

    for (unsigned i = 0; i < info->phnum; i++) {
        const uint8_t *ph = p + phoff + (uint64_t)i * PHDR_SIZE;
        uint64_t off = le64(ph + 8), filesz = le64(ph + 32);

        if (!in_bounds(off, filesz, len))
            return vx_fail(err, VX_NOT_ELF,
                           "ELF segment %u [%#llx, +%#llx) extends past the data (%zu bytes)", i,
                           (unsigned long long)off, (unsigned long long)filesz, len);
        info->extent = max_u64(info->extent, off + filesz);
        if (le32(ph) == PT_NOTE) {
            rc = scan_notes(p + off, filesz, info, err);
            if (rc)
                return rc;
        }
    }
    return VX_OK;
}

static enum vx_status check_sections(const uint8_t *p, size_t len, struct elf_info *info,
                                     struct vx_error *err)
{
    uint64_t shoff = le64(p + 40);
    uint16_t shentsize = le16(p + 58), shnum = le16(p + 60);

    if (shoff == 0 || shnum == 0)
        return VX_OK; /* section headers are optional in an executable */
    if (shentsize != SHDR_SIZE || !in_bounds(shoff, (uint64_t)shnum * SHDR_SIZE, len))
        return vx_fail(err, VX_NOT_ELF,
                       "ELF section header table (%u x %u bytes at %#llx) is invalid", shnum,
                       shentsize, (unsigned long long)shoff);
    info->extent = max_u64(info->extent, shoff + (uint64_t)shnum * SHDR_SIZE);

    for (unsigned i = 0; i < shnum; i++) {
        const uint8_t *sh = p + shoff + (uint64_t)i * SHDR_SIZE;
        uint64_t off = le64(sh + 24), size = le64(sh + 32);

        if (le32(sh + 4) == SHT_NOBITS)
            continue;
        if (!in_bounds(off, size, len))
            return vx_fail(err, VX_NOT_ELF,
                           "ELF section %u [%#llx, +%#llx) extends past the data (%zu bytes)", i,
                           (unsigned long long)off, (unsigned long long)size, len);
        info->extent = max_u64(info->extent, off + size);
    }
    return VX_OK;
}

enum vx_status elf_inspect(const uint8_t *p, size_t len, struct elf_info *info,
                           struct vx_error *err)
{
    enum vx_status rc;

    memset(info, 0, sizeof(*info));
    rc = check_ident(p, len, err);
    if (rc)
        return rc;
    info->entry = le64(p + 24);
    info->extent = EHDR_SIZE;
    rc = check_segments(p, len, info, err);
    if (rc)
        return rc;
    return check_sections(p, len, info, err);
}
