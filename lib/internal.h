/* libdhcp6txn - private structures shared by the library's files. Not installed.
 * SPDX-License-Identifier: BSD-2-Clause */
#ifndef D6T_INTERNAL_H
#define D6T_INTERNAL_H

#include "dhcp6txn.h"
#include <string.h>

/* Inlining and branch hints for the hot paths (plain inline elsewhere). */
#if defined(__GNUC__)
#define D6T__ALWAYS_INLINE __attribute__((always_inline)) inline
#define D6T__NOINLINE      __attribute__((noinline))
#define D6T__COLD          __attribute__((cold, noinline))
/* Which way a hot path's branch usually goes: GCC then lays the common case out as the
 * fall-through (its own guesses made many of them taken branches, and put the arena's fallback
 * call inside the parse loop) */
#define D6T__UNLIKELY(x) __builtin_expect(!!(x), 0)
#define D6T__LIKELY(x)   __builtin_expect(!!(x), 1)
/* What the compiler may take as true (the check after an inline bump: its pointer is not NULL) */
#define D6T__ASSUME(x)                     \
    do {                                   \
        if (!(x)) __builtin_unreachable(); \
    } while (0)
#else
#define D6T__ALWAYS_INLINE inline
#define D6T__NOINLINE
#define D6T__COLD
#define D6T__UNLIKELY(x) (x)
#define D6T__LIKELY(x)   (x)
#define D6T__ASSUME(x)   ((void)0)
#endif

#define D6T_MAX_FIELDS 6
#define D6T_OFF_VAR    0xffffu /* d6t_fielddef.off: the field follows a variable-size one */

/* How the text printer annotates a field (FS(..., SHOW) in optdefs.def). HEX also keeps the
 * value as hex in JSON and as bytes in the Python binding (an opaque identifier, e.g. IAID). */
enum d6t_show {
    D6T_SHOW_NONE,
    D6T_SHOW_DURATION,
    D6T_SHOW_CENTISECONDS,
    D6T_SHOW_STATUS,
    D6T_SHOW_OPTCODES,
    D6T_SHOW_MSGTYPE,
    D6T_SHOW_HWTYPE,
    D6T_SHOW_LLADDR,
    D6T_SHOW_FQDN_FLAGS,
    D6T_SHOW_HEX
};

struct d6t_fielddef {
    uint32_t key;   /* d6t_key */
    uint8_t type;   /* d6t_ftype */
    uint8_t size;   /* bytes, for D6T_FT_BIN (the space, for the D6T_FT_OPTIONS marker) */
    uint8_t fixed;  /* bytes when the type has a fixed size, else 0 */
    uint8_t to_end; /* takes every byte after the fields before it (the last field) */
    uint16_t off;   /* offset in the option's data, D6T_OFF_VAR when not fixed */
    uint8_t show;   /* enum d6t_show */
    const char *name;
};

/* IPv6 address classes (RFC 4291) named by validation rules. */
enum d6t_addr_class {
    D6T__A_UNSPEC = 1,
    D6T__A_LOOP = 2,
    D6T__A_MCAST = 4,
    D6T__A_LL = 8
};

/* Value rules of an option (RULES(...) in optdefs.def), checked by validate.c. a and b are
 * field keys of the option itself (a unit test checks that; D6T_R_KIDS names no field). */
