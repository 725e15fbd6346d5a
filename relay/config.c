/* dhcp6txn-relay: the configuration file, for relays with many interfaces. One directive per
 * line, '#' starts a comment; "downstream IFACE" opens a block that the following per-interface
 * lines belong to. Every error names its line. The format is in dhcp6txn-relay(8).
 * SPDX-License-Identifier: BSD-2-Clause */
#include "relayd.h"
#include "daemon.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TOKENS       8
#define MAX_CONFIG_BYTES (1u << 20)

void d6r_config_defaults(struct d6r_config *c)
{
    memset(c, 0, sizeof *c);
    c->port = 547;
    c->max_hops = 8; /* RFC 9915 HOP_COUNT_LIMIT (dhcrelay: 10) */
    c->max_hooks = 8;
    snprintf(c->pid_file, sizeof c->pid_file, "/run/dhcp6txn-relay.pid");
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

int d6r_parse_id(const char *s, uint8_t *out, size_t cap)
{
    size_t n = strlen(s);
    if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2, n -= 2;
        if (n % 2 || n / 2 > cap) return -1;
        for (size_t i = 0; i < n / 2; i++) {
            int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
            if (hi < 0 || lo < 0) return -1;
            out[i] = (uint8_t)(hi << 4 | lo);
        }
        return (int)(n / 2);
    }
    if (!n || n > cap) return -1;
    memcpy(out, s, n);
    return (int)n;
}

int d6r_parse_remote_id(const char *s, uint8_t *out, size_t cap)
{
    char *end;
    errno = 0;
    unsigned long long en = strtoull(s, &end, 10);
    if (errno || end == s || *end != ':' || s[0] == '-' || en > 0xffffffffull || cap < 5) return -1;
    int n = d6r_parse_id(end + 1, out + 4, cap - 4);
    if (n < 0) return -1;
    out[0] = (uint8_t)(en >> 24), out[1] = (uint8_t)(en >> 16);
    out[2] = (uint8_t)(en >> 8), out[3] = (uint8_t)en;
    return n + 4;
}

static int parse_port(const char *s, uint16_t *v)
{
    char *end;
    errno = 0;
    unsigned long x = strtoul(s, &end, 10);
    if (errno || *end || end == s || s[0] == '-' || x < 1 || x > 65535) return -1;
    *v = (uint16_t)x;
    return 0;
}

static int parse_bool(const char *s, int *v)
{
    if (!strcmp(s, "yes") || !strcmp(s, "on") || !strcmp(s, "true")) return *v = 1, 0;
    if (!strcmp(s, "no") || !strcmp(s, "off") || !strcmp(s, "false")) return *v = 0, 0;
    return -1;
}

static int valid_ifname(const char *s, size_t n)
{
    return n > 0 && n < D6R_IFNAME_MAX && !memchr(s, '/', n) && !memchr(s, ' ', n);
}

struct d6r_down *d6r_down_get(struct d6r_config *c, const char *name)
{
    size_t n = strlen(name);
    if (!valid_ifname(name, n)) return NULL;
    for (size_t i = 0; i < c->ndown; i++)
        if (!strcmp(c->down[i].name, name)) return &c->down[i];
    if (c->ndown == D6R_MAX_DOWN) return NULL;
    struct d6r_down *d = &c->down[c->ndown++];
    memset(d, 0, sizeof *d);
    memcpy(d->name, name, n + 1);
    d->client_link_layer = 1;
    return d;
}

/* "[address%]ifname": the part before '%' into addr (has_addr 0 when absent), the name into
 * name (NUL-terminated, its end at the first of 'stop'). */
static int split_addr_if(const char *arg, uint8_t addr[16], int *has_addr, char *name,
                         const char *stop)
{
    const char *pct = strchr(arg, '%'), *ifn = arg;
    *has_addr = 0;
    if (pct) {
        char a[INET6_ADDRSTRLEN];
        size_t al = (size_t)(pct - arg);
        if (al >= sizeof a) return -1;
        memcpy(a, arg, al);
        a[al] = 0;
        if (inet_pton(AF_INET6, a, addr) != 1) return -1;
        *has_addr = 1;
        ifn = pct + 1;
    }
    size_t n = strcspn(ifn, stop);
    if (!valid_ifname(ifn, n)) return -1;
    memcpy(name, ifn, n);
    name[n] = 0;
    return (int)n;
}

