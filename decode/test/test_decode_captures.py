#!/usr/bin/python3
"""Every DHCPv6 message in a folder of real captures (meson option 'captures') decodes,
re-encodes to its exact input bytes and passes validation.

usage: test_decode_captures.py DECODER CAPTURE_DIR

The expected messages come from pcaputil's own reader (struct, no libpcap), so the count and the
bytes are checked independently of the program under test.
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcaputil as P  # noqa: E402


def run(args):
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def main():
    dec, folder = sys.argv[1], sys.argv[2]
    if os.environ.get("D6T_HAVE_PCAP", "1") != "1":
        print("built without libpcap: -i pcap unavailable")
        return 77
    if not os.path.isdir(folder):
        print("captures folder not found:", folder)
        return 1
    names = sorted(n for n in os.listdir(folder) if n.endswith(".pcap"))
    if not names:
        print("no *.pcap in", folder)
        return 1
    problems, total = [], 0
    for name in names:
        path = os.path.join(folder, name)
        want = [m.hex() for m in P.udp_dhcpv6_payloads(path)]
        total += len(want)
        if not want:
            problems.append("%s: the reference reader finds no DHCPv6 message" % name)
            continue
        rc, out, err = run([dec, "-i", "pcap", "-f", "hex", path])
        got = out.split("\n")
        if rc != 0 or err:
            problems.append("%s: exit %d\n%s" % (name, rc, err))
        if got[-1] != "" or len(got) - 1 != len(want):
            problems.append("%s: %d messages decoded, %d in the capture" % (name, len(got) - 1, len(want)))
        for i, (g, w) in enumerate(zip(got, want)):
            if g != w:
                problems.append("%s: message %d re-encodes differently\n  in:  %s\n  out: %s" % (name, i + 1, w, g))
        rc, out, err = run([dec, "-i", "pcap", "-f", "hex", "--validate", path])
        if rc != 0 or err:
            problems.append("%s: --validate: exit %d\n%s" % (name, rc, err))
    for p in problems:
        print("FAIL", p)
    print("%d captures, %d DHCPv6 messages, %d problems" % (len(names), total, len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
