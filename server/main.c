/* dhcp6txn-server: a small, real DHCPv6 server on libdhcp6txn's public API.
 * This file is the network side: the UDP socket on port 547 (multicast group ff02::1:2 on every
 * configured interface), the TCP listener for bulk leasequery, signals, and the batch loop
 * that makes lease changes durable before the replies that announce them leave.
 * SPDX-License-Identifier: BSD-2-Clause */
#define _GNU_SOURCE 1
#include "udp_tx.h"
#include "daemon.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH                  D6S_TX_BATCH
#define MAX_DGRAM              65536
#define TCP_FRAMES_PER_WAKEUP  64
#define UDP_BATCHES_PER_WAKEUP 8
/* Heap bound of the per-datagram arena: enough for anything the parser takes from the largest
 * datagram (64 KiB of empty options is about 1.4 MiB of option nodes) and its answer; without a
 * bound, datagrams of growing size made the arena keep a bigger block for each size. */
#define UDP_ARENA_LIMIT (32u * MAX_DGRAM)
/* A leasequery connection's arena holds its framer, sized for the largest frame. */
#define TCP_ARENA_LIMIT (4096u + 2u * 65536u)

struct iface {
    char name[D6S_IFNAME_MAX];
    unsigned index;
    struct in6_addr
        ll; /* our link-local address there, the source of replies to link-local clients */
    int has_ll;
};

/* One received datagram of a recvmmsg batch: its buffer, source and ancillary data. */
struct rx_slot {
    struct sockaddr_in6 from;
    struct iovec iov;
    struct {
        /* aligned like a cmsghdr, without one: glibc's ends in a flexible array, which may
         * not stand in the middle of a struct in ISO C */
        _Alignas(struct cmsghdr) char bytes[256];
    } cbuf;
    uint8_t buf[MAX_DGRAM];
};

struct conn {
    int fd;
    uint8_t peer[16];
    d6t_arena *arena;
    d6t_framer *framer;
    d6t_bundle *b;
    uint8_t rbuf[4096];
    size_t rlen, roff;
    uint8_t obuf[65536 + 2];
    size_t olen, ooff;
    /* Monotonic seconds (never 0) of the last whole message in or out, and of the first byte of
     * the query being received (0: none): only whole messages count as progress, so a peer that
     * sends a byte now and then cannot keep its slot (tcp-frame-timeout, tcp-idle-timeout). */
    int64_t progress, frame_start;
};

struct net {
    struct d6s_server *s;
    int udp, tcp;
    struct iface ifs[D6S_MAX_IFACES];
    size_t nifs;
    struct conn *conns;
    size_t nconns;
    struct d6s_udp_tx tx; /* the batch's replies */
    struct rx_slot *rx;   /* BATCH of them */
    struct mmsghdr rxmsg[BATCH];
    int relearn; /* a named source address failed: learn the link-local addresses again */
    d6t_arena *arena;
};

static const char usage[] =
    "usage: dhcp6txn-server -c CONFIG [options]\n"
    "  A DHCPv6 server (RFC 9915) built on libdhcp6txn: IA_NA and IA_PD leases from per-link\n"
    "  pools, direct and relayed clients, DNS options, leasequery (UDP and bulk over TCP).\n"
    "\n"
    "  -c, --config FILE      configuration file (format: docs/SERVER.md, example installed as\n"
    "                         dhcp6txn-server.conf.example)\n"
    "  -i, --interface IF     also listen on interface IF (repeatable; adds to the config's list)\n"
    "  -p, --port N           UDP/TCP port instead of 547 (tests)\n"
    "  -l, --lease-file FILE  lease file (overrides the config's lease-file)\n"
    "  -s, --state-file FILE  state file holding the server DUID (overrides state-file)\n"
    "  -q, --quiet            no per-transaction log lines (counters are still printed)\n"
    "  -t, --check-config     parse the configuration, print a summary and exit\n"
    "  -h, --help             this text\n"
    "\n"
    "  Logs go to stderr, one line per transaction. SIGUSR1 prints the counters, SIGTERM or\n"
    "  SIGINT stops the server cleanly (counters printed, lease file synced).\n";

static int64_t now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec;
}

static int64_t mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec + 1;
}

static size_t iface_mac(const char *name, uint8_t mac[6])
{
    struct ifreq ifr;
    int fd = socket(AF_INET6, SOCK_DGRAM, 0);
    if (fd < 0) return 0;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
    int rc = ioctl(fd, SIOCGIFHWADDR, &ifr);
    close(fd);
    if (rc) return 0;
    memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
    static const uint8_t zero[6];
    return memcmp(mac, zero, 6) ? 6 : 0;
}

