/*
 * Software timers. Each CPU keeps its timers in a deadline heap and arms
 * its LAPIC timer for the earliest one; a timer's callback runs in
 * interrupt context (IRQs off) on the CPU the timer belongs to, at or
 * after its deadline (never before). Callbacks may re-arm their own timer
 * or any other. All functions may be called from any context and CPU.
 *
 *   init_timer(&t, fn, data, cpu);   // once; bound to cpu
 *   set_timer(&t, NOW() + MILLISECS(10));
 *   stop_timer(&t);                  // no-op if not pending
 *   migrate_timer(&t, other_cpu);    // keeps a pending deadline
 *   kill_timer(&t);                  // stop and wait for a running callback
 *
 * Cost: O(log n) to set, stop or fire with n timers on a CPU; the heap
 * grows on demand (if memory runs out, timers go on a slower list and are
 * still honoured).
 */
#ifndef LARES_TIMER_H
#define LARES_TIMER_H

#include <lares/time.h>
#include <lares/timer_heap.h>
#include <lares/types.h>

struct timer {
    struct heap_node node; /* key: the deadline, ns of system time */
    void (*fn)(void *data);
    void *data;
    unsigned int cpu;        /* the CPU whose queue holds it */
    u8 status;               /* private: TIMER_* in timer.c */
    struct timer *list_next; /* private: overflow list */
};

void init_timer(struct timer *t, void (*fn)(void *data), void *data, unsigned int cpu);
void set_timer(struct timer *t, s_time_t expires);
void stop_timer(struct timer *t);
void migrate_timer(struct timer *t, unsigned int new_cpu);
void kill_timer(struct timer *t);

bool timer_is_pending(const struct timer *t);

static inline s_time_t timer_expires(const struct timer *t)
{
    return t->node.key;
}

/* Boot CPU, once time is up: set up every CPU's queue. */
void timers_init(void);

/* Each CPU, once its LAPIC is up: start honouring its queue. */
void timer_cpu_init(void);

/* Called by the arch timer interrupt (LOCAL_TIMER_VECTOR) after EOI. */
void timer_interrupt(void);

/*
 * Arch hooks (hv/arch/x86/timer_irq.c): install the interrupt handler; arm
 * this CPU's hardware; make another CPU run timer_interrupt().
 */
void arch_timers_init(void);
void arch_timer_program(s_time_t deadline);
void arch_timer_kick(unsigned int cpu);

#endif
