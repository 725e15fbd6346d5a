"""TransactionBundle and MessagesList with dhcpkit's names, over the C bundle (bundle.h).

The incoming side (relay chain split, link address, relays, marks, handled options, rapid commit
and unicast policy, the log line) is the C bundle's. Responses are a MessagesList as in dhcpkit,
with a lazy iterator for the messages after the first; the relay-reply chain is built by the C
bundle, which echoes Interface-ID, RFC 4994 Echo Request options and RFC 8357 Relay Source Port.
SPDX-License-Identifier: BSD-2-Clause
"""
import logging
import threading
from typing import TYPE_CHECKING, Any, Dict, Iterable, Iterator, List, Optional, Tuple, Union
from collections.abc import MutableSet
from ipaddress import IPv6Address

from ._elements import (_OPTION_BY_DEF, _TABLE_CODE, _addr, _views, Message, UnknownMessage, _new_arena,
                        materialize_in, new_msg_wrapper, wrap_msg)
from ._lib import Error, check, ffi, lib, parse_error

logger = logging.getLogger(__name__)


_NO_MORE: Iterator[Any] = iter(())


class MessagesList:
    """The first response plus a lazy iterator of the following ones (bulk leasequery answers
    never sit in memory at once). Index 0 can be read and replaced; bool() says whether there
    is a first message."""

    def __init__(self, first_message: Optional[Message] = None,
                 subsequent_messages: Optional[Iterator[Message]] = None) -> None:
        self.first_message = first_message
        # (an exhausted iterator stays exhausted: one shared empty one will do)
        self.subsequent_messages: Iterator[Message] = subsequent_messages or _NO_MORE

    def __iter__(self):
        if not self.first_message:
            return
        yield self.first_message
        yield from self.subsequent_messages

    def __getitem__(self, index):
        if index != 0:
            raise IndexError('MessagesList only supports directly accessing the first message')
        if not self.first_message:
            raise IndexError('MessagesList is empty')
        return self.first_message

    def __setitem__(self, index, message):
        if index != 0:
            raise IndexError('MessagesList only supports directly accessing the first message')
        self.first_message = message

    def __bool__(self):
        return bool(self.first_message)


class _Marks(MutableSet):
    """bundle.marks: a set of strings kept by the C bundle, in insertion order."""
    __slots__ = ('_b',)

    def __init__(self, bundle):
        self._b = bundle

    def __contains__(self, mark):
        return isinstance(mark, str) and bool(lib.d6t_bundle_has_mark(self._b._b, mark.strip().encode()))

    def __iter__(self):
        b = self._b._b
        return iter([ffi.string(lib.d6t_bundle_mark(b, i)).decode()
                     for i in range(lib.d6t_bundle_mark_count(b))])

    def __len__(self):
        return lib.d6t_bundle_mark_count(self._b._b)

    def add(self, mark):
        self._b.add_mark(mark)

    def discard(self, mark):
        if isinstance(mark, str):
            lib.d6t_bundle_remove_mark(self._b._b, mark.encode())

    def __repr__(self):
        return repr(set(self))


class _HandledOptions(list):
    """bundle.handled_options: a snapshot list; append() marks the option handled."""

    def __init__(self, values, bundle):
        super().__init__(values)
        self._bundle = bundle

    def append(self, option):
        self._bundle.mark_handled(option)
        if option not in self:
            super().append(option)


_tls = threading.local()


_MULTICAST, _TCP, _RAPID_COMMIT = (lib.D6T_BUNDLE_MULTICAST, lib.D6T_BUNDLE_TCP,
                                   lib.D6T_BUNDLE_RAPID_COMMIT)


def _out_bundle():
    """The d6t_bundle * the creation calls fill in, one per thread (ffi.new costs more than
    the rest of a small call)."""
    out = getattr(_tls, 'out', None)
    if out is None:
        out = _tls.out = ffi.new('d6t_bundle **')
    return out


