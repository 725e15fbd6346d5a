/* Copies of options and messages: exact, independent of the source unless sharing was asked
 * for, all-or-nothing under memory pressure, and made without the writer or the parser.
 *
 * Linked with -Wl,--wrap on the parser's and writer's entry points (see meson.build): every
 * call into them from another object file (the test, or copy.c / build.c / bundle_out.c inside
 * the static library) passes through the counting wrappers below.
 *
 * Arguments: sample files (hex, '#' lines are comments), then optionally "--captures DIR" with
 * pcap captures whose DHCPv6 payloads are copied too.
 * SPDX-License-Identifier: BSD-2-Clause */
#include "testutil.h"
#include <dirent.h>

/* ---- counting wrappers ---- */
static unsigned n_parse, n_write, n_layout;

d6t_status __real_d6t_msg_parse(d6t_arena *, const uint8_t *, size_t, unsigned, d6t_msg **,
                                d6t_parse_error *);
d6t_status __real_d6t_opt_parse(d6t_arena *, d6t_space, const uint8_t *, size_t, unsigned,
                                d6t_opt **, d6t_parse_error *);
struct d6t_parse_ctx;
struct d6t_optdef;
struct d6t_span;
d6t_status __real_d6t__parse_msg(struct d6t_parse_ctx *, const uint8_t *, size_t, unsigned,
                                 d6t_msg **);
d6t_status __real_d6t__parse_opt_payload(struct d6t_parse_ctx *, d6t_opt *, const uint8_t *, size_t,
                                         unsigned, unsigned);
d6t_status __real_d6t__layout(const struct d6t_optdef *, const uint8_t *, size_t, struct d6t_span *,
                              size_t *, const char **, size_t *);
d6t_status __real_d6t_msg_write(const d6t_msg *, uint8_t *, size_t, size_t *);
size_t __real_d6t_msg_wire_size(const d6t_msg *);
d6t_status __real_d6t_opt_write(const d6t_opt *, uint8_t *, size_t, size_t *);
size_t __real_d6t_opt_wire_size(const d6t_opt *);

/* the wrappers' own prototypes (they are defined for the linker, not called by name) */
d6t_status __wrap_d6t_msg_parse(d6t_arena *, const uint8_t *, size_t, unsigned, d6t_msg **,
                                d6t_parse_error *);
d6t_status __wrap_d6t_opt_parse(d6t_arena *, d6t_space, const uint8_t *, size_t, unsigned,
                                d6t_opt **, d6t_parse_error *);
d6t_status __wrap_d6t__parse_msg(struct d6t_parse_ctx *, const uint8_t *, size_t, unsigned,
                                 d6t_msg **);
d6t_status __wrap_d6t__parse_opt_payload(struct d6t_parse_ctx *, d6t_opt *, const uint8_t *, size_t,
                                         unsigned, unsigned);
d6t_status __wrap_d6t__layout(const struct d6t_optdef *, const uint8_t *, size_t, struct d6t_span *,
                              size_t *, const char **, size_t *);
d6t_status __wrap_d6t_msg_write(const d6t_msg *, uint8_t *, size_t, size_t *);
size_t __wrap_d6t_msg_wire_size(const d6t_msg *);
d6t_status __wrap_d6t_opt_write(const d6t_opt *, uint8_t *, size_t, size_t *);
size_t __wrap_d6t_opt_wire_size(const d6t_opt *);

d6t_status __wrap_d6t_msg_parse(d6t_arena *a, const uint8_t *b, size_t n, unsigned f, d6t_msg **o,
                                d6t_parse_error *e)
{
    n_parse++;
    return __real_d6t_msg_parse(a, b, n, f, o, e);
}
d6t_status __wrap_d6t_opt_parse(d6t_arena *a, d6t_space s, const uint8_t *b, size_t n, unsigned f,
                                d6t_opt **o, d6t_parse_error *e)
{
    n_parse++;
    return __real_d6t_opt_parse(a, s, b, n, f, o, e);
}
d6t_status __wrap_d6t__parse_msg(struct d6t_parse_ctx *c, const uint8_t *p, size_t n, unsigned d,
                                 d6t_msg **o)
{
    n_parse++;
    return __real_d6t__parse_msg(c, p, n, d, o);
}
d6t_status __wrap_d6t__parse_opt_payload(struct d6t_parse_ctx *c, d6t_opt *o, const uint8_t *p,
                                         size_t n, unsigned nest, unsigned d)
{
    n_parse++;
    return __real_d6t__parse_opt_payload(c, o, p, n, nest, d);
}
d6t_status __wrap_d6t__layout(const struct d6t_optdef *def, const uint8_t *p, size_t n,
                              struct d6t_span *s, size_t *h, const char **why, size_t *bad)
{
    n_layout++;
    return __real_d6t__layout(def, p, n, s, h, why, bad);
}
d6t_status __wrap_d6t_msg_write(const d6t_msg *m, uint8_t *b, size_t cap, size_t *len)
{
    n_write++;
    return __real_d6t_msg_write(m, b, cap, len);
}
size_t __wrap_d6t_msg_wire_size(const d6t_msg *m)
{
    n_write++;
    return __real_d6t_msg_wire_size(m);
}
d6t_status __wrap_d6t_opt_write(const d6t_opt *o, uint8_t *b, size_t cap, size_t *len)
{
    n_write++;
    return __real_d6t_opt_write(o, b, cap, len);
}
size_t __wrap_d6t_opt_wire_size(const d6t_opt *o)
{
    n_write++;
    return __real_d6t_opt_wire_size(o);
}

static void zero_counts(void)
{
    n_parse = n_write = n_layout = 0;
}

/* ---- inputs ---- */
#define MAX_INPUTS 4096
#define MAX_MSG    4096
struct input {
    char name[160];
    uint8_t b[MAX_MSG];
    size_t n;
};
static struct input *inputs;
static size_t n_inputs, n_samples;

static void add_input(const char *name, const uint8_t *b, size_t n)
{
    if (n_inputs == MAX_INPUTS || n > MAX_MSG || !n) {
        fprintf(stderr, "%s: %zu bytes or more than %d inputs: not loaded\n", name, n, MAX_INPUTS);
        exit(1);
    }
    struct input *in = &inputs[n_inputs++];
    snprintf(in->name, sizeof in->name, "%s", name);
    memcpy(in->b, b, n);
    in->n = n;
}

static int hexval(int c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

static int load_hex_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    static uint8_t buf[MAX_MSG];
    size_t n = 0;
    char line[8192];
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#') continue;
        int hi = -1;
        for (char *p = line; *p; p++) {
            int v = hexval((unsigned char)*p);
            if (v < 0) continue;
            if (hi < 0) {
                hi = v;
            } else if (n < sizeof buf) {
                buf[n++] = (uint8_t)(hi << 4 | v);
                hi = -1;
            }
        }
    }
    fclose(f);
    add_input(path, buf, n);
    return 0;
}

static uint32_t rd32(const uint8_t *p, int swap)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return swap ? __builtin_bswap32(v) : v;
}

