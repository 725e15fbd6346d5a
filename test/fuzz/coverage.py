#!/usr/bin/python3
"""How much of the library the fuzz corpora reach: clang source-based coverage of every replay
driver run over its corpus in the tree.

usage: coverage.py [--build DIR] [--min PERCENT] [--markdown]

Configures DIR (default build-fuzzcov) with clang and -fprofile-instr-generate
-fcoverage-mapping, builds the replay drivers, runs each over its corpus and prints line and
branch coverage per file of lib/ (and of server/ for the server's targets), and the total of
the core the fuzzing goal is about: the parser, writer, validator and bundle. --min fails (exit 1)
when that total's line coverage is below PERCENT. --markdown prints the table for docs/.
Needs clang, llvm-profdata and llvm-cov (Debian: clang, llvm-14).
"""
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# (replay driver in the build dir, corpus in the tree); a target whose files are missing is
# left out (a build without the server, a target not written yet)
TARGETS = [
    ('test/fuzz/fuzz_msg_replay', 'test/fuzz/corpus'),
    ('test/fuzz/fuzz_opt_replay', 'test/fuzz/corpus-opt'),
    ('test/fuzz/fuzz_relay_replay', 'test/fuzz/corpus-relay'),
    ('server/fuzz/fuzz_server_replay', 'server/fuzz/corpus'),
    ('server/fuzz/fuzz_config_replay', 'server/fuzz/corpus-config'),
]
# the goal of issue 16: 95% of the lines of these
CORE = ['lib/parse.c', 'lib/write.c', 'lib/validate.c', 'lib/bundle.c', 'lib/bundle_out.c']
FLAGS = '-fprofile-instr-generate -fcoverage-mapping'


def tool(name):
    for n in (name, name + '-14'):
        if shutil.which(n):
            return n
    sys.exit('coverage.py: %s not found (Debian: llvm-14)' % name)


def build(bdir):
    if not os.path.exists(os.path.join(bdir, 'build.ninja')):
        env = dict(os.environ, CC='clang')
        subprocess.run(['meson', 'setup', bdir, ROOT, '-Dc_args=' + FLAGS, '-Dc_link_args=' + FLAGS,
                        '-Dpython=disabled', '-Dexamples=false', '-Dtools=false',
                        '-Db_lundef=false'], check=True, env=env, stdout=subprocess.DEVNULL)
    targets = [t for t, _ in TARGETS]
    have = subprocess.run(['ninja', '-C', bdir, '-t', 'targets', 'all'], check=True,
                          capture_output=True, text=True).stdout
    targets = [t for t in targets if t + ':' in have]
    # instrumented programs the build runs (generators) write their profiles there, not to cwd
    env = dict(os.environ, LLVM_PROFILE_FILE=os.path.join(bdir, 'build-%p.profraw'))
    subprocess.run(['ninja', '-C', bdir] + targets, check=True, stdout=subprocess.DEVNULL, env=env)
    return targets


def run(bdir, built):
    prof = os.path.join(bdir, 'fuzzcov')
    shutil.rmtree(prof, ignore_errors=True)
    os.makedirs(prof)
    objects, sizes = [], {}
    for exe, corpus in TARGETS:
        if exe not in built or not os.path.isdir(os.path.join(ROOT, corpus)):
            continue
        files = [f for f in glob.glob(os.path.join(ROOT, corpus, '*')) if os.path.isfile(f)]
        sizes[corpus] = (len(files), sum(os.path.getsize(f) for f in files))
        env = dict(os.environ, LLVM_PROFILE_FILE=os.path.join(prof, os.path.basename(exe) + '-%p.profraw'))
        subprocess.run([os.path.join(bdir, exe), os.path.join(ROOT, corpus)], check=True, env=env,
                       stdout=subprocess.DEVNULL)
        objects.append(os.path.join(bdir, exe))
    data = os.path.join(prof, 'all.profdata')
    subprocess.run([tool('llvm-profdata'), 'merge', '-sparse', '-o', data] +
                   glob.glob(os.path.join(prof, '*.profraw')), check=True)
    args = [tool('llvm-cov'), 'export', '-summary-only', '-instr-profile=' + data, objects[0]]
    for o in objects[1:]:
        args += ['-object', o]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return json.loads(out)['data'][0]['files'], sizes


def table(files):
    rows = {}
    for f in files:
        rel = os.path.relpath(os.path.realpath(f['filename']), ROOT)
        if rel.startswith(('lib/', 'server/')) and rel.endswith('.c') and '/test' not in rel \
                and '/fuzz' not in rel and '/bench' not in rel:
            s = f['summary']
            rows[rel] = (s['lines']['covered'], s['lines']['count'],
                         s['branches']['covered'], s['branches']['count'])
    return rows


def pct(a, b):
    return 100.0 * a / b if b else 100.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', default=os.path.join(ROOT, 'build-fuzzcov'))
    ap.add_argument('--min', type=float, default=0.0)
    ap.add_argument('--markdown', action='store_true')
    o = ap.parse_args()
    built = build(o.build)
    files, sizes = run(o.build, built)
    rows = table(files)
    core = [sum(rows[f][i] for f in CORE if f in rows) for i in range(4)]
    if o.markdown:
        print('| file | lines | branches |\n|---|--:|--:|')
        for f in sorted(rows):
            lc, lt, bc, bt = rows[f]
            print('| %s%s | %.1f%% of %d | %.1f%% of %d |' % (f, ' (core)' if f in CORE else '',
                                                              pct(lc, lt), lt, pct(bc, bt), bt))
        print('| **core total** | **%.1f%%** of %d | **%.1f%%** of %d |' %
              (pct(core[0], core[1]), core[1], pct(core[2], core[3]), core[3]))
        print('\ncorpora: ' + ', '.join('%s %d inputs / %d bytes' % (c, n, b)
                                       for c, (n, b) in sorted(sizes.items())))
    else:
        for f in sorted(rows):
            lc, lt, bc, bt = rows[f]
            print('%-24s lines %6.1f%% (%d/%d)  branches %6.1f%% (%d/%d)%s' %
                  (f, pct(lc, lt), lc, lt, pct(bc, bt), bc, bt, '  core' if f in CORE else ''))
        for c, (n, b) in sorted(sizes.items()):
            print('corpus %-26s %5d inputs %8d bytes' % (c, n, b))
        print('core (parser, writer, validator, bundle): lines %.1f%% (%d/%d), branches %.1f%% (%d/%d)'
              % (pct(core[0], core[1]), core[0], core[1], pct(core[2], core[3]), core[2], core[3]))
    if pct(core[0], core[1]) < o.min:
        print('FAIL: core line coverage %.1f%% is below %.1f%%' % (pct(core[0], core[1]), o.min))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
