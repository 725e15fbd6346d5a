"""dhcp6txn._views (the wrappers' C side) does what the Python code it stands in for does: the
same pointer behind _ptr, the same wrapper objects from get_option_of_type and
get_unhandled_options, the same bytes for a copied option.
SPDX-License-Identifier: BSD-2-Clause"""
import os

import pytest
from conftest import hexfile

from dhcp6txn import _elements, bundle as bundle_mod
from dhcp6txn._lib import ffi, lib
from dhcp6txn.ipv6.messages import Message, ReplyMessage
from dhcp6txn.ipv6.options import ClientIdOption, IANAOption, InterfaceIdOption, StatusCodeOption
from dhcp6txn.ipv6.server.transaction_bundle import TransactionBundle

views = _elements._views
needs_views = pytest.mark.skipif(views is None, reason='dhcp6txn._views not built')
PY_GET = _elements.Option.__mro__[1].__dict__['get_option_of_type']


def test_built_with_meson():
    if os.environ.get('DHCP6TXN_NO_VIEWS') == '1':
        assert views is None
    elif os.environ.get('DHCP6TXN_EXTENSION_DIR'):
        assert views is not None
        assert isinstance(Message.parse(hexfile('w1'))[1], views.Node)


def _messages():
    """Every message of the test data and every message relayed inside one."""
    for name in ('w1', 'w2', 'w3', 'w3r'):
        m = Message.parse(hexfile(name))[1]
        while m is not None:
            yield m
            m = getattr(m, 'relayed_message', None)


@needs_views
def test_ptr_is_the_raw_pointer():
    m = Message.parse(hexfile('w1'))[1]
    o = m.get_option_of_type(InterfaceIdOption)  # made in C: its cffi pointer made on read
    p = o._ptr
    assert ffi.typeof(p) is ffi.typeof('d6t_opt *')
    assert p == lib.d6t_msg_find_opt(m._ptr, 18)
    assert views.address(p) == int(ffi.cast('uintptr_t', p))
    other = lib.d6t_msg_first_opt(m._ptr)
    o._ptr = other
    assert o._ptr is other and views.address(o._ptr) == int(ffi.cast('uintptr_t', other))
    del o._ptr
    with pytest.raises(AttributeError):
        o._ptr  # noqa: B018 (a missing pointer raises as a missing slot did)


@needs_views
def test_get_option_of_type_as_python():
    classes = list(_elements._TABLE_CODE) + [_elements.UnknownOption, _elements.Option]
    for order in ('c-first', 'python-first'):
        for m in _messages():
            fresh = Message.parse(m.save())[1]
            for cls in classes:
                if order == 'c-first':
                    got = fresh.get_option_of_type(cls)
                    assert PY_GET(fresh, cls) is got, (type(fresh).__name__, cls.__name__)
                else:
                    got = PY_GET(fresh, cls)
                    assert fresh.get_option_of_type(cls) is got, (type(fresh).__name__, cls)
                if got is not None:
                    assert isinstance(got, cls)
            # the wrappers found one by one are the ones the whole list holds afterwards
            found = [fresh.get_option_of_type(c) for c in classes]
            assert all(f is None or any(f is o for o in fresh.options) for f in found)


@needs_views
def test_unhandled_as_python():
    incoming = Message.parse(hexfile('w1'))[1]
    b = TransactionBundle(incoming, received_over_multicast=False)
    req = b.request
    ia = b.get_unhandled_options(IANAOption)
    assert [type(o) for o in ia] == [IANAOption]
    assert ia[0] is req.get_option_of_type(IANAOption)
    b.mark_handled(ia[0])
    assert b.get_unhandled_options(IANAOption) == []
    # a class outside the table (or no class at all in the request): C declines, Python answers
    assert views.unhandled(b._b, req, StatusCodeOption) == []
    assert views.unhandled(b._b, req, _elements.Option) is None
    assert b.get_unhandled_options(_elements.Option) == [
        o for o in req.options if not b._is_handled(o)]


@needs_views
def test_copied_option_as_python():
    for m in _messages():
        for o in m.options:
            assert views.copied_option(o) == _elements._copied_option(o), type(o).__name__
    # an option holding a relayed message, and a draft: the Python decision
    relay = Message.parse(hexfile('w1'))[1]
    holder = relay.get_option_of_type(_elements.OPTION_CLASSES['RelayMessageOption'])
    assert views.copied_option(holder) is None is _elements._copied_option(holder)
    draft = ClientIdOption(b'\x00\x03\x00\x01\x02\x03\x04\x05\x06\x07')
    assert views.copied_option(draft) == _elements._copied_option(draft)


