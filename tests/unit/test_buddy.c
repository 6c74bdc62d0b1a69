/* The buddy page-frame allocator core: split, merge, alignment, exhaustion, misuse. */
#include "unit.h"

#include <stdlib.h>
#include <string.h>
#include <lares/buddy.h>
#include <lares/errno.h>

struct fixture {
    struct buddy b;
    struct buddy_frame *frames;
};

static struct fixture *make(u64 nr_frames)
{
    struct fixture *f = calloc(1, sizeof(*f));

    f->frames = calloc(nr_frames ? nr_frames : 1, sizeof(*f->frames));
    assert_int_equal(buddy_init(&f->b, f->frames, nr_frames), 0);
    return f;
}

static void destroy(struct fixture *f)
{
    free(f->frames);
    free(f);
}

static void starts_empty_and_reserved(void **state)
{
    struct fixture *f = make(64);
    u64 pfn;

    assert_int_equal(f->b.free_frames, 0);
    assert_int_equal(f->b.total_frames, 0);
    assert_int_equal(buddy_alloc(&f->b, 0, &pfn), -ENOMEM);
    assert_int_equal(f->b.failures, 1);
    assert_true(buddy_check(&f->b));
    destroy(f);
}

static void split_and_merge(void **state)
{
    struct fixture *f = make(8);
    u64 pfn;

    assert_int_equal(buddy_add_free(&f->b, 0, 8), 0);
    assert_int_equal(f->b.nr_free_blocks[3], 1);
    assert_int_equal(buddy_alloc(&f->b, 0, &pfn), 0);
    assert_int_equal(pfn, 0);
    /* The order-3 block split into 1 + 2 + 4 free frames. */
    assert_int_equal(f->b.nr_free_blocks[0], 1);
    assert_int_equal(f->b.nr_free_blocks[1], 1);
    assert_int_equal(f->b.nr_free_blocks[2], 1);
    assert_int_equal(f->b.nr_free_blocks[3], 0);
    assert_int_equal(f->b.free_frames, 7);
    assert_true(buddy_check(&f->b));
    assert_int_equal(buddy_free(&f->b, pfn, 0), 0);
    /* Freeing merges all the way back up. */
    assert_int_equal(f->b.nr_free_blocks[0], 0);
    assert_int_equal(f->b.nr_free_blocks[3], 1);
    assert_int_equal(f->b.free_frames, 8);
    assert_true(buddy_check(&f->b));
    destroy(f);
}

static void blocks_are_naturally_aligned_for_every_order(void **state)
{
    /* An odd start and size, so alignment has to come from the allocator. */
    u64 n = (1ULL << BUDDY_MAX_ORDER) + 12345;
    struct fixture *f = make(n);

    assert_int_equal(buddy_add_free(&f->b, 3, n - 3), 0);
    for (unsigned int order = 0; order < BUDDY_MAX_ORDER; order++) {
        u64 pfn;

        assert_int_equal(buddy_alloc(&f->b, order, &pfn), 0);
        assert_int_equal(pfn & ((1ULL << order) - 1), 0);
        assert_true(pfn >= 3 && pfn + (1ULL << order) <= n);
        assert_int_equal(buddy_block_order(&f->b, pfn), (int)order);
    }
    assert_true(buddy_check(&f->b));
    destroy(f);
}

static void largest_order_block(void **state)
{
    u64 n = 1ULL << BUDDY_MAX_ORDER, pfn;
    struct fixture *f = make(n);

    assert_int_equal(buddy_add_free(&f->b, 0, n), 0);
    assert_int_equal(f->b.nr_free_blocks[BUDDY_MAX_ORDER], 1);
    assert_int_equal(buddy_alloc(&f->b, BUDDY_MAX_ORDER, &pfn), 0);
    assert_int_equal(pfn, 0);
    assert_int_equal(f->b.free_frames, 0);
    assert_int_equal(buddy_alloc(&f->b, 0, &pfn), -ENOMEM);
    assert_int_equal(buddy_free(&f->b, 0, BUDDY_MAX_ORDER), 0);
    assert_int_equal(f->b.free_frames, n);
    assert_int_equal(buddy_alloc(&f->b, BUDDY_MAX_ORDER + 1, &pfn), -EINVAL);
    assert_true(buddy_check(&f->b));
    destroy(f);
}

