/* libdhcp6txn - private state of a transaction bundle, shared by bundle*.c. Not installed.
 * SPDX-License-Identifier: BSD-2-Clause */
#ifndef D6T_BUNDLE_INTERNAL_H
#define D6T_BUNDLE_INTERNAL_H

#include "internal.h"
#include "dhcp6txn/bundle.h"
#include <stddef.h>

#define D6T_MAX_MARKS 64
/* Heap the generator's scratch arena may hold when the bundle's arena has no limit: a message
 * that fits one RFC 5460 frame (64 KiB) needs a small fraction of it. */
#define D6T__SCRATCH_LIMIT (1u << 20)

struct d6t_hdata {
    const void *key;
    void *data;
    void (*destroy)(void *);
    struct d6t_hdata *next;
};

enum d6t_out_state {
    OUT_FIRST = 0,
    OUT_GENERATED,
    OUT_DONE
};

struct d6t_bundle {
    d6t_arena *arena;
    int owns_arena;
    unsigned flags;
    d6t_msg *incoming, *request;
    const char *no_request;
    size_t nrelays;
    uint8_t tcp_peer[16];
    int have_tcp_peer;
    int allow_rapid_commit, allow_unicast;
    size_t nmarks;
    /* the request's top-level options when the bundle was made, in list order, and a bit
     * per entry: a handled mark belongs to the option, wherever later edits move it */
    const d6t_opt **reqopts;
    uint8_t *handled;
    size_t nreqopts;
    uint32_t req_removals; /* the request's removals when the snapshot was taken */
    struct d6t_hdata *hdata;
    d6t_log_fn log;
    void *log_ctx;
    /* responses */
    d6t_msg *response;
    d6t_response_gen_fn gen;
    void *gen_ctx;
    void (*gen_destroy)(void *);
    d6t_arena *scratch;
    d6t_msg *pending; /* generated, not yet written */
    enum d6t_out_state out_state;
    size_t nout;
    int have_out;
    /* destination */
    uint16_t src_port;
    int have_src_port;
    uint8_t src_addr[16];
    int have_src_addr;
    /* Arrays in the arena, so that the bundle stays small and a transaction fits an arena's
     * first block: marks (NULL until the first mark) has D6T_MAX_MARKS entries; relays, out and
     * out_relay_msg share one allocation of nrelays entries each, made with the chain. */
    char **marks;
    /* Read only below their counts (nrelays, nout) or after being written (reason_buf): a new
     * bundle clears everything before them, not them. */
    d6t_msg **relays;        /* closest to the client first */
    d6t_msg **out;           /* outgoing relay chain, closest to the client first */
    d6t_opt **out_relay_msg; /* the Relay-Message option of each out[i] */
    char reason_buf[64];
};
#define D6T__BUNDLE_CLEARED offsetof(struct d6t_bundle, relays)

void d6t__bundle_log(const d6t_bundle *b, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
