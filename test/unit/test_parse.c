/* Parser: accepted shapes and every error path, with status, offset and reason. */
#include "testutil.h"

static d6t_status parse_hex(const char *hex, d6t_msg **m, d6t_parse_error *e)
{
    static uint8_t buf[70000];
    size_t n = unhex(hex, buf, sizeof buf);
    return d6t_msg_parse(NULL, buf, n, D6T_PARSE_COPY, m, e);
}

/* Expect a failure with the given status at the given offset and a non-empty reason. */
static void expect_fail(const char *hex, d6t_status st, size_t off)
{
    d6t_msg *m = (d6t_msg *)1;
    d6t_parse_error e;
    ck_assert_int_eq(parse_hex(hex, &m, &e), st);
    ck_assert_ptr_null(m);
    ck_assert_int_eq(e.status, st);
    ck_assert_uint_eq(e.offset, off);
    ck_assert_ptr_nonnull(e.reason);
    ck_assert_uint_gt(strlen(e.reason), 5);
}

START_TEST(workloads_parse)
{
    d6t_msg *m;
    d6t_parse_error e;
    ck_assert_int_eq(parse_hex(W1_HEX, &m, &e), D6T_OK);
    ck_assert_int_eq(d6t_msg_type(m), D6T_MSG_RELAY_FORW);
    ck_assert_int_eq(d6t_msg_kind_of(m), D6T_KIND_RELAY);
    ck_assert_int_eq(d6t_msg_hop_count(m), 1);
    d6t_msg *mid = d6t_msg_relayed(m);
    ck_assert_ptr_nonnull(mid);
    ck_assert_int_eq(d6t_msg_hop_count(mid), 0);
    d6t_msg *in = d6t_msg_relayed(mid);
    ck_assert_ptr_nonnull(in);
    ck_assert_int_eq(d6t_msg_type(in), D6T_MSG_SOLICIT);
    ck_assert_uint_eq(d6t_msg_transaction_id(in), 0xf350d6);
    ck_assert_uint_eq(d6t_msg_opt_count(in), 8);
    ck_assert_ptr_null(d6t_msg_relayed(in));
    d6t_opt *ia = d6t_msg_find_opt(in, D6T_OPT_IA_PD);
    ck_assert_ptr_nonnull(ia);
    ck_assert_uint_eq(d6t_opt_child_count(ia), 1);
    ck_assert_uint_eq(d6t_opt_code(d6t_opt_first_child(ia)), D6T_OPT_IAPREFIX);
    uint8_t link[16];
    ck_assert_int_eq(d6t_msg_link_address(m, link), D6T_OK);
    ck_assert_uint_eq(link[0], 0x20);
    ck_assert_uint_eq(link[15], 0x01);
    ck_assert_int_eq(d6t_msg_link_address(in, link), D6T_ERR_WRONG_KIND);
    d6t_msg_free(m);
}
END_TEST

START_TEST(truncated_headers)
{
    expect_fail("", D6T_ERR_TRUNCATED, 0);
    expect_fail("01f350", D6T_ERR_TRUNCATED, 0);
    expect_fail("0c00"
                "20010db8000000000000000000000001",
                D6T_ERR_TRUNCATED, 0);
    /* empty message inside a relay message option: offset of the would-be message */
    expect_fail("0c00"
                "00000000000000000000000000000000"
                "00000000000000000000000000000000"
                "00090000",
                D6T_ERR_TRUNCATED, 38);
}
END_TEST

START_TEST(option_overruns)
{
    expect_fail("01000001"
                "00",
                D6T_ERR_OPT_OVERRUN, 4); /* 1 byte of header */
    expect_fail("01000001"
                "000800",
                D6T_ERR_OPT_OVERRUN, 4); /* 3 bytes of header */
    expect_fail("01000001"
                "00080003"
                "0000",
                D6T_ERR_OPT_OVERRUN, 4); /* length 3, 2 left */
    /* inside an IA_NA: the sub-option claims more than the IA holds */
    expect_fail("01000001"
                "00030010"
                "00000001000000000000000000050010",
                D6T_ERR_OPT_OVERRUN, 20);
}
END_TEST

