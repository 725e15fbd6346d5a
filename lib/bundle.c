/* Transaction bundle, incoming side: relay chain split, link address, marks, handled options,
 * handler data and the log line.
 * SPDX-License-Identifier: BSD-2-Clause */
#include "bundle_internal.h"
#include "outbuf.h"
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>

void d6t__bundle_log(const d6t_bundle *b, int level, const char *fmt, ...)
{
    if (!b || !b->log) return;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    b->log(b->log_ctx, level, msg);
}

/* Why the innermost message is no request: said in the bundle (m NULL: none was relayed). */
static D6T__COLD void no_request(d6t_bundle *b, const d6t_msg *m)
{
    if (!m)
        b->no_request = "relay message without a relayed message";
    else if (m->kind == D6T_KIND_UNKNOWN)
        snprintf(b->reason_buf, sizeof b->reason_buf, "unknown message type %u", m->type);
    else
        snprintf(b->reason_buf, sizeof b->reason_buf, "%s is not a client-to-server message",
                 d6t_msg_type_name(m->type));
    if (m) b->no_request = b->reason_buf;
}

/* Walk the RELAY-FORW chain to the request; fills relays[] closest to the client first. */
static d6t_status split_chain(d6t_bundle *b)
{
    d6t_msg *chain[D6T_HOP_COUNT_LIMIT];
    size_t n = 0;
    d6t_msg *m = b->incoming;
    while (m && m->type == D6T_MSG_RELAY_FORW) {
        if (D6T__UNLIKELY(n == D6T_HOP_COUNT_LIMIT)) return D6T_ERR_RELAY_DEPTH;
        chain[n++] = m;
        m = d6t_msg_relayed(m);
    }
    if (D6T__UNLIKELY(!m || m->kind != D6T_KIND_CLIENT_SERVER ||
                      d6t_msg_type_is_server_to_client(m->type))) {
        no_request(b, m);
        return D6T_OK;
    }
    if (n) {
        /* n <= D6T_HOP_COUNT_LIMIT: the size cannot overflow */
        d6t_msg **v = d6t__alloc(b->arena, 3 * n * sizeof *v);
        if (D6T__UNLIKELY(!v)) return D6T_ERR_NOMEM;
        b->relays = v;
        b->out = v + n;
        b->out_relay_msg = (d6t_opt **)(void *)(v + 2 * n);
        for (size_t i = 0; i < n; i++) b->relays[i] = chain[n - 1 - i];
    }
    b->request = m;
    b->nrelays = n;
    return D6T_OK;
}

/* The caller's options as this library knows them: fields beyond the caller's 'size' keep their
 * defaults; anything the caller set beyond the fields known here cannot be honoured. */
static d6t_status read_opts(const d6t_bundle_opts *in, d6t_bundle_opts *o)
{
    static const d6t_bundle_opts defaults = D6T_BUNDLE_OPTS_INIT;
    *o = defaults;
    if (!in) return D6T_OK;
    if (in->size < sizeof in->size) return D6T_ERR_INVALID_ARG;
    size_t n = in->size < sizeof *o ? in->size : sizeof *o;
    memcpy(o, in, n);
    o->size = sizeof *o;
    for (const uint8_t *p = (const uint8_t *)in + n; p < (const uint8_t *)in + in->size; p++)
        if (*p) return D6T_ERR_UNSUPPORTED;
    return D6T_OK;
}

/* Remember which options the request has, so that handled marks can name them: in list order,
 * each option's place kept in the option itself (slot) for the marks' usual question. */
static d6t_status snapshot_request(d6t_bundle *b)
{
    /* one allocation: the handled bits (16 bytes while they fit), then the option pointers */
    size_t n = b->request->opts.count, nbits = (n + 7) / 8 + 1;
    size_t bits = nbits <= 16 ? 16 : D6T__ARENA_ALIGN_UP(nbits); /* no overflow: n < 2^32 */
    uint8_t *mem = d6t__alloc(b->arena, bits + (n ? n : 1) * sizeof *b->reqopts);
    if (!mem) return D6T_ERR_NOMEM;
    b->handled = mem;
    b->reqopts = (const d6t_opt **)(void *)(mem + bits);
    if (bits == 16) /* a few bytes: clear all 16 inline */
        memset(b->handled, 0, 16);
    else
        memset(b->handled, 0, bits);
    size_t i = 0;
    for (d6t_opt *x = b->request->opts.first; x && i < n; x = x->next) {
        x->slot = (uint32_t)i;
        b->reqopts[i++] = x;
    }
    b->nreqopts = i;
    b->req_removals = b->request->removals;
    return D6T_OK;
}

