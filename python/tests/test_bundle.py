"""TransactionBundle and MessagesList: every dhcpkit attribute and method.
SPDX-License-Identifier: BSD-2-Clause"""
from ipaddress import IPv6Address

import pytest

import dhcp6txn
from bench_transaction import transaction
from dhcp6txn.ipv6.extensions.prefix_delegation import IAPDOption
from dhcp6txn.ipv6.messages import (AdvertiseMessage, Message, RelayForwardMessage, RelayReplyMessage,
                                    ReplyMessage, SolicitMessage)
from dhcp6txn.ipv6.options import (ClientIdOption, IANAOption, InterfaceIdOption, RelayMessageOption,
                                   StatusCodeOption)
from dhcp6txn.ipv6.server.transaction_bundle import MessagesList, TransactionBundle


def test_full_transaction_gives_w3r(w1, w3r):
    assert transaction(w1) == w3r


def test_incoming_side(w1):
    b = TransactionBundle(w1, received_over_multicast=True, marks=['one', ' two '])
    assert isinstance(b.incoming_message, RelayForwardMessage) and bytes(b.incoming_message) == w1
    assert isinstance(b.request, SolicitMessage) and b.request is b.incoming_message.inner_message
    relays = b.incoming_relay_messages
    assert [r.hop_count for r in relays] == [0, 1]  # closest to the client first
    assert relays[1] is b.incoming_message
    assert b.received_over_multicast is True and b.received_over_tcp is False
    assert b.link_address == IPv6Address('2001:db8:ffff:1::1')
    assert b.relays == [IPv6Address('2001:db8:ffff:1::1')]  # the LDRA's :: is left out
    assert set(b.marks) == {'one', 'two'} and 'two' in b.marks and 'three' not in b.marks
    b.add_mark('  three ')
    assert 'three' in b.marks and list(b.marks) == ['one', 'two', 'three']
    b.marks.add('four')
    assert len(b.marks) == 4
    assert str(b) == ("SolicitMessage from 000300013431c43cb2f1 at fe80::3631:c4ff:fe3c:b2f1 via LDRA -> "
                      "2001:db8:ffff:1::1 with marks 'one', 'two', 'three', 'four'")
    b.marks.discard('two')
    b.marks.discard('never-set')
    assert list(b.marks) == ['one', 'three', 'four']
    b.marks = {'four', 'five'}
    assert set(b.marks) == {'four', 'five'}


def test_bundle_from_message_object(w2):
    msg = Message.parse(w2)[1]
    b = TransactionBundle(msg, False)
    assert b.request is msg and b.incoming_message is msg
    assert b.incoming_relay_messages == [] and b.link_address == IPv6Address('::') and b.relays == []
    assert str(b) == 'SolicitMessage from 000300013431c43cb2f1'


def test_policy_flags(w2):
    b = TransactionBundle(w2, False)
    assert b.allow_rapid_commit is False and b.allow_unicast is False
    b.allow_unicast = True
    assert b.allow_unicast is True
    with pytest.raises(dhcp6txn.Error):
        b.allow_unicast = False  # only on
    b2 = TransactionBundle(w2, False, allow_rapid_commit=True)
    assert b2.allow_rapid_commit is True
    b2.allow_rapid_commit = False
    assert b2.allow_rapid_commit is False
    with pytest.raises(dhcp6txn.Error):
        b2.allow_rapid_commit = True  # only off


def test_handled_options_and_handler_data(w1):
    b = TransactionBundle(w1, False)
    ia_na, ia_pd = b.request.get_option_of_type(IANAOption), b.request.get_option_of_type(IAPDOption)
    assert b.get_unhandled_options(IANAOption) == [ia_na]
    assert b.get_unhandled_options((IANAOption, IAPDOption)) == [ia_na, ia_pd]
    assert b.handled_options == []
    b.mark_handled(ia_na)
    b.mark_handled(ia_na)
    assert b.handled_options == [ia_na] and b.handled_options[0] is ia_na
    assert b.get_unhandled_options((IANAOption, IAPDOption)) == [ia_pd]
    foreign = StatusCodeOption(0, 'x')  # not a request option: remembered all the same
    b.mark_handled(foreign)
    assert b.handled_options[-1] is foreign
    b.handler_data['h'] = 42
    assert b.handler_data == {'h': 42}


