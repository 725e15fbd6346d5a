"""Options and messages defined in Python, as dhcpkit defines them (registries, load_from, save,
add_may_contain), and the field decoding of Option.parse.
SPDX-License-Identifier: BSD-2-Clause"""
import struct

import pytest

import dhcp6txn
from dhcp6txn.ipv6.extensions.map import S46RuleOption
from dhcp6txn.ipv6.message_registry import message_registry
from dhcp6txn.ipv6.messages import ClientServerMessage, SolicitMessage, UnknownMessage
from dhcp6txn.ipv6.option_registry import option_registry
from dhcp6txn.ipv6.options import ClientIdOption, Option, RelayMessageOption


class TwoByteOption(Option):
    option_type = 65000

    def __init__(self, data=b''):
        self.data = data

    def load_from(self, buffer, offset=0, length=None):
        used, n = self.parse_option_header(buffer, offset, length, min_length=1, max_length=2)
        self.data = buffer[offset + used:offset + used + n]
        return used + n

    def save(self):
        return struct.pack('!HH', self.option_type, len(self.data)) + self.data


class ShortMessage(ClientServerMessage):
    message_type = 250

    def __init__(self):
        self.body = b''

    def load_from(self, buffer, offset=0, length=None):
        self.body = buffer[offset + 1:offset + 3]
        return 3  # always claims 3 bytes

    def save(self):
        return bytes([self.message_type]) + self.body


@pytest.fixture
def registered():
    option_registry[TwoByteOption.option_type] = TwoByteOption
    message_registry[ShortMessage.message_type] = ShortMessage
    yield
    del option_registry[TwoByteOption.option_type]
    del message_registry[ShortMessage.message_type]


def test_registries_hold_the_library_classes():
    assert option_registry[1] is ClientIdOption
    assert message_registry[1] is SolicitMessage


def test_python_option_parsed_through_the_registry(registered):
    used, opt = Option.parse(bytes.fromhex('fde8000161ff'))
    assert used == 5 and type(opt) is TwoByteOption and opt.data == b'a'
    assert opt.save() == bytes.fromhex('fde8000161')
    opt.validate()
    with pytest.raises(dhcp6txn.ParseError) as e:
        TwoByteOption.parse(bytes.fromhex('fde80000'))
    assert 'minimum length' in str(e.value)
    with pytest.raises(ValueError, match='maximum length'):
        TwoByteOption.parse(bytes.fromhex('fde80003616263'))
    with pytest.raises(ValueError, match='available buffer'):
        TwoByteOption.parse(bytes.fromhex('fde8000261'))
    with pytest.raises(ValueError, match='does not contain'):
        TwoByteOption().load_from(bytes.fromhex('fde70000'))
    with pytest.raises(TypeError):
        SolicitMessage(b'abc', options=[opt])


def test_python_option_not_registered():
    used, opt = Option.parse(bytes.fromhex('fde8000161'))
    assert type(opt).__name__ == 'UnknownOption'


def test_python_message_in_a_relay_message_option(registered):
    used, opt = RelayMessageOption.parse(bytes.fromhex('00090003fa0102'))
    assert type(opt.relayed_message) is ShortMessage and opt.relayed_message.body == b'\x01\x02'
    assert opt.save() == bytes.fromhex('00090003fa0102')
    with pytest.raises(dhcp6txn.ParseError, match='different length'):
        RelayMessageOption.parse(bytes.fromhex('00090004fa010203'))
    used, msg = dhcp6txn.Message.parse(bytes.fromhex('fa0102'))
    assert type(msg) is ShortMessage


def test_added_containment_rule():
    class NotRelayed(UnknownMessage):
        pass

    class Guarded(RelayMessageOption):  # a subclass, so the rule stays out of the other tests
        pass
    Guarded.add_may_contain(NotRelayed, max_occurrence=0)
    opt = Guarded(relayed_message=UnknownMessage(255, b'x'))
    opt.validate()
    opt.relayed_message = NotRelayed(255, b'x')
    with pytest.raises(ValueError, match='cannot contain'):
        opt.validate()
    RelayMessageOption(relayed_message=NotRelayed(255, b'x')).validate()


def test_option_parse_decodes_fields():  # RFC 7598 section 4.1: prefix4-len 0..32
    ok = '00590015011020010203002220010db800ffff0000fffe0000'
    S46RuleOption.parse(bytes.fromhex(ok))
    bad = ok[:12] + '21' + ok[14:]  # prefix4-len 33
    with pytest.raises(dhcp6txn.ParseError, match='ipv4_prefix') as e:
        Option.parse(b'\0\0' + bytes.fromhex(bad), offset=2)
    assert e.value.offset == 2
    # a message keeps the value: the getter and validate() refuse it, the bytes round-trip
    wire = bytes.fromhex('07000001' + bad)
    msg = dhcp6txn.Message.parse(wire)[1]
    assert msg.save() == wire
    with pytest.raises(ValueError):
        msg.options[0].ipv4_prefix
    with pytest.raises(ValueError):
        msg.validate()
