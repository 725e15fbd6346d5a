/* libdhcp6txn - typed fields of known options, and the option definition table.
 *
 * Every field of every known option has a key (enum d6t_key). Getters and setters take the
 * key and check that it belongs to the option and has the asked type (D6T_ERR_WRONG_FIELD
 * otherwise), in the style of c-ares' ares_dns_rr_get_*(). All of it is driven by one table of
 * option definitions inside the library, also readable through d6t_optdef_*().
 * SPDX-License-Identifier: BSD-2-Clause */
#ifndef DHCP6TXN_FIELDS_H
#define DHCP6TXN_FIELDS_H

#include "common.h"
#include "option.h"
#include "optcodes.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Wire layout of a field. */
typedef enum d6t_ftype {
    D6T_FT_U8 = 1,
    D6T_FT_U16,
    D6T_FT_U32,
    D6T_FT_BIN,          /* fixed number of opaque bytes (d6t_optdef_field size) */
    D6T_FT_ADDR6,        /* 16-byte IPv6 address */
    D6T_FT_ADDR4,        /* 4-byte IPv4 address */
    D6T_FT_PREFIX6,      /* prefix length (1 byte) + 16-byte prefix (IAPREFIX) */
    D6T_FT_PREFIX6_VAR,  /* prefix length (1 byte) + ceil(length/8) bytes (RFC 7598) */
    D6T_FT_PREFIX4,      /* prefix length (1 byte) + 4-byte prefix (RFC 7598) */
    D6T_FT_PSID,         /* 16-bit PSID left-aligned by the preceding psid-len (RFC 7598) */
    D6T_FT_ADDR6_LIST,   /* IPv6 addresses to the end */
    D6T_FT_U16_LIST,     /* 16-bit values to the end (option codes, architecture types) */
    D6T_FT_BIN_REST,     /* opaque bytes to the end */
    D6T_FT_TEXT,         /* text (UTF-8 expected, not checked at parse) to the end */
    D6T_FT_DUID,         /* a DUID to the end */
    D6T_FT_DNAME,        /* one absolute domain name, exactly to the end */
    D6T_FT_FQDN,         /* one domain name to the end, may be relative (no root label) */
    D6T_FT_DNAME_LIST,   /* absolute domain names to the end */
    D6T_FT_BIN16_LIST,   /* items of 2-byte length + data, to the end (user/vendor classes) */
    D6T_FT_DNAME16,      /* 2-byte length + one absolute domain name (RFC 9463 ADN) */
    D6T_FT_ADDR6_LIST16, /* 2-byte length + IPv6 addresses; absent when nothing follows */
    D6T_FT_OPTIONS,      /* sub-options to the end (not a field: marks a container) */
    D6T_FT_MESSAGE       /* a DHCPv6 message to the end (not a field: OPTION_RELAY_MSG etc.) */
} d6t_ftype;

/* ---- getters. Views are borrowed from the arena. A getter never hands out a value outside
 * what the field can mean: parsing without validation keeps any bytes (the message still
 * writes back byte-exact), and a typed getter then answers D6T_ERR_OPT_VALUE and writes
 * nothing, while d6t_opt_get_bytes still gives the raw field. The domains: a prefix length at
 * most 128 (PREFIX6, PREFIX6_VAR) or 32 (PREFIX4); a PSID whose psid-len is at most 16; a U8
 * length the table bounds (S46 EA-len <= 48, PSID-len <= 16, PSID offset <= 15, PD-Exclude
 * prefix length <= 128). ---- */
/* U8: D6T_ERR_OPT_VALUE for a bounded length over its bound (see above). */
D6T_EXPORT d6t_status d6t_opt_get_u8(const d6t_opt *o, d6t_key k, uint8_t *v);
/* U16, and PSID: the value right-aligned (its psid-len bits); D6T_ERR_OPT_VALUE when the
 * psid-len before it is over 16. */
