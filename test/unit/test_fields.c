/* Typed field access: getters on parsed data, setters, list fields, key checking. */
#include "testutil.h"

START_TEST(getters_on_reply)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    d6t_msg *m = parse_hex_msg(a, W3_HEX);
    d6t_opt *ia = d6t_msg_find_opt(m, D6T_OPT_IA_NA);
    const uint8_t *b;
    size_t n;
    uint32_t v32;
    ck_assert_int_eq(d6t_opt_get_bytes(ia, D6T_IA_NA_IAID, &b, &n), D6T_OK);
    ck_assert_uint_eq(n, 4);
    ck_assert_uint_eq(b[0], 0xc4);
    ck_assert_int_eq(d6t_opt_get_u32(ia, D6T_IA_NA_T1, &v32), D6T_OK);
    ck_assert_uint_eq(v32, 1800);
    /* wrong key for the option, wrong type for the key */
    ck_assert_int_eq(d6t_opt_get_u32(ia, D6T_IA_PD_T1, &v32), D6T_ERR_WRONG_FIELD);
    uint16_t v16;
    ck_assert_int_eq(d6t_opt_get_u16(ia, D6T_IA_NA_T1, &v16), D6T_ERR_WRONG_FIELD);
    d6t_opt *addr = d6t_opt_find_child(ia, D6T_OPT_IAADDR);
    uint8_t a6[16];
    ck_assert_int_eq(d6t_opt_get_addr6(addr, D6T_IAADDR_ADDRESS, a6), D6T_OK);
    ck_assert_uint_eq(a6[14], 0x12);
    ck_assert_int_eq(d6t_opt_get_u32(addr, D6T_IAADDR_VALID_LIFETIME, &v32), D6T_OK);
    ck_assert_uint_eq(v32, 7200);
    d6t_opt *st = d6t_opt_find_child(ia, D6T_OPT_STATUS_CODE);
    ck_assert_int_eq(d6t_opt_get_bytes(st, D6T_STATUS_CODE_STATUS_MESSAGE, &b, &n), D6T_OK);
    ck_assert_uint_eq(n, 7);
    ck_assert_int_eq(memcmp(b, "success", 7), 0);
    d6t_opt *dns = d6t_msg_find_opt(m, D6T_OPT_DNS_SERVERS);
    ck_assert_int_eq(d6t_opt_list_count(dns, D6T_DNS_SERVERS_DNS_SERVERS, &n), D6T_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(d6t_opt_list_get_addr6(dns, D6T_DNS_SERVERS_DNS_SERVERS, 1, a6), D6T_OK);
    ck_assert_uint_eq(a6[14], 0x53);
    ck_assert_int_eq(d6t_opt_list_get_addr6(dns, D6T_DNS_SERVERS_DNS_SERVERS, 2, a6),
                     D6T_ERR_NOT_FOUND);
    d6t_opt *dl = d6t_msg_find_opt(m, D6T_OPT_DOMAIN_LIST);
    char name[300];
    ck_assert_int_eq(d6t_opt_get_dname(dl, D6T_DOMAIN_LIST_SEARCH_LIST, 0, name, sizeof name),
                     D6T_OK);
    ck_assert_str_eq(name, "example.com.");
    ck_assert_int_eq(d6t_opt_get_dname(dl, D6T_DOMAIN_LIST_SEARCH_LIST, 1, name, sizeof name),
                     D6T_ERR_NOT_FOUND);
    ck_assert_int_eq(d6t_opt_get_dname(dl, D6T_DOMAIN_LIST_SEARCH_LIST, 0, name, 5),
                     D6T_ERR_BUFFER_TOO_SMALL);
    d6t_opt *px = d6t_opt_first_child(d6t_msg_find_opt(m, D6T_OPT_IA_PD));
    uint8_t plen;
    ck_assert_int_eq(d6t_opt_get_prefix(px, D6T_IAPREFIX_PREFIX, a6, &plen), D6T_OK);
    ck_assert_uint_eq(plen, 48);
    ck_assert_uint_eq(a6[4], 0x80);
    /* unknown options have no fields */
    ck_assert_int_eq(d6t_opt_get_u8(NULL, D6T_PREFERENCE_PREFERENCE, &plen), D6T_ERR_INVALID_ARG);
    d6t_arena_free(a);
}
END_TEST

