/* Leases and status codes in one call (lib/ia.c): the bytes they write, what they refuse, and
 * that they agree with the keyed setters and getters whatever the option's memory looks like. */
#include "testutil.h"

static size_t wire(const d6t_opt *o, uint8_t *buf, size_t cap)
{
    size_t n = 0;
    ck_assert_int_eq(d6t_opt_write(o, buf, cap, &n), D6T_OK);
    return n;
}

static const uint8_t addr[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, [14] = 0x12, [15] = 0x34};

START_TEST(lease_in_ia_na_and_ia_ta)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    d6t_msg *m = d6t_msg_new(a, D6T_MSG_REPLY);
    static const uint16_t codes[] = {D6T_OPT_IA_NA, D6T_OPT_IA_TA};
    for (size_t i = 0; i < 2; i++) {
        d6t_opt *ia = d6t_msg_add_opt(m, codes[i]), *l = NULL;
        ck_assert_int_eq(d6t_opt_add_lease(ia, addr, 128, 3600, 7200, &l), D6T_OK);
        ck_assert_ptr_nonnull(l);
        ck_assert_ptr_eq(d6t_opt_first_child(ia), l);
        ck_assert_uint_eq(d6t_opt_code(l), D6T_OPT_IAADDR);
        uint8_t buf[64], got[16];
        static const uint8_t want[] = {0, 5, 0,    24,   0x20, 0x01, 0x0d, 0xb8, 0,    1,
                                       0, 0, 0,    0,    0,    0,    0,    0,    0x12, 0x34,
                                       0, 0, 0x0e, 0x10, 0,    0,    0x1c, 0x20};
        ck_assert_uint_eq(wire(l, buf, sizeof buf), sizeof want);
        ck_assert_int_eq(memcmp(buf, want, sizeof want), 0);
        /* the keyed getters read what it wrote; d6t_opt_get_lease too */
        uint32_t v = 0, pref = 0, valid = 0;
        uint8_t plen = 0;
        ck_assert_int_eq(d6t_opt_get_u32(l, D6T_IAADDR_VALID_LIFETIME, &v), D6T_OK);
        ck_assert_uint_eq(v, 7200);
        ck_assert_int_eq(d6t_opt_get_lease(l, got, &plen, &pref, &valid), D6T_OK);
        ck_assert_int_eq(memcmp(got, addr, 16), 0);
        ck_assert_uint_eq(plen, 128);
        ck_assert_uint_eq(pref, 3600);
        ck_assert_uint_eq(valid, 7200);
        /* an address lease has no other length */
        ck_assert_int_eq(d6t_opt_add_lease(ia, addr, 64, 1, 2, &l), D6T_ERR_INVALID_ARG);
        ck_assert_ptr_null(l);
        size_t n = 0;
        for (const d6t_opt *c = d6t_opt_first_child(ia); c; c = d6t_opt_next(c)) n++;
        ck_assert_uint_eq(n, 1);
    }
    d6t_arena_free(a);
}
END_TEST

