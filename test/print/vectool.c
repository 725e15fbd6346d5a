/* vectool: test-only driver for the conformance check. Reads records "KIND HEX" (or
 * "domain_name_encode[_rel] TEXT") from stdin, one per line, and prints one JSON line per
 * record with what the library made of it, using only the public API:
 *   {"ok":true,"stage":"ok","json":<element JSON>,"resaved":"<hex>"}
 *   {"ok":false,"stage":"parse","status":"D6T_...","offset":N,"reason":"..."}
 *   {"ok":false,"stage":"validate","status":"D6T_ERR_INVALID","offset":0,"reason":"...",
 *    "violations":N,"json":...,"resaved":"..."}   (parsed, so its JSON and bytes are still shown)
 * KIND: message | option | ntp_suboption | duid | domain_name | domain_name_rel |
 *       domain_name_list | domain_name_encode | domain_name_encode_rel
 * A broken printer contract (snprintf semantics) is reported as stage "print".
 * SPDX-License-Identifier: BSD-2-Clause */
#include <dhcp6txn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef size_t (*printer_fn)(const void *obj, char *out, size_t cap);

static size_t print_msg(const void *m, char *out, size_t cap)
{
    return d6t_msg_to_json(m, out, cap);
}
static size_t print_opt(const void *o, char *out, size_t cap)
{
    return d6t_opt_to_json(o, out, cap);
}

struct duid_view {
    const uint8_t *d;
    size_t n;
};
static size_t print_duid(const void *v, char *out, size_t cap)
{
    const struct duid_view *dv = v;
    return d6t_duid_to_json(dv->d, dv->n, out, cap);
}

static void hexout(const uint8_t *d, size_t n)
{
    for (size_t i = 0; i < n; i++) printf("%02x", d[i]);
}

