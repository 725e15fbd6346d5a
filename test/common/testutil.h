/* Helpers shared by the unit tests. */
#ifndef D6T_TESTUTIL_H
#define D6T_TESTUTIL_H

#include <check.h>
#include <dhcp6txn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Decode hex (whitespace ignored) into buf; returns the byte count. */
static inline size_t unhex(const char *h, uint8_t *buf, size_t cap)
{
    size_t n = 0;
    int hi = -1;
    for (; *h; h++) {
        int v;
        if (*h >= '0' && *h <= '9')
            v = *h - '0';
        else if (*h >= 'a' && *h <= 'f')
            v = *h - 'a' + 10;
        else if (*h >= 'A' && *h <= 'F')
            v = *h - 'A' + 10;
        else
            continue;
        if (hi < 0)
            hi = v;
        else {
            ck_assert_uint_lt(n, cap);
            buf[n++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    ck_assert_int_eq(hi, -1);
    return n;
}

/* Parse hex into a message in 'a' (copied, so the static buffer may be reused); must succeed. */
static inline d6t_msg *parse_hex_msg(d6t_arena *a, const char *hex)
{
    static uint8_t buf[4000];
    size_t n = unhex(hex, buf, sizeof buf);
    d6t_msg *m;
    ck_assert_int_eq(d6t_msg_parse(a, buf, n, D6T_PARSE_COPY, &m, NULL), D6T_OK);
    return m;
}

/* A d6t_allocator (ctx: struct counting) that counts what an arena takes and gives back, and
 * the most it held at once; allocations number fail_after and later fail (-1: none fails). */
struct counting {
    size_t allocs, frees, live, peak;
    int fail_after;
};
#define COUNTING_INIT  \
    {                  \
        0, 0, 0, 0, -1 \
    }

static inline void *c_alloc(void *ctx, size_t n)
{
    struct counting *c = ctx;
    if (c->fail_after >= 0 && (int)c->allocs >= c->fail_after) return NULL;
    void *p = malloc(n);
    if (!p) return NULL;
    c->allocs++;
    c->live += n;
    if (c->live > c->peak) c->peak = c->live;
    return p;
}

static inline void c_free(void *ctx, void *p, size_t n)
{
    struct counting *c = ctx;
    c->frees++;
    c->live -= n;
    free(p);
}

/* Run one suite; returns the number of failures (for main's exit code). */
static inline int run_suite(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed;
}

/* The standard workloads (copied from shared/bench, allowed as test data). */
#define W1_HEX                                                                                     \
    "0c0120010db8ffff00010000000000000001fe800000000000003631c4fffe3cb2f1001200074769302f302f3000" \
    "25001200000009000c000a47572d303034322d3137000900ba0c0000000000000000000000000000000000fe8000" \
    "00000000003631c4fffe3cb2f1001200126f6c74312065746820312f312f353a3130300009007e01f350d6000800" \
    "0200000001000a000300013431c43cb2f1000e00000003000cc43cb2f1000000000000000000190029c43cb2f100" \
    "00000000000000001a001900000000000000003800000000000000000000000000000000001400000010000f0000" \
    "118b0009646f63736973332e300006000a00170018001100520053"
#define W3_HEX                                                                                     \
    "07f350d60001000a000300013431c43cb2f10002000e000100012e3c0a4b00163e5a7b0100030035c43cb2f10000" \
    "070800000b400005001820010db800010000000000000000123400000e1000001c20000d00090000737563636573" \
    "73000e00000017002020010db800000000000000000000005320010db80000000000000000000053530018000d07" \
    "6578616d706c6503636f6d0000190029c43cb2f10000070800000b40001a001900000e1000001c203020010db880" \
    "0000000000000000000000"

#endif
