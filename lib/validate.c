/* Validation: RFC 9915 containment and value rules, plus the extension RFCs. Every fact about an
 * option (where it may appear, how often, what must carry it, its value rules) is a column of
 * its row in lib/optdefs.def; this file interprets them generically. Unknown options and
 * unknown message types are not checked. Where and why this differs from dhcpkit:
 * docs/CONFORMANCE.md, "Validation rules".
 * SPDX-License-Identifier: BSD-2-Clause */
#include "internal.h"
#include "outbuf.h"

/* RFC 9915 section 7.6 (D6T_HOP_COUNT_LIMIT is the parser's structural bound, not this). */
#define RFC_HOP_COUNT_LIMIT 8
/* Messages and options on the path at once: a full relay chain of parse's depth plus the
 * deepest option nesting fits; trees built by the API may go deeper and are cut there. */
#define MAX_FRAMES (2 * (D6T_HOP_COUNT_LIMIT + 1) + D6T_MAX_OPTION_NESTING + 2)
#define PATH_CAP   768
#define WHAT_CAP   256

struct frame {
    const d6t_msg *m;     /* a message frame, or */
    const d6t_opt *o;     /* an option frame ... */
    const d6t_opt *first; /* ... and the first of its siblings (NULL: no index shown) */
};

struct vctx {
    d6t_violation_fn fn;
    void *ctx;
    size_t count;
    int stop;
    unsigned n;
    unsigned in_lq; /* inside OPTION_LQ_RELAY_DATA */
    struct frame fr[MAX_FRAMES];
};

/* ---------------------------------------------------------------- reporting */

static void path_opt(struct d6t_out *w, const d6t_opt *o, const d6t_opt *first)
{
    if (o->def)
        d6t__out_str(w, o->def->name);
    else
        d6t__out_fmt(w, "option-%u", o->code);
    if (!first) return;
    unsigned idx = 0, same = 0;
    for (const d6t_opt *s = first; s; s = s->next) {
        if (s->code != o->code || s->space != o->space) continue;
        if (s == o) idx = same;
        same++;
    }
    if (!(o->def && o->def->once) || same > 1) d6t__out_fmt(w, "[%u]", idx);
}

static void build_path(const struct vctx *v, char *buf, size_t cap)
{
    struct d6t_out w;
    d6t__out_init(&w, buf, cap);
    for (unsigned i = 0; i < v->n; i++) {
        const struct frame *f = &v->fr[i];
        if (i) d6t__out_str(&w, "/");
        if (f->m) {
            const char *nm = d6t_msg_type_name(f->m->type);
            if (nm)
                d6t__out_str(&w, nm);
            else
                d6t__out_fmt(&w, "MSG-%u", f->m->type);
        } else {
            path_opt(&w, f->o, f->first);
        }
    }
    if (w.n >= cap && cap > 4) memcpy(buf + cap - 4, "...", 4); /* truncated: say so */
}

__attribute__((format(printf, 3, 4))) static void report(struct vctx *v, d6t_violation_kind kind,
                                                         const char *fmt, ...)
{
    if (v->stop) return;
    v->count++;
    if (!v->fn) return;
    char path[PATH_CAP], what[WHAT_CAP];
    build_path(v, path, sizeof path);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (v->fn(v->ctx, kind, path, what)) v->stop = 1;
}

static int push(struct vctx *v, const d6t_msg *m, const d6t_opt *o, const d6t_opt *first)
{
    if (v->n >= MAX_FRAMES) {
        report(v, D6T_V_VALUE, "nested deeper than %u levels: not validated further", MAX_FRAMES);
        return 0;
    }
    v->fr[v->n].m = m;
    v->fr[v->n].o = o;
    v->fr[v->n].first = first;
    v->n++;
    return 1;
}

static const char *opt_name(const d6t_opt *o)
{
    return o->def ? o->def->name : "unknown option";
}

static const char *type_name(uint8_t t)
{
    const char *n = d6t_msg_type_name(t);
    return n ? n : "unknown message";
}

static void fmt_addr(char out[48], const uint8_t a[16])
{
    struct d6t_out w;
    d6t__out_init(&w, out, 48);
    d6t__out_addr6(&w, a);
}

/* ---------------------------------------------------------------- small predicates */

enum {
    A_UNSPEC = D6T__A_UNSPEC,
    A_LOOP = D6T__A_LOOP,
    A_MCAST = D6T__A_MCAST,
    A_LL = D6T__A_LL
};

/* The class name when 'a' is in one of the classes in 'bad', else NULL. */
static const char *bad_class(const uint8_t a[16], unsigned bad)
{
    if ((bad & A_UNSPEC) && d6t__addr_unspecified(a)) return "unspecified";
    if ((bad & A_LOOP) && d6t__addr_loopback(a)) return "loopback";
    if ((bad & A_MCAST) && d6t__addr_multicast(a)) return "multicast";
    if ((bad & A_LL) && d6t__addr_link_local(a)) return "link-local";
    return NULL;
}

