/* dhcp6txn-server: shared types of the example DHCPv6 server built on libdhcp6txn's public API.
 * The server is split so that everything but the sockets (config, leases, the DHCPv6 logic on
 * bundles, bulk leasequery) can be driven by unit tests without a network.
 * SPDX-License-Identifier: BSD-2-Clause */
#ifndef D6S_SERVER_H
#define D6S_SERVER_H

#include <dhcp6txn.h>

#include <stdint.h>
#include <stdio.h>

#define D6S_MAX_IFACES    16
#define D6S_MAX_SUBNETS   64
#define D6S_MAX_DNS       8
#define D6S_MAX_DOMAINS   8
#define D6S_DUID_MAX      130
#define D6S_REMOTE_ID_MAX 64
#define D6S_IFNAME_MAX    16
#define D6S_PATH_MAX      512
/* IAs of one type answered per message: more get NoAddrsAvail/NoPrefixAvail, so one client
 * cannot take more than 2 * D6S_MAX_IA_PER_MSG leases per DUID. */
#define D6S_MAX_IA_PER_MSG 8
/* IAs of one type answered at all (granted or refused) per message: beyond that, and for an IA
 * repeating an IAID, the reply says nothing. */
#define D6S_MAX_IA_ANSWERED 64
/* Leases per DUID at most (bounds the per-client hash chain walks). */
#define D6S_MAX_LEASES_PER_DUID 16

/* ---- configuration ---- */
struct d6s_subnet {
    uint8_t prefix[16];
    uint8_t plen;
    char ifname[D6S_IFNAME_MAX]; /* "" = only reachable through relays */
    int has_na, has_pd;
    uint8_t na_start[16], na_end[16];
    uint64_t na_size, na_next, na_used;
    uint8_t pd_prefix[16];
    uint8_t pd_plen, pd_len; /* pool prefix length, delegated length */
    uint64_t pd_size, pd_next, pd_used;
    int line;
};

struct d6s_config {
    char ifaces[D6S_MAX_IFACES][D6S_IFNAME_MAX];
    size_t nifaces;
    uint16_t port;
    uint32_t t1, t2, preferred, valid;
    int rapid_commit;
    int leasequery;
    int udp_segmentation; /* send replies that leave the same way as one UDP_SEGMENT (GSO) send */
    uint8_t dns[D6S_MAX_DNS][16];
    size_t ndns;
    char domains[D6S_MAX_DOMAINS][256];
    size_t ndomains;
    char lease_file[D6S_PATH_MAX];
    char state_file[D6S_PATH_MAX];
    uint32_t enterprise; /* non-zero: DUID-EN with this enterprise number, else DUID-LLT */
    uint32_t max_leases;
    uint32_t max_tcp_conns;
    uint32_t tcp_idle_timeout;  /* seconds without a whole query in or a whole answer out */
    uint32_t tcp_frame_timeout; /* seconds from a query's first byte to its last */
    int tcp_evict;              /* all connections taken: close the longest-stalled one */
    struct d6s_subnet subnets[D6S_MAX_SUBNETS];
    size_t nsubnets;
};

void d6s_config_defaults(struct d6s_config *c);
/* Parse config text; on error writes "LINE: message" into err and returns -1. */
int d6s_config_parse(struct d6s_config *c, const char *text, char *err, size_t errcap);
int d6s_config_load(struct d6s_config *c, const char *path, char *err, size_t errcap);
/* Checks that need the whole file (e.g. T1 <= T2, interfaces of subnets listed). */
int d6s_config_finish(struct d6s_config *c, char *err, size_t errcap);

/* ---- leases ---- */
enum d6s_lease_state {
    D6S_FREE = 0,
    D6S_OFFERED = 1,
    D6S_BOUND = 2,
    D6S_DECLINED = 3
};

/* What a lookup by client reads comes first (type, IAID, chain links, the DUID), so that for
 * DUIDs up to 44 bytes a lookup touches one cache line per lease on the chain. */
struct d6s_lease {
    uint8_t state;
    uint8_t type; /* D6T_OPT_IA_NA or D6T_OPT_IA_PD */
    uint8_t plen; /* 128 for addresses */
    uint8_t duid_len, relay_id_len, remote_id_len;
    uint16_t subnet;
    uint32_t iaid;
    int32_t next_duid, next_addr; /* hash chains; next_duid doubles as the free list */
    uint8_t duid[D6S_DUID_MAX];
    uint8_t addr[16];
    uint8_t link[16];
    int64_t cltt, pref_until, valid_until;
    uint8_t relay_id[D6S_DUID_MAX];
    uint8_t remote_id[D6S_REMOTE_ID_MAX]; /* OPTION_REMOTE_ID data: enterprise number + id */
};

struct d6s_leases {
    struct d6s_lease *v;
    uint32_t cap, used;
    int32_t *h_duid, *h_addr;
    size_t v_bytes, h_bytes; /* mapped sizes of v and of each index */
    uint32_t hmask;
    int32_t free_head;
    /* persistence: an append-only journal in the lease file, compacted by an atomic rewrite */
    char path[D6S_PATH_MAX];
    int fd;
    char *jbuf;
    size_t jlen, jcap;
    uint64_t records;
    int write_error;
};

