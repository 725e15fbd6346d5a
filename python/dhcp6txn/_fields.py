"""Typed option fields: one descriptor per field of the C option table, converting between the
wire types (d6t_ftype) and the Python values dhcpkit uses (int, bytes, str, ipaddress objects,
DUID objects, lists of those).

List values are returned as a list that writes itself back on every change, so dhcpkit-style
`option.dns_servers.append(addr)` updates the option.
SPDX-License-Identifier: BSD-2-Clause
"""
import struct
import threading
from typing import Any, Dict, List, Tuple
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_network

from ._core import _views
from ._lib import Error, check, ffi, lib
from ._optdefs import BYTES_KEYS
from .duids import DUID, LinkLayerTimeDUID

_FieldBase: Any = _views.Field if _views is not None else object

FT = {name[7:]: getattr(lib, name) for name in dir(lib) if name.startswith('D6T_FT_')}


class BoundList(list):
    """A list whose changes are written back to the option field it came from."""
    __slots__ = ('_store',)

    def __init__(self, values, store):
        super().__init__(values)
        self._store = store

    def _sync(self):
        self._store(list(self))


def _mutator(name):
    base = getattr(list, name)

    def method(self, *args):
        result = base(self, *args)
        self._sync()
        return result if name != '__iadd__' else self
    method.__name__ = name
    return method


for _name in ('append', 'extend', 'insert', 'remove', 'pop', 'clear', 'sort', 'reverse',
              '__setitem__', '__delitem__', '__iadd__'):
    setattr(BoundList, _name, _mutator(_name))


_cells = threading.local()


def _raw_cells():
    """Per-thread out cells of d6t_opt_get_bytes (ffi.new costs more than the call)."""
    c = getattr(_cells, 'raw', None)
    if c is None:
        c = _cells.raw = (ffi.new('const uint8_t **'), ffi.new('size_t *'))
    return c


def _cell(ctype):
    """A per-thread out cell of C type 'ctype', read right after the call that fills it."""
    c = getattr(_cells, ctype, None)
    if c is None:
        c = ffi.new(ctype)
        setattr(_cells, ctype, c)
    return c


def _raw(o, k):
    data, n = _raw_cells()
    check(lib.d6t_opt_get_bytes(o, k, data, n))
    return ffi.buffer(data[0], n[0])[:] if n[0] else b''


def _set_raw(o, k, value):
    value = bytes(value)
    check(lib.d6t_opt_set_bytes(o, k, value, len(value)))


def _u(getter, setter, ctype):
    def get(o, k):
        v = _cell(ctype)
        check(getter(o, k, v))
        return v[0]

    def put(o, k, value):
        check(setter(o, k, value))
    return get, put


def _addr6_get(o, k):
    b = _cell('uint8_t[16]')
    check(lib.d6t_opt_get_addr6(o, k, b))
    return IPv6Address(ffi.buffer(b)[:])


def _packed6(value):
    return value.packed if isinstance(value, IPv6Address) else IPv6Address(value).packed


def _addr6_set(o, k, value):
    check(lib.d6t_opt_set_addr6(o, k, _packed6(value)))


def _addr4_get(o, k):
    b = _cell('uint8_t[4]')
    check(lib.d6t_opt_get_addr4(o, k, b))
    return IPv4Address(ffi.buffer(b)[:])


def _addr4_set(o, k, value):
    check(lib.d6t_opt_set_addr4(o, k, IPv4Address(value).packed))


def _prefix_get(v4):
    def get(o, k):
        b, plen = _cell('uint8_t[16]'), _cell('uint8_t *')
        check(lib.d6t_opt_get_prefix(o, k, b, plen))
        if v4:
            return IPv4Network((ffi.buffer(b, 4)[:], plen[0]), strict=False)
        return IPv6Network((ffi.buffer(b)[:], plen[0]), strict=False)
    return get


def _prefix_set(v4):
    def put(o, k, value):
        net = value if isinstance(value, (IPv4Network, IPv6Network)) else ip_network(value, strict=False)
        if (net.version == 4) != v4:
            raise ValueError('%s is not an IPv%d prefix' % (value, 4 if v4 else 6))
        check(lib.d6t_opt_set_prefix(o, k, net.network_address.packed, net.prefixlen))
    return put


