/* dhcp6txn-decode -i pcap: find DHCPv6 messages in a pcap/pcapng capture (read by libpcap).
 * Link layers: Ethernet (with 802.1Q/802.1ad tags), Linux cooked SLL and SLL2, raw IP, BSD
 * null/loopback. Network: IPv6 with extension headers (fragments are skipped with a note);
 * IPv4 never carries DHCPv6 and is ignored. Transport: UDP with port 546 or 547 on either side,
 * and TCP port 547 (bulk/active leasequery) through tcp_reasm.c.
 * Every length read from the capture is checked against what was captured before use.
 * SPDX-License-Identifier: BSD-2-Clause */
#define _DEFAULT_SOURCE 1 /* libpcap's headers use the BSD u_char/u_int types */
#include <arpa/inet.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "decode.h"
#include "tcp_reasm.h"

#define ETH_IPV6        0x86dd
#define MAX_VLAN_TAGS   4
#define MAX_EXT_HEADERS 16

struct pkt {
    struct dec *d;
    struct tcp_table *tcp;
    struct dec_src src;
    char detail[160];
    int truncated; /* captured fewer bytes than were on the wire */
};

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}
static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void describe(struct pkt *k, const char *proto, const uint8_t *ip6, uint16_t sp, uint16_t dp)
{
    char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
    if (!inet_ntop(AF_INET6, ip6 + 8, a, sizeof a)) strcpy(a, "?");
    if (!inet_ntop(AF_INET6, ip6 + 24, b, sizeof b)) strcpy(b, "?");
    snprintf(k->detail, sizeof k->detail, "%s [%s]:%u -> [%s]:%u", proto, a, sp, b, dp);
    k->src.detail = k->detail;
}

static int dhcp_port(uint16_t p)
{
    return p == 546 || p == 547;
}

static void udp(struct pkt *k, const uint8_t *ip6, const uint8_t *p, size_t have, size_t wire)
{
    if (have < 8) {
        if (wire >= 8) dec_note(k->d, &k->src, "UDP header cut off by the capture, skipped");
        return;
    }
    uint16_t sp = get16(p), dp = get16(p + 2), ulen = get16(p + 4);
    if (!dhcp_port(sp) && !dhcp_port(dp)) return;
    describe(k, "UDP", ip6, sp, dp);
    if (ulen < 8 || ulen > wire) {
        char why[96];
        snprintf(why, sizeof why, "UDP length %u does not fit the IPv6 payload of %zu bytes", ulen,
                 wire);
        dec_reject(k->d, &k->src, 0, why);
        return;
    }
    if (ulen > have) {
        char why[128];
        snprintf(why, sizeof why,
                 "packet truncated by the capture: %u-byte DHCPv6 message, %zu bytes captured",
                 ulen - 8u, have - 8);
        dec_reject(k->d, &k->src, have - 8, why);
        return;
    }
    dec_message(k->d, &k->src, p + 8, (size_t)ulen - 8);
}

static void tcp(struct pkt *k, const uint8_t *ip6, const uint8_t *p, size_t have, size_t wire)
{
    if (have < 20) {
        if (wire >= 20) dec_note(k->d, &k->src, "TCP header cut off by the capture, skipped");
        return;
    }
    uint16_t sp = get16(p), dp = get16(p + 2);
    if (sp != 547 && dp != 547) return;
    describe(k, "TCP", ip6, sp, dp);
    size_t doff = (size_t)(p[12] >> 4) * 4;
    if (doff < 20 || doff > wire) {
        dec_note(k->d, &k->src, "bad TCP header length %zu, skipped", doff);
        return;
    }
    if (doff > have) {
        dec_note(k->d, &k->src, "TCP header cut off by the capture, skipped");
        return;
    }
    if (have < wire)
        dec_note(k->d, &k->src, "TCP segment truncated by the capture: %zu of %zu payload bytes",
                 have - doff, wire - doff);
    uint8_t key[36];
    memcpy(key, ip6 + 8, 32);
    memcpy(key + 32, p, 4);
    tcp_segment(k->tcp, k->d, &k->src, key, get32(p + 4), p[13], p + doff, have - doff);
}

