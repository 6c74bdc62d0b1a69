/*
 * Starting the application processors (lares/smp.h). One at a time: the
 * boot CPU prepares a CPU's cpu_info, stack and descriptor tables, sends
 * INIT-SIPI-SIPI to its APIC id, and waits for it to come online before
 * moving on, so the hand-over variables below are used by one AP at once.
 */
#include <lares/console.h>
#include <lares/firmware.h>
#include <lares/lib.h>
#include <lares/mm.h>
#include <lares/sched.h>
#include <lares/shutdown.h>
#include <lares/smp.h>
#include <lares/string.h>
#include <lares/time.h>
#include <lares/timer.h>
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/desc.h>
#include <asm/e820.h>
#include <asm/msr.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/platform.h>
#include <asm/svm_check.h>

#define AP_START_TIMEOUT SECONDS(5) /* generous: a loaded TCG host can be slow */
#define LOW_MEMORY_END 0x100000

extern const char trampoline_start[], trampoline_end[];
extern const char trampoline_cr3[], trampoline_efer[];

/* Hand-over to the AP being started (read in ap_start64 / start_secondary). */
void *ap_stack_top;
static struct cpu_info *volatile ap_booting;
static u64 boot_cr0, boot_cr4, boot_efer;

void start_secondary(void);

__noreturn void start_secondary(void)
{
    struct cpu_info *ci = ap_booting;

    /* Match the boot CPU's control registers (the trampoline set the minimum). */
    write_cr0(boot_cr0);
    write_cr4(boot_cr4);
    wrmsr(MSR_EFER, (boot_efer & ~EFER_LMA) | (rdmsr(MSR_EFER) & EFER_LMA));
    cpu_init_tables(ci); /* GDT, TSS, IDT, GS: this_cpu() works from here */
    apic_init_secondary();
    svm_check_secondary();
    timer_cpu_init();

    printk("CPU%u online (APIC id %u)\n", ci->id, ci->apic_id);
    __atomic_store_n(&ci->online, true, __ATOMIC_RELEASE);
    schedule_secondary_idle(); /* sleeps until vCPUs are scheduled here */
}

/* A free page below 1 MiB for the trampoline (the page allocator never uses low memory). */
static paddr_t find_trampoline_page(void)
{
    for (paddr_t pa = 0x1000; pa < LOW_MEMORY_END; pa += PAGE_SIZE)
        if (low_memory_is_free(pa, PAGE_SIZE))
            return pa;
    return 0;
}

static void install_trampoline(paddr_t pa)
{
    size_t len = (size_t)(trampoline_end - trampoline_start);
    u8 *page = phys_to_virt(pa);
    u32 cr3 = (u32)paging_root_pa();
    u32 efer = EFER_LME | (paging_nx_supported() ? EFER_NXE : 0);

    BUG_ON(len > PAGE_SIZE / 2); /* the upper half is the trampoline's stack */
    BUG_ON(paging_root_pa() >= (1ULL << 32));
    memcpy(page, trampoline_start, len);
    memcpy(page + (trampoline_cr3 - trampoline_start), &cr3, sizeof(cr3));
    memcpy(page + (trampoline_efer - trampoline_start), &efer, sizeof(efer));
}

static struct cpu_info *prepare_cpu(unsigned int id, u32 apic)
{
    struct cpu_info *ci = xzalloc_obj(struct cpu_info);
    void *stack = alloc_pages(STACK_ORDER);

    if (!ci || !stack || cpu_tables_alloc(ci)) {
        pr_err("CPU%u (APIC id %u): out of memory for its stack and tables; not started\n", id,
               apic);
        if (stack)
            free_pages(stack, STACK_ORDER);
        xfree(ci);
        return NULL;
    }
    ci->id = id;
    ci->apic_id = apic;
    ci->stack_top = (u8 *)stack + STACK_SIZE;
    return ci;
}

/*
 * The 10 ms pause after INIT is for old CPUs; AMD family 0Fh and later
 * (every CPU with SVM) accept the SIPI at once.
 */
static u64 init_delay_us(void)
{
    struct cpuid_regs r;
    unsigned int family;

    cpuid(0, &r);
    if (r.ebx != 0x68747541) /* "Auth" of AuthenticAMD */
        return 10000;
    cpuid(1, &r);
    family = (r.eax >> 8) & 0xf;
    if (family == 0xf)
        family += (r.eax >> 20) & 0xff;
    return family >= 0xf ? 0 : 10000;
}

static bool start_cpu(struct cpu_info *ci, paddr_t tramp)
{
    s_time_t deadline;

    ap_booting = ci;
    ap_stack_top = ci->stack_top;
    cpu_info[ci->id] = ci;
    if (nr_cpus <= ci->id)
        nr_cpus = ci->id + 1;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);

    /* The universal start-up sequence: INIT, (10 ms,) SIPI, 200 us, SIPI. */
    apic_send_ipi(ci->apic_id, APIC_DM_INIT, 0);
    udelay(init_delay_us());
    for (int i = 0; i < 2; i++) {
        apic_send_ipi(ci->apic_id, APIC_DM_SIPI, (u8)(tramp >> PAGE_SHIFT));
        udelay(200);
    }

    deadline = NOW() + AP_START_TIMEOUT;
    while (!__atomic_load_n(&ci->online, __ATOMIC_ACQUIRE)) {
        if (NOW() > deadline) {
            /* Keep its memory: it might still wake up and use it. */
            pr_err("CPU%u (APIC id %u) did not come online\n", ci->id, ci->apic_id);
            cpu_info[ci->id] = NULL;
            return false;
        }
        cpu_relax();
    }
    return true;
}

void smp_boot_cpus(void)
{
    u32 me = apic_id();
    unsigned int wanted = 1, next_id = 1;
    paddr_t tramp = 0;

    printk("CPU0 online (APIC id %u)\n", me);
    boot_cr0 = read_cr0();
    boot_cr4 = read_cr4();
    boot_efer = rdmsr(MSR_EFER);

    for (unsigned int i = 0; i < platform->nr_cpus; i++) {
        const struct fw_cpu *c = &platform->cpus[i];
        struct cpu_info *ci;

        if (!(c->flags & FW_CPU_ENABLED) || c->apic_id == me)
            continue;
        wanted++;
        if (c->apic_id > 0xfe && !apic_x2apic_mode()) {
            pr_warn("CPU with APIC id %u not started: it needs x2APIC mode\n", c->apic_id);
            continue;
        }
        if (next_id >= MAX_CPUS) {
            pr_warn("CPU with APIC id %u not started: Lares supports %u CPUs\n", c->apic_id,
                    MAX_CPUS);
            continue;
        }
        if (!tramp) {
            tramp = find_trampoline_page();
            if (!tramp || paging_map_identity_low(tramp))
                panic("No usable page below 1 MiB for the AP start-up trampoline\n");
            install_trampoline(tramp);
        }
        ci = prepare_cpu(next_id, c->apic_id);
        if (!ci)
            continue;
        /* An id is never reused, even if its CPU did not start (it might still). */
        start_cpu(ci, tramp);
        next_id++;
    }
    if (tramp)
        paging_unmap_identity_low(tramp);

    if (num_online_cpus() == wanted)
        printk("smp: all %u CPUs online\n", wanted);
    else
        pr_warn("smp: only %u of %u CPUs online\n", num_online_cpus(), wanted);
    svm_check_all_cpus();
}