START_TEST(lease_in_ia_pd)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    d6t_msg *m = d6t_msg_new(a, D6T_MSG_REPLY);
    d6t_opt *ia = d6t_msg_add_opt(m, D6T_OPT_IA_PD), *l;
    ck_assert_int_eq(d6t_opt_set_ia(ia, 0xc43cb2f1u, 1800, 2880), D6T_OK);
    /* bits past /52 are set in the caller's address: the wire has them zero */
    uint8_t pfx[16];
    memset(pfx, 0xff, sizeof pfx);
    ck_assert_int_eq(d6t_opt_add_lease(ia, pfx, 52, 0xffffffffu, 0xffffffffu, &l), D6T_OK);
    uint8_t buf[256];
    static const uint8_t want[] = {0,    26,   0,  25,   0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                   0xff, 0xff, 52, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xf0,
                                   0,    0,    0,  0,    0,    0,    0,    0,    0};
    ck_assert_uint_eq(wire(l, buf, sizeof buf), sizeof want);
    ck_assert_int_eq(memcmp(buf, want, sizeof want), 0);
    uint8_t got[16], plen;
    ck_assert_int_eq(d6t_opt_get_prefix(l, D6T_IAPREFIX_PREFIX, got, &plen), D6T_OK);
    ck_assert_uint_eq(plen, 52);
    ck_assert_uint_eq(got[6], 0xf0);
    /* whole-byte lengths and the extremes */
    static const uint8_t lens[] = {0, 48, 64, 127, 128};
    for (size_t i = 0; i < sizeof lens; i++) {
        ck_assert_int_eq(d6t_opt_add_lease(ia, addr, lens[i], 1, 2, &l), D6T_OK);
        uint32_t pref, valid;
        ck_assert_int_eq(d6t_opt_get_lease(l, got, &plen, &pref, &valid), D6T_OK);
        ck_assert_uint_eq(plen, lens[i]);
        ck_assert_uint_eq(pref, 1);
        ck_assert_uint_eq(valid, 2);
        for (unsigned bit = 0; bit < 128; bit++) {
            unsigned want_bit = bit < lens[i] ? (addr[bit / 8] >> (7 - bit % 8)) & 1 : 0;
            ck_assert_uint_eq((got[bit / 8] >> (7 - bit % 8)) & 1, want_bit);
        }
    }
    ck_assert_int_eq(d6t_opt_add_lease(ia, addr, 129, 1, 2, &l), D6T_ERR_INVALID_ARG);
    /* the whole IA is valid and written in order: the IA fields, then six prefixes */
    d6t_opt *before = d6t_opt_first_child(ia);
    ck_assert_uint_eq(d6t_opt_code(before), D6T_OPT_IAPREFIX);
    size_t n = wire(ia, buf, sizeof buf);
    ck_assert_uint_eq(n, 4 + 12 + 6 * 29);
    d6t_arena_free(a);
}
END_TEST

/* every prefix length, from an address of all ones: exactly the first plen bits are set */
START_TEST(lease_prefix_every_length)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    d6t_msg *m = d6t_msg_new(a, D6T_MSG_REPLY);
    d6t_opt *ia, *l;
    ck_assert_int_eq(d6t_msg_add_ia(m, D6T_OPT_IA_PD, 1, 0, 0, &ia), D6T_OK);
    uint8_t ones[16], got[16], plen;
    memset(ones, 0xff, sizeof ones);
    for (unsigned len = 0; len <= 128; len++) {
        ck_assert_int_eq(d6t_opt_add_lease(ia, ones, (uint8_t)len, 1, 2, &l), D6T_OK);
        ck_assert_int_eq(d6t_opt_get_lease(l, got, &plen, NULL, NULL), D6T_OK);
        ck_assert_uint_eq(plen, len);
        for (unsigned bit = 0; bit < 128; bit++)
            ck_assert_uint_eq((got[bit / 8] >> (7 - bit % 8)) & 1, bit < len);
    }
    d6t_arena_free(a);
}
END_TEST

