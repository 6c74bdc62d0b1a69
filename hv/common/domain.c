/*
 * Domain and vCPU lifecycle (see lares/domain.h for the states).
 *
 * Destruction happens once the domain is shutting down and none of its
 * vCPUs is on a CPU. The check is a Dekker-style handshake: the scheduler
 * sets v->is_running before it re-checks whether v may run, and shutdown
 * sets is_shutting_down before it looks at is_running (both sequentially
 * consistent), so either the scheduler sees the shutdown and drops v, or
 * shutdown sees v running and leaves the destruction to that CPU.
 */
#include <lares/console.h>
#include <lares/console_pv.h>
#include <lares/domain.h>
#include <lares/errno.h>
#include <lares/exit_stats.h>
#include <lares/format.h>
#include <lares/lib.h>
#include <lares/mm.h>
#include <lares/sched.h>
#include <lares/string.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/trace.h>
#include <asm/p2m.h>
#include <public/sched.h>

static LIST_HEAD(domain_list);
static DEFINE_SPINLOCK(domain_list_lock);
static u16 next_domid = DOMID_FIRST_BOOT;

const char *shutdown_reason_name(unsigned reason)
{
    static const char *const names[] = {"poweroff", "reboot",   "suspend",
                                        "crash",    "watchdog", "soft_reset"};

    return reason < ARRAY_SIZE(names) ? names[reason] : "unknown";
}

struct domain *domain_by_id(u16 domid)
{
    struct domain *d, *found = NULL;
    unsigned long flags;

    spin_lock_irqsave(&domain_list_lock, flags);
    list_for_each_entry(d, &domain_list, list)
    {
        if (d->domid == domid) {
            found = d;
            break;
        }
    }
    spin_unlock_irqrestore(&domain_list_lock, flags);
    return found;
}

unsigned long domains_lock(void)
{
    unsigned long flags;

    spin_lock_irqsave(&domain_list_lock, flags);
    return flags;
}

void domains_unlock(unsigned long flags)
{
    spin_unlock_irqrestore(&domain_list_lock, flags);
}

struct domain *domain_next_locked(int after)
{
    struct domain *d, *best = NULL;

    list_for_each_entry(d, &domain_list, list) if (!d->destroyed && (int)d->domid > after &&
                                                   (!best || d->domid < best->domid)) best = d;
    return best;
}

struct domain *domain_by_id_locked(u16 domid)
{
    struct domain *d;

    list_for_each_entry(d, &domain_list, list) if (d->domid == domid) return d->destroyed ? NULL
                                                                                          : d;
    return NULL;
}

static bool domid_in_use(u16 domid)
{
    struct domain *d;

    list_for_each_entry(d, &domain_list, list) if (d->domid == domid) return true;
    return false;
}

static int alloc_domid(u16 *out)
{
    for (unsigned tries = 0; tries < DOMID_MAX_BOOT; tries++) {
        u16 id = next_domid++;

        if (next_domid > DOMID_MAX_BOOT)
            next_domid = DOMID_FIRST_BOOT;
        if (!domid_in_use(id)) {
            *out = id;
            return 0;
        }
    }
    return -ENOSPC;
}

static void vcpu_free(struct vcpu *v)
{
    if (!v)
        return;
    /* Never on a CPU here; a no-op once its domain's destruction took it out. */
    BUG_ON(schedule_remove_vcpu(v));
    events_vcpu_free(v);
    hvm_vlapic_destroy(v);
    if (v->hvm.svm)
        hvm_ops->vcpu_destroy(v);
    hvm_fpu_destroy(v);
    xfree(v->trace);
    xfree(v);
}

static struct vcpu *vcpu_create(struct domain *d, unsigned id)
{
    struct vcpu *v = xzalloc_obj(struct vcpu);

