/* fuzz_config: the server's configuration parser under hostile text, and the server brought up
 * from whatever it accepts.
 *
 * One input is a configuration file. Properties:
 * - parsing never reads or writes out of bounds and gives an answer for any bytes (NULs end the
 *   text early, as they would in a file read by d6s_config_load);
 * - a refusal always comes with a message; a message that names a line names one of the input's;
 * - what d6s_config_parse + d6s_config_finish accept is a configuration the server can run:
 *   T1 <= T2 <= preferred <= valid, at least one subnet, each with a pool, pools inside their
 *   subnet, delegated lengths between the pool's length and 128, subnets and prefix pools that do
 *   not overlap, every subnet interface listed, names in domain-search that encode;
 * - the server started on it (lease file and state in a temporary file, never a path from the
 *   input) answers a Solicit for an address and a prefix on every subnet, directly on the
 *   subnet's interface or through a relay, with a reply that parses, validates and grants only
 *   addresses and prefixes of that subnet's pools.
 * SPDX-License-Identifier: BSD-2-Clause */
#include "server.h"
#include "fuzz_target.h" /* CHECK, and the entry point the replay driver calls */

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_TEXT   (1u << 16)
#define MAX_LEASES 256 /* the fuzzed max-leases is capped: the table is allocated up front */

static const uint8_t server_duid[] = {0, 1, 0, 1, 0x2a, 0, 0, 0, 2, 0, 0, 0, 0x23, 3};

/* Solicit for one IA_NA and one IA_PD with Rapid Commit; the client's MAC is patched in. */
static const uint8_t solicit[] = {
    1, 0x12, 0x34, 0x56,                                     /* type, transaction id */
    0, 1,    0,    10,   0, 3, 0, 1, 2, 0, 0, 0, 0, 0,       /* Client-ID, DUID-LL */
    0, 3,    0,    12,   0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, /* IA_NA 1 */
    0, 25,   0,    12,   0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, /* IA_PD 2 */
    0, 14,   0,    0,                                        /* Rapid Commit */
    0, 8,    0,    2,    0, 0,                               /* Elapsed Time */
};
#define MAC_AT 12

static int count_lines(const char *text)
{
    int n = 1;
    for (const char *p = text; *p; p++) n += *p == '\n';
    return n;
}

static void check_refusal(const char *text, const char *err)
{
    CHECK(err[0] != '\0');
    int line;
    if (sscanf(err, "line %d:", &line) == 1) CHECK(line >= 1 && line <= count_lines(text));
}

static int overlaps(const uint8_t *a, uint8_t alen, const uint8_t *b, uint8_t blen)
{
    return alen <= blen ? d6s_prefix_contains(a, alen, b) : d6s_prefix_contains(b, blen, a);
}

static void check_subnet(const struct d6s_config *c, size_t i)
{
    const struct d6s_subnet *sn = &c->subnets[i];
    CHECK(sn->plen <= 128 && (sn->has_na || sn->has_pd));
    if (sn->has_na) {
        CHECK(d6s_prefix_contains(sn->prefix, sn->plen, sn->na_start));
        CHECK(d6s_prefix_contains(sn->prefix, sn->plen, sn->na_end));
        CHECK(memcmp(sn->na_start, sn->na_end, 16) <= 0 && sn->na_size >= 1);
    }
    if (sn->has_pd) CHECK(sn->pd_plen <= sn->pd_len && sn->pd_len <= 128 && sn->pd_size >= 1);
    for (size_t j = 0; j < i; j++) {
        const struct d6s_subnet *o = &c->subnets[j];
        CHECK(!overlaps(sn->prefix, sn->plen, o->prefix, o->plen));
        if (sn->has_pd && o->has_pd)
            CHECK(!overlaps(sn->pd_prefix, sn->pd_plen, o->pd_prefix, o->pd_plen));
    }
    if (!sn->ifname[0]) return;
    size_t k = 0;
    while (k < c->nifaces && strcmp(c->ifaces[k], sn->ifname)) k++;
    CHECK(k < c->nifaces);
}

static void check_accepted(const struct d6s_config *c)
{
    CHECK(c->t1 <= c->t2 && c->t2 <= c->preferred && c->preferred <= c->valid);
    CHECK(c->nsubnets >= 1 && c->nsubnets <= D6S_MAX_SUBNETS);
    CHECK(c->nifaces <= D6S_MAX_IFACES && c->ndns <= D6S_MAX_DNS);
    CHECK(c->ndomains <= D6S_MAX_DOMAINS);
    for (size_t i = 0; i < c->nsubnets; i++) check_subnet(c, i);
    for (size_t i = 0; i < c->ndomains; i++) {
        uint8_t wire[256];
        size_t n;
        CHECK(memchr(c->domains[i], 0, sizeof c->domains[i]) != NULL);
        CHECK(d6t_dname_from_text(c->domains[i], 0, wire, sizeof wire, &n) == D6T_OK);
    }
}

/* Every address or prefix granted in 'ia' lies in the pools of subnet 'sn'. */
static void check_granted(const struct d6s_subnet *sn, const d6t_opt *ia)
{
    for (const d6t_opt *c = d6t_opt_first_child(ia); c; c = d6t_opt_next(c)) {
        uint8_t a[16], plen;
        if (d6t_opt_code(c) == D6T_OPT_IAADDR) {
            CHECK(d6t_opt_get_addr6(c, D6T_IAADDR_ADDRESS, a) == D6T_OK);
            CHECK(sn->has_na && memcmp(a, sn->na_start, 16) >= 0 && memcmp(a, sn->na_end, 16) <= 0);
        } else if (d6t_opt_code(c) == D6T_OPT_IAPREFIX) {
            CHECK(d6t_opt_get_prefix(c, D6T_IAPREFIX_PREFIX, a, &plen) == D6T_OK);
            CHECK(sn->has_pd && plen == sn->pd_len);
            CHECK(d6s_prefix_contains(sn->pd_prefix, sn->pd_plen, a));
        }
    }
}

