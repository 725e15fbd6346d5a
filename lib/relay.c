/* Relay agents: configuration, Relay-forward construction (RFC 9915 section 19.1, RFC 6221 LDRA)
 * and Relay-reply delivery (RFC 9915 section 19.2) with the leases the reply carries.
 * SPDX-License-Identifier: BSD-2-Clause */
#include "internal.h"

#define RELAY_HDR   34u  /* type, hop count, link-address, peer-address */
#define MAX_DUID    130u /* RFC 9915 section 11.1: a DUID is at most 128 bytes plus its type */
#define MAX_IFOPTS  5u   /* Interface-ID, Remote-ID, Subscriber-ID, Echo Request, RSOO */
#define MAX_OPT_LEN 65535u

struct relay_iface {
    uint32_t handle;
    unsigned flags;
    uint8_t link[16];
    const d6t_opt *ifid; /* also in opts[]; what a Relay-reply is matched by */
    const d6t_opt *opts[MAX_IFOPTS];
    size_t nopts;
    size_t opts_size; /* their bytes on the wire, headers included */
};

struct d6t_relay {
    d6t_arena *arena;
    int owns_arena;
    struct relay_iface *ifs;
    size_t nifs, cap;
    const d6t_opt *relay_id;
    uint16_t source_port;
    uint8_t hop_limit;
};

struct d6t_relay_delivery {
    uint32_t iface;
    uint16_t port;
    uint8_t addr[16];
    d6t_msg *outer, *inner;
    const uint8_t *bytes;
    size_t len;
    d6t_relay_lease *leases;
    size_t nleases;
};

#define KNOWN_IFACE_FLAGS \
    (D6T_RELAY_IFACE_CLIENT_LLADDR | D6T_RELAY_IFACE_LDRA | D6T_RELAY_IFACE_TRUSTED)

/* A caller's sized struct as this library knows it (as bundle.c reads d6t_bundle_opts): fields
 * past the caller's 'size' keep their defaults, and anything set past the fields known here
 * cannot be honoured. */
static d6t_status read_sized(const void *in, size_t in_size, void *o, size_t o_size)
{
    if (in_size < sizeof(size_t)) return D6T_ERR_INVALID_ARG;
    size_t n = in_size < o_size ? in_size : o_size;
    memcpy(o, in, n);
    *(size_t *)o = o_size;
    for (const uint8_t *p = (const uint8_t *)in + n; p < (const uint8_t *)in + in_size; p++)
        if (*p) return D6T_ERR_UNSUPPORTED;
    return D6T_OK;
}

static d6t_status fail(d6t_parse_error *err, d6t_status st, size_t off, const char *why)
{
    if (err) {
        err->status = st;
        err->offset = off;
        err->reason = why;
    }
    return st;
}

/* ---- configuration ---- */

d6t_status d6t_relay_new(d6t_arena *a, const d6t_relay_opts *opts, d6t_relay **out)
{
    static const d6t_relay_opts defaults = D6T_RELAY_OPTS_INIT;
    d6t_relay_opts o = defaults;
    if (!out) return D6T_ERR_INVALID_ARG;
    *out = NULL;
    d6t_status st = opts ? read_sized(opts, opts->size, &o, sizeof o) : D6T_OK;
    if (st) return st;
    if (o.relay_id && (o.relay_id_len == 0 || o.relay_id_len > MAX_DUID))
        return D6T_ERR_INVALID_ARG;
    int own = !a;
    if (own && !(a = d6t_arena_new(NULL, 0))) return D6T_ERR_NOMEM;
    struct d6t__arena_mark mark = d6t__arena_mark(a);
    d6t_relay *r = d6t__alloc(a, sizeof *r);
    d6t_opt *rid = NULL;
    if (r && o.relay_id) {
        rid = d6t_opt_new(a, D6T_SPACE_DHCPV6, D6T_OPT_RELAY_ID);
        if (rid && d6t_opt_set_bytes(rid, D6T_RELAY_ID_DUID, o.relay_id, o.relay_id_len))
            rid = NULL;
    }
    if (!r || (o.relay_id && !rid)) {
        if (own)
            d6t_arena_free(a);
        else
            d6t__arena_rollback(a, &mark);
        return D6T_ERR_NOMEM;
    }
    memset(r, 0, sizeof *r);
    r->arena = a;
    r->owns_arena = own;
    r->relay_id = rid;
    r->source_port = o.source_port ? o.source_port : D6T_RELAY_SERVER_PORT;
    r->hop_limit = o.hop_count_limit ? o.hop_count_limit : D6T_RELAY_HOP_COUNT_LIMIT;
    *out = r;
    return D6T_OK;
}

