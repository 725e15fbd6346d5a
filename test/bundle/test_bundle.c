/* Transaction bundle: every statement of the bundle API, checked on real relayed traffic. */
#include "testutil.h"

#define W3R_HEX                                                                                    \
    "0d0120010db8ffff00010000000000000001fe800000000000003631c4fffe3cb2f1001200074769302f302f3000" \
    "09"                                                                                           \
    "00ff0d0000000000000000000000000000000000fe800000000000003631c4fffe3cb2f1001200126f6c74312065" \
    "74"                                                                                           \
    "6820312f312f353a313030000900c307f350d60001000a000300013431c43cb2f10002000e000100012e3c0a4b00" \
    "16"                                                                                           \
    "3e5a7b0100030035c43cb2f10000070800000b400005001820010db800010000000000000000123400000e100000" \
    "1c"                                                                                           \
    "20000d0009000073756363657373000e00000017002020010db800000000000000000000005320010db800000000" \
    "00"                                                                                           \
    "000000000053530018000d076578616d706c6503636f6d0000190029c43cb2f10000070800000b40001a00190000" \
    "0e"                                                                                           \
    "1000001c203020010db8800000000000000000000000"

#define ZERO16 "00000000000000000000000000000000"
#define SOLICIT_HEX                    \
    "01abcdef"                         \
    "0001000a000300013431c43cb2f1"     \
    "0003000c000000010000000000000000" \
    "0019000c000000020000000000000000" \
    "0003000c000000030000000000000000"

static uint8_t wire[4000];

static d6t_status bundle_hex(d6t_arena *a, const char *hex, unsigned flags, const uint8_t *peer,
                             d6t_bundle **b)
{
    size_t n = unhex(hex, wire, sizeof wire);
    d6t_parse_error e;
    d6t_bundle_opts o = D6T_BUNDLE_OPTS_INIT;
    o.tcp_peer = peer;
    d6t_status st = d6t_bundle_new(a, wire, n, flags, &o, b, &e);
    memset(wire, 0xee, n); /* the bundle copied the input: reusing the buffer must not matter */
    return st;
}

/* A RELAY-FORW around 'inner' with the given link address (hex) and extra options (hex). */
static char *relay(const char *link, const char *peer, const char *extra, const char *inner,
                   int hops)
{
    size_t size = 4 + strlen(link) + strlen(peer) + strlen(extra) + 8 + strlen(inner) + 1;
    char *out = malloc(size);
    snprintf(out, size, "0c%02x%s%s%s0009%04zx%s", hops, link, peer, extra, strlen(inner) / 2,
             inner);
    return out;
}

static void addr(const char *hex, uint8_t a[16])
{
    unhex(hex, a, 16);
}

START_TEST(split_and_link_address)
{
    d6t_bundle *b;
    ck_assert_int_eq(bundle_hex(NULL, W1_HEX, 0, NULL, &b), D6T_OK);
    d6t_msg *req = d6t_bundle_request(b);
    ck_assert_int_eq(d6t_msg_type(req), D6T_MSG_SOLICIT);
    ck_assert_ptr_null(d6t_bundle_no_request_reason(b));
    ck_assert_uint_eq(d6t_bundle_incoming_relay_count(b), 2);
    uint8_t a[16], want[16];
    d6t_msg_link_address(d6t_bundle_incoming_relay(b, 0), a);
    addr(ZERO16, want);
    ck_assert_int_eq(memcmp(a, want, 16), 0); /* closest to the client: the LDRA, link :: */
    ck_assert_int_eq(d6t_msg_type(d6t_bundle_incoming(b)), D6T_MSG_RELAY_FORW);
    ck_assert_ptr_eq(d6t_bundle_incoming_relay(b, 1), d6t_bundle_incoming(b));
    ck_assert_ptr_null(d6t_bundle_incoming_relay(b, 2));
    ck_assert_int_eq(d6t_bundle_link_address(b, a), D6T_OK);
    addr("20010db8ffff00010000000000000001", want);
    ck_assert_int_eq(memcmp(a, want, 16), 0);
    ck_assert_uint_eq(d6t_bundle_relay_count(b), 1);
    ck_assert_int_eq(d6t_bundle_relay(b, 0, a), D6T_OK);
    ck_assert_int_eq(memcmp(a, want, 16), 0);
    ck_assert_int_eq(d6t_bundle_relay(b, 1, a), D6T_ERR_NOT_FOUND);
    ck_assert(!d6t_bundle_received_over_multicast(b));
    ck_assert(!d6t_bundle_received_over_tcp(b));
    d6t_bundle_free(b);

    /* link addresses ::, fe80::2, ::1: nothing usable; relays leave out only :: */
    char *r1 = relay(ZERO16, "fe800000000000000000000000000001", "", SOLICIT_HEX, 0);
    char *r2 =
        relay("fe800000000000000000000000000002", "fe800000000000000000000000000003", "", r1, 1);
    char *r3 =
        relay("00000000000000000000000000000001", "fe800000000000000000000000000004", "", r2, 2);
    ck_assert_int_eq(bundle_hex(NULL, r3, D6T_BUNDLE_MULTICAST, NULL, &b), D6T_OK);
    ck_assert(d6t_bundle_received_over_multicast(b));
    ck_assert_int_eq(d6t_bundle_link_address(b, a), D6T_OK);
    addr(ZERO16, want);
    ck_assert_int_eq(memcmp(a, want, 16), 0);
    ck_assert_uint_eq(d6t_bundle_relay_count(b), 2);
    d6t_bundle_relay(b, 1, a);
    ck_assert_uint_eq(a[15], 1);
    d6t_bundle_free(b);
    free(r1);
    free(r2);
    free(r3);
}
END_TEST

START_TEST(no_request_cases)
{
    d6t_bundle *b;
    ck_assert_int_eq(bundle_hex(NULL, "c8010203", 0, NULL, &b), D6T_OK);
    ck_assert_ptr_null(d6t_bundle_request(b));
    ck_assert_str_eq(d6t_bundle_no_request_reason(b), "unknown message type 200");
    d6t_bundle_free(b);
    ck_assert_int_eq(bundle_hex(NULL, "02abcdef", 0, NULL, &b), D6T_OK);
    ck_assert_ptr_null(d6t_bundle_request(b));
    ck_assert_str_eq(d6t_bundle_no_request_reason(b),
                     "ADVERTISE is not a client-to-server message");
    d6t_bundle_free(b);
    /* server message inside a relay chain: no request and no relays */
    char *r = relay("20010db8000000000000000000000001", "fe800000000000000000000000000001", "",
                    "07abcdef", 0);
    ck_assert_int_eq(bundle_hex(NULL, r, 0, NULL, &b), D6T_OK);
    ck_assert_ptr_null(d6t_bundle_request(b));
    ck_assert_uint_eq(d6t_bundle_incoming_relay_count(b), 0);
    ck_assert_uint_eq(d6t_bundle_relay_count(b), 0);
    char line[200];
    d6t_bundle_describe(b, line, sizeof line);
    ck_assert_str_eq(line, "no request: REPLY is not a client-to-server message");
    ck_assert_uint_eq(d6t_bundle_unhandled_count(b, (const uint16_t[]){3}, 1), 0);
    d6t_bundle_free(b);
    free(r);
    /* a Relay-forward with no Relay Message option: nothing relayed */
    ck_assert_int_eq(bundle_hex(NULL,
                                "0c00"
                                "20010db8000000000000000000000001"
                                "fe800000000000000000000000000001"
                                "00120001"
                                "41",
                                0, NULL, &b),
                     D6T_OK);
    ck_assert_ptr_null(d6t_bundle_request(b));
    ck_assert_str_eq(d6t_bundle_no_request_reason(b), "relay message without a relayed message");
    d6t_bundle_free(b);
    /* parse errors come back as the codec's */
    d6t_parse_error e;
    uint8_t bad[] = {1, 0, 0, 1, 0, 3, 0, 9};
    ck_assert_int_eq(d6t_bundle_new(NULL, bad, sizeof bad, 0, NULL, &b, &e), D6T_ERR_OPT_OVERRUN);
    ck_assert_uint_eq(e.offset, 4);
    ck_assert_ptr_null(b);
}
END_TEST

