/* libdhcp6txn - domain names (RFC 1035 wire form, no compression) and DUIDs.
 * Names are handled byte-transparently: decoding never changes a label (no case folding, no
 * IDNA); printing escapes '.', '\\' and any byte outside printable ASCII as \DDD.
 * SPDX-License-Identifier: BSD-2-Clause */
#ifndef DHCP6TXN_DNAME_H
#define DHCP6TXN_DNAME_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define D6T_DNAME_RELATIVE_OK 0x1u /* a name may end without the root label (at end of input) */

/* Check the name starting at wire[0] (at most 'len' bytes). On success *consumed is its wire
 * length. Errors: D6T_ERR_DNAME (label > 63, name > 255 bytes, label overruns input, missing
 * root label when not allowed); 'err' says where. */
D6T_EXPORT d6t_status d6t_dname_check(const uint8_t *wire, size_t len, unsigned flags,
                                      size_t *consumed, d6t_parse_error *err);
/* Presentation form into 'out' (NUL-terminated); absolute names end in '.', the root is ".".
 * D6T_ERR_BUFFER_TOO_SMALL when cap is too small (1024 always suffices). */
D6T_EXPORT d6t_status d6t_dname_to_text(const uint8_t *wire, size_t len, unsigned flags, char *out,
                                        size_t cap, size_t *consumed);
/* Encode presentation text (accepts \. \\ and \DDD escapes); a trailing '.' or flags without
 * D6T_DNAME_RELATIVE_OK makes it absolute. *outlen = wire length. The root is ".": empty text
 * gives D6T_ERR_EMPTY_NAME, unless D6T_DNAME_RELATIVE_OK is given, where it is the empty
 * relative name (0 bytes; an FQDN option's "no name, give me one"). */
D6T_EXPORT d6t_status d6t_dname_from_text(const char *text, unsigned flags, uint8_t *out,
                                          size_t cap, size_t *outlen);

/* DUID types (RFC 9915, RFC 6355). */
enum d6t_duid_type {
    D6T_DUID_LLT = 1,
    D6T_DUID_EN = 2,
    D6T_DUID_LL = 3,
    D6T_DUID_UUID = 4
};

/* Read a DUID's fields from its bytes (no copy; pointers are views into 'duid').
 * Every out-parameter may be NULL. D6T_ERR_OPT_LENGTH when the DUID is shorter than its type's
 * fixed part. Fields that the type lacks are set to 0 / NULL.
 *   LLT: hardware type, time, link-layer address    EN: enterprise number, identifier
 *   LL: hardware type, link-layer address           UUID: 16-byte identifier
 *   other: 'id' is everything after the type. */
D6T_EXPORT d6t_status d6t_duid_parse(const uint8_t *duid, size_t len, uint16_t *type,
                                     uint16_t *hw_type, uint32_t *time, uint32_t *enterprise,
                                     const uint8_t **id, size_t *id_len);
/* IANA name of a DUID type ("DUID-LLT"...), NULL when unknown. */
D6T_EXPORT const char *d6t_duid_type_name(uint16_t type);

#ifdef __cplusplus
}
#endif
#endif
