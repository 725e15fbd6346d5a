#!/usr/bin/python3
"""Interop tests of dhcp6txn-relay between real DHCPv6 clients, relays and servers, in network
namespaces built by the server's lab harness (server/test/interop.py, found on PYTHONPATH).

  interop_relay.py --relay PATH --client dhclient|dhcpcd|wide --target kea|ours [--server PATH]
  interop_relay.py --relay PATH --chains LIST [--server PATH]    LIST: ours-dhcrelay,dhcrelay-ours,...
  interop_relay.py --relay PATH --hostile --server PATH

Matrix runs (client -> dhcp6txn-relay -> Kea or dhcp6txn-server): the modes na, pd, both, info
run in parallel, each in its own namespaces. Each asserts that the client configured what the
server's configuration says, that Renew and Release reached the server through the relay, that the
relay logged each message it relayed, and on what the relay sent (captured on both of its links):
tshark marks nothing malformed, and every Relay-forward of a client message carries the Client
Link-Layer Address equal to the client's MAC, the Remote-ID and the Subscriber-ID. The server side
proves those arrived: Kea's lease file holds the MAC as the lease's hardware address (mac-sources:
client-link-addr-option only) and the relay options in the lease's extended info; dhcp6txn-server's
bulk leasequery by the Remote-ID finds the client's binding. In the pd and info modes the relay
sends from port 10547 (RFC 8357): the server's replies must come back to that port. To Kea, the
na mode relays to ff02::1:2 on the upper link (dhcrelay's '-u IFACE') instead of unicast. In the pd and
both modes the relay runs a hook command that must see the client's delegated prefix.

Chains: the relay in front of and behind ISC dhcrelay and WIDE dhcp6relay, two of ours in a row,
and ours as an LDRA (RFC 6221) in front of ours; dhcpcd asks for an address and a prefix from
dhcp6txn-server. Hostile: datagrams a relay must not forward (from the client side) and forged
Relay-replies (from the server side) are each dropped with a logged reason; the relay keeps
relaying (a client binds afterwards, with two lower interfaces and three upper destinations
configured, ff05::1:3 among them, checked in a capture of the upper link) and counts the drops
on SIGUSR1.

Exit status 77 (meson: skipped) when not root or a peer program is missing. Every process is
stopped by PID, every wait is bounded, namespaces are removed even on failure.
"""
import argparse, atexit, ipaddress, json, os, re, shutil, signal, subprocess, sys, tempfile, threading, time

import interop  # server/test/interop.py: the namespaces, clients and relays of the server's suite
from interop import Failure, wait_for, wait_or_kill

HERE = os.path.dirname(os.path.abspath(__file__))
NSTOOL = os.path.join(HERE, "nstool.py")
PY = "/usr/bin/python3"
SRCPORT = 10547  # the relay's RFC 8357 source port in the pd and info modes
ENTERPRISE = 32473  # RFC 5612 documentation enterprise number
SERVER_ADDR = {"one": "2001:db8:12::3", "two": "2001:db8:23::3"}
KEA_TIMES = (2, 4, 30, 40)  # T1, T2, preferred, valid as the server's suite uses them


def remote_id(name):
    return b"rid-" + name.encode()


def subscriber_id(name):
    return b"sub-" + name.encode()