START_TEST(tcp_rules)
{
    d6t_bundle *b;
    uint8_t a[16], peer[16];
    addr("20010db8000000000000000000000099", peer);
    /* straight from the requestor with its endpoint */
    ck_assert_int_eq(bundle_hex(NULL, SOLICIT_HEX, D6T_BUNDLE_TCP, peer, &b), D6T_OK);
    ck_assert(d6t_bundle_received_over_tcp(b));
    ck_assert_int_eq(d6t_bundle_link_address(b, a), D6T_OK);
    ck_assert_int_eq(memcmp(a, peer, 16), 0);
    uint16_t port;
    ck_assert_int_eq(d6t_bundle_destination(b, a, &port), D6T_ERR_WRONG_KIND);
    d6t_bundle_free(b);
    /* dhcpkit's convention: one RELAY-FORW stands for the connection */
    char *r1 = relay("20010db8000000000000000000000001", "20010db8000000000000000000000099", "",
                     SOLICIT_HEX, 0);
    ck_assert_int_eq(bundle_hex(NULL, r1, D6T_BUNDLE_TCP, NULL, &b), D6T_OK);
    ck_assert_int_eq(d6t_bundle_link_address(b, a), D6T_OK);
    ck_assert_int_eq(memcmp(a, peer, 16), 0);
    d6t_bundle_free(b);
    /* ...but not on top of a given endpoint, and never two levels */
    ck_assert_int_eq(bundle_hex(NULL, r1, D6T_BUNDLE_TCP, peer, &b), D6T_ERR_TCP_RELAYED);
    ck_assert_ptr_null(b);
    char *r2 =
        relay("20010db8000000000000000000000002", "20010db8000000000000000000000099", "", r1, 1);
    ck_assert_int_eq(bundle_hex(NULL, r2, D6T_BUNDLE_TCP, NULL, &b), D6T_ERR_TCP_RELAYED);
    ck_assert_str_eq(d6t_strerror(D6T_ERR_TCP_RELAYED),
                     "relayed message received over TCP (more than one relay level)");
    /* no level and no endpoint: no link address can be given */
    ck_assert_int_eq(bundle_hex(NULL, SOLICIT_HEX, D6T_BUNDLE_TCP, NULL, &b), D6T_OK);
    ck_assert_int_eq(d6t_bundle_link_address(b, a), D6T_ERR_NOT_FOUND);
    d6t_bundle_free(b);
    free(r1);
    free(r2);
}
END_TEST

START_TEST(policy_flags)
{
    d6t_bundle *b;
    ck_assert_int_eq(bundle_hex(NULL, SOLICIT_HEX, 0, NULL, &b), D6T_OK);
    ck_assert(!d6t_bundle_allow_rapid_commit(b));
    ck_assert_int_eq(d6t_bundle_set_allow_rapid_commit(b, 1), D6T_ERR_INVALID_ARG);
    ck_assert(!d6t_bundle_allow_rapid_commit(b));
    ck_assert(!d6t_bundle_allow_unicast(b));
    ck_assert_int_eq(d6t_bundle_set_allow_unicast(b, 1), D6T_OK);
    ck_assert(d6t_bundle_allow_unicast(b));
    ck_assert_int_eq(d6t_bundle_set_allow_unicast(b, 0), D6T_ERR_INVALID_ARG);
    ck_assert(d6t_bundle_allow_unicast(b));
    d6t_bundle_free(b);
    ck_assert_int_eq(bundle_hex(NULL, SOLICIT_HEX, D6T_BUNDLE_RAPID_COMMIT, NULL, &b), D6T_OK);
    ck_assert(d6t_bundle_allow_rapid_commit(b));
    ck_assert_int_eq(d6t_bundle_set_allow_rapid_commit(b, 0), D6T_OK);
    ck_assert(!d6t_bundle_allow_rapid_commit(b));
    ck_assert_int_eq(d6t_bundle_set_allow_rapid_commit(b, 1), D6T_ERR_INVALID_ARG);
    d6t_bundle_free(b);
}
END_TEST

START_TEST(marks_and_description)
{
    d6t_bundle *b;
    const char *initial[] = {"  a ", "b"};
    size_t n = unhex(W1_HEX, wire, sizeof wire);
    d6t_bundle_opts o = D6T_BUNDLE_OPTS_INIT;
    o.marks = initial;
    o.nmarks = 2;
    ck_assert_int_eq(d6t_bundle_new(NULL, wire, n, 0, &o, &b, NULL), D6T_OK);
    ck_assert(d6t_bundle_has_mark(b, "a"));
    ck_assert(d6t_bundle_has_mark(b, " a"));
    ck_assert(!d6t_bundle_has_mark(b, "c"));
    ck_assert_int_eq(d6t_bundle_add_mark(b, "a\t"), D6T_OK);
    ck_assert_uint_eq(d6t_bundle_mark_count(b), 2);
    ck_assert_str_eq(d6t_bundle_mark(b, 0), "a");
    ck_assert_str_eq(d6t_bundle_mark(b, 1), "b");
    ck_assert_ptr_null(d6t_bundle_mark(b, 2));
    /* removal keeps the order of the rest */
    ck_assert_int_eq(d6t_bundle_add_mark(b, "gone"), D6T_OK);
    ck_assert_int_eq(d6t_bundle_remove_mark(b, "a"), D6T_OK);
    ck_assert_int_eq(d6t_bundle_remove_mark(b, "a"), D6T_ERR_NOT_FOUND);
    ck_assert_str_eq(d6t_bundle_mark(b, 0), "b");
    ck_assert_str_eq(d6t_bundle_mark(b, 1), "gone");
    ck_assert_int_eq(d6t_bundle_remove_mark(b, " gone "), D6T_OK);
    ck_assert_int_eq(d6t_bundle_add_mark(b, "a"), D6T_OK);
    ck_assert_int_eq(d6t_bundle_remove_mark(b, "b"), D6T_OK);
    ck_assert_int_eq(d6t_bundle_add_mark(b, "b"), D6T_OK);
    char line[300];
    size_t len = d6t_bundle_describe(b, line, sizeof line);
    ck_assert_str_eq(line,
                     "Solicit from 000300013431c43cb2f1 at fe80::3631:c4ff:fe3c:b2f1 via LDRA -> "
                     "2001:db8:ffff:1::1 with marks 'a', 'b'");
    ck_assert_uint_eq(len, strlen(line));
    char small[10];
    ck_assert_uint_eq(d6t_bundle_describe(b, small, sizeof small), len);
    ck_assert_str_eq(small, "Solicit f");
    char big[300];
    memset(big, 'x', 256);
    big[256] = 0;
    ck_assert_int_eq(d6t_bundle_add_mark(b, big), D6T_ERR_INVALID_ARG);
    for (int i = 0; i < 62; i++) {
        char m[8];
        sprintf(m, "m%d", i);
        ck_assert_int_eq(d6t_bundle_add_mark(b, m), D6T_OK);
    }
    ck_assert_int_eq(d6t_bundle_add_mark(b, "one-too-many"), D6T_ERR_NOMEM);
    d6t_bundle_free(b);
    /* TCP, unknown client */
    uint8_t peer[16];
    addr("fe800000000000000000000000000001", peer);
    ck_assert_int_eq(bundle_hex(NULL, "0e000001", D6T_BUNDLE_TCP, peer, &b), D6T_OK);
    d6t_bundle_describe(b, line, sizeof line);
    ck_assert_str_eq(line, "Leasequery from unknown over TCP at fe80::1");
    d6t_bundle_free(b);
}
END_TEST

