/*
 * Domains and vCPUs.
 *
 * Lifecycle of a domain:
 *
 *   domain_create()   structures, p2m root, shared_info, vCPUs (all paused)
 *   (build)           RAM populated, kernel loaded, vCPU 0 given its entry state
 *   domain_unpause()  vCPUs become runnable and are handed to the scheduler
 *   domain_pause()    nested; vCPUs stop at their next exit
 *   domain_shutdown() the guest asked to stop (Xen's SHUTDOWN_* reason), or
 *   domain_crash()    it misbehaved; either way its vCPUs stop for good
 *   domain_destroy()  once no vCPU is on a CPU: every page and structure is
 *                     freed and the on_destroyed hook runs
 *
 * Locking: d->lock protects the shutdown state and the pause count;
 * the p2m has its own lock. domain_list_lock protects the list of domains
 * (order: domain_list_lock, then d->lock or event locks (lares/event.h),
 * then a scheduler lock).
 */
#ifndef LARES_DOMAIN_H
#define LARES_DOMAIN_H

#include <lares/compiler.h>
#include <lares/domain_desc.h>
#include <lares/event.h>
#include <lares/list.h>
#include <lares/npt.h>
#include <lares/pit_ch2.h>
#include <lares/sched_core.h>
#include <lares/spinlock.h>
#include <lares/types.h>
#include <asm/hvm/hvm.h>
#include <public/hvm/params.h>

#define DOMID_FIRST_BOOT 1    /* 0 is reserved for the control domain */
#define DOMID_MAX_BOOT 0x7fef /* ids above are Xen's special DOMID_* values */

/* Reasons a vCPU may not run (vcpu.pause_flags). */
#define VPF_BLOCKED (1u << 0) /* HLT or SCHEDOP_block: waiting for an event */
#define VPF_DOWN (1u << 1)    /* not started, or stopped (HLT with interrupts off) */

struct vcpu_trace;
struct cpuid_policy;
struct sched_unit;
struct gnttab_domain;
struct exit_stats;

struct vcpu {
    unsigned int vcpu_id;
    struct domain *domain;

    /* Scheduling (lares/sched.h). */
    unsigned int processor;  /* physical CPU it runs on or waits for (scheduler lock) */
    u32 pause_flags;         /* VPF_*: atomic bit operations */
    int pause_count;         /* vcpu_pause() nesting */
    bool is_running;         /* on a physical CPU right now (scheduler lock) */
    bool is_initialised;     /* has a register state to run (d->lock) */
    struct sched_vcpu sched; /* the scheduler core's state (scheduler lock) */
    unsigned int home_cpu;   /* where it was placed at creation (placement counts) */
    u64 exits, hypercalls;   /* counters for reports */

    struct vcpu_events events; /* vcpu_info, timers, poll, runstate (lares/event.h) */
    struct hvm_vcpu hvm;       /* registers, FPU, vendor part */
    struct vcpu_trace *trace;  /* recent exits and hypercalls, dumped on a crash */
};

/*
 * A domain's console (common/guest_console.c, common/console_pv.c): its
 * output lines (from console_io, port 0xE9 and the PV console ring) and
 * the PV console page with its event channel (HVM_PARAM_CONSOLE_PFN/EVTCHN).
 */
struct console_lines;
struct xencons_interface;
struct guest_console {
    spinlock_t lock;                /* the PV ring: one reader/writer at a time */
    struct console_lines *lines;    /* line assembly and history (under the console lock) */
    struct xencons_interface *ring; /* the PV console page (hypervisor-owned), or NULL */
    u32 port;                       /* the guest's end of the console channel */
    u32 hv_port;                    /* the hypervisor's end */
    bool broken;                    /* the guest broke the ring's indices (reported once) */
    bool held;                      /* some output is held back (an unfinished line) */
    bool ring_used;                 /* the guest wrote to its ring: console_io no longer shown */
};

