#!/usr/bin/python3
"""Interop tests of dhcp6txn-server against real DHCPv6 clients and relays in network namespaces.

Each run builds its own namespaces and veth links (2001:db8::/32 and link-local addresses only,
nothing is routed out), starts the server, the relays and one client, and asserts that the client
really configured what the server's configuration says, that Renew and Release reach the server,
and that tshark decodes every datagram the server sent without a malformed or error mark.

  interop.py --server PATH --client dhclient|dhcpcd|wide --path direct|dhcrelay|wide|2relays|dnsmasq
  interop.py --server PATH --client dhclient|dhcpcd|wide --path direct|dhcrelay --restart
  interop.py --server PATH --perfdhcp
  interop.py --server PATH --d6load PATH/TO/d6load [--segmentation]

The four modes (na, pd, both, info) of one client x path run in parallel, each in its own
namespaces. With --restart the modes are na, pd, both (and moved, moved-pd on the direct path):
the client gets its lease, is stopped by PID with its lease and DUID files kept, and is started
again; what it sends then (Confirm, Rebind, or Solicit: RESTART_FIRST) must get the answer
RFC 9915 asks for, and the client must end with the same lease. In moved / moved-pd the server
is restarted with the link renumbered in between: a Confirm must get NotOnLink, a Rebind the old
lease at lifetime 0, and the client must end with an address / prefix of the new pools.
Exit status 77 (meson: skipped) when not root or a peer program is missing.
Every process is stopped by PID, every wait is bounded, namespaces are removed even on failure.
"""
import argparse, atexit, ipaddress, os, re, shutil, signal, subprocess, sys, tempfile, threading, time

SKIP = 77
TAG = "d6t%d" % (os.getpid() % 100000)
NAMESPACES = set()
NS_LOCK = threading.Lock()

PEERS = {"dhclient": ["dhclient", "/sbin/dhclient-script"], "dhcpcd": ["dhcpcd"], "wide": ["dhcp6c"],
         "relay-dhcrelay": ["dhcrelay"], "relay-wide": ["dhcp6relay"], "relay-dnsmasq": ["dnsmasq"],
         "tshark": ["tshark", "dumpcap"], "perfdhcp": ["perfdhcp"]}

# What the server's configuration says; the clients must end up with exactly this.
DNS = ["2001:db8::53", "2001:db8::54"]
DOMAINS = ["lab.example.com", "example.com"]
WIDE_TIMES = tuple(int(x) for x in os.environ.get("D6T_WIDE_TIMES", "2,30,40,50").split(","))
SUBNETS = {"direct": ("2001:db8:2::/64", "2001:db8:2::1000", "2001:db8:2::1fff", "2001:db8:200::/40"),
           "relayed": ("2001:db8:1::/64", "2001:db8:1::1000", "2001:db8:1::1fff", "2001:db8:100::/40")}
# the direct link after renumbering ('moved' restart runs): the old lease is not on this link
MOVED = dict(SUBNETS, direct=("2001:db8:3::/64", "2001:db8:3::1000", "2001:db8:3::1fff", "2001:db8:300::/40"))
# the relays' addresses on their downstream (client side) link: dnsmasq relays from this address
RELAY_LOCAL = {"r1d": "2001:db8:1::1", "r2d": "2001:db8:12::2"}


