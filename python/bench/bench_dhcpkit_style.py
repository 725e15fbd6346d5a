#!/usr/bin/python3
"""One dhcpkit-style server script, timed on dhcpkit itself and on the dhcp6txn binding in the
same run: the code below is written for dhcpkit and only its package name changes.

    PYTHONPATH=python:../shared/dhcpkit bench_dhcpkit_style.py [--data DIR] [--seconds S]

(from a source tree, DHCP6TXN_EXTENSION_DIR=build/python gives the package its compiled modules,
as `meson test --benchmark python-dhcpkit-style` does; without them the pure-Python fallback is
what is timed)

Rows: parse the 2-hop relayed Solicit (w1); build the Reply from option objects; the same plus
the relay-reply chain and the outgoing bytes; a TransactionBundle from a parsed message; the full
transaction (parse, bundle, handlers, bytes). µs per operation, medians of batches of ~20 ms; the
packages take turns batch by batch and the ratio is the median of the ratios of batches run one
right after the other, so that the machine's changing speed weighs on both alike (timed one
package after the other, the build row's ratio moved between 1.9x and 3.9x from run to run).
Both packages must produce the same bytes (checked; exit 1 otherwise). Without dhcpkit on the
path only the binding is timed.
SPDX-License-Identifier: BSD-2-Clause
"""
import argparse
import importlib
import pathlib
import statistics
import sys
import time
import types
from ipaddress import IPv6Address, IPv6Network

ADDRESS = IPv6Address('2001:db8:1::1234')
PREFIX = IPv6Network('2001:db8:8000::/48')
DNS = [IPv6Address('2001:db8::53'), IPv6Address('2001:db8::5353')]
DOMAINS = ['example.com']


def load(package):
    """The dhcpkit names a handler imports, from 'dhcpkit' or 'dhcp6txn'."""
    ns = types.SimpleNamespace()
    for module, names in [
            ('ipv6.messages', 'Message ReplyMessage RelayReplyMessage'),
            ('ipv6.options', 'ClientIdOption ServerIdOption IANAOption IAAddressOption '
                             'StatusCodeOption RapidCommitOption InterfaceIdOption'),
            ('ipv6.extensions.prefix_delegation', 'IAPDOption IAPrefixOption'),
            ('ipv6.extensions.dns', 'RecursiveNameServersOption DomainSearchListOption'),
            ('ipv6.duids', 'LinkLayerTimeDUID'),
            ('ipv6.server.transaction_bundle', 'TransactionBundle')]:
        mod = importlib.import_module('%s.%s' % (package, module))
        for name in names.split():
            setattr(ns, name, getattr(mod, name))
    ns.server_duid = ns.LinkLayerTimeDUID(1, 775686731, bytes.fromhex('00163e5a7b01'))
    return ns


# ---- the dhcpkit-style code under test (the same for both packages)

def parse(k, data):
    return k.Message.parse(data)[1]


def build_reply(k, request):
    return k.ReplyMessage(request.transaction_id, options=[
        request.get_option_of_type(k.ClientIdOption),
        k.ServerIdOption(k.server_duid),
        k.IANAOption(b'\xc4\x3c\xb2\xf1', 1800, 2880, options=[
            k.IAAddressOption(ADDRESS, 3600, 7200), k.StatusCodeOption(0, 'success')]),
        k.RapidCommitOption(),
        k.RecursiveNameServersOption(DNS),
        k.DomainSearchListOption(DOMAINS),
        k.IAPDOption(b'\xc4\x3c\xb2\xf1', 1800, 2880, options=[
            k.IAPrefixOption(PREFIX, 3600, 7200)]),
    ])


def copy_interface_ids(k, bundle):
    """What dhcpkit's InterfaceIdOptionHandler does for each relay level."""
    for relay_in, relay_out in zip(bundle.incoming_relay_messages, bundle.outgoing_relay_messages):
        interface_id = relay_in.get_option_of_type(k.InterfaceIdOption)
        if interface_id is not None and relay_out.get_option_of_type(k.InterfaceIdOption) is None:
            relay_out.options.insert(0, interface_id)


def reply_with_relays(k, incoming):
    """Build the Reply, wrap it in the relay-reply chain, bytes."""
    bundle = k.TransactionBundle(incoming, received_over_multicast=False, allow_rapid_commit=True)
    bundle.response = build_reply(k, bundle.request)
    bundle.create_outgoing_relay_messages()
    copy_interface_ids(k, bundle)
    return bundle.outgoing_message.save()


