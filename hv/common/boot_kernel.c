/*
 * Kernel images for boot-time domains (lares/boot_kernel.h).
 *
 * A bzImage is decompressed when the first domain that names it is built,
 * into exactly as many contiguous pages as the kernel needs, and kept
 * while any domain built from it may still be restarted: a reboot then
 * costs no second decompression (several seconds under emulation). The
 * copy is about as large as the vmlinux a domain would otherwise be given
 * as its module (which stays in memory for the same reason); it is freed
 * when the last domain using it has ended for good, before the boot-domain
 * code checks that all memory came back.
 */
#include <lares/boot_kernel.h>
#include <lares/console.h>
#include <lares/errno.h>
#include <lares/format.h>
#include <lares/kernel_unpack.h>
#include <lares/mm.h>
#include <lares/spinlock.h>
#include <lares/string.h>
#include <lares/time.h>

struct unpacked {
    void *elf;      /* decompressed kernel, NULL if the module is used as it is */
    size_t size;    /* its bytes */
    u64 pages;      /* its pages (alloc_pages_exact) */
    unsigned users; /* domains that hold it */
    int failed;     /* a bzImage that could not be unpacked: the error, for later users */
    char why[200];  /* and why */
};

static struct unpacked unpacked[BOOT_MAX_MODULES];
static DEFINE_SPINLOCK(unpack_lock);

static bool is_elf(const u8 *p, size_t len)
{
    return len >= 4 && p[0] == 0x7f && p[1] == 'E' && p[2] == 'L' && p[3] == 'F';
}

/* Tenths, for "7.7 MiB" and "1.9 s" without floating point. */
static void tenths(u64 value, u64 unit, u64 *whole, u64 *tenth)
{
    u64 t = (value * 10 + unit / 2) / unit;

    *whole = t / 10;
    *tenth = t % 10;
}

static int unpack(struct unpacked *u, const u8 *img, size_t len, const char *name)
{
    struct xz_decoder *dec = xmalloc(sizeof(*dec));
    struct kernel_unpack *ku = xmalloc(sizeof(*ku));
    s_time_t t0 = NOW();
    u64 in_mib, in_t, out_mib, out_t, s, s_t;
    int rc = -ENOMEM;

    if (!dec || !ku) {
        format(u->why, sizeof(u->why), "out of memory for the bzImage decoder");
        goto out;
    }
    rc = kernel_unpack_inspect(img, len, dec, ku);
    if (rc) {
        format(u->why, sizeof(u->why), "%s", ku->why);
        goto out;
    }
    u->pages = PFN_UP(ku->size);
    u->elf = alloc_pages_exact(u->pages);
    if (!u->elf) {
        rc = -ENOMEM;
        format(u->why, sizeof(u->why),
               "bzImage: no %llu MiB of contiguous free memory to decompress the kernel into",
               (unsigned long long)((ku->size + (1 << 20) - 1) >> 20));
        goto out;
    }
    rc = kernel_unpack_decode(ku, dec, u->elf);
    if (rc) {
        format(u->why, sizeof(u->why), "%s", ku->why);
        free_pages_exact(u->elf, u->pages);
        u->elf = NULL;
        goto out;
    }
    u->size = (size_t)ku->size;
    tenths(ku->stream_len, 1 << 20, &in_mib, &in_t);
    tenths(ku->size, 1 << 20, &out_mib, &out_t);
    tenths((u64)(NOW() - t0), SECONDS(1), &s, &s_t);
    printk("domain %s: kernel: bzImage %s, xz %llu.%llu MiB -> %llu.%llu MiB in %llu.%llu s\n",
           name, ku->release[0] ? ku->release : "(no version string)", (unsigned long long)in_mib,
           (unsigned long long)in_t, (unsigned long long)out_mib, (unsigned long long)out_t,
           (unsigned long long)s, (unsigned long long)s_t);
    if (ku->unchecked)
        pr_warn("domain %s: kernel: the xz payload's SHA-256 check was not verified\n", name);
out:
    xfree(ku);
    xfree(dec);
    return rc;
}

int boot_kernel_get(unsigned mod, const struct boot_module *m, const char *name, const void **image,
                    size_t *size, const char **why)
{
    const u8 *img = phys_to_virt(m->start);
    size_t len = m->end - m->start;
    struct unpacked *u;
    unsigned long flags;

    if (mod >= BOOT_MAX_MODULES) {
        *why = "no such boot module";
        return -EINVAL;
    }
    u = &unpacked[mod];
    if (is_elf(img, len)) {
        *image = img;
        *size = len;
        return 0;
    }
    if (!bzimage_probe(img, len)) {
        *why = "the kernel module is neither an ELF file nor a bzImage";
        return -ENOEXEC;
    }
    /*
     * Only the boot CPU builds domains for the first time (restarts keep
     * what they got), so two callers never unpack at once.
     */
    if (!u->elf && !u->failed) {
        int rc = unpack(u, img, len, name);

        if (rc)
            u->failed = rc;
    } else if (u->elf) {
        printk("domain %s: kernel: bzImage decompressed already, shared\n", name);
    }
    if (u->failed) {
        *why = u->why;
        return u->failed;
    }
    spin_lock_irqsave(&unpack_lock, flags);
    u->users++;
    spin_unlock_irqrestore(&unpack_lock, flags);
    *image = u->elf;
    *size = u->size;
    return 0;
}

void boot_kernel_put(unsigned mod)
{
    struct unpacked *u;
    unsigned long flags;
    void *elf = NULL;
    u64 pages = 0;

    if (mod >= BOOT_MAX_MODULES)
        return;
    u = &unpacked[mod];
    spin_lock_irqsave(&unpack_lock, flags);
    if (u->elf && u->users && !--u->users) {
        elf = u->elf;
        pages = u->pages;
        u->elf = NULL;
    }
    spin_unlock_irqrestore(&unpack_lock, flags);
    if (elf) {
        free_pages_exact(elf, pages);
        printk("boot kernels: freed the decompressed kernel of module %u (%llu pages)\n", mod,
               (unsigned long long)pages);
    }
}
