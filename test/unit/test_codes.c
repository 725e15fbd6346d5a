/* DHCPv6 status codes and leasequery query types: IANA names, and the text printer using them. */
#include "testutil.h"

START_TEST(status_code_names)
{
    ck_assert_str_eq(d6t_status_code_name(D6T_SC_SUCCESS), "Success");
    ck_assert_str_eq(d6t_status_code_name(D6T_SC_NOT_ON_LINK), "NotOnLink");
    ck_assert_str_eq(d6t_status_code_name(D6T_SC_NO_PREFIX_AVAIL), "NoPrefixAvail");
    ck_assert_str_eq(d6t_status_code_name(D6T_SC_QUERY_TERMINATED), "QueryTerminated");
    ck_assert_str_eq(d6t_status_code_name(D6T_SC_TLS_CONNECTION_REFUSED), "TLSConnectionRefused");
    ck_assert_str_eq(d6t_status_code_name(D6T_SC_EXCESSIVE_TIME_SKEW), "ExcessiveTimeSkew");
    /* every assigned value has a name of its own; nothing past the last one has */
    for (uint16_t i = 0; i <= D6T_SC_EXCESSIVE_TIME_SKEW; i++) {
        ck_assert_ptr_nonnull(d6t_status_code_name(i));
        for (uint16_t j = 0; j < i; j++)
            ck_assert_str_ne(d6t_status_code_name(i), d6t_status_code_name(j));
    }
    ck_assert_ptr_null(d6t_status_code_name(D6T_SC_EXCESSIVE_TIME_SKEW + 1));
    ck_assert_ptr_null(d6t_status_code_name(0xffff));
}
END_TEST

START_TEST(query_type_names)
{
    ck_assert_ptr_null(d6t_query_type_name(0));
    ck_assert_str_eq(d6t_query_type_name(D6T_QUERY_BY_ADDRESS), "QUERY_BY_ADDRESS");
    ck_assert_str_eq(d6t_query_type_name(D6T_QUERY_BY_CLIENTID), "QUERY_BY_CLIENTID");
    ck_assert_str_eq(d6t_query_type_name(D6T_QUERY_BY_RELAY_ID), "QUERY_BY_RELAY_ID");
    ck_assert_str_eq(d6t_query_type_name(D6T_QUERY_BY_LINK_ADDRESS), "QUERY_BY_LINK_ADDRESS");
    ck_assert_str_eq(d6t_query_type_name(D6T_QUERY_BY_REMOTE_ID), "QUERY_BY_REMOTE_ID");
    ck_assert_ptr_null(d6t_query_type_name(6));
    ck_assert_ptr_null(d6t_query_type_name(255));
}
END_TEST

/* The text printer names a status code by the same table, and only assigned ones. */
START_TEST(printed_status_names)
{
    static const struct {
        uint16_t code;
        const char *want;
    } cases[] = {{D6T_SC_NOT_ON_LINK, "status_code: 4 (NotOnLink)\n"},
                 {D6T_SC_DNS_UPDATE_NOT_SUPPORTED, "status_code: 21 (DNSUpdateNotSupported)\n"},
                 {23, "status_code: 23\n"},
                 {0xffff, "status_code: 65535\n"}};
    d6t_arena *a = d6t_arena_new(NULL, 0);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        d6t_opt *o = d6t_opt_new(a, D6T_SPACE_DHCPV6, D6T_OPT_STATUS_CODE);
        ck_assert_int_eq(d6t_opt_set_u16(o, D6T_STATUS_CODE_STATUS_CODE, cases[i].code), D6T_OK);
        char text[256];
        d6t_opt_to_text(o, text, sizeof text);
        ck_assert_msg(strstr(text, cases[i].want), "%s", text);
    }
    d6t_arena_free(a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("codes");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, status_code_names);
    tcase_add_test(tc, query_type_names);
    tcase_add_test(tc, printed_status_names);
    suite_add_tcase(s, tc);
    return run_suite(s) ? 1 : 0;
}
