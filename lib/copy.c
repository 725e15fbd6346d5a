/* Copying: an option or message tree duplicated node by node into another arena. Neither the
 * writer nor the parser runs: the source is already a valid tree, so its nodes, field bytes and
 * order carry over as they are, and the copy writes exactly what the source writes.
 * SPDX-License-Identifier: BSD-2-Clause */
#include "internal.h"

/* The writer's depth limit, counted the same way: whatever it would refuse to write (a tree
 * built deeper than parsing allows, a message made to contain itself) the copy refuses too,
 * so the recursion below is bounded. */
#define COPY_DEPTH_LIMIT ((D6T_HOP_COUNT_LIMIT + 2) * (D6T_MAX_OPTION_NESTING + 2))

struct copier {
    d6t_arena *a;
    int share; /* payloads stay views into the source's memory */
};

static d6t_status copy_msg(const struct copier *c, const d6t_msg *src, unsigned depth,
                           d6t_msg **out);

/* Copied payload bytes go right after their node: one allocation per node. */
static d6t_status copy_opt(const struct copier *c, const d6t_opt *src, unsigned depth,
                           d6t_opt **out)
{
    if (depth > COPY_DEPTH_LIMIT) return D6T_ERR_NESTING;
    size_t extra = c->share ? 0 : src->len;
    d6t_opt *o = d6t__alloc(c->a, sizeof *o + extra);
    if (!o) return D6T_ERR_NOMEM;
    o->def = src->def;
    o->next = NULL;
    o->arena = c->a;
    o->len = src->len;
    o->code = src->code;
    o->space = src->space;
    o->kids = (struct d6t_optlist){NULL, NULL, 0};
    o->msg = NULL;
    o->slot = 0; /* a hint only (bundle.c), but never an unset one */
    if (c->share) {
        o->data = src->data;
        o->flags = 0; /* not ours: a setter writes new bytes into the copy's arena */
    } else {
        uint8_t *d = (uint8_t *)(o + 1);
        if (extra) memcpy(d, src->data, extra);
        o->data = d;
        o->flags = D6T_OPT_OWNED;
    }
    for (const d6t_opt *k = src->kids.first; k; k = k->next) {
        d6t_opt *kc;
        d6t_status st = copy_opt(c, k, depth + 1, &kc);
        if (st) return st;
        d6t__list_append(&o->kids, kc);
    }
    if (src->msg) {
        d6t_status st = copy_msg(c, src->msg, depth + 1, &o->msg);
        if (st) return st;
    }
    *out = o;
    return D6T_OK;
}

static d6t_status copy_msg(const struct copier *c, const d6t_msg *src, unsigned depth,
                           d6t_msg **out)
{
    /* only an unknown message has a body of its own */
    size_t body = src->kind == D6T_KIND_UNKNOWN ? src->body_len : 0;
    size_t extra = c->share ? 0 : body;
    d6t_msg *m = d6t__alloc(c->a, sizeof *m + extra);
    if (!m) return D6T_ERR_NOMEM;
    *m = *src;
    m->arena = c->a;
    m->owns_arena = 0;
    m->opts = (struct d6t_optlist){NULL, NULL, 0};
    if (!body) {
        m->body = src->kind == D6T_KIND_UNKNOWN ? (const uint8_t *)"" : NULL;
        m->body_len = 0;
    } else if (extra) {
        memcpy(m + 1, src->body, extra);
        m->body = (const uint8_t *)(m + 1);
    }
    for (const d6t_opt *o = src->opts.first; o; o = o->next) {
        d6t_opt *oc;
        d6t_status st = copy_opt(c, o, depth + 1, &oc);
        if (st) return st;
        d6t__list_append(&m->opts, oc);
    }
    *out = m;
    return D6T_OK;
}

d6t_status d6t_opt_copy(d6t_arena *a, const d6t_opt *src, unsigned flags, d6t_opt **out)
{
    if (out) *out = NULL;
    if (!a || !src || !out || (flags & ~D6T_COPY_SHARE)) return D6T_ERR_INVALID_ARG;
    struct copier c = {a, (flags & D6T_COPY_SHARE) != 0};
    struct d6t__arena_mark mark = d6t__arena_mark(a);
    d6t_status st = copy_opt(&c, src, 0, out);
    if (st) {
        d6t__arena_rollback(a, &mark); /* a failed copy leaves the arena as it was */
        *out = NULL;
    }
    return st;
}

