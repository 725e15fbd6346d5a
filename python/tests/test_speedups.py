"""dhcp6txn._speedups (the draft encoder in C) writes the same bytes as the Python encoder
(_elements._draft_payload) and declines the same values; without the extension (no Python
headers where the package was built) the Python one does the work.
SPDX-License-Identifier: BSD-2-Clause"""
import os
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

import pytest

from dhcp6txn import _elements
from dhcp6txn.ipv6.duids import LinkLayerDUID, LinkLayerTimeDUID
from dhcp6txn.ipv6.extensions.dns import DomainSearchListOption, RecursiveNameServersOption
from dhcp6txn.ipv6.extensions.map import S46PortParametersOption, S46RuleOption
from dhcp6txn.ipv6.extensions.prefix_delegation import IAPDOption, IAPrefixOption
from dhcp6txn.ipv6.messages import ReplyMessage
from dhcp6txn.ipv6.options import (ClientIdOption, IAAddressOption, IANAOption,
                                   OptionRequestOption, StatusCodeOption, UnknownOption)

speedups = _elements._speedups
A = IPv6Address('2001:db8::1')


def test_built_with_meson():
    # meson builds it when Python's headers are there and points the tests at it
    if os.environ.get('DHCP6TXN_EXTENSION_DIR'):
        assert speedups is not None


def drafts():
    yield IANAOption(b'abcd', 1, 2, options=[IAAddressOption(A, 3, 4), StatusCodeOption(0, 'ok')])
    yield IANAOption(b'abcd')  # unset fields: their defaults
    yield IAPDOption(b'abcd', 0, 0, options=[IAPrefixOption(IPv6Network('2001:db8::/48'), 1, 2)])
    yield S46RuleOption(1, 16, IPv4Network('192.0.2.0/24'), IPv6Network('2001:db8::/33'),
                        options=[S46PortParametersOption(6, 0)])
    yield RecursiveNameServersOption([A, IPv6Address('::2')])
    yield RecursiveNameServersOption(())
    yield DomainSearchListOption(['example.com', 'example.net.'])
    yield OptionRequestOption([23, 24, 65535])
    yield ClientIdOption(LinkLayerDUID(1, bytes(6)))
    yield ClientIdOption(LinkLayerTimeDUID(1, 775686731, bytes.fromhex('00163e5a7b01')))
    yield ClientIdOption(LinkLayerTimeDUID(6, 0, b''))
    yield DomainSearchListOption(('example.com', 'example.com', 'b.example'))
    yield StatusCodeOption(5, 'caf\xe9 \udcff')  # surrogateescape


def declined():
    yield IANAOption(b'abc')  # IAID of 3 bytes
    yield IANAOption(b'abcd', -1)
    yield IANAOption(b'abcd', 1 << 32)
    yield IANAOption(b'abcd', True)  # a bool is no integer here
    yield IANAOption(b'abcd', 1.0)
    yield IAAddressOption('2001:db8::1')  # a string where an address object goes
    yield IAAddressOption(IPv4Address('192.0.2.1'))
    yield IAPrefixOption(IPv4Network('192.0.2.0/24'))
    yield RecursiveNameServersOption([A, '::2'])
    yield OptionRequestOption([1, 65536])
    yield DomainSearchListOption(['a..b'])
    yield DomainSearchListOption(['example.com', b'example.net'])  # bytes: not a name
    yield DomainSearchListOption('example.com')  # a string, not a list of them
    yield ClientIdOption(LinkLayerTimeDUID(1, -1, b''))  # a time that does not fit
    yield ClientIdOption(LinkLayerTimeDUID(1 << 16, 0, b''))
    yield StatusCodeOption(0, b'bytes')
    yield IANAOption(b'abcd', options=[UnknownOption(99, b'x')])  # no draft inside
    yield IANAOption(b'abcd', options=['x'])
    yield S46PortParametersOption(6, 0, 0)  # a PSID: its setter's way
    inner = IAAddressOption(A)
    yield IANAOption(b'abcd', options=[inner, inner])  # the same draft twice


@pytest.mark.skipif(speedups is None, reason='dhcp6txn._speedups not built')
def test_same_bytes_as_python():
    n = 0
    for d in drafts():
        values = d.__dict__['_draft']
        py = _elements._draft_payload(type(d), values, {id(d)})
        assert py is not None, d
        assert speedups.payload(type(d), values) == py, type(d).__name__
        n += 1
    for d in declined():
        values = d.__dict__['_draft']
        assert _elements._draft_payload(type(d), values, {id(d)}) is None, type(d).__name__
        assert speedups.payload(type(d), values) is None, type(d).__name__
        n += 1
    assert n == 33


