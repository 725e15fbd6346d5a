/* Transaction bundle, outgoing side: responses (dhcpkit's MessagesList), the relay-reply chain,
 * wire output and where it goes.
 * SPDX-License-Identifier: BSD-2-Clause */
#include "bundle_internal.h"

#define DHCP6_CLIENT_PORT 546
#define DHCP6_SERVER_PORT 547

d6t_msg *d6t_bundle_response(const d6t_bundle *b)
{
    return b ? b->response : NULL;
}
int d6t_bundle_has_responses(const d6t_bundle *b)
{
    return b && b->response;
}

static void drop_generator(d6t_bundle *b)
{
    if (b->gen_destroy) b->gen_destroy(b->gen_ctx);
    b->gen = NULL;
    b->gen_ctx = NULL;
    b->gen_destroy = NULL;
    b->pending = NULL;
}

d6t_status d6t_bundle_set_response(d6t_bundle *b, d6t_msg *m)
{
    if (!b) return D6T_ERR_INVALID_ARG;
    b->response = m;
    if (!m) drop_generator(b);
    b->out_state = OUT_FIRST;
    return D6T_OK;
}

d6t_status d6t_bundle_set_response_generator(d6t_bundle *b, d6t_response_gen_fn fn, void *ctx,
                                             void (*destroy)(void *))
{
    if (!b) return D6T_ERR_INVALID_ARG;
    if (!b->response && fn) return D6T_ERR_NOT_FOUND; /* only the first message is addressable */
    drop_generator(b);
    b->gen = fn;
    b->gen_ctx = ctx;
    b->gen_destroy = destroy;
    return D6T_OK;
}

/* An echoed option shares its bytes with the relay-forward's option instead of copying them:
 * the incoming message lives in the bundle's arena or outlives the bundle, and the chain is the
 * bundle's. (Copying them costs 50 more instructions for w1's two Interface-IDs.) An option
 * without sub-options or a message (Interface-ID, Relay Source Port) is one node copied. */
static d6t_status echo(d6t_msg *reply, const d6t_opt *o)
{
    d6t_opt *c;
    if (!o->kids.first && !o->msg) {
        if (!(c = d6t__alloc(reply->arena, sizeof *c))) return D6T_ERR_NOMEM;
        *c = *o;
        c->arena = reply->arena;
        c->flags = 0; /* not ours: a setter writes new bytes into the chain's arena */
    } else {
        d6t_status st = d6t_opt_copy(reply->arena, o, D6T_COPY_SHARE, &c);
        if (st) return st;
    }
    d6t__list_append(&reply->opts, c);
    return D6T_OK;
}

/* Copy the options a relay-reply level repeats from its relay-forward: Interface-ID (RFC 9915
 * 19.3), Relay Source Port (RFC 8357, so each relay finds its downstream port again) and what an
 * Echo Request option names (RFC 4994). The first two and the Echo Request are found in one
 * pass over the relay-forward's options. */
static d6t_status echo_options(d6t_msg *reply, const d6t_msg *fwd)
{
    const d6t_opt *iid = NULL, *rsp = NULL, *ero = NULL;
    d6t_status st;
    for (const d6t_opt *o = fwd->opts.first; o; o = o->next) {
        if (o->code == D6T_OPT_INTERFACE_ID && !iid)
            iid = o;
        else if (o->code == D6T_OPT_RELAY_SOURCE_PORT && !rsp)
            rsp = o;
        else if (o->code == D6T_OPT_ERO && !ero)
            ero = o;
    }
    if (iid && (st = echo(reply, iid))) return st;
    if (rsp && (st = echo(reply, rsp))) return st;
    size_t n = 0;
    if (!ero || d6t_opt_list_count(ero, D6T_ERO_REQUESTED_OPTIONS, &n)) return D6T_OK;
    for (size_t i = 0; i < n; i++) {
        uint16_t code;
        d6t_opt_list_get_u16(ero, D6T_ERO_REQUESTED_OPTIONS, i, &code);
        /* never the relayed message itself, and nothing twice */
        if (code == D6T_OPT_RELAY_MSG || code == D6T_OPT_ERO || d6t_msg_find_opt(reply, code))
            continue;
        for (d6t_opt *o = d6t_msg_find_opt(fwd, code); o; o = d6t_opt_next_same(o))
            if ((st = echo(reply, o))) return st;
    }
    return D6T_OK;
}

