/* libdhcp6txn - relay agents: Relay-forward construction and Relay-reply delivery.
 *
 * The other half of relay chains: what a relay agent (RFC 9915 section 19) or a lightweight relay
 * agent (LDRA, RFC 6221) in an access switch, BNG, OLT or home gateway does with the datagrams it
 * receives. d6t_relay_forward() wraps a client message, or a Relay-forward from a downstream
 * relay, into a Relay-forward carrying what the operator configured for the receiving interface
 * (Interface-ID, Remote-ID, Subscriber-ID, Client Link-Layer Address, Relay Source Port, Echo
 * Request, Relay-ID, relay-supplied options). d6t_relay_reply() takes a Relay-reply from a server
 * or an upstream relay, checks that it names one of the relay's interfaces, and says where its
 * inner message goes (interface, address, port) and which leases it carries (delegated prefixes
 * for routes, RFC 8987; addresses).
 *
 * Ownership: a d6t_relay (the configuration of every interface) lives in an arena, its own or the
 * caller's; everything it was configured with is copied into it. Each forward or reply builds its
 * result in an arena the caller passes (reset it per datagram: after the first datagrams of each
 * size no heap allocation happens at all). Results live until that arena is reset or freed.
 * There is no global state; a d6t_relay is only read by forward and reply, so any number of
 * threads may use one relay at once, each with its own result arena, once it is configured.
 * Hostile input from either side gets a status with offset and reason and no result: nothing is
 * ever forwarded half-built.
 * SPDX-License-Identifier: BSD-2-Clause */
#ifndef DHCP6TXN_RELAY_H
#define DHCP6TXN_RELAY_H

#include "common.h"
#include "arena.h"
#include "message.h"

