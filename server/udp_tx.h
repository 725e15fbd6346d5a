/* dhcp6txn-server: the replies of one batch, and how they leave (udp_tx.c).
 * Kept apart from main.c so that unit tests can drive the grouping and the fallbacks with a
 * stand-in for sendmmsg. Needs _GNU_SOURCE (struct mmsghdr) before any system header.
 * SPDX-License-Identifier: BSD-2-Clause */
#ifndef D6S_UDP_TX_H
#define D6S_UDP_TX_H

#include "server.h"

#include <netinet/in.h>
#include <sys/socket.h>

#define D6S_TX_BATCH  64    /* replies per batch: one per datagram of a recvmmsg batch */
#define D6S_REPLY_CAP 16384 /* bytes of one reply */

/* One reply, written by the caller. */
struct d6s_reply {
    struct sockaddr_in6 to;
    unsigned ifindex;    /* non-zero: leave by this interface (a link-local destination) */
    struct in6_addr src; /* the source address, when has_src */
    int has_src;
    size_t len;
    uint8_t buf[D6S_REPLY_CAP];
};

/* One entry of the sendmmsg list: one reply, or several that leave the same way with the same
 * length, sent as the segments of one UDP_SEGMENT (GSO) send. */
struct d6s_tx_entry {
    uint16_t count;
    uint16_t idx[D6S_TX_BATCH]; /* the replies, indexes into d6s_udp_tx.out */
    union {
        struct cmsghdr align;
        char bytes[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(uint16_t))];
    } cbuf;
};

typedef int (*d6s_sendmmsg_fn)(int fd, struct mmsghdr *msgs, unsigned n, int flags);

struct d6s_udp_tx {
    struct d6s_reply *out; /* D6S_TX_BATCH of them, owned by the caller */
    size_t nout;           /* how many are filled */
    int segmentation;     /* group replies into GSO sends; cleared for good if the kernel refuses */
    int relearn;          /* set when a named source address was refused: learn them again */
    d6s_sendmmsg_fn send; /* NULL: sendmmsg(2); tests put a stand-in here */
    struct mmsghdr msg[D6S_TX_BATCH];
    struct d6s_tx_entry ent[D6S_TX_BATCH];
    struct iovec iov[D6S_TX_BATCH][D6S_TX_BATCH];
};

/* Send out[0..nout) on fd with as few system calls as the kernel allows, and empty the queue.
 * Counts into s->cnt: sent, send_errors, gso_sends/gso_datagrams; logs refusals through s. */
void d6s_udp_send(struct d6s_server *s, struct d6s_udp_tx *q, int fd);

#endif
