"""Over the shared data, when meson was given its paths (-Dconformance_vectors=..., -Dcaptures=...):
every dhcpkit wire vector and every DHCPv6 message in the captures through the binding.
Skipped (not failed) without them; the vectors are never copied into the repository.
SPDX-License-Identifier: BSD-2-Clause"""
import json
import struct

import pytest

import dhcp6txn
from conftest import env_dir
from dhcp6txn.ipv6.messages import Message, RelayServerMessage, RelayReplyMessage
from dhcp6txn.ipv6.options import Option
from dhcp6txn.ipv6.server.transaction_bundle import TransactionBundle

VECTORS, CAPTURES = env_dir('DHCP6TXN_VECTORS'), env_dir('DHCP6TXN_CAPTURES')


def _records():
    if not VECTORS:
        return []
    out = []
    for f in sorted(VECTORS.glob('test_*.json')):
        out += [r for r in json.loads(f.read_text()) if r['kind'] in ('message', 'option', 'ntp_suboption')]
    return out


def _walk(element):
    """Read every attribute of every element (exercises each field getter)."""
    for name in getattr(type(element), '_args', ()):
        value = getattr(element, name)
        if isinstance(value, (dhcp6txn.Option, dhcp6txn.Message)):
            _walk(value)
    for o in element.options if hasattr(element, 'options') else []:
        _walk(o)
    if isinstance(element, RelayServerMessage) and element.relayed_message is not None:
        _walk(element.relayed_message)


@pytest.mark.skipif(not VECTORS, reason='no -Dconformance_vectors')
def test_dhcpkit_vectors_round_trip():
    done = 0
    for r in _records():
        data = bytes.fromhex(r['hex'])
        try:
            if r['kind'] == 'message':
                used, el = Message.parse(data)
            else:
                used, el = Option.parse(data, space=1 if r['kind'] == 'ntp_suboption' else 0)
        except dhcp6txn.ParseError as e:
            assert not (r['valid'] and used_all(r)), '%s: valid in dhcpkit, rejected: %s' % (r['name'], e)
            continue
        try:
            _walk(el)
        except ValueError:  # a value ipaddress refuses (prefix length 33): only in invalid vectors
            assert not r['valid'], r['name']
        if used == len(data):
            assert bytes(el) == data, r['name']
        done += 1
    assert done > 200


def used_all(record):
    return record.get('roundtrip_exact', False)


@pytest.mark.skipif(not VECTORS, reason='no -Dconformance_vectors')
def test_dhcpkit_bundle_scenarios():
    scenarios = json.loads((VECTORS / 'transaction_bundle_scenarios.json').read_text())
    checked = 0
    for sc in scenarios:
        data, exp = bytes.fromhex(sc['incoming_hex']), sc['expect']
        if 'bundle_error' in exp:
            with pytest.raises(ValueError):
                TransactionBundle(data, sc['received_over_multicast'], sc['received_over_tcp'])
            continue
        b = TransactionBundle(data, sc['received_over_multicast'], sc['received_over_tcp'])
        if exp.get('request_hex') is None:
            assert b.request is None, sc['name']
            continue
        assert bytes(b.request).hex() == exp['request_hex'], sc['name']
        chain = exp['relay_chain_innermost_first']
        assert [(m.hop_count, str(m.link_address), str(m.peer_address)) for m in b.incoming_relay_messages] == \
            [(c['hop_count'], c['link_address'], c['peer_address']) for c in chain], sc['name']
        if exp['link_address'].startswith('ERROR'):
            with pytest.raises(dhcp6txn.Error):  # dhcpkit raises too
                b.link_address
        else:
            assert str(b.link_address) == exp['link_address'], sc['name']
        assert [str(a) for a in b.relays] == exp['relays'], sc['name']
        checked += 1
    assert checked >= 10


def _pcap_udp_payloads(path):
    """DHCPv6 payloads (UDP 546/547 over IPv6) of a classic pcap file, Ethernet or Linux SLL."""
    raw = path.read_bytes()
    magic = raw[:4]
    endian = '<' if magic in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1') else '>'
    linktype = struct.unpack(endian + 'I', raw[20:24])[0]
    off, out = 24, []
    while off + 16 <= len(raw):
        incl = struct.unpack(endian + 'I', raw[off + 8:off + 12])[0]
        frame = raw[off + 16:off + 16 + incl]
        off += 16 + incl
        if linktype == 1:
            l3, ethertype = 14, frame[12:14]
        elif linktype == 113:
            l3, ethertype = 16, frame[14:16]
        elif linktype == 276:
            l3, ethertype = 20, frame[0:2]
        else:
            continue
        if ethertype != b'\x86\xdd' or len(frame) < l3 + 48 or frame[l3 + 6] != 17:
            continue
        udp = frame[l3 + 40:]
        sport, dport = struct.unpack('!HH', udp[:4])
        if {sport, dport} & {546, 547}:
            out.append((sport, dport, udp[8:struct.unpack('!H', udp[4:6])[0]]))
    return out


@pytest.mark.skipif(not CAPTURES, reason='no -Dcaptures')
def test_captures_parse_round_trip_and_bundle():
    messages = bundles = 0
    for pcap in sorted(CAPTURES.glob('*.pcap')):
        for sport, dport, payload in _pcap_udp_payloads(pcap):
            msg = Message.parse(payload)[1]
            _walk(msg)
            assert bytes(msg) == payload, pcap.name
            msg.validate()
            messages += 1
            if dport == 547 and msg.from_client_to_server:
                b = TransactionBundle(payload, received_over_multicast=True)
                assert b.request is not None, pcap.name
                b.response = dhcp6txn.ReplyMessage(b.request.transaction_id)
                out = b.outgoing_message
                if b.incoming_relay_messages:
                    assert isinstance(out, RelayReplyMessage)
                    assert out.inner_message is b.response
                bundles += 1
    assert messages > 100 and bundles > 50
