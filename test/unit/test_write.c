/* Writer: byte-exact round trips, size reporting, building from scratch, limits. */
#include "testutil.h"

static void roundtrip(const char *hex)
{
    uint8_t in[2000], out[2000];
    size_t n = unhex(hex, in, sizeof in), len = 0;
    d6t_msg *m;
    ck_assert_int_eq(d6t_msg_parse(NULL, in, n, 0, &m, NULL), D6T_OK);
    ck_assert_uint_eq(d6t_msg_wire_size(m), n);
    ck_assert_int_eq(d6t_msg_write(m, out, sizeof out, &len), D6T_OK);
    ck_assert_uint_eq(len, n);
    ck_assert_int_eq(memcmp(in, out, n), 0);
    /* one byte short: nothing overflows, the needed size is reported */
    memset(out, 0xaa, sizeof out);
    ck_assert_int_eq(d6t_msg_write(m, out, n - 1, &len), D6T_ERR_BUFFER_TOO_SMALL);
    ck_assert_uint_eq(len, n);
    ck_assert_uint_eq(out[n - 1], 0xaa);
    d6t_msg_free(m);
}

START_TEST(roundtrip_workloads)
{
    roundtrip(W1_HEX);
    roundtrip(W3_HEX);
    /* odd but legal: unknown options, an empty IA_TA, an unknown message inside a relay */
    roundtrip("0b000001"
              "ffff0000"
              "0004000400000007"
              "fff00001ff");
    roundtrip("0c20"
              "0000000000000000000000000000000000000000000000000000000000000000"
              "00090003"
              "c80102");
}
END_TEST

START_TEST(build_reply_equals_w3)
{
    /* Build the w3 Reply with the API only and compare to the reference bytes. */
    uint8_t ref[400], out[400];
    size_t rn = unhex(W3_HEX, ref, sizeof ref), n;
    d6t_msg *m = d6t_msg_new(NULL, D6T_MSG_REPLY);
    ck_assert_int_eq(d6t_msg_set_transaction_id(m, 0xf350d6), D6T_OK);
    uint8_t cid[10], sid[14], iaid[4] = {0xc4, 0x3c, 0xb2, 0xf1};
    unhex("000300013431c43cb2f1", cid, sizeof cid);
    unhex("000100012e3c0a4b00163e5a7b01", sid, sizeof sid);
    d6t_opt *o = d6t_msg_add_opt(m, D6T_OPT_CLIENTID);
    ck_assert_int_eq(d6t_opt_set_bytes(o, D6T_CLIENTID_DUID, cid, sizeof cid), D6T_OK);
    o = d6t_msg_add_opt(m, D6T_OPT_SERVERID);
    ck_assert_int_eq(d6t_opt_set_bytes(o, D6T_SERVERID_DUID, sid, sizeof sid), D6T_OK);
    d6t_opt *ia = d6t_msg_add_opt(m, D6T_OPT_IA_NA);
    ck_assert_int_eq(d6t_opt_set_bytes(ia, D6T_IA_NA_IAID, iaid, 4), D6T_OK);
    ck_assert_int_eq(d6t_opt_set_u32(ia, D6T_IA_NA_T1, 1800), D6T_OK);
    ck_assert_int_eq(d6t_opt_set_u32(ia, D6T_IA_NA_T2, 2880), D6T_OK);
    uint8_t a[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0x12, 0x34};
    d6t_opt *ad = d6t_opt_add_child(ia, D6T_OPT_IAADDR);
    ck_assert_int_eq(d6t_opt_set_addr6(ad, D6T_IAADDR_ADDRESS, a), D6T_OK);
    ck_assert_int_eq(d6t_opt_set_u32(ad, D6T_IAADDR_PREFERRED_LIFETIME, 3600), D6T_OK);
    ck_assert_int_eq(d6t_opt_set_u32(ad, D6T_IAADDR_VALID_LIFETIME, 7200), D6T_OK);
    d6t_opt *stc = d6t_opt_add_child(ia, D6T_OPT_STATUS_CODE);
    ck_assert_int_eq(d6t_opt_set_text(stc, D6T_STATUS_CODE_STATUS_MESSAGE, "success"), D6T_OK);
    ck_assert_ptr_nonnull(d6t_msg_add_opt(m, D6T_OPT_RAPID_COMMIT));
    o = d6t_msg_add_opt(m, D6T_OPT_DNS_SERVERS);
    uint8_t d1[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 0x53},
            d2[16] = {0x20, 0x01, 0x0d, 0xb8, [14] = 0x53, [15] = 0x53};
    ck_assert_int_eq(d6t_opt_list_add_addr6(o, D6T_DNS_SERVERS_DNS_SERVERS, d1), D6T_OK);
    ck_assert_int_eq(d6t_opt_list_add_addr6(o, D6T_DNS_SERVERS_DNS_SERVERS, d2), D6T_OK);
    o = d6t_msg_add_opt(m, D6T_OPT_DOMAIN_LIST);
    ck_assert_int_eq(d6t_opt_list_add_dname(o, D6T_DOMAIN_LIST_SEARCH_LIST, "example.com"), D6T_OK);
    d6t_opt *pd = d6t_msg_add_opt(m, D6T_OPT_IA_PD);
    ck_assert_int_eq(d6t_opt_set_bytes(pd, D6T_IA_PD_IAID, iaid, 4), D6T_OK);
    ck_assert_int_eq(d6t_opt_set_u32(pd, D6T_IA_PD_T1, 1800), D6T_OK);
    ck_assert_int_eq(d6t_opt_set_u32(pd, D6T_IA_PD_T2, 2880), D6T_OK);
    d6t_opt *px = d6t_opt_add_child(pd, D6T_OPT_IAPREFIX);
    uint8_t p[16] = {0x20, 0x01, 0x0d, 0xb8, 0x80};
    ck_assert_int_eq(d6t_opt_set_prefix(px, D6T_IAPREFIX_PREFIX, p, 48), D6T_OK);
    ck_assert_int_eq(d6t_opt_set_u32(px, D6T_IAPREFIX_PREFERRED_LIFETIME, 3600), D6T_OK);
    ck_assert_int_eq(d6t_opt_set_u32(px, D6T_IAPREFIX_VALID_LIFETIME, 7200), D6T_OK);
    ck_assert_int_eq(d6t_msg_write(m, out, sizeof out, &n), D6T_OK);
    ck_assert_uint_eq(n, rn);
    ck_assert_int_eq(memcmp(out, ref, rn), 0);
    d6t_msg_free(m);
}
END_TEST

