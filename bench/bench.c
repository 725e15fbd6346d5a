/* Codec benchmark: ns per parse / write / parse+write and heap allocations per message for the
 * standard workloads, next to a plain bounds-checked TLV walk and a memcpy of the same bytes
 * measured in the same run (the floor), reported as a ratio.
 *
 * Every malloc/calloc/realloc/free of the process is counted while a measured loop runs: the
 * program interposes them (forwarding to glibc's __libc_* functions), or under ASan uses the
 * sanitizer's allocation hooks; with another C library (musl) the linker wraps the calls of
 * this program and the static library (-Wl,--wrap, see bench/meson.build).
 *
 * Usage: bench [--quick] [--check-allocs] [--ms N] [--count N] [--txn REQUEST.hex REPLY-CHAIN.hex]
 *              [--relay FORWARD.hex REPLY.hex] FILE.hex ...
 *   --txn           the full transaction of issue 3: parse the relayed request into a bundle,
 *                   build the Reply, wrap it in the relay chain, write it; must equal the chain.
 *                   Its parts too: parse, the Reply built alone, the relay-reply levels and
 *                   validation of the request. Instructions per operation come from the CPU's
 *                   counter (perf_event_open) where the machine has one.
 *   --count N       with --txn: no timing, each operation N times framed for callgrind
 *                   (bench/instructions.py runs it and reads the counts)
 *   --relay         a relay agent (issue 13) between the two levels of FORWARD (a 2-level
 *                   Relay-forward): forward the inner level, which must give FORWARD again, and
 *                   deliver REPLY (a 2-level Relay-reply) with its leases
 *   --quick         a few milliseconds per measurement (for tests)
 *   --check-allocs  exit 1 unless allocations per message are 0 (reused or caller arena) and
 *                   1 (private arena); timing never fails the run
 * SPDX-License-Identifier: BSD-2-Clause */
#define _DEFAULT_SOURCE /* syscall() */
#include "dhcp6txn.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
/* the Linux kernel's headers: a libc's own toolchain may lack them (Debian's musl-gcc) */
#if defined(__linux__) && defined(__has_include)
#if __has_include(<linux/perf_event.h>)
#define BENCH_PERF_EVENT 1
#endif
#endif
#ifdef BENCH_PERF_EVENT
#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif
#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define BENCH_CALLGRIND 1
#endif
#endif

/* ---- allocation counting ---- */

static volatile int counting;
/* volatile: the compiler knows malloc and would assume it leaves this alone */
static volatile size_t n_allocs;

#if defined(__SANITIZE_ADDRESS__)
#define BENCH_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BENCH_ASAN 1
#endif
#endif

#ifdef BENCH_ASAN
void __sanitizer_install_malloc_and_free_hooks(void (*m)(const volatile void *, size_t),
                                               void (*f)(const volatile void *));
static void on_malloc(const volatile void *p, size_t n)
{
    (void)p;
    (void)n;
    if (counting) n_allocs++;
}
static void on_free(const volatile void *p)
{
    (void)p;
}
static void counting_init(void)
{
    __sanitizer_install_malloc_and_free_hooks(on_malloc, on_free);
}
#elif defined(BENCH_LIBC_MALLOC)
/* glibc: interpose the allocation functions for the whole process (the C library's own
 * allocations on our behalf included) and forward to glibc's internal entry points. */
void *__libc_malloc(size_t);
void *__libc_calloc(size_t, size_t);
void *__libc_realloc(void *, size_t);
void *__libc_memalign(size_t, size_t);
void __libc_free(void *);

void *malloc(size_t n)
{
    if (counting) n_allocs++;
    return __libc_malloc(n);
}
void *calloc(size_t k, size_t n)
{
    if (counting) n_allocs++;
    return __libc_calloc(k, n);
}
void *realloc(void *p, size_t n)
{
    if (counting) n_allocs++;
    return __libc_realloc(p, n);
}
void *aligned_alloc(size_t al, size_t n)
{
    if (counting) n_allocs++;
    return __libc_memalign(al, n);
}
int posix_memalign(void **out, size_t al, size_t n)
{
    if (counting) n_allocs++;
    *out = __libc_memalign(al, n);
    return *out ? 0 : 12; /* ENOMEM */
}
void free(void *p)
{
    __libc_free(p);
}
static void counting_init(void) {}
#else
/* Any other C library (musl has no __libc_* entry points): bench/meson.build links with
 * -Wl,--wrap for each function, so every call from this program and from the static library
 * lands here. Allocations inside the C library itself are not seen; glibc builds see those. */
void *__real_malloc(size_t);
void *__real_calloc(size_t, size_t);
void *__real_realloc(void *, size_t);
void *__real_aligned_alloc(size_t, size_t);
int __real_posix_memalign(void **, size_t, size_t);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t k, size_t n);
void *__wrap_realloc(void *p, size_t n);
void *__wrap_aligned_alloc(size_t al, size_t n);
int __wrap_posix_memalign(void **out, size_t al, size_t n);

void *__wrap_malloc(size_t n)
{
    if (counting) n_allocs++;
    return __real_malloc(n);
}
void *__wrap_calloc(size_t k, size_t n)
{
    if (counting) n_allocs++;
    return __real_calloc(k, n);
}
void *__wrap_realloc(void *p, size_t n)
{
    if (counting) n_allocs++;
    return __real_realloc(p, n);
}
void *__wrap_aligned_alloc(size_t al, size_t n)
{
    if (counting) n_allocs++;
    return __real_aligned_alloc(al, n);
}
int __wrap_posix_memalign(void **out, size_t al, size_t n)
{
    if (counting) n_allocs++;
    return __real_posix_memalign(out, al, n);
}
static void counting_init(void) {}
#endif