/* Over TCP: the connection's endpoint, and no relaying beyond what may stand for it. */
static D6T__NOINLINE d6t_status init_tcp(d6t_bundle *b, const uint8_t *tcp_peer)
{
    /* Without a given endpoint, one RELAY-FORW may stand for the TCP connection (dhcpkit's
     * convention); anything relayed beyond that did not come straight from the requestor. */
    d6t_msg *incoming = b->incoming;
    size_t allowed = tcp_peer ? 0 : 1;
    size_t levels = 0;
    for (d6t_msg *m = incoming; m && m->type == D6T_MSG_RELAY_FORW; m = d6t_msg_relayed(m))
        levels++;
    if (levels > allowed) return D6T_ERR_TCP_RELAYED;
    if (tcp_peer) {
        memcpy(b->tcp_peer, tcp_peer, 16);
        b->have_tcp_peer = 1;
    } else if (levels == 1) {
        memcpy(b->tcp_peer, incoming->peer, 16);
        b->have_tcp_peer = 1;
    }
    return D6T_OK;
}

static d6t_status init(d6t_bundle *b, d6t_msg *incoming, unsigned flags, const d6t_bundle_opts *o)
{
    b->incoming = incoming;
    b->flags = flags;
    b->allow_rapid_commit = (flags & D6T_BUNDLE_RAPID_COMMIT) != 0;
    d6t_status st = split_chain(b);
    if (D6T__UNLIKELY(st)) return st;
    if ((flags & D6T_BUNDLE_TCP) && (st = init_tcp(b, o->tcp_peer))) return st;
    if (b->request && D6T__UNLIKELY(st = snapshot_request(b))) return st;
    for (size_t i = 0; o->marks && i < o->nmarks; i++)
        if (o->marks[i] && (st = d6t_bundle_add_mark(b, o->marks[i]))) return st;
    return D6T_OK;
}

/* d6t_bundle_new_from_msg with the options already read (read_opts). */
static d6t_status new_from_msg(d6t_arena *a, d6t_msg *incoming, unsigned flags,
                               const d6t_bundle_opts *opts, d6t_bundle **out)
{
    d6t_status st;
    int own = 0;
    if (D6T__UNLIKELY(!a)) {
        if (!(a = d6t_arena_new(NULL, 0))) return D6T_ERR_NOMEM;
        own = 1;
    }
    d6t_bundle *b = d6t__alloc(a, sizeof *b);
    if (D6T__UNLIKELY(!b)) {
        if (own) d6t_arena_free(a);
        return D6T_ERR_NOMEM;
    }
    /* in pieces of at most 64 bytes, which compilers clear with a few vector stores (one
     * memset of it all becomes a string instruction of one iteration per word) */
    _Static_assert(D6T__BUNDLE_CLEARED <= 256, "clear the bundle's header in more pieces");
/* sizes differ with the platform's pointers: pieces past the end are left out */
#define CLEAR_PIECE(at)                                                                \
    do {                                                                               \
        if ((at) < D6T__BUNDLE_CLEARED)                                                \
            memset((uint8_t *)b + (at), 0,                                             \
                   D6T__BUNDLE_CLEARED - (at) < 64 ? D6T__BUNDLE_CLEARED - (at) : 64); \
    } while (0)
    CLEAR_PIECE(0);
    CLEAR_PIECE(64);
    CLEAR_PIECE(128);
    CLEAR_PIECE(192);
#undef CLEAR_PIECE
    b->arena = a;
    b->owns_arena = own;
    st = init(b, incoming, flags, opts);
    if (D6T__UNLIKELY(st)) {
        d6t_bundle_free(b);
        return st;
    }
    *out = b;
    return D6T_OK;
}