def which(prog):
    return prog if os.path.isabs(prog) and os.access(prog, os.X_OK) else shutil.which(prog, path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")


def require(*groups):
    if os.geteuid() != 0:
        print("SKIP: interop tests need root (network namespaces); run them as root, e.g. in CI")
        sys.exit(SKIP)
    for g in ("ip",) + groups:
        for prog in PEERS.get(g, [g]):
            if not which(prog):
                print("SKIP: %s not installed (%s); see docs/SERVER.md for the Debian packages" % (prog, g))
                sys.exit(SKIP)


def cleanup_all():
    with NS_LOCK:
        names = list(NAMESPACES)
    for ns in names:
        subprocess.run(["ip", "netns", "pids", ns], capture_output=True)
        pids = subprocess.run(["ip", "netns", "pids", ns], capture_output=True, text=True).stdout.split()
        for p in pids:
            try:
                os.kill(int(p), signal.SIGKILL)
            except (ProcessLookupError, ValueError):
                pass
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        with NS_LOCK:
            NAMESPACES.discard(ns)


def wait_or_kill(proc, timeout=10):
    """Wait for a process that was asked to stop; SIGKILL it when it does not within the timeout."""
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


def wait_for(pred, timeout, step=0.1):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return pred()


class Failure(Exception):
    pass


class Lab:
    """One set of namespaces: cli [c0] - rel1 [r1d|r1u] - rel2 [r2d|r2u] - srv, as the path needs."""

    def __init__(self, name, path, tmp, server):
        self.name, self.path, self.tmp, self.server = name, path, tmp, server
        self.procs = []
        self.notes = []
        self.ns = {k: "%s-%s-%s" % (TAG, name, k) for k in ("cli", "rel1", "rel2", "srv")}
        self.used = ["cli", "srv"] + (["rel1"] if path != "direct" else []) + (["rel2"] if path == "2relays" else [])
        self.kind = "direct" if path == "direct" else "relayed"

    def run(self, ns, cmd, timeout=15, check=True):
        r = subprocess.run(["ip", "netns", "exec", self.ns[ns], "sh", "-c", cmd], capture_output=True, text=True,
                           timeout=timeout)
        if check and r.returncode:
            raise Failure("[%s] %s: exit %d: %s" % (ns, cmd, r.returncode, r.stderr.strip()))
        return r.stdout

    def spawn(self, ns, cmd, logname):
        log = open(os.path.join(self.tmp, logname), "w")
        # 'ip netns exec' gives the command a private mount namespace: the bind mounts below
        # (resolv.conf, client state directories) never touch the host.
        p = subprocess.Popen(["ip", "netns", "exec", self.ns[ns], "sh", "-c", cmd], stdout=log, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL)
        self.procs.append((p, logname))
        return p

    def log(self, logname):
        try:
            with open(os.path.join(self.tmp, logname), errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def link(self, a, ia, b, ib, mac=None):
        cmd = ["ip", "link", "add", ia, "netns", self.ns[a]]
        if mac:
            cmd += ["address", mac]
        subprocess.run(cmd + ["type", "veth", "peer", "name", ib, "netns", self.ns[b]], check=True, capture_output=True)

    def setup(self):
        for k in self.used:
            with NS_LOCK:
                NAMESPACES.add(self.ns[k])
            subprocess.run(["ip", "netns", "add", self.ns[k]], check=True, capture_output=True)
            # no duplicate address detection delays; no router advertisements anywhere
            self.run(k, "sysctl -qw net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0 "
                        "net.ipv6.conf.default.accept_ra=0 net.ipv6.conf.all.accept_ra=0; ip link set lo up")
        if self.path == "direct":
            self.link("cli", "c0", "srv", "s1", "02:00:00:00:02:02")
            self.run("srv", "ip -6 addr add 2001:db8:2::1/64 dev s1 nodad && ip link set s1 up")
        else:
            self.link("cli", "c0", "rel1", "r1d", "02:00:00:00:01:01")
            self.run("rel1", "ip -6 addr add 2001:db8:1::1/64 dev r1d nodad && ip link set r1d up")
            if self.path == "2relays":
                self.link("rel1", "r1u", "rel2", "r2d")
                self.link("rel2", "r2u", "srv", "s0")
                self.run("rel1", "ip -6 addr add 2001:db8:12::1/64 dev r1u nodad && ip link set r1u up")
                self.run("rel2", "ip -6 addr add 2001:db8:12::2/64 dev r2d nodad && ip link set r2d up && "
                                 "ip -6 addr add 2001:db8:23::2/64 dev r2u nodad && ip link set r2u up && "
                                 "sysctl -qw net.ipv6.conf.all.forwarding=1")
                self.run("srv", "ip -6 addr add 2001:db8:23::3/64 dev s0 nodad && ip link set s0 up")
            else:
                self.link("rel1", "r1u", "srv", "s0")
                self.run("rel1", "ip -6 addr add 2001:db8:12::1/64 dev r1u nodad && ip link set r1u up")
                self.run("srv", "ip -6 addr add 2001:db8:12::3/64 dev s0 nodad && ip link set s0 up")
            self.run("rel1", "sysctl -qw net.ipv6.conf.all.forwarding=1")
        self.run("cli", "ip link set c0 up")
        # link-local addresses come up with the links; wait until they are usable
        for k, dev in (("cli", "c0"),) + ((("srv", "s1"),) if self.path == "direct" else ()):
            if not wait_for(lambda: "fe80" in self.run(k, "ip -6 addr show dev %s" % dev), 5):
                raise Failure("no link-local address on %s" % dev)

    def start_capture(self):
        ifs = "-i s1" if self.path == "direct" else "-i s0"
        self.pcap = os.path.join(self.tmp, "server.pcap")
        self.spawn("srv", "exec dumpcap -q %s -f 'udp port 546 or udp port 547' -w %s" % (ifs, self.pcap), "dumpcap.log")
        if not wait_for(lambda: os.path.exists(self.pcap) and os.path.getsize(self.pcap) > 0, 10):
            raise Failure("dumpcap did not start: " + self.log("dumpcap.log"))
        time.sleep(0.3)

    def start_server(self, extra="", lifetimes=(2, 4, 30, 40), subnets=SUBNETS, logname="server.log"):
        iface = "s1" if self.path == "direct" else "s0"
        conf = os.path.join(self.tmp, "server.conf")
        self.server_logs = getattr(self, "server_logs", []) + [logname]
        with open(conf, "w") as f:
            f.write("interface %s\nt1 %d\nt2 %d\npreferred-lifetime %d\nvalid-lifetime %d\n" % ((iface,) + lifetimes))
            f.write("dns-servers %s\ndomain-search %s\n" % (" ".join(DNS), " ".join(DOMAINS)))
            f.write("lease-file %s/server.leases\nstate-file %s/server.state\n%s" % (self.tmp, self.tmp, extra))
            for kind, (net, lo, hi, pd) in subnets.items():
                f.write("subnet %s%s\n  pool %s %s\n  pd-pool %s 56\n" % (net, " interface s1" if kind == "direct" and self.path == "direct" else "", lo, hi, pd))
        self.server_proc = self.spawn("srv", "exec %s -c %s" % (self.server, conf), logname)
        if not wait_for(lambda: "ready\n" in self.log(logname) or self.server_proc.poll() is not None, 10):
            raise Failure("server not ready")
        if self.server_proc.poll() is not None:
            raise Failure("server exited: " + self.log(logname))

    def stop_server(self):
        self.server_proc.send_signal(signal.SIGTERM)
        try:
            self.server_proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.server_proc.kill()
            self.server_proc.wait(timeout=5)
            raise Failure("server did not stop on SIGTERM")

    def leases(self):
        """(address or prefix, length) of every lease the server's lease file holds bound."""
        return server_leases(self.tmp)

    def saw(self, kind, answered=False):
        """Has the server logged a request of this kind ('Renew'), answered with a Reply if asked?
        (A subclass for another server reads that server's own log; see kea/test/kea_lab.py.)"""
        pattern = r"^%s from .*-> REPLY" if answered else r"^%s from"
        return re.search(pattern % kind, self.log("server.log"), re.M)

    def server_log(self):
        """All the server's logs of this run, oldest first (one line per transaction)."""
        return "".join(self.log(n) for n in getattr(self, "server_logs", ["server.log"]))

    def start_relay(self, which_ns, kind, down, up, server_addr):
        pid = os.path.join(self.tmp, "%s.pid" % which_ns)
        if kind == "dhcrelay":
            cmd = "exec dhcrelay -6 -d -I -pf %s -l %s -u %s%%%s" % (pid, down, server_addr, up)
        elif kind == "dnsmasq":
            # relay only: no DNS (port 0), no resolv.conf, no config file; replies accepted on 'up' only
            cmd = ("exec dnsmasq --no-daemon --conf-file=/dev/null --port=0 --no-resolv --user=root --log-dhcp "
                   "--log-facility=- --pid-file=%s --dhcp-leasefile=%s/%s-dnsmasq.leases --interface=%s "
                   "--dhcp-relay=%s,%s,%s" % (pid, self.tmp, which_ns, down, RELAY_LOCAL[down], server_addr, up))
        else:
            cmd = "exec dhcp6relay -f -D -p %s -r %s -s %s %s" % (pid, up, server_addr, down)
        p = self.spawn(which_ns, cmd, "%s-%s.log" % (which_ns, kind))
        time.sleep(0.5)
        if p.poll() is not None:
            raise Failure("%s in %s exited: %s" % (kind, which_ns, self.log("%s-%s.log" % (which_ns, kind))))

    def stop_all(self):
        # newest first, one at a time: the capture (started first) stops after the server's last datagram
        for p, name in reversed(self.procs):
            if p.poll() is not None:
                continue
            if name == "dumpcap.log":
                time.sleep(0.3)
            p.send_signal(signal.SIGINT if name == "dumpcap.log" else signal.SIGTERM)
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=5)

    def teardown(self):
        try:
            self.stop_all()
        finally:
            for k in self.used:
                # helpers a peer left behind (dhcpcd's privilege-separation proxies can outlive
                # their parent when it is stopped under load): stopped by PID, then the namespace goes
                pids = subprocess.run(["ip", "netns", "pids", self.ns[k]], capture_output=True, text=True).stdout.split()
                for p in pids:
                    try:
                        os.kill(int(p), signal.SIGKILL)
                    except (ProcessLookupError, ValueError):
                        pass
                if pids:
                    print("%s: killed %d leftover process(es) in %s" % (self.name, len(pids), self.ns[k]), file=sys.stderr)
                subprocess.run(["ip", "netns", "del", self.ns[k]], capture_output=True)
                with NS_LOCK:
                    NAMESPACES.discard(self.ns[k])


# ---- clients ----
def wrap(tmp, cmd):
    """Run 'cmd' with resolv.conf and the clients' state directories bound to the run's temp dir."""
    binds = []
    for src, dst in (("resolv.conf", "/etc/resolv.conf"), ("dhcpcd-db", "/var/lib/dhcpcd"),
                     ("dhcpcd-run", "/run/dhcpcd"), ("dhcpv6-db", "/var/lib/dhcpv6")):
        s = os.path.join(tmp, src)
        if not os.path.exists(s):
            if src.endswith(".conf"):
                open(s, "w").close()
            else:
                os.makedirs(s)
        if dst == "/run/dhcpcd":  # dhcpcd's pid file and control socket: per run, not shared
            binds.append("mkdir -p /run/dhcpcd")
        if dst == "/run/dhcpcd" or os.path.exists(dst):
            binds.append("mount --bind %s %s" % (s, dst))
    return " && ".join(binds + ["exec " + cmd])


HOOK = """#!/bin/sh
# records what the client handed to its script (the client's own view of the configuration)
env | sort >> %s/hook.env
echo ---- >> %s/hook.env
exit 0
"""


class Client:
    def __init__(self, lab, kind, mode, release=True):
        self.lab, self.kind, self.mode = lab, kind, mode
        self.release_on_stop = release  # dhcpcd: 'release' in its configuration (Release on SIGTERM)
        self.hook_mark = 0  # hook.env is read from here on (after a restart: only the new instance)
        self.tmp = lab.tmp
        with open(os.path.join(self.tmp, "hook.sh"), "w") as f:
            f.write(HOOK % (self.tmp, self.tmp))
        os.chmod(os.path.join(self.tmp, "hook.sh"), 0o755)

    def start(self, logname="client.log"):
        t, m = self.tmp, self.mode
        if self.kind == "dhclient":
            flags = {"na": "-N", "pd": "-P", "both": "-N -P", "info": "-S"}[m]
            self.args = "-6 %s -lf %s/dhclient.leases -pf %s/dhclient.pid -sf /sbin/dhclient-script c0" % (flags, t, t)
            cmd = "dhclient -d -v " + self.args
        elif self.kind == "dhcpcd":
            conf = os.path.join(t, "dhcpcd.conf")
            with open(conf, "w") as f:
                f.write("noipv6rs\nipv6only\n%snohook resolv.conf\nscript %s/hook.sh\n" % ("release\n" if self.release_on_stop else "", t))
                f.write("option dhcp6_name_servers, dhcp6_domain_search\n")
                f.write("interface c0\n")
                if m in ("na", "both"):
                    f.write("  ia_na 1\n")
                if m in ("pd", "both"):
                    f.write("  ia_pd 2\n")
            inform = " --inform6" if m == "info" else ""
            cmd = "dhcpcd -B -d -6 -f %s -j %s/dhcpcd.log%s c0" % (conf, t, inform)
        else:
            conf = os.path.join(t, "dhcp6c.conf")
            with open(conf, "w") as f:
                f.write("interface c0 {\n")
                if m == "info":
                    f.write("  information-only;\n")
                if m in ("na", "both"):
                    f.write("  send ia-na 1;\n")
                if m in ("pd", "both"):
                    f.write("  send ia-pd 2;\n")
                f.write("  request domain-name-servers;\n  request domain-name;\n  script \"%s/hook.sh\";\n};\n" % t)
                if m in ("na", "both"):
                    f.write("id-assoc na 1 { };\n")
                if m in ("pd", "both"):
                    f.write("id-assoc pd 2 {\n  prefix-interface d0 { sla-id 1; sla-len 8; };\n};\n")
            if m in ("pd", "both") and not self.lab.run("cli", "ip link show dev d0 2>/dev/null", check=False):
                self.lab.run("cli", "ip link add d0 type veth peer name d1 && ip link set d0 up && ip link set d1 up")
            cmd = "dhcp6c -f -D -c %s -p %s/dhcp6c.pid c0" % (conf, t)
        self.proc = self.lab.spawn("cli", wrap(t, cmd), logname)

    def stop(self, kill=False):
        """SIGTERM (SIGKILL: a crash) to the client's PID; its lease and DUID files stay in the run's temp dir."""
        self.proc.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        wait_or_kill(self.proc)

    def lease_saved(self):
        """Has the client written the lease it would use on a restart?"""
        if self.kind == "dhclient":
            try:
                text = open(os.path.join(self.tmp, "dhclient.leases")).read()
            except FileNotFoundError:
                return False
            return all(k in text for k in {"na": ["ia-na"], "pd": ["ia-pd"], "both": ["ia-na", "ia-pd"]}[self.mode])
        if self.kind == "dhcpcd":
            p = os.path.join(self.tmp, "dhcpcd-db", "c0.lease6")
            return os.path.exists(p) and os.path.getsize(p) > 0
        return os.path.exists(os.path.join(self.tmp, "dhcpv6-db", "dhcp6c_duid"))  # WIDE keeps only its DUID

    # what the client configured, from the client's side
    def addresses(self, dev="c0"):
        out = self.lab.run("cli", "ip -6 -o addr show dev %s scope global 2>/dev/null" % dev, check=False)
        return [ipaddress.ip_interface(m).ip for m in re.findall(r"inet6 (\S+)", out)]

    def hook_env(self):
        try:
            with open(os.path.join(self.tmp, "hook.env")) as f:
                f.seek(self.hook_mark)
                return f.read()
        except FileNotFoundError:
            return ""

    def mark_restart(self):
        """From now on only what the next instance of the client records counts."""
        try:
            self.hook_mark = os.path.getsize(os.path.join(self.tmp, "hook.env"))
        except FileNotFoundError:
            self.hook_mark = 0
        self.since = int(time.time())

    def delegated(self):
        """Delegated prefixes the client holds, as it records them."""
        if self.kind == "dhclient":
            try:
                text = open(os.path.join(self.tmp, "dhclient.leases")).read()
            except FileNotFoundError:
                return []
            # after a restart: only prefixes the new instance was given ('starts' at or after it)
            since = getattr(self, "since", 0)
            return [ipaddress.ip_network(p) for p, st in re.findall(r"iaprefix (\S+/\d+) \{\s*starts (\d+);", text)
                    if int(st) >= since]
        if self.kind == "dhcpcd":
            env = self.hook_env()
            found = re.findall(r"new_dhcp6_ia_pd\d+_prefix\d+=(\S+)\n", env)
            lens = re.findall(r"new_dhcp6_ia_pd\d+_prefix\d+_length=(\d+)", env)
            return [ipaddress.ip_network("%s/%s" % (p, l)) for p, l in zip(found, lens)]
        # WIDE dhcp6c numbers its prefix-interface out of the delegated prefix
        return [ipaddress.ip_network("%s/56" % a, strict=False) for a in self.addresses("d0")]

    def dns(self):
        if self.kind == "dhclient":
            text = open(os.path.join(self.tmp, "resolv.conf")).read()
            dom = re.findall(r"search (.*)", text)
            return re.findall(r"nameserver (\S+)", text), [d.rstrip(".") for d in dom[-1].split()] if dom else []
        env = self.hook_env()
        if self.kind == "dhcpcd":
            ns = re.findall(r"new_dhcp6_name_servers=(.*)", env)
            dom = re.findall(r"new_dhcp6_domain_search=(.*)", env)
        else:
            ns = re.findall(r"new_domain_name_servers=(.*)", env)
            dom = re.findall(r"new_domain_name=(.*)", env)
        return (ns[-1].split() if ns else []), ([d.rstrip(".") for d in dom[-1].split()] if dom else [])

    def release(self):
        if self.kind == "dhclient":
            r = subprocess.run(["ip", "netns", "exec", self.lab.ns["cli"], "sh", "-c", wrap(self.tmp, "dhclient -r -v " + self.args)],
                               capture_output=True, text=True, timeout=20)
            with open(os.path.join(self.tmp, "client-release.log"), "w") as f:
                f.write(r.stdout + r.stderr)
        else:  # dhcpcd (option 'release') and dhcp6c release on SIGTERM
            self.proc.send_signal(signal.SIGTERM)
        wait_or_kill(self.proc)


def server_leases(tmp):
    try:
        text = open(os.path.join(tmp, "server.leases")).read()
    except FileNotFoundError:
        return set()
    return {(m[0], int(m[1])) for m in re.findall(r"^lease 2 \w+ \w+ \w+ (\S+) (\d+) ", text, re.M)}


def check_tshark(lab, sent_by_server):
    """Every datagram the server sent decodes in tshark without a malformed/error mark."""
    fields = subprocess.run(["tshark", "-r", lab.pcap, "-n", "-Y", "udp.srcport == 547 && dhcpv6", "-T", "fields",
                             "-e", "frame.number", "-e", "dhcpv6.msgtype", "-e", "_ws.malformed", "-e", "_ws.expert.severity"],
                            capture_output=True, text=True, timeout=60)
    if fields.returncode:
        raise Failure("tshark failed: " + fields.stderr)
    rows = [l.split("\t") for l in fields.stdout.splitlines() if l.strip()]
    # the server's own datagrams: from the server's port, toward the client or first relay
    bad = [r for r in rows if (len(r) > 2 and r[2]) or (len(r) > 3 and r[3] and int(r[3].split(",")[0]) >= 0x800000)]
    if bad:
        raise Failure("tshark marks %d server datagram(s) malformed/error: %s" % (len(bad), bad[:3]))
    if sent_by_server and len(rows) < sent_by_server:
        raise Failure("tshark saw %d server datagrams, the server counted %d sent" % (len(rows), sent_by_server))
    return len(rows)


def counters(log):
    m = re.findall(r"counters: received=\d+ malformed=\d+ dropped=\d+ no-request=\d+ sent=(\d+)", log)
    return int(m[-1]) if m else 0


def in_pool(addr, kind, subnets=SUBNETS):
    _, lo, hi, _ = subnets[kind]
    return ipaddress.ip_address(lo) <= addr <= ipaddress.ip_address(hi)


def start_relays(lab, path):
    if path in ("dhcrelay", "wide", "dnsmasq"):
        lab.start_relay("rel1", path, "r1d", "r1u", "2001:db8:12::3")
    elif path == "2relays":
        lab.start_relay("rel2", "wide", "r2d", "r2u", "2001:db8:23::3")
        lab.start_relay("rel1", "dhcrelay", "r1d", "r1u", "2001:db8:12::2")


def wait_bound(lab, c, mode, subnets=SUBNETS, timeout=20):
    """Wait until the client holds what the server's configuration says: (address, prefix), None if not asked."""
    kind, addr, prefix = lab.kind, None, None
    if mode in ("na", "both"):
        got = wait_for(lambda: [a for a in c.addresses() if in_pool(a, kind, subnets)], timeout)
        if not got:
            raise Failure("no address from the pool %s-%s on c0 (has %s)" % (subnets[kind][1], subnets[kind][2], c.addresses()))
        addr = got[-1]
        if not wait_for(lambda: (str(addr), 128) in lab.leases(), 2):
            raise Failure("address %s on c0 is not a bound lease in the server's lease file" % addr)
    if mode in ("pd", "both"):
        pool = ipaddress.ip_network(subnets[kind][3])
        got = wait_for(lambda: [p for p in c.delegated() if p.subnet_of(pool) and p.prefixlen == 56], timeout)
        if not got:
            raise Failure("client holds no delegated /56 from %s (has %s)" % (pool, c.delegated()))
        prefix = got[-1]
        if not wait_for(lambda: (str(prefix.network_address), 56) in lab.leases(), 2):
            raise Failure("prefix %s is not a bound lease in the server's lease file" % prefix)
    return addr, prefix


def renew_release(lab, c, client, mode, notes):
    """The standard run: what the client configured, Renew at T1, Release."""
    addr, prefix = wait_bound(lab, c, mode)
    if addr:
        notes.append("address %s on c0" % addr)
    if prefix:
        notes.append("prefix %s%s" % (prefix, " (address on d0)" if client == "wide" else ""))
    if mode == "info" or mode in ("na", "both"):
        want = (DNS, DOMAINS)
        got = wait_for(lambda: c.dns() == want and c.dns(), 20)
        if not got:
            raise Failure("client's DNS configuration %s, want %s" % (c.dns(), want))
        notes.append("DNS %s search %s" % (",".join(got[0]), ",".join(got[1])))
    if mode != "info":
        if not wait_for(lambda: lab.saw("Renew"), 15):
            raise Failure("no Renew reached the server within 15 s (T1 = 2 s)")
        time.sleep(1.0)  # let the client take the Renew's Reply before it is told to release
        c.release()
        if not wait_for(lambda: lab.saw("Release", answered=True), 10):
            raise Failure("no Release reached the server")
        notes.append("Renew + Release seen by the server")
    else:
        notes.append("stateless: no Renew/Release in this mode")


# What each client sends first when it is started again with its saved lease (Debian 12:
# isc-dhcp-client 4.4.3-P1, dhcpcd-base 9.4.1, wide-dhcpv6 20080615). A client that changes this
# fails the test on purpose: the restart coverage must not silently become a Solicit test.
MOVED_MODES = {"moved": "na", "moved-pd": "pd"}  # restart runs across a renumbering: the IA they use
RESTART_FIRST = {("dhclient", "na"): "Confirm", ("dhclient", "pd"): "Rebind", ("dhclient", "both"): "Rebind",
                 ("dhcpcd", "na"): "Confirm", ("dhcpcd", "pd"): "Rebind", ("dhcpcd", "both"): "Rebind",
                 ("wide", "na"): "Solicit", ("wide", "pd"): "Solicit", ("wide", "both"): "Solicit"}


def server_messages(log):
    """(request type, answer) per transaction line of the server's log."""
    return re.findall(r"^([A-Z][a-z-]+(?:-[a-z]+)*) from \S+ .*?-> (\S+(?: answer)?)", log, re.M)


def replies_by_xid(lab):
    """From the capture at the server: request type and xid -> the Reply's status codes, addresses, prefixes."""
    out = subprocess.run(["tshark", "-r", lab.pcap, "-n", "-Y", "dhcpv6", "-T", "fields", "-E", "occurrence=a",
                          "-e", "frame.time_epoch", "-e", "dhcpv6.msgtype", "-e", "dhcpv6.xid", "-e", "dhcpv6.status_code",
                          "-e", "dhcpv6.iaaddr.ip", "-e", "dhcpv6.iaaddr.valid_lifetime",
                          "-e", "dhcpv6.iaprefix.pref_addr", "-e", "dhcpv6.iaprefix.pref_len",
                          "-e", "dhcpv6.iaprefix.valid_lifetime"], capture_output=True, text=True, timeout=60)
    if out.returncode:
        raise Failure("tshark failed: " + out.stderr)
    requests, replies = [], {}
    for line in out.stdout.splitlines():
        f = (line.split("\t") + [""] * 9)[:9]
        types = [int(x) for x in f[1].split(",") if x]
        if not types:
            continue
        inner = [t for t in types if t not in (12, 13)]  # inside Relay-forw / Relay-reply
        if not inner:
            continue
        split = lambda v: [x for x in v.split(",") if x]
        row = {"type": inner[-1], "xid": f[2], "time": float(f[0]), "status": [int(x) for x in split(f[3])],
               "addrs": list(zip(split(f[4]), [int(x) for x in split(f[5])])),
               "prefixes": list(zip(["%s/%s" % pl for pl in zip(split(f[6]), split(f[7]))], [int(x) for x in split(f[8])]))}
        if row["type"] == 7:
            replies[row["xid"]] = row
        else:
            requests.append(row)
    return requests, replies


def restart(lab, c, client, mode, notes):
    """Client restart with its saved lease: Confirm / Rebind answered right, same lease after."""
    moved = mode in MOVED_MODES
    ia_mode = MOVED_MODES.get(mode, mode)
    before = wait_bound(lab, c, ia_mode)
    notes.append("before: %s" % ", ".join(str(x) for x in before if x))
    if not wait_for(c.lease_saved, 10):
        raise Failure("the client did not save its lease")
    time.sleep(0.5)  # the client's last write of the lease file
    mark = len(lab.server_log())
    # WIDE dhcp6c sends Release on SIGTERM and saves no lease: it is killed instead (a crash),
    # so the server still holds its binding when it comes back
    c.stop(kill=client == "wide")
    time.sleep(0.3)
    if client == "wide":
        notes.append("dhcp6c killed (SIGKILL: on SIGTERM it releases)")
    after_stop = server_messages(lab.server_log()[mark:])
    if after_stop:
        raise Failure("%s sent %s when stopped: its lease is gone, nothing left to Confirm" % (client, after_stop))
    # whatever is on the client's links from now on was configured by the new instance
    lab.run("cli", "ip -6 addr flush dev c0 scope global" +
            (" && ip -6 addr flush dev d0 scope global" if ia_mode in ("pd", "both") and client == "wide" else ""))
    c.mark_restart()
    subnets = SUBNETS
    if moved:
        lab.stop_server()
        subnets = MOVED
        lab.start_server(lifetimes=WIDE_TIMES if client == "wide" else (2, 4, 30, 40), subnets=MOVED, logname="server2.log")
        notes.append("server restarted with the link renumbered to %s, %s" % (MOVED["direct"][0], MOVED["direct"][3]))
    mark = len(lab.server_log())
    c.start(logname="client2.log")
    want_first = RESTART_FIRST[(client, ia_mode)]
    first = wait_for(lambda: server_messages(lab.server_log()[mark:]), 15)
    if not first:
        raise Failure("the restarted client sent nothing to the server in 15 s")
    after = wait_bound(lab, c, ia_mode, subnets)
    seen = [m[0] for m in server_messages(lab.server_log()[mark:])]
    notes.append("after restart the server saw: %s" % " ".join(seen))
    if first[0][0] != want_first:
        raise Failure("%s %s restarted with %s first, expected %s (server saw %s)" % (client, mode, first[0][0], want_first, seen))
    if want_first in ("Confirm", "Rebind") and not first[0][1].startswith("REPLY"):
        raise Failure("the server answered the %s with %s" % (want_first, first[0][1]))
    if want_first == "Solicit":
        notes.append("NO Confirm/Rebind: WIDE dhcp6c keeps no lease file, a restart is a new Solicit; "
                     "the server's binding decides the lease")
    if moved:
        old, new = (before[0], after[0]) if ia_mode == "na" else (before[1], after[1])
        if old == new or (ia_mode == "na" and old in c.addresses()):
            raise Failure("the client still uses %s on the renumbered link" % old)
        notes.append("after: %s from the new pool" % new)
    else:
        if after != before:
            raise Failure("lease after restart %s, before %s" % (after, before))
        notes.append("after: the same lease")
    return before, want_first, c.since


def check_restart_replies(lab, mode, before, want_first, since, notes):
    """From the capture: the server's Reply to the first Confirm / Rebind after the restart."""
    if want_first not in ("Confirm", "Rebind"):
        return
    requests, replies = replies_by_xid(lab)
    code = {"Confirm": 4, "Rebind": 6}[want_first]
    reqs = [r for r in requests if r["type"] == code and r["time"] >= since]
    if not reqs:
        raise Failure("no %s in the capture at the server" % want_first)
    rep = replies.get(reqs[0]["xid"])
    if not rep:
        raise Failure("no Reply to the %s (xid %s) in the capture" % (want_first, reqs[0]["xid"]))
    moved = mode in MOVED_MODES
    if want_first == "Confirm":
        # RFC 9915 section 18.3.3: NotOnLink (4) once the link is renumbered, else Success (0)
        want, want_name = (4, "NotOnLink") if moved else (0, "Success")
        if rep["status"] != [want]:
            raise Failure("Reply to Confirm carries status %s, want %d (%s)" % (rep["status"], want, want_name))
        notes.append("Confirm -> Reply %s" % want_name)
        return
    if [x for x in rep["status"] if x]:
        raise Failure("Reply to Rebind carries status codes %s" % rep["status"])
    addr, prefix = before
    addrs, prefixes = dict(rep["addrs"]), dict(rep["prefixes"])
    for have, got in ((addr and str(addr), addrs), (prefix and str(prefix), prefixes)):
        if not have:
            continue
        if have not in got:
            raise Failure("Reply to Rebind does not list %s: %s" % (have, got))
        if moved and got[have] != 0:  # RFC 9915 18.3.5: not appropriate for the link: lifetimes 0
            raise Failure("Reply to Rebind extends %s, which is not on the renumbered link" % have)
        if not moved and got[have] == 0:
            raise Failure("Reply to Rebind does not extend %s" % have)
    notes.append("Rebind -> Reply with %s" % ("the old lease at lifetime 0" if moved else "the same lease"))


def one_run(server, client, path, mode, results, restart_mode=False):
    name = "%s-%s-%s" % (client[:2], {"direct": "d", "dhcrelay": "i", "wide": "w", "2relays": "2", "dnsmasq": "m"}[path],
                         mode if not restart_mode else "r" + {"moved": "mv", "moved-pd": "mp"}.get(mode, mode[:2]))
    tmp = tempfile.mkdtemp(prefix="d6t-interop-%s-" % name)
    lab = Lab(name, path, tmp, server)
    notes, ok = [], False
    t0 = time.time()
    try:
        lab.setup()
        lab.start_capture()
        # WIDE dhcp6c raises a T2 below 30 s to 30 s and T1 to 18 s; T2 = 30 keeps T1 = 2 s
        lab.start_server(lifetimes=WIDE_TIMES if client == "wide" else (2, 4, 30, 40))
        start_relays(lab, path)
        c = Client(lab, client, MOVED_MODES.get(mode, mode), release=not restart_mode)
        c.start()
        if restart_mode:
            before, first, since = restart(lab, c, client, mode, notes)
        else:
            renew_release(lab, c, client, mode, notes)
        lab.stop_all()
        log = lab.server_log()
        sent = sum(counters(lab.log(n)) for n in lab.server_logs)
        if "stopping" not in log or lab.server_proc.returncode != 0:
            raise Failure("server did not stop cleanly on SIGTERM (exit status %s)" % lab.server_proc.returncode)
        if restart_mode:
            check_restart_replies(lab, mode, before, first, since, notes)
        n = check_tshark(lab, sent)
        notes.append("tshark: %d server datagrams, none malformed" % n)
        ok = True
    except Exception as e:  # noqa: any failure of this run is reported with its logs
        notes.append("FAIL: %s" % e)
        for _, logname in lab.procs:
            text = lab.log(logname)
            notes.append("---- %s (last lines)\n%s" % (logname, "\n".join(text.splitlines()[-15:])))
    finally:
        lab.teardown()
    results[mode] = (ok, "%-8s %-8s %-4s %s%s (%.1fs): %s" % (client, path, mode, "restart " if restart_mode else "",
                                                         "ok" if ok else "FAILED", time.time() - t0, "; ".join(notes)))
    if ok and not os.environ.get("D6T_INTEROP_KEEP"):
        shutil.rmtree(tmp, ignore_errors=True)
    elif not ok:
        results[mode] = (ok, results[mode][1] + "\n(files kept in %s)" % tmp)


def load_lab_run(server, name, body, capture, first_lines=""):
    """A direct lab with the server restarted quiet (a load logs thousands of lines otherwise) and
    with first_lines put before its configuration; body(lab, tmp) runs the load and its checks.
    Exit status: 0 passed, 1 failed."""
    tmp = tempfile.mkdtemp(prefix="d6t-interop-%s-" % name)
    lab = Lab(name, "direct", tmp, server)
    try:
        lab.setup()
        if capture:
            lab.start_capture()
        lab.start_server()
        lab.server_proc.send_signal(signal.SIGTERM)
        wait_or_kill(lab.server_proc)
        conf = os.path.join(tmp, "server.conf")  # the same lease file and DUID
        if first_lines:
            with open(conf) as f:
                text = f.read()
            conf = os.path.join(tmp, "server2.conf")
            with open(conf, "w") as f:
                f.write(first_lines + text)
        lab.server_proc = lab.spawn("srv", "exec %s -q -c %s" % (server, conf), "server2.log")
        if not wait_for(lambda: "ready\n" in lab.log("server2.log"), 10):
            raise Failure("server not ready")
        body(lab, tmp)
        return 0
    except Exception as e:
        print("FAIL: %s" % e)
        for _, logname in lab.procs:
            print("---- %s\n%s" % (logname, "\n".join(lab.log(logname).splitlines()[-15:])))
        return 1
    finally:
        lab.teardown()
        shutil.rmtree(tmp, ignore_errors=True)


def perfdhcp_body(lab, tmp, rate=200, seconds=10):
    """perfdhcp at a modest rate: no drops; tshark decodes every datagram the server sent."""
    out = subprocess.run(["ip", "netns", "exec", lab.ns["cli"], "timeout", "60", "perfdhcp", "-6", "-l", "c0",
                          "-r", str(rate), "-p", str(seconds), "-R", "2000", "-W", "2000000"], capture_output=True, text=True, timeout=90)
    text = out.stdout + out.stderr
    sent = [int(x) for x in re.findall(r"sent packets: (\d+)", text)]
    recv = [int(x) for x in re.findall(r"received packets: (\d+)", text)]
    drops = [int(x) for x in re.findall(r"drops: (\d+)", text)]
    print(text)
    if len(sent) < 2 or not all(sent) or any(drops) or sent != recv:
        raise Failure("perfdhcp: sent %s received %s drops %s" % (sent, recv, drops))
    lab.stop_all()
    n = check_tshark(lab, counters(lab.log("server2.log")))
    print("perfdhcp -6 at %d/s for %d s: Solicit/Advertise %d/%d, Request/Reply %d/%d, no drops; "
          "tshark: %d server datagrams, none malformed" % (rate, seconds, sent[0], recv[0], sent[1], recv[1], n))


def d6load_body(d6load, clients=500, window=64, seconds=2, segmented=False):
    """The batched path under a short closed-loop load: every answer right, every datagram answered,
    every client one bound lease in the lease file (synced before each batch of replies). With
    segmented, the server runs with udp-segmentation and must have sent groups of replies as
    UDP_SEGMENT sends, which d6load received as the datagrams it checks."""
    def body(lab, tmp):
        out = subprocess.run(["ip", "netns", "exec", lab.ns["cli"], "timeout", "30", d6load, "-i", "c0", "-w", str(window),
                              "-n", str(clients), "-t", str(seconds)], capture_output=True, text=True, timeout=60)
        text = out.stdout + out.stderr
        print(text.strip())
        m = re.search(r"exchanges (\d+) in [\d.]+ s = \d+/s, lost (\d+), refused (\d+), unexpected (\d+)", text)
        if out.returncode or not m:
            raise Failure("d6load failed (exit %d)" % out.returncode)
        exchanges, lost, refused, unexpected = (int(x) for x in m.groups())
        if exchanges < 2 * clients or lost or refused or unexpected:
            raise Failure("d6load: %d exchanges (want >= %d), %d lost, %d refused, %d unexpected"
                          % (exchanges, 2 * clients, lost, refused, unexpected))
        lab.server_proc.send_signal(signal.SIGTERM)
        wait_or_kill(lab.server_proc)
        log = lab.log("server2.log")
        c = re.findall(r"counters: received=(\d+) malformed=(\d+) dropped=(\d+) no-request=\d+ sent=(\d+) send-errors=(\d+)", log)
        b = re.findall(r"counters: udp batches=(\d+) datagrams-per-batch=([\d.]+) segmented-sends=(\d+) "
                       r"datagrams-per-send=([\d.]+)", log)
        if not c or not b:
            raise Failure("no counters in the server's log:\n" + log[-1500:])
        received, malformed, dropped, sent, errors = (int(x) for x in c[-1])
        gso_sends, per_send = int(b[-1][2]), float(b[-1][3])
        if segmented and (not gso_sends or per_send < 2):
            raise Failure("udp-segmentation on, but %d segmented sends (%.1f per send)" % (gso_sends, per_send))
        if not segmented and gso_sends:
            raise Failure("udp-segmentation off, but %d segmented sends" % gso_sends)
        if "segmentation refused" in log:
            raise Failure("the kernel refused UDP segmentation:\n" + log[-1500:])
        if received != sent or malformed or dropped or errors:
            raise Failure("server counters: received %d sent %d malformed %d dropped %d send-errors %d"
                          % (received, sent, malformed, dropped, errors))
        bound = server_leases(tmp)
        if len(bound) != clients:
            raise Failure("%d bound leases in the lease file, want one per client (%d)" % (len(bound), clients))
        print("d6load: %d checked exchanges from %d clients, server answered all %d datagrams in %s batches "
              "(%s per batch; %d UDP_SEGMENT sends of %.1f replies each), %d leases bound in the lease file: OK"
              % (exchanges, clients, received, b[-1][0], b[-1][1], gso_sends, per_send, len(bound)))
    return body


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--server", required=True)
    ap.add_argument("--client", choices=["dhclient", "dhcpcd", "wide"])
    ap.add_argument("--path", choices=["direct", "dhcrelay", "wide", "2relays", "dnsmasq"])
    ap.add_argument("--modes", help="default: na,pd,both,info; with --restart na,pd,both (+ moved,moved-pd when direct)")
    ap.add_argument("--restart", action="store_true", help="client restart with its saved lease (Confirm / Rebind)")
    ap.add_argument("--perfdhcp", action="store_true")
    ap.add_argument("--d6load", help="the d6load binary: a short batched load, every answer and lease checked")
    ap.add_argument("--segmentation", action="store_true", help="with --d6load: the server runs with udp-segmentation yes")
    a = ap.parse_args()
    atexit.register(cleanup_all)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: (cleanup_all(), os._exit(1)))
    if a.perfdhcp:
        require("perfdhcp", "tshark")
        return load_lab_run(os.path.abspath(a.server), "perf", perfdhcp_body, capture=True)
    if a.d6load:
        require()  # no capture: a few hundred thousand datagrams; the answers are checked by d6load
        return load_lab_run(os.path.abspath(a.server), "d6g" if a.segmentation else "d6l",
                            d6load_body(os.path.abspath(a.d6load), segmented=a.segmentation), capture=False,
                            first_lines="udp-segmentation yes\n" if a.segmentation else "")
    relays = {"direct": [], "dhcrelay": ["relay-dhcrelay"], "wide": ["relay-wide"], "2relays": ["relay-dhcrelay", "relay-wide"],
              "dnsmasq": ["relay-dnsmasq"]}
    require(a.client, "tshark", *relays[a.path])
    if not a.modes:
        a.modes = ("na,pd,both" + (",moved,moved-pd" if a.path == "direct" else "")) if a.restart else "na,pd,both,info"
    if a.restart and set(a.modes.split(",")) & set(MOVED_MODES) and a.path != "direct":
        ap.error("modes 'moved' and 'moved-pd' renumber the server's direct link: --path direct only")
    results, threads = {}, []
    for mode in a.modes.split(","):
        th = threading.Thread(target=one_run, args=(os.path.abspath(a.server), a.client, a.path, mode, results, a.restart))
        th.start()
        threads.append(th)
        time.sleep(0.2)
    for th in threads:
        th.join(timeout=150)
    failed = 0
    for mode in a.modes.split(","):
        ok, text = results.get(mode, (False, "%s %s %s: did not finish in time" % (a.client, a.path, mode)))
        print(text)
        failed += not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