D6T_EXPORT d6t_status d6t_opt_get_u16(const d6t_opt *o, d6t_key k, uint16_t *v);
D6T_EXPORT d6t_status d6t_opt_get_u32(const d6t_opt *o, d6t_key k, uint32_t *v);
D6T_EXPORT d6t_status d6t_opt_get_addr6(const d6t_opt *o, d6t_key k, uint8_t addr[16]);
D6T_EXPORT d6t_status d6t_opt_get_addr4(const d6t_opt *o, d6t_key k, uint8_t addr[4]);
/* PREFIX6, PREFIX6_VAR (missing bytes read as zero), PREFIX4 (addr[0..3]). D6T_ERR_OPT_VALUE
 * for a length over 128 (over 32 for PREFIX4): nothing is written then. */
D6T_EXPORT d6t_status d6t_opt_get_prefix(const d6t_opt *o, d6t_key k, uint8_t addr[16],
                                         uint8_t *plen);
/* BIN, BIN_REST, TEXT, DUID, and the raw wire bytes of any other field: a view. */
D6T_EXPORT d6t_status d6t_opt_get_bytes(const d6t_opt *o, d6t_key k, const uint8_t **data,
                                        size_t *len);
/* Domain-name fields (DNAME, FQDN, DNAME16; DNAME_LIST element i) as presentation text into
 * 'out' (NUL-terminated, escaped as d6t_dname_to_text does). */
D6T_EXPORT d6t_status d6t_opt_get_dname(const d6t_opt *o, d6t_key k, size_t i, char *out,
                                        size_t cap);

/* ---- list fields (ADDR6_LIST, ADDR6_LIST16, U16_LIST, DNAME_LIST, BIN16_LIST): the elements
 * of one field of one option, not options. Element i of a DNAME_LIST: d6t_opt_get_dname. ---- */
/* Number of elements of a list field. */
D6T_EXPORT d6t_status d6t_opt_list_count(const d6t_opt *o, d6t_key k, size_t *n);
/* Element i of an ADDR6_LIST or ADDR6_LIST16, copied into addr; D6T_ERR_NOT_FOUND past the end. */
D6T_EXPORT d6t_status d6t_opt_list_get_addr6(const d6t_opt *o, d6t_key k, size_t i,
                                             uint8_t addr[16]);
/* Element i of a U16_LIST in host byte order; D6T_ERR_NOT_FOUND past the end. */
D6T_EXPORT d6t_status d6t_opt_list_get_u16(const d6t_opt *o, d6t_key k, size_t i, uint16_t *v);
/* Item i of a BIN16_LIST without its 2-byte length, as a view borrowed from the arena;
 * D6T_ERR_NOT_FOUND past the end. */
D6T_EXPORT d6t_status d6t_opt_list_get_bytes(const d6t_opt *o, d6t_key k, size_t i,
                                             const uint8_t **data, size_t *len);
/* A list of fixed-size elements as one view of its wire bytes: *n elements of *size bytes each
 * from *data, element i at (*data)[i * *size]. ADDR6_LIST and ADDR6_LIST16: 16-byte addresses
 * (the 2-byte length of ADDR6_LIST16 is skipped); U16_LIST: 2-byte values in network byte order
 * (value i is data[2i] << 8 | data[2i + 1]). An empty list gives *n = 0. D6T_ERR_WRONG_FIELD for
 * any other field type, DNAME_LIST and BIN16_LIST included (their elements differ in size: see
 * d6t_opt_list_next). The view is borrowed from the option's arena and valid until the option
 * is changed or the arena reset. Out-parameters may be NULL. */
D6T_EXPORT d6t_status d6t_opt_list_view(const d6t_opt *o, d6t_key k, const uint8_t **data,
                                        size_t *n, size_t *size);
