#!/usr/bin/python3
"""A small asyncio DHCPv6 responder on the dhcp6txn binding, written like dhcpkit handlers.

It answers Solicit (Advertise, or Reply with rapid commit when the client asks for it),
Request and Information-request (Reply), relayed or not, with an address per IA_NA and a prefix
per IA_PD taken from fixed pools (derived from the client's DUID and IAID, so answers are stable),
and DNS servers / search list when the client asks for them (Option Request option). Everything
else is ignored. Every reply goes back to the UDP source of the request (the relay, or the client
on port 546). It keeps no leases: a demonstration, not a server.

    dhcp6_responder.py [--listen ::] [--port 547] [--address-pool 2001:db8:1::/64]
                       [--prefix-pool 2001:db8:8000::/40] [--prefix-length 56]
                       [--dns 2001:db8::53 ...] [--domain example.com ...]

--port 0 picks a free port. On start it prints "listening on [ADDR]:PORT"; one line per answered
transaction follows. SIGTERM or SIGINT stops it (exit status 0).
SPDX-License-Identifier: BSD-2-Clause
"""
import argparse
import asyncio
import hashlib
import ipaddress
import signal
import socket
import sys

from dhcp6txn import Error
from dhcp6txn.ipv6.duids import LinkLayerTimeDUID
from dhcp6txn.ipv6.extensions.dns import DomainSearchListOption, RecursiveNameServersOption
from dhcp6txn.ipv6.extensions.prefix_delegation import IAPDOption, IAPrefixOption
from dhcp6txn.ipv6.messages import (AdvertiseMessage, InformationRequestMessage, ReplyMessage,
                                    RequestMessage, SolicitMessage)
from dhcp6txn.ipv6.options import (ClientIdOption, IAAddressOption, IANAOption, OptionRequestOption,
                                   STATUS_SUCCESS, RapidCommitOption, ServerIdOption,
                                   StatusCodeOption)
from dhcp6txn.ipv6.server.transaction_bundle import TransactionBundle

T1, T2, PREFERRED, VALID = 1800, 2880, 3600, 7200


class Config:
    def __init__(self, args):
        self.server_duid = LinkLayerTimeDUID(1, 775686731, bytes.fromhex('00163e5a7b01'))
        self.address_pool = ipaddress.IPv6Network(args.address_pool)
        self.prefix_pool = ipaddress.IPv6Network(args.prefix_pool)
        self.prefix_length = args.prefix_length
        self.dns = [ipaddress.IPv6Address(a) for a in args.dns]
        self.domains = args.domain


def _pick(pool, new_prefix, client, iaid):
    """A stable member of 'pool' for this client's IA (no lease database in a demo)."""
    subnets = 2 ** (new_prefix - pool.prefixlen)
    n = int.from_bytes(hashlib.sha256(client + iaid).digest()[:8], 'big') % (subnets - 1) + 1
    return pool.network_address + (n << (128 - new_prefix))


# ---- handlers, in the style of dhcpkit's: each looks at the bundle and adds to the response

def answer_type(bundle, cfg):
    req = bundle.request
    if isinstance(req, SolicitMessage):
        if bundle.allow_rapid_commit and req.get_option_of_type(RapidCommitOption):
            bundle.response = ReplyMessage(req.transaction_id, options=[RapidCommitOption()])
        else:
            bundle.response = AdvertiseMessage(req.transaction_id)
    elif isinstance(req, (RequestMessage, InformationRequestMessage)):
        bundle.response = ReplyMessage(req.transaction_id)


def identifiers(bundle, cfg):
    client_id = bundle.request.get_option_of_type(ClientIdOption)
    if client_id:
        bundle.response.options.append(client_id)
    bundle.response.options.append(ServerIdOption(cfg.server_duid))


def addresses(bundle, cfg):
    client = bundle.request.get_option_of_type(ClientIdOption)
    duid = client.duid.save() if client else b''
    for ia in bundle.get_unhandled_options(IANAOption):
        addr = _pick(cfg.address_pool, 128, duid, ia.iaid)
        bundle.response.options.append(IANAOption(ia.iaid, T1, T2, options=[
            IAAddressOption(addr, PREFERRED, VALID), StatusCodeOption(STATUS_SUCCESS, 'success')]))
        bundle.mark_handled(ia)
    for ia in bundle.get_unhandled_options(IAPDOption):
        prefix = _pick(cfg.prefix_pool, cfg.prefix_length, duid, ia.iaid)
        bundle.response.options.append(IAPDOption(ia.iaid, T1, T2, options=[
            IAPrefixOption(ipaddress.IPv6Network((prefix, cfg.prefix_length)), PREFERRED, VALID)]))
        bundle.mark_handled(ia)


def dns(bundle, cfg):
    oro = bundle.request.get_option_of_type(OptionRequestOption)
    wanted = oro.requested_options if oro else []
    if 23 in wanted and cfg.dns:
        bundle.response.options.append(RecursiveNameServersOption(cfg.dns))
    if 24 in wanted and cfg.domains:
        bundle.response.options.append(DomainSearchListOption(cfg.domains))


def handle(data, cfg):
    """Bytes in, (log line, [bytes out]) or None when there is nothing to send."""
    bundle = TransactionBundle(data, received_over_multicast=False, allow_rapid_commit=True)
    if bundle.request is None:
        return None
    answer_type(bundle, cfg)
    if bundle.response is None:
        return None
    identifiers(bundle, cfg)
    if not isinstance(bundle.request, InformationRequestMessage):
        addresses(bundle, cfg)
    dns(bundle, cfg)
    return str(bundle), list(bundle.outgoing_datagrams())


class Responder(asyncio.DatagramProtocol):
    def __init__(self, cfg):
        self.cfg = cfg
        self.transport = None

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        try:
            result = handle(data, self.cfg)
        except (Error, ValueError) as e:
            print('dropped datagram from [%s]:%d: %s' % (addr[0], addr[1], e), flush=True)
            return
        if result is None:
            return
        line, datagrams = result
        for out in datagrams:
            self.transport.sendto(out, addr)
        print('%s -> answered [%s]:%d' % (line, addr[0], addr[1]), flush=True)


async def main(args):
    cfg = Config(args)
    loop = asyncio.get_running_loop()
    sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.listen, args.port))
    transport, _ = await loop.create_datagram_endpoint(lambda: Responder(cfg), sock=sock)
    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    host, port = sock.getsockname()[:2]
    print('listening on [%s]:%d' % (host, port), flush=True)
    try:
        await stop
    finally:
        transport.close()


def parse_args(argv):
    p = argparse.ArgumentParser(description='Small DHCPv6 responder on libdhcp6txn (demo).')
    p.add_argument('--listen', default='::')
    p.add_argument('--port', type=int, default=547)
    p.add_argument('--address-pool', default='2001:db8:1::/64')
    p.add_argument('--prefix-pool', default='2001:db8:8000::/40')
    p.add_argument('--prefix-length', type=int, default=56)
    p.add_argument('--dns', nargs='*', default=['2001:db8::53', '2001:db8::5353'])
    p.add_argument('--domain', nargs='*', default=['example.com.'])
    return p.parse_args(argv)


if __name__ == '__main__':
    asyncio.run(main(parse_args(sys.argv[1:])))
