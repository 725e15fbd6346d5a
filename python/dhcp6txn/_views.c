/* dhcp6txn._views: the C side of the binding's message and option objects.
 *
 * Optional, like _speedups: without it the package's wrappers are plain Python classes with
 * slots, and everything works the same way, only slower.
 *
 * Node is the base of every message and option wrapper (dhcp6txn._elements._Node). It holds
 * what the Python slots held: _ptr (the C message or option, a cffi pointer), _arena (the
 * _Arena owning it), _detached, _kids, plus __dict__ and weak references. The C pointer is
 * kept raw as well, so functions of this module reach the library without cffi: a wrapper made
 * here gets its cffi pointer only when Python code first reads _ptr (cast from the raw pointer
 * with the class's _ctype).
 *
 * setup(cast, probe, probe_address, arena_ctype): cast is ffi.cast; probe a cffi pointer whose
 *   address is probe_address (an int), which tells whether a pointer's address can be read
 *   from the cffi object directly (its layout); otherwise int(cast('uintptr_t', p)) reads it.
 *   arena_ctype: ffi.typeof('d6t_arena *'), what Arena.ptr is.
 * SPDX-License-Identifier: BSD-2-Clause */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <dhcp6txn.h>

#if PY_VERSION_HEX < 0x030A0000
static inline PyObject *Py_NewRef(PyObject *o)
{
    Py_INCREF(o);
    return o;
}
static int PyModule_AddObjectRef(PyObject *m, const char *name, PyObject *v)
{
    Py_INCREF(v);
    int r = PyModule_AddObject(m, name, v);
    if (r) Py_DECREF(v);
    return r;
}
#endif

#include "_node.h"

static PyObject *cast_fn, *cdata_type, *uintptr_name, *s_ctype, *s_found;
static PyTypeObject *node_type, *arena_type, *olist_type;

/* An arena owned by Python (_core._Arena): the C arena, freed with the object (after the
 * bundle living in it, if any), never by the garbage collector's clearing; 'keep' holds the
 * arenas this one points into. */
typedef struct {
    PyObject_HEAD d6t_arena *raw;
    PyObject *ptr;    /* its cffi pointer, made on first read */
    PyObject *keep;   /* None or a set of arenas */
    PyObject *bundle; /* None or the cffi pointer of the bundle living in it */
    void *braw;
    PyObject *weaklist;
} Arena;
/* set by setup_classes(): the Message class, {option class: code} of the table's classes,
 * {address of a table row: its class}, the Python get_option_of_type (for the cases below) */
static PyObject *table_code, *class_by_def, *py_get_option_of_type;
static int layout_ok; /* a cffi pointer's address is the field after its type */

/* what cffi's CData objects start with (checked against a probe in setup()) */
struct cdata_head {
    PyObject_HEAD void *ctype;
    char *data;
};

/* the address held by cffi pointer 'p' (-1 with an exception when it is no pointer) */
static int address_of(PyObject *p, void **out)
{
    if (layout_ok && Py_TYPE(p) == (PyTypeObject *)cdata_type) {
        *out = ((struct cdata_head *)p)->data;
        return 0;
    }
    if (arena_type && Py_TYPE(p) == arena_type) { /* an _Arena stands for its C arena */
        *out = ((Arena *)p)->raw;
        return 0;
    }
    if (!cast_fn) {
        PyErr_SetString(PyExc_TypeError, "_views.setup() not called");
        return -1;
    }
    PyObject *args[] = {uintptr_name, p};
    PyObject *n = PyObject_Vectorcall(cast_fn, args, 2, NULL);
    PyObject *i = n ? PyNumber_Long(n) : NULL;
    Py_XDECREF(n);
    if (!i) return -1;
    *out = PyLong_AsVoidPtr(i);
    Py_DECREF(i);
    return PyErr_Occurred() ? -1 : 0;
}

/* 1 when a function got 'want' arguments; else a TypeError saying how it is called */
static int nargs_is(Py_ssize_t nargs, Py_ssize_t want, const char *usage)
{
    if (nargs == want) return 1;
    PyErr_SetString(PyExc_TypeError, usage);
    return 0;
}

static PyObject *node_missing(Node *self, const char *name);

static PyObject *node_get_ptr(Node *self, void *unused)
{
    (void)unused;
    if (self->cdata) return Py_NewRef(self->cdata);
    if (!self->raw) return node_missing(self, "_ptr");
    PyObject *ctype = PyObject_GetAttr((PyObject *)Py_TYPE(self), s_ctype);
    PyObject *addr = ctype ? PyLong_FromVoidPtr(self->raw) : NULL;
    PyObject *args[] = {ctype, addr};
    PyObject *p = addr && cast_fn ? PyObject_Vectorcall(cast_fn, args, 2, NULL) : NULL;
    Py_XDECREF(ctype);
    Py_XDECREF(addr);
    if (!p && !PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "_views.setup() not called");
    if (p) self->cdata = Py_NewRef(p);
    return p;
}

static int node_set_ptr(Node *self, PyObject *value, void *unused)
{
    (void)unused;
    void *raw = NULL;
    if (value && value != Py_None && address_of(value, &raw)) return -1;
    Py_XSETREF(self->cdata, value ? Py_NewRef(value) : NULL);
    self->raw = raw;
    return 0;
}

/* Spare tuples for draft values (Node.vals), by size. A draft option's tuple is held by its
 * node alone (Python code never sees it), so when the node lets it go it is emptied and kept
 * here, and the next draft of that size takes it: making and freeing a tuple cost as much as
 * the rest of keeping an option's values. A tuple handed out again is tracked by the garbage
 * collector (which may have stopped tracking it while it held only atomic values). */
#define SPARE_SIZES    8
#define SPARE_PER_SIZE 16
static PyObject *spare_vals[SPARE_SIZES][SPARE_PER_SIZE];
static int n_spare_vals[SPARE_SIZES];

static PyObject *vals_new(Py_ssize_t n)
{
    if (n <= 0 || n >= SPARE_SIZES || !n_spare_vals[n]) return PyTuple_New(n);
    PyObject *t = spare_vals[n][--n_spare_vals[n]];
    if (!PyObject_GC_IsTracked(t)) PyObject_GC_Track(t);
    return t;
}

static void vals_release(PyObject **slot)
{
    PyObject *t = *slot;
    *slot = NULL;
    if (!t) return;
    Py_ssize_t n = PyTuple_CheckExact(t) && Py_REFCNT(t) == 1 ? PyTuple_GET_SIZE(t) : 0;
    if (n <= 0 || n >= SPARE_SIZES) {
        Py_DECREF(t);
        return;
    }
    for (Py_ssize_t i = 0; i < n; i++) { /* (may run Python code: checked again below) */
        PyObject *v = PyTuple_GET_ITEM(t, i);
        PyTuple_SET_ITEM(t, i, NULL);
        Py_XDECREF(v);
    }
    if (Py_REFCNT(t) == 1 && n_spare_vals[n] < SPARE_PER_SIZE)
        spare_vals[n][n_spare_vals[n]++] = t;
    else
        Py_DECREF(t);
}

static int node_traverse(Node *self, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(self->cdata);
    Py_VISIT(self->arena);
    Py_VISIT(self->detached);
    Py_VISIT(self->kids);
    Py_VISIT(self->dict);
    Py_VISIT(self->vals);
    for (int i = 0; i < NODE_FOUND; i++) Py_VISIT(self->found_w[i]);
    return 0;
}

static int node_clear(Node *self)
{
    Py_CLEAR(self->cdata);
    Py_CLEAR(self->arena);
    Py_CLEAR(self->detached);
    Py_CLEAR(self->kids);
    Py_CLEAR(self->dict);
    vals_release(&self->vals);
    for (int i = 0; i < NODE_FOUND; i++) {
        Py_CLEAR(self->found_w[i]);
        self->found_raw[i] = NULL;
    }
    return 0;
}

/* Compact draft values (Node.vals) moved into __dict__ as _elements keeps them: '_draft' (or,
 * once bound, '_unbound': (values, None, arena)) -> {name: value} of the values given. Done
 * before anything reads __dict__ for them. */
static PyObject *s_draft, *s_unbound, *s_args, *s_nested;

static int found_expand(Node *self);

static PyObject *message_class;

static int node_expand(Node *self)
{
    if (found_expand(self)) return -1;
    if (!self->vals) return 0;
    if (message_class && PyObject_TypeCheck(self, (PyTypeObject *)message_class)) {
        /* a draft message's (transaction_id, options): the tuple itself */
        PyObject *d = PyObject_GenericGetDict((PyObject *)self, NULL);
        int r = !d || PyDict_SetItem(d, s_draft, self->vals) ? -1 : 0;
        Py_XDECREF(d);
        if (r == 0) Py_CLEAR(self->vals);
        return r;
    }
    PyObject *names = PyObject_GetAttr((PyObject *)Py_TYPE(self), s_args);
    PyObject *values = names && PyTuple_CheckExact(names) ? PyDict_New() : NULL;
    PyObject *d = values ? PyObject_GenericGetDict((PyObject *)self, NULL) : NULL;
    int r = d ? 0 : -1;
    if (d && PyTuple_GET_SIZE(names) != PyTuple_GET_SIZE(self->vals)) {
        PyErr_SetString(PyExc_TypeError, "_args changed since the option was made");
        r = -1;
    }
    for (Py_ssize_t i = 0; r == 0 && i < PyTuple_GET_SIZE(names); i++) {
        PyObject *v = PyTuple_GET_ITEM(self->vals, i);
        if (v) r = PyDict_SetItem(values, PyTuple_GET_ITEM(names, i), v);
    }
    if (r == 0 && self->unbound) {
        PyObject *t = PyTuple_Pack(3, values, Py_None, self->arena ? self->arena : Py_None);
        r = !t || PyDict_SetItem(d, s_unbound, t) ? -1 : 0;
        Py_XDECREF(t);
    } else if (r == 0) {
        r = PyDict_SetItem(d, s_draft, values);
    }
    if (r == 0) {
        Py_CLEAR(self->vals);
        self->unbound = 0;
    }
    Py_XDECREF(names);
    Py_XDECREF(values);
    Py_XDECREF(d);
    return r;
}

/* 1 when what node 'n' says is all in C: no draft values, no values kept for refusal (_bad)
 * (-1: an error) */
static PyObject *s_bad;

static int node_plain(Node *n)
{
    if (node_draft_values((PyObject *)n)) return 0;
    PyObject *d = n->dict;
    int plain = !d || (!PyDict_GetItemWithError(d, s_draft) && !PyErr_Occurred() &&
                       !PyDict_GetItemWithError(d, s_bad));
    return PyErr_Occurred() ? -1 : plain;
}

/* the draft (transaction_id, options) of message 'n', borrowed (NULL: none, or an error) */
static PyObject *msg_draft_of(Node *n)
{
    if (n->vals && !n->unbound) return n->vals;
    return n->dict ? PyDict_GetItemWithError(n->dict, s_draft) : NULL;
}

static PyObject *node_get_dict(PyObject *self, void *unused)
{
    if (node_expand((Node *)self)) return NULL;
    return PyObject_GenericGetDict(self, unused);
}

static int node_set_dict(PyObject *self, PyObject *value, void *unused)
{
    if (node_expand((Node *)self)) return -1;
    return PyObject_GenericSetDict(self, value, unused);
}

static void node_dealloc(Node *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    if (self->weaklist) PyObject_ClearWeakRefs((PyObject *)self);
    node_clear(self);
    tp->tp_free((PyObject *)self);
    Py_DECREF(tp);
}

/* The tp_dealloc fast_calls() gives the table's classes: they add nothing to Node that needs
 * the usual one of classes made by a class statement (subtype_dealloc: slots, a dict or weak
 * references of their own, checked by plain_subclass()), which costs more than the rest of
 * freeing an option. A __del__ added to such a class later is run as subtype_dealloc runs it. */
static int plain_subclass(PyTypeObject *tp, PyTypeObject *base)
{
    return tp->tp_basicsize == base->tp_basicsize && tp->tp_itemsize == 0 &&
           tp->tp_dictoffset == base->tp_dictoffset &&
           tp->tp_weaklistoffset == base->tp_weaklistoffset && !tp->tp_del && !tp->tp_finalize &&
           PyType_HasFeature(tp, Py_TPFLAGS_HEAPTYPE);
}

static void node_dealloc_plain(Node *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    if (tp->tp_finalize && tp->tp_dealloc == (destructor)node_dealloc_plain) {
        if (PyObject_CallFinalizerFromDealloc((PyObject *)self) < 0) return; /* resurrected */
    }
    PyObject_GC_UnTrack(self);
    /* (deep trees freed without deep recursion, as subtype_dealloc does it) */
    Py_TRASHCAN_BEGIN(self, node_dealloc_plain);
    if (self->weaklist) PyObject_ClearWeakRefs((PyObject *)self);
    node_clear(self);
    tp->tp_free((PyObject *)self);
    Py_DECREF(tp);
    Py_TRASHCAN_END;
}

