/* Identity associations and what a server puts in them: IAID, T1 and T2 of IA_NA, IA_PD and
 * IA_TA, their leases (IAADDR, IAPREFIX) and status codes, each in one call. A reply carries a
 * few of these per client, so they write straight to the offsets the option table gives rather
 * than going field by field through the keyed setters.
 * SPDX-License-Identifier: BSD-2-Clause */
#include "internal.h"

/* Keyed fields of IA option o: 3 (IAID, T1, T2) for IA_NA and IA_PD, 1 (IAID) for IA_TA, 0 for
 * anything else. Their keys are D6T_KEY(space, code, 1..n). */
static unsigned ia_fields(const d6t_opt *o)
{
    if (!o->def || o->space != D6T_SPACE_DHCPV6) return 0;
    switch (o->code) {
    case D6T_OPT_IA_NA:
    case D6T_OPT_IA_PD: return 3;
    case D6T_OPT_IA_TA: return 1;
    default: return 0;
    }
}

/* Offset of fixed-size field k in options of row def: the table places it (fields of fixed size
 * before it), so it is a load, not a layout walk. */
static inline size_t off_of(const struct d6t_optdef *def, d6t_key k)
{
    return def->f[((uint32_t)k & 0xffu) - 1u].off;
}

d6t_status d6t_opt_get_ia(const d6t_opt *ia, uint32_t *iaid, uint32_t *t1, uint32_t *t2)
{
    if (!ia) return D6T_ERR_INVALID_ARG;
    unsigned n = ia_fields(ia);
    if (!n) return D6T_ERR_WRONG_FIELD;
    /* the fixed part of a parsed or built IA is all there: IAID, T1, T2 in order (RFC 9915
     * sections 21.4, 21.5, 21.21) */
    if (ia->len < 4 * n) return D6T_ERR_OPT_LENGTH;
    if (iaid) *iaid = d6t__get32(ia->data);
    if (t1) *t1 = n == 3 ? d6t__get32(ia->data + 4) : 0;
    if (t2) *t2 = n == 3 ? d6t__get32(ia->data + 8) : 0;
    return D6T_OK;
}

d6t_status d6t_opt_set_ia(d6t_opt *ia, uint32_t iaid, uint32_t t1, uint32_t t2)
{
    if (!ia) return D6T_ERR_INVALID_ARG;
    unsigned n = ia_fields(ia);
    if (!n) return D6T_ERR_WRONG_FIELD;
    if (n == 1 && (t1 || t2)) return D6T_ERR_INVALID_ARG;
    /* an IA we own (one being built): the fixed part is at the start, in place */
    if ((ia->flags & D6T_OPT_OWNED) && ia->len >= 4 * n) {
        uint8_t *d = (uint8_t *)(uintptr_t)ia->data; /* OWNED: our arena copy */
        d6t__put32(d, iaid);
        if (n == 3) {
            d6t__put32(d + 4, t1);
            d6t__put32(d + 8, t2);
        }
        return D6T_OK;
    }
    const uint32_t v[3] = {iaid, t1, t2};
    for (unsigned i = 0; i < n; i++) {
        /* the IA's layout is checked, so its three fixed fields cannot fail one by one */
        d6t_status st = d6t_opt_set_u32(ia, (d6t_key)D6T_KEY(ia->space, ia->code, i + 1), v[i]);
        if (st) return st;
    }
    return D6T_OK;
}

/* The new IA o's whole fixed part: IAID, then T1 and T2 (RFC 9915 sections 21.4, 21.5,
 * 21.21), and o appended to m. */
static D6T__ALWAYS_INLINE d6t_status fill_ia(d6t_msg *m, d6t_opt *o, uint32_t iaid, uint32_t t1,
                                             uint32_t t2, d6t_opt **out)
{
    uint8_t *d = (uint8_t *)(uintptr_t)o->data;
    d6t__put32(d, iaid);
    if (o->len == 12) {
        d6t__put32(d + 4, t1);
        d6t__put32(d + 8, t2);
    }
    d6t__list_append(&m->opts, o);
    if (out) *out = o;
    return D6T_OK;
}

/* d6t_msg_add_ia when the arena's current room is too small: the allocator's full path. */
static D6T__NOINLINE d6t_status add_ia_slow(d6t_msg *m, const struct d6t_optdef *def, uint32_t iaid,
                                            uint32_t t1, uint32_t t2, d6t_opt **out)
{
    d6t_opt *o = d6t__new_opt_unset(m->arena, def);
    if (!o) return D6T_ERR_NOMEM;
    return fill_ia(m, o, iaid, t1, t2, out);
}

