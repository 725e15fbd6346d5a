#!/usr/bin/python3
"""Lab tests of the libdhcp6txn Kea hook: kea-dhcp6 with the hook loaded, in network namespaces.

Built on the server's interop harness (server/test/interop.py, imported from the folder meson
passes in PYTHONPATH): its namespaces, links, relays, clients and capture, with kea-dhcp6 in
place of dhcp6txn-server (2001:db8::/32 and link-local addresses only, namespaces named with
this process's PID, every wait bounded, every process stopped by PID).

  kea_lab.py --kea PATH --hook PATH --library PATH --client C --path P [--no-hook]
      the four modes (na, pd, both, info) of one client x path, in parallel: the client gets what
      the configuration says, Renew and Release are answered, tshark finds nothing malformed;
      with the hook its transaction log holds one JSON line per server datagram of the capture,
      with the same message types, transaction ids, relay depth and granted leases, and a client
      DUID that datagram carries; neither a drop nor an invalid response was logged or counted
  kea_lab.py ... --hostile CORPUS_DIR
      the fuzz seed corpus and CVE-shaped inputs sent to Kea with the hook (policy drop-invalid):
      each input the library rejects (found here through the library itself) is dropped, with
      its reason logged, in order, and counted in Kea's statistics (statistic-get over the
      control socket); Kea keeps running and then gives a real client its address
  kea_lab.py ... --relay-depth
      a 33-deep relay chain: Kea without the hook answers it, with the hook it is dropped (under
      drop-unparsable and drop-invalid alike); a 10-deep chain (hop count 9, over RFC 9915's
      limit) is answered under drop-unparsable and dropped under drop-invalid; under log-only
      both are answered, logged and counted
  kea_lab.py ... --send-check
      Kea configured with a preferred lifetime above the valid one sends it: the hook logs and
      counts the invalid Advertise and leaves it as it is; after a config-reload (the hook
      unloaded and loaded again) it still does
  kea_lab.py ... --docs-config DOCS_MD
      no namespaces, no root: the hook configuration of the docs page's "Five minutes" section,
      with the built hook's path, passes `kea-dhcp6 -t` and Kea starts with it, the hook loaded
      with the settings it names and its statistics at 0 over the control socket; each wrong
      parameter makes kea-dhcp6 refuse to start with a D6T_KEA_BAD_PARAMETER line naming it
Exit status 77 (meson: skipped) when not root or a program is missing.
"""
import argparse, atexit, ctypes, json, os, re, shutil, signal, socket, struct, subprocess, sys, tempfile, threading, time

import interop
from interop import Failure, wait_for

SERVER_ADDR = {"direct": None, "dhcrelay": "2001:db8:12::3", "wide": "2001:db8:12::3", "dnsmasq": "2001:db8:12::3",
               "2relays": "2001:db8:23::3"}
RELAYS = {"direct": 0, "dhcrelay": 1, "wide": 1, "dnsmasq": 1, "2relays": 2}
KEA_RECEIVE_MAX = 1500
SERVER_DUID = "00020000" "09bf" "d6d6d6d6"  # DUID-EN, ISC's enterprise number
TXN_MAX = 6144
STATS = ("pkt6-dhcp6txn-parse-drop", "pkt6-dhcp6txn-invalid-drop", "pkt6-dhcp6txn-receive-invalid",
         "pkt6-dhcp6txn-send-invalid")