START_TEST(option_layouts)
{
    expect_fail("01000001"
                "0003000b"
                "0000000100000000000000",
                D6T_ERR_OPT_LENGTH, 16); /* IA_NA < 12 */
    expect_fail("01000001"
                "00080003"
                "000000",
                D6T_ERR_OPT_LENGTH, 10); /* trailing */
    expect_fail("01000001"
                "00060003"
                "000300",
                D6T_ERR_OPT_LENGTH, 8); /* odd ORO */
    expect_fail("01000001"
                "00170011"
                "20010db8000000000000000000000001ff",
                D6T_ERR_OPT_LENGTH, 8);
    expect_fail("01000001"
                "000700",
                D6T_ERR_OPT_OVERRUN, 4);
    expect_fail("01000001"
                "00070000",
                D6T_ERR_OPT_LENGTH, 8); /* pref empty */
    expect_fail("01000001"
                "000e0001"
                "00",
                D6T_ERR_OPT_LENGTH, 8); /* rapid commit */
    /* S46_DMR prefix length 129: structural value error at the length byte */
    expect_fail("01000001"
                "005b0001"
                "81",
                D6T_ERR_OPT_VALUE, 8);
    /* S46_DMR prefix length 33 needs 5 bytes, only 4 present */
    expect_fail("01000001"
                "005b0005"
                "2120010db8",
                D6T_ERR_OPT_LENGTH, 8);
    /* user class item length overruns the option */
    expect_fail("01000001"
                "000f0004"
                "00050102",
                D6T_ERR_OPT_LENGTH, 8);
    expect_fail("01000001"
                "000f0003"
                "000001",
                D6T_ERR_OPT_LENGTH, 10);
    /* DNR: ADN length past the end; address list not multiple of 16 */
    expect_fail("01000001"
                "00900006"
                "0001000900",
                D6T_ERR_OPT_OVERRUN, 4);
    expect_fail("01000001"
                "00900005"
                "0001000900",
                D6T_ERR_OPT_LENGTH, 10);
    expect_fail("01000001"
                "00900009"
                "000100030161000001",
                D6T_ERR_OPT_LENGTH, 15);
}
END_TEST

START_TEST(domain_names)
{
    /* AFTR name: label runs past the end */
    expect_fail("01000001"
                "00400004"
                "05616263",
                D6T_ERR_DNAME, 8);
    /* missing root label */
    expect_fail("01000001"
                "00400004"
                "03616263",
                D6T_ERR_DNAME, 12);
    /* label of 64 bytes */
    char hex[400] = "0100000100400042"
                    "40";
    for (int i = 0; i < 64; i++) strcat(hex, "61");
    strcat(hex, "00");
    expect_fail(hex, D6T_ERR_DNAME, 8);
    /* compression pointer */
    expect_fail("01000001"
                "00400002"
                "c00c",
                D6T_ERR_DNAME, 8);
    /* bytes after the name in a single-name option */
    expect_fail("01000001"
                "00400003"
                "000000",
                D6T_ERR_OPT_LENGTH, 9);
    /* domain list: second name broken, offset points into it */
    expect_fail("01000001"
                "00180005"
                "0161000261",
                D6T_ERR_DNAME, 11);
    /* name longer than 255 bytes: 5 labels of 63 */
    char big[1200] = "01000001"
                     "00180141";
    for (int l = 0; l < 5; l++) {
        strcat(big, "3f");
        for (int i = 0; i < 63; i++) strcat(big, "62");
    }
    strcat(big, "00");
    expect_fail(big, D6T_ERR_DNAME, 8 + 3 * 64); /* the 4th label makes it 257 bytes */
}
END_TEST

/* Build a chain of 'levels' RELAY-FORW messages around a 4-byte Solicit, as hex. */
static char *relay_chain(int levels)
{
    size_t inner_len = 4;
    char *hex = malloc(200000);
    strcpy(hex, "01abcdef");
    for (int i = 0; i < levels; i++) {
        char *next = malloc(200000);
        sprintf(next, "0c%02x%064d%04x%04zx%s", i, 0, 9, inner_len, hex);
        free(hex);
        hex = next;
        inner_len += 34 + 4;
    }
    return hex;
}

