"""Messages and options: parse, dhcpkit names and attributes, building, round trips, errors.
SPDX-License-Identifier: BSD-2-Clause"""
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

import pytest

import dhcp6txn
from dhcp6txn.ipv6.duids import EnterpriseDUID, LinkLayerDUID, LinkLayerTimeDUID, UnknownDUID
from dhcp6txn.ipv6.extensions.dns import DomainSearchListOption, RecursiveNameServersOption
from dhcp6txn.ipv6.extensions.prefix_delegation import IAPDOption, IAPrefixOption
from dhcp6txn.ipv6.messages import (AdvertiseMessage, ClientServerMessage, InformationRequestMessage,
                                    Message, RelayForwardMessage, RelayReplyMessage, ReplyMessage,
                                    SolicitMessage, UnknownMessage)
from dhcp6txn.ipv6.options import (ClientIdOption, ElapsedTimeOption, IAAddressOption, IANAOption,
                                   InterfaceIdOption, Option, OptionRequestOption, RapidCommitOption,
                                   RelayMessageOption, ServerIdOption, StatusCodeOption,
                                   UnknownOption, VendorClassOption, VendorSpecificInformationOption)
from dhcp6txn.ipv6.extensions.remote_id import RemoteIdOption
from dhcp6txn.ipv6.extensions.map import S46RuleOption
from dhcp6txn.ipv6.extensions.ntp import NTPServersOption, NTPServerAddressSubOption


def test_parse_relayed_solicit(w1):
    used, msg = Message.parse(w1)
    assert used == len(w1)
    assert isinstance(msg, RelayForwardMessage) and msg.message_type == 12
    assert msg.from_client_to_server and not msg.from_server_to_client
    assert msg.hop_count == 1
    assert msg.link_address == IPv6Address('2001:db8:ffff:1::1')
    assert msg.peer_address == IPv6Address('fe80::3631:c4ff:fe3c:b2f1')
    iid = msg.get_option_of_type(InterfaceIdOption)
    assert iid.interface_id == b'Gi0/0/0' and iid.option_type == 18
    rid = msg.get_option_of_type(RemoteIdOption)
    assert rid.enterprise_number == 9 and rid.remote_id == bytes.fromhex('000c000a47572d303034322d3137')
    inner = msg.relayed_message
    assert isinstance(inner, RelayForwardMessage) and inner.hop_count == 0
    assert inner.link_address == IPv6Address('::')
    sol = msg.inner_message
    assert isinstance(sol, SolicitMessage) and isinstance(sol, ClientServerMessage)
    assert msg.inner_relay_message is inner
    assert sol.transaction_id == bytes.fromhex('f350d6')
    assert [type(o).__name__ for o in sol.options] == [
        'ElapsedTimeOption', 'ClientIdOption', 'RapidCommitOption', 'IANAOption', 'IAPDOption',
        'ReconfigureAcceptOption', 'VendorClassOption', 'OptionRequestOption']
    cid = sol.get_option_of_type(ClientIdOption)
    assert cid.duid == LinkLayerDUID(1, bytes.fromhex('3431c43cb2f1'))
    ia = sol.get_option_of_type(IANAOption)
    assert (ia.iaid, ia.t1, ia.t2, list(ia.options)) == (bytes.fromhex('c43cb2f1'), 0, 0, [])
    pd = sol.get_option_of_type(IAPDOption)
    prefix = pd.get_option_of_type(IAPrefixOption)
    assert prefix.prefix == IPv6Network('::/56')
    assert (prefix.preferred_lifetime, prefix.valid_lifetime) == (0, 0)
    assert sol.get_option_of_type(VendorClassOption).vendor_classes == [b'docsis3.0']
    assert sol.get_option_of_type(VendorClassOption).enterprise_number == 4491
    assert sol.get_option_of_type(OptionRequestOption).requested_options == [23, 24, 17, 82, 83]
    assert sol.get_options_of_type(RapidCommitOption)[0].option_type == 14
    assert sol.get_option_of_type(StatusCodeOption) is None
    assert bytes(msg) == w1 and msg.save() == w1


def test_same_c_object_is_same_python_object(w1):
    msg = Message.parse(w1)[1]
    assert msg.inner_message is msg.inner_message
    assert msg.options[0] is msg.options[0]
    assert msg.inner_message.options[3] is msg.inner_message.get_option_of_type(IANAOption)


