/* d6load: a closed-loop DHCPv6 load generator for the server-load benchmark.
 *
 * perfdhcp (one thread, one system call per datagram, per-packet bookkeeping) tops out below
 * what the servers can do on a small machine, so it cannot measure the faster one. d6load keeps a
 * fixed window of 4-way exchanges (Solicit, Advertise, Request, Reply) in flight, moves datagrams
 * with recvmmsg/sendmmsg in batches and builds its messages from a template, so one core of it
 * outruns one core of a server. It checks every answer it counts: the transaction ID, the message
 * type the exchange expects, our Client Identifier echoed, a Server Identifier, and an IA_NA with
 * an address of non-zero valid lifetime and no error status. A reply that fails a check counts as
 * refused; an exchange unanswered for the timeout counts as lost and is started afresh.
 *
 * It uses no libdhcp6txn code on purpose: the generator must not share a bug with the server it
 * measures. Every read of a received datagram is bounds-checked.
 * SPDX-License-Identifier: BSD-2-Clause */
#define _GNU_SOURCE 1
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH      64
#define MAX_WINDOW 4096 /* slot index fits 12 bits of the 24-bit transaction ID */
#define RX_CAP     2048
#define TX_CAP     512

enum {
    IDLE,
    SOLICITING,
    REQUESTING
};

struct slot {
    uint32_t client;
    uint16_t gen; /* 12 bits used: a late answer to an earlier exchange in this slot is not ours */
    uint8_t state;
    uint64_t sent_ns;
};

struct counters {
    uint64_t exchanges, lost, refused, unexpected, sent, received;
};

struct gen {
    int fd, txfd; /* receiving, sending */
    struct sockaddr_in6 dst;
    unsigned window, clients;
    uint32_t client_base, next_client;
    uint64_t timeout_ns;
    struct slot slots[MAX_WINDOW];
    struct counters c;
    /* outgoing queue */
    uint8_t txbuf[BATCH][TX_CAP];
    struct iovec txiov[BATCH];
    struct mmsghdr txmsg[BATCH];
    unsigned ntx;
    int segment; /* -G: group requests of one length into UDP_SEGMENT sends */
    struct mmsghdr gmsg[BATCH];
    union {
        struct cmsghdr align;
        char bytes[CMSG_SPACE(sizeof(uint16_t))];
    } gcbuf[BATCH];
};

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static unsigned get16(const uint8_t *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Client Identifier: DUID-LL (type 3, hardware type 1) with a MAC made from the client number. */
static size_t put_client_id(uint8_t *p, uint32_t client)
{
    static const uint8_t head[] = {0, 1, 0, 10, 0, 3, 0, 1, 0x02, 0x64};
    memcpy(p, head, sizeof head);
    p[10] = (uint8_t)(client >> 24);
    p[11] = (uint8_t)(client >> 16);
    p[12] = (uint8_t)(client >> 8);
    p[13] = (uint8_t)client;
    return 14;
}

static size_t put_header(uint8_t *p, unsigned type, unsigned slot, unsigned gen)
{
    uint32_t xid = (uint32_t)slot << 12 | (gen & 0xfff);
    p[0] = (uint8_t)type;
    p[1] = (uint8_t)(xid >> 16);
    p[2] = (uint8_t)(xid >> 8);
    p[3] = (uint8_t)xid;
    return 4;
}

static size_t put_tail(uint8_t *p)
{
    /* Elapsed Time 0, Option Request: DNS recursive name servers (23) */
    static const uint8_t tail[] = {0, 8, 0, 2, 0, 0, 0, 6, 0, 2, 0, 23};
    memcpy(p, tail, sizeof tail);
    return sizeof tail;
}

static uint8_t *queue(struct gen *g)
{
    return g->txbuf[g->ntx];
}

/* With -G, consecutive requests of one length leave as one UDP_SEGMENT send: the kernel cuts
 * them into datagrams before they reach the server's socket, so the server receives exactly
 * what it would otherwise, while the generator's CPU walks its send path once per group. */
static unsigned group_tx(struct gen *g)
{
    unsigned m = 0;
    for (unsigned i = 0; i < g->ntx; m++) {
        unsigned n = 1;
        size_t len = g->txiov[i].iov_len;
        while (i + n < g->ntx && g->txiov[i + n].iov_len == len && (n + 1) * len <= 65000) n++;
        g->gmsg[m].msg_hdr = (struct msghdr){.msg_iov = &g->txiov[i], .msg_iovlen = n};
        if (n > 1) {
            struct cmsghdr *cm = (struct cmsghdr *)(void *)g->gcbuf[m].bytes;
            cm->cmsg_level = SOL_UDP;
            cm->cmsg_type = UDP_SEGMENT;
            cm->cmsg_len = CMSG_LEN(sizeof(uint16_t));
            uint16_t seg = (uint16_t)len;
            memcpy(CMSG_DATA(cm), &seg, sizeof seg);
            g->gmsg[m].msg_hdr.msg_control = g->gcbuf[m].bytes;
            g->gmsg[m].msg_hdr.msg_controllen = CMSG_SPACE(sizeof(uint16_t));
        }
        i += n;
    }
    return m;
}

static void flush(struct gen *g)
{
    struct mmsghdr *msgs = g->txmsg;
    unsigned n = g->ntx, off = 0;
    if (g->segment) msgs = g->gmsg, n = group_tx(g);
    while (off < n) {
        int r = sendmmsg(g->txfd, msgs + off, n - off, 0);
        if (r < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == ENOBUFS) {
                struct pollfd p = {g->txfd, POLLOUT, 0};
                poll(&p, 1, 1);
                continue;
            }
            perror("d6load: sendmmsg");
            exit(1);
        }
        off += (unsigned)r;
    }
    g->c.sent += g->ntx;
    g->ntx = 0;
}

