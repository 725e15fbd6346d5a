/* JSON printer: layout of messages/options/DUIDs built with the API and parsed from bytes,
 * snprintf semantics, escaping, and the depth bound for built trees. */
#include "testutil.h"
#include <stdio.h>

static char jbuf[1 << 16];

static const char *msg_json(const d6t_msg *m)
{
    size_t n = d6t_msg_to_json(m, jbuf, sizeof jbuf);
    ck_assert_uint_lt(n, sizeof jbuf);
    ck_assert_uint_eq(strlen(jbuf), n);
    return jbuf;
}

static const char *opt_json(const d6t_opt *o)
{
    size_t n = d6t_opt_to_json(o, jbuf, sizeof jbuf);
    ck_assert_uint_lt(n, sizeof jbuf);
    ck_assert_uint_eq(strlen(jbuf), n);
    return jbuf;
}

static d6t_opt *parse_opt(d6t_arena *a, d6t_space sp, const char *hex)
{
    static uint8_t buf[4096];
    size_t n = unhex(hex, buf, sizeof buf);
    d6t_opt *o = NULL;
    d6t_parse_error e;
    ck_assert_int_eq(d6t_opt_parse(a, sp, buf, n, D6T_PARSE_COPY, &o, &e), D6T_OK);
    return o;
}

static d6t_msg *parse_msg(d6t_arena *a, const char *hex)
{
    static uint8_t buf[4096];
    size_t n = unhex(hex, buf, sizeof buf);
    d6t_msg *m = NULL;
    ck_assert_int_eq(d6t_msg_parse(a, buf, n, D6T_PARSE_COPY, &m, NULL), D6T_OK);
    return m;
}

/* Structural JSON check: brackets balance outside strings, strings close, no raw control
 * characters inside strings. Enough to catch a printer that emits broken JSON. */
static int json_well_formed(const char *s)
{
    int depth = 0, in_str = 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (in_str) {
            if (c < 0x20) return 0;
            if (c == '\\') {
                s++;
                if (!*s || !strchr("\"\\/bfnrtu", *s)) return 0;
            } else if (c == '"')
                in_str = 0;
            continue;
        }
        if (c == '"')
            in_str = 1;
        else if (c == '{' || c == '[')
            depth++;
        else if (c == '}' || c == ']') {
            if (--depth < 0) return 0;
        }
    }
    return depth == 0 && !in_str;
}