START_TEST(handled_options)
{
    d6t_bundle *b;
    ck_assert_int_eq(bundle_hex(NULL, SOLICIT_HEX, 0, NULL, &b), D6T_OK);
    const uint16_t ia[] = {D6T_OPT_IA_NA, D6T_OPT_IA_PD};
    ck_assert_uint_eq(d6t_bundle_unhandled_count(b, ia, 2), 3);
    ck_assert_uint_eq(d6t_bundle_unhandled_count(b, ia, 1), 2);
    d6t_opt *first = d6t_bundle_unhandled(b, ia, 2, 0);
    ck_assert_uint_eq(d6t_opt_code(first), D6T_OPT_IA_NA);
    ck_assert_uint_eq(d6t_opt_code(d6t_bundle_unhandled(b, ia, 2, 1)),
                      D6T_OPT_IA_PD); /* request order */
    ck_assert_ptr_null(d6t_bundle_unhandled(b, ia, 2, 3));
    ck_assert(!d6t_bundle_is_handled(b, first));
    ck_assert_int_eq(d6t_bundle_mark_handled(b, first), D6T_OK);
    ck_assert_int_eq(d6t_bundle_mark_handled(b, first), D6T_OK); /* idempotent */
    ck_assert(d6t_bundle_is_handled(b, first));
    ck_assert_uint_eq(d6t_bundle_unhandled_count(b, ia, 2), 2);
    uint8_t iaid[4];
    const uint8_t *p;
    size_t n;
    d6t_opt *next = d6t_bundle_unhandled(b, ia, 1, 0);
    ck_assert_int_eq(d6t_opt_get_bytes(next, D6T_IA_NA_IAID, &p, &n), D6T_OK);
    memcpy(iaid, p, 4);
    ck_assert_uint_eq(iaid[3], 3);
    /* an option that is not one of the request's */
    d6t_msg *other = d6t_msg_new(d6t_bundle_arena(b), D6T_MSG_REPLY);
    d6t_opt *o = d6t_msg_add_opt(other, D6T_OPT_IA_NA);
    ck_assert_int_eq(d6t_bundle_mark_handled(b, o), D6T_ERR_NOT_FOUND);
    ck_assert(!d6t_bundle_is_handled(b, o));
    d6t_bundle_free(b);
}
END_TEST

/* A mark belongs to its bundle and to an option the request had when the bundle was made and
 * still has: removing, moving and re-inserting options, or a second bundle of the same message
 * (which files the options anew), never make the answers wrong. */
START_TEST(handled_marks_follow_edits)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    d6t_msg *m = parse_hex_msg(a, SOLICIT_HEX);
    d6t_bundle *b1, *b2, *b3;
    ck_assert_int_eq(d6t_bundle_new_from_msg(a, m, 0, NULL, &b1), D6T_OK);
    d6t_opt *na1 = d6t_bundle_first_unhandled(b1, D6T_OPT_IA_NA);
    d6t_opt *na2 = d6t_bundle_next_unhandled(b1, na1);
    ck_assert_ptr_nonnull(na2);
    ck_assert_int_eq(d6t_bundle_mark_handled(b1, na1), D6T_OK);
    /* a second bundle of the same message has marks of its own */
    ck_assert_int_eq(d6t_bundle_new_from_msg(a, m, 0, NULL, &b2), D6T_OK);
    ck_assert(!d6t_bundle_is_handled(b2, na1));
    ck_assert_int_eq(d6t_bundle_mark_handled(b2, na2), D6T_OK);
    ck_assert(!d6t_bundle_is_handled(b1, na2));
    ck_assert(d6t_bundle_is_handled(b1, na1));
    /* removed from the request: not one of its options any more, nor once in another message */
    ck_assert_int_eq(d6t_msg_remove_opt(m, na1), D6T_OK);
    ck_assert_int_eq(d6t_bundle_mark_handled(b1, na1), D6T_ERR_NOT_FOUND);
    ck_assert(!d6t_bundle_is_handled(b1, na1));
    ck_assert_ptr_eq(d6t_bundle_first_unhandled(b1, D6T_OPT_IA_NA), na2);
    d6t_msg *other = d6t_msg_new(a, D6T_MSG_REPLY);
    ck_assert_int_eq(d6t_msg_insert_opt(other, NULL, na1), D6T_OK);
    ck_assert_int_eq(d6t_bundle_mark_handled(b1, na1), D6T_ERR_NOT_FOUND);
    ck_assert_int_eq(d6t_bundle_mark_handled(b2, na1), D6T_ERR_NOT_FOUND);
    /* back in the request, first now: its mark is where it was */
    ck_assert_int_eq(d6t_msg_remove_opt(other, na1), D6T_OK);
    ck_assert_int_eq(d6t_msg_insert_opt(m, d6t_msg_first_opt(m), na1), D6T_OK);
    ck_assert(d6t_bundle_is_handled(b1, na1));
    ck_assert(!d6t_bundle_is_handled(b2, na1));
    /* a third bundle files the reordered options anew; the first two still answer right */
    ck_assert_int_eq(d6t_bundle_new_from_msg(a, m, 0, NULL, &b3), D6T_OK);
    ck_assert(!d6t_bundle_is_handled(b3, na1));
    ck_assert(!d6t_bundle_is_handled(b1, na2));
    ck_assert_int_eq(d6t_bundle_mark_handled(b1, na2), D6T_OK);
    ck_assert(d6t_bundle_is_handled(b1, na2));
    ck_assert(d6t_bundle_is_handled(b2, na2));
    ck_assert(!d6t_bundle_is_handled(b3, na2));
    ck_assert_ptr_null(d6t_bundle_first_unhandled(b1, D6T_OPT_IA_NA));
    ck_assert_ptr_eq(d6t_bundle_first_unhandled(b3, D6T_OPT_IA_NA), na1);
    /* added after the bundle was made: never one of its request's options */
    d6t_opt *late = d6t_msg_add_opt(m, D6T_OPT_IA_NA);
    ck_assert_int_eq(d6t_bundle_mark_handled(b1, late), D6T_ERR_NOT_FOUND);
    ck_assert_int_eq(d6t_bundle_mark_handled(b3, late), D6T_ERR_NOT_FOUND);
    d6t_bundle_free(b1);
    d6t_bundle_free(b2);
    d6t_bundle_free(b3);
    d6t_arena_free(a);
}
END_TEST

