/* Field layout walking and typed field access, all driven by the option table.
 * SPDX-License-Identifier: BSD-2-Clause */
#include "internal.h"

/* Bytes of a fixed-size field; 0 for the variable ones (the table holds it). */
static inline size_t fixed_size(const struct d6t_fielddef *f)
{
    return f->fixed;
}

#define FAIL(st, w, at) \
    do {                \
        *why = (w);     \
        *bad = (at);    \
        return (st);    \
    } while (0)

d6t_status d6t__layout(const struct d6t_optdef *def, const uint8_t *data, size_t n,
                       struct d6t_span *spans, size_t *hdr, const char **why, size_t *bad)
{
    size_t off = 0;
    for (size_t j = 0; j < def->nfields; j++) {
        const struct d6t_fielddef *f = &def->f[j];
        size_t rem = n - off, need = fixed_size(f), used;
        switch (f->type) {
        case D6T_FT_OPTIONS:
        case D6T_FT_MESSAGE:
            spans[j].off = (uint32_t)off;
            spans[j].len = (uint32_t)rem;
            *hdr = off;
            return D6T_OK;
        case D6T_FT_PREFIX6_VAR:
            if (rem < 1) FAIL(D6T_ERR_OPT_LENGTH, "option too short for its prefix length", off);
            if (data[off] > 128) FAIL(D6T_ERR_OPT_VALUE, "IPv6 prefix length over 128", off);
            need = 1 + (data[off] + 7u) / 8u;
            if (rem < need) FAIL(D6T_ERR_OPT_LENGTH, "option too short for its IPv6 prefix", off);
            break;
        case D6T_FT_ADDR6_LIST:
            if (rem % 16)
                FAIL(D6T_ERR_OPT_LENGTH, "address list length is not a multiple of 16", off);
            need = rem;
            break;
        case D6T_FT_U16_LIST:
            if (rem % 2) FAIL(D6T_ERR_OPT_LENGTH, "16-bit list length is odd", off);
            need = rem;
            break;
        case D6T_FT_BIN_REST:
        case D6T_FT_TEXT:
        case D6T_FT_DUID: need = rem; break;
        case D6T_FT_DNAME:
        case D6T_FT_FQDN: {
            d6t_parse_error e;
            unsigned fl = f->type == D6T_FT_FQDN ? D6T_DNAME_RELATIVE_OK : 0;
            if (d6t_dname_check(data + off, rem, fl, &used, &e))
                FAIL(D6T_ERR_DNAME, e.reason, off + e.offset);
            if (used != rem) FAIL(D6T_ERR_OPT_LENGTH, "bytes after the domain name", off + used);
            need = rem;
            break;
        }
        case D6T_FT_DNAME_LIST:
            for (size_t p = off; p < n; p += used) {
                d6t_parse_error e;
                if (d6t_dname_check(data + p, n - p, 0, &used, &e))
                    FAIL(D6T_ERR_DNAME, e.reason, p + e.offset);
            }
            need = rem;
            break;
        case D6T_FT_BIN16_LIST:
            for (size_t p = off; p < n;) {
                if (n - p < 2) FAIL(D6T_ERR_OPT_LENGTH, "list item length truncated", p);
                size_t l = d6t__get16(data + p);
                if (l > n - p - 2)
                    FAIL(D6T_ERR_OPT_LENGTH, "list item runs past the end of the option", p);
                p += 2 + l;
            }
            need = rem;
            break;
        case D6T_FT_DNAME16: {
            d6t_parse_error e;
            if (rem < 2) FAIL(D6T_ERR_OPT_LENGTH, "option too short for a name length", off);
            size_t l = d6t__get16(data + off);
            if (l > rem - 2)
                FAIL(D6T_ERR_OPT_LENGTH, "name length runs past the end of the option", off);
            if (d6t_dname_check(data + off + 2, l, 0, &used, &e))
                FAIL(D6T_ERR_DNAME, e.reason, off + 2 + e.offset);
            if (used != l) FAIL(D6T_ERR_OPT_LENGTH, "bytes after the domain name", off + 2 + used);
            need = 2 + l;
            break;
        }
        case D6T_FT_ADDR6_LIST16: {
            if (rem == 0) {
                need = 0;
                break;
            } /* absent */
            if (rem < 2)
                FAIL(D6T_ERR_OPT_LENGTH, "option too short for an address list length", off);
            size_t l = d6t__get16(data + off);
            if (l > rem - 2)
                FAIL(D6T_ERR_OPT_LENGTH, "address list runs past the end of the option", off);
            if (l % 16)
                FAIL(D6T_ERR_OPT_LENGTH, "address list length is not a multiple of 16", off);
            need = 2 + l;
            break;
        }
        default:
            if (rem < need) FAIL(D6T_ERR_OPT_LENGTH, "option too short for its fixed fields", off);
            break;
        }
        spans[j].off = (uint32_t)off;
        spans[j].len = (uint32_t)need;
        off += need;
    }
    if (off != n) FAIL(D6T_ERR_OPT_LENGTH, "option longer than its fields", off);
    *hdr = n;
    return D6T_OK;
}

