/*
 * Ticket spinlocks. Locks are fair (FIFO). The _irqsave variants must be
 * used for any lock that an interrupt handler may also take.
 */
#ifndef LARES_SPINLOCK_H
#define LARES_SPINLOCK_H

#include <lares/types.h>
#include <asm/cpu.h>

typedef struct spinlock {
    u32 next;  /* next ticket to hand out */
    u32 owner; /* ticket currently allowed in */
} spinlock_t;

#define SPINLOCK_INIT { 0, 0 }
#define DEFINE_SPINLOCK(name) spinlock_t name = SPINLOCK_INIT

static inline void spin_lock_init(spinlock_t *l)
{
    l->next = 0;
    l->owner = 0;
}

static inline void spin_lock(spinlock_t *l)
{
    u32 ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

    while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket)
        cpu_relax();
}

static inline bool spin_trylock(spinlock_t *l)
{
    u32 owner = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
    u32 expected = owner;

    return __atomic_compare_exchange_n(&l->next, &expected, owner + 1, false,
                                       __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static inline void spin_unlock(spinlock_t *l)
{
    __atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
}

static inline bool spin_is_locked(const spinlock_t *l)
{
    return __atomic_load_n(&l->next, __ATOMIC_RELAXED) !=
           __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
}

#define spin_lock_irqsave(l, flags)      \
    do {                                 \
        (flags) = local_irq_save();      \
        spin_lock(l);                    \
    } while (0)

#define spin_unlock_irqrestore(l, flags) \
    do {                                 \
        spin_unlock(l);                  \
        local_irq_restore(flags);        \
    } while (0)

#endif