START_TEST(built_solicit)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    d6t_msg *m = d6t_msg_new(a, D6T_MSG_SOLICIT);
    ck_assert_int_eq(d6t_msg_set_transaction_id(m, 0x0a0b0c), D6T_OK);
    static const uint8_t duid[] = {0, 3, 0, 1, 0x34, 0x31, 0xc4, 0x3c, 0xb2, 0xf1};
    ck_assert_int_eq(d6t_msg_add_opt_bytes(m, D6T_OPT_CLIENTID, duid, sizeof duid, NULL, NULL),
                     D6T_OK);
    d6t_opt *et = d6t_msg_add_opt(m, D6T_OPT_ELAPSED_TIME);
    ck_assert_int_eq(d6t_opt_set_u16(et, D6T_ELAPSED_TIME_ELAPSED_TIME, 300), D6T_OK);
    d6t_opt *ia = d6t_msg_add_opt(m, D6T_OPT_IA_NA);
    static const uint8_t iaid[4] = {0xde, 0xad, 0xbe, 0xef};
    ck_assert_int_eq(d6t_opt_set_bytes(ia, D6T_IA_NA_IAID, iaid, 4), D6T_OK);
    ck_assert_int_eq(d6t_opt_set_u32(ia, D6T_IA_NA_T1, 3600), D6T_OK);
    ck_assert_int_eq(d6t_opt_set_u32(ia, D6T_IA_NA_T2, 4294967295u), D6T_OK);
    d6t_opt *ad = d6t_opt_add_child(ia, D6T_OPT_IAADDR);
    static const uint8_t a6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 0x42};
    ck_assert_int_eq(d6t_opt_set_addr6(ad, D6T_IAADDR_ADDRESS, a6), D6T_OK);
    ck_assert_int_eq(d6t_opt_set_u32(ad, D6T_IAADDR_VALID_LIFETIME, 7200), D6T_OK);
    d6t_opt *oro = d6t_msg_add_opt(m, D6T_OPT_ORO);
    ck_assert_int_eq(d6t_opt_list_add_u16(oro, D6T_ORO_REQUESTED_OPTIONS, 23), D6T_OK);
    ck_assert_int_eq(d6t_opt_list_add_u16(oro, D6T_ORO_REQUESTED_OPTIONS, 24), D6T_OK);
    d6t_msg_add_opt(m, D6T_OPT_RAPID_COMMIT);
    ck_assert_str_eq(
        msg_json(m),
        "{\"msg_type\": 1, \"msg_name\": \"SOLICIT\", \"transaction_id\": \"0a0b0c\", \"options\": "
        "["
        "{\"code\": 1, \"name\": \"OPTION_CLIENTID\", \"duid\": {\"duid_type\": 3, \"name\": "
        "\"DUID-LL\", "
        "\"hardware_type\": 1, \"link_layer_address\": \"3431c43cb2f1\"}}, "
        "{\"code\": 8, \"name\": \"OPTION_ELAPSED_TIME\", \"elapsed_time\": 300}, "
        "{\"code\": 3, \"name\": \"OPTION_IA_NA\", \"iaid\": \"deadbeef\", \"t1\": 3600, \"t2\": "
        "4294967295, "
        "\"options\": [{\"code\": 5, \"name\": \"OPTION_IAADDR\", \"address\": \"2001:db8::42\", "
        "\"preferred_lifetime\": 0, \"valid_lifetime\": 7200, \"options\": []}]}, "
        "{\"code\": 6, \"name\": \"OPTION_ORO\", \"requested_options\": [23, 24]}, "
        "{\"code\": 14, \"name\": \"OPTION_RAPID_COMMIT\"}]}");
    d6t_arena_free(a);
}
END_TEST

START_TEST(parsed_relay_chain)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    /* RELAY-FORW(hop 1) > RELAY-FORW(hop 0, Interface-ID) > SOLICIT(elapsed time) */
    d6t_msg *m = parse_msg(a, "0c0120010db8000000000000000000000001fe800000000000000000000000000001"
                              "00090036"
                              "0c00000000000000000000000000000000000000000000000000000000000000000a"
                              "001200026978"
                              "0009000a01abcdef0008000200ff");
    ck_assert_str_eq(
        msg_json(m),
        "{\"msg_type\": 12, \"msg_name\": \"RELAY-FORW\", \"hop_count\": 1, \"link_address\": "
        "\"2001:db8::1\", "
        "\"peer_address\": \"fe80::1\", \"options\": [{\"code\": 9, \"name\": "
        "\"OPTION_RELAY_MSG\", "
        "\"relayed_message\": {\"msg_type\": 12, \"msg_name\": \"RELAY-FORW\", \"hop_count\": 0, "
        "\"link_address\": \"::\", \"peer_address\": \"::a\", \"options\": [{\"code\": 18, "
        "\"name\": \"OPTION_INTERFACE_ID\", \"interface_id\": \"6978\"}, {\"code\": 9, "
        "\"name\": \"OPTION_RELAY_MSG\", \"relayed_message\": {\"msg_type\": 1, \"msg_name\": "
        "\"SOLICIT\", "
        "\"transaction_id\": \"abcdef\", \"options\": [{\"code\": 8, \"name\": "
        "\"OPTION_ELAPSED_TIME\", "
        "\"elapsed_time\": 255}]}}]}}]}");
    /* the bench workloads print as well-formed JSON */
    d6t_msg *w1 = parse_msg(a, W1_HEX), *w3 = parse_msg(a, W3_HEX);
    ck_assert(json_well_formed(msg_json(w1)));
    ck_assert_ptr_nonnull(strstr(jbuf, "\"remote_id\": "));
    ck_assert(json_well_formed(msg_json(w3)));
    ck_assert_ptr_nonnull(strstr(jbuf, "\"search_list\": [\"example.com.\"]"));
    ck_assert_ptr_nonnull(strstr(jbuf, "\"prefix\": \"2001:db8:8000::/48\""));
    ck_assert_ptr_nonnull(strstr(jbuf, "\"status_message\": \"success\""));
    d6t_arena_free(a);
}
END_TEST

