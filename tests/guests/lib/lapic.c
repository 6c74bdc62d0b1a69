/* x2APIC access for test guests (guest/lapic.h). */
#include <guest.h>
#include <guest/lapic.h>

bool lapic_x2apic_mode(void)
{
    u64 base;

    if (rdmsr_safe(MSR_APIC_BASE, &base))
        return false;
    return (base & (APIC_BASE_EN | APIC_BASE_EXTD)) == (APIC_BASE_EN | APIC_BASE_EXTD);
}

u32 lapic_id(void)
{
    return (u32)rdmsr(X2APIC_ID);
}

void lapic_enable(u8 spurious_vector)
{
    wrmsr(X2APIC_SVR, APIC_SVR_ENABLE | spurious_vector);
}

void lapic_eoi(void)
{
    wrmsr(X2APIC_EOI, 0);
}

void lapic_icr(u32 dest, u32 low)
{
    wrmsr(X2APIC_ICR, ((u64)dest << 32) | low);
}

void lapic_timer_start(u8 vector, u32 count, bool periodic)
{
    wrmsr(X2APIC_TDCR, APIC_TDCR_DIV_1);
    wrmsr(X2APIC_LVT_TIMER, vector | (periodic ? APIC_TIMER_PERIODIC : 0));
    wrmsr(X2APIC_TMICT, count);
}

void lapic_timer_stop(void)
{
    wrmsr(X2APIC_TMICT, 0);
    wrmsr(X2APIC_LVT_TIMER, APIC_LVT_MASKED);
}