class KeaLab(interop.Lab):
    """A lab whose server is kea-dhcp6 (memfile leases in the run's folder), with or without the hook."""

    def __init__(self, name, path, tmp, kea, hook=None, params=None):
        super().__init__(name, path, tmp, kea)
        self.hook, self.params = hook, params or {}
        self.sock = os.path.join(tmp, "kea.sock")
        self.txn_log = os.path.join(tmp, "txn.jsonl")
        self.lease_file = os.path.join(tmp, "kea-leases6.csv")

    def config(self, lifetimes, subnets):
        t1, t2, pref, valid = lifetimes
        direct = self.path == "direct"
        listen = "s1" if direct else "s0/%s" % SERVER_ADDR[self.path]
        nets = []
        for sid, (kind, (net, lo, hi, pd)) in enumerate(sorted(subnets.items()), 1):
            s = {"id": sid, "subnet": net, "pools": [{"pool": "%s - %s" % (lo, hi)}],
                 "pd-pools": [{"prefix": pd.split("/")[0], "prefix-len": int(pd.split("/")[1]), "delegated-len": 56}]}
            if kind == "direct" and direct:
                s["interface"] = "s1"
            nets.append(s)
        out = [{"output": "stdout", "flush": True}]
        conf = {"interfaces-config": {"interfaces": [listen]},
                "lease-database": {"type": "memfile", "persist": True, "name": self.lease_file, "lfc-interval": 0},
                # a fixed server DUID, so that the transaction log's client DUID can be told from it
                "server-id": {"type": "EN", "enterprise-id": 2495, "identifier": SERVER_DUID[12:], "persist": False},
                "data-directory": self.tmp,
                "renew-timer": t1, "rebind-timer": t2, "preferred-lifetime": pref, "valid-lifetime": valid,
                "option-data": [{"name": "dns-servers", "data": ", ".join(interop.DNS)},
                                {"name": "domain-search", "data": ", ".join(interop.DOMAINS)}],
                "subnet6": nets,
                "control-socket": {"socket-type": "unix", "socket-name": self.sock},
                # packets at debug level 45: what was received and sent, one line each (saw())
                "loggers": [{"name": "kea-dhcp6", "output_options": out, "severity": "INFO"},
                            {"name": "kea-dhcp6.packets", "output_options": out, "severity": "DEBUG", "debuglevel": 45}]}
        if self.hook:
            conf["hooks-libraries"] = [{"library": self.hook, "parameters": self.params}]
        return {"Dhcp6": conf}

    def start_server(self, extra="", lifetimes=(2, 4, 30, 40), subnets=interop.SUBNETS, logname="server.log"):
        conf = os.path.join(self.tmp, "kea-dhcp6.json")
        with open(conf, "w") as f:
            json.dump(self.config(lifetimes, subnets), f, indent=1)
        self.server_logs = [logname]
        self.server_proc = self.spawn("srv", "KEA_PIDFILE_DIR=%s KEA_LOCKFILE_DIR=%s exec %s -c %s"
                                      % (self.tmp, self.tmp, self.server, conf), logname)
        if not wait_for(lambda: "DHCP6_STARTED" in self.log(logname) or self.server_proc.poll() is not None, 20):
            raise Failure("kea-dhcp6 not ready: " + self.log(logname)[-1500:])
        if self.server_proc.poll() is not None:
            raise Failure("kea-dhcp6 exited: " + self.log(logname)[-1500:])

    def leases(self):
        """(address, length) of the leases Kea's memfile holds (the last record of each wins)."""
        try:
            rows = open(self.lease_file).read().splitlines()[1:]
        except FileNotFoundError:
            return set()
        last = {}
        for r in rows:
            f = r.split(",")
            if len(f) > 13:
                last[(f[0], int(f[8]))] = int(f[2]) > 0 and f[13] == "0"
        return {k for k, bound in last.items() if bound}

    def saw(self, kind, answered=False):
        log = self.log("server.log")
        got = re.findall(r"DHCP6_PACKET_RECEIVED .*?tid=(0x[0-9a-f]+): %s \(type" % kind.upper(), log)
        if not answered:
            return bool(got)
        sent = re.findall(r"DHCP6_PACKET_SEND .*?tid=(0x[0-9a-f]+): trying to send packet REPLY", log)
        return bool(set(got) & set(sent))

    def control(self, command, arguments=None):
        """One command over Kea's control socket; its JSON answer."""
        return kea_control(self.sock, command, arguments)

    def stat(self, name):
        r = self.control("statistic-get", {"name": name})
        values = r.get("arguments", {}).get(name)
        if r.get("result") != 0 or not values:
            raise Failure("statistic-get %s: %s" % (name, r))
        return values[0][0]

    def hook_lines(self, tag):
        return [l for l in self.log("server.log").splitlines() if tag in l]


# ---- what the library itself says about an input (ctypes: no cffi needed) ----
class ParseErr(ctypes.Structure):
    _fields_ = [("status", ctypes.c_int), ("offset", ctypes.c_size_t), ("reason", ctypes.c_char_p)]


class Library:
    def __init__(self, path):
        self.lib = lib = ctypes.CDLL(path)
        lib.d6t_msg_parse.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint,
                                      ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ParseErr)]
        lib.d6t_msg_validate.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_size_t)]
        lib.d6t_msg_free.argtypes = [ctypes.c_void_p]
        lib.d6t_status_name.restype = ctypes.c_char_p
        lib.d6t_optdef_find.argtypes = [ctypes.c_int, ctypes.c_uint16]
        lib.d6t_optdef_find.restype = ctypes.c_void_p
        lib.d6t_optdef_name.argtypes = [ctypes.c_void_p]
        lib.d6t_optdef_name.restype = ctypes.c_char_p

    def option_name(self, code):
        """The table's name of DHCPv6 option 'code' (space 0), or None."""
        d = self.lib.d6t_optdef_find(0, code)
        return self.lib.d6t_optdef_name(d).decode() if d else None

    def verdict(self, data):
        """None (accepted), ('parse', status name, offset) or ('invalid', violation count)."""
        m, err, n = ctypes.c_void_p(), ParseErr(), ctypes.c_size_t()
        if self.lib.d6t_msg_parse(None, data, len(data), 0, ctypes.byref(m), ctypes.byref(err)):
            return ("parse", self.lib.d6t_status_name(err.status).decode(), err.offset)
        try:
            if self.lib.d6t_msg_validate(m, None, None, ctypes.byref(n)):
                return ("invalid", n.value)
            return None
        finally:
            self.lib.d6t_msg_free(m)


# ---- datagrams built here ----
def opt(code, data):
    return struct.pack("!HH", code, len(data)) + data


DUID_LL = b"\x00\x03\x00\x01\x02\x00\x00\x00\x02\x02"


def solicit(xid=0x123456, duid=DUID_LL, extra=b""):
    return (bytes([1]) + xid.to_bytes(3, "big") + opt(1, duid) + opt(8, b"\x00\x00") +
            opt(3, struct.pack("!III", 1, 0, 0)) + extra)


