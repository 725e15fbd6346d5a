"""Ownership of C memory, and the map from C objects to their Python wrappers.

Every message and option lives in a C arena. A Python wrapper holds its arena (an _Arena), so the
memory it points into cannot be freed while the wrapper is reachable. When an arena refers to
objects in another arena (a relay message holding a message built elsewhere, a bundle holding its
response), it holds that arena too. Arenas are freed by their own finaliser only, and a bundle
living in an arena is freed by the same finaliser just before it, so no finaliser ever reads
memory another one has released, whatever order the garbage collector picks.

The registry maps a C pointer to its live wrapper, so the same C option always shows up as the same
Python object for as long as anybody holds it (identity matters: `option in handled_options`,
`response is bundle.response`). It holds wrappers weakly: a wrapper nobody holds is simply made
again when needed, since all state lives in C.
SPDX-License-Identifier: BSD-2-Clause
"""
import importlib
import os
import weakref
from typing import Any, Callable

from ._lib import ffi, lib

try:  # the wrappers' C side (optional: plain Python wrappers without it; DHCP6TXN_NO_VIEWS=1
    # tests that)
    if os.environ.get('DHCP6TXN_NO_VIEWS') == '1':
        raise ImportError('DHCP6TXN_NO_VIEWS')
    _views: Any = importlib.import_module('._views', __package__)
    _probe = ffi.cast('d6t_msg *', 0x5a5a5a50)
    _views.setup(ffi.cast, _probe, int(ffi.cast('uintptr_t', _probe)), ffi.typeof('d6t_arena *'))
    # the key of the maps below and of _found: the address a C pointer (or an _Arena's) holds
    address: Callable[[Any], Any] = _views.address
except ImportError:
    _views = None

    def address(p: Any) -> Any:
        return p  # (a cffi pointer hashes and compares by its address)


class _Arena:
    """An arena owned by Python (with _views: _views.Arena, the same in C)."""
    __slots__ = ('ptr', 'keep', 'bundle', '__weakref__')

    def __init__(self, block_size=0):
        ptr = lib.d6t_arena_new(ffi.NULL, block_size)
        if ptr == ffi.NULL:
            raise MemoryError('d6t_arena_new failed')
        self.ptr = ptr
        self.keep = None
        self.bundle = None

    def hold(self, other):
        """Keep arena 'other' alive as long as this one (this one points into it)."""
        if other is not self and other is not None:
            if self.keep is None:
                self.keep = set()
            self.keep.add(other)

    def __del__(self):
        free_bundle, free_arena = lib.d6t_bundle_free, lib.d6t_arena_free
        if self.bundle is not None:
            free_bundle(self.bundle)
            self.bundle = None
        free_arena(self.ptr)
        self.ptr = None


if _views is not None:  # the same in C, without a Python finaliser
    _Arena = _views.Arena  # type: ignore[misc]  # noqa: F811


class WeakMap:
    """A map from C pointers to Python objects that does not keep them alive: a dict of plain
    weak references, without the per-entry callback (and its Python-level KeyedRef) of
    weakref.WeakValueDictionary, which cost more than the wrapping itself. Entries of dead
    objects are dropped when the dict has doubled since the last sweep. A dead entry never
    hides a live one: while an object lives, the C memory at its key cannot be reused. Keys
    are address(pointer) (ints with _views, which reads and writes the dict itself)."""
    __slots__ = ('_d', '_limit')

    def __init__(self):
        self._d = {}
        self._limit = 1024

    def get(self, key, default=None):
        r = self._d.get(address(key))
        if r is None:
            return default
        obj = r()
        return default if obj is None else obj

    def __setitem__(self, key, obj):
        d = self._d
        d[address(key)] = _ref(obj)
        if len(d) > self._limit:
            self._sweep()

    def _sweep(self):
        # in place: callers may hold the dict (see wrap_msg)
        live = {k: r for k, r in self._d.items() if r() is not None}
        self._d.clear()
        self._d.update(live)
        self._limit = max(1024, 2 * len(live))

    def pop(self, key, default=None):
        r = self._d.pop(address(key), None)
        obj = r() if r is not None else None
        return default if obj is None else obj

    def __len__(self):
        """The number of live entries."""
        return sum(1 for r in self._d.values() if r() is not None)


_ref = weakref.ref
_registry = WeakMap()
lookup = _registry.get
register = _registry.__setitem__


def unregister(ptr):
    _registry.pop(ptr, None)
