/* dhcp6txn-server: the DHCPv6 logic (RFC 9915) on a transaction bundle: which requests to
 * drop, which subnet a request belongs to, IA_NA / IA_PD leases, status codes, and the
 * stateless options. Only the public libdhcp6txn API is used.
 * SPDX-License-Identifier: BSD-2-Clause */
#include "server.h"

#include <stdarg.h>
#include <string.h>

/* How long an advertised (not yet requested) lease stays reserved for the client. */
#define OFFER_HOLD 60

struct txn {
    struct d6s_server *s;
    d6t_bundle *b;
    d6t_msg *req, *resp;
    uint8_t mtype;
    int sni; /* subnet index or -1 */
    uint8_t link[16];
    const uint8_t *duid;
    size_t dlen;
    const uint8_t *relay_id, *remote_id;
    size_t relay_id_len, remote_id_len;
    int commit; /* leases become BOUND (Request, rapid-commit Solicit) */
};

void d6s_logf(const struct d6s_server *s, const char *fmt, ...)
{
    if (!s->log || s->quiet) return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(s->log, fmt, ap);
    va_end(ap);
    fputc('\n', s->log);
}

static void add_status(d6t_msg *m, d6t_opt *ia, d6t_status_code code, const char *text)
{
    if (ia)
        d6t_opt_add_status(ia, (uint16_t)code, text, NULL);
    else
        d6t_msg_add_status(m, (uint16_t)code, text, NULL);
}

static int requested(const d6t_msg *req, uint16_t code)
{
    /* one pass over the list's bytes (its layout, an even length, was checked when parsed),
     * rather than an indexed get per element, each of which walks the list again */
    d6t_opt *oro = d6t_msg_find_opt(req, D6T_OPT_ORO);
    const uint8_t *d;
    size_t len;
    if (!oro || d6t_opt_get_bytes(oro, D6T_ORO_REQUESTED_OPTIONS, &d, &len)) return 0;
    for (size_t i = 0; i + 1 < len; i += 2)
        if (((unsigned)d[i] << 8 | d[i + 1]) == code) return 1;
    return 0;
}

static void add_config_options(struct txn *t)
{
    const struct d6s_config *c = &t->s->cfg;
    /* the configured addresses lie back to back: the option's payload as it is (one copy and a
     * length check, where appending address by address reallocates the option each time) */
    if (c->ndns && requested(t->req, D6T_OPT_DNS_SERVERS))
        d6t_msg_add_opt_bytes(t->resp, D6T_OPT_DNS_SERVERS, c->dns[0], c->ndns * sizeof c->dns[0],
                              NULL, NULL);
    if (c->ndomains && requested(t->req, D6T_OPT_DOMAIN_LIST)) {
        d6t_opt *o = d6t_msg_add_opt(t->resp, D6T_OPT_DOMAIN_LIST);
        for (size_t i = 0; o && i < c->ndomains; i++)
            d6t_opt_list_add_dname(o, D6T_DOMAIN_LIST_SEARCH_LIST, c->domains[i]);
    }
}

static int new_response(struct txn *t, uint8_t type)
{
    t->resp = d6t_msg_new(d6t_bundle_arena(t->b), type);
    if (!t->resp) return -1;
    d6t_msg_set_transaction_id(t->resp, d6t_msg_transaction_id(t->req));
    d6t_opt *cid = d6t_msg_find_opt(t->req, D6T_OPT_CLIENTID);
    if (cid && !d6t_msg_add_opt_copy(t->resp, cid)) return -1;
    if (d6t_msg_add_opt_bytes(t->resp, D6T_OPT_SERVERID, t->s->duid, t->s->duid_len, NULL, NULL))
        return -1;
    return d6t_bundle_set_response(t->b, t->resp) == D6T_OK ? 0 : -1;
}

/* ---- subnet selection ---- */
static int subnet_for(const struct d6s_server *s, d6t_bundle *b, const struct d6s_rx *rx,
                      uint8_t link[16])
{
    static const uint8_t zero[16];
    memset(link, 0, 16);
    d6t_bundle_link_address(b, link);
    if (memcmp(link, zero, 16)) {
        for (size_t i = 0; i < s->cfg.nsubnets; i++)
            if (d6s_prefix_contains(s->cfg.subnets[i].prefix, s->cfg.subnets[i].plen, link))
                return (int)i;
        return -1;
    }
    if (d6t_bundle_incoming_relay_count(b) || !rx || !rx->ifname) return -1;
    for (size_t i = 0; i < s->cfg.nsubnets; i++)
        if (!strcmp(s->cfg.subnets[i].ifname, rx->ifname)) return (int)i;
    return -1;
}

