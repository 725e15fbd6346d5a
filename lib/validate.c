/* Validation: RFC 9915 containment and value rules, plus the extension RFCs.
 *
 * Where the rules live: which option may appear in which message type or inside which option,
 * and how often, is in the option table (lib/optdefs.def rows, their TOP/IN containment: .msgs, .parents, .once). Options that
 * a message or container must carry are in need[] below; value rules are one function per
 * option in value_rules[]. Unknown options and unknown message types are not checked.
 *
 * Where this differs from dhcpkit 1.0.8b1 (shared/vectors/dhcpkit), following the RFCs:
 * - DUID length: RFC 9915 section 11.1 allows 1..128 octets after the 2-octet type, so a
 *   129- or 130-byte DUID is valid here (dhcpkit caps the whole DUID at 128 bytes).
 * - OPTION_RECONF_MSG may hold 6 (Rebind): RFC 8415/9915 section 21.19; dhcpkit allows 5, 11.
 * - OPTION_RELAY_ID (RFC 5460 section 5.4.1) and OPTION_ERO (RFC 4994) are allowed in
 *   RELAY-FORW, RELAY_ID and REMOTE_ID inside OPTION_LQ_QUERY (RFC 5460 query types 3, 5).
 * - INFORMATION-REQUEST may carry a Server Identifier and need not carry a Client
 *   Identifier (RFC 9915 section 18.2.6: SHOULD include the Client Identifier; MUST include
 *   the Server Identifier when answering a Reconfigure). It may not carry OPTION_UNICAST.
 * - RELAY-FORW and RELAY-REPL must carry exactly one OPTION_RELAY_MSG, a RELAY-FORW's hop
 *   count may not exceed HOP_COUNT_LIMIT (8 in RFC 8415/9915 section 7.6; a relay discards a
 *   Relay-forward whose hop-count is >= 8, so 8 is the largest a server can see), a RELAY-FORW
 *   carries no server message and a RELAY-REPL no client message. dhcpkit checks none of it.
 * - OPTION_AUTH only in Reply and Reconfigure (RFC 9915 appendix B; RKAP is the only
 *   protocol left), so also not directly in a relay message.
 * - T1 <= T2 (IA_NA, IA_PD, when T2 != 0) and preferred <= valid lifetime are checked
 *   (RFC 9915 sections 21.4, 21.6, 21.21, 21.22); dhcpkit does not.
 * - SOL_MAX_RT and INF_MAX_RT must be 60..86400 (RFC 9915 sections 21.24, 21.25); dhcpkit's
 *   valid vectors with 0, 0x1a2b3c4d and 0xffffffff are flagged here.
 * - RECONFIGURE must carry OPTION_AUTH and OPTION_RECONF_MSG (RFC 9915 section 16.11);
 *   dhcpkit's reconfigure_renew probe has no Authentication option and is flagged here.
 * - LEASEQUERY-DATA and LEASEQUERY-DONE have containment rules (RFC 5460), so their real
 *   contents (CLIENT_DATA, STATUS_CODE) are accepted.
 * - CONFIRM may not carry OPTION_IA_PD (RFC 9915 appendix B; prefixes are confirmed with
 *   Rebind, section 18.2.12): dhcpkit's CONFIRM fixtures with an IA_PD are flagged here.
 * - Option code 0 (reserved) in an ORO or ERO is flagged; dhcpkit accepts it.
 * - A RELAY-FORW inside OPTION_LQ_RELAY_DATA need not carry OPTION_RELAY_MSG (the server
 *   returns the relay information, RFC 5007 4.1.2.5); dhcpkit agrees.
 * - S46_PORTPARAMS with PSID bits set past PSID-len is flagged (RFC 7598 4.5: padding
 *   zeros); dhcpkit silently masks them.
 * - An AFTR name that is the root alone is flagged (it names no AFTR, RFC 6334); a one-label
 *   name such as "x." is accepted (dhcpkit wants at least 4 bytes).
 * - OPTION_ORO is accepted in every client message: RFC 9915 21.7 requires it in Solicit,
 *   Request, Renew, Rebind and Information-request and forbids it nowhere, and ISC dhclient
 *   and dhcpcd send it in Confirm and Release (appendix B lists only the first five).
 * - A Client FQDN with both N and S set or with MBZ bits set is flagged (RFC 4704 4.1).
 * - OPTION_UNICAST is deprecated by RFC 9915 but still accepted in Advertise and Reply, where
 *   RFC 8415 placed it, so that older servers validate.
 * dhcpkit's address-class rules (IAADDR / IAPREFIX not link-local, loopback or multicast;
 * relay link/peer not multicast; NTP, LQ and UNICAST addresses) are kept: none of those
 * addresses can do the job the option names, whether or not the RFC spells it out.
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
#define MAX_DEFS   160

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
    A_UNSPEC = 1,
    A_LOOP = 2,
    A_MCAST = 4,
    A_LL = 8
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

/* Read helpers: a field that does not fit its option was already reported by parsing, and
 * for built options the setters keep layouts valid, so a failed read only skips a rule. */