void d6t_relay_free(d6t_relay *r)
{
    if (r && r->owns_arena) d6t_arena_free(r->arena);
}

size_t d6t_relay_iface_count(const d6t_relay *r)
{
    return r ? r->nifs : 0;
}

static const struct relay_iface *find_handle(const d6t_relay *r, uint32_t handle)
{
    for (size_t i = 0; i < r->nifs; i++)
        if (r->ifs[i].handle == handle) return &r->ifs[i];
    return NULL;
}

static int same_bytes(const d6t_opt *o, const uint8_t *data, size_t len)
{
    return o->len == len && (len == 0 || memcmp(o->data, data, len) == 0);
}

static const struct relay_iface *find_ifid(const d6t_relay *r, const uint8_t *data, size_t len)
{
    for (size_t i = 0; i < r->nifs; i++)
        if (r->ifs[i].ifid && same_bytes(r->ifs[i].ifid, data, len)) return &r->ifs[i];
    return NULL;
}

/* A configured byte string: absent (NULL), or 1..max bytes. */
static int bad_bytes(const void *p, size_t len, size_t max)
{
    return p && (len == 0 || len > max);
}

/* The interface's configuration checked as RFC 9915 section 19.1.1 and RFC 6221 want it; the
 * reason for the first thing that is wrong, or NULL. */
static const char *check_iface(const d6t_relay *r, const d6t_relay_iface_opts *io)
{
    static const uint8_t zero[16];
    const uint8_t *link = io->link_address ? io->link_address : zero;
    if (io->flags & ~KNOWN_IFACE_FLAGS) return "unknown interface flags";
    if (find_handle(r, io->iface)) return "another interface has this handle";
    if (bad_bytes(io->interface_id, io->interface_id_len, MAX_OPT_LEN))
        return "Interface-ID of 0 or more than 65535 bytes";
    if (bad_bytes(io->remote_id, io->remote_id_len, MAX_OPT_LEN - 4))
        return "Remote-ID of 0 or more than 65531 bytes";
    if (bad_bytes(io->subscriber_id, io->subscriber_id_len, MAX_OPT_LEN))
        return "Subscriber-ID of 0 or more than 65535 bytes";
    if (bad_bytes(io->echo_request, io->echo_request_count, MAX_OPT_LEN / 2))
        return "Echo Request of 0 or more than 32767 option codes";
    if (bad_bytes(io->rsoo, io->rsoo_len, MAX_OPT_LEN)) return "RSOO of 0 or more than 65535 bytes";
    if (io->interface_id && find_ifid(r, io->interface_id, io->interface_id_len))
        return "another interface has this Interface-ID";
    if (d6t__addr_link_local(link) || d6t__addr_multicast(link) || d6t__addr_loopback(link))
        return "link-address is link-local, multicast or loopback, not an address of the link";
    int unspec = d6t__addr_unspecified(link);
    if ((io->flags & D6T_RELAY_IFACE_LDRA) && !unspec)
        return "an LDRA sends the unspecified link-address (RFC 6221)";
    if (unspec && !io->interface_id)
        return "no link-address and no Interface-ID: replies could not find the interface";
    if ((io->flags & D6T_RELAY_IFACE_TRUSTED) && !(io->flags & D6T_RELAY_IFACE_LDRA))
        return "only LDRA interfaces are trusted or not";
    /* RFC 9915 section 19.1.1: when the link-address cannot name the interface to a reply, the
     * Interface-ID must; a link-address two interfaces share names neither of them */
    for (size_t i = 0; !unspec && i < r->nifs; i++)
        if (!(r->ifs[i].flags & D6T_RELAY_IFACE_LDRA) && !memcmp(r->ifs[i].link, link, 16) &&
            (!io->interface_id || !r->ifs[i].ifid))
            return "another interface has this link-address, and one of the two no Interface-ID";
    return NULL;
}

