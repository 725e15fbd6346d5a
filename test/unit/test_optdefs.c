/* The option table: order, keys, lookups, and status/message name tables. */
#include "testutil.h"

#include "internal.h" /* the table's private columns (dhcp6txn_internal_dep) */

START_TEST(table_sorted_and_findable)
{
    size_t n = d6t_optdef_count();
    ck_assert_uint_gt(n, 70);
    for (size_t i = 0; i < n; i++) {
        const d6t_optdef *d = d6t_optdef_at(i);
        ck_assert_ptr_nonnull(d6t_optdef_name(d));
        ck_assert_ptr_eq(d6t_optdef_find(d6t_optdef_space(d), d6t_optdef_code(d)), d);
        if (i) {
            const d6t_optdef *p = d6t_optdef_at(i - 1);
            uint32_t a = (uint32_t)d6t_optdef_space(p) << 16 | d6t_optdef_code(p);
            uint32_t b = (uint32_t)d6t_optdef_space(d) << 16 | d6t_optdef_code(d);
            ck_assert_uint_lt(a, b);
        }
    }
    ck_assert_ptr_null(d6t_optdef_at(n));
    ck_assert_ptr_null(d6t_optdef_find(D6T_SPACE_DHCPV6, 10));
    ck_assert_ptr_null(d6t_optdef_find(D6T_SPACE_VENDOR, 1));
    ck_assert_str_eq(d6t_optdef_name(d6t_optdef_find(D6T_SPACE_DHCPV6, 3)), "OPTION_IA_NA");
    ck_assert_int_eq(d6t_optdef_child_space(d6t_optdef_find(D6T_SPACE_DHCPV6, 56)), D6T_SPACE_NTP);
    ck_assert_int_eq(d6t_optdef_child_space(d6t_optdef_find(D6T_SPACE_DHCPV6, 23)), -1);
    ck_assert_str_eq(d6t_optdef_message_field(d6t_optdef_find(D6T_SPACE_DHCPV6, 9)),
                     "relayed_message");
    ck_assert_str_eq(d6t_optdef_message_field(d6t_optdef_find(D6T_SPACE_DHCPV6, 47)),
                     "relay_message");
    ck_assert_ptr_null(d6t_optdef_message_field(d6t_optdef_find(D6T_SPACE_DHCPV6, 3)));
    ck_assert_ptr_null(d6t_optdef_message_field(NULL));
    int with_msg = 0;
    for (size_t i = 0; i < d6t_optdef_count(); i++)
        with_msg += d6t_optdef_message_field(d6t_optdef_at(i)) != NULL;
    ck_assert_int_eq(with_msg, 2);
}
END_TEST

START_TEST(index_agrees_with_table)
{
    /* the code index is generated from the same rows: it must find exactly what a scan finds */
    for (int sp = D6T_SPACE_DHCPV6; sp <= D6T_SPACE_VENDOR; sp++) {
        for (unsigned code = 0; code <= 0xffff; code++) {
            const d6t_optdef *want = NULL;
            for (size_t i = 0; i < d6t_optdef_count(); i++) {
                const d6t_optdef *d = d6t_optdef_at(i);
                if ((int)d6t_optdef_space(d) == sp && d6t_optdef_code(d) == code) want = d;
            }
            ck_assert_ptr_eq(d6t_optdef_find((d6t_space)sp, (uint16_t)code), want);
            /* and the inline lookup the parser and builder use */
            ck_assert_ptr_eq(d6t__optdef_find((d6t_space)sp, (uint16_t)code), want);
            if (code > 300 && !want) code += 97; /* sparse above the assigned range */
        }
    }
}
END_TEST

/* Keys name their option and field (D6T_KEY): the key of field j is D6T_KEY(space, code, j + 1),
 * so each is used once and d6t_key_optdef finds its row without a search. */
