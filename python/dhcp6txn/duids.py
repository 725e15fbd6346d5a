"""DUIDs (RFC 9915 section 11, RFC 6355) as small value objects with dhcpkit's names.

A DUID is a value, not a view into C memory: ClientIdOption.duid returns a fresh DUID parsed from
the option, and assigning a DUID writes its bytes into the option.
SPDX-License-Identifier: BSD-2-Clause
"""
import struct

DUID_LLT = 1
DUID_EN = 2
DUID_LL = 3
DUID_UUID = 4


class DUID:
    """Base class. parse() picks the subclass from the type code; save() gives the wire bytes."""
    duid_type = 0
    _fields = ()

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

    _defaults = {}

    @classmethod
    def parse(cls, buffer, offset=0, length=None):
        """(length used, DUID) from buffer[offset:offset+length], like dhcpkit."""
        if length is None:
            length = len(buffer) - offset
        data = bytes(buffer[offset:offset + length])
        if len(data) < 2:
            raise ValueError('DUID shorter than its type code')
        duid_type = struct.unpack_from('!H', data)[0]
        klass = _REGISTRY.get(duid_type)
        try:
            duid = klass._from_body(data[2:]) if klass else None
        except (struct.error, ValueError):
            duid = None  # shorter than its type's fixed part: keep the bytes as they are
        if duid is None:
            duid = UnknownDUID(duid_type, data[2:])
        return len(data), duid

    def save(self):
        return struct.pack('!H', self.duid_type) + self._body()

    def __bytes__(self):
        return bytes(self.save())

    def validate(self):
        if len(self.save()) > 130:
            raise ValueError('DUID longer than 130 bytes')

    def __eq__(self, other):
        if type(self) is not type(other):
            return NotImplemented
        return self.save() == other.save()

    def __hash__(self):
        return hash(self.save())

    def __repr__(self):
        return '%s(%s)' % (type(self).__name__,
                           ', '.join('%s=%r' % (k, getattr(self, k)) for k in self._fields))

    __str__ = __repr__


class UnknownDUID(DUID):
    _fields = ('duid_type', 'duid_data')
    _defaults = {'duid_type': 0, 'duid_data': b''}

    def _body(self):
        return bytes(self.duid_data)


class LinkLayerTimeDUID(DUID):
    duid_type = DUID_LLT
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
    _fields = ('enterprise_number', 'identifier')
    _defaults = {'enterprise_number': 0, 'identifier': b''}

    @classmethod
    def _from_body(cls, body):
        return cls(struct.unpack_from('!I', body)[0], body[4:])

    def _body(self):
        return struct.pack('!I', self.enterprise_number) + bytes(self.identifier)


class LinkLayerDUID(DUID):
    duid_type = DUID_LL
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
    _fields = ('uuid',)
    _defaults = {'uuid': bytes(16)}

    @classmethod
    def _from_body(cls, body):
        if len(body) != 16:
            raise ValueError('DUID-UUID is 16 bytes')
        return cls(body)

    def _body(self):
        return bytes(self.uuid)


_REGISTRY = {c.duid_type: c for c in (LinkLayerTimeDUID, EnterpriseDUID, LinkLayerDUID, UUIDDUID)}

__all__ = ['DUID', 'UnknownDUID', 'LinkLayerTimeDUID', 'EnterpriseDUID', 'LinkLayerDUID', 'UUIDDUID',
           'DUID_LLT', 'DUID_EN', 'DUID_LL', 'DUID_UUID']
