/* Parsing: a DHCPv6 message into a tree of options in an arena. Payloads stay views into the
 * input. Recursion is bounded: messages nest at most D6T_HOP_COUNT_LIMIT relay levels and
 * options at most D6T_MAX_OPTION_NESTING levels per message.
 * SPDX-License-Identifier: BSD-2-Clause */
#include "internal.h"

d6t_status d6t__fail(struct d6t_parse_ctx *c, d6t_status st, const uint8_t *at, const char *why)
{
    if (c->err && c->err->status == D6T_OK) {
        c->err->status = st;
        c->err->offset = (size_t)(at - c->base);
        c->err->reason = why;
    }
    return st;
}

static d6t_status parse_opts(struct d6t_parse_ctx *c, struct d6t_optlist *l, const uint8_t *p,
                             size_t n, uint8_t space, unsigned nest);

/* The layouts d6t__layout_quick does not decide: the full walk, out of line so that the option
 * loop keeps a small frame. */
static D6T__NOINLINE d6t_status layout_walk(struct d6t_parse_ctx *c, const struct d6t_optdef *def,
                                            const uint8_t *p, size_t n, size_t *hdr)
{
    struct d6t_span spans[D6T_MAX_FIELDS];
    size_t bad;
    const char *why;
    d6t_status st = d6t__layout(def, p, n, spans, hdr, &why, &bad);
    return st ? d6t__fail(c, st, p + bad, why) : D6T_OK;
}

/* Fill option o (code, space, def, data = p and len = n already set) from its payload p[0..n).
 * Inline in the option loop below: a call per option cost more than most options' checks. */
static D6T__ALWAYS_INLINE d6t_status parse_payload(struct d6t_parse_ctx *c, d6t_opt *o,
                                                   const uint8_t *p, size_t n, unsigned nest)
{
    const struct d6t_optdef *def = o->def;
    if (D6T__UNLIKELY(!def)) return D6T_OK;
    size_t hdr;
    int quick = d6t__layout_quick(def, p, n, &hdr);
    if (D6T__LIKELY(quick == D6T__QUICK_LEAF)) return D6T_OK; /* no sub-options, no message */
    if (D6T__UNLIKELY(!quick)) {
        d6t_status st = layout_walk(c, def, p, n, &hdr);
        if (st) return st;
    }
    o->len = (uint32_t)hdr;
    if (def->child_space >= 0) {
        if (hdr == n) return D6T_OK; /* no sub-options: the list stays empty */
        /* this option is at level nest + 1; its sub-options would be at nest + 2 */
        if (nest + 2 > D6T_MAX_OPTION_NESTING)
            return d6t__fail(c, D6T_ERR_NESTING, p + hdr, "options nested deeper than 16 levels");
        return parse_opts(c, &o->kids, p + hdr, n - hdr, (uint8_t)def->child_space, nest + 1);
    }
    if (def->has_msg) {
        if (hdr == n)
            return d6t__fail(c, D6T_ERR_TRUNCATED, p + hdr, "option holds an empty message");
        return d6t__parse_msg(c, p + hdr, n - hdr, c->depth + 1, &o->msg);
    }
    return D6T_OK;
}

d6t_status d6t__parse_opt_payload(struct d6t_parse_ctx *c, d6t_opt *o, const uint8_t *p, size_t n,
                                  unsigned nest, unsigned depth)
{
    o->data = p;
    o->len = (uint32_t)n;
    c->depth = depth;
    return parse_payload(c, o, p, n, nest);
}

/* The options of p[0..n) into the empty list l. Each node is written once, whole, and linked
 * as it is made (LINKED from the start); the list's tail and count are stored at the end. */