class RelayLab(interop.Lab):
    """The server's lab with dhcp6txn-relay and Kea as peers: 'one' relay (cli - rel1 - srv) or
    'two' (cli - rel1 - rel2 - srv)."""

    def __init__(self, name, hops, tmp, server, relay):
        super().__init__(name, "2relays" if hops == "two" else "dhcrelay", tmp, server)
        self.hops, self.relay = hops, relay
        self.ours = {}  # namespace -> (process, log name) of each dhcp6txn-relay
        self.target = "ours"

    def mac(self, ns, dev):
        out = self.run(ns, "ip -o link show dev %s" % dev)
        return re.search(r"link/ether (\S+)", out).group(1)

    def start_capture_at(self, ns, devs, port=SRCPORT):
        """dumpcap on the relay's links (pcapng: both interfaces in one file)."""
        self.pcap = os.path.join(self.tmp, "relay-%s.pcap" % ns)
        ifs = " ".join("-i %s" % d for d in devs)
        self.spawn(ns, "exec dumpcap -q %s -f 'udp port 546 or udp port 547 or udp port %d' -w %s" % (ifs, port, self.pcap),
                   "dumpcap.log")
        if not wait_for(lambda: os.path.exists(self.pcap) and os.path.getsize(self.pcap) > 0, 10):
            raise Failure("dumpcap did not start: " + self.log("dumpcap.log"))
        time.sleep(0.3)

    def start_ours(self, ns, down, up, upstream_addr, extra=""):
        logname = "%s-dhcp6txn-relay.log" % ns
        to = "%s%%%s" % (upstream_addr, up) if upstream_addr else up
        cmd = "exec %s -6 -d --no-pid -l %s -u %s %s" % (self.relay, down, to, extra)
        p = self.spawn(ns, cmd, logname)
        if not wait_for(lambda: "ready\n" in self.log(logname) or p.poll() is not None, 10):
            raise Failure("dhcp6txn-relay in %s not ready" % ns)
        if p.poll() is not None:
            raise Failure("dhcp6txn-relay in %s exited: %s" % (ns, self.log(logname)))
        self.ours[ns] = (p, logname)
        return p

    def start_kea(self, lifetimes=KEA_TIMES):
        self.target = "kea"
        kdir = os.path.join(self.tmp, "kea")
        os.makedirs(kdir, exist_ok=True)
        net, lo, hi, pd = interop.SUBNETS["relayed"]
        pdnet = ipaddress.ip_network(pd)
        t1, t2, pref, valid = lifetimes
        conf = {"Dhcp6": {
            "interfaces-config": {"interfaces": ["s0/%s" % SERVER_ADDR[self.hops]]},
            "lease-database": {"type": "memfile", "persist": True, "name": os.path.join(kdir, "leases6.csv"),
                               "lfc-interval": 0},
            "server-id": {"type": "LLT", "persist": False},
            "data-directory": kdir,
            # RFC 6939 only: the lease's hardware address then proves the relay's option
            "mac-sources": ["client-link-addr-option"],
            "store-extended-info": True,
            "renew-timer": t1, "rebind-timer": t2, "preferred-lifetime": pref, "valid-lifetime": valid,
            "option-data": [{"name": "dns-servers", "data": ", ".join(interop.DNS)},
                            {"name": "domain-search", "data": ", ".join(interop.DOMAINS)}],
            "subnet6": [{"id": 1, "subnet": net, "pools": [{"pool": "%s - %s" % (lo, hi)}],
                         "pd-pools": [{"prefix": str(pdnet.network_address), "prefix-len": pdnet.prefixlen,
                                       "delegated-len": 56}]}],
            "loggers": [{"name": "kea-dhcp6", "output_options": [{"output": "stdout"}], "severity": "INFO"}],
        }}
        path = os.path.join(self.tmp, "kea-dhcp6.json")
        with open(path, "w") as f:
            json.dump(conf, f, indent=1)
        self.kea_leases = os.path.join(kdir, "leases6.csv")
        self.server_logs = ["kea.log"]
        self.server_proc = self.spawn("srv", "KEA_PIDFILE_DIR=%s KEA_LOCKFILE_DIR=%s KEA_LOGGER_DESTINATION=stdout "
                                             "exec kea-dhcp6 -c %s" % (kdir, kdir, path), "kea.log")
        if not wait_for(lambda: "DHCP6_STARTED" in self.log("kea.log") or self.server_proc.poll() is not None, 15):
            raise Failure("kea-dhcp6 not ready")
        if self.server_proc.poll() is not None:
            raise Failure("kea-dhcp6 exited: " + self.log("kea.log")[-1500:])

    def start_ours_server(self, lifetimes):
        self.start_server(extra="leasequery yes\n", lifetimes=lifetimes)

    # what the server saw
    def seen(self, what):
        """Did a Renew / Release reach the server (and get a Reply)?"""
        log = self.server_log()
        if self.target == "kea":
            # Kea's INFO lines of a lease renewed (NA or PD) or released
            return re.search({"Renew": r"DHCP6_(PD_)?LEASE_RENEW ", "Release": r"DHCP6_RELEASE_(NA|PD) "}[what], log)
        return re.search(r"^%s from .*-> REPLY" % what, log, re.M)

    def kea_rows(self):
        try:
            text = open(self.kea_leases).read()
        except FileNotFoundError:
            return []
        return [l.split(",") for l in text.splitlines()[1:] if l.strip()]

    def server_has(self, addr, plen):
        if self.target == "kea":
            return any(r[0] == str(addr) and r[8] == str(plen) and r[2] != "0" for r in self.kea_rows())
        return (str(addr), plen) in interop.server_leases(self.tmp)


