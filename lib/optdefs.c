/* The option table: code, name and wire layout of every option the library knows. Parsing,
 * field access, building, printing, validation and the Python binding are all driven by it.
 * The rows are in optdefs.def, sorted by (space, code) (a unit test checks the order).
 * SPDX-License-Identifier: BSD-2-Clause */
#include "internal.h"

#define F(k, t, n)              \
    {                           \
        (k), D6T_FT_##t, 0, (n) \
    }
#define FBIN(k, n, sz)             \
    {                              \
        (k), D6T_FT_BIN, (sz), (n) \
    }
#define OPTS(sp)                           \
    {                                      \
        0, D6T_FT_OPTIONS, (sp), "options" \
    }
#define MSG(n)                    \
    {                             \
        0, D6T_FT_MESSAGE, 0, (n) \
    }
#define NF(...) \
    ((uint8_t)(sizeof((struct d6t_fielddef[]){__VA_ARGS__}) / sizeof(struct d6t_fielddef)))

/* Containment columns (read by validation): 'in' is TOP(msgs, once), IN(once, parents...) or
 * TOP_IN(msgs, once, parents...). Sources: RFC 9915 appendices B and C, and each extension RFC. */
#define TOP(m, o)         .msgs = (m), .once = (o)
#define IN(o, ...)        .once = (o), .parents = {__VA_ARGS__}
#define TOP_IN(m, o, ...) .msgs = (m), .once = (o), .parents = {__VA_ARGS__}
#define M(t)              (1u << D6T_MSG_##t)
#define M_CLI                                                                                \
    (M(SOLICIT) | M(REQUEST) | M(CONFIRM) | M(RENEW) | M(REBIND) | M(RELEASE) | M(DECLINE) | \
     M(INFORMATION_REQUEST))
#define M_SRV   (M(ADVERTISE) | M(REPLY))
#define M_RELAY (M(RELAY_FORW) | M(RELAY_REPL))
#define M_IA    ((M_CLI & ~M(INFORMATION_REQUEST)) | M_SRV)
/* configuration options: servers answer with them, clients may send them as hints */
#define M_CFG (M_CLI | M_SRV)
#define M_LQ \
    (M(LEASEQUERY) | M(LEASEQUERY_REPLY) | M(LEASEQUERY_DONE) | M(ACTIVELEASEQUERY) | M(STARTTLS))
#define M_RCR (M(RECONFIGURE_REQUEST) | M(RECONFIGURE_REPLY))
/* RFC 9915 21.7 requires it in Solicit, Request, Renew, Rebind and Information-request and
 * forbids it nowhere; ISC dhclient and dhcpcd also send it in Confirm and Release */
#define M_ORO (M_CLI | M(ACTIVELEASEQUERY))
#define M_STATUS \
    (M_SRV | M(LEASEQUERY_REPLY) | M(LEASEQUERY_DONE) | M(RECONFIGURE_REPLY) | M(STARTTLS))
#define M_RACC                                                                  \
    (M(SOLICIT) | M(ADVERTISE) | M(REQUEST) | M(RENEW) | M(REBIND) | M(REPLY) | \
     M(INFORMATION_REQUEST))
/* RFC 4704 section 5: clients send it in Solicit, Request, Renew, Rebind; servers answer */
#define M_FQDN (M(SOLICIT) | M(REQUEST) | M(RENEW) | M(REBIND) | M_SRV)
#define M_CID  (M_CLI | M_SRV | M(RECONFIGURE) | M_LQ | M_RCR)
/* RFC 9915 18.2.6: an Information-request answering a Reconfigure carries the Server Identifier */
#define M_SID \
    ((M_CLI & ~(M(SOLICIT) | M(CONFIRM) | M(REBIND))) | M_SRV | M(RECONFIGURE) | M_LQ | M_RCR)

/* leaf option */
#define LEAF(c, sp, nm, in, ...) \
    {.code = (c),                \
     .space = (sp),              \
     .child_space = -1,          \
     .name = (nm),               \
     .nfields = NF(__VA_ARGS__), \
     .f = {__VA_ARGS__},         \
     in},
/* option without fields */
#define EMPTY(c, sp, nm, in) \
    {.code = (c), .space = (sp), .child_space = -1, .name = (nm), .nfields = 0, in},
/* container: fields, then sub-options of space csp */
#define CONT(c, sp, nm, in, csp, ...)           \
    {.code = (c),                               \
     .space = (sp),                             \
     .child_space = (csp),                      \
     .name = (nm),                              \
     .nfields = (uint8_t)(NF(__VA_ARGS__) + 1), \
     .f = {__VA_ARGS__, OPTS(csp)},             \
     in},
