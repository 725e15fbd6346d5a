"""Messages and options with dhcpkit's class and attribute names, as views of the C tree.

A wrapper holds a pointer to a C message or option and the _Arena that owns it; every attribute
reads or writes the C object, so `bytes(msg)` is always the library's own encoder at work.

Building works as in dhcpkit. A constructor (`IANAOption(iaid, t1, t2, options=[...])`) makes a
free-standing element in a small arena of its own. Putting it into a message or option
(`options.append`, the `options=` argument, `msg.options = [...]`) copies it into the
destination's arena and moves the Python object (and any of its sub-options you still hold) onto
the copy, so you can keep changing it afterwards. An element that already belongs to a message is
copied, not moved: appending the request's ClientIdOption to a response leaves the request alone.
A relayed message is referenced, not copied, exactly like dhcpkit's Python references.
SPDX-License-Identifier: BSD-2-Clause
"""
import re
import struct
import threading
from typing import Any, Dict, List, Optional, Tuple, Type, cast
from collections.abc import MutableSequence
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

from . import _core
from ._core import _Arena
from ._fields import DEFERRED, Field, c_wire_spec, defer, encode_dname, pending, settle
from ._lib import Error, ParseError, ValidationError, check, ffi, lib, parse_error
from ._optdefs import ARG_ORDER, OPTION_CLASS_NAMES
from .protocol_element import ElementDataRepresentation, ProtocolElement
from .duids import LinkLayerTimeDUID

SPACE_DHCPV6, SPACE_NTP, SPACE_VENDOR = 0, 1, 2

_arenas: Any = _core.WeakMap()  # d6t_arena* -> _Arena


def _new_arena(block_size=0):
    a = _Arena(block_size)
    # _arenas[a.ptr] = a, without the method call (_views reads a C _Arena's address itself)
    _arena_refs[_addr(a) if _views is not None else a.ptr] = _ref(a)
    if len(_arena_refs) > _arenas._limit:
        _arenas._sweep()
    return a


try:  # the draft encoder in C (optional: _draft_payload below is the same in Python)
    from . import _speedups
except ImportError:
    _speedups = None
from ._core import _views  # the wrappers' C side, or None (plain Python wrappers)

_local = threading.local()
_NURSERY_BYTES = 32768


def _nursery():
    """The arena new free-standing options are built in: one per thread, replaced when it has
    grown past _NURSERY_BYTES (the old one is freed when its last option is gone). Options are
    normally copied out of it at once, into the message they are put in."""
    a = getattr(_local, 'nursery', None)
    if a is None or lib.d6t_arena_used(a.ptr) > _NURSERY_BYTES:
        a = _local.nursery = _new_arena(0)
    return a


def arena_of_msg(ptr, fallback=None):
    return _arenas.get(lib.d6t_msg_arena(ptr), fallback)


# ---------------------------------------------------------------- wrapping C objects

def wrap_opt(ptr, arena):
    """A new wrapper for option 'ptr'. Options are unique through their parent's cache of
    wrappers (_kids), not through the registry: only use this to fill that cache."""
    cls = _OPTION_BY_DEF.get(lib.d6t_optdef_of(ptr))
    if cls is None:
        cls = UnknownNTPSubOption if lib.d6t_opt_space(ptr) == SPACE_NTP else UnknownOption
    w = cls.__new__(cls)
    w._ptr, w._arena, w._detached, w._kids = ptr, arena, False, None
    return w


_msg_refs = _core._registry._d  # (the registry's dict, read here without a call)
_arena_refs = _arenas._d
_ref = _core.weakref.ref


def wrap_msg(ptr, fallback_arena=None):
    if ptr == ffi.NULL:
        return None
    r = _msg_refs.get(_addr(ptr))
    if r is not None:
        w = r()
        if w is not None:
            return w
    r = _arena_refs.get(_addr(lib.d6t_msg_arena(ptr)))
    arena = r() if r is not None else None
    return new_msg_wrapper(ptr, arena if arena is not None else fallback_arena)


def new_msg_wrapper(ptr, arena):
    """The wrapper of C message 'ptr' of 'arena', which has none yet (made by C just now)."""
    cls = MESSAGE_CLASSES.get(lib.d6t_msg_type(ptr), UnknownMessage)
    w = cls.__new__(cls)
    w._ptr, w._arena, w._detached, w._kids = ptr, arena, False, None
    _msg_refs[_addr(ptr)] = _ref(w)  # _core.register(ptr, w), without the method call
    if len(_msg_refs) > _core._registry._limit:
        _core._registry._sweep()
    return w


def nested(holder, ptr):
    """The wrapper of message 'ptr' inside 'holder', kept by the holder so that it (and the
    option wrappers it handed out) stays the same object."""
    if ptr == ffi.NULL:
        return None
    cached = holder.__dict__.get('_nested')
    if cached is not None and cached._ptr == ptr:
        return cached
    w = wrap_msg(ptr, holder._arena)
    holder.__dict__['_nested'] = w
    return w


def _found_or_new(found, ptr, arena):
    """The wrapper of sub-option 'ptr' handed out before (in 'found'), or a new one kept there."""
    key = _addr(ptr)
    w = found.get(key)
    if w is None:
        w = found[key] = wrap_opt(ptr, arena)
    return w


def _children(node):
    """C pointers of the direct sub-options of a message or option wrapper."""
    ptrs = []
    o = node._first()
    while o != ffi.NULL:
        ptrs.append(o)
        o = lib.d6t_opt_next(o)
    return ptrs


def _share_messages(old, new, dest, src):
    """After copying option 'old' to 'new': relayed messages stay shared, as Python references
    are in dhcpkit (re-point the copy at the original message and keep its arena alive)."""
    inner = lib.d6t_opt_msg(old)
    if inner != ffi.NULL:
        check(lib.d6t_opt_set_msg(new, inner))
        dest.hold(arena_of_msg(inner, src))
    oc, nc = lib.d6t_opt_first_child(old), lib.d6t_opt_first_child(new)
    while oc != ffi.NULL and nc != ffi.NULL:
        _share_messages(oc, nc, dest, src)
        oc, nc = lib.d6t_opt_next(oc), lib.d6t_opt_next(nc)


def _move(w, ptr, arena):
    """Point wrapper 'w' (and the wrappers of its sub-options it has handed out) at the copy."""
    if w._kids is None and '_found' in w.__dict__:
        OptionList(w)._items()  # the sub-options found one by one: list them before the copy: list them before the copy
    w._ptr, w._arena = ptr, arena
    if w._kids:
        for kid, p in zip(w._kids, _children(w)):
            _move(kid, p, arena)


_C_SLOTS = frozenset(('_ptr', '_arena', '_kids'))


def _draft_getattr(node: Any, name: str, c_slots: Any) -> Any:
    """__getattr__ of a draft (only called for what is not set): its C side, made on first
    need; or of a draft made in C as part of its message but not bound to it yet."""
    if name in c_slots:
        d = node.__dict__
        unbound = d.pop('_unbound', None)
        if unbound is not None:
            _bind_values(node, *unbound)
            return object.__getattribute__(node, name)
        if '_draft' in d:
            node._materialize()
            return object.__getattribute__(node, name)
    raise AttributeError("'%s' object has no attribute '%s'" % (type(node).__name__, name))
_MSG_SLOTS = frozenset(('_ptr', '_arena', '_kids', '_detached'))


def _node_missing(node, name):
    """What _views.Node asks when '_ptr', '_arena', '_kids' or '_detached' is not set: the
    classes' __getattr__ below, for every class."""
    return _draft_getattr(node, name, _MSG_SLOTS if isinstance(node, Message) else _C_SLOTS)


_HEADER = struct.Struct('!HH').pack


def _draft_payload(cls, values, seen):
    """The wire bytes (after the header) of a draft option and its draft sub-options, or None
    when any value is not one the fields' encoders are sure about (then the option is made
    field by field by the setters, which decide what is refused)."""
    fields = cls._wire
    if fields is None:
        return None
    parts = []
    for f in fields:
        v = values.get(f.name)
        if v is None:
            parts.append(f.default)
            continue
        wire = f.wire
        b = wire(v) if wire is not None else None
        if b is None:
            return None
        parts.append(b)
    kids = values.get('options')
    if kids:
        space = cls._kid_space
        for kid in kids:
            kid_values = kid.__dict__.get('_draft') if isinstance(kid, Option) else None
            wire = _draft_option(kid, kid_values, space, seen) if kid_values is not None else None
            if wire is None:
                return None
            parts.append(wire)
    return b''.join(parts)


def _draft_option(o: Any, values: Dict[str, Any], space: int, seen: set) -> Optional[bytes]:
    """Header and payload of draft option 'o' in a list of 'space'; None when it cannot be
    written here (another space, defined in Python, met twice, or see _draft_payload)."""
    if o.option_space != space or id(o) in seen or o._py_defined:
        return None
    seen.add(id(o))
    body = _draft_payload(type(o), values, seen)
    if body is None or len(body) > 65535:
        return None
    return _HEADER(o.option_type, len(body)) + body


