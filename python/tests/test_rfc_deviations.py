"""The RFC behaviour behind each dhcpkit test listed in python/README.md under "dhcpkit tests
that break an RFC": what the binding does instead, checked here.
SPDX-License-Identifier: BSD-2-Clause"""
from ipaddress import IPv6Address, IPv6Network

import pytest

from dhcp6txn.ipv6.extensions.dslite import AFTRNameOption
from dhcp6txn.ipv6.duids import EnterpriseDUID, LinkLayerDUID, LinkLayerTimeDUID
from dhcp6txn.ipv6.extensions.leasequery import QUERY_BY_ADDRESS, LQQueryOption
from dhcp6txn.ipv6.extensions.ntp import (NTPServerAddressSubOption, NTPServerFQDNSubOption,
                                          NTPServersOption)
from dhcp6txn.ipv6.extensions.prefix_delegation import IAPDOption, IAPrefixOption
from dhcp6txn.ipv6.extensions.relay_echo_request import EchoRequestOption
from dhcp6txn.ipv6.extensions.sol_max_rt import InfMaxRTOption, SolMaxRTOption
from dhcp6txn.ipv6.messages import ConfirmMessage, RelayForwardMessage, SolicitMessage
from dhcp6txn.ipv6.options import (ClientIdOption, ElapsedTimeOption, IAAddressOption, IANAOption,
                                   OptionRequestOption, ReconfigureMessageOption,
                                   RelayMessageOption)

A = IPv6Address('2001:db8::1')


def refused(element):
    with pytest.raises(ValueError):
        element.validate()


def test_preferred_lifetime_not_above_valid():  # RFC 9915 sections 21.6 and 21.22
    IAAddressOption(A, 100, 100).validate()
    refused(IAAddressOption(A, 0xffffffff, 604800))
    refused(IAAddressOption(A, 86400, 0))
    IAPrefixOption(IPv6Network('2001:db8::/48'), 100, 200).validate()
    refused(IAPrefixOption(IPv6Network('2001:db8::/48'), 86400, 0))


def test_t1_not_above_t2():  # RFC 9915 sections 21.4 and 21.21
    IANAOption(b'abcd', 42, 42).validate()
    IANAOption(b'abcd', 100, 0).validate()  # T2 0: the client chooses
    refused(IANAOption(b'abcd', 0xffffffff, 42))
    refused(IAPDOption(b'abcd', 43, 42))


@pytest.mark.parametrize('cls', [SolMaxRTOption, InfMaxRTOption])
def test_max_rt_range(cls):  # RFC 9915 sections 21.24 and 21.25
    cls(60).validate()
    cls(86400).validate()
    refused(cls(59))
    refused(cls(0))
    refused(cls(439041101))


def _relay(hops):
    return RelayForwardMessage(hops, A, IPv6Address('fe80::1'), options=[
        RelayMessageOption(relayed_message=SolicitMessage(b'abc', options=[
            ClientIdOption(LinkLayerDUID(1, bytes(6))), ElapsedTimeOption(0)]))])


def test_hop_count_limit():  # RFC 9915 section 19.1.1, HOP_COUNT_LIMIT 8
    _relay(7).validate()
    refused(_relay(255))


def test_confirm_without_ia_pd():  # RFC 9915 section 18.2.3
    duid = LinkLayerDUID(1, bytes(6))
    base = [ClientIdOption(duid), ElapsedTimeOption(0)]
    ConfirmMessage(b'abc', options=base + [IANAOption(b'abcd')]).validate()
    refused(ConfirmMessage(b'abc', options=base + [IAPDOption(b'abcd')]))


@pytest.mark.parametrize('cls', [OptionRequestOption, EchoRequestOption])
def test_reserved_code_not_requested(cls):  # option code 0 is reserved (IANA)
    cls([3, 65535, 4]).validate()
    refused(cls([3, 0, 4]))


def test_query_by_address_carries_iaaddr():  # RFC 5007 section 4.1.2.1
    refused(LQQueryOption(QUERY_BY_ADDRESS, IPv6Address('::')))
    LQQueryOption(QUERY_BY_ADDRESS, IPv6Address('::'),
                  options=[IAAddressOption(A, 0, 0)]).validate()


def test_ntp_server_one_time_source():  # RFC 5908 section 4
    NTPServersOption(options=[NTPServerAddressSubOption(A)]).validate()
    refused(NTPServersOption(options=[NTPServerAddressSubOption(A),
                                      NTPServerFQDNSubOption('ntp.example.com.')]))


def test_reconfigure_types():  # RFC 9915 section 21.19: Renew, Rebind, Information-request
    for t in (5, 6, 11):
        ReconfigureMessageOption(t).validate()
    for t in (0, 4, 7):
        refused(ReconfigureMessageOption(t))


def test_duid_length_without_type_code():  # RFC 9915 section 11.1: 128 octets after the type
    LinkLayerTimeDUID(0, 0, 122 * b'x').validate()
    refused(LinkLayerTimeDUID(0, 0, 123 * b'x'))
    EnterpriseDUID(0, 124 * b'x').validate()
    refused(EnterpriseDUID(0, 125 * b'x'))
    LinkLayerDUID(0, 126 * b'x').validate()
    refused(LinkLayerDUID(0, 127 * b'x'))


def test_aftr_name_fqdn():  # RFC 6334 section 3: a fully qualified name, not the root alone
    for name in ('x.', 'x', 'aftr.example.net.', 'x' + '.x' * 126):
        AFTRNameOption(name).validate()
    refused(AFTRNameOption('.'))
    for name in ('xx' + '.x' * 126, 'www.' + 'a' * 64 + '.nl'):  # over 255 bytes; a 64-byte label
        refused(AFTRNameOption(name))
