/* Message objects: creation, header accessors, option walking.
 * SPDX-License-Identifier: BSD-2-Clause */
#include "internal.h"

static const char *const msg_names[] = {
    NULL,
    "SOLICIT",
    "ADVERTISE",
    "REQUEST",
    "CONFIRM",
    "RENEW",
    "REBIND",
    "REPLY",
    "RELEASE",
    "DECLINE",
    "RECONFIGURE",
    "INFORMATION-REQUEST",
    "RELAY-FORW",
    "RELAY-REPL",
    "LEASEQUERY",
    "LEASEQUERY-REPLY",
    "LEASEQUERY-DONE",
    "LEASEQUERY-DATA",
    "RECONFIGURE-REQUEST",
    "RECONFIGURE-REPLY",
    "DHCPV4-QUERY",
    "DHCPV4-RESPONSE",
    "ACTIVELEASEQUERY",
    "STARTTLS",
};

const char *d6t_msg_type_name(uint8_t type)
{
    return type < sizeof msg_names / sizeof msg_names[0] ? msg_names[type] : NULL;
}

int d6t_msg_type_is_server_to_client(uint8_t type)
{
    switch (type) {
    case D6T_MSG_ADVERTISE:
    case D6T_MSG_REPLY:
    case D6T_MSG_RECONFIGURE:
    case D6T_MSG_RELAY_REPL:
    case D6T_MSG_LEASEQUERY_REPLY:
    case D6T_MSG_LEASEQUERY_DONE:
    case D6T_MSG_LEASEQUERY_DATA:
    case D6T_MSG_RECONFIGURE_REPLY:
    case D6T_MSG_DHCPV4_RESPONSE: return 1;
    default: return 0;
    }
}

/* A new message's every member (member by member: a whole-struct clear becomes a string
 * instruction here, dearer than the stores). */
static D6T__ALWAYS_INLINE void init_new(d6t_msg *m, d6t_arena *a, uint8_t type, int own)
{
    uint8_t kind = d6t__type_kind(type);
    d6t__msg_init(m, a, type, kind, 0);
    m->owns_arena = (uint8_t)own;
    if (kind == D6T_KIND_UNKNOWN) m->body = (const uint8_t *)"";
}

/* d6t_msg_new without room in the arena's current block, or without an arena: the calls. */
static D6T__NOINLINE d6t_msg *msg_new_slow(d6t_arena *a, uint8_t type)
{
    int own = 0;
    if (!a) {
        a = d6t_arena_new(NULL, 0);
        if (!a) return NULL;
        own = 1;
    }
    d6t_msg *m = d6t__alloc(a, sizeof *m);
    if (!m) {
        if (own) d6t_arena_free(a);
        return NULL;
    }
    init_new(m, a, type, own);
    return m;
}

d6t_msg *d6t_msg_new(d6t_arena *a, uint8_t type)
{
    d6t_msg *m = a ? d6t__alloc_quick(a, sizeof *m) : NULL;
    if (!m) return msg_new_slow(a, type);
    init_new(m, a, type, 0);
    return m;
}

void d6t_msg_free(d6t_msg *m)
{
    if (m && m->owns_arena) d6t_arena_free(m->arena);
}

d6t_arena *d6t_msg_arena(const d6t_msg *m)
{
    return m ? m->arena : NULL;
}
uint8_t d6t_msg_type(const d6t_msg *m)
{
    return m ? m->type : 0;
}
d6t_msg_kind d6t_msg_kind_of(const d6t_msg *m)
{
    return m ? (d6t_msg_kind)m->kind : D6T_KIND_UNKNOWN;
}

uint32_t d6t_msg_transaction_id(const d6t_msg *m)
{
    return m ? m->txid : 0;
}

d6t_status d6t_msg_set_transaction_id(d6t_msg *m, uint32_t txid)
{
    if (!m || txid > 0xffffff) return D6T_ERR_INVALID_ARG;
    if (m->kind != D6T_KIND_CLIENT_SERVER) return D6T_ERR_WRONG_KIND;
    m->txid = txid;
    return D6T_OK;
}

uint8_t d6t_msg_hop_count(const d6t_msg *m)
{
    return m ? m->hop_count : 0;
}

d6t_status d6t_msg_set_hop_count(d6t_msg *m, uint8_t hops)
{
    if (!m) return D6T_ERR_INVALID_ARG;
    if (m->kind != D6T_KIND_RELAY) return D6T_ERR_WRONG_KIND;
    m->hop_count = hops;
    return D6T_OK;
}

