/* dhcp6txn-txn-demo: real relayed DHCPv6 requests (examples/relayed-requests.hex, from ISC
 * dhclient, dhcpcd and WIDE dhcp6c behind three kinds of relay) answered through transaction
 * bundles by a handful of tiny handlers: pick the answer type (rapid commit when allowed), assign
 * addresses and prefixes from per-link pools, add DNS configuration, refuse what is left.
 * For each request it prints the request, the bundle's log line and the relay-reply chain
 * that would go on the wire, decoded again, with its destination and validation verdict.
 * This is the shape of a real responder in about a page of C. Not installed.
 * SPDX-License-Identifier: BSD-2-Clause */
#include <dhcp6txn.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef D6T_TXN_SAMPLES
#define D6T_TXN_SAMPLES "examples/relayed-requests.hex"
#endif

static const uint8_t server_duid[] = {0, 3, 0, 1, 0x02, 0x00, 0x00, 0x00, 0x53, 0x53}; /* DUID-LL */

typedef void (*handler_fn)(d6t_bundle *b);

static d6t_msg *reply(d6t_bundle *b)
{
    return d6t_bundle_response(b);
}

/* 1. What to answer: Advertise for a Solicit, Reply (with Rapid Commit) when allowed and asked. */
static void answer_type(d6t_bundle *b)
{
    d6t_msg *req = d6t_bundle_request(b);
    uint8_t type = D6T_MSG_REPLY;
    if (d6t_msg_type(req) == D6T_MSG_SOLICIT) {
        int rapid = d6t_msg_find_opt(req, D6T_OPT_RAPID_COMMIT) && d6t_bundle_allow_rapid_commit(b);
        type = rapid ? D6T_MSG_REPLY : D6T_MSG_ADVERTISE;
        if (rapid) d6t_bundle_add_mark(b, "rapid-commit");
    }
    d6t_msg *r = d6t_msg_new(d6t_bundle_arena(b), type);
    d6t_msg_set_transaction_id(r, d6t_msg_transaction_id(req));
    d6t_msg_add_opt_copy(r, d6t_msg_find_opt(req, D6T_OPT_CLIENTID));
    d6t_opt *sid = d6t_msg_add_opt(r, D6T_OPT_SERVERID);
    d6t_opt_set_bytes(sid, D6T_SERVERID_DUID, server_duid, sizeof server_duid);
    if (type == D6T_MSG_REPLY && d6t_msg_type(req) == D6T_MSG_SOLICIT)
        d6t_msg_add_opt(r, D6T_OPT_RAPID_COMMIT);
    d6t_bundle_set_response(b, r);
}

/* The pool of a link: 2001:db8:<link's 3rd and 4th byte>::/64 for addresses, the /48 above it
 * for prefixes. A real server looks the link address up in its configuration. */
static void pool_base(d6t_bundle *b, uint8_t base[16])
{
    uint8_t link[16] = {0};
    d6t_bundle_link_address(b, link);
    memset(base, 0, 16);
    base[0] = 0x20, base[1] = 0x01, base[2] = 0x0d, base[3] = 0xb8;
    base[4] = link[4], base[5] = link[5];
}

static uint32_t client_hash(d6t_bundle *b, const d6t_opt *ia)
{
    size_t n;
    const uint8_t *d = d6t_opt_data(d6t_msg_find_opt(d6t_bundle_request(b), D6T_OPT_CLIENTID), &n);
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ d[i]) * 16777619u;
    uint32_t iaid = 0;
    d6t_opt_get_ia(ia, &iaid, NULL, NULL); /* IA_NA and IA_PD alike */
    for (int shift = 24; shift >= 0; shift -= 8) h = (h ^ (uint8_t)(iaid >> shift)) * 16777619u;
    return h;
}

