"""DUIDs (RFC 9915 section 11, RFC 6355) as small value objects with dhcpkit's names.

A DUID is a value, not a view into C memory: ClientIdOption.duid returns a fresh DUID parsed from
the option, and assigning a DUID writes its bytes into the option.
SPDX-License-Identifier: BSD-2-Clause
"""
import struct
from typing import Any, Dict, Optional, Tuple

from .protocol_element import ElementDataRepresentation, ProtocolElement

DUID_LLT = 1
DUID_EN = 2
DUID_LL = 3
DUID_UUID = 4


# RFC 9915 section 11.1: at most 128 octets, not counting the 2-byte type code
MAX_DUID_LENGTH = 130

# field -> bits of the unsigned integers in DUIDs
_UINT_BITS = {'hardware_type': 16, 'time': 32, 'enterprise_number': 32, 'duid_type': 16}


class DUID(ProtocolElement):
    """Base class. parse() picks the subclass from the type code; save() gives the wire bytes."""
    duid_type = 0
    _fields: Tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        names = self._fields
        if len(args) > len(names):
            raise TypeError('%s takes at most %d arguments' % (type(self).__name__, len(names)))
        values = dict(zip(names, args))
        for k, v in kwargs.items():
            if k not in names or k in values:
                raise TypeError('%s: unexpected argument %r' % (type(self).__name__, k))
            values[k] = v
        for k in names:
            setattr(self, k, values.get(k, self._defaults.get(k)))

    _defaults: Dict[str, Any] = {}

    @classmethod
    def parse(cls, buffer: bytes, offset: int = 0, length: Optional[int] = None) -> Tuple[int, 'DUID']:
        """(length used, DUID) from buffer[offset:offset+length], like dhcpkit: a DUID has no
        length of its own, so the caller must give it."""
        if length is None:
            raise ValueError('DUIDs need a length to parse')
        data = bytes(buffer[offset:offset + length])
        if len(data) < 2:
            raise ValueError('DUID shorter than its type code')
        duid_type = struct.unpack_from('!H', data)[0]
        klass: Any = _REGISTRY.get(duid_type)
        try:
            duid = klass._from_body(data[2:]) if klass else None
        except (struct.error, ValueError):
            duid = None  # shorter than its type's fixed part: keep the bytes as they are
        if duid is None:
            duid = UnknownDUID(duid_type, data[2:])
        return len(data), duid

    @classmethod
    def _from_body(cls, body: bytes) -> 'DUID':
        raise NotImplementedError

    def _body(self) -> bytes:
        raise NotImplementedError

    def load_from(self, buffer: bytes, offset: int = 0, length: Optional[int] = None) -> int:
        """dhcpkit's in-place parse; returns the number of bytes used."""
        used, other = DUID.parse(buffer, offset, length)
        if type(other) is not type(self):
            raise ValueError('The provided buffer does not contain %s data' % type(self).__name__)
        for k in self._fields:
            setattr(self, k, getattr(other, k))
        return used

    def _check_fields(self):
        for k in self._fields:
            v = getattr(self, k)
            if k in _UINT_BITS:
                bits = _UINT_BITS[k]
                if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v < 1 << bits:
                    raise ValueError('%s must be an unsigned %d bit integer' % (k, bits))
            elif not isinstance(v, (bytes, bytearray)):
                raise ValueError('%s must be a sequence of bytes' % k)

    def save(self) -> bytes:
        self._check_fields()
        return struct.pack('!H', self.duid_type) + self._body()

    def __bytes__(self):
        return bytes(self.save())

    def validate(self) -> None:
        if len(self.save()) > MAX_DUID_LENGTH:
            raise ValueError('%s cannot be longer than %d bytes' % (type(self).__name__,
                                                                    MAX_DUID_LENGTH))

    def __eq__(self, other):
        if type(self) is not type(other):
            return NotImplemented
        return self.save() == other.save()

    def __hash__(self):
        return hash(self.save())

    def __repr__(self):
        return '%s(%s)' % (type(self).__name__,
                           ', '.join('%s=%r' % (k, getattr(self, k)) for k in self._fields))

    def display_fields(self):
        out = []
        for k in self._fields:
            v = getattr(self, k)
            if k == 'hardware_type' and isinstance(v, int):
                v = ElementDataRepresentation('%s (%d)' % (_HARDWARE_TYPES.get(v, 'Unknown'), v))
            elif k == 'link_layer_address' and getattr(self, 'hardware_type', None) == 1 \
                    and isinstance(v, bytes) and len(v) == 6:
                v = ElementDataRepresentation(':'.join('%02x' % b for b in v))
            out.append((k, v))
        return out


class UnknownDUID(DUID):
    duid_data: bytes
    _fields = ('duid_type', 'duid_data')
    _defaults = {'duid_type': 0, 'duid_data': b''}

    def _body(self):
        return bytes(self.duid_data)


class LinkLayerTimeDUID(DUID):
    duid_type = DUID_LLT
    hardware_type: int
    time: int
    link_layer_address: bytes
    _fields = ('hardware_type', 'time', 'link_layer_address')
    _defaults = {'hardware_type': 0, 'time': 0, 'link_layer_address': b''}

    @classmethod
    def _from_body(cls, body):
        hw, t = struct.unpack_from('!HI', body)
        return cls(hw, t, body[6:])

    def _body(self):
        return struct.pack('!HI', self.hardware_type, self.time) + bytes(self.link_layer_address)


class EnterpriseDUID(DUID):
    duid_type = DUID_EN
    enterprise_number: int
    identifier: bytes
    _fields = ('enterprise_number', 'identifier')
    _defaults = {'enterprise_number': 0, 'identifier': b''}

    @classmethod
    def _from_body(cls, body):
        return cls(struct.unpack_from('!I', body)[0], body[4:])

    def _body(self):
        return struct.pack('!I', self.enterprise_number) + bytes(self.identifier)


class LinkLayerDUID(DUID):
    duid_type = DUID_LL
    hardware_type: int
    link_layer_address: bytes
    _fields = ('hardware_type', 'link_layer_address')
    _defaults = {'hardware_type': 0, 'link_layer_address': b''}

    @classmethod
    def _from_body(cls, body):
        return cls(struct.unpack_from('!H', body)[0], body[2:])

    def _body(self):
        return struct.pack('!H', self.hardware_type) + bytes(self.link_layer_address)


class UUIDDUID(DUID):
    """RFC 6355 DUID-UUID (not in dhcpkit): 'uuid' is the 16 bytes."""
    duid_type = DUID_UUID
    uuid: bytes
    _fields = ('uuid',)
    _defaults = {'uuid': bytes(16)}

    @classmethod
    def _from_body(cls, body):
        if len(body) != 16:
            raise ValueError('DUID-UUID is 16 bytes')
        return cls(body)

    def _body(self):
        return bytes(self.uuid)


_HARDWARE_TYPES = {1: 'Ethernet', 2: 'Experimental Ethernet', 6: 'IEEE 802', 32: 'InfiniBand'}

_REGISTRY: Dict[int, Any] = {c.duid_type: c for c in (LinkLayerTimeDUID, EnterpriseDUID, LinkLayerDUID, UUIDDUID)}

__all__ = ['DUID', 'UnknownDUID', 'LinkLayerTimeDUID', 'EnterpriseDUID', 'LinkLayerDUID', 'UUIDDUID',
           'DUID_LLT', 'DUID_EN', 'DUID_LL', 'DUID_UUID']
