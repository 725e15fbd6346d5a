/* Arenas: allocation accounting, caller memory, limits, reset, custom allocators. */
#include "testutil.h"

START_TEST(custom_allocator_balanced)
{
    struct counting c = COUNTING_INIT;
    d6t_allocator al = {c_alloc, c_free, &c};
    d6t_arena *a = d6t_arena_new(&al, 1024);
    ck_assert_ptr_nonnull(a);
    ck_assert_uint_eq(c.allocs, 1);
    /* a parse of the 2-hop Solicit fits the first 4 KiB block: one allocation in total */
    uint8_t w1[400];
    size_t n = unhex(W1_HEX, w1, sizeof w1);
    d6t_msg *m;
    d6t_arena *b = d6t_arena_new(&al, 4096);
    ck_assert_int_eq(d6t_msg_parse(b, w1, n, 0, &m, NULL), D6T_OK);
    ck_assert_uint_eq(d6t_arena_heap_blocks(b), 1);
    ck_assert_uint_eq(c.allocs, 2);
    /* growth past the first block, including an allocation bigger than a block */
    for (int i = 0; i < 10; i++) ck_assert_ptr_nonnull(d6t_arena_alloc(a, 700));
    ck_assert_ptr_nonnull(d6t_arena_alloc(a, 5000));
    ck_assert_uint_gt(d6t_arena_heap_blocks(a), 5);
    size_t before = c.allocs, blocks = d6t_arena_heap_blocks(a);
    d6t_arena_reset(a);
    ck_assert_uint_eq(d6t_arena_used(a), 0);
    /* a reset keeps every block: the same work again takes nothing from the allocator */
    ck_assert_uint_eq(c.frees, 0);
    ck_assert_uint_eq(d6t_arena_heap_blocks(a), blocks);
    for (int i = 0; i < 10; i++) ck_assert_ptr_nonnull(d6t_arena_alloc(a, 700));
    ck_assert_ptr_nonnull(d6t_arena_alloc(a, 5000));
    ck_assert_uint_eq(c.allocs, before);
    /* a bigger request than any kept block still gets a new one */
    ck_assert_ptr_nonnull(d6t_arena_alloc(a, 9000));
    ck_assert_uint_eq(c.allocs, before + 1);
    d6t_arena_free(a);
    d6t_arena_free(b);
    ck_assert_uint_eq(c.allocs, c.frees);
    ck_assert_uint_eq(c.live, 0);
}
END_TEST

START_TEST(caller_memory_no_heap)
{
    _Alignas(16) uint8_t buf[8192];
    struct counting c = COUNTING_INIT;
    d6t_allocator al = {c_alloc, c_free, &c};
    ck_assert_ptr_null(d6t_arena_new_in(buf, 100, NULL)); /* below the minimum */
    d6t_arena *a = d6t_arena_new_in(buf, sizeof buf, NULL);
    ck_assert_ptr_nonnull(a);
    uint8_t w1[400];
    size_t n = unhex(W1_HEX, w1, sizeof w1);
    d6t_msg *m;
    for (int round = 0; round < 3; round++) {
        ck_assert_int_eq(d6t_msg_parse(a, w1, n, 0, &m, NULL), D6T_OK);
        ck_assert_uint_eq(d6t_arena_heap_blocks(a), 0);
        d6t_arena_reset(a);
    }
    /* full: fails cleanly without overflow allocator, grows with one */
    while (d6t_arena_alloc(a, 1000)) {}
    while (d6t_arena_alloc(a, 16)) {}
    ck_assert_ptr_null(d6t_arena_alloc(a, 1));
    d6t_arena_free(a);
    a = d6t_arena_new_in(buf, 512, &al);
    ck_assert_ptr_nonnull(d6t_arena_alloc(a, 2000));
    ck_assert_uint_eq(c.allocs, 1);
    d6t_arena_free(a);
    ck_assert_uint_eq(c.frees, 1);
}
END_TEST

