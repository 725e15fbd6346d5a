/* Hardening: what an independent attack on the library found, one test per finding. Each of
 * these failed on the code before its fix. */
#include "testutil.h"
#include <stdint.h>

/* ---- 1. sizes near SIZE_MAX must not wrap into a small block ---- */
START_TEST(arena_huge_sizes_fail)
{
    struct counting c = COUNTING_INIT;
    d6t_allocator al = {c_alloc, c_free, &c};
    d6t_arena *arenas[2] = {d6t_arena_new(NULL, 0), d6t_arena_new(&al, 0)};
    for (int i = 0; i < 2; i++) {
        d6t_arena *a = arenas[i];
        ck_assert_ptr_nonnull(a);
        for (size_t k = 0; k <= 96; k++) ck_assert_ptr_null(d6t_arena_alloc(a, SIZE_MAX - k));
        ck_assert_ptr_null(d6t_arena_alloc(a, SIZE_MAX / 2 + 1));
        /* the arena is still whole: later allocations are real, writable and distinct */
        uint8_t *p = d6t_arena_alloc(a, 5000), *q = d6t_arena_alloc(a, 64);
        ck_assert_ptr_nonnull(p);
        ck_assert_ptr_nonnull(q);
        memset(p, 0xa5, 5000);
        memset(q, 0x5a, 64);
        ck_assert_uint_eq(p[4999], 0xa5);
        d6t_arena_free(a);
    }
    ck_assert_uint_eq(c.live, 0);
    /* a message body of an impossible length is refused the same way */
    d6t_arena *a = d6t_arena_new(NULL, 0);
    d6t_msg *m = d6t_msg_new(a, 200); /* unknown type: has a body */
    ck_assert_ptr_nonnull(m);
    ck_assert_int_eq(d6t_msg_set_body(m, (const uint8_t *)"x", SIZE_MAX - 8), D6T_ERR_NOMEM);
    d6t_arena_free(a);
}
END_TEST

/* ---- 2. the limit bounds the heap held, across resets ---- */

/* An Information-request carrying one unknown option, 'n' bytes on the wire in all. */
static size_t growing_msg(uint8_t *buf, size_t n)
{
    memset(buf, 0x42, n);
    buf[0] = 11;
    buf[1] = buf[2] = buf[3] = 1;
    size_t plen = n - 8;
    buf[4] = 0xff;
    buf[5] = 0xf0;
    buf[6] = (uint8_t)(plen >> 8);
    buf[7] = (uint8_t)plen;
    return n;
}

START_TEST(arena_limit_bounds_heap)
{
    enum {
        LIMIT = 70000
    };
    static uint8_t buf[65536];
    struct counting c = COUNTING_INIT;
    d6t_allocator al = {c_alloc, c_free, &c};
    d6t_arena *a = d6t_arena_new(&al, 4096);
    d6t_arena_set_limit(a, LIMIT);
    size_t count = 0;
    for (size_t n = 300; n <= 65000; n += 17, count++) {
        d6t_msg *m;
        ck_assert_int_eq(d6t_msg_parse(a, buf, growing_msg(buf, n), D6T_PARSE_COPY, &m, NULL),
                         D6T_OK);
        ck_assert_uint_le(c.live, LIMIT); /* the bound arena.h states: max(limit, first block) */
        d6t_arena_reset(a);
        ck_assert_uint_le(c.live, LIMIT);
    }
    ck_assert_uint_gt(count, 3800);
    ck_assert_uint_le(c.peak, LIMIT);
    ck_assert_uint_eq(d6t_arena_heap_held(a), c.live);
    /* same-size traffic after that takes nothing more from the heap */
    size_t before = c.allocs;
    for (int i = 0; i < 100; i++) {
        d6t_msg *m;
        ck_assert_int_eq(d6t_msg_parse(a, buf, growing_msg(buf, 20000 + (size_t)(i % 2) * 30000),
                                       D6T_PARSE_COPY, &m, NULL),
                         D6T_OK);
        d6t_arena_reset(a);
    }
    ck_assert_uint_le(c.allocs, before + 2); /* at most the two sizes' blocks, once */
    before = c.allocs;
    for (int i = 0; i < 100; i++) {
        d6t_msg *m;
        ck_assert_int_eq(d6t_msg_parse(a, buf, growing_msg(buf, 20000 + (size_t)(i % 2) * 30000),
                                       D6T_PARSE_COPY, &m, NULL),
                         D6T_OK);
        d6t_arena_reset(a);
    }
    ck_assert_uint_eq(c.allocs, before);
    /* a message that cannot fit under the limit fails cleanly, and the arena stays usable */
    d6t_arena_set_limit(a, 30000);
    d6t_msg *m;
    ck_assert_int_eq(d6t_msg_parse(a, buf, growing_msg(buf, 40000), D6T_PARSE_COPY, &m, NULL),
                     D6T_ERR_NOMEM);
    d6t_arena_reset(a);
    ck_assert_uint_le(c.live, 30000);
    ck_assert_int_eq(d6t_msg_parse(a, buf, growing_msg(buf, 20000), D6T_PARSE_COPY, &m, NULL),
                     D6T_OK);
    ck_assert_uint_le(c.live, 30000);
    d6t_arena_free(a);
    ck_assert_uint_eq(c.live, 0);
}
END_TEST