START_TEST(build_relay_chain)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    d6t_msg *inner = d6t_msg_new(a, D6T_MSG_ADVERTISE);
    d6t_msg *relay = d6t_msg_new(a, D6T_MSG_RELAY_REPL);
    uint8_t link[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1}, peer[16] = {0xfe, 0x80, [15] = 2};
    ck_assert_int_eq(d6t_msg_set_hop_count(relay, 3), D6T_OK);
    ck_assert_int_eq(d6t_msg_set_link_address(relay, link), D6T_OK);
    ck_assert_int_eq(d6t_msg_set_peer_address(relay, peer), D6T_OK);
    ck_assert_int_eq(d6t_msg_set_transaction_id(relay, 1), D6T_ERR_WRONG_KIND);
    ck_assert_int_eq(d6t_msg_set_hop_count(inner, 1), D6T_ERR_WRONG_KIND);
    ck_assert_int_eq(d6t_msg_set_transaction_id(inner, 0x1000000), D6T_ERR_INVALID_ARG);
    d6t_opt *iid = d6t_msg_add_opt(relay, D6T_OPT_INTERFACE_ID);
    ck_assert_int_eq(
        d6t_opt_set_bytes(iid, D6T_INTERFACE_ID_INTERFACE_ID, (const uint8_t *)"eth0", 4), D6T_OK);
    ck_assert_ptr_nonnull(d6t_msg_add_relay_msg(relay, inner));
    ck_assert_ptr_eq(d6t_msg_relayed(relay), inner);
    uint8_t out[200];
    size_t n;
    ck_assert_int_eq(d6t_msg_write(relay, out, sizeof out, &n), D6T_OK);
    uint8_t ref[200];
    size_t rn = unhex("0d0320010db8000000000000000000000001fe800000000000000000000000000002"
                      "0012000465746830"
                      "0009000402000000",
                      ref, sizeof ref);
    ck_assert_uint_eq(n, rn);
    ck_assert_int_eq(memcmp(out, ref, rn), 0);
    /* re-parse gives the same structure */
    d6t_msg *back;
    ck_assert_int_eq(d6t_msg_parse(a, out, n, 0, &back, NULL), D6T_OK);
    ck_assert_int_eq(d6t_msg_type(d6t_msg_relayed(back)), D6T_MSG_ADVERTISE);
    d6t_arena_free(a);
}
END_TEST