/* A new wrapper of class 'cls' for C option 'raw' in 'arena' (its cffi pointer made when
 * Python code first reads _ptr). */
static PyObject *new_wrapper(PyTypeObject *cls, void *raw, PyObject *arena)
{
    Node *w = (Node *)cls->tp_alloc(cls, 0);
    if (!w) return NULL;
    w->raw = raw;
    w->arena = Py_NewRef(arena);
    w->detached = Py_NewRef(Py_False);
    w->kids = Py_NewRef(Py_None);
    return (PyObject *)w;
}

/* the table's class of C option 'p' (borrowed; NULL without an exception when it has none) */
/* (the last few answers, by table row: the dict's values, valid until setup_classes() gives
 * another dict) */
static struct {
    const void *def;
    PyObject *cls;
} class_cache[32];

static PyObject *class_of(const d6t_opt *p)
{
    const void *def = (const void *)d6t_optdef_of(p);
    size_t slot = ((uintptr_t)def >> 4) % (sizeof class_cache / sizeof class_cache[0]);
    if (def && class_cache[slot].def == def) return class_cache[slot].cls;
    PyObject *key = PyLong_FromVoidPtr((void *)(uintptr_t)def);
    if (!key) return NULL;
    PyObject *cls = PyDict_GetItemWithError(class_by_def, key);
    Py_DECREF(key);
    if (cls && def) {
        class_cache[slot].def = def;
        class_cache[slot].cls = cls;
    }
    return cls;
}

/* Node.found_w moved into __dict__['_found'] (made if missing), in the order they were made */
static int found_expand(Node *self)
{
    if (!self->found_w[0]) return 0;
    PyObject *d = PyObject_GenericGetDict((PyObject *)self, NULL);
    if (!d) return -1;
    PyObject *found = PyDict_GetItemWithError(d, s_found);
    if (!found && !PyErr_Occurred()) {
        found = PyDict_New();
        if (found && PyDict_SetItem(d, s_found, found)) Py_CLEAR(found);
        Py_XDECREF(found); /* the dict holds it */
    }
    Py_DECREF(d);
    if (!found || !PyDict_Check(found)) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "_found must be a dict");
        return -1;
    }
    for (int i = 0; i < NODE_FOUND && self->found_w[i]; i++) {
        PyObject *key = PyLong_FromVoidPtr(self->found_raw[i]);
        if (!key || PyDict_SetItem(found, key, self->found_w[i])) {
            Py_XDECREF(key);
            return -1;
        }
        Py_DECREF(key);
    }
    for (int i = 0; i < NODE_FOUND; i++) { /* (all moved: none is left behind) */
        Py_CLEAR(self->found_w[i]);
        self->found_raw[i] = NULL;
    }
    return 0;
}

/* The wrapper of sub-option 'p' of 'self' that get_option_of_type handed out before, or a new
 * one of class 'cls', kept in self.__dict__['_found'] (keyed by address, as _elements does);
 * the first ones in the node itself (found_w) while __dict__ has no '_found'. */
static PyObject *found_wrapper(Node *self, d6t_opt *p, PyObject *cls)
{
    int i = 0;
    for (; i < NODE_FOUND && self->found_w[i]; i++)
        if (self->found_raw[i] == p) return Py_NewRef(self->found_w[i]);
    PyObject *has = self->dict ? PyDict_GetItemWithError(self->dict, s_found) : NULL;
    if (!has && PyErr_Occurred()) return NULL;
    if (!has && i < NODE_FOUND && self->arena) {
        PyObject *w = new_wrapper((PyTypeObject *)cls, p, self->arena);
        if (w) {
            self->found_raw[i] = p;
            self->found_w[i] = Py_NewRef(w);
        }
        return w;
    }
    if (found_expand(self)) return NULL;
    PyObject *d = PyObject_GenericGetDict((PyObject *)self, NULL);
    if (!d) return NULL;
    PyObject *found = PyDict_GetItemWithError(d, s_found);
    if (!found && !PyErr_Occurred()) {
        found = PyDict_New();
        if (found && PyDict_SetItem(d, s_found, found)) Py_CLEAR(found);
        Py_XDECREF(found); /* the dict holds it */
    }
    Py_DECREF(d); /* (the object keeps its dict, and the dict 'found') */
    if (!found || !PyDict_Check(found) || !self->arena) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "_found must be a dict");
        return NULL;
    }
    PyObject *key = PyLong_FromVoidPtr(p);
    if (!key) return NULL;
    PyObject *w = PyDict_GetItemWithError(found, key);
    if (w) {
        Py_DECREF(key);
        return Py_NewRef(w);
    }
    if (!PyErr_Occurred() && (w = new_wrapper((PyTypeObject *)cls, p, self->arena)) &&
        PyDict_SetItem(found, key, w))
        Py_CLEAR(w);
    Py_DECREF(key);
    return w;
}

/* get_option_of_type(klass): the first direct sub-option that is a 'klass'. While no
 * sub-option is wrapped (_kids None) and 'klass' is a class of the library's table, C finds
 * the first option of its code and only that one is wrapped; the list of wrappers is searched
 * when there is one; everything else (drafts, classes defined in Python) is the Python
 * method's. */
static PyObject *node_get_option_of_type(Node *self, PyObject *klass)
{
    PyObject *kids = self->kids;
    if (kids && PyList_CheckExact(kids)) {
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(kids); i++) {
            PyObject *o = PyList_GET_ITEM(kids, i);
            int is = PyObject_IsInstance(o, klass);
            if (is < 0) return NULL;
            if (is) return Py_NewRef(o);
        }
        Py_RETURN_NONE;
    }
    if (kids == Py_None && self->raw && table_code) {
        PyObject *code = PyDict_GetItemWithError(table_code, klass);
        if (!code && PyErr_Occurred()) return NULL;
        unsigned long c = code ? PyLong_AsUnsignedLong(code) : 0x10000;
        if (c == (unsigned long)-1 && PyErr_Occurred()) return NULL;
        if (c < 0x10000) {
            int msg = PyObject_TypeCheck(self, (PyTypeObject *)message_class);
            d6t_opt *p = msg ? d6t_msg_find_opt(self->raw, (uint16_t)c)
                             : d6t_opt_find_child(self->raw, (uint16_t)c);
            if (!p) Py_RETURN_NONE;
            PyObject *cls = class_of(p);
            if (cls == klass) return found_wrapper(self, p, cls);
            if (PyErr_Occurred()) return NULL;
        }
    }
    return PyObject_CallFunctionObjArgs(py_get_option_of_type, (PyObject *)self, klass, NULL);
}

/* ---- Arena */
static PyObject *arena_ctype;

static PyObject *make_arena(PyTypeObject *type, Py_ssize_t block)
{
    if (block < 0) {
        PyErr_SetString(PyExc_ValueError, "block_size must not be negative");
        return NULL;
    }
    Arena *a = (Arena *)type->tp_alloc(type, 0);
    if (!a) return NULL;
    a->keep = Py_NewRef(Py_None);
    a->bundle = Py_NewRef(Py_None);
    if (!(a->raw = d6t_arena_new(NULL, (size_t)block))) {
        Py_DECREF(a);
        PyErr_SetString(PyExc_MemoryError, "d6t_arena_new failed");
        return NULL;
    }
    return (PyObject *)a;
}

static PyObject *arena_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    Py_ssize_t block = 0;
    static char *kw[] = {"block_size", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|n:_Arena", kw, &block)) return NULL;
    return make_arena(type, block);
}

static int arena_traverse(PyObject *self, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(((Arena *)self)->keep);
    return 0;
}

static int arena_clear(PyObject *self)
{
    Py_CLEAR(((Arena *)self)->keep); /* the C memory goes with the object only */
    return 0;
}

static void arena_dealloc(PyObject *self)
{
    Arena *a = (Arena *)self;
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    if (a->weaklist) PyObject_ClearWeakRefs(self);
    if (a->braw) d6t_bundle_free(a->braw);
    if (a->raw) d6t_arena_free(a->raw);
    a->braw = a->raw = NULL;
    Py_CLEAR(a->keep);
    Py_CLEAR(a->bundle);
    Py_CLEAR(a->ptr);
    tp->tp_free(self);
    Py_DECREF(tp);
}

static PyObject *arena_get_ptr(PyObject *self, void *unused)
{
    (void)unused;
    Arena *a = (Arena *)self;
    if (!a->ptr) {
        if (!a->raw) Py_RETURN_NONE;
        if (!cast_fn || !arena_ctype) {
            PyErr_SetString(PyExc_TypeError, "_views.setup() not called");
            return NULL;
        }
        PyObject *addr = PyLong_FromVoidPtr(a->raw);
        PyObject *args[] = {arena_ctype, addr};
        a->ptr = addr ? PyObject_Vectorcall(cast_fn, args, 2, NULL) : NULL;
        Py_XDECREF(addr);
        if (!a->ptr) return NULL;
    }
    return Py_NewRef(a->ptr);
}

static PyObject *bundle_ctype;

/* (the cffi pointer of a bundle made in C is made here, when first asked for) */
static PyObject *arena_get_bundle(PyObject *self, void *unused)
{
    (void)unused;
    Arena *a = (Arena *)self;
    if (a->bundle == Py_None && a->braw) {
        if (!cast_fn || !bundle_ctype) {
            PyErr_SetString(PyExc_TypeError, "_views.setup_classes() not called");
            return NULL;
        }
        PyObject *addr = PyLong_FromVoidPtr(a->braw);
        PyObject *cargs[] = {bundle_ctype, addr};
        PyObject *ptr = addr ? PyObject_Vectorcall(cast_fn, cargs, 2, NULL) : NULL;
        Py_XDECREF(addr);
        if (!ptr) return NULL;
        Py_SETREF(a->bundle, ptr);
    }
    return Py_NewRef(a->bundle);
}

static int arena_set_bundle(PyObject *self, PyObject *value, void *unused)
{
    (void)unused;
    Arena *a = (Arena *)self;
    void *raw = NULL;
    if (value && value != Py_None && address_of(value, &raw)) return -1;
    Py_XSETREF(a->bundle, Py_NewRef(value ? value : Py_None));
    a->braw = raw;
    return 0;
}

/* (a list, each arena once: there are few, and a set costs more to make) */
static PyObject *arena_hold(PyObject *self, PyObject *other)
{
    Arena *a = (Arena *)self;
    if (other == self || other == Py_None) Py_RETURN_NONE;
    if (!a->keep || !PyList_CheckExact(a->keep)) {
        PyObject *list = PyList_New(0);
        if (!list) return NULL;
        if (a->keep && a->keep != Py_None) { /* a set or list given by Python code */
            PyObject *old = PySequence_List(a->keep);
            if (!old || PyList_SetSlice(list, 0, 0, old)) {
                Py_XDECREF(old);
                Py_DECREF(list);
                return NULL;
            }
            Py_DECREF(old);
        }
        Py_XSETREF(a->keep, list);
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(a->keep); i++)
        if (PyList_GET_ITEM(a->keep, i) == other) Py_RETURN_NONE;
    if (PyList_Append(a->keep, other)) return NULL;
    Py_RETURN_NONE;
}

static PyMemberDef arena_members[] = {
    {"keep", T_OBJECT, offsetof(Arena, keep), 0,
     "None or a list of the arenas this one points into"},
    {"__weaklistoffset__", T_PYSSIZET, offsetof(Arena, weaklist), READONLY, NULL},
    {NULL, 0, 0, 0, NULL}};

static PyGetSetDef arena_getset[] = {
    {"ptr", arena_get_ptr, NULL, "the C arena (a cffi pointer)", NULL},
    {"bundle", arena_get_bundle, arena_set_bundle, "the bundle living in it, freed first", NULL},
    {NULL, NULL, NULL, NULL, NULL}};

static PyMethodDef arena_methods[] = {
    {"hold", arena_hold, METH_O, "hold(other): keep arena 'other' alive as long as this one"},
    {NULL, NULL, 0, NULL}};

static PyType_Slot arena_slots[] = {
    {Py_tp_doc, "An arena owned by Python (dhcp6txn._core._Arena): see dhcp6txn/_views.c."},
    {Py_tp_new, arena_new},
    {Py_tp_dealloc, arena_dealloc},
    {Py_tp_traverse, arena_traverse},
    {Py_tp_clear, arena_clear},
    {Py_tp_members, arena_members},
    {Py_tp_getset, arena_getset},
    {Py_tp_methods, arena_methods},
    {0, NULL}};

static PyType_Spec arena_spec = {"dhcp6txn._views.Arena", sizeof(Arena), 0,
                                 Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC, arena_slots};

/* ---- OptionListBase: the base of _elements.OptionList (the `options` view of a message or
 * option), holding its node; append() of a draft message's options is done here, everything
 * else by the Python class (_py_append and the rest). */
