#!/usr/bin/python3
"""Small network actions the relay interop tests run inside a namespace (ip netns exec):

  nstool.py send ADDR PORT IFACE HEX [HEX ...]   one UDP datagram per HEX, from an ephemeral port
  nstool.py bulk-lq ADDR PORT REMOTE_ID_HEX      RFC 5460 bulk leasequery by Remote-ID over TCP;
                                                 prints one line per binding: DUID, addresses,
                                                 prefixes (hex / text)
Exit status 0, or 1 with a message."""
import socket, struct, sys, time


def opt(code, data):
    return struct.pack("!HH", code, len(data)) + data


def parse_opts(data):
    out, i = [], 0
    while i + 4 <= len(data):
        code, ln = struct.unpack_from("!HH", data, i)
        out.append((code, data[i + 4:i + 4 + ln]))
        i += 4 + ln
    return out


def send(addr, port, iface, hexes):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, iface.encode())
    scope = socket.if_nametoindex(iface)
    for h in hexes:
        s.sendto(bytes.fromhex(h), (addr, int(port), 0, scope))
        time.sleep(0.02)
    s.close()


def bulk_lq(addr, port, remote_id_hex):
    """LEASEQUERY (14) with query type 5 (by Remote-ID): the LQ-query's link-address is ::."""
    s = socket.create_connection((addr, int(port)), timeout=5)
    lq = bytes([5]) + bytes(16) + opt(37, bytes.fromhex(remote_id_hex))
    msg = bytes([14]) + (0x5a5a5a).to_bytes(3, "big") + opt(1, b"\0\3\0\1\2\0\0\0\x42\x42") + opt(44, lq)
    s.sendall(struct.pack("!H", len(msg)) + msg)
    buf, done, lines = b"", False, []
    deadline = time.time() + 10
    while not done and time.time() < deadline:
        chunk = s.recv(65536)
        if not chunk:
            break
        buf += chunk
        while len(buf) >= 2 and len(buf) >= 2 + struct.unpack_from("!H", buf)[0]:
            ln = struct.unpack_from("!H", buf)[0]
            m, buf = buf[2:2 + ln], buf[2 + ln:]
            if m[0] == 16:  # LEASEQUERY-DONE
                done = True
            for code, data in parse_opts(m[4:]):
                if code != 45:  # CLIENT_DATA
                    continue
                sub = parse_opts(data)
                duid = [d for c, d in sub if c == 1]
                addrs = [socket.inet_ntop(socket.AF_INET6, d[:16]) for c, d in sub if c == 5]
                prefixes = ["%s/%d" % (socket.inet_ntop(socket.AF_INET6, d[9:25]), d[8]) for c, d in sub if c == 26]
                lines.append("binding %s addresses %s prefixes %s" % (duid[0].hex() if duid else "-", ",".join(addrs) or "-",
                                                                      ",".join(prefixes) or "-"))
    s.close()
    if not done:
        print("bulk leasequery: no LEASEQUERY-DONE")
        return 1
    print("\n".join(lines) if lines else "no bindings")
    return 0


def main():
    if len(sys.argv) >= 6 and sys.argv[1] == "send":
        send(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:])
        return 0
    if len(sys.argv) == 5 and sys.argv[1] == "bulk-lq":
        return bulk_lq(*sys.argv[2:])
    print(__doc__)
    return 1


if __name__ == "__main__":
    sys.exit(main())