static void check_addr(struct vctx *v, const char *what, const uint8_t a[16], unsigned bad)
{
    const char *c = bad_class(a, bad);
    if (!c) return;
    char t[48];
    fmt_addr(t, a);
    report(v, D6T_V_VALUE, "%s %s is a %s address", what, t, c);
}

/* Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
 * Returns the offset of the first bad byte, or n. */
static size_t utf8_bad(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        size_t k;
        uint32_t cp, min;
        if (c < 0x80) {
            i++;
            continue;
        }
        if ((c & 0xe0) == 0xc0) {
            k = 1;
            cp = c & 0x1fu;
            min = 0x80;
        } else if ((c & 0xf0) == 0xe0) {
            k = 2;
            cp = c & 0x0fu;
            min = 0x800;
        } else if ((c & 0xf8) == 0xf0) {
            k = 3;
            cp = c & 0x07u;
            min = 0x10000;
        } else
            return i;
        if (n - i <= k) return i;
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xc0) != 0x80) return i;
            cp = cp << 6 | (s[i + j] & 0x3fu);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
        i += k + 1;
    }
    return n;
}

/* Offset of the first byte outside printable ASCII (0x21..0x7e), or n. */
static size_t unprintable(const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < 0x21 || s[i] > 0x7e) return i;
    return n;
}

/* ---------------------------------------------------------------- POSIX TZ (RFC 4833) */

struct scan {
    const uint8_t *p, *end;
};

static int sc_peek(const struct scan *s)
{
    return s->p < s->end ? *s->p : -1;
}
static int sc_isdigit(int c)
{
    return c >= '0' && c <= '9';
}
static int sc_isalpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* up to 'max' digits, at least one; value in *val */
static int sc_num(struct scan *s, int max, unsigned *val)
{
    int k = 0;
    unsigned x = 0;
    while (k < max && sc_isdigit(sc_peek(s))) {
        x = x * 10 + (unsigned)(*s->p++ - '0');
        k++;
    }
    if (val) *val = x;
    return k > 0;
}

/* std / dst name: 3+ letters, or <...> of letters, digits, '+', '-' */
static int tz_name(struct scan *s)
{
    int k = 0;
    if (sc_peek(s) == '<') {
        s->p++;
        while (sc_isalpha(sc_peek(s)) || sc_isdigit(sc_peek(s)) || sc_peek(s) == '+' ||
               sc_peek(s) == '-') {
            s->p++;
            k++;
        }
        if (sc_peek(s) != '>') return 0;
        s->p++;
        return k >= 3;
    }
    while (sc_isalpha(sc_peek(s))) {
        s->p++;
        k++;
    }
    return k >= 3;
}

/* [+-]hh[:mm[:ss]]; rule times may reach 167 hours (POSIX.1-2008) */
static int tz_time(struct scan *s, unsigned max_h)
{
    unsigned h, m;
    if (sc_peek(s) == '+' || sc_peek(s) == '-') s->p++;
    if (!sc_num(s, 3, &h) || h > max_h) return 0;
    for (int i = 0; i < 2 && sc_peek(s) == ':'; i++) {
        s->p++;
        if (!sc_num(s, 2, &m) || m > 59) return 0;
    }
    return 1;
}

static int tz_date(struct scan *s)
{
    unsigned a, b, c;
    if (sc_peek(s) == 'J') {
        s->p++;
        return sc_num(s, 3, &a) && a >= 1 && a <= 365;
    }
    if (sc_peek(s) == 'M') {
        s->p++;
        if (!sc_num(s, 2, &a) || a < 1 || a > 12 || sc_peek(s) != '.') return 0;
        s->p++;
        if (!sc_num(s, 1, &b) || b < 1 || b > 5 || sc_peek(s) != '.') return 0;
        s->p++;
        return sc_num(s, 1, &c) && c <= 6;
    }
    return sc_num(s, 3, &a) && a <= 365;
}

static int tz_rule(struct scan *s)
{
    if (!tz_date(s)) return 0;
    if (sc_peek(s) == '/') {
        s->p++;
        return tz_time(s, 167);
    }
    return 1;
}

static int posix_tz_ok(const uint8_t *p, size_t n)
{
    struct scan s = {p, p + n};
    if (!tz_name(&s) || !tz_time(&s, 24)) return 0;
    if (s.p == s.end) return 1;
    if (!tz_name(&s)) return 0;
    if (s.p < s.end && sc_peek(&s) != ',' && !tz_time(&s, 24)) return 0;
    if (s.p == s.end) return 1;
    if (sc_peek(&s) != ',') return 0;
    s.p++;
    if (!tz_rule(&s) || sc_peek(&s) != ',') return 0;
    s.p++;
    return tz_rule(&s) && s.p == s.end;
}

/* ---------------------------------------------------------------- value rules */