def relay_chain(inner, depth):
    """'inner' wrapped in 'depth' Relay-forw messages; hop counts 0 (next to the client) upwards."""
    link = socket.inet_pton(socket.AF_INET6, "2001:db8:1::1")
    peer = socket.inet_pton(socket.AF_INET6, "fe80::ff:fe00:202")
    msg = inner
    for hop in range(depth):
        msg = bytes([12, hop]) + link + peer + opt(18, b"c0") + opt(9, msg)
    return msg


def cve_inputs():
    """Shapes of kea-dhcp6's CVEs: CVE-2019-6472 (over-long DUID), CVE-2019-6474 (empty DUID),
    CVE-2025-11232 (a client FQDN that hostname sanitizing reduces to nothing)."""
    return [("cve-2019-6472-duid-300", solicit(0x010001, b"\x00\x02" + b"\x00\x00\x00\x09" + b"\xaa" * 294)),
            ("cve-2019-6474-duid-empty", solicit(0x010002, b"")),
            ("cve-2025-11232-fqdn-sanitized-empty", solicit(0x010003, extra=opt(39, b"\x01" + b"\x03***\x03%%%\x00"))),
            ("relay-depth-33", relay_chain(solicit(0x010004), 33))]


def duid_text(buf, depth=0):
    """The client DUID as the hook's drop line shows it: the first OPTION_CLIENTID of the
    innermost message, found by walking the raw options (through Relay-Message options) up to
    the first malformed one; its first 32 bytes in hex; '' when there is none."""
    if len(buf) < 4 or depth > 33:
        return ""
    relay = buf[0] in (12, 13)
    pos = 34 if relay else 4
    while pos + 4 <= len(buf):
        code, olen = struct.unpack_from("!HH", buf, pos)
        if olen > len(buf) - pos - 4:
            break
        val = buf[pos + 4:pos + 4 + olen]
        if not relay and code == 1:
            if not olen:
                return "(empty)"
            return ":".join("%02x" % b for b in val[:32]) + ("...(%d bytes)" % olen if olen > 32 else "")
        if relay and code == 9:
            return duid_text(val, depth + 1)
        pos += 4 + olen
    return ""


def socket_in(ns, port):
    """A UDP socket of network namespace 'ns' (created in a thread that enters it: setns is per thread)."""
    result = {}

    def enter():
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            fd = os.open("/run/netns/" + ns, os.O_RDONLY)
            if libc.setns(fd, 0x40000000) != 0:  # CLONE_NEWNET
                raise OSError(ctypes.get_errno(), "setns")
            os.close(fd)
            s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("::", port))
            result["sock"] = s
        except Exception as e:  # noqa: reported by the caller
            result["error"] = e
    th = threading.Thread(target=enter)
    th.start()
    th.join(10)
    if "sock" not in result:
        raise Failure("no socket in %s: %s" % (ns, result.get("error")))
    return result["sock"]


def cli_ifindex(lab):
    return int(lab.run("cli", "cat /sys/class/net/c0/ifindex").strip())


def answer(sock, timeout):
    sock.settimeout(timeout)
    try:
        return sock.recv(65536)
    except socket.timeout:
        return None


# ---- the transaction log against the capture ----
def innermost(j):
    depth = 0
    while j.get("msg_type") in (12, 13):
        inner = [o["relayed_message"] for o in j.get("options", []) if o.get("code") == 9 and "relayed_message" in o]
        if not inner:
            break
        j, depth = inner[0], depth + 1
    return j, depth


def capture_replies(lab):
    """From the capture: (type, xid, leases with a valid lifetime) of each datagram the server sent."""
    out = subprocess.run(["tshark", "-r", lab.pcap, "-n", "-Y", "dhcpv6", "-T", "fields", "-E", "occurrence=a",
                          "-e", "dhcpv6.msgtype", "-e", "dhcpv6.xid", "-e", "dhcpv6.iaaddr.ip",
                          "-e", "dhcpv6.iaaddr.valid_lifetime", "-e", "dhcpv6.iaprefix.pref_addr",
                          "-e", "dhcpv6.iaprefix.pref_len", "-e", "dhcpv6.iaprefix.valid_lifetime",
                          "-e", "dhcpv6.duid.bytes"],
                         capture_output=True, text=True, timeout=60)
    if out.returncode:
        raise Failure("tshark failed: " + out.stderr)
    rows = []
    for line in out.stdout.splitlines():
        f = (line.split("\t") + [""] * 8)[:8]
        types = [int(x) for x in f[0].split(",") if x]
        if not types or types[0] not in (2, 7, 13):  # Advertise, Reply, Relay-reply: the server's
            continue
        sp = lambda v: [x for x in v.split(",") if x]
        leases = {a for a, v in zip(sp(f[2]), sp(f[3])) if int(v) > 0}
        leases |= {"%s/%s" % (p, l) for p, l, v in zip(sp(f[4]), sp(f[5]), sp(f[6])) if int(v) > 0}
        inner = [t for t in types if t not in (12, 13)]
        rows.append((inner[-1] if inner else 0, int(f[1], 16) if f[1] else -1,
                     frozenset(leases) if inner and inner[-1] == 7 else frozenset(),
                     frozenset(d.replace(":", "").lower() for d in sp(f[7]))))
    return rows