static int u8f(const d6t_opt *o, d6t_key k, unsigned *x)
{
    uint8_t b;
    if (d6t_opt_get_u8(o, k, &b)) return 0;
    *x = b;
    return 1;
}
static int u32f(const d6t_opt *o, d6t_key k, uint32_t *x)
{
    return d6t_opt_get_u32(o, k, x) == D6T_OK;
}
static int bytesf(const d6t_opt *o, d6t_key k, const uint8_t **p, size_t *n)
{
    return d6t_opt_get_bytes(o, k, p, n) == D6T_OK;
}

static void rule_duid(struct vctx *v, const d6t_opt *o, d6t_key k)
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

static void r_clientid(struct vctx *v, const d6t_opt *o, const d6t_opt *p)
{
    (void)p;
    rule_duid(v, o, D6T_CLIENTID_DUID);
}
static void r_serverid(struct vctx *v, const d6t_opt *o, const d6t_opt *p)
{
    (void)p;
    rule_duid(v, o, D6T_SERVERID_DUID);
}
static void r_relayid(struct vctx *v, const d6t_opt *o, const d6t_opt *p)
{
    (void)p;
    rule_duid(v, o, D6T_RELAY_ID_DUID);
}

static void rule_t1t2(struct vctx *v, const d6t_opt *o, d6t_key k1, d6t_key k2)
{
    uint32_t t1, t2;
    if (u32f(o, k1, &t1) && u32f(o, k2, &t2) && t2 != 0 && t1 > t2)
        report(v, D6T_V_VALUE, "T1 %u > T2 %u", (unsigned)t1, (unsigned)t2);
}
static void r_ia_na(struct vctx *v, const d6t_opt *o, const d6t_opt *p)
{
    (void)p;
    rule_t1t2(v, o, D6T_IA_NA_T1, D6T_IA_NA_T2);
}
static void r_ia_pd(struct vctx *v, const d6t_opt *o, const d6t_opt *p)
{
    (void)p;
    rule_t1t2(v, o, D6T_IA_PD_T1, D6T_IA_PD_T2);
}

static void rule_lifetimes(struct vctx *v, const d6t_opt *o, d6t_key kp, d6t_key kv)
{
    uint32_t pl, vl;
    if (u32f(o, kp, &pl) && u32f(o, kv, &vl) && pl > vl)
        report(v, D6T_V_VALUE, "preferred lifetime %u > valid lifetime %u", (unsigned)pl,
               (unsigned)vl);
}

static void r_iaaddr(struct vctx *v, const d6t_opt *o, const d6t_opt *p)
{
    (void)p;
    uint8_t a[16];
    rule_lifetimes(v, o, D6T_IAADDR_PREFERRED_LIFETIME, D6T_IAADDR_VALID_LIFETIME);
    if (!d6t_opt_get_addr6(o, D6T_IAADDR_ADDRESS, a))
        check_addr(v, "IA address", a, A_LOOP | A_MCAST | A_LL);
}

