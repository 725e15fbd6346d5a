/* fuzz_server: the server's DHCPv6 logic under hostile input, with state kept across messages.
 *
 * One input is a short conversation: up to MAX_RECORDS records, each
 *   [flags] [length, 2 bytes] [that many bytes of a datagram (cut short at the end of the input)]
 * handed in turn to one fresh server (three links: two with tiny pools, one behind relays; rapid
 * commit and leasequery on; room for only 48 leases), as main.c would: a bundle from the bytes,
 * d6s_handle, every answer written (all messages of a TCP bulk-leasequery stream). flags:
 * bit 0 multicast, bit 1 from a global address and port 547 (a relay) instead of a link-local
 * one and port 546, bits 2-3 the interface (s1, s2, one not configured), bits 4-6 how far the
 * clock moves first (the longer steps run the expiry sweep), bit 7 over TCP: then the bytes are a
 * leasequery connection's stream (2-byte length, message, ...), read in pieces of a size that
 * bits 0-2 pick and framed by d6t_framer, up to 8 messages. A record with
 * flags 0xff is a restart instead: the server stops and starts again from its lease file.
 *
 * Properties, checked after every message:
 * - every answer parses back, is a well-formed relay-reply chain when the request came through
 *   relays, answers with the right message type and the request's transaction ID, carries our
 *   Server Identifier, echoes the client's Client Identifier and passes d6t_msg_validate (but
 *   for the inside of that echoed, opaque DUID);
 * - every address or prefix an answer grants or reports (valid lifetime above 0) is a lease of
 *   the table, of that client and IA, bound (or offered, in an Advertise), and lasting at least
 *   as long as the answer says: the server never promises what it has not recorded;
 * - a message that commits nothing (Solicit without rapid commit, Confirm, Information-request,
 *   leasequery) changes no bound lease;
 * - a bulk leasequery stream reports each binding and each client once, and a query by
 *   Relay-ID, Remote-ID or link address reports every binding it asks for;
 * - the lease table stays consistent: its used count, both hash indexes (each lease is found by
 *   its client key and by its address), unique addresses and client keys, every lease inside a
 *   configured pool, at most D6S_MAX_LEASES_PER_DUID leases per client;
 * - the lease file (synced after every message, as main.c does before it sends) holds every
 *   binding: after a restart each bound or declined lease is back exactly as it was, and
 *   nothing comes back that was not there (offers may be lost: they are not journaled).
 * SPDX-License-Identifier: BSD-2-Clause */
#include "server.h"
#include "fuzz_target.h" /* CHECK, and the entry point the replay driver calls */

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_RECORDS 24
#define RESTART     0xff
#define MAX_STREAM  4096 /* answers of one TCP stream at most (48 leases: far fewer) */

static const char config[] =
    "interface s1\ninterface s2\nt1 1000\nt2 2000\npreferred-lifetime 3000\nvalid-lifetime 4000\n"
    "rapid-commit yes\nleasequery yes\ndns-servers 2001:db8::53 2001:db8::54\n"
    "domain-search lab.example.com example.com\nmax-leases 48\n"
    "subnet 2001:db8:1::/64 interface s1\n  pool 2001:db8:1::10 2001:db8:1::1f\n"
    "  pd-pool 2001:db8:100::/52 56\n"
    "subnet 2001:db8:2::/64 interface s2\n  pool 2001:db8:2::10 2001:db8:2::12\n"
    "subnet 2001:db8:3::/64\n  pool 2001:db8:3::1000 2001:db8:3::1fff\n  pd-pool 2001:db8:300::/56 "
    "60\n";

/* the server DUID the seed corpus echoes in its Requests (DUID-LLT) */
static const uint8_t server_duid[] = {0, 1, 0, 1, 0x2a, 0, 0, 0, 2, 0, 0, 0, 0x23, 3};

/* FUZZ_SERVER_TRACE=1 prints every request and answer (to read a crashing input) */
static int trace;

