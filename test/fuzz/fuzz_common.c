/* Properties that must hold for every input the parser accepts. Each CHECK failing means a
 * library bug; libFuzzer then saves the input as a crash.
 * SPDX-License-Identifier: BSD-2-Clause */
#include "fuzz_common.h"
#include <string.h>

typedef size_t (*print_msg_fn)(const d6t_msg *, char *, size_t);
typedef size_t (*print_opt_fn)(const d6t_opt *, char *, size_t);

/* snprintf contract: the same length whatever the buffer, always NUL-terminated, a truncated
 * output is a prefix of the full one, and the full text is one C string. */
static void check_printed(size_t need, size_t small_n, const char *small, size_t small_cap,
                          size_t full_n, const char *full, int json)
{
    CHECK(small_n == need && full_n == need);
    CHECK(full[need] == '\0');
    CHECK(strlen(full) == need);
    size_t keep = need < small_cap - 1 ? need : small_cap - 1;
    CHECK(small[keep] == '\0');
    CHECK(memcmp(small, full, keep) == 0);
    for (size_t i = 0; i < need; i++)
        CHECK((unsigned char)full[i] >= 0x20 || full[i] == '\n' || full[i] == '\t');
    if (json && need) CHECK(fz_json_valid(full, need));
}

static void check_print_msg(print_msg_fn fn, const d6t_msg *m, int json)
{
    char small[17];
    size_t need = fn(m, NULL, 0);
    size_t sn = fn(m, small, sizeof small);
    char *full = malloc(need + 1);
    CHECK(full);
    memset(full, 'X', need + 1);
    size_t fn_ = fn(m, full, need + 1);
    check_printed(need, sn, small, sizeof small, fn_, full, json);
    free(full);
}

static void check_print_opt(print_opt_fn fn, const d6t_opt *o, int json)
{
    char small[17];
    size_t need = fn(o, NULL, 0);
    size_t sn = fn(o, small, sizeof small);
    char *full = malloc(need + 1);
    CHECK(full);
    memset(full, 'X', need + 1);
    size_t fn_ = fn(o, full, need + 1);
    check_printed(need, sn, small, sizeof small, fn_, full, json);
    free(full);
}

void fz_check_error(d6t_status st, const d6t_parse_error *e, size_t len)
{
    CHECK(st != D6T_OK);
    CHECK(e->status == st);
    CHECK(e->reason != NULL && e->reason[0] != '\0');
    CHECK(e->offset <= len);
    CHECK(d6t_strerror(st) != NULL);
}

static unsigned be_value(const uint8_t *p, size_t n)
{
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) v = v << 8 | p[i];
    return v;
}

/* A wire name printed and read back must give the same bytes (byte-transparent names). */
static void check_dname_text_roundtrip(const uint8_t *w, size_t n, unsigned flags)
{
    char text[1100];
    uint8_t back[260];
    size_t used, blen;
    CHECK(d6t_dname_to_text(w, n, flags, text, sizeof text, &used) == D6T_OK);
    CHECK(used == n);
    CHECK(strlen(text) < sizeof text);
    CHECK(d6t_dname_from_text(text, flags, back, sizeof back, &blen) == D6T_OK);
    CHECK(blen == n && memcmp(back, w, n) == 0);
}

/* The element-by-element walk and the fixed-size view see the n elements the indexed getters
 * see, in order, covering the field's bytes exactly. */