    if (!v)
        return NULL;
    v->vcpu_id = id;
    v->domain = d;
    v->pause_flags = VPF_DOWN;
    v->trace = xzalloc_obj(struct vcpu_trace);
    if (!v->trace || hvm_fpu_init(v) || hvm_ops->vcpu_init(v) || hvm_vlapic_init(v) ||
        schedule_insert_vcpu(v) || events_vcpu_init(v)) {
        vcpu_free(v);
        return NULL;
    }
    return v;
}

/* Free everything of a domain nobody can reach any more. */
static void domain_free(struct domain *d)
{
    for (unsigned i = 0; d->vcpu && i < d->max_vcpus; i++)
        vcpu_free(d->vcpu[i]);
    xfree(d->vcpu);
    events_domain_free(d);
    hvm_cpuid_domain_destroy(d);
    p2m_teardown(d);
    domain_gnttab_destroy(d);
    console_domain_free(d);
    xfree(d->exit_stats);
    if (d->shared_info)
        free_page(d->shared_info);
    if (d->tot_pages)
        pr_err("d%u: %llu pages still counted after teardown\n", d->domid,
               (unsigned long long)d->tot_pages);
    xfree(d);
}

struct domain *domain_create(const char *name, unsigned nr_vcpus, u64 max_pages)
{
    struct domain *d = xzalloc_obj(struct domain);
    unsigned long flags;
    int rc = -ENOMEM;

    if (!d)
        goto fail;
    strlcpy(d->name, name, sizeof(d->name));
    spin_lock_init(&d->lock);
    spin_lock_init(&d->console.lock);
    spin_lock_init(&d->physmap_lock);
    spin_lock_init(&d->pit_lock);
    pit_ch2_init(&d->pit);
    INIT_LIST_HEAD(&d->list);
    d->max_pages = max_pages;
    d->shared_info_gfn = SHARED_INFO_GFN_NONE;
    d->shutdown_code_hint = SHUTDOWN_CODE_NONE;
    d->pause_count = 1; /* created paused */
    rc = p2m_init(d);
    if (rc)
        goto fail;
    rc = -ENOMEM;
    d->shared_info = alloc_page_zeroed();
    d->vcpu = xzalloc_array(struct vcpu *, nr_vcpus);
    if (!d->shared_info || !d->vcpu)
        goto fail;
    d->max_vcpus = nr_vcpus;

    spin_lock_irqsave(&domain_list_lock, flags);
    rc = alloc_domid(&d->domid);
    if (!rc)
        list_add_tail(&d->list, &domain_list);
    spin_unlock_irqrestore(&domain_list_lock, flags);
    if (rc)
        goto fail;
    schedule_domain_init(d);
    rc = events_domain_init(d); /* needs the domain id */
    if (!rc)
        rc = hvm_cpuid_domain_init(d);
    if (!rc)
        rc = domain_gnttab_init(d, 0);
    if (!rc)
        rc = console_domain_init(d);
    if (!rc)
        rc = hvm_params_domain_init(d);
    if (!rc && !(d->exit_stats = xzalloc_obj(struct exit_stats)))
        rc = -ENOMEM;
    if (rc) {
        spin_lock_irqsave(&domain_list_lock, flags);
        list_del_init(&d->list);
        spin_unlock_irqrestore(&domain_list_lock, flags);
        goto fail;
    }

    for (unsigned i = 0; i < nr_vcpus; i++) {
        d->vcpu[i] = vcpu_create(d, i);
        if (!d->vcpu[i]) {
            rc = -ENOMEM;
            spin_lock_irqsave(&domain_list_lock, flags);
            list_del_init(&d->list);
            spin_unlock_irqrestore(&domain_list_lock, flags);
            for (unsigned j = 0; j < i; j++)
                schedule_remove_vcpu(d->vcpu[j]);
            goto fail;
        }
    }
    return d;

fail:
    pr_err("domain %s: cannot create it (error %d)\n", name, rc);
    if (d)
        domain_free(d);
    return NULL;
}

void domain_destroy_unstarted(struct domain *d)
{
    unsigned long flags;

    spin_lock_irqsave(&domain_list_lock, flags);
    list_del_init(&d->list);
    spin_unlock_irqrestore(&domain_list_lock, flags);
    for (unsigned i = 0; i < d->max_vcpus; i++)
        BUG_ON(schedule_remove_vcpu(d->vcpu[i])); /* never ran: cannot be on a CPU */
    domain_free(d);
}