def _bind_draft(item, ptr, arena):
    """Draft 'item' (and its draft sub-options) now is the C option 'ptr'."""
    _bind_values(item, item.__dict__.pop('_draft'), ptr, arena)


def _bind_values(item, values, ptr, arena):
    """_bind_draft with the draft's values already taken out (ptr None: bound already, by
    _views.bind_options, but not its sub-options)."""
    if ptr is None:
        ptr = item._ptr
    item._ptr, item._arena, item._detached = ptr, arena, False
    kids = list(values.get('options') or ())
    item._kids = kids
    p = lib.d6t_opt_first_child(ptr) if kids else ffi.NULL
    for kid in kids:
        _bind_draft(kid, p, arena)
        p = lib.d6t_opt_next(p)


_OK = lib.D6T_OK
_out_opt = threading.local()
_write_local = threading.local()


def _write_cells(n):
    """A buffer of at least n bytes and a size_t cell for the write calls, one pair per thread
    (ffi.new costs as much as writing a small message)."""
    if n > 65536:  # rare: not kept
        return ffi.new('uint8_t[]', n), ffi.new('size_t *')
    cells = getattr(_write_local, 'cells', None)
    if cells is None or len(cells[0]) < n:
        cells = _write_local.cells = (ffi.new('uint8_t[]', max(n, 2048, 1)),
                                        ffi.new('size_t *'))
    return cells


def _adopt_draft(container: Any, item: Any, values: Dict[str, Any]) -> Any:
    """Make draft 'item' directly in 'container' (no nursery, no copy)."""
    if item.option_space != container._child_space():
        raise Error(lib.D6T_ERR_INVALID_ARG,
                    what='cannot put %s into %s' % (type(item).__name__, type(container).__name__))
    if container._kids is None:
        OptionList(container)._items()  # the wrappers handed out so far stay the ones in the list
    if _speedups is not None:
        payload = _speedups.payload(type(item), values)
    else:
        payload = _draft_payload(type(item), values, {id(item)})
    if payload is not None and len(payload) <= 65535:
        cells = getattr(_out_opt, 'cells', None)
        if cells is None:
            cells = _out_opt.cells = (ffi.new('d6t_opt **'), ffi.new('d6t_parse_error *'))
        if container._add_bytes(item.option_type, payload, cells) == lib.D6T_OK:
            _bind_draft(item, cells[0][0], container._arena)
            cast(List[Any], container._kids).append(item)  # filled above
            return item
    new = container._add_new(item.option_type)
    if new == ffi.NULL:
        raise Error(lib.D6T_ERR_INVALID_ARG,
                    what='cannot put %s into %s' % (type(item).__name__, type(container).__name__))
    del item.__dict__['_draft']
    item._ptr, item._arena, item._detached, item._kids = new, container._arena, False, []
    kids = cast(List[Any], container._kids)  # filled above
    kids.append(item)
    item._apply(values)
    return item


_parse_cells = threading.local()


def materialize_in(msg: Any, arena: Any) -> None:
    """Make draft message 'msg' in 'arena' (a bundle's, for its response: no arena of its own
    to make and free) when one parse can make it; otherwise it stays a draft, made as usual
    when needed."""
    if _views is not None and _views.materialize(msg, arena) is not None:
        return  # the same in C
    d = msg.__dict__
    draft = d.get('_draft')
    if type(draft) is not tuple:
        return
    del d['_draft']
    if not _parse_draft_message(msg, draft[0], draft[1], arena):
        d['_draft'] = draft


def _parse_draft_message(msg, transaction_id, options, arena=None):
    """Make draft message 'msg' with one parse of its wire bytes: its draft options written by
    _draft_payload, options of other messages copied by their bytes. False when any of them
    needs the field-by-field way (then nothing was made). A new arena unless one is given."""
    if type(transaction_id) is not bytes or len(transaction_id) != 3:
        return False
    if _speedups is not None:
        data = _speedups.message(msg.message_type, transaction_id, options, _copy_option)
        if data is None:
            return False
        return _parse_message_bytes(msg, data, options, arena)
    parts = [bytes((msg.message_type,)) + transaction_id]
    seen: set = set()
    for o in options:
        values = o.__dict__.get('_draft')
        if values is not None:
            wire = _draft_option(o, values, SPACE_DHCPV6, seen)
            if wire is None:
                return False
            parts.append(wire)
        else:
            # an option of another message (copied) or a free-standing one (moved), as _adopt
            wire = _copied_option(o)
            if wire is None:
                return False
            parts.append(wire)
    return _parse_message_bytes(msg, b''.join(parts), options, arena)


def _copied_option(o):
    """The bytes of option 'o', no draft, as put into a draft message (copied from another
    message, or moved when free-standing); None when _adopt must do it."""
    if o._has_msgs or o.option_space != SPACE_DHCPV6 or o.__dict__.get('_bad') or o._py_defined:
        return None
    try:
        return o.save()
    except ValueError:  # a value kept for refusal: _adopt keeps it
        return None


_copy_option = _copied_option  # (in C with _views: set at the end of the module)


def _parse_message_bytes(msg, data, options, arena=None):
    """Make 'msg' by parsing 'data' (into a new arena unless one is given), binding the objects
    of 'options' to the parsed options."""
    if arena is None:
        arena = _new_arena(0)
    if _views is not None and type(options) is list:  # the same in C
        if not _views.parse_into(msg, arena, data, arena):
            return False
        kids = _views.bind_options(msg, options, arena)
        if kids is not None:
            msg._kids = kids
            return True
        _bind_parsed(msg, options, arena)
        return True
    else:
        cells = getattr(_parse_cells, 'cells', None)
        if cells is None:
            cells = _parse_cells.cells = (ffi.new('d6t_msg **'), ffi.new('d6t_parse_error *'))
        if lib.d6t_msg_parse(arena.ptr, data, len(data), lib.D6T_PARSE_COPY, cells[0],
                             cells[1]) != lib.D6T_OK:
            return False
        ptr = cells[0][0]
        msg._bind(ptr, arena, True)
        _core.register(ptr, msg)
    _bind_parsed(msg, options, arena)
    return True


def _bind_parsed(msg, options, arena):
    """Bind the objects of 'options' to the options of 'msg', just parsed from their bytes."""
    kids = []
    p = lib.d6t_msg_first_opt(msg._ptr)
    for o in options:
        d = o.__dict__
        if '_draft' in d:
            # bound on first use (_draft_getattr): a reply is mostly written, not read again
            d['_unbound'] = (d.pop('_draft'), p, arena)
            o._detached = False
            kids.append(o)
        elif o._detached:
            _move(o, p, arena)
            o._detached = False
            kids.append(o)
        else:
            kids.append(wrap_opt(p, arena))
        p = lib.d6t_opt_next(p)
    msg._kids = kids


def _adopt(container, item):
    """Put option 'item' at the end of 'container' (message or option); return its wrapper there."""
    if not isinstance(item, Option):
        raise TypeError('options must be Option objects, not %s' % type(item).__name__)
    if item._py_defined:
        raise TypeError('%s is defined in Python: the library cannot hold it' % type(item).__name__)
    values = item.__dict__.get('_draft')
    if values is not None:
        return _adopt_draft(container, item, values)
    if container._kids is None:
        OptionList(container)._items()
    new = container._add_copy(item._ptr)
    if new == ffi.NULL:
        raise Error(lib.D6T_ERR_INVALID_ARG,
                    what='cannot put %s into %s' % (type(item).__name__, type(container).__name__))
    dest, src = container._arena, item._arena
    if item._has_msgs:
        _share_messages(item._ptr, new, dest, src)
    if item._detached:
        _move(item, new, dest)
        item._detached = False
        w = item
    else:
        w = wrap_opt(new, dest)
    kids = container._kids
    if kids is not None:
        kids.append(w)
    return w


if _views is not None:  # _node, __init__ and append (of a draft message) in C
    _OPTION_LIST_BASES: Tuple[Any, ...] = (_views.OptionListBase, MutableSequence)
    _OPTION_LIST_SLOTS: Tuple[str, ...] = ()
else:
    _OPTION_LIST_BASES, _OPTION_LIST_SLOTS = (MutableSequence,), ('_node',)


