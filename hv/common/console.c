/*
 * printk: format, filter by level, prefix every line with a timestamp and
 * write it synchronously to the serial port and to an in-memory ring
 * (conring) that crash dumps and debug keys can replay.
 *
 * Guests' output shares the console through the multiplexer of
 * lares/console_lines.h: each domain's text appears as whole lines
 * "(name) text", an unfinished line (a shell prompt) may stay open so that
 * echoed input continues it, and hypervisor messages first end such an
 * open line. Everything, guests' lines included, goes out under the one
 * console lock.
 */
#include <lares/console.h>
#include <lares/console_lines.h>
#include <lares/format.h>
#include <lares/param.h>
#include <lares/spinlock.h>
#include <lares/string.h>
#include <asm/serial.h>

enum log_level console_loglevel = LOG_INFO;

static DEFINE_SPINLOCK(console_lock);
static bool at_line_start = true;
static struct console_mux mux;

#define CONRING_SIZE (64 * 1024)
static char conring[CONRING_SIZE];
static u64 conring_prod;

static char opt_console[16] = "com1";
string_param("console", opt_console);

static int parse_loglvl(const char *v)
{
    static const char *const names[] = {"none", "error", "warning", "info", "debug", "all"};

    for (unsigned i = 0; i < ARRAY_SIZE(names); i++) {
        if (!strcmp(v, names[i])) {
            console_loglevel = i > LOG_DEBUG ? LOG_DEBUG : (enum log_level)i;
            return 0;
        }
    }
    return -EINVAL;
}
custom_param("loglvl", parse_loglvl);

void console_init_early(void)
{
    /* The command line is parsed later; start on COM1 and move if asked. */
    serial_init(COM1_PORT, 115200);
}

void console_apply_params(void)
{
    if (!strcmp(opt_console, "com2"))
        serial_init(COM2_PORT, 115200);
    else if (strcmp(opt_console, "com1"))
        pr_warn("console=%s is not supported; staying on com1\n", opt_console);
}

__weak s64 console_timestamp_ns(void)
{
    return 0;
}

static void conring_put(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        conring[conring_prod++ % CONRING_SIZE] = s[i];
}

static void emit(const char *s, size_t len)
{
    serial_write(s, len);
    conring_put(s, len);
}

void console_write(const char *buf, size_t len)
{
    unsigned long flags;

    spin_lock_irqsave(&console_lock, flags);
    console_mux_break(&mux);
    emit(buf, len);
    if (len)
        at_line_start = buf[len - 1] == '\n';
    spin_unlock_irqrestore(&console_lock, flags);
}

/* Write s, putting a timestamp in front of every line that starts here. */
static void emit_with_stamps(const char *s, size_t len)
{
    while (len) {
        if (at_line_start) {
            char stamp[24];
            s64 ns = console_timestamp_ns();
            int n = format(stamp, sizeof(stamp), "[%5lld.%06lld] ", (long long)(ns / 1000000000),
                           (long long)(ns % 1000000000) / 1000);
            emit(stamp, (size_t)n);
            at_line_start = false;
        }
        const char *nl = memchr(s, '\n', len);
        size_t chunk = nl ? (size_t)(nl - s) + 1 : len;
        emit(s, chunk);
        if (nl)
            at_line_start = true;
        s += chunk;
        len -= chunk;
    }
}

void vprintk_level(enum log_level level, const char *fmt, va_list ap)
{
    char buf[1024];
    unsigned long flags;
    int n;

    if (level > console_loglevel)
        return;
    n = vformat(buf, sizeof(buf), fmt, ap);
    if (n >= (int)sizeof(buf)) {
        n = sizeof(buf) - 1;
        buf[n - 1] = '\n'; /* truncated: still end the line */
    }

    spin_lock_irqsave(&console_lock, flags);
    console_mux_break(&mux);
    emit_with_stamps(buf, (size_t)n);
    spin_unlock_irqrestore(&console_lock, flags);
}

/* The multiplexer's output: guests' lines get the same time stamps as printk's. */
static void mux_write(void *ctx, const char *s, size_t len)
{
    emit_with_stamps(s, len);
}

static struct console_mux *guest_mux(void)
{
    if (!mux.write)
        console_mux_init(&mux, mux_write, NULL);
    return &mux;
}

void console_guest_write(struct console_lines *cl, const char *buf, size_t len)
{
    unsigned long flags;

    spin_lock_irqsave(&console_lock, flags);
    console_lines_write(cl, guest_mux(), buf, len, console_timestamp_ns());
    spin_unlock_irqrestore(&console_lock, flags);
}

bool console_guest_idle(struct console_lines *cl)
{
    unsigned long flags;
    bool more;

    spin_lock_irqsave(&console_lock, flags);
    more = console_lines_idle(cl, guest_mux(), console_timestamp_ns());
    spin_unlock_irqrestore(&console_lock, flags);
    return more;
}

void console_guest_finish(struct console_lines *cl)
{
    unsigned long flags;

    spin_lock_irqsave(&console_lock, flags);
    console_lines_finish(cl, guest_mux());
    spin_unlock_irqrestore(&console_lock, flags);
}

unsigned int console_guest_history(const struct console_lines *cl,
                                   void (*fn)(void *ctx, const char *line, size_t len), void *ctx)
{
    unsigned long flags;
    unsigned int n;

    spin_lock_irqsave(&console_lock, flags);
    n = console_lines_history(cl, fn, ctx);
    spin_unlock_irqrestore(&console_lock, flags);
    return n;
}

void printk_level(enum log_level level, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintk_level(level, fmt, ap);
    va_end(ap);
}

void console_force_unlock(void)
{
    spin_lock_init(&console_lock);
}
