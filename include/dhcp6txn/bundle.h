/* libdhcp6txn - transaction bundles: everything about one request/response transaction.
 *
 * The C counterpart of dhcpkit's TransactionBundle and MessagesList. A host server hands the
 * received bytes to d6t_bundle_new(); its handlers inspect the request, the relays it came
 * through and the link it came from, keep marks and per-handler data, mark IA options answered
 * and set the response(s); the bundle then wraps every response in the relay-reply chain that
 * mirrors the incoming relay-forward chain and writes it as wire bytes.
 *
 * Ownership: a bundle lives in an arena (the caller's, or a private one released by
 * d6t_bundle_free). Every d6t_msg / d6t_opt pointer a bundle hands out lives as long as the
 * bundle's arena unless said otherwise, and is owned by it: never free it yourself. A bundle is
 * not thread-safe; use one bundle per thread at a time (there is no global state).
 * SPDX-License-Identifier: BSD-2-Clause */
#ifndef DHCP6TXN_BUNDLE_H
#define DHCP6TXN_BUNDLE_H

#include "common.h"
#include "arena.h"
#include "message.h"
#include "option.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct d6t_bundle d6t_bundle;

/* Creation flags. */
#define D6T_BUNDLE_MULTICAST    0x1u /* received over multicast (ff02::1:2 / ff05::1:3) */
#define D6T_BUNDLE_TCP          0x2u /* received over TCP (RFC 5460 bulk leasequery) */
#define D6T_BUNDLE_RAPID_COMMIT 0x4u /* allow rapid commit (handlers may only turn it off) */

/* What a caller rarely needs at creation, in a struct that may grow: fields are only ever
 * added at the end. 'size' is sizeof(d6t_bundle_opts) as the caller's header had it (start from
 * D6T_BUNDLE_OPTS_INIT, which sets it and every default). The library reads the first 'size'
 * bytes and treats fields it cannot see as defaults, so a program built against an older header
 * keeps working with a newer library; bytes past the fields this library knows must be zero
 * (else D6T_ERR_UNSUPPORTED: the caller asked for something this library cannot do). A 'size'
 * smaller than the 'size' field itself: D6T_ERR_INVALID_ARG. Passing NULL means all defaults.
 * Nothing is kept after the call: marks are copied, tcp_peer is read. */
typedef struct d6t_bundle_opts {
    size_t size;
    /* initial marks, as if given to d6t_bundle_add_mark one by one (NULL entries skipped) */
    const char *const *marks;
    size_t nmarks;
    /* for D6T_BUNDLE_TCP: the remote endpoint address (16 bytes), which becomes the link address.
     * NULL: the message must then be wrapped in exactly one RELAY-FORW standing for the TCP
     * connection (as dhcpkit does), whose peer address is used instead. */
    const uint8_t *tcp_peer;
} d6t_bundle_opts;

/* Defaults: no marks, no TCP peer. `d6t_bundle_opts o = D6T_BUNDLE_OPTS_INIT;` */
#define D6T_BUNDLE_OPTS_INIT                   \
    {                                          \
        sizeof(d6t_bundle_opts), NULL, 0, NULL \
    }

/* Parse 'buf' (copied into the arena, so the caller may reuse it at once) and create a bundle.
 * 'a': arena for the bundle and everything in it; NULL: a private one, released by
 *      d6t_bundle_free(). 'flags': D6T_BUNDLE_* above. 'opts': see d6t_bundle_opts; may be NULL.
 * Errors: the codec's parse errors (with 'err' filled); D6T_ERR_TCP_RELAYED when a message
 * received over TCP is relayed beyond the one level described at d6t_bundle_opts.tcp_peer;
 * D6T_ERR_INVALID_ARG / D6T_ERR_UNSUPPORTED for a bad 'opts' (see there). An unknown message
 * type or a server->client message is NOT an error: the bundle then has no request (see
 * d6t_bundle_request and d6t_bundle_no_request_reason). */
D6T_EXPORT d6t_status d6t_bundle_new(d6t_arena *a, const uint8_t *buf, size_t len, unsigned flags,
                                     const d6t_bundle_opts *opts, d6t_bundle **out,
                                     d6t_parse_error *err);