class OptionList(*_OPTION_LIST_BASES):  # type: ignore[misc]
    """The `options` of a message or option: a list view of the C option list."""
    __slots__ = _OPTION_LIST_SLOTS
    _node: Any

    if _views is None:
        def __init__(self, node):
            self._node = node

    def _items(self):
        node = self._node
        if node._kids is None:
            arena = node._arena
            found = node.__dict__.pop('_found', None)
            if found:  # the wrappers get_option_of_type handed out stay the ones in the list
                node._kids = [_found_or_new(found, p, arena) for p in _children(node)]
            else:
                node._kids = [wrap_opt(p, arena) for p in _children(node)]
        return list(node._kids)

    def __len__(self):
        return self._node._count()

    def __iter__(self):
        return iter(self._items())

    def __getitem__(self, i):
        return self._items()[i]

    def _py_append(self, item):
        """append (with _views: what its C append leaves it)."""
        node = self._node
        draft = node.__dict__.get('_draft')
        if type(draft) is tuple:  # a draft message: made later, with this option
            if not isinstance(item, Option):
                raise TypeError('options must be Option objects, not %s' % type(item).__name__)
            if item._py_defined:
                raise TypeError('%s is defined in Python: the library cannot hold it'
                                % type(item).__name__)
            draft[1].append(item)
            return
        _adopt(node, item)

    if _views is None:
        append = _py_append

    def _detach(self, w):
        node = self._node
        check(node._remove(w._ptr))
        w._detached = True
        if node._kids is not None:
            node._kids = [k for k in node._kids if k is not w]

    def __delitem__(self, i):
        items = self._items()
        for w in (items[i] if isinstance(i, slice) else [items[i]]):
            self._detach(w)

    def _rebuild(self, keep, new_items, tail):
        """C lists only append: unlink 'tail', append 'new_items', then put 'tail' back."""
        for w in tail:
            self._detach(w)
        for item in new_items:
            _adopt(self._node, item)
        for w in tail:
            _adopt(self._node, w)

    def __setitem__(self, i, value):
        items = self._items()
        if isinstance(i, slice):
            start, stop, step = i.indices(len(items))
            if step != 1:
                raise ValueError('extended slices are not supported')
            for w in items[start:stop]:
                self._detach(w)
            self._rebuild(items[:start], list(value), items[stop:])
            return
        if i < 0:
            i += len(items)
        self._detach(items[i])
        self._rebuild(items[:i], [value], items[i + 1:])

    def insert(self, i, value):
        items = self._items()
        if i < 0:
            i = max(0, i + len(items))
        self._rebuild(items[:i], [value], items[i:])

    def remove(self, value):
        items = self._items()
        for w in items:
            if w is value:
                return self._detach(w)
        for w in items:
            if w == value:
                return self._detach(w)
        raise ValueError('option not in list')

    def clear(self):
        for w in self._items():
            self._detach(w)

    def __eq__(self, other):
        if isinstance(other, (list, tuple, OptionList)):
            return list(self) == list(other)
        return NotImplemented

    def __repr__(self):
        return repr(self._items())


if _views is not None:
    _NODE_BASES: Tuple[Any, ...] = (_views.Node, ProtocolElement)
    _NODE_SLOTS: Tuple[str, ...] = ()  # _ptr, _arena, _detached, _kids, __dict__, weakrefs in C
else:
    _NODE_BASES = (ProtocolElement,)
    _NODE_SLOTS = ('_ptr', '_arena', '_detached', '_kids', '__weakref__', '__dict__')
_addr = _core.address  # the key of _found and of the registries: a pointer's address


class _Node(*_NODE_BASES):  # type: ignore[misc]
    """Common part of messages and options: the pointer, its arena, the wrappers of its
    sub-options handed out so far (so the same C option is always the same Python object), and
    dhcpkit's helpers."""
    __slots__ = _NODE_SLOTS
    _args: Tuple[str, ...] = ()
    _has_msgs = True  # may hold a relayed message somewhere inside (see _share_messages)
    # an element defined in Python as dhcpkit's are (its own load_from/save), not by the table
    _py_defined = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if not cls._py_defined and not cls.__module__.startswith('dhcp6txn.'):
            own = cls.__dict__
            cls._py_defined = 'load_from' in own or 'save' in own

    def _find(self, code: int) -> Any:
        """The first direct sub-option of 'code' (a C pointer, NULL when there is none)."""
        raise NotImplementedError

    def _bind(self, ptr, arena, detached):
        self._ptr, self._arena, self._detached, self._kids = ptr, arena, detached, None

    @property
    def options(self):
        return OptionList(self)

    @options.setter
    def options(self, values):
        values = list(values or [])
        lst = OptionList(self)
        lst.clear()
        for v in values:
            _adopt(self, v)

    def get_options_of_type(self, klass: Any) -> List[Any]:
        if self._kids is not None:
            return [o for o in self._kids if isinstance(o, klass)]
        return [o for o in OptionList(self)._items() if isinstance(o, klass)]

    def get_option_of_type(self, klass: Any) -> Any:
        kids = self._kids
        if kids is None:
            # No sub-option wrapped yet: for a class of the library's table (whose instances
            # here are exactly the sub-options with its code), ask C for the first one and wrap
            # only that one (kept in _found until the whole list is wrapped).
            code = _TABLE_CODE.get(klass)
            if code is not None:
                p = self._find(code)
                if p == ffi.NULL:
                    return None
                if _OPTION_BY_DEF.get(lib.d6t_optdef_of(p)) is klass:
                    found = self.__dict__.setdefault('_found', {})
                    w = found.get(_addr(p))
                    if w is None:
                        w = found[_addr(p)] = klass.__new__(klass)
                        w._ptr, w._arena, w._detached, w._kids = p, self._arena, False, None
                    return w
            kids = OptionList(self)._items()
        for o in kids:
            if isinstance(o, klass):
                return o
        return None

    def __bytes__(self):
        return self.save()

    def _refuse_pending(self):
        """ValueError for the values this element (or one inside it) was given and cannot hold."""
        if '_draft' in self.__dict__:
            self._ptr  # made now: a value it cannot hold is kept for refusal on the way
        if not DEFERRED[0]:
            return
        found = _pending_tree(self)
        if found:
            raise ValueError('; '.join(found))

    def load_from(self, buffer: bytes, offset: int = 0, length: Optional[int] = None) -> int:
        """dhcpkit's in-place parse: this object becomes the element in buffer[offset:];
        returns the number of bytes used."""
        used, other = type(self).parse(buffer, offset, length)
        if type(other) is not type(self):
            raise ValueError('The provided buffer does not contain %s data' % type(self).__name__)
        if isinstance(self, Message):
            _core.unregister(self._ptr)
            _core.register(other._ptr, self)
        self.__dict__.pop('_draft', None)
        self.__dict__.pop('_found', None)
        self._bind(other._ptr, other._arena, True)
        self._kids = other._kids
        self.__dict__.pop('_bad', None)
        self.__dict__.pop('_nested', None)
        return used

    def __eq__(self, other):
        if type(self) is not type(other):
            return NotImplemented
        return self is other or self.save() == other.save()

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value (as dhcpkit)

    def save(self) -> bytes:
        raise NotImplementedError

    def display_fields(self) -> List[Tuple[str, Any]]:
        fields = [(k, _shown(k, getattr(self, k))) for k in self._args if k != 'options']
        if 'options' in self._args or isinstance(self, Message):
            fields.append(('options', list(self.options)))
        return fields

    def _text(self, fn):
        n = fn(self._ptr, ffi.NULL, 0)
        buf = ffi.new('char[]', n + 1)
        fn(self._ptr, buf, n + 1)
        return ffi.string(buf).decode('utf-8', 'replace')

    def _violations(self, fn):
        found = []

        @ffi.callback('int(void *, d6t_violation_kind, const char *, const char *)')
        def collect(ctx, kind, where, what):
            found.append((int(kind), ffi.string(where).decode(), ffi.string(what).decode()))
            return 0
        fn(self._ptr, collect, ffi.NULL, ffi.NULL)
        return found


# ---------------------------------------------------------------- options

def _standalone_option(arena, space, code):
    """A new option of (space, code) in 'arena', outside any real message (its parent is a
    placeholder that nobody sees)."""
    holder = lib.d6t_msg_new(arena.ptr, 1)
    if holder == ffi.NULL:
        raise MemoryError
    if space == SPACE_DHCPV6:
        o = lib.d6t_msg_add_opt(holder, code)
    else:
        parent = lib.d6t_msg_add_opt(holder, 56 if space == SPACE_NTP else 17)
        o = lib.d6t_opt_add_child(parent, code) if parent != ffi.NULL else ffi.NULL
    if o == ffi.NULL:
        raise Error(lib.D6T_ERR_INVALID_ARG, what='cannot create option %d' % code)
    return o


# how dhcpkit shows some values: a code with its name
_HARDWARE_TYPES = {1: 'Ethernet', 2: 'Experimental Ethernet', 6: 'IEEE 802', 32: 'InfiniBand'}


def _named(name, value):
    return ElementDataRepresentation('%s (%d)' % (name, value))


def _option_name(code):
    cls = _OPTION_BY_CODE.get(code)
    return _named(cls.__name__ if cls else 'Unknown', code)


def _shown(field: str, value: Any) -> Any:
    if not isinstance(value, int) and not isinstance(value, list):
        return value
    if field == 'status_code':
        name = lib.d6t_status_code_name(value)
        return _named(ffi.string(name).decode() if name != ffi.NULL else 'Unknown', value)
    if field == 'query_type':
        name = lib.d6t_query_type_name(value)
        text = ffi.string(name).decode() if name != ffi.NULL else 'Unknown'
        return _named(''.join(w.capitalize() for w in text.lower().split('_')), value)
    if field in ('hardware_type', 'link_layer_type') and isinstance(value, int):
        return _named(_HARDWARE_TYPES.get(value, 'Unknown'), value)
    if field == 'requested_options' and isinstance(value, list):
        return [_option_name(c) for c in value]
    return value