d6t_status d6t_bundle_new_from_msg(d6t_arena *a, d6t_msg *incoming, unsigned flags,
                                   const d6t_bundle_opts *opts, d6t_bundle **out)
{
    if (!out || !incoming) return D6T_ERR_INVALID_ARG;
    *out = NULL;
    d6t_bundle_opts o;
    d6t_status st = read_opts(opts, &o);
    if (st) return st;
    return new_from_msg(a, incoming, flags, &o, out);
}

d6t_status d6t_bundle_new(d6t_arena *a, const uint8_t *buf, size_t len, unsigned flags,
                          const d6t_bundle_opts *opts, d6t_bundle **out, d6t_parse_error *err)
{
    if (D6T__UNLIKELY(!out)) return D6T_ERR_INVALID_ARG;
    *out = NULL;
    d6t_bundle_opts o; /* checked before parsing, so a bad one never costs a parse */
    d6t_status st = read_opts(opts, &o);
    if (D6T__UNLIKELY(st)) return st;
    int own = 0;
    if (D6T__UNLIKELY(!a)) {
        if (!(a = d6t_arena_new(NULL, 0))) return D6T_ERR_NOMEM;
        own = 1;
    }
    d6t_msg *m;
    st = d6t__parse_copy(a, buf, len, &m, err);
    if (D6T__LIKELY(!st)) st = new_from_msg(a, m, flags, &o, out);
    if (D6T__UNLIKELY(st)) {
        if (own) d6t_arena_free(a);
        return st;
    }
    (*out)->owns_arena = own;
    return D6T_OK;
}

void d6t_bundle_free(d6t_bundle *b)
{
    if (!b) return;
    for (struct d6t_hdata *h = b->hdata; h; h = h->next)
        if (h->destroy) h->destroy(h->data);
    b->hdata = NULL;
    if (b->gen_destroy) b->gen_destroy(b->gen_ctx);
    b->gen_destroy = NULL;
    d6t_arena_free(b->scratch);
    b->scratch = NULL;
    if (b->owns_arena) d6t_arena_free(b->arena);
}

void d6t_bundle_set_log(d6t_bundle *b, d6t_log_fn fn, void *ctx)
{
    if (!b) return;
    b->log = fn;
    b->log_ctx = ctx;
}

d6t_msg *d6t_bundle_incoming(const d6t_bundle *b)
{
    return b ? b->incoming : NULL;
}
d6t_msg *d6t_bundle_request(const d6t_bundle *b)
{
    return b ? b->request : NULL;
}
const char *d6t_bundle_no_request_reason(const d6t_bundle *b)
{
    return b ? b->no_request : NULL;
}
int d6t_bundle_received_over_multicast(const d6t_bundle *b)
{
    return b && (b->flags & D6T_BUNDLE_MULTICAST);
}
int d6t_bundle_received_over_tcp(const d6t_bundle *b)
{
    return b && (b->flags & D6T_BUNDLE_TCP);
}
size_t d6t_bundle_incoming_relay_count(const d6t_bundle *b)
{
    return b ? b->nrelays : 0;
}
d6t_msg *d6t_bundle_incoming_relay(const d6t_bundle *b, size_t i)
{
    return b && i < b->nrelays ? b->relays[i] : NULL;
}
d6t_arena *d6t_bundle_arena(const d6t_bundle *b)
{
    return b ? b->arena : NULL;
}

d6t_status d6t_bundle_link_address(const d6t_bundle *b, uint8_t addr[16])
{
    if (!b || !addr) return D6T_ERR_INVALID_ARG;
    if (b->flags & D6T_BUNDLE_TCP) {
        if (!b->have_tcp_peer) return D6T_ERR_NOT_FOUND;
        memcpy(addr, b->tcp_peer, 16);
        return D6T_OK;
    }
    for (size_t i = 0; i < b->nrelays; i++) {
        const uint8_t *l = b->relays[i]->link;
        /* LDRAs (RFC 6221) leave it unspecified; loopback and link-local name no link */
        if (!d6t__addr_unspecified(l) && !d6t__addr_loopback(l) && !d6t__addr_link_local(l)) {
            memcpy(addr, l, 16);
            return D6T_OK;
        }
    }
    memset(addr, 0, 16);
    return D6T_OK;
}