/* The rules are the table's (RULES in optdefs.def); their keys belong to the option (a unit
 * test checks it). A field that does not fit its option was already reported by parsing, and for
 * built options the setters keep layouts valid, so a failed read only skips a rule. */
static const struct d6t_fielddef *field_of(const d6t_opt *o, uint32_t k)
{
    return &o->def->f[(k & 0xffu) - 1];
}

/* A numeric field: U8, U16, U32, or a prefix's length, as on the wire (the getters refuse the
 * impossible values validation is there to report). */
static inline int num(const d6t_opt *o, uint32_t k, uint32_t *x)
{
    /* a fixed-size field at a fixed offset (most rules' case): read it here */
    const struct d6t_fielddef *f = field_of(o, k);
    if (f->off != D6T_OFF_VAR && f->fixed && f->off + f->fixed <= o->len) {
        const uint8_t *d = o->data + f->off;
        switch (f->type) {
        case D6T_FT_U8: *x = d[0]; return 1;
        case D6T_FT_U16: *x = d6t__get16(d); return 1;
        case D6T_FT_U32: *x = d6t__get32(d); return 1;
        default: break;
        }
    }
    return d6t__field_num(o, (d6t_key)k, x) == D6T_OK;
}

static inline int bytesf(const d6t_opt *o, uint32_t k, const uint8_t **p, size_t *n)
{
    /* a fixed-size field, or the last one, at a fixed offset: its span is known here */
    const struct d6t_fielddef *f = field_of(o, k);
    if (f->off != D6T_OFF_VAR && f->off <= o->len && (f->fixed || f->to_end)) {
        size_t len = f->fixed ? f->fixed : o->len - f->off;
        if (f->off + len <= o->len) {
            *p = o->data + f->off;
            *n = len;
            return 1;
        }
    }
    return d6t_opt_get_bytes(o, (d6t_key)k, p, n) == D6T_OK;
}

static void rule_duid(struct vctx *v, const d6t_opt *o, uint32_t k)
{
    const uint8_t *d;
    size_t n;
    if (!bytesf(o, k, &d, &n)) return;
    if (n == 0) {
        report(v, D6T_V_LENGTH, "empty identifier: a DUID needs 3 to 130 bytes");
        return;
    }
    if (n < 3 || n > 130) {
        report(v, D6T_V_LENGTH, "DUID of %zu bytes: must be 3 to 130 (type + 1..128 bytes)", n);
        return;
    }
    static const struct {
        uint16_t type;
        uint8_t fixed, exact;
        const char *name;
    } kinds[] = {
        {D6T_DUID_LLT, 8, 0, "DUID-LLT"},
        {D6T_DUID_EN, 6, 0, "DUID-EN"},
        {D6T_DUID_LL, 4, 0, "DUID-LL"},
        {D6T_DUID_UUID, 18, 1, "DUID-UUID"},
    };
    uint16_t t = d6t__get16(d);
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (kinds[i].type != t) continue;
        if (kinds[i].exact && n != kinds[i].fixed)
            report(v, D6T_V_LENGTH, "%s of %zu bytes: must be exactly %u", kinds[i].name, n,
                   kinds[i].fixed);
        else if (n < kinds[i].fixed)
            report(v, D6T_V_LENGTH, "%s of %zu bytes is shorter than its %u-byte fixed part",
                   kinds[i].name, n, kinds[i].fixed);
    }
}

static const char *class_name(unsigned cls)
{
    static const char *const names[] = {"unspecified", "loopback", "multicast", "link-local"};
    for (unsigned i = 0; i < 4; i++)
        if (cls >> i & 1u) return names[i];
    return "?";
}

/* Each address of an ADDR6, ADDR6_LIST or ADDR6_LIST16 field against the classes x: 'is' = 0
 * reports one in a class, 'is' = 1 one in none of them. */
static void rule_addrs(struct vctx *v, const d6t_opt *o, const struct d6t_rule *r, int is)
{
    const uint8_t *p;
    size_t n, at = 0;
    if (!bytesf(o, r->a, &p, &n)) return;
    if (field_of(o, r->a)->type == D6T_FT_ADDR6_LIST16 && n) at = 2; /* its length */
    for (; at + 16 <= n; at += 16) {
        const char *c = bad_class(p + at, r->x);
        if (!c == !is) continue;
        char t[48];
        fmt_addr(t, p + at);
        if (is)
            report(v, D6T_V_VALUE, "%s %s is not %s", r->what, t, class_name(r->x));
        else
            report(v, D6T_V_VALUE, "%s %s is a %s address", r->what, t, c);
    }
}

/* An IPv6 prefix: a hint such as ::/56 is fine; one inside ff00::/8 or fe80::/10, or ::1/128,
 * is not. */
