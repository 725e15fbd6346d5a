"""Build step of the dhcp6txn package: find the installed libdhcp6txn with pkg-config and
record its path in dhcp6txn/_config.py (the package loads it with cffi in ABI mode), and build
the optional draft encoder in C, dhcp6txn._speedups (only Python's own headers, python3-dev;
without them the package uses the same encoder in Python). PKG_CONFIG_PATH chooses among
several installed copies.
SPDX-License-Identifier: BSD-2-Clause"""
import os
import pathlib
import shutil
import subprocess

from setuptools import Extension, setup
from setuptools.command.build_py import build_py

SOVERSION = '1'  # the library's ABI: lib/libdhcp6txn.map, soversion in meson.build


def pkg_config(*args):
    exe = os.environ.get('PKG_CONFIG') or shutil.which('pkg-config') or shutil.which('pkgconf')
    if not exe:
        raise SystemExit('dhcp6txn: pkg-config not found (apt-get install pkg-config)')
    p = subprocess.run([exe] + list(args) + ['dhcp6txn'], capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit('dhcp6txn: pkg-config cannot find libdhcp6txn (install the C library '
                         'first, e.g. meson install, or set PKG_CONFIG_PATH): ' + p.stderr.strip())
    return p.stdout.strip()


def library_path():
    libdir = pathlib.Path(pkg_config('--variable=libdir'))
    lib = libdir / ('libdhcp6txn.so.' + SOVERSION)
    if not lib.exists():
        raise SystemExit('dhcp6txn: %s not found (pkg-config points there)' % lib)
    return str(lib)


class BuildWithConfig(build_py):
    """build_py that also writes dhcp6txn/_config.py: where the library was found."""

    def run(self):
        super().run()
        target = pathlib.Path(self.build_lib) / 'dhcp6txn' / '_config.py'
        target.write_text('"""Written by setup.py from pkg-config: the library this package was '
                          'built against."""\nLIBRARY = %r\n' % library_path())


setup(version=pkg_config('--modversion'), cmdclass={'build_py': BuildWithConfig},
      ext_modules=[Extension('dhcp6txn._speedups', ['dhcp6txn/_speedups.c'],
                             extra_compile_args=['-std=c11'], optional=True)])
