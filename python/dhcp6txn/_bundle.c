/* dhcp6txn._views.Bundle: the base of TransactionBundle (bundle.py) when _views is built.
 *
 * Part of _views.c (included there: it uses that file's static helpers). It holds what a
 * dhcpkit handler touches on every transaction, so that reading bundle.request or setting
 * bundle.response runs no Python code: the creation (the common case; the others call
 * TransactionBundle._make), the incoming wrappers (each made on first use), the first response,
 * handled options, the relay-reply chain and the outgoing message. Every case off the common
 * path calls the Python method bundle.py has for it (_mark_handled_slow, _unhandled_slow,
 * _response_slow, ...), so the rules stay written once; bundle._BundleInPython is the same
 * class in Python, used without _views (and by mypy).
 *
 * State: the arena owning the C bundle (_arena; _b, its cffi pointer, is made when first read);
 * the wrappers of the incoming message, the request and the relays; the responses: 'first', a
 * response set while nobody asked for the MessagesList, or 'responses' once somebody did (never
 * both); the outgoing relay wrappers (_outgoing), the handled options the C bundle does not know
 * (_extra_handled) and handler_data, both made on first use.
 * SPDX-License-Identifier: BSD-2-Clause */

typedef struct {
    PyObject_HEAD PyObject *arena;
    PyObject *incoming, *request, *relays_in;
    PyObject *first, *responses;
    PyObject *outgoing, *extra, *handler_data;
} Bundle;

/* set by setup_bundle(): MessagesList, TransactionBundle._make, _bundle_error, materialize_in,
 * check */
static PyObject *messages_list, *py_make, *py_bundle_error, *py_materialize_in, *py_check;
static PyObject *s_mark_slow, *s_unhandled_slow, *s_response_slow, *s_set_response_slow,
    *s_responses_slow, *s_no_request, *s_not_to_client, *s_relayed_message,
    *s_from_server_to_client;

static d6t_bundle *braw_of(Bundle *self)
{
    d6t_bundle *b = self->arena ? ((Arena *)self->arena)->braw : NULL;
    if (!b) PyErr_SetString(PyExc_ValueError, "TransactionBundle: no C bundle (not initialised)");
    return b;
}

static int bundle_traverse(Bundle *self, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(self->arena);
    Py_VISIT(self->incoming);
    Py_VISIT(self->request);
    Py_VISIT(self->relays_in);
    Py_VISIT(self->first);
    Py_VISIT(self->responses);
    Py_VISIT(self->outgoing);
    Py_VISIT(self->extra);
    Py_VISIT(self->handler_data);
    return 0;
}

static int bundle_clear(Bundle *self)
{
    Py_CLEAR(self->incoming);
    Py_CLEAR(self->request);
    Py_CLEAR(self->relays_in);
    Py_CLEAR(self->first);
    Py_CLEAR(self->responses);
    Py_CLEAR(self->outgoing);
    Py_CLEAR(self->extra);
    Py_CLEAR(self->handler_data);
    Py_CLEAR(self->arena); /* last: the wrappers above point into it */
    return 0;
}

static void bundle_dealloc(Bundle *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    bundle_clear(self);
    tp->tp_free((PyObject *)self);
    Py_DECREF(tp);
}

static int bundle_ready(void)
{
    if (messages_list && msg_refs) return 1;
    PyErr_SetString(PyExc_TypeError, "_views.setup_bundle() not called");
    return 0;
}

/* raise what py_fn(arg) returns (an exception object), or what it raised */
static void raise_from(PyObject *py_fn, PyObject *arg)
{
    PyObject *e = arg ? PyObject_CallOneArg(py_fn, arg) : NULL;
    if (e) {
        PyErr_SetObject((PyObject *)Py_TYPE(e), e);
        Py_DECREF(e);
    }
}

/* ---- creation: TransactionBundle(incoming_message, received_over_multicast,
 * received_over_tcp=False, allow_rapid_commit=False, marks=None, tcp_peer=None); v[] in that
 * order, NULL for not given */
