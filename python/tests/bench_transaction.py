#!/usr/bin/python3
"""The C benchmark's full transaction from Python: parse the 2-hop relayed Solicit (w1), bundle,
Reply with IA_NA, IA_PD, DNS (as w3), relay-reply chain, bytes (w3r). Prints microseconds per
transaction (median of batches); a test checks the output bytes equal w3r.

    bench_transaction.py [--data DIR] [--seconds S]
Registered as the meson benchmark 'python-transaction'.
SPDX-License-Identifier: BSD-2-Clause
"""
import argparse
import pathlib
import statistics
import sys
import time
from ipaddress import IPv6Address, IPv6Network

from dhcp6txn.ipv6.duids import LinkLayerTimeDUID
from dhcp6txn.ipv6.extensions.dns import DomainSearchListOption, RecursiveNameServersOption
from dhcp6txn.ipv6.extensions.prefix_delegation import IAPDOption, IAPrefixOption
from dhcp6txn.ipv6.messages import Message, ReplyMessage
from dhcp6txn.ipv6.options import (ClientIdOption, IAAddressOption, IANAOption, RapidCommitOption,
                                   ServerIdOption, StatusCodeOption)
from dhcp6txn.ipv6.server.transaction_bundle import TransactionBundle

SERVER_DUID = LinkLayerTimeDUID(1, 775686731, bytes.fromhex('00163e5a7b01'))
ADDRESS = IPv6Address('2001:db8:1::1234')
PREFIX = IPv6Network('2001:db8:8000::/48')
DNS = [IPv6Address('2001:db8::53'), IPv6Address('2001:db8::5353')]
DOMAINS = ['example.com.']


def transaction(data):
    """Bytes of the relayed Solicit in, bytes of the relay-reply out (dhcpkit-style handlers)."""
    bundle = TransactionBundle(data, received_over_multicast=False, allow_rapid_commit=True)
    request = bundle.request
    reply = ReplyMessage(request.transaction_id, options=[
        request.get_option_of_type(ClientIdOption), ServerIdOption(SERVER_DUID)])
    for ia in bundle.get_unhandled_options(IANAOption):
        reply.options.append(IANAOption(ia.iaid, 1800, 2880, options=[
            IAAddressOption(ADDRESS, 3600, 7200), StatusCodeOption(0, 'success')]))
        bundle.mark_handled(ia)
    reply.options.append(RapidCommitOption())
    reply.options.append(RecursiveNameServersOption(DNS))
    reply.options.append(DomainSearchListOption(DOMAINS))
    for ia in bundle.get_unhandled_options(IAPDOption):
        reply.options.append(IAPDOption(ia.iaid, 1800, 2880, options=[
            IAPrefixOption(PREFIX, 3600, 7200)]))
        bundle.mark_handled(ia)
    bundle.response = reply
    return bundle.outgoing_message.save()


def _read(path):
    return bytes.fromhex(''.join(path.read_text().split()))


def _per_call_us(fn, arg, seconds):
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < 0.05:
        fn(arg)
        n += 1
    batch = max(1, n)
    times, end = [], time.perf_counter() + seconds
    while time.perf_counter() < end or len(times) < 5:
        t = time.perf_counter()
        for _ in range(batch):
            fn(arg)
        times.append((time.perf_counter() - t) / batch * 1e6)
    return statistics.median(times), len(times) * batch


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--data', default=str(pathlib.Path(__file__).parent / 'data'))
    p.add_argument('--seconds', type=float, default=3.0)
    args = p.parse_args()
    data = pathlib.Path(args.data)
    w1, w3r = _read(data / 'w1.hex'), _read(data / 'w3r.hex')
    if transaction(w1) != w3r:
        print('transaction output differs from w3r', file=sys.stderr)
        return 1
    full, n = _per_call_us(transaction, w1, args.seconds)
    parse, _ = _per_call_us(lambda b: Message.parse(b), w1, args.seconds / 3)
    roundtrip, _ = _per_call_us(lambda b: Message.parse(b)[1].save(), w1, args.seconds / 3)
    print('dhcp6txn Python binding, median of batches (%d transactions)' % n)
    print('  full transaction (w1 -> bundle -> Reply IA_NA+IA_PD+DNS -> relay chain -> bytes): %.1f us' % full)
    print('  Message.parse(w1): %.1f us;  parse + save: %.1f us' % (parse, roundtrip))
    print('  (reference: dhcpkit ~256 us for the full transaction on this kind of machine)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
