/* dhcp6txn-decode: the interface between input readers (hex, raw, pcap) and the decoder core.
 * SPDX-License-Identifier: BSD-2-Clause */
#ifndef DHCP6TXN_DECODE_H
#define DHCP6TXN_DECODE_H

#include <stddef.h>
#include <stdint.h>

/* Where a message came from, for output headers and error reports. */
struct dec_src {
    const char *file;     /* display name ("-" for standard input) */
    const char *unit;     /* "line", "packet", or NULL when the whole file is the message */
    unsigned long number; /* 1-based line or packet number within 'file' */
    const char *detail;   /* extra context (addresses, ports), or NULL */
};

struct dec; /* decoder state, private to dhcp6txn-decode.c */

/* One DHCPv6 message found in the input: parse, validate, print. */
void dec_message(struct dec *d, const struct dec_src *s, const uint8_t *msg, size_t len);
/* Something that should have been a message but cannot be decoded (bad hex, truncated packet,
 * zero-length TCP frame...). Counts as a rejected message: one output line, exit status 1. */
void dec_reject(struct dec *d, const struct dec_src *s, size_t offset, const char *reason);
/* Informational remark on stderr (skipped fragment, non-DHCPv6 oddities); no effect on exit. */
void dec_note(struct dec *d, const struct dec_src *s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A problem that is not tied to one message but means messages may have been missed. */
void dec_fail(struct dec *d, const struct dec_src *s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Read every DHCPv6 message of a pcap/pcapng file (NULL: standard input).
 * Returns 0, or -1 on an I/O or file-format error (already reported). */
int dec_read_pcap(struct dec *d, const char *path);

#endif