/* DHCPv6 payloads of a classic pcap over Ethernet (VLAN tags allowed, no IPv6 extension
 * headers: the captures have none). */
static void load_pcap(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return;
    uint8_t gh[24], ph[16];
    static uint8_t pkt[65536];
    if (fread(gh, 1, 24, f) != 24) goto out;
    int swap = rd32(gh, 0) == 0xd4c3b2a1;
    if (!swap && rd32(gh, 0) != 0xa1b2c3d4) goto out;
    if (rd32(gh + 20, swap) != 1) goto out;
    for (int k = 0; fread(ph, 1, 16, f) == 16; k++) {
        uint32_t cap = rd32(ph + 8, swap);
        if (cap > sizeof pkt || fread(pkt, 1, cap, f) != cap) break;
        size_t off = 12;
        while (off + 2 <= cap && pkt[off] == 0x81 && pkt[off + 1] == 0x00) off += 4;
        if (off + 2 + 40 + 8 > cap || pkt[off] != 0x86 || pkt[off + 1] != 0xdd) continue;
        const uint8_t *ip = pkt + off + 2;
        if (ip[6] != 17) continue;
        const uint8_t *udp = ip + 40;
        unsigned sport = (unsigned)udp[0] << 8 | udp[1], dport = (unsigned)udp[2] << 8 | udp[3];
        if ((sport != 546 && sport != 547) || (dport != 546 && dport != 547)) continue;
        size_t len = ((size_t)udp[4] << 8 | udp[5]);
        if (len < 8 || (size_t)(udp - pkt) + len > cap) continue;
        char name[160];
        snprintf(name, sizeof name, "%.100s#%d", strrchr(path, '/') ? strrchr(path, '/') + 1 : path,
                 k + 1);
        add_input(name, udp + 8, len - 8);
    }
out:
    fclose(f);
}

static void load_captures(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l < 5 || strcmp(e->d_name + l - 5, ".pcap")) continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        load_pcap(path);
    }
    closedir(d);
}

/* ---- tree helpers ---- */
typedef void (*opt_fn)(const d6t_opt *o, void *ctx);

static void each_opt(const d6t_opt *o, opt_fn fn, void *ctx);
static void each_msg_opt(const d6t_msg *m, opt_fn fn, void *ctx)
{
    for (const d6t_opt *o = d6t_msg_first_opt(m); o; o = d6t_opt_next(o)) each_opt(o, fn, ctx);
}
static void each_opt(const d6t_opt *o, opt_fn fn, void *ctx)
{
    fn(o, ctx);
    for (const d6t_opt *k = d6t_opt_first_child(o); k; k = d6t_opt_next(k)) each_opt(k, fn, ctx);
    if (d6t_opt_msg(o)) each_msg_opt(d6t_opt_msg(o), fn, ctx);
}

enum {
    VIEWS_SHARED,
    VIEWS_OWN
};

static void same_msg(const d6t_msg *a, const d6t_msg *b, int views);

/* Same tree, node for node; with VIEWS_SHARED the payload pointers are the source's, with
 * VIEWS_OWN they never are. */
static void same_opt(const d6t_opt *a, const d6t_opt *b, int views)
{
    ck_assert_ptr_ne(a, b);
    ck_assert_uint_eq(d6t_opt_code(a), d6t_opt_code(b));
    ck_assert_int_eq(d6t_opt_space(a), d6t_opt_space(b));
    ck_assert_int_eq(d6t_opt_is_known(a), d6t_opt_is_known(b));
    size_t na, nb;
    const uint8_t *da = d6t_opt_data(a, &na), *db = d6t_opt_data(b, &nb);
    ck_assert_uint_eq(na, nb);
    if (na) ck_assert_int_eq(memcmp(da, db, na), 0);
    if (views == VIEWS_SHARED)
        ck_assert_ptr_eq(da, db);
    else if (na)
        ck_assert_ptr_ne(da, db);
    ck_assert_uint_eq(d6t_opt_child_count(a), d6t_opt_child_count(b));
    const d6t_opt *ka = d6t_opt_first_child(a), *kb = d6t_opt_first_child(b);
    for (; ka && kb; ka = d6t_opt_next(ka), kb = d6t_opt_next(kb)) same_opt(ka, kb, views);
    ck_assert(!ka && !kb);
    ck_assert_int_eq(!d6t_opt_msg(a), !d6t_opt_msg(b));
    if (d6t_opt_msg(a)) same_msg(d6t_opt_msg(a), d6t_opt_msg(b), views);
}

static void same_msg(const d6t_msg *a, const d6t_msg *b, int views)
{
    ck_assert_ptr_ne(a, b);
    ck_assert_uint_eq(d6t_msg_type(a), d6t_msg_type(b));
    ck_assert_uint_eq(d6t_msg_opt_count(a), d6t_msg_opt_count(b));
    const d6t_opt *oa = d6t_msg_first_opt(a), *ob = d6t_msg_first_opt(b);
    for (; oa && ob; oa = d6t_opt_next(oa), ob = d6t_opt_next(ob)) same_opt(oa, ob, views);
    ck_assert(!oa && !ob);
}

/* Wire bytes of an option / a message, from the real writer. */
static size_t opt_bytes(const d6t_opt *o, uint8_t *buf, size_t cap)
{
    size_t n = 0;
    ck_assert_int_eq(d6t_opt_write(o, buf, cap, &n), D6T_OK);
    return n;
}
static size_t msg_bytes(const d6t_msg *m, uint8_t *buf, size_t cap)
{
    size_t n = 0;
    ck_assert_int_eq(d6t_msg_write(m, buf, cap, &n), D6T_OK);
    return n;
}

static d6t_msg *parse(d6t_arena *a, const uint8_t *b, size_t n)
{
    d6t_msg *m = NULL;
    d6t_parse_error e;
    ck_assert_msg(d6t_msg_parse(a, b, n, 0, &m, &e) == D6T_OK, "parse failed at %zu: %s", e.offset,
                  e.reason ? e.reason : "?");
    return m;
}

/* ---- every option of every input ---- */
struct per_opt {
    d6t_arena *dst;
    d6t_msg *holder;       /* a message in dst to add DHCPv6 options to */
    unsigned seen[3][256]; /* codes < 256 per space, to show the walk covered something */
    size_t nopts;
};

