/*
 * FIXME(svm): TEMPORARY bring-up shims until the platform branch lands.
 * The symbols are weak so the real ones replace them when merged, and
 * then this file goes away:
 * - the legacy PICs are masked (their IRQ 0 would arrive on vector 8);
 * - NOW() counts TSC ticks as if they were nanoseconds.
 */
#include <lares/bootinfo.h>
#include <lares/compiler.h>
#include <lares/time.h>
#include <asm/cpu.h>
#include <asm/io.h>

void bringup_init(const struct boot_info *bi);
__weak void bringup_init(const struct boot_info *bi)
{
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
}

__weak s_time_t NOW(void)
{
    return (s_time_t)rdtsc();
}

__weak void time_tsc_scale(u32 *mul, s8 *shift)
{
    *mul = 1u << 31; /* with shift 1: one tick is one nanosecond */
    *shift = 1;
}
