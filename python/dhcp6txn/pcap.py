"""DHCPv6 messages in pcap and pcapng captures, for `python3 -m dhcp6txn` (the same walk as
dhcp6txn-decode -i pcap, without libpcap): Ethernet (802.1Q/802.1ad tags), Linux cooked SLL and
SLL2, raw IP and BSD null/loopback links; IPv6 with extension headers (fragments skipped); UDP
with port 546 or 547 on either side and TCP port 547 with 2-byte length framing (RFC 5460).
Every length read from the capture is checked before use.
SPDX-License-Identifier: BSD-2-Clause
"""
import struct
from ipaddress import IPv6Address
from typing import BinaryIO, Callable, Dict, Iterator, List, Optional, Tuple

# (detail, payload or None, rejection offset, rejection reason)
Found = Tuple[str, Optional[bytes], int, str]
Note = Callable[[str, str], None]  # (text, detail: the flow, '' before it is known)
Report = Callable[[str], None]

ETH_IPV6 = 0x86dd
VLAN_TYPES = (0x8100, 0x88a8, 0x9100)
MAX_VLAN_TAGS = 4
MAX_EXT_HEADERS = 16
LINK_ETHERNET, LINK_NULL, LINK_RAW, LINK_LOOP, LINK_SLL, LINK_IPV4, LINK_IPV6, LINK_SLL2 = (
    1, 0, 101, 108, 113, 228, 229, 276)


class CaptureError(Exception):
    """The file is not a capture this reader understands."""


def packets(f: BinaryIO) -> Iterator[Tuple[int, bytes, int]]:
    """(link type, captured bytes, length on the wire) for each packet of a pcap/pcapng file."""
    head = f.read(4)
    if len(head) < 4:
        raise CaptureError('file too short for a capture header')
    if head == b'\x0a\x0d\x0d\x0a':
        yield from _pcapng(f, head)
        return
    magic = struct.unpack('<I', head)[0]
    if magic in (0xa1b2c3d4, 0xa1b23c4d):
        order = '<'
    elif magic in (0xd4c3b2a1, 0x4d3cb2a1):
        order = '>'
    else:
        raise CaptureError('not a pcap or pcapng file')
    rest = f.read(20)
    if len(rest) < 20:
        raise CaptureError('pcap header cut off')
    link = struct.unpack(order + 'HHiIII', rest)[5] & 0xffff
    while True:
        rec = f.read(16)
        if len(rec) < 16:
            return
        _, _, caplen, wirelen = struct.unpack(order + 'IIII', rec)
        data = f.read(caplen)
        if len(data) < caplen:
            return
        yield link, data, wirelen


def _pcapng(f: BinaryIO, first: bytes) -> Iterator[Tuple[int, bytes, int]]:
    links: List[int] = []
    order = '<'
    magic: Optional[bytes] = first
    while True:
        if magic is None:
            magic = f.read(4)
            if len(magic) < 4:
                return
        rest = f.read(4)
        if len(rest) < 4:
            return
        if magic == b'\x0a\x0d\x0d\x0a':  # section header: byte order, new interface list
            bom = f.read(4)
            order = '<' if bom == b'\x4d\x3c\x2b\x1a' else '>'
            links = []
            total = struct.unpack(order + 'I', rest)[0]
            body = bom + f.read(total - 12)
        else:
            total = struct.unpack(order + 'I', rest)[0]
            body = f.read(total - 8) if total >= 12 else b''
        btype = struct.unpack(order + 'I', magic)[0]
        magic = None
        if total < 12 or len(body) < total - 8:
            return
        if btype == 1 and len(body) >= 4:  # interface description
            links.append(struct.unpack_from(order + 'H', body, 0)[0])
        elif btype in (6, 2) and len(body) >= 20:  # enhanced (and obsolete) packet block
            iface = struct.unpack_from(order + 'I' if btype == 6 else order + 'H', body, 0)[0]
            caplen, wirelen = struct.unpack_from(order + 'II', body, 12)
            if iface < len(links) and 20 + caplen <= len(body):
                yield links[iface], body[20:20 + caplen], wirelen
        elif btype == 3 and links and len(body) >= 4:  # simple packet block
            wirelen = struct.unpack_from(order + 'I', body, 0)[0]
            yield links[0], body[4:4 + min(wirelen, len(body) - 8)], wirelen


TCP_MAX_FLOWS = 256
TCP_FLOW_MAX_BYTES = 1 << 20
TCP_MAX_PENDING = 64  # out-of-order segments held per direction
TH_FIN, TH_SYN, TH_RST = 1, 2, 4


