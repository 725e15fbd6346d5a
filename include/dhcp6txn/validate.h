/* libdhcp6txn - validation against RFC 9915 containment and value rules.
 * SPDX-License-Identifier: BSD-2-Clause */
#ifndef DHCP6TXN_VALIDATE_H
#define DHCP6TXN_VALIDATE_H

#include "common.h"
#include "message.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Kinds of violation. */
typedef enum d6t_violation_kind {
    D6T_V_NOT_ALLOWED = 1, /* option may not appear in this message / option */
    D6T_V_MISSING,         /* a required option is absent */
    D6T_V_TOO_MANY,        /* option appears more often than allowed */
    D6T_V_VALUE,           /* a value breaks a rule (T1 > T2, prefix length > 128, ...) */
    D6T_V_LENGTH,          /* a length breaks a rule (DUID 3..130 bytes, empty identifier, ...) */
    D6T_V_DUPLICATE,       /* e.g. two IAs with the same IAID */
    D6T_V_ENCODING         /* text that is not valid UTF-8, ... */
} d6t_violation_kind;

/* Called once per violation. 'where' is a path such as
 * "RELAY-FORW/OPTION_RELAY_MSG/SOLICIT/OPTION_IA_NA[1]/OPTION_IAADDR[0]" (index among siblings of
 * the same code); 'what' describes the problem. Both strings are valid only during the call.
 * Return non-zero to stop validating. */
typedef int (*d6t_violation_fn)(void *ctx, d6t_violation_kind kind, const char *where,
                                const char *what);

/* Validate a message and everything in it. Returns D6T_OK, or D6T_ERR_INVALID when at least
 * one violation was found (then *count, if non-NULL, is how many were reported). 'fn' may be
 * NULL to only get the verdict. Never allocates. */
D6T_EXPORT d6t_status d6t_msg_validate(const d6t_msg *m, d6t_violation_fn fn, void *ctx,
                                       size_t *count);

/* Validate one option on its own: its values, and the containment and value rules of
 * everything inside it (not whether it may appear where it is). 'where' paths start at it. */
D6T_EXPORT d6t_status d6t_opt_validate(const d6t_opt *o, d6t_violation_fn fn, void *ctx,
                                       size_t *count);

#ifdef __cplusplus
}
#endif
#endif