START_TEST(unknown_elements)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    ck_assert_str_eq(opt_json(parse_opt(a, D6T_SPACE_DHCPV6, "000a00020102")),
                     "{\"code\": 10, \"name\": null, \"unknown\": true, \"data\": \"0102\"}");
    ck_assert_str_eq(opt_json(parse_opt(a, D6T_SPACE_NTP, "00090000")),
                     "{\"code\": 9, \"name\": null, \"unknown\": true, \"data\": \"\"}");
    ck_assert_str_eq(
        msg_json(parse_msg(a, "ff0102")),
        "{\"msg_type\": 255, \"msg_name\": null, \"unknown\": true, \"data\": \"0102\"}");
    ck_assert_str_eq(msg_json(parse_msg(a, "00")),
                     "{\"msg_type\": 0, \"msg_name\": null, \"unknown\": true, \"data\": \"\"}");
    /* RFC 7341: flags, not a transaction id */
    ck_assert_str_eq(msg_json(parse_msg(a, "14800000")),
                     "{\"msg_type\": 20, \"msg_name\": \"DHCPV4-QUERY\", \"flags\": \"800000\", "
                     "\"options\": []}");
    d6t_arena_free(a);
}
END_TEST

START_TEST(containers_and_typed_fields)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    ck_assert_str_eq(
        opt_json(parse_opt(a, D6T_SPACE_DHCPV6, "0011000e00009d1000010002abcd00020000")),
        "{\"code\": 17, \"name\": \"OPTION_VENDOR_OPTS\", \"enterprise_number\": 40208, "
        "\"vendor_options\": [{\"code\": 1, \"data\": \"abcd\"}, {\"code\": 2, \"data\": \"\"}]}");
    ck_assert_str_eq(
        opt_json(parse_opt(a, D6T_SPACE_DHCPV6,
                           "0038003900010010ff0200000000000000000000000000010003000d036e74700765786"
                           "16d706c650000020010ff050000000000000000000000000101")),
        "{\"code\": 56, \"name\": \"OPTION_NTP_SERVER\", \"options\": ["
        "{\"code\": 1, \"name\": \"NTP_SUBOPTION_SRV_ADDR\", \"address\": \"ff02::1\"}, "
        "{\"code\": 3, \"name\": \"NTP_SUBOPTION_SRV_FQDN\", \"fqdn\": \"ntp.example.\"}, "
        "{\"code\": 2, \"name\": \"NTP_SUBOPTION_MC_ADDR\", \"address\": \"ff05::101\"}]}");
    /* S46 rule: host bits past both prefix lengths are printed masked; PSID as its value */
    ck_assert_str_eq(
        opt_json(
            parse_opt(a, D6T_SPACE_DHCPV6, "00590014001018c00002ff1c20010dbf005d00040604f000")),
        "{\"code\": 89, \"name\": \"OPTION_S46_RULE\", \"flags\": 0, \"ea_len\": 16, "
        "\"ipv4_prefix\": \"192.0.2.0/24\", \"ipv6_prefix\": \"2001:db0::/28\", \"options\": ["
        "{\"code\": 93, \"name\": \"OPTION_S46_PORTPARAMS\", \"offset\": 6, \"psid_len\": 4, "
        "\"psid\": 15}]}");
    /* addresses in RFC 5952 text whatever the C library: glibc's inet_ntop printed
     * "::0.1.254.128" here and musl's "::1:fe80"; only IPv4-mapped ones are dotted */
    static const struct {
        const char *hex, *text;
    } addrs[] = {
        {"000000000000000000000000 0001fe80", "::1:fe80"},
        {"00000000000000000000ffff c0000201", "::ffff:192.0.2.1"},
        {"20010db8000000010000000000000000", "2001:db8:0:1::"},
        {"20010000000000010000000000000001", "2001:0:0:1::1"},
        {"00000000000000000000000000000000", "::"},
        {"20010db8000100020003000400050006", "2001:db8:1:2:3:4:5:6"},
        {"20010db800000000000100000000000a", "2001:db8::1:0:0:a"},
    };
    for (size_t i = 0; i < sizeof addrs / sizeof addrs[0]; i++) {
        char hex[80], want[200];
        size_t k = 0;
        for (const char *c = addrs[i].hex; *c; c++)
            if (*c != ' ') hex[k++] = *c;
        hex[k] = 0;
        char opt[120];
        snprintf(opt, sizeof opt, "00050018%s0000000a00000014", hex);
        snprintf(want, sizeof want,
                 "{\"code\": 5, \"name\": \"OPTION_IAADDR\", \"address\": \"%s\", "
                 "\"preferred_lifetime\": 10, \"valid_lifetime\": 20, \"options\": []}",
                 addrs[i].text);
        ck_assert_str_eq(opt_json(parse_opt(a, D6T_SPACE_DHCPV6, opt)), want);
    }
    /* IAPREFIX shows the prefix as sent (not masked) */
    ck_assert_str_eq(opt_json(parse_opt(a, D6T_SPACE_DHCPV6,
                                        "001a00190000000a0000001430"
                                        "20010db8000000000000000000000001")),
                     "{\"code\": 26, \"name\": \"OPTION_IAPREFIX\", \"preferred_lifetime\": 10, "
                     "\"valid_lifetime\": 20, "
                     "\"prefix\": \"2001:db8::1/48\", \"options\": []}");
    ck_assert_str_eq(opt_json(parse_opt(a, D6T_SPACE_DHCPV6, "000f000c000361626300000003010203")),
                     "{\"code\": 15, \"name\": \"OPTION_USER_CLASS\", \"user_classes\": "
                     "[\"616263\", \"\", \"010203\"]}");
    ck_assert_str_eq(
        opt_json(parse_opt(a, D6T_SPACE_DHCPV6,
                           "002f00322001000000000000000000000000000b0c00"
                           "0000000000000000000000000000000000000000000000000000000000000000")),
        "{\"code\": 47, \"name\": \"OPTION_LQ_RELAY_DATA\", \"peer_address\": \"2001::b\", "
        "\"relay_message\": "
        "{\"msg_type\": 12, \"msg_name\": \"RELAY-FORW\", \"hop_count\": 0, \"link_address\": "
        "\"::\", "
        "\"peer_address\": \"::\", \"options\": []}}");
    ck_assert_str_eq(opt_json(parse_opt(a, D6T_SPACE_DHCPV6, "002700080001610362636400")),
                     "{\"code\": 39, \"name\": \"OPTION_CLIENT_FQDN\", \"flags\": 0, "
                     "\"domain_name\": \"a.bcd.\"}");
    /* relative FQDN: no trailing dot */
    ck_assert_str_eq(
        opt_json(parse_opt(a, D6T_SPACE_DHCPV6, "002700050103616263")),
        "{\"code\": 39, \"name\": \"OPTION_CLIENT_FQDN\", \"flags\": 1, \"domain_name\": \"abc\"}");
    ck_assert_str_eq(opt_json(parse_opt(a, D6T_SPACE_DHCPV6, "005900080000000000000000")),
                     "{\"code\": 89, \"name\": \"OPTION_S46_RULE\", \"flags\": 0, \"ea_len\": 0, "
                     "\"ipv4_prefix\": \"0.0.0.0/0\", \"ipv6_prefix\": \"::/0\", \"options\": []}");
    d6t_arena_free(a);
}
END_TEST