static void commit(struct gen *g, size_t len)
{
    g->txiov[g->ntx].iov_len = len;
    if (++g->ntx == BATCH) flush(g);
}

static void start_exchange(struct gen *g, unsigned i, uint64_t now)
{
    struct slot *s = &g->slots[i];
    s->client = g->client_base + g->next_client;
    g->next_client = (g->next_client + 1) % g->clients;
    s->gen = (uint16_t)((s->gen + 1) & 0xfff);
    s->state = SOLICITING;
    s->sent_ns = now;
    uint8_t *p = queue(g);
    size_t n = put_header(p, 1, i, s->gen);
    n += put_client_id(p + n, s->client);
    /* IA_NA, IAID = client number, T1 = T2 = 0 */
    static const uint8_t ia[] = {0, 3, 0, 12};
    memcpy(p + n, ia, 4);
    memset(p + n + 4, 0, 12);
    p[n + 4] = (uint8_t)(s->client >> 24);
    p[n + 5] = (uint8_t)(s->client >> 16);
    p[n + 6] = (uint8_t)(s->client >> 8);
    p[n + 7] = (uint8_t)s->client;
    n += 16;
    n += put_tail(p + n);
    commit(g, n);
}

/* The options of a received Advertise or Reply that the exchange needs, each a whole TLV. */
struct answer {
    const uint8_t *client_id, *server_id, *ia_na;
    size_t client_id_len, server_id_len, ia_na_len;
    int status; /* top-level Status Code, -1 when absent */
};

/* Walk options in [p, p+len); 0 when every option fits exactly. */
static int walk(const uint8_t *p, size_t len, struct answer *a)
{
    size_t off = 0;
    while (off < len) {
        if (len - off < 4) return -1;
        unsigned code = get16(p + off), olen = get16(p + off + 2);
        if (len - off - 4 < olen) return -1;
        const uint8_t *o = p + off;
        switch (code) {
        case 1: a->client_id = o, a->client_id_len = olen + 4u; break;
        case 2: a->server_id = o, a->server_id_len = olen + 4u; break;
        case 3:
            if (!a->ia_na) a->ia_na = o, a->ia_na_len = olen + 4u;
            break;
        case 13: a->status = olen >= 2 ? (int)get16(o + 4) : 65536; break;
        default: break;
        }
        off += 4u + olen;
    }
    return 0;
}

/* An IA_NA that holds an address with a non-zero valid lifetime and no error status. */
static int ia_na_granted(const uint8_t *ia, size_t len)
{
    if (len < 16) return 0;
    int addr = 0;
    size_t off = 16;
    while (off < len) {
        if (len - off < 4) return 0;
        unsigned code = get16(ia + off), olen = get16(ia + off + 2);
        if (len - off - 4 < olen) return 0;
        if (code == 5 && olen >= 24 && get32(ia + off + 4 + 20) != 0) addr = 1;
        if (code == 13 && (olen < 2 || get16(ia + off + 4) != 0)) return 0;
        off += 4u + olen;
    }
    return addr;
}