/* Bytes of field f's default value: fixed sizes, and the smallest valid variable ones. */
static size_t default_size(const struct d6t_fielddef *f)
{
    if (f->type == D6T_FT_PREFIX6_VAR) return 1; /* length 0, no bytes */
    if (f->type == D6T_FT_DNAME) return 1;       /* the root name */
    if (f->type == D6T_FT_DNAME16) return 3;     /* length 1 + root name */
    return fixed_size(f);
}

/* The table holds the size (def->dflt_len, added up at compile time); a unit test checks it
 * against the fields. Every default byte is zero but a DNAME16's length byte. */
void d6t__default_data(const struct d6t_optdef *def, uint8_t *out)
{
    memset(out, 0, def->dflt_len);
    if (!def->dflt_dname16) return;
    for (size_t k = 0, at = 0; k < def->nfields; at += default_size(&def->f[k]), k++)
        if (def->f[k].type == D6T_FT_DNAME16) out[at + 1] = 1;
}

/* Field j's span found by walking the option's layout (a field after a variable-size one); out
 * of line so that the common path below keeps a small frame. */
static D6T__NOINLINE d6t_status locate_by_layout(const d6t_opt *o, size_t j,
                                                 const struct d6t_fielddef **fd,
                                                 struct d6t_span *sp, int *idx)
{
    struct d6t_span spans[D6T_MAX_FIELDS];
    size_t hdr, bad;
    const char *why;
    d6t_status st = d6t__layout(o->def, o->data, o->len, spans, &hdr, &why, &bad);
    if (st) return st;
    *fd = &o->def->f[j];
    *sp = spans[j];
    if (idx) *idx = (int)j;
    return D6T_OK;
}

#define T(x) (1u << D6T_FT_##x)
#define FIXED_TYPES \
    (T(U8) | T(U16) | T(U32) | T(BIN) | T(ADDR6) | T(ADDR4) | T(PREFIX6) | T(PREFIX4) | T(PSID))

/* Find field k of option o and its span; check its type is one of 'types' (bit per type).
 * Inlined into each getter and setter: the type mask and the out-parameters fold away. The key
 * says which field of which option it is (D6T_KEY), and the table holds the offset of every field
 * after fixed-size ones, so the common case is a compare and two loads. */
static D6T__ALWAYS_INLINE d6t_status locate(const d6t_opt *o, d6t_key k, uint32_t types,
                                            const struct d6t_fielddef **fd, struct d6t_span *sp,
                                            int *idx)
{
    if (!o) return D6T_ERR_INVALID_ARG;
    const struct d6t_optdef *def = o->def;
    uint32_t j = ((uint32_t)k & 0xffu) - 1u; /* key 0 wraps and fails the bound below */
    if (!def || (uint32_t)k >> 8 != def->keybase || j >= def->nkeys) return D6T_ERR_WRONG_FIELD;
    const struct d6t_fielddef *f = &def->f[j];
    if (types && !(types & (1u << f->type))) return D6T_ERR_WRONG_FIELD;
    /* every option in a tree already has a checked layout, so a field at a known offset needs no
     * walk: a fixed-size one, or one that runs to the end of the option's data */
    uint32_t off = f->off;
    /* a getter or setter of fixed-size types only (a constant here) needs no other case */
    int only_fixed = types && !(types & ~FIXED_TYPES);
    if (off != D6T_OFF_VAR) {
        if ((only_fixed || f->fixed) && off + f->fixed <= o->len) {
            *fd = f;
            sp->off = off;
            sp->len = f->fixed;
            if (idx) *idx = (int)j;
            return D6T_OK;
        }
        if (!only_fixed && f->to_end && off <= o->len) {
            *fd = f;
            sp->off = off;
            sp->len = o->len - off;
            if (idx) *idx = (int)j;
            return D6T_OK;
        }
    }
    return locate_by_layout(o, j, fd, sp, idx);
}

