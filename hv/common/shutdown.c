/* Ending the hypervisor: normal completion, unsupported machine, panic. */
#include <lares/console.h>
#include <lares/param.h>
#include <lares/shutdown.h>
#include <asm/cpu.h>
#include <asm/io.h>

#define DEBUG_EXIT_PORT 0xf4

static bool opt_qemu_exit;
boolean_param("qemu_exit", opt_qemu_exit);

static bool opt_noreboot;
boolean_param("noreboot", opt_noreboot);

__weak void stop_other_cpus(void)
{
}

__noreturn void cpu_halt_forever(void)
{
    for (;;) {
        local_irq_disable();
        halt();
    }
}

static __noreturn void machine_reboot(void)
{
    /* Keyboard controller reset, then a triple fault as the last resort. */
    for (int i = 0; i < 0x10000 && (inb(0x64) & 0x02); i++)
        cpu_relax();
    outb(0x64, 0xfe);
    for (volatile int i = 0; i < 1000000; i++)
        ;
    __asm__ __volatile__("lidt (%0); int3" : : "r"(&(u64[2]){ 0, 0 }));
    cpu_halt_forever();
}

__noreturn void machine_finish(enum exit_code code)
{
    stop_other_cpus();
    if (opt_qemu_exit) {
        printk("Lares: exiting QEMU (code %#x)\n", code);
        outl(DEBUG_EXIT_PORT, code);
    }
    printk("Lares: halted (code %#x)\n", code);
    cpu_halt_forever();
}

__noreturn void panic(const char *fmt, ...)
{
    va_list ap;

    local_irq_disable();
    console_force_unlock();
    printk_level(LOG_ERR, "\n****************************************\n");
    printk_level(LOG_ERR, "Panic: ");
    va_start(ap, fmt);
    vprintk_level(LOG_ERR, fmt, ap);
    va_end(ap);
    printk_level(LOG_ERR, "****************************************\n");

    if (opt_qemu_exit)
        machine_finish(EXIT_PANIC);
    stop_other_cpus();
    if (opt_noreboot) {
        printk_level(LOG_ERR, "Not rebooting (noreboot); CPU halted.\n");
        cpu_halt_forever();
    }
    printk_level(LOG_ERR, "Rebooting.\n");
    machine_reboot();
}
