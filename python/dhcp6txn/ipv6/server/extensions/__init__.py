"""Server-side handlers of dhcpkit's extensions. SPDX-License-Identifier: BSD-2-Clause"""