/* A request with hundreds of options: the handled bits past the first 16 bytes work alike. */
START_TEST(handled_marks_in_a_long_request)
{
    enum {
        NIA = 300
    };
    static uint8_t req[4 + NIA * 16];
    req[0] = D6T_MSG_SOLICIT;
    for (size_t i = 0; i < NIA; i++) {
        uint8_t *o = req + 4 + 16 * i;
        o[1] = D6T_OPT_IA_NA;
        o[3] = 12;
        o[6] = (uint8_t)(i >> 8), o[7] = (uint8_t)i; /* IAID i */
    }
    d6t_bundle *b;
    ck_assert_int_eq(d6t_bundle_new(NULL, req, sizeof req, 0, NULL, &b, NULL), D6T_OK);
    const uint16_t na = D6T_OPT_IA_NA;
    size_t i = 0;
    for (d6t_opt *o = d6t_msg_first_opt(d6t_bundle_request(b)); o; o = d6t_opt_next(o), i++)
        if (i % 3 == 0) ck_assert_int_eq(d6t_bundle_mark_handled(b, o), D6T_OK);
    ck_assert_uint_eq(i, NIA);
    ck_assert_uint_eq(d6t_bundle_unhandled_count(b, &na, 1), NIA - NIA / 3);
    i = 0;
    for (d6t_opt *o = d6t_msg_first_opt(d6t_bundle_request(b)); o; o = d6t_opt_next(o), i++)
        ck_assert_int_eq(d6t_bundle_is_handled(b, o), i % 3 == 0);
    uint32_t iaid;
    ck_assert_int_eq(
        d6t_opt_get_ia(d6t_bundle_first_unhandled(b, D6T_OPT_IA_NA), &iaid, NULL, NULL), D6T_OK);
    ck_assert_uint_eq(iaid, 1);
    ck_assert_int_eq(
        d6t_opt_get_ia(d6t_bundle_unhandled(b, &na, 1, NIA - NIA / 3 - 1), &iaid, NULL, NULL),
        D6T_OK);
    ck_assert_uint_eq(iaid, NIA - 1);
    d6t_bundle_free(b);
}
END_TEST

START_TEST(one_code_shortcuts)
{
    d6t_bundle *b;
    ck_assert_int_eq(bundle_hex(NULL, SOLICIT_HEX, 0, NULL, &b), D6T_OK);
    const uint16_t na = D6T_OPT_IA_NA;
    d6t_opt *na1 = d6t_bundle_first_unhandled(b, D6T_OPT_IA_NA);
    ck_assert_ptr_eq(na1, d6t_bundle_unhandled(b, &na, 1, 0));
    d6t_opt *na2 = d6t_bundle_next_unhandled(b, na1);
    ck_assert_ptr_eq(na2, d6t_bundle_unhandled(b, &na, 1, 1));
    ck_assert_ptr_nonnull(na2);
    ck_assert_ptr_null(d6t_bundle_next_unhandled(b, na2)); /* the IA_PD between is skipped */
    d6t_opt *pd = d6t_bundle_first_unhandled(b, D6T_OPT_IA_PD);
    ck_assert_uint_eq(d6t_opt_code(pd), D6T_OPT_IA_PD);
    ck_assert_ptr_null(d6t_bundle_next_unhandled(b, pd));
    ck_assert_ptr_null(d6t_bundle_first_unhandled(b, D6T_OPT_IA_TA));
    /* handled options drop out; walking on from a handled one still works */
    ck_assert_int_eq(d6t_bundle_mark_handled(b, na1), D6T_OK);
    ck_assert_ptr_eq(d6t_bundle_first_unhandled(b, D6T_OPT_IA_NA), na2);
    ck_assert_ptr_eq(d6t_bundle_next_unhandled(b, na1), na2);
    ck_assert_int_eq(d6t_bundle_mark_handled(b, na2), D6T_OK);
    ck_assert_ptr_null(d6t_bundle_first_unhandled(b, D6T_OPT_IA_NA));
    ck_assert_ptr_null(d6t_bundle_next_unhandled(b, na1));
    /* options that are not the request's, and no bundle at all */
    d6t_msg *other = d6t_msg_new(d6t_bundle_arena(b), D6T_MSG_REPLY);
    ck_assert_ptr_null(d6t_bundle_next_unhandled(b, d6t_msg_add_opt(other, D6T_OPT_IA_NA)));
    ck_assert_ptr_null(d6t_bundle_next_unhandled(b, NULL));
    ck_assert_ptr_null(d6t_bundle_first_unhandled(NULL, D6T_OPT_IA_NA));
    d6t_bundle_free(b);
}
END_TEST

/* A caller built against a later header whose options struct has one more field. */
struct later_opts {
    d6t_bundle_opts known;
    uint64_t added;
};

