/* Unit tests of dhcp6txn-relay's command line (dhcrelay -6's syntax) and configuration file:
 * what each accepts, the values it stores, and the errors it names.
 * SPDX-License-Identifier: BSD-2-Clause */
#include "relayd.h"

#include "testutil.h"
#include <arpa/inet.h>
#include <check.h>
#include <string.h>

static struct d6r_config C;
static char ERR[512];

static int cli(const char *const *args)
{
    static char store[32][128];
    char *argv[32];
    int argc = 0;
    for (const char *a = "dhcp6txn-relay"; a && argc < 32; a = *args++) {
        snprintf(store[argc], sizeof store[argc], "%s", a);
        argv[argc] = store[argc];
        argc++;
    }
    d6r_config_defaults(&C);
    ERR[0] = 0;
    return d6r_cli_parse(&C, argc, argv, ERR, sizeof ERR);
}

static int conf(const char *text)
{
    d6r_config_defaults(&C);
    ERR[0] = 0;
    return d6r_config_parse(&C, text, ERR, sizeof ERR);
}

static int addr_is(const uint8_t a[16], const char *text)
{
    uint8_t b[16];
    return inet_pton(AF_INET6, text, b) == 1 && !memcmp(a, b, 16);
}

START_TEST(dhcrelay_command_line)
{
    const char *args[] = {"-6",
                          "-d",
                          "-q",
                          "-I",
                          "--no-pid",
                          "-s",
                          "sub-1",
                          "-c",
                          "5",
                          "-l",
                          "2001:db8:1::1%eth1",
                          "-l",
                          "eth2#7",
                          "-u",
                          "2001:db8:12::3%eth0",
                          "-u",
                          "eth9",
                          NULL};
    ck_assert_int_eq(cli(args), 0);
    ck_assert(C.foreground && C.quiet && C.interface_id && C.no_pid);
    ck_assert_uint_eq(C.max_hops, 5);
    ck_assert_uint_eq(C.subscriber_id_len, 5);
    ck_assert(!memcmp(C.subscriber_id, "sub-1", 5));
    ck_assert_uint_eq(C.ndown, 2);
    ck_assert_str_eq(C.down[0].name, "eth1");
    ck_assert(C.down[0].has_link_address && addr_is(C.down[0].link_address, "2001:db8:1::1"));
    ck_assert_str_eq(C.down[1].name, "eth2");
    ck_assert_uint_eq(C.down[1].index, 7);
    ck_assert(!C.down[1].has_link_address);
    ck_assert(C.down[0].client_link_layer);
    ck_assert_uint_eq(C.nup, 2);
    ck_assert_str_eq(C.up[0].name, "eth0");
    ck_assert(addr_is(C.up[0].address, "2001:db8:12::3"));
    ck_assert(addr_is(C.up[1].address, "ff02::1:2")); /* dhcrelay's default */
    ck_assert_int_eq(d6r_config_finish(&C, ERR, sizeof ERR), 0);
    /* two lower interfaces: the Interface-ID is what tells replies apart */
    ck_assert_uint_eq(C.down[1].interface_id_len, 4);
    ck_assert(!memcmp(C.down[1].interface_id, "eth2", 4));
}
END_TEST

START_TEST(own_options)
{
    const char *args[] = {"-l",
                          "eth1",
                          "-u",
                          "ff05::1:3%eth0",
                          "-p",
                          "10547",
                          "-rp",
                          "3000",
                          "--remote-id",
                          "eth1=32473:port-7",
                          "--interface-id",
                          "eth1=0x0a0b",
                          "--subscriber-id",
                          "eth1=sub",
                          "--relay-id",
                          "0x000300010200000000aa",
                          "--hook",
                          "echo hi",
                          "--ldra",
                          "--no-client-link-layer",
                          "-t",
                          "-pf",
                          "/tmp/x.pid",
                          NULL};
    ck_assert_int_eq(cli(args), 0);
    ck_assert_uint_eq(C.port, 10547);
    ck_assert_uint_eq(C.source_port, 3000);
    ck_assert(C.ldra && C.check);
    ck_assert_str_eq(C.hook, "echo hi");
    ck_assert_str_eq(C.pid_file, "/tmp/x.pid");
    ck_assert_uint_eq(C.relay_id_len, 10);
    const struct d6r_down *d = &C.down[0];
    static const uint8_t rid[] = {0, 0, 0x7e, 0xd9, 'p', 'o', 'r', 't', '-', '7'};
    ck_assert_uint_eq(d->remote_id_len, sizeof rid);
    ck_assert(!memcmp(d->remote_id, rid, sizeof rid));
    ck_assert_uint_eq(d->interface_id_len, 2);
    ck_assert_uint_eq(d->interface_id[1], 0x0b);
    ck_assert_uint_eq(d->subscriber_id_len, 3);
    ck_assert(!d->client_link_layer);
    ck_assert(addr_is(C.up[0].address, "ff05::1:3"));
    ck_assert_int_eq(d6r_config_finish(&C, ERR, sizeof ERR), 0);
    ck_assert(C.interface_id); /* LDRA: always */
}
END_TEST

