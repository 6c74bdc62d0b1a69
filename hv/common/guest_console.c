/*
 * Guest console output: every byte a domain prints (console_io, port 0xE9,
 * its PV console ring) goes through its line assembler
 * (lares/console_lines.h), which shows whole lines prefixed with the
 * domain's name, lets a shell prompt stay open for typed input, and keeps
 * the last lines for crash reports.
 *
 * console_io and port 0xE9 are the debug channels (Xen refuses console_io
 * to a domU in release builds; Lares keeps it, it is the first output a
 * new guest has). Once a domain writes to its PV console ring, that ring
 * is its console and the debug channels are no longer shown: guests that
 * write every line to both (XTF does; Linux with keep_bootcon) would
 * otherwise show each line twice.
 */
#include <lares/console.h>
#include <lares/console_lines.h>
#include <lares/domain.h>
#include <lares/errno.h>
#include <lares/mm.h>
#include <lares/string.h>

int guest_console_init(struct domain *d)
{
    struct console_lines *cl = xzalloc_obj(struct console_lines);

    if (!cl)
        return -ENOMEM;
    console_lines_init(cl, d->name);
    d->console.lines = cl;
    return 0;
}

void guest_console_free(struct domain *d)
{
    xfree(d->console.lines);
    d->console.lines = NULL;
}

static void show(struct domain *d, const char *buf, size_t len)
{
    if (d->console.lines && len) {
        console_guest_write(d->console.lines, buf, len);
        WRITE_ONCE(d->console.held, true);
    }
}

void guest_console_write(struct domain *d, const char *buf, size_t len)
{
    if (!READ_ONCE(d->console.ring_used))
        show(d, buf, len);
}

void guest_console_write_ring(struct domain *d, const char *buf, size_t len)
{
    WRITE_ONCE(d->console.ring_used, true);
    show(d, buf, len);
}

void guest_console_flush(struct domain *d)
{
    if (d->console.lines)
        console_guest_finish(d->console.lines);
}

bool guest_console_idle(struct domain *d)
{
    bool more;

    if (!d->console.lines || !READ_ONCE(d->console.held))
        return false;
    more = console_guest_idle(d->console.lines);
    WRITE_ONCE(d->console.held, more);
    return more;
}

/* The history is copied out under the console lock, then printed. */
struct replay_buf {
    char *buf;
    size_t len, size;
};

static void collect(void *ctx, const char *line, size_t len)
{
    struct replay_buf *r = ctx;

    if (r->len + len + 1 > r->size)
        return;
    memcpy(r->buf + r->len, line, len);
    r->len += len;
    r->buf[r->len++] = '\n';
}

void guest_console_replay(struct domain *d)
{
    struct replay_buf r = {.size =
                               CONSOLE_HISTORY_BYTES + CONSOLE_HISTORY_LINES + CONSOLE_LINE_MAX};
    size_t start = 0;

    if (!d->console.lines)
        return;
    r.buf = xmalloc(r.size);
    if (!r.buf)
        return;
    console_guest_history(d->console.lines, collect, &r);
    if (r.len)
        printk("  last console output of %s:\n", d->name);
    for (size_t i = 0; i < r.len; i++) {
        if (r.buf[i] == '\n') {
            printk("  | %.*s\n", (int)(i - start), r.buf + start);
            start = i + 1;
        }
    }
    xfree(r.buf);
}
