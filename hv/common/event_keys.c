/*
 * Debug keys for event channels (typed on the serial console while the
 * hypervisor has the input focus):
 *
 *   'E'  each domain's ports in use (state, notify vCPU, peer, pending and
 *        mask bits) and each vCPU's upcall flag, selector and poll state
 *   'v'  raise VIRQ_DEBUG on every vCPU: a Linux guest with the 2-level ABI
 *        answers by printing its own view of its event channels, the best
 *        evidence when events seem lost
 */
#include <lares/console.h>
#include <lares/console_input.h>
#include <lares/domain.h>
#include <lares/event.h>
#include <lares/format.h>

#define PORTS_SHOWN 64 /* per domain; the rest are counted */

static const char *const state_names[] = {
    [EVTCHNSTAT_closed] = "closed",
    [EVTCHNSTAT_unbound] = "unbound",
    [EVTCHNSTAT_interdomain] = "interdomain",
    [EVTCHNSTAT_pirq] = "pirq",
    [EVTCHNSTAT_virq] = "virq",
    [EVTCHNSTAT_ipi] = "ipi",
};

static void dump_port(struct domain *d, u32 port, const struct evtchn_status *st)
{
    char peer[32] = "";

    if (st->status == EVTCHNSTAT_unbound)
        format(peer, sizeof(peer), " offered to d%u", st->u.unbound.dom);
    else if (st->status == EVTCHNSTAT_interdomain)
        format(peer, sizeof(peer), " to d%u port %u", st->u.interdomain.dom,
               st->u.interdomain.port);
    else if (st->status == EVTCHNSTAT_virq)
        format(peer, sizeof(peer), " virq %u", st->u.virq);
    printk("  d%u port %4u: %s%s, vCPU %u%s%s\n", d->domid, port, state_names[st->status], peer,
           st->vcpu, d->events.abi->is_pending(d, port) ? ", pending" : "",
           d->events.abi->is_masked(d, port) ? ", masked" : "");
}

static void dump_domain(struct domain *d)
{
    struct evtchn_table *t = &d->events.ports;
    unsigned int shown = 0, more = 0;

    spin_lock(&d->events.lock);
    printk("d%u (%s): %u ports in use (%s); callback vector %d\n", d->domid, d->name, t->active,
           d->events.abi->name, domain_callback_vector(d));
    for (u32 p = evtchn_next_open(t, 1); p; p = evtchn_next_open(t, p + 1)) {
        struct evtchn_status st;

        if (evtchn_status(t, p, &st))
            continue;
        if (shown++ < PORTS_SHOWN)
            dump_port(d, p, &st);
        else
            more++;
    }
    if (more)
        printk("  ... and %u more\n", more);
    for (unsigned int i = 0; i < d->max_vcpus; i++) {
        struct vcpu *v = d->vcpu[i];
        const struct vcpu_info *vi = v->events.vcpu_info;

        printk("  d%uv%u: upcall_pending %u, selector %#llx, vcpu_info %s, poll %d\n", d->domid, i,
               vi->evtchn_upcall_pending, (unsigned long long)vi->evtchn_pending_sel,
               v->events.vcpu_info_registered ? "registered" : "in shared_info",
               READ_ONCE(v->events.poll_port));
    }
    spin_unlock(&d->events.lock);
}

static void key_dump(void *ctx, unsigned char key)
{
    unsigned long flags = domains_lock();

    for (struct domain *d = domain_next_locked(-1); d; d = domain_next_locked(d->domid))
        dump_domain(d);
    domains_unlock(flags);
}

static void key_virq_debug(void *ctx, unsigned char key)
{
    unsigned long flags = domains_lock();

    for (struct domain *d = domain_next_locked(-1); d; d = domain_next_locked(d->domid))
        for (unsigned int i = 0; i < d->max_vcpus; i++)
            send_guest_vcpu_virq(d->vcpu[i], VIRQ_DEBUG);
    domains_unlock(flags);
    printk("VIRQ_DEBUG raised on every vCPU\n");
}

void events_init_keys(void)
{
    register_debug_key('E', key_dump, NULL, "event channels of each domain and vCPU");
    register_debug_key('v', key_virq_debug, NULL, "VIRQ_DEBUG to every vCPU (guests dump events)");
}
