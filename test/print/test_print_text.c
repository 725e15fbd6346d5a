/* Unit tests for the text printer (d6t_msg_to_text / d6t_opt_to_text).
 * SPDX-License-Identifier: BSD-2-Clause */
#include <check.h>
#include <dhcp6txn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static d6t_arena *A;

static void setup(void)
{
    A = d6t_arena_new(NULL, 0);
}
static void teardown(void)
{
    d6t_arena_free(A);
}

static size_t unhex(const char *h, uint8_t *out, size_t cap)
{
    size_t n = 0;
    while (h[0] && h[1] && n < cap) {
        unsigned v;
        ck_assert_int_eq(sscanf(h, "%2x", &v), 1);
        out[n++] = (uint8_t)v;
        h += 2;
    }
    return n;
}

static d6t_msg *parse_hex(const char *h)
{
    uint8_t *b = d6t_arena_alloc(A, strlen(h) / 2 + 1);
    size_t n = unhex(h, b, strlen(h) / 2);
    d6t_msg *m = NULL;
    d6t_parse_error e;
    ck_assert_msg(d6t_msg_parse(A, b, n, 0, &m, &e) == D6T_OK, "parse failed: %s at %zu", e.reason,
                  e.offset);
    return m;
}

static d6t_opt *parse_opt_hex(d6t_space sp, const char *h)
{
    uint8_t *b = d6t_arena_alloc(A, strlen(h) / 2 + 1);
    size_t n = unhex(h, b, strlen(h) / 2);
    d6t_opt *o = NULL;
    d6t_parse_error e;
    ck_assert_msg(d6t_opt_parse(A, sp, b, n, 0, &o, &e) == D6T_OK, "opt parse failed: %s",
                  e.reason);
    return o;
}

/* Text of m, checked for snprintf consistency on the way. Owned by the arena. */
static char *text_of(const d6t_msg *m)
{
    size_t n = d6t_msg_to_text(m, NULL, 0);
    char *t = d6t_arena_alloc(A, n + 1);
    ck_assert_uint_eq(d6t_msg_to_text(m, t, n + 1), n);
    ck_assert_uint_eq(strlen(t), n);
    return t;
}

static char *text_of_opt(const d6t_opt *o)
{
    size_t n = d6t_opt_to_text(o, NULL, 0);
    char *t = d6t_arena_alloc(A, n + 1);
    ck_assert_uint_eq(d6t_opt_to_text(o, t, n + 1), n);
    ck_assert_uint_eq(strlen(t), n);
    return t;
}

#define HAS(t, s)   ck_assert_msg(strstr((t), (s)) != NULL, "missing <%s> in:\n%s", (s), (t))
#define HASNT(t, s) ck_assert_msg(strstr((t), (s)) == NULL, "unexpected <%s> in:\n%s", (s), (t))

/* dhcpcd's Information-request from the captures */
static const char *INFO_REQ = "0b5994b60001000e00010001329b76a60200000002020006000a0017001800200052"
                              "00530008000200000010003c00009f08"
                              "00366468637063642d392e342e313a4c696e75782d362e31382e34342d66632d7636"
                              "36393a7838365f36343a41757468656e"
                              "746963414d44";

START_TEST(exact_information_request)
{
    const char *want =
        "INFORMATION-REQUEST (11), transaction id 0x5994b6\n"
        "  OPTION_CLIENTID (1), length 14\n"
        "    duid: DUID-LLT (1), hardware type 1 (Ethernet), time 849049254 (2026-11-26 23:00:54 "
        "UTC), "
        "link-layer address 02:00:00:00:02:02\n"
        "  OPTION_ORO (6), length 10\n"
        "    requested_options: OPTION_DNS_SERVERS (23), OPTION_DOMAIN_LIST (24), "
        "OPTION_INFORMATION_REFRESH_TIME (32), OPTION_SOL_MAX_RT (82), OPTION_INF_MAX_RT (83)\n"
        "  OPTION_ELAPSED_TIME (8), length 2\n"
        "    elapsed_time: 0 (0.00 s)\n"
        "  OPTION_VENDOR_CLASS (16), length 60\n"
        "    enterprise_number: 40712\n"
        "    vendor_classes: \"dhcpcd-9.4.1:Linux-6.18.44-fc-v669:x86_64:AuthenticAMD\"\n";
    ck_assert_str_eq(text_of(parse_hex(INFO_REQ)), want);
}
END_TEST