START_TEST(lease_refusals)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    d6t_msg *m = d6t_msg_new(a, D6T_MSG_REPLY);
    d6t_opt *dns = d6t_msg_add_opt(m, D6T_OPT_DNS_SERVERS), *ia = d6t_msg_add_opt(m, D6T_OPT_IA_NA);
    d6t_opt *l = (d6t_opt *)1;
    ck_assert_int_eq(d6t_opt_add_lease(dns, addr, 128, 1, 2, &l), D6T_ERR_WRONG_FIELD);
    ck_assert_ptr_null(l);
    ck_assert_ptr_null(d6t_opt_first_child(dns));
    ck_assert_int_eq(d6t_opt_add_lease(NULL, addr, 128, 1, 2, NULL), D6T_ERR_INVALID_ARG);
    ck_assert_int_eq(d6t_opt_add_lease(ia, NULL, 128, 1, 2, NULL), D6T_ERR_INVALID_ARG);
    ck_assert_ptr_null(d6t_opt_first_child(ia));
    /* a full arena: refused, nothing added */
    d6t_arena *tiny = d6t_arena_new(NULL, 0);
    d6t_msg *t = d6t_msg_new(tiny, D6T_MSG_REPLY);
    d6t_opt *tia = d6t_msg_add_opt(t, D6T_OPT_IA_NA);
    d6t_arena_set_limit(tiny, d6t_arena_used(tiny));
    ck_assert_int_eq(d6t_opt_add_lease(tia, addr, 128, 1, 2, NULL), D6T_ERR_NOMEM);
    ck_assert_ptr_null(d6t_opt_first_child(tia));
    d6t_arena_free(tiny);
    /* get_lease: only leases; nothing written on refusal */
    uint8_t got[16] = {7};
    uint32_t pref = 9;
    ck_assert_int_eq(d6t_opt_get_lease(ia, got, NULL, &pref, NULL), D6T_ERR_WRONG_FIELD);
    ck_assert_int_eq(d6t_opt_get_lease(NULL, got, NULL, NULL, NULL), D6T_ERR_INVALID_ARG);
    ck_assert_uint_eq(got[0], 7);
    ck_assert_uint_eq(pref, 9);
    /* an unvalidated IAPREFIX with length 129: a status, not the value */
    static const uint8_t bad[] = {0, 0, 0, 1, 0, 0, 0, 2, 129, 0x20, 1, 0x0d, 0xb8,
                                  0, 0, 0, 0, 0, 0, 0, 0, 0,   0,    0, 0};
    d6t_opt *p;
    ck_assert_int_eq(d6t_opt_add_child_bytes(d6t_msg_add_opt(m, D6T_OPT_IA_PD), D6T_OPT_IAPREFIX,
                                             bad, sizeof bad, &p, NULL),
                     D6T_OK);
    uint8_t plen = 5;
    ck_assert_int_eq(d6t_opt_get_lease(p, got, &plen, &pref, NULL), D6T_ERR_OPT_VALUE);
    ck_assert_uint_eq(plen, 5);
    ck_assert_uint_eq(pref, 9);
    d6t_arena_free(a);
}
END_TEST

/* The status code written whatever the option's memory: new and last in the arena (grows in
 * place), new but followed by other allocations, and parsed (a view into the input). */
START_TEST(status_code)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    d6t_msg *m = parse_hex_msg(a, W3_HEX);
    d6t_opt *parsed = d6t_opt_find_child(d6t_msg_find_opt(m, D6T_OPT_IA_NA), D6T_OPT_STATUS_CODE);
    d6t_opt *fresh = d6t_msg_add_opt(m, D6T_OPT_STATUS_CODE);
    d6t_opt *early = d6t_msg_add_opt(m, D6T_OPT_STATUS_CODE);
    d6t_msg_add_opt(m, D6T_OPT_RAPID_COMMIT); /* allocated after 'early' */
    ck_assert_int_eq(d6t_opt_set_status(early, D6T_SC_NO_ADDRS_AVAIL, "none left"), D6T_OK);
    fresh = d6t_msg_add_opt(m, D6T_OPT_STATUS_CODE); /* the arena's latest */
    d6t_opt *all[] = {parsed, fresh, early};
    static const char *const texts[] = {"", "success", "a much longer message than before", "x"};
    for (size_t i = 0; i < 3; i++) {
        for (size_t j = 0; j < 4; j++) {
            uint16_t code = (uint16_t)(j + 1);
            ck_assert_int_eq(d6t_opt_set_status(all[i], code, texts[j]), D6T_OK);
            uint8_t buf[64];
            size_t tl = strlen(texts[j]);
            ck_assert_uint_eq(wire(all[i], buf, sizeof buf), 6 + tl);
            ck_assert_uint_eq(buf[3], 2 + tl);
            ck_assert_uint_eq(buf[5], code);
            ck_assert_int_eq(memcmp(buf + 6, texts[j], tl), 0);
            uint16_t c = 0;
            const uint8_t *t;
            size_t n;
            ck_assert_int_eq(d6t_opt_get_status(all[i], &c, &t, &n), D6T_OK);
            ck_assert_uint_eq(c, code);
            ck_assert_uint_eq(n, tl);
            ck_assert_int_eq(memcmp(t, texts[j], tl), 0);
            ck_assert_int_eq(d6t_opt_get_u16(all[i], D6T_STATUS_CODE_STATUS_CODE, &c), D6T_OK);
            ck_assert_uint_eq(c, code);
        }
    }
    /* the message may come from the option itself */
    char own[16];
    ck_assert_int_eq(d6t_opt_set_status(fresh, 0, "abcdef"), D6T_OK);
    memcpy(own, d6t_opt_data(fresh, NULL) + 2, 6);
    own[6] = 0;
    ck_assert_int_eq(d6t_opt_set_status(fresh, 6, own), D6T_OK);
    const uint8_t *t;
    size_t n;
    ck_assert_int_eq(d6t_opt_get_status(fresh, NULL, &t, &n), D6T_OK);
    ck_assert_int_eq(memcmp(t, "abcdef", n), 0);
    /* refusals change nothing */
    ck_assert_int_eq(d6t_opt_set_status(d6t_msg_find_opt(m, D6T_OPT_RAPID_COMMIT), 0, "x"),
                     D6T_ERR_WRONG_FIELD);
    ck_assert_int_eq(d6t_opt_set_status(fresh, 0, NULL), D6T_ERR_INVALID_ARG);
    ck_assert_int_eq(d6t_opt_set_status(NULL, 0, "x"), D6T_ERR_INVALID_ARG);
    ck_assert_int_eq(d6t_opt_get_status(d6t_msg_find_opt(m, D6T_OPT_IA_NA), NULL, NULL, NULL),
                     D6T_ERR_WRONG_FIELD);
    char *big = malloc(70000);
    memset(big, 'a', 69999);
    big[69999] = 0;
    ck_assert_int_eq(d6t_opt_set_status(fresh, 1, big), D6T_ERR_TOO_LONG);
    free(big);
    ck_assert_int_eq(d6t_opt_get_status(fresh, NULL, &t, &n), D6T_OK);
    ck_assert_uint_eq(n, 6);
    d6t_arena_free(a);
}
END_TEST