enum d6t_rule_kind {
    D6T_R_END,          /* closes a row's list */
    D6T_R_DUID,         /* a: a DUID of a valid length for its type (RFC 9915 section 11) */
    D6T_R_UNIQUE,       /* a: no two siblings of this option share the value ('what' names it) */
    D6T_R_LE,           /* a <= b ('what' and 'what2' name them); x = 1: unless b is 0 */
    D6T_R_RANGE,        /* x <= a <= y; 'what' is the unit */
    D6T_R_MAX,          /* a <= y (a prefix field: its length); 'what' names a */
    D6T_R_SUM_MAX,      /* a + b <= y, checked when b <= y; 'what' and 'what2' name them */
    D6T_R_ONE_OF,       /* a is one of the bits set in x */
    D6T_R_BITS_ZERO,    /* a & x == 0; 'what' says what is wrong */
    D6T_R_NOT_ALL,      /* a & x != x; 'what' says what is wrong */
    D6T_R_ADDR_NOT,     /* a (or each address of list a) in none of the classes x */
    D6T_R_ADDR_IS,      /* a in one of the classes x */
    D6T_R_PREFIX_CLASS, /* a: an IPv6 prefix that is no multicast, link-local or loopback one */
    D6T_R_NO_ZERO,      /* no element of the 16-bit list a is 0 ('what' names an element) */
    D6T_R_UTF8,         /* a is UTF-8 without a terminating NUL */
    D6T_R_PRINTABLE,    /* a is non-empty printable ASCII */
    D6T_R_POSIX_TZ,     /* a is a POSIX TZ string (RFC 4833) */
    D6T_R_NOT_ROOT,     /* a is a domain name other than the root */
    D6T_R_TEXT_PREFIX,  /* a begins with the text 'what2' ('what' names a) */
    D6T_R_LEN_MAX,      /* a has at most y bytes ('what' names a) */
    D6T_R_PSID_PAD,     /* a: PSID bits past the psid-len (the field before a) are zero */
    D6T_R_EXCLUDE,      /* a = prefix length, b = subnet ID of OPTION_PD_EXCLUDE (RFC 6603) */
    D6T_R_LEN_MIN,      /* a has at least y bytes ('what' names a) */
    D6T_R_KIDS,         /* b..y sub-options whose code is a bit of x ('what' names them) */
    D6T_R_KID_IF,       /* when a == x, a sub-option with code y is present ('what' names a) */
    D6T_R_PREFIX_PAD,   /* a: a prefix whose bits past its length are zero ('what' names it) */
    D6T_R_LIST_FILLED,  /* a: an ADDR6_LIST16 that, when present, has an element */
    D6T_R_SVC_PARAMS    /* a: SvcParams (RFC 9460 s2.2) with none of the keys in the bits of x */
};

struct d6t_rule {
    uint8_t kind; /* enum d6t_rule_kind */
    uint32_t a, b, x, y;
    uint32_t msgs; /* 0, or: checked only inside these message types (bit t: type t) */
    const char *what, *what2;
};

/* One row of the option table: everything the library knows about an option. */
struct d6t_optdef {
    uint16_t code;
    uint8_t space;        /* d6t_space of the option itself */
    int8_t child_space;   /* d6t_space of its sub-options, -1 when not a container */
    uint8_t has_msg;      /* ends in a nested DHCPv6 message */
    uint8_t nfields;      /* fields plus the OPTIONS / MESSAGE marker */
    uint8_t nkeys;        /* fields with a key: key n is f[n - 1] */
    uint8_t dflt_len;     /* bytes of the default (empty) fixed part */
    uint8_t dflt_dname16; /* it has a DNAME16, whose default length byte is 1 */
    uint8_t qk;           /* enum d6t_quick: how its layout is checked without a walk */
    uint32_t keybase;     /* the bits of its keys above the field number: space << 16 | code */
    const char *name;
    struct d6t_fielddef f[D6T_MAX_FIELDS];
    /* containment, used by validation (RFC 9915 Appendix B/C and extension RFCs):
     * msgs: bit t set when the option may appear at top level of message type t;
     * parents: option codes it may appear inside, 0-terminated;
     * once: may appear at most once per message / parent;
     * need_msgs, need_in: message types / parent codes that must carry it. */
    uint32_t msgs, need_msgs;
    uint16_t parents[6];
    uint16_t need_in[4];
    uint8_t once;
    const struct d6t_rule *rules; /* NULL or closed by D6T_R_END */
};

/* Layouts that need no walk (d6t__layout_quick), set per row at compile time from its last keyed
 * field: every field before it has a fixed size, so dflt_len is where the fields end (EXACT,
 * MIN) or where the last one starts (REST, MOD2, MOD16, BIN16). */
