/* relay_demo: the relay-agent API in one page. A relay configured for one client-facing
 * interface (Interface-ID, Remote-ID, Subscriber-ID, the client's MAC) forwards a real Solicit
 * (ISC dhclient's, asking for an address and a prefix with rapid commit), a server made of a
 * transaction bundle answers it, and the relay unwraps the Relay-reply: where it goes and which
 * prefix to route. Then two datagrams the relay refuses, with the reason it logs.
 * Exit status 0 when everything came out as it must. Not installed.
 * SPDX-License-Identifier: BSD-2-Clause */
#include <dhcp6txn.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

static const char solicit_hex[] =
    "01f350d60008000200000001000a000300013431c43cb2f1000e00000003000cc43cb2f100000000000000000019"
    "0029c43cb2f10000000000000000001a00190000000000000000380000000000000000000000000000000000140000"
    "0010000f0000118b0009646f63736973332e300006000a00170018001100520053";

static const uint8_t link_addr[16] = {0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, 0, 1, [15] = 1};
static const uint8_t client_ll[16] = {0xfe, 0x80, [8] = 0x36, 0x31, 0xc4,
                                      0xff, 0xfe, 0x3c,       0xb2, 0xf1};
static const uint8_t client_mac[6] = {0x34, 0x31, 0xc4, 0x3c, 0xb2, 0xf1};
static const uint8_t lease_addr[16] = {0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, 0, 1, [15] = 0x42};
static const uint8_t lease_prefix[16] = {0x20, 0x01, 0x0d, 0xb8, 0x80};

static size_t unhex(const char *h, uint8_t *out)
{
    size_t n = 0;
    for (; h[0] && h[1]; h += 2) sscanf(h, "%2hhx", &out[n++]);
    return n;
}

static const char *ip6(const uint8_t a[16], char buf[INET6_ADDRSTRLEN])
{
    return inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN);
}

/* The server side, in brief: a Reply (rapid commit) giving the client's IA_NA an address and
 * its IA_PD a /48, wrapped in the relay-reply chain by the bundle. */
static size_t serve(const uint8_t *fwd, size_t len, uint8_t *out, size_t cap)
{
    d6t_bundle *b;
    size_t n = 0;
    if (d6t_bundle_new(NULL, fwd, len, D6T_BUNDLE_RAPID_COMMIT, NULL, &b, NULL)) return 0;
    d6t_msg *req = d6t_bundle_request(b), *r = d6t_msg_new(d6t_bundle_arena(b), D6T_MSG_REPLY);
    d6t_msg_set_transaction_id(r, d6t_msg_transaction_id(req));
    d6t_msg_add_opt_copy(r, d6t_msg_find_opt(req, D6T_OPT_CLIENTID));
    d6t_msg_add_opt(r, D6T_OPT_RAPID_COMMIT);
    uint32_t iaid;
    d6t_opt_get_ia(d6t_msg_find_opt(req, D6T_OPT_IA_NA), &iaid, NULL, NULL);
    d6t_opt *ia = d6t_msg_add_opt(r, D6T_OPT_IA_NA), *x;
    d6t_opt_set_ia(ia, iaid, 1800, 2880);
    x = d6t_opt_add_child(ia, D6T_OPT_IAADDR);
    d6t_opt_set_addr6(x, D6T_IAADDR_ADDRESS, lease_addr);
    d6t_opt_set_u32(x, D6T_IAADDR_PREFERRED_LIFETIME, 3600);
    d6t_opt_set_u32(x, D6T_IAADDR_VALID_LIFETIME, 7200);
    d6t_opt_get_ia(d6t_msg_find_opt(req, D6T_OPT_IA_PD), &iaid, NULL, NULL);
    ia = d6t_msg_add_opt(r, D6T_OPT_IA_PD);
    d6t_opt_set_ia(ia, iaid, 1800, 2880);
    x = d6t_opt_add_child(ia, D6T_OPT_IAPREFIX);
    d6t_opt_set_prefix(x, D6T_IAPREFIX_PREFIX, lease_prefix, 48);
    d6t_opt_set_u32(x, D6T_IAPREFIX_PREFERRED_LIFETIME, 3600);
    d6t_opt_set_u32(x, D6T_IAPREFIX_VALID_LIFETIME, 7200);
    d6t_bundle_set_response(b, r);
    if (d6t_bundle_outgoing_next(b, out, cap, &n)) n = 0;
    d6t_bundle_free(b);
    return n;
}