/* The options this interface adds, built once into the relay's arena and shared (not copied
 * byte for byte) into every Relay-forward. */
static d6t_status build_iface_opts(d6t_relay *r, const d6t_relay_iface_opts *io,
                                   struct relay_iface *f, d6t_parse_error *err)
{
    d6t_arena *a = r->arena;
    d6t_opt *o;
    d6t_status st = D6T_OK;
    if (io->interface_id) {
        if (!(o = d6t_opt_new(a, D6T_SPACE_DHCPV6, D6T_OPT_INTERFACE_ID))) return D6T_ERR_NOMEM;
        st = d6t_opt_set_bytes(o, D6T_INTERFACE_ID_INTERFACE_ID, io->interface_id,
                               io->interface_id_len);
        f->ifid = f->opts[f->nopts++] = o;
    }
    if (!st && io->remote_id) {
        if (!(o = d6t_opt_new(a, D6T_SPACE_DHCPV6, D6T_OPT_REMOTE_ID))) return D6T_ERR_NOMEM;
        st = d6t_opt_set_u32(o, D6T_REMOTE_ID_ENTERPRISE_NUMBER, io->remote_id_enterprise);
        if (!st)
            st = d6t_opt_set_bytes(o, D6T_REMOTE_ID_REMOTE_ID, io->remote_id, io->remote_id_len);
        f->opts[f->nopts++] = o;
    }
    if (!st && io->subscriber_id) {
        if (!(o = d6t_opt_new(a, D6T_SPACE_DHCPV6, D6T_OPT_SUBSCRIBER_ID))) return D6T_ERR_NOMEM;
        st = d6t_opt_set_bytes(o, D6T_SUBSCRIBER_ID_SUBSCRIBER_ID, io->subscriber_id,
                               io->subscriber_id_len);
        f->opts[f->nopts++] = o;
    }
    if (!st && io->echo_request) {
        if (!(o = d6t_opt_new(a, D6T_SPACE_DHCPV6, D6T_OPT_ERO))) return D6T_ERR_NOMEM;
        for (size_t i = 0; !st && i < io->echo_request_count; i++)
            st = d6t_opt_list_add_u16(o, D6T_ERO_REQUESTED_OPTIONS, io->echo_request[i]);
        f->opts[f->nopts++] = o;
    }
    if (!st && io->rsoo) {
        /* parsed like received data, so malformed sub-options are refused with their offset */
        uint8_t *w = d6t__alloc(a, io->rsoo_len + 4);
        if (!w) return D6T_ERR_NOMEM;
        d6t__put16(w, D6T_OPT_RSOO);
        d6t__put16(w + 2, (uint16_t)io->rsoo_len);
        memcpy(w + 4, io->rsoo, io->rsoo_len);
        st = d6t_opt_parse(a, D6T_SPACE_DHCPV6, w, io->rsoo_len + 4, 0, &o, err);
        if (st) {
            if (err) err->offset = err->offset >= 4 ? err->offset - 4 : 0;
            return st;
        }
        f->opts[f->nopts++] = o;
    }
    if (st) return fail(err, st, 0, "option could not be built");
    for (size_t i = 0; i < f->nopts; i++) f->opts_size += d6t_opt_wire_size(f->opts[i]);
    return D6T_OK;
}

