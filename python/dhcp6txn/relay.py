"""A DHCPv6 relay agent over the C relay API (relay.h): RelayAgent.forward() wraps what a client
(or a downstream relay) sent into a Relay-forward with the options configured for the receiving
interface; RelayAgent.reply() says where the message inside a Relay-reply goes and which leases
it carries. dhcpkit has no relay agent, so the names here are the C API's.

    agent = RelayAgent(source_port=547)
    agent.add_interface(2, link_address='2001:db8:1::1', interface_id=b'eth2',
                        remote_id=(9, b'port-7'), client_link_layer_address=True)
    fwd = agent.forward(datagram, iface=2, source_address=src, source_port=546, mac=mac)
    sock.sendto(bytes(fwd), (server, 547))
    d = agent.reply(datagram_from_server)
    send_on(d.iface, d.data, d.destination, d.port); [install_route(l) for l in d.leases]

Every drop raises RelayDropped (an Error and a ValueError) with the C status name, the byte offset
in the datagram and the reason.
SPDX-License-Identifier: BSD-2-Clause
"""
from collections import namedtuple
from typing import Any, List
from ipaddress import IPv6Address, IPv6Network

from ._elements import Option, _new_arena, wrap_msg
from ._lib import Error, ffi, lib

__all__ = ['RelayAgent', 'RelayDelivery', 'RelayDropped', 'RelayLease']


class RelayDropped(Error, ValueError):
    """A datagram the relay does not pass on: `status_name` says why in one word
    (D6T_ERR_RELAY_DEPTH, D6T_ERR_WRONG_KIND, D6T_ERR_NOT_FOUND, a parse error, ...), `reason` in
    a sentence, `offset` where in the datagram."""


def _dropped(err):
    reason = ffi.string(err.reason).decode() if err.reason != ffi.NULL else None
    return RelayDropped(err.status, reason, err.offset)


class RelayLease(namedtuple('RelayLease', 'ia_type iaid address prefix_length preferred_lifetime '
                                          'valid_lifetime')):
    """An address of an IA_NA (ia_type 'IA_NA', prefix_length 128) or a delegated prefix of an
    IA_PD ('IA_PD') in a Reply. iaid is the IAID's 4 bytes; a valid_lifetime of 0 means the
    lease is gone."""
    __slots__ = ()

    @property
    def prefix(self):
        return IPv6Network((self.address, self.prefix_length))


class _RelayHandle:
    """Owns the C relay; every result arena holds it (a Relay-forward shares the interface's
    option bytes with the relay's arena)."""
    __slots__ = ('ptr', '__weakref__')

    def __init__(self, ptr):
        self.ptr = ptr

    def __del__(self):
        lib.d6t_relay_free(self.ptr)
        self.ptr = None


def _bytes_or_null(data, keep):
    if data is None:
        return ffi.NULL, 0
    buf = ffi.new('uint8_t[]', bytes(data))
    keep.append(buf)
    return buf, len(data)


class RelayDelivery:
    """Where the message inside a Relay-reply goes: iface (the handle given to add_interface),
    destination (IPv6Address) and port, the message (a Message, and data: its bytes as the
    server sent them), the relay_reply itself, and leases (RelayLease, in message order)."""

    def __init__(self, ptr, arena):
        self._arena = arena
        addr, port, n = ffi.new('uint8_t[16]'), ffi.new('uint16_t *'), ffi.new('size_t *')
        lib.d6t_relay_delivery_destination(ptr, addr, port)
        self.iface = lib.d6t_relay_delivery_iface(ptr)
        self.destination = IPv6Address(bytes(addr))
        self.port = port[0]
        data = lib.d6t_relay_delivery_bytes(ptr, n)
        self.data = bytes(ffi.buffer(data, n[0]))
        self.message = wrap_msg(lib.d6t_relay_delivery_message(ptr), arena)
        self.relay_reply = wrap_msg(lib.d6t_relay_delivery_relay_reply(ptr), arena)
        lease = ffi.new('d6t_relay_lease *')
        self.leases = []
        for i in range(lib.d6t_relay_delivery_lease_count(ptr)):
            lease.size = ffi.sizeof('d6t_relay_lease')
            lib.d6t_relay_delivery_lease(ptr, i, lease)
            self.leases.append(RelayLease('IA_PD' if lease.ia_type == lib.D6T_OPT_IA_PD else 'IA_NA',
                                          lease.iaid.to_bytes(4, 'big'),
                                          IPv6Address(bytes(lease.addr)), lease.prefix_len,
                                          lease.preferred, lease.valid))

    def __repr__(self):
        return 'RelayDelivery(iface=%d, destination=%s, port=%d, %d bytes, %d leases)' % (
            self.iface, self.destination, self.port, len(self.data), len(self.leases))


