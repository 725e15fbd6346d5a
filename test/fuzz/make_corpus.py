#!/usr/bin/python3
"""Regenerate the fuzz seed corpora (test/fuzz/corpus, test/fuzz/corpus-opt, test/fuzz/corpus-relay).

Seeds: the benchmark workloads (shared/bench/*.hex), every distinct DHCPv6 message in a
handful of real captures (shared/captures), and hand-made edge cases (relay depth limit,
option nesting limit, DNR, S46, NTP, vendor options, leasequery, DHCPv4-over-DHCPv6...).
Usage: make_corpus.py SHARED_DIR   (e.g. ../shared); stdlib only.
"""
import hashlib
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CAPTURES = [
    'dhclient-2relays-dhcrelay-both-kea', 'dhclient-direct-na-lifecycle-kea',
    'dhclient-1relay-dnsmasq-info-kea', 'dhcpcd-2relays-wide-pd-kea',
    'dhcpcd-direct-pd-lifecycle-kea', 'dhcpcd-1relay-dhcrelay-both-kea',
    'wide-2relays-dnsmasq+wide-na-kea', 'wide-direct-both-kea', 'wide-1relay-wide-info-kea',
]


def opt(code, payload=b''):
    return struct.pack('!HH', code, len(payload)) + payload


def dname(*labels):
    return b''.join(bytes([len(l)]) + l for l in labels) + b'\0'


ADDR = bytes.fromhex('20010db8000000000000000000000001')
LINK = bytes.fromhex('fe800000000000000000000000000001')
DUID = bytes.fromhex('000100012e3c0a4b00163e5a7b01')


def relay(inner, hops, mtype=12):
    return bytes([mtype, hops]) + ADDR + LINK + opt(18, b'if%d' % hops) + opt(9, inner)


def chain(n, inner):
    for h in range(n):
        inner = relay(inner, h)
    return inner


def client(mtype, *opts, txid=b'\x12\x34\x56'):
    return bytes([mtype]) + txid + b''.join(opts)


def nested(levels):
    """IA_NA > IAADDR > IA_NA > ... 'levels' options deep (parse allows any sub-option)."""
    o = opt(13, b'\0\0ok')
    for i in range(levels):
        o = opt(5, ADDR + struct.pack('!II', 10, 20) + o) if i % 2 == 0 else \
            opt(3, b'\0\0\0\1' + struct.pack('!II', 1, 2) + o)
    return o


