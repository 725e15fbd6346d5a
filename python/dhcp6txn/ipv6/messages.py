"""Mirror of dhcpkit.ipv6.messages: everything dhcp6txn has, so `from dhcpkit.X import Y` ports
by changing the package name. SPDX-License-Identifier: BSD-2-Clause"""
import typing

from dhcp6txn._elements import *  # noqa: F401,F403
from dhcp6txn.duids import *  # noqa: F401,F403
from dhcp6txn.bundle import *  # noqa: F401,F403


def __getattr__(name: str) -> 'typing.Any':
    """For type checkers only: the option and message classes are made at import time from the
    library's tables, so mypy cannot see them (Python never calls this for names that exist)."""
    raise AttributeError('module %r has no attribute %r' % (__name__, name))
