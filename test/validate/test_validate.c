/* Validation tests: every rule fires with its kind, path and count; correct messages
 * (benchmark workloads and real captures) validate clean. */
#include <check.h>
#include <dhcp6txn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* Real messages from shared/captures (dhclient direct NA lifecycle with Kea, WIDE 2 relays PD,
 * dhcpcd through dnsmasq), copied as test data: they must validate clean. */
static const char *const capture_hex[] = {
    "01301f9e0001000e00010001329b77d702000000020200060004001700180008000200000003000c0000020200000e"
    "10"
    "00001518",
    "030a2e930001000e00010001329b77d70200000002020002000a000300010200000023030006000400170018000800"
    "02"
    "0000000300280000020200000e10000015180005001820010db800020000000000000000100000001c2000001d4c",
    "05964a0f0001000e00010001329b77d70200000002020002000a000300010200000023030006000400170018000800"
    "02"
    "0000000300280000020200000e10000015180005001820010db800020000000000000000100000001c2000001d4c",
    "04aa49d10001000e00010001329b77d702000000020200060004001700180008000200000003002800000202000000"
    "00"
    "000000000005001820010db80002000000000000000010000000000000000000",
    "08fdef480001000e00010001329b77d70200000002020002000a000300010200000023030006000400170018000800"
    "02"
    "0000000300280000020200000000000000000005001820010db80002000000000000000010000000000000000000",
    "0d0120010db800120000000000000000000220010db80012000000000000000000010012000401000000000900c50d"
    "00"
    "20010db8000100000000000000000001fe80000000000000000000fffe0001010012000401000000000900970294ea"
    "5c"
    "0001000e00010001329b77440200000001010002000a000300010200000023030017002020010db800000000000000"
    "00"
    "0000005320010db80000000000000000000000540018001e036c6162076578616d706c6503636f6d00076578616d70"
    "6c"
    "6503636f6d000019002900000001000003e8000007d0001a001900000bb800000fa03820010db80100160000000000"
    "00"
    "000000",
    "0c0020010db8000100000000000000000001fe80000000000000000000fffe000101004f0008000102000000010100"
    "09"
    "00cf038083f10001000e00010001329b77160200000001010002000a00030001020000002303000300280000000100"
    "00"
    "0000000000000005001820010db800010000000000000000100f00000bb800000fa000190029000000020000000000"
    "00"
    "0000001a001900000bb800000fa03820010db801000f00000000000000000000060008001700180052005300080002"
    "00"
    "000010003c00009f0800366468637063642d392e342e313a4c696e75782d362e31382e34342d66632d763636393a78"
    "38"
    "365f36343a41757468656e746963414d44",
};
/* shared/bench workloads */
static const char *const bench_hex[] = {
    /* w1 */
    "0c0120010db8ffff00010000000000000001fe800000000000003631c4fffe3cb2f1001200074769302f302f300025"
    "00"
    "1200000009000c000a47572d303034322d3137000900ba0c0000000000000000000000000000000000fe8000000000"
    "00"
    "003631c4fffe3cb2f1001200126f6c74312065746820312f312f353a3130300009007e01f350d60008000200000001"
    "00"
    "0a000300013431c43cb2f1000e00000003000cc43cb2f1000000000000000000190029c43cb2f10000000000000000"
    "00"
    "1a001900000000000000003800000000000000000000000000000000001400000010000f0000118b0009646f637369"
    "73"
    "332e300006000a00170018001100520053",
    /* w2 */
    "01f350d60008000200000001000a000300013431c43cb2f1000e00000003000cc43cb2f10000000000000000001900"
    "29"
    "c43cb2f10000000000000000001a001900000000000000003800000000000000000000000000000000001400000010"
    "00"
    "0f0000118b0009646f63736973332e300006000a00170018001100520053",
    /* w3 */
    "07f350d60001000a000300013431c43cb2f10002000e000100012e3c0a4b00163e5a7b0100030035c43cb2f1000007"
    "08"
    "00000b400005001820010db800010000000000000000123400000e1000001c20000d0009000073756363657373000e"
    "00"
    "000017002020010db800000000000000000000005320010db80000000000000000000053530018000d076578616d70"
    "6c"
    "6503636f6d0000190029c43cb2f10000070800000b40001a001900000e1000001c203020010db88000000000000000"
    "00"
    "000000",
    /* w3r */
    "0d0120010db8ffff00010000000000000001fe800000000000003631c4fffe3cb2f1001200074769302f302f300009"
    "00"
    "ff0d0000000000000000000000000000000000fe800000000000003631c4fffe3cb2f1001200126f6c743120657468"
    "20"
    "312f312f353a313030000900c307f350d60001000a000300013431c43cb2f10002000e000100012e3c0a4b00163e5a"
    "7b"
    "0100030035c43cb2f10000070800000b400005001820010db800010000000000000000123400000e1000001c20000d"
    "00"
    "09000073756363657373000e00000017002020010db800000000000000000000005320010db8000000000000000000"
    "00"
    "53530018000d076578616d706c6503636f6d0000190029c43cb2f10000070800000b40001a001900000e1000001c20"
    "30"
    "20010db8800000000000000000000000",
};

/* ---- collecting violations ---- */

#define MAXV 64
struct seen {
    size_t n;
    struct {
        d6t_violation_kind kind;
        char where[1024];
        char what[256];
    } v[MAXV];
    int stop_after; /* 0: never stop */
};

static int collect(void *ctx, d6t_violation_kind kind, const char *where, const char *what)
{
    struct seen *s = ctx;
    if (s->n < MAXV) {
        s->v[s->n].kind = kind;
        snprintf(s->v[s->n].where, sizeof s->v[s->n].where, "%s", where);
        snprintf(s->v[s->n].what, sizeof s->v[s->n].what, "%s", what);
    }
    s->n++;
    return s->stop_after && s->n >= (size_t)s->stop_after;
}

static void dump(const struct seen *s)
{
    for (size_t i = 0; i < s->n && i < MAXV; i++)
        fprintf(stderr, "  [%d] %s: %s\n", s->v[i].kind, s->v[i].where, s->v[i].what);
}

