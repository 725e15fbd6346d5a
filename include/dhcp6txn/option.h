/* libdhcp6txn - options: walk, read typed fields, build.
 * SPDX-License-Identifier: BSD-2-Clause */
#ifndef DHCP6TXN_OPTION_H
#define DHCP6TXN_OPTION_H

#include "common.h"
#include "message.h"
#include "optcodes.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Option spaces: sub-options of OPTION_NTP_SERVER and OPTION_VENDOR_OPTS have codes of their own. */
typedef enum d6t_space {
    D6T_SPACE_DHCPV6 = 0, /* the DHCPv6 option codes above */
    D6T_SPACE_NTP = 1,    /* RFC 5908 sub-options */
    D6T_SPACE_VENDOR = 2  /* vendor-specific sub-options: opaque code + data */
} d6t_space;

/* ---- walking (all returned pointers are borrowed from the message's arena) ---- */
D6T_EXPORT d6t_opt *d6t_msg_first_opt(const d6t_msg *m);
D6T_EXPORT d6t_opt *d6t_opt_next(const d6t_opt *o);        /* next sibling or NULL */
D6T_EXPORT d6t_opt *d6t_opt_first_child(const d6t_opt *o); /* sub-options, or NULL */
D6T_EXPORT size_t d6t_msg_opt_count(const d6t_msg *m);
D6T_EXPORT size_t d6t_opt_child_count(const d6t_opt *o);
/* First option of 'code' among a message's top-level options / an option's sub-options. */
D6T_EXPORT d6t_opt *d6t_msg_find_opt(const d6t_msg *m, uint16_t code);
D6T_EXPORT d6t_opt *d6t_opt_find_child(const d6t_opt *o, uint16_t code);
/* Next sibling with the same code as 'o', or NULL. */
D6T_EXPORT d6t_opt *d6t_opt_next_same(const d6t_opt *o);

/* The option's code and the code space it belongs to (sub-options of OPTION_NTP_SERVER and
 * OPTION_VENDOR_OPTS have codes of their own). */
D6T_EXPORT uint16_t d6t_opt_code(const d6t_opt *o);
D6T_EXPORT d6t_space d6t_opt_space(const d6t_opt *o);
/* IANA name of the option ("OPTION_IA_NA"), or NULL when the code is unknown in its space. */
D6T_EXPORT const char *d6t_opt_name(const d6t_opt *o);
/* True when the library knows this option's layout (false: kept as opaque bytes). */
D6T_EXPORT int d6t_opt_is_known(const d6t_opt *o);
/* The option's own bytes (after code and length) up to its sub-options or nested message;
 * for an option without sub-options, its whole payload. Borrowed view. */
D6T_EXPORT const uint8_t *d6t_opt_data(const d6t_opt *o, size_t *len);
/* The nested message of OPTION_RELAY_MSG or OPTION_LQ_RELAY_DATA, or NULL (borrowed). */
D6T_EXPORT d6t_msg *d6t_opt_msg(const d6t_opt *o);
/* Bytes this option occupies on the wire, header included (0 if unwritable). */
D6T_EXPORT size_t d6t_opt_wire_size(const d6t_opt *o);
D6T_EXPORT d6t_status d6t_opt_write(const d6t_opt *o, uint8_t *buf, size_t cap, size_t *len);

/* Parse one option (code, length, payload) standalone, e.g. an option stored elsewhere.
 * 'space' gives the code space. The option lives in arena 'a'. Same error reporting as
 * d6t_msg_parse(); trailing bytes after the option are an error (D6T_ERR_OPT_LENGTH). */
D6T_EXPORT d6t_status d6t_opt_parse(d6t_arena *a, d6t_space space, const uint8_t *buf, size_t len,
                                    unsigned flags, d6t_opt **out, d6t_parse_error *err);

/* ---- building ----
 * New options start with every fixed field zero and every list, text or name empty; set
 * fields with the d6t_opt_set_* functions. Lengths are always computed by the library.
 * Returned options are owned by the message's arena. NULL on allocation failure or when the
 * parent cannot hold sub-options (D6T_OPT_RELAY_MSG takes a message, see d6t_opt_set_msg). */