def check_txn_log(lab, relays):
    """One JSON line per server datagram in the capture, the same messages and leases."""
    files = sorted((f for f in os.listdir(lab.tmp) if f.startswith("txn.jsonl.")), key=lambda f: -int(f.rsplit(".", 1)[1]))
    files = [os.path.join(lab.tmp, f) for f in files] + [lab.txn_log]  # oldest first
    lines = []
    for path in files:
        try:
            text = open(path).read()
        except FileNotFoundError:
            raise Failure("no transaction log %s" % path)
        # rotated before a line would pass the limit: a file over it holds that one line
        if len(text) > TXN_MAX and text.count("\n") > 1:
            raise Failure("%s: %d bytes in %d lines, over the %d-byte limit" % (path, len(text), text.count("\n"), TXN_MAX))
        lines += text.splitlines()
    logged = []
    for n, line in enumerate(lines, 1):
        try:
            j = json.loads(line)
        except ValueError as e:
            raise Failure("transaction log line %d is not JSON (%s): %s" % (n, e, line[:200]))
        for k in ("time", "client", "client_duid", "request", "response", "leases"):
            if k not in j:
                raise Failure("transaction log line %d has no '%s'" % (n, k))
        req, rdepth = innermost(j["request"])
        rsp, sdepth = innermost(j["response"])
        if rdepth != relays or sdepth != relays:
            raise Failure("line %d: relay depth %d/%d, the path has %d relay(s)" % (n, rdepth, sdepth, relays))
        if req.get("transaction_id") != rsp.get("transaction_id"):
            raise Failure("line %d: request xid %s, response xid %s" % (n, req.get("transaction_id"), rsp.get("transaction_id")))
        leases = frozenset(l.get("address") or l.get("prefix") for l in j["leases"])
        duid = j["client_duid"].replace(":", "")
        if not duid and any(o.get("code") == 1 for o in req.get("options", [])):
            raise Failure("line %d: no client_duid, the request has a Client Identifier" % n)
        logged.append((rsp["msg_type"], int(rsp["transaction_id"], 16), leases, duid))
    wire = capture_replies(lab)
    if sorted(t[:3] for t in logged) != sorted(t[:3] for t in wire):
        raise Failure("transaction log %s, capture %s" % (sorted(t[:3] for t in logged), sorted(t[:3] for t in wire)))
    # the client DUID of each line is one of the DUIDs tshark shows in that datagram, not the
    # server's ('' only without a Client Identifier in the request, checked above)
    for kind, xid, _, duid in logged:
        on_wire = set().union(*(w[3] for w in wire if w[:2] == (kind, xid)))
        if duid == SERVER_DUID or SERVER_DUID not in on_wire or duid and duid not in on_wire:
            raise Failure("message %d xid %#x: client_duid %r, the capture's DUIDs %s" % (kind, xid, duid, sorted(on_wire)))
    return len(lines), sum(1 for t in logged if t[2]), len(files)


def client_run(args, mode, results):
    name = "k%s-%s-%s" % (args.client[:2], args.path[:1], mode)
    tmp = tempfile.mkdtemp(prefix="d6t-kea-%s-" % name)
    hook = None if args.no_hook else args.hook
    # rotation at 6 KiB: a run's few lines (1-3 KiB each) already span several files
    lab = KeaLab(name, args.path, tmp, args.kea, hook, {"policy": "drop-invalid", "transaction-log": os.path.join(tmp, "txn.jsonl"),
                                                        "transaction-log-max-bytes": TXN_MAX, "transaction-log-keep": 50})
    notes, ok, t0 = [], False, time.time()
    try:
        lab.setup()
        lab.start_capture()
        lab.start_server(lifetimes=interop.WIDE_TIMES if args.client == "wide" else (2, 4, 30, 40))
        interop.start_relays(lab, args.path)
        c = interop.Client(lab, args.client, mode)
        c.start()
        interop.renew_release(lab, c, args.client, mode, notes)
        stats = {s: lab.stat(s) for s in STATS} if hook else {}
        lab.stop_all()
        if lab.server_proc.returncode != 0:
            raise Failure("kea-dhcp6 exit status %s" % lab.server_proc.returncode)
        n = interop.check_tshark(lab, 0)
        notes.append("tshark: %d datagrams, none malformed" % n)
        if hook:
            if any(stats.values()):
                raise Failure("the hook counted %s on a real client's run" % stats)
            bad = lab.hook_lines("D6T_KEA_DROP") + lab.hook_lines("D6T_KEA_INVALID")
            if bad:
                raise Failure("the hook logged: %s" % bad[:3])
            lines, with_leases, nfiles = check_txn_log(lab, RELAYS[args.path])
            notes.append("transaction log: %d JSON lines in %d files = the server's datagrams in the capture "
                         "(%d with leases)" % (lines, nfiles, with_leases))
        ok = True
    except Exception as e:  # noqa: reported with the logs
        notes.append("FAIL: %s" % e)
        for _, logname in lab.procs:
            notes.append("---- %s (last lines)\n%s" % (logname, "\n".join(lab.log(logname).splitlines()[-15:])))
    finally:
        lab.teardown()
    results[mode] = (ok, "%-8s %-8s %-4s %s %s (%.1fs): %s" % (args.client, args.path, mode, "no hook" if not hook else "hook",
                                                           "ok" if ok else "FAILED", time.time() - t0, "; ".join(notes)))
    if ok:
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        results[mode] = (ok, results[mode][1] + "\n(files kept in %s)" % tmp)


