"""How the binding reaches the library: dhcp6txn._capi (cffi API mode, compiled) when meson or
setup.py built it, ABI mode otherwise or when asked, and never a library other than the one
$DHCP6TXN_LIBRARY names.
SPDX-License-Identifier: BSD-2-Clause"""
import os
import pathlib
import subprocess
import sys

import pytest

import dhcp6txn
from dhcp6txn import _lib
from dhcp6txn.ipv6.messages import Message

W1 = bytes.fromhex((pathlib.Path(__file__).parent / 'data' / 'w1.hex').read_text())


def _probe(env):
    code = ('import dhcp6txn._lib as l; print(l.API_MODE); print(l.LIBRARY_PATH); '
            'from dhcp6txn.ipv6.messages import Message; import sys; '
            'd = bytes.fromhex(sys.argv[1]); print(bytes(Message.parse(d)[1]) == d)')
    out = subprocess.run([sys.executable, '-c', code, W1.hex()], env=env, capture_output=True,
                         text=True, check=True).stdout.split('\n')
    return out[0] == 'True', out[1], out[2] == 'True'


def test_meson_tests_use_the_compiled_module():
    # the suite runs in both modes under meson (DHCP6TXN_ABI_MODE=1 for the second run)
    if os.environ.get('DHCP6TXN_ABI_MODE') == '1':
        assert not _lib.API_MODE
    elif os.environ.get('DHCP6TXN_EXTENSION_DIR'):
        assert _lib.API_MODE
        assert type(_lib.lib).__name__ == 'Lib'  # cffi's compiled module (ABI: FFILibrary)


def test_both_modes_parse_the_same():
    assert bytes(Message.parse(W1)[1]) == W1
    lib = _lib.lib
    assert lib.d6t_version_number() == (
        lib.D6T_VERSION_MAJOR << 16 | lib.D6T_VERSION_MINOR << 8 | lib.D6T_VERSION_PATCH)
    assert os.path.exists(dhcp6txn.LIBRARY_PATH) or dhcp6txn.LIBRARY_PATH == 'libdhcp6txn.so.1'


def test_explicit_library_wins():
    if not os.environ.get('DHCP6TXN_EXTENSION_DIR') or not os.environ.get('DHCP6TXN_LIBRARY'):
        pytest.skip('needs the meson test setup (a built _capi and an explicit library)')
    env = {k: v for k, v in os.environ.items() if k != 'DHCP6TXN_ABI_MODE'}
    api, path, ok = _probe(env)
    assert api and ok
    assert os.path.realpath(path) == os.path.realpath(env['DHCP6TXN_LIBRARY'])
    env['DHCP6TXN_ABI_MODE'] = '1'
    api, path, ok = _probe(env)
    assert not api and ok and path == env['DHCP6TXN_LIBRARY']
    # another copy of the library named explicitly: ABI mode loads that one, not the linked one
    del env['DHCP6TXN_ABI_MODE']
    copy = os.path.join(os.environ.get('TMPDIR', '/tmp'), 'd6t-capi-test-%d.so' % os.getpid())
    with open(env['DHCP6TXN_LIBRARY'], 'rb') as src, open(copy, 'wb') as dst:
        dst.write(src.read())
    try:
        env['DHCP6TXN_LIBRARY'] = copy
        api, path, ok = _probe(env)
        assert not api and ok and path == copy
    finally:
        os.unlink(copy)