#define BUNDLE_ARGS 6
static const char *const bundle_kw[BUNDLE_ARGS] = {"incoming_message",
                                                   "received_over_multicast",
                                                   "received_over_tcp",
                                                   "allow_rapid_commit",
                                                   "marks",
                                                   "tcp_peer"};

/* the index of keyword 'key' in bundle_kw (BUNDLE_ARGS: none) */
static int bundle_kw_index(PyObject *key)
{
    int i = 0;
    while (i < BUNDLE_ARGS &&
           !(PyUnicode_Check(key) && PyUnicode_CompareWithASCIIString(key, bundle_kw[i]) == 0))
        i++;
    return i;
}

static int bundle_setup(Bundle *self, PyObject *const *v)
{
    if (!bundle_ready()) return -1;
    if (self->arena) {
        PyErr_SetString(PyExc_TypeError, "TransactionBundle: already initialised");
        return -1;
    }
    if (!v[0] || !v[1]) {
        PyErr_SetString(PyExc_TypeError, "TransactionBundle() needs incoming_message and "
                                         "received_over_multicast");
        return -1;
    }
    unsigned flags = 0;
    const unsigned bits[3] = {D6T_BUNDLE_MULTICAST, D6T_BUNDLE_TCP, D6T_BUNDLE_RAPID_COMMIT};
    for (int i = 0; i < 3; i++) {
        int t = v[1 + i] ? PyObject_IsTrue(v[1 + i]) : 0;
        if (t < 0) return -1;
        if (t) flags |= bits[i];
    }
    PyObject *marks = v[4] ? v[4] : Py_None, *peer = v[5] ? v[5] : Py_None;
    int plain = marks == Py_None ? 1 : !PyObject_IsTrue(marks);
    if (plain < 0) return -1;
    PyObject *arena = registered_arena(0);
    if (!arena) return -1;
    d6t_status st = D6T_OK;
    int made = plain && peer == Py_None ? bundle_make(arena, v[0], flags, &st) : 0;
    if (made == 1) { /* refused */
        PyObject *code = PyLong_FromLong(st);
        raise_from(py_bundle_error, code);
        Py_XDECREF(code);
        made = -1;
    } else if (made == 0) { /* the other cases: TransactionBundle._make */
        PyObject *f = PyLong_FromUnsignedLong(flags);
        PyObject *call[5] = {arena, v[0], f, marks, peer};
        PyObject *r = f ? PyObject_Vectorcall(py_make, call, 5, NULL) : NULL;
        Py_XDECREF(f);
        made = r ? 2 : -1;
        Py_XDECREF(r);
    }
    if (made < 0) {
        Py_DECREF(arena);
        return -1;
    }
    self->arena = arena;
    if (!((Arena *)arena)->braw) {
        PyErr_SetString(PyExc_SystemError, "TransactionBundle._make made no bundle");
        return -1;
    }
    if (!d6t_bundle_request(((Arena *)arena)->braw)) { /* dhcpkit says why */
        PyObject *r = PyObject_CallMethodNoArgs((PyObject *)self, s_no_request);
        if (!r) return -1;
        Py_DECREF(r);
    }
    return 0;
}

static int bundle_init(PyObject *self, PyObject *args, PyObject *kwargs)
{
    PyObject *v[BUNDLE_ARGS] = {NULL};
    Py_ssize_t n = PyTuple_GET_SIZE(args);
    if (n > BUNDLE_ARGS) {
        PyErr_SetString(PyExc_TypeError, "TransactionBundle() takes at most 6 arguments");
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) v[i] = PyTuple_GET_ITEM(args, i);
    Py_ssize_t pos = 0;
    PyObject *key, *value;
    while (kwargs && PyDict_Next(kwargs, &pos, &key, &value)) {
        int i = bundle_kw_index(key);
        if (i == BUNDLE_ARGS || v[i]) {
            PyErr_Format(PyExc_TypeError, "TransactionBundle() got %s argument '%S'",
                         i == BUNDLE_ARGS ? "an unexpected keyword" : "multiple values for", key);
            return -1;
        }
        v[i] = value;
    }
    return bundle_setup((Bundle *)self, v);
}