enum d6t_quick {
    D6T_QK_SLOW,  /* anything else: d6t__layout walks the fields */
    D6T_QK_EXACT, /* a leaf of fixed-size fields (or none): exactly dflt_len bytes */
    D6T_QK_MIN,   /* a container of fixed-size fields (or none): dflt_len bytes, then options */
    D6T_QK_REST,  /* a leaf ending in bytes, text or a DUID: at least dflt_len bytes */
    D6T_QK_MOD2,  /* a leaf ending in a 16-bit list: dflt_len bytes and whole elements */
    D6T_QK_MOD16, /* a leaf ending in an address list: dflt_len bytes and whole elements */
    D6T_QK_BIN16  /* a leaf ending in length-prefixed items: dflt_len bytes, then whole items */
};

extern const struct d6t_optdef d6t__optdefs[];
extern const size_t d6t__optdef_count;
/* DHCPv6 option code -> row + 1 (0: unknown). */
extern const uint8_t d6t__v6_rows[256];
/* DHCPv6 option code -> its row (NULL: unknown), for d6t__optdef_find's inline lookup. */
extern const struct d6t_optdef *const d6t__v6_defs[256];
/* d6t_optdef_find with the DHCPv6 space's lookup inline (the parser's and builder's case). */
static inline const struct d6t_optdef *d6t__optdef_find(d6t_space space, uint16_t code)
{
    if (space == D6T_SPACE_DHCPV6) return D6T__LIKELY(code < 256) ? d6t__v6_defs[code] : NULL;
    return d6t_optdef_find(space, code);
}
/* Bit r (word r / 64, bit r % 64) set when row r of the table is required in some message type
 * (need_msgs) or in some parent option (need_in): the only rows a list can miss. */
#define D6T__NEED_WORDS 4
extern const uint64_t d6t__need_in_msg[D6T__NEED_WORDS];
extern const uint64_t d6t__need_in_parent[D6T__NEED_WORDS];
/* Bit c set when some row's need_in names parent code c (codes below 256). */
extern const uint64_t d6t__need_parent_codes[D6T__NEED_WORDS];
/* Per message type t (below 32): bit r set when row r (of the first 64) is required in it. */
extern const uint64_t d6t__need_by_type[32];

struct d6t_optlist {
    d6t_opt *first, *last;
    uint32_t count;
};

#define D6T_OPT_OWNED  0x1u /* data points to arena memory this option may modify in place */
#define D6T_OPT_LINKED 0x2u /* in a message's or a parent's list */

struct d6t_opt {
    const struct d6t_optdef *def; /* NULL: unknown option */
    d6t_opt *next;
    d6t_arena *arena;
    const uint8_t *data; /* fixed part (containers) or whole payload (others) */
    uint32_t len;
    uint16_t code;
    uint8_t space;
    uint8_t flags;
    struct d6t_optlist kids;
    d6t_msg *msg;
    /* Where a bundle's snapshot of the request's options put this one (bundle.c), a hint it
     * checks against the snapshot before use. In the node's rounding to 16 bytes: free. */
    uint32_t slot;
};

struct d6t_msg {
    d6t_arena *arena;
    uint8_t type;
    uint8_t kind;
    uint8_t hop_count;
    uint8_t owns_arena;
    uint32_t txid;
    uint8_t link[16];
    uint8_t peer[16];
    const uint8_t *body;
    size_t body_len;
    struct d6t_optlist opts;
    /* Options unlinked from opts so far: while it is unchanged, every option a bundle saw at
     * the top level is still there (appends and inserts remove none). */
    uint32_t removals;
};

/* Whether an option of row 'def' with n payload bytes has a valid layout, decided from the row's
 * quick kind alone: D6T__QUICK_LEAF for a leaf that fits (a leaf row has neither sub-options nor
 * a message: nothing is left to do), D6T__QUICK_HDR for a container or message option that fits;
 * *hdr is then where its sub-options or nested message begin (n for a leaf). 0 sends everything
 * else, and every misfit, to d6t__layout, which says what is wrong. */
