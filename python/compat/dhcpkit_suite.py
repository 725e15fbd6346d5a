#!/usr/bin/python3
"""Run dhcpkit's own unit tests against the dhcp6txn binding, in place.

    dhcpkit_suite.py DHCPKIT_ROOT [--doc python/README.md] [-v] [pytest args...]

DHCPKIT_ROOT is a dhcpkit checkout (the folder holding the `dhcpkit` package). Nothing of it is
copied (dhcpkit is GPL): its test modules are imported from where they are, and an import hook
makes every `dhcpkit.X` they import (except `dhcpkit.tests.*`, the tests' own fixtures) resolve
to `dhcp6txn.X`. Error texts are the library's, so `assertRaisesRegex(E, regex, ...)` checks the
exception type only.

The tests dhcpkit gets wrong by the RFCs are listed, with the reason, in the table under
"## dhcpkit tests that break an RFC" in python/README.md; the runner reads that table. A listed
test that fails counts as a deviation; one that passes is reported (the list is stale); any
other failure fails the run. Prints: passed, failed, deviations.
SPDX-License-Identifier: BSD-2-Clause
"""
import argparse
import importlib
import importlib.abc
import importlib.machinery
import os
import pathlib
import re
import sys
import types
import unittest

# What is in scope (dhcpkit's README-libdhcp6txn.md): dhcpkit's server framework and its SQLite
# lease store are not part of the binding.
OUT_OF_SCOPE = ('server/test_message_handler.py', 'server/extensions')


class _AliasLoader(importlib.abc.Loader):
    """Loads `dhcpkit.X` as the already existing module `dhcp6txn.X` (the same object, so
    mock.patch('dhcpkit.X.name') patches what the binding uses)."""

    def __init__(self, target):
        self.target = target

    def create_module(self, spec):
        return types.ModuleType(spec.name)

    def exec_module(self, module):
        # the import system takes whatever sits in sys.modules after exec_module
        sys.modules[module.__name__] = importlib.import_module(self.target)


class _DhcpkitAliases(importlib.abc.MetaPathFinder):
    def __init__(self, root):
        self.tests = str(pathlib.Path(root) / 'dhcpkit')

    def find_spec(self, name, path=None, target=None):
        if name == 'dhcpkit':
            # a bare package whose only folder is dhcpkit's, for `dhcpkit.tests`; dhcpkit's own
            # __init__ is not run
            spec = importlib.machinery.ModuleSpec(name, None, is_package=True)
            spec.submodule_search_locations = [self.tests]
            return spec
        if not name.startswith('dhcpkit.') or name == 'dhcpkit.tests' or \
                name.startswith('dhcpkit.tests.'):
            return None
        target = 'dhcp6txn.' + name[len('dhcpkit.'):]
        if importlib.util.find_spec(target) is None:
            # never fall back to dhcpkit's own module of that name
            raise ModuleNotFoundError('dhcp6txn has no %s (for %s)' % (target, name), name=name)
        is_pkg = hasattr(importlib.import_module(target), '__path__')
        return importlib.machinery.ModuleSpec(name, _AliasLoader(target), is_package=is_pkg)


class _BareModule(importlib.abc.Loader):
    def create_module(self, spec):
        return None

    def exec_module(self, module):
        pass


def install_aliases(root):
    finder = _DhcpkitAliases(root)
    sys.meta_path.insert(0, finder)
    spec = finder.find_spec('dhcpkit')
    spec.loader = _BareModule()
    pkg = importlib.util.module_from_spec(spec)
    sys.modules['dhcpkit'] = pkg


def compare_exception_types_only():
    def assert_raises_regex(self, expected, regex, *args, **kwargs):
        return self.assertRaises(expected, *args, **kwargs)
    unittest.TestCase.assertRaisesRegex = assert_raises_regex


_ROW = re.compile(r'^\|\s*`([^`]+::[^`]+)`\s*\|')