static d6t_status grow(d6t_relay *r)
{
    if (r->nifs < r->cap) return D6T_OK;
    size_t cap = r->cap ? 2 * r->cap : 4;
    struct relay_iface *n = d6t__alloc(r->arena, cap * sizeof *n);
    if (!n) return D6T_ERR_NOMEM;
    if (r->nifs) memcpy(n, r->ifs, r->nifs * sizeof *n);
    r->ifs = n;
    r->cap = cap;
    return D6T_OK;
}

d6t_status d6t_relay_add_iface(d6t_relay *r, const d6t_relay_iface_opts *in, d6t_parse_error *err)
{
    static const d6t_relay_iface_opts defaults = D6T_RELAY_IFACE_OPTS_INIT;
    d6t_relay_iface_opts io = defaults;
    if (err) fail(err, D6T_OK, 0, NULL);
    if (!r || !in) return fail(err, D6T_ERR_INVALID_ARG, 0, "NULL argument");
    d6t_status st = read_sized(in, in->size, &io, sizeof io);
    if (st) return fail(err, st, 0, "interface options of another size with unknown fields set");
    const char *why = check_iface(r, &io);
    if (why)
        return fail(err, io.flags & ~KNOWN_IFACE_FLAGS ? D6T_ERR_UNSUPPORTED : D6T_ERR_INVALID_ARG,
                    0, why);
    struct d6t__arena_mark mark = d6t__arena_mark(r->arena);
    struct relay_iface f;
    memset(&f, 0, sizeof f);
    f.handle = io.iface;
    f.flags = io.flags;
    if (io.link_address) memcpy(f.link, io.link_address, 16);
    st = build_iface_opts(r, &io, &f, err);
    if (!st) st = grow(r);
    if (st) {
        d6t__arena_rollback(r->arena, &mark);
        return st == D6T_ERR_NOMEM ? fail(err, st, 0, "arena allocation failed") : st;
    }
    r->ifs[r->nifs++] = f;
    return D6T_OK;
}

/* ---- forward ---- */

static d6t_status add_shared(d6t_msg *m, const d6t_opt *o)
{
    d6t_opt *c;
    d6t_status st = d6t_opt_copy(m->arena, o, D6T_COPY_SHARE, &c);
    if (!st) d6t__list_append(&m->opts, c);
    return st;
}

/* Why a received message is not relayed upstream (NULL: it is), RFC 9915 section 19 and
 * RFC 6221: a client message or one of an unknown type is, a Relay-forward is
 * below the hop count limit, nothing a server sends is. */
static const char *not_relayed(const d6t_relay *r, const struct relay_iface *f, const d6t_msg *m,
                               d6t_status *st)
{
    *st = D6T_ERR_WRONG_KIND;
    if (m->type == D6T_MSG_RELAY_REPL) return "Relay-reply received from the client side";
    if (m->type == D6T_MSG_RELAY_FORW) {
        if ((f->flags & D6T_RELAY_IFACE_LDRA) && !(f->flags & D6T_RELAY_IFACE_TRUSTED))
            return "Relay-forward on an untrusted LDRA interface (RFC 6221)";
        *st = D6T_ERR_RELAY_DEPTH;
        if (m->hop_count >= r->hop_limit) return "hop count reached HOP_COUNT_LIMIT";
        return NULL;
    }
    if (d6t_msg_type_is_server_to_client(m->type))
        return "a server message (Advertise, Reply, ...) received from the client side";
    return NULL;
}

/* RFC 8357: the option goes in when this relay does not send from 547 (so the server answers
 * to its port), or to remember a downstream relay's port other than 547 for the reply. */