/* TransactionBundle(...) without type_call's tuple and dict (set by setup_bundle(); a class
 * with an __init__ or __new__ of its own goes the usual way) */
static PyObject *bundle_vectorcall(PyObject *type, PyObject *const *args, size_t nargsf,
                                   PyObject *kwnames)
{
    PyTypeObject *tp = (PyTypeObject *)type;
    Py_ssize_t n = PyVectorcall_NARGS(nargsf);
    if (tp->tp_init != bundle_init || tp->tp_new != PyType_GenericNew || n > BUNDLE_ARGS)
        return usual_call(type, args, n, kwnames);
    PyObject *v[BUNDLE_ARGS] = {NULL};
    for (Py_ssize_t i = 0; i < n; i++) v[i] = args[i];
    for (Py_ssize_t k = 0; kwnames && k < PyTuple_GET_SIZE(kwnames); k++) {
        int i = bundle_kw_index(PyTuple_GET_ITEM(kwnames, k));
        if (i == BUNDLE_ARGS || v[i]) return usual_call(type, args, n, kwnames);
        v[i] = args[n + k];
    }
    PyObject *self = tp->tp_alloc(tp, 0);
    if (self && bundle_setup((Bundle *)self, v)) Py_CLEAR(self);
    return self;
}

/* ---- the incoming side: each wrapper made on first use, then the same object */
static PyObject *incoming_wrapper(Bundle *self, PyObject **slot,
                                  d6t_msg *(*get)(const d6t_bundle *))
{
    if (!*slot) {
        d6t_bundle *b = braw_of(self);
        if (!b || !bundle_ready()) return NULL;
        if (!(*slot = wrap_raw_msg(get(b), self->arena))) return NULL;
    }
    return Py_NewRef(*slot);
}

static PyObject *bundle_get_incoming(Bundle *self, void *unused)
{
    (void)unused;
    return incoming_wrapper(self, &self->incoming, d6t_bundle_incoming);
}

static PyObject *bundle_get_request(Bundle *self, void *unused)
{
    (void)unused;
    return incoming_wrapper(self, &self->request, d6t_bundle_request);
}

static PyObject *relays_in(Bundle *self) /* borrowed */
{
    if (!self->relays_in) {
        d6t_bundle *b = braw_of(self);
        if (!b || !bundle_ready()) return NULL;
        size_t n = d6t_bundle_incoming_relay_count(b);
        PyObject *list = PyList_New((Py_ssize_t)n);
        for (size_t i = 0; list && i < n; i++) {
            PyObject *r = wrap_raw_msg(d6t_bundle_incoming_relay(b, i), self->arena);
            if (!r)
                Py_CLEAR(list);
            else
                PyList_SET_ITEM(list, (Py_ssize_t)i, r);
        }
        if (!list) return NULL;
        self->relays_in = list;
    }
    return self->relays_in;
}

static PyObject *bundle_get_relays_in(Bundle *self, void *unused)
{
    (void)unused;
    PyObject *list = relays_in(self);
    return list ? PyList_GetSlice(list, 0, PyList_GET_SIZE(list)) : NULL;
}

static int has_relays(Bundle *self)
{
    if (self->relays_in) return PyList_GET_SIZE(self->relays_in) > 0;
    d6t_bundle *b = braw_of(self);
    return b ? d6t_bundle_incoming_relay_count(b) > 0 : -1;
}

static PyObject *bundle_has_relays(Bundle *self, PyObject *unused)
{
    (void)unused;
    int r = has_relays(self);
    return r < 0 ? NULL : PyBool_FromLong(r);
}

