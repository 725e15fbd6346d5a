#!/usr/bin/python3
"""dhcp6txn-server at start-up, no root or network needed: what -t refuses (an empty file, a
missing interface, a lease file in a missing directory or at /, overlapping subnets), a lease
file with more leases than max-leases (refused, file untouched), forged lease lines with a good
checksum but impossible content (not loaded), and every line not loaded kept in
LEASEFILE.rejected. Usage: test_startup.py PATH/TO/dhcp6txn-server"""
import os, shutil, subprocess, sys, tempfile

SERVER = sys.argv[1]
PORT = 20000 + (os.getpid() * 7) % 20000
BASE = ("interface lo\nt1 100\nt2 200\npreferred-lifetime 300\nvalid-lifetime 400\n"
        "subnet 2001:db8:1::/64\n pool 2001:db8:1::1000 2001:db8:1::10ff\n pd-pool 2001:db8:100::/40 56\n")


def fnv(body):
    h = 2166136261
    for b in body.encode():
        h = ((h ^ b) * 16777619) & 0xffffffff
    return h


def line(body):
    return "%s *%08x\n" % (body, fnv(body))


def lease(i, addr=None, subnet=0, kind="na", plen=128, cltt=1000, pref=1300, valid=1400, state=2):
    addr = addr or "2001:db8:1::%x" % (0x1000 + i)
    return line("lease %d %s %08x 0003000102000000%04x %s %d %d %d %d %d 2001:db8:1::1 - -" %
                (state, kind, 1, i, addr, plen, subnet, cltt, pref, valid))


def run(tmp, conf_text, lease_text=None, check=False, lease_path=None, timeout=10):
    """Start the server (or -t); return (exit status or None while running, output)."""
    conf = os.path.join(tmp, "s.conf")
    with open(conf, "w") as f:
        f.write(conf_text)
    lease_path = lease_path or os.path.join(tmp, "leases")
    if lease_text is not None:
        with open(lease_path, "w") as f:
            f.write(lease_text)
    args = [SERVER, "-c", conf, "-p", str(PORT), "-l", lease_path, "-s", os.path.join(tmp, "state")]
    if check:
        args.append("-t")
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = ""
    try:
        # the server either says "ready" or exits: both end this loop
        for text in p.stdout:
            out += text
            if text == "ready\n":
                p.terminate()  # it started: stop it by its PID
        p.wait(timeout=timeout)
        return (None if "ready\n" in out else p.returncode), out
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()


def check_refusals(tmp):
    cases = [("", None, "no subnet configured"),
             ("# only a comment\n", None, "no subnet configured"),
             (BASE.replace("interface lo", "interface d6s-nosuch0"), None, "interface d6s-nosuch0"),
             (BASE, os.path.join(tmp, "missing-dir", "leases"), "does not exist"),
             (BASE, "/", "not a regular file"),
             (BASE + "subnet 2001:db8:1:0:8000::/65\n pool 2001:db8:1:0:8000::1 2001:db8:1:0:8000::2\n",
              None, "overlaps subnet 2001:db8:1::/64"),
             (BASE + "subnet 2001:db8:2::/64\n pd-pool 2001:db8:100:ff00::/56 60\n", None, "overlaps the pd-pool")]
    for conf, lp, want in cases:
        for check in (True, False):
            rc, out = run(tmp, conf, check=check, lease_path=lp)
            what = "-t" if check else "start"
            assert rc not in (0, None), "%s accepted %r (lease file %s): %s" % (what, conf[:60], lp, out)
            assert want in out, "%s: want %r in %r" % (what, want, out)
    rc, out = run(tmp, BASE, check=True)
    assert rc == 0 and "configuration OK" in out, out


def check_max_leases(tmp):
    lp = os.path.join(tmp, "leases")
    text = "".join(lease(i) for i in range(40))
    rc, out = run(tmp, "max-leases 10\n" + BASE, text)
    assert rc not in (0, None), "started with 40 leases and max-leases 10: " + out
    assert "more leases than max-leases (10)" in out, out
    assert open(lp).read() == text, "the lease file was changed"
    rc, out = run(tmp, "max-leases 40\n" + BASE, text)
    assert rc is None and "40 leases loaded" in out, out


def check_forged_and_rejected(tmp):
    lp = os.path.join(tmp, "leases")
    good = [lease(i) for i in range(3)]
    forged = [lease(10, subnet=999), lease(11, addr="ff02::1"), lease(12, addr="2001:db8:9::1"),
              lease(13, kind="pd", addr="2001:db8:100:100::", plen=64),
              lease(14, cltt=2 ** 40), lease(15, pref=2000, valid=1500), lease(16, state=7),
              line("lease 2 na 1 0003000102000000ffff 2001:db8:1::1fff 128 0 1000 1300 1400 :: - -"),
              lease(1, addr="2001:db8:1::10ff")]  # same IA as a loaded lease, other address
    damaged = [lease(20).replace("2001:db8:1::1 -", "2001:db8:1::2 -"), "lease 2 na 00000001 torn"]
    text = "".join(good + forged) + "".join(damaged)
    if os.path.exists(lp + ".rejected"):
        os.unlink(lp + ".rejected")
    rc, out = run(tmp, BASE, text)
    assert rc is None, out
    assert "3 leases loaded" in out, out
    assert "%d line(s) not loaded, kept in %s.rejected" % (len(forged) + 2, lp) in out, out
    kept = open(lp + ".rejected").read()
    for l in forged + [damaged[0]]:
        assert l in kept, "rejected line not kept: %r" % l
    assert damaged[1] in kept and "subnet index out of range" in kept and "address outside" in kept, kept
    now = open(lp).read()
    assert all(l in now for l in good) and not any(l in now for l in forged), now
    # a second start appends: nothing that was kept before is lost
    rc, out = run(tmp, BASE, text)
    assert open(lp + ".rejected").read().startswith(kept), "side file overwritten"


def main():
    tmp = tempfile.mkdtemp(prefix="d6s-start-")
    try:
        check_refusals(tmp)
        check_max_leases(tmp)
        check_forged_and_rejected(tmp)
        print("dhcp6txn-server start-up: -t and start refuse what cannot run; a lease file above "
              "max-leases is refused untouched; forged and damaged lines are kept in .rejected: OK")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
