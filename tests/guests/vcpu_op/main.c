/*
 * vcpu_op: bringing vCPUs up and down with VCPUOP_* (Xen's PVH/HVM rules,
 * as XTF and other OSes use them; Linux 6.1 uses INIT/SIPI instead). Needs
 * 3 vCPUs. The hypervisor must:
 *  - answer VCPUOP_is_up (0/1), and -ENOENT for vCPUs the domain lacks;
 *  - refuse VCPUOP_up for a vCPU never initialised (-EINVAL);
 *  - take VCPUOP_initialise with a vcpu_hvm_context once (-EEXIST after),
 *    checking it as Xen does (-EINVAL), and start the vCPU there at
 *    VCPUOP_up: in long mode (64-bit context) or 32-bit flat protected
 *    mode with the segments given (32-bit context);
 *  - stop a vCPU at VCPUOP_down and resume it where it was at VCPUOP_up;
 *  - report each vCPU's runstate (VCPUOP_get_runstate_info).
 */
#include <guest.h>
#include <public/hvm/hvm_vcpu.h>
#include <public/vcpu.h>

const char test_title[] = "vcpu_op: VCPUOP_initialise/up/down/is_up/get_runstate_info";

static unsigned int steps[4];
static u32 ids[4];

static unsigned int get(const unsigned int *p)
{
    return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

static bool wait_for(const unsigned int *p, unsigned int want)
{
    u64 start = rdtsc(), limit = 5000 * tsc_per_ms();

    while (get(p) < want && rdtsc() - start < limit)
        cpu_relax();
    return get(p) >= want;
}

static bool wait_is_up(unsigned int cpu, long want)
{
    u64 start = rdtsc(), limit = 5000 * tsc_per_ms();
    long up;

    while ((up = hypercall_vcpu_op(VCPUOP_is_up, cpu, NULL)) != want && rdtsc() - start < limit)
        cpu_relax();
    return up == want;
}

/* vCPU 1: take itself down once, then end (halt with interrupts off). */
static void ap_down_and_up(unsigned int cpu)
{
    ids[cpu] = lapic_id();
    __atomic_fetch_add(&steps[cpu], 1, __ATOMIC_SEQ_CST);
    hypercall_vcpu_op(VCPUOP_down, cpu, NULL); /* returns once someone does VCPUOP_up */
    __atomic_fetch_add(&steps[cpu], 1, __ATOMIC_SEQ_CST);
}

static void ap_once(unsigned int cpu)
{
    ids[cpu] = lapic_id();
    __atomic_fetch_add(&steps[cpu], 1, __ATOMIC_SEQ_CST);
}

static struct vcpu_hvm_context ctx64(void)
{
    struct vcpu_hvm_context c = {.mode = VCPU_HVM_MODE_64B};

    c.cpu_regs.x86_64.rip = (u64)ap_entry64;
    c.cpu_regs.x86_64.rflags = 2;
    c.cpu_regs.x86_64.cr0 = read_cr0();
    c.cpu_regs.x86_64.cr3 = read_cr3();
    c.cpu_regs.x86_64.cr4 = read_cr4();
    c.cpu_regs.x86_64.efer = rdmsr(MSR_EFER);
    return c;
}

static struct vcpu_hvm_context ctx32(void)
{
    struct vcpu_hvm_context c = {.mode = VCPU_HVM_MODE_32B};
    struct vcpu_hvm_x86_32 *r = &c.cpu_regs.x86_32;

    r->eip = (u32)(u64)ap_entry32_flat;
    r->eflags = 2;
    r->cr0 = 0x11; /* PE, ET: no paging */
    r->cs_limit = r->ds_limit = r->ss_limit = r->es_limit = ~0u;
    r->tr_limit = 0x67;
    r->cs_ar = 0xc9b;
    r->ds_ar = r->ss_ar = r->es_ar = 0xc93;
    r->tr_ar = 0x08b;
    return c;
}

static void errors(unsigned int nr)
{
    struct vcpu_hvm_context c;
    long rc;

    rc = hypercall_vcpu_op(VCPUOP_is_up, nr, NULL);
    check(rc == -ENOENT, "is_up of vCPU %u: %ld", nr, rc);
    rc = hypercall_vcpu_op(VCPUOP_is_up, ~0u, NULL);
    check(rc == -ENOENT, "is_up of vCPU ~0: %ld", rc);
    rc = hypercall_vcpu_op(VCPUOP_up, 1, NULL);
    check(rc == -EINVAL, "up of an uninitialised vCPU: %ld", rc);
    rc = hypercall_vcpu_op(VCPUOP_send_nmi + 100, 1, NULL);
    check(rc == -ENOSYS, "unknown VCPUOP: %ld", rc);

    c = ctx64();
    c.mode = 7;
    check(hypercall_vcpu_op(VCPUOP_initialise, 1, &c) == -EINVAL, "mode 7 accepted");
    c = ctx64();
    c.cpu_regs.x86_64.rip = 0x0000800000000000ull;
    check(hypercall_vcpu_op(VCPUOP_initialise, 1, &c) == -EINVAL, "non-canonical RIP accepted");
    c = ctx64();
    c.cpu_regs.x86_64.cr0 &= ~X86_CR0_PG;
    check(hypercall_vcpu_op(VCPUOP_initialise, 1, &c) == -EINVAL, "64-bit without paging");
    c = ctx32();
    c.cpu_regs.x86_32.cs_ar = 0xc93;
    check(hypercall_vcpu_op(VCPUOP_initialise, 1, &c) == -EINVAL, "data segment as CS");
    rc = hypercall_vcpu_op(VCPUOP_initialise, 1, (void *)0x10);
    check(rc == -EFAULT, "context at an unmapped address: %ld", rc);
    check(hypercall_vcpu_op(VCPUOP_is_up, 1, NULL) == 0, "a refused context started vCPU 1");
}

static void runstate_of(unsigned int cpu, struct vcpu_runstate_info *r)
{
    long rc = hypercall_vcpu_op(VCPUOP_get_runstate_info, cpu, r);

    check(rc == 0, "get_runstate_info(%u): %ld", cpu, rc);
}

void test_main(void)
{
    struct vcpu_hvm_context c;
    struct vcpu_runstate_info r0, r1;
    unsigned int nr;
    long rc;

    if (!test_needs_xen())
        return;
    nr = smp_nr_vcpus();
    if (nr < 3) {
        test_skip("needs 3 vCPUs, has %u", nr);
        return;
    }
    check(hypercall_vcpu_op(VCPUOP_is_up, 0, NULL) == 1, "vCPU 0 is not up");
    errors(nr);

    /* vCPU 1: 64-bit context, down and up again. */
    c = ctx64();
    smp_prepare_ap(1, ap_down_and_up);
    rc = hypercall_vcpu_op(VCPUOP_initialise, 1, &c);
    check(rc == 0, "initialise(1): %ld", rc);
    rc = hypercall_vcpu_op(VCPUOP_initialise, 1, &c);
    check(rc == -EEXIST, "second initialise(1): %ld", rc);
    check(hypercall_vcpu_op(VCPUOP_is_up, 1, NULL) == 0, "vCPU 1 up before VCPUOP_up");
    runstate_of(1, &r1);
    check(r1.state == RUNSTATE_offline, "vCPU 1 runstate %d before up", r1.state);
    rc = hypercall_vcpu_op(VCPUOP_up, 1, NULL);
    check(rc == 0, "up(1): %ld", rc);
    if (!check(smp_wait_ap(1) && wait_for(&steps[1], 1), "vCPU 1 did not start"))
        return;
    check(ids[1] == 2, "vCPU 1 APIC ID %u", ids[1]);
    check(wait_is_up(1, 0), "vCPU 1 is up after VCPUOP_down");
    check(get(&steps[1]) == 1, "vCPU 1 went on while down");
    rc = hypercall_vcpu_op(VCPUOP_up, 1, NULL);
    check(rc == 0, "up(1) again: %ld", rc);
    check(wait_for(&steps[1], 2), "vCPU 1 did not resume after VCPUOP_up");
    check(wait_is_up(1, 0), "vCPU 1 not down after cli; hlt");

    /* vCPU 2: 32-bit flat context. */
    c = ctx32();
    smp_prepare_ap(2, ap_once);
    check(hypercall_vcpu_op(VCPUOP_initialise, 2, &c) == 0, "initialise(2) with a 32-bit context");
    check(hypercall_vcpu_op(VCPUOP_up, 2, NULL) == 0, "up(2)");
    check(smp_wait_ap(2) && wait_for(&steps[2], 1), "vCPU 2 did not start in 32-bit mode");
    check(ids[2] == 4, "vCPU 2 APIC ID %u", ids[2]);
    check(wait_is_up(2, 0), "vCPU 2 not down after cli; hlt");

    /* Runstates: this vCPU runs; vCPU 1 ran and is offline now. */
    runstate_of(0, &r0);
    runstate_of(1, &r1);
    check(r0.state == RUNSTATE_running, "vCPU 0 runstate %d", r0.state);
    check(r0.time[RUNSTATE_running] > 0, "vCPU 0 never ran");
    check(r1.state == RUNSTATE_offline, "vCPU 1 runstate %d", r1.state);
    check(r1.time[RUNSTATE_running] > 0, "vCPU 1 never ran");
    check(r1.time[RUNSTATE_offline] > 0, "vCPU 1 never offline");
    check(r1.state_entry_time <= r0.state_entry_time + r0.time[RUNSTATE_running] * 2 + 1000000000,
          "odd state entry times");
    printk("vCPU 1 ran %lu us, offline %lu us\n", (unsigned long)(r1.time[RUNSTATE_running] / 1000),
           (unsigned long)(r1.time[RUNSTATE_offline] / 1000));
    test_success();
}
