"""Mirror of dhcpkit.ipv6.utils: everything dhcp6txn has, so `from dhcpkit.X import Y` ports
by changing the package name. SPDX-License-Identifier: BSD-2-Clause"""
from ipaddress import IPv6Address, IPv6Network
from typing import Iterable

import typing

from dhcp6txn._elements import *  # noqa: F401,F403
from dhcp6txn.duids import *  # noqa: F401,F403
from dhcp6txn.bundle import *  # noqa: F401,F403


def address_in_prefixes(address: IPv6Address, prefixes: Iterable[IPv6Network]) -> bool:
    """Whether 'address' lies in one of 'prefixes'."""
    return any(address in prefix for prefix in prefixes)


def prefix_overlaps_prefixes(prefix: IPv6Network, prefixes: Iterable[IPv6Network]) -> bool:
    """Whether 'prefix' shares addresses with one of 'prefixes'."""
    return any(prefix.overlaps(other) for other in prefixes)


def is_global_unicast(address: IPv6Address) -> bool:
    """RFC 4291 section 2.4: every address that is not unspecified, loopback, multicast or
    link-local is global unicast (unique local addresses included)."""
    return not (address.is_unspecified or address.is_loopback or address.is_multicast or
                address.is_link_local)


def __getattr__(name: str) -> 'typing.Any':
    """For type checkers only: the option and message classes are made at import time from the
    library's tables, so mypy cannot see them (Python never calls this for names that exist)."""
    raise AttributeError('module %r has no attribute %r' % (__name__, name))
