/* dhcp6txn-relay: one datagram through the library's relay agent (include/dhcp6txn/relay.h).
 * A Relay-reply that arrives on an upper interface is unwrapped toward its client or downstream
 * relay; anything else is wrapped into a Relay-forward toward every upper destination. The daemon
 * never parses or builds a DHCPv6 message itself: every decision about a message (what may be
 * relayed, hop counts, which interface a reply is for, the options added) is the library's, and
 * its status and reason are what a drop is logged with.
 * SPDX-License-Identifier: BSD-2-Clause */
#include "relayd.h"

#include <arpa/inet.h>
#include <string.h>

#include <dhcp6txn.h>

int d6r_engine_init(struct relayd *r, char *err, size_t cap)
{
    const struct d6r_config *c = &r->cfg;
    d6t_relay_opts o = D6T_RELAY_OPTS_INIT;
    o.source_port = c->source_port;
    o.hop_count_limit = (uint8_t)c->max_hops;
    if (c->relay_id_len) o.relay_id = c->relay_id, o.relay_id_len = c->relay_id_len;
    d6t_relay *rel;
    d6t_status st = d6t_relay_new(NULL, &o, &rel);
    if (st != D6T_OK) return snprintf(err, cap, "relay: %s", d6t_strerror(st)), -1;
    for (size_t i = 0; i < c->ndown; i++) {
        const struct d6r_down *d = &c->down[i];
        d6t_relay_iface_opts io = D6T_RELAY_IFACE_OPTS_INIT;
        io.iface = d->index;
        io.flags = (d->client_link_layer ? D6T_RELAY_IFACE_CLIENT_LLADDR : 0) |
                   (c->ldra ? D6T_RELAY_IFACE_LDRA : 0) |
                   (c->ldra && d->trusted ? D6T_RELAY_IFACE_TRUSTED : 0);
        int has_link = !c->ldra && (d->has_link_address || r->learned[i]);
        if (has_link) io.link_address = d->has_link_address ? d->link_address : r->link[i];
        /* RFC 9915 section 19.1.1: without a global address the Interface-ID names the link */
        if (c->interface_id || !has_link)
            io.interface_id = d->interface_id, io.interface_id_len = d->interface_id_len;
        if (d->remote_id_len) {
            io.remote_id_enterprise = (uint32_t)d->remote_id[0] << 24 |
                                      (uint32_t)d->remote_id[1] << 16 |
                                      (uint32_t)d->remote_id[2] << 8 | d->remote_id[3];
            io.remote_id = d->remote_id + 4, io.remote_id_len = d->remote_id_len - 4;
        }
        if (d->subscriber_id_len)
            io.subscriber_id = d->subscriber_id, io.subscriber_id_len = d->subscriber_id_len;
        else if (c->subscriber_id_len)
            io.subscriber_id = c->subscriber_id, io.subscriber_id_len = c->subscriber_id_len;
        d6t_parse_error pe = {D6T_OK, 0, NULL};
        st = d6t_relay_add_iface(rel, &io, &pe);
        if (st != D6T_OK) {
            d6t_relay_free(rel);
            return snprintf(err, cap, "interface %s: %s%s%s", d->name, d6t_strerror(st),
                            pe.reason ? ": " : "", pe.reason ? pe.reason : ""),
                   -1;
        }
    }
    d6t_relay_free(r->relay);
    r->relay = rel;
    return 0;
}

void d6r_engine_fini(struct relayd *r)
{
    d6t_relay_free(r->relay);
    r->relay = NULL;
}

/* The client's DUID in hex ("-" when the message has none): the innermost message's Client ID. */
static const char *client_duid(const d6t_msg *m, char *out, size_t cap)
{
    for (int depth = 0; m && d6t_msg_relayed(m) && depth < 40; depth++) m = d6t_msg_relayed(m);
    const d6t_opt *o = m ? d6t_msg_find_opt(m, D6T_OPT_CLIENTID) : NULL;
    size_t n = 0, len;
    const uint8_t *v = o ? d6t_opt_data(o, &len) : NULL;
    if (!v || !len) return "-";
    for (size_t i = 0; i < len && n + 3 <= cap; i++)
        n += (size_t)snprintf(out + n, 3, "%02x", v[i]);
    return out;
}

static const char *innermost_name(const d6t_msg *m)
{
    for (int depth = 0; m && d6t_msg_relayed(m) && depth < 40; depth++) m = d6t_msg_relayed(m);
    return m ? d6t_msg_type_name(d6t_msg_type(m)) : "?";
}

static int is_upper(const struct relayd *r, unsigned ifindex)
{
    for (size_t i = 0; i < r->cfg.nup; i++)
        if (r->cfg.up[i].index == ifindex) return 1;
    return 0;
}

static const char *ifname_of(const struct relayd *r, unsigned ifindex)
{
    const struct d6r_down *d = d6r_down_by_index(r, ifindex);
    if (d) return d->name;
    for (size_t i = 0; i < r->cfg.nup; i++)
        if (r->cfg.up[i].index == ifindex) return r->cfg.up[i].name;
    return "?";
}

static void log_drop(struct relayd *r, const struct d6r_rx *rx, const char *side,
                     const d6t_parse_error *pe, const char *why)
{
    char src[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, rx->src, src, sizeof src);
    if (pe)
        d6r_notef(r, "drop %s %s (%zu bytes) from [%s]:%u on %s: %s at byte %zu%s%s", side,
                  rx->len ? d6t_msg_type_name(rx->buf[0]) : "empty datagram", rx->len, src,
                  rx->sport, ifname_of(r, rx->ifindex), d6t_strerror(pe->status), pe->offset,
                  pe->reason ? ": " : "", pe->reason ? pe->reason : "");
    else
        d6r_notef(r, "drop %s %s (%zu bytes) from [%s]:%u on %s: %s", side,
                  rx->len ? d6t_msg_type_name(rx->buf[0]) : "empty datagram", rx->len, src,
                  rx->sport, ifname_of(r, rx->ifindex), why);
}

