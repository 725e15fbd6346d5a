#!/usr/bin/python3
"""Tests of the dhcp6txn-decode program: every flag, hex input quirks, exit codes, rejected
messages in the middle of the input, and -i pcap on captures written here and in data/.

usage: test_decode_cli.py DECODER DATA_DIR [--validate-invalid]
"""
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcaputil as P  # noqa: E402

DEC = sys.argv[1]
DATA = sys.argv[2]
HAVE_PCAP = os.environ.get("D6T_HAVE_PCAP", "1") == "1"

# real messages (captures / bench)
INFO_REQ = bytes.fromhex(
    "0b5994b60001000e00010001329b76a60200000002020006000a001700180020005200530008000200000010003c00009f08"
    "00366468637063642d392e342e313a4c696e75782d362e31382e34342d66632d763636393a7838365f36343a41757468656e"
    "746963414d44")
REPLY = bytes.fromhex(
    "07f350d60001000a000300013431c43cb2f10002000e000100012e3c0a4b00163e5a7b0100030035c43cb2f10000070800000b"
    "400005001820010db800010000000000000000123400000e1000001c20000d0009000073756363657373000e00000017002020"
    "010db800000000000000000000005320010db80000000000000000000053530018000d076578616d706c6503636f6d000019"
    "0029c43cb2f10000070800000b40001a001900000e1000001c203020010db8800000000000000000000000")
SOLICIT = bytes.fromhex("01f350d60008000200000001000a000300013431c43cb2f1000e0000")
# Solicit whose second option claims 10 bytes but has 2: rejected at byte offset 10
BAD = bytes.fromhex("01aabbcc" "00080002" "0000" "0001000a" "0003")
BAD_OFFSET = 10

TMP = tempfile.mkdtemp(prefix="d6t-decode-test-")