/* Walk any list field one element after the other without indexing (indexing a DNAME_LIST or
 * BIN16_LIST walks every element before the one asked for). Set *pos = 0 before the first call;
 * each call gives D6T_OK with a view of the next element in *data / *len and moves *pos on, and
 * D6T_ERR_NOT_FOUND after the last one. An element is, by field type: a 16-byte address, a
 * 2-byte value in network byte order, a domain name in wire form (d6t_dname_to_text gives its
 * text), or a BIN16_LIST item without its 2-byte length. *pos is opaque: pass only 0 or what the
 * previous call on the same, unchanged option left; anything else gives D6T_ERR_INVALID_ARG or
 * some element, never a read outside the field. The view lives as for d6t_opt_list_view. */
D6T_EXPORT d6t_status d6t_opt_list_next(const d6t_opt *o, d6t_key k, size_t *pos,
                                        const uint8_t **data, size_t *len);

/* ---- setters: copy the value into the arena; lengths follow automatically. ---- */
D6T_EXPORT d6t_status d6t_opt_set_u8(d6t_opt *o, d6t_key k, uint8_t v);
D6T_EXPORT d6t_status d6t_opt_set_u16(d6t_opt *o, d6t_key k, uint16_t v);
D6T_EXPORT d6t_status d6t_opt_set_u32(d6t_opt *o, d6t_key k, uint32_t v);
D6T_EXPORT d6t_status d6t_opt_set_addr6(d6t_opt *o, d6t_key k, const uint8_t addr[16]);
D6T_EXPORT d6t_status d6t_opt_set_addr4(d6t_opt *o, d6t_key k, const uint8_t addr[4]);
D6T_EXPORT d6t_status d6t_opt_set_prefix(d6t_opt *o, d6t_key k, const uint8_t *addr, uint8_t plen);
/* Replace a BIN (exact size), BIN_REST, TEXT or DUID field, or a whole list field with its raw
 * wire bytes (checked against the field's layout). */
D6T_EXPORT d6t_status d6t_opt_set_bytes(d6t_opt *o, d6t_key k, const uint8_t *data, size_t len);
D6T_EXPORT d6t_status d6t_opt_set_text(d6t_opt *o, d6t_key k, const char *text); /* TEXT */
/* DNAME, FQDN, DNAME16 from presentation text (FQDN: no trailing dot = relative). */
D6T_EXPORT d6t_status d6t_opt_set_dname(d6t_opt *o, d6t_key k, const char *name);
/* Append one element to a list field (copied; the option's lengths follow). Not a sub-option:
 * those are added with d6t_opt_add_child*. An address to an ADDR6_LIST or ADDR6_LIST16: */
D6T_EXPORT d6t_status d6t_opt_list_add_addr6(d6t_opt *o, d6t_key k, const uint8_t addr[16]);
/* A value to a U16_LIST (e.g. an option code to the ORO). */
D6T_EXPORT d6t_status d6t_opt_list_add_u16(d6t_opt *o, d6t_key k, uint16_t v);
/* An item of at most 65535 bytes to a BIN16_LIST (its 2-byte length is added). */
D6T_EXPORT d6t_status d6t_opt_list_add_bytes(d6t_opt *o, d6t_key k, const uint8_t *data,
                                             size_t len);
/* An absolute domain name, from presentation text, to a DNAME_LIST. */
D6T_EXPORT d6t_status d6t_opt_list_add_dname(d6t_opt *o, d6t_key k, const char *name);

/* ---- identity associations: IA_NA, IA_PD and IA_TA alike ---- */
/* The IAID, T1 and T2 of IA option 'ia' (D6T_OPT_IA_NA, D6T_OPT_IA_PD or D6T_OPT_IA_TA; the
 * same as reading D6T_IA_NA_IAID, D6T_IA_NA_T1, ... with the keys of its type). An IA_TA has no
 * T1 and T2 (RFC 9915 section 21.5): for it *t1 and *t2 are set to 0. Any output pointer may be
 * NULL. D6T_ERR_INVALID_ARG when 'ia' is NULL, D6T_ERR_WRONG_FIELD when it is not an IA option
 * (nothing is written then). */
