/* Error reporting shared by the extraction steps (see status.h). */
#include "status.h"

#include <stdarg.h>
#include <stdio.h>

enum vx_status vx_fail(struct vx_error *err, enum vx_status status, const char *fmt, ...)
{
    va_list ap;

    if (err) {
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
        va_end(ap);
    }
    return status;
}
