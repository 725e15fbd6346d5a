/* dhcp6txn-server: the lease table. Fixed capacity (max-leases) allocated at start, so no
 * client input can grow memory; two chained hash indexes: by client DUID (all of a client's
 * leases share a chain) and by address/prefix.
 * SPDX-License-Identifier: BSD-2-Clause */
#define _DEFAULT_SOURCE 1 /* MAP_ANONYMOUS, madvise */
#include "server.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

uint32_t d6s_hash(const uint8_t *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
    return h;
}

/* The table and its indexes are large and read at random, one lookup per message: asking for
 * huge pages saves most TLB misses (a lease lookup was the server's top user-space cost under
 * load). Memory comes zeroed; without huge pages it works the same. */
static void *table_alloc(size_t bytes)
{
    void *p =
        mmap(NULL, bytes ? bytes : 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return NULL;
#ifdef MADV_HUGEPAGE
    if (bytes >= (2u << 20)) madvise(p, bytes, MADV_HUGEPAGE);
#endif
    return p;
}

static void table_free(void *p, size_t bytes)
{
    if (p) munmap(p, bytes ? bytes : 1);
}

int d6s_leases_init(struct d6s_leases *l, uint32_t cap)
{
    memset(l, 0, sizeof *l);
    l->fd = -1;
    uint32_t hsize = 1;
    while (hsize < cap * 2u && hsize < (1u << 26)) hsize <<= 1;
    l->v_bytes = (size_t)cap * sizeof *l->v;
    l->h_bytes = (size_t)hsize * sizeof *l->h_duid;
    l->v = table_alloc(l->v_bytes);
    l->h_duid = table_alloc(l->h_bytes);
    l->h_addr = table_alloc(l->h_bytes);
    if (!l->v || !l->h_duid || !l->h_addr) {
        d6s_leases_fini(l);
        return -1;
    }
    l->cap = cap;
    l->hmask = hsize - 1;
    for (uint32_t i = 0; i < hsize; i++) l->h_duid[i] = l->h_addr[i] = -1;
    /* free list in slot order so a fresh table fills from slot 0 */
    for (uint32_t i = 0; i < cap; i++) l->v[i].next_duid = i + 1 < cap ? (int32_t)(i + 1) : -1;
    l->free_head = cap ? 0 : -1;
    return 0;
}

void d6s_leases_fini(struct d6s_leases *l)
{
    if (l->fd >= 0) close(l->fd);
    table_free(l->v, l->v_bytes);
    table_free(l->h_duid, l->h_bytes);
    table_free(l->h_addr, l->h_bytes);
    free(l->jbuf);
    memset(l, 0, sizeof *l);
    l->fd = -1;
}

static uint32_t addr_bucket(const struct d6s_leases *l, const uint8_t addr[16], uint8_t plen)
{
    uint8_t key[17];
    memcpy(key, addr, 16);
    key[16] = plen;
    return d6s_hash(key, sizeof key) & l->hmask;
}

uint32_t d6s_leases_bucket(const struct d6s_leases *l, const uint8_t *duid, size_t dlen)
{
    return d6s_hash(duid, dlen) & l->hmask;
}

void d6s_leases_prefetch(const struct d6s_leases *l, uint32_t bucket, int stage)
{
#if defined(__GNUC__)
    if (!l->cap || bucket > l->hmask) return;
    if (stage == 0) {
        __builtin_prefetch(&l->h_duid[bucket]);
        return;
    }
    int32_t i = l->h_duid[bucket];
    if (i < 0 || (uint32_t)i >= l->cap) return;
    /* the lookup fields and a short DUID: two lines, as a lease need not start on one */
    __builtin_prefetch(&l->v[i]);
    __builtin_prefetch((const char *)&l->v[i] + 64);
#else
    (void)l, (void)bucket, (void)stage;
#endif
}

int32_t d6s_lease_find_ia(const struct d6s_leases *l, uint8_t type, const uint8_t *duid,
                          size_t dlen, uint32_t iaid)
{
    /* chains are bounded by the table size; each slot is on one chain at most once */
    uint32_t steps = 0;
    for (int32_t i = l->h_duid[d6s_hash(duid, dlen) & l->hmask]; i >= 0 && steps++ < l->cap;
         i = l->v[i].next_duid) {
        const struct d6s_lease *e = &l->v[i];
        if (e->type == type && e->iaid == iaid && e->duid_len == dlen &&
            !memcmp(e->duid, duid, dlen))
            return i;
    }
    return -1;
}

size_t d6s_lease_count_duid(const struct d6s_leases *l, const uint8_t *duid, size_t dlen)
{
    size_t n = 0;
    uint32_t steps = 0;
    for (int32_t i = l->h_duid[d6s_hash(duid, dlen) & l->hmask]; i >= 0 && steps++ < l->cap;
         i = l->v[i].next_duid)
        n += l->v[i].duid_len == dlen && !memcmp(l->v[i].duid, duid, dlen);
    return n;
}

int32_t d6s_lease_find_addr(const struct d6s_leases *l, const uint8_t addr[16], uint8_t plen)
{
    uint32_t steps = 0;
    for (int32_t i = l->h_addr[addr_bucket(l, addr, plen)]; i >= 0 && steps++ < l->cap;
         i = l->v[i].next_addr)
        if (l->v[i].plen == plen && !memcmp(l->v[i].addr, addr, 16)) return i;
    return -1;
}

int32_t d6s_lease_new(struct d6s_leases *l)
{
    int32_t i = l->free_head;
    if (i < 0) return -1;
    l->free_head = l->v[i].next_duid;
    memset(&l->v[i], 0, sizeof l->v[i]);
    l->v[i].next_duid = l->v[i].next_addr = -1;
    l->used++;
    return i;
}

void d6s_lease_insert(struct d6s_leases *l, int32_t i)
{
    struct d6s_lease *e = &l->v[i];
    uint32_t hb = d6s_hash(e->duid, e->duid_len) & l->hmask, ab = addr_bucket(l, e->addr, e->plen);
    e->next_duid = l->h_duid[hb];
    l->h_duid[hb] = i;
    e->next_addr = l->h_addr[ab];
    l->h_addr[ab] = i;
    d6s_lease_changed(l, i);
}

static void unlink_chain(struct d6s_leases *l, int32_t *head, int32_t i, int by_duid)
{
    uint32_t steps = 0;
    for (int32_t *pp = head; *pp >= 0 && steps++ < l->cap;) {
        int32_t *next = by_duid ? &l->v[*pp].next_duid : &l->v[*pp].next_addr;
        if (*pp == i) {
            *pp = *next;
            return;
        }
        pp = next;
    }
}

static void journal_delete(struct d6s_leases *l, const struct d6s_lease *e);

void d6s_lease_delete(struct d6s_leases *l, int32_t i)
{
    struct d6s_lease *e = &l->v[i];
    unlink_chain(l, &l->h_duid[d6s_hash(e->duid, e->duid_len) & l->hmask], i, 1);
    unlink_chain(l, &l->h_addr[addr_bucket(l, e->addr, e->plen)], i, 0);
    journal_delete(l, e);
    e->state = D6S_FREE;
    e->type = 0;
    e->next_duid = l->free_head;
    l->free_head = i;
    l->used--;
}

size_t d6s_leases_expire(struct d6s_leases *l, int64_t now, uint32_t *cursor, uint32_t budget)
{
    size_t n = 0;
    for (uint32_t k = 0; k < budget && k < l->cap; k++) {
        uint32_t i = (*cursor)++ % l->cap;
        if (*cursor >= l->cap) *cursor = 0;
        if (l->v[i].type && l->v[i].valid_until <= now) {
            d6s_lease_delete(l, (int32_t)i);
            n++;
        }
    }
    return n;
}

/* ---- persistence ----
 * The lease file is a snapshot followed by journal lines, one per change, each ending in a
 * checksum so a line torn by a crash is recognised and skipped. Changes are appended and
 * fdatasync'ed before the replies that announce them are sent (d6s_leases_sync), so a client
 * never holds a lease the file does not have. When the journal outgrows the live leases the file
 * is rewritten: temp file, fsync, rename, so it is either the old or the new file, never half. */

static int jreserve(struct d6s_leases *l, size_t more)
{
    if (l->jlen + more <= l->jcap) return 0;
    size_t cap = l->jcap ? l->jcap * 2 : 8192;
    while (cap < l->jlen + more) cap *= 2;
    char *p = realloc(l->jbuf, cap);
    if (!p) return -1;
    l->jbuf = p;
    l->jcap = cap;
    return 0;
}

void d6s_hex(const uint8_t *p, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = 0;
}

static int hexv(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int d6s_parse_hex(const char *hex, uint8_t *out, size_t cap, size_t *len)
{
    size_t n = 0;
    if (!strcmp(hex, "-")) return *len = 0, 0;
    for (const char *p = hex; *p; p += 2) {
        if (*p == ':') {
            p--;
            continue;
        }
        int a = hexv(p[0]), b = a >= 0 ? hexv(p[1]) : -1;
        if (a < 0 || b < 0 || n == cap) return -1;
        out[n++] = (uint8_t)(a << 4 | b);
    }
    *len = n;
    return 0;
}

#include <arpa/inet.h>

/* "lease <state> <na|pd> <iaid> <duid> <addr> <plen> <subnet> <cltt> <pref> <valid> <link> <relay-id> <remote-id>" */
static size_t format_lease(const struct d6s_lease *e, char *out, size_t cap)
{
    char duid[2 * D6S_DUID_MAX + 1], rid[2 * D6S_DUID_MAX + 2], rem[2 * D6S_REMOTE_ID_MAX + 2];
    char a[INET6_ADDRSTRLEN], lk[INET6_ADDRSTRLEN];
    if (e->duid_len)
        d6s_hex(e->duid, e->duid_len, duid);
    else
        strcpy(duid, "-");
    if (e->relay_id_len)
        d6s_hex(e->relay_id, e->relay_id_len, rid);
    else
        strcpy(rid, "-");
    if (e->remote_id_len)
        d6s_hex(e->remote_id, e->remote_id_len, rem);
    else
        strcpy(rem, "-");
    inet_ntop(AF_INET6, e->addr, a, sizeof a);
    inet_ntop(AF_INET6, e->link, lk, sizeof lk);
    int n = snprintf(out, cap, "lease %u %s %08x %s %s %u %u %lld %lld %lld %s %s %s", e->state,
                     e->type == D6T_OPT_IA_PD ? "pd" : "na", e->iaid, duid, a, e->plen, e->subnet,
                     (long long)e->cltt, (long long)e->pref_until, (long long)e->valid_until, lk,
                     rid, rem);
    return n < 0 ? 0 : (size_t)n;
}

static void journal_line(struct d6s_leases *l, const char *body, size_t n)
{
    if (l->fd < 0) return;
    if (jreserve(l, n + 16)) {
        l->write_error = 1;
        return;
    }
    memcpy(l->jbuf + l->jlen, body, n);
    l->jlen += n;
    l->jlen +=
        (size_t)snprintf(l->jbuf + l->jlen, 16, " *%08x\n", d6s_hash((const uint8_t *)body, n));
    l->records++;
}

void d6s_lease_changed(struct d6s_leases *l, int32_t i)
{
    char body[1024];
    /* offers are not worth a disk write: a lost offer only costs the client a new Solicit */
    if (l->fd < 0 || l->v[i].state == D6S_OFFERED) return;
    size_t n = format_lease(&l->v[i], body, sizeof body);
    journal_line(l, body, n);
}

static void journal_delete(struct d6s_leases *l, const struct d6s_lease *e)
{
    char body[128], a[INET6_ADDRSTRLEN];
    if (l->fd < 0) return;
    inet_ntop(AF_INET6, e->addr, a, sizeof a);
    int n = snprintf(body, sizeof body, "del %s %u", a, e->plen);
    journal_line(l, body, (size_t)n);
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int d6s_leases_sync(struct d6s_leases *l)
{
    if (l->fd < 0 || !l->jlen) return l->write_error ? -1 : 0;
    int rc = write_all(l->fd, l->jbuf, l->jlen) || fdatasync(l->fd) ? -1 : 0;
    l->jlen = 0;
    if (rc) l->write_error = 1;
    if (!rc && l->records > 2ull * l->used + 1024) rc = d6s_leases_compact(l);
    return rc;
}

#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>

int d6s_write_file_atomic(const char *path, const char *data, size_t len)
{
    char tmp[D6S_PATH_MAX + 16], dir[D6S_PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return -1;
    if (write_all(fd, data, len) || fsync(fd)) {
        close(fd);
        unlink(tmp);
        return -1;
    }
    close(fd);
    if (rename(tmp, path)) {
        unlink(tmp);
        return -1;
    }
    snprintf(dir, sizeof dir, "%s", path);
    int dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd); /* make the rename itself durable */
        close(dfd);
    }
    return 0;
}

int d6s_leases_compact(struct d6s_leases *l)
{
    size_t cap = 4096 + (size_t)l->used * 700, len = 0;
    char *buf = malloc(cap);
    if (!buf) return -1;
    len += (size_t)snprintf(
        buf, cap, "# dhcp6txn-server lease file: snapshot then journal; lines end in a checksum\n");
    for (uint32_t i = 0; i < l->cap; i++) {
        if (!l->v[i].type) continue;
        char body[1024];
        size_t n = format_lease(&l->v[i], body, sizeof body);
        if (len + n + 16 > cap)
            break; /* cannot happen: 700 bytes per lease is above the longest line */
        memcpy(buf + len, body, n);
        len += n;
        len += (size_t)snprintf(buf + len, 16, " *%08x\n", d6s_hash((const uint8_t *)body, n));
    }
    int rc = d6s_write_file_atomic(l->path, buf, len);
    free(buf);
    if (rc) return -1;
    int fd = open(l->path, O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0) return -1;
    if (l->fd >= 0) close(l->fd);
    l->fd = fd;
    l->records = l->used;
    l->jlen = 0;
    return 0;
}

/* ---- loading ----
 * Every line is checked field by field, and a lease against the configuration (its subnet, its
 * pool, sane times): a line with a good checksum is not trusted for that alone, as the file may
 * come from another configuration or from someone else. A line that is not loaded is never
 * lost: it is appended to PATH.rejected (with the reason) before the file is rewritten. */

#define CLOCK_SLACK (24 * 3600) /* a lease may start this far in the future (clock set back) */

struct loader {
    struct d6s_leases *l;
    const struct d6s_config *cfg;
    int64_t now;
    int full; /* a lease did not fit in the table */
};

static int strict_u64(const char *s, int base, uint64_t max, uint64_t *v)
{
    char *end;
    if (!*s || *s == '-' || *s == '+' || *s == ' ') return -1;
    errno = 0;
    unsigned long long x = strtoull(s, &end, base);
    if (errno || *end || x > max) return -1;
    *v = x;
    return 0;
}

static int strict_i64(const char *s, int64_t *v)
{
    uint64_t u;
    if (strict_u64(s, 10, INT64_MAX, &u)) return -1;
    *v = (int64_t)u;
    return 0;
}

/* Would the engine take this lease as its subnet's (engine.c lease_fits)? NULL when yes. */
static const char *check_place(const struct d6s_config *cfg, const struct d6s_lease *e)
{
    if (e->subnet >= cfg->nsubnets) return "subnet index out of range";
    const struct d6s_subnet *sn = &cfg->subnets[e->subnet];
    if (e->type == D6T_OPT_IA_PD) {
        if (!sn->has_pd) return "prefix on a subnet without pd-pool";
        if (e->plen != sn->pd_len) return "prefix length is not the pd-pool's";
        if (!d6s_prefix_contains(sn->pd_prefix, sn->pd_plen, e->addr))
            return "prefix outside the subnet's pd-pool";
        uint8_t canon[16];
        memcpy(canon, e->addr, 16);
        for (unsigned bit = e->plen; bit < 128; bit++)
            canon[bit / 8] &= (uint8_t) ~(0x80u >> (bit % 8));
        if (memcmp(canon, e->addr, 16)) return "prefix with host bits set";
        return NULL;
    }
    if (!sn->has_na) return "address on a subnet without pool";
    if (e->plen != 128) return "address with a prefix length";
    if (!d6s_prefix_contains(sn->prefix, sn->plen, e->addr)) return "address outside its subnet";
    return NULL;
}

static const char *check_times(const struct d6s_lease *e, int64_t now)
{
    if (e->cltt <= 0 || e->cltt > now + CLOCK_SLACK) return "transaction time in the future";
    if (e->pref_until < e->cltt || e->valid_until < e->pref_until) return "lifetimes out of order";
    if (e->valid_until - e->cltt > (int64_t)UINT32_MAX) return "valid lifetime above 2^32-1 s";
    return NULL;
}

/* Parse the fields of a "lease" line into e; NULL when every field is well-formed. */
static const char *parse_lease(char **t, struct d6s_lease *e)
{
    uint64_t v;
    size_t dl, rl, ml;
    memset(e, 0, sizeof *e);
    if (strict_u64(t[1], 10, D6S_DECLINED, &v) || v < D6S_OFFERED) return "bad state";
    e->state = (uint8_t)v;
    if (strcmp(t[2], "na") && strcmp(t[2], "pd")) return "bad lease type";
    e->type = t[2][0] == 'p' ? D6T_OPT_IA_PD : D6T_OPT_IA_NA;
    if (strlen(t[3]) != 8 || strict_u64(t[3], 16, UINT32_MAX, &v)) return "bad IAID";
    e->iaid = (uint32_t)v;
    if (d6s_parse_hex(t[4], e->duid, sizeof e->duid, &dl)) return "bad client DUID";
    /* a declined address belongs to nobody; every other lease to a DUID the engine accepts */
    if (e->state == D6S_DECLINED ? dl != 0 : dl < 3) return "client DUID does not fit the state";
    if (inet_pton(AF_INET6, t[5], e->addr) != 1) return "bad address";
    if (strict_u64(t[6], 10, 128, &v)) return "bad prefix length";
    e->plen = (uint8_t)v;
    if (strict_u64(t[7], 10, D6S_MAX_SUBNETS - 1, &v)) return "subnet index out of range";
    e->subnet = (uint16_t)v;
    if (strict_i64(t[8], &e->cltt) || strict_i64(t[9], &e->pref_until) ||
        strict_i64(t[10], &e->valid_until))
        return "bad time";
    if (inet_pton(AF_INET6, t[11], e->link) != 1) return "bad link address";
    if (d6s_parse_hex(t[12], e->relay_id, sizeof e->relay_id, &rl)) return "bad relay id";
    if (d6s_parse_hex(t[13], e->remote_id, sizeof e->remote_id, &ml)) return "bad remote id";
    e->duid_len = (uint8_t)dl, e->relay_id_len = (uint8_t)rl, e->remote_id_len = (uint8_t)ml;
    return NULL;
}

static const char *load_lease(struct loader *ld, char **t)
{
    struct d6s_leases *l = ld->l;
    struct d6s_lease e;
    const char *why = parse_lease(t, &e);
    if (!why) why = check_place(ld->cfg, &e);
    if (!why) why = check_times(&e, ld->now);
    if (why) return why;
    int32_t i = d6s_lease_find_addr(l, e.addr, e.plen);
    if (e.duid_len) {
        int32_t j = d6s_lease_find_ia(l, e.type, e.duid, e.duid_len, e.iaid);
        if (j >= 0 && j != i) return "its IA already has another lease";
        if (i < 0 && d6s_lease_count_duid(l, e.duid, e.duid_len) >= D6S_MAX_LEASES_PER_DUID)
            return "more leases for one client than the server grants";
    }
    if (i >= 0) d6s_lease_delete(l, i);
    i = d6s_lease_new(l);
    if (i < 0) {
        ld->full = 1;
        return "more leases than max-leases";
    }
    e.next_duid = e.next_addr = -1;
    l->v[i] = e;
    d6s_lease_insert(l, i);
    return NULL;
}

/* Apply one line whose checksum matched. NULL, or why the line was not taken. */
static const char *load_line(struct loader *ld, char *s)
{
    char *t[15];
    int n = 0;
    for (char *p = strtok(s, " "); p; p = strtok(NULL, " ")) {
        if (n == 15) return "too many fields";
        t[n++] = p;
    }
    if (n == 3 && !strcmp(t[0], "del")) {
        uint8_t addr[16];
        uint64_t plen;
        if (inet_pton(AF_INET6, t[1], addr) != 1 || strict_u64(t[2], 10, 128, &plen))
            return "bad del record";
        int32_t i = d6s_lease_find_addr(ld->l, addr, (uint8_t)plen);
        if (i >= 0) d6s_lease_delete(ld->l, i);
        return NULL;
    }
    if (n != 14 || strcmp(t[0], "lease")) return "unknown record";
    return load_lease(ld, t);
}

/* The rejected lines, each after a comment with its line number and reason. */
struct rejects {
    char *buf;
    size_t len, cap, count;
};

static int rejects_add(struct rejects *r, size_t lineno, const char *why, const char *line,
                       size_t n)
{
    size_t need = n + strlen(why) + 64;
    if (r->len + need > r->cap) {
        size_t cap = r->cap ? r->cap : 4096;
        while (cap < r->len + need) cap *= 2;
        char *p = realloc(r->buf, cap);
        if (!p) return -1;
        r->buf = p, r->cap = cap;
    }
    if (r->count < 10)
        fprintf(stderr, "dhcp6txn-server: lease file line %zu rejected: %s\n", lineno, why);
    r->len += (size_t)snprintf(r->buf + r->len, r->cap - r->len, "# line %zu: %s\n", lineno, why);
    memcpy(r->buf + r->len, line, n);
    r->len += n;
    r->buf[r->len++] = '\n';
    r->count++;
    return 0;
}

/* Append the rejected lines to PATH.rejected and make them durable, before any rewrite. */
static int rejects_save(const struct rejects *r, const char *path, char *side, size_t sidecap)
{
    snprintf(side, sidecap, "%s.rejected", path);
    int fd = open(side, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) return -1;
    char head[160], stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
    int hn = snprintf(head, sizeof head,
                      "# dhcp6txn-server %s: %zu line(s) not loaded (lines keep their checksum)\n",
                      stamp, r->count);
    int rc = write_all(fd, head, (size_t)hn) || write_all(fd, r->buf, r->len) || fsync(fd);
    close(fd);
    if (rc) return -1;
    char dir[D6S_PATH_MAX + 16];
    snprintf(dir, sizeof dir, "%s", side);
    int dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd); /* a new side file's name must be durable too */
        close(dfd);
    }
    return 0;
}