START_TEST(too_long_option)
{
    d6t_msg *m = d6t_msg_new(NULL, D6T_MSG_REPLY);
    d6t_opt *ia = d6t_msg_add_opt(m, D6T_OPT_IA_NA);
    /* 2800 IAADDR of 28 bytes = 78400 bytes inside one IA_NA: cannot be written */
    for (int i = 0; i < 2800; i++) ck_assert_ptr_nonnull(d6t_opt_add_child(ia, D6T_OPT_IAADDR));
    uint8_t *out = malloc(100000);
    size_t n;
    ck_assert_int_eq(d6t_msg_write(m, out, 100000, &n), D6T_ERR_TOO_LONG);
    ck_assert_uint_eq(d6t_msg_wire_size(m), 0);
    /* remove most of them: writable again */
    for (int i = 0; i < 2700; i++)
        ck_assert_int_eq(d6t_opt_remove_child(ia, d6t_opt_first_child(ia)), D6T_OK);
    ck_assert_int_eq(d6t_msg_write(m, out, 100000, &n), D6T_OK);
    ck_assert_uint_eq(n, 4 + 16 + 100 * 28);
    free(out);
    d6t_msg_free(m);
}
END_TEST

START_TEST(option_write_alone_and_copy)
{
    uint8_t in[400], out[400];
    size_t n = unhex(W3_HEX, in, sizeof in), len;
    d6t_msg *m;
    ck_assert_int_eq(d6t_msg_parse(NULL, in, n, 0, &m, NULL), D6T_OK);
    d6t_opt *ia = d6t_msg_find_opt(m, D6T_OPT_IA_NA);
    ck_assert_uint_eq(d6t_opt_wire_size(ia), 4 + 0x35);
    ck_assert_int_eq(d6t_opt_write(ia, out, sizeof out, &len), D6T_OK);
    ck_assert_uint_eq(len, 4 + 0x35);
    ck_assert_int_eq(memcmp(out, in + 4 + 14 + 18, len), 0);
    /* deep copy into another message in another arena survives freeing the source */
    d6t_msg *r = d6t_msg_new(NULL, D6T_MSG_REPLY);
    d6t_opt *cp = d6t_msg_add_opt_copy(r, ia);
    ck_assert_ptr_nonnull(cp);
    d6t_msg_free(m);
    memset(in, 0, sizeof in);
    ck_assert_uint_eq(d6t_opt_child_count(cp), 2);
    uint32_t t2;
    ck_assert_int_eq(d6t_opt_get_u32(cp, D6T_IA_NA_T2, &t2), D6T_OK);
    ck_assert_uint_eq(t2, 2880);
    ck_assert_int_eq(d6t_msg_remove_opt(r, cp), D6T_OK);
    ck_assert_int_eq(d6t_msg_remove_opt(r, cp), D6T_ERR_NOT_FOUND);
    ck_assert_uint_eq(d6t_msg_wire_size(r), 4);
    d6t_msg_free(r);
}
END_TEST

