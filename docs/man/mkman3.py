#!/usr/bin/python3
"""Generate the section-3 reference pages from the public headers.

The headers are the one source: every exported declaration carries its documentation in the
comment directly above it (or on its own line after it), and each header's top comment describes
its concept. This script reads include/dhcp6txn.h and every include/dhcp6txn/*.h and writes
  man3/libdhcp6txn.3         the overview (dhcp6txn.3 redirects to it)
  man3/dhcp6txn_<hdr>.3      one page per header: its concept, every declaration, its constants
  man3/<symbol>.3            one page per documented group of declarations (a comment and the
                             declarations that follow it without a blank line), named after its
                             first function or type; every other symbol of the group gets a
                             one-line .so page pointing there
So nothing lists functions or headers by hand: a renamed function renames its page.

Usage: mkman3.py INCLUDE_DIR OUTDIR [--version V] [--depfile FILE] [--see-also NAME(S)]...
       mkman3.py INCLUDE_DIR --undocumented     (list exported functions without a comment)
Standard library only. SPDX-License-Identifier: BSD-2-Clause
"""
import argparse
import datetime
import glob
import os
import re
import shutil
import sys

# ---------------------------------------------------------------- reading the headers


class Decl:
    """One declaration: kind is func, var, type (typedef of an opaque struct or of a function
    pointer), enum, struct or macro."""

    def __init__(self, kind, name, code, trailing=None, members=None, tag=None):
        self.kind, self.name, self.code = kind, name, code
        self.trailing = trailing  # comment after it on its last line, or None
        self.members = members or []  # (name, value or None, comment or None)
        self.tag = tag  # enum/struct tag: 'enum d6t_x' for 'enum d6t_x { ... };'
        self.params = ''  # a function-like macro's parameter list


class Group:
    """A comment and the declarations that follow it without a blank line."""

    def __init__(self, header, comment, is_section, section):
        self.header, self.comment = header, comment
        self.is_section, self.section = is_section, section
        self.decls = []

    def symbols(self):
        """Names with a page or a redirect: functions, variables and types (not macros)."""
        return [d.name for d in self.decls if d.kind != 'macro']

    def documented(self, d):
        return bool(self.comment or d.trailing)


class Header:
    def __init__(self, path):
        self.path = path
        self.file = os.path.basename(path)
        self.stem = os.path.splitext(self.file)[0]
        self.page = 'dhcp6txn_' + self.stem
        self.title, self.intro = '', []
        self.groups = []
        self.in_umbrella = True


def _uncomment(body):
    """Lines of a /* */ comment without the delimiters and the leading ' * ', indentation kept."""
    body = body[2:-2] if body.endswith('*/') else body[2:]
    lines = body.split('\n')
    out = []
    for i, line in enumerate(lines):
        if i > 0:
            m = re.match(r'^\s*\* ?', line)
            line = line[m.end():] if m else line.strip()
        out.append(line.rstrip())
    while out and not out[0].strip():
        out.pop(0)
    while out and not out[-1].strip():
        out.pop()
    if out:
        out[0] = out[0].lstrip()
    return out


def _lex(text):
    """Split C text into ('code', text, line) and ('comment', lines, first line, last line)."""
    out, i, line, n = [], 0, 1, len(text)
    buf, buf_line = [], 1
    while i < n:
        if text.startswith('/*', i):
            j = text.find('*/', i + 2)
            j = n if j < 0 else j + 2
            if buf:
                out.append(('code', ''.join(buf), buf_line))
                buf = []
            body = text[i:j]
            out.append(('comment', _uncomment(body), line, line + body.count('\n')))
            line += body.count('\n')
            i = j
            buf_line = line
            continue
        if text.startswith('//', i):
            j = text.find('\n', i)
            j = n if j < 0 else j
            if buf:
                out.append(('code', ''.join(buf), buf_line))
                buf = []
            out.append(('comment', [text[i + 2:j].strip()], line, line))
            i = j
            buf_line = line
            continue
        if not buf:
            buf_line = line
        if text[i] == '\n':
            line += 1
        buf.append(text[i])
        i += 1
    if buf:
        out.append(('code', ''.join(buf), buf_line))
    return out


def _code_only(text):
    return ' '.join(''.join(p[1] for p in _lex(text) if p[0] == 'code').split())


