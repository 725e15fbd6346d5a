#!/usr/bin/python3
"""The public ABI of libdhcp6txn.so against the baseline kept in test/abi (libabigail).

usage: check_abi.py check LIB BASELINE SUPPRESSIONS INCLUDE_DIR
       check_abi.py dump LIB OUT INCLUDE_DIR

check: dumps LIB as check would (abidw, types from the public headers only) and compares it
with BASELINE through abidiff, ignoring added functions and the changes SUPPRESSIONS allows.
  - same SONAME and symbol version nodes as the baseline: any remaining change fails, not only
    the ones abidiff's INCOMPATIBLE bit (8) marks: that bit is set for removed symbols, while a
    reordered struct or renumbered enum only sets ABI_CHANGE (4) and breaks callers just the same;
  - SONAME or version node moved: a deliberate new ABI. Nothing to compare against: the test is
    skipped (exit 77) with a reminder to regenerate the baseline in its own commit
    (test/abi/update-baseline.sh).
Without abidiff/abidw, or for a library without debug info, the test is skipped, except under
CI=true, where it fails.
dump: writes the baseline form of LIB to OUT (what update-baseline.sh runs).
"""
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

SKIP = 77
# one place for the dump options, so a baseline and a check dump are always comparable:
# no absolute paths (build dir, corpus path) and type ids that do not depend on reading order
ABIDW_ARGS = ['--drop-private-types', '--no-corpus-path', '--no-comp-dir-path', '--short-locs',
              '--type-id-style', 'hash']
ABIDIFF_BITS = {1: 'error', 2: 'usage error', 4: 'ABI change', 8: 'incompatible ABI change'}


def skip_or_fail(msg):
    if os.environ.get('CI') == 'true':
        sys.exit(f'{msg} (CI=true: failing instead of skipping)')
    print(f'SKIP: {msg}')
    sys.exit(SKIP)


def dump(lib, out, include):
    subprocess.run(['abidw', '--headers-dir', include] + ABIDW_ARGS + ['--out-file', out, lib],
                   check=True)
    corpus = ET.parse(out).getroot()
    if corpus.find('abi-instr') is None:
        skip_or_fail(f'{lib} has no debug info: configure with -g (buildtype debug or debugoptimized)')
    return corpus


def identity(corpus):
    """SONAME and the set of symbol version nodes: what a deliberate ABI break moves."""
    nodes = {s.get('version') for s in corpus.iter('elf-symbol') if s.get('version')}
    return corpus.get('soname'), sorted(nodes)


def check(lib, baseline, suppr, include):
    if not (shutil.which('abidw') and shutil.which('abidiff')):
        skip_or_fail('abidw/abidiff not found (Debian package abigail-tools)')
    base = ET.parse(baseline).getroot()
    with tempfile.TemporaryDirectory() as tmp:
        new_path = os.path.join(tmp, 'new.abi')
        new = dump(lib, new_path, include)
        (base_soname, base_nodes), (new_soname, new_nodes) = identity(base), identity(new)
        # a version node added for new functions is compatible; one gone is not
        if base_soname != new_soname or not set(base_nodes) <= set(new_nodes):
            print(f'new ABI: SONAME/version nodes {identity(base)} in the baseline, '
                  f'{identity(new)} built.\nA deliberate break: regenerate the baseline in a '
                  'commit of its own with test/abi/update-baseline.sh (README.md, Linking).')
            sys.exit(SKIP)
        p = subprocess.run(['abidiff', '--no-added-syms', '--suppressions', suppr,
                            baseline, new_path], stdout=subprocess.PIPE, text=True)
    bits = [name for bit, name in ABIDIFF_BITS.items() if p.returncode & bit]
    print(p.stdout, end='')
    if not bits:
        print(f'ABI of {os.path.basename(lib)} ({identity(new)[0]}) matches the baseline '
              '(additions allowed)')
        return 0
    print(f'abidiff exit {p.returncode}: {", ".join(bits)}.\nThe change above breaks programs '
          f'built against {identity(base)[0]}. Either keep the ABI, or make it a new ABI: bump '
          'the SONAME (soversion in meson.build) and the version node (lib/libdhcp6txn.map), '
          'then regenerate the baseline (test/abi/update-baseline.sh) in a commit of its own.')
    return 1


def main(argv):
    if len(argv) == 5 and argv[0] == 'check':
        return check(*argv[1:])
    if len(argv) == 4 and argv[0] == 'dump':
        dump(argv[1], argv[2], argv[3])
        return 0
    sys.exit(__doc__)


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
