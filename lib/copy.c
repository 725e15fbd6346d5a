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

/* The destination must hold options of src's own space: a copy keeps src's layout, and the
 * same code means another option in another space. */
d6t_opt *d6t_msg_add_opt_copy(d6t_msg *m, const d6t_opt *src)
{
    if (!m || !src || m->kind == D6T_KIND_UNKNOWN || src->space != D6T_SPACE_DHCPV6) return NULL;
    d6t_opt *o;
    if (d6t_opt_copy(m->arena, src, 0, &o)) return NULL;
    d6t__list_append(&m->opts, o);
    return o;
}

d6t_opt *d6t_opt_add_child_copy(d6t_opt *parent, const d6t_opt *src)
{
    if (!parent || !src || !parent->def || parent->def->child_space != (int8_t)src->space)
        return NULL;
    d6t_opt *o;
    if (d6t_opt_copy(parent->arena, src, 0, &o)) return NULL;
    d6t__list_append(&parent->kids, o);
    return o;
}
