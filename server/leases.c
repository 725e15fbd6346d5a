/* dhcp6txn-server: the lease table. Fixed capacity (max-leases) allocated at start, so no
 * client input can grow memory; two chained hash indexes: by client DUID (all of a client's
 * leases share a chain) and by address/prefix.
 * SPDX-License-Identifier: BSD-2-Clause */
#define _DEFAULT_SOURCE 1 /* MAP_ANONYMOUS, madvise */
#include "server.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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

/* Apply one verified line. Unknown or inconsistent lines are skipped (returns -1). */
static int load_line(struct d6s_leases *l, char *s)
{
    char *t[16];
    int n = 0;
    for (char *p = strtok(s, " "); p && n < 16; p = strtok(NULL, " ")) t[n++] = p;
    uint8_t addr[16];
    if (n == 3 && !strcmp(t[0], "del")) {
        if (inet_pton(AF_INET6, t[1], addr) != 1) return -1;
        int32_t i = d6s_lease_find_addr(l, addr, (uint8_t)atoi(t[2]));
        if (i >= 0) d6s_lease_delete(l, i);
        return 0;
    }
    if (n != 14 || strcmp(t[0], "lease")) return -1;
    struct d6s_lease e;
    memset(&e, 0, sizeof e);
    size_t dl, rl, ml;
    e.state = (uint8_t)atoi(t[1]);
    e.type = !strcmp(t[2], "pd") ? D6T_OPT_IA_PD : D6T_OPT_IA_NA;
    e.iaid = (uint32_t)strtoul(t[3], NULL, 16);
    if (d6s_parse_hex(t[4], e.duid, sizeof e.duid, &dl) || inet_pton(AF_INET6, t[5], e.addr) != 1 ||
        inet_pton(AF_INET6, t[11], e.link) != 1 ||
        d6s_parse_hex(t[12], e.relay_id, sizeof e.relay_id, &rl) ||
        d6s_parse_hex(t[13], e.remote_id, sizeof e.remote_id, &ml))
        return -1;
    e.duid_len = (uint8_t)dl, e.relay_id_len = (uint8_t)rl, e.remote_id_len = (uint8_t)ml;
    e.plen = (uint8_t)atoi(t[6]);
    e.subnet = (uint16_t)atoi(t[7]);
    e.cltt = atoll(t[8]), e.pref_until = atoll(t[9]), e.valid_until = atoll(t[10]);
    if (e.state < D6S_OFFERED || e.state > D6S_DECLINED || e.plen > 128) return -1;
    int32_t i = d6s_lease_find_addr(l, e.addr, e.plen);
    if (i >= 0) d6s_lease_delete(l, i);
    i = d6s_lease_new(l);
    if (i < 0) return -1;
    e.next_duid = e.next_addr = -1;
    l->v[i] = e;
    d6s_lease_insert(l, i);
    return 0;
}

int d6s_leases_open(struct d6s_leases *l, const char *path, char *err, size_t errcap)
{
    if (strlen(path) >= sizeof l->path)
        return snprintf(err, errcap, "lease file path too long"), -1;
    strcpy(l->path, path);
    FILE *f = fopen(path, "r");
    size_t loaded = 0, bad = 0;
    if (f) {
        char line[2048];
        while (fgets(line, sizeof line, f)) {
            size_t n = strlen(line);
            if (line[0] == '#' || n < 12 || line[n - 1] != '\n') { /* comment, or torn last line */
                bad += line[0] != '#';
                continue;
            }
            line[--n] = 0;
            char *star = strrchr(line, '*');
            if (!star || star - line < 2 || star[-1] != ' ') {
                bad++;
                continue;
            }
            uint32_t sum = (uint32_t)strtoul(star + 1, NULL, 16);
            star[-1] = 0;
            if (d6s_hash((const uint8_t *)line, (size_t)(star - 1 - line)) != sum ||
                load_line(l, line))
                bad++;
            else
                loaded++;
        }
        fclose(f);
    }
    l->jlen = 0; /* loading replays through the journal code; nothing new to write */
    if (bad)
        fprintf(stderr, "dhcp6txn-server: %s: skipped %zu damaged or unknown line(s)\n", path, bad);
    (void)loaded;
    l->fd = -2; /* enable journalling for compaction's reopen */
    if (d6s_leases_compact(l)) {
        l->fd = -1;
        snprintf(err, errcap, "cannot write lease file %s", path);
        return -1;
    }
    return 0;
}