@needs_views
def test_reply_copies_the_client_id_in_c():
    req = Message.parse(hexfile('w1'))[1].relayed_message.relayed_message
    cid = req.get_option_of_type(ClientIdOption)
    reply = ReplyMessage(req.transaction_id, options=[cid])
    assert reply.save()[4:] == cid.save()
    assert bundle_mod._views is views


@needs_views
def test_fields_read_as_python():
    """Every field of every option of the test data reads the same through the C __get__ and
    the Python one (which C hands drafts, lists, other types and errors)."""
    seen = 0
    for m in _messages():
        stack = list(m.options)
        while stack:
            o = stack.pop()
            for name in getattr(type(o), '_args', ()):
                desc = getattr(type(o), name, None)
                if isinstance(desc, views.Field):
                    c, py = getattr(o, name), desc._py_get(o, type(o))
                    assert c == py and type(c) is type(py), (type(o).__name__, name)
                    seen += 1
            stack.extend(getattr(o, 'options', None) or [])
    assert seen > 20
    # a draft's value is the one it was given; a value kept for refusal is the one given
    draft = IANAOption(b'wxyz', 7, 8)
    assert draft.iaid == b'wxyz' and draft.t1 == 7
    made = Message.parse(hexfile('w1'))[1].relayed_message.relayed_message
    ia = made.get_option_of_type(IANAOption)
    ia.t1 = -1  # refused: kept, shown, and refused when written
    assert ia.t1 == -1
    with pytest.raises(ValueError):
        ia.save()


@needs_views
def test_handled_marks_without_cffi_pointers():
    b = TransactionBundle(Message.parse(hexfile('w1'))[1], received_over_multicast=False)
    ia = b.request.get_option_of_type(IANAOption)  # made in C: no cffi pointer yet
    assert not views.is_handled(b._b, ia)
    assert views.mark_handled(b._b, ia) == lib.D6T_OK
    assert views.is_handled(b._b, ia) and b._is_handled(ia)
    foreign = Message.parse(hexfile('w1'))[1].relayed_message.relayed_message
    other = foreign.get_option_of_type(IANAOption)
    assert views.mark_handled(b._b, other) == lib.D6T_ERR_NOT_FOUND
    # dhcpkit compares by value, but the equal one is handled already: remembered as it is
    b.mark_handled(other)
    assert not views.is_handled(b._b, other) and b._is_handled(other) is True
    draft = IANAOption(b'zzzz', 1, 2)  # made when its pointer is asked for
    assert views.mark_handled(b._b, draft) == lib.D6T_ERR_NOT_FOUND


@needs_views
def test_message_wrappers_made_in_c():
    m = Message.parse(hexfile('w1'))[1]
    inner = m.relayed_message
    # one wrapper per C message while it is held, whoever asks
    assert _elements.wrap_msg(inner._ptr) is inner
    assert _elements._core.lookup(inner._ptr) is inner
    b = TransactionBundle(m, received_over_multicast=False)
    assert b.incoming_message is m and b.request is inner.relayed_message
    relays = b.incoming_relay_messages  # closest to the client first
    assert len(relays) == 2 and relays[0] is inner and relays[1] is m
    assert all(r._arena is not None for r in b.incoming_relay_messages)
    b.response = ReplyMessage(b.request.transaction_id)
    b.create_outgoing_relay_messages()
    out = b.outgoing_relay_messages
    assert [type(r).__name__ for r in out] == ['RelayReplyMessage', 'RelayReplyMessage']
    assert all(_elements._core.lookup(r._ptr) is r for r in out)
    assert out[-1].relayed_message is out[0]
    # a wrapper nobody holds is made again; the registry sweeps its dead entries
    reg = _elements._core._registry
    w2 = hexfile('w2')
    for _ in range(3 * reg._limit):
        held = Message.parse(w2)[1]  # the one before it dies here, its entry with it
        assert _elements.wrap_msg(held._ptr) is held
    assert len(reg._d) <= 2 * reg._limit + 1