def run(args, stdin=b""):
    p = subprocess.run([DEC] + args, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def tmpfile(name, data):
    path = os.path.join(TMP, name)
    with open(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)
    return path


def check(cond, what, *ctx):
    if not cond:
        raise AssertionError(what + "".join("\n--- " + str(c) for c in ctx))


# ---------------------------------------------------------------- usage and exit code 2

def test_help():
    for flag in ("-h", "--help"):
        rc, out, err = run([flag])
        check(rc == 0 and "usage: dhcp6txn-decode" in out and "--validate" in out, "help", rc, out, err)


def test_usage_errors():
    for args in (["-x"], ["-f", "yaml"], ["-i", "tcp"], ["-f"], ["--validat"]):
        rc, out, err = run(args)
        check(rc == 2, "usage error must exit 2: %s" % args, rc, err)
        check("usage:" in err, "usage text on stderr: %s" % args, err)
        check(out == "", "nothing on stdout: %s" % args, out)


def test_missing_file_is_io_error():
    rc, out, err = run([os.path.join(TMP, "does-not-exist.hex")])
    check(rc == 2 and "does-not-exist.hex" in err, "missing file exits 2", rc, err)
    rc, out, err = run(["-i", "raw", os.path.join(TMP, "nope.bin")])
    check(rc == 2, "missing raw file exits 2", rc, err)


def test_io_error_wins_over_rejection():
    f = tmpfile("bad1.hex", "zz\n")
    rc, _, _ = run([f, os.path.join(TMP, "missing.hex")])
    check(rc == 2, "I/O error exit 2 even with a rejected message", rc)


# ---------------------------------------------------------------- hex input

def test_hex_quirks():
    h = INFO_REQ.hex()
    spaced = " ".join(h[i:i + 2] for i in range(0, len(h), 2))
    coloned = ":".join(REPLY.hex()[i:i + 2] for i in range(0, len(REPLY.hex()), 2)).upper()
    text = ("# a comment line\n"
            "\n"
            "   \t  \n"
            + spaced + "\n"                          # line 4: spaces
            + coloned + "  # trailing comment\n"     # line 5: colons, upper case, comment
            + "# " + SOLICIT.hex() + "\n"            # commented out: not a message
            + SOLICIT.hex()[:10] + " \t" + SOLICIT.hex()[10:] + "\r\n"  # line 7: tab, CRLF
            + SOLICIT.hex())                          # line 8: no final newline
    f = tmpfile("quirks.hex", text)
    rc, out, err = run(["-f", "hex", f])
    check(rc == 0, "quirky hex accepted", rc, err)
    check(out.split("\n") == [INFO_REQ.hex(), REPLY.hex(), SOLICIT.hex(), SOLICIT.hex(), ""],
          "one lower-case hex line per message, equal to the input", out)
    rc, out, err = run(["-f", "json", f])
    lines = out.splitlines()
    check(rc == 0 and len(lines) == 4, "4 JSON lines", rc, out, err)
    types = [json.loads(line).get("msg_type") for line in lines]
    check(types == [11, 7, 1, 1], "JSON msg_type per line", types)


def test_odd_and_invalid_hex_rejected_and_next_processed():
    text = ("# header\n"
            + SOLICIT.hex() + "\n"        # line 2, message 1
            + SOLICIT.hex() + "0\n"       # line 3, message 2: odd digit count
            + "\n"
            + "01zz0000\n"                # line 5, message 3: bad character
            + BAD.hex() + "\n"            # line 6, message 4: parse error
            + REPLY.hex() + "\n")         # line 7, message 5
    f = tmpfile("mixed.hex", text)
    rc, out, err = run(["-f", "hex", f])
    check(rc == 1, "rejected messages exit 1", rc, err)
    check(out.split("\n") == [SOLICIT.hex(), "", "", "", REPLY.hex(), ""], "empty hex lines for rejects", out)
    check(f + ":3: message 2:" in err and "odd number of hex digits" in err, "odd hex reported with line", err)
    check(f + ":5: message 3:" in err and "invalid character 'z'" in err, "bad char reported with line", err)
    check(f + ":6: message 4: rejected at byte offset %d:" % BAD_OFFSET in err, "parse error offset", err)
    check(err.count("rejected") == 3, "three rejections reported", err)

    rc, out, err = run(["-f", "json", f])
    lines = out.splitlines()
    check(rc == 1 and len(lines) == 5, "5 JSON lines", rc, out, err)
    objs = [json.loads(line) for line in lines]
    check(objs[1].get("offset") == (len(SOLICIT)) and "odd" in objs[1].get("error", ""), "odd hex JSON", objs[1])
    check(objs[2].get("offset") == 1 and "invalid character" in objs[2]["error"], "bad char JSON", objs[2])
    check(objs[3].get("offset") == BAD_OFFSET and set(objs[3]) == {"error", "offset"}, "parse error JSON", objs[3])
    check(objs[0].get("msg_type") == 1 and objs[4].get("msg_type") == 7, "neighbours still decoded", objs)

    rc, out, err = run([f])
    check(rc == 1 and out.count("rejected at byte offset") == 3, "text shows rejects", out)
    check("# message 5: " + f + ":7" in out and "REPLY (7), transaction id 0xf350d6" in out,
          "text keeps going after rejects", out)


def test_text_output():
    f = tmpfile("two.hex", SOLICIT.hex() + "\n" + REPLY.hex() + "\n")
    rc, out, err = run(["-f", "text", f])
    check(rc == 0 and err == "", "text ok", rc, err)
    check(out.startswith("# message 1: " + f + ":1\nSOLICIT (1), transaction id 0xf350d6\n"), "first header", out)
    check("\n\n# message 2: " + f + ":2\nREPLY (7)" in out, "blank line between messages", out)
    check("    dns_servers: 2001:db8::53, 2001:db8::5353\n" in out, "typed fields", out)
    rc2, out2, _ = run([f[:0] + f])  # default format is text
    check(out2 == out, "text is the default")


def test_stdin_and_dash():
    data = (SOLICIT.hex() + "\n").encode()
    rc, out, err = run(["-f", "hex"], stdin=data)
    check(rc == 0 and out == SOLICIT.hex() + "\n", "stdin by default", rc, out, err)
    rc, out, err = run(["-f", "hex", "-"], stdin=data)
    check(rc == 0 and out == SOLICIT.hex() + "\n", "'-' is stdin", rc, out, err)
    rc, out, err = run(["-fhex", "-ihex"], stdin=data)
    check(rc == 0 and out == SOLICIT.hex() + "\n", "attached option values", rc, out, err)
    rc, out, _ = run(["-f", "text"], stdin=data)
    check("# message 1: -:1" in out, "stdin named '-'", out)


def test_multiple_files_in_order():
    a = tmpfile("a.hex", SOLICIT.hex() + "\n")
    b = tmpfile("b.hex", REPLY.hex() + "\n" + INFO_REQ.hex() + "\n")
    rc, out, _ = run(["-f", "hex", b, a])
    check(rc == 0 and out.split() == [REPLY.hex(), INFO_REQ.hex(), SOLICIT.hex()], "input order kept", out)


# ---------------------------------------------------------------- raw input

def test_raw():
    a = tmpfile("a.bin", SOLICIT)
    b = tmpfile("b.bin", REPLY)
    rc, out, err = run(["-i", "raw", "-f", "hex", a, b])
    check(rc == 0 and out.split("\n") == [SOLICIT.hex(), REPLY.hex(), ""], "raw files", rc, out, err)
    rc, out, err = run(["-i", "raw", "-f", "hex"], stdin=INFO_REQ)
    check(rc == 0 and out == INFO_REQ.hex() + "\n", "raw stdin", rc, out, err)
    empty = tmpfile("empty.bin", b"")
    bad = tmpfile("bad.bin", BAD)
    rc, out, err = run(["-i", "raw", "-f", "json", empty, bad, a])
    lines = out.splitlines()
    check(rc == 1 and len(lines) == 3, "raw rejects", rc, out, err)
    check(json.loads(lines[0]).get("offset") == 0, "empty raw rejected", lines[0])
    check(json.loads(lines[1]).get("offset") == BAD_OFFSET, "bad raw rejected at its offset", lines[1])
    check(json.loads(lines[2]).get("msg_type") == 1, "next raw still decoded", lines[2])
    check(bad + ": message 2: rejected at byte offset %d" % BAD_OFFSET in err, "raw reject names the file", err)


# ---------------------------------------------------------------- --validate

def test_validate_valid_messages():
    f = tmpfile("valid.hex", SOLICIT.hex() + "\n" + REPLY.hex() + "\n" + INFO_REQ.hex() + "\n")
    for fmt in ("text", "json", "hex"):
        rc, out, err = run(["--validate", "-f", fmt, f])
        check(rc == 0 and err == "", "valid messages validate (%s)" % fmt, rc, err)
    rc, out, err = run(["--validate", "-f", "hex", tmpfile("v2.hex", BAD.hex() + "\n")])
    check(rc == 1 and out == "\n", "rejected message with --validate", rc, out, err)


def validate_invalid():
    """A structurally fine message that breaks RFC 9915: a Solicit carrying a Server Identifier
    and two Client Identifiers, and an IA_NA with T1 > T2."""
    bad = bytes.fromhex("01010203"
                        "0001000a00030001020000000101"
                        "0001000a00030001020000000102"
                        "0002000a00030001020000002303"
                        "0003000c00000001000007d0000003e8")
    f = tmpfile("invalid.hex", SOLICIT.hex() + "\n" + bad.hex() + "\n")
    rc, out, err = run(["--validate", "-f", "hex", f])
    check(out.split("\n") == [SOLICIT.hex(), bad.hex(), ""], "--validate does not change output", out)
    if rc == 0 and err == "":
        return "skip"  # validation not implemented in this build yet
    check(rc == 1, "invalid message exits 1", rc, err)
    lines = [line for line in err.splitlines() if "invalid:" in line]
    check(len(lines) >= 3, "each violation reported", err)
    check(all((f + ":2: message 2: invalid: ") in line for line in lines), "message number and line", err)
    check(any("SOLICIT" in line for line in lines), "where names the message", err)
    return "ok"


# ---------------------------------------------------------------- pcap

CLI6 = P.addr("fe80::1")
SRV6 = P.addr("2001:db8::547")
MCAST = P.addr("ff02::1:2")


def udp_pkt(msg, sport=546, dport=547, **kw):
    return P.ether(P.ipv6(CLI6, MCAST, 17, P.udp(sport, dport, msg)), **kw)


def tcp_pkt(sport, dport, seq, flags, data=b""):
    return P.ether(P.ipv6(CLI6, SRV6, 6, P.tcp(sport, dport, seq, flags, data)))


SYN, FIN, ACK, PSH = 0x02, 0x01, 0x10, 0x08


def make_capture():
    """Returns (path, expected -f hex lines, expected number of rejections)."""
    a, b = SOLICIT, REPLY  # the two framed TCP messages
    stream = struct.pack("!H", len(a)) + a + struct.pack("!H", len(b)) + b
    s1, s2, s3 = stream[:12], stream[12:len(a) + 2 + 7], stream[len(a) + 2 + 7:]
    isn = 0xFFFFFFF0  # sequence numbers wrap inside the stream
    hbh = bytes([17, 0, 1, 4, 0, 0, 0, 0])  # hop-by-hop header, PadN, next header UDP
    trunc = udp_pkt(REPLY, 547, 546)
    frag = P.ether(P.ipv6(CLI6, MCAST, 44, bytes([17, 0, 0, 1, 0, 0, 0, 1]) + b"\0" * 16))
    ipv4 = P.ether(b"\x45" + b"\0" * 8 + b"\x11" + b"\0" * 10 + P.udp(546, 547, SOLICIT), ethertype=0x0800)
    # second TCP flow: a zero-length frame, then a frame cut by the end of the stream
    z = struct.pack("!H", 0) + struct.pack("!H", 50) + b"\x01" * 10
    pkts = [
        udp_pkt(INFO_REQ),                                                       # 1
        P.ether(P.ipv6(SRV6, CLI6, 0, P.udp(547, 546, REPLY), ext=hbh), vlan=5),  # 2 VLAN + HBH
        ipv4,                                                                    # 3 ignored
        tcp_pkt(40000, 547, isn, SYN),                                           # 4
        tcp_pkt(547, 40000, 7, SYN | ACK),                                       # 5 other direction
        tcp_pkt(40000, 547, isn + 1, ACK | PSH, s1),                             # 6
        tcp_pkt(40000, 547, isn + 1 + len(s1) + len(s2), ACK | PSH, s3),         # 7 out of order
        tcp_pkt(40000, 547, isn + 1 + len(s1), ACK | PSH, s2),                   # 8 -> A and B
        tcp_pkt(40000, 547, isn + 1 + len(s1), ACK | PSH, s2),                   # 9 retransmission
        tcp_pkt(40000, 547, isn + 1 + len(stream), FIN | ACK),                   # 10
        (trunc[:len(trunc) - 20], len(trunc)),                                   # 11 truncated
        frag,                                                                    # 12 fragment: note
        tcp_pkt(40001, 547, 1000, SYN),                                          # 13
        tcp_pkt(40001, 547, 1001, ACK | PSH, z),                                 # 14 zero-length
        tcp_pkt(40001, 547, 1001 + len(z), FIN | ACK),                           # 15 truncated frame
        udp_pkt(SOLICIT, 547, 547),                                              # 16 relay to relay
    ]
    path = os.path.join(TMP, "gen.pcap")
    P.write_pcap(path, P.LINKTYPE_ETHERNET, pkts)
    want = [INFO_REQ.hex(), REPLY.hex(), a.hex(), b.hex(), "", "", "", SOLICIT.hex()]
    return path, want


def test_pcap_generated():
    path, want = make_capture()
    if not HAVE_PCAP:
        rc, out, err = run(["-i", "pcap", path])
        check(rc == 2 and "without libpcap" in err, "no libpcap: says so, exits 2", rc, err)
        return
    rc, out, err = run(["-i", "pcap", "-f", "hex", path])
    check(rc == 1, "rejections in pcap exit 1", rc, err)
    check(out.split("\n") == want + [""], "pcap messages in order, rejects as empty lines", out, err)
    check(path + ": packet 11 " in err and "truncated by the capture" in err, "truncated packet reported", err)
    check(path + ": packet 14 " in err and "zero-length" in err, "zero-length frame reported", err)
    check(path + ": packet 15 " in err and "truncated DHCPv6-over-TCP frame: length 50, only 10 bytes" in err,
          "truncated TCP frame reported", err)
    check("packet 12" in err and "fragment" in err, "fragment noted", err)
    rc, out, err = run(["-i", "pcap", "-f", "json", path])
    objs = [json.loads(line) for line in out.splitlines()]
    check(len(objs) == 8 and objs[4]["offset"] == len(REPLY) - 20 and "error" in objs[5], "pcap JSON", objs)
    rc, out, err = run(["-i", "pcap", path])
    check("TCP [fe80::1]:40000 -> [2001:db8::547]:547" in out, "text header shows the TCP flow", out)
    check("UDP [2001:db8::547]:547 -> [fe80::1]:546" in out, "text header shows UDP ports", out)
    # the same capture through standard input
    with open(path, "rb") as f:
        rc2, out2, _ = run(["-i", "pcap", "-f", "hex"], stdin=f.read())
    check(rc2 == 1 and out2.split("\n") == want + [""], "pcap from stdin", out2)


def test_pcap_link_types():
    if not HAVE_PCAP:
        return
    ip = P.ipv6(CLI6, MCAST, 17, P.udp(546, 547, SOLICIT))
    cases = {
        "raw": (P.LINKTYPE_RAW, ip),
        "sll": (P.LINKTYPE_LINUX_SLL, struct.pack("!HHH8sH", 4, 1, 6, b"\2" * 8, P.ETH_IPV6) + ip),
        "sll2": (P.LINKTYPE_LINUX_SLL2, struct.pack("!HHIHBB8s", P.ETH_IPV6, 0, 2, 1, 4, 6, b"\2" * 8) + ip),
        "null": (P.LINKTYPE_NULL, struct.pack("<I", 30) + ip),
        "null-be": (P.LINKTYPE_NULL, struct.pack(">I", 24) + ip),
    }
    for name, (lt, pkt) in cases.items():
        path = os.path.join(TMP, name + ".pcap")
        P.write_pcap(path, lt, [pkt])
        rc, out, err = run(["-i", "pcap", "-f", "hex", path])
        check(rc == 0 and out == SOLICIT.hex() + "\n", "link type " + name, rc, out, err)
    path = os.path.join(TMP, "ng.pcapng")
    P.write_pcapng(path, P.LINKTYPE_ETHERNET, [udp_pkt(SOLICIT), udp_pkt(REPLY, 547, 546)])
    rc, out, err = run(["-i", "pcap", "-f", "hex", path])
    check(rc == 0 and out.split() == [SOLICIT.hex(), REPLY.hex()], "pcapng", rc, out, err)
    bogus = tmpfile("bogus.pcap", b"this is not a capture at all")
    rc, out, err = run(["-i", "pcap", bogus])
    check(rc == 2, "unreadable capture exits 2", rc, err)


def test_pcap_hostile_lengths():
    if not HAVE_PCAP:
        return
    # UDP length larger than the IPv6 payload, IPv6 payload length beyond the capture,
    # an extension header running past the end, and a TCP data offset beyond the segment
    u = bytearray(P.udp(546, 547, SOLICIT))
    u[4:6] = struct.pack("!H", 4000)
    big = bytearray(P.ipv6(CLI6, MCAST, 17, P.udp(546, 547, SOLICIT)))
    big[4:6] = struct.pack("!H", 60000)
    ext = P.ipv6(CLI6, MCAST, 0, b"", ext=bytes([17, 200]))
    t = bytearray(P.tcp(1, 547, 0, ACK))
    t[12] = 0xF0
    pkts = [P.ether(P.ipv6(CLI6, MCAST, 17, bytes(u))), P.ether(bytes(big)), P.ether(ext),
            P.ether(P.ipv6(CLI6, SRV6, 6, bytes(t))), b"\x02", udp_pkt(SOLICIT)]
    path = os.path.join(TMP, "hostile.pcap")
    P.write_pcap(path, P.LINKTYPE_ETHERNET, pkts)
    rc, out, err = run(["-i", "pcap", "-f", "hex", path])
    check(rc == 1, "hostile capture: rejections, no crash", rc, err)
    # packet 2's UDP payload is complete in the frame, so it is decoded despite the IPv6 length
    check(out.split("\n") == ["", SOLICIT.hex(), SOLICIT.hex(), ""], "good packets decoded, bad rejected", out)
    check(path + ": packet 1 " in err and "UDP length 4000 does not fit" in err, "bad UDP length", err)
    check(path + ": packet 2: note: IPv6 payload length 60000 exceeds" in err, "bad IPv6 length noted", err)
    check(path + ": packet 3: note: IPv6 extension header runs past" in err, "bad extension header noted", err)
    check(path + ": packet 4 " in err and "bad TCP header length 60" in err, "bad TCP offset noted", err)


def test_pcap_real_data():
    if not HAVE_PCAP:
        return
    files = sorted(f for f in os.listdir(DATA) if f.endswith(".pcap"))
    check(len(files) >= 2, "real captures shipped in test data", files)
    for name in files:
        path = os.path.join(DATA, name)
        want = [p.hex() for p in P.udp_dhcpv6_payloads(path)]
        rc, out, err = run(["-i", "pcap", "-f", "hex", "--validate", path])
        check(rc == 0 and err == "", name + ": decodes and validates", rc, err)
        check(out.split("\n") == want + [""], name + ": every message re-encodes byte-exact", out, want)
        rc, out, err = run(["-i", "pcap", path])
        check(rc == 0 and out.count("# message ") == len(want), name + ": text for every message", rc, err)


def main():
    try:
        return run_all()
    finally:
        shutil.rmtree(TMP, ignore_errors=True)


def run_all():
    if "--validate-invalid" in sys.argv:
        try:
            r = validate_invalid()
        except AssertionError as e:
            print("FAIL validate_invalid:", e)
            return 1
        print("validate_invalid:", r)
        return 77 if r == "skip" else 0
    failed = 0
    tests = [(n, f) for n, f in sorted(globals().items()) if n.startswith("test_") and callable(f)]
    for name, fn in tests:
        try:
            fn()
            print("ok  ", name)
        except Exception:
            failed += 1
            print("FAIL", name)
            traceback.print_exc(file=sys.stdout)
    print("%d/%d passed" % (len(tests) - failed, len(tests)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