START_TEST(creation_options)
{
    d6t_bundle *b = (d6t_bundle *)&b; /* set to NULL on every failure */
    const char *const marks[] = {"a", NULL, "b"};
    size_t n = unhex(W1_HEX, wire, sizeof wire);
    d6t_bundle_opts o = D6T_BUNDLE_OPTS_INIT;
    ck_assert_uint_eq(o.size, sizeof o);
    o.marks = marks;
    o.nmarks = 3;
    ck_assert_int_eq(d6t_bundle_new(NULL, wire, n, 0, &o, &b, NULL), D6T_OK);
    ck_assert_uint_eq(d6t_bundle_mark_count(b), 2); /* NULL entries are skipped */
    ck_assert_str_eq(d6t_bundle_mark(b, 1), "b");
    d6t_bundle_free(b);
    /* an earlier header that ended before nmarks: nmarks is not read, so no marks */
    o.size = offsetof(d6t_bundle_opts, nmarks);
    ck_assert_int_eq(d6t_bundle_new(NULL, wire, n, 0, &o, &b, NULL), D6T_OK);
    ck_assert_uint_eq(d6t_bundle_mark_count(b), 0);
    d6t_bundle_free(b);
    /* too small to hold even its size */
    o.size = sizeof o.size - 1;
    ck_assert_int_eq(d6t_bundle_new(NULL, wire, n, 0, &o, &b, NULL), D6T_ERR_INVALID_ARG);
    ck_assert_ptr_null(b);
    /* a later header: unknown fields left zero are fine, set ones cannot be honoured */
    struct later_opts later = {D6T_BUNDLE_OPTS_INIT, 0};
    later.known.size = sizeof later;
    later.known.marks = marks;
    later.known.nmarks = 1;
    ck_assert_int_eq(d6t_bundle_new(NULL, wire, n, 0, &later.known, &b, NULL), D6T_OK);
    ck_assert_uint_eq(d6t_bundle_mark_count(b), 1);
    d6t_bundle_free(b);
    later.added = 1;
    ck_assert_int_eq(d6t_bundle_new(NULL, wire, n, 0, &later.known, &b, NULL), D6T_ERR_UNSUPPORTED);
    ck_assert_ptr_null(b);
    /* the same rules and fields from an already parsed message */
    d6t_arena *a = d6t_arena_new(NULL, 0);
    d6t_msg *m;
    ck_assert_int_eq(d6t_msg_parse(a, wire, n, D6T_PARSE_COPY, &m, NULL), D6T_OK);
    ck_assert_int_eq(d6t_bundle_new_from_msg(a, m, 0, &later.known, &b), D6T_ERR_UNSUPPORTED);
    ck_assert_ptr_null(b);
    uint8_t peer[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 0x42}, link[16];
    d6t_bundle_opts t = D6T_BUNDLE_OPTS_INIT;
    t.tcp_peer = peer;
    ck_assert_int_eq(d6t_bundle_new_from_msg(a, m, D6T_BUNDLE_TCP, &t, &b), D6T_ERR_TCP_RELAYED);
    ck_assert_int_eq(d6t_bundle_new_from_msg(a, m, 0, NULL, &b), D6T_OK);
    ck_assert_uint_eq(d6t_bundle_mark_count(b), 0);
    ck_assert_int_eq(d6t_bundle_link_address(b, link), D6T_OK);
    d6t_bundle_free(b);
    d6t_arena_free(a);
    /* over TCP the peer becomes the link address */
    ck_assert_int_eq(bundle_hex(NULL, SOLICIT_HEX, D6T_BUNDLE_TCP, peer, &b), D6T_OK);
    ck_assert_int_eq(d6t_bundle_link_address(b, link), D6T_OK);
    ck_assert_int_eq(memcmp(link, peer, 16), 0);
    d6t_bundle_free(b);
}
END_TEST

static int destroyed;
static void destroy_count(void *p)
{
    destroyed += *(int *)p;
}

START_TEST(handler_data)
{
    static int key1, key2;
    int v1 = 1, v2 = 10, v3 = 100;
    d6t_bundle *b;
    destroyed = 0;
    ck_assert_int_eq(bundle_hex(NULL, SOLICIT_HEX, 0, NULL, &b), D6T_OK);
    ck_assert_ptr_null(d6t_bundle_handler_data(b, &key1));
    ck_assert_int_eq(d6t_bundle_set_handler_data(b, &key1, &v1, destroy_count), D6T_OK);
    ck_assert_int_eq(d6t_bundle_set_handler_data(b, &key2, &v2, destroy_count), D6T_OK);
    ck_assert_ptr_eq(d6t_bundle_handler_data(b, &key1), &v1);
    ck_assert_ptr_eq(d6t_bundle_handler_data(b, &key2), &v2);
    ck_assert_int_eq(d6t_bundle_set_handler_data(b, &key1, &v3, destroy_count), D6T_OK);
    ck_assert_int_eq(destroyed, 1); /* the replaced data was destroyed */
    ck_assert_ptr_eq(d6t_bundle_handler_data(b, &key1), &v3);
    d6t_bundle_free(b);
    ck_assert_int_eq(destroyed, 1 + 10 + 100);
}
END_TEST

static d6t_msg *parse_into(d6t_bundle *b, const char *hex)
{
    uint8_t buf[2000];
    size_t n = unhex(hex, buf, sizeof buf);
    d6t_msg *m;
    ck_assert_int_eq(d6t_msg_parse(d6t_bundle_arena(b), buf, n, D6T_PARSE_COPY, &m, NULL), D6T_OK);
    return m;
}

/* A response written before any handler asked for the chain is wrapped straight from the
 * relay-forwards; asking makes the chain, and writing through it must give the same bytes. Both
 * for every buffer size up to the full one (the size needed is reported the same way), over
 * UDP and TCP, for chains with two Interface-IDs at a level (the first is echoed), a Relay
 * Source Port, an unknown option (not echoed), and a level without any of these. */
static void same_bytes_both_ways(const char *hex, unsigned flags)
{
    uint8_t direct[2000], built[2000];
    size_t dn = 0, bn = 0;
    d6t_bundle *b;
    ck_assert_int_eq(bundle_hex(NULL, hex, flags, NULL, &b), D6T_OK);
    ck_assert_int_eq(d6t_bundle_set_response(b, parse_into(b, W3_HEX)), D6T_OK);
    ck_assert_int_eq(d6t_bundle_outgoing_next(b, direct, sizeof direct, &dn), D6T_OK);
    for (size_t cap = 0; cap < dn; cap++) {
        size_t n = 0;
        d6t_bundle_outgoing_rewind(b);
        ck_assert_int_eq(d6t_bundle_outgoing_next(b, cap ? built : NULL, cap, &n),
                         D6T_ERR_BUFFER_TOO_SMALL);
        ck_assert_uint_eq(n, dn);
    }
    size_t levels = d6t_bundle_outgoing_relay_count(b); /* makes the chain */
    ck_assert_uint_eq(levels, d6t_bundle_incoming_relay_count(b));
    d6t_bundle_outgoing_rewind(b);
    ck_assert_int_eq(d6t_bundle_outgoing_next(b, built, sizeof built, &bn), D6T_OK);
    ck_assert_uint_eq(bn, dn);
    ck_assert_int_eq(memcmp(built, direct, dn), 0);
    for (size_t cap = 0; cap < bn; cap += 7) {
        size_t n = 0;
        d6t_bundle_outgoing_rewind(b);
        ck_assert_int_eq(d6t_bundle_outgoing_next(b, cap ? built : NULL, cap, &n),
                         D6T_ERR_BUFFER_TOO_SMALL);
        ck_assert_uint_eq(n, bn);
    }
    d6t_bundle_free(b);
}