def wait_bound(lab, c, mode, timeout=25):
    """The client holds an address / a /56 of the server's pools, and the server holds them as leases."""
    net, lo, hi, pd = interop.SUBNETS["relayed"]
    addr = prefix = None
    if mode in ("na", "both"):
        got = wait_for(lambda: [a for a in c.addresses() if ipaddress.ip_address(lo) <= a <= ipaddress.ip_address(hi)], timeout)
        if not got:
            raise Failure("no address from %s-%s on c0 (has %s)" % (lo, hi, c.addresses()))
        addr = got[-1]
        if not wait_for(lambda: lab.server_has(addr, 128), 3):
            raise Failure("address %s is not a lease in the server's lease file" % addr)
    if mode in ("pd", "both"):
        pool = ipaddress.ip_network(pd)
        got = wait_for(lambda: [p for p in c.delegated() if p.subnet_of(pool) and p.prefixlen == 56], timeout)
        if not got:
            raise Failure("client holds no delegated /56 from %s (has %s)" % (pool, c.delegated()))
        prefix = got[-1]
        if not wait_for(lambda: lab.server_has(prefix.network_address, 56), 3):
            raise Failure("prefix %s is not a lease in the server's lease file" % prefix)
    return addr, prefix


def renew_release(lab, c, mode, notes, while_bound=None):
    """Bound, DNS, Renew through the relay; while_bound(addr, prefix) runs before the Renew is
    waited for, so that the Release follows a Renew's Reply as closely as in the server's suite
    (a client stopped while its next Renew is pending sends no Release)."""
    addr, prefix = wait_bound(lab, c, mode)
    notes.extend(x for x in ("address %s" % addr if addr else "", "prefix %s" % prefix if prefix else "") if x)
    if mode in ("info", "na", "both"):
        want = (interop.DNS, interop.DOMAINS)
        if not wait_for(lambda: c.dns() == want, 20):
            raise Failure("client's DNS configuration %s, want %s" % (c.dns(), want))
        notes.append("DNS + search list")
    if mode == "info":
        return addr, prefix
    if while_bound:
        while_bound(addr, prefix)
    if not wait_for(lambda: lab.seen("Renew"), 15):
        raise Failure("no Renew reached the server through the relay within 15 s (T1 = 2 s)")
    time.sleep(1.0)  # the client takes the Renew's Reply before it is told to release
    c.release()
    if not wait_for(lambda: lab.seen("Release"), 10):
        raise Failure("no Release reached the server through the relay")
    notes.append("Renew + Release through the relay")
    return addr, prefix


# ---- what the relay sent, from its capture ----
def opts_of(data):
    out, i = [], 0
    while i + 4 <= len(data):
        code, ln = int.from_bytes(data[i:i + 2], "big"), int.from_bytes(data[i + 2:i + 4], "big")
        out.append((code, data[i + 4:i + 4 + ln]))
        i += 4 + ln
    return out


def relay_datagrams(lab, macs):
    """(udp.srcport, udp.dstport, payload) of every datagram the relay sent (source MAC one of
    its interfaces'), after tshark found none malformed."""
    flt = "udp && (%s)" % " || ".join("eth.src == %s" % m for m in macs)
    out = subprocess.run(["tshark", "-r", lab.pcap, "-n", "-d", "udp.port==%d,dhcpv6" % SRCPORT, "-Y", flt, "-T", "fields",
                          "-e", "udp.srcport", "-e", "udp.dstport", "-e", "_ws.malformed", "-e", "_ws.expert.severity",
                          "-e", "udp.payload"], capture_output=True, text=True, timeout=60)
    if out.returncode:
        raise Failure("tshark failed: " + out.stderr)
    rows = [(l.split("\t") + [""] * 5)[:5] for l in out.stdout.splitlines() if l.strip()]
    bad = [r[:4] for r in rows if r[2] or (r[3] and int(r[3].split(",")[0]) >= 0x800000)]
    if bad:
        raise Failure("tshark marks %d datagram(s) the relay sent malformed/error: %s" % (len(bad), bad[:3]))
    if not rows:
        raise Failure("the capture holds no datagram from the relay")
    return [(int(r[0]), int(r[1]), bytes.fromhex(r[4].replace(":", ""))) for r in rows]