int d6s_leases_init(struct d6s_leases *l, uint32_t cap);
void d6s_leases_fini(struct d6s_leases *l);
uint32_t d6s_hash(const uint8_t *p, size_t n);
int32_t d6s_lease_find_ia(const struct d6s_leases *l, uint8_t type, const uint8_t *duid,
                          size_t dlen, uint32_t iaid);
int32_t d6s_lease_find_addr(const struct d6s_leases *l, const uint8_t addr[16], uint8_t plen);
size_t d6s_lease_count_duid(const struct d6s_leases *l, const uint8_t *duid, size_t dlen);
/* Cache warming for a batch of lookups by client: the DUID's bucket, then prefetch stage 0 (the
 * bucket) for every datagram, then stage 1 (the first lease on its chain, once the bucket is in).
 * Hints only: they change nothing and never fail. */
uint32_t d6s_leases_bucket(const struct d6s_leases *l, const uint8_t *duid, size_t dlen);
void d6s_leases_prefetch(const struct d6s_leases *l, uint32_t bucket, int stage);
/* A fresh slot (not yet in the hash tables) or -1 when the table is full. */
int32_t d6s_lease_new(struct d6s_leases *l);
void d6s_lease_insert(struct d6s_leases *l, int32_t i);
void d6s_lease_delete(struct d6s_leases *l,
                      int32_t i); /* unlinks and frees the slot, journals it */
void d6s_lease_changed(struct d6s_leases *l, int32_t i); /* journal the lease's new state */
/* Open (creating) the lease file and load it, checking every line against 'cfg' and the clock
 * 'now'. Lines not loaded are appended to PATH.rejected before the file is rewritten. -1 with
 * err on a fatal problem (then the file is left as it is): more leases than the table holds,
 * unreadable file, rejected lines that cannot be saved, or no rewrite possible. */
int d6s_leases_open(struct d6s_leases *l, const char *path, const struct d6s_config *cfg,
                    int64_t now, char *err, size_t errcap);
/* Make journaled changes durable (write + fdatasync; compact when the journal is long). */
int d6s_leases_sync(struct d6s_leases *l);
int d6s_leases_compact(struct d6s_leases *l);
/* Free leases whose valid lifetime ended; looks at most 'budget' slots from a rotating cursor. */
size_t d6s_leases_expire(struct d6s_leases *l, int64_t now, uint32_t *cursor, uint32_t budget);

/* ---- the server ---- */
struct d6s_counters {
    uint64_t received, malformed, dropped, no_request, sent, send_errors;
    uint64_t by_type[24];
    uint64_t leases_assigned, leases_renewed, leases_released, leases_declined;
    uint64_t no_addrs, no_prefix, no_binding, not_on_link;
    uint64_t lq_queries, lq_client_data, tcp_conns;
    uint64_t udp_batches,
        udp_datagrams; /* recvmmsg calls that returned datagrams, and those datagrams */
    uint64_t gso_sends,
        gso_datagrams; /* UDP_SEGMENT sends of two or more replies, and those replies */
};

struct d6s_server {
    struct d6s_config cfg;
    struct d6s_leases leases;
    uint8_t duid[D6S_DUID_MAX];
    size_t duid_len;
    struct d6s_counters cnt;
    int64_t now;
    FILE *log;
    int quiet;
    uint32_t expire_cursor;
};

/* Where a datagram came from (unrelayed requests pick their subnet by interface). */
struct d6s_rx {
    const char *ifname;
    int multicast;
};

/* Run the DHCPv6 logic on a bundle: sets the response (and for bulk leasequery the generator).
 * Returns 1 when there is something to send, 0 when the request is dropped. */
int d6s_handle(struct d6s_server *s, d6t_bundle *b, const struct d6s_rx *rx);

/* Leasequery (RFC 5007 over UDP, RFC 5460 over TCP). */
int d6s_leasequery(struct d6s_server *s, d6t_bundle *b);

/* Server DUID from the state file, creating it (DUID-LLT from 'mac', or DUID-EN). */
int d6s_server_duid(struct d6s_server *s, const uint8_t *mac, size_t maclen, char *err,
                    size_t errcap);

void d6s_print_counters(const struct d6s_server *s, FILE *f);
void d6s_logf(const struct d6s_server *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Helpers shared by the files. */
int d6s_prefix_contains(const uint8_t prefix[16], uint8_t plen, const uint8_t addr[16]);
int d6s_parse_hex(const char *hex, uint8_t *out, size_t cap, size_t *len);
void d6s_hex(const uint8_t *p, size_t n, char *out);
int d6s_write_file_atomic(const char *path, const char *data, size_t len);
/* Can 'path' be read, replaced (temp file and rename in its directory) and appended to? -1 with
 * a message naming 'what' (the directive) when not: missing directory, a directory, ... */
int d6s_check_file_path(const char *what, const char *path, char *err, size_t errcap);

#endif