d6t_status d6t_msg_copy(d6t_arena *a, const d6t_msg *src, unsigned flags, d6t_msg **out)
{
    if (out) *out = NULL;
    if (!src || !out || (flags & ~D6T_COPY_SHARE)) return D6T_ERR_INVALID_ARG;
    int own = !a;
    if (own && !(a = d6t_arena_new(NULL, 0))) return D6T_ERR_NOMEM;
    struct copier c = {a, (flags & D6T_COPY_SHARE) != 0};
    struct d6t__arena_mark mark = d6t__arena_mark(a);
    d6t_status st = copy_msg(&c, src, 0, out);
    if (st) {
        if (own)
            d6t_arena_free(a);
        else
            d6t__arena_rollback(a, &mark);
        *out = NULL;
        return st;
    }
    (*out)->owns_arena = (uint8_t)own;
    return D6T_OK;
}

/* A copy of src in arena a, NULL on D6T_ERR_NOMEM (and anything d6t_opt_copy refuses). The
 * common case, an option without sub-options or a message (a Client-ID), is the node and its
 * bytes right after it, as copy_opt lays them out, in one step. */
static D6T__ALWAYS_INLINE void fill_one(d6t_arena *a, d6t_opt *o, const d6t_opt *src)
{
    *o = *src;
    o->next = NULL;
    o->arena = a;
    o->kids = (struct d6t_optlist){NULL, NULL, 0};
    o->flags = D6T_OPT_OWNED;
    o->data = (const uint8_t *)(o + 1);
    d6t__move_small((uint8_t *)(o + 1), src->data, src->len);
}

/* copy_one and append for everything but the common case: a tree, bytes over 32, or an arena
 * whose current room is too small. */
static D6T__NOINLINE d6t_opt *add_copy_slow(d6t_arena *a, struct d6t_optlist *l, const d6t_opt *src)
{
    d6t_opt *o;
    if (src->kids.first || src->msg) {
        if (d6t_opt_copy(a, src, 0, &o)) return NULL;
    } else {
        if (!(o = d6t__alloc(a, sizeof *o + src->len))) return NULL;
        fill_one(a, o, src);
    }
    d6t__list_append(l, o);
    return o;
}

/* A copy of src in arena a appended to list l, NULL on D6T_ERR_NOMEM (and anything
 * d6t_opt_copy refuses). The common case, an option of at most 32 bytes without sub-options or
 * a message (a Client-ID), is the node and its bytes right after it, as copy_opt lays them out,
 * made without a call. */
static D6T__ALWAYS_INLINE d6t_opt *add_copy(d6t_arena *a, struct d6t_optlist *l, const d6t_opt *src)
{
    d6t_opt *o;
    if (src->kids.first || src->msg || src->len > 32 ||
        !(o = d6t__alloc_quick(a, sizeof *o + src->len)))
        return add_copy_slow(a, l, src);
    fill_one(a, o, src);
    d6t__list_append(l, o);
    return o;
}

/* The destination must hold options of src's own space: a copy keeps src's layout, and the
 * same code means another option in another space. */
d6t_opt *d6t_msg_add_opt_copy(d6t_msg *m, const d6t_opt *src)
{
    if (!m || !src || m->kind == D6T_KIND_UNKNOWN || src->space != D6T_SPACE_DHCPV6) return NULL;
    return add_copy(m->arena, &m->opts, src);
}

d6t_opt *d6t_opt_add_child_copy(d6t_opt *parent, const d6t_opt *src)
{
    if (!parent || !src || !parent->def || parent->def->child_space != (int8_t)src->space)
        return NULL;
    return add_copy(parent->arena, &parent->kids, src);
}

/* ---- prebuilt options: config-time option trees added to every reply in one step ---- */

struct d6t_prebuilt {
    const d6t_opt *nodes; /* every option, top-level ones and their sub-options, in preorder */
    size_t n;             /* nodes */
    size_t ntop;          /* top-level options: nodes[0] and its 'next' chain */
    const d6t_opt *last;  /* the last top-level option */
};

/* Nodes and payload bytes of the tree under o (o included); its depth within the option limit
 * and no nested message. */
static d6t_status pb_measure(const d6t_opt *o, unsigned depth, size_t *nodes, size_t *bytes)
{
    if (depth >= D6T_MAX_OPTION_NESTING) return D6T_ERR_NESTING;
    if (o->msg) return D6T_ERR_INVALID_ARG; /* a relayed message is no configuration */
    *nodes += 1;
    *bytes += o->len;
    for (const d6t_opt *k = o->kids.first; k; k = k->next) {
        d6t_status st = pb_measure(k, depth + 1, nodes, bytes);
        if (st) return st;
    }
    return D6T_OK;
}