static d6t_status parse_opts(struct d6t_parse_ctx *c, struct d6t_optlist *l, const uint8_t *p,
                             size_t n, uint8_t space, unsigned nest)
{
    d6t_arena *a = c->arena;
    d6t_opt *last = NULL, **link = &l->first; /* where the next node's address goes */
    uint32_t count = 0;
    size_t off = 0;
    while (n - off >= 4) {
        uint16_t code = d6t__get16(p + off);
        size_t len = d6t__get16(p + off + 2);
        if (D6T__UNLIKELY(len > n - off - 4))
            return d6t__fail(c, D6T_ERR_OPT_OVERRUN, p + off,
                             "option length runs past the end of its container");
        d6t_opt *o = d6t__alloc_in(a, sizeof *o);
        if (D6T__UNLIKELY(!o))
            return d6t__fail(c, D6T_ERR_NOMEM, p + off, "arena allocation failed");
        *o = (d6t_opt){.def = d6t__optdef_find((d6t_space)space, code),
                       .arena = a,
                       .data = p + off + 4,
                       .len = (uint32_t)len,
                       .code = code,
                       .space = space,
                       .flags = D6T_OPT_LINKED};
        d6t_status st = parse_payload(c, o, p + off + 4, len, nest);
        if (D6T__UNLIKELY(st)) return st;
        *link = o;
        link = &o->next;
        last = o;
        count++;
        off += 4 + len;
    }
    l->last = last;
    l->count = count;
    if (off != n) return d6t__fail(c, D6T_ERR_OPT_OVERRUN, p + off, "option header truncated");
    return D6T_OK;
}

d6t_msg_kind d6t_msg_type_kind(uint8_t type)
{
    return (d6t_msg_kind)d6t__type_kind(type);
}