static void trace_msg(const char *what, unsigned flags, const d6t_msg *m)
{
    static char text[1 << 16];
    d6t_msg_to_text(m, text, sizeof text);
    fprintf(stderr, "--- %s (flags 0x%02x)\n%s\n", what, flags, text);
}

/* Violations that count against the server: all but the structure of a client's DUID, which the
 * answer echoes as it came and which a server must treat as opaque (RFC 9915 section 11: a
 * DUID-UUID of the wrong length is the client's business). ctx: the count, or NULL to print. */
static int server_violation(void *ctx, d6t_violation_kind kind, const char *where, const char *what)
{
    if (strstr(where, "OPTION_CLIENTID") && (kind == D6T_V_LENGTH || kind == D6T_V_VALUE)) return 0;
    if (ctx)
        ++*(size_t *)ctx;
    else
        fprintf(stderr, "violation %d at %s: %s\n", (int)kind, where, what);
    return 0;
}

static int in_pool(const struct d6s_config *c, const struct d6s_lease *e)
{
    if (e->subnet >= c->nsubnets) return 0;
    const struct d6s_subnet *sn = &c->subnets[e->subnet];
    if (e->type == D6T_OPT_IA_NA)
        return e->plen == 128 && sn->has_na && memcmp(e->addr, sn->na_start, 16) >= 0 &&
               memcmp(e->addr, sn->na_end, 16) <= 0;
    return e->type == D6T_OPT_IA_PD && sn->has_pd && e->plen == sn->pd_len &&
           d6s_prefix_contains(sn->pd_prefix, sn->pd_plen, e->addr);
}

static void trace_leases(const struct d6s_leases *l)
{
    for (uint32_t i = 0; i < l->cap; i++) {
        const struct d6s_lease *e = &l->v[i];
        if (e->state == D6S_FREE) continue;
        char duid[2 * D6S_DUID_MAX + 1];
        d6s_hex(e->duid, e->duid_len, duid);
        fprintf(stderr, "lease %u: state %u type %u iaid %08x plen %u addr", i, e->state, e->type,
                e->iaid, e->plen);
        for (int k = 0; k < 16; k++) fprintf(stderr, "%s%02x", k % 2 || !k ? "" : ":", e->addr[k]);
        char rid[2 * D6S_DUID_MAX + 1], rem[2 * D6S_REMOTE_ID_MAX + 1];
        d6s_hex(e->relay_id, e->relay_id_len, rid);
        d6s_hex(e->remote_id, e->remote_id_len, rem);
        fprintf(stderr,
                " duid %s subnet %u cltt %lld pref until %lld valid until %lld relay-id %s "
                "remote-id %s link",
                duid, e->subnet, (long long)e->cltt, (long long)e->pref_until,
                (long long)e->valid_until, rid, rem);
        for (int k = 0; k < 16; k++) fprintf(stderr, "%s%02x", k % 2 || !k ? "" : ":", e->link[k]);
        fputc('\n', stderr);
    }
}

static void check_leases(const struct d6s_server *s)
{
    const struct d6s_leases *l = &s->leases;
    uint32_t used = 0;
    if (trace) trace_leases(l);
    for (uint32_t i = 0; i < l->cap; i++) {
        const struct d6s_lease *e = &l->v[i];
        if (e->state == D6S_FREE) continue;
        used++;
        CHECK(e->state <= D6S_DECLINED);
        CHECK(e->duid_len <= D6S_DUID_MAX && e->relay_id_len <= D6S_DUID_MAX &&
              e->remote_id_len <= D6S_REMOTE_ID_MAX);
        CHECK(in_pool(&s->cfg, e));
        /* found again by address: addresses (and prefixes) are unique */
        CHECK(d6s_lease_find_addr(l, e->addr, e->plen) == (int32_t)i);
        if (e->state == D6S_DECLINED) continue; /* held by the server, not by a client key */
        /* found again by its client key, which no other lease shares */
        CHECK(d6s_lease_find_ia(l, e->type, e->duid, e->duid_len, e->iaid) == (int32_t)i);
        CHECK(d6s_lease_count_duid(l, e->duid, e->duid_len) <= D6S_MAX_LEASES_PER_DUID);
        CHECK(e->valid_until >= e->pref_until);
    }
    CHECK(used == l->used);
}

