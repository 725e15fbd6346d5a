/* No global state: threads parse, build, validate, print and answer through bundles at once,
 * each with its own arena, and every result equals the single-threaded one. */
#include "testutil.h"
#include <pthread.h>

#define THREADS 4
#define ROUNDS  2000

static uint8_t w1[400];
static size_t w1_len;
static char ref_json[8192];

static void *worker(void *arg)
{
    (void)arg;
    d6t_arena *a = d6t_arena_new(NULL, 0);
    static __thread char json[8192];
    static __thread uint8_t out[1024];
    for (int i = 0; i < ROUNDS; i++) {
        d6t_arena_reset(a);
        d6t_bundle *b;
        if (d6t_bundle_new(a, w1, w1_len, 0, NULL, &b, NULL)) return (void *)1;
        d6t_msg *req = d6t_bundle_request(b);
        d6t_msg_to_json(d6t_bundle_incoming(b), json, sizeof json);
        if (strcmp(json, ref_json) != 0) return (void *)2;
        if (d6t_msg_validate(d6t_bundle_incoming(b), NULL, NULL, NULL) != D6T_OK) return (void *)3;
        d6t_msg *r = d6t_msg_new(a, D6T_MSG_REPLY);
        d6t_msg_set_transaction_id(r, d6t_msg_transaction_id(req));
        d6t_msg_add_opt_copy(r, d6t_msg_find_opt(req, D6T_OPT_CLIENTID));
        d6t_bundle_set_response(b, r);
        size_t n;
        if (d6t_bundle_outgoing_next(b, out, sizeof out, &n) != D6T_OK ||
            out[0] != D6T_MSG_RELAY_REPL)
            return (void *)4;
        d6t_bundle_free(b);
    }
    d6t_arena_free(a);
    return NULL;
}

START_TEST(parallel_transactions)
{
    w1_len = unhex(W1_HEX, w1, sizeof w1);
    d6t_msg *m;
    ck_assert_int_eq(d6t_msg_parse(NULL, w1, w1_len, 0, &m, NULL), D6T_OK);
    ck_assert_uint_lt(d6t_msg_to_json(m, ref_json, sizeof ref_json), sizeof ref_json);
    d6t_msg_free(m);
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, worker, NULL), 0);
    for (int i = 0; i < THREADS; i++) {
        void *rc;
        ck_assert_int_eq(pthread_join(t[i], &rc), 0);
        ck_assert_ptr_null(rc);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("threads");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, parallel_transactions);
    suite_add_tcase(s, tc);
    return run_suite(s) ? 1 : 0;
}
