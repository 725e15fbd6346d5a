"""dhcpkit.ipv6.server.handlers.interface_id: echo the Interface-ID option.
SPDX-License-Identifier: BSD-2-Clause"""
from typing import Any

from dhcp6txn.bundle import TransactionBundle
from dhcp6txn.ipv6.server.handlers import RelayHandler
from dhcp6txn.ipv6.server.handlers.utils import echo_option

OPTION_INTERFACE_ID = 18


class InterfaceIdOptionHandler(RelayHandler):
    """RFC 9915 section 19.3: a relay-reply carries the Interface-ID of the relay-forward it
    answers."""

    def handle_relay(self, bundle: TransactionBundle, relay_message_in: Any,
                     relay_message_out: Any) -> None:
        echo_option(relay_message_in, relay_message_out, OPTION_INTERFACE_ID)


__all__ = ['InterfaceIdOptionHandler']
