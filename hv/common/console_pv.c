/* The PV console backend (see lares/console_pv.h). */
#include <lares/console.h>
#include <lares/console_pv.h>
#include <lares/console_ring.h>
#include <lares/domain.h>
#include <lares/errno.h>
#include <lares/event.h>
#include <lares/mm.h>
#include <lares/pvh_layout.h>
#include <asm/p2m.h>
#include <public/hvm/params.h>
#include "event_internal.h"

/* Bytes drained per call: two rings' worth, so one call empties a full ring that refills. */
#define DRAIN_MAX 4096

static void sink(void *ctx, const char *buf, size_t len)
{
    guest_console_write_ring(ctx, buf, len);
}

/* Caller holds d->console.lock. */
static void drain_locked(struct domain *d)
{
    struct guest_console *c = &d->console;
    int n;

    if (!c->ring)
        return;
    n = console_ring_drain(c->ring, DRAIN_MAX, sink, d);
    if (n == -EIO) {
        if (!c->broken)
            printk("d%u (%s): console ring indices are impossible; output dropped\n", d->domid,
                   d->name);
        c->broken = true;
        console_ring_discard_output(c->ring);
    }
}

void console_pv_drain(struct domain *d)
{
    unsigned long flags;

    if (!d->console.ring)
        return;
    spin_lock_irqsave(&d->console.lock, flags);
    drain_locked(d);
    spin_unlock_irqrestore(&d->console.lock, flags);
}

/* The guest sent on its console port (we are in d's event lock). */
static void console_event(struct domain *d, u32 port)
{
    console_pv_drain(d);
}

void console_pv_setup(void)
{
    evtchn_register_consumer(EVTCHN_CONSUMER_CONSOLE, console_event);
}

/* Tell the guest its ring moved (input arrived). Not under d->console.lock. */
static void notify_guest(struct domain *d)
{
    struct evtchn_notify fx;
    unsigned long flags;

    spin_lock_irqsave(&d->events.lock, flags);
    if (!evtchn_send_hv(&d->events.ports, d->console.hv_port, &fx) && fx.resolved)
        evtchn_raise(d, &fx);
    spin_unlock_irqrestore(&d->events.lock, flags);
}

int console_pv_input(struct domain *d, const char *buf, unsigned len)
{
    unsigned long flags;
    int n;

    if (!d->console.ring)
        return 0;
    spin_lock_irqsave(&d->console.lock, flags);
    n = console_ring_write_input(d->console.ring, buf, len);
    spin_unlock_irqrestore(&d->console.lock, flags);
    if (n > 0)
        notify_guest(d);
    return n < 0 ? 0 : n;
}

/* A loopback channel: the guest's port, bound to a hypervisor end with consumer @consumer. */
static int bind_hv_channel(struct domain *d, u8 consumer, u32 *guest_port, u32 *hv_port)
{
    struct evtchn_table *t = &d->events.ports;
    struct evtchn_notify fx;
    unsigned long flags;
    int hv, g;

    spin_lock_irqsave(&d->events.lock, flags);
    hv = evtchn_alloc_unbound_hv(t, d->domid, 0, consumer);
    g = hv < 0 ? hv : evtchn_bind_interdomain(t, t, (u32)hv, &fx);
    spin_unlock_irqrestore(&d->events.lock, flags);
    if (g < 0)
        return g; /* a fresh table: a leftover hv end is closed with the rest at teardown */
    *guest_port = (u32)g;
    *hv_port = (u32)hv;
    return 0;
}

int console_domain_init(struct domain *d)
{
    struct guest_console *c = &d->console;
    void *page;
    int rc;

    rc = guest_console_init(d);
    if (rc)
        return rc;
    page = alloc_page_zeroed();
    if (!page)
        return -ENOMEM;
    /* A hypervisor page, not the guest's RAM: the guest cannot balloon it away under us. */
    rc = p2m_map_xen_page(d, PVH_CONSOLE_GFN, virt_to_mfn(page));
    if (rc) {
        free_page(page);
        return rc;
    }
    c->ring = page;
    rc = bind_hv_channel(d, EVTCHN_CONSUMER_CONSOLE, &c->port, &c->hv_port);
    if (rc)
        return rc;
    d->hvm_params[HVM_PARAM_CONSOLE_PFN] = PVH_CONSOLE_GFN;
    d->hvm_params[HVM_PARAM_CONSOLE_EVTCHN] = c->port;
    return 0;
}

void console_domain_free(struct domain *d)
{
    if (d->console.ring)
        free_page(d->console.ring);
    d->console.ring = NULL;
    guest_console_free(d);
}
