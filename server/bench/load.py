#!/usr/bin/python3
"""Load benchmark: dhcp6txn-server next to kea-dhcp6 (memfile) on a veth pair, driven by d6load and perfdhcp -6.

  load.py --server PATH [--d6load PATH] [--kea PATH] [--perfdhcp PATH] [--series all|d6load|perfdhcp] ...

Two network namespaces joined by one veth pair (c0 <-> s1; link-local and 2001:db8:1::/64 only,
nothing is routed anywhere). Each server runs in the server namespace in turn, with the same pool,
options, timers and no lease persistence, and is restarted for every run (empty lease table).
Every exchange is the 4-way one (Solicit, Advertise, Request, Reply; no rapid commit).

Two load generators, one series each:
- d6load (server/bench/d6load.c): closed loop, a fixed window of exchanges in flight, datagrams moved
  with recvmmsg/sendmmsg (requests of one length sent as UDP_SEGMENT groups, -G, which the kernel
  cuts into single datagrams before they reach the server), every answer checked. One run per
  window size; the rate is the best run with under 1% lost and no refused answer. It outruns
  perfdhcp several times over, so this is the series that can measure the faster server.
- perfdhcp -6: the rate is raised (doubling, then bisection) to the highest rate at which under 1% of
  the exchanges are lost and perfdhcp managed to start them at the requested rate.

With two or more CPUs the server is pinned to the last CPU and the generator to the first, and the
CPU time of the server is measured per run, with the kernel's UDP receive-buffer overflows in each
namespace: overflows on the client side mean the generator, not the server, is the limit. A last
perfdhcp series runs unpinned to show perfdhcp's own ceiling on this machine.

This is a benchmark, not a test: it exits 0 whether or not the 10x goal is met (it says which),
1 when a run could not be made, 77 (skip) without root or a program.
"""
import argparse, atexit, os, re, shutil, signal, subprocess, sys, tempfile, time

SKIP = 77
TAG = "d6tload%d" % (os.getpid() % 100000)
NS = {"cli": TAG + "-cli", "srv": TAG + "-srv"}
CREATED = []
RUNNING = []  # Popen objects still to stop

# What both servers are configured with (kept identical; see docs/SERVER.md "Load").
SUBNET = "2001:db8:1::/64"
POOL = ("2001:db8:1::1:0", "2001:db8:1::10:ffff")  # 1,048,576 addresses
DNS = ("2001:db8::53", "2001:db8::54")
T1, T2, PREFERRED, VALID = 1000, 2000, 3000, 4000
CLIENTS = 100000
LOSS_LIMIT = 0.01


