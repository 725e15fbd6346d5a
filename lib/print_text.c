/* Human-readable text of messages and options: an indented tree in the spirit of `tshark -V`.
 * Every field is printed from the option table and the spans d6t__layout() computes, so a new
 * table row is printed without touching this file. Fields get a readable annotation (status
 * names, durations, option names in ORO) from the table's SHOW column.
 * SPDX-License-Identifier: BSD-2-Clause */
#include "internal.h"
#include "outbuf.h"

#define INDENT "  "

/* ---- small formatting helpers ---- */

static void indent(struct d6t_out *o, unsigned lvl)
{
    for (unsigned i = 0; i < lvl; i++) d6t__out_mem(o, INDENT, sizeof INDENT - 1);
}

static void field_start(struct d6t_out *o, unsigned lvl, const char *name)
{
    indent(o, lvl);
    d6t__out_str(o, name);
    d6t__out_mem(o, ": ", 2);
}

static void out_hex_sep(struct d6t_out *o, const uint8_t *d, size_t len, char sep)
{
    for (size_t i = 0; i < len; i++) {
        if (i) d6t__out_mem(o, &sep, 1);
        d6t__out_hex(o, d + i, 1);
    }
}

static int printable(const uint8_t *d, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (d[i] < 0x20 || d[i] > 0x7e) return 0;
    return 1;
}

/* Quoted text; '"', '\\' and every byte outside printable ASCII escaped, so a hostile value
 * can neither break the line structure nor smuggle terminal control sequences. */
static void out_quoted(struct d6t_out *o, const uint8_t *d, size_t len)
{
    d6t__out_mem(o, "\"", 1);
    for (size_t i = 0; i < len; i++) {
        uint8_t c = d[i];
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            d6t__out_mem(o, e, 2);
        } else if (c < 0x20 || c > 0x7e) {
            d6t__out_fmt(o, "\\x%02x", c);
        } else {
            d6t__out_mem(o, (const char *)&d[i], 1);
        }
    }
    d6t__out_mem(o, "\"", 1);
}

/* Opaque bytes: hex, plus the text when all of it is printable (interface ids, remote ids). */
static void out_opaque(struct d6t_out *o, const uint8_t *d, size_t len)
{
    if (len == 0) {
        d6t__out_str(o, "(empty)");
        return;
    }
    d6t__out_hex(o, d, len);
    if (printable(d, len)) {
        d6t__out_mem(o, " (", 2);
        out_quoted(o, d, len);
        d6t__out_mem(o, ")", 1);
    }
}

static void out_dname(struct d6t_out *o, const uint8_t *d, size_t len, unsigned flags, size_t *used)
{
    char buf[1024]; /* d6t_dname_to_text: 1024 always suffices */
    *used = len;
    if (len == 0) {
        d6t__out_str(o, "(empty)");
        return;
    }
    if (d6t_dname_to_text(d, len, flags, buf, sizeof buf, used) != D6T_OK) {
        d6t__out_str(o, "(malformed name) ");
        d6t__out_hex(o, d, len);
        *used = len;
        return;
    }
    d6t__out_str(o, buf);
}

/* ---- DUIDs ---- */

static const char *hw_type_name(uint16_t t)
{
    switch (t) {
    case 1: return "Ethernet";
    case 6: return "IEEE 802";
    case 15: return "Frame Relay";
    case 20: return "Serial Line";
    case 32: return "InfiniBand";
    default: return NULL;
    }
}

static void out_hw_type(struct d6t_out *o, uint16_t t)
{
    const char *n = hw_type_name(t);
    if (n)
        d6t__out_fmt(o, "%u (%s)", t, n);
    else
        d6t__out_fmt(o, "%u", t);
}