/* An address or prefix the answer grants (valid lifetime above 0) is a lease of the table:
 * same address and length, IA type and IAID (ia_code 0: any, as in leasequery), held by the
 * client 'duid', bound (or offered, in an Advertise), and (but in an Advertise, which only
 * quotes) lasting at least as long as it says. */
static void check_granted(const struct d6s_server *s, const d6t_opt *c, uint16_t ia_code,
                          uint32_t iaid, const uint8_t *duid, size_t dlen, int offer_ok)
{
    uint8_t a[16], plen = 128;
    uint32_t pref = 0, valid = 0;
    if (d6t_opt_code(c) == D6T_OPT_IAADDR) {
        CHECK(d6t_opt_get_addr6(c, D6T_IAADDR_ADDRESS, a) == D6T_OK);
        d6t_opt_get_u32(c, D6T_IAADDR_PREFERRED_LIFETIME, &pref);
        d6t_opt_get_u32(c, D6T_IAADDR_VALID_LIFETIME, &valid);
    } else if (d6t_opt_code(c) == D6T_OPT_IAPREFIX) {
        CHECK(d6t_opt_get_prefix(c, D6T_IAPREFIX_PREFIX, a, &plen) == D6T_OK);
        d6t_opt_get_u32(c, D6T_IAPREFIX_PREFERRED_LIFETIME, &pref);
        d6t_opt_get_u32(c, D6T_IAPREFIX_VALID_LIFETIME, &valid);
    } else {
        return;
    }
    if (valid == 0) return; /* "stop using this": promises nothing */
    int32_t i = d6s_lease_find_addr(&s->leases, a, plen);
    CHECK(i >= 0);
    const struct d6s_lease *e = &s->leases.v[i];
    CHECK(e->state == D6S_BOUND || (offer_ok && e->state == D6S_OFFERED));
    CHECK(e->duid_len == dlen && !memcmp(e->duid, duid, dlen));
    if (ia_code)
        CHECK(e->type == ia_code && e->iaid == iaid);
    else
        CHECK(e->type ==
              (plen == 128 && d6t_opt_code(c) == D6T_OPT_IAADDR ? D6T_OPT_IA_NA : D6T_OPT_IA_PD));
    CHECK(pref <= valid);
    /* an Advertise quotes the lifetimes a Request would get: no promise, nothing to hold */
    if (!offer_ok)
        CHECK(s->now + (int64_t)valid <= e->valid_until &&
              (pref == 0 || s->now + (int64_t)pref <= e->pref_until));
}

/* What one bulk-leasequery stream reported so far: each binding and each client once. */
struct reported {
    uint8_t addr[64][17]; /* address or prefix, then its length */
    size_t naddr;
    uint8_t duid[64][D6S_DUID_MAX + 1]; /* length, then the DUID */
    size_t nduid;
};
static struct reported seen_in_stream;

static void note_reported(const uint8_t *duid, size_t dlen, const d6t_opt *cd)
{
    struct reported *r = &seen_in_stream;
    for (size_t k = 0; k < r->nduid; k++)
        CHECK(r->duid[k][0] != dlen || memcmp(r->duid[k] + 1, duid, dlen));
    CHECK(r->nduid < 64 && dlen <= D6S_DUID_MAX);
    r->duid[r->nduid][0] = (uint8_t)dlen;
    memcpy(r->duid[r->nduid++] + 1, duid, dlen);
    for (d6t_opt *c = d6t_opt_first_child(cd); c; c = d6t_opt_next(c)) {
        uint8_t a[17] = {0};
        a[16] = 128;
        if (d6t_opt_code(c) == D6T_OPT_IAADDR)
            CHECK(d6t_opt_get_addr6(c, D6T_IAADDR_ADDRESS, a) == D6T_OK);
        else if (d6t_opt_code(c) == D6T_OPT_IAPREFIX)
            CHECK(d6t_opt_get_prefix(c, D6T_IAPREFIX_PREFIX, a, &a[16]) == D6T_OK);
        else
            continue;
        for (size_t k = 0; k < r->naddr; k++) CHECK(memcmp(r->addr[k], a, 17));
        CHECK(r->naddr < 64);
        memcpy(r->addr[r->naddr++], a, 17);
    }
}