static d6t_status add_source_port(const d6t_relay *r, const d6t_relay_rx *rx, d6t_msg *fwd,
                                  int relayed, size_t *size)
{
    uint16_t down = relayed && rx->src_port != D6T_RELAY_SERVER_PORT ? rx->src_port : 0;
    if (r->source_port == D6T_RELAY_SERVER_PORT && !down) return D6T_OK;
    d6t_opt *o = d6t_msg_add_opt(fwd, D6T_OPT_RELAY_SOURCE_PORT);
    if (!o) return D6T_ERR_NOMEM;
    *size += 6;
    return d6t_opt_set_u16(o, D6T_RELAY_SOURCE_PORT_PORT, down);
}

/* RFC 6939: only the first relay knows the client's link-layer address. */
static d6t_status add_lladdr(const d6t_relay_rx *rx, d6t_msg *fwd, size_t *size)
{
    if (!rx->lladdr || !rx->lladdr_len || rx->lladdr_len > 255) return D6T_OK;
    d6t_opt *o = d6t_msg_add_opt(fwd, D6T_OPT_CLIENT_LINKLAYER_ADDR);
    if (!o) return D6T_ERR_NOMEM;
    *size += 4 + 2 + rx->lladdr_len;
    d6t_status st = d6t_opt_set_u16(o, D6T_CLIENT_LINKLAYER_ADDR_LINK_LAYER_TYPE, rx->lladdr_type);
    if (st) return st;
    return d6t_opt_set_bytes(o, D6T_CLIENT_LINKLAYER_ADDR_LINK_LAYER_ADDRESS, rx->lladdr,
                             rx->lladdr_len);
}

/* RFC 9915 section 19.1.2: a Relay-forward from a downstream relay whose source address is
 * global or unique-local gets link-address 0 (the reply reaches that relay by its address), as
 * long as the interface's Interface-ID still names the interface to the reply; without one the
 * link-address is what finds it (RFC 9915 section 19.1.1), so it stays. */
static int link_address_zero(const struct relay_iface *f, const uint8_t src[16])
{
    return f->ifid && !d6t__addr_unspecified(src) && !d6t__addr_link_local(src) &&
           !d6t__addr_multicast(src) && !d6t__addr_loopback(src);
}

/* Everything around the received message, in a fixed order: the interface's options, the
 * client's link-layer address, Relay-ID, Relay Source Port, and the Relay Message last. */
static d6t_status build_forward(const d6t_relay *r, const struct relay_iface *f,
                                const d6t_relay_rx *rx, d6t_msg *inner, size_t len, d6t_msg *fwd)
{
    int relayed = inner->type == D6T_MSG_RELAY_FORW;
    size_t size = RELAY_HDR + f->opts_size + 4 + len;
    d6t_status st = D6T_OK;
    fwd->hop_count = relayed ? (uint8_t)(inner->hop_count + 1) : 0;
    if (relayed && link_address_zero(f, rx->src_addr))
        memset(fwd->link, 0, 16);
    else
        memcpy(fwd->link, f->link, 16);
    memcpy(fwd->peer, rx->src_addr, 16);
    for (size_t i = 0; !st && i < f->nopts; i++) st = add_shared(fwd, f->opts[i]);
    if (!st && !relayed && (f->flags & D6T_RELAY_IFACE_CLIENT_LLADDR))
        st = add_lladdr(rx, fwd, &size);
    if (!st && r->relay_id) {
        st = add_shared(fwd, r->relay_id);
        size += 4 + r->relay_id->len;
    }
    if (!st) st = add_source_port(r, rx, fwd, relayed, &size);
    if (!st && !d6t_msg_add_relay_msg(fwd, inner)) st = D6T_ERR_NOMEM;
    if (!st && (len > MAX_OPT_LEN || size > MAX_OPT_LEN)) st = D6T_ERR_TOO_LONG;
    return st;
}

