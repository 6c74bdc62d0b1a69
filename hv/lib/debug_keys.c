/* Debug-key table (see lares/debug_keys.h). */
#include <lares/debug_keys.h>
#include <lares/errno.h>
#include <lares/format.h>
#include <lares/string.h>

void debug_keys_init(struct debug_keys *dk, void (*print)(void *ctx, const char *line), void *ctx)
{
    memset(dk, 0, sizeof(*dk));
    dk->print = print;
    dk->print_ctx = ctx;
}

static bool key_ok(unsigned char key)
{
    return key > ' ' && key < 0x7f && key != DEBUG_KEY_HELP;
}

int debug_keys_register(struct debug_keys *dk, unsigned char key, debug_key_fn fn, void *ctx,
                        const char *desc)
{
    if (!key_ok(key) || !fn || !desc)
        return -EINVAL;
    if (dk->key[key].fn)
        return -EEXIST;
    dk->key[key].fn = fn;
    dk->key[key].ctx = ctx;
    dk->key[key].desc = desc;
    return 0;
}

static void help(const struct debug_keys *dk)
{
    char line[160];

    dk->print(dk->print_ctx, "'h' pressed -> showing installed handlers");
    format(line, sizeof(line), " key '%c' => %s", DEBUG_KEY_HELP, "show this list");
    dk->print(dk->print_ctx, line);
    for (unsigned int k = 0; k < DEBUG_KEYS_NR; k++) {
        if (!dk->key[k].fn)
            continue;
        format(line, sizeof(line), " key '%c' => %s", (char)k, dk->key[k].desc);
        dk->print(dk->print_ctx, line);
    }
}

int debug_keys_handle(struct debug_keys *dk, unsigned char key)
{
    if (key == DEBUG_KEY_HELP) {
        help(dk);
        return 0;
    }
    if (key >= DEBUG_KEYS_NR || !dk->key[key].fn)
        return -ENOENT;
    dk->key[key].fn(dk->key[key].ctx, key);
    return 0;
}
