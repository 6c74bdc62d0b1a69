/* The heap core: size classes, alignment, no overlap, misuse detection, pages given back. */
#include "unit.h"

#include <stdlib.h>
#include <string.h>
#include <lares/buddy.h>
#include <lares/errno.h>
#include <lares/slab.h>

/* Pages come from the real buddy core over a host buffer. */
#define NR_PAGES 2048
static u8 *memory;
static struct buddy buddy;
static struct buddy_frame frames[NR_PAGES];
static bool fail_allocations;

static void *test_alloc_pages(unsigned int order)
{
    u64 pfn;

    if (fail_allocations || buddy_alloc(&buddy, order, &pfn))
        return NULL;
    return memory + pfn * SLAB_PAGE_SIZE;
}

static void test_free_pages(void *p, unsigned int order)
{
    assert_int_equal(buddy_free(&buddy, (u64)((u8 *)p - memory) / SLAB_PAGE_SIZE, order), 0);
}

static int test_block_order(const void *p)
{
    if ((const u8 *)p < memory || (const u8 *)p >= memory + NR_PAGES * SLAB_PAGE_SIZE)
        return -EINVAL;
    return buddy_block_order(&buddy, (u64)((const u8 *)p - memory) / SLAB_PAGE_SIZE);
}

static const struct slab_ops ops = {
    .alloc_pages = test_alloc_pages,
    .free_pages = test_free_pages,
    .block_order = test_block_order,
};

static struct slab_heap heap;

static int setup(void **state)
{
    memory = aligned_alloc(SLAB_PAGE_SIZE, (size_t)NR_PAGES * SLAB_PAGE_SIZE);
    assert_non_null(memory);
    assert_int_equal(buddy_init(&buddy, frames, NR_PAGES), 0);
    assert_int_equal(buddy_add_free(&buddy, 0, NR_PAGES), 0);
    slab_init(&heap, &ops);
    fail_allocations = false;
    return 0;
}

static int teardown(void **state)
{
    free(memory);
    return 0;
}

static void classes_cover_sizes_in_order(void **state)
{
    assert_int_equal(slab_class_of(0), 0);
    assert_int_equal(slab_class_of(1), 0);
    assert_int_equal(slab_class_of(16), 0);
    assert_int_equal(slab_class_of(17), 1);
    assert_int_equal(slab_class_of(SLAB_MAX_OBJECT), SLAB_NR_CLASSES - 1);
    assert_int_equal(slab_class_of(SLAB_MAX_OBJECT + 1), -1);
    for (unsigned int c = 0; c < SLAB_NR_CLASSES; c++) {
        assert_int_equal(slab_class_size(c) % 16, 0);
        if (c)
            assert_true(slab_class_size(c) > slab_class_size(c - 1));
        /* At least two objects share a page after the header. */
        assert_true(2 * slab_class_size(c) <= SLAB_PAGE_SIZE - SLAB_HEADER_SIZE);
    }
}

static void every_size_is_aligned_and_usable(void **state)
{
    for (size_t size = 0; size <= 3 * SLAB_PAGE_SIZE; size += (size < 256 ? 1 : 37)) {
        u8 *p = slab_alloc(&heap, size);

        assert_non_null(p);
        assert_int_equal((uintptr_t)p % 16, 0);
        assert_true(slab_usable_size(&heap, p) >= size);
        memset(p, 0xab, size);
        assert_int_equal(slab_free(&heap, p), 0);
    }
    assert_int_equal(buddy.free_frames, NR_PAGES);
    assert_int_equal(heap.objects, 0);
    assert_int_equal(heap.slab_pages, 0);
    assert_int_equal(heap.large_pages, 0);
}

static void live_objects_never_overlap(void **state)
{
    enum { N = 3000 };
    static u8 *obj[N];
    static size_t len[N];

    srand(99);
    for (int i = 0; i < N; i++) {
        len[i] = (size_t)(rand() % 700) + 1;
        obj[i] = slab_alloc(&heap, len[i]);
        assert_non_null(obj[i]);
        memset(obj[i], i & 0xff, len[i]);
    }
    /* Free every third, reallocate, and check nothing was overwritten. */
    for (int i = 0; i < N; i += 3) {
        assert_int_equal(slab_free(&heap, obj[i]), 0);
        len[i] = (size_t)(rand() % 2000) + 1;
        obj[i] = slab_alloc(&heap, len[i]);
        assert_non_null(obj[i]);
        memset(obj[i], i & 0xff, len[i]);
    }
    for (int i = 0; i < N; i++)
        for (size_t b = 0; b < len[i]; b++)
            assert_int_equal(obj[i][b], i & 0xff);
    for (int i = 0; i < N; i++)
        assert_int_equal(slab_free(&heap, obj[i]), 0);
    assert_int_equal(buddy.free_frames, NR_PAGES);
    assert_true(buddy_check(&buddy));
}

