/* dhcp6txn-relay: a DHCPv6 relay agent on libdhcp6txn's relay API.
 * This file is the network side: the UDP socket on port 547 (ff02::1:2 joined on every lower
 * interface), the RFC 8357 source-port socket, a packet socket that learns clients' MAC
 * addresses for RFC 6939, the hook commands for delegated prefixes, signals and the PID file.
 * What happens to a message is engine.c's (and the library's) business.
 * SPDX-License-Identifier: BSD-2-Clause */
#define _GNU_SOURCE 1
#include "relayd.h"
#include "daemon.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <dhcp6txn.h>

#define DATAGRAMS_PER_WAKEUP 64
#define MULTICAST_HOPS       8 /* RFC 9915 section 19: Hop Limit 8 toward multicast servers */

static int g_syslog;
static uint8_t g_rxbuf[D6R_MAX_DGRAM];

static void vlog(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
static void vlog(const char *fmt, va_list ap)
{
    if (g_syslog) {
        vsyslog(LOG_INFO, fmt, ap);
        return;
    }
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(fmt, ap);
    va_end(ap);
}

void d6r_logf(const struct relayd *r, const char *fmt, ...)
{
    if (!r->log) return;
    va_list ap;
    va_start(ap, fmt);
    vlog(fmt, ap);
    va_end(ap);
}

void d6r_notef(const struct relayd *r, const char *fmt, ...)
{
    (void)r;
    va_list ap;
    va_start(ap, fmt);
    vlog(fmt, ap);
    va_end(ap);
}

const struct d6r_down *d6r_down_by_index(const struct relayd *r, unsigned ifindex)
{
    for (size_t i = 0; i < r->cfg.ndown; i++)
        if (r->cfg.down[i].index == ifindex) return &r->cfg.down[i];
    return NULL;
}

static int resolve_ifaces(struct d6r_config *c, char *err, size_t cap)
{
    for (size_t i = 0; i < c->ndown; i++) {
        unsigned idx = if_nametoindex(c->down[i].name);
        if (!idx) return snprintf(err, cap, "no interface %s", c->down[i].name), -1;
        if (c->down[i].index && c->down[i].index != idx)
            return snprintf(err, cap, "%s has index %u, not %u", c->down[i].name, idx,
                            c->down[i].index),
                   -1;
        c->down[i].index = idx;
    }
    for (size_t i = 0; i < c->nup; i++)
        if (!(c->up[i].index = if_nametoindex(c->up[i].name)))
            return snprintf(err, cap, "no interface %s", c->up[i].name), -1;
    return 0;
}

/* The first global or unique-local address of each lower interface without a given
 * link-address. 1 when something changed since the last call. */
static int learn_link_addresses(struct relayd *r)
{
    uint8_t link[D6R_MAX_DOWN][16];
    int have[D6R_MAX_DOWN] = {0};
    struct ifaddrs *all;
    if (getifaddrs(&all)) return 0;
    for (struct ifaddrs *a = all; a; a = a->ifa_next) {
        if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET6) continue;
        const struct in6_addr *x =
            &((const struct sockaddr_in6 *)(const void *)a->ifa_addr)->sin6_addr;
        if (IN6_IS_ADDR_LINKLOCAL(x) || IN6_IS_ADDR_MULTICAST(x) || IN6_IS_ADDR_LOOPBACK(x) ||
            IN6_IS_ADDR_UNSPECIFIED(x) || IN6_IS_ADDR_SITELOCAL(x))
            continue;
        for (size_t i = 0; i < r->cfg.ndown; i++)
            if (!have[i] && !strcmp(r->cfg.down[i].name, a->ifa_name))
                memcpy(link[i], x, 16), have[i] = 1;
    }
    freeifaddrs(all);
    int changed = 0;
    for (size_t i = 0; i < r->cfg.ndown; i++) {
        if (r->cfg.down[i].has_link_address) continue;
        if (have[i] != r->learned[i] || (have[i] && memcmp(link[i], r->link[i], 16))) changed = 1;
        r->learned[i] = have[i];
        if (have[i]) memcpy(r->link[i], link[i], 16);
    }
    return changed;
}