def clients(args):
    interop.require(args.client, "tshark", *{"direct": [], "dhcrelay": ["relay-dhcrelay"], "wide": ["relay-wide"],
                                            "2relays": ["relay-dhcrelay", "relay-wide"], "dnsmasq": ["relay-dnsmasq"]}[args.path])
    results, threads = {}, []
    modes = args.modes.split(",")
    for mode in modes:
        th = threading.Thread(target=client_run, args=(args, mode, results))
        th.start()
        threads.append(th)
        time.sleep(0.2)
    for th in threads:
        th.join(timeout=150)
    failed = 0
    for mode in modes:
        ok, text = results.get(mode, (False, "%s %s %s: did not finish in time" % (args.client, args.path, mode)))
        print(text)
        failed += not ok
    return 1 if failed else 0


def lab_session(args, name, body):
    tmp = tempfile.mkdtemp(prefix="d6t-kea-%s-" % name)
    lab = KeaLab(name, "direct", tmp, args.kea, args.hook)
    try:
        lab.setup()
        body(lab)
        return 0
    except Exception as e:  # noqa: reported with the logs
        print("FAIL: %s" % e)
        for _, logname in lab.procs:
            print("---- %s (last lines)\n%s" % (logname, "\n".join(lab.log(logname).splitlines()[-25:])))
        return 1
    finally:
        lab.teardown()
        shutil.rmtree(tmp, ignore_errors=True)


def restart_kea(lab, hook, params):
    if getattr(lab, "server_proc", None) and lab.server_proc.poll() is None:
        lab.stop_server()
    lab.hook, lab.params = hook, params
    lab.procs = [(p, n) for p, n in lab.procs if p.poll() is None]
    lab.start_server()


def check_invalid_offset(lib, name, data, line):
    """A validation drop's byte offset is where the first violation's path ends in the datagram:
    the header of the option it names (its code there is that option's), or a message; the CVE
    shapes' Client ID is the Solicit's first option, at byte 4."""
    m = re.search(r"first (\S+?): .* at byte (\d+),", line)
    if not m:
        raise Failure("input %s: no path and byte offset in the drop line: %s" % (name, line))
    last, at = m.group(1).split("/")[-1].split("[")[0], int(m.group(2))
    if at >= len(data):
        raise Failure("input %s: byte %d is past the %d-byte datagram: %s" % (name, at, len(data), line))
    if last.startswith("OPTION_") and (at + 2 > len(data) or lib.option_name(struct.unpack("!H", data[at:at + 2])[0]) != last):
        raise Failure("input %s: byte %d does not begin %s: %s" % (name, at, last, line))
    if name.startswith(("cve-2019-6472", "cve-2019-6474")) and at != 4:
        raise Failure("input %s: the Client ID is at byte 4, the drop line says %d" % (name, at))


def hostile(args):
    interop.require("dhclient")
    lib = Library(args.library)
    inputs = [(n, open(os.path.join(args.hostile, n), "rb").read()) for n in sorted(os.listdir(args.hostile))]
    inputs += cve_inputs()
    # kea-dhcp6 2.2 reads at most 1500 bytes of a datagram (IfaceMgr's receive buffer) and never
    # sees the rest: the hook judges those bytes, and so does the expectation
    verdicts = [(n, d, lib.verdict(d[:KEA_RECEIVE_MAX])) for n, d in inputs]
    rejected = [(n, v, duid_text(d[:KEA_RECEIVE_MAX]) or "unreadable") for n, d, v in verdicts if v]
    # the CVE shapes' DUIDs, spelled out (the walk above is checked on them too)
    want_duid = {"cve-2019-6472-duid-300": "00:02:00:00:00:09:" + ":".join(["aa"] * 26) + "...(300 bytes)",
                 "cve-2019-6474-duid-empty": "(empty)", "relay-depth-33": "00:03:00:01:02:00:00:00:02:02"}
    for name, _, duid in rejected:
        if name in want_duid and duid != want_duid[name]:
            raise Failure("%s: the test reads its DUID as %s" % (name, duid))

    data_of = dict(inputs)

    def body(lab):
        restart_kea(lab, args.hook, {"policy": "drop-invalid"})
        sock = socket_in(lab.ns["cli"], 547)
        idx = cli_ifindex(lab)
        for _, data, _ in verdicts:
            sock.sendto(data, ("ff02::1:2", 547, 0, idx))
            time.sleep(0.02)
        wait_for(lambda: len(lab.hook_lines("D6T_KEA_DROP")) >= len(rejected), 20)
        drops = lab.hook_lines("D6T_KEA_DROP")
        if len(drops) != len(rejected):
            raise Failure("%d drops logged, the library rejects %d of %d inputs" % (len(drops), len(rejected), len(inputs)))
        src = lab.run("cli", "ip -6 -o addr show dev c0 scope link").split()[3].split("/")[0]
        for line, (name, v, duid) in zip(drops, rejected):
            want = ("%s (" % v[1], "at byte %d," % v[2]) if v[0] == "parse" else ("D6T_ERR_INVALID (%d violation(s)" % v[1],)
            if not all(w in line for w in want) or "from %s:" % src not in line:
                raise Failure("input %s (%s): the drop line says: %s" % (name, v, line))
            if not line.rstrip().endswith(", client DUID " + duid):
                raise Failure("input %s: client DUID %s, the drop line says: %s" % (name, duid, line))
            if v[0] == "invalid":
                check_invalid_offset(lib, name, data_of[name][:KEA_RECEIVE_MAX], line)
        parse = sum(1 for _, v, _ in rejected if v[0] == "parse")
        got = (lab.stat("pkt6-dhcp6txn-parse-drop"), lab.stat("pkt6-dhcp6txn-invalid-drop"))
        if got != (parse, len(rejected) - parse):
            raise Failure("statistic-get: parse-drop %d, invalid-drop %d; want %d and %d" % (got + (parse, len(rejected) - parse)))
        # Kea's own drop counter takes each of the hook's drops too (and any drop of its own)
        kea_drops = lab.stat("pkt6-receive-drop")
        if kea_drops < len(rejected):
            raise Failure("statistic-get pkt6-receive-drop: %d, the hook dropped %d" % (kea_drops, len(rejected)))
        if lab.server_proc.poll() is not None:
            raise Failure("kea-dhcp6 died on the corpus")
        print("%d inputs (%d corpus + %d CVE-shaped): the library rejects %d (%d unparsable, %d invalid); Kea with the "
              "hook dropped each with its reason and byte offset, statistic-get counts %d + %d"
              % (len(inputs), len(inputs) - len(cve_inputs()), len(cve_inputs()), len(rejected), parse,
                 len(rejected) - parse, got[0], got[1]))
        for name, v, duid in rejected:
            if name.startswith(("cve", "relay")):
                print("  %s: %s, client DUID %s" % (name, v, duid))
        print("  each drop line names the client DUID read from the raw bytes (%d readable, %d unreadable); "
              "Kea's pkt6-receive-drop: %d" % (sum(1 for r in rejected if r[2] != "unreadable"),
                                                sum(1 for r in rejected if r[2] == "unreadable"), kea_drops))
        print("  e.g. " + drops[0].split("D6T_KEA_DROP ", 1)[-1])
        c = interop.Client(lab, "dhclient", "na")
        c.start()
        addr, _ = interop.wait_bound(lab, c, "na")
        print("then a real client (dhclient -6) got %s from the same kea-dhcp6 process" % addr)
    return lab_session(args, "kh", body)


