/* engine_bench: dhcp6txn-server's user-space cost per 4-way exchange, without sockets.
 *
 * The load benchmark measures the whole server: system calls and the kernel's UDP path
 * included. This one runs the same configuration and the same requests as d6load straight
 * through the server's code (bundle from the received bytes, d6s_handle, the reply written to
 * bytes), so the difference between the two is what the kernel costs. Phase 1 hands every
 * client's Solicit to the server, phase 2 every client's Request (built from its Advertise, not
 * timed); both phases are timed as wholes. Every answer is checked (type, transaction ID, an
 * address granted). Prints one line; exit 1 when an answer is wrong.
 * SPDX-License-Identifier: BSD-2-Clause */
#define _GNU_SOURCE 1
#include "server.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CLIENTS 100000
#define MSG_CAP 256

static const char config[] =
    "interface s1\nt1 1000\nt2 2000\npreferred-lifetime 3000\nvalid-lifetime 4000\n"
    "rapid-commit no\ndns-servers 2001:db8::53 2001:db8::54\nmax-leases 1048576\n"
    "subnet 2001:db8:1::/64 interface s1\n  pool 2001:db8:1::1:0 2001:db8:1::10:ffff\n";

struct wire {
    uint8_t b[MSG_CAP];
    size_t n;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t put_opt(uint8_t *p, unsigned code, const uint8_t *data, size_t len)
{
    p[0] = (uint8_t)(code >> 8), p[1] = (uint8_t)code, p[2] = (uint8_t)(len >> 8),
    p[3] = (uint8_t)len;
    memcpy(p + 4, data, len);
    return 4 + len;
}

/* The same Solicit as d6load's: Client ID (DUID-LL from the client number), Elapsed Time,
 * IA_NA (IAID = client number), ORO (DNS servers). */
static void solicit(struct wire *w, uint32_t c)
{
    uint8_t duid[10] = {
        0,         3, 0, 1, 0x02, 0x64, (uint8_t)(c >> 24), (uint8_t)(c >> 16), (uint8_t)(c >> 8),
        (uint8_t)c};
    uint8_t ia[12] = {(uint8_t)(c >> 24), (uint8_t)(c >> 16), (uint8_t)(c >> 8), (uint8_t)c};
    static const uint8_t zero2[2], oro[2] = {0, 23};
    uint8_t *p = w->b;
    p[0] = 1, p[1] = (uint8_t)(c >> 16), p[2] = (uint8_t)(c >> 8), p[3] = (uint8_t)c;
    size_t n = 4;
    n += put_opt(p + n, 1, duid, sizeof duid);
    n += put_opt(p + n, 8, zero2, 2);
    n += put_opt(p + n, 3, ia, sizeof ia);
    n += put_opt(p + n, 6, oro, 2);
    w->n = n;
}

/* One datagram through the server: bundle, logic, reply bytes. 0 when it answered. */
static int serve(struct d6s_server *s, d6t_arena *a, const struct wire *in, struct wire *out)
{
    static const uint8_t client_ll[16] = {0xfe, 0x80, [15] = 2};
    static const struct d6s_rx rx = {"s1", 1};
    d6t_arena_reset(a);
    d6t_bundle *b = NULL;
    if (d6t_bundle_new(a, in->b, in->n, D6T_BUNDLE_MULTICAST, NULL, &b, NULL) != D6T_OK) return -1;
    d6t_bundle_set_source_address(b, client_ll);
    d6t_bundle_set_source_port(b, 546);
    if (!d6s_handle(s, b, &rx)) return -1;
    return d6t_bundle_outgoing_message(b, out->b, sizeof out->b, &out->n) == D6T_OK ? 0 : -1;
}

/* Check an answer and, for an Advertise, build the Request that echoes its Server ID and IA_NA. */
static int answer_ok(const struct wire *ans, unsigned type, uint32_t c, struct wire *request)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    d6t_msg *m = NULL;
    int ok = a && d6t_msg_parse(a, ans->b, ans->n, 0, &m, NULL) == D6T_OK &&
             d6t_msg_type(m) == type && d6t_msg_transaction_id(m) == (c & 0xffffff);
    d6t_opt *sid = ok ? d6t_msg_find_opt(m, D6T_OPT_SERVERID) : NULL;
    d6t_opt *ia = ok ? d6t_msg_find_opt(m, D6T_OPT_IA_NA) : NULL;
    ok = ok && sid && ia && d6t_opt_find_child(ia, D6T_OPT_IAADDR);
    if (ok && request) {
        solicit(request, c);
        request->b[0] = 3;
        size_t n = 4 + 14 + 6; /* header, Client ID, Elapsed Time: the IA_NA and ORO are replaced */
        const uint8_t *d;
        size_t len;
        ok = d6t_opt_get_bytes(sid, D6T_SERVERID_DUID, &d, &len) == D6T_OK;
        n += put_opt(request->b + n, 2, d, len);
        uint8_t iabuf[MSG_CAP];
        size_t ialen = 0;
        ok = ok && d6t_opt_write(ia, iabuf, sizeof iabuf, &ialen) == D6T_OK &&
             n + ialen + 6 <= MSG_CAP;
        if (ok) {
            memcpy(request->b + n, iabuf, ialen);
            n += ialen;
            static const uint8_t oro[2] = {0, 23};
            n += put_opt(request->b + n, 6, oro, 2);
            request->n = n;
        }
    }
    d6t_arena_free(a);
    return ok;
}