class Option(_Node):
    """Base class of all options. Option.parse(buffer, offset=0, length=None) -> (length, option)."""
    __slots__ = ()
    _ctype = ffi.typeof('d6t_opt *')  # what _ptr is (_views makes it from the raw pointer)
    option_type = 0
    option_space = SPACE_DHCPV6
    option_name: Optional[str] = None

    def __init__(self, *args, **kwargs):
        # A new option is a draft: its values stay in Python until it is put into a message
        # (then it is made there, in one go, without a copy) or something needs the C option.
        # (_speedups.option_init does the same in C; this one decides the rare cases for it.)
        names = self._args
        if kwargs or len(args) > len(names):
            values = _arguments(type(self), names, args, kwargs)
        else:
            values = dict(zip(names, args))
        self.__dict__['_draft'] = values
        self._detached = True

    def __getattr__(self, name):
        return _draft_getattr(self, name, _C_SLOTS)

    def _materialize(self):
        """Make the C option of a draft on its own (in the per-thread nursery arena)."""
        values = self.__dict__.pop('_draft')
        arena = _nursery()
        self._bind(_standalone_option(arena, self.option_space, self.option_type), arena, True)
        self._kids = []
        self._apply(values)

    def _apply(self, values):
        for k in self._args:
            v = values.get(k)
            if v is None:
                continue
            if k == 'options':
                for child in v:
                    _adopt(self, child)
            else:
                setattr(self, k, v)

    def _add_new(self, code):
        return lib.d6t_opt_add_child(self._ptr, code)

    def _add_bytes(self, code, payload, cells):
        return lib.d6t_opt_add_child_bytes(self._ptr, code, payload, len(payload), cells[0], cells[1])

    def _child_space(self):
        return lib.d6t_optdef_child_space(lib.d6t_optdef_of(self._ptr))

    @classmethod
    def parse(cls, buffer: bytes, offset: int = 0, length: Optional[int] = None,
              space: Optional[int] = None) -> Tuple[int, Any]:
        """Parse one option (header included) from buffer[offset:]. Returns (bytes used, option).
        Trailing bytes after the option are not used (as in dhcpkit)."""
        if cls._py_defined:
            return _parse_py_defined(cls, buffer, offset, length)
        view = bytes(buffer[offset:] if length is None else buffer[offset:offset + length])
        if len(view) < 4:
            raise parse_error(_fake_error(lib.D6T_ERR_TRUNCATED, 'option header needs 4 bytes'), offset)
        if space is None and cls.option_space == SPACE_DHCPV6:
            py_cls = option_registry.get(struct.unpack_from('!H', view)[0])
            if py_cls is not None and py_cls._py_defined:
                return _parse_py_defined(py_cls, buffer, offset, length)
        used = 4 + struct.unpack_from('!H', view, 2)[0]
        if used > len(view):
            raise parse_error(_fake_error(lib.D6T_ERR_OPT_OVERRUN, 'option runs past the buffer'), offset)
        if space is None:
            space = cls.option_space if isinstance(cls.option_space, int) else SPACE_DHCPV6
        arena = _new_arena(0)
        out, err = ffi.new('d6t_opt **'), ffi.new('d6t_parse_error *')
        st = lib.d6t_opt_parse(arena.ptr, space, view, used, 1, out, err)
        if st != lib.D6T_OK:
            raise parse_error(err, offset)
        opt = wrap_opt(out[0], arena)
        opt._detached = True
        if cls is not Option and not isinstance(opt, cls):
            raise ValueError('The provided buffer does not contain %s data' % cls.__name__)
        _decode_fields(opt, offset)
        _load_py_defined_message(opt, offset)
        return used, opt

    def parse_option_header(self, buffer: bytes, offset: int = 0, length: Optional[int] = None,
                            min_length: Optional[int] = None,
                            max_length: Optional[int] = None) -> Tuple[int, int]:
        """dhcpkit's helper for options defined in Python: checks the option header at
        buffer[offset:] against this option's type and the length limits; returns (4, option
        length)."""
        if length is None:
            length = len(buffer) - offset
        if length < 4:
            raise parse_error(_fake_error(lib.D6T_ERR_TRUNCATED,
                                          'option header is longer than the available buffer'), offset)
        option_type, option_len = struct.unpack_from('!HH', buffer, offset)
        if option_type != self.option_type:
            raise ValueError('The provided buffer does not contain %s data' % type(self).__name__)
        if 4 + option_len > length:
            raise parse_error(_fake_error(lib.D6T_ERR_OPT_OVERRUN,
                                          'option is longer than the available buffer'), offset)
        if min_length is not None and option_len < min_length:
            raise parse_error(_fake_error(lib.D6T_ERR_OPT_LENGTH,
                                          'option is shorter than the minimum length (%d)' % min_length),
                              offset)
        if max_length is not None and option_len > max_length:
            raise parse_error(_fake_error(lib.D6T_ERR_OPT_LENGTH,
                                          'option is longer than the maximum length (%d)' % max_length),
                              offset)
        return 4, option_len

    def _first(self):
        return lib.d6t_opt_first_child(self._ptr)

    def _find(self, code):
        return lib.d6t_opt_find_child(self._ptr, code)

    def _count(self):
        return lib.d6t_opt_child_count(self._ptr)

    def _add_copy(self, src):
        return lib.d6t_opt_add_child_copy(self._ptr, src)

    def _remove(self, o):
        return lib.d6t_opt_remove_child(self._ptr, o)

    def save(self) -> bytes:
        self._refuse_pending()
        ptr = self._ptr
        n = lib.d6t_opt_wire_size(ptr)
        buf, used = _write_cells(n)
        st = lib.d6t_opt_write(ptr, buf, n, used)
        if st != _OK:
            check(st, 'writing %s' % type(self).__name__)
        return ffi.buffer(buf, used[0])[:]

    def validate(self) -> None:
        if self._py_defined:
            _check_py_rules(self)
            return
        self._refuse_pending()
        if self.option_type == 19 and self.option_space == SPACE_DHCPV6 and \
                getattr(self, 'message_type') not in (5, 6, 11):
            # RFC 9915 section 21.19: Renew, Rebind or Information-request
            raise ValueError('Reconfigure message type must be 5, 6 or 11')
        found = self._violations(lib.d6t_opt_validate)
        if found:
            raise ValidationError(found)
        _check_py_rules(self)

    # dhcpkit sorts options (by type, then content) to compare option lists
    def _key(self):
        return self.option_type, self.save()

    def __lt__(self, other):
        return self._key() < other._key() if isinstance(other, Option) else NotImplemented

    def __le__(self, other):
        return self._key() <= other._key() if isinstance(other, Option) else NotImplemented

    def __gt__(self, other):
        return self._key() > other._key() if isinstance(other, Option) else NotImplemented

    def __ge__(self, other):
        return self._key() >= other._key() if isinstance(other, Option) else NotImplemented

    def to_json(self) -> str:
        return self._text(lib.d6t_opt_to_json)

    def to_text(self) -> str:
        """The library's own tree view."""
        return self._text(lib.d6t_opt_to_text).rstrip('\n')

    def __repr__(self):
        return '%s(%s)' % (type(self).__name__,
                           ', '.join('%s=%r' % (k, getattr(self, k)) for k in self._args))


class UnknownOption(Option):
    """An option the library has no layout for: kept as opaque bytes, written back unchanged."""
    __slots__ = ()
    _args = ('option_type', 'option_data')

    def __init__(self, option_type=0, option_data=b'', space=SPACE_DHCPV6):
        arena = _nursery()
        holder = lib.d6t_msg_new(arena.ptr, 1)
        data = bytes(option_data)
        out, err = ffi.new('d6t_opt **'), ffi.new('d6t_parse_error *')
        if space == SPACE_DHCPV6:
            st = lib.d6t_msg_add_opt_bytes(holder, option_type, data, len(data), out, err)
        else:
            parent = lib.d6t_msg_add_opt(holder, 56 if space == SPACE_NTP else 17)
            st = lib.d6t_opt_add_child_bytes(parent, option_type, data, len(data), out, err)
        if st != lib.D6T_OK:
            raise parse_error(err)
        self._bind(out[0], arena, True)

    @property
    def option_type(self):
        bad = self.__dict__.get('_bad')
        if bad and 'option_type' in bad:
            return bad['option_type'][0]
        return lib.d6t_opt_code(self._ptr)

    @option_type.setter
    def option_type(self, value):
        if not _is_uint(value, 16):
            return defer(self, 'option_type', value, 'must be an unsigned 16 bit integer')
        settle(self, 'option_type')
        if value == lib.d6t_opt_code(self._ptr):
            return
        if not self._detached:
            raise Error(lib.D6T_ERR_INVALID_ARG, what='the type of an option in a message is fixed')
        fresh = UnknownOption(value, self.option_data, space=self.option_space)
        self._bind(fresh._ptr, fresh._arena, True)

    @property
    def option_space(self):
        return int(lib.d6t_opt_space(self._ptr))

    @property
    def option_data(self):
        bad = self.__dict__.get('_bad')
        if bad and 'option_data' in bad:
            return bad['option_data'][0]
        n = ffi.new('size_t *')
        p = lib.d6t_opt_data(self._ptr, n)
        return bytes(ffi.buffer(p, n[0])) if n[0] else b''

    @option_data.setter
    def option_data(self, value):
        _set_bytes(self, 'option_data', value, lambda v: lib.d6t_opt_set_data(self._ptr, v, len(v)))