def relay_depth(args):
    interop.require()
    deep, ten = relay_chain(solicit(0x020001), 33), relay_chain(solicit(0x020002), 10)

    def replies(lab, sock, idx, data):
        sock.sendto(data, ("ff02::1:2", 547, 0, idx))
        r = answer(sock, 3)
        return r[0] if r else None

    def body(lab):
        sock = socket_in(lab.ns["cli"], 547)
        idx = cli_ifindex(lab)
        # policy, parameters, answers to the 33- and 10-deep chains, the hook's lines in order,
        # statistics (parse-drop, invalid-drop, receive-invalid, send-invalid). Under log-only Kea
        # answers the 33-deep chain with a 33-deep Relay-reply, which the send check reports.
        relay, hops = "D6T_ERR_RELAY_DEPTH", "hop count 9"
        expect = [(None, None, 13, 13, [], None),
                  ("drop-unparsable", {}, None, 13, [("D6T_KEA_DROP", relay)], (1, 0, 0, 0)),
                  ("drop-invalid", {"policy": "drop-invalid"}, None, None,
                   [("D6T_KEA_DROP", relay), ("D6T_KEA_DROP", hops)], (1, 1, 0, 0)),
                  ("log-only", {"policy": "log-only"}, 13, 13,
                   [("D6T_KEA_UNPARSABLE_QUERY", relay), ("D6T_KEA_INVALID_RESPONSE", relay),
                    ("D6T_KEA_INVALID_QUERY", hops)], (0, 0, 2, 1))]
        for label, params, want33, want10, want_lines, want_stats in expect:
            restart_kea(lab, args.hook if label else None, params)
            got = (replies(lab, sock, idx, deep), replies(lab, sock, idx, ten))
            name = label or "no hook"
            if got != (want33, want10):
                raise Failure("%s: answers (33 deep, 10 deep) %s, want %s" % (name, got, (want33, want10)))
            lines = [l for l in lab.hook_lines("D6T_KEA_") if "D6T_KEA_LOADED" not in l]
            if len(lines) != len(want_lines) or not all(t in l and w in l for l, (t, w) in zip(lines, want_lines)):
                raise Failure("%s: the hook logged %s, want %s" % (name, lines, want_lines))
            if label:
                stats = tuple(lab.stat(s) for s in STATS)
                if stats != want_stats:
                    raise Failure("%s: statistics %s, want %s" % (name, stats, want_stats))
            print("%-15s 33-deep chain: %-13s 10-deep chain: %s" % (name, "answered" if got[0] else "dropped",
                                                                  "answered" if got[1] else "dropped"))
            lab.stop_server()
            for p, n in lab.procs:
                if n == "server.log":
                    os.rename(os.path.join(lab.tmp, n), os.path.join(lab.tmp, "server-%s.log" % name.replace(" ", "-")))
    return lab_session(args, "kr", body)