typedef struct {
    PyObject_HEAD PyObject *node;
} OptionListBase;

static PyObject *option_class, *option_list_class, *py_options_set, *s_py_append, *s_py_defined;

static int plain_option(PyObject *o);

static int olist_init(PyObject *self, PyObject *args, PyObject *kwargs)
{
    PyObject *node;
    if ((kwargs && PyDict_GET_SIZE(kwargs)) || !PyArg_UnpackTuple(args, "OptionList", 1, 1, &node))
        return -1;
    Py_XSETREF(((OptionListBase *)self)->node, Py_NewRef(node));
    return 0;
}

static PyObject *olist_append(PyObject *self, PyObject *item)
{
    PyObject *node = ((OptionListBase *)self)->node;
    if (node && option_class && PyObject_TypeCheck(node, node_type)) {
        PyObject *draft = msg_draft_of((Node *)node);
        Py_XINCREF(draft);
        if (!draft && PyErr_Occurred()) return NULL;
        if (draft && PyTuple_CheckExact(draft) && PyTuple_GET_SIZE(draft) == 2 &&
            PyList_CheckExact(PyTuple_GET_ITEM(draft, 1)) &&
            PyObject_TypeCheck(item, (PyTypeObject *)option_class)) {
            /* a draft message: made later, with this option (a class the library can hold) */
            int ok = plain_option(item) && !PyList_Append(PyTuple_GET_ITEM(draft, 1), item);
            Py_DECREF(draft);
            if (ok) Py_RETURN_NONE;
            if (PyErr_Occurred()) return NULL;
        } else {
            Py_XDECREF(draft);
        }
    }
    return PyObject_CallMethodOneArg(self, s_py_append, item);
}

static int olist_traverse(PyObject *self, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(((OptionListBase *)self)->node);
    return 0;
}

static int olist_clear(PyObject *self)
{
    Py_CLEAR(((OptionListBase *)self)->node);
    return 0;
}

static void olist_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    if (tp->tp_finalize && tp->tp_dealloc == olist_dealloc) { /* (see node_dealloc_plain) */
        if (PyObject_CallFinalizerFromDealloc(self) < 0) return;
    }
    PyObject_GC_UnTrack(self);
    olist_clear(self);
    tp->tp_free(self);
    Py_DECREF(tp);
}

static PyMemberDef olist_members[] = {
    {"_node", T_OBJECT_EX, offsetof(OptionListBase, node), 0, NULL}, {NULL, 0, 0, 0, NULL}};

static PyMethodDef olist_methods[] = {{"append", olist_append, METH_O, "append(option)"},
                                      {NULL, NULL, 0, NULL}};

static PyType_Slot olist_slots[] = {
    {Py_tp_doc, "Base of dhcp6txn._elements.OptionList: see dhcp6txn/_views.c."},
    {Py_tp_init, olist_init},
    {Py_tp_dealloc, olist_dealloc},
    {Py_tp_traverse, olist_traverse},
    {Py_tp_clear, olist_clear},
    {Py_tp_members, olist_members},
    {Py_tp_methods, olist_methods},
    {0, NULL}};

static PyType_Spec olist_spec = {"dhcp6txn._views.OptionListBase", sizeof(OptionListBase), 0,
                                 Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
                                 olist_slots};

/* Node.options: OptionList(node); set: the Python setter given to setup_classes() */
static PyObject *node_get_options(PyObject *self, void *unused)
{
    (void)unused;
    if (!option_list_class) {
        PyErr_SetString(PyExc_TypeError, "_views.setup_classes() not called");
        return NULL;
    }
    /* made here as type_call would make it, unless the class has other ways of its own */
    PyTypeObject *tp = (PyTypeObject *)option_list_class;
    if (tp->tp_init == olist_init && tp->tp_new == PyBaseObject_Type.tp_new &&
        !PyType_HasFeature(tp, Py_TPFLAGS_IS_ABSTRACT)) {
        PyObject *o = tp->tp_alloc(tp, 0);
        if (o) ((OptionListBase *)o)->node = Py_NewRef(self);
        return o;
    }
    return PyObject_CallOneArg(option_list_class, self);
}

static int node_set_options(PyObject *self, PyObject *value, void *unused)
{
    (void)unused;
    if (!value) {
        PyErr_SetString(PyExc_AttributeError, "options cannot be deleted");
        return -1;
    }
    if (!py_options_set) {
        PyErr_SetString(PyExc_TypeError, "_views.setup_classes() not called");
        return -1;
    }
    PyObject *r = PyObject_CallFunctionObjArgs(py_options_set, self, value, NULL);
    Py_XDECREF(r);
    return r ? 0 : -1;
}

/* save(): the wire bytes of a message or option made in C, written by the library; drafts,
 * trees with values kept for refusal (DEFERRED[0]) and errors go to the class's _py_save,
 * which says what is wrong. */
static PyObject *deferred, *s_py_save;

static PyObject *node_save(Node *self, PyObject *unused)
{
    (void)unused;
    if (self->raw && deferred && PyList_CheckExact(deferred) && PyList_GET_SIZE(deferred) > 0 &&
        PyList_GET_ITEM(deferred, 0) == Py_False && message_class) {
        int draft = node_draft_values((PyObject *)self) ||
                    (self->dict && PyDict_GetItemWithError(self->dict, s_draft));
        if (PyErr_Occurred()) return NULL;
        int msg = PyObject_TypeCheck(self, (PyTypeObject *)message_class);
        size_t n = draft ? 0 : msg ? d6t_msg_wire_size(self->raw) : d6t_opt_wire_size(self->raw);
        PyObject *b =
            n && n <= PY_SSIZE_T_MAX ? PyBytes_FromStringAndSize(NULL, (Py_ssize_t)n) : NULL;
        if (b) {
            size_t used = 0;
            uint8_t *buf = (uint8_t *)PyBytes_AS_STRING(b);
            d6t_status st = msg ? d6t_msg_write(self->raw, buf, n, &used)
                                : d6t_opt_write(self->raw, buf, n, &used);
            if (st == D6T_OK && used == n) return b;
            Py_DECREF(b);
        }
        if (PyErr_Occurred()) return NULL;
    }
    return PyObject_CallMethodNoArgs((PyObject *)self, s_py_save);
}

/* Option(*values, **values): a draft, as _speedups.option_init makes it (its values by the
 * names in type(self)._args in __dict__['_draft'], _detached True), called by the type
 * directly; anything unusual (more values than names, an unknown or repeated keyword) goes to
 * the Python __init__ given to setup_classes() as 'option_init', which decides what is
 * refused. Messages and other nodes: object's __init__. */
static PyObject *py_option_init;

/* the index of keyword 'key' in 'names' from 'from' on (the size of 'names': none) */
static Py_ssize_t arg_slot(PyObject *names, Py_ssize_t from, PyObject *key)
{
    Py_ssize_t j = from, nn = PyTuple_GET_SIZE(names);
    while (j < nn && PyTuple_GET_ITEM(names, j) != key &&
           PyObject_RichCompareBool(PyTuple_GET_ITEM(names, j), key, Py_EQ) != 1)
        j++;
    if (PyErr_Occurred()) PyErr_Clear();
    return j;
}

static int draft_init(PyObject *self, PyObject *args, PyObject *kwargs, PyObject *names)
{
    Py_ssize_t n = PyTuple_GET_SIZE(args), nn = PyTuple_GET_SIZE(names);
    PyObject *vals = vals_new(nn); /* (never seen by Python code: items may stay NULL) */
    if (!vals) return -1;
    for (Py_ssize_t i = 0; i < n; i++)
        PyTuple_SET_ITEM(vals, i, Py_NewRef(PyTuple_GET_ITEM(args, i)));
    Py_ssize_t pos = 0;
    PyObject *key, *value;
    while (kwargs && PyDict_Next(kwargs, &pos, &key, &value)) {
        Py_ssize_t j = arg_slot(names, n, key); /* a name not given by position */
        if (j == nn || PyTuple_GET_ITEM(vals, j)) {
            Py_DECREF(vals);
            return 1; /* the Python way decides */
        }
        PyTuple_SET_ITEM(vals, j, Py_NewRef(value));
    }
    Node *node = (Node *)self;
    Py_XSETREF(node->vals, vals);
    node->unbound = 0;
    Py_XSETREF(node->detached, Py_NewRef(Py_True));
    return 0;
}

/* ClientServerMessage(transaction_id=b'\0\0\0', options=None): a draft message, as its
 * Python __init__ (given to setup_classes() as 'message_init') makes it: __dict__['_draft'] =
 * (transaction_id, a new list of the options); anything unusual (options not a list, or not
 * all options the library can hold, unknown keywords) is that function's. */
static PyObject *csm_class, *py_message_init, *zero_tid, *s_transaction_id, *s_options;

/* the per-class caches' slot of 'tp' (type objects are ~1 KiB apart: the low bits say little) */
static inline size_t class_slot(const PyTypeObject *tp)
{
    uintptr_t a = (uintptr_t)tp;
    return (size_t)((a >> 5) ^ (a >> 11) ^ (a >> 17));
}

static int plain_option(PyObject *o)
{
    /* the class's answer, kept per class version, unless the object has its own (only option
     * classes are kept) */
    static struct {
        PyTypeObject *type;
        unsigned int tag;
    } plain_cache[64];
    PyTypeObject *tp = Py_TYPE(o);
    size_t slot = class_slot(tp) % (sizeof plain_cache / sizeof plain_cache[0]);
    int known = plain_cache[slot].type == tp && plain_cache[slot].tag == tp->tp_version_tag &&
                PyType_HasFeature(tp, Py_TPFLAGS_VALID_VERSION_TAG);
    if (!known && !PyObject_TypeCheck(o, (PyTypeObject *)option_class)) return 0;
    PyObject *d = ((Node *)o)->dict;
    int own = d && PyDict_GetItemWithError(d, s_py_defined);
    if (PyErr_Occurred()) PyErr_Clear();
    if (!own && known) return 1;
    PyObject *pyd = PyObject_GetAttr(o, s_py_defined);
    if (pyd == Py_False && !own && PyType_HasFeature(tp, Py_TPFLAGS_VALID_VERSION_TAG)) {
        plain_cache[slot].type = tp; /* (compared, never followed) */
        plain_cache[slot].tag = tp->tp_version_tag;
    }
    Py_XDECREF(pyd);
    if (!pyd) PyErr_Clear();
    return pyd == Py_False;
}

static int msg_draft_make(PyObject *self, PyObject *tid, PyObject *opts);

static int msg_draft_init(PyObject *self, PyObject *args, PyObject *kwargs)
{
    Py_ssize_t n = PyTuple_GET_SIZE(args);
    if (n > 2) return 1;
    PyObject *tid = n > 0 ? PyTuple_GET_ITEM(args, 0) : NULL;
    PyObject *opts = n > 1 ? PyTuple_GET_ITEM(args, 1) : NULL, *key, *value;
    Py_ssize_t pos = 0;
    while (kwargs && PyDict_Next(kwargs, &pos, &key, &value)) {
        if (!tid && PyUnicode_Check(key) && PyUnicode_Compare(key, s_transaction_id) == 0)
            tid = value;
        else if (!opts && PyUnicode_Check(key) && PyUnicode_Compare(key, s_options) == 0)
            opts = value;
        else
            return 1;
    }
    if (PyErr_Occurred()) return -1;
    return msg_draft_make(self, tid, opts);
}

/* the draft of message 'self' (after its arguments were read: NULL, not given) */
static int msg_draft_make(PyObject *self, PyObject *tid, PyObject *opts)
{
    if (!tid) tid = zero_tid;
    if (opts == Py_None) opts = NULL;
    if (opts && !PyList_CheckExact(opts)) return 1;
    for (Py_ssize_t i = 0; opts && i < PyList_GET_SIZE(opts); i++)
        if (!plain_option(PyList_GET_ITEM(opts, i))) return 1;
    PyObject *list = opts ? PyList_GetSlice(opts, 0, PY_SSIZE_T_MAX) : PyList_New(0);
    PyObject *draft = list ? PyTuple_Pack(2, tid, list) : NULL;
    Py_XDECREF(list);
    if (!draft) return -1;
    /* kept in the node until Python code reads __dict__ (node_expand) */
    Node *n = (Node *)self;
    if (n->dict && PyDict_GetItemWithError(n->dict, s_draft) && PyDict_DelItem(n->dict, s_draft)) {
        Py_DECREF(draft);
        return -1;
    }
    Py_XSETREF(n->vals, draft);
    n->unbound = 0;
    return PyErr_Occurred() ? -1 : 0;
}