START_TEST(duids)
{
    char b[256];
    static const uint8_t llt[] = {0, 1, 0, 1, 0, 0, 0, 15, 0xaa, 0xbb};
    static const uint8_t en[] = {0, 2, 0, 0, 0x9d, 0x10, 0x01};
    static const uint8_t uuid[18] = {0, 4, 0x11, [17] = 0xff};
    static const uint8_t unk[] = {0xff, 0xff, 0x12};
    static const uint8_t short_llt[] = {0, 1, 0, 1};
    static const uint8_t one[] = {7};
    ck_assert_uint_eq(d6t_duid_to_json(llt, sizeof llt, b, sizeof b), strlen(b));
    ck_assert_str_eq(
        b, "{\"duid_type\": 1, \"name\": \"DUID-LLT\", \"hardware_type\": 1, \"time\": 15, "
           "\"link_layer_address\": \"aabb\"}");
    d6t_duid_to_json(en, sizeof en, b, sizeof b);
    ck_assert_str_eq(b, "{\"duid_type\": 2, \"name\": \"DUID-EN\", \"enterprise_number\": 40208, "
                        "\"identifier\": \"01\"}");
    d6t_duid_to_json(uuid, sizeof uuid, b, sizeof b);
    ck_assert_str_eq(b, "{\"duid_type\": 4, \"name\": \"DUID-UUID\", \"uuid\": "
                        "\"110000000000000000000000000000ff\"}");
    d6t_duid_to_json(unk, sizeof unk, b, sizeof b);
    ck_assert_str_eq(b,
                     "{\"duid_type\": 65535, \"name\": null, \"unknown\": true, \"data\": \"12\"}");
    /* shorter than the type's fixed part: never read past the end */
    d6t_duid_to_json(short_llt, sizeof short_llt, b, sizeof b);
    ck_assert_str_eq(
        b, "{\"duid_type\": 1, \"name\": \"DUID-LLT\", \"malformed\": true, \"data\": \"0001\"}");
    d6t_duid_to_json(one, sizeof one, b, sizeof b);
    ck_assert_str_eq(
        b, "{\"duid_type\": null, \"name\": null, \"malformed\": true, \"data\": \"07\"}");
    d6t_duid_to_json(NULL, 0, b, sizeof b);
    ck_assert_str_eq(b,
                     "{\"duid_type\": null, \"name\": null, \"malformed\": true, \"data\": \"\"}");
}
END_TEST

