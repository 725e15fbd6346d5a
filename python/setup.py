"""Build step of the dhcp6txn package: find the installed libdhcp6txn with pkg-config and
record its path in dhcp6txn/_config.py (for cffi's ABI mode), and build three optional compiled
modules when Python's headers are there (python3-dev): dhcp6txn._capi, the library's calls in
cffi's API mode, and dhcp6txn._views, the C side of message and option objects (both linked
against the library pkg-config names, which they find through their rpath), and
dhcp6txn._speedups, the draft encoder. Without them the package works the same way, in ABI mode
with plain Python objects and the encoder in Python. PKG_CONFIG_PATH chooses among several
installed copies.
SPDX-License-Identifier: BSD-2-Clause"""
import os
import pathlib
import shutil
import subprocess
import sys
import sysconfig

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


def capi_extension():
    """dhcp6txn._capi from C written by tools/gen_capi.py (None without Python's headers: the
    package then uses ABI mode)."""
    if not pathlib.Path(sysconfig.get_paths()['include'], 'Python.h').exists():
        return None
    here = pathlib.Path(__file__).resolve().parent
    sys.path.insert(0, str(here / 'tools'))
    import gen_capi  # noqa: E402  (the generator the meson build uses too)
    out = here / 'build' / 'capi'
    out.mkdir(parents=True, exist_ok=True)
    source = out / '_capi.c'
    gen_capi.builder().emit_c_code(str(source))
    return linked_extension('dhcp6txn._capi', str(source.relative_to(here)))


def linked_extension(name, source, **kwargs):
    """An optional extension linked against the library pkg-config names (with an rpath)."""
    flags = pkg_config('--cflags').split()
    libdir = pkg_config('--variable=libdir')
    return Extension(name, [source], include_dirs=[f[2:] for f in flags if f.startswith('-I')],
                     library_dirs=[libdir], libraries=['dhcp6txn'], runtime_library_dirs=[libdir],
                     optional=True, **kwargs)


setup(version=pkg_config('--modversion'), cmdclass={'build_py': BuildWithConfig},
      ext_modules=[e for e in (capi_extension(),) if e is not None] + [
          linked_extension('dhcp6txn._views', 'dhcp6txn/_views.c', extra_compile_args=['-std=c11'],
                           depends=['dhcp6txn/_node.h', 'dhcp6txn/_bundle.c']),
          Extension('dhcp6txn._speedups', ['dhcp6txn/_speedups.c'], depends=['dhcp6txn/_node.h'],
                    extra_compile_args=['-std=c11'], optional=True)])