@pytest.mark.skipif(speedups is None, reason='dhcp6txn._speedups not built')
def test_message_bytes():
    opts = list(drafts())
    wire = speedups.message(7, b'xyz', opts, _elements._copied_option)
    expect = bytes((7,)) + b'xyz' + b''.join(
        o.option_type.to_bytes(2, 'big') +
        len(_elements._draft_payload(type(o), o.__dict__['_draft'], set())).to_bytes(2, 'big') +
        _elements._draft_payload(type(o), o.__dict__['_draft'], set()) for o in opts)
    assert wire == expect
    assert speedups.message(7, b'xy', opts, _elements._copied_option) is None
    # past the encoder's first buffer, and past its limit (then the setters' way: None)
    for count in (1, 3):
        big = [StatusCodeOption(0, 'x' * 60000) for _ in range(count)]
        wire = speedups.message(7, b'xyz', big, _elements._copied_option)
        assert wire == ReplyMessage(b'xyz', options=[StatusCodeOption(0, 'x' * 60000)
                                                     for _ in range(count)]).save()
    huge = [StatusCodeOption(0, 'x' * 60000) for _ in range(20)]
    assert speedups.message(7, b'xyz', huge, _elements._copied_option) is None
    # the class's attributes are read once per class, unless the object or a descriptor says
    # otherwise
    own = StatusCodeOption(0, 'x')
    own.__dict__['option_type'] = 99

    class Described(StatusCodeOption):
        option_type = property(lambda self: 77)
    for o, code in ((StatusCodeOption(0, 'x'), 13), (own, 99), (Described(0, 'x'), 77)):
        assert speedups.message(7, b'xyz', [o], _elements._copied_option) == (
            b'\x07xyz' + code.to_bytes(2, 'big') + bytes.fromhex('0003000078'))
    # the same message made the long way, option by option, writes the same bytes
    msg = ReplyMessage(b'xyz', options=list(drafts()))
    assert msg.save() == expect
    slow = ReplyMessage(b'xyz')
    slow.save()  # made now: the options below are added one by one
    for o in drafts():
        slow.options.append(o)
    assert slow.save() == expect


def _set_init(cls, fn):
    if fn is None:  # the C base's __init__ (_views)
        if '__init__' in cls.__dict__:
            delattr(cls, '__init__')
    else:
        setattr(cls, '__init__', fn)


def _draft_state(make, init_option, init_message):
    """(the draft values, or the exception) of make() with the given __init__s in place (None:
    no Option.__init__, so _views.Node's is called by the type)."""
    saved = (_elements.Option.__dict__.get('__init__'),
             _elements.ClientServerMessage.__dict__.get('__init__'))
    _set_init(_elements.Option, init_option)
    _set_init(_elements.ClientServerMessage, init_message)
    try:
        obj = make()
    except Exception as e:  # the same type and text either way
        return type(e), str(e)
    finally:
        _set_init(_elements.Option, saved[0])
        _set_init(_elements.ClientServerMessage, saved[1])
    values = obj.__dict__['_draft']
    return type(obj), obj._detached if isinstance(obj, _elements.Option) else None, values


