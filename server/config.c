/* dhcp6txn-server: the configuration file. One directive per line, '#' starts a comment;
 * "subnet" opens a block that the following pool/pd-pool/interface lines belong to.
 * Every error names its line. See docs/SERVER.md for the format.
 * SPDX-License-Identifier: BSD-2-Clause */
#include "server.h"
#include "daemon.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TOKENS       16
#define MAX_CONFIG_BYTES (1u << 20)

void d6s_config_defaults(struct d6s_config *c)
{
    memset(c, 0, sizeof *c);
    c->port = 547;
    c->t1 = 1000;
    c->t2 = 2000;
    c->preferred = 3000;
    c->valid = 4000;
    c->rapid_commit = 1;
    c->max_leases = 65536;
    c->max_tcp_conns = 4;
    c->tcp_idle_timeout = 60;
    c->tcp_frame_timeout = 10;
    c->tcp_evict = 1;
}

static int parse_u32(const char *s, uint32_t *v)
{
    char *end;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 10);
    if (errno || *end || end == s || s[0] == '-' || x > 0xffffffffull) return -1;
    *v = (uint32_t)x;
    return 0;
}

static int parse_bool(const char *s, int *v)
{
    if (!strcmp(s, "yes") || !strcmp(s, "on") || !strcmp(s, "true")) return *v = 1, 0;
    if (!strcmp(s, "no") || !strcmp(s, "off") || !strcmp(s, "false")) return *v = 0, 0;
    return -1;
}

static int parse_prefix(const char *s, uint8_t addr[16], uint8_t *plen)
{
    char buf[INET6_ADDRSTRLEN + 8];
    const char *slash = strchr(s, '/');
    if (!slash || (size_t)(slash - s) >= INET6_ADDRSTRLEN) return -1;
    memcpy(buf, s, (size_t)(slash - s));
    buf[slash - s] = 0;
    uint32_t n;
    if (inet_pton(AF_INET6, buf, addr) != 1 || parse_u32(slash + 1, &n) || n > 128) return -1;
    *plen = (uint8_t)n;
    for (unsigned bit = n; bit < 128; bit++) /* host bits must be zero */
        if (addr[bit / 8] & (0x80 >> (bit % 8))) return -1;
    return 0;
}

int d6s_prefix_contains(const uint8_t prefix[16], uint8_t plen, const uint8_t addr[16])
{
    unsigned full = plen / 8u, rest = plen % 8u;
    if (memcmp(prefix, addr, full)) return 0;
    if (!rest) return 1;
    uint8_t mask = (uint8_t)(0xff << (8 - rest));
    return (prefix[full] & mask) == (addr[full] & mask);
}

static uint64_t low64(const uint8_t a[16])
{
    uint64_t v = 0;
    for (int i = 8; i < 16; i++) v = v << 8 | a[i];
    return v;
}

/* Address blocks no client may lease (RFC 4291): a reply granting one would not validate and a
 * client could not use it. */
static const struct {
    uint8_t prefix[16], plen;
    const char *what;
} reserved[] = {
    {{0}, 127, "::/127 (unspecified and loopback)"},
    {{0xfe, 0x80}, 10, "fe80::/10 (link-local)"},
    {{0xff}, 8, "ff00::/8 (multicast)"},
};

/* The reserved block [first, last] overlaps, or NULL. */
static const char *reserved_overlap(const uint8_t first[16], const uint8_t last[16])
{
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++) {
        uint8_t lo[16], hi[16];
        memcpy(lo, reserved[i].prefix, 16);
        memcpy(hi, reserved[i].prefix, 16);
        for (unsigned bit = reserved[i].plen; bit < 128; bit++)
            hi[bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
        if (memcmp(first, hi, 16) <= 0 && memcmp(lo, last, 16) <= 0) return reserved[i].what;
    }
    return NULL;
}

