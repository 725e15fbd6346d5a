#!/usr/bin/python3
"""Regenerate server/fuzz/corpus: seed conversations for fuzz_server.

Each seed is a list of records [flags][length, 2 bytes][datagram] (see fuzz_server.c): whole
client lifecycles (Solicit, Request, Renew, Rebind, Confirm, Release, Decline) for addresses and
prefixes, direct and through one or two relays, pool exhaustion, rapid commit, expiry, and
leasequery over UDP and TCP by every query type, and restarts from the lease file. Requests echo the fuzz server's DUID and the
addresses its pools hand out first. Files named regress-* are
failing inputs the fuzzer found, kept as regression seeds. Usage: make_fuzz_corpus.py; stdlib only.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'fuzz-corpus')
SERVER_DUID = bytes([0, 1, 0, 1, 0x2a, 0, 0, 0, 2, 0, 0, 0, 0x23, 3])

MCAST, GLOBAL, TCP = 0x01, 0x02, 0x80
RESTART = 0xff  # not a datagram: the server restarts from its lease file
S1, S2, S9 = 0x00, 0x04, 0x08


def later(step):  # index into fuzz_server.c's clock steps
    return step << 4


def opt(code, payload=b''):
    return struct.pack('!HH', code, len(payload)) + payload


def a6(text):
    import ipaddress
    return ipaddress.IPv6Address(text).packed


def duid(n):
    return bytes([0, 3, 0, 1, 2, 0, 0, 0, 0, n])


def msg(mtype, txid, *opts):
    return bytes([mtype]) + txid.to_bytes(3, 'big') + b''.join(opts)


def ia_na(iaid, addr=None, t1=0, t2=0):
    body = struct.pack('!III', iaid, t1, t2)
    if addr:
        body += opt(5, a6(addr) + struct.pack('!II', 0, 0))
    return opt(3, body)


def ia_pd(iaid, prefix=None, plen=56):
    body = struct.pack('!III', iaid, 0, 0)
    if prefix:
        body += opt(26, struct.pack('!IIB', 0, 0, plen) + a6(prefix))
    return opt(25, body)


def relay(inner, link, hops=0, extra=b''):
    return (bytes([12, hops]) + a6(link) + a6('fe80::42') + opt(18, b'port-%d' % hops) + extra +
            opt(9, inner))


def frame(m):
    return struct.pack('!H', len(m)) + m


def rec(flags, data):
    return bytes([flags]) + struct.pack('!H', len(data)) + data


def client_msgs(c, ia, sid=True, oro=True):
    """the client's options: Client ID, Elapsed Time, ORO, Server ID when asked"""
    o = [opt(1, duid(c)), opt(8, b'\0\0')]
    if sid:
        o.append(opt(2, SERVER_DUID))
    if oro:
        o.append(opt(6, struct.pack('!HH', 23, 24)))
    return o + ia


def lifecycle(c, ias_first, ias_bound, flags=MCAST | S1, wrap=None):
    w = wrap or (lambda m: m)
    steps = [
        (1, False, ias_first), (3, True, ias_bound), (5, True, ias_bound), (6, False, ias_bound),
        (4, False, ias_bound), (8, True, ias_bound), (1, False, ias_first), (3, True, ias_bound),
        (9, True, ias_bound),
    ]
    recs = [rec(flags, w(msg(t, 0x100 * c + k, *client_msgs(c, ia, sid)))) for k, (t, sid, ia) in enumerate(steps)]
    # restarts after the binding and after the Decline: the lease file must bring both back
    return recs[:2] + [rec(RESTART, b'')] + recs[2:] + [rec(RESTART, b'')]


def lq(qtype, link, *qopts, txid=0x777):
    return msg(14, txid, opt(1, duid(99)), opt(44, bytes([qtype]) + a6(link) + b''.join(qopts)))