START_TEST(keys_name_option_and_field)
{
    size_t nkeys = 0;
    for (size_t i = 0; i < d6t_optdef_count(); i++) {
        const d6t_optdef *d = d6t_optdef_at(i);
        for (size_t j = 0; j < d6t_optdef_field_count(d); j++) {
            d6t_key k;
            const char *name;
            d6t_ftype t;
            size_t size;
            ck_assert_int_eq(d6t_optdef_field(d, j, &k, &name, &t, &size), D6T_OK);
            ck_assert_int_eq(k, D6T_KEY(d6t_optdef_space(d), d6t_optdef_code(d), j + 1));
            ck_assert_ptr_nonnull(name);
            ck_assert(t != D6T_FT_OPTIONS && t != D6T_FT_MESSAGE);
            ck_assert(t == D6T_FT_BIN ? size > 0 : size == 0);
            ck_assert_ptr_eq(d6t_key_optdef(k), d);
            nkeys++;
        }
        ck_assert_int_eq(d6t_optdef_field(d, d6t_optdef_field_count(d), NULL, NULL, NULL, NULL),
                         D6T_ERR_NOT_FOUND);
        /* one past the last field, and field 0, are no keys */
        size_t n = d6t_optdef_field_count(d);
        ck_assert_ptr_null(
            d6t_key_optdef((d6t_key)D6T_KEY(d6t_optdef_space(d), d6t_optdef_code(d), n + 1)));
        ck_assert_ptr_null(
            d6t_key_optdef((d6t_key)D6T_KEY(d6t_optdef_space(d), d6t_optdef_code(d), 0)));
    }
    ck_assert_uint_gt(nkeys, 90);
    ck_assert_ptr_null(d6t_key_optdef(D6T_KEY_NONE));
    ck_assert_ptr_null(d6t_key_optdef((d6t_key)D6T_KEY(D6T_SPACE_DHCPV6, 10, 1)));
    ck_assert_ptr_null(d6t_key_optdef((d6t_key)D6T_KEY(7, 3, 1)));
    ck_assert_ptr_null(d6t_key_optdef((d6t_key)-1));
    /* the same code in two spaces gives two keys */
    ck_assert_int_ne(D6T_CLIENTID_DUID, D6T_NTP_SRV_ADDR_ADDRESS);
    ck_assert_ptr_eq(d6t_key_optdef(D6T_NTP_SRV_ADDR_ADDRESS), d6t_optdef_find(D6T_SPACE_NTP, 1));
}
END_TEST

/* The bitmaps validation looks for missing options in: exactly the rows with a need_msgs or a
 * need_in column, and at least the ones RFC 9915 requires (Client and Server Identifier). */
START_TEST(required_row_bitmaps_match_the_table)
{
    size_t nmsg = 0, nparent = 0;
    for (size_t i = 0; i < d6t__optdef_count; i++) {
        const struct d6t_optdef *d = &d6t__optdefs[i];
        unsigned in_msg = (unsigned)(d6t__need_in_msg[i / 64] >> i % 64 & 1u);
        unsigned in_parent = (unsigned)(d6t__need_in_parent[i / 64] >> i % 64 & 1u);
        ck_assert_uint_eq(in_msg, d->need_msgs != 0);
        ck_assert_uint_eq(in_parent, d->need_in[0] != 0);
        nmsg += in_msg;
        nparent += in_parent;
    }
    for (size_t i = d6t__optdef_count; i < 64 * D6T__NEED_WORDS; i++)
        ck_assert(!(d6t__need_in_msg[i / 64] >> i % 64 & 1u) &&
                  !(d6t__need_in_parent[i / 64] >> i % 64 & 1u));
    ck_assert_uint_ge(nmsg, 2);
    ck_assert_uint_ge(nparent, 1);
    /* per message type: exactly the rows whose need_msgs names the type, all of them in the
     * first 64 rows (validation takes the other words from d6t__need_in_msg) */
    unsigned nby = 0;
    for (unsigned t = 0; t < 32; t++)
        for (size_t i = 0; i < 64 * D6T__NEED_WORDS; i++) {
            int req = i < d6t__optdef_count && (d6t__optdefs[i].need_msgs >> t & 1u);
            if (i >= 64) {
                ck_assert_msg(!req, "row %zu required in type %u: past the per-type table", i, t);
                continue;
            }
            ck_assert_int_eq((int)(d6t__need_by_type[t] >> i & 1u), req);
            nby += (unsigned)req;
        }
    ck_assert_uint_ge(nby, nmsg);
    /* parent codes: exactly those some need_in column names */
    for (unsigned c = 0; c < 64 * D6T__NEED_WORDS; c++) {
        int named = 0;
        for (size_t i = 0; i < d6t__optdef_count; i++)
            for (size_t j = 0; j < 4 && d6t__optdefs[i].need_in[j]; j++)
                named |= d6t__optdefs[i].need_in[j] == c;
        ck_assert_int_eq((int)(d6t__need_parent_codes[c / 64] >> c % 64 & 1u), named);
    }
}
END_TEST

