/*
 * Boot-time domains: "domain=" options on the hypervisor command line
 * (syntax: lares/domain_desc.h, docs/boot-domains.md) are built from boot
 * modules and started once the hypervisor is up. A description that does
 * not parse or refers to a missing module is reported and skipped; the
 * others still start. When the last boot-time domain has been destroyed,
 * the hypervisor reports the free memory against its value before the
 * first domain was built, and finishes (qemu_exit leaves QEMU).
 *
 * A domain that reboots (on_reboot=restart, the default) or crashes with
 * on_crash=restart is built again from its description once the old one
 * is destroyed -- with a new domain id, as Xen's toolstack does. The
 * rebuild runs as deferred work (lares/deferred.h): the destroy hook is
 * called where a long job must not run.
 */
#include <lares/boot_domains.h>
#include <lares/boot_kernel.h>
#include <lares/bootinfo.h>
#include <lares/cmdline.h>
#include <lares/console.h>
#include <lares/console_input.h>
#include <lares/deferred.h>
#include <lares/domain.h>
#include <lares/domain_build.h>
#include <lares/domain_desc.h>
#include <lares/event.h>
#include <lares/mm.h>
#include <lares/param.h>
#include <lares/sched.h>
#include <lares/shutdown.h>
#include <lares/string.h>
#include <lares/time.h>
#include <lares/timer.h>
#include <asm/hvm/hvm.h>
#include <asm/percpu.h>
#include <public/sched.h>

#define MAX_BOOT_DOMAINS 16

static char *raw_desc[MAX_BOOT_DOMAINS];
static char raw_store[MAX_BOOT_DOMAINS][CMDLINE_VALUE_MAX];
static unsigned nr_raw;
static unsigned too_many;

static unsigned live; /* boot-time domains built and not yet destroyed */

/* Per description: parsed once, kept for restarts. */
static struct domain_desc descs[MAX_BOOT_DOMAINS];
static u16 slot_domid[MAX_BOOT_DOMAINS]; /* the domain built from it now */
static struct deferred_work restart_work[MAX_BOOT_DOMAINS];
/*
 * The ELF image each description builds from, held (non-NULL) from its
 * first build until the description ends for good.
 */
static const void *slot_kernel[MAX_BOOT_DOMAINS];
static size_t slot_kernel_size[MAX_BOOT_DOMAINS];
static const struct boot_info *boot_info;

/* timeout=: the hypervisor stops a domain still running after that long. */
static struct timer time_limit[MAX_BOOT_DOMAINS];
static unsigned time_limit_s[MAX_BOOT_DOMAINS];
static u16 time_limit_domid[MAX_BOOT_DOMAINS];
static u64 free_before; /* free frames before the first domain was built */
static DEFINE_SPINLOCK(live_lock);

static int parse_domain_opt(const char *value)
{
    if (nr_raw == MAX_BOOT_DOMAINS) {
        too_many++;
        return 0;
    }
    strlcpy(raw_store[nr_raw], value, sizeof(raw_store[nr_raw]));
    raw_desc[nr_raw] = raw_store[nr_raw];
    nr_raw++;
    return 0;
}
custom_param("domain", parse_domain_opt);

u64 boot_domains_free_before(void)
{
    return free_before;
}

unsigned boot_domains_requested(void)
{
    return nr_raw;
}

static void all_ended(void)
{
    u64 free_after = free_page_count();

    printk("boot domains: all ended; free memory %llu pages, %llu before they were built\n",
           (unsigned long long)free_after, (unsigned long long)free_before);
    if (free_after != free_before) {
        /* Something of a destroyed domain was not given back: a hypervisor bug. */
        pr_err("boot domains: %lld pages were not returned\n",
               (long long)(free_before - free_after));
        machine_finish(EXIT_FAILED);
    }
    machine_finish(EXIT_OK);
}