/* At the end of a bulk query by Relay-ID, Remote-ID or link address (RFC 5460): every binding
 * it asks for was reported (a bound lease still valid, with that identifier or on that link). */
static void check_stream_complete(const struct d6s_server *s, const d6t_msg *req)
{
    d6t_opt *q = d6t_msg_find_opt(req, D6T_OPT_LQ_QUERY);
    uint8_t qt, link[16];
    if (!q || d6t_opt_get_u8(q, D6T_LQ_QUERY_QUERY_TYPE, &qt) ||
        d6t_opt_get_addr6(q, D6T_LQ_QUERY_LINK_ADDRESS, link))
        return;
    static const uint8_t zero[16];
    int has_link = memcmp(link, zero, 16) != 0;
    const uint8_t *key = NULL;
    size_t klen = 0;
    if (qt == 3 || qt == 5) {
        d6t_opt *k = d6t_opt_find_child(q, qt == 3 ? D6T_OPT_RELAY_ID : D6T_OPT_REMOTE_ID);
        if (!k || has_link) return; /* refused, or narrowed by link: not checked here */
        key = d6t_opt_data(k, &klen);
    } else if (qt != 4 || !has_link) {
        return;
    }
    for (uint32_t i = 0; i < s->leases.cap; i++) {
        const struct d6s_lease *e = &s->leases.v[i];
        if (e->state != D6S_BOUND || e->valid_until <= s->now || !e->duid_len) continue;
        int match;
        if (qt == 3)
            match = e->relay_id_len == klen && !memcmp(e->relay_id, key, klen);
        else if (qt == 5)
            match = e->remote_id_len == klen && !memcmp(e->remote_id, key, klen);
        else
            match = !memcmp(e->link, link, 16) ||
                    (e->subnet < s->cfg.nsubnets &&
                     d6s_prefix_contains(s->cfg.subnets[e->subnet].prefix,
                                         s->cfg.subnets[e->subnet].plen, link));
        if (!match) continue;
        uint8_t a[17];
        memcpy(a, e->addr, 16);
        a[16] = e->plen;
        size_t k = 0;
        while (k < seen_in_stream.naddr && memcmp(seen_in_stream.addr[k], a, 17)) k++;
        CHECK(k < seen_in_stream.naddr);
    }
}

/* Every binding an answer hands out or reports is in the lease table as it says. */
static void check_bindings(const struct d6s_server *s, const d6t_msg *req, const d6t_msg *m)
{
    uint8_t t = d6t_msg_type(m);
    const uint8_t *duid = NULL;
    size_t dlen = 0;
    d6t_opt *cid = d6t_msg_find_opt(req, D6T_OPT_CLIENTID);
    int lq = d6t_msg_type(req) == D6T_MSG_LEASEQUERY;
    if (!lq && cid) CHECK(d6t_opt_get_bytes(cid, D6T_CLIENTID_DUID, &duid, &dlen) == D6T_OK);
    for (d6t_opt *o = d6t_msg_first_opt(m); o; o = d6t_opt_next(o)) {
        uint16_t code = d6t_opt_code(o);
        if (!lq && (code == D6T_OPT_IA_NA || code == D6T_OPT_IA_PD)) {
            uint32_t iaid;
            CHECK(d6t_opt_get_ia(o, &iaid, NULL, NULL) == D6T_OK);
            for (d6t_opt *c = d6t_opt_first_child(o); c; c = d6t_opt_next(c))
                check_granted(s, c, code, iaid, duid, dlen, t == D6T_MSG_ADVERTISE);
        } else if (lq && code == D6T_OPT_CLIENT_DATA) {
            /* a leasequery answer reports the client's bindings under its own Client ID */
            d6t_opt *ccid = d6t_opt_find_child(o, D6T_OPT_CLIENTID);
            CHECK(ccid && d6t_opt_get_bytes(ccid, D6T_CLIENTID_DUID, &duid, &dlen) == D6T_OK);
            note_reported(duid, dlen, o);
            for (d6t_opt *c = d6t_opt_first_child(o); c; c = d6t_opt_next(c))
                check_granted(s, c, 0, 0, duid, dlen, 0);
        }
    }
}