static void check_one_opt(const d6t_opt *o, void *ctx)
{
    struct per_opt *p = ctx;
    static uint8_t want[MAX_MSG], got[MAX_MSG];
    size_t n = opt_bytes(o, want, sizeof want);
    d6t_opt *deep, *shared;
    zero_counts();
    ck_assert_int_eq(d6t_opt_copy(p->dst, o, 0, &deep), D6T_OK);
    ck_assert_int_eq(d6t_opt_copy(p->dst, o, D6T_COPY_SHARE, &shared), D6T_OK);
    d6t_opt *added =
        d6t_opt_space(o) == D6T_SPACE_DHCPV6 ? d6t_msg_add_opt_copy(p->holder, o) : NULL;
    ck_assert_uint_eq(n_parse + n_write + n_layout, 0);
    same_opt(o, deep, VIEWS_OWN);
    same_opt(o, shared, VIEWS_SHARED);
    ck_assert_uint_eq(opt_bytes(deep, got, sizeof got), n);
    ck_assert_int_eq(memcmp(got, want, n), 0);
    ck_assert_uint_eq(opt_bytes(shared, got, sizeof got), n);
    ck_assert_int_eq(memcmp(got, want, n), 0);
    if (d6t_opt_space(o) == D6T_SPACE_DHCPV6) {
        ck_assert_ptr_nonnull(added);
        ck_assert_uint_eq(opt_bytes(added, got, sizeof got), n);
        ck_assert_int_eq(memcmp(got, want, n), 0);
    }
    if (d6t_opt_code(o) < 256) p->seen[d6t_opt_space(o) % 3][d6t_opt_code(o)]++;
    p->nopts++;
}

static void copy_every_option(size_t first, size_t count)
{
    uint8_t got[MAX_MSG];
    struct per_opt *p = calloc(1, sizeof *p);
    ck_assert_ptr_nonnull(p);
    for (size_t i = first; i < first + count; i++) {
        const struct input *in = &inputs[i];
        d6t_arena *src = d6t_arena_new(NULL, 0);
        p->dst = d6t_arena_new(NULL, 0);
        d6t_msg *m = parse(src, in->b, in->n);
        p->holder = d6t_msg_new(p->dst, D6T_MSG_REPLY);
        each_msg_opt(m, check_one_opt, p);
        /* the whole message, both ways, and into a private arena */
        d6t_msg *deep, *shared, *priv;
        zero_counts();
        ck_assert_int_eq(d6t_msg_copy(p->dst, m, 0, &deep), D6T_OK);
        ck_assert_int_eq(d6t_msg_copy(p->dst, m, D6T_COPY_SHARE, &shared), D6T_OK);
        ck_assert_int_eq(d6t_msg_copy(NULL, m, 0, &priv), D6T_OK);
        ck_assert_uint_eq(n_parse + n_write + n_layout, 0);
        ck_assert_ptr_eq(d6t_msg_arena(deep), p->dst);
        same_msg(m, deep, VIEWS_OWN);
        same_msg(m, shared, VIEWS_SHARED);
        same_msg(m, priv, VIEWS_OWN);
        d6t_msg *copies[] = {deep, shared, priv};
        for (size_t k = 0; k < 3; k++) {
            ck_assert_msg(msg_bytes(copies[k], got, sizeof got) == in->n &&
                              !memcmp(got, in->b, in->n),
                          "%s: copy %zu writes other bytes", in->name, k);
        }
        d6t_msg_free(priv);
        d6t_arena_free(p->dst);
        d6t_arena_free(src);
    }
    if (count) ck_assert_uint_gt(p->nopts, count); /* every input has options */
    free(p);
}

START_TEST(samples_copy_exactly)
{
    ck_assert_uint_ge(n_samples, 6); /* bench/w1, w3 and the four examples */
    copy_every_option(0, n_samples);
}
END_TEST

START_TEST(captures_copy_exactly)
{
    copy_every_option(n_samples, n_inputs - n_samples);
}
END_TEST

/* The samples cover the kinds that matter: relay messages, containers, leaves, vendor data. */
START_TEST(samples_cover_option_kinds)
{
    struct per_opt *p = calloc(1, sizeof *p);
    ck_assert_ptr_nonnull(p);
    for (size_t i = 0; i < n_samples; i++) {
        d6t_arena *src = d6t_arena_new(NULL, 0);
        p->dst = d6t_arena_new(NULL, 0);
        d6t_msg *m = parse(src, inputs[i].b, inputs[i].n);
        p->holder = d6t_msg_new(p->dst, D6T_MSG_REPLY);
        each_msg_opt(m, check_one_opt, p);
        d6t_arena_free(p->dst);
        d6t_arena_free(src);
    }
    static const uint16_t kinds[] = {
        D6T_OPT_RELAY_MSG, D6T_OPT_INTERFACE_ID, D6T_OPT_IA_NA,       D6T_OPT_IAADDR,
        D6T_OPT_IA_PD,     D6T_OPT_IAPREFIX,     D6T_OPT_STATUS_CODE, D6T_OPT_CLIENTID,
        D6T_OPT_ORO,       D6T_OPT_VENDOR_CLASS, D6T_OPT_DOMAIN_LIST, D6T_OPT_DNS_SERVERS};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
        ck_assert_msg(p->seen[D6T_SPACE_DHCPV6][kinds[k]], "no option %u in the samples", kinds[k]);
    free(p);
}
END_TEST

/* ---- a source that is gone ---- */
START_TEST(copy_outlives_source)
{
    const struct input *in = &inputs[0]; /* w1: two relay levels */
    uint8_t got[MAX_MSG];
    uint8_t *buf = malloc(in->n);
    ck_assert_ptr_nonnull(buf);
    memcpy(buf, in->b, in->n);
    d6t_arena *src = d6t_arena_new(NULL, 0), *dst = d6t_arena_new(NULL, 0);
    d6t_msg *m = parse(src, buf, in->n); /* views into buf */
    d6t_opt *ia = d6t_msg_find_opt(d6t_msg_relayed(d6t_msg_relayed(m)), D6T_OPT_IA_NA);
    ck_assert_ptr_nonnull(ia);
    ck_assert_int_eq(d6t_opt_set_u32(ia, D6T_IA_NA_T1, 1234), D6T_OK); /* bytes in src now */
    uint8_t ia_want[256];
    size_t ia_n = opt_bytes(ia, ia_want, sizeof ia_want);
    static uint8_t m_want[MAX_MSG];
    size_t m_n = msg_bytes(m, m_want, sizeof m_want);
    ck_assert_uint_eq(m_n, in->n);
    d6t_msg *mc, *reply = d6t_msg_new(dst, D6T_MSG_REPLY);
    ck_assert_int_eq(d6t_msg_copy(dst, m, 0, &mc), D6T_OK);
    d6t_opt *iac = d6t_msg_add_opt_copy(reply, ia);
    ck_assert_ptr_nonnull(iac);
    /* scribble over everything of the source: the input buffer, then its arena's memory (a
     * reset hands the same blocks out again) */
    size_t src_used = d6t_arena_used(src);
    memset(buf, 0x5a, in->n);
    free(buf);
    d6t_arena_reset(src);
    for (size_t done = 0; done < src_used + 4096; done += 256) {
        uint8_t *junk = d6t_arena_alloc(src, 256);
        ck_assert_ptr_nonnull(junk);
        memset(junk, 0xa5, 256);
    }
    for (int pass = 0; pass < 2; pass++) {
        ck_assert_uint_eq(msg_bytes(mc, got, sizeof got), m_n);
        ck_assert_int_eq(memcmp(got, m_want, m_n), 0);
        ck_assert_uint_eq(opt_bytes(iac, got, sizeof got), ia_n);
        ck_assert_int_eq(memcmp(got, ia_want, ia_n), 0);
        /* then free it: an ASan build reports any read of the freed memory */
        if (pass == 0) d6t_arena_free(src);
    }
    uint32_t t1;
    ck_assert_int_eq(d6t_opt_get_u32(iac, D6T_IA_NA_T1, &t1), D6T_OK);
    ck_assert_uint_eq(t1, 1234);
    /* the copy is the request, so the relay chain is walkable from it */
    ck_assert_ptr_nonnull(d6t_msg_find_opt(d6t_msg_relayed(d6t_msg_relayed(mc)), D6T_OPT_IA_PD));
    d6t_arena_free(dst);
}
END_TEST

