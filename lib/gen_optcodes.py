#!/usr/bin/python3
"""Write what is derived from lib/optdefs.def: the public option code and field key enums
(include/dhcp6txn/optcodes.h) and the Python binding's class names (python/dhcp6txn/_optdefs.py).

    gen_optcodes.py SOURCE_ROOT            rewrite both files
    gen_optcodes.py --check SOURCE_ROOT    exit 1 (and show the difference) when either file is
                                           not exactly what would be written

Stdlib only. The .def file is C preprocessor input; this reads just its row structure:
KIND(code, space, "NAME", rules, ...) with the fields F(...), FBIN(...), FS(...) and the
PY(...) item of the rules argument.
SPDX-License-Identifier: BSD-2-Clause
"""
import difflib
import os
import re
import sys

SPACES = {'V6': (0, 'D6T_SPACE_DHCPV6'), 'NTP': (1, 'D6T_SPACE_NTP'), 'VND': (2, 'D6T_SPACE_VENDOR')}
# row kind -> number of arguments after the rules argument that are not fields
KINDS = {'LEAF': 0, 'EMPTY': 0, 'CONT': 1, 'CONT0': 1, 'WITHMSG': 1, 'MSG0': 1}
# per space: the prefix of the IANA names, the prefix of the enum names, the enum's name
NAMING = {
    'V6': (('OPTION_', 'OPT_'), 'D6T_OPT_', 'd6t_opt_code',
           'Option codes (IANA "DHCPv6 Option Codes") the library knows. Any other code is an\n'
           ' * unknown option: kept as opaque bytes and written back unchanged.'),
    'NTP': (('NTP_SUBOPTION_',), 'D6T_NTP_', 'd6t_ntp_subopt',
            'NTP server sub-options (RFC 5908), inside OPTION_NTP_SERVER.'),
}


def strip_comments(text):
    return re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)


def split_args(s):
    """Top-level comma-separated arguments of s (parentheses and string literals respected)."""
    out, depth, cur, i = [], 0, '', 0
    while i < len(s):
        c = s[i]
        if c == '"':
            j = s.index('"', i + 1)
            cur += s[i:j + 1]
            i = j + 1
            continue
        if c == '(':
            depth += 1
        elif c == ')':
            depth -= 1
        if c == ',' and depth == 0:
            out.append(cur.strip())
            cur = ''
        else:
            cur += c
        i += 1
    if cur.strip():
        out.append(cur.strip())
    return out


def calls(text):
    """(name, argument text) of each top-level NAME(...) in text."""
    out, i = [], 0
    pat = re.compile(r'([A-Z_][A-Z0-9_]*)\s*\(')
    while True:
        m = pat.search(text, i)
        if not m:
            return out
        depth, j = 1, m.end()
        while depth:
            if text[j] == '"':
                j = text.index('"', j + 1)
            elif text[j] == '(':
                depth += 1
            elif text[j] == ')':
                depth -= 1
            j += 1
        out.append((m.group(1), text[m.end():j - 1]))
        i = j


def parse(path):
    with open(path) as f:
        text = strip_comments(f.read())
    rows = []
    for kind, body in calls(text):
        if kind not in KINDS:
            raise SystemExit('%s: unknown row kind %s' % (path, kind))
        a = split_args(body)
        code, space, name, rules = int(a[0], 0), a[1], a[2].strip('"'), a[3]
        fields = []
        for n, fa in enumerate(a[4 + KINDS[kind]:], 1):
            (fk, fb), = calls(fa)
            fargs = split_args(fb)
            if fk == 'FBIN':
                fields.append((fargs[0], 'BIN', fargs[1].strip('"'), n, 'NONE'))
            elif fk in ('F', 'FS'):
                fields.append((fargs[0], fargs[1], fargs[2].strip('"'), n,
                               fargs[3] if fk == 'FS' else 'NONE'))
            else:
                raise SystemExit('%s: %s: unknown field macro %s' % (path, name, fk))
        py = [args for k, args in calls(rules) if k == 'PY']
        rows.append({'code': code, 'space': space, 'name': name, 'fields': fields,
                     'py': split_args(py[0]) if py else None})
    check(rows, path)
    return rows


def check(rows, path):
    seen, keys = set(), set()
    for r in rows:
        if r['space'] not in NAMING:
            raise SystemExit('%s: %s: no enum naming for space %s' % (path, r['name'], r['space']))
        if (r['space'], r['code']) in seen:
            raise SystemExit('%s: %s: code %d twice' % (path, r['name'], r['code']))
        seen.add((r['space'], r['code']))
        if not r['name'].startswith(NAMING[r['space']][0]):
            raise SystemExit('%s: %s: name does not start with %s' % (path, r['name'],
                                                                        NAMING[r['space']][0]))
        for k, _, _, _, _ in r['fields']:
            if k in keys:
                raise SystemExit('%s: key %s twice' % (path, k))
            keys.add(k)


