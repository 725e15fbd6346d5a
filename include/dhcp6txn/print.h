/* libdhcp6txn - human-readable and JSON forms of messages and options (for logs and tools).
 * All functions behave like snprintf: they write at most 'cap' bytes including the NUL into
 * 'out' (out may be NULL when cap is 0) and return the length the full text needs, excluding
 * the NUL. They never allocate and never fail.
 * SPDX-License-Identifier: BSD-2-Clause */
#ifndef DHCP6TXN_PRINT_H
#define DHCP6TXN_PRINT_H

#include "common.h"
#include "message.h"
#include "option.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Indented tree, one element per line, like `tshark -V`. */
D6T_EXPORT size_t d6t_msg_to_text(const d6t_msg *m, char *out, size_t cap);
D6T_EXPORT size_t d6t_opt_to_text(const d6t_opt *o, char *out, size_t cap);

/* One-line JSON: {"msg_type": 1, "msg_name": "SOLICIT", "transaction_id": "...", "options": [...]}
 * Options: {"code": n, "name": "OPTION_...", <typed fields>, "options": [...]}; the message in
 * OPTION_RELAY_MSG appears as "relayed_message"; unknown elements carry "data" as hex.
 * Text is passed through when it is valid UTF-8; any other byte becomes \u00XX of that byte.
 * Domain names are printed byte-transparently (no case folding, no IDNA). The full layout and
 * how it compares with dhcpkit's are in docs/CONFORMANCE.md. */
D6T_EXPORT size_t d6t_msg_to_json(const d6t_msg *m, char *out, size_t cap);
D6T_EXPORT size_t d6t_opt_to_json(const d6t_opt *o, char *out, size_t cap);
/* A DUID on its own: {"duid_type": n, "name": "DUID-LL", <fields>} */
D6T_EXPORT size_t d6t_duid_to_json(const uint8_t *duid, size_t len, char *out, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