/* ---- sharing ---- */
START_TEST(shared_copy_sees_source_bytes)
{
    const struct input *in = &inputs[1]; /* w3: a Reply with IA_NA, IA_PD, DNS */
    d6t_arena *src = d6t_arena_new(NULL, 0), *dst = d6t_arena_new(NULL, 0);
    d6t_msg *m = parse(src, in->b, in->n);
    d6t_opt *ia = d6t_msg_find_opt(m, D6T_OPT_IA_NA), *sc;
    ck_assert_int_eq(d6t_opt_copy(dst, ia, D6T_COPY_SHARE, &sc), D6T_OK);
    size_t n;
    /* the views are the parsed input's own bytes */
    const uint8_t *d = d6t_opt_data(sc, &n);
    ck_assert(d >= in->b && d + n <= in->b + in->n);
    ck_assert_ptr_eq(d6t_opt_data(d6t_opt_first_child(sc), NULL),
                     d6t_opt_data(d6t_opt_first_child(ia), NULL));
    /* a setter on the shared copy writes into the copy's arena and leaves the source alone */
    ck_assert_int_eq(d6t_opt_set_u32(sc, D6T_IA_NA_T2, 99), D6T_OK);
    ck_assert_ptr_ne(d6t_opt_data(sc, NULL), d6t_opt_data(ia, NULL));
    uint32_t v;
    ck_assert_int_eq(d6t_opt_get_u32(ia, D6T_IA_NA_T2, &v), D6T_OK);
    ck_assert_uint_eq(v, 2880);
    uint8_t got[MAX_MSG];
    ck_assert_uint_eq(msg_bytes(m, got, sizeof got), in->n);
    ck_assert_int_eq(memcmp(got, in->b, in->n), 0);

    /* a built source changed in place afterwards: the shared copy shows it, a deep one not */
    d6t_msg *r = d6t_msg_new(src, D6T_MSG_REPLY);
    d6t_opt *pref = d6t_msg_add_opt(r, D6T_OPT_PREFERENCE), *ps, *pd;
    ck_assert_int_eq(d6t_opt_set_u8(pref, D6T_PREFERENCE_PREFERENCE, 5), D6T_OK);
    ck_assert_int_eq(d6t_opt_copy(dst, pref, D6T_COPY_SHARE, &ps), D6T_OK);
    ck_assert_int_eq(d6t_opt_copy(dst, pref, 0, &pd), D6T_OK);
    ck_assert_int_eq(d6t_opt_set_u8(pref, D6T_PREFERENCE_PREFERENCE, 7), D6T_OK);
    uint8_t p8;
    ck_assert_int_eq(d6t_opt_get_u8(ps, D6T_PREFERENCE_PREFERENCE, &p8), D6T_OK);
    ck_assert_uint_eq(p8, 7);
    ck_assert_int_eq(d6t_opt_get_u8(pd, D6T_PREFERENCE_PREFERENCE, &p8), D6T_OK);
    ck_assert_uint_eq(p8, 5);

    /* an unknown message's body is shared or copied the same way */
    static const uint8_t odd[] = {0xf0, 1, 2, 3, 4, 5};
    d6t_msg *u = parse(src, odd, sizeof odd), *us, *ud;
    ck_assert_int_eq(d6t_msg_kind_of(u), D6T_KIND_UNKNOWN);
    ck_assert_int_eq(d6t_msg_copy(dst, u, D6T_COPY_SHARE, &us), D6T_OK);
    ck_assert_int_eq(d6t_msg_copy(dst, u, 0, &ud), D6T_OK);
    ck_assert_ptr_eq(d6t_msg_body(us, NULL), odd + 1);
    ck_assert_ptr_ne(d6t_msg_body(ud, NULL), odd + 1);
    ck_assert_uint_eq(msg_bytes(ud, got, sizeof got), sizeof odd);
    ck_assert_int_eq(memcmp(got, odd, sizeof odd), 0);
    d6t_arena_free(dst);
    d6t_arena_free(src);
}
END_TEST

/* ---- what the source holds survives exactly ---- */
START_TEST(changes_unknowns_and_order_survive)
{
    const struct input *in = &inputs[1];
    d6t_arena *src = d6t_arena_new(NULL, 0), *dst = d6t_arena_new(NULL, 0);
    d6t_msg *m = parse(src, in->b, in->n);
    d6t_opt *ia = d6t_msg_find_opt(m, D6T_OPT_IA_NA);
    ck_assert_int_eq(d6t_opt_set_u32(ia, D6T_IA_NA_T1, 77), D6T_OK);
    d6t_opt *st = d6t_opt_find_child(ia, D6T_OPT_STATUS_CODE);
    ck_assert_ptr_nonnull(st);
    ck_assert_int_eq(d6t_opt_set_text(st, D6T_STATUS_CODE_STATUS_MESSAGE, "a longer message"),
                     D6T_OK);
    ck_assert_int_eq(d6t_opt_remove_child(ia, d6t_opt_find_child(ia, D6T_OPT_IAADDR)), D6T_OK);
    d6t_opt *a2 = d6t_opt_add_child(ia, D6T_OPT_IAADDR);
    ck_assert_int_eq(d6t_opt_set_u32(a2, D6T_IAADDR_VALID_LIFETIME, 9), D6T_OK);
    static const uint8_t blob[] = {0xde, 0xad, 0xbe, 0xef};
    d6t_opt *unk;
    ck_assert_int_eq(d6t_msg_add_opt_bytes(m, 0xfeed, blob, sizeof blob, &unk, NULL), D6T_OK);
    d6t_opt *first = d6t_opt_new(src, D6T_SPACE_DHCPV6, 0xfee0);
    ck_assert_int_eq(d6t_opt_set_data(first, blob, 2), D6T_OK);
    ck_assert_int_eq(d6t_msg_insert_opt(m, d6t_msg_first_opt(m), first), D6T_OK);
    /* vendor sub-options: a space of their own, kept as opaque code + data */
    d6t_opt *vo = d6t_msg_add_opt(m, D6T_OPT_VENDOR_OPTS);
    ck_assert_ptr_nonnull(vo);
    ck_assert_int_eq(d6t_opt_add_child_bytes(vo, 3, blob, 3, NULL, NULL), D6T_OK);

    uint8_t want[MAX_MSG], got[MAX_MSG];
    size_t n = msg_bytes(m, want, sizeof want);
    d6t_msg *c;
    ck_assert_int_eq(d6t_msg_copy(dst, m, 0, &c), D6T_OK);
    same_msg(m, c, VIEWS_OWN);
    ck_assert_uint_eq(msg_bytes(c, got, sizeof got), n);
    ck_assert_int_eq(memcmp(got, want, n), 0);
    ck_assert_uint_eq(d6t_opt_code(d6t_msg_first_opt(c)), 0xfee0);
    /* and an option of the vendor space goes under another vendor option, not into a message */
    d6t_opt *vsub = d6t_opt_first_child(vo), *vo2 = d6t_msg_add_opt(c, D6T_OPT_VENDOR_OPTS);
    ck_assert_ptr_null(d6t_msg_add_opt_copy(c, vsub));
    d6t_opt *vc = d6t_opt_add_child_copy(vo2, vsub);
    ck_assert_ptr_nonnull(vc);
    ck_assert_int_eq(d6t_opt_space(vc), D6T_SPACE_VENDOR);
    d6t_opt *free_vsub;
    ck_assert_int_eq(d6t_opt_copy(dst, vsub, 0, &free_vsub), D6T_OK);
    ck_assert_int_eq(d6t_msg_insert_opt(c, NULL, free_vsub), D6T_ERR_WRONG_FIELD);
    /* the copy is a tree of its own: changing it leaves the source as it was */
    ck_assert_int_eq(d6t_opt_set_u32(d6t_msg_find_opt(c, D6T_OPT_IA_NA), D6T_IA_NA_T1, 1), D6T_OK);
    ck_assert_uint_eq(msg_bytes(m, got, sizeof got), n);
    ck_assert_int_eq(memcmp(got, want, n), 0);
    d6t_arena_free(dst);
    d6t_arena_free(src);
}
END_TEST

