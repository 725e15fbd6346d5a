/* Unit tests of dhcp6txn-server's core: configuration, lease table and file, the DHCPv6 logic
 * on bundles (every message type and status code), relayed answers, leasequery streaming.
 * No network: requests are built with the library and handed to d6s_handle().
 * SPDX-License-Identifier: BSD-2-Clause */
#include "server.h"

#include <arpa/inet.h>
#include "testutil.h"
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *cfg_text = "interface eth1\n"
                              "t1 100\nt2 200\npreferred-lifetime 300\nvalid-lifetime 400\n"
                              "dns-servers 2001:db8::53 2001:db8::54\n"
                              "domain-search lab.example.com example.com\n"
                              "leasequery yes\n"
                              "subnet 2001:db8:2::/64 interface eth1\n"
                              "  pool 2001:db8:2::1000 2001:db8:2::1001\n"
                              "  pd-pool 2001:db8:200::/55 56\n"
                              "subnet 2001:db8:1::/64\n"
                              "  pool 2001:db8:1::1000 2001:db8:1::1fff\n"
                              "  pd-pool 2001:db8:100::/40 56\n";

static struct d6s_server S;
static const struct d6s_rx RX_ETH1 = {"eth1", 1};

static void setup_server(const char *text)
{
    char err[256];
    memset(&S, 0, sizeof S);
    d6s_config_defaults(&S.cfg);
    ck_assert_msg(d6s_config_parse(&S.cfg, text, err, sizeof err) == 0, "%s", err);
    ck_assert_msg(d6s_config_finish(&S.cfg, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(d6s_leases_init(&S.leases, 1024), 0);
    static const uint8_t duid[] = {0, 1, 0, 1, 0x2a, 0, 0, 0, 2, 0, 0, 0, 0x23, 3};
    memcpy(S.duid, duid, sizeof duid);
    S.duid_len = sizeof duid;
    S.now = 1000000;
}

static void setup(void)
{
    setup_server(cfg_text);
}
static void teardown(void)
{
    d6s_leases_fini(&S.leases);
}

/* ---- building requests ---- */
struct req {
    uint8_t type;
    uint8_t client; /* distinct DUID per number */
    int na, pd, oro, rapid, server_id, wrong_server_id;
    int hint; /* put 'hint_addr' into the IA_NA */
    uint8_t hint_addr[16];
    uint32_t iaid;
};

static d6t_msg *build(d6t_arena *a, const struct req *r)
{
    d6t_msg *m = d6t_msg_new(a, r->type);
    d6t_msg_set_transaction_id(m, 0x123456);
    uint8_t duid[] = {0, 3, 0, 1, 2, 0, 0, 0, 1, r->client};
    d6t_opt_set_bytes(d6t_msg_add_opt(m, D6T_OPT_CLIENTID), D6T_CLIENTID_DUID, duid, sizeof duid);
    if (r->server_id || r->wrong_server_id) {
        uint8_t other[] = {0, 3, 0, 1, 9, 9, 9, 9, 9, 9};
        d6t_opt_set_bytes(d6t_msg_add_opt(m, D6T_OPT_SERVERID), D6T_SERVERID_DUID,
                          r->wrong_server_id ? other : S.duid,
                          r->wrong_server_id ? sizeof other : S.duid_len);
    }
    uint8_t iaid[4] = {(uint8_t)(r->iaid >> 24), (uint8_t)(r->iaid >> 16), (uint8_t)(r->iaid >> 8),
                       (uint8_t)r->iaid};
    if (r->na) {
        d6t_opt *ia = d6t_msg_add_opt(m, D6T_OPT_IA_NA);
        d6t_opt_set_bytes(ia, D6T_IA_NA_IAID, iaid, 4);
        if (r->hint)
            d6t_opt_set_addr6(d6t_opt_add_child(ia, D6T_OPT_IAADDR), D6T_IAADDR_ADDRESS,
                              r->hint_addr);
    }
    if (r->pd) d6t_opt_set_bytes(d6t_msg_add_opt(m, D6T_OPT_IA_PD), D6T_IA_PD_IAID, iaid, 4);
    if (r->oro) {
        d6t_opt *o = d6t_msg_add_opt(m, D6T_OPT_ORO);
        d6t_opt_list_add_u16(o, D6T_ORO_REQUESTED_OPTIONS, D6T_OPT_DNS_SERVERS);
        d6t_opt_list_add_u16(o, D6T_ORO_REQUESTED_OPTIONS, D6T_OPT_DOMAIN_LIST);
    }
    if (r->rapid) d6t_msg_add_opt(m, D6T_OPT_RAPID_COMMIT);
    return m;
}

/* Wrap in 'levels' RELAY-FORWs; the one next to the client has link 2001:db8:1::1. */
static d6t_msg *relay(d6t_arena *a, d6t_msg *inner, int levels, const char *remote_id)
{
    for (int i = 0; i < levels; i++) {
        d6t_msg *rf = d6t_msg_new(a, D6T_MSG_RELAY_FORW);
        d6t_msg_set_hop_count(rf, (uint8_t)i);
        uint8_t link[16] = {0x20,
                            0x01,
                            0x0d,
                            0xb8,
                            0,
                            (uint8_t)(i == 0 ? 1 : 0x12),
                            [15] = (uint8_t)(i == 0 ? 1 : 2)};
        uint8_t peer[16] = {0xfe, 0x80, [15] = (uint8_t)(0x10 + i)};
        d6t_msg_set_link_address(rf, link);
        d6t_msg_set_peer_address(rf, peer);
        uint8_t ifid[4] = {0, 0, 0, (uint8_t)(i + 2)};
        d6t_msg_add_opt_bytes(rf, D6T_OPT_INTERFACE_ID, ifid, 4, NULL, NULL);
        if (i == 0 && remote_id) {
            uint8_t rid[64] = {0, 0, 0x7e, 0x59};
            size_t n = strlen(remote_id);
            memcpy(rid + 4, remote_id, n);
            d6t_msg_add_opt_bytes(rf, D6T_OPT_REMOTE_ID, rid, 4 + n, NULL, NULL);
        }
        d6t_msg_add_relay_msg(rf, inner);
        inner = rf;
    }
    return inner;
}

/* Run one transaction; returns the bundle (caller frees) and whether an answer is due. */
static d6t_bundle *run_msg(d6t_msg *m, const struct d6s_rx *rx, int *answered)
{
    uint8_t wire[4096];
    size_t len;
    ck_assert_int_eq(d6t_msg_write(m, wire, sizeof wire, &len), D6T_OK);
    d6t_bundle *b = NULL;
    unsigned flags = D6T_BUNDLE_MULTICAST | (S.cfg.rapid_commit ? D6T_BUNDLE_RAPID_COMMIT : 0);
    ck_assert_int_eq(d6t_bundle_new(NULL, wire, len, flags, NULL, &b, NULL), D6T_OK);
    *answered = d6s_handle(&S, b, rx);
    return b;
}

static d6t_bundle *run(const struct req *r, int relayed, int *answered)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    d6t_msg *m = build(a, r);
    if (relayed) m = relay(a, m, relayed, NULL);
    d6t_bundle *b = run_msg(m, relayed ? NULL : &RX_ETH1, answered);
    d6t_arena_free(a);
    return b;
}

static uint16_t status_of(const d6t_opt *parent_or_null, const d6t_msg *m)
{
    d6t_opt *st = parent_or_null ? d6t_opt_find_child(parent_or_null, D6T_OPT_STATUS_CODE)
                                 : d6t_msg_find_opt(m, D6T_OPT_STATUS_CODE);
    uint16_t code = 0xffff;
    if (st) d6t_opt_get_u16(st, D6T_STATUS_CODE_STATUS_CODE, &code);
    return code;
}

static void ia_addr(const d6t_msg *resp, uint8_t out[16], uint32_t *valid)
{
    d6t_opt *ia = d6t_msg_find_opt(resp, D6T_OPT_IA_NA);
    ck_assert_ptr_nonnull(ia);
    d6t_opt *ad = d6t_opt_find_child(ia, D6T_OPT_IAADDR);
    ck_assert_ptr_nonnull(ad);
    ck_assert_int_eq(d6t_opt_get_addr6(ad, D6T_IAADDR_ADDRESS, out), D6T_OK);
    if (valid) d6t_opt_get_u32(ad, D6T_IAADDR_VALID_LIFETIME, valid);
}

static int addr_is(const uint8_t a[16], const char *text)
{
    uint8_t b[16];
    inet_pton(AF_INET6, text, b);
    return !memcmp(a, b, 16);
}

/* ---- config ---- */
START_TEST(config_errors_name_the_line)
{
    struct {
        const char *text, *want;
    } cases[] = {
        {"t1 10\nbogus 1\n", "line 2: unknown directive 'bogus'"},
        {"\n\npool 2001:db8::1 2001:db8::2\n", "line 3: 'pool' outside a subnet block"},
        {"subnet 2001:db8::/64\n pool 2001:db8:1::1 2001:db8:1::2\n",
         "line 2: pool is not inside the subnet"},
        {"subnet 2001:db8::1/64\n", "line 1: bad prefix"},
        {"t1 x\n", "line 1: 't1' needs a number"},
        {"dns-servers 1.2.3.4\n", "line 1: '1.2.3.4' is not an IPv6 address"},
        {"subnet 2001:db8::/64\n pd-pool 2001:db8:100::/40 32\n", "line 2: delegated length"},
        {"rapid-commit yes\nudp-segmentation maybe\n",
         "line 2: 'udp-segmentation' takes yes or no"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct d6s_config c;
        char err[256] = "";
        d6s_config_defaults(&c);
        ck_assert_int_eq(d6s_config_parse(&c, cases[i].text, err, sizeof err), -1);
        ck_assert_msg(strstr(err, cases[i].want) == err, "case %zu: got '%s'", i, err);
    }
    struct d6s_config c;
    char err[256];
    d6s_config_defaults(&c);
    ck_assert_int_eq(d6s_config_parse(&c, "t1 300\nt2 200\n", err, sizeof err), 0);
    ck_assert_int_eq(d6s_config_finish(&c, err, sizeof err), -1);
    ck_assert_str_eq(err, "t1 (300) is larger than t2 (200)");
    d6s_config_defaults(&c);
    ck_assert_int_eq(d6s_config_parse(&c, "subnet 2001:db8::/64\n", err, sizeof err), 0);
    ck_assert_int_eq(d6s_config_finish(&c, err, sizeof err), -1);
    ck_assert_str_eq(err, "line 1: subnet has neither 'pool' nor 'pd-pool'");
    /* a file without subnets (empty, truncated) and overlapping subnets cannot be served */
    d6s_config_defaults(&c);
    ck_assert_int_eq(d6s_config_parse(&c, "# nothing\n", err, sizeof err), 0);
    ck_assert_int_eq(d6s_config_finish(&c, err, sizeof err), -1);
    ck_assert_str_eq(err, "no subnet configured: the server would answer nobody");
    d6s_config_defaults(&c);
    ck_assert_int_eq(d6s_config_parse(&c,
                                      "subnet 2001:db8::/48\n pd-pool 2001:db8:100::/48 56\n"
                                      "subnet 2001:db8:0:5::/64\n pool 2001:db8:0:5::1 "
                                      "2001:db8:0:5::9\n",
                                      err, sizeof err),
                     0);
    ck_assert_int_eq(d6s_config_finish(&c, err, sizeof err), -1);
    ck_assert_str_eq(err,
                     "line 3: subnet 2001:db8:0:5::/64 overlaps subnet 2001:db8::/48 (line 1)");
    /* pools that would lease reserved addresses (found by fuzz_config: ::1/128 was delegated) */
    static const struct {
        const char *text, *want;
    } reserved[] = {
        {"subnet 2001::/16\n pd-pool ::/127 128\n",
         "line 2: pd-pool overlaps ::/127 (unspecified and loopback): those cannot be delegated"},
        {"subnet ::/0\n pool ::1 ::ffff\n",
         "line 2: pool overlaps ::/127 (unspecified and loopback): those cannot be leased"},
        {"subnet fe80::/64\n pool fe80::10 fe80::20\n",
         "line 2: pool overlaps fe80::/10 (link-local): those cannot be leased"},
        {"subnet ::/0\n pd-pool fe00::/7 64\n",
         "line 2: pd-pool overlaps fe80::/10 (link-local): those cannot be delegated"},
        {"subnet ::/0\n pool ff05::1 ff05::2\n",
         "line 2: pool overlaps ff00::/8 (multicast): those cannot be leased"},
        /* found by fuzz_config: its relay's link address, the subnet's, was echoed multicast */
        {"subnet ff05::/64\n pd-pool 2001:db8::/48 64\n",
         "line 1: subnet ff05::/64 is inside ff00::/8 (multicast): no link has it"},
        {"subnet ff00::/8\n pool ff00::1 ff00::2\n",
         "line 1: subnet ff00::/8 is inside ff00::/8 (multicast): no link has it"},
    };
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++) {
        d6s_config_defaults(&c);
        ck_assert_int_eq(d6s_config_parse(&c, reserved[i].text, err, sizeof err), -1);
        ck_assert_str_eq(err, reserved[i].want);
    }
    d6s_config_defaults(&c); /* next to them, but not in them */
    ck_assert_int_eq(d6s_config_parse(&c, "subnet ::/0\n pool ::2 ::ff\n pd-pool fec0::/10 64\n",
                                      err, sizeof err),
                     0);
    d6s_config_defaults(&c); /* a subnet holding unicast and multicast space names links */
    ck_assert_int_eq(
        d6s_config_parse(&c, "subnet f000::/4\n pool fe00::2 fe00::ff\n", err, sizeof err), 0);
    /* a subnet's interface beyond the 16 listened on was dropped silently (found by fuzz_config) */
    d6s_config_defaults(&c);
    ck_assert_int_eq(
        d6s_config_parse(&c,
                         "interface e0 e1 e2 e3 e4 e5 e6 e7 e8 e9 e10 e11 e12 e13 e14\ninterface "
                         "e15\nsubnet 2001:db8::/64 interface s1\n"
                         " pool 2001:db8::1 2001:db8::9\n",
                         err, sizeof err),
        0);
    ck_assert_int_eq(d6s_config_finish(&c, err, sizeof err), -1);
    ck_assert_str_eq(
        err, "line 3: interface s1 would be interface number 17: at most 16 are listened on");
    d6s_config_defaults(&c);
    ck_assert_int_eq(c.udp_segmentation,
                     0); /* off unless asked for: captures stay one message per packet */
    ck_assert_int_eq(d6s_config_parse(&c, "udp-segmentation yes\nleasequery no\n", err, sizeof err),
                     0);
    ck_assert_int_eq(c.udp_segmentation, 1);
    ck_assert_int_eq(c.leasequery, 0);
}
END_TEST

START_TEST(config_example_parses)
{
    ck_assert_int_eq(S.cfg.nsubnets, 2);
    ck_assert_int_eq(S.cfg.subnets[0].na_size, 2);
    ck_assert_int_eq(S.cfg.subnets[0].pd_size, 2);
    ck_assert_int_eq(S.cfg.subnets[1].pd_size, 65536);
    ck_assert_int_eq(S.cfg.ndns, 2);
    ck_assert_int_eq(S.cfg.nifaces, 1);
    char err[256];
    struct d6s_config c;
    d6s_config_defaults(&c);
    ck_assert_msg(d6s_config_load(&c, D6S_EXAMPLE_CONF, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(d6s_config_finish(&c, err, sizeof err), 0);
    ck_assert_int_eq(c.nsubnets, 2);
}
END_TEST

/* ---- the four-message exchange and lease lifecycle ---- */
START_TEST(solicit_request_renew_release)
{
    int ans;
    struct req r = {.type = D6T_MSG_SOLICIT, .client = 1, .na = 1, .pd = 1, .oro = 1, .iaid = 7};
    d6t_bundle *b = run(&r, 0, &ans);
    ck_assert_int_eq(ans, 1);
    d6t_msg *resp = d6t_bundle_response(b);
    ck_assert_int_eq(d6t_msg_type(resp), D6T_MSG_ADVERTISE);
    ck_assert_int_eq(d6t_msg_transaction_id(resp), 0x123456);
    uint8_t a[16], a2[16];
    ia_addr(resp, a, NULL);
    ck_assert(addr_is(a, "2001:db8:2::1000"));
    d6t_opt *pd = d6t_msg_find_opt(resp, D6T_OPT_IA_PD);
    uint8_t p[16], plen;
    ck_assert_int_eq(
        d6t_opt_get_prefix(d6t_opt_find_child(pd, D6T_OPT_IAPREFIX), D6T_IAPREFIX_PREFIX, p, &plen),
        D6T_OK);
    ck_assert_int_eq(plen, 56);
    ck_assert(addr_is(p, "2001:db8:200::"));
    uint32_t t1, t2;
    d6t_opt_get_u32(d6t_msg_find_opt(resp, D6T_OPT_IA_NA), D6T_IA_NA_T1, &t1);
    d6t_opt_get_u32(d6t_msg_find_opt(resp, D6T_OPT_IA_NA), D6T_IA_NA_T2, &t2);
    ck_assert_int_eq(t1, 100);
    ck_assert_int_eq(t2, 200);
    ck_assert_ptr_nonnull(d6t_msg_find_opt(resp, D6T_OPT_DNS_SERVERS));
    ck_assert_ptr_nonnull(d6t_msg_find_opt(resp, D6T_OPT_DOMAIN_LIST));
    ck_assert_ptr_nonnull(d6t_msg_find_opt(resp, D6T_OPT_SERVERID));
    ck_assert_int_eq(d6t_msg_validate(resp, NULL, NULL, NULL), D6T_OK);
    d6t_bundle_free(b);
    ck_assert_int_eq(S.leases.v[d6s_lease_find_addr(&S.leases, a, 128)].state, D6S_OFFERED);

    r.type = D6T_MSG_REQUEST;
    r.server_id = 1;
    b = run(&r, 0, &ans);
    resp = d6t_bundle_response(b);
    ck_assert_int_eq(d6t_msg_type(resp), D6T_MSG_REPLY);
    ia_addr(resp, a2, NULL);
    ck_assert(!memcmp(a, a2, 16)); /* the advertised address is the one bound */
    ck_assert_int_eq(d6t_msg_validate(resp, NULL, NULL, NULL), D6T_OK);
    d6t_bundle_free(b);
    int32_t li = d6s_lease_find_addr(&S.leases, a, 128);
    ck_assert_int_eq(S.leases.v[li].state, D6S_BOUND);
    ck_assert_int_eq(S.leases.v[li].valid_until, S.now + 400);
    ck_assert_int_eq(S.cnt.leases_assigned, 2);

    S.now += 150;
    r.type = D6T_MSG_RENEW;
    b = run(&r, 0, &ans);
    resp = d6t_bundle_response(b);
    uint32_t valid;
    ia_addr(resp, a2, &valid);
    ck_assert(!memcmp(a, a2, 16));
    ck_assert_int_eq(valid, 400);
    ck_assert_int_eq(S.leases.v[li].valid_until, S.now + 400);
    ck_assert_int_eq(S.cnt.leases_renewed, 2);
    d6t_bundle_free(b);

    r.type = D6T_MSG_RELEASE;
    r.oro = 0;
    b = run(&r, 0, &ans);
    resp = d6t_bundle_response(b);
    ck_assert_int_eq(status_of(NULL, resp), D6T_SC_SUCCESS);
    ck_assert_ptr_null(d6t_msg_find_opt(resp, D6T_OPT_IA_NA)); /* released IAs are not listed */
    d6t_bundle_free(b);
    ck_assert_int_eq(d6s_lease_find_addr(&S.leases, a, 128), -1);
    ck_assert_int_eq(S.leases.used, 0);

    b = run(&r, 0, &ans); /* again: nothing to release any more */
    resp = d6t_bundle_response(b);
    ck_assert_int_eq(status_of(d6t_msg_find_opt(resp, D6T_OPT_IA_NA), resp), D6T_SC_NO_BINDING);
    ck_assert_int_eq(status_of(d6t_msg_find_opt(resp, D6T_OPT_IA_PD), resp), D6T_SC_NO_BINDING);
    d6t_bundle_free(b);

    r.type = D6T_MSG_RENEW; /* renew without binding: NoBinding */
    b = run(&r, 0, &ans);
    ck_assert_int_eq(status_of(d6t_msg_find_opt(d6t_bundle_response(b), D6T_OPT_IA_NA), NULL),
                     D6T_SC_NO_BINDING);
    d6t_bundle_free(b);
}
END_TEST

START_TEST(rapid_commit)
{
    int ans;
    struct req r = {.type = D6T_MSG_SOLICIT, .client = 2, .na = 1, .rapid = 1, .iaid = 1};
    d6t_bundle *b = run(&r, 0, &ans);
    d6t_msg *resp = d6t_bundle_response(b);
    ck_assert_int_eq(d6t_msg_type(resp), D6T_MSG_REPLY);
    ck_assert_ptr_nonnull(d6t_msg_find_opt(resp, D6T_OPT_RAPID_COMMIT));
    ck_assert(d6t_bundle_has_mark(b, "rapid-commit"));
    d6t_bundle_free(b);
    ck_assert_int_eq(S.leases.v[0].state, D6S_BOUND);
    S.cfg.rapid_commit = 0; /* not allowed: a normal Advertise */
    r.client = 3;
    b = run(&r, 0, &ans);
    resp = d6t_bundle_response(b);
    ck_assert_int_eq(d6t_msg_type(resp), D6T_MSG_ADVERTISE);
    ck_assert_ptr_null(d6t_msg_find_opt(resp, D6T_OPT_RAPID_COMMIT));
    d6t_bundle_free(b);
}
END_TEST

START_TEST(pool_exhaustion_status_codes)
{
    int ans;
    for (uint8_t c = 1; c <= 3; c++) {
        struct req r = {
            .type = D6T_MSG_REQUEST, .client = c, .na = 1, .pd = 1, .server_id = 1, .iaid = 1};
        d6t_bundle *b = run(&r, 0, &ans);
        d6t_msg *resp = d6t_bundle_response(b);
        d6t_opt *na = d6t_msg_find_opt(resp, D6T_OPT_IA_NA),
                *pd = d6t_msg_find_opt(resp, D6T_OPT_IA_PD);
        if (c <= 2) {
            ck_assert_ptr_nonnull(d6t_opt_find_child(na, D6T_OPT_IAADDR));
            ck_assert_ptr_nonnull(d6t_opt_find_child(pd, D6T_OPT_IAPREFIX));
        } else { /* pool of two: the third client gets the RFC 9915 status codes inside its IAs */
            ck_assert_int_eq(status_of(na, NULL), D6T_SC_NO_ADDRS_AVAIL);
            ck_assert_int_eq(status_of(pd, NULL), D6T_SC_NO_PREFIX_AVAIL);
            ck_assert_ptr_null(d6t_opt_find_child(na, D6T_OPT_IAADDR));
            ck_assert_int_eq(d6t_msg_validate(resp, NULL, NULL, NULL), D6T_OK);
        }
        d6t_bundle_free(b);
    }
    ck_assert_int_eq(S.cnt.no_addrs, 1);
    ck_assert_int_eq(S.cnt.no_prefix, 1);
    /* expired leases go back to the pool */
    S.now += 401;
    struct req r = {.type = D6T_MSG_REQUEST, .client = 3, .na = 1, .server_id = 1, .iaid = 1};
    d6t_bundle *b = run(&r, 0, &ans);
    ck_assert_ptr_nonnull(d6t_opt_find_child(
        d6t_msg_find_opt(d6t_bundle_response(b), D6T_OPT_IA_NA), D6T_OPT_IAADDR));
    d6t_bundle_free(b);
}
END_TEST

START_TEST(decline_keeps_address_out)
{
    int ans;
    struct req r = {.type = D6T_MSG_REQUEST, .client = 1, .na = 1, .server_id = 1, .iaid = 1};
    d6t_bundle *b = run(&r, 0, &ans);
    uint8_t a[16], a2[16];
    ia_addr(d6t_bundle_response(b), a, NULL);
    d6t_bundle_free(b);
    r.type = D6T_MSG_DECLINE;
    r.hint = 1;
    memcpy(r.hint_addr, a, 16);
    b = run(&r, 0, &ans);
    ck_assert_int_eq(status_of(NULL, d6t_bundle_response(b)), D6T_SC_SUCCESS);
    d6t_bundle_free(b);
    ck_assert_int_eq(S.cnt.leases_declined, 1);
    r.type = D6T_MSG_REQUEST;
    r.hint = 0;
    b = run(&r, 0, &ans); /* same client asks again: gets the other address */
    ia_addr(d6t_bundle_response(b), a2, NULL);
    ck_assert(memcmp(a, a2, 16) != 0);
    d6t_bundle_free(b);
    r.client = 9;
    b = run(&r, 0, &ans); /* pool of two, one declined, one bound: nothing left */
    ck_assert_int_eq(status_of(d6t_msg_find_opt(d6t_bundle_response(b), D6T_OPT_IA_NA), NULL),
                     D6T_SC_NO_ADDRS_AVAIL);
    d6t_bundle_free(b);
}
END_TEST

START_TEST(confirm_on_and_off_link)
{
    int ans;
    struct req r = {.type = D6T_MSG_CONFIRM, .client = 1, .na = 1, .hint = 1, .iaid = 1};
    inet_pton(AF_INET6, "2001:db8:2::1000", r.hint_addr);
    d6t_bundle *b = run(&r, 0, &ans);
    ck_assert_int_eq(ans, 1);
    ck_assert_int_eq(status_of(NULL, d6t_bundle_response(b)), D6T_SC_SUCCESS);
    d6t_bundle_free(b);
    inet_pton(AF_INET6, "2001:db8:99::1", r.hint_addr);
    b = run(&r, 0, &ans);
    ck_assert_int_eq(status_of(NULL, d6t_bundle_response(b)), D6T_SC_NOT_ON_LINK);
    d6t_bundle_free(b);
    ck_assert_int_eq(S.cnt.not_on_link, 1);
    r.hint = 0; /* no addresses: RFC 9915 says no reply */
    b = run(&r, 0, &ans);
    ck_assert_int_eq(ans, 0);
    d6t_bundle_free(b);
}
END_TEST

START_TEST(rebind_and_renew_other_link)
{
    int ans;
    struct req r = {.type = D6T_MSG_REBIND, .client = 4, .na = 1, .hint = 1, .iaid = 1};
    inet_pton(AF_INET6, "2001:db8:99::1", r.hint_addr); /* not for this link: lifetime 0 */
    d6t_bundle *b = run(&r, 0, &ans);
    uint8_t a[16];
    uint32_t valid = 1;
    ia_addr(d6t_bundle_response(b), a, &valid);
    ck_assert(addr_is(a, "2001:db8:99::1"));
    ck_assert_int_eq(valid, 0);
    d6t_bundle_free(b);
    inet_pton(AF_INET6, "2001:db8:2::1001", r.hint_addr); /* fits and free: binding recreated */
    b = run(&r, 0, &ans);
    ia_addr(d6t_bundle_response(b), a, &valid);
    ck_assert(addr_is(a, "2001:db8:2::1001"));
    ck_assert_int_eq(valid, 400);
    ck_assert_int_eq(S.leases.v[d6s_lease_find_addr(&S.leases, a, 128)].state, D6S_BOUND);
    d6t_bundle_free(b);
}
END_TEST

/* Rebind recreating a lost binding (both found by fuzz_server): a prefix with bits set after its
 * length is stored in canonical form, so it is not handed out a second time; an offer still held
 * for the same IA makes way, so the IA has one lease. */
START_TEST(rebind_prefix_canonical_one_lease_per_ia)
{
    int ans;
    d6t_arena *a = d6t_arena_new(NULL, 0);
    struct req r = {.type = D6T_MSG_REBIND, .client = 6, .pd = 1, .iaid = 2};
    d6t_msg *m = build(a, &r);
    uint8_t p[16], raw[25] = {[8] = 56}; /* lifetimes 0, length 56, then the prefix */
    inet_pton(AF_INET6, "2001:db8:200:100:ff::1",
              raw + 9); /* 2001:db8:200:100::/56 with host bits */
    ck_assert_int_eq(d6t_opt_add_child_bytes(d6t_msg_find_opt(m, D6T_OPT_IA_PD), D6T_OPT_IAPREFIX,
                                             raw, sizeof raw, NULL, NULL),
                     D6T_OK);
    d6t_bundle *b = run_msg(m, &RX_ETH1, &ans);
    d6t_arena_free(a);
    ck_assert_int_eq(ans, 1);
    d6t_bundle_free(b);
    ck_assert_int_eq(S.leases.used, 1);
    inet_pton(AF_INET6, "2001:db8:200:100::", p);
    int32_t i = d6s_lease_find_addr(&S.leases, p, 56);
    ck_assert_int_ge(i, 0);
    ck_assert_int_eq(S.leases.v[i].state, D6S_BOUND);
    /* another client gets the pool's other /56, not this one again */
    r = (struct req){.type = D6T_MSG_REQUEST, .client = 7, .pd = 1, .server_id = 1, .iaid = 2};
    b = run(&r, 0, &ans);
    uint8_t got[16], plen = 0;
    d6t_opt *ia = d6t_msg_find_opt(d6t_bundle_response(b), D6T_OPT_IA_PD);
    ck_assert_int_eq(d6t_opt_get_prefix(d6t_opt_find_child(ia, D6T_OPT_IAPREFIX),
                                        D6T_IAPREFIX_PREFIX, got, &plen),
                     D6T_OK);
    ck_assert(addr_is(got, "2001:db8:200::"));
    d6t_bundle_free(b);
    ck_assert_int_eq(S.leases.used, 2);

    /* an offer, then a Rebind of the same IA for the pool's other address: one lease */
    r = (struct req){.type = D6T_MSG_SOLICIT, .client = 8, .na = 1, .iaid = 1};
    b = run(&r, 0, &ans); /* offers 2001:db8:2::1000 */
    d6t_bundle_free(b);
    ck_assert_int_eq(S.leases.used, 3);
    r = (struct req){.type = D6T_MSG_REBIND, .client = 8, .na = 1, .hint = 1, .iaid = 1};
    inet_pton(AF_INET6, "2001:db8:2::1001", r.hint_addr);
    b = run(&r, 0, &ans);
    uint32_t valid = 0;
    ia_addr(d6t_bundle_response(b), got, &valid);
    ck_assert(addr_is(got, "2001:db8:2::1001"));
    ck_assert_int_eq(valid, 400);
    d6t_bundle_free(b);
    ck_assert_int_eq(S.leases.used, 3);
    ck_assert_int_eq(
        S.leases
            .v[d6s_lease_find_ia(&S.leases, D6T_OPT_IA_NA,
                                 S.leases.v[d6s_lease_find_addr(&S.leases, got, 128)].duid, 10, 1)]
            .state,
        D6S_BOUND);
}
END_TEST

/* A Client ID shorter than a DUID can be (type + 1 byte) is no client key: no answer. */
START_TEST(short_client_duid_dropped)
{
    for (size_t n = 0; n <= 3; n++) {
        d6t_arena *a = d6t_arena_new(NULL, 0);
        d6t_msg *m = d6t_msg_new(a, D6T_MSG_SOLICIT);
        static const uint8_t duid[] = {0, 3, 7};
        ck_assert_int_eq(d6t_msg_add_opt_bytes(m, D6T_OPT_CLIENTID, duid, n, NULL, NULL), D6T_OK);
        uint8_t iaid[12] = {0, 0, 0, 1};
        ck_assert_int_eq(d6t_msg_add_opt_bytes(m, D6T_OPT_IA_NA, iaid, sizeof iaid, NULL, NULL),
                         D6T_OK);
        int ans = -1;
        d6t_bundle *b = run_msg(m, &RX_ETH1, &ans);
        ck_assert_int_eq(ans, n == 3);
        d6t_bundle_free(b);
        d6t_arena_free(a);
    }
}
END_TEST

/* Hints no client can hold (a link-local address, a multicast prefix) are not echoed with
 * lifetime 0 like other hints the server does not grant: the Reply stays valid (found by
 * fuzz_server, which checks every answer with d6t_msg_validate). */
START_TEST(junk_hints_not_echoed)
{
    int ans;
    d6t_arena *a = d6t_arena_new(NULL, 0);
    struct req r = {.type = D6T_MSG_REQUEST,
                    .client = 9,
                    .na = 1,
                    .pd = 1,
                    .server_id = 1,
                    .hint = 1,
                    .iaid = 3};
    inet_pton(AF_INET6, "fe80::1", r.hint_addr);
    d6t_msg *m = build(a, &r);
    uint8_t raw[25] = {[8] = 52};
    inet_pton(AF_INET6, "ff01:db8:100::", raw + 9);
    ck_assert_int_eq(d6t_opt_add_child_bytes(d6t_msg_find_opt(m, D6T_OPT_IA_PD), D6T_OPT_IAPREFIX,
                                             raw, sizeof raw, NULL, NULL),
                     D6T_OK);
    d6t_bundle *b = run_msg(m, &RX_ETH1, &ans);
    ck_assert_int_eq(ans, 1);
    d6t_msg *resp = d6t_bundle_response(b);
    size_t violations = 0;
    ck_assert_int_eq(d6t_msg_validate(resp, NULL, NULL, &violations), D6T_OK);
    /* each IA holds exactly the binding it was given */
    const uint16_t codes[2][2] = {{D6T_OPT_IA_NA, D6T_OPT_IAADDR},
                                  {D6T_OPT_IA_PD, D6T_OPT_IAPREFIX}};
    for (int k = 0; k < 2; k++) {
        d6t_opt *ia = d6t_msg_find_opt(resp, codes[k][0]);
        ck_assert_ptr_nonnull(ia);
        size_t n = 0;
        for (d6t_opt *c = d6t_opt_first_child(ia); c; c = d6t_opt_next(c))
            n += d6t_opt_code(c) == codes[k][1];
        ck_assert_uint_eq(n, 1);
    }
    d6t_bundle_free(b);
    d6t_arena_free(a);
}
END_TEST

/* A Solicit from a bound client does not move the binding's client-last-transaction time: it
 * is not written to the lease file, so a restart would turn it back (found by fuzz_server's
 * restart check). A Renew moves it. */
START_TEST(solicit_keeps_bound_cltt)
{
    int ans;
    struct req r = {.type = D6T_MSG_REQUEST, .client = 10, .na = 1, .server_id = 1, .iaid = 1};
    d6t_bundle *b = run(&r, 0, &ans);
    d6t_bundle_free(b);
    const uint8_t duid[] = {0, 3, 0, 1, 2, 0, 0, 0, 1, 10};
    int32_t i = d6s_lease_find_ia(&S.leases, D6T_OPT_IA_NA, duid, sizeof duid, 1);
    ck_assert_int_ge(i, 0);
    ck_assert_int_eq(S.leases.v[i].state, D6S_BOUND);
    ck_assert_int_eq(S.leases.v[i].cltt, 1000000);
    S.now += 50;
    r = (struct req){.type = D6T_MSG_SOLICIT, .client = 10, .na = 1, .iaid = 1};
    b = run(&r, 0, &ans);
    ck_assert_int_eq(ans, 1);
    d6t_bundle_free(b);
    ck_assert_int_eq(S.leases.v[i].cltt, 1000000);
    r = (struct req){.type = D6T_MSG_RENEW, .client = 10, .na = 1, .server_id = 1, .iaid = 1};
    b = run(&r, 0, &ans);
    d6t_bundle_free(b);
    ck_assert_int_eq(S.leases.v[i].cltt, 1000050);
}
END_TEST

/* An IA repeated with the same IAID is answered once (found by fuzz_server: the Advertise held
 * two IA_NAs with one IAID); past D6S_MAX_IA_ANSWERED IAs of a type the reply says nothing more;
 * a refused IA_TA keeps its IAID. */
START_TEST(repeated_iaid_answered_once)
{
    int ans;
    d6t_arena *a = d6t_arena_new(NULL, 0);
    struct req r = {.type = D6T_MSG_SOLICIT, .client = 11, .na = 1, .iaid = 5};
    d6t_msg *m = build(a, &r);
    uint8_t ia[12] = {0, 0, 0, 5};
    ck_assert_int_eq(d6t_msg_add_opt_bytes(m, D6T_OPT_IA_NA, ia, sizeof ia, NULL, NULL), D6T_OK);
    ck_assert_int_eq(d6t_msg_add_opt_bytes(m, D6T_OPT_IA_TA, ia, 4, NULL, NULL), D6T_OK);
    ck_assert_int_eq(d6t_msg_add_opt_bytes(m, D6T_OPT_IA_TA, ia, 4, NULL, NULL), D6T_OK);
    for (uint32_t k = 0; k < D6S_MAX_IA_ANSWERED + 5; k++) { /* distinct IA_PDs, far too many */
        uint8_t pd[12] = {1, 0, (uint8_t)(k >> 8), (uint8_t)k};
        ck_assert_int_eq(d6t_msg_add_opt_bytes(m, D6T_OPT_IA_PD, pd, sizeof pd, NULL, NULL),
                         D6T_OK);
    }
    d6t_bundle *b = run_msg(m, &RX_ETH1, &ans);
    ck_assert_int_eq(ans, 1);
    d6t_msg *resp = d6t_bundle_response(b);
    size_t nna = 0, nta = 0, npd = 0;
    for (d6t_opt *o = d6t_msg_first_opt(resp); o; o = d6t_opt_next(o)) {
        nna += d6t_opt_code(o) == D6T_OPT_IA_NA;
        nta += d6t_opt_code(o) == D6T_OPT_IA_TA;
        npd += d6t_opt_code(o) == D6T_OPT_IA_PD;
    }
    ck_assert_uint_eq(nna, 1);
    ck_assert_uint_eq(nta, 1);
    ck_assert_uint_eq(npd, D6S_MAX_IA_ANSWERED);
    ck_assert_int_eq(d6t_msg_validate(resp, NULL, NULL, NULL), D6T_OK);
    /* the refused IA_TA carries the client's IAID (it was 0: fuzz_server again) */
    const uint8_t *id;
    size_t idlen;
    ck_assert_int_eq(
        d6t_opt_get_bytes(d6t_msg_find_opt(resp, D6T_OPT_IA_TA), D6T_IA_TA_IAID, &id, &idlen),
        D6T_OK);
    ck_assert_uint_eq(idlen, 4);
    ck_assert_int_eq(id[3], 5);
    d6t_bundle_free(b);
    d6t_arena_free(a);
}
END_TEST

/* A Solicit through a relay with other relay data does not rewrite the binding (found by
 * fuzz_server: the Remote-ID changed in memory, not in the lease file); a Renew does. */
START_TEST(solicit_keeps_bound_identity)
{
    int ans;
    const uint8_t duid[] = {0, 3, 0, 1, 2, 0, 0, 0, 1, 12};
    struct req r = {.type = D6T_MSG_REQUEST, .client = 12, .na = 1, .server_id = 1, .iaid = 1};
    const uint8_t types[] = {D6T_MSG_REQUEST, D6T_MSG_SOLICIT, D6T_MSG_RENEW};
    const char *ids[] = {"port-a", "port-b", "port-b"};
    const char *expect[] = {"port-a", "port-a", "port-b"};
    for (int k = 0; k < 3; k++) {
        d6t_arena *a = d6t_arena_new(NULL, 0);
        r.type = types[k];
        r.server_id = types[k] != D6T_MSG_SOLICIT;
        d6t_msg *m = relay(a, build(a, &r), 1, ids[k]);
        d6t_bundle *b = run_msg(m, NULL, &ans);
        ck_assert_int_eq(ans, 1);
        d6t_bundle_free(b);
        d6t_arena_free(a);
        int32_t i = d6s_lease_find_ia(&S.leases, D6T_OPT_IA_NA, duid, sizeof duid, 1);
        ck_assert_int_ge(i, 0);
        const struct d6s_lease *e = &S.leases.v[i];
        ck_assert_int_eq(e->state, D6S_BOUND);
        ck_assert_uint_eq(e->remote_id_len, 4 + strlen(expect[k]));
        ck_assert(!memcmp(e->remote_id + 4, expect[k], strlen(expect[k])));
    }
}
END_TEST

START_TEST(rebind_outside_pool_not_bound)
{
    /* on the link but outside the pool (here: what could be the router's address): no binding
     * is recreated, the client is told NoBinding and nothing enters the lease table (found by
     * fuzz_server) */
    int ans;
    struct req r = {.type = D6T_MSG_REBIND, .client = 4, .na = 1, .hint = 1, .iaid = 1};
    inet_pton(AF_INET6, "2001:db8:2::1", r.hint_addr);
    d6t_bundle *b = run(&r, 0, &ans);
    ck_assert_int_eq(ans, 1);
    d6t_opt *ia = d6t_msg_find_opt(d6t_bundle_response(b), D6T_OPT_IA_NA);
    ck_assert_ptr_nonnull(ia);
    ck_assert_int_eq(status_of(ia, NULL), D6T_SC_NO_BINDING);
    ck_assert_ptr_null(d6t_opt_find_child(ia, D6T_OPT_IAADDR));
    ck_assert_int_eq(S.leases.used, 0);
    d6t_bundle_free(b);
    /* the same through a relay, on the relay-only subnet */
    inet_pton(AF_INET6, "2001:db8:1::1", r.hint_addr);
    b = run(&r, 1, &ans);
    ia = d6t_msg_find_opt(d6t_bundle_response(b), D6T_OPT_IA_NA); /* the reply inside the chain */
    ck_assert_ptr_nonnull(ia);
    ck_assert_int_eq(status_of(ia, NULL), D6T_SC_NO_BINDING);
    ck_assert_int_eq(S.leases.used, 0);
    d6t_bundle_free(b);
}
END_TEST

START_TEST(renumbered_link_old_leases_not_used)
{
    /* a lease bound on eth1's subnet, then the server restarts with that link renumbered: the
     * lease table (from the lease file) still holds the old address and prefix */
    int ans;
    struct req r = {
        .type = D6T_MSG_REQUEST, .client = 5, .na = 1, .pd = 1, .server_id = 1, .iaid = 1};
    d6t_bundle *b = run(&r, 0, &ans);
    uint8_t a[16], old[16];
    uint32_t valid = 0;
    ia_addr(d6t_bundle_response(b), old, NULL);
    ck_assert(addr_is(old, "2001:db8:2::1000"));
    d6t_bundle_free(b);
    char err[256];
    d6s_config_defaults(&S.cfg);
    ck_assert_msg(d6s_config_parse(
                      &S.cfg,
                      "interface eth1\nt1 100\nt2 200\npreferred-lifetime 300\nvalid-lifetime 400\n"
                      "subnet 2001:db8:3::/64 interface eth1\n"
                      "  pool 2001:db8:3::1000 2001:db8:3::1001\n  pd-pool 2001:db8:300::/55 56\n",
                      err, sizeof err) == 0,
                  "%s", err);
    ck_assert_msg(d6s_config_finish(&S.cfg, err, sizeof err) == 0, "%s", err);

    r = (struct req){.type = D6T_MSG_CONFIRM, .client = 5, .na = 1, .hint = 1, .iaid = 1};
    memcpy(r.hint_addr, old, 16);
    b = run(&r, 0, &ans);
    ck_assert_int_eq(status_of(NULL, d6t_bundle_response(b)), D6T_SC_NOT_ON_LINK);
    d6t_bundle_free(b);

    r.type = D6T_MSG_RENEW; /* the old address is not for this link any more: lifetime 0 */
    r.server_id = 1;
    b = run(&r, 0, &ans);
    ia_addr(d6t_bundle_response(b), a, &valid);
    ck_assert(addr_is(a, "2001:db8:2::1000"));
    ck_assert_int_eq(valid, 0);
    d6t_bundle_free(b);
    r.type = D6T_MSG_REBIND;
    r.server_id = 0;
    valid = 1;
    b = run(&r, 0, &ans);
    ia_addr(d6t_bundle_response(b), a, &valid);
    ck_assert(addr_is(a, "2001:db8:2::1000"));
    ck_assert_int_eq(valid, 0);
    d6t_bundle_free(b);

    /* a new Solicit gets an address and a prefix of the renumbered link, not the old ones */
    r = (struct req){.type = D6T_MSG_SOLICIT, .client = 5, .na = 1, .pd = 1, .iaid = 1};
    b = run(&r, 0, &ans);
    d6t_msg *resp = d6t_bundle_response(b);
    ia_addr(resp, a, NULL);
    ck_assert(addr_is(a, "2001:db8:3::1000"));
    uint8_t p[16], plen;
    ck_assert_int_eq(d6t_opt_get_prefix(d6t_opt_find_child(d6t_msg_find_opt(resp, D6T_OPT_IA_PD),
                                                           D6T_OPT_IAPREFIX),
                                        D6T_IAPREFIX_PREFIX, p, &plen),
                     D6T_OK);
    ck_assert(addr_is(p, "2001:db8:300::"));
    d6t_bundle_free(b);
    ck_assert_int_eq(d6s_lease_find_addr(&S.leases, old, 128), -1);
}
END_TEST

START_TEST(information_request_and_drops)
{
    int ans;
    struct req r = {.type = D6T_MSG_INFORMATION_REQUEST, .client = 1, .oro = 1};
    d6t_bundle *b = run(&r, 0, &ans);
    d6t_msg *resp = d6t_bundle_response(b);
    ck_assert_int_eq(d6t_msg_type(resp), D6T_MSG_REPLY);
    d6t_opt *dns = d6t_msg_find_opt(resp, D6T_OPT_DNS_SERVERS);
    size_t n = 0;
    d6t_opt_list_count(dns, D6T_DNS_SERVERS_DNS_SERVERS, &n);
    ck_assert_int_eq(n, 2);
    char name[256];
    ck_assert_int_eq(d6t_opt_get_dname(d6t_msg_find_opt(resp, D6T_OPT_DOMAIN_LIST),
                                       D6T_DOMAIN_LIST_SEARCH_LIST, 0, name, sizeof name),
                     D6T_OK);
    ck_assert_str_eq(name, "lab.example.com.");
    d6t_bundle_free(b);
    /* requests RFC 9915 section 16 says to discard */
    struct req bad[] = {
        {.type = D6T_MSG_INFORMATION_REQUEST, .client = 1, .na = 1},
        {.type = D6T_MSG_REQUEST, .client = 1, .na = 1}, /* no server id */
        {.type = D6T_MSG_REQUEST,
         .client = 1,
         .na = 1,
         .wrong_server_id = 1}, /* another server's */
        {.type = D6T_MSG_SOLICIT, .client = 1, .na = 1, .server_id = 1},
        {.type = D6T_MSG_RENEW, .client = 1, .na = 1, .wrong_server_id = 1},
        {.type = D6T_MSG_REBIND, .client = 1, .na = 1, .server_id = 1},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        b = run(&bad[i], 0, &ans);
        ck_assert_msg(ans == 0, "case %zu answered", i);
        d6t_bundle_free(b);
    }
    ck_assert_int_eq(S.cnt.dropped, sizeof bad / sizeof bad[0]);
}
END_TEST

START_TEST(relayed_two_levels)
{
    int ans;
    struct req r = {.type = D6T_MSG_SOLICIT, .client = 5, .na = 1, .pd = 1, .iaid = 1};
    d6t_bundle *b = run(&r, 2, &ans);
    ck_assert_int_eq(ans, 1);
    uint8_t a[16];
    ia_addr(d6t_bundle_response(b), a, NULL);
    ck_assert(addr_is(a, "2001:db8:1::1000")); /* subnet chosen by the inner relay's link address */
    uint8_t out[4096];
    size_t len;
    ck_assert_int_eq(d6t_bundle_outgoing_message(b, out, sizeof out, &len), D6T_OK);
    d6t_msg *m;
    ck_assert_int_eq(d6t_msg_parse(NULL, out, len, D6T_PARSE_COPY, &m, NULL), D6T_OK);
    ck_assert_int_eq(d6t_msg_type(m), D6T_MSG_RELAY_REPL);
    const uint8_t *ifid;
    size_t il;
    ifid = d6t_opt_data(d6t_msg_find_opt(m, D6T_OPT_INTERFACE_ID), &il);
    ck_assert_int_eq(il, 4);
    ck_assert_int_eq(ifid[3], 3); /* outer relay's Interface-ID echoed */
    d6t_msg *inner = d6t_msg_relayed(m);
    ifid = d6t_opt_data(d6t_msg_find_opt(inner, D6T_OPT_INTERFACE_ID), &il);
    ck_assert_int_eq(ifid[3], 2);
    ck_assert_int_eq(d6t_msg_type(d6t_msg_relayed(inner)), D6T_MSG_ADVERTISE);
    ck_assert_int_eq(d6t_msg_validate(m, NULL, NULL, NULL), D6T_OK);
    d6t_msg_free(m);
    uint8_t to[16], agent[16] = {0x20, 0x01, 0x0d, 0xb8, 0x99, [15] = 1};
    uint16_t port;
    /* replies go back to the relay agent the datagram came from (RFC 9915 19.3) */
    d6t_bundle_set_source_address(b, agent);
    ck_assert_int_eq(d6t_bundle_destination(b, to, &port), D6T_OK);
    ck_assert_int_eq(port, 547);
    ck_assert_int_eq(memcmp(to, agent, 16), 0);
    d6t_bundle_free(b);
    /* a relayed request from a link no subnet covers gets NoAddrsAvail */
    d6t_arena *ar = d6t_arena_new(NULL, 0);
    d6t_msg *rf = d6t_msg_new(ar, D6T_MSG_RELAY_FORW);
    uint8_t link[16] = {0x20, 0x01, 0x0d, 0xb8, 0x77};
    d6t_msg_set_link_address(rf, link);
    d6t_msg_add_relay_msg(rf, build(ar, &r));
    b = run_msg(rf, NULL, &ans);
    ck_assert_int_eq(status_of(d6t_msg_find_opt(d6t_bundle_response(b), D6T_OPT_IA_NA), NULL),
                     D6T_SC_NO_ADDRS_AVAIL);
    d6t_bundle_free(b);
    d6t_arena_free(ar);
}
END_TEST

/* A Relay-forward naming a multicast link or peer is dropped: its Relay-reply would have to
 * echo the address and could not validate (found by fuzz_config, with a multicast subnet). */
START_TEST(relayed_multicast_link_or_peer_dropped)
{
    struct req r = {.type = D6T_MSG_SOLICIT, .client = 6, .na = 1, .iaid = 1};
    static const uint8_t unicast[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 1},
                         mcast[16] = {0xff, 0x05, [13] = 1, [15] = 3};
    for (int which = 0; which < 3; which++) { /* 0: both unicast, 1: link, 2: peer multicast */
        d6t_arena *ar = d6t_arena_new(NULL, 0);
        d6t_msg *rf = d6t_msg_new(ar, D6T_MSG_RELAY_FORW);
        d6t_msg_set_link_address(rf, which == 1 ? mcast : unicast);
        d6t_msg_set_peer_address(rf, which == 2 ? mcast : unicast);
        d6t_msg_add_relay_msg(rf, build(ar, &r));
        /* under one more relay level: the bad address is not on the outermost one */
        d6t_msg *outer = relay(ar, rf, 1, NULL);
        uint64_t dropped = S.cnt.dropped;
        int ans;
        d6t_bundle *b = run_msg(outer, NULL, &ans);
        ck_assert_int_eq(ans, which == 0);
        ck_assert_int_eq(S.cnt.dropped, dropped + (which != 0));
        ck_assert_int_eq(d6t_bundle_has_mark(b, "dropped"), which != 0);
        d6t_bundle_free(b);
        d6t_arena_free(ar);
    }
}
END_TEST

START_TEST(too_many_ias_bounded)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    struct req r = {.type = D6T_MSG_REQUEST, .client = 6, .server_id = 1};
    d6t_msg *m = build(a, &r);
    for (uint8_t i = 0; i < 20; i++) {
        uint8_t iaid[4] = {0, 0, 0, i};
        d6t_opt_set_bytes(d6t_msg_add_opt(m, D6T_OPT_IA_PD), D6T_IA_PD_IAID, iaid, 4);
    }
    int ans;
    d6t_bundle *b = run_msg(m, &RX_ETH1, &ans);
    ck_assert_int_eq(ans, 1);
    ck_assert_uint_le(S.leases.used, D6S_MAX_IA_PER_MSG);
    ck_assert_int_eq(d6t_msg_opt_count(d6t_bundle_response(b)), 2 + 20); /* every IA answered */
    d6t_bundle_free(b);
    d6t_arena_free(a);
}
END_TEST

START_TEST(malformed_input_survives)
{
    uint8_t buf[600];
    unsigned seed = 12345;
    int parsed = 0;
    for (int it = 0; it < 20000; it++) {
        size_t len = (size_t)(rand_r(&seed) % sizeof buf);
        for (size_t i = 0; i < len; i++) buf[i] = (uint8_t)rand_r(&seed);
        if (len) buf[0] = (uint8_t)(1 + rand_r(&seed) % 14); /* mostly client and relay types */
        if (len > 4 && it % 2) {
            buf[4] = 0;
            buf[5] = 1;
            buf[6] = 0;
            buf[7] = (uint8_t)(len > 8 ? len - 8 : 0);
        }
        d6t_bundle *b = NULL;
        if (d6t_bundle_new(NULL, buf, len, D6T_BUNDLE_RAPID_COMMIT, NULL, &b, NULL) != D6T_OK)
            continue;
        parsed++;
        if (d6s_handle(&S, b, &RX_ETH1)) {
            uint8_t out[8192];
            size_t ol;
            d6t_bundle_outgoing_message(b, out, sizeof out, &ol);
        }
        d6t_bundle_free(b);
    }
    ck_assert_int_gt(parsed, 100);
    ck_assert_uint_le(S.leases.used, S.leases.cap);
}
END_TEST

/* ---- lease file ---- */
START_TEST(lease_file_round_trip)
{
    char dir[] = "/tmp/d6s-test-XXXXXX", path[256], err[256];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/leases", dir);
    ck_assert_int_eq(d6s_leases_open(&S.leases, path, &S.cfg, S.now, err, sizeof err), 0);
    int ans;
    for (uint8_t c = 1; c <= 2; c++) {
        struct req r = {
            .type = D6T_MSG_REQUEST, .client = c, .na = 1, .pd = 1, .server_id = 1, .iaid = 1};
        d6t_bundle_free(run(&r, c == 2, &ans));
    }
    struct req rel = {.type = D6T_MSG_RELEASE, .client = 1, .pd = 1, .server_id = 1, .iaid = 1};
    d6t_bundle_free(run(&rel, 0, &ans));
    ck_assert_int_eq(d6s_leases_sync(&S.leases), 0);
    ck_assert_int_eq(S.leases.used, 3);
    /* a crash in the middle of a journal line: that line is skipped, the rest loads */
    FILE *f = fopen(path, "a");
    fputs("lease 2 na 00000009 000300010200000001ff 2001:db8:2::1001 128 0 1 2 3", f);
    fclose(f);
    struct d6s_leases l2;
    ck_assert_int_eq(d6s_leases_init(&l2, 64), 0);
    ck_assert_int_eq(d6s_leases_open(&l2, path, &S.cfg, S.now, err, sizeof err), 0);
    ck_assert_int_eq(l2.used, 3);
    uint8_t a[16];
    inet_pton(AF_INET6, "2001:db8:2::1000", a);
    int32_t i = d6s_lease_find_addr(&l2, a, 128);
    ck_assert_int_ge(i, 0);
    ck_assert_int_eq(l2.v[i].state, D6S_BOUND);
    ck_assert_int_eq(l2.v[i].valid_until, S.now + 400);
    uint8_t duid[] = {0, 3, 0, 1, 2, 0, 0, 0, 1, 1};
    ck_assert_int_eq(d6s_lease_find_ia(&l2, D6T_OPT_IA_NA, duid, sizeof duid, 1), i);
    ck_assert_int_eq(d6s_lease_find_ia(&l2, D6T_OPT_IA_PD, duid, sizeof duid, 1),
                     -1); /* released */
    inet_pton(AF_INET6, "2001:db8:1::1000", a);
    i = d6s_lease_find_addr(&l2, a, 128);
    ck_assert_int_ge(i, 0);
    uint8_t link[16];
    inet_pton(AF_INET6, "2001:db8:1::1", link);
    ck_assert(!memcmp(l2.v[i].link, link, 16));
    d6s_leases_fini(&l2);
    /* the reopen compacted the file: no torn line left, no temp file */
    f = fopen(path, "r");
    char line[1024];
    int lines = 0;
    while (fgets(line, sizeof line, f)) lines += line[0] != '#';
    fclose(f);
    ck_assert_int_eq(lines, 3);
    char tmp[300];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    ck_assert_int_ne(access(tmp, F_OK), 0);
    /* ... and the torn line it dropped is kept in the side file, whole */
    snprintf(tmp, sizeof tmp, "%s.rejected", path);
    f = fopen(tmp, "r");
    ck_assert_ptr_nonnull(f);
    int kept = 0;
    while (fgets(line, sizeof line, f))
        kept += !strcmp(line,
                        "lease 2 na 00000009 000300010200000001ff 2001:db8:2::1001 128 0 1 2 3\n");
    fclose(f);
    ck_assert_int_eq(kept, 1);
    unlink(tmp);
    unlink(path);
    ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

START_TEST(server_duid_is_stable)
{
    char dir[] = "/tmp/d6s-test-XXXXXX", err[256];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(S.cfg.state_file, sizeof S.cfg.state_file, "%s/state", dir);
    const uint8_t mac[6] = {2, 0, 0, 0, 0x23, 3};
    ck_assert_int_eq(d6s_server_duid(&S, mac, 6, err, sizeof err), 0);
    ck_assert_int_eq(S.duid_len, 14);
    ck_assert_int_eq(S.duid[1], 1); /* DUID-LLT */
    ck_assert(!memcmp(S.duid + 8, mac, 6));
    uint8_t first[D6S_DUID_MAX];
    memcpy(first, S.duid, S.duid_len);
    const uint8_t other[6] = {2, 9, 9, 9, 9, 9};
    memset(S.duid, 0, sizeof S.duid);
    ck_assert_int_eq(d6s_server_duid(&S, other, 6, err, sizeof err), 0); /* reads the file */
    ck_assert(!memcmp(first, S.duid, 14));
    unlink(S.cfg.state_file);
    S.cfg.enterprise = 32473;
    ck_assert_int_eq(d6s_server_duid(&S, mac, 6, err, sizeof err), 0);
    ck_assert_int_eq(S.duid[1], 2); /* DUID-EN */
    ck_assert_int_eq(S.duid[5], 32473 & 0xff);
    unlink(S.cfg.state_file);
    rmdir(dir);
}
END_TEST

/* ---- leasequery ---- */
static d6t_bundle *lq_bundle(uint8_t qtype, const char *link, uint16_t code, const uint8_t *key,
                             size_t klen, int tcp)
{
    d6t_arena *a = d6t_arena_new(NULL, 0);
    d6t_msg *m = d6t_msg_new(a, D6T_MSG_LEASEQUERY);
    d6t_msg_set_transaction_id(m, 0xabcdef);
    uint8_t me[] = {0, 3, 0, 1, 2, 0, 0, 0, 0x77, 0x77};
    d6t_opt_set_bytes(d6t_msg_add_opt(m, D6T_OPT_CLIENTID), D6T_CLIENTID_DUID, me, sizeof me);
    d6t_opt *q = d6t_msg_add_opt(m, D6T_OPT_LQ_QUERY);
    d6t_opt_set_u8(q, D6T_LQ_QUERY_QUERY_TYPE, qtype);
    uint8_t l[16] = {0};
    if (link) inet_pton(AF_INET6, link, l);
    d6t_opt_set_addr6(q, D6T_LQ_QUERY_LINK_ADDRESS, l);
    if (code == D6T_OPT_IAADDR)
        d6t_opt_set_addr6(d6t_opt_add_child(q, code), D6T_IAADDR_ADDRESS, key);
    else if (code)
        d6t_opt_add_child_bytes(q, code, key, klen, NULL, NULL);
    uint8_t wire[1024];
    size_t len;
    ck_assert_int_eq(d6t_msg_write(m, wire, sizeof wire, &len), D6T_OK);
    d6t_arena_free(a);
    static const uint8_t peer[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 9};
    d6t_bundle *b = NULL;
    d6t_bundle_opts o = D6T_BUNDLE_OPTS_INIT;
    o.tcp_peer = tcp ? peer : NULL;
    ck_assert_int_eq(d6t_bundle_new(NULL, wire, len, tcp ? D6T_BUNDLE_TCP : 0, &o, &b, NULL),
                     D6T_OK);
    return b;
}

/* Count the streamed messages: LEASEQUERY-REPLY, then DATA..., then DONE. */
static int stream(d6t_bundle *b, int *client_data, uint16_t *status)
{
    static uint8_t out[70000];
    size_t len;
    int n = 0;
    *client_data = 0;
    *status = 0xffff;
    uint8_t last = 0;
    while (d6t_bundle_outgoing_next(b, out, sizeof out, &len) == D6T_OK) {
        ck_assert_uint_eq(((size_t)out[0] << 8 | out[1]), len - 2); /* RFC 5460 length prefix */
        d6t_msg *m;
        ck_assert_int_eq(d6t_msg_parse(NULL, out + 2, len - 2, D6T_PARSE_COPY, &m, NULL), D6T_OK);
        ck_assert_int_eq(d6t_msg_validate(m, NULL, NULL, NULL), D6T_OK);
        ck_assert_int_eq(d6t_msg_transaction_id(m), 0xabcdef);
        last = d6t_msg_type(m);
        ck_assert_int_eq(last, n == 0 ? D6T_MSG_LEASEQUERY_REPLY : last);
        for (d6t_opt *o = d6t_msg_find_opt(m, D6T_OPT_CLIENT_DATA); o; o = d6t_opt_next_same(o))
            (*client_data)++;
        if (n == 0) *status = status_of(NULL, m);
        d6t_msg_free(m);
        n++;
    }
    ck_assert_int_eq(last, D6T_MSG_LEASEQUERY_DONE);
    return n;
}

START_TEST(bulk_leasequery_streams)
{
    int ans;
    for (uint8_t c = 1; c <= 40; c++) {
        d6t_arena *a = d6t_arena_new(NULL, 0);
        struct req r = {
            .type = D6T_MSG_REQUEST, .client = c, .na = 1, .pd = 1, .server_id = 1, .iaid = 1};
        char rid[16];
        snprintf(rid, sizeof rid, "port-%u", c);
        d6t_bundle *b = run_msg(relay(a, build(a, &r), 1, rid), NULL, &ans);
        d6t_bundle_free(b);
        d6t_arena_free(a);
    }
    ck_assert_int_eq(S.leases.used, 80);
    int cd;
    uint16_t st;
    d6t_bundle *b = lq_bundle(4, "2001:db8:1::1", 0, NULL, 0, 1);
    ck_assert_int_eq(d6s_handle(&S, b, NULL), 1);
    ck_assert_int_eq(stream(b, &cd, &st), 41); /* REPLY + 39 DATA + DONE */
    ck_assert_int_eq(cd, 40); /* one OPTION_CLIENT_DATA per client, not per lease */
    d6t_bundle_free(b);
    uint8_t rid[] = {0, 0, 0x7e, 0x59, 'p', 'o', 'r', 't', '-', '1', '7'};
    b = lq_bundle(5, NULL, D6T_OPT_REMOTE_ID, rid, sizeof rid, 1);
    ck_assert_int_eq(d6s_handle(&S, b, NULL), 1);
    ck_assert_int_eq(stream(b, &cd, &st), 2); /* REPLY with the client, DONE */
    ck_assert_int_eq(cd, 1);
    d6t_bundle_free(b);
    uint8_t duid[] = {0, 3, 0, 1, 2, 0, 0, 0, 1, 5};
    b = lq_bundle(2, NULL, D6T_OPT_CLIENTID, duid, sizeof duid, 1);
    ck_assert_int_eq(d6s_handle(&S, b, NULL), 1);
    ck_assert_int_eq(stream(b, &cd, &st), 2);
    ck_assert_int_eq(cd, 1);
    d6t_bundle_free(b);
    b = lq_bundle(4, "2001:db8:77::1", 0, NULL, 0, 1); /* nothing there */
    ck_assert_int_eq(d6s_handle(&S, b, NULL), 1);
    ck_assert_int_eq(stream(b, &cd, &st), 2);
    ck_assert_int_eq(cd, 0);
    d6t_bundle_free(b);
    b = lq_bundle(99, NULL, 0, NULL, 0, 1);
    ck_assert_int_eq(d6s_handle(&S, b, NULL), 1);
    stream(b, &cd, &st);
    ck_assert_int_eq(st, 7); /* UnknownQueryType */
    d6t_bundle_free(b);
    /* over UDP: by address works, by link address is refused (RFC 5460 needs TCP) */
    uint8_t a[16];
    inet_pton(AF_INET6, "2001:db8:1::1003", a);
    b = lq_bundle(1, NULL, D6T_OPT_IAADDR, a, 16, 0);
    ck_assert_int_eq(d6s_handle(&S, b, NULL), 1);
    d6t_msg *r = d6t_bundle_response(b);
    ck_assert_int_eq(d6t_msg_type(r), D6T_MSG_LEASEQUERY_REPLY);
    d6t_opt *data = d6t_msg_find_opt(r, D6T_OPT_CLIENT_DATA);
    ck_assert_ptr_nonnull(data);
    ck_assert_ptr_nonnull(
        d6t_opt_find_child(data, D6T_OPT_IAPREFIX)); /* the client's other binding too */
    ck_assert_int_eq(d6t_msg_validate(r, NULL, NULL, NULL), D6T_OK);
    d6t_bundle_free(b);
    b = lq_bundle(4, "2001:db8:1::1", 0, NULL, 0, 0);
    ck_assert_int_eq(d6s_handle(&S, b, NULL), 1);
    ck_assert_int_eq(status_of(NULL, d6t_bundle_response(b)), 10);
    d6t_bundle_free(b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("server");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, config_errors_name_the_line);
    tcase_add_test(tc, config_example_parses);
    tcase_add_test(tc, solicit_request_renew_release);
    tcase_add_test(tc, rapid_commit);
    tcase_add_test(tc, pool_exhaustion_status_codes);
    tcase_add_test(tc, decline_keeps_address_out);
    tcase_add_test(tc, confirm_on_and_off_link);
    tcase_add_test(tc, rebind_and_renew_other_link);
    tcase_add_test(tc, rebind_outside_pool_not_bound);
    tcase_add_test(tc, short_client_duid_dropped);
    tcase_add_test(tc, junk_hints_not_echoed);
    tcase_add_test(tc, solicit_keeps_bound_cltt);
    tcase_add_test(tc, repeated_iaid_answered_once);
    tcase_add_test(tc, solicit_keeps_bound_identity);
    tcase_add_test(tc, rebind_prefix_canonical_one_lease_per_ia);
    tcase_add_test(tc, renumbered_link_old_leases_not_used);
    tcase_add_test(tc, information_request_and_drops);
    tcase_add_test(tc, relayed_two_levels);
    tcase_add_test(tc, relayed_multicast_link_or_peer_dropped);
    tcase_add_test(tc, too_many_ias_bounded);
    tcase_add_test(tc, malformed_input_survives);
    tcase_add_test(tc, lease_file_round_trip);
    tcase_add_test(tc, server_duid_is_stable);
    tcase_add_test(tc, bulk_leasequery_streams);
    suite_add_tcase(s, tc);
    return run_suite(s) ? 1 : 0;
}