struct p2m_domain {
    spinlock_t lock;
    struct npt npt;
    u64 ram_pages; /* frames behind P2M_RAM entries (owned by the domain) */
    /* RAM populated lazily (p2m_populate_ram_lazy): 2 MiB chunks not yet mapped. */
    u64 *lazy; /* bit per 2 MiB chunk of guest-physical space below lazy_chunks */
    u64 lazy_chunks;
    void **pool; /* the domain's unmapped 2 MiB frames (never touched before they are mapped) */
    u64 pool_frames;
};

struct domain {
    u16 domid;
    char name[DOMAIN_NAME_MAX];
    struct list_head list;

    spinlock_t lock;
    unsigned int max_vcpus;
    struct vcpu **vcpu;
    int pause_count;
    bool is_shutting_down;       /* shutdown or crash requested: vCPUs must not run again */
    unsigned shutdown_code;      /* SHUTDOWN_* reason (valid once is_shutting_down) */
    unsigned shutdown_code_hint; /* set by SCHEDOP_shutdown_code, used on a later shutdown */
    bool crashed;
    bool destroyed;     /* destroy has started (set once) */
    bool preserved;     /* stopped and kept (on_crash/on_reboot=preserve), never destroyed */
    bool is_privileged; /* control domain (none yet) */

    /* Memory. */
    struct p2m_domain p2m;
    u64 max_pages;                 /* RAM limit in frames */
    u64 tot_pages;                 /* frames the domain owns now (domain_alloc_pages) */
    void *shared_info;             /* hypervisor-owned page, mapped with XENMAPSPACE_shared_info */
    u64 shared_info_gfn;           /* ~0 while not mapped */
    spinlock_t physmap_lock;       /* add_to_physmap and reservation changes, one at a time */
    struct gnttab_domain *gnttab;  /* grant table v1 (common/grant_table.c) */
    struct exit_stats *exit_stats; /* VM exits by reason (lares/exit_stats.h) */
    struct domain_events events;   /* event channels (lares/event.h) */

    /* Guest-visible platform. */
    struct cpuid_policy *cpuid;
    u64 hvm_params[HVM_NR_PARAMS];
    unsigned nr_e820; /* the memory map the domain was built with */
    struct domain_e820 {
        u64 addr, size;
        u32 type;
    } e820[8];
    u64 ram_end; /* guest-physical end of low RAM */

    struct guest_console console;
    spinlock_t pit_lock;
    struct pit_ch2 pit; /* PIT channel 2 (ports 0x42/0x43/0x61, lares/pit_ch2.h) */
    enum domain_action on_reboot, on_crash;
    struct sched_dom sched; /* weight, cap (scheduler lock) */

    /* Called (on a CPU with no vCPU of this domain) after destroy freed everything. */
    void (*on_destroyed)(u16 domid, unsigned shutdown_code, bool crashed);
};

#define SHARED_INFO_GFN_NONE (~0ull)
#define SHUTDOWN_CODE_NONE (~0u)

/* Create a paused domain with nr_vcpus vCPUs (all VPF_DOWN). NULL on failure (logged). */
struct domain *domain_create(const char *name, unsigned nr_vcpus, u64 max_pages);

/* Free a domain that never ran (a build failed). */
void domain_destroy_unstarted(struct domain *d);

void domain_pause(struct domain *d);
void domain_unpause(struct domain *d);

/* Xen's SCHEDOP_shutdown: stop every vCPU and record the reason (SHUTDOWN_*). */
void domain_shutdown(struct domain *d, unsigned reason);

/* The same from outside the domain (a timer, the console), by id: safe if it is gone. */
void domain_shutdown_id(u16 domid, unsigned reason);

/* The guest misbehaved: report why, dump its vCPUs and stop it. */
void domain_crash(struct domain *d, const char *fmt, ...) __printf(2, 3);