d6t_status d6t_relay_forward(const d6t_relay *r, d6t_arena *a, const d6t_relay_rx *rx_in,
                             const uint8_t *buf, size_t len, d6t_msg **out, d6t_parse_error *err)
{
    static const d6t_relay_rx defaults = D6T_RELAY_RX_INIT;
    d6t_relay_rx rx = defaults;
    if (err) fail(err, D6T_OK, 0, NULL);
    if (out) *out = NULL;
    if (!r || !a || !rx_in || !out || (!buf && len))
        return fail(err, D6T_ERR_INVALID_ARG, 0, "NULL argument");
    d6t_status st = read_sized(rx_in, rx_in->size, &rx, sizeof rx);
    if (st) return fail(err, st, 0, "receive context of another size with unknown fields set");
    if (!rx.src_addr) return fail(err, D6T_ERR_INVALID_ARG, 0, "no source address");
    const struct relay_iface *f = find_handle(r, rx.iface);
    if (!f)
        return fail(err, D6T_ERR_NOT_FOUND, 0, "received on an interface the relay does not have");
    struct d6t__arena_mark mark = d6t__arena_mark(a);
    d6t_msg *inner, *fwd;
    st = d6t_msg_parse(a, buf, len, D6T_PARSE_COPY, &inner, err);
    if (st) {
        d6t__arena_rollback(a, &mark);
        return st;
    }
    const char *why = not_relayed(r, f, inner, &st);
    if (why) {
        d6t__arena_rollback(a, &mark);
        return fail(err, st, st == D6T_ERR_RELAY_DEPTH ? 1 : 0, why);
    }
    fwd = d6t_msg_new(a, D6T_MSG_RELAY_FORW);
    st = fwd ? build_forward(r, f, &rx, inner, len, fwd) : D6T_ERR_NOMEM;
    if (st) {
        d6t__arena_rollback(a, &mark);
        return fail(err, st, 0,
                    st == D6T_ERR_TOO_LONG ? "Relay-forward would exceed 65535 bytes"
                                           : "arena allocation failed");
    }
    *out = fwd;
    return D6T_OK;
}

/* ---- reply ---- */

/* Where the Relay Message option's data starts in the Relay-reply's bytes (already parsed, so
 * the walk only re-finds what the parser checked; the bounds are kept anyway). */
static const uint8_t *relay_msg_bytes(const uint8_t *p, size_t n, size_t *len)
{
    for (size_t off = RELAY_HDR; off + 4 <= n;) {
        size_t olen = d6t__get16(p + off + 2);
        if (off + 4 + olen > n) break;
        if (d6t__get16(p + off) == D6T_OPT_RELAY_MSG) {
            *len = olen;
            return p + off + 4;
        }
        off += 4 + olen;
    }
    return NULL;
}

/* The interface a Relay-reply is for: by its Interface-ID, else by its link-address (never an
 * LDRA interface: RFC 6221 requires the Interface-ID). */
static const struct relay_iface *reply_iface(const d6t_relay *r, const d6t_msg *m, const char **why)
{
    const d6t_opt *id = d6t_msg_find_opt(m, D6T_OPT_INTERFACE_ID);
    if (id) {
        const struct relay_iface *f = find_ifid(r, id->data, id->len);
        if (!f) *why = "Interface-ID names no interface of this relay";
        return f;
    }
    *why = "no Interface-ID, and the link-address names no interface of this relay";
    if (d6t__addr_unspecified(m->link)) return NULL;
    for (size_t i = 0; i < r->nifs; i++)
        if (!(r->ifs[i].flags & D6T_RELAY_IFACE_LDRA) && !memcmp(r->ifs[i].link, m->link, 16))
            return &r->ifs[i];
    return NULL;
}

static int lease_count(const d6t_msg *m)
{
    int n = 0;
    for (const d6t_opt *ia = m->opts.first; ia; ia = ia->next)
        if (ia->code == D6T_OPT_IA_NA || ia->code == D6T_OPT_IA_PD) n += (int)ia->kids.count;
    return n;
}

