/* JSON form of messages, options and DUIDs, in the `expect` layout of the dhcpkit vectors so
 * that logs and the conformance test speak the same language. Everything is driven by the
 * option table: field names, types and order come from d6t__optdefs, never from a per-option
 * switch. Output goes through struct d6t_out (snprintf semantics, no allocation).
 * SPDX-License-Identifier: BSD-2-Clause */
#include "internal.h"
#include "outbuf.h"

/* Parsed trees nest at most 33 messages and 16 options per message, but trees built through
 * the API have no such limit (and d6t_opt_set_msg can even make a cycle). Past this many
 * nested elements the element is printed as the string "..." so the stack stays bounded. */
#define JSON_MAX_DEPTH 256

static void put(struct d6t_out *o, const char *s)
{
    d6t__out_str(o, s);
}

/* ", \"name\": " (or without the comma for the first member). */
static void key(struct d6t_out *o, const char *name, int first)
{
    if (!first) put(o, ", ");
    put(o, "\"");
    put(o, name); /* table and fixed names are plain ASCII identifiers */
    put(o, "\": ");
}

static void hexstr(struct d6t_out *o, const uint8_t *d, size_t n)
{
    put(o, "\"");
    d6t__out_hex(o, d, n);
    put(o, "\"");
}

/* Length of a well-formed UTF-8 sequence at s (RFC 3629: no overlongs, no surrogates, at most
 * U+10FFFF), or 0 when the bytes there are not one. */
static size_t utf8_len(const uint8_t *s, size_t n)
{
    uint8_t c = s[0];
    size_t k;
    uint8_t lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf)
        k = 2;
    else if (c >= 0xe0 && c <= 0xef) {
        k = 3;
        if (c == 0xe0) lo = 0xa0;
        if (c == 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        k = 4;
        if (c == 0xf0) lo = 0x90;
        if (c == 0xf4) hi = 0x8f;
    } else
        return 0;
    if (n < k || s[1] < lo || s[1] > hi) return 0;
    for (size_t i = 2; i < k; i++)
        if ((s[i] & 0xc0) != 0x80) return 0;
    return k;
}

/* A JSON string from arbitrary bytes. Valid UTF-8 passes through unchanged; each byte that is
 * not part of a valid sequence becomes \u00XX (its value read as Latin-1), so the output is
 * always valid JSON and no byte disappears. */
static void json_bytes_str(struct d6t_out *o, const uint8_t *s, size_t n)
{
    put(o, "\"");
    if (!n) {
        put(o, "\"");
        return;
    }
    size_t run = 0; /* start of bytes copied verbatim */
    for (size_t i = 0; i < n;) {
        uint8_t c = s[i];
        size_t k = 1;
        const char *esc = NULL;
        char ubuf[8];
        if (c >= 0x80) {
            k = utf8_len(s + i, n - i);
            if (!k) {
                snprintf(ubuf, sizeof ubuf, "\\u%04x", c);
                esc = ubuf;
                k = 1;
            }
        } else if (c == '"')
            esc = "\\\"";
        else if (c == '\\')
            esc = "\\\\";
        else if (c == '\n')
            esc = "\\n";
        else if (c == '\r')
            esc = "\\r";
        else if (c == '\t')
            esc = "\\t";
        else if (c < 0x20) {
            snprintf(ubuf, sizeof ubuf, "\\u%04x", c);
            esc = ubuf;
        }
        if (esc) {
            d6t__out_mem(o, (const char *)s + run, i - run);
            put(o, esc);
            run = i + k;
        }
        i += k;
    }
    d6t__out_mem(o, (const char *)s + run, n - run);
    put(o, "\"");
}

static void json_cstr(struct d6t_out *o, const char *s)
{
    if (s)
        json_bytes_str(o, (const uint8_t *)s, strlen(s));
    else
        put(o, "null");
}

static void addr6_str(struct d6t_out *o, const uint8_t *a)
{
    put(o, "\"");
    d6t__out_addr6(o, a);
    put(o, "\"");
}