static void check_list_walk(const d6t_opt *o, d6t_key k, d6t_ftype t, size_t rawlen, size_t n)
{
    size_t pos = 0, i = 0, covered = 0, len, vn = 0, vsize = 0;
    const uint8_t *p, *view = NULL;
    d6t_status vst = d6t_opt_list_view(o, k, &view, &vn, &vsize);
    int fixed = t == D6T_FT_ADDR6_LIST || t == D6T_FT_ADDR6_LIST16 || t == D6T_FT_U16_LIST;
    CHECK(vst == (fixed ? D6T_OK : D6T_ERR_WRONG_FIELD));
    if (fixed) CHECK(vn == n && vsize == (t == D6T_FT_U16_LIST ? 2u : 16u));
    while (d6t_opt_list_next(o, k, &pos, &p, &len) == D6T_OK) {
        CHECK(i < n);
        if (fixed) CHECK(p == view + i * vsize && len == vsize);
        if (t == D6T_FT_BIN16_LIST) {
            const uint8_t *q;
            size_t ql;
            CHECK(d6t_opt_list_get_bytes(o, k, i, &q, &ql) == D6T_OK && q == p && ql == len);
            covered += 2;
        }
        covered += len;
        i++;
    }
    CHECK(i == n);
    CHECK(d6t_opt_list_next(o, k, &pos, &p, &len) == D6T_ERR_NOT_FOUND);
    CHECK(covered + (t == D6T_FT_ADDR6_LIST16 && rawlen ? 2 : 0) == rawlen);
    pos = rawlen + 3;
    CHECK(d6t_opt_list_next(o, k, &pos, &p, &len) == D6T_ERR_INVALID_ARG);
}

static void check_list(const d6t_opt *o, d6t_key k, d6t_ftype t, const uint8_t *raw, size_t rawlen)
{
    size_t n = 0;
    uint8_t a[16];
    uint16_t v;
    const uint8_t *p;
    size_t l, sum = 0;
    char text[1100];
    CHECK(d6t_opt_list_count(o, k, &n) == D6T_OK);
    for (size_t i = 0; i <= n; i++) {
        d6t_status want = i < n ? D6T_OK : D6T_ERR_NOT_FOUND;
        switch (t) {
        case D6T_FT_ADDR6_LIST:
        case D6T_FT_ADDR6_LIST16: CHECK(d6t_opt_list_get_addr6(o, k, i, a) == want); break;
        case D6T_FT_U16_LIST:
            CHECK(d6t_opt_list_get_u16(o, k, i, &v) == want);
            if (want == D6T_OK) CHECK(v == be_value(raw + 2 * i, 2));
            break;
        case D6T_FT_BIN16_LIST:
            CHECK(d6t_opt_list_get_bytes(o, k, i, &p, &l) == want);
            if (want == D6T_OK) sum += 2 + l;
            break;
        case D6T_FT_DNAME_LIST: CHECK(d6t_opt_get_dname(o, k, i, text, sizeof text) == want); break;
        default: CHECK(0);
        }
    }
    if (t == D6T_FT_ADDR6_LIST) CHECK(n * 16 == rawlen);
    if (t == D6T_FT_ADDR6_LIST16) CHECK(rawlen == 0 ? n == 0 : n * 16 + 2 == rawlen);
    if (t == D6T_FT_U16_LIST) CHECK(n * 2 == rawlen);
    if (t == D6T_FT_BIN16_LIST) CHECK(sum == rawlen);
    if (t == D6T_FT_DNAME_LIST) {
        size_t off = 0, used, i = 0;
        for (; off < rawlen; off += used, i++) {
            CHECK(d6t_dname_check(raw + off, rawlen - off, 0, &used, NULL) == D6T_OK);
            check_dname_text_roundtrip(raw + off, used, 0);
        }
        CHECK(off == rawlen && i == n);
    }
    check_list_walk(o, k, t, rawlen, n);
}

static void check_name_field(const d6t_opt *o, d6t_key k, d6t_ftype t, const uint8_t *raw,
                             size_t rawlen)
{
    char text[1100], tiny[2];
    CHECK(d6t_opt_get_dname(o, k, 0, text, sizeof text) == D6T_OK);
    CHECK(d6t_opt_get_dname(o, k, 1, text, sizeof text) == D6T_ERR_NOT_FOUND);
    d6t_status st = d6t_opt_get_dname(o, k, 0, tiny, sizeof tiny);
    CHECK(st == D6T_OK || st == D6T_ERR_BUFFER_TOO_SMALL);
    if (t == D6T_FT_DNAME16) {
        CHECK(rawlen >= 2 && be_value(raw, 2) == rawlen - 2);
        check_dname_text_roundtrip(raw + 2, rawlen - 2, 0);
    } else {
        check_dname_text_roundtrip(raw, rawlen, t == D6T_FT_FQDN ? D6T_DNAME_RELATIVE_OK : 0);
    }
}

