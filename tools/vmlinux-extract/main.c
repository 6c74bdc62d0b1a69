/*
 * vmlinux-extract: turn an x86 bzImage (e.g. Debian's vmlinuz) into the ELF
 * vmlinux that a PVH loader boots, checking every step on the way.
 *
 * usage: vmlinux-extract [-q] BZIMAGE OUTPUT
 * Exit codes are the values of enum vx_status (status.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bzimage.h"
#include "decompress.h"
#include "elfinfo.h"
#include "status.h"

static const char *prog = "vmlinux-extract";

static enum vx_status read_file(const char *path, struct buf *b, struct vx_error *err)
{
    FILE *f = fopen(path, "rb");
    size_t n;

    if (!f)
        return vx_fail(err, VX_USAGE, "cannot open %s: %s", path, strerror(errno));
    for (;;) {
        if (b->len == b->cap) {
            size_t cap = b->cap ? b->cap * 2 : (16u << 20);
            uint8_t *p = realloc(b->data, cap);

            if (!p) {
                fclose(f);
                return vx_fail(err, VX_USAGE, "out of memory reading %s", path);
            }
            b->data = p;
            b->cap = cap;
        }
        n = fread(b->data + b->len, 1, b->cap - b->len, f);
        b->len += n;
        if (n == 0)
            break;
    }
    if (ferror(f)) {
        fclose(f);
        return vx_fail(err, VX_USAGE, "cannot read %s: %s", path, strerror(errno));
    }
    fclose(f);
    return VX_OK;
}

/* Write to a temporary name first so a failed run never leaves a partial vmlinux. */
static enum vx_status write_file(const char *path, const uint8_t *data, size_t len,
                                 struct vx_error *err)
{
    size_t tlen = strlen(path) + 8;
    char *tmp = malloc(tlen);
    FILE *f;
    enum vx_status rc = VX_OK;

    if (!tmp)
        return vx_fail(err, VX_USAGE, "out of memory");
    snprintf(tmp, tlen, "%s.tmp", path);
    f = fopen(tmp, "wb");
    if (!f) {
        rc = vx_fail(err, VX_USAGE, "cannot create %s: %s", tmp, strerror(errno));
        goto out;
    }
    if (fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        rc = vx_fail(err, VX_USAGE, "cannot write %s: %s", tmp, strerror(errno));
        unlink(tmp);
        goto out;
    }
    if (rename(tmp, path) != 0) {
        rc = vx_fail(err, VX_USAGE, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
        unlink(tmp);
    }
out:
    free(tmp);
    return rc;
}

static void usage(FILE *to)
{
    fprintf(to,
            "usage: %s [-q] BZIMAGE OUTPUT\n"
            "Extract the ELF vmlinux from an x86 bzImage (xz, lzma, zstd, lz4 or gzip payload)\n"
            "and check it has a Xen PVH entry note.\n"
            "  -q  print nothing on success\n"
            "exit: 0 ok, 1 usage/IO error, 2 not a bzImage, 3 boot protocol < 2.08,\n"
            "      4 unsupported compression, 5 corrupt payload, 6 output not an ELF64 x86-64,\n"
            "      7 ELF has no Xen PHYS32_ENTRY (PVH) note\n",
            prog);
}

static enum vx_status extract(const char *in, const char *out, bool quiet, struct vx_error *err)
{
    struct buf image = {0}, elf = {0};
    struct bzimage bz;
    struct elf_info info;
    enum bzimage_codec codec;
    enum vx_status rc;

    rc = read_file(in, &image, err);
    if (rc)
        goto out;
    rc = bzimage_parse(image.data, image.len, &bz, err);
    if (rc)
        goto out;
    codec = bzimage_codec_detect(bz.payload, bz.payload_length);
    rc = decompress_payload(codec, bz.payload, bz.payload_length, &elf, err);
    if (rc)
        goto out;
    rc = elf_inspect(elf.data, elf.len, &info, err);
    if (rc)
        goto out;
    if (!info.has_pvh_entry) {
        rc = vx_fail(err, VX_NO_PVH_NOTE,
                     "vmlinux has no Xen PHYS32_ENTRY note (type %d): kernel built without "
                     "CONFIG_PVH, it cannot boot as a PVH guest",
                     XEN_ELFNOTE_PHYS32_ENTRY);
        goto out;
    }
    /* What follows the ELF is the decompressor's relocation table: not ours to keep. */
    rc = write_file(out, elf.data, info.extent, err);
    if (rc)
        goto out;
    if (!quiet)
        printf("%s: %s: boot protocol %u.%02u, %s payload of %u bytes at %#llx\n"
               "%s: %s: ELF64 x86-64, %llu bytes (%zu trailing bytes dropped), "
               "Xen PVH entry (PHYS32_ENTRY note) %#llx\n",
               prog, in, bz.version >> 8, bz.version & 0xff, bzimage_codec_name(codec),
               bz.payload_length, (unsigned long long)bz.payload_start, prog, out,
               (unsigned long long)info.extent, elf.len - (size_t)info.extent,
               (unsigned long long)info.pvh_entry);
out:
    free(image.data);
    free(elf.data);
    return rc;
}

int main(int argc, char **argv)
{
    struct vx_error err = {{0}};
    bool quiet = false;
    enum vx_status rc;
    int opt;

    while ((opt = getopt(argc, argv, "qh")) != -1) {
        switch (opt) {
        case 'q':
            quiet = true;
            break;
        case 'h':
            usage(stdout);
            return VX_OK;
        default:
            usage(stderr);
            return VX_USAGE;
        }
    }
    if (argc - optind != 2) {
        usage(stderr);
        return VX_USAGE;
    }
    rc = extract(argv[optind], argv[optind + 1], quiet, &err);
    if (rc)
        fprintf(stderr, "%s: %s: %s\n", prog, argv[optind], err.msg);
    return rc;
}