@needs_views
def test_draft_message_bound_in_c():
    req = Message.parse(hexfile('w1'))[1].relayed_message.relayed_message
    addr = _elements.OPTION_CLASSES['IAAddressOption']
    status = StatusCodeOption(0, 'ok')
    ia = IANAOption(b'abcd', 1, 2, options=[status])
    cid = req.get_option_of_type(ClientIdOption)
    reply = ReplyMessage(req.transaction_id, options=[cid, ia])
    wire = reply.save()  # made by one parse; ia bound by _views, its sub-options on first use
    assert ia._ptr is not None and ia._arena is reply._arena
    assert reply.options[1] is ia and reply.options[0] is not cid
    assert reply.options[0].save() == cid.save()
    assert ia.t1 == 1 and ia.options[0] is status and '_unbound' not in ia.__dict__
    ia.options.append(addr(_elements.IPv6Address('2001:db8::1'), 3, 4))
    status.status_message = 'changed'
    again = Message.parse(reply.save())[1]
    assert reply.save() != wire and again.options[1].options[0].status_message == 'changed'


def _draft_reply(req):
    ia = IANAOption(b'abcd', 1, 2, options=[StatusCodeOption(0, 'ok')])
    return ReplyMessage(req.transaction_id, options=[req.get_option_of_type(ClientIdOption), ia])


@needs_views
def test_materialize_in_c_as_python(monkeypatch):
    bundle = TransactionBundle(hexfile('w1'), received_over_multicast=False)
    made = {}
    for way in ('c', 'python'):
        reply = _draft_reply(bundle.request)
        if way == 'python':
            monkeypatch.setattr(views, 'materialize', lambda msg, arena: None)
        _elements.materialize_in(reply, bundle._arena)
        assert '_draft' not in reply.__dict__ and reply._arena is bundle._arena
        ia = reply.options[1]
        assert reply._kids[1] is ia and ia._detached is False and '_unbound' in ia.__dict__
        made[way] = reply.save()
        assert ia.options[0].status_message == 'ok'  # bound on first use, either way
    assert made['c'] == made['python']
    monkeypatch.undo()
    assert views.materialize(bundle.request, bundle._arena) is False  # not a draft
    odd = ReplyMessage(b'abc', options=(StatusCodeOption(0, 'x'),))
    odd.__dict__['_draft'] = (b'abc', (StatusCodeOption(0, 'x'),))  # options not in a list
    assert views.materialize(odd, bundle._arena) is None and '_draft' in odd.__dict__
    refused = ReplyMessage(b'abc', options=[StatusCodeOption(0, 'x')])
    refused.__dict__['_draft'][1][0].__dict__['_draft']['status_code'] = 1 << 20  # the setters'
    assert views.materialize(refused, bundle._arena) is False and '_draft' in refused.__dict__
    with pytest.raises(ValueError):
        refused.save()


@needs_views
def test_draft_made_on_first_need_without_getattr():
    assert '__getattr__' not in _elements.Option.__dict__
    assert '__getattr__' not in _elements.ClientServerMessage.__dict__
    o = StatusCodeOption(0, 'x')
    assert '_draft' in o.__dict__ and o._detached is True
    assert lib.d6t_opt_code(o._ptr) == 13 and '_draft' not in o.__dict__  # made by reading it
    assert o._kids == [] and o._arena is not None
    m = ReplyMessage(b'abc', options=[StatusCodeOption(0, 'y')])
    assert m._arena is not None and '_draft' not in m.__dict__  # a message's too
    assert lib.d6t_msg_transaction_id(m._ptr) == 0x616263 and len(m._kids) == 1
    bare = StatusCodeOption.__new__(StatusCodeOption)  # nothing set, no draft to make
    for name in ('_ptr', '_arena', '_kids', '_detached'):
        with pytest.raises(AttributeError, match="has no attribute '%s'" % name):
            getattr(bare, name)
    bare._kids = None
    assert bare._kids is None
    del bare._kids
    assert not hasattr(bare, '_kids')


