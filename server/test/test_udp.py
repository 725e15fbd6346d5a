#!/usr/bin/python3
"""End-to-end test of dhcp6txn-server over loopback, no root needed: the server runs on a high
port; this script plays a relay (RFC 8357 Relay Source Port, so the answer comes back to its own
port), checks the four-message exchange, Renew, Release, a malformed datagram, counters on
SIGUSR1, a burst of queued datagrams answered in batches (with and without udp-segmentation), the lease file and server DUID across
a restart, bulk leasequery over TCP, and a clean SIGTERM shutdown. Usage: test_udp.py PATH/TO/dhcp6txn-server"""
import os, re, signal, socket, struct, subprocess, sys, tempfile, time

SERVER = sys.argv[1]
PORT = 20000 + os.getpid() % 20000
LINK = socket.inet_pton(socket.AF_INET6, "2001:db8:1::1")


def opt(code, data):
    return struct.pack("!HH", code, len(data)) + data


def parse_opts(data):
    out, i = [], 0
    while i + 4 <= len(data):
        code, ln = struct.unpack_from("!HH", data, i)
        out.append((code, data[i + 4:i + 4 + ln]))
        i += 4 + ln
    return out


def find(opts, code):
    return [d for c, d in opts if c == code]


def client_msg(mtype, xid, duid, server_duid=None, na=True, pd=False, oro=True, extra=b""):
    body = opt(1, duid)
    if server_duid:
        body += opt(2, server_duid)
    if na:
        body += opt(3, struct.pack("!III", 1, 0, 0) + extra)
    if pd:
        body += opt(25, struct.pack("!III", 2, 0, 0))
    if oro:
        body += opt(6, struct.pack("!HH", 23, 24))
    body += opt(8, b"\0\0")
    return bytes([mtype]) + xid.to_bytes(3, "big") + body


def relay_forw(inner, remote_id=b"port-7"):
    opts = opt(18, b"\0\0\0\x05") + opt(37, b"\0\0\x7e\x59" + remote_id) + opt(135, b"\0\0") + opt(9, inner)
    return bytes([12, 0]) + LINK + socket.inet_pton(socket.AF_INET6, "fe80::1") + opts


def unwrap(reply):
    assert reply[0] == 13, "expected RELAY-REPL, got type %d" % reply[0]
    opts = parse_opts(reply[34:])
    assert find(opts, 18) == [b"\0\0\0\x05"], "Interface-ID not echoed"
    inner = find(opts, 9)[0]
    return inner[0], int.from_bytes(inner[1:4], "big"), parse_opts(inner[4:])


class Server:
    def __init__(self, conf, lease, state):
        self.log = open(conf + ".log", "a+")
        self.log.seek(0, 2)
        self.start = self.log.tell()
        self.p = subprocess.Popen([SERVER, "-c", conf, "-p", str(PORT), "-l", lease, "-s", state],
                                  stderr=self.log, stdout=self.log)
        deadline = time.time() + 10
        while time.time() < deadline:
            if "ready\n" in self.text():
                return
            assert self.p.poll() is None, "server exited early"
            time.sleep(0.05)
        raise AssertionError("server not ready in 10 s")

    def text(self):
        self.log.flush()
        self.log.seek(self.start)
        return self.log.read()

    def stop(self):
        self.p.send_signal(signal.SIGTERM)
        rc = self.p.wait(timeout=10)
        assert rc == 0, "exit status %d after SIGTERM" % rc


def exchange(sock, msg, expect=True):
    sock.sendto(relay_forw(msg), ("::1", PORT))
    try:
        data, _ = sock.recvfrom(65536)
    except socket.timeout:
        assert not expect, "no answer"
        return None
    assert expect, "unexpected answer"
    return unwrap(data)


def ia_addr(opts):
    ia = find(opts, 3)[0]
    sub = parse_opts(ia[12:])
    a = find(sub, 5)
    return (socket.inet_ntop(socket.AF_INET6, a[0][:16]), struct.unpack("!II", a[0][16:24])) if a else None


def bulk_query(qtype, payload):
    s = socket.create_connection(("::1", PORT), timeout=5)
    lq = bytes([qtype]) + LINK + payload
    msg = bytes([14]) + (0x424242).to_bytes(3, "big") + opt(1, b"\0\3\0\1\2\0\0\0\x99\x99") + opt(44, lq)
    s.sendall(struct.pack("!H", len(msg)) + msg)
    types, buf = [], b""
    deadline = time.time() + 10
    while time.time() < deadline and (not types or types[-1][0] != 16):
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            raise AssertionError("bulk answer incomplete: %r" % types)
        if not chunk:
            break
        buf += chunk
        while len(buf) >= 2 and len(buf) >= 2 + struct.unpack_from("!H", buf)[0]:
            ln = struct.unpack_from("!H", buf)[0]
            m, buf = buf[2:2 + ln], buf[2 + ln:]
            assert int.from_bytes(m[1:4], "big") == 0x424242
            types.append((m[0], len(find(parse_opts(m[4:]), 45))))
    s.close()
    return types


def burst(sock, n=150):
    """Many datagrams queued at once (the server reads and answers them in batches of 64): every
    Solicit gets its own Advertise, a malformed datagram in the middle costs nothing else."""
    for i in range(n):
        d = b"\0\3\0\1\2\0\0\2" + struct.pack("!H", i)
        sock.sendto(relay_forw(client_msg(1, 0x700000 + i, d, oro=False)), ("::1", PORT))
        if i == n // 2:
            sock.sendto(bytes([3, 0, 0, 9, 0, 3, 0, 40]), ("::1", PORT))
    seen = {}
    deadline = time.time() + 10
    while len(seen) < n and time.time() < deadline:
        t, xid, o = unwrap(sock.recvfrom(65536)[0])
        assert t == 2 and 0x700000 <= xid < 0x700000 + n and xid not in seen, (t, hex(xid))
        seen[xid] = ia_addr(o)[0]
    assert len(seen) == n, "%d of %d Solicits answered" % (len(seen), n)
    assert len(set(seen.values())) == n, "an address advertised twice in one burst"