D6T_EXPORT d6t_status d6t_opt_get_ia(const d6t_opt *ia, uint32_t *iaid, uint32_t *t1, uint32_t *t2);
/* Set the IAID, T1 and T2 of IA option 'ia' (in its arena, like the other setters). For an
 * IA_TA, which has no T1 and T2, both must be 0: D6T_ERR_INVALID_ARG otherwise, and nothing is
 * changed. D6T_ERR_WRONG_FIELD when 'ia' is not an IA option. */
D6T_EXPORT d6t_status d6t_opt_set_ia(d6t_opt *ia, uint32_t iaid, uint32_t t1, uint32_t t2);
/* Append a new IA option of type 'code' (D6T_OPT_IA_NA, D6T_OPT_IA_PD or D6T_OPT_IA_TA) holding
 * 'iaid', 't1' and 't2' to message 'm': d6t_msg_add_opt and d6t_opt_set_ia in one call. The
 * option lives in m's arena, like d6t_msg_add_opt's; *out (out may be NULL) is it, or NULL on
 * error. D6T_ERR_INVALID_ARG: 'm' NULL or of an unknown type, or t1/t2 not 0 for an IA_TA;
 * D6T_ERR_WRONG_FIELD: 'code' is not an IA; D6T_ERR_NOMEM. Nothing is added on error. */
D6T_EXPORT d6t_status d6t_msg_add_ia(d6t_msg *m, uint16_t code, uint32_t iaid, uint32_t t1,
                                     uint32_t t2, d6t_opt **out);

/* ---- leases and status codes: what a server puts in an IA, in one call each ---- */
/* Append one lease to IA option 'ia': an OPTION_IAADDR for an IA_NA or IA_TA (plen must be 128),
 * an OPTION_IAPREFIX for an IA_PD (plen 0-128; the bits of addr past plen are written as zero),
 * holding addr and the preferred and valid lifetimes (seconds; 0xffffffff is infinity). The same
 * as d6t_opt_add_child and three setters, in one allocation. The new option lives in the IA's
 * arena and is an ordinary sub-option: it may be changed, given sub-options (a status code) or
 * removed. *out (out may be NULL) is it, or NULL on error. A preferred lifetime over the valid
 * one is not refused here: validation reports it (RFC 9915 sections 21.6 and 21.22).
 * D6T_ERR_INVALID_ARG: 'ia' or 'addr' NULL, or plen out of range; D6T_ERR_WRONG_FIELD: 'ia' is
 * not an IA option; D6T_ERR_NOMEM: the arena refused. Nothing is added on error. */
D6T_EXPORT d6t_status d6t_opt_add_lease(d6t_opt *ia, const uint8_t addr[16], uint8_t plen,
                                        uint32_t preferred, uint32_t valid, d6t_opt **out);
/* The lease an OPTION_IAADDR (*plen 128) or OPTION_IAPREFIX holds: the address or prefix (16
 * bytes, copied), its length and the two lifetimes. Any output pointer may be NULL.
 * D6T_ERR_INVALID_ARG: 'o' NULL; D6T_ERR_WRONG_FIELD: 'o' is neither; D6T_ERR_OPT_VALUE: a
 * prefix length over 128 (an unvalidated message; the raw bytes stay readable with
 * d6t_opt_data). Nothing is written unless D6T_OK. */
D6T_EXPORT d6t_status d6t_opt_get_lease(const d6t_opt *o, uint8_t addr[16], uint8_t *plen,
                                        uint32_t *preferred, uint32_t *valid);
