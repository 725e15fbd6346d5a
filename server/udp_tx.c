/* dhcp6txn-server: sending a batch of replies.
 *
 * Replies that leave the same way (destination, interface, source) with the same length can go
 * as one UDP_SEGMENT send (Linux generic segmentation offload, "udp-segmentation yes"): the
 * kernel walks its send path, route lookup included, once for the group and cuts it into
 * ordinary datagrams in its GSO layer or in the device. Behind a relay, or under load from one
 * host, most of a batch goes to one place, and most of the server's time is that send path.
 * SPDX-License-Identifier: BSD-2-Clause */
#define _GNU_SOURCE 1
#include "udp_tx.h"

#include <errno.h>
#include <netinet/udp.h>
#include <string.h>

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif

/* A segment must fit the IPv6 minimum MTU, so that no path can refuse a group for its size. */
#define GSO_MAX_SEGMENT  (1280 - 40 - 8)
#define GSO_MAX_SEGMENTS 64 /* the kernel's UDP_MAX_SEGMENTS */
_Static_assert(D6S_TX_BATCH <= 64, "one bit per reply of a batch");
#define GSO_MAX_BYTES (65535 - 8) /* a group is one UDP datagram until it is cut */

static int same_way(const struct d6s_reply *a, const struct d6s_reply *b)
{
    return a->len == b->len && a->ifindex == b->ifindex && a->has_src == b->has_src &&
           a->to.sin6_port == b->to.sin6_port && a->to.sin6_scope_id == b->to.sin6_scope_id &&
           !memcmp(&a->to.sin6_addr, &b->to.sin6_addr, 16) &&
           (!a->has_src || !memcmp(&a->src, &b->src, 16));
}

/* Entry m of the send list: the replies idx[0..count), which all leave the same way. */
static void fill_entry(struct d6s_udp_tx *q, size_t m, const uint16_t *idx, size_t count)
{
    struct d6s_reply *p = &q->out[idx[0]];
    struct d6s_tx_entry *e = &q->ent[m];
    struct mmsghdr *mm = &q->msg[m];
    e->count = (uint16_t)count;
    for (size_t k = 0; k < count; k++) {
        e->idx[k] = idx[k];
        q->iov[m][k] = (struct iovec){q->out[idx[k]].buf, q->out[idx[k]].len};
    }
    /* msg_iovlen and msg_controllen are size_t in glibc but int and socklen_t in musl */
    mm->msg_hdr =
        (struct msghdr){.msg_name = &p->to, .msg_namelen = sizeof p->to, .msg_iov = q->iov[m]};
    mm->msg_hdr.msg_iovlen = (__typeof__(mm->msg_hdr.msg_iovlen))count;
    mm->msg_len = 0;
    size_t clen = 0;
    memset(&e->cbuf, 0, sizeof e->cbuf);
    if (p->ifindex || p->has_src) {
        /* a link-local destination leaves by the interface the request came in on */
        struct cmsghdr *cm = (struct cmsghdr *)e->cbuf.bytes;
        cm->cmsg_level = IPPROTO_IPV6;
        cm->cmsg_type = IPV6_PKTINFO;
        cm->cmsg_len = CMSG_LEN(sizeof(struct in6_pktinfo));
        struct in6_pktinfo pi;
        memset(&pi, 0, sizeof pi);
        pi.ipi6_ifindex = p->ifindex;
        if (p->has_src) pi.ipi6_addr = p->src;
        memcpy(CMSG_DATA(cm), &pi, sizeof pi);
        /* a lone cmsg goes without its trailing padding: 36 bytes fit the kernel's on-stack
         * control buffer, where CMSG_SPACE's 40 would cost a kmalloc and kfree per datagram */
        clen = count > 1 ? CMSG_SPACE(sizeof(struct in6_pktinfo))
                         : CMSG_LEN(sizeof(struct in6_pktinfo));
    }
    if (count > 1) {
        struct cmsghdr *cm = (struct cmsghdr *)(void *)(e->cbuf.bytes + clen);
        cm->cmsg_level = SOL_UDP;
        cm->cmsg_type = UDP_SEGMENT;
        cm->cmsg_len = CMSG_LEN(sizeof(uint16_t));
        uint16_t seg = (uint16_t)p->len;
        memcpy(CMSG_DATA(cm), &seg, sizeof seg);
        clen += CMSG_SPACE(sizeof(uint16_t));
    }
    if (clen) {
        mm->msg_hdr.msg_control = e->cbuf.bytes;
        mm->msg_hdr.msg_controllen = (__typeof__(mm->msg_hdr.msg_controllen))clen;
    }
}