/* Timer callback (interrupt context): the domain is shut down by id, so it may be gone already. */
static void time_limit_reached(void *data)
{
    unsigned slot = (unsigned)(uintptr_t)data;

    printk("d%u: still running after its time limit of %u s: stopping it\n", time_limit_domid[slot],
           time_limit_s[slot]);
    domain_shutdown_id(time_limit_domid[slot], SHUTDOWN_watchdog);
}

static void one_less(void)
{
    unsigned long flags;
    bool last;

    spin_lock_irqsave(&live_lock, flags);
    last = --live == 0;
    spin_unlock_irqrestore(&live_lock, flags);
    if (last)
        all_ended();
}

/* The description will not be built again: let go of its kernel image (a bzImage's copy). */
static void release_kernel(unsigned slot)
{
    if (slot_kernel[slot]) {
        slot_kernel[slot] = NULL;
        boot_kernel_put((unsigned)descs[slot].kernel_module);
    }
}

static int slot_of(u16 domid)
{
    for (unsigned i = 0; i < nr_raw; i++)
        if (slot_domid[i] == domid)
            return (int)i;
    return -1;
}

static bool wants_restart(const struct domain_desc *desc, unsigned code, bool crashed)
{
    if (crashed)
        return desc->on_crash == ACTION_RESTART;
    return code == SHUTDOWN_reboot && desc->on_reboot == ACTION_RESTART;
}

static void domain_ended(u16 domid, unsigned code, bool crashed)
{
    int slot = slot_of(domid);

    for (unsigned i = 0; i < MAX_BOOT_DOMAINS; i++)
        if (time_limit_s[i] && time_limit_domid[i] == domid)
            stop_timer(&time_limit[i]); /* no wait: this may be its own callback */

    printk("d%u: ended (%s%s)\n", domid, shutdown_reason_name(code), crashed ? ", crashed" : "");
    if (slot >= 0 && wants_restart(&descs[slot], code, crashed)) {
        printk("d%u (%s): restarting (%s=restart)\n", domid, descs[slot].name,
               crashed ? "on_crash" : "on_reboot");
        defer_work(&restart_work[slot]);
        return;
    }
    if (slot >= 0)
        release_kernel((unsigned)slot);
    console_input_domain_gone(domid);
    one_less();
}

static struct domain *build_one(unsigned idx, const struct boot_info *bi)
{
    struct domain_desc *desc = &descs[idx];
    struct domain_build_args a = {0};
    const struct boot_module *k;
    struct domain *d;
    const char *why;

    k = &bi->modules[desc->kernel_module];
    if (!slot_kernel[idx] && boot_kernel_get((unsigned)desc->kernel_module, k, desc->name,
                                             &slot_kernel[idx], &slot_kernel_size[idx], &why)) {
        pr_err("domain %s: %s; not started\n", desc->name, why);
        return NULL;
    }
    a.name = desc->name;
    a.kernel = slot_kernel[idx];
    a.kernel_size = slot_kernel_size[idx];
    if (desc->initrd_module >= 0) {
        const struct boot_module *m = &bi->modules[desc->initrd_module];

        a.initrd = phys_to_virt(m->start);
        a.initrd_size = m->end - m->start;
    }
    a.cmdline = domain_desc_cmdline(desc, bi->modules);
    a.memory = desc->memory;
    a.nr_vcpus = desc->vcpus;
    d = domain_build_pvh(&a, &why);
    if (!d) {
        pr_err("domain %s: %s; not started\n", desc->name, why);
        return NULL;
    }
    if (desc->cpus && schedule_domain_pin(d, desc->cpus)) {
        pr_err("domain %s: cpus=: none of those CPUs is online; not started\n", desc->name);
        domain_destroy_unstarted(d);
        return NULL;
    }
    time_limit_s[idx] = desc->timeout;
    time_limit_domid[idx] = d->domid;
    slot_domid[idx] = d->domid;
    d->on_reboot = desc->on_reboot;
    d->on_crash = desc->on_crash;
    if (desc->weight != DOMAIN_WEIGHT_DEFAULT || desc->cap) {
        int rc = schedule_domain_set_params(d, desc->weight, desc->cap);

        if (rc)
            pr_warn("domain %s: weight=/cap= ignored: the %s scheduler has neither\n", desc->name,
                    schedule_policy_name());
    }
    d->on_destroyed = domain_ended;
    return d;
}