@needs_views
def test_compact_draft_values():
    import gc
    import weakref
    speedups = _elements._speedups
    status = StatusCodeOption(0, 'ok')
    ia = IANAOption(b'abcd', 1, options=[status])
    assert views.compact(ia) == 1  # the values are kept in C
    encoded = speedups.message(7, b'xyz', [ia], _elements._copied_option)
    assert views.compact(ia) == 1 and views.compact(status) == 1
    values = ia.__dict__['_draft']  # moved to __dict__ when Python code looks
    assert views.compact(ia) == 0 and values == {'iaid': b'abcd', 't1': 1, 'options': [status]}
    assert speedups.message(7, b'xyz', [ia], _elements._copied_option) == encoded
    assert encoded[4:6] == b'\x00\x03' and Message.parse(encoded)[1].options[0].t1 == 1
    # bound as part of a message: the values stay in C until Python code looks
    req = Message.parse(hexfile('w1'))[1].relayed_message.relayed_message
    ia2 = IANAOption(b'wxyz', 5, 6)
    reply = ReplyMessage(req.transaction_id, options=[ia2])
    assert reply._ptr is not None  # made (save() may look at every option's __dict__)
    assert views.compact(ia2) == 2
    assert ia2._detached is False and ia2._arena is reply._arena and views.compact(ia2) == 2
    unbound = ia2.__dict__['_unbound']
    assert unbound[0] == {'iaid': b'wxyz', 't1': 5, 't2': 6} and unbound[2] is reply._arena
    assert ia2.t2 == 6 and ia2.options == []
    # the values are seen by the garbage collector: a cycle through them is collected
    lst = []
    cyc = IANAOption(b'abcd', options=lst)
    lst.append(cyc)
    ref = weakref.ref(cyc)
    del cyc, lst
    gc.collect()
    assert ref() is None


@needs_views
def test_found_wrappers_kept_in_c():
    from dhcp6txn.ipv6.options import ElapsedTimeOption
    req = Message.parse(hexfile('w1'))[1].relayed_message.relayed_message
    cid = req.get_option_of_type(ClientIdOption)
    assert req.get_option_of_type(ClientIdOption) is cid  # the one kept in the node
    elapsed = req.get_option_of_type(ElapsedTimeOption)  # a second: both move to _found
    assert req.get_option_of_type(ClientIdOption) is cid
    assert req.get_option_of_type(ElapsedTimeOption) is elapsed
    kept = list(req.__dict__['_found'].values())
    assert len(kept) == 2 and kept[0] is cid and kept[1] is elapsed
    other = Message.parse(hexfile('w1'))[1].relayed_message.relayed_message
    first = other.get_option_of_type(ClientIdOption)
    found = other.__dict__['_found']  # moved there when Python code looks
    assert len(found) == 1 and found[views.address(first._ptr)] is first
    assert other.get_option_of_type(ClientIdOption) is first
    assert any(o is first for o in other.options)  # the list keeps the object handed out
    third = Message.parse(hexfile('w1'))[1].relayed_message.relayed_message
    kept = third.get_option_of_type(ClientIdOption)
    assert any(o is kept for o in third.options)
    # more types than the node keeps: the rest in _found, every one handed out again the same
    from dhcp6txn.ipv6.extensions.prefix_delegation import IAPDOption
    from dhcp6txn.ipv6.options import OptionRequestOption
    many = Message.parse(hexfile('w1'))[1].relayed_message.relayed_message
    types = (ClientIdOption, IANAOption, IAPDOption, OptionRequestOption, ElapsedTimeOption)
    first = [many.get_option_of_type(t) for t in types]
    assert all(o is not None for o in first)
    assert all(many.get_option_of_type(t) is o for t, o in zip(types, first))
    kept = many.__dict__['_found']
    assert len(kept) == len(types) and all(kept[views.address(o._ptr)] is o for o in first)
    assert all(many.get_option_of_type(t) is o for t, o in zip(types, first))


@needs_views
def test_set_relayed_in_c():
    bundle = TransactionBundle(hexfile('w1'), received_over_multicast=False)
    reply = _draft_reply(bundle.request)
    assert views.set_relayed(bundle.incoming_message, reply) is False  # a draft: Python's
    reply.save()
    bundle.create_outgoing_relay_messages()
    inner = bundle.outgoing_relay_messages[0]
    assert views.set_relayed(inner, reply) is True
    assert inner.relayed_message is reply and inner.__dict__['_nested'] is reply
    assert reply._arena in inner._arena.keep
    assert lib.d6t_msg_relayed(inner._ptr) == reply._ptr
    wire = bundle.outgoing_relay_messages[-1].save()
    assert Message.parse(wire)[1].inner_message.save() == reply.save()
    bare = _elements.RelayReplyMessage(0, _elements.IPv6Address('::'), _elements.IPv6Address('::'))
    assert views.set_relayed(bare, reply) is False  # no Relay Message option yet: Python's
    bare.relayed_message = reply
    assert bare.relayed_message is reply and lib.d6t_msg_relayed(bare._ptr) == reply._ptr
    assert views.set_relayed(reply, bare) is False  # not a relay message