int d6s_check_file_path(const char *what, const char *path, char *err, size_t errcap)
{
    struct stat st;
    char dir[D6S_PATH_MAX];
    if (!path[0]) return snprintf(err, errcap, "%s: empty path", what), -1;
    if (strlen(path) >= D6S_PATH_MAX)
        return snprintf(err, errcap, "%s %s: path too long", what, path), -1;
    if (!stat(path, &st)) {
        if (!S_ISREG(st.st_mode))
            return snprintf(err, errcap, "%s %s: not a regular file", what, path), -1;
        if (access(path, R_OK | W_OK))
            return snprintf(err, errcap, "%s %s: %s", what, path, strerror(errno)), -1;
    } else if (errno != ENOENT) {
        return snprintf(err, errcap, "%s %s: %s", what, path, strerror(errno)), -1;
    }
    snprintf(dir, sizeof dir, "%s", path);
    const char *d = dirname(dir);
    if (stat(d, &st) || !S_ISDIR(st.st_mode))
        return snprintf(err, errcap, "%s %s: directory %s does not exist", what, path, d), -1;
    if (access(d, W_OK | X_OK))
        return snprintf(err, errcap, "%s %s: directory %s: %s", what, path, d, strerror(errno)), -1;
    return 0;
}

/* Read the file line by line into the table; rejected lines go to r. -1 on a read error. */
static int load_file(struct loader *ld, FILE *f, struct rejects *r)
{
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t got;
    int rc = 0;
    while ((got = getline(&line, &cap, f)) > 0) {
        size_t n = (size_t)got;
        lineno++;
        const char *why = NULL;
        int torn = line[n - 1] != '\n';
        if (!torn) line[--n] = 0;
        if (line[0] == '#' || !n) continue;
        char *star = strrchr(line, '*');
        uint64_t sum;
        if (torn)
            why = "torn (no end of line)";
        else if (memchr(line, 0, n) || !star || star - line < 2 || star[-1] != ' ' ||
                 strict_u64(star + 1, 16, UINT32_MAX, &sum) ||
                 d6s_hash((const uint8_t *)line, (size_t)(star - 1 - line)) != sum)
            why = "damaged (checksum)";
        if (!why) {
            char copy[2048];
            size_t body = (size_t)(star - 1 - line);
            if (body >= sizeof copy) {
                why = "line too long";
            } else {
                memcpy(copy, line, body); /* strtok cuts the copy: the line is kept whole */
                copy[body] = 0;
                why = load_line(ld, copy);
            }
        }
        if (why && rejects_add(r, lineno, why, line, n)) rc = -1;
    }
    if (ferror(f)) rc = -1;
    free(line);
    return rc;
}

