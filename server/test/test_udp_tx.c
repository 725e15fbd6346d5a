/* Unit tests of dhcp6txn-server's send path (udp_tx.c): which replies are grouped into one
 * UDP_SEGMENT send and which are not, the control data each send carries, and the fallbacks
 * when the kernel refuses a group or a source address. sendmmsg is replaced by a stand-in that
 * records what it was given and refuses what the test tells it to.
 * SPDX-License-Identifier: BSD-2-Clause */
#define _GNU_SOURCE 1
#include "udp_tx.h"

#include <arpa/inet.h>
#include "testutil.h"
#include <check.h>
#include <errno.h>
#include <stdarg.h>
#include <netinet/udp.h>
#include <stdlib.h>
#include <string.h>

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif

static struct d6s_server S;
static struct d6s_udp_tx Q;
static struct d6s_reply OUT[D6S_TX_BATCH];

/* What the stand-in saw: one record per datagram that left, in order. */
struct sent {
    uint8_t first_byte; /* each test reply starts with its own index */
    size_t len;
    int segment; /* the UDP_SEGMENT size of the send it left in, 0 for none */
    unsigned ifindex;
    int has_src;
    char to[INET6_ADDRSTRLEN];
};
static struct sent SENT[256];
static size_t NSENT, CALLS;
static int REFUSE_GROUPS, REFUSE_SRC,
    REFUSE_LEN;             /* what the stand-in refuses (REFUSE_GROUPS: with this errno) */
static size_t MAX_PER_CALL; /* 0: no limit */

static int parse_cmsgs(struct msghdr *mh, int *segment, struct in6_pktinfo *pi)
{
    int have_pi = 0;
    *segment = 0;
    memset(pi, 0, sizeof *pi);
    for (struct cmsghdr *cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
        if (cm->cmsg_level == SOL_UDP && cm->cmsg_type == UDP_SEGMENT) {
            uint16_t seg;
            ck_assert_uint_eq(cm->cmsg_len, CMSG_LEN(sizeof seg));
            memcpy(&seg, CMSG_DATA(cm), sizeof seg);
            *segment = seg;
        } else if (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_PKTINFO) {
            memcpy(pi, CMSG_DATA(cm), sizeof *pi);
            have_pi = 1;
        } else {
            ck_abort_msg("unexpected cmsg %d/%d", cm->cmsg_level, cm->cmsg_type);
        }
    }
    return have_pi;
}

static int fake_sendmmsg(int fd, struct mmsghdr *msgs, unsigned n, int flags)
{
    ck_assert_int_eq(fd, 42);
    ck_assert_int_eq(flags, 0);
    ck_assert_uint_gt(n, 0);
    CALLS++;
    ck_assert_uint_lt(CALLS, 200); /* a sender that never gives up would loop here */
    unsigned done = 0;
    for (; done < n && (!MAX_PER_CALL || done < MAX_PER_CALL); done++) {
        struct msghdr *mh = &msgs[done].msg_hdr;
        int segment;
        struct in6_pktinfo pi;
        int have_pi = parse_cmsgs(mh, &segment, &pi);
        int has_src = have_pi && !IN6_IS_ADDR_UNSPECIFIED(&pi.ipi6_addr);
        size_t total = 0;
        for (size_t k = 0; k < mh->msg_iovlen; k++) total += mh->msg_iov[k].iov_len;
        int bad = (segment && REFUSE_GROUPS) || (has_src && REFUSE_SRC) ||
                  (REFUSE_LEN && total == (size_t)REFUSE_LEN);
        if (bad) {
            if (done) return (int)done;
            /* a source address that is not ours: EINVAL, as Linux says it */
            errno = segment && REFUSE_GROUPS ? REFUSE_GROUPS : has_src ? EINVAL : EMSGSIZE;
            return -1;
        }
        /* a group's iovecs are cut into datagrams of 'segment' bytes, the last may be shorter */
        if (segment)
            ck_assert_uint_gt(mh->msg_iovlen, 1);
        else
            ck_assert_uint_eq(mh->msg_iovlen, 1);
        const struct sockaddr_in6 *to = mh->msg_name;
        ck_assert_uint_eq(mh->msg_namelen, sizeof *to);
        for (size_t k = 0; k < mh->msg_iovlen; k++) {
            const struct iovec *v = &mh->msg_iov[k];
            if (segment) ck_assert_uint_eq(v->iov_len, (size_t)segment);
            ck_assert_uint_lt(NSENT, sizeof SENT / sizeof SENT[0]);
            struct sent *x = &SENT[NSENT++];
            x->first_byte = ((const uint8_t *)v->iov_base)[0];
            x->len = v->iov_len;
            x->segment = segment;
            x->ifindex = pi.ipi6_ifindex;
            x->has_src = has_src;
            inet_ntop(AF_INET6, &to->sin6_addr, x->to, sizeof x->to);
        }
        msgs[done].msg_len = (unsigned)total;
    }
    return (int)done;
}

