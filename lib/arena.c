/* Arena: bump allocation over a chain of blocks; the first block also holds the arena header,
 * so a fresh arena costs one allocation. A reset keeps blocks for reuse, so an arena that is
 * reset per message reaches its high-water mark once and then never touches the heap. With a
 * limit, kept blocks count against it: a block that would bring the heap held past the limit
 * first makes room by giving kept ones back, so growing input cannot pile up blocks.
 * SPDX-License-Identifier: BSD-2-Clause */
#include "internal.h"
#include <stdint.h>
#include <stdlib.h>

#define ALIGN       D6T__ARENA_ALIGN
#define ALIGN_UP(x) D6T__ARENA_ALIGN_UP(x)

static void *std_alloc(void *ctx, size_t n)
{
    (void)ctx;
    return malloc(n);
}
static void std_free(void *ctx, void *p, size_t n)
{
    (void)ctx;
    (void)n;
    free(p);
}

static const size_t HDR = ALIGN_UP(sizeof(struct d6t_arena));
static const size_t BHDR = ALIGN_UP(sizeof(struct d6t__block));

d6t_arena *d6t_arena_new(const d6t_allocator *alloc, size_t block_size)
{
    d6t_allocator alc = {std_alloc, std_free, NULL};
    if (alloc) {
        if (!alloc->alloc || !alloc->free_fn) return NULL;
        alc = *alloc;
    }
    if (block_size == 0) block_size = 4096;
    if (block_size < HDR + 256) block_size = HDR + 256;
    uint8_t *mem = alc.alloc(alc.ctx, block_size);
    if (!mem) return NULL;
    d6t_arena *a = (d6t_arena *)mem;
    memset(a, 0, sizeof *a);
    a->alc = alc;
    a->have_alc = 1;
    a->first_is_heap = 1;
    a->first_size = block_size;
    a->block_size = block_size;
    a->first_start = mem + HDR;
    a->ptr = a->first_start;
    d6t__arena_set_used(a, 0);
    a->end = mem + block_size;
    a->heap_blocks = 1;
    a->held = block_size;
    d6t__arena_restop(a);
    return a;
}

d6t_arena *d6t_arena_new_in(void *buf, size_t size, const d6t_allocator *overflow)
{
    if (!buf || size < D6T_ARENA_MIN_BUFFER) return NULL;
    uintptr_t addr = (uintptr_t)buf;
    size_t pad = (ALIGN - (addr & (ALIGN - 1))) & (ALIGN - 1);
    if (size < pad + HDR + 64) return NULL;
    uint8_t *mem = (uint8_t *)buf + pad;
    d6t_arena *a = (d6t_arena *)mem;
    memset(a, 0, sizeof *a);
    if (overflow) {
        if (!overflow->alloc || !overflow->free_fn) return NULL;
        a->alc = *overflow;
        a->have_alc = 1;
    }
    a->block_size = 4096;
    a->first_start = mem + HDR;
    a->ptr = a->first_start;
    d6t__arena_set_used(a, 0);
    a->end = (uint8_t *)buf + size;
    a->first_size = (size_t)(a->end - a->first_start); /* room after the header */
    d6t__arena_restop(a);
    return a;
}

static void free_list(d6t_arena *a, struct d6t__block *b)
{
    while (b) {
        struct d6t__block *n = b->next;
        a->held -= b->size;
        a->heap_blocks--;
        a->alc.free_fn(a->alc.ctx, b, b->size);
        b = n;
    }
}

/* Give kept blocks back, largest first (a kept block is only wanted by requests as big as it),
 * until the heap held is at most 'target' or nothing is kept. */
static void trim(d6t_arena *a, size_t target)
{
    while (a->held > target && a->spare) {
        struct d6t__block **big = &a->spare;
        for (struct d6t__block **pp = &a->spare; *pp; pp = &(*pp)->next)
            if ((*pp)->size > (*big)->size) big = pp;
        struct d6t__block *b = *big;
        *big = b->next;
        b->next = NULL;
        free_list(a, b);
    }
}