static void large_allocations_are_page_blocks(void **state)
{
    u8 *p = slab_alloc(&heap, 5 * SLAB_PAGE_SIZE); /* needs 8 pages: order 3 */

    assert_non_null(p);
    assert_int_equal((uintptr_t)p % SLAB_PAGE_SIZE, 0);
    assert_int_equal(test_block_order(p), 3);
    assert_int_equal(heap.large_pages, 8);
    assert_int_equal(slab_usable_size(&heap, p), 8 * SLAB_PAGE_SIZE);
    assert_int_equal(slab_free(&heap, p), 0);
    assert_int_equal(heap.large_pages, 0);
    assert_int_equal(buddy.free_frames, NR_PAGES);
}

static void misuse_is_detected(void **state)
{
    u8 *a = slab_alloc(&heap, 40), *b = slab_alloc(&heap, 40), *big;
    u64 free_before;

    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(slab_free(&heap, NULL), 0);
    assert_int_equal(slab_free(&heap, a + 16), -EINVAL); /* middle of an object */
    assert_int_equal(slab_free(&heap, a - 8), -EINVAL);
    assert_int_equal(slab_free(&heap, a), 0);
    assert_int_equal(slab_free(&heap, a), -EINVAL); /* double free */
    assert_int_equal(slab_usable_size(&heap, a), 0);

    /* A page-aligned pointer the page allocator did not hand out as a block. */
    big = slab_alloc(&heap, 2 * SLAB_PAGE_SIZE);
    assert_non_null(big);
    assert_int_equal(slab_free(&heap, big + SLAB_PAGE_SIZE), -EINVAL);
    assert_int_equal(slab_free(&heap, big), 0);
    free_before = buddy.free_frames;
    assert_int_equal(slab_free(&heap, big), -EINVAL); /* double free of a large one */
    assert_int_equal(buddy.free_frames, free_before);

    assert_int_equal(slab_free(&heap, b), 0);
    assert_int_equal(buddy.free_frames, NR_PAGES);
}

static void out_of_pages_returns_null_and_counts(void **state)
{
    fail_allocations = true;
    assert_null(slab_alloc(&heap, 10));
    assert_null(slab_alloc(&heap, 100000));
    assert_int_equal(heap.failures, 2);
    fail_allocations = false;
    assert_null(slab_alloc(&heap, (size_t)NR_PAGES * SLAB_PAGE_SIZE + 1)); /* more than exists */
    assert_null(slab_alloc(&heap, SIZE_MAX));
    assert_int_equal(heap.failures, 4);
    assert_int_equal(buddy.free_frames, NR_PAGES);
}

static void full_slab_comes_back_when_an_object_is_freed(void **state)
{
    /* 2016-byte objects: two per page. */
    void *a = slab_alloc(&heap, 2000), *b = slab_alloc(&heap, 2000), *c;

    assert_int_equal(heap.slab_pages, 1);
    assert_int_equal(((uintptr_t)a & ~(uintptr_t)4095), ((uintptr_t)b & ~(uintptr_t)4095));
    c = slab_alloc(&heap, 2000);
    assert_int_equal(heap.slab_pages, 2);
    assert_int_equal(slab_free(&heap, b), 0);
    /* The first page has room again and is used before anything new. */
    assert_ptr_equal(slab_alloc(&heap, 2000), b);
    assert_int_equal(heap.slab_pages, 2);
    slab_free(&heap, a);
    slab_free(&heap, b);
    slab_free(&heap, c);
    assert_int_equal(heap.slab_pages, 0);
    assert_int_equal(buddy.free_frames, NR_PAGES);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(classes_cover_sizes_in_order, setup, teardown),
        cmocka_unit_test_setup_teardown(every_size_is_aligned_and_usable, setup, teardown),
        cmocka_unit_test_setup_teardown(live_objects_never_overlap, setup, teardown),
        cmocka_unit_test_setup_teardown(large_allocations_are_page_blocks, setup, teardown),
        cmocka_unit_test_setup_teardown(misuse_is_detected, setup, teardown),
        cmocka_unit_test_setup_teardown(out_of_pages_returns_null_and_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(full_slab_comes_back_when_an_object_is_freed, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
