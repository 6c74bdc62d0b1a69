/* Serial input focus and the Ctrl-A x3 switch (see lares/console_focus.h). */
#include <lares/console_focus.h>
#include <lares/format.h>
#include <lares/string.h>

#define SWITCH_HINT "(type CTRL-a three times to switch input)"

static void clear(struct console_input *out)
{
    memset(out, 0, sizeof(*out));
    out->target = CONSOLE_INPUT_NONE;
}

void console_focus_init(struct console_focus *f, const struct console_focus_ops *ops)
{
    f->on_domain = false;
    f->domid = 0;
    f->presses = 0;
    f->ops = ops;
}

/* Focus on the first input-taking domain after @after (-1: the first), or the hypervisor. */
static void focus_after(struct console_focus *f, int after, struct console_input *out)
{
    char name[CONSOLE_FOCUS_NAME_MAX];
    u16 id;

    name[0] = '\0';
    if (!f->ops->next_domain(f->ops->ctx, after, &id, name, sizeof(name))) {
        name[sizeof(name) - 1] = '\0';
        for (char *p = name; *p; p++)
            if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
                *p = '?'; /* printed on the console as it is */
        f->on_domain = true;
        f->domid = id;
        format(out->announce, sizeof(out->announce), "*** Serial input to domain '%s' " SWITCH_HINT,
               name);
    } else {
        f->on_domain = false;
        format(out->announce, sizeof(out->announce), "*** Serial input to Lares " SWITCH_HINT);
    }
    out->switched = true;
}

void console_focus_switch(struct console_focus *f, struct console_input *out)
{
    clear(out);
    /* From the hypervisor the cycle starts again at the lowest domain id. */
    focus_after(f, f->on_domain ? f->domid : -1, out);
}

void console_focus_input(struct console_focus *f, unsigned char c, struct console_input *out)
{
    if (c == CONSOLE_SWITCH_CHAR) {
        if (++f->presses < CONSOLE_SWITCH_PRESSES) {
            clear(out); /* held back: it may be the start of a switch */
            return;
        }
        f->presses = 0;
        console_focus_switch(f, out);
        return;
    }

    clear(out);
    /* Fewer than three: they were meant for the focus, deliver them before the key. */
    while (f->presses) {
        out->bytes[out->len++] = CONSOLE_SWITCH_CHAR;
        f->presses--;
    }
    out->bytes[out->len++] = (char)c;
    if (f->on_domain) {
        out->target = CONSOLE_INPUT_DOMAIN;
        out->domid = f->domid;
    } else {
        out->target = CONSOLE_INPUT_HYPERVISOR;
    }
}

bool console_focus_domain_gone(struct console_focus *f, u16 domid, struct console_input *out)
{
    clear(out);
    if (!f->on_domain || f->domid != domid)
        return false;
    focus_after(f, domid, out);
    return true;
}
