/*
 * Ways the hypervisor ends. Under QEMU with qemu_exit on the command line,
 * Lares leaves through the isa-debug-exit device (port 0xf4) so tests get a
 * distinct process status: QEMU exits with (code << 1) | 1.
 */
#ifndef LARES_SHUTDOWN_H
#define LARES_SHUTDOWN_H

#include <lares/compiler.h>

enum exit_code {
    EXIT_OK = 0x10,           /* QEMU status 33: work done, all well */
    EXIT_FAILED = 0x11,       /* QEMU status 35: work done, something failed */
    EXIT_UNSUPPORTED = 0x12,  /* QEMU status 37: this machine cannot run Lares */
    EXIT_PANIC = 0x13,        /* QEMU status 39: fatal hypervisor error */
};

/* Work is over: exit QEMU if qemu_exit is set, else halt (code is logged). */
__noreturn void machine_finish(enum exit_code code);

/* Fatal error: print the message, then reboot (unless noreboot) or halt. */
__noreturn void panic(const char *fmt, ...) __printf(1, 2);

/* Stop this CPU for good, interrupts off. */
__noreturn void cpu_halt_forever(void);

/* Hooks for other CPUs during panic (weak no-op until SMP provides them). */
void stop_other_cpus(void);

#endif
