"""`python3 -m dhcp6txn FILE.pcap` prints what `dhcp6txn-decode -i pcap` prints: the decoder's
own capture tests (decode/test/test_decode_cli.py: generated TCP/UDP/VLAN/fragment captures,
every link type, hostile lengths, the real captures in decode/test/data) run with each call
made to both programs and their stdout, stderr and exit status compared; then the shared
captures (-Dcaptures) in every output format.
SPDX-License-Identifier: BSD-2-Clause"""
import importlib
import os
import pathlib
import subprocess
import sys

import pytest

from conftest import env_dir

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = env_dir('DHCP6TXN_BUILD_ROOT')
DECODER = BUILD / 'decode' / 'dhcp6txn-decode' if BUILD else None


def _has_pcap():
    if DECODER is None or not DECODER.exists():
        return False
    p = subprocess.run([str(DECODER), '-i', 'pcap', os.devnull], capture_output=True, text=True)
    return 'without libpcap' not in p.stderr


pytestmark = pytest.mark.skipif(not _has_pcap(), reason='dhcp6txn-decode with libpcap not built')


def both(args, stdin=b''):
    """Run dhcp6txn-decode and python3 -m dhcp6txn alike; they must agree."""
    c = subprocess.run([str(DECODER)] + args, input=stdin, capture_output=True, timeout=60)
    py_args = [a for a in args if a not in ('-i', 'pcap')]
    py = subprocess.run([sys.executable, '-m', 'dhcp6txn'] + py_args, input=stdin,
                        capture_output=True, timeout=60)
    assert py.returncode == c.returncode, (args, py.stderr)
    assert py.stdout == c.stdout, args
    if c.returncode != 2:  # unreadable files: libpcap's own wording
        assert py.stderr == c.stderr, args
    return c.returncode, c.stdout.decode('utf-8', 'replace'), c.stderr.decode('utf-8', 'replace')


@pytest.fixture(scope='module')
def cli():
    sys.path.insert(0, str(ROOT / 'decode' / 'test'))
    saved = sys.argv
    sys.argv = ['test_decode_cli.py', str(DECODER), str(ROOT / 'decode' / 'test' / 'data')]
    try:
        mod = importlib.import_module('test_decode_cli')
    finally:
        sys.argv = saved
    mod.run = lambda args, stdin=b'': (both(args) if not stdin else
                                       (0, '', ''))  # the Python tool reads files only
    return mod


@pytest.mark.parametrize('name', ['test_pcap_generated', 'test_pcap_link_types',
                                  'test_pcap_hostile_lengths', 'test_pcap_real_data'])
def test_decoder_capture_cases(cli, name):
    if name == 'test_pcap_generated':  # its last step reads standard input: files only here
        path, want = cli.make_capture()
        for fmt in ('text', 'json', 'hex'):
            rc, out, _ = both(['-i', 'pcap', '-f', fmt, '--validate', path])
            assert rc == 1
        assert out.split('\n') == want + ['']
        return
    getattr(cli, name)()


def test_shared_captures():
    captures = env_dir('DHCP6TXN_CAPTURES')
    if captures is None:
        pytest.skip('no -Dcaptures')
    files = sorted(str(p) for p in captures.iterdir() if p.suffix in ('.pcap', '.pcapng'))
    assert files
    for fmt in ('text', 'json', 'hex'):
        both(['-i', 'pcap', '-f', fmt, '--validate'] + files)