START_TEST(snprintf_semantics)
{
    d6t_msg *m = parse_hex(INFO_REQ);
    size_t full = d6t_msg_to_text(m, NULL, 0);
    char *t = text_of(m);
    ck_assert_uint_gt(full, 100);
    for (size_t cap = 1; cap < full + 3; cap += 7) {
        char buf[1024];
        memset(buf, 'X', sizeof buf);
        ck_assert_uint_eq(d6t_msg_to_text(m, buf, cap), full);
        size_t got = cap - 1 < full ? cap - 1 : full;
        ck_assert_uint_eq(strlen(buf), got);
        ck_assert_int_eq(memcmp(buf, t, got), 0);
        ck_assert_int_eq(buf[cap], 'X'); /* never writes past cap */
    }
    char one[1] = {'Z'};
    ck_assert_uint_eq(d6t_msg_to_text(m, one, 1), full);
    ck_assert_int_eq(one[0], 0);
    ck_assert_uint_eq(d6t_msg_to_text(NULL, one, 1), 0);
    ck_assert_uint_eq(d6t_opt_to_text(NULL, NULL, 0), 0);
}
END_TEST

/* bench w1: Solicit through two relays */
static const char *W1 = "0c0120010db8ffff00010000000000000001fe800000000000003631c4fffe3cb2f1001200"
                        "074769302f302f30002500120000"
                        "0009000c000a47572d303034322d3137000900ba0c00000000000000000000000000000000"
                        "00fe800000000000003631c4fffe"
                        "3cb2f1001200126f6c74312065746820312f312f353a3130300009007e01f350d600080002"
                        "00000001000a000300013431c43c"
                        "b2f1000e00000003000cc43cb2f1000000000000000000190029c43cb2f100000000000000"
                        "00001a0019000000000000000038"
                        "00000000000000000000000000000000001400000010000f0000118b0009646f6373697333"
                        "2e300006000a00170018001100"
                        "520053";

START_TEST(relay_nesting_indents)
{
    char *t = text_of(parse_hex(W1));
    const char *first =
        "RELAY-FORW (12), hop count 1, link 2001:db8:ffff:1::1, peer fe80::3631:c4ff:fe3c:b2f1\n";
    ck_assert_msg(strncmp(t, first, strlen(first)) == 0, "%s", t);
    HAS(t,
        "\n  OPTION_INTERFACE_ID (18), length 7\n    interface_id: 4769302f302f30 (\"Gi0/0/0\")\n");
    HAS(t, "\n  OPTION_RELAY_MSG (9), length 186\n    RELAY-FORW (12), hop count 0, link ::, peer "
           "fe80::3631:c4ff:fe3c:b2f1\n");
    HAS(t,
        "\n      OPTION_RELAY_MSG (9), length 126\n        SOLICIT (1), transaction id 0xf350d6\n");
    HAS(t, "\n          OPTION_IA_PD (25), length 41\n            iaid: c43cb2f1\n            t1: "
           "0\n");
    HAS(t, "\n            OPTION_IAPREFIX (26), length 25\n");
    HAS(t, "\n              prefix: ::/56\n");
    HAS(t,
        "\n          OPTION_RAPID_COMMIT (14), length 0\n          OPTION_IA_NA (3), length 12\n");
    HAS(t, "\n          OPTION_RECONF_ACCEPT (20), length 0\n          OPTION_VENDOR_CLASS (16), "
           "length 15\n");
    HAS(t, "remote_id: 000c000a47572d303034322d3137\n");
}
END_TEST