#define CONT0(c, sp, nm, in, csp) \
    {.code = (c),                 \
     .space = (sp),               \
     .child_space = (csp),        \
     .name = (nm),                \
     .nfields = 1,                \
     .f = {OPTS(csp)},            \
     in},
/* fields, then a nested message */
#define WITHMSG(c, sp, nm, in, mn, ...)         \
    {.code = (c),                               \
     .space = (sp),                             \
     .child_space = -1,                         \
     .has_msg = 1,                              \
     .name = (nm),                              \
     .nfields = (uint8_t)(NF(__VA_ARGS__) + 1), \
     .f = {__VA_ARGS__, MSG(mn)},               \
     in},
#define MSG0(c, sp, nm, in, mn) \
    {.code = (c),               \
     .space = (sp),             \
     .child_space = -1,         \
     .has_msg = 1,              \
     .name = (nm),              \
     .nfields = 1,              \
     .f = {MSG(mn)},            \
     in},

#define V6  D6T_SPACE_DHCPV6
#define NTP D6T_SPACE_NTP
#define VND D6T_SPACE_VENDOR

/* The rows live in optdefs.def; each inclusion below reads the same list with other KIND macros. */
const struct d6t_optdef d6t__optdefs[] = {
#include "optdefs.def"
};
/* From here on every KIND means ROW_PASS, whose meaning each later inclusion sets. */
#undef LEAF
#undef EMPTY
#undef CONT
#undef CONT0
#undef WITHMSG
#undef MSG0
#define LEAF    ROW_PASS
#define EMPTY   ROW_PASS
#define CONT    ROW_PASS
#define CONT0   ROW_PASS
#define WITHMSG ROW_PASS
#define MSG0    ROW_PASS

/* Row numbers, named by space and code. */
#define ROW_PASS(c, sp, ...) ROW_##sp##_##c,
enum d6t_row {
#include "optdefs.def"
    ROW_COUNT
};
_Static_assert(ROW_COUNT < 255, "row numbers must fit the uint8_t indexes");
#undef ROW_PASS

/* Code -> row + 1 (0: unknown) for the two spaces that have rows: one load per lookup instead
 * of a search. A DHCPv6 code above 255 in optdefs.def fails to compile here, by design: then
 * this index needs a second level. */
#define IDX_V6_V6(c) [c] = ROW_V6_##c + 1,
#define IDX_V6_NTP(c)
#define IDX_V6_VND(c)
#define IDX_NTP_V6(c)
#define IDX_NTP_NTP(c) [c] = ROW_NTP_##c + 1,
#define IDX_NTP_VND(c)
#define ROW_PASS(c, sp, ...) IDX_V6_##sp(c)
static const uint8_t v6_rows[256] = {
#include "optdefs.def"
};
#undef ROW_PASS
#define ROW_PASS(c, sp, ...) IDX_NTP_##sp(c)
static const uint8_t ntp_rows[16] = {
#include "optdefs.def"
};

const size_t d6t__optdef_count = ROW_COUNT;

const d6t_optdef *d6t_optdef_find(d6t_space space, uint16_t code)
{
    unsigned r = 0;
    if (space == D6T_SPACE_DHCPV6 && code < sizeof v6_rows)
        r = v6_rows[code];
    else if (space == D6T_SPACE_NTP && code < sizeof ntp_rows)
        r = ntp_rows[code];
    return r ? &d6t__optdefs[r - 1] : NULL;
}

const d6t_optdef *d6t_optdef_of(const d6t_opt *o)
{
    return o ? o->def : NULL;
}
size_t d6t_optdef_count(void)
{
    return d6t__optdef_count;
}
const d6t_optdef *d6t_optdef_at(size_t i)
{
    return i < d6t__optdef_count ? &d6t__optdefs[i] : NULL;
}
uint16_t d6t_optdef_code(const d6t_optdef *d)
{
    return d ? d->code : 0;
}
d6t_space d6t_optdef_space(const d6t_optdef *d)
{
    return d ? (d6t_space)d->space : D6T_SPACE_DHCPV6;
}
const char *d6t_optdef_name(const d6t_optdef *d)
{
    return d ? d->name : NULL;
}
int d6t_optdef_child_space(const d6t_optdef *d)
{
    return d ? d->child_space : -1;
}

const char *d6t_optdef_message_field(const d6t_optdef *d)
{
    if (!d || !d->has_msg || !d->nfields) return NULL;
    return d->f[d->nfields - 1].name; /* the MESSAGE marker closes the field list */
}

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
            if (d6t__optdefs[i].f[j].key == (uint16_t)k &&
                d6t__optdefs[i].f[j].type != D6T_FT_OPTIONS &&
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