enum {
    D6T__QUICK_LEAF = 1,
    D6T__QUICK_HDR = 2
};
static inline int d6t__layout_quick(const struct d6t_optdef *def, const uint8_t *data, size_t n,
                                    size_t *hdr)
{
    size_t q = def->dflt_len;
    switch ((enum d6t_quick)def->qk) {
    case D6T_QK_BIN16: /* each item's 2-byte length, up to the end exactly */
        *hdr = n;
        if (n < q) return 0;
        for (size_t p = q; p < n;) {
            if (n - p < 2) return 0;
            size_t l = (size_t)data[p] << 8 | data[p + 1];
            if (l > n - p - 2) return 0;
            p += 2 + l;
        }
        return D6T__QUICK_LEAF;
    case D6T_QK_EXACT: *hdr = n; return n == q ? D6T__QUICK_LEAF : 0;
    case D6T_QK_REST: *hdr = n; return n >= q ? D6T__QUICK_LEAF : 0;
    case D6T_QK_MOD2: *hdr = n; return n >= q && (n - q) % 2 == 0 ? D6T__QUICK_LEAF : 0;
    case D6T_QK_MOD16: *hdr = n; return n >= q && (n - q) % 16 == 0 ? D6T__QUICK_LEAF : 0;
    case D6T_QK_MIN: *hdr = q; return n >= q ? D6T__QUICK_HDR : 0;
    default: return 0;
    }
}

/* Byte span of one field inside an option's data. */
struct d6t_span {
    uint32_t off, len;
};

/* Work out where each field of 'def' sits in data[0..n). On success *hdr is where sub-options
 * or the nested message begin (n for leaf options). Checks the layout completely (lengths,
 * domain names, structural values). On failure sets *why and *bad (offset within data). */
d6t_status d6t__layout(const struct d6t_optdef *def, const uint8_t *data, size_t n,
                       struct d6t_span *spans, size_t *hdr, const char **why, size_t *bad);
/* Replace o's bytes [off, off+oldlen) with a then b, trusted to keep its layout (fields.c's
 * splice for the typed setters of other files: grows in place when it can). */
d6t_status d6t__splice_trusted(d6t_opt *o, size_t off, size_t oldlen, const uint8_t *a, size_t alen,
                               const uint8_t *b, size_t blen);
/* Default (empty) bytes of an option's fixed part: def->dflt_len bytes into out. */
void d6t__default_data(const struct d6t_optdef *def, uint8_t *out);

/* Big-endian loads and stores. With GCC or clang on a known byte order, one unaligned access
 * (and a byte swap on little-endian machines): compilers do not always merge the byte-by-byte
 * form, and these run for every field of every option. The byte form is the fallback. */
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define D6T__BSWAP16(x)  __builtin_bswap16(x)
#define D6T__BSWAP32(x)  __builtin_bswap32(x)
#define D6T__BSWAP64(x)  __builtin_bswap64(x)
#define D6T__FAST_ENDIAN 1
#elif defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define D6T__BSWAP16(x)  (x)
#define D6T__BSWAP32(x)  (x)
#define D6T__BSWAP64(x)  (x)
#define D6T__FAST_ENDIAN 1
#endif

static inline uint16_t d6t__get16(const uint8_t *p)
{
#ifdef D6T__FAST_ENDIAN
    uint16_t v;
    memcpy(&v, p, 2);
    return D6T__BSWAP16(v);
#else
    return (uint16_t)(p[0] << 8 | p[1]);
#endif
}
static inline uint32_t d6t__get32(const uint8_t *p)
{
#ifdef D6T__FAST_ENDIAN
    uint32_t v;
    memcpy(&v, p, 4);
    return D6T__BSWAP32(v);
#else
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
#endif
}
static inline uint64_t d6t__get64(const uint8_t *p)
{
#ifdef D6T__FAST_ENDIAN
    uint64_t v;
    memcpy(&v, p, 8);
    return D6T__BSWAP64(v);
#else
    return (uint64_t)d6t__get32(p) << 32 | d6t__get32(p + 4);
#endif
}
static inline void d6t__put16(uint8_t *p, uint16_t v)
{
#ifdef D6T__FAST_ENDIAN
    v = D6T__BSWAP16(v);
    memcpy(p, &v, 2);
#else
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
#endif
}
static inline void d6t__put32(uint8_t *p, uint32_t v)
{
#ifdef D6T__FAST_ENDIAN
    v = D6T__BSWAP32(v);
    memcpy(p, &v, 4);
#else
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
#endif
}

