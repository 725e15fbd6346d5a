"""Mirror of dhcpkit.ipv6.message_registry. SPDX-License-Identifier: BSD-2-Clause"""
from dhcp6txn._elements import MessageRegistry, message_registry

__all__ = ['MessageRegistry', 'message_registry']