/* (self, *args) for a Python __init__ */
static int call_py_init(PyObject *fn, PyObject *self, PyObject *args, PyObject *kwargs)
{
    Py_ssize_t n = PyTuple_GET_SIZE(args);
    PyObject *full = PyTuple_New(n + 1);
    if (!full) return -1;
    PyTuple_SET_ITEM(full, 0, Py_NewRef(self));
    for (Py_ssize_t i = 0; i < n; i++)
        PyTuple_SET_ITEM(full, i + 1, Py_NewRef(PyTuple_GET_ITEM(args, i)));
    PyObject *res = PyObject_Call(fn, full, kwargs);
    Py_DECREF(full);
    Py_XDECREF(res);
    return res ? 0 : -1;
}

static int node_init(PyObject *self, PyObject *args, PyObject *kwargs)
{
    if (csm_class && py_message_init && zero_tid &&
        PyObject_TypeCheck(self, (PyTypeObject *)csm_class)) {
        int r = msg_draft_init(self, args, kwargs);
        return r <= 0 ? r : call_py_init(py_message_init, self, args, kwargs);
    }
    if (!option_class || !py_option_init || !PyObject_TypeCheck(self, (PyTypeObject *)option_class))
        return PyBaseObject_Type.tp_init(self, args, kwargs);
    PyObject *names = PyObject_GetAttr((PyObject *)Py_TYPE(self), s_args);
    if (!names) return -1;
    int r = PyTuple_CheckExact(names) && PyTuple_GET_SIZE(args) <= PyTuple_GET_SIZE(names)
                ? draft_init(self, args, kwargs, names)
                : 1;
    Py_DECREF(names);
    return r <= 0 ? r : call_py_init(py_option_init, self, args, kwargs);
}

/* A table class called: the object made straight from the call's arguments (no tuple of them,
 * no type_call), as type_call with node_init would make it; anything else (a class whose
 * __new__ or __init__ was replaced since, values node_init leaves to Python) through type_call
 * itself. Set on the table's option classes by fast_calls(). */
static PyObject *node_vectorcall(PyObject *type, PyObject *const *args, size_t nargsf,
                                 PyObject *kwnames);

/* type(self)._args (new reference): the last answers kept per class version (the tag changes
 * whenever the class or a base is changed) */
static struct {
    PyTypeObject *type;
    unsigned int tag;
    PyObject *args;
} args_cache[64];

static PyObject *class_args(PyTypeObject *tp)
{
    size_t slot = class_slot(tp) % (sizeof args_cache / sizeof args_cache[0]);
    int tagged = PyType_HasFeature(tp, Py_TPFLAGS_VALID_VERSION_TAG);
    if (tagged && args_cache[slot].type == tp && args_cache[slot].tag == tp->tp_version_tag)
        return Py_NewRef(args_cache[slot].args);
    PyObject *names = PyObject_GetAttr((PyObject *)tp, s_args);
    if (names && PyType_HasFeature(tp, Py_TPFLAGS_VALID_VERSION_TAG)) {
        Py_XSETREF(args_cache[slot].args, Py_NewRef(names));
        args_cache[slot].type = tp; /* (compared, never followed: a freed class's slot is */
        args_cache[slot].tag = tp->tp_version_tag; /* only ever a miss, tags are unique) */
    }
    return names;
}

/* 'type' called the usual way (type_call) with a vectorcall's arguments */
static PyObject *usual_call(PyObject *type, PyObject *const *args, Py_ssize_t n, PyObject *kwnames)
{
    Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
    PyObject *tuple = PyTuple_New(n), *kw = nkw ? PyDict_New() : NULL;
    for (Py_ssize_t i = 0; tuple && i < n; i++) PyTuple_SET_ITEM(tuple, i, Py_NewRef(args[i]));
    for (Py_ssize_t k = 0; kw && k < nkw; k++)
        if (PyDict_SetItem(kw, PyTuple_GET_ITEM(kwnames, k), args[n + k])) Py_CLEAR(kw);
    PyObject *r = tuple && (kw || !nkw) ? PyType_Type.tp_call(type, tuple, kw) : NULL;
    Py_XDECREF(tuple);
    Py_XDECREF(kw);
    return r;
}

/* a client/server message class called (see node_vectorcall; set by fast_calls()) */
static PyObject *msg_vectorcall(PyObject *type, PyObject *const *args, size_t nargsf,
                                PyObject *kwnames)
{
    PyTypeObject *tp = (PyTypeObject *)type;
    Py_ssize_t n = PyVectorcall_NARGS(nargsf), nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
    PyObject *tid = n > 0 ? args[0] : NULL, *opts = n > 1 ? args[1] : NULL;
    int usual = n <= 2 && tp->tp_init == node_type->tp_init && tp->tp_new == node_type->tp_new &&
                py_message_init && zero_tid;
    for (Py_ssize_t k = 0; usual && k < nkw; k++) {
        PyObject *key = PyTuple_GET_ITEM(kwnames, k);
        if (!tid && PyUnicode_Compare(key, s_transaction_id) == 0)
            tid = args[n + k];
        else if (!opts && PyUnicode_Compare(key, s_options) == 0)
            opts = args[n + k];
        else
            usual = 0;
    }
    if (PyErr_Occurred()) PyErr_Clear();
    PyObject *o = usual ? tp->tp_alloc(tp, 0) : NULL;
    if (o) {
        int r = msg_draft_make(o, tid, opts);
        if (r == 0) return o;
        Py_DECREF(o);
        if (r < 0) return NULL;
    } else if (usual) {
        return NULL;
    }
    return usual_call((PyObject *)tp, args, n, kwnames);
}

static PyObject *node_vectorcall(PyObject *type, PyObject *const *args, size_t nargsf,
                                 PyObject *kwnames)
{
    PyTypeObject *tp = (PyTypeObject *)type;
    Py_ssize_t n = PyVectorcall_NARGS(nargsf), nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
    PyObject *names = NULL, *vals = NULL;
    /* (fast_calls() set this on option classes only) */
    if (tp->tp_init != node_type->tp_init || tp->tp_new != node_type->tp_new || !py_option_init)
        goto slow;
    names = class_args(tp);
    if (!names) return NULL;
    Py_ssize_t nn = PyTuple_CheckExact(names) ? PyTuple_GET_SIZE(names) : -1;
    if (n > nn || !(vals = vals_new(nn < 0 ? 0 : nn))) goto slow;
    for (Py_ssize_t i = 0; i < n; i++) PyTuple_SET_ITEM(vals, i, Py_NewRef(args[i]));
    for (Py_ssize_t k = 0; k < nkw; k++) {
        PyObject *key = PyTuple_GET_ITEM(kwnames, k);
        Py_ssize_t j = arg_slot(names, n, key); /* a name not given by position */
        if (j == nn || PyTuple_GET_ITEM(vals, j)) goto slow;
        PyTuple_SET_ITEM(vals, j, Py_NewRef(args[n + k]));
    }
    Node *o = (Node *)tp->tp_alloc(tp, 0);
    if (!o) {
        Py_DECREF(names);
        Py_DECREF(vals);
        return NULL;
    }
    o->vals = vals;
    o->detached = Py_NewRef(Py_True);
    Py_DECREF(names);
    return (PyObject *)o;
slow:
    Py_XDECREF(names);
    Py_XDECREF(vals);
    if (PyErr_Occurred()) return NULL;
    return usual_call(type, args, n, kwnames);
}

/* fast_calls(classes): node_vectorcall for each of these option classes (those whose __init__
 * and __new__ are the base's) */
static PyObject *v_fast_calls(PyObject *self, PyObject *classes)
{
    (void)self;
    if (!PyList_CheckExact(classes)) {
        PyErr_SetString(PyExc_TypeError, "fast_calls(list of classes)");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(classes); i++) {
        PyObject *c = PyList_GET_ITEM(classes, i);
        if (!PyType_Check(c) || !PyType_IsSubtype((PyTypeObject *)c, node_type)) {
            PyErr_SetString(PyExc_TypeError, "fast_calls: not a Node class");
            return NULL;
        }
        PyTypeObject *tp = (PyTypeObject *)c;
        if (tp->tp_init != node_type->tp_init || tp->tp_new != node_type->tp_new) continue;
        if (csm_class && PyType_IsSubtype(tp, (PyTypeObject *)csm_class))
            tp->tp_vectorcall = msg_vectorcall;
        else if (option_class && PyType_IsSubtype(tp, (PyTypeObject *)option_class))
            tp->tp_vectorcall = node_vectorcall;
    }
    Py_RETURN_NONE;
}

/* fast_dealloc(classes): node_dealloc_plain for each of these Node classes that adds nothing
 * to Node (plain_subclass()) */
static PyObject *v_fast_dealloc(PyObject *self, PyObject *classes)
{
    (void)self;
    if (!PyList_CheckExact(classes)) {
        PyErr_SetString(PyExc_TypeError, "fast_dealloc(list of classes)");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(classes); i++) {
        PyObject *c = PyList_GET_ITEM(classes, i);
        PyTypeObject *tp = PyType_Check(c) ? (PyTypeObject *)c : NULL;
        PyTypeObject *base = tp && PyType_IsSubtype(tp, node_type)    ? node_type
                             : tp && PyType_IsSubtype(tp, olist_type) ? olist_type
                                                                      : NULL;
        if (!base) {
            PyErr_SetString(PyExc_TypeError, "fast_dealloc: not a Node or OptionListBase class");
            return NULL;
        }
        if (plain_subclass(tp, base))
            tp->tp_dealloc = base == node_type ? (destructor)node_dealloc_plain : olist_dealloc;
    }
    Py_RETURN_NONE;
}

static PyMethodDef node_methods[] = {
    {"save", (PyCFunction)node_save, METH_NOARGS,
     "save() -> the wire bytes (the library's encoder at work)"},
    {"get_option_of_type", (PyCFunction)node_get_option_of_type, METH_O,
     "get_option_of_type(klass) -> the first direct sub-option that is a klass, or None"},
    {NULL, NULL, 0, NULL}};

/* The C side of a draft is made when Python code first needs it: a missing _ptr, _arena, _kids
 * or _detached is asked of the Python function given to setup_classes (_elements.
 * _draft_getattr, once the classes' __getattr__, which made every attribute read of an option
 * go through the interpreter's slow path). */
static PyObject *py_node_missing;

static PyObject *node_missing(Node *self, const char *name)
{
    PyObject *n = PyUnicode_InternFromString(name);
    if (!n) return NULL;
    PyObject *r = NULL;
    if (py_node_missing) {
        PyObject *args[] = {(PyObject *)self, n};
        r = PyObject_Vectorcall(py_node_missing, args, 2, NULL);
    } else {
        PyErr_SetObject(PyExc_AttributeError, n);
    }
    Py_DECREF(n);
    return r;
}

/* the getters and setters of _arena, _kids, _detached (closure: the field's offset) */
static PyObject *node_get_field(Node *self, void *offset)
{
    PyObject *v = *(PyObject **)((char *)self + (size_t)offset);
    if (v) return Py_NewRef(v);
    size_t off = (size_t)offset;
    return node_missing(self, off == offsetof(Node, arena)  ? "_arena"
                              : off == offsetof(Node, kids) ? "_kids"
                                                            : "_detached");
}

static int node_set_field(Node *self, PyObject *value, void *offset)
{
    PyObject **slot = (PyObject **)((char *)self + (size_t)offset);
    if (!value && !*slot) {
        PyErr_SetString(PyExc_AttributeError, "not set");
        return -1;
    }
    Py_XSETREF(*slot, Py_XNewRef(value));
    return 0;
}

static PyMemberDef node_members[] = {
    {"__dictoffset__", T_PYSSIZET, offsetof(Node, dict), READONLY, NULL},
    {"__weaklistoffset__", T_PYSSIZET, offsetof(Node, weaklist), READONLY, NULL},
    {NULL, 0, 0, 0, NULL}};

static PyGetSetDef node_getset[] = {
    {"_ptr", (getter)node_get_ptr, (setter)node_set_ptr, "the C message or option (a cffi pointer)",
     NULL},
    {"_arena", (getter)node_get_field, (setter)node_set_field, "the _Arena it lives in",
     (void *)offsetof(Node, arena)},
    {"_kids", (getter)node_get_field, (setter)node_set_field, "None or the sub-option wrappers",
     (void *)offsetof(Node, kids)},
    {"_detached", (getter)node_get_field, (setter)node_set_field,
     "whether it is in no message or option", (void *)offsetof(Node, detached)},
    {"__dict__", node_get_dict, node_set_dict, NULL, NULL},
    {"options", node_get_options, node_set_options, "the sub-options (an OptionList)", NULL},
    {NULL, NULL, NULL, NULL, NULL}};

static PyType_Slot node_slots[] = {
    {Py_tp_doc, "Base of the binding's message and option wrappers: see dhcp6txn/_views.c."},
    {Py_tp_dealloc, node_dealloc},
    {Py_tp_traverse, node_traverse},
    {Py_tp_clear, node_clear},
    {Py_tp_members, node_members},
    {Py_tp_getset, node_getset},
    {Py_tp_methods, node_methods},
    {Py_tp_init, node_init},
    {0, NULL}};