/* ---- timing ---- */

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static volatile uintptr_t sink;

/* ---- instruction counting: the CPU's counter for this thread, user space only ---- */

#ifdef BENCH_PERF_EVENT
static int instr_fd = -1;
#endif

static void instr_init(void)
{
#ifdef BENCH_PERF_EVENT
    struct perf_event_attr at;
    memset(&at, 0, sizeof at);
    at.type = PERF_TYPE_HARDWARE;
    at.size = sizeof at;
    at.config = PERF_COUNT_HW_INSTRUCTIONS;
    at.exclude_kernel = 1;
    at.exclude_hv = 1;
    instr_fd = (int)syscall(SYS_perf_event_open, &at, 0, -1, -1, 0UL);
#endif
}

/* Instructions retired so far by this thread; 0 without a counter (VMs often have none). */
static uint64_t instr_now(void)
{
    uint64_t v = 0;
#ifdef BENCH_PERF_EVENT
    if (instr_fd >= 0 && read(instr_fd, &v, sizeof v) != (ssize_t)sizeof v) v = 0;
#endif
    return v;
}

struct wl {
    const char *name;
    uint8_t msg[4096];
    size_t len;
    uint8_t out[4096];
    d6t_arena *arena; /* reused heap arena */
    d6t_msg *parsed;  /* parsed once in 'arena', for write-only timing */
    _Alignas(16) uint8_t stack_mem[8192];
    int ok;
    uint8_t tmpl[4096]; /* --txn: the relay-reply chain the transaction must produce */
    size_t tlen;
    d6t_arena *txn_caller;  /* --txn: arena in stack_mem, reset per transaction */
    d6t_arena *echo_arena;  /* --txn: the relay-reply levels, reset per run */
    d6t_arena *build_arena; /* --txn: the Reply built on its own, reset per run */
    d6t_msg *req;           /* --txn: the relayed request inside 'parsed' */
    uint8_t reply[4096];    /* --txn: the Reply inside the chain */
    size_t rlen;
};

typedef void (*op_fn)(struct wl *w);

_Noreturn static void die(const char *what, d6t_status st)
{
    fprintf(stderr, "bench: %s: %s\n", what, d6t_strerror(st));
    exit(2);
}

static void op_parse_reused(struct wl *w)
{
    d6t_msg *m;
    d6t_arena_reset(w->arena);
    if (d6t_msg_parse(w->arena, w->msg, w->len, 0, &m, NULL)) die("parse", D6T_ERR_INVALID);
    sink += (uintptr_t)m;
}

static void op_write(struct wl *w)
{
    size_t n;
    if (d6t_msg_write(w->parsed, w->out, sizeof w->out, &n)) die("write", D6T_ERR_INVALID);
    sink += n;
}

static void op_parse_write_reused(struct wl *w)
{
    d6t_msg *m;
    size_t n;
    d6t_arena_reset(w->arena);
    if (d6t_msg_parse(w->arena, w->msg, w->len, 0, &m, NULL)) die("parse", D6T_ERR_INVALID);
    if (d6t_msg_write(m, w->out, sizeof w->out, &n)) die("write", D6T_ERR_INVALID);
    sink += n;
}

static void op_parse_write_private(struct wl *w)
{
    d6t_msg *m;
    size_t n;
    if (d6t_msg_parse(NULL, w->msg, w->len, 0, &m, NULL)) die("parse", D6T_ERR_INVALID);
    if (d6t_msg_write(m, w->out, sizeof w->out, &n)) die("write", D6T_ERR_INVALID);
    d6t_msg_free(m);
    sink += n;
}

static void op_parse_write_caller(struct wl *w)
{
    d6t_msg *m;
    size_t n;
    d6t_arena *a = d6t_arena_new_in(w->stack_mem, sizeof w->stack_mem, NULL);
    if (!a) die("arena_new_in", D6T_ERR_NOMEM);
    if (d6t_msg_parse(a, w->msg, w->len, 0, &m, NULL)) die("parse", D6T_ERR_INVALID);
    if (d6t_msg_write(m, w->out, sizeof w->out, &n)) die("write", D6T_ERR_INVALID);
    d6t_arena_free(a);
    sink += n;
}

/* The floor: visit every option, descending into relay messages and IA containers, with the
 * same bounds checks a parser needs, and nothing else. */
static unsigned long walk_opts(const uint8_t *p, size_t n, unsigned depth);

static unsigned long walk_msg(const uint8_t *p, size_t n, unsigned depth)
{
    if (n < 1 || depth > 32) return 0;
    size_t hdr = (p[0] == 12 || p[0] == 13) ? 34 : 4;
    if (n < hdr) return 0;
    return p[0] + walk_opts(p + hdr, n - hdr, depth);
}

static unsigned long walk_opts(const uint8_t *p, size_t n, unsigned depth)
{
    unsigned long sum = 0;
    size_t off = 0;
    while (n - off >= 4) {
        unsigned code = (unsigned)p[off] << 8 | p[off + 1];
        size_t len = (size_t)p[off + 2] << 8 | p[off + 3];
        if (len > n - off - 4) return sum;
        const uint8_t *d = p + off + 4;
        sum += code;
        switch (code) {
        case 9: sum += walk_msg(d, len, depth + 1); break;
        case 3:
        case 25:
            if (len >= 12) sum += walk_opts(d + 12, len - 12, depth);
            break;
        case 4:
            if (len >= 4) sum += walk_opts(d + 4, len - 4, depth);
            break;
        case 5:
            if (len >= 24) sum += walk_opts(d + 24, len - 24, depth);
            break;
        case 26:
            if (len >= 25) sum += walk_opts(d + 25, len - 25, depth);
            break;
        default: break;
        }
        off += 4 + len;
    }
    return sum;
}