/* Same from an already parsed message, which must live in 'a' (or outlive the bundle). */
D6T_EXPORT d6t_status d6t_bundle_new_from_msg(d6t_arena *a, d6t_msg *incoming, unsigned flags,
                                              const d6t_bundle_opts *opts, d6t_bundle **out);
/* Run the handler-data destructors and the response generator's destructor; release the
 * private arena if the bundle has one. NULL is allowed. */
D6T_EXPORT void d6t_bundle_free(d6t_bundle *b);

/* Log callback: the library never writes to stdout/stderr itself. Level: 0 debug, 1 info,
 * 2 warning, 3 error. 'msg' is valid only during the call. */
typedef void (*d6t_log_fn)(void *ctx, int level, const char *msg);
D6T_EXPORT void d6t_bundle_set_log(d6t_bundle *b, d6t_log_fn fn, void *ctx);

/* ---- the incoming side ---- */
D6T_EXPORT d6t_msg *d6t_bundle_incoming(const d6t_bundle *b); /* whole message as received */
D6T_EXPORT d6t_msg *d6t_bundle_request(const d6t_bundle *b);  /* innermost client message or NULL */
/* Why there is no request ("unknown message type 200", "ADVERTISE is not a client message");
 * NULL when there is one. Static or arena string. */
D6T_EXPORT const char *d6t_bundle_no_request_reason(const d6t_bundle *b);
D6T_EXPORT int d6t_bundle_received_over_multicast(const d6t_bundle *b);
D6T_EXPORT int d6t_bundle_received_over_tcp(const d6t_bundle *b);
/* Relay-forward messages, i = 0 the relay closest to the client. Empty without a request. */
D6T_EXPORT size_t d6t_bundle_incoming_relay_count(const d6t_bundle *b);
D6T_EXPORT d6t_msg *d6t_bundle_incoming_relay(const d6t_bundle *b, size_t i);
/* The link the request came from: over TCP the remote endpoint; otherwise the link address of
 * the relay closest to the client that is not unspecified, loopback or link-local; "::" when
 * there is none (D6T_OK). D6T_ERR_NOT_FOUND over TCP without a known remote endpoint. */
D6T_EXPORT d6t_status d6t_bundle_link_address(const d6t_bundle *b, uint8_t addr[16]);
/* Link addresses of the relays, closest to the client first, leaving out "::". */
D6T_EXPORT size_t d6t_bundle_relay_count(const d6t_bundle *b);
D6T_EXPORT d6t_status d6t_bundle_relay(const d6t_bundle *b, size_t i, uint8_t addr[16]);

/* ---- policy flags ---- */
D6T_EXPORT int d6t_bundle_allow_rapid_commit(const d6t_bundle *b);
/* Only turning it off is allowed: enabling after creation gives D6T_ERR_INVALID_ARG. */
D6T_EXPORT d6t_status d6t_bundle_set_allow_rapid_commit(d6t_bundle *b, int allow);
D6T_EXPORT int d6t_bundle_allow_unicast(const d6t_bundle *b);
/* Starts off; only turning it on is allowed: disabling gives D6T_ERR_INVALID_ARG. */
D6T_EXPORT d6t_status d6t_bundle_set_allow_unicast(d6t_bundle *b, int allow);

/* ---- marks: a set of short strings (surrounding whitespace trimmed, at most 255 bytes) ---- */
D6T_EXPORT d6t_status d6t_bundle_add_mark(d6t_bundle *b, const char *mark);
D6T_EXPORT int d6t_bundle_has_mark(const d6t_bundle *b, const char *mark);
/* Forget a mark (trimmed like add); D6T_ERR_NOT_FOUND when it was not set. Later marks keep
 * their order. */
D6T_EXPORT d6t_status d6t_bundle_remove_mark(d6t_bundle *b, const char *mark);
D6T_EXPORT size_t d6t_bundle_mark_count(const d6t_bundle *b);
D6T_EXPORT const char *d6t_bundle_mark(const d6t_bundle *b, size_t i); /* insertion order */

/* ---- handled options (of the request's top-level options) ---- */
/* Idempotent. D6T_ERR_NOT_FOUND when 'o' is not a top-level option of the request. A mark
 * belongs to the option itself: it stays with it when a handler removes, inserts or moves other
 * options of the request. Only options the request had when the bundle was made can be marked
 * (NOT_FOUND for one added later, which is never handled nor among the unhandled). */
