/* dhcp6txn-decode: decode DHCPv6 messages from hex lines, raw files or packet captures and
 * print them as a text tree, JSON or re-encoded hex, optionally validating them.
 *
 * Numbering used in reports:
 *  - "message N" counts decoded (or rejected) messages from 1, over all inputs in input order;
 *    with -f json or -f hex it is also the output line number.
 *  - With -i hex, "FILE:L" is the physical 1-based line number L in FILE, blank and comment
 *    lines included, so `sed -n Lp FILE` shows the offending line.
 *  - With -i pcap, "packet P" is the 1-based frame number in the capture (as in Wireshark).
 *  - "byte offset" is the offset within the DHCPv6 message (for relayed messages: within the
 *    outermost message); for a hex syntax error, the number of bytes decoded before it.
 * SPDX-License-Identifier: BSD-2-Clause */
#include <dhcp6txn.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"

#define PROG        "dhcp6txn-decode"
#define RAW_MAX     (16u << 20) /* a raw input larger than this is not a DHCPv6 message */
#define ARENA_LIMIT (64u << 20)

enum fmt {
    F_TEXT,
    F_JSON,
    F_HEX
};
enum inp {
    I_HEX,
    I_RAW,
    I_PCAP
};

struct dec {
    enum fmt fmt;
    int validate;
    d6t_arena *arena;
    unsigned long msgno;
    int failed; /* exit 1 */
    char *buf;  /* growing output buffer */
    size_t cap;
    uint8_t *wire; /* re-encoding buffer */
    size_t wcap;
};

static void usage(FILE *f)
{
    fputs("usage: " PROG " [-f text|json|hex] [-i hex|raw|pcap] [--validate] [FILE ...]\n"
          "  (no FILE: standard input)\n"
          "  -i hex   one message per line, as hex (spaces and ':' ignored, '#' starts a comment)"
          " [default]\n"
          "  -i raw   each FILE is one message in binary\n"
          "  -i pcap  every UDP 546/547 and TCP 547 (2-byte length framed) DHCPv6 message in a"
          " pcap/pcapng file\n"
          "  -f text  indented tree [default];  -f json  one JSON object per line per message;\n"
          "  -f hex   the message re-encoded by the library, one hex line per message (must equal"
          " the input)\n"
          "  --validate  also run validation; print each violation (message number, where, what)"
          " on stderr\n"
          "  -h, --help  this text\n"
          "Exit status: 0 every message parsed (and validated); 1 some message rejected or invalid;"
          " 2 usage or I/O error.\n"
          "Reports name the input line (-i hex, blank/comment lines counted) or the capture's frame"
          " number (-i pcap).\n",
          f);
}

/* ---- reporting ---- */

static void put_src(FILE *f, const struct dec_src *s)
{
    fputs(s->file, f);
    if (s->unit && strcmp(s->unit, "line") == 0)
        fprintf(f, ":%lu", s->number);
    else if (s->unit)
        fprintf(f, ": %s %lu", s->unit, s->number);
    if (s->detail) fprintf(f, " (%s)", s->detail);
}