/* One IAADDR / IAPREFIX as a lease; 0 when it is something else or out of range. */
static int lease_of(const d6t_opt *ia, uint32_t iaid, const d6t_opt *k, d6t_relay_lease *l)
{
    memset(l, 0, sizeof *l);
    l->size = sizeof *l;
    l->ia_type = ia->code;
    l->iaid = iaid;
    if (ia->code == D6T_OPT_IA_NA && k->code == D6T_OPT_IAADDR) {
        l->prefix_len = 128;
        return !d6t_opt_get_addr6(k, D6T_IAADDR_ADDRESS, l->addr) &&
               !d6t_opt_get_u32(k, D6T_IAADDR_PREFERRED_LIFETIME, &l->preferred) &&
               !d6t_opt_get_u32(k, D6T_IAADDR_VALID_LIFETIME, &l->valid);
    }
    if (ia->code == D6T_OPT_IA_PD && k->code == D6T_OPT_IAPREFIX)
        return !d6t_opt_get_prefix(k, D6T_IAPREFIX_PREFIX, l->addr, &l->prefix_len) &&
               !d6t_opt_get_u32(k, D6T_IAPREFIX_PREFERRED_LIFETIME, &l->preferred) &&
               !d6t_opt_get_u32(k, D6T_IAPREFIX_VALID_LIFETIME, &l->valid);
    return 0;
}

/* The leases of the innermost message when it is a Reply, collected once. */
static d6t_status collect_leases(d6t_arena *a, d6t_relay_delivery *d)
{
    const d6t_msg *m = d->inner;
    while (d6t_msg_relayed(m)) m = d6t_msg_relayed(m);
    if (m->type != D6T_MSG_REPLY) return D6T_OK;
    int max = lease_count(m);
    if (!max) return D6T_OK;
    if (!(d->leases = d6t__alloc(a, (size_t)max * sizeof *d->leases))) return D6T_ERR_NOMEM;
    for (const d6t_opt *ia = m->opts.first; ia; ia = ia->next) {
        uint32_t iaid;
        if ((ia->code != D6T_OPT_IA_NA && ia->code != D6T_OPT_IA_PD) ||
            d6t_opt_get_ia(ia, &iaid, NULL, NULL))
            continue;
        for (const d6t_opt *k = ia->kids.first; k; k = k->next)
            d->nleases += (size_t)lease_of(ia, iaid, k, &d->leases[d->nleases]);
    }
    return D6T_OK;
}

/* Where the inner message goes: a client (546), or a downstream relay (547, or the port that
 * our own RFC 8357 option, echoed back, remembered). */
static uint16_t reply_port(const d6t_msg *outer, const d6t_msg *inner)
{
    if (inner->type != D6T_MSG_RELAY_REPL) return D6T_RELAY_CLIENT_PORT;
    const d6t_opt *o = d6t_msg_find_opt(outer, D6T_OPT_RELAY_SOURCE_PORT);
    uint16_t port = 0;
    if (o && d6t_opt_get_u16(o, D6T_RELAY_SOURCE_PORT_PORT, &port) == D6T_OK && port) return port;
    return D6T_RELAY_SERVER_PORT;
}

