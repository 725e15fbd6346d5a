/* The option table: code, name and wire layout of every option the library knows. Parsing,
 * field access, building, printing, validation and the Python binding are all driven by it.
 * Rows are sorted by (space, code) for binary search (a unit test checks the order).
 * SPDX-License-Identifier: BSD-2-Clause */
#include "internal.h"

#define F(k, t, n) { (k), D6T_FT_##t, 0, (n) }
#define FBIN(k, n, sz) { (k), D6T_FT_BIN, (sz), (n) }
#define OPTS(sp) { 0, D6T_FT_OPTIONS, (sp), "options" }
#define MSG(n) { 0, D6T_FT_MESSAGE, 0, (n) }
#define NF(...) ((uint8_t)(sizeof((struct d6t_fielddef[]){ __VA_ARGS__ }) / sizeof(struct d6t_fielddef)))

/* Containment columns (read by validation): 'in' is TOP(msgs, once), IN(once, parents...) or
 * TOP_IN(msgs, once, parents...). Sources: RFC 9915 appendices B and C, and each extension RFC. */
#define TOP(m, o) .msgs = (m), .once = (o)
#define IN(o, ...) .once = (o), .parents = { __VA_ARGS__ }
#define TOP_IN(m, o, ...) .msgs = (m), .once = (o), .parents = { __VA_ARGS__ }
#define M(t) (1u << D6T_MSG_##t)
#define M_CLI (M(SOLICIT) | M(REQUEST) | M(CONFIRM) | M(RENEW) | M(REBIND) | M(RELEASE) | M(DECLINE) | \
               M(INFORMATION_REQUEST))
#define M_SRV (M(ADVERTISE) | M(REPLY))
#define M_RELAY (M(RELAY_FORW) | M(RELAY_REPL))
#define M_IA ((M_CLI & ~M(INFORMATION_REQUEST)) | M_SRV)
/* configuration options: servers answer with them, clients may send them as hints */
#define M_CFG (M_CLI | M_SRV)
#define M_LQ (M(LEASEQUERY) | M(LEASEQUERY_REPLY) | M(LEASEQUERY_DONE) | M(ACTIVELEASEQUERY) | M(STARTTLS))
#define M_RCR (M(RECONFIGURE_REQUEST) | M(RECONFIGURE_REPLY))
/* RFC 9915 21.7 requires it in Solicit, Request, Renew, Rebind and Information-request and
 * forbids it nowhere; ISC dhclient and dhcpcd also send it in Confirm and Release */
#define M_ORO (M_CLI | M(ACTIVELEASEQUERY))
#define M_STATUS (M_SRV | M(LEASEQUERY_REPLY) | M(LEASEQUERY_DONE) | M(RECONFIGURE_REPLY) | M(STARTTLS))
#define M_RACC (M(SOLICIT) | M(ADVERTISE) | M(REQUEST) | M(RENEW) | M(REBIND) | M(REPLY) | M(INFORMATION_REQUEST))
/* RFC 4704 section 5: clients send it in Solicit, Request, Renew, Rebind; servers answer */
#define M_FQDN (M(SOLICIT) | M(REQUEST) | M(RENEW) | M(REBIND) | M_SRV)
#define M_CID (M_CLI | M_SRV | M(RECONFIGURE) | M_LQ | M_RCR)
/* RFC 9915 18.2.6: an Information-request answering a Reconfigure carries the Server Identifier */
#define M_SID ((M_CLI & ~(M(SOLICIT) | M(CONFIRM) | M(REBIND))) | M_SRV | M(RECONFIGURE) | M_LQ | M_RCR)

/* leaf option */
#define LEAF(c, sp, nm, in, ...) \
    { .code = (c), .space = (sp), .child_space = -1, .name = (nm), .nfields = NF(__VA_ARGS__), \
      .f = { __VA_ARGS__ }, in }
