/* libdhcp6txn - common definitions: export macro, status codes, version.
 * SPDX-License-Identifier: BSD-2-Clause */
#ifndef DHCP6TXN_COMMON_H
#define DHCP6TXN_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(D6T_BUILDING_LIBRARY) && defined(__GNUC__)
#define D6T_EXPORT __attribute__((visibility("default")))
#else
#define D6T_EXPORT
#endif

#define D6T_VERSION_MAJOR  0
#define D6T_VERSION_MINOR  3
#define D6T_VERSION_PATCH  0
#define D6T_VERSION_STRING "0.3.0"
/* (major << 16) | (minor << 8) | patch, comparable with d6t_version_number() */
#define D6T_VERSION_NUMBER \
    ((D6T_VERSION_MAJOR << 16) | (D6T_VERSION_MINOR << 8) | D6T_VERSION_PATCH)

/* Version of the library actually loaded at run time (static string, never free it). */
D6T_EXPORT const char *d6t_version(void);
D6T_EXPORT unsigned d6t_version_number(void);

/* Parser bound on relay nesting: a message may be wrapped in at most this many relay messages
 * (RFC 3315's HOP_COUNT_LIMIT). RFC 9915 section 7.6 lowers HOP_COUNT_LIMIT to 8, so relays never
 * forward more; validation reports a hop count above 8, parsing accepts up to 32 levels. */
#define D6T_HOP_COUNT_LIMIT 32
/* Deepest nesting of options inside options within one message (IA_NA > IAADDR > STATUS is 3). */
#define D6T_MAX_OPTION_NESTING 16

/* One status enum for the whole library. d6t_strerror() gives a static English text. */
typedef enum d6t_status {
    D6T_OK = 0,
    D6T_ERR_NOMEM,       /* allocator failed or arena limit reached */
    D6T_ERR_INVALID_ARG, /* NULL where an object is required, value out of range for the API */
    D6T_ERR_TRUNCATED,   /* message shorter than its fixed header */
    D6T_ERR_OPT_OVERRUN, /* option header or length runs past the end of its container */
    D6T_ERR_OPT_LENGTH,  /* option length not allowed by the option's layout */
    D6T_ERR_OPT_VALUE,   /* a structural field holds an impossible value (e.g. prefix length 200) */
    D6T_ERR_DNAME, /* malformed domain name (label > 63, name > 255, overrun, no root label) */
    D6T_ERR_RELAY_DEPTH,      /* relay levels or a relay hop count at D6T_HOP_COUNT_LIMIT */
    D6T_ERR_NESTING,          /* options nested deeper than D6T_MAX_OPTION_NESTING */
    D6T_ERR_BUFFER_TOO_SMALL, /* caller's output buffer cannot hold the result */
    D6T_ERR_TOO_LONG,         /* an option would exceed 65535 bytes on the wire */
    D6T_ERR_NOT_FOUND,        /* no such option, field or list element */
    D6T_ERR_WRONG_FIELD, /* the field key does not belong to this option, or has another type */
    D6T_ERR_INVALID,     /* validation found one or more violations */
    D6T_ERR_WRONG_KIND, /* operation not valid for this kind of message (e.g. hop count of SOLICIT) */
    D6T_ERR_UNSUPPORTED, /* feature not built in */
    D6T_ERR_TCP_RELAYED, /* message received over TCP is already relayed */
    D6T_ERR_EMPTY_NAME,  /* empty text where a domain name is needed (the root is ".") */
    D6T_STATUS_COUNT_    /* not a status: number of codes */
} d6t_status;

/* English description of a status (static string, never free it; unknown values get a generic
 * text, never NULL). */
D6T_EXPORT const char *d6t_strerror(d6t_status st);
/* Stable machine name of a status, e.g. "D6T_ERR_OPT_LENGTH". */
D6T_EXPORT const char *d6t_status_name(d6t_status st);

/* Where and why parsing failed. Filled by the parse functions when non-NULL.
 * 'reason' points to a static string (never free it). 'offset' is the byte offset in the
 * buffer given to the parser where the offending element starts. */
typedef struct d6t_parse_error {
    d6t_status status;
    size_t offset;
    const char *reason;
} d6t_parse_error;

#ifdef __cplusplus
}
#endif
#endif