/* Validate m; assert exactly 'count' violations. */
static struct seen *check_msg(const d6t_msg *m, size_t count)
{
    static struct seen s;
    memset(&s, 0, sizeof s);
    size_t n = 99;
    d6t_status st = d6t_msg_validate(m, collect, &s, &n);
    if (n != count) dump(&s);
    ck_assert_uint_eq(n, count);
    ck_assert_uint_eq(s.n, count);
    ck_assert_int_eq(st, count ? D6T_ERR_INVALID : D6T_OK);
    return &s;
}

static struct seen *check_opt(const d6t_opt *o, size_t count)
{
    static struct seen s;
    memset(&s, 0, sizeof s);
    size_t n = 99;
    d6t_status st = d6t_opt_validate(o, collect, &s, &n);
    if (n != count) dump(&s);
    ck_assert_uint_eq(n, count);
    ck_assert_int_eq(st, count ? D6T_ERR_INVALID : D6T_OK);
    return &s;
}

/* Assert violation i has this kind and path, and its text contains 'what'. */
static void expect(const struct seen *s, size_t i, d6t_violation_kind kind, const char *where,
                   const char *what)
{
    ck_assert_uint_lt(i, s->n);
    ck_assert_int_eq(s->v[i].kind, kind);
    ck_assert_str_eq(s->v[i].where, where);
    if (!strstr(s->v[i].what, what)) ck_abort_msg("'%s' does not contain '%s'", s->v[i].what, what);
}

/* ---- building ---- */

static const uint8_t duid_ll[] = {0, 3, 0, 1, 0x02, 0x00, 0x00, 0x00, 0x02, 0x02};
static const uint8_t duid_srv[] = {0,    1, 0,    1,    0x2e, 0x3c, 0x0a,
                                   0x4b, 0, 0x16, 0x3e, 0x5a, 0x7b, 0x01};

static d6t_opt *add(d6t_msg *m, uint16_t code, const void *p, size_t n)
{
    d6t_opt *o = NULL;
    ck_assert_int_eq(d6t_msg_add_opt_bytes(m, code, p, n, &o, NULL), D6T_OK);
    return o;
}

static d6t_opt *child(d6t_opt *parent, uint16_t code, const void *p, size_t n)
{
    d6t_opt *o = NULL;
    ck_assert_int_eq(d6t_opt_add_child_bytes(parent, code, p, n, &o, NULL), D6T_OK);
    return o;
}

static d6t_msg *client_msg(d6t_arena *a, uint8_t type, int with_server)
{
    d6t_msg *m = d6t_msg_new(a, type);
    ck_assert_ptr_nonnull(m);
    add(m, D6T_OPT_CLIENTID, duid_ll, sizeof duid_ll);
    if (with_server) add(m, D6T_OPT_SERVERID, duid_srv, sizeof duid_srv);
    add(m, D6T_OPT_ELAPSED_TIME, "\0\0", 2);
    return m;
}

static d6t_opt *ia_na(d6t_msg *m, uint32_t iaid, uint32_t t1, uint32_t t2)
{
    d6t_opt *o = d6t_msg_add_opt(m, D6T_OPT_IA_NA);
    uint8_t id[4] = {(uint8_t)(iaid >> 24), (uint8_t)(iaid >> 16), (uint8_t)(iaid >> 8),
                     (uint8_t)iaid};
    ck_assert_ptr_nonnull(o);
    ck_assert_int_eq(d6t_opt_set_bytes(o, D6T_IA_NA_IAID, id, 4), D6T_OK);
    ck_assert_int_eq(d6t_opt_set_u32(o, D6T_IA_NA_T1, t1), D6T_OK);
    ck_assert_int_eq(d6t_opt_set_u32(o, D6T_IA_NA_T2, t2), D6T_OK);
    return o;
}

static d6t_opt *iaaddr(d6t_opt *ia, uint8_t first_byte, uint32_t pref, uint32_t valid)
{
    uint8_t a[16] = {first_byte, 0x01, 0x0d, 0xb8};
    a[15] = 1;
    d6t_opt *o = d6t_opt_add_child(ia, D6T_OPT_IAADDR);
    ck_assert_ptr_nonnull(o);
    ck_assert_int_eq(d6t_opt_set_addr6(o, D6T_IAADDR_ADDRESS, a), D6T_OK);
    ck_assert_int_eq(d6t_opt_set_u32(o, D6T_IAADDR_PREFERRED_LIFETIME, pref), D6T_OK);
    ck_assert_int_eq(d6t_opt_set_u32(o, D6T_IAADDR_VALID_LIFETIME, valid), D6T_OK);
    return o;
}

static d6t_msg *parse_hex(d6t_arena *a, const char *hex)
{
    static uint8_t buf[4096];
    size_t n = unhex(hex, buf, sizeof buf);
    d6t_msg *m = NULL;
    d6t_parse_error e;
    ck_assert_int_eq(d6t_msg_parse(a, buf, n, D6T_PARSE_COPY, &m, &e), D6T_OK);
    return m;
}

static d6t_opt *parse_opt_hex(d6t_arena *a, d6t_space sp, const char *hex)
{
    uint8_t buf[512];
    size_t n = unhex(hex, buf, sizeof buf);
    d6t_opt *o = NULL;
    ck_assert_int_eq(d6t_opt_parse(a, sp, buf, n, D6T_PARSE_COPY, &o, NULL), D6T_OK);
    return o;
}

/* ---- correct messages ---- */

START_TEST(bench_messages_clean)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    for (size_t i = 0; i < sizeof bench_hex / sizeof bench_hex[0]; i++)
        check_msg(parse_hex(a, bench_hex[i]), 0);
    d6t_arena_free(a);
}
END_TEST

START_TEST(capture_messages_clean)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    ck_assert_uint_ge(sizeof capture_hex / sizeof capture_hex[0], 7);
    for (size_t i = 0; i < sizeof capture_hex / sizeof capture_hex[0]; i++)
        check_msg(parse_hex(a, capture_hex[i]), 0);
    d6t_arena_free(a);
}
END_TEST