static void op_walk(struct wl *w)
{
    sink += walk_msg(w->msg, w->len, 0);
}

static void op_memcpy(struct wl *w)
{
    memcpy(w->out, w->msg, w->len);
    __asm__ __volatile__("" : : "r"(w->out) : "memory"); /* keep the copy */
    sink += w->out[w->len - 1];
}

/* ---- the full transaction (--txn): parse the relayed Solicit into a bundle, build the Reply
 * (client id, server id, IA_NA with one address and a status, rapid commit, DNS servers, search
 * list, IA_PD with one prefix; the server id, DNS servers and search list prebuilt at
 * configuration time), wrap it in the relay-reply chain and write it ---- */

static const uint8_t server_duid[] = {0,    1, 0,    1,    0x2e, 0x3c, 0x0a,
                                      0x4b, 0, 0x16, 0x3e, 0x5a, 0x7b, 0x01};
static const uint8_t addr_na[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, [14] = 0x12, [15] = 0x34};
static const uint8_t dns1[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 0x53};
static const uint8_t dns2[16] = {0x20, 0x01, 0x0d, 0xb8, [14] = 0x53, [15] = 0x53};
static const uint8_t prefix_pd[16] = {0x20, 0x01, 0x0d, 0xb8, 0x80};

/* The request's first IA of 'code' not answered yet: through the bundle's handled marks in a
 * transaction, straight from the request when the build is measured on its own. */
static d6t_opt *take_ia(d6t_bundle *b, d6t_msg *req, uint16_t code)
{
    return b ? d6t_bundle_first_unhandled(b, code) : d6t_msg_find_opt(req, code);
}

static void answered(d6t_bundle *b, const d6t_opt *in)
{
    if (b) d6t_bundle_mark_handled(b, in);
}

/* What a server knows from its configuration, built once as a real server would: its Server-ID,
 * and the subnet's DNS servers and domain search list (prebuilt option sets, added to each reply
 * in one call). */
static d6t_arena *cfg_arena;
static d6t_prebuilt *cfg_server, *cfg_subnet;

static void config_setup(void)
{
    cfg_arena = d6t_arena_new(NULL, 0);
    d6t_msg *srv = d6t_msg_new(cfg_arena, D6T_MSG_REPLY),
            *net = d6t_msg_new(cfg_arena, D6T_MSG_REPLY);
    if (!srv || !net) die("config", D6T_ERR_NOMEM);
    d6t_opt_set_bytes(d6t_msg_add_opt(srv, D6T_OPT_SERVERID), D6T_SERVERID_DUID, server_duid,
                      sizeof server_duid);
    d6t_opt *dns = d6t_msg_add_opt(net, D6T_OPT_DNS_SERVERS);
    d6t_opt_list_add_addr6(dns, D6T_DNS_SERVERS_DNS_SERVERS, dns1);
    d6t_opt_list_add_addr6(dns, D6T_DNS_SERVERS_DNS_SERVERS, dns2);
    d6t_opt_list_add_dname(d6t_msg_add_opt(net, D6T_OPT_DOMAIN_LIST), D6T_DOMAIN_LIST_SEARCH_LIST,
                           "example.com.");
    d6t_status st = d6t_prebuilt_new(cfg_arena, srv, &cfg_server);
    if (st || (st = d6t_prebuilt_new(cfg_arena, net, &cfg_subnet))) die("prebuilt", st);
}

/* What a handler chain does for this Solicit; errors surface as a wrong reply below. */
static d6t_msg *build_reply(d6t_bundle *b, d6t_msg *req, d6t_arena *arena)
{
    d6t_msg *r = d6t_msg_new(arena, D6T_MSG_REPLY);
    d6t_msg_set_transaction_id(r, d6t_msg_transaction_id(req));
    d6t_msg_add_opt_copy(r, d6t_msg_find_opt(req, D6T_OPT_CLIENTID));
    d6t_msg_add_prebuilt(r, cfg_server);
    d6t_opt *in = take_ia(b, req, D6T_OPT_IA_NA);
    uint32_t iaid;
    d6t_opt_get_ia(in, &iaid, NULL, NULL);
    d6t_opt *ia;
    d6t_msg_add_ia(r, D6T_OPT_IA_NA, iaid, 1800, 2880, &ia);
    d6t_opt_add_lease(ia, addr_na, 128, 3600, 7200, NULL);
    d6t_opt_add_status(ia, D6T_SC_SUCCESS, "success", NULL);
    answered(b, in);
    if (d6t_msg_find_opt(req, D6T_OPT_RAPID_COMMIT)) d6t_msg_add_opt(r, D6T_OPT_RAPID_COMMIT);
    d6t_msg_add_prebuilt(r, cfg_subnet);
    in = take_ia(b, req, D6T_OPT_IA_PD);
    d6t_opt_get_ia(in, &iaid, NULL, NULL);
    d6t_msg_add_ia(r, D6T_OPT_IA_PD, iaid, 1800, 2880, &ia);
    d6t_opt_add_lease(ia, prefix_pd, 48, 3600, 7200, NULL);
    answered(b, in);
    return r;
}

static void answer(d6t_bundle *b)
{
    d6t_bundle_set_response(b, build_reply(b, d6t_bundle_request(b), d6t_bundle_arena(b)));
}