/* ---- state read and written by bundle.py's Python methods */
static PyObject *bundle_get_b(Bundle *self, void *unused)
{
    (void)unused;
    if (!braw_of(self)) return NULL;
    return arena_get_bundle(self->arena, NULL);
}

static PyObject *lazy(PyObject **slot, PyObject *(*make)(void))
{
    if (!*slot && !(*slot = make())) return NULL;
    return Py_NewRef(*slot);
}

static PyObject *new_list(void)
{
    return PyList_New(0);
}

static PyObject *bundle_get_extra(Bundle *self, void *unused)
{
    (void)unused;
    return lazy(&self->extra, new_list);
}

static PyObject *bundle_get_handler_data(Bundle *self, void *unused)
{
    (void)unused;
    return lazy(&self->handler_data, PyDict_New);
}

static int set_slot(PyObject **slot, PyObject *value, const char *name)
{
    if (!value) {
        PyErr_Format(PyExc_AttributeError, "%s cannot be deleted", name);
        return -1;
    }
    Py_XSETREF(*slot, Py_NewRef(value));
    return 0;
}

static int bundle_set_extra(Bundle *self, PyObject *value, void *unused)
{
    (void)unused;
    return set_slot(&self->extra, value, "_extra_handled");
}

static int bundle_set_handler_data(Bundle *self, PyObject *value, void *unused)
{
    (void)unused;
    return set_slot(&self->handler_data, value, "handler_data");
}

/* ---- responses: 'first' until somebody asks for the MessagesList */
static PyObject *bundle_get_responses(Bundle *self, void *unused)
{
    (void)unused;
    if (!self->responses) {
        if (!bundle_ready()) return NULL;
        PyObject *first = Py_XNewRef(self->first); /* (held while Python code runs) */
        PyObject *list =
            first ? PyObject_CallOneArg(messages_list, first) : PyObject_CallNoArgs(messages_list);
        Py_XDECREF(first);
        if (!list) return NULL;
        Py_XSETREF(self->responses, list);
        Py_CLEAR(self->first);
    }
    return Py_NewRef(self->responses);
}

static int bundle_set_responses(Bundle *self, PyObject *value, void *unused)
{
    (void)unused;
    if (!value) {
        PyErr_SetString(PyExc_AttributeError, "responses cannot be deleted");
        return -1;
    }
    if (!bundle_ready()) return -1;
    PyObject *list = PyObject_CallMethodOneArg((PyObject *)self, s_responses_slow, value);
    if (!list) return -1;
    Py_XSETREF(self->responses, list);
    Py_CLEAR(self->first);
    return 0;
}

/* the first response (new reference; None: none) */
static PyObject *first_response(Bundle *self)
{
    if (!self->responses) return Py_NewRef(self->first ? self->first : Py_None);
    return PyObject_CallMethodOneArg((PyObject *)self, s_response_slow, self->responses);
}

static PyObject *bundle_get_response(Bundle *self, void *unused)
{
    (void)unused;
    return first_response(self);
}

static int bundle_set_response(Bundle *self, PyObject *value, void *unused)
{
    (void)unused;
    if (!value) {
        PyErr_SetString(PyExc_AttributeError, "response cannot be deleted");
        return -1;
    }
    if (!self->responses) {
        Py_XSETREF(self->first, value == Py_None ? NULL : Py_NewRef(value));
        return 0;
    }
    PyObject *r = PyObject_CallMethodObjArgs((PyObject *)self, s_set_response_slow, self->responses,
                                             value, NULL);
    if (!r) return -1;
    Py_XSETREF(self->responses, r);
    return 0;
}

/* ---- handled options */
static PyObject *bundle_mark_handled(Bundle *self, PyObject *option)
{
    void *o;
    d6t_bundle *b = braw_of(self);
    if (!b || raw_of(option, &o)) return NULL;
    d6t_status st = o ? d6t_bundle_mark_handled(b, o) : D6T_ERR_INVALID_ARG;
    if (st == D6T_OK) Py_RETURN_NONE;
    PyObject *code = PyLong_FromLong(st);
    PyObject *r =
        code ? PyObject_CallMethodObjArgs((PyObject *)self, s_mark_slow, option, code, NULL) : NULL;
    Py_XDECREF(code);
    return r;
}