START_TEST(source_port_equal_to_port_is_none)
{
    const char *args[] = {"-l", "a", "-u", "b", "-rp", "547", NULL};
    ck_assert_int_eq(cli(args), 0);
    ck_assert_int_eq(d6r_config_finish(&C, ERR, sizeof ERR), 0);
    ck_assert_uint_eq(C.source_port, 0);
}
END_TEST

START_TEST(command_line_errors)
{
    static const struct {
        const char *args[4];
        const char *says;
    } bad[] = {
        {{"-l", "fe80::1%eth1", NULL}, "global or ULA"},
        {{"-l", "eth1#x", NULL}, "bad interface index"},
        {{"-l", "nothex%eth1", NULL}, "want [address%]ifname"},
        {{"-u", "2001:db8::1%", NULL}, "want [address%]ifname"},
        {{"-c", "0", NULL}, "1 to 255"},
        {{"-c", "256", NULL}, "1 to 255"},
        {{"-p", "65536", NULL}, "1 to 65535"},
        {{"-rp", "-1", NULL}, "1 to 65535"},
        {{"--remote-id", "eth1=port", NULL}, "IFACE=ENTERPRISE:ID"},
        {{"--remote-id", "eth1=4294967296:x", NULL}, "IFACE=ENTERPRISE:ID"},
        {{"--interface-id", "=x", NULL}, "IFACE=ID"},
        {{"--relay-id", "0x01", NULL}, "2 to 130"},
        {{"-s", "0xabc", NULL}, "0xHEX"},
        {{"-l", NULL}, "needs a value"},
        {{"-x", NULL}, "unknown option"},
        {{"server1", NULL}, "unknown option or argument"},
        {{"--config", "/nonexistent/relay.conf", NULL}, "No such file"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        ck_assert_msg(cli(bad[i].args) < 0, "%s accepted", bad[i].args[0]);
        ck_assert_msg(strstr(ERR, bad[i].says), "%s: '%s' lacks '%s'", bad[i].args[0], ERR,
                      bad[i].says);
    }
}
END_TEST

START_TEST(finish_needs_both_sides)
{
    const char *only_lower[] = {"-l", "eth1", NULL};
    ck_assert_int_eq(cli(only_lower), 0);
    ck_assert_int_eq(d6r_config_finish(&C, ERR, sizeof ERR), -1);
    ck_assert(strstr(ERR, "upper"));
    const char *only_upper[] = {"-u", "eth1", NULL};
    ck_assert_int_eq(cli(only_upper), 0);
    ck_assert_int_eq(d6r_config_finish(&C, ERR, sizeof ERR), -1);
    ck_assert(strstr(ERR, "lower"));
}
END_TEST

START_TEST(config_file)
{
    const char *text = "# a relay with two access ports\n"
                       "port 547\nsource-port 1547\nmax-hop-count 4\nmax-hooks 2\n"
                       "relay-id 0x00030001020000000001\nsubscriber-id all\n"
                       "hook ip -6 route replace $D6T_RELAY_PREFIX/$D6T_RELAY_PREFIX_LEN\n"
                       "downstream p1\n  link-address 2001:db8:1::1\n  remote-id 9:0x0102\n"
                       "  interface-id port-1\n  client-link-layer no\n"
                       "downstream p2   # no options of its own\n  subscriber-id s2\n"
                       "  trusted yes\n"
                       "upstream up0 2001:db8::547\nupstream up1\ninterface-id-always yes\n";
    ck_assert_msg(conf(text) == 0, "%s", ERR);
    ck_assert_uint_eq(C.source_port, 1547);
    ck_assert_uint_eq(C.max_hops, 4);
    ck_assert_uint_eq(C.max_hooks, 2);
    ck_assert_uint_eq(C.relay_id_len, 10);
    ck_assert_str_eq(C.hook, "ip -6 route replace $D6T_RELAY_PREFIX/$D6T_RELAY_PREFIX_LEN");
    ck_assert_uint_eq(C.ndown, 2);
    ck_assert(C.down[0].has_link_address && addr_is(C.down[0].link_address, "2001:db8:1::1"));
    ck_assert_uint_eq(C.down[0].remote_id_len, 6);
    ck_assert_uint_eq(C.down[0].remote_id[3], 9);
    ck_assert_uint_eq(C.down[0].remote_id[5], 2);
    ck_assert(!C.down[0].client_link_layer);
    ck_assert(C.down[1].client_link_layer && C.down[1].trusted);
    ck_assert_uint_eq(C.down[1].subscriber_id_len, 2);
    ck_assert_uint_eq(C.nup, 2);
    ck_assert(addr_is(C.up[0].address, "2001:db8::547"));
    ck_assert(addr_is(C.up[1].address, "ff02::1:2"));
    ck_assert(C.interface_id);
    ck_assert_int_eq(d6r_config_finish(&C, ERR, sizeof ERR), 0);
}
END_TEST

START_TEST(config_errors_name_their_line)
{
    static const struct {
        const char *text, *says;
    } bad[] = {
        {"port 0\n", "line 1: port: 1 to 65535"},
        {"\n\nbogus 1\n", "line 3: unknown directive 'bogus'"},
        {"downstream p1\n  link-address fe80::1\n", "line 2: link-address"},
        {"downstream p1\n  remote-id x\n", "line 2: remote-id"},
        {"downstream p1\n  client-link-layer maybe\n", "line 2: client-link-layer"},
        /* a global directive ends the block: per-interface words are unknown after it */
        {"downstream p1\nport 547\n  interface-id x\n", "line 3: unknown directive"},
        {"upstream\n", "line 1: upstream IFACE"},
        {"upstream eth0 not-an-address\n", "line 1: upstream"},
        {"max-hop-count 256\n", "line 1: max-hop-count"},
        {"ldra perhaps\n", "line 1: ldra"},
        {"downstream a/b\n", "line 1: downstream"},
        {"hook\n", "line 1: hook"},
        {"a b c d e f g h i\n", "line 1: too many words"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        ck_assert_msg(conf(bad[i].text) < 0, "accepted: %s", bad[i].text);
        ck_assert_msg(strstr(ERR, bad[i].says), "'%s' lacks '%s'", ERR, bad[i].says);
    }
}
END_TEST

START_TEST(duplicate_interface_ids_refused)
{
    ck_assert_int_eq(conf("downstream a\n interface-id x\ndownstream b\n interface-id x\n"
                          "upstream c\n"),
                     0);
    ck_assert_int_eq(d6r_config_finish(&C, ERR, sizeof ERR), -1);
    ck_assert(strstr(ERR, "same interface-id"));
}
END_TEST

START_TEST(tables_are_bounded)
{
    char text[4096];
    size_t n = 0;
    for (int i = 0; i <= D6R_MAX_DOWN; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "downstream p%d\n", i);
    ck_assert_int_eq(conf(text), -1);
    ck_assert(strstr(ERR, "line 33"));
    n = 0;
    for (int i = 0; i <= D6R_MAX_UP; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "upstream u%d\n", i);
    ck_assert_int_eq(conf(text), -1);
    ck_assert(strstr(ERR, "line 17"));
    uint8_t id[D6R_ID_MAX];
    char big[2 * D6R_ID_MAX + 8] = "0x";
    for (int i = 0; i < D6R_ID_MAX + 1; i++) strcat(big, "ab");
    ck_assert_int_eq(d6r_parse_id(big, id, sizeof id), -1);
    big[2 + 2 * D6R_ID_MAX] = 0;
    ck_assert_int_eq(d6r_parse_id(big, id, sizeof id), D6R_ID_MAX);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("relayd");
    TCase *tc = tcase_create("config");
    tcase_add_test(tc, dhcrelay_command_line);
    tcase_add_test(tc, own_options);
    tcase_add_test(tc, source_port_equal_to_port_is_none);
    tcase_add_test(tc, command_line_errors);
    tcase_add_test(tc, finish_needs_both_sides);
    tcase_add_test(tc, config_file);
    tcase_add_test(tc, config_errors_name_their_line);
    tcase_add_test(tc, duplicate_interface_ids_refused);
    tcase_add_test(tc, tables_are_bounded);
    suite_add_tcase(s, tc);
    return run_suite(s) ? 1 : 0;
}
