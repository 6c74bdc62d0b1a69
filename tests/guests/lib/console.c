/*
 * Console output: console_io(CONSOLEIO_write) under Xen/Lares, port 0xE9
 * otherwise. If console_io ever fails (real Xen refuses it to unprivileged
 * domains in release builds) we fall back to port 0xE9 for good, as
 * Linux's early console does.
 */
#include <guest.h>
#include <public/xen.h>

#define PRINTK_BUF 512

static bool console_io_failed;
static void (*redirect)(const char *s, size_t len);

void console_redirect(void (*fn)(const char *s, size_t len))
{
    redirect = fn;
}

void debugport_write(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        outb(DEBUG_PORT, (u8)s[i]);
}

void console_write(const char *s, size_t len)
{
    if (redirect) {
        redirect(s, len);
        return;
    }
    if (running_on_xen() && !console_io_failed) {
        long rc = hypercall_console_io(CONSOLEIO_write, (unsigned int)len, s);
        char note[64];
        int n;

        if (rc >= 0)
            return;
        console_io_failed = true;
        n = format(note, sizeof(note), "(console_io failed: %ld; using port 0xe9)\n", rc);
        debugport_write(note, (size_t)n);
    }
    debugport_write(s, len);
}

int vprintk(const char *fmt, va_list ap)
{
    char buf[PRINTK_BUF];
    int n = vformat(buf, sizeof(buf), fmt, ap);
    size_t len = n < 0 ? 0 : MIN((size_t)n, sizeof(buf) - 1);

    console_write(buf, len);
    if ((size_t)n >= sizeof(buf))
        console_write("[truncated]\n", 12);
    return n;
}

int printk(const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vprintk(fmt, ap);
    va_end(ap);
    return n;
}