static PyObject *bundle_get_unhandled(Bundle *self, PyObject *option_types)
{
    PyObject *req = bundle_get_request(self, NULL);
    if (!req || req == Py_None) {
        Py_XDECREF(req);
        return req ? PyList_New(0) : NULL;
    }
    /* none of the request's options was wrapped but the ones found by type (so none was
     * added or removed): for a class of the library's table, C lists the unhandled ones */
    PyObject *found = NULL;
    Node *rn = (Node *)req;
    if (PyObject_TypeCheck(req, node_type) && (!rn->kids || rn->kids == Py_None)) {
        found = unhandled_of(braw_of(self), req, option_types);
        if (found == Py_None)
            Py_CLEAR(found);
        else if (!found) {
            Py_DECREF(req);
            return NULL;
        }
    }
    if (!found)
        found =
            PyObject_CallMethodObjArgs((PyObject *)self, s_unhandled_slow, req, option_types, NULL);
    Py_DECREF(req);
    return found;
}

/* ---- the outgoing side */
/* make 'first' (a draft response) in the bundle's arena and put it in relay 'relay' */
static int relay_response(Bundle *self, PyObject *relay, PyObject *first)
{
    PyObject *m = materialize(first, self->arena);
    if (m == Py_None) {
        Py_DECREF(m);
        PyObject *call[2] = {first, self->arena};
        m = PyObject_Vectorcall(py_materialize_in, call, 2, NULL);
    }
    if (!m) return -1;
    Py_DECREF(m);
    int r = set_relayed(relay, first);
    if (r == 0) r = PyObject_SetAttr(relay, s_relayed_message, first) ? -1 : 1;
    return r < 0 ? -1 : 0;
}

static PyObject *bundle_create_outgoing(Bundle *self, PyObject *unused)
{
    (void)unused;
    d6t_bundle *b = braw_of(self);
    if (!b || !bundle_ready()) return NULL;
    d6t_status st = d6t_bundle_create_outgoing_relay_messages(b);
    if (st != D6T_OK) {
        PyObject *code = PyLong_FromLong(st);
        PyObject *r = code ? PyObject_CallOneArg(py_check, code) : NULL;
        Py_XDECREF(code);
        if (!r) return NULL;
        Py_DECREF(r);
    }
    size_t n = d6t_bundle_outgoing_relay_count(b);
    PyObject *relays = PyList_New((Py_ssize_t)n);
    for (size_t i = 0; relays && i < n; i++) {
        d6t_msg *m = d6t_bundle_outgoing_relay(b, i);
        PyObject *r = m ? new_msg(m, self->arena) : Py_NewRef(Py_None);
        if (!r)
            Py_CLEAR(relays);
        else
            PyList_SET_ITEM(relays, (Py_ssize_t)i, r);
    }
    if (!relays) return NULL;
    /* the first relay held while Python code runs (the list is the caller's to change) */
    PyObject *head = n ? Py_NewRef(PyList_GET_ITEM(relays, 0)) : NULL;
    Py_XSETREF(self->outgoing, relays);
    PyObject *first = first_response(self);
    int bad = !first || (head && first != Py_None && relay_response(self, head, first));
    Py_XDECREF(first);
    Py_XDECREF(head);
    if (bad) return NULL;
    Py_RETURN_NONE;
}

static PyObject *bundle_get_outgoing(Bundle *self, void *unused)
{
    (void)unused;
    return Py_NewRef(self->outgoing ? self->outgoing : Py_None);
}