/* ---- memory pressure ---- */
static void assert_unchanged(const d6t_msg *t, const uint8_t *want, size_t n, size_t count)
{
    uint8_t got[MAX_MSG];
    ck_assert_uint_eq(d6t_msg_opt_count(t), count);
    ck_assert_uint_eq(msg_bytes(t, got, sizeof got), n);
    ck_assert_int_eq(memcmp(got, want, n), 0);
}

START_TEST(nomem_leaves_target_unchanged)
{
    const struct input *in = &inputs[0];
    d6t_arena *src = d6t_arena_new(NULL, 0);
    d6t_msg *m = parse(src, in->b, in->n);
    const d6t_opt *rm = d6t_msg_find_opt(m, D6T_OPT_RELAY_MSG); /* nested relay + solicit */
    uint8_t want[MAX_MSG];
    size_t need = 0;
    for (size_t k = 0;; k++) {
        d6t_arena *dst = d6t_arena_new(NULL, 65536); /* one block: only the limit can fail */
        d6t_msg *t = d6t_msg_new(dst, D6T_MSG_RELAY_REPL);
        d6t_msg_add_opt(t, D6T_OPT_INTERFACE_ID);
        size_t n = msg_bytes(t, want, sizeof want), used = d6t_arena_used(dst);
        d6t_arena_set_limit(dst, used + k);
        d6t_opt *o = d6t_msg_add_opt_copy(t, rm);
        if (o) {
            need = k;
            ck_assert_uint_eq(d6t_msg_opt_count(t), 2);
            d6t_arena_free(dst);
            break;
        }
        assert_unchanged(t, want, n, 1);
        ck_assert_uint_eq(d6t_arena_used(dst), used); /* what the failed copy took is back */
        d6t_opt *free_o = (d6t_opt *)1;
        d6t_msg *mc = (d6t_msg *)1;
        ck_assert_int_eq(d6t_opt_copy(dst, rm, 0, &free_o), D6T_ERR_NOMEM);
        ck_assert_ptr_null(free_o);
        ck_assert_int_eq(d6t_msg_copy(dst, m, D6T_COPY_SHARE, &mc), D6T_ERR_NOMEM);
        ck_assert_ptr_null(mc);
        ck_assert_uint_eq(d6t_arena_used(dst), used);
        assert_unchanged(t, want, n, 1);
        d6t_arena_free(dst);
    }
    ck_assert_uint_gt(need, 500); /* many nodes: the loop failed at every one of them */

    /* caller memory without overflow: full is full */
    _Alignas(16) static uint8_t mem[1024];
    d6t_arena *small = d6t_arena_new_in(mem, sizeof mem, NULL);
    d6t_msg *t = d6t_msg_new(small, D6T_MSG_RELAY_REPL);
    size_t n = msg_bytes(t, want, sizeof want), used = d6t_arena_used(small);
    ck_assert_ptr_null(d6t_msg_add_opt_copy(t, rm));
    assert_unchanged(t, want, n, 0);
    ck_assert_uint_eq(d6t_arena_used(small), used);
    d6t_arena_free(small);
    d6t_arena_free(src);
}
END_TEST

/* An allocator that refuses after 'left' blocks: a copy then fails after taking new blocks. */
struct stingy {
    int left;
    int live;
};
static void *stingy_alloc(void *ctx, size_t n)
{
    struct stingy *s = ctx;
    if (s->left == 0) return NULL;
    s->left--;
    s->live++;
    return malloc(n);
}
static void stingy_free(void *ctx, void *p, size_t n)
{
    (void)n;
    ((struct stingy *)ctx)->live--;
    free(p);
}

START_TEST(nomem_across_blocks_rolls_back)
{
    const struct input *in = &inputs[0];
    d6t_arena *src = d6t_arena_new(NULL, 0);
    d6t_msg *m = parse(src, in->b, in->n);
    uint8_t got[MAX_MSG];
    int succeeded = 0;
    for (int blocks = 1; blocks < 40 && !succeeded; blocks++) {
        struct stingy s = {blocks, 0};
        d6t_allocator al = {stingy_alloc, stingy_free, &s};
        d6t_arena *dst = d6t_arena_new(&al, 512); /* small blocks: the copy spans several */
        ck_assert_ptr_nonnull(dst);
        d6t_msg *t = d6t_msg_new(dst, D6T_MSG_REPLY), *c;
        size_t used = d6t_arena_used(dst);
        d6t_status st = d6t_msg_copy(dst, m, 0, &c);
        if (st == D6T_OK) {
            succeeded = blocks;
            ck_assert_uint_eq(msg_bytes(c, got, sizeof got), in->n);
            ck_assert_int_eq(memcmp(got, in->b, in->n), 0);
        } else {
            ck_assert_int_eq(st, D6T_ERR_NOMEM);
            ck_assert_uint_eq(d6t_arena_used(dst), used);
            ck_assert_uint_eq(d6t_msg_opt_count(t), 0);
            /* the blocks it took are kept for reuse: with them the copy now fits */
            s.left = 0;
            size_t held = d6t_arena_heap_blocks(dst);
            if (d6t_msg_copy(dst, m, 0, &c) == D6T_OK) {
                ck_assert_uint_eq(msg_bytes(c, got, sizeof got), in->n);
                ck_assert_int_eq(memcmp(got, in->b, in->n), 0);
            }
            ck_assert_uint_eq(d6t_arena_heap_blocks(dst), held);
        }
        d6t_arena_free(dst);
        ck_assert_int_eq(s.live, 0);
    }
    ck_assert_int_gt(succeeded, 2); /* the failing runs really did take blocks first */
    d6t_arena_free(src);
}
END_TEST