START_TEST(relay_depth_limit)
{
    d6t_msg *m;
    d6t_parse_error e;
    char *ok = relay_chain(D6T_HOP_COUNT_LIMIT);
    ck_assert_int_eq(parse_hex(ok, &m, &e), D6T_OK);
    int depth = 0;
    for (d6t_msg *x = m; d6t_msg_relayed(x); x = d6t_msg_relayed(x)) depth++;
    ck_assert_int_eq(depth, 32);
    d6t_msg_free(m);
    free(ok);
    char *bad = relay_chain(D6T_HOP_COUNT_LIMIT + 1);
    /* the 33rd relay sits after 32 relay headers + option headers: 32 * 38 bytes in */
    expect_fail(bad, D6T_ERR_RELAY_DEPTH, 32 * 38);
    free(bad);
}
END_TEST

START_TEST(option_nesting_limit)
{
    /* IA_NA inside IA_NA ... : 16 levels parse, 17 do not */
    for (int levels = 16; levels <= 17; levels++) {
        char hex[4000] = "";
        size_t len = 0;
        char body[4000] = "";
        for (int i = 0; i < levels; i++) {
            char tmp[4000];
            sprintf(tmp,
                    "0003%04zx"
                    "000000010000000000000000%s",
                    len + 12, body);
            strcpy(body, tmp);
            len += 16;
        }
        sprintf(hex, "01000001%s", body);
        d6t_msg *m;
        d6t_parse_error e;
        d6t_status st = parse_hex(hex, &m, &e);
        if (levels == 16) {
            ck_assert_int_eq(st, D6T_OK);
            d6t_msg_free(m);
        } else {
            ck_assert_int_eq(st, D6T_ERR_NESTING);
            ck_assert_uint_eq(e.offset, 4 + 16 * 16); /* the 17th level's option */
        }
    }
}
END_TEST

START_TEST(unknown_kept)
{
    d6t_msg *m;
    d6t_parse_error e;
    /* unknown message type 200: opaque body */
    ck_assert_int_eq(parse_hex("c8deadbeef00", &m, &e), D6T_OK);
    ck_assert_int_eq(d6t_msg_kind_of(m), D6T_KIND_UNKNOWN);
    ck_assert_ptr_null(d6t_msg_type_name(200));
    size_t bl;
    const uint8_t *b = d6t_msg_body(m, &bl);
    ck_assert_uint_eq(bl, 5);
    ck_assert_uint_eq(b[0], 0xde);
    ck_assert_ptr_null(d6t_msg_first_opt(m));
    d6t_msg_free(m);
    /* unknown option 0xfff0 and unassigned 10 kept as bytes */
    ck_assert_int_eq(parse_hex("01000001"
                               "fff00003616263"
                               "000a0000",
                               &m, &e),
                     D6T_OK);
    d6t_opt *o = d6t_msg_first_opt(m);
    ck_assert(!d6t_opt_is_known(o));
    ck_assert_ptr_null(d6t_opt_name(o));
    size_t dl;
    const uint8_t *d = d6t_opt_data(o, &dl);
    ck_assert_uint_eq(dl, 3);
    ck_assert_int_eq(memcmp(d, "abc", 3), 0);
    ck_assert_uint_eq(d6t_opt_code(d6t_opt_next(o)), 10);
    d6t_msg_free(m);
}
END_TEST

START_TEST(zero_copy_and_copy)
{
    uint8_t in[10] = {1, 0, 0, 1, 0, 8, 0, 2, 0x12, 0x34};
    d6t_arena *a = d6t_arena_new(NULL, 0);
    d6t_msg *view, *copy;
    ck_assert_int_eq(d6t_msg_parse(a, in, sizeof in, 0, &view, NULL), D6T_OK);
    ck_assert_int_eq(d6t_msg_parse(a, in, sizeof in, D6T_PARSE_COPY, &copy, NULL), D6T_OK);
    size_t l;
    ck_assert_ptr_eq(d6t_opt_data(d6t_msg_first_opt(view), &l), in + 8); /* a view, no copy */
    in[9] = 0x99;
    uint16_t v;
    ck_assert_int_eq(d6t_opt_get_u16(d6t_msg_first_opt(view), D6T_ELAPSED_TIME_ELAPSED_TIME, &v),
                     D6T_OK);
    ck_assert_uint_eq(v, 0x1299);
    ck_assert_int_eq(d6t_opt_get_u16(d6t_msg_first_opt(copy), D6T_ELAPSED_TIME_ELAPSED_TIME, &v),
                     D6T_OK);
    ck_assert_uint_eq(v, 0x1234);
    d6t_msg_free(view); /* no-op: caller's arena */
    d6t_arena_free(a);
}
END_TEST

