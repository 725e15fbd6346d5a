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
import weakref

from ._lib import ffi, lib


class _Arena:
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


_registry: 'weakref.WeakValueDictionary[object, object]' = weakref.WeakValueDictionary()


def lookup(ptr):
    return _registry.get(ptr)


def register(ptr, wrapper):
    _registry[ptr] = wrapper


def unregister(ptr):
    _registry.pop(ptr, None)