static void r_iaprefix(struct vctx *v, const d6t_opt *o, const d6t_opt *p)
{
    (void)p;
    uint8_t a[16], len;
    rule_lifetimes(v, o, D6T_IAPREFIX_PREFERRED_LIFETIME, D6T_IAPREFIX_VALID_LIFETIME);
    if (d6t_opt_get_prefix(o, D6T_IAPREFIX_PREFIX, a, &len)) return;
    if (len > 128) {
        report(v, D6T_V_VALUE, "prefix length %u > 128", len);
        return;
    }
    /* a hint such as ::/56 is fine; a prefix inside ff00::/8 or fe80::/10, or ::1/128, is not */
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

static void rule_codes(struct vctx *v, const d6t_opt *o, d6t_key k)
{
    size_t n;
    uint16_t c;
    if (d6t_opt_count(o, k, &n)) return;
    for (size_t i = 0; i < n; i++)
        if (!d6t_opt_get_u16_at(o, k, i, &c) && c == 0)
            report(v, D6T_V_VALUE, "requested option %zu is code 0 (reserved)", i);
}
static void r_oro(struct vctx *v, const d6t_opt *o, const d6t_opt *p)
{
    (void)p;
    rule_codes(v, o, D6T_ORO_REQUESTED_OPTIONS);
}
static void r_ero(struct vctx *v, const d6t_opt *o, const d6t_opt *p)
{
    (void)p;
    rule_codes(v, o, D6T_ERO_REQUESTED_OPTIONS);
}

static void r_unicast(struct vctx *v, const d6t_opt *o, const d6t_opt *p)
{
    (void)p;
    uint8_t a[16];
    if (!d6t_opt_get_addr6(o, D6T_UNICAST_SERVER_ADDRESS, a))
        check_addr(v, "server address", a, A_UNSPEC | A_LOOP | A_MCAST);
}

static void r_status(struct vctx *v, const d6t_opt *o, const d6t_opt *p)
{
    (void)p;
    const uint8_t *s;
    size_t n, bad;
    if (!bytesf(o, D6T_STATUS_CODE_STATUS_MESSAGE, &s, &n)) return;
    if ((bad = utf8_bad(s, n)) < n)
        report(v, D6T_V_ENCODING, "status message is not UTF-8 at byte %zu", bad);
    else if (n && s[n - 1] == 0)
        report(v, D6T_V_ENCODING, "status message is NUL-terminated");
}

static void r_reconf_msg(struct vctx *v, const d6t_opt *o, const d6t_opt *p)
{
    (void)p;
    unsigned t;
    if (u8f(o, D6T_RECONF_MSG_MESSAGE_TYPE, &t) && t != D6T_MSG_RENEW && t != D6T_MSG_REBIND &&
        t != D6T_MSG_INFORMATION_REQUEST)
        report(v, D6T_V_VALUE, "reconfigure message type %u: must be 5, 6 or 11", t);
}

static void r_fqdn(struct vctx *v, const d6t_opt *o, const d6t_opt *p)
{
    (void)p;
    unsigned f;
    if (!u8f(o, D6T_CLIENT_FQDN_FLAGS, &f)) return;
    if (f & 0xf8) report(v, D6T_V_VALUE, "flags 0x%02x: MBZ bits set", f);
    if ((f & 0x05) == 0x05) report(v, D6T_V_VALUE, "flags 0x%02x: N and S both set", f);
}

static void r_posix_tz(struct vctx *v, const d6t_opt *o, const d6t_opt *p)
{
    (void)p;
    const uint8_t *s;
    size_t n;
    if (bytesf(o, D6T_NEW_POSIX_TIMEZONE_TIMEZONE, &s, &n) && !posix_tz_ok(s, n))
        report(v, D6T_V_ENCODING, "timezone \"%.*s\" is not a POSIX TZ string",
               (int)(n > 64 ? 64 : n), unprintable(s, n) == n ? (const char *)s : "(unprintable)");
}

static void rule_printable(struct vctx *v, const d6t_opt *o, d6t_key k, const char *what)
{
    const uint8_t *s;
    size_t n, bad;
    if (!bytesf(o, k, &s, &n)) return;
    if (n == 0)
        report(v, D6T_V_LENGTH, "empty %s", what);
    else if ((bad = unprintable(s, n)) < n)
        report(v, D6T_V_ENCODING, "%s has byte 0x%02x (not printable ASCII) at %zu", what, s[bad],
               bad);
}
static void r_tzdb(struct vctx *v, const d6t_opt *o, const d6t_opt *p)
{
    (void)p;
    rule_printable(v, o, D6T_NEW_TZDB_TIMEZONE_TIMEZONE, "timezone name");
}
static void r_bootfile(struct vctx *v, const d6t_opt *o, const d6t_opt *p)
{
    (void)p;
    rule_printable(v, o, D6T_BOOTFILE_URL_URL, "URL");
}
static void r_portal(struct vctx *v, const d6t_opt *o, const d6t_opt *p)
{
    (void)p;
    rule_printable(v, o, D6T_V6_CAPTIVE_PORTAL_URI, "URI");
}

static void r_lq_query(struct vctx *v, const d6t_opt *o, const d6t_opt *p)
{
    (void)p;
    uint8_t a[16];
    if (!d6t_opt_get_addr6(o, D6T_LQ_QUERY_LINK_ADDRESS, a))
        check_addr(v, "link address", a, A_LOOP | A_MCAST);
}

static void r_lq_relay_data(struct vctx *v, const d6t_opt *o, const d6t_opt *p)
{
    (void)p;
    uint8_t a[16];
    if (!d6t_opt_get_addr6(o, D6T_LQ_RELAY_DATA_PEER_ADDRESS, a))
        check_addr(v, "peer address", a, A_UNSPEC | A_LOOP | A_MCAST);
}

static void r_lq_client_link(struct vctx *v, const d6t_opt *o, const d6t_opt *p)
{
    (void)p;
    uint8_t a[16];
    size_t n;
    if (d6t_opt_count(o, D6T_LQ_CLIENT_LINK_LINK_ADDRESSES, &n)) return;
    for (size_t i = 0; i < n; i++)
        if (!d6t_opt_get_addr6_at(o, D6T_LQ_CLIENT_LINK_LINK_ADDRESSES, i, a))
            check_addr(v, "link address", a, A_UNSPEC | A_LOOP | A_MCAST);
}

/* RFC 6603 section 4.2: longer than the enclosing prefix, and exactly the bytes needed */
static void r_pd_exclude(struct vctx *v, const d6t_opt *o, const d6t_opt *p)
{
    unsigned len;
    const uint8_t *sub;
    size_t n;
    uint8_t pa[16], plen;
    if (!u8f(o, D6T_PD_EXCLUDE_PREFIX_LENGTH, &len) ||
        !bytesf(o, D6T_PD_EXCLUDE_SUBNET_ID, &sub, &n))
        return;
    if (len < 1 || len > 128) {
        report(v, D6T_V_VALUE, "excluded prefix length %u: must be 1..128", len);
        return;
    }
    if (n == 0) {
        report(v, D6T_V_LENGTH, "no subnet ID");
        return;
    }
    if (!p || p->code != D6T_OPT_IAPREFIX || d6t_opt_get_prefix(p, D6T_IAPREFIX_PREFIX, pa, &plen))
        return;
    if (len <= plen) {
        report(v, D6T_V_VALUE, "excluded prefix length %u <= delegated prefix length %u", len,
               plen);
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

/* RFC 6334 section 3: the name of the AFTR, so not the root alone */
static void r_aftr(struct vctx *v, const d6t_opt *o, const d6t_opt *p)
{
    (void)p;
    const uint8_t *s;
    size_t n;
    if (bytesf(o, D6T_AFTR_NAME_FQDN, &s, &n) && n == 1 && s[0] == 0)
        report(v, D6T_V_VALUE, "AFTR name is the root name only");
}

static void r_sol_inf_max_rt(struct vctx *v, const d6t_opt *o, d6t_key k)
{
    uint32_t x;
    if (u32f(o, k, &x) && (x < 60 || x > 86400))
        report(v, D6T_V_VALUE, "%u seconds: must be 60..86400", (unsigned)x);
}
static void r_sol_max_rt(struct vctx *v, const d6t_opt *o, const d6t_opt *p)
{
    (void)p;
    r_sol_inf_max_rt(v, o, D6T_SOL_MAX_RT_SOL_MAX_RT);
}
static void r_inf_max_rt(struct vctx *v, const d6t_opt *o, const d6t_opt *p)
{
    (void)p;
    r_sol_inf_max_rt(v, o, D6T_INF_MAX_RT_INF_MAX_RT);
}

/* RFC 7598 section 4.1 */
static void r_s46_rule(struct vctx *v, const d6t_opt *o, const d6t_opt *p)
{
    (void)p;
    unsigned ea;
    uint8_t a[16], len;
    if (u8f(o, D6T_S46_RULE_EA_LEN, &ea) && ea > 48) report(v, D6T_V_VALUE, "EA-len %u > 48", ea);
    if (!d6t_opt_get_prefix(o, D6T_S46_RULE_IPV4_PREFIX, a, &len) && len > 32)
        report(v, D6T_V_VALUE, "IPv4 prefix length %u > 32", len);
}

/* RFC 7598 section 4.5 and RFC 7597 section 5.1: offset a <= 15, a + k <= 16, the PSID is
 * left-aligned and the bits after its k bits are zero */
static void r_s46_portparams(struct vctx *v, const d6t_opt *o, const d6t_opt *p)
{
    (void)p;
    unsigned off, k;
    const uint8_t *w;
    size_t n;
    if (!u8f(o, D6T_S46_PORTPARAMS_OFFSET, &off) || !u8f(o, D6T_S46_PORTPARAMS_PSID_LEN, &k))
        return;
    if (off > 15) report(v, D6T_V_VALUE, "offset %u > 15", off);
    if (k > 16)
        report(v, D6T_V_VALUE, "PSID-len %u > 16", k);
    else if (off + k > 16)
        report(v, D6T_V_VALUE, "offset %u + PSID-len %u > 16", off, k);
    if (k == 0 || k >= 16 || !bytesf(o, D6T_S46_PORTPARAMS_PSID, &w, &n) || n != 2) return;
    unsigned raw = (unsigned)d6t__get16(w), pad = raw & (0xffffu >> k);
    if (pad) report(v, D6T_V_VALUE, "PSID 0x%04x has bits set past its %u-bit length", raw, k);
}

static void r_ntp_srv(struct vctx *v, const d6t_opt *o, const d6t_opt *p)
{
    (void)p;
    uint8_t a[16];
    if (!d6t_opt_get_addr6(o, D6T_NTP_SRV_ADDR_ADDRESS, a))
        check_addr(v, "NTP server address", a, A_UNSPEC | A_LOOP | A_MCAST | A_LL);
}

static void r_ntp_mc(struct vctx *v, const d6t_opt *o, const d6t_opt *p)
{
    (void)p;
    uint8_t a[16];
    char t[48];
    if (!d6t_opt_get_addr6(o, D6T_NTP_MC_ADDR_ADDRESS, a) && !d6t__addr_multicast(a)) {
        fmt_addr(t, a);
        report(v, D6T_V_VALUE, "NTP multicast address %s is not multicast", t);
    }
}

typedef void (*rule_fn)(struct vctx *v, const d6t_opt *o, const d6t_opt *parent);

static const struct {
    uint8_t space;
    uint16_t code;
    rule_fn fn;
} value_rules[] = {
    {D6T_SPACE_DHCPV6, D6T_OPT_CLIENTID, r_clientid},
    {D6T_SPACE_DHCPV6, D6T_OPT_SERVERID, r_serverid},
    {D6T_SPACE_DHCPV6, D6T_OPT_IA_NA, r_ia_na},
    {D6T_SPACE_DHCPV6, D6T_OPT_IAADDR, r_iaaddr},
    {D6T_SPACE_DHCPV6, D6T_OPT_ORO, r_oro},
    {D6T_SPACE_DHCPV6, D6T_OPT_UNICAST, r_unicast},
    {D6T_SPACE_DHCPV6, D6T_OPT_STATUS_CODE, r_status},
    {D6T_SPACE_DHCPV6, D6T_OPT_RECONF_MSG, r_reconf_msg},
    {D6T_SPACE_DHCPV6, D6T_OPT_IA_PD, r_ia_pd},
    {D6T_SPACE_DHCPV6, D6T_OPT_IAPREFIX, r_iaprefix},
    {D6T_SPACE_DHCPV6, D6T_OPT_CLIENT_FQDN, r_fqdn},
    {D6T_SPACE_DHCPV6, D6T_OPT_NEW_POSIX_TIMEZONE, r_posix_tz},
    {D6T_SPACE_DHCPV6, D6T_OPT_NEW_TZDB_TIMEZONE, r_tzdb},
    {D6T_SPACE_DHCPV6, D6T_OPT_ERO, r_ero},
    {D6T_SPACE_DHCPV6, D6T_OPT_LQ_QUERY, r_lq_query},
    {D6T_SPACE_DHCPV6, D6T_OPT_LQ_RELAY_DATA, r_lq_relay_data},
    {D6T_SPACE_DHCPV6, D6T_OPT_LQ_CLIENT_LINK, r_lq_client_link},
    {D6T_SPACE_DHCPV6, D6T_OPT_RELAY_ID, r_relayid},
    {D6T_SPACE_DHCPV6, D6T_OPT_BOOTFILE_URL, r_bootfile},
    {D6T_SPACE_DHCPV6, D6T_OPT_AFTR_NAME, r_aftr},
    {D6T_SPACE_DHCPV6, D6T_OPT_PD_EXCLUDE, r_pd_exclude},
    {D6T_SPACE_DHCPV6, D6T_OPT_SOL_MAX_RT, r_sol_max_rt},
    {D6T_SPACE_DHCPV6, D6T_OPT_INF_MAX_RT, r_inf_max_rt},
    {D6T_SPACE_DHCPV6, D6T_OPT_S46_RULE, r_s46_rule},
    {D6T_SPACE_DHCPV6, D6T_OPT_S46_PORTPARAMS, r_s46_portparams},
    {D6T_SPACE_DHCPV6, D6T_OPT_V6_CAPTIVE_PORTAL, r_portal},
    {D6T_SPACE_NTP, D6T_NTP_SRV_ADDR, r_ntp_srv},
    {D6T_SPACE_NTP, D6T_NTP_MC_ADDR, r_ntp_mc},
};

/* ---------------------------------------------------------------- required options */

/* Options a message (is_opt = 0, 'in' = message type) or an option (is_opt = 1, 'in' = its
 * code) must carry. RFC 9915 section 16 (what servers and clients discard) and 18.2
 * ("MUST include"), RFC 5007/5460/7341 and RFC 7598 sections 5.1-5.3. */
static const struct {
    uint8_t is_opt;
    uint16_t in, code;
} need[] = {
    {0, D6T_MSG_SOLICIT, D6T_OPT_CLIENTID},
    {0, D6T_MSG_SOLICIT, D6T_OPT_ELAPSED_TIME},
    {0, D6T_MSG_ADVERTISE, D6T_OPT_CLIENTID},
    {0, D6T_MSG_ADVERTISE, D6T_OPT_SERVERID},
    {0, D6T_MSG_REQUEST, D6T_OPT_CLIENTID},
    {0, D6T_MSG_REQUEST, D6T_OPT_SERVERID},
    {0, D6T_MSG_REQUEST, D6T_OPT_ELAPSED_TIME},
    {0, D6T_MSG_CONFIRM, D6T_OPT_CLIENTID},
    {0, D6T_MSG_CONFIRM, D6T_OPT_ELAPSED_TIME},
    {0, D6T_MSG_RENEW, D6T_OPT_CLIENTID},
    {0, D6T_MSG_RENEW, D6T_OPT_SERVERID},
    {0, D6T_MSG_RENEW, D6T_OPT_ELAPSED_TIME},
    {0, D6T_MSG_REBIND, D6T_OPT_CLIENTID},
    {0, D6T_MSG_REBIND, D6T_OPT_ELAPSED_TIME},
    {0, D6T_MSG_REPLY, D6T_OPT_SERVERID},
    {0, D6T_MSG_RELEASE, D6T_OPT_CLIENTID},
    {0, D6T_MSG_RELEASE, D6T_OPT_SERVERID},
    {0, D6T_MSG_RELEASE, D6T_OPT_ELAPSED_TIME},
    {0, D6T_MSG_DECLINE, D6T_OPT_CLIENTID},
    {0, D6T_MSG_DECLINE, D6T_OPT_SERVERID},
    {0, D6T_MSG_DECLINE, D6T_OPT_ELAPSED_TIME},
    {0, D6T_MSG_RECONFIGURE, D6T_OPT_CLIENTID},
    {0, D6T_MSG_RECONFIGURE, D6T_OPT_SERVERID},
    {0, D6T_MSG_RECONFIGURE, D6T_OPT_RECONF_MSG},
    {0, D6T_MSG_RECONFIGURE, D6T_OPT_AUTH},
    {0, D6T_MSG_INFORMATION_REQUEST, D6T_OPT_ELAPSED_TIME},
    {0, D6T_MSG_RELAY_FORW, D6T_OPT_RELAY_MSG},
    {0, D6T_MSG_RELAY_REPL, D6T_OPT_RELAY_MSG},
    {0, D6T_MSG_LEASEQUERY, D6T_OPT_LQ_QUERY},
    {0, D6T_MSG_LEASEQUERY_DATA, D6T_OPT_CLIENT_DATA},
    {0, D6T_MSG_DHCPV4_QUERY, D6T_OPT_DHCPV4_MSG},
    {0, D6T_MSG_DHCPV4_RESPONSE, D6T_OPT_DHCPV4_MSG},
    {1, D6T_OPT_S46_CONT_MAPE, D6T_OPT_S46_RULE},
    {1, D6T_OPT_S46_CONT_MAPE, D6T_OPT_S46_BR},
    {1, D6T_OPT_S46_CONT_MAPT, D6T_OPT_S46_RULE},
    {1, D6T_OPT_S46_CONT_MAPT, D6T_OPT_S46_DMR},
    {1, D6T_OPT_S46_CONT_LW, D6T_OPT_S46_BR},
};

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

/* Two IAs of one type with the same IAID (RFC 9915 section 12: unique per IA type). */
static void check_iaids(struct vctx *v, const d6t_opt *first)
{
    for (const d6t_opt *a = first; a; a = a->next) {
        if (a->space != D6T_SPACE_DHCPV6 || !a->def || a->len < 4 ||
            (a->code != D6T_OPT_IA_NA && a->code != D6T_OPT_IA_TA && a->code != D6T_OPT_IA_PD))
            continue;
        unsigned ia = 0, ib = 0;
        for (const d6t_opt *b = first; b != a; b = b->next)
            if (b->code == a->code && b->space == a->space) ia++;
        for (const d6t_opt *b = first; b != a; b = b->next) {
            if (b->code != a->code || b->space != a->space) continue;
            if (b->len >= 4 && !memcmp(a->data, b->data, 4)) {
                report(v, D6T_V_DUPLICATE, "%s[%u] and %s[%u] share IAID 0x%08x", a->def->name, ib,
                       a->def->name, ia, (unsigned)d6t__get32(a->data));
                break;
            }
            ib++;
        }
    }
}

/* Counts, singletons and required options of one option list; 'parent' NULL for a message. */
static void check_list(struct vctx *v, const d6t_opt *first, const d6t_msg *m,
                       const d6t_opt *parent)
{
    uint32_t cnt[MAX_DEFS] = {0};
    size_t ndefs = d6t__optdef_count < MAX_DEFS ? d6t__optdef_count : MAX_DEFS;
    for (const d6t_opt *o = first; o; o = o->next)
        if (o->def && def_index(o->def) < ndefs) cnt[def_index(o->def)]++;
    for (size_t i = 0; i < ndefs; i++)
        if (d6t__optdefs[i].once && cnt[i] > 1)
            report(v, D6T_V_TOO_MANY, "%s appears %u times (at most once)", d6t__optdefs[i].name,
                   (unsigned)cnt[i]);
    uint8_t is_opt = parent != NULL;
    uint16_t in = parent ? parent->code : m->type;
    if (parent && parent->space != D6T_SPACE_DHCPV6) return;
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++) {
        if (need[i].is_opt != is_opt || need[i].in != in) continue;
        /* RFC 5007 4.1.2.5 wants the relay information; servers leave out the client's
         * message (the innermost OPTION_RELAY_MSG), as dhcpkit's fixtures do */
        if (v->in_lq && need[i].code == D6T_OPT_RELAY_MSG) continue;
        const struct d6t_optdef *d = d6t_optdef_find(D6T_SPACE_DHCPV6, need[i].code);
        if (d && def_index(d) < ndefs && !cnt[def_index(d)])
            report(v, D6T_V_MISSING, "%s is required in %s", d->name,
                   parent ? opt_name(parent) : type_name(m->type));
    }
    if (!parent) check_iaids(v, first);
}

/* RFC 9915 section 19: relays forward client messages up and server messages down;
 * RFC 5007 section 4.1.2.5: OPTION_LQ_RELAY_DATA holds the Relay-forward as received. */
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
    for (size_t i = 0; i < sizeof value_rules / sizeof value_rules[0]; i++)
        if (value_rules[i].space == o->space && value_rules[i].code == o->code)
            value_rules[i].fn(v, o, parent);
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

d6t_status d6t_msg_validate(const d6t_msg *m, d6t_violation_fn fn, void *ctx, size_t *count)
{
    if (count) *count = 0;
    if (!m) return D6T_ERR_INVALID_ARG;
    struct vctx v = {.fn = fn, .ctx = ctx};
    check_msg(&v, m);
    return finish(&v, count);
}

d6t_status d6t_opt_validate(const d6t_opt *o, d6t_violation_fn fn, void *ctx, size_t *count)
{
    if (count) *count = 0;
    if (!o) return D6T_ERR_INVALID_ARG;
    struct vctx v = {.fn = fn, .ctx = ctx};
    check_opt(&v, o, NULL, NULL, NULL, 0);
    return finish(&v, count);
}
