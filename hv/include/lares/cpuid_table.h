/*
 * A table of raw CPUID results: what the host CPU reports, collected once
 * at boot (or captured from QEMU for unit tests), input to the guest CPUID
 * policy (lares/cpuid_policy.h).
 */
#ifndef LARES_CPUID_TABLE_H
#define LARES_CPUID_TABLE_H

#include <lares/types.h>

struct cpuid_leaf {
    u32 leaf, subleaf;
    u32 a, b, c, d;
};

#define CPUID_TABLE_MAX 160

struct cpuid_table {
    unsigned int nr;
    struct cpuid_leaf l[CPUID_TABLE_MAX];
};

/* Execute CPUID(leaf, subleaf): regs = { eax, ebx, ecx, edx }. */
typedef void (*cpuid_insn_fn)(u32 leaf, u32 subleaf, u32 regs[4]);

/* Does this leaf take a sub-leaf in ECX? (Otherwise subleaf is ignored.) */
bool cpuid_leaf_has_subleaves(u32 leaf);

/*
 * Fill t by executing the basic leaves 0..min(max, 0x20), their
 * sub-leaves, and the extended leaves 0x80000000..min(max, 0x80000028).
 * Returns 0, or -ENOSPC if t is full (t then holds what fitted).
 */
int cpuid_table_collect(struct cpuid_table *t, cpuid_insn_fn cpuid);

/* The entry for (leaf, subleaf), or NULL. subleaf is ignored where unused. */
const struct cpuid_leaf *cpuid_table_find(const struct cpuid_table *t, u32 leaf, u32 subleaf);

#endif