static inline void d6t__put64(uint8_t *p, uint64_t v)
{
#ifdef D6T__FAST_ENDIAN
    v = D6T__BSWAP64(v);
    memcpy(p, &v, 8);
#else
    d6t__put32(p, (uint32_t)(v >> 32));
    d6t__put32(p + 4, (uint32_t)v);
#endif
}

/* An option's code and length, big-endian: one 4-byte store. */
static inline void d6t__put_opt_header(uint8_t *p, uint16_t code, uint16_t len)
{
    d6t__put32(p, (uint32_t)code << 16 | len);
}

/* Move n bytes (the ranges may overlap, as memmove). Option payloads are mostly a few dozen
 * bytes: up to 32 they are moved inline, loading the first and the last bytes of the largest
 * width that fits (overlapping in the middle) before storing them, rather than by a call. */
static inline void d6t__move_small(uint8_t *d, const uint8_t *s, size_t n)
{
    if (n >= 16 && n <= 32) {
        uint8_t a[16], b[16];
        memcpy(a, s, 16);
        memcpy(b, s + n - 16, 16);
        memcpy(d, a, 16);
        memcpy(d + n - 16, b, 16);
    } else if (n >= 8 && n < 16) {
        uint64_t a, b;
        memcpy(&a, s, 8);
        memcpy(&b, s + n - 8, 8);
        memcpy(d, &a, 8);
        memcpy(d + n - 8, &b, 8);
    } else if (n >= 4 && n < 8) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + n - 4, 4);
        memcpy(d, &a, 4);
        memcpy(d + n - 4, &b, 4);
    } else if (n && n < 4) {
        uint8_t x = s[0], y = s[n / 2], z = s[n - 1];
        d[0] = x;
        d[n / 2] = y;
        d[n - 1] = z;
    } else if (n) {
        memmove(d, s, n);
    }
}

/* IPv6 address classes (RFC 4291) used by validation and the bundle. */
static inline int d6t__addr_unspecified(const uint8_t a[16])
{
    for (int i = 0; i < 16; i++)
        if (a[i]) return 0;
    return 1;
}
static inline int d6t__addr_loopback(const uint8_t a[16])
{
    for (int i = 0; i < 15; i++)
        if (a[i]) return 0;
    return a[15] == 1;
}
static inline int d6t__addr_link_local(const uint8_t a[16])
{
    return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}
static inline int d6t__addr_multicast(const uint8_t a[16])
{
    return a[0] == 0xff;
}

/* Parsing context: the whole input buffer, for absolute error offsets. */
struct d6t_parse_ctx {
    d6t_arena *arena;
    const uint8_t *base;
    d6t_parse_error *err;
    unsigned depth; /* relay nesting of the message whose options are being parsed (0: outer) */
};
d6t_status d6t__fail(struct d6t_parse_ctx *c, d6t_status st, const uint8_t *at, const char *why);
d6t_status d6t__parse_msg(struct d6t_parse_ctx *c, const uint8_t *p, size_t n, unsigned depth,
                          d6t_msg **out);
/* d6t_msg_write's work for the library's own callers (m not NULL, buf may be NULL only when cap
 * is 0): the bytes it wrote or, past cap, needs; *st the status of the walk (OK when the bytes
 * only did not fit). */
size_t d6t__write_msg(const d6t_msg *m, uint8_t *buf, size_t cap, d6t_status *st);
/* d6t_msg_parse of buf copied into arena a (not NULL; out not NULL), for the bundle. */
d6t_status d6t__parse_copy(d6t_arena *a, const uint8_t *buf, size_t len, d6t_msg **out,
                           d6t_parse_error *err);
d6t_status d6t__parse_opt_payload(struct d6t_parse_ctx *c, d6t_opt *o, const uint8_t *p, size_t n,
                                  unsigned nest, unsigned depth);
/* ---- arena internals, shared so the library's own allocations take the bump path inline ---- */
#define D6T__ARENA_ALIGN       16u
#define D6T__ARENA_ALIGN_UP(x) (((x) + (D6T__ARENA_ALIGN - 1)) & ~(size_t)(D6T__ARENA_ALIGN - 1))

struct d6t__block {
    struct d6t__block *next; /* blocks taken from the allocator after the first */
    size_t size;             /* total bytes of this block, as asked from the allocator */
};