def check_relay_forwards(lab, sent, client_mac, name, srcport, notes):
    """Every Relay-forward of a client message: hop count 0, CLLA = client MAC, Remote-ID,
    Subscriber-ID, Interface-ID; from srcport, with Relay Source Port when not 547."""
    fw = [(s, d, p) for s, d, p in sent if p[:1] == b"\x0c"]
    if not fw:
        raise Failure("the relay sent no Relay-forward")
    mac = bytes.fromhex(client_mac.replace(":", ""))
    want_rid = ENTERPRISE.to_bytes(4, "big") + remote_id(name)
    for s, d, p in fw:
        o = dict(opts_of(p[34:]))
        if p[1] != 0:
            raise Failure("Relay-forward of a client message with hop count %d" % p[1])
        if o.get(79) != b"\x00\x01" + mac:
            raise Failure("Client Link-Layer Address %s, want Ethernet %s" % ((o.get(79) or b"").hex(), client_mac))
        if o.get(37) != want_rid or o.get(38) != subscriber_id(name) or 18 not in o:
            raise Failure("Relay-forward options %s: want Remote-ID %s, Subscriber-ID, Interface-ID"
                          % (sorted(o), want_rid.hex()))
        if s != srcport:
            raise Failure("Relay-forward from port %d, want %d" % (s, srcport))
        if (135 in o) != (srcport != 547):
            raise Failure("Relay Source Port option %s with source port %d" % ("present" if 135 in o else "absent", srcport))
    notes.append("%d Relay-forwards: CLLA = %s, Remote-ID, Subscriber-ID, Interface-ID%s"
                 % (len(fw), client_mac, ", from port %d with Relay Source Port" % srcport if srcport != 547 else ""))


def check_source_port_replies(lab, notes):
    """RFC 8357: the server sent its Relay-replies to the relay's source port."""
    out = subprocess.run(["tshark", "-r", lab.pcap, "-n", "-Y", "udp.dstport == %d" % SRCPORT, "-T", "fields",
                          "-e", "udp.srcport", "-e", "udp.payload"], capture_output=True, text=True, timeout=60)
    rr = [l for l in out.stdout.splitlines() if l.split("\t")[-1].startswith("0d")]
    if not rr:
        raise Failure("no Relay-reply came back to the relay's source port %d" % SRCPORT)
    notes.append("%d Relay-replies to port %d" % (len(rr), SRCPORT))


def check_ours_remote_id(lab, name, addr, prefix, notes):
    rid = (ENTERPRISE.to_bytes(4, "big") + remote_id(name)).hex()
    out = lab.run("srv", "%s %s bulk-lq %s 547 %s" % (PY, NSTOOL, SERVER_ADDR[lab.hops], rid), timeout=20)
    want = [str(x) for x in (addr, prefix) if x]
    if not all(w in out for w in want):
        raise Failure("bulk leasequery by Remote-ID %s: %s, want %s" % (rid, out.strip(), want))
    notes.append("bulk leasequery by Remote-ID finds %s" % ", ".join(want))


def check_kea_lease(lab, name, client_mac, addr, prefix, notes):
    """Kea's lease rows: hardware address from RFC 6939, relay options in the extended info."""
    rid = remote_id(name).hex()
    sub = subscriber_id(name).hex()
    for x, plen in ((addr, 128), (prefix and prefix.network_address, 56)):
        if not x:
            continue
        rows = [r for r in lab.kea_rows() if r[0] == str(x) and r[8] == str(plen)]
        if not rows:
            raise Failure("no Kea lease row for %s" % x)
        row = ",".join(rows[-1]).lower()
        if client_mac.lower() not in row:
            raise Failure("Kea lease of %s: hardware address is not %s: %s" % (x, client_mac, row))
        if rid not in row or sub not in row:
            raise Failure("Kea lease of %s: Remote-ID %s / Subscriber-ID %s not in its extended info: %s"
                          % (x, rid, sub, row))
    notes.append("Kea lease: hwaddr %s (RFC 6939), Remote-ID + Subscriber-ID in extended info" % client_mac)


def check_hook(lab, prefix, notes):
    path = os.path.join(lab.tmp, "relay-hook.env")
    want = "D6T_RELAY_PREFIX=%s\n" % prefix.network_address
    if not wait_for(lambda: os.path.exists(path) and want in open(path).read(), 5):
        have = open(path).read() if os.path.exists(path) else "nothing"
        raise Failure("the hook did not get %s/56: %s" % (prefix.network_address, have[-400:]))
    text = open(path).read()
    if "D6T_RELAY_PREFIX_LEN=56\n" not in text or "D6T_RELAY_IFACE=r1d\n" not in text:
        raise Failure("hook environment incomplete: %s" % text[-400:])
    notes.append("hook ran with %s" % prefix)