/* The largest value a U8 field can mean anything with: a length the table bounds with a MAX
 * rule (EA-len 48, PSID-len 16, ...) or the prefix length of a PD-Exclude (128); 255 otherwise.
 * A host computing a mask or a shift from a larger one would go past what it sized for. */
static unsigned u8_domain_max(const struct d6t_optdef *def, uint32_t key)
{
    unsigned max = 255;
    for (const struct d6t_rule *r = def->rules; r && r->kind != D6T_R_END; r++) {
        if (r->a != key) continue;
        if (r->kind == D6T_R_MAX && r->y < max) max = (unsigned)r->y;
        if (r->kind == D6T_R_EXCLUDE && max > 128) max = 128;
    }
    return max;
}

d6t_status d6t_opt_get_u8(const d6t_opt *o, d6t_key k, uint8_t *v)
{
    const struct d6t_fielddef *f;
    struct d6t_span s;
    d6t_status st = locate(o, k, T(U8), &f, &s, NULL);
    if (st) return st;
    uint8_t b = o->data[s.off];
    if (o->def->rules && b > u8_domain_max(o->def, (uint32_t)k)) return D6T_ERR_OPT_VALUE;
    if (v) *v = b;
    return D6T_OK;
}

d6t_status d6t_opt_get_u16(const d6t_opt *o, d6t_key k, uint16_t *v)
{
    const struct d6t_fielddef *f;
    struct d6t_span s;
    int j;
    d6t_status st = locate(o, k, T(U16) | T(PSID), &f, &s, &j);
    if (st) return st;
    uint16_t w = d6t__get16(o->data + s.off);
    if (f->type == D6T_FT_PSID) {
        /* the PSID is left-aligned in 16 bits by the psid-len field just before it */
        uint8_t plen = o->data[s.off - 1];
        if (plen > 16) return D6T_ERR_OPT_VALUE;
        if (plen == 0)
            w = 0;
        else if (plen < 16)
            w = (uint16_t)(w >> (16 - plen));
    }
    if (v) *v = w;
    return D6T_OK;
}

d6t_status d6t_opt_get_u32(const d6t_opt *o, d6t_key k, uint32_t *v)
{
    const struct d6t_fielddef *f;
    struct d6t_span s;
    d6t_status st = locate(o, k, T(U32), &f, &s, NULL);
    if (!st && v) *v = d6t__get32(o->data + s.off);
    return st;
}

d6t_status d6t_opt_get_addr6(const d6t_opt *o, d6t_key k, uint8_t addr[16])
{
    const struct d6t_fielddef *f;
    struct d6t_span s;
    d6t_status st = locate(o, k, T(ADDR6), &f, &s, NULL);
    if (!st && addr) memcpy(addr, o->data + s.off, 16);
    return st;
}

d6t_status d6t_opt_get_addr4(const d6t_opt *o, d6t_key k, uint8_t addr[4])
{
    const struct d6t_fielddef *f;
    struct d6t_span s;
    d6t_status st = locate(o, k, T(ADDR4), &f, &s, NULL);
    if (!st && addr) memcpy(addr, o->data + s.off, 4);
    return st;
}

d6t_status d6t_opt_get_prefix(const d6t_opt *o, d6t_key k, uint8_t addr[16], uint8_t *plen)
{
    const struct d6t_fielddef *f;
    struct d6t_span s;
    d6t_status st = locate(o, k, T(PREFIX6) | T(PREFIX6_VAR) | T(PREFIX4), &f, &s, NULL);
    if (st) return st;
    size_t bytes = f->type == D6T_FT_PREFIX4 ? 4 : 16;
    /* nothing checks a fixed-size prefix's length at parse: past its address it means nothing,
     * and a mask computed from it would run past the address */
    if (o->data[s.off] > bytes * 8 || s.len - 1 > bytes) return D6T_ERR_OPT_VALUE;
    if (plen) *plen = o->data[s.off];
    if (addr) {
        memset(addr, 0, bytes);
        memcpy(addr, o->data + s.off + 1, s.len - 1);
    }
    return D6T_OK;
}

/* A numeric field as it is on the wire (U8, U16, U32, a prefix's length), without the domain
 * checks of the getters: validation reads values with it to report the impossible ones. */
