"""RelayAgent: the relay-agent calls of relay.h from Python, bytes checked on the wire.
SPDX-License-Identifier: BSD-2-Clause"""
from ipaddress import IPv6Address, IPv6Network

import pytest

import dhcp6txn
from dhcp6txn import RelayAgent, RelayDropped, RelayLease, TransactionBundle
from dhcp6txn.ipv6.messages import AdvertiseMessage, RelayForwardMessage, ReplyMessage, SolicitMessage

LINK = IPv6Address('2001:db8:1::1')
CLIENT = IPv6Address('fe80::3631:c4ff:fe3c:b2f1')
RELAY2 = IPv6Address('fe80::2')
MAC = bytes.fromhex('3431c43cb2f1')
SOLICIT = bytes.fromhex('01abcdef0001000a000300013431c43cb2f1000800020000')


def opt(code, payload):
    return code.to_bytes(2, 'big') + len(payload).to_bytes(2, 'big') + payload


def relay_msg(mtype, hops, link, peer, *opts):
    return bytes([mtype, hops]) + IPv6Address(link).packed + IPv6Address(peer).packed + b''.join(opts)


def test_forward_client_message_with_every_option():
    agent = RelayAgent(relay_id=bytes.fromhex('00030001aabbccddeeff'), source_port=1547)
    agent.add_interface(3, link_address=LINK, interface_id=b'eth0', remote_id=(9, b'abc'),
                        subscriber_id=b'sub1', client_link_layer_address=True,
                        echo_request=[37, 38], relay_supplied_options=opt(0x1234, b'xy'))
    assert len(agent) == 1
    fwd = agent.forward(SOLICIT, iface=3, source_address=CLIENT, source_port=546, mac=MAC)
    assert isinstance(fwd, RelayForwardMessage)
    assert fwd.hop_count == 0 and fwd.link_address == LINK and fwd.peer_address == CLIENT
    assert isinstance(fwd.relayed_message, SolicitMessage)
    assert bytes(fwd) == relay_msg(12, 0, LINK, CLIENT,
                                   opt(18, b'eth0'), opt(37, bytes.fromhex('00000009') + b'abc'),
                                   opt(38, b'sub1'), opt(43, bytes.fromhex('00250026')),
                                   opt(66, opt(0x1234, b'xy')),
                                   opt(79, bytes.fromhex('0001') + MAC),
                                   opt(53, bytes.fromhex('00030001aabbccddeeff')),
                                   opt(135, b'\0\0'), opt(9, SOLICIT))


def test_forward_relayed_hop_count_and_drops():
    agent = RelayAgent()
    agent.add_interface(1, link_address=LINK)
    down = relay_msg(12, 2, '::', CLIENT, opt(9, SOLICIT))
    fwd = agent.forward(down, iface=1, source_address=RELAY2, source_port=3000)
    # hop count + 1, and RFC 8357: the downstream relay's port remembered for the reply
    assert bytes(fwd) == relay_msg(12, 3, LINK, RELAY2, opt(135, bytes.fromhex('0bb8')), opt(9, down))
    with pytest.raises(RelayDropped) as e:
        agent.forward(relay_msg(12, 8, '::', CLIENT, opt(9, SOLICIT)), iface=1, source_address=RELAY2)
    assert e.value.status_name == 'D6T_ERR_RELAY_DEPTH' and e.value.offset == 1
    assert 'HOP_COUNT_LIMIT' in e.value.reason and isinstance(e.value, ValueError)
    for bad, status in [(bytes.fromhex('07abcdef'), 'D6T_ERR_WRONG_KIND'),
                        (bytes.fromhex('01ab'), 'D6T_ERR_TRUNCATED'),
                        (bytes.fromhex('01abcdef0001000a0003'), 'D6T_ERR_OPT_OVERRUN')]:
        with pytest.raises(RelayDropped) as e:
            agent.forward(bad, iface=1, source_address=CLIENT)
        assert e.value.status_name == status
    with pytest.raises(RelayDropped) as e:
        agent.forward(SOLICIT, iface=2, source_address=CLIENT)
    assert e.value.status_name == 'D6T_ERR_NOT_FOUND'