size_t d6t_bundle_relay_count(const d6t_bundle *b)
{
    size_t n = 0;
    for (size_t i = 0; b && i < b->nrelays; i++) n += !d6t__addr_unspecified(b->relays[i]->link);
    return n;
}

d6t_status d6t_bundle_relay(const d6t_bundle *b, size_t i, uint8_t addr[16])
{
    if (!b || !addr) return D6T_ERR_INVALID_ARG;
    for (size_t k = 0; k < b->nrelays; k++) {
        if (d6t__addr_unspecified(b->relays[k]->link)) continue;
        if (i-- == 0) {
            memcpy(addr, b->relays[k]->link, 16);
            return D6T_OK;
        }
    }
    return D6T_ERR_NOT_FOUND;
}

int d6t_bundle_allow_rapid_commit(const d6t_bundle *b)
{
    return b && b->allow_rapid_commit;
}

d6t_status d6t_bundle_set_allow_rapid_commit(d6t_bundle *b, int allow)
{
    if (!b) return D6T_ERR_INVALID_ARG;
    if (allow && !b->allow_rapid_commit)
        return D6T_ERR_INVALID_ARG; /* only the creator may allow it */
    b->allow_rapid_commit = allow != 0;
    return D6T_OK;
}

int d6t_bundle_allow_unicast(const d6t_bundle *b)
{
    return b && b->allow_unicast;
}

d6t_status d6t_bundle_set_allow_unicast(d6t_bundle *b, int allow)
{
    if (!b) return D6T_ERR_INVALID_ARG;
    if (!allow && b->allow_unicast)
        return D6T_ERR_INVALID_ARG; /* once allowed, a handler relies on it */
    b->allow_unicast = allow != 0;
    return D6T_OK;
}

/* ---- marks ---- */
static size_t trimmed(const char *s, const char **start)
{
    while (*s && isspace((unsigned char)*s)) s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) n--;
    *start = s;
    return n;
}

static int find_mark(const d6t_bundle *b, const char *s, size_t n)
{
    for (size_t i = 0; i < b->nmarks; i++)
        if (strlen(b->marks[i]) == n && memcmp(b->marks[i], s, n) == 0) return (int)i;
    return -1;
}

d6t_status d6t_bundle_add_mark(d6t_bundle *b, const char *mark)
{
    if (!b || !mark) return D6T_ERR_INVALID_ARG;
    const char *s;
    size_t n = trimmed(mark, &s);
    if (n > 255) return D6T_ERR_INVALID_ARG;
    if (find_mark(b, s, n) >= 0) return D6T_OK;
    if (b->nmarks == D6T_MAX_MARKS) return D6T_ERR_NOMEM;
    if (!b->marks && !(b->marks = d6t__alloc(b->arena, D6T_MAX_MARKS * sizeof *b->marks)))
        return D6T_ERR_NOMEM;
    char *cp = d6t__alloc(b->arena, n + 1);
    if (!cp) return D6T_ERR_NOMEM;
    memcpy(cp, s, n);
    cp[n] = 0;
    b->marks[b->nmarks++] = cp;
    return D6T_OK;
}

int d6t_bundle_has_mark(const d6t_bundle *b, const char *mark)
{
    if (!b || !mark) return 0;
    const char *s;
    size_t n = trimmed(mark, &s);
    return find_mark(b, s, n) >= 0;
}

d6t_status d6t_bundle_remove_mark(d6t_bundle *b, const char *mark)
{
    if (!b || !mark) return D6T_ERR_INVALID_ARG;
    const char *s;
    size_t n = trimmed(mark, &s);
    int i = find_mark(b, s, n);
    if (i < 0) return D6T_ERR_NOT_FOUND;
    memmove(&b->marks[i], &b->marks[i + 1], (b->nmarks - (size_t)i - 1) * sizeof b->marks[0]);
    b->nmarks--;
    return D6T_OK;
}

