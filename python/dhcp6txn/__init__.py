"""dhcp6txn: Python binding of libdhcp6txn with dhcpkit's names.

    from dhcp6txn.ipv6.messages import Message, ReplyMessage
    from dhcp6txn.ipv6.options import ClientIdOption, IANAOption
    from dhcp6txn.ipv6.server.transaction_bundle import TransactionBundle

See python/README.md for the design (cffi ABI mode, memory ownership) and the differences from
dhcpkit.
SPDX-License-Identifier: BSD-2-Clause
"""
import os
from typing import Any

# the build tree's compiled part (meson test sets this; an installed package has it beside)
if os.environ.get('DHCP6TXN_EXTENSION_DIR'):
    __path__.append(os.environ['DHCP6TXN_EXTENSION_DIR'])

from ._lib import LIBRARY_PATH, Error, ParseError, ValidationError, ffi, lib
from ._elements import *  # noqa: F401,F403  (every message and option class)
from ._elements import (MESSAGE_CLASSES, OPTION_CLASSES, ClientServerMessage, Message, Option,
                        RelayServerMessage, UnknownMessage, UnknownOption, split_relay_chain)
from .bundle import MessagesList, TCPRelayedError, TransactionBundle
from .relay import RelayAgent, RelayDelivery, RelayDropped, RelayLease
from .duids import (DUID, EnterpriseDUID, LinkLayerDUID, LinkLayerTimeDUID, UnknownDUID,
                    UUIDDUID)

__version__ = ffi.string(lib.d6t_version()).decode()


def __getattr__(name: str) -> 'Any':
    """For type checkers only: the option and message classes are made at import time from the
    library's tables, so mypy cannot see them (Python never calls this for names that exist)."""
    raise AttributeError('module %r has no attribute %r' % (__name__, name))
