/*
 * vcpu_areas: the guest memory the hypervisor writes for each vCPU at
 * places the guest chooses.
 *
 * VCPUOP_register_vcpu_info: Xen 4.17's errors (-ENXIO across a page or
 * misaligned, -EINVAL for memory that is not RAM or a second registration,
 * -ENOENT for no such vCPU); allowed for a vCPU that is not running (Linux
 * registers its APs' first); the new place starts with every selector bit
 * and upcall_pending set and valid time, events go there from then on,
 * and the old shared_info slot keeps valid time. Lares also refuses to map
 * something else over the registered page (it is pinned).
 * VCPUOP_register_runstate_memory_area (here straddling two pages): the
 * area shows the vCPU running, then the time it spent blocked after a
 * SCHEDOP_block; address 0 stops the updates. VCPUOP_get_runstate_info
 * agrees. vm_assist(runstate_update_flag) is accepted. Registered from
 * 32-bit code (a 4-byte handle), the area has the 32-bit layout -- 44 bytes,
 * state_entry_time at offset 4 -- at registration and at every switch, and
 * nothing past it is written. (Xen picks that layout by the width it latched
 * at HVM_PARAM_CALLBACK_IRQ, so the vector is set again from 32-bit code
 * first, and from 64-bit code afterwards.) Run with vcpus=2.
 */
#include <guest.h>
#include <guest/compat.h>
#include <guest/events.h>
#include <guest/pvclock.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <public/memory.h>

const char test_title[] = "vcpu_areas: register_vcpu_info and the runstate area";

#define MS 1000000ull

static u8 pages[3][XEN_PAGE_SIZE] __aligned(XEN_PAGE_SIZE);

static long register_at(unsigned int vcpu, u64 gfn, u32 offset)
{
    struct vcpu_register_vcpu_info r = {.mfn = gfn, .offset = offset};

    return hypercall_vcpu_op(VCPUOP_register_vcpu_info, vcpu, &r);
}

static void vcpu_info_errors(void)
{
    u64 gfn = (u64)pages[0] >> XEN_PAGE_SHIFT;
    long rc;

    rc = register_at(0, gfn, XEN_PAGE_SIZE - 32);
    check(rc == -ENXIO, "vcpu_info across a page: rc %ld", rc);
    rc = register_at(0, gfn, 4);
    check(rc == -ENXIO, "misaligned vcpu_info: rc %ld", rc);
    rc = register_at(0, 0x7000000, 0); /* far beyond the domain's RAM */
    check(rc == -EINVAL, "vcpu_info outside RAM: rc %ld", rc);
    rc = register_at(99, gfn, 0);
    check(rc == -ENOENT, "vCPU 99: rc %ld", rc);
}

