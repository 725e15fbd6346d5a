/* Codec benchmark: ns per parse / write / parse+write and heap allocations per message for the
 * standard workloads, next to a plain bounds-checked TLV walk and a memcpy of the same bytes
 * measured in the same run (the floor), reported as a ratio.
 *
 * Every malloc/calloc/realloc/free of the process is counted while a measured loop runs: the
 * program interposes them (forwarding to glibc's __libc_* functions), or under ASan uses the
 * sanitizer's allocation hooks.
 *
 * Usage: bench [--quick] [--check-allocs] [--ms N] FILE.hex ...
 *   --quick         a few milliseconds per measurement (for tests)
 *   --check-allocs  exit 1 unless allocations per message are 0 (reused or caller arena) and
 *                   1 (private arena); timing never fails the run
 * SPDX-License-Identifier: BSD-2-Clause */
#include "dhcp6txn.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- allocation counting ---- */

static volatile int counting;
/* volatile: the compiler knows malloc and would assume it leaves this alone */
static volatile size_t n_allocs;

#if defined(__SANITIZE_ADDRESS__)
#define BENCH_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BENCH_ASAN 1
#endif
#endif

#ifdef BENCH_ASAN
void __sanitizer_install_malloc_and_free_hooks(void (*m)(const volatile void *, size_t),
                                                void (*f)(const volatile void *));
static void on_malloc(const volatile void *p, size_t n)
{
    (void)p; (void)n;
    if (counting) n_allocs++;
}
static void on_free(const volatile void *p) { (void)p; }
static void counting_init(void) { __sanitizer_install_malloc_and_free_hooks(on_malloc, on_free); }
#else
void *__libc_malloc(size_t);
void *__libc_calloc(size_t, size_t);
void *__libc_realloc(void *, size_t);
void *__libc_memalign(size_t, size_t);
void __libc_free(void *);

void *malloc(size_t n)
{
    if (counting) n_allocs++;
    return __libc_malloc(n);
}
void *calloc(size_t k, size_t n)
{
    if (counting) n_allocs++;
    return __libc_calloc(k, n);
}
void *realloc(void *p, size_t n)
{
    if (counting) n_allocs++;
    return __libc_realloc(p, n);
}
void *aligned_alloc(size_t al, size_t n)
{
    if (counting) n_allocs++;
    return __libc_memalign(al, n);
}
int posix_memalign(void **out, size_t al, size_t n)
{
    if (counting) n_allocs++;
    *out = __libc_memalign(al, n);
    return *out ? 0 : 12; /* ENOMEM */
}
void free(void *p) { __libc_free(p); }
static void counting_init(void) {}
#endif

/* ---- timing ---- */

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static volatile uintptr_t sink;

struct wl {
    const char *name;
    uint8_t msg[4096];
    size_t len;
    uint8_t out[4096];
    d6t_arena *arena;        /* reused heap arena */
    d6t_msg *parsed;         /* parsed once in 'arena', for write-only timing */
    _Alignas(16) uint8_t stack_mem[8192];
    int ok;
};

typedef void (*op_fn)(struct wl *w);

static void die(const char *what, d6t_status st)
{
    fprintf(stderr, "bench: %s: %s\n", what, d6t_strerror(st));
    exit(2);
}

static void op_parse_reused(struct wl *w)
{
    d6t_msg *m;
    d6t_arena_reset(w->arena);
    if (d6t_msg_parse(w->arena, w->msg, w->len, 0, &m, NULL)) die("parse", D6T_ERR_INVALID);
    sink += (uintptr_t)m;
}

static void op_write(struct wl *w)
{
    size_t n;
    if (d6t_msg_write(w->parsed, w->out, sizeof w->out, &n)) die("write", D6T_ERR_INVALID);
    sink += n;
}

static void op_parse_write_reused(struct wl *w)
{
    d6t_msg *m;
    size_t n;
    d6t_arena_reset(w->arena);
    if (d6t_msg_parse(w->arena, w->msg, w->len, 0, &m, NULL)) die("parse", D6T_ERR_INVALID);
    if (d6t_msg_write(m, w->out, sizeof w->out, &n)) die("write", D6T_ERR_INVALID);
    sink += n;
}

static void op_parse_write_private(struct wl *w)
{
    d6t_msg *m;
    size_t n;
    if (d6t_msg_parse(NULL, w->msg, w->len, 0, &m, NULL)) die("parse", D6T_ERR_INVALID);
    if (d6t_msg_write(m, w->out, sizeof w->out, &n)) die("write", D6T_ERR_INVALID);
    d6t_msg_free(m);
    sink += n;
}