static int bundle_set_outgoing(Bundle *self, PyObject *value, void *unused)
{
    (void)unused;
    if (!value || value == Py_None) {
        Py_CLEAR(self->outgoing);
        return 0;
    }
    PyObject *list = PySequence_List(value);
    if (!list) return -1;
    Py_XSETREF(self->outgoing, list);
    return 0;
}

/* the first response in the relay chain (libdhcp6txn's rule: see docs/BUNDLE.md) */
static PyObject *bundle_get_outgoing_message(Bundle *self, void *unused)
{
    (void)unused;
    PyObject *first = first_response(self);
    if (!first || first == Py_None) return first;
    PyObject *to_client = PyObject_GetAttr(first, s_from_server_to_client);
    int ok = to_client ? PyObject_IsTrue(to_client) : -1;
    Py_XDECREF(to_client);
    if (ok <= 0) {
        PyObject *r =
            ok < 0 ? NULL : PyObject_CallMethodOneArg((PyObject *)self, s_not_to_client, first);
        Py_DECREF(first);
        return r;
    }
    /* (the outgoing relays are a list, or NULL: see bundle_set_outgoing) */
    int relayed = !self->outgoing || !PyList_GET_SIZE(self->outgoing) ? has_relays(self) : 0;
    if (relayed < 0) goto fail;
    if (relayed) {
        PyObject *r = bundle_create_outgoing(self, NULL);
        if (!r) goto fail;
        Py_DECREF(r);
    }
    PyObject *out = self->outgoing;
    if (!out || !PyList_GET_SIZE(out)) return first;
    /* (held: setting relayed_message may run Python code that changes the list) */
    PyObject *head = Py_NewRef(PyList_GET_ITEM(out, 0));
    PyObject *last = Py_NewRef(PyList_GET_ITEM(out, PyList_GET_SIZE(out) - 1));
    int held = relay_holds(head, first);
    int bad = held < 0 || (!held && PyObject_SetAttr(head, s_relayed_message, first));
    Py_DECREF(head);
    Py_DECREF(first);
    if (bad) Py_CLEAR(last);
    return last;
fail:
    Py_DECREF(first);
    return NULL;
}

/* copy.copy(bundle): another bundle object sharing this one's C bundle, wrappers and responses
 * (what copying the Python class's __dict__ gives), its own attributes copied */
static PyObject *bundle_copy(Bundle *self, PyObject *unused)
{
    (void)unused;
    PyTypeObject *tp = Py_TYPE(self);
    Bundle *c = (Bundle *)tp->tp_alloc(tp, 0);
    if (!c) return NULL;
    PyObject **from[] = {&self->arena,     &self->incoming, &self->request,
                         &self->relays_in, &self->first,    &self->responses,
                         &self->outgoing,  &self->extra,    &self->handler_data};
    PyObject **to[] = {&c->arena,     &c->incoming, &c->request, &c->relays_in,   &c->first,
                       &c->responses, &c->outgoing, &c->extra,   &c->handler_data};
    for (size_t i = 0; i < sizeof from / sizeof from[0]; i++) *to[i] = Py_XNewRef(*from[i]);
    if (tp->tp_dictoffset) {
        PyObject *d = PyObject_GenericGetDict((PyObject *)self, NULL);
        PyObject *cd = d ? PyObject_GenericGetDict((PyObject *)c, NULL) : NULL;
        int bad = !cd || PyDict_Update(cd, d);
        Py_XDECREF(d);
        Py_XDECREF(cd);
        if (bad) Py_CLEAR(c);
    }
    return (PyObject *)c;
}

static PyMemberDef bundle_members[] = {
    {"_arena", T_OBJECT_EX, offsetof(Bundle, arena), READONLY, "the _Arena of the C bundle"},
    {NULL, 0, 0, 0, NULL}};

