#!/usr/bin/python3
"""Regenerate server/fuzz/corpus-config: seed configurations for fuzz_config.

The example configuration, one small configuration per directive and feature (pools of one
address, /128 and /0 prefixes, delegated length 128, relayed-only subnets, many subnets and
interfaces), and refusals the parser must name a line for. Usage: make_config_corpus.py; stdlib only.
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'corpus-config')

BASE = "interface s1\nsubnet 2001:db8:1::/64 interface s1\n  pool 2001:db8:1::10 2001:db8:1::1f\n"

SEEDS = {
    'minimal': BASE,
    'relayed-only': "subnet 2001:db8:9::/48\n  pd-pool 2001:db8:900::/40 48\n",
    'pool-of-one': "subnet 2001:db8:1::/64 interface s1\n  pool 2001:db8:1::5 2001:db8:1::5\n",
    'pd-128': "subnet 2001:db8:1::/64\n  pd-pool 2001:db8:1:0:ffff::/127 128\n",
    'whole-space': "subnet ::/0\n  pool ::1 ::ffff\n  pd-pool 2001:db8::/32 64\n",
    'host-route': "subnet 2001:db8::7/128\n  pool 2001:db8::7 2001:db8::7\n",
    'timers': "t1 0\nt2 0\npreferred-lifetime 0\nvalid-lifetime 4294967295\n" + BASE,
    'timers-bad': "t1 3000\nt2 2000\n" + BASE,
    'options': ("dns-servers 2001:db8::53 2001:db8::54 2001:db8::55\n"
                "domain-search a.example b.example. c\nrapid-commit no\nleasequery yes\n"
                "duid-enterprise 32473\nmax-leases 3\nmax-tcp-connections 0\n"
                "tcp-idle-timeout 1\ntcp-frame-timeout 3600\ntcp-evict-idle no\n"
                "udp-segmentation yes\nlease-file /nonexistent/x\nstate-file /nonexistent/y\n"
                + BASE),
    'two-subnets': (BASE + "subnet 2001:db8:2::/64 interface s2\n  pool 2001:db8:2::1 2001:db8:2::ff\n"
                    "  pd-pool 2001:db8:200::/48 56\n"),
    'overlap': BASE + "subnet 2001:db8:1:0:8000::/65\n  pool 2001:db8:1:0:8000::1 2001:db8:1:0:8000::2\n",
    'pd-overlap': ("subnet 2001:db8:1::/64\n  pd-pool 2001:db8:100::/40 56\n"
                   "subnet 2001:db8:2::/64\n  pd-pool 2001:db8:100::/48 64\n"),
    'comments': "# a comment\n\n   \t\ninterface s1 # trailing\r\n" + BASE,
    'many-ifaces': "interface " + " ".join("e%d" % i for i in range(15)) + "\n" + BASE,
    'errors-line3': "interface s1\nt1 100\nbogus directive\n" + BASE,
    'pool-outside': "subnet 2001:db8:1::/64\n  pool 2001:db8:2::1 2001:db8:2::2\n",
    'empty': "",
    'long-line': "domain-search " + "a" * 1100 + "\n" + BASE,
    'bad-domain': "domain-search " + "x" * 64 + ".example\n" + BASE,
}
SEEDS['many-subnets'] = "".join(
    "subnet 2001:db8:%x::/64\n  pool 2001:db8:%x::1 2001:db8:%x::2\n" % (i, i, i) for i in range(64))

os.makedirs(OUT, exist_ok=True)
with open(os.path.join(HERE, '..', 'dhcp6txn-server.conf.example')) as f:
    SEEDS['example'] = f.read()
for name, text in SEEDS.items():
    with open(os.path.join(OUT, name), 'w') as f:
        f.write(text)
