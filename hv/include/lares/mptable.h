/*
 * Intel MultiProcessor Specification 1.4 tables: the legacy way firmware
 * lists processors and IO-APICs, used only when there is no usable ACPI
 * MADT. Pure code over a boot_phys_fn, like lares/acpi.h.
 */
#ifndef LARES_MPTABLE_H
#define LARES_MPTABLE_H

#include <lares/bootinfo.h>
#include <lares/firmware.h>

#define MPF_LEN 16        /* floating pointer structure */
#define MPC_HEADER_LEN 44 /* configuration table header */

/*
 * Search for the "_MP_" floating pointer: the first KiB of the EBDA, the
 * last KiB of base memory (639 KiB), then 0xF0000-0xFFFFF. Returns 0 and
 * *pa, or -ENOENT.
 */
int mptable_find(boot_phys_fn phys, u64 *pa);

/*
 * Parse the configuration table the floating pointer at mpf_pa names into
 * *plat. Returns 0; -EOPNOTSUPP for a "default configuration" (no table,
 * a feature byte naming a fixed 2-CPU layout); -EINVAL for anything
 * malformed (checksums, lengths, unknown entry types, entries that run
 * past the table), leaving *plat empty.
 */
int mptable_parse(u64 mpf_pa, boot_phys_fn phys, struct fw_platform *plat);

#endif