static int open_udp(struct net *n, char *err, size_t cap)
{
    int one = 1, zero = 0;
    n->udp = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (n->udp < 0) return snprintf(err, cap, "socket: %s", strerror(errno)), -1;
    setsockopt(n->udp, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    setsockopt(n->udp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(n->udp, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one);
    /* DHCP has no use for flow labels; computing one costs a hash for every reply */
    setsockopt(n->udp, IPPROTO_IPV6, IPV6_AUTOFLOWLABEL, &zero, sizeof zero);
    int rcv = 4 << 20;
    setsockopt(n->udp, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv);
    struct sockaddr_in6 sa = {.sin6_family = AF_INET6, .sin6_port = htons(n->s->cfg.port)};
    if (bind(n->udp, (struct sockaddr *)&sa, sizeof sa))
        return snprintf(err, cap, "bind UDP port %u: %s", n->s->cfg.port, strerror(errno)), -1;
    for (size_t i = 0; i < n->nifs; i++) {
        struct ipv6_mreq mr;
        memset(&mr, 0, sizeof mr);
        inet_pton(AF_INET6, "ff02::1:2", &mr.ipv6mr_multiaddr);
        mr.ipv6mr_interface = n->ifs[i].index;
        if (setsockopt(n->udp, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr, sizeof mr))
            d6s_logf(n->s, "warning: cannot join ff02::1:2 on %s: %s", n->ifs[i].name,
                     strerror(errno));
    }
    return 0;
}

static int open_tcp(struct net *n, char *err, size_t cap)
{
    int one = 1;
    n->tcp = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (n->tcp < 0) return snprintf(err, cap, "socket: %s", strerror(errno)), -1;
    setsockopt(n->tcp, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    setsockopt(n->tcp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in6 sa = {.sin6_family = AF_INET6, .sin6_port = htons(n->s->cfg.port)};
    if (bind(n->tcp, (struct sockaddr *)&sa, sizeof sa) || listen(n->tcp, 8))
        return snprintf(err, cap, "TCP port %u: %s", n->s->cfg.port, strerror(errno)), -1;
    return 0;
}

static const struct iface *iface_of(const struct net *n, unsigned index)
{
    for (size_t i = 0; i < n->nifs; i++)
        if (n->ifs[i].index == index) return &n->ifs[i];
    return NULL;
}

/* Learn (again) each interface's link-local address; called at start and once a second, so an
 * address that comes or goes is followed. */
static void learn_link_locals(struct net *n)
{
    struct ifaddrs *all;
    for (size_t i = 0; i < n->nifs; i++) n->ifs[i].has_ll = 0;
    if (getifaddrs(&all)) return;
    for (struct ifaddrs *a = all; a; a = a->ifa_next) {
        if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET6) continue;
        const struct sockaddr_in6 *sa = (const struct sockaddr_in6 *)(const void *)a->ifa_addr;
        if (!IN6_IS_ADDR_LINKLOCAL(&sa->sin6_addr)) continue;
        for (size_t i = 0; i < n->nifs; i++) {
            if (n->ifs[i].has_ll || strcmp(n->ifs[i].name, a->ifa_name)) continue;
            n->ifs[i].ll = sa->sin6_addr;
            n->ifs[i].has_ll = 1;
        }
    }
    freeifaddrs(all);
}

/* The reply's source address, named so that the kernel need not select one for every reply: the
 * address a unicast request was sent to, or for a multicast request our link-local address on
 * the interface it came in on when the reply goes to a link-local address. Otherwise (and after a
 * send that failed with it) the kernel chooses. */
static void pick_source(struct d6s_reply *p, const struct iface *ifc, const struct in6_pktinfo *at)
{
    p->has_src = 0;
    if (!IN6_IS_ADDR_MULTICAST(&at->ipi6_addr) && !IN6_IS_ADDR_UNSPECIFIED(&at->ipi6_addr)) {
        p->src = at->ipi6_addr;
        p->has_src = 1;
    } else if (p->ifindex && ifc->has_ll) {
        p->src = ifc->ll;
        p->has_src = 1;
    }
}

static void log_txn(struct net *n, d6t_bundle *b, const char *what)
{
    if (n->s->quiet || !n->s->log) return;
    char line[768];
    d6t_bundle_describe(b, line, sizeof line);
    d6s_logf(n->s, "%s%s", line, what);
}

/* One datagram: parse into a bundle, run the logic, queue the reply. */
static void handle_datagram(struct net *n, const uint8_t *buf, size_t len,
                            const struct sockaddr_in6 *from, const struct in6_pktinfo *at)
{
    struct d6s_server *s = n->s;
    char src[INET6_ADDRSTRLEN];
    s->cnt.received++;
    unsigned ifindex = at->ipi6_ifindex;
    int multicast = IN6_IS_ADDR_MULTICAST(&at->ipi6_addr);
    const struct iface *ifc = iface_of(n, ifindex);
    if (!ifc) {
        s->cnt.dropped++;
        return; /* not one of our interfaces */
    }
    const char *ifname = ifc->name;
    d6t_arena_reset(n->arena);
    d6t_bundle *b = NULL;
    d6t_parse_error perr = {0, 0, NULL};
    unsigned flags = (multicast ? D6T_BUNDLE_MULTICAST : 0) |
                     (s->cfg.rapid_commit ? D6T_BUNDLE_RAPID_COMMIT : 0);
    d6t_status st = d6t_bundle_new(n->arena, buf, len, flags, NULL, &b, &perr);
    if (st != D6T_OK) {
        s->cnt.malformed++;
        inet_ntop(AF_INET6, &from->sin6_addr, src, sizeof src);
        d6s_logf(s, "malformed datagram (%zu bytes) from [%s]:%u on %s: %s at byte %zu%s%s", len,
                 src, ntohs(from->sin6_port), ifname, d6t_strerror(st), perr.offset,
                 perr.reason ? ": " : "", perr.reason ? perr.reason : "");
        return;
    }
    d6t_bundle_set_source_address(b, from->sin6_addr.s6_addr);
    d6t_bundle_set_source_port(b, ntohs(from->sin6_port));
    struct d6s_rx rx = {ifname, multicast};
    if (!d6t_bundle_request(b)) {
        const char *why = d6t_bundle_no_request_reason(b);
        d6s_handle(s, b, &rx);
        inet_ntop(AF_INET6, &from->sin6_addr, src, sizeof src);
        d6s_logf(s, "ignored datagram from [%s] on %s: %s", src, ifname, why ? why : "no request");
        return;
    }
    if (!d6s_handle(s, b, &rx)) {
        log_txn(n, b, " -> no answer");
        return;
    }
    if (n->tx.nout == BATCH)
        return; /* cannot happen: one reply per datagram, BATCH datagrams per batch */
    struct d6s_reply *p = &n->tx.out[n->tx.nout];
    uint8_t to[16];
    uint16_t port;
    if (d6t_bundle_destination(b, to, &port) != D6T_OK) {
        s->cnt.dropped++;
        log_txn(n, b, " -> no destination");
        return;
    }
    memset(&p->to, 0, sizeof p->to);
    p->to.sin6_family = AF_INET6;
    p->to.sin6_port = htons(port);
    if (d6t_bundle_incoming_relay_count(b)) {
        /* the reply goes back to the relay that sent the Relay-forw: the datagram's source */
        memcpy(&p->to.sin6_addr, &from->sin6_addr, 16);
    } else {
        memcpy(&p->to.sin6_addr, to, 16);
    }
    p->ifindex = IN6_IS_ADDR_LINKLOCAL(&p->to.sin6_addr) ? ifindex : 0;
    if (IN6_IS_ADDR_LINKLOCAL(&p->to.sin6_addr)) p->to.sin6_scope_id = ifindex;
    pick_source(p, ifc, at);
    st = d6t_bundle_outgoing_message(b, p->buf, sizeof p->buf, &p->len);
    if (st != D6T_OK) {
        s->cnt.dropped++;
        log_txn(n, b, " -> reply could not be written");
        return;
    }
    if (!s->quiet && s->log) {
        char what[128], dst[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, &p->to.sin6_addr, dst, sizeof dst);
        d6t_msg *resp = d6t_bundle_response(b);
        snprintf(what, sizeof what, " -> %s (%zu bytes) to [%s]:%u",
                 d6t_msg_type_name(d6t_msg_type(resp)), p->len, dst, port);
        log_txn(n, b, what);
    }
    n->tx.nout++;
}

/* Send the batch's replies, but only once the lease file holds what they promise. */
static void flush_replies(struct net *n)
{
    struct d6s_server *s = n->s;
    if (!n->tx.nout) return;
    if (d6s_leases_sync(&s->leases)) {
        /* a reply must never promise a lease the file does not hold */
        d6s_logf(s, "error: cannot write the lease file %s: %zu replies withheld", s->leases.path,
                 n->tx.nout);
        s->cnt.send_errors += n->tx.nout;
        n->tx.nout = 0;
        return;
    }
    d6s_udp_send(s, &n->tx, n->udp);
    if (n->tx.relearn) n->relearn = 1, n->tx.relearn = 0;
}

/* Where the datagram arrived: interface and destination address (zero when the kernel did not say). */
static void rx_metadata(struct msghdr *mh, struct in6_pktinfo *at)
{
    memset(at, 0, sizeof *at);
    for (struct cmsghdr *cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm))
        if (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_PKTINFO)
            memcpy(at, CMSG_DATA(cm), sizeof *at);
}

/* One batch: up to BATCH datagrams in one recvmmsg, every reply in one sendmmsg after the lease
 * file holds what the replies promise. Returns the number of datagrams read. */
static void rx_slot_reset(struct net *n, unsigned k)
{
    struct rx_slot *x = &n->rx[k];
    x->iov = (struct iovec){x->buf, sizeof x->buf};
    n->rxmsg[k].msg_hdr = (struct msghdr){.msg_name = &x->from,
                                          .msg_namelen = sizeof x->from,
                                          .msg_iov = &x->iov,
                                          .msg_iovlen = 1,
                                          .msg_control = x->cbuf.bytes,
                                          .msg_controllen = sizeof x->cbuf.bytes};
}

/* The client's DUID in a datagram, for cache warming only: the Client ID at the top level of the
 * client message, inside at most a few Relay-forw levels. A quick, bounded look at raw bytes;
 * the real parse comes later and decides everything. 0 when there is none. */
static int peek_client_duid(const uint8_t *p, size_t n, const uint8_t **duid, size_t *dlen)
{
    for (int depth = 0; depth < 4 && n >= 4; depth++) {
        size_t off = p[0] == D6T_MSG_RELAY_FORW ? 34 : 4;
        const uint8_t *inner = NULL;
        size_t inner_len = 0;
        for (int k = 0; k < 16 && off + 4 <= n; k++) {
            size_t code = (size_t)p[off] << 8 | p[off + 1],
                   len = (size_t)p[off + 2] << 8 | p[off + 3];
            if (len > n - off - 4) return 0;
            if (code == D6T_OPT_CLIENTID && p[0] != D6T_MSG_RELAY_FORW) {
                *duid = p + off + 4;
                *dlen = len;
                return 1;
            }
            if (code == D6T_OPT_RELAY_MSG && p[0] == D6T_MSG_RELAY_FORW)
                inner = p + off + 4, inner_len = len;
            off += 4 + len;
        }
        if (!inner) return 0;
        p = inner, n = inner_len;
    }
    return 0;
}

/* Before a batch is handled, fetch the lease-table lines its lookups will need: with up to 64
 * datagrams the misses overlap instead of each stalling its own datagram's handling. */
static void warm_leases(struct net *n, int r)
{
    const struct d6s_leases *l = &n->s->leases;
    _Static_assert(BATCH <= 64, "one bit per datagram of a batch");
    uint32_t bucket[BATCH];
    uint64_t have = 0;
    for (int k = 0; k < r; k++) {
        const uint8_t *duid;
        size_t dlen;
        size_t len = n->rxmsg[k].msg_len < MAX_DGRAM ? n->rxmsg[k].msg_len : MAX_DGRAM;
        if (!peek_client_duid(n->rx[k].buf, len, &duid, &dlen)) continue;
        bucket[k] = d6s_leases_bucket(l, duid, dlen);
        d6s_leases_prefetch(l, bucket[k], 0);
        have |= 1ull << k;
    }
    for (int k = 0; k < r; k++)
        if (have >> k & 1) d6s_leases_prefetch(l, bucket[k], 1);
}

static int read_udp(struct net *n)
{
    int r = recvmmsg(n->udp, n->rxmsg, BATCH, MSG_DONTWAIT, NULL);
    if (r > 0) {
        n->s->cnt.udp_batches++;
        n->s->cnt.udp_datagrams += (uint64_t)r;
        warm_leases(n, r);
    }
    for (int k = 0; k < r; k++) {
        struct msghdr *mh = &n->rxmsg[k].msg_hdr;
        struct in6_pktinfo at;
        if (mh->msg_flags & MSG_TRUNC) {
            n->s->cnt.received++;
            n->s->cnt.malformed++;
            continue;
        }
        rx_metadata(mh, &at);
        handle_datagram(n, n->rx[k].buf, n->rxmsg[k].msg_len, &n->rx[k].from, &at);
    }
    /* the kernel wrote lengths and flags into the headers it filled: only those need resetting */
    for (int k = 0; k < r; k++) rx_slot_reset(n, (unsigned)k);
    flush_replies(n);
    return r;
}

/* ---- TCP (bulk leasequery) ---- */
static void conn_close(struct net *n, struct conn *c)
{
    (void)n;
    if (c->fd >= 0) close(c->fd);
    d6t_bundle_free(c->b);
    d6t_arena_free(c->arena);
    memset(c, 0, sizeof *c);
    c->fd = -1;
}

/* Every slot taken: the connection that made no progress for longest gives its slot to the new
 * one, unless all made some in the last second (then the new one is refused). A client that
 * sends its query at once is then served even while others hold every slot by trickling. */
static struct conn *evict_for(struct net *n, const char *newcomer)
{
    struct conn *v = NULL;
    int64_t now = mono_s();
    if (!n->s->cfg.tcp_evict) return NULL;
    for (size_t i = 0; i < n->nconns; i++)
        if (n->conns[i].fd >= 0 && (!v || n->conns[i].progress < v->progress)) v = &n->conns[i];
    if (!v || now - v->progress < 1) return NULL;
    char peer[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, v->peer, peer, sizeof peer);
    d6s_logf(n->s,
             "leasequery connection from [%s] closed: no whole message for %lld s, its slot "
             "goes to [%s]",
             peer, (long long)(now - v->progress), newcomer);
    conn_close(n, v);
    return v;
}

static void accept_tcp(struct net *n)
{
    for (int k = 0; k < 8; k++) {
        struct sockaddr_in6 from;
        socklen_t fl = sizeof from;
        int fd = accept4(n->tcp, (struct sockaddr *)&from, &fl, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) return;
        struct conn *c = NULL;
        for (size_t i = 0; i < n->nconns && !c; i++)
            if (n->conns[i].fd < 0) c = &n->conns[i];
        char src[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, &from.sin6_addr, src, sizeof src);
        if (!c) c = evict_for(n, src);
        if (!c) {
            d6s_logf(n->s, "leasequery connection from [%s] refused: %zu connections open", src,
                     n->nconns);
            close(fd);
            continue;
        }
        c->arena = d6t_arena_new(NULL, 0);
        d6t_arena_set_limit(c->arena, TCP_ARENA_LIMIT);
        c->framer = c->arena ? d6t_framer_new(c->arena, 0) : NULL;
        if (!c->framer) {
            d6t_arena_free(c->arena);
            c->arena = NULL;
            close(fd);
            continue;
        }
        c->fd = fd;
        memcpy(c->peer, &from.sin6_addr, 16);
        c->progress = mono_s();
        n->s->cnt.tcp_conns++;
        d6s_logf(n->s, "leasequery connection from [%s]", src);
    }
}

/* Write what is pending; pull the next frames from the bundle's generator while the socket
 * takes them. Returns -1 when the connection must be closed. */
static int conn_write(struct net *n, struct conn *c)
{
    for (int frames = 0; frames < TCP_FRAMES_PER_WAKEUP;) {
        while (c->ooff < c->olen) {
            ssize_t w = send(c->fd, c->obuf + c->ooff, c->olen - c->ooff, MSG_NOSIGNAL);
            if (w < 0) return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
            c->ooff += (size_t)w;
        }
        if (c->olen) c->progress = mono_s(); /* a whole answer message left */
        c->olen = c->ooff = 0;
        if (!c->b) return 0;
        d6t_status st = d6t_bundle_outgoing_next(c->b, c->obuf, sizeof c->obuf, &c->olen);
        if (st == D6T_ERR_NOT_FOUND) {
            d6t_bundle_free(c->b);
            c->b = NULL;
            return 0;
        }
        if (st != D6T_OK) {
            d6s_logf(n->s, "leasequery answer could not be written: %s", d6t_strerror(st));
            return -1;
        }
        frames++;
        n->s->cnt.sent++;
    }
    return 0;
}

static void conn_process(struct net *n, struct conn *c)
{
    /* one query at a time per connection: no reading while an answer is streaming */
    while (!c->b) {
        const uint8_t *msg;
        size_t len;
        d6t_status st = d6t_framer_next(c->framer, &msg, &len);
        if (st == D6T_ERR_NOT_FOUND) {
            if (c->roff == c->rlen) return;
            size_t fed = d6t_framer_feed(c->framer, c->rbuf + c->roff, c->rlen - c->roff);
            if (fed && !c->frame_start) c->frame_start = mono_s();
            c->roff += fed;
            continue;
        }
        if (st != D6T_OK) {
            d6s_logf(n->s, "leasequery connection: bad frame, closing");
            n->s->cnt.malformed++;
            conn_close(n, c);
            return;
        }
        n->s->cnt.received++;
        c->frame_start = 0;
        c->progress = mono_s();
        d6t_bundle *b = NULL;
        d6t_parse_error perr = {0, 0, NULL};
        d6t_bundle_opts o = D6T_BUNDLE_OPTS_INIT;
        o.tcp_peer = c->peer;
        st = d6t_bundle_new(NULL, msg, len, D6T_BUNDLE_TCP, &o, &b, &perr);
        if (st != D6T_OK) {
            n->s->cnt.malformed++;
            d6s_logf(n->s, "malformed leasequery message (%zu bytes): %s at byte %zu", len,
                     d6t_strerror(st), perr.offset);
            continue;
        }
        if (d6s_handle(n->s, b, NULL)) {
            c->b = b;
            log_txn(n, b, " -> streaming answer");
            if (conn_write(n, c)) conn_close(n, c);
        } else {
            log_txn(n, b, " -> no answer");
            d6t_bundle_free(b);
        }
    }
}

/* Why a connection must go now, or NULL. */
static const char *conn_overdue(const struct d6s_config *cfg, const struct conn *c, int64_t now)
{
    if (c->frame_start && now - c->frame_start > cfg->tcp_frame_timeout)
        return "query not whole within tcp-frame-timeout";
    if (now - c->progress > cfg->tcp_idle_timeout)
        return "no whole message within tcp-idle-timeout";
    return NULL;
}

static void conn_event(struct net *n, struct conn *c, short revents)
{
    if (revents & POLLOUT) {
        if (conn_write(n, c)) {
            conn_close(n, c);
            return;
        }
    }
    if (!c->b && (revents & (POLLIN | POLLHUP | POLLERR)) && c->roff == c->rlen) {
        ssize_t r = recv(c->fd, c->rbuf, sizeof c->rbuf, 0);
        if (r <= 0) {
            if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
            conn_close(n, c);
            return;
        }
        c->rlen = (size_t)r;
        c->roff = 0;
    }
    if (!c->b) conn_process(n, c);
}

static int setup_ifaces(struct net *n, char *err, size_t cap)
{
    const struct d6s_config *c = &n->s->cfg;
    if (!c->nifaces)
        return snprintf(err, cap, "no interface configured (use 'interface' or -i)"), -1;
    for (size_t i = 0; i < c->nifaces; i++) {
        unsigned idx = if_nametoindex(c->ifaces[i]);
        if (!idx) return snprintf(err, cap, "interface %s: %s", c->ifaces[i], strerror(errno)), -1;
        strcpy(n->ifs[n->nifs].name, c->ifaces[i]);
        n->ifs[n->nifs++].index = idx;
    }
    return 0;
}

/* What the configuration names on this host must be there: -t answers "OK" only for a
 * configuration that can start (interfaces exist now; files can be created and replaced). */
static int check_host(const struct d6s_config *c, char *err, size_t cap)
{
    if (!c->nifaces)
        return snprintf(err, cap, "no interface configured (use 'interface' or -i)"), -1;
    for (size_t i = 0; i < c->nifaces; i++)
        if (!if_nametoindex(c->ifaces[i]))
            return snprintf(err, cap, "interface %s: %s", c->ifaces[i], strerror(errno)), -1;
    if (c->lease_file[0] && d6s_check_file_path("lease-file", c->lease_file, err, cap)) return -1;
    if (c->state_file[0] && d6s_check_file_path("state-file", c->state_file, err, cap)) return -1;
    return 0;
}

static void print_summary(const struct d6s_config *c, FILE *f)
{
    fprintf(f, "interfaces:");
    for (size_t i = 0; i < c->nifaces; i++) fprintf(f, " %s", c->ifaces[i]);
    fprintf(f,
            "\nport %u, t1 %u, t2 %u, preferred %u, valid %u, rapid-commit %s, leasequery %s, "
            "udp-segmentation %s\n",
            c->port, c->t1, c->t2, c->preferred, c->valid, c->rapid_commit ? "yes" : "no",
            c->leasequery ? "yes" : "no", c->udp_segmentation ? "yes" : "no");
    for (size_t i = 0; i < c->nsubnets; i++) {
        const struct d6s_subnet *sn = &c->subnets[i];
        char p[INET6_ADDRSTRLEN], a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, sn->prefix, p, sizeof p);
        fprintf(f, "subnet %s/%u%s%s", p, sn->plen, sn->ifname[0] ? " on " : " (relayed only)",
                sn->ifname);
        if (sn->has_na) {
            inet_ntop(AF_INET6, sn->na_start, a, sizeof a);
            inet_ntop(AF_INET6, sn->na_end, b, sizeof b);
            fprintf(f, ", addresses %s - %s", a, b);
        }
        if (sn->has_pd) {
            inet_ntop(AF_INET6, sn->pd_prefix, a, sizeof a);
            fprintf(f, ", prefixes /%u from %s/%u", sn->pd_len, a, sn->pd_plen);
        }
        fprintf(f, "\n");
    }
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"config", required_argument, 0, 'c'},
        {"interface", required_argument, 0, 'i'},
        {"port", required_argument, 0, 'p'},
        {"lease-file", required_argument, 0, 'l'},
        {"state-file", required_argument, 0, 's'},
        {"quiet", no_argument, 0, 'q'},
        {"check-config", no_argument, 0, 't'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    static struct d6s_server srv;
    struct d6s_server *s = &srv;
    const char *config = NULL, *lease_file = NULL, *state_file = NULL;
    const char *extra_if[D6S_MAX_IFACES];
    size_t nextra = 0;
    long port = 0;
    int check = 0, opt;
    char err[512];
    setvbuf(stderr, NULL, _IOLBF, 0);
    s->log = stderr;
    while ((opt = getopt_long(argc, argv, "c:i:p:l:s:qth", longopts, NULL)) != -1) {
        switch (opt) {
        case 'c': config = optarg; break;
        case 'i':
            if (nextra == D6S_MAX_IFACES)
                return fprintf(stderr, "dhcp6txn-server: too many -i\n"), 2;
            extra_if[nextra++] = optarg;
            break;
        case 'p': port = strtol(optarg, NULL, 10); break;
        case 'l': lease_file = optarg; break;
        case 's': state_file = optarg; break;
        case 'q': s->quiet = 1; break;
        case 't': check = 1; break;
        case 'h': fputs(usage, stdout); return 0;
        default: fputs(usage, stderr); return 2;
        }
    }
    if (!config || optind != argc) {
        fputs(usage, stderr);
        return 2;
    }
    d6s_config_defaults(&s->cfg);
    if (d6s_config_load(&s->cfg, config, err, sizeof err)) {
        fprintf(stderr, "dhcp6txn-server: %s: %s\n", config, err);
        return 2;
    }
    for (size_t i = 0; i < nextra; i++) {
        if (s->cfg.nifaces == D6S_MAX_IFACES || strlen(extra_if[i]) >= D6S_IFNAME_MAX)
            return fprintf(stderr, "dhcp6txn-server: bad interface %s\n", extra_if[i]), 2;
        strcpy(s->cfg.ifaces[s->cfg.nifaces++], extra_if[i]);
    }
    if (port) {
        if (port < 1 || port > 65535) return fprintf(stderr, "dhcp6txn-server: bad port\n"), 2;
        s->cfg.port = (uint16_t)port;
    }
    if (lease_file) snprintf(s->cfg.lease_file, sizeof s->cfg.lease_file, "%s", lease_file);
    if (state_file) snprintf(s->cfg.state_file, sizeof s->cfg.state_file, "%s", state_file);
    if (d6s_config_finish(&s->cfg, err, sizeof err)) {
        fprintf(stderr, "dhcp6txn-server: %s: %s\n", config, err);
        return 2;
    }
    if (check_host(&s->cfg, err, sizeof err)) {
        fprintf(stderr, "dhcp6txn-server: %s: %s\n", config, err);
        return 2;
    }
    if (check) {
        print_summary(&s->cfg, stdout);
        printf("configuration OK\n");
        return 0;
    }

    static struct net net;
    struct net *n = &net;
    n->s = s;
    n->udp = n->tcp = -1;
    if (setup_ifaces(n, err, sizeof err)) return fprintf(stderr, "dhcp6txn-server: %s\n", err), 1;
    learn_link_locals(n);
    if (d6s_leases_init(&s->leases, s->cfg.max_leases))
        return fprintf(stderr, "dhcp6txn-server: no memory for %u leases\n", s->cfg.max_leases), 1;
    s->now = now_s();
    if (s->cfg.lease_file[0] &&
        d6s_leases_open(&s->leases, s->cfg.lease_file, &s->cfg, s->now, err, sizeof err))
        return fprintf(stderr, "dhcp6txn-server: %s\n", err), 1;
    uint8_t mac[6];
    size_t maclen = 0;
    for (size_t i = 0; i < n->nifs && !maclen; i++) maclen = iface_mac(n->ifs[i].name, mac);
    if (d6s_server_duid(s, mac, maclen, err, sizeof err))
        return fprintf(stderr, "dhcp6txn-server: %s\n", err), 1;
    if (open_udp(n, err, sizeof err) || (s->cfg.leasequery && open_tcp(n, err, sizeof err)))
        return fprintf(stderr, "dhcp6txn-server: %s\n", err), 1;
    n->arena = d6t_arena_new(NULL, 16384);
    d6t_arena_set_limit(n->arena, UDP_ARENA_LIMIT);
    n->tx.out = calloc(BATCH, sizeof *n->tx.out);
    n->tx.segmentation = s->cfg.udp_segmentation;
    n->rx = calloc(BATCH, sizeof *n->rx);
    for (unsigned k = 0; n->rx && k < BATCH; k++) rx_slot_reset(n, k);
    n->nconns = s->cfg.leasequery ? s->cfg.max_tcp_conns : 0;
    n->conns = calloc(n->nconns + 1, sizeof *n->conns);
    if (!n->arena || !n->tx.out || !n->rx || !n->conns)
        return fprintf(stderr, "dhcp6txn-server: out of memory\n"), 1;
    for (size_t i = 0; i < n->nconns; i++) n->conns[i].fd = -1;

    sigset_t waiting;
    d6d_signals_init(&waiting);

    char hex[2 * D6S_DUID_MAX + 1];
    d6s_hex(s->duid, s->duid_len, hex);
    fprintf(stderr,
            "dhcp6txn-server (libdhcp6txn %s) started: port %u, server DUID %s, %u leases loaded\n",
            d6t_version(), s->cfg.port, hex, s->leases.used);
    fprintf(stderr, "ready\n"); /* scripts wait for this line */

    struct pollfd *pfd = calloc(2 + n->nconns, sizeof *pfd);
    if (!pfd) return 1;
    int64_t last_sweep = now_s();
    while (!d6d_stop) {
        size_t np = 0;
        pfd[np++] = (struct pollfd){.fd = n->udp, .events = POLLIN};
        if (n->tcp >= 0) pfd[np++] = (struct pollfd){.fd = n->tcp, .events = POLLIN};
        for (size_t i = 0; i < n->nconns; i++) {
            struct conn *c = &n->conns[i];
            pfd[np++] = (struct pollfd){.fd = c->fd,
                                        .events = (short)(c->fd < 0         ? 0
                                                          : c->b || c->olen ? POLLOUT
                                                                            : POLLIN)};
        }
        const struct timespec second = {1, 0};
        int r = ppoll(pfd, np, &second, &waiting);
        s->now = now_s();
        if (d6d_dump) {
            d6d_dump = 0;
            d6s_print_counters(s, stderr);
        }
        if (r > 0) {
            /* a full batch means more are waiting: take a few more before polling again */
            if (n->relearn) {
                n->relearn = 0;
                learn_link_locals(n);
            }
            if (pfd[0].revents & POLLIN)
                for (int k = 0; k < UDP_BATCHES_PER_WAKEUP && read_udp(n) == BATCH; k++) continue;
            if (n->tcp >= 0 && (pfd[1].revents & POLLIN)) accept_tcp(n);
            size_t base = n->tcp >= 0 ? 2 : 1;
            for (size_t i = 0; i < n->nconns; i++)
                if (n->conns[i].fd >= 0 && pfd[base + i].fd == n->conns[i].fd &&
                    pfd[base + i].revents)
                    conn_event(n, &n->conns[i], pfd[base + i].revents);
        }
        if (s->now != last_sweep) {
            last_sweep = s->now;
            learn_link_locals(n);
            d6s_leases_expire(&s->leases, s->now, &s->expire_cursor, 4096);
            for (size_t i = 0; i < n->nconns; i++) {
                const char *why;
                if (n->conns[i].fd < 0 || !(why = conn_overdue(&s->cfg, &n->conns[i], mono_s())))
                    continue;
                char peer[INET6_ADDRSTRLEN];
                inet_ntop(AF_INET6, n->conns[i].peer, peer, sizeof peer);
                d6s_logf(s, "leasequery connection from [%s] closed: %s", peer, why);
                conn_close(n, &n->conns[i]);
            }
            d6s_leases_sync(&s->leases);
        }
    }
    fprintf(stderr, "dhcp6txn-server: stopping\n");
    d6s_leases_sync(&s->leases);
    d6s_print_counters(s, stderr);
    for (size_t i = 0; i < n->nconns; i++)
        if (n->conns[i].fd >= 0) conn_close(n, &n->conns[i]);
    close(n->udp);
    if (n->tcp >= 0) close(n->tcp);
    d6t_arena_free(n->arena);
    d6s_leases_fini(&s->leases);
    free(n->tx.out);
    free(n->rx);
    free(n->conns);
    free(pfd);
    return 0;
}