static const char *reserved_prefix_overlap(const uint8_t prefix[16], uint8_t plen)
{
    uint8_t last[16];
    memcpy(last, prefix, 16);
    for (unsigned bit = plen; bit < 128; bit++) last[bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
    return reserved_overlap(prefix, last);
}

static int directive(struct d6s_config *c, struct d6s_subnet *sn, char **t, int n, int line,
                     char *err, size_t cap)
{
    const char *k = t[0];
    uint32_t u;
#define NEED(cnt)       \
    if (n != (cnt) + 1) \
    return d6d_config_error(err, cap, line, "'%s' takes %d value%s", k, cnt, (cnt) == 1 ? "" : "s")
    if (!strcmp(k, "interface") && !sn) {
        if (n < 2)
            return d6d_config_error(err, cap, line,
                                    "'interface' needs at least one interface name");
        for (int i = 1; i < n; i++) {
            if (c->nifaces == D6S_MAX_IFACES)
                return d6d_config_error(err, cap, line, "more than %d interfaces", D6S_MAX_IFACES);
            if (strlen(t[i]) >= D6S_IFNAME_MAX)
                return d6d_config_error(err, cap, line, "interface name '%s' too long", t[i]);
            strcpy(c->ifaces[c->nifaces++], t[i]);
        }
        return 0;
    }
    if (!strcmp(k, "interface")) {
        NEED(1);
        if (strlen(t[1]) >= D6S_IFNAME_MAX)
            return d6d_config_error(err, cap, line, "interface name '%s' too long", t[1]);
        strcpy(sn->ifname, t[1]);
        return 0;
    }
    if (!strcmp(k, "pool")) {
        if (!sn) return d6d_config_error(err, cap, line, "'pool' outside a subnet block");
        NEED(2);
        if (inet_pton(AF_INET6, t[1], sn->na_start) != 1 ||
            inet_pton(AF_INET6, t[2], sn->na_end) != 1)
            return d6d_config_error(err, cap, line, "pool needs two IPv6 addresses");
        if (memcmp(sn->na_start, sn->na_end, 8))
            return d6d_config_error(err, cap, line,
                                    "pool start and end must share their first 64 bits");
        uint64_t a = low64(sn->na_start), b = low64(sn->na_end);
        if (b < a) return d6d_config_error(err, cap, line, "pool end before pool start");
        if (!d6s_prefix_contains(sn->prefix, sn->plen, sn->na_start) ||
            !d6s_prefix_contains(sn->prefix, sn->plen, sn->na_end))
            return d6d_config_error(err, cap, line, "pool is not inside the subnet");
        const char *r = reserved_overlap(sn->na_start, sn->na_end);
        if (r)
            return d6d_config_error(err, cap, line, "pool overlaps %s: those cannot be leased", r);
        if (sn->has_na) return d6d_config_error(err, cap, line, "a subnet has one address pool");
        sn->na_size = b - a + 1 ? b - a + 1 : UINT64_MAX;
        sn->has_na = 1;
        return 0;
    }
    if (!strcmp(k, "pd-pool")) {
        if (!sn) return d6d_config_error(err, cap, line, "'pd-pool' outside a subnet block");
        NEED(2);
        if (parse_prefix(t[1], sn->pd_prefix, &sn->pd_plen))
            return d6d_config_error(err, cap, line,
                                    "bad prefix '%s' (want ADDR/LEN with zero host bits)", t[1]);
        if (parse_u32(t[2], &u) || u > 128 || u < sn->pd_plen || u == 0)
            return d6d_config_error(err, cap, line, "delegated length must be between %u and 128",
                                    sn->pd_plen);
        const char *r = reserved_prefix_overlap(sn->pd_prefix, sn->pd_plen);
        if (r)
            return d6d_config_error(err, cap, line,
                                    "pd-pool overlaps %s: those cannot be delegated", r);
        if (sn->has_pd) return d6d_config_error(err, cap, line, "a subnet has one prefix pool");
        sn->pd_len = (uint8_t)u;
        unsigned bits = sn->pd_len - sn->pd_plen;
        sn->pd_size = bits >= 32 ? (1ull << 32) : (1ull << bits);
        sn->has_pd = 1;
        return 0;
    }
    if (sn)
        return d6d_config_error(err, cap, line,
                                "'%s' is not allowed inside a subnet block (put globals first)", k);
    if (!strcmp(k, "subnet")) {
        /* handled by the caller */
        return d6d_config_error(err, cap, line, "internal: subnet");
    }
    if (!strcmp(k, "listen-port")) {
        NEED(1);
        if (parse_u32(t[1], &u) || !u || u > 65535)
            return d6d_config_error(err, cap, line, "bad port '%s'", t[1]);
        c->port = (uint16_t)u;
        return 0;
    }
    struct {
        const char *name;
        uint32_t *dst;
        uint32_t min, max;
    } nums[] = {
        {"t1", &c->t1, 0, 0xffffffffu},
        {"t2", &c->t2, 0, 0xffffffffu},
        {"preferred-lifetime", &c->preferred, 0, 0xffffffffu},
        {"valid-lifetime", &c->valid, 1, 0xffffffffu},
        {"max-leases", &c->max_leases, 1, 1u << 24},
        {"max-tcp-connections", &c->max_tcp_conns, 0, 64},
        {"tcp-idle-timeout", &c->tcp_idle_timeout, 1, 86400},
        {"tcp-frame-timeout", &c->tcp_frame_timeout, 1, 3600},
        {"duid-enterprise", &c->enterprise, 1, 0xffffffffu},
    };
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        if (strcmp(k, nums[i].name)) continue;
        NEED(1);
        if (parse_u32(t[1], &u) || u < nums[i].min || u > nums[i].max)
            return d6d_config_error(err, cap, line, "'%s' needs a number from %u to %u", k,
                                    nums[i].min, nums[i].max);
        *nums[i].dst = u;
        return 0;
    }
    struct {
        const char *name;
        int *dst;
    } bools[] = {
        {"rapid-commit", &c->rapid_commit},
        {"leasequery", &c->leasequery},
        {"udp-segmentation", &c->udp_segmentation},
        {"tcp-evict-idle", &c->tcp_evict},
    };
    for (size_t i = 0; i < sizeof bools / sizeof bools[0]; i++) {
        if (strcmp(k, bools[i].name)) continue;
        NEED(1);
        if (parse_bool(t[1], bools[i].dst))
            return d6d_config_error(err, cap, line, "'%s' takes yes or no", k);
        return 0;
    }
    if (!strcmp(k, "dns-servers")) {
        if (n < 2)
            return d6d_config_error(err, cap, line, "'dns-servers' needs at least one address");
        for (int i = 1; i < n; i++) {
            if (c->ndns == D6S_MAX_DNS)
                return d6d_config_error(err, cap, line, "more than %d DNS servers", D6S_MAX_DNS);
            if (inet_pton(AF_INET6, t[i], c->dns[c->ndns]) != 1)
                return d6d_config_error(err, cap, line, "'%s' is not an IPv6 address", t[i]);
            c->ndns++;
        }
        return 0;
    }
    if (!strcmp(k, "domain-search")) {
        if (n < 2)
            return d6d_config_error(err, cap, line, "'domain-search' needs at least one name");
        for (int i = 1; i < n; i++) {
            uint8_t wire[256];
            size_t wl;
            if (c->ndomains == D6S_MAX_DOMAINS)
                return d6d_config_error(err, cap, line, "more than %d domains", D6S_MAX_DOMAINS);
            if (strlen(t[i]) > 253 ||
                d6t_dname_from_text(t[i], 0, wire, sizeof wire, &wl) != D6T_OK)
                return d6d_config_error(err, cap, line, "'%s' is not a valid domain name", t[i]);
            strcpy(c->domains[c->ndomains++], t[i]);
        }
        return 0;
    }
    if (!strcmp(k, "lease-file") || !strcmp(k, "state-file")) {
        NEED(1);
        char *dst = k[0] == 'l' ? c->lease_file : c->state_file;
        if (strlen(t[1]) >= D6S_PATH_MAX) return d6d_config_error(err, cap, line, "path too long");
        strcpy(dst, t[1]);
        return 0;
    }
    return d6d_config_error(err, cap, line, "unknown directive '%s'", k);
#undef NEED
}