static size_t transaction(struct wl *w, d6t_arena *a)
{
    d6t_bundle *b;
    size_t n = 0;
    d6t_arena_reset(a);
    if (d6t_bundle_new(a, w->msg, w->len, D6T_BUNDLE_RAPID_COMMIT, NULL, &b, NULL))
        die("bundle", D6T_ERR_INVALID);
    answer(b);
    if (d6t_bundle_outgoing_next(b, w->out, sizeof w->out, &n)) die("outgoing", D6T_ERR_INVALID);
    d6t_bundle_free(b);
    return n;
}

static void op_txn_heap(struct wl *w)
{
    sink += transaction(w, w->arena);
}
static void op_txn_caller(struct wl *w)
{
    sink += transaction(w, w->txn_caller);
}

/* The relay-reply part on its own: per relay level a RELAY-REPL with the relay-forward's header
 * and its Interface-ID copied (what the bundle's chain does), from the request parsed once. */
static void op_txn_echo(struct wl *w)
{
    d6t_arena_reset(w->echo_arena);
    for (const d6t_msg *m = w->parsed; m && d6t_msg_kind_of(m) == D6T_KIND_RELAY;
         m = d6t_msg_relayed(m)) {
        uint8_t addr[16];
        d6t_msg *r = d6t_msg_new(w->echo_arena, D6T_MSG_RELAY_REPL);
        d6t_msg_set_hop_count(r, d6t_msg_hop_count(m));
        d6t_msg_link_address(m, addr);
        d6t_msg_set_link_address(r, addr);
        d6t_msg_peer_address(m, addr);
        d6t_msg_set_peer_address(r, addr);
        d6t_opt *iid = d6t_msg_find_opt(m, D6T_OPT_INTERFACE_ID);
        if (!iid || !d6t_msg_add_opt_copy(r, iid)) die("echo", D6T_ERR_NOMEM);
        sink += (uintptr_t)r;
    }
}

/* The parts of a transaction on their own, from the request parsed once: */
static void op_txn_walk(struct wl *w)
{
    sink += walk_msg(w->msg, w->len, 0);
}

static void op_txn_parse(struct wl *w)
{
    op_parse_reused(w);
}

/* the Reply built from scratch and written out (the innermost message of the chain) */
static void op_txn_build(struct wl *w)
{
    size_t n;
    d6t_arena_reset(w->build_arena);
    d6t_msg *r = build_reply(NULL, w->req, w->build_arena);
    if (d6t_msg_write(r, w->out, sizeof w->out, &n)) die("write", D6T_ERR_INVALID);
    sink += n;
}

/* every validation rule over the relayed Solicit (it has no violation) */
static void op_txn_validate(struct wl *w)
{
    size_t count;
    d6t_msg_validate(w->parsed, NULL, NULL, &count);
    sink += count;
}

/* The floor for a transaction: walk the request, copy the finished answer from a template. */
static void op_txn_floor(struct wl *w)
{
    sink += walk_msg(w->msg, w->len, 0);
    memcpy(w->out, w->tmpl, w->tlen);
    __asm__ __volatile__("" : : "r"(w->out) : "memory");
    sink += w->out[w->tlen - 1];
}

/* ---- a relay agent (--relay): the upstream relay of a two-relay chain ---- */

struct relay_wl {
    d6t_relay *relay;
    d6t_relay_rx rx;
    uint8_t src[16];
    uint8_t fwd_in[4096]; /* the downstream relay's Relay-forward */
    size_t fwd_len;
    uint8_t rep_in[4096]; /* the server's Relay-reply */
    size_t rep_len;
};
static struct relay_wl rw;

static size_t relay_forward(struct wl *w, d6t_arena *a)
{
    d6t_msg *m;
    size_t n;
    d6t_arena_reset(a);
    if (d6t_relay_forward(rw.relay, a, &rw.rx, rw.fwd_in, rw.fwd_len, &m, NULL))
        die("relay forward", D6T_ERR_INVALID);
    if (d6t_msg_write(m, w->out, sizeof w->out, &n)) die("write", D6T_ERR_INVALID);
    return n;
}

static void op_relay_fwd(struct wl *w)
{
    sink += relay_forward(w, w->arena);
}
static void op_relay_fwd_caller(struct wl *w)
{
    sink += relay_forward(w, w->txn_caller);
}

/* What a relay does with a Relay-reply: where it goes, its bytes, and its leases read out. */
static void op_relay_reply(struct wl *w)
{
    d6t_relay_delivery *d;
    uint8_t to[16];
    uint16_t port = 0;
    size_t n;
    d6t_relay_lease l = D6T_RELAY_LEASE_INIT;
    d6t_arena_reset(w->arena);
    if (d6t_relay_reply(rw.relay, w->arena, rw.rep_in, rw.rep_len, &d, NULL) ||
        d6t_relay_delivery_destination(d, to, &port) ||
        d6t_relay_delivery_lease(d, d6t_relay_delivery_lease_count(d) - 1, &l))
        die("relay reply", D6T_ERR_INVALID);
    sink += (uintptr_t)d6t_relay_delivery_bytes(d, &n) + n + port + l.valid;
}

/* The floors: check the structure of what came in (the walk) and copy it behind a Relay-forward
 * header; for the reply, the walk alone (the inner bytes are sent from where they are). */
static void op_relay_fwd_floor(struct wl *w)
{
    sink += walk_msg(rw.fwd_in, rw.fwd_len, 0);
    memcpy(w->out + 38, rw.fwd_in, rw.fwd_len);
    __asm__ __volatile__("" : : "r"(w->out) : "memory");
    sink += w->out[rw.fwd_len - 1];
}
static void op_relay_reply_floor(struct wl *w)
{
    (void)w;
    sink += walk_msg(rw.rep_in, rw.rep_len, 0);
}

/* The relay w1's outer level describes: its link, Interface-ID and Remote-ID, with the inner
 * level (what the downstream relay sent) as the datagram to forward. */