def full_transaction(k, data):
    incoming = k.Message.parse(data)[1]
    bundle = k.TransactionBundle(incoming, received_over_multicast=False, allow_rapid_commit=True)
    request = bundle.request
    reply = k.ReplyMessage(request.transaction_id, options=[
        request.get_option_of_type(k.ClientIdOption), k.ServerIdOption(k.server_duid)])
    for ia in bundle.get_unhandled_options(k.IANAOption):
        reply.options.append(k.IANAOption(ia.iaid, 1800, 2880, options=[
            k.IAAddressOption(ADDRESS, 3600, 7200), k.StatusCodeOption(0, 'success')]))
        bundle.mark_handled(ia)
    reply.options.append(k.RapidCommitOption())
    reply.options.append(k.RecursiveNameServersOption(DNS))
    reply.options.append(k.DomainSearchListOption(DOMAINS))
    for ia in bundle.get_unhandled_options(k.IAPDOption):
        reply.options.append(k.IAPDOption(ia.iaid, 1800, 2880, options=[
            k.IAPrefixOption(PREFIX, 3600, 7200)]))
        bundle.mark_handled(ia)
    bundle.response = reply
    bundle.create_outgoing_relay_messages()
    copy_interface_ids(k, bundle)
    return bundle.outgoing_message.save()


ROWS = [
    ('parse relayed Solicit', lambda k, w1, msg: parse(k, w1)),
    ('build the Reply from option objects', lambda k, w1, msg: build_reply(k, msg.inner_message)),
    ('the same + relay chain + outgoing bytes', lambda k, w1, msg: reply_with_relays(k, msg)),
    ('TransactionBundle from a parsed message',
     lambda k, w1, msg: k.TransactionBundle(msg, received_over_multicast=False)),
    ('full transaction', lambda k, w1, msg: full_transaction(k, w1)),
]


def batch_size(fn):
    """Calls that take about 20 ms."""
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < 0.02:
        fn()
        n += 1
    return max(1, n)


def interleaved_us(fns, seconds):
    """µs per call of each of fns (medians of batches) and, with two, the median of the ratios
    of batches run one right after the other: the packages take turns, batch by batch, so that
    the machine's changing speed (other load, frequency) weighs on both alike."""
    sizes = [batch_size(fn) for fn in fns]
    times = [[] for _ in fns]
    end = time.perf_counter() + seconds * len(fns)
    while time.perf_counter() < end or len(times[0]) < 5:
        for fn, n, out in zip(fns, sizes, times):
            t = time.perf_counter()
            for _ in range(n):
                fn()
            out.append((time.perf_counter() - t) / n * 1e6)
    ratio = (statistics.median(a / b for a, b in zip(times[0], times[1]))
             if len(fns) == 2 else None)
    return [statistics.median(t) for t in times], ratio


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--data', default=str(pathlib.Path(__file__).resolve().parents[1] / 'tests' / 'data'))
    p.add_argument('--seconds', type=float, default=1.0, help='per row and package')
    p.add_argument('--repeat', nargs=3, metavar=('PACKAGE', 'ROW', 'N'),
                   help='no timing: row ROW (0-4) of PACKAGE N times after 20 warm-up calls '
                        '(for counting instructions: see instructions.py)')
    args = p.parse_args()
    w1 = bytes.fromhex(''.join((pathlib.Path(args.data) / 'w1.hex').read_text().split()))
    if args.repeat:
        k = load(args.repeat[0])
        fn, msg = ROWS[int(args.repeat[1])][1], parse(k, w1)
        for _ in range(20 + int(args.repeat[2])):
            fn(k, w1, msg)
        return 0
    kits = {}
    for package in ('dhcpkit', 'dhcp6txn'):
        try:
            kits[package] = load(package)
        except ImportError as e:
            print('%s not available (%s): not timed' % (package, e))
    outputs = {name: bytes(full_transaction(k, w1)) for name, k in kits.items()}
    outputs.update({name + ' (reply_with_relays)': bytes(reply_with_relays(k, parse(k, w1)))
                    for name, k in kits.items()})
    if len(set(outputs.values())) != 1:
        for name, out in outputs.items():
            print('%-30s %s' % (name, out.hex()), file=sys.stderr)
        print('the packages produce different bytes', file=sys.stderr)
        return 1
    print('µs per operation, median of batches taken in turns; ratio: median of the pairs\' '
          'ratios; same bytes out of every package (%d bytes)'
          % len(next(iter(outputs.values()))))
    print('| | %s | ratio |' % ' | '.join(kits))
    print('|---|%s--:|' % ('--:|' * len(kits)))
    for label, fn in ROWS:
        fns = []
        for name, k in kits.items():
            msg = parse(k, w1)
            fns.append(lambda fn=fn, k=k, msg=msg: fn(k, w1, msg))
        times, ratio = interleaved_us(fns, args.seconds)
        print('| %s | %s | %s |' % (label, ' | '.join('%.1f' % t for t in times),
                                    '%.1fx' % ratio if ratio is not None else ''), flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
