"""`meson install` puts the package where /usr/bin/python3 looks under the prefix, and the
installed package finds the installed library without DHCP6TXN_LIBRARY.
SPDX-License-Identifier: BSD-2-Clause"""
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

BUILD = os.environ.get('DHCP6TXN_BUILD_ROOT')
ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.mark.skipif(not BUILD or not shutil.which('meson'), reason='needs the meson build tree')
def test_installed_package_loads_installed_library(tmp_path, w1):
    dest = tmp_path / 'root'
    subprocess.run(['meson', 'install', '-C', BUILD, '--no-rebuild', '--quiet', '--destdir', str(dest)],
                   check=True, stdout=subprocess.DEVNULL)
    configs = list(dest.rglob('dhcp6txn/_config.py'))
    assert len(configs) == 1
    site = configs[0].parent.parent
    installed_lib = next(dest.rglob('libdhcp6txn.so.1'))
    # the recorded path is the real one under the prefix; /usr/bin/python3 searches that site dir
    recorded = configs[0].read_text()
    assert str(installed_lib.relative_to(dest)) in recorded.replace("'/", "'")
    rel_site = '/' + str(site.relative_to(dest))
    probe = subprocess.run([sys.executable, '-c', 'import sys; print(sys.argv[1] in sys.path)', rel_site],
                           capture_output=True, text=True, check=True)
    assert probe.stdout.strip() == 'True', '%s is not on /usr/bin/python3 path' % rel_site
    env = {k: v for k, v in os.environ.items() if k not in ('DHCP6TXN_LIBRARY', 'PYTHONPATH')}
    env['PYTHONPATH'] = str(site)
    env['LD_LIBRARY_PATH'] = str(installed_lib.parent)  # the destdir stands in for the prefix
    code = ('import sys, dhcp6txn; from dhcp6txn.ipv6.messages import Message; '
            'd = bytes.fromhex(sys.argv[1]); assert bytes(Message.parse(d)[1]) == d; '
            'print(dhcp6txn.__file__); print(dhcp6txn.LIBRARY_PATH)')
    out = subprocess.run([sys.executable, '-c', code, w1.hex()], env=env, cwd=str(tmp_path),
                         capture_output=True, text=True, check=True).stdout.split('\n')
    assert out[0].startswith(str(site)) and 'libdhcp6txn.so.1' in out[1]