/* One answer (the wire bytes of the outermost message) against the request that caused it. */
static void check_answer(const struct d6s_server *s, d6t_bundle *b, const uint8_t *out, size_t len,
                         int tcp)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    CHECK(a != NULL);
    d6t_msg *m = NULL;
    d6t_parse_error err;
    CHECK(d6t_msg_parse(a, out, len, 0, &m, &err) == D6T_OK);
    for (size_t i = d6t_bundle_incoming_relay_count(b); i > 0; i--) {
        CHECK(d6t_msg_type(m) == D6T_MSG_RELAY_REPL);
        m = d6t_msg_relayed(m);
        CHECK(m != NULL);
    }
    if (trace) trace_msg("answer", 0, m);
    /* whatever the request, the answer keeps RFC 9915's rules (the library's validator) */
    size_t bad = 0;
    d6t_msg_validate(m, server_violation, &bad, NULL);
    if (bad) {
        d6t_msg_validate(m, server_violation, NULL, NULL);
        trace_msg("invalid answer", 0, m);
        trace_msg("to", 0, d6t_bundle_incoming(b));
        fprintf(stderr, "fuzz check failed: the answer breaks RFC 9915's rules\n");
        abort();
    }
    d6t_msg *req = d6t_bundle_request(b);
    uint8_t rt = d6t_msg_type(req), t = d6t_msg_type(m);
    CHECK(d6t_msg_transaction_id(m) == d6t_msg_transaction_id(req));
    if (rt == D6T_MSG_LEASEQUERY)
        CHECK(tcp ? (t == D6T_MSG_LEASEQUERY_REPLY || t == D6T_MSG_LEASEQUERY_DATA ||
                     t == D6T_MSG_LEASEQUERY_DONE)
                  : t == D6T_MSG_LEASEQUERY_REPLY);
    else if (rt == D6T_MSG_SOLICIT)
        CHECK(t == D6T_MSG_ADVERTISE || t == D6T_MSG_REPLY);
    else
        CHECK(t == D6T_MSG_REPLY);
    /* LEASEQUERY-DATA and -DONE carry no identifiers of their own (RFC 5460 5.3) */
    if (t != D6T_MSG_LEASEQUERY_DATA && t != D6T_MSG_LEASEQUERY_DONE) {
        const uint8_t *d;
        size_t n;
        d6t_opt *sid = d6t_msg_find_opt(m, D6T_OPT_SERVERID);
        CHECK(sid && d6t_opt_get_bytes(sid, D6T_SERVERID_DUID, &d, &n) == D6T_OK);
        CHECK(n == sizeof server_duid && !memcmp(d, server_duid, n));
        d6t_opt *rcid = d6t_msg_find_opt(req, D6T_OPT_CLIENTID),
                *cid = d6t_msg_find_opt(m, D6T_OPT_CLIENTID);
        if (rcid) {
            const uint8_t *rd;
            size_t rn;
            CHECK(cid && d6t_opt_get_bytes(rcid, D6T_CLIENTID_DUID, &rd, &rn) == D6T_OK);
            CHECK(d6t_opt_get_bytes(cid, D6T_CLIENTID_DUID, &d, &n) == D6T_OK && n == rn &&
                  !memcmp(d, rd, n));
        }
    }
    check_bindings(s, req, m);
    d6t_arena_free(a);
}

/* Two leases are the same binding: every field, identifiers up to their lengths (bytes past a
 * length are left over from a longer value and mean nothing), but not the hash chain links. */