START_TEST(built_messages_clean)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    static const uint8_t types[] = {D6T_MSG_SOLICIT, D6T_MSG_CONFIRM, D6T_MSG_REBIND};
    for (size_t i = 0; i < sizeof types; i++) check_msg(client_msg(a, types[i], 0), 0);
    static const uint8_t with_sid[] = {D6T_MSG_REQUEST, D6T_MSG_RENEW, D6T_MSG_RELEASE,
                                       D6T_MSG_DECLINE};
    for (size_t i = 0; i < sizeof with_sid; i++) check_msg(client_msg(a, with_sid[i], 1), 0);
    /* RFC 9915 18.2.6: Client Identifier is a SHOULD, Server Identifier allowed */
    d6t_msg *ir = d6t_msg_new(a, D6T_MSG_INFORMATION_REQUEST);
    add(ir, D6T_OPT_ELAPSED_TIME, "\0\0", 2);
    add(ir, D6T_OPT_SERVERID, duid_srv, sizeof duid_srv);
    check_msg(ir, 0);
    /* Reply to an Information-request without Client Identifier */
    d6t_msg *rep = d6t_msg_new(a, D6T_MSG_REPLY);
    add(rep, D6T_OPT_SERVERID, duid_srv, sizeof duid_srv);
    check_msg(rep, 0);
    /* T2 = 0 leaves T1 free; equal lifetimes are fine */
    d6t_msg *s = client_msg(a, D6T_MSG_SOLICIT, 0);
    iaaddr(ia_na(s, 1, 3600, 0), 0x20, 100, 100);
    check_msg(s, 0);
    d6t_arena_free(a);
}
END_TEST

/* ---- per-message requirements and containment ---- */

START_TEST(missing_required)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    struct seen *s = check_msg(d6t_msg_new(a, D6T_MSG_SOLICIT), 2);
    expect(s, 0, D6T_V_MISSING, "SOLICIT", "OPTION_CLIENTID is required in SOLICIT");
    expect(s, 1, D6T_V_MISSING, "SOLICIT", "OPTION_ELAPSED_TIME");
    s = check_msg(client_msg(a, D6T_MSG_REQUEST, 0), 1);
    expect(s, 0, D6T_V_MISSING, "REQUEST", "OPTION_SERVERID is required in REQUEST");
    s = check_msg(d6t_msg_new(a, D6T_MSG_ADVERTISE), 2);
    expect(s, 0, D6T_V_MISSING, "ADVERTISE", "OPTION_CLIENTID");
    expect(s, 1, D6T_V_MISSING, "ADVERTISE", "OPTION_SERVERID");
    s = check_msg(d6t_msg_new(a, D6T_MSG_RELAY_FORW), 1);
    expect(s, 0, D6T_V_MISSING, "RELAY-FORW", "OPTION_RELAY_MSG is required in RELAY-FORW");
    d6t_msg *rc = d6t_msg_new(a, D6T_MSG_RECONFIGURE);
    add(rc, D6T_OPT_CLIENTID, duid_ll, sizeof duid_ll);
    add(rc, D6T_OPT_SERVERID, duid_srv, sizeof duid_srv);
    s = check_msg(rc, 2); /* in the table's order: by option code */
    expect(s, 0, D6T_V_MISSING, "RECONFIGURE", "OPTION_AUTH");
    expect(s, 1, D6T_V_MISSING, "RECONFIGURE", "OPTION_RECONF_MSG");
    d6t_arena_free(a);
}
END_TEST

START_TEST(not_allowed_in_message)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    static const uint8_t types[] = {D6T_MSG_SOLICIT, D6T_MSG_CONFIRM, D6T_MSG_REBIND};
    static const char *const names[] = {"SOLICIT/OPTION_SERVERID", "CONFIRM/OPTION_SERVERID",
                                        "REBIND/OPTION_SERVERID"};
    for (size_t i = 0; i < sizeof types; i++) {
        d6t_msg *m = client_msg(a, types[i], 1);
        struct seen *s = check_msg(m, 1);
        expect(s, 0, D6T_V_NOT_ALLOWED, names[i], "OPTION_SERVERID is not allowed in");
    }
    /* IA_PD is not confirmed with Confirm (RFC 9915 appendix B) */
    d6t_msg *c = client_msg(a, D6T_MSG_CONFIRM, 0);
    d6t_msg_add_opt(c, D6T_OPT_IA_PD);
    expect(check_msg(c, 1), 0, D6T_V_NOT_ALLOWED, "CONFIRM/OPTION_IA_PD[0]",
           "not allowed in CONFIRM");
    /* a client option directly in a relay message, an IA in Information-request */
    d6t_msg *ir = d6t_msg_new(a, D6T_MSG_INFORMATION_REQUEST);
    add(ir, D6T_OPT_ELAPSED_TIME, "\0\0", 2);
    ia_na(ir, 7, 0, 0);
    expect(check_msg(ir, 1), 0, D6T_V_NOT_ALLOWED, "INFORMATION-REQUEST/OPTION_IA_NA[0]",
           "not allowed");
    d6t_msg *rf = d6t_msg_new(a, D6T_MSG_RELAY_FORW);
    d6t_msg_add_relay_msg(rf, client_msg(a, D6T_MSG_SOLICIT, 0));
    add(rf, D6T_OPT_ELAPSED_TIME, "\0\0", 2);
    expect(check_msg(rf, 1), 0, D6T_V_NOT_ALLOWED, "RELAY-FORW/OPTION_ELAPSED_TIME",
           "not allowed in RELAY-FORW");
    /* unknown options are accepted anywhere */
    d6t_msg *u = client_msg(a, D6T_MSG_SOLICIT, 0);
    add(u, 999, "x", 1);
    check_msg(u, 0);
    d6t_arena_free(a);
}
END_TEST

START_TEST(not_allowed_in_option)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    d6t_msg *m = client_msg(a, D6T_MSG_SOLICIT, 0);
    d6t_opt *ia = ia_na(m, 1, 0, 0);
    child(ia, D6T_OPT_STATUS_CODE, "\0\0ok", 4); /* allowed */
    d6t_opt_add_child(ia, D6T_OPT_IAPREFIX);
    struct seen *s = check_msg(m, 1);
    expect(s, 0, D6T_V_NOT_ALLOWED, "SOLICIT/OPTION_IA_NA[0]/OPTION_IAPREFIX[0]",
           "OPTION_IAPREFIX is not allowed in OPTION_IA_NA");
    d6t_arena_free(a);
}
END_TEST