/* Civil date from days since 1970-01-01 (proleptic Gregorian), without libc time zones. */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* DUID-LLT time: seconds since 2000-01-01 00:00 UTC. */
static void out_duid_time(struct d6t_out *o, uint32_t t)
{
    int64_t secs = (int64_t)t + 946684800;
    int64_t y;
    unsigned mo, d, sod = (unsigned)(secs % 86400);
    civil_from_days(secs / 86400, &y, &mo, &d);
    d6t__out_fmt(o, "time %u (%04lld-%02u-%02u %02u:%02u:%02u UTC)", t, (long long)y, mo, d,
                 sod / 3600, sod / 60 % 60, sod % 60);
}

static void out_duid(struct d6t_out *o, const uint8_t *d, size_t len)
{
    uint16_t type, hw;
    uint32_t tm, en;
    const uint8_t *id;
    size_t idl;
    if (len == 0) {
        d6t__out_str(o, "(empty)");
        return;
    }
    if (d6t_duid_parse(d, len, &type, &hw, &tm, &en, &id, &idl) != D6T_OK) {
        d6t__out_str(o, "(malformed DUID) ");
        d6t__out_hex(o, d, len);
        return;
    }
    const char *name = d6t_duid_type_name(type);
    d6t__out_fmt(o, "%s (%u)", name ? name : "unknown DUID type", type);
    switch (type) {
    case D6T_DUID_LLT:
    case D6T_DUID_LL:
        d6t__out_str(o, ", hardware type ");
        out_hw_type(o, hw);
        if (type == D6T_DUID_LLT) {
            d6t__out_str(o, ", ");
            out_duid_time(o, tm);
        }
        d6t__out_str(o, ", link-layer address ");
        if (idl)
            out_hex_sep(o, id, idl, ':');
        else
            d6t__out_str(o, "(empty)");
        break;
    case D6T_DUID_EN:
        d6t__out_fmt(o, ", enterprise %u, identifier ", en);
        out_opaque(o, id, idl);
        break;
    case D6T_DUID_UUID: /* 8-4-4-4-12; d6t_duid_parse guarantees 16 bytes */
        d6t__out_str(o, ", ");
        d6t__out_hex(o, id, 4);
        d6t__out_str(o, "-");
        d6t__out_hex(o, id + 4, 2);
        d6t__out_str(o, "-");
        d6t__out_hex(o, id + 6, 2);
        d6t__out_str(o, "-");
        d6t__out_hex(o, id + 8, 2);
        d6t__out_str(o, "-");
        d6t__out_hex(o, id + 10, 6);
        break;
    default:
        d6t__out_str(o, ", data ");
        out_opaque(o, id, idl);
        break;
    }
}

/* ---- annotations (the table's SHOW column) ---- */

static void out_duration(struct d6t_out *o, uint32_t v)
{
    d6t__out_fmt(o, "%u", v);
    if (v == 0xffffffffu) {
        d6t__out_str(o, " (infinity)");
        return;
    }
    if (v < 60) return;
    unsigned d = v / 86400, h = v / 3600 % 24, m = v / 60 % 60, s = v % 60;
    char t[64];
    int k = 0;
    if (d) k += snprintf(t + k, sizeof t - (size_t)k, "%ud", d);
    if (h) k += snprintf(t + k, sizeof t - (size_t)k, "%s%uh", k ? " " : "", h);
    if (m) k += snprintf(t + k, sizeof t - (size_t)k, "%s%um", k ? " " : "", m);
    if (s) snprintf(t + k, sizeof t - (size_t)k, "%s%us", k ? " " : "", s);
    d6t__out_fmt(o, " (%s)", t);
}

