/*
 * Guest console output: bytes from console_io and port 0xE9 are collected
 * per domain and printed one whole line at a time, prefixed with the
 * domain's name, so that lines from different guests never mix. The last
 * lines are also kept for crash reports.
 */
#include <lares/console.h>
#include <lares/domain.h>
#include <lares/string.h>

static void history_put(struct guest_console *c, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        c->history[c->history_prod++ % sizeof(c->history)] = s[i];
}

/* Print the pending line. Caller holds c->lock. */
static void emit_line(struct domain *d)
{
    struct guest_console *c = &d->console;

    printk("(%s) %.*s\n", d->name, (int)c->len, c->line);
    history_put(c, c->line, c->len);
    history_put(c, "\n", 1);
    c->len = 0;
}

void guest_console_write(struct domain *d, const char *buf, size_t len)
{
    struct guest_console *c = &d->console;
    unsigned long flags;

    spin_lock_irqsave(&c->lock, flags);
    for (size_t i = 0; i < len; i++) {
        char ch = buf[i];

        if (ch == '\n') {
            emit_line(d);
            continue;
        }
        if (ch == '\r' || ch == '\0')
            continue;
        if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
            ch = '?'; /* keep the host console readable */
        c->line[c->len++] = ch;
        if (c->len == sizeof(c->line))
            emit_line(d);
    }
    spin_unlock_irqrestore(&c->lock, flags);
}

void guest_console_flush(struct domain *d)
{
    struct guest_console *c = &d->console;
    unsigned long flags;

    spin_lock_irqsave(&c->lock, flags);
    if (c->len)
        emit_line(d);
    spin_unlock_irqrestore(&c->lock, flags);
}

void guest_console_replay(struct domain *d)
{
    struct guest_console *c = &d->console;
    unsigned n = c->history_prod < sizeof(c->history) ? c->history_prod : sizeof(c->history);
    unsigned start = c->history_prod - n;
    char line[GUEST_CONSOLE_LINE + 1];
    unsigned len = 0;

    if (!n)
        return;
    printk("  last console output of %s:\n", d->name);
    /* Skip the (probably cut) first line when the ring has wrapped. */
    if (c->history_prod > sizeof(c->history))
        while (n && c->history[start % sizeof(c->history)] != '\n')
            start++, n--;
    for (unsigned i = 0; i < n; i++) {
        char ch = c->history[(start + i) % sizeof(c->history)];

        if (ch == '\n' || len == GUEST_CONSOLE_LINE) {
            if (len)
                printk("  | %.*s\n", (int)len, line);
            len = 0;
            if (ch == '\n')
                continue;
        }
        line[len++] = ch;
    }
    if (len)
        printk("  | %.*s\n", (int)len, line);
}
