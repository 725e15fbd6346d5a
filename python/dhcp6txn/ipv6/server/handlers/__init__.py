"""Handler base classes with dhcpkit's names (dhcpkit.ipv6.server.handlers), on top of the
TransactionBundle: a handler is an object whose methods get the bundle at each stage of a
transaction; MessageHandler (..message_handler) runs them.

    class MyHandler(Handler):
        def handle(self, bundle):
            ...
SPDX-License-Identifier: BSD-2-Clause
"""
from typing import Any

from dhcp6txn._elements import OPTION_CLASSES
from dhcp6txn.bundle import TransactionBundle

StatusCodeOption: Any = OPTION_CLASSES['StatusCodeOption']


class HandlerException(Exception):
    """Base class of the exceptions a handler raises to change the course of a transaction."""


class CannotRespondError(HandlerException):
    """No response is sent for this request."""


class ReplyWithStatusError(HandlerException):
    """Answer with a Reply holding only this status (RFC 9915 section 18.3)."""
    error_description = 'Error'

    def __init__(self, status_code: int = 0, status_message: str = '') -> None:
        super().__init__(status_code, status_message)
        self.option = StatusCodeOption(status_code, status_message)

    def __str__(self) -> str:
        return '%s: %s' % (self.error_description, self.option.status_message)


class ReplyWithLeasequeryError(ReplyWithStatusError):
    """Answer a leasequery with this status (RFC 5007 section 4.3.3)."""
    error_description = 'Leasequery error'


class UseMulticastError(HandlerException):
    """The client sent by unicast without permission: Reply with UseMulticast (RFC 9915
    section 18.4)."""


class Handler:
    """Base class of handlers. Every stage does nothing unless overridden."""

    def __str__(self) -> str:
        return type(self).__name__

    def worker_init(self) -> None:
        """Called once in each worker before the first transaction."""

    def analyse_pre(self, bundle: TransactionBundle) -> None:
        """Look at the bundle before anything is done (must not change it)."""

    def pre(self, bundle: TransactionBundle) -> None:
        """Prepare: e.g. mark options or raise CannotRespondError before a response exists."""

    def handle(self, bundle: TransactionBundle) -> None:
        """Fill in bundle.response."""

    def post(self, bundle: TransactionBundle) -> None:
        """Last changes after every handler's handle()."""

    def analyse_post(self, bundle: TransactionBundle) -> None:
        """Look at the finished bundle (must not change it)."""


class RelayHandler(Handler):
    """A handler that works on each relay level: handle_relay() gets every incoming
    relay-forward with the relay-reply that answers it (closest to the client first)."""

    def handle(self, bundle: TransactionBundle) -> None:
        if bundle.incoming_relay_messages and bundle.outgoing_relay_messages is None:
            bundle.create_outgoing_relay_messages()
        for relay_in, relay_out in zip(bundle.incoming_relay_messages,
                                       bundle.outgoing_relay_messages or []):
            self.handle_relay(bundle, relay_in, relay_out)

    def handle_relay(self, bundle: TransactionBundle, relay_message_in: Any,
                     relay_message_out: Any) -> None:
        raise NotImplementedError


__all__ = ['Handler', 'RelayHandler', 'HandlerException', 'CannotRespondError',
           'ReplyWithStatusError', 'ReplyWithLeasequeryError', 'UseMulticastError']