static int same_lease(const struct d6s_lease *a, const struct d6s_lease *b)
{
    return a->state == b->state && a->type == b->type && a->plen == b->plen &&
           a->subnet == b->subnet && a->iaid == b->iaid && !memcmp(a->addr, b->addr, 16) &&
           !memcmp(a->link, b->link, 16) && a->cltt == b->cltt && a->pref_until == b->pref_until &&
           a->valid_until == b->valid_until && a->duid_len == b->duid_len &&
           !memcmp(a->duid, b->duid, a->duid_len) && a->relay_id_len == b->relay_id_len &&
           !memcmp(a->relay_id, b->relay_id, a->relay_id_len) &&
           a->remote_id_len == b->remote_id_len &&
           !memcmp(a->remote_id, b->remote_id, a->remote_id_len);
}

/* Solicit (answered with an Advertise, or not at all), Confirm, Information-request and
 * leasequery commit nothing: every lease bound before is still there, unchanged, unless its
 * time ran out or its own client came back from another link (then it starts over). */
static void check_uncommitted(const struct d6s_server *s, d6t_bundle *b,
                              const struct d6s_lease *bound, size_t n)
{
    d6t_msg *req = d6t_bundle_request(b), *resp = d6t_bundle_response(b);
    if (!req) return;
    uint8_t rt = d6t_msg_type(req);
    int commits = rt == D6T_MSG_REQUEST || rt == D6T_MSG_RENEW || rt == D6T_MSG_REBIND ||
                  rt == D6T_MSG_RELEASE || rt == D6T_MSG_DECLINE ||
                  (rt == D6T_MSG_SOLICIT && resp && d6t_msg_type(resp) == D6T_MSG_REPLY);
    if (commits) return;
    const uint8_t *duid = NULL;
    size_t dlen = 0;
    d6t_opt *cid = d6t_msg_find_opt(req, D6T_OPT_CLIENTID);
    if (cid) d6t_opt_get_bytes(cid, D6T_CLIENTID_DUID, &duid, &dlen);
    for (size_t k = 0; k < n; k++) {
        if (bound[k].valid_until <= s->now) continue; /* past its time: its address may be reused */
        int32_t i = d6s_lease_find_addr(&s->leases, bound[k].addr, bound[k].plen);
        if (i >= 0 && same_lease(&s->leases.v[i], &bound[k])) continue;
        CHECK(i < 0); /* changed in place: never */
        int own = duid && bound[k].duid_len == dlen && !memcmp(bound[k].duid, duid, dlen);
        CHECK(own && rt == D6T_MSG_SOLICIT);
    }
}