int d6r_parse_lower(struct d6r_config *c, const char *arg, char *err, size_t cap)
{
    uint8_t addr[16];
    int has;
    char name[D6R_IFNAME_MAX];
    int n = split_addr_if(arg, addr, &has, name, "#");
    if (n < 0) return d6d_config_error(err, cap, 0, "-l %s: want [address%%]ifname[#index]", arg);
    const char *ifn = strchr(arg, '%') ? strchr(arg, '%') + 1 : arg;
    unsigned index = 0;
    if (ifn[n] == '#') {
        char *end;
        errno = 0;
        unsigned long x = strtoul(ifn + n + 1, &end, 10);
        if (errno || *end || end == ifn + n + 1 || x == 0 || x > 0x7fffffff)
            return d6d_config_error(err, cap, 0, "-l %s: bad interface index", arg);
        index = (unsigned)x;
    }
    if (has && (addr[0] == 0xff || (addr[0] == 0xfe && (addr[1] & 0xc0) == 0x80)))
        return d6d_config_error(err, cap, 0, "-l %s: the link address must be global or ULA", arg);
    struct d6r_down *d = d6r_down_get(c, name);
    if (!d)
        return d6d_config_error(err, cap, 0, "-l %s: more than %d lower interfaces", arg,
                                D6R_MAX_DOWN);
    if (has) memcpy(d->link_address, addr, 16), d->has_link_address = 1;
    if (index) d->index = index;
    return 0;
}

int d6r_parse_upper(struct d6r_config *c, const char *arg, char *err, size_t cap)
{
    struct d6r_up u;
    int has;
    memset(&u, 0, sizeof u);
    int n = split_addr_if(arg, u.address, &has, u.name, "");
    if (n < 0 || arg[strlen(arg) - 1] == '%')
        return d6d_config_error(err, cap, 0, "-u %s: want [address%%]ifname", arg);
    if (!has) /* dhcrelay's default: All_DHCP_Relay_Agents_and_Servers */
        inet_pton(AF_INET6, "ff02::1:2", u.address);
    if (c->nup == D6R_MAX_UP)
        return d6d_config_error(err, cap, 0, "-u %s: more than %d upper destinations", arg,
                                D6R_MAX_UP);
    c->up[c->nup++] = u;
    return 0;
}

static int tokenize(char *line, char **tok)
{
    int n = 0;
    for (char *p = strtok(line, " \t\r"); p; p = strtok(NULL, " \t\r")) {
        if (n == MAX_TOKENS) return -1;
        tok[n++] = p;
    }
    return n;
}

/* A directive of a "downstream" block. */
static int down_line(struct d6r_down *d, char **tok, int nt, char *err, size_t cap, int ln)
{
    static const char *const words[] = {"link-address",  "interface-id", "remote-id",
                                        "subscriber-id", "trusted",      "client-link-layer"};
    int n, mine = 0;
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) mine |= !strcmp(tok[0], words[i]);
    if (!mine) return 1;
    if (nt != 2) return d6d_config_error(err, cap, ln, "%s takes one value", tok[0]);
    if (!strcmp(tok[0], "link-address")) {
        if (inet_pton(AF_INET6, tok[1], d->link_address) != 1 || d->link_address[0] == 0xff ||
            (d->link_address[0] == 0xfe && (d->link_address[1] & 0xc0) == 0x80))
            return d6d_config_error(err, cap, ln, "link-address: a global or ULA IPv6 address");
        d->has_link_address = 1;
    } else if (!strcmp(tok[0], "interface-id")) {
        if ((n = d6r_parse_id(tok[1], d->interface_id, sizeof d->interface_id)) < 0)
            return d6d_config_error(err, cap, ln, "interface-id: text or 0xHEX, 1 to %d bytes",
                                    D6R_ID_MAX);
        d->interface_id_len = (size_t)n;
    } else if (!strcmp(tok[0], "remote-id")) {
        if ((n = d6r_parse_remote_id(tok[1], d->remote_id, sizeof d->remote_id)) < 0)
            return d6d_config_error(err, cap, ln,
                                    "remote-id: ENTERPRISE-NUMBER:ID (ID text or 0xHEX)");
        d->remote_id_len = (size_t)n;
    } else if (!strcmp(tok[0], "subscriber-id")) {
        if ((n = d6r_parse_id(tok[1], d->subscriber_id, sizeof d->subscriber_id)) < 0)
            return d6d_config_error(err, cap, ln, "subscriber-id: text or 0xHEX, 1 to %d bytes",
                                    D6R_ID_MAX);
        d->subscriber_id_len = (size_t)n;
    } else if (!strcmp(tok[0], "trusted")) {
        if (parse_bool(tok[1], &d->trusted))
            return d6d_config_error(err, cap, ln, "trusted: yes or no");
    } else if (!strcmp(tok[0], "client-link-layer")) {
        if (parse_bool(tok[1], &d->client_link_layer))
            return d6d_config_error(err, cap, ln, "client-link-layer: yes or no");
    } else {
        return 1;
    }
    return 0;
}

