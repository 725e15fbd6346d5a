/* libdhcp6txn - DHCPv6 messages: parse, build, write.
 * SPDX-License-Identifier: BSD-2-Clause */
#ifndef DHCP6TXN_MESSAGE_H
#define DHCP6TXN_MESSAGE_H

#include "common.h"
#include "arena.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Message types (IANA "DHCPv6 Message Types"). Any other value is kept as an unknown message. */
enum d6t_msg_type {
    D6T_MSG_SOLICIT = 1,
    D6T_MSG_ADVERTISE = 2,
    D6T_MSG_REQUEST = 3,
    D6T_MSG_CONFIRM = 4,
    D6T_MSG_RENEW = 5,
    D6T_MSG_REBIND = 6,
    D6T_MSG_REPLY = 7,
    D6T_MSG_RELEASE = 8,
    D6T_MSG_DECLINE = 9,
    D6T_MSG_RECONFIGURE = 10,
    D6T_MSG_INFORMATION_REQUEST = 11,
    D6T_MSG_RELAY_FORW = 12,
    D6T_MSG_RELAY_REPL = 13,
    D6T_MSG_LEASEQUERY = 14,
    D6T_MSG_LEASEQUERY_REPLY = 15, /* RFC 5007 */
    D6T_MSG_LEASEQUERY_DONE = 16,
    D6T_MSG_LEASEQUERY_DATA = 17, /* RFC 5460 */
    D6T_MSG_RECONFIGURE_REQUEST = 18,
    D6T_MSG_RECONFIGURE_REPLY = 19, /* RFC 6977 */
    D6T_MSG_DHCPV4_QUERY = 20,
    D6T_MSG_DHCPV4_RESPONSE = 21, /* RFC 7341 */
    D6T_MSG_ACTIVELEASEQUERY = 22,
    D6T_MSG_STARTTLS = 23 /* RFC 7653 */
};

/* How a message's body is laid out. */
typedef enum d6t_msg_kind {
    D6T_KIND_CLIENT_SERVER = 0, /* type, 3-byte transaction id (flags for 20/21), options */
    D6T_KIND_RELAY = 1,         /* type, hop count, link address, peer address, options */
    D6T_KIND_UNKNOWN = 2        /* unknown type: body kept as opaque bytes */
} d6t_msg_kind;

/* A message in an arena. Opaque; every pointer obtained from it lives until its arena is
 * reset or freed. */
typedef struct d6t_msg d6t_msg;
typedef struct d6t_opt d6t_opt;

/* Parse flags. */
#define D6T_PARSE_COPY \
    0x1u /* copy the input into the arena first; otherwise the parsed tree
                               holds views into 'buf', which must then outlive the arena use */

/* Parse one DHCPv6 message (relay chains included) from 'buf'/'len'.
 * 'a': arena that will own the tree. NULL: a private arena is created (one heap allocation) and
 *      released by d6t_msg_free().
 * On success *out is the message and D6T_OK is returned. On failure *out is NULL, 'err' (if
 * non-NULL) tells status, byte offset and reason, and nothing leaks (arena memory used by the
 * failed attempt is reclaimed only at reset/free of a caller's arena).
 * Parsing checks structure only (lengths, layouts, nesting limits, domain-name form);
 * d6t_msg_validate() checks RFC 9915 containment and value rules. */
D6T_EXPORT d6t_status d6t_msg_parse(d6t_arena *a, const uint8_t *buf, size_t len, unsigned flags,
                                    d6t_msg **out, d6t_parse_error *err);

/* New empty message of 'type' (kind follows from the type) in arena 'a' (NULL: private arena,
 * released by d6t_msg_free). Returns NULL on allocation failure. */
D6T_EXPORT d6t_msg *d6t_msg_new(d6t_arena *a, uint8_t type);

/* Free a message that owns a private arena (the one d6t_msg_parse / d6t_msg_new returned with
 * a NULL arena): releases everything in that arena, nested messages included. A no-op for any
 * other message (in a caller's arena, or nested inside another one). NULL is allowed. */
D6T_EXPORT void d6t_msg_free(d6t_msg *m);

/* The arena the message lives in (borrowed). */
D6T_EXPORT d6t_arena *d6t_msg_arena(const d6t_msg *m);

/* The message's type byte and the layout of its body (enum d6t_msg_type, d6t_msg_kind). */
D6T_EXPORT uint8_t d6t_msg_type(const d6t_msg *m);
D6T_EXPORT d6t_msg_kind d6t_msg_kind_of(const d6t_msg *m);
/* IANA name ("SOLICIT", "RELAY-FORW", ...) or NULL for an unassigned type. Static string. */
D6T_EXPORT const char *d6t_msg_type_name(uint8_t type);
D6T_EXPORT d6t_msg_kind d6t_msg_type_kind(uint8_t type);
/* True for messages a server sends (ADVERTISE, REPLY, RECONFIGURE, RELAY-REPL, LEASEQUERY-REPLY/
 * DATA/DONE, RECONFIGURE-REPLY, DHCPV4-RESPONSE); false otherwise. */
D6T_EXPORT int d6t_msg_type_is_server_to_client(uint8_t type);

/* Client/server messages: 24-bit transaction id (for DHCPV4-QUERY/RESPONSE: the flags). */
D6T_EXPORT uint32_t d6t_msg_transaction_id(const d6t_msg *m);
D6T_EXPORT d6t_status d6t_msg_set_transaction_id(d6t_msg *m, uint32_t txid);

/* Relay messages. Addresses are 16 bytes in network order; the getters copy into 'out'. */
D6T_EXPORT uint8_t d6t_msg_hop_count(const d6t_msg *m);
D6T_EXPORT d6t_status d6t_msg_set_hop_count(d6t_msg *m, uint8_t hops);
D6T_EXPORT d6t_status d6t_msg_link_address(const d6t_msg *m, uint8_t out[16]);
D6T_EXPORT d6t_status d6t_msg_peer_address(const d6t_msg *m, uint8_t out[16]);
D6T_EXPORT d6t_status d6t_msg_set_link_address(d6t_msg *m, const uint8_t addr[16]);
D6T_EXPORT d6t_status d6t_msg_set_peer_address(d6t_msg *m, const uint8_t addr[16]);

/* Unknown messages: the opaque body after the type byte (view, borrowed). */
D6T_EXPORT const uint8_t *d6t_msg_body(const d6t_msg *m, size_t *len);
D6T_EXPORT d6t_status d6t_msg_set_body(d6t_msg *m, const uint8_t *body, size_t len); /* copies */

/* The message inside the first OPTION_RELAY_MSG of a relay message, or NULL (borrowed). */
D6T_EXPORT d6t_msg *d6t_msg_relayed(const d6t_msg *m);

/* Wire form. d6t_msg_wire_size() is the exact size d6t_msg_write() produces (0 if the tree
 * cannot be written, e.g. an option over 65535 bytes). d6t_msg_write() writes into 'buf' of 'cap'
 * bytes and stores the length in *len; D6T_ERR_BUFFER_TOO_SMALL leaves *len = size needed.
 * For a parsed, unmodified message the output equals the parsed input byte for byte. */
D6T_EXPORT size_t d6t_msg_wire_size(const d6t_msg *m);
D6T_EXPORT d6t_status d6t_msg_write(const d6t_msg *m, uint8_t *buf, size_t cap, size_t *len);

#ifdef __cplusplus
}
#endif
#endif