bool vcpu_runnable(const struct vcpu *v)
{
    const struct domain *d = v->domain;

    return !READ_ONCE(v->pause_flags) && !READ_ONCE(v->pause_count) && !READ_ONCE(d->pause_count) &&
           !__atomic_load_n(&d->is_shutting_down, __ATOMIC_SEQ_CST);
}

void vcpu_set_flag(struct vcpu *v, u32 flag)
{
    u32 old = __atomic_fetch_or(&v->pause_flags, flag, __ATOMIC_SEQ_CST);

    if (!(old & flag))
        schedule_vcpu_update(v);
}

void vcpu_clear_flag(struct vcpu *v, u32 flag)
{
    u32 old = __atomic_fetch_and(&v->pause_flags, ~flag, __ATOMIC_SEQ_CST);

    if (old & flag)
        schedule_vcpu_update(v);
}

void vcpu_block(struct vcpu *v)
{
    vcpu_set_flag(v, VPF_BLOCKED);
    /*
     * An event or interrupt raised before the flag was visible found
     * nothing to wake: look again after setting it (both sides are
     * sequentially consistent).
     */
    if (hvm_vcpu_has_pending_intr(v))
        vcpu_unblock(v);
}

void vcpu_kick(struct vcpu *v)
{
    schedule_kick(v);
}

void domain_pause(struct domain *d)
{
    __atomic_fetch_add(&d->pause_count, 1, __ATOMIC_SEQ_CST);
    for (unsigned i = 0; i < d->max_vcpus; i++)
        schedule_vcpu_update(d->vcpu[i]);
}

void domain_unpause(struct domain *d)
{
    if (__atomic_sub_fetch(&d->pause_count, 1, __ATOMIC_SEQ_CST) == 0)
        for (unsigned i = 0; i < d->max_vcpus; i++)
            schedule_vcpu_update(d->vcpu[i]);
}

/* Record the shutdown and make the vCPUs leave their CPUs. False if it was stopping already. */
static bool mark_stopping(struct domain *d, unsigned reason, bool crashed)
{
    unsigned long flags;
    bool first;

    spin_lock_irqsave(&d->lock, flags);
    first = !d->is_shutting_down;
    if (first) {
        d->shutdown_code = reason;
        d->crashed = crashed;
        __atomic_store_n(&d->is_shutting_down, true, __ATOMIC_SEQ_CST);
    }
    spin_unlock_irqrestore(&d->lock, flags);
    if (!first)
        return false;
    guest_console_flush(d);
    printk("d%u (%s): shut down: %s\n", d->domid, d->name, shutdown_reason_name(reason));
    for (unsigned i = 0; i < d->max_vcpus; i++)
        schedule_vcpu_update(d->vcpu[i]); /* it leaves its CPU, never to run again */
    return true;
}

/* Called by (a vCPU of) the domain itself, which therefore cannot be destroyed meanwhile. */
static void stop(struct domain *d, unsigned reason, bool crashed)
{
    if (mark_stopping(d, reason, crashed))
        domain_maybe_destroy_id(d->domid);
}

void domain_shutdown_id(u16 domid, unsigned reason)
{
    struct domain *d;
    unsigned long flags;

    /* The list lock keeps the domain from being destroyed while it is marked. */
    spin_lock_irqsave(&domain_list_lock, flags);
    list_for_each_entry(d, &domain_list, list)
    {
        if (d->domid == domid) {
            mark_stopping(d, reason, reason == SHUTDOWN_crash);
            break;
        }
    }
    spin_unlock_irqrestore(&domain_list_lock, flags);
    domain_maybe_destroy_id(domid);
}

static void crash_report(struct domain *d);

