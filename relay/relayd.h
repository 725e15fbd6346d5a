/* dhcp6txn-relay: internals shared by the daemon's parts and its unit tests.
 * The configuration comes from dhcrelay-style command-line options (cli.c) and an optional
 * configuration file (config.c); both fill the same fixed-size structure, so the daemon holds no
 * allocation that grows with what it is told.
 * SPDX-License-Identifier: BSD-2-Clause */
#ifndef D6R_RELAYD_H
#define D6R_RELAYD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define D6R_MAX_DOWN   32  /* downstream (lower, client-facing) interfaces */
#define D6R_MAX_UP     16  /* upstream destinations (server or multicast address on an interface) */
#define D6R_IFNAME_MAX 16  /* IFNAMSIZ */
#define D6R_ID_MAX     128 /* Interface-ID, Remote-ID (with its enterprise number), Subscriber-ID */
#define D6R_PATH_MAX   1024

/* What the relay adds for clients on one downstream interface. */
struct d6r_down {
    char name[D6R_IFNAME_MAX];
    unsigned index; /* 0 until resolved (or from -l ...#index) */
    uint8_t link_address[16];
    int has_link_address; /* given (-l ADDR%IF or link-address); else learned from the interface */
    uint8_t interface_id[D6R_ID_MAX];
    size_t interface_id_len; /* 0: the interface name when an Interface-ID is sent */
    uint8_t remote_id[D6R_ID_MAX];
    size_t remote_id_len; /* 0: none; else 4 bytes enterprise number + the ID */
    uint8_t subscriber_id[D6R_ID_MAX];
    size_t subscriber_id_len; /* 0: the global -s value, if any */
    int client_link_layer;    /* add the client's MAC (RFC 6939): default yes */
    int trusted;              /* LDRA: relays behind this interface are trusted (RFC 6221) */
};

/* Where Relay-forward messages go: an address (unicast server or relay, ff02::1:2, ff05::1:3)
 * reached through an interface. */
struct d6r_up {
    char name[D6R_IFNAME_MAX];
    unsigned index;
    uint8_t address[16];
};

struct d6r_config {
    struct d6r_down down[D6R_MAX_DOWN];
    size_t ndown;
    struct d6r_up up[D6R_MAX_UP];
    size_t nup;
    uint16_t port;        /* -p: listen and transmit (547) */
    uint16_t source_port; /* -rp / --source-port: upstream source port, RFC 8357 (0: port) */
    unsigned max_hops;    /* -c: Relay-forward messages at this hop count are dropped (8) */
    int interface_id;     /* -I: Interface-ID even with a single downstream interface */
    int ldra;             /* --ldra: lightweight relay, RFC 6221 */
    int foreground, quiet, check;
    int no_pid;
    uint8_t relay_id[D6R_ID_MAX]; /* --relay-id: this relay's DUID, RFC 5460 (none) */
    size_t relay_id_len;
    uint8_t subscriber_id[D6R_ID_MAX]; /* -s: for every interface without its own */
    size_t subscriber_id_len;
    char pid_file[D6R_PATH_MAX];
    char config_file[D6R_PATH_MAX];
    char hook[D6R_PATH_MAX]; /* run with each delegated prefix of a relayed Reply */
    unsigned max_hooks;      /* hook commands running at once (8) */
};

void d6r_config_defaults(struct d6r_config *c);
/* Command line into 'c' (the configuration file it names is read too). 0: run; 1: --help was
 * printed; -1: error in 'err'. */
int d6r_cli_parse(struct d6r_config *c, int argc, char **argv, char *err, size_t cap);
/* The configuration file 'path' into 'c' (adds to what the command line said). */
int d6r_config_load(struct d6r_config *c, const char *path, char *err, size_t cap);
/* The same from a string (tests). */
int d6r_config_parse(struct d6r_config *c, const char *text, char *err, size_t cap);
/* Consistency after everything is read: at least one downstream and upstream, ports. */
int d6r_config_finish(struct d6r_config *c, char *err, size_t cap);
void d6r_config_print(const struct d6r_config *c, FILE *out);