START_TEST(add_from_bytes)
{
    d6t_msg *m = d6t_msg_new(NULL, D6T_MSG_SOLICIT);
    d6t_opt *o;
    d6t_parse_error e;
    uint8_t ia[] = {0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 13, 0, 2, 0, 0};
    ck_assert_int_eq(d6t_msg_add_opt_bytes(m, D6T_OPT_IA_NA, ia, sizeof ia, &o, &e), D6T_OK);
    ck_assert_uint_eq(d6t_opt_child_count(o), 1);
    uint8_t bad[] = {0, 0, 0, 1, 0, 0};
    ck_assert_int_eq(d6t_msg_add_opt_bytes(m, D6T_OPT_IA_NA, bad, sizeof bad, &o, &e),
                     D6T_ERR_OPT_LENGTH);
    ck_assert_uint_eq(d6t_msg_opt_count(m), 1);
    ck_assert_int_eq(d6t_opt_add_child_bytes(o, D6T_OPT_STATUS_CODE, ia, 3, NULL, &e), D6T_OK);
    /* unknown option payload can be replaced; known ones only field by field */
    ck_assert_int_eq(d6t_msg_add_opt_bytes(m, 999, (const uint8_t *)"xy", 2, &o, &e), D6T_OK);
    ck_assert_int_eq(d6t_opt_set_data(o, (const uint8_t *)"abc", 3), D6T_OK);
    ck_assert_int_eq(d6t_opt_set_data(d6t_msg_first_opt(m), ia, 2), D6T_ERR_WRONG_FIELD);
    ck_assert_uint_eq(d6t_msg_wire_size(m), 4 + 22 + 7 + 7);
    d6t_msg_free(m);
}
END_TEST

START_TEST(insert_and_relink)
{
    d6t_msg *m = d6t_msg_new(NULL, D6T_MSG_REPLY);
    d6t_arena *a = d6t_msg_arena(m);
    d6t_opt *pref = d6t_msg_add_opt(m, D6T_OPT_PREFERENCE);
    d6t_opt *rc = d6t_opt_new(a, D6T_SPACE_DHCPV6, D6T_OPT_RAPID_COMMIT);
    ck_assert_ptr_nonnull(rc);
    ck_assert_int_eq(d6t_msg_insert_opt(m, pref, rc), D6T_OK); /* in front */
    ck_assert_ptr_eq(d6t_msg_first_opt(m), rc);
    ck_assert_int_eq(d6t_msg_insert_opt(m, NULL, rc), D6T_ERR_INVALID_ARG); /* already linked */
    d6t_opt *ntp = d6t_opt_new(a, D6T_SPACE_NTP, D6T_NTP_SRV_ADDR);
    ck_assert_int_eq(d6t_msg_insert_opt(m, NULL, ntp), D6T_ERR_WRONG_FIELD);
    d6t_opt *srv = d6t_msg_add_opt(m, D6T_OPT_NTP_SERVER);
    ck_assert_int_eq(d6t_opt_insert_child(srv, NULL, ntp), D6T_OK);
    ck_assert_int_eq(d6t_opt_insert_child(srv, ntp, srv), D6T_ERR_INVALID_ARG);
    d6t_opt *stray = d6t_opt_new(a, D6T_SPACE_DHCPV6, D6T_OPT_PREFERENCE);
    ck_assert_int_eq(d6t_msg_insert_opt(m, stray, d6t_opt_new(a, D6T_SPACE_DHCPV6, 14)),
                     D6T_ERR_NOT_FOUND);
    /* move the preference option to the end: remove, then link again */
    ck_assert_int_eq(d6t_msg_remove_opt(m, pref), D6T_OK);
    ck_assert_int_eq(d6t_msg_insert_opt(m, NULL, pref), D6T_OK);
    uint8_t out[100], want[100];
    size_t n, wn = unhex("07000000"
                         "000e0000"
                         "0038001400010010"
                         "00000000000000000000000000000000"
                         "0007000100",
                         want, sizeof want);
    ck_assert_int_eq(d6t_msg_write(m, out, sizeof out, &n), D6T_OK);
    ck_assert_uint_eq(n, wn);
    ck_assert_int_eq(memcmp(out, want, n), 0);
    ck_assert_uint_eq(d6t_msg_opt_count(m), 3);
    d6t_msg_free(m);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("write");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, roundtrip_workloads);
    tcase_add_test(tc, build_reply_equals_w3);
    tcase_add_test(tc, build_relay_chain);
    tcase_add_test(tc, too_long_option);
    tcase_add_test(tc, option_write_alone_and_copy);
    tcase_add_test(tc, add_from_bytes);
    tcase_add_test(tc, insert_and_relink);
    suite_add_tcase(s, tc);
    return run_suite(s) ? 1 : 0;
}
