/* Fake physical memory for parser tests (see phys_image.h). */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "phys_image.h"

struct record {
    u64 pa;
    size_t len;
    u8 *data;
};

#define MAX_RECORDS 64
#define MAX_MAPS 4096

static struct record records[MAX_RECORDS];
static unsigned nr_records;
static void *maps[MAX_MAPS];
static unsigned nr_maps, map_calls;

void phys_image_reset(void)
{
    for (unsigned i = 0; i < nr_records; i++)
        free(records[i].data);
    for (unsigned i = 0; i < nr_maps; i++)
        free(maps[i]);
    nr_records = nr_maps = map_calls = 0;
}

void phys_image_put(u64 pa, const void *data, size_t len)
{
    struct record *r = NULL;

    for (unsigned i = 0; i < nr_records; i++)
        if (records[i].pa == pa)
            r = &records[i];
    if (!r) {
        assert_true(nr_records < MAX_RECORDS);
        r = &records[nr_records++];
    } else {
        free(r->data);
    }
    r->pa = pa;
    r->len = len;
    r->data = malloc(len ? len : 1);
    assert_non_null(r->data);
    memcpy(r->data, data, len);
}

u8 *phys_image_record(u64 pa, size_t *len)
{
    for (unsigned i = 0; i < nr_records; i++) {
        if (records[i].pa == pa) {
            if (len)
                *len = records[i].len;
            return records[i].data;
        }
    }
    return NULL;
}

void phys_image_load(const char *path)
{
    char full[512];
    FILE *f;
    char magic[8];

    snprintf(full, sizeof(full), "%s/%s", getenv("LARES_ROOT") ? getenv("LARES_ROOT") : ".", path);
    f = fopen(full, "rb");
    if (!f)
        fail_msg("cannot open %s", full);
    assert_int_equal(fread(magic, 1, 8, f), 8);
    assert_memory_equal(magic, "LARESPHY", 8);
    for (;;) {
        u64 pa;
        u32 len, zero;
        u8 *buf;

        if (fread(&pa, 8, 1, f) != 1)
            break;
        assert_int_equal(fread(&len, 4, 1, f), 1);
        assert_int_equal(fread(&zero, 4, 1, f), 1);
        buf = malloc(len);
        assert_non_null(buf);
        assert_int_equal(fread(buf, 1, len, f), len);
        phys_image_put(pa, buf, len);
        free(buf);
    }
    fclose(f);
}

/* In the legacy BIOS area, unrecorded bytes read as zero and records overlay them. */
static bool in_bios_area(u64 pa, size_t len)
{
    return pa >= 0x80000 && pa <= 0x100000 && len <= 0x100000 - pa;
}

static void overlay_records(u8 *dst, u64 pa, size_t len)
{
    memset(dst, 0, len);
    for (unsigned i = 0; i < nr_records; i++) {
        const struct record *r = &records[i];
        u64 lo = r->pa > pa ? r->pa : pa;
        u64 hi = r->pa + r->len < pa + len ? r->pa + r->len : pa + len;

        if (lo < hi)
            memcpy(dst + (lo - pa), r->data + (lo - r->pa), hi - lo);
    }
}

const void *phys_image_map(u64 pa, size_t len)
{
    const u8 *src = NULL;
    u8 *copy;

    map_calls++;
    for (unsigned i = 0; i < nr_records; i++) {
        const struct record *r = &records[i];

        if (pa >= r->pa && pa - r->pa <= r->len && len <= r->len - (pa - r->pa)) {
            src = r->data + (pa - r->pa);
            break;
        }
    }
    if (!src && !in_bios_area(pa, len))
        return NULL;
    if (nr_maps == MAX_MAPS) {
        /* Scanners map many small windows; recycle the oldest half. */
        for (unsigned i = 0; i < MAX_MAPS / 2; i++)
            free(maps[i]);
        memmove(maps, maps + MAX_MAPS / 2, sizeof(maps[0]) * (MAX_MAPS / 2));
        nr_maps = MAX_MAPS / 2;
    }
    copy = malloc(len ? len : 1);
    assert_non_null(copy);
    if (src)
        memcpy(copy, src, len);
    else
        overlay_records(copy, pa, len);
    maps[nr_maps++] = copy;
    return copy;
}

unsigned phys_image_map_calls(void)
{
    return map_calls;
}
