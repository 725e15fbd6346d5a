"""A small MessageHandler with dhcpkit's interface: runs handlers over a TransactionBundle and
answers what no handler answered as RFC 9915 says. It is not dhcpkit's server framework (no
configuration, filters or lease stores): it is what a ported handler needs to run.
SPDX-License-Identifier: BSD-2-Clause"""
from typing import Any, Iterable, List, Optional

from dhcp6txn._elements import CONSTANTS, MESSAGE_CLASSES, OPTION_CLASSES
from dhcp6txn.bundle import TransactionBundle
from dhcp6txn.duids import DUID
from dhcp6txn.ipv6.server.extensions.relay_echo_request import EchoRequestOptionHandler
from dhcp6txn.ipv6.server.handlers import (CannotRespondError, Handler, ReplyWithStatusError,
                                           UseMulticastError)
from dhcp6txn.ipv6.server.handlers.interface_id import InterfaceIdOptionHandler
from dhcp6txn.ipv6.server.statistics import StatisticsSet

_O: Any = OPTION_CLASSES
_M: Any = {c.__name__: c for c in MESSAGE_CLASSES.values()}
_IA_TYPES = ('IANAOption', 'IATAOption', 'IAPDOption')
_NO_ADDRS, _NO_PREFIX, _NO_BINDING = (CONSTANTS['STATUS_NO_ADDRS_AVAIL'],
                                      CONSTANTS['STATUS_NO_PREFIX_AVAIL'],
                                      CONSTANTS['STATUS_NO_BINDING'])


def _unanswered_status(request: Any, ia_type: str) -> Optional[int]:
    """The status an IA gets when no handler answered it, by request type (RFC 9915 sections
    18.3.1 Solicit and 18.3.2 Request: nothing available; 18.3.4/18.3.5 Renew and Rebind,
    18.3.7/18.3.8 Release and Decline: no binding)."""
    name = type(request).__name__
    if name in ('SolicitMessage', 'RequestMessage'):
        return _NO_PREFIX if ia_type == 'IAPDOption' else _NO_ADDRS
    if name in ('RenewMessage', 'RebindMessage', 'ReleaseMessage', 'DeclineMessage'):
        return _NO_BINDING
    return None


class MessageHandler:
    """handle(bundle, statistics): pre, response skeleton (Advertise for Solicit, or Reply with
    rapid commit; Reply otherwise, with Client and Server Identifier), each handler's handle,
    a status for each IA nobody answered, the relay-reply chain, then post."""

    def __init__(self, server_id: DUID, sub_filters: Optional[Iterable[Any]] = None,
                 sub_handlers: Optional[Iterable[Handler]] = None,
                 allow_rapid_commit: bool = False, rapid_commit_rejections: bool = False) -> None:
        self.server_id = server_id
        self.sub_filters = list(sub_filters or [])
        self.sub_handlers = list(sub_handlers or [])
        self.allow_rapid_commit = allow_rapid_commit
        self.rapid_commit_rejections = rapid_commit_rejections

    def get_handlers(self, bundle: TransactionBundle) -> List[Handler]:
        return self.sub_handlers + [InterfaceIdOptionHandler(), EchoRequestOptionHandler()]

    def init_response(self, bundle: TransactionBundle) -> Any:
        request = bundle.request
        rapid = (self.allow_rapid_commit and bundle.allow_rapid_commit and
                 request.get_option_of_type(_O['RapidCommitOption']) is not None)
        if isinstance(request, _M['SolicitMessage']) and not rapid:
            cls = _M['AdvertiseMessage']
        else:
            cls = _M['ReplyMessage']
        options = [_O['ServerIdOption'](self.server_id)]
        client_id = request.get_option_of_type(_O['ClientIdOption'])
        if client_id is not None:
            options.insert(0, client_id)
        if rapid:
            options.append(_O['RapidCommitOption']())
        return cls(request.transaction_id, options=options)

    def _error_reply(self, bundle: TransactionBundle, status: Any) -> None:
        reply = _M['ReplyMessage'](bundle.request.transaction_id)
        client_id = bundle.request.get_option_of_type(_O['ClientIdOption'])
        reply.options = ([client_id] if client_id is not None else []) + [
            _O['ServerIdOption'](self.server_id), status]
        bundle.response = reply

    def _answer_unanswered(self, bundle: TransactionBundle) -> None:
        request = bundle.request
        if isinstance(request, _M['ConfirmMessage']) and \
                bundle.get_unhandled_options(_O['IANAOption']):
            # RFC 9915 section 18.3.3: no reply when the server cannot tell whether the
            # addresses are on-link
            raise CannotRespondError('nobody checked the addresses of the Confirm')
        for name in _IA_TYPES:
            status = _unanswered_status(request, name)
            for ia in bundle.get_unhandled_options(_O[name]) if status is not None else []:
                bundle.response.options.append(_O[name](ia.iaid, options=[
                    _O['StatusCodeOption'](status, 'nothing for this IA')]))
                bundle.mark_handled(ia)
        if isinstance(request, (_M['ReleaseMessage'], _M['DeclineMessage'])) and \
                bundle.response.get_option_of_type(_O['StatusCodeOption']) is None:
            # RFC 9915 sections 18.3.7 and 18.3.8: the Reply carries Success
            bundle.response.options.append(_O['StatusCodeOption'](CONSTANTS['STATUS_SUCCESS'],
                                                                  'done'))

    def handle(self, bundle: TransactionBundle, statistics: StatisticsSet) -> None:
        statistics.count_incoming_packet()
        if bundle.request is None:
            statistics.count_do_not_respond()
            return
        handlers = self.get_handlers(bundle)
        try:
            for h in handlers:
                h.analyse_pre(bundle)
            for h in handlers:
                h.pre(bundle)
            bundle.response = self.init_response(bundle)
            bundle.create_outgoing_relay_messages()
            for h in handlers:
                h.handle(bundle)
            if bundle.response is not None:
                self._answer_unanswered(bundle)
            for h in handlers:
                h.post(bundle)
        except CannotRespondError:
            statistics.count_do_not_respond()
            bundle.response = None
        except UseMulticastError:
            statistics.count_use_multicast()
            self._error_reply(bundle, _O['StatusCodeOption'](CONSTANTS['STATUS_USE_MULTICAST'],
                                                             'use multicast'))
        except ReplyWithStatusError as e:
            statistics.count_other_error()
            self._error_reply(bundle, e.option)
        for h in handlers:
            h.analyse_post(bundle)
        if bundle.response is not None:
            statistics.count_outgoing_packet()


__all__ = ['MessageHandler']
