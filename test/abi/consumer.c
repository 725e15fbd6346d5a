/* An external program using the installed library: parse and write a message, and check the
 * header's version macros against the library actually linked.
 * SPDX-License-Identifier: BSD-2-Clause */
#include <dhcp6txn.h>
#include <stdio.h>
#include <string.h>

/* SOLICIT with CLIENTID, ELAPSED_TIME and IA_NA */
static const uint8_t solicit[] = {
    0x01, 0x12, 0x34, 0x56, 0x00, 0x01, 0x00, 0x0a, 0x00, 0x03, 0x00, 0x01, 0x34, 0x31,
    0xc4, 0x3c, 0xb2, 0xf1, 0x00, 0x08, 0x00, 0x02, 0x00, 0x00, 0x00, 0x03, 0x00, 0x0c,
    0xc4, 0x3c, 0xb2, 0xf1, 0,    0,    0,    0,    0,    0,    0,    0,
};

int main(int argc, char **argv)
{
    uint8_t out[128];
    size_t n = 0;
    d6t_msg *m = NULL;
    d6t_parse_error err;
    int bad = 0;
    printf("libdhcp6txn %s (header %s)\n", d6t_version(), D6T_VERSION_STRING);
    if (strcmp(d6t_version(), D6T_VERSION_STRING) != 0) {
        puts("FAIL: version string");
        bad = 1;
    }
    if (d6t_version_number() != D6T_VERSION_NUMBER) {
        puts("FAIL: version number");
        bad = 1;
    }
    if (argc > 1 && strcmp(argv[1], d6t_version()) != 0) {
        puts("FAIL: not the project version");
        bad = 1;
    }
    d6t_status st = d6t_msg_parse(NULL, solicit, sizeof solicit, 0, &m, &err);
    if (st != D6T_OK) {
        printf("FAIL: parse: %s at %zu\n", err.reason, err.offset);
        return 1;
    }
    if (d6t_msg_type(m) != D6T_MSG_SOLICIT || d6t_msg_transaction_id(m) != 0x123456 ||
        d6t_msg_find_opt(m, D6T_OPT_IA_NA) == NULL) {
        puts("FAIL: parsed content");
        bad = 1;
    }
    if (d6t_msg_write(m, out, sizeof out, &n) != D6T_OK || n != sizeof solicit ||
        memcmp(out, solicit, n) != 0) {
        puts("FAIL: write");
        bad = 1;
    }
    d6t_msg_free(m);
    puts(bad ? "consumer FAILED" : "consumer ok");
    return bad;
}