START_TEST(arena_limit_set_late_trims)
{
    static uint8_t buf[65536];
    struct counting c = COUNTING_INIT;
    d6t_allocator al = {c_alloc, c_free, &c};
    d6t_arena *a = d6t_arena_new(&al, 4096);
    for (size_t n = 5000; n <= 60000; n += 5000) {
        d6t_msg *m;
        ck_assert_int_eq(d6t_msg_parse(a, buf, growing_msg(buf, n), D6T_PARSE_COPY, &m, NULL),
                         D6T_OK);
        d6t_arena_reset(a);
    }
    ck_assert_uint_gt(c.live, 200000); /* without a limit the arena keeps its high-water mark */
    d6t_arena_set_limit(a, 65536);
    ck_assert_uint_le(c.live, 65536);
    ck_assert_uint_eq(d6t_arena_heap_held(a), c.live);
    /* a caller buffer is no heap: only its overflow blocks count */
    _Alignas(16) uint8_t mem[2048];
    struct counting c2 = COUNTING_INIT;
    d6t_allocator al2 = {c_alloc, c_free, &c2};
    d6t_arena *b = d6t_arena_new_in(mem, sizeof mem, &al2);
    d6t_arena_set_limit(b, 20000);
    ck_assert_uint_eq(d6t_arena_heap_held(b), 0);
    for (size_t n = 1000; n < 30000; n += 1000) {
        d6t_msg *m;
        d6t_status st = d6t_msg_parse(b, buf, growing_msg(buf, n), D6T_PARSE_COPY, &m, NULL);
        if (n <= 15000) ck_assert_int_eq(st, D6T_OK);
        if (n > 20000) ck_assert_int_eq(st, D6T_ERR_NOMEM); /* its copy alone is over the limit */
        ck_assert_uint_le(c2.live, 20000);
        d6t_arena_reset(b);
    }
    d6t_arena_free(b);
    ck_assert_uint_eq(c2.live, 0);
    d6t_arena_free(a);
    ck_assert_uint_eq(c.live, 0);
}
END_TEST

