/* dhcp6txn-demo: a guided tour of libdhcp6txn on real DHCPv6 messages (examples/samples/).
 * Decodes each sample into a tree, shows JSON, typed field access, validation and the
 * byte-exact round trip. Not installed; the README's quick start runs it.
 * SPDX-License-Identifier: BSD-2-Clause */
#include <dhcp6txn.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef D6T_DEMO_SAMPLES
#define D6T_DEMO_SAMPLES "examples/samples"
#endif

#define MAX_MSG 4096

struct sample {
    const char *file;
    char title[160];
    char source[200];
    uint8_t bytes[MAX_MSG];
    size_t len;
};

static struct sample samples[] = {
    {.file = "01-relayed-solicit.hex"},
    {.file = "02-advertise.hex"},
    {.file = "03-reply-na-pd-dns.hex"},
    {.file = "04-information-request.hex"},
};
#define NSAMPLES (sizeof samples / sizeof samples[0])

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Sample files: "# title", "# Source: ...", then one line of hex. */
static int load(struct sample *s)
{
    char path[512], line[2 * MAX_MSG + 256];
    snprintf(path, sizeof path, "%s/%s", D6T_DEMO_SAMPLES, s->file);
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return -1;
    }
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (line[0] == '#') {
            const char *t = line + 1 + (line[1] == ' ');
            if (strncmp(t, "Source: ", 8) == 0)
                snprintf(s->source, sizeof s->source, "%s", t + 8);
            else if (!s->title[0])
                snprintf(s->title, sizeof s->title, "%s", t);
            continue;
        }
        for (size_t i = 0; line[i] && line[i + 1] && s->len < MAX_MSG; i += 2) {
            int hi = hexval(line[i]), lo = hexval(line[i + 1]);
            if (hi < 0 || lo < 0) break;
            s->bytes[s->len++] = (uint8_t)(hi << 4 | lo);
        }
        if (s->len) break;
    }
    fclose(f);
    if (!s->len) fprintf(stderr, "%s: no message found\n", path);
    return s->len ? 0 : -1;
}

static int color;

static void rule(const char *title)
{
    if (color)
        printf("\n\033[1m== %s ==\033[0m\n", title);
    else
        printf("\n== %s ==\n", title);
}

/* The library's printers never allocate: ask for the size, then print into a buffer. */
static void print_text(const d6t_msg *m)
{
    size_t n = d6t_msg_to_text(m, NULL, 0);
    char *buf = malloc(n + 1);
    if (!buf) return;
    d6t_msg_to_text(m, buf, n + 1);
    fputs(buf, stdout);
    free(buf);
}

static void print_json(const d6t_msg *m)
{
    size_t n = d6t_msg_to_json(m, NULL, 0);
    char *buf = malloc(n + 1);
    if (!buf) return;
    d6t_msg_to_json(m, buf, n + 1);
    puts(buf);
    free(buf);
}

static const char *addr6(const uint8_t a[16], char *buf)
{
    return inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN) ? buf : "?";
}

/* Typed access: what did the server hand out? */
static void show_lease(const d6t_msg *reply)
{
    char t[INET6_ADDRSTRLEN];
    uint8_t a[16], plen;
    uint32_t valid;
    const d6t_opt *ia = d6t_msg_find_opt(reply, D6T_OPT_IA_NA);
    const d6t_opt *ad = ia ? d6t_opt_find_child(ia, D6T_OPT_IAADDR) : NULL;
    if (ad && d6t_opt_get_addr6(ad, D6T_IAADDR_ADDRESS, a) == D6T_OK &&
        d6t_opt_get_u32(ad, D6T_IAADDR_VALID_LIFETIME, &valid) == D6T_OK)
        printf("  address        %s (valid %u s)\n", addr6(a, t), valid);
    const d6t_opt *pd = d6t_msg_find_opt(reply, D6T_OPT_IA_PD);
    const d6t_opt *pf = pd ? d6t_opt_find_child(pd, D6T_OPT_IAPREFIX) : NULL;
    if (pf && d6t_opt_get_prefix(pf, D6T_IAPREFIX_PREFIX, a, &plen) == D6T_OK)
        printf("  prefix         %s/%u\n", addr6(a, t), plen);
    const d6t_opt *dns = d6t_msg_find_opt(reply, D6T_OPT_DNS_SERVERS);
    size_t n = 0;
    if (dns && d6t_opt_list_count(dns, D6T_DNS_SERVERS_DNS_SERVERS, &n) == D6T_OK)
        printf("  DNS servers    %zu, first: %s\n", n,
               d6t_opt_list_get_addr6(dns, D6T_DNS_SERVERS_DNS_SERVERS, 0, a) == D6T_OK
                   ? addr6(a, t)
                   : "?");
}

