"""Mirror of dhcpkit.ipv6.server: everything dhcp6txn has, so `from dhcpkit.X import Y` ports
by changing the package name. SPDX-License-Identifier: BSD-2-Clause"""
from dhcp6txn._elements import *  # noqa: F401,F403
from dhcp6txn.duids import *  # noqa: F401,F403
from dhcp6txn.bundle import *  # noqa: F401,F403