static int print_violation(void *ctx, d6t_violation_kind kind, const char *where, const char *what)
{
    (void)ctx;
    fprintf(stderr, "violation %d at %s: %s\n", (int)kind, where, what);
    return 0;
}

static void check_reply(const struct d6s_subnet *sn, const uint8_t *out, size_t len, int relayed)
{
    d6t_msg *m = NULL;
    d6t_parse_error e;
    CHECK(d6t_msg_parse(NULL, out, len, 0, &m, &e) == D6T_OK);
    if (d6t_msg_validate(m, NULL, NULL, NULL) != D6T_OK) {
        d6t_msg_validate(m, print_violation, NULL, NULL);
        CHECK(0 && "the reply validates");
    }
    const d6t_msg *r = m;
    if (relayed) {
        CHECK(d6t_msg_type(m) == D6T_MSG_RELAY_REPL);
        r = d6t_msg_relayed(m);
        CHECK(r != NULL);
    }
    CHECK(d6t_msg_type(r) == D6T_MSG_REPLY);
    for (const d6t_opt *o = d6t_msg_first_opt(r); o; o = d6t_opt_next(o))
        if (d6t_opt_code(o) == D6T_OPT_IA_NA || d6t_opt_code(o) == D6T_OPT_IA_PD)
            check_granted(sn, o);
    d6t_msg_free(m);
}

/* Two clients ask on subnet i: the second finds the pool one lease emptier. */
static void solicit_on(struct d6s_server *s, d6t_arena *a, size_t i, uint8_t client)
{
    const struct d6s_subnet *sn = &s->cfg.subnets[i];
    static uint8_t in[sizeof solicit + 38];
    size_t n = 0;
    int relayed = sn->ifname[0] == '\0';
    if (relayed) {
        /* a relay on the subnet's link: link-address is the subnet's prefix, which is on it */
        in[0] = D6T_MSG_RELAY_FORW;
        in[1] = 0;
        memcpy(in + 2, sn->prefix, 16);
        memcpy(in + 18, (const uint8_t[16]){0xfe, 0x80, [15] = 9}, 16);
        memcpy(in + 34, (const uint8_t[]){0, 9, 0, (uint8_t)sizeof solicit}, 4);
        n = 38;
    }
    memcpy(in + n, solicit, sizeof solicit);
    in[n + MAC_AT] = (uint8_t)i;
    in[n + MAC_AT + 1] = client;
    n += sizeof solicit;

    d6t_arena_reset(a);
    d6t_bundle *b = NULL;
    d6t_parse_error err;
    d6t_bundle_opts o = D6T_BUNDLE_OPTS_INIT;
    unsigned flags = D6T_BUNDLE_RAPID_COMMIT | (relayed ? 0 : D6T_BUNDLE_MULTICAST);
    CHECK(d6t_bundle_new(a, in, n, flags, &o, &b, &err) == D6T_OK);
    uint8_t src[16] = {0xfe, 0x80, [15] = 0x42};
    if (relayed) memcpy(src, (const uint8_t[16]){0x20, 0x01, 0x0d, 0xb8, 0xff, [15] = 1}, 16);
    d6t_bundle_set_source_address(b, src);
    d6t_bundle_set_source_port(b, relayed ? 547 : 546);
    const struct d6s_rx rx = {relayed ? "fuzz-relay" : sn->ifname, !relayed};
    if (d6s_handle(s, b, &rx)) {
        static uint8_t out[65536];
        size_t len;
        CHECK(d6t_bundle_outgoing_message(b, out, sizeof out, &len) == D6T_OK);
        check_reply(sn, out, len, relayed);
    }
    d6t_bundle_free(b);
    CHECK(d6s_leases_sync(&s->leases) == 0);
}

static void run_server(struct d6s_config *cfg)
{
    static struct d6s_server srv;
    struct d6s_server *s = &srv;
    memset(s, 0, sizeof *s);
    s->cfg = *cfg;
    if (s->cfg.max_leases > MAX_LEASES) s->cfg.max_leases = MAX_LEASES;
    /* the input names files; the fuzzer writes only its own */
    const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(s->cfg.lease_file, sizeof s->cfg.lease_file, "%s/fuzz_config-%ld.leases", dir,
             (long)getpid());
    unlink(s->cfg.lease_file);
    char err[256];
    CHECK(!d6s_leases_init(&s->leases, s->cfg.max_leases));
    CHECK(!d6s_leases_open(&s->leases, s->cfg.lease_file, &s->cfg, 1000000, err, sizeof err));
    memcpy(s->duid, server_duid, sizeof server_duid);
    s->duid_len = sizeof server_duid;
    s->now = 1000000;
    s->quiet = 1;
    d6t_arena *a = d6t_arena_new(NULL, 65536);
    CHECK(a != NULL);
    for (size_t i = 0; i < s->cfg.nsubnets; i++)
        for (uint8_t client = 0; client < 2; client++) solicit_on(s, a, i, client);
    d6t_arena_free(a);
    d6s_leases_fini(&s->leases);
    unlink(s->cfg.lease_file);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char text[MAX_TEXT + 1];
    static struct d6s_config cfg;
    if (size > MAX_TEXT) return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char err[512] = "";
    d6s_config_defaults(&cfg);
    if (d6s_config_parse(&cfg, text, err, sizeof err) || d6s_config_finish(&cfg, err, sizeof err)) {
        check_refusal(text, err);
        return 0;
    }
    check_accepted(&cfg);
    run_server(&cfg);
    return 0;
}