def _members(body, sep):
    """Members of an enum (sep ',') or struct (sep ';') body with their comments: a comment on
    the line where a member ends belongs to it, a comment on lines of its own to the next."""
    members, cur, cur_end, depth = [], '', None, 0
    pending, own, last = None, None, None

    def join(a, b):
        return b if a is None else a + ' ' + b

    def finish():
        nonlocal cur, pending, own, last
        code = ' '.join(cur.split())
        if code:
            comment = join(pending, own) if own is not None else pending
            last = {'code': code, 'end': cur_end, 'comment': comment, 'trail': own is not None}
            members.append(last)
            pending = None
        cur, own = '', None

    for piece in _lex(body):
        if piece[0] == 'comment':
            text = ' '.join(l.strip() for l in piece[1]).strip()
            first = piece[2]
            if cur.strip() and first == cur_end:
                own = join(own, text)
            elif (not cur.strip() and last is not None and first == last['end']
                  and not last['trail']):
                last['comment'] = join(last['comment'], text)
                last['trail'] = True
            else:
                pending = join(pending, text)
            continue
        line = piece[2]
        for ch in piece[1]:
            if ch == '\n':
                line += 1
                cur += ch
                continue
            if ch in '({':
                depth += 1
            elif ch in ')}':
                depth -= 1
            if ch == sep and depth == 0:
                finish()
            else:
                cur += ch
                if not ch.isspace():
                    cur_end = line
    finish()
    out = []
    for m in members:
        code = m['code']
        if sep == ',':
            name, _, value = code.partition('=')
            out.append((name.strip(), value.strip() or None, m['comment']))
        else:
            fp = re.search(r'\(\s*\*\s*(\w+)\s*\)', code)
            name = fp.group(1) if fp else re.findall(r'(\w+)\s*(?:\[[^\]]*\])?\s*$', code)[0]
            out.append((name, code + ';', m['comment']))
    return out


def _statement(code, trailing):
    """Classify one C statement (comments inside it kept for enum/struct members)."""
    flat = _code_only(code)
    if flat.startswith('D6T_EXPORT'):
        body = flat[len('D6T_EXPORT'):].strip()
        # the name is the first identifier before a '(' that is not an attribute macro
        # (D6T_DEPRECATED("..."), __attribute__((...)))
        for m in re.finditer(r'\b([A-Za-z_]\w*)\s*\(', body):
            if not (m.group(1).isupper() or m.group(1).startswith('__')):
                return Decl('func', m.group(1), body, trailing)
        m = re.search(r'\b([A-Za-z_]\w*)\s*(\[[^\]]*\])?\s*;$', body)
        return Decl('var', m.group(1), body, trailing) if m else None
    m = re.match(r'^(typedef\s+)?(enum|struct)\s+(\w+)?\s*\{', flat)
    if m:
        kind, tag = m.group(2), m.group(3)
        body = code[code.index('{') + 1:code.rindex('}')]
        after = _code_only(code[code.rindex('}') + 1:]).rstrip(';').strip()
        name = after if m.group(1) and after else tag
        if not name:
            return None
        return Decl(kind, name, flat, trailing, _members(body, ',' if kind == 'enum' else ';'),
                    tag='%s %s' % (kind, tag) if tag else None)
    if flat.startswith('typedef'):
        fp = re.search(r'\(\s*\*\s*(\w+)\s*\)\s*\(', flat)
        if fp:
            return Decl('type', fp.group(1), flat, trailing)
        m = re.search(r'(\w+)\s*;$', flat)
        if m:
            tag = re.match(r'typedef\s+(enum|struct)\s+(\w+)', flat)
            return Decl('type', m.group(1), flat, trailing,
                        tag=('%s %s' % tag.groups()) if tag else None)
    return None