int main(void)
{
    static struct d6s_server srv;
    struct d6s_server *s = &srv;
    char err[256];
    d6s_config_defaults(&s->cfg);
    if (d6s_config_parse(&s->cfg, config, err, sizeof err) ||
        d6s_config_finish(&s->cfg, err, sizeof err) ||
        d6s_leases_init(&s->leases, s->cfg.max_leases))
        return fprintf(stderr, "engine_bench: setup: %s\n", err), 1;
    static const uint8_t duid[] = {0, 1, 0, 1, 0x2a, 0, 0, 0, 2, 0, 0, 0, 0x23, 3};
    memcpy(s->duid, duid, sizeof duid);
    s->duid_len = sizeof duid;
    s->now = 1000000;
    s->quiet = 1;

    struct wire *req = calloc(CLIENTS, sizeof *req), *ans = calloc(CLIENTS, sizeof *ans);
    d6t_arena *a = d6t_arena_new(NULL, 16384);
    if (!req || !ans || !a) return fprintf(stderr, "engine_bench: out of memory\n"), 1;

    /* round 1: every client is new (a lease is allocated); round 2: every client has its lease,
     * the steady state of the load benchmark, whose 100,000 clients come round again and again */
    for (int round = 1; round <= 2; round++) {
        for (uint32_t c = 0; c < CLIENTS; c++) solicit(&req[c], c);
        double t0 = now_s();
        for (uint32_t c = 0; c < CLIENTS; c++)
            if (serve(s, a, &req[c], &ans[c]))
                return fprintf(stderr, "engine_bench: no Advertise for client %u\n", c), 1;
        double t1 = now_s();
        for (uint32_t c = 0; c < CLIENTS; c++)
            if (!answer_ok(&ans[c], D6T_MSG_ADVERTISE, c, &req[c]))
                return fprintf(stderr, "engine_bench: bad Advertise for client %u\n", c), 1;
        double t2 = now_s();
        for (uint32_t c = 0; c < CLIENTS; c++)
            if (serve(s, a, &req[c], &ans[c]))
                return fprintf(stderr, "engine_bench: no Reply for client %u\n", c), 1;
        double t3 = now_s();
        for (uint32_t c = 0; c < CLIENTS; c++)
            if (!answer_ok(&ans[c], D6T_MSG_REPLY, c, NULL))
                return fprintf(stderr, "engine_bench: bad Reply for client %u\n", c), 1;
        double us = ((t1 - t0) + (t3 - t2)) * 1e6 / CLIENTS;
        printf("engine_bench: %d %s clients, Solicit+Request through the server's code (no "
               "sockets): %.2f us per "
               "exchange (Solicit %.0f ns, Request %.0f ns), %u leases bound\n",
               CLIENTS, round == 1 ? "new" : "known", us, (t1 - t0) * 1e9 / CLIENTS,
               (t3 - t2) * 1e9 / CLIENTS, s->leases.used);
    }
    d6t_arena_free(a);
    d6s_leases_fini(&s->leases);
    free(req);
    free(ans);
    return 0;
}
