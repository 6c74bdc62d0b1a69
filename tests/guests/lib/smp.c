/* Starting secondary vCPUs with INIT-SIPI-SIPI (guest/smp.h). */
#include <guest.h>
#include <public/vcpu.h>

extern const char ap_trampoline[], ap_trampoline_end[];
void ap_start(void);

u64 ap_stack_top; /* read by ap_boot.S */
static u8 ap_stacks[SMP_MAX_CPUS][SMP_AP_STACK_SIZE] __aligned(16);
static ap_fn_t ap_fn;
static unsigned int ap_alive; /* cpu + 1 once that vCPU runs C code */

unsigned int smp_processor_id(void)
{
    return lapic_id() / 2;
}

unsigned int smp_nr_vcpus(void)
{
    unsigned int n = 1;

    while (n < SMP_MAX_CPUS && hypercall_vcpu_op(VCPUOP_is_up, n, NULL) >= 0)
        n++;
    return n;
}

u64 tsc_per_ms(void)
{
    u32 base = xen_cpuid_base();
    u32 khz = base ? cpuid_count(base + 3, 0).ecx : 0;

    return khz ? khz : 1000000;
}

void ap_start(void)
{
    unsigned int cpu = smp_processor_id();
    ap_fn_t fn = __atomic_load_n(&ap_fn, __ATOMIC_ACQUIRE);

    traps_init_ap();
    __atomic_store_n(&ap_alive, cpu + 1, __ATOMIC_RELEASE);
    fn(cpu);
    halt_forever(); /* HLT with interrupts off: the vCPU goes down */
}

void smp_send_init(unsigned int cpu)
{
    lapic_icr(2 * cpu, APIC_DM_INIT | APIC_LEVEL_ASSERT);
}

void smp_prepare_ap(unsigned int cpu, ap_fn_t fn)
{
    ap_stack_top = (u64)ap_stacks[cpu % SMP_MAX_CPUS] + SMP_AP_STACK_SIZE;
    __atomic_store_n(&ap_alive, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&ap_fn, fn, __ATOMIC_RELEASE);
}

bool smp_wait_ap(unsigned int cpu)
{
    u64 start, limit = 5000 * tsc_per_ms();

    for (start = rdtsc(); rdtsc() - start < limit;)
        if (__atomic_load_n(&ap_alive, __ATOMIC_ACQUIRE) == cpu + 1)
            return true;
    return false;
}

bool smp_start_ap(unsigned int cpu, ap_fn_t fn)
{
    u32 sipi = APIC_DM_STARTUP | (SMP_TRAMPOLINE_PA >> 12);

    if (cpu == 0 || cpu >= SMP_MAX_CPUS)
        return false;
    memcpy((void *)SMP_TRAMPOLINE_PA, ap_trampoline, ap_trampoline_end - ap_trampoline);
    smp_prepare_ap(cpu, fn);
    smp_send_init(cpu);
    lapic_icr(2 * cpu, sipi);
    lapic_icr(2 * cpu, sipi); /* the second is ignored by a vCPU already running */
    return smp_wait_ap(cpu);
}
