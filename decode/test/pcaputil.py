"""Minimal pcap writing and reading for the dhcp6txn-decode tests (Python stdlib only).

The reader is deliberately independent of libpcap and of the program under test: it is the
reference that says how many DHCPv6 messages a capture holds and what their bytes are.
"""
import struct

LINKTYPE_NULL = 0
LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101
LINKTYPE_LINUX_SLL = 113
LINKTYPE_LINUX_SLL2 = 276

ETH_IPV6 = 0x86DD


# ---- building packets ----

def ipv6(src, dst, nh, payload, ext=b""):
    """IPv6 header (+ optional extension headers already encoded in 'ext')."""
    return struct.pack("!IHBB16s16s", 0x60000000, len(ext) + len(payload), nh, 64, src, dst) + ext + payload


def udp(sport, dport, data):
    return struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data


def tcp(sport, dport, seq, flags, data=b"", ack=0):
    return struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack, 5 << 4, flags, 65535, 0, 0) + data


def ether(payload, ethertype=ETH_IPV6, vlan=None):
    hdr = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01"
    if vlan is not None:
        hdr += struct.pack("!HH", 0x8100, vlan)
    return hdr + struct.pack("!H", ethertype) + payload


def addr(text):
    """Tiny IPv6 parser for the test addresses (supports one '::')."""
    head, _, tail = text.partition("::")
    h = [int(x, 16) for x in head.split(":") if x]
    t = [int(x, 16) for x in tail.split(":") if x]
    words = h + [0] * (8 - len(h) - len(t)) + t
    return struct.pack("!8H", *words)


def write_pcap(path, linktype, packets):
    """packets: list of bytes, or (bytes, original_length) for a packet cut by the snaplen."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, linktype))
        for i, p in enumerate(packets):
            data, orig = (p if isinstance(p, tuple) else (p, len(p)))
            f.write(struct.pack("<IIII", 1700000000 + i, 0, len(data), orig))
            f.write(data)


def write_pcapng(path, linktype, packets):
    def block(btype, body):
        body += b"\0" * (-len(body) % 4)
        n = 12 + len(body)
        return struct.pack("<II", btype, n) + body + struct.pack("<I", n)
    with open(path, "wb") as f:
        f.write(block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)))
        f.write(block(1, struct.pack("<HHI", linktype, 0, 65535)))
        for p in packets:
            f.write(block(6, struct.pack("<IIIII", 0, 0, 0, len(p), len(p)) + p))


# ---- reading: the reference extraction of DHCPv6-over-UDP payloads ----

def read_pcap(path):
    """Classic pcap only. Returns (linktype, [(data, orig_len), ...])."""
    with open(path, "rb") as f:
        raw = f.read()
    magic = raw[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        raise ValueError("%s: not a classic pcap file" % path)
    linktype = struct.unpack(e + "I", raw[20:24])[0] & 0x0FFFFFFF
    off, pkts = 24, []
    while off + 16 <= len(raw):
        _, _, incl, orig = struct.unpack(e + "IIII", raw[off:off + 16])
        off += 16
        pkts.append((raw[off:off + incl], orig))
        off += incl
    return linktype, pkts


def _ipv6_of(linktype, p):
    if linktype == LINKTYPE_ETHERNET:
        off = 12
        while len(p) >= off + 2 and struct.unpack("!H", p[off:off + 2])[0] in (0x8100, 0x88A8):
            off += 4
        if len(p) < off + 2 or struct.unpack("!H", p[off:off + 2])[0] != ETH_IPV6:
            return None
        return p[off + 2:]
    if linktype == LINKTYPE_RAW:
        return p
    if linktype == LINKTYPE_LINUX_SLL:
        return p[16:] if struct.unpack("!H", p[14:16])[0] == ETH_IPV6 else None
    if linktype == LINKTYPE_LINUX_SLL2:
        return p[20:] if struct.unpack("!H", p[0:2])[0] == ETH_IPV6 else None
    if linktype == LINKTYPE_NULL:
        fam = struct.unpack("<I", p[:4])[0]
        return p[4:] if fam in (24, 28, 30) else None
    raise ValueError("linktype %d not supported by the test reader" % linktype)


def udp_dhcpv6_payloads(path):
    """Every UDP 546/547 payload over IPv6 (following HBH/routing/dest-opts headers)."""
    linktype, pkts = read_pcap(path)
    out = []
    for data, _ in pkts:
        ip = _ipv6_of(linktype, data)
        if ip is None or len(ip) < 40 or ip[0] >> 4 != 6:
            continue
        plen = struct.unpack("!H", ip[4:6])[0]
        nh, off = ip[6], 40
        while nh in (0, 43, 60):
            nh, off = ip[off], off + (ip[off + 1] + 1) * 8
        if nh != 17:
            continue
        sport, dport, ulen = struct.unpack("!HHH", ip[off:off + 6])
        if {sport, dport} & {546, 547}:
            assert ulen <= plen - (off - 40)
            out.append(bytes(ip[off + 8:off + ulen]))
    return out