static void handle(struct gen *g, const uint8_t *p, size_t len, uint64_t now, int counting)
{
    g->c.received++;
    if (len < 4) goto unexpected;
    uint32_t xid = (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    unsigned i = xid >> 12;
    if (i >= g->window) goto unexpected;
    struct slot *s = &g->slots[i];
    if ((xid & 0xfff) != s->gen)
        goto unexpected; /* a late answer to an exchange already given up */
    unsigned want = s->state == SOLICITING ? 2 : s->state == REQUESTING ? 7 : 0;
    if (p[0] != want) goto unexpected;
    struct answer a = {0};
    a.status = -1;
    uint8_t mine[14];
    put_client_id(mine, s->client);
    if (walk(p + 4, len - 4, &a) || !a.client_id || a.client_id_len != sizeof mine ||
        memcmp(a.client_id, mine, sizeof mine) || !a.server_id ||
        (a.status != -1 && a.status != 0) || !a.ia_na || !ia_na_granted(a.ia_na, a.ia_na_len) ||
        a.server_id_len + a.ia_na_len + 64 > TX_CAP) {
        if (counting) g->c.refused++;
        start_exchange(g, i, now);
        return;
    }
    if (s->state == REQUESTING) {
        if (counting) g->c.exchanges++;
        start_exchange(g, i, now);
        return;
    }
    /* Advertise: Request the advertised address from the advertising server */
    s->state = REQUESTING;
    s->sent_ns = now;
    uint8_t *q = queue(g);
    size_t n = put_header(q, 3, i, s->gen);
    n += put_client_id(q + n, s->client);
    memcpy(q + n, a.server_id, a.server_id_len);
    n += a.server_id_len;
    memcpy(q + n, a.ia_na, a.ia_na_len);
    n += a.ia_na_len;
    n += put_tail(q + n);
    commit(g, n);
    return;
unexpected:
    if (counting) g->c.unexpected++;
}

static void expire(struct gen *g, uint64_t now, int counting)
{
    for (unsigned i = 0; i < g->window; i++) {
        if (now - g->slots[i].sent_ns > g->timeout_ns) {
            if (counting) g->c.lost++;
            start_exchange(g, i, now);
        }
    }
}

static double cpu_s(const struct timeval *tv)
{
    return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

static const char usage[] =
    "usage: d6load -i IFACE [-d DEST] [-p PORT] [-w WINDOW] [-t SECONDS] [-u WARMUP] [-n CLIENTS]\n"
    "              [-b CLIENT_BASE] [-T TIMEOUT_MS] [-P] [-G]\n"
    "  Closed-loop DHCPv6 load: WINDOW 4-way exchanges (Solicit/Advertise/Request/Reply) in "
    "flight\n"
    "  from CLIENTS distinct clients (DUID-LL), sent to DEST (ff02::1:2) port PORT (547) on "
    "IFACE,\n"
    "  from port 546. Counts checked exchanges for SECONDS after WARMUP seconds and prints one "
    "line:\n"
    "  d6load: exchanges N in S s = R/s, lost L, refused F, unexpected U, cpu user X s sys Y s, "
    "...\n"
    "  It busy-polls its socket (one CPU at 100%, so the server never pays for waking it up);\n"
    "  -P sleeps in poll() instead. -G sends requests of one length as UDP_SEGMENT groups, which\n"
    "  the kernel cuts into datagrams before the server's socket: a cheaper generator, the same\n"
    "  datagrams for the server.\n"
    "  Exit 0 when it ran (whatever the counts), 1 on a setup error, 2 on bad arguments.\n";

int main(int argc, char **argv)
{
    static struct gen g;
    const char *ifname = NULL, *dest = "ff02::1:2";
    unsigned port = 547;
    double seconds = 5, warmup = 2, timeout_ms = 1000;
    g.window = 64;
    g.clients = 100000;
    int opt, spin = 1;
    while ((opt = getopt(argc, argv, "i:d:p:w:t:u:n:b:T:PGh")) != -1) {
        switch (opt) {
        case 'i': ifname = optarg; break;
        case 'd': dest = optarg; break;
        case 'p': port = (unsigned)strtoul(optarg, NULL, 10); break;
        case 'w': g.window = (unsigned)strtoul(optarg, NULL, 10); break;
        case 't': seconds = strtod(optarg, NULL); break;
        case 'u': warmup = strtod(optarg, NULL); break;
        case 'n': g.clients = (unsigned)strtoul(optarg, NULL, 10); break;
        case 'b': g.client_base = (uint32_t)strtoul(optarg, NULL, 0); break;
        case 'T': timeout_ms = strtod(optarg, NULL); break;
        case 'P': spin = 0; break;
        case 'G': g.segment = 1; break;
        case 'h': fputs(usage, stdout); return 0;
        default: fputs(usage, stderr); return 2;
        }
    }
    if (!ifname || optind != argc || !g.window || g.window > MAX_WINDOW || !g.clients ||
        g.clients < g.window || !port || port > 65535 || !(seconds > 0) || warmup < 0 ||
        !(timeout_ms > 0)) {
        fputs(usage, stderr);
        return 2;
    }
    unsigned ifindex = if_nametoindex(ifname);
    if (!ifindex) return fprintf(stderr, "d6load: interface %s: %s\n", ifname, strerror(errno)), 1;
    g.dst.sin6_family = AF_INET6;
    g.dst.sin6_port = htons((uint16_t)port);
    if (inet_pton(AF_INET6, dest, &g.dst.sin6_addr) != 1)
        return fprintf(stderr, "d6load: bad address %s\n", dest), 2;
    if (IN6_IS_ADDR_LINKLOCAL(&g.dst.sin6_addr) || IN6_IS_ADDR_MC_LINKLOCAL(&g.dst.sin6_addr))
        g.dst.sin6_scope_id = ifindex;
    g.timeout_ns = (uint64_t)(timeout_ms * 1e6);

    /* Two sockets on port 546: one connected to the servers' address only sends (the kernel keeps
     * its route and source address, so the generator spends less per datagram than a server can),
     * the other receives the answers, which come from the servers' own addresses. */
    int one = 1, zero = 0, buf = 4 << 20;
    struct sockaddr_in6 me = {.sin6_family = AF_INET6, .sin6_port = htons(546)};
    int fds[2];
    for (int k = 0; k < 2; k++) {
        fds[k] = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fds[k] < 0) return perror("d6load: socket"), 1;
        setsockopt(fds[k], SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        setsockopt(fds[k], SOL_SOCKET, k ? SO_SNDBUF : SO_RCVBUF, &buf, sizeof buf);
        setsockopt(fds[k], IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof ifindex);
        setsockopt(fds[k], IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &zero, sizeof zero);
        setsockopt(fds[k], IPPROTO_IPV6, IPV6_AUTOFLOWLABEL, &zero, sizeof zero);
        if (bind(fds[k], (struct sockaddr *)&me, sizeof me))
            return perror("d6load: bind port 546"), 1;
    }
    g.fd = fds[0];
    g.txfd = fds[1];
    if (connect(g.txfd, (struct sockaddr *)&g.dst, sizeof g.dst))
        return perror("d6load: connect"), 1;
    for (unsigned i = 0; i < BATCH; i++) {
        g.txiov[i].iov_base = g.txbuf[i];
        g.txmsg[i].msg_hdr = (struct msghdr){.msg_iov = &g.txiov[i], .msg_iovlen = 1};
    }
    static uint8_t rxbuf[BATCH][RX_CAP];
    struct iovec rxiov[BATCH];
    struct mmsghdr rxmsg[BATCH];
    for (unsigned i = 0; i < BATCH; i++) {
        rxiov[i] = (struct iovec){rxbuf[i], RX_CAP};
        rxmsg[i].msg_hdr = (struct msghdr){.msg_iov = &rxiov[i], .msg_iovlen = 1};
    }

    uint64_t t0 = now_ns(), t_count = t0 + (uint64_t)(warmup * 1e9),
             t_end = t_count + (uint64_t)(seconds * 1e9);
    for (unsigned i = 0; i < g.window; i++) start_exchange(&g, i, t0);
    flush(&g);
    struct rusage ru0, ru1;
    struct counters c0 = {0};
    int counting = 0;
    uint64_t last_scan = t0, now = t0;
    while (now < t_end) {
        int r = recvmmsg(g.fd, rxmsg, BATCH, MSG_DONTWAIT, NULL);
        now = now_ns();
        if (!counting && now >= t_count) {
            counting = 1;
            getrusage(RUSAGE_SELF, &ru0);
            c0 = g.c;
            t_count = now;
        }
        for (int k = 0; k < r; k++) {
            if (rxmsg[k].msg_hdr.msg_flags & MSG_TRUNC) {
                g.c.received++;
                g.c.unexpected += (uint64_t)counting;
                continue;
            }
            handle(&g, rxbuf[k], rxmsg[k].msg_len, now, counting);
        }
        if (now - last_scan > 20000000u) {
            expire(&g, now, counting);
            last_scan = now;
        }
        if (g.ntx) flush(&g);
        if (r <= 0 && !spin) {
            struct pollfd p = {g.fd, POLLIN, 0};
            poll(&p, 1, 5);
        }
    }
    getrusage(RUSAGE_SELF, &ru1);
    if (!counting) ru0 = ru1;
    double span = (double)(now - t_count) / 1e9;
    uint64_t sent = g.c.sent - c0.sent, received = g.c.received - c0.received;
    printf("d6load: exchanges %llu in %.3f s = %.0f/s, lost %llu, refused %llu, unexpected %llu, "
           "cpu user %.3f s sys %.3f s, datagrams sent %llu received %llu, window %u\n",
           (unsigned long long)g.c.exchanges, span, span > 0 ? (double)g.c.exchanges / span : 0.0,
           (unsigned long long)g.c.lost, (unsigned long long)g.c.refused,
           (unsigned long long)g.c.unexpected, cpu_s(&ru1.ru_utime) - cpu_s(&ru0.ru_utime),
           cpu_s(&ru1.ru_stime) - cpu_s(&ru0.ru_stime), (unsigned long long)sent,
           (unsigned long long)received, g.window);
    close(g.fd);
    close(g.txfd);
    return 0;
}