d6t_status d6t_msg_add_ia(d6t_msg *m, uint16_t code, uint32_t iaid, uint32_t t1, uint32_t t2,
                          d6t_opt **out)
{
    if (out) *out = NULL;
    if (!m || m->kind == D6T_KIND_UNKNOWN) return D6T_ERR_INVALID_ARG;
    unsigned n = code == D6T_OPT_IA_NA || code == D6T_OPT_IA_PD ? 3 : code == D6T_OPT_IA_TA;
    if (!n) return D6T_ERR_WRONG_FIELD;
    if (n == 1 && (t1 || t2)) return D6T_ERR_INVALID_ARG;
    const struct d6t_optdef *def = d6t__optdef_find(D6T_SPACE_DHCPV6, code);
    d6t_opt *o = d6t__new_opt_unset_quick(m->arena, def);
    if (!o) return add_ia_slow(m, def, iaid, t1, t2, out);
    return fill_ia(m, o, iaid, t1, t2, out);
}

/* The first plen bits of addr, the rest zero (as a prefix is on the wire), without a call. */
static D6T__ALWAYS_INLINE void put_prefix_bits(uint8_t *p, const uint8_t addr[16], unsigned plen)
{
    uint64_t hi = d6t__get64(addr), lo = d6t__get64(addr + 8);
    uint64_t mhi = plen >= 64 ? ~(uint64_t)0 : plen ? ~(uint64_t)0 << (64 - plen) : 0;
    uint64_t mlo = plen >= 128 ? ~(uint64_t)0 : plen > 64 ? ~(uint64_t)0 << (128 - plen) : 0;
    d6t__put64(p, hi & mhi);
    d6t__put64(p + 8, lo & mlo);
}

/* The new lease o (of row def) filled and appended to ia: every byte of its fixed part. */
static D6T__ALWAYS_INLINE d6t_status fill_lease(d6t_opt *ia, const struct d6t_optdef *def,
                                                d6t_opt *o, const uint8_t addr[16], uint8_t plen,
                                                uint32_t preferred, uint32_t valid, d6t_opt **out)
{
    uint8_t *d = (uint8_t *)(uintptr_t)o->data;
    if (def->code == D6T_OPT_IAPREFIX) {
        d6t__put32(d + off_of(def, D6T_IAPREFIX_PREFERRED_LIFETIME), preferred);
        d6t__put32(d + off_of(def, D6T_IAPREFIX_VALID_LIFETIME), valid);
        uint8_t *p = d + off_of(def, D6T_IAPREFIX_PREFIX);
        p[0] = plen;
        put_prefix_bits(p + 1, addr, plen); /* bits past the length are zero on the wire */
    } else {
        memcpy(d + off_of(def, D6T_IAADDR_ADDRESS), addr, 16);
        d6t__put32(d + off_of(def, D6T_IAADDR_PREFERRED_LIFETIME), preferred);
        d6t__put32(d + off_of(def, D6T_IAADDR_VALID_LIFETIME), valid);
    }
    d6t__list_append(&ia->kids, o);
    if (out) *out = o;
    return D6T_OK;
}

/* d6t_opt_add_lease when the arena's current room is too small: the allocator's full path. */
static D6T__NOINLINE d6t_status add_lease_slow(d6t_opt *ia, const struct d6t_optdef *def,
                                               const uint8_t addr[16], uint8_t plen,
                                               uint32_t preferred, uint32_t valid, d6t_opt **out)
{
    d6t_opt *o = d6t__new_opt_unset(ia->arena, def);
    if (!o) return D6T_ERR_NOMEM;
    return fill_lease(ia, def, o, addr, plen, preferred, valid, out);
}

d6t_status d6t_opt_add_lease(d6t_opt *ia, const uint8_t addr[16], uint8_t plen, uint32_t preferred,
                             uint32_t valid, d6t_opt **out)
{
    if (out) *out = NULL;
    if (!ia || !addr) return D6T_ERR_INVALID_ARG;
    unsigned n = ia_fields(ia);
    if (!n) return D6T_ERR_WRONG_FIELD;
    int pd = ia->code == D6T_OPT_IA_PD;
    if (plen > 128 || (!pd && plen != 128)) return D6T_ERR_INVALID_ARG;
    const struct d6t_optdef *def =
        d6t__optdef_find(D6T_SPACE_DHCPV6, pd ? D6T_OPT_IAPREFIX : D6T_OPT_IAADDR);
    d6t_opt *o = d6t__new_opt_unset_quick(ia->arena, def); /* every byte is written below */
    if (!o) return add_lease_slow(ia, def, addr, plen, preferred, valid, out);
    return fill_lease(ia, def, o, addr, plen, preferred, valid, out);
}