def which(prog):
    if os.path.isabs(prog):
        return prog if os.access(prog, os.X_OK) else None
    return shutil.which(prog, path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")


def skip(msg):
    print("SKIP: " + msg)
    sys.exit(SKIP)


def sh(ns, cmd, timeout=15):
    r = subprocess.run(["ip", "netns", "exec", NS[ns], "sh", "-c", cmd], capture_output=True, text=True,
                       timeout=timeout)
    if r.returncode:
        raise RuntimeError("[%s] %s: exit %d: %s" % (ns, cmd, r.returncode, r.stderr.strip()))
    return r.stdout


def wait_for(pred, timeout, step=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return pred()


def stop(p, sig=signal.SIGTERM):
    if p.poll() is None:
        p.send_signal(sig)
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(timeout=5)
    if p in RUNNING:
        RUNNING.remove(p)


def cleanup():
    for p in list(RUNNING):
        try:
            stop(p)
        except Exception:  # noqa: keep cleaning up
            pass
    for ns in list(CREATED):
        # anything left in the namespace was started by this run
        pids = subprocess.run(["ip", "netns", "pids", ns], capture_output=True, text=True).stdout.split()
        for pid in pids:
            try:
                os.kill(int(pid), signal.SIGKILL)
            except (ProcessLookupError, ValueError):
                pass
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        CREATED.remove(ns)


def setup_lab():
    for k in ("cli", "srv"):
        subprocess.run(["ip", "netns", "add", NS[k]], check=True, capture_output=True)
        CREATED.append(NS[k])
        sh(k, "sysctl -qw net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0 "
              "net.ipv6.conf.default.accept_ra=0 net.ipv6.conf.all.accept_ra=0; ip link set lo up")
    subprocess.run(["ip", "link", "add", "c0", "netns", NS["cli"], "type", "veth", "peer", "name", "s1",
                    "netns", NS["srv"]], check=True, capture_output=True)
    sh("srv", "ip -6 addr add 2001:db8:1::1/64 dev s1 nodad && ip link set s1 up")
    sh("cli", "ip link set c0 up")
    for k, dev in (("cli", "c0"), ("srv", "s1")):
        if not wait_for(lambda: "fe80" in sh(k, "ip -6 addr show dev %s" % dev), 5):
            raise RuntimeError("no link-local address on %s" % dev)


def udp_rcvbuf_errors(ns):
    m = re.search(r"^Udp6RcvbufErrors\s+(\d+)", sh(ns, "cat /proc/net/snmp6"), re.M)
    return int(m.group(1)) if m else 0


def cpu_seconds(pid):
    """(user, system) CPU seconds of a running process (all its threads)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    tck = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tck, int(fields[12]) / tck


# ---- the two servers, configured alike ----
class Server:
    def __init__(self, tmp, pin):
        self.tmp, self.pin, self.proc = tmp, pin, None

    def log(self):
        try:
            with open(self.logfile, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def start(self):
        self.logfile = os.path.join(self.tmp, "%s.log" % self.key)
        log = open(self.logfile, "w")
        pin = ["taskset", "-c", str(self.pin)] if self.pin is not None else []
        # 'ip netns exec' and taskset exec the server: the Popen pid is the server's own
        self.proc = subprocess.Popen(["ip", "netns", "exec", NS["srv"]] + pin + self.command(), stdout=log,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=self.env())
        log.close()
        RUNNING.append(self.proc)
        if not wait_for(lambda: self.ready() or self.proc.poll() is not None, 15):
            raise RuntimeError("%s not ready in 15 s:\n%s" % (self.name, self.log()[-2000:]))
        if self.proc.poll() is not None:
            raise RuntimeError("%s exited (%s):\n%s" % (self.name, self.proc.returncode, self.log()[-2000:]))

    def stop(self):
        stop(self.proc)

    def env(self):
        return None


class Dhcp6txn(Server):
    key, name = "dhcp6txn", "dhcp6txn-server"
    first_lines = ""  # put before the shared configuration

    def __init__(self, tmp, pin, path):
        super().__init__(tmp, pin)
        self.path = path
        self.conf = os.path.join(tmp, "%s.conf" % self.key)
        with open(self.conf, "w") as f:
            f.write(self.first_lines + config_dhcp6txn())

    def command(self):
        return [self.path, "-q", "-c", self.conf]

    def ready(self):
        return "ready\n" in self.log()


class Dhcp6txnSegmented(Dhcp6txn):
    """The same server with udp-segmentation on: the replies of a batch that go to one address
    leave as UDP_SEGMENT sends (docs/SERVER.md). Off by default, so measured on its own."""
    key, name = "dhcp6txn-gso", "dhcp6txn-server (udp-segmentation)"
    first_lines = "udp-segmentation yes\n"


def config_dhcp6txn():
    # no lease-file / state-file: leases in memory only, like Kea's memfile with persist=false
    return ("interface s1\nt1 %d\nt2 %d\npreferred-lifetime %d\nvalid-lifetime %d\nrapid-commit no\n"
            "dns-servers %s\nmax-leases 1048576\nsubnet %s interface s1\n  pool %s %s\n"
            % (T1, T2, PREFERRED, VALID, " ".join(DNS), SUBNET, POOL[0], POOL[1]))


def config_kea(datadir):
    import json
    return json.dumps({"Dhcp6": {
        "interfaces-config": {"interfaces": ["s1"]},
        "lease-database": {"type": "memfile", "persist": False, "lfc-interval": 0},
        "server-id": {"type": "LLT", "persist": False},
        "data-directory": datadir,
        "renew-timer": T1, "rebind-timer": T2, "preferred-lifetime": PREFERRED, "valid-lifetime": VALID,
        "option-data": [{"name": "dns-servers", "data": ", ".join(DNS)}],
        "subnet6": [{"id": 1, "subnet": SUBNET, "interface": "s1", "rapid-commit": False,
                     "pools": [{"pool": "%s - %s" % POOL}]}],
        # per-packet logging off (the dhcp6txn-server runs with -q); startup messages kept for readiness
        "loggers": [{"name": "kea-dhcp6", "output_options": [{"output": "stdout"}], "severity": "WARN"},
                    {"name": "kea-dhcp6.dhcp6", "output_options": [{"output": "stdout"}], "severity": "INFO"}],
    }}, indent=2) + "\n"


class Kea(Server):
    key, name = "kea", "kea-dhcp6 (memfile)"

    def __init__(self, tmp, pin, path):
        super().__init__(tmp, pin)
        self.path = path
        self.dir = os.path.join(tmp, "kea")
        os.makedirs(self.dir, exist_ok=True)
        self.conf = os.path.join(tmp, "kea-dhcp6.json")
        with open(self.conf, "w") as f:
            f.write(config_kea(self.dir))

    def command(self):
        return [self.path, "-c", self.conf]

    def env(self):
        # pid and lock files in the run's directory, not /run/kea
        return dict(os.environ, KEA_PIDFILE_DIR=self.dir, KEA_LOCKFILE_DIR=self.dir, KEA_LOGGER_DESTINATION="stdout")

    def ready(self):
        return "DHCP6_STARTED" in self.log()


# ---- one perfdhcp run ----
def parse_perfdhcp(text):
    def nums(label):
        return [int(x) for x in re.findall(r"^%s: (\d+)" % label, text, re.M)]
    sent, recv = nums("sent packets"), nums("received packets")
    if len(sent) < 2 or len(recv) < 2:
        return None
    return {"solicits": sent[0], "advertises": recv[0], "requests": sent[1], "replies": recv[1]}


def run_step(server, perfdhcp, rate, seconds, pin_perf, threads, tmp):
    server.start()
    try:
        srv0, cli0 = udp_rcvbuf_errors("srv"), udp_rcvbuf_errors("cli")
        cpu0 = cpu_seconds(server.proc.pid)
        pin = "taskset -c %d " % pin_perf if pin_perf is not None else ""
        # -W: collect late replies for 1 s after the sending period; -d: a reply later than 1 s is a loss
        cmd = ["ip", "netns", "exec", NS["cli"], "sh", "-c",
               "exec timeout -k 5 %d %s%s -6 -g %s -l c0 -R %d -r %d -p %d -d 1 -W 1000000"
               % (seconds + 20, pin, perfdhcp, threads, CLIENTS, rate, seconds)]
        out = os.path.join(tmp, "perfdhcp.out")
        with open(out, "w") as f:
            p = subprocess.Popen(cmd, stdout=f, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        RUNNING.append(p)
        usage = None
        t0 = time.monotonic()
        deadline = time.monotonic() + seconds + 30
        while time.monotonic() < deadline:
            pid, status, usage = os.wait4(p.pid, os.WNOHANG)
            if pid:
                p.returncode = os.waitstatus_to_exitcode(status)
                wall = time.monotonic() - t0
                break
            time.sleep(0.05)
        else:
            stop(p, signal.SIGKILL)
            raise RuntimeError("perfdhcp did not finish in %d s" % (seconds + 30))
        RUNNING.remove(p)
        cpu1 = cpu_seconds(server.proc.pid)
        srv1, cli1 = udp_rcvbuf_errors("srv"), udp_rcvbuf_errors("cli")
        with open(out) as f:
            text = f.read()
        r = parse_perfdhcp(text)
        if r is None or p.returncode not in (0, 3):  # 3: perfdhcp saw drops
            raise RuntimeError("perfdhcp at %d/s failed (exit %s):\n%s" % (rate, p.returncode, text[-2000:]))
        if server.proc.poll() is not None:
            raise RuntimeError("%s died under load:\n%s" % (server.name, server.log()[-2000:]))
    finally:
        server.stop()
    # CPU shares are of perfdhcp's whole run (start-up and the 1 s wait for late replies included)
    r["rate"], r["seconds"], r["wall"] = rate, seconds, wall
    r["lost"] = 1.0 - r["replies"] / r["solicits"] if r["solicits"] else 1.0
    r["achieved"] = r["replies"] / seconds
    have = cpu0 is not None and cpu1 is not None
    r["srv_cpu"] = (cpu1[0] - cpu0[0]) + (cpu1[1] - cpu0[1]) if have else None
    r["srv_sys"] = cpu1[1] - cpu0[1] if have else None
    r["perf_cpu"] = usage.ru_utime + usage.ru_stime if usage else None
    r["srv_overflow"], r["cli_overflow"] = srv1 - srv0, cli1 - cli0
    # sustained: under 1% lost and perfdhcp really started the exchanges at the asked rate
    r["ok"] = r["lost"] < LOSS_LIMIT and r["solicits"] >= 0.95 * rate * seconds
    return r


def fmt_step(name, r):
    cpu = lambda v: "%4.0f%%" % (100.0 * v / r["wall"]) if v is not None else "    ?"
    return ("  %-20s rate %6d/s: %7d solicits %7d replies, lost %6.2f%%, server CPU %s, perfdhcp CPU %s, "
            "socket overflows server %d / perfdhcp %d  %s"
            % (name, r["rate"], r["solicits"], r["replies"], 100 * r["lost"], cpu(r["srv_cpu"]), cpu(r["perf_cpu"]),
               r["srv_overflow"], r["cli_overflow"], "ok" if r["ok"] else "LOSSY"))


def find_sustained(server, args, pin_perf, deadline, label=None):
    """Highest rate with < 1% lost exchanges: doubling from --start-rate, then bisection."""
    label = label or server.name
    steps, good, bad = [], None, None
    rate = args.start_rate

    def step(rt):
        r = run_step(server, args.perfdhcp, rt, args.step_seconds, pin_perf, args.perfdhcp_threads, args.tmp)
        print(fmt_step(label, r), flush=True)
        steps.append(r)
        return r

    while time.monotonic() < deadline:
        r = step(rate)
        if r["ok"]:
            good = r
            rate *= 2
        else:
            bad = r
            break
    # bisect down to 5% of the bracket
    while good and bad and bad["rate"] - good["rate"] > max(50, good["rate"] // 20) and time.monotonic() < deadline:
        r = step((good["rate"] + bad["rate"]) // 2)
        if r["ok"]:
            good = r
        else:
            bad = r
    return {"name": label, "good": good, "bad": bad, "steps": steps}


# ---- d6load: closed loop, a fixed window of exchanges in flight ----
D6LOAD_RE = re.compile(r"d6load: exchanges (\d+) in ([\d.]+) s = (\d+)/s, lost (\d+), refused (\d+), unexpected (\d+), "
                       r"cpu user ([\d.]+) s sys ([\d.]+) s")


def run_d6load_step(server, d6load, window, seconds, pin_gen, tmp):
    """One closed-loop run against a freshly started server; rate = checked exchanges per second."""
    server.start()
    try:
        srv0, cli0 = udp_rcvbuf_errors("srv"), udp_rcvbuf_errors("cli")
        warmup = 2
        pin = ["taskset", "-c", str(pin_gen)] if pin_gen is not None else []
        cmd = ["ip", "netns", "exec", NS["cli"]] + pin + [d6load, "-i", "c0", "-w", str(window), "-t", str(seconds),
                                                          "-u", str(warmup), "-n", str(CLIENTS), "-G"]
        out = os.path.join(tmp, "d6load.out")
        with open(out, "w") as f:
            p = subprocess.Popen(cmd, stdout=f, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        RUNNING.append(p)
        # the server's CPU over the counted period only (d6load counts after its warm-up)
        time.sleep(warmup)
        cpu0, t0 = cpu_seconds(server.proc.pid), time.monotonic()
        try:
            p.wait(timeout=seconds + warmup + 20)
        except subprocess.TimeoutExpired:
            stop(p, signal.SIGKILL)
            raise RuntimeError("d6load did not finish")
        cpu1, wall = cpu_seconds(server.proc.pid), time.monotonic() - t0
        RUNNING.remove(p)
        srv1, cli1 = udp_rcvbuf_errors("srv"), udp_rcvbuf_errors("cli")
        with open(out) as f:
            text = f.read()
        m = D6LOAD_RE.search(text)
        if p.returncode != 0 or not m:
            raise RuntimeError("d6load -w %d failed (exit %s):\n%s" % (window, p.returncode, text[-2000:]))
        if server.proc.poll() is not None:
            raise RuntimeError("%s died under load:\n%s" % (server.name, server.log()[-2000:]))
    finally:
        server.stop()
    ex, span, _, lost, refused, unexpected = (int(m.group(1)), float(m.group(2)), m.group(3), int(m.group(4)),
                                              int(m.group(5)), int(m.group(6)))
    r = {"window": window, "replies": ex, "seconds": span, "wall": wall, "achieved": ex / span if span else 0,
         "lost": lost / (ex + lost) if ex + lost else 1.0, "refused": refused, "unexpected": unexpected,
         "gen_cpu": float(m.group(7)) + float(m.group(8)), "srv_overflow": srv1 - srv0, "cli_overflow": cli1 - cli0}
    have = cpu0 is not None and cpu1 is not None
    r["srv_cpu"] = (cpu1[0] - cpu0[0]) + (cpu1[1] - cpu0[1]) if have else None
    r["srv_sys"] = cpu1[1] - cpu0[1] if have else None
    # a server that answers wrongly (refused: no address, wrong client, bad status) has no rate to speak of
    r["ok"] = r["lost"] < LOSS_LIMIT and refused == 0
    return r


def fmt_d6load(name, r):
    cpu = "%4.0f%%" % (100.0 * r["srv_cpu"] / r["wall"]) if r["srv_cpu"] is not None and r["wall"] else "    ?"
    return ("  %-20s window %4d: %8d exchanges in %.1f s = %7.0f/s, lost %5.2f%%, refused %d, unexpected %d, "
            "server CPU %s, socket overflows server %d / d6load %d  %s"
            % (name, r["window"], r["replies"], r["seconds"], r["achieved"], 100 * r["lost"], r["refused"],
               r["unexpected"], cpu, r["srv_overflow"], r["cli_overflow"], "ok" if r["ok"] else "LOSSY"))


def d6load_rounds(servers, args, pin_gen):
    """Rounds of interleaved runs: in each round every window size for every server, one after
    the other, so that the two servers of a round saw the machine in the same state. Each
    round's rate for a server is its best run with < 1% lost and nothing refused."""
    rounds = []
    for rnd in range(args.rounds):
        best = {s.name: None for s in servers}
        for window in args.windows:
            for srv in servers:
                r = run_d6load_step(srv, args.d6load, window, args.d6load_seconds, pin_gen, args.tmp)
                print(fmt_d6load("%s, round %d" % (srv.name, rnd + 1), r), flush=True)
                if r["ok"] and (best[srv.name] is None or r["achieved"] > best[srv.name]["achieved"]):
                    best[srv.name] = r
        rounds.append(best)
    return rounds


def median(values):
    v = sorted(values)
    return (v[(len(v) - 1) // 2] + v[len(v) // 2]) / 2 if v else None


def report_d6load(rounds, servers):
    print("\n==== Load under d6load (closed loop, checked 4-way exchanges), < 1% lost, nothing refused ====")
    row = "%-6s %-36s %11s %7s %11s %13s %10s"
    print(row % ("round", "server", "exchanges/s", "window", "server CPU", "CPU/exchange", "of it sys"))
    ours_names = [s.name for s in servers if s.name != Kea.name]
    ratios, cpu_ratios = {n: [] for n in ours_names}, {n: [] for n in ours_names}
    for i, best in enumerate(rounds):
        for srv in servers:
            g = best[srv.name]
            us = per_exchange_us(g)
            print(row % (i + 1, srv.name, "%d" % g["achieved"] if g else "none", g["window"] if g else "-",
                         "%.0f%%" % (100.0 * g["srv_cpu"] / g["wall"]) if g and g["srv_cpu"] is not None else "?",
                         "%.1f us" % us if us else "?",
                         "%.0f%%" % (100.0 * g["srv_sys"] / g["srv_cpu"]) if g and g["srv_cpu"] else "?"))
        kea = best.get(Kea.name)
        for name in ours_names:
            ours = best.get(name)
            if ours and kea:
                ratios[name].append(ours["achieved"] / kea["achieved"])
                uo, uk = per_exchange_us(ours), per_exchange_us(kea)
                if uo and uk:
                    cpu_ratios[name].append(uk / uo)
    medians = {}
    for name in ours_names:
        r = ratios[name]
        if not r:
            continue
        medians[name] = median(r)
        print("ratio %s / Kea under d6load, per round: %s; median %.2fx, %d of %d rounds at 10x or more "
              "(server CPU per exchange: median %.2fx)"
              % (name, ", ".join("%.2fx" % x for x in r), medians[name], sum(x >= 10 for x in r), len(r),
                 median(cpu_ratios[name]) if cpu_ratios[name] else 0))
    return medians


def per_exchange_us(r):
    if not r or r["srv_cpu"] is None or not r["replies"]:
        return None
    return 1e6 * r["srv_cpu"] / r["replies"]


def verdict(res):
    """Why the series stopped where it did, from the first lossy step."""
    bad = res["bad"]
    if not bad:
        return "no lossy step within the time budget"
    srv = 100.0 * bad["srv_cpu"] / bad["wall"] if bad["srv_cpu"] is not None else 0
    perf = 100.0 * bad["perf_cpu"] / bad["wall"] if bad["perf_cpu"] is not None else 0
    at = "at %d/s: server CPU %.0f%%, perfdhcp CPU %.0f%%" % (bad["rate"], srv, perf)
    # where the datagrams were lost says who fell behind
    if bad["srv_overflow"] > bad["cli_overflow"]:
        return "the server (its socket overflowed %s)" % at
    if bad["cli_overflow"] > bad["srv_overflow"] or bad["solicits"] < 0.95 * bad["rate"] * bad["seconds"]:
        return "perfdhcp (its socket overflowed or it sent late %s)" % at
    return "unclear (late replies, no overflow %s)" % at


def report(results):
    print("\n==== Load under perfdhcp: sustained 4-way exchanges/s (Solicit/Advertise/Request/Reply), < 1% lost ====")
    row = "%-30s %11s %11s %14s %10s %15s  %s"
    print(row % ("server", "exchanges/s", "server CPU", "CPU/exchange", "of it sys", "CPU-bound est.", "limited by"))
    for res in results:
        g = res["good"]
        us = per_exchange_us(g)
        cpu = "%.0f%%" % (100.0 * g["srv_cpu"] / g["wall"]) if g and g["srv_cpu"] is not None else "?"
        sys_share = "%.0f%%" % (100.0 * g["srv_sys"] / g["srv_cpu"]) if g and g["srv_cpu"] else "?"
        print(row % (res["name"], "%d" % g["achieved"] if g else "none", cpu, "%.1f us" % us if us else "?",
                     sys_share, "%d/s" % (1e6 / us) if us else "?", verdict(res)))
    print("(CPU-bound est. = one core / server CPU per exchange at that rate. perfdhcp sends one datagram at a "
          "time, so a batching server sees nearly empty batches and pays a wake-up per datagram: for it this "
          "underestimates what a core can do; the d6load series measures that)")
    ratios = []
    for unpinned in (False, True):
        pair = {r["name"].split(",")[0]: r for r in results if r.get("unpinned", False) == unpinned}
        ours, kea = pair.get(Dhcp6txn.name), pair.get(Kea.name)
        if not (ours and kea and ours["good"] and kea["good"]):
            continue
        ratio = ours["good"]["achieved"] / kea["good"]["achieved"]
        uo, uk = per_exchange_us(ours["good"]), per_exchange_us(kea["good"])
        cpu_ratio = uk / uo if uo and uk else 0
        ratios.append((ratio, cpu_ratio))
        bound = " (lower bound: dhcp6txn-server's series was stopped by perfdhcp)" if verdict(ours).startswith("perfdhcp") else ""
        print("\nratio dhcp6txn-server / Kea, %s: sustained exchanges/s %.2fx%s; server CPU per exchange %.2fx"
              % ("nothing pinned" if unpinned else "server and perfdhcp on separate CPUs", ratio, bound, cpu_ratio))
    return max((r for r, _ in ratios), default=None)


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"^model name\s*:\s*(.*)$", f.read(), re.M)
        return m.group(1) if m else "?"
    except OSError:
        return "?"


LOADAVG = "?"


def main():
    global LOADAVG
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--server", required=True, help="the dhcp6txn-server binary")
    ap.add_argument("--kea", default="kea-dhcp6", help="Kea's DHCPv6 server (Debian: kea-dhcp6-server)")
    ap.add_argument("--perfdhcp", default="perfdhcp", help="perfdhcp (Debian: kea-admin)")
    ap.add_argument("--d6load", help="the d6load binary (built in server/bench); without it no d6load series")
    ap.add_argument("--windows", default="64,256", help="d6load: exchanges in flight, one run each per round (64,256)")
    ap.add_argument("--rounds", type=int, default=5, help="d6load: interleaved rounds; the goal uses the median ratio (5)")
    ap.add_argument("--d6load-seconds", type=int, default=3, help="d6load: counted seconds per run (3)")
    ap.add_argument("--step-seconds", type=int, default=5, help="perfdhcp -p per step (5)")
    ap.add_argument("--start-rate", type=int, default=2000, help="first rate tried, doubled until losses (2000)")
    ap.add_argument("--budget", type=int, default=240, help="seconds for the perfdhcp series, roughly (240)")
    ap.add_argument("--perfdhcp-threads", choices=["single", "multi"], default="single",
                    help="perfdhcp -g (single: one core does it all, which is perfdhcp's fastest mode when pinned)")
    ap.add_argument("--keep", action="store_true", help="keep the configurations and logs of a successful run")
    ap.add_argument("--only", choices=["dhcp6txn", "dhcp6txn-gso", "kea"],
                    help="measure one server only (dhcp6txn-gso: with udp-segmentation, d6load series only)")
    ap.add_argument("--series", choices=["all", "d6load", "perfdhcp"], default="all", help="which load generators")
    ap.add_argument("--unpinned", choices=["both", "fastest", "none"], default="both",
                    help="perfdhcp series with nothing pinned (all CPUs shared): both servers (default), the faster one, none")
    args = ap.parse_args()
    args.windows = [int(w) for w in args.windows.split(",")]

    if os.geteuid() != 0:
        skip("the load benchmark needs root (network namespaces); run it as root")
    for name, path in (("ip", "ip"), ("taskset", "taskset"), ("timeout", "timeout"),
                       ("kea-dhcp6 (kea-dhcp6-server)", args.kea), ("dhcp6txn-server", args.server)):
        if not which(path):
            skip("%s not found (%s); see docs/SERVER.md, section Load" % (name, path))
    args.server, args.kea = os.path.abspath(which(args.server)), which(args.kea)
    use_perfdhcp = args.series in ("all", "perfdhcp") and which(args.perfdhcp)
    use_d6load = args.series in ("all", "d6load") and args.d6load and which(args.d6load)
    if args.series in ("all", "perfdhcp") and not use_perfdhcp:
        print("note: perfdhcp (kea-admin) not found: no perfdhcp series")
    if args.series in ("all", "d6load") and not use_d6load:
        print("note: no d6load binary (--d6load): no d6load series")
    if not use_perfdhcp and not use_d6load:
        skip("no load generator")
    args.perfdhcp = which(args.perfdhcp) if use_perfdhcp else None
    args.d6load = os.path.abspath(which(args.d6load)) if use_d6load else None

    args.tmp = tempfile.mkdtemp(prefix="d6t-load-")
    atexit.register(cleanup)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda *_: (cleanup(), args.keep or shutil.rmtree(args.tmp, ignore_errors=True), os._exit(1)))
    with open("/proc/loadavg") as f:
        LOADAVG = " ".join(f.read().split()[:3])
    cpus = sorted(os.sched_getaffinity(0))
    pin_srv, pin_perf = (cpus[-1], cpus[0]) if len(cpus) >= 2 else (None, None)
    start = time.monotonic()
    try:
        setup_lab()
        d6load_servers = [Dhcp6txn(args.tmp, pin_srv, args.server), Kea(args.tmp, pin_srv, args.kea),
                          Dhcp6txnSegmented(args.tmp, pin_srv, args.server)]
        if args.only:
            d6load_servers = [s for s in d6load_servers if s.key == args.only]
        # udp-segmentation only changes anything when a batch holds several replies: not under perfdhcp
        servers = [s for s in d6load_servers if s.key != Dhcp6txnSegmented.key]
        ratios = {}
        if use_d6load:
            print("d6load on a veth pair; %d clients; pool %s - %s; windows %s; %d rounds; %d s per run after 2 s "
                  "warm-up; server on CPU %s, d6load on CPU %s" % (CLIENTS, POOL[0], POOL[1], args.windows, args.rounds,
                                                                  args.d6load_seconds, pin_srv, pin_perf), flush=True)
            for name, ratio in report_d6load(d6load_rounds(d6load_servers, args, pin_perf), d6load_servers).items():
                ratios["d6load, " + name] = ratio
        if use_perfdhcp:
            print("\nperfdhcp -6 on a veth pair; %d clients; %d s per step; server on CPU %s, perfdhcp on CPU %s"
                  % (CLIENTS, args.step_seconds, pin_srv, pin_perf), flush=True)
            pstart = time.monotonic()
            if len(cpus) < 2:
                args.unpinned = "none"  # nothing was pinned in the first place
            extra = {"both": len(servers), "fastest": 1, "none": 0}[args.unpinned]
            share = args.budget / (len(servers) + extra)
            results = []
            for i, s in enumerate(servers):
                s.pin = pin_srv
                results.append(find_sustained(s, args, pin_perf, pstart + share * (i + 1)))
            if args.unpinned != "none":
                order = list(zip(servers, results))
                if args.unpinned == "fastest":
                    order = [max(order, key=lambda sr: sr[1]["good"]["achieved"] if sr[1]["good"] else 0)]
                print("-- nothing pinned: server and perfdhcp share all %d CPUs (perfdhcp's own ceiling)" % len(cpus),
                      flush=True)
                for j, (srv, pinned) in enumerate(order):
                    srv.pin = None
                    args.start_rate = max(2000, pinned["good"]["rate"] // 2 if pinned["good"] else 0)
                    res = find_sustained(srv, args, None, pstart + share * (len(servers) + j + 1),
                                         srv.name + ", unpinned")
                    res["unpinned"] = True
                    results.append(res)
            ratios["perfdhcp, " + Dhcp6txn.name] = report(results)
        print()
        for gen, ratio in ratios.items():
            if ratio is not None:
                print("goal (>= 10x Kea's rate) under %s: %s (%.2fx%s)" % (gen, "MET" if ratio >= 10 else "NOT MET", ratio,
                      ", the median of the rounds" if gen.startswith("d6load") else ""))
        print("machine: %d CPU(s), %s; load average before the run: %s" % (len(cpus), cpu_model(), LOADAVG))
        print("total time %.0f s" % (time.monotonic() - start))
        if args.keep:
            print("files kept in %s" % args.tmp)
        else:
            shutil.rmtree(args.tmp, ignore_errors=True)
        return 0
    except Exception as e:  # noqa: report what failed, keep the files
        print("FAIL: %s\n(files kept in %s)" % (e, args.tmp))
        return 1
    finally:
        cleanup()


if __name__ == "__main__":
    sys.exit(main())