static int udp_socket(uint16_t port, char *err, size_t cap)
{
    int one = 1, zero = 0, hops = MULTICAST_HOPS;
    int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return snprintf(err, cap, "socket: %s", strerror(errno)), -1;
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one);
    /* our own Relay-forwards to a multicast group must not come back to us */
    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &zero, sizeof zero);
    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof hops);
    struct sockaddr_in6 sa = {.sin6_family = AF_INET6, .sin6_port = htons(port)};
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa)) {
        snprintf(err, cap, "bind UDP port %u: %s", port, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

static int open_sockets(struct relayd *r, char *err, size_t cap)
{
    if ((r->sock = udp_socket(r->cfg.port, err, cap)) < 0) return -1;
    if (r->cfg.source_port && (r->usock = udp_socket(r->cfg.source_port, err, cap)) < 0) return -1;
    for (size_t i = 0; i < r->cfg.ndown; i++) {
        struct ipv6_mreq mr;
        memset(&mr, 0, sizeof mr);
        inet_pton(AF_INET6, "ff02::1:2", &mr.ipv6mr_multiaddr);
        mr.ipv6mr_interface = r->cfg.down[i].index;
        if (setsockopt(r->sock, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr, sizeof mr))
            say("warning: cannot join ff02::1:2 on %s: %s", r->cfg.down[i].name, strerror(errno));
    }
    return 0;
}

/* A packet socket that sees the IPv6 UDP datagrams to our port as they arrive, for their
 * link-layer source address (a UDP socket never says it). Without CAP_NET_RAW there is none, and
 * Relay-forwards go without the Client Link-Layer Address option. */
static void open_packet_socket(struct relayd *r)
{
    int want = 0;
    for (size_t i = 0; i < r->cfg.ndown; i++) want |= r->cfg.down[i].client_link_layer;
    if (!want) return;
    r->psock = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_IPV6));
    if (r->psock < 0) {
        say("warning: no packet socket (%s): no Client Link-Layer Address options",
            strerror(errno));
        return;
    }
    /* IPv6 next header UDP (byte 6), destination port ours (bytes 42-43): the first 64 bytes */
    struct sock_filter code[] = {
        {BPF_LD | BPF_B | BPF_ABS, 0, 0, 6},  {BPF_JMP | BPF_JEQ | BPF_K, 0, 3, IPPROTO_UDP},
        {BPF_LD | BPF_H | BPF_ABS, 0, 0, 42}, {BPF_JMP | BPF_JEQ | BPF_K, 0, 1, r->cfg.port},
        {BPF_RET | BPF_K, 0, 0, 64},          {BPF_RET | BPF_K, 0, 0, 0},
    };
    struct sock_fprog prog = {sizeof code / sizeof *code, code};
    if (setsockopt(r->psock, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog)) {
        say("warning: packet filter: %s: no Client Link-Layer Address options", strerror(errno));
        close(r->psock);
        r->psock = -1;
    }
}

/* Whatever the packet socket holds: the source MACs of datagrams on lower interfaces. */
static void drain_packets(struct relayd *r)
{
    uint8_t hdr[64];
    for (int k = 0; r->psock >= 0 && k < 4 * DATAGRAMS_PER_WAKEUP; k++) {
        struct sockaddr_ll ll;
        socklen_t sl = sizeof ll;
        ssize_t n = recvfrom(r->psock, hdr, sizeof hdr, MSG_DONTWAIT, (struct sockaddr *)&ll, &sl);
        if (n < 0) return;
        if (n < 40 || ll.sll_halen != 6 || ll.sll_pkttype == PACKET_OUTGOING ||
            !d6r_down_by_index(r, (unsigned)ll.sll_ifindex))
            continue;
        struct d6r_mac_entry *e = &r->macs[r->mac_next++ % D6R_MAC_CACHE];
        e->ifindex = (unsigned)ll.sll_ifindex;
        memcpy(e->addr, hdr + 8, 16);
        memcpy(e->mac, ll.sll_addr, 6);
    }
}