static void rule_prefix_class(struct vctx *v, const d6t_opt *o, uint32_t k)
{
    uint8_t a[16], len;
    uint32_t raw;
    d6t_status st = d6t_opt_get_prefix(o, (d6t_key)k, a, &len);
    if (st == D6T_ERR_OPT_VALUE && num(o, k, &raw)) {
        report(v, D6T_V_VALUE, "prefix length %u > 128", (unsigned)raw);
        return;
    }
    if (st) return;
    const char *c = NULL;
    if (len >= 8 && d6t__addr_multicast(a))
        c = "multicast";
    else if (len >= 10 && d6t__addr_link_local(a))
        c = "link-local";
    else if (len == 128 && d6t__addr_loopback(a))
        c = "loopback";
    if (c) {
        char t[48];
        fmt_addr(t, a);
        report(v, D6T_V_VALUE, "prefix %s/%u is %s", t, len, c);
    }
}

/* SvcParams (RFC 9460 section 2.2): key, value length, value, each 2+2+n bytes, keys in
 * strictly increasing order (so none twice); none of the keys in the bits of r->x (RFC 9463
 * section 3.1.8: no ipv4hint or ipv6hint). Empty is fine (no parameters). */
static void rule_svc_params(struct vctx *v, const struct d6t_rule *r, const uint8_t *s, size_t n)
{
    long prev = -1;
    for (size_t at = 0; at < n;) {
        if (n - at < 4) {
            report(v, D6T_V_LENGTH, "SvcParams truncated at byte %zu: a key and a length need 4",
                   at);
            return;
        }
        unsigned key = d6t__get16(s + at);
        size_t len = d6t__get16(s + at + 2);
        if (len > n - at - 4) {
            report(v, D6T_V_LENGTH, "SvcParam %u of %zu bytes runs past the end at byte %zu", key,
                   len, at);
            return;
        }
        if ((long)key <= prev)
            report(v, D6T_V_VALUE, "SvcParamKey %u after %ld: keys must increase", key, prev);
        if (key < 32 && (r->x >> key & 1u))
            report(v, D6T_V_VALUE, "SvcParamKey %u (%s) is not allowed", key, r->what);
        prev = (long)key;
        at += 4 + len;
    }
}

static void rule_text(struct vctx *v, const d6t_opt *o, const struct d6t_rule *r)
{
    const uint8_t *s;
    size_t n, bad;
    if (!bytesf(o, r->a, &s, &n)) return;
    switch (r->kind) {
    case D6T_R_UTF8:
        if ((bad = utf8_bad(s, n)) < n)
            report(v, D6T_V_ENCODING, "%s is not UTF-8 at byte %zu", r->what, bad);
        else if (n && s[n - 1] == 0)
            report(v, D6T_V_ENCODING, "%s is NUL-terminated", r->what);
        break;
    case D6T_R_PRINTABLE:
        if (n == 0)
            report(v, D6T_V_LENGTH, "empty %s", r->what);
        else if ((bad = unprintable(s, n)) < n)
            report(v, D6T_V_ENCODING, "%s has byte 0x%02x (not printable ASCII) at %zu", r->what,
                   s[bad], bad);
        break;
    case D6T_R_POSIX_TZ:
        if (!posix_tz_ok(s, n))
            report(v, D6T_V_ENCODING, "timezone \"%.*s\" is not a POSIX TZ string",
                   (int)(n > 64 ? 64 : n),
                   unprintable(s, n) == n ? (const char *)s : "(unprintable)");
        break;
    case D6T_R_NOT_ROOT:
        if (field_of(o, r->a)->type == D6T_FT_DNAME16 && n >= 2) { /* the name, not its length */
            s += 2;
            n -= 2;
        }
        if (n == 1 && s[0] == 0) report(v, D6T_V_VALUE, "%s is the root name only", r->what);
        break;
    case D6T_R_TEXT_PREFIX: {
        size_t k = strlen(r->what2);
        if (n < k || memcmp(s, r->what2, k))
            report(v, D6T_V_VALUE, "%s does not begin with \"%s\"", r->what, r->what2);
        break;
    }
    case D6T_R_LEN_MIN:
        if (n == 0 && r->y == 1)
            report(v, D6T_V_LENGTH, "empty %s", r->what);
        else if (n < r->y)
            report(v, D6T_V_LENGTH, "%s of %zu bytes: at least %u", r->what, n, (unsigned)r->y);
        break;
    case D6T_R_LEN_MAX:
        if (n > r->y)
            report(v, D6T_V_LENGTH, "%s of %zu bytes: at most %u", r->what, n, (unsigned)r->y);
        break;
    case D6T_R_LIST_FILLED: /* present: its 2-byte length at least; no element: only that */
        if (n == 2) report(v, D6T_V_LENGTH, "%s present but empty (length 0)", r->what);
        break;
    case D6T_R_SVC_PARAMS: rule_svc_params(v, r, s, n); break;
    case D6T_R_NO_ZERO: /* a 16-bit list */
        for (size_t i = 0; i + 2 <= n; i += 2)
            if (d6t__get16(s + i) == 0)
                report(v, D6T_V_VALUE, "%s %zu is code 0 (reserved)", r->what, i / 2);
        break;
    default: break;
    }
}

