/* Domain names: checks, byte-transparent text form, encoding. */
#include "testutil.h"

static void to_text(const char *hex, unsigned flags, const char *want, size_t want_used)
{
    uint8_t w[300];
    char t[1100];
    size_t n = unhex(hex, w, sizeof w), used = 0;
    ck_assert_int_eq(d6t_dname_to_text(w, n, flags, t, sizeof t, &used), D6T_OK);
    ck_assert_str_eq(t, want);
    ck_assert_uint_eq(used, want_used);
}

START_TEST(text_forms)
{
    to_text("00", 0, ".", 1);
    to_text("0531302d7777087374656666616e6e026e6c00", 0, "10-ww.steffann.nl.", 19);
    to_text("0531302d7777087374656666616e6e026e6c", D6T_DNAME_RELATIVE_OK, "10-ww.steffann.nl", 18);
    to_text("", D6T_DNAME_RELATIVE_OK, "", 0);
    /* case is kept, odd bytes escaped */
    to_text("03414243"
            "04612e5c20"
            "0100"
            "00",
            0, "ABC.a\\.\\\\\\032.\\000.", 12);
    /* only the first name is consumed */
    to_text("016100016200", 0, "a.", 3);
}
END_TEST

START_TEST(checks)
{
    uint8_t w[300];
    size_t used;
    d6t_parse_error e;
    size_t n = unhex("043130777710454e44", w, sizeof w);
    ck_assert_int_eq(d6t_dname_check(w, n, 0, &used, &e), D6T_ERR_DNAME);
    ck_assert_uint_eq(e.offset, 5);
    ck_assert_int_eq(d6t_dname_check(w, n, D6T_DNAME_RELATIVE_OK, &used, &e), D6T_ERR_DNAME);
    n = unhex("043130777703454e44", w, sizeof w);
    ck_assert_int_eq(d6t_dname_check(w, n, 0, &used, &e), D6T_ERR_DNAME);
    ck_assert_uint_eq(e.offset, 9);
    ck_assert_int_eq(d6t_dname_check(w, n, D6T_DNAME_RELATIVE_OK, &used, &e), D6T_OK);
    ck_assert_uint_eq(used, 9);
    ck_assert_int_eq(d6t_dname_check(w, 0, 0, &used, &e), D6T_ERR_DNAME);
    char t[4];
    n = unhex("0461626364"
              "00",
              w, sizeof w);
    ck_assert_int_eq(d6t_dname_to_text(w, n, 0, t, sizeof t, NULL), D6T_ERR_BUFFER_TOO_SMALL);
}
END_TEST

static void encode(const char *text, unsigned flags, d6t_status st, const char *hex)
{
    uint8_t w[300], want[300];
    size_t n = 0;
    ck_assert_int_eq(d6t_dname_from_text(text, flags, w, sizeof w, &n), st);
    if (st == D6T_OK) {
        size_t wn = unhex(hex, want, sizeof want);
        ck_assert_uint_eq(n, wn);
        ck_assert_int_eq(memcmp(w, want, n), 0);
    }
}

START_TEST(encoding)
{
    encode("10-ww.steffann.nl.", 0, D6T_OK, "0531302d7777087374656666616e6e026e6c00");
    encode("10-ww.steffann.nl", 0, D6T_OK, "0531302d7777087374656666616e6e026e6c00");
    encode("10-ww.steffann.nl", D6T_DNAME_RELATIVE_OK, D6T_OK,
           "0531302d7777087374656666616e6e026e6c");
    encode(".", 0, D6T_OK, "00");
    encode("", 0, D6T_ERR_EMPTY_NAME, NULL); /* the root is asked for as "." */
    encode("", D6T_DNAME_RELATIVE_OK, D6T_OK, "");
    encode("a\\.b.c", 0, D6T_OK, "03612e62016300");
    encode("x\\032y.", 0, D6T_OK, "0378207900");
    encode("a..b", 0, D6T_ERR_DNAME, NULL);
    encode(".a", 0, D6T_ERR_DNAME, NULL);
    encode("a\\", 0, D6T_ERR_DNAME, NULL);
    encode("a\\999", 0, D6T_ERR_DNAME, NULL);
    char lab[80];
    memset(lab, 'q', 64);
    lab[64] = 0;
    encode(lab, 0, D6T_ERR_DNAME, NULL);
    /* 4 labels of 63 = 257 wire bytes */
    char big[300];
    for (int i = 0; i < 4; i++) {
        memset(big + i * 64, 'q', 63);
        big[i * 64 + 63] = '.';
    }
    big[256] = 0;
    uint8_t w[600];
    size_t n;
    ck_assert_int_eq(d6t_dname_from_text(big, 0, w, sizeof w, &n), D6T_ERR_DNAME);
    /* a relative name must leave room for the root label: 254 bytes at most */
    char rel[300];
    for (int i = 0; i < 4; i++) {
        memset(rel + i * 64, 'a', 63);
        rel[i * 64 + 63] = '.';
    }
    rel[254] = 0; /* 63.63.63.62: 255 wire bytes without a root label */
    ck_assert_int_eq(d6t_dname_from_text(rel, D6T_DNAME_RELATIVE_OK, w, sizeof w, &n),
                     D6T_ERR_DNAME);
    rel[253] = 0; /* 63.63.63.61: 254 bytes, fine */
    ck_assert_int_eq(d6t_dname_from_text(rel, D6T_DNAME_RELATIVE_OK, w, sizeof w, &n), D6T_OK);
    ck_assert_uint_eq(n, 254);
    ck_assert_int_eq(d6t_dname_check(w, n, D6T_DNAME_RELATIVE_OK, NULL, NULL), D6T_OK);
    /* text -> wire -> text is the identity for escaped input */
    const char *odd = "ABC.a\\.\\\\\\032.\\000.";
    ck_assert_int_eq(d6t_dname_from_text(odd, 0, w, sizeof w, &n), D6T_OK);
    char t[100];
    ck_assert_int_eq(d6t_dname_to_text(w, n, 0, t, sizeof t, NULL), D6T_OK);
    ck_assert_str_eq(t, odd);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("dname");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, text_forms);
    tcase_add_test(tc, checks);
    tcase_add_test(tc, encoding);
    suite_add_tcase(s, tc);
    return run_suite(s) ? 1 : 0;
}