static void out_number(struct d6t_out *o, uint8_t show, uint32_t v)
{
    switch ((enum d6t_show)show) {
    case D6T_SHOW_DURATION: out_duration(o, v); return;
    case D6T_SHOW_CENTISECONDS: d6t__out_fmt(o, "%u (%u.%02u s)", v, v / 100, v % 100); return;
    case D6T_SHOW_STATUS: {
        const char *n = v <= 0xffff ? d6t_status_code_name((uint16_t)v) : NULL;
        if (n)
            d6t__out_fmt(o, "%u (%s)", v, n);
        else
            d6t__out_fmt(o, "%u", v);
        return;
    }
    case D6T_SHOW_MSGTYPE: {
        const char *n = v < 256 ? d6t_msg_type_name((uint8_t)v) : NULL;
        if (n)
            d6t__out_fmt(o, "%u (%s)", v, n);
        else
            d6t__out_fmt(o, "%u", v);
        return;
    }
    case D6T_SHOW_HWTYPE: out_hw_type(o, (uint16_t)v); return;
    case D6T_SHOW_FQDN_FLAGS: /* RFC 4704: N, O, S from the most significant used bit down */
        d6t__out_fmt(o, "0x%02x (N=%u O=%u S=%u)", v, v >> 2 & 1u, v >> 1 & 1u, v & 1u);
        return;
    default: d6t__out_fmt(o, "%u", v); return;
    }
}

/* ---- fields ---- */

static void out_u16_list(struct d6t_out *o, uint8_t show, const uint8_t *d, size_t len)
{
    if (len == 0) d6t__out_str(o, "(none)");
    for (size_t i = 0; i + 1 < len; i += 2) {
        uint16_t v = d6t__get16(d + i);
        if (i) d6t__out_mem(o, ", ", 2);
        const d6t_optdef *def =
            show == D6T_SHOW_OPTCODES ? d6t_optdef_find(D6T_SPACE_DHCPV6, v) : NULL;
        if (def)
            d6t__out_fmt(o, "%s (%u)", def->name, v);
        else
            d6t__out_fmt(o, "%u", v);
    }
}

static void out_addr6_list(struct d6t_out *o, const uint8_t *d, size_t len)
{
    if (len < 16) d6t__out_str(o, "(none)");
    for (size_t i = 0; i + 16 <= len; i += 16) {
        if (i) d6t__out_mem(o, ", ", 2);
        d6t__out_addr6(o, d + i);
    }
}

static void out_dname_list(struct d6t_out *o, const uint8_t *d, size_t len)
{
    if (len == 0) d6t__out_str(o, "(none)");
    for (size_t p = 0, used; p < len; p += used) {
        if (p) d6t__out_mem(o, ", ", 2);
        out_dname(o, d + p, len - p, 0, &used);
        if (used == 0) break; /* cannot happen after d6t__layout; never loop on it */
    }
}

static void out_bin16_list(struct d6t_out *o, const uint8_t *d, size_t len)
{
    if (len == 0) d6t__out_str(o, "(none)");
    for (size_t p = 0; p + 2 <= len;) {
        size_t l = d6t__get16(d + p);
        if (l > len - p - 2) break;
        if (p) d6t__out_mem(o, ", ", 2);
        if (printable(d + p + 2, l))
            out_quoted(o, d + p + 2, l);
        else
            out_opaque(o, d + p + 2, l);
        p += 2 + l;
    }
}

static void out_prefix(struct d6t_out *o, const uint8_t *d, size_t len, size_t addr_len, int v4)
{
    uint8_t a[16] = {0};
    size_t n = len - 1 < addr_len ? len - 1 : addr_len;
    memcpy(a, d + 1, n);
    if (v4)
        d6t__out_addr4(o, a);
    else
        d6t__out_addr6(o, a);
    d6t__out_fmt(o, "/%u", d[0]);
}

/* Field j of 'def', whose bytes are d[0..len) (the span d6t__layout computed). 'prev' is the
 * byte just before the field, or -1 (the PSID is aligned by the psid-len field before it). */