static PyType_Spec node_spec = {"dhcp6txn._views.Node", sizeof(Node), 0,
                                Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
                                node_slots};

static PyObject *v_setup(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    (void)self;
    if (nargs != 4 || !PyCallable_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "setup(cast, probe, probe_address, arena_ctype)");
        return NULL;
    }
    Py_XSETREF(arena_ctype, Py_NewRef(args[3]));
    Py_XSETREF(cast_fn, Py_NewRef(args[0]));
    Py_XSETREF(cdata_type, Py_NewRef((PyObject *)Py_TYPE(args[1])));
    void *want = PyLong_AsVoidPtr(args[2]);
    if (PyErr_Occurred()) return NULL;
    layout_ok = ((struct cdata_head *)args[1])->data == want && want != NULL;
    return PyBool_FromLong(layout_ok);
}

/* unhandled(bundle, request, klass): the request's options of table class 'klass' not marked
 * handled, as wrappers kept in the request's _found (the ones get_option_of_type hands out);
 * None when C cannot tell (a class not of the table, an option of its code that is another
 * class): the caller then looks at the whole list. */
static PyObject *unhandled_of(void *b, PyObject *req, PyObject *klass)
{
    if (!table_code) {
        PyErr_SetString(PyExc_TypeError, "_views.setup_classes() not called");
        return NULL;
    }
    PyObject *code = PyDict_GetItemWithError(table_code, klass);
    if (!code) {
        if (PyErr_Occurred()) return NULL;
        Py_RETURN_NONE;
    }
    unsigned long c = PyLong_AsUnsignedLong(code);
    if (c == (unsigned long)-1 && PyErr_Occurred()) return NULL;
    if (c > 0xffff || !b) Py_RETURN_NONE;
    for (d6t_opt *p = d6t_bundle_first_unhandled(b, (uint16_t)c); p;
         p = d6t_bundle_next_unhandled(b, p)) {
        PyObject *cls = class_of(p);
        if (cls != klass) {
            if (PyErr_Occurred()) return NULL;
            Py_RETURN_NONE;
        }
    }
    PyObject *out = PyList_New(0);
    for (d6t_opt *p = d6t_bundle_first_unhandled(b, (uint16_t)c); out && p;
         p = d6t_bundle_next_unhandled(b, p)) {
        PyObject *w = found_wrapper((Node *)req, p, klass);
        if (!w || PyList_Append(out, w)) Py_CLEAR(out);
        Py_XDECREF(w);
    }
    return out;
}

static PyObject *v_unhandled(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    (void)self;
    void *b;
    if (nargs != 3 || !PyObject_TypeCheck(args[1], node_type)) {
        PyErr_SetString(PyExc_TypeError, "unhandled(bundle, request, klass)");
        return NULL;
    }
    if (address_of(args[0], &b)) return NULL;
    return unhandled_of(b, args[1], args[2]);
}

/* copied_option(o): the wire bytes of option 'o' (no draft) as a draft message copies it, or
 * None when the message must take it the slow way; _elements._copied_option, given to
 * setup_classes(), decides every case but the plain one: an option of the table's DHCPv6 space
 * without relayed messages inside, nothing kept for refusal anywhere (DEFERRED[0] false). */
static PyObject *py_copied_option, *s_has_msgs, *s_option_space;

static int attr_is(PyObject *o, PyObject *name, PyObject *want)
{
    PyObject *v = PyObject_GetAttr(o, name);
    if (!v) return -1;
    int same = v == want || (PyLong_CheckExact(v) && PyLong_CheckExact(want) &&
                             PyObject_RichCompareBool(v, want, Py_EQ) == 1);
    Py_DECREF(v);
    return same;
}

static PyObject *v_copied_option(PyObject *self, PyObject *o)
{
    (void)self;
    if (!py_copied_option) {
        PyErr_SetString(PyExc_TypeError, "_views.setup_classes() not called");
        return NULL;
    }
    if (!PyObject_TypeCheck(o, node_type) || !((Node *)o)->raw || !PyList_CheckExact(deferred) ||
        PyList_GET_SIZE(deferred) < 1 || PyList_GET_ITEM(deferred, 0) != Py_False)
        return PyObject_CallOneArg(py_copied_option, o);
    int plain = node_plain((Node *)o);
    if (plain < 0) return NULL;
    PyObject *zero = PyLong_FromLong(0);
    if (!zero) return NULL;
    int r;
    plain = plain && (r = attr_is(o, s_has_msgs, Py_False)) == 1 &&
            (r = attr_is(o, s_option_space, zero)) == 1 &&
            (r = attr_is(o, s_py_defined, Py_False)) == 1;
    Py_DECREF(zero);
    if (PyErr_Occurred()) return NULL;
    if (!plain) return PyObject_CallOneArg(py_copied_option, o);
    const d6t_opt *opt = ((Node *)o)->raw;
    size_t n = d6t_opt_wire_size(opt), used = 0;
    if (n > PY_SSIZE_T_MAX) return PyObject_CallOneArg(py_copied_option, o);
    PyObject *b = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)n);
    if (!b) return NULL;
    if (d6t_opt_write(opt, (uint8_t *)PyBytes_AS_STRING(b), n, &used) != D6T_OK || used != n) {
        Py_DECREF(b);
        return PyObject_CallOneArg(py_copied_option, o); /* it says why, or declines */
    }
    return b;
}

/* the C option behind wrapper 'o' (its _ptr made if needed); -1 with an exception */
static int raw_of(PyObject *o, void **out)
{
    if (PyObject_TypeCheck(o, node_type) && ((Node *)o)->raw) {
        *out = ((Node *)o)->raw;
        return 0;
    }
    PyObject *p = PyObject_GetAttrString(o, "_ptr");
    if (!p) return -1;
    int r = address_of(p, out);
    Py_DECREF(p);
    return r;
}

/* mark_handled(bundle, option) / is_handled(bundle, option): d6t_bundle_mark_handled's status
 * and d6t_bundle_is_handled's answer for a wrapper, without making its cffi pointer */
static PyObject *v_mark_handled(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    (void)self;
    void *b, *o;
    if (!nargs_is(nargs, 2, "mark_handled(bundle, option)")) return NULL;
    if (address_of(args[0], &b) || raw_of(args[1], &o)) return NULL;
    return PyLong_FromLong(b && o ? (long)d6t_bundle_mark_handled(b, o)
                                  : (long)D6T_ERR_INVALID_ARG);
}

static PyObject *v_is_handled(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    (void)self;
    void *b, *o;
    if (!nargs_is(nargs, 2, "is_handled(bundle, option)")) return NULL;
    if (address_of(args[0], &b) || raw_of(args[1], &o)) return NULL;
    return PyBool_FromLong(b && o && d6t_bundle_is_handled(b, o));
}

/* ---- message wrappers: one per C message while it is held (the registry, _core.WeakMap, a dict
 * of weak references keyed by address), of the class its type says */
static PyObject *msg_refs, *arena_refs, *msg_classes, *unknown_msg, *registry, *s_limit, *s_sweep;

#define MIN_LIMIT 1024 /* _core.WeakMap's */

static PyObject *new_msg(d6t_msg *p, PyObject *arena)
{
    PyObject *t = PyLong_FromLong(d6t_msg_type(p));
    if (!t) return NULL;
    PyObject *cls = PyDict_GetItemWithError(msg_classes, t);
    Py_DECREF(t);
    if (!cls && PyErr_Occurred()) return NULL;
    if (!cls) cls = unknown_msg;
    if (!PyType_Check(cls) || !PyType_IsSubtype((PyTypeObject *)cls, node_type)) {
        PyErr_SetString(PyExc_TypeError, "message classes must be _views.Node classes");
        return NULL;
    }
    PyObject *w = new_wrapper((PyTypeObject *)cls, p, arena);
    PyObject *key = w ? PyLong_FromVoidPtr(p) : NULL;
    PyObject *ref = key ? PyWeakref_NewRef(w, NULL) : NULL;
    int bad = !ref || PyDict_SetItem(msg_refs, key, ref);
    Py_XDECREF(key);
    Py_XDECREF(ref);
    if (bad) {
        Py_XDECREF(w);
        return NULL;
    }
    /* dead entries dropped when the dict has doubled since the last sweep (_core.WeakMap;
     * its limit is never below MIN_LIMIT) */
    if (PyDict_GET_SIZE(msg_refs) <= MIN_LIMIT) return w;
    PyObject *limit = PyObject_GetAttr(registry, s_limit);
    Py_ssize_t lim = limit ? PyLong_AsSsize_t(limit) : -1;
    Py_XDECREF(limit);
    PyObject *swept = lim < 0 ? NULL
                      : PyDict_GET_SIZE(msg_refs) > lim
                          ? PyObject_CallMethodNoArgs(registry, s_sweep)
                          : Py_NewRef(Py_None);
    if (!swept) {
        Py_DECREF(w);
        return NULL;
    }
    Py_DECREF(swept);
    return w;
}

/* the live object behind weak reference 'r' in 'map' at 'key' (borrowed), or NULL */
static PyObject *alive(PyObject *map, void *key_ptr)
{
    PyObject *key = PyLong_FromVoidPtr(key_ptr);
    if (!key) return NULL;
    PyObject *r = PyDict_GetItemWithError(map, key);
    Py_DECREF(key);
    if (!r || !PyWeakref_Check(r)) return NULL;
    PyObject *o = PyWeakref_GetObject(r);
    return o == Py_None ? NULL : o;
}

static PyObject *wrap_raw_msg(d6t_msg *p, PyObject *fallback)
{
    if (!p) Py_RETURN_NONE;
    PyObject *w = alive(msg_refs, p);
    if (w || PyErr_Occurred()) return w ? Py_NewRef(w) : NULL;
    /* the arena owning it: the fallback itself or one it holds (a bundle's messages are in
     * its own arena or in the incoming message's) before a search of every arena */
    d6t_arena *raw = d6t_msg_arena(p);
    if (fallback && PyObject_TypeCheck(fallback, arena_type)) {
        Arena *f = (Arena *)fallback;
        if (f->raw == raw) return new_msg(p, fallback);
        for (Py_ssize_t i = 0;
             f->keep && PyList_CheckExact(f->keep) && i < PyList_GET_SIZE(f->keep); i++) {
            PyObject *k = PyList_GET_ITEM(f->keep, i);
            if (PyObject_TypeCheck(k, arena_type) && ((Arena *)k)->raw == raw) return new_msg(p, k);
        }
    }
    PyObject *arena = alive(arena_refs, raw);
    if (PyErr_Occurred()) return NULL;
    return new_msg(p, arena ? arena : fallback);
}

static int msgs_ready(void)
{
    if (msg_refs) return 1;
    PyErr_SetString(PyExc_TypeError, "_views.setup_classes() not called");
    return 0;
}

/* A bundle made in 'arena' from message 'msg' (made in C) with no options, the arena holding
 * the message's and owning the bundle (its cffi pointer made when first asked for): 2 made,
 * 1 the library refused (*st says why), 0 'msg' is not a message made in C (nothing done),
 * -1 an error is set. */
static int bundle_make(PyObject *arena, PyObject *msg, unsigned flags, d6t_status *st)
{
    if (!PyObject_TypeCheck(arena, arena_type) || !message_class ||
        !PyObject_TypeCheck(msg, (PyTypeObject *)message_class) || !((Node *)msg)->raw ||
        !((Node *)msg)->arena)
        return 0;
    Arena *a = (Arena *)arena;
    if (a->braw) {
        PyErr_SetString(PyExc_ValueError, "bundle_new: the arena has a bundle");
        return -1;
    }
    PyObject *held = arena_hold(arena, ((Node *)msg)->arena);
    if (!held) return -1;
    Py_DECREF(held);
    d6t_bundle *b = NULL;
    *st = d6t_bundle_new_from_msg(a->raw, ((Node *)msg)->raw, flags, NULL, &b);
    if (*st != D6T_OK || !b) {
        if (*st == D6T_OK) *st = D6T_ERR_NOMEM;
        return 1;
    }
    a->braw = b; /* freed with the arena from here on */
    Py_XSETREF(a->bundle, Py_NewRef(Py_None));
    return 2;
}

/* bundle_new(arena, msg, flags) -> (the bundle's cffi pointer, whether it has a request):
 * bundle_make() for TransactionBundle.__init__'s common case; the status when the library
 * refuses; None when 'msg' is not a message made in C. */
static PyObject *v_bundle_new(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    (void)self;
    if (!nargs_is(nargs, 3, "bundle_new(arena, msg, flags)")) return NULL;
    long flags = PyLong_AsLong(args[2]);
    if (flags == -1 && PyErr_Occurred()) return NULL;
    d6t_status st = D6T_OK;
    int r = bundle_make(args[0], args[1], (unsigned)flags, &st);
    if (r <= 0) return r < 0 ? NULL : Py_NewRef(Py_None);
    if (r == 1) return PyLong_FromLong(st);
    PyObject *ptr = arena_get_bundle(args[0], NULL);
    if (!ptr) return NULL;
    return Py_BuildValue("(NO)", ptr,
                         d6t_bundle_request(((Arena *)args[0])->braw) ? Py_True : Py_False);
}

