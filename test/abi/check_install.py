#!/usr/bin/python3
"""Install the library into a temporary prefix and build an external program against it,
exactly as a user would: `cc prog.c $(pkg-config --cflags --libs dhcp6txn)`, then run it;
and once more linked statically against libdhcp6txn.a.

Usage: check_install.py SOURCE_ROOT CONSUMER.c PROJECT_VERSION
"""
import glob
import os
import shutil
import subprocess
import sys
import tempfile


def sh(cmd, env, cwd=None, show=True):
    print('+', cmd, flush=True)
    r = subprocess.run(['bash', '-c', cmd], env=env, cwd=cwd, capture_output=True, text=True)
    if show or r.returncode != 0:
        sys.stdout.write(r.stdout)
        sys.stdout.write(r.stderr)
    if r.returncode != 0:
        sys.exit('FAIL: command exited %d: %s' % (r.returncode, cmd))
    return r.stdout


def main():
    src, consumer, version = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3]
    for tool in ('meson', 'ninja', 'cc', 'pkg-config'):
        if not shutil.which(tool):
            sys.exit('FAIL: %s not found' % tool)
    env = {k: v for k, v in os.environ.items()
           if k not in ('CFLAGS', 'LDFLAGS', 'PKG_CONFIG_PATH', 'PKG_CONFIG_LIBDIR', 'LD_LIBRARY_PATH',
                        'MESON_TESTTHREADS')}
    with tempfile.TemporaryDirectory(prefix='d6t-install-') as tmp:
        prefix = os.path.join(tmp, 'prefix')
        build = os.path.join(tmp, 'build')
        sh('meson setup %s %s --prefix=%s --buildtype=release -Dtests=false -Dexamples=false '
           '-Dpcap=disabled' % (build, src, prefix), env)
        sh('ninja -C %s install' % build, env, show=False)
        pcs = glob.glob(os.path.join(prefix, '**', 'pkgconfig', 'dhcp6txn.pc'), recursive=True)
        if len(pcs) != 1:
            sys.exit('FAIL: expected one installed dhcp6txn.pc, found %r' % pcs)
        libdir = os.path.dirname(os.path.dirname(pcs[0]))
        for f in ('libdhcp6txn.so', 'libdhcp6txn.so.1', 'libdhcp6txn.a'):
            if not os.path.exists(os.path.join(libdir, f)):
                sys.exit('FAIL: %s not installed in %s' % (f, libdir))
        if not os.path.exists(os.path.join(prefix, 'include', 'dhcp6txn.h')):
            sys.exit('FAIL: dhcp6txn.h not installed')
        env['PKG_CONFIG_PATH'] = os.path.dirname(pcs[0])
        work = os.path.join(tmp, 'work')
        os.mkdir(work)
        shutil.copy(consumer, os.path.join(work, 'prog.c'))
        # exactly the documented command line
        sh('cc prog.c $(pkg-config --cflags --libs dhcp6txn)', env, cwd=work)
        needed = sh('readelf -d a.out', env, cwd=work, show=False)
        if 'libdhcp6txn.so.1' not in needed:
            sys.exit('FAIL: a.out does not link libdhcp6txn.so.1 dynamically')
        run_env = dict(env, LD_LIBRARY_PATH=libdir)
        sh('./a.out %s' % version, run_env, cwd=work)
        # static: the archive, nothing from the shared library
        sh('cc prog.c $(pkg-config --cflags dhcp6txn) %s -o prog-static'
           % os.path.join(libdir, 'libdhcp6txn.a'), env, cwd=work)
        if 'libdhcp6txn' in sh('readelf -d prog-static', env, cwd=work, show=False):
            sys.exit('FAIL: prog-static still needs the shared library')
        sh('./prog-static %s' % version, env, cwd=work)
    print('install test passed')


if __name__ == '__main__':
    main()
