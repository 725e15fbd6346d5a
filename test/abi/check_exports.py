#!/usr/bin/python3
"""The shared library exports exactly the functions declared with D6T_EXPORT in include/,
each with the symbol version DHCP6TXN_1 or, for a function a later release added, the version
node lib/libdhcp6txn.map names it in, under the SONAME libdhcp6txn.so.1.

Usage: check_exports.py LIBRARY.so INCLUDE_DIR
"""
import glob
import os
import re
import shutil
import subprocess
import sys

SONAME = 'libdhcp6txn.so.1'
VERSION = 'DHCP6TXN_1'


def declared(include_dir):
    names = set()
    headers = glob.glob(os.path.join(include_dir, '**', '*.h'), recursive=True)
    for h in headers:
        with open(h, encoding='utf-8') as f:
            text = f.read()
        text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
        text = re.sub(r'//[^\n]*', ' ', text)
        text = re.sub(r'#\s*define[^\n]*(\\\n[^\n]*)*', ' ', text)
        for decl in re.findall(r'\bD6T_EXPORT\b([^;{]*)', text):
            m = re.search(r'\b([A-Za-z_]\w*)\s*\(', decl)
            if not m:
                m = re.search(r'\b([A-Za-z_]\w*)\s*(\[[^\]]*\])?\s*$', decl)  # a variable
            if m:
                names.add(m.group(1))
    return names, len(headers)


def later_nodes(include_dir):
    """Function -> version node, for the functions named in the map's nodes after the first."""
    path = os.path.join(os.path.dirname(os.path.abspath(include_dir)), 'lib', 'libdhcp6txn.map')
    with open(path, encoding='utf-8') as f:
        text = re.sub(r'/\*.*?\*/', ' ', f.read(), flags=re.S)
    names = {}
    for node, body in re.findall(r'([A-Za-z_][\w.]*)\s*\{([^}]*)\}', text):
        if node == VERSION:
            continue
        glob_part = body.split('local:')[0].replace('global:', ' ')
        for name in re.findall(r'([A-Za-z_]\w*)\s*;', glob_part):
            names[name] = node
    return names


def run(*cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def exported(lib):
    syms = {}
    for line in run('nm', '-D', '--defined-only', lib).splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        kind, name = parts[1], parts[2]
        base, _, ver = name.partition('@')
        if kind == 'A' and re.fullmatch(r'DHCP6TXN_[\d.]+', base):
            continue  # a version definition itself
        syms[base] = (kind, ver.lstrip('@'))
    return syms


def main():
    lib, include_dir = sys.argv[1], sys.argv[2]
    for tool in ('nm', 'readelf'):
        if not shutil.which(tool):
            sys.exit('%s not found (package binutils)' % tool)
    errors = []
    want, nheaders = declared(include_dir)
    if nheaders < 2 or len(want) < 50:
        errors.append('only %d D6T_EXPORT declarations in %d headers: parsing went wrong' % (len(want), nheaders))
    have = exported(lib)
    nodes = later_nodes(include_dir)
    for name in sorted(set(have) - want):
        errors.append('exported but not declared with D6T_EXPORT: %s' % name)
    for name in sorted(want - set(have)):
        errors.append('declared with D6T_EXPORT but not exported: %s' % name)
    for name, (kind, ver) in sorted(have.items()):
        if ver != nodes.get(name, VERSION):
            errors.append('%s has symbol version %r, expected %s' % (name, ver, nodes.get(name, VERSION)))
        if not name.startswith('d6t_'):
            errors.append('%s lacks the d6t_ prefix' % name)
    dyn = run('readelf', '-d', lib)
    m = re.search(r'\(SONAME\)\s+Library soname: \[([^\]]+)\]', dyn)
    if not m or m.group(1) != SONAME:
        errors.append('SONAME is %s, expected %s' % (m.group(1) if m else 'missing', SONAME))
    vdefs = run('readelf', '-V', lib)
    for node in {VERSION} | set(nodes.values()):
        if not re.search(r'Name: %s\b' % re.escape(node), vdefs):
            errors.append('no version definition %s' % node)
    for e in errors:
        print('FAIL:', e)
    print('%d functions declared, %d exported, SONAME %s' % (len(want), len(have), m.group(1) if m else '-'))
    sys.exit(1 if errors else 0)


if __name__ == '__main__':
    main()