class _Flow:
    """One direction of a TCP connection: in-order bytes cut into RFC 5460 frames."""

    def __init__(self, desc: str) -> None:
        self.desc = desc
        self.next: Optional[int] = None
        self.buf = b''
        self.pend: List[Tuple[int, bytes]] = []
        self.broken = False

    def _room(self, n: int) -> bool:
        return n <= TCP_FLOW_MAX_BYTES - len(self.buf) - sum(len(d) for _, d in self.pend)

    def take(self, seq: int, data: bytes, fail: Report) -> None:
        assert self.next is not None
        behind = (self.next - seq) & 0xffffffff  # how far seq lies before next
        if behind >= len(data):
            return
        if not self._room(len(data) - behind):
            return self.brk(fail, 'more than 1 MiB of unframed data')
        self.buf += data[behind:]
        self.next = (self.next + len(data) - behind) & 0xffffffff

    def brk(self, fail: Report, why: str) -> None:
        fail('%s; the rest of this TCP direction is not decoded' % why)
        self.broken = True

    def drain(self, fail: Report) -> None:
        i = 0
        while i < len(self.pend) and not self.broken:
            seq, data = self.pend[i]
            if _after(seq, self.next):
                i += 1
                continue
            self.pend[i] = self.pend[-1]
            self.pend.pop()
            self.take(seq, data, fail)
            i = 0

    def frames(self, detail: str) -> List[Found]:
        out: List[Found] = []
        p = 0
        while len(self.buf) - p >= 2:
            n = struct.unpack_from('!H', self.buf, p)[0]
            if n == 0:
                out.append((detail, None, 0, 'zero-length DHCPv6-over-TCP frame'))
                p += 2
                continue
            if len(self.buf) - p - 2 < n:
                break
            out.append((detail, self.buf[p + 2:p + 2 + n], 0, ''))
            p += 2 + n
        self.buf = self.buf[p:]
        return out

    def close(self, detail: str, fail: Report) -> List[Found]:
        out: List[Found] = []
        if not self.broken and len(self.buf) == 1:
            out.append((detail, None, 0, 'truncated DHCPv6-over-TCP frame: stream ends inside '
                        'its length field'))
        elif not self.broken and len(self.buf) >= 2:
            out.append((detail, None, len(self.buf) - 2, 'truncated DHCPv6-over-TCP frame: length '
                        '%d, only %d bytes before the end of the stream'
                        % (struct.unpack_from('!H', self.buf)[0], len(self.buf) - 2)))
        if not self.broken and self.pend:
            fail('%d bytes after a gap in the TCP stream were never decoded'
                 % sum(len(d) for _, d in self.pend))
        return out


def _after(seq: int, ref: Optional[int]) -> bool:
    """seq lies after ref (modular, as TCP sequence numbers compare)."""
    d = (seq - (ref or 0)) & 0xffffffff
    return 0 < d < 1 << 31