def relay_log_lines(lab, ns):
    return lab.log(lab.ours[ns][1]) if ns in lab.ours else ""


def stop_ours_cleanly(lab):
    """SIGTERM to each relay: 'stopping', counters, exit status 0."""
    for ns, (p, logname) in lab.ours.items():
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            wait_or_kill(p)
        log = lab.log(logname)
        if p.returncode != 0 or "stopping" not in log or "counters:" not in log:
            raise Failure("dhcp6txn-relay in %s did not stop cleanly (exit %s)" % (ns, p.returncode))


HOOK = "env | grep ^D6T_RELAY_ | sort >> %s/relay-hook.env; echo ---- >> %s/relay-hook.env"


def matrix_run(args, mode, results):
    client, target = args.client, args.target
    name = "%s-%s-%s" % (client[:2], target[:2], mode)
    tmp = tempfile.mkdtemp(prefix="d6t-relay-%s-" % name)
    lab = RelayLab("r" + name, "one", tmp, args.server, args.relay)
    notes, ok, t0 = [], False, time.time()
    srcport = SRCPORT if mode in ("pd", "info") else 547
    try:
        lab.setup()
        lab.start_capture_at("rel1", ["r1d", "r1u"])
        times = interop.WIDE_TIMES if client == "wide" else KEA_TIMES
        if target == "kea":
            lab.start_kea(times)
        else:
            lab.start_ours_server(times)
        extra = "-I -s %s --remote-id r1d=%d:%s" % (subscriber_id(name).decode(), ENTERPRISE, remote_id(name).decode())
        if srcport != 547:
            extra += " --source-port %d" % srcport
        if mode in ("pd", "both"):
            extra += " --hook '%s'" % (HOOK % (tmp, tmp))
        if target == "kea" and mode == "na":
            # dhcrelay's '-u IFACE': to All_DHCP_Relay_Agents_and_Servers, which Kea joins
            # (Kea 2.2 does not join ff05::1:3, so that destination is not tried here)
            lab.start_ours("rel1", "r1d", "r1u", None, extra)
            notes.append("relayed to ff02::1:2 on r1u")
        else:
            lab.start_ours("rel1", "r1d", "r1u", SERVER_ADDR["one"], extra)
        c = interop.Client(lab, client, mode)
        c.start()
        lq = (lambda a, p: check_ours_remote_id(lab, name, a, p, notes)) if target == "ours" else None
        addr, prefix = renew_release(lab, c, mode, notes, lq)
        if prefix:
            check_hook(lab, prefix, notes)
        rlog = relay_log_lines(lab, "rel1")
        if not re.search(r"^forward \S+ from \[fe80::[^]]*\]:546 on r1d hop-count 0 client [0-9a-f]+ mac", rlog, re.M) \
                or not re.search(r"^reply \S+ to \[fe80::[^]]*\]:546 on r1d", rlog, re.M):
            raise Failure("the relay logged no forward/reply lines:\n" + rlog[-800:])
        if re.search(r"^drop ", rlog, re.M):
            raise Failure("the relay dropped messages of a well-behaved exchange:\n" + rlog[-800:])
        stop_ours_cleanly(lab)
        lab.stop_all()
        client_mac = lab.mac("cli", "c0")
        if target == "kea" and mode != "info":
            check_kea_lease(lab, name, client_mac, addr, prefix, notes)
        sent = relay_datagrams(lab, [lab.mac("rel1", "r1d"), lab.mac("rel1", "r1u")])
        check_relay_forwards(lab, sent, client_mac, name, srcport, notes)
        if srcport != 547:
            check_source_port_replies(lab, notes)
        notes.append("tshark: %d relay datagrams, none malformed" % len(sent))
        ok = True
    except Exception as e:  # noqa: any failure of this run is reported with its logs
        notes.append("FAIL: %s" % e)
        for _, logname in lab.procs:
            notes.append("---- %s (last lines)\n%s" % (logname, "\n".join(lab.log(logname).splitlines()[-15:])))
    finally:
        lab.teardown()
    results[mode] = (ok, "%-8s -> relay -> %-4s %-4s %s (%.1fs): %s" % (client, target, mode, "ok" if ok else "FAILED",
                                                                    time.time() - t0, "; ".join(notes)))
    if ok and not os.environ.get("D6T_INTEROP_KEEP"):
        shutil.rmtree(tmp, ignore_errors=True)
    elif not ok:
        results[mode] = (ok, results[mode][1] + "\n(files kept in %s)" % tmp)