def _is_uint(value, bits):
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 1 << bits


def _set_bytes(obj, name, value, store):
    if not isinstance(value, (bytes, bytearray)):
        return defer(obj, name, value, 'must be a sequence of bytes')
    value = bytes(value)
    try:
        check(store(value))
    except Error as e:
        return defer(obj, name, value, 'cannot be stored: %s' % e)
    settle(obj, name)


def _pending_tree(node):
    if '_draft' in node.__dict__:
        node._materialize()  # its values are checked as they go into C
    out = ['%s.%s' % (type(node).__name__, p) for p in pending(node)]
    kids = node._kids if node._kids is not None else node.__dict__.get('_found', {}).values()
    for kid in kids:
        out += _pending_tree(kid)
    inner = node.__dict__.get('_nested')
    if inner is None and isinstance(node, RelayServerMessage):
        # a chain made in C (the bundle's outgoing one) around a message with a wrapper: the
        # values that wrapper was refused are this chain's too
        ptr = lib.d6t_msg_relayed(node._ptr)
        inner = _core.lookup(ptr) if ptr != ffi.NULL else None
    if inner is not None:
        out += _pending_tree(inner)
    return out


_fake_reason: List[Any] = []  # keeps the reason text of the last made-up error alive


def _fake_error(status, reason):
    err = ffi.new('d6t_parse_error *')
    err.status, err.offset = status, 0
    _fake_reason[:] = [ffi.new('char[]', reason.encode())]
    err.reason = _fake_reason[0]
    return err


def _arguments(cls, names, args, kwargs):
    if len(args) > len(names):
        raise TypeError('%s takes at most %d positional arguments' % (cls.__name__, len(names)))
    values = dict(zip(names, args))
    for k, v in kwargs.items():
        if k not in names:
            raise TypeError('%s got an unexpected argument %r' % (cls.__name__, k))
        if k in values:
            raise TypeError('%s got multiple values for %r' % (cls.__name__, k))
        values[k] = v
    return values


class _NestedMessage:
    """The message inside OPTION_RELAY_MSG / OPTION_LQ_RELAY_DATA (shared, not copied)."""

    def __get__(self, obj, cls=None):
        if obj is None:
            return self
        py_msg = obj.__dict__.get('_py_nested')
        if py_msg is not None:
            return py_msg
        return nested(obj, lib.d6t_opt_msg(obj._ptr))

    def __set__(self, obj, msg):
        obj.__dict__.pop('_py_nested', None)
        if msg is None:
            check(lib.d6t_opt_set_msg(obj._ptr, ffi.NULL))
            obj.__dict__.pop('_nested', None)
            return
        if not isinstance(msg, Message):
            raise TypeError('a relayed message must be a Message')
        if msg._py_defined:
            raise TypeError('%s is defined in Python: the library cannot hold it' % type(msg).__name__)
        check(lib.d6t_opt_set_msg(obj._ptr, msg._ptr))
        obj._arena.hold(msg._arena)
        obj.__dict__["_nested"] = msg


class _VendorOptions:
    """dhcpkit's VendorSpecificInformationOption.vendor_options: [(code, bytes), ...]."""

    def __get__(self, obj, cls=None):
        if obj is None:
            return self
        bad = obj.__dict__.get('_bad')
        if bad and 'vendor_options' in bad:
            return bad['vendor_options'][0]
        return [(o.option_type, o.option_data) for o in OptionList(obj)._items()]

    def __set__(self, obj, pairs):
        pairs = [] if pairs is None else pairs
        if not isinstance(pairs, (list, tuple)) or not all(
                isinstance(p, tuple) and len(p) == 2 and _is_uint(p[0], 16) and
                isinstance(p[1], (bytes, bytearray)) and len(p[1]) < 1 << 16 for p in pairs):
            return defer(obj, 'vendor_options', pairs,
                         'must be a list of (code, bytes) tuples of 16 bit codes and lengths')
        settle(obj, 'vendor_options')
        OptionList(obj).clear()
        for code, data in pairs:
            _adopt(obj, UnknownOption(code, data, space=SPACE_VENDOR))




class NTPSubOption(Option):
    """Base class of the sub-options of NTPServersOption (RFC 5908)."""
    __slots__ = ()
    option_space: Any = SPACE_NTP


class UnknownNTPSubOption(UnknownOption, NTPSubOption):
    """An NTP sub-option the library has no layout for (dhcpkit's names: suboption_type,
    suboption_data; value is the data in hex)."""
    __slots__ = ()

    def __init__(self, suboption_type=0, suboption_data=b''):
        super().__init__(suboption_type, suboption_data, space=SPACE_NTP)

    suboption_type = property(lambda self: self.option_type,
                              lambda self, v: setattr(self, 'option_type', v))
    suboption_data = property(lambda self: self.option_data,
                              lambda self, v: setattr(self, 'option_data', v))

    @property
    def value(self):
        data = self.option_data
        return data.hex() if isinstance(data, (bytes, bytearray)) else str(data)


def _derived_name(iana):
    words = iana.replace('OPTION_', '').replace('OPT_', '').split('_')
    return ''.join(w.capitalize() for w in words) + 'Option'


def _build_option_classes():
    by_def, classes = {}, {}
    key, name, ftype, size = (ffi.new('d6t_key *'), ffi.new('const char **'),
                              ffi.new('d6t_ftype *'), ffi.new('size_t *'))
    for i in range(lib.d6t_optdef_count()):
        d = lib.d6t_optdef_at(i)
        code, space = lib.d6t_optdef_code(d), int(lib.d6t_optdef_space(d))
        iana = ffi.string(lib.d6t_optdef_name(d)).decode()
        ns = {'__slots__': (), 'option_type': code, 'option_space': space, 'option_name': iana,
              '__doc__': '%s (%d), from the library\'s option table.' % (iana, code)}
        args, wire = [], []
        for j in range(lib.d6t_optdef_field_count(d)):
            check(lib.d6t_optdef_field(d, j, key, name, ftype, size))
            fname = ffi.string(name[0]).decode()
            ns[fname] = Field(fname, key[0], ftype[0], size[0])
            args.append(fname)
            wire.append(ns[fname])
        kid_space = lib.d6t_optdef_child_space(d)
        if kid_space >= 0:
            args.append('options')
        msg_field = lib.d6t_optdef_message_field(d)
        ns['_has_msgs'] = msg_field != ffi.NULL or kid_space >= 0
        # how a draft is written in one go (_draft_payload); None: field by field
        ns['_wire'] = tuple(wire) if msg_field == ffi.NULL and (space, code) != (0, 17) else None
        ns['_cwire'] = tuple(c_wire_spec(f) for f in wire) if ns['_wire'] is not None else None
        ns['_kid_space'] = kid_space
        if msg_field != ffi.NULL:
            attr = ffi.string(msg_field).decode()
            ns[attr] = _NestedMessage()
            args.append(attr)
        if (space, code) == (0, 17):
            ns['vendor_options'] = _VendorOptions()
        ns['_args'] = ARG_ORDER.get((space, code), tuple(args))
        cls_name = OPTION_CLASS_NAMES.get((space, code)) or _derived_name(iana)
        cls = type(cls_name, (NTPSubOption if space == SPACE_NTP else Option,), ns)
        by_def[d] = cls
        classes[cls_name] = cls
    return by_def, classes


_OPTION_BY_DEF, OPTION_CLASSES = _build_option_classes()
globals().update(OPTION_CLASSES)
# the classes of the table: get_option_of_type finds their instances by code
_TABLE_CODE = {c: c.option_type for c in _OPTION_BY_DEF.values()}
_OPTION_BY_CODE = {c.option_type: c for c in OPTION_CLASSES.values() if c.option_space == SPACE_DHCPV6}


class OptionRegistry(dict):
    """dhcpkit's option_registry: DHCPv6 option code -> class. It holds the library's classes;
    a class defined in Python (with its own load_from and save, as in dhcpkit) registered here
    is what Option.parse gives for its code."""


option_registry = OptionRegistry(_OPTION_BY_CODE)


def _parse_py_defined(cls, buffer, offset, length):
    """dhcpkit's parse of an element defined in Python: a new object loads itself."""
    element = cls()
    used = element.load_from(buffer, offset, length)
    return used, element


