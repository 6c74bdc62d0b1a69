/* panic() for host tests of hv/lib code that checks invariants (BUG_ON/ASSERT). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <lares/shutdown.h>

void panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    abort();
}