/* option without fields */
#define EMPTY(c, sp, nm, in) { .code = (c), .space = (sp), .child_space = -1, .name = (nm), .nfields = 0, in }
/* container: fields, then sub-options of space csp */
#define CONT(c, sp, nm, in, csp, ...) \
    { .code = (c), .space = (sp), .child_space = (csp), .name = (nm), \
      .nfields = (uint8_t)(NF(__VA_ARGS__) + 1), .f = { __VA_ARGS__, OPTS(csp) }, in }
#define CONT0(c, sp, nm, in, csp) \
    { .code = (c), .space = (sp), .child_space = (csp), .name = (nm), .nfields = 1, .f = { OPTS(csp) }, in }
/* fields, then a nested message */
#define WITHMSG(c, sp, nm, in, mn, ...) \
    { .code = (c), .space = (sp), .child_space = -1, .has_msg = 1, .name = (nm), \
      .nfields = (uint8_t)(NF(__VA_ARGS__) + 1), .f = { __VA_ARGS__, MSG(mn) }, in }
#define MSG0(c, sp, nm, in, mn) \
    { .code = (c), .space = (sp), .child_space = -1, .has_msg = 1, .name = (nm), .nfields = 1, \
      .f = { MSG(mn) }, in }

#define V6 D6T_SPACE_DHCPV6
#define NTP D6T_SPACE_NTP
#define VND D6T_SPACE_VENDOR