static void print_field(struct d6t_out *o, unsigned lvl, const struct d6t_fielddef *f,
                        const uint8_t *d, size_t len, int prev)
{
    if (f->type == D6T_FT_ADDR6_LIST16 && len == 0) return; /* absent */
    field_start(o, lvl, f->name);
    size_t used;
    switch ((d6t_ftype)f->type) {
    case D6T_FT_U8: out_number(o, f->show, d[0]); break;
    case D6T_FT_U16: out_number(o, f->show, d6t__get16(d)); break;
    case D6T_FT_U32: /* an identifier (IAID) is shown as its bytes */
        if (f->show == D6T_SHOW_HEX)
            out_opaque(o, d, len);
        else
            out_number(o, f->show, d6t__get32(d));
        break;
    case D6T_FT_PSID: {
        unsigned plen = prev < 0 ? 16u : (unsigned)prev, w = d6t__get16(d);
        unsigned v = plen == 0 ? 0 : plen >= 16 ? w : w >> (16 - plen);
        d6t__out_fmt(o, "%u (0x%04x, %u bits)", v, w, plen > 16 ? 16 : plen);
        break;
    }
    case D6T_FT_ADDR6: d6t__out_addr6(o, d); break;
    case D6T_FT_ADDR4: d6t__out_addr4(o, d); break;
    case D6T_FT_PREFIX6:
    case D6T_FT_PREFIX6_VAR: out_prefix(o, d, len, 16, 0); break;
    case D6T_FT_PREFIX4: out_prefix(o, d, len, 4, 1); break;
    case D6T_FT_ADDR6_LIST: out_addr6_list(o, d, len); break;
    case D6T_FT_ADDR6_LIST16: out_addr6_list(o, d + 2, len - 2); break;
    case D6T_FT_U16_LIST: out_u16_list(o, f->show, d, len); break;
    case D6T_FT_TEXT: out_quoted(o, d, len); break;
    case D6T_FT_DUID: out_duid(o, d, len); break;
    case D6T_FT_DNAME: out_dname(o, d, len, 0, &used); break;
    case D6T_FT_FQDN: out_dname(o, d, len, D6T_DNAME_RELATIVE_OK, &used); break;
    case D6T_FT_DNAME16: out_dname(o, d + 2, len - 2, 0, &used); break;
    case D6T_FT_DNAME_LIST: out_dname_list(o, d, len); break;
    case D6T_FT_BIN16_LIST: out_bin16_list(o, d, len); break;
    case D6T_FT_BIN:
    case D6T_FT_BIN_REST:
        if (f->show == D6T_SHOW_LLADDR && len)
            out_hex_sep(o, d, len, ':');
        else
            out_opaque(o, d, len);
        break;
    default: out_opaque(o, d, len); break;
    }
    d6t__out_mem(o, "\n", 1);
}

/* ---- options and messages ---- */

static void print_msg(struct d6t_out *o, const d6t_msg *m, unsigned lvl, unsigned depth);

static void opt_title(struct d6t_out *o, const d6t_opt *op)
{
    if (op->def)
        d6t__out_fmt(o, "%s (%u)", op->def->name, op->code);
    else if (op->space == D6T_SPACE_VENDOR)
        d6t__out_fmt(o, "vendor sub-option %u", op->code);
    else if (op->space == D6T_SPACE_NTP)
        d6t__out_fmt(o, "unknown NTP sub-option %u", op->code);
    else
        d6t__out_fmt(o, "unknown option %u", op->code);
    size_t w = d6t_opt_wire_size(op);
    if (w >= 4)
        d6t__out_fmt(o, ", length %zu\n", w - 4);
    else
        d6t__out_str(o, ", length unknown (too long or too deep to write)\n");
}

static void print_fields(struct d6t_out *o, const d6t_opt *op, unsigned lvl)
{
    const struct d6t_optdef *def = op->def;
    struct d6t_span sp[D6T_MAX_FIELDS];
    size_t hdr, bad;
    const char *why;
    if (d6t__layout(def, op->data, op->len, sp, &hdr, &why, &bad) != D6T_OK) {
        /* only a tree built with raw bytes can get here; show what is there */
        field_start(o, lvl, "malformed");
        d6t__out_fmt(o, "%s at byte %zu: ", why, bad);
        d6t__out_hex(o, op->data, op->len);
        d6t__out_mem(o, "\n", 1);
        return;
    }
    for (size_t j = 0; j < def->nfields; j++) {
        const struct d6t_fielddef *f = &def->f[j];
        if (f->type == D6T_FT_OPTIONS || f->type == D6T_FT_MESSAGE) break;
        int prev = sp[j].off ? op->data[sp[j].off - 1] : -1;
        print_field(o, lvl, f, op->data + sp[j].off, sp[j].len, prev);
    }
}

