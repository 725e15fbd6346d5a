#!/usr/bin/python3
"""The reference pages as a user gets them: install the build's pages into a temporary DESTDIR
(meson install --tags man) and, for every symbol the shared library exports (nm -D) and every
public type of the headers, `man -M DESTDIR/<mandir> -w NAME` must find a page and
`man -M ... NAME` must show the symbol's prototype (for a type: its name in the SYNOPSIS).
Every installed page must pass groff -man -ww without a warning. Also fails for an exported
function whose declaration has no doc comment in its header, and for a built program
(--program) without its page.

Skips (77) when man(1) is missing, unless CI=true.
Usage: check_man.py --build-root DIR --mandir ABS_MANDIR --library LIB.so --include DIR
                    --generator mkman3.py [--program NAME]...
"""
import argparse
import concurrent.futures
import glob
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile


def fail_or_skip(msg):
    if os.environ.get('CI') == 'true':
        sys.exit('FAIL: %s (CI=true: install man-db)' % msg)
    print('SKIP: %s' % msg)
    sys.exit(77)


def exported(lib):
    out = subprocess.run(['nm', '-D', '--defined-only', lib], check=True, capture_output=True,
                         text=True).stdout
    names = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[1] != 'A':  # 'A': the version node DHCP6TXN_0
            names.add(parts[2].split('@')[0])
    return names


def header_texts(include_dir):
    for h in sorted(glob.glob(os.path.join(include_dir, '**', '*.h'), recursive=True)):
        with open(h, encoding='utf-8') as f:
            text = f.read()
        text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
        text = re.sub(r'//[^\n]*', ' ', text)
        text = re.sub(r'#\s*ifdef\s+__cplusplus\b.*?#\s*endif', ' ', text, flags=re.S)
        yield re.sub(r'^\s*#(?:[^\n]*\\\n)*[^\n]*', ' ', text, flags=re.M)


def prototypes(include_dir):
    """name -> declaration without whitespace, from each D6T_EXPORT statement (independent of
    the generator's parser on purpose)."""
    protos = {}
    for text in header_texts(include_dir):
        for decl in re.findall(r'\bD6T_EXPORT\b([^;{]*;)', text):
            m = re.search(r'\b([A-Za-z_]\w*)\s*\(', decl) or \
                re.search(r'\b([A-Za-z_]\w*)\s*(\[[^\]]*\])?\s*;', decl)
            if m:
                protos[m.group(1)] = re.sub(r'\s+', '', decl)
    return protos


def public_types(include_dir):
    names = set()
    for text in header_texts(include_dir):
        names.update(re.findall(r'\b(?:enum|struct|union)\s+(d6t_\w+)\s*\{', text))
        flat = text
        while True:  # drop brace bodies, innermost first, to see each typedef whole
            nxt = re.sub(r'\{[^{}]*\}', ' ', flat)
            if nxt == flat:
                break
            flat = nxt
        for stmt in flat.split(';'):
            stmt = stmt.strip()
            if not stmt.startswith('typedef'):
                continue
            m = re.search(r'\(\s*\*\s*(\w+)\s*\)', stmt) or re.search(r'(\w+)\s*$', stmt)
            if m and m.group(1).startswith('d6t_'):
                names.add(m.group(1))
    return names


def man_env():
    env = dict(os.environ, LC_ALL='C', LANG='C', MANWIDTH='250', MANPAGER='cat', PAGER='cat',
               MAN_DISABLE_SECCOMP='1')  # the sandbox only costs time here
    env.pop('MAN_KEEP_FORMATTING', None)
    env.pop('MANPATH', None)
    return env


def locate(root, name):
    r = subprocess.run(['man', '-M', root, '-w', name], capture_output=True, text=True,
                       env=man_env())
    path = r.stdout.strip().split('\n')[0] if r.returncode == 0 else ''
    return path or None


def resolve(root, path):
    """The page a .so redirect leads to, as man-db follows it (relative to the man root)."""
    for _ in range(8):
        with open(path, encoding='utf-8', errors='replace') as f:
            text = f.read()
        m = re.match(r'^\.so\s+(\S+)\s*$', text)
        if not m:
            return path
        path = os.path.join(root, m.group(1))
        if not os.path.exists(path):
            return None
    return None


def render(root, name):
    page = subprocess.run(['man', '-M', root, name], capture_output=True, text=True, env=man_env())
    if page.returncode != 0 or not page.stdout.strip():
        return None, 'man %s exited %d: %s' % (name, page.returncode, page.stderr.strip())
    return re.sub(r'.\x08', '', page.stdout), None  # overstrike, if any