/* Set both fields of an OPTION_STATUS_CODE: the code (d6t_status_code, D6T_SC_*) and the
 * message, a NUL-terminated UTF-8 text written without its NUL ("" for none; validation checks
 * that it is UTF-8). The text is copied. D6T_ERR_INVALID_ARG: 'o' or 'text' NULL;
 * D6T_ERR_WRONG_FIELD: 'o' is not a status code option; D6T_ERR_TOO_LONG: the option would
 * exceed 65535 bytes; D6T_ERR_NOMEM. Nothing is changed on error. */
D6T_EXPORT d6t_status d6t_opt_set_status(d6t_opt *o, uint16_t code, const char *text);
/* Append a new OPTION_STATUS_CODE holding 'code' and 'text' (as d6t_opt_set_status takes them)
 * to 'parent', an option whose sub-options are DHCPv6 options (an IA, an IAADDR, an IAPREFIX):
 * d6t_opt_add_child and d6t_opt_set_status in one allocation. *out (out may be NULL) is it, or
 * NULL on error. D6T_ERR_INVALID_ARG: 'parent' or 'text' NULL; D6T_ERR_WRONG_FIELD: 'parent'
 * has no DHCPv6 sub-options; D6T_ERR_TOO_LONG; D6T_ERR_NOMEM. Nothing is added on error. */
D6T_EXPORT d6t_status d6t_opt_add_status(d6t_opt *parent, uint16_t code, const char *text,
                                         d6t_opt **out);
/* The same at the top level of message 'm' (D6T_ERR_INVALID_ARG also for a message of an
 * unknown type). */
D6T_EXPORT d6t_status d6t_msg_add_status(d6t_msg *m, uint16_t code, const char *text,
                                         d6t_opt **out);
/* The code and message of an OPTION_STATUS_CODE. *text is a view of *len bytes into the option
 * (not NUL-terminated), valid while the option is unchanged and its arena lives. Any output
 * pointer may be NULL. D6T_ERR_INVALID_ARG: 'o' NULL; D6T_ERR_WRONG_FIELD: not a status code
 * option. */
D6T_EXPORT d6t_status d6t_opt_get_status(const d6t_opt *o, uint16_t *code, const uint8_t **text,
                                         size_t *len);

/* ---- the option definition table ---- */
typedef struct d6t_optdef d6t_optdef; /* opaque, static, never freed */
D6T_EXPORT const d6t_optdef *d6t_optdef_find(d6t_space space, uint16_t code);
D6T_EXPORT const d6t_optdef *d6t_optdef_of(const d6t_opt *o);
D6T_EXPORT size_t d6t_optdef_count(void);
D6T_EXPORT const d6t_optdef *d6t_optdef_at(size_t i);
D6T_EXPORT uint16_t d6t_optdef_code(const d6t_optdef *d);
D6T_EXPORT d6t_space d6t_optdef_space(const d6t_optdef *d);
D6T_EXPORT const char *d6t_optdef_name(const d6t_optdef *d);
/* Space of the sub-options when the option is a container (D6T_FT_OPTIONS), else -1. */
D6T_EXPORT int d6t_optdef_child_space(const d6t_optdef *d);
/* Name of the nested message ("relayed_message" for OPTION_RELAY_MSG, "relay_message" for
 * OPTION_LQ_RELAY_DATA) when the option ends in a DHCPv6 message (d6t_opt_msg), else NULL.
 * Static string. */
D6T_EXPORT const char *d6t_optdef_message_field(const d6t_optdef *d);
D6T_EXPORT size_t d6t_optdef_field_count(const d6t_optdef *d);
/* Field i: key, JSON/Python name (static), wire type, fixed size in bytes for BIN (else 0). */
D6T_EXPORT d6t_status d6t_optdef_field(const d6t_optdef *d, size_t i, d6t_key *key,
                                       const char **name, d6t_ftype *type, size_t *size);
D6T_EXPORT const d6t_optdef *d6t_key_optdef(d6t_key k);

#ifdef __cplusplus
}
#endif
#endif