d6t_status d6t_bundle_create_outgoing_relay_messages(d6t_bundle *b)
{
    if (!b) return D6T_ERR_INVALID_ARG;
    b->nout = 0;
    b->have_out = 1;
    for (size_t i = 0; i < b->nrelays; i++) {
        const d6t_msg *fwd = b->relays[i];
        d6t_msg *r = d6t__alloc(b->arena, sizeof *r); /* d6t_msg_new's, without its checks */
        if (!r) return D6T_ERR_NOMEM;
        d6t__msg_init(r, b->arena, D6T_MSG_RELAY_REPL, D6T_KIND_RELAY, 1);
        r->hop_count = fwd->hop_count;
        memcpy(r->link, fwd->link, 16);
        memcpy(r->peer, fwd->peer, 16);
        d6t_status st = echo_options(r, fwd);
        if (st) return st;
        /* the relayed message goes last; level 0 gets each response in turn */
        d6t_opt *rm = d6t__new_opt(b->arena, D6T_OPT_RELAY_MSG, D6T_SPACE_DHCPV6);
        if (!rm) return D6T_ERR_NOMEM;
        d6t__list_append(&r->opts, rm); /* d6t_msg_add_opt's, inline */
        if (i > 0) rm->msg = b->out[i - 1];
        b->out[i] = r;
        b->out_relay_msg[i] = rm;
        b->nout = i + 1;
    }
    return D6T_OK;
}

/* The chain is made on demand: when a handler first asks for a level, or when a response is
 * written through a level with an Echo Request (write_direct does the rest without it). Asking
 * is logically const; the chain is the bundle's own cache. */
static void ensure_out(const d6t_bundle *cb)
{
    if (cb->have_out || !cb->nrelays) return;
    d6t_bundle *b = (d6t_bundle *)(uintptr_t)cb;
    (void)d6t_bundle_create_outgoing_relay_messages(b); /* NOMEM: the levels made so far */
}

size_t d6t_bundle_outgoing_relay_count(const d6t_bundle *b)
{
    if (!b) return 0;
    ensure_out(b);
    return b->nout;
}
d6t_msg *d6t_bundle_outgoing_relay(const d6t_bundle *b, size_t i)
{
    if (!b) return NULL;
    ensure_out(b);
    return i < b->nout ? b->out[i] : NULL;
}

/* Room-checked stores of write_direct: like the writer's, they count what does not fit. */
struct dbuf {
    uint8_t *p;
    size_t cap, n;
};

static void dput(struct dbuf *w, const uint8_t *src, size_t len)
{
    if (len && w->n + len <= w->cap) {
        if (len <= 32)
            d6t__move_small(w->p + w->n, src, len); /* Interface-IDs are short: no call */
        else
            memcpy(w->p + w->n, src, len);
    }
    w->n += len;
}

static void dput_opt_header(struct dbuf *w, uint16_t code, size_t len)
{
    uint8_t h[4];
    d6t__put_opt_header(h, code, (uint16_t)len);
    dput(w, h, 4);
}

/* The relay-reply chain around 'resp' written straight from the relay-forwards, without making
 * its messages: the bytes d6t_bundle_create_outgoing_relay_messages and d6t_msg_write give,
 * for chains whose levels echo only an Interface-ID and a Relay Source Port (leaf options, the
 * first of each, in that order, then the Relay-Message). 0 when a level has an Echo Request, or
 * an echoed option with sub-options: the caller builds the chain then. Otherwise the status of
 * the write, *len what it needs (BUFFER_TOO_SMALL) or wrote. */
