/* Building: new options with default fields, options from bytes, linking and removal (copies:
 * copy.c).
 * SPDX-License-Identifier: BSD-2-Clause */
#include "internal.h"

d6t_opt *d6t_opt_new(d6t_arena *a, d6t_space space, uint16_t code)
{
    if (!a || space > D6T_SPACE_VENDOR) return NULL;
    return d6t__new_opt(a, code, (uint8_t)space);
}

/* A new option appended to list l: the common case without a call (d6t__new_opt_quick), the
 * rest in a function of its own, so that the common case keeps no registers across one. */
static D6T__NOINLINE d6t_opt *add_new_slow(d6t_arena *a, struct d6t_optlist *l, uint16_t code,
                                           uint8_t space)
{
    d6t_opt *o = d6t__new_opt(a, code, space);
    if (o) d6t__list_append(l, o);
    return o;
}

static D6T__ALWAYS_INLINE d6t_opt *add_new(d6t_arena *a, struct d6t_optlist *l, uint16_t code,
                                           uint8_t space)
{
    d6t_opt *o = d6t__new_opt_quick(a, code, space);
    if (!o) return add_new_slow(a, l, code, space);
    d6t__list_append(l, o);
    return o;
}

d6t_opt *d6t_msg_add_opt(d6t_msg *m, uint16_t code)
{
    if (!m || m->kind == D6T_KIND_UNKNOWN) return NULL;
    return add_new(m->arena, &m->opts, code, D6T_SPACE_DHCPV6);
}

d6t_opt *d6t_opt_add_child(d6t_opt *parent, uint16_t code)
{
    if (!parent || !parent->def || parent->def->child_space < 0) return NULL;
    return add_new(parent->arena, &parent->kids, code, (uint8_t)parent->def->child_space);
}

static d6t_status from_bytes(d6t_arena *a, uint8_t space, uint16_t code, const uint8_t *payload,
                             size_t len, d6t_opt **out, d6t_parse_error *err)
{
    if (err) {
        err->status = D6T_OK;
        err->offset = 0;
        err->reason = NULL;
    }
    if (len > 65535) return D6T_ERR_TOO_LONG;
    if (!payload && len) return D6T_ERR_INVALID_ARG;
    uint8_t *cp = d6t__alloc(a, len ? len : 1);
    d6t_opt *o = d6t__opt_alloc(a, code, space);
    if (!cp || !o) return D6T_ERR_NOMEM;
    if (len) memcpy(cp, payload, len);
    struct d6t_parse_ctx c = {a, cp, err, 0};
    d6t_status st = d6t__parse_opt_payload(&c, o, cp, len, 0, 0);
    if (st) return st;
    o->flags = D6T_OPT_OWNED;
    *out = o;
    return D6T_OK;
}

d6t_status d6t_msg_add_opt_bytes(d6t_msg *m, uint16_t code, const uint8_t *payload, size_t len,
                                 d6t_opt **out, d6t_parse_error *err)
{
    if (!m || m->kind == D6T_KIND_UNKNOWN) return D6T_ERR_INVALID_ARG;
    d6t_opt *o;
    d6t_status st = from_bytes(m->arena, D6T_SPACE_DHCPV6, code, payload, len, &o, err);
    if (st) return st;
    d6t__list_append(&m->opts, o);
    if (out) *out = o;
    return D6T_OK;
}

d6t_status d6t_opt_add_child_bytes(d6t_opt *parent, uint16_t code, const uint8_t *payload,
                                   size_t len, d6t_opt **out, d6t_parse_error *err)
{
    if (!parent || !parent->def || parent->def->child_space < 0) return D6T_ERR_INVALID_ARG;
    d6t_opt *o;
    d6t_status st =
        from_bytes(parent->arena, (uint8_t)parent->def->child_space, code, payload, len, &o, err);
    if (st) return st;
    d6t__list_append(&parent->kids, o);
    if (out) *out = o;
    return D6T_OK;
}

