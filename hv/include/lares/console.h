/*
 * The hypervisor console: leveled, timestamped printk to the serial port
 * (and an in-memory ring). Lines from different CPUs never interleave
 * within a line. Output is synchronous, so nothing is lost at boot.
 */
#ifndef LARES_CONSOLE_H
#define LARES_CONSOLE_H

#include <lares/compiler.h>
#include <lares/types.h>

enum log_level {
    LOG_NONE = 0, /* loglvl=none: nothing but panics */
    LOG_ERR = 1,
    LOG_WARN = 2,
    LOG_INFO = 3,
    LOG_DEBUG = 4,
};

void printk_level(enum log_level level, const char *fmt, ...) __printf(2, 3);
void vprintk_level(enum log_level level, const char *fmt, va_list ap);

#define printk(...) printk_level(LOG_INFO, __VA_ARGS__)
#define pr_err(...) printk_level(LOG_ERR, "(error) " __VA_ARGS__)
#define pr_warn(...) printk_level(LOG_WARN, "(warning) " __VA_ARGS__)
#define pr_info(...) printk_level(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) printk_level(LOG_DEBUG, __VA_ARGS__)

/* Raw output of len bytes, no prefixes, no level filtering. */
void console_write(const char *buf, size_t len);

/* Set by loglvl=; messages above this level are dropped. */
extern enum log_level console_loglevel;

/*
 * Guest output (lares/console_lines.h), under the console lock so that it
 * never mixes with printk within a line. console_guest_history's callback
 * runs with the lock held: it must not print.
 */
struct console_lines;
void console_guest_write(struct console_lines *cl, const char *buf, size_t len);
bool console_guest_idle(struct console_lines *cl); /* true: text still held back */
void console_guest_finish(struct console_lines *cl);
unsigned int console_guest_history(const struct console_lines *cl,
                                   void (*fn)(void *ctx, const char *line, size_t len), void *ctx);

/* Used on the way down (panic, fatal exception): never block on the lock. */
void console_force_unlock(void);

/* Early serial setup; safe before anything else is initialised. */
void console_init_early(void);

/* Re-initialise the console once console= has been parsed. */
void console_apply_params(void);

/* Time stamp for each line, nanoseconds since boot (0 until time is up). */
s64 console_timestamp_ns(void);

#endif
