/* The option table: code, name, wire layout, containment and value rules of every option the
 * library knows. Parsing, field access, building, printing, validation and the Python binding
 * are all driven by it. The rows are in optdefs.def, sorted by (space, code) (a unit test checks
 * the order); the public code and key enums are generated from the same rows (gen_optcodes.py).
 * SPDX-License-Identifier: BSD-2-Clause */
#include "internal.h"

/* a braced initialiser as a macro argument-like call (keeps the macros below on one line) */
#define INIT(...)   \
    {               \
        __VA_ARGS__ \
    }

/* Fields. In the rows a field is a tuple (key, type, BIN size, name, show); the row macros
 * below turn the tuples into d6t_fielddef initialisers and add up the sizes before each field
 * at compile time, so that field access finds a fixed field's offset without a walk. */
#define F(k, t, n)       (k, t, 0, n, NONE)
#define FBIN(k, n, sz)   (k, BIN, sz, n, NONE)
#define FS(k, t, n, how) (k, t, 0, n, how)

/* bytes of each fixed-size type (plus the BIN size); 0 for the variable ones */
#define FSZ_U8           1
#define FSZ_U16          2
#define FSZ_U32          4
#define FSZ_PSID         2
#define FSZ_ADDR4        4
#define FSZ_ADDR6        16
#define FSZ_PREFIX6      17
#define FSZ_PREFIX4      5
#define FSZ_BIN          0
#define FSZ_PREFIX6_VAR  0
#define FSZ_ADDR6_LIST   0
#define FSZ_U16_LIST     0
#define FSZ_BIN_REST     0
#define FSZ_TEXT         0
#define FSZ_DUID         0
#define FSZ_DNAME        0
#define FSZ_FQDN         0
#define FSZ_DNAME_LIST   0
#define FSZ_BIN16_LIST   0
#define FSZ_DNAME16      0
#define FSZ_ADDR6_LIST16 0
/* types that take every remaining byte when they are the last field */
#define TOEND_U8           0
#define TOEND_U16          0
#define TOEND_U32          0
#define TOEND_PSID         0
#define TOEND_ADDR4        0
#define TOEND_ADDR6        0
#define TOEND_PREFIX6      0
#define TOEND_PREFIX4      0
#define TOEND_BIN          0
#define TOEND_PREFIX6_VAR  0
#define TOEND_DNAME        0
#define TOEND_FQDN         0
#define TOEND_DNAME16      0
#define TOEND_ADDR6_LIST16 0
#define TOEND_ADDR6_LIST   1
#define TOEND_U16_LIST     1
#define TOEND_BIN_REST     1
#define TOEND_TEXT         1
#define TOEND_DUID         1
#define TOEND_DNAME_LIST   1
#define TOEND_BIN16_LIST   1