@needs_views
def test_save_and_transaction_id_as_python():
    for m in _messages():
        assert m.save() == type(m)._py_save(m)
        if hasattr(type(m), 'transaction_id'):
            assert m.transaction_id == _elements._tid_property.__get__(m, type(m))
            assert type(m.transaction_id) is bytes and len(m.transaction_id) == 3
        for o in m.options:
            assert o.save() == type(o)._py_save(o), type(o).__name__
    draft = ReplyMessage(b'abc', options=[StatusCodeOption(0, 'x')])
    assert draft.transaction_id == b'abc' and draft.save()[:4] == b'\x07abc'
    draft.transaction_id = b'xyz'
    assert draft.transaction_id == b'xyz' and draft.save()[1:4] == b'xyz'
    draft.transaction_id = 'no'  # refused when written, shown as given
    assert draft.transaction_id == 'no'
    with pytest.raises(ValueError):
        draft.save()


@needs_views
def test_relayed_and_inner_in_c():
    m = Message.parse(hexfile('w1'))[1]
    middle = m.relayed_message
    assert middle is _elements.nested(m, lib.d6t_msg_relayed(m._ptr)) and m.relayed_message is middle
    assert m.__dict__['_nested'] is middle and views.relayed(m) is middle
    inner = m.inner_message
    assert inner is middle.relayed_message and type(inner).__name__ == 'SolicitMessage'
    assert views.inner(middle) is inner and middle.inner_message is inner
    empty = _elements.RelayReplyMessage(0, _elements.IPv6Address('::'), _elements.IPv6Address('::'))
    assert empty.relayed_message is None and empty.inner_message is None
    bare = _elements.RelayReplyMessage.__new__(_elements.RelayReplyMessage)
    with pytest.raises(AttributeError):
        bare.relayed_message  # noqa: B018 (nothing made: the missing _ptr says so)
    with pytest.raises(TypeError):
        views.relayed(b'not a message')


@needs_views
def test_bundle_made_in_c_as_python(monkeypatch, caplog):
    def made(way, incoming, **kw):
        if way == 'python':
            monkeypatch.setattr(views, 'bundle_new', lambda *a: None)
        try:
            b = TransactionBundle(incoming, received_over_multicast=False, **kw)
            return (type(b.request).__name__, len(b.incoming_relay_messages), b.allow_rapid_commit,
                    b._arena.bundle == b._b, bundle_mod.lib.d6t_bundle_arena(b._b) == b._arena.ptr,
                    all(a in b._arena.keep for a in [incoming._arena]))
        except Exception as e:
            return type(e), str(e)
        finally:
            monkeypatch.undo()
    w1 = Message.parse(hexfile('w1'))[1]
    reply = Message.parse(hexfile('w3'))[1]
    for incoming, kw in ((w1, {}), (w1, {'allow_rapid_commit': True}), (w1.inner_message, {}),
                         (w1, {'received_over_tcp': True}), (reply, {})):
        caplog.clear()
        c = made('c', incoming, **kw), caplog.text
        caplog.clear()
        assert c == (made('python', incoming, **kw), caplog.text)
    assert made('c', w1)[0] == 'SolicitMessage' and made('c', w1)[3:] == (True, True, True)
    assert made('c', w1, received_over_tcp=True)[0] is bundle_mod.TCPRelayedError  # 2 relays
    arena = _elements._new_arena(0)
    assert views.bundle_new(arena, ReplyMessage(b'abc'), 0) is None  # a draft: Python's
    ptr, has_request = views.bundle_new(arena, w1, 0)
    assert has_request and arena.bundle == ptr and w1._arena in arena.keep
    with pytest.raises(ValueError):
        views.bundle_new(arena, w1, 0)  # one bundle per arena


