/*
 * Memory-map sanitising (pure; unit-tested on the host).
 *
 * Firmware maps may be unsorted, contain zero-length entries, repeat
 * ranges or overlap. memmap_sanitise() turns such a list into sorted,
 * non-overlapping ranges where neighbours of the same type are merged.
 * Where entries overlap, the most restrictive type wins:
 *
 *   RAM < ACPI (reclaimable) < NVS < unusable < reserved and unknown types
 *
 * so memory is only ever treated as RAM if nothing else claims it.
 */
#ifndef LARES_MEMMAP_H
#define LARES_MEMMAP_H

#include <lares/bootinfo.h>
#include <lares/types.h>

/*
 * Sanitise in[0..n) into out[0..max_out). Returns the number of ranges
 * written, or -ENOSPC if out is too small. in and out must not overlap.
 * 2 * n ranges always suffice.
 */
int memmap_sanitise(const struct boot_memrange *in, unsigned int n, struct boot_memrange *out,
                    unsigned int max_out);

/* A short name for an E820 type ("RAM", "reserved", "ACPI", ...). */
const char *memmap_type_name(u32 type);

/* How restrictive a type is (higher wins an overlap). */
unsigned int memmap_type_rank(u32 type);

#endif
