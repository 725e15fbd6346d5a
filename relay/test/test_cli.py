#!/usr/bin/python3
"""dhcp6txn-relay's command line as a program (no root, no network): -t prints what the relay
would do and exits 0, usage and configuration errors exit 2 with a message, --help exits 0, and
the library refuses what RFC 9915 forbids before anything is opened.
Usage: test_cli.py PATH/TO/dhcp6txn-relay"""
import subprocess, sys, tempfile

RELAY = sys.argv[1]


def run(*args):
    r = subprocess.run([RELAY] + list(args), capture_output=True, text=True, timeout=10)
    return r.returncode, r.stdout + r.stderr


def expect(args, rc, *texts):
    got, out = run(*args)
    assert got == rc, "%s: exit %d, want %d:\n%s" % (" ".join(args), got, rc, out)
    for t in texts:
        assert t in out, "%s: %r not in:\n%s" % (" ".join(args), t, out)


def main():
    expect(["--help"], 0, "-l [ADDR%]IF", "--remote-id")
    # lo is on every Linux host: a dhcrelay -6 command line, checked and printed
    expect(["-6", "-t", "-I", "-l", "2001:db8:1::1%lo", "-u", "2001:db8::547%lo", "-s", "sub-1",
            "--remote-id", "lo=32473:port-7", "-rp", "10547"], 0,
           "upstream source port 10547", "lower lo link-address 2001:db8:1::1 interface-id 0x6c6f",
           "remote-id 0x00007ed9706f72742d37", "subscriber-id 0x7375622d31", "upper 2001:db8::547%lo",
           "configuration OK")
    with tempfile.NamedTemporaryFile("w", suffix=".conf") as f:
        f.write("upstream lo ff05::1:3\nhook logger relayed\ndownstream lo\n  remote-id 9:0x0102\n")
        f.flush()
        expect(["-t", "--config", f.name], 0, "lower lo", "remote-id 0x000000090102", "upper ff05::1:3%lo",
               "hook logger relayed (at most 8 at once)")
    expect(["-t", "-l", "nosuchif0", "-u", "lo"], 2, "no interface nosuchif0")
    expect(["-t", "-l", "lo"], 2, "no upper")
    expect(["-t", "-l", "fe80::1%lo", "-u", "lo"], 2, "global or ULA")
    expect(["-t", "-l", "lo", "-u", "lo", "--bogus"], 2, "unknown option or argument --bogus")
    expect(["-t", "--config", "/nonexistent.conf"], 2, "/nonexistent.conf")
    # RFC 6221: an LDRA's link-address is always ::
    expect(["-t", "--ldra", "-l", "2001:db8::1%lo", "-u", "lo"], 2, "lo: an LDRA sends link-address ::")
    print("help, -t with options and a configuration file, and 6 refused configurations: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