/* ---- no writer, no parser ---- */
START_TEST(copy_calls_neither_writer_nor_parser)
{
    const struct input *in = &inputs[0];
    d6t_arena *src = d6t_arena_new(NULL, 0), *dst = d6t_arena_new(NULL, 0);
    d6t_msg *m = parse(src, in->b, in->n);
    /* the wrappers do see calls from inside the library (build.c into the parser) and from
     * here, so a zero below means something */
    zero_counts();
    ck_assert_int_eq(d6t_msg_add_opt_bytes(d6t_msg_new(dst, D6T_MSG_REPLY), D6T_OPT_CLIENTID,
                                           (const uint8_t *)"\0\3\0\1abcdef", 10, NULL, NULL),
                     D6T_OK);
    ck_assert_uint_gt(n_parse, 0);
    ck_assert_uint_gt(d6t_msg_wire_size(m), 0);
    ck_assert_uint_gt(n_write, 0);

    zero_counts();
    d6t_msg *r = d6t_msg_new(dst, D6T_MSG_RELAY_REPL), *mc;
    d6t_opt *rm = d6t_msg_add_opt_copy(r, d6t_msg_find_opt(m, D6T_OPT_RELAY_MSG));
    ck_assert_ptr_nonnull(rm);
    d6t_msg *inner = d6t_msg_relayed(d6t_msg_relayed(m));
    d6t_opt *prefix = d6t_opt_first_child(d6t_msg_find_opt(inner, D6T_OPT_IA_PD));
    ck_assert_uint_eq(d6t_opt_code(prefix), D6T_OPT_IAPREFIX);
    ck_assert_ptr_nonnull(d6t_opt_add_child_copy(d6t_msg_add_opt(r, D6T_OPT_IA_PD), prefix));
    ck_assert_int_eq(d6t_msg_copy(dst, m, 0, &mc), D6T_OK);
    ck_assert_int_eq(d6t_msg_copy(dst, m, D6T_COPY_SHARE, &mc), D6T_OK);
    ck_assert_uint_eq(n_parse, 0);
    ck_assert_uint_eq(n_write, 0);
    ck_assert_uint_eq(n_layout, 0);

    /* the bundle's relay-reply chain echoes its options the same way */
    d6t_bundle *b;
    ck_assert_int_eq(d6t_bundle_new_from_msg(dst, m, 0, NULL, &b), D6T_OK);
    zero_counts();
    ck_assert_int_eq(d6t_bundle_create_outgoing_relay_messages(b), D6T_OK);
    ck_assert_uint_eq(n_parse + n_write, 0);
    ck_assert_uint_eq(d6t_bundle_outgoing_relay_count(b), 2);
    const d6t_opt *iid = d6t_msg_find_opt(d6t_bundle_outgoing_relay(b, 1), D6T_OPT_INTERFACE_ID);
    ck_assert_ptr_nonnull(iid);
    same_opt(d6t_msg_find_opt(m, D6T_OPT_INTERFACE_ID), iid, VIEWS_SHARED);
    d6t_bundle_free(b);
    d6t_arena_free(dst);
    d6t_arena_free(src);
}
END_TEST

/* ---- prebuilt options ---- */
static const uint8_t pb_duid[] = {0,    1, 0,    1,    0x2e, 0x3c, 0x0a,
                                  0x4b, 0, 0x16, 0x3e, 0x5a, 0x7b, 0x01};
static const uint8_t pb_dns1[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 0x53};
static const uint8_t pb_dns2[16] = {0x20, 0x01, 0x0d, 0xb8, [14] = 0x53, [15] = 0x53};

/* A configuration template: Server-ID, an IA_NA with two sub-options (a container, so the
 * copies' child links matter), DNS servers, a search list and an unknown option. */
static d6t_msg *pb_template(d6t_arena *a)
{
    d6t_msg *t = d6t_msg_new(a, D6T_MSG_REPLY);
    ck_assert_int_eq(d6t_opt_set_bytes(d6t_msg_add_opt(t, D6T_OPT_SERVERID), D6T_SERVERID_DUID,
                                       pb_duid, sizeof pb_duid),
                     D6T_OK);
    d6t_opt *ia = d6t_msg_add_opt(t, D6T_OPT_IA_NA);
    ck_assert_int_eq(d6t_opt_set_ia(ia, 7, 100, 200), D6T_OK);
    d6t_opt *a1 = d6t_opt_add_child(ia, D6T_OPT_IAADDR);
    ck_assert_int_eq(d6t_opt_set_addr6(a1, D6T_IAADDR_ADDRESS, pb_dns1), D6T_OK);
    ck_assert_int_eq(d6t_opt_set_u32(a1, D6T_IAADDR_VALID_LIFETIME, 300), D6T_OK);
    ck_assert_int_eq(d6t_opt_set_text(d6t_opt_add_child(ia, D6T_OPT_STATUS_CODE),
                                      D6T_STATUS_CODE_STATUS_MESSAGE, "ok"),
                     D6T_OK);
    d6t_opt *dns = d6t_msg_add_opt(t, D6T_OPT_DNS_SERVERS);
    ck_assert_int_eq(d6t_opt_list_add_addr6(dns, D6T_DNS_SERVERS_DNS_SERVERS, pb_dns1), D6T_OK);
    ck_assert_int_eq(d6t_opt_list_add_addr6(dns, D6T_DNS_SERVERS_DNS_SERVERS, pb_dns2), D6T_OK);
    ck_assert_int_eq(d6t_opt_list_add_dname(d6t_msg_add_opt(t, D6T_OPT_DOMAIN_LIST),
                                            D6T_DOMAIN_LIST_SEARCH_LIST, "example.com."),
                     D6T_OK);
    ck_assert_int_eq(d6t_msg_add_opt_bytes(t, 65000, (const uint8_t *)"xyz", 3, NULL, NULL),
                     D6T_OK);
    return t;
}

