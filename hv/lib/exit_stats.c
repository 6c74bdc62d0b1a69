/* VM exit counters: totals and the most frequent reasons (see lares/exit_stats.h). */
#include <lares/exit_stats.h>

u64 exit_stats_total(const struct exit_stats *s)
{
    u64 total = 0;

    for (unsigned i = 0; i < EXIT_STATS_SLOTS; i++)
        total += __atomic_load_n(&s->count[i], __ATOMIC_RELAXED);
    return total;
}

unsigned exit_stats_top(const struct exit_stats *s, unsigned k, unsigned *slots)
{
    unsigned n = 0;

    /* k passes over a few hundred counters: simple, and only for reports. */
    while (n < k) {
        unsigned best = EXIT_STATS_SLOTS;
        u64 best_count = 0;

        for (unsigned i = 0; i < EXIT_STATS_SLOTS; i++) {
            u64 c = __atomic_load_n(&s->count[i], __ATOMIC_RELAXED);
            bool taken = false;

            for (unsigned j = 0; j < n; j++)
                taken |= slots[j] == i;
            if (!taken && c > best_count) {
                best = i;
                best_count = c;
            }
        }
        if (best == EXIT_STATS_SLOTS)
            break;
        slots[n++] = best;
    }
    return n;
}
