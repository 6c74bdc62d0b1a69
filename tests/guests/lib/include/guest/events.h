/*
 * Event channels, upcalls and Xen time for test guests: the guest side of
 * Xen's 2-level event ABI, done the way Linux does it.
 *
 *   events_init()            map shared_info (a page of the image)
 *   events_set_callback(fn)  HVM_PARAM_CALLBACK_IRQ = vector EVENT_VECTOR;
 *                            fn runs on every upcall, interrupts off
 *   events_scan(vcpu, fn)    what Linux's upcall handler does: clear
 *                            upcall_pending, take the selector, call fn for
 *                            each pending unmasked port (after clearing its
 *                            pending bit), repeat while new events arrive
 *   xen_now()                system time (ns) from the pvclock
 *
 * Ports are masked or not as the hypervisor left them (unmasked after
 * domain creation); tests mask what they do not want delivered.
 */
#ifndef GUEST_EVENTS_H
#define GUEST_EVENTS_H

#include <guest/traps.h>
#include <lares/types.h>
#include <public/event_channel.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/xen.h>

#define EVENT_VECTOR 0xf3 /* Linux's HYPERVISOR_CALLBACK_VECTOR */

extern struct shared_info *shared;

/* Map shared_info; 0 or the hypercall's error. */
long events_init(void);
/* Deliver upcalls on EVENT_VECTOR to fn (NULL: no handler, no callback vector). */
long events_set_callback(irq_handler_t fn);

/* Where vCPU n's vcpu_info is (its shared_info slot unless moved). */
struct vcpu_info *vcpu_info_of(unsigned int vcpu);
/* VCPUOP_register_vcpu_info for vCPU n to vi (which must not cross a page). */
long events_register_vcpu_info(unsigned int vcpu, struct vcpu_info *vi);

/* Bits in shared_info (atomic, as the hypervisor sets them concurrently). */
bool evtchn_pending(u32 port);
bool evtchn_masked(u32 port);
bool evtchn_test_and_clear(u32 port); /* pending bit: was it set? */
void evtchn_clear(u32 port);
void evtchn_mask(u32 port);
void evtchn_unmask_bit(u32 port); /* local only: no re-delivery (see EVTCHNOP_unmask) */
/* Clear vCPU n's upcall_pending and selector (forget stale upcalls). */
void events_clear_upcall(unsigned int vcpu);

/*
 * Linux-style scan on vCPU @vcpu; returns how many ports fn was called for.
 * Only ports this vCPU handles are taken (bind_ipi/bind_virq/bind_vcpu
 * through the wrappers below say which; others are vCPU 0's), as Linux
 * services only the ports bound to the CPU it runs on.
 */
typedef void (*port_fn)(u32 port);
unsigned int events_scan(unsigned int vcpu, port_fn fn);

/* EVTCHNOP wrappers: the hypercall's result; out-parameters only on success. */
long evtchn_alloc_unbound(domid_t remote, u32 *port);
long evtchn_bind_interdomain(domid_t remote, u32 remote_port, u32 *local_port);
long evtchn_bind_virq(u32 virq, u32 vcpu, u32 *port);
long evtchn_bind_ipi(u32 vcpu, u32 *port);
long evtchn_bind_vcpu(u32 port, u32 vcpu);
long evtchn_send(u32 port);
long evtchn_close(u32 port);
long evtchn_unmask(u32 port);
long evtchn_status(domid_t dom, u32 port, struct evtchn_status *st);

/* Scheduling and timers (vCPU 0 unless given). */
long sched_yield(void);
long sched_block(void);
long sched_poll(const u32 *ports, u32 nr, u64 timeout);
long vcpu_singleshot(unsigned int vcpu, u64 deadline, u32 flags);
long vcpu_stop_singleshot(unsigned int vcpu);
long vcpu_periodic(unsigned int vcpu, u64 period_ns);
long vcpu_stop_periodic(unsigned int vcpu);

/* System time in ns from vCPU n's vcpu_time_info (retrying while it changes). */
u64 xen_now_on(unsigned int vcpu);
static inline u64 xen_now(void)
{
    return xen_now_on(0);
}

/* The hypervisor is Lares (XENVER_compile_info says who built it), not Xen. */
bool running_on_lares(void);

/* A decimal command-line option ("key=123"), or def if absent or malformed. */
u64 cmdline_u64(const char *key, u64 def);

#endif
