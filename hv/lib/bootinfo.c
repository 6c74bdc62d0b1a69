/* Multiboot 1/2 handoff parsing (see lares/bootinfo.h). */
#include <lares/bootinfo.h>
#include <lares/errno.h>
#include <lares/string.h>
#include <lares/unaligned.h>

#define MB1_FLAG_MEM (1u << 0)
#define MB1_FLAG_CMDLINE (1u << 2)
#define MB1_FLAG_MODS (1u << 3)
#define MB1_FLAG_MMAP (1u << 6)
#define MB1_FLAG_LOADER (1u << 9)

#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_LOADER 2
#define MB2_TAG_MODULE 3
#define MB2_TAG_MEMINFO 4
#define MB2_TAG_MMAP 6
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15

struct mb1_info {
    u32 flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
    u32 syms[4];
    u32 mmap_length, mmap_addr;
    u32 drives_length, drives_addr, config_table, boot_loader_name;
};

struct mb1_module {
    u32 mod_start, mod_end, string, reserved;
};

static void copy_str(char *dst, size_t size, const char *src, size_t max)
{
    size_t n = 0;

    while (n < max && src[n] && n + 1 < size) {
        dst[n] = src[n];
        n++;
    }
    dst[n] = '\0';
}

/*
 * Copy a NUL-terminated string at physical pa. Each byte is resolved on
 * its own, so a string that runs into inaccessible memory is cut there
 * rather than read past it.
 */
static void copy_phys_str(boot_phys_fn phys, u64 pa, char *dst, size_t size)
{
    size_t n = 0;

    if (pa) {
        for (; n + 1 < size; n++) {
            const char *c = phys(pa + n, 1);

            if (!c || !*c)
                break;
            dst[n] = *c;
        }
    }
    dst[n] = '\0';
}