/* Deferred work: build a domain that rebooted (or crashed, with on_crash=restart) again. */
static void restart_domain(void *data)
{
    unsigned idx = (unsigned)(uintptr_t)data;
    u16 old = slot_domid[idx];
    struct domain *d = build_one(idx, boot_info);

    if (!d) {
        pr_err("d%u (%s): cannot be restarted\n", old, descs[idx].name);
        release_kernel(idx);
        console_input_domain_gone(old);
        one_less();
        return;
    }
    printk("d%u (%s): restarted as d%u\n", old, d->name, d->domid);
    console_input_domain_replaced(old, d->domid);
    if (time_limit_s[idx])
        set_timer(&time_limit[idx], NOW() + SECONDS(time_limit_s[idx]));
    domain_unpause(d);
}

static int parse_one(unsigned idx, const struct boot_info *bi)
{
    char err[160];

    if (domain_desc_parse(raw_desc[idx], &descs[idx], err, sizeof(err)) ||
        domain_desc_resolve(&descs[idx], bi->modules, bi->nr_modules, err, sizeof(err))) {
        pr_err("domain=%s: %s; not started\n", raw_desc[idx], err);
        return -EINVAL;
    }
    return 0;
}

static bool name_taken(struct domain **built, unsigned n, const char *value)
{
    size_t len = 0;

    while (value[len] && value[len] != ',')
        len++;
    for (unsigned i = 0; i < n; i++)
        if (built[i] && strlen(built[i]->name) == len && !strncmp(built[i]->name, value, len))
            return true;
    return false;
}

void boot_domains_start(const struct boot_info *bi)
{
    static struct domain *built[MAX_BOOT_DOMAINS];
    unsigned n = 0;

    if (!nr_raw)
        return;
    if (too_many)
        pr_err("boot domains: only %d domain= options are supported; %u ignored\n",
               MAX_BOOT_DOMAINS, too_many);
    free_before = free_page_count();
    boot_info = bi;
    for (unsigned i = 0; i < nr_raw; i++) {
        deferred_work_init(&restart_work[i], restart_domain, (void *)(uintptr_t)i);
        slot_domid[i] = DOMID_INVALID;
        if (name_taken(built, i, raw_desc[i])) {
            pr_err("domain=%s: a domain with that name exists already; not started\n", raw_desc[i]);
            continue;
        }
        if (parse_one(i, bi))
            continue;
        built[i] = build_one(i, bi);
        if (built[i])
            n++;
        else
            release_kernel(i);
    }
    live = n;
    if (!n) {
        pr_err("boot domains: none could be started\n");
        all_ended();
    }
    console_input_focus_first();
    /* Start them together, once all are built. */
    for (unsigned i = 0; i < nr_raw; i++) {
        if (!built[i])
            continue;
        if (time_limit_s[i]) {
            init_timer(&time_limit[i], time_limit_reached, (void *)(uintptr_t)i,
                       smp_processor_id());
            set_timer(&time_limit[i], NOW() + SECONDS(time_limit_s[i]));
        }
        domain_unpause(built[i]);
    }
}

void boot_domains_run(const struct boot_info *bi)
{
    if (!nr_raw)
        return;
    if (hvm_init()) {
        pr_err("boot domains: this machine cannot run guests (no usable SVM with NPT)\n");
        machine_finish(EXIT_UNSUPPORTED);
    }
    schedule_init();
    for_each_online_cpu(cpu) if (schedule_cpu_init(cpu)) panic("sched: cannot set up CPU%u\n", cpu);
    if (schedule_start_secondaries())
        panic("boot domains: a secondary CPU cannot run guests\n");
    events_init_keys();
    console_service_start();
    boot_domains_start(bi);
    schedule_run_cpu();
}
