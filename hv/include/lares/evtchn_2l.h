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
 * shared_info (sh->vcpu_info[n], n < 32) until VCPUOP_register_vcpu_info
 * moves it, the registered location afterwards. Both areas must be 8-byte
 * aligned (shared_info is page aligned; registration checks vcpu_info).
 */
#ifndef LARES_EVTCHN_2L_H
#define LARES_EVTCHN_2L_H

#include <lares/types.h>
#include <lares/compiler.h>

#define EVTCHN_2L_WORD_BITS 64
#define EVTCHN_2L_WORDS 64
#define EVTCHN_2L_NR_PORTS (EVTCHN_2L_WORDS * EVTCHN_2L_WORD_BITS) /* 4096 */
#define EVTCHN_2L_LEGACY_VCPUS 32

/*
 * The parts of Xen's struct vcpu_info this protocol touches, at the ABI
 * offsets (64 bytes in all). The full layout lives in include/public/.
 */
struct evtchn_2l_vcpu_info {
    u8 upcall_pending; /* @0: set by us, cleared by the guest */
    u8 upcall_mask;    /* @1: PV only; ignored for PVH */
    u8 pad0[6];
    u64 pending_sel; /* @8: bit w => evtchn_pending[w] may have work */
    u8 arch[16];     /* @16 */
    u8 time[32];     /* @32: vcpu_time_info, not touched here */
};

/* The event-channel part of Xen's struct shared_info (x86-64 offsets). */
struct evtchn_2l_shared_info {
    struct evtchn_2l_vcpu_info vcpu_info[EVTCHN_2L_LEGACY_VCPUS]; /* @0 */
    u64 evtchn_pending[EVTCHN_2L_WORDS];                          /* @2048 */
    u64 evtchn_mask[EVTCHN_2L_WORDS];                             /* @2560 */
};

BUILD_BUG_ON(sizeof(struct evtchn_2l_vcpu_info) != 64);
BUILD_BUG_ON(__builtin_offsetof(struct evtchn_2l_vcpu_info, pending_sel) != 8);
BUILD_BUG_ON(__builtin_offsetof(struct evtchn_2l_vcpu_info, time) != 32);
BUILD_BUG_ON(__builtin_offsetof(struct evtchn_2l_shared_info, evtchn_pending) != 2048);
BUILD_BUG_ON(__builtin_offsetof(struct evtchn_2l_shared_info, evtchn_mask) != 2560);
BUILD_BUG_ON(sizeof(struct evtchn_2l_shared_info) != 3072);

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
unsigned int evtchn_2l_set_pending(struct evtchn_2l_shared_info *sh, struct evtchn_2l_vcpu_info *vi,
                                   unsigned int port);

/*
 * EVTCHNOP_unmask: clear @port's mask bit; if it was set, the port is
 * pending and its selector bit in @vi was clear, mark @vi's upcall pending.
 * Returns true when upcall_pending went 0 -> 1 (assert upcall, kick vCPU).
 */
bool evtchn_2l_unmask(struct evtchn_2l_shared_info *sh, struct evtchn_2l_vcpu_info *vi,
                      unsigned int port);

/* Clear @port's pending bit (done when a port is freed). */
void evtchn_2l_clear_pending(struct evtchn_2l_shared_info *sh, unsigned int port);

bool evtchn_2l_is_pending(const struct evtchn_2l_shared_info *sh, unsigned int port);

/* Ports outside the 2-level range count as masked (nothing can be delivered). */
bool evtchn_2l_is_masked(const struct evtchn_2l_shared_info *sh, unsigned int port);

/* Whether @vi has an upcall outstanding (checked before every VM entry). */
bool evtchn_2l_upcall_pending(const struct evtchn_2l_vcpu_info *vi);

/*
 * After VCPUOP_register_vcpu_info moved a vCPU's vcpu_info to @vi: set every
 * selector bit and upcall_pending so the guest rescans everything and no
 * event raised against the old location is lost. Returns true when
 * upcall_pending went 0 -> 1 (assert upcall, kick vCPU).
 */
bool evtchn_2l_force_rescan(struct evtchn_2l_vcpu_info *vi);

#endif
