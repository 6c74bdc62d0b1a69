/* The console service: serial input, focus, debug keys, output drain (lares/console_input.h). */
#include <lares/boot_domains.h>
#include <lares/console.h>
#include <lares/console_focus.h>
#include <lares/console_input.h>
#include <lares/console_pv.h>
#include <lares/domain.h>
#include <lares/errno.h>
#include <lares/mm.h>
#include <lares/spinlock.h>
#include <lares/string.h>
#include <lares/timer.h>
#include <asm/percpu.h>
#include <asm/serial.h>

/* Bytes read from the UART per tick at most (its FIFO holds 16; QEMU refills it as we read). */
#define INPUT_PER_TICK 256

static struct timer service_timer;
static struct debug_keys keys;
static bool keys_ready;
static struct console_focus focus;
static DEFINE_SPINLOCK(focus_lock); /* focus state; order: focus_lock -> domain list lock */

static void print_key_line(void *ctx, const char *line)
{
    printk("%s\n", line);
}

static void init_keys(void)
{
    if (!keys_ready) {
        debug_keys_init(&keys, print_key_line, NULL);
        keys_ready = true;
    }
}

int register_debug_key(unsigned char key, debug_key_fn fn, void *ctx, const char *desc)
{
    init_keys();
    return debug_keys_register(&keys, key, fn, ctx, desc);
}

static int next_domain(void *ctx, int after, u16 *domid, char *name, size_t size)
{
    unsigned long flags = domains_lock();
    struct domain *d = domain_next_locked(after);

    if (d) {
        *domid = d->domid;
        strlcpy(name, d->name, size);
    }
    domains_unlock(flags);
    return d ? 0 : -ENOENT;
}

static const struct console_focus_ops focus_ops = {.next_domain = next_domain};

static void announce(const struct console_input *in)
{
    if (in->switched)
        printk("%s\n", in->announce);
}

static void deliver(const struct console_input *in)
{
    unsigned long flags;
    struct domain *d;

    switch (in->target) {
    case CONSOLE_INPUT_HYPERVISOR:
        for (unsigned i = 0; i < in->len; i++) {
            unsigned char k = (unsigned char)in->bytes[i];

            if (debug_keys_handle(&keys, k) && k >= 0x20 && k < 0x7f)
                printk("'%c' is not a debug key ('%c' lists them)\n", k, DEBUG_KEY_HELP);
        }
        break;
    case CONSOLE_INPUT_DOMAIN:
        flags = domains_lock();
        d = domain_by_id_locked(in->domid);
        if (d)
            console_pv_input(d, in->bytes, in->len);
        domains_unlock(flags);
        break;
    case CONSOLE_INPUT_NONE:
        break;
    }
}

static void read_serial(void)
{
    for (unsigned n = 0; n < INPUT_PER_TICK; n++) {
        struct console_input in;
        unsigned long flags;
        int c = serial_getc();

        if (c < 0)
            return;
        spin_lock_irqsave(&focus_lock, flags);
        console_focus_input(&focus, (unsigned char)c, &in);
        spin_unlock_irqrestore(&focus_lock, flags);
        announce(&in);
        deliver(&in);
    }
}

/* Every domain's ring drained, and lines that waited long enough shown. */
static void drain_all(void)
{
    unsigned long flags = domains_lock();

    for (struct domain *d = domain_next_locked(-1); d; d = domain_next_locked(d->domid)) {
        console_pv_drain(d);
        guest_console_idle(d);
    }
    domains_unlock(flags);
}

static void service_tick(void *data)
{
    read_serial();
    drain_all();
    set_timer(&service_timer, NOW() + CONSOLE_SERVICE_PERIOD);
}

static void key_exit_stats(void *ctx, unsigned char key)
{
    unsigned long flags = domains_lock();

    for (struct domain *d = domain_next_locked(-1); d; d = domain_next_locked(d->domid))
        domain_exit_stats_print(d);
    domains_unlock(flags);
}

static void key_memory(void *ctx, unsigned char key)
{
    unsigned long flags = domains_lock();

    printk("memory: %llu pages free, %llu before the boot domains were built\n",
           (unsigned long long)free_page_count(), (unsigned long long)boot_domains_free_before());
    for (struct domain *d = domain_next_locked(-1); d; d = domain_next_locked(d->domid))
        printk("memory: d%u (%s): %llu pages, limit %llu; %llu MiB not touched yet\n", d->domid,
               d->name, (unsigned long long)domain_page_count(d), (unsigned long long)d->max_pages,
               (unsigned long long)d->p2m.pool_frames * 2);
    domains_unlock(flags);
}

void console_service_start(void)
{
    init_keys();
    register_debug_key('e', key_exit_stats, NULL, "VM exits of each domain, by reason");
    register_debug_key('m', key_memory, NULL, "free memory, and each domain's pages");
    console_focus_init(&focus, &focus_ops);
    console_pv_setup();
    init_timer(&service_timer, service_tick, NULL, smp_processor_id());
    set_timer(&service_timer, NOW() + CONSOLE_SERVICE_PERIOD);
}

void console_input_focus_first(void)
{
    struct console_input in;
    unsigned long flags;

    spin_lock_irqsave(&focus_lock, flags);
    console_focus_switch(&focus, &in);
    spin_unlock_irqrestore(&focus_lock, flags);
    announce(&in);
}

void console_input_domain_gone(u16 domid)
{
    struct console_input in;
    unsigned long flags;
    bool moved;

    spin_lock_irqsave(&focus_lock, flags);
    moved = console_focus_domain_gone(&focus, domid, &in);
    spin_unlock_irqrestore(&focus_lock, flags);
    if (moved)
        announce(&in);
}

void console_input_domain_replaced(u16 old, u16 new)
{
    unsigned long flags;

    spin_lock_irqsave(&focus_lock, flags);
    if (focus.on_domain && focus.domid == old)
        focus.domid = new;
    spin_unlock_irqrestore(&focus_lock, flags);
}
