/* Fixed-point clock scales (see lares/time_scale.h). */
#include <lares/errno.h>
#include <lares/time_scale.h>

int time_scale_init(struct time_scale *s, u64 from_hz, u64 to_hz)
{
    u64 num = to_hz, den = from_hz;
    int shift = 0;
    u32 mul = 0;

    if (!from_hz || !to_hz || from_hz > TIME_SCALE_MAX_HZ || to_hz > TIME_SCALE_MAX_HZ)
        return -EINVAL;

    /*
     * Bring the ratio num/den into [1/2, 1) by doubling one side; each
     * doubling of den moves a factor of 2 into the shift. Both stay below
     * 2^42 because the frequencies are at most 2^40.
     */
    while (num >= den) {
        den <<= 1;
        shift++;
    }
    while (num < den / 2) {
        num <<= 1;
        shift--;
    }

    /* The 32 fraction bits of num/den, by long division; then round. */
    for (int i = 0; i < 32; i++) {
        num <<= 1;
        mul <<= 1;
        if (num >= den) {
            num -= den;
            mul |= 1;
        }
    }
    if (num * 2 >= den) {
        if (mul == 0xffffffffu) {
            /* Rounds up to exactly 1.0: express it as 1/2 with one more shift. */
            mul = 0x80000000u;
            shift++;
        } else {
            mul++;
        }
    }
    s->mul = mul;
    s->shift = (s8)shift;
    return 0;
}

u64 mul_div_u64(u64 a, u64 b, u64 c)
{
    u64 lo, hi, q;

    if (!c)
        return UINT64_MAX;
    __asm__("mulq %3" : "=a"(lo), "=d"(hi) : "a"(a), "rm"(b));
    if (hi >= c)
        return UINT64_MAX; /* the quotient would not fit in 64 bits (and divq would fault) */
    __asm__("divq %4" : "=a"(q), "=d"(hi) : "a"(lo), "d"(hi), "rm"(c));
    return q;
}