static d6t_status check_reply(const d6t_relay *r, d6t_msg *m, const uint8_t *p, size_t n,
                              d6t_relay_delivery *d, d6t_parse_error *err)
{
    if (m->type != D6T_MSG_RELAY_REPL) return fail(err, D6T_ERR_WRONG_KIND, 0, "not a Relay-reply");
    if (!(d->inner = d6t_msg_relayed(m)) || !(d->bytes = relay_msg_bytes(p, n, &d->len)))
        return fail(err, D6T_ERR_NOT_FOUND, RELAY_HDR,
                    "Relay-reply without a Relay Message option");
    size_t inner_off = (size_t)(d->bytes - p);
    if (d->inner->type == D6T_MSG_RELAY_FORW || (d->inner->kind == D6T_KIND_CLIENT_SERVER &&
                                                 !d6t_msg_type_is_server_to_client(d->inner->type)))
        return fail(err, D6T_ERR_WRONG_KIND, inner_off,
                    "the relayed message is not one a server sends (Solicit, Relay-forward, ...)");
    const char *why;
    const struct relay_iface *f = reply_iface(r, m, &why);
    if (!f) return fail(err, D6T_ERR_NOT_FOUND, 0, why);
    if (d6t__addr_unspecified(m->peer) || d6t__addr_multicast(m->peer) ||
        d6t__addr_loopback(m->peer))
        return fail(err, D6T_ERR_OPT_VALUE, 18,
                    "peer-address is unspecified, multicast or loopback: no destination");
    d->iface = f->handle;
    memcpy(d->addr, m->peer, 16);
    d->port = reply_port(m, d->inner);
    d->outer = m;
    return D6T_OK;
}

d6t_status d6t_relay_reply(const d6t_relay *r, d6t_arena *a, const uint8_t *buf, size_t len,
                           d6t_relay_delivery **out, d6t_parse_error *err)
{
    if (err) fail(err, D6T_OK, 0, NULL);
    if (out) *out = NULL;
    if (!r || !a || !out || (!buf && len))
        return fail(err, D6T_ERR_INVALID_ARG, 0, "NULL argument");
    struct d6t__arena_mark mark = d6t__arena_mark(a);
    /* our own copy, so the inner message's bytes can be handed out as they came */
    uint8_t *p = d6t__alloc(a, len ? len : 1);
    d6t_relay_delivery *d = d6t__alloc(a, sizeof *d);
    if (!p || !d) {
        d6t__arena_rollback(a, &mark);
        return fail(err, D6T_ERR_NOMEM, 0, "arena allocation failed");
    }
    if (len) memcpy(p, buf, len);
    memset(d, 0, sizeof *d);
    d6t_msg *m;
    d6t_status st = d6t_msg_parse(a, p, len, 0, &m, err);
    if (!st) st = check_reply(r, m, p, len, d, err);
    if (!st && (st = collect_leases(a, d))) fail(err, st, 0, "arena allocation failed");
    if (st) {
        d6t__arena_rollback(a, &mark);
        return st;
    }
    *out = d;
    return D6T_OK;
}

uint32_t d6t_relay_delivery_iface(const d6t_relay_delivery *d)
{
    return d ? d->iface : 0;
}

d6t_status d6t_relay_delivery_destination(const d6t_relay_delivery *d, uint8_t addr[16],
                                          uint16_t *port)
{
    if (!d || !addr || !port) return D6T_ERR_INVALID_ARG;
    memcpy(addr, d->addr, 16);
    *port = d->port;
    return D6T_OK;
}

d6t_msg *d6t_relay_delivery_message(const d6t_relay_delivery *d)
{
    return d ? d->inner : NULL;
}

const uint8_t *d6t_relay_delivery_bytes(const d6t_relay_delivery *d, size_t *len)
{
    if (len) *len = d ? d->len : 0;
    return d ? d->bytes : NULL;
}

d6t_msg *d6t_relay_delivery_relay_reply(const d6t_relay_delivery *d)
{
    return d ? d->outer : NULL;
}

size_t d6t_relay_delivery_lease_count(const d6t_relay_delivery *d)
{
    return d ? d->nleases : 0;
}

d6t_status d6t_relay_delivery_lease(const d6t_relay_delivery *d, size_t i, d6t_relay_lease *out)
{
    if (!d || !out || out->size < sizeof out->size) return D6T_ERR_INVALID_ARG;
    if (i >= d->nleases) return D6T_ERR_NOT_FOUND;
    size_t n = out->size < sizeof *out ? out->size : sizeof *out, size = out->size;
    memcpy(out, &d->leases[i], n);
    out->size = size;
    return D6T_OK;
}