/* 'nest' counts option levels within one message and 'depth' relay levels, both bounded so
 * that a cyclic or absurdly deep tree built through the API cannot exhaust the stack. */
static void print_opt(struct d6t_out *o, const d6t_opt *op, unsigned lvl, unsigned nest,
                      unsigned depth)
{
    indent(o, lvl);
    opt_title(o, op);
    if (!op->def) {
        if (op->len) {
            field_start(o, lvl + 1, "data");
            d6t__out_hex(o, op->data, op->len);
            d6t__out_mem(o, "\n", 1);
        }
        return;
    }
    print_fields(o, op, lvl + 1);
    if (op->kids.first && nest + 1 > D6T_MAX_OPTION_NESTING) {
        indent(o, lvl + 1);
        d6t__out_str(o, "(sub-options nested too deeply, not shown)\n");
    } else {
        for (const d6t_opt *k = op->kids.first; k; k = k->next)
            print_opt(o, k, lvl + 1, nest + 1, depth);
    }
    if (op->msg) print_msg(o, op->msg, lvl + 1, depth + 1);
}

static void msg_title(struct d6t_out *o, const d6t_msg *m)
{
    const char *name = d6t_msg_type_name(m->type);
    switch ((d6t_msg_kind)m->kind) {
    case D6T_KIND_CLIENT_SERVER:
        d6t__out_fmt(o, "%s (%u), %s 0x%06x\n", name, m->type,
                     m->type == D6T_MSG_DHCPV4_QUERY || m->type == D6T_MSG_DHCPV4_RESPONSE
                         ? "flags"
                         : "transaction id",
                     (unsigned)m->txid);
        break;
    case D6T_KIND_RELAY:
        d6t__out_fmt(o, "%s (%u), hop count %u, link ", name, m->type, m->hop_count);
        d6t__out_addr6(o, m->link);
        d6t__out_str(o, ", peer ");
        d6t__out_addr6(o, m->peer);
        d6t__out_mem(o, "\n", 1);
        break;
    default:
        d6t__out_fmt(o, "%s (%u), length %zu\n", name ? name : "unknown message type", m->type,
                     m->body_len + 1);
        break;
    }
}

static void print_msg(struct d6t_out *o, const d6t_msg *m, unsigned lvl, unsigned depth)
{
    indent(o, lvl);
    if (depth > D6T_HOP_COUNT_LIMIT) {
        d6t__out_str(o, "(relayed message nested too deeply, not shown)\n");
        return;
    }
    msg_title(o, m);
    if (m->kind == D6T_KIND_UNKNOWN) {
        if (m->body_len) {
            field_start(o, lvl + 1, "data");
            d6t__out_hex(o, m->body, m->body_len);
            d6t__out_mem(o, "\n", 1);
        }
        return;
    }
    for (const d6t_opt *op = m->opts.first; op; op = op->next) print_opt(o, op, lvl + 1, 0, depth);
}

size_t d6t_msg_to_text(const d6t_msg *m, char *out, size_t cap)
{
    struct d6t_out o;
    d6t__out_init(&o, out, cap);
    if (m) print_msg(&o, m, 0, 0);
    return o.n;
}

size_t d6t_opt_to_text(const d6t_opt *op, char *out, size_t cap)
{
    struct d6t_out o;
    d6t__out_init(&o, out, cap);
    if (op) print_opt(&o, op, 0, 0, 0);
    return o.n;
}
