/* List fields as a whole: the fixed-size view and the element walk. */
#include "testutil.h"

START_TEST(fixed_size_views)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    d6t_msg *m = parse_hex_msg(a, W3_HEX);
    d6t_opt *dns = d6t_msg_find_opt(m, D6T_OPT_DNS_SERVERS);
    const uint8_t *p;
    size_t n, w;
    ck_assert_int_eq(d6t_opt_list_view(dns, D6T_DNS_SERVERS_DNS_SERVERS, &p, &n, &w), D6T_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(w, 16);
    uint8_t a6[16];
    ck_assert_int_eq(d6t_opt_list_get_addr6(dns, D6T_DNS_SERVERS_DNS_SERVERS, 1, a6), D6T_OK);
    ck_assert_int_eq(memcmp(p + 16, a6, 16), 0);
    /* the ORO: big-endian values, in order; an empty list has no elements */
    d6t_opt *oro = d6t_opt_new(a, D6T_SPACE_DHCPV6, D6T_OPT_ORO);
    ck_assert_int_eq(d6t_opt_list_view(oro, D6T_ORO_REQUESTED_OPTIONS, &p, &n, &w), D6T_OK);
    ck_assert_uint_eq(n, 0);
    static const uint16_t codes[] = {D6T_OPT_DNS_SERVERS, D6T_OPT_DOMAIN_LIST, 0x1234};
    for (size_t i = 0; i < 3; i++)
        ck_assert_int_eq(d6t_opt_list_add_u16(oro, D6T_ORO_REQUESTED_OPTIONS, codes[i]), D6T_OK);
    ck_assert_int_eq(d6t_opt_list_view(oro, D6T_ORO_REQUESTED_OPTIONS, &p, &n, &w), D6T_OK);
    ck_assert_uint_eq(n, 3);
    ck_assert_uint_eq(w, 2);
    for (size_t i = 0; i < n; i++) ck_assert_uint_eq(p[2 * i] << 8 | p[2 * i + 1], codes[i]);
    /* an ADDR6_LIST16: absent, then two addresses after its own length */
    d6t_opt *dnr = d6t_opt_new(a, D6T_SPACE_DHCPV6, D6T_OPT_V6_DNR);
    ck_assert_int_eq(d6t_opt_list_view(dnr, D6T_V6_DNR_ADDRESSES, &p, &n, NULL), D6T_OK);
    ck_assert_uint_eq(n, 0);
    uint8_t x[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1}, y[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 2};
    ck_assert_int_eq(d6t_opt_list_add_addr6(dnr, D6T_V6_DNR_ADDRESSES, x), D6T_OK);
    ck_assert_int_eq(d6t_opt_list_add_addr6(dnr, D6T_V6_DNR_ADDRESSES, y), D6T_OK);
    ck_assert_int_eq(d6t_opt_list_view(dnr, D6T_V6_DNR_ADDRESSES, &p, &n, &w), D6T_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(w, 16);
    ck_assert_int_eq(memcmp(p, x, 16), 0);
    ck_assert_int_eq(memcmp(p + 16, y, 16), 0);
    /* variable-size elements, single fields, other options' keys */
    d6t_opt *dl = d6t_msg_find_opt(m, D6T_OPT_DOMAIN_LIST);
    ck_assert_int_eq(d6t_opt_list_view(dl, D6T_DOMAIN_LIST_SEARCH_LIST, &p, &n, &w),
                     D6T_ERR_WRONG_FIELD);
    d6t_opt *uc = d6t_opt_new(a, D6T_SPACE_DHCPV6, D6T_OPT_USER_CLASS);
    ck_assert_int_eq(d6t_opt_list_view(uc, D6T_USER_CLASS_USER_CLASSES, &p, &n, &w),
                     D6T_ERR_WRONG_FIELD);
    ck_assert_int_eq(d6t_opt_list_view(dnr, D6T_V6_DNR_ADN, &p, &n, &w), D6T_ERR_WRONG_FIELD);
    ck_assert_int_eq(d6t_opt_list_view(dns, D6T_ORO_REQUESTED_OPTIONS, &p, &n, &w),
                     D6T_ERR_WRONG_FIELD);
    ck_assert_int_eq(d6t_opt_list_view(NULL, D6T_ORO_REQUESTED_OPTIONS, &p, &n, &w),
                     D6T_ERR_INVALID_ARG);
    d6t_arena_free(a);
}
END_TEST

START_TEST(walk_variable_size)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    static const char *const names[] = {"example.com.", "a.b.", "."};
    d6t_opt *dl = d6t_opt_new(a, D6T_SPACE_DHCPV6, D6T_OPT_DOMAIN_LIST);
    size_t pos = 0, len;
    const uint8_t *p;
    ck_assert_int_eq(d6t_opt_list_next(dl, D6T_DOMAIN_LIST_SEARCH_LIST, &pos, &p, &len),
                     D6T_ERR_NOT_FOUND);
    for (size_t i = 0; i < 3; i++)
        ck_assert_int_eq(d6t_opt_list_add_dname(dl, D6T_DOMAIN_LIST_SEARCH_LIST, names[i]), D6T_OK);
    size_t i = 0;
    char text[300];
    while (d6t_opt_list_next(dl, D6T_DOMAIN_LIST_SEARCH_LIST, &pos, &p, &len) == D6T_OK) {
        ck_assert_uint_lt(i, 3);
        ck_assert_int_eq(d6t_dname_to_text(p, len, 0, text, sizeof text, NULL), D6T_OK);
        ck_assert_str_eq(text, names[i]);
        i++;
    }
    ck_assert_uint_eq(i, 3);
    ck_assert_uint_eq(pos, 13 + 5 + 1); /* the wire lengths of the three names */
    /* BIN16_LIST items come without their length, empty ones included */
    d6t_opt *uc = d6t_opt_new(a, D6T_SPACE_DHCPV6, D6T_OPT_USER_CLASS);
    ck_assert_int_eq(
        d6t_opt_list_add_bytes(uc, D6T_USER_CLASS_USER_CLASSES, (const uint8_t *)"abc", 3), D6T_OK);
    ck_assert_int_eq(d6t_opt_list_add_bytes(uc, D6T_USER_CLASS_USER_CLASSES, NULL, 0), D6T_OK);
    ck_assert_int_eq(
        d6t_opt_list_add_bytes(uc, D6T_USER_CLASS_USER_CLASSES, (const uint8_t *)"xy", 2), D6T_OK);
    static const size_t lens[] = {3, 0, 2};
    for (i = 0, pos = 0; i < 3; i++) {
        ck_assert_int_eq(d6t_opt_list_next(uc, D6T_USER_CLASS_USER_CLASSES, &pos, &p, &len),
                         D6T_OK);
        ck_assert_uint_eq(len, lens[i]);
    }
    ck_assert_int_eq(memcmp(p, "xy", 2), 0);
    ck_assert_int_eq(d6t_opt_list_next(uc, D6T_USER_CLASS_USER_CLASSES, &pos, &p, &len),
                     D6T_ERR_NOT_FOUND);
    /* fixed-size lists walk too, the same bytes the view has */
    d6t_opt *dnr = d6t_opt_new(a, D6T_SPACE_DHCPV6, D6T_OPT_V6_DNR);
    uint8_t x[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
    ck_assert_int_eq(d6t_opt_list_add_addr6(dnr, D6T_V6_DNR_ADDRESSES, x), D6T_OK);
    ck_assert_int_eq(d6t_opt_list_add_addr6(dnr, D6T_V6_DNR_ADDRESSES, x), D6T_OK);
    const uint8_t *view;
    ck_assert_int_eq(d6t_opt_list_view(dnr, D6T_V6_DNR_ADDRESSES, &view, NULL, NULL), D6T_OK);
    for (i = 0, pos = 0; d6t_opt_list_next(dnr, D6T_V6_DNR_ADDRESSES, &pos, &p, &len) == D6T_OK;
         i++) {
        ck_assert_ptr_eq(p, view + 16 * i);
        ck_assert_uint_eq(len, 16);
    }
    ck_assert_uint_eq(i, 2);
    d6t_arena_free(a);
}
END_TEST

/* Positions the walk never handed out are refused, never read beyond the field. */
/* A new option's bytes grow in place while they are the arena's latest allocation, and are
 * copied once something else was allocated: the values are the same either way, bytes handed in
 * from the option itself included, and a limit still refuses the growth. */
START_TEST(growth_in_place_and_copied)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    d6t_msg *m = d6t_msg_new(a, D6T_MSG_REPLY);
    d6t_opt *dns = d6t_msg_add_opt(m, D6T_OPT_DNS_SERVERS);
    uint8_t addr[16] = {0x20, 0x01, 0x0d, 0xb8}, got[16];
    size_t dlen;
    const uint8_t *before = d6t_opt_data(dns, &dlen);
    for (uint8_t i = 0; i < 40; i++) {
        addr[15] = i;
        ck_assert_int_eq(d6t_opt_list_add_addr6(dns, D6T_DNS_SERVERS_DNS_SERVERS, addr), D6T_OK);
        if (i < 20) ck_assert_ptr_eq(d6t_opt_data(dns, &dlen), before); /* grew where it was */
        if (i == 20) ck_assert_ptr_nonnull(d6t_msg_add_opt(m, D6T_OPT_RAPID_COMMIT)); /* not last */
    }
    size_t n;
    ck_assert_int_eq(d6t_opt_list_count(dns, D6T_DNS_SERVERS_DNS_SERVERS, &n), D6T_OK);
    ck_assert_uint_eq(n, 40);
    for (uint8_t i = 0; i < 40; i++) {
        ck_assert_int_eq(d6t_opt_list_get_addr6(dns, D6T_DNS_SERVERS_DNS_SERVERS, i, got), D6T_OK);
        ck_assert_uint_eq(got[15], i);
    }
    /* a status message set from its own bytes, while the option is the latest allocation */
    d6t_opt *st = d6t_msg_add_opt(m, D6T_OPT_STATUS_CODE);
    ck_assert_int_eq(
        d6t_opt_set_bytes(st, D6T_STATUS_CODE_STATUS_MESSAGE, (const uint8_t *)"abcdef", 7),
        D6T_OK); /* with its NUL, so that it can be handed back as text */
    const uint8_t *p;
    size_t len;
    ck_assert_int_eq(d6t_opt_get_bytes(st, D6T_STATUS_CODE_STATUS_MESSAGE, &p, &len), D6T_OK);
    ck_assert_int_eq(d6t_opt_set_text(st, D6T_STATUS_CODE_STATUS_MESSAGE, (const char *)p + 2),
                     D6T_OK);
    ck_assert_int_eq(d6t_opt_get_bytes(st, D6T_STATUS_CODE_STATUS_MESSAGE, &p, &len), D6T_OK);
    ck_assert_uint_eq(len, 4);
    ck_assert_mem_eq(p, "cdef", 4);
    ck_assert_int_eq(d6t_opt_set_text(st, D6T_STATUS_CODE_STATUS_MESSAGE, "a longer message"),
                     D6T_OK);
    ck_assert_int_eq(d6t_opt_get_bytes(st, D6T_STATUS_CODE_STATUS_MESSAGE, &p, &len), D6T_OK);
    ck_assert_uint_eq(len, 16);
    ck_assert_mem_eq(p, "a longer message", 16);
    /* under a limit, growth in place stops where the limit is */
    d6t_opt *last = d6t_msg_add_opt(m, D6T_OPT_DNS_SERVERS);
    ck_assert_ptr_nonnull(last);
    d6t_arena_set_limit(a, d6t_arena_used(a) + 32);
    ck_assert_int_eq(d6t_opt_list_add_addr6(last, D6T_DNS_SERVERS_DNS_SERVERS, addr), D6T_OK);
    ck_assert_int_eq(d6t_opt_list_add_addr6(last, D6T_DNS_SERVERS_DNS_SERVERS, addr), D6T_OK);
    ck_assert_int_eq(d6t_opt_list_add_addr6(last, D6T_DNS_SERVERS_DNS_SERVERS, addr),
                     D6T_ERR_NOMEM);
    d6t_arena_free(a);
}
END_TEST