d6t_status d6t__parse_msg(struct d6t_parse_ctx *c, const uint8_t *p, size_t n, unsigned depth,
                          d6t_msg **out)
{
    *out = NULL;
    if (n < 1) return d6t__fail(c, D6T_ERR_TRUNCATED, p, "empty message");
    uint8_t type = p[0];
    d6t_msg_kind kind = d6t_msg_type_kind(type);
    if (depth > D6T_HOP_COUNT_LIMIT || (kind == D6T_KIND_RELAY && depth >= D6T_HOP_COUNT_LIMIT))
        return d6t__fail(c, D6T_ERR_RELAY_DEPTH, p, "more than 32 relay levels (HOP_COUNT_LIMIT)");
    d6t_msg *m = d6t__alloc_in(c->arena, sizeof *m);
    if (!m) return d6t__fail(c, D6T_ERR_NOMEM, p, "arena allocation failed");
    d6t__msg_init(m, c->arena, type, (uint8_t)kind, kind == D6T_KIND_RELAY && n >= 34);
    size_t hdr;
    switch (kind) {
    case D6T_KIND_CLIENT_SERVER:
        if (n < 4)
            return d6t__fail(c, D6T_ERR_TRUNCATED, p, "message shorter than its 4-byte header");
        m->txid = (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
        hdr = 4;
        break;
    case D6T_KIND_RELAY:
        if (n < 34)
            return d6t__fail(c, D6T_ERR_TRUNCATED, p,
                             "relay message shorter than its 34-byte header");
        m->hop_count = p[1];
        memcpy(m->link, p + 2, 16);
        memcpy(m->peer, p + 18, 16);
        hdr = 34;
        break;
    default:
        m->body = p + 1;
        m->body_len = n - 1;
        *out = m;
        return D6T_OK;
    }
    unsigned outer = c->depth; /* the options of the message around this one */
    c->depth = depth;
    d6t_status st = parse_opts(c, &m->opts, p + hdr, n - hdr, D6T_SPACE_DHCPV6, 0);
    c->depth = outer;
    if (st) return st;
    *out = m;
    return D6T_OK;
}

static d6t_arena *arena_or_own(d6t_arena *a, int *own)
{
    *own = 0;
    if (a) return a;
    *own = 1;
    return d6t_arena_new(NULL, 0);
}

static const uint8_t *maybe_copy(d6t_arena *a, const uint8_t *buf, size_t len, unsigned flags)
{
    if (!(flags & D6T_PARSE_COPY) || len == 0) return buf;
    uint8_t *cp = d6t__alloc(a, len);
    if (cp) memcpy(cp, buf, len);
    return cp;
}

static void set_err(d6t_parse_error *err, d6t_status st, size_t off, const char *why)
{
    if (err) {
        err->status = st;
        err->offset = off;
        err->reason = why;
    }
}

d6t_status d6t_msg_parse(d6t_arena *a, const uint8_t *buf, size_t len, unsigned flags,
                         d6t_msg **out, d6t_parse_error *err)
{
    if (err) set_err(err, D6T_OK, 0, NULL);
    if (!out || (!buf && len)) {
        set_err(err, D6T_ERR_INVALID_ARG, 0, "NULL argument");
        return D6T_ERR_INVALID_ARG;
    }
    *out = NULL;
    int own;
    d6t_arena *ar = arena_or_own(a, &own);
    if (!ar) {
        set_err(err, D6T_ERR_NOMEM, 0, "arena allocation failed");
        return D6T_ERR_NOMEM;
    }
    const uint8_t *p = maybe_copy(ar, buf, len, flags);
    if (!p && len) {
        if (own) d6t_arena_free(ar);
        set_err(err, D6T_ERR_NOMEM, 0, "arena allocation failed");
        return D6T_ERR_NOMEM;
    }
    struct d6t_parse_ctx c = {ar, p, err, 0};
    d6t_msg *m;
    d6t_status st = d6t__parse_msg(&c, p, len, 0, &m);
    if (st) {
        if (own) d6t_arena_free(ar);
        return st;
    }
    m->owns_arena = (uint8_t)own;
    *out = m;
    return D6T_OK;
}

d6t_status d6t__parse_copy(d6t_arena *a, const uint8_t *buf, size_t len, d6t_msg **out,
                           d6t_parse_error *err)
{
    if (err) set_err(err, D6T_OK, 0, NULL);
    *out = NULL;
    if (!buf && len) {
        set_err(err, D6T_ERR_INVALID_ARG, 0, "NULL argument");
        return D6T_ERR_INVALID_ARG;
    }
    const uint8_t *p = buf;
    if (len) {
        uint8_t *cp = d6t__alloc_in(a, len);
        if (!cp) {
            set_err(err, D6T_ERR_NOMEM, 0, "arena allocation failed");
            return D6T_ERR_NOMEM;
        }
        memcpy(cp, buf, len);
        p = cp;
    }
    struct d6t_parse_ctx c = {a, p, err, 0};
    return d6t__parse_msg(&c, p, len, 0, out);
}

d6t_status d6t_opt_parse(d6t_arena *a, d6t_space space, const uint8_t *buf, size_t len,
                         unsigned flags, d6t_opt **out, d6t_parse_error *err)
{
    if (err) set_err(err, D6T_OK, 0, NULL);
    if (!a || !out || (!buf && len) || space > D6T_SPACE_VENDOR) {
        set_err(err, D6T_ERR_INVALID_ARG, 0, "NULL argument or bad space");
        return D6T_ERR_INVALID_ARG;
    }
    *out = NULL;
    const uint8_t *p = maybe_copy(a, buf, len, flags);
    if (!p && len) {
        set_err(err, D6T_ERR_NOMEM, 0, "arena allocation failed");
        return D6T_ERR_NOMEM;
    }
    struct d6t_parse_ctx c = {a, p, err, 0};
    if (len < 4) return d6t__fail(&c, D6T_ERR_OPT_OVERRUN, p, "option header truncated");
    size_t olen = d6t__get16(p + 2);
    if (olen > len - 4)
        return d6t__fail(&c, D6T_ERR_OPT_OVERRUN, p,
                         "option length runs past the end of the input");
    if (olen < len - 4)
        return d6t__fail(&c, D6T_ERR_OPT_LENGTH, p + 4 + olen, "bytes after the option");
    d6t_opt *o = d6t__opt_alloc(a, d6t__get16(p), (uint8_t)space);
    if (!o) return d6t__fail(&c, D6T_ERR_NOMEM, p, "arena allocation failed");
    d6t_status st = d6t__parse_opt_payload(&c, o, p + 4, olen, 0, 0);
    if (st) return st;
    *out = o;
    return D6T_OK;
}