/* "addr/len" from nbytes prefix bytes; 'mask' clears bits past len (RFC 7598 prefixes are
 * printed masked, like dhcpkit; IAPREFIX shows what is on the wire). */
static void prefix_str(struct d6t_out *o, const uint8_t *p, size_t nbytes, uint8_t plen, int v4,
                       int mask)
{
    uint8_t a[16] = {0};
    size_t width = v4 ? 4 : 16;
    memcpy(a, p, nbytes < width ? nbytes : width);
    if (mask)
        for (size_t bit = plen; bit < width * 8; bit++)
            a[bit / 8] &= (uint8_t) ~(0x80u >> (bit % 8));
    put(o, "\"");
    if (v4)
        d6t__out_addr4(o, a);
    else
        d6t__out_addr6(o, a);
    d6t__out_fmt(o, "/%u\"", plen);
}

/* A domain name as JSON text. Kept out of line: its 1 KiB buffer must not sit in the frames
 * of the recursive printers. */
__attribute__((noinline)) static void dname_str(struct d6t_out *o, const uint8_t *w, size_t n,
                                                unsigned flags)
{
    char text[1024];
    if (d6t_dname_to_text(w, n, flags, text, sizeof text, NULL) == D6T_OK)
        json_cstr(o, text);
    else
        hexstr(o, w, n); /* cannot happen for a checked layout; keep the bytes visible */
}

static void duid_body(struct d6t_out *o, const uint8_t *d, size_t n)
{
    uint16_t type, hw;
    uint32_t tm, en;
    const uint8_t *id;
    size_t idl;
    put(o, "{");
    if (n < 2) {
        put(o, "\"duid_type\": null, \"name\": null, \"malformed\": true, \"data\": ");
        hexstr(o, d, n);
        put(o, "}");
        return;
    }
    type = d6t__get16(d);
    const char *name = d6t_duid_type_name(type);
    d6t__out_fmt(o, "\"duid_type\": %u, \"name\": ", type);
    json_cstr(o, name);
    if (d6t_duid_parse(d, n, &type, &hw, &tm, &en, &id, &idl) != D6T_OK) {
        /* shorter than its type's fixed part: show the bytes, never read past them */
        put(o, ", \"malformed\": true, \"data\": ");
        hexstr(o, d + 2, n - 2);
    } else if (!name) {
        put(o, ", \"unknown\": true, \"data\": ");
        hexstr(o, id, idl);
    } else if (type == D6T_DUID_LLT) {
        d6t__out_fmt(o, ", \"hardware_type\": %u, \"time\": %lu, \"link_layer_address\": ", hw,
                     (unsigned long)tm);
        hexstr(o, id, idl);
    } else if (type == D6T_DUID_LL) {
        d6t__out_fmt(o, ", \"hardware_type\": %u, \"link_layer_address\": ", hw);
        hexstr(o, id, idl);
    } else if (type == D6T_DUID_EN) {
        d6t__out_fmt(o, ", \"enterprise_number\": %lu, \"identifier\": ", (unsigned long)en);
        hexstr(o, id, idl);
    } else {
        put(o, ", \"uuid\": ");
        hexstr(o, id, idl);
    }
    put(o, "}");
}

/* Elements of a list field, each printed by its type. */
static void list_value(struct d6t_out *o, const struct d6t_fielddef *f, const uint8_t *d, size_t n)
{
    size_t p = 0, used, k = 0;
    put(o, "[");
    switch (f->type) {
    case D6T_FT_ADDR6_LIST16:
        p = n ? 2 : 0; /* skip the 2-byte length (absent list: nothing) */
        /* fall through */
    case D6T_FT_ADDR6_LIST:
        for (; p + 16 <= n; p += 16) {
            if (k++) put(o, ", ");
            addr6_str(o, d + p);
        }
        break;
    case D6T_FT_U16_LIST:
        for (; p + 2 <= n; p += 2) d6t__out_fmt(o, k++ ? ", %u" : "%u", d6t__get16(d + p));
        break;
    case D6T_FT_DNAME_LIST:
        for (; p < n; p += used) {
            if (d6t_dname_check(d + p, n - p, 0, &used, NULL) != D6T_OK) break;
            if (k++) put(o, ", ");
            dname_str(o, d + p, used, 0);
        }
        break;
    case D6T_FT_BIN16_LIST:
        while (n - p >= 2) {
            size_t l = d6t__get16(d + p);
            if (l > n - p - 2) break;
            if (k++) put(o, ", ");
            hexstr(o, d + p + 2, l);
            p += 2 + l;
        }
        break;
    default: break;
    }
    put(o, "]");
}