struct pb_fill {
    d6t_opt *nodes;
    size_t i;
    uint8_t *bytes;
};

/* src and its sub-options into the next nodes, in preorder (measured: bounded, no message). */
static d6t_opt *pb_fill(struct pb_fill *f, const d6t_opt *src)
{
    d6t_opt *o = &f->nodes[f->i++];
    /* no arena: each copy sets its message's */
    d6t__opt_init(o, NULL, src->def, src->code, src->space, f->bytes, src->len, D6T_OPT_LINKED);
    if (src->len) memcpy(f->bytes, src->data, src->len);
    f->bytes += src->len;
    for (const d6t_opt *k = src->kids.first; k; k = k->next)
        d6t__list_append_new(&o->kids, pb_fill(f, k));
    return o;
}

d6t_status d6t_prebuilt_new(d6t_arena *a, const d6t_msg *src, d6t_prebuilt **out)
{
    if (out) *out = NULL;
    if (!a || !src || !out) return D6T_ERR_INVALID_ARG;
    size_t n = 0, bytes = 0;
    for (const d6t_opt *o = src->opts.first; o; o = o->next) {
        d6t_status st = pb_measure(o, 0, &n, &bytes);
        if (st) return st;
    }
    struct d6t__arena_mark mark = d6t__arena_mark(a);
    d6t_prebuilt *p = d6t__alloc(a, sizeof *p);
    d6t_opt *nodes = d6t__alloc(a, (n ? n : 1) * sizeof *nodes);
    uint8_t *data = d6t__alloc(a, bytes ? bytes : 1);
    if (!p || !nodes || !data) {
        d6t__arena_rollback(a, &mark);
        return D6T_ERR_NOMEM;
    }
    struct pb_fill f = {nodes, 0, data};
    d6t_opt *prev = NULL;
    p->ntop = 0;
    for (const d6t_opt *o = src->opts.first; o; o = o->next) {
        d6t_opt *c = pb_fill(&f, o);
        if (prev) prev->next = c;
        prev = c;
        p->ntop++;
    }
    p->nodes = nodes;
    p->n = n;
    p->last = prev;
    *out = p;
    return D6T_OK;
}

size_t d6t_prebuilt_count(const d6t_prebuilt *p)
{
    return p ? p->ntop : 0;
}

/* The prebuilt's nodes into c (one allocation with room for all of them), each copied with its
 * links, which point into the prebuilt's array, moved to the same places in the copy; appended
 * to m. The bytes stay the prebuilt's. */
static D6T__ALWAYS_INLINE void add_prebuilt(d6t_msg *m, const d6t_prebuilt *p, d6t_opt *c)
{
    const d6t_opt *base = p->nodes;
    for (size_t i = 0; i < p->n; i++) {
        d6t_opt *o = &c[i];
        *o = base[i];
        o->arena = m->arena;
        if (o->next) o->next = c + (o->next - base);
        if (o->kids.first) {
            o->kids.first = c + (o->kids.first - base);
            o->kids.last = c + (o->kids.last - base);
        }
    }
    if (m->opts.last)
        m->opts.last->next = c;
    else
        m->opts.first = c;
    m->opts.last = c + (p->last - base);
    m->opts.count += (uint32_t)p->ntop;
}

/* d6t_msg_add_prebuilt when the arena's current room is too small: the allocator's full path,
 * in a function of its own so that the common case makes no call. */
static D6T__NOINLINE d6t_status add_prebuilt_slow(d6t_msg *m, const d6t_prebuilt *p)
{
    d6t_opt *c = d6t__alloc(m->arena, p->n * sizeof *c);
    if (!c) return D6T_ERR_NOMEM;
    add_prebuilt(m, p, c);
    return D6T_OK;
}

d6t_status d6t_msg_add_prebuilt(d6t_msg *m, const d6t_prebuilt *p)
{
    if (!m || !p || m->kind == D6T_KIND_UNKNOWN) return D6T_ERR_INVALID_ARG;
    if (!p->n) return D6T_OK;
    d6t_opt *c = d6t__alloc_quick(m->arena, p->n * sizeof *c);
    if (!c) return add_prebuilt_slow(m, p);
    add_prebuilt(m, p, c);
    return D6T_OK;
}