static void forward(struct relayd *r, const struct d6r_rx *rx)
{
    const struct d6r_down *d = d6r_down_by_index(r, rx->ifindex);
    if (!d) {
        r->cnt.dropped_down++;
        log_drop(r, rx, "downstream", NULL, "received on an interface that is not a lower one");
        return;
    }
    d6t_relay_rx in = D6T_RELAY_RX_INIT;
    in.iface = rx->ifindex;
    in.src_addr = rx->src;
    in.src_port = rx->sport;
    if (rx->has_mac) in.lladdr = rx->mac, in.lladdr_len = 6;
    d6t_msg *fw = NULL;
    d6t_parse_error pe = {D6T_OK, 0, NULL};
    d6t_status st = d6t_relay_forward(r->relay, r->arena, &in, rx->buf, rx->len, &fw, &pe);
    size_t len = 0;
    if (st == D6T_OK) st = d6t_msg_write(fw, r->out, sizeof r->out, &len);
    if (st != D6T_OK) {
        r->cnt.dropped_down++;
        if (pe.status == D6T_OK) pe.status = st;
        log_drop(r, rx, "downstream", &pe, NULL);
        return;
    }
    int sent = d6r_send_up(r, len);
    if (sent <= 0) return; /* d6r_send_up logged why */
    r->cnt.forwarded++;
    if (!r->log) return;
    char src[INET6_ADDRSTRLEN], duid[2 * 130 + 1];
    inet_ntop(AF_INET6, rx->src, src, sizeof src);
    d6r_logf(r, "forward %s from [%s]:%u on %s hop-count %u client %s%s -> %d upper (%zu bytes)",
             innermost_name(fw), src, rx->sport, d->name, d6t_msg_hop_count(fw),
             client_duid(fw, duid, sizeof duid), rx->has_mac && d->client_link_layer ? " mac" : "",
             sent, len);
}

/* The prefixes a relayed Reply delegates go to the hook (routes toward the client). */
static void run_hooks(struct relayd *r, const d6t_relay_delivery *dv, const char *ifname,
                      const uint8_t peer[16])
{
    size_t n = d6t_relay_delivery_lease_count(dv);
    for (size_t i = 0; i < n; i++) {
        d6t_relay_lease l = D6T_RELAY_LEASE_INIT;
        if (d6t_relay_delivery_lease(dv, i, &l) != D6T_OK || l.ia_type != D6T_OPT_IA_PD) continue;
        d6r_run_hook(r, ifname, peer, l.addr, l.prefix_len, l.preferred, l.valid);
    }
}

static void reply(struct relayd *r, const struct d6r_rx *rx)
{
    d6t_relay_delivery *dv = NULL;
    d6t_parse_error pe = {D6T_OK, 0, NULL};
    d6t_status st = d6t_relay_reply(r->relay, r->arena, rx->buf, rx->len, &dv, &pe);
    if (st != D6T_OK) {
        r->cnt.dropped_up++;
        if (pe.status == D6T_OK) pe.status = st;
        log_drop(r, rx, "upstream", &pe, NULL);
        return;
    }
    uint8_t to[16];
    uint16_t port;
    size_t len;
    const uint8_t *bytes = d6t_relay_delivery_bytes(dv, &len);
    unsigned ifindex = d6t_relay_delivery_iface(dv);
    const struct d6r_down *d = d6r_down_by_index(r, ifindex);
    if (!bytes || !d || len > sizeof r->out ||
        d6t_relay_delivery_destination(dv, to, &port) != D6T_OK) {
        r->cnt.dropped_up++;
        log_drop(r, rx, "upstream", NULL, "no destination for the inner message");
        return;
    }
    memcpy(r->out, bytes, len);
    if (d6r_send_down(r, ifindex, to, port, len)) return; /* logged */
    r->cnt.replied++;
    if (r->cfg.hook[0]) run_hooks(r, dv, d->name, to);
    if (!r->log) return;
    char dst[INET6_ADDRSTRLEN], duid[2 * 130 + 1];
    inet_ntop(AF_INET6, to, dst, sizeof dst);
    const d6t_msg *rr = d6t_relay_delivery_relay_reply(dv);
    d6r_logf(r, "reply %s to [%s]:%u on %s hop-count %u client %s leases %zu (%zu bytes)",
             innermost_name(d6t_relay_delivery_message(dv)), dst, port, d->name,
             d6t_msg_hop_count(rr), client_duid(d6t_relay_delivery_message(dv), duid, sizeof duid),
             d6t_relay_delivery_lease_count(dv), len);
}

void d6r_handle(struct relayd *r, const struct d6r_rx *rx)
{
    r->cnt.received++;
    d6t_arena_reset(r->arena);
    if (rx->len && rx->buf[0] == D6T_MSG_RELAY_REPL && is_upper(r, rx->ifindex)) {
        reply(r, rx);
    } else if (is_upper(r, rx->ifindex) && !d6r_down_by_index(r, rx->ifindex)) {
        r->cnt.dropped_up++;
        log_drop(r, rx, "upstream", NULL, "only Relay-replies are taken from an upper interface");
    } else {
        forward(r, rx);
    }
}