size_t d6t_bundle_mark_count(const d6t_bundle *b)
{
    return b ? b->nmarks : 0;
}
const char *d6t_bundle_mark(const d6t_bundle *b, size_t i)
{
    return b && i < b->nmarks ? b->marks[i] : NULL;
}

/* ---- handled options ---- */
/* Where 'o' is in the snapshot of the request's options; -1 when it was not there. Where the
 * option's hint says, unless another bundle's snapshot of the same list moved the hint since;
 * then a walk, as long as the snapshot. */
static long slot_at(const d6t_bundle *b, const d6t_opt *o)
{
    if (D6T__LIKELY(o->slot < b->nreqopts && b->reqopts[o->slot] == o)) return (long)o->slot;
    for (size_t i = 0; i < b->nreqopts; i++)
        if (b->reqopts[i] == o) return (long)i;
    return -1;
}

static int slot_handled(const d6t_bundle *b, long i)
{
    return i >= 0 && (b->handled[i / 8] >> (i % 8) & 1);
}

/* 'o' is a top-level option of the request now, and was when the bundle was made. */
static long req_index(const d6t_bundle *b, const d6t_opt *o)
{
    if (D6T__UNLIKELY(!b || !b->request || !o)) return -1;
    /* in the snapshot, and nothing left the request since: it is still there */
    if (D6T__LIKELY(o->slot < b->nreqopts && b->reqopts[o->slot] == o &&
                    b->request->removals == b->req_removals))
        return (long)o->slot;
    for (const d6t_opt *x = b->request->opts.first; x; x = x->next)
        if (x == o) return slot_at(b, o);
    return -1;
}

d6t_status d6t_bundle_mark_handled(d6t_bundle *b, const d6t_opt *o)
{
    long i = req_index(b, o);
    if (i < 0) return b && o ? D6T_ERR_NOT_FOUND : D6T_ERR_INVALID_ARG;
    b->handled[i / 8] |= (uint8_t)(1u << (i % 8));
    return D6T_OK;
}

int d6t_bundle_is_handled(const d6t_bundle *b, const d6t_opt *o)
{
    return slot_handled(b, req_index(b, o));
}

static int code_in(uint16_t c, const uint16_t *codes, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (codes[i] == c) return 1;
    return 0;
}

/* The i-th unhandled option of the given codes, in request order; *count (if given) is how many
 * there are in all, from one walk. Options added to the request later are not among them. */
static d6t_opt *walk_unhandled(const d6t_bundle *b, const uint16_t *codes, size_t ncodes, size_t i,
                               size_t *count)
{
    d6t_opt *hit = NULL;
    size_t n = 0;
    if (!b || !b->request || (!codes && ncodes)) return NULL;
    for (d6t_opt *x = b->request->opts.first; x; x = x->next) {
        if (ncodes == 1 ? x->code != codes[0] : !code_in(x->code, codes, ncodes)) continue;
        long k = slot_at(b, x);
        if (k < 0 || slot_handled(b, k)) continue;
        if (n++ == i) {
            hit = x;
            if (!count) break;
        }
    }
    if (count) *count = n;
    return hit;
}

d6t_opt *d6t_bundle_unhandled(const d6t_bundle *b, const uint16_t *codes, size_t ncodes, size_t i)
{
    return walk_unhandled(b, codes, ncodes, i, NULL);
}

d6t_opt *d6t_bundle_first_unhandled(const d6t_bundle *b, uint16_t code)
{
    /* walk_unhandled's loop for one code and the first hit (a handler's usual question) */
    if (D6T__UNLIKELY(!b || !b->request)) return NULL;
    for (d6t_opt *x = b->request->opts.first; x; x = x->next) {
        if (D6T__LIKELY(x->code != code)) continue;
        long k = slot_at(b, x);
        if (D6T__LIKELY(k >= 0 && !slot_handled(b, k))) return x;
    }
    return NULL;
}