static const char *skip_spaces(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/*
 * Loaders other than GRUB 2 put the image's file name first in the command
 * lines of the image and of each module (QEMU does); GRUB 2 does not.
 */
static bool loader_includes_filename(const struct boot_info *bi)
{
    return strncmp(bi->loader_name, "GRUB 2", 6) != 0;
}

static void split_module_string(const struct boot_info *bi, const char *s, struct boot_module *m)
{
    s = skip_spaces(s);
    m->name[0] = '\0';
    if (loader_includes_filename(bi)) {
        const char *end = s, *base = s;

        while (*end && *end != ' ' && *end != '\t') {
            if (*end == '/')
                base = end + 1;
            end++;
        }
        copy_str(m->name, sizeof(m->name), base, (size_t)(end - base));
        s = skip_spaces(end);
    }
    copy_str(m->args, sizeof(m->args), s, BOOT_CMDLINE_MAX);
}

static void set_cmdline(struct boot_info *bi, const char *raw)
{
    const char *s = skip_spaces(raw);

    if (loader_includes_filename(bi)) {
        while (*s && *s != ' ' && *s != '\t')
            s++;
        s = skip_spaces(s);
    }
    copy_str(bi->cmdline, sizeof(bi->cmdline), s, BOOT_CMDLINE_MAX);
}

static void add_mem(struct boot_info *bi, u64 base, u64 size, u32 type)
{
    if (size == 0 || bi->nr_mem >= BOOT_MAX_MEMRANGES)
        return;
    bi->mem[bi->nr_mem].base = base;
    bi->mem[bi->nr_mem].size = size;
    bi->mem[bi->nr_mem].type = type;
    bi->nr_mem++;
}

static int parse_mb1(u64 info_pa, boot_phys_fn phys, struct boot_info *bi)
{
    const struct mb1_info *mbi = phys(info_pa, sizeof(*mbi));
    static char raw[BOOT_CMDLINE_MAX];

    if (!mbi)
        return -EINVAL;
    bi->multiboot_version = 1;
    bi->info_start = info_pa;
    bi->info_end = info_pa + sizeof(*mbi);

    if (mbi->flags & MB1_FLAG_LOADER)
        copy_phys_str(phys, mbi->boot_loader_name, bi->loader_name, sizeof(bi->loader_name));
    if (mbi->flags & MB1_FLAG_CMDLINE) {
        copy_phys_str(phys, mbi->cmdline, raw, sizeof(raw));
        set_cmdline(bi, raw);
    }

    if (mbi->flags & MB1_FLAG_MMAP) {
        const u8 *p = phys(mbi->mmap_addr, mbi->mmap_length);
        u32 off = 0;

        if (!p)
            return -EINVAL;
        /* Each entry: u32 size (excluding itself), u64 base, u64 length, u32 type. */
        while ((u64)off + 24 <= mbi->mmap_length) {
            u32 size = get_unaligned_u32(p + off);

            if (size < 20)
                return -EINVAL;
            add_mem(bi, get_unaligned_u64(p + off + 4), get_unaligned_u64(p + off + 12),
                    get_unaligned_u32(p + off + 20));
            if ((u64)size + 4 > mbi->mmap_length - off)
                break; /* claims to run past the map: nothing can follow it */
            off += size + 4;
        }
    } else if (mbi->flags & MB1_FLAG_MEM) {
        add_mem(bi, 0, (u64)mbi->mem_lower << 10, E820_RAM);
        add_mem(bi, 0x100000, (u64)mbi->mem_upper << 10, E820_RAM);
    }

    if (mbi->flags & MB1_FLAG_MODS) {
        const struct mb1_module *mods = phys(mbi->mods_addr, mbi->mods_count * sizeof(*mods));

        if (!mods && mbi->mods_count)
            return -EINVAL;
        for (u32 i = 0; i < mbi->mods_count && bi->nr_modules < BOOT_MAX_MODULES; i++) {
            struct boot_module *m = &bi->modules[bi->nr_modules++];

            m->start = mods[i].mod_start;
            m->end = mods[i].mod_end;
            copy_phys_str(phys, mods[i].string, raw, sizeof(raw));
            split_module_string(bi, raw, m);
        }
    }
    return 0;
}

static int parse_mb2(u64 info_pa, boot_phys_fn phys, struct boot_info *bi)
{
    const u8 *hdr = phys(info_pa, 8);
    const u8 *base;
    u32 total, off;
    const char *cmdline = NULL;
    static char raw[BOOT_CMDLINE_MAX];

    if (!hdr)
        return -EINVAL;
    total = get_unaligned_u32(hdr);
    if (total < 16 || total > (1u << 24))
        return -EINVAL;
    base = phys(info_pa, total);
    if (!base)
        return -EINVAL;
    bi->multiboot_version = 2;
    bi->info_start = info_pa;
    bi->info_end = info_pa + total;

    /* Loader name first: it decides how command lines are split. */
    for (int pass = 0; pass < 2; pass++) {
        for (off = 8; off + 8 <= total;) {
            u32 type = get_unaligned_u32(base + off), size = get_unaligned_u32(base + off + 4);
            const u8 *t = base + off;

            if (type == MB2_TAG_END)
                break;
            if (size < 8 || size > total - off)
                return -EINVAL;
            if (pass == 0) {
                if (type == MB2_TAG_LOADER)
                    copy_str(bi->loader_name, sizeof(bi->loader_name), (const char *)t + 8,
                             size - 8);
            } else {
                switch (type) {
                case MB2_TAG_CMDLINE:
                    cmdline = (const char *)t + 8;
                    copy_str(raw, sizeof(raw), cmdline, size - 8);
                    set_cmdline(bi, raw);
                    break;
                case MB2_TAG_MODULE:
                    if (size >= 16 && bi->nr_modules < BOOT_MAX_MODULES) {
                        struct boot_module *m = &bi->modules[bi->nr_modules++];

                        m->start = get_unaligned_u32(t + 8);
                        m->end = get_unaligned_u32(t + 12);
                        copy_str(raw, sizeof(raw), (const char *)t + 16, size - 16);
                        split_module_string(bi, raw, m);
                    }
                    break;
                case MB2_TAG_MMAP: {
                    u32 esize = size >= 16 ? get_unaligned_u32(t + 8) : 0;

                    if (esize < 20)
                        return -EINVAL;
                    for (u32 e = 16; e + esize <= size; e += esize)
                        add_mem(bi, get_unaligned_u64(t + e), get_unaligned_u64(t + e + 8),
                                get_unaligned_u32(t + e + 16));
                    break;
                }
                case MB2_TAG_ACPI_OLD:
                case MB2_TAG_ACPI_NEW:
                    /* Prefer the ACPI 2.0 copy if both are present. */
                    if (size > 8 && (!bi->has_rsdp || type == MB2_TAG_ACPI_NEW)) {
                        size_t n = size - 8 < sizeof(bi->rsdp) ? size - 8 : sizeof(bi->rsdp);
                        memset(bi->rsdp, 0, sizeof(bi->rsdp));
                        memcpy(bi->rsdp, t + 8, n);
                        bi->has_rsdp = true;
                    }
                    break;
                default:
                    break;
                }
            }
            off += (size + 7) & ~7u;
        }
    }
    return 0;
}

int bootinfo_parse(u32 magic, u64 info_pa, boot_phys_fn phys, struct boot_info *bi)
{
    memset(bi, 0, sizeof(*bi));
    if (magic == MULTIBOOT1_BOOTLOADER_MAGIC)
        return parse_mb1(info_pa, phys, bi);
    if (magic == MULTIBOOT2_BOOTLOADER_MAGIC)
        return parse_mb2(info_pa, phys, bi);
    return -EINVAL;
}
