/* Domain names in RFC 1035 wire form without compression, handled byte-transparently.
 * SPDX-License-Identifier: BSD-2-Clause */
#include "internal.h"

static d6t_status dn_fail(d6t_parse_error *err, size_t off, const char *why)
{
    if (err) {
        err->status = D6T_ERR_DNAME;
        err->offset = off;
        err->reason = why;
    }
    return D6T_ERR_DNAME;
}

d6t_status d6t_dname_check(const uint8_t *wire, size_t len, unsigned flags, size_t *consumed,
                           d6t_parse_error *err)
{
    size_t off = 0, total = 0;
    if (!wire && len) return D6T_ERR_INVALID_ARG;
    for (;;) {
        if (off >= len) {
            if (flags & D6T_DNAME_RELATIVE_OK) break;
            return dn_fail(err, off, "domain name ends without its root label");
        }
        uint8_t lab = wire[off];
        if (lab == 0) {
            off++;
            break;
        }
        if (lab > 63)
            return dn_fail(err, off,
                           lab >= 0xc0 ? "compressed domain name (not allowed in DHCPv6)"
                                       : "domain name label longer than 63 bytes");
        if ((size_t)lab + 1 > len - off)
            return dn_fail(err, off, "domain name label runs past the end");
        total += (size_t)lab + 1;
        if (total + 1 > 255) return dn_fail(err, off, "domain name longer than 255 bytes");
        off += (size_t)lab + 1;
    }
    if (consumed) *consumed = off;
    return D6T_OK;
}

static int plain(uint8_t c)
{
    return c > 0x20 && c < 0x7f && c != '.' && c != '\\';
}

/* Append one byte, escaped when not plain, keeping room for the NUL. */
static int put_escaped(char *out, size_t cap, size_t *o, uint8_t c)
{
    if (plain(c)) {
        if (*o + 1 >= cap) return -1;
        out[(*o)++] = (char)c;
    } else if (c == '.' || c == '\\') {
        if (*o + 2 >= cap) return -1;
        out[(*o)++] = '\\';
        out[(*o)++] = (char)c;
    } else {
        if (*o + 4 >= cap) return -1;
        out[(*o)++] = '\\';
        out[(*o)++] = (char)('0' + c / 100);
        out[(*o)++] = (char)('0' + c / 10 % 10);
        out[(*o)++] = (char)('0' + c % 10);
    }
    return 0;
}

d6t_status d6t_dname_to_text(const uint8_t *wire, size_t len, unsigned flags, char *out, size_t cap,
                             size_t *consumed)
{
    size_t used;
    d6t_status st = d6t_dname_check(wire, len, flags, &used, NULL);
    if (st) return st;
    if (!out || cap == 0) return D6T_ERR_BUFFER_TOO_SMALL;
    size_t o = 0, off = 0;
    if (used > 0 && wire[0] == 0) { /* the root name */
        if (cap < 2) return D6T_ERR_BUFFER_TOO_SMALL;
        out[o++] = '.';
    }
    while (off < used && wire[off] != 0) {
        uint8_t lab = wire[off++];
        for (size_t i = 0; i < lab; i++)
            if (put_escaped(out, cap, &o, wire[off + i])) return D6T_ERR_BUFFER_TOO_SMALL;
        off += lab;
        /* a dot follows every label of an absolute name and separates those of a relative one */
        if (off < used) {
            if (o + 1 >= cap) return D6T_ERR_BUFFER_TOO_SMALL;
            out[o++] = '.';
        }
    }
    out[o] = 0;
    if (consumed) *consumed = used;
    return D6T_OK;
}

d6t_status d6t_dname_from_text(const char *text, unsigned flags, uint8_t *out, size_t cap,
                               size_t *outlen)
{
    if (!text || !out) return D6T_ERR_INVALID_ARG;
    /* "" would encode as the root: a blank search-list entry must not mean "search the root" */
    if (!text[0] && !(flags & D6T_DNAME_RELATIVE_OK)) return D6T_ERR_EMPTY_NAME;
    size_t o = 0;
    const char *p = text;
    int trailing_dot = 0;
    if (p[0] == '.' && p[1] == 0) { /* the root */
        p++;
        trailing_dot = 1;
    }
    while (*p) {
        size_t lpos = o++;
        size_t lab = 0;
        if (lpos >= cap) return D6T_ERR_BUFFER_TOO_SMALL;
        while (*p && *p != '.') {
            unsigned c = (unsigned char)*p++;
            if (c == '\\') {
                if (p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9' && p[2] >= '0' &&
                    p[2] <= '9') {
                    c = (unsigned)((p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0'));
                    if (c > 255) return D6T_ERR_DNAME;
                    p += 3;
                } else if (*p) {
                    c = (unsigned char)*p++;
                } else {
                    return D6T_ERR_DNAME;
                }
            }
            if (o >= cap) return D6T_ERR_BUFFER_TOO_SMALL;
            out[o++] = (uint8_t)c;
            if (++lab > 63) return D6T_ERR_DNAME;
        }
        if (lab == 0) return D6T_ERR_DNAME; /* empty label: "a..b" or leading '.' */
        out[lpos] = (uint8_t)lab;
        if (*p == '.') {
            p++;
            if (!*p) trailing_dot = 1;
        }
    }
    int absolute = trailing_dot || !(flags & D6T_DNAME_RELATIVE_OK);
    if (absolute) {
        if (o >= cap) return D6T_ERR_BUFFER_TOO_SMALL;
        out[o++] = 0;
    }
    /* 255 bytes at most including the root label; a relative name must leave room for it */
    if (o > (absolute ? 255u : 254u)) return D6T_ERR_DNAME;
    if (outlen) *outlen = o;
    return D6T_OK;
}