D6T_EXPORT d6t_status d6t_bundle_mark_handled(d6t_bundle *b, const d6t_opt *o);
D6T_EXPORT int d6t_bundle_is_handled(const d6t_bundle *b, const d6t_opt *o);
/* The request's options whose code is one of codes[0..ncodes) and that are not handled yet,
 * in request order: the i-th one, or NULL past the end. */
D6T_EXPORT size_t d6t_bundle_unhandled_count(const d6t_bundle *b, const uint16_t *codes,
                                             size_t ncodes);
D6T_EXPORT d6t_opt *d6t_bundle_unhandled(const d6t_bundle *b, const uint16_t *codes, size_t ncodes,
                                         size_t i);
/* The common case of one code, without an array: the first unhandled option of 'code' in the
 * request, and the next unhandled one of the same code after 'o' (which must be a top-level
 * option of the request, handled or not); NULL when there is none. As with the calls above, a
 * handler that marks each option handled can simply ask for the first one again. */
D6T_EXPORT d6t_opt *d6t_bundle_first_unhandled(const d6t_bundle *b, uint16_t code);
D6T_EXPORT d6t_opt *d6t_bundle_next_unhandled(const d6t_bundle *b, const d6t_opt *o);

/* ---- per-handler data, keyed by any pointer unique to the handler ---- */
/* Replaces earlier data of the same key (running its destructor). 'destroy' (may be NULL) runs
 * when the bundle is freed. */
D6T_EXPORT d6t_status d6t_bundle_set_handler_data(d6t_bundle *b, const void *key, void *data,
                                                  void (*destroy)(void *data));
D6T_EXPORT void *d6t_bundle_handler_data(const d6t_bundle *b, const void *key);

/* One line for logs: "SOLICIT from 000300013431c43cb2f1 over TCP at fe80::1 via LDRA ->
 * 2001:db8:ffff:1::1 with marks 'a', 'b'". snprintf semantics. */
D6T_EXPORT size_t d6t_bundle_describe(const d6t_bundle *b, char *out, size_t cap);

/* ---- responses (dhcpkit's MessagesList) ----
 * A first message plus, optionally, a generator that produces the following ones lazily, one at
 * a time, so a bulk leasequery answer never sits in memory at once. */
D6T_EXPORT d6t_msg *d6t_bundle_response(const d6t_bundle *b);
/* Set the first response (NULL clears every response, generator included). The message must
 * live in the bundle's arena or outlive the bundle. A new response in the bundle's arena:
 * d6t_msg_new(d6t_bundle_arena(b), type). */
D6T_EXPORT d6t_status d6t_bundle_set_response(d6t_bundle *b, d6t_msg *m);
D6T_EXPORT int d6t_bundle_has_responses(const d6t_bundle *b);
D6T_EXPORT d6t_arena *d6t_bundle_arena(const d6t_bundle *b);
/* The generator is called for each following message with a scratch arena that is reset
 * before every call: build the message in it and store it in *out, or store NULL when done.
 * A non-OK return ends the sequence (logged). 'destroy' (may be NULL) runs on ctx when the
 * generator is replaced, cleared, or the bundle freed. Requires a first response. The scratch
 * arena has the limit of the bundle's arena, or 1 MiB when that has none: allocations past it
 * fail with D6T_ERR_NOMEM, as anywhere else. */
typedef d6t_status (*d6t_response_gen_fn)(void *ctx, d6t_bundle *b, d6t_arena *scratch,
                                          d6t_msg **out);
D6T_EXPORT d6t_status d6t_bundle_set_response_generator(d6t_bundle *b, d6t_response_gen_fn fn,
                                                        void *ctx, void (*destroy)(void *ctx));

/* ---- the outgoing side ---- */
/* Build the RELAY-REPL chain mirroring the incoming chain level for level (hop count, link and
 * peer address), with Interface-ID echoed at every level that had one, options named in a
 * level's Echo Request option (RFC 4994) copied, and Relay Source Port (RFC 8357) handled.
 * Made on demand when none exists: by the first d6t_bundle_outgoing_relay_count() or
 * d6t_bundle_outgoing_relay() call (a response written before that is wrapped with the same
 * bytes, straight from the relay-forwards). Calling it again rebuilds it. */
