/* Deferred work (see lares/deferred.h). */
#include <lares/deferred.h>
#include <lares/spinlock.h>

static LIST_HEAD(queue);
static DEFINE_SPINLOCK(queue_lock);
/*
 * Both flags change under queue_lock. The runner also takes the jobs queued
 * while it runs, and clears both only once it has found the queue empty
 * under the lock, so no job is left queued with nobody to run it.
 */
static bool pending; /* queue non-empty: lets deferred_work_run() skip the lock */
static bool running; /* a CPU is running jobs: the others leave the queue to it */

void deferred_work_init(struct deferred_work *w, void (*fn)(void *data), void *data)
{
    INIT_LIST_HEAD(&w->list);
    w->fn = fn;
    w->data = data;
    w->queued = false;
}

bool defer_work(struct deferred_work *w)
{
    unsigned long flags;
    bool added = false;

    spin_lock_irqsave(&queue_lock, flags);
    if (!w->queued) {
        w->queued = true;
        list_add_tail(&w->list, &queue);
        __atomic_store_n(&pending, true, __ATOMIC_RELEASE);
        added = true;
    }
    spin_unlock_irqrestore(&queue_lock, flags);
    return added;
}

bool deferred_work_pending(void)
{
    /*
     * Work queued while another CPU runs jobs is that CPU's: an idle CPU
     * that woke for it would only find the queue taken and come straight
     * back -- a busy loop for as long as the job runs (seconds, for a
     * domain build), which starves the runner when the CPUs share a core
     * or, under QEMU, a single emulation thread.
     */
    return __atomic_load_n(&pending, __ATOMIC_ACQUIRE) &&
           !__atomic_load_n(&running, __ATOMIC_ACQUIRE);
}

void deferred_work_run(void)
{
    unsigned long flags;

    if (!__atomic_load_n(&pending, __ATOMIC_ACQUIRE))
        return;
    spin_lock_irqsave(&queue_lock, flags);
    if (running) {
        spin_unlock_irqrestore(&queue_lock, flags);
        return;
    }
    __atomic_store_n(&running, true, __ATOMIC_RELEASE);
    while (!list_empty(&queue)) {
        struct deferred_work *w = list_first_entry(&queue, struct deferred_work, list);

        list_del_init(&w->list);
        w->queued = false; /* the job may queue itself again */
        spin_unlock_irqrestore(&queue_lock, flags);
        w->fn(w->data);
        spin_lock_irqsave(&queue_lock, flags);
    }
    __atomic_store_n(&running, false, __ATOMIC_RELEASE);
    __atomic_store_n(&pending, false, __ATOMIC_RELEASE);
    spin_unlock_irqrestore(&queue_lock, flags);
}
