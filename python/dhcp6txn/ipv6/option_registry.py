"""Mirror of dhcpkit.ipv6.option_registry. SPDX-License-Identifier: BSD-2-Clause"""
from dhcp6txn._elements import OptionRegistry, option_registry

__all__ = ['OptionRegistry', 'option_registry']