def code_name(r):
    prefixes, enum_prefix = NAMING[r['space']][:2]
    name = r['name']
    for p in prefixes:
        if name.startswith(p):
            return enum_prefix + name[len(p):]
    return enum_prefix + name


def key_value(r, n):
    return SPACES[r['space']][0] << 24 | r['code'] << 8 | n


HEADER_TOP = '''/* libdhcp6txn - option codes and field keys, generated by lib/gen_optcodes.py from
 * lib/optdefs.def (the option table). Do not edit: change the table and rerun the generator
 * (a test fails when this file differs from what it writes). Included by option.h and fields.h.
 * SPDX-License-Identifier: BSD-2-Clause */
#ifndef DHCP6TXN_OPTCODES_H
#define DHCP6TXN_OPTCODES_H

'''

KEY_DOC = '''/* The key of field n (1, 2, ... in wire order) of option 'code' in option space 'space'
 * (d6t_space): bits 0-7 the field number, bits 8-23 the option code, bits 24-30 the space. */
#define D6T_KEY(space, code, n) ((int)((unsigned)(space) << 24 | (unsigned)(code) << 8 | (n)))

/* Field keys: D6T_<OPTION>_<FIELD>, one per field of each known option, D6T_KEY(space, code, n).
 * Values are stable ABI and grouped per option: a field added to an option takes the next number
 * of that option and renumbers nothing; the same code in two spaces (an NTP sub-option and a
 * DHCPv6 option) gives different keys. The library finds a field from its key without a search.
 * 0 is no key. */
typedef enum d6t_key {
    D6T_KEY_NONE = 0,
'''


def header(rows):
    out = [HEADER_TOP]
    for sp in NAMING:
        _, _, enum, doc = NAMING[sp]
        out.append('/* %s */\nenum %s {\n' % (doc, enum))
        items = [r for r in rows if r['space'] == sp]
        out.append(''.join('    %s = %d%s\n' % (code_name(r), r['code'],
                                                ',' if i + 1 < len(items) else '')
                           for i, r in enumerate(items)))
        out.append('};\n\n')
    out.append(KEY_DOC)
    keys = [(k, key_value(r, n), r, n) for r in rows for k, _, _, n, _ in r['fields']]
    for i, (k, v, r, n) in enumerate(keys):
        out.append('    %s = 0x%08x%s\n' % (k, v, ',' if i + 1 < len(keys) else ''))
    out.append('} d6t_key;\n\n#endif\n')
    return ''.join(out)


def python(rows):
    names = ['    (%d, %d): %r,\n' % (SPACES[r['space']][0], r['code'], r['py'][0])
             for r in rows if r['py']]
    orders = ['    (%d, %d): %r,\n' % (SPACES[r['space']][0], r['code'], tuple(r['py'][1:]))
              for r in rows if r['py'] and len(r['py']) > 1]
    hexkeys = ['    0x%08x,  # %s\n' % (key_value(r, n), k)
               for r in rows for k, _, _, n, show in r['fields'] if show == 'HEX']
    return ('"""The option table\'s facts for the Python binding, generated by lib/gen_optcodes.py\n'
            'from lib/optdefs.def. Do not edit: change the table and rerun the generator.\n'
            'SPDX-License-Identifier: BSD-2-Clause\n"""\n\n'
            '# dhcpkit\'s class names by (space, code); other rows get a name made from the IANA name\n'
            'OPTION_CLASS_NAMES = {\n' + ''.join(names) + '}\n\n'
            '# constructor argument order where dhcpkit\'s differs from the wire order\n'
            'ARG_ORDER = {\n' + ''.join(orders) + '}\n\n'
            '# keys of identifiers (SHOW HEX) that dhcpkit handles as bytes, e.g. the 4-byte IAIDs\n'
            'BYTES_KEYS = frozenset({\n' + ''.join(hexkeys) + '})\n')


def main(argv):
    check_only = '--check' in argv
    args = [a for a in argv if a != '--check']
    if len(args) != 1:
        raise SystemExit(__doc__)
    root = args[0]
    rows = parse(os.path.join(root, 'lib', 'optdefs.def'))
    outputs = {os.path.join(root, 'include', 'dhcp6txn', 'optcodes.h'): header(rows),
               os.path.join(root, 'python', 'dhcp6txn', '_optdefs.py'): python(rows)}
    bad = 0
    for path, text in outputs.items():
        if check_only:
            old = open(path).read() if os.path.exists(path) else ''
            if old != text:
                bad = 1
                sys.stdout.writelines(difflib.unified_diff(
                    old.splitlines(True), text.splitlines(True), path, 'generated'))
        else:
            with open(path, 'w') as f:
                f.write(text)
    if bad:
        print('optdefs.def and the generated files disagree: run lib/gen_optcodes.py %s' % root)
    return bad


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