d6t_status d6t_opt_get_lease(const d6t_opt *o, uint8_t addr[16], uint8_t *plen, uint32_t *preferred,
                             uint32_t *valid)
{
    if (!o) return D6T_ERR_INVALID_ARG;
    if (!o->def || o->space != D6T_SPACE_DHCPV6 ||
        (o->code != D6T_OPT_IAADDR && o->code != D6T_OPT_IAPREFIX))
        return D6T_ERR_WRONG_FIELD;
    int pd = o->code == D6T_OPT_IAPREFIX;
    uint8_t a[16], l = 128;
    uint32_t pref, val;
    d6t_status st = pd ? d6t_opt_get_prefix(o, D6T_IAPREFIX_PREFIX, a, &l)
                       : d6t_opt_get_addr6(o, D6T_IAADDR_ADDRESS, a);
    if (!st)
        st = d6t_opt_get_u32(
            o, pd ? D6T_IAPREFIX_PREFERRED_LIFETIME : D6T_IAADDR_PREFERRED_LIFETIME, &pref);
    if (!st)
        st = d6t_opt_get_u32(o, pd ? D6T_IAPREFIX_VALID_LIFETIME : D6T_IAADDR_VALID_LIFETIME, &val);
    if (st) return st; /* nothing written */
    if (addr) memcpy(addr, a, 16);
    if (plen) *plen = l;
    if (preferred) *preferred = pref;
    if (valid) *valid = val;
    return D6T_OK;
}

static int is_status(const d6t_opt *o)
{
    return o->def && o->space == D6T_SPACE_DHCPV6 && o->code == D6T_OPT_STATUS_CODE;
}

d6t_status d6t_opt_set_status(d6t_opt *o, uint16_t code, const char *text)
{
    if (!o || !text) return D6T_ERR_INVALID_ARG;
    if (!is_status(o)) return D6T_ERR_WRONG_FIELD;
    size_t n = strlen(text);
    if (n > 65535 - 2) return D6T_ERR_TOO_LONG;
    /* a status code being built is the arena's latest allocation: it grows where it is. The
     * text goes first, moved (it may be the option's own message), then the code over it. */
    if ((o->flags & D6T_OPT_OWNED) && d6t__arena_grow_last(o->arena, o->data, o->len, 2 + n)) {
        uint8_t *d = (uint8_t *)(uintptr_t)o->data; /* OWNED: our arena copy */
        memmove(d + 2, text, n);
        d6t__put16(d, code);
        o->len = (uint32_t)(2 + n);
        return D6T_OK;
    }
    uint8_t c[2];
    d6t__put16(c, code);
    /* the whole payload at once: the code, then the message to the end */
    return d6t__splice_trusted(o, 0, o->len, c, 2, (const uint8_t *)text, n);
}

/* A new status code option holding code and text, node and payload in one allocation (the
 * payload after the node, as d6t__new_opt places it), appended to list l. */
static d6t_status add_status(d6t_arena *a, struct d6t_optlist *l, uint16_t code, const char *text,
                             d6t_opt **out)
{
    size_t n = strlen(text);
    if (n > 65535 - 2) return D6T_ERR_TOO_LONG;
    size_t node = D6T__ARENA_ALIGN_UP(sizeof(d6t_opt));
    d6t_opt *o = d6t__alloc_in(a, node + 2 + n);
    if (!o) return D6T_ERR_NOMEM;
    uint8_t *d = (uint8_t *)o + node;
    d6t__opt_init(o, a, d6t__optdef_find(D6T_SPACE_DHCPV6, D6T_OPT_STATUS_CODE),
                  D6T_OPT_STATUS_CODE, D6T_SPACE_DHCPV6, d, (uint32_t)(2 + n), D6T_OPT_OWNED);
    d6t__put16(d, code);
    memcpy(d + 2, text, n);
    d6t__list_append(l, o);
    if (out) *out = o;
    return D6T_OK;
}

d6t_status d6t_opt_add_status(d6t_opt *parent, uint16_t code, const char *text, d6t_opt **out)
{
    if (out) *out = NULL;
    if (!parent || !text) return D6T_ERR_INVALID_ARG;
    if (!parent->def || parent->def->child_space != D6T_SPACE_DHCPV6) return D6T_ERR_WRONG_FIELD;
    return add_status(parent->arena, &parent->kids, code, text, out);
}

d6t_status d6t_msg_add_status(d6t_msg *m, uint16_t code, const char *text, d6t_opt **out)
{
    if (out) *out = NULL;
    if (!m || !text || m->kind == D6T_KIND_UNKNOWN) return D6T_ERR_INVALID_ARG;
    return add_status(m->arena, &m->opts, code, text, out);
}

d6t_status d6t_opt_get_status(const d6t_opt *o, uint16_t *code, const uint8_t **text, size_t *len)
{
    if (!o) return D6T_ERR_INVALID_ARG;
    if (!is_status(o)) return D6T_ERR_WRONG_FIELD;
    if (o->len < 2) return D6T_ERR_OPT_LENGTH; /* a parsed one has its code: built otherwise */
    if (code) *code = d6t__get16(o->data);
    if (text) *text = o->data + 2;
    if (len) *len = o->len - 2u;
    return D6T_OK;
}