static int global_line(struct d6r_config *c, char **tok, int nt, char *err, size_t cap, int ln)
{
    uint16_t port;
    int n;
    if (!strcmp(tok[0], "upstream")) {
        if (nt < 2 || nt > 3) return d6d_config_error(err, cap, ln, "upstream IFACE [ADDRESS]");
        char arg[INET6_ADDRSTRLEN + D6R_IFNAME_MAX + 2];
        snprintf(arg, sizeof arg, "%s%s%s", nt == 3 ? tok[2] : "", nt == 3 ? "%" : "", tok[1]);
        if (d6r_parse_upper(c, arg, err, cap))
            return d6d_config_error(err, cap, ln, "upstream: bad value");
        return 0;
    }
    if (!strcmp(tok[0], "hook")) {
        /* the rest of the line, as the shell will see it */
        size_t used = 0;
        for (int i = 1; i < nt; i++) {
            int w =
                snprintf(c->hook + used, sizeof c->hook - used, "%s%s", i > 1 ? " " : "", tok[i]);
            if (w < 0 || (size_t)w >= sizeof c->hook - used)
                return d6d_config_error(err, cap, ln, "hook: command too long");
            used += (size_t)w;
        }
        if (nt < 2) return d6d_config_error(err, cap, ln, "hook COMMAND");
        return 0;
    }
    if (nt != 2) return d6d_config_error(err, cap, ln, "%s takes one value", tok[0]);
    if (!strcmp(tok[0], "port") || !strcmp(tok[0], "source-port")) {
        if (parse_port(tok[1], &port))
            return d6d_config_error(err, cap, ln, "%s: 1 to 65535", tok[0]);
        *(!strcmp(tok[0], "port") ? &c->port : &c->source_port) = port;
    } else if (!strcmp(tok[0], "max-hop-count")) {
        if (parse_port(tok[1], &port) || port > 255)
            return d6d_config_error(err, cap, ln, "max-hop-count: 1 to 255");
        c->max_hops = port;
    } else if (!strcmp(tok[0], "max-hooks")) {
        if (parse_port(tok[1], &port) || port > 64)
            return d6d_config_error(err, cap, ln, "max-hooks: 1 to 64");
        c->max_hooks = port;
    } else if (!strcmp(tok[0], "interface-id-always")) {
        if (parse_bool(tok[1], &c->interface_id))
            return d6d_config_error(err, cap, ln, "interface-id-always: yes or no");
    } else if (!strcmp(tok[0], "ldra")) {
        if (parse_bool(tok[1], &c->ldra)) return d6d_config_error(err, cap, ln, "ldra: yes or no");
    } else if (!strcmp(tok[0], "relay-id")) {
        if ((n = d6r_parse_id(tok[1], c->relay_id, 130)) < 2)
            return d6d_config_error(err, cap, ln, "relay-id: a DUID, 0xHEX of 2 to 130 bytes");
        c->relay_id_len = (size_t)n;
    } else if (!strcmp(tok[0], "subscriber-id")) {
        if ((n = d6r_parse_id(tok[1], c->subscriber_id, sizeof c->subscriber_id)) < 0)
            return d6d_config_error(err, cap, ln, "subscriber-id: text or 0xHEX, 1 to %d bytes",
                                    D6R_ID_MAX);
        c->subscriber_id_len = (size_t)n;
    } else {
        return d6d_config_error(err, cap, ln, "unknown directive '%s'", tok[0]);
    }
    return 0;
}

int d6r_config_parse(struct d6r_config *c, const char *text, char *err, size_t cap)
{
    struct d6r_down *block = NULL;
    int ln = 0;
    for (const char *p = text; *p;) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        char line[1280];
        ln++;
        if (len >= sizeof line) return d6d_config_error(err, cap, ln, "line too long");
        memcpy(line, p, len);
        line[len] = 0;
        p += len + (eol ? 1 : 0);
        char *hash = strchr(line, '#');
        if (hash) *hash = 0;
        char *tok[MAX_TOKENS];
        int nt = tokenize(line, tok);
        if (nt < 0) return d6d_config_error(err, cap, ln, "too many words");
        if (nt == 0) continue;
        if (!strcmp(tok[0], "downstream")) {
            if (nt != 2) return d6d_config_error(err, cap, ln, "downstream IFACE");
            if (!(block = d6r_down_get(c, tok[1])))
                return d6d_config_error(err, cap, ln, "downstream %s: bad name or more than %d",
                                        tok[1], D6R_MAX_DOWN);
            continue;
        }
        int r = block ? down_line(block, tok, nt, err, cap, ln) : 1;
        if (r < 0) return -1;
        if (r == 1) {
            /* a global directive ends the block it follows */
            block = NULL;
            if (global_line(c, tok, nt, err, cap, ln)) return -1;
        }
    }
    return 0;
}