def test_parse_with_offset_and_length(w2):
    buf = b'\xff\xff' + w2 + b'junk'
    used, msg = SolicitMessage.parse(buf, offset=2, length=len(w2))
    assert used == len(w2) and bytes(msg) == w2
    with pytest.raises(ValueError):
        ReplyMessage.parse(w2)  # right bytes, wrong class


def test_parse_errors_carry_status_offset_reason(w2):
    bad = bytearray(w2)
    bad[6] = 0xff  # length of the first option runs past the end
    with pytest.raises(dhcp6txn.ParseError) as e:
        Message.parse(bytes(bad))
    assert isinstance(e.value, ValueError)
    assert e.value.status_name == 'D6T_ERR_OPT_OVERRUN'
    assert e.value.offset == 4 and e.value.reason
    with pytest.raises(dhcp6txn.ParseError) as e:
        Message.parse(b'\xaa\xaa' + bytes(bad), offset=2)
    assert e.value.offset == 6  # relative to the caller's buffer
    with pytest.raises(dhcp6txn.ParseError) as e:
        Message.parse(b'\x01\x00')
    assert e.value.status_name == 'D6T_ERR_TRUNCATED'


def test_build_reply_like_dhcpkit(w3):
    duid = LinkLayerTimeDUID(1, 775686731, bytes.fromhex('00163e5a7b01'))
    reply = ReplyMessage(bytes.fromhex('f350d6'), options=[
        ClientIdOption(LinkLayerDUID(1, bytes.fromhex('3431c43cb2f1'))),
        ServerIdOption(duid),
        IANAOption(bytes.fromhex('c43cb2f1'), 1800, 2880, options=[
            IAAddressOption(IPv6Address('2001:db8:1::1234'), 3600, 7200),
            StatusCodeOption(0, 'success')]),
        RapidCommitOption(),
        RecursiveNameServersOption([IPv6Address('2001:db8::53'), IPv6Address('2001:db8::5353')]),
        DomainSearchListOption(['example.com.']),
        IAPDOption(bytes.fromhex('c43cb2f1'), 1800, 2880, options=[
            IAPrefixOption(IPv6Network('2001:db8:8000::/48'), 3600, 7200)]),
    ])
    assert bytes(reply) == w3
    assert reply == Message.parse(w3)[1]
    assert reply.from_server_to_client and not reply.from_client_to_server
    reply.validate()  # no RFC violation


def test_empty_domain_names_refused():
    # an empty entry is no name: it must not silently become the root ("search the root")
    # (refused as dhcpkit refuses a bad value: by validate() and save(), not by the setter)
    for bad in ([''], ['example.com.', '']):
        opt = DomainSearchListOption(bad)
        with pytest.raises(ValueError):
            opt.validate()
        with pytest.raises(ValueError):
            opt.save()
    opt = DomainSearchListOption(['example.com.'])
    opt.search_list = ['']
    with pytest.raises(ValueError):
        bytes(opt)
    opt.search_list = ['example.com.']  # a good value clears the refused one
    assert bytes(opt)[4:] == b'\x07example\x03com\x00'
    assert bytes(DomainSearchListOption(['.']))[4:] == b'\x00'  # the root, asked for by name


def test_keyword_and_mutation_after_append():
    reply = ReplyMessage(b'abc')
    ia = IANAOption(iaid=b'\x00\x00\x00\x01', t1=10, t2=20)
    reply.options.append(ia)
    assert reply.options[0] is ia  # moved into the message, still the same object
    ia.t1 = 100
    addr = IAAddressOption(address=IPv6Address('2001:db8::1'), preferred_lifetime=5, valid_lifetime=6)
    ia.options.append(addr)
    addr.valid_lifetime = 60
    again = Message.parse(bytes(reply))[1].get_option_of_type(IANAOption)
    assert again.t1 == 100 and again.get_option_of_type(IAAddressOption).valid_lifetime == 60
    assert reply.transaction_id == b'abc'
    reply.transaction_id = b'xyz'
    assert bytes(reply)[1:4] == b'xyz'
    reply.transaction_id = b'toolong'  # kept, and refused by validate() and save() (dhcpkit)
    assert reply.transaction_id == b'toolong'
    with pytest.raises(ValueError, match='3 bytes'):
        reply.validate()
    with pytest.raises(ValueError):
        bytes(reply)
    with pytest.raises(TypeError):
        IANAOption(nonsense=1)