/* 'n' bytes captured of an IPv6 packet. */
static void ipv6(struct pkt *k, const uint8_t *p, size_t n)
{
    if (n < 40) {
        if (n >= 1 && p[0] >> 4 == 6)
            dec_note(k->d, &k->src, "IPv6 header cut off by the capture, skipped");
        return;
    }
    if (p[0] >> 4 != 6) return;
    size_t plen = get16(p + 4), have = n - 40, off = 40;
    /* a zero payload length means a jumbogram (RFC 2675): trust the capture instead */
    size_t wire = plen ? plen : have;
    if (have > wire) have = wire; /* Ethernet padding follows short packets */
    if (have < wire && !k->truncated)
        dec_note(k->d, &k->src, "IPv6 payload length %zu exceeds the %zu bytes in the frame", wire,
                 have);
    uint8_t nh = p[6];
    for (int i = 0; i < MAX_EXT_HEADERS; i++) {
        size_t at = off - 40, hl;
        switch (nh) {
        case 17: udp(k, p, p + off, have - at, wire - at); return;
        case 6: tcp(k, p, p + off, have - at, wire - at); return;
        case 44:
            dec_note(k->d, &k->src, "IPv6 fragment, skipped (reassembly not supported)");
            return;
        case 0:
        case 43:
        case 60:
        case 51:
            if (have - at < 2) {
                if (k->truncated)
                    dec_note(k->d, &k->src,
                             "IPv6 extension header cut off by the capture, skipped");
                return;
            }
            hl = nh == 51 ? ((size_t)p[off + 1] + 2) * 4 : ((size_t)p[off + 1] + 1) * 8;
            if (hl > wire - at) {
                dec_note(k->d, &k->src, "IPv6 extension header runs past the payload, skipped");
                return;
            }
            if (hl > have - at) {
                dec_note(k->d, &k->src, "IPv6 extension header cut off by the capture, skipped");
                return;
            }
            nh = p[off];
            off += hl;
            break;
        default: return;
        }
    }
    dec_note(k->d, &k->src, "more than %d IPv6 extension headers, skipped", MAX_EXT_HEADERS);
}

static void ether(struct pkt *k, const uint8_t *p, size_t n)
{
    size_t off = 12;
    for (int tags = 0; tags <= MAX_VLAN_TAGS; tags++) {
        if (n < off + 2) return;
        uint16_t et = get16(p + off);
        if (et == 0x8100 || et == 0x88a8 || et == 0x9100) {
            off += 4;
            continue;
        }
        if (et == ETH_IPV6) ipv6(k, p + off + 2, n - off - 2);
        return;
    }
}

/* BSD null/loopback: a 4-byte address family in host (DLT_NULL) or network (DLT_LOOP) order;
 * the IPv6 value differs between BSDs (24, 28, 30), so accept all in either byte order. */
static void null_link(struct pkt *k, const uint8_t *p, size_t n)
{
    if (n < 4) return;
    uint32_t be = get32(p),
             le = (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
    if (be == 24 || be == 28 || be == 30 || le == 24 || le == 28 || le == 30) ipv6(k, p + 4, n - 4);
}

static int link_dispatch(struct pkt *k, int dlt, const uint8_t *p, size_t n)
{
    switch (dlt) {
    case DLT_EN10MB: ether(k, p, n); return 0;
    case DLT_LINUX_SLL:
        if (n >= 16 && get16(p + 14) == ETH_IPV6) ipv6(k, p + 16, n - 16);
        return 0;
#ifdef DLT_LINUX_SLL2
    case DLT_LINUX_SLL2:
        if (n >= 20 && get16(p) == ETH_IPV6) ipv6(k, p + 20, n - 20);
        return 0;
#endif
    case DLT_RAW:
#ifdef DLT_IPV6
    case DLT_IPV6:
#endif
        ipv6(k, p, n);
        return 0;
#ifdef DLT_IPV4
    case DLT_IPV4: return 0;
#endif
    case DLT_NULL:
#ifdef DLT_LOOP
    case DLT_LOOP:
#endif
        null_link(k, p, n);
        return 0;
    default: return -1;
    }
}

int dec_read_pcap(struct dec *d, const char *path)
{
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    const char *name = path ? path : "-";
    pcap_t *pc = path ? pcap_open_offline(path, errbuf) : pcap_fopen_offline(stdin, errbuf);
    if (!pc) {
        fprintf(stderr, "dhcp6txn-decode: %s: %s\n", name, errbuf);
        return -1;
    }
    int dlt = pcap_datalink(pc), rc = 0;
    struct pkt k = {d, tcp_table_new(), {name, "packet", 0, NULL}, "", 0};
    if (!k.tcp) {
        fprintf(stderr, "dhcp6txn-decode: out of memory\n");
        pcap_close(pc);
        return -1;
    }
    struct pcap_pkthdr *h;
    const u_char *data;
    int r;
    while ((r = pcap_next_ex(pc, &h, &data)) == 1) {
        k.src.number++;
        k.src.detail = NULL;
        k.truncated = h->caplen < h->len;
        if (link_dispatch(&k, dlt, data, h->caplen) != 0) {
            fprintf(stderr, "dhcp6txn-decode: %s: unsupported link type %d (%s)\n", name, dlt,
                    pcap_datalink_val_to_name(dlt) ? pcap_datalink_val_to_name(dlt) : "unknown");
            rc = -1;
            break;
        }
    }
    if (r == -1) {
        fprintf(stderr, "dhcp6txn-decode: %s: after packet %lu: %s\n", name, k.src.number,
                pcap_geterr(pc));
        rc = -1;
    }
    k.src.detail = NULL;
    tcp_table_free(k.tcp, d, &k.src);
    pcap_close(pc);
    return rc;
}