#ifdef __cplusplus
extern "C" {
#endif

/* RFC 9915 section 7.6: a relay discards a Relay-forward whose hop count has reached 8. */
#define D6T_RELAY_HOP_COUNT_LIMIT 8
/* UDP ports of RFC 9915 section 7.2. */
#define D6T_RELAY_CLIENT_PORT 546
#define D6T_RELAY_SERVER_PORT 547

/* A relay agent's configuration: relay-wide settings and its interfaces. Opaque. */
typedef struct d6t_relay d6t_relay;

/* Relay-wide settings, a struct that may grow: fields are only ever added at the end. 'size' is
 * sizeof(d6t_relay_opts) as the caller's header had it (start from D6T_RELAY_OPTS_INIT); the
 * library reads the first 'size' bytes and takes defaults for the rest, and bytes past the fields
 * it knows must be zero (else D6T_ERR_UNSUPPORTED). NULL means all defaults. Copied: nothing is
 * kept after d6t_relay_new returns. */
typedef struct d6t_relay_opts {
    size_t size;
    /* RFC 5460 Relay-ID: this relay's DUID (relay_id_len bytes), sent in every Relay-forward
     * so that a bulk leasequery by relay can find the bindings made through it. NULL: none. */
    const uint8_t *relay_id;
    size_t relay_id_len;
    /* UDP port the relay sends its Relay-forwards from (0 or 547: the standard port). Any other
     * port adds the Relay Source Port option of RFC 8357 to every Relay-forward, so that the
     * server answers to that port. */
    uint16_t source_port;
    /* Relay-forwards from downstream relays whose hop count is at least this are discarded
     * (0: D6T_RELAY_HOP_COUNT_LIMIT; at most 255). */
    uint8_t hop_count_limit;
} d6t_relay_opts;

/* Defaults: no Relay-ID, source port 547, hop count limit 8. */
#define D6T_RELAY_OPTS_INIT                   \
    {                                         \
        sizeof(d6t_relay_opts), NULL, 0, 0, 0 \
    }

/* Interface flags (d6t_relay_iface_opts.flags). */
/* Add the Client Link-Layer Address option (RFC 6939) to Relay-forwards of client messages, from
 * the link-layer address in the receive context (none there: the option is left out). */
#define D6T_RELAY_IFACE_CLIENT_LLADDR 0x1u
/* Lightweight relay (RFC 6221) on this client-facing interface: link-address is always "::",
 * the Interface-ID is mandatory (in the configuration and in every Relay-reply), and
 * Relay-forwards from the client side are discarded unless the interface is trusted. */
#define D6T_RELAY_IFACE_LDRA 0x2u
/* An LDRA interface trusted to have relays behind it (RFC 6221): Relay-forwards
 * received on it are relayed. A full relay always relays them. */
#define D6T_RELAY_IFACE_TRUSTED 0x4u

/* One downstream (client-facing) interface: a struct that may grow, with 'size' first, read like
 * d6t_relay_opts (start from D6T_RELAY_IFACE_OPTS_INIT). Every pointer is read during
 * d6t_relay_add_iface only; the bytes are copied into the relay's arena. */
typedef struct d6t_relay_iface_opts {
    size_t size;
    /* The caller's handle for the interface (an ifindex, a port number): given back by
     * d6t_relay_delivery_iface and used to pick the interface in d6t_relay_rx.iface. Unique. */
    uint32_t iface;
    unsigned flags; /* D6T_RELAY_IFACE_* */
    /* Link-address for Relay-forwards (16 bytes): a global or unique-local address of the
     * interface (RFC 9915 section 19.1.1), by which the server picks the link and by which a
     * Relay-reply without Interface-ID is matched to the interface. NULL (or "::"): the
     * link-address is unspecified, and then interface_id is required (always so in LDRA mode). */
    const uint8_t *link_address;
    /* Interface-ID option data (RFC 9915 section 21.18), 1..65535 bytes; NULL: none. Unique
     * among the relay's interfaces: it is what a Relay-reply is matched by. */
    const uint8_t *interface_id;
    size_t interface_id_len;
    /* Remote-ID option (RFC 4649): enterprise number and remote-id bytes; NULL: none. */
    uint32_t remote_id_enterprise;
    const uint8_t *remote_id;
    size_t remote_id_len;
    /* Subscriber-ID option (RFC 4580) bytes; NULL: none. */
    const uint8_t *subscriber_id;
    size_t subscriber_id_len;
    /* Echo Request option (RFC 4994): option codes the server is asked to echo back in the
     * Relay-reply. NULL: none. */
    const uint16_t *echo_request;
    size_t echo_request_count;
    /* Relay-supplied options (RFC 6422): the options the server may pass on to the client, in
     * wire form (code, length, data, ...), sent inside an RSOO option. NULL: none. */
    const uint8_t *rsoo;
    size_t rsoo_len;
} d6t_relay_iface_opts;

/* Defaults: handle 0, no flags, no link-address, no options. */
#define D6T_RELAY_IFACE_OPTS_INIT                                                                \
    {                                                                                            \
        sizeof(d6t_relay_iface_opts), 0, 0, NULL, NULL, 0, 0, NULL, 0, NULL, 0, NULL, 0, NULL, 0 \
    }

/* Where and how a datagram was received, for d6t_relay_forward: a struct that may grow, with
 * 'size' first, read like d6t_relay_opts (start from D6T_RELAY_RX_INIT). Read during the call
 * only. */
typedef struct d6t_relay_rx {
    size_t size;
    uint32_t iface;          /* the receiving interface's handle (d6t_relay_iface_opts.iface) */
    const uint8_t *src_addr; /* IPv6 source address of the datagram (16 bytes), required */
    uint16_t src_port;       /* UDP source port of the datagram */
    uint16_t lladdr_type;    /* the client's link-layer type (IANA hardware type, 1: Ethernet) */
    const uint8_t *lladdr;   /* the client's link-layer (MAC) source address, or NULL */
    size_t lladdr_len;       /* its length, at most 255 */
} d6t_relay_rx;

/* Defaults: interface 0, no source (must be set), Ethernet, no link-layer address. */
#define D6T_RELAY_RX_INIT                            \
    {                                                \
        sizeof(d6t_relay_rx), 0, NULL, 0, 1, NULL, 0 \
    }

/* A new relay without interfaces, living in arena 'a' (NULL: a private arena, released by
 * d6t_relay_free). 'opts' may be NULL (defaults). On success *out is the relay.
 * Errors: D6T_ERR_INVALID_ARG (NULL 'out', a 'size' smaller than the size field, a Relay-ID of
 * 0 or more than 130 bytes, which RFC 9915 section 11.1 forbids for a DUID), D6T_ERR_UNSUPPORTED
 * (fields unknown to this library set), D6T_ERR_NOMEM. */
D6T_EXPORT d6t_status d6t_relay_new(d6t_arena *a, const d6t_relay_opts *opts, d6t_relay **out);
/* Release a relay's private arena (a no-op for a relay in a caller's arena). NULL is allowed. */
D6T_EXPORT void d6t_relay_free(d6t_relay *r);

/* Add a client-facing interface (copied into the relay's arena). Not thread-safe with forward
 * and reply on the same relay: configure first. 'err' (may be NULL) says what is wrong:
 * D6T_ERR_INVALID_ARG for a configuration RFC 9915 or RFC 6221 does not allow (no link-address
 * and no Interface-ID; a link-address that is link-local, multicast or loopback; an LDRA
 * interface with a link-address; D6T_RELAY_IFACE_TRUSTED without D6T_RELAY_IFACE_LDRA; an empty
 * or 65536-byte option; a handle or Interface-ID that another interface has; a link-address
 * that another interface has when either of the two has no Interface-ID, RFC 9915 section
 * 19.1.1), the option's parse error for malformed relay-supplied options (offset
 * within 'rsoo'), D6T_ERR_UNSUPPORTED (unknown fields or flags), D6T_ERR_NOMEM. On error the
 * relay is unchanged. */
D6T_EXPORT d6t_status d6t_relay_add_iface(d6t_relay *r, const d6t_relay_iface_opts *io,
                                          d6t_parse_error *err);
/* Number of interfaces configured. */
D6T_EXPORT size_t d6t_relay_iface_count(const d6t_relay *r);

/* Build the Relay-forward for datagram buf[0..len) received as 'rx' says (RFC 9915 section
 * 19.1). The datagram is parsed (copied into 'a', so 'buf' may be reused at once) and must be a
 * well-formed DHCPv6 message:
 *
 * - a client message, or one of a type this library does not know (relayed as a client
 * message, RFC 9915 section 19): hop count 0, and the Client Link-Layer Address when
 * configured and known;
 *
 * - a Relay-forward from a downstream relay: hop count one more than its own (discarded when
 * it has reached the limit, see d6t_relay_opts), Relay Source Port with the downstream
 * relay's port when that is not 547 (RFC 8357).
 *
 * link-address: the interface's (or "::"), except "::" for a Relay-forward from a relay whose
 * source address is global or unique-local when the interface has an Interface-ID (RFC 9915
 * section 19.1.2: the reply goes back by that address; the Interface-ID finds the interface);
 * peer-address: rx->src_addr. Then the interface's
 * Interface-ID, Remote-ID, Subscriber-ID, Echo Request and RSOO options, the relay's Relay-ID
 * and Relay Source Port, and last the Relay Message option with the received message.
 * On success *out is the Relay-forward in arena 'a' (the caller may add options to it) and
 * d6t_msg_write() gives its bytes. It shares the configured options' bytes with the relay (they
 * are not copied per datagram): use it while the relay lives. On error *out is NULL and 'err' (may be NULL) has the status,
 * the offset in 'buf' and a reason:
 *
 * - the parser's errors for malformed input (D6T_ERR_TRUNCATED, D6T_ERR_OPT_OVERRUN, ...);
 *
 * - D6T_ERR_RELAY_DEPTH: a Relay-forward whose hop count reached the limit;
 *
 * - D6T_ERR_WRONG_KIND: a message the client side never relays: a Relay-reply or a server
 * message (Advertise, Reply, Reconfigure, ...), or a Relay-forward on an untrusted LDRA
 * interface;
 *
 * - D6T_ERR_NOT_FOUND: rx->iface is no interface of the relay;
 *
 * - D6T_ERR_TOO_LONG: the Relay-forward would not fit in 65535 bytes;
 *
 * - D6T_ERR_INVALID_ARG: NULL arguments, no source address, a bad rx 'size';
 *
 * - D6T_ERR_NOMEM.
 *
 * The relay is only read. */
D6T_EXPORT d6t_status d6t_relay_forward(const d6t_relay *r, d6t_arena *a, const d6t_relay_rx *rx,
                                        const uint8_t *buf, size_t len, d6t_msg **out,
                                        d6t_parse_error *err);

/* What to do with a Relay-reply: the message to send, where, and the leases it carries. Opaque;
 * lives in the arena given to d6t_relay_reply. */
typedef struct d6t_relay_delivery d6t_relay_delivery;

/* Take a Relay-reply received from a server or an upstream relay, buf[0..len) (copied into 'a'),
 * and say where its inner message goes (RFC 9915 section 19.2). The Relay-reply must be for
 * one of the relay's interfaces: the one whose Interface-ID it carries, or, without an
 * Interface-ID option, the (non-LDRA) one whose link-address equals its link-address. The
 * message goes to its peer-address on that interface, to port 546 when it is for a client,
 * or, when it is a Relay-reply for a downstream relay, to 547 or the port that relay's RFC 8357
 * Relay Source Port option (echoed by the server in our Relay-reply) names.
 * On success *out is the delivery (in 'a'). On error *out is NULL and 'err' has the status, the
 * offset in 'buf' and a reason:
 *
 * - the parser's errors for malformed input;
 *
 * - D6T_ERR_WRONG_KIND: not a Relay-reply, or its inner message is one a server never sends
 * to the client side (Solicit, Relay-forward, ...);
 *
 * - D6T_ERR_NOT_FOUND: no Relay Message option; an Interface-ID that no interface has; no
 * Interface-ID and a link-address that no interface has; no Interface-ID for an LDRA;
 *
 * - D6T_ERR_OPT_VALUE: a peer-address that cannot be a destination (unspecified, multicast,
 * loopback);
 *
 * - D6T_ERR_INVALID_ARG, D6T_ERR_NOMEM.
 *
 * The relay is only read. */
D6T_EXPORT d6t_status d6t_relay_reply(const d6t_relay *r, d6t_arena *a, const uint8_t *buf,
                                      size_t len, d6t_relay_delivery **out, d6t_parse_error *err);

/* The handle of the interface the message leaves through (d6t_relay_iface_opts.iface). */
D6T_EXPORT uint32_t d6t_relay_delivery_iface(const d6t_relay_delivery *d);
/* Destination address (the Relay-reply's peer-address) and UDP port (546 to a client, 547 or the
 * RFC 8357 port to a downstream relay). D6T_ERR_INVALID_ARG for NULL arguments. */
D6T_EXPORT d6t_status d6t_relay_delivery_destination(const d6t_relay_delivery *d, uint8_t addr[16],
                                                     uint16_t *port);
/* The message to send: parsed (borrowed from the delivery's arena), and its exact bytes as
 * received inside the Relay Message option (a view into the arena's copy of the datagram, valid
 * until the arena is reset; *len set). */
D6T_EXPORT d6t_msg *d6t_relay_delivery_message(const d6t_relay_delivery *d);
D6T_EXPORT const uint8_t *d6t_relay_delivery_bytes(const d6t_relay_delivery *d, size_t *len);
/* The Relay-reply itself (borrowed), e.g. for options the server echoed (RFC 4994). */
D6T_EXPORT d6t_msg *d6t_relay_delivery_relay_reply(const d6t_relay_delivery *d);

/* One lease a Reply carries to the client: an address of an IA_NA or a prefix of an IA_PD. A
 * struct that may grow, 'size' first: set 'size' to sizeof(d6t_relay_lease) (or start from
 * D6T_RELAY_LEASE_INIT); d6t_relay_delivery_lease fills only the fields that fit in it. */
typedef struct d6t_relay_lease {
    size_t size;
    uint16_t ia_type;   /* D6T_OPT_IA_NA (an address) or D6T_OPT_IA_PD (a delegated prefix) */
    uint32_t iaid;      /* the IA's IAID in host byte order */
    uint8_t addr[16];   /* the address or prefix */
    uint8_t prefix_len; /* the prefix length; 128 for an address */
    uint32_t preferred; /* preferred lifetime, seconds (0xffffffff: infinity) */
    uint32_t valid;     /* valid lifetime, seconds; 0: the lease is gone (remove the route) */
} d6t_relay_lease;

#define D6T_RELAY_LEASE_INIT                        \
    {                                               \
        sizeof(d6t_relay_lease), 0, 0, {0}, 0, 0, 0 \
    }

/* The leases of the innermost message when it is a Reply (RFC 9915 section 19.1.3 / RFC 8987:
 * what a relay needs to route delegated prefixes), in message order, IA_NA addresses and IA_PD
 * prefixes together; collected once by d6t_relay_reply, so reading them parses nothing. An
 * IAADDR or IAPREFIX whose fields are out of range (prefix length over 128) is not reported.
 * Other messages (Advertise, ...) report none. */
D6T_EXPORT size_t d6t_relay_delivery_lease_count(const d6t_relay_delivery *d);
/* Lease i into *out (out->size set by the caller): D6T_ERR_NOT_FOUND past the end,
 * D6T_ERR_INVALID_ARG for NULL or a 'size' smaller than the size field. */
D6T_EXPORT d6t_status d6t_relay_delivery_lease(const d6t_relay_delivery *d, size_t i,
                                               d6t_relay_lease *out);

#ifdef __cplusplus
}
#endif
#endif