/* The table's private columns: every key a value rule names is a field of its own row, offsets
 * of fields after fixed-size ones are the sum of their sizes, and nkeys counts the keyed fields. */
START_TEST(rules_and_offsets_fit_their_rows)
{
    size_t nrules = 0;
    for (size_t i = 0; i < d6t__optdef_count; i++) {
        const struct d6t_optdef *d = &d6t__optdefs[i];
        ck_assert_uint_eq(d->nkeys, d6t_optdef_field_count(d));
        uint32_t off = 0;
        for (size_t j = 0; j < d->nkeys; j++) {
            const struct d6t_fielddef *f = &d->f[j];
            ck_assert_uint_eq(f->off, off == UINT32_MAX ? D6T_OFF_VAR : off);
            ck_assert_uint_eq(f->fixed != 0,
                              f->type <= D6T_FT_PSID && f->type != D6T_FT_PREFIX6_VAR);
            off = off == UINT32_MAX || !f->fixed ? UINT32_MAX : off + f->fixed;
            ck_assert_uint_eq(f->to_end,
                              j + 1 == d->nkeys && !f->fixed && f->type != D6T_FT_PREFIX6_VAR &&
                                  f->type != D6T_FT_DNAME && f->type != D6T_FT_FQDN &&
                                  f->type != D6T_FT_DNAME16 && f->type != D6T_FT_ADDR6_LIST16);
        }
        /* the default bytes' size added up at compile time: the fields' smallest valid sizes */
        size_t dflt = 0, dname16 = 0;
        for (size_t j = 0; j < d->nkeys; j++) {
            const struct d6t_fielddef *f = &d->f[j];
            dflt += f->type == D6T_FT_PREFIX6_VAR || f->type == D6T_FT_DNAME ? 1
                    : f->type == D6T_FT_DNAME16                              ? 3
                                                                             : f->fixed;
            dname16 |= f->type == D6T_FT_DNAME16;
        }
        ck_assert_uint_eq(d->dflt_len, dflt);
        ck_assert_uint_eq(d->dflt_dname16, dname16);
        for (const struct d6t_rule *r = d->rules; r && r->kind != D6T_R_END; r++, nrules++) {
            if (r->kind != D6T_R_KIDS) /* counts sub-options, names no field */
                ck_assert_ptr_eq(d6t_key_optdef((d6t_key)r->a), d);
            if (r->kind == D6T_R_LE || r->kind == D6T_R_SUM_MAX || r->kind == D6T_R_EXCLUDE)
                ck_assert_ptr_eq(d6t_key_optdef((d6t_key)r->b), d);
        }
    }
    ck_assert_uint_gt(nrules, 30);
}
END_TEST

/* The quick layout kind of each row (set at compile time) decides as a reading of its fields
 * does: fixed fields up to the last keyed one, then that field's own rule. */
static int quick_by_fields(const struct d6t_optdef *d, const uint8_t *data, size_t n, size_t *hdr)
{
    int leaf = d->nfields == d->nkeys;
    if (!d->nkeys) {
        *hdr = 0;
        return !leaf || n == 0;
    }
    const struct d6t_fielddef *f = &d->f[d->nkeys - 1];
    size_t off = f->off;
    if (off == D6T_OFF_VAR || n < off) return 0;
    if (f->fixed) {
        *hdr = off + f->fixed;
        return leaf ? n == off + f->fixed : n >= off + f->fixed;
    }
    if (!leaf || !f->to_end) return 0;
    *hdr = n;
    switch (f->type) {
    case D6T_FT_BIN_REST:
    case D6T_FT_TEXT:
    case D6T_FT_DUID: return 1;
    case D6T_FT_U16_LIST: return (n - off) % 2 == 0;
    case D6T_FT_ADDR6_LIST: return (n - off) % 16 == 0;
    case D6T_FT_BIN16_LIST: /* items of a 2-byte length and that many bytes, to the end */
        while (off < n) {
            if (n - off < 2 || (size_t)(data[off] << 8 | data[off + 1]) > n - off - 2) return 0;
            off += 2 + (size_t)(data[off] << 8 | data[off + 1]);
        }
        return 1;
    default: return 0;
    }
}