/* Getter of the right type succeeds and agrees with the raw bytes; getters of another type
 * refuse with D6T_ERR_WRONG_FIELD. */
static void check_field(const d6t_opt *o, d6t_key k, d6t_ftype t, size_t size)
{
    const uint8_t *raw;
    size_t rawlen;
    uint8_t u8, a[16], plen;
    uint16_t u16;
    uint32_t u32;
    CHECK(d6t_opt_get_bytes(o, k, &raw, &rawlen) == D6T_OK);
    /* the typed getters refuse values outside their domain (D6T_ERR_OPT_VALUE) and then write
     * nothing; get_bytes above still gives them */
    d6t_status s8 = d6t_opt_get_u8(o, k, &u8), s16 = d6t_opt_get_u16(o, k, &u16);
    CHECK(t == D6T_FT_U8 ? s8 == D6T_OK || s8 == D6T_ERR_OPT_VALUE : s8 == D6T_ERR_WRONG_FIELD);
    if (t == D6T_FT_PSID) /* its psid-len is the byte before it */
        CHECK(s16 == (raw[-1] > 16 ? D6T_ERR_OPT_VALUE : D6T_OK));
    else
        CHECK(s16 == (t == D6T_FT_U16 ? D6T_OK : D6T_ERR_WRONG_FIELD));
    CHECK(d6t_opt_get_u32(o, k, &u32) == (t == D6T_FT_U32 ? D6T_OK : D6T_ERR_WRONG_FIELD));
    CHECK(d6t_opt_get_addr6(o, k, a) == (t == D6T_FT_ADDR6 ? D6T_OK : D6T_ERR_WRONG_FIELD));
    int is_prefix = t == D6T_FT_PREFIX6 || t == D6T_FT_PREFIX6_VAR || t == D6T_FT_PREFIX4;
    d6t_status sp = d6t_opt_get_prefix(o, k, a, &plen);
    CHECK(!is_prefix
              ? sp == D6T_ERR_WRONG_FIELD
              : sp == (raw[0] > (t == D6T_FT_PREFIX4 ? 32 : 128) ? D6T_ERR_OPT_VALUE : D6T_OK));
    switch (t) {
    case D6T_FT_U8: CHECK(rawlen == 1 && (s8 || u8 == raw[0])); break;
    case D6T_FT_U16: CHECK(rawlen == 2 && u16 == be_value(raw, 2)); break;
    case D6T_FT_PSID: CHECK(rawlen == 2); break;
    case D6T_FT_U32: CHECK(rawlen == 4 && u32 == be_value(raw, 4)); break;
    case D6T_FT_BIN: CHECK(rawlen == size); break;
    case D6T_FT_ADDR6: CHECK(rawlen == 16 && memcmp(a, raw, 16) == 0); break;
    case D6T_FT_ADDR4:
        CHECK(rawlen == 4);
        CHECK(d6t_opt_get_addr4(o, k, a) == D6T_OK && memcmp(a, raw, 4) == 0);
        break;
    case D6T_FT_PREFIX6:
        CHECK(rawlen == 17 && (sp || (plen == raw[0] && memcmp(a, raw + 1, 16) == 0)));
        break;
    case D6T_FT_PREFIX4: CHECK(rawlen == 5 && (sp || plen == raw[0])); break;
    case D6T_FT_PREFIX6_VAR: CHECK(plen <= 128 && rawlen == 1 + (plen + 7u) / 8u); break;
    case D6T_FT_ADDR6_LIST:
    case D6T_FT_ADDR6_LIST16:
    case D6T_FT_U16_LIST:
    case D6T_FT_BIN16_LIST:
    case D6T_FT_DNAME_LIST: check_list(o, k, t, raw, rawlen); break;
    case D6T_FT_DNAME:
    case D6T_FT_FQDN:
    case D6T_FT_DNAME16: check_name_field(o, k, t, raw, rawlen); break;
    case D6T_FT_DUID: {
        char js[600];
        uint16_t type;
        (void)d6t_duid_parse(raw, rawlen, &type, NULL, NULL, NULL, NULL, NULL);
        size_t need = d6t_duid_to_json(raw, rawlen, js, sizeof js);
        if (need < sizeof js && need) CHECK(strlen(js) == need && fz_json_valid(js, need));
        break;
    }
    default: break;
    }
}