START_TEST(limit_and_failures)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    d6t_arena_set_limit(a, 1000);
    ck_assert_ptr_nonnull(d6t_arena_alloc(a, 900));
    ck_assert_ptr_null(d6t_arena_alloc(a, 200));
    ck_assert_ptr_null(d6t_arena_alloc(a, SIZE_MAX));
    ck_assert_uint_le(d6t_arena_used(a), 1000);
    d6t_arena_free(a);
    /* allocator that fails at once: no arena, no crash */
    struct counting c = COUNTING_INIT;
    c.fail_after = 0;
    d6t_allocator al = {c_alloc, c_free, &c};
    ck_assert_ptr_null(d6t_arena_new(&al, 0));
    /* allocator that fails on the second block: parse reports NOMEM */
    struct counting c2 = COUNTING_INIT;
    c2.fail_after = 1;
    d6t_allocator al2 = {c_alloc, c_free, &c2};
    a = d6t_arena_new(&al2, 300);
    uint8_t w1[400];
    size_t n = unhex(W1_HEX, w1, sizeof w1);
    d6t_msg *m;
    d6t_parse_error e;
    ck_assert_int_eq(d6t_msg_parse(a, w1, n, 0, &m, &e), D6T_ERR_NOMEM);
    ck_assert_int_eq(e.status, D6T_ERR_NOMEM);
    d6t_arena_free(a);
    ck_assert_uint_eq(c2.allocs, c2.frees);
    d6t_arena_free(NULL);
    ck_assert_ptr_null(d6t_arena_alloc(NULL, 1));
    d6t_allocator half = {c_alloc, NULL, &c};
    ck_assert_ptr_null(d6t_arena_new(&half, 0));
}
END_TEST

/* Every byte handed out counts, whichever path gave it: the inline bump, a new block that
 * becomes current, a big request in a block of its own while the current one stays, a reset. */
START_TEST(used_counts_every_path)
{
    d6t_arena *a = d6t_arena_new(NULL, 1024);
    size_t want = 0;
    static const size_t sizes[] = {1, 16, 17, 300, 700, 5000, 40, 900, 3, 2000, 64};
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
            ck_assert_ptr_nonnull(d6t_arena_alloc(a, sizes[i]));
            want += (sizes[i] + 15) & ~(size_t)15;
            ck_assert_uint_eq(d6t_arena_used(a), want);
        }
        ck_assert_uint_gt(d6t_arena_heap_blocks(a), 3);
        d6t_arena_reset(a); /* the second round reuses the kept blocks */
        ck_assert_uint_eq(d6t_arena_used(a), 0);
        want = 0;
    }
    /* under a limit, across blocks (kept blocks count against it too, so it stops early) */
    d6t_arena_set_limit(a, 3000);
    while (d6t_arena_alloc(a, 208)) want += 208;
    ck_assert_uint_eq(d6t_arena_used(a), want);
    ck_assert_uint_ge(want, 1024);
    ck_assert_uint_le(want, 3000);
    /* a message parsed after a reset under the limit counts the same both times */
    uint8_t w1[400];
    size_t n = unhex(W1_HEX, w1, sizeof w1), first;
    d6t_msg *m;
    d6t_arena_reset(a);
    ck_assert_int_eq(d6t_msg_parse(a, w1, n, 0, &m, NULL), D6T_OK);
    first = d6t_arena_used(a);
    ck_assert_uint_gt(first, 0);
    d6t_arena_reset(a);
    ck_assert_int_eq(d6t_msg_parse(a, w1, n, 0, &m, NULL), D6T_OK);
    ck_assert_uint_eq(d6t_arena_used(a), first);
    d6t_arena_free(a);
}
END_TEST

START_TEST(alignment)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    for (size_t s = 1; s < 40; s++) {
        void *p = d6t_arena_alloc(a, s);
        ck_assert_uint_eq((uintptr_t)p % 16, 0);
    }
    d6t_arena_free(a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("arena");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, custom_allocator_balanced);
    tcase_add_test(tc, caller_memory_no_heap);
    tcase_add_test(tc, limit_and_failures);
    tcase_add_test(tc, used_counts_every_path);
    tcase_add_test(tc, alignment);
    suite_add_tcase(s, tc);
    return run_suite(s) ? 1 : 0;
}