/* bench w3: Reply with IA_NA, IA_PD, DNS, domain list */
static const char *W3 =
    "07f350d60001000a000300013431c43cb2f10002000e000100012e3c0a4b00163e5a7b0100030035c43cb2f1000007"
    "0800000b"
    "400005001820010db800010000000000000000123400000e1000001c20000d0009000073756363657373000e000000"
    "17002020"
    "010db800000000000000000000005320010db80000000000000000000053530018000d076578616d706c6503636f6d"
    "000019"
    "0029c43cb2f10000070800000b40001a001900000e1000001c203020010db8800000000000000000000000";

START_TEST(reply_fields)
{
    char *t = text_of(parse_hex(W3));
    HAS(t,
        "duid: DUID-LLT (1), hardware type 1 (Ethernet), time 775686731 (2024-07-30 20:32:11 UTC), "
        "link-layer address 00:16:3e:5a:7b:01\n");
    HAS(t, "    t1: 1800 (30m)\n    t2: 2880 (48m)\n");
    HAS(t, "      address: 2001:db8:1::1234\n      preferred_lifetime: 3600 (1h)\n      "
           "valid_lifetime: 7200 (2h)\n");
    HAS(t, "      status_code: 0 (Success)\n      status_message: \"success\"\n");
    HAS(t, "    dns_servers: 2001:db8::53, 2001:db8::5353\n");
    HAS(t, "    search_list: example.com.\n");
    HAS(t, "      prefix: 2001:db8:8000::/48\n");
}
END_TEST

START_TEST(unknown_option_and_message)
{
    /* Solicit with unknown option 999 and infinite-lifetime IAADDR inside IA_NA */
    char *t = text_of(parse_hex("01000001"
                                "03e70003010203"
                                "0003002800000001ffffffffffffffff"
                                "0005001820010db8000000000000000000000001ffffffffffffffff"));
    HAS(t, "  unknown option 999, length 3\n    data: 010203\n");
    HAS(t, "    t1: 4294967295 (infinity)\n");
    HAS(t, "      valid_lifetime: 4294967295 (infinity)\n");
    t = text_of(parse_hex("63deadbeef"));
    ck_assert_str_eq(t, "unknown message type (99), length 5\n  data: deadbeef\n");
    t = text_of(parse_hex("63"));
    ck_assert_str_eq(t, "unknown message type (99), length 1\n");
}
END_TEST

START_TEST(duid_kinds)
{
    char *t;
    /* DUID-EN, enterprise 9, printable identifier */
    t = text_of_opt(parse_opt_hex(D6T_SPACE_DHCPV6, "0001000a00020000000961626364"));
    ck_assert_str_eq(t, "OPTION_CLIENTID (1), length 10\n  duid: DUID-EN (2), enterprise 9, "
                        "identifier 61626364 (\"abcd\")\n");
    /* DUID-UUID */
    t = text_of_opt(
        parse_opt_hex(D6T_SPACE_DHCPV6, "00010012000400112233445566778899aabbccddeeff"));
    HAS(t, "duid: DUID-UUID (4), 00112233-4455-6677-8899-aabbccddeeff\n");
    /* unassigned DUID type */
    t = text_of_opt(parse_opt_hex(D6T_SPACE_DHCPV6, "00020004beef0102"));
    HAS(t, "duid: unknown DUID type (48879), data 0102\n");
    /* DUID-LLT shorter than its fixed part */
    t = text_of_opt(parse_opt_hex(D6T_SPACE_DHCPV6, "0001000400010001"));
    HAS(t, "duid: (malformed DUID) 00010001\n");
    /* empty identifier */
    t = text_of_opt(parse_opt_hex(D6T_SPACE_DHCPV6, "00010000"));
    HAS(t, "duid: (empty)\n");
}
END_TEST