# ---- chains: rel1 (client side) and rel2 (server side) ----
def chain_run(args, chain, results):
    first, second = chain.split("-")
    name = "ch-%s" % chain.replace("dhcrelay", "isc").replace("ours", "o").replace("ldra", "l")[:12]
    tmp = tempfile.mkdtemp(prefix="d6t-relay-%s-" % name)
    lab = RelayLab(name, "two", tmp, args.server, args.relay)
    notes, ok, t0 = [], False, time.time()
    try:
        lab.setup()
        lab.start_ours_server(KEA_TIMES)
        # the server-side relay first, so the first Solicit finds the chain whole
        for ns, kind, down, up, to in (("rel2", second, "r2d", "r2u", SERVER_ADDR["two"]),
                                       ("rel1", first, "r1d", "r1u", "2001:db8:12::2")):
            if kind == "ours" and first == "ldra" and ns == "rel2":
                # behind an LDRA (link-address ::) the first relay with an address names the
                # client's link: dhcrelay's -l ADDRESS%IFACE
                lab.start_ours(ns, "2001:db8:1::1%" + down, up, to, "-I")
            elif kind == "ours":
                lab.start_ours(ns, down, up, to, "-I")
            elif kind == "ldra":
                # RFC 6221: the LDRA relays to ff02::1:2 on its network-facing link
                lab.start_ours(ns, down, up, "ff02::1:2", "--ldra")
            else:
                lab.start_relay(ns, {"wide": "wide", "dhcrelay": "dhcrelay"}[kind], down, up, to)
        c = interop.Client(lab, "dhcpcd", "both")
        c.start()
        renew_release(lab, c, "both", notes)
        for ns, kind in (("rel1", first), ("rel2", second)):
            if kind not in ("ours", "ldra"):
                continue
            rlog = relay_log_lines(lab, ns)
            hop = "0" if ns == "rel1" else "1"
            if not re.search(r"^forward SOLICIT from \S+ on r%sd hop-count %s " % (ns[-1], hop), rlog, re.M):
                raise Failure("%s (%s): no 'forward SOLICIT ... hop-count %s' line:\n%s" % (ns, kind, hop, rlog[-600:]))
            # to a downstream relay: 547, or the port it sent from (RFC 8357; WIDE dhcp6relay uses 546)
            if not re.search(r"^reply REPLY to \[\S+\]:%s on r%sd" % ("546" if ns == "rel1" else r"\d+", ns[-1]), rlog, re.M):
                raise Failure("%s (%s): no Reply delivered:\n%s" % (ns, kind, rlog[-600:]))
            if re.search(r"^drop ", rlog, re.M):
                raise Failure("%s dropped messages:\n%s" % (ns, rlog[-600:]))
            notes.append("%s: %s hop-count %s" % (ns, kind, hop))
        stop_ours_cleanly(lab)
        ok = True
    except Exception as e:  # noqa
        notes.append("FAIL: %s" % e)
        for _, logname in lab.procs:
            notes.append("---- %s (last lines)\n%s" % (logname, "\n".join(lab.log(logname).splitlines()[-15:])))
    finally:
        lab.teardown()
    results[chain] = (ok, "dhcpcd -> %-14s -> dhcp6txn-server %s (%.1fs): %s" % (chain, "ok" if ok else "FAILED",
                                                                               time.time() - t0, "; ".join(notes)))
    if ok and not os.environ.get("D6T_INTEROP_KEEP"):
        shutil.rmtree(tmp, ignore_errors=True)
    elif not ok:
        results[chain] = (ok, results[chain][1] + "\n(files kept in %s)" % tmp)


# ---- hostile datagrams from both sides ----
def h(*parts):
    return "".join(parts)


