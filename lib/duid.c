/* DUIDs (RFC 9915 section 11, RFC 6355): read-only field access over the raw bytes.
 * SPDX-License-Identifier: BSD-2-Clause */
#include "internal.h"

const char *d6t_duid_type_name(uint16_t type)
{
    switch (type) {
    case D6T_DUID_LLT: return "DUID-LLT";
    case D6T_DUID_EN: return "DUID-EN";
    case D6T_DUID_LL: return "DUID-LL";
    case D6T_DUID_UUID: return "DUID-UUID";
    default: return NULL;
    }
}

d6t_status d6t_duid_parse(const uint8_t *duid, size_t len, uint16_t *type, uint16_t *hw_type,
                          uint32_t *time, uint32_t *enterprise, const uint8_t **id, size_t *id_len)
{
    if (!duid && len) return D6T_ERR_INVALID_ARG;
    if (len < 2) return D6T_ERR_OPT_LENGTH;
    uint16_t t = d6t__get16(duid);
    uint16_t hw = 0;
    uint32_t tm = 0, en = 0;
    size_t fixed;
    switch (t) {
    case D6T_DUID_LLT: fixed = 8; break;
    case D6T_DUID_EN: fixed = 6; break;
    case D6T_DUID_LL: fixed = 4; break;
    case D6T_DUID_UUID:
        fixed = 2;
        if (len != 18) return D6T_ERR_OPT_LENGTH;
        break;
    default: fixed = 2; break;
    }
    if (len < fixed) return D6T_ERR_OPT_LENGTH;
    if (t == D6T_DUID_LLT || t == D6T_DUID_LL) hw = d6t__get16(duid + 2);
    if (t == D6T_DUID_LLT) tm = d6t__get32(duid + 4);
    if (t == D6T_DUID_EN) en = d6t__get32(duid + 2);
    if (type) *type = t;
    if (hw_type) *hw_type = hw;
    if (time) *time = tm;
    if (enterprise) *enterprise = en;
    if (id) *id = duid + fixed;
    if (id_len) *id_len = len - fixed;
    return D6T_OK;
}