def _items(text):
    """The header as a list of ('comment', lines, first, last), ('decl', Decl, first, last) and
    ('blank',) items, preprocessor conditionals other than the include guard left out."""
    lines = text.split('\n')
    items, i, skip = [], 0, 0
    guard = None
    while i < len(lines):
        s = lines[i].strip()
        if skip:
            if re.match(r'#\s*(if|ifdef|ifndef)\b', s):
                skip += 1
            elif re.match(r'#\s*endif\b', s):
                skip -= 1
            i += 1
            continue
        if not s:
            items.append(('blank',))
            i += 1
            continue
        if s.startswith('#'):
            j = i
            chunk = lines[i]
            # continued with backslashes, or a comment still open at the end of the line
            while j + 1 < len(lines) and (chunk.rstrip().endswith('\\') or
                                          chunk.count('/*') > chunk.count('*/')):
                j += 1
                chunk += '\n' + lines[j]
            m = re.match(r'#\s*(\w+)\s*(\w*)', s)
            word, arg = m.group(1), m.group(2)
            if word == 'ifndef' and guard is None:
                guard = arg
            elif word in ('if', 'ifdef', 'ifndef'):
                skip = 1
            elif word == 'define' and arg != guard:
                pieces = _lex(chunk)
                code = ' '.join(''.join(p[1] for p in pieces if p[0] == 'code')
                                .replace('\\\n', ' ').split())
                comment = ' '.join(l.strip() for p in pieces if p[0] == 'comment' for l in p[1])
                # a function-like macro keeps its parameter list: D6T_X(a) ((a) + 1)
                dm = re.match(r'#\s*define\s+\w+(\([^)]*\))?\s*(.*)$', code)
                value = dm.group(2) if dm else ''
                d = Decl('macro', arg, value, comment or None)
                d.params = dm.group(1) or '' if dm else ''
                items.append(('decl', d, i + 1, j + 1))
            i = j + 1
            continue
        if s.startswith('/*') or s.startswith('//'):
            j, chunk = i, lines[i]
            while s.startswith('/*') and '*/' not in chunk and j + 1 < len(lines):
                j += 1
                chunk += '\n' + lines[j]
            if s.startswith('//'):
                items.append(('comment', [s[2:].strip()], i + 1, i + 1))
            else:
                items.append(('comment', _uncomment(chunk.strip()), i + 1, j + 1))
            i = j + 1
            continue
        # a statement: up to the ';' outside braces, parentheses and comments
        j, chunk = i, lines[i]
        while True:
            code = ''.join(p[1] for p in _lex(chunk) if p[0] == 'code')
            depth, done = 0, False
            for ch in code:
                depth += ch in '({'
                depth -= ch in ')}'
                if ch == ';' and depth == 0:
                    done = True
            if done or j + 1 >= len(lines) or s in ('}', '{') or s.startswith('extern "C"'):
                break
            j += 1
            chunk += '\n' + lines[j]
        # the comment after the ';' (possibly running over further lines) is trailing
        last = chunk.rfind(';')
        rest = chunk[last + 1:] if last >= 0 else ''
        while rest.count('/*') > rest.count('*/') and j + 1 < len(lines):
            j += 1
            rest += '\n' + lines[j]
        trailing = None
        cm = [p for p in _lex(rest) if p[0] == 'comment']
        if cm:
            trailing = ' '.join(l.strip() for p in cm for l in p[1])
        d = _statement(chunk[:last + 1] if last >= 0 else chunk, trailing)
        if d:
            items.append(('decl', d, i + 1, j + 1))
        i = j + 1
    return items


_SECTION = re.compile(r'^-{3,}\s*(.*?)\s*(-{3,})?\s*$')


def parse_header(path):
    """A Header with its top comment split into title and intro, and its groups."""
    with open(path, encoding='utf-8') as f:
        text = f.read()
    h = Header(path)
    items = _items(text)
    if items and items[0][0] == 'comment':
        top = [l for l in items.pop(0)[1] if not l.strip().startswith('SPDX-License-Identifier')]
        first = re.sub(r'^libdhcp6txn\s*-\s*', '', top[0]) if top else ''
        # the title runs to the end of the first sentence; the rest of that line opens the intro
        m = re.match(r'^(.*?[.])\s+(\S.*)$', first)
        h.title, rest = (m.group(1), [m.group(2)]) if m else (first, [])
        h.title = h.title.rstrip('.')
        h.intro = rest + top[1:]
    section, comment, group = None, None, None
    for it in items:
        if it[0] == 'blank':
            comment, group = None, None
        elif it[0] == 'comment':
            lines = it[1]
            m = _SECTION.match(lines[0]) if lines else None
            is_section = bool(m)
            if is_section:
                section = m.group(1).rstrip('.').strip() or section
                lines = lines[1:]
            comment = (lines, is_section, section if is_section else None)
            group = None
        else:
            d = it[1]
            if group is None:
                if comment is not None:
                    lines, is_section, title = comment
                    group = Group(h, lines if lines else ([title] if title else None),
                                  is_section, section)
                else:
                    group = Group(h, None, False, section)
                h.groups.append(group)
                comment = None
            group.decls.append(d)
    return h