D6T_EXPORT d6t_opt *d6t_msg_add_opt(d6t_msg *m, uint16_t code);
D6T_EXPORT d6t_opt *d6t_opt_add_child(d6t_opt *parent, uint16_t code);
/* Add an option from its payload bytes (copied, then parsed like received data so a known
 * option gets its sub-options). 'err' as for parsing. */
D6T_EXPORT d6t_status d6t_msg_add_opt_bytes(d6t_msg *m, uint16_t code, const uint8_t *payload,
                                            size_t len, d6t_opt **out, d6t_parse_error *err);
D6T_EXPORT d6t_status d6t_opt_add_child_bytes(d6t_opt *parent, uint16_t code,
                                              const uint8_t *payload, size_t len, d6t_opt **out,
                                              d6t_parse_error *err);
/* Copy an option (and its sub-options / nested message) from anywhere into message 'm' or
 * under 'parent', at the end. Same as d6t_opt_copy() with flags 0 followed by the insert call:
 * the copy, payload bytes included, lives in the destination's arena and stays valid when
 * 'src' and its arena are gone. NULL on D6T_ERR_NOMEM (the destination is then unchanged),
 * or when 'src' is of another option space than the destination holds (an NTP or vendor
 * sub-option cannot become a DHCPv6 option). */
D6T_EXPORT d6t_opt *d6t_msg_add_opt_copy(d6t_msg *m, const d6t_opt *src);
D6T_EXPORT d6t_opt *d6t_opt_add_child_copy(d6t_opt *parent, const d6t_opt *src);

/* Copy flag: the copy's payload bytes (option data, an unknown message's body) are views of
 * the bytes 'src' views, not copies; the tree itself (options, messages) is always new. */
#define D6T_COPY_SHARE 0x1u

/* Copy option 'src' with its sub-options and any nested message (OPTION_RELAY_MSG,
 * OPTION_LQ_RELAY_DATA) into arena 'a' as a free-standing option in src's space, to be
 * linked with d6t_msg_insert_opt() / d6t_opt_insert_child(). The tree is duplicated node by
 * node, without writing or parsing: unknown options, opaque payloads, fields changed after
 * parsing and the order of options all carry over, and the copy writes the same bytes as
 * 'src'. Changing the copy never changes 'src'.
 * 'flags' 0: every byte is copied into 'a'; the copy keeps no pointer into src's memory.
 * D6T_COPY_SHARE: the payload bytes are shared with 'src' (no byte copy). Then the source
 * arena must outlive the target: whatever src's bytes live in (its arena, or the buffer a
 * message was parsed from without D6T_PARSE_COPY) must stay valid and unchanged for as long as
 * the copy is used, and a later in-place change of a field of 'src' shows in the copy.
 * Setting a field of a shared copy writes new bytes into 'a'; the source is left alone.
 * On success *out is the copy (owned by 'a'). Errors (*out NULL, nothing of 'a' used up):
 * D6T_ERR_INVALID_ARG (NULL argument, unknown flag), D6T_ERR_NOMEM (arena full or at its
 * limit), D6T_ERR_NESTING (a tree deeper than d6t_msg_write() accepts, e.g. a message that
 * d6t_opt_set_msg() made contain itself). */
D6T_EXPORT d6t_status d6t_opt_copy(d6t_arena *a, const d6t_opt *src, unsigned flags, d6t_opt **out);
/* Copy a whole message (relay chain included) into arena 'a', as d6t_opt_copy() copies an
 * option, e.g. to keep a request after the arena it was parsed into is reset. 'a' NULL: a
 * private arena is created (one heap allocation) and released by d6t_msg_free(*out). The
 * copy writes the same bytes as 'src'. Same flags and errors as d6t_opt_copy(). */
D6T_EXPORT d6t_status d6t_msg_copy(d6t_arena *a, const d6t_msg *src, unsigned flags, d6t_msg **out);

/* ---- prebuilt options ----
 * What a server knows at configuration time (its Server-ID, the DNS servers and domain search
 * list of a subnet, ...) built once and added to each reply in one call, instead of being built
 * option by option for every reply. */