const struct d6t_optdef d6t__optdefs[] = {
    LEAF(1, V6, "OPTION_CLIENTID", TOP_IN(M_CID, 1, 44, 45), F(D6T_CLIENTID_DUID, DUID, "duid")),
    LEAF(2, V6, "OPTION_SERVERID", TOP(M_SID, 1), F(D6T_SERVERID_DUID, DUID, "duid")),
    CONT(3, V6, "OPTION_IA_NA", TOP(M_IA, 0),
         V6, FBIN(D6T_IA_NA_IAID, "iaid", 4), F(D6T_IA_NA_T1, U32, "t1"),
         F(D6T_IA_NA_T2, U32, "t2")),
    CONT(4, V6, "OPTION_IA_TA", TOP(M_IA, 0), V6, FBIN(D6T_IA_TA_IAID, "iaid", 4)),
    CONT(5, V6, "OPTION_IAADDR", IN(0, 3, 4, 44, 45), V6, F(D6T_IAADDR_ADDRESS, ADDR6, "address"),
         F(D6T_IAADDR_PREFERRED_LIFETIME, U32, "preferred_lifetime"),
         F(D6T_IAADDR_VALID_LIFETIME, U32, "valid_lifetime")),
    LEAF(6, V6, "OPTION_ORO", TOP_IN(M_ORO, 1, 44),
         F(D6T_ORO_REQUESTED_OPTIONS, U16_LIST, "requested_options")),
    LEAF(7, V6, "OPTION_PREFERENCE", TOP(M_SRV, 1), F(D6T_PREFERENCE_PREFERENCE, U8, "preference")),
    LEAF(8, V6, "OPTION_ELAPSED_TIME", TOP(M_CLI, 1),
         F(D6T_ELAPSED_TIME_ELAPSED_TIME, U16, "elapsed_time")),
    MSG0(9, V6, "OPTION_RELAY_MSG", TOP(M_RELAY, 1), "relayed_message"),
    LEAF(11, V6, "OPTION_AUTH", TOP(M(REPLY) | M(RECONFIGURE), 1), F(D6T_AUTH_PROTOCOL, U8, "protocol"),
         F(D6T_AUTH_ALGORITHM, U8, "algorithm"), F(D6T_AUTH_RDM, U8, "rdm"),
         FBIN(D6T_AUTH_REPLAY_DETECTION, "replay_detection", 8),
         F(D6T_AUTH_AUTH_INFO, BIN_REST, "auth_info")),
    LEAF(12, V6, "OPTION_UNICAST", TOP(M_SRV, 1),
         F(D6T_UNICAST_SERVER_ADDRESS, ADDR6, "server_address")),
    LEAF(13, V6, "OPTION_STATUS_CODE", TOP_IN(M_STATUS, 1, 3, 4, 5, 25, 26),
         F(D6T_STATUS_CODE_STATUS_CODE, U16, "status_code"),
         F(D6T_STATUS_CODE_STATUS_MESSAGE, TEXT, "status_message")),
    EMPTY(14, V6, "OPTION_RAPID_COMMIT", TOP(M(SOLICIT) | M(REPLY), 1)),
    LEAF(15, V6, "OPTION_USER_CLASS", TOP(M_CLI | M_SRV, 1),
         F(D6T_USER_CLASS_USER_CLASSES, BIN16_LIST, "user_classes")),
    LEAF(16, V6, "OPTION_VENDOR_CLASS", TOP(M_CLI | M_SRV, 0),
         F(D6T_VENDOR_CLASS_ENTERPRISE_NUMBER, U32, "enterprise_number"),
         F(D6T_VENDOR_CLASS_VENDOR_CLASSES, BIN16_LIST, "vendor_classes")),
    CONT(17, V6, "OPTION_VENDOR_OPTS", TOP_IN(M_CLI | M_SRV | M_RELAY, 0, 45), VND,
         F(D6T_VENDOR_OPTS_ENTERPRISE_NUMBER, U32, "enterprise_number")),
    LEAF(18, V6, "OPTION_INTERFACE_ID", TOP(M_RELAY, 1),
         F(D6T_INTERFACE_ID_INTERFACE_ID, BIN_REST, "interface_id")),
    LEAF(19, V6, "OPTION_RECONF_MSG", TOP(M(RECONFIGURE) | M(RECONFIGURE_REQUEST), 1),
         F(D6T_RECONF_MSG_MESSAGE_TYPE, U8, "message_type")),
    EMPTY(20, V6, "OPTION_RECONF_ACCEPT", TOP(M_RACC, 1)),
    LEAF(21, V6, "OPTION_SIP_SERVER_D", TOP_IN(M_CFG, 1, 45),
         F(D6T_SIP_SERVER_D_DOMAIN_NAMES, DNAME_LIST, "domain_names")),
    LEAF(22, V6, "OPTION_SIP_SERVER_A", TOP_IN(M_CFG, 1, 45),
         F(D6T_SIP_SERVER_A_SIP_SERVERS, ADDR6_LIST, "sip_servers")),
    LEAF(23, V6, "OPTION_DNS_SERVERS", TOP_IN(M_CFG, 1, 45),
         F(D6T_DNS_SERVERS_DNS_SERVERS, ADDR6_LIST, "dns_servers")),
    LEAF(24, V6, "OPTION_DOMAIN_LIST", TOP_IN(M_CFG, 1, 45),
         F(D6T_DOMAIN_LIST_SEARCH_LIST, DNAME_LIST, "search_list")),
    CONT(25, V6, "OPTION_IA_PD", TOP(M_IA & ~M(CONFIRM), 0),
         V6, FBIN(D6T_IA_PD_IAID, "iaid", 4), F(D6T_IA_PD_T1, U32, "t1"),
         F(D6T_IA_PD_T2, U32, "t2")),
    CONT(26, V6, "OPTION_IAPREFIX", IN(0, 25, 44, 45), V6,
         F(D6T_IAPREFIX_PREFERRED_LIFETIME, U32, "preferred_lifetime"),
         F(D6T_IAPREFIX_VALID_LIFETIME, U32, "valid_lifetime"),
         F(D6T_IAPREFIX_PREFIX, PREFIX6, "prefix")),
    LEAF(27, V6, "OPTION_NIS_SERVERS", TOP_IN(M_CFG, 1, 45),
         F(D6T_NIS_SERVERS_NIS_SERVERS, ADDR6_LIST, "nis_servers")),
    LEAF(28, V6, "OPTION_NISP_SERVERS", TOP_IN(M_CFG, 1, 45),
         F(D6T_NISP_SERVERS_NISP_SERVERS, ADDR6_LIST, "nisp_servers")),
    LEAF(29, V6, "OPTION_NIS_DOMAIN_NAME", TOP_IN(M_CFG, 1, 45),
         F(D6T_NIS_DOMAIN_NAME_DOMAIN_NAMES, DNAME_LIST, "domain_names")),
    LEAF(30, V6, "OPTION_NISP_DOMAIN_NAME", TOP_IN(M_CFG, 1, 45),
         F(D6T_NISP_DOMAIN_NAME_DOMAIN_NAMES, DNAME_LIST, "domain_names")),
    LEAF(31, V6, "OPTION_SNTP_SERVERS", TOP_IN(M_CFG, 1, 45),
         F(D6T_SNTP_SERVERS_SNTP_SERVERS, ADDR6_LIST, "sntp_servers")),
    LEAF(32, V6, "OPTION_INFORMATION_REFRESH_TIME", TOP_IN(M(REPLY), 1, 45),
         F(D6T_INFORMATION_REFRESH_TIME_REFRESH_TIME, U32, "information_refresh_time")),
    LEAF(37, V6, "OPTION_REMOTE_ID", TOP_IN(M_RELAY, 1, 44),
         F(D6T_REMOTE_ID_ENTERPRISE_NUMBER, U32, "enterprise_number"),
         F(D6T_REMOTE_ID_REMOTE_ID, BIN_REST, "remote_id")),
    LEAF(38, V6, "OPTION_SUBSCRIBER_ID", TOP(M_RELAY, 1),
         F(D6T_SUBSCRIBER_ID_SUBSCRIBER_ID, BIN_REST, "subscriber_id")),
    LEAF(39, V6, "OPTION_CLIENT_FQDN", TOP_IN(M_FQDN, 1, 45), F(D6T_CLIENT_FQDN_FLAGS, U8, "flags"),
         F(D6T_CLIENT_FQDN_DOMAIN_NAME, FQDN, "domain_name")),
    LEAF(41, V6, "OPTION_NEW_POSIX_TIMEZONE", TOP_IN(M_CFG, 1, 45),
         F(D6T_NEW_POSIX_TIMEZONE_TIMEZONE, TEXT, "timezone")),
    LEAF(42, V6, "OPTION_NEW_TZDB_TIMEZONE", TOP_IN(M_CFG, 1, 45),
         F(D6T_NEW_TZDB_TIMEZONE_TIMEZONE, TEXT, "timezone")),
    LEAF(43, V6, "OPTION_ERO", TOP(M(RELAY_FORW), 1),
         F(D6T_ERO_REQUESTED_OPTIONS, U16_LIST, "requested_options")),
    CONT(44, V6, "OPTION_LQ_QUERY", TOP(M(LEASEQUERY) | M(ACTIVELEASEQUERY), 1),
         V6, F(D6T_LQ_QUERY_QUERY_TYPE, U8, "query_type"),
         F(D6T_LQ_QUERY_LINK_ADDRESS, ADDR6, "link_address")),
    CONT0(45, V6, "OPTION_CLIENT_DATA", TOP(M(LEASEQUERY_REPLY) | M(LEASEQUERY_DATA), 1), V6),
    LEAF(46, V6, "OPTION_CLT_TIME", IN(1, 45), F(D6T_CLT_TIME_CLT_TIME, U32, "clt_time")),
    WITHMSG(47, V6, "OPTION_LQ_RELAY_DATA", IN(1, 45),
         "relay_message", F(D6T_LQ_RELAY_DATA_PEER_ADDRESS, ADDR6, "peer_address")),
    LEAF(48, V6, "OPTION_LQ_CLIENT_LINK", TOP(M(LEASEQUERY_REPLY), 1),
         F(D6T_LQ_CLIENT_LINK_LINK_ADDRESSES, ADDR6_LIST, "link_addresses")),
    LEAF(53, V6, "OPTION_RELAY_ID", TOP_IN(M_RELAY, 1, 44), F(D6T_RELAY_ID_DUID, DUID, "duid")),
    CONT0(56, V6, "OPTION_NTP_SERVER", TOP_IN(M_CFG, 1, 45), NTP),
    LEAF(59, V6, "OPT_BOOTFILE_URL", TOP_IN(M_CFG, 1, 45),
         F(D6T_BOOTFILE_URL_URL, TEXT, "bootfile_url")),
    LEAF(60, V6, "OPT_BOOTFILE_PARAM", TOP_IN(M_CFG, 1, 45),
         F(D6T_BOOTFILE_PARAM_PARAMETERS, BIN16_LIST, "parameters")),
    LEAF(61, V6, "OPTION_CLIENT_ARCH_TYPE", TOP(M_CLI, 1),
         F(D6T_CLIENT_ARCH_TYPE_TYPES, U16_LIST, "architecture_types")),
    LEAF(62, V6, "OPTION_NII", TOP(M_CLI, 1),
         F(D6T_NII_TYPE, U8, "interface_type"), F(D6T_NII_MAJOR, U8, "major"),
         F(D6T_NII_MINOR, U8, "minor")),
    LEAF(64, V6, "OPTION_AFTR_NAME", TOP_IN(M_CFG, 1, 45), F(D6T_AFTR_NAME_FQDN, DNAME, "fqdn")),
    LEAF(65, V6, "OPTION_ERP_LOCAL_DOMAIN_NAME", TOP_IN(M_CFG, 1, 45, 66),
         F(D6T_ERP_LOCAL_DOMAIN_NAME_DOMAIN_NAME, DNAME, "domain_name")),
    CONT0(66, V6, "OPTION_RSOO", TOP(M(RELAY_FORW), 1), V6),
    LEAF(67, V6, "OPTION_PD_EXCLUDE", IN(1, 26), F(D6T_PD_EXCLUDE_PREFIX_LENGTH, U8, "prefix_length"),
         F(D6T_PD_EXCLUDE_SUBNET_ID, BIN_REST, "subnet_id")),
    LEAF(68, V6, "OPTION_VSS", TOP_IN(M_RELAY | M(LEASEQUERY), 1, 45),
         F(D6T_VSS_TYPE, U8, "vss_type"), F(D6T_VSS_INFO, BIN_REST, "vss_info")),
    LEAF(79, V6, "OPTION_CLIENT_LINKLAYER_ADDR", TOP(M_RELAY, 1),
         F(D6T_CLIENT_LINKLAYER_ADDR_LINK_LAYER_TYPE, U16, "link_layer_type"),
         F(D6T_CLIENT_LINKLAYER_ADDR_LINK_LAYER_ADDRESS, BIN_REST, "link_layer_address")),
    LEAF(80, V6, "OPTION_LINK_ADDRESS", TOP(M(RECONFIGURE_REQUEST), 1),
         F(D6T_LINK_ADDRESS_LINK_ADDRESS, ADDR6, "link_address")),
    LEAF(82, V6, "OPTION_SOL_MAX_RT", TOP(M_SRV, 1), F(D6T_SOL_MAX_RT_SOL_MAX_RT, U32, "sol_max_rt")),
    LEAF(83, V6, "OPTION_INF_MAX_RT", TOP(M_SRV, 1), F(D6T_INF_MAX_RT_INF_MAX_RT, U32, "inf_max_rt")),
    LEAF(86, V6, "OPTION_V6_PCP_SERVER", TOP_IN(M_CFG, 0, 45),
         F(D6T_V6_PCP_SERVER_SERVERS, ADDR6_LIST, "pcp_servers")),
    LEAF(87, V6, "OPTION_DHCPV4_MSG", TOP(M(DHCPV4_QUERY) | M(DHCPV4_RESPONSE), 1),
         F(D6T_DHCPV4_MSG_MESSAGE, BIN_REST, "dhcpv4_message")),
    LEAF(88, V6, "OPTION_DHCP4_O_DHCP6_SERVER", TOP_IN(M_CFG, 1, 45),
         F(D6T_DHCP4_O_DHCP6_SERVER_SERVERS, ADDR6_LIST, "dhcp4o6_servers")),
    CONT(89, V6, "OPTION_S46_RULE", IN(0, 94, 95), V6, F(D6T_S46_RULE_FLAGS, U8, "flags"),
         F(D6T_S46_RULE_EA_LEN, U8, "ea_len"), F(D6T_S46_RULE_IPV4_PREFIX, PREFIX4, "ipv4_prefix"),
         F(D6T_S46_RULE_IPV6_PREFIX, PREFIX6_VAR, "ipv6_prefix")),
    LEAF(90, V6, "OPTION_S46_BR", IN(0, 94, 96), F(D6T_S46_BR_BR_ADDRESS, ADDR6, "br_address")),
    LEAF(91, V6, "OPTION_S46_DMR", IN(1, 95), F(D6T_S46_DMR_DMR_PREFIX, PREFIX6_VAR, "dmr_prefix")),
    CONT(92, V6, "OPTION_S46_V4V6BIND", IN(1, 96),
         V6, F(D6T_S46_V4V6BIND_IPV4_ADDRESS, ADDR4, "ipv4_address"),
         F(D6T_S46_V4V6BIND_IPV6_PREFIX, PREFIX6_VAR, "ipv6_prefix")),
    LEAF(93, V6, "OPTION_S46_PORTPARAMS", IN(1, 89, 92), F(D6T_S46_PORTPARAMS_OFFSET, U8, "offset"),
         F(D6T_S46_PORTPARAMS_PSID_LEN, U8, "psid_len"), F(D6T_S46_PORTPARAMS_PSID, PSID, "psid")),
    CONT0(94, V6, "OPTION_S46_CONT_MAPE", TOP_IN(M_CFG, 0, 45), V6),
    CONT0(95, V6, "OPTION_S46_CONT_MAPT", TOP_IN(M_CFG, 1, 45), V6),
    CONT0(96, V6, "OPTION_S46_CONT_LW", TOP_IN(M_CFG, 1, 45), V6),
    LEAF(100, V6, "OPTION_LQ_BASE_TIME", TOP_IN(M(LEASEQUERY_REPLY) | M(LEASEQUERY_DATA), 1, 45),
         F(D6T_LQ_BASE_TIME_BASE_TIME, U32, "base_time")),
    LEAF(101, V6, "OPTION_LQ_START_TIME", TOP_IN(M(LEASEQUERY) | M(ACTIVELEASEQUERY), 1, 44),
         F(D6T_LQ_START_TIME_START_TIME, U32, "start_time")),
    LEAF(102, V6, "OPTION_LQ_END_TIME", TOP_IN(M(LEASEQUERY) | M(ACTIVELEASEQUERY), 1, 44),
         F(D6T_LQ_END_TIME_END_TIME, U32, "end_time")),
    LEAF(103, V6, "OPTION_V6_CAPTIVE_PORTAL", TOP_IN(M_CFG, 1, 45),
         F(D6T_V6_CAPTIVE_PORTAL_URI, TEXT, "uri")),
    LEAF(135, V6, "OPTION_RELAY_SOURCE_PORT", TOP(M_RELAY, 1),
         F(D6T_RELAY_SOURCE_PORT_PORT, U16, "downstream_source_port")),
    LEAF(144, V6, "OPTION_V6_DNR", TOP_IN(M_CFG, 0, 45),
         F(D6T_V6_DNR_SERVICE_PRIORITY, U16, "service_priority"),
         F(D6T_V6_DNR_ADN, DNAME16, "adn"), F(D6T_V6_DNR_ADDRESSES, ADDR6_LIST16, "ipv6_addresses"),
         F(D6T_V6_DNR_SVC_PARAMS, BIN_REST, "svc_params")),
    /* RFC 5908 NTP server sub-options */
    LEAF(1, NTP, "NTP_SUBOPTION_SRV_ADDR", IN(0, 56), F(D6T_NTP_SRV_ADDR_ADDRESS, ADDR6, "address")),
    LEAF(2, NTP, "NTP_SUBOPTION_MC_ADDR", IN(0, 56), F(D6T_NTP_MC_ADDR_ADDRESS, ADDR6, "address")),
    LEAF(3, NTP, "NTP_SUBOPTION_SRV_FQDN", IN(0, 56), F(D6T_NTP_SRV_FQDN_FQDN, DNAME, "fqdn")),
};

