/*
 * Debug keys: single-key commands typed on the serial console while the
 * hypervisor has the input focus (lares/console_focus.h), as Xen's debug
 * keys ('h' help, 'q' domain and vCPU dump, 'r' run queues, ...). The
 * subsystems register their own keys at boot; 'h' is built in and lists
 * them.
 *
 * Locking: register during boot, before serial input is enabled; after
 * that the table is only read, by the serial input path, one key at a time.
 */
#ifndef LARES_DEBUG_KEYS_H
#define LARES_DEBUG_KEYS_H

#include <lares/types.h>

#define DEBUG_KEYS_NR 128 /* ASCII */
#define DEBUG_KEY_HELP 'h'

typedef void (*debug_key_fn)(void *ctx, unsigned char key);

struct debug_key {
    debug_key_fn fn;
    void *ctx;
    const char *desc; /* one line, shown by 'h' */
};

struct debug_keys {
    struct debug_key key[DEBUG_KEYS_NR];
    /* Output of the built-in help: one line, without newline. */
    void (*print)(void *ctx, const char *line);
    void *print_ctx;
};

void debug_keys_init(struct debug_keys *dk, void (*print)(void *ctx, const char *line), void *ctx);

/*
 * Make @key run @fn(@ctx, key). 0, -EINVAL (not a printable ASCII
 * character other than space, or 'h', or no fn/desc), -EEXIST (taken).
 */
int debug_keys_register(struct debug_keys *dk, unsigned char key, debug_key_fn fn, void *ctx,
                        const char *desc);

/*
 * Run the handler of @key ('h': the list of keys). 0, or -ENOENT if no
 * handler has that key (the caller may point at 'h').
 */
int debug_keys_handle(struct debug_keys *dk, unsigned char key);

#endif