START_TEST(singletons)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    d6t_msg *m = client_msg(a, D6T_MSG_SOLICIT, 0);
    add(m, D6T_OPT_CLIENTID, duid_ll, sizeof duid_ll);
    add(m, D6T_OPT_RAPID_COMMIT, NULL, 0);
    add(m, D6T_OPT_RAPID_COMMIT, NULL, 0);
    add(m, D6T_OPT_RAPID_COMMIT, NULL, 0);
    struct seen *s = check_msg(m, 2);
    expect(s, 0, D6T_V_TOO_MANY, "SOLICIT", "OPTION_CLIENTID appears 2 times");
    expect(s, 1, D6T_V_TOO_MANY, "SOLICIT", "OPTION_RAPID_COMMIT appears 3 times");
    /* a singleton shows an index in paths once it is duplicated */
    d6t_msg *r = client_msg(a, D6T_MSG_SOLICIT, 0);
    add(r, D6T_OPT_CLIENTID, "", 0);
    s = check_msg(r, 2);
    expect(s, 1, D6T_V_LENGTH, "SOLICIT/OPTION_CLIENTID[1]", "empty identifier");
    /* exactly one Relay Message */
    d6t_msg *rf = d6t_msg_new(a, D6T_MSG_RELAY_FORW);
    d6t_msg_add_relay_msg(rf, client_msg(a, D6T_MSG_SOLICIT, 0));
    d6t_msg_add_relay_msg(rf, client_msg(a, D6T_MSG_SOLICIT, 0));
    expect(check_msg(rf, 1), 0, D6T_V_TOO_MANY, "RELAY-FORW", "OPTION_RELAY_MSG appears 2 times");
    d6t_arena_free(a);
}
END_TEST

START_TEST(duplicate_iaid)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    d6t_msg *m = client_msg(a, D6T_MSG_SOLICIT, 0);
    ia_na(m, 0xc43cb2f1, 0, 0);
    ia_na(m, 2, 0, 0);
    ia_na(m, 0xc43cb2f1, 0, 0);
    d6t_opt *pd = d6t_msg_add_opt(m, D6T_OPT_IA_PD); /* same IAID, other IA type: fine */
    ck_assert_int_eq(d6t_opt_set_bytes(pd, D6T_IA_PD_IAID, (const uint8_t *)"\xc4\x3c\xb2\xf1", 4),
                     D6T_OK);
    struct seen *s = check_msg(m, 1);
    expect(s, 0, D6T_V_DUPLICATE, "SOLICIT",
           "OPTION_IA_NA[0] and OPTION_IA_NA[2] share IAID 0xc43cb2f1");
    d6t_arena_free(a);
}
END_TEST

/* ---- relays ---- */

START_TEST(relay_chain_path)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    d6t_msg *sol = client_msg(a, D6T_MSG_SOLICIT, 0);
    ia_na(sol, 1, 0, 0);
    d6t_opt *ia = ia_na(sol, 2, 0, 0);
    iaaddr(ia, 0x20, 7200, 3600);
    d6t_msg *r1 = d6t_msg_new(a, D6T_MSG_RELAY_FORW);
    d6t_msg_add_relay_msg(r1, sol);
    d6t_msg *r2 = d6t_msg_new(a, D6T_MSG_RELAY_FORW);
    ck_assert_int_eq(d6t_msg_set_hop_count(r2, 1), D6T_OK);
    d6t_msg_add_relay_msg(r2, r1);
    struct seen *s = check_msg(r2, 1);
    expect(s, 0, D6T_V_VALUE,
           "RELAY-FORW/OPTION_RELAY_MSG/RELAY-FORW/OPTION_RELAY_MSG/SOLICIT/OPTION_IA_NA[1]/"
           "OPTION_IAADDR[0]",
           "preferred lifetime 7200 > valid lifetime 3600");
    d6t_arena_free(a);
}
END_TEST

START_TEST(relay_header)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    d6t_msg *rf = d6t_msg_new(a, D6T_MSG_RELAY_FORW);
    d6t_msg_add_relay_msg(rf, client_msg(a, D6T_MSG_SOLICIT, 0));
    ck_assert_int_eq(d6t_msg_set_hop_count(rf, 8), D6T_OK);
    check_msg(rf, 0);
    ck_assert_int_eq(d6t_msg_set_hop_count(rf, 9), D6T_OK);
    expect(check_msg(rf, 1), 0, D6T_V_VALUE, "RELAY-FORW", "hop count 9 > HOP_COUNT_LIMIT 8");
    ck_assert_int_eq(d6t_msg_set_hop_count(rf, 0), D6T_OK);
    uint8_t mc[16] = {0xff, 0x02};
    mc[15] = 2;
    ck_assert_int_eq(d6t_msg_set_link_address(rf, mc), D6T_OK);
    ck_assert_int_eq(d6t_msg_set_peer_address(rf, mc), D6T_OK);
    struct seen *s = check_msg(rf, 2);
    expect(s, 0, D6T_V_VALUE, "RELAY-FORW", "link address ff02::2 is a multicast address");
    expect(s, 1, D6T_V_VALUE, "RELAY-FORW", "peer address ff02::2");
    d6t_arena_free(a);
}
END_TEST

START_TEST(relay_direction)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    d6t_msg *rep = d6t_msg_new(a, D6T_MSG_REPLY);
    add(rep, D6T_OPT_SERVERID, duid_srv, sizeof duid_srv);
    d6t_msg *rf = d6t_msg_new(a, D6T_MSG_RELAY_FORW);
    d6t_msg_add_relay_msg(rf, rep);
    expect(check_msg(rf, 1), 0, D6T_V_NOT_ALLOWED, "RELAY-FORW/OPTION_RELAY_MSG",
           "REPLY is not allowed in OPTION_RELAY_MSG");
    d6t_msg *rr = d6t_msg_new(a, D6T_MSG_RELAY_REPL);
    d6t_msg_add_relay_msg(rr, client_msg(a, D6T_MSG_SOLICIT, 0));
    expect(check_msg(rr, 1), 0, D6T_V_NOT_ALLOWED, "RELAY-REPL/OPTION_RELAY_MSG",
           "SOLICIT is not allowed");
    d6t_msg *ok = d6t_msg_new(a, D6T_MSG_RELAY_REPL);
    d6t_msg_add_relay_msg(ok, rep);
    check_msg(ok, 0);
    d6t_arena_free(a);
}
END_TEST

/* ---- values ---- */