int main(void)
{
    static uint8_t dgram[1500], wire[1500], back[1500];
    static char text[8192];
    char a1[INET6_ADDRSTRLEN], a2[INET6_ADDRSTRLEN];
    d6t_parse_error err;
    int bad = 0;

    /* 1. The relay: one downstream interface, handle 2 (its ifindex, say). */
    d6t_relay *relay;
    d6t_relay_iface_opts io = D6T_RELAY_IFACE_OPTS_INIT;
    io.iface = 2;
    io.flags = D6T_RELAY_IFACE_CLIENT_LLADDR;
    io.link_address = link_addr;
    io.interface_id = (const uint8_t *)"eth2";
    io.interface_id_len = 4;
    io.remote_id_enterprise = 9;
    io.remote_id = (const uint8_t *)"port-7";
    io.remote_id_len = 6;
    io.subscriber_id = (const uint8_t *)"cust-1042";
    io.subscriber_id_len = 9;
    if (d6t_relay_new(NULL, NULL, &relay) || d6t_relay_add_iface(relay, &io, &err)) return 1;
    d6t_arena *a = d6t_arena_new(NULL, 0); /* results: reset per datagram */

    /* 2. A Solicit arrives on eth2 from the client's link-local address. */
    size_t len = unhex(solicit_hex, dgram), n;
    d6t_relay_rx rx = D6T_RELAY_RX_INIT;
    rx.iface = 2;
    rx.src_addr = client_ll;
    rx.src_port = 546;
    rx.lladdr = client_mac;
    rx.lladdr_len = sizeof client_mac;
    d6t_msg *fwd;
    if (d6t_relay_forward(relay, a, &rx, dgram, len, &fwd, &err) ||
        d6t_msg_write(fwd, wire, sizeof wire, &n))
        return 1;
    d6t_msg_to_text(fwd, text, sizeof text);
    printf("== Relay-forward to the server (%zu bytes):\n%s\n", n, text);

    /* 3. The server answers; the relay takes the Relay-reply apart. */
    size_t rn = serve(wire, n, back, sizeof back);
    d6t_arena_reset(a);
    d6t_relay_delivery *d;
    if (!rn || d6t_relay_reply(relay, a, back, rn, &d, &err)) {
        fprintf(stderr, "reply dropped: %s\n", rn ? err.reason : "no answer");
        return 1;
    }
    uint8_t to[16];
    uint16_t port;
    size_t dn;
    d6t_relay_delivery_destination(d, to, &port);
    const uint8_t *bytes = d6t_relay_delivery_bytes(d, &dn);
    printf("== Relay-reply (%zu bytes): send %zu bytes (%s) on interface %u to [%s]:%u\n", rn, dn,
           d6t_msg_type_name(bytes[0]), d6t_relay_delivery_iface(d), ip6(to, a1), port);
    bad |= d6t_relay_delivery_iface(d) != 2 || port != 546 || memcmp(to, client_ll, 16);
    for (size_t i = 0; i < d6t_relay_delivery_lease_count(d); i++) {
        d6t_relay_lease l = D6T_RELAY_LEASE_INIT;
        d6t_relay_delivery_lease(d, i, &l);
        if (l.ia_type == D6T_OPT_IA_PD)
            printf("   delegated %s/%u for %u s: ip -6 route replace %s/%u via %s dev eth2\n",
                   ip6(l.addr, a1), l.prefix_len, l.valid, a1, l.prefix_len, ip6(to, a2));
        else
            printf("   address %s for %u s\n", ip6(l.addr, a1), l.valid);
    }
    bad |= d6t_relay_delivery_lease_count(d) != 2;

    /* 4. What a relay refuses: a Relay-reply from the client side, a chain at its hop limit. */
    d6t_arena_reset(a);
    if (d6t_relay_forward(relay, a, &rx, back, rn, &fwd, &err) == D6T_OK) bad = 1;
    printf("== dropped from the client side: %s (%s at byte %zu)\n", err.reason,
           d6t_status_name(err.status), err.offset);
    wire[1] = D6T_RELAY_HOP_COUNT_LIMIT; /* our own Relay-forward, as if 8 relays had passed it */
    if (d6t_relay_forward(relay, a, &rx, wire, n, &fwd, &err) == D6T_OK) bad = 1;
    printf("== dropped: %s (%s at byte %zu)\n", err.reason, d6t_status_name(err.status),
           err.offset);

    d6t_arena_free(a);
    d6t_relay_free(relay);
    return bad;
}
