"""Python objects keep the C memory they point into alive, however they are held or dropped.
Each step collects garbage and churns the allocator so freed memory would be reused; the
ASan build of this suite (meson setup -Db_sanitize=address) turns any use-after-free into a crash.
SPDX-License-Identifier: BSD-2-Clause"""
import gc
from ipaddress import IPv6Address

from dhcp6txn.ipv6.messages import Message, RelayForwardMessage, ReplyMessage
from dhcp6txn.ipv6.options import (ClientIdOption, IAAddressOption, IANAOption, InterfaceIdOption,
                                   StatusCodeOption)
from dhcp6txn.ipv6.server.transaction_bundle import TransactionBundle


def churn():
    gc.collect()
    junk = [ReplyMessage(bytes([0, 0, i]), options=[StatusCodeOption(i, 'x' * 200)]) for i in range(50)]
    del junk
    gc.collect()


def test_option_outlives_its_message(w1):
    msg = Message.parse(w1)[1]
    ia = msg.inner_message.get_option_of_type(IANAOption)
    cid = msg.inner_message.options[1]
    del msg
    churn()
    assert ia.iaid == bytes.fromhex('c43cb2f1') and cid.duid.link_layer_address == bytes.fromhex('3431c43cb2f1')
    assert bytes(ia) == bytes.fromhex('0003000cc43cb2f10000000000000000')


def test_request_outlives_its_bundle(w1, w3r):
    b = TransactionBundle(w1, False)
    req, relays, incoming = b.request, b.incoming_relay_messages, b.incoming_message
    reply = ReplyMessage(req.transaction_id)
    b.response = reply
    top = b.outgoing_message
    del b
    churn()
    assert req.transaction_id == bytes.fromhex('f350d6')
    assert relays[1].link_address == IPv6Address('2001:db8:ffff:1::1')
    assert bytes(incoming) == w1
    assert top.inner_message is reply and bytes(top).endswith(bytes(reply))


def test_response_outlives_everything_but_the_chain(w1):
    b = TransactionBundle(w1, False)
    b.response = ReplyMessage(b.request.transaction_id, options=[StatusCodeOption(0, 'kept')])
    top = b.outgoing_message
    del b
    churn()  # the chain's arena holds the response's
    again = Message.parse(bytes(top))[1]
    assert again.inner_message.get_option_of_type(StatusCodeOption).status_message == 'kept'


def test_relay_holds_a_message_built_elsewhere():
    inner = ReplyMessage(b'\x00\x00\x05', options=[StatusCodeOption(1, 'inner')])
    relay = RelayForwardMessage(0, IPv6Address('2001:db8::1'), IPv6Address('fe80::1'), options=[InterfaceIdOption(b'x')])
    relay.relayed_message = inner
    expect = bytes(inner)
    del inner
    churn()
    assert bytes(relay).endswith(expect)
    assert relay.relayed_message.get_option_of_type(StatusCodeOption).status_message == 'inner'


def test_moved_option_and_its_children_survive_parent_loss():
    addr = IAAddressOption(IPv6Address('2001:db8::1'), 1, 2)
    ia = IANAOption(b'\x00\x00\x00\x01', options=[addr])
    reply = ReplyMessage(b'\x00\x00\x01', options=[ia])
    assert reply.options[0] is ia and ia.options[0] is addr
    del reply
    churn()
    addr.valid_lifetime = 99  # ia's arena is still the reply's: kept alive by ia and addr
    assert ia.options[0].valid_lifetime == 99 and bytes(ia).endswith((99).to_bytes(4, 'big'))


def test_removed_option_stays_usable(w2):
    msg = Message.parse(w2)[1]
    cid = msg.get_option_of_type(ClientIdOption)
    msg.options.remove(cid)
    del msg
    churn()
    other = ReplyMessage(b'\x00\x00\x02')
    other.options.append(cid)
    assert other.options[0] is cid and cid.duid.hardware_type == 1


def test_cycles_are_collected_safely(w1):
    b = TransactionBundle(w1, False)
    b.handler_data['self'] = b  # a reference cycle through the bundle
    req = b.request
    b.response = ReplyMessage(req.transaction_id)
    del b, req
    churn()  # finalisers run in any order without touching freed memory


def test_many_transactions_do_not_grow(w1):
    """Every arena of a finished transaction is freed (counted directly: RSS would not tell
    under ASan's quarantine)."""
    from dhcp6txn import _elements
    gc.collect()
    before = len(_elements._arenas)
    for _ in range(2000):
        b = TransactionBundle(w1, False)
        b.response = ReplyMessage(b.request.transaction_id, options=[StatusCodeOption(0, 'x')])
        bytes(b.outgoing_message)
    del b
    gc.collect()
    assert len(_elements._arenas) <= before + 2  # at most a new nursery
