/* In-order TCP stream reassembly for DHCPv6 over TCP (RFC 5460 / RFC 7653 framing: each message
 * is preceded by a 2-byte length). Bounded: at most TCP_MAX_FLOWS directions are tracked and each
 * holds at most TCP_FLOW_MAX_BYTES of buffered data; the input is treated as hostile.
 * SPDX-License-Identifier: BSD-2-Clause */
#ifndef DHCP6TXN_TCP_REASM_H
#define DHCP6TXN_TCP_REASM_H

#include "decode.h"

#define TCP_MAX_FLOWS      256
#define TCP_FLOW_MAX_BYTES (1u << 20)
#define TCP_MAX_PENDING    64 /* out-of-order segments held per direction */

struct tcp_table;

struct tcp_table *tcp_table_new(void);
/* Report every flow still holding data as truncated, then free the table. */
void tcp_table_free(struct tcp_table *t, struct dec *d, const struct dec_src *s);

/* One TCP segment of one direction. 'key' identifies the direction (addresses and ports,
 * 36 bytes); 'flags' is the TCP flags byte; 'data' the segment payload as captured. Complete
 * frames are handed to dec_message() / dec_reject() with source 's'. */
void tcp_segment(struct tcp_table *t, struct dec *d, const struct dec_src *s, const uint8_t key[36],
                 uint32_t seq, uint8_t flags, const uint8_t *data, size_t len);

#endif