def seeds():
    s = {}
    s['na-lifecycle'] = lifecycle(1, [ia_na(1)], [ia_na(1, '2001:db8:1::10')])
    s['pd-lifecycle'] = lifecycle(2, [ia_pd(7)], [ia_pd(7, '2001:db8:100::', 56)])
    s['both-lifecycle'] = lifecycle(3, [ia_na(1), ia_pd(2)],
                                    [ia_na(1, '2001:db8:1::10'), ia_pd(2, '2001:db8:100::', 56)])
    s['relayed'] = lifecycle(4, [ia_na(4), ia_pd(5)], [ia_na(4, '2001:db8:3::1000'), ia_pd(5, '2001:db8:300::', 60)],
                             flags=GLOBAL, wrap=lambda m: relay(m, '2001:db8:3::1'))
    ids = opt(53, duid(77)) + opt(37, struct.pack('!I', 4491) + b'remote-7')
    s['two-relays'] = lifecycle(5, [ia_na(1)], [ia_na(1, '2001:db8:3::1000')], flags=GLOBAL,
                                wrap=lambda m: relay(relay(m, '2001:db8:3::1', 0, ids), '::', 1))
    # three addresses on s2 for five clients: NoAddrsAvail for the last two
    s['exhaust-s2'] = [rec(MCAST | S2, msg(t, 0x200 + c, *client_msgs(c, [ia_na(c)], t == 3)))
                       for c in range(10, 15) for t in (1, 3)]
    s['rapid-commit'] = [rec(MCAST | S1, msg(1, 0x300, *client_msgs(6, [ia_na(1), ia_pd(2)], False), opt(14))),
                         rec(MCAST | S1, msg(5, 0x301, *client_msgs(6, [ia_na(1, '2001:db8:1::10')])))]
    s['expiry'] = [rec(MCAST | S1, msg(1, 0x400, *client_msgs(7, [ia_na(1)], False))),
                   rec(MCAST | S1, msg(3, 0x401, *client_msgs(7, [ia_na(1, '2001:db8:1::10')]))),
                   rec(MCAST | S1 | later(7), msg(5, 0x402, *client_msgs(7, [ia_na(1, '2001:db8:1::10')]))),
                   rec(MCAST | S1 | later(5), msg(6, 0x403, *client_msgs(7, [ia_na(1, '2001:db8:1::10')], False)))]
    # offers expire unswept (1000 s step, no sweep): the next clients' picks reclaim them
    s['offers-expire-unswept'] = ([rec(MCAST | S2, msg(1, 0x700 + c, *client_msgs(c, [ia_na(c)], False)))
                                   for c in range(20, 23)] +
                                  [rec(MCAST | S2 | later(4), msg(1, 0x710, *client_msgs(30, [ia_na(1)], False)))] +
                                  [rec(MCAST | S2, msg(1, 0x711 + c, *client_msgs(c, [ia_na(c)], False)))
                                   for c in range(31, 33)])
    # ten IA_NAs and ten IA_PDs in one Solicit: eight of each are answered, the rest refused
    s['many-ias'] = [rec(MCAST | S1, msg(1, 0x800, *client_msgs(
        40, [ia_na(k) for k in range(10)] + [ia_pd(k) for k in range(10)], False)))]
    s['info-unknown-link-unicast'] = [
        rec(MCAST | S1, msg(11, 0x500, opt(1, duid(8)), opt(8, b'\0\0'), opt(6, struct.pack('!HH', 23, 24)))),
        rec(MCAST | S9, msg(1, 0x501, *client_msgs(8, [ia_na(1)], False))),
        rec(S1, msg(1, 0x502, *client_msgs(8, [ia_na(1)], False))),
        rec(S1, msg(3, 0x503, *client_msgs(8, [ia_na(1, '2001:db8:1::10')]))),
    ]
    bind = lifecycle(9, [ia_na(1), ia_pd(2)], [ia_na(1, '2001:db8:3::1000'), ia_pd(2, '2001:db8:300::', 60)],
                     flags=GLOBAL, wrap=lambda m: relay(m, '2001:db8:3::1', 0, ids))[:2]
    s['leasequery-udp'] = bind + [
        rec(GLOBAL, lq(1, '::', opt(5, a6('2001:db8:3::1000') + b'\0' * 8))),
        rec(GLOBAL, lq(2, '::', opt(1, duid(9)))),
        rec(GLOBAL, lq(2, '2001:db8:3::1', opt(1, duid(9)))),
    ]
    # TCP records are a connection's byte stream: framed messages (RFC 5460), read in pieces of
    # 1, 2, 3, 7, 64, 1000 or all bytes (flags bits 0-2)
    s['leasequery-tcp'] = bind + [rec(RESTART, b''),
        rec(TCP | 0, frame(lq(2, '::', opt(1, duid(9))))),
        rec(TCP | 1, frame(lq(3, '::', opt(53, duid(77)))) + frame(lq(4, '2001:db8:3::1'))),
        rec(TCP | 3, frame(lq(5, '::', opt(37, struct.pack('!I', 4491) + b'remote-7')))),
        rec(TCP | 4, frame(lq(1, '::', opt(5, a6('2001:db8:3::1000') + b'\0' * 8))) + b'\0\0'),
        rec(TCP | 6, frame(msg(1, 0x600, *client_msgs(9, [ia_na(1)], False)))),
    ]
    return s


def main():
    os.makedirs(OUT, exist_ok=True)
    # regress-* files are inputs the fuzzer found (kept as they are)
    for name in os.listdir(OUT):
        if not name.startswith('regress-'):
            os.unlink(os.path.join(OUT, name))
    for name, records in sorted(seeds().items()):
        with open(os.path.join(OUT, name), 'wb') as f:
            f.write(b''.join(records))
    print('%d seeds in %s' % (len(seeds()), OUT))


if __name__ == '__main__':
    main()