/* 2. IA_NA: one address each, from the link's pool. */
static void assign_addresses(d6t_bundle *b)
{
    d6t_opt *ia;
    while ((ia = d6t_bundle_first_unhandled(b, D6T_OPT_IA_NA))) {
        uint32_t iaid = 0;
        d6t_opt_get_ia(ia, &iaid, NULL, NULL);
        d6t_opt *out;
        d6t_msg_add_ia(reply(b), D6T_OPT_IA_NA, iaid, 1800, 2880, &out); /* same IAID */
        uint8_t a[16];
        pool_base(b, a);
        a[6] = 0, a[7] = 1;
        uint32_t h = client_hash(b, ia);
        a[12] = (uint8_t)(h >> 24), a[13] = (uint8_t)(h >> 16), a[14] = (uint8_t)(h >> 8),
        a[15] = (uint8_t)h;
        d6t_opt *addr = d6t_opt_add_child(out, D6T_OPT_IAADDR);
        d6t_opt_set_addr6(addr, D6T_IAADDR_ADDRESS, a);
        d6t_opt_set_u32(addr, D6T_IAADDR_PREFERRED_LIFETIME, 3600);
        d6t_opt_set_u32(addr, D6T_IAADDR_VALID_LIFETIME, 7200);
        d6t_bundle_mark_handled(b, ia);
    }
}

/* 3. IA_PD: a /56 from the link's /48. */
static void delegate_prefixes(d6t_bundle *b)
{
    d6t_opt *ia;
    while ((ia = d6t_bundle_first_unhandled(b, D6T_OPT_IA_PD))) {
        uint32_t iaid = 0;
        d6t_opt_get_ia(ia, &iaid, NULL, NULL);
        d6t_opt *out;
        d6t_msg_add_ia(reply(b), D6T_OPT_IA_PD, iaid, 1800, 2880, &out); /* same IAID */
        uint8_t p[16];
        pool_base(b, p);
        p[6] = (uint8_t)(0x80 | (client_hash(b, ia) & 0x7f));
        d6t_opt *px = d6t_opt_add_child(out, D6T_OPT_IAPREFIX);
        d6t_opt_set_prefix(px, D6T_IAPREFIX_PREFIX, p, 56);
        d6t_opt_set_u32(px, D6T_IAPREFIX_PREFERRED_LIFETIME, 3600);
        d6t_opt_set_u32(px, D6T_IAPREFIX_VALID_LIFETIME, 7200);
        d6t_bundle_mark_handled(b, ia);
    }
}

/* 4. DNS servers and search list when the client's ORO asks for them. */
static int requested(d6t_bundle *b, uint16_t code)
{
    d6t_opt *oro = d6t_msg_find_opt(d6t_bundle_request(b), D6T_OPT_ORO);
    const uint8_t *p; /* the codes as on the wire, two bytes each, big-endian */
    size_t n = 0;
    d6t_opt_list_view(oro, D6T_ORO_REQUESTED_OPTIONS, &p, &n, NULL);
    for (size_t i = 0; i < n; i++)
        if ((p[2 * i] << 8 | p[2 * i + 1]) == code) return 1;
    return 0;
}

static void dns(d6t_bundle *b)
{
    if (requested(b, D6T_OPT_DNS_SERVERS)) {
        uint8_t a[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 0x53};
        d6t_opt *o = d6t_msg_add_opt(reply(b), D6T_OPT_DNS_SERVERS);
        d6t_opt_list_add_addr6(o, D6T_DNS_SERVERS_DNS_SERVERS, a);
    }
    if (requested(b, D6T_OPT_DOMAIN_LIST))
        d6t_opt_list_add_dname(d6t_msg_add_opt(reply(b), D6T_OPT_DOMAIN_LIST),
                               D6T_DOMAIN_LIST_SEARCH_LIST, "example.com.");
}

/* 5. Whatever no handler took gets a status code: NoPrefixAvail for IA_PD, else NoAddrsAvail. */
static void leftovers(d6t_bundle *b)
{
    const uint16_t ias[] = {D6T_OPT_IA_NA, D6T_OPT_IA_TA, D6T_OPT_IA_PD};
    d6t_opt *ia;
    while ((ia = d6t_bundle_unhandled(b, ias, 3, 0))) {
        d6t_opt *out = d6t_msg_add_opt_copy(reply(b), ia);
        while (d6t_opt_first_child(out)) d6t_opt_remove_child(out, d6t_opt_first_child(out));
        d6t_opt_add_status(
            out, d6t_opt_code(ia) == D6T_OPT_IA_PD ? D6T_SC_NO_PREFIX_AVAIL : D6T_SC_NO_ADDRS_AVAIL,
            "nothing available", NULL);
        d6t_bundle_mark_handled(b, ia);
    }
}