d6t_status d6t__field_num(const d6t_opt *o, d6t_key k, uint32_t *x)
{
    const struct d6t_fielddef *f;
    struct d6t_span s;
    d6t_status st = locate(o, k, T(U8) | T(U16) | T(U32) | T(PREFIX6) | T(PREFIX6_VAR) | T(PREFIX4),
                           &f, &s, NULL);
    if (st) return st;
    const uint8_t *d = o->data + s.off;
    *x = f->type == D6T_FT_U16 ? d6t__get16(d) : f->type == D6T_FT_U32 ? d6t__get32(d) : d[0];
    return D6T_OK;
}

d6t_status d6t_opt_get_bytes(const d6t_opt *o, d6t_key k, const uint8_t **data, size_t *len)
{
    const struct d6t_fielddef *f;
    struct d6t_span s;
    d6t_status st = locate(o, k, 0, &f, &s, NULL);
    if (st) return st;
    if (data) *data = o->data + s.off;
    if (len) *len = s.len;
    return D6T_OK;
}

/* Walk the elements of a list field: element i's span. Returns the element count when
 * i is out of range (and leaves *el untouched). */
static size_t list_walk(const struct d6t_fielddef *f, const uint8_t *d, struct d6t_span s, size_t i,
                        struct d6t_span *el)
{
    size_t n = 0, p = s.off, end = s.off + s.len, used;
    switch (f->type) {
    case D6T_FT_ADDR6_LIST:
    case D6T_FT_U16_LIST: {
        size_t w = f->type == D6T_FT_U16_LIST ? 2 : 16;
        n = s.len / w;
        if (i < n) {
            el->off = (uint32_t)(p + i * w);
            el->len = (uint32_t)w;
        }
        return n;
    }
    case D6T_FT_ADDR6_LIST16:
        n = s.len ? (s.len - 2) / 16 : 0;
        if (i < n) {
            el->off = (uint32_t)(p + 2 + i * 16);
            el->len = 16;
        }
        return n;
    case D6T_FT_DNAME_LIST:
        for (; p < end; p += used, n++) {
            d6t_dname_check(d + p, end - p, 0, &used, NULL);
            if (n == i) {
                el->off = (uint32_t)p;
                el->len = (uint32_t)used;
            }
        }
        return n;
    case D6T_FT_BIN16_LIST:
        for (; p < end; n++) {
            size_t l = d6t__get16(d + p);
            if (n == i) {
                el->off = (uint32_t)(p + 2);
                el->len = (uint32_t)l;
            }
            p += 2 + l;
        }
        return n;
    default: return 0;
    }
}

#define LISTS (T(ADDR6_LIST) | T(U16_LIST) | T(ADDR6_LIST16) | T(DNAME_LIST) | T(BIN16_LIST))

d6t_status d6t_opt_list_count(const d6t_opt *o, d6t_key k, size_t *n)
{
    const struct d6t_fielddef *f;
    struct d6t_span s, el;
    d6t_status st = locate(o, k, LISTS, &f, &s, NULL);
    if (!st && n) *n = list_walk(f, o->data, s, SIZE_MAX, &el);
    return st;
}

static d6t_status element(const d6t_opt *o, d6t_key k, uint32_t types, size_t i,
                          struct d6t_span *el)
{
    const struct d6t_fielddef *f;
    struct d6t_span s;
    d6t_status st = locate(o, k, types, &f, &s, NULL);
    if (st) return st;
    el->len = UINT32_MAX;
    size_t n = list_walk(f, o->data, s, i, el);
    return i < n ? D6T_OK : D6T_ERR_NOT_FOUND;
}

d6t_status d6t_opt_list_get_addr6(const d6t_opt *o, d6t_key k, size_t i, uint8_t addr[16])
{
    struct d6t_span el;
    d6t_status st = element(o, k, T(ADDR6_LIST) | T(ADDR6_LIST16), i, &el);
    if (!st && addr) memcpy(addr, o->data + el.off, 16);
    return st;
}

d6t_status d6t_opt_list_get_u16(const d6t_opt *o, d6t_key k, size_t i, uint16_t *v)
{
    struct d6t_span el;
    d6t_status st = element(o, k, T(U16_LIST), i, &el);
    if (!st && v) *v = d6t__get16(o->data + el.off);
    return st;
}

d6t_status d6t_opt_list_get_bytes(const d6t_opt *o, d6t_key k, size_t i, const uint8_t **data,
                                  size_t *len)
{
    struct d6t_span el;
    d6t_status st = element(o, k, T(BIN16_LIST), i, &el);
    if (st) return st;
    if (data) *data = o->data + el.off;
    if (len) *len = el.len;
    return D6T_OK;
}

