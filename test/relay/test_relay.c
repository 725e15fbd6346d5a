/* Relay agent API: every rule of RFC 9915 section 19, each configured option checked byte for
 * byte on the wire, every drop reason, LDRA (RFC 6221), Relay Source Port (RFC 8357) both ways
 * and the delegated-lease report. */
#include "testutil.h"

#define LINK    "20010db8000100000000000000000001" /* 2001:db8:1::1, the relay's link */
#define CLIENT  "fe800000000000003631c4fffe3cb2f1" /* the client's link-local address */
#define RELAY2  "fe800000000000000000000000000002" /* a downstream relay */
#define ZERO16  "00000000000000000000000000000000"
#define SOLICIT "01abcdef0001000a000300013431c43cb2f1000800020000" /* 24 bytes */

static uint8_t in[4000], want[4000], out[4000];
static uint8_t link_addr[16], client[16], relay2[16];
static const uint8_t mac[6] = {0x34, 0x31, 0xc4, 0x3c, 0xb2, 0xf1};
static d6t_arena *a;   /* results, reset per datagram */
static d6t_relay *rel; /* one relay per test */
static d6t_parse_error err;

static void setup(void)
{
    unhex(LINK, link_addr, 16);
    unhex(CLIENT, client, 16);
    unhex(RELAY2, relay2, 16);
    a = d6t_arena_new(NULL, 0);
    ck_assert_ptr_nonnull(a);
    ck_assert_int_eq(d6t_relay_new(NULL, NULL, &rel), D6T_OK);
}

static void teardown(void)
{
    d6t_relay_free(rel);
    d6t_arena_free(a);
}

/* An interface with handle 'h', the relay's link and no options. */
static d6t_relay_iface_opts plain_iface(uint32_t h)
{
    d6t_relay_iface_opts io = D6T_RELAY_IFACE_OPTS_INIT;
    io.iface = h;
    io.link_address = link_addr;
    return io;
}

static d6t_relay_rx rx_from(uint32_t h, const uint8_t *src, uint16_t port)
{
    d6t_relay_rx rx = D6T_RELAY_RX_INIT;
    rx.iface = h;
    rx.src_addr = src;
    rx.src_port = port;
    return rx;
}

/* Counts the violations outside the relayed message. */
static int ours(void *ctx, d6t_violation_kind kind, const char *where, const char *what)
{
    (void)kind;
    if (strncmp(where, "RELAY-FORW/OPTION_RELAY_MSG/", 28) == 0) return 0;
    fprintf(stderr, "%s: %s\n", where, what);
    ++*(size_t *)ctx;
    return 0;
}

/* Forward hex 'msg'; returns the status, the Relay-forward's bytes in out / *n on success. */
static d6t_status fwd_hex(const d6t_relay *r, const d6t_relay_rx *rx, const char *msg, size_t *n)
{
    d6t_arena_reset(a);
    size_t len = unhex(msg, in, sizeof in);
    d6t_msg *m = (d6t_msg *)1;
    memset(&err, 0x55, sizeof err);
    d6t_status st = d6t_relay_forward(r, a, rx, in, len, &m, &err);
    memset(in, 0xee, len); /* forward copied the datagram */
    if (st) {
        ck_assert_ptr_null(m);
        ck_assert_int_eq(err.status, st);
        ck_assert_ptr_nonnull(err.reason);
        return st;
    }
    ck_assert_int_eq(err.status, D6T_OK);
    ck_assert_int_eq(d6t_msg_write(m, out, sizeof out, n), D6T_OK);
    ck_assert_uint_eq(d6t_msg_type(m), D6T_MSG_RELAY_FORW);
    size_t bad = 0; /* what the relay adds is valid (the client's message is not ours to judge) */
    d6t_msg_validate(m, ours, &bad, NULL);
    ck_assert_uint_eq(bad, 0);
    return D6T_OK;
}

static void expect_fwd(const d6t_relay_rx *rx, const char *msg, const char *expected)
{
    size_t n, wn = unhex(expected, want, sizeof want);
    ck_assert_int_eq(fwd_hex(rel, rx, msg, &n), D6T_OK);
    ck_assert_uint_eq(n, wn);
    ck_assert_mem_eq(out, want, n);
}

static d6t_status reply_hex(const char *msg, d6t_relay_delivery **d)
{
    d6t_arena_reset(a);
    size_t len = unhex(msg, in, sizeof in);
    *d = (d6t_relay_delivery *)1;
    memset(&err, 0x55, sizeof err);
    d6t_status st = d6t_relay_reply(rel, a, in, len, d, &err);
    memset(in, 0xee, len);
    if (st) {
        ck_assert_ptr_null(*d);
        ck_assert_int_eq(err.status, st);
        ck_assert_ptr_nonnull(err.reason);
    }
    return st;
}

static char hexbuf[8][4000];
/* A relay message (type 0c or 0d) with hop count, link, peer, extra options and the inner
 * message (all hex); returned in one of 8 rotating buffers. */
static const char *relay_msg(const char *type, int hops, const char *link, const char *peer,
                             const char *opts, const char *inner)
{
    static int k;
    char *o = hexbuf[k++ % 8];
    if (inner)
        snprintf(o, 4000, "%s%02x%s%s%s0009%04zx%s", type, hops, link, peer, opts,
                 strlen(inner) / 2, inner);
    else
        snprintf(o, 4000, "%s%02x%s%s%s", type, hops, link, peer, opts);
    return o;
}

/* ---- forward ---- */

START_TEST(forward_client_message)
{
    d6t_relay_iface_opts io = plain_iface(7);
    ck_assert_int_eq(d6t_relay_add_iface(rel, &io, &err), D6T_OK);
    ck_assert_uint_eq(d6t_relay_iface_count(rel), 1);
    d6t_relay_rx rx = rx_from(7, client, 546);
    /* hop count 0, link-address of the interface, peer-address = source, the message inside */
    expect_fwd(&rx, SOLICIT, relay_msg("0c", 0, LINK, CLIENT, "", SOLICIT));
    /* any client message type, and one this library does not know, are relayed as they are */
    expect_fwd(&rx, "0b123456", relay_msg("0c", 0, LINK, CLIENT, "", "0b123456"));
    expect_fwd(&rx, "c8010203ff", relay_msg("0c", 0, LINK, CLIENT, "", "c8010203ff"));
    expect_fwd(&rx, "0e000001", relay_msg("0c", 0, LINK, CLIENT, "", "0e000001"));
    /* no Client Link-Layer Address unless configured, even when the MAC is known */
    rx.lladdr = mac;
    rx.lladdr_len = 6;
    expect_fwd(&rx, SOLICIT, relay_msg("0c", 0, LINK, CLIENT, "", SOLICIT));
}
END_TEST