def _bundle_opts(marks, tcp_peer):
    """A d6t_bundle_opts for the creation calls, plus the cdata it points to (keep both alive
    until the call returns)."""
    encoded = [ffi.new('char[]', str(m).encode()) for m in marks]
    opts = ffi.new('d6t_bundle_opts *')
    opts.size = ffi.sizeof('d6t_bundle_opts')
    keep = [encoded]
    if encoded:
        keep.append(ffi.new('const char *[]', encoded))
        opts.marks, opts.nmarks = keep[-1], len(encoded)
    if tcp_peer is not None:
        keep.append(ffi.new('uint8_t[16]', IPv6Address(tcp_peer).packed))
        opts.tcp_peer = keep[-1]
    return opts, keep


_OK = lib.D6T_OK
if _views is not None:  # without making the option's cffi pointer
    _handled = _views.is_handled
else:
    def _handled(b, option):
        return bool(lib.d6t_bundle_is_handled(b, option._ptr))


class _BundleInPython:
    """What _views.Bundle (_bundle.c) does in C, for when it is not built (so nothing here uses
    _views): the creation, the incoming wrappers, the responses, handled options and the
    relay-reply chain. The cases off the common path are TransactionBundle's methods, shared by
    both."""

    # made on first use (_wrap_incoming; no __getattr__: a class with one has every attribute
    # read take the interpreter's slow path)
    _incoming: Any
    _request: Any
    _relays_in: List[Any]

    def __init__(self, incoming_message: Union[Message, bytes], received_over_multicast: bool,
                 received_over_tcp: bool = False, allow_rapid_commit: bool = False,
                 marks: Optional[Iterable[str]] = None, tcp_peer: Any = None) -> None:
        arena = _new_arena(0)
        flags = ((_MULTICAST if received_over_multicast else 0) |
                 (_TCP if received_over_tcp else 0) |
                 (_RAPID_COMMIT if allow_rapid_commit else 0))
        b, _ = TransactionBundle._make(arena, incoming_message, flags, marks, tcp_peer)
        self._arena, self._b = arena, b
        self._responses: Optional[MessagesList] = None  # an empty MessagesList, made when asked for
        self._outgoing: Optional[List[Any]] = None
        self._extra_handled: List[Any] = []
        self.handler_data: Dict[Any, Any] = {}
        if lib.d6t_bundle_request(b) == ffi.NULL:
            self._no_request()  # type: ignore[attr-defined]

    def _wrap_incoming(self):
        # held here so that they, and the option wrappers they hand out, stay the same objects
        b, arena = self._b, self._arena
        self._incoming = wrap_msg(lib.d6t_bundle_incoming(b), arena)
        self._request = wrap_msg(lib.d6t_bundle_request(b), arena)
        self._relays_in = [wrap_msg(lib.d6t_bundle_incoming_relay(b, i), arena)
                           for i in range(lib.d6t_bundle_incoming_relay_count(b))]

    # ---- the incoming side
    # (the incoming wrappers are made on first use, by whichever of these is read first)
    @property
    def incoming_message(self) -> Any:
        d = self.__dict__
        if '_incoming' not in d:
            self._wrap_incoming()
        return d['_incoming']

    @property
    def request(self) -> Any:
        d = self.__dict__
        if '_request' not in d:
            self._wrap_incoming()
        return d['_request']

    def _has_relays(self) -> bool:
        d = self.__dict__
        if '_relays_in' in d:
            return bool(d['_relays_in'])
        return lib.d6t_bundle_incoming_relay_count(self._b) > 0

    @property
    def incoming_relay_messages(self) -> List[Any]:
        d = self.__dict__
        if '_relays_in' not in d:
            self._wrap_incoming()
        return list(d['_relays_in'])

    # ---- handled options
    def mark_handled(self, option: Any) -> None:
        st = lib.d6t_bundle_mark_handled(self._b, option._ptr)
        if st != _OK:
            self._mark_handled_slow(option, st)  # type: ignore[attr-defined]

    def get_unhandled_options(self, option_types: Any) -> List[Any]:
        req = self.request
        if req is None:
            return []
        if req._kids is None:
            # none of the request's options was wrapped but the ones found by type (so none was
            # added or removed): for a class of the library's table, C lists the unhandled ones
            found = self._unhandled_of_code(req, option_types)
            if found is not None:
                return found
        return self._unhandled_slow(req, option_types)  # type: ignore[attr-defined]

    def _unhandled_of_code(self, req, klass):
        code = _TABLE_CODE.get(klass)
        if code is None:
            return None
        b, ptrs = self._b, []
        p = lib.d6t_bundle_first_unhandled(b, code)
        while p != ffi.NULL:
            if _OPTION_BY_DEF.get(lib.d6t_optdef_of(p)) is not klass:
                return None
            ptrs.append(p)
            p = lib.d6t_bundle_next_unhandled(b, p)
        if not ptrs:
            return []
        found, arena, out = req.__dict__.setdefault('_found', {}), req._arena, []
        for p in ptrs:  # each checked against klass's table row above
            key = _addr(p)
            w = found.get(key)
            if w is None:
                w = found[key] = klass.__new__(klass)
                w._ptr, w._arena, w._detached, w._kids = p, arena, False, None
            out.append(w)
        return out

    # ---- responses
    @property
    def responses(self):
        if self._responses is None:
            self._responses = MessagesList()
        return self._responses

    @responses.setter
    def responses(self, value):
        self._responses = self._responses_slow(value)  # type: ignore[attr-defined]

    @property
    def response(self):
        responses = self._responses
        if responses is None:
            return None
        return self._response_slow(responses)  # type: ignore[attr-defined]

    @response.setter
    def response(self, message):
        self._responses = self._set_response_slow(self._responses, message)  # type: ignore[attr-defined]

    # ---- the outgoing side
    def create_outgoing_relay_messages(self) -> None:
        """Build the relay-reply chain mirroring the incoming relays (closest to the client
        first), with Interface-ID, Echo Request options and Relay Source Port echoed."""
        check(lib.d6t_bundle_create_outgoing_relay_messages(self._b))
        b, arena = self._b, self._arena  # new C messages in the bundle's arena
        self._outgoing = [new_msg_wrapper(lib.d6t_bundle_outgoing_relay(b, i), arena)
                          for i in range(lib.d6t_bundle_outgoing_relay_count(b))]
        first, out = self.response, self._outgoing
        if out and first is not None:
            head = out[0]  # (Python code may change the bundle's list while the response is made)
            materialize_in(first, arena)  # a draft response is made in the bundle's arena
            head.relayed_message = first

    @property
    def outgoing_relay_messages(self):
        return self._outgoing

    @outgoing_relay_messages.setter
    def outgoing_relay_messages(self, value):
        self._outgoing = list(value) if value is not None else None

    @property
    def outgoing_message(self) -> Any:
        """The first response wrapped in the relay chain, or None when there is no first response
        or it is not a server-to-client message (libdhcp6txn's rule: see docs/BUNDLE.md)."""
        first = self.response
        if first is None:
            return None
        if not first.from_server_to_client:
            return self._not_to_client(first)  # type: ignore[attr-defined]
        if not self._outgoing and self._has_relays():
            self.create_outgoing_relay_messages()
        out = self._outgoing
        if out:
            if lib.d6t_msg_relayed(out[0]._ptr) != first._ptr:
                out[0].relayed_message = first
            return out[-1]
        return first