def send_check(args):
    """Kea 2.2 takes preferred-lifetime 50 > valid-lifetime 40 (it refuses T1 > T2) and sends it."""
    interop.require()
    lib = Library(args.library)

    def body(lab):
        lab.hook, lab.params = args.hook, {}
        lab.start_server(lifetimes=(2, 4, 50, 40))
        sock = socket_in(lab.ns["cli"], 546)
        sock.sendto(solicit(0x030001), ("ff02::1:2", 547, 0, cli_ifindex(lab)))
        adv = answer(sock, 5)
        if not adv or adv[0] != 2:
            raise Failure("no Advertise: %r" % adv)
        # the lifetimes as Kea put them: the hook validates, it does not repair
        iaaddr = adv.find(bytes.fromhex("00050018"))
        if iaaddr < 0 or struct.unpack("!II", adv[iaaddr + 20:iaaddr + 28]) != (50, 40):
            raise Failure("the Advertise's IAADDR is not the configured 50/40: %s" % adv.hex())
        if lib.verdict(adv) != ("invalid", 1):
            raise Failure("the library's verdict on the Advertise: %s" % (lib.verdict(adv),))
        lines = wait_for(lambda: lab.hook_lines("D6T_KEA_INVALID_RESPONSE"), 5)
        if not lines or "preferred lifetime 50 > valid lifetime 40" not in lines[0]:
            raise Failure("log: %s" % lines)
        n = lab.stat("pkt6-dhcp6txn-send-invalid")
        if n != 1:
            raise Failure("statistic-get pkt6-dhcp6txn-send-invalid: %d, want 1" % n)
        print("Kea configured with preferred-lifetime 50 > valid-lifetime 40 sends it; the Advertise left "
              "unchanged, logged and counted:\n  " + lines[0].split("D6T_KEA_INVALID_RESPONSE ", 1)[-1])
        # an operator's config-reload unloads and loads the hook again: it must keep working
        r = lab.control("config-reload")
        if r.get("result") != 0:
            raise Failure("config-reload: %s" % r)
        if not wait_for(lambda: len(lab.hook_lines("D6T_KEA_LOADED")) == 2, 5):
            raise Failure("no second D6T_KEA_LOADED after config-reload")
        sock.sendto(solicit(0x030002), ("ff02::1:2", 547, 0, cli_ifindex(lab)))
        if not answer(sock, 5):
            raise Failure("no Advertise after config-reload")
        lines = wait_for(lambda: len(lab.hook_lines("D6T_KEA_INVALID_RESPONSE")) == 2 and
                         lab.hook_lines("D6T_KEA_INVALID_RESPONSE"), 5)
        if not lines or "preferred lifetime 50 > valid lifetime 40" not in lines[1]:
            raise Failure("after config-reload the hook logged: %s" % lab.hook_lines("D6T_KEA_"))
        n = lab.stat("pkt6-dhcp6txn-send-invalid")
        if n != 1:  # set to 0 again at the new load
            raise Failure("after config-reload statistic-get pkt6-dhcp6txn-send-invalid: %d, want 1" % n)
        print("after config-reload (hook unloaded and loaded again): the same check, logged and counted")
    return lab_session(args, "ks", body)


