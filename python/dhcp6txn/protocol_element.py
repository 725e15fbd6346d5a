"""dhcpkit.protocol_element's names: the base class of messages, options and DUIDs, and the
small display helpers handlers use.
SPDX-License-Identifier: BSD-2-Clause
"""
import json
from typing import Any, Dict, List, Tuple


class ProtocolElement:
    """Base of every message, option and DUID."""
    __slots__ = ()

    @classmethod
    def parse(cls, buffer: bytes, offset: int = 0, length: Any = None) -> Tuple[int, Any]:
        raise NotImplementedError

    @classmethod
    def add_may_contain(cls, klass: type, min_occurrence: int = 0,
                        max_occurrence: int = 2147483647) -> None:
        """dhcpkit's containment rule added in Python: validate() of an element of this class
        (or a subclass) checks that it holds min..max elements of 'klass' (sub-options, or the
        relayed message). The library's own rules (RFC 9915 appendices B and C) always apply."""
        rules = cls.__dict__.get('_added_rules')
        if rules is None:
            rules = {}
            setattr(cls, '_added_rules', rules)
        rules[klass] = (min_occurrence, max_occurrence)

    @classmethod
    def may_contain_rules(cls) -> Dict[type, Tuple[int, int]]:
        """The rules added with add_may_contain for this class and its bases."""
        out: Dict[type, Tuple[int, int]] = {}
        for base in reversed(cls.__mro__):
            out.update(base.__dict__.get('_added_rules', {}))
        return out

    def display_fields(self) -> List[Tuple[str, Any]]:
        """(name, value) pairs shown by str(): the constructor arguments by default."""
        return [(k, getattr(self, k)) for k in getattr(self, '_args', ())]

    def __str__(self) -> str:
        return display(self)


class UnknownProtocolElement(ProtocolElement):
    """Stands for elements the binding has no class for (never instantiated by the parser:
    unknown options and messages are UnknownOption and UnknownMessage)."""
    __slots__ = ()


class ElementDataRepresentation:
    """A value shown as given, without quotes (e.g. 'IANAOption (3)')."""
    __slots__ = ('text',)

    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        return self.text

    __repr__ = __str__


def _one(value: Any, indent: str) -> str:
    if isinstance(value, ProtocolElement):
        return display(value, indent)
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, ProtocolElement) for v in value):
        inner = indent + '    '
        return '[\n' + ''.join('%s%s,\n' % (inner, display(v, inner)) for v in value) + indent + '  ]'
    if isinstance(value, (str, bytes, int, list, tuple)) and not isinstance(value, bool):
        return repr(value)
    return str(value)


def display(element: ProtocolElement, indent: str = '') -> str:
    """ClassName(field=value, ...): on one line when every value is simple, else one field a
    line (sub-elements indented), the layout dhcpkit prints."""
    fields = element.display_fields()
    nested = any(isinstance(v, ProtocolElement) or
                 (isinstance(v, (list, tuple)) and any(isinstance(x, ProtocolElement) for x in v))
                 for _, v in fields)
    name = type(element).__name__
    if not nested and len(fields) <= 1:
        return '%s(%s)' % (name, ', '.join('%s=%s' % (k, _one(v, indent)) for k, v in fields))
    lines = ''.join('%s  %s=%s,\n' % (indent, k, _one(v, indent)) for k, v in fields)
    return '%s(\n%s%s)' % (name, lines, indent)


class JSONProtocolElementEncoder(json.JSONEncoder):
    """json.dumps(element, cls=JSONProtocolElementEncoder): elements as the library's JSON."""

    def default(self, o: Any) -> Any:
        to_json = getattr(o, 'to_json', None)
        if to_json is not None:
            return json.loads(to_json())
        if isinstance(o, (bytes, bytearray)):
            return o.hex()
        return str(o)


__all__ = ['ProtocolElement', 'UnknownProtocolElement', 'ElementDataRepresentation',
           'JSONProtocolElementEncoder', 'display']