def main():
    tmp = tempfile.mkdtemp(prefix="d6s-udp-")
    conf = os.path.join(tmp, "server.conf")
    lease, state = os.path.join(tmp, "leases"), os.path.join(tmp, "state")
    with open(conf, "w") as f:
        f.write("interface lo\nt1 100\nt2 200\npreferred-lifetime 300\nvalid-lifetime 400\n"
                "dns-servers 2001:db8::53\ndomain-search lab.example.com\nleasequery yes\n"
                "subnet 2001:db8:1::/64\n pool 2001:db8:1::1000 2001:db8:1::10ff\n pd-pool 2001:db8:100::/40 56\n")
    srv = Server(conf, lease, state)
    sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    sock.bind(("::1", 0))
    sock.settimeout(2)
    duid = b"\0\3\0\1\2\0\0\0\1\1"
    try:
        t, xid, o = exchange(sock, client_msg(1, 0x111111, duid, pd=True))
        assert (t, xid) == (2, 0x111111), (t, xid)
        addr, _ = ia_addr(o)
        assert addr == "2001:db8:1::1000", addr
        assert find(o, 23)[0] == socket.inet_pton(socket.AF_INET6, "2001:db8::53")
        server_duid = find(o, 2)[0]
        t, xid, o = exchange(sock, client_msg(3, 0x222222, duid, server_duid, pd=True))
        assert t == 7 and ia_addr(o)[0] == addr
        t, xid, o = exchange(sock, client_msg(5, 0x333333, duid, server_duid))
        assert t == 7 and ia_addr(o) == (addr, (300, 400)), ia_addr(o)
        # malformed: option length beyond the end; the server logs it and goes on
        sock.sendto(bytes([1, 0, 0, 1, 0, 1, 0, 200, 1]), ("::1", PORT))
        sock.sendto(relay_forw(b"\x01\x02"), ("::1", PORT))
        # more clients for the bulk query
        for c in range(2, 12):
            d = b"\0\3\0\1\2\0\0\0\1" + bytes([c])
            r = exchange(sock, client_msg(1, c, d, oro=False) + opt(14, b""))
            assert r[0] == 7 and find(r[2], 14) == [b""], "rapid commit reply expected"
        types = bulk_query(4, b"")
        assert types[0] == (15, 1) and types[-1] == (16, 0) and len(types) == 12, types
        assert all(t == (17, 1) for t in types[1:-1]), types
        types = bulk_query(5, opt(37, b"\0\0\x7e\x59port-7"))
        assert len(types) == 12, types
        types = bulk_query(2, opt(1, duid))
        assert types == [(15, 1), (16, 0)], types
        srv.p.send_signal(signal.SIGUSR1)
        time.sleep(0.3)
        assert "counters: leases active=12" in srv.text(), srv.text()
        srv.stop()
        log = srv.text()
        assert "malformed datagram" in log and "malformed=2" in log, log
        assert "Renew from 000300010200000001" in log, log
        # restart: same DUID, leases back, Release works against the reloaded lease
        srv = Server(conf, lease, state)
        assert "12 leases loaded" in srv.text(), srv.text()
        t, xid, o = exchange(sock, client_msg(5, 0x444444, duid, server_duid))
        assert t == 7 and ia_addr(o)[0] == addr, "renew after restart failed (server DUID or lease lost)"
        t, xid, o = exchange(sock, client_msg(8, 0x555555, duid, server_duid, oro=False))
        status = find(o, 13)[0]
        assert t == 7 and status[:2] == b"\0\0", o
        t, xid, o = exchange(sock, client_msg(8, 0x666666, duid, server_duid, oro=False))
        ia = parse_opts(find(o, 3)[0][12:])
        assert find(ia, 13)[0][:2] == b"\0\3", "second release must say NoBinding"
        burst(sock, 150)  # each Advertise holds its address: 11 + 150 leases
        srv.stop()
        assert "leases active=161" in srv.text(), srv.text()[-600:]
        assert "malformed=1 " in srv.text(), srv.text()[-600:]
        # the same burst with udp-segmentation: the Advertises to this relay leave as UDP_SEGMENT
        # sends, and each still arrives here as its own datagram
        gso_conf = os.path.join(tmp, "gso.conf")
        with open(conf) as f, open(gso_conf, "w") as g:
            g.write("udp-segmentation yes\n" + f.read())
        os.unlink(lease)
        srv = Server(gso_conf, lease, state)
        burst(sock, 150)
        srv.stop()
        m = re.search(r"segmented-sends=(\d+) datagrams-per-send=([\d.]+)", srv.text())
        assert m and int(m.group(1)) > 0 and float(m.group(2)) > 1, srv.text()[-600:]
        assert "refused" not in srv.text(), srv.text()[-600:]
        print("dhcp6txn-server over loopback: exchange, renew, release, rapid commit, malformed input, "
              "a burst of 150 answered in batches (also as UDP_SEGMENT sends), bulk leasequery (link/remote-id/client-id), restart with lease file and stable DUID: OK")
    finally:
        if srv.p.poll() is None:
            srv.p.kill()
            srv.p.wait()
        if os.environ.get("D6S_KEEP") is None:
            for f in os.listdir(tmp):
                os.unlink(os.path.join(tmp, f))
            os.rmdir(tmp)


if __name__ == "__main__":
    main()