START_TEST(t1_t2)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    d6t_msg *m = client_msg(a, D6T_MSG_SOLICIT, 0);
    ia_na(m, 1, 3600, 1800);
    d6t_opt *pd = d6t_msg_add_opt(m, D6T_OPT_IA_PD);
    ck_assert_int_eq(d6t_opt_set_u32(pd, D6T_IA_PD_T1, 100), D6T_OK);
    ck_assert_int_eq(d6t_opt_set_u32(pd, D6T_IA_PD_T2, 99), D6T_OK);
    struct seen *s = check_msg(m, 2);
    expect(s, 0, D6T_V_VALUE, "SOLICIT/OPTION_IA_NA[0]", "T1 3600 > T2 1800");
    expect(s, 1, D6T_V_VALUE, "SOLICIT/OPTION_IA_PD[0]", "T1 100 > T2 99");
    d6t_arena_free(a);
}
END_TEST

START_TEST(iaaddr_class)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    d6t_msg *m = client_msg(a, D6T_MSG_SOLICIT, 0);
    d6t_opt *ia = ia_na(m, 1, 0, 0);
    iaaddr(ia, 0xff, 0, 0);
    iaaddr(ia, 0xfe, 0, 0); /* fe01:db8:: is not link-local */
    d6t_opt *ll = iaaddr(ia, 0xfe, 0, 0);
    uint8_t lla[16] = {0xfe, 0x80};
    lla[15] = 1;
    ck_assert_int_eq(d6t_opt_set_addr6(ll, D6T_IAADDR_ADDRESS, lla), D6T_OK);
    struct seen *s = check_msg(m, 2);
    expect(s, 0, D6T_V_VALUE, "SOLICIT/OPTION_IA_NA[0]/OPTION_IAADDR[0]", "multicast");
    expect(s, 1, D6T_V_VALUE, "SOLICIT/OPTION_IA_NA[0]/OPTION_IAADDR[2]",
           "IA address fe80::1 is a link-local address");
    d6t_arena_free(a);
}
END_TEST

START_TEST(iaprefix_and_pd_exclude)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    /* IAPREFIX 2001:db8::/48 with PD_EXCLUDE /64 subnet 0x0001 (2 bytes: 16 bits): fine */
    d6t_opt *ok = parse_opt_hex(
        a, D6T_SPACE_DHCPV6,
        "001a0020 00000e10 00001c20 30 20010db8000000000000000000000000 0043 0003 40 0001");
    check_opt(ok, 0);
    /* excluded length 40 <= 48 */
    d6t_opt *shorter = parse_opt_hex(
        a, D6T_SPACE_DHCPV6,
        "001a001f 00000e10 00001c20 30 20010db8000000000000000000000000 0043 0002 28 00");
    expect(check_opt(shorter, 1), 0, D6T_V_VALUE, "OPTION_IAPREFIX/OPTION_PD_EXCLUDE",
           "excluded prefix length 40 <= delegated prefix length 48");
    /* /56 needs one byte of subnet ID, two given; and bits past it */
    d6t_opt *longer = parse_opt_hex(
        a, D6T_SPACE_DHCPV6,
        "001a0020 00000e10 00001c20 30 20010db8000000000000000000000000 0043 0003 38 0100");
    expect(check_opt(longer, 1), 0, D6T_V_LENGTH, "OPTION_IAPREFIX/OPTION_PD_EXCLUDE",
           "subnet ID of 2 bytes: 1 needed for 8 bits");
    d6t_opt *bits = parse_opt_hex(
        a, D6T_SPACE_DHCPV6,
        "001a001f 00000e10 00001c20 30 20010db8000000000000000000000000 0043 0002 34 01");
    expect(check_opt(bits, 1), 0, D6T_V_VALUE, "OPTION_IAPREFIX/OPTION_PD_EXCLUDE",
           "bits set past its 4 bits");
    /* standalone: 1..128 */
    expect(check_opt(parse_opt_hex(a, D6T_SPACE_DHCPV6, "004300020078"), 1), 0, D6T_V_VALUE,
           "OPTION_PD_EXCLUDE", "excluded prefix length 0");
    /* link-local delegated prefix, preferred > valid */
    d6t_opt *ll = parse_opt_hex(a, D6T_SPACE_DHCPV6,
                                "001a0019 00001c20 00000e10 40 fe800000000000000000000000000000");
    struct seen *s = check_opt(ll, 2);
    expect(s, 0, D6T_V_VALUE, "OPTION_IAPREFIX", "preferred lifetime 7200 > valid lifetime 3600");
    expect(s, 1, D6T_V_VALUE, "OPTION_IAPREFIX", "prefix fe80::/64 is link-local");
    /* the hint ::/56 is fine */
    check_opt(parse_opt_hex(a, D6T_SPACE_DHCPV6,
                            "001a0019 00000000 00000000 38 00000000000000000000000000000000"),
              0);
    d6t_arena_free(a);
}
END_TEST

START_TEST(duid_lengths)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    static const struct {
        const char *hex;
        const char *what; /* NULL: valid */
    } cases[] = {
        {"00010000", "empty identifier"},
        {"0001000200ff", "DUID of 2 bytes"},
        {"0001000300ff01", NULL},
        {"000100060001000100ff", "DUID-LLT of 6 bytes is shorter than its 8-byte fixed part"},
        {"0001000400020000", "DUID-EN of 4 bytes"},
        {"00010003000300", "DUID-LL of 3 bytes"},
        {"0001001300040102030405060708090a0b0c0d0e0f1011",
         "DUID-UUID of 19 bytes: must be exactly 18"},
        {"00010012000401020304050607080910111213141516", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        d6t_opt *o = parse_opt_hex(a, D6T_SPACE_DHCPV6, cases[i].hex);
        if (!cases[i].what)
            check_opt(o, 0);
        else
            expect(check_opt(o, 1), 0, D6T_V_LENGTH, "OPTION_CLIENTID", cases[i].what);
    }
    /* 130 bytes is the maximum (2-byte type + 128), 131 is too long; same for SERVERID / RELAY_ID */
    uint8_t big[131];
    memset(big, 0x78, sizeof big);
    big[0] = 0;
    big[1] = 2;
    d6t_msg *m = d6t_msg_new(a, D6T_MSG_RELAY_FORW);
    d6t_msg_add_relay_msg(m, client_msg(a, D6T_MSG_SOLICIT, 0));
    add(m, D6T_OPT_RELAY_ID, big, 130);
    check_msg(m, 0);
    add(m, D6T_OPT_RELAY_ID, big, 131);
    struct seen *s = check_msg(m, 2);
    expect(s, 0, D6T_V_TOO_MANY, "RELAY-FORW", "OPTION_RELAY_ID appears 2 times");
    expect(s, 1, D6T_V_LENGTH, "RELAY-FORW/OPTION_RELAY_ID[1]", "DUID of 131 bytes");
    d6t_arena_free(a);
}
END_TEST

