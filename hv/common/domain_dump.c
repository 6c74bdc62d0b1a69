/*
 * Debug key 'q': every domain and its vCPUs -- scheduling parameters, CPU
 * time, each vCPU's state and runstate, and its local APIC -- as Xen's 'q'
 * dumps domains. Runs from the console service (interrupts off).
 */
#include <lares/console.h>
#include <lares/domain.h>
#include <lares/sched.h>
#include <asm/hvm/hvm.h>

static const char *state_name(const struct domain *d)
{
    if (d->is_shutting_down)
        return d->crashed ? "crashed" : "shutting down";
    return d->pause_count ? "paused" : "running";
}

void domain_dump_all(void)
{
    unsigned long flags = domains_lock();
    unsigned n = 0;

    for (struct domain *d = domain_next_locked(-1); d; d = domain_next_locked(d->domid)) {
        u64 ns = schedule_domain_cpu_time(d);

        printk("d%u (%s): %s, %u vCPUs, weight %u, cap %u, CPU time %llu ms\n", d->domid, d->name,
               state_name(d), d->max_vcpus, d->sched.weight, d->sched.cap,
               (unsigned long long)(ns / 1000000));
        for (unsigned i = 0; i < d->max_vcpus; i++) {
            schedule_dump_vcpu(d->vcpu[i]);
            hvm_vlapic_dump(d->vcpu[i]);
        }
        n++;
    }
    domains_unlock(flags);
    if (!n)
        printk("no domains\n");
}