@needs_views
def test_fast_calls_follow_the_class():
    # the table's classes make their objects from the call's arguments (no type_call) ...
    o = StatusCodeOption(0, status_message='x')
    assert views.compact(o) == 1 and o.__dict__['_draft'] == {'status_code': 0, 'status_message': 'x'}
    m = ReplyMessage(b'abc', options=[o])
    assert views.compact(m) == 1  # a draft message's (transaction_id, options) in C too
    extra = StatusCodeOption(1, 'y')
    m.options.append(extra)  # appended to the draft kept in C
    assert views.compact(m) == 1
    assert m.__dict__['_draft'] == (b'abc', [o, extra]) and views.compact(m) == 0
    kept = ReplyMessage(b'xyz', [StatusCodeOption(2, 'z')])
    assert views.compact(kept) == 1 and kept.save()[:4] == b'\x07xyz'  # made from C's draft
    assert views.compact(kept) == 0 and '_draft' not in kept.__dict__
    for bad in (lambda: StatusCodeOption(0, 'x', 3), lambda: StatusCodeOption(0, status_code=1),
                lambda: ReplyMessage(b'abc', [], 3), lambda: ReplyMessage(b'abc', bogus=1)):
        with pytest.raises(TypeError):
            bad()
    # ... unless the class is given an __init__ of its own later: then that one is called
    seen = []

    def init(self, *args, **kwargs):
        seen.append(args)
        _elements.Option.__mro__[1].__init__(self, *args, **kwargs)  # the C base's
    StatusCodeOption.__init__ = init
    try:
        patched = StatusCodeOption(1, 'y')
        assert seen == [(1, 'y')] and patched.status_code == 1
    finally:
        del StatusCodeOption.__init__
    again = StatusCodeOption(2, 'z')
    assert seen == [(1, 'y')] and views.compact(again) == 1 and again.status_code == 2

    class Mine(StatusCodeOption):  # a subclass with its own __init__
        def __init__(self, text):
            super().__init__(0, text)
    assert Mine('t').status_message == 't'


@needs_views
def test_relays():
    m = Message.parse(hexfile('w1'))[1]
    assert views.relays(m, m.relayed_message) and not views.relays(m, m)
    assert not views.relays(m, m.relayed_message.relayed_message)


def test_parse_errors_keep_offsets():
    from dhcp6txn import ParseError
    bad = hexfile('w1')[:-3]  # the innermost option runs past the end
    err, out = ffi.new('d6t_parse_error *'), ffi.new('d6t_msg **')
    assert lib.d6t_msg_parse(ffi.NULL, bad, len(bad), 0, out, err) != lib.D6T_OK
    assert err.offset > 0
    for prefix in (b'', b'xyz'):
        with pytest.raises(ParseError) as e:
            Message.parse(prefix + bad, len(prefix))
        assert e.value.offset == len(prefix) + err.offset and e.value.status == err.status
        assert e.value.reason == ffi.string(err.reason).decode()


def test_option_list_append():
    from dhcp6txn.ipv6.options import RapidCommitOption
    req = Message.parse(hexfile('w1'))[1].relayed_message.relayed_message
    reply = ReplyMessage(req.transaction_id)  # a draft: appended options wait in it
    rc = RapidCommitOption()
    reply.options.append(rc)
    with pytest.raises(TypeError):
        reply.options.append('not an option')
    assert reply.options[0] is rc and len(reply.options) == 1
    assert reply.save() == b'\x07' + req.transaction_id + b'\x00\x0e\x00\x00'
    parsed = Message.parse(reply.save())[1]  # made: appended options are copied in
    parsed.options.append(StatusCodeOption(0, 'ok'))
    assert type(parsed.options[-1]) is StatusCodeOption and len(parsed.options) == 2
    assert type(parsed.options).__name__ == 'OptionList' and parsed.options._node is parsed
    if views is not None:
        assert isinstance(parsed.options, views.OptionListBase)


@needs_views
def test_arena_in_c():
    from dhcp6txn import _core
    assert _core._Arena is views.Arena
    a, b = _core._Arena(0), _core._Arena(block_size=512)
    assert ffi.typeof(a.ptr) is ffi.typeof('d6t_arena *') and a.ptr is a.ptr
    assert views.address(a) == int(ffi.cast('uintptr_t', a.ptr))
    assert a.keep is None and a.bundle is None
    a.hold(a)
    a.hold(None)
    assert a.keep is None
    a.hold(b)
    a.hold(b)
    assert a.keep == [b]  # (a list, each once)
    c = _core._Arena(0)
    c.keep = {b}  # what the Python _Arena keeps
    c.hold(a)
    assert c.keep == [b, a]
    with pytest.raises(ValueError):
        _core._Arena(-1)
    # made and registered in C, as _elements._new_arena did it in Python
    assert _elements._new_arena is views.new_arena
    n = views.new_arena(256)
    assert type(n) is views.Arena and _elements._arenas.get(n.ptr) is n
    with pytest.raises(ValueError):
        views.new_arena(-1)
    with pytest.raises(TypeError):
        views.new_arena(1, 2)
    limit = _elements._arenas._limit
    made = [views.new_arena() for _ in range(limit + 1)]  # past the limit: swept, still found
    assert all(_elements._arenas.get(x.ptr) is x for x in made)
    assert _elements._arenas._limit >= limit
    # a bundle living in an arena is freed with it (ASan would see a leak or a double free)
    m = Message.parse(hexfile('w1'))[1]
    bundle = TransactionBundle(m, received_over_multicast=False)
    assert bundle._arena.bundle == bundle._b and _elements._arenas.get(bundle._arena.ptr) is \
        bundle._arena
    del bundle


