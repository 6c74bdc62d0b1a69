/*
 * Multiprocessor support: starting the other CPUs at boot, and running a
 * function on other CPUs through an IPI.
 *
 * Cross-CPU calls run fn(arg) in interrupt context on each target (IRQs
 * off). The caller may be in any context, interrupts on or off: while it
 * waits it also runs calls that other CPUs direct at it, so two CPUs that
 * call each other do not deadlock. fn must not sleep or wait for the
 * caller. With wait=false the call returns once every target has taken
 * the request (fn may still be running); with wait=true, once fn has
 * returned everywhere.
 */
#ifndef LARES_SMP_H
#define LARES_SMP_H

#include <lares/types.h>

typedef void (*smp_call_fn)(void *arg);

/* Run fn on one CPU (directly, with IRQs off, if it is this one). 0 or -ENOENT (offline). */
int on_cpu(unsigned int cpu, smp_call_fn fn, void *arg, bool wait);

/* Run fn on every other online CPU. */
void on_other_cpus(smp_call_fn fn, void *arg, bool wait);

/* Online CPUs, including this one. */
unsigned int num_online_cpus(void);

/*
 * Boot CPU: start every CPU the firmware lists as enabled (INIT-SIPI-SIPI
 * through a real-mode trampoline below 1 MiB) and wait for each to report
 * in; prints "CPU<n> online (APIC id <x>)" per CPU and then
 * "smp: all <N> CPUs online" (or how many did not start).
 */
void smp_boot_cpus(void);

/* Set up cross-CPU calls and the panic stop (boot CPU, before smp_boot_cpus). */
void smp_init(void);

#endif
