/* libdhcp6txn - arenas: one arena owns a whole message tree.
 * SPDX-License-Identifier: BSD-2-Clause */
#ifndef DHCP6TXN_ARENA_H
#define DHCP6TXN_ARENA_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Caller-chosen allocation. Both functions receive 'ctx'. 'free_fn' is given the size that was
 * asked from 'alloc' for the same block. alloc may return NULL; the library then reports
 * D6T_ERR_NOMEM and stays consistent. */
typedef struct d6t_allocator {
    void *(*alloc)(void *ctx, size_t size);
    void (*free_fn)(void *ctx, void *ptr, size_t size);
    void *ctx;
} d6t_allocator;

/* An arena: a bump allocator that owns every message, option and byte built or parsed into it.
 * Nothing in it is freed individually; d6t_arena_reset() or d6t_arena_free() releases all at once,
 * after which every pointer obtained from objects in the arena is invalid.
 * An arena is not thread-safe; use one per thread (there is no global state, so any number of
 * arenas may be used concurrently). */
typedef struct d6t_arena d6t_arena;

/* New heap arena. 'alloc' NULL means malloc/free. 'block_size' is the size of each block taken
 * from the allocator (0: 4096); the arena header lives in the first block, so a parse of a
 * typical message costs exactly one allocation. Returns NULL on allocation failure. */
D6T_EXPORT d6t_arena *d6t_arena_new(const d6t_allocator *alloc, size_t block_size);

/* Arena inside caller memory 'buf' of 'size' bytes (at least D6T_ARENA_MIN_BUFFER; aligned to
 * 16 bytes is best). No heap allocation at all: when 'buf' is full, allocation fails with
 * D6T_ERR_NOMEM unless 'overflow' is non-NULL, in which case further blocks come from it.
 * The caller keeps ownership of 'buf', which must outlive the arena. */
#define D6T_ARENA_MIN_BUFFER 256
D6T_EXPORT d6t_arena *d6t_arena_new_in(void *buf, size_t size, const d6t_allocator *overflow);

/* Forget everything allocated. Blocks (and the caller buffer) are kept for reuse, so an arena
 * reset per message reaches its high-water mark once and then never touches the heap; with a
 * limit (d6t_arena_set_limit) kept blocks count against it and are given back as needed.
 * d6t_arena_free() returns all the memory. */
D6T_EXPORT void d6t_arena_reset(d6t_arena *a);

/* Release all blocks taken from the allocator. NULL is allowed. */
D6T_EXPORT void d6t_arena_free(d6t_arena *a);

/* Upper bound on the memory of the arena (0 = unlimited, the default). With a limit L:
 *  - bytes handed out since the last reset (d6t_arena_used) never exceed L;
 *  - the heap held (d6t_arena_heap_held: blocks in use and blocks kept by reset) never exceeds
 *    max(L, the first block of a d6t_arena_new arena); a caller buffer is no heap and does not
 *    count. To stay under it the arena gives kept blocks back before taking a new one, so
 *    messages of ever-growing size cannot pile up blocks, while traffic that fits keeps reusing
 *    what it has and makes no heap allocations.
 * Allocation past the limit fails with D6T_ERR_NOMEM. Setting a limit gives kept blocks back at
 * once; blocks in use when a lower limit is set are given back at the next reset. Without a
 * limit the arena keeps every block it ever took: set one for any arena fed by untrusted input. */
D6T_EXPORT void d6t_arena_set_limit(d6t_arena *a, size_t max_bytes);

/* Bytes handed out since creation or the last reset, and blocks held from the allocator. */
D6T_EXPORT size_t d6t_arena_used(const d6t_arena *a);
D6T_EXPORT size_t d6t_arena_heap_blocks(const d6t_arena *a);
/* Bytes held from the allocator: the sum of the sizes asked for every block not yet given back
 * (the first block of a d6t_arena_new arena included, a caller buffer not). 0 for NULL. */
D6T_EXPORT size_t d6t_arena_heap_held(const d6t_arena *a);

/* Raw memory from the arena, aligned for any C type; valid until reset/free. NULL on failure:
 * allocator failure, the limit, or a size so large that rounding it up would wrap. */
D6T_EXPORT void *d6t_arena_alloc(d6t_arena *a, size_t size);

#ifdef __cplusplus
}
#endif
#endif
