/*
 * The 2-level event-channel bit protocol (Xen's "2L" port ABI) on guest
 * memory: the pending/mask bitmaps in a domain's shared_info page and the
 * selector/upcall flags in a vCPU's vcpu_info.
 *
 * Concurrency: the guest owns this memory and writes it at any time from any
 * of its vCPUs. Every access here is a single atomic operation on one word
 * (lock-prefixed RMW or plain aligned load), and every decision is taken from
 * the value that one operation returned; nothing is read twice. Callers need
 * no lock for the bit operations themselves, but they must hold the domain's
 * event lock (see <lares/evtchn_ports.h>) so that the (port, notify vCPU,
 * vcpu_info location) triple they pass is stable.
 *
 * The vcpu_info pointer must be the vCPU's current one: its legacy slot in
 * shared_info (sh->vcpu_info[n], n < XEN_LEGACY_MAX_VCPUS) until
 * VCPUOP_register_vcpu_info moves it, the registered location afterwards. Both areas must be 8-byte
 * aligned (shared_info is page aligned; registration checks vcpu_info).
 */
#ifndef LARES_EVTCHN_2L_H
#define LARES_EVTCHN_2L_H

#include <lares/types.h>
#include <public/event_channel.h>
#include <public/xen.h>

#define EVTCHN_2L_WORD_BITS 64
#define EVTCHN_2L_NR_PORTS EVTCHN_2L_NR_CHANNELS /* 4096: ports 1..4095 */

/* What set_pending() asks the caller to do (bit flags). */
enum {
    /* The port's pending bit went 0 -> 1: wake vCPUs polling on it (SCHEDOP_poll). */
    EVTCHN_2L_NEWLY_PENDING = 1 << 0,
    /*
     * upcall_pending went 0 -> 1 on this vcpu_info: assert the upcall (callback
     * vector) and kick the vCPU (IPI if running elsewhere, wake if blocked).
     */
    EVTCHN_2L_UPCALL = 1 << 1,
};

/*
 * Raise @port: test-and-set its pending bit; if it was clear and the port is
 * unmasked, test-and-set the selector bit in @vi; if that was clear,
 * test-and-set upcall_pending. Returns EVTCHN_2L_* flags. Ports outside
 * 1..4095 are ignored (returns 0); the port table never hands them out.
 */
unsigned int evtchn_2l_set_pending(struct shared_info *sh, struct vcpu_info *vi, unsigned int port);

/*
 * EVTCHNOP_unmask: clear @port's mask bit; if it was set, the port is
 * pending and its selector bit in @vi was clear, mark @vi's upcall pending.
 * Returns true when upcall_pending went 0 -> 1 (assert upcall, kick vCPU).
 */
bool evtchn_2l_unmask(struct shared_info *sh, struct vcpu_info *vi, unsigned int port);

/* Clear @port's pending bit (done when a port is freed). */
void evtchn_2l_clear_pending(struct shared_info *sh, unsigned int port);

bool evtchn_2l_is_pending(const struct shared_info *sh, unsigned int port);

/* Ports outside the 2-level range count as masked (nothing can be delivered). */
bool evtchn_2l_is_masked(const struct shared_info *sh, unsigned int port);

/* Whether @vi has an upcall outstanding (checked before every VM entry). */
bool evtchn_2l_upcall_pending(const struct vcpu_info *vi);

/*
 * After VCPUOP_register_vcpu_info moved a vCPU's vcpu_info to @vi: set every
 * selector bit and upcall_pending so the guest rescans everything and no
 * event raised against the old location is lost. Returns true when
 * upcall_pending went 0 -> 1 (assert upcall, kick vCPU).
 */
bool evtchn_2l_force_rescan(struct vcpu_info *vi);

#endif
