/* dhcp6txn-server: leasequery. RFC 5007 over UDP (by address, by client id) and RFC 5460 bulk
 * leasequery over TCP (also by relay id, link address and remote id). A bulk answer is produced
 * one client at a time by the bundle's response generator, with a cursor over the lease table,
 * so its memory does not depend on the number of leases.
 * SPDX-License-Identifier: BSD-2-Clause */
#include "server.h"

#include <stdlib.h>
#include <string.h>

struct lq {
    struct d6s_server *s;
    uint8_t qtype; /* a d6t_query_type */
    uint8_t link[16];
    int has_link;
    uint8_t key[D6S_DUID_MAX];
    size_t klen;
    uint8_t addr[16];
    uint32_t cursor; /* next lease slot to look at */
    int done;
};

static const uint8_t zero16[16];

static int lease_matches(const struct lq *q, const struct d6s_lease *e)
{
    if (!e->type || e->state != D6S_BOUND || e->valid_until <= q->s->now) return 0;
    if (q->has_link && q->qtype != D6T_QUERY_BY_LINK_ADDRESS) {
        if (e->subnet >= q->s->cfg.nsubnets) return 0;
        const struct d6s_subnet *sn = &q->s->cfg.subnets[e->subnet];
        if (!d6s_prefix_contains(sn->prefix, sn->plen, q->link) && memcmp(e->link, q->link, 16))
            return 0;
    }
    switch (q->qtype) {
    case D6T_QUERY_BY_ADDRESS:
        return e->plen == 128 ? !memcmp(e->addr, q->addr, 16)
                              : d6s_prefix_contains(e->addr, e->plen, q->addr);
    case D6T_QUERY_BY_CLIENTID: return e->duid_len == q->klen && !memcmp(e->duid, q->key, q->klen);
    case D6T_QUERY_BY_RELAY_ID:
        return e->relay_id_len == q->klen && !memcmp(e->relay_id, q->key, q->klen);
    case D6T_QUERY_BY_REMOTE_ID:
        return e->remote_id_len == q->klen && !memcmp(e->remote_id, q->key, q->klen);
    case D6T_QUERY_BY_LINK_ADDRESS: {
        if (e->subnet >= q->s->cfg.nsubnets) return 0;
        const struct d6s_subnet *sn = &q->s->cfg.subnets[e->subnet];
        return d6s_prefix_contains(sn->prefix, sn->plen, q->link) || !memcmp(e->link, q->link, 16);
    }
    default: return 0;
    }
}

/* The client's other leases matter too for address and client-id queries (all its bindings). */
static int group_member(const struct lq *q, const struct d6s_lease *first,
                        const struct d6s_lease *e)
{
    if (e->duid_len != first->duid_len || memcmp(e->duid, first->duid, e->duid_len)) return 0;
    if (q->qtype == D6T_QUERY_BY_ADDRESS || q->qtype == D6T_QUERY_BY_CLIENTID)
        return e->type && e->state == D6S_BOUND && e->valid_until > q->s->now;
    return lease_matches(q, e);
}

/* Next lease slot that starts a client's group (no matching lease of the same client sits in a
 * lower slot), or -1. One pass over the table at most. */
static int32_t next_group(struct lq *q)
{
    const struct d6s_leases *l = &q->s->leases;
    while (q->cursor < l->cap) {
        uint32_t i = q->cursor++;
        const struct d6s_lease *e = &l->v[i];
        if (!lease_matches(q, e) || !e->duid_len) continue;
        int first = 1;
        uint32_t steps = 0;
        for (int32_t j = l->h_duid[d6s_hash(e->duid, e->duid_len) & l->hmask];
             j >= 0 && steps++ < l->cap; j = l->v[j].next_duid)
            if ((uint32_t)j < i && lease_matches(q, &l->v[j]) && group_member(q, e, &l->v[j]))
                first = 0;
        if (first) return (int32_t)i;
    }
    return -1;
}