START_TEST(s46_values)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    static const struct {
        const char *hex, *what;
    } cases[] = {
        {"005d000410000000", "offset 16 > 15"},
        {"005d000401100000", "offset 1 + PSID-len 16 > 16"},
        {"005d00040604ffff", "PSID 0xffff has bits set past its 4-bit length"},
        {"00590015013118010203002220010db800005d00040607fe00", "EA-len 49 > 48"},
        {"0059000c001021c000020020 20010db8", "IPv4 prefix length 33 > 32"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        d6t_opt *o = parse_opt_hex(a, D6T_SPACE_DHCPV6, cases[i].hex);
        struct seen *s = check_opt(o, 1);
        ck_assert_int_eq(s->v[0].kind, D6T_V_VALUE);
        if (!strstr(s->v[0].what, cases[i].what))
            ck_abort_msg("%s: got '%s'", cases[i].hex, s->v[0].what);
    }
    check_opt(parse_opt_hex(a, D6T_SPACE_DHCPV6, "005d000406041000"), 0); /* PSID 1 in 4 bits */
    /* containers: MAP-E needs a rule and a BR; a DMR belongs in MAP-T */
    d6t_opt *mape = parse_opt_hex(a, D6T_SPACE_DHCPV6, "005e0005 005b0001 00");
    struct seen *s = check_opt(mape, 3);
    expect(s, 0, D6T_V_MISSING, "OPTION_S46_CONT_MAPE",
           "OPTION_S46_RULE is required in OPTION_S46_CONT_MAPE");
    expect(s, 1, D6T_V_MISSING, "OPTION_S46_CONT_MAPE", "OPTION_S46_BR");
    expect(s, 2, D6T_V_NOT_ALLOWED, "OPTION_S46_CONT_MAPE/OPTION_S46_DMR",
           "not allowed in OPTION_S46_CONT_MAPE");
    d6t_arena_free(a);
}
END_TEST

START_TEST(text_values)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    expect(check_opt(parse_opt_hex(a, D6T_SPACE_DHCPV6, "000d00040000c328"), 1), 0, D6T_V_ENCODING,
           "OPTION_STATUS_CODE", "not UTF-8 at byte 0");
    expect(check_opt(parse_opt_hex(a, D6T_SPACE_DHCPV6, "000d0006000041424300"), 1), 0,
           D6T_V_ENCODING, "OPTION_STATUS_CODE", "NUL-terminated");
    check_opt(parse_opt_hex(a, D6T_SPACE_DHCPV6, "000d0007000063c3a97465"),
              0); /* "cete" with e-acute */
    /* POSIX TZ (RFC 4833) */
    static const char *const good[] = {"EST5EDT4,M3.2.0/02:00,M11.1.0/02:00",
                                       "IST-2IDT,M3.4.4/26,M10.5.0", "WART4WARST,J1/0,J365/25",
                                       "<+0330>-3:30", "UTC0"};
    static const char *const bad[] = {":/etc/timezone/Europe/London", "Some random string", "EST",
                                      "EST5EDT,M13.1.0,M1.1.0"};
    for (size_t i = 0; i < sizeof good / sizeof good[0] + sizeof bad / sizeof bad[0]; i++) {
        int is_good = i < sizeof good / sizeof good[0];
        const char *tz = is_good ? good[i] : bad[i - sizeof good / sizeof good[0]];
        d6t_msg *m = d6t_msg_new(a, D6T_MSG_REPLY);
        add(m, D6T_OPT_SERVERID, duid_srv, sizeof duid_srv);
        add(m, D6T_OPT_NEW_POSIX_TIMEZONE, tz, strlen(tz));
        if (is_good)
            check_msg(m, 0);
        else
            expect(check_msg(m, 1), 0, D6T_V_ENCODING, "REPLY/OPTION_NEW_POSIX_TIMEZONE",
                   "not a POSIX TZ string");
    }
    expect(check_opt(parse_opt_hex(a, D6T_SPACE_DHCPV6, "002a00034120 42"), 1), 0, D6T_V_ENCODING,
           "OPTION_NEW_TZDB_TIMEZONE", "byte 0x20");
    expect(check_opt(parse_opt_hex(a, D6T_SPACE_DHCPV6, "003b0000"), 1), 0, D6T_V_LENGTH,
           "OPT_BOOTFILE_URL", "empty URL");
    d6t_arena_free(a);
}
END_TEST