def test_unhandled_options_are_the_request_options(w1):
    """get_unhandled_options(one class) asks C while the request's option list was never
    wrapped; it hands out the same objects the list holds later, and respects marks."""
    b = TransactionBundle(w1, False)
    [ia_na] = b.get_unhandled_options(IANAOption)
    assert b.get_unhandled_options(IANAOption)[0] is ia_na
    assert b.request.get_option_of_type(IANAOption) is ia_na
    b.mark_handled(ia_na)
    assert b.get_unhandled_options(IANAOption) == []
    [ia_pd] = b.get_unhandled_options(IAPDOption)
    assert any(o is ia_pd for o in b.request.options) and any(o is ia_na for o in b.request.options)
    assert b.get_unhandled_options(IAPDOption)[0] is ia_pd  # the list way now, same objects
    assert b.get_unhandled_options(StatusCodeOption) == []
    # an option added to the request later is listed (it cannot be marked in C)
    b2 = TransactionBundle(w1, False)
    extra = IANAOption(b'wxyz')
    b2.request.options.append(extra)
    assert [o.iaid for o in b2.get_unhandled_options(IANAOption)] == [
        b2.request.get_option_of_type(IANAOption).iaid, b'wxyz']


def test_draft_response_made_in_the_bundle_arena(w1):
    """A draft response is made in the bundle's arena when the relay chain is built; it outlives
    the bundle; a draft one parse cannot make stays a draft until it is needed."""
    import gc
    b = TransactionBundle(w1, False)
    reply = ReplyMessage(b.request.transaction_id, options=[
        b.request.get_option_of_type(ClientIdOption), StatusCodeOption(0, 'ok')])
    b.response = reply
    b.create_outgoing_relay_messages()
    assert '_draft' not in reply.__dict__ and reply._arena is b._arena
    wire = bytes(b.outgoing_message)
    assert Message.parse(wire)[1].inner_message.save() == reply.save()
    status = reply.options[1]
    del b
    gc.collect()
    status.status_message = 'still here'
    assert Message.parse(reply.save())[1].options[1].status_message == 'still here'
    # a value the one-parse way does not take: the option is made field by field, later
    b2 = TransactionBundle(w1, False)
    odd = StatusCodeOption(0, 'ok')
    odd.status_code = 70000  # kept for refusal
    b2.response = ReplyMessage(b2.request.transaction_id, options=[odd])
    b2.create_outgoing_relay_messages()
    assert b2.response._arena is not b2._arena  # made the usual way, option by option
    with pytest.raises(ValueError):
        b2.response.save()
    # the relay chain around it carries the refusal too, as dhcpkit's save() would fail there
    with pytest.raises(ValueError):
        b2.outgoing_message.save()


def test_responses_and_outgoing(w1):
    b = TransactionBundle(w1, False)
    assert b.response is None and not b.responses and b.outgoing_message is None
    assert b.outgoing_relay_messages is None
    reply = ReplyMessage(b.request.transaction_id)
    b.response = reply
    assert b.response is reply and b.responses[0] is reply and bool(b.responses)
    b.create_outgoing_relay_messages()
    out = b.outgoing_relay_messages
    assert [type(m) for m in out] == [RelayReplyMessage, RelayReplyMessage]
    assert out[0].relayed_message is reply and out[1].relayed_message is out[0]
    assert [m.get_option_of_type(InterfaceIdOption).interface_id for m in out] == [
        b'olt1 eth 1/1/5:100', b'Gi0/0/0']  # echoed at every level
    top = b.outgoing_message
    assert top is out[-1] and top.inner_message is reply
    # later changes to the response show in the outgoing bytes
    reply.options.append(StatusCodeOption(0, 'ok'))
    assert bytes(b.outgoing_message).endswith(bytes(reply))
    b.response = None
    assert b.response is None and b.outgoing_message is None