/* ---- 3. handled marks belong to the option, not to its position ---- */
START_TEST(handled_follows_option)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    d6t_msg *m = parse_hex_msg(a, "01000001"
                                  "0001000a00030001001122334455" /* client ID */
                                  "000800020000"                 /* elapsed time */
                                  "000600020017"                 /* ORO */
                                  "0003000c000000010000000000000000" /* IA_NA */);
    d6t_bundle *b;
    ck_assert_int_eq(d6t_bundle_new_from_msg(a, m, 0, NULL, &b), D6T_OK);
    d6t_msg *req = d6t_bundle_request(b);
    d6t_opt *cid = d6t_msg_find_opt(req, D6T_OPT_CLIENTID);
    d6t_opt *el = d6t_msg_find_opt(req, D6T_OPT_ELAPSED_TIME);
    d6t_opt *oro = d6t_msg_find_opt(req, D6T_OPT_ORO);
    d6t_opt *ia = d6t_msg_find_opt(req, D6T_OPT_IA_NA);
    ck_assert_int_eq(d6t_bundle_mark_handled(b, ia), D6T_OK);
    ck_assert_int_eq(d6t_bundle_mark_handled(b, el), D6T_OK);
    /* a handler takes the client ID out: every later option moves up one place */
    ck_assert_int_eq(d6t_msg_remove_opt(req, cid), D6T_OK);
    ck_assert_int_eq(d6t_bundle_is_handled(b, ia), 1);
    ck_assert_int_eq(d6t_bundle_is_handled(b, el), 1);
    ck_assert_int_eq(d6t_bundle_is_handled(b, oro), 0);
    ck_assert_int_eq(d6t_bundle_is_handled(b, cid), 0); /* no longer in the request */
    ck_assert_ptr_null(d6t_bundle_first_unhandled(b, D6T_OPT_IA_NA));
    ck_assert_ptr_eq(d6t_bundle_first_unhandled(b, D6T_OPT_ORO), oro);
    uint16_t codes[] = {D6T_OPT_IA_NA, D6T_OPT_ORO, D6T_OPT_ELAPSED_TIME};
    ck_assert_uint_eq(d6t_bundle_unhandled_count(b, codes, 3), 1);
    ck_assert_ptr_eq(d6t_bundle_unhandled(b, codes, 3, 0), oro);
    /* an option added later takes the freed place but not its mark */
    ck_assert_int_eq(d6t_msg_remove_opt(req, el), D6T_OK);
    d6t_opt *added = d6t_msg_add_opt(req, D6T_OPT_RAPID_COMMIT);
    ck_assert_ptr_nonnull(added);
    ck_assert_int_eq(d6t_bundle_is_handled(b, added), 0);
    ck_assert_int_eq(d6t_bundle_is_handled(b, ia), 1);
    ck_assert_int_eq(d6t_bundle_mark_handled(b, added), D6T_ERR_NOT_FOUND);
    /* put back, the removed option is known again with its mark */
    ck_assert_int_eq(d6t_msg_insert_opt(req, NULL, el), D6T_OK);
    ck_assert_int_eq(d6t_bundle_is_handled(b, el), 1);
    d6t_bundle_free(b);
    d6t_arena_free(a);
}
END_TEST

/* Options linked out of allocation order (each new one inserted first): the bundle's table of
 * request options is then not in address order and must be sorted, not assumed sorted. */
START_TEST(handled_follows_option_out_of_order)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    d6t_msg *m = d6t_msg_new(a, D6T_MSG_SOLICIT);
    d6t_opt *o[8];
    for (int i = 0; i < 8; i++) {
        o[i] = d6t_opt_new(a, D6T_SPACE_DHCPV6, D6T_OPT_IA_NA);
        ck_assert_ptr_nonnull(o[i]);
        ck_assert_int_eq(d6t_opt_set_ia(o[i], (uint32_t)i, 0, 0), D6T_OK);
        ck_assert_int_eq(d6t_msg_insert_opt(m, d6t_msg_first_opt(m), o[i]), D6T_OK);
    }
    d6t_bundle *b;
    ck_assert_int_eq(d6t_bundle_new_from_msg(a, m, 0, NULL, &b), D6T_OK);
    for (int i = 0; i < 8; i += 3) ck_assert_int_eq(d6t_bundle_mark_handled(b, o[i]), D6T_OK);
    for (int i = 0; i < 8; i++) ck_assert_int_eq(d6t_bundle_is_handled(b, o[i]), i % 3 == 0);
    ck_assert_uint_eq(d6t_bundle_unhandled_count(b, (uint16_t[]){D6T_OPT_IA_NA}, 1), 5);
    d6t_bundle_free(b);
    d6t_arena_free(a);
}
END_TEST