START_TEST(escaping)
{
    char *t;
    /* domain list: label "a.b" then "\001x", both absolute */
    t = text_of_opt(parse_opt_hex(D6T_SPACE_DHCPV6, "0018000a03612e6200"
                                                    "02017800"
                                                    "00"));
    /* the second name is "\001x." followed by the root name "." */
    HAS(t, "search_list: a\\.b., \\001x., .\n");
    /* status message with quote, backslash, newline and a high byte */
    t = text_of_opt(parse_opt_hex(D6T_SPACE_DHCPV6, "000d0008"
                                                    "0002"
                                                    "22"
                                                    "5c"
                                                    "0a"
                                                    "ff"
                                                    "6f6b"));
    HAS(t, "status_code: 2 (NoAddrsAvail)\n  status_message: \"\\\"\\\\\\x0a\\xffok\"\n");
    /* interface id with a control byte: hex only, no text */
    t = text_of_opt(parse_opt_hex(D6T_SPACE_DHCPV6, "001200024101"));
    HAS(t, "interface_id: 4101\n");
    HASNT(t, "(\"");
    /* no raw control bytes ever reach the output */
    for (const char *p = t; *p; p++) ck_assert(*p == '\n' || (*p >= 0x20 && *p < 0x7f));
}
END_TEST

START_TEST(fqdn_flags_relative)
{
    char *t = text_of_opt(parse_opt_hex(D6T_SPACE_DHCPV6, "002700060104686f7374"));
    ck_assert_str_eq(
        t, "OPTION_CLIENT_FQDN (39), length 6\n  flags: 0x01 (N=0 O=0 S=1)\n  domain_name: host\n");
    t = text_of_opt(parse_opt_hex(D6T_SPACE_DHCPV6, "0027000104"));
    HAS(t, "domain_name: (empty)\n");
}
END_TEST

START_TEST(vendor_and_ntp_suboptions)
{
    char *t = text_of_opt(parse_opt_hex(D6T_SPACE_DHCPV6, "0011000e0000118b"
                                                          "00010002abcd"
                                                          "00020000"));
    ck_assert_str_eq(
        t, "OPTION_VENDOR_OPTS (17), length 14\n  enterprise_number: 4491\n"
           "  vendor sub-option 1, length 2\n    data: abcd\n  vendor sub-option 2, length 0\n");
    t = text_of_opt(parse_opt_hex(D6T_SPACE_DHCPV6, "00380021"
                                                    "0001001020010db8000000000000000000000123"
                                                    "0003000903"
                                                    "6e7470"
                                                    "036f726700"));
    HAS(t, "OPTION_NTP_SERVER (56), length 33\n  NTP_SUBOPTION_SRV_ADDR (1), length 16\n    "
           "address: 2001:db8::123\n");
    HAS(t, "  NTP_SUBOPTION_SRV_FQDN (3), length 9\n    fqdn: ntp.org.\n");
}
END_TEST

START_TEST(s46_fields)
{
    /* S46_PORTPARAMS: offset 6, psid-len 8, PSID 0x34 left-aligned */
    char *t = text_of_opt(parse_opt_hex(D6T_SPACE_DHCPV6, "005d000406083400"));
    HAS(t, "offset: 6\n  psid_len: 8\n  psid: 52 (0x3400, 8 bits)\n");
    /* S46_RULE: flags 1, ea-len 16, 192.0.2.0/24, 2001:db8::/32 */
    t = text_of_opt(parse_opt_hex(D6T_SPACE_DHCPV6, "0059000c"
                                                    "01"
                                                    "10"
                                                    "18c0000200"
                                                    "2020010db8"));
    HAS(t, "ipv4_prefix: 192.0.2.0/24\n  ipv6_prefix: 2001:db8::/32\n");
}
END_TEST

