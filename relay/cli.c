/* dhcp6txn-relay: the command line. dhcrelay -6's options are taken unchanged (single-dash words
 * such as -rp and -pf included, which getopt cannot parse), so the daemon drops in wherever
 * dhcrelay -6 runs; the options of its own are long ones.
 * SPDX-License-Identifier: BSD-2-Clause */
#include "relayd.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char d6r_usage[] =
    "usage: dhcp6txn-relay -6 [-dqI] [-c count] [-p port | -rp port] [-pf file | --no-pid]\n"
    "                      [-s subscriber-id] -l [addr%]ifname[#index] ... -u [addr%]ifname ...\n"
    "                      [--config FILE] [--remote-id IFACE=ENTERPRISE:ID] [--ldra]\n"
    "                      [--source-port PORT] [--hook COMMAND] [-t]\n"
    "  A DHCPv6 relay agent (RFC 9915 section 19) built on libdhcp6txn; dhcrelay -6's options.\n"
    "\n"
    "  -6                     DHCPv6 (the only protocol; accepted for dhcrelay compatibility)\n"
    "  -d                     stay in the foreground (logs on stderr)\n"
    "  -q                     quiet: no start-up summary, no line per relayed message\n"
    "  -I                     always send an Interface-ID (automatic with two or more -l)\n"
    "  -c COUNT               drop Relay-forwards that reached hop count COUNT (8, at most 255)\n"
    "  -s ID                  Subscriber-ID (RFC 4580) for every client (text or 0xHEX)\n"
    "  -l [ADDR%]IF[#INDEX]   lower interface: clients and relays below; ADDR: link-address\n"
    "  -u [ADDR%]IF           upper: relay to ADDR (default ff02::1:2) through IF\n"
    "  -p PORT                listen and send on PORT instead of 547\n"
    "  -rp PORT               send upstream from PORT (RFC 8357 Relay Source Port)\n"
    "  -pf FILE               PID file (/run/dhcp6txn-relay.pid)\n"
    "  --no-pid               write no PID file\n"
    "  --config FILE          configuration file (many interfaces; dhcp6txn-relay(8))\n"
    "  --remote-id IF=EN:ID   Remote-ID (RFC 4649) for clients on IF, enterprise number EN\n"
    "  --interface-id IF=ID   Interface-ID for IF (default: its name)\n"
    "  --subscriber-id IF=ID  Subscriber-ID for clients on IF only\n"
    "  --relay-id DUID        Relay-ID (RFC 5460) in every Relay-forward (0xHEX)\n"
    "  --ldra                 lightweight relay (RFC 6221): link-address ::, Interface-ID\n"
    "  --source-port PORT     the same as -rp\n"
    "  --no-client-link-layer no Client Link-Layer Address option (RFC 6939)\n"
    "  --hook COMMAND         run COMMAND (sh -c) for each prefix a relayed Reply delegates\n"
    "  -t, --check-config     check the configuration, print it and exit\n"
    "  -h, --help             this text\n"
    "\n"
    "  One log line per relayed or dropped message. SIGUSR1 prints the counters, SIGTERM or\n"
    "  SIGINT stops the relay.\n";

static int fail(char *err, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, cap, fmt, ap);
    va_end(ap);
    return -1;
}

static int number(const char *s, unsigned long lo, unsigned long hi, unsigned long *v)
{
    char *end;
    errno = 0;
    unsigned long x = strtoul(s, &end, 10);
    if (errno || *end || end == s || s[0] == '-' || x < lo || x > hi) return -1;
    *v = x;
    return 0;
}

/* "IFACE=VALUE": the downstream interface (added if new) and the value. */
static struct d6r_down *per_iface(struct d6r_config *c, const char *arg, const char **value)
{
    const char *eq = strchr(arg, '=');
    char name[D6R_IFNAME_MAX];
    if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof name) return NULL;
    memcpy(name, arg, (size_t)(eq - arg));
    name[eq - arg] = 0;
    *value = eq + 1;
    return d6r_down_get(c, name);
}