def _decode_fields(opt, offset):
    """Read every field of a parsed option (and its sub-options) as its Python value, as
    dhcpkit's parse does: a value with no such form (an IPv4 prefix length of 33, RFC 7598
    section 4.1) is a ParseError here. Message.parse keeps such values, for validate() to report
    and for the bytes to round-trip."""
    for name in type(opt)._args:
        if name == 'options':
            for kid in OptionList(opt)._items():
                _decode_fields(kid, offset)
            continue
        try:
            getattr(opt, name)
        except Error as e:
            raise parse_error(_fake_error(e.status, '%s.%s: %s' % (type(opt).__name__, name, e)),
                              offset) from None


def _load_py_defined_message(opt, offset):
    """A relayed message whose type is registered as a class defined in Python loads itself
    from the bytes the option holds, and must use all of them."""
    inner = lib.d6t_opt_msg(opt._ptr)
    if inner == ffi.NULL:
        return
    cls = message_registry.get(lib.d6t_msg_type(inner))
    if cls is None or not cls._py_defined:
        return
    data = wrap_msg(inner, opt._arena).save()
    msg = cls()
    used = msg.load_from(data, 0, len(data))
    if used != len(data):
        raise parse_error(_fake_error(lib.D6T_ERR_OPT_LENGTH, 'the relayed %s has a different '
                                      'length (%d) than the option holds (%d)'
                                      % (cls.__name__, used, len(data))), offset)
    opt.__dict__['_py_nested'] = msg


def _check_py_rules(element):
    """The containment rules added in Python with add_may_contain (dhcpkit's API)."""
    rules = type(element).may_contain_rules()
    if not rules:
        return
    inside: List[Any] = []
    if isinstance(element, Message) or 'options' in type(element)._args:
        inside += list(element.options)
    relayed = getattr(type(element), 'relayed_message', None)
    if isinstance(relayed, (_NestedMessage, property)) and element.relayed_message is not None:
        inside.append(element.relayed_message)
    for klass, (low, high) in rules.items():
        count = sum(1 for e in inside if isinstance(e, klass))
        if count > high:
            raise ValueError('%s cannot contain %s %s' % (
                type(element).__name__, 'more than %d' % high if high else 'any', klass.__name__))
        if count < low:
            raise ValueError('%s must contain at least %d %s' % (type(element).__name__, low,
                                                                 klass.__name__))


# dhcpkit's helpers on particular options
def _get_addresses(self):
    """The addresses of the IA's IAAddressOptions."""
    return [o.address for o in self.get_options_of_type(OPTION_CLASSES['IAAddressOption'])]


def _get_prefixes(self):
    """The prefixes of the IA_PD's IAPrefixOptions."""
    return [o.prefix for o in self.get_options_of_type(OPTION_CLASSES['IAPrefixOption'])]


def _flag(bit):
    def get(self):
        return bool(self.flags & bit)

    def put(self, on):
        self.flags = (self.flags | bit) if on else (self.flags & ~bit)
    return property(get, put)


def _display_requested_options(self):
    return [_option_name(c) for c in self.requested_options]


OPTION_CLASSES['IANAOption'].get_addresses = _get_addresses
OPTION_CLASSES['IATAOption'].get_addresses = _get_addresses
OPTION_CLASSES['IAPDOption'].get_prefixes = _get_prefixes
for _cls_name in ('OptionRequestOption', 'EchoRequestOption'):
    OPTION_CLASSES[_cls_name].display_requested_options = _display_requested_options
_LABEL = re.compile(r'^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$')


def _address_config(check, what):
    def parse(text):
        address = IPv6Address(text)
        if not check(address):
            raise ValueError('%s is not a %s IPv6 address' % (text, what))
        return address
    return staticmethod(parse)


def _fqdn_config(text):
    """A host name as a configuration value (RFC 1123 section 2.1 labels)."""
    name = text[:-1] if text.endswith('.') else text
    if len(name) > 253:
        raise ValueError('Domain too long: %s' % text)
    for label in name.split('.'):
        if len(label) > 63:
            raise ValueError('Label too long: %s' % label)
        if not _LABEL.match(label):
            raise ValueError('Invalid label: %r' % label)
    return text


def _routable(a):
    return not (a.is_unspecified or a.is_loopback or a.is_multicast or a.is_link_local)


# dhcpkit's NTP sub-option extras (RFC 5908 section 4): 'value' as text, 'config_datatype'
OPTION_CLASSES['NTPServerAddressSubOption'].config_datatype = _address_config(_routable, 'routable')
OPTION_CLASSES['NTPMulticastAddressSubOption'].config_datatype = _address_config(
    lambda a: a.is_multicast, 'multicast')
OPTION_CLASSES['NTPServerFQDNSubOption'].config_datatype = staticmethod(_fqdn_config)
for _cls_name in ('NTPServerAddressSubOption', 'NTPMulticastAddressSubOption'):
    OPTION_CLASSES[_cls_name].value = property(lambda self: str(self.address))
OPTION_CLASSES['NTPServerFQDNSubOption'].value = property(
    lambda self: self.fqdn[:-1] if isinstance(self.fqdn, str) and self.fqdn.endswith('.')
    else self.fqdn)

# RFC 7598 section 4.1: the F flag (this rule is a Forwarding Mapping Rule)
OPTION_CLASSES['S46RuleOption'].fmr = _flag(1)
# RFC 4704 section 4.1: S, O and N bits
OPTION_CLASSES['ClientFQDNOption'].server_aaaa_update = _flag(1)
OPTION_CLASSES['ClientFQDNOption'].server_aaaa_override = _flag(2)
OPTION_CLASSES['ClientFQDNOption'].no_server_dns_update = _flag(4)


# ---------------------------------------------------------------- messages

class Message(_Node):
    """Base class of all messages. Message.parse(buffer, offset=0, length=None) -> (length, message)."""
    __slots__ = ()
    _ctype = ffi.typeof('d6t_msg *')
    message_type: Any = 0
    from_client_to_server = False
    from_server_to_client = False

    def _new(self, message_type):
        arena = _new_arena(0)
        ptr = lib.d6t_msg_new(arena.ptr, message_type)
        if ptr == ffi.NULL:
            raise MemoryError
        self._bind(ptr, arena, True)
        self._kids = []
        self.__dict__.pop('_found', None)
        _core.register(ptr, self)

    @classmethod
    def parse(cls, buffer: bytes, offset: int = 0,
              length: Optional[int] = None) -> Tuple[int, Any]:
        """Parse a whole message (relay chain included). Returns (bytes used, message)."""
        if cls._py_defined:
            return _parse_py_defined(cls, buffer, offset, length)
        data = bytes(buffer[offset:] if length is None else buffer[offset:offset + length])
        if data and cls is Message:
            py_cls = message_registry.get(data[0])
            if py_cls is not None and py_cls._py_defined:
                return _parse_py_defined(py_cls, buffer, offset, length)
        arena = _new_arena(0)
        if _views is not None:  # the same in C
            msg = _views.parse_msg(arena, data, arena)
            if type(msg) is tuple:
                raise ParseError(msg[0], msg[1], offset + msg[2])
            if cls is not Message and not isinstance(msg, cls):
                raise ValueError('The provided buffer does not contain %s data' % cls.__name__)
            return len(data), msg
        cells = getattr(_parse_cells, 'cells', None)
        if cells is None:
            cells = _parse_cells.cells = (ffi.new('d6t_msg **'), ffi.new('d6t_parse_error *'))
        out, err = cells
        st = lib.d6t_msg_parse(arena.ptr, data, len(data), lib.D6T_PARSE_COPY, out, err)
        if st != lib.D6T_OK:
            raise parse_error(err, offset)
        # a new C message: no wrapper of it can exist yet, and it lives in 'arena'
        ptr = out[0]
        mcls = MESSAGE_CLASSES.get(lib.d6t_msg_type(ptr), UnknownMessage)
        msg = mcls.__new__(mcls)
        msg._bind(ptr, arena, False)
        _core.register(ptr, msg)
        if cls is not Message and not isinstance(msg, cls):
            raise ValueError('The provided buffer does not contain %s data' % cls.__name__)
        return len(data), msg

    @classmethod
    def from_bytes(cls, data: bytes) -> Any:
        return cls.parse(data)[1]

    def _first(self):
        return lib.d6t_msg_first_opt(self._ptr)

    def _find(self, code):
        return lib.d6t_msg_find_opt(self._ptr, code)

    def _count(self):
        return lib.d6t_msg_opt_count(self._ptr)

    def _add_copy(self, src):
        return lib.d6t_msg_add_opt_copy(self._ptr, src)

    def _add_new(self, code):
        return lib.d6t_msg_add_opt(self._ptr, code)

    def _add_bytes(self, code, payload, cells):
        return lib.d6t_msg_add_opt_bytes(self._ptr, code, payload, len(payload), cells[0], cells[1])

    def _child_space(self):
        return SPACE_DHCPV6

    def _remove(self, o):
        return lib.d6t_msg_remove_opt(self._ptr, o)

    def save(self) -> bytes:
        self._refuse_pending()
        n = lib.d6t_msg_wire_size(self._ptr)
        if n == 0:
            raise Error(lib.D6T_ERR_TOO_LONG, what='%s cannot be written' % type(self).__name__)
        buf, used = _write_cells(n)
        st = lib.d6t_msg_write(self._ptr, buf, n, used)
        if st != _OK:
            check(st, 'writing %s' % type(self).__name__)
        return ffi.buffer(buf, used[0])[:]

    def validate(self) -> None:
        """Check RFC 9915 containment and value rules; ValidationError lists every violation."""
        if self._py_defined:
            _check_py_rules(self)
            return
        self._refuse_pending()
        found = self.violations()
        if found:
            raise ValidationError(found)
        _check_py_rules(self)

    def violations(self) -> List[Tuple[int, str, str]]:
        return self._violations(lib.d6t_msg_validate)

    def to_json(self) -> str:
        return self._text(lib.d6t_msg_to_json)

    def to_text(self) -> str:
        """The library's own tree view."""
        return self._text(lib.d6t_msg_to_text).rstrip('\n')


