/* libdhcp6txn - DHCPv6 code points a server puts in its answers: status codes and leasequery
 * query types, with their IANA names.
 *
 * A d6t_status_code is a value on the wire (the status-code field of OPTION_STATUS_CODE, field key
 * D6T_STATUS_CODE_STATUS_CODE); it says how the server answered a client. It has nothing to do
 * with d6t_status (D6T_OK, D6T_ERR_*), which is the result of a library call: the prefixes
 * differ (D6T_SC_ versus D6T_OK / D6T_ERR_) so that one is never passed for the other.
 * SPDX-License-Identifier: BSD-2-Clause */
#ifndef DHCP6TXN_CODES_H
#define DHCP6TXN_CODES_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* IANA "DHCPv6 Status Codes". Values are the wire values and stable. */
typedef enum d6t_status_code {
    D6T_SC_SUCCESS = 0,                       /* RFC 9915 */
    D6T_SC_UNSPEC_FAIL = 1,                   /* RFC 9915 */
    D6T_SC_NO_ADDRS_AVAIL = 2,                /* RFC 9915 */
    D6T_SC_NO_BINDING = 3,                    /* RFC 9915 */
    D6T_SC_NOT_ON_LINK = 4,                   /* RFC 9915 */
    D6T_SC_USE_MULTICAST = 5,                 /* RFC 9915 */
    D6T_SC_NO_PREFIX_AVAIL = 6,               /* RFC 9915 */
    D6T_SC_UNKNOWN_QUERY_TYPE = 7,            /* RFC 5007 leasequery */
    D6T_SC_MALFORMED_QUERY = 8,               /* RFC 5007 */
    D6T_SC_NOT_CONFIGURED = 9,                /* RFC 5007 */
    D6T_SC_NOT_ALLOWED = 10,                  /* RFC 5007 */
    D6T_SC_QUERY_TERMINATED = 11,             /* RFC 5460 bulk leasequery */
    D6T_SC_DATA_MISSING = 12,                 /* RFC 7653 active leasequery */
    D6T_SC_CATCH_UP_COMPLETE = 13,            /* RFC 7653 */
    D6T_SC_NOT_SUPPORTED = 14,                /* RFC 7653 */
    D6T_SC_TLS_CONNECTION_REFUSED = 15,       /* RFC 7653 */
    D6T_SC_ADDRESS_IN_USE = 16,               /* RFC 8156 failover */
    D6T_SC_CONFIGURATION_CONFLICT = 17,       /* RFC 8156 */
    D6T_SC_MISSING_BINDING_INFORMATION = 18,  /* RFC 8156 */
    D6T_SC_OUTDATED_BINDING_INFORMATION = 19, /* RFC 8156 */
    D6T_SC_SERVER_SHUTTING_DOWN = 20,         /* RFC 8156 */
    D6T_SC_DNS_UPDATE_NOT_SUPPORTED = 21,     /* RFC 8156 */
    D6T_SC_EXCESSIVE_TIME_SKEW = 22           /* RFC 8156 */
} d6t_status_code;

/* IANA name of a status code ("NoAddrsAvail"): a static string, never free it. NULL for a value
 * IANA has not assigned. Takes any 16-bit value, as read from the wire. */
D6T_EXPORT const char *d6t_status_code_name(uint16_t code);

/* IANA "DHCPv6 Leasequery Query Types", the query-type field of OPTION_LQ_QUERY (field key
 * D6T_LQ_QUERY_QUERY_TYPE). RFC 5007 defines 1 and 2 (over UDP), RFC 5460 adds 3 to 5 for
 * bulk leasequery over TCP. */
typedef enum d6t_query_type {
    D6T_QUERY_BY_ADDRESS = 1,
    D6T_QUERY_BY_CLIENTID = 2,
    D6T_QUERY_BY_RELAY_ID = 3,
    D6T_QUERY_BY_LINK_ADDRESS = 4,
    D6T_QUERY_BY_REMOTE_ID = 5
} d6t_query_type;

/* IANA name of a query type ("QUERY_BY_CLIENTID"): a static string, never free it. NULL for a
 * value IANA has not assigned. */
D6T_EXPORT const char *d6t_query_type_name(uint8_t type);

#ifdef __cplusplus
}
#endif
#endif