static PyGetSetDef bundle_getset[] = {
    {"_b", (getter)bundle_get_b, NULL, "the C bundle (a cffi pointer)", NULL},
    {"_extra_handled", (getter)bundle_get_extra, (setter)bundle_set_extra,
     "handled options that are not the request's", NULL},
    {"handler_data", (getter)bundle_get_handler_data, (setter)bundle_set_handler_data,
     "per-handler data (a dict)", NULL},
    {"incoming_message", (getter)bundle_get_incoming, NULL, "the message as received", NULL},
    {"request", (getter)bundle_get_request, NULL, "the client's message inside the relays", NULL},
    {"incoming_relay_messages", (getter)bundle_get_relays_in, NULL,
     "the relay-forward messages, closest to the client first (a new list)", NULL},
    {"responses", (getter)bundle_get_responses, (setter)bundle_set_responses,
     "the responses (a MessagesList)", NULL},
    {"response", (getter)bundle_get_response, (setter)bundle_set_response,
     "the first response, or None", NULL},
    {"outgoing_relay_messages", (getter)bundle_get_outgoing, (setter)bundle_set_outgoing,
     "the relay-reply messages, closest to the client first, or None", NULL},
    {"outgoing_message", (getter)bundle_get_outgoing_message, NULL,
     "the first response wrapped in the relay-reply chain, or None", NULL},
    {NULL, NULL, NULL, NULL, NULL}};

static PyMethodDef bundle_methods[] = {
    {"mark_handled", (PyCFunction)bundle_mark_handled, METH_O,
     "mark_handled(option): the option is handled"},
    {"get_unhandled_options", (PyCFunction)bundle_get_unhandled, METH_O,
     "get_unhandled_options(option_types) -> the request's options of those types not handled"},
    {"create_outgoing_relay_messages", (PyCFunction)bundle_create_outgoing, METH_NOARGS,
     "build the relay-reply chain mirroring the incoming relays"},
    {"__copy__", (PyCFunction)bundle_copy, METH_NOARGS, "copy.copy(): the same bundle shared"},
    {"_has_relays", (PyCFunction)bundle_has_relays, METH_NOARGS,
     "whether the message came through relays"},
    {NULL, NULL, 0, NULL}};

static PyType_Slot bundle_slots[] = {
    {Py_tp_doc, "Base of TransactionBundle: see dhcp6txn/_bundle.c."},
    {Py_tp_dealloc, bundle_dealloc},
    {Py_tp_traverse, bundle_traverse},
    {Py_tp_clear, bundle_clear},
    {Py_tp_members, bundle_members},
    {Py_tp_getset, bundle_getset},
    {Py_tp_methods, bundle_methods},
    {Py_tp_init, bundle_init},
    {Py_tp_new, PyType_GenericNew},
    {0, NULL}};

static PyType_Spec bundle_spec = {"dhcp6txn._views.Bundle", sizeof(Bundle), 0,
                                  Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
                                  bundle_slots};

/* setup_bundle(cls, d): what Bundle needs of bundle.py, by name in dict 'd'; TransactionBundle
 * class 'cls' made without type_call when it keeps Bundle's __init__ */
static PyObject *v_setup_bundle(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    (void)self;
    static const char *const names[] = {"MessagesList", "make", "bundle_error", "materialize_in",
                                        "check"};
    PyObject **slots[] = {&messages_list, &py_make, &py_bundle_error, &py_materialize_in,
                          &py_check};
    PyObject *got[5];
    if (nargs != 2 || !PyType_Check(args[0]) || !PyDict_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "setup_bundle(cls, d)");
        return NULL;
    }
    for (int i = 0; i < 5; i++) {
        got[i] = PyDict_GetItemString(args[1], names[i]);
        if (!got[i] || !PyCallable_Check(got[i]))
            return PyErr_Format(PyExc_TypeError, "setup_bundle: '%s' missing or not callable",
                                names[i]);
    }
    for (int i = 0; i < 5; i++) Py_XSETREF(*slots[i], Py_NewRef(got[i]));
    ((PyTypeObject *)args[0])->tp_vectorcall = bundle_vectorcall;
    Py_RETURN_NONE;
}