static void setup(void)
{
    memset(&S, 0, sizeof S);
    memset(&Q, 0, sizeof Q);
    memset(OUT, 0, sizeof OUT);
    Q.out = OUT;
    Q.send = fake_sendmmsg;
    Q.segmentation = 1;
    NSENT = CALLS = 0;
    REFUSE_GROUPS = REFUSE_SRC = REFUSE_LEN = 0;
    MAX_PER_CALL = 0;
}

/* Reply number Q.nout: 'len' bytes to [to]:547, starting with its index. */
static struct d6s_reply *add(const char *to, size_t len)
{
    struct d6s_reply *r = &OUT[Q.nout];
    memset(r, 0, sizeof *r);
    r->to.sin6_family = AF_INET6;
    r->to.sin6_port = htons(547);
    ck_assert_int_eq(inet_pton(AF_INET6, to, &r->to.sin6_addr), 1);
    r->len = len;
    memset(r->buf, 0xee, len);
    r->buf[0] = (uint8_t)Q.nout;
    Q.nout++;
    return r;
}

static const struct sent *find_sent(uint8_t idx)
{
    for (size_t i = 0; i < NSENT; i++)
        if (SENT[i].first_byte == idx) return &SENT[i];
    ck_abort_msg("reply %u never left", idx);
    return NULL;
}

/* the replies listed (ended by -1) left in sends of this segment size (0: on their own) */
static void expect_segment(int segment, ...)
{
    va_list ap;
    va_start(ap, segment);
    for (int i; (i = va_arg(ap, int)) >= 0;)
        ck_assert_msg(find_sent((uint8_t)i)->segment == segment, "reply %d: segment %d, want %d", i,
                      find_sent((uint8_t)i)->segment, segment);
    va_end(ap);
}

/* every reply left exactly once */
static void each_sent_once(size_t n)
{
    ck_assert_uint_eq(NSENT, n);
    for (size_t i = 0; i < n; i++) {
        size_t seen = 0;
        for (size_t k = 0; k < NSENT; k++) seen += SENT[k].first_byte == i;
        ck_assert_msg(seen == 1, "reply %zu left %zu times", i, seen);
    }
}

START_TEST(same_way_same_length_grouped)
{
    add("2001:db8::1", 100);
    add("2001:db8::1", 100);
    add("2001:db8::1", 90);  /* other length */
    add("2001:db8::2", 100); /* other destination */
    add("2001:db8::1", 100);
    struct d6s_reply *r = add("2001:db8::1", 100);
    r->to.sin6_port = htons(546); /* other port */
    d6s_udp_send(&S, &Q, 42);
    each_sent_once(6);
    ck_assert_uint_eq(CALLS, 1);
    expect_segment(100, 0, 1, 4, -1);
    expect_segment(0, 2, 3, 5, -1);
    ck_assert_uint_eq(S.cnt.sent, 6);
    ck_assert_uint_eq(S.cnt.gso_sends, 1);
    ck_assert_uint_eq(S.cnt.gso_datagrams, 3);
    ck_assert_uint_eq(S.cnt.send_errors, 0);
    ck_assert_uint_eq(Q.nout, 0);
}
END_TEST