def edge_messages():
    solicit = client(1, opt(1, DUID), opt(8, b'\0\0'), opt(6, b'\0\x17\0\x18\0\x90'),
                     opt(3, b'\0\0\0\1' + b'\0' * 8))
    dnr = opt(144, struct.pack('!H', 1) + struct.pack('!H', 17) + dname(b'dns', b'example', b'net')
              + struct.pack('!H', 32) + ADDR + ADDR + b'\x00\x01\x00\x03\x02h2')
    dnr_noaddr = opt(144, struct.pack('!H', 2) + struct.pack('!H', 1) + b'\0')
    portparams = opt(93, bytes([6, 4]) + struct.pack('!H', 0x3000))
    rule = opt(89, bytes([1, 16, 24]) + bytes([192, 0, 2, 0]) + bytes([48]) + ADDR[:6] + portparams)
    mape = opt(94, rule + opt(90, ADDR))
    mapt = opt(95, rule + opt(91, bytes([64]) + ADDR[:8]))
    lw = opt(96, opt(92, bytes([192, 0, 2, 1, 56]) + ADDR[:7] + portparams) + opt(90, ADDR))
    ntp = opt(56, opt(1, ADDR) + opt(2, ADDR) + opt(3, dname(b'ntp', b'example')))
    vendor = opt(17, struct.pack('!I', 4491) + opt(1, b'abc') + opt(2, b''))
    names = opt(24, dname(b'a', b'b') + dname(b'we\\ird.', b'\x00\xff') + b'\0')
    fqdn_rel = opt(39, b'\x01' + b'\x04host\x07example')
    misc = opt(39, b'\x00' + dname(b'host')) + opt(15, b'\0\3abc\0\0') + \
        opt(16, struct.pack('!I', 9) + b'\0\1x') + opt(64, dname(b'aftr')) + \
        opt(67, b'\x40\x80') + opt(68, b'\x01vpn') + opt(79, b'\0\1' + b'\xaa' * 6) + \
        opt(103, b'https://cp.example/') + opt(135, b'\x10\x00') + opt(61, b'\0\7') + \
        opt(62, b'\1\3\0') + opt(59, b'tftp://x/') + opt(60, b'\0\2ab') + \
        opt(11, bytes([3, 1, 0]) + b'\0' * 8 + b'key') + opt(12, ADDR) + opt(66, opt(23, ADDR)) + \
        opt(65, dname(b'erp')) + opt(41, b'EST5EDT') + opt(42, b'Europe/Zurich') + \
        opt(82, b'\0\0\1\0') + opt(83, b'\0\0\1\0') + opt(32, b'\0\0\0\x3c') + opt(7, b'\xff') + \
        opt(14) + opt(20) + opt(19, b'\x05') + opt(21, dname(b'sip')) + opt(22, ADDR) + \
        opt(27, ADDR) + opt(28, ADDR) + opt(29, dname(b'nis')) + opt(30, dname(b'nisp')) + \
        opt(31, ADDR) + opt(86, ADDR) + opt(88, ADDR) + opt(37, b'\0\0\0\x09rid') + \
        opt(38, b'sub') + opt(53, DUID) + opt(43, b'\0\1') + opt(4, b'\0\0\0\2' + opt(5, ADDR + b'\0' * 8)) + \
        opt(25, b'\0\0\0\3' + b'\0' * 8 + opt(26, b'\0' * 8 + b'\x38' + ADDR + opt(67, b'\x40\x80'))) + \
        opt(65000, b'unknown') + opt(0, b'')
    lq = client(14, opt(44, bytes([1]) + ADDR + opt(5, ADDR + b'\0' * 8) + opt(1, DUID)), opt(1, DUID))
    lq_reply = client(15, opt(45, opt(1, DUID) + opt(5, ADDR + b'\0' * 8) + opt(46, b'\0\0\0\1')),
                      opt(47, ADDR + relay(solicit, 0)), opt(48, ADDR + ADDR),
                      opt(100, b'\0\0\0\1'), opt(101, b'\0\0\0\1'), opt(102, b'\0\0\0\1'))
    return {
        'edge-relay32-ok': chain(32, solicit),
        'edge-relay33-too-deep': chain(33, solicit),
        'edge-relay-repl-2hop': chain(1, relay(client(7, opt(2, DUID)), 0, 13)),
        'edge-nesting16': client(7, nested(15)),
        'edge-nesting17': client(7, nested(16)),
        'edge-nesting18': client(7, nested(17)),
        'edge-dnr': client(7, dnr, dnr_noaddr),
        'edge-s46': client(7, mape, mapt, lw),
        'edge-ntp-vendor': client(7, ntp, vendor),
        'edge-names': client(7, names, fqdn_rel),
        'edge-all-options': client(7, misc),
        'edge-leasequery': lq,
        'edge-leasequery-reply': lq_reply,
        'edge-dhcpv4-query': client(20, opt(87, b'\x01\x01\x06\x00' + b'\0' * 40), txid=b'\x80\0\0'),
        'edge-unknown-type': bytes([200]) + b'opaque body',
        'edge-type0': b'\0',
        'edge-empty-options': client(11),
        'edge-starttls': client(23),
        'edge-truncated-option': client(1, b'\0\1\0\x10abc'),
        'edge-bad-dname': client(7, opt(24, b'\x40' + b'a' * 64 + b'\0')),
        'edge-relay-header-only': bytes([12, 0]) + ADDR + LINK,
    }


def opt_seeds():
    seeds = {
        'opt-v6-iana': b'\0' + opt(3, b'\0\0\0\1' + b'\0' * 8 + opt(5, ADDR + b'\0' * 8 + opt(13, b'\0\0'))),
        'opt-v6-relaymsg': b'\0' + opt(9, client(1, opt(8, b'\0\0'))),
        'opt-v6-dnr': b'\0' + opt(144, b'\0\1\0\1\0'),
        'opt-v6-s46': b'\0' + opt(89, bytes([0, 0, 32, 10, 0, 0, 0, 0])),
        'opt-v6-unknown': b'\4' + opt(999, b'xyz'),
        'opt-ntp-srv-fqdn': b'\1' + opt(3, dname(b'time', b'example')),
        'opt-ntp-addr': b'\5' + opt(1, ADDR),
        'opt-vendor': b'\2' + opt(7, b'vendor data'),
        'dname-abs': b'\3' + dname(b'www', b'example', b'com'),
        'dname-rel': b'\7' + b'\4host',
        'dname-text': b'\3' + b'a\\.b.c\\255.',
        'dname-long-label': b'\3' + b'\x40' + b'a' * 64,
    }
    return seeds


def pcap_messages(path):
    with open(path, 'rb') as f:
        data = f.read()
    magic = struct.unpack('<I', data[:4])[0]
    end = '<' if magic in (0xa1b2c3d4, 0xa1b23c4d) else '>'
    linktype = struct.unpack(end + 'I', data[20:24])[0]
    off = 24
    while off + 16 <= len(data):
        incl = struct.unpack(end + 'I', data[off + 8:off + 12])[0]
        pkt = data[off + 16:off + 16 + incl]
        off += 16 + incl
        if linktype != 1 or len(pkt) < 14 + 40 + 8 or pkt[12:14] != b'\x86\xdd':
            continue
        ip = pkt[14:]
        if ip[6] != 17:  # UDP without extension headers
            continue
        udp = ip[40:]
        ulen = struct.unpack('!H', udp[4:6])[0]
        yield udp[8:ulen]


