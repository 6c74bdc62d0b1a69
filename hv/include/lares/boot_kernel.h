/*
 * The kernel image a boot-time domain is built from (hv/common/boot_kernel.c):
 * the boot module itself if it is an ELF file, or the ELF kernel inside it
 * if it is a bzImage, decompressed once into pages of its own and shared by
 * every domain that names that module, until the last of them is gone.
 */
#ifndef LARES_BOOT_KERNEL_H
#define LARES_BOOT_KERNEL_H

#include <lares/bootinfo.h>
#include <lares/types.h>

/*
 * The ELF image for boot module index mod (m is its descriptor), for the
 * domain called name (for the log), counted as one more user of it.
 * 0 with the image and its size, or a negative errno with *why (then not counted).
 */
int boot_kernel_get(unsigned mod, const struct boot_module *m, const char *name, const void **image,
                    size_t *size, const char **why);

/* One user of module mod's image is gone for good: the last one frees a decompressed copy. */
void boot_kernel_put(unsigned mod);

#endif
