/* Memory-map sanitising: sort, resolve overlaps, merge (see lares/memmap.h). */
#include <lares/errno.h>
#include <lares/memmap.h>

unsigned int memmap_type_rank(u32 type)
{
    switch (type) {
    case E820_RAM:
        return 0;
    case E820_ACPI:
        return 1;
    case E820_NVS:
        return 2;
    case E820_UNUSABLE:
        return 3;
    default:
        return 4; /* reserved, and anything we do not know */
    }
}

const char *memmap_type_name(u32 type)
{
    switch (type) {
    case E820_RAM:
        return "RAM";
    case E820_RESERVED:
        return "reserved";
    case E820_ACPI:
        return "ACPI data";
    case E820_NVS:
        return "ACPI NVS";
    case E820_UNUSABLE:
        return "unusable";
    default:
        return "unknown";
    }
}

/* End of a range, exclusive; a range that would wrap is cut at the top of the address space. */
static u64 range_end(const struct boot_memrange *r)
{
    u64 end = r->base + r->size;

    return end < r->base ? UINT64_MAX : end;
}

/* Does type a beat type b where they overlap? Ties go to the larger type number. */
static bool type_beats(u32 a, u32 b)
{
    unsigned int ra = memmap_type_rank(a), rb = memmap_type_rank(b);

    return ra != rb ? ra > rb : a > b;
}

/* Sort the boundary points (insertion sort: a firmware map has at most a few hundred). */
static void sort_points(u64 *p, unsigned int n)
{
    for (unsigned int i = 1; i < n; i++) {
        u64 v = p[i];
        unsigned int j = i;

        while (j > 0 && p[j - 1] > v) {
            p[j] = p[j - 1];
            j--;
        }
        p[j] = v;
    }
}

/* The winning type over [start, end), which lies between two boundaries; false if none covers it.
 */
static bool type_over(const struct boot_memrange *in, unsigned int n, u64 start, u32 *type)
{
    bool found = false;

    for (unsigned int i = 0; i < n; i++) {
        if (in[i].size == 0 || start < in[i].base || start >= range_end(&in[i]))
            continue;
        if (!found || type_beats(in[i].type, *type))
            *type = in[i].type;
        found = true;
    }
    return found;
}

int memmap_sanitise(const struct boot_memrange *in, unsigned int n, struct boot_memrange *out,
                    unsigned int max_out)
{
    u64 points[2 * BOOT_MAX_MEMRANGES];
    unsigned int np = 0, nr_out = 0;

    if (n > BOOT_MAX_MEMRANGES)
        return -E2BIG;
    for (unsigned int i = 0; i < n; i++) {
        if (in[i].size == 0)
            continue;
        points[np++] = in[i].base;
        points[np++] = range_end(&in[i]);
    }
    sort_points(points, np);

    /*
     * Every stretch between two neighbouring boundary points is covered by
     * the same set of entries, so it has one winning type.
     */
    for (unsigned int i = 0; i + 1 < np; i++) {
        u64 start = points[i], end = points[i + 1];
        u32 type = 0;

        if (start == end || !type_over(in, n, start, &type))
            continue;
        if (nr_out && out[nr_out - 1].type == type &&
            out[nr_out - 1].base + out[nr_out - 1].size == start) {
            out[nr_out - 1].size += end - start;
            continue;
        }
        if (nr_out == max_out)
            return -ENOSPC;
        out[nr_out].base = start;
        out[nr_out].size = end - start;
        out[nr_out].type = type;
        nr_out++;
    }
    return (int)nr_out;
}