static const handler_fn handlers[] = {answer_type, assign_addresses, delegate_prefixes, dns,
                                      leftovers};

/* ---- plumbing: read the samples, print what happens ---- */

static void print_tree(const d6t_msg *m, const char *indent)
{
    size_t need = d6t_msg_to_text(m, NULL, 0);
    char *t = malloc(need + 1);
    d6t_msg_to_text(m, t, need + 1);
    for (char *line = strtok(t, "\n"); line; line = strtok(NULL, "\n"))
        printf("%s%s\n", indent, line);
    free(t);
}

static int count_violations(void *ctx, d6t_violation_kind k, const char *where, const char *what)
{
    (void)k;
    printf("      ! %s: %s\n", where, what);
    ++*(int *)ctx;
    return 0;
}

/* Requests that did not end in exactly one valid outgoing message: the exit status. */
static int failures;

static void handle(const uint8_t *wire, size_t len, int n)
{
    d6t_bundle *b;
    d6t_parse_error err;
    d6t_status st = d6t_bundle_new(NULL, wire, len, D6T_BUNDLE_RAPID_COMMIT, NULL, &b, &err);
    if (st) {
        printf("#%d rejected: %s at byte %zu: %s\n\n", n, d6t_strerror(st), err.offset, err.reason);
        failures++;
        return;
    }
    d6t_bundle_add_mark(b, d6t_bundle_incoming_relay_count(b) > 1 ? "multi-hop" : "relayed");
    printf("#%d  request:\n", n);
    print_tree(d6t_bundle_request(b), "      ");
    for (size_t i = 0; i < sizeof handlers / sizeof handlers[0]; i++) handlers[i](b);
    char line[512];
    d6t_bundle_describe(b, line, sizeof line);
    printf("    bundle: %s\n", line);
    uint8_t out[4096], to[16];
    size_t olen;
    uint16_t port;
    int sent_ok = 0;
    while (d6t_bundle_outgoing_next(b, out, sizeof out, &olen) == D6T_OK) {
        /* a server would say where the datagram came from (d6t_bundle_set_source_address);
         * these requests come from files, so only the port is known */
        port = 0;
        d6t_bundle_destination(b, to, &port);
        printf("    outgoing: %zu bytes, back to the relay agent it came from, UDP port %u\n", olen,
               port);
        d6t_msg *sent;
        if (d6t_msg_parse(d6t_bundle_arena(b), out, olen, 0, &sent, NULL) == D6T_OK) {
            print_tree(sent, "      ");
            int bad = 0;
            d6t_msg_validate(sent, count_violations, &bad, NULL);
            printf("    %s\n",
                   bad ? "violations listed above" : "valid per RFC 9915 (d6t_msg_validate)");
            sent_ok += !bad;
        }
    }
    if (sent_ok != 1) failures++;
    printf("\n");
    d6t_bundle_free(b);
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    c |= 0x20;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : D6T_TXN_SAMPLES;
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return 2;
    }
    printf("libdhcp6txn %s: answering real relayed requests through transaction bundles\n\n",
           d6t_version());
    static char text[20000];
    static uint8_t wire[8192];
    int n = 0;
    while (fgets(text, sizeof text, f)) {
        if (text[0] == '#') {
            printf("%s", text);
            continue;
        }
        size_t len = 0;
        for (char *p = text;
             p[0] && p[1] && hexval(p[0]) >= 0 && hexval(p[1]) >= 0 && len < sizeof wire; p += 2)
            wire[len++] = (uint8_t)(hexval(p[0]) << 4 | hexval(p[1]));
        if (len) handle(wire, len, ++n);
    }
    fclose(f);
    printf("%d requests answered, %d problems.\n", n, failures);
    return n > 0 && failures == 0 ? 0 : 1;
}