const size_t d6t__optdef_count = sizeof d6t__optdefs / sizeof d6t__optdefs[0];

const d6t_optdef *d6t_optdef_find(d6t_space space, uint16_t code)
{
    size_t lo = 0, hi = d6t__optdef_count;
    uint32_t want = (uint32_t)space << 16 | code;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const struct d6t_optdef *d = &d6t__optdefs[mid];
        uint32_t have = (uint32_t)d->space << 16 | d->code;
        if (have == want) return d;
        if (have < want) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

const d6t_optdef *d6t_optdef_of(const d6t_opt *o) { return o ? o->def : NULL; }
size_t d6t_optdef_count(void) { return d6t__optdef_count; }
const d6t_optdef *d6t_optdef_at(size_t i) { return i < d6t__optdef_count ? &d6t__optdefs[i] : NULL; }
uint16_t d6t_optdef_code(const d6t_optdef *d) { return d ? d->code : 0; }
d6t_space d6t_optdef_space(const d6t_optdef *d) { return d ? (d6t_space)d->space : D6T_SPACE_DHCPV6; }
const char *d6t_optdef_name(const d6t_optdef *d) { return d ? d->name : NULL; }
int d6t_optdef_child_space(const d6t_optdef *d) { return d ? d->child_space : -1; }

/* Fields as the API sees them: the OPTIONS / MESSAGE markers are not fields. */
size_t d6t_optdef_field_count(const d6t_optdef *d)
{
    if (!d) return 0;
    size_t n = d->nfields;
    if (n && (d->f[n - 1].type == D6T_FT_OPTIONS || d->f[n - 1].type == D6T_FT_MESSAGE)) n--;
    return n;
}

d6t_status d6t_optdef_field(const d6t_optdef *d, size_t i, d6t_key *key, const char **name,
                            d6t_ftype *type, size_t *size)
{
    if (!d || i >= d6t_optdef_field_count(d)) return D6T_ERR_NOT_FOUND;
    const struct d6t_fielddef *f = &d->f[i];
    if (key) *key = (d6t_key)f->key;
    if (name) *name = f->name;
    if (type) *type = (d6t_ftype)f->type;
    if (size) *size = f->type == D6T_FT_BIN ? f->size : 0;
    return D6T_OK;
}

const d6t_optdef *d6t_key_optdef(d6t_key k)
{
    if (k <= D6T_KEY_NONE || k >= D6T_KEY_COUNT_) return NULL;
    for (size_t i = 0; i < d6t__optdef_count; i++)
        for (size_t j = 0; j < d6t__optdefs[i].nfields; j++)
            if (d6t__optdefs[i].f[j].key == (uint16_t)k && d6t__optdefs[i].f[j].type != D6T_FT_OPTIONS &&
                d6t__optdefs[i].f[j].type != D6T_FT_MESSAGE)
                return &d6t__optdefs[i];
    return NULL;
}

int d6t__field_index(const struct d6t_optdef *def, d6t_key k)
{
    if (!def || k == D6T_KEY_NONE) return -1;
    for (int j = 0; j < def->nfields; j++)
        if (def->f[j].key == (uint16_t)k) return j;
    return -1;
}
