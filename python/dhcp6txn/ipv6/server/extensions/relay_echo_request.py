"""dhcpkit.ipv6.server.extensions.relay_echo_request: RFC 4994 Echo Request handling.
SPDX-License-Identifier: BSD-2-Clause"""
from typing import Any

from dhcp6txn._elements import OPTION_CLASSES
from dhcp6txn.bundle import TransactionBundle
from dhcp6txn.ipv6.server.handlers import RelayHandler
from dhcp6txn.ipv6.server.handlers.utils import echo_option

EchoRequestOption: Any = OPTION_CLASSES['EchoRequestOption']


class EchoRequestOptionHandler(RelayHandler):
    """RFC 4994 section 5: the server copies each option the relay asked for in its Echo Request
    option, when the relay-forward has it, into the relay-reply."""

    def handle_relay(self, bundle: TransactionBundle, relay_message_in: Any,
                     relay_message_out: Any) -> None:
        ero = relay_message_in.get_option_of_type(EchoRequestOption)
        for code in ero.requested_options if ero is not None else []:
            echo_option(relay_message_in, relay_message_out, code)


__all__ = ['EchoRequestOptionHandler']