START_TEST(bad_arguments_and_nomem)
{
    d6t_msg *m;
    d6t_parse_error e;
    ck_assert_int_eq(d6t_msg_parse(NULL, NULL, 5, 0, &m, &e), D6T_ERR_INVALID_ARG);
    ck_assert_int_eq(e.status, D6T_ERR_INVALID_ARG);
    uint8_t w1[400];
    size_t n = unhex(W1_HEX, w1, sizeof w1);
    d6t_arena *a = d6t_arena_new(NULL, 0);
    d6t_arena_set_limit(a, 256);
    ck_assert_int_eq(d6t_msg_parse(a, w1, n, 0, &m, &e), D6T_ERR_NOMEM);
    ck_assert_int_eq(e.status, D6T_ERR_NOMEM);
    d6t_arena_set_limit(a, 0);
    d6t_arena_reset(a);
    ck_assert_int_eq(d6t_msg_parse(a, w1, n, 0, &m, &e), D6T_OK);
    d6t_arena_free(a);
}
END_TEST

START_TEST(standalone_option)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    uint8_t b[64];
    d6t_opt *o;
    d6t_parse_error e;
    size_t n =
        unhex("0038001d0001001020010db800000000000000000000000100030005036e747000", b, sizeof b);
    /* OPTION_NTP_SERVER with SRV_ADDR and SRV_FQDN sub-options in the NTP space */
    ck_assert_int_eq(d6t_opt_parse(a, D6T_SPACE_DHCPV6, b, n, 0, &o, &e), D6T_OK);
    d6t_opt *s = d6t_opt_first_child(o);
    ck_assert_int_eq(d6t_opt_space(s), D6T_SPACE_NTP);
    ck_assert_str_eq(d6t_opt_name(s), "NTP_SUBOPTION_SRV_ADDR");
    ck_assert_str_eq(d6t_opt_name(d6t_opt_next(s)), "NTP_SUBOPTION_SRV_FQDN");
    char name[64];
    ck_assert_int_eq(
        d6t_opt_get_dname(d6t_opt_next(s), D6T_NTP_SRV_FQDN_FQDN, 0, name, sizeof name), D6T_OK);
    ck_assert_str_eq(name, "ntp.");
    /* trailing byte after the option */
    b[n] = 0;
    ck_assert_int_eq(d6t_opt_parse(a, D6T_SPACE_DHCPV6, b, n + 1, 0, &o, &e), D6T_ERR_OPT_LENGTH);
    ck_assert_uint_eq(e.offset, n);
    ck_assert_int_eq(d6t_opt_parse(a, D6T_SPACE_DHCPV6, b, 3, 0, &o, &e), D6T_ERR_OPT_OVERRUN);
    ck_assert_int_eq(d6t_opt_parse(a, D6T_SPACE_DHCPV6, b, n - 1, 0, &o, &e), D6T_ERR_OPT_OVERRUN);
    /* vendor sub-options are opaque code/data pairs */
    n = unhex("0011000c00009d10000100046162636400", b, sizeof b);
    ck_assert_int_eq(d6t_opt_parse(a, D6T_SPACE_DHCPV6, b, n - 1, 0, &o, &e), D6T_OK);
    ck_assert_int_eq(d6t_opt_space(d6t_opt_first_child(o)), D6T_SPACE_VENDOR);
    ck_assert(!d6t_opt_is_known(d6t_opt_first_child(o)));
    d6t_arena_free(a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("parse");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, workloads_parse);
    tcase_add_test(tc, truncated_headers);
    tcase_add_test(tc, option_overruns);
    tcase_add_test(tc, option_layouts);
    tcase_add_test(tc, domain_names);
    tcase_add_test(tc, relay_depth_limit);
    tcase_add_test(tc, option_nesting_limit);
    tcase_add_test(tc, unknown_kept);
    tcase_add_test(tc, zero_copy_and_copy);
    tcase_add_test(tc, bad_arguments_and_nomem);
    tcase_add_test(tc, standalone_option);
    suite_add_tcase(s, tc);
    return run_suite(s) ? 1 : 0;
}
