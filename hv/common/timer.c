/*
 * Software timers (lares/timer.h). Per-CPU queue: a deadline heap under a
 * spinlock, plus an unsorted overflow list used only if growing the heap
 * fails. The CPU owning a queue keeps its LAPIC timer armed for the
 * earliest deadline; another CPU that makes a new earliest deadline sends
 * it a kick (the timer vector as an IPI) and the owner re-arms.
 *
 * Lock order: a queue lock before the heap allocator's; two queue locks
 * (migrate_timer) in CPU order.
 */
#include <lares/console.h>
#include <lares/lib.h>
#include <lares/mm.h>
#include <lares/spinlock.h>
#include <lares/timer.h>
#include <asm/cpu.h>
#include <asm/percpu.h>

#define TIMER_INACTIVE 0
#define TIMER_IN_HEAP 1
#define TIMER_IN_LIST 2

#define HEAP_INITIAL_SLOTS 32

struct timer_queue {
    spinlock_t lock;
    struct timer_heap heap;
    struct heap_node *initial_slots[HEAP_INITIAL_SLOTS];
    struct timer *overflow; /* timers the heap had no room for */
    unsigned int nr_overflow;
    struct timer *running; /* callback in progress, if any */
    s_time_t programmed;   /* what the hardware is armed for (owner only) */
    bool hw_ready;         /* the owner's LAPIC is up */
};

static struct timer_queue queues[MAX_CPUS];

static struct timer *node_timer(struct heap_node *nd)
{
    return nd ? container_of(nd, struct timer, node) : NULL;
}

/* Double the slot array; false if memory is short. */
static bool grow_heap(struct timer_queue *q)
{
    unsigned cap = q->heap.cap * 2;
    struct heap_node **old = q->heap.slot, **slots = xmalloc(sizeof(*slots) * cap);

    if (!slots)
        return false;
    timer_heap_move(&q->heap, slots, cap);
    if (old != q->initial_slots)
        xfree(old);
    return true;
}

static void enqueue(struct timer_queue *q, struct timer *t)
{
    if (timer_heap_insert(&q->heap, &t->node, t->node.key) ||
        (grow_heap(q) && timer_heap_insert(&q->heap, &t->node, t->node.key))) {
        t->status = TIMER_IN_HEAP;
        return;
    }
    t->list_next = q->overflow;
    q->overflow = t;
    q->nr_overflow++;
    t->status = TIMER_IN_LIST;
}

static void dequeue(struct timer_queue *q, struct timer *t)
{
    if (t->status == TIMER_IN_HEAP) {
        timer_heap_remove(&q->heap, &t->node);
    } else if (t->status == TIMER_IN_LIST) {
        struct timer **pp = &q->overflow;

        while (*pp != t)
            pp = &(*pp)->list_next;
        *pp = t->list_next;
        q->nr_overflow--;
    }
    t->status = TIMER_INACTIVE;
}

static struct timer *earliest(struct timer_queue *q)
{
    struct timer *best = node_timer(timer_heap_min(&q->heap));

    for (struct timer *t = q->overflow; t; t = t->list_next)
        if (!best || t->node.key < best->node.key)
            best = t;
    return best;
}

/* Owner only: arm the hardware for the earliest deadline if it is not already. */
static void reprogram(struct timer_queue *q)
{
    struct timer *first = earliest(q);
    s_time_t when = first ? first->node.key : STIME_MAX;

    if (!q->hw_ready || when >= q->programmed)
        return;
    q->programmed = when;
    arch_timer_program(when);
}

/* After t was queued on q: make sure the owner's hardware will fire for it. */
static void notify_owner(struct timer_queue *q, unsigned int cpu, struct timer *t)
{
    if (cpu == smp_processor_id())
        reprogram(q);
    else if (q->hw_ready && earliest(q) == t)
        arch_timer_kick(cpu);
}

/* Lock the queue t belongs to, following migrations that race with us. */
static struct timer_queue *lock_timer(struct timer *t, unsigned long *flags)
{
    for (;;) {
        unsigned int cpu = READ_ONCE(t->cpu);
        struct timer_queue *q = &queues[cpu];

        spin_lock_irqsave(&q->lock, *flags);
        if (cpu == READ_ONCE(t->cpu))
            return q;
        spin_unlock_irqrestore(&q->lock, *flags);
    }
}