static d6t_status unlink_opt(struct d6t_optlist *l, d6t_opt *o)
{
    d6t_opt *prev = NULL;
    for (d6t_opt *cur = l->first; cur; prev = cur, cur = cur->next) {
        if (cur != o) continue;
        if (prev)
            prev->next = cur->next;
        else
            l->first = cur->next;
        if (l->last == cur) l->last = prev;
        l->count--;
        cur->next = NULL;
        cur->flags &= (uint8_t)~D6T_OPT_LINKED;
        return D6T_OK;
    }
    return D6T_ERR_NOT_FOUND;
}

static d6t_status insert_before(struct d6t_optlist *l, uint8_t space, d6t_opt *before, d6t_opt *o)
{
    if (o->flags & D6T_OPT_LINKED) return D6T_ERR_INVALID_ARG;
    if (o->space != space) return D6T_ERR_WRONG_FIELD;
    if (!before) {
        d6t__list_append(l, o);
        return D6T_OK;
    }
    d6t_opt *prev = NULL;
    for (d6t_opt *cur = l->first; cur; prev = cur, cur = cur->next) {
        if (cur != before) continue;
        o->next = cur;
        if (prev)
            prev->next = o;
        else
            l->first = o;
        l->count++;
        o->flags |= D6T_OPT_LINKED;
        return D6T_OK;
    }
    return D6T_ERR_NOT_FOUND;
}

d6t_status d6t_msg_insert_opt(d6t_msg *m, d6t_opt *before, d6t_opt *o)
{
    if (!m || !o || m->kind == D6T_KIND_UNKNOWN) return D6T_ERR_INVALID_ARG;
    return insert_before(&m->opts, D6T_SPACE_DHCPV6, before, o);
}

d6t_status d6t_opt_insert_child(d6t_opt *parent, d6t_opt *before, d6t_opt *o)
{
    if (!parent || !o || !parent->def || parent->def->child_space < 0) return D6T_ERR_INVALID_ARG;
    if (parent == o) return D6T_ERR_INVALID_ARG;
    return insert_before(&parent->kids, (uint8_t)parent->def->child_space, before, o);
}

d6t_status d6t_msg_remove_opt(d6t_msg *m, d6t_opt *o)
{
    if (!m || !o) return D6T_ERR_INVALID_ARG;
    d6t_status st = unlink_opt(&m->opts, o);
    if (!st) m->removals++;
    return st;
}

d6t_status d6t_opt_remove_child(d6t_opt *parent, d6t_opt *o)
{
    if (!parent || !o) return D6T_ERR_INVALID_ARG;
    return unlink_opt(&parent->kids, o);
}

d6t_status d6t_opt_set_msg(d6t_opt *o, d6t_msg *inner)
{
    if (!o) return D6T_ERR_INVALID_ARG;
    if (!o->def || !o->def->has_msg) return D6T_ERR_WRONG_FIELD;
    o->msg = inner;
    return D6T_OK;
}

d6t_opt *d6t_msg_add_relay_msg(d6t_msg *relay, d6t_msg *inner)
{
    if (!relay || !inner || relay->kind != D6T_KIND_RELAY) return NULL;
    d6t_opt *o = d6t_msg_add_opt(relay, D6T_OPT_RELAY_MSG);
    if (o) o->msg = inner;
    return o;
}

d6t_status d6t_opt_set_data(d6t_opt *o, const uint8_t *data, size_t len)
{
    if (!o || (!data && len)) return D6T_ERR_INVALID_ARG;
    if (o->def) return D6T_ERR_WRONG_FIELD; /* known options are changed field by field */
    if (len > 65535) return D6T_ERR_TOO_LONG;
    uint8_t *cp = d6t__alloc(o->arena, len ? len : 1);
    if (!cp) return D6T_ERR_NOMEM;
    if (len) memcpy(cp, data, len);
    o->data = cp;
    o->len = (uint32_t)len;
    o->flags |= D6T_OPT_OWNED;
    return D6T_OK;
}
