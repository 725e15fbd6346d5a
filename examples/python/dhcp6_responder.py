#!/usr/bin/python3
"""A small asyncio DHCPv6 responder on the dhcp6txn binding, its logic in handlers written
exactly as dhcpkit handlers are: subclasses of Handler with a handle(bundle) method, run by a
MessageHandler over each TransactionBundle. Ported from dhcpkit by changing `dhcpkit.` to
`dhcp6txn.` in the imports.

It answers Solicit (Advertise, or Reply with rapid commit when the client asks for it),
Request, Renew, Rebind and Information-request (Reply), relayed or not, with an address per
IA_NA and a prefix per IA_PD taken from fixed pools (derived from the client's DUID and IAID, so
answers are stable), and DNS servers / search list when the client asks for them (Option Request
option). The MessageHandler adds the identifiers, the relay-reply chain (Interface-ID and RFC
4994 echoed options) and a status for IAs no handler answered. Every reply goes back to the UDP
source of the request (the relay, or the client on port 546). It keeps no leases: a
demonstration, not a server.

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
import signal
import socket
import sys
from ipaddress import IPv6Address, IPv6Network
from typing import List, Optional, Tuple

from dhcp6txn.ipv6.duids import LinkLayerTimeDUID
from dhcp6txn.ipv6.extensions.dns import (OPTION_DNS_SERVERS, OPTION_DOMAIN_LIST,
                                          DomainSearchListOption, RecursiveNameServersOption)
from dhcp6txn.ipv6.extensions.prefix_delegation import IAPDOption, IAPrefixOption
from dhcp6txn.ipv6.messages import (ConfirmMessage, DeclineMessage, ReleaseMessage)
from dhcp6txn.ipv6.options import (ClientIdOption, IAAddressOption, IANAOption, OptionRequestOption,
                                   STATUS_SUCCESS, StatusCodeOption)
from dhcp6txn.ipv6.server.handlers import CannotRespondError, Handler
from dhcp6txn.ipv6.server.message_handler import MessageHandler
from dhcp6txn.ipv6.server.statistics import Statistics, StatisticsSet
from dhcp6txn.ipv6.server.transaction_bundle import TransactionBundle

T1, T2, PREFERRED, VALID = 1800, 2880, 3600, 7200
SERVER_DUID = LinkLayerTimeDUID(1, 775686731, bytes.fromhex('00163e5a7b01'))


def _pick(pool: IPv6Network, new_prefix: int, client: bytes, iaid: bytes) -> IPv6Address:
    """A stable member of 'pool' for this client's IA (no lease database in a demo)."""
    subnets = 2 ** (new_prefix - pool.prefixlen)
    n = int.from_bytes(hashlib.sha256(client + iaid).digest()[:8], 'big') % (subnets - 1) + 1
    return pool.network_address + (n << (128 - new_prefix))


def _client_duid(bundle: TransactionBundle) -> bytes:
    client_id = bundle.request.get_option_of_type(ClientIdOption)
    return client_id.duid.save() if client_id else b''


# ---- the handlers: what a dhcpkit user writes

class IgnoreLeaseChangesHandler(Handler):
    """Without a lease database there is nothing to confirm, release or decline."""

    def pre(self, bundle: TransactionBundle) -> None:
        if isinstance(bundle.request, (ConfirmMessage, ReleaseMessage, DeclineMessage)):
            raise CannotRespondError('no lease database')


class StableAddressHandler(Handler):
    """One address per IA_NA, the same every time for the same client and IAID."""

    def __init__(self, pool: IPv6Network) -> None:
        super().__init__()
        self.pool = pool

    def handle(self, bundle: TransactionBundle) -> None:
        duid = _client_duid(bundle)
        for option in bundle.get_unhandled_options(IANAOption):
            address = _pick(self.pool, 128, duid, option.iaid)
            bundle.response.options.append(IANAOption(option.iaid, T1, T2, options=[
                IAAddressOption(address, PREFERRED, VALID),
                StatusCodeOption(STATUS_SUCCESS, 'success')]))
            bundle.mark_handled(option)


class StablePrefixHandler(Handler):
    """One prefix of 'length' bits per IA_PD, stable per client and IAID."""

    def __init__(self, pool: IPv6Network, length: int) -> None:
        super().__init__()
        self.pool, self.length = pool, length

    def handle(self, bundle: TransactionBundle) -> None:
        duid = _client_duid(bundle)
        for option in bundle.get_unhandled_options(IAPDOption):
            prefix = IPv6Network((_pick(self.pool, self.length, duid, option.iaid), self.length))
            bundle.response.options.append(IAPDOption(option.iaid, T1, T2, options=[
                IAPrefixOption(prefix, PREFERRED, VALID)]))
            bundle.mark_handled(option)


class DNSHandler(Handler):
    """Recursive name servers and the search list, when the client asks for them."""

    def __init__(self, servers: List[IPv6Address], domains: List[str]) -> None:
        super().__init__()
        self.servers, self.domains = servers, domains

    def handle(self, bundle: TransactionBundle) -> None:
        oro = bundle.request.get_option_of_type(OptionRequestOption)
        wanted = oro.requested_options if oro else []
        if OPTION_DNS_SERVERS in wanted and self.servers:
            bundle.response.options.append(RecursiveNameServersOption(self.servers))
        if OPTION_DOMAIN_LIST in wanted and self.domains:
            bundle.response.options.append(DomainSearchListOption(self.domains))


# ---- serving them

def make_message_handler(args: argparse.Namespace) -> MessageHandler:
    return MessageHandler(SERVER_DUID, allow_rapid_commit=True, sub_handlers=[
        IgnoreLeaseChangesHandler(),
        StableAddressHandler(IPv6Network(args.address_pool)),
        StablePrefixHandler(IPv6Network(args.prefix_pool), args.prefix_length),
        DNSHandler([IPv6Address(a) for a in args.dns], args.domain),
    ])


class Responder(asyncio.DatagramProtocol):
    def __init__(self, handler: MessageHandler) -> None:
        self.handler = handler
        self.statistics = Statistics()
        self.transport: Optional[asyncio.DatagramTransport] = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # a datagram endpoint's

    def datagram_received(self, data: bytes, addr: Tuple[str, int]) -> None:
        try:
            bundle = TransactionBundle(data, received_over_multicast=False, allow_rapid_commit=True)
            self.handler.handle(bundle, StatisticsSet([self.statistics]))
            datagrams = list(bundle.outgoing_datagrams()) if bundle.response else []
        except ValueError as e:  # unparsable, or a handler's value refused
            print('dropped datagram from [%s]:%d: %s' % (addr[0], addr[1], e), flush=True)
            return
        if not datagrams or self.transport is None:
            return
        for out in datagrams:
            self.transport.sendto(out, addr)
        print('%s -> answered [%s]:%d' % (bundle, addr[0], addr[1]), flush=True)


async def main(args: argparse.Namespace) -> None:
    handler = make_message_handler(args)
    for h in handler.sub_handlers:
        h.worker_init()
    loop = asyncio.get_running_loop()
    sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.listen, args.port))
    transport, _ = await loop.create_datagram_endpoint(lambda: Responder(handler), sock=sock)
    stop = loop.create_future()

    def request_stop() -> None:
        if not stop.done():
            stop.set_result(None)
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, request_stop)
    host, port = sock.getsockname()[:2]
    print('listening on [%s]:%d' % (host, port), flush=True)
    try:
        await stop
    finally:
        transport.close()


def parse_args(argv: List[str]) -> argparse.Namespace:
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
