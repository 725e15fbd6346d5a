/* Test helper: runs transaction bundles over lines "INCOMING_HEX MULTICAST TCP RESPONSES" where
 * RESPONSES is '-' or comma-separated hex messages (the first set as the response, the others
 * produced by a generator), and prints one JSON object per line with what the bundle derived.
 * Used by scenarios.py to compare with dhcpkit's TransactionBundle. Public API only. */
#include <dhcp6txn.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t unhex(const char *h, size_t hl, uint8_t *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i + 1 < hl && n < cap; i += 2) {
        unsigned v;
        if (sscanf(h + i, "%2x", &v) != 1) break;
        out[n++] = (uint8_t)v;
    }
    return n;
}

static void print_hex(const uint8_t *p, size_t n)
{
    putchar('"');
    for (size_t i = 0; i < n; i++) printf("%02x", p[i]);
    putchar('"');
}

static void print_addr(const uint8_t a[16])
{
    char t[INET6_ADDRSTRLEN];
    printf("\"%s\"", inet_ntop(AF_INET6, a, t, sizeof t));
}

struct gen {
    const char *next; /* remaining comma-separated hex */
};

static d6t_status gen_fn(void *ctx, d6t_bundle *b, d6t_arena *scratch, d6t_msg **out)
{
    struct gen *g = ctx;
    (void)b;
    *out = NULL;
    if (!g->next || !*g->next) return D6T_OK;
    const char *end = strchr(g->next, ',');
    size_t hl = end ? (size_t)(end - g->next) : strlen(g->next);
    uint8_t buf[4096];
    size_t n = unhex(g->next, hl, buf, sizeof buf);
    g->next = end ? end + 1 : NULL;
    return d6t_msg_parse(scratch, buf, n, D6T_PARSE_COPY, out, NULL);
}

static void run(char *inc, int mc, int tcp, char *resp)
{
    static uint8_t buf[65536], out[65536];
    size_t n = unhex(inc, strlen(inc), buf, sizeof buf), len;
    unsigned flags = (mc ? D6T_BUNDLE_MULTICAST : 0) | (tcp ? D6T_BUNDLE_TCP : 0);
    d6t_bundle *b;
    d6t_parse_error e;
    d6t_status st = d6t_bundle_new(NULL, buf, n, flags, NULL, &b, &e);
    if (st) {
        printf("{\"bundle_error\": \"%s\"}\n", d6t_status_name(st));
        return;
    }
    printf("{");
    d6t_msg *req = d6t_bundle_request(b);
    if (req && d6t_msg_write(req, out, sizeof out, &len) == D6T_OK) {
        printf("\"request_hex\": ");
        print_hex(out, len);
        printf(", \"request_msg_type\": %u", d6t_msg_type(req));
    } else {
        printf("\"request_hex\": null, \"request_msg_type\": null");
    }
    printf(", \"relay_chain_innermost_first\": [");
    for (size_t i = 0; i < d6t_bundle_incoming_relay_count(b); i++) {
        d6t_msg *r = d6t_bundle_incoming_relay(b, i);
        uint8_t a[16];
        printf("%s{\"hop_count\": %u, \"link_address\": ", i ? ", " : "", d6t_msg_hop_count(r));
        d6t_msg_link_address(r, a);
        print_addr(a);
        printf(", \"peer_address\": ");
        d6t_msg_peer_address(r, a);
        print_addr(a);
        printf("}");
    }
    uint8_t la[16];
    printf("], \"link_address\": ");
    if (d6t_bundle_link_address(b, la) == D6T_OK)
        print_addr(la);
    else
        printf("\"ERROR\"");
    printf(", \"relays\": [");
    for (size_t i = 0; i < d6t_bundle_relay_count(b); i++) {
        d6t_bundle_relay(b, i, la);
        printf("%s", i ? ", " : "");
        print_addr(la);
    }
    printf("]");
    struct gen g = {NULL};
    if (strcmp(resp, "-") != 0) {
        char *comma = strchr(resp, ',');
        size_t hl = comma ? (size_t)(comma - resp) : strlen(resp);
        size_t rn = unhex(resp, hl, buf, sizeof buf);
        d6t_msg *first;
        if (d6t_msg_parse(d6t_bundle_arena(b), buf, rn, D6T_PARSE_COPY, &first, NULL) == D6T_OK) {
            d6t_bundle_set_response(b, first);
            g.next = comma ? comma + 1 : NULL;
            if (g.next) d6t_bundle_set_response_generator(b, gen_fn, &g, NULL);
        }
    }
    printf(", \"outgoing_message_hex\": ");
    if (d6t_bundle_outgoing_message(b, out, sizeof out, &len) == D6T_OK)
        print_hex(out, len);
    else
        printf("null");
    printf(", \"outgoing_hex\": [");
    int k = 0;
    while (d6t_bundle_outgoing_next(b, out, sizeof out, &len) == D6T_OK) {
        printf("%s", k++ ? ", " : "");
        print_hex(out, len);
    }
    printf("]}\n");
    d6t_bundle_free(b);
}

int main(void)
{
    static char line[1 << 20];
    while (fgets(line, sizeof line, stdin)) {
        char inc[70000], resp[600000];
        int mc, tcp;
        if (sscanf(line, "%69999s %d %d %599999s", inc, &mc, &tcp, resp) != 4) {
            printf("{\"tool_error\": \"bad input line\"}\n");
            continue;
        }
        run(inc, mc, tcp, resp);
        fflush(stdout);
    }
    return 0;
}