d6t_status d6t_opt_get_dname(const d6t_opt *o, d6t_key k, size_t i, char *out, size_t cap)
{
    const struct d6t_fielddef *f;
    struct d6t_span s;
    d6t_status st = locate(o, k, T(DNAME) | T(FQDN) | T(DNAME16) | T(DNAME_LIST), &f, &s, NULL);
    if (st) return st;
    if (f->type == D6T_FT_DNAME_LIST) {
        st = element(o, k, T(DNAME_LIST), i, &s);
        if (st) return st;
        return d6t_dname_to_text(o->data + s.off, s.len, 0, out, cap, NULL);
    }
    if (i != 0) return D6T_ERR_NOT_FOUND;
    if (f->type == D6T_FT_DNAME16)
        return d6t_dname_to_text(o->data + s.off + 2, s.len - 2, 0, out, cap, NULL);
    return d6t_dname_to_text(o->data + s.off, s.len,
                             f->type == D6T_FT_FQDN ? D6T_DNAME_RELATIVE_OK : 0, out, cap, NULL);
}

/* The part of list field span 's' that holds elements: an ADDR6_LIST16's own length is not
 * one. */
static struct d6t_span element_area(const struct d6t_fielddef *f, struct d6t_span s)
{
    if (f->type == D6T_FT_ADDR6_LIST16 && s.len) {
        s.off += 2;
        s.len -= 2;
    }
    return s;
}

static size_t fixed_element_size(d6t_ftype t)
{
    return t == D6T_FT_U16_LIST ? 2 : t == D6T_FT_ADDR6_LIST || t == D6T_FT_ADDR6_LIST16 ? 16 : 0;
}

d6t_status d6t_opt_list_view(const d6t_opt *o, d6t_key k, const uint8_t **data, size_t *n,
                             size_t *size)
{
    const struct d6t_fielddef *f;
    struct d6t_span s;
    d6t_status st = locate(o, k, T(ADDR6_LIST) | T(ADDR6_LIST16) | T(U16_LIST), &f, &s, NULL);
    if (st) return st;
    s = element_area(f, s);
    size_t w = fixed_element_size((d6t_ftype)f->type);
    if (data) *data = o->data + s.off;
    if (n) *n = s.len / w;
    if (size) *size = w;
    return D6T_OK;
}

/* Wire length of the element at p (before end), 0 when no whole element fits there. */
static size_t element_len(const struct d6t_fielddef *f, const uint8_t *p, size_t avail,
                          size_t *skip)
{
    size_t w = fixed_element_size((d6t_ftype)f->type), used;
    *skip = 0;
    if (w) return w <= avail ? w : 0;
    if (f->type == D6T_FT_DNAME_LIST)
        return d6t_dname_check(p, avail, 0, &used, NULL) == D6T_OK ? used : 0;
    if (avail < 2 || (size_t)d6t__get16(p) > avail - 2) return 0; /* BIN16_LIST */
    *skip = 2;
    return d6t__get16(p);
}

d6t_status d6t_opt_list_next(const d6t_opt *o, d6t_key k, size_t *pos, const uint8_t **data,
                             size_t *len)
{
    const struct d6t_fielddef *f;
    struct d6t_span s;
    if (!pos) return D6T_ERR_INVALID_ARG;
    d6t_status st = locate(o, k, LISTS, &f, &s, NULL);
    if (st) return st;
    s = element_area(f, s);
    if (*pos == s.len) return D6T_ERR_NOT_FOUND;
    size_t w = fixed_element_size((d6t_ftype)f->type);
    if (*pos > s.len || (w && *pos % w)) return D6T_ERR_INVALID_ARG;
    const uint8_t *p = o->data + s.off + *pos;
    size_t skip, l = element_len(f, p, s.len - *pos, &skip);
    if (!l && !skip) return D6T_ERR_INVALID_ARG; /* mid-element: not a position we handed out */
    if (data) *data = p + skip;
    if (len) *len = l;
    *pos += skip + l;
    return D6T_OK;
}

/* ---- setters ---- */

/* Replace data[off, off+oldlen) with a then b. Bytes from the caller (CHECK) get the layout
 * re-checked, undone on failure; bytes the setters encoded themselves are valid by construction. */
enum {
    TRUSTED = 0,
    CHECK = 1
};
/* Whether p[0..n) lies in the arena room the option's bytes may grow into (a caller may hand
 * a setter bytes read from the option itself). */