static void exhaustion_returns_enomem_and_free_count_recovers(void **state)
{
    const u64 n = 1000;
    struct fixture *f = make(n);
    u64 *got = calloc(n, sizeof(*got)), count = 0, pfn;
    u64 failures;

    assert_int_equal(buddy_add_free(&f->b, 0, n), 0);
    while (buddy_alloc(&f->b, 0, &pfn) == 0) {
        assert_true(count < n);
        got[count++] = pfn;
    }
    assert_int_equal(count, n);
    assert_int_equal(f->b.free_frames, 0);
    failures = f->b.failures;
    assert_int_equal(failures, 1);
    assert_int_equal(buddy_alloc(&f->b, 3, &pfn), -ENOMEM);
    assert_int_equal(f->b.failures, failures + 1);
    for (u64 i = 0; i < count; i++)
        assert_int_equal(buddy_free(&f->b, got[i], 0), 0);
    assert_int_equal(f->b.free_frames, n);
    assert_true(buddy_check(&f->b));
    /* Everything merged back: 1000 = 512 + 256 + 128 + 64 + 32 + 8. */
    assert_int_equal(f->b.nr_free_blocks[9], 1);
    assert_int_equal(f->b.nr_free_blocks[0], 0);
    free(got);
    destroy(f);
}

static void holes_are_never_handed_out(void **state)
{
    struct fixture *f = make(16);
    u64 pfn, count = 0;

    assert_int_equal(buddy_add_free(&f->b, 1, 6), 0); /* 1..6 */
    assert_int_equal(buddy_add_free(&f->b, 9, 7), 0); /* 9..15 */
    assert_int_equal(f->b.total_frames, 13);
    while (buddy_alloc(&f->b, 0, &pfn) == 0) {
        assert_true(pfn != 0 && pfn != 7 && pfn != 8);
        count++;
    }
    assert_int_equal(count, 13);
    /* No block can span a hole, so nothing of order 3 existed either. */
    destroy(f);

    f = make(16);
    assert_int_equal(buddy_add_free(&f->b, 1, 6), 0);
    assert_int_equal(buddy_add_free(&f->b, 9, 7), 0);
    assert_int_equal(buddy_alloc(&f->b, 3, &pfn), -ENOMEM);
    assert_int_equal(buddy_alloc(&f->b, 2, &pfn), 0);
    assert_true(pfn == 4 || pfn == 12);
    destroy(f);
}

static void separately_added_ranges_merge(void **state)
{
    struct fixture *f = make(16);

    assert_int_equal(buddy_add_free(&f->b, 0, 4), 0);
    assert_int_equal(buddy_add_free(&f->b, 4, 4), 0);
    assert_int_equal(f->b.nr_free_blocks[3], 1);
    assert_int_equal(f->b.nr_free_blocks[2], 0);
    assert_true(buddy_check(&f->b));
    destroy(f);
}

static void double_free_and_wrong_order_are_refused(void **state)
{
    struct fixture *f = make(64);
    u64 a, b, free_before;

    assert_int_equal(buddy_add_free(&f->b, 0, 64), 0);
    assert_int_equal(buddy_alloc(&f->b, 2, &a), 0);
    assert_int_equal(buddy_alloc(&f->b, 0, &b), 0);
    free_before = f->b.free_frames;

    assert_int_equal(buddy_free(&f->b, a, 1), -EINVAL); /* wrong order */
    assert_int_equal(buddy_free(&f->b, a, 3), -EINVAL);
    assert_int_equal(buddy_free(&f->b, a + 1, 0), -EINVAL); /* inside a block */
    assert_int_equal(buddy_free(&f->b, 64, 0), -EINVAL);    /* out of range */
    assert_int_equal(buddy_free(&f->b, a, BUDDY_MAX_ORDER + 1), -EINVAL);
    assert_int_equal(f->b.free_frames, free_before);
    assert_true(buddy_check(&f->b));

    assert_int_equal(buddy_free(&f->b, a, 2), 0);
    assert_int_equal(buddy_free(&f->b, a, 2), -EINVAL); /* double free */
    assert_int_equal(buddy_free(&f->b, b, 0), 0);
    assert_int_equal(buddy_free(&f->b, b, 0), -EINVAL);
    assert_int_equal(buddy_block_order(&f->b, b), -EINVAL);
    assert_int_equal(f->b.free_frames, 64);
    assert_true(buddy_check(&f->b));
    destroy(f);
}

static void bad_ranges_are_refused(void **state)
{
    struct fixture *f = make(32);

    assert_int_equal(buddy_add_free(&f->b, 0, 16), 0);
    assert_int_equal(buddy_add_free(&f->b, 8, 4), -EINVAL);  /* already free */
    assert_int_equal(buddy_add_free(&f->b, 30, 4), -EINVAL); /* past the end */
    assert_int_equal(buddy_add_free(&f->b, ~0ULL, 2), -EINVAL);
    assert_int_equal(buddy_free(&f->b, 20, 0), -EINVAL); /* reserved frame */
    assert_int_equal(f->b.total_frames, 16);
    assert_true(buddy_check(&f->b));

    struct buddy b;
    assert_int_equal(buddy_init(&b, NULL, BUDDY_MAX_FRAMES + 1), -EINVAL);
    destroy(f);
}

