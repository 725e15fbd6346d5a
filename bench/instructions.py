#!/usr/bin/python3
"""Instructions per operation of the transaction benchmark, counted by callgrind.

Runs `bench --count N --txn REQUEST CHAIN` under valgrind --tool=callgrind, which frames each
operation's N runs and dumps them under the operation's name, and prints instructions per
operation beside the floor (TLV walk + template copy; the parse beside the plain TLV walk).
Instruction counts do not move with a busy machine, so they can be compared across runs.

  instructions.py BENCH REQUEST.hex CHAIN.hex [--count N] [--max OP=INSTR ...]

--max makes it a regression guard: exit 1 when an operation costs more than INSTR instructions.
--footprint adds, per operation, how many distinct 64-byte lines of code it runs and how many
cache misses it has in a simulated L1 of --l1 bytes (default 8 KiB, a quarter of this machine's):
how much cache an operation needs, for embedders whose own code shares it. (On this VM, a
transaction made larger on purpose did not slow down beyond its extra instructions, so a busy
host's slowdown is not this.) Without valgrind it skips (exit 77), except under CI=true, where
that is a failure.
SPDX-License-Identifier: BSD-2-Clause
"""
import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

SKIP = 77
# against which row each operation is set (as bench.c's report does)
FLOOR_OF = {"parse": "walk"}


def code_lines(text):
    """Distinct 64-byte lines of the instructions with a cost in one callgrind dump made with
    --dump-instr=yes (positions "instr line", compressed as the format allows)."""
    lines, pos, after_calls = set(), [0, 0], False
    for raw in text.splitlines():
        if raw.startswith("calls="):
            after_calls = True  # the next line is the call's inclusive cost: not this code's
            continue
        if not raw or not (raw[0].isdigit() or raw[0] in "+-*"):
            continue
        parts = raw.split()
        for i in range(2):
            tok = parts[i]
            if tok == "*":
                continue
            if tok[0] in "+-":
                pos[i] += int(tok, 0)
            else:
                pos[i] = int(tok, 0)
        if after_calls:
            after_calls = False
        elif len(parts) > 2 and int(parts[2]):
            lines.add(pos[0] >> 6)
    return len(lines)


def run(bench, req, chain, count, l1=0):
    """Per operation: instructions per run, and with l1 its code lines and cache misses per run
    in an l1-byte L1 (instruction and data each)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "cg.out")
        cmd = ["valgrind", "--tool=callgrind", "--collect-atstart=no",
               "--dump-instr=" + ("yes" if l1 else "no"), "--callgrind-out-file=" + out]
        if l1:
            geometry = "%d,8,64" % l1
            cmd += ["--simulate-cache=yes", "--I1=" + geometry, "--D1=" + geometry,
                    "--LL=1048576,16,64"]
        cmd += [bench, "--count", str(count), "--txn", req, chain]
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if p.returncode:
            sys.stderr.write(p.stdout + p.stderr)
            raise SystemExit("bench under callgrind failed (exit %d)" % p.returncode)
        per_op, foot = {}, {}
        for f in sorted(glob.glob(out + ".*"), key=lambda f: int(f.rsplit(".", 1)[1])):
            text = open(f).read()
            name = re.search(r"^desc: Trigger: Client Request: (\S+)", text, re.M)
            events = re.search(r"^events: (.*)$", text, re.M)
            total = re.search(r"^(?:totals|summary): ([\d ]+)$", text, re.M)
            if not (name and total and events):
                continue
            cost = dict(zip(events.group(1).split(), map(int, total.group(1).split())))
            per_op[name.group(1)] = cost["Ir"] / count
            if l1:
                foot[name.group(1)] = (code_lines(text),
                                       cost.get("I1mr", 0) / count,
                                       (cost.get("D1mr", 0) + cost.get("D1mw", 0)) / count)
        return per_op, foot


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bench")
    ap.add_argument("request")
    ap.add_argument("chain")
    ap.add_argument("--count", type=int, default=20)
    ap.add_argument("--max", action="append", default=[], metavar="OP=INSTR")
    ap.add_argument("--footprint", action="store_true")
    ap.add_argument("--l1", type=int, default=8192, help="simulated L1 size for --footprint")
    a = ap.parse_args()
    if not shutil.which("valgrind"):
        if os.environ.get("CI") == "true":
            raise SystemExit("valgrind is needed to count instructions under CI")
        print("valgrind not found: instruction counts skipped")
        return SKIP
    ops, foot = run(a.bench, a.request, a.chain, a.count, a.l1 if a.footprint else 0)
    if "transaction" not in ops or "floor" not in ops:
        raise SystemExit("no per-operation dumps from callgrind: %r" % sorted(ops))
    print("instructions per operation (callgrind, %d runs each)" % a.count)
    for name, n in ops.items():
        floor = ops.get(FLOOR_OF.get(name, "floor"), 0)
        ratio = " %6.2fx %s" % (n / floor, FLOOR_OF.get(name, "floor")) if floor else ""
        print("  %-20s %9.0f%s" % (name, n, ratio))
    if foot:
        print("code and cache misses per operation (misses in a simulated %d-byte L1 each for "
              "instructions and data)" % a.l1)
        for name, (lines, imiss, dmiss) in foot.items():
            print("  %-20s %5d code lines (%6d bytes) %7.1f I1 misses %6.1f D1 misses"
                  % (name, lines, lines * 64, imiss, dmiss))
    bad = 0
    for spec in a.max:
        op, _, limit = spec.partition("=")
        if op not in ops:
            raise SystemExit("--max names no operation: " + op)
        if ops[op] > float(limit):
            print("FAIL: %s costs %.0f instructions, more than the guard's %s" % (op, ops[op], limit))
            bad = 1
        else:
            print("ok: %s %.0f <= %s" % (op, ops[op], limit))
    return bad


if __name__ == "__main__":
    sys.exit(main())