int d6s_config_parse(struct d6s_config *c, const char *text, char *err, size_t errcap)
{
    struct d6s_subnet *sn = NULL;
    int line = 0;
    const char *p = text;
    while (*p) {
        line++;
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        char buf[1024];
        if (len >= sizeof buf)
            return d6d_config_error(err, errcap, line, "line longer than %zu bytes",
                                    sizeof buf - 1);
        memcpy(buf, p, len);
        buf[len] = 0;
        p += len + (eol ? 1 : 0);
        char *hash = strchr(buf, '#');
        if (hash) *hash = 0;
        char *tok[MAX_TOKENS + 1];
        int n = 0;
        for (char *s = strtok(buf, " \t\r"); s; s = strtok(NULL, " \t\r")) {
            if (n == MAX_TOKENS)
                return d6d_config_error(err, errcap, line, "more than %d words", MAX_TOKENS);
            tok[n++] = s;
        }
        if (!n) continue;
        if (!strcmp(tok[0], "subnet")) {
            if (n != 2 && !(n == 4 && !strcmp(tok[2], "interface")))
                return d6d_config_error(err, errcap, line,
                                        "usage: subnet PREFIX/LEN [interface IFNAME]");
            if (c->nsubnets == D6S_MAX_SUBNETS)
                return d6d_config_error(err, errcap, line, "more than %d subnets", D6S_MAX_SUBNETS);
            sn = &c->subnets[c->nsubnets];
            memset(sn, 0, sizeof *sn);
            sn->line = line;
            if (parse_prefix(tok[1], sn->prefix, &sn->plen))
                return d6d_config_error(err, errcap, line,
                                        "bad prefix '%s' (want ADDR/LEN with zero host bits)",
                                        tok[1]);
            /* relays name a link by a unicast address on it (RFC 9915 9.1, 19.1.1): a multicast
             * subnet would match only malformed Relay-forwards, and echo their bad address */
            if (sn->plen >= 8 && sn->prefix[0] == 0xff)
                return d6d_config_error(err, errcap, line,
                                        "subnet %s is inside ff00::/8 (multicast): no link has it",
                                        tok[1]);
            if (n == 4) {
                if (strlen(tok[3]) >= D6S_IFNAME_MAX)
                    return d6d_config_error(err, errcap, line, "interface name too long");
                strcpy(sn->ifname, tok[3]);
            }
            c->nsubnets++;
            continue;
        }
        if (directive(c, sn, tok, n, line, err, errcap)) return -1;
    }
    return 0;
}