struct d6t_arena {
    d6t_allocator alc;
    int have_alc;
    int first_is_heap; /* the first block (holding this header) came from alc */
    size_t first_size;
    struct d6t__block *extra; /* later blocks in use, newest first */
    struct d6t__block *spare; /* blocks kept by reset for reuse */
    uint8_t *ptr, *end;       /* free room in the current block */
    uint8_t *stop;            /* ptr + what both the room and the limit allow: the fast path's
                               * one bound (d6t__arena_restop keeps it so) */
    uint8_t *first_start;
    size_t block_size;
    /* Bytes handed out since the last reset, less the address ptr holds (modulo the word): a
     * bump moves ptr alone and the count follows (d6t__arena_used). */
    uintptr_t used_base;
    size_t limit, heap_blocks;
    size_t held; /* bytes of every block taken from the allocator and not yet given back */
};

/* What d6t_arena_used reports; and setting it, once ptr is where it belongs. */
static inline size_t d6t__arena_used(const d6t_arena *a)
{
    return (size_t)(a->used_base + (uintptr_t)a->ptr);
}
static inline void d6t__arena_set_used(d6t_arena *a, size_t used)
{
    a->used_base = (uintptr_t)used - (uintptr_t)a->ptr;
}

/* Set the fast path's bound after ptr, end, used or limit changed other than by a bump (which
 * moves ptr, and with it used, and so keeps it): ptr plus the free room, cut to what the limit
 * leaves (nothing when used is already past it). A bump within stop is then within both. */
static inline void d6t__arena_restop(d6t_arena *a)
{
    size_t room = (size_t)(a->end - a->ptr);
    if (a->limit) {
        size_t used = d6t__arena_used(a);
        size_t left = used <= a->limit ? a->limit - used : 0;
        if (left < room) room = left;
    }
    a->stop = a->ptr + room;
}

/* d6t_arena_alloc's common case (room in the current block, within the limit: both folded
 * into stop) without the call; everything else (a new block, the limit, overflow, NULL) goes to d6t_arena_alloc. */
static inline void *d6t__alloc(d6t_arena *a, size_t size)
{
    size_t need = D6T__ARENA_ALIGN_UP(size ? size : 1);
    if (D6T__LIKELY(a && need >= size && (size_t)(a->stop - a->ptr) >= need)) {
        void *p = a->ptr;
        D6T__ASSUME(p); /* room means a block: an arena without one has stop == ptr */
        a->ptr += need;
        return p;
    }
    return d6t_arena_alloc(a, size);
}

/* d6t__alloc for an arena known not to be NULL (the parser's and builder's own). */
static inline void *d6t__alloc_in(d6t_arena *a, size_t size)
{
    size_t need = D6T__ARENA_ALIGN_UP(size ? size : 1);
    if (D6T__LIKELY(need >= size && (size_t)(a->stop - a->ptr) >= need)) {
        void *p = a->ptr;
        D6T__ASSUME(p); /* room means a block: an arena without one has stop == ptr */
        a->ptr += need;
        return p;
    }
    return d6t_arena_alloc(a, size);
}

/* d6t__alloc_in's bump alone, for a size above 0 (every caller's is a node or more): NULL when
 * it does not fit (the caller then takes a slow path of its own, which calls d6t_arena_alloc).
 * A fast path with no call in it saves and restores no registers, which for the one-call adders
 * is a good part of their cost. */
static inline void *d6t__alloc_quick(d6t_arena *a, size_t size)
{
    size_t need = D6T__ARENA_ALIGN_UP(size);
    if (D6T__UNLIKELY(need < size || (size_t)(a->stop - a->ptr) < need)) return NULL;
    void *p = a->ptr;
    D6T__ASSUME(p); /* room means a block: an arena without one has stop == ptr */
    a->ptr += need;
    return p;
}

/* Let the arena's latest allocation, 'old' bytes at p, hold 'size' bytes without moving: 1 when
 * p is 16-aligned and its allocation ends where the free room begins (nothing was allocated
 * after it) and the room and the limit allow; 0 otherwise (the caller copies instead). */
