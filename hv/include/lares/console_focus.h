/*
 * Serial input focus, with Xen's convention: pressing Ctrl-A three times
 * in a row moves the input focus to the next place in the cycle
 *
 *   hypervisor -> lowest domain id -> next higher id ... -> hypervisor
 *
 * skipping domains that no longer exist (or do not take input), and says
 * so on the console ("*** Serial input to domain 'web' (type CTRL-a three
 * times to switch input)"). Fewer than three Ctrl-A followed by another
 * key are not lost: the held-back Ctrl-A bytes are delivered first, then
 * the key. While the hypervisor has the focus, each byte is a debug key
 * (lares/debug_keys.h); otherwise the bytes go to the focused domain's
 * console input (console_ring_write_input for a PV console).
 *
 * The caller asks once per received byte: console_focus_input() says where
 * the byte(s) go. Which domains exist is asked through
 * console_focus_ops.next_domain at switch time only.
 *
 * Locking: the serial input path calls these one byte at a time (one
 * CPU at a time, e.g. under the serial receive lock).
 */
#ifndef LARES_CONSOLE_FOCUS_H
#define LARES_CONSOLE_FOCUS_H

#include <lares/types.h>

#define CONSOLE_SWITCH_CHAR 0x01 /* Ctrl-A */
#define CONSOLE_SWITCH_PRESSES 3
#define CONSOLE_FOCUS_NAME_MAX 32 /* domain name, including the NUL */
#define CONSOLE_ANNOUNCE_MAX 128

enum console_input_target {
    CONSOLE_INPUT_NONE,       /* nothing to deliver (held back, or the focus switched) */
    CONSOLE_INPUT_HYPERVISOR, /* each of bytes[] is a debug key */
    CONSOLE_INPUT_DOMAIN,     /* bytes[] are input for domain domid */
};

/* Where input goes: the result of one received byte. */
struct console_input {
    enum console_input_target target;
    u16 domid; /* CONSOLE_INPUT_DOMAIN */
    unsigned int len;
    char bytes[CONSOLE_SWITCH_PRESSES];  /* held-back Ctrl-A bytes, then the key */
    bool switched;                       /* the focus moved: print announce[] on the console */
    char announce[CONSOLE_ANNOUNCE_MAX]; /* NUL-terminated, no newline */
};

struct console_focus_ops {
    void *ctx;
    /*
     * The lowest id above @after (-1: the lowest of all) of a domain that
     * takes console input, in *domid, with its name (NUL-terminated, cut to
     * name_size). 0, or -ENOENT if there is none.
     */
    int (*next_domain)(void *ctx, int after, u16 *domid, char *name, size_t name_size);
};

struct console_focus {
    bool on_domain;       /* false: the hypervisor has the focus */
    u16 domid;            /* the focused domain, if on_domain */
    unsigned int presses; /* Ctrl-A received in a row, held back (0..2) */
    const struct console_focus_ops *ops;
};

/* Focus on the hypervisor. */
void console_focus_init(struct console_focus *f, const struct console_focus_ops *ops);

/* One byte from the serial line: where it (and any held-back Ctrl-A) goes. */
void console_focus_input(struct console_focus *f, unsigned char c, struct console_input *out);

/*
 * Move the focus one step along the cycle now, as Ctrl-A x3 does (e.g.
 * once at the end of boot, so that a person lands in the first domain's
 * console). out->switched is set and out->announce says where it went.
 */
void console_focus_switch(struct console_focus *f, struct console_input *out);

/*
 * Domain @domid is going away. If it had the focus, the focus moves on to
 * the next domain in the cycle (or the hypervisor) and true is returned
 * with the announcement in @out; otherwise false.
 */
bool console_focus_domain_gone(struct console_focus *f, u16 domid, struct console_input *out);

#endif