static int overlaps(const d6t_opt *o, const uint8_t *p, size_t n)
{
    uintptr_t s = (uintptr_t)o->data, e = (uintptr_t)o->arena->end, x = (uintptr_t)p;
    return n && x < e && x + n > s;
}

static d6t_status splice(d6t_opt *o, size_t off, size_t oldlen, const uint8_t *a, size_t alen,
                         const uint8_t *b, size_t blen, int check)
{
    size_t nl = o->len - oldlen + alen + blen;
    if (nl > 65535) return D6T_ERR_TOO_LONG;
    if ((o->flags & D6T_OPT_OWNED) && oldlen == alen + blen &&
        o->def->f[0].type != D6T_FT_OPTIONS) {
        /* same size, our own memory: in place (fixed-size fields cannot break the layout) */
        uint8_t *d = (uint8_t *)(uintptr_t)o->data; /* OWNED: our arena copy */
        d6t__move_small(d + off, a, alen);
        d6t__move_small(d + off + alen, b, blen);
        return D6T_OK;
    }
    if ((o->flags & D6T_OPT_OWNED) && check == TRUSTED && !overlaps(o, a, alen) &&
        !overlaps(o, b, blen) && d6t__arena_grow_last(o->arena, o->data, o->len, nl)) {
        /* the option's bytes are the arena's latest allocation (a new option being filled in):
         * they grow where they are instead of being copied for every field set */
        uint8_t *d = (uint8_t *)(uintptr_t)o->data; /* OWNED: our arena copy */
        size_t tail = o->len - off - oldlen;
        if (tail) memmove(d + off + alen + blen, d + off + oldlen, tail);
        d6t__move_small(d + off, a, alen);
        d6t__move_small(d + off + alen, b, blen);
        o->len = (uint32_t)nl;
        return D6T_OK;
    }
    uint8_t *nd = d6t__alloc(o->arena, nl ? nl : 1);
    if (!nd) return D6T_ERR_NOMEM;
    memcpy(nd, o->data, off);
    if (alen) memcpy(nd + off, a, alen);
    if (blen) memcpy(nd + off + alen, b, blen);
    memcpy(nd + off + alen + blen, o->data + off + oldlen, o->len - off - oldlen);
    const uint8_t *old = o->data;
    uint32_t oldn = o->len;
    uint8_t oldflags = o->flags;
    o->data = nd;
    o->len = (uint32_t)nl;
    o->flags |= D6T_OPT_OWNED;
    if (check == TRUSTED) return D6T_OK;
    struct d6t_span spans[D6T_MAX_FIELDS];
    size_t hdr, bad;
    const char *why;
    d6t_status st = d6t__layout(o->def, o->data, o->len, spans, &hdr, &why, &bad);
    if (st || hdr != o->len) {
        o->data = old;
        o->len = oldn;
        o->flags = oldflags; /* the old data may be a view into the caller's buffer */
        return st ? st : D6T_ERR_OPT_LENGTH;
    }
    return D6T_OK;
}

/* Inlined into each typed setter, so that the copy has a constant size. */
static D6T__ALWAYS_INLINE d6t_status set_fixed(d6t_opt *o, d6t_key k, uint32_t types,
                                               const uint8_t *v, size_t n)
{
    const struct d6t_fielddef *f;
    struct d6t_span s;
    d6t_status st = locate(o, k, types, &f, &s, NULL);
    if (st) return st;
    /* the common case, a field of an option we built: overwrite in place (splice's own first case) */
    if ((o->flags & D6T_OPT_OWNED) && s.len == n) { /* a keyed field: the row has fields */
        memcpy((uint8_t *)(uintptr_t)o->data + s.off, v, n);
        return D6T_OK;
    }
    return splice(o, s.off, s.len, v, n, NULL, 0, TRUSTED);
}

d6t_status d6t_opt_set_u8(d6t_opt *o, d6t_key k, uint8_t v)
{
    return set_fixed(o, k, T(U8), &v, 1);
}

d6t_status d6t_opt_set_u16(d6t_opt *o, d6t_key k, uint16_t v)
{
    const struct d6t_fielddef *f;
    struct d6t_span s;
    d6t_status st = locate(o, k, T(U16) | T(PSID), &f, &s, NULL);
    if (st) return st;
    if (f->type == D6T_FT_PSID) {
        uint8_t plen = o->data[s.off - 1];
        if (plen == 0 && v) return D6T_ERR_INVALID_ARG;
        if (plen > 0 && plen < 16) {
            if (v >> plen) return D6T_ERR_INVALID_ARG;
            v = (uint16_t)(v << (16 - plen));
        }
    }
    uint8_t b[2];
    d6t__put16(b, v);
    return splice(o, s.off, 2, b, 2, NULL, 0, TRUSTED);
}

