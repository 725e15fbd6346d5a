/* Transaction-bundle properties on hostile input: whatever parses must give a consistent
 * bundle, and a reply to it must come out as a well-formed relay-reply chain that mirrors the
 * incoming relay chain level for level.
 * SPDX-License-Identifier: BSD-2-Clause */
#include "fuzz_common.h"
#include <string.h>

/* Rapid commit can only be turned off, unicast only on; marks are a trimmed set in insertion
 * order; handler data is replaced (destructor run) and found by its key. */
static int destroyed[2]; /* [1] is still set when the bundle is freed */

static void count_destroyed(void *data)
{
    ++*(int *)data;
}

static void check_policy(d6t_bundle *b, unsigned flags, uint32_t h)
{
    CHECK(d6t_bundle_allow_rapid_commit(b) == 0 || (flags & D6T_BUNDLE_RAPID_COMMIT));
    CHECK(d6t_bundle_allow_unicast(b) == 0);
    CHECK(d6t_bundle_set_allow_unicast(b, 0) == D6T_OK); /* no change: fine */
    CHECK(d6t_bundle_set_allow_unicast(b, 1) == D6T_OK && d6t_bundle_allow_unicast(b) == 1);
    CHECK(d6t_bundle_set_allow_unicast(b, 0) == D6T_ERR_INVALID_ARG);
    CHECK(d6t_bundle_set_allow_rapid_commit(b, 0) == D6T_OK);
    CHECK(d6t_bundle_allow_rapid_commit(b) == 0);
    CHECK(d6t_bundle_set_allow_rapid_commit(b, 1) == D6T_ERR_INVALID_ARG);

    static const char *const marks[] = {"one", " two\t", "three", "two"};
    size_t k = 1 + (h & 3);
    for (size_t i = 0; i < k; i++) CHECK(d6t_bundle_add_mark(b, marks[i]) == D6T_OK);
    CHECK(d6t_bundle_mark_count(b) == (k == 4 ? 3 : k)); /* "two" is " two\t" trimmed */
    CHECK(d6t_bundle_has_mark(b, "one") && !d6t_bundle_has_mark(b, "four"));
    if (k >= 2) {
        CHECK(d6t_bundle_remove_mark(b, "one") == D6T_OK);
        CHECK(!d6t_bundle_has_mark(b, "one") && strcmp(d6t_bundle_mark(b, 0), "two") == 0);
    }
    CHECK(d6t_bundle_remove_mark(b, "four") == D6T_ERR_NOT_FOUND);

    static int key1, key2;
    destroyed[0] = destroyed[1] = 0;
    CHECK(d6t_bundle_handler_data(b, &key1) == NULL);
    CHECK(d6t_bundle_set_handler_data(b, &key1, &destroyed[0], count_destroyed) == D6T_OK);
    CHECK(d6t_bundle_set_handler_data(b, &key2, &key2, NULL) == D6T_OK);
    CHECK(d6t_bundle_set_handler_data(b, &key1, &destroyed[1], count_destroyed) == D6T_OK);
    CHECK(destroyed[0] == 1 && destroyed[1] == 0);
    CHECK(d6t_bundle_handler_data(b, &key1) == &destroyed[1]);
    CHECK(d6t_bundle_handler_data(b, &key2) == &key2);
}