static void op_parse_write_caller(struct wl *w)
{
    d6t_msg *m;
    size_t n;
    d6t_arena *a = d6t_arena_new_in(w->stack_mem, sizeof w->stack_mem, NULL);
    if (!a) die("arena_new_in", D6T_ERR_NOMEM);
    if (d6t_msg_parse(a, w->msg, w->len, 0, &m, NULL)) die("parse", D6T_ERR_INVALID);
    if (d6t_msg_write(m, w->out, sizeof w->out, &n)) die("write", D6T_ERR_INVALID);
    d6t_arena_free(a);
    sink += n;
}

/* The floor: visit every option, descending into relay messages and IA containers, with the
 * same bounds checks a parser needs, and nothing else. */
static unsigned long walk_opts(const uint8_t *p, size_t n, unsigned depth);

static unsigned long walk_msg(const uint8_t *p, size_t n, unsigned depth)
{
    if (n < 1 || depth > 32) return 0;
    size_t hdr = (p[0] == 12 || p[0] == 13) ? 34 : 4;
    if (n < hdr) return 0;
    return p[0] + walk_opts(p + hdr, n - hdr, depth);
}

static unsigned long walk_opts(const uint8_t *p, size_t n, unsigned depth)
{
    unsigned long sum = 0;
    size_t off = 0;
    while (n - off >= 4) {
        unsigned code = (unsigned)p[off] << 8 | p[off + 1];
        size_t len = (size_t)p[off + 2] << 8 | p[off + 3];
        if (len > n - off - 4) return sum;
        const uint8_t *d = p + off + 4;
        sum += code;
        switch (code) {
        case 9: sum += walk_msg(d, len, depth + 1); break;
        case 3: case 25: if (len >= 12) sum += walk_opts(d + 12, len - 12, depth); break;
        case 4: if (len >= 4) sum += walk_opts(d + 4, len - 4, depth); break;
        case 5: if (len >= 24) sum += walk_opts(d + 24, len - 24, depth); break;
        case 26: if (len >= 25) sum += walk_opts(d + 25, len - 25, depth); break;
        default: break;
        }
        off += 4 + len;
    }
    return sum;
}

static void op_walk(struct wl *w) { sink += walk_msg(w->msg, w->len, 0); }

static void op_memcpy(struct wl *w)
{
    memcpy(w->out, w->msg, w->len);
    __asm__ __volatile__("" : : "r"(w->out) : "memory"); /* keep the copy */
    sink += w->out[w->len - 1];
}

/* ---- measurement ---- */

struct result {
    double ns;      /* median ns per operation */
    double allocs;  /* heap allocations per operation */
};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof v[0], cmp_double);
    return v[n / 2];
}

#define BATCHES 15
enum { OP_WALK, OP_MEMCPY, OP_PARSE, OP_WRITE, OP_PW, OP_PW_PRIVATE, OP_PW_CALLER, OP_COUNT };

/* How many operations of fn fit in budget_ns. */
static size_t calibrate(op_fn fn, struct wl *w, double budget_ns)
{
    uint64_t t0 = now_ns();
    size_t probe = 0;
    do {
        for (int i = 0; i < 16; i++) fn(w);
        probe += 16;
    } while (now_ns() - t0 < 2000000u);
    size_t n = (size_t)(budget_ns / ((double)(now_ns() - t0) / (double)probe));
    return n ? n : 1;
}

/* Batches run every operation in turn, so a burst of machine noise hits them all alike; the
 * walk ratio is the median of per-batch ratios. */
static void measure_all(const op_fn *ops, struct wl *w, double budget_ms, struct result *res,
                        double *ratio)
{
    size_t iters[OP_COUNT], total[OP_COUNT] = { 0 }, allocs[OP_COUNT] = { 0 };
    static double ns[OP_COUNT][BATCHES];
    double ratios[BATCHES];
    for (int k = 0; k < OP_COUNT; k++) iters[k] = calibrate(ops[k], w, budget_ms * 1e6 / BATCHES);
    for (int b = 0; b < BATCHES; b++) {
        for (int k = 0; k < OP_COUNT; k++) {
            n_allocs = 0;
            counting = 1;
            uint64_t s = now_ns();
            for (size_t i = 0; i < iters[k]; i++) ops[k](w);
            uint64_t e = now_ns();
            counting = 0;
            allocs[k] += n_allocs;
            total[k] += iters[k];
            ns[k][b] = (double)(e - s) / (double)iters[k];
        }
        ratios[b] = ns[OP_PW][b] / ns[OP_WALK][b];
    }
    for (int k = 0; k < OP_COUNT; k++) {
        res[k].ns = median(ns[k], BATCHES);
        res[k].allocs = (double)allocs[k] / (double)total[k];
    }
    *ratio = median(ratios, BATCHES);
}

static int read_hex(const char *path, struct wl *w)
{
    FILE *f = fopen(path, "r");
    if (!f) { perror(path); return -1; }
    int c, hi = -1;
    w->len = 0;
    while ((c = fgetc(f)) != EOF && w->len < sizeof w->msg) {
        int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (v < 0) continue;
        if (hi < 0) hi = v;
        else { w->msg[w->len++] = (uint8_t)(hi << 4 | v); hi = -1; }
    }
    fclose(f);
    const char *slash = strrchr(path, '/');
    w->name = slash ? slash + 1 : path;
    return w->len ? 0 : -1;
}