/* One message through the server, every answer checked (see the top of the file). */
static void serve_one(struct d6s_server *s, d6t_arena *a, uint8_t flags, const uint8_t *p, size_t n)
{
    static const char *const ifnames[] = {"s1", "s2", "s9", NULL};
    static const uint8_t peer[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 3, [15] = 7};
    int tcp = flags & 0x80;
    d6t_arena_reset(a);
    d6t_bundle *b = NULL;
    unsigned bflags = tcp ? D6T_BUNDLE_TCP
                          : ((flags & 1) ? D6T_BUNDLE_MULTICAST : 0) |
                                (s->cfg.rapid_commit ? D6T_BUNDLE_RAPID_COMMIT : 0);
    d6t_parse_error err;
    /* the TCP path gives the bundle its own arena, as main.c does */
    d6t_bundle_opts o = D6T_BUNDLE_OPTS_INIT;
    o.tcp_peer = tcp ? peer : NULL;
    if (d6t_bundle_new(tcp ? NULL : a, p, n, bflags, &o, &b, &err) != D6T_OK) return;
    if (!tcp) {
        uint8_t src[16] = {0xfe, 0x80, [15] = 0x42};
        if (flags & 2) memcpy(src, (const uint8_t[]){0x20, 0x01, 0x0d, 0xb8, 0, 3, [15] = 1}, 16);
        d6t_bundle_set_source_address(b, src);
        d6t_bundle_set_source_port(b, (flags & 2) ? 547 : 546); /* a relay's port, or a client's */
    }
    const struct d6s_rx rx = {ifnames[(flags >> 2) & 3], flags & 1};
    /* the bound leases before: a message that commits nothing must leave them as they were */
    static struct d6s_lease bound[64];
    size_t nbound = 0;
    for (uint32_t i = 0; i < s->leases.cap && nbound < 64; i++)
        if (s->leases.v[i].state == D6S_BOUND) bound[nbound++] = s->leases.v[i];
    int answer = d6s_handle(s, b, tcp ? NULL : &rx);
    if (trace) trace_msg("request", flags, d6t_bundle_incoming(b));
    check_uncommitted(s, b, bound, nbound);
    if (answer) {
        CHECK(d6t_bundle_request(b) != NULL);
        static uint8_t out[65536 + 2];
        size_t len;
        if (tcp) {
            size_t k = 0;
            d6t_status st;
            memset(&seen_in_stream, 0, sizeof seen_in_stream);
            while ((st = d6t_bundle_outgoing_next(b, out, sizeof out, &len)) == D6T_OK) {
                CHECK(++k <= MAX_STREAM);
                CHECK(len >= 2 && ((size_t)out[0] << 8 | out[1]) == len - 2);
                check_answer(s, b, out + 2, len - 2, 1);
            }
            CHECK(st == D6T_ERR_NOT_FOUND && k >= 1);
            check_stream_complete(s, d6t_bundle_request(b));
        } else {
            memset(&seen_in_stream, 0, sizeof seen_in_stream);
            d6t_status st = d6t_bundle_outgoing_message(b, out, sizeof out, &len);
            /* a reply can only fail to fit when echoed relay options make a level too long */
            if (st != D6T_ERR_TOO_LONG) {
                CHECK(st == D6T_OK);
                check_answer(s, b, out, len, 0);
                uint8_t to[16];
                uint16_t port;
                CHECK(d6t_bundle_destination(b, to, &port) == D6T_OK);
            }
        }
    }
    d6t_bundle_free(b);
    check_leases(s);
    CHECK(d6s_leases_sync(&s->leases) == 0); /* main.c syncs before it sends the replies */
}

/* A leasequery connection's bytes, cut into reads of one size (from flags bits 0-2) and put back
 * together by the library's RFC 5460 framer, as main.c does; each whole frame is one message. */
static void serve_stream(struct d6s_server *s, d6t_arena *a, uint8_t flags, const uint8_t *p,
                         size_t n)
{
    static const size_t reads[] = {1, 2, 3, 7, 64, 1000, 65536, 65536};
    size_t read = reads[flags & 7], off = 0, frames = 0;
    d6t_arena *fa = d6t_arena_new(NULL, 0);
    CHECK(fa != NULL);
    d6t_framer *f = d6t_framer_new(fa, 0);
    CHECK(f != NULL);
    /* every pass takes bytes or ends: n + 2 passes at most */
    for (size_t pass = 0; pass <= n + 1 && frames < 8; pass++) {
        size_t want = n - off < read ? n - off : read;
        size_t took = d6t_framer_feed(f, p + off, want);
        CHECK(took <= want);
        off += took;
        const uint8_t *msg;
        size_t len;
        d6t_status st = d6t_framer_next(f, &msg, &len);
        if (st == D6T_OK) {
            CHECK(len >= 1 && len <= 65535);
            /* an exact copy: the view lasts only until the next feed */
            uint8_t *m = malloc(len);
            CHECK(m != NULL);
            memcpy(m, msg, len);
            serve_one(s, a, flags, m, len);
            free(m);
            frames++;
            continue;
        }
        if (st != D6T_ERR_NOT_FOUND) {
            CHECK(st == D6T_ERR_OPT_LENGTH); /* a length of 0: the connection is closed */
            CHECK(d6t_framer_feed(f, p + off, n - off) == 0);
            break;
        }
        CHECK(took == want); /* no frame ready: everything offered was taken */
        if (off == n) break;
    }
    d6t_arena_free(fa);
}