/* ---- pools ---- */
static void pool_addr(const struct d6s_subnet *sn, int pd, uint64_t k, uint8_t out[16])
{
    if (!pd) {
        memcpy(out, sn->na_start, 16);
        uint64_t v = 0;
        for (int i = 8; i < 16; i++) v = v << 8 | out[i];
        v += k;
        for (int i = 15; i >= 8; i--, v >>= 8) out[i] = (uint8_t)v;
        return;
    }
    memcpy(out, sn->pd_prefix, 16);
    /* k goes into the bits between the pool length and the delegated length */
    for (unsigned bit = sn->pd_len; bit-- > sn->pd_plen && k; k >>= 1)
        if (k & 1) out[bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
}

/* Is this address/prefix free for a new lease? Expired leases are reclaimed on the way. */
static int slot_free(struct d6s_server *s, const uint8_t addr[16], uint8_t plen)
{
    int32_t i = d6s_lease_find_addr(&s->leases, addr, plen);
    if (i < 0) return 1;
    if (s->leases.v[i].valid_until <= s->now) {
        d6s_lease_delete(&s->leases, i);
        return 1;
    }
    return 0;
}

/* Pick a free address (pd = 0) or prefix from the subnet's pool. At most used + 1 candidates
 * are tried: only 'used' of them can be taken, so the loop finds a free one if there is one. */
static int pool_pick(struct d6s_server *s, struct d6s_subnet *sn, int pd, uint8_t out[16])
{
    uint64_t size = pd ? sn->pd_size : sn->na_size, *next = pd ? &sn->pd_next : &sn->na_next;
    uint64_t used = pd ? sn->pd_used : sn->na_used;
    uint64_t tries = used + 1 < size ? used + 1 : size;
    if (tries > s->leases.cap + 1ull) tries = s->leases.cap + 1ull;
    for (uint64_t k = 0; k < tries; k++) {
        uint64_t off = (*next)++ % size;
        pool_addr(sn, pd, off, out);
        if (slot_free(s, out, pd ? sn->pd_len : 128)) return 0;
    }
    /* the used counter is approximate (expiry does not know subnets): scan a bounded window */
    for (uint64_t k = 0; k < size && k < 4096; k++) {
        uint64_t off = (*next)++ % size;
        pool_addr(sn, pd, off, out);
        if (slot_free(s, out, pd ? sn->pd_len : 128)) return 0;
    }
    return -1;
}

/* Is this lease still the link's? Its subnet index must be the link's, and its address or
 * prefix must still be inside that subnet: the lease file may come from before the link was
 * renumbered (a server restart with a changed configuration). */
static int lease_fits(const struct d6s_server *s, int sni, const struct d6s_lease *e)
{
    if (sni < 0 || e->subnet != sni) return 0;
    const struct d6s_subnet *sn = &s->cfg.subnets[sni];
    if (e->type == D6T_OPT_IA_PD)
        return sn->has_pd && e->plen == sn->pd_len &&
               d6s_prefix_contains(sn->pd_prefix, sn->pd_plen, e->addr);
    return sn->has_na && e->plen == 128 && d6s_prefix_contains(sn->prefix, sn->plen, e->addr);
}

static void fill_lease_identity(struct txn *t, struct d6s_lease *e)
{
    e->duid_len = (uint8_t)t->dlen;
    memcpy(e->duid, t->duid, t->dlen);
    memcpy(e->link, t->link, 16);
    e->relay_id_len = (uint8_t)t->relay_id_len;
    if (t->relay_id_len) memcpy(e->relay_id, t->relay_id, t->relay_id_len);
    e->remote_id_len = (uint8_t)t->remote_id_len;
    if (t->remote_id_len) memcpy(e->remote_id, t->remote_id, t->remote_id_len);
}

static void set_times(struct txn *t, struct d6s_lease *e, int bind)
{
    const struct d6s_config *c = &t->s->cfg;
    /* the client-last-transaction time moves with what the lease file records: a Solicit from
     * a bound client changes nothing of its binding, so not its time either (else a restart
     * would turn the time back) */
    if (bind || e->state != D6S_BOUND) e->cltt = t->s->now;
    if (bind) {
        e->state = D6S_BOUND;
        e->pref_until = t->s->now + c->preferred;
        e->valid_until = t->s->now + c->valid;
    } else if (e->state != D6S_BOUND) {
        e->state = D6S_OFFERED;
        e->pref_until = e->valid_until = t->s->now + OFFER_HOLD;
    }
}

static void add_lease_to_ia(d6t_opt *ia, const uint8_t addr[16], uint8_t plen, uint32_t pref,
                            uint32_t valid)
{
    /* an IAADDR is always /128, whatever length the pool's entry carries */
    int pd = d6t_opt_code(ia) == D6T_OPT_IA_PD;
    d6t_opt_add_lease(ia, addr, pd ? plen : 128, pref, valid, NULL);
}

/* The IA in the response, same IAID, T1/T2 filled in (0 when the IA only carries a status;
 * an IA_TA has none). */
static d6t_opt *response_ia(struct txn *t, const d6t_opt *req_ia, int with_times)
{
    uint16_t code = d6t_opt_code(req_ia);
    uint32_t iaid = 0; /* a parsed IA has one: its layout was checked */
    d6t_opt_get_ia(req_ia, &iaid, NULL, NULL);
    int times = with_times && code != D6T_OPT_IA_TA;
    d6t_opt *ia;
    d6t_msg_add_ia(t->resp, code, iaid, times ? t->s->cfg.t1 : 0, times ? t->s->cfg.t2 : 0, &ia);
    return ia;
}

/* Addresses the client listed in its IA that are not 'keep': returned with lifetime 0 so the
 * client stops using them (RFC 9915 section 18.3.4 / 18.3.5). */
static void zero_others(const d6t_opt *req_ia, d6t_opt *ia, const uint8_t *keep, uint8_t keep_plen)
{
    int pd = d6t_opt_code(req_ia) == D6T_OPT_IA_PD;
    size_t guard = 0;
    for (d6t_opt *c = d6t_opt_first_child(req_ia); c && guard++ < 64; c = d6t_opt_next(c)) {
        uint8_t a[16], plen = 128;
        if (d6t_opt_code(c) == D6T_OPT_IAADDR && !pd) {
            if (d6t_opt_get_addr6(c, D6T_IAADDR_ADDRESS, a)) continue;
        } else if (d6t_opt_code(c) == D6T_OPT_IAPREFIX && pd) {
            if (d6t_opt_get_prefix(c, D6T_IAPREFIX_PREFIX, a, &plen)) continue;
        } else {
            continue;
        }
        if (keep && plen == keep_plen && !memcmp(a, keep, 16)) continue;
        /* what no client can hold (a multicast prefix, a link-local address: anything the
         * library's validator refuses) gets no answer; echoing it would make ours invalid */
        if (d6t_opt_validate(c, NULL, NULL, NULL) != D6T_OK) continue;
        add_lease_to_ia(ia, a, plen, 0, 0);
    }
}

static void count_unavailable(struct txn *t, int pd)
{
    pd ? t->s->cnt.no_prefix++ : t->s->cnt.no_addrs++;
}

/* Solicit / Request: offer or bind. */
static void assign_ia(struct txn *t, const d6t_opt *req_ia, uint32_t iaid, int pd)
{
    struct d6s_server *s = t->s;
    d6t_opt *ia = response_ia(t, req_ia, 1);
    if (!ia) return;
    struct d6s_subnet *sn = t->sni >= 0 ? &s->cfg.subnets[t->sni] : NULL;
    uint8_t type = pd ? D6T_OPT_IA_PD : D6T_OPT_IA_NA;
    int32_t i = d6s_lease_find_ia(&s->leases, type, t->duid, t->dlen, iaid);
    if (i >= 0 &&
        (!lease_fits(s, t->sni, &s->leases.v[i]) || s->leases.v[i].valid_until <= s->now)) {
        d6s_lease_delete(&s->leases,
                         i); /* moved to another link, link renumbered, or expired: start over */
        i = -1;
    }
    if (i < 0 && sn && (pd ? sn->has_pd : sn->has_na) &&
        d6s_lease_count_duid(&s->leases, t->duid, t->dlen) < D6S_MAX_LEASES_PER_DUID) {
        uint8_t a[16];
        if (!pool_pick(s, sn, pd, a) && (i = d6s_lease_new(&s->leases)) >= 0) {
            struct d6s_lease *e = &s->leases.v[i];
            e->type = type;
            e->iaid = iaid;
            e->plen = pd ? sn->pd_len : 128;
            e->subnet = (uint16_t)t->sni;
            memcpy(e->addr, a, 16);
            fill_lease_identity(t, e);
            set_times(t, e, t->commit);
            d6s_lease_insert(&s->leases, i);
            pd ? sn->pd_used++ : sn->na_used++;
            if (t->commit) s->cnt.leases_assigned++;
        }
    } else if (i >= 0) {
        int was_bound = s->leases.v[i].state == D6S_BOUND;
        /* a Solicit does not rewrite a binding (its link, relay and remote IDs stay what the
         * lease file holds); an offer, or a binding being committed, takes the new ones */
        if (t->commit || !was_bound) fill_lease_identity(t, &s->leases.v[i]);
        set_times(t, &s->leases.v[i], t->commit);
        if (t->commit) {
            d6s_lease_changed(&s->leases, i);
            if (!was_bound) s->cnt.leases_assigned++;
        }
    }
    if (i < 0) {
        d6t_opt_set_ia(ia, iaid, 0, 0);
        add_status(t->resp, ia, pd ? D6T_SC_NO_PREFIX_AVAIL : D6T_SC_NO_ADDRS_AVAIL,
                   pd ? "no prefixes available on this link"
                      : "no addresses available on this link");
        count_unavailable(t, pd);
        return;
    }
    const struct d6s_lease *e = &s->leases.v[i];
    add_lease_to_ia(ia, e->addr, e->plen, s->cfg.preferred, s->cfg.valid);
    if (t->mtype == D6T_MSG_REQUEST) zero_others(req_ia, ia, e->addr, e->plen);
}

static void clear_host_bits(uint8_t a[16], uint8_t plen)
{
    for (unsigned bit = plen; bit < 128; bit++) a[bit / 8] &= (uint8_t) ~(0x80u >> (bit % 8));
}

static int in_na_pool(const struct d6s_subnet *sn, const uint8_t a[16])
{
    return sn->has_na && memcmp(a, sn->na_start, 16) >= 0 && memcmp(a, sn->na_end, 16) <= 0;
}

/* Is every address/prefix the client lists in this IA inside the link's subnet? */
static int ia_on_link(struct txn *t, const d6t_opt *req_ia)
{
    if (t->sni < 0) return 0;
    const struct d6s_subnet *sn = &t->s->cfg.subnets[t->sni];
    size_t guard = 0;
    for (d6t_opt *c = d6t_opt_first_child(req_ia); c && guard++ < 64; c = d6t_opt_next(c)) {
        uint8_t a[16], plen;
        if (d6t_opt_code(c) == D6T_OPT_IAADDR && !d6t_opt_get_addr6(c, D6T_IAADDR_ADDRESS, a)) {
            if (!sn->has_na || !d6s_prefix_contains(sn->prefix, sn->plen, a)) return 0;
        } else if (d6t_opt_code(c) == D6T_OPT_IAPREFIX &&
                   !d6t_opt_get_prefix(c, D6T_IAPREFIX_PREFIX, a, &plen)) {
            if (!sn->has_pd || plen != sn->pd_len ||
                !d6s_prefix_contains(sn->pd_prefix, sn->pd_plen, a))
                return 0;
        }
    }
    return 1;
}

/* Renew / Rebind: extend a binding. */
static void extend_ia(struct txn *t, const d6t_opt *req_ia, uint32_t iaid, int pd)
{
    struct d6s_server *s = t->s;
    uint8_t type = pd ? D6T_OPT_IA_PD : D6T_OPT_IA_NA;
    /* 'found': the IA's lease in any state; 'i': only a binding still in force */
    int32_t found = d6s_lease_find_ia(&s->leases, type, t->duid, t->dlen, iaid), i = found;
    if (i >= 0 && (s->leases.v[i].state != D6S_BOUND || s->leases.v[i].valid_until <= s->now))
        i = -1;
    if (i >= 0 &&
        !lease_fits(s, t->sni,
                    &s->leases.v[i])) { /* moved, or the link renumbered: not for this link */
        d6t_opt *ia = response_ia(t, req_ia, 1);
        if (ia) zero_others(req_ia, ia, NULL, 0);
        return;
    }
    if (i < 0 && t->mtype == D6T_MSG_REBIND && ia_on_link(t, req_ia) &&
        d6t_opt_first_child(req_ia)) {
        /* RFC 9915 18.3.5: the server may recreate a binding it lost when the addresses fit */
        d6t_opt *c = d6t_opt_find_child(req_ia, pd ? D6T_OPT_IAPREFIX : D6T_OPT_IAADDR);
        uint8_t a[16], plen = 128;
        int ok = c && (pd ? d6t_opt_get_prefix(c, D6T_IAPREFIX_PREFIX, a, &plen)
                          : d6t_opt_get_addr6(c, D6T_IAADDR_ADDRESS, a)) == D6T_OK;
        /* only an address of the pool: the rest of the link is not the server's to hand out
         * (a client must not get a binding for, say, the router's address) */
        ok = ok && (pd || in_na_pool(&s->cfg.subnets[t->sni], a));
        /* a prefix is stored and looked up in its canonical form: bits after the length set
         * by the client would make the same prefix a second, distinct lease */
        if (pd) clear_host_bits(a, plen);
        /* an offer or an expired binding of this IA makes way: one lease per IA */
        if (ok && found >= 0) d6s_lease_delete(&s->leases, found);
        if (ok && slot_free(s, a, plen) && (i = d6s_lease_new(&s->leases)) >= 0) {
            struct d6s_lease *e = &s->leases.v[i];
            e->type = type, e->iaid = iaid, e->plen = plen, e->subnet = (uint16_t)t->sni;
            memcpy(e->addr, a, 16);
            fill_lease_identity(t, e);
            set_times(t, e, 1);
            d6s_lease_insert(&s->leases, i);
            s->cnt.leases_assigned++;
        }
    }
    if (i < 0) {
        d6t_opt *ia = response_ia(t, req_ia, 0);
        if (!ia) return;
        if (t->mtype == D6T_MSG_REBIND && d6t_opt_first_child(req_ia) && !ia_on_link(t, req_ia)) {
            zero_others(req_ia, ia, NULL, 0); /* not appropriate for the link: lifetimes 0 */
            return;
        }
        add_status(t->resp, ia, D6T_SC_NO_BINDING, "no binding for this IA");
        s->cnt.no_binding++;
        return;
    }
    d6t_opt *ia = response_ia(t, req_ia, 1);
    if (!ia) return;
    struct d6s_lease *e = &s->leases.v[i];
    fill_lease_identity(t, e);
    set_times(t, e, 1);
    d6s_lease_changed(&s->leases, i);
    s->cnt.leases_renewed++;
    add_lease_to_ia(ia, e->addr, e->plen, s->cfg.preferred, s->cfg.valid);
    zero_others(req_ia, ia, e->addr, e->plen);
}

/* Release / Decline. */
static void drop_ia(struct txn *t, const d6t_opt *req_ia, uint32_t iaid, int pd)
{
    struct d6s_server *s = t->s;
    int32_t i =
        d6s_lease_find_ia(&s->leases, pd ? D6T_OPT_IA_PD : D6T_OPT_IA_NA, t->duid, t->dlen, iaid);
    if (i < 0 || s->leases.v[i].state != D6S_BOUND) {
        d6t_opt *ia = response_ia(t, req_ia, 0);
        if (ia) add_status(t->resp, ia, D6T_SC_NO_BINDING, "no binding for this IA");
        s->cnt.no_binding++;
        return;
    }
    if (t->mtype == D6T_MSG_RELEASE) {
        d6s_lease_delete(&s->leases, i);
        s->cnt.leases_released++;
    } else {
        /* a declined address stays out of the pool for a valid lifetime, owned by nobody (empty
         * DUID), so the client's next Solicit for this IA gets another one */
        struct d6s_lease e = s->leases.v[i];
        d6s_lease_delete(&s->leases, i);
        int32_t j = d6s_lease_new(&s->leases);
        if (j >= 0) {
            struct d6s_lease *d = &s->leases.v[j];
            d->type = e.type, d->plen = e.plen, d->subnet = e.subnet, d->iaid = e.iaid;
            memcpy(d->addr, e.addr, 16);
            memcpy(d->link, e.link, 16);
            d->state = D6S_DECLINED;
            d->cltt = s->now;
            d->valid_until = d->pref_until = s->now + s->cfg.valid;
            d6s_lease_insert(&s->leases, j);
        }
        s->cnt.leases_declined++;
    }
}

static void refuse_ia(struct txn *t, const d6t_opt *req_ia, d6t_status_code code, const char *text)
{
    d6t_opt *ia = response_ia(t, req_ia, 0);
    if (ia) add_status(t->resp, ia, code, text);
}

static void handle_ias(struct txn *t)
{
    static const uint16_t codes[] = {D6T_OPT_IA_NA, D6T_OPT_IA_PD, D6T_OPT_IA_TA};
    /* IAIDs answered so far, per IA type: an IA repeated with the same IAID is the same IA
     * again and gets no second answer (two would make the reply invalid) */
    uint32_t ids[3][D6S_MAX_IA_ANSWERED];
    size_t nids[3] = {0, 0, 0};
    d6t_opt *ia;
    /* each call marks one IA handled, so this ends after the request's IA count */
    while ((ia = d6t_bundle_unhandled(t->b, codes, 3, 0)) != NULL) {
        d6t_bundle_mark_handled(t->b, ia);
        uint16_t code = d6t_opt_code(ia);
        int pd = code == D6T_OPT_IA_PD, ti = code == D6T_OPT_IA_NA ? 0 : pd ? 1 : 2;
        uint32_t iaid;
        if (d6t_opt_get_ia(ia, &iaid, NULL, NULL)) continue;
        size_t k = 0;
        while (k < nids[ti] && ids[ti][k] != iaid) k++;
        if (k < nids[ti] || nids[ti] == D6S_MAX_IA_ANSWERED)
            continue; /* repeated, or far too many */
        ids[ti][nids[ti]++] = iaid;
        if (code == D6T_OPT_IA_TA) {
            if (t->mtype == D6T_MSG_SOLICIT || t->mtype == D6T_MSG_REQUEST)
                refuse_ia(t, ia, D6T_SC_NO_ADDRS_AVAIL, "temporary addresses are not offered");
            continue;
        }
        if (nids[ti] > D6S_MAX_IA_PER_MSG) {
            if (t->mtype == D6T_MSG_SOLICIT || t->mtype == D6T_MSG_REQUEST) {
                refuse_ia(t, ia, pd ? D6T_SC_NO_PREFIX_AVAIL : D6T_SC_NO_ADDRS_AVAIL,
                          "too many IAs in one message");
                count_unavailable(t, pd);
            }
            continue;
        }
        switch (t->mtype) {
        case D6T_MSG_SOLICIT:
        case D6T_MSG_REQUEST: assign_ia(t, ia, iaid, pd); break;
        case D6T_MSG_RENEW:
        case D6T_MSG_REBIND: extend_ia(t, ia, iaid, pd); break;
        default: drop_ia(t, ia, iaid, pd); break;
        }
    }
}

static void handle_confirm(struct txn *t, int *send)
{
    static const uint16_t codes[] = {D6T_OPT_IA_NA, D6T_OPT_IA_TA};
    size_t naddr = 0, n = d6t_bundle_unhandled_count(t->b, codes, 2);
    int all_on = 1;
    for (size_t k = 0; k < n; k++) {
        d6t_opt *ia = d6t_bundle_unhandled(t->b, codes, 2, k);
        naddr += d6t_opt_find_child(ia, D6T_OPT_IAADDR) != NULL;
        all_on &= ia_on_link(t, ia);
    }
    /* RFC 9915 18.3.3: no addresses, or a link the server knows nothing about: no reply */
    if (!naddr || t->sni < 0) {
        *send = 0;
        return;
    }
    for (size_t k = 0; k < n; k++)
        d6t_bundle_mark_handled(t->b, d6t_bundle_unhandled(t->b, codes, 2, 0));
    if (all_on) {
        add_status(t->resp, NULL, D6T_SC_SUCCESS, "all addresses are on link");
    } else {
        add_status(t->resp, NULL, D6T_SC_NOT_ON_LINK, "some addresses are not on this link");
        t->s->cnt.not_on_link++;
    }
}

/* RFC 9915 section 16: requests without the identifiers they need, or meant for another
 * server, are discarded. */
static int acceptable(struct txn *t)
{
    d6t_opt *cid = d6t_msg_find_opt(t->req, D6T_OPT_CLIENTID),
            *sid = d6t_msg_find_opt(t->req, D6T_OPT_SERVERID);
    const uint8_t *sd = NULL;
    size_t sl = 0;
    if (sid && d6t_opt_get_bytes(sid, D6T_SERVERID_DUID, &sd, &sl)) return 0;
    int ours = sid && sl == t->s->duid_len && !memcmp(sd, t->s->duid, sl);
    if (cid) {
        /* RFC 9915 11.1: a DUID is a 2-byte type and 1 to 128 bytes: anything else is no client key */
        if (d6t_opt_get_bytes(cid, D6T_CLIENTID_DUID, &t->duid, &t->dlen) || t->dlen < 3 ||
            t->dlen > D6S_DUID_MAX)
            return 0;
    }
    switch (t->mtype) {
    case D6T_MSG_SOLICIT:
    case D6T_MSG_REBIND:
    case D6T_MSG_CONFIRM: return cid && !sid;
    case D6T_MSG_REQUEST:
    case D6T_MSG_RENEW:
    case D6T_MSG_RELEASE:
    case D6T_MSG_DECLINE: return cid && ours;
    case D6T_MSG_INFORMATION_REQUEST:
        return (!sid || ours) && !d6t_msg_find_opt(t->req, D6T_OPT_IA_NA) &&
               !d6t_msg_find_opt(t->req, D6T_OPT_IA_PD) && !d6t_msg_find_opt(t->req, D6T_OPT_IA_TA);
    default: return 0;
    }
}

/* A Relay-forward whose link or peer address is multicast is malformed (RFC 9915 9.1: the
 * link is named by a unicast address on it, the peer is where the reply goes): its Relay-reply
 * would have to echo the address and could not be valid, so the request is dropped. */
static int relays_unicast(d6t_bundle *b)
{
    for (size_t i = 0, n = d6t_bundle_incoming_relay_count(b); i < n; i++) {
        const d6t_msg *r = d6t_bundle_incoming_relay(b, i);
        uint8_t link[16], peer[16];
        d6t_msg_link_address(r, link);
        d6t_msg_peer_address(r, peer);
        if (link[0] == 0xff || peer[0] == 0xff) return 0;
    }
    return 1;
}

static void relay_identity(struct txn *t)
{
    /* Relay-ID and Remote-ID as the relay next to the client put them (RFC 5460 queries) */
    d6t_msg *r = d6t_bundle_incoming_relay_count(t->b) ? d6t_bundle_incoming_relay(t->b, 0) : NULL;
    d6t_opt *o;
    if (r && (o = d6t_msg_find_opt(r, D6T_OPT_RELAY_ID)) &&
        d6t_opt_get_bytes(o, D6T_RELAY_ID_DUID, &t->relay_id, &t->relay_id_len) == D6T_OK &&
        t->relay_id_len > D6S_DUID_MAX)
        t->relay_id_len = 0;
    if (r && (o = d6t_msg_find_opt(r, D6T_OPT_REMOTE_ID))) {
        t->remote_id = d6t_opt_data(o, &t->remote_id_len);
        if (t->remote_id_len > D6S_REMOTE_ID_MAX)
            t->remote_id_len = 0; /* too long to index: not stored */
    }
}

int d6s_handle(struct d6s_server *s, d6t_bundle *b, const struct d6s_rx *rx)
{
    struct txn t;
    memset(&t, 0, sizeof t);
    t.s = s;
    t.b = b;
    t.req = d6t_bundle_request(b);
    if (!t.req) {
        s->cnt.no_request++;
        return 0;
    }
    t.mtype = d6t_msg_type(t.req);
    if (t.mtype < sizeof s->cnt.by_type / sizeof s->cnt.by_type[0]) s->cnt.by_type[t.mtype]++;
    if (t.mtype == D6T_MSG_LEASEQUERY) return d6s_leasequery(s, b);
    if (d6t_bundle_received_over_tcp(b) || !acceptable(&t) || !relays_unicast(b)) {
        d6t_bundle_add_mark(b, "dropped");
        s->cnt.dropped++;
        return 0;
    }
    t.sni = subnet_for(s, b, rx, t.link);
    relay_identity(&t);
    int rapid = t.mtype == D6T_MSG_SOLICIT && d6t_msg_find_opt(t.req, D6T_OPT_RAPID_COMMIT) &&
                d6t_bundle_allow_rapid_commit(b);
    t.commit = t.mtype == D6T_MSG_REQUEST || rapid;
    if (new_response(&t,
                     t.mtype == D6T_MSG_SOLICIT && !rapid ? D6T_MSG_ADVERTISE : D6T_MSG_REPLY)) {
        s->cnt.dropped++;
        return 0;
    }
    if (rapid) {
        d6t_msg_add_opt(t.resp, D6T_OPT_RAPID_COMMIT);
        d6t_bundle_add_mark(b, "rapid-commit");
    }
    int send = 1;
    if (t.mtype == D6T_MSG_CONFIRM)
        handle_confirm(&t, &send);
    else if (t.mtype != D6T_MSG_INFORMATION_REQUEST)
        handle_ias(&t);
    if (!send) {
        d6t_bundle_set_response(b, NULL);
        d6t_bundle_add_mark(b, "no-answer");
        return 0;
    }
    if (t.mtype == D6T_MSG_RELEASE || t.mtype == D6T_MSG_DECLINE)
        add_status(t.resp, NULL, D6T_SC_SUCCESS,
                   t.mtype == D6T_MSG_RELEASE ? "released" : "declined");
    add_config_options(&t);
    return 1;
}

void d6s_print_counters(const struct d6s_server *s, FILE *f)
{
    const struct d6s_counters *c = &s->cnt;
    fprintf(f,
            "counters: received=%llu malformed=%llu dropped=%llu no-request=%llu sent=%llu "
            "send-errors=%llu\n",
            (unsigned long long)c->received, (unsigned long long)c->malformed,
            (unsigned long long)c->dropped, (unsigned long long)c->no_request,
            (unsigned long long)c->sent, (unsigned long long)c->send_errors);
    fprintf(f, "counters: messages");
    for (unsigned i = 1; i < sizeof c->by_type / sizeof c->by_type[0]; i++)
        if (c->by_type[i])
            fprintf(f, " %s=%llu", d6t_msg_type_name((uint8_t)i),
                    (unsigned long long)c->by_type[i]);
    fprintf(f, "\n");
    fprintf(f,
            "counters: leases active=%u assigned=%llu renewed=%llu released=%llu declined=%llu\n",
            s->leases.used, (unsigned long long)c->leases_assigned,
            (unsigned long long)c->leases_renewed, (unsigned long long)c->leases_released,
            (unsigned long long)c->leases_declined);
    fprintf(f,
            "counters: status NoAddrsAvail=%llu NoPrefixAvail=%llu NoBinding=%llu NotOnLink=%llu\n",
            (unsigned long long)c->no_addrs, (unsigned long long)c->no_prefix,
            (unsigned long long)c->no_binding, (unsigned long long)c->not_on_link);
    fprintf(f, "counters: leasequery queries=%llu client-data=%llu tcp-connections=%llu\n",
            (unsigned long long)c->lq_queries, (unsigned long long)c->lq_client_data,
            (unsigned long long)c->tcp_conns);
    /* datagrams per system call: how much the batching saves under load */
    fprintf(f,
            "counters: udp batches=%llu datagrams-per-batch=%.1f segmented-sends=%llu "
            "datagrams-per-send=%.1f\n",
            (unsigned long long)c->udp_batches,
            c->udp_batches ? (double)c->udp_datagrams / (double)c->udp_batches : 0.0,
            (unsigned long long)c->gso_sends,
            c->gso_sends ? (double)c->gso_datagrams / (double)c->gso_sends : 0.0);
    fflush(f);
}
