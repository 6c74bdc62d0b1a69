/*
 * start_lares(): the boot CPU's path from the loader handoff to a running
 * hypervisor. Each step is a call into the subsystem that owns it.
 */
#include <lares/boot_domains.h>
#include <lares/bootinfo.h>
#include <lares/console.h>
#include <lares/param.h>
#include <lares/selftest.h>
#include <lares/shutdown.h>
#include <lares/smp.h>
#include <lares/time.h>
#include <lares/timer.h>
#include <lares/version.h>
#include <asm/apic.h>
#include <asm/config.h>
#include <asm/cpu.h>
#include <asm/debug.h>
#include <asm/e820.h>
#include <asm/percpu.h>
#include <asm/platform.h>
#include <asm/svm_check.h>

static struct boot_info boot_info;

/* Until the final page tables exist, the boot tables map 0-4 GiB in the direct map. */
static const void *early_phys(u64 pa, size_t len)
{
    if (pa + len < pa || pa + len > 0x100000000ULL)
        return NULL;
    return (const void *)(DIRECTMAP_BASE + pa);
}

static void print_boot_info(const struct boot_info *bi)
{
    printk("Boot loader: %s (Multiboot %d)\n", bi->loader_name[0] ? bi->loader_name : "unknown",
           bi->multiboot_version);
    printk("Command line: %s\n", bi->cmdline);
    for (unsigned i = 0; i < bi->nr_modules; i++) {
        const struct boot_module *m = &bi->modules[i];

        printk("Module %u: %#llx-%#llx (%llu KiB) %s%s%s\n", i, (unsigned long long)m->start,
               (unsigned long long)m->end, (unsigned long long)(m->end - m->start) >> 10,
               m->name, m->name[0] && m->args[0] ? " " : "", m->args);
    }
}

__noreturn void start_lares(u32 magic, u32 info_pa);
__noreturn void start_lares(u32 magic, u32 info_pa)
{
    time_mark_boot(); /* system time 0 */
    console_init_early();
    percpu_init_boot(); /* GDT, TSS, IDT: faults are reported from here on */
    printk("\nLares %s - a Xen-compatible hypervisor\n", LARES_VERSION_STRING);

    if (bootinfo_parse(magic, info_pa, early_phys, &boot_info))
        panic("Unrecognised boot loader handoff (magic %#x, info %#x)\n", magic, info_pa);

    parse_cmdline(boot_info.cmdline);
    console_apply_params();
    print_boot_info(&boot_info);
    svm_check_boot_cpu();      /* stops here (status 37) on a CPU without SVM/NPT */
    memory_init(&boot_info);   /* final page tables, page allocator, heap */
    if (!mm_selftest_run())    /* first: it counts every free page */
        machine_finish(EXIT_FAILED);
    platform_init(&boot_info); /* ACPI or MP table: CPUs, IO-APICs, HPET */
    apic_init_boot();          /* local APIC (x2APIC if present); 8259 PICs masked */
    time_init();               /* TSC and APIC-timer calibration, NOW(), RTC */
    timers_init();             /* software timers, then this CPU's queue */
    timer_cpu_init();
    smp_init();                /* cross-CPU calls */
    smp_boot_cpus();           /* start the others; stops (37) if one lacks SVM/NPT */
    local_irq_enable();

    if (!timer_selftest_run() || !ipi_selftest_run())
        machine_finish(EXIT_FAILED);
    debug_fault_run();

    boot_domains_run(&boot_info); /* returns only if there are none */
    machine_finish(EXIT_OK);
}
