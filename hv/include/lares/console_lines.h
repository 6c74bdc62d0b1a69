/*
 * Guest console output, line by line: a per-domain line assembler and
 * the console multiplexer that lets several domains (and the hypervisor)
 * share one serial console without mixing their lines.
 *
 * Every byte a domain prints (PV console ring, console_io, port 0xE9) is
 * fed to its struct console_lines. Whole lines are shown as
 * "(name) text\n". An unfinished line is held back until its newline,
 * until it reaches CONSOLE_LINE_MAX (then it is shown as a line of its
 * own and the rest continues on the next), or until the domain has been
 * quiet for CONSOLE_IDLE_FLUSH_NS (console_lines_idle): a shell prompt is
 * shown then, without a newline, so a person can type after it. While
 * that unfinished line is the last thing on the console, further output
 * of the same domain is appended at once (typed characters echo without
 * delay); if anything else is printed meanwhile, the console multiplexer
 * ends the open line first and the domain's next text starts a new
 * "(name) " line.
 *
 * What is shown is sanitised: printable ASCII and \t are kept; \n ends a
 * line; \r is dropped (CR LF and lone CR); backspace and DEL erase the
 * last character (one already shown, while the line is still the last
 * thing on the console, is rubbed out with "\b \b"); escape sequences
 * (ESC [ parameters final-byte, ESC intermediates final-byte, or ESC and
 * one byte) are dropped whole, so a shell's line editing leaves no
 * debris; other control characters are dropped; bytes >= 0x80 are shown
 * as '?' (no terminal control through C1 codes or bad UTF-8).
 *
 * The last lines (about CONSOLE_HISTORY_LINES, within
 * CONSOLE_HISTORY_BYTES) are kept per domain for crash reports
 * (console_lines_history), including the unfinished one.
 *
 * Locking: the multiplexer is shared by all CPUs and must be protected by
 * the console lock, which the caller holds across every call below (the
 * assembler calls the multiplexer). Its write callback is called with that
 * lock held and must not take it. Time is passed in (@now, nanoseconds),
 * so this code has no clock of its own.
 */
#ifndef LARES_CONSOLE_LINES_H
#define LARES_CONSOLE_LINES_H

#include <lares/types.h>

#define CONSOLE_NAME_MAX 32 /* domain name, including the NUL (DOMAIN_NAME_MAX) */
#define CONSOLE_PREFIX_MAX (CONSOLE_NAME_MAX + 2) /* "(" name ") " without NUL */
#define CONSOLE_LINE_MAX 256             /* text bytes per shown line; longer lines are split */
#define CONSOLE_IDLE_FLUSH_NS 50000000ll /* an unfinished line is shown after 50 ms of quiet */
#define CONSOLE_HISTORY_BYTES 4096u      /* power of two */
#define CONSOLE_HISTORY_LINES 50

/* The shared console: who has an unfinished line on it. */
struct console_mux {
    const void *open; /* owner of the unfinished last line, NULL: the console is at column 0 */
    void (*write)(void *ctx, const char *s, size_t len); /* raw output; console lock held */
    void *ctx;
};

void console_mux_init(struct console_mux *m, void (*write)(void *ctx, const char *s, size_t len),
                      void *ctx);

/*
 * Show a piece of @owner's current line: @text (no '\n' in it) followed by
 * a newline if @end. If @owner's line is not the open one, any other open
 * line is ended first and @prefix starts a new one; @owner's line is open
 * afterwards unless @end. Returns true if @text continued @owner's open
 * line in place.
 */
bool console_mux_put(struct console_mux *m, const void *owner, const char *prefix,
                     size_t prefix_len, const char *text, size_t len, bool end);

/*
 * Before output that is not a console_lines' (the hypervisor's printk):
 * end any open line, so the output starts at column 0.
 */
void console_mux_break(struct console_mux *m);

/* Per-domain line assembler. */
struct console_lines {
    char prefix[CONSOLE_PREFIX_MAX + 1]; /* "(name) " */
    unsigned int prefix_len;
    char line[CONSOLE_LINE_MAX];         /* the current line's sanitised text */
    unsigned int len;                    /* bytes in line[] */
    unsigned int shown;                  /* of which already on the console */
    s64 last_output;                     /* @now of the last byte received */
    u8 esc;                              /* escape-sequence state */
    u8 esc_len;                          /* bytes of the current CSI sequence */
    char history[CONSOLE_HISTORY_BYTES]; /* finished lines, '\n'-terminated, as a ring */
    u64 history_prod;                    /* bytes ever put into history[] */
};

/* Set up for domain @name (cut to CONSOLE_NAME_MAX - 1 bytes, non-printables as '?'). */
void console_lines_init(struct console_lines *cl, const char *name);

/* Feed @len bytes of the domain's output, received at @now. */
void console_lines_write(struct console_lines *cl, struct console_mux *m, const char *buf,
                         size_t len, s64 now);

/*
 * Periodic check: if part of a line has waited CONSOLE_IDLE_FLUSH_NS since
 * the last output, show it (unfinished). Returns true if it still has text
 * waiting (call again later).
 */
bool console_lines_idle(struct console_lines *cl, struct console_mux *m, s64 now);

/*
 * Show everything held back and end the line (the domain stops: crash,
 * shutdown, destroy), so its last words are on the console and in the
 * history.
 */
void console_lines_finish(struct console_lines *cl, struct console_mux *m);

/*
 * The kept lines, oldest first, at most CONSOLE_HISTORY_LINES, the
 * unfinished current line last (if any). @fn gets each line without '\n'.
 * Returns the number of lines.
 */
unsigned int console_lines_history(const struct console_lines *cl,
                                   void (*fn)(void *ctx, const char *line, size_t len), void *ctx);

#endif