def test_option_list_operations():
    m = SolicitMessage()
    a, b, c = ElapsedTimeOption(1), RapidCommitOption(), ElapsedTimeOption(3)
    m.options.extend([a, c])
    m.options.insert(1, b)
    assert [o.option_type for o in m.options] == [8, 14, 8]
    assert m.options[0] is a and m.options[2] is c and len(m.options) == 3
    del m.options[0]
    assert [o.option_type for o in m.options] == [14, 8]
    m.options[0] = ElapsedTimeOption(7)
    assert [getattr(o, 'elapsed_time', None) for o in m.options] == [7, 3]
    m.options.remove(c)
    assert len(m.options) == 1 and bytes(m) == bytes.fromhex('01000000') + bytes.fromhex('000800020007')
    m.options = []
    assert bytes(m) == bytes.fromhex('01000000')
    # a removed option can be put elsewhere
    other = AdvertiseMessage()
    other.options.append(c)
    assert other.options[0] is c and c.elapsed_time == 3


def test_appending_an_attached_option_copies_it(w2):
    req = Message.parse(w2)[1]
    cid = req.get_option_of_type(ClientIdOption)
    reply = ReplyMessage(req.transaction_id)
    reply.options.append(cid)
    assert reply.options[0] is not cid and reply.options[0] == cid
    assert req.options[1] is cid and bytes(req) == w2  # the request is unchanged


def test_list_fields_write_back():
    dns = RecursiveNameServersOption()
    assert dns.dns_servers == []
    dns.dns_servers.append(IPv6Address('2001:db8::1'))
    dns.dns_servers += [IPv6Address('2001:db8::2')]
    assert dns.dns_servers == [IPv6Address('2001:db8::1'), IPv6Address('2001:db8::2')]
    assert bytes(dns) == bytes.fromhex('00170020') + IPv6Address('2001:db8::1').packed + IPv6Address('2001:db8::2').packed
    oro = OptionRequestOption([23, 24])
    oro.requested_options.remove(23)
    assert bytes(oro) == bytes.fromhex('000600020018')


def test_typed_fields_from_the_table():
    s46 = S46RuleOption(flags=1, ea_len=16, ipv4_prefix=IPv4Network('192.0.2.0/24'),
                        ipv6_prefix=IPv6Network('2001:db8::/32'))
    again = Option.parse(bytes(s46))[1]
    assert isinstance(again, S46RuleOption)
    assert again.ipv4_prefix == IPv4Network('192.0.2.0/24') and again.ipv6_prefix == IPv6Network('2001:db8::/32')
    ntp = NTPServersOption(options=[NTPServerAddressSubOption(IPv6Address('2001:db8::123'))])
    assert Option.parse(bytes(ntp))[1].options[0].address == IPv6Address('2001:db8::123')
    assert StatusCodeOption(2, 'no addresses').status_message == 'no addresses'
    vso = VendorSpecificInformationOption(9, [(1, b'ab'), (2, b'')])
    assert vso.vendor_options == [(1, b'ab'), (2, b'')]
    assert bytes(vso) == bytes.fromhex('0011000e00000009') + bytes.fromhex('00010002') + b'ab' + bytes.fromhex('00020000')
    for cls in dhcp6txn.OPTION_CLASSES.values():  # every table row constructs and round-trips
        if cls.option_type in (9, 47):
            continue  # needs a message, tested elsewhere
        o = cls()
        assert type(Option.parse(bytes(o), space=o.option_space)[1]) is cls


def test_duid_classes():
    for duid in (LinkLayerTimeDUID(1, 5, b'\x01\x02'), EnterpriseDUID(9, b'xy'),
                 LinkLayerDUID(1, b'\x00' * 6), UnknownDUID(99, b'zz')):
        opt = ServerIdOption(duid)
        assert opt.duid == duid and hash(opt.duid) == hash(duid)
        assert ServerIdOption.parse(bytes(opt))[1].duid == duid