/* The newest MAC seen for this source on this interface. */
static int find_mac(const struct relayd *r, struct d6r_rx *rx)
{
    for (unsigned k = 0; k < D6R_MAC_CACHE; k++) {
        const struct d6r_mac_entry *e = &r->macs[(r->mac_next - 1 - k) % D6R_MAC_CACHE];
        if (e->ifindex == rx->ifindex && !memcmp(e->addr, rx->src, 16)) {
            memcpy(rx->mac, e->mac, 6);
            return rx->has_mac = 1;
        }
    }
    return 0;
}

static int send_to(struct relayd *r, int fd, const uint8_t addr[16], uint16_t port,
                   unsigned ifindex, size_t len)
{
    struct sockaddr_in6 to = {.sin6_family = AF_INET6, .sin6_port = htons(port)};
    memcpy(&to.sin6_addr, addr, 16);
    if (IN6_IS_ADDR_LINKLOCAL(&to.sin6_addr) || IN6_IS_ADDR_MC_LINKLOCAL(&to.sin6_addr))
        to.sin6_scope_id = ifindex;
    struct iovec iov = {r->out, len};
    union {
        struct cmsghdr align;
        char bytes[CMSG_SPACE(sizeof(struct in6_pktinfo))];
    } cbuf;
    memset(&cbuf, 0, sizeof cbuf);
    struct msghdr mh = {.msg_name = &to,
                        .msg_namelen = sizeof to,
                        .msg_iov = &iov,
                        .msg_iovlen = 1,
                        .msg_control = cbuf.bytes,
                        .msg_controllen = sizeof cbuf.bytes};
    struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
    cm->cmsg_level = IPPROTO_IPV6;
    cm->cmsg_type = IPV6_PKTINFO;
    cm->cmsg_len = CMSG_LEN(sizeof(struct in6_pktinfo));
    struct in6_pktinfo pi;
    memset(&pi, 0, sizeof pi);
    pi.ipi6_ifindex = ifindex; /* out of the interface the configuration names */
    memcpy(CMSG_DATA(cm), &pi, sizeof pi);
    if (sendmsg(fd, &mh, 0) == (ssize_t)len) return 0;
    char a[INET6_ADDRSTRLEN], ifn[IF_NAMESIZE] = "?";
    int e = errno;
    if_indextoname(ifindex, ifn);
    say("send to [%s]:%u via %s failed: %s", inet_ntop(AF_INET6, addr, a, sizeof a), port, ifn,
        strerror(e));
    r->cnt.send_errors++;
    return -1;
}

int d6r_send_up(struct relayd *r, size_t len)
{
    int sent = 0;
    int fd = r->usock >= 0 ? r->usock : r->sock;
    for (size_t i = 0; i < r->cfg.nup; i++) /* dhcrelay -p: servers listen on the same port */
        sent += !send_to(r, fd, r->cfg.up[i].address, r->cfg.port, r->cfg.up[i].index, len);
    return sent;
}

int d6r_send_down(struct relayd *r, unsigned ifindex, const uint8_t addr[16], uint16_t port,
                  size_t len)
{
    /* dhcrelay -p P: clients on P - 1 and relays on P (the standard pair is 546 and 547) */
    if (r->cfg.port != D6T_RELAY_SERVER_PORT) {
        if (port == D6T_RELAY_CLIENT_PORT) port = (uint16_t)(r->cfg.port - 1);
        if (port == D6T_RELAY_SERVER_PORT) port = r->cfg.port;
    }
    return send_to(r, r->sock, addr, port, ifindex, len);
}