class RelayAgent:
    """A relay agent's configuration (RFC 9915 section 19, RFC 6221 LDRA): relay_id (this relay's
    DUID as bytes, RFC 5460), source_port (not 547: every Relay-forward carries the RFC 8357
    Relay Source Port option), hop_count_limit (0: 8). Interfaces come with add_interface()."""

    def __init__(self, relay_id=None, source_port=547, hop_count_limit=0):
        keep: List[Any] = []  # cffi buffers that must live until the call returns
        opts = ffi.new('d6t_relay_opts *')
        opts.size = ffi.sizeof('d6t_relay_opts')
        opts.relay_id, opts.relay_id_len = _bytes_or_null(relay_id, keep)
        opts.source_port = source_port
        opts.hop_count_limit = hop_count_limit
        out = ffi.new('d6t_relay **')
        st = lib.d6t_relay_new(ffi.NULL, opts, out)
        if st != lib.D6T_OK:
            raise Error(st, what='relay configuration')
        self._h = _RelayHandle(out[0])
        self.source_port = source_port

    def add_interface(self, iface, link_address=None, interface_id=None, remote_id=None,
                      subscriber_id=None, client_link_layer_address=False, ldra=False,
                      trusted=False, echo_request=(), relay_supplied_options=None):
        """Add client-facing interface 'iface' (an int handle of yours, e.g. its ifindex).
        link_address: a global or ULA address of the link (None: unspecified, then interface_id
        is needed); interface_id, subscriber_id: bytes; remote_id: (enterprise number, bytes);
        echo_request: option codes; relay_supplied_options: Option objects or their wire bytes
        (RFC 6422). Raises Error with the reason when RFC 9915 or RFC 6221 forbid the setting."""
        keep: List[Any] = []  # cffi buffers that must live until the call returns
        io = ffi.new('d6t_relay_iface_opts *')
        io.size = ffi.sizeof('d6t_relay_iface_opts')
        io.iface = iface
        io.flags = ((lib.D6T_RELAY_IFACE_CLIENT_LLADDR if client_link_layer_address else 0) |
                    (lib.D6T_RELAY_IFACE_LDRA if ldra else 0) |
                    (lib.D6T_RELAY_IFACE_TRUSTED if trusted else 0))
        if link_address is not None:
            io.link_address, _ = _bytes_or_null(IPv6Address(link_address).packed, keep)
        io.interface_id, io.interface_id_len = _bytes_or_null(interface_id, keep)
        if remote_id is not None:
            io.remote_id_enterprise = remote_id[0]
            io.remote_id, io.remote_id_len = _bytes_or_null(remote_id[1], keep)
        io.subscriber_id, io.subscriber_id_len = _bytes_or_null(subscriber_id, keep)
        codes = list(echo_request)
        if codes:
            keep.append(ffi.new('uint16_t[]', codes))
            io.echo_request, io.echo_request_count = keep[-1], len(codes)
        if relay_supplied_options is not None:
            rsoo = relay_supplied_options
            if not isinstance(rsoo, (bytes, bytearray)):
                rsoo = b''.join(bytes(o) if isinstance(o, Option) else bytes(o) for o in rsoo)
            io.rsoo, io.rsoo_len = _bytes_or_null(rsoo, keep)
        err = ffi.new('d6t_parse_error *')
        st = lib.d6t_relay_add_iface(self._h.ptr, io, err)
        if st != lib.D6T_OK:
            reason = ffi.string(err.reason).decode() if err.reason != ffi.NULL else None
            raise Error(st, reason, what='interface %d' % iface)

    def __len__(self):
        return lib.d6t_relay_iface_count(self._h.ptr)

    def forward(self, data, iface, source_address, source_port=546, mac=None, hardware_type=1):
        """The Relay-forward (a RelayForwardMessage; bytes() gives the datagram) for 'data'
        received on 'iface' from source_address/source_port; mac: the client's link-layer
        address when known (bytes). Raises RelayDropped."""
        keep: List[Any] = []  # cffi buffers that must live until the call returns
        data = bytes(data)
        rx = ffi.new('d6t_relay_rx *')
        rx.size = ffi.sizeof('d6t_relay_rx')
        rx.iface = iface
        rx.src_addr, _ = _bytes_or_null(IPv6Address(source_address).packed, keep)
        rx.src_port = source_port
        rx.lladdr_type = hardware_type
        rx.lladdr, rx.lladdr_len = _bytes_or_null(mac, keep)
        arena = _new_arena(0)
        arena.hold(self._h)
        out, err = ffi.new('d6t_msg **'), ffi.new('d6t_parse_error *')
        st = lib.d6t_relay_forward(self._h.ptr, arena.ptr, rx, data, len(data), out, err)
        if st != lib.D6T_OK:
            raise _dropped(err)
        return wrap_msg(out[0], arena)

    def reply(self, data):
        """Where the message inside Relay-reply 'data' goes (a RelayDelivery). Raises
        RelayDropped for one that is malformed or not for one of our interfaces."""
        data = bytes(data)
        arena = _new_arena(0)
        out, err = ffi.new('d6t_relay_delivery **'), ffi.new('d6t_parse_error *')
        st = lib.d6t_relay_reply(self._h.ptr, arena.ptr, data, len(data), out, err)
        if st != lib.D6T_OK:
            raise _dropped(err)
        return RelayDelivery(out[0], arena)
