"""The cffi declarations stay in step with include/: every D6T_EXPORT function has a cdef entry
with the same signature, and the loaded library exports it.
SPDX-License-Identifier: BSD-2-Clause"""
import pathlib
import re
import sys

from dhcp6txn import _cdef, lib

ROOT = pathlib.Path(__file__).resolve().parents[2]
INCLUDE = ROOT / 'include' / 'dhcp6txn'


def _norm(decl):
    decl = re.sub(r'\s+', ' ', decl).strip()
    return re.sub(r'\s*([(),*\[\]])\s*', r'\1', decl)


def _name(decl):
    m = re.match(r'[\w\s*]*?(\w+)\((?!\*)', decl)  # a function, not a function-pointer member
    return m.group(1) if m else None


def header_functions():
    out = {}
    for h in sorted(INCLUDE.glob('*.h')):
        text = re.sub(r'/\*.*?\*/', ' ', h.read_text(), flags=re.S)
        text = re.sub(r'^\s*#.*$', '', text, flags=re.M)
        for m in re.finditer(r'\bD6T_EXPORT\b([^;]*);', text):
            decl = _norm(m.group(1))
            out[_name(decl)] = decl
    return out


def cdef_functions():
    text = re.sub(r'/\*.*?\*/', ' ', _cdef.CDEF, flags=re.S)
    out = {}
    for stmt in text.split(';'):
        stmt = _norm(re.sub(r'^\s*#.*$', '', stmt, flags=re.M))
        if '(' not in stmt or stmt.startswith('typedef') or '{' in stmt or '}' in stmt:
            continue
        if _name(stmt):
            out[_name(stmt)] = stmt
    return out


def test_headers_found():
    assert len(header_functions()) > 150


def test_every_public_function_is_declared_alike():
    headers, cdefs = header_functions(), cdef_functions()
    missing = sorted(set(headers) - set(cdefs))
    assert not missing, 'no cdef entry (rerun python/tools/gen_cdef.py): %s' % missing
    differ = {n: (headers[n], cdefs[n]) for n in headers if headers[n] != cdefs[n]}
    assert not differ, 'signatures differ: %s' % differ
    extra = sorted(set(cdefs) - set(headers))
    assert not extra, 'cdef declares functions that are not public: %s' % extra


def test_library_exports_every_declared_function():
    for name in header_functions():
        assert callable(getattr(lib, name)), name


def test_generator_output_is_committed():
    sys.path.insert(0, str(ROOT / 'python' / 'tools'))
    try:
        import gen_cdef
    finally:
        sys.path.pop(0)
    assert gen_cdef.generate(str(ROOT / 'include')) == _cdef.CDEF.lstrip('\n')


def test_checker_notices_a_changed_signature(monkeypatch):
    # the comparison itself must be able to fail
    changed = _cdef.CDEF.replace('size_t d6t_msg_wire_size(const d6t_msg *m);',
                                 'size_t d6t_msg_wire_size(d6t_msg *m);')
    assert changed != _cdef.CDEF
    monkeypatch.setattr(_cdef, 'CDEF', changed)
    headers, cdefs = header_functions(), cdef_functions()
    assert headers['d6t_msg_wire_size'] != cdefs['d6t_msg_wire_size']
