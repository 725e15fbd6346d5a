/* What every fuzz target shares with the replay driver: the entry point libFuzzer (or
 * replay_main.c) calls, and CHECK for its properties.
 * SPDX-License-Identifier: BSD-2-Clause */
#ifndef D6T_FUZZ_TARGET_H
#define D6T_FUZZ_TARGET_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* A failed property is a bug: abort so libFuzzer keeps the input. */
#define CHECK(c)                                                                        \
    do {                                                                                \
        if (!(c)) {                                                                     \
            fprintf(stderr, "fuzz check failed: %s (%s:%d)\n", #c, __FILE__, __LINE__); \
            abort();                                                                    \
        }                                                                               \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
