#!/usr/bin/python3
"""A program's page and its source cannot drift apart: every option the program's C source
accepts (getopt's option string, getopt_long's table, or strcmp() against "-x" / "--xyz" and
argv[i][1] == 'x' tests) is a tagged paragraph of the page's OPTIONS section, and every option
tagged there is accepted; for a configuration page, every directive the parser compares its
first word with (strcmp(keyword, "name") or a {"name", &field, ...} table) is a tag of a
section whose title holds DIRECTIVES or SUBNETS, and every such tag is accepted.

The page is rendered with man -l (plain text); skips (77) without man(1) unless CI=true.
Usage: check_program_page.py PAGE options|directives SOURCE.c
"""
import os
import re
import shutil
import subprocess
import sys

OPT = r'(?<![\w-])(--?[A-Za-z][\w-]*)'


def strip_comments(src):
    src = re.sub(r'/\*.*?\*/', ' ', src, flags=re.S)
    return re.sub(r'//[^\n]*', ' ', src)


def source_options(src):
    found = set()
    for s in re.findall(r'\bgetopt(?:_long(?:_only)?)?\s*\([^;]*?,\s*"([^"]*)"', src):
        found.update('-' + c for c in s if c.isalnum())
    found.update('--' + n for n in re.findall(
        r'\{\s*"([A-Za-z][\w-]*)"\s*,\s*(?:no|required|optional)_argument', src))
    found.update(re.findall(r'\bstrcmp\s*\(\s*[\w\[\]]+\s*,\s*"(--?[A-Za-z][\w-]*)"\s*\)', src))
    found.update('-' + c for c in re.findall(r'\b\w+\s*\[\s*1\s*\]\s*==\s*\'([A-Za-z0-9])\'', src))
    return found


def source_directives(src):
    # the expressions holding a line's first word: x[0], and variables assigned from one
    keys = {re.escape(v) for v in re.findall(r'\b(\w+)\s*=\s*\w+\s*\[\s*0\s*\]', src)}
    key = r'(?:%s|\w+\s*\[\s*0\s*\])' % '|'.join(sorted(keys) or ['\\w+\\[0\\]'])
    found = set(re.findall(r'\bstrcmp\s*\(\s*%s\s*,\s*"([a-z][\w-]*)"\s*\)' % key, src))
    found.update(re.findall(r'\{\s*"([a-z][\w-]*)"\s*,\s*&', src))
    return found


def render(page):
    env = dict(os.environ, LC_ALL='C', LANG='C', MANWIDTH='200', MANPAGER='cat', PAGER='cat')
    env.pop('MAN_KEEP_FORMATTING', None)
    r = subprocess.run(['man', '-l', page], capture_output=True, text=True, env=env)
    if r.returncode != 0:
        sys.exit('FAIL: man -l %s: %s' % (page, r.stderr))
    return re.sub(r'.\x08', '', r.stdout)


def tags(text, section_re):
    """The tags of the tagged paragraphs (indented 7 columns) in the matching sections."""
    out, on = [], False
    for line in text.splitlines():
        if re.match(r'^\S', line):
            on = bool(re.search(section_re, line))
            continue
        if on and re.match(r'^ {7}\S', line):
            out.append(re.split(r'\s{2,}', line.strip())[0])  # a short tag shares its line
    return out


def main():
    if len(sys.argv) != 4 or sys.argv[2] not in ('options', 'directives'):
        sys.exit(__doc__)
    page, what, source = sys.argv[1:]
    if not shutil.which('man'):
        if os.environ.get('CI') == 'true':
            sys.exit('FAIL: man not found (CI=true: install man-db)')
        print('SKIP: man not found (Debian package man-db)')
        sys.exit(77)
    with open(source, encoding='utf-8') as f:
        src = strip_comments(f.read())
    text = render(page)
    if what == 'options':
        accepted = source_options(src)
        documented = {o for t in tags(text, r'^OPTIONS') for o in re.findall(OPT, t)}
        noun, minimum = 'option', 2
    else:
        accepted = source_directives(src)
        documented = {t.split()[0] for t in tags(text, r'DIRECTIVES|SUBNETS') if t.split()}
        noun, minimum = 'directive', 5
    errors = []
    if len(accepted) < minimum:
        errors.append('found only %d %ss in %s: the extraction no longer fits the code'
                      % (len(accepted), noun, source))
    for o in sorted(accepted - documented):
        errors.append('%s accepts the %s %s, %s does not describe it'
                      % (os.path.basename(source), noun, o, os.path.basename(page)))
    for o in sorted(documented - accepted):
        errors.append('%s describes the %s %s, %s does not accept it'
                      % (os.path.basename(page), noun, o, os.path.basename(source)))
    for e in errors:
        print('FAIL:', e)
    print('%s: %d %ss accepted, %d described: %s' % (
        os.path.basename(page), len(accepted), noun, len(documented),
        'they match' if not errors else '%d problems' % len(errors)))
    sys.exit(1 if errors else 0)


if __name__ == '__main__':
    main()