/* JSON string of a C string (library texts and presentation names are ASCII). */
static void jstr(const char *s)
{
    putchar('"');
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

static size_t unhex(const char *h, uint8_t *buf)
{
    size_t n = 0;
    int hi = -1;
    for (; *h; h++) {
        int v;
        if (*h >= '0' && *h <= '9')
            v = *h - '0';
        else if (*h >= 'a' && *h <= 'f')
            v = *h - 'a' + 10;
        else if (*h >= 'A' && *h <= 'F')
            v = *h - 'A' + 10;
        else
            continue;
        if (hi < 0)
            hi = v;
        else {
            buf[n++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    return n;
}

/* Print the element JSON after checking the snprintf contract: the length is the same with any
 * capacity, a short buffer receives a NUL-terminated prefix. Returns 0 on contract breach. */
static int print_json(printer_fn fn, const void *obj)
{
    size_t need = fn(obj, NULL, 0);
    char *full = malloc(need + 1), *half = malloc(need / 2 + 1);
    int good = full && half;
    if (good) {
        good = fn(obj, full, need + 1) == need && strlen(full) == need;
        good = good && fn(obj, half, need / 2 + 1) == need && strlen(half) == need / 2 &&
               memcmp(half, full, need / 2) == 0;
    }
    if (good) fputs(full, stdout);
    free(full);
    free(half);
    return good;
}

static void fail_parse(const char *stage, const d6t_parse_error *e)
{
    printf("{\"ok\":false,\"stage\":\"%s\",\"status\":", stage);
    jstr(d6t_status_name(e->status));
    printf(",\"offset\":%zu,\"reason\":", e->offset);
    jstr(e->reason ? e->reason : d6t_strerror(e->status));
    puts("}");
}

struct first_violation {
    char text[512];
    int have;
};

static int on_violation(void *ctx, d6t_violation_kind kind, const char *where, const char *what)
{
    struct first_violation *fv = ctx;
    (void)kind;
    if (!fv->have) snprintf(fv->text, sizeof fv->text, "%s: %s", where, what);
    fv->have = 1;
    return 0;
}

/* Common tail for parsed elements: verdict, JSON, re-encoded bytes. */
static void report(d6t_status vst, const struct first_violation *fv, size_t nviol, printer_fn fn,
                   const void *obj, const uint8_t *wire, size_t wlen)
{
    if (vst == D6T_OK) {
        printf("{\"ok\":true,\"stage\":\"ok\"");
    } else {
        printf("{\"ok\":false,\"stage\":\"validate\",\"status\":");
        jstr(d6t_status_name(vst));
        printf(",\"offset\":0,\"reason\":");
        jstr(fv->have ? fv->text : d6t_strerror(vst));
        printf(",\"violations\":%zu", nviol);
    }
    printf(",\"json\":");
    if (!print_json(fn, obj)) {
        puts("null,\"print_error\":\"snprintf contract broken\"}");
        return;
    }
    printf(",\"resaved\":\"");
    if (wire) hexout(wire, wlen);
    puts("\"}");
}

static void do_message(const uint8_t *b, size_t n)
{
    d6t_parse_error e;
    d6t_msg *m;
    if (d6t_msg_parse(NULL, b, n, 0, &m, &e) != D6T_OK) {
        fail_parse("parse", &e);
        return;
    }
    struct first_violation fv = {.have = 0};
    size_t nv = 0;
    d6t_status vst = d6t_msg_validate(m, on_violation, &fv, &nv);
    size_t wl = d6t_msg_wire_size(m), got = 0;
    uint8_t *w = malloc(wl + 1);
    if (w && d6t_msg_write(m, w, wl, &got) != D6T_OK) got = 0;
    report(vst, &fv, nv, print_msg, m, w, got);
    free(w);
    d6t_msg_free(m);
}

/* Parse and validate one option TLV; 'strip' header bytes are left out of "resaved". */
static void do_option(d6t_space space, const uint8_t *b, size_t n, const struct duid_view *duid)
{
    d6t_parse_error e;
    d6t_opt *o;
    d6t_arena *a = d6t_arena_new(NULL, 0);
    if (!a) {
        puts("{\"ok\":false,\"stage\":\"parse\",\"status\":\"D6T_ERR_NOMEM\",\"offset\":0,"
             "\"reason\":\"arena\"}");
        return;
    }
    if (d6t_opt_parse(a, space, b, n, 0, &o, &e) != D6T_OK) {
        if (duid && e.offset >= 4) e.offset -= 4; /* offsets within the DUID itself */
        fail_parse("parse", &e);
        d6t_arena_free(a);
        return;
    }
    struct first_violation fv = {.have = 0};
    size_t nv = 0;
    d6t_status vst = d6t_opt_validate(o, on_violation, &fv, &nv);
    size_t wl = d6t_opt_wire_size(o), got = 0;
    uint8_t *w = malloc(wl + 1);
    if (w && d6t_opt_write(o, w, wl, &got) != D6T_OK) got = 0;
    if (duid)
        report(vst, &fv, nv, print_duid, duid, got >= 4 ? w + 4 : w, got >= 4 ? got - 4 : 0);
    else
        report(vst, &fv, nv, print_opt, o, w, got);
    free(w);
    d6t_arena_free(a);
}

/* A DUID is checked as the payload of an OPTION_CLIENTID, where validation applies its rules. */
static void do_duid(const uint8_t *b, size_t n)
{
    uint8_t *tlv = malloc(n + 4);
    if (!tlv || n > 65535) {
        free(tlv);
        puts("{\"ok\":false,\"stage\":\"parse\",\"status\":\"D6T_ERR_TOO_LONG\",\"offset\":0,"
             "\"reason\":\"DUID too long\"}");
        return;
    }
    tlv[0] = 0;
    tlv[1] = D6T_OPT_CLIENTID;
    tlv[2] = (uint8_t)(n >> 8);
    tlv[3] = (uint8_t)n;
    memcpy(tlv + 4, b, n);
    struct duid_view dv = {b, n};
    do_option(D6T_SPACE_DHCPV6, tlv, n + 4, &dv);
    free(tlv);
}

static void do_dname(const uint8_t *b, size_t n, unsigned flags, int list)
{
    d6t_parse_error e = {D6T_OK, 0, NULL};
    size_t off = 0, used, k = 0;
    char text[1024];
    static uint8_t resaved[65536];
    size_t rl = 0;
    /* check everything first so a failure prints nothing else */
    for (int first = 1; first || (list && off < n); first = 0) {
        if (d6t_dname_check(b + off, n - off, flags, &used, &e) != D6T_OK) {
            e.offset += off;
            fail_parse("parse", &e);
            return;
        }
        off += used;
    }
    printf("{\"ok\":true,\"stage\":\"ok\",\"json\":{\"%s\":%s",
           list ? "domain_names" : "domain_name", list ? "[" : "");
    for (size_t p = 0; p < off; p += used, k++) {
        size_t wl = 0;
        d6t_dname_to_text(b + p, off - p, flags, text, sizeof text, &used);
        if (k) putchar(',');
        jstr(text);
        d6t_dname_from_text(text, flags, resaved + rl, sizeof resaved - rl, &wl);
        rl += wl;
    }
    printf("%s,\"consumed\":%zu},\"resaved\":\"", list ? "]" : "", off);
    hexout(resaved, rl);
    puts("\"}");
}

static void do_encode(const char *text, unsigned flags)
{
    uint8_t w[512];
    size_t wl;
    char back[1024];
    d6t_status st = d6t_dname_from_text(text, flags, w, sizeof w, &wl);
    if (st != D6T_OK) {
        printf("{\"ok\":false,\"stage\":\"encode\",\"status\":");
        jstr(d6t_status_name(st));
        printf(",\"offset\":0,\"reason\":");
        jstr(d6t_strerror(st));
        puts("}");
        return;
    }
    /* the encoder must only produce names the checker accepts */
    if (d6t_dname_to_text(w, wl, flags, back, sizeof back, NULL) != D6T_OK) {
        puts("{\"ok\":false,\"stage\":\"print\",\"status\":\"D6T_ERR_DNAME\",\"offset\":0,"
             "\"reason\":\"encoder output fails the checker\"}");
        return;
    }
    printf("{\"ok\":true,\"stage\":\"ok\",\"json\":{\"domain_name\":");
    jstr(back);
    printf("},\"resaved\":\"");
    hexout(w, wl);
    puts("\"}");
}

int main(void)
{
    char *line = NULL;
    size_t lcap = 0;
    ssize_t ll;
    static uint8_t buf[1 << 17];
    while ((ll = getline(&line, &lcap, stdin)) >= 0) {
        while (ll > 0 && (line[ll - 1] == '\n' || line[ll - 1] == '\r')) line[--ll] = 0;
        char *sp = strchr(line, ' ');
        const char *rest = sp ? sp + 1 : "";
        if (sp) *sp = 0;
        const char *kind = line;
        if (!strcmp(kind, "domain_name_encode") || !strcmp(kind, "domain_name_encode_rel")) {
            do_encode(rest, kind[18] ? D6T_DNAME_RELATIVE_OK : 0);
            fflush(stdout);
            continue;
        }
        if (strlen(rest) / 2 > sizeof buf) {
            puts("{\"ok\":false,\"stage\":\"input\",\"reason\":\"record too long\"}");
            continue;
        }
        size_t n = unhex(rest, buf);
        if (!strcmp(kind, "message"))
            do_message(buf, n);
        else if (!strcmp(kind, "option"))
            do_option(D6T_SPACE_DHCPV6, buf, n, NULL);
        else if (!strcmp(kind, "ntp_suboption"))
            do_option(D6T_SPACE_NTP, buf, n, NULL);
        else if (!strcmp(kind, "duid"))
            do_duid(buf, n);
        else if (!strcmp(kind, "domain_name"))
            do_dname(buf, n, 0, 0);
        else if (!strcmp(kind, "domain_name_rel"))
            do_dname(buf, n, D6T_DNAME_RELATIVE_OK, 0);
        else if (!strcmp(kind, "domain_name_list"))
            do_dname(buf, n, 0, 1);
        else {
            printf("{\"ok\":false,\"stage\":\"input\",\"reason\":");
            jstr(kind);
            puts("}");
        }
        fflush(stdout);
    }
    free(line);
    return 0;
}
