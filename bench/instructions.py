#!/usr/bin/python3
"""Instructions per operation of the transaction benchmark, counted by callgrind.

Runs `bench --count N --txn REQUEST CHAIN` under valgrind --tool=callgrind, which frames each
operation's N runs and dumps them under the operation's name, and prints instructions per
operation beside the floor (TLV walk + template copy; the parse beside the plain TLV walk).
Instruction counts do not move with a busy machine, so they can be compared across runs.

  instructions.py BENCH REQUEST.hex CHAIN.hex [--count N] [--max OP=INSTR ...]

--max makes it a regression guard: exit 1 when an operation costs more than INSTR instructions.
Without valgrind it skips (exit 77), except under CI=true, where that is a failure.
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


def run(bench, req, chain, count):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "cg.out")
        cmd = ["valgrind", "--tool=callgrind", "--collect-atstart=no", "--dump-instr=no",
               "--callgrind-out-file=" + out, bench, "--count", str(count), "--txn", req, chain]
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if p.returncode:
            sys.stderr.write(p.stdout + p.stderr)
            raise SystemExit("bench under callgrind failed (exit %d)" % p.returncode)
        per_op = {}
        for f in sorted(glob.glob(out + ".*"), key=lambda f: int(f.rsplit(".", 1)[1])):
            text = open(f).read()
            name = re.search(r"^desc: Trigger: Client Request: (\S+)", text, re.M)
            total = re.search(r"^(?:totals|summary): (\d+)", text, re.M)
            if name and total:
                per_op[name.group(1)] = int(total.group(1)) / count
        return per_op


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bench")
    ap.add_argument("request")
    ap.add_argument("chain")
    ap.add_argument("--count", type=int, default=20)
    ap.add_argument("--max", action="append", default=[], metavar="OP=INSTR")
    a = ap.parse_args()
    if not shutil.which("valgrind"):
        if os.environ.get("CI") == "true":
            raise SystemExit("valgrind is needed to count instructions under CI")
        print("valgrind not found: instruction counts skipped")
        return SKIP
    ops = run(a.bench, a.request, a.chain, a.count)
    if "transaction" not in ops or "floor" not in ops:
        raise SystemExit("no per-operation dumps from callgrind: %r" % sorted(ops))
    print("instructions per operation (callgrind, %d runs each)" % a.count)
    for name, n in ops.items():
        floor = ops.get(FLOOR_OF.get(name, "floor"), 0)
        ratio = " %6.2fx %s" % (n / floor, FLOOR_OF.get(name, "floor")) if floor else ""
        print("  %-20s %9.0f%s" % (name, n, ratio))
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