void dec_note(struct dec *d, const struct dec_src *s, const char *fmt, ...)
{
    (void)d;
    va_list ap;
    fputs(PROG ": ", stderr);
    put_src(stderr, s);
    fputs(": note: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void dec_fail(struct dec *d, const struct dec_src *s, const char *fmt, ...)
{
    va_list ap;
    d->failed = 1;
    fputs(PROG ": ", stderr);
    put_src(stderr, s);
    fputs(": ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* ---- output ---- */

static int grow(void **p, size_t *cap, size_t need)
{
    if (need <= *cap) return 0;
    size_t n = *cap ? *cap : 4096;
    while (n < need) n *= 2;
    void *q = realloc(*p, n);
    if (!q) return -1;
    *p = q;
    *cap = n;
    return 0;
}

/* Render with one of the library's snprintf-style printers into the growing buffer. */
static const char *render(struct dec *d, size_t (*fn)(const d6t_msg *, char *, size_t),
                          const d6t_msg *m, size_t *len)
{
    size_t need = fn(m, d->buf, d->cap);
    if (need + 1 > d->cap) {
        if (grow((void **)&d->buf, &d->cap, need + 1)) {
            fputs(PROG ": out of memory\n", stderr);
            exit(2);
        }
        need = fn(m, d->buf, d->cap);
    }
    *len = need;
    return d->buf;
}

static void put_json_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
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

static void put_hex_line(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) printf("%02x", p[i]);
    putchar('\n');
}

static void text_header(struct dec *d, const struct dec_src *s)
{
    if (d->msgno > 1) putchar('\n');
    printf("# message %lu: ", d->msgno);
    put_src(stdout, s);
    putchar('\n');
}

void dec_reject(struct dec *d, const struct dec_src *s, size_t offset, const char *reason)
{
    d->msgno++;
    d->failed = 1;
    fprintf(stderr, PROG ": ");
    put_src(stderr, s);
    fprintf(stderr, ": message %lu: rejected at byte offset %zu: %s\n", d->msgno, offset, reason);
    switch (d->fmt) {
    case F_TEXT:
        text_header(d, s);
        printf("rejected at byte offset %zu: %s\n", offset, reason);
        break;
    case F_JSON:
        fputs("{\"error\": ", stdout);
        put_json_string(reason);
        printf(", \"offset\": %zu}\n", offset);
        break;
    case F_HEX: putchar('\n'); break;
    }
}

struct vctx {
    const struct dec_src *src;
    unsigned long msgno;
};

static int on_violation(void *ctx, d6t_violation_kind kind, const char *where, const char *what)
{
    const struct vctx *v = ctx;
    (void)kind;
    fprintf(stderr, PROG ": ");
    put_src(stderr, v->src);
    fprintf(stderr, ": message %lu: invalid: %s: %s\n", v->msgno, where, what);
    return 0;
}

/* -f hex must reproduce the input; a difference is a library bug worth a loud report. */
static void emit_hex(struct dec *d, const struct dec_src *s, const d6t_msg *m, const uint8_t *in,
                     size_t inlen)
{
    size_t need = d6t_msg_wire_size(m), len = 0;
    if (grow((void **)&d->wire, &d->wcap, need ? need : 1) ||
        d6t_msg_write(m, d->wire, d->wcap, &len) != D6T_OK) {
        putchar('\n');
        dec_fail(d, s, "message %lu: cannot be re-encoded", d->msgno);
        return;
    }
    put_hex_line(d->wire, len);
    if (len != inlen || memcmp(d->wire, in, len) != 0) {
        size_t i = 0;
        while (i < len && i < inlen && d->wire[i] == in[i]) i++;
        dec_fail(d, s, "message %lu: re-encoded bytes differ from the input at byte offset %zu",
                 d->msgno, i);
    }
}

void dec_message(struct dec *d, const struct dec_src *s, const uint8_t *msg, size_t len)
{
    d6t_msg *m;
    d6t_parse_error err;
    d6t_arena_reset(d->arena);
    if (d6t_msg_parse(d->arena, msg, len, 0, &m, &err) != D6T_OK) {
        char why[256];
        snprintf(why, sizeof why, "%s (%s)", err.reason ? err.reason : d6t_strerror(err.status),
                 d6t_status_name(err.status));
        dec_reject(d, s, err.offset, why);
        return;
    }
    d->msgno++;
    size_t n;
    const char *t;
    switch (d->fmt) {
    case F_TEXT:
        text_header(d, s);
        t = render(d, d6t_msg_to_text, m, &n);
        fwrite(t, 1, n, stdout);
        break;
    case F_JSON:
        t = render(d, d6t_msg_to_json, m, &n);
        fwrite(t, 1, n, stdout);
        putchar('\n');
        break;
    case F_HEX: emit_hex(d, s, m, msg, len); break;
    }
    if (d->validate) {
        struct vctx v = {s, d->msgno};
        size_t count = 0;
        if (d6t_msg_validate(m, on_violation, &v, &count) != D6T_OK) {
            d->failed = 1;
            if (count == 0) dec_fail(d, s, "message %lu: validation failed", d->msgno);
        }
    }
}

/* ---- hex input ---- */

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* One input line: a message, a syntax error, or nothing (blank / comment only). */
static void hex_line(struct dec *d, const struct dec_src *s, const char *line, size_t n,
                     uint8_t *bytes)
{
    size_t nb = 0, digits = 0;
    int hi = 0;
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)line[i];
        if (c == '#') break;
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ':' || c == '\v' || c == '\f')
            continue;
        int v = hexval(c);
        if (v < 0) {
            char why[96];
            if (c >= 0x21 && c < 0x7f)
                snprintf(why, sizeof why, "invalid character '%c' in hex at column %zu", c, i + 1);
            else
                snprintf(why, sizeof why, "invalid byte 0x%02x in hex at column %zu", (unsigned)c,
                         i + 1);
            dec_reject(d, s, nb, why);
            return;
        }
        if (digits++ % 2 == 0)
            hi = v;
        else
            bytes[nb++] = (uint8_t)(hi << 4 | v);
    }
    if (digits == 0) return;
    if (digits % 2) {
        dec_reject(d, s, nb, "odd number of hex digits");
        return;
    }
    dec_message(d, s, bytes, nb);
}