def test_unknown_option_and_message_round_trip():
    raw = bytes.fromhex('fffe0003616263')
    used, opt = Option.parse(raw + b'rest')
    assert used == 7 and isinstance(opt, UnknownOption)
    assert (opt.option_type, opt.option_data) == (0xfffe, b'abc')
    msg = SolicitMessage(b'\x00\x00\x01', options=[opt, UnknownOption(0xfffd, b'')])
    assert bytes(msg) == bytes.fromhex('01000001') + raw + bytes.fromhex('fffd0000')
    again = Message.parse(bytes(msg))[1]
    assert [type(o) for o in again.options] == [UnknownOption, UnknownOption]
    opt.option_data = b'z'
    assert bytes(opt) == bytes.fromhex('fffe00017a')
    um = Message.parse(bytes.fromhex('c8010203'))[1]
    assert isinstance(um, UnknownMessage) and um.message_type == 200 and um.message_data == b'\x01\x02\x03'
    assert bytes(UnknownMessage(201, b'hi')) == b'\xc9hi'


def test_relay_wrapping_shares_the_message(w2):
    sol = Message.parse(w2)[1]
    fwd = RelayForwardMessage(0, IPv6Address('2001:db8::1'), IPv6Address('fe80::1'),
                              options=[InterfaceIdOption(b'eth0'), RelayMessageOption(sol)])
    assert fwd.relayed_message is sol
    assert bytes(fwd).endswith(w2)
    reply = ReplyMessage(sol.transaction_id)
    rr = fwd.wrap_response(reply)
    assert isinstance(rr, RelayReplyMessage) and rr.relayed_message is reply
    assert rr.link_address == IPv6Address('2001:db8::1') and rr.peer_address == IPv6Address('fe80::1')
    reply.options.append(RapidCommitOption())  # the chain sees later changes
    assert bytes(rr).endswith(bytes(reply))


def test_validate_reports_violations():
    msg = InformationRequestMessage(b'\x00\x00\x01', options=[IANAOption(b'\x00\x00\x00\x01')])
    with pytest.raises(dhcp6txn.ValidationError) as e:
        msg.validate()
    assert any('OPTION_IA_NA' in where for _, where, _ in e.value.violations)


def test_text_and_json(w2):
    msg = Message.parse(w2)[1]
    assert msg.to_text().startswith('SOLICIT (1)')
    assert str(msg).startswith('SolicitMessage(\n  transaction_id=')  # dhcpkit's layout
    assert '"msg_name": "SOLICIT"' in msg.to_json() or '"msg_name":"SOLICIT"' in msg.to_json()
    assert 'IANAOption(iaid=' in repr(msg)


def test_option_added_by_its_table_row():
    """OPTION_MUD_URL_V6 (RFC 8520) exists in the binding because its optdefs.def row does."""
    from dhcp6txn.ipv6.options import MudUrlV6Option, OPTION_MUD_URL_V6
    assert OPTION_MUD_URL_V6 == 112
    opt = MudUrlV6Option(mud_url='https://example.com/mud/lamp')
    assert bytes(opt) == b'\x00\x70\x00\x1c' + b'https://example.com/mud/lamp'
    assert Option.parse(bytes(opt))[1].mud_url == 'https://example.com/mud/lamp'
    opt.validate()
    opt.mud_url = 'http://example.com/'
    with pytest.raises(dhcp6txn.ValidationError):
        opt.validate()


def test_ntp_suboption_extras():
    from dhcp6txn.ipv6.extensions.ntp import (NTPMulticastAddressSubOption,
                                              NTPServerAddressSubOption, NTPServerFQDNSubOption,
                                              UnknownNTPSubOption)
    assert NTPServerAddressSubOption(IPv6Address('2001:0db8::1')).value == '2001:db8::1'
    assert NTPServerFQDNSubOption('ntp.example.com.').value == 'ntp.example.com'
    unknown = UnknownNTPSubOption(9, b'\x01\x02')
    assert unknown.value == '0102' and unknown.suboption_type == 9
    assert bytes(unknown) == b'\x00\x09\x00\x02\x01\x02'
    assert NTPServerAddressSubOption.config_datatype('2001:db8::1') == IPv6Address('2001:db8::1')
    for bad in ('::', '::1', 'fe80::1', 'ff02::1'):
        with pytest.raises(ValueError):
            NTPServerAddressSubOption.config_datatype(bad)
    assert NTPMulticastAddressSubOption.config_datatype('ff05::101') == IPv6Address('ff05::101')
    with pytest.raises(ValueError):
        NTPMulticastAddressSubOption.config_datatype('2001:db8::1')
    assert NTPServerFQDNSubOption.config_datatype('ntp.example.com') == 'ntp.example.com'
    for bad in ('not a name', 'a..b', 'x' * 64 + '.com', '-a.com'):
        with pytest.raises(ValueError):
            NTPServerFQDNSubOption.config_datatype(bad)