static void check_fields(const d6t_opt *o)
{
    const d6t_optdef *def = d6t_optdef_of(o);
    uint8_t u8;
    if (!def) {
        CHECK(!d6t_opt_is_known(o));
        CHECK(d6t_opt_get_u8(o, D6T_PREFERENCE_PREFERENCE, &u8) == D6T_ERR_WRONG_FIELD);
        return;
    }
    CHECK(d6t_opt_is_known(o));
    CHECK(d6t_optdef_code(def) == d6t_opt_code(o));
    CHECK(d6t_optdef_space(def) == d6t_opt_space(o));
    CHECK(d6t_opt_name(o) && strcmp(d6t_opt_name(o), d6t_optdef_name(def)) == 0);
    size_t nf = d6t_optdef_field_count(def);
    for (size_t i = 0; i < nf; i++) {
        d6t_key k;
        const char *name;
        d6t_ftype t;
        size_t size;
        CHECK(d6t_optdef_field(def, i, &k, &name, &t, &size) == D6T_OK);
        CHECK(name && name[0]);
        CHECK(d6t_key_optdef(k) == def);
        check_field(o, k, t, size);
    }
    CHECK(d6t_optdef_field(def, nf, NULL, NULL, NULL, NULL) == D6T_ERR_NOT_FOUND);
    /* a key of a different option is refused */
    d6t_key other = def == d6t_key_optdef(D6T_PREFERENCE_PREFERENCE) ? D6T_ELAPSED_TIME_ELAPSED_TIME
                                                                     : D6T_PREFERENCE_PREFERENCE;
    CHECK(d6t_opt_get_u8(o, other, &u8) == D6T_ERR_WRONG_FIELD);
}

static void check_opt_write(const d6t_opt *o)
{
    size_t ws = d6t_opt_wire_size(o), got = 0;
    CHECK(ws >= 4 && ws <= 65535 + 4);
    uint8_t *buf = malloc(ws);
    CHECK(buf);
    CHECK(d6t_opt_write(o, buf, ws, &got) == D6T_OK && got == ws);
    CHECK(be_value(buf, 2) == d6t_opt_code(o));
    CHECK(be_value(buf + 2, 2) == ws - 4);
    if (ws > 4) CHECK(d6t_opt_write(o, buf, ws - 1, &got) == D6T_ERR_BUFFER_TOO_SMALL && got == ws);
    free(buf);
}

static void check_children(const d6t_opt *o)
{
    size_t n = 0;
    for (const d6t_opt *c = d6t_opt_first_child(o); c; c = d6t_opt_next(c), n++) {
        CHECK(d6t_opt_find_child(o, d6t_opt_code(c)) != NULL);
        fz_check_opt(c);
    }
    CHECK(n == d6t_opt_child_count(o));
}

