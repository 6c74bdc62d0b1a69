/* The deadline heap behind software timers, against a brute-force model. */
#include "unit.h"

#include <stdlib.h>
#include <lares/timer_heap.h>

#define N 1000

static struct heap_node nodes[N];
static struct heap_node *slots[N];

/* Earliest queued key per the model (brute force over all nodes). */
static s64 model_min(void)
{
    s64 best = INT64_MAX;

    for (unsigned i = 0; i < N; i++)
        if (nodes[i].pos && nodes[i].key < best)
            best = nodes[i].key;
    return best;
}

static void pops_in_order(void **state)
{
    struct timer_heap h;
    s64 prev = INT64_MIN;

    timer_heap_init(&h, slots, N);
    srand(1);
    for (unsigned i = 0; i < N; i++)
        assert_true(timer_heap_insert(&h, &nodes[i], rand() % 5000 - 1000));
    assert_true(timer_heap_valid(&h));
    for (unsigned i = 0; i < N; i++) {
        struct heap_node *nd = timer_heap_pop(&h);

        assert_non_null(nd);
        assert_false(heap_node_queued(nd));
        assert_true(nd->key >= prev);
        prev = nd->key;
    }
    assert_null(timer_heap_pop(&h));
    assert_null(timer_heap_min(&h));
}

static void full_heap_refuses(void **state)
{
    struct timer_heap h;
    struct heap_node extra = {0};

    timer_heap_init(&h, slots, 4);
    for (unsigned i = 0; i < 4; i++)
        assert_true(timer_heap_insert(&h, &nodes[i], i));
    assert_false(timer_heap_insert(&h, &extra, -5));
    assert_false(heap_node_queued(&extra));
    assert_int_equal(timer_heap_min(&h)->key, 0);
}

static void random_operations_match_model(void **state)
{
    static struct heap_node *small[8], *big[N];
    struct timer_heap h;

    for (unsigned i = 0; i < N; i++)
        nodes[i] = (struct heap_node){0};
    timer_heap_init(&h, small, 8);
    srand(42);
    for (unsigned step = 0; step < 200000; step++) {
        struct heap_node *nd = &nodes[rand() % N];
        s64 key = rand() % 100000;

        switch (rand() % 4) {
        case 0:
            if (!heap_node_queued(nd) && !timer_heap_insert(&h, nd, key)) {
                /* grow, the way the timer code does */
                assert_int_equal(h.cap, 8);
                timer_heap_move(&h, big, N);
                assert_true(timer_heap_insert(&h, nd, key));
            }
            break;
        case 1:
            if (heap_node_queued(nd))
                timer_heap_update(&h, nd, key);
            break;
        case 2:
            timer_heap_remove(&h, nd);
            assert_false(heap_node_queued(nd));
            break;
        case 3:
            if (h.n) {
                s64 want = model_min();
                struct heap_node *got = timer_heap_pop(&h);

                assert_int_equal(got->key, want);
            }
            break;
        }
        if (step % 97 == 0)
            assert_true(timer_heap_valid(&h));
        if (h.n)
            assert_int_equal(timer_heap_min(&h)->key, model_min());
    }
    assert_true(timer_heap_valid(&h));
}

static void remove_each_position(void **state)
{
    struct timer_heap h;

    /* Removing from every slot of a 31-node heap keeps it valid. */
    for (unsigned victim = 0; victim < 31; victim++) {
        timer_heap_init(&h, slots, N);
        for (unsigned i = 0; i < 31; i++)
            assert_true(timer_heap_insert(&h, &nodes[i], (s64)((i * 7919) % 31)));
        timer_heap_remove(&h, h.slot[victim]);
        assert_int_equal(h.n, 30);
        assert_true(timer_heap_valid(&h));
        while (timer_heap_pop(&h))
            ;
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pops_in_order),
        cmocka_unit_test(full_heap_refuses),
        cmocka_unit_test(random_operations_match_model),
        cmocka_unit_test(remove_each_position),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