START_TEST(quick_layouts_match_the_fields)
{
    unsigned kinds[8] = {0};
    /* all zero, and bytes that make list items of several lengths */
    static uint8_t bufs[2][300];
    for (size_t i = 0; i < sizeof bufs[1]; i++) bufs[1][i] = (uint8_t)(i % 7 == 3 ? i % 5 : 0);
    for (size_t i = 0; i < d6t__optdef_count; i++) {
        const struct d6t_optdef *d = &d6t__optdefs[i];
        ck_assert_uint_le(d->qk, D6T_QK_BIN16);
        kinds[d->qk]++;
        for (size_t b = 0; b < 2; b++)
            for (size_t n = 0; n < 300; n++) {
                const uint8_t *data = bufs[b];
                size_t h1 = 12345, h2 = 12345;
                int k = d6t__layout_quick(d, data, n, &h1), q = k != 0,
                    f = quick_by_fields(d, data, n, &h2);
                ck_assert_msg(q == f, "%s with %zu bytes: quick %d, fields %d", d->name, n, q, f);
                /* a leaf's answer ends the parse of the option: only leaf rows may give it */
                int leaf = d->child_space < 0 && !d->has_msg;
                if (k) ck_assert_int_eq(k, leaf ? D6T__QUICK_LEAF : D6T__QUICK_HDR);
                if (q) ck_assert_uint_eq(h1, h2);
                /* and what it accepts, the full layout check accepts with the same header */
                struct d6t_span spans[D6T_MAX_FIELDS];
                size_t hdr, bad;
                const char *why;
                if (q) {
                    ck_assert_int_eq(d6t__layout(d, data, n, spans, &hdr, &why, &bad), D6T_OK);
                    ck_assert_uint_eq(hdr, h1);
                }
            }
    }
    for (unsigned k = D6T_QK_EXACT; k <= D6T_QK_BIN16; k++) ck_assert_uint_gt(kinds[k], 0);
}
END_TEST

START_TEST(names_and_status)
{
    ck_assert_str_eq(d6t_msg_type_name(1), "SOLICIT");
    ck_assert_str_eq(d6t_msg_type_name(12), "RELAY-FORW");
    ck_assert_str_eq(d6t_msg_type_name(23), "STARTTLS");
    ck_assert_ptr_null(d6t_msg_type_name(0));
    ck_assert_ptr_null(d6t_msg_type_name(24));
    ck_assert_int_eq(d6t_msg_type_kind(20), D6T_KIND_CLIENT_SERVER);
    ck_assert_int_eq(d6t_msg_type_kind(13), D6T_KIND_RELAY);
    ck_assert_int_eq(d6t_msg_type_kind(24), D6T_KIND_UNKNOWN);
    ck_assert(d6t_msg_type_is_server_to_client(D6T_MSG_REPLY));
    ck_assert(!d6t_msg_type_is_server_to_client(D6T_MSG_SOLICIT));
    for (int s = 0; s < D6T_STATUS_COUNT_; s++) {
        ck_assert_ptr_nonnull(d6t_strerror((d6t_status)s));
        ck_assert_str_ne(d6t_strerror((d6t_status)s), "unknown status");
        ck_assert_int_eq(strncmp(d6t_status_name((d6t_status)s), "D6T_", 4), 0);
    }
    ck_assert_str_eq(d6t_strerror((d6t_status)999), "unknown status");
    ck_assert_str_eq(d6t_version(), D6T_VERSION_STRING);
    ck_assert_uint_eq(d6t_version_number(), D6T_VERSION_NUMBER);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("optdefs");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, table_sorted_and_findable);
    tcase_add_test(tc, index_agrees_with_table);
    tcase_add_test(tc, keys_name_option_and_field);
    tcase_add_test(tc, rules_and_offsets_fit_their_rows);
    tcase_add_test(tc, quick_layouts_match_the_fields);
    tcase_add_test(tc, required_row_bitmaps_match_the_table);
    tcase_add_test(tc, names_and_status);
    suite_add_tcase(s, tc);
    return run_suite(s) ? 1 : 0;
}
