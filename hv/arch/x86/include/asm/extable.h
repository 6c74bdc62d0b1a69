/*
 * Exception fixups: an instruction that is allowed to fault is listed in
 * .ex_table with the address to continue at. A fault at a listed
 * instruction (in hypervisor mode) resumes at the fixup instead of being
 * fatal; the fixup code reports the failure to its caller.
 *
 * In inline assembly:
 *     "1: rdmsr\n2:\n"
 *     ".pushsection .text.fixup, \"ax\"\n"
 *     "3: mov $-14, %[rc]\n jmp 2b\n"
 *     ".popsection\n"
 *     _ASM_EXTABLE(1b, 3b)
 */
#ifndef ASM_EXTABLE_H
#define ASM_EXTABLE_H

#include <lares/types.h>

#define _ASM_EXTABLE(from, to)                  \
    ".pushsection .ex_table, \"a\"\n"           \
    ".balign 8\n"                               \
    ".quad " #from ", " #to "\n"                \
    ".popsection\n"

struct exception_table_entry {
    u64 insn;
    u64 fixup;
};

/* The fixup address for a faulting rip, or 0 if the instruction has none. */
u64 search_exception_table(u64 rip);

/* Read 8 bytes that may not be mapped: 0, or -EFAULT without faulting. */
int probe_read_u64(const void *addr, u64 *val);

#endif
