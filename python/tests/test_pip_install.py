"""The Python package as a Python user installs it: `pip install --no-build-isolation ./python`
into a fresh venv finds the installed C library through pkg-config, and `pip wheel` builds a
wheel. The library is installed from the build tree (meson install --destdir, its .pc file
pointed at the destdir as a real prefix would be); nothing else is on the path.
SPDX-License-Identifier: BSD-2-Clause"""
import os
import pathlib
import shutil
import subprocess
import sys
import sysconfig
import zipfile

import pytest

from conftest import env_dir

BUILD = env_dir('DHCP6TXN_BUILD_ROOT')
SRC = pathlib.Path(__file__).resolve().parents[1]
CAPTURE = SRC.parent / 'decode' / 'test' / 'data' / 'dhcpcd-direct-info-kea.pcap'


def _have(module):
    return subprocess.run([sys.executable, '-c', 'import ' + module],
                          capture_output=True).returncode == 0


pytestmark = pytest.mark.skipif(
    not BUILD or not shutil.which('meson') or not shutil.which('pkg-config') or
    not all(_have(m) for m in ('pip', 'venv', 'ensurepip', 'setuptools')),
    reason='needs the meson build tree, pkg-config, python3-pip, python3-venv, python3-setuptools')


@pytest.fixture(scope='module')
def installed(tmp_path_factory):
    """(venv python, library prefix, pkg-config dir, source copy)."""
    tmp = tmp_path_factory.mktemp('pip')
    dest = tmp / 'root'
    subprocess.run(['meson', 'install', '-C', str(BUILD), '--no-rebuild', '--quiet', '--destdir',
                    str(dest)], check=True, stdout=subprocess.DEVNULL)
    pc = next(dest.rglob('pkgconfig/dhcp6txn.pc'))
    text = pc.read_text()
    prefix = next(line.split('=', 1)[1] for line in text.splitlines() if line.startswith('prefix='))
    pc.write_text(text.replace('prefix=' + prefix, 'prefix=' + str(dest) + prefix, 1))
    src = tmp / 'src'  # pip builds in the tree it is given: keep the repository clean
    shutil.copytree(SRC, src, ignore=shutil.ignore_patterns('build', '*.egg-info', '__pycache__'))
    venv = tmp / 'venv'
    subprocess.run([sys.executable, '-m', 'venv', '--system-site-packages', str(venv)], check=True)
    env = _clean_env()
    env['PKG_CONFIG_PATH'] = str(pc.parent)
    subprocess.run([str(venv / 'bin' / 'pip'), 'install', '--no-build-isolation', '--no-index',
                    '--quiet', str(src)], check=True, env=env, cwd=str(tmp))
    return venv / 'bin' / 'python', dest, pc.parent, src


def _clean_env():
    # (LD_PRELOAD stays: an ASan build's library needs the runtime loaded first)
    return {k: v for k, v in os.environ.items()
            if k not in ('DHCP6TXN_LIBRARY', 'DHCP6TXN_EXTENSION_DIR', 'PYTHONPATH',
                         'LD_LIBRARY_PATH')}


def run(python, *args, cwd):
    return subprocess.run([str(python)] + list(args), env=_clean_env(), cwd=str(cwd),
                          capture_output=True, text=True, check=True).stdout


def test_venv_import_uses_the_pkg_config_library(installed, w1, tmp_path):
    python, dest, _, _ = installed
    code = ('import sys, dhcp6txn; from dhcp6txn.ipv6.messages import Message; '
            'd = bytes.fromhex(sys.argv[1]); assert bytes(Message.parse(d)[1]) == d; '
            'print(dhcp6txn.__file__); print(dhcp6txn.LIBRARY_PATH); print(dhcp6txn.__version__); '
            'print(dhcp6txn._elements._speedups is not None); print(dhcp6txn._lib.API_MODE); '
            'print(dhcp6txn._elements._views is not None)')
    path, lib, version, ext, api, views = run(python, '-c', code, w1.hex(),
                                              cwd=tmp_path).split('\n')[:6]
    assert '/venv/' in path and str(SRC) not in path
    assert lib.startswith(str(dest)) and '/libdhcp6txn.so.1' in lib
    assert pathlib.Path(path).with_name('py.typed').exists()
    # the draft encoder, the API-mode module and the views are built where Python's headers are (optional
    # elsewhere); the compiled module finds the pkg-config library without LD_LIBRARY_PATH
    headers = pathlib.Path(sysconfig.get_paths()['include'], 'Python.h').exists()
    assert ext == str(headers)
    assert api == str(headers)
    assert views == str(headers)
    meta = run(python, '-m', 'pip', 'show', 'dhcp6txn', cwd=tmp_path)
    assert 'Version: ' + version in meta


def test_venv_module_decodes_a_capture(installed, tmp_path):
    python, _, _, _ = installed
    out = run(python, '-m', 'dhcp6txn', str(CAPTURE), cwd=tmp_path)
    assert out.startswith('# message 1: ') and 'INFORMATION-REQUEST (11)' in out


def test_wheel(installed, tmp_path):
    python, _, pcdir, src = installed
    env = _clean_env()
    env['PKG_CONFIG_PATH'] = str(pcdir)
    subprocess.run([str(python), '-m', 'pip', 'wheel', '--no-build-isolation', '--no-index',
                    '--no-deps', '--quiet', '-w', str(tmp_path), str(src)],
                   check=True, env=env, cwd=str(tmp_path))
    wheel = next(tmp_path.glob('dhcp6txn-*.whl'))
    names = zipfile.ZipFile(wheel).namelist()
    for f in ('dhcp6txn/_config.py', 'dhcp6txn/py.typed', 'dhcp6txn/__main__.py',
              'dhcp6txn/ipv6/server/handlers/__init__.py'):
        assert f in names


def test_no_library_no_package(tmp_path):
    """Without the C library, the build says what is missing instead of installing something
    that cannot load."""
    env = _clean_env()
    env['PKG_CONFIG_PATH'] = str(tmp_path)
    env['PKG_CONFIG_LIBDIR'] = str(tmp_path)  # hide the system's .pc files too
    src = tmp_path / 'src'
    shutil.copytree(SRC, src, ignore=shutil.ignore_patterns('build', '*.egg-info', '__pycache__'))
    p = subprocess.run([sys.executable, '-m', 'pip', 'wheel', '--no-build-isolation', '--no-index',
                        '--no-deps', '-w', str(tmp_path), str(src)], env=env, cwd=str(tmp_path),
                       capture_output=True, text=True)
    assert p.returncode != 0 and 'pkg-config cannot find libdhcp6txn' in p.stdout + p.stderr