static void add_client_data(struct lq *q, d6t_msg *m, int32_t first)
{
    const struct d6s_leases *l = &q->s->leases;
    const struct d6s_lease *f = &l->v[first];
    int64_t now = q->s->now;
    d6t_opt *cd = d6t_msg_add_opt(m, D6T_OPT_CLIENT_DATA);
    if (!cd) return;
    d6t_opt *cid = d6t_opt_add_child(cd, D6T_OPT_CLIENTID);
    if (cid) d6t_opt_set_bytes(cid, D6T_CLIENTID_DUID, f->duid, f->duid_len);
    uint32_t steps = 0;
    int64_t cltt = f->cltt;
    for (int32_t j = l->h_duid[d6s_hash(f->duid, f->duid_len) & l->hmask];
         j >= 0 && steps++ < l->cap; j = l->v[j].next_duid) {
        const struct d6s_lease *e = &l->v[j];
        if (!group_member(q, f, e)) continue;
        uint32_t pref = e->pref_until > now ? (uint32_t)(e->pref_until - now) : 0;
        uint32_t valid = e->valid_until > now ? (uint32_t)(e->valid_until - now) : 0;
        if (e->type == D6T_OPT_IA_PD) {
            d6t_opt *o = d6t_opt_add_child(cd, D6T_OPT_IAPREFIX);
            if (!o) continue;
            d6t_opt_set_prefix(o, D6T_IAPREFIX_PREFIX, e->addr, e->plen);
            d6t_opt_set_u32(o, D6T_IAPREFIX_PREFERRED_LIFETIME, pref);
            d6t_opt_set_u32(o, D6T_IAPREFIX_VALID_LIFETIME, valid);
        } else {
            d6t_opt *o = d6t_opt_add_child(cd, D6T_OPT_IAADDR);
            if (!o) continue;
            d6t_opt_set_addr6(o, D6T_IAADDR_ADDRESS, e->addr);
            d6t_opt_set_u32(o, D6T_IAADDR_PREFERRED_LIFETIME, pref);
            d6t_opt_set_u32(o, D6T_IAADDR_VALID_LIFETIME, valid);
        }
        if (e->cltt > cltt) cltt = e->cltt;
    }
    d6t_opt *clt = d6t_opt_add_child(cd, D6T_OPT_CLT_TIME);
    if (clt) d6t_opt_set_u32(clt, D6T_CLT_TIME_CLT_TIME, now > cltt ? (uint32_t)(now - cltt) : 0);
    q->s->cnt.lq_client_data++;
}

static d6t_status generate(void *ctx, d6t_bundle *b, d6t_arena *scratch, d6t_msg **out)
{
    struct lq *q = ctx;
    *out = NULL;
    if (q->done) return D6T_OK;
    int32_t i = next_group(q);
    d6t_msg *m = d6t_msg_new(scratch, i >= 0 ? D6T_MSG_LEASEQUERY_DATA : D6T_MSG_LEASEQUERY_DONE);
    if (!m) return D6T_ERR_NOMEM;
    d6t_msg_set_transaction_id(m, d6t_msg_transaction_id(d6t_bundle_request(b)));
    if (i >= 0)
        add_client_data(q, m, i);
    else
        q->done = 1;
    *out = m;
    return D6T_OK;
}

static int parse_query(struct lq *q, const d6t_opt *query, d6t_status_code *status,
                       const char **why)
{
    uint8_t qt;
    *status = D6T_SC_MALFORMED_QUERY;
    if (d6t_opt_get_u8(query, D6T_LQ_QUERY_QUERY_TYPE, &qt) ||
        d6t_opt_get_addr6(query, D6T_LQ_QUERY_LINK_ADDRESS, q->link))
        return *why = "unreadable OPTION_LQ_QUERY", -1;
    q->qtype = qt;
    q->has_link = memcmp(q->link, zero16, 16) != 0;
    d6t_opt *o;
    const uint8_t *p;
    size_t n;
    switch (qt) {
    case D6T_QUERY_BY_ADDRESS:
        if (!(o = d6t_opt_find_child(query, D6T_OPT_IAADDR)) ||
            d6t_opt_get_addr6(o, D6T_IAADDR_ADDRESS, q->addr))
            return *why = "query by address without OPTION_IAADDR", -1;
        return 0;
    case D6T_QUERY_BY_CLIENTID:
    case D6T_QUERY_BY_RELAY_ID:
    case D6T_QUERY_BY_REMOTE_ID: {
        uint16_t code = qt == D6T_QUERY_BY_CLIENTID   ? D6T_OPT_CLIENTID
                        : qt == D6T_QUERY_BY_RELAY_ID ? D6T_OPT_RELAY_ID
                                                      : D6T_OPT_REMOTE_ID;
        if (!(o = d6t_opt_find_child(query, code)))
            return *why = "query without its identifier option", -1;
        p = d6t_opt_data(o, &n);
        if (!n || n > sizeof q->key) return *why = "identifier empty or too long", -1;
        memcpy(q->key, p, n);
        q->klen = n;
        return 0;
    }
    case D6T_QUERY_BY_LINK_ADDRESS:
        if (!q->has_link) return *why = "query by link address with link-address ::", -1;
        return 0;
    default: *status = D6T_SC_UNKNOWN_QUERY_TYPE; return *why = "unknown query type", -1;
    }
}

