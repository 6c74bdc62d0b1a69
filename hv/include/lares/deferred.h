/*
 * Deferred work: jobs too long for the context that discovers them
 * (an interrupt handler, a timer callback, the scheduler's release path
 * with interrupts off), run later by the scheduler loop of whichever CPU
 * passes through it next, with interrupts on and no locks held. Rebuilding
 * a rebooted domain (hundreds of milliseconds of page zeroing) is one.
 *
 *   static struct deferred_work w;
 *   deferred_work_init(&w, fn, data);   // once
 *   defer_work(&w);                     // from any context; a queued job is not queued twice
 *
 * The job runs once per defer_work() that found it idle; it may queue
 * itself again. Jobs run in the order they were queued, one at a time.
 */
#ifndef LARES_DEFERRED_H
#define LARES_DEFERRED_H

#include <lares/list.h>
#include <lares/types.h>

struct deferred_work {
    struct list_head list;
    void (*fn)(void *data);
    void *data;
    bool queued;
};

void deferred_work_init(struct deferred_work *w, void (*fn)(void *data), void *data);

/* Queue w. False if it was queued already (it will still run once). */
bool defer_work(struct deferred_work *w);

/*
 * Whether jobs wait for a CPU: queued, and no CPU running jobs already (an
 * idle CPU looks before it halts).
 */
bool deferred_work_pending(void);

/* Run queued jobs (scheduler loop: interrupts on, no locks held). Cheap when idle. */
void deferred_work_run(void);

#endif