START_TEST(forward_every_option)
{
    d6t_relay_free(rel);
    uint8_t duid[10] = {0, 3, 0, 1, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
    d6t_relay_opts ro = D6T_RELAY_OPTS_INIT;
    ro.relay_id = duid;
    ro.relay_id_len = sizeof duid;
    ro.source_port = 1547;
    ck_assert_int_eq(d6t_relay_new(NULL, &ro, &rel), D6T_OK);
    uint16_t ero[] = {D6T_OPT_REMOTE_ID, D6T_OPT_SUBSCRIBER_ID};
    uint8_t rsoo[] = {0x12, 0x34, 0, 2, 'x', 'y'};
    d6t_relay_iface_opts io = plain_iface(3);
    io.flags = D6T_RELAY_IFACE_CLIENT_LLADDR;
    io.interface_id = (const uint8_t *)"eth0";
    io.interface_id_len = 4;
    io.remote_id_enterprise = 9;
    io.remote_id = (const uint8_t *)"abc";
    io.remote_id_len = 3;
    io.subscriber_id = (const uint8_t *)"sub1";
    io.subscriber_id_len = 4;
    io.echo_request = ero;
    io.echo_request_count = 2;
    io.rsoo = rsoo;
    io.rsoo_len = sizeof rsoo;
    ck_assert_int_eq(d6t_relay_add_iface(rel, &io, &err), D6T_OK);
    d6t_relay_rx rx = rx_from(3, client, 546);
    rx.lladdr = mac;
    rx.lladdr_len = 6;
#define IFOPTS                                                                           \
    "0012000465746830"                          /* Interface-ID "eth0" (RFC 9915) */     \
    "0025000700000009616263"                    /* Remote-ID 9 "abc" (RFC 4649) */       \
    "0026000473756231"                          /* Subscriber-ID "sub1" (RFC 4580) */    \
    "002b000400250026"                          /* Echo Request for 37, 38 (RFC 4994) */ \
    "00420006123400027879"                      /* RSOO with option 0x1234 "xy" (RFC 6422) */
#define RELAY_ID "0035000a00030001aabbccddeeff" /* Relay-ID (RFC 5460) */
    expect_fwd(&rx, SOLICIT,
               relay_msg("0c", 0, LINK, CLIENT,
                         IFOPTS "004f000800013431c43cb2f1" /* Client Link-Layer Addr (RFC 6939) */
                         RELAY_ID "008700020000", /* Relay Source Port 0: a client (RFC 8357) */
                         SOLICIT));
    /* without a known MAC the option is left out, everything else stays */
    rx.lladdr = NULL;
    expect_fwd(&rx, SOLICIT,
               relay_msg("0c", 0, LINK, CLIENT, IFOPTS RELAY_ID "008700020000", SOLICIT));
    /* a relayed message gets no Client Link-Layer Address (only the first relay knows it) and
     * the Relay Source Port names the downstream relay's port when it is not 547 */
    rx.lladdr = mac;
    rx.src_addr = relay2;
    rx.src_port = 3000;
    const char *down = relay_msg("0c", 0, LINK, CLIENT, "", SOLICIT);
    expect_fwd(&rx, down, relay_msg("0c", 1, LINK, RELAY2, IFOPTS RELAY_ID "008700020bb8", down));
}
END_TEST

START_TEST(forward_relay_forward_and_hop_limit)
{
    d6t_relay_iface_opts io = plain_iface(1);
    ck_assert_int_eq(d6t_relay_add_iface(rel, &io, NULL), D6T_OK);
    d6t_relay_rx rx = rx_from(1, relay2, 547);
    /* hop count + 1, and no Relay Source Port when both relays use 547 */
    const char *down = relay_msg("0c", 2, LINK, CLIENT, "", SOLICIT);
    expect_fwd(&rx, down, relay_msg("0c", 3, LINK, RELAY2, "", down));
    down = relay_msg("0c", 7, ZERO16, CLIENT, "", SOLICIT);
    expect_fwd(&rx, down, relay_msg("0c", 8, LINK, RELAY2, "", down));
    /* RFC 9915 section 19.1.2: at HOP_COUNT_LIMIT (8) the message is discarded */
    size_t n;
    ck_assert_int_eq(fwd_hex(rel, &rx, relay_msg("0c", 8, ZERO16, CLIENT, "", SOLICIT), &n),
                     D6T_ERR_RELAY_DEPTH);
    ck_assert_uint_eq(err.offset, 1);
    ck_assert_str_eq(err.reason, "hop count reached HOP_COUNT_LIMIT");
    ck_assert_int_eq(fwd_hex(rel, &rx, relay_msg("0c", 255, ZERO16, CLIENT, "", SOLICIT), &n),
                     D6T_ERR_RELAY_DEPTH);
    /* a relay configured with a lower limit */
    d6t_relay *low;
    d6t_relay_opts ro = D6T_RELAY_OPTS_INIT;
    ro.hop_count_limit = 3;
    ck_assert_int_eq(d6t_relay_new(NULL, &ro, &low), D6T_OK);
    ck_assert_int_eq(d6t_relay_add_iface(low, &io, NULL), D6T_OK);
    ck_assert_int_eq(fwd_hex(low, &rx, relay_msg("0c", 2, ZERO16, CLIENT, "", SOLICIT), &n),
                     D6T_OK);
    ck_assert_uint_eq(out[1], 3);
    ck_assert_int_eq(fwd_hex(low, &rx, relay_msg("0c", 3, ZERO16, CLIENT, "", SOLICIT), &n),
                     D6T_ERR_RELAY_DEPTH);
    d6t_relay_free(low);
}
END_TEST

/* RFC 9915 section 19.1.2: a Relay-forward from a relay with a global or ULA source address gets
 * link-address 0 (the reply goes back by that address) when the Interface-ID names the
 * interface; otherwise the interface's link-address. */
START_TEST(forward_relay_forward_link_address)
{
    d6t_relay_iface_opts io = plain_iface(1);
    io.interface_id = (const uint8_t *)"eth1";
    io.interface_id_len = 4;
    ck_assert_int_eq(d6t_relay_add_iface(rel, &io, NULL), D6T_OK);
    d6t_relay_iface_opts plain = plain_iface(2);
    uint8_t link2[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 2, [15] = 1};
    plain.link_address = link2;
    ck_assert_int_eq(d6t_relay_add_iface(rel, &plain, NULL), D6T_OK);
#define GLOBAL "20010db8001200000000000000000001" /* 2001:db8:12::1 */
#define ULA    "fd000000000000000000000000000007" /* fd00::7 */
    uint8_t global[16], ula[16];
    unhex(GLOBAL, global, 16);
    unhex(ULA, ula, 16);
    const char *down = relay_msg("0c", 0, LINK, CLIENT, "", SOLICIT);
    /* a global or a unique-local source: link-address 0, the Interface-ID names the link */
    d6t_relay_rx rx = rx_from(1, global, 547);
    expect_fwd(&rx, down, relay_msg("0c", 1, ZERO16, GLOBAL, "0012000465746831", down));
    rx.src_addr = ula;
    expect_fwd(&rx, down, relay_msg("0c", 1, ZERO16, ULA, "0012000465746831", down));
    /* a link-local source: the interface's link-address */
    rx.src_addr = relay2;
    expect_fwd(&rx, down, relay_msg("0c", 1, LINK, RELAY2, "0012000465746831", down));
    /* a client's message is never relayed with link-address 0, whatever its source */
    rx.src_addr = global;
    expect_fwd(&rx, SOLICIT, relay_msg("0c", 0, LINK, GLOBAL, "0012000465746831", SOLICIT));
    /* no Interface-ID: the link-address is what finds the interface again, so it stays */
    rx = rx_from(2, global, 547);
    expect_fwd(&rx, down, relay_msg("0c", 1, "20010db8000200000000000000000001", GLOBAL, "", down));
    /* the reply to link-address 0 comes back by the Interface-ID, to the relay's address, 547 */
    d6t_relay_delivery *d;
    const char *inner = relay_msg("0d", 0, LINK, CLIENT, "", "07abcdef");
    ck_assert_int_eq(reply_hex(relay_msg("0d", 1, ZERO16, GLOBAL, "0012000465746831", inner), &d),
                     D6T_OK);
    ck_assert_uint_eq(d6t_relay_delivery_iface(d), 1);
    uint8_t to[16];
    uint16_t port;
    ck_assert_int_eq(d6t_relay_delivery_destination(d, to, &port), D6T_OK);
    ck_assert_mem_eq(to, global, 16);
    ck_assert_uint_eq(port, 547);
#undef GLOBAL
#undef ULA
}
END_TEST

START_TEST(forward_drops)
{
    d6t_relay_iface_opts io = plain_iface(1);
    ck_assert_int_eq(d6t_relay_add_iface(rel, &io, NULL), D6T_OK);
    d6t_relay_rx rx = rx_from(1, client, 546);
    size_t n;
    /* what a client side never relays: a Relay-reply and server messages */
    ck_assert_int_eq(fwd_hex(rel, &rx, relay_msg("0d", 0, LINK, CLIENT, "", "07abcdef"), &n),
                     D6T_ERR_WRONG_KIND);
    ck_assert_str_eq(err.reason, "Relay-reply received from the client side");
    const char *server_msgs[] = {"02abcdef", "07abcdef", "0a000000", "0f000000", "13000000"};
    for (size_t i = 0; i < sizeof server_msgs / sizeof *server_msgs; i++)
        ck_assert_int_eq(fwd_hex(rel, &rx, server_msgs[i], &n), D6T_ERR_WRONG_KIND);
    /* malformed input: the parser's status and offset, nothing forwarded */
    ck_assert_int_eq(fwd_hex(rel, &rx, "", &n), D6T_ERR_TRUNCATED);
    ck_assert_int_eq(fwd_hex(rel, &rx, "01ab", &n), D6T_ERR_TRUNCATED);
    ck_assert_int_eq(fwd_hex(rel, &rx, "01abcdef0001000a0003", &n), D6T_ERR_OPT_OVERRUN);
    ck_assert_uint_eq(err.offset, 4);
    ck_assert_int_eq(fwd_hex(rel, &rx, "01abcdef000800030000ff", &n), D6T_ERR_OPT_LENGTH);
    ck_assert_int_eq(fwd_hex(rel, &rx, "0c00" LINK, &n), D6T_ERR_TRUNCATED);
    ck_assert_int_eq(fwd_hex(rel, &rx, relay_msg("0c", 0, LINK, CLIENT, "0009000501", NULL), &n),
                     D6T_ERR_OPT_OVERRUN);
    ck_assert_uint_eq(err.offset, 34);
    /* the caller's mistakes */
    d6t_relay_rx bad = rx_from(99, client, 546);
    ck_assert_int_eq(fwd_hex(rel, &bad, SOLICIT, &n), D6T_ERR_NOT_FOUND);
    bad = rx_from(1, NULL, 546);
    ck_assert_int_eq(fwd_hex(rel, &bad, SOLICIT, &n), D6T_ERR_INVALID_ARG);
    d6t_msg *m;
    ck_assert_int_eq(d6t_relay_forward(rel, NULL, &rx, in, 4, &m, NULL), D6T_ERR_INVALID_ARG);
    ck_assert_int_eq(d6t_relay_forward(NULL, a, &rx, in, 4, &m, NULL), D6T_ERR_INVALID_ARG);
    ck_assert_int_eq(d6t_relay_forward(rel, a, NULL, in, 4, &m, NULL), D6T_ERR_INVALID_ARG);
    ck_assert_int_eq(d6t_relay_forward(rel, a, &rx, NULL, 4, &m, NULL), D6T_ERR_INVALID_ARG);
    ck_assert_int_eq(d6t_relay_forward(rel, a, &rx, in, 4, NULL, NULL), D6T_ERR_INVALID_ARG);
    /* the receive context as an older caller (smaller) and a newer one (unknown fields) */
    struct {
        d6t_relay_rx rx;
        uint64_t future;
    } big = {rx_from(1, client, 546), 1};
    big.rx.size = sizeof big;
    ck_assert_int_eq(fwd_hex(rel, &big.rx, SOLICIT, &n), D6T_ERR_UNSUPPORTED);
    big.future = 0;
    ck_assert_int_eq(fwd_hex(rel, &big.rx, SOLICIT, &n), D6T_OK);
    d6t_relay_rx old = rx_from(1, client, 546);
    old.size = offsetof(d6t_relay_rx, lladdr_type);
    ck_assert_int_eq(fwd_hex(rel, &old, SOLICIT, &n), D6T_OK);
    old.size = 1;
    ck_assert_int_eq(fwd_hex(rel, &old, SOLICIT, &n), D6T_ERR_INVALID_ARG);
}
END_TEST

START_TEST(forward_too_big_and_no_memory)
{
    d6t_relay_iface_opts io = plain_iface(1);
    ck_assert_int_eq(d6t_relay_add_iface(rel, &io, NULL), D6T_OK);
    d6t_relay_rx rx = rx_from(1, client, 546);
    /* an inner message whose Relay-forward would not fit in 65535 bytes */
    static uint8_t big[65535 - 20];
    memset(big, 0, sizeof big);
    big[0] = 1;
    big[4] = 0x30; /* one unknown option 0x3000 filling the rest */
    big[6] = (uint8_t)((sizeof big - 8) >> 8);
    big[7] = (uint8_t)(sizeof big - 8);
    d6t_msg *m;
    ck_assert_int_eq(d6t_relay_forward(rel, a, &rx, big, sizeof big, &m, &err), D6T_ERR_TOO_LONG);
    ck_assert_ptr_null(m);
    /* an arena in caller memory that cannot hold the result: NOMEM, nothing half-built, and the
     * arena is given back what the attempt took */
    static _Alignas(16) uint8_t mem[512];
    d6t_arena *small = d6t_arena_new_in(mem, sizeof mem, NULL);
    size_t used = d6t_arena_used(small);
    size_t len = unhex(SOLICIT, in, sizeof in);
    for (int i = 0; i < 40; i++) len += unhex("000800020000", in + len, 6); /* many nodes */
    ck_assert_int_eq(d6t_relay_forward(rel, small, &rx, in, len, &m, &err), D6T_ERR_NOMEM);
    ck_assert_ptr_null(m);
    ck_assert_uint_eq(d6t_arena_used(small), used);
    d6t_arena_free(small);
}
END_TEST

/* ---- LDRA (RFC 6221) ---- */

START_TEST(ldra)
{
    d6t_relay_iface_opts io = D6T_RELAY_IFACE_OPTS_INIT;
    io.iface = 5;
    io.flags = D6T_RELAY_IFACE_LDRA | D6T_RELAY_IFACE_CLIENT_LLADDR;
    io.interface_id = (const uint8_t *)"port5";
    io.interface_id_len = 5;
    ck_assert_int_eq(d6t_relay_add_iface(rel, &io, &err), D6T_OK);
    d6t_relay_rx rx = rx_from(5, client, 546);
    rx.lladdr = mac;
    rx.lladdr_len = 6;
    /* link-address unspecified, peer-address the client's link-local, Interface-ID always */
    expect_fwd(&rx, SOLICIT,
               relay_msg("0c", 0, ZERO16, CLIENT,
                         "00120005706f727435"
                         "004f000800013431c43cb2f1",
                         SOLICIT));
    /* an untrusted client-facing port drops Relay-forwards */
    size_t n;
    const char *down = relay_msg("0c", 0, ZERO16, CLIENT, "", SOLICIT);
    rx.src_addr = relay2;
    rx.src_port = 547;
    ck_assert_int_eq(fwd_hex(rel, &rx, down, &n), D6T_ERR_WRONG_KIND);
    ck_assert_str_eq(err.reason, "Relay-forward on an untrusted LDRA interface (RFC 6221)");
    /* a trusted one relays them (hop count + 1) */
    io.iface = 6;
    io.flags = D6T_RELAY_IFACE_LDRA | D6T_RELAY_IFACE_TRUSTED;
    io.interface_id = (const uint8_t *)"port6";
    ck_assert_int_eq(d6t_relay_add_iface(rel, &io, &err), D6T_OK);
    rx.iface = 6;
    expect_fwd(&rx, down, relay_msg("0c", 1, ZERO16, RELAY2, "00120005706f727436", down));

    /* the reply direction: by Interface-ID only, to the client's link-local address on 546 */
    d6t_relay_delivery *d;
    const char *reply = "07abcdef0001000a000300013431c43cb2f1";
    ck_assert_int_eq(reply_hex(relay_msg("0d", 0, ZERO16, CLIENT, "00120005706f727435", reply), &d),
                     D6T_OK);
    ck_assert_uint_eq(d6t_relay_delivery_iface(d), 5);
    uint8_t to[16];
    uint16_t port;
    ck_assert_int_eq(d6t_relay_delivery_destination(d, to, &port), D6T_OK);
    ck_assert_mem_eq(to, client, 16);
    ck_assert_uint_eq(port, 546);
    /* without Interface-ID an LDRA cannot tell the port: dropped */
    ck_assert_int_eq(reply_hex(relay_msg("0d", 0, ZERO16, CLIENT, "", reply), &d),
                     D6T_ERR_NOT_FOUND);
}
END_TEST

/* ---- configuration ---- */

static void expect_iface_error(const d6t_relay_iface_opts *io, d6t_status st, const char *reason)
{
    size_t before = d6t_relay_iface_count(rel);
    memset(&err, 0x55, sizeof err);
    ck_assert_int_eq(d6t_relay_add_iface(rel, io, &err), st);
    ck_assert_int_eq(err.status, st);
    if (reason) ck_assert_str_eq(err.reason, reason);
    ck_assert_uint_eq(d6t_relay_iface_count(rel), before);
}

START_TEST(configuration_errors)
{
    /* a link of its own for the checks of one rule each, so that no other rule answers */
    static const uint8_t link3[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 3, [15] = 1};
    d6t_relay_iface_opts io = plain_iface(1);
    io.interface_id = (const uint8_t *)"a";
    io.interface_id_len = 1;
    ck_assert_int_eq(d6t_relay_add_iface(rel, &io, &err), D6T_OK);
    d6t_relay_iface_opts x = plain_iface(1);
    expect_iface_error(&x, D6T_ERR_INVALID_ARG, "another interface has this handle");
    x = plain_iface(2);
    x.interface_id = (const uint8_t *)"a";
    x.interface_id_len = 1;
    expect_iface_error(&x, D6T_ERR_INVALID_ARG, "another interface has this Interface-ID");
    x = plain_iface(2);
    x.link_address = NULL;
    expect_iface_error(&x, D6T_ERR_INVALID_ARG,
                       "no link-address and no Interface-ID: replies could not find the interface");
    x.link_address = client; /* link-local */
    expect_iface_error(&x, D6T_ERR_INVALID_ARG, NULL);
    uint8_t mc[16] = {0xff, 0x02, [15] = 2}, lo[16] = {[15] = 1};
    x.link_address = mc;
    expect_iface_error(&x, D6T_ERR_INVALID_ARG, NULL);
    x.link_address = lo;
    expect_iface_error(&x, D6T_ERR_INVALID_ARG, NULL);
    /* RFC 9915 section 19.1.1: a link-address another interface has cannot name either to a
     * reply, so both need an Interface-ID (interface 1 has "a") */
    x = plain_iface(2);
    expect_iface_error(&x, D6T_ERR_INVALID_ARG,
                       "another interface has this link-address, and one of the two no "
                       "Interface-ID");
    static const uint8_t link4[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 4, [15] = 1};
    x = plain_iface(90);
    x.link_address = link4; /* on a link of its own, no Interface-ID is needed */
    ck_assert_int_eq(d6t_relay_add_iface(rel, &x, &err), D6T_OK);
    x = plain_iface(91);
    x.link_address = link4;
    x.interface_id = (const uint8_t *)"c";
    x.interface_id_len = 1;
    expect_iface_error(&x, D6T_ERR_INVALID_ARG,
                       "another interface has this link-address, and one of the two no "
                       "Interface-ID");
    x = plain_iface(2);
    x.link_address = link3;
    x.flags = D6T_RELAY_IFACE_LDRA;
    x.interface_id = (const uint8_t *)"b";
    x.interface_id_len = 1;
    expect_iface_error(&x, D6T_ERR_INVALID_ARG,
                       "an LDRA sends the unspecified link-address (RFC 6221)");
    x = plain_iface(2);
    x.link_address = link3;
    x.flags = D6T_RELAY_IFACE_TRUSTED;
    expect_iface_error(&x, D6T_ERR_INVALID_ARG, "only LDRA interfaces are trusted or not");
    x.flags = 0x80;
    expect_iface_error(&x, D6T_ERR_UNSUPPORTED, "unknown interface flags");
    x = plain_iface(2);
    x.link_address = link3;
    x.remote_id = (const uint8_t *)"";
    expect_iface_error(&x, D6T_ERR_INVALID_ARG, "Remote-ID of 0 or more than 65531 bytes");
    x = plain_iface(2);
    x.link_address = link3;
    x.subscriber_id = (const uint8_t *)"";
    expect_iface_error(&x, D6T_ERR_INVALID_ARG, NULL);
    x = plain_iface(2);
    x.link_address = link3;
    x.interface_id = (const uint8_t *)"";
    expect_iface_error(&x, D6T_ERR_INVALID_ARG, NULL);
    x = plain_iface(2);
    x.link_address = link3;
    uint16_t ero[1] = {37};
    x.echo_request = ero;
    expect_iface_error(&x, D6T_ERR_INVALID_ARG, NULL);
    /* malformed relay-supplied options: the parser's reason, offset within 'rsoo' */
    x = plain_iface(2);
    x.link_address = link3;
    uint8_t rsoo[] = {0, 23, 0, 1, 0}; /* DNS servers of one byte */
    x.rsoo = rsoo;
    x.rsoo_len = sizeof rsoo;
    expect_iface_error(&x, D6T_ERR_OPT_LENGTH, NULL);
    ck_assert_uint_eq(err.offset, 4); /* the option's data */
    uint8_t rsoo2[] = {0, 21, 0, 0, 0, 30, 0, 9};
    x.rsoo = rsoo2;
    x.rsoo_len = sizeof rsoo2;
    expect_iface_error(&x, D6T_ERR_OPT_OVERRUN, NULL);
    ck_assert_uint_eq(err.offset, 4);
    /* sized struct: unknown fields set, and a size too small */
    struct {
        d6t_relay_iface_opts io;
        uint32_t future;
    } big = {plain_iface(2), 7};
    big.io.size = sizeof big;
    big.io.link_address = link3;
    expect_iface_error(&big.io, D6T_ERR_UNSUPPORTED, NULL);
    x.size = 2;
    expect_iface_error(&x, D6T_ERR_INVALID_ARG, NULL);
    ck_assert_int_eq(d6t_relay_add_iface(NULL, &io, NULL), D6T_ERR_INVALID_ARG);
    ck_assert_int_eq(d6t_relay_add_iface(rel, NULL, NULL), D6T_ERR_INVALID_ARG);
    /* the relay-wide options */
    d6t_relay *r2;
    d6t_relay_opts ro = D6T_RELAY_OPTS_INIT;
    uint8_t duid[131] = {0};
    ro.relay_id = duid;
    ck_assert_int_eq(d6t_relay_new(NULL, &ro, &r2), D6T_ERR_INVALID_ARG);
    ro.relay_id_len = 131;
    ck_assert_int_eq(d6t_relay_new(NULL, &ro, &r2), D6T_ERR_INVALID_ARG);
    ck_assert_int_eq(d6t_relay_new(NULL, NULL, NULL), D6T_ERR_INVALID_ARG);
    ro = (d6t_relay_opts)D6T_RELAY_OPTS_INIT;
    ro.size = 3;
    ck_assert_int_eq(d6t_relay_new(NULL, &ro, &r2), D6T_ERR_INVALID_ARG);
    /* many interfaces: the table grows and every one stays findable */
    for (uint32_t h = 100; h < 140; h++) {
        char id[8];
        snprintf(id, sizeof id, "if%u", h);
        x = plain_iface(h);
        x.interface_id = (const uint8_t *)id;
        x.interface_id_len = strlen(id);
        ck_assert_int_eq(d6t_relay_add_iface(rel, &x, &err), D6T_OK);
    }
    ck_assert_uint_eq(d6t_relay_iface_count(rel), 42);
    d6t_relay_delivery *d;
    ck_assert_int_eq(
        reply_hex(relay_msg("0d", 0, LINK, CLIENT, "001200056966313137", "07abcdef"), &d), D6T_OK);
    ck_assert_uint_eq(d6t_relay_delivery_iface(d), 117);
}
END_TEST

/* ---- reply ---- */

START_TEST(reply_to_client)
{
    d6t_relay_iface_opts io = plain_iface(4);
    io.interface_id = (const uint8_t *)"eth4";
    io.interface_id_len = 4;
    ck_assert_int_eq(d6t_relay_add_iface(rel, &io, NULL), D6T_OK);
    d6t_relay_iface_opts io2 = D6T_RELAY_IFACE_OPTS_INIT;
    uint8_t link2[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 2, [15] = 1};
    io2.iface = 9;
    io2.link_address = link2;
    ck_assert_int_eq(d6t_relay_add_iface(rel, &io2, NULL), D6T_OK);
    const char *reply = "07abcdef0001000a000300013431c43cb2f1";
    /* by Interface-ID (and the link-address does not matter then) */
    d6t_relay_delivery *d;
    ck_assert_int_eq(reply_hex(relay_msg("0d", 0, ZERO16, CLIENT,
                                         "001200046574683400250004000000"
                                         "09",
                                         reply),
                               &d),
                     D6T_OK);
    ck_assert_uint_eq(d6t_relay_delivery_iface(d), 4);
    uint8_t to[16];
    uint16_t port;
    ck_assert_int_eq(d6t_relay_delivery_destination(d, to, &port), D6T_OK);
    ck_assert_mem_eq(to, client, 16);
    ck_assert_uint_eq(port, D6T_RELAY_CLIENT_PORT);
    size_t n, wn = unhex(reply, want, sizeof want);
    const uint8_t *bytes = d6t_relay_delivery_bytes(d, &n);
    ck_assert_uint_eq(n, wn);
    ck_assert_mem_eq(bytes, want, n); /* exactly as the server sent it, though 'in' is gone */
    ck_assert_uint_eq(d6t_msg_type(d6t_relay_delivery_message(d)), D6T_MSG_REPLY);
    ck_assert_ptr_nonnull(d6t_msg_find_opt(d6t_relay_delivery_relay_reply(d), D6T_OPT_REMOTE_ID));
    ck_assert_uint_eq(d6t_relay_delivery_lease_count(d), 0);
    d6t_relay_lease l = D6T_RELAY_LEASE_INIT;
    ck_assert_int_eq(d6t_relay_delivery_lease(d, 0, &l), D6T_ERR_NOT_FOUND);
    /* by link-address when there is no Interface-ID */
    uint8_t srv_peer[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 2, [15] = 0x77};
    ck_assert_int_eq(reply_hex(relay_msg("0d", 0, "20010db8000200000000000000000001",
                                         "20010db8000200000000000000000077", "", "0a000000"),
                               &d),
                     D6T_OK);
    ck_assert_uint_eq(d6t_relay_delivery_iface(d), 9);
    ck_assert_int_eq(d6t_relay_delivery_destination(d, to, &port), D6T_OK);
    ck_assert_mem_eq(to, srv_peer, 16);
    ck_assert_uint_eq(port, 546); /* Reconfigure */
    /* a message type this library does not know goes to the client too */
    ck_assert_int_eq(reply_hex(relay_msg("0d", 0, LINK, CLIENT, "", "c8"), &d), D6T_OK);
    ck_assert_uint_eq(d6t_relay_delivery_iface(d), 4);
    /* NULL arguments */
    ck_assert_int_eq(d6t_relay_delivery_destination(d, NULL, &port), D6T_ERR_INVALID_ARG);
    ck_assert_int_eq(d6t_relay_delivery_destination(NULL, to, &port), D6T_ERR_INVALID_ARG);
    ck_assert_ptr_null(d6t_relay_delivery_message(NULL));
    ck_assert_ptr_null(d6t_relay_delivery_bytes(NULL, &n));
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(d6t_relay_reply(rel, NULL, in, 1, &d, NULL), D6T_ERR_INVALID_ARG);
    ck_assert_int_eq(d6t_relay_reply(NULL, a, in, 1, &d, NULL), D6T_ERR_INVALID_ARG);
    ck_assert_int_eq(d6t_relay_reply(rel, a, in, 1, NULL, NULL), D6T_ERR_INVALID_ARG);
}
END_TEST

START_TEST(reply_drops)
{
    d6t_relay_iface_opts io = plain_iface(4);
    io.interface_id = (const uint8_t *)"eth4";
    io.interface_id_len = 4;
    ck_assert_int_eq(d6t_relay_add_iface(rel, &io, NULL), D6T_OK);
    const char *reply = "07abcdef";
    const char *ifid = "0012000465746834";
    d6t_relay_delivery *d;
    /* not a Relay-reply */
    ck_assert_int_eq(reply_hex(relay_msg("0c", 0, LINK, CLIENT, ifid, reply), &d),
                     D6T_ERR_WRONG_KIND);
    ck_assert_int_eq(reply_hex(reply, &d), D6T_ERR_WRONG_KIND);
    ck_assert_str_eq(err.reason, "not a Relay-reply");
    /* no Relay Message option */
    ck_assert_int_eq(reply_hex(relay_msg("0d", 0, LINK, CLIENT, ifid, NULL), &d),
                     D6T_ERR_NOT_FOUND);
    ck_assert_uint_eq(err.offset, 34);
    ck_assert_str_eq(err.reason, "Relay-reply without a Relay Message option");
    /* not ours: an Interface-ID we do not have, or no Interface-ID and another link */
    ck_assert_int_eq(reply_hex(relay_msg("0d", 0, LINK, CLIENT, "0012000465746835", reply), &d),
                     D6T_ERR_NOT_FOUND);
    ck_assert_str_eq(err.reason, "Interface-ID names no interface of this relay");
    ck_assert_int_eq(
        reply_hex(relay_msg("0d", 0, "20010db8000900000000000000000001", CLIENT, "", reply), &d),
        D6T_ERR_NOT_FOUND);
    ck_assert_int_eq(reply_hex(relay_msg("0d", 0, ZERO16, CLIENT, "", reply), &d),
                     D6T_ERR_NOT_FOUND);
    /* a destination that cannot be one */
    ck_assert_int_eq(
        reply_hex(relay_msg("0d", 0, LINK, "ff020000000000000000000000010002", ifid, reply), &d),
        D6T_ERR_OPT_VALUE);
    ck_assert_uint_eq(err.offset, 18);
    ck_assert_int_eq(reply_hex(relay_msg("0d", 0, LINK, ZERO16, ifid, reply), &d),
                     D6T_ERR_OPT_VALUE);
    /* an inner message no server sends downstream */
    ck_assert_int_eq(reply_hex(relay_msg("0d", 0, LINK, CLIENT, ifid, SOLICIT), &d),
                     D6T_ERR_WRONG_KIND);
    ck_assert_uint_eq(err.offset, 34 + 8 + 4);
    ck_assert_int_eq(reply_hex(relay_msg("0d", 0, LINK, CLIENT, ifid,
                                         relay_msg("0c", 0, LINK, CLIENT, "", SOLICIT)),
                               &d),
                     D6T_ERR_WRONG_KIND);
    /* malformed */
    ck_assert_int_eq(reply_hex("0d00", &d), D6T_ERR_TRUNCATED);
    ck_assert_int_eq(reply_hex("", &d), D6T_ERR_TRUNCATED);
    ck_assert_int_eq(reply_hex(relay_msg("0d", 0, LINK, CLIENT, "00120010aa", NULL), &d),
                     D6T_ERR_OPT_OVERRUN);
    ck_assert_uint_eq(err.offset, 34);
    ck_assert_int_eq(reply_hex(relay_msg("0d", 0, LINK, CLIENT, ifid, "07ab"), &d),
                     D6T_ERR_TRUNCATED);
}
END_TEST

START_TEST(reply_to_downstream_relay_ports)
{
    d6t_relay_iface_opts io = plain_iface(4);
    ck_assert_int_eq(d6t_relay_add_iface(rel, &io, NULL), D6T_OK);
    const char *inner = relay_msg("0d", 0, ZERO16, CLIENT, "", "07abcdef");
    d6t_relay_delivery *d;
    uint8_t to[16];
    uint16_t port;
    /* a Relay-reply for a downstream relay: 547 ... */
    ck_assert_int_eq(reply_hex(relay_msg("0d", 1, LINK, RELAY2, "", inner), &d), D6T_OK);
    ck_assert_int_eq(d6t_relay_delivery_destination(d, to, &port), D6T_OK);
    ck_assert_uint_eq(port, 547);
    ck_assert_mem_eq(to, relay2, 16);
    /* ... or the port our Relay Source Port option remembered (RFC 8357) */
    ck_assert_int_eq(reply_hex(relay_msg("0d", 1, LINK, RELAY2, "008700020bb8", inner), &d),
                     D6T_OK);
    ck_assert_int_eq(d6t_relay_delivery_destination(d, to, &port), D6T_OK);
    ck_assert_uint_eq(port, 3000);
    /* 0: the downstream was a client, or sent from 547 */
    ck_assert_int_eq(reply_hex(relay_msg("0d", 1, LINK, RELAY2, "008700020000", inner), &d),
                     D6T_OK);
    ck_assert_int_eq(d6t_relay_delivery_destination(d, to, &port), D6T_OK);
    ck_assert_uint_eq(port, 547);
    /* the option never changes the client's port */
    ck_assert_int_eq(reply_hex(relay_msg("0d", 1, LINK, CLIENT, "008700020bb8", "07abcdef"), &d),
                     D6T_OK);
    ck_assert_int_eq(d6t_relay_delivery_destination(d, to, &port), D6T_OK);
    ck_assert_uint_eq(port, 546);
}
END_TEST

static void expect_lease(const d6t_relay_delivery *d, size_t i, uint16_t type, uint32_t iaid,
                         const char *addr, uint8_t plen, uint32_t pref, uint32_t valid)
{
    d6t_relay_lease l = D6T_RELAY_LEASE_INIT;
    uint8_t x[16];
    unhex(addr, x, 16);
    ck_assert_int_eq(d6t_relay_delivery_lease(d, i, &l), D6T_OK);
    ck_assert_uint_eq(l.size, sizeof l);
    ck_assert_uint_eq(l.ia_type, type);
    ck_assert_uint_eq(l.iaid, iaid);
    ck_assert_mem_eq(l.addr, x, 16);
    ck_assert_uint_eq(l.prefix_len, plen);
    ck_assert_uint_eq(l.preferred, pref);
    ck_assert_uint_eq(l.valid, valid);
}

START_TEST(reply_leases)
{
    d6t_relay_iface_opts io = plain_iface(4);
    ck_assert_int_eq(d6t_relay_add_iface(rel, &io, NULL), D6T_OK);
    d6t_relay_delivery *d;
    /* W3: a Reply with an IA_NA (an address and a status code) and an IA_PD (a /48) */
    ck_assert_int_eq(reply_hex(relay_msg("0d", 0, LINK, CLIENT, "", W3_HEX), &d), D6T_OK);
    ck_assert_uint_eq(d6t_relay_delivery_lease_count(d), 2);
    expect_lease(d, 0, D6T_OPT_IA_NA, 0xc43cb2f1, "20010db8000100000000000000001234", 128, 3600,
                 7200);
    expect_lease(d, 1, D6T_OPT_IA_PD, 0xc43cb2f1, "20010db8800000000000000000000000", 48, 3600,
                 7200);
    ck_assert_int_eq(d6t_relay_delivery_lease(d, 2, NULL), D6T_ERR_INVALID_ARG);
    d6t_relay_lease l = D6T_RELAY_LEASE_INIT;
    ck_assert_int_eq(d6t_relay_delivery_lease(d, 2, &l), D6T_ERR_NOT_FOUND);
    /* an older caller's smaller struct gets only the fields it has */
    struct {
        d6t_relay_lease l;
    } small;
    memset(&small, 0xab, sizeof small);
    small.l.size = offsetof(d6t_relay_lease, addr);
    ck_assert_int_eq(d6t_relay_delivery_lease(d, 1, &small.l), D6T_OK);
    ck_assert_uint_eq(small.l.size, offsetof(d6t_relay_lease, addr));
    ck_assert_uint_eq(small.l.iaid, 0xc43cb2f1);
    ck_assert_uint_eq(small.l.addr[0], 0xab);
    small.l.size = 1;
    ck_assert_int_eq(d6t_relay_delivery_lease(d, 0, &small.l), D6T_ERR_INVALID_ARG);
    /* through a chain: the innermost Reply's leases, two prefixes, one IA_TA left out, a
     * released prefix (valid 0) reported for route removal, a prefix length of 200 not */
#define Z20 "00000000000000000000"
#define PD5                                     \
    "0019004600000005"                          \
    "0000000000000000"                          \
    "001a001900000e1000001c2040"                \
    "20010db8aaaa" Z20 /* 2001:db8:aaaa::/64 */ \
    "001a00190000000000000000"                  \
    "38"                                        \
    "20010db8bbbb" Z20 /* released: valid lifetime 0 */
    const char *reply =
        "07abcdef" PD5 "0004002000000009" /* an IA_TA: temporary addresses are no lease */
        "0005001820010db8dddd" Z20 "0000000100000002"
        "0019002900000006"
        "0000000000000000" /* a prefix length of 200 */
        "001a00190000000100000002c8"
        "20010db8cccc" Z20;
    ck_assert_int_eq(reply_hex(relay_msg("0d", 0, LINK, CLIENT, "",
                                         relay_msg("0d", 0, ZERO16, CLIENT, "", reply)),
                               &d),
                     D6T_OK);
    ck_assert_uint_eq(d6t_relay_delivery_lease_count(d), 2);
    expect_lease(d, 0, D6T_OPT_IA_PD, 5, "20010db8aaaa00000000000000000000", 64, 3600, 7200);
    expect_lease(d, 1, D6T_OPT_IA_PD, 5, "20010db8bbbb00000000000000000000", 56, 0, 0);
    /* an Advertise commits nothing: no leases */
    ck_assert_int_eq(reply_hex(relay_msg("0d", 0, LINK, CLIENT, "", "02abcdef" PD5), &d), D6T_OK);
    ck_assert_uint_eq(d6t_relay_delivery_lease_count(d), 0);
}
END_TEST

/* ---- both directions with the library's own server side in between ---- */

START_TEST(round_trip_through_bundle)
{
    d6t_relay_free(rel);
    d6t_relay_opts ro = D6T_RELAY_OPTS_INIT;
    ro.source_port = 10547;
    ck_assert_int_eq(d6t_relay_new(NULL, &ro, &rel), D6T_OK);
    d6t_relay_iface_opts io = plain_iface(2);
    io.interface_id = (const uint8_t *)"ge-0/0/2";
    io.interface_id_len = 8;
    ck_assert_int_eq(d6t_relay_add_iface(rel, &io, NULL), D6T_OK);
    d6t_relay_rx rx = rx_from(2, relay2, 3000); /* a downstream relay on port 3000 */
    const char *down = relay_msg("0c", 0, ZERO16, CLIENT, "", SOLICIT);
    size_t n;
    ck_assert_int_eq(fwd_hex(rel, &rx, down, &n), D6T_OK);
    /* the server: a bundle over our Relay-forward answers with an Advertise */
    d6t_bundle *b;
    ck_assert_int_eq(d6t_bundle_new(NULL, out, n, 0, NULL, &b, NULL), D6T_OK);
    ck_assert_uint_eq(d6t_bundle_incoming_relay_count(b), 2);
    uint8_t link[16];
    ck_assert_int_eq(d6t_bundle_link_address(b, link), D6T_OK);
    ck_assert_mem_eq(link, link_addr, 16);
    d6t_msg *adv = d6t_msg_new(d6t_bundle_arena(b), D6T_MSG_ADVERTISE);
    d6t_msg_set_transaction_id(adv, 0xabcdef);
    d6t_bundle_set_response(b, adv);
    uint8_t us[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 9}, to[16];
    uint16_t port;
    d6t_bundle_set_source_address(b, us);
    d6t_bundle_set_source_port(b, 10547);
    ck_assert_int_eq(d6t_bundle_outgoing_next(b, want, sizeof want, &n), D6T_OK);
    ck_assert_int_eq(d6t_bundle_destination(b, to, &port), D6T_OK);
    ck_assert_uint_eq(port, 10547); /* RFC 8357: the server answers to our source port */
    d6t_bundle_free(b);
    /* back through the relay: to the downstream relay's port 3000, its Relay-reply inside */
    d6t_arena_reset(a);
    d6t_relay_delivery *d;
    ck_assert_int_eq(d6t_relay_reply(rel, a, want, n, &d, &err), D6T_OK);
    ck_assert_uint_eq(d6t_relay_delivery_iface(d), 2);
    ck_assert_int_eq(d6t_relay_delivery_destination(d, to, &port), D6T_OK);
    ck_assert_mem_eq(to, relay2, 16);
    ck_assert_uint_eq(port, 3000);
    size_t k, wk = unhex(relay_msg("0d", 0, ZERO16, CLIENT, "", "02abcdef"), in, sizeof in);
    const uint8_t *bytes = d6t_relay_delivery_bytes(d, &k);
    ck_assert_uint_eq(k, wk);
    ck_assert_mem_eq(bytes, in, k);
}
END_TEST

/* Steady state: with the result arena reset per datagram, forward and reply take nothing from
 * the heap once the arena has grown to the traffic. */
START_TEST(steady_state_no_heap)
{
    struct counting c = COUNTING_INIT;
    d6t_allocator al = {c_alloc, c_free, &c};
    d6t_arena *ra = d6t_arena_new(&al, 0);
    d6t_relay_iface_opts io = plain_iface(1);
    io.interface_id = (const uint8_t *)"eth0";
    io.interface_id_len = 4;
    io.flags = D6T_RELAY_IFACE_CLIENT_LLADDR;
    ck_assert_int_eq(d6t_relay_add_iface(rel, &io, NULL), D6T_OK);
    uint8_t w1[1000], rr[1000];
    size_t w1n = unhex(W1_HEX, w1, sizeof w1);
    size_t rrn = unhex(relay_msg("0d", 0, LINK, CLIENT, "0012000465746830", W3_HEX), rr, sizeof rr);
    d6t_relay_rx rx = rx_from(1, relay2, 547);
    rx.lladdr = mac;
    rx.lladdr_len = 6;
    size_t after_warmup = 0;
    for (int i = 0; i < 50; i++) {
        if (i == 5) after_warmup = c.allocs;
        d6t_arena_reset(ra);
        d6t_msg *m;
        size_t n;
        ck_assert_int_eq(d6t_relay_forward(rel, ra, &rx, w1, w1n, &m, NULL), D6T_OK);
        ck_assert_int_eq(d6t_msg_write(m, out, sizeof out, &n), D6T_OK);
        d6t_arena_reset(ra);
        d6t_relay_delivery *d;
        ck_assert_int_eq(d6t_relay_reply(rel, ra, rr, rrn, &d, NULL), D6T_OK);
        ck_assert_uint_eq(d6t_relay_delivery_lease_count(d), 2);
    }
    ck_assert_uint_eq(c.allocs, after_warmup);
    d6t_arena_free(ra);
    ck_assert_uint_eq(c.live, 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("relay");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, forward_client_message);
    tcase_add_test(tc, forward_every_option);
    tcase_add_test(tc, forward_relay_forward_and_hop_limit);
    tcase_add_test(tc, forward_relay_forward_link_address);
    tcase_add_test(tc, forward_drops);
    tcase_add_test(tc, forward_too_big_and_no_memory);
    tcase_add_test(tc, ldra);
    tcase_add_test(tc, configuration_errors);
    tcase_add_test(tc, reply_to_client);
    tcase_add_test(tc, reply_drops);
    tcase_add_test(tc, reply_to_downstream_relay_ports);
    tcase_add_test(tc, reply_leases);
    tcase_add_test(tc, round_trip_through_bundle);
    tcase_add_test(tc, steady_state_no_heap);
    suite_add_tcase(s, tc);
    return run_suite(s) ? 1 : 0;
}