START_TEST(every_table_option_prints)
{
    d6t_msg *m = d6t_msg_new(A, D6T_MSG_REPLY);
    ck_assert_ptr_nonnull(m);
    size_t checked = 0;
    for (size_t i = 0; i < d6t_optdef_count(); i++) {
        const d6t_optdef *d = d6t_optdef_at(i);
        if (d6t_optdef_space(d) != D6T_SPACE_DHCPV6 || d6t_optdef_code(d) == D6T_OPT_RELAY_MSG ||
            d6t_optdef_code(d) == D6T_OPT_LQ_RELAY_DATA)
            continue;
        d6t_opt *o = d6t_msg_add_opt(m, d6t_optdef_code(d));
        ck_assert_msg(o != NULL, "cannot build %s", d6t_optdef_name(d));
        char *t = text_of_opt(o);
        char head[96];
        snprintf(head, sizeof head, "%s (%u), length ", d6t_optdef_name(d), d6t_optdef_code(d));
        ck_assert_msg(strncmp(t, head, strlen(head)) == 0, "bad title: %s", t);
        HASNT(t, "malformed");
        for (size_t j = 0; j < d6t_optdef_field_count(d); j++) {
            const char *fname;
            d6t_ftype ft;
            ck_assert_int_eq(d6t_optdef_field(d, j, NULL, &fname, &ft, NULL), D6T_OK);
            if (ft == D6T_FT_ADDR6_LIST16) continue; /* absent when empty */
            char want[96];
            snprintf(want, sizeof want, "\n  %s: ", fname);
            HAS(t, want);
        }
        checked++;
    }
    ck_assert_uint_gt(checked, 70);
    /* the whole message prints every option once, indented */
    char *t = text_of(m);
    const char *start =
        "REPLY (7), transaction id 0x000000\n  OPTION_CLIENTID (1), length 0\n    duid: (empty)\n";
    ck_assert_msg(strncmp(t, start, strlen(start)) == 0, "%s", t);
}
END_TEST

START_TEST(built_relay_chain_too_deep)
{
    /* 40 relay levels built through the API: deeper than any parse can produce */
    d6t_msg *inner = d6t_msg_new(A, D6T_MSG_SOLICIT);
    ck_assert_ptr_nonnull(inner);
    for (int i = 0; i < 40; i++) {
        d6t_msg *r = d6t_msg_new(A, D6T_MSG_RELAY_FORW);
        ck_assert_ptr_nonnull(d6t_msg_add_relay_msg(r, inner));
        inner = r;
    }
    char *t = text_of(inner);
    HAS(t, "(relayed message nested too deeply, not shown)\n");
    HASNT(t, "SOLICIT");
    ck_assert_uint_lt(strlen(t), 200000);
}
END_TEST

START_TEST(built_relay_cycle_is_bounded)
{
    /* a relay message that contains itself: printing must still terminate */
    d6t_msg *r = d6t_msg_new(A, D6T_MSG_RELAY_FORW);
    d6t_opt *o = d6t_msg_add_opt(r, D6T_OPT_RELAY_MSG);
    if (!o) o = d6t_msg_add_relay_msg(r, d6t_msg_new(A, D6T_MSG_SOLICIT));
    ck_assert_ptr_nonnull(o);
    ck_assert_int_eq(d6t_opt_set_msg(o, r), D6T_OK);
    char *t = text_of(r);
    HAS(t, "(relayed message nested too deeply, not shown)\n");
    HAS(t, "length unknown");
}
END_TEST

START_TEST(built_option_nesting_too_deep)
{
    /* IA_NA > IAADDR > IAADDR > ... 20 levels through the builder */
    d6t_msg *m = d6t_msg_new(A, D6T_MSG_REPLY);
    d6t_opt *p = d6t_msg_add_opt(m, D6T_OPT_IA_NA);
    for (int i = 0; i < 20 && p; i++) p = d6t_opt_add_child(p, D6T_OPT_IAADDR);
    ck_assert_ptr_nonnull(p);
    char *t = text_of(m);
    HAS(t, "(sub-options nested too deeply, not shown)\n");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("print_text");
    TCase *tc = tcase_create("text");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, exact_information_request);
    tcase_add_test(tc, snprintf_semantics);
    tcase_add_test(tc, relay_nesting_indents);
    tcase_add_test(tc, reply_fields);
    tcase_add_test(tc, unknown_option_and_message);
    tcase_add_test(tc, duid_kinds);
    tcase_add_test(tc, escaping);
    tcase_add_test(tc, fqdn_flags_relative);
    tcase_add_test(tc, vendor_and_ntp_suboptions);
    tcase_add_test(tc, s46_fields);
    tcase_add_test(tc, every_table_option_prints);
    tcase_add_test(tc, built_relay_chain_too_deep);
    tcase_add_test(tc, built_relay_cycle_is_bounded);
    tcase_add_test(tc, built_option_nesting_too_deep);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