/* "must be 5, 6 or 11" from the set bits of x */
static void one_of(struct vctx *v, const struct d6t_rule *r, uint32_t x)
{
    char list[96];
    struct d6t_out w;
    d6t__out_init(&w, list, sizeof list);
    unsigned left = 0;
    for (unsigned i = 0; i < 32; i++) left += r->x >> i & 1u;
    for (unsigned i = 0; i < 32; i++) {
        if (!(r->x >> i & 1u)) continue;
        left--;
        d6t__out_fmt(&w, "%u%s", i, left > 1 ? ", " : left == 1 ? " or " : "");
    }
    report(v, D6T_V_VALUE, "%s %u: must be %s", r->what, (unsigned)x, list);
}

/* RFC 6603 section 4.2: longer than the enclosing prefix, and exactly the bytes needed. The
 * enclosing prefix is the parent's PREFIX6 field. */
static void rule_exclude(struct vctx *v, const d6t_opt *o, const struct d6t_rule *r,
                         const d6t_opt *p)
{
    uint32_t len;
    const uint8_t *sub;
    size_t n;
    uint8_t pa[16], plen;
    if (!num(o, r->a, &len) || !bytesf(o, r->b, &sub, &n)) return;
    if (len < 1 || len > 128) {
        report(v, D6T_V_VALUE, "excluded prefix length %u: must be 1..128", (unsigned)len);
        return;
    }
    if (n == 0) {
        report(v, D6T_V_LENGTH, "no subnet ID");
        return;
    }
    if (!p || !p->def) return;
    size_t j = 0;
    while (j < p->def->nkeys && p->def->f[j].type != D6T_FT_PREFIX6) j++;
    if (j == p->def->nkeys || d6t_opt_get_prefix(p, (d6t_key)p->def->f[j].key, pa, &plen)) return;
    if (len <= plen) {
        report(v, D6T_V_VALUE, "excluded prefix length %u <= delegated prefix length %u",
               (unsigned)len, plen);
        return;
    }
    size_t bits = len - plen, need = (bits + 7) / 8;
    if (n != need) {
        report(v, D6T_V_LENGTH, "subnet ID of %zu bytes: %zu needed for %zu bits", n, need, bits);
        return;
    }
    if (bits % 8 && (sub[n - 1] & (0xffu >> (bits % 8))))
        report(v, D6T_V_VALUE, "subnet ID has bits set past its %zu bits", bits);
}

/* RFC 7598 section 4.5: the PSID is left-aligned by the psid-len field just before it, and the
 * bits after its psid-len bits are zero. */
static void rule_psid(struct vctx *v, const d6t_opt *o, uint32_t k)
{
    uint32_t plen;
    const uint8_t *w;
    size_t n;
    if (!num(o, k - 1, &plen) || plen == 0 || plen >= 16 || !bytesf(o, k, &w, &n) || n != 2) return;
    unsigned raw = (unsigned)d6t__get16(w), pad = raw & (0xffffu >> plen);
    if (pad)
        report(v, D6T_V_VALUE, "PSID 0x%04x has bits set past its %u-bit length", raw,
               (unsigned)plen);
}

/* Sub-option counts of one container, by its own sub-options only: KIDS (how many of a kind)
 * and KID_IF (one that a field value asks for, e.g. the option a leasequery type queries by). */
static void rule_kids(struct vctx *v, const d6t_opt *o, const struct d6t_rule *r)
{
    uint32_t x;
    if (r->kind == D6T_R_KID_IF && (!num(o, r->a, &x) || x != r->x)) return;
    unsigned n = 0;
    for (const d6t_opt *k = o->kids.first; k; k = k->next)
        n += r->kind == D6T_R_KIDS ? k->code < 32 && (r->x >> k->code & 1u) : k->code == r->y;
    if (r->kind == D6T_R_KID_IF) {
        const d6t_optdef *need = d6t_optdef_find((d6t_space)o->def->child_space, (uint16_t)r->y);
        if (!n)
            report(v, D6T_V_MISSING, "%s is required in %s with %s %u",
                   need ? need->name : "a sub-option", o->def->name, r->what, (unsigned)x);
    } else if (n < r->b || n > r->y) {
        const char *bound = r->b == r->y ? "exactly" : n < r->b ? "at least" : "at most";
        report(v, n < r->b ? D6T_V_MISSING : D6T_V_TOO_MANY, "%u %s: %s %u", n, r->what, bound,
               (unsigned)(n < r->b ? r->b : r->y));
    }
}

/* Type of the innermost message around the option being checked, or -1 (an option validated
 * on its own): a rule restricted to some message types (its msgs) is checked only there. */