static void check_incoming(d6t_bundle *b, unsigned flags, uint32_t h)
{
    d6t_status st;
    d6t_msg *req = d6t_bundle_request(b);
    CHECK((req == NULL) != (d6t_bundle_no_request_reason(b) == NULL));
    size_t n = d6t_bundle_incoming_relay_count(b);
    CHECK(n <= D6T_HOP_COUNT_LIMIT);
    CHECK(!req ? n == 0 : 1);
    for (size_t i = 0; i < n; i++)
        CHECK(d6t_msg_type(d6t_bundle_incoming_relay(b, i)) == D6T_MSG_RELAY_FORW);
    CHECK(d6t_bundle_incoming_relay(b, n) == NULL);
    CHECK(d6t_bundle_relay_count(b) <= n);
    CHECK(d6t_bundle_received_over_multicast(b) == !!(flags & D6T_BUNDLE_MULTICAST));
    CHECK(d6t_bundle_received_over_tcp(b) == !!(flags & D6T_BUNDLE_TCP));
    uint8_t a[16];
    static const uint8_t unspecified[16];
    size_t nrelay = d6t_bundle_relay_count(b);
    for (size_t i = 0; i < nrelay; i++) {
        CHECK(d6t_bundle_relay(b, i, a) == D6T_OK);
        CHECK(memcmp(a, unspecified, 16) != 0); /* "::" is left out */
    }
    CHECK(d6t_bundle_relay(b, nrelay, a) == D6T_ERR_NOT_FOUND);
    const uint8_t *ifid = NULL;
    size_t iflen = 0;
    st = d6t_bundle_interface_id(b, &ifid, &iflen);
    d6t_opt *outer_ifid =
        n ? d6t_msg_find_opt(d6t_bundle_incoming_relay(b, n - 1), D6T_OPT_INTERFACE_ID) : NULL;
    CHECK((st == D6T_OK) == (outer_ifid != NULL));
    if (st == D6T_OK) {
        size_t dl;
        CHECK(d6t_opt_data(outer_ifid, &dl) == ifid && dl == iflen);
    }
    st = d6t_bundle_link_address(b, a);
    CHECK(st == D6T_OK || (st == D6T_ERR_NOT_FOUND && (flags & D6T_BUNDLE_TCP)));
    check_policy(b, flags, h);
    char line[64], full[4096];
    size_t need = d6t_bundle_describe(b, line, sizeof line);
    CHECK(strlen(line) == (need < sizeof line ? need : sizeof line - 1));
    CHECK(d6t_bundle_describe(b, full, sizeof full) == need);
    /* every unhandled IA, once handled, is gone from the list */
    const uint16_t ias[] = {D6T_OPT_IA_NA, D6T_OPT_IA_TA, D6T_OPT_IA_PD};
    size_t cnt = d6t_bundle_unhandled_count(b, ias, 3), seen = 0;
    d6t_opt *o;
    /* the one-code walk sees the same options as the array form */
    for (size_t c = 0; c < 3; c++) {
        size_t k = 0;
        for (o = d6t_bundle_first_unhandled(b, ias[c]); o; o = d6t_bundle_next_unhandled(b, o))
            CHECK(o == d6t_bundle_unhandled(b, &ias[c], 1, k++));
        CHECK(k == d6t_bundle_unhandled_count(b, &ias[c], 1));
    }
    while ((o = d6t_bundle_unhandled(b, ias, 3, 0)) != NULL) {
        CHECK(d6t_bundle_mark_handled(b, o) == D6T_OK);
        CHECK(d6t_bundle_is_handled(b, o));
        CHECK(++seen <= cnt);
    }
    CHECK(seen == cnt);
}

/* The written chain: as many RELAY-REPL levels as RELAY-FORW levels came in, then the reply. */
static void check_outgoing(d6t_bundle *b, unsigned flags, uint32_t txid)
{
    static uint8_t out[70000];
    size_t len = 0;
    d6t_status st = d6t_bundle_outgoing_next(b, out, sizeof out, &len);
    if (st == D6T_ERR_TOO_LONG) return; /* echoed relay options can push a level past 64 KiB */
    CHECK(st == D6T_OK);
    size_t hdr = (flags & D6T_BUNDLE_TCP) ? 2 : 0;
    if (hdr) CHECK(((size_t)out[0] << 8 | out[1]) == len - 2);
    d6t_arena *a = d6t_arena_new(NULL, 0);
    d6t_msg *m;
    CHECK(d6t_msg_parse(a, out + hdr, len - hdr, 0, &m, NULL) == D6T_OK);
    for (size_t i = d6t_bundle_incoming_relay_count(b); i > 0; i--) {
        CHECK(d6t_msg_type(m) == D6T_MSG_RELAY_REPL);
        d6t_msg *in = d6t_bundle_incoming_relay(b, i - 1);
        uint8_t x[16], y[16];
        d6t_msg_peer_address(m, x);
        d6t_msg_peer_address(in, y);
        CHECK(memcmp(x, y, 16) == 0 && d6t_msg_hop_count(m) == d6t_msg_hop_count(in));
        CHECK((d6t_msg_find_opt(m, D6T_OPT_INTERFACE_ID) != NULL) ==
              (d6t_msg_find_opt(in, D6T_OPT_INTERFACE_ID) != NULL));
        m = d6t_msg_relayed(m);
        CHECK(m != NULL);
    }
    CHECK(d6t_msg_type(m) == D6T_MSG_REPLY && d6t_msg_transaction_id(m) == txid);
    d6t_arena_free(a);
    size_t first_len = len;
    CHECK(d6t_bundle_outgoing_next(b, out + len, sizeof out - len, &len) == D6T_ERR_NOT_FOUND);
    len = first_len;
    /* the chain the handlers could edit, level for level; a second pass gives the same bytes */
    size_t n = d6t_bundle_incoming_relay_count(b);
    CHECK(d6t_bundle_outgoing_relay_count(b) == n && d6t_bundle_outgoing_relay(b, n) == NULL);
    for (size_t i = 0; i < n; i++)
        CHECK(d6t_msg_type(d6t_bundle_outgoing_relay(b, i)) == D6T_MSG_RELAY_REPL);
    static uint8_t again[70000];
    size_t len2;
    d6t_bundle_outgoing_rewind(b);
    CHECK(d6t_bundle_outgoing_next(b, again, sizeof again, &len2) == D6T_OK);
    CHECK(len2 == len && memcmp(again, out, len) == 0);
}