def test_configuration_errors():
    agent = RelayAgent()
    with pytest.raises(dhcp6txn.Error) as e:
        agent.add_interface(1)
    assert e.value.status_name == 'D6T_ERR_INVALID_ARG' and 'Interface-ID' in e.value.reason
    with pytest.raises(dhcp6txn.Error):
        agent.add_interface(1, link_address='fe80::1')
    with pytest.raises(dhcp6txn.Error):
        agent.add_interface(1, link_address=LINK, ldra=True, interface_id=b'x')
    with pytest.raises(dhcp6txn.Error):
        RelayAgent(relay_id=b'')
    assert len(agent) == 0


def test_ldra_both_directions():
    agent = RelayAgent()
    agent.add_interface(5, ldra=True, interface_id=b'port5')
    fwd = agent.forward(SOLICIT, iface=5, source_address=CLIENT)
    assert bytes(fwd) == relay_msg(12, 0, '::', CLIENT, opt(18, b'port5'), opt(9, SOLICIT))
    with pytest.raises(RelayDropped) as e:  # untrusted port: no relays behind it
        agent.forward(relay_msg(12, 0, '::', CLIENT, opt(9, SOLICIT)), iface=5, source_address=RELAY2)
    assert e.value.status_name == 'D6T_ERR_WRONG_KIND'
    reply = bytes.fromhex('07abcdef0001000a000300013431c43cb2f1')
    d = agent.reply(relay_msg(13, 0, '::', CLIENT, opt(18, b'port5'), opt(9, reply)))
    assert (d.iface, d.destination, d.port, d.data) == (5, CLIENT, 546, reply)
    assert isinstance(d.message, ReplyMessage)
    with pytest.raises(RelayDropped) as e:
        agent.reply(relay_msg(13, 0, '::', CLIENT, opt(9, reply)))
    assert e.value.status_name == 'D6T_ERR_NOT_FOUND'


def test_reply_leases_and_ports(w3, w3r):
    agent = RelayAgent()
    agent.add_interface(4, link_address='2001:db8:ffff:1::1', interface_id=b'Gi0/0/0')
    # w3r: for a downstream relay (the LDRA), 547
    d = agent.reply(w3r)
    assert (d.iface, d.destination, d.port) == (4, CLIENT, 547)
    assert d.relay_reply.hop_count == 1
    assert d.leases == [
        RelayLease('IA_NA', bytes.fromhex('c43cb2f1'), IPv6Address('2001:db8:1::1234'), 128, 3600, 7200),
        RelayLease('IA_PD', bytes.fromhex('c43cb2f1'), IPv6Address('2001:db8:8000::'), 48, 3600, 7200)]
    assert d.leases[1].prefix == IPv6Network('2001:db8:8000::/48')
    # our Relay Source Port option, echoed, names the downstream relay's port
    inner = relay_msg(13, 0, '::', CLIENT, opt(9, w3))
    d = agent.reply(relay_msg(13, 1, LINK, RELAY2, opt(18, b'Gi0/0/0'), opt(135, bytes.fromhex('0bb8')),
                              opt(9, inner)))
    assert (d.destination, d.port, d.data) == (RELAY2, 3000, inner)
    for bad, status in [(w3, 'D6T_ERR_WRONG_KIND'),
                        (relay_msg(13, 0, LINK, CLIENT, opt(18, b'Gi0/0/0')), 'D6T_ERR_NOT_FOUND'),
                        (relay_msg(13, 0, LINK, CLIENT, opt(18, b'other'), opt(9, w3)), 'D6T_ERR_NOT_FOUND'),
                        (relay_msg(13, 0, LINK, 'ff02::1:2', opt(18, b'Gi0/0/0'), opt(9, w3)),
                         'D6T_ERR_OPT_VALUE')]:
        with pytest.raises(RelayDropped) as e:
            agent.reply(bad)
        assert e.value.status_name == status and e.value.reason


def test_round_trip_through_a_transaction_bundle():
    agent = RelayAgent(source_port=10547)
    agent.add_interface(2, link_address=LINK, interface_id=b'ge-0/0/2')
    fwd = agent.forward(SOLICIT, iface=2, source_address=CLIENT)
    b = TransactionBundle(bytes(fwd), received_over_multicast=False)
    assert b.link_address == LINK
    adv = AdvertiseMessage(b.request.transaction_id)
    b.responses = [adv]
    out = b.outgoing_message
    d = agent.reply(bytes(out))
    assert (d.iface, d.destination, d.port) == (2, CLIENT, 546)
    assert d.data == bytes(adv) and d.leases == []