/* d6t_msg_add_ia, d6t_opt_add_status and d6t_msg_add_status give the bytes of the option made
 * and set field by field, and refuse what those refuse, adding nothing then. */
START_TEST(add_ia_and_status_in_one_call)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    d6t_msg *one = d6t_msg_new(a, D6T_MSG_REPLY), *steps = d6t_msg_new(a, D6T_MSG_REPLY);
    static const uint16_t codes[] = {D6T_OPT_IA_NA, D6T_OPT_IA_PD, D6T_OPT_IA_TA};
    for (size_t i = 0; i < 3; i++) {
        uint32_t t = codes[i] == D6T_OPT_IA_TA ? 0 : 1800 + (uint32_t)i;
        d6t_opt *ia = NULL, *st = NULL;
        ck_assert_int_eq(d6t_msg_add_ia(one, codes[i], 0xc43cb2f1u - (uint32_t)i, t, 2 * t, &ia),
                         D6T_OK);
        const d6t_opt *last = d6t_msg_first_opt(one);
        while (d6t_opt_next(last)) last = d6t_opt_next(last);
        ck_assert_ptr_eq(last, ia);
        ck_assert_int_eq(d6t_opt_add_status(ia, D6T_SC_NO_ADDRS_AVAIL, "none left", &st), D6T_OK);
        ck_assert_ptr_eq(d6t_opt_first_child(ia), st);
        d6t_opt *s_ia = d6t_msg_add_opt(steps, codes[i]);
        ck_assert_int_eq(d6t_opt_set_ia(s_ia, 0xc43cb2f1u - (uint32_t)i, t, 2 * t), D6T_OK);
        ck_assert_int_eq(d6t_opt_set_status(d6t_opt_add_child(s_ia, D6T_OPT_STATUS_CODE),
                                            D6T_SC_NO_ADDRS_AVAIL, "none left"),
                         D6T_OK);
        uint32_t id, t1, t2;
        ck_assert_int_eq(d6t_opt_get_ia(ia, &id, &t1, &t2), D6T_OK);
        ck_assert_uint_eq(id, 0xc43cb2f1u - (uint32_t)i);
        ck_assert_uint_eq(t2, 2 * t);
        /* the status grows like any option being built */
        ck_assert_int_eq(d6t_opt_set_status(st, D6T_SC_SUCCESS, "a longer text than before"),
                         D6T_OK);
        ck_assert_int_eq(d6t_opt_set_status(st, D6T_SC_NO_ADDRS_AVAIL, "none left"), D6T_OK);
    }
    ck_assert_int_eq(d6t_msg_add_status(one, D6T_SC_USE_MULTICAST, "", NULL), D6T_OK);
    ck_assert_int_eq(
        d6t_opt_set_status(d6t_msg_add_opt(steps, D6T_OPT_STATUS_CODE), D6T_SC_USE_MULTICAST, ""),
        D6T_OK);
    uint8_t x[256], y[256];
    size_t nx = 0, ny = 0;
    ck_assert_int_eq(d6t_msg_write(one, x, sizeof x, &nx), D6T_OK);
    ck_assert_int_eq(d6t_msg_write(steps, y, sizeof y, &ny), D6T_OK);
    ck_assert_uint_eq(nx, ny);
    ck_assert_int_eq(memcmp(x, y, nx), 0);
    /* header; IA_NA and IA_PD 4 + 12 + status 15 each, IA_TA 4 + 4 + 15; the bare status 6 */
    ck_assert_uint_eq(nx, 4 + 31 + 31 + 23 + 6);
    /* refusals add nothing */
    size_t count = d6t_msg_opt_count(one);
    d6t_opt *o = (d6t_opt *)1;
    ck_assert_int_eq(d6t_msg_add_ia(one, D6T_OPT_IA_TA, 1, 2, 0, &o), D6T_ERR_INVALID_ARG);
    ck_assert_ptr_null(o);
    ck_assert_int_eq(d6t_msg_add_ia(one, D6T_OPT_IAADDR, 1, 0, 0, NULL), D6T_ERR_WRONG_FIELD);
    ck_assert_int_eq(d6t_msg_add_ia(NULL, D6T_OPT_IA_NA, 1, 0, 0, NULL), D6T_ERR_INVALID_ARG);
    ck_assert_int_eq(d6t_msg_add_status(one, 0, NULL, NULL), D6T_ERR_INVALID_ARG);
    d6t_opt *dns = d6t_msg_add_opt(one, D6T_OPT_DNS_SERVERS);
    count++;
    ck_assert_int_eq(d6t_opt_add_status(dns, 0, "x", NULL), D6T_ERR_WRONG_FIELD);
    ck_assert_ptr_null(d6t_opt_first_child(dns));
    char *big = malloc(70000);
    memset(big, 'a', 69999);
    big[69999] = 0;
    ck_assert_int_eq(d6t_msg_add_status(one, 1, big, NULL), D6T_ERR_TOO_LONG);
    free(big);
    ck_assert_uint_eq(d6t_msg_opt_count(one), count);
    /* a message of an unknown type holds no options */
    uint8_t unknown[] = {200, 1, 2, 3};
    d6t_msg *u;
    ck_assert_int_eq(d6t_msg_parse(a, unknown, sizeof unknown, D6T_PARSE_COPY, &u, NULL), D6T_OK);
    ck_assert_int_eq(d6t_msg_add_ia(u, D6T_OPT_IA_NA, 1, 0, 0, NULL), D6T_ERR_INVALID_ARG);
    ck_assert_int_eq(d6t_msg_add_status(u, 0, "", NULL), D6T_ERR_INVALID_ARG);
    d6t_arena_free(a);
}
END_TEST

/* set_ia on a parsed IA (a view into the input, not the arena's) goes field by field */
START_TEST(ia_on_parsed_view)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    d6t_msg *m = parse_hex_msg(a, W3_HEX);
    d6t_opt *na = d6t_msg_find_opt(m, D6T_OPT_IA_NA);
    ck_assert_int_eq(d6t_opt_set_ia(na, 1, 2, 3), D6T_OK);
    uint32_t id, t1, t2;
    ck_assert_int_eq(d6t_opt_get_ia(na, &id, &t1, &t2), D6T_OK);
    ck_assert_uint_eq(id, 1);
    ck_assert_uint_eq(t1, 2);
    ck_assert_uint_eq(t2, 3);
    ck_assert_ptr_nonnull(d6t_opt_find_child(na, D6T_OPT_IAADDR)); /* children kept */
    d6t_arena_free(a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ia");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, lease_in_ia_na_and_ia_ta);
    tcase_add_test(tc, lease_in_ia_pd);
    tcase_add_test(tc, lease_prefix_every_length);
    tcase_add_test(tc, lease_refusals);
    tcase_add_test(tc, status_code);
    tcase_add_test(tc, ia_on_parsed_view);
    tcase_add_test(tc, add_ia_and_status_in_one_call);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
