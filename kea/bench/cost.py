#!/usr/bin/python3
"""What the libdhcp6txn hook costs kea-dhcp6: perfdhcp -6 against Kea without the hook, with it
(policy drop-unparsable, responses validated: the defaults), with drop-invalid, and in its most
expensive setting (drop-invalid and the transaction log), interleaved in every round of the
same run.

  cost.py --hook PATH [--null-hook PATH] [--kea PATH] [--perfdhcp PATH] [--rate N] [--seconds S] [--rounds R]

With --null-hook, a hook with the same callouts doing nothing runs in the same rounds: the
difference between it and plain Kea is Kea's own cost of calling hooks, the rest the library's.

The lab, Kea's configuration and the perfdhcp run are the server load benchmark's
(server/bench/load.py, imported from the folder meson passes in PYTHONPATH): two namespaces on
one veth pair, Kea restarted with an empty memfile for every run, the server pinned to one CPU
and perfdhcp to another when there are two. The rate is fixed and below what Kea sustains, so
every variant answers the same exchanges and the difference is the hook's CPU time.
Kea's CPU time (user + system, all threads, from /proc) per exchange is compared: the hook's share
is (with - without) / with. Medians over the rounds. A benchmark, not a test: exit 0 with the
numbers, 1 when a run failed, 77 without root or a program.
"""
import argparse, atexit, json, os, statistics, sys, tempfile

import load


class KeaVariant(load.Kea):
    """kea-dhcp6 with the benchmark's configuration, plus the hook when given its parameters."""

    def __init__(self, tmp, pin, path, key, name, hook=None, params=None):
        self.key, self.name = key, name
        super().__init__(tmp, pin, path)
        self.conf = os.path.join(tmp, "kea-%s.json" % key)
        conf = json.loads(load.config_kea(self.dir))
        if hook:
            conf["Dhcp6"]["hooks-libraries"] = [{"library": hook, "parameters": params}]
        with open(self.conf, "w") as f:
            json.dump(conf, f, indent=1)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hook", required=True)
    ap.add_argument("--null-hook", help="a hook whose callouts do nothing (kea/bench/null_hook.cc): Kea's own "
                    "cost of calling a hook, told apart from the library's work")
    ap.add_argument("--kea", default="kea-dhcp6")
    ap.add_argument("--perfdhcp", default="perfdhcp")
    ap.add_argument("--rate", type=int, default=1000, help="exchanges/s asked of perfdhcp (below Kea's ceiling)")
    ap.add_argument("--seconds", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    if os.geteuid() != 0:
        load.skip("needs root (network namespaces)")
    args.kea, args.perfdhcp = load.which(args.kea), load.which(args.perfdhcp)
    if not args.kea or not args.perfdhcp:
        load.skip("kea-dhcp6 (kea-dhcp6-server) and perfdhcp (kea-admin) are needed")
    hook = os.path.abspath(args.hook)
    tmp = tempfile.mkdtemp(prefix="d6t-kea-cost-")
    atexit.register(load.cleanup)
    cpus = sorted(os.sched_getaffinity(0))
    pin_srv, pin_perf = (cpus[-1], cpus[0]) if len(cpus) >= 2 else (None, None)
    variants = [KeaVariant(tmp, pin_srv, args.kea, "plain", "kea-dhcp6")]
    if args.null_hook:
        variants.append(KeaVariant(tmp, pin_srv, args.kea, "null-hook", "kea-dhcp6 + empty callouts (Kea's dispatch)",
                                   os.path.abspath(args.null_hook), {}))
    variants += [
                KeaVariant(tmp, pin_srv, args.kea, "hook", "kea-dhcp6 + hook (defaults)", hook, {}),
                KeaVariant(tmp, pin_srv, args.kea, "hook-invalid", "kea-dhcp6 + hook (drop-invalid)", hook,
                           {"policy": "drop-invalid"}),
                KeaVariant(tmp, pin_srv, args.kea, "hook-log", "kea-dhcp6 + hook (drop-invalid, transaction log)",
                           hook, {"policy": "drop-invalid", "transaction-log": os.path.join(tmp, "txn.jsonl"),
                                  "transaction-log-max-bytes": 64 << 20, "transaction-log-keep": 1})]
    per = {v.key: [] for v in variants}
    try:
        load.setup_lab()
        for rnd in range(args.rounds):
            for v in variants:
                r = load.run_step(v, args.perfdhcp, args.rate, args.seconds, pin_perf, "single", tmp)
                print(load.fmt_step(v.key, r), flush=True)
                us = load.per_exchange_us(r)
                # Kea's CPU per answered exchange stays comparable when a busy host stalls it and
                # datagrams overflow its socket meanwhile (those cost Kea nothing); a majority
                # lost means the rate is too high to compare at
                if us is None or r["lost"] > 0.5:
                    print("round %d, %s: lost %.1f%% of the exchanges; lower --rate" % (rnd + 1, v.name, 100 * r["lost"]))
                    return 1
                per[v.key].append(us)
    finally:
        load.cleanup()
    base = statistics.median(per["plain"])
    null = statistics.median(per["null-hook"]) if args.null_hook else None
    print("\nKea CPU per exchange (4-way Solicit..Reply), median of %d rounds at %d/s for %d s:"
          % (args.rounds, args.rate, args.seconds))
    for v in variants:
        us = statistics.median(per[v.key])
        share = "" if v.key == "plain" else ", the hook's share %.1f%% (+%.1f us)" % (100 * (us - base) / us, us - base)
        if null is not None and v.key.startswith("hook"):
            share += ", of which the library's work %.1f%% (+%.1f us over empty callouts)" % (100 * (us - null) / us, us - null)
        print("  %-50s %6.1f us%s" % (v.name, us, share))
    return 0


if __name__ == "__main__":
    sys.exit(main())