static d6t_status get_addr(const d6t_msg *m, const uint8_t *src, uint8_t out[16])
{
    if (!m || !out) return D6T_ERR_INVALID_ARG;
    if (m->kind != D6T_KIND_RELAY) return D6T_ERR_WRONG_KIND;
    memcpy(out, src, 16);
    return D6T_OK;
}

d6t_status d6t_msg_link_address(const d6t_msg *m, uint8_t out[16])
{
    return get_addr(m, m ? m->link : NULL, out);
}
d6t_status d6t_msg_peer_address(const d6t_msg *m, uint8_t out[16])
{
    return get_addr(m, m ? m->peer : NULL, out);
}

static d6t_status set_addr(d6t_msg *m, uint8_t *dst, const uint8_t addr[16])
{
    if (!m || !addr) return D6T_ERR_INVALID_ARG;
    if (m->kind != D6T_KIND_RELAY) return D6T_ERR_WRONG_KIND;
    memcpy(dst, addr, 16);
    return D6T_OK;
}

d6t_status d6t_msg_set_link_address(d6t_msg *m, const uint8_t addr[16])
{
    return set_addr(m, m ? m->link : NULL, addr);
}
d6t_status d6t_msg_set_peer_address(d6t_msg *m, const uint8_t addr[16])
{
    return set_addr(m, m ? m->peer : NULL, addr);
}

const uint8_t *d6t_msg_body(const d6t_msg *m, size_t *len)
{
    if (!m || m->kind != D6T_KIND_UNKNOWN) {
        if (len) *len = 0;
        return NULL;
    }
    if (len) *len = m->body_len;
    return m->body;
}

d6t_status d6t_msg_set_body(d6t_msg *m, const uint8_t *body, size_t len)
{
    if (!m || (!body && len)) return D6T_ERR_INVALID_ARG;
    if (m->kind != D6T_KIND_UNKNOWN) return D6T_ERR_WRONG_KIND;
    uint8_t *cp = d6t__alloc(m->arena, len ? len : 1);
    if (!cp) return D6T_ERR_NOMEM;
    if (len) memcpy(cp, body, len);
    m->body = cp;
    m->body_len = len;
    return D6T_OK;
}

d6t_msg *d6t_msg_relayed(const d6t_msg *m)
{
    if (!m || m->kind != D6T_KIND_RELAY) return NULL;
    d6t_opt *o = d6t_msg_find_opt(m, D6T_OPT_RELAY_MSG);
    return o ? o->msg : NULL;
}

/* ---- walking ---- */
d6t_opt *d6t_msg_first_opt(const d6t_msg *m)
{
    return m ? m->opts.first : NULL;
}
d6t_opt *d6t_opt_next(const d6t_opt *o)
{
    return o ? o->next : NULL;
}
d6t_opt *d6t_opt_first_child(const d6t_opt *o)
{
    return o ? o->kids.first : NULL;
}
size_t d6t_msg_opt_count(const d6t_msg *m)
{
    return m ? m->opts.count : 0;
}
size_t d6t_opt_child_count(const d6t_opt *o)
{
    return o ? o->kids.count : 0;
}

static d6t_opt *find_from(d6t_opt *o, uint16_t code)
{
    for (; o; o = o->next)
        if (D6T__UNLIKELY(o->code == code)) return o;
    return NULL;
}

d6t_opt *d6t_msg_find_opt(const d6t_msg *m, uint16_t code)
{
    return m ? find_from(m->opts.first, code) : NULL;
}
d6t_opt *d6t_opt_find_child(const d6t_opt *o, uint16_t code)
{
    return o ? find_from(o->kids.first, code) : NULL;
}
d6t_opt *d6t_opt_next_same(const d6t_opt *o)
{
    return o ? find_from(o->next, o->code) : NULL;
}

uint16_t d6t_opt_code(const d6t_opt *o)
{
    return o ? o->code : 0;
}
d6t_space d6t_opt_space(const d6t_opt *o)
{
    return o ? (d6t_space)o->space : D6T_SPACE_DHCPV6;
}
const char *d6t_opt_name(const d6t_opt *o)
{
    return o && o->def ? o->def->name : NULL;
}
int d6t_opt_is_known(const d6t_opt *o)
{
    return o && o->def;
}
d6t_msg *d6t_opt_msg(const d6t_opt *o)
{
    return o ? o->msg : NULL;
}

const uint8_t *d6t_opt_data(const d6t_opt *o, size_t *len)
{
    if (len) *len = o ? o->len : 0;
    return o ? o->data : NULL;
}