static int setup(struct wl *w)
{
    d6t_parse_error e;
    size_t n;
    w->arena = d6t_arena_new(NULL, 0);
    if (!w->arena) return -1;
    d6t_status st = d6t_msg_parse(w->arena, w->msg, w->len, 0, &w->parsed, &e);
    if (st) {
        fprintf(stderr, "%s: parse failed at %zu: %s\n", w->name, e.offset, e.reason);
        return -1;
    }
    if (d6t_msg_write(w->parsed, w->out, sizeof w->out, &n) || n != w->len ||
        memcmp(w->out, w->msg, n)) {
        fprintf(stderr, "%s: round trip differs\n", w->name);
        return -1;
    }
    return 0;
}

static void row(const char *what, struct result r, double floor_ns)
{
    printf("  %-38s %9.1f ns  %6.2fx walk  %5.2f allocs/msg\n", what, r.ns, r.ns / floor_ns, r.allocs);
}

static int bench_one(const char *path, double ms, int check_allocs)
{
    static struct wl w; /* large buffers: keep off the stack */
    static const op_fn ops[OP_COUNT] = {
        [OP_WALK] = op_walk, [OP_MEMCPY] = op_memcpy, [OP_PARSE] = op_parse_reused,
        [OP_WRITE] = op_write, [OP_PW] = op_parse_write_reused,
        [OP_PW_PRIVATE] = op_parse_write_private, [OP_PW_CALLER] = op_parse_write_caller,
    };
    struct result r[OP_COUNT];
    double ratio;
    memset(&w, 0, sizeof w);
    if (read_hex(path, &w) || setup(&w)) return 1;
    /* op_write needs a parsed tree that op_parse_reused does not disturb: give it its own arena */
    d6t_arena *wa = d6t_arena_new(NULL, 0);
    if (!wa || d6t_msg_parse(wa, w.msg, w.len, 0, &w.parsed, NULL)) die("parse", D6T_ERR_NOMEM);
    measure_all(ops, &w, ms, r, &ratio);
    d6t_arena_free(wa);
    d6t_arena_free(w.arena);

    double floor_ns = r[OP_WALK].ns;
    printf("%s (%zu bytes)\n", w.name, w.len);
    row("TLV walk (floor)", r[OP_WALK], floor_ns);
    row("memcpy", r[OP_MEMCPY], floor_ns);
    row("parse, reused arena", r[OP_PARSE], floor_ns);
    row("write", r[OP_WRITE], floor_ns);
    row("parse+write, reused arena (a)", r[OP_PW], floor_ns);
    row("parse+write+free, private arena (b)", r[OP_PW_PRIVATE], floor_ns);
    row("parse+write, caller memory (c)", r[OP_PW_CALLER], floor_ns);
    printf("  ratio (parse+write)/(TLV walk) = %.1f  [goal <= 10: %s]\n", ratio,
           ratio <= 10.0 ? "met" : "MISSED");
    int allocs_ok = r[OP_PARSE].allocs == 0 && r[OP_WRITE].allocs == 0 && r[OP_PW].allocs == 0 &&
                    r[OP_PW_PRIVATE].allocs == 1.0 && r[OP_PW_CALLER].allocs == 0;
    printf("  allocations: reused %.2f, private %.2f, caller memory %.2f  [goal 0 / 1 / 0: %s]\n",
           r[OP_PW].allocs, r[OP_PW_PRIVATE].allocs, r[OP_PW_CALLER].allocs, allocs_ok ? "met" : "MISSED");
    return check_allocs && !allocs_ok;
}

/* The counter must see a plain malloc, or every allocation figure would be a silent zero. */
static int counting_works(void)
{
    void *volatile p;
    n_allocs = 0;
    counting = 1;
    p = malloc(24);
    counting = 0;
    free(p);
    return n_allocs == 1;
}

int main(int argc, char **argv)
{
    double ms = 140.0;
    int check_allocs = 0, bad = 0, files = 0;
    counting_init();
    if (!counting_works()) {
        fprintf(stderr, "bench: allocation counting does not work in this build\n");
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--quick")) ms = 5.0;
        else if (!strcmp(argv[i], "--check-allocs")) check_allocs = 1;
        else if (!strcmp(argv[i], "--ms") && i + 1 < argc) ms = atof(argv[++i]);
        else { bad |= bench_one(argv[i], ms, check_allocs); files++; }
    }
    if (!files) {
        fprintf(stderr, "usage: bench [--quick] [--check-allocs] [--ms N] FILE.hex ...\n");
        return 2;
    }
    printf("libdhcp6txn %s, median of %d interleaved batches, about %.0f ms per operation\n", d6t_version(), BATCHES, ms);
    return bad;
}