static void serve(struct d6s_server *s, d6t_arena *a, uint8_t flags, const uint8_t *p, size_t n)
{
    static const int64_t steps[] = {0, 0, 1, 0, 1000, 2000, 3500, 5000};
    s->now += steps[(flags >> 4) & 7];
    if (((flags >> 4) & 7) >= 5) {
        /* main.c's once-a-second sweep, synced like it (not after the 1000 s step: main.c's
         * sweep has a budget, so a lease can be past its time and still in the table) */
        d6s_leases_expire(&s->leases, s->now, &s->expire_cursor, 4096);
        CHECK(d6s_leases_sync(&s->leases) == 0);
    }
    if (flags & 0x80)
        serve_stream(s, a, flags, p, n);
    else
        serve_one(s, a, flags, p, n);
}

/* A fresh server on the lease file 'path' (what main.c does at start). */
static void start(struct d6s_server *s, const char *path)
{
    char err[256];
    d6s_config_defaults(&s->cfg);
    CHECK(!d6s_config_parse(&s->cfg, config, err, sizeof err) &&
          !d6s_config_finish(&s->cfg, err, sizeof err));
    CHECK(!d6s_leases_init(&s->leases, s->cfg.max_leases));
    CHECK(!d6s_leases_open(&s->leases, path, &s->cfg, s->now, err, sizeof err));
}

static void restart(struct d6s_server *s, const char *path)
{
    static struct d6s_lease before[64];
    uint32_t n = 0;
    for (uint32_t i = 0; i < s->leases.cap && n < 64; i++)
        if (s->leases.v[i].state != D6S_FREE) before[n++] = s->leases.v[i];
    CHECK(n == s->leases.used);
    CHECK(d6s_leases_sync(&s->leases) == 0); /* a clean stop syncs, as main.c does */
    d6s_leases_fini(&s->leases);
    start(s, path);
    const struct d6s_leases *l = &s->leases;
    if (trace) {
        fprintf(stderr, "--- restart: the lease table loaded from the lease file\n");
        trace_leases(l);
    }
    for (uint32_t k = 0; k < n; k++) {
        int32_t i = d6s_lease_find_addr(l, before[k].addr, before[k].plen);
        if (before[k].state != D6S_OFFERED) CHECK(i >= 0 && same_lease(&l->v[i], &before[k]));
    }
    for (uint32_t i = 0; i < l->cap; i++) {
        if (l->v[i].state == D6S_FREE) continue;
        uint32_t k = 0;
        while (k < n && !same_lease(&l->v[i], &before[k])) k++;
        CHECK(k < n);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct d6s_server srv;
    struct d6s_server *s = &srv;
    trace = getenv("FUZZ_SERVER_TRACE") != NULL;
    memset(s, 0, sizeof *s);
    /* the lease file lives in memory (/dev/shm) when it can: one fdatasync per message */
    static char path[128];
    const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm"
                      : getenv("TMPDIR")            ? getenv("TMPDIR")
                                                    : "/tmp";
    snprintf(path, sizeof path, "%s/fuzz_server-%ld.leases", dir, (long)getpid());
    unlink(path);
    start(s, path);
    memcpy(s->duid, server_duid, sizeof server_duid);
    s->duid_len = sizeof server_duid;
    s->now = 1000000;
    s->quiet = 1;
    d6t_arena *a = d6t_arena_new(NULL, 16384);
    CHECK(a != NULL);
    size_t off = 0;
    for (int r = 0; r < MAX_RECORDS && size - off >= 3; r++) {
        uint8_t flags = data[off];
        size_t n = (size_t)data[off + 1] << 8 | data[off + 2];
        off += 3;
        if (n > size - off) n = size - off;
        if (flags == RESTART) {
            restart(s, path);
            off += n;
            continue;
        }
        /* an exact copy, so ASan sees any read past the datagram */
        uint8_t *p = malloc(n ? n : 1);
        CHECK(p != NULL);
        memcpy(p, data + off, n);
        serve(s, a, flags, p, n);
        free(p);
        off += n;
    }
    if (getenv("FUZZ_SERVER_COUNTERS")) d6s_print_counters(s, stderr); /* what a seed reached */
    d6t_arena_free(a);
    d6s_leases_fini(&s->leases);
    unlink(path);
    return 0;
}