/* Build the send list from the replies todo[0..ntodo): when grouping, each entry takes the
 * later replies that leave the same way (the order between different destinations does not
 * matter to UDP). Returns the number of entries. */
static size_t build_list(struct d6s_udp_tx *q, const uint16_t *todo, size_t ntodo, int group)
{
    uint64_t taken = 0;
    size_t m = 0;
    for (size_t i = 0; i < ntodo; i++) {
        if (taken >> i & 1) continue;
        uint16_t idx[GSO_MAX_SEGMENTS];
        size_t count = 0;
        idx[count++] = todo[i];
        const struct d6s_reply *p = &q->out[todo[i]];
        if (group && p->len <= GSO_MAX_SEGMENT)
            for (size_t j = i + 1;
                 j < ntodo && count < GSO_MAX_SEGMENTS && (count + 1) * p->len <= GSO_MAX_BYTES;
                 j++)
                if (!(taken >> j & 1) && same_way(p, &q->out[todo[j]])) {
                    taken |= 1ull << j;
                    idx[count++] = todo[j];
                }
        fill_entry(q, m++, idx, count);
    }
    return m;
}

/* What a kernel says when it cannot segment: no UDP_SEGMENT (before Linux 4.18), no checksum
 * offload or an IPsec policy on the way. EINVAL also means a source address that went away, so
 * the errno alone does not convict segmentation: the first reply of the refused group, sent on
 * its own and unchanged, must then get through. */
static int may_be_segmentation(int err)
{
    return err == EINVAL || err == EIO || err == ENOPROTOOPT || err == EOPNOTSUPP;
}

/* sendmmsg stops at the first entry it cannot send. A refused group is sent again as single
 * datagrams, with the rest of the batch, and segmentation stays off for good when that proves
 * to be what was refused; a refused source address is dropped and the datagram sent again;
 * anything else is counted and skipped. */
/* sendmmsg(2) as d6s_sendmmsg_fn: its flags are unsigned in musl; we never pass any */
static int sys_sendmmsg(int fd, struct mmsghdr *msgs, unsigned n, int flags)
{
    (void)flags;
    return sendmmsg(fd, msgs, n, 0);
}

void d6s_udp_send(struct d6s_server *s, struct d6s_udp_tx *q, int fd)
{
    d6s_sendmmsg_fn send = q->send ? q->send : sys_sendmmsg;
    uint16_t todo[D6S_TX_BATCH];
    size_t ntodo = q->nout < D6S_TX_BATCH ? q->nout : D6S_TX_BATCH;
    for (size_t i = 0; i < ntodo; i++) todo[i] = (uint16_t)i;
    size_t nmsg = build_list(q, todo, ntodo, q->segmentation), off = 0;
    int suspect = 0, why = 0; /* entry 0 is a refused group's first reply, sent singly */
    while (off < nmsg) {
        int r = send(fd, q->msg + off, (unsigned)(nmsg - off), 0);
        if (r > 0) {
            if (suspect && off == 0) {
                if (s->log) /* once per run, so even when quiet */
                    fprintf(s->log,
                            "UDP segmentation refused (%s): from now on every reply is sent on its "
                            "own\n",
                            strerror(why));
                q->segmentation = 0;
            }
            suspect = 0;
            for (size_t k = off; k < off + (size_t)r; k++) {
                s->cnt.sent += q->ent[k].count;
                if (q->ent[k].count > 1)
                    s->cnt.gso_sends++, s->cnt.gso_datagrams += q->ent[k].count;
            }
            off += (size_t)r;
            continue;
        }
        if (r < 0 && errno == EINTR) continue;
        suspect = 0;
        struct d6s_tx_entry *e = &q->ent[off];
        if (e->count > 1) {
            suspect = r < 0 && may_be_segmentation(errno);
            why = errno;
            ntodo = 0;
            for (size_t m = off; m < nmsg; m++)
                for (size_t k = 0; k < q->ent[m].count; k++) todo[ntodo++] = q->ent[m].idx[k];
            nmsg = build_list(q, todo, ntodo, 0);
            off = 0;
            continue;
        }
        struct d6s_reply *p = &q->out[e->idx[0]];
        if (p->has_src) {
            /* the source address may have gone away: let the kernel choose, and relearn */
            p->has_src = 0;
            fill_entry(q, off, e->idx, 1);
            q->relearn = 1;
            continue;
        }
        s->cnt.send_errors++;
        d6s_logf(s, "sendmmsg: %s", r < 0 ? strerror(errno) : "nothing sent");
        off++;
    }
    q->nout = 0;
}
