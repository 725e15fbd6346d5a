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

/* RFC 5952 text of an IPv6 address (inet_ntop is reentrant and has no global state). */
static inline void d6t__out_addr6(struct d6t_out *o, const uint8_t a[16])
{
    char t[INET6_ADDRSTRLEN];
    d6t__out_str(o, inet_ntop(AF_INET6, a, t, sizeof t) ? t : "?");
}

static inline void d6t__out_addr4(struct d6t_out *o, const uint8_t a[4])
{
    d6t__out_fmt(o, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
}

#endif
