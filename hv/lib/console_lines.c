/* Guest console line assembler and console multiplexer (see lares/console_lines.h). */
#include <lares/compiler.h>
#include <lares/console_lines.h>
#include <lares/string.h>

BUILD_BUG_ON((CONSOLE_HISTORY_BYTES & (CONSOLE_HISTORY_BYTES - 1)) != 0);
BUILD_BUG_ON(CONSOLE_HISTORY_BYTES < CONSOLE_LINE_MAX + 1);

#define ASCII_BS 0x08
#define ASCII_ESC 0x1b
#define ASCII_DEL 0x7f

/* Escape-sequence states. */
#define ESC_NONE 0
#define ESC_START 1 /* after ESC */
#define ESC_CSI 2   /* after ESC [ : parameters until a final byte */
#define ESC_NF 3    /* after ESC and an intermediate byte (e.g. ESC ( B): until a final byte */
#define CSI_MAX 32  /* longer "sequences" are not ones: stop swallowing */

/* ------------------------------------------------------------ multiplexer */
void console_mux_init(struct console_mux *m, void (*write)(void *ctx, const char *s, size_t len),
                      void *ctx)
{
    m->open = NULL;
    m->write = write;
    m->ctx = ctx;
}

void console_mux_break(struct console_mux *m)
{
    if (m->open) {
        m->write(m->ctx, "\n", 1);
        m->open = NULL;
    }
}

bool console_mux_put(struct console_mux *m, const void *owner, const char *prefix,
                     size_t prefix_len, const char *text, size_t len, bool end)
{
    bool in_place = owner && m->open == owner;

    if (!in_place) {
        console_mux_break(m);
        m->write(m->ctx, prefix, prefix_len);
    }
    if (len)
        m->write(m->ctx, text, len);
    if (end) {
        m->write(m->ctx, "\n", 1);
        m->open = NULL;
    } else {
        m->open = owner;
    }
    return in_place;
}

/* ------------------------------------------------------------ history */
static void history_put(struct console_lines *cl, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        cl->history[cl->history_prod++ & (CONSOLE_HISTORY_BYTES - 1)] = s[i];
}

static char history_at(const struct console_lines *cl, u64 pos)
{
    return cl->history[pos & (CONSOLE_HISTORY_BYTES - 1)];
}

unsigned int console_lines_history(const struct console_lines *cl,
                                   void (*fn)(void *ctx, const char *line, size_t len), void *ctx)
{
    u64 end = cl->history_prod;
    u64 pos = end - MIN(end, (u64)CONSOLE_HISTORY_BYTES);
    unsigned int keep = CONSOLE_HISTORY_LINES - (cl->len ? 1 : 0);
    unsigned int lines = 0, told = 0;
    char buf[CONSOLE_LINE_MAX];

    /* Once the ring has wrapped its oldest line is cut: start after its end. */
    if (end > CONSOLE_HISTORY_BYTES) {
        while (pos < end && history_at(cl, pos) != '\n')
            pos++;
        pos++;
    }
    for (u64 p = pos; p < end; p++)
        lines += history_at(cl, p) == '\n';
    for (; lines > keep; lines--) {
        while (history_at(cl, pos) != '\n')
            pos++;
        pos++;
    }
    while (pos < end) {
        size_t n = 0;

        for (; pos < end && history_at(cl, pos) != '\n'; pos++)
            if (n < sizeof(buf)) /* lines are stored at most CONSOLE_LINE_MAX long */
                buf[n++] = history_at(cl, pos);
        pos++;
        fn(ctx, buf, n);
        told++;
    }
    if (cl->len) {
        fn(ctx, cl->line, cl->len);
        told++;
    }
    return told;
}

