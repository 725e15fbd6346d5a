"""Status codes and leasequery query types: dhcpkit's names, the C library's values.
SPDX-License-Identifier: BSD-2-Clause"""
from dhcp6txn._lib import ffi, lib
from dhcp6txn.ipv6 import options
from dhcp6txn.ipv6.extensions import bulk_leasequery, leasequery, prefix_delegation


def test_status_codes_come_from_the_c_enum():
    assert options.STATUS_SUCCESS == lib.D6T_SC_SUCCESS == 0
    assert options.STATUS_NOT_ON_LINK == options.STATUS_NOTONLINK == lib.D6T_SC_NOT_ON_LINK == 4
    assert options.STATUS_NO_ADDRS_AVAIL == options.STATUS_NOADDRSAVAIL == 2
    assert prefix_delegation.STATUS_NO_PREFIX_AVAIL == prefix_delegation.STATUS_NOPREFIXAVAIL == 6
    assert leasequery.STATUS_UNKNOWN_QUERY_TYPE == 7
    assert leasequery.STATUS_NOT_ALLOWED == 10
    assert bulk_leasequery.STATUS_QUERY_TERMINATED == 11
    assert options.STATUS_EXCESSIVE_TIME_SKEW == 22
    # every C value has a Python name, and the C library names every value
    values = set(ffi.typeof('d6t_status_code').relements.values())
    assert values == set(range(23))
    assert {getattr(options, k) for k in dir(options) if k.startswith('STATUS_')} == values
    assert ffi.string(lib.d6t_status_code_name(4)) == b'NotOnLink'
    assert lib.d6t_status_code_name(23) == ffi.NULL


def test_query_types():
    assert leasequery.QUERY_BY_ADDRESS == lib.D6T_QUERY_BY_ADDRESS == 1
    assert leasequery.QUERY_BY_CLIENT_ID == leasequery.QUERY_BY_CLIENTID == 2
    assert bulk_leasequery.QUERY_BY_RELAY_ID == 3
    assert bulk_leasequery.QUERY_BY_LINK_ADDRESS == 4
    assert bulk_leasequery.QUERY_BY_REMOTE_ID == 5
    assert ffi.string(lib.d6t_query_type_name(5)) == b'QUERY_BY_REMOTE_ID'
    assert lib.d6t_query_type_name(0) == ffi.NULL
    assert lib.d6t_query_type_name(6) == ffi.NULL
