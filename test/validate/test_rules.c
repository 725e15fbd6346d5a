/* The content rules of the option sweep (docs/CONFORMANCE.md, "Content rules by option"): for
 * each, a message or option that breaks it (with the violation's kind, path and reason) and one
 * that keeps it. */
#include <check.h>
#include <dhcp6txn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define MSG ((d6t_space)99) /* the case is a whole message, not an option */

/* the first violation only: each breaking case has exactly one */
struct first {
    size_t n;
    d6t_violation_kind kind;
    char where[256], what[256];
};

static int keep_first(void *ctx, d6t_violation_kind kind, const char *where, const char *what)
{
    struct first *f = ctx;
    if (!f->n++) {
        f->kind = kind;
        snprintf(f->where, sizeof f->where, "%s", where);
        snprintf(f->what, sizeof f->what, "%s", what);
    }
    return 0;
}

static struct first validate_hex(d6t_arena *a, d6t_space sp, const char *hex)
{
    struct first f;
    memset(&f, 0, sizeof f);
    size_t n = 99;
    if (sp == MSG) {
        ck_assert_int_eq(d6t_msg_validate(parse_hex_msg(a, hex), keep_first, &f, &n),
                         f.n ? D6T_ERR_INVALID : D6T_OK);
    } else {
        static uint8_t buf[512];
        size_t len = unhex(hex, buf, sizeof buf);
        d6t_opt *o = NULL;
        ck_assert_int_eq(d6t_opt_parse(a, sp, buf, len, D6T_PARSE_COPY, &o, NULL), D6T_OK);
        ck_assert_int_eq(d6t_opt_validate(o, keep_first, &f, &n), f.n ? D6T_ERR_INVALID : D6T_OK);
    }
    ck_assert_uint_eq(n, f.n);
    return f;
}

/* message pieces */
#define CLIENTID "0001000a00030001020000000202"
#define SERVERID "0002000a00030001020000000203"
#define ELAPSED  "000800020000"
#define SOLICIT  "01000001" CLIENTID ELAPSED
#define REPLY    "07000001" CLIENTID SERVERID
#define LINK0    "00000000000000000000000000000000"
#define IAADDR                                 \
    "0005001820010db8000000000000000000000001" \
    "0000000000000000"
#define NTP_ADDR "0001001020010db8000000000000000000000001"
#define NTP_FQDN "0003000d036e7470076578616d706c6500" /* ntp.example. */
#define VCLASS9  "0010000700000009000161"
#define VOPTS9   "0011000400000009"
/* an OPTION_V6_DNR's pieces (RFC 9463 section 4.1): priority 1, ADN "a.", one address */
#define DNR_HEAD         \
    "000100030161000010" \
    "20010db8000000000000000000000001"
#define ALPN_DOT "0001000403646f74"
#define PORT853  "000300020355"