static void relay_setup(struct wl *w)
{
    d6t_msg *inner = d6t_msg_relayed(w->parsed);
    d6t_opt *ifid = d6t_msg_find_opt(w->parsed, D6T_OPT_INTERFACE_ID);
    d6t_opt *rid = d6t_msg_find_opt(w->parsed, D6T_OPT_REMOTE_ID);
    uint8_t link[16];
    d6t_relay_iface_opts io = D6T_RELAY_IFACE_OPTS_INIT;
    if (!inner || !ifid || !rid || d6t_msg_kind_of(w->parsed) != D6T_KIND_RELAY)
        die("--relay needs a 2-level Relay-forward with Interface-ID and Remote-ID",
            D6T_ERR_INVALID);
    d6t_msg_link_address(w->parsed, link);
    d6t_msg_peer_address(w->parsed, rw.src);
    io.link_address = link;
    io.interface_id = d6t_opt_data(ifid, &io.interface_id_len);
    d6t_opt_get_u32(rid, D6T_REMOTE_ID_ENTERPRISE_NUMBER, &io.remote_id_enterprise);
    d6t_opt_get_bytes(rid, D6T_REMOTE_ID_REMOTE_ID, &io.remote_id, &io.remote_id_len);
    if (d6t_relay_new(NULL, NULL, &rw.relay) || d6t_relay_add_iface(rw.relay, &io, NULL))
        die("relay", D6T_ERR_INVALID);
    if (d6t_msg_write(inner, rw.fwd_in, sizeof rw.fwd_in, &rw.fwd_len))
        die("write", D6T_ERR_INVALID);
    rw.rx = (d6t_relay_rx)D6T_RELAY_RX_INIT;
    rw.rx.src_addr = rw.src;
    rw.rx.src_port = 547;
}

/* ---- measurement ---- */

struct result {
    double ns;     /* median ns per operation */
    double allocs; /* heap allocations per operation */
    double instr;  /* instructions per operation (user space), 0 when no counter */
};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof v[0], cmp_double);
    return v[n / 2];
}

#define BATCHES 15
enum {
    OP_WALK,
    OP_MEMCPY,
    OP_PARSE,
    OP_WRITE,
    OP_PW,
    OP_PW_PRIVATE,
    OP_PW_CALLER,
    OP_COUNT
};
enum {
    RL_FWD_FLOOR,
    RL_FWD,
    RL_FWD_CALLER,
    RL_REPLY_FLOOR,
    RL_REPLY,
    RL_COUNT
};
enum {
    TX_FLOOR,
    TX_WALK,
    TX_PARSE,
    TX_BUILD,
    TX_ECHO,
    TX_VALIDATE,
    TX_HEAP,
    TX_CALLER,
    TX_COUNT
};
#define MAX_OPS ((int)OP_COUNT > (int)TX_COUNT ? (int)OP_COUNT : (int)TX_COUNT)

/* How many operations of fn fit in budget_ns. */
static size_t calibrate(op_fn fn, struct wl *w, double budget_ns)
{
    uint64_t t0 = now_ns();
    size_t probe = 0;
    do {
        for (int i = 0; i < 16; i++) fn(w);
        probe += 16;
    } while (now_ns() - t0 < 2000000u);
    size_t n = (size_t)(budget_ns / ((double)(now_ns() - t0) / (double)probe));
    return n ? n : 1;
}

/* The ratio of two operations over the batches: the median of per-batch ratios and their
 * range (how much of the run's figure is the machine's noise). */
struct ratio {
    double median, lo, hi;
};

/* Batches run every operation in turn, so a burst of machine noise hits them all alike; the
 * walk ratio is the median of per-batch ratios. */
static void measure_all(const op_fn *ops, int nops, int num, int den, struct wl *w,
                        double budget_ms, struct result *res, struct ratio *ratio)
{
    size_t iters[MAX_OPS], total[MAX_OPS] = {0}, allocs[MAX_OPS] = {0};
    uint64_t instr[MAX_OPS] = {0};
    static double ns[MAX_OPS][BATCHES];
    double ratios[BATCHES];
    for (int k = 0; k < nops; k++) iters[k] = calibrate(ops[k], w, budget_ms * 1e6 / BATCHES);
    for (int b = 0; b < BATCHES; b++) {
        for (int k = 0; k < nops; k++) {
            n_allocs = 0;
            counting = 1;
            uint64_t i0 = instr_now(), s = now_ns();
            for (size_t i = 0; i < iters[k]; i++) ops[k](w);
            uint64_t e = now_ns(), i1 = instr_now();
            counting = 0;
            instr[k] += i1 - i0;
            allocs[k] += n_allocs;
            total[k] += iters[k];
            ns[k][b] = (double)(e - s) / (double)iters[k];
        }
        ratios[b] = ns[num][b] / ns[den][b];
    }
    for (int k = 0; k < nops; k++) {
        res[k].ns = median(ns[k], BATCHES);
        res[k].allocs = (double)allocs[k] / (double)total[k];
        res[k].instr = (double)instr[k] / (double)total[k];
    }
    ratio->median = median(ratios, BATCHES);
    ratio->lo = ratios[0];
    ratio->hi = ratios[BATCHES - 1];
}