# fuzz_relay's configuration: interface 1 has this link-address and Interface-ID "eth1", the LDRA
# ports 2 and 3 the Interface-IDs "port2" and "port3"; a seed is a selector byte (bits 0-1:
# interface 1 + sel % 3, bits 2-3: source port 547/3000/546/547, bit 4: MAC known) and a datagram.
RELAY_LINK = bytes.fromhex('20010db8000100000000000000000001')
CLIENT_LL = bytes.fromhex('fe800000000000003631c4fffe3cb2f1')


def relay_seeds(shared):
    """Datagrams for both directions of fuzz_relay: client messages and Relay-forwards from
    downstream relays to forward, Relay-replies for each interface (leases inside) to deliver,
    and the drop cases (hop limit, foreign Interface-ID, no Relay Message)."""
    def rmsg(mtype, hops, link, peer, *opts):
        return bytes([mtype, hops]) + link + peer + b''.join(opts)

    zero = bytes(16)
    solicit = client(1, opt(1, DUID), opt(8, b'\0\0'), opt(3, b'\0\0\0\1' + bytes(8)),
                     opt(25, b'\0\0\0\2' + bytes(8)))
    with open(os.path.join(shared, 'bench', 'w3.hex')) as f:
        reply = bytes.fromhex(f.read().strip())
    with open(os.path.join(shared, 'bench', 'w1.hex')) as f:
        w1 = bytes.fromhex(f.read().strip())
    down = rmsg(12, 0, zero, CLIENT_LL, opt(18, b'olt1'), opt(9, solicit))
    seeds = {
        'fwd-solicit-if1': b'\x10' + solicit,
        'fwd-solicit-ldra': b'\x11' + solicit,
        'fwd-info-request': b'\x00' + client(11, opt(1, DUID), opt(8, b'\0\0')),
        'fwd-unknown-type': b'\x00' + bytes([200]) + b'opaque',
        'fwd-relayed-3000': b'\x04' + down,
        'fwd-relayed-trusted': b'\x02' + down,
        'fwd-relayed-from-546': b'\x18' + down,  # a downstream relay may send from any port
        'fwd-w1-inner': b'\x00' + w1[34 + 4 + 7 + 4 + 18 + 4:],
        'fwd-hop-limit': b'\x00' + rmsg(12, 8, zero, CLIENT_LL, opt(9, solicit)),
        'fwd-relay-reply': b'\x00' + rmsg(13, 0, zero, CLIENT_LL, opt(9, reply)),
        'rep-if1-reply': b'\x00' + rmsg(13, 0, RELAY_LINK, CLIENT_LL, opt(18, b'eth1'),
                                        opt(9, reply)),
        'rep-by-link': b'\x00' + rmsg(13, 0, RELAY_LINK, CLIENT_LL, opt(9, reply)),
        'rep-ldra': b'\x00' + rmsg(13, 0, zero, CLIENT_LL, opt(18, b'port2'), opt(9, reply)),
        'rep-downstream-port': b'\x00' + rmsg(13, 1, RELAY_LINK, CLIENT_LL, opt(18, b'eth1'),
                                              opt(135, b'\x0b\xb8'),
                                              opt(9, rmsg(13, 0, zero, CLIENT_LL,
                                                          opt(18, b'olt1'), opt(9, reply)))),
        'rep-foreign-ifid': b'\x00' + rmsg(13, 0, RELAY_LINK, CLIENT_LL, opt(18, b'eth9'),
                                           opt(9, reply)),
        'rep-no-relay-msg': b'\x00' + rmsg(13, 0, RELAY_LINK, CLIENT_LL, opt(18, b'eth1')),
        'rep-multicast-peer': b'\x00' + rmsg(13, 0, RELAY_LINK, bytes.fromhex('ff02' + '00' * 11 +
                                                                              '010002'),
                                             opt(18, b'eth1'), opt(9, reply)),
    }
    return seeds


def write(dirname, name, blob):
    os.makedirs(dirname, exist_ok=True)
    with open(os.path.join(dirname, name), 'wb') as f:
        f.write(blob)


def main():
    shared = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, '..', '..', '..', 'shared')
    msgdir = os.path.join(HERE, 'corpus')
    for w in ('w1', 'w2', 'w3', 'w3r'):
        with open(os.path.join(shared, 'bench', w + '.hex')) as f:
            write(msgdir, 'bench-' + w, bytes.fromhex(f.read().strip()))
    seen = set()
    for cap in CAPTURES:
        for i, msg in enumerate(pcap_messages(os.path.join(shared, 'captures', cap + '.pcap'))):
            digest = hashlib.sha1(msg).hexdigest()
            if digest not in seen:
                seen.add(digest)
                write(msgdir, 'cap-%s-%02d' % (cap, i), msg)
    for name, blob in edge_messages().items():
        write(msgdir, name, blob)
    for name, blob in opt_seeds().items():
        write(os.path.join(HERE, 'corpus-opt'), name, blob)
    for name, blob in relay_seeds(shared).items():
        write(os.path.join(HERE, 'corpus-relay'), name, blob)


if __name__ == '__main__':
    main()
