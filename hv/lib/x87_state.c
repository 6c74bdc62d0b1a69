/* Recognising the x87 init state in a legacy FXSAVE/XSAVE area (lares/x87_state.h). */
#include <lares/unaligned.h>
#include <lares/x87_state.h>

#define FCW_INIT 0x037f
#define MXCSR_OFFSET 24 /* MXCSR and MXCSR_MASK: SSE state, not looked at */
#define ST0_OFFSET 32

bool x87_area_is_init(const void *legacy_area)
{
    const u8 *a = legacy_area;

    if (get_unaligned_u16(a) != FCW_INIT)
        return false;
    /* FSW, abridged FTW (all empty), reserved byte, FOP, FIP, FDP: all zero. */
    for (unsigned i = 2; i < MXCSR_OFFSET; i++)
        if (a[i])
            return false;
    /* ST0-ST7 (MM0-MM7), 16 bytes each: zero, as FLDZ leaves them. */
    for (unsigned i = ST0_OFFSET; i < X87_LEGACY_BYTES; i++)
        if (a[i])
            return false;
    return true;
}