void d6r_run_hook(struct relayd *r, const char *ifname, const uint8_t peer[16],
                  const uint8_t prefix[16], unsigned plen, uint32_t preferred, uint32_t valid)
{
    char p[INET6_ADDRSTRLEN], c[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, prefix, p, sizeof p);
    inet_ntop(AF_INET6, peer, c, sizeof c);
    if (r->hooks_running >= r->cfg.max_hooks) {
        r->cnt.hooks_skipped++;
        say("hook for %s/%u not run: %u hooks still running", p, plen, r->hooks_running);
        return;
    }
    pid_t pid = fork();
    if (pid < 0) {
        r->cnt.hooks_skipped++;
        say("hook for %s/%u not run: fork: %s", p, plen, strerror(errno));
        return;
    }
    if (pid == 0) {
        char v[32];
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        snprintf(v, sizeof v, "%u", plen);
        setenv("D6T_RELAY_PREFIX_LEN", v, 1);
        snprintf(v, sizeof v, "%u", preferred);
        setenv("D6T_RELAY_PREFERRED", v, 1);
        snprintf(v, sizeof v, "%u", valid);
        setenv("D6T_RELAY_VALID", v, 1);
        setenv("D6T_RELAY_PREFIX", p, 1);
        setenv("D6T_RELAY_CLIENT", c, 1);
        setenv("D6T_RELAY_IFACE", ifname, 1);
        setenv("D6T_RELAY_EVENT", valid ? "bound" : "gone", 1);
        execl("/bin/sh", "sh", "-c", r->cfg.hook, (char *)NULL);
        _exit(127);
    }
    r->hooks_running++;
    r->cnt.hooks++;
    d6r_logf(r, "hook started for %s/%u via %s on %s (valid %u s)", p, plen, c, ifname, valid);
}

static void reap_hooks(struct relayd *r)
{
    int st;
    pid_t pid;
    while (r->hooks_running && (pid = waitpid(-1, &st, WNOHANG)) > 0) {
        r->hooks_running--;
        if (!WIFEXITED(st) || WEXITSTATUS(st))
            say("hook (pid %d) failed: %s %d", (int)pid, WIFEXITED(st) ? "exit status" : "signal",
                WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
    }
}

static void print_counters(const struct relayd *r)
{
    const struct d6r_counters *c = &r->cnt;
    say("counters: received=%llu forwarded=%llu replied=%llu dropped-downstream=%llu "
        "dropped-upstream=%llu send-errors=%llu hooks=%llu hooks-skipped=%llu",
        (unsigned long long)c->received, (unsigned long long)c->forwarded,
        (unsigned long long)c->replied, (unsigned long long)c->dropped_down,
        (unsigned long long)c->dropped_up, (unsigned long long)c->send_errors,
        (unsigned long long)c->hooks, (unsigned long long)c->hooks_skipped);
}

/* Up to DATAGRAMS_PER_WAKEUP datagrams from one socket, each through the engine. */
static void read_socket(struct relayd *r, int fd)
{
    for (int k = 0; k < DATAGRAMS_PER_WAKEUP; k++) {
        struct sockaddr_in6 from;
        struct iovec iov = {g_rxbuf, sizeof g_rxbuf};
        union {
            struct cmsghdr align;
            char bytes[256];
        } cbuf;
        struct msghdr mh = {.msg_name = &from,
                            .msg_namelen = sizeof from,
                            .msg_iov = &iov,
                            .msg_iovlen = 1,
                            .msg_control = cbuf.bytes,
                            .msg_controllen = sizeof cbuf.bytes};
        ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT);
        if (n < 0) return;
        struct d6r_rx rx;
        memset(&rx, 0, sizeof rx);
        rx.buf = g_rxbuf;
        rx.len = (size_t)n;
        memcpy(rx.src, &from.sin6_addr, 16);
        rx.sport = ntohs(from.sin6_port);
        for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
            if (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_PKTINFO) {
                struct in6_pktinfo pi;
                memcpy(&pi, CMSG_DATA(cm), sizeof pi);
                rx.ifindex = (unsigned)pi.ipi6_ifindex;
                memcpy(rx.dst, &pi.ipi6_addr, 16);
            }
        if (mh.msg_flags & MSG_TRUNC) {
            r->cnt.received++;
            r->cnt.dropped_down++;
            say("drop: a datagram larger than %d bytes", D6R_MAX_DGRAM);
            continue;
        }
        const struct d6r_down *d = d6r_down_by_index(r, rx.ifindex);
        if (r->psock >= 0 && d && d->client_link_layer && !find_mac(r, &rx)) {
            drain_packets(r); /* it arrived after the last look */
            find_mac(r, &rx);
        }
        d6r_handle(r, &rx);
    }
}

static int write_pid_file(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    fprintf(f, "%ld\n", (long)getpid());
    return fclose(f);
}