/* Random allocations and frees against a shadow map of who owns each frame. */
static void exact_runs_take_only_what_is_asked(void **state)
{
    struct fixture *f = make(1024);

    assert_int_equal(buddy_add_free(&f->b, 0, 1024), 0);
    for (u64 count = 1; count <= 300; count++) {
        u64 pfn, other;

        assert_int_equal(buddy_alloc_exact(&f->b, count, &pfn), 0);
        assert_int_equal(f->b.free_frames, 1024 - count);
        assert_true(buddy_check(&f->b));
        /* The frames after the run are free again: a single frame right after it is. */
        if (count < 512) {
            u64 want = pfn + count;
            bool found = false;

            while (buddy_alloc(&f->b, 0, &other) == 0) {
                found |= other == want;
                if (found)
                    break;
            }
            assert_true(found);
            /* Give the singles back (they are the only order-0 blocks besides the run's). */
            for (u64 p = 0; p < 1024; p++)
                if ((p < pfn || p >= pfn + count) && buddy_block_order(&f->b, p) == 0)
                    assert_int_equal(buddy_free(&f->b, p, 0), 0);
        }
        /* A wrong count is refused and changes nothing. */
        assert_int_equal(buddy_free_exact(&f->b, pfn, count + 1), -EINVAL);
        assert_int_equal(f->b.free_frames, 1024 - count);
        assert_int_equal(buddy_free_exact(&f->b, pfn, count), 0);
        assert_int_equal(f->b.free_frames, 1024);
        assert_true(buddy_check(&f->b));
        /* Everything merged back: the whole range is one block again. */
        assert_int_equal(buddy_alloc(&f->b, 10, &other), 0);
        assert_int_equal(buddy_free(&f->b, other, 10), 0);
    }
    assert_int_equal(buddy_alloc_exact(&f->b, 0, &(u64){0}), -EINVAL);
    assert_int_equal(buddy_alloc_exact(&f->b, 1025, &(u64){0}), -ENOMEM);
    destroy(f);
}

static void random_stress_against_shadow_map(void **state)
{
    const u64 n = 4096 + 517;
    struct fixture *f = make(n);
    u8 *owner = calloc(n, 1);
    struct {
        u64 pfn;
        unsigned int order;
    } live[512];
    unsigned int nr_live = 0;

    srand(1234);
    assert_int_equal(buddy_add_free(&f->b, 5, n - 5), 0);
    for (int step = 0; step < 200000; step++) {
        if (nr_live < 512 && (rand() % 3 != 0 || nr_live == 0)) {
            unsigned int order = (unsigned int)(rand() % 7);
            u64 pfn;

            if (buddy_alloc(&f->b, order, &pfn))
                continue;
            assert_int_equal(pfn & ((1ULL << order) - 1), 0);
            for (u64 i = pfn; i < pfn + (1ULL << order); i++) {
                assert_true(i >= 5 && i < n);
                assert_int_equal(owner[i], 0);
                owner[i] = 1;
            }
            live[nr_live].pfn = pfn;
            live[nr_live].order = order;
            nr_live++;
        } else {
            unsigned int k = (unsigned int)rand() % nr_live;

            for (u64 i = live[k].pfn; i < live[k].pfn + (1ULL << live[k].order); i++)
                owner[i] = 0;
            assert_int_equal(buddy_free(&f->b, live[k].pfn, live[k].order), 0);
            live[k] = live[--nr_live];
        }
        if (step % 10000 == 0)
            assert_true(buddy_check(&f->b));
    }
    while (nr_live) {
        nr_live--;
        assert_int_equal(buddy_free(&f->b, live[nr_live].pfn, live[nr_live].order), 0);
    }
    assert_int_equal(f->b.free_frames, n - 5);
    assert_true(buddy_check(&f->b));
    free(owner);
    destroy(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(starts_empty_and_reserved),
        cmocka_unit_test(split_and_merge),
        cmocka_unit_test(blocks_are_naturally_aligned_for_every_order),
        cmocka_unit_test(largest_order_block),
        cmocka_unit_test(exhaustion_returns_enomem_and_free_count_recovers),
        cmocka_unit_test(holes_are_never_handed_out),
        cmocka_unit_test(separately_added_ranges_merge),
        cmocka_unit_test(double_free_and_wrong_order_are_refused),
        cmocka_unit_test(bad_ranges_are_refused),
        cmocka_unit_test(exact_runs_take_only_what_is_asked),
        cmocka_unit_test(random_stress_against_shadow_map),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