/* relayed(relay) -> the message relay message 'relay' holds (None: none), its wrapper kept in
 * relay.__dict__['_nested'] (_elements.nested); inner(relay) -> the innermost one, through
 * every relay message (the getters of relayed_message and inner_message) */
static PyObject *relayed_of(PyObject *holder)
{
    if (!PyObject_TypeCheck(holder, node_type)) {
        PyErr_SetString(PyExc_TypeError, "relayed(relay): not a message");
        return NULL;
    }
    if (!((Node *)holder)->raw) { /* made now if it can be, else the AttributeError of _ptr */
        PyObject *ptr = node_get_ptr((Node *)holder, NULL);
        if (!ptr) return NULL;
        Py_DECREF(ptr);
        if (!((Node *)holder)->raw) {
            PyErr_SetString(PyExc_TypeError, "relayed(relay): not a message made in C");
            return NULL;
        }
    }
    Node *h = (Node *)holder;
    d6t_msg *m = d6t_msg_relayed(h->raw);
    if (!m) Py_RETURN_NONE;
    PyObject *cached = h->dict ? PyDict_GetItemWithError(h->dict, s_nested) : NULL;
    if (cached && PyObject_TypeCheck(cached, node_type) && ((Node *)cached)->raw == m)
        return Py_NewRef(cached);
    if (PyErr_Occurred()) return NULL;
    PyObject *w = wrap_raw_msg(m, h->arena ? h->arena : Py_None);
    PyObject *d = w ? PyObject_GenericGetDict(holder, NULL) : NULL;
    if (w && (!d || PyDict_SetItem(d, s_nested, w))) Py_CLEAR(w);
    Py_XDECREF(d);
    return w;
}

static PyObject *v_relayed(PyObject *self, PyObject *holder)
{
    (void)self;
    if (!msgs_ready()) return NULL;
    return relayed_of(holder);
}

static PyObject *v_inner(PyObject *self, PyObject *holder)
{
    (void)self;
    if (!msgs_ready()) return NULL;
    PyObject *m = relayed_of(holder);
    while (m && PyObject_TypeCheck(m, node_type) && ((Node *)m)->raw &&
           d6t_msg_kind_of(((Node *)m)->raw) ==
               D6T_KIND_RELAY) { /* (the parser bounds the depth) */
        PyObject *next = relayed_of(m);
        Py_DECREF(m);
        m = next;
    }
    return m;
}

/* wrap_msg(ptr, fallback_arena): the wrapper of C message 'ptr' (a cffi pointer): the live one
 * or a new one in the arena owning the message (fallback_arena when that has no _Arena) */
static PyObject *v_wrap_msg(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    (void)self;
    void *p;
    if (nargs < 1 || nargs > 2) {
        PyErr_SetString(PyExc_TypeError, "wrap_msg(ptr, fallback_arena=None)");
        return NULL;
    }
    if (!msgs_ready() || address_of(args[0], &p)) return NULL;
    return wrap_raw_msg(p, nargs > 1 ? args[1] : Py_None);
}

/* new_msg_wrapper(ptr, arena): a new registered wrapper of C message 'ptr' (none yet) */
static PyObject *v_new_msg_wrapper(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    (void)self;
    void *p;
    if (!nargs_is(nargs, 2, "new_msg_wrapper(ptr, arena)")) return NULL;
    if (!msgs_ready() || address_of(args[0], &p)) return NULL;
    if (!p) {
        PyErr_SetString(PyExc_ValueError, "new_msg_wrapper: NULL message");
        return NULL;
    }
    return new_msg(p, args[1]);
}

/* bind_options(msg, options, arena) -> kids or None: after a draft message was made by one
 * parse, its option objects become views of the parsed options, in order: a draft is bound
 * to its option (its sub-options on first use: '_unbound' keeps its values, as the Python
 * loop in _elements._parse_message_bytes does, but the pointer is set now), an option of
 * another message is copied, so a new wrapper stands for the copy. None (nothing changed)
 * when one of them is a free-standing option (moved: the Python loop's case). */
static PyObject *unknown_opt;

static PyObject *v_bind_options(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    (void)self;
    if (nargs != 3 || !PyObject_TypeCheck(args[0], node_type) || !PyList_CheckExact(args[1])) {
        PyErr_SetString(PyExc_TypeError, "bind_options(msg, options, arena)");
        return NULL;
    }
    Node *msg = (Node *)args[0];
    PyObject *opts = args[1], *arena = args[2];
    Py_ssize_t n = PyList_GET_SIZE(opts);
    if (!msg->raw || !unknown_opt) Py_RETURN_NONE;
    /* first look, then change: a case for the Python loop leaves everything as it was */
    d6t_opt *p = d6t_msg_first_opt(msg->raw);
    for (Py_ssize_t i = 0; i < n; i++, p = d6t_opt_next(p)) {
        PyObject *o = PyList_GET_ITEM(opts, i);
        if (!p || !PyObject_TypeCheck(o, node_type)) Py_RETURN_NONE;
        Node *node = (Node *)o;
        if (node->vals) { /* a compact draft: bound below, or already (the Python loop's) */
            if (node->unbound || node->raw || node->kids) Py_RETURN_NONE;
            continue;
        }
        PyObject *d = node->dict;
        PyObject *draft = d ? PyDict_GetItemWithError(d, s_draft) : NULL;
        int unbound = d && PyDict_GetItemWithError(d, s_unbound) != NULL;
        if (PyErr_Occurred()) return NULL;
        if (unbound || (draft ? !PyDict_CheckExact(draft) || node->raw || node->kids
                              : node->detached != Py_False))
            Py_RETURN_NONE;
    }
    if (p) Py_RETURN_NONE; /* more parsed options than objects: not the message they made */
    PyObject *kids = PyList_New(n);
    p = d6t_msg_first_opt(msg->raw);
    for (Py_ssize_t i = 0; kids && i < n; i++, p = d6t_opt_next(p)) {
        Node *o = (Node *)PyList_GET_ITEM(opts, i);
        PyObject *w = NULL;
        if (o->vals) { /* its values stay where they are, now those of a bound option */
            o->unbound = 1;
            o->raw = p;
            Py_CLEAR(o->cdata);
            Py_XSETREF(o->arena, Py_NewRef(arena));
            Py_XSETREF(o->detached, Py_NewRef(Py_False));
            PyList_SET_ITEM(kids, i, Py_NewRef((PyObject *)o));
            continue;
        }
        PyObject *d = PyObject_GenericGetDict((PyObject *)o, NULL);
        PyObject *draft = d ? PyDict_GetItemWithError(d, s_draft) : NULL;
        if (draft) {
            PyObject *t = PyTuple_Pack(3, draft, Py_None, arena);
            if (t && !PyDict_SetItem(d, s_unbound, t) && !PyDict_DelItem(d, s_draft)) {
                o->raw = p;
                Py_CLEAR(o->cdata);
                Py_XSETREF(o->arena, Py_NewRef(arena));
                Py_XSETREF(o->detached, Py_NewRef(Py_False));
                w = Py_NewRef((PyObject *)o);
            }
            Py_XDECREF(t);
        } else if (d && !PyErr_Occurred()) {
            PyObject *cls = class_of(p);
            if (!cls && !PyErr_Occurred()) cls = unknown_opt;
            if (cls) w = new_wrapper((PyTypeObject *)cls, p, arena);
        }
        Py_XDECREF(d);
        if (!w)
            Py_CLEAR(kids);
        else
            PyList_SET_ITEM(kids, i, w);
    }
    return kids;
}

/* parse_msg(arena_ptr, data, arena) -> a new wrapper of the message parsed from bytes 'data'
 * (copied) into the C arena 'arena_ptr' of _Arena 'arena', or (status, reason, offset) when
 * the library refuses the bytes */
static PyObject *v_parse_msg(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    (void)self;
    void *a;
    if (nargs != 3 || !PyBytes_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "parse_msg(arena_ptr, data, arena)");
        return NULL;
    }
    if (!msgs_ready() || address_of(args[0], &a)) return NULL;
    d6t_msg *m = NULL;
    d6t_parse_error err = {D6T_OK, 0, NULL};
    d6t_status st = d6t_msg_parse(a, (const uint8_t *)PyBytes_AS_STRING(args[1]),
                                  (size_t)PyBytes_GET_SIZE(args[1]), D6T_PARSE_COPY, &m, &err);
    if (st == D6T_OK && m) return new_msg(m, args[2]);
    if (st == D6T_OK) st = D6T_ERR_NOMEM;
    return Py_BuildValue("(isn)", (int)(err.status ? err.status : st), err.reason,
                         (Py_ssize_t)err.offset);
}

/* message_parse(cls, buffer, offset=0, length=None) -> (bytes used, message): Message.parse's
 * common case, a bytes object parsed whole by a class of the library's (not defined in
 * Python); everything else, errors included, goes to Message._py_parse, the Python one. */
static PyObject *message_registry, *s_py_parse;
static PyObject *registered_arena(Py_ssize_t block);

static int py_defined_is_false(PyObject *cls)
{
    PyObject *pyd = PyObject_GetAttr(cls, s_py_defined);
    Py_XDECREF(pyd);
    if (!pyd) PyErr_Clear();
    return pyd == Py_False;
}

static PyObject *v_message_parse(PyObject *self, PyObject *const *args, size_t nargsf,
                                 PyObject *kwnames)
{
    (void)self;
    Py_ssize_t n = PyVectorcall_NARGS(nargsf);
    PyObject *cls = n > 0 ? args[0] : NULL, *data = n > 1 ? args[1] : NULL;
    if (kwnames || n < 2 || n > 4 || !PyType_Check(cls) || !PyBytes_CheckExact(data) ||
        PyBytes_GET_SIZE(data) == 0 ||
        (n > 2 && !(PyLong_CheckExact(args[2]) && PyLong_AsLong(args[2]) == 0)) ||
        (n > 3 && args[3] != Py_None) || !msgs_ready() || !message_registry ||
        !PyDict_Check(message_registry) || !py_defined_is_false(cls))
        goto slow;
    if (cls == message_class) { /* a class defined in Python may be registered for its type */
        PyObject *key = PyLong_FromLong((unsigned char)PyBytes_AS_STRING(data)[0]);
        PyObject *py_cls = key ? PyDict_GetItemWithError(message_registry, key) : NULL;
        Py_XDECREF(key);
        if (PyErr_Occurred()) return NULL;
        if (py_cls && !py_defined_is_false(py_cls)) goto slow;
    }
    PyObject *arena = registered_arena(0);
    if (!arena) return NULL;
    d6t_msg *m = NULL;
    d6t_parse_error err = {D6T_OK, 0, NULL};
    d6t_status st = d6t_msg_parse(((Arena *)arena)->raw, (const uint8_t *)PyBytes_AS_STRING(data),
                                  (size_t)PyBytes_GET_SIZE(data), D6T_PARSE_COPY, &m, &err);
    PyObject *msg = st == D6T_OK && m ? new_msg(m, arena) : NULL;
    Py_DECREF(arena);
    if (!msg) {
        if (PyErr_Occurred()) return NULL;
        goto slow; /* (parsed again there, to raise its error) */
    }
    if (cls != message_class) {
        int is = PyObject_IsInstance(msg, cls);
        if (is != 1) {
            Py_DECREF(msg);
            if (is < 0) return NULL;
            goto slow;
        }
    }
    return Py_BuildValue("(nN)", PyBytes_GET_SIZE(data), msg);
slow:
    if (PyErr_Occurred()) PyErr_Clear();
    if (n < 1) {
        PyErr_SetString(PyExc_TypeError, "message_parse(cls, buffer, offset=0, length=None)");
        return NULL;
    }
    return PyObject_VectorcallMethod(s_py_parse, args, nargsf, kwnames);
}

/* parse_into(msg, arena_ptr, data, arena) -> whether wrapper 'msg' (a draft: no C message yet)
 * now is the message parsed from 'data' into 'arena', detached and registered; False (nothing
 * changed) when the library refuses the bytes */
