/* In-order TCP reassembly and RFC 5460 framing for dhcp6txn-decode.
 * SPDX-License-Identifier: BSD-2-Clause */
#include "tcp_reasm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04

struct seg {
    uint32_t seq;
    size_t len;
    uint8_t *data;
};

struct flow {
    int used, have_seq, broken;
    uint8_t key[36];
    char desc[160];
    uint32_t next; /* next expected sequence number */
    uint8_t *buf;  /* contiguous bytes not yet cut into frames */
    size_t len, cap;
    struct seg pend[TCP_MAX_PENDING];
    size_t npend, pend_bytes; /* segments beyond a gap, waiting for it to fill */
};

struct tcp_table {
    struct flow f[TCP_MAX_FLOWS];
    int full_reported;
};

struct tcp_table *tcp_table_new(void)
{
    return calloc(1, sizeof(struct tcp_table));
}

static void flow_clear(struct flow *f)
{
    for (size_t i = 0; i < f->npend; i++) free(f->pend[i].data);
    free(f->buf);
    memset(f, 0, sizeof *f);
}

static struct flow *flow_get(struct tcp_table *t, const uint8_t key[36], int create,
                             const char *desc)
{
    struct flow *free_slot = NULL;
    for (size_t i = 0; i < TCP_MAX_FLOWS; i++) {
        if (t->f[i].used && memcmp(t->f[i].key, key, 36) == 0) return &t->f[i];
        if (!t->f[i].used && !free_slot) free_slot = &t->f[i];
    }
    if (!create || !free_slot) return NULL;
    free_slot->used = 1;
    memcpy(free_slot->key, key, 36);
    snprintf(free_slot->desc, sizeof free_slot->desc, "%s", desc ? desc : "TCP");
    return free_slot;
}

static void cut_frames(struct flow *f, struct dec *d, const struct dec_src *s)
{
    size_t p = 0;
    while (f->len - p >= 2) {
        size_t fl = (size_t)f->buf[p] << 8 | f->buf[p + 1];
        if (fl == 0) {
            dec_reject(d, s, 0, "zero-length DHCPv6-over-TCP frame");
            p += 2;
            continue;
        }
        if (f->len - p - 2 < fl) break;
        dec_message(d, s, f->buf + p + 2, fl);
        p += 2 + fl;
    }
    if (p == 0) return; /* also keeps memmove away from a still-NULL buffer */
    memmove(f->buf, f->buf + p, f->len - p);
    f->len -= p;
}

static void flow_break(struct flow *f, struct dec *d, const struct dec_src *s, const char *why)
{
    dec_fail(d, s, "%s; the rest of this TCP direction is not decoded", why);
    f->broken = 1;
}

static int append(struct flow *f, struct dec *d, const struct dec_src *s, const uint8_t *p,
                  size_t n)
{
    if (n > TCP_FLOW_MAX_BYTES - f->len - f->pend_bytes) {
        flow_break(f, d, s, "more than 1 MiB of unframed data");
        return -1;
    }
    if (f->len + n > f->cap) {
        size_t c = f->cap ? f->cap : 4096;
        while (c < f->len + n) c *= 2;
        uint8_t *b = realloc(f->buf, c);
        if (!b) {
            flow_break(f, d, s, "out of memory");
            return -1;
        }
        f->buf = b;
        f->cap = c;
    }
    memcpy(f->buf + f->len, p, n);
    f->len += n;
    f->next += (uint32_t)n;
    return 0;
}

/* Append bytes at f->next, dropping what precedes it (retransmissions, overlaps). */
static int take(struct flow *f, struct dec *d, const struct dec_src *s, uint32_t seq,
                const uint8_t *p, size_t n)
{
    uint32_t behind = f->next - seq; /* modular: how far seq lies before next */
    if (behind >= n) return 0;
    return append(f, d, s, p + behind, n - behind);
}