static int on_violation(void *ctx, d6t_violation_kind kind, const char *where, const char *what)
{
    (void)ctx;
    (void)kind;
    printf("      - %s: %s\n", where, what);
    return 0;
}

int main(void)
{
    /* All parsing below happens in this stack buffer: no heap allocation per message. */
    static _Alignas(16) unsigned char arena_mem[64 * 1024];
    d6t_arena *arena = d6t_arena_new_in(arena_mem, sizeof arena_mem, NULL);
    d6t_msg *msgs[NSAMPLES] = {0};
    int bad = 0;

    color = isatty(STDOUT_FILENO);
    printf("libdhcp6txn %s: a DHCPv6 codec in C. This demo decodes %zu real messages\n"
           "captured between ISC dhclient, dhcpcd, relays and a Kea server (%s).\n",
           d6t_version(), NSAMPLES, D6T_DEMO_SAMPLES);
    if (!arena) return 1;

    for (size_t i = 0; i < NSAMPLES; i++) {
        struct sample *s = &samples[i];
        d6t_parse_error err;
        if (load(s)) return 1;
        char head[200];
        snprintf(head, sizeof head, "%zu. %s", i + 1, s->title);
        rule(head);
        printf("   %s, %zu bytes\n\n", s->source, s->len);
        if (d6t_msg_parse(arena, s->bytes, s->len, 0, &msgs[i], &err) != D6T_OK) {
            printf("   rejected at byte %zu: %s\n", err.offset, err.reason);
            bad = 1;
            continue;
        }
        print_text(msgs[i]);
    }

    rule("The same Information-request as JSON (d6t_msg_to_json)");
    if (msgs[3]) print_json(msgs[3]);

    rule("Typed field access on the Reply (d6t_opt_get_*)");
    if (msgs[2]) show_lease(msgs[2]);
    const d6t_msg *inner = msgs[0];
    while (inner && d6t_msg_relayed(inner)) inner = d6t_msg_relayed(inner);
    if (inner)
        printf("  relayed Solicit: innermost message is %s, transaction id 0x%06x\n",
               d6t_msg_type_name(d6t_msg_type(inner)), (unsigned)d6t_msg_transaction_id(inner));

    rule("Validation against RFC 9915 (d6t_msg_validate)");
    for (size_t i = 0; i < NSAMPLES; i++) {
        if (!msgs[i]) continue;
        size_t count = 0;
        printf("  %-28s ", samples[i].file);
        if (d6t_msg_validate(msgs[i], NULL, NULL, &count) == D6T_OK) {
            puts("valid");
        } else {
            printf("%zu violation(s):\n", count);
            d6t_msg_validate(msgs[i], on_violation, NULL, NULL);
        }
    }

    rule("Round trip: parse, then write back (d6t_msg_write)");
    for (size_t i = 0; i < NSAMPLES; i++) {
        uint8_t out[MAX_MSG];
        size_t len = 0;
        if (!msgs[i]) continue;
        int same = d6t_msg_write(msgs[i], out, sizeof out, &len) == D6T_OK &&
                   len == samples[i].len && memcmp(out, samples[i].bytes, len) == 0;
        printf("  %-28s %4zu bytes in, %4zu bytes out: %s\n", samples[i].file, samples[i].len, len,
               same ? "identical" : "DIFFERENT");
        bad |= !same;
    }
    printf("\n  %zu bytes of arena used for all %zu messages, %zu heap blocks taken.\n",
           d6t_arena_used(arena), NSAMPLES, d6t_arena_heap_blocks(arena));

    printf("\nDecode your own traffic:  dhcp6txn-decode -i pcap capture.pcap   (or -f json, "
           "--validate)\n");
    d6t_arena_free(arena);
    return bad;
}
