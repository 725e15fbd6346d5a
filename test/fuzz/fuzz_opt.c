/* libFuzzer target for standalone options and domain names. The first byte picks the mode:
 * bits 0-1: 0 DHCPv6 space, 1 NTP sub-option space, 2 vendor space, 3 domain-name functions;
 * bit 2: D6T_PARSE_COPY (options) / D6T_DNAME_RELATIVE_OK (names). The rest is the input.
 * SPDX-License-Identifier: BSD-2-Clause */
#include "fuzz_common.h"
#include <string.h>

static d6t_arena *arena;

static void check_option(d6t_space space, unsigned flags, const uint8_t *p, size_t n)
{
    d6t_arena_reset(arena);
    d6t_opt *o = NULL;
    d6t_parse_error e;
    d6t_status st = d6t_opt_parse(arena, space, p, n, flags, &o, &e);
    if (st != D6T_OK) {
        CHECK(o == NULL);
        fz_check_error(st, &e, n);
        return;
    }
    CHECK(o && d6t_opt_space(o) == space);
    size_t ws = d6t_opt_wire_size(o), got;
    CHECK(ws == n);
    uint8_t *buf = malloc(n);
    CHECK(buf && d6t_opt_write(o, buf, n, &got) == D6T_OK && got == n);
    CHECK(memcmp(buf, p, n) == 0);
    free(buf);
    fz_check_opt(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    if (!arena) {
        arena = d6t_arena_new(NULL, 0);
        CHECK(arena);
        d6t_arena_set_limit(arena, 1u << 24);
    }
    unsigned mode = data[0] & 3u, bit = data[0] & 4u;
    if (mode == 3)
        fz_check_dname(data + 1, size - 1, bit ? D6T_DNAME_RELATIVE_OK : 0);
    else
        check_option((d6t_space)mode, bit ? D6T_PARSE_COPY : 0, data + 1, size - 1);
    return 0;
}