START_TEST(setters_on_parsed_view_copy)
{
    uint8_t in[] = {1, 0, 0, 1, 0, 7, 0, 1, 5, 0, 6, 0, 2, 0, 23};
    uint8_t keep[sizeof in];
    memcpy(keep, in, sizeof in);
    d6t_msg *m;
    ck_assert_int_eq(d6t_msg_parse(NULL, in, sizeof in, 0, &m, NULL), D6T_OK);
    /* a refused raw value leaves the option a view; the next setter still copies first */
    d6t_opt *oro = d6t_opt_next(d6t_msg_first_opt(m));
    ck_assert_int_eq(d6t_opt_set_bytes(oro, D6T_ORO_REQUESTED_OPTIONS, (const uint8_t *)"x", 1),
                     D6T_ERR_OPT_LENGTH);
    ck_assert_int_eq(d6t_opt_list_add_u16(oro, D6T_ORO_REQUESTED_OPTIONS, 24), D6T_OK);
    ck_assert_int_eq(
        d6t_opt_set_bytes(oro, D6T_ORO_REQUESTED_OPTIONS, (const uint8_t *)"\0\x11", 2), D6T_OK);
    ck_assert_int_eq(memcmp(in, keep, sizeof in), 0);
    d6t_opt *p = d6t_msg_first_opt(m);
    ck_assert_int_eq(d6t_opt_set_u8(p, D6T_PREFERENCE_PREFERENCE, 255), D6T_OK);
    ck_assert_int_eq(memcmp(in, keep, sizeof in), 0); /* the caller's buffer is never written */
    uint8_t v;
    ck_assert_int_eq(d6t_opt_get_u8(p, D6T_PREFERENCE_PREFERENCE, &v), D6T_OK);
    ck_assert_uint_eq(v, 255);
    d6t_msg_free(m);
}
END_TEST

START_TEST(s46_fields)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    /* S46_RULE: flags 1, ea-len 16, 1.2.3.0/24, 2001:db8::/34, PORTPARAMS offset 6 psid-len 7 psid 127 */
    d6t_msg *m = parse_hex_msg(a, "07000001"
                                  "00590015011018010203002220010db800005d00040607fe00");
    d6t_opt *r = d6t_msg_first_opt(m);
    uint8_t p[16], plen;
    ck_assert_int_eq(d6t_opt_get_prefix(r, D6T_S46_RULE_IPV4_PREFIX, p, &plen), D6T_OK);
    ck_assert_uint_eq(plen, 24);
    ck_assert_uint_eq(p[2], 3);
    ck_assert_int_eq(d6t_opt_get_prefix(r, D6T_S46_RULE_IPV6_PREFIX, p, &plen), D6T_OK);
    ck_assert_uint_eq(plen, 34);
    ck_assert_uint_eq(p[4], 0);
    d6t_opt *pp = d6t_opt_first_child(r);
    uint16_t psid;
    ck_assert_int_eq(d6t_opt_get_u16(pp, D6T_S46_PORTPARAMS_PSID, &psid), D6T_OK);
    ck_assert_uint_eq(psid, 127);
    ck_assert_int_eq(d6t_opt_set_u16(pp, D6T_S46_PORTPARAMS_PSID, 128), D6T_ERR_INVALID_ARG);
    ck_assert_int_eq(d6t_opt_set_u16(pp, D6T_S46_PORTPARAMS_PSID, 1), D6T_OK);
    const uint8_t *raw;
    size_t n;
    ck_assert_int_eq(d6t_opt_get_bytes(pp, D6T_S46_PORTPARAMS_PSID, &raw, &n), D6T_OK);
    ck_assert_uint_eq(raw[0], 0x02); /* 1 << 9, left-aligned in 16 bits */
    ck_assert_uint_eq(raw[1], 0x00);
    /* a longer IPv6 prefix grows the fixed part; sub-options stay */
    uint8_t np[16] = {0x20, 0x01, 0x0d, 0xb8, 0x12, 0x34, 0xff, 0xff};
    ck_assert_int_eq(d6t_opt_set_prefix(r, D6T_S46_RULE_IPV6_PREFIX, np, 52), D6T_OK);
    ck_assert_int_eq(d6t_opt_get_prefix(r, D6T_S46_RULE_IPV6_PREFIX, p, &plen), D6T_OK);
    ck_assert_uint_eq(plen, 52);
    ck_assert_uint_eq(p[6], 0xf0); /* bits past /52 cleared */
    ck_assert_uint_eq(d6t_opt_child_count(r), 1);
    ck_assert_uint_eq(d6t_opt_wire_size(r), 4 + (1 + 1 + 5 + 1 + 7) + 8);
    ck_assert_int_eq(d6t_opt_set_prefix(r, D6T_S46_RULE_IPV6_PREFIX, np, 129), D6T_ERR_INVALID_ARG);
    d6t_arena_free(a);
}
END_TEST