static int read_hex(struct dec *d, FILE *f, const char *name)
{
    char *line = NULL;
    size_t lcap = 0;
    uint8_t *bytes = NULL;
    size_t bcap = 0;
    ssize_t n;
    struct dec_src s = {name, "line", 0, NULL};
    int rc = 0;
    errno = 0;
    while ((n = getline(&line, &lcap, f)) != -1) {
        s.number++;
        if (grow((void **)&bytes, &bcap, (size_t)n / 2 + 1)) {
            fputs(PROG ": out of memory\n", stderr);
            rc = -1;
            break;
        }
        hex_line(d, &s, line, (size_t)n, bytes);
    }
    if (rc == 0 && ferror(f)) {
        fprintf(stderr, PROG ": %s: read error: %s\n", name, strerror(errno));
        rc = -1;
    }
    free(line);
    free(bytes);
    return rc;
}

/* ---- raw input ---- */

static int read_raw(struct dec *d, FILE *f, const char *name)
{
    uint8_t *p = NULL;
    size_t cap = 0, len = 0;
    struct dec_src s = {name, NULL, 0, NULL};
    for (;;) {
        if (grow((void **)&p, &cap, len + 65536)) {
            free(p);
            fputs(PROG ": out of memory\n", stderr);
            return -1;
        }
        size_t k = fread(p + len, 1, cap - len, f);
        len += k;
        if (k == 0 || len > RAW_MAX) break;
    }
    if (ferror(f)) {
        fprintf(stderr, PROG ": %s: read error: %s\n", name, strerror(errno));
        free(p);
        return -1;
    }
    if (len > RAW_MAX)
        dec_reject(d, &s, 0, "input larger than 16 MiB is not a DHCPv6 message");
    else
        dec_message(d, &s, p, len);
    free(p);
    return 0;
}

#ifndef D6D_HAVE_PCAP
int dec_read_pcap(struct dec *d, const char *path)
{
    (void)d;
    (void)path;
    return -1;
}
#endif

/* ---- main ---- */

static int read_one(struct dec *d, enum inp in, const char *path)
{
    if (in == I_PCAP) return dec_read_pcap(d, path);
    FILE *f = stdin;
    const char *name = "-";
    if (path) {
        f = fopen(path, in == I_RAW ? "rb" : "r");
        if (!f) {
            fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
            return -1;
        }
        name = path;
    }
    int rc = in == I_RAW ? read_raw(d, f, name) : read_hex(d, f, name);
    if (path) fclose(f);
    return rc;
}

static int bad_usage(const char *what, const char *arg)
{
    fprintf(stderr, PROG ": %s '%s'\n", what, arg);
    usage(stderr);
    return 2;
}

int main(int argc, char **argv)
{
    struct dec d = {0};
    enum inp in = I_HEX;
    int i;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *val = NULL;
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        if (a[0] != '-' || a[1] == 0) break; /* "-" alone is standard input */
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return 0;
        }
        if (strcmp(a, "--validate") == 0) {
            d.validate = 1;
            continue;
        }
        if ((a[1] == 'f' || a[1] == 'i') && a[2] == 0) {
            if (++i >= argc) return bad_usage("missing value for option", a);
            val = argv[i];
        } else if ((a[1] == 'f' || a[1] == 'i') && a[2]) {
            val = a + 2;
        } else {
            return bad_usage("unknown option", a);
        }
        if (a[1] == 'f') {
            if (strcmp(val, "text") == 0)
                d.fmt = F_TEXT;
            else if (strcmp(val, "json") == 0)
                d.fmt = F_JSON;
            else if (strcmp(val, "hex") == 0)
                d.fmt = F_HEX;
            else
                return bad_usage("unknown output format (text, json or hex):", val);
        } else {
            if (strcmp(val, "hex") == 0)
                in = I_HEX;
            else if (strcmp(val, "raw") == 0)
                in = I_RAW;
            else if (strcmp(val, "pcap") == 0)
                in = I_PCAP;
            else
                return bad_usage("unknown input format (hex, raw or pcap):", val);
        }
    }
#ifndef D6D_HAVE_PCAP
    if (in == I_PCAP) {
        fputs(PROG ": -i pcap is not available: this program was built without libpcap\n", stderr);
        return 2;
    }
#endif
    d.arena = d6t_arena_new(NULL, 65536);
    if (!d.arena) {
        fputs(PROG ": out of memory\n", stderr);
        return 2;
    }
    d6t_arena_set_limit(d.arena, ARENA_LIMIT);
    int io_error = 0;
    if (i >= argc) {
        io_error |= read_one(&d, in, NULL) != 0;
    } else {
        for (; i < argc; i++)
            io_error |= read_one(&d, in, strcmp(argv[i], "-") == 0 ? NULL : argv[i]) != 0;
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, PROG ": error writing output: %s\n", strerror(errno));
        io_error = 1;
    }
    d6t_arena_free(d.arena);
    free(d.buf);
    free(d.wire);
    return io_error ? 2 : d.failed ? 1 : 0;
}
