/*
 * The local APIC of a test guest, in x2APIC mode (MSRs 0x800-0x8FF), which
 * is how Lares and Xen PVH guests find it (IA32_APIC_BASE.EXTD set from
 * reset). Interrupt handlers: irq_set_handler() (guest/traps.h).
 *
 * The LAPIC timer counts at the bus clock divided by TDCR; Lares (like
 * Xen) clocks it at 1 GHz, so with divide-by-1 one count is 1 ns.
 */
#ifndef GUEST_LAPIC_H
#define GUEST_LAPIC_H

#include <lares/types.h>

#define MSR_APIC_BASE 0x1b
#define APIC_BASE_BSP (1u << 8)
#define APIC_BASE_EXTD (1u << 10)
#define APIC_BASE_EN (1u << 11)

#define X2APIC_ID 0x802
#define X2APIC_VERSION 0x803
#define X2APIC_TPR 0x808
#define X2APIC_PPR 0x80a
#define X2APIC_EOI 0x80b
#define X2APIC_SVR 0x80f
#define X2APIC_ISR0 0x810
#define X2APIC_IRR0 0x820
#define X2APIC_ESR 0x828
#define X2APIC_ICR 0x830
#define X2APIC_LVT_TIMER 0x832
#define X2APIC_TMICT 0x838
#define X2APIC_TMCCT 0x839
#define X2APIC_TDCR 0x83e
#define X2APIC_SELF_IPI 0x83f

#define APIC_DM_FIXED (0u << 8)
#define APIC_DM_NMI (4u << 8)
#define APIC_DM_INIT (5u << 8)
#define APIC_DM_STARTUP (6u << 8)
#define APIC_LEVEL_ASSERT (1u << 14)
#define APIC_DEST_SELF (1u << 18)
#define APIC_DEST_ALL (2u << 18)
#define APIC_DEST_ALL_BUT_SELF (3u << 18)

#define APIC_SVR_ENABLE (1u << 8)
#define APIC_LVT_MASKED (1u << 16)
#define APIC_TIMER_PERIODIC (1u << 17)
#define APIC_TDCR_DIV_1 0xb

/* True if the APIC is enabled in x2APIC mode (else the x2APIC MSRs #GP). */
bool lapic_x2apic_mode(void);
u32 lapic_id(void);
/* Software-enable the APIC; spurious interrupts go to @spurious_vector. */
void lapic_enable(u8 spurious_vector);
void lapic_eoi(void);
/* ICR write: @dest is an x2APIC ID (ignored with a shorthand in @low). */
void lapic_icr(u32 dest, u32 low);
static inline void lapic_send_ipi(u32 dest, u8 vector)
{
    lapic_icr(dest, APIC_DM_FIXED | vector);
}
/* LVT timer: one-shot (or periodic) at @vector after @count ticks of 1 ns (divide by 1). */
void lapic_timer_start(u8 vector, u32 count, bool periodic);
void lapic_timer_stop(void);

#endif