START_TEST(direct_chain_equals_built_chain)
{
    same_bytes_both_ways(W1_HEX, 0);
    char *inner = relay(ZERO16, "fe800000000000000000000000000001",
                        "0012000161"
                        "0012000162"
                        "008700022222"
                        "ff0000021234",
                        SOLICIT_HEX, 0);
    char *outer =
        relay("20010db8000000000000000000000001", "fe800000000000000000000000000002", "", inner, 1);
    same_bytes_both_ways(inner, 0);
    same_bytes_both_ways(outer, 0);
    same_bytes_both_ways(inner, D6T_BUNDLE_TCP); /* one level: what TCP allows */
    /* what the direct path wrote for the inner level: the first Interface-ID, then the port */
    uint8_t out[2000];
    size_t n;
    d6t_bundle *b;
    ck_assert_int_eq(bundle_hex(NULL, inner, 0, NULL, &b), D6T_OK);
    d6t_bundle_set_response(b, parse_into(b, W3_HEX));
    ck_assert_int_eq(d6t_bundle_outgoing_next(b, out, sizeof out, &n), D6T_OK);
    static const uint8_t want[] = {0, 18, 0, 1, 'a', 0, 0x87, 0, 2, 0x22, 0x22, 0, 9};
    ck_assert_int_eq(memcmp(out + 34, want, sizeof want), 0);
    d6t_bundle_free(b);
    free(inner);
    free(outer);
}
END_TEST

START_TEST(relay_reply_equals_reference)
{
    d6t_bundle *b;
    ck_assert_int_eq(bundle_hex(NULL, W1_HEX, 0, NULL, &b), D6T_OK);
    ck_assert(!d6t_bundle_has_responses(b));
    ck_assert_int_eq(d6t_bundle_set_response(b, parse_into(b, W3_HEX)), D6T_OK);
    ck_assert(d6t_bundle_has_responses(b));
    uint8_t out[2000], ref[2000];
    size_t n, rn = unhex(W3R_HEX, ref, sizeof ref);
    ck_assert_int_eq(d6t_bundle_outgoing_next(b, out, sizeof out, &n), D6T_OK);
    ck_assert_uint_eq(n, rn);
    ck_assert_int_eq(memcmp(out, ref, rn), 0);
    ck_assert_int_eq(d6t_bundle_outgoing_next(b, out, sizeof out, &n), D6T_ERR_NOT_FOUND);
    /* the chain mirrors the incoming one level for level */
    ck_assert_uint_eq(d6t_bundle_outgoing_relay_count(b), 2);
    for (size_t i = 0; i < 2; i++) {
        d6t_msg *in = d6t_bundle_incoming_relay(b, i), *o = d6t_bundle_outgoing_relay(b, i);
        uint8_t a1[16], a2[16];
        ck_assert_int_eq(d6t_msg_type(o), D6T_MSG_RELAY_REPL);
        ck_assert_uint_eq(d6t_msg_hop_count(o), d6t_msg_hop_count(in));
        d6t_msg_peer_address(in, a1);
        d6t_msg_peer_address(o, a2);
        ck_assert_int_eq(memcmp(a1, a2, 16), 0);
        ck_assert_ptr_nonnull(d6t_msg_find_opt(o, D6T_OPT_INTERFACE_ID));
    }
    /* single accessor gives the same bytes */
    ck_assert_int_eq(d6t_bundle_outgoing_message(b, out, sizeof out, &n), D6T_OK);
    ck_assert_int_eq(memcmp(out, ref, rn), 0);
    /* where to: the relay agent the datagram came from, on 547 - not the outer relay's
     * peer-address, which is the client here */
    uint8_t to[16], relay_agent[16] = {0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, 0, 1, [15] = 1};
    uint16_t port = 0;
    ck_assert_int_eq(d6t_bundle_destination(b, to, &port), D6T_ERR_NOT_FOUND);
    ck_assert_uint_eq(port, 547);
    d6t_bundle_set_source_address(b, relay_agent);
    d6t_bundle_set_source_port(b, 547);
    ck_assert_int_eq(d6t_bundle_destination(b, to, &port), D6T_OK);
    ck_assert_uint_eq(port, 547);
    ck_assert_int_eq(memcmp(to, relay_agent, 16), 0);
    const uint8_t *iid;
    size_t il;
    ck_assert_int_eq(d6t_bundle_interface_id(b, &iid, &il), D6T_OK);
    ck_assert_uint_eq(il, 7);
    ck_assert_int_eq(memcmp(iid, "Gi0/0/0", 7), 0);
    /* a handler adds an option to the outer level: it shows up, the rest stays */
    d6t_opt *extra = d6t_msg_add_opt(d6t_bundle_outgoing_relay(b, 1), D6T_OPT_PREFERENCE);
    ck_assert_ptr_nonnull(extra);
    d6t_bundle_outgoing_rewind(b);
    ck_assert_int_eq(d6t_bundle_outgoing_next(b, out, sizeof out, &n), D6T_OK);
    ck_assert_uint_eq(n, rn + 5);
    d6t_bundle_free(b);
}
END_TEST

struct gen_state {
    int left, made, destroyed;
};

static d6t_status gen_replies(void *ctx, d6t_bundle *b, d6t_arena *scratch, d6t_msg **out)
{
    struct gen_state *g = ctx;
    (void)b;
    if (g->left == 0) {
        *out = NULL;
        return D6T_OK;
    }
    g->left--;
    d6t_msg *m = d6t_msg_new(scratch, D6T_MSG_LEASEQUERY_DATA);
    d6t_msg_set_transaction_id(m, (uint32_t)++g->made);
    d6t_opt *o = d6t_msg_add_opt(m, D6T_OPT_CLT_TIME);
    d6t_opt_set_u32(o, D6T_CLT_TIME_CLT_TIME, (uint32_t)g->made);
    *out = m;
    return D6T_OK;
}

static void gen_destroy(void *ctx)
{
    ((struct gen_state *)ctx)->destroyed++;
}

