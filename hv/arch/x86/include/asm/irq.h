/*
 * Interrupt vectors and handler registration.
 *
 * Vector allocation (higher vectors have higher priority at the LAPIC):
 *
 *   0x00-0x1f  CPU exceptions (hv/arch/x86/traps.c)
 *   0x20-0x2f  legacy 8259 PIC range: the PICs are masked, but a spurious
 *              PIC interrupt lands here and is reported, not fatal
 *   0x30-0xdf  device interrupts (IO-APIC, MSI), allocated as needed
 *   0xe0-0xef  reserved for virtualisation (e.g. posted/guest notification)
 *   0xf0       LAPIC timer
 *   0xf1       IPI: event check / reschedule
 *   0xf2       IPI: call function on other CPUs
 *   0xf3       IPI: TLB flush
 *   0xf4       IPI: stop this CPU (panic, shutdown)
 *   0xfd       LAPIC thermal
 *   0xfe       LAPIC error
 *   0xff       LAPIC spurious (must not be EOI'd)
 *
 * Handlers run with interrupts disabled on the interrupted CPU's stack and
 * are responsible for their own EOI. A vector with no handler is reported
 * once per vector and otherwise ignored.
 */
#ifndef ASM_IRQ_H
#define ASM_IRQ_H

#include <lares/types.h>
#include <asm/regs.h>

#define FIRST_IRQ_VECTOR      0x20
#define LEGACY_PIC_VECTOR_BASE 0x20
#define FIRST_DEVICE_VECTOR   0x30
#define LAST_DEVICE_VECTOR    0xdf
#define FIRST_VIRT_VECTOR     0xe0
#define LAST_VIRT_VECTOR      0xef
#define LOCAL_TIMER_VECTOR    0xf0
#define EVENT_CHECK_VECTOR    0xf1
#define CALL_FUNCTION_VECTOR  0xf2
#define INVALIDATE_TLB_VECTOR 0xf3
#define STOP_CPU_VECTOR       0xf4
#define THERMAL_VECTOR        0xfd
#define ERROR_APIC_VECTOR     0xfe
#define SPURIOUS_APIC_VECTOR  0xff

typedef void (*irq_handler_t)(struct cpu_user_regs *regs);

/*
 * Install fn for vector (0x20-0xff). Returns 0, -EINVAL for an exception
 * vector or a NULL fn, -EBUSY if another handler already owns the vector.
 */
int set_irq_handler(u8 vector, irq_handler_t fn);

/* Remove the handler (no-op if fn does not own the vector). */
void clear_irq_handler(u8 vector, irq_handler_t fn);

/*
 * NMIs are handled on their own stack. With no callback installed an NMI
 * is logged and ignored; the callback (e.g. "stop this CPU" during a
 * panic) replaces that.
 */
void set_nmi_callback(irq_handler_t fn);

/* Entry from hv/arch/x86/entry.S for every vector. */
void do_trap(struct cpu_user_regs *regs);

#endif