class Walker:
    """Finds DHCPv6 messages in captured frames; note() gets what the C tool notes on stderr."""

    def __init__(self, note: Note, fail: Note) -> None:
        self._note, self._fail = note, fail
        self.flows: Dict[bytes, _Flow] = {}
        self.full_reported = False
        self.detail = ''

    def note(self, text: str) -> None:
        self._note(text, self.detail)

    def fail(self, text: str) -> None:
        self._fail(text, self.detail)

    def frame(self, link: int, p: bytes, wirelen: int) -> List[Found]:
        truncated = len(p) < wirelen
        self.detail = ''
        if link == LINK_ETHERNET:
            off = 12
            for _ in range(MAX_VLAN_TAGS + 1):
                if len(p) < off + 2:
                    return []
                et = struct.unpack_from('!H', p, off)[0]
                if et in VLAN_TYPES:
                    off += 4
                    continue
                return self.ipv6(p[off + 2:], truncated) if et == ETH_IPV6 else []
            return []
        if link == LINK_SLL:
            ok = len(p) >= 16 and struct.unpack_from('!H', p, 14)[0] == ETH_IPV6
            return self.ipv6(p[16:], truncated) if ok else []
        if link == LINK_SLL2:
            ok = len(p) >= 20 and struct.unpack_from('!H', p, 0)[0] == ETH_IPV6
            return self.ipv6(p[20:], truncated) if ok else []
        if link in (LINK_RAW, LINK_IPV6):
            return self.ipv6(p, truncated)
        if link == LINK_IPV4:
            return []
        if link in (LINK_NULL, LINK_LOOP):
            if len(p) < 4:
                return []
            fams = (24, 28, 30)
            be, le = struct.unpack_from('>I', p)[0], struct.unpack_from('<I', p)[0]
            return self.ipv6(p[4:], truncated) if be in fams or le in fams else []
        raise CaptureError('unsupported link type %d' % link)

    def ipv6(self, p: bytes, truncated: bool) -> List[Found]:
        n = len(p)
        if n < 40:
            if n >= 1 and p[0] >> 4 == 6:
                self.note('IPv6 header cut off by the capture, skipped')
            return []
        if p[0] >> 4 != 6:
            return []
        plen, have, off = struct.unpack_from('!H', p, 4)[0], n - 40, 40
        wire = plen if plen else have  # a zero payload length: a jumbogram (RFC 2675)
        have = min(have, wire)  # Ethernet padding follows short packets
        if have < wire and not truncated:
            self.note('IPv6 payload length %d exceeds the %d bytes in the frame' % (wire, have))
        nh = p[6]
        for _ in range(MAX_EXT_HEADERS):
            at = off - 40
            if nh == 17:
                return self.udp(p, p[off:off + have - at], wire - at)
            if nh == 6:
                return self.tcp(p, p[off:off + have - at], wire - at)
            if nh == 44:
                self.note('IPv6 fragment, skipped (reassembly not supported)')
                return []
            if nh not in (0, 43, 60, 51):
                return []
            if have - at < 2:
                if truncated:
                    self.note('IPv6 extension header cut off by the capture, skipped')
                return []
            hl = (p[off + 1] + 2) * 4 if nh == 51 else (p[off + 1] + 1) * 8
            if hl > wire - at:
                self.note('IPv6 extension header runs past the payload, skipped')
                return []
            if hl > have - at:
                self.note('IPv6 extension header cut off by the capture, skipped')
                return []
            nh = p[off]
            off += hl
        self.note('more than %d IPv6 extension headers, skipped' % MAX_EXT_HEADERS)
        return []

    @staticmethod
    def _detail(proto: str, ip6: bytes, sp: int, dp: int) -> str:
        return '%s [%s]:%d -> [%s]:%d' % (proto, IPv6Address(ip6[8:24]), sp,
                                         IPv6Address(ip6[24:40]), dp)

    def udp(self, ip6: bytes, p: bytes, wire: int) -> List[Found]:
        if len(p) < 8:
            if wire >= 8:
                self.note('UDP header cut off by the capture, skipped')
            return []
        sp, dp, ulen = struct.unpack_from('!HHH', p)
        if sp not in (546, 547) and dp not in (546, 547):
            return []
        detail = self.detail = self._detail('UDP', ip6, sp, dp)
        if ulen < 8 or ulen > wire:
            return [(detail, None, 0, 'UDP length %d does not fit the IPv6 payload of %d bytes'
                     % (ulen, wire))]
        if ulen > len(p):
            return [(detail, None, len(p) - 8, 'packet truncated by the capture: %d-byte DHCPv6 '
                     'message, %d bytes captured' % (ulen - 8, len(p) - 8))]
        return [(detail, p[8:ulen], 0, '')]

    def tcp(self, ip6: bytes, p: bytes, wire: int) -> List[Found]:
        if len(p) < 20:
            if wire >= 20:
                self.note('TCP header cut off by the capture, skipped')
            return []
        sp, dp, seq = struct.unpack_from('!HHI', p)
        if sp != 547 and dp != 547:
            return []
        detail = self.detail = self._detail('TCP', ip6, sp, dp)
        doff = (p[12] >> 4) * 4
        if doff < 20 or doff > wire:
            self.note('bad TCP header length %d, skipped' % doff)
            return []
        if doff > len(p):
            self.note('TCP header cut off by the capture, skipped')
            return []
        if len(p) < wire:
            self.note('TCP segment truncated by the capture: %d of %d payload bytes'
                      % (len(p) - doff, wire - doff))
        return self.segment(ip6[8:40] + p[:4], detail, seq, p[13], p[doff:])

    def segment(self, key: bytes, detail: str, seq: int, flags: int, data: bytes) -> List[Found]:
        flow = self.flows.get(key)
        if flow is None and (data or flags & TH_SYN):
            if len(self.flows) >= TCP_MAX_FLOWS:
                if data and not self.full_reported:
                    self.fail('more than %d TCP flows at once; further flows are not decoded'
                              % TCP_MAX_FLOWS)
                    self.full_reported = True
                return []
            flow = self.flows[key] = _Flow(detail)
        if flow is None:
            return []
        if flags & TH_SYN:
            flow = self.flows[key] = _Flow(detail)
            seq = (seq + 1) & 0xffffffff  # the SYN takes one sequence number
            flow.next = seq
        out: List[Found] = []
        if not flow.broken and data:
            if flow.next is None:  # capture began mid-stream: start at the first data seen
                flow.next = seq
            if _after(seq, flow.next):
                if len(flow.pend) == TCP_MAX_PENDING or not flow._room(len(data)):
                    flow.brk(self.fail, 'too much out-of-order data (missing segment?)')
                else:
                    flow.pend.append((seq, data))
            else:
                flow.take(seq, data, self.fail)
                if not flow.broken:
                    flow.drain(self.fail)
            if not flow.broken:
                out += flow.frames(detail)
        if flags & (TH_FIN | TH_RST):
            out += flow.close(detail, self.fail)
            del self.flows[key]
        return out

    def finish(self) -> List[Found]:
        """Flows still open when the capture ends: what is left in them is truncated."""
        out: List[Found] = []
        for key, flow in list(self.flows.items()):
            self.detail = flow.desc
            out += flow.close(flow.desc, self.fail)
            del self.flows[key]
        return out