static PyObject *v_parse_into(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    (void)self;
    void *a;
    if (nargs != 4 || !PyObject_TypeCheck(args[0], node_type) || !PyBytes_Check(args[2])) {
        PyErr_SetString(PyExc_TypeError, "parse_into(msg, arena_ptr, data, arena)");
        return NULL;
    }
    if (!msgs_ready() || address_of(args[1], &a)) return NULL;
    d6t_msg *m = NULL;
    if (d6t_msg_parse(a, (const uint8_t *)PyBytes_AS_STRING(args[2]),
                      (size_t)PyBytes_GET_SIZE(args[2]), D6T_PARSE_COPY, &m, NULL) != D6T_OK ||
        !m)
        Py_RETURN_FALSE;
    Node *n = (Node *)args[0];
    PyObject *key = PyLong_FromVoidPtr(m);
    PyObject *ref = key ? PyWeakref_NewRef(args[0], NULL) : NULL;
    int bad = !ref || PyDict_SetItem(msg_refs, key, ref);
    Py_XDECREF(key);
    Py_XDECREF(ref);
    if (bad) return NULL;
    n->raw = m;
    Py_CLEAR(n->cdata);
    Py_XSETREF(n->arena, Py_NewRef(args[3]));
    Py_XSETREF(n->detached, Py_NewRef(Py_True));
    Py_XSETREF(n->kids, Py_NewRef(Py_None));
    Py_RETURN_TRUE;
}

/* materialize(msg, arena) -> True when draft message 'msg' was made in 'arena' (an _Arena) with
 * one parse of the bytes the draft encoder wrote (_elements.materialize_in, in C); False when it
 * stays a draft (not one, or one the encoder leaves to the setters); None when nothing was done
 * and the Python function decides. */
static PyObject *draft_message, *py_bind_parsed, *py_copied_option_c, *s_message_type;

/* Make draft message 'mn' in 'arena' from its transaction id and option objects: their bytes
 * written by the draft encoder, parsed once, the objects bound to the result. 1: made, 0: it
 * stays a draft (the encoder declined, or an error is set). */
static int make_from_draft(Node *mn, PyObject *tid, PyObject *opts, PyObject *arena)
{
    PyObject *msg = (PyObject *)mn;
    PyObject *mtype = PyObject_GetAttr(msg, s_message_type), *data = NULL;
    if (mtype) {
        PyObject *call[4] = {mtype, tid, opts, py_copied_option_c};
        data = PyObject_Vectorcall(draft_message, call, 4, NULL);
        Py_DECREF(mtype);
    }
    int made = 0;
    if (data && PyBytes_CheckExact(data)) {
        PyObject *pargs[4] = {msg, arena, data, arena};
        PyObject *ok = v_parse_into(NULL, pargs, 4);
        made = ok == Py_True;
        if (made) {
            PyObject *bargs[3] = {msg, opts, arena};
            PyObject *kids = v_bind_options(NULL, bargs, 3);
            if (kids == Py_None) { /* the Python loop binds what C does not */
                Py_DECREF(kids);
                PyObject *done = PyObject_Vectorcall(py_bind_parsed, bargs, 3, NULL);
                made = done != NULL;
                Py_XDECREF(done);
            } else if (kids) {
                Py_XSETREF(mn->kids, kids);
            } else {
                made = 0;
            }
        }
        Py_XDECREF(ok);
    }
    Py_XDECREF(data);
    return made;
}

/* v_materialize's common case: a draft kept in the node (taken out while its options run
 * Python code, back if it stays a draft) */
static PyObject *materialize_compact(Node *mn, PyObject *arena)
{
    PyObject *draft = mn->vals;
    mn->vals = NULL; /* (the reference moves to 'draft') */
    int made = make_from_draft(mn, PyTuple_GET_ITEM(draft, 0), PyTuple_GET_ITEM(draft, 1), arena);
    if (made && !PyErr_Occurred()) {
        Py_DECREF(draft);
        Py_RETURN_TRUE;
    }
    if (!mn->vals)
        mn->vals = draft; /* it stays a draft */
    else
        Py_DECREF(draft);
    if (PyErr_Occurred()) return NULL;
    Py_RETURN_FALSE;
}

static PyObject *materialize(PyObject *msg, PyObject *arena)
{
    if (!message_class || !PyObject_TypeCheck(msg, (PyTypeObject *)message_class) ||
        !PyObject_TypeCheck(arena, arena_type) || !draft_message || draft_message == Py_None ||
        !msgs_ready())
        Py_RETURN_NONE;
    Node *mn = (Node *)msg;
    if (mn->vals && !mn->unbound && !mn->raw && PyTuple_CheckExact(mn->vals) &&
        PyTuple_GET_SIZE(mn->vals) == 2 && PyBytes_CheckExact(PyTuple_GET_ITEM(mn->vals, 0)) &&
        PyBytes_GET_SIZE(PyTuple_GET_ITEM(mn->vals, 0)) == 3 &&
        PyList_CheckExact(PyTuple_GET_ITEM(mn->vals, 1)))
        return materialize_compact(mn, arena);
    PyObject *d = PyObject_GenericGetDict(msg, NULL); /* (a compact draft moves there) */
    if (!d) return NULL;
    PyObject *draft = PyDict_GetItemWithError(d, s_draft), *r = NULL;
    if (!draft) {
        r = PyErr_Occurred() ? NULL : Py_NewRef(Py_False);
        goto out;
    }
    if (!PyTuple_CheckExact(draft)) {
        r = Py_NewRef(Py_False);
        goto out;
    }
    if (PyTuple_GET_SIZE(draft) != 2 || !PyList_CheckExact(PyTuple_GET_ITEM(draft, 1)) ||
        ((Node *)msg)->raw) {
        r = Py_NewRef(Py_None);
        goto out;
    }
    Py_INCREF(draft);
    PyObject *tid = PyTuple_GET_ITEM(draft, 0), *opts = PyTuple_GET_ITEM(draft, 1);
    if (!PyBytes_CheckExact(tid) || PyBytes_GET_SIZE(tid) != 3) {
        Py_DECREF(draft);
        r = Py_NewRef(Py_False);
        goto out;
    }
    /* out of the dict while its options run Python code, back if it stays a draft */
    if (PyDict_DelItem(d, s_draft)) {
        Py_DECREF(draft);
        goto out;
    }
    int made = make_from_draft((Node *)msg, tid, opts, arena);
    if (PyErr_Occurred()) {
        Py_DECREF(draft);
        goto out;
    }
    if (!made && PyDict_SetItem(d, s_draft, draft)) {
        Py_DECREF(draft);
        goto out;
    }
    Py_DECREF(draft);
    r = PyBool_FromLong(made);
out:
    Py_DECREF(d);
    return r;
}

static PyObject *v_materialize(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    (void)self;
    if (!nargs_is(nargs, 2, "materialize(msg, arena)")) return NULL;
    return materialize(args[0], args[1]);
}

/* set_relayed(relay, msg) -> True when message 'msg' (made in C) now is the relayed message of
 * relay message 'relay', whose Relay Message option it fills (RelayServerMessage.relayed_message's
 * setter, in C); False when the Python setter must do it (no such option yet, a draft, an
 * error to say). */
static int set_relayed(PyObject *relay, PyObject *msg)
{
    if (!message_class || !PyObject_TypeCheck(relay, (PyTypeObject *)message_class) ||
        !PyObject_TypeCheck(msg, (PyTypeObject *)message_class))
        return 0;
    Node *r = (Node *)relay, *m = (Node *)msg;
    if (!r->raw || !m->raw || !r->arena || !PyObject_TypeCheck(r->arena, arena_type) || !m->arena ||
        !PyObject_TypeCheck(m->arena, arena_type) || d6t_msg_kind_of(r->raw) != D6T_KIND_RELAY)
        return 0;
    d6t_opt *opt = d6t_msg_find_opt(r->raw, D6T_OPT_RELAY_MSG);
    if (!opt || d6t_opt_set_msg(opt, m->raw) != D6T_OK) return 0;
    PyObject *held = arena_hold(r->arena, m->arena);
    if (!held) return -1;
    Py_DECREF(held);
    PyObject *d = PyObject_GenericGetDict(relay, NULL);
    if (!d) return -1;
    int bad = PyDict_SetItem(d, s_nested, msg);
    Py_DECREF(d);
    return bad ? -1 : 1;
}

static PyObject *v_set_relayed(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    (void)self;
    if (!nargs_is(nargs, 2, "set_relayed(relay, msg)")) return NULL;
    int r = set_relayed(args[0], args[1]);
    return r < 0 ? NULL : PyBool_FromLong(r);
}

/* new_arena(block_size=0) -> a new _Arena, registered in arena_refs as _elements._new_arena
 * does (address -> weak reference, dead entries dropped when the map doubled) */
static PyObject *arenas_map;

static PyObject *registered_arena(Py_ssize_t block)
{
    if (!arena_refs || !arenas_map) {
        PyErr_SetString(PyExc_TypeError, "_views.setup_classes() not called");
        return NULL;
    }
    PyObject *a = make_arena(arena_type, block);
    PyObject *key = a ? PyLong_FromVoidPtr(((Arena *)a)->raw) : NULL;
    PyObject *ref = key ? PyWeakref_NewRef(a, NULL) : NULL;
    int bad = !ref || PyDict_SetItem(arena_refs, key, ref);
    Py_XDECREF(key);
    Py_XDECREF(ref);
    if (!bad && PyDict_GET_SIZE(arena_refs) <= MIN_LIMIT) return a;
    PyObject *limit = bad ? NULL : PyObject_GetAttr(arenas_map, s_limit);
    Py_ssize_t lim = limit ? PyLong_AsSsize_t(limit) : -1;
    Py_XDECREF(limit);
    if (!bad && lim >= 0 && PyDict_GET_SIZE(arena_refs) > lim) {
        PyObject *swept = PyObject_CallMethodNoArgs(arenas_map, s_sweep);
        bad = !swept;
        Py_XDECREF(swept);
    }
    if (bad || PyErr_Occurred()) Py_CLEAR(a);
    return a;
}

static PyObject *v_new_arena(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    (void)self;
    Py_ssize_t block = 0;
    if (nargs > 1 || (nargs == 1 && (block = PyLong_AsSsize_t(args[0])) == -1 && PyErr_Occurred()))
        return nargs > 1 ? (PyErr_SetString(PyExc_TypeError, "new_arena(block_size=0)"), NULL)
                         : NULL;
    return registered_arena(block);
}

/* compact(o) -> 0: no compact draft values, 1: a draft's, 2: a bound option's (for tests) */
static PyObject *v_compact(PyObject *self, PyObject *o)
{
    (void)self;
    if (!PyObject_TypeCheck(o, node_type) || !((Node *)o)->vals) return PyLong_FromLong(0);
    return PyLong_FromLong(((Node *)o)->unbound ? 2 : 1);
}

/* relays(relay, msg): whether C relay message 'relay' holds C message 'msg' (wrappers) */
static int relay_holds(PyObject *relay, PyObject *msg) /* (-1: an error) */
{
    void *r, *m;
    if (raw_of(relay, &r) || raw_of(msg, &m)) return -1;
    return r && m && d6t_msg_relayed(r) == m;
}

static PyObject *v_relays(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    (void)self;
    if (!nargs_is(nargs, 2, "relays(relay, msg)")) return NULL;
    int r = relay_holds(args[0], args[1]);
    return r < 0 ? NULL : PyBool_FromLong(r);
}

/* setup_classes(d): what the functions above need of _elements, by name in dict 'd', each
 * checked before any is kept */
enum want {
    W_ANY,
    W_TYPE,
    W_NODE,
    W_DICT,
    W_LIST,
    W_CALL
};
static const struct {
    const char *name;
    PyObject **slot;
    enum want kind;
} wanted[] = {
    {"Message", &message_class, W_NODE},
    {"Option", &option_class, W_NODE},
    {"UnknownMessage", &unknown_msg, W_NODE},
    {"UnknownOption", &unknown_opt, W_NODE},
    {"OptionList", &option_list_class, W_TYPE},
    {"message_classes", &msg_classes, W_DICT},
    {"table_code", &table_code, W_DICT},
    {"class_by_def", &class_by_def, W_DICT},
    {"msg_refs", &msg_refs, W_DICT},
    {"arena_refs", &arena_refs, W_DICT},
    {"registry", &registry, W_ANY},
    {"DEFERRED", &deferred, W_LIST},
    {"get_option_of_type", &py_get_option_of_type, W_CALL},
    {"copied_option", &py_copied_option, W_CALL},
    {"options_setter", &py_options_set, W_CALL},
    {"option_init", &py_option_init, W_CALL},
    {"draft_message", &draft_message, W_ANY},
    {"bind_parsed", &py_bind_parsed, W_CALL},
    {"copy_option", &py_copied_option_c, W_CALL},
    {"node_missing", &py_node_missing, W_CALL},
    {"arenas", &arenas_map, W_ANY},
    {"ClientServerMessage", &csm_class, W_NODE},
    {"message_init", &py_message_init, W_CALL},
    {"bundle_ctype", &bundle_ctype, W_ANY},
    {"message_registry", &message_registry, W_ANY},
};
#define N_WANTED (sizeof wanted / sizeof wanted[0])

