/*
 * A fake physical address space for parser tests, loaded from a
 * "physical memory image" (the .phys files in tests/unit/data, written by
 * scripts/capture-firmware-tables.py): records of (address, length, bytes).
 * phys_image_map() is a boot_phys_fn over the loaded image; ranges not
 * covered by one record return NULL, except inside the legacy BIOS area
 * (0x80000-0xFFFFF), which reads as zeroes the way an empty ROM area would
 * to a scanner.
 *
 * Each mapping is a fresh heap copy of exactly the bytes asked for, so
 * AddressSanitizer catches any read past the length a parser requested.
 */
#ifndef PHYS_IMAGE_H
#define PHYS_IMAGE_H

#include <lares/types.h>

/* Load a .phys file (path relative to the repository root); fails the test if unreadable. */
void phys_image_load(const char *path);

/* Add or replace a record (for hand-made and corrupted tables). */
void phys_image_put(u64 pa, const void *data, size_t len);

/* Pointer to the stored bytes of the record starting at pa (for corrupting them), or NULL. */
u8 *phys_image_record(u64 pa, size_t *len);

/* Forget all records and mappings. */
void phys_image_reset(void);

/* boot_phys_fn */
const void *phys_image_map(u64 pa, size_t len);

/* Number of phys_image_map() calls since the last reset. */
unsigned phys_image_map_calls(void);

#endif