int d6s_leases_open(struct d6s_leases *l, const char *path, const struct d6s_config *cfg,
                    int64_t now, char *err, size_t errcap)
{
    if (d6s_check_file_path("lease-file", path, err, errcap)) return -1;
    strcpy(l->path, path);
    struct loader ld = {l, cfg, now, 0};
    struct rejects r = {NULL, 0, 0, 0};
    FILE *f = fopen(path, "r");
    if (!f && errno != ENOENT)
        return snprintf(err, errcap, "lease file %s: %s", path, strerror(errno)), -1;
    int rc = f ? load_file(&ld, f, &r) : 0;
    if (f) fclose(f);
    l->jlen = 0; /* loading replays through the journal code; nothing new to write */
    char side[D6S_PATH_MAX + 16];
    if (rc) {
        snprintf(err, errcap, "lease file %s: cannot read it whole: left as it is", path);
    } else if (ld.full) {
        snprintf(err, errcap,
                 "lease file %s holds more leases than max-leases (%u): raise max-leases; the "
                 "file is left as it is",
                 path, l->cap);
        rc = -1;
    } else if (r.count && rejects_save(&r, path, side, sizeof side)) {
        snprintf(err, errcap, "cannot keep %zu rejected lease line(s) in %s: %s", r.count, side,
                 strerror(errno));
        rc = -1;
    } else if (r.count) {
        fprintf(stderr, "dhcp6txn-server: %s: %zu line(s) not loaded, kept in %s\n", path, r.count,
                side);
    }
    free(r.buf);
    if (rc) return -1;
    l->fd = -2; /* enable journalling for compaction's reopen */
    if (d6s_leases_compact(l)) {
        l->fd = -1;
        snprintf(err, errcap, "cannot write lease file %s", path);
        return -1;
    }
    return 0;
}