@pytest.mark.skipif(speedups is None, reason='dhcp6txn._speedups not built')
def test_init_in_c_makes_the_same_drafts():
    """option_init / message_init store what the Python __init__s store, and leave every case
    they do not take (keywords, wrong types, too many values) to them."""
    views = _elements._views is not None
    # with _views, Option and ClientServerMessage have no __init__ of their own: the C base's
    # is called by the type
    assert _elements.Option.__dict__.get('__init__') is (None if views else speedups.option_init)
    assert _elements.ClientServerMessage.__dict__.get('__init__') is (
        None if views else speedups.message_init)
    cid = ClientIdOption(LinkLayerDUID(1, bytes(6)))

    class Mine(StatusCodeOption):
        def __init__(self, text):
            super().__init__(0, text)
    cases = [
        lambda: IANAOption(b'abcd', 1, 2, [IAAddressOption(A, 3, 4)]),
        lambda: IANAOption(b'abcd', t2=5),
        lambda: IANAOption(options=[IAAddressOption(A, 3, 4)], t1=7, iaid=b'abcd'),
        lambda: IANAOption(b'abcd', 1, 2, options=[StatusCodeOption(0, 'ok')]),
        lambda: StatusCodeOption(status_message='x'),
        lambda: IANAOption(b'abcd', 1, 2, [], 5),  # one value too many
        lambda: IANAOption(b'abcd', iaid=b'x'),  # twice
        lambda: IANAOption(bogus=1),
        lambda: IANAOption(),
        lambda: Mine('fine'),
        lambda: ReplyMessage(),
        lambda: ReplyMessage(b'xyz', [cid]),
        lambda: ReplyMessage(b'xyz', options=[cid, IANAOption(b'abcd')]),
        lambda: ReplyMessage(transaction_id=b'xyz'),
        lambda: ReplyMessage(b'xyz', options=(cid,)),
        lambda: ReplyMessage(b'xyz', options=[]),
        lambda: ReplyMessage(b'xyz', options=[b'not an option']),
        lambda: ReplyMessage(b'xyz', [], 3),
        lambda: ReplyMessage(b'xyz', bogus=3),
    ]
    for i, make in enumerate(cases):
        fast = _draft_state(make, speedups.option_init, speedups.message_init)
        slow = _draft_state(make, _elements._option_init_py, _elements._message_init_py)
        assert fast == slow, i
        if views:
            assert _draft_state(make, None, speedups.message_init) == slow, i
            assert _draft_state(make, None, None) == slow, i
    # a subclass's __init__ reaches the C base's through super()

    class MyReply(ReplyMessage):
        def __init__(self, options):
            super().__init__(b'abc', options=options)
    mine = MyReply([cid])
    assert mine.__dict__['_draft'] == (b'abc', [cid])
    # the list is the message's own, not the caller's
    opts = [cid]
    msg = ReplyMessage(b'xyz', options=opts)
    assert msg.__dict__['_draft'][1] == opts and msg.__dict__['_draft'][1] is not opts


def test_duid_wire_same_as_save():
    """The encoder's shortcut for LinkLayerTimeDUID writes what DUID.save() writes, and leaves
    values save() refuses to it (the encoder then declines them)."""
    from dhcp6txn import _fields
    from dhcp6txn.ipv6.duids import LinkLayerTimeDUID
    for hw, t, ll in [(1, 775686731, bytes(6)), (0, 0, b''), (65535, (1 << 32) - 1, b'x' * 20)]:
        duid = LinkLayerTimeDUID(hw, t, ll)
        assert _fields._wire_duid(duid) == duid.save() == bytes.fromhex('0001') + \
            hw.to_bytes(2, 'big') + t.to_bytes(4, 'big') + ll
    for hw, t, ll in [(65536, 0, b''), (1, 1 << 32, b''), (True, 0, b''), (1, -1, b''), (1, 0, 'ab')]:
        duid = LinkLayerTimeDUID(hw, t, ll)
        assert _fields._wire_duid(duid) is None
    assert _fields._wire_duid(LinkLayerTimeDUID(1, 2, bytearray(b'ab'))) == \
        LinkLayerTimeDUID(1, 2, b'ab').save()


@pytest.mark.skipif(speedups is None, reason='dhcp6txn._speedups not built')
def test_addresses_and_classes_written_again():
    # the same address objects written many times, among many others (the encoder keeps the
    # bytes of the last few address integers it wrote): always the Python encoder's bytes
    import random
    rnd = random.Random(7)
    v6 = [IPv6Address(rnd.getrandbits(128)) for _ in range(300)] + [IPv6Address(5), A]
    v4 = [IPv4Address(rnd.getrandbits(32)) for _ in range(50)] + [IPv4Address(5)]
    for _ in range(3):
        for i, a in enumerate(v6):
            for d in (IAAddressOption(a, i, i), RecursiveNameServersOption([a, v6[i - 1]]),
                      S46RuleOption(1, 16, IPv4Network((v4[i % len(v4)], 32)),
                                    IPv6Network((a, 128)))):
                values = d.__dict__['_draft']
                assert speedups.payload(type(d), values) == _elements._draft_payload(
                    type(d), values, {id(d)})
    # a class changed after its options were written: read again
    d = StatusCodeOption(0, 'x')
    before = speedups.message(7, b'xyz', [d], _elements._copied_option)
    StatusCodeOption.option_type = 99
    try:
        after = speedups.message(7, b'xyz', [StatusCodeOption(0, 'x')], _elements._copied_option)
    finally:
        StatusCodeOption.option_type = 13
    assert before[4:6] == b'\x00\x0d' and after[4:6] == b'\x00\x63' and before[6:] == after[6:]
    assert speedups.message(7, b'xyz', [StatusCodeOption(0, 'x')],
                            _elements._copied_option) == before