static inline int d6t__arena_grow_last(d6t_arena *a, const uint8_t *p, size_t old, size_t size)
{
    size_t have = D6T__ARENA_ALIGN_UP(old), need = D6T__ARENA_ALIGN_UP(size);
    if (!a || ((uintptr_t)p & (D6T__ARENA_ALIGN - 1)) || p + have != a->ptr || need < size)
        return 0;
    if (need <= have) return 1;
    size_t more = need - have;
    if ((size_t)(a->stop - a->ptr) < more) return 0;
    a->ptr += more;
    return 1;
}

/* Where an arena stands, so that a build of several allocations that fails half-way can give
 * back everything it took (blocks taken meanwhile become spares, as at a reset). */
struct d6t__arena_mark {
    uint8_t *ptr, *end;
    uintptr_t used_base; /* with ptr, the bytes used then */
    struct d6t__block *extra;
};
static inline struct d6t__arena_mark d6t__arena_mark(const d6t_arena *a)
{
    struct d6t__arena_mark m = {a->ptr, a->end, a->used_base, a->extra};
    return m;
}
static inline void d6t__arena_rollback(d6t_arena *a, const struct d6t__arena_mark *m)
{
    while (a->extra != m->extra) { /* newest first: exactly the blocks taken since the mark */
        struct d6t__block *b = a->extra;
        a->extra = b->next;
        b->next = a->spare;
        a->spare = b;
    }
    a->ptr = m->ptr;
    a->end = m->end;
    a->used_base = m->used_base;
    d6t__arena_restop(a);
}

/* A numeric field's wire value (U8, U16, U32, a prefix's length) without the getters' domain
 * checks, for validation to report impossible values. */
d6t_status d6t__field_num(const d6t_opt *o, d6t_key k, uint32_t *x);

/* The allocator behind an arena (0 when it has none: caller memory without overflow). */
int d6t__arena_allocator(const d6t_arena *a, d6t_allocator *out);
/* Append a node just made (next NULL, no flags but those the maker set) to list 'l'. */
static inline void d6t__list_append_new(struct d6t_optlist *l, d6t_opt *o)
{
    o->flags |= D6T_OPT_LINKED;
    if (l->last)
        l->last->next = o;
    else
        l->first = o;
    l->last = o;
    l->count++;
}

static inline void d6t__list_append(struct d6t_optlist *l, d6t_opt *o)
{
    o->next = NULL;
    d6t__list_append_new(l, o);
}

/* An option node: every member zero but these. */
static inline void d6t__opt_init(d6t_opt *o, d6t_arena *a, const struct d6t_optdef *def,
                                 uint16_t code, uint8_t space, const uint8_t *data, uint32_t len,
                                 uint8_t flags)
{
    /* the whole node in one assignment: each member stored once */
    *o = (d6t_opt){.def = def,
                   .arena = a,
                   .data = data,
                   .len = len,
                   .code = code,
                   .space = space,
                   .flags = flags};
}

/* A new option node in arena 'a' (not NULL), empty (no data), its row looked up. */
static inline d6t_opt *d6t__opt_alloc(d6t_arena *a, uint16_t code, uint8_t space)
{
    d6t_opt *o = d6t__alloc_in(a, sizeof *o);
    if (!o) return NULL;
    memset(o, 0, sizeof *o);
    o->arena = a;
    o->code = code;
    o->space = space;
    o->def = d6t__optdef_find((d6t_space)space, code);
    return o;
}

/* A new option (d6t_opt_new's): the node and its default bytes in one allocation, the bytes after the node, so that a setter
 * that grows the option can extend it in place while nothing was allocated after it. */
static D6T__ALWAYS_INLINE d6t_opt *d6t__new_opt(d6t_arena *a, uint16_t code, uint8_t space)
{
    const struct d6t_optdef *def = d6t__optdef_find((d6t_space)space, code);
    size_t n = def ? def->dflt_len : 0;
    size_t node =
        D6T__ARENA_ALIGN_UP(sizeof(d6t_opt)); /* the bytes start aligned, as growth wants */
    d6t_opt *o = d6t__alloc_in(a, node + n);  /* callers have an arena */
    if (!o) return NULL;
    uint8_t *d = (uint8_t *)o + node;
    d6t__opt_init(o, a, def, code, space, d, (uint32_t)n, D6T_OPT_OWNED);
    if (def && def->dflt_dname16)
        d6t__default_data(def, d);
    else if (n > 32)
        memset(d, 0, n);
    else if (n > 16) /* all zero, in whole 16-byte blocks: the allocation is rounded to them */
        memset(d, 0, 32);
    else if (n)
        memset(d, 0, 16);
    return o;
}