START_TEST(snprintf_semantics)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    d6t_msg *m = parse_msg(a, W3_HEX);
    char full[4096], part[4096];
    size_t n = d6t_msg_to_json(m, full, sizeof full);
    ck_assert_uint_gt(n, 100);
    ck_assert_uint_eq(d6t_msg_to_json(m, NULL, 0), n);
    for (size_t cap = 1; cap <= n + 2; cap++) {
        memset(part, 'X', sizeof part);
        ck_assert_uint_eq(d6t_msg_to_json(m, part, cap), n);
        size_t k = cap - 1 < n ? cap - 1 : n;
        ck_assert_uint_eq(strlen(part), k); /* NUL-terminated prefix */
        ck_assert_int_eq(memcmp(part, full, k), 0);
        ck_assert_int_eq(part[cap], 'X'); /* nothing written past cap */
    }
    /* cap 0 with a real buffer leaves it untouched */
    part[0] = 'Q';
    ck_assert_uint_eq(d6t_opt_to_json(d6t_msg_first_opt(m), part, 0),
                      d6t_opt_to_json(d6t_msg_first_opt(m), NULL, 0));
    ck_assert_int_eq(part[0], 'Q');
    ck_assert_uint_eq(d6t_duid_to_json((const uint8_t *)"\0\3\0\1", 4, part, 5),
                      strlen("{\"duid_type\": 3, \"name\": \"DUID-LL\", \"hardware_type\": 1, "
                             "\"link_layer_address\": \"\"}"));
    ck_assert_str_eq(part, "{\"du");
    ck_assert_uint_eq(d6t_msg_to_json(NULL, part, sizeof part), 4);
    ck_assert_str_eq(part, "null");
    d6t_arena_free(a);
}
END_TEST