if TYPE_CHECKING or _views is None:
    _Base = _BundleInPython
else:  # the same in C
    _Base = _views.Bundle


class TransactionBundle(_Base):
    """Everything about one request/response transaction (dhcpkit's TransactionBundle).

    TransactionBundle(incoming_message, received_over_multicast, received_over_tcp=False,
    allow_rapid_commit=False, marks=None, tcp_peer=None)
    incoming_message: a Message, or the received bytes (parsed by the library).
    tcp_peer: for received_over_tcp, the remote endpoint (becomes the link address); without it
    the message must be wrapped in exactly one relay-forward standing for the connection, as
    dhcpkit does it."""

    @staticmethod
    def _make(arena, incoming_message, flags, marks, tcp_peer):
        """(the C bundle made in 'arena', whether it has a request), every case but a message
        made in C without marks or TCP peer."""
        out = _out_bundle()
        if marks or tcp_peer is not None:
            opts, _held = _bundle_opts(list(marks or []), tcp_peer)
        else:
            opts = ffi.NULL  # the defaults: no marks, no TCP peer
        if isinstance(incoming_message, Message):
            arena.hold(incoming_message._arena)
            st = lib.d6t_bundle_new_from_msg(arena.ptr, incoming_message._ptr, flags, opts, out)
            if st != lib.D6T_OK:
                raise _bundle_error(st)
        else:
            data = bytes(incoming_message)
            err = ffi.new('d6t_parse_error *')
            st = lib.d6t_bundle_new(arena.ptr, data, len(data), flags, opts, out, err)
            if st == lib.D6T_ERR_TCP_RELAYED:
                raise _bundle_error(st)
            if st != lib.D6T_OK:
                raise parse_error(err)
        arena.bundle = b = out[0]
        return b, lib.d6t_bundle_request(b) != ffi.NULL

    def _no_request(self):
        """Say why a bundle has no request (as dhcpkit does)."""
        inner = self.incoming_message
        while inner is not None and hasattr(inner, 'relayed_message'):
            inner = inner.relayed_message
        reason = lib.d6t_bundle_no_request_reason(self._b)
        reason = ffi.string(reason).decode() if reason != ffi.NULL else 'no request'
        if isinstance(inner, UnknownMessage):
            logger.warning('Received an unrecognised message: %s', reason)
        elif inner is not None and inner.from_server_to_client:
            logger.warning('A server should not receive %s from a client', type(inner).__name__)
        else:
            logger.warning('%s', reason)

    @property
    def received_over_multicast(self):
        return bool(lib.d6t_bundle_received_over_multicast(self._b))

    @property
    def received_over_tcp(self):
        return bool(lib.d6t_bundle_received_over_tcp(self._b))

    @property
    def link_address(self) -> IPv6Address:
        addr = ffi.new('uint8_t[16]')
        check(lib.d6t_bundle_link_address(self._b, addr), 'link address')
        return IPv6Address(bytes(addr))

    @property
    def relays(self) -> List[IPv6Address]:
        addr, out = ffi.new('uint8_t[16]'), []
        for i in range(lib.d6t_bundle_relay_count(self._b)):
            check(lib.d6t_bundle_relay(self._b, i, addr))
            out.append(IPv6Address(bytes(addr)))
        return out

    # ---- policy
    @property
    def allow_rapid_commit(self):
        return bool(lib.d6t_bundle_allow_rapid_commit(self._b))

    @allow_rapid_commit.setter
    def allow_rapid_commit(self, allow):
        if bool(allow) != self.allow_rapid_commit:
            check(lib.d6t_bundle_set_allow_rapid_commit(self._b, int(bool(allow))),
                  'rapid commit can only be turned off')

    @property
    def allow_unicast(self):
        return bool(lib.d6t_bundle_allow_unicast(self._b))

    @allow_unicast.setter
    def allow_unicast(self, allow):
        if bool(allow) != self.allow_unicast:
            check(lib.d6t_bundle_set_allow_unicast(self._b, int(bool(allow))),
                  'unicast can only be turned on')

    # ---- marks
    @property
    def marks(self):
        return _Marks(self)

    @marks.setter
    def marks(self, values):
        values = set(m.strip() for m in values)
        current = _Marks(self)
        for m in list(current):
            if m not in values:
                current.discard(m)
        for m in values:
            self.add_mark(m)

    def add_mark(self, mark: str) -> None:
        check(lib.d6t_bundle_add_mark(self._b, mark.encode()), 'mark %r' % mark)

    # ---- handled options (mark_handled and get_unhandled_options: the base's)
    def _mark_handled_slow(self, option: Any, st: int) -> None:
        """mark_handled() when the C bundle did not take 'option' (status 'st')."""
        if st == lib.D6T_ERR_NOT_FOUND and self.request is not None:
            # dhcpkit compares by value: an equal option of the request is the one meant
            for o in self.request.options:
                if o == option and not self._is_handled(o):
                    st = lib.d6t_bundle_mark_handled(self._b, o._ptr)
                    break
        if st == lib.D6T_ERR_NOT_FOUND:  # not one of the request's options: remember it here
            if all(o is not option for o in self._extra_handled):
                self._extra_handled.append(option)
        else:
            check(st)

    def _is_handled(self, option):
        return (_handled(self._b, option) or
                (bool(self._extra_handled) and any(o is option for o in self._extra_handled)))

    @property
    def handled_options(self):
        req = self.request
        handled = [o for o in req.options if lib.d6t_bundle_is_handled(self._b, o._ptr)] if req else []
        return _HandledOptions(handled + self._extra_handled, self)

    def _unhandled_slow(self, req, option_types):
        """get_unhandled_options() when C cannot list them by the option's code."""
        return [o for o in req.options if isinstance(o, option_types) and not self._is_handled(o)]

    # ---- responses (the base keeps them: these are its cases off the common path)
    @staticmethod
    def _responses_slow(value):
        """What bundle.responses = value keeps."""
        return value if isinstance(value, MessagesList) else MessagesList(*value)

    @staticmethod
    def _response_slow(responses):
        """The first of 'responses', or None."""
        if type(responses) is MessagesList:  # its first message, without its Python methods
            return responses.first_message or None
        return responses[0] if responses else None  # (None: none yet)

    @staticmethod
    def _set_response_slow(responses, message):
        """'responses' (None: none yet) with 'message' as the first: what the bundle keeps."""
        if message is None:
            return MessagesList()
        if responses is None:
            return MessagesList(message)
        if type(responses) is MessagesList:  # without its Python methods
            if responses.first_message:
                responses.first_message = message
                return responses
            return MessagesList(message)
        if responses:
            responses[0] = message
            return responses
        return MessagesList(message)

    @staticmethod
    def _not_to_client(first):
        """outgoing_message for a first response that does not go to a client: None."""
        logger.error('A server should not send %s to a client', type(first).__name__)
        return None

    @property
    def outgoing_messages(self):
        """Each response wrapped in the relay chain (the same chain objects, re-pointed at the
        next response each time, as in dhcpkit)."""
        return self._outgoing_gen()

    def _outgoing_gen(self):
        if not self.outgoing_relay_messages and self._has_relays():
            self.create_outgoing_relay_messages()
        for response in self.responses:
            if not response.from_server_to_client:
                logger.error('A server should not send %s to a client', type(response).__name__)
                continue
            out = self.outgoing_relay_messages
            if out:
                out[0].relayed_message = response
                yield out[-1]
            else:
                yield response

    def outgoing_datagrams(self) -> Iterator[bytes]:
        """Wire bytes of every outgoing message; over TCP with the RFC 5460 length prefix."""
        tcp = self.received_over_tcp
        for msg in self.outgoing_messages:
            data = msg.save()
            yield (len(data).to_bytes(2, 'big') + data) if tcp else data

    # ---- where to send (host server helpers, not in dhcpkit)
    def set_source(self, address: Any = None, port: Optional[int] = None) -> None:
        """The UDP source of the received datagram, for destination()."""
        if address is not None:
            lib.d6t_bundle_set_source_address(self._b, IPv6Address(address).packed)
        if port is not None:
            lib.d6t_bundle_set_source_port(self._b, port)

    def destination(self) -> Tuple[IPv6Address, int]:
        """(address, port) the outgoing datagrams go to."""
        addr, port = ffi.new('uint8_t[16]'), ffi.new('uint16_t *')
        check(lib.d6t_bundle_destination(self._b, addr, port), 'destination')
        return IPv6Address(bytes(addr)), port[0]

    def __str__(self):
        n = lib.d6t_bundle_describe(self._b, ffi.NULL, 0)
        buf = ffi.new('char[]', n + 1)
        lib.d6t_bundle_describe(self._b, buf, n + 1)
        text = ffi.string(buf).decode('utf-8', 'replace')
        request = self.request
        if request is not None:  # dhcpkit names the message by its class
            text = type(request).__name__ + text[text.find(' '):]
        return text


class TCPRelayedError(Error, ValueError):
    """A message received over TCP was relayed beyond the one level standing for the connection."""


def _bundle_error(st):
    if st == lib.D6T_ERR_TCP_RELAYED:
        return TCPRelayedError(st, what='Relayed message on TCP connection')
    return Error(st)


__all__ = ['TransactionBundle', 'MessagesList', 'TCPRelayedError']


if _views is not None:
    _views.setup_bundle(TransactionBundle, {
        'MessagesList': MessagesList, 'make': TransactionBundle._make,
        'bundle_error': _bundle_error, 'materialize_in': materialize_in, 'check': check})