def test_messages_list_is_lazy(w1):
    produced = []

    def more():
        for i in range(3):
            produced.append(i)
            yield ReplyMessage(bytes([0, 0, i]))
    first = ReplyMessage(b'\x00\x00\x09')
    ml = MessagesList(first, more())
    assert ml[0] is first and bool(ml) and produced == []
    with pytest.raises(IndexError):
        ml[1]
    second = AdvertiseMessage(b'\x00\x00\x08')
    ml[0] = second
    assert ml[0] is second
    b = TransactionBundle(w1, False)
    b.responses = ml
    it = b.outgoing_messages
    assert produced == []
    first_out = next(it)
    assert first_out.inner_message is second and produced == []
    rest = [m.inner_message.transaction_id for m in it]
    assert rest == [b'\x00\x00\x00', b'\x00\x00\x01', b'\x00\x00\x02'] and produced == [0, 1, 2]
    assert not MessagesList() and list(MessagesList()) == []
    with pytest.raises(IndexError):
        MessagesList()[0]


def test_wrong_direction_response_is_not_sent(w2):
    b = TransactionBundle(w2, False)
    b.response = SolicitMessage(b'\x00\x00\x01')
    assert b.outgoing_message is None and list(b.outgoing_messages) == []


def test_no_request_and_tcp_rules(w1, w2):
    b = TransactionBundle(bytes(ReplyMessage(b'\x00\x00\x01')), False)
    assert b.request is None and b.get_unhandled_options(IANAOption) == []
    with pytest.raises(dhcp6txn.TCPRelayedError) as e:
        TransactionBundle(w1, False, received_over_tcp=True)
    assert isinstance(e.value, ValueError) and e.value.status_name == 'D6T_ERR_TCP_RELAYED'
    # dhcpkit's convention: one relay-forward stands for the TCP connection
    sol = Message.parse(w2)[1]
    conn = RelayForwardMessage(0, IPv6Address('::'), IPv6Address('2001:db8::99'),
                               options=[RelayMessageOption(sol)])
    t = TransactionBundle(conn, False, received_over_tcp=True)
    assert t.received_over_tcp and t.link_address == IPv6Address('2001:db8::99')
    t.response = ReplyMessage(sol.transaction_id)
    data = list(t.outgoing_datagrams())
    assert len(data) == 1 and int.from_bytes(data[0][:2], 'big') == len(data[0]) - 2
    peer = TransactionBundle(w2, False, received_over_tcp=True, tcp_peer='2001:db8::7')
    assert peer.link_address == IPv6Address('2001:db8::7')


def test_parse_error_from_bundle():
    with pytest.raises(dhcp6txn.ParseError) as e:
        TransactionBundle(b'\x0c\x00', False)
    assert e.value.status_name == 'D6T_ERR_TRUNCATED' and e.value.offset == 0


def test_destination(w1, w2):
    b = TransactionBundle(w2, False)
    b.set_source('fe80::1', 546)
    assert b.destination() == (IPv6Address('fe80::1'), 546)
    r = TransactionBundle(w1, False)
    # a Relay-reply goes back to the relay agent the datagram came from (RFC 9915 19.3)
    r.set_source('2001:db8:ffff:1::1')
    addr, port = r.destination()
    assert (addr, port) == (IPv6Address('2001:db8:ffff:1::1'), 547)