START_TEST(interface_and_source_must_match)
{
    struct d6s_reply *a = add("fe80::1", 100), *b = add("fe80::1", 100), *c = add("fe80::1", 100);
    struct d6s_reply *d = add("fe80::1", 100), *e = add("fe80::1", 100);
    a->ifindex = b->ifindex = d->ifindex = e->ifindex = 3;
    a->to.sin6_scope_id = b->to.sin6_scope_id = d->to.sin6_scope_id = e->to.sin6_scope_id = 3;
    c->ifindex = c->to.sin6_scope_id = 4; /* another link */
    inet_pton(AF_INET6, "fe80::53", &d->src);
    d->has_src = 1; /* another source */
    d6s_udp_send(&S, &Q, 42);
    each_sent_once(5);
    expect_segment(100, 0, 1, 4, -1);
    ck_assert_uint_eq(find_sent(0)->ifindex, 3);
    ck_assert_int_eq(find_sent(2)->segment, 0);
    ck_assert_uint_eq(find_sent(2)->ifindex, 4);
    ck_assert_int_eq(find_sent(3)->segment, 0);
    ck_assert_int_eq(find_sent(3)->has_src, 1);
}
END_TEST

START_TEST(lone_pktinfo_without_padding)
{
    /* the kernel copies control data of up to 36 bytes onto its stack; CMSG_SPACE would be 40 */
    struct d6s_reply *a = add("fe80::1", 100);
    a->ifindex = 3;
    add("2001:db8::1", 100);
    d6s_udp_send(&S, &Q, 42);
    ck_assert_uint_eq(Q.msg[0].msg_hdr.msg_controllen, CMSG_LEN(sizeof(struct in6_pktinfo)));
    ck_assert_ptr_null(Q.msg[1].msg_hdr.msg_control);
    ck_assert_uint_eq(Q.msg[1].msg_hdr.msg_controllen, 0);
}
END_TEST

START_TEST(segmentation_off_sends_one_each)
{
    Q.segmentation = 0;
    for (int i = 0; i < 10; i++) add("2001:db8::1", 100);
    d6s_udp_send(&S, &Q, 42);
    each_sent_once(10);
    for (size_t i = 0; i < NSENT; i++) ck_assert_int_eq(SENT[i].segment, 0);
    ck_assert_uint_eq(S.cnt.gso_sends, 0);
    ck_assert_uint_eq(S.cnt.sent, 10);
}
END_TEST

START_TEST(group_bounds)
{
    /* 64 replies of 1200 bytes: a group stays within one UDP length (54 of them) */
    for (int i = 0; i < 64; i++) add("2001:db8::1", 1200);
    d6s_udp_send(&S, &Q, 42);
    each_sent_once(64);
    ck_assert_uint_eq(S.cnt.gso_sends, 2);
    ck_assert_uint_eq(Q.ent[0].count, 54);
    ck_assert_uint_eq(Q.ent[1].count, 10);
    /* longer than a segment that fits the IPv6 minimum MTU: never grouped */
    setup();
    for (int i = 0; i < 3; i++) add("2001:db8::1", 1233);
    for (int i = 0; i < 3; i++) add("2001:db8::1", 1232);
    d6s_udp_send(&S, &Q, 42);
    each_sent_once(6);
    expect_segment(0, 0, 1, 2, -1);
    expect_segment(1232, 3, 4, 5, -1);
}
END_TEST

START_TEST(refused_group_falls_back_for_good)
{
    add("2001:db8::9", 80);
    for (int i = 0; i < 5; i++) add("2001:db8::1", 100);
    add("2001:db8::2", 100);
    add("2001:db8::2", 100);
    REFUSE_GROUPS = EIO; /* no checksum offload on the way: the kernel cannot segment here */
    d6s_udp_send(&S, &Q, 42);
    each_sent_once(8);
    for (size_t i = 0; i < NSENT; i++) ck_assert_int_eq(SENT[i].segment, 0);
    ck_assert_int_eq(Q.segmentation, 0);
    ck_assert_uint_eq(S.cnt.sent, 8);
    ck_assert_uint_eq(S.cnt.send_errors, 0);
    ck_assert_uint_eq(S.cnt.gso_sends, 0);
    /* the next batch does not try again */
    NSENT = CALLS = 0;
    for (int i = 0; i < 4; i++) add("2001:db8::1", 100);
    d6s_udp_send(&S, &Q, 42);
    each_sent_once(4);
    ck_assert_uint_eq(CALLS, 1);
}
END_TEST

