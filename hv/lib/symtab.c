/* Function-symbol lookup (see lares/symtab.h). */
#include <lares/string.h>
#include <lares/symtab.h>

bool symtab_lookup(const void *table, size_t len, u64 addr, struct symbol *sym)
{
    const struct symtab_header *h = table;
    const struct symtab_entry *e;
    const char *names;
    size_t names_len;
    u32 lo = 0, hi;

    if (!table || len < sizeof(*h) || h->count == 0)
        return false;
    if (h->count > (len - sizeof(*h)) / sizeof(*e) || h->names_off > len ||
        h->names_off < sizeof(*h) + (size_t)h->count * sizeof(*e))
        return false;
    if (addr < h->base || addr - h->base > UINT32_MAX)
        return false;
    e = (const struct symtab_entry *)(h + 1);
    names = (const char *)table + h->names_off;
    names_len = len - h->names_off;

    /* Last entry that starts at or below addr. */
    hi = h->count;
    while (hi - lo > 1) {
        u32 mid = lo + (hi - lo) / 2;

        if (e[mid].start <= addr - h->base)
            lo = mid;
        else
            hi = mid;
    }
    if (e[lo].start > addr - h->base || addr - h->base - e[lo].start >= e[lo].size)
        return false;
    if (e[lo].name >= names_len || !memchr(names + e[lo].name, '\0', names_len - e[lo].name))
        return false;
    sym->name = names + e[lo].name;
    sym->start = h->base + e[lo].start;
    sym->size = e[lo].size;
    return true;
}
