#!/usr/bin/python3
"""The server's memory stays flat under datagrams of growing size: ~3,800 relayed Solicits over
loopback, each a little bigger than the one before (up to about 64 KiB), each answered. Without a
limit on the per-datagram arena every size took a new, bigger block and kept all the old ones
(about 120 MB here). Usage: test_rss.py PATH/TO/dhcp6txn-server"""
import os, socket, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_udp  # noqa: E402 (its helpers; it reads the server path from sys.argv too)
from test_udp import PORT, Server, client_msg, opt, relay_forw, unwrap  # noqa: E402

FIRST, LAST, STEP = 200, 65000, 17
WARMUP = 100  # datagrams before the baseline: the arena's first blocks, the lease, the log
MAX_GROWTH_KB = 4096


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS for %d" % pid)


def solicit_of_size(size, xid):
    """A relayed Solicit of exactly 'size' bytes: padded by an option the server does not know."""
    duid = b"\0\3\0\1\2\0\0\0\7\7"
    bare = len(relay_forw(client_msg(1, xid, duid, oro=False) + opt(0xfff0, b"")))
    return relay_forw(client_msg(1, xid, duid, oro=False) + opt(0xfff0, b"\x42" * (size - bare)))


def main():
    tmp = tempfile.mkdtemp(prefix="d6s-rss-")
    conf = os.path.join(tmp, "server.conf")
    lease, state = os.path.join(tmp, "leases"), os.path.join(tmp, "state")
    with open(conf, "w") as f:
        f.write("interface lo\nsubnet 2001:db8:1::/64\n pool 2001:db8:1::1000 2001:db8:1::10ff\n")
    srv = Server(conf, lease, state)
    with open("/proc/%d/maps" % srv.p.pid) as f:
        asan = "libasan" in f.read()
    with open(sys.argv[1], "rb") as f:  # clang links the sanitizer's runtime in statically
        asan = asan or b"__asan_init" in f.read()
    sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
    sock.bind(("::1", 0))
    sock.settimeout(2)
    try:
        sent = answered = 0
        base = peak = None
        for size in range(FIRST, LAST + 1, STEP):
            msg = solicit_of_size(size, 0x100000 + sent)
            assert len(msg) == size, (len(msg), size)
            sock.sendto(msg, ("::1", PORT))
            try:
                t, xid, _ = unwrap(sock.recvfrom(65536)[0])
                answered += t == 2 and xid == 0x100000 + sent
            except socket.timeout:
                pass
            sent += 1
            if sent == WARMUP:
                base = rss_kb(srv.p.pid)
            elif base is not None and sent % 100 == 0:
                peak = max(peak or 0, rss_kb(srv.p.pid))
        end = rss_kb(srv.p.pid)
        peak = max(peak or 0, end)
        print("%d datagrams of %d..%d bytes, %d answered; RSS %d kB after %d, peak %d kB, end %d kB"
              % (sent, FIRST, LAST, answered, base, WARMUP, peak, end))
        assert sent >= 3800
        assert answered == sent, "%d of %d Solicits answered" % (answered, sent)
        srv.stop()
        if asan:  # its allocator keeps memory per size class and quarantines what is freed
            print("RSS not checked: the server is built with AddressSanitizer")
            sys.exit(77)
        assert peak - base < MAX_GROWTH_KB, "RSS grew by %d kB" % (peak - base)
    finally:
        if srv.p.poll() is None:
            srv.p.kill()
            srv.p.wait()
        for f in os.listdir(tmp):
            os.unlink(os.path.join(tmp, f))
        os.rmdir(tmp)


if __name__ == "__main__":
    main()