@needs_views
def test_setup_classes_checks_everything_first():
    with pytest.raises(TypeError, match="'Message' missing"):
        views.setup_classes({})
    with pytest.raises(TypeError, match="'DEFERRED'"):
        views.setup_classes({'Message': Message, 'Option': _elements.Option,
                             'UnknownMessage': _elements.UnknownMessage,
                             'UnknownOption': _elements.UnknownOption,
                             'OptionList': _elements.OptionList, 'message_classes': {},
                             'table_code': {}, 'class_by_def': {}, 'msg_refs': {},
                             'arena_refs': {}, 'registry': None, 'DEFERRED': ()})
    # nothing was kept: the binding still finds options by class
    m = Message.parse(hexfile('w1'))[1]
    assert isinstance(m.get_option_of_type(InterfaceIdOption), InterfaceIdOption)


_DUMP = r'''
import json, random, sys
from dhcp6txn.ipv6.messages import Message
from dhcp6txn import _elements

def dump(data):
    try:
        m = Message.parse(data)[1]
    except ValueError as e:
        return ['refused', type(e).__name__, getattr(e, 'offset', None)]
    out = []
    while m is not None:
        out.append([type(m).__name__, m.save().hex()])
        for cls in _elements._TABLE_CODE:
            o = m.get_option_of_type(cls)
            if o is not None:
                row = [cls.__name__]
                for name in getattr(cls, '_args', ()):
                    try:
                        row.append(repr(getattr(o, name)))
                    except ValueError as e:
                        row.append('ValueError')
                out.append(row)
        m = getattr(m, 'relayed_message', None)
    return out

rng = random.Random(int(sys.argv[1]))
w1 = bytes.fromhex(sys.argv[2])
cases = []
for _ in range(int(sys.argv[3])):
    b = bytearray(w1)
    for _ in range(rng.randint(1, 4)):
        b[rng.randrange(len(b))] = rng.randrange(256)
    cases.append(dump(bytes(b[:rng.randint(1, len(b))] if rng.random() < 0.2 else b)))
print(json.dumps(cases))
'''


@needs_views
def test_views_agree_with_python_on_mutated_messages():
    """Mutated and cut copies of w1 read the same way with and without _views: the same
    refusals (type, offset), classes, bytes, options found by class and field values."""
    import json
    import subprocess
    import sys
    runs = {}
    for no_views in ('0', '1'):
        env = dict(os.environ, DHCP6TXN_NO_VIEWS=no_views)
        out = subprocess.run([sys.executable, '-c', _DUMP, '7', hexfile('w1').hex(), '300'],
                             env=env, capture_output=True, text=True, check=True).stdout
        runs[no_views] = json.loads(out)
    assert runs['0'] == runs['1']
    assert sum(1 for c in runs['0'] if c[0] == 'refused') > 10
    assert sum(1 for c in runs['0'] if c[0] != 'refused') > 10


@needs_views
def test_bundle_base_in_c(w1):
    assert TransactionBundle.__bases__ == (views.Bundle,)
    b = TransactionBundle(w1, False)
    assert b._b == b._arena.bundle and b._extra_handled == [] and b.handler_data == {}
    with pytest.raises(TypeError):  # once only
        b.__init__(w1, False)
    blank = TransactionBundle.__new__(TransactionBundle)
    with pytest.raises(ValueError):
        blank.request
    with pytest.raises(ValueError):
        blank.mark_handled(b.request)
    assert blank.response is None and blank.outgoing_relay_messages is None
    # the incoming wrappers are made one by one, each once
    b = TransactionBundle(w1, False)
    req = b.request
    assert b.request is req and b.incoming_message.inner_message is req
    relays = b.incoming_relay_messages
    assert relays == b.incoming_relay_messages and relays is not b.incoming_relay_messages
    assert relays[-1] is b.incoming_message
    # wrappers of a message's relays live in that message's arena, found through the bundle's
    msg = Message.parse(w1)[1]
    b = TransactionBundle(msg, False)
    assert b.incoming_message is msg and msg._arena in b._arena.keep
    assert [r._arena for r in b.incoming_relay_messages] == [msg._arena, msg._arena]
    assert b.request._arena is msg._arena and b.request is msg.inner_message