void d6t_arena_reset(d6t_arena *a)
{
    if (!a) return;
    /* in-use blocks join the spares; nothing goes back to the allocator */
    while (a->extra) {
        struct d6t__block *b = a->extra;
        a->extra = b->next;
        b->next = a->spare;
        a->spare = b;
    }
    a->ptr = a->first_start;
    d6t__arena_set_used(a, 0);
    /* heap arenas: first_size is the whole block; caller buffers: the room after the header */
    a->end = a->first_is_heap ? (uint8_t *)a + a->first_size : a->first_start + a->first_size;
    if (a->limit) trim(a, a->limit); /* a limit lowered while blocks were in use */
    d6t__arena_restop(a);
}

void d6t_arena_free(d6t_arena *a)
{
    if (!a) return;
    free_list(a, a->extra);
    free_list(a, a->spare);
    if (a->first_is_heap) a->alc.free_fn(a->alc.ctx, a, a->first_size);
}

void d6t_arena_set_limit(d6t_arena *a, size_t max_bytes)
{
    if (!a) return;
    a->limit = max_bytes;
    if (max_bytes) trim(a, max_bytes);
    d6t__arena_restop(a);
}

size_t d6t_arena_used(const d6t_arena *a)
{
    return a ? d6t__arena_used(a) : 0;
}
size_t d6t_arena_heap_blocks(const d6t_arena *a)
{
    return a ? a->heap_blocks : 0;
}
size_t d6t_arena_heap_held(const d6t_arena *a)
{
    return a ? a->held : 0;
}

/* The smallest kept block of at least 'min' bytes, unlinked from the spares; NULL if none.
 * Smallest, so that the same sequence of requests after a reset gets blocks of the same sizes
 * as before and never needs a new one. */
static struct d6t__block *take_spare(d6t_arena *a, size_t min)
{
    struct d6t__block **best = NULL;
    for (struct d6t__block **pp = &a->spare; *pp; pp = &(*pp)->next)
        if ((*pp)->size >= min && (!best || (*pp)->size < (*best)->size)) best = pp;
    if (!best) return NULL;
    struct d6t__block *b = *best;
    *best = b->next;
    return b;
}

/* A new block of at least 'min' bytes. Under a limit, kept blocks go back first when the new
 * one would not fit beside them, and a block smaller than block_size will do if that is all the
 * limit leaves. */
static struct d6t__block *new_block(d6t_arena *a, size_t min)
{
    if (!a->have_alc) return NULL;
    size_t bsize = min > a->block_size ? min : a->block_size;
    if (a->limit) {
        if (min > a->limit) return NULL;
        trim(a, a->limit - min);
        if (a->held > a->limit - min) return NULL;
        if (bsize > a->limit - a->held) bsize = a->limit - a->held;
    }
    struct d6t__block *b = a->alc.alloc(a->alc.ctx, bsize);
    if (!b) return NULL;
    b->size = bsize;
    a->heap_blocks++;
    a->held += bsize;
    return b;
}

void *d6t_arena_alloc(d6t_arena *a, size_t size)
{
    /* no object is larger than PTRDIFF_MAX, and well before SIZE_MAX aligning the size or adding
     * a block header would wrap to a small number */
    if (!a || size > (size_t)PTRDIFF_MAX - BHDR - ALIGN) return NULL;
    size_t need = ALIGN_UP(size ? size : 1);
    size_t used = d6t__arena_used(a);
    if (a->limit && (used > a->limit || need > a->limit - used)) return NULL;
    if ((size_t)(a->end - a->ptr) >= need) {
        void *p = a->ptr;
        a->ptr += need;
        d6t__arena_restop(a);
        return p;
    }
    struct d6t__block *b = take_spare(a, need + BHDR);
    if (!b && !(b = new_block(a, need + BHDR))) return NULL;
    b->next = a->extra;
    a->extra = b;
    uint8_t *start = (uint8_t *)b + BHDR;
    /* bump on in whichever block has more room left: a big request that gets a block of its own
     * does not strand the free part of the current one */
    size_t room = b->size - BHDR - need;
    if (room >= (size_t)(a->end - a->ptr)) {
        a->ptr = start + need;
        a->end = (uint8_t *)b + b->size;
    }
    d6t__arena_set_used(a, used + need);
    d6t__arena_restop(a);
    return start;
}

/* The allocator behind an arena, so helpers (a bundle's scratch arena) allocate the same way. */
int d6t__arena_allocator(const d6t_arena *a, d6t_allocator *out)
{
    if (!a || !a->have_alc) return 0;
    *out = a->alc;
    return 1;
}