/* d6t__new_opt without a call: NULL when the arena's current room is too small or the default
 * bytes are more than zeros in two 16-byte blocks (the caller then calls d6t__new_opt). */
static D6T__ALWAYS_INLINE d6t_opt *d6t__new_opt_quick(d6t_arena *a, uint16_t code, uint8_t space)
{
    const struct d6t_optdef *def = d6t__optdef_find((d6t_space)space, code);
    size_t n = def ? def->dflt_len : 0;
    if (n > 32 || (def && def->dflt_dname16)) return NULL;
    size_t node = D6T__ARENA_ALIGN_UP(sizeof(d6t_opt));
    d6t_opt *o = d6t__alloc_quick(a, node + n);
    if (!o) return NULL;
    uint8_t *d = (uint8_t *)o + node;
    d6t__opt_init(o, a, def, code, space, d, (uint32_t)n, D6T_OPT_OWNED);
    if (n > 16) /* all zero, in whole 16-byte blocks: the allocation is rounded to them */
        memset(d, 0, 32);
    else if (n)
        memset(d, 0, 16);
    return o;
}

/* d6t__new_opt for a caller that writes every byte of the fixed part itself (an IA's IAID, T1
 * and T2; a lease): the node and def->dflt_len bytes, left as the arena had them. */
static D6T__ALWAYS_INLINE d6t_opt *d6t__init_unset(d6t_arena *a, const struct d6t_optdef *def,
                                                   d6t_opt *o)
{
    if (!o) return NULL;
    size_t node = D6T__ARENA_ALIGN_UP(sizeof(d6t_opt));
    d6t__opt_init(o, a, def, def->code, def->space, (uint8_t *)o + node, def->dflt_len,
                  D6T_OPT_OWNED);
    return o;
}
static D6T__ALWAYS_INLINE d6t_opt *d6t__new_opt_unset(d6t_arena *a, const struct d6t_optdef *def)
{
    size_t node = D6T__ARENA_ALIGN_UP(sizeof(d6t_opt));
    return d6t__init_unset(a, def, d6t__alloc_in(a, node + def->dflt_len));
}
/* The same without a call: NULL when the arena's current room is too small (see
 * d6t__alloc_quick). */
static D6T__ALWAYS_INLINE d6t_opt *d6t__new_opt_unset_quick(d6t_arena *a,
                                                            const struct d6t_optdef *def)
{
    size_t node = D6T__ARENA_ALIGN_UP(sizeof(d6t_opt));
    return d6t__init_unset(a, def, d6t__alloc_quick(a, node + def->dflt_len));
}

/* d6t_msg_type_kind, inline for the library's own callers. */
static inline uint8_t d6t__type_kind(uint8_t type)
{
    if (type == 0 || type > D6T_MSG_STARTTLS) return D6T_KIND_UNKNOWN;
    if (type == D6T_MSG_RELAY_FORW || type == D6T_MSG_RELAY_REPL) return D6T_KIND_RELAY;
    return D6T_KIND_CLIENT_SERVER; /* 1-11 and 14-23 share the 4-byte header */
}

/* A message's every member but the relay addresses, which 'relay' says the caller sets. */
static inline void d6t__msg_init(d6t_msg *m, d6t_arena *a, uint8_t type, uint8_t kind, int relay)
{
    m->arena = a;
    m->type = type;
    m->kind = kind;
    m->hop_count = 0;
    m->owns_arena = 0;
    m->txid = 0;
    if (!relay) {
        memset(m->link, 0, 16);
        memset(m->peer, 0, 16);
    }
    m->body = NULL;
    m->body_len = 0;
    m->opts.first = m->opts.last = NULL;
    m->opts.count = 0;
    m->removals = 0;
}

#endif
