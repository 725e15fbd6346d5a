#!/usr/bin/python3
"""Bulk leasequery connections held by slow peers, over loopback, no root needed. Peers that
send one byte now and then on every TCP slot must not keep a real client out: its bulk query
is answered within 3 s (the slot that made no progress for longest goes to it); a query that
does not arrive whole within tcp-frame-timeout, and a connection without a whole message for
tcp-idle-timeout, are closed; with tcp-evict-idle no a new connection waits for those
deadlines. Usage: test_tcp_slots.py PATH/TO/dhcp6txn-server"""
import os, socket, sys, tempfile, time, shutil

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_udp  # noqa: E402  (Server, bulk_query)

PORT = 20000 + (os.getpid() * 13) % 20000
test_udp.PORT = PORT
BASE = ("interface lo\nt1 100\nt2 200\npreferred-lifetime 300\nvalid-lifetime 400\nleasequery yes\n"
        "subnet 2001:db8:1::/64\n pool 2001:db8:1::1000 2001:db8:1::10ff\n")


def tricklers(n):
    socks = []
    for _ in range(n):
        s = socket.create_connection(("::1", PORT), timeout=2)
        s.sendall(b"\x40")  # the first byte of a 16 KiB frame that never ends
        socks.append(s)
    return socks


def trickle(socks, seconds):
    """One byte on each open connection every 0.5 s; returns how many the server closed."""
    end = time.time() + seconds
    while time.time() < end:
        for s in socks:
            try:
                s.sendall(b"\x01")
            except OSError:
                pass
        time.sleep(0.5)
    return sum(closed(s) for s in socks)


def closed(s):
    s.setblocking(False)
    try:
        return s.recv(1) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True
    finally:
        s.setblocking(True)


def timed_query():
    t0 = time.time()
    try:
        types = test_udp.bulk_query(4, b"")
    except OSError as e:
        raise AssertionError("bulk query failed: %s" % e)
    assert types and types[0][0] == 15 and types[-1][0] == 16, "no whole bulk answer: %r" % types
    return time.time() - t0


def with_server(tmp, conf_text, body):
    conf = os.path.join(tmp, "s.conf")
    with open(conf, "w") as f:
        f.write(conf_text)
    srv = test_udp.Server(conf, os.path.join(tmp, "leases"), os.path.join(tmp, "state"))
    socks = []
    try:
        body(socks)
        srv.stop()
        return srv.text()
    finally:
        for s in socks:
            s.close()
        if srv.p.poll() is None:
            srv.p.kill()
            srv.p.wait()


def slots_held_defaults(socks):
    """Defaults (4 connections): every slot trickled; a real query still answered in 3 s."""
    socks += tricklers(4)
    trickle(socks, 1.5)
    took = timed_query()
    assert took < 3, "bulk answer took %.1f s" % took
    assert trickle(socks, 0.6) >= 1, "no trickling connection gave up its slot"


def deadlines(socks):
    """tcp-frame-timeout 2, tcp-idle-timeout 3, no eviction, 2 connections."""
    socks += tricklers(2)
    trickle(socks, 1.2)
    # the server closes a connection it has no slot for at once: depending on whether the query
    # was still unread then, the client sees a reset or an orderly end with no answer
    try:
        types = test_udp.bulk_query(4, b"")
        refused = not types or types[-1][0] != 16
    except (OSError, AssertionError):
        refused = True
    assert refused, "a third connection was served with 2 slots and eviction off"
    n = trickle(socks, 5)
    assert n == 2, "%d of 2 trickling connections closed by tcp-frame-timeout" % n
    assert timed_query() < 3
    idle = socket.create_connection(("::1", PORT), timeout=2)
    socks.append(idle)
    end = time.time() + 6
    while time.time() < end and not closed(idle):
        time.sleep(0.2)
    assert closed(idle), "an idle connection outlived tcp-idle-timeout"


def main():
    tmp = tempfile.mkdtemp(prefix="d6s-tcp-")
    try:
        log = with_server(tmp, BASE, slots_held_defaults)
        assert "its slot goes to [::1]" in log, log[-800:]
        log = with_server(tmp, "tcp-frame-timeout 2\ntcp-idle-timeout 3\ntcp-evict-idle no\n"
                          "max-tcp-connections 2\n" + BASE, deadlines)
        assert "refused: 2 connections open" in log, log[-800:]
        assert "closed: query not whole within tcp-frame-timeout" in log, log[-800:]
        assert "closed: no whole message within tcp-idle-timeout" in log, log[-800:]
        print("dhcp6txn-server TCP slots: a bulk query answered in < 3 s with every slot trickled; "
              "frame and idle deadlines close slow connections: OK")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