void fz_check_opt(const d6t_opt *o)
{
    size_t dlen;
    const uint8_t *d = d6t_opt_data(o, &dlen);
    CHECK(d || dlen == 0);
    check_fields(o);
    check_opt_write(o);
    check_print_opt(d6t_opt_to_text, o, 0);
    check_print_opt(d6t_opt_to_json, o, 1);
    size_t cnt = 0;
    d6t_status vs = d6t_opt_validate(o, NULL, NULL, &cnt);
    CHECK(vs == D6T_OK || vs == D6T_ERR_INVALID);
    check_children(o);
    const d6t_msg *inner = d6t_opt_msg(o);
    if (inner) {
        size_t ws = d6t_msg_wire_size(inner);
        CHECK(ws > 0 && ws + 4 + dlen == d6t_opt_wire_size(o));
        for (const d6t_opt *c = d6t_msg_first_opt(inner); c; c = d6t_opt_next(c)) fz_check_opt(c);
    }
}

struct vcount {
    size_t n;
};

static int count_violation(void *ctx, d6t_violation_kind kind, const char *where, const char *what)
{
    struct vcount *v = ctx;
    CHECK(kind >= D6T_V_NOT_ALLOWED && kind <= D6T_V_ENCODING);
    CHECK(where && what && what[0]);
    CHECK(strlen(where) < 65536);
    v->n++;
    return 0;
}

static int stop_first(void *ctx, d6t_violation_kind kind, const char *where, const char *what)
{
    (void)kind;
    (void)where;
    (void)what;
    ++*(size_t *)ctx;
    return 1;
}

static void check_validate(const d6t_msg *m)
{
    struct vcount v = {0};
    size_t count = 12345, calls = 0, count2 = 0;
    d6t_status st = d6t_msg_validate(m, count_violation, &v, &count);
    CHECK(st == D6T_OK || st == D6T_ERR_INVALID);
    CHECK(count == v.n);
    CHECK((st == D6T_OK) == (v.n == 0));
    d6t_status st2 = d6t_msg_validate(m, stop_first, &calls, &count2);
    CHECK(st2 == st);
    CHECK(calls == (v.n ? 1u : 0u));
    CHECK(d6t_msg_validate(m, NULL, NULL, NULL) == st);
}

/* The top-level options written one by one, and each re-parsed standalone, give back the
 * bytes after the message header. */
static void check_top_options(const d6t_msg *m, const uint8_t *data, size_t len, size_t hdr)
{
    size_t off = hdr, n = 0;
    d6t_arena *a = d6t_arena_new(NULL, 0);
    CHECK(a);
    for (const d6t_opt *o = d6t_msg_first_opt(m); o; o = d6t_opt_next(o), n++) {
        size_t ws = d6t_opt_wire_size(o);
        CHECK(off + ws <= len);
        CHECK(d6t_msg_find_opt(m, d6t_opt_code(o)) != NULL);
        d6t_opt *again = NULL;
        d6t_parse_error e;
        d6t_status st = d6t_opt_parse(a, D6T_SPACE_DHCPV6, data + off, ws, 0, &again, &e);
        CHECK(st == D6T_OK);
        CHECK(d6t_opt_wire_size(again) == ws);
        uint8_t *buf = malloc(ws);
        size_t got;
        CHECK(buf && d6t_opt_write(again, buf, ws, &got) == D6T_OK && got == ws);
        CHECK(memcmp(buf, data + off, ws) == 0);
        CHECK(d6t_opt_write(o, buf, ws, &got) == D6T_OK && memcmp(buf, data + off, ws) == 0);
        free(buf);
        off += ws;
        fz_check_opt(o);
    }
    CHECK(off == len);
    CHECK(n == d6t_msg_opt_count(m));
    d6t_arena_free(a);
}