void init_timer(struct timer *t, void (*fn)(void *data), void *data, unsigned int cpu)
{
    ASSERT(cpu < MAX_CPUS);
    t->node.key = 0;
    t->node.pos = 0;
    t->fn = fn;
    t->data = data;
    t->cpu = cpu;
    t->status = TIMER_INACTIVE;
    t->list_next = NULL;
}

void set_timer(struct timer *t, s_time_t expires)
{
    unsigned long flags;
    struct timer_queue *q = lock_timer(t, &flags);

    if (t->status == TIMER_IN_HEAP) {
        timer_heap_update(&q->heap, &t->node, expires);
    } else {
        dequeue(q, t);
        t->node.key = expires;
        enqueue(q, t);
    }
    notify_owner(q, t->cpu, t);
    spin_unlock_irqrestore(&q->lock, flags);
}

void stop_timer(struct timer *t)
{
    unsigned long flags;
    struct timer_queue *q = lock_timer(t, &flags);

    /* The hardware may still fire for it: the interrupt then finds nothing due. */
    dequeue(q, t);
    spin_unlock_irqrestore(&q->lock, flags);
}

bool timer_is_pending(const struct timer *t)
{
    return READ_ONCE(t->status) != TIMER_INACTIVE;
}

void migrate_timer(struct timer *t, unsigned int new_cpu)
{
    unsigned long flags;
    struct timer_queue *from, *to;
    unsigned int old_cpu;
    bool pending;

    ASSERT(new_cpu < MAX_CPUS);
    for (;;) {
        old_cpu = READ_ONCE(t->cpu);
        if (old_cpu == new_cpu)
            return;
        from = &queues[old_cpu];
        to = &queues[new_cpu];
        flags = local_irq_save();
        spin_lock(old_cpu < new_cpu ? &from->lock : &to->lock);
        spin_lock(old_cpu < new_cpu ? &to->lock : &from->lock);
        if (READ_ONCE(t->cpu) == old_cpu)
            break;
        spin_unlock(&from->lock);
        spin_unlock(&to->lock);
        local_irq_restore(flags);
    }
    pending = t->status != TIMER_INACTIVE;
    dequeue(from, t);
    WRITE_ONCE(t->cpu, new_cpu);
    if (pending) {
        enqueue(to, t);
        notify_owner(to, new_cpu, t);
    }
    spin_unlock(&to->lock);
    spin_unlock(&from->lock);
    local_irq_restore(flags);
}

void kill_timer(struct timer *t)
{
    unsigned int cpu;

    stop_timer(t);
    cpu = READ_ONCE(t->cpu);
    /* A callback cannot wait for itself to finish. */
    ASSERT(!(cpu == smp_processor_id() && READ_ONCE(queues[cpu].running) == t));
    while (READ_ONCE(queues[cpu].running) == t)
        cpu_relax();
}

void timer_interrupt(void)
{
    struct timer_queue *q = &queues[smp_processor_id()];
    s_time_t now = NOW();
    struct timer *t;
    unsigned int budget;

    spin_lock(&q->lock);
    q->programmed = STIME_MAX;
    /*
     * At most as many callbacks as there were timers when we started: one
     * that keeps re-arming itself in the past is run again by the next
     * interrupt, so it cannot hold this CPU in here forever.
     */
    budget = q->heap.n + q->nr_overflow;
    while (budget && (t = earliest(q))) {
        /* Time moves while callbacks run: look again before leaving. */
        if (t->node.key > now && t->node.key > (now = NOW()))
            break;
        budget--;
        dequeue(q, t);
        q->running = t;
        spin_unlock(&q->lock);
        t->fn(t->data);
        spin_lock(&q->lock);
        q->running = NULL;
    }
    reprogram(q);
    spin_unlock(&q->lock);
}

void timers_init(void)
{
    for (unsigned int i = 0; i < MAX_CPUS; i++) {
        struct timer_queue *q = &queues[i];

        spin_lock_init(&q->lock);
        timer_heap_init(&q->heap, q->initial_slots, HEAP_INITIAL_SLOTS);
        q->programmed = STIME_MAX;
    }
    arch_timers_init();
}

void timer_cpu_init(void)
{
    struct timer_queue *q = &queues[smp_processor_id()];
    unsigned long flags;

    spin_lock_irqsave(&q->lock, flags);
    q->hw_ready = true;
    q->programmed = STIME_MAX;
    reprogram(q);
    spin_unlock_irqrestore(&q->lock, flags);
}