static void moved_vcpu_info(void)
{
    struct vcpu_info *vi = (struct vcpu_info *)(pages[0] + 128);
    struct vcpu_time_info t, slot;
    u32 ipi;
    long rc;

    memset(pages[0], 0x5a, sizeof(pages[0]));
    rc = events_register_vcpu_info(0, vi);
    if (!check(rc == 0, "register_vcpu_info(0): rc %ld", rc))
        return;
    check(vi->evtchn_upcall_pending == 1 && vi->evtchn_pending_sel == ~0ull,
          "a new vcpu_info must make the guest rescan: upcall %u selector %#lx",
          vi->evtchn_upcall_pending, vi->evtchn_pending_sel);
    check(pvclock_snapshot(&vi->time, &t, 1000000) && t.tsc_to_system_mul != 0,
          "no valid time at the new place");
    check(pvclock_snapshot(&shared->vcpu_info[0].time, &slot, 1000000) &&
              slot.tsc_to_system_mul == t.tsc_to_system_mul && slot.tsc_shift == t.tsc_shift,
          "the shared_info slot's time is no longer valid");
    check(register_at(0, (u64)pages[1] >> XEN_PAGE_SHIFT, 0) == -EINVAL, "registered twice");

    /* Events go to the new place. */
    events_clear_upcall(0);
    __atomic_store_n(&shared->vcpu_info[0].evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&shared->vcpu_info[0].evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
    if (!check(evtchn_bind_ipi(0, &ipi) == 0, "bind_ipi"))
        return;
    evtchn_send(ipi);
    check(vi->evtchn_pending_sel == 1ull << (ipi / 64) && vi->evtchn_upcall_pending,
          "the event did not reach the new vcpu_info");
    check(!shared->vcpu_info[0].evtchn_pending_sel && !shared->vcpu_info[0].evtchn_upcall_pending,
          "the event went to the old slot");
    evtchn_close(ipi);
    events_clear_upcall(0);

    if (running_on_lares()) {
        struct xen_add_to_physmap xatp = {.domid = DOMID_SELF,
                                          .space = XENMAPSPACE_shared_info,
                                          .gpfn = (u64)pages[0] >> XEN_PAGE_SHIFT};

        rc = hypercall_memory_op(XENMEM_add_to_physmap, &xatp);
        check(rc == -EBUSY, "shared_info mapped over the registered vcpu_info: rc %ld", rc);
    }
}

static void other_vcpu(void)
{
    struct vcpu_info *vi = (struct vcpu_info *)(pages[0] + 256);
    u32 p;

    if (evtchn_bind_ipi(1, &p)) {
        printk("  one vCPU: registering for a vCPU that is down not checked\n");
        return;
    }
    evtchn_close(p);
    check(events_register_vcpu_info(1, vi) == 0, "register_vcpu_info for (down) vCPU 1");
    check(vi->evtchn_upcall_pending == 1, "vCPU 1's new vcpu_info: no rescan");
}

static void read_area(volatile struct vcpu_runstate_info *a, struct vcpu_runstate_info *r)
{
    u64 t;

    do {
        t = a->state_entry_time;
        __asm__ __volatile__("lfence" ::: "memory");
        r->state = a->state;
        for (int i = 0; i < 4; i++)
            r->time[i] = a->time[i];
        r->state_entry_time = a->state_entry_time;
        __asm__ __volatile__("lfence" ::: "memory");
    } while (t != a->state_entry_time || (t & XEN_RUNSTATE_UPDATE));
}

static void runstate_area(void)
{
    /* 48 bytes straddling the boundary of pages[1] and pages[2]. */
    volatile struct vcpu_runstate_info *a = (volatile struct vcpu_runstate_info *)(pages[2] - 20);
    struct vcpu_register_runstate_memory_area reg = {.addr.p = (u64)a};
    struct vcpu_runstate_info r0, r1, r2, info;
    u32 tport;
    long rc;

    rc = hypercall_vm_assist(VMASST_CMD_enable, VMASST_TYPE_runstate_update_flag);
    check(rc == 0, "vm_assist(runstate_update_flag): rc %ld", rc);
    check(hypercall_vm_assist(VMASST_CMD_enable, 31) == -EINVAL, "vm_assist type 31");
    memset(pages[1], 0xff, sizeof(pages[1]));
    rc = hypercall_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &reg);
    if (!check(rc == 0, "register_runstate_memory_area: rc %ld", rc))
        return;
    read_area(a, &r0);
    check(r0.state == RUNSTATE_running, "state %d while running", r0.state);
    check(r0.state_entry_time && r0.state_entry_time <= xen_now(), "state_entry_time %lu (now %lu)",
          r0.state_entry_time, xen_now());

    /* Sleep 20 ms on a timer: the area must show the blocked time afterwards. */
    if (!check(evtchn_bind_virq(VIRQ_TIMER, 0, &tport) == 0, "bind VIRQ_TIMER"))
        return;
    evtchn_clear(tport);
    events_clear_upcall(0);
    vcpu_singleshot(0, xen_now() + 20 * MS, 0);
    check(sched_block() == 0, "block");
    read_area(a, &r1);
    check(r1.state == RUNSTATE_running, "state %d after waking", r1.state);
    check(r1.time[RUNSTATE_blocked] > r0.time[RUNSTATE_blocked], "no blocked time: %lu",
          r1.time[RUNSTATE_blocked]);
    check(r1.state_entry_time > r0.state_entry_time, "state_entry_time did not move");
    check(r1.time[RUNSTATE_running] >= r0.time[RUNSTATE_running], "running time went back");
    printk("  runstate: running %lu us, runnable %lu us, blocked %lu us, offline %lu us\n",
           r1.time[0] / 1000, r1.time[1] / 1000, r1.time[2] / 1000, r1.time[3] / 1000);

    rc = hypercall_vcpu_op(VCPUOP_get_runstate_info, 0, &info);
    check(rc == 0 && info.state == RUNSTATE_running &&
              info.time[RUNSTATE_blocked] >= r1.time[RUNSTATE_blocked],
          "get_runstate_info: rc %ld state %d blocked %lu", rc, info.state,
          info.time[RUNSTATE_blocked]);

    /* Address 0: no more updates. */
    reg.addr.p = 0;
    check(hypercall_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &reg) == 0, "unregister");
    evtchn_clear(tport);
    events_clear_upcall(0);
    vcpu_singleshot(0, xen_now() + 5 * MS, 0);
    sched_block();
    read_area(a, &r2);
    check(r2.state_entry_time == r1.state_entry_time, "the area changed after address 0");
    evtchn_close(tport);
    events_clear_upcall(0);
}