def _addr6_list_get(prefixed):
    def get(o, k):
        raw = _raw(o, k)
        if prefixed:
            raw = raw[2:]
        return [IPv6Address(raw[i:i + 16]) for i in range(0, len(raw), 16)]
    return get


def _addr6_list_set(prefixed):
    def put(o, k, values):
        body = b''.join(_packed6(v) for v in values)
        if prefixed and body:
            body = struct.pack('!H', len(body)) + body
        _set_raw(o, k, body)
    return put


def _u16_list_get(o, k):
    raw = _raw(o, k)
    return list(struct.unpack('!%dH' % (len(raw) // 2), raw))


def _u16_list_set(o, k, values):
    _set_raw(o, k, struct.pack('!%dH' % len(values), *values))


def _bin16_list_get(o, k):
    raw, out, i = _raw(o, k), [], 0
    while i + 2 <= len(raw):
        n = struct.unpack_from('!H', raw, i)[0]
        out.append(raw[i + 2:i + 2 + n])
        i += 2 + n
    return out


def _bin16_list_set(o, k, values):
    _set_raw(o, k, b''.join(struct.pack('!H', len(v)) + bytes(v) for v in values))


def _dname_get(o, k):
    buf = _cell('char[1024]')
    check(lib.d6t_opt_get_dname(o, k, 0, buf, 1024))
    return ffi.string(buf).decode('utf-8', 'surrogateescape')


def _name_status(st, text):
    # '' is no name: taken as the root it would turn a blank search-list entry into "search the
    # root", so it is refused like any other bad value; the root is written '.'
    if st == lib.D6T_ERR_EMPTY_NAME:
        raise ValueError('empty domain name (the root is written ".")')
    if st != lib.D6T_OK:
        raise Error(st, what='domain name %r' % text)


def _dname_set(o, k, value):
    _name_status(lib.d6t_opt_set_dname(o, k, value.encode('utf-8', 'surrogateescape')), value)


_DNAMES: Dict[Tuple[str, bool], bytes] = {}  # names encoded before (servers repeat theirs)


def encode_dname(text, relative_ok=False):
    key = (text, bool(relative_ok))
    wire = _DNAMES.get(key) if type(text) is str else None
    if wire is not None:
        return wire
    out, n = ffi.new('uint8_t[256]'), ffi.new('size_t *')
    flags = lib.D6T_DNAME_RELATIVE_OK if relative_ok else 0
    _name_status(lib.d6t_dname_from_text(text.encode('utf-8', 'surrogateescape'), flags, out, 256,
                                         n), text)
    wire = bytes(out[0:n[0]])
    if type(text) is not str:
        return wire
    if len(_DNAMES) >= 256:
        _DNAMES.clear()
    _DNAMES[key] = wire
    return wire


def _dname_list_get(o, k):
    pos, data, n = ffi.new('size_t *'), ffi.new('const uint8_t **'), ffi.new('size_t *')
    buf = ffi.new('char[1024]')
    out: List[str] = []
    while True:
        st = lib.d6t_opt_list_next(o, k, pos, data, n)
        if st == lib.D6T_ERR_NOT_FOUND:
            return out
        check(st)
        check(lib.d6t_dname_to_text(data[0], n[0], 0, buf, 1024, ffi.NULL))
        out.append(ffi.string(buf).decode('utf-8', 'surrogateescape'))


def _dname_list_set(o, k, values):
    _set_raw(o, k, b''.join(encode_dname(v) for v in values))


def _text_get(o, k):
    return _raw(o, k).decode('utf-8', 'surrogateescape')


def _text_set(o, k, value):
    if isinstance(value, str):
        value = value.encode('utf-8', 'surrogateescape')
    _set_raw(o, k, value)


def _duid_get(o, k):
    raw = _raw(o, k)
    return DUID.parse(raw, length=len(raw))[1] if raw else None


def _duid_set(o, k, value):
    _set_raw(o, k, value.save() if isinstance(value, DUID) else value)


_U8 = _u(lib.d6t_opt_get_u8, lib.d6t_opt_set_u8, 'uint8_t *')
_U16 = _u(lib.d6t_opt_get_u16, lib.d6t_opt_set_u16, 'uint16_t *')
_U32 = _u(lib.d6t_opt_get_u32, lib.d6t_opt_set_u32, 'uint32_t *')

# ftype -> (getter, setter, is_list)
CONVERTERS = {
    FT['U8']: _U8 + (False,),
    FT['U16']: _U16 + (False,),
    FT['PSID']: _U16 + (False,),
    FT['U32']: _U32 + (False,),
    FT['BIN']: (_raw, _set_raw, False),
    FT['BIN_REST']: (_raw, _set_raw, False),
    FT['TEXT']: (_text_get, _text_set, False),
    FT['DUID']: (_duid_get, _duid_set, False),
    FT['ADDR6']: (_addr6_get, _addr6_set, False),
    FT['ADDR4']: (_addr4_get, _addr4_set, False),
    FT['PREFIX6']: (_prefix_get(False), _prefix_set(False), False),
    FT['PREFIX6_VAR']: (_prefix_get(False), _prefix_set(False), False),
    FT['PREFIX4']: (_prefix_get(True), _prefix_set(True), False),
    FT['ADDR6_LIST']: (_addr6_list_get(False), _addr6_list_set(False), True),
    FT['ADDR6_LIST16']: (_addr6_list_get(True), _addr6_list_set(True), True),
    FT['U16_LIST']: (_u16_list_get, _u16_list_set, True),
    FT['BIN16_LIST']: (_bin16_list_get, _bin16_list_set, True),
    FT['DNAME']: (_dname_get, _dname_set, False),
    FT['FQDN']: (_dname_get, _dname_set, False),
    FT['DNAME16']: (_dname_get, _dname_set, False),
    FT['DNAME_LIST']: (_dname_list_get, _dname_list_set, True),
}


def _is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def _is_bytes(v):
    return isinstance(v, (bytes, bytearray, memoryview))


def _seq_of(check):
    def ok(v):
        return isinstance(v, (list, tuple)) and all(check(x) for x in v)
    return ok


# ftype -> (test of a Python value, what the value must be): dhcpkit's types, checked before
# anything is written, so a wrong value is kept for validate() to refuse (as dhcpkit does)
_INT = (_is_int, 'an integer')
_TYPES = {
    FT['U8']: _INT, FT['U16']: _INT, FT['PSID']: _INT, FT['U32']: _INT,
    FT['BIN']: (_is_bytes, 'a sequence of bytes'),
    FT['BIN_REST']: (_is_bytes, 'a sequence of bytes'),
    FT['TEXT']: (lambda v: isinstance(v, str), 'a string'),
    FT['DUID']: (lambda v: isinstance(v, DUID), 'a DUID object'),
    FT['ADDR6']: (lambda v: isinstance(v, IPv6Address), 'a valid IPv6 address'),
    FT['ADDR4']: (lambda v: isinstance(v, IPv4Address), 'a valid IPv4 address'),
    FT['PREFIX6']: (lambda v: isinstance(v, IPv6Network), 'an IPv6 prefix'),
    FT['PREFIX6_VAR']: (lambda v: isinstance(v, IPv6Network), 'an IPv6 prefix'),
    FT['PREFIX4']: (lambda v: isinstance(v, IPv4Network), 'an IPv4 prefix'),
    FT['ADDR6_LIST']: (_seq_of(lambda x: isinstance(x, IPv6Address)), 'a list of IPv6 addresses'),
    FT['ADDR6_LIST16']: (_seq_of(lambda x: isinstance(x, IPv6Address)),
                         'a list of IPv6 addresses'),
    FT['U16_LIST']: (_seq_of(_is_int), 'a list of integers'),
    FT['BIN16_LIST']: (_seq_of(_is_bytes), 'a list of sequences of bytes'),
    FT['DNAME']: (lambda v: isinstance(v, str), 'a string'),
    FT['FQDN']: (lambda v: isinstance(v, str), 'a string'),
    FT['DNAME16']: (lambda v: isinstance(v, str), 'a string'),
    FT['DNAME_LIST']: (_seq_of(lambda x: isinstance(x, str)), 'a list of strings'),
}


# set once any value was ever kept for refusal: until then save() need not look for one
DEFERRED = [False]


def defer(obj, name, value, reason):
    """Keep a value the option cannot hold until validate() or save() refuses it: dhcpkit's
    attributes take anything and validate() says what is wrong."""
    DEFERRED[0] = True
    bad = obj.__dict__.get('_bad')
    if bad is None:
        bad = obj.__dict__['_bad'] = {}
    bad[name] = (value, reason)


def settle(obj, name):
    bad = obj.__dict__.get('_bad')
    if bad:
        bad.pop(name, None)


def pending(obj):
    """'name: reason' for every value 'obj' was given and could not hold."""
    bad = obj.__dict__.get('_bad') if hasattr(obj, '__dict__') else None
    return ['%s %s' % (k, r) for k, (_, r) in bad.items()] if bad else []


# The wire bytes of a field's value, as its setter would write them, for building a new option
# in one C call (see _elements._draft_payload). Each returns None for anything it is not sure
# about (wrong types, values a setter refuses or changes): the option is then made field by
# field, so that setters keep the say on what is refused and how.
_PACK = {1: struct.Struct('!B').pack, 2: struct.Struct('!H').pack, 4: struct.Struct('!I').pack}


def _wire_uint(size):
    pack, top = _PACK[size], 1 << (8 * size)

    def enc(v):
        if type(v) is int and 0 <= v < top:
            return pack(v)
        return None
    return enc


def _wire_fixed_bytes(size):
    def enc(v):
        if type(v) is bytes and len(v) == size:
            return v
        return None
    return enc


def _wire_prefix(cls, var, width):
    def enc(v):
        if type(v) is not cls:
            return None
        plen = v.prefixlen
        packed = v.network_address.packed
        return bytes((plen,)) + (packed[:(plen + 7) // 8] if var else packed[:width])
    return enc


def _wire_addr_list(prefixed):
    def enc(v):
        if type(v) is not list and type(v) is not tuple:
            return None
        try:
            body = b''.join([a.packed for a in v if type(a) is IPv6Address])
        except AttributeError:
            return None
        if len(body) != 16 * len(v):
            return None
        return struct.pack('!H', len(body)) + body if prefixed and body else body
    return enc


def _wire_u16_list(v):
    if (type(v) is not list and type(v) is not tuple) or \
            not all(type(x) is int and 0 <= x < 65536 for x in v):
        return None
    return struct.pack('!%dH' % len(v), *v)


def _wire_name(relative_ok, prefixed):
    def enc(v):
        if type(v) is not str:
            return None
        try:
            wire = encode_dname(v, relative_ok)
        except ValueError:
            return None
        return struct.pack('!H', len(wire)) + wire if prefixed else wire
    return enc


def _wire_name_list(v):
    if type(v) is not list and type(v) is not tuple:
        return None
    out = []
    for name in v:
        if type(name) is not str:
            return None
        try:
            out.append(encode_dname(name))
        except ValueError:
            return None
    return b''.join(out)


def _wire_text(v):
    return v.encode('utf-8', 'surrogateescape') if type(v) is str else None


def _wire_bytes(v):
    return v if type(v) is bytes else None


_LLT = struct.Struct('!HHI').pack


def _wire_duid(v):
    if type(v) is LinkLayerTimeDUID:  # a server's own DUID: what save() writes, without its loop
        t, hw, tm, ll = v.duid_type, v.hardware_type, v.time, v.link_layer_address
        if type(t) is int and type(hw) is int and type(tm) is int and type(ll) is bytes and \
                0 <= t < 65536 and 0 <= hw < 65536 and 0 <= tm < 1 << 32:
            return _LLT(t, hw, tm) + ll
    if not isinstance(v, DUID):
        return None
    try:
        return v.save()
    except (ValueError, TypeError, OverflowError, struct.error):
        return None


_WIRE = {
    FT['U8']: _wire_uint(1), FT['U16']: _wire_uint(2), FT['U32']: _wire_uint(4),
    FT['BIN_REST']: _wire_bytes, FT['TEXT']: _wire_text, FT['DUID']: _wire_duid,
    FT['ADDR6']: lambda v: v.packed if type(v) is IPv6Address else None,
    FT['ADDR4']: lambda v: v.packed if type(v) is IPv4Address else None,
    FT['PREFIX6']: _wire_prefix(IPv6Network, False, 16),
    FT['PREFIX6_VAR']: _wire_prefix(IPv6Network, True, 16),
    FT['PREFIX4']: _wire_prefix(IPv4Network, False, 4),
    FT['ADDR6_LIST']: _wire_addr_list(False), FT['ADDR6_LIST16']: _wire_addr_list(True),
    FT['U16_LIST']: _wire_u16_list,
    FT['DNAME']: _wire_name(False, False), FT['FQDN']: _wire_name(True, False),
    FT['DNAME16']: _wire_name(False, True), FT['DNAME_LIST']: _wire_name_list,
}
# what a field holds before anything is written (lib/fields.c default_size: zeros, the root
# name for names, length 0 for a variable prefix)
_FIXED = {FT['U8']: 1, FT['U16']: 2, FT['U32']: 4, FT['PSID']: 2, FT['ADDR4']: 4, FT['ADDR6']: 16,
          FT['PREFIX6']: 17, FT['PREFIX4']: 5}
_DEFAULT = {FT['PREFIX6_VAR']: b'\x00', FT['DNAME']: b'\x00', FT['DNAME16']: b'\x00\x01\x00'}


# how dhcp6txn._speedups writes each field type: (kind, size); kind 0 calls Field.wire
_C_KIND = {
    FT['U8']: (1, 1), FT['U16']: (1, 2), FT['U32']: (1, 4), FT['BIN_REST']: (3, 0),
    FT['TEXT']: (4, 0), FT['ADDR6']: (5, 16), FT['ADDR4']: (5, 4), FT['PREFIX6']: (6, 16),
    FT['PREFIX4']: (6, 4), FT['PREFIX6_VAR']: (7, 16), FT['ADDR6_LIST']: (8, 0),
    FT['ADDR6_LIST16']: (9, 0), FT['U16_LIST']: (10, 0), FT['DUID']: (11, 0),
    FT['DNAME_LIST']: (12, 0),
}


def c_wire_spec(field):
    """The field as dhcp6txn._speedups reads it: (name, kind, size, default bytes, encoder)."""
    kind, size = _C_KIND.get(field.ftype, (0, 0))
    if field.ftype == FT['BIN'] or field.key in BYTES_KEYS:
        kind, size = 2, field.fixed
    return (field.name, kind, size, field.default, field.wire)


class Field(_FieldBase):
    """Descriptor for one field of a known option, straight from the C option table."""

    def __init__(self, name, key, ftype, size):
        self.name, self.key, self.ftype, self.size = name, key, ftype, size
        self._get, self._set, self.is_list = CONVERTERS[ftype]
        self._ok, self._what = _TYPES[ftype]
        # wire bytes of a value (None: make it with the setter), and of no value
        self.fixed = fixed = _FIXED.get(ftype, 0) + size
        self.wire = _WIRE.get(ftype)
        if ftype == FT['BIN']:
            self.wire = _wire_fixed_bytes(fixed)
        self.default = _DEFAULT.get(ftype, bytes(fixed))
        if key in BYTES_KEYS:  # an identifier dhcpkit keeps as bytes (IAID): its wire bytes
            self._get, self._set = _raw, _set_raw
            self._ok, self._what = _is_bytes, 'a sequence of bytes'
            self.wire = _wire_fixed_bytes(fixed)
        if _views is not None:  # the C __get__ reads these kinds itself
            kind = {_raw: 1, _U8[0]: 2, _U16[0]: 3, _U32[0]: 4}.get(self._get, 0)
            self._c_setup(name, key, 0 if self.is_list else kind)

    def _py_get(self, obj, cls=None):
        """__get__ (with _views: what its C __get__ leaves it)."""
        if obj is None:
            return self
        d = obj.__dict__
        draft = d.get('_draft')
        if draft is not None and draft.get(self.name) is not None:
            value = draft[self.name]  # as given, the way dhcpkit keeps it
            if self.is_list:
                return BoundList(value, lambda v, obj=obj: self.__set__(obj, v))
            return value
        bad = d.get('_bad')
        if bad and self.name in bad:
            return bad[self.name][0]
        value = self._get(obj._ptr, self.key)
        if self.is_list:
            return BoundList(value, lambda v, obj=obj: self.__set__(obj, v))
        return value

    if _views is None:
        __get__ = _py_get

    def __set__(self, obj, value):
        d = obj.__dict__
        draft = d.get('_draft')
        if draft is not None:  # checked when the option is made
            draft[self.name] = value
            return
        if self.is_list and value is None:
            value = []
        if not self._ok(value):
            return defer(obj, self.name, value, 'must be %s' % self._what)
        try:
            self._set(obj._ptr, self.key, value)
        except (ValueError, TypeError, OverflowError, struct.error) as e:
            return defer(obj, self.name, value, 'cannot be %r: %s' % (value, e))
        if '_bad' in d:
            settle(obj, self.name)
