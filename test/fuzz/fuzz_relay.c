/* libFuzzer target: the relay agent API from both sides. The first input byte picks the
 * receiving interface (full relay with every option, untrusted LDRA port, trusted LDRA port),
 * the source port and whether the client's MAC is known; the rest is one datagram, given to
 * d6t_relay_forward as if from the client side and to d6t_relay_reply as if from a server.
 * A forwarded message is then turned into the Relay-reply a server would send back (types
 * swapped, options echoed) and must come back to the same interface, address and port with the
 * received bytes inside.
 * SPDX-License-Identifier: BSD-2-Clause */
#include "fuzz_common.h"
#include <string.h>

#define ARENA_LIMIT (1u << 22)

static d6t_relay *relay;
static d6t_arena *arena;
static const uint8_t link_addr[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 1};
static const uint8_t src_addr[16] = {0xfe, 0x80, [8] = 0x36, 0x31, 0xc4,
                                     0xff, 0xfe, 0x3c,       0xb2, 0xf1};
static const uint8_t mac[6] = {0x34, 0x31, 0xc4, 0x3c, 0xb2, 0xf1};
static const uint16_t ports[4] = {547, 3000, 546, 547};

static void configure(void)
{
    static const uint8_t duid[] = {0, 3, 0, 1, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
    static const uint16_t ero[] = {D6T_OPT_REMOTE_ID, D6T_OPT_SUBSCRIBER_ID};
    static const uint8_t rsoo[] = {0, 65, 0, 5, 3, 'l', 'a', 'n', 0};
    d6t_relay_opts ro = D6T_RELAY_OPTS_INIT;
    ro.relay_id = duid;
    ro.relay_id_len = sizeof duid;
    ro.source_port = 1547;
    CHECK(d6t_relay_new(NULL, &ro, &relay) == D6T_OK);
    d6t_relay_iface_opts io = D6T_RELAY_IFACE_OPTS_INIT;
    io.iface = 1;
    io.flags = D6T_RELAY_IFACE_CLIENT_LLADDR;
    io.link_address = link_addr;
    io.interface_id = (const uint8_t *)"eth1";
    io.interface_id_len = 4;
    io.remote_id = (const uint8_t *)"remote";
    io.remote_id_len = 6;
    io.subscriber_id = (const uint8_t *)"sub";
    io.subscriber_id_len = 3;
    io.echo_request = ero;
    io.echo_request_count = 2;
    io.rsoo = rsoo;
    io.rsoo_len = sizeof rsoo;
    CHECK(d6t_relay_add_iface(relay, &io, NULL) == D6T_OK);
    d6t_relay_iface_opts ldra = D6T_RELAY_IFACE_OPTS_INIT;
    ldra.iface = 2;
    ldra.flags = D6T_RELAY_IFACE_LDRA | D6T_RELAY_IFACE_CLIENT_LLADDR;
    ldra.interface_id = (const uint8_t *)"port2";
    ldra.interface_id_len = 5;
    CHECK(d6t_relay_add_iface(relay, &ldra, NULL) == D6T_OK);
    ldra.iface = 3;
    ldra.flags = D6T_RELAY_IFACE_LDRA | D6T_RELAY_IFACE_TRUSTED;
    ldra.interface_id = (const uint8_t *)"port3";
    CHECK(d6t_relay_add_iface(relay, &ldra, NULL) == D6T_OK);
    arena = d6t_arena_new(NULL, 0);
    CHECK(arena);
    d6t_arena_set_limit(arena, ARENA_LIMIT);
}

/* The delivery contract, whatever the input. */
static void check_delivery(const d6t_relay_delivery *d, size_t size)
{
    uint8_t to[16];
    uint16_t port;
    size_t n;
    uint32_t iface = d6t_relay_delivery_iface(d);
    CHECK(iface >= 1 && iface <= 3);
    CHECK(d6t_relay_delivery_destination(d, to, &port) == D6T_OK);
    CHECK(port != 0);
    CHECK(to[0] != 0xff);
    const uint8_t *bytes = d6t_relay_delivery_bytes(d, &n);
    CHECK(bytes && n + 38 <= size);
    d6t_msg *inner = d6t_relay_delivery_message(d);
    CHECK(inner && d6t_msg_wire_size(inner) == n);
    uint8_t *w = malloc(n ? n : 1);
    size_t got;
    CHECK(w && d6t_msg_write(inner, w, n, &got) == D6T_OK && got == n && !memcmp(w, bytes, n));
    free(w);
    /* a downstream relay may use any port (RFC 8357), 546 included */
    if (d6t_msg_type(inner) != D6T_MSG_RELAY_REPL) CHECK(port == 546);
    for (size_t i = 0; i < d6t_relay_delivery_lease_count(d); i++) {
        d6t_relay_lease l = D6T_RELAY_LEASE_INIT;
        CHECK(d6t_relay_delivery_lease(d, i, &l) == D6T_OK);
        CHECK(l.prefix_len <= 128);
        CHECK(l.ia_type == D6T_OPT_IA_NA ? l.prefix_len == 128 : l.ia_type == D6T_OPT_IA_PD);
    }
    d6t_relay_lease l = D6T_RELAY_LEASE_INIT;
    CHECK(d6t_relay_delivery_lease(d, d6t_relay_delivery_lease_count(d), &l) == D6T_ERR_NOT_FOUND);
}

/* What a server would send back for Relay-forward fwd[0..n) built from data[0..size): the same
 * bytes as a Relay-reply, the inner message's type turned into its answer's. It must go back
 * through the same interface to the datagram's source, with the inner bytes as received but
 * for the type. */
static void check_round_trip(const d6t_relay_rx *rx, uint8_t *fwd, size_t n, const uint8_t *data,
                             size_t size)
{
    uint8_t t = data[0], back;
    if (t == D6T_MSG_RELAY_FORW)
        back = D6T_MSG_RELAY_REPL;
    else if (d6t_msg_type_kind(t) == D6T_KIND_CLIENT_SERVER)
        back = D6T_MSG_REPLY;
    else
        return; /* an unknown type's body is not a Reply's */
    fwd[0] = D6T_MSG_RELAY_REPL;
    fwd[n - size] = back; /* the Relay Message option is the last */
    d6t_arena_reset(arena);
    d6t_relay_delivery *d;
    d6t_parse_error e;
    d6t_status st = d6t_relay_reply(relay, arena, fwd, n, &d, &e);
    if (st == D6T_ERR_NOMEM) return;
    CHECK(st == D6T_OK);
    check_delivery(d, n);
    CHECK(d6t_relay_delivery_iface(d) == rx->iface);
    uint8_t to[16];
    uint16_t port;
    d6t_relay_delivery_destination(d, to, &port);
    CHECK(!memcmp(to, src_addr, 16));
    CHECK(port == (back == D6T_MSG_RELAY_REPL ? rx->src_port : 546));
    size_t len;
    const uint8_t *bytes = d6t_relay_delivery_bytes(d, &len);
    CHECK(len == size && bytes[0] == back && !memcmp(bytes + 1, data + 1, size - 1));
}

static void check_forward(const d6t_relay_rx *rx, const uint8_t *data, size_t size)
{
    d6t_arena_reset(arena);
    d6t_msg *m = (d6t_msg *)1;
    d6t_parse_error e;
    d6t_status st = d6t_relay_forward(relay, arena, rx, data, size, &m, &e);
    if (st) {
        CHECK(m == NULL);
        fz_check_error(st, &e, size);
        CHECK(st != D6T_ERR_NOMEM || size > 4096);
        return;
    }
    size_t n = d6t_msg_wire_size(m);
    CHECK(n > size && n <= 65535);
    uint8_t *fwd = malloc(n);
    size_t got;
    CHECK(fwd && d6t_msg_write(m, fwd, n, &got) == D6T_OK && got == n);
    /* RFC 9915 section 19.1: the received message last, unchanged; hop count; addresses */
    CHECK(!memcmp(fwd + n - size, data, size));
    CHECK(fwd[0] == D6T_MSG_RELAY_FORW);
    CHECK(fwd[1] == (data[0] == D6T_MSG_RELAY_FORW ? data[1] + 1 : 0));
    CHECK(fwd[1] <= D6T_RELAY_HOP_COUNT_LIMIT);
    CHECK(!memcmp(fwd + 18, src_addr, 16));
    static const uint8_t zero[16];
    CHECK(!memcmp(fwd + 2, rx->iface == 1 ? link_addr : zero, 16));
    CHECK(d6t_msg_find_opt(m, D6T_OPT_INTERFACE_ID) != NULL);
    CHECK(d6t_msg_find_opt(m, D6T_OPT_RELAY_SOURCE_PORT) != NULL); /* not sent from 547 */
    CHECK(!d6t_msg_type_is_server_to_client(data[0]));
    check_round_trip(rx, fwd, n, data, size);
    free(fwd);
}

static void check_reply(const uint8_t *data, size_t size)
{
    d6t_arena_reset(arena);
    d6t_relay_delivery *d = (d6t_relay_delivery *)1;
    d6t_parse_error e;
    d6t_status st = d6t_relay_reply(relay, arena, data, size, &d, &e);
    if (st) {
        CHECK(d == NULL);
        fz_check_error(st, &e, size);
        CHECK(st != D6T_ERR_NOMEM || size > 4096);
        return;
    }
    CHECK(data[0] == D6T_MSG_RELAY_REPL);
    check_delivery(d, size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!relay) configure();
    if (size < 1) return 0;
    uint8_t sel = data[0];
    d6t_relay_rx rx = D6T_RELAY_RX_INIT;
    rx.iface = 1u + sel % 3u;
    rx.src_addr = src_addr;
    rx.src_port = ports[(sel >> 2) & 3];
    if (sel & 0x10) {
        rx.lladdr = mac;
        rx.lladdr_len = sizeof mac;
    }
    check_forward(&rx, data + 1, size - 1);
    check_reply(data + 1, size - 1);
    return 0;
}