START_TEST(misc_values)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    expect(check_opt(parse_opt_hex(a, D6T_SPACE_DHCPV6, "0013000104"), 1), 0, D6T_V_VALUE,
           "OPTION_RECONF_MSG", "reconfigure message type 4");
    check_opt(parse_opt_hex(a, D6T_SPACE_DHCPV6, "0013000106"), 0); /* Rebind, RFC 9915 21.19 */
    expect(check_opt(parse_opt_hex(a, D6T_SPACE_DHCPV6, "000c001000000000000000000000000000000001"),
                     1),
           0, D6T_V_VALUE, "OPTION_UNICAST", "server address ::1 is a loopback address");
    expect(
        check_opt(parse_opt_hex(a, D6T_SPACE_NTP, "0002001020010db8000000000000000000000001"), 1),
        0, D6T_V_VALUE, "NTP_SUBOPTION_MC_ADDR", "is not multicast");
    /* inside the NTP server option the path goes through it */
    struct seen *s = check_opt(
        parse_opt_hex(a, D6T_SPACE_DHCPV6, "0038 0014 0001 0010 fe800000000000000000000000000001"),
        1);
    expect(s, 0, D6T_V_VALUE, "OPTION_NTP_SERVER/NTP_SUBOPTION_SRV_ADDR[0]", "link-local");
    expect(check_opt(parse_opt_hex(a, D6T_SPACE_DHCPV6, "0052000400000000"), 1), 0, D6T_V_VALUE,
           "OPTION_SOL_MAX_RT", "0 seconds: must be 60..86400");
    expect(check_opt(parse_opt_hex(a, D6T_SPACE_DHCPV6, "0006000400170000"), 1), 0, D6T_V_VALUE,
           "OPTION_ORO", "requested option 1 is code 0");
    expect(check_opt(parse_opt_hex(a, D6T_SPACE_DHCPV6, "0027000105"), 1), 0, D6T_V_VALUE,
           "OPTION_CLIENT_FQDN", "N and S both set");
    expect(check_opt(parse_opt_hex(a, D6T_SPACE_DHCPV6,
                                   "002c001704ff02000000000000000000000000000100060002002f"),
                     1),
           0, D6T_V_VALUE, "OPTION_LQ_QUERY", "link address ff02::1 is a multicast address");
    /* LQ_RELAY_DATA holds a RELAY-FORW only */
    s = check_opt(
        parse_opt_hex(a, D6T_SPACE_DHCPV6, "002f001420010db800000000000000000000000201000000"), 3);
    expect(s, 0, D6T_V_NOT_ALLOWED, "OPTION_LQ_RELAY_DATA",
           "SOLICIT is not allowed in OPTION_LQ_RELAY_DATA");
    expect(s, 1, D6T_V_MISSING, "OPTION_LQ_RELAY_DATA/SOLICIT",
           "OPTION_CLIENTID is required in SOLICIT");
    d6t_arena_free(a);
}
END_TEST

/* The table's value and requirement rules that no other test makes fail. */
START_TEST(more_table_rules)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    static const struct {
        d6t_space sp;
        const char *hex, *where, *what;
        d6t_violation_kind kind;
    } cases[] = {
        {D6T_SPACE_DHCPV6, "0027000110", "OPTION_CLIENT_FQDN", "flags 0x10: MBZ bits set",
         D6T_V_VALUE},
        {D6T_SPACE_DHCPV6, "0040000100", "OPTION_AFTR_NAME", "AFTR name is the root name only",
         D6T_V_VALUE},
        {D6T_SPACE_DHCPV6, "005d000400110000", "OPTION_S46_PORTPARAMS", "PSID-len 17 > 16",
         D6T_V_VALUE},
        {D6T_SPACE_DHCPV6, "002b000400000017", "OPTION_ERO", "requested option 0 is code 0",
         D6T_V_VALUE},
        {D6T_SPACE_DHCPV6, "0053000400015181", "OPTION_INF_MAX_RT",
         "86401 seconds: must be 60..86400", D6T_V_VALUE},
        {D6T_SPACE_DHCPV6, "006700020120", "OPTION_V6_CAPTIVE_PORTAL", "URI has byte 0x01",
         D6T_V_ENCODING},
        {D6T_SPACE_DHCPV6,
         "0030002020010db8000000000000000000000001ff020000000000000000000000000001",
         "OPTION_LQ_CLIENT_LINK", "link address ff02::1 is a multicast address", D6T_V_VALUE},
        {D6T_SPACE_DHCPV6,
         "002f0032"
         "00000000000000000000000000000000" /* + RELAY-FORW */
         "0c00"
         "0000000000000000000000000000000000000000000000000000000000000000",
         "OPTION_LQ_RELAY_DATA", "peer address :: is a unspecified address", D6T_V_VALUE},
        {D6T_SPACE_DHCPV6, "00600000", "OPTION_S46_CONT_LW",
         "OPTION_S46_BR is required in OPTION_S46_CONT_LW", D6T_V_MISSING},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct seen *s = check_opt(parse_opt_hex(a, cases[i].sp, cases[i].hex), 1);
        expect(s, 0, cases[i].kind, cases[i].where, cases[i].what);
    }
    /* MAP-T needs a rule and a DMR */
    struct seen *s = check_opt(parse_opt_hex(a, D6T_SPACE_DHCPV6, "005f0000"), 2);
    expect(s, 0, D6T_V_MISSING, "OPTION_S46_CONT_MAPT", "OPTION_S46_RULE is required");
    expect(s, 1, D6T_V_MISSING, "OPTION_S46_CONT_MAPT", "OPTION_S46_DMR is required");
    /* messages that must carry one option */
    static const struct {
        uint8_t type;
        const char *what;
    } need[] = {
        {D6T_MSG_DHCPV4_QUERY, "OPTION_DHCPV4_MSG is required in DHCPV4-QUERY"},
        {D6T_MSG_DHCPV4_RESPONSE, "OPTION_DHCPV4_MSG is required in DHCPV4-RESPONSE"},
        {D6T_MSG_LEASEQUERY, "OPTION_LQ_QUERY is required in LEASEQUERY"},
        {D6T_MSG_LEASEQUERY_DATA, "OPTION_CLIENT_DATA is required in LEASEQUERY-DATA"},
    };
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++) {
        d6t_msg *m = d6t_msg_new(a, need[i].type);
        if (need[i].type == D6T_MSG_LEASEQUERY) add(m, D6T_OPT_CLIENTID, duid_ll, sizeof duid_ll);
        s = check_msg(m, 1);
        expect(s, 0, D6T_V_MISSING, d6t_msg_type_name(need[i].type), need[i].what);
    }
    d6t_arena_free(a);
}
END_TEST