static const struct {
    d6t_space sp;
    const char *bad, *good; /* good: NULL when the rule has no second case here */
    d6t_violation_kind kind;
    const char *where, *what;
} cases[] = {
    /* RFC 5908 section 4: one, and only one, time source sub-option */
    {D6T_SPACE_DHCPV6, "00380000", "00380011" NTP_FQDN, D6T_V_MISSING, "OPTION_NTP_SERVER",
     "0 time source sub-options: exactly 1"},
    {D6T_SPACE_DHCPV6, "00380025" NTP_ADDR NTP_FQDN, "00380014" NTP_ADDR, D6T_V_TOO_MANY,
     "OPTION_NTP_SERVER", "2 time source sub-options: exactly 1"},
    /* RFC 5007 section 4.1.2.1, RFC 5460 section 5.2: what each query type queries by */
    {D6T_SPACE_DHCPV6, "002c001101" LINK0, "002c002d01" LINK0 IAADDR, D6T_V_MISSING,
     "OPTION_LQ_QUERY", "OPTION_IAADDR is required in OPTION_LQ_QUERY with query type 1"},
    {D6T_SPACE_DHCPV6, "002c001102" LINK0, "002c001f02" LINK0 CLIENTID, D6T_V_MISSING,
     "OPTION_LQ_QUERY", "OPTION_CLIENTID is required in OPTION_LQ_QUERY with query type 2"},
    {D6T_SPACE_DHCPV6, "002c001103" LINK0, "002c001f03" LINK0 "0035000a00030001020000000204",
     D6T_V_MISSING, "OPTION_LQ_QUERY",
     "OPTION_RELAY_ID is required in OPTION_LQ_QUERY with query type 3"},
    {D6T_SPACE_DHCPV6, "002c001105" LINK0, "002c001a05" LINK0 "00250005000000090a", D6T_V_MISSING,
     "OPTION_LQ_QUERY", "OPTION_REMOTE_ID is required in OPTION_LQ_QUERY with query type 5"},
    /* RFC 4649 section 3, RFC 4580 section 2: identifiers of one byte at least */
    {D6T_SPACE_DHCPV6, "0025000400000009", "00250005000000090a", D6T_V_LENGTH, "OPTION_REMOTE_ID",
     "empty remote-id"},
    {D6T_SPACE_DHCPV6, "00260000", "0026000161", D6T_V_LENGTH, "OPTION_SUBSCRIBER_ID",
     "empty subscriber-id"},
    /* RFC 9915 section 21.15: one or more instances of user class data */
    {D6T_SPACE_DHCPV6, "000f0000", "000f0003000161", D6T_V_LENGTH, "OPTION_USER_CLASS",
     "user class data of 0 bytes: at least 2"},
    /* RFC 7598 section 4.1: IPv4 prefix bits past prefix4-len are zero (192.0.2.1/24) */
    {D6T_SPACE_DHCPV6, "0059000c001018c00002011c20010db0", "0059000c001018c00002001c20010db0",
     D6T_V_VALUE, "OPTION_S46_RULE", "IPv4 prefix has bits set past its length 24"},
    /* RFC 4704 section 4.1: a client sends the O bit as 0; a server sets it */
    {MSG, SOLICIT "0027000102", REPLY "0027000102", D6T_V_VALUE, "SOLICIT/OPTION_CLIENT_FQDN",
     "flags 0x02: O bit set by a client"},
    /* RFC 9915 section 21.16: no two vendor classes with one enterprise number */
    {MSG, SOLICIT VCLASS9 VCLASS9, SOLICIT VCLASS9 "001000070000000a000161", D6T_V_DUPLICATE,
     "SOLICIT", "share enterprise number 0x00000009"},
    /* RFC 9915 section 21.17: servers and clients send no two with one enterprise number */
    {MSG, REPLY VOPTS9 VOPTS9, REPLY VOPTS9 "001100040000000a", D6T_V_DUPLICATE, "REPLY",
     "share enterprise number 0x00000009"},
    {MSG, SOLICIT VOPTS9 VOPTS9, SOLICIT VOPTS9 "001100040000000a", D6T_V_DUPLICATE, "SOLICIT",
     "share enterprise number 0x00000009"},
    /* RFC 9463 section 3.1.8: an ADN that names a resolver (ADN-only mode keeps it) */
    {D6T_SPACE_DHCPV6, "009000050001000100", "0090000700010003016100", D6T_V_VALUE, "OPTION_V6_DNR",
     "authentication domain name is the root name only"},
    /* ... with more than the ADN, at least one address */
    {D6T_SPACE_DHCPV6, "00900009000100030161000000", "00900021" DNR_HEAD ALPN_DOT, D6T_V_LENGTH,
     "OPTION_V6_DNR", "IPv6 address list present but empty"},
    /* ... and no ipv4hint or ipv6hint service parameter */
    {D6T_SPACE_DHCPV6, "00900029" DNR_HEAD ALPN_DOT "0004000401020304",
     "00900027" DNR_HEAD ALPN_DOT PORT853, D6T_V_VALUE, "OPTION_V6_DNR",
     "SvcParamKey 4 (ipv4hint or ipv6hint) is not allowed"},
    {D6T_SPACE_DHCPV6, "00900035" DNR_HEAD ALPN_DOT "0006001020010db8000000000000000000000002",
     "00900021" DNR_HEAD ALPN_DOT, D6T_V_VALUE, "OPTION_V6_DNR", "SvcParamKey 6"},
    /* RFC 9460 section 2.2: SvcParams in increasing key order, none twice, each whole */
    {D6T_SPACE_DHCPV6, "00900027" DNR_HEAD PORT853 ALPN_DOT, "00900027" DNR_HEAD ALPN_DOT PORT853,
     D6T_V_VALUE, "OPTION_V6_DNR", "SvcParamKey 1 after 3: keys must increase"},
    {D6T_SPACE_DHCPV6, "00900029" DNR_HEAD ALPN_DOT ALPN_DOT, "00900021" DNR_HEAD ALPN_DOT,
     D6T_V_VALUE, "OPTION_V6_DNR", "SvcParamKey 1 after 1"},
    {D6T_SPACE_DHCPV6, "00900023" DNR_HEAD ALPN_DOT "0003", "00900019" DNR_HEAD, D6T_V_LENGTH,
     "OPTION_V6_DNR", "SvcParams truncated at byte 8"},
    {D6T_SPACE_DHCPV6, "00900021" DNR_HEAD "0001000903646f74", "00900021" DNR_HEAD ALPN_DOT,
     D6T_V_LENGTH, "OPTION_V6_DNR", "SvcParam 1 of 9 bytes runs past the end at byte 0"},
};

START_TEST(breaking_and_keeping)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct first f = validate_hex(a, cases[i].sp, cases[i].bad);
        if (f.n != 1 || f.kind != cases[i].kind || strcmp(f.where, cases[i].where) ||
            !strstr(f.what, cases[i].what))
            ck_abort_msg("case %zu: %zu violations, first [%d] %s: %s", i, f.n, f.kind, f.where,
                         f.what);
        f = validate_hex(a, cases[i].sp, cases[i].good);
        if (f.n) ck_abort_msg("case %zu (good): [%d] %s: %s", i, f.kind, f.where, f.what);
    }
    d6t_arena_free(a);
}
END_TEST

/* A rule limited to some message types is not checked on an option validated on its own: who
 * sent it is unknown there. */
START_TEST(sender_rules_need_a_message)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    ck_assert_uint_eq(validate_hex(a, D6T_SPACE_DHCPV6, "0027000102").n, 0);
    /* but the same FQDN inside a relayed Solicit is the client's */
    struct first f = validate_hex(a, MSG,
                                  "0c00" LINK0 "20010db8000000000000000000000001"
                                  "0009001d" SOLICIT "0027000102");
    ck_assert_uint_eq(f.n, 1);
    ck_assert_str_eq(f.where, "RELAY-FORW/OPTION_RELAY_MSG/SOLICIT/OPTION_CLIENT_FQDN");
    d6t_arena_free(a);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("rules");
    TCase *t = tcase_create("rules");
    tcase_add_test(t, breaking_and_keeping);
    tcase_add_test(t, sender_rules_need_a_message);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return run_suite(suite()) ? EXIT_FAILURE : EXIT_SUCCESS;
}