static D6T__ALWAYS_INLINE int write_direct(const d6t_bundle *b, const d6t_msg *resp, uint8_t *buf,
                                           size_t cap, size_t *len, d6t_status *st)
{
    const d6t_opt *echoed[D6T_HOP_COUNT_LIMIT][2];
    for (size_t i = 0; i < b->nrelays; i++) {
        const d6t_opt *iid = NULL, *rsp = NULL;
        for (const d6t_opt *o = b->relays[i]->opts.first; o; o = o->next) {
            if (o->code == D6T_OPT_ERO) return 0;
            if (o->code == D6T_OPT_INTERFACE_ID && !iid)
                iid = o;
            else if (o->code == D6T_OPT_RELAY_SOURCE_PORT && !rsp)
                rsp = o;
        }
        if ((iid && (iid->kids.first || iid->msg)) || (rsp && (rsp->kids.first || rsp->msg)))
            return 0;
        echoed[i][0] = iid;
        echoed[i][1] = rsp;
    }
    struct dbuf w = {buf, cap, 0};
    size_t relay_len_at[D6T_HOP_COUNT_LIMIT];
    for (size_t i = b->nrelays; i-- > 0;) { /* the outermost level first */
        const d6t_msg *fwd = b->relays[i];
        if (w.n + 34 <= cap) {
            uint8_t *h = buf + w.n;
            h[0] = D6T_MSG_RELAY_REPL;
            h[1] = fwd->hop_count;
            memcpy(h + 2, fwd->link, 16);
            memcpy(h + 18, fwd->peer, 16);
        }
        w.n += 34;
        for (size_t k = 0; k < 2; k++) {
            const d6t_opt *o = echoed[i][k];
            if (!o) continue;
            dput_opt_header(&w, o->code, o->len);
            dput(&w, o->data, o->len);
        }
        relay_len_at[i] = w.n + 2;
        dput_opt_header(&w, D6T_OPT_RELAY_MSG, 0); /* the length once the inside is written */
    }
    d6t_status wst;
    size_t n = d6t__write_msg(resp, w.n < cap ? buf + w.n : buf, w.n < cap ? cap - w.n : 0, &wst);
    if (wst) {
        *st = wst;
        *len = 0;
        return 1;
    }
    w.n += n;
    for (size_t i = 0; i < b->nrelays; i++) {
        size_t inside = w.n - relay_len_at[i] - 2;
        if (inside > 65535) {
            *len = 0;
            *st = D6T_ERR_TOO_LONG;
            return 1;
        }
        if (w.n <= cap) d6t__put16(buf + relay_len_at[i], (uint16_t)inside);
    }
    *len = w.n;
    *st = w.n > cap ? D6T_ERR_BUFFER_TOO_SMALL : D6T_OK;
    return 1;
}

/* Wrap 'resp' in the chain and write it, framed over TCP: straight from the relay-forwards
 * while no handler has asked for the chain, else through the chain's messages. */
static d6t_status write_wrapped(d6t_bundle *b, d6t_msg *resp, uint8_t *buf, size_t cap, size_t *len)
{
    d6t_status st;
    size_t hdr = (b->flags & D6T_BUNDLE_TCP) ? 2 : 0, n = 0;
    if (!b->have_out && b->nrelays &&
        write_direct(b, resp, cap < hdr ? buf : buf + hdr, cap < hdr ? 0 : cap - hdr, &n, &st)) {
        *len = n + hdr;
        if (st) return st;
        if (hdr) {
            if (n > 65535) return D6T_ERR_TOO_LONG;
            d6t__put16(buf, (uint16_t)n);
        }
        return D6T_OK;
    }
    if (!b->have_out && (st = d6t_bundle_create_outgoing_relay_messages(b))) return st;
    const d6t_msg *top = resp;
    if (b->nout) {
        b->out_relay_msg[0]->msg = resp;
        top = b->out[b->nout - 1];
    }
    if (cap < hdr) {
        *len = d6t_msg_wire_size(top) + hdr;
        return D6T_ERR_BUFFER_TOO_SMALL;
    }
    st = d6t_msg_write(top, buf + hdr, cap - hdr, &n);
    *len = n + hdr;
    if (st) return st;
    if (hdr) {
        if (n > 65535) return D6T_ERR_TOO_LONG;
        d6t__put16(buf, (uint16_t)n);
    }
    return D6T_OK;
}

static int sendable(const d6t_bundle *b, const d6t_msg *m)
{
    if (d6t_msg_type_is_server_to_client(m->type) && m->type != D6T_MSG_RELAY_REPL) return 1;
    const char *n = d6t_msg_type_name(m->type);
    d6t__bundle_log(b, 3, "not sending %s (type %u): a server only sends server-to-client messages",
                    n ? n : "unknown message", m->type);
    return 0;
}

d6t_status d6t_bundle_outgoing_message(d6t_bundle *b, uint8_t *buf, size_t cap, size_t *len)
{
    if (!b || !len || (!buf && cap)) return D6T_ERR_INVALID_ARG;
    *len = 0;
    if (!b->response || !sendable(b, b->response)) return D6T_ERR_NOT_FOUND;
    return write_wrapped(b, b->response, buf, cap, len);
}