static int enclosing_type(const struct vctx *v)
{
    for (unsigned i = v->n; i-- > 0;)
        if (v->fr[i].m) return v->fr[i].m->type;
    return -1;
}

static int rule_applies(const struct vctx *v, const struct d6t_rule *r)
{
    if (!r->msgs) return 1;
    int t = enclosing_type(v);
    return t >= 0 && t < 32 && (r->msgs >> t & 1u);
}

/* A prefix sent with bits set past its length (the wire form keeps them; printers clear them). */
static void rule_prefix_pad(struct vctx *v, const d6t_opt *o, const struct d6t_rule *r)
{
    uint8_t a[16], len;
    if (d6t_opt_get_prefix(o, (d6t_key)r->a, a, &len)) return;
    unsigned width = field_of(o, r->a)->type == D6T_FT_PREFIX4 ? 32 : 128;
    for (unsigned i = len; i < width; i++)
        if (a[i / 8] & (0x80u >> (i % 8))) {
            report(v, D6T_V_VALUE, "%s has bits set past its length %u", r->what, len);
            return;
        }
}

static void check_rule(struct vctx *v, const d6t_opt *o, const struct d6t_rule *r,
                       const d6t_opt *parent)
{
    uint32_t x, y;
    if (!rule_applies(v, r)) return;
    switch ((enum d6t_rule_kind)r->kind) {
    case D6T_R_DUID: rule_duid(v, o, r->a); break;
    case D6T_R_LE:
        if (num(o, r->a, &x) && num(o, r->b, &y) && !(r->x && y == 0) && x > y)
            report(v, D6T_V_VALUE, "%s %u > %s %u", r->what, (unsigned)x, r->what2, (unsigned)y);
        break;
    case D6T_R_RANGE:
        if (num(o, r->a, &x) && (x < r->x || x > r->y))
            report(v, D6T_V_VALUE, "%u %s: must be %u..%u", (unsigned)x, r->what, (unsigned)r->x,
                   (unsigned)r->y);
        break;
    case D6T_R_MAX:
        if (num(o, r->a, &x) && x > r->y)
            report(v, D6T_V_VALUE, "%s %u > %u", r->what, (unsigned)x, (unsigned)r->y);
        break;
    case D6T_R_SUM_MAX:
        if (num(o, r->a, &x) && num(o, r->b, &y) && y <= r->y && x + y > r->y)
            report(v, D6T_V_VALUE, "%s %u + %s %u > %u", r->what, (unsigned)x, r->what2,
                   (unsigned)y, (unsigned)r->y);
        break;
    case D6T_R_ONE_OF:
        if (num(o, r->a, &x) && (x >= 32 || !(r->x >> x & 1u))) one_of(v, r, x);
        break;
    case D6T_R_BITS_ZERO:
    case D6T_R_NOT_ALL:
        if (!num(o, r->a, &x)) break;
        if (r->kind == D6T_R_BITS_ZERO ? (x & r->x) != 0 : (x & r->x) == r->x)
            report(v, D6T_V_VALUE, "%s 0x%02x: %s", field_of(o, r->a)->name, (unsigned)x, r->what);
        break;
    case D6T_R_ADDR_NOT: rule_addrs(v, o, r, 0); break;
    case D6T_R_ADDR_IS: rule_addrs(v, o, r, 1); break;
    case D6T_R_PREFIX_CLASS: rule_prefix_class(v, o, r->a); break;
    case D6T_R_PSID_PAD: rule_psid(v, o, r->a); break;
    case D6T_R_EXCLUDE: rule_exclude(v, o, r, parent); break;
    case D6T_R_KIDS:
    case D6T_R_KID_IF: rule_kids(v, o, r); break;
    case D6T_R_PREFIX_PAD: rule_prefix_pad(v, o, r); break;
    case D6T_R_END:
    case D6T_R_UNIQUE: break; /* among siblings: check_unique */
    default: rule_text(v, o, r); break;
    }
}

/* Two siblings with the same value of a field their table row marks UNIQUE (IAIDs: RFC 9915
 * section 12, unique per IA type). m: the message whose top level 'first' is, else NULL. */
static void check_unique(struct vctx *v, const d6t_opt *first, const d6t_msg *m)
{
    for (const d6t_opt *a = first; a; a = a->next) {
        const struct d6t_rule *r = a->def ? a->def->rules : NULL;
        while (r && r->kind != D6T_R_END && r->kind != D6T_R_UNIQUE) r++;
        const uint8_t *va, *vb;
        size_t na, nb;
        if (!r || r->kind != D6T_R_UNIQUE || !bytesf(a, r->a, &va, &na)) continue;
        if (r->msgs && !(m && m->type < 32 && (r->msgs >> m->type & 1u))) continue;
        unsigned ia = 0, ib = 0;
        for (const d6t_opt *b = first; b != a; b = b->next) {
            if (b->def != a->def) continue;
            if (bytesf(b, r->a, &vb, &nb) && na == nb && !memcmp(va, vb, na)) {
                /* a's index among its kind, for the report only */
                for (const d6t_opt *c = first; c != a; c = c->next) ia += c->def == a->def;
                char hex[2 * 16 + 1] = "";
                for (size_t i = 0; i < na && i < 16; i++) snprintf(hex + 2 * i, 3, "%02x", va[i]);
                report(v, D6T_V_DUPLICATE, "%s[%u] and %s[%u] share %s 0x%s", a->def->name, ib,
                       a->def->name, ia, r->what, hex);
                break;
            }
            ib++;
        }
    }
}