START_TEST(prebuilt_adds_the_template)
{
    d6t_arena *ta = d6t_arena_new(NULL, 0), *pa = d6t_arena_new(NULL, 0),
              *ma = d6t_arena_new(NULL, 0);
    d6t_msg *t = pb_template(ta);
    static uint8_t want[MAX_MSG], got[MAX_MSG], cid[MAX_MSG];
    size_t n = msg_bytes(t, want, sizeof want);
    d6t_prebuilt *p = NULL;
    ck_assert_int_eq(d6t_prebuilt_new(pa, t, &p), D6T_OK);
    ck_assert_uint_eq(d6t_prebuilt_count(p), 5);
    /* nothing points into the template: its arena is scribbled over and given back */
    d6t_arena_reset(ta);
    memset(d6t_arena_alloc(ta, 3000), 0xa5, 3000);
    d6t_arena_free(ta);

    /* alone in a message: the template's bytes, node for node */
    d6t_msg *m1 = d6t_msg_new(ma, D6T_MSG_REPLY);
    zero_counts();
    ck_assert_int_eq(d6t_msg_add_prebuilt(m1, p), D6T_OK);
    ck_assert_uint_eq(n_parse + n_write + n_layout, 0);
    ck_assert_uint_eq(msg_bytes(m1, got, sizeof got), n);
    ck_assert_int_eq(memcmp(got, want, n), 0);
    ck_assert_uint_eq(d6t_msg_opt_count(m1), 5);
    d6t_opt *ia = d6t_msg_find_opt(m1, D6T_OPT_IA_NA);
    ck_assert_uint_eq(d6t_opt_child_count(ia), 2);
    uint32_t v = 0;
    ck_assert_int_eq(
        d6t_opt_get_u32(d6t_opt_find_child(ia, D6T_OPT_IAADDR), D6T_IAADDR_VALID_LIFETIME, &v),
        D6T_OK);
    ck_assert_uint_eq(v, 300);
    size_t k = 0;
    ck_assert_int_eq(d6t_opt_list_count(d6t_msg_find_opt(m1, D6T_OPT_DNS_SERVERS),
                                        D6T_DNS_SERVERS_DNS_SERVERS, &k),
                     D6T_OK);
    ck_assert_uint_eq(k, 2);

    /* between other options, twice: order kept, the list's end moved on */
    d6t_msg *m2 = d6t_msg_new(ma, D6T_MSG_REPLY);
    ck_assert_int_eq(
        d6t_opt_set_bytes(d6t_msg_add_opt(m2, D6T_OPT_CLIENTID), D6T_CLIENTID_DUID, pb_duid, 10),
        D6T_OK);
    size_t nc = msg_bytes(m2, cid, sizeof cid);
    ck_assert_int_eq(d6t_msg_add_prebuilt(m2, p), D6T_OK);
    ck_assert_ptr_nonnull(d6t_msg_add_opt(m2, D6T_OPT_RAPID_COMMIT));
    ck_assert_int_eq(d6t_msg_add_prebuilt(m2, p), D6T_OK);
    ck_assert_uint_eq(d6t_msg_opt_count(m2), 12);
    size_t n2 = msg_bytes(m2, got, sizeof got);
    ck_assert_uint_eq(n2, nc + 2 * (n - 4) + 4);
    ck_assert_int_eq(memcmp(got, cid, nc), 0);
    ck_assert_int_eq(memcmp(got + nc, want + 4, n - 4), 0);
    ck_assert_int_eq(memcmp(got + nc + n - 4, "\0\016\0\0", 4), 0);
    ck_assert_int_eq(memcmp(got + nc + n, want + 4, n - 4), 0);
    /* the two IA_NAs are nodes of their own: same bytes, different children */
    d6t_opt *ia1 = d6t_msg_find_opt(m2, D6T_OPT_IA_NA), *ia2 = d6t_opt_next_same(ia1);
    ck_assert_ptr_nonnull(ia2);
    ck_assert_ptr_ne(d6t_opt_first_child(ia1), d6t_opt_first_child(ia2));
    same_opt(ia1, ia2, VIEWS_SHARED);

    /* a change to one copy shows nowhere else: not in m1, not in the next copy */
    ck_assert_int_eq(d6t_opt_set_u32(d6t_opt_first_child(ia1), D6T_IAADDR_VALID_LIFETIME, 9),
                     D6T_OK);
    ck_assert_int_eq(d6t_opt_list_add_addr6(d6t_msg_find_opt(m2, D6T_OPT_DNS_SERVERS),
                                            D6T_DNS_SERVERS_DNS_SERVERS, pb_dns1),
                     D6T_OK);
    ck_assert_ptr_nonnull(d6t_opt_add_child(ia2, D6T_OPT_IAADDR));
    ck_assert_int_eq(d6t_msg_remove_opt(m2, d6t_msg_find_opt(m2, D6T_OPT_SERVERID)), D6T_OK);
    ck_assert_uint_eq(msg_bytes(m1, got, sizeof got), n);
    ck_assert_int_eq(memcmp(got, want, n), 0);
    d6t_msg *m3 = d6t_msg_new(ma, D6T_MSG_REPLY);
    ck_assert_int_eq(d6t_msg_add_prebuilt(m3, p), D6T_OK);
    ck_assert_uint_eq(msg_bytes(m3, got, sizeof got), n);
    ck_assert_int_eq(memcmp(got, want, n), 0);
    ck_assert_uint_eq(d6t_msg_opt_count(m2), 11);
    ck_assert_int_eq(d6t_opt_get_u32(d6t_opt_first_child(ia1), D6T_IAADDR_VALID_LIFETIME, &v),
                     D6T_OK);
    ck_assert_uint_eq(v, 9);
    ck_assert_uint_eq(d6t_opt_child_count(ia2), 3);
    ck_assert_uint_eq(d6t_opt_child_count(d6t_msg_find_opt(m3, D6T_OPT_IA_NA)), 2);
    d6t_arena_free(ma);
    d6t_arena_free(pa);
}
END_TEST