def kea_control(sock_path, command, arguments=None):
    """One command over the Kea control socket at sock_path; its JSON answer."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    try:
        s.connect(sock_path)
        s.sendall(json.dumps({"command": command, "arguments": arguments or {}}).encode())
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
            try:
                return json.loads(data)
            except ValueError:
                continue
    finally:
        s.close()
    return json.loads(data)


def docs_config(args):
    """The docs page's hook configuration, as an operator would paste it, in a Kea that listens
    on no interface (so neither root nor namespaces are needed)."""
    doc = open(args.docs_config).read()
    m = re.search(r"^## Five minutes\n(.*?)^## ", doc, re.S | re.M)
    snippet = m and re.search(r"^```json\n(.*?)^```", m.group(1), re.S | re.M)
    if not snippet:
        print("FAIL: no json block under '## Five minutes' in %s" % args.docs_config)
        return 1
    readme = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(args.docs_config))), "README.md")
    if "(docs/KEA.md)" not in open(readme).read():
        print("FAIL: README.md does not link docs/KEA.md")
        return 1
    tmp = tempfile.mkdtemp(prefix="d6t-kea-conf-")
    procs = []

    def stop_all():
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait(5)
    atexit.register(stop_all)

    def write_conf(name, change=None):
        d6 = json.loads("{" + snippet.group(1) + "}")
        lib = d6["hooks-libraries"][0]
        if os.path.basename(lib["library"]) != os.path.basename(args.hook):
            raise Failure("the docs name the hook %s, the build makes %s" % (lib["library"], args.hook))
        lib["library"] = args.hook
        lib["parameters"]["transaction-log"] = os.path.join(tmp, "txn.jsonl")
        d6["control-socket"]["socket-name"] = os.path.join(tmp, "kea.sock")
        if change:
            change(lib["parameters"])
        d6.update({"interfaces-config": {"interfaces": []}, "data-directory": tmp,
                   "lease-database": {"type": "memfile", "persist": False},
                   "loggers": [{"name": "kea-dhcp6", "output_options": [{"output": "stdout", "flush": True}],
                                "severity": "INFO"}]})
        path = os.path.join(tmp, name + ".json")
        with open(path, "w") as f:
            json.dump({"Dhcp6": d6}, f, indent=1)
        return path

    def kea(*argv):
        log = open(os.path.join(tmp, "kea.log"), "w+")
        env = dict(os.environ, KEA_PIDFILE_DIR=tmp, KEA_LOCKFILE_DIR=tmp)
        p = subprocess.Popen([args.kea] + list(argv), stdout=log, stderr=subprocess.STDOUT, env=env)
        procs.append(p)
        return p, log

    def text(log):
        log.flush()
        log.seek(0)
        return log.read()

    try:
        conf = write_conf("docs")
        p, log = kea("-t", conf)
        if p.wait(30) != 0:
            raise Failure("kea-dhcp6 -t on the docs' configuration: exit %s\n%s" % (p.returncode, text(log)[-2000:]))
        p, log = kea("-c", conf)
        if not wait_for(lambda: "DHCP6_STARTED" in text(log) or p.poll() is not None, 20) or p.poll() is not None:
            raise Failure("kea-dhcp6 did not start with the docs' configuration:\n" + text(log)[-2000:])
        params = json.loads("{" + snippet.group(1) + "}")["hooks-libraries"][0]["parameters"]
        want = "policy %s, validate-responses %s, transaction-log %s" % (
            params["policy"], "on" if params["validate-responses"] else "off", os.path.join(tmp, "txn.jsonl"))
        loaded = [l for l in text(log).splitlines() if "D6T_KEA_LOADED" in l]
        if len(loaded) != 1 or want not in loaded[0]:
            raise Failure("want one D6T_KEA_LOADED line with '%s': %s" % (want, loaded))
        sock = os.path.join(tmp, "kea.sock")
        for name in STATS + ("pkt6-dhcp6txn-log-lost",):
            r = kea_control(sock, "statistic-get", {"name": name})
            values = r.get("arguments", {}).get(name)
            if r.get("result") != 0 or not values or values[0][0] != 0:
                raise Failure("statistic-get %s: %s" % (name, r))
        p.send_signal(signal.SIGTERM)
        if p.wait(20) != 0:
            raise Failure("kea-dhcp6 exit status %s after SIGTERM" % p.returncode)
        print("the docs' configuration: kea-dhcp6 -t passes, Kea starts with it (%s), statistic-get "
              "shows the hook's %d counters at 0" % (want, len(STATS) + 1))
        # each wrong parameter: Kea refuses the configuration. Kea 2.2's -t does not load hooks
        # (it only opens them), so it is the start that must fail.
        bad = [("policy", lambda q: q.update(policy="drop-all")),
               ("validate-responses", lambda q: q.update({"validate-responses": "yes"})),
               ("transaction-log", lambda q: q.update({"transaction-log": "/nonexistent-d6t/txn.jsonl"})),
               ("transaction-log-max-bytes", lambda q: q.update({"transaction-log-max-bytes": 100})),
               ("transaction-log-keep", lambda q: q.update({"transaction-log-keep": 101})),
               ("transaction-logs", lambda q: q.update({"transaction-logs": "/tmp/x"}))]
        for name, change in bad:
            p, log = kea("-c", write_conf("bad-" + name, change))
            try:
                rc = p.wait(20)
            except subprocess.TimeoutExpired:
                raise Failure("parameter %s: kea-dhcp6 still running after 20 s" % name)
            lines = [l for l in text(log).splitlines() if "D6T_KEA_BAD_PARAMETER" in l]
            if rc == 0 or len(lines) != 1 or "hook parameter %s:" % name not in lines[0]:
                raise Failure("parameter %s: exit %s, hook said %s" % (name, rc, lines))
            print("  %s" % lines[0].split("D6T_KEA_BAD_PARAMETER ", 1)[-1])
        print("each of %d wrong parameters: kea-dhcp6 refuses to start, with the line above" % len(bad))
        return 0
    except Failure as e:
        print("FAIL: %s" % e)
        return 1
    finally:
        stop_all()
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kea", default="kea-dhcp6")
    ap.add_argument("--hook", required=True)
    ap.add_argument("--library", required=True, help="libdhcp6txn.so: the verdicts the drops are checked against")
    ap.add_argument("--client", choices=["dhclient", "dhcpcd", "wide"])
    ap.add_argument("--path", choices=list(RELAYS))
    ap.add_argument("--modes", default="na,pd,both,info")
    ap.add_argument("--no-hook", action="store_true", help="the same runs with plain kea-dhcp6 (the baseline)")
    ap.add_argument("--hostile", metavar="CORPUS_DIR")
    ap.add_argument("--relay-depth", action="store_true")
    ap.add_argument("--send-check", action="store_true")
    ap.add_argument("--docs-config", metavar="DOCS_MD")
    args = ap.parse_args()
    kea = interop.which(args.kea)
    if args.docs_config:
        if not kea:
            print("SKIP: kea-dhcp6 not installed (Debian: kea-dhcp6-server)")
            return interop.SKIP
        args.kea, args.hook = kea, os.path.abspath(args.hook)
        return docs_config(args)
    if os.geteuid() == 0 and not kea:
        print("SKIP: kea-dhcp6 not installed (Debian: kea-dhcp6-server)")
        return interop.SKIP
    args.kea, args.hook = kea, os.path.abspath(args.hook)
    atexit.register(interop.cleanup_all)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: (interop.cleanup_all(), os._exit(1)))
    if args.hostile:
        return hostile(args)
    if args.relay_depth:
        return relay_depth(args)
    if args.send_check:
        return send_check(args)
    return clients(args)


if __name__ == "__main__":
    sys.exit(main())