def hopt(code, data_hex):
    return "%04x%04x%s" % (code, len(data_hex) // 2, data_hex)


LL = "fe800000000000000000000000000001"
LINK = "20010db8000100000000000000000001"  # the relay's lower link-address
SOLICIT = "01abcdef" + hopt(1, "00030001020000000099") + hopt(8, "0000")
# (what, hex, the reason the relay must log)
FROM_CLIENTS = [
    ("empty datagram", "", "truncated|short"),
    ("3 bytes", "01abcd", "truncated|short"),
    ("option runs past the end", "01abcdef00010010000300", "overrun|past"),
    ("Advertise from the client side", "02abcdef" + hopt(1, "00030001020000000099"), "wrong kind|not valid for this kind"),
    ("Relay-reply from the client side", h("0d00", LINK, LL, hopt(9, SOLICIT)), "wrong kind|not valid for this kind"),
    ("Relay-forward at the hop count limit", h("0c08", LINK, LL, hopt(9, SOLICIT)), "relay|hop"),
]
FROM_SERVERS = [
    ("Reply outside a Relay-reply", "07abcdef" + hopt(1, "00030001020000000099"), "only Relay-replies"),
    ("truncated Relay-reply", "0d00" + LINK[:20], "truncated|short"),
    ("unknown Interface-ID", h("0d00", LINK, LL, hopt(18, "6e6f6e65"), hopt(9, "07abcdef")), "not found|no such"),
    ("no Relay Message", h("0d00", LINK, LL, hopt(18, "723164")), "not found|no such"),
    ("multicast peer-address", h("0d00", LINK, "ff020000000000000000000000010002", hopt(18, "723164"), hopt(9, "07abcdef")),
     "value|impossible"),
    ("a Solicit inside", h("0d00", LINK, LL, hopt(18, "723164"), hopt(9, SOLICIT)), "wrong kind|not valid for this kind"),
]


def check_site_multicast(lab):
    """The relay sent its Relay-forwards of the client's Solicit and Request to ff05::1:3 on the
    upper link with the Hop Limit RFC 9915 section 19 sets for multicast (8), and tshark finds
    them well-formed."""
    out = subprocess.run(["tshark", "-r", lab.pcap, "-n", "-Y", "ipv6.dst == ff05::1:3", "-T", "fields",
                          "-e", "ipv6.hlim", "-e", "udp.dstport", "-e", "dhcpv6.msgtype", "-e", "_ws.malformed"],
                         capture_output=True, text=True, timeout=60)
    if out.returncode:
        raise Failure("tshark failed: " + out.stderr)
    rows = [(l.split("\t") + [""] * 4)[:4] for l in out.stdout.splitlines() if l.strip()]
    # msgtype lists the Relay-forward first, then the relayed message: 12,1 and 12,3
    kinds = {r[2] for r in rows if r[1] == "547" and not r[3] and r[0] == "8"}
    if not {"12,1", "12,3"} <= kinds or any(r[0] != "8" for r in rows):
        raise Failure("no well-formed Relay-forward(Solicit) and Relay-forward(Request) to ff05::1:3 port 547 "
                      "with hop limit 8 on the upper link: %s" % rows[:6])
    print("%d Relay-forwards to ff05::1:3 (hop limit %s), Solicit and Request among them" % (len(rows), rows[0][0]))


def hostile_run(args):
    tmp = tempfile.mkdtemp(prefix="d6t-relay-hostile-")
    lab = RelayLab("rhost", "one", tmp, args.server, args.relay)
    ok = False
    try:
        lab.setup()
        lab.start_ours_server(KEA_TIMES)
        # two lower links (replies told apart by Interface-ID) and three upper destinations: the
        # server, a unicast address nobody answers and All_DHCP_Servers (ff05::1:3), which no
        # server here joins, so the capture on the upper link shows what went there
        lab.run("rel1", "ip link add r1x type veth peer name r1y && ip link set r1y up && ip link set r1x up && "
                        "ip -6 addr add 2001:db8:5::1/64 dev r1x nodad")
        lab.start_capture_at("rel1", ["r1u"])
        lab.start_ours("rel1", "r1d", "r1u", SERVER_ADDR["one"], "-l r1x -u 2001:db8:12::99%r1u -u ff05::1:3%r1u")
        logname = lab.ours["rel1"][1]
        lab.run("cli", "%s %s send ff02::1:2 547 c0 %s" % (PY, NSTOOL, " ".join(x[1] or "''" for x in FROM_CLIENTS)))
        lab.run("srv", "%s %s send 2001:db8:12::1 547 s0 %s" % (PY, NSTOOL, " ".join(x[1] for x in FROM_SERVERS)))
        want = len(FROM_CLIENTS) + len(FROM_SERVERS)
        if not wait_for(lambda: len(re.findall(r"^drop ", lab.log(logname), re.M)) >= want, 10):
            raise Failure("%d drop lines, want %d:\n%s" % (len(re.findall(r"^drop ", lab.log(logname), re.M)), want,
                                                           lab.log(logname)[-2000:]))
        drops = re.findall(r"^drop .*$", lab.log(logname), re.M)
        for (what, _, reason), line in zip(FROM_CLIENTS + FROM_SERVERS, drops):
            if not re.search(reason, line, re.I):
                raise Failure("%s: logged as '%s', want a reason matching '%s'" % (what, line, reason))
            print("dropped %-38s %s" % (what + ":", line.split(": ", 1)[1]))
        # the relay keeps relaying: a client binds through it
        c = interop.Client(lab, "dhcpcd", "na")
        c.start()
        addr, _ = wait_bound(lab, c, "na")
        print("then dhcpcd bound %s through the same relay" % addr)
        if not re.search(r"^forward REQUEST .* on r1d .*-> 3 upper", lab.log(logname), re.M):
            raise Failure("the Request did not go to all three upper destinations:\n" + lab.log(logname)[-800:])
        print("with two lower interfaces and three upper destinations (each message sent to all)")
        p = lab.ours["rel1"][0]
        p.send_signal(signal.SIGUSR1)
        m = wait_for(lambda: re.search(r"counters: received=(\d+) forwarded=(\d+) replied=(\d+) dropped-downstream=(\d+) "
                                       r"dropped-upstream=(\d+)", lab.log(logname)), 5)
        if not m:
            raise Failure("no counters on SIGUSR1")
        rec, fw, rep, dd, du = (int(x) for x in m.groups())
        if dd != len(FROM_CLIENTS) or du != len(FROM_SERVERS) or fw < 2 or rep < 2:
            raise Failure("counters %s: want %d dropped downstream, %d upstream" % (m.group(0), len(FROM_CLIENTS),
                                                                                   len(FROM_SERVERS)))
        print(m.group(0))
        c.stop()
        stop_ours_cleanly(lab)
        lab.stop_all()
        check_site_multicast(lab)
        ok = True
    except Exception as e:  # noqa
        print("FAIL: %s" % e)
        for _, logname in lab.procs:
            print("---- %s\n%s" % (logname, "\n".join(lab.log(logname).splitlines()[-20:])))
    finally:
        lab.teardown()
        if ok:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0 if ok else 1


def run_parallel(fn, args, keys, timeout=170):
    results, threads = {}, []
    for k in keys:
        th = threading.Thread(target=fn, args=(args, k, results))
        th.start()
        threads.append(th)
        time.sleep(0.3)
    for th in threads:
        th.join(timeout=timeout)
    failed = 0
    for k in keys:
        ok, text = results.get(k, (False, "%s: did not finish in time" % k))
        print(text)
        failed += not ok
    return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--relay", required=True)
    ap.add_argument("--server", help="dhcp6txn-server (target 'ours', chains, hostile)")
    ap.add_argument("--client", choices=["dhclient", "dhcpcd", "wide"])
    ap.add_argument("--target", choices=["kea", "ours"])
    ap.add_argument("--modes", default="na,pd,both,info")
    ap.add_argument("--chains", help="comma-separated FIRST-SECOND pairs of ours, ldra, dhcrelay, wide")
    ap.add_argument("--hostile", action="store_true")
    a = ap.parse_args()
    a.relay = os.path.abspath(a.relay)
    if a.server:
        a.server = os.path.abspath(a.server)
    atexit.register(interop.cleanup_all)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: (interop.cleanup_all(), os._exit(1)))
    if a.hostile:
        interop.require("dhcpcd", "tshark")
        return hostile_run(a)
    if a.chains:
        chains = a.chains.split(",")
        peers = {"dhcrelay": "relay-dhcrelay", "wide": "relay-wide"}
        interop.require("dhcpcd", *{peers[k] for c in chains for k in c.split("-") if k in peers})
        return run_parallel(chain_run, a, chains)
    if not a.client or not a.target:
        ap.error("--client and --target, or --chains, or --hostile")
    interop.require(a.client, "tshark", *(["kea-dhcp6"] if a.target == "kea" else []))
    if a.target == "ours" and not a.server:
        ap.error("--target ours needs --server")
    return run_parallel(matrix_run, a, a.modes.split(","))


if __name__ == "__main__":
    sys.exit(main())
