#!/usr/bin/python3
"""Instructions per operation of bench_dhcpkit_style.py's rows, on dhcpkit and on the binding,
counted by callgrind (they do not move with the machine's load, unlike the times):

    PYTHONPATH=python:../shared/dhcpkit python/bench/instructions.py [--rows 0,1,2,3,4]

Each row of each package runs N times after 20 warm-up calls and once with N = 0 (start-up,
imports, warm-up); the difference divided by N is printed. Needs valgrind; without dhcpkit on
the path only the binding is counted.
SPDX-License-Identifier: BSD-2-Clause
"""
import argparse
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, 'bench_dhcpkit_style.py')
LABELS = ['parse relayed Solicit', 'build the Reply from option objects',
          'the same + relay chain + outgoing bytes', 'TransactionBundle from a parsed message',
          'full transaction']


def collected(package, row, n, data):
    with tempfile.TemporaryDirectory() as tmp:
        cmd = ['valgrind', '--tool=callgrind', '--callgrind-out-file=' + os.path.join(tmp, 'out'),
               sys.executable, SCRIPT, '--repeat', package, str(row), str(n)]
        if data:
            cmd[-4:-4] = ['--data', data]
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    found = re.search(r'Collected : (\d+)', run.stderr)
    if run.returncode != 0 or not found:
        sys.exit('%s row %d: callgrind failed:\n%s' % (package, row, run.stderr[-2000:]))
    return int(found.group(1))


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--rows', default='0,1,2,3,4')
    p.add_argument('--data', default='')
    p.add_argument('--count', type=int, default=2000, help='calls per row for the binding')
    p.add_argument('--dhcpkit-count', type=int, default=400, help='calls per row for dhcpkit')
    args = p.parse_args()
    if not shutil.which('valgrind'):
        print('valgrind not found: no instruction counts')
        return 0
    counts = {'dhcp6txn': args.count}
    if importlib.util.find_spec('dhcpkit') is not None:
        counts = {'dhcpkit': args.dhcpkit_count, **counts}
    print('instructions per operation (callgrind)')
    print('| | %s | ratio |' % ' | '.join(counts))
    print('|---|%s--:|' % ('--:|' * len(counts)))
    for row in (int(r) for r in args.rows.split(',')):
        per = {pkg: (collected(pkg, row, n, args.data) - collected(pkg, row, 0, args.data)) // n
               for pkg, n in counts.items()}
        ratio = '%.1fx' % (per['dhcpkit'] / per['dhcp6txn']) if len(per) == 2 else ''
        print('| %s | %s | %s |' % (LABELS[row], ' | '.join('{:,}'.format(v) for v in per.values()),
                                    ratio), flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