/* Rebuilding the message from copies of its options in another arena gives the same bytes. */
static void check_copy(const d6t_msg *m, const uint8_t *data, size_t len)
{
    d6t_msg *c = d6t_msg_new(NULL, d6t_msg_type(m));
    CHECK(c);
    uint8_t addr[16];
    size_t blen;
    switch (d6t_msg_kind_of(m)) {
    case D6T_KIND_CLIENT_SERVER:
        CHECK(d6t_msg_set_transaction_id(c, d6t_msg_transaction_id(m)) == D6T_OK);
        break;
    case D6T_KIND_RELAY:
        CHECK(d6t_msg_set_hop_count(c, d6t_msg_hop_count(m)) == D6T_OK);
        CHECK(d6t_msg_link_address(m, addr) == D6T_OK &&
              d6t_msg_set_link_address(c, addr) == D6T_OK);
        CHECK(d6t_msg_peer_address(m, addr) == D6T_OK &&
              d6t_msg_set_peer_address(c, addr) == D6T_OK);
        break;
    default: {
        const uint8_t *body = d6t_msg_body(m, &blen);
        CHECK(d6t_msg_set_body(c, body, blen) == D6T_OK);
        break;
    }
    }
    for (const d6t_opt *o = d6t_msg_first_opt(m); o; o = d6t_opt_next(o))
        CHECK(d6t_msg_add_opt_copy(c, o));
    CHECK(d6t_msg_wire_size(c) == len);
    uint8_t *buf = malloc(len);
    size_t got;
    CHECK(buf && d6t_msg_write(c, buf, len, &got) == D6T_OK && got == len);
    CHECK(memcmp(buf, data, len) == 0);
    free(buf);
    d6t_msg_free(c);
}

void fz_check_msg(const d6t_msg *m, const uint8_t *data, size_t len)
{
    size_t got = 0;
    CHECK(d6t_msg_wire_size(m) == len);
    uint8_t *buf = malloc(len ? len : 1);
    CHECK(buf);
    CHECK(d6t_msg_write(m, buf, len, &got) == D6T_OK && got == len);
    CHECK(memcmp(buf, data, len) == 0);
    if (len) CHECK(d6t_msg_write(m, buf, len - 1, &got) == D6T_ERR_BUFFER_TOO_SMALL && got == len);
    free(buf);
    CHECK(d6t_msg_type(m) == data[0]);
    CHECK(d6t_msg_kind_of(m) == d6t_msg_type_kind(data[0]));
    check_validate(m);
    check_print_msg(d6t_msg_to_text, m, 0);
    check_print_msg(d6t_msg_to_json, m, 1);
    size_t hdr = 0;
    switch (d6t_msg_kind_of(m)) {
    case D6T_KIND_CLIENT_SERVER: hdr = 4; break;
    case D6T_KIND_RELAY: hdr = 34; break;
    default: hdr = len; break;
    }
    check_top_options(m, data, len, hdr);
    check_copy(m, data, len);
}

/* Whatever from_text accepts must be a valid wire name that prints back to an equivalent text. */
static void check_dname_from_text(const uint8_t *data, size_t len, unsigned flags)
{
    char in[300];
    size_t n = len < sizeof in - 1 ? len : sizeof in - 1;
    memcpy(in, data, n);
    in[n] = '\0';
    uint8_t w[300];
    size_t wl, used;
    if (d6t_dname_from_text(in, flags, w, sizeof w, &wl) != D6T_OK) return;
    CHECK(wl <= 255);
    CHECK(d6t_dname_check(w, wl, flags, &used, NULL) == D6T_OK && used == wl);
    check_dname_text_roundtrip(w, wl, flags);
}

void fz_check_dname(const uint8_t *data, size_t len, unsigned flags)
{
    size_t used = 0, used2 = 0;
    d6t_parse_error e;
    char text[1100];
    check_dname_from_text(data, len, flags);
    d6t_status st = d6t_dname_check(data, len, flags, &used, &e);
    d6t_status st2 = d6t_dname_to_text(data, len, flags, text, sizeof text, &used2);
    if (st != D6T_OK) {
        CHECK(st == D6T_ERR_DNAME);
        CHECK(e.status == st && e.offset <= len && e.reason);
        CHECK(st2 != D6T_OK);
        return;
    }
    CHECK(used <= len && used <= 255);
    CHECK(st2 == D6T_OK && used2 == used);
    check_dname_text_roundtrip(data, used, flags);
}
