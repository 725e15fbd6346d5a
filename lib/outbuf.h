/* snprintf-style output accumulation shared by the printers: writes what fits, counts all.
 * SPDX-License-Identifier: BSD-2-Clause */
#ifndef D6T_OUTBUF_H
#define D6T_OUTBUF_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <stdint.h>
#include <arpa/inet.h>

struct d6t_out {
    char *p;
    size_t cap; /* bytes available in p, including the final NUL */
    size_t n;   /* bytes the full text needs so far (excluding NUL) */
};

static inline void d6t__out_init(struct d6t_out *o, char *p, size_t cap)
{
    o->p = p;
    o->cap = p ? cap : 0;
    o->n = 0;
    if (o->cap) o->p[0] = 0;
}

static inline void d6t__out_mem(struct d6t_out *o, const char *s, size_t len)
{
    if (o->n < o->cap) {
        size_t room = o->cap - 1 - o->n;
        size_t k = len < room ? len : room;
        memcpy(o->p + o->n, s, k);
        o->p[o->n + k] = 0;
    }
    o->n += len;
}

static inline void d6t__out_str(struct d6t_out *o, const char *s)
{
    d6t__out_mem(o, s, strlen(s));
}

__attribute__((format(printf, 2, 3))) static inline void d6t__out_fmt(struct d6t_out *o,
                                                                      const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (k < 0) return;
    d6t__out_mem(o, tmp, (size_t)k < sizeof tmp ? (size_t)k : sizeof tmp - 1);
}

static inline void d6t__out_hex(struct d6t_out *o, const uint8_t *d, size_t len)
{
    static const char hx[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        char b[2] = {hx[d[i] >> 4], hx[d[i] & 15]};
        d6t__out_mem(o, b, 2);
    }
}

static inline void d6t__out_addr4(struct d6t_out *o, const uint8_t a[4]);

/* RFC 5952 text of an IPv6 address, written here rather than by inet_ntop: C libraries differ
 * (glibc prints ::/96 addresses as "::a.b.c.d", musl in hex), and output must not depend on
 * the one linked. Lower-case hex, the longest run of two or more zero groups (the first of
 * equals) as "::", and the dotted form only for IPv4-mapped addresses (section 5). */
static inline void d6t__out_addr6(struct d6t_out *o, const uint8_t a[16])
{
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (!memcmp(a, mapped, 12)) {
        d6t__out_str(o, "::ffff:");
        d6t__out_addr4(o, a + 12);
        return;
    }
    unsigned g[8], best = 8, best_len = 1;
    for (unsigned i = 0; i < 8; i++) g[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
    for (unsigned i = 0; i < 8;) {
        unsigned j = i;
        while (j < 8 && !g[j]) j++;
        if (j - i > best_len) best = i, best_len = j - i;
        i = j > i ? j : i + 1;
    }
    for (unsigned i = 0; i < 8; i++) {
        if (i == best) {
            d6t__out_str(o, "::");
            i += best_len - 1;
            continue;
        }
        d6t__out_fmt(o, i && i != best + best_len ? ":%x" : "%x", g[i]);
    }
}

static inline void d6t__out_addr4(struct d6t_out *o, const uint8_t a[4])
{
    d6t__out_fmt(o, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
}

#endif