/* OPTION_MUD_URL_V6 (RFC 8520 section 10), added by its table row alone. */
START_TEST(mud_url)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    static const char url[] = "https://example.com/.well-known/mud/v1/lamp";
    d6t_msg *m = client_msg(a, D6T_MSG_SOLICIT, 0);
    d6t_opt *o = d6t_msg_add_opt(m, D6T_OPT_MUD_URL_V6);
    ck_assert_int_eq(d6t_opt_set_text(o, D6T_MUD_URL_V6_URL, url), D6T_OK);
    check_msg(m, 0);
    const uint8_t *b;
    size_t n;
    ck_assert_int_eq(d6t_opt_get_bytes(o, D6T_MUD_URL_V6_URL, &b, &n), D6T_OK);
    ck_assert_uint_eq(n, strlen(url));
    ck_assert_str_eq(d6t_opt_name(o), "OPTION_MUD_URL_V6");
    ck_assert_int_eq(d6t_opt_code(o), 112);
    /* once per message, and only where a client asks for configuration */
    add(m, D6T_OPT_MUD_URL_V6, url, strlen(url));
    expect(check_msg(m, 1), 0, D6T_V_TOO_MANY, "SOLICIT", "OPTION_MUD_URL_V6 appears 2 times");
    d6t_msg *r = d6t_msg_new(a, D6T_MSG_REPLY);
    add(r, D6T_OPT_CLIENTID, duid_ll, sizeof duid_ll);
    add(r, D6T_OPT_SERVERID, duid_srv, sizeof duid_srv);
    add(r, D6T_OPT_MUD_URL_V6, url, strlen(url));
    expect(check_msg(r, 1), 0, D6T_V_NOT_ALLOWED, "REPLY/OPTION_MUD_URL_V6",
           "OPTION_MUD_URL_V6 is not allowed in REPLY");
    /* content: printable, https, at most 255 octets */
    expect(check_opt(parse_opt_hex(a, D6T_SPACE_DHCPV6, "0070000d687474703a2f2f782e6578616d"), 1),
           0, D6T_V_VALUE, "OPTION_MUD_URL_V6", "MUD URL does not begin with \"https://\"");
    expect(check_opt(parse_opt_hex(a, D6T_SPACE_DHCPV6, "00700000"), 2), 0, D6T_V_LENGTH,
           "OPTION_MUD_URL_V6", "empty MUD URL");
    char hex[2 * (4 + 256) + 1] = "00700100";
    static const char pre[] = "68747470733a2f2f"; /* https:// */
    memcpy(hex + 8, pre, sizeof pre - 1);
    for (size_t i = 8 + sizeof pre - 1; i < sizeof hex - 1; i += 2) memcpy(hex + i, "61", 2);
    expect(check_opt(parse_opt_hex(a, D6T_SPACE_DHCPV6, hex), 1), 0, D6T_V_LENGTH,
           "OPTION_MUD_URL_V6", "MUD URL of 256 bytes: at most 255");
    d6t_arena_free(a);
}
END_TEST

/* ---- mechanics ---- */

START_TEST(stop_and_null_callback)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    d6t_msg *m = d6t_msg_new(a, D6T_MSG_REQUEST); /* 3 missing */
    size_t n = 0;
    ck_assert_int_eq(d6t_msg_validate(m, NULL, NULL, &n), D6T_ERR_INVALID);
    ck_assert_uint_eq(n, 3);
    struct seen s;
    memset(&s, 0, sizeof s);
    s.stop_after = 1;
    ck_assert_int_eq(d6t_msg_validate(m, collect, &s, &n), D6T_ERR_INVALID);
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(s.n, 1);
    ck_assert_int_eq(d6t_msg_validate(NULL, NULL, NULL, &n), D6T_ERR_INVALID_ARG);
    ck_assert_int_eq(d6t_opt_validate(NULL, NULL, NULL, &n), D6T_ERR_INVALID_ARG);
    ck_assert_int_eq(d6t_msg_validate(client_msg(a, D6T_MSG_SOLICIT, 0), NULL, NULL, NULL), D6T_OK);
    d6t_arena_free(a);
}
END_TEST

/* A relay chain built by the API deeper than parsing allows: validation stops at its depth
 * bound, says so, and keeps the path within its fixed buffer. */
START_TEST(deep_tree_bounded)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    d6t_msg *m = client_msg(a, D6T_MSG_SOLICIT, 0);
    for (int i = 0; i < 200; i++) {
        d6t_msg *r = d6t_msg_new(a, D6T_MSG_RELAY_FORW);
        ck_assert_ptr_nonnull(d6t_msg_add_relay_msg(r, m));
        m = r;
    }
    struct seen *s = check_msg(m, 1);
    ck_assert_int_eq(s->v[0].kind, D6T_V_VALUE);
    ck_assert_ptr_nonnull(strstr(s->v[0].what, "nested deeper than"));
    size_t len = strlen(s->v[0].where);
    ck_assert_uint_lt(len, 1024);
    ck_assert_str_eq(s->v[0].where + len - 3, "...");
    ck_assert_int_eq(strncmp(s->v[0].where, "RELAY-FORW/OPTION_RELAY_MSG/RELAY-FORW/", 39), 0);
    /* options nested deeper than D6T_MAX_OPTION_NESTING by the API */
    d6t_msg *sol = client_msg(a, D6T_MSG_SOLICIT, 0);
    d6t_opt *o = d6t_msg_add_opt(sol, D6T_OPT_IA_NA);
    for (int i = 0; i < D6T_MAX_OPTION_NESTING + 4; i++) o = d6t_opt_add_child(o, D6T_OPT_IA_NA);
    size_t n = 0;
    ck_assert_int_eq(d6t_msg_validate(sol, NULL, NULL, &n), D6T_ERR_INVALID);
    ck_assert_uint_eq(n, D6T_MAX_OPTION_NESTING + 1); /* each level not allowed, then the cut */
    d6t_arena_free(a);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("validate");
    TCase *t = tcase_create("validate");
    tcase_add_test(t, bench_messages_clean);
    tcase_add_test(t, capture_messages_clean);
    tcase_add_test(t, built_messages_clean);
    tcase_add_test(t, missing_required);
    tcase_add_test(t, not_allowed_in_message);
    tcase_add_test(t, not_allowed_in_option);
    tcase_add_test(t, singletons);
    tcase_add_test(t, duplicate_iaid);
    tcase_add_test(t, relay_chain_path);
    tcase_add_test(t, relay_header);
    tcase_add_test(t, relay_direction);
    tcase_add_test(t, t1_t2);
    tcase_add_test(t, iaaddr_class);
    tcase_add_test(t, iaprefix_and_pd_exclude);
    tcase_add_test(t, duid_lengths);
    tcase_add_test(t, s46_values);
    tcase_add_test(t, text_values);
    tcase_add_test(t, misc_values);
    tcase_add_test(t, more_table_rules);
    tcase_add_test(t, mud_url);
    tcase_add_test(t, stop_and_null_callback);
    tcase_add_test(t, deep_tree_bounded);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return run_suite(suite()) ? EXIT_FAILURE : EXIT_SUCCESS;
}