START_TEST(text_escaping)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    /* status 0, message: " \ LF TAB 0x01 é(c3a9) 0xff c3( overlong c0af surrogate eda080 😀 DEL */
    d6t_opt *o = parse_opt(a, D6T_SPACE_DHCPV6,
                           "000d00170000"
                           "225c0a0901"
                           "c3a9"
                           "ff"
                           "c328"
                           "c0af"
                           "eda080"
                           "f09f9880"
                           "7f"
                           "41");
    ck_assert_str_eq(
        opt_json(o),
        "{\"code\": 13, \"name\": \"OPTION_STATUS_CODE\", \"status_code\": 0, \"status_message\": "
        "\"\\\"\\\\\\n\\t\\u0001\xc3\xa9\\u00ff\\u00c3("
        "\\u00c0\\u00af\\u00ed\\u00a0\\u0080\xf0\x9f\x98\x80\x7f"
        "A\"}");
    ck_assert(json_well_formed(jbuf));
    /* a truncated 3-byte sequence at the very end is escaped byte by byte */
    ck_assert_str_eq(
        opt_json(parse_opt(a, D6T_SPACE_DHCPV6, "002a0002e282")),
        "{\"code\": 42, \"name\": \"OPTION_NEW_TZDB_TIMEZONE\", \"timezone\": \"\\u00e2\\u0082\"}");
    /* domain names: byte-transparent, presentation escapes, then JSON escapes */
    ck_assert_str_eq(opt_json(parse_opt(a, D6T_SPACE_DHCPV6,
                                        "0018000e"
                                        "03612e62"
                                        "02225c"
                                        "0180"
                                        "03434f4d"
                                        "00")),
                     "{\"code\": 24, \"name\": \"OPTION_DOMAIN_LIST\", \"search_list\": "
                     "[\"a\\\\.b.\\\"\\\\\\\\.\\\\128.COM.\"]}");
    ck_assert(json_well_formed(jbuf));
    d6t_arena_free(a);
}
END_TEST

START_TEST(depth_is_bounded)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    /* a relay chain far deeper than any parse allows: built through the API */
    d6t_msg *inner = d6t_msg_new(a, D6T_MSG_SOLICIT);
    for (int i = 0; i < 2000; i++) {
        d6t_msg *r = d6t_msg_new(a, D6T_MSG_RELAY_FORW);
        ck_assert_ptr_nonnull(d6t_msg_add_relay_msg(r, inner));
        inner = r;
    }
    size_t n = d6t_msg_to_json(inner, NULL, 0);
    char *big = malloc(n + 1);
    ck_assert_ptr_nonnull(big);
    ck_assert_uint_eq(d6t_msg_to_json(inner, big, n + 1), n);
    ck_assert(json_well_formed(big));
    ck_assert_ptr_nonnull(strstr(big, "\"relayed_message\": \"...\""));
    ck_assert_ptr_null(strstr(big, "SOLICIT")); /* cut before the bottom */
    free(big);
    /* a cycle (a relay holding itself) terminates too */
    d6t_msg *loop = d6t_msg_new(a, D6T_MSG_RELAY_REPL);
    d6t_opt *rm = d6t_msg_add_opt(loop, D6T_OPT_RELAY_MSG);
    if (rm && d6t_opt_set_msg(rm, loop) == D6T_OK) {
        n = d6t_msg_to_json(loop, NULL, 0);
        ck_assert_uint_gt(n, 0);
        ck_assert_uint_lt(n, 1u << 20);
    }
    /* a relay-msg option whose message was never set */
    d6t_msg *r = d6t_msg_new(a, D6T_MSG_RELAY_FORW);
    ck_assert_ptr_nonnull(d6t_msg_add_opt(r, D6T_OPT_RELAY_MSG));
    ck_assert_ptr_nonnull(strstr(msg_json(r), "\"relayed_message\": null"));
    d6t_arena_free(a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("print_json");
    TCase *tc = tcase_create("json");
    tcase_add_test(tc, built_solicit);
    tcase_add_test(tc, parsed_relay_chain);
    tcase_add_test(tc, unknown_elements);
    tcase_add_test(tc, containers_and_typed_fields);
    tcase_add_test(tc, duids);
    tcase_add_test(tc, snprintf_semantics);
    tcase_add_test(tc, text_escaping);
    tcase_add_test(tc, depth_is_bounded);
    suite_add_tcase(s, tc);
    return run_suite(s) ? EXIT_FAILURE : EXIT_SUCCESS;
}