START_TEST(group_refused_for_its_destination_sent_singly)
{
    /* an error that is not about segmentation: this batch goes singly, the next groups again */
    for (int i = 0; i < 4; i++) add("2001:db8::1", 100);
    add("2001:db8::2", 90);
    REFUSE_GROUPS = ENETUNREACH;
    d6s_udp_send(&S, &Q, 42);
    each_sent_once(5);
    for (size_t i = 0; i < NSENT; i++) ck_assert_int_eq(SENT[i].segment, 0);
    ck_assert_int_eq(Q.segmentation, 1);
    ck_assert_uint_eq(S.cnt.send_errors, 0);
    REFUSE_GROUPS = 0;
    NSENT = 0;
    for (int i = 0; i < 4; i++) add("2001:db8::1", 100);
    d6s_udp_send(&S, &Q, 42);
    each_sent_once(4);
    ck_assert_int_eq(find_sent(0)->segment, 100);
    ck_assert_uint_eq(S.cnt.gso_sends, 1);
}
END_TEST

START_TEST(group_refused_for_its_source_keeps_segmentation)
{
    /* the kernel says EINVAL for a source address that went away, as for a segment it cannot
     * send: the replies go without the source, and segmentation stays on */
    for (int i = 0; i < 3; i++) {
        struct d6s_reply *r = add("fe80::1", 100);
        r->ifindex = r->to.sin6_scope_id = 3;
        r->has_src = 1;
        inet_pton(AF_INET6, "fe80::53", &r->src);
    }
    REFUSE_SRC = 1;
    d6s_udp_send(&S, &Q, 42);
    each_sent_once(3);
    for (uint8_t i = 0; i < 3; i++) ck_assert_int_eq(find_sent(i)->has_src, 0);
    ck_assert_int_eq(Q.segmentation, 1);
    ck_assert_int_eq(Q.relearn, 1);
    ck_assert_uint_eq(S.cnt.send_errors, 0);
}
END_TEST

START_TEST(refused_source_sent_without_it)
{
    add("2001:db8::1", 100);
    struct d6s_reply *r = add("fe80::1", 100);
    r->ifindex = 3;
    r->has_src = 1;
    inet_pton(AF_INET6, "fe80::53", &r->src);
    add("2001:db8::1", 90);
    REFUSE_SRC = 1;
    d6s_udp_send(&S, &Q, 42);
    each_sent_once(3);
    ck_assert_int_eq(find_sent(1)->has_src, 0);
    ck_assert_uint_eq(find_sent(1)->ifindex, 3); /* still by its interface */
    ck_assert_int_eq(Q.relearn, 1);
    ck_assert_uint_eq(S.cnt.send_errors, 0);
}
END_TEST

START_TEST(hard_error_counted_rest_sent)
{
    add("2001:db8::1", 100);
    add("2001:db8::2", 77); /* refused */
    add("2001:db8::1", 100);
    add("2001:db8::3", 100);
    REFUSE_LEN = 77;
    MAX_PER_CALL = 1; /* a kernel that sends one at a time: the loop must carry on */
    d6s_udp_send(&S, &Q, 42);
    ck_assert_uint_eq(NSENT, 3);
    ck_assert_uint_eq(S.cnt.sent, 3);
    ck_assert_uint_eq(S.cnt.send_errors, 1);
    expect_segment(100, 0, -1);
    expect_segment(0, 3, -1);
    ck_assert_uint_eq(Q.nout, 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("udp_tx");
    TCase *tc = tcase_create("send");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, same_way_same_length_grouped);
    tcase_add_test(tc, interface_and_source_must_match);
    tcase_add_test(tc, lone_pktinfo_without_padding);
    tcase_add_test(tc, segmentation_off_sends_one_each);
    tcase_add_test(tc, group_bounds);
    tcase_add_test(tc, refused_group_falls_back_for_good);
    tcase_add_test(tc, group_refused_for_its_destination_sent_singly);
    tcase_add_test(tc, group_refused_for_its_source_keeps_segmentation);
    tcase_add_test(tc, refused_source_sent_without_it);
    tcase_add_test(tc, hard_error_counted_rest_sent);
    suite_add_tcase(s, tc);
    return run_suite(s) ? 1 : 0;
}