def header_paths(include_dir):
    """dhcp6txn/*.h in the order dhcp6txn.h includes them, then any it does not include."""
    order = umbrella_includes(include_dir)
    found = sorted(os.path.basename(p)
                   for p in glob.glob(os.path.join(include_dir, 'dhcp6txn', '*.h')))
    names = [n for n in order if n in found] + [n for n in found if n not in order]
    return [os.path.join(include_dir, 'dhcp6txn', n) for n in names]


def umbrella_includes(include_dir):
    path = os.path.join(include_dir, 'dhcp6txn.h')
    if not os.path.exists(path):
        return []
    with open(path, encoding='utf-8') as f:
        return re.findall(r'#\s*include\s+"dhcp6txn/([\w.-]+\.h)"', f.read())


def read_api(include_dir):
    return [parse_header(p) for p in header_paths(include_dir)]


def undocumented(headers):
    """Exported functions and variables with neither a comment above nor one after them."""
    return [(h.file, d.name) for h in headers for g in h.groups for d in g.decls
            if d.kind in ('func', 'var') and not g.documented(d)]


# ---------------------------------------------------------------- pages


class Page:
    def __init__(self, name):
        self.name = name
        self.groups = []

    def symbols(self):
        out = []
        for g in self.groups:
            out += [s for s in g.symbols() if s not in out]
        return out


def build_pages(headers):
    """Group pages named after their first function (else type), merged when two groups would
    claim the same name (enum d6t_msg_type and function d6t_msg_type share one page)."""
    pages, owner = [], {}
    for h in headers:
        for g in h.groups:
            syms = g.symbols()
            if not syms:
                continue
            funcs = [d.name for d in g.decls if d.kind in ('func', 'var')]
            primary = funcs[0] if funcs else syms[0]
            target = next((owner[s] for s in [primary] + syms if s in owner), None)
            if target is None:
                target = Page(primary)
                pages.append(target)
            target.groups.append(g)
            for s in syms:
                owner.setdefault(s, target)
    return pages, owner


def esc(text):
    """Escape text for roff (no font changes)."""
    return (text.replace('\\', '\\e').replace('-', '\\-').replace("'", "\\(aq")
            .replace('`', '\\(ga').replace('^', '\\(ha').replace('~', '\\(ti'))


def esc_prose(text):
    return text.replace('\\', '\\e').replace('-', '\\-').replace('`', '\\(ga')


def line(text):
    """A text line that roff never takes for a request."""
    return '\\&' + text