d6t_opt *d6t_bundle_next_unhandled(const d6t_bundle *b, const d6t_opt *o)
{
    if (req_index(b, o) < 0) return NULL;
    for (d6t_opt *x = o->next; x; x = x->next) {
        if (x->code != o->code) continue;
        long k = slot_at(b, x);
        if (k >= 0 && !slot_handled(b, k)) return x;
    }
    return NULL;
}

size_t d6t_bundle_unhandled_count(const d6t_bundle *b, const uint16_t *codes, size_t ncodes)
{
    size_t n = 0;
    walk_unhandled(b, codes, ncodes, SIZE_MAX, &n);
    return n;
}

/* ---- handler data ---- */
d6t_status d6t_bundle_set_handler_data(d6t_bundle *b, const void *key, void *data,
                                       void (*destroy)(void *))
{
    if (!b || !key) return D6T_ERR_INVALID_ARG;
    for (struct d6t_hdata *h = b->hdata; h; h = h->next) {
        if (h->key != key) continue;
        if (h->destroy && h->data != data) h->destroy(h->data);
        h->data = data;
        h->destroy = destroy;
        return D6T_OK;
    }
    struct d6t_hdata *h = d6t__alloc(b->arena, sizeof *h);
    if (!h) return D6T_ERR_NOMEM;
    h->key = key;
    h->data = data;
    h->destroy = destroy;
    h->next = b->hdata;
    b->hdata = h;
    return D6T_OK;
}

void *d6t_bundle_handler_data(const d6t_bundle *b, const void *key)
{
    for (struct d6t_hdata *h = b ? b->hdata : NULL; h; h = h->next)
        if (h->key == key) return h->data;
    return NULL;
}

/* ---- the log line ---- */
static void type_word(struct d6t_out *o, uint8_t type)
{
    /* IANA name in CamelCase: INFORMATION-REQUEST -> InformationRequest */
    const char *n = d6t_msg_type_name(type);
    if (!n) {
        d6t__out_fmt(o, "Message%u", type);
        return;
    }
    int up = 1;
    for (; *n; n++) {
        if (*n == '-') {
            up = 1;
            continue;
        }
        char c = (char)(up ? toupper((unsigned char)*n) : tolower((unsigned char)*n));
        d6t__out_mem(o, &c, 1);
        up = 0;
    }
}

static void link_word(struct d6t_out *o, const uint8_t *l)
{
    if (d6t__addr_unspecified(l))
        d6t__out_str(o, "LDRA");
    else
        d6t__out_addr6(o, l);
}

size_t d6t_bundle_describe(const d6t_bundle *b, char *out, size_t cap)
{
    struct d6t_out o;
    d6t__out_init(&o, out, cap);
    if (!b) return 0;
    if (!b->request) {
        d6t__out_fmt(&o, "no request: %s", b->no_request ? b->no_request : "?");
        return o.n;
    }
    type_word(&o, b->request->type);
    d6t__out_str(&o, " from ");
    d6t_opt *cid = d6t_msg_find_opt(b->request, D6T_OPT_CLIENTID);
    if (cid && cid->len)
        d6t__out_hex(&o, cid->data, cid->len > 130 ? 130 : cid->len);
    else
        d6t__out_str(&o, "unknown");
    if (b->flags & D6T_BUNDLE_TCP) d6t__out_str(&o, " over TCP");
    if (b->nrelays) {
        d6t__out_str(&o, " at ");
        d6t__out_addr6(&o, b->relays[0]->peer);
        d6t__out_str(&o, " via ");
        link_word(&o, b->relays[0]->link);
        for (size_t i = 1; i < b->nrelays; i++) {
            d6t__out_str(&o, " -> ");
            link_word(&o, b->relays[i]->link);
        }
    } else if (b->have_tcp_peer) {
        d6t__out_str(&o, " at ");
        d6t__out_addr6(&o, b->tcp_peer);
    }
    for (size_t i = 0; i < b->nmarks; i++) {
        d6t__out_str(&o, i ? "', '" : " with marks '");
        d6t__out_str(&o, b->marks[i]);
        if (i + 1 == b->nmarks) d6t__out_str(&o, "'");
    }
    return o.n;
}