/* The JSON value of one field whose bytes are d[0..n) (n is the field's span). */
static void field_value(struct d6t_out *o, const d6t_opt *opt, const struct d6t_fielddef *f,
                        const uint8_t *d, size_t n)
{
    switch (f->type) {
    case D6T_FT_U8: d6t__out_fmt(o, "%u", d[0]); break;
    case D6T_FT_U16: d6t__out_fmt(o, "%u", d6t__get16(d)); break;
    case D6T_FT_U32: /* an identifier (IAID) stays the hex string of its bytes */
        if (f->show == D6T_SHOW_HEX)
            hexstr(o, d, n);
        else
            d6t__out_fmt(o, "%lu", (unsigned long)d6t__get32(d));
        break;
    case D6T_FT_PSID: {
        uint16_t v = 0;
        /* the value, not the left-aligned wire form; the wire form when psid-len is impossible */
        if (d6t_opt_get_u16(opt, (d6t_key)f->key, &v)) v = d6t__get16(d);
        d6t__out_fmt(o, "%u", v);
        break;
    }
    case D6T_FT_ADDR6: addr6_str(o, d); break;
    case D6T_FT_ADDR4:
        put(o, "\"");
        d6t__out_addr4(o, d);
        put(o, "\"");
        break;
    case D6T_FT_PREFIX6: prefix_str(o, d + 1, n - 1, d[0], 0, 0); break;
    case D6T_FT_PREFIX6_VAR: prefix_str(o, d + 1, n - 1, d[0], 0, 1); break;
    case D6T_FT_PREFIX4: prefix_str(o, d + 1, n - 1, d[0], 1, 1); break;
    case D6T_FT_TEXT: json_bytes_str(o, d, n); break;
    case D6T_FT_DUID: duid_body(o, d, n); break;
    case D6T_FT_DNAME: dname_str(o, d, n, 0); break;
    case D6T_FT_FQDN: dname_str(o, d, n, D6T_DNAME_RELATIVE_OK); break;
    case D6T_FT_DNAME16: dname_str(o, d + 2, n - 2, 0); break;
    case D6T_FT_ADDR6_LIST:
    case D6T_FT_ADDR6_LIST16:
    case D6T_FT_U16_LIST:
    case D6T_FT_DNAME_LIST:
    case D6T_FT_BIN16_LIST: list_value(o, f, d, n); break;
    default: /* BIN, BIN_REST and anything opaque */ hexstr(o, d, n); break;
    }
}

/* Typed fields of a known option (not its sub-options or message). Returns 0 when the stored
 * bytes do not fit the layout (only possible for trees changed behind the API's back). Kept
 * out of line so the recursive printers carry no span array. */
__attribute__((noinline)) static int opt_fields(struct d6t_out *o, const d6t_opt *opt)
{
    const struct d6t_optdef *def = opt->def;
    struct d6t_span sp[D6T_MAX_FIELDS];
    size_t hdr, bad;
    const char *why;
    if (d6t__layout(def, opt->data, opt->len, sp, &hdr, &why, &bad) != D6T_OK) return 0;
    for (size_t j = 0; j < def->nfields; j++) {
        const struct d6t_fielddef *f = &def->f[j];
        if (f->type == D6T_FT_OPTIONS || f->type == D6T_FT_MESSAGE) break;
        key(o, f->name, 0);
        field_value(o, opt, f, opt->data + sp[j].off, sp[j].len);
    }
    return 1;
}

static void msg_json(struct d6t_out *o, const d6t_msg *m, unsigned depth);