class UnknownMessage(Message):
    """A message type the library does not know: the body after the type byte, kept as bytes."""
    __slots__ = ()
    _args = ('message_type', 'message_data')

    def __init__(self, message_type=0, message_data=b''):
        self._new(0)
        self.message_type = message_type
        self.message_data = message_data

    @property
    def message_type(self):
        bad = self.__dict__.get('_bad')
        if bad and 'message_type' in bad:
            return bad['message_type'][0]
        return lib.d6t_msg_type(self._ptr)

    @message_type.setter
    def message_type(self, value):
        if not _is_uint(value, 8):
            return defer(self, 'message_type', value, 'must be an unsigned 8 bit integer')
        settle(self, 'message_type')
        if value != lib.d6t_msg_type(self._ptr):
            body = self.message_data
            _core.unregister(self._ptr)
            self._new(value)
            self.message_data = body

    @property
    def message_data(self):
        bad = self.__dict__.get('_bad')
        if bad and 'message_data' in bad:
            return bad['message_data'][0]
        n = ffi.new('size_t *')
        p = lib.d6t_msg_body(self._ptr, n)
        return bytes(ffi.buffer(p, n[0])) if n[0] else b''

    @message_data.setter
    def message_data(self, value):
        _set_bytes(self, 'message_data', value, lambda v: lib.d6t_msg_set_body(self._ptr, v, len(v)))

    def __repr__(self):
        return 'UnknownMessage(message_type=%d, message_data=%r)' % (self.message_type, self.message_data)


class ClientServerMessage(Message):
    """Messages with a transaction id (3 bytes, as in dhcpkit) and options."""
    __slots__ = ()
    _args = ('transaction_id', 'options')

    def __init__(self, transaction_id=b'\x00\x00\x00', options=None):
        # A draft, as options are: the C message is made when something needs it (save(),
        # options, a bundle taking it as its response), in one go. (_speedups.message_init
        # does the same in C; this one decides the rare cases for it.)
        if options:
            options = list(options)
            for o in options:
                if not isinstance(o, Option):
                    raise TypeError('options must be Option objects, not %s' % type(o).__name__)
                if o._py_defined:
                    raise TypeError('%s is defined in Python: the library cannot hold it'
                                    % type(o).__name__)
        self.__dict__['_draft'] = (transaction_id, options or [])

    def __getattr__(self, name):
        return _draft_getattr(self, name, _MSG_SLOTS)

    def _materialize(self):
        transaction_id, options = self.__dict__.pop('_draft')
        if _parse_draft_message(self, transaction_id, options):
            return
        self._new(self.message_type)
        self.transaction_id = transaction_id
        if options:
            self.options = options

    @property
    def transaction_id(self):
        bad = self.__dict__.get('_bad')
        if bad and 'transaction_id' in bad:
            return bad['transaction_id'][0]
        return lib.d6t_msg_transaction_id(self._ptr).to_bytes(3, 'big')

    @transaction_id.setter
    def transaction_id(self, value):
        if isinstance(value, int) and 0 <= value < 1 << 24:
            value = value.to_bytes(3, 'big')
        if not isinstance(value, (bytes, bytearray)) or len(value) != 3:
            return defer(self, 'transaction_id', value, 'must be 3 bytes')
        settle(self, 'transaction_id')
        check(lib.d6t_msg_set_transaction_id(self._ptr, int.from_bytes(value, 'big')))

    def __repr__(self):
        return '%s(transaction_id=%r, options=%r)' % (type(self).__name__, self.transaction_id,
                                                      list(self.options))


def _addr_getter(fn, name):
    def get(self):
        bad = self.__dict__.get('_bad')
        if bad and name in bad:
            return bad[name][0]
        b = ffi.new('uint8_t[16]')
        check(fn(self._ptr, b))
        return IPv6Address(bytes(b))
    return get


def _addr_setter(fn, name):
    def put(self, value):
        if value is None:
            value = IPv6Address('::')
        if not isinstance(value, IPv6Address):
            return defer(self, name, value, 'must be an IPv6 address')
        settle(self, name)
        check(fn(self._ptr, value.packed))
    return put


class RelayServerMessage(Message):
    """Relay-forward / relay-reply: hop count, link and peer address, options."""
    __slots__ = ()
    _args = ('hop_count', 'link_address', 'peer_address', 'options')

    def __init__(self, hop_count=0, link_address=None, peer_address=None, options=None):
        self._new(self.message_type)
        self.hop_count = hop_count
        self.link_address = link_address
        self.peer_address = peer_address
        if options:
            self.options = options

    @property
    def hop_count(self):
        bad = self.__dict__.get('_bad')
        if bad and 'hop_count' in bad:
            return bad['hop_count'][0]
        return lib.d6t_msg_hop_count(self._ptr)

    @hop_count.setter
    def hop_count(self, value):
        if not _is_uint(value, 8):
            return defer(self, 'hop_count', value, 'must be an unsigned 8 bit integer')
        settle(self, 'hop_count')
        check(lib.d6t_msg_set_hop_count(self._ptr, value))

    link_address = property(_addr_getter(lib.d6t_msg_link_address, 'link_address'),
                            _addr_setter(lib.d6t_msg_set_link_address, 'link_address'))
    peer_address = property(_addr_getter(lib.d6t_msg_peer_address, 'peer_address'),
                            _addr_setter(lib.d6t_msg_set_peer_address, 'peer_address'))

    @property
    def relayed_message(self):
        return nested(self, lib.d6t_msg_relayed(self._ptr))

    @relayed_message.setter
    def relayed_message(self, msg):
        if _views is not None and _views.set_relayed(self, msg):
            return  # the common case, in C
        opt = lib.d6t_msg_find_opt(self._ptr, 9)
        if msg is None:  # dhcpkit: the option stays, without a message
            if opt != ffi.NULL:
                check(lib.d6t_opt_set_msg(opt, ffi.NULL))
            self.__dict__.pop('_nested', None)
            return
        if not isinstance(msg, Message):
            raise TypeError('a relayed message must be a Message')
        if opt == ffi.NULL:
            opt = lib.d6t_msg_add_relay_msg(self._ptr, msg._ptr)
            if opt == ffi.NULL:
                raise MemoryError
            if self._kids is not None:
                self._kids.append(wrap_opt(opt, self._arena))
        else:
            check(lib.d6t_opt_set_msg(opt, msg._ptr))
        self._arena.hold(msg._arena)
        self.__dict__['_nested'] = msg

    @property
    def inner_message(self):
        m = self.relayed_message
        while isinstance(m, RelayServerMessage):
            m = m.relayed_message
        return m

    @property
    def inner_relay_message(self):
        m = self
        while isinstance(m.relayed_message, RelayServerMessage):
            m = m.relayed_message
        return m

    def __repr__(self):
        return '%s(hop_count=%d, link_address=%r, peer_address=%r, options=%r)' % (
            type(self).__name__, self.hop_count, self.link_address, self.peer_address,
            list(self.options))


class RelayReplyMessage(RelayServerMessage):
    __slots__ = ()
    message_type = 13
    from_server_to_client = True


class RelayForwardMessage(RelayServerMessage):
    __slots__ = ()
    message_type = 12
    from_client_to_server = True

    def wrap_response(self, response: 'Message') -> 'RelayReplyMessage':
        """The RelayReplyMessage chain for 'response', mirroring this relay chain (dhcpkit's
        plain wrapping: no options echoed; TransactionBundle does the RFC echoing)."""
        reply = RelayReplyMessage(self.hop_count, self.link_address, self.peer_address)
        inner = self.relayed_message
        if isinstance(inner, RelayForwardMessage):
            reply.relayed_message = inner.wrap_response(response)
        elif isinstance(inner, ClientServerMessage):
            reply.relayed_message = response
        return reply