/* Whether option row d must be in message m (parent NULL) or under 'parent'. */
static int needed(const struct d6t_optdef *d, const d6t_msg *m, const d6t_opt *parent)
{
    if (!parent) return m->type < 32 && (d->need_msgs >> m->type & 1u);
    if (!parent->def || parent->def->child_space != d->space) return 0;
    for (size_t i = 0; i < sizeof d->need_in / sizeof d->need_in[0] && d->need_in[i]; i++)
        if (d->need_in[i] == parent->code) return 1;
    return 0;
}

/* ---------------------------------------------------------------- the walk */

static void check_msg(struct vctx *v, const d6t_msg *m);

static size_t def_index(const struct d6t_optdef *d)
{
    return (size_t)(d - d6t__optdefs);
}

static int has_parent(const struct d6t_optdef *d, uint16_t code)
{
    for (size_t i = 0; i < sizeof d->parents / sizeof d->parents[0] && d->parents[i]; i++)
        if (d->parents[i] == code) return 1;
    return 0;
}

/* Counts, singletons and required options of one option list; 'parent' NULL for a message.
 * Linear in the list: one bit per table row marks the rows the list has (a second option of a
 * row that may appear once is a duplicate), and only the rows something requires and the list
 * lacks are looked at; the table is gone through in order only to report a duplicate. */
static void check_list(struct vctx *v, const d6t_opt *first, const d6t_msg *m,
                       const d6t_opt *parent)
{
    size_t ndefs = d6t__optdef_count;
    uint64_t have[D6T__NEED_WORDS] = {0, 0, 0, 0};
    int dup = 0, twice = 0;
    for (const d6t_opt *o = first; o; o = o->next) {
        if (!o->def) continue;
        size_t i = def_index(o->def);
        uint64_t bit = (uint64_t)1 << (i % 64);
        int again = (have[i / 64] & bit) != 0;
        twice |= again;
        dup |= again && o->def->once;
        have[i / 64] |= bit;
    }
    for (size_t i = 0; dup && i < ndefs; i++) {
        if (!d6t__optdefs[i].once || !(have[i / 64] >> (i % 64) & 1u)) continue;
        unsigned n = 0;
        for (const d6t_opt *o = first; o; o = o->next) n += o->def == &d6t__optdefs[i];
        if (n > 1)
            report(v, D6T_V_TOO_MANY, "%s appears %u times (at most once)", d6t__optdefs[i].name,
                   n);
    }
    /* a message's list can miss only what its type requires, a parent's only what names it */
    const uint64_t *need = parent ? d6t__need_in_parent : d6t__need_in_msg;
    uint32_t tbit = !parent && m->type < 32 ? 1u << m->type : 0;
    int may_miss = parent
                       ? parent->code < 256 &&
                             (d6t__need_parent_codes[parent->code / 64] >> parent->code % 64 & 1u)
                       : tbit != 0;
    for (size_t w = 0; may_miss && w < D6T__NEED_WORDS; w++) {
        /* a message: the rows its own type requires, from the per-type table where it has them */
        uint64_t want = parent || w ? need[w] : d6t__need_by_type[m->type];
        for (uint64_t bits = want & ~have[w]; bits; bits &= bits - 1) {
            size_t i = w * 64 + (size_t)__builtin_ctzll(bits);
            if (i >= ndefs) continue;
            const struct d6t_optdef *d = &d6t__optdefs[i];
            if (parent ? !needed(d, m, parent) : !(d->need_msgs & tbit)) continue;
            /* RFC 5007 4.1.2.4 wants the relay information; servers leave out the client's
             * message (the innermost OPTION_RELAY_MSG), as dhcpkit's fixtures do */
            if (v->in_lq && d->has_msg) continue;
            report(v, D6T_V_MISSING, "%s is required in %s", d->name,
                   parent ? opt_name(parent) : type_name(m->type));
        }
    }
    /* siblings sharing a UNIQUE value share their row: with no row twice, none can */
    if (twice) check_unique(v, first, parent ? NULL : m);
}

/* RFC 9915 section 19: relays forward client messages up and server messages down;
 * RFC 5007 section 4.1.2.4: OPTION_LQ_RELAY_DATA holds the Relay-forward as received. */