@needs_views
def test_table_classes_free_their_objects_as_python_would():
    import gc
    import weakref
    from dhcp6txn.ipv6.options import IAAddressOption
    freed = []
    o = StatusCodeOption(0, 'ok')
    ref = weakref.ref(o, lambda r: freed.append('weakref'))
    del o
    assert ref() is None and freed == ['weakref']
    # a __del__ added to a table class later runs, once, and may resurrect
    kept = []
    StatusCodeOption.__del__ = lambda self: (freed.append('del'), kept.append(self))
    try:
        o = StatusCodeOption(0, 'ok')
        del o
        assert freed == ['weakref', 'del'] and len(kept) == 1 and kept[0].status_code == 0
        kept.clear()
    finally:
        del StatusCodeOption.__del__
    gc.collect()

    class Mine(IAAddressOption):  # a subclass of its own, with slots and __del__
        __slots__ = ('colour',)

        def __del__(self):
            freed.append(self.colour)
    m = Mine(options=[StatusCodeOption(0, 'x')])
    m.colour = 'blue'
    del m
    assert freed[-1] == 'blue'
    # deep trees are freed without deep recursion in C
    deep = StatusCodeOption(0, 'leaf')
    for _ in range(200000):
        deep = IANAOption(b'\0\0\0\1', 0, 0, options=[deep])
    del deep


@needs_views
def test_options_view_made_in_c():
    from dhcp6txn._elements import OptionList
    msg = ReplyMessage(b'abc', options=[StatusCodeOption(0, 'a')])
    opts = msg.options
    assert type(opts) is OptionList and opts is not msg.options
    del msg  # the view holds its message
    opts.append(StatusCodeOption(1, 'b'))
    assert [o.status_code for o in opts] == [0, 1]
    freed = []
    OptionList.__del__ = lambda self: freed.append(len(self))
    try:
        ReplyMessage(b'abc').options.append(StatusCodeOption(2, 'c'))
    finally:
        del OptionList.__del__
    assert freed == [1]


@needs_views
def test_message_parse_in_c_as_in_python():
    from dhcp6txn import ParseError
    from dhcp6txn.ipv6.messages import RelayForwardMessage, SolicitMessage
    w1 = hexfile('w1')
    assert Message.parse.__func__ is views.message_parse
    calls = [((w1,), {}), ((w1, 0), {}), ((w1, 0, None), {}), ((b'xx' + w1, 2), {}),
             ((w1, 0, len(w1)), {}), ((w1,), {'offset': 0}), ((bytearray(w1),), {}),
             ((memoryview(w1),), {})]
    for cls in (Message, RelayForwardMessage):
        for args, kwargs in calls:
            used, msg = cls.parse(*args, **kwargs)
            py_used, py_msg = cls._py_parse(*args, **kwargs)
            assert (used, type(msg), msg.save()) == (py_used, type(py_msg), py_msg.save())
    for cls, data in ((Message, w1[:40]), (Message, b''), (Message, b'\x01'),
                      (SolicitMessage, w1)):
        errors = []
        for fn in (cls.parse, cls._py_parse):
            with pytest.raises((ParseError, ValueError)) as e:
                fn(data)
            errors.append((type(e.value), str(e.value)))
        assert errors[0] == errors[1]


@needs_views
def test_spare_value_tuples():
    import gc
    import weakref
    # more drafts than spare tuples, made and freed again and again: each keeps its own values
    for _ in range(3):
        opts = [IANAOption(b'%04d' % i, i, 2 * i, options=[StatusCodeOption(i, str(i))])
                for i in range(40)]
        assert [(o.iaid, o.t1, o.t2) for o in opts] == [(b'%04d' % i, i, 2 * i) for i in range(40)]
        assert [o.options[0].status_message for o in opts] == [str(i) for i in range(40)]
        del opts
    # a tuple the collector stopped tracking (atomic values only), taken again for values that
    # make a cycle: the cycle is still found
    for _ in range(20):
        s = StatusCodeOption(0, 'x')
        gc.collect()
        del s
        lst = []
        s = StatusCodeOption(0, lst)
        lst.append(s)
        ref = weakref.ref(s)
        del s, lst
        gc.collect()
        assert ref() is None