typedef struct d6t_prebuilt d6t_prebuilt;

/* Snapshot the top-level options of 'src' (a template message of any client/server or relay
 * type, built with the calls above) with their sub-options into arena 'a'. The snapshot keeps
 * no pointer into 'src' or its arena: both may go right after. It lives in 'a' (there is no
 * free call: it goes with 'a') and is never changed again, so any number of threads may add it
 * to their messages at once. Errors (*out NULL): D6T_ERR_INVALID_ARG (NULL argument, or an
 * option holding a message: OPTION_RELAY_MSG with one set), D6T_ERR_NOMEM (nothing of 'a' is
 * used up then), D6T_ERR_NESTING (options nested deeper than D6T_MAX_OPTION_NESTING). */
D6T_EXPORT d6t_status d6t_prebuilt_new(d6t_arena *a, const d6t_msg *src, d6t_prebuilt **out);
/* Top-level options in the snapshot (0 for NULL). */
D6T_EXPORT size_t d6t_prebuilt_count(const d6t_prebuilt *p);
/* Append the snapshot's options, in their order, to message 'm': one allocation in m's arena
 * for the option nodes, whose payload bytes are shared with the snapshot, as with
 * D6T_COPY_SHARE. So the snapshot's arena must outlive 'm' (not be reset or freed while 'm' is
 * used). The added options are ordinary options of 'm': found, read, written, removed like any
 * other; setting a field of one writes new bytes into m's arena and leaves the snapshot (and
 * every other message it was added to) alone. D6T_ERR_INVALID_ARG for NULL or a message of an
 * unknown type, D6T_ERR_NOMEM when m's arena is full or at its limit ('m' is then unchanged). */
D6T_EXPORT d6t_status d6t_msg_add_prebuilt(d6t_msg *m, const d6t_prebuilt *p);

/* A free-standing option in arena 'a' (defaults as above), to be linked with the insert
 * calls below. */
D6T_EXPORT d6t_opt *d6t_opt_new(d6t_arena *a, d6t_space space, uint16_t code);
/* Link an option that is in no list (new, or removed) into a message / under a parent, before
 * 'before' (NULL: at the end). It is referenced, not copied: it must live in the destination's
 * arena or one that outlives it. D6T_ERR_INVALID_ARG when it is already linked somewhere,
 * D6T_ERR_NOT_FOUND when 'before' is not in that list, D6T_ERR_WRONG_FIELD when its space is
 * not the one the list holds. */
D6T_EXPORT d6t_status d6t_msg_insert_opt(d6t_msg *m, d6t_opt *before, d6t_opt *o);
D6T_EXPORT d6t_status d6t_opt_insert_child(d6t_opt *parent, d6t_opt *before, d6t_opt *o);
/* Unlink an option from a message / its parent (memory is reclaimed with the arena); it may be
 * linked again with the insert calls. */
D6T_EXPORT d6t_status d6t_msg_remove_opt(d6t_msg *m, d6t_opt *o);
D6T_EXPORT d6t_status d6t_opt_remove_child(d6t_opt *parent, d6t_opt *o);
/* Put 'inner' in OPTION_RELAY_MSG / OPTION_LQ_RELAY_DATA 'o'. 'inner' must live in the same
 * arena (or one that outlives it); it is referenced, not copied. NULL empties the option again
 * (as a new one is: d6t_msg_validate reports it, d6t_msg_write writes it empty). */
D6T_EXPORT d6t_status d6t_opt_set_msg(d6t_opt *o, d6t_msg *inner);
/* Convenience: add OPTION_RELAY_MSG holding 'inner' to relay message 'relay'. */
D6T_EXPORT d6t_opt *d6t_msg_add_relay_msg(d6t_msg *relay, d6t_msg *inner);
/* Replace the payload of an unknown option (copied). */
D6T_EXPORT d6t_status d6t_opt_set_data(d6t_opt *o, const uint8_t *data, size_t len);

#ifdef __cplusplus
}
#endif
#endif