class Renderer:
    def __init__(self, headers, version, date, see_also_names):
        self.headers, self.version, self.date = headers, version, date
        self.see_also_names = see_also_names
        self.pages, self.owner = build_pages(headers)
        self.funcs = {d.name for h in headers for g in h.groups for d in g.decls
                      if d.kind in ('func', 'var')}
        self.types = {d.name for h in headers for g in h.groups for d in g.decls
                      if d.kind in ('type', 'enum', 'struct')}

    # -- text

    def prose(self, text, refs=None):
        """Escaped prose with function names in bold and types in italics."""
        out = esc_prose(text)

        def name(m):
            n = m.group(1)
            if n in self.funcs or n in self.types:
                if refs is not None:
                    refs.add(n)
                font = 'B' if n in self.funcs else 'I'
                return '\\f%s%s\\fP' % (font, n)
            return n
        return re.sub(r'\b(d6t_\w+)\b', name, out)

    def paragraphs(self, lines, refs=None):
        """Comment lines to roff: blank lines split paragraphs, "label: ..." lines followed by
        indented lines are hanging items, other indented lines are kept as they are."""
        out, para, kind = [], [], None  # kind: 'p' paragraph, 'item', 'pre'

        def flush():
            nonlocal para, kind
            if not para:
                return
            if out:
                out.append('.PP')
            if kind == 'pre':
                out.extend(['.RS', '.nf'] + [line(esc(l)) for l in para] + ['.fi', '.RE'])
            else:
                out.append(line(self.prose(' '.join(l.strip() for l in para), refs)))
            para, kind = [], None

        for i, l in enumerate(lines):
            indented = len(l) - len(l.lstrip()) >= 2
            nxt = lines[i + 1] if i + 1 < len(lines) else ''
            nxt_indented = len(nxt) - len(nxt.lstrip()) >= 2 and nxt.strip()
            if not l.strip():
                flush()
            elif indented and kind == 'item':
                para.append(l)
            elif indented:
                if kind != 'pre':
                    flush()
                    kind = 'pre'
                para.append(l)
            elif nxt_indented and re.match(r"^'?[\w/' .-]+'?:\s", l):
                flush()
                kind = 'item'
                para.append(l)
            else:
                if kind in ('item', 'pre'):
                    flush()
                kind = 'p'
                para.append(l)
        flush()
        return out

    @staticmethod
    def summary(text):
        """A whatis line: the first sentence, parentheticals dropped, at most about 80 chars."""
        text = ' '.join(text.split())
        prev = None
        while prev != text:
            prev = text
            text = re.sub(r'\s*\([^()]*\)', '', text)
        text = re.sub(r'\b(e\.g|i\.e|etc)\.', lambda m: m.group(0).replace('.', '\0'), text)
        m = re.search(r'[.;](\s|$)', text)
        if m:
            text = text[:m.start()]
        if len(text) > 80:
            cut = max(text.rfind(',', 0, 80), text.rfind(':', 0, 80))
            text = text[:cut] if cut > 30 else text[:text.rfind(' ', 0, 77)] + '...'
        text = text.replace('\0', '.').strip().rstrip(':,')
        if len(text) > 1 and text[0].isupper() and text[1].islower():
            text = text[0].lower() + text[1:]
        return text

    def page_summary(self, page):
        g = page.groups[0]
        if g.comment and not g.is_section:
            return self.summary(' '.join(g.comment))
        firsts = [d for d in g.decls if d.kind != 'macro']
        if len(firsts) == 1 and firsts[0].trailing:
            return self.summary(firsts[0].trailing)
        if g.comment:
            return self.summary(' '.join(g.comment))
        return self.summary(g.header.title)

    # -- code

    @staticmethod
    def wrap_proto(code, width=78):
        """A prototype broken after commas, continuation lines under the opening parenthesis."""
        m = re.match(r'^(.*?\b\w+\s*\()(.*)$', code)
        if len(code) <= width or not m:
            return [code]
        head, rest = m.group(1), m.group(2)
        params, depth, cur = [], 0, ''
        for ch in rest:
            depth += ch == '('
            depth -= ch == ')'
            cur += ch
            if ch == ',' and depth == 0:
                params.append(cur.strip())
                cur = ''
        params.append(cur.strip())
        out, cur = [], head
        for p in params:
            if cur != head and cur.strip() and len(cur) + 1 + len(p) > width:
                out.append(cur.rstrip())
                cur = ' ' * len(head)
            cur += p if cur.endswith('(') or not cur.strip() else ' ' + p
        out.append(cur)
        return out

    def code_lines(self, d, full):
        """roff lines of one declaration, its name in bold."""
        def bold(text):
            e = esc(text)
            return re.sub(r'\b(%s)\b' % re.escape(d.name), r'\\fB\1\\fP', e, count=1)
        if d.kind == 'macro':
            return [line(bold('#define %s%s %s' % (d.name, d.params, d.code)).rstrip())]
        if d.kind in ('func', 'var', 'type'):
            return [line(bold(l)) for l in self.wrap_proto(d.code)]
        head = d.code[:d.code.index('{')].strip()
        tail = d.code[d.code.rindex('}') + 1:].strip()
        if d.kind == 'enum' and not full:
            return [line(bold('%s { ... } %s' % (head, tail)).replace('{ ... } ;', '{ ... };'))]
        out = [line(bold(head + ' {'))]
        for name, value, _ in d.members:
            if d.kind == 'enum':
                out.append(line(esc('    %s%s,' % (name, ' = ' + value if value else ''))))
            else:
                out += [line(esc('    ' + l)) for l in self.wrap_proto(value, 74)]
        out.append(line(bold(('} ' + tail).replace('} ;', '};'))))
        return out

    def synopsis(self, decls, full):
        out = ['.SH SYNOPSIS', '.nf', '.B #include <dhcp6txn.h>']
        prev = None
        for d in decls:
            if prev is None or prev != d.kind or d.kind in ('enum', 'struct') or (
                    d.kind == 'func' and len(self.wrap_proto(d.code)) > 1):
                out.append('.PP')
            out += self.code_lines(d, full)
            prev = d.kind
        out.append('.fi')
        return out

    def members(self, d, refs):
        """Enum values (all of them) and struct members (when commented) with their comments."""
        commented = [m for m in d.members if m[2]]
        label = 'values' if d.kind == 'enum' else 'members'
        intro = ['.PP', line('The %s of \\fI%s\\fP:' % (label, esc(d.name)))]
        if not commented and d.kind == 'struct':
            return []
        if 2 * len(commented) < len(d.members):
            # mostly bare values: one aligned line each, the few comments after them
            tags = ['%s%s' % (n, ' = ' + v if v else '') for n, v, _ in d.members]
            width = max(len(t) for t in tags)
            rows = [line(esc(t.ljust(width) + ('  ' + c if c else '')).rstrip())
                    for t, (_, _, c) in zip(tags, d.members)]
            return intro + ['.RS', '.nf'] + rows + ['.fi', '.RE']
        out = intro
        for name, value, comment in d.members:
            tag = '\\fB%s\\fP' % esc(name)
            if d.kind == 'enum' and value:
                tag += ' = ' + esc(value)
            out += ['.TP', line(tag), line(self.prose(comment, refs) if comment else '')]
        return out

    def group_text(self, g, refs, with_intro_fallback):
        out = []
        if g.comment and g.is_section and len(g.comment) == 1:
            text = g.comment[0].strip()
            text = text[:1].upper() + text[1:] + ('' if text[-1:] in '.:!?' else '.')
            out.append(line(self.prose(text, refs)))
            if g.header.intro:  # a section title alone says little: add the header's concept
                out += ['.PP'] + self.paragraphs(g.header.intro, refs)
        elif g.comment:
            out += self.paragraphs(g.comment, refs)
        elif with_intro_fallback and g.header.intro:
            out += self.paragraphs(g.header.intro, refs)
        elif with_intro_fallback:
            title = g.header.title
            out.append(line(self.prose(title[:1].upper() + title[1:] + '.', refs)))
        notes = [d for d in g.decls if d.trailing]
        if notes:
            for d in notes:
                tag = '\\fB%s\\fP' % esc(d.name) + ('()' if d.kind == 'func' else '')
                out += ['.TP', line(tag), line(self.prose(d.trailing, refs))]
        for d in g.decls:
            if d.kind in ('enum', 'struct') and d.members:
                out += self.members(d, refs)
        return out

    def header(self, name, section_title):
        return ['.\\" Generated by docs/man/mkman3.py from the public headers: do not edit.',
                '.TH %s 3 "%s" "libdhcp6txn %s" "%s"' % (
                    name.upper().replace('-', '\\-'), self.date, self.version, section_title),
                '.nh', '.ad l']

    def see_also(self, names):
        names = [n for n in names if n]
        seen = []
        for n in names:
            if n not in seen:
                seen.append(n)
        items = ['\\fB%s\\fP(%s)' % (esc(n.rsplit('(', 1)[0]),
                                       n.rsplit('(', 1)[1].rstrip(')') if '(' in n else '3')
                 for n in seen]
        return ['.SH SEE ALSO', line(',\n'.join(items))] if items else []

    def render_group_page(self, page):
        refs = set()
        decls = [d for g in page.groups for d in g.decls]
        names = page.symbols()
        out = self.header(page.name, 'libdhcp6txn Manual')
        out += ['.SH NAME', line('%s \\- %s' % (esc(', '.join(names)),
                                                esc_prose(self.page_summary(page))))]
        out += self.synopsis(decls, full=False)
        out.append('.SH DESCRIPTION')
        if len(page.groups) == 1:
            out += self.group_text(page.groups[0], refs, True)
        else:
            for g in page.groups:
                out += ['.SS ' + esc(', '.join(g.symbols()))]
                out += self.group_text(g, refs, True)
        macros = [d for d in decls if d.kind == 'macro']
        if macros:
            out += ['.SH CONSTANTS']
            for d in macros:
                out += ['.TP', line('\\fB%s\\fP%s %s' % (esc(d.name), esc(d.params), esc(d.code))),
                        line(self.prose(d.trailing, refs) if d.trailing else '')]
        h = page.groups[0].header
        # the neighbouring pages of the same header: context a short comment may rely on
        siblings = [p for p in self.pages if p.groups[0].header is h]
        k = siblings.index(page)
        near = [p.name for p in siblings[max(0, k - 1):k + 2] if p is not page]
        linked = sorted(r for r in refs if r in self.owner and self.owner[r] is not page)
        out += self.see_also([h.page] + linked + [n for n in near if n not in linked] +
                             ['libdhcp6txn'])
        return out

    def render_header_page(self, h):
        refs = set()
        out = self.header(h.page, 'libdhcp6txn Manual')
        out += ['.SH NAME', line('%s \\- %s' % (esc(h.page),
                                                esc_prose(self.summary(h.title) or h.file)))]
        out += ['.SH SYNOPSIS', '.nf', '.B #include <dhcp6txn.h>']
        for g in h.groups:
            code = [c for d in g.decls if d.kind != 'macro' for c in self.code_lines(d, False)]
            if code:
                out += ['.PP'] + code
        out.append('.fi')
        out.append('.SH DESCRIPTION')
        out += (self.paragraphs(h.intro, refs) if h.intro
                else [line(self.prose(h.title, refs) + '.')])
        out += ['.PP', line('These declarations come from \\fI<dhcp6txn/%s>\\fP%s.' % (
            esc(h.file), ', included by \\fI<dhcp6txn.h>\\fP' if h.in_umbrella else ''))]
        section = None
        listed = set()
        for g in h.groups:
            p = self.owner.get(g.symbols()[0]) if g.symbols() else None
            if p is None or p.name in listed:
                continue
            if g.section != section and g.section:
                section = g.section
                out += ['.SS ' + esc_prose(section[0].upper() + section[1:])]
            listed.add(p.name)
            out += ['.TP', line('\\fB%s\\fP(3)' % esc(p.name)), line(self.entry(p))]
        macro_groups = [g for g in h.groups if any(d.kind == 'macro' for d in g.decls)]
        if macro_groups:
            out += ['.SH CONSTANTS']
            for g in macro_groups:
                macros = [d for d in g.decls if d.kind == 'macro']
                # a comment over one lone constant is that constant's description
                lone = bool(g.comment) and not g.symbols() and len(macros) == 1 and \
                    not macros[0].trailing
                if g.comment and not g.symbols() and not lone:
                    out += ([] if out[-1].startswith('.SH') else ['.PP']) + \
                        self.paragraphs(g.comment, refs)
                for d in macros:
                    if lone:
                        body = self.prose(' '.join(l.strip() for l in g.comment), refs)
                    elif d.trailing:
                        body = self.prose(d.trailing, refs)
                    elif g.symbols():
                        body = 'See \\fB%s\\fP(3).' % esc(self.owner[g.symbols()[0]].name)
                    else:
                        body = ''
                    tag = '\\fB%s\\fP%s %s' % (esc(d.name), esc(d.params), esc(d.code))
                    out += ['.TP', line(tag), line(body)]
        others = [x.page for x in self.headers if x is not h]
        out += self.see_also(['libdhcp6txn'] + others)
        return out

    def render_overview(self, umbrella_comment):
        out = self.header('libdhcp6txn', 'libdhcp6txn Manual')
        title = 'DHCPv6 message codec and transaction library'
        out += ['.SH NAME', line('libdhcp6txn, dhcp6txn \\- ' + esc_prose(title))]
        out += ['.SH SYNOPSIS', '.nf', '.B #include <dhcp6txn.h>', '.PP',
                line(esc('cc prog.c $(pkg-config --cflags --libs dhcp6txn)')), '.fi']
        out += ['.SH DESCRIPTION']
        if umbrella_comment:
            out += self.paragraphs(umbrella_comment)
        out += ['.PP', line(
            'Every public name starts with \\fBd6t_\\fP or \\fBD6T_\\fP. The library keeps no '
            'global state; every object lives in an arena, and each page says who owns the '
            'pointers a function takes and returns and how long they stay valid.'),
            '.PP', line('The pages below are generated from the comments in the headers; '
                        'every function and type has a page of its own name.')]
        for h in self.headers:
            out += ['.SS ' + esc_prose(h.title[0].upper() + h.title[1:] if h.title else h.file)]
            out += ['.TP', line('\\fB%s\\fP(3)' % esc(h.page)),
                    line('The concept, every declaration of \\fI<dhcp6txn/%s>\\fP and its '
                         'constants.' % esc(h.file))]
            for p in self.pages:
                if p.groups[0].header is h:
                    out += ['.TP', line('\\fB%s\\fP(3)' % esc(p.name)), line(self.entry(p))]
        out += self.see_also([h.page for h in self.headers] + self.see_also_extra())
        return out

    def entry(self, p):
        """One line about a page in a list of pages: its other symbols and its summary."""
        text = self.page_summary(p)
        text = text[:1].upper() + text[1:] + ('' if text.endswith('.') else '.')
        others = [s for s in p.symbols() if s != p.name]
        if others:
            text += ' Also ' + ', '.join(others) + '.'
        return esc_prose(text)

    def see_also_extra(self):
        return list(self.see_also_names)


