/* IANA names of DHCPv6 status codes and leasequery query types.
 * SPDX-License-Identifier: BSD-2-Clause */
#include "internal.h"
#include "dhcp6txn/codes.h"

static const char *const status_code_names[] = {
    [D6T_SC_SUCCESS] = "Success",
    [D6T_SC_UNSPEC_FAIL] = "UnspecFail",
    [D6T_SC_NO_ADDRS_AVAIL] = "NoAddrsAvail",
    [D6T_SC_NO_BINDING] = "NoBinding",
    [D6T_SC_NOT_ON_LINK] = "NotOnLink",
    [D6T_SC_USE_MULTICAST] = "UseMulticast",
    [D6T_SC_NO_PREFIX_AVAIL] = "NoPrefixAvail",
    [D6T_SC_UNKNOWN_QUERY_TYPE] = "UnknownQueryType",
    [D6T_SC_MALFORMED_QUERY] = "MalformedQuery",
    [D6T_SC_NOT_CONFIGURED] = "NotConfigured",
    [D6T_SC_NOT_ALLOWED] = "NotAllowed",
    [D6T_SC_QUERY_TERMINATED] = "QueryTerminated",
    [D6T_SC_DATA_MISSING] = "DataMissing",
    [D6T_SC_CATCH_UP_COMPLETE] = "CatchUpComplete",
    [D6T_SC_NOT_SUPPORTED] = "NotSupported",
    [D6T_SC_TLS_CONNECTION_REFUSED] = "TLSConnectionRefused",
    [D6T_SC_ADDRESS_IN_USE] = "AddressInUse",
    [D6T_SC_CONFIGURATION_CONFLICT] = "ConfigurationConflict",
    [D6T_SC_MISSING_BINDING_INFORMATION] = "MissingBindingInformation",
    [D6T_SC_OUTDATED_BINDING_INFORMATION] = "OutdatedBindingInformation",
    [D6T_SC_SERVER_SHUTTING_DOWN] = "ServerShuttingDown",
    [D6T_SC_DNS_UPDATE_NOT_SUPPORTED] = "DNSUpdateNotSupported",
    [D6T_SC_EXCESSIVE_TIME_SKEW] = "ExcessiveTimeSkew",
};

static const char *const query_type_names[] = {
    [D6T_QUERY_BY_ADDRESS] = "QUERY_BY_ADDRESS",
    [D6T_QUERY_BY_CLIENTID] = "QUERY_BY_CLIENTID",
    [D6T_QUERY_BY_RELAY_ID] = "QUERY_BY_RELAY_ID",
    [D6T_QUERY_BY_LINK_ADDRESS] = "QUERY_BY_LINK_ADDRESS",
    [D6T_QUERY_BY_REMOTE_ID] = "QUERY_BY_REMOTE_ID",
};

#define NAME_OR_NULL(tab, v) ((v) < sizeof tab / sizeof tab[0] ? tab[v] : NULL)

const char *d6t_status_code_name(uint16_t code)
{
    return NAME_OR_NULL(status_code_names, code);
}

const char *d6t_query_type_name(uint8_t type)
{
    return NAME_OR_NULL(query_type_names, type);
}