/* Two prefixes overlap when the shorter one contains the longer one's start. */
static int overlap(const uint8_t a[16], uint8_t alen, const uint8_t b[16], uint8_t blen)
{
    return alen <= blen ? d6s_prefix_contains(a, alen, b) : d6s_prefix_contains(b, blen, a);
}

static const char *ntop(const uint8_t a[16], char *buf)
{
    return inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN);
}

/* A link belongs to one subnet: with overlapping subnets the first match would win silently,
 * and a lease file could not tell which subnet a lease is on. Delegated prefixes likewise. */
static int check_overlaps(const struct d6s_config *c, size_t i, char *err, size_t errcap)
{
    const struct d6s_subnet *sn = &c->subnets[i];
    char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
    for (size_t j = 0; j < i; j++) {
        const struct d6s_subnet *o = &c->subnets[j];
        if (overlap(sn->prefix, sn->plen, o->prefix, o->plen))
            return d6d_config_error(
                err, errcap, sn->line, "subnet %s/%u overlaps subnet %s/%u (line %d)",
                ntop(sn->prefix, a), sn->plen, ntop(o->prefix, b), o->plen, o->line);
        if (sn->has_pd && o->has_pd &&
            overlap(sn->pd_prefix, sn->pd_plen, o->pd_prefix, o->pd_plen))
            return d6d_config_error(err, errcap, sn->line,
                                    "pd-pool %s/%u overlaps the pd-pool of line %d",
                                    ntop(sn->pd_prefix, a), sn->pd_plen, o->line);
    }
    return 0;
}