d6t_status d6t_opt_set_u32(d6t_opt *o, d6t_key k, uint32_t v)
{
    uint8_t b[4];
    d6t__put32(b, v);
    /* the common case first (T1, T2, lifetimes of an option being built): the key's field is a
     * U32 of this row that lies within the bytes the option owns; anything else, and every
     * refusal, goes through set_fixed */
    const struct d6t_optdef *def = o ? o->def : NULL;
    uint32_t j = ((uint32_t)k & 0xffu) - 1u;
    if (def && (o->flags & D6T_OPT_OWNED) && (uint32_t)k >> 8 == def->keybase && j < def->nkeys &&
        def->f[j].type == D6T_FT_U32 && def->f[j].off != D6T_OFF_VAR &&
        def->f[j].off + 4u <= o->len) {
        memcpy((uint8_t *)(uintptr_t)o->data + def->f[j].off, b, 4);
        return D6T_OK;
    }
    return set_fixed(o, k, T(U32), b, 4);
}

d6t_status d6t_opt_set_addr6(d6t_opt *o, d6t_key k, const uint8_t addr[16])
{
    if (!addr) return D6T_ERR_INVALID_ARG;
    return set_fixed(o, k, T(ADDR6), addr, 16);
}

d6t_status d6t_opt_set_addr4(d6t_opt *o, d6t_key k, const uint8_t addr[4])
{
    if (!addr) return D6T_ERR_INVALID_ARG;
    return set_fixed(o, k, T(ADDR4), addr, 4);
}

d6t_status d6t_opt_set_prefix(d6t_opt *o, d6t_key k, const uint8_t *addr, uint8_t plen)
{
    const struct d6t_fielddef *f;
    struct d6t_span s;
    if (!addr) return D6T_ERR_INVALID_ARG;
    d6t_status st = locate(o, k, T(PREFIX6) | T(PREFIX6_VAR) | T(PREFIX4), &f, &s, NULL);
    if (st) return st;
    uint8_t b[17] = {plen};
    size_t nb;
    if (f->type == D6T_FT_PREFIX4) {
        if (plen > 32) return D6T_ERR_INVALID_ARG;
        nb = 4;
    } else {
        if (plen > 128) return D6T_ERR_INVALID_ARG;
        nb = f->type == D6T_FT_PREFIX6 ? 16 : (plen + 7u) / 8u;
    }
    memcpy(b + 1, addr, nb);
    /* bits past the prefix length are zero on the wire */
    if (plen < nb * 8) {
        size_t full = plen / 8u;
        b[1 + full] &= (uint8_t)(0xff00u >> (plen % 8u));
        memset(b + 2 + full, 0, nb - full - 1);
    }
    if (f->type == D6T_FT_PREFIX6 && (o->flags & D6T_OPT_OWNED) && s.len == 17) {
        memcpy((uint8_t *)(uintptr_t)o->data + s.off, b, 17); /* fixed size: in place */
        return D6T_OK;
    }
    return splice(o, s.off, s.len, b, 1 + nb, NULL, 0, TRUSTED);
}

d6t_status d6t_opt_set_bytes(d6t_opt *o, d6t_key k, const uint8_t *data, size_t len)
{
    const struct d6t_fielddef *f;
    struct d6t_span s;
    if (!data && len) return D6T_ERR_INVALID_ARG;
    d6t_status st = locate(o, k, 0, &f, &s, NULL);
    if (st) return st;
    if (f->fixed && len != f->fixed) return D6T_ERR_INVALID_ARG; /* BIN, U32 (an IAID), ... */
    /* a fixed-size field of bytes we own: in place, as the typed setters do ('data' may be the
     * field itself, so moved rather than copied) */
    if (f->fixed && s.len == len && (o->flags & D6T_OPT_OWNED)) {
        d6t__move_small((uint8_t *)(uintptr_t)o->data + s.off, data, len);
        return D6T_OK;
    }
    /* a fixed-size field, or a last field of plain bytes (a DUID, text), takes any bytes of its
     * size: only structured fields (names, lists, lengths) need the layout checked again */
    int plain = f->fixed || (f->to_end && (f->type == D6T_FT_BIN_REST || f->type == D6T_FT_TEXT ||
                                           f->type == D6T_FT_DUID));
    return splice(o, s.off, s.len, data, len, NULL, 0, plain ? TRUSTED : CHECK);
}