# dhcpkit's names for the client/server message types; the rest follow the same pattern.
_CS_NAMES = {
    1: 'SolicitMessage', 2: 'AdvertiseMessage', 3: 'RequestMessage', 4: 'ConfirmMessage',
    5: 'RenewMessage', 6: 'RebindMessage', 7: 'ReplyMessage', 8: 'ReleaseMessage',
    9: 'DeclineMessage', 10: 'ReconfigureMessage', 11: 'InformationRequestMessage',
    14: 'LeasequeryMessage', 15: 'LeasequeryReplyMessage', 16: 'LeasequeryDoneMessage',
    17: 'LeasequeryDataMessage', 18: 'ReconfigureRequestMessage', 19: 'ReconfigureReplyMessage',
    20: 'DHCPv4QueryMessage', 21: 'DHCPv4ResponseMessage', 22: 'ActiveLeasequeryMessage',
    23: 'StartTLSMessage',
}


def _build_message_classes():
    classes: Dict[int, Any] = {12: RelayForwardMessage, 13: RelayReplyMessage}
    for t, cls_name in _CS_NAMES.items():
        if lib.d6t_msg_type_kind(t) != lib.D6T_KIND_CLIENT_SERVER:
            continue
        to_client = bool(lib.d6t_msg_type_is_server_to_client(t))
        classes[t] = type(cls_name, (ClientServerMessage,), {
            '__slots__': (), 'message_type': t, 'from_server_to_client': to_client,
            'from_client_to_server': not to_client,
            '__doc__': '%s (%d)' % (ffi.string(lib.d6t_msg_type_name(t)).decode(), t)})
    return classes


MESSAGE_CLASSES = _build_message_classes()
if _speedups is not None:
    _speedups.setup(Option, IPv6Address, IPv4Address, IPv6Network, IPv4Network)
    _speedups.setup_names(LinkLayerTimeDUID, encode_dname)
    if hasattr(_speedups, 'option_init'):  # the same __init__s without a Python frame
        _option_init_py, _message_init_py = Option.__init__, ClientServerMessage.__init__
        _speedups.setup_init(_option_init_py, _message_init_py)
        setattr(Option, '__init__', _speedups.option_init)
        setattr(ClientServerMessage, '__init__', _speedups.message_init)
globals().update({c.__name__: c for c in MESSAGE_CLASSES.values()})


class MessageRegistry(dict):
    """dhcpkit's message_registry: message type -> class (see OptionRegistry)."""


message_registry = MessageRegistry(MESSAGE_CLASSES)


def split_relay_chain(message: Any) -> Tuple[Any, Optional[List[Any]]]:
    """(request, relay messages closest to the client first), as dhcpkit.ipv6.utils does."""
    relays: List[Message] = []
    while isinstance(message, RelayForwardMessage):
        relays.insert(0, message)
        message = message.relayed_message
    if not isinstance(message, ClientServerMessage) or not message.from_client_to_server:
        return None, None
    return message, relays


# ---------------------------------------------------------------- dhcpkit's constants

def _constants():
    out = {}
    for t in range(1, 256):
        name = lib.d6t_msg_type_name(t)
        if name != ffi.NULL:
            out['MSG_' + ffi.string(name).decode().replace('-', '_')] = t
    for cls in OPTION_CLASSES.values():
        if cls.option_space == SPACE_DHCPV6:
            out[cls.option_name] = cls.option_type
    # Status codes and query types come from the C enums (codes.h): D6T_SC_NOT_ON_LINK is
    # dhcpkit's STATUS_NOT_ON_LINK, also spelled STATUS_NOTONLINK there; D6T_QUERY_BY_X is
    # QUERY_BY_X, and dhcpkit writes QUERY_BY_CLIENTID as QUERY_BY_CLIENT_ID.
    for name, value in ffi.typeof('d6t_status_code').relements.items():
        word = name[len('D6T_SC_'):]
        out['STATUS_' + word] = out['STATUS_' + word.replace('_', '')] = value
    for name, value in ffi.typeof('d6t_query_type').relements.items():
        out[name[len('D6T_'):]] = value
    out['QUERY_BY_CLIENT_ID'] = lib.D6T_QUERY_BY_CLIENTID
    # dhcpkit spells a few differently from IANA
    out.update(MSG_RELAY_FORW=12, MSG_RELAY_REPL=13, MSG_INFORMATION_REQUEST=11)
    return out


CONSTANTS = _constants()
globals().update(CONSTANTS)

__all__ = (['Option', 'NTPSubOption', 'UnknownNTPSubOption', 'UnknownOption', 'Message', 'UnknownMessage', 'ClientServerMessage',
            'RelayServerMessage', 'RelayForwardMessage', 'RelayReplyMessage', 'OptionList',
            'split_relay_chain', 'OPTION_CLASSES', 'MESSAGE_CLASSES', 'CONSTANTS',
            'OptionRegistry', 'option_registry', 'MessageRegistry', 'message_registry'] +
           sorted(OPTION_CLASSES) + sorted(c.__name__ for c in MESSAGE_CLASSES.values()) +
           sorted(CONSTANTS))

if _views is not None:  # the C side, with the Python code for what it leaves that code
    _views.setup_classes({
        'Message': Message, 'Option': Option, 'UnknownMessage': UnknownMessage,
        'UnknownOption': UnknownOption, 'OptionList': OptionList,
        'message_classes': MESSAGE_CLASSES, 'table_code': _TABLE_CODE,
        'class_by_def': {int(ffi.cast('uintptr_t', d)): c for d, c in _OPTION_BY_DEF.items()},
        'msg_refs': _msg_refs, 'arena_refs': _arena_refs, 'registry': _core._registry,
        'DEFERRED': DEFERRED, 'get_option_of_type': _Node.get_option_of_type,
        'copied_option': _copied_option, 'options_setter': _Node.__dict__['options'].fset,
        'option_init': Option.__dict__['__init__'],
        'draft_message': getattr(_speedups, 'message', None),
        'bind_parsed': _bind_parsed, 'copy_option': _views.copied_option,
        'node_missing': _node_missing, 'arenas': _arenas,
        'ClientServerMessage': ClientServerMessage,
        'message_init': ClientServerMessage.__dict__['__init__'],
        'bundle_ctype': ffi.typeof('d6t_bundle *'), 'message_registry': message_registry})
    # Message.parse's common case in C, the Python one (_py_parse) for the rest
    setattr(Message, '_py_parse', Message.__dict__['parse'])
    setattr(Message, 'parse', classmethod(_views.message_parse))
    _new_arena = _views.new_arena  # noqa: F811 (the same, in C)
    if _speedups is not None:  # the encoder reads the values the C base keeps
        _speedups.setup_node(_views.Node)
    delattr(Option, '__init__')  # options made by the C base's __init__, called by the type
    delattr(ClientServerMessage, '__init__')  # and client/server messages
    # the table's option classes called without type_call (their objects made from the call's
    # arguments directly; a class given its own __init__ or __new__ later goes the usual way)
    _views.fast_calls([c for c in list(OPTION_CLASSES.values()) + list(MESSAGE_CLASSES.values())
                       if isinstance(c, type) and issubclass(c, (Option, ClientServerMessage)) and
                       '__init__' not in c.__dict__ and '__new__' not in c.__dict__])
    # every class of the table (and the unknown ones) frees its objects without subtype_dealloc
    _views.fast_dealloc([c for c in list(OPTION_CLASSES.values()) + list(MESSAGE_CLASSES.values()) +
                         [UnknownOption, UnknownMessage, OptionList] if isinstance(c, type)])
    # the C base asks _node_missing for a draft's C side: no __getattr__, whose slot made every
    # attribute read of these objects take the interpreter's slow path
    delattr(Option, '__getattr__')
    delattr(ClientServerMessage, '__getattr__')
    setattr(_Node, 'get_option_of_type', _views.Node.__dict__['get_option_of_type'])
    _copy_option = _views.copied_option
    wrap_msg = _views.wrap_msg  # noqa: F811 (the same, in C)
    new_msg_wrapper = _views.new_msg_wrapper  # noqa: F811
    for _cls in (Option, Message):  # save() in C, with the Python one for what C leaves it
        setattr(_cls, '_py_save', _cls.__dict__['save'])
        setattr(_cls, 'save', _views.Node.__dict__['save'])
    _tid_property = ClientServerMessage.__dict__['transaction_id']

    class _TransactionId(_views.Field):
        """ClientServerMessage.transaction_id, read in C (the property for the rest)."""

        def _py_get(self, obj, cls=None):
            return _tid_property.__get__(obj, cls)

        def __set__(self, obj, value):
            _tid_property.__set__(obj, value)

    _tid_field = _TransactionId()
    _tid_field._c_setup('transaction_id', 0, 5)
    setattr(ClientServerMessage, 'transaction_id', _tid_field)
    setattr(_Node, 'options', _views.Node.__dict__['options'])
    # a relay message's relayed and innermost messages read in C (the setter stays Python's)
    _relayed_property = RelayServerMessage.__dict__['relayed_message']
    setattr(RelayServerMessage, 'relayed_message',
            property(_views.relayed, _relayed_property.fset, None, _relayed_property.__doc__))
    setattr(RelayServerMessage, 'inner_message',
            property(_views.inner, None, None, RelayServerMessage.__dict__['inner_message'].__doc__))