_MODULE_ROW = re.compile(r'^\|\s*`([^`:]+\.py)`\s*\|')


def read_table(doc, heading):
    """Test ids (path under tests/ipv6 :: class :: test, or a module path) listed in the table
    under 'heading' in the doc."""
    out, inside = set(), False
    for line in pathlib.Path(doc).read_text().splitlines():
        if line.startswith('#'):
            inside = line.lstrip('#').strip().startswith(heading)
            continue
        m = (_ROW.match(line) or _MODULE_ROW.match(line)) if inside else None
        if m:
            out.add(m.group(1))
    return out


class _Tally:
    """pytest plugin: outcome per test, as ids relative to tests/ipv6."""

    def __init__(self, deviations):
        self.deviations = deviations
        self.passed, self.failed, self.deviated, self.stale = [], [], [], []
        self.import_errors = []

    @staticmethod
    def _short(nodeid):
        marker = 'dhcpkit/tests/ipv6/'
        i = nodeid.find(marker)
        return nodeid[i + len(marker):] if i >= 0 else nodeid

    def pytest_collectreport(self, report):
        if report.failed:
            self.import_errors.append(self._short(report.nodeid))

    def pytest_runtest_logreport(self, report):
        if report.when != 'call' and not report.failed:
            return
        if report.when != 'call' and report.passed:
            return
        name = self._short(report.nodeid)
        listed = name in self.deviations
        if report.passed:
            (self.stale if listed else self.passed).append(name)
        elif report.failed:
            (self.deviated if listed else self.failed).append(name)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('root', help='dhcpkit checkout (holds the dhcpkit package)')
    ap.add_argument('--doc', default=str(pathlib.Path(__file__).parent.parent / 'README.md'))
    ap.add_argument('-v', '--verbose', action='store_true')
    args, pytest_args = ap.parse_known_args(argv)
    import pytest

    root = pathlib.Path(args.root).resolve()
    base = root / 'dhcpkit' / 'tests' / 'ipv6'
    if not base.is_dir():
        print('no dhcpkit tests at %s' % base, file=sys.stderr)
        return 77
    sys.dont_write_bytecode = True  # the checkout is read-only
    install_aliases(root)
    compare_exception_types_only()
    deviations = read_table(args.doc, 'dhcpkit tests that break an RFC')
    gaps = read_table(args.doc, 'dhcpkit tests not passed yet')
    tally = _Tally(deviations | gaps)
    cmd = ['-q' if not args.verbose else '-v', '-p', 'no:cacheprovider', '--rootdir', str(root),
           '-c', os.devnull, '-o', 'console_output_style=classic', '-rN', '--tb=short',
           '--continue-on-collection-errors']
    cmd += ['--ignore=%s' % (base / p) for p in OUT_OF_SCOPE]
    pytest.main(cmd + pytest_args + [str(base)], plugins=[tally])

    rfc = [n for n in tally.deviated if n in deviations]
    known = [n for n in tally.deviated if n not in deviations]
    unlisted_imports = [n for n in tally.import_errors if n not in gaps]
    for name in sorted(tally.failed):
        print('FAILED', name)
    for name in sorted(unlisted_imports):
        print('NOT IMPORTED', name)
    for name in sorted(tally.stale):
        print('LISTED BUT PASSES (update %s)' % args.doc, name)
    missing = (deviations | gaps) - set(tally.deviated) - set(tally.stale) - set(tally.import_errors)
    for name in sorted(missing):
        print('LISTED BUT NOT RUN', name)
    print('dhcpkit suite: %d passed, %d failed (%d of them listed as not passed yet), '
          '%d deviations (RFC), %d modules not imported (listed)'
          % (len(tally.passed), len(tally.failed) + len(known), len(known), len(rfc),
             len(tally.import_errors)))
    bad = tally.failed or unlisted_imports or tally.stale or missing
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