/* A 32-bit guest's vcpu_runstate_info: 64-bit members 4-byte aligned, 44 bytes. */
struct runstate32 {
    u32 state;
    u64 state_entry_time;
    u64 time[4];
} __attribute__((packed));

static void read_area32(volatile struct runstate32 *a, struct vcpu_runstate_info *r)
{
    u64 t;

    do {
        t = a->state_entry_time;
        __asm__ __volatile__("lfence" ::: "memory");
        r->state = (int)a->state;
        for (int i = 0; i < 4; i++)
            r->time[i] = a->time[i];
        r->state_entry_time = a->state_entry_time;
        __asm__ __volatile__("lfence" ::: "memory");
    } while (t != a->state_entry_time || (t & XEN_RUNSTATE_UPDATE));
}

/* HVM_PARAM_CALLBACK_IRQ set again to what it is, from 32- or 64-bit code. */
static long reset_callback(bool from32)
{
    struct xen_hvm_param p = {.domid = DOMID_SELF, .index = HVM_PARAM_CALLBACK_IRQ};
    long rc = hypercall_hvm_op(HVMOP_get_param, &p);

    if (rc)
        return rc;
    if (!from32)
        return hypercall_hvm_op(HVMOP_set_param, &p);
    return (int)hypercall32(__HYPERVISOR_hvm_op, HVMOP_set_param, (u32)(u64)&p, 0, 0, 0);
}

static void runstate_area32(void)
{
    /* 44 bytes straddling the boundary of pages[1] and pages[2], then 4 bytes that must stay. */
    volatile struct runstate32 *a = (volatile struct runstate32 *)(pages[2] - 20);
    volatile u32 *after = (volatile u32 *)(pages[2] + 24);
    u32 handle = (u32)(u64)a;
    struct vcpu_register_runstate_memory_area none = {.addr.p = 0};
    struct vcpu_runstate_info r0, r1;
    u32 tport;
    long rc;

    compat_init();
    memset(pages[1], 0xff, sizeof(pages[1]));
    memset(pages[2], 0xee, 64);
    if (!check(evtchn_bind_virq(VIRQ_TIMER, 0, &tport) == 0, "bind VIRQ_TIMER"))
        return;
    evtchn_clear(tport);
    events_clear_upcall(0);
    check(reset_callback(true) == 0, "set HVM_PARAM_CALLBACK_IRQ from 32-bit code");
    rc = (int)hypercall32(__HYPERVISOR_vcpu_op, VCPUOP_register_runstate_memory_area, 0,
                          (u32)(u64)&handle, 0, 0);
    if (!check(rc == 0, "register_runstate_memory_area from 32-bit code: rc %ld", rc))
        goto out;
    read_area32(a, &r0);
    check(r0.state == RUNSTATE_running, "32-bit area: state %d while running", r0.state);
    check(r0.state_entry_time && r0.state_entry_time <= xen_now(),
          "32-bit area: state_entry_time %lu at offset 4 (now %lu)", r0.state_entry_time,
          xen_now());
    check(*after == 0xeeeeeeee, "32-bit area: bytes 44-47 written (%#x)", *after);

    vcpu_singleshot(0, xen_now() + 20 * MS, 0);
    check(sched_block() == 0, "block");
    read_area32(a, &r1);
    check(r1.state == RUNSTATE_running, "32-bit area: state %d after waking", r1.state);
    check(r1.time[RUNSTATE_blocked] > r0.time[RUNSTATE_blocked],
          "32-bit area: no blocked time after a switch: %lu", r1.time[RUNSTATE_blocked]);
    check(r1.state_entry_time > r0.state_entry_time, "32-bit area: state_entry_time did not move");
    check(*after == 0xeeeeeeee, "32-bit area: bytes 44-47 written at a switch (%#x)", *after);
    printk("  runstate from 32-bit code: 44 bytes, blocked %lu us\n",
           r1.time[RUNSTATE_blocked] / 1000);
    check(hypercall_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &none) == 0, "unregister");
out:
    check(reset_callback(false) == 0, "set HVM_PARAM_CALLBACK_IRQ from 64-bit code");
    evtchn_close(tport);
    events_clear_upcall(0);
}

static void ignore_upcall(struct cpu_regs *regs)
{
    events_scan(0, NULL);
}

void test_main(void)
{
    if (!test_needs_xen())
        return;
    if (!check(events_init() == 0, "cannot map shared_info"))
        return;
    /* Xen wakes a blocked HVM vCPU for events only once it has a callback vector. */
    events_set_callback(ignore_upcall); /* interrupts stay off: never called */
    vcpu_info_errors();
    moved_vcpu_info();
    other_vcpu();
    runstate_area();
    runstate_area32();
    test_success();
}