static int read_hex(const char *path, uint8_t *buf, size_t cap, size_t *len)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return -1;
    }
    int c, hi = -1;
    *len = 0;
    while ((c = fgetc(f)) != EOF && *len < cap) {
        int v = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (v < 0) continue;
        if (hi < 0)
            hi = v;
        else {
            buf[(*len)++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    fclose(f);
    return *len ? 0 : -1;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static int setup(struct wl *w)
{
    d6t_parse_error e;
    size_t n;
    w->arena = d6t_arena_new(NULL, 0);
    if (!w->arena) return -1;
    d6t_status st = d6t_msg_parse(w->arena, w->msg, w->len, 0, &w->parsed, &e);
    if (st) {
        fprintf(stderr, "%s: parse failed at %zu: %s\n", w->name, e.offset, e.reason);
        return -1;
    }
    if (d6t_msg_write(w->parsed, w->out, sizeof w->out, &n) || n != w->len ||
        memcmp(w->out, w->msg, n)) {
        fprintf(stderr, "%s: round trip differs\n", w->name);
        return -1;
    }
    return 0;
}

static void row(const char *what, struct result r, double floor_ns)
{
    printf("  %-38s %9.1f ns  %6.2fx walk  %5.2f allocs/msg\n", what, r.ns, r.ns / floor_ns,
           r.allocs);
}

static int bench_one(const char *path, double ms, int check_allocs)
{
    static struct wl w; /* large buffers: keep off the stack */
    static const op_fn ops[OP_COUNT] = {
        [OP_WALK] = op_walk,
        [OP_MEMCPY] = op_memcpy,
        [OP_PARSE] = op_parse_reused,
        [OP_WRITE] = op_write,
        [OP_PW] = op_parse_write_reused,
        [OP_PW_PRIVATE] = op_parse_write_private,
        [OP_PW_CALLER] = op_parse_write_caller,
    };
    struct result r[OP_COUNT];
    struct ratio rt;
    memset(&w, 0, sizeof w);
    w.name = base_name(path);
    if (read_hex(path, w.msg, sizeof w.msg, &w.len) || setup(&w)) return 1;
    /* op_write needs a parsed tree that op_parse_reused does not disturb: give it its own arena */
    d6t_arena *wa = d6t_arena_new(NULL, 0);
    if (!wa || d6t_msg_parse(wa, w.msg, w.len, 0, &w.parsed, NULL)) die("parse", D6T_ERR_NOMEM);
    measure_all(ops, OP_COUNT, OP_PW, OP_WALK, &w, ms, r, &rt);
    double ratio = rt.median;
    d6t_arena_free(wa);
    d6t_arena_free(w.arena);

    double floor_ns = r[OP_WALK].ns;
    printf("%s (%zu bytes)\n", w.name, w.len);
    row("TLV walk (floor)", r[OP_WALK], floor_ns);
    row("memcpy", r[OP_MEMCPY], floor_ns);
    row("parse, reused arena", r[OP_PARSE], floor_ns);
    row("write", r[OP_WRITE], floor_ns);
    row("parse+write, reused arena (a)", r[OP_PW], floor_ns);
    row("parse+write+free, private arena (b)", r[OP_PW_PRIVATE], floor_ns);
    row("parse+write, caller memory (c)", r[OP_PW_CALLER], floor_ns);
    printf("  ratio (parse+write)/(TLV walk) = %.1f  [goal <= 10: %s]\n", ratio,
           ratio <= 10.0 ? "met" : "MISSED");
    int allocs_ok = r[OP_PARSE].allocs == 0 && r[OP_WRITE].allocs == 0 && r[OP_PW].allocs == 0 &&
                    r[OP_PW_PRIVATE].allocs == 1.0 && r[OP_PW_CALLER].allocs == 0;
    printf("  allocations: reused %.2f, private %.2f, caller memory %.2f  [goal 0 / 1 / 0: %s]\n",
           r[OP_PW].allocs, r[OP_PW_PRIVATE].allocs, r[OP_PW_CALLER].allocs,
           allocs_ok ? "met" : "MISSED");
    return check_allocs && !allocs_ok;
}

/* The transaction's operations, in the order of the report; 'floor' is the row each is set
 * against (the TLV walk for the parse, walk + template copy for the rest). */
static const struct txn_op {
    const char *name, *what;
    op_fn fn;
    int floor;
} txn_ops[TX_COUNT] = {
    [TX_FLOOR] = {"floor", "walk + template copy (floor)", op_txn_floor, TX_FLOOR},
    [TX_WALK] = {"walk", "TLV walk of the request", op_txn_walk, TX_WALK},
    [TX_PARSE] = {"parse", "parse of the relayed request", op_txn_parse, TX_WALK},
    [TX_BUILD] = {"build", "Reply built from scratch + written", op_txn_build, TX_FLOOR},
    [TX_ECHO] = {"relay-wrap", "relay-reply levels, Interface-ID echoed", op_txn_echo, TX_FLOOR},
    [TX_VALIDATE] = {"validate", "validation of the relayed request", op_txn_validate, TX_FLOOR},
    [TX_HEAP] = {"transaction", "transaction, reused heap arena", op_txn_heap, TX_FLOOR},
    [TX_CALLER] = {"transaction-caller", "transaction, caller memory", op_txn_caller, TX_FLOOR},
};

/* Everything the transaction's operations need, checked once: the output must be exactly the
 * reference chain and its Reply, or the numbers mean nothing. */
static int txn_setup(struct wl *w, const char *req, const char *tmpl)
{
    memset(w, 0, sizeof *w);
    w->name = base_name(req);
    if (read_hex(req, w->msg, sizeof w->msg, &w->len) ||
        read_hex(tmpl, w->tmpl, sizeof w->tmpl, &w->tlen))
        return 1;
    w->arena = d6t_arena_new(NULL, 0);
    w->txn_caller = d6t_arena_new_in(w->stack_mem, sizeof w->stack_mem, NULL);
    w->echo_arena = d6t_arena_new(NULL, 0);
    w->build_arena = d6t_arena_new(NULL, 0);
    d6t_arena *pa = d6t_arena_new(NULL, 0);
    if (!w->arena || !w->txn_caller || !w->echo_arena || !w->build_arena || !pa)
        die("arena", D6T_ERR_NOMEM);
    if (!cfg_arena) config_setup();
    if (d6t_msg_parse(pa, w->msg, w->len, 0, &w->parsed, NULL)) die("parse", D6T_ERR_INVALID);
    w->req = w->parsed;
    while (w->req && d6t_msg_kind_of(w->req) == D6T_KIND_RELAY) w->req = d6t_msg_relayed(w->req);
    d6t_msg *chain, *inner;
    if (!w->req || d6t_msg_parse(pa, w->tmpl, w->tlen, 0, &chain, NULL))
        die("parse", D6T_ERR_INVALID);
    for (inner = chain; d6t_msg_kind_of(inner) == D6T_KIND_RELAY;) inner = d6t_msg_relayed(inner);
    if (d6t_msg_write(inner, w->reply, sizeof w->reply, &w->rlen)) die("write", D6T_ERR_INVALID);
    size_t n = transaction(w, w->arena), count = 1;
    if (n != w->tlen || memcmp(w->out, w->tmpl, n)) {
        fprintf(stderr, "bench: the transaction's output differs from %s\n", base_name(tmpl));
        return 1;
    }
    op_txn_build(w);
    if (memcmp(w->out, w->reply, w->rlen)) {
        fprintf(stderr, "bench: the Reply built on its own differs from the chain's\n");
        return 1;
    }
    if (d6t_msg_validate(w->parsed, NULL, NULL, &count) || count) {
        fprintf(stderr, "bench: %s does not validate: %zu violations\n", w->name, count);
        return 1;
    }
    return 0;
}

static void txn_row(const struct result *r, int k)
{
    const struct txn_op *op = &txn_ops[k];
    const struct result *f = &r[op->floor];
    printf("  %-40s %8.1f ns %6.2fx", op->what, r[k].ns, r[k].ns / f->ns);
    if (r[k].instr > 0)
        printf(" %8.0f instr %6.2fx", r[k].instr, r[k].instr / f->instr);
    else
        printf(" %8s instr %7s", "n/a", "");
    printf(" %5.2f allocs\n", r[k].allocs);
}

/* The full transaction of a relayed Solicit and its parts, against walk + template copy of the
 * same bytes. */
static int bench_txn(const char *req, const char *tmpl, double ms, int check_allocs)
{
    static struct wl w;
    op_fn ops[TX_COUNT];
    struct result r[TX_COUNT];
    struct ratio rt;
    if (txn_setup(&w, req, tmpl)) return 1;
    for (int k = 0; k < TX_COUNT; k++) ops[k] = txn_ops[k].fn;
    measure_all(ops, TX_COUNT, TX_HEAP, TX_FLOOR, &w, ms, r, &rt);
    printf("full transaction: %s -> bundle -> Reply (IA_NA, IA_PD, DNS, ...) -> relay chain -> %zu "
           "bytes\n",
           w.name, w.tlen);
    printf("  (ratios: the parse against the TLV walk, the rest against walk + template copy)\n");
    for (int k = 0; k < TX_COUNT; k++) txn_row(r, k);
    if (r[TX_HEAP].instr <= 0)
        printf("  instructions: no CPU counter here (perf_event_open); "
               "meson test --benchmark instructions counts them under callgrind\n");
    int allocs_ok = 1;
    for (int k = 0; k < TX_COUNT; k++) allocs_ok &= r[k].allocs == 0;
    printf("  ratio transaction/floor = %.1f (time: median of batches, %.1f-%.1f across them)",
           rt.median, rt.lo, rt.hi);
    if (r[TX_HEAP].instr > 0) printf(", %.1f (instructions)", r[TX_HEAP].instr / r[TX_FLOOR].instr);
    printf("; allocations [goal 0: %s]\n", allocs_ok ? "met" : "MISSED");
    return check_allocs && !allocs_ok;
}

/* A relay agent forwarding and delivering, each next to its floor. */
static int bench_relay(const char *fwd, const char *rep, double ms, int check_allocs)
{
    static struct wl w;
    static const op_fn ops[RL_COUNT] = {
        [RL_FWD_FLOOR] = op_relay_fwd_floor,   [RL_FWD] = op_relay_fwd,
        [RL_FWD_CALLER] = op_relay_fwd_caller, [RL_REPLY_FLOOR] = op_relay_reply_floor,
        [RL_REPLY] = op_relay_reply,
    };
    struct result r[RL_COUNT];
    struct ratio rt;
    memset(&w, 0, sizeof w);
    w.name = base_name(fwd);
    if (read_hex(fwd, w.msg, sizeof w.msg, &w.len) ||
        read_hex(rep, rw.rep_in, sizeof rw.rep_in, &rw.rep_len) || setup(&w))
        return 1;
    w.txn_caller = d6t_arena_new_in(w.stack_mem, sizeof w.stack_mem, NULL);
    if (!w.txn_caller) die("arena", D6T_ERR_NOMEM);
    relay_setup(&w);
    /* the relay must rebuild the outer level exactly, or the timing means nothing */
    size_t n = relay_forward(&w, w.txn_caller);
    if (n != w.len || memcmp(w.out, w.msg, n)) {
        fprintf(stderr, "bench: the relay's Relay-forward differs from %s\n", w.name);
        return 1;
    }
    d6t_arena *keep = w.arena; /* setup's parse lives there: the ops reset a fresh one */
    w.arena = d6t_arena_new(NULL, 0);
    if (!w.arena) die("arena", D6T_ERR_NOMEM);
    measure_all(ops, RL_COUNT, RL_FWD, RL_FWD_FLOOR, &w, ms, r, &rt);
    double ratio = rt.median;
    printf("relay agent: %s's inner level -> Relay-forward (%zu bytes); %s -> delivery\n", w.name,
           w.len, base_name(rep));
    printf("  %-38s %9.1f ns  %6.2fx floor %5.2f allocs/msg\n", "forward floor (walk + memcpy)",
           r[RL_FWD_FLOOR].ns, 1.0, r[RL_FWD_FLOOR].allocs);
    printf("  %-38s %9.1f ns  %6.2fx floor %5.2f allocs/msg\n", "forward + write, reused arena",
           r[RL_FWD].ns, r[RL_FWD].ns / r[RL_FWD_FLOOR].ns, r[RL_FWD].allocs);
    printf("  %-38s %9.1f ns  %6.2fx floor %5.2f allocs/msg\n", "forward + write, caller memory",
           r[RL_FWD_CALLER].ns, r[RL_FWD_CALLER].ns / r[RL_FWD_FLOOR].ns, r[RL_FWD_CALLER].allocs);
    printf("  %-38s %9.1f ns  %6.2fx floor %5.2f allocs/msg\n", "reply floor (walk)",
           r[RL_REPLY_FLOOR].ns, 1.0, r[RL_REPLY_FLOOR].allocs);
    printf("  %-38s %9.1f ns  %6.2fx floor %5.2f allocs/msg\n", "reply + destination + leases",
           r[RL_REPLY].ns, r[RL_REPLY].ns / r[RL_REPLY_FLOOR].ns, r[RL_REPLY].allocs);
    int allocs_ok =
        r[RL_FWD].allocs == 0 && r[RL_FWD_CALLER].allocs == 0 && r[RL_REPLY].allocs == 0;
    printf("  ratio forward/floor = %.1f (median of batches), reply/floor = %.1f; allocations "
           "[goal 0: %s]\n",
           ratio, r[RL_REPLY].ns / r[RL_REPLY_FLOOR].ns, allocs_ok ? "met" : "MISSED");
    d6t_arena_free(w.arena);
    d6t_arena_free(keep);
    d6t_arena_free(w.txn_caller);
    d6t_relay_free(rw.relay);
    return check_allocs && !allocs_ok;
}

/* --count N: each operation N times, each run of N framed for callgrind (started with
 * --collect-atstart=no): collected alone and dumped under the operation's name, so that
 * bench/instructions.py reads instructions per operation from the dump files. */
static int count_txn(const char *req, const char *tmpl, long n)
{
    static struct wl w;
    if (txn_setup(&w, req, tmpl)) return 1;
#ifdef BENCH_CALLGRIND
    /* BENCH_ONLY=name: that operation alone, unframed, for a profile of where it spends */
    const char *only = getenv("BENCH_ONLY");
    for (int k = 0; only && k < TX_COUNT; k++)
        if (!strcmp(only, txn_ops[k].name))
            for (long i = 0; i < n; i++) txn_ops[k].fn(&w);
    for (int k = 0; !only && k < TX_COUNT; k++) {
        txn_ops[k].fn(&w); /* warm: arena blocks, lazy bindings */
        CALLGRIND_TOGGLE_COLLECT;
        for (long i = 0; i < n; i++) txn_ops[k].fn(&w);
        CALLGRIND_TOGGLE_COLLECT;
        CALLGRIND_DUMP_STATS_AT(txn_ops[k].name);
    }
    printf("%ld runs of each operation\n", n);
    return 0;
#else
    (void)n;
    fprintf(stderr, "bench: --count needs <valgrind/callgrind.h> at build time\n");
    return 2;
#endif
}

/* The counter must see a plain malloc, or every allocation figure would be a silent zero. */
static int counting_works(void)
{
    void *volatile p;
    n_allocs = 0;
    counting = 1;
    p = malloc(24);
    counting = 0;
    free(p);
    return n_allocs == 1;
}

int main(int argc, char **argv)
{
    double ms = 140.0;
    int check_allocs = 0, bad = 0, files = 0;
    long count = 0;
    counting_init();
    instr_init();
    if (!counting_works()) {
        fprintf(stderr, "bench: allocation counting does not work in this build\n");
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--quick"))
            ms = 5.0;
        else if (!strcmp(argv[i], "--check-allocs"))
            check_allocs = 1;
        else if (!strcmp(argv[i], "--ms") && i + 1 < argc)
            ms = atof(argv[++i]);
        else if (!strcmp(argv[i], "--count") && i + 1 < argc)
            count = atol(argv[++i]);
        else if (!strcmp(argv[i], "--txn") && i + 2 < argc) {
            if (count > 0) {
                bad |= count_txn(argv[i + 1], argv[i + 2], count);
                return bad;
            }
            bad |= bench_txn(argv[i + 1], argv[i + 2], ms, check_allocs);
            i += 2;
            files++;
        } else if (!strcmp(argv[i], "--relay") && i + 2 < argc) {
            bad |= bench_relay(argv[i + 1], argv[i + 2], ms, check_allocs);
            i += 2;
            files++;
        } else {
            bad |= bench_one(argv[i], ms, check_allocs);
            files++;
        }
    }
    if (!files) {
        fprintf(stderr,
                "usage: bench [--quick] [--check-allocs] [--ms N] [--count N] [--txn "
                "REQUEST.hex REPLY-CHAIN.hex] [--relay FORWARD.hex REPLY.hex] FILE.hex ...\n");
        return 2;
    }
    printf("libdhcp6txn %s, median of %d interleaved batches, about %.0f ms per operation\n",
           d6t_version(), BATCHES, ms);
    return bad;
}