START_TEST(lazy_responses_over_tcp)
{
    d6t_bundle *b;
    uint8_t peer[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 9};
    ck_assert_int_eq(bundle_hex(NULL, "0e000001", D6T_BUNDLE_TCP, peer, &b), D6T_OK);
    struct gen_state g = {100000, 0, 0};
    ck_assert_int_eq(d6t_bundle_set_response_generator(b, gen_replies, &g, gen_destroy),
                     D6T_ERR_NOT_FOUND);
    d6t_msg *first = d6t_msg_new(d6t_bundle_arena(b), D6T_MSG_LEASEQUERY_REPLY);
    d6t_msg_set_transaction_id(first, 1);
    ck_assert_int_eq(d6t_bundle_set_response(b, first), D6T_OK);
    ck_assert_int_eq(d6t_bundle_set_response_generator(b, gen_replies, &g, gen_destroy), D6T_OK);
    uint8_t out[100];
    size_t n, count = 0;
    ck_assert_int_eq(d6t_bundle_outgoing_next(b, out, sizeof out, &n), D6T_OK);
    ck_assert_uint_eq(n, 6); /* 2-byte frame length + 4-byte message */
    ck_assert_uint_eq(out[1], 4);
    ck_assert_uint_eq(out[2], D6T_MSG_LEASEQUERY_REPLY);
    size_t used = d6t_arena_used(d6t_bundle_arena(b));
    d6t_status st;
    while ((st = d6t_bundle_outgoing_next(b, out, sizeof out, &n)) == D6T_OK) {
        count++;
        ck_assert_uint_eq(n, 2 + 4 + 8);
        ck_assert_uint_eq(out[2], D6T_MSG_LEASEQUERY_DATA);
        ck_assert_uint_eq((uint32_t)out[12] << 8 | out[13], count & 0xffff);
        if (count == 5) {
            /* a too small buffer keeps the same message for the next call */
            ck_assert_int_eq(d6t_bundle_outgoing_next(b, out, 5, &n), D6T_ERR_BUFFER_TOO_SMALL);
            ck_assert_uint_eq(n, 14);
        }
    }
    ck_assert_int_eq(st, D6T_ERR_NOT_FOUND);
    ck_assert_uint_eq(count, 100000);
    /* the bundle's own arena did not grow with the number of messages */
    ck_assert_uint_eq(d6t_arena_used(d6t_bundle_arena(b)), used);
    ck_assert_int_eq(g.destroyed, 1);
    /* a second pass yields the first message only: the generator is single-pass */
    d6t_bundle_outgoing_rewind(b);
    ck_assert_int_eq(d6t_bundle_outgoing_next(b, out, sizeof out, &n), D6T_OK);
    ck_assert_uint_eq(out[2], D6T_MSG_LEASEQUERY_REPLY);
    ck_assert_int_eq(d6t_bundle_outgoing_next(b, out, sizeof out, &n), D6T_ERR_NOT_FOUND);
    /* clearing the response clears the generator too */
    struct gen_state g2 = {3, 0, 0};
    d6t_bundle_set_response_generator(b, gen_replies, &g2, gen_destroy);
    ck_assert_int_eq(d6t_bundle_set_response(b, NULL), D6T_OK);
    ck_assert_int_eq(g2.destroyed, 1);
    ck_assert(!d6t_bundle_has_responses(b));
    ck_assert_int_eq(d6t_bundle_outgoing_next(b, out, sizeof out, &n), D6T_ERR_NOT_FOUND);
    d6t_bundle_free(b);
}
END_TEST

/* The generator's scratch arena is bounded: by the bundle arena's limit, else 1 MiB. */
static d6t_status gen_greedy(void *ctx, d6t_bundle *b, d6t_arena *scratch, d6t_msg **out)
{
    size_t *want = ctx;
    (void)b;
    *out = NULL;
    if (!*want) return D6T_OK;
    void *p = d6t_arena_alloc(scratch, *want);
    *want = 0;
    if (!p) return D6T_ERR_NOMEM;
    *out = d6t_msg_new(scratch, D6T_MSG_LEASEQUERY_DATA);
    return D6T_OK;
}

static d6t_status greedy_pass(d6t_arena *a, size_t want)
{
    d6t_bundle *b;
    uint8_t peer[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 9};
    ck_assert_int_eq(bundle_hex(a, "0e000001", D6T_BUNDLE_TCP, peer, &b), D6T_OK);
    d6t_msg *first = d6t_msg_new(d6t_bundle_arena(b), D6T_MSG_LEASEQUERY_REPLY);
    ck_assert_int_eq(d6t_bundle_set_response(b, first), D6T_OK);
    ck_assert_int_eq(d6t_bundle_set_response_generator(b, gen_greedy, &want, NULL), D6T_OK);
    uint8_t out[100];
    size_t n;
    ck_assert_int_eq(d6t_bundle_outgoing_next(b, out, sizeof out, &n), D6T_OK);
    d6t_status st = d6t_bundle_outgoing_next(b, out, sizeof out, &n);
    d6t_bundle_free(b);
    return st; /* OK: the generated message came; NOT_FOUND: its allocation failed */
}

START_TEST(generator_scratch_is_bounded)
{
    ck_assert_int_eq(greedy_pass(NULL, 512 * 1024), D6T_OK);
    ck_assert_int_eq(greedy_pass(NULL, 2 * 1024 * 1024), D6T_ERR_NOT_FOUND);
    d6t_arena *a = d6t_arena_new(NULL, 0);
    d6t_arena_set_limit(a, 64 * 1024);
    ck_assert_int_eq(greedy_pass(a, 16 * 1024), D6T_OK);
    ck_assert_int_eq(greedy_pass(a, 128 * 1024), D6T_ERR_NOT_FOUND);
    d6t_arena_free(a);
}
END_TEST

struct logbuf {
    int count, level;
    char last[256];
};

static void logger(void *ctx, int level, const char *msg)
{
    struct logbuf *l = ctx;
    l->count++;
    l->level = level;
    snprintf(l->last, sizeof l->last, "%s", msg);
}

START_TEST(wrong_direction_responses)
{
    d6t_bundle *b;
    struct logbuf lb = {0, 0, ""};
    ck_assert_int_eq(bundle_hex(NULL, W1_HEX, 0, NULL, &b), D6T_OK);
    d6t_bundle_set_log(b, logger, &lb);
    ck_assert_int_eq(d6t_bundle_set_response(b, d6t_msg_new(d6t_bundle_arena(b), D6T_MSG_REQUEST)),
                     D6T_OK);
    uint8_t out[600];
    size_t n;
    ck_assert_int_eq(d6t_bundle_outgoing_message(b, out, sizeof out, &n), D6T_ERR_NOT_FOUND);
    ck_assert_int_eq(lb.count, 1);
    ck_assert_int_eq(lb.level, 3);
    ck_assert_ptr_nonnull(strstr(lb.last, "REQUEST"));
    ck_assert_int_eq(d6t_bundle_outgoing_next(b, out, sizeof out, &n), D6T_ERR_NOT_FOUND);
    ck_assert_int_eq(lb.count, 2);
    d6t_bundle_free(b);
}
END_TEST