int d6r_config_load(struct d6r_config *c, const char *path, char *err, size_t cap)
{
    FILE *f = fopen(path, "r");
    if (!f) return d6d_config_error(err, cap, 0, "%s: %s", path, strerror(errno));
    static char text[MAX_CONFIG_BYTES + 1];
    size_t n = fread(text, 1, MAX_CONFIG_BYTES + 1, f);
    int bad = ferror(f);
    fclose(f);
    if (bad) return d6d_config_error(err, cap, 0, "%s: read error", path);
    if (n > MAX_CONFIG_BYTES) return d6d_config_error(err, cap, 0, "%s: larger than 1 MiB", path);
    text[n] = 0;
    if (memchr(text, 0, n)) return d6d_config_error(err, cap, 0, "%s: NUL byte in the file", path);
    char e[256];
    if (d6r_config_parse(c, text, e, sizeof e))
        return d6d_config_error(err, cap, 0, "%s: %s", path, e);
    return 0;
}

int d6r_config_finish(struct d6r_config *c, char *err, size_t cap)
{
    if (!c->ndown)
        return d6d_config_error(err, cap, 0, "no lower (downstream) interface: -l IFACE");
    if (!c->nup)
        return d6d_config_error(err, cap, 0, "no upper (upstream) destination: -u [ADDR%%]IFACE");
    if (c->source_port == c->port) c->source_port = 0; /* not another port: nothing to say */
    if (c->ldra) c->interface_id = 1;                  /* RFC 6221: always an Interface-ID */
    if (c->ndown > 1) c->interface_id = 1; /* which link a reply is for: as dhcrelay does */
    for (size_t i = 0; i < c->ndown; i++) {
        struct d6r_down *d = &c->down[i];
        if (c->ldra && d->has_link_address)
            return d6d_config_error(err, cap, 0,
                                    "%s: an LDRA sends link-address :: (RFC 6221), none is given",
                                    d->name);
        if (!d->interface_id_len) {
            d->interface_id_len = strlen(d->name);
            memcpy(d->interface_id, d->name, d->interface_id_len);
        }
        for (size_t j = 0; j < i; j++)
            if (c->down[j].interface_id_len == d->interface_id_len &&
                !memcmp(c->down[j].interface_id, d->interface_id, d->interface_id_len))
                return d6d_config_error(err, cap, 0, "%s and %s have the same interface-id",
                                        c->down[j].name, d->name);
    }
    return 0;
}

static void print_id(FILE *out, const char *label, const uint8_t *v, size_t n)
{
    fprintf(out, " %s 0x", label);
    for (size_t i = 0; i < n; i++) fprintf(out, "%02x", v[i]);
}

void d6r_config_print(const struct d6r_config *c, FILE *out)
{
    char a[INET6_ADDRSTRLEN];
    fprintf(out, "port %u, upstream source port %u, max hop count %u%s%s\n", c->port,
            c->source_port ? c->source_port : c->port, c->max_hops,
            c->ldra ? ", lightweight relay (LDRA)" : "",
            c->interface_id ? ", Interface-ID always" : "");
    for (size_t i = 0; i < c->ndown; i++) {
        const struct d6r_down *d = &c->down[i];
        fprintf(out, "lower %s", d->name);
        if (d->has_link_address)
            fprintf(out, " link-address %s", inet_ntop(AF_INET6, d->link_address, a, sizeof a));
        if (c->interface_id) print_id(out, "interface-id", d->interface_id, d->interface_id_len);
        if (d->remote_id_len) print_id(out, "remote-id", d->remote_id, d->remote_id_len);
        const uint8_t *sub = d->subscriber_id_len ? d->subscriber_id : c->subscriber_id;
        size_t sublen = d->subscriber_id_len ? d->subscriber_id_len : c->subscriber_id_len;
        if (sublen) print_id(out, "subscriber-id", sub, sublen);
        fprintf(out, " client-link-layer %s\n", d->client_link_layer ? "yes" : "no");
    }
    for (size_t i = 0; i < c->nup; i++)
        fprintf(out, "upper %s%%%s\n", inet_ntop(AF_INET6, c->up[i].address, a, sizeof a),
                c->up[i].name);
    if (c->hook[0]) fprintf(out, "hook %s (at most %u at once)\n", c->hook, c->max_hooks);
}