START_TEST(lists_and_names)
{
    d6t_msg *m = d6t_msg_new(NULL, D6T_MSG_REPLY);
    d6t_opt *uc = d6t_msg_add_opt(m, D6T_OPT_USER_CLASS);
    ck_assert_int_eq(
        d6t_opt_list_add_bytes(uc, D6T_USER_CLASS_USER_CLASSES, (const uint8_t *)"abc", 3), D6T_OK);
    ck_assert_int_eq(
        d6t_opt_list_add_bytes(uc, D6T_USER_CLASS_USER_CLASSES, (const uint8_t *)"", 0), D6T_OK);
    size_t n;
    const uint8_t *b;
    ck_assert_int_eq(d6t_opt_list_count(uc, D6T_USER_CLASS_USER_CLASSES, &n), D6T_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(d6t_opt_list_get_bytes(uc, D6T_USER_CLASS_USER_CLASSES, 0, &b, &n), D6T_OK);
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(memcmp(b, "abc", 3), 0);
    d6t_opt *oro = d6t_msg_add_opt(m, D6T_OPT_ORO);
    ck_assert_int_eq(d6t_opt_list_add_u16(oro, D6T_ORO_REQUESTED_OPTIONS, 23), D6T_OK);
    ck_assert_int_eq(d6t_opt_list_add_u16(oro, D6T_ORO_REQUESTED_OPTIONS, 24), D6T_OK);
    uint16_t v;
    ck_assert_int_eq(d6t_opt_list_get_u16(oro, D6T_ORO_REQUESTED_OPTIONS, 1, &v), D6T_OK);
    ck_assert_uint_eq(v, 24);
    d6t_opt *fq = d6t_msg_add_opt(m, D6T_OPT_CLIENT_FQDN);
    char name[300];
    ck_assert_int_eq(d6t_opt_set_dname(fq, D6T_CLIENT_FQDN_DOMAIN_NAME, "host"), D6T_OK);
    ck_assert_int_eq(d6t_opt_get_dname(fq, D6T_CLIENT_FQDN_DOMAIN_NAME, 0, name, sizeof name),
                     D6T_OK);
    ck_assert_str_eq(name, "host"); /* relative name stays relative */
    ck_assert_int_eq(d6t_opt_set_dname(fq, D6T_CLIENT_FQDN_DOMAIN_NAME, "host.example."), D6T_OK);
    ck_assert_int_eq(d6t_opt_get_dname(fq, D6T_CLIENT_FQDN_DOMAIN_NAME, 0, name, sizeof name),
                     D6T_OK);
    ck_assert_str_eq(name, "host.example.");
    ck_assert_int_eq(d6t_opt_set_dname(fq, D6T_CLIENT_FQDN_DOMAIN_NAME, "a..b"), D6T_ERR_DNAME);
    /* DNR: ADN, then addresses appear (with their length prefix) when added */
    d6t_opt *dnr = d6t_msg_add_opt(m, D6T_OPT_V6_DNR);
    ck_assert_uint_eq(d6t_opt_wire_size(dnr), 4 + 2 + 3);
    ck_assert_int_eq(d6t_opt_set_u16(dnr, D6T_V6_DNR_SERVICE_PRIORITY, 1), D6T_OK);
    ck_assert_int_eq(d6t_opt_set_dname(dnr, D6T_V6_DNR_ADN, "dns.example."), D6T_OK);
    ck_assert_int_eq(d6t_opt_list_count(dnr, D6T_V6_DNR_ADDRESSES, &n), D6T_OK);
    ck_assert_uint_eq(n, 0);
    uint8_t a6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 0x53};
    ck_assert_int_eq(d6t_opt_list_add_addr6(dnr, D6T_V6_DNR_ADDRESSES, a6), D6T_OK);
    ck_assert_int_eq(d6t_opt_list_add_addr6(dnr, D6T_V6_DNR_ADDRESSES, a6), D6T_OK);
    ck_assert_int_eq(d6t_opt_list_count(dnr, D6T_V6_DNR_ADDRESSES, &n), D6T_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(
        d6t_opt_set_bytes(dnr, D6T_V6_DNR_SVC_PARAMS, (const uint8_t *)"\x00\x01\x00\x00", 4),
        D6T_OK);
    ck_assert_int_eq(d6t_opt_get_dname(dnr, D6T_V6_DNR_ADN, 0, name, sizeof name), D6T_OK);
    ck_assert_str_eq(name, "dns.example.");
    ck_assert_uint_eq(d6t_opt_wire_size(dnr), 4 + 2 + 2 + 13 + 2 + 32 + 4);
    /* the whole message re-parses to the same bytes */
    uint8_t out[400], again[400];
    size_t len, len2;
    ck_assert_int_eq(d6t_msg_write(m, out, sizeof out, &len), D6T_OK);
    d6t_msg *back;
    ck_assert_int_eq(d6t_msg_parse(d6t_msg_arena(m), out, len, 0, &back, NULL), D6T_OK);
    ck_assert_int_eq(d6t_msg_write(back, again, sizeof again, &len2), D6T_OK);
    ck_assert_uint_eq(len, len2);
    ck_assert_int_eq(memcmp(out, again, len), 0);
    /* fixed-size BIN field refuses other sizes */
    d6t_opt *ia = d6t_msg_add_opt(m, D6T_OPT_IA_TA);
    ck_assert_int_eq(d6t_opt_set_bytes(ia, D6T_IA_TA_IAID, (const uint8_t *)"abc", 3),
                     D6T_ERR_INVALID_ARG);
    /* raw list bytes are checked against the layout */
    ck_assert_int_eq(d6t_opt_set_bytes(oro, D6T_ORO_REQUESTED_OPTIONS, (const uint8_t *)"abc", 3),
                     D6T_ERR_OPT_LENGTH);
    ck_assert_int_eq(d6t_opt_list_count(oro, D6T_ORO_REQUESTED_OPTIONS, &n), D6T_OK);
    ck_assert_uint_eq(n, 2);
    d6t_msg_free(m);
}
END_TEST

START_TEST(duids)
{
    uint8_t d[20];
    uint16_t type, hw;
    uint32_t time, en;
    const uint8_t *id;
    size_t idl, n = unhex("000100010000000f3431c43cb2f1", d, sizeof d);
    ck_assert_int_eq(d6t_duid_parse(d, n, &type, &hw, &time, &en, &id, &idl), D6T_OK);
    ck_assert_uint_eq(type, D6T_DUID_LLT);
    ck_assert_uint_eq(hw, 1);
    ck_assert_uint_eq(time, 15);
    ck_assert_uint_eq(idl, 6);
    ck_assert_uint_eq(id[0], 0x34);
    n = unhex("000200009d10abcd", d, sizeof d);
    ck_assert_int_eq(d6t_duid_parse(d, n, &type, &hw, &time, &en, &id, &idl), D6T_OK);
    ck_assert_uint_eq(en, 40208);
    ck_assert_uint_eq(idl, 2);
    ck_assert_str_eq(d6t_duid_type_name(type), "DUID-EN");
    ck_assert_int_eq(d6t_duid_parse(d, 5, &type, NULL, NULL, NULL, NULL, NULL), D6T_ERR_OPT_LENGTH);
    n = unhex("0004"
              "00112233445566778899aabbccddeeff",
              d, sizeof d);
    ck_assert_int_eq(d6t_duid_parse(d, n, &type, NULL, NULL, NULL, &id, &idl), D6T_OK);
    ck_assert_uint_eq(idl, 16);
    ck_assert_int_eq(d6t_duid_parse(d, n - 1, &type, NULL, NULL, NULL, &id, &idl),
                     D6T_ERR_OPT_LENGTH);
    n = unhex("ffff01", d, sizeof d);
    ck_assert_int_eq(d6t_duid_parse(d, n, &type, NULL, NULL, NULL, &id, &idl), D6T_OK);
    ck_assert_ptr_null(d6t_duid_type_name(type));
    ck_assert_uint_eq(idl, 1);
}
END_TEST

/* One pair of calls for IA_NA, IA_PD and IA_TA; the IAID is a U32 field like T1 and T2. */
START_TEST(ia_helpers)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    d6t_msg *m = parse_hex_msg(a, W3_HEX);
    uint32_t id = 0, t1 = 0, t2 = 0;
    /* parsed: the reply's IA_NA c43cb2f1, T1 1800, T2 2880 */
    d6t_opt *na = d6t_msg_find_opt(m, D6T_OPT_IA_NA);
    ck_assert_int_eq(d6t_opt_get_ia(na, &id, &t1, &t2), D6T_OK);
    ck_assert_uint_eq(id, 0xc43cb2f1u);
    ck_assert_uint_eq(t1, 1800);
    ck_assert_uint_eq(t2, 2880);
    ck_assert_int_eq(d6t_opt_get_u32(na, D6T_IA_NA_IAID, &id), D6T_OK);
    ck_assert_uint_eq(id, 0xc43cb2f1u);
    ck_assert_int_eq(d6t_opt_get_ia(na, NULL, NULL, NULL), D6T_OK);
    /* built, each type */
    static const uint16_t codes[] = {D6T_OPT_IA_NA, D6T_OPT_IA_PD, D6T_OPT_IA_TA};
    static const uint8_t wire_na[] = {0, 3, 0, 12, 0xde, 0xad, 0xbe, 0xef,
                                      0, 0, 0, 10, 0,    0,    0,    20};
    for (size_t i = 0; i < 3; i++) {
        d6t_opt *ia = d6t_msg_add_opt(m, codes[i]);
        int ta = codes[i] == D6T_OPT_IA_TA;
        ck_assert_int_eq(d6t_opt_set_ia(ia, 0xdeadbeefu, ta ? 0 : 10, ta ? 0 : 20), D6T_OK);
        t1 = t2 = 99;
        ck_assert_int_eq(d6t_opt_get_ia(ia, &id, &t1, &t2), D6T_OK);
        ck_assert_uint_eq(id, 0xdeadbeefu);
        ck_assert_uint_eq(t1, ta ? 0 : 10);
        ck_assert_uint_eq(t2, ta ? 0 : 20);
        uint8_t buf[32];
        size_t n;
        ck_assert_int_eq(d6t_opt_write(ia, buf, sizeof buf, &n), D6T_OK);
        ck_assert_uint_eq(n, ta ? 8 : 16);
        ck_assert_int_eq(memcmp(buf + 4, wire_na + 4, n - 4), 0);
        if (ta) {
            /* an IA_TA has no T1/T2 to set: refused whole */
            ck_assert_int_eq(d6t_opt_set_ia(ia, 1, 5, 0), D6T_ERR_INVALID_ARG);
            ck_assert_int_eq(d6t_opt_set_ia(ia, 1, 0, 5), D6T_ERR_INVALID_ARG);
            ck_assert_int_eq(d6t_opt_get_ia(ia, &id, NULL, NULL), D6T_OK);
            ck_assert_uint_eq(id, 0xdeadbeefu);
        }
    }
    /* not an IA */
    d6t_opt *dns = d6t_msg_find_opt(m, D6T_OPT_DNS_SERVERS);
    id = 7;
    ck_assert_int_eq(d6t_opt_get_ia(dns, &id, &t1, &t2), D6T_ERR_WRONG_FIELD);
    ck_assert_uint_eq(id, 7);
    ck_assert_int_eq(d6t_opt_set_ia(dns, 1, 2, 3), D6T_ERR_WRONG_FIELD);
    ck_assert_int_eq(d6t_opt_get_ia(NULL, &id, &t1, &t2), D6T_ERR_INVALID_ARG);
    ck_assert_int_eq(d6t_opt_set_ia(NULL, 1, 2, 3), D6T_ERR_INVALID_ARG);
    /* a vendor sub-option with code 3 is no IA */
    d6t_opt *v = d6t_opt_new(a, D6T_SPACE_VENDOR, D6T_OPT_IA_NA);
    ck_assert_int_eq(d6t_opt_get_ia(v, &id, &t1, &t2), D6T_ERR_WRONG_FIELD);
    /* a fixed-size field takes exactly its size in raw bytes */
    ck_assert_int_eq(d6t_opt_set_bytes(na, D6T_IA_NA_IAID, (const uint8_t *)"\1\2\3", 3),
                     D6T_ERR_INVALID_ARG);
    ck_assert_int_eq(d6t_opt_set_bytes(na, D6T_IA_NA_IAID, (const uint8_t *)"\1\2\3\4", 4), D6T_OK);
    ck_assert_int_eq(d6t_opt_get_ia(na, &id, NULL, NULL), D6T_OK);
    ck_assert_uint_eq(id, 0x01020304u);
    d6t_arena_free(a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fields");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, getters_on_reply);
    tcase_add_test(tc, setters_on_parsed_view_copy);
    tcase_add_test(tc, s46_fields);
    tcase_add_test(tc, lists_and_names);
    tcase_add_test(tc, duids);
    tcase_add_test(tc, ia_helpers);
    suite_add_tcase(s, tc);
    return run_suite(s) ? 1 : 0;
}