START_TEST(echo_request_and_source_port)
{
    /* relay with Remote-ID, Subscriber-ID, an ERO asking for Remote-ID and Relay-ID (absent),
     * Relay Source Port and Interface-ID */
    char *r = relay("20010db8000000000000000000000001", "fe800000000000000000000000000001",
                    "0025000800000009abcdef01"
                    "002600027879"
                    "002b000400250035"
                    "008700022222"
                    "0012000141",
                    SOLICIT_HEX, 0);
    d6t_bundle *b;
    ck_assert_int_eq(bundle_hex(NULL, r, 0, NULL, &b), D6T_OK);
    d6t_msg *adv = d6t_msg_new(d6t_bundle_arena(b), D6T_MSG_ADVERTISE);
    d6t_bundle_set_response(b, adv);
    ck_assert_int_eq(d6t_bundle_create_outgoing_relay_messages(b), D6T_OK);
    d6t_msg *o = d6t_bundle_outgoing_relay(b, 0);
    d6t_opt *x = d6t_msg_first_opt(o);
    ck_assert_uint_eq(d6t_opt_code(x), D6T_OPT_INTERFACE_ID);
    x = d6t_opt_next(x);
    ck_assert_uint_eq(d6t_opt_code(x), D6T_OPT_RELAY_SOURCE_PORT);
    x = d6t_opt_next(x);
    ck_assert_uint_eq(d6t_opt_code(x), D6T_OPT_REMOTE_ID); /* named in the ERO */
    x = d6t_opt_next(x);
    ck_assert_uint_eq(d6t_opt_code(x), D6T_OPT_RELAY_MSG); /* not Subscriber-ID: not asked for */
    ck_assert_ptr_null(d6t_opt_next(x));
    uint8_t to[16], relay_agent[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
    uint16_t port;
    d6t_bundle_set_source_address(b, relay_agent);
    ck_assert_int_eq(d6t_bundle_destination(b, to, &port), D6T_ERR_NOT_FOUND); /* port unknown */
    d6t_bundle_set_source_port(b, 10547);
    ck_assert_int_eq(d6t_bundle_destination(b, to, &port), D6T_OK);
    ck_assert_uint_eq(port, 10547);
    ck_assert_int_eq(memcmp(to, relay_agent, 16), 0);
    d6t_bundle_free(b);
    free(r);
    /* unrelayed: back to the client on 546 once the host says where it came from */
    ck_assert_int_eq(bundle_hex(NULL, SOLICIT_HEX, D6T_BUNDLE_MULTICAST, NULL, &b), D6T_OK);
    ck_assert_int_eq(d6t_bundle_destination(b, to, &port), D6T_ERR_NOT_FOUND);
    uint8_t cl[16] = {0xfe, 0x80, [15] = 7};
    d6t_bundle_set_source_address(b, cl);
    ck_assert_int_eq(d6t_bundle_destination(b, to, &port), D6T_OK);
    ck_assert_uint_eq(port, 546);
    ck_assert_int_eq(memcmp(to, cl, 16), 0);
    ck_assert_int_eq(d6t_bundle_interface_id(b, NULL, NULL), D6T_ERR_NOT_FOUND);
    /* unrelayed response is written as is */
    d6t_msg *adv2 = d6t_msg_new(d6t_bundle_arena(b), D6T_MSG_ADVERTISE);
    d6t_msg_set_transaction_id(adv2, 0xabcdef);
    d6t_bundle_set_response(b, adv2);
    uint8_t out[64];
    size_t n;
    ck_assert_int_eq(d6t_bundle_outgoing_next(b, out, sizeof out, &n), D6T_OK);
    ck_assert_uint_eq(n, 4);
    ck_assert_uint_eq(out[0], 2);
    ck_assert_uint_eq(d6t_bundle_outgoing_relay_count(b), 0);
    d6t_bundle_free(b);
}
END_TEST

START_TEST(framer)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    d6t_framer *f = d6t_framer_new(a, 100);
    const uint8_t *m;
    size_t n;
    /* two frames in one read, the second split over three reads */
    uint8_t s1[] = {0, 4, 1, 2, 3, 4, 0, 3, 9};
    ck_assert_int_eq(d6t_framer_next(f, &m, &n), D6T_ERR_NOT_FOUND);
    size_t took = d6t_framer_feed(f, s1, sizeof s1);
    ck_assert_uint_eq(took, 6); /* stops after the first whole frame */
    ck_assert_int_eq(d6t_framer_next(f, &m, &n), D6T_OK);
    ck_assert_uint_eq(n, 4);
    ck_assert_uint_eq(m[3], 4);
    ck_assert_uint_eq(d6t_framer_feed(f, s1 + took, sizeof s1 - took), 3);
    ck_assert_int_eq(d6t_framer_next(f, &m, &n), D6T_ERR_NOT_FOUND);
    uint8_t s2[] = {8}, s3[] = {7, 0};
    ck_assert_uint_eq(d6t_framer_feed(f, s2, 1), 1);
    ck_assert_int_eq(d6t_framer_next(f, &m, &n), D6T_ERR_NOT_FOUND);
    ck_assert_uint_eq(d6t_framer_feed(f, s3, 2), 1);
    ck_assert_int_eq(d6t_framer_next(f, &m, &n), D6T_OK);
    ck_assert_uint_eq(n, 3);
    ck_assert_uint_eq(m[0], 9);
    ck_assert_uint_eq(m[2], 7);
    /* a zero-length frame breaks the stream for good */
    uint8_t z[] = {0, 0, 0, 1, 5};
    d6t_framer_feed(f, z, sizeof z);
    ck_assert_int_eq(d6t_framer_next(f, &m, &n), D6T_ERR_OPT_LENGTH);
    ck_assert_uint_eq(d6t_framer_feed(f, z, sizeof z), 0);
    ck_assert_int_eq(d6t_framer_next(f, &m, &n), D6T_ERR_OPT_LENGTH);
    /* oversize frame */
    d6t_framer *g = d6t_framer_new(a, 100);
    uint8_t big[] = {0, 101};
    d6t_framer_feed(g, big, 2);
    ck_assert_int_eq(d6t_framer_next(g, &m, &n), D6T_ERR_OPT_LENGTH);
    d6t_arena_free(a);
}
END_TEST

START_TEST(steady_state_no_heap)
{
    /* a reused caller-memory arena: bundle, reply and relay chain without touching the heap */
    static _Alignas(16) uint8_t mem[16384];
    d6t_arena *a = d6t_arena_new_in(mem, sizeof mem, NULL);
    uint8_t in[400], w3[400], out[600];
    size_t n = unhex(W1_HEX, in, sizeof in), n3 = unhex(W3_HEX, w3, sizeof w3), len;
    for (int round = 0; round < 50; round++) {
        d6t_arena_reset(a);
        d6t_bundle *b;
        ck_assert_int_eq(d6t_bundle_new(a, in, n, 0, NULL, &b, NULL), D6T_OK);
        d6t_msg *r;
        ck_assert_int_eq(d6t_msg_parse(a, w3, n3, 0, &r, NULL), D6T_OK);
        d6t_bundle_set_response(b, r);
        ck_assert_int_eq(d6t_bundle_outgoing_next(b, out, sizeof out, &len), D6T_OK);
        ck_assert_uint_eq(len, 304);
        d6t_bundle_free(b);
        ck_assert_uint_eq(d6t_arena_heap_blocks(a), 0);
    }
    d6t_arena_free(a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("bundle");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, split_and_link_address);
    tcase_add_test(tc, direct_chain_equals_built_chain);
    tcase_add_test(tc, no_request_cases);
    tcase_add_test(tc, tcp_rules);
    tcase_add_test(tc, policy_flags);
    tcase_add_test(tc, marks_and_description);
    tcase_add_test(tc, handled_options);
    tcase_add_test(tc, handled_marks_follow_edits);
    tcase_add_test(tc, handled_marks_in_a_long_request);
    tcase_add_test(tc, one_code_shortcuts);
    tcase_add_test(tc, creation_options);
    tcase_add_test(tc, handler_data);
    tcase_add_test(tc, relay_reply_equals_reference);
    tcase_add_test(tc, lazy_responses_over_tcp);
    tcase_add_test(tc, generator_scratch_is_bounded);
    tcase_add_test(tc, wrong_direction_responses);
    tcase_add_test(tc, echo_request_and_source_port);
    tcase_add_test(tc, framer);
    tcase_add_test(tc, steady_state_no_heap);
    suite_add_tcase(s, tc);
    return run_suite(s) ? 1 : 0;
}