void domain_shutdown(struct domain *d, unsigned reason)
{
    if (d->shutdown_code_hint != SHUTDOWN_CODE_NONE)
        reason = d->shutdown_code_hint;
    if (reason == SHUTDOWN_crash && !READ_ONCE(d->is_shutting_down)) {
        /* The guest says it crashed (Linux: after a panic): show where it was and what it said. */
        guest_console_flush(d);
        pr_err("d%u (%s) crashed: the guest reported a crash (SCHEDOP_shutdown)\n", d->domid,
               d->name);
        crash_report(d);
    }
    stop(d, reason, reason == SHUTDOWN_crash);
}

/* Registers of every vCPU that is not running elsewhere, then the last console lines. */
static void crash_report(struct domain *d)
{
    struct vcpu *cur = current_vcpu();

    for (unsigned i = 0; i < d->max_vcpus; i++) {
        struct vcpu *v = d->vcpu[i];

        /* Other vCPUs' registers are only current if they are not running elsewhere. */
        if (v == cur || !READ_ONCE(v->is_running))
            vcpu_dump(v);
        else
            printk("  d%uv%u: running on CPU%u\n", d->domid, v->vcpu_id, v->processor);
    }
    guest_console_replay(d);
}

void domain_crash(struct domain *d, const char *fmt, ...)
{
    char msg[160];
    va_list ap;

    if (READ_ONCE(d->is_shutting_down))
        return;
    va_start(ap, fmt);
    vformat(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    guest_console_flush(d);
    pr_err("d%u (%s) crashed: %s\n", d->domid, d->name, msg);
    crash_report(d);
    stop(d, SHUTDOWN_crash, true);
}

void domain_maybe_destroy_id(u16 domid)
{
    struct domain *d;
    unsigned long flags;
    unsigned i;

    spin_lock_irqsave(&domain_list_lock, flags);
    list_for_each_entry(d, &domain_list, list) if (d->domid == domid) goto found;
    spin_unlock_irqrestore(&domain_list_lock, flags);
    return;

found:
    if (!__atomic_load_n(&d->is_shutting_down, __ATOMIC_SEQ_CST) || d->destroyed || d->preserved) {
        spin_unlock_irqrestore(&domain_list_lock, flags);
        return;
    }
    /* Take every vCPU out of scheduling; give up if one is still on a CPU. */
    for (i = 0; i < d->max_vcpus; i++)
        if (schedule_remove_vcpu(d->vcpu[i]))
            break;
    if (i < d->max_vcpus) {
        /*
         * That CPU calls us again when the vCPU leaves it. The vCPUs taken
         * out already stay out: a stopping domain's vCPUs never run again.
         */
        spin_unlock_irqrestore(&domain_list_lock, flags);
        return;
    }
    if ((d->crashed && d->on_crash == ACTION_PRESERVE) ||
        (d->shutdown_code == SHUTDOWN_reboot && d->on_reboot == ACTION_PRESERVE)) {
        /* Kept, stopped, for inspection: it keeps its id, memory and state. */
        d->preserved = true;
        spin_unlock_irqrestore(&domain_list_lock, flags);
        printk("d%u (%s): preserved (%s=preserve): stopped, memory kept\n", d->domid, d->name,
               d->crashed ? "on_crash" : "on_reboot");
        return;
    }
    d->destroyed = true;
    /* While it can still be found: close its channels, so its peers see them end. */
    events_domain_teardown(d);
    list_del_init(&d->list);
    spin_unlock_irqrestore(&domain_list_lock, flags);

    {
        u16 id = d->domid;
        unsigned code = d->shutdown_code;
        bool crashed = d->crashed;
        void (*hook)(u16, unsigned, bool) = d->on_destroyed;
        u64 ns = schedule_domain_cpu_time(d);

        printk("d%u (%s): CPU time %llu.%03llu s\n", id, d->name,
               (unsigned long long)(ns / 1000000000), (unsigned long long)(ns / 1000000 % 1000));
        domain_exit_stats_print(d);
        domain_free(d);
        printk("d%u: destroyed\n", id);
        if (hook)
            hook(id, code, crashed);
    }
}