/* "-l [address%]ifname[#index]" and "-u [address%]ifname", as dhcrelay -6 takes them. */
int d6r_parse_lower(struct d6r_config *c, const char *arg, char *err, size_t cap);
int d6r_parse_upper(struct d6r_config *c, const char *arg, char *err, size_t cap);
/* An ID value: "0x" and hex digits, or text taken as its bytes. Returns the length or -1. */
int d6r_parse_id(const char *s, uint8_t *out, size_t cap);
/* A Remote-ID "ENTERPRISE:ID" into its wire form (4-byte enterprise number, then the ID). */
int d6r_parse_remote_id(const char *s, uint8_t *out, size_t cap);
/* The downstream interface named 'name', added if new (NULL: table full or bad name). */
struct d6r_down *d6r_down_get(struct d6r_config *c, const char *name);

extern const char d6r_usage[];

/* ---- the running relay (main.c: sockets, signals, hooks; engine.c: one datagram) ---- */

#define D6R_MAX_DGRAM 65536
/* Heap bound of the per-datagram arena: the parse of the largest datagram (about 1.4 MiB of
 * option nodes for 64 KiB of empty options) and the message built around it. */
#define D6R_ARENA_LIMIT (32u * D6R_MAX_DGRAM)
#define D6R_MAC_CACHE   64 /* recently seen (interface, source address) -> MAC */

struct d6r_counters {
    uint64_t received, forwarded, replied, dropped_down, dropped_up, send_errors, hooks,
        hooks_skipped;
};

/* One received datagram and what the kernel said about it. */
struct d6r_rx {
    const uint8_t *buf;
    size_t len;
    unsigned ifindex;
    uint8_t src[16], dst[16];
    uint16_t sport;
    uint8_t mac[6];
    int has_mac;
};

struct d6r_mac_entry {
    unsigned ifindex;
    uint8_t addr[16];
    uint8_t mac[6];
};

struct relayd {
    struct d6r_config cfg;
    int sock;                       /* port (547): clients, downstream relays, and replies */
    int usock;                      /* the RFC 8357 source port, or -1 */
    int psock;                      /* packet socket: the MACs of clients (RFC 6939), or -1 */
    uint8_t link[D6R_MAX_DOWN][16]; /* link-address learned from the interface (not given) */
    int learned[D6R_MAX_DOWN];
    struct d6r_mac_entry macs[D6R_MAC_CACHE];
    unsigned mac_next;
    struct d6r_counters cnt;
    unsigned hooks_running;
    int log; /* per-message lines (not -q) */
    struct d6t_arena *arena;
    struct d6t_relay *relay; /* the library's relay agent, per configuration */
    uint8_t out[D6R_MAX_DGRAM];
};

/* A line per relayed message (not with -q), and a line that -q does not silence (drops). */
void d6r_logf(const struct relayd *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void d6r_notef(const struct relayd *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Send 'len' bytes of r->out upstream to every -u destination (0 if one send succeeded). */
int d6r_send_up(struct relayd *r, size_t len);
/* Send 'len' bytes of r->out to addr:port on interface 'ifindex'. */
int d6r_send_down(struct relayd *r, unsigned ifindex, const uint8_t addr[16], uint16_t port,
                  size_t len);
/* A delegated prefix of a relayed Reply: run the hook command with it (bounded). */
void d6r_run_hook(struct relayd *r, const char *ifname, const uint8_t peer[16],
                  const uint8_t prefix[16], unsigned plen, uint32_t preferred, uint32_t valid);
/* The downstream interface with this index, or NULL. */
const struct d6r_down *d6r_down_by_index(const struct relayd *r, unsigned ifindex);

/* engine.c: the library's relay agent set up from the configuration, and one datagram. */
int d6r_engine_init(struct relayd *r, char *err, size_t cap);
void d6r_engine_fini(struct relayd *r);
void d6r_handle(struct relayd *r, const struct d6r_rx *rx);

#endif