int d6s_leasequery(struct d6s_server *s, d6t_bundle *b)
{
    d6t_msg *req = d6t_bundle_request(b);
    d6t_opt *cid = d6t_msg_find_opt(req, D6T_OPT_CLIENTID),
            *query = d6t_msg_find_opt(req, D6T_OPT_LQ_QUERY);
    int tcp = d6t_bundle_received_over_tcp(b);
    if (!s->cfg.leasequery || !cid || d6t_msg_find_opt(req, D6T_OPT_SERVERID)) {
        d6t_bundle_add_mark(b, "dropped");
        s->cnt.dropped++;
        return 0;
    }
    s->cnt.lq_queries++;
    d6t_msg *r = d6t_msg_new(d6t_bundle_arena(b), D6T_MSG_LEASEQUERY_REPLY);
    if (!r) return 0;
    d6t_msg_set_transaction_id(r, d6t_msg_transaction_id(req));
    d6t_msg_add_opt_copy(r, cid);
    d6t_opt *sid = d6t_msg_add_opt(r, D6T_OPT_SERVERID);
    if (sid) d6t_opt_set_bytes(sid, D6T_SERVERID_DUID, s->duid, s->duid_len);
    d6t_bundle_set_response(b, r);

    struct lq *q = calloc(1, sizeof *q);
    if (!q) return 0;
    q->s = s;
    d6t_status_code status = D6T_SC_SUCCESS;
    const char *why = NULL;
    int bad = !query ? (why = "no OPTION_LQ_QUERY", status = D6T_SC_MALFORMED_QUERY, 1)
                     : parse_query(q, query, &status, &why) != 0;
    if (!bad && !tcp && q->qtype > D6T_QUERY_BY_CLIENTID)
        bad = 1, status = D6T_SC_NOT_ALLOWED, why = "this query type needs TCP (RFC 5460)";
    if (bad) {
        d6t_opt *st = d6t_msg_add_opt(r, D6T_OPT_STATUS_CODE);
        if (st) d6t_opt_set_status(st, (uint16_t)status, why);
        d6t_bundle_add_mark(b, "lq-refused");
        free(q);
        if (tcp) { /* RFC 5460: a refused bulk query still ends with LEASEQUERY-DONE */
            struct lq *d = calloc(1, sizeof *d);
            if (d) {
                d->s = s;
                d->cursor = s->leases.cap;
                d6t_bundle_set_response_generator(b, generate, d, free);
            }
        }
        return 1;
    }
    int32_t first = next_group(q);
    if (first >= 0) add_client_data(q, r, first);
    if (!tcp) {
        /* RFC 5007: no binding is a reply without OPTION_CLIENT_DATA */
        free(q);
        return 1;
    }
    if (q->qtype == D6T_QUERY_BY_ADDRESS || q->qtype == D6T_QUERY_BY_CLIENTID)
        q->cursor = s->leases.cap; /* one client at most */
    if (d6t_bundle_set_response_generator(b, generate, q, free) != D6T_OK) free(q);
    d6t_bundle_add_mark(b, "bulk");
    return 1;
}
