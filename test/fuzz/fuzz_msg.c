/* libFuzzer target: parse a DHCPv6 message, then check write/validate/print/getters on it.
 * Each input is parsed twice: into a reused, limited heap arena (the reference), and in a
 * second arena flavour picked from a hash of the input (tight limit, caller buffer with or
 * without overflow, private arena, copy mode). Both must agree except for running out of memory.
 * SPDX-License-Identifier: BSD-2-Clause */
#include "fuzz_common.h"
#include <string.h>

#define REF_LIMIT (1u << 24)

static d6t_arena *ref_arena;
static d6t_arena *tight_arena;
static _Alignas(16) uint8_t caller_buf[4096];

static uint32_t fnv1a(const uint8_t *d, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ d[i]) * 16777619u;
    return h;
}

static void *counted_alloc(void *ctx, size_t n)
{
    ++*(size_t *)ctx;
    return malloc(n);
}

static void counted_free(void *ctx, void *p, size_t n)
{
    (void)n;
    --*(size_t *)ctx;
    free(p);
}

/* Parse with a variant arena; check it agrees with the reference result. */
static void parse_variant(uint32_t h, const uint8_t *data, size_t size, d6t_status ref_st,
                          const d6t_parse_error *ref_err)
{
    size_t live = 0;
    d6t_allocator alc = {counted_alloc, counted_free, &live};
    d6t_arena *a = NULL;
    unsigned flags = 0;
    switch (h % 5) {
    case 0:
        d6t_arena_reset(tight_arena);
        d6t_arena_set_limit(tight_arena, 64 + (h >> 8) % 4096);
        a = tight_arena;
        break;
    case 1:
        a = d6t_arena_new_in(caller_buf, 256 + (h >> 8) % (sizeof caller_buf - 256), NULL);
        CHECK(a);
        break;
    case 2:
        a = d6t_arena_new_in(caller_buf, sizeof caller_buf, &alc);
        CHECK(a);
        d6t_arena_set_limit(a, 1u << 20);
        break;
    case 3:
        a = NULL; /* private arena */
        break;
    default:
        d6t_arena_reset(ref_arena);
        a = ref_arena;
        flags = D6T_PARSE_COPY;
        break;
    }
    d6t_msg *m = NULL;
    d6t_parse_error e;
    d6t_status st = d6t_msg_parse(a, data, size, flags, &m, &e);
    if (st == D6T_OK) {
        CHECK(ref_st == D6T_OK);
        CHECK(d6t_msg_wire_size(m) == size);
        uint8_t *buf = malloc(size ? size : 1);
        size_t got;
        CHECK(buf && d6t_msg_write(m, buf, size, &got) == D6T_OK && got == size);
        CHECK(memcmp(buf, data, size) == 0);
        free(buf);
        if (!a) CHECK(d6t_msg_arena(m) != NULL);
        d6t_msg_free(m);
    } else {
        CHECK(m == NULL);
        fz_check_error(st, &e, size);
        if (st != D6T_ERR_NOMEM) {
            CHECK(ref_st == st);
            CHECK(ref_err->offset == e.offset);
        }
    }
    if (a && a != tight_arena && a != ref_arena) d6t_arena_free(a);
    CHECK(live == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ref_arena) {
        ref_arena = d6t_arena_new(NULL, 0);
        tight_arena = d6t_arena_new(NULL, 512);
        CHECK(ref_arena && tight_arena);
    }
    d6t_arena_reset(ref_arena);
    d6t_arena_set_limit(ref_arena, REF_LIMIT);
    d6t_msg *m = NULL;
    d6t_parse_error e;
    d6t_status st = d6t_msg_parse(ref_arena, data, size, 0, &m, &e);
    if (st == D6T_OK) {
        CHECK(m != NULL);
        CHECK(d6t_arena_used(ref_arena) <= REF_LIMIT);
        fz_check_msg(m, data, size);
        fz_check_bundle(data, size, fnv1a(data, size) >> 8);
    } else {
        CHECK(m == NULL);
        fz_check_error(st, &e, size);
        CHECK(st != D6T_ERR_NOMEM || size > 4096); /* the limit is far above any small input */
    }
    d6t_parse_error ref_err = e;
    /* the variant may reuse ref_arena: the reference tree is dead from here on */
    parse_variant(fnv1a(data, size), data, size, st, &ref_err);
    return 0;
}
