/*
 * VM exits counted by reason, per domain: where a guest's time in the
 * hypervisor goes (a Linux boot under TCG is dominated by a few reasons).
 * The arch code maps its exit codes to slots (EXIT_STATS_SLOTS of them);
 * this part is pure: counting is one atomic add, and the report picks the
 * most frequent slots.
 */
#ifndef LARES_EXIT_STATS_H
#define LARES_EXIT_STATS_H

#include <lares/types.h>

#define EXIT_STATS_SLOTS 0x102 /* exit codes 0x00-0xff, the nested page fault, everything else */
#define EXIT_STATS_SLOT_NPF 0x100
#define EXIT_STATS_SLOT_OTHER 0x101
#define EXIT_STATS_CODE_NPF 0x400 /* SVM's code (VT-x's basic exit reasons are all below 0x100) */
#define EXIT_STATS_TOP 5

/* The slot of a vendor exit code, and back (EXIT_STATS_SLOT_OTHER gives ~0). */
static inline unsigned exit_stats_slot(u64 code)
{
    if (code < 0x100)
        return (unsigned)code;
    return code == EXIT_STATS_CODE_NPF ? EXIT_STATS_SLOT_NPF : EXIT_STATS_SLOT_OTHER;
}

static inline u64 exit_stats_code(unsigned slot)
{
    if (slot < 0x100)
        return slot;
    return slot == EXIT_STATS_SLOT_NPF ? EXIT_STATS_CODE_NPF : ~0ull;
}

struct exit_stats {
    u64 count[EXIT_STATS_SLOTS];
};

static inline void exit_stats_add(struct exit_stats *s, unsigned slot)
{
    if (slot < EXIT_STATS_SLOTS)
        __atomic_fetch_add(&s->count[slot], 1, __ATOMIC_RELAXED);
}

u64 exit_stats_total(const struct exit_stats *s);

/*
 * The up to @k slots with the most exits, most first (ties: lower slot
 * first), skipping slots with none. Returns how many were written to @slots.
 */
unsigned exit_stats_top(const struct exit_stats *s, unsigned k, unsigned *slots);

#endif