def synopsis(text):
    m = re.search(r'^SYNOPSIS\n(.*?)(?=^\S)', text, flags=re.S | re.M)
    return m.group(1) if m else ''


def load_generator(path):
    spec = importlib.util.spec_from_file_location('mkman3', path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--build-root', required=True)
    ap.add_argument('--mandir', required=True)
    ap.add_argument('--library', required=True)
    ap.add_argument('--include', required=True)
    ap.add_argument('--generator', required=True)
    ap.add_argument('--program', action='append', default=[])
    args = ap.parse_args()

    if not shutil.which('man'):
        fail_or_skip('man not found (Debian package man-db)')
    for tool in ('nm', 'meson'):
        if not shutil.which(tool):
            sys.exit('FAIL: %s not found' % tool)
    errors = []

    mod = load_generator(args.generator)
    for f, n in mod.undocumented(mod.read_api(args.include)):
        errors.append('%s: exported function %s has no doc comment above its declaration' % (f, n))

    syms = exported(args.library)
    protos = prototypes(args.include)
    types = public_types(args.include)
    if len(syms) < 50 or len(types) < 5:
        errors.append('only %d exported symbols and %d types found: extraction went wrong'
                      % (len(syms), len(types)))

    with tempfile.TemporaryDirectory(prefix='d6t-man-') as dest:
        r = subprocess.run(['meson', 'install', '-C', args.build_root, '--no-rebuild', '--quiet',
                            '--destdir', dest, '--tags', 'man'], capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit('FAIL: meson install --tags man: %s%s' % (r.stdout, r.stderr))
        root = dest + os.path.abspath(args.mandir)
        if not os.path.isdir(os.path.join(root, 'man3')):
            sys.exit('FAIL: no man3 installed under %s' % root)

        items = ([('function', s) for s in sorted(syms)] + [('type', t) for t in sorted(types)] +
                 [('page', p) for p in ['libdhcp6txn', 'dhcp6txn'] + args.program])
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=4)
        # every name through man -w; then each page once through man, by a name that reaches
        # it through a .so redirect when there is one, so man follows the redirects too
        by_page = {}
        for (kind, name), path in zip(items, pool.map(lambda it: locate(root, it[1]), items)):
            target = resolve(root, path) if path else None
            if target is None:
                errors.append('%s %s: no page (man -M %s -w %s finds %s)'
                              % (kind, name, root, name, path or 'nothing'))
                continue
            by_page.setdefault(target, []).append((kind, name, path != target))

        def check(target):
            entries = by_page[target]
            via = next((n for k, n, redirected in entries if redirected), entries[0][1])
            text, err = render(root, via)
            if err:
                return ['%s %s: %s' % (k, n, err) for k, n, _ in entries]
            flat = re.sub(r'\s+', '', text)
            out = []
            for kind, name, _ in entries:
                if kind == 'function':
                    want = protos.get(name)
                    if want is None:
                        out.append('function %s: exported but not declared in the headers' % name)
                    elif want not in flat:
                        out.append('function %s: man %s does not show its prototype %s'
                                   % (name, name, want))
                elif kind == 'type':
                    if not re.search(r'\b%s\b' % re.escape(name), synopsis(text)):
                        out.append('type %s: man %s has no declaration of it in SYNOPSIS'
                                   % (name, name))
                elif name.replace('-', '') not in text.replace('-', ''):
                    out.append('%s %s: man %s does not name it' % (kind, name, name))
            return out

        for res in pool.map(check, sorted(by_page)):
            errors += res

        # and every installed page, redirects included, passes groff's warnings
        def lint(path):
            r = subprocess.run(['groff', '-man', '-ww', '-z', path], cwd=root,
                               capture_output=True, text=True)
            msg = (r.stderr + r.stdout).strip()
            return '%s: groff -man -ww: %s' % (path, msg) if r.returncode or msg else None
        if shutil.which('groff'):
            pages = sorted(glob.glob(os.path.join(root, 'man*', '*')))
            errors += [e for e in pool.map(lint, pages) if e]
        pool.shutdown()
        npages = len(os.listdir(os.path.join(root, 'man3')))

    for e in errors:
        print('FAIL:', e)
    print('%d exported symbols, %d public types, %d program pages, %d files in man3, %d pages '
          'rendered: %s' % (len(syms), len(types), len(args.program), npages, len(by_page),
             '%d problems' % len(errors) if errors else 'every one has its page'))
    sys.exit(1 if errors else 0)


if __name__ == '__main__':
    main()