static void loop(struct relayd *r, const sigset_t *waiting)
{
    time_t last = time(NULL);
    while (!d6d_stop) {
        struct pollfd pfd[3] = {{r->psock, POLLIN, 0}, {r->sock, POLLIN, 0}, {r->usock, POLLIN, 0}};
        const struct timespec second = {1, 0};
        int n = ppoll(pfd, 3, &second, waiting);
        if (d6d_dump) {
            d6d_dump = 0;
            print_counters(r);
        }
        reap_hooks(r);
        if (n > 0) {
            if (pfd[0].revents & POLLIN) drain_packets(r);
            if (pfd[1].revents & POLLIN) read_socket(r, r->sock);
            if (r->usock >= 0 && (pfd[2].revents & POLLIN)) read_socket(r, r->usock);
        }
        time_t now = time(NULL);
        if (now != last) {
            char err[256];
            last = now;
            /* a lower interface renumbered: Relay-forwards carry its new link-address */
            if (learn_link_addresses(r) && d6r_engine_init(r, err, sizeof err))
                say("interfaces changed: %s (the previous configuration stays)", err);
        }
    }
}

int main(int argc, char **argv)
{
    static struct relayd relay;
    struct relayd *r = &relay;
    char err[512];
    r->sock = r->usock = r->psock = -1;
    d6r_config_defaults(&r->cfg);
    int rc = d6r_cli_parse(&r->cfg, argc, argv, err, sizeof err);
    if (rc > 0) return 0;
    if (rc < 0 || d6r_config_finish(&r->cfg, err, sizeof err))
        return fprintf(stderr, "dhcp6txn-relay: %s\n", err), 2;
    if (resolve_ifaces(&r->cfg, err, sizeof err))
        return fprintf(stderr, "dhcp6txn-relay: %s\n", err), 2;
    learn_link_addresses(r);
    r->log = !r->cfg.quiet;
    if (d6r_engine_init(r, err, sizeof err)) return fprintf(stderr, "dhcp6txn-relay: %s\n", err), 2;
    if (r->cfg.check) {
        d6r_config_print(&r->cfg, stdout);
        printf("configuration OK\n");
        d6r_engine_fini(r);
        return 0;
    }
    if (open_sockets(r, err, sizeof err)) return fprintf(stderr, "dhcp6txn-relay: %s\n", err), 1;
    open_packet_socket(r);
    r->arena = d6t_arena_new(NULL, 16384);
    if (!r->arena) return fprintf(stderr, "dhcp6txn-relay: out of memory\n"), 1;
    d6t_arena_set_limit(r->arena, D6R_ARENA_LIMIT);
    if (!r->cfg.foreground) {
        if (daemon(0, 0))
            return fprintf(stderr, "dhcp6txn-relay: daemon: %s\n", strerror(errno)), 1;
        openlog("dhcp6txn-relay", LOG_PID, LOG_DAEMON);
        g_syslog = 1;
    }
    if (!r->cfg.no_pid && write_pid_file(r->cfg.pid_file))
        say("warning: cannot write %s: %s", r->cfg.pid_file, strerror(errno));

    sigset_t waiting;
    d6d_signals_init(&waiting);

    if (!r->cfg.quiet) {
        say("dhcp6txn-relay (libdhcp6txn %s) started: port %u, %zu lower, %zu upper%s",
            d6t_version(), r->cfg.port, r->cfg.ndown, r->cfg.nup,
            r->psock >= 0 ? ", client MACs learned" : "");
        for (size_t i = 0; i < r->cfg.ndown; i++) {
            char a[INET6_ADDRSTRLEN] = "::";
            const struct d6r_down *d = &r->cfg.down[i];
            if (d->has_link_address || r->learned[i])
                inet_ntop(AF_INET6, d->has_link_address ? d->link_address : r->link[i], a,
                          sizeof a);
            say("lower %s (index %u) link-address %s", d->name, d->index, r->cfg.ldra ? "::" : a);
        }
    }
    say("ready"); /* scripts wait for this line */
    loop(r, &waiting);
    say("dhcp6txn-relay: stopping");
    print_counters(r);
    close(r->sock);
    if (r->usock >= 0) close(r->usock);
    if (r->psock >= 0) close(r->psock);
    d6r_engine_fini(r);
    d6t_arena_free(r->arena);
    if (!r->cfg.no_pid) unlink(r->cfg.pid_file);
    return 0;
}
