/* Per-vCPU ring of recent exits and hypercalls (see asm/hvm/trace.h). */
#include <lares/console.h>
#include <lares/domain.h>
#include <lares/exit_stats.h>
#include <lares/format.h>
#include <asm/cpu.h>
#include <asm/hvm/trace.h>

static void record(struct vcpu *v, u8 kind, u64 code, u64 a, u64 b, u64 c)
{
    struct vcpu_trace *t = v->trace;
    struct trace_entry *e;

    if (!t)
        return;
    e = &t->e[t->prod++ % TRACE_ENTRIES];
    e->kind = kind;
    e->tsc = rdtsc();
    e->code = code;
    e->a = a;
    e->b = b;
    e->c = c;
}

void trace_exit(struct vcpu *v, u64 code, u64 info1, u64 info2, u64 rip)
{
    v->exits++;
    if (v->domain->exit_stats)
        exit_stats_add(v->domain->exit_stats, exit_stats_slot(code));
    record(v, TRACE_EXIT, code, info1, info2, rip);
}

void trace_hypercall(struct vcpu *v, u64 nr, u64 a1, u64 a2, s64 ret)
{
    v->hypercalls++;
    record(v, TRACE_HYPERCALL, nr, a1, a2, (u64)ret);
}

void trace_dump(struct vcpu *v)
{
    struct vcpu_trace *t = v->trace;
    unsigned n, first;
    u64 last_tsc;

    if (!t || !t->prod)
        return;
    n = t->prod < TRACE_ENTRIES ? t->prod : TRACE_ENTRIES;
    first = t->prod - n;
    last_tsc = t->e[(t->prod - 1) % TRACE_ENTRIES].tsc;
    printk("  last %u of %u exits/hypercalls (age in TSC ticks):\n", n, t->prod);
    for (unsigned i = first; i < t->prod; i++) {
        const struct trace_entry *e = &t->e[i % TRACE_ENTRIES];
        unsigned long long age = last_tsc - e->tsc;

        if (e->kind == TRACE_EXIT)
            printk("    -%-12llu exit %-10s info1 %#llx info2 %#llx rip %#llx\n", age,
                   hvm_ops->exit_name(e->code), (unsigned long long)e->a, (unsigned long long)e->b,
                   (unsigned long long)e->c);
        else
            printk("    -%-12llu hypercall %llu (%#llx, %#llx) = %lld\n", age,
                   (unsigned long long)e->code, (unsigned long long)e->a, (unsigned long long)e->b,
                   (long long)e->c);
    }
}

void domain_exit_stats_print(struct domain *d)
{
    unsigned top[EXIT_STATS_TOP], n;
    char line[256];
    int len;

    if (!d->exit_stats)
        return;
    n = exit_stats_top(d->exit_stats, EXIT_STATS_TOP, top);
    len = format(line, sizeof(line), "d%u (%s): %llu VM exits; most frequent:", d->domid, d->name,
                 (unsigned long long)exit_stats_total(d->exit_stats));
    for (unsigned i = 0; i < n && len < (int)sizeof(line); i++)
        len += format(line + len, sizeof(line) - (size_t)len, " %s %llu",
                      hvm_ops->exit_name(exit_stats_code(top[i])),
                      (unsigned long long)d->exit_stats->count[top[i]]);
    printk("%s\n", line);
}