def write(outdir, name, lines):
    with open(os.path.join(outdir, name + '.3'), 'w', encoding='utf-8') as f:
        f.write('\n'.join(lines) + '\n')


def build_date(paths):
    epoch = os.environ.get('SOURCE_DATE_EPOCH')
    t = int(epoch) if epoch and epoch.isdigit() else int(max(os.path.getmtime(p) for p in paths))
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime('%Y-%m-%d')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('include_dir')
    ap.add_argument('outdir', nargs='?')
    ap.add_argument('--version', default='')
    ap.add_argument('--depfile')
    ap.add_argument('--see-also', action='append', default=[],
                    help='extra SEE ALSO entry of the overview page, e.g. dhcp6txn-decode(1)')
    ap.add_argument('--undocumented', action='store_true',
                    help='list exported functions without a doc comment; exit 1 if any')
    args = ap.parse_args()

    paths = header_paths(args.include_dir)
    if not paths:
        sys.exit('mkman3: no headers in %s/dhcp6txn' % args.include_dir)
    headers = [parse_header(p) for p in paths]
    for h in headers:
        h.in_umbrella = h.file in umbrella_includes(args.include_dir)
    missing = undocumented(headers)
    if args.undocumented:
        for f, n in missing:
            print('%s: %s has no doc comment' % (f, n))
        sys.exit(1 if missing else 0)
    if not args.outdir:
        ap.error('OUTDIR is required')
    for f, n in missing:
        print('mkman3: warning: %s: %s has no doc comment' % (f, n), file=sys.stderr)

    umbrella = os.path.join(args.include_dir, 'dhcp6txn.h')
    umbrella_comment = []
    if os.path.exists(umbrella):
        with open(umbrella, encoding='utf-8') as f:
            items = _items(f.read())
        if items and items[0][0] == 'comment':
            umbrella_comment = [re.sub(r'^libdhcp6txn\s*-\s*', '', l) for l in items[0][1]
                                if not l.strip().startswith('SPDX-License-Identifier')]
            if umbrella_comment:
                umbrella_comment[0] = umbrella_comment[0][:1].upper() + umbrella_comment[0][1:]

    r = Renderer(headers, args.version, build_date(paths + [umbrella]), args.see_also)
    # the pages are rebuilt from nothing so a renamed function leaves no stale page behind
    out = args.outdir
    if os.path.isdir(out):
        shutil.rmtree(out)
    os.makedirs(out)
    names = set()
    for p in r.pages:
        write(out, p.name, r.render_group_page(p))
        names.add(p.name)
    for h in headers:
        if h.page in names:
            sys.exit('mkman3: header page %s clashes with a symbol' % h.page)
        write(out, h.page, r.render_header_page(h))
        names.add(h.page)
    write(out, 'libdhcp6txn', r.render_overview(umbrella_comment))
    names.add('libdhcp6txn')
    redirects = {'dhcp6txn': 'libdhcp6txn'}
    for sym, page in r.owner.items():
        if sym != page.name:
            redirects[sym] = page.name
    for sym, target in sorted(redirects.items()):
        if sym in names:
            continue
        write(out, sym, ['.so man3/%s.3' % target])
    os.utime(out)
    if args.depfile:
        deps = paths + [umbrella, os.path.join(args.include_dir, 'dhcp6txn')]
        with open(args.depfile, 'w', encoding='utf-8') as f:
            f.write('%s: %s\n' % (out.replace(' ', '\\ '),
                                  ' '.join(p.replace(' ', '\\ ') for p in deps)))
    print('mkman3: %d pages, %d redirects, %d headers' % (len(names), len(redirects), len(headers)))


if __name__ == '__main__':
    main()