int d6s_config_finish(struct d6s_config *c, char *err, size_t errcap)
{
    if (c->t1 > c->t2)
        return d6d_config_error(err, errcap, 0, "t1 (%u) is larger than t2 (%u)", c->t1, c->t2);
    if (c->preferred > c->valid)
        return d6d_config_error(err, errcap, 0,
                                "preferred-lifetime (%u) is larger than valid-lifetime (%u)",
                                c->preferred, c->valid);
    if (c->t2 > c->preferred)
        return d6d_config_error(err, errcap, 0, "t2 (%u) is larger than preferred-lifetime (%u)",
                                c->t2, c->preferred);
    for (size_t i = 0; i < c->nsubnets; i++) {
        const struct d6s_subnet *sn = &c->subnets[i];
        if (!sn->has_na && !sn->has_pd)
            return d6d_config_error(err, errcap, sn->line,
                                    "subnet has neither 'pool' nor 'pd-pool'");
        if (check_overlaps(c, i, err, errcap)) return -1;
        for (size_t j = 0; j < i; j++)
            if (sn->ifname[0] && !strcmp(sn->ifname, c->subnets[j].ifname))
                return d6d_config_error(err, errcap, sn->line,
                                        "interface %s already has a subnet (line %d)", sn->ifname,
                                        c->subnets[j].line);
        if (!sn->ifname[0]) continue;
        int listed = 0;
        for (size_t j = 0; j < c->nifaces; j++) listed |= !strcmp(c->ifaces[j], sn->ifname);
        if (listed) continue;
        /* dropping it would leave the subnet's clients unanswered without a word */
        if (c->nifaces == D6S_MAX_IFACES)
            return d6d_config_error(
                err, errcap, sn->line,
                "interface %s would be interface number %d: at most %d are listened on", sn->ifname,
                D6S_MAX_IFACES + 1, D6S_MAX_IFACES);
        strcpy(c->ifaces[c->nifaces++], sn->ifname);
    }
    /* a server without subnets answers nobody: an empty or truncated file, most likely */
    if (!c->nsubnets)
        return d6d_config_error(err, errcap, 0,
                                "no subnet configured: the server would answer nobody");
    return 0;
}

int d6s_config_load(struct d6s_config *c, const char *path, char *err, size_t errcap)
{
    FILE *f = fopen(path, "r");
    if (!f) return d6d_config_error(err, errcap, 0, "%s: %s", path, strerror(errno));
    char *text = malloc(MAX_CONFIG_BYTES + 1);
    if (!text) {
        fclose(f);
        return d6d_config_error(err, errcap, 0, "out of memory");
    }
    size_t n = fread(text, 1, MAX_CONFIG_BYTES + 1, f);
    fclose(f);
    if (n > MAX_CONFIG_BYTES) {
        free(text);
        return d6d_config_error(err, errcap, 0, "%s: larger than %u bytes", path, MAX_CONFIG_BYTES);
    }
    text[n] = 0;
    if (memchr(text, 0, n)) {
        free(text);
        return d6d_config_error(err, errcap, 0, "%s: contains a NUL byte", path);
    }
    int rc = d6s_config_parse(c, text, err, errcap);
    free(text);
    return rc;
}