def test_creation_arguments(w1):
    msg = Message.parse(w1)[1]
    b = TransactionBundle(incoming_message=msg, received_over_multicast=True, allow_rapid_commit=True)
    assert b.received_over_multicast and b.allow_rapid_commit and b.request is msg.inner_message
    for bad in [lambda: TransactionBundle(w1), lambda: TransactionBundle(w1, False, colour=1),
                lambda: TransactionBundle(w1, False, incoming_message=w1),
                lambda: TransactionBundle(w1, False, False, False, None, None, 7)]:
        with pytest.raises(TypeError):
            bad()
    # refused by the library for a message made in C as for bytes
    with pytest.raises(dhcp6txn.TCPRelayedError):
        TransactionBundle(msg, False, received_over_tcp=True)
    b = TransactionBundle(msg, False, marks=('x',))
    assert list(b.marks) == ['x'] and b.request is msg.inner_message

    class Mine(TransactionBundle):
        def __init__(self, data, colour):
            super().__init__(data, received_over_multicast=False)
            self.colour = colour
    m = Mine(w1, 'blue')
    assert m.colour == 'blue' and isinstance(m.request, SolicitMessage) and not m.received_over_multicast
    m.handler_data['k'] = 1
    m.handler_data = {'other': 2}
    assert m.handler_data == {'other': 2}


def test_response_before_and_after_responses(w1):
    b = TransactionBundle(w1, False)
    r1, r2, r3 = (ReplyMessage(bytes([0, 0, i])) for i in (1, 2, 3))
    b.response = r1
    b.response = r2  # no MessagesList asked for yet
    assert b.response is r2
    ml = b.responses
    assert type(ml) is MessagesList and ml.first_message is r2 and b.responses is ml
    b.response = r3  # now the MessagesList's first message
    assert ml.first_message is r3 and b.response is r3
    b.responses = (r1, iter([r2]))  # (first message, the iterator of the rest)
    assert type(b.responses) is MessagesList and b.response is r1 and list(b.responses) == [r1, r2]
    b.response = None
    assert b.response is None and not b.responses
    b.response = r2
    assert b.response is r2 and b.outgoing_message.inner_message is r2
    with pytest.raises((AttributeError, TypeError)):
        del b.response


def test_bundle_in_a_cycle_is_collected(w1):
    import gc
    import weakref
    b = TransactionBundle(w1, False)
    b.handler_data['me'] = b
    b.response = ReplyMessage(b.request.transaction_id)
    b.create_outgoing_relay_messages()
    ref = weakref.ref(b)
    del b
    gc.collect()
    assert ref() is None


def test_shallow_copy_shares_the_bundle(w1):
    import copy
    b = TransactionBundle(w1, False)
    b.handler_data['x'] = 1
    b.colour = 'blue'
    b.response = ReplyMessage(b.request.transaction_id)
    c = copy.copy(b)
    assert type(c) is TransactionBundle and c is not b and c.colour == 'blue'
    assert c.request is b.request and c.handler_data is b.handler_data and c.response is b.response
    assert c.outgoing_message.inner_message is b.response and bytes(c.outgoing_message) == bytes(
        b.outgoing_message)


def test_outgoing_message_of_a_fresh_wrong_direction_response(w2):
    class Fresh(MessagesList):  # a new message each time the first one is asked for
        @property
        def first_message(self):
            return SolicitMessage(b'\x00\x00\x01')

        @first_message.setter
        def first_message(self, value):
            pass
    b = TransactionBundle(w2, False)
    b.responses = Fresh()
    for _ in range(3):
        assert b.outgoing_message is None and type(b.response) is SolicitMessage


def test_relay_chain_dropped_while_the_response_is_made(w1):
    b = TransactionBundle(w1, False)

    class Sneaky(ReplyMessage):  # Python code that runs while the draft response is made
        @property
        def message_type(self):
            b.outgoing_relay_messages = None
            return 7
    b.response = Sneaky(b.request.transaction_id)
    b.create_outgoing_relay_messages()
    assert b.response.message_type == 7
