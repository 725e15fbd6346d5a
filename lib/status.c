/* Status texts and version.
 * SPDX-License-Identifier: BSD-2-Clause */
#include "internal.h"

static const struct {
    const char *name, *text;
} status_tab[D6T_STATUS_COUNT_] = {
    [D6T_OK] = {"D6T_OK", "success"},
    [D6T_ERR_NOMEM] = {"D6T_ERR_NOMEM", "out of memory (allocator failed or arena limit reached)"},
    [D6T_ERR_INVALID_ARG] = {"D6T_ERR_INVALID_ARG", "invalid argument"},
    [D6T_ERR_TRUNCATED] = {"D6T_ERR_TRUNCATED", "message shorter than its fixed header"},
    [D6T_ERR_OPT_OVERRUN] = {"D6T_ERR_OPT_OVERRUN", "option runs past the end of its container"},
    [D6T_ERR_OPT_LENGTH] = {"D6T_ERR_OPT_LENGTH", "option length not allowed by its layout"},
    [D6T_ERR_OPT_VALUE] = {"D6T_ERR_OPT_VALUE", "impossible value in a structural field"},
    [D6T_ERR_DNAME] = {"D6T_ERR_DNAME", "malformed domain name"},
    [D6T_ERR_RELAY_DEPTH] = {"D6T_ERR_RELAY_DEPTH",
                             "relay chain too deep: hop count or nesting at HOP_COUNT_LIMIT"},
    [D6T_ERR_NESTING] = {"D6T_ERR_NESTING", "options nested too deeply"},
    [D6T_ERR_BUFFER_TOO_SMALL] = {"D6T_ERR_BUFFER_TOO_SMALL", "output buffer too small"},
    [D6T_ERR_TOO_LONG] = {"D6T_ERR_TOO_LONG", "option longer than 65535 bytes"},
    [D6T_ERR_NOT_FOUND] = {"D6T_ERR_NOT_FOUND", "not found"},
    [D6T_ERR_WRONG_FIELD] = {"D6T_ERR_WRONG_FIELD", "field key does not fit this option or type"},
    [D6T_ERR_INVALID] = {"D6T_ERR_INVALID", "message breaks RFC rules (see validation report)"},
    [D6T_ERR_WRONG_KIND] = {"D6T_ERR_WRONG_KIND", "operation not valid for this kind of message"},
    [D6T_ERR_UNSUPPORTED] = {"D6T_ERR_UNSUPPORTED", "not supported in this build"},
    [D6T_ERR_TCP_RELAYED] = {"D6T_ERR_TCP_RELAYED",
                             "relayed message received over TCP (more than one relay level)"},
    [D6T_ERR_EMPTY_NAME] = {"D6T_ERR_EMPTY_NAME", "empty domain name (the root is written \".\")"},
};

const char *d6t_strerror(d6t_status st)
{
    if ((unsigned)st >= D6T_STATUS_COUNT_) return "unknown status";
    return status_tab[st].text;
}

const char *d6t_status_name(d6t_status st)
{
    if ((unsigned)st >= D6T_STATUS_COUNT_) return "D6T_ERR_UNKNOWN";
    return status_tab[st].name;
}

const char *d6t_version(void)
{
    return D6T_VERSION_STRING;
}
unsigned d6t_version_number(void)
{
    return D6T_VERSION_NUMBER;
}