static void count_log(void *ctx, int level, const char *msg)
{
    CHECK(level >= 0 && level <= 3 && msg && msg[0]);
    ++*(int *)ctx;
}

/* The bundle three ways, picked by h: from the bytes in a private arena, from a message parsed
 * beforehand (d6t_bundle_new_from_msg), or from the bytes in an arena with a tight limit, where
 * running out of memory is the only new failure allowed (then *tight_nomem is set). */
static d6t_status make_bundle(const uint8_t *data, size_t size, unsigned flags,
                              const d6t_bundle_opts *o, uint32_t h, d6t_arena **arena,
                              d6t_bundle **b, int *tight_nomem)
{
    d6t_parse_error e;
    *arena = NULL;
    *tight_nomem = 0;
    switch ((h >> 4) % 3) {
    case 0: return d6t_bundle_new(NULL, data, size, flags, o, b, &e);
    case 1: {
        *arena = d6t_arena_new(NULL, 0);
        CHECK(*arena);
        d6t_msg *m;
        CHECK(d6t_msg_parse(*arena, data, size, 0, &m, &e) == D6T_OK);
        return d6t_bundle_new_from_msg(*arena, m, flags, o, b);
    }
    default: {
        *arena = d6t_arena_new(NULL, 256);
        CHECK(*arena);
        d6t_arena_set_limit(*arena, 512 + (h >> 8) % 16384);
        d6t_status st = d6t_bundle_new(*arena, data, size, flags, o, b, &e);
        if (st == D6T_ERR_NOMEM) *tight_nomem = 1;
        return st;
    }
    }
}

void fz_check_bundle(const uint8_t *data, size_t size, uint32_t h)
{
    unsigned flags = h & (D6T_BUNDLE_MULTICAST | D6T_BUNDLE_TCP | D6T_BUNDLE_RAPID_COMMIT);
    static const uint8_t peer[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 7};
    d6t_bundle *b = NULL;
    d6t_bundle_opts o = D6T_BUNDLE_OPTS_INIT;
    o.tcp_peer = (h & 8) ? peer : NULL;
    d6t_arena *arena;
    int tight_nomem;
    d6t_status st = make_bundle(data, size, flags, &o, h, &arena, &b, &tight_nomem);
    if (st != D6T_OK) {
        /* the message parsed before: only the TCP rule, or a tight arena, may refuse it */
        CHECK(b == NULL);
        CHECK(tight_nomem || (st == D6T_ERR_TCP_RELAYED && (flags & D6T_BUNDLE_TCP)));
        d6t_arena_free(arena);
        return;
    }
    int logged = 0;
    d6t_bundle_set_log(b, count_log, &logged);
    if (arena && (h >> 4) % 3 == 2) {
        /* a tight arena: the bundle stands; what follows may run out of memory anywhere */
        d6t_bundle_free(b);
        d6t_arena_free(arena);
        return;
    }
    check_incoming(b, flags, h);
    d6t_msg *req = d6t_bundle_request(b);
    if (req) {
        d6t_msg *r = d6t_msg_new(d6t_bundle_arena(b), D6T_MSG_REPLY);
        CHECK(r != NULL);
        d6t_msg_set_transaction_id(r, d6t_msg_transaction_id(req));
        d6t_opt *cid = d6t_msg_find_opt(req, D6T_OPT_CLIENTID);
        if (cid) CHECK(d6t_msg_add_opt_copy(r, cid) != NULL);
        CHECK(!d6t_bundle_has_responses(b));
        CHECK(d6t_bundle_set_response(b, r) == D6T_OK);
        CHECK(d6t_bundle_has_responses(b) && d6t_bundle_response(b) == r);
        check_outgoing(b, flags, d6t_msg_transaction_id(req));
        /* a client's message as the response is never sent, and says so in the log */
        if (h & 0x100) {
            d6t_msg *wrong = d6t_msg_new(d6t_bundle_arena(b), D6T_MSG_REQUEST);
            CHECK(wrong && d6t_bundle_set_response(b, wrong) == D6T_OK);
            uint8_t buf[64];
            size_t len;
            int before = logged;
            CHECK(d6t_bundle_outgoing_message(b, buf, sizeof buf, &len) == D6T_ERR_NOT_FOUND);
            CHECK(logged > before);
            CHECK(d6t_bundle_set_response(b, r) == D6T_OK);
        }
        uint8_t to[16], src[16] = {0xfe, 0x80, [15] = 1};
        uint16_t port;
        d6t_bundle_set_source_address(b, src);
        d6t_bundle_set_source_port(b, 10547);
        st = d6t_bundle_destination(b, to, &port);
        CHECK((flags & D6T_BUNDLE_TCP) ? st == D6T_ERR_WRONG_KIND : st == D6T_OK);
    }
    d6t_bundle_free(b);
    d6t_arena_free(arena);
    CHECK(destroyed[0] == 1 && destroyed[1] == 1);
}
