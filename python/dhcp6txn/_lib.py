"""Loading libdhcp6txn through cffi and turning its status codes into exceptions.

Two ways in, the same declarations (_cdef.py) and the same behaviour:
  - dhcp6txn._capi, a compiled module (cffi API mode, built by meson or setup.py when Python's
    headers are there) linked against the library: direct C calls, several times cheaper;
  - ABI mode: cffi opens the library at run time and calls through libffi. Used when _capi is
    not built, when $DHCP6TXN_ABI_MODE is 1, or when $DHCP6TXN_LIBRARY names another library
    than the one _capi was linked to (an explicit choice is never silently replaced).
In ABI mode the library is, first match wins:
  1. $DHCP6TXN_LIBRARY (a path; the meson test setup points it at the build tree),
  2. the path recorded at `meson install` time in _config.py,
  3. the dynamic loader's normal search for libdhcp6txn.so.1.
LIBRARY_PATH says which file is in use and API_MODE which way.
SPDX-License-Identifier: BSD-2-Clause
"""
import ctypes.util
import importlib
import os
from typing import Any

import cffi  # type: ignore[import]  # Debian ships no stubs

from ._cdef import CDEF


def _mapped_library():
    """The path of the libdhcp6txn mapped into this process (None if it cannot be told)."""
    try:
        with open('/proc/self/maps') as maps:
            for line in maps:
                path = line.split(None, 5)[-1].strip()
                if '/libdhcp6txn.so' in path:
                    return os.path.realpath(path)
    except OSError:
        pass
    return None


def _compiled():
    """(ffi, lib, path) of dhcp6txn._capi, or None when ABI mode is to be used."""
    if os.environ.get('DHCP6TXN_ABI_MODE') == '1':
        return None
    try:
        _capi: Any = importlib.import_module('._capi', __package__)
    except ImportError:
        return None
    path = _mapped_library()
    env = os.environ.get('DHCP6TXN_LIBRARY')
    if env and path != os.path.realpath(env):
        return None
    return _capi.ffi, _capi.lib, path or 'libdhcp6txn.so.1'


def _candidates():
    env = os.environ.get('DHCP6TXN_LIBRARY')
    if env:
        return [env]  # an explicit choice must not silently fall back to another copy
    out = []
    try:
        from ._config import LIBRARY  # type: ignore[import]  # written at build time
        out.append(LIBRARY)
    except ImportError:
        pass
    out.append('libdhcp6txn.so.1')
    found = ctypes.util.find_library('dhcp6txn')
    if found:
        out.append(found)
    return out


def _load():
    errors = []
    for path in _candidates():
        try:
            return ffi.dlopen(path), path
        except OSError as e:
            errors.append('%s: %s' % (path, e))
    raise ImportError('cannot load libdhcp6txn (set DHCP6TXN_LIBRARY to its path): ' + '; '.join(errors))


_api = _compiled()
API_MODE = _api is not None
if _api is not None:
    ffi, lib, LIBRARY_PATH = _api
else:
    ffi = cffi.FFI()
    ffi.cdef(CDEF)
    lib, LIBRARY_PATH = _load()


class Error(ValueError):
    """A libdhcp6txn call failed (a ValueError: the C library refuses values, not types). `status` is the C status code, `status_name` its stable name
    (e.g. "D6T_ERR_OPT_LENGTH"); parse errors also carry `offset` (byte offset in the input where
    the offending element starts) and `reason` (the library's explanation)."""

    def __init__(self, status, reason=None, offset=None, what=None):
        self.status = status
        self.status_name = ffi.string(lib.d6t_status_name(status)).decode()
        self.reason = reason
        self.offset = offset
        text = ffi.string(lib.d6t_strerror(status)).decode()
        if what:
            text = '%s: %s' % (what, text)
        if offset is not None:
            text += ' at byte %d' % offset
        if reason:
            text += ': ' + reason
        super().__init__(text)


class ParseError(Error):
    """Malformed wire data. A ValueError, as dhcpkit raises for bad input."""


class ValidationError(ValueError):
    """RFC violations found by validate(); `violations` lists (kind, where, what) tuples."""

    def __init__(self, violations):
        self.violations = violations
        super().__init__('; '.join('%s: %s' % (w, t) for _, w, t in violations) or 'invalid')


def check(status, what=None):
    if status == lib.D6T_ERR_OPT_VALUE:
        # a getter refusing an impossible value kept from the wire (prefix length 129): bad input,
        # so a ValueError as dhcpkit raises
        raise ParseError(status, what=what)
    if status != lib.D6T_OK:
        raise Error(status, what=what)


def parse_error(err, base=0):
    reason = ffi.string(err.reason).decode() if err.reason != ffi.NULL else None
    return ParseError(err.status, reason, base + err.offset)