START_TEST(walk_bad_positions)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    d6t_opt *dl = d6t_opt_new(a, D6T_SPACE_DHCPV6, D6T_OPT_DOMAIN_LIST);
    ck_assert_int_eq(d6t_opt_list_add_dname(dl, D6T_DOMAIN_LIST_SEARCH_LIST, "example.com."),
                     D6T_OK);
    const uint8_t *p;
    size_t len, pos = 1; /* inside the first label: 'e' (101) is no label length */
    ck_assert_int_eq(d6t_opt_list_next(dl, D6T_DOMAIN_LIST_SEARCH_LIST, &pos, &p, &len),
                     D6T_ERR_INVALID_ARG);
    pos = 14; /* past the end */
    ck_assert_int_eq(d6t_opt_list_next(dl, D6T_DOMAIN_LIST_SEARCH_LIST, &pos, &p, &len),
                     D6T_ERR_INVALID_ARG);
    ck_assert_int_eq(d6t_opt_list_next(dl, D6T_DOMAIN_LIST_SEARCH_LIST, NULL, &p, &len),
                     D6T_ERR_INVALID_ARG);
    d6t_opt *oro = d6t_opt_new(a, D6T_SPACE_DHCPV6, D6T_OPT_ORO);
    ck_assert_int_eq(d6t_opt_list_add_u16(oro, D6T_ORO_REQUESTED_OPTIONS, 23), D6T_OK);
    ck_assert_int_eq(d6t_opt_list_add_u16(oro, D6T_ORO_REQUESTED_OPTIONS, 24), D6T_OK);
    pos = 1; /* between two values */
    ck_assert_int_eq(d6t_opt_list_next(oro, D6T_ORO_REQUESTED_OPTIONS, &pos, &p, &len),
                     D6T_ERR_INVALID_ARG);
    pos = 2;
    ck_assert_int_eq(d6t_opt_list_next(oro, D6T_ORO_REQUESTED_OPTIONS, &pos, &p, &len), D6T_OK);
    ck_assert_uint_eq(p[1], 24);
    d6t_opt *uc = d6t_opt_new(a, D6T_SPACE_DHCPV6, D6T_OPT_USER_CLASS);
    ck_assert_int_eq(
        d6t_opt_list_add_bytes(uc, D6T_USER_CLASS_USER_CLASSES, (const uint8_t *)"abcd", 4),
        D6T_OK);
    pos = 1; /* reads "0x04 'a'" as a length of 1121: beyond the field */
    ck_assert_int_eq(d6t_opt_list_next(uc, D6T_USER_CLASS_USER_CLASSES, &pos, &p, &len),
                     D6T_ERR_INVALID_ARG);
    /* not a list field */
    d6t_opt *pref = d6t_opt_new(a, D6T_SPACE_DHCPV6, D6T_OPT_PREFERENCE);
    pos = 0;
    ck_assert_int_eq(d6t_opt_list_next(pref, D6T_PREFERENCE_PREFERENCE, &pos, &p, &len),
                     D6T_ERR_WRONG_FIELD);
    d6t_arena_free(a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("lists");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, fixed_size_views);
    tcase_add_test(tc, walk_variable_size);
    tcase_add_test(tc, walk_bad_positions);
    tcase_add_test(tc, growth_in_place_and_copied);
    suite_add_tcase(s, tc);
    return run_suite(s) ? 1 : 0;
}