/* One option with its value (NULL when it takes none). 1: it took the value. */
static int option(struct d6r_config *c, const char *o, const char *v, char *err, size_t cap)
{
    unsigned long x;
    const char *val;
    struct d6r_down *d;
    int n;
    if (!strcmp(o, "-l")) return d6r_parse_lower(c, v, err, cap) ? -1 : 1;
    if (!strcmp(o, "-u")) return d6r_parse_upper(c, v, err, cap) ? -1 : 1;
    if (!strcmp(o, "-c")) {
        if (number(v, 1, 255, &x)) return fail(err, cap, "-c %s: 1 to 255", v);
        c->max_hops = (unsigned)x;
    } else if (!strcmp(o, "-p")) {
        if (number(v, 1, 65535, &x)) return fail(err, cap, "-p %s: 1 to 65535", v);
        c->port = (uint16_t)x;
    } else if (!strcmp(o, "-rp") || !strcmp(o, "--source-port")) {
        if (number(v, 1, 65535, &x)) return fail(err, cap, "%s %s: 1 to 65535", o, v);
        c->source_port = (uint16_t)x;
    } else if (!strcmp(o, "-s")) {
        if ((n = d6r_parse_id(v, c->subscriber_id, sizeof c->subscriber_id)) < 0)
            return fail(err, cap, "-s %s: text or 0xHEX, 1 to %d bytes", v, D6R_ID_MAX);
        c->subscriber_id_len = (size_t)n;
    } else if (!strcmp(o, "-pf")) {
        if (snprintf(c->pid_file, sizeof c->pid_file, "%s", v) >= (int)sizeof c->pid_file)
            return fail(err, cap, "-pf: path too long");
    } else if (!strcmp(o, "--config")) {
        if (snprintf(c->config_file, sizeof c->config_file, "%s", v) >= (int)sizeof c->config_file)
            return fail(err, cap, "--config: path too long");
    } else if (!strcmp(o, "--hook")) {
        if (snprintf(c->hook, sizeof c->hook, "%s", v) >= (int)sizeof c->hook || !v[0])
            return fail(err, cap, "--hook: an empty or too long command");
    } else if (!strcmp(o, "--relay-id")) {
        if ((n = d6r_parse_id(v, c->relay_id, 130)) < 2)
            return fail(err, cap, "--relay-id %s: a DUID, 0xHEX of 2 to 130 bytes", v);
        c->relay_id_len = (size_t)n;
    } else if (!strcmp(o, "--remote-id")) {
        if (!(d = per_iface(c, v, &val)) ||
            (n = d6r_parse_remote_id(val, d->remote_id, sizeof d->remote_id)) < 0)
            return fail(err, cap, "--remote-id %s: want IFACE=ENTERPRISE:ID", v);
        d->remote_id_len = (size_t)n;
    } else if (!strcmp(o, "--interface-id")) {
        if (!(d = per_iface(c, v, &val)) ||
            (n = d6r_parse_id(val, d->interface_id, sizeof d->interface_id)) < 0)
            return fail(err, cap, "--interface-id %s: want IFACE=ID", v);
        d->interface_id_len = (size_t)n;
    } else if (!strcmp(o, "--subscriber-id")) {
        if (!(d = per_iface(c, v, &val)) ||
            (n = d6r_parse_id(val, d->subscriber_id, sizeof d->subscriber_id)) < 0)
            return fail(err, cap, "--subscriber-id %s: want IFACE=ID", v);
        d->subscriber_id_len = (size_t)n;
    } else {
        return fail(err, cap, "unknown option %s (try --help)", o);
    }
    return 1;
}

static const char *const with_value[] = {"-l",
                                         "-u",
                                         "-c",
                                         "-p",
                                         "-rp",
                                         "-s",
                                         "-pf",
                                         "--source-port",
                                         "--config",
                                         "--hook",
                                         "--remote-id",
                                         "--interface-id",
                                         "--subscriber-id",
                                         "--relay-id"};

static int takes_value(const char *o)
{
    for (size_t i = 0; i < sizeof with_value / sizeof *with_value; i++)
        if (!strcmp(o, with_value[i])) return 1;
    return 0;
}

int d6r_cli_parse(struct d6r_config *c, int argc, char **argv, char *err, size_t cap)
{
    int nodown_cli = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(d6r_usage, stdout);
            return 1;
        }
        if (!strcmp(a, "-6")) continue; /* the only protocol */
        if (!strcmp(a, "-d")) {
            c->foreground = 1;
        } else if (!strcmp(a, "-q")) {
            c->quiet = 1;
        } else if (!strcmp(a, "-I")) {
            c->interface_id = 1;
        } else if (!strcmp(a, "--no-pid")) {
            c->no_pid = 1;
        } else if (!strcmp(a, "--ldra")) {
            c->ldra = 1;
        } else if (!strcmp(a, "--no-client-link-layer")) {
            nodown_cli = 1;
        } else if (!strcmp(a, "-t") || !strcmp(a, "--check-config")) {
            c->check = 1;
        } else if (takes_value(a)) {
            if (i + 1 >= argc) return fail(err, cap, "%s needs a value", a);
            if (option(c, a, argv[++i], err, cap) < 0) return -1;
        } else {
            return fail(err, cap, "unknown option or argument %s (try --help)", a);
        }
    }
    if (c->config_file[0]) {
        if (d6r_config_load(c, c->config_file, err, cap)) return -1;
    }
    if (nodown_cli)
        for (size_t i = 0; i < c->ndown; i++) c->down[i].client_link_layer = 0;
    return 0;
}