/* ---- 4. empty text is no domain name ---- */
START_TEST(empty_names_refused)
{
    uint8_t w[256];
    size_t n = 99;
    ck_assert_int_eq(d6t_dname_from_text("", 0, w, sizeof w, &n), D6T_ERR_EMPTY_NAME);
    ck_assert_uint_eq(n, 99);
    ck_assert_int_eq(d6t_dname_from_text(".", 0, w, sizeof w, &n), D6T_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(w[0], 0);
    /* relative names may be empty: the FQDN option's "no name, please give me one" */
    ck_assert_int_eq(d6t_dname_from_text("", D6T_DNAME_RELATIVE_OK, w, sizeof w, &n), D6T_OK);
    ck_assert_uint_eq(n, 0);
    ck_assert_str_eq(d6t_status_name(D6T_ERR_EMPTY_NAME), "D6T_ERR_EMPTY_NAME");
    d6t_arena *a = d6t_arena_new(NULL, 0);
    d6t_opt *dl = d6t_opt_new(a, D6T_SPACE_DHCPV6, D6T_OPT_DOMAIN_LIST);
    ck_assert_int_eq(d6t_opt_list_add_dname(dl, D6T_DOMAIN_LIST_SEARCH_LIST, "example.com"),
                     D6T_OK);
    ck_assert_int_eq(d6t_opt_list_add_dname(dl, D6T_DOMAIN_LIST_SEARCH_LIST, ""),
                     D6T_ERR_EMPTY_NAME);
    size_t count;
    ck_assert_int_eq(d6t_opt_list_count(dl, D6T_DOMAIN_LIST_SEARCH_LIST, &count), D6T_OK);
    ck_assert_uint_eq(count, 1);
    ck_assert_uint_eq(d6t_opt_wire_size(dl), 4 + 13);
    ck_assert_int_eq(d6t_opt_list_add_dname(dl, D6T_DOMAIN_LIST_SEARCH_LIST, "."), D6T_OK);
    ck_assert_uint_eq(d6t_opt_wire_size(dl), 4 + 13 + 1);
    d6t_opt *dn = d6t_opt_new(a, D6T_SPACE_DHCPV6, D6T_OPT_ERP_LOCAL_DOMAIN_NAME);
    ck_assert_int_eq(d6t_opt_set_dname(dn, D6T_ERP_LOCAL_DOMAIN_NAME_DOMAIN_NAME, ""),
                     D6T_ERR_EMPTY_NAME);
    d6t_arena_free(a);
}
END_TEST

/* ---- 5. typed getters never hand out an impossible value as D6T_OK ---- */
static void assert_round_trip(d6t_msg *m, const uint8_t *in, size_t n)
{
    uint8_t out[400];
    size_t w;
    ck_assert_int_eq(d6t_msg_write(m, out, sizeof out, &w), D6T_OK);
    ck_assert_uint_eq(w, n);
    ck_assert_int_eq(memcmp(out, in, n), 0);
}

START_TEST(getters_refuse_impossible_values)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    /* IA_PD > IAPREFIX /129 > PD_EXCLUDE /129, parsed without validation */
    static const char hex[] = "07000001"
                              "0019002f000000010000000000000000"
                              "001a001f00000e1000001c208120010db8000000000000000000000000"
                              "004300028100";
    uint8_t in[200];
    size_t n = unhex(hex, in, sizeof in);
    d6t_msg *m;
    ck_assert_int_eq(d6t_msg_parse(a, in, n, 0, &m, NULL), D6T_OK);
    d6t_opt *px = d6t_opt_first_child(d6t_msg_find_opt(m, D6T_OPT_IA_PD));
    uint8_t addr[16], plen = 7, v8 = 7;
    ck_assert_int_eq(d6t_opt_get_prefix(px, D6T_IAPREFIX_PREFIX, addr, &plen), D6T_ERR_OPT_VALUE);
    const uint8_t *raw;
    size_t rl;
    ck_assert_int_eq(d6t_opt_get_bytes(px, D6T_IAPREFIX_PREFIX, &raw, &rl), D6T_OK);
    ck_assert_uint_eq(rl, 17);
    ck_assert_uint_eq(raw[0], 129);
    d6t_opt *ex = d6t_opt_first_child(px);
    ck_assert_int_eq(d6t_opt_get_u8(ex, D6T_PD_EXCLUDE_PREFIX_LENGTH, &v8), D6T_ERR_OPT_VALUE);
    ck_assert_int_eq(d6t_opt_get_bytes(ex, D6T_PD_EXCLUDE_PREFIX_LENGTH, &raw, &rl), D6T_OK);
    ck_assert_uint_eq(raw[0], 129);
    assert_round_trip(m, in, n);

    /* S46 rule: EA-len 49, IPv4 /33; port parameters: offset 16, PSID-len 17 */
    static const char s46[] = "07000001"
                              "00590015013121010203002220010db800005d00041011fe00";
    n = unhex(s46, in, sizeof in);
    ck_assert_int_eq(d6t_msg_parse(a, in, n, 0, &m, NULL), D6T_OK);
    d6t_opt *r = d6t_msg_first_opt(m);
    ck_assert_int_eq(d6t_opt_get_u8(r, D6T_S46_RULE_EA_LEN, &v8), D6T_ERR_OPT_VALUE);
    ck_assert_int_eq(d6t_opt_get_prefix(r, D6T_S46_RULE_IPV4_PREFIX, addr, &plen),
                     D6T_ERR_OPT_VALUE);
    ck_assert_int_eq(d6t_opt_get_prefix(r, D6T_S46_RULE_IPV6_PREFIX, addr, &plen), D6T_OK);
    ck_assert_uint_eq(plen, 34);
    ck_assert_int_eq(d6t_opt_get_u8(r, D6T_S46_RULE_FLAGS, &v8), D6T_OK); /* any value is fine */
    d6t_opt *pp = d6t_opt_first_child(r);
    uint16_t psid;
    ck_assert_int_eq(d6t_opt_get_u16(pp, D6T_S46_PORTPARAMS_PSID, &psid), D6T_ERR_OPT_VALUE);
    ck_assert_int_eq(d6t_opt_get_u8(pp, D6T_S46_PORTPARAMS_PSID_LEN, &v8), D6T_ERR_OPT_VALUE);
    ck_assert_int_eq(d6t_opt_get_u8(pp, D6T_S46_PORTPARAMS_OFFSET, &v8), D6T_ERR_OPT_VALUE);
    assert_round_trip(m, in, n);
    /* the largest possible values still read */
    ck_assert_int_eq(d6t_opt_set_u8(pp, D6T_S46_PORTPARAMS_PSID_LEN, 16), D6T_OK);
    ck_assert_int_eq(d6t_opt_get_u8(pp, D6T_S46_PORTPARAMS_PSID_LEN, &v8), D6T_OK);
    ck_assert_uint_eq(v8, 16);
    ck_assert_int_eq(d6t_opt_get_u16(pp, D6T_S46_PORTPARAMS_PSID, &psid), D6T_OK);
    ck_assert_uint_eq(psid, 0xfe00);
    d6t_arena_free(a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hardening");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, arena_huge_sizes_fail);
    tcase_add_test(tc, arena_limit_bounds_heap);
    tcase_add_test(tc, arena_limit_set_late_trims);
    tcase_add_test(tc, handled_follows_option);
    tcase_add_test(tc, handled_follows_option_out_of_order);
    tcase_add_test(tc, empty_names_refused);
    tcase_add_test(tc, getters_refuse_impossible_values);
    suite_add_tcase(s, tc);
    return run_suite(s) ? 1 : 0;
}