/* a variable field in the offset sums: any sum >= VARSZ is not fixed */
#define VARSZ                 0x100
#define EXPAND(...)           __VA_ARGS__
#define SZ(k, t, bsz, n, how) ((FSZ_##t + (bsz)) ? (FSZ_##t + (bsz)) : VARSZ)
#define FDEF(...)             FDEF_(__VA_ARGS__)
#define FDEF_(last, o, k, t, bsz, n, how)                                                   \
    INIT(.key = (uint32_t)(k), .type = D6T_FT_##t, .size = (bsz), .fixed = FSZ_##t + (bsz), \
         .to_end = (last) && TOEND_##t, .off = (o) >= VARSZ ? D6T_OFF_VAR : (o),            \
         .show = D6T_SHOW_##how, .name = (n))
#define FM(tup, o)                       FDEF(0, o, EXPAND tup)
#define FL(tup, o)                       FDEF(1, o, EXPAND tup)
#define NARGS(...)                       NARGS_(__VA_ARGS__, 6, 5, 4, 3, 2, 1, 0)
#define NARGS_(a, b, c, d, e, f, n, ...) n
#define CAT(a, b)                        CAT_(a, b)
#define CAT_(a, b)                       a##b
/* clang-format off: one line per field count */
#define FIELDS(...)            CAT(FIELDS, NARGS(__VA_ARGS__))(__VA_ARGS__)
#define SUM2(a, b)             SZ a + SZ b
#define SUM3(a, b, c)          SUM2(a, b) + SZ c
#define SUM4(a, b, c, d)       SUM3(a, b, c) + SZ d
#define FIELDS1(a)             FL(a, 0)
#define FIELDS2(a, b)          FM(a, 0), FL(b, SZ a)
#define FIELDS3(a, b, c)       FM(a, 0), FM(b, SZ a), FL(c, SUM2(a, b))
#define FIELDS4(a, b, c, d)    FIELDS3M(a, b, c), FL(d, SUM3(a, b, c))
#define FIELDS5(a, b, c, d, e) FIELDS3M(a, b, c), FM(d, SUM3(a, b, c)), FL(e, SUM4(a, b, c, d))
#define FIELDS6(a, b, c, d, e, f) \
    FIELDS3M(a, b, c), FM(d, SUM3(a, b, c)), FM(e, SUM4(a, b, c, d)), FL(f, SUM4(a, b, c, d) + SZ e)
#define FIELDS3M(a, b, c) FM(a, 0), FM(b, SZ a), FM(c, SUM2(a, b))
/* clang-format on */
#define OPTS(sp) \
    INIT(.key = 0, .type = D6T_FT_OPTIONS, .size = (sp), .off = D6T_OFF_VAR, .name = "options")
#define MSG(n)      INIT(.key = 0, .type = D6T_FT_MESSAGE, .off = D6T_OFF_VAR, .name = (n))
#define KEYS(c, sp) .keybase = ((uint32_t)(sp) << 16 | (uint32_t)(c))
/* An option's default bytes (its fields empty: fixed sizes, and the smallest valid variable
 * ones), added up at compile time so that creating an option is one clear; they are all zero
 * but a DNAME16's length byte (rows with one say so in dflt_dname16). */
#define DSZ(k, t, bsz, n, how)                                           \
    (FSZ_##t + (bsz) +                                                   \
     (D6T_FT_##t == D6T_FT_PREFIX6_VAR || D6T_FT_##t == D6T_FT_DNAME ? 1 \
      : D6T_FT_##t == D6T_FT_DNAME16                                 ? 3 \
                                                                     : 0))
#define DN16(k, t, bsz, n, how)    (D6T_FT_##t == D6T_FT_DNAME16)
#define EACH_SUM(m, ...)           CAT(ESUM, NARGS(__VA_ARGS__))(m, __VA_ARGS__)
#define ESUM1(m, a)                m a
#define ESUM2(m, a, b)             m a + m b
#define ESUM3(m, a, b, c)          ESUM2(m, a, b) + m c
#define ESUM4(m, a, b, c, d)       ESUM3(m, a, b, c) + m d
#define ESUM5(m, a, b, c, d, e)    ESUM4(m, a, b, c, d) + m e
#define ESUM6(m, a, b, c, d, e, f) ESUM5(m, a, b, c, d, e) + m f
#define DEFAULTS(...) \
    .dflt_len = EACH_SUM(DSZ, __VA_ARGS__), .dflt_dname16 = EACH_SUM(DN16, __VA_ARGS__) != 0

/* The quick layout kind (enum d6t_quick) from the last keyed field and the bytes before it. */
#define QC_U8                     1
#define QC_U16                    1
#define QC_U32                    1
#define QC_PSID                   1
#define QC_ADDR4                  1
#define QC_ADDR6                  1
#define QC_PREFIX6                1
#define QC_PREFIX4                1
#define QC_BIN                    1
#define QC_BIN_REST               2
#define QC_TEXT                   2
#define QC_DUID                   2
#define QC_U16_LIST               3
#define QC_ADDR6_LIST             4
#define QC_PREFIX6_VAR            0
#define QC_DNAME                  0
#define QC_FQDN                   0
#define QC_DNAME_LIST             0
#define QC_BIN16_LIST             5
#define QC_DNAME16                0
#define QC_ADDR6_LIST16           0
#define QCLASS(k, t, bsz, n, how) QC_##t
#define LASTF(...)                CAT(LASTF, NARGS(__VA_ARGS__))(__VA_ARGS__)
#define LASTF1(a)                 a
#define LASTF2(a, b)              b
#define LASTF3(a, b, c)           c
#define LASTF4(a, b, c, d)        d
#define LASTF5(a, b, c, d, e)     e
#define LASTF6(a, b, c, d, e, f)  f
#define OFFL(...)                 CAT(OFFL, NARGS(__VA_ARGS__))(__VA_ARGS__)
#define OFFL1(a)                  0
#define OFFL2(a, b)               SZ a
#define OFFL3(a, b, c)            SUM2(a, b)
#define OFFL4(a, b, c, d)         SUM3(a, b, c)
#define OFFL5(a, b, c, d, e)      SUM4(a, b, c, d)
#define OFFL6(a, b, c, d, e, f)   SUM4(a, b, c, d) + SZ e
#define QCL(...)                  QCL_(LASTF(__VA_ARGS__))
#define QCL_(tup)                 QCLASS tup
#define QK_LEAF(...)                                  \
    .qk = (OFFL(__VA_ARGS__)) >= VARSZ ? D6T_QK_SLOW  \
          : QCL(__VA_ARGS__) == 1      ? D6T_QK_EXACT \
          : QCL(__VA_ARGS__) == 2      ? D6T_QK_REST  \
          : QCL(__VA_ARGS__) == 3      ? D6T_QK_MOD2  \
          : QCL(__VA_ARGS__) == 4      ? D6T_QK_MOD16 \
          : QCL(__VA_ARGS__) == 5      ? D6T_QK_BIN16 \
                                       : D6T_QK_SLOW
#define QK_CONT(...) \
    .qk = (OFFL(__VA_ARGS__)) < VARSZ && QCL(__VA_ARGS__) == 1 ? D6T_QK_MIN : D6T_QK_SLOW

/* Value rules (enum d6t_rule_kind in internal.h says what each checks). */
#define RULES(...)   , .rules = (const struct d6t_rule[])INIT(__VA_ARGS__, INIT(0))
#define DUID(k)      INIT(.kind = D6T_R_DUID, .a = (k))
#define UNIQUE(k, w) INIT(.kind = D6T_R_UNIQUE, .a = (k), .what = (w))
/* UNIQUE among the options at the top level of the message types m only */
#define UNIQUE_IN(k, w, m) INIT(.kind = D6T_R_UNIQUE, .a = (k), .what = (w), .msgs = (m))
#define LE(k1, k2, w1, w2, zok) \
    INIT(.kind = D6T_R_LE, .a = (k1), .b = (k2), .x = (zok), .what = (w1), .what2 = (w2))
#define RANGE(k, lo, hi, unit) \
    INIT(.kind = D6T_R_RANGE, .a = (k), .x = (lo), .y = (hi), .what = (unit))
#define MAX(k, hi, w) INIT(.kind = D6T_R_MAX, .a = (k), .y = (hi), .what = (w))
#define SUM_MAX(k1, k2, hi, w1, w2) \
    INIT(.kind = D6T_R_SUM_MAX, .a = (k1), .b = (k2), .y = (hi), .what = (w1), .what2 = (w2))
#define ONE_OF(k, set, w)  INIT(.kind = D6T_R_ONE_OF, .a = (k), .x = (set), .what = (w))
#define BITS_ZERO(k, m, w) INIT(.kind = D6T_R_BITS_ZERO, .a = (k), .x = (m), .what = (w))
/* BITS_ZERO inside the message types 'in' only (e.g. those a client sends) */
#define BITS_ZERO_IN(k, m, w, in) \
    INIT(.kind = D6T_R_BITS_ZERO, .a = (k), .x = (m), .what = (w), .msgs = (in))
#define NOT_ALL(k, m, w)    INIT(.kind = D6T_R_NOT_ALL, .a = (k), .x = (m), .what = (w))
#define ADDR_NOT(k, cls, w) INIT(.kind = D6T_R_ADDR_NOT, .a = (k), .x = (cls), .what = (w))
#define ADDR_IS(k, cls, w)  INIT(.kind = D6T_R_ADDR_IS, .a = (k), .x = (cls), .what = (w))
#define PREFIX_CLASS(k)     INIT(.kind = D6T_R_PREFIX_CLASS, .a = (k))
#define NO_ZERO(k, w)       INIT(.kind = D6T_R_NO_ZERO, .a = (k), .what = (w))
#define UTF8(k, w)                                \
    {                                             \
        .kind = D6T_R_UTF8, .a = (k), .what = (w) \
    }
#define PRINTABLE(k, w) INIT(.kind = D6T_R_PRINTABLE, .a = (k), .what = (w))
#define POSIX_TZ(k)     INIT(.kind = D6T_R_POSIX_TZ, .a = (k))
#define NOT_ROOT(k, w)  INIT(.kind = D6T_R_NOT_ROOT, .a = (k), .what = (w))
#define TEXT_PREFIX(k, pre, w) \
    INIT(.kind = D6T_R_TEXT_PREFIX, .a = (k), .what = (w), .what2 = (pre))
#define LEN_MAX(k, hi, w) INIT(.kind = D6T_R_LEN_MAX, .a = (k), .y = (hi), .what = (w))
#define LEN_MIN(k, lo, w) INIT(.kind = D6T_R_LEN_MIN, .a = (k), .y = (lo), .what = (w))
/* lo..hi sub-options with codes among the bits of 'codes' (KCODE(c) | ...) */
#define KIDS(codes, lo, hi, w) \
    INIT(.kind = D6T_R_KIDS, .x = (codes), .b = (lo), .y = (hi), .what = (w))
#define KCODE(c)         (1u << (c))
#define PREFIX_PAD(k, w) INIT(.kind = D6T_R_PREFIX_PAD, .a = (k), .what = (w))
/* when field k has value v, a sub-option with code c is required */
#define KID_IF(k, v, c, w) INIT(.kind = D6T_R_KID_IF, .a = (k), .x = (v), .y = (c), .what = (w))
#define PSID_PAD(k)        INIT(.kind = D6T_R_PSID_PAD, .a = (k))
#define LIST_FILLED(k, w)  INIT(.kind = D6T_R_LIST_FILLED, .a = (k), .what = (w))
/* SvcParams whose keys are none of the bits of 'keys' (SVC_KEY(n) | ...) */
#define SVC_PARAMS(k, keys, w) INIT(.kind = D6T_R_SVC_PARAMS, .a = (k), .x = (keys), .what = (w))
#define SVC_KEY(n)             (1u << (n))
#define EXCLUDE(klen, ksub)    INIT(.kind = D6T_R_EXCLUDE, .a = (klen), .b = (ksub))
#define A_UNSPEC               D6T__A_UNSPEC
#define A_LOOP                 D6T__A_LOOP
#define A_MCAST                D6T__A_MCAST
#define A_LL                   D6T__A_LL
/* what must carry an option, and the binding's names (read by gen_optcodes.py only) */
#define REQ(m)      , .need_msgs = (m)
#define REQ_IN(...) , .need_in = {__VA_ARGS__}
#define PY(...)

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
/* RFC 9915 section 16 (what servers and clients discard) and 18.2 ("MUST include") */
#define M_NEED_CID                                                                             \
    (M(SOLICIT) | M(ADVERTISE) | M(REQUEST) | M(CONFIRM) | M(RENEW) | M(REBIND) | M(RELEASE) | \
     M(DECLINE) | M(RECONFIGURE))
#define M_NEED_SID \
    (M(ADVERTISE) | M(REQUEST) | M(RENEW) | M(REPLY) | M(RELEASE) | M(DECLINE) | M(RECONFIGURE))
#define M_NEED_ELAPSED                                                                       \
    (M(SOLICIT) | M(REQUEST) | M(CONFIRM) | M(RENEW) | M(REBIND) | M(RELEASE) | M(DECLINE) | \
     M(INFORMATION_REQUEST))
#define M_SID \
    ((M_CLI & ~(M(SOLICIT) | M(CONFIRM) | M(REBIND))) | M_SRV | M(RECONFIGURE) | M_LQ | M_RCR)

/* leaf option */
#define LEAF(c, sp, nm, in, ...)    \
    {.code = (c),                   \
     .space = (sp),                 \
     .child_space = -1,             \
     .name = (nm),                  \
     .nfields = NARGS(__VA_ARGS__), \
     .nkeys = NARGS(__VA_ARGS__),   \
     KEYS(c, sp),                   \
     DEFAULTS(__VA_ARGS__),         \
     QK_LEAF(__VA_ARGS__),          \
     .f = {FIELDS(__VA_ARGS__)},    \
     in},
/* option without fields */
#define EMPTY(c, sp, nm, in) \
    {.code = (c),            \
     .space = (sp),          \
     .child_space = -1,      \
     .name = (nm),           \
     KEYS(c, sp),            \
     .qk = D6T_QK_EXACT,     \
     in},
/* container: fields, then sub-options of space csp */
#define CONT(c, sp, nm, in, csp, ...)       \
    {.code = (c),                           \
     .space = (sp),                         \
     .child_space = (csp),                  \
     .name = (nm),                          \
     .nfields = NARGS(__VA_ARGS__) + 1,     \
     .nkeys = NARGS(__VA_ARGS__),           \
     KEYS(c, sp),                           \
     DEFAULTS(__VA_ARGS__),                 \
     QK_CONT(__VA_ARGS__),                  \
     .f = {FIELDS(__VA_ARGS__), OPTS(csp)}, \
     in},
#define CONT0(c, sp, nm, in, csp) \
    {.code = (c),                 \
     .space = (sp),               \
     .child_space = (csp),        \
     .name = (nm),                \
     .nfields = 1,                \
     KEYS(c, sp),                 \
     .qk = D6T_QK_MIN,            \
     .f = {OPTS(csp)},            \
     in},
/* fields, then a nested message */
#define WITHMSG(c, sp, nm, in, mn, ...)   \
    {.code = (c),                         \
     .space = (sp),                       \
     .child_space = -1,                   \
     .has_msg = 1,                        \
     .name = (nm),                        \
     .nfields = NARGS(__VA_ARGS__) + 1,   \
     .nkeys = NARGS(__VA_ARGS__),         \
     KEYS(c, sp),                         \
     DEFAULTS(__VA_ARGS__),               \
     QK_CONT(__VA_ARGS__),                \
     .f = {FIELDS(__VA_ARGS__), MSG(mn)}, \
     in},
#define MSG0(c, sp, nm, in, mn) \
    {.code = (c),               \
     .space = (sp),             \
     .child_space = -1,         \
     .has_msg = 1,              \
     .name = (nm),              \
     .nfields = 1,              \
     KEYS(c, sp),               \
     .qk = D6T_QK_MIN,          \
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
const uint8_t d6t__v6_rows[256] = {
#include "optdefs.def"
};
#undef ROW_PASS
/* The same index as row pointers, for the parser's and builder's inline lookup: one load. */
#undef IDX_V6_V6
#define IDX_V6_V6(c)         [c] = &d6t__optdefs[ROW_V6_##c],
#define ROW_PASS(c, sp, ...) IDX_V6_##sp(c)
const struct d6t_optdef *const d6t__v6_defs[256] = {
#include "optdefs.def"
};
#undef ROW_PASS
#define ROW_PASS(c, sp, ...) IDX_NTP_##sp(c)
static const uint8_t ntp_rows[16] = {
#include "optdefs.def"
};

const size_t d6t__optdef_count = ROW_COUNT;

/* Rows that a message type requires (REQ) and rows that a parent option requires (REQ_IN), one
 * bit per row: validation looks for missing options among these only, instead of going through
 * the whole table for every option list. In these passes a row's 'in' column reduces to (0 | 1)
 * when it has the column NEED_COLUMN names, else to (0). */
#undef ROW_PASS
#undef TOP
#undef IN
#undef TOP_IN
#undef RULES
#undef REQ
#undef REQ_IN
#define TOP(...)
#define IN(...)
#define TOP_IN(...)
#define RULES(...)
#define REQ(...)    CAT(REQ_, NEED_COLUMN)
#define REQ_IN(...) CAT(REQ_IN_, NEED_COLUMN)
#define REQ_MSG     | 1
#define REQ_PARENT
#define REQ_IN_MSG
#define REQ_IN_PARENT            | 1
#define FIRST(x, ...)            x
#define NEED_BIT(row, in)        | ((0 in) && (row) / 64 == NEED_WORD ? (uint64_t)1 << (row) % 64 : 0)
#define ROW_PASS(c, sp, nm, ...) NEED_BIT(ROW_##sp##_##c, FIRST(__VA_ARGS__, ))
_Static_assert(ROW_COUNT <= 64 * D6T__NEED_WORDS, "the required-row bitmaps need another word");
#define NEED_COLUMN MSG
const uint64_t d6t__need_in_msg[D6T__NEED_WORDS] = {
#define NEED_WORD 0
    0
#include "optdefs.def"
    ,
#undef NEED_WORD
#define NEED_WORD 1
    0
#include "optdefs.def"
    ,
#undef NEED_WORD
#define NEED_WORD 2
    0
#include "optdefs.def"
    ,
#undef NEED_WORD
#define NEED_WORD 3
    0
#include "optdefs.def"
#undef NEED_WORD
};
#undef NEED_COLUMN
#define NEED_COLUMN PARENT
const uint64_t d6t__need_in_parent[D6T__NEED_WORDS] = {
#define NEED_WORD 0
    0
#include "optdefs.def"
    ,
#undef NEED_WORD
#define NEED_WORD 1
    0
#include "optdefs.def"
    ,
#undef NEED_WORD
#define NEED_WORD 2
    0
#include "optdefs.def"
    ,
#undef NEED_WORD
#define NEED_WORD 3
    0
#include "optdefs.def"
#undef NEED_WORD
};
#undef NEED_COLUMN

/* Codes of the parents some row requires a sub-option in (the REQ_IN lists), one bit per code:
 * a list under any other parent cannot miss anything. A code above 255 fails to compile. */
#undef REQ
#undef REQ_IN
#undef ROW_PASS
#define REQ(...)
#define REQ_IN(...) CAT(PCODES, NARGS(__VA_ARGS__))(__VA_ARGS__)
#define PB(c) \
    | (((c) / 64 == NEED_WORD ? (uint64_t)1 << (c) % 64 : 0) + 0 * sizeof(char[(c) < 256 ? 1 : -1]))
#define PCODES1(a)               PB(a)
#define PCODES2(a, b)            PB(a) PB(b)
#define PCODES3(a, b, c)         PB(a) PB(b) PB(c)
#define PCODES4(a, b, c, d)      PB(a) PB(b) PB(c) PB(d)
#define ROW_PASS(c, sp, nm, ...) FIRST(__VA_ARGS__, )
const uint64_t d6t__need_parent_codes[D6T__NEED_WORDS] = {
#define NEED_WORD 0
    0
#include "optdefs.def"
    ,
#undef NEED_WORD
#define NEED_WORD 1
    0
#include "optdefs.def"
    ,
#undef NEED_WORD
#define NEED_WORD 2
    0
#include "optdefs.def"
    ,
#undef NEED_WORD
#define NEED_WORD 3
    0
#include "optdefs.def"
#undef NEED_WORD
};

/* Per message type, the rows of the table's first 64 that the type requires (REQ): validation
 * looks for exactly these in a message's list. Every REQ row is among the first 64 today (a
 * unit test checks it; validation still goes through the other words' rows the generic way). */
#undef REQ
#undef REQ_IN
#undef ROW_PASS
#undef NEED_BIT
#define REQ(m) | (((m) >> NEED_TYPE) & 1u)
#define REQ_IN(...)
#define NEED_BIT(row, in)        | ((0 in) && (row) < 64 ? (uint64_t)1 << (row) % 64 : 0)
#define ROW_PASS(c, sp, nm, ...) NEED_BIT(ROW_##sp##_##c, FIRST(__VA_ARGS__, ))
const uint64_t d6t__need_by_type[32] = {
#define NEED_TYPE 0
    0
#include "optdefs.def"
    ,
#undef NEED_TYPE
#define NEED_TYPE 1
    0
#include "optdefs.def"
    ,
#undef NEED_TYPE
#define NEED_TYPE 2
    0
#include "optdefs.def"
    ,
#undef NEED_TYPE
#define NEED_TYPE 3
    0
#include "optdefs.def"
    ,
#undef NEED_TYPE
#define NEED_TYPE 4
    0
#include "optdefs.def"
    ,
#undef NEED_TYPE
#define NEED_TYPE 5
    0
#include "optdefs.def"
    ,
#undef NEED_TYPE
#define NEED_TYPE 6
    0
#include "optdefs.def"
    ,
#undef NEED_TYPE
#define NEED_TYPE 7
    0
#include "optdefs.def"
    ,
#undef NEED_TYPE
#define NEED_TYPE 8
    0
#include "optdefs.def"
    ,
#undef NEED_TYPE
#define NEED_TYPE 9
    0
#include "optdefs.def"
    ,
#undef NEED_TYPE
#define NEED_TYPE 10
    0
#include "optdefs.def"
    ,
#undef NEED_TYPE
#define NEED_TYPE 11
    0
#include "optdefs.def"
    ,
#undef NEED_TYPE
#define NEED_TYPE 12
    0
#include "optdefs.def"
    ,
#undef NEED_TYPE
#define NEED_TYPE 13
    0
#include "optdefs.def"
    ,
#undef NEED_TYPE
#define NEED_TYPE 14
    0
#include "optdefs.def"
    ,
#undef NEED_TYPE
#define NEED_TYPE 15
    0
#include "optdefs.def"
    ,
#undef NEED_TYPE
#define NEED_TYPE 16
    0
#include "optdefs.def"
    ,
#undef NEED_TYPE
#define NEED_TYPE 17
    0
#include "optdefs.def"
    ,
#undef NEED_TYPE
#define NEED_TYPE 18
    0
#include "optdefs.def"
    ,
#undef NEED_TYPE
#define NEED_TYPE 19
    0
#include "optdefs.def"
    ,
#undef NEED_TYPE
#define NEED_TYPE 20
    0
#include "optdefs.def"
    ,
#undef NEED_TYPE
#define NEED_TYPE 21
    0
#include "optdefs.def"
    ,
#undef NEED_TYPE
#define NEED_TYPE 22
    0
#include "optdefs.def"
    ,
#undef NEED_TYPE
#define NEED_TYPE 23
    0
#include "optdefs.def"
    ,
#undef NEED_TYPE
#define NEED_TYPE 24
    0
#include "optdefs.def"
    ,
#undef NEED_TYPE
#define NEED_TYPE 25
    0
#include "optdefs.def"
    ,
#undef NEED_TYPE
#define NEED_TYPE 26
    0
#include "optdefs.def"
    ,
#undef NEED_TYPE
#define NEED_TYPE 27
    0
#include "optdefs.def"
    ,
#undef NEED_TYPE
#define NEED_TYPE 28
    0
#include "optdefs.def"
    ,
#undef NEED_TYPE
#define NEED_TYPE 29
    0
#include "optdefs.def"
    ,
#undef NEED_TYPE
#define NEED_TYPE 30
    0
#include "optdefs.def"
    ,
#undef NEED_TYPE
#define NEED_TYPE 31
    0
#include "optdefs.def"
#undef NEED_TYPE
};

const d6t_optdef *d6t_optdef_find(d6t_space space, uint16_t code)
{
    unsigned r = 0;
    if (space == D6T_SPACE_DHCPV6 && code < sizeof d6t__v6_rows)
        r = d6t__v6_rows[code];
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

/* A key names its option and field (D6T_KEY in optcodes.h): no search. */
const d6t_optdef *d6t_key_optdef(d6t_key k)
{
    uint32_t u = (uint32_t)k, n = u & 0xffu;
    if (u >> 24 > D6T_SPACE_VENDOR) return NULL;
    const d6t_optdef *d = d6t_optdef_find((d6t_space)(u >> 24), (uint16_t)(u >> 8));
    return d && n >= 1 && n <= d->nkeys ? d : NULL;
}