static void check_nested_type(struct vctx *v, const d6t_opt *o, const d6t_msg *outer)
{
    uint8_t t = o->msg->type;
    const char *bad = NULL;
    if (o->code == D6T_OPT_LQ_RELAY_DATA) {
        if (t != D6T_MSG_RELAY_FORW) bad = "only RELAY-FORW";
    } else if (outer && outer->type == D6T_MSG_RELAY_FORW) {
        if (d6t_msg_type_is_server_to_client(t)) bad = "only client and relay-forward messages";
    } else if (outer && outer->type == D6T_MSG_RELAY_REPL) {
        if (d6t_msg_type_name(t) && !d6t_msg_type_is_server_to_client(t))
            bad = "only server and relay-reply messages";
    }
    if (bad)
        report(v, D6T_V_NOT_ALLOWED, "%s is not allowed in %s (%s)", type_name(t), opt_name(o),
               bad);
}

static void check_opt(struct vctx *v, const d6t_opt *o, const d6t_opt *first, const d6t_msg *m,
                      const d6t_opt *parent, unsigned nest)
{
    const struct d6t_optdef *d = o->def;
    if (!d || !push(v, NULL, o, first)) return;
    if (parent && !has_parent(d, parent->code))
        report(v, D6T_V_NOT_ALLOWED, "%s is not allowed in %s", d->name, opt_name(parent));
    else if (!parent && m && (m->type >= 32 || !(d->msgs >> m->type & 1u)))
        report(v, D6T_V_NOT_ALLOWED, "%s is not allowed in %s", d->name, type_name(m->type));
    for (const struct d6t_rule *r = d->rules; r && r->kind != D6T_R_END; r++)
        check_rule(v, o, r, parent);
    if (d->child_space >= 0 && o->kids.first) {
        if (nest >= D6T_MAX_OPTION_NESTING) {
            report(v, D6T_V_VALUE, "options nested deeper than %d levels: not validated further",
                   D6T_MAX_OPTION_NESTING);
        } else {
            check_list(v, o->kids.first, NULL, o);
            for (const d6t_opt *k = o->kids.first; k && !v->stop; k = k->next)
                check_opt(v, k, o->kids.first, NULL, o, nest + 1);
        }
    } else if (d->child_space >= 0) {
        check_list(v, NULL, NULL, o);
    }
    if (d->has_msg) {
        if (!o->msg)
            report(v, D6T_V_MISSING, "%s carries no message", d->name);
        else {
            unsigned lq = o->code == D6T_OPT_LQ_RELAY_DATA;
            check_nested_type(v, o, parent ? NULL : m);
            v->in_lq += lq;
            check_msg(v, o->msg);
            v->in_lq -= lq;
        }
    }
    v->n--;
}

static void check_relay_header(struct vctx *v, const d6t_msg *m)
{
    if (m->type == D6T_MSG_RELAY_FORW && m->hop_count > RFC_HOP_COUNT_LIMIT)
        report(v, D6T_V_VALUE, "hop count %u > HOP_COUNT_LIMIT %u", m->hop_count,
               RFC_HOP_COUNT_LIMIT);
    check_addr(v, "link address", m->link, A_MCAST);
    check_addr(v, "peer address", m->peer, A_MCAST);
}

static void check_msg(struct vctx *v, const d6t_msg *m)
{
    if (!push(v, m, NULL, NULL)) return;
    if (m->kind != D6T_KIND_UNKNOWN) {
        if (m->kind == D6T_KIND_RELAY) check_relay_header(v, m);
        check_list(v, m->opts.first, m, NULL);
        for (const d6t_opt *o = m->opts.first; o && !v->stop; o = o->next)
            check_opt(v, o, m->opts.first, m, NULL, 0);
    }
    v->n--;
}

static d6t_status finish(const struct vctx *v, size_t *count)
{
    if (count) *count = v->count;
    return v->count ? D6T_ERR_INVALID : D6T_OK;
}

/* Everything but the frames, which push fills before anything reads them. */
static void vctx_init(struct vctx *v, d6t_violation_fn fn, void *ctx)
{
    v->fn = fn;
    v->ctx = ctx;
    v->count = 0;
    v->stop = 0;
    v->n = 0;
    v->in_lq = 0;
}

d6t_status d6t_msg_validate(const d6t_msg *m, d6t_violation_fn fn, void *ctx, size_t *count)
{
    if (count) *count = 0;
    if (!m) return D6T_ERR_INVALID_ARG;
    struct vctx v;
    vctx_init(&v, fn, ctx);
    check_msg(&v, m);
    return finish(&v, count);
}

d6t_status d6t_opt_validate(const d6t_opt *o, d6t_violation_fn fn, void *ctx, size_t *count)
{
    if (count) *count = 0;
    if (!o) return D6T_ERR_INVALID_ARG;
    struct vctx v;
    vctx_init(&v, fn, ctx);
    check_opt(&v, o, NULL, NULL, NULL, 0);
    return finish(&v, count);
}