/* ------------------------------------------------------------ assembler */
void console_lines_init(struct console_lines *cl, const char *name)
{
    unsigned int n = 0;

    memset(cl, 0, sizeof(*cl));
    cl->prefix[n++] = '(';
    for (unsigned int i = 0; name[i] && i < CONSOLE_NAME_MAX - 1; i++) {
        unsigned char c = (unsigned char)name[i];

        cl->prefix[n++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
    }
    cl->prefix[n++] = ')';
    cl->prefix[n++] = ' ';
    cl->prefix[n] = '\0';
    cl->prefix_len = n;
}

/* Show what is held back; with @end, finish the line (and keep it in the history). */
static void show(struct console_lines *cl, struct console_mux *m, bool end)
{
    bool ours = m->open == cl;

    /* All of it was shown but the line was interrupted: no empty "(name) " line. */
    if (!(end && cl->shown && cl->len == cl->shown && !ours))
        console_mux_put(m, cl, cl->prefix, cl->prefix_len, cl->line + cl->shown,
                        cl->len - cl->shown, end);
    cl->shown = cl->len;
    if (end) {
        history_put(cl, cl->line, cl->len);
        history_put(cl, "\n", 1);
        cl->len = cl->shown = 0;
    }
}

static void put_char(struct console_lines *cl, struct console_mux *m, char c)
{
    if (cl->len == CONSOLE_LINE_MAX)
        show(cl, m, true); /* too long: this part becomes a line of its own */
    cl->line[cl->len++] = c;
}

static void erase_char(struct console_lines *cl, struct console_mux *m)
{
    if (cl->len > cl->shown) {
        cl->len--;
    } else if (cl->len && m->open == cl) {
        /* Already on screen and still the last thing there: rub it out. */
        m->write(m->ctx, "\b \b", 3);
        cl->len--;
        cl->shown--;
    }
}

/* Returns true if @c belonged to an escape sequence (and is dropped). */
static bool in_escape(struct console_lines *cl, unsigned char c)
{
    switch (cl->esc) {
    case ESC_START:
        if (c == '[') {
            cl->esc = ESC_CSI;
            cl->esc_len = 0;
            return true;
        }
        if (c == ASCII_ESC)
            return true;
        if (c >= 0x20 && c <= 0x2f) {
            cl->esc = ESC_NF;
            cl->esc_len = 0;
            return true;
        }
        cl->esc = ESC_NONE;
        return c >= 0x20; /* ESC + one byte; a control character is handled normally */
    case ESC_CSI:
        if (c >= 0x40 && c <= 0x7e) {
            cl->esc = ESC_NONE; /* the final byte */
            return true;
        }
        if (c >= 0x20 && c <= 0x3f && cl->esc_len < CSI_MAX) {
            cl->esc_len++; /* parameter or intermediate byte */
            return true;
        }
        cl->esc = ESC_NONE; /* not a well-formed sequence after all */
        return false;
    case ESC_NF:
        if (c >= 0x30 && c <= 0x7e) {
            cl->esc = ESC_NONE;
            return true;
        }
        if (c >= 0x20 && c <= 0x2f && cl->esc_len < CSI_MAX) {
            cl->esc_len++;
            return true;
        }
        cl->esc = ESC_NONE;
        return false;
    default:
        return false;
    }
}

void console_lines_write(struct console_lines *cl, struct console_mux *m, const char *buf,
                         size_t len, s64 now)
{
    if (len)
        cl->last_output = now;

    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)buf[i];

        if (in_escape(cl, c))
            continue;
        if (c == '\n')
            show(cl, m, true);
        else if (c == '\t' || (c >= 0x20 && c < ASCII_DEL))
            put_char(cl, m, (char)c);
        else if (c == ASCII_BS || c == ASCII_DEL)
            erase_char(cl, m);
        else if (c == ASCII_ESC)
            cl->esc = ESC_START;
        else if (c >= 0x80)
            put_char(cl, m, '?');
        /* else: \r and other control characters are dropped */
    }

    /* Our unfinished line is still the last thing on the console: continue it now. */
    if (m->open == cl && cl->len > cl->shown)
        show(cl, m, false);
}

bool console_lines_idle(struct console_lines *cl, struct console_mux *m, s64 now)
{
    if (cl->len == cl->shown)
        return false;
    if (now - cl->last_output < CONSOLE_IDLE_FLUSH_NS)
        return true;
    show(cl, m, false);
    return false;
}

void console_lines_finish(struct console_lines *cl, struct console_mux *m)
{
    cl->esc = ESC_NONE;
    if (cl->len || m->open == cl)
        show(cl, m, true);
}