/*
 * Destroy the domain if it is shutting down and none of its vCPUs is on a
 * CPU. Called (by id: the domain may be gone already) whenever a vCPU of a
 * stopping domain leaves its CPU, and by domain_shutdown() itself.
 */
void domain_maybe_destroy_id(u16 domid);

/* Look a domain up by id (no reference counting yet: domains die only via their own CPUs). */
struct domain *domain_by_id(u16 domid);

/*
 * Work that involves another domain (event channels): while the domain
 * list lock is held no domain is destroyed, so one found with
 * domain_by_id_locked() stays valid until domains_unlock(). Taken with
 * interrupts off; first in the lock order.
 */
unsigned long domains_lock(void);
void domains_unlock(unsigned long flags);
/* NULL if there is no such domain (or its destruction has begun). */
struct domain *domain_by_id_locked(u16 domid);
/* The live domain with the lowest id above @after (-1: the lowest of all), or NULL. */
struct domain *domain_next_locked(int after);

/* vCPU state helpers. */
bool vcpu_runnable(const struct vcpu *v);
void vcpu_set_flag(struct vcpu *v, u32 flag);
void vcpu_clear_flag(struct vcpu *v, u32 flag); /* wakes the vCPU if it became runnable */
void vcpu_block(struct vcpu *v);                /* VPF_BLOCKED, unless work is pending */
void vcpu_unblock(struct vcpu *v);              /* clear VPF_BLOCKED (an interrupt came) */
void vcpu_dump(struct vcpu *v);
/* Debug key 'q': every domain, its vCPUs' scheduling state and local APICs. */
void domain_dump_all(void);
void vcpu_kick(struct vcpu *v); /* make it leave guest mode soon to see new work */

/* Guest output (console_io, port 0xE9, PV ring): printed line by line as "(name) text". */
int guest_console_init(struct domain *d);
void guest_console_free(struct domain *d);
void guest_console_write(struct domain *d, const char *buf, size_t len); /* console_io, 0xE9 */
void guest_console_write_ring(struct domain *d, const char *buf, size_t len);
void guest_console_flush(struct domain *d);
/* Show an unfinished line that has waited long enough; true if text is still held back. */
bool guest_console_idle(struct domain *d);
/* Print the domain's last output lines (for crash reports). */
void guest_console_replay(struct domain *d);

/* The vCPU running on this CPU (NULL in the idle loop). */
struct vcpu *current_vcpu(void);

/* Domain memory: frames counted against d. NULL at the limit or when memory is out. */
void *domain_alloc_pages(struct domain *d, unsigned order);
void domain_free_pages(struct domain *d, void *va, unsigned order);
/* The same without the limit, for replacing frames the domain already has. */
void *domain_alloc_pages_unlimited(struct domain *d, unsigned order);
u64 domain_page_count(const struct domain *d);

/* HVM parameters with per-domain values (xenstore's), after the event table exists. */
int hvm_params_domain_init(struct domain *d);

/* Grant table (common/grant_table.c). */
int domain_gnttab_init(struct domain *d, unsigned int max_frames);
void domain_gnttab_destroy(struct domain *d);
unsigned int domain_gnttab_frames(const struct domain *d);
/* Map grant frame idx at gpfn (replacing a grant frame there); -EINVAL for a bad idx, nothing changed. */
int gnttab_physmap_add(struct domain *d, u64 idx, u64 gpfn);
void gnttab_physmap_forget(struct domain *d, u64 gfn);

/* Write fresh pvclock time into every vcpu_info and the wall clock. */
void shared_info_update_time(struct domain *d);

_Static_assert(DOMAIN_MAX_VCPUS <= XEN_LEGACY_MAX_VCPUS,
               "every vCPU has a vcpu_info slot in shared_info until it registers one");

/* "d1 (name): N VM exits; most frequent: ..." (hvm/trace.c). */
void domain_exit_stats_print(struct domain *d);

/* Reason names for logs: "poweroff", "reboot", ... */
const char *shutdown_reason_name(unsigned reason);

#endif
