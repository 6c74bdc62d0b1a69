/*
 * Function-symbol tables for backtraces (lookup is pure; unit-tested on
 * the host). The build links the hypervisor twice: the table is generated
 * from the first link's function symbols (hv/tools/mksymtab.py) and placed
 * in .rodata.symtab, after .text, so code addresses are the same in the
 * final image; the build checks that they are.
 *
 * Layout, all little-endian:
 *   struct symtab_header;
 *   struct symtab_entry entries[count];   sorted by start
 *   char names[];                          NUL-terminated strings
 */
#ifndef LARES_SYMTAB_H
#define LARES_SYMTAB_H

#include <lares/types.h>

struct symtab_header {
    u64 base;      /* entry starts are offsets from this address */
    u32 count;
    u32 names_off; /* from the start of the header */
};

struct symtab_entry {
    u32 start; /* offset from base */
    u32 size;  /* bytes */
    u32 name;  /* offset into names */
};

struct symbol {
    const char *name;
    u64 start;
    u64 size;
};

/*
 * Find the function containing addr in the table at [table, table+len).
 * Returns false if there is none (or the table is malformed); names are
 * never read past the table's end.
 */
bool symtab_lookup(const void *table, size_t len, u64 addr, struct symbol *sym);

#endif
