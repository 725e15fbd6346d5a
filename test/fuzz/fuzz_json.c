/* A small strict JSON syntax checker, so the fuzzer can assert d6t_*_to_json() output parses.
 * SPDX-License-Identifier: BSD-2-Clause */
#include "fuzz_common.h"
#include <string.h>

struct jp {
    const char *s;
    size_t n, i;
    unsigned depth;
};

static int value(struct jp *p);

static void ws(struct jp *p)
{
    while (p->i < p->n && strchr(" \t\r\n", p->s[p->i]) && p->s[p->i]) p->i++;
}

static int lit(struct jp *p, const char *w)
{
    size_t l = strlen(w);
    if (p->n - p->i < l || memcmp(p->s + p->i, w, l) != 0) return 0;
    p->i += l;
    return 1;
}

static int hex4(struct jp *p)
{
    for (int k = 0; k < 4; k++, p->i++)
        if (p->i >= p->n || !strchr("0123456789abcdefABCDEF", p->s[p->i]) || !p->s[p->i]) return 0;
    return 1;
}

static int string(struct jp *p)
{
    if (p->i >= p->n || p->s[p->i] != '"') return 0;
    for (p->i++; p->i < p->n; p->i++) {
        unsigned char c = (unsigned char)p->s[p->i];
        if (c == '"') {
            p->i++;
            return 1;
        }
        if (c < 0x20) return 0;
        if (c == '\\') {
            if (++p->i >= p->n) return 0;
            char e = p->s[p->i];
            if (e == 'u') {
                p->i++;
                if (!hex4(p)) return 0;
                p->i--;
            } else if (!e || !strchr("\"\\/bfnrt", e))
                return 0;
        }
    }
    return 0;
}

static int number(struct jp *p)
{
    size_t st = p->i;
    if (p->i < p->n && p->s[p->i] == '-') p->i++;
    size_t d = p->i;
    while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9') p->i++;
    if (p->i == d) return 0;
    if (p->s[d] == '0' && p->i - d > 1) return 0;
    if (p->i < p->n && p->s[p->i] == '.') {
        size_t f = ++p->i;
        while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9') p->i++;
        if (p->i == f) return 0;
    }
    return p->i > st;
}

static int container(struct jp *p, char close, int object)
{
    if (++p->depth > 512) return 0;
    p->i++;
    ws(p);
    if (p->i < p->n && p->s[p->i] == close) {
        p->i++;
        p->depth--;
        return 1;
    }
    for (;;) {
        ws(p);
        if (object) {
            if (!string(p)) return 0;
            ws(p);
            if (p->i >= p->n || p->s[p->i++] != ':') return 0;
        }
        if (!value(p)) return 0;
        ws(p);
        if (p->i >= p->n) return 0;
        char c = p->s[p->i++];
        if (c == close) break;
        if (c != ',') return 0;
    }
    p->depth--;
    return 1;
}

static int value(struct jp *p)
{
    ws(p);
    if (p->i >= p->n) return 0;
    switch (p->s[p->i]) {
    case '{': return container(p, '}', 1);
    case '[': return container(p, ']', 0);
    case '"': return string(p);
    case 't': return lit(p, "true");
    case 'f': return lit(p, "false");
    case 'n': return lit(p, "null");
    default: return number(p);
    }
}

int fz_json_valid(const char *s, size_t n)
{
    struct jp p = {s, n, 0, 0};
    if (!value(&p)) return 0;
    ws(&p);
    return p.i == n;
}