static void opt_json(struct d6t_out *o, const d6t_opt *opt, unsigned depth)
{
    if (depth >= JSON_MAX_DEPTH) {
        put(o, "\"...\"");
        return;
    }
    d6t__out_fmt(o, "{\"code\": %u", opt->code);
    if (opt->space == D6T_SPACE_VENDOR) {
        /* vendor sub-option codes mean nothing outside their enterprise: code + data only */
        key(o, "data", 0);
        hexstr(o, opt->data, opt->len);
        put(o, "}");
        return;
    }
    const struct d6t_optdef *def = opt->def;
    key(o, "name", 0);
    json_cstr(o, def ? def->name : NULL);
    if (!def) {
        put(o, ", \"unknown\": true, \"data\": ");
        hexstr(o, opt->data, opt->len);
        put(o, "}");
        return;
    }
    if (!opt_fields(o, opt)) {
        put(o, ", \"malformed\": true, \"data\": ");
        hexstr(o, opt->data, opt->len);
    }
    if (def->child_space >= 0) {
        key(o, def->child_space == D6T_SPACE_VENDOR ? "vendor_options" : "options", 0);
        put(o, "[");
        for (const d6t_opt *c = opt->kids.first; c; c = c->next) {
            if (c != opt->kids.first) put(o, ", ");
            opt_json(o, c, depth + 1);
        }
        put(o, "]");
    } else if (def->has_msg) {
        key(o, def->f[def->nfields - 1].name, 0);
        if (opt->msg)
            msg_json(o, opt->msg, depth + 1);
        else
            put(o, "null");
    }
    put(o, "}");
}

static void msg_json(struct d6t_out *o, const d6t_msg *m, unsigned depth)
{
    if (depth >= JSON_MAX_DEPTH) {
        put(o, "\"...\"");
        return;
    }
    d6t__out_fmt(o, "{\"msg_type\": %u", m->type);
    key(o, "msg_name", 0);
    json_cstr(o, m->kind == D6T_KIND_UNKNOWN ? NULL : d6t_msg_type_name(m->type));
    switch (m->kind) {
    case D6T_KIND_UNKNOWN:
        put(o, ", \"unknown\": true, \"data\": ");
        hexstr(o, m->body, m->body_len);
        put(o, "}");
        return;
    case D6T_KIND_RELAY:
        d6t__out_fmt(o, ", \"hop_count\": %u", m->hop_count);
        key(o, "link_address", 0);
        addr6_str(o, m->link);
        key(o, "peer_address", 0);
        addr6_str(o, m->peer);
        break;
    default:
        /* RFC 7341 puts flags where other client/server messages have the transaction id */
        d6t__out_fmt(o, ", \"%s\": \"%06lx\"",
                     m->type == D6T_MSG_DHCPV4_QUERY || m->type == D6T_MSG_DHCPV4_RESPONSE
                         ? "flags"
                         : "transaction_id",
                     (unsigned long)(m->txid & 0xffffffu));
        break;
    }
    key(o, "options", 0);
    put(o, "[");
    for (const d6t_opt *c = m->opts.first; c; c = c->next) {
        if (c != m->opts.first) put(o, ", ");
        opt_json(o, c, depth + 1);
    }
    put(o, "]}");
}

size_t d6t_msg_to_json(const d6t_msg *m, char *out, size_t cap)
{
    struct d6t_out o;
    d6t__out_init(&o, out, cap);
    if (m)
        msg_json(&o, m, 0);
    else
        put(&o, "null");
    return o.n;
}

size_t d6t_opt_to_json(const d6t_opt *opt, char *out, size_t cap)
{
    struct d6t_out o;
    d6t__out_init(&o, out, cap);
    if (opt)
        opt_json(&o, opt, 0);
    else
        put(&o, "null");
    return o.n;
}

size_t d6t_duid_to_json(const uint8_t *duid, size_t len, char *out, size_t cap)
{
    struct d6t_out o;
    d6t__out_init(&o, out, cap);
    if (duid || !len)
        duid_body(&o, duid, len);
    else
        put(&o, "null");
    return o.n;
}