D6T_EXPORT d6t_status d6t_bundle_create_outgoing_relay_messages(d6t_bundle *b);
/* Level i of the outgoing chain (0 = closest to the client), for handlers that add or change
 * options per level; NULL when there is no such level. */
D6T_EXPORT size_t d6t_bundle_outgoing_relay_count(const d6t_bundle *b);
D6T_EXPORT d6t_msg *d6t_bundle_outgoing_relay(const d6t_bundle *b, size_t i);

/* Iterate over the outgoing messages: the first response, then the generated ones, each wrapped
 * in the relay chain and written into 'buf' (over TCP with the 2-byte length prefix of RFC 5460).
 * Returns D6T_OK with *len set, D6T_ERR_NOT_FOUND when there are no more, or a write error
 * (D6T_ERR_BUFFER_TOO_SMALL with *len = size needed: call again with a bigger buffer, the same
 * message is retried). Responses that are not server->client are skipped (logged).
 * d6t_bundle_outgoing_rewind() starts again from the first response; a generator is not
 * restarted (it is single-pass), so a second pass yields the first message only. */
D6T_EXPORT d6t_status d6t_bundle_outgoing_next(d6t_bundle *b, uint8_t *buf, size_t cap,
                                               size_t *len);
D6T_EXPORT void d6t_bundle_outgoing_rewind(d6t_bundle *b);
/* The first sendable outgoing message (the first response, wrapped), without consuming the
 * generator: D6T_ERR_NOT_FOUND when the first response is missing or not server->client. */
D6T_EXPORT d6t_status d6t_bundle_outgoing_message(d6t_bundle *b, uint8_t *buf, size_t cap,
                                                  size_t *len);

/* Where to send the outgoing datagrams: back to the source address of the received datagram
 * (the relay agent that sent the outermost Relay-forward, RFC 9915 19.3, or the client itself),
 * on port 547 to a relay - or the datagram's UDP source port when that relay sent a Relay Source
 * Port option (RFC 8357) - and 546 to a client. The host gives the datagram's source with
 * d6t_bundle_set_source_address / _set_source_port; without them: D6T_ERR_NOT_FOUND (*port is
 * still set when it is known). Not the outermost relay's peer-address: that is the relay's own
 * downstream neighbour. */
D6T_EXPORT void d6t_bundle_set_source_port(d6t_bundle *b, uint16_t port);
D6T_EXPORT void d6t_bundle_set_source_address(d6t_bundle *b, const uint8_t addr[16]);
D6T_EXPORT d6t_status d6t_bundle_destination(const d6t_bundle *b, uint8_t addr[16], uint16_t *port);
/* The Interface-ID option data of the outermost relay (the one the server talks to), the
 * interface the reply must leave through; D6T_ERR_NOT_FOUND when it had none. View. */
D6T_EXPORT d6t_status d6t_bundle_interface_id(const d6t_bundle *b, const uint8_t **data,
                                              size_t *len);

/* ---- RFC 5460 TCP framing for the receiving side ---- */
typedef struct d6t_framer d6t_framer;
/* A decoder that accepts bytes as they arrive (partial reads, several frames per read) and
 * yields whole messages. Frames of length 0 or above 'max_frame' (<= 65535; 0 means 65535) are
 * errors (D6T_ERR_OPT_LENGTH); after an error the stream is unusable. Lives in arena 'a'; uses
 * at most max_frame + 2 bytes of buffer. */
D6T_EXPORT d6t_framer *d6t_framer_new(d6t_arena *a, size_t max_frame);
/* Feed bytes; returns how many were taken (fewer than len when a whole frame is ready: take it
 * with d6t_framer_next, then feed the rest). */
D6T_EXPORT size_t d6t_framer_feed(d6t_framer *f, const uint8_t *data, size_t len);
/* D6T_OK with the next whole message (view valid until the next feed), D6T_ERR_NOT_FOUND when
 * more bytes are needed, D6T_ERR_OPT_LENGTH for a bad frame length. */
D6T_EXPORT d6t_status d6t_framer_next(d6t_framer *f, const uint8_t **msg, size_t *len);

#ifdef __cplusplus
}
#endif
#endif