static void hold(struct flow *f, struct dec *d, const struct dec_src *s, uint32_t seq,
                 const uint8_t *p, size_t n)
{
    if (f->npend == TCP_MAX_PENDING || n > TCP_FLOW_MAX_BYTES - f->len - f->pend_bytes) {
        flow_break(f, d, s, "too much out-of-order data (missing segment?)");
        return;
    }
    uint8_t *c = malloc(n);
    if (!c) {
        flow_break(f, d, s, "out of memory");
        return;
    }
    memcpy(c, p, n);
    f->pend[f->npend++] = (struct seg){seq, n, c};
    f->pend_bytes += n;
}

/* Move held segments that now touch the contiguous stream into it. */
static void drain(struct flow *f, struct dec *d, const struct dec_src *s)
{
    for (size_t i = 0; i < f->npend && !f->broken;) {
        struct seg g = f->pend[i];
        if ((int32_t)(g.seq - f->next) > 0) {
            i++;
            continue;
        }
        f->pend[i] = f->pend[--f->npend];
        f->pend_bytes -= g.len;
        take(f, d, s, g.seq, g.data, g.len);
        free(g.data);
        i = 0; /* next may have advanced past other held segments */
    }
}

static void flow_close(struct flow *f, struct dec *d, const struct dec_src *s)
{
    if (!f->broken && f->len == 1) {
        dec_reject(d, s, 0, "truncated DHCPv6-over-TCP frame: stream ends inside its length field");
    } else if (!f->broken && f->len >= 2) {
        char why[160];
        snprintf(why, sizeof why,
                 "truncated DHCPv6-over-TCP frame: length %u, only %zu bytes before the end of the "
                 "stream",
                 (unsigned)(f->buf[0] << 8 | f->buf[1]), f->len - 2);
        dec_reject(d, s, f->len - 2, why);
    }
    if (!f->broken && f->npend)
        dec_fail(d, s, "%zu bytes after a gap in the TCP stream were never decoded", f->pend_bytes);
    flow_clear(f);
}

void tcp_segment(struct tcp_table *t, struct dec *d, const struct dec_src *s, const uint8_t key[36],
                 uint32_t seq, uint8_t flags, const uint8_t *data, size_t len)
{
    int ends = (flags & (TH_FIN | TH_RST)) != 0;
    struct flow *f = flow_get(t, key, len > 0 || (flags & TH_SYN), s->detail);
    if (!f) {
        if (len > 0 && !t->full_reported) {
            dec_fail(d, s, "more than %d TCP flows at once; further flows are not decoded",
                     TCP_MAX_FLOWS);
            t->full_reported = 1;
        }
        return;
    }
    if (flags & TH_SYN) {
        flow_clear(f);
        f->used = 1;
        memcpy(f->key, key, 36);
        snprintf(f->desc, sizeof f->desc, "%s", s->detail ? s->detail : "TCP");
        f->have_seq = 1;
        f->next = ++seq; /* the SYN takes one sequence number; data on a SYN follows it */
    }
    if (!f->broken && len) {
        if (!f->have_seq) { /* capture began mid-stream: start at the first data seen */
            f->have_seq = 1;
            f->next = seq;
        }
        if ((int32_t)(seq - f->next) > 0) {
            hold(f, d, s, seq, data, len);
        } else if (take(f, d, s, seq, data, len) == 0) {
            drain(f, d, s);
        }
        if (!f->broken) cut_frames(f, d, s);
    }
    if (ends) flow_close(f, d, s);
}

void tcp_table_free(struct tcp_table *t, struct dec *d, const struct dec_src *s)
{
    if (!t) return;
    for (size_t i = 0; i < TCP_MAX_FLOWS; i++) {
        if (!t->f[i].used) continue;
        struct dec_src e = *s;
        e.detail = t->f[i].desc;
        flow_close(&t->f[i], d, &e);
    }
    free(t);
}