d6t_status d6t_opt_set_text(d6t_opt *o, d6t_key k, const char *text)
{
    const struct d6t_fielddef *f;
    struct d6t_span s;
    if (!text) return D6T_ERR_INVALID_ARG;
    d6t_status st = locate(o, k, T(TEXT), &f, &s, NULL);
    if (st) return st;
    return splice(o, s.off, s.len, (const uint8_t *)text, strlen(text), NULL, 0, TRUSTED);
}

d6t_status d6t_opt_set_dname(d6t_opt *o, d6t_key k, const char *name)
{
    const struct d6t_fielddef *f;
    struct d6t_span s;
    uint8_t w[2 + 256];
    size_t wl;
    if (!name) return D6T_ERR_INVALID_ARG;
    d6t_status st = locate(o, k, T(DNAME) | T(FQDN) | T(DNAME16), &f, &s, NULL);
    if (st) return st;
    st = d6t_dname_from_text(name, f->type == D6T_FT_FQDN ? D6T_DNAME_RELATIVE_OK : 0, w + 2, 256,
                             &wl);
    if (st) return st == D6T_ERR_BUFFER_TOO_SMALL ? D6T_ERR_DNAME : st;
    if (f->type == D6T_FT_DNAME16) {
        d6t__put16(w, (uint16_t)wl);
        return splice(o, s.off, s.len, w, wl + 2, NULL, 0, TRUSTED);
    }
    return splice(o, s.off, s.len, w + 2, wl, NULL, 0, TRUSTED);
}

/* Append an element at the end of list field k. */
static d6t_status append(d6t_opt *o, d6t_key k, uint32_t types, const uint8_t *a, size_t alen,
                         const uint8_t *b, size_t blen)
{
    const struct d6t_fielddef *f;
    struct d6t_span s;
    d6t_status st = locate(o, k, types, &f, &s, NULL);
    if (st) return st;
    if (f->type == D6T_FT_ADDR6_LIST16) {
        /* rewrite the 2-byte length prefix (creating it when the list was absent) */
        size_t cur = s.len ? s.len - 2 : 0;
        if (cur + 16 > 65535) return D6T_ERR_TOO_LONG;
        uint8_t *nb = d6t__alloc(o->arena, cur + 18);
        if (!nb) return D6T_ERR_NOMEM;
        d6t__put16(nb, (uint16_t)(cur + 16));
        if (cur) memcpy(nb + 2, o->data + s.off + 2, cur);
        memcpy(nb + 2 + cur, a, 16);
        return splice(o, s.off, s.len, nb, cur + 18, NULL, 0, TRUSTED);
    }
    return splice(o, s.off + s.len, 0, a, alen, b, blen, TRUSTED);
}

d6t_status d6t_opt_list_add_addr6(d6t_opt *o, d6t_key k, const uint8_t addr[16])
{
    if (!addr) return D6T_ERR_INVALID_ARG;
    return append(o, k, T(ADDR6_LIST) | T(ADDR6_LIST16), addr, 16, NULL, 0);
}

d6t_status d6t_opt_list_add_u16(d6t_opt *o, d6t_key k, uint16_t v)
{
    uint8_t b[2];
    d6t__put16(b, v);
    return append(o, k, T(U16_LIST), b, 2, NULL, 0);
}

d6t_status d6t_opt_list_add_bytes(d6t_opt *o, d6t_key k, const uint8_t *data, size_t len)
{
    uint8_t b[2];
    if ((!data && len) || len > 65535) return D6T_ERR_INVALID_ARG;
    d6t__put16(b, (uint16_t)len);
    return append(o, k, T(BIN16_LIST), b, 2, data, len);
}

d6t_status d6t_opt_list_add_dname(d6t_opt *o, d6t_key k, const char *name)
{
    uint8_t w[256];
    size_t wl;
    if (!name) return D6T_ERR_INVALID_ARG;
    d6t_status st = d6t_dname_from_text(name, 0, w, sizeof w, &wl);
    if (st) return st == D6T_ERR_BUFFER_TOO_SMALL ? D6T_ERR_DNAME : st;
    return append(o, k, T(DNAME_LIST), w, wl, NULL, 0);
}

d6t_status d6t__splice_trusted(d6t_opt *o, size_t off, size_t oldlen, const uint8_t *a, size_t alen,
                               const uint8_t *b, size_t blen)
{
    return splice(o, off, oldlen, a, alen, b, blen, TRUSTED);
}