/* Next generated, sendable message into b->pending; 0 when the generator is finished. */
static int generate(d6t_bundle *b)
{
    while (b->gen) {
        if (!b->scratch) {
            d6t_allocator al;
            b->scratch = d6t__arena_allocator(b->arena, &al) ? d6t_arena_new(&al, 0)
                                                             : d6t_arena_new(NULL, 0);
            if (!b->scratch) return 0;
            /* a generator is host code, but its loop runs on a peer's query: bound it too */
            d6t_arena_set_limit(b->scratch, b->arena->limit ? b->arena->limit : D6T__SCRATCH_LIMIT);
        }
        d6t_arena_reset(b->scratch); /* memory stays flat however many messages follow */
        d6t_msg *m = NULL;
        d6t_status st = b->gen(b->gen_ctx, b, b->scratch, &m);
        if (st) d6t__bundle_log(b, 3, "response generator failed: %s", d6t_strerror(st));
        if (st || !m) {
            drop_generator(b);
            return 0;
        }
        if (sendable(b, m)) {
            b->pending = m;
            return 1;
        }
    }
    return 0;
}

d6t_status d6t_bundle_outgoing_next(d6t_bundle *b, uint8_t *buf, size_t cap, size_t *len)
{
    if (!b || !len || (!buf && cap)) return D6T_ERR_INVALID_ARG;
    *len = 0;
    if (b->out_state == OUT_FIRST) {
        if (b->response && sendable(b, b->response)) {
            d6t_status st = write_wrapped(b, b->response, buf, cap, len);
            if (st != D6T_ERR_BUFFER_TOO_SMALL) b->out_state = OUT_GENERATED;
            return st;
        }
        b->out_state = OUT_GENERATED;
    }
    if (b->out_state == OUT_GENERATED) {
        if (!b->pending && !generate(b)) {
            b->out_state = OUT_DONE;
            return D6T_ERR_NOT_FOUND;
        }
        d6t_status st = write_wrapped(b, b->pending, buf, cap, len);
        if (st != D6T_ERR_BUFFER_TOO_SMALL) b->pending = NULL;
        return st;
    }
    return D6T_ERR_NOT_FOUND;
}

void d6t_bundle_outgoing_rewind(d6t_bundle *b)
{
    if (b) b->out_state = OUT_FIRST;
}

void d6t_bundle_set_source_port(d6t_bundle *b, uint16_t port)
{
    if (!b) return;
    b->src_port = port;
    b->have_src_port = 1;
}

void d6t_bundle_set_source_address(d6t_bundle *b, const uint8_t addr[16])
{
    if (!b || !addr) return;
    memcpy(b->src_addr, addr, 16);
    b->have_src_addr = 1;
}

d6t_status d6t_bundle_destination(const d6t_bundle *b, uint8_t addr[16], uint16_t *port)
{
    if (!b || !addr || !port) return D6T_ERR_INVALID_ARG;
    if (b->flags & D6T_BUNDLE_TCP)
        return D6T_ERR_WRONG_KIND; /* answers go back on the connection */
    if (b->nrelays) {
        /* RFC 9915 19.3: the Relay-reply goes back to the relay agent the Relay-forward came
         * from (the datagram's source), on 547 unless it said otherwise (RFC 8357) */
        if (!d6t_msg_find_opt(b->relays[b->nrelays - 1], D6T_OPT_RELAY_SOURCE_PORT))
            *port = DHCP6_SERVER_PORT;
        else if (b->have_src_port)
            *port = b->src_port;
        else
            return D6T_ERR_NOT_FOUND;
    } else {
        *port = DHCP6_CLIENT_PORT;
    }
    if (!b->have_src_addr) return D6T_ERR_NOT_FOUND;
    memcpy(addr, b->src_addr, 16);
    return D6T_OK;
}

d6t_status d6t_bundle_interface_id(const d6t_bundle *b, const uint8_t **data, size_t *len)
{
    if (!b) return D6T_ERR_INVALID_ARG;
    if (!b->nrelays) return D6T_ERR_NOT_FOUND;
    d6t_opt *o = d6t_msg_find_opt(b->relays[b->nrelays - 1], D6T_OPT_INTERFACE_ID);
    if (!o) return D6T_ERR_NOT_FOUND;
    if (data) *data = o->data;
    if (len) *len = o->len;
    return D6T_OK;
}
