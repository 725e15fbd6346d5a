/* Writing: a message tree back to wire bytes in one pass. Option lengths are back-patched
 * after their contents are written, so no separate size pass is needed.
 * SPDX-License-Identifier: BSD-2-Clause */
#include "internal.h"

/* Deeper trees than parsing accepts can only come from a builder; refuse them too. */
#define WRITE_DEPTH_LIMIT ((D6T_HOP_COUNT_LIMIT + 2) * (D6T_MAX_OPTION_NESTING + 2))

struct wbuf {
    uint8_t *p;
    size_t cap, n; /* n may exceed cap: then only counting */
};

static void put(struct wbuf *w, const void *src, size_t len)
{
    if (w->n + len <= w->cap && len) memcpy(w->p + w->n, src, len);
    w->n += len;
}

static d6t_status write_msg(struct wbuf *w, const d6t_msg *m, unsigned depth);

static d6t_status write_opts(struct wbuf *w, const d6t_opt *o, unsigned depth)
{
    for (; o; o = o->next) {
        if (D6T__UNLIKELY(depth > WRITE_DEPTH_LIMIT)) return D6T_ERR_NESTING;
        size_t start = w->n, own = o->len;
        if (D6T__UNLIKELY(own > 65535)) return D6T_ERR_TOO_LONG;
        /* header and fixed part at once while they fit; the length is final for an option
         * without sub-options or a message, patched below for the others */
        if (D6T__LIKELY(start + 4 + own <= w->cap)) {
            uint8_t *p = w->p + start;
            d6t__put_opt_header(p, o->code, (uint16_t)own);
            d6t__move_small(p + 4, o->data, own);
        }
        w->n = start + 4 + own;
        if (D6T__LIKELY(!o->kids.first && !o->msg)) continue;
        d6t_status st = write_opts(w, o->kids.first, depth + 1);
        if (D6T__UNLIKELY(st)) return st;
        if (o->msg && (st = write_msg(w, o->msg, depth + 1))) return st;
        size_t len = w->n - start - 4;
        if (D6T__UNLIKELY(len > 65535)) return D6T_ERR_TOO_LONG;
        if (D6T__LIKELY(w->n <= w->cap)) d6t__put16(w->p + start + 2, (uint16_t)len);
    }
    return D6T_OK;
}

static d6t_status write_msg(struct wbuf *w, const d6t_msg *m, unsigned depth)
{
    uint8_t hdr[34];
    hdr[0] = m->type;
    switch (m->kind) {
    case D6T_KIND_CLIENT_SERVER:
        hdr[1] = (uint8_t)(m->txid >> 16);
        hdr[2] = (uint8_t)(m->txid >> 8);
        hdr[3] = (uint8_t)m->txid;
        put(w, hdr, 4);
        break;
    case D6T_KIND_RELAY:
        hdr[1] = m->hop_count;
        memcpy(hdr + 2, m->link, 16);
        memcpy(hdr + 18, m->peer, 16);
        put(w, hdr, 34);
        break;
    default:
        put(w, hdr, 1);
        put(w, m->body, m->body_len);
        return D6T_OK;
    }
    return write_opts(w, m->opts.first, depth + 1);
}

size_t d6t__write_msg(const d6t_msg *m, uint8_t *buf, size_t cap, d6t_status *st)
{
    struct wbuf w = {buf, cap, 0};
    if (m->kind == D6T_KIND_CLIENT_SERVER && cap >= 4) {
        /* a response: its header here, write_msg's one level less */
        buf[0] = m->type;
        buf[1] = (uint8_t)(m->txid >> 16);
        buf[2] = (uint8_t)(m->txid >> 8);
        buf[3] = (uint8_t)m->txid;
        w.n = 4;
        *st = write_opts(&w, m->opts.first, 1);
    } else {
        *st = write_msg(&w, m, 0);
    }
    return w.n;
}

d6t_status d6t_msg_write(const d6t_msg *m, uint8_t *buf, size_t cap, size_t *len)
{
    if (!m || (!buf && cap)) return D6T_ERR_INVALID_ARG;
    struct wbuf w = {buf, cap, 0};
    d6t_status st = write_msg(&w, m, 0);
    if (len) *len = st ? 0 : w.n;
    if (st) return st;
    return w.n > cap ? D6T_ERR_BUFFER_TOO_SMALL : D6T_OK;
}

size_t d6t_msg_wire_size(const d6t_msg *m)
{
    if (!m) return 0;
    struct wbuf w = {NULL, 0, 0};
    return write_msg(&w, m, 0) ? 0 : w.n;
}

d6t_status d6t_opt_write(const d6t_opt *o, uint8_t *buf, size_t cap, size_t *len)
{
    if (!o || (!buf && cap)) return D6T_ERR_INVALID_ARG;
    /* write this option alone, not its following siblings */
    d6t_opt one = *o;
    one.next = NULL;
    struct wbuf w = {buf, cap, 0};
    d6t_status st = write_opts(&w, &one, 0);
    if (len) *len = st ? 0 : w.n;
    if (st) return st;
    return w.n > cap ? D6T_ERR_BUFFER_TOO_SMALL : D6T_OK;
}

size_t d6t_opt_wire_size(const d6t_opt *o)
{
    if (!o) return 0;
    d6t_opt one = *o;
    one.next = NULL;
    struct wbuf w = {NULL, 0, 0};
    return write_opts(&w, &one, 0) ? 0 : w.n;
}
