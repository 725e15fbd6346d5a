"""Loading libdhcp6txn through cffi (ABI mode) and turning its status codes into exceptions.

Where the library comes from, first match wins:
  1. $DHCP6TXN_LIBRARY (a path; the meson test setup points it at the build tree),
  2. the path recorded at `meson install` time in _config.py,
  3. the dynamic loader's normal search for libdhcp6txn.so.1.
SPDX-License-Identifier: BSD-2-Clause
"""
import ctypes.util
import os

import cffi  # type: ignore[import]  # Debian ships no stubs

from ._cdef import CDEF

ffi = cffi.FFI()
ffi.cdef(CDEF)


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