static int wanted_ok(PyObject *v, enum want kind)
{
    switch (kind) {
    case W_TYPE: return PyType_Check(v);
    case W_NODE: return PyType_Check(v) && PyType_IsSubtype((PyTypeObject *)v, node_type);
    case W_DICT: return PyDict_CheckExact(v);
    case W_LIST: return PyList_CheckExact(v);
    case W_CALL: return PyCallable_Check(v);
    case W_ANY: return 1;
    }
    return 0;
}

static PyObject *v_setup_classes(PyObject *self, PyObject *d)
{
    (void)self;
    PyObject *got[N_WANTED];
    for (size_t i = 0; i < N_WANTED; i++) {
        got[i] = PyDict_Check(d) ? PyDict_GetItemString(d, wanted[i].name) : NULL;
        if (!got[i] || !wanted_ok(got[i], wanted[i].kind))
            return PyErr_Format(PyExc_TypeError, "setup_classes: '%s' missing or of the wrong type",
                                wanted[i].name);
    }
    for (size_t i = 0; i < N_WANTED; i++) Py_XSETREF(*wanted[i].slot, Py_NewRef(got[i]));
    memset(class_cache, 0, sizeof class_cache); /* (class_by_def may be another dict) */
    Py_RETURN_NONE;
}

/* address(p): the address cffi pointer 'p' holds, an int (the key of _found) */
static PyObject *v_address(PyObject *self, PyObject *p)
{
    (void)self;
    void *raw;
    if (address_of(p, &raw)) return NULL;
    return PyLong_FromVoidPtr(raw);
}

/* ---- Bundle: the base of TransactionBundle */
#include "_bundle.c"

/* ---- Field: the base of _fields.Field, the descriptor of an option's field. Its __get__ reads
 * the common fields (bytes, 8/16/32-bit integers) of an option made in C straight from the
 * library; drafts, values kept for refusal, other field types and any error are the Python
 * method's (_py_get), which also says what went wrong. */
enum {
    F_PY = 0,
    F_BYTES,
    F_U8,
    F_U16,
    F_U32,
    F_TID
};

typedef struct {
    PyObject_HEAD PyObject *name;
    unsigned long key;
    int kind;
} Field;

static PyObject *s_py_get;

static PyObject *field_read(Field *f, const d6t_opt *o)
{
    d6t_status st;
    switch (f->kind) {
    case F_BYTES: {
        const uint8_t *data = NULL;
        size_t n = 0;
        st = d6t_opt_get_bytes(o, (d6t_key)f->key, &data, &n);
        if (st == D6T_OK && n <= PY_SSIZE_T_MAX)
            return PyBytes_FromStringAndSize(n ? (const char *)data : "", (Py_ssize_t)n);
        break;
    }
    case F_U8: {
        uint8_t v;
        if ((st = d6t_opt_get_u8(o, (d6t_key)f->key, &v)) == D6T_OK) return PyLong_FromLong(v);
        break;
    }
    case F_U16: {
        uint16_t v;
        if ((st = d6t_opt_get_u16(o, (d6t_key)f->key, &v)) == D6T_OK) return PyLong_FromLong(v);
        break;
    }
    case F_U32: {
        uint32_t v;
        if ((st = d6t_opt_get_u32(o, (d6t_key)f->key, &v)) == D6T_OK)
            return PyLong_FromUnsignedLong(v);
        break;
    }
    case F_TID: { /* a client/server message's transaction-id, 3 bytes */
        uint32_t t = d6t_msg_transaction_id((const d6t_msg *)o);
        char b[3] = {(char)(t >> 16), (char)(t >> 8), (char)t};
        return PyBytes_FromStringAndSize(b, 3);
    }
    }
    return NULL; /* no exception: the Python way */
}

static PyObject *field_get(PyObject *self, PyObject *obj, PyObject *type)
{
    Field *f = (Field *)self;
    if (!obj || obj == Py_None) return Py_NewRef(self);
    if (f->kind != F_PY && PyObject_TypeCheck(obj, node_type) && ((Node *)obj)->raw) {
        int plain = node_plain((Node *)obj);
        if (plain < 0) return NULL;
        PyObject *v = plain ? field_read(f, ((Node *)obj)->raw) : NULL;
        if (v || PyErr_Occurred()) return v;
    }
    return PyObject_CallMethodObjArgs(self, s_py_get, obj, type ? type : Py_None, NULL);
}

/* _c_setup(name, key, kind): what __get__ reads (kind 0: always the Python method) */
static PyObject *field_c_setup(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    Field *f = (Field *)self;
    long kind;
    if (nargs != 3 || !PyUnicode_Check(args[0]) || (kind = PyLong_AsLong(args[2])) < F_PY ||
        kind > F_TID) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "_c_setup(name, key, kind)");
        return NULL;
    }
    unsigned long key = PyLong_AsUnsignedLong(args[1]);
    if (PyErr_Occurred()) return NULL;
    Py_XSETREF(f->name, Py_NewRef(args[0]));
    f->key = key;
    f->kind = (int)kind;
    Py_RETURN_NONE;
}

static void field_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    Py_CLEAR(((Field *)self)->name);
    tp->tp_free(self);
    Py_DECREF(tp);
}

static int field_traverse(PyObject *self, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(((Field *)self)->name);
    return 0;
}

static PyMethodDef field_methods[] = {{"_c_setup", (PyCFunction)(void (*)(void))field_c_setup,
                                       METH_FASTCALL,
                                       "_c_setup(name, key, kind): what the C __get__ reads"},
                                      {NULL, NULL, 0, NULL}};

static PyType_Slot field_slots[] = {
    {Py_tp_doc, "Base of dhcp6txn._fields.Field: see dhcp6txn/_views.c."},
    {Py_tp_dealloc, field_dealloc},
    {Py_tp_traverse, field_traverse},
    {Py_tp_descr_get, field_get},
    {Py_tp_methods, field_methods},
    {0, NULL}};

static PyType_Spec field_spec = {"dhcp6txn._views.Field", sizeof(Field), 0,
                                 Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
                                 field_slots};

static PyMethodDef methods[] = {
    {"unhandled", (PyCFunction)(void (*)(void))v_unhandled, METH_FASTCALL,
     "unhandled(bundle, request, klass) -> the unhandled options of a table class, or None"},
    {"copied_option", (PyCFunction)v_copied_option, METH_O,
     "copied_option(o) -> the wire bytes of option o copied into a draft message, or None"},
    {"mark_handled", (PyCFunction)(void (*)(void))v_mark_handled, METH_FASTCALL,
     "mark_handled(bundle, option) -> d6t_bundle_mark_handled's status"},
    {"is_handled", (PyCFunction)(void (*)(void))v_is_handled, METH_FASTCALL,
     "is_handled(bundle, option) -> d6t_bundle_is_handled's answer"},
    {"wrap_msg", (PyCFunction)(void (*)(void))v_wrap_msg, METH_FASTCALL,
     "wrap_msg(ptr, fallback_arena=None) -> the wrapper of a C message"},
    {"new_msg_wrapper", (PyCFunction)(void (*)(void))v_new_msg_wrapper, METH_FASTCALL,
     "new_msg_wrapper(ptr, arena) -> a new registered wrapper of a C message"},
    {"bind_options", (PyCFunction)(void (*)(void))v_bind_options, METH_FASTCALL,
     "bind_options(msg, options, arena) -> the option wrappers of a message made from drafts"},
    {"parse_msg", (PyCFunction)(void (*)(void))v_parse_msg, METH_FASTCALL,
     "parse_msg(arena_ptr, data, arena) -> a new message wrapper, or (status, reason, offset)"},
    {"parse_into", (PyCFunction)(void (*)(void))v_parse_into, METH_FASTCALL,
     "parse_into(msg, arena_ptr, data, arena) -> whether msg now is the parsed message"},
    {"materialize", (PyCFunction)(void (*)(void))v_materialize, METH_FASTCALL,
     "materialize(msg, arena) -> whether draft message msg was made in arena (None: not tried)"},
    {"set_relayed", (PyCFunction)(void (*)(void))v_set_relayed, METH_FASTCALL,
     "set_relayed(relay, msg) -> whether msg now is relay's relayed message (False: not tried)"},
    {"new_arena", (PyCFunction)(void (*)(void))v_new_arena, METH_FASTCALL,
     "new_arena(block_size=0) -> a new registered _Arena"},
    {"bundle_new", (PyCFunction)(void (*)(void))v_bundle_new, METH_FASTCALL,
     "bundle_new(arena, msg, flags) -> (bundle pointer, has a request), a status, or None"},
    {"relayed", v_relayed, METH_O,
     "relayed(relay) -> the wrapper of the message relay message 'relay' holds, or None"},
    {"inner", v_inner, METH_O,
     "inner(relay) -> the wrapper of the innermost message inside relay message 'relay'"},
    {"fast_calls", v_fast_calls, METH_O,
     "fast_calls(classes): these option classes make their objects without type_call"},
    {"fast_dealloc", v_fast_dealloc, METH_O,
     "fast_dealloc(classes): these Node classes free their objects without subtype_dealloc"},
    {"compact", v_compact, METH_O,
     "compact(o) -> 0: no compact draft values, 1: a draft's, 2: a bound option's"},
    {"relays", (PyCFunction)(void (*)(void))v_relays, METH_FASTCALL,
     "relays(relay, msg) -> whether the C relay message holds the C message"},
    {"message_parse", (PyCFunction)(void (*)(void))v_message_parse, METH_FASTCALL | METH_KEYWORDS,
     "message_parse(cls, buffer, offset=0, length=None) -> Message.parse(), in C"},
    {"setup_bundle", (PyCFunction)(void (*)(void))v_setup_bundle, METH_FASTCALL,
     "setup_bundle(cls, d): what Bundle needs of bundle.py; cls made without type_call"},
    {"setup_classes", v_setup_classes, METH_O,
     "setup_classes(d): the classes, maps and Python fallbacks of _elements, by name"},
    {"address", (PyCFunction)v_address, METH_O, "address(p) -> the address a cffi pointer holds"},
    {"setup", (PyCFunction)(void (*)(void))v_setup, METH_FASTCALL,
     "setup(cast, probe, probe_address, arena_ctype) -> whether pointers are read without a "
     "call"},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, .m_name = "dhcp6txn._views",
                                    .m_doc = "The C side of message and option wrappers.",
                                    .m_size = -1, .m_methods = methods};

PyMODINIT_FUNC PyInit__views(void);
PyMODINIT_FUNC PyInit__views(void)
{
    const struct {
        PyObject **s;
        const char *text;
    } names[] = {{&uintptr_name, "uintptr_t"},
                 {&s_ctype, "_ctype"},
                 {&s_found, "_found"},
                 {&s_draft, "_draft"},
                 {&s_bad, "_bad"},
                 {&s_has_msgs, "_has_msgs"},
                 {&s_option_space, "option_space"},
                 {&s_py_defined, "_py_defined"},
                 {&s_py_get, "_py_get"},
                 {&s_limit, "_limit"},
                 {&s_sweep, "_sweep"},
                 {&s_unbound, "_unbound"},
                 {&s_py_save, "_py_save"},
                 {&s_args, "_args"},
                 {&s_py_append, "_py_append"},
                 {&s_message_type, "message_type"},
                 {&s_nested, "_nested"},
                 {&s_transaction_id, "transaction_id"},
                 {&s_options, "options"},
                 {&s_py_parse, "_py_parse"},
                 {&s_mark_slow, "_mark_handled_slow"},
                 {&s_unhandled_slow, "_unhandled_slow"},
                 {&s_response_slow, "_response_slow"},
                 {&s_set_response_slow, "_set_response_slow"},
                 {&s_responses_slow, "_responses_slow"},
                 {&s_no_request, "_no_request"},
                 {&s_not_to_client, "_not_to_client"},
                 {&s_relayed_message, "relayed_message"},
                 {&s_from_server_to_client, "from_server_to_client"}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!(*names[i].s = PyUnicode_InternFromString(names[i].text))) return NULL;
    if (!(zero_tid = PyBytes_FromStringAndSize("\0\0\0", 3))) return NULL;
    /* the types, kept for the module's life where the functions above check for them */
    const struct {
        PyType_Spec *spec;
        const char *name;
        PyTypeObject **keep;
    } types[] = {{&node_spec, "Node", &node_type},
                 {&arena_spec, "Arena", &arena_type},
                 {&olist_spec, "OptionListBase", &olist_type},
                 {&field_spec, "Field", NULL},
                 {&bundle_spec, "Bundle", NULL}};
    PyObject *m = PyModule_Create(&module);
    if (!m) return NULL;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        PyObject *t = PyType_FromSpec(types[i].spec);
        if (!t || PyModule_AddObjectRef(m, types[i].name, t)) {
            Py_XDECREF(t);
            Py_DECREF(m);
            return NULL;
        }
        if (types[i].keep)
            *types[i].keep = (PyTypeObject *)t;
        else
            Py_DECREF(t);
    }
    return m;
}