START_TEST(prebuilt_nomem_and_refusals)
{
    d6t_arena *ta = d6t_arena_new(NULL, 0), *pa = d6t_arena_new(NULL, 0);
    d6t_msg *t = pb_template(ta);
    d6t_prebuilt *p = NULL;
    ck_assert_int_eq(d6t_prebuilt_new(pa, t, &p), D6T_OK);
    static uint8_t want[MAX_MSG];
    int added = 0;
    for (size_t k = 0; k < 2000 && !added; k += 16) {
        d6t_arena *dst = d6t_arena_new(NULL, 65536);
        d6t_msg *m = d6t_msg_new(dst, D6T_MSG_REPLY);
        d6t_msg_add_opt(m, D6T_OPT_RAPID_COMMIT);
        size_t n = msg_bytes(m, want, sizeof want), used = d6t_arena_used(dst);
        d6t_arena_set_limit(dst, used + k);
        d6t_status st = d6t_msg_add_prebuilt(m, p);
        if (st == D6T_OK) {
            added = 1;
            ck_assert_uint_gt(k, 0);
            ck_assert_uint_eq(d6t_msg_opt_count(m), 6);
        } else {
            ck_assert_int_eq(st, D6T_ERR_NOMEM);
            ck_assert_uint_eq(d6t_arena_used(dst), used);
            assert_unchanged(m, want, n, 1);
            ck_assert_ptr_null(d6t_opt_next(d6t_msg_first_opt(m)));
        }
        d6t_arena_free(dst);
    }
    ck_assert(added);

    /* the snapshot itself: all or nothing too */
    for (size_t k = 0;; k += 16) {
        d6t_arena *small = d6t_arena_new(NULL, 65536);
        size_t used = d6t_arena_used(small);
        d6t_arena_set_limit(small, used + k);
        d6t_prebuilt *q = (d6t_prebuilt *)1;
        d6t_status st = d6t_prebuilt_new(small, t, &q);
        d6t_arena_free(small);
        if (st == D6T_OK) break;
        ck_assert_int_eq(st, D6T_ERR_NOMEM);
        ck_assert_ptr_null(q);
        ck_assert_uint_lt(k, 4096);
    }

    /* refusals */
    d6t_prebuilt *q = (d6t_prebuilt *)1;
    ck_assert_int_eq(d6t_prebuilt_new(NULL, t, &q), D6T_ERR_INVALID_ARG);
    ck_assert_ptr_null(q);
    ck_assert_int_eq(d6t_prebuilt_new(pa, NULL, &q), D6T_ERR_INVALID_ARG);
    ck_assert_int_eq(d6t_prebuilt_new(pa, t, NULL), D6T_ERR_INVALID_ARG);
    ck_assert_int_eq(d6t_msg_add_prebuilt(NULL, p), D6T_ERR_INVALID_ARG);
    ck_assert_int_eq(d6t_msg_add_prebuilt(t, NULL), D6T_ERR_INVALID_ARG);
    ck_assert_uint_eq(d6t_prebuilt_count(NULL), 0);
    d6t_msg *relay = d6t_msg_new(ta, D6T_MSG_RELAY_REPL);
    ck_assert_ptr_nonnull(d6t_msg_add_relay_msg(relay, t));
    ck_assert_int_eq(d6t_prebuilt_new(pa, relay, &q), D6T_ERR_INVALID_ARG);
    /* an empty template: nothing to add, and adding it changes nothing */
    d6t_msg *empty = d6t_msg_new(ta, D6T_MSG_REPLY);
    ck_assert_int_eq(d6t_prebuilt_new(pa, empty, &q), D6T_OK);
    ck_assert_uint_eq(d6t_prebuilt_count(q), 0);
    ck_assert_int_eq(d6t_msg_add_prebuilt(t, q), D6T_OK);
    ck_assert_uint_eq(d6t_msg_opt_count(t), 5);
    /* deeper than an option tree may be */
    d6t_msg *deep = d6t_msg_new(ta, D6T_MSG_REPLY);
    d6t_opt *o = d6t_msg_add_opt(deep, D6T_OPT_IA_NA);
    for (int i = 1; i < D6T_MAX_OPTION_NESTING; i++) o = d6t_opt_add_child(o, D6T_OPT_IA_NA);
    ck_assert_int_eq(d6t_prebuilt_new(pa, deep, &q), D6T_OK); /* 16 levels: the limit */
    ck_assert_ptr_nonnull(d6t_opt_add_child(o, D6T_OPT_IA_NA));
    ck_assert_int_eq(d6t_prebuilt_new(pa, deep, &q), D6T_ERR_NESTING);
    d6t_arena_free(ta);
    d6t_arena_free(pa);
}
END_TEST

/* ---- refusals ---- */
START_TEST(bad_arguments_and_endless_trees)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    d6t_msg *m = d6t_msg_new(a, D6T_MSG_REPLY), *out = NULL;
    d6t_opt *o = d6t_msg_add_opt(m, D6T_OPT_PREFERENCE), *oo = NULL;
    ck_assert_int_eq(d6t_opt_copy(NULL, o, 0, &oo), D6T_ERR_INVALID_ARG);
    ck_assert_int_eq(d6t_opt_copy(a, NULL, 0, &oo), D6T_ERR_INVALID_ARG);
    ck_assert_int_eq(d6t_opt_copy(a, o, 0, NULL), D6T_ERR_INVALID_ARG);
    ck_assert_int_eq(d6t_opt_copy(a, o, 0x80, &oo), D6T_ERR_INVALID_ARG);
    ck_assert_int_eq(d6t_msg_copy(a, NULL, 0, &out), D6T_ERR_INVALID_ARG);
    ck_assert_int_eq(d6t_msg_copy(a, m, 0x80, &out), D6T_ERR_INVALID_ARG);
    ck_assert_ptr_null(d6t_msg_add_opt_copy(NULL, o));
    ck_assert_ptr_null(d6t_msg_add_opt_copy(m, NULL));
    ck_assert_ptr_null(d6t_opt_add_child_copy(o, o)); /* a leaf holds no sub-options */

    /* a relay message made to contain itself: the writer refuses it, so does the copy */
    d6t_msg *loop = d6t_msg_new(a, D6T_MSG_RELAY_FORW);
    ck_assert_ptr_nonnull(d6t_msg_add_relay_msg(loop, loop));
    ck_assert_uint_eq(d6t_msg_wire_size(loop), 0);
    size_t used = d6t_arena_used(a);
    ck_assert_int_eq(d6t_msg_copy(a, loop, 0, &out), D6T_ERR_NESTING);
    ck_assert_ptr_null(out);
    ck_assert_int_eq(d6t_opt_copy(a, d6t_msg_first_opt(loop), D6T_COPY_SHARE, &oo),
                     D6T_ERR_NESTING);
    ck_assert_uint_eq(d6t_arena_used(a), used);
    ck_assert_ptr_null(d6t_msg_add_opt_copy(m, d6t_msg_first_opt(loop)));
    ck_assert_uint_eq(d6t_msg_opt_count(m), 1);
    d6t_arena_free(a);
}
END_TEST

int main(int argc, char **argv)
{
    inputs = calloc(MAX_INPUTS, sizeof *inputs);
    if (!inputs) return 1;
    const char *captures = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--captures") && i + 1 < argc)
            captures = argv[++i];
        else if (load_hex_file(argv[i])) {
            fprintf(stderr, "cannot read %s\n", argv[i]);
            return 1;
        }
    }
    n_samples = n_inputs;
    if (n_samples < 2) {
        fprintf(stderr, "usage: test_copy W1.hex W3.hex [SAMPLE.hex...] [--captures DIR]\n");
        return 1;
    }
    if (captures) {
        load_captures(captures);
        if (n_inputs == n_samples) {
            fprintf(stderr, "no DHCPv6 packets in %s\n", captures);
            return 1;
        }
        printf("%zu captured DHCPv6 messages from %s\n", n_inputs - n_samples, captures);
    }
    Suite *s = suite_create("copy");
    TCase *tc = tcase_create("copy");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, samples_copy_exactly);
    tcase_add_test(tc, samples_cover_option_kinds);
    if (captures) tcase_add_test(tc, captures_copy_exactly);
    tcase_add_test(tc, copy_outlives_source);
    tcase_add_test(tc, shared_copy_sees_source_bytes);
    tcase_add_test(tc, changes_unknowns_and_order_survive);
    tcase_add_test(tc, nomem_leaves_target_unchanged);
    tcase_add_test(tc, nomem_across_blocks_rolls_back);
    tcase_add_test(tc, copy_calls_neither_writer_nor_parser);
    tcase_add_test(tc, bad_arguments_and_endless_trees);
    tcase_add_test(tc, prebuilt_adds_the_template);
    tcase_add_test(tc, prebuilt_nomem_and_refusals);
    suite_add_tcase(s, tc);
    int failed = run_suite(s);
    free(inputs);
    return failed ? 1 : 0;
}