def test_option_found_by_type_is_the_one_in_the_list(w1):
    """get_option_of_type on a message nothing was wrapped of yet wraps only the option it finds
    (by its code, in C); the list made later holds that same object, also after the option was
    changed, after a copy of its container, and an absent type still gives None."""
    msg = Message.parse(w1)[1]
    sol = msg.inner_message
    ia = sol.get_option_of_type(IANAOption)
    assert ia is sol.get_option_of_type(IANAOption)
    assert sol.get_option_of_type(StatusCodeOption) is None
    ia.t1 = 1234
    assert any(o is ia for o in sol.options) and sol.options[[type(o) for o in sol.options].index(IANAOption)] is ia
    assert ia.t1 == 1234
    # a sub-option found in an option, then the option moved into another message (copied in C)
    data = ReplyMessage(b'xyz', options=[
        IANAOption(b'abcd', 1, 2, options=[IAAddressOption(IPv6Address('2001:db8::1'), 3, 4)])]).save()
    src = Message.parse(data)[1]
    moved = src.options[0]
    addr = moved.get_option_of_type(IAAddressOption)
    assert addr is moved.get_option_of_type(IAAddressOption)
    del src.options[0]
    reply = ReplyMessage(b'xyz')
    reply.options.append(moved)
    assert reply.options[0] is moved and moved.options[0] is addr
    addr.preferred_lifetime = 77
    assert reply.save() == data.replace(bytes.fromhex('00000003'), bytes.fromhex('0000004d'))
    # a subclass of a table class is not looked up by code: instances are compared by class
    class MyIANA(IANAOption):
        pass
    assert sol.get_option_of_type(MyIANA) is None
    assert sol.get_option_of_type(Option) is sol.options[0]


def test_weak_map_forgets_dead_objects():
    """The pointer -> object maps hold their objects weakly and sweep dead entries."""
    from dhcp6txn._core import WeakMap

    class Thing:
        pass
    m, keep = WeakMap(), []
    for i in range(3000):
        t = Thing()
        m[i] = t
        if i % 100 == 0:
            keep.append(t)
    del t
    assert len(m) == 30 and m.get(0) is keep[0] and m.get(1) is None and m.get(1, 'x') == 'x'
    assert len(m._d) < 3000  # swept on the way
    assert m.pop(100) is keep[1] and m.get(100) is None


def test_options_of_a_made_draft_message_stay_live():
    """A draft message is made in C in one parse; its option objects are bound to the parsed
    options on first use, and stay the objects in the list, changeable afterwards."""
    addr = IAAddressOption(IPv6Address('2001:db8::1'), 3, 4)
    ia = IANAOption(b'abcd', 1, 2, options=[addr])
    status = StatusCodeOption(0, 'ok')
    rc = RapidCommitOption()
    reply = ReplyMessage(b'xyz', options=[status, ia, rc])
    first = reply.save()  # made here
    assert reply.options[1] is ia and ia.options[0] is addr and reply.options[0] is status
    addr.valid_lifetime = 99
    status.status_message = 'fine'
    assert reply.save() == ReplyMessage(b'xyz', options=[
        StatusCodeOption(0, 'fine'),
        IANAOption(b'abcd', 1, 2, options=[IAAddressOption(IPv6Address('2001:db8::1'), 3, 99)]),
        RapidCommitOption()]).save() != first
    # removing and inserting around an option that was never touched after the parse
    reply2 = ReplyMessage(b'xyz', options=[StatusCodeOption(0, 'a'), RapidCommitOption(),
                                           StatusCodeOption(1, 'b')])
    reply2.save()
    last = reply2.options[2]
    del reply2.options[0]
    reply2.options.insert(0, ClientIdOption(LinkLayerDUID(1, b'\x00\x01\x02\x03\x04\x05')))
    assert reply2.options[2] is last and last.status_message == 'b'
    last.status_message = 'c'
    assert Message.parse(reply2.save())[1].options[2].status_message == 'c'
