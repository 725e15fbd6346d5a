/* dhcp6txn._speedups: the wire bytes of draft options and messages, written in C.
 *
 * Optional: the package works without it (dhcp6txn/_elements.py has the same encoder in
 * Python, _draft_payload, and python/tests/test_speedups.py checks that both write the same
 * bytes and decline the same values). It uses only the Python C API, not the C library: the
 * encoder's output is handed to the library (d6t_msg_parse / d6t_msg_add_opt_bytes) by the
 * caller, so the library stays the one judge of what the bytes mean.
 *
 * payload(cls, values) -> bytes or None: the option payload (after the 4-byte header) of a
 *   draft of option class 'cls' with constructor values 'values' (a dict), its draft
 *   sub-options included. None: some value is not one the encoders are sure about (wrong type,
 *   out of range, an option that is no draft, ...); the caller then makes the option with the
 *   field setters, which decide what is refused and how.
 * message(message_type, transaction_id, options, other) -> bytes or None: a client/server
 *   message; options that are no drafts are written by other(option) -> bytes (header
 *   included) or None.
 * setup(Option, IPv6Address, IPv4Address, IPv6Network, IPv4Network): the classes it checks.
 * option_init: Option.__init__ (a method): a new option is a draft, its positional values
 *   stored by the names in type(self)._args as self.__dict__['_draft'] (a dict), and
 *   self._detached = True, keyword values after them. An unknown keyword, a value given twice,
 *   more values than names, or anything unexpected go to the Python __init__ given to
 *   setup_init, which decides what is refused.
 * message_init: ClientServerMessage.__init__(self, transaction_id=b'\0\0\0', options=None), the
 *   same way: self.__dict__['_draft'] = (transaction_id, a new list of the options) when options
 *   is None or a list of Option objects not defined in Python; anything else goes to the Python
 *   __init__ given to setup_init(option_fn, message_fn).
 *
 * A class describes its fields in cls._cwire: a tuple of (name, kind, fixed, default, wire)
 * per field in wire order, where kind is a K_* code below (K_PY: call wire(value), the
 * Python encoder), fixed the byte size of a fixed field, default the bytes of an unset field.
 * SPDX-License-Identifier: BSD-2-Clause */
#include "_node.h"
#include <stdint.h>
#include <string.h>

#if PY_VERSION_HEX < 0x030A0000
static inline PyObject *Py_NewRef(PyObject *o)
{
    Py_INCREF(o);
    return o;
}
#endif
#if PY_VERSION_HEX >= 0x030D0000
#define AS_BYTES(v, b, n) _PyLong_AsByteArray((PyLongObject *)(v), (b), (n), 0, 0, 1)
#else
#define AS_BYTES(v, b, n) _PyLong_AsByteArray((PyLongObject *)(v), (b), (n), 0, 0)
#endif

enum kind {
    K_PY = 0,     /* the field's Python encoder */
    K_UINT,       /* unsigned integer of 'fixed' bytes, big-endian */
    K_BYTES,      /* bytes of exactly 'fixed' bytes */
    K_REST,       /* any bytes */
    K_TEXT,       /* str, UTF-8 with surrogateescape */
    K_ADDR,       /* ipaddress object of the class given in setup(), 'fixed' bytes (_ip) */
    K_PREFIX,     /* ipaddress network: length byte + 'fixed' address bytes */
    K_PREFIXV,    /* ipaddress network: length byte + the bytes the length covers */
    K_ADDRLIST,   /* list or tuple of IPv6 addresses */
    K_ADDRLIST16, /* the same with a 2-byte length in front when not empty */
    K_U16LIST,    /* list or tuple of 16-bit integers */
    K_DUID,       /* a DUID: LinkLayerTimeDUID objects here, others by the field's encoder */
    K_DNAMES      /* list or tuple of domain names (str), each written once per process */
};

#define MAX_WIRE  (1u << 20) /* larger drafts go the setters' way */
#define MAX_DRAFT 256        /* draft options in one call (identity check) */

static PyObject *Option, *IPv6Address, *IPv4Address, *IPv6Network, *IPv4Network;
static PyObject *init_fallback, *msg_init_fallback, *zero_tid;
static PyObject *s_args, *s_detached, *s_cwire, *s_draft, *s_options, *s_option_space,
    *s_option_type, *s_kid_space, *s_py_defined, *s_ip, *s_prefixlen, *s_network_address, *s_dict,
    *s_utf8, *s_escape;

struct out {
    uint8_t *p; /* 'stack' until more is needed */
    size_t n, cap;
    PyObject *seen[MAX_DRAFT];
    size_t nseen;
    uint8_t stack[1024];
};

/* (not '= {0}': 'seen' and 'stack' need no zeroing) */
#define OUT_INIT(o) ((o).p = (o).stack, (o).n = 0, (o).cap = sizeof(o).stack, (o).nseen = 0)

/* What the encoders read of an option class, read once per version of the class (the type's
 * version tag changes whenever the class or a base is modified, so a changed class is read
 * again): a tuple (tag, option_type, option_space, _py_defined, _cwire, _kid_space, _args),
 * missing attributes as None. Keyed by the class in 'classes'. */
enum {
    CI_TAG,
    CI_TYPE,
    CI_SPACE,
    CI_PYDEF,
    CI_CWIRE,
    CI_KIDSPACE,
    CI_ARGS,
    CI_IDX, /* _cwire compiled (struct cspec in a capsule), None when it cannot be */
    CI_N
};
/* _views.Node (setup_node()): its objects may keep a draft's values compactly (_node.h) */
static PyTypeObject *node_type;
static PyObject *classes;

/* A class's _cwire compiled (CI_IDX, a capsule): per field its kind, fixed size and the index
 * of its name in _args (-1: none), then the index of 'options' */
struct cfield {
    long kind;
    size_t fixed;
    Py_ssize_t arg;
};
struct cspec {
    Py_ssize_t n, opt_arg;
    struct cfield f[];
};
#define CSPEC "dhcp6txn._speedups.cspec"

/* class_info()'s answers by version tag, in front of 'classes': a tag names one version of one
 * class for the life of the process, so a slot left by another class or version is only ever
 * a miss; 'info' is held by 'classes', which drops an entry only to put the entry of a new
 * version of its class in its place. With the entry: its cspec and whether the class is an
 * Option (setup()) and a Node (setup_node()) class. */
struct centry {
    unsigned int tag;
    int is_option, is_node;
    PyObject *info;
    struct cspec *cs;
};
#define N_CENTRIES 64
static struct centry centries[N_CENTRIES];

static Py_ssize_t index_of(PyObject *names, PyObject *name)
{
    for (Py_ssize_t j = 0; PyTuple_CheckExact(names) && j < PyTuple_GET_SIZE(names); j++) {
        PyObject *n = PyTuple_GET_ITEM(names, j);
        if (n == name ||
            (PyUnicode_Check(n) && PyUnicode_Check(name) && PyUnicode_Compare(n, name) == 0))
            return j;
    }
    return -1;
}

static void cspec_free(PyObject *cap)
{
    PyMem_Free(PyCapsule_GetPointer(cap, CSPEC));
}

/* None when 'spec' is not a tuple of (name, kind, fixed, default, encoder) */
static PyObject *compile_spec(PyObject *spec, PyObject *names)
{
    if (!PyTuple_CheckExact(spec)) return Py_NewRef(Py_None);
    Py_ssize_t n = PyTuple_GET_SIZE(spec);
    struct cspec *cs = PyMem_Malloc(sizeof *cs + (size_t)n * sizeof cs->f[0]);
    if (!cs) return PyErr_NoMemory();
    cs->n = n;
    cs->opt_arg = index_of(names, s_options);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *f = PyTuple_GET_ITEM(spec, i);
        if (!PyTuple_CheckExact(f) || PyTuple_GET_SIZE(f) < 5 ||
            !PyLong_CheckExact(PyTuple_GET_ITEM(f, 1)) ||
            !PyLong_CheckExact(PyTuple_GET_ITEM(f, 2))) {
            PyMem_Free(cs);
            return Py_NewRef(Py_None);
        }
        cs->f[i].kind = PyLong_AsLong(PyTuple_GET_ITEM(f, 1));
        cs->f[i].fixed = PyLong_AsSize_t(PyTuple_GET_ITEM(f, 2));
        cs->f[i].arg = index_of(names, PyTuple_GET_ITEM(f, 0));
        if (PyErr_Occurred()) {
            PyMem_Free(cs);
            PyErr_Clear();
            return Py_NewRef(Py_None);
        }
    }
    PyObject *cap = PyCapsule_New(cs, CSPEC, cspec_free);
    if (!cap) PyMem_Free(cs);
    return cap;
}

static PyObject *class_info_slow(PyTypeObject *cls)
{
#ifdef Py_TPFLAGS_VALID_VERSION_TAG
    int tagged = PyType_HasFeature(cls, Py_TPFLAGS_VALID_VERSION_TAG);
    PyObject *e = PyDict_GetItemWithError(classes, (PyObject *)cls);
    if (e && tagged && PyLong_AsUnsignedLong(PyTuple_GET_ITEM(e, CI_TAG)) == cls->tp_version_tag)
        return e;
    if (PyErr_Occurred()) return NULL;
    PyObject *names[CI_N] = {NULL,    s_option_type, s_option_space, s_py_defined,
                             s_cwire, s_kid_space,   s_args,         NULL};
    PyObject *t = PyTuple_New(CI_N);
    if (!t) return NULL;
    for (int i = 1; i < CI_IDX; i++) {
        PyObject *v = PyObject_GetAttr((PyObject *)cls, names[i]);
        if (!v) {
            if (!PyErr_ExceptionMatches(PyExc_AttributeError)) {
                Py_DECREF(t);
                return NULL;
            }
            PyErr_Clear();
            v = Py_NewRef(Py_None);
        }
        PyTuple_SET_ITEM(t, i, v);
    }
    PyObject *idx = compile_spec(PyTuple_GET_ITEM(t, CI_CWIRE), PyTuple_GET_ITEM(t, CI_ARGS));
    if (!idx) {
        Py_DECREF(t);
        return NULL;
    }
    PyTuple_SET_ITEM(t, CI_IDX, idx);
    /* (the lookups above give the class a valid tag unless it cannot have one) */
    if (!PyType_HasFeature(cls, Py_TPFLAGS_VALID_VERSION_TAG)) {
        Py_DECREF(t);
        return NULL;
    }
    PyObject *tag = PyLong_FromUnsignedLong(cls->tp_version_tag);
    if (!tag) {
        Py_DECREF(t);
        return NULL;
    }
    PyTuple_SET_ITEM(t, CI_TAG, tag);
    int r = PyDict_SetItem(classes, (PyObject *)cls, t);
    Py_DECREF(t); /* the dict holds it */
    return r ? NULL : t;
#else
    (void)cls;
    return NULL;
#endif
}

/* the class's entry if it has one now (NULL: none) */
static struct centry *cached_entry(PyTypeObject *cls)
{
#ifdef Py_TPFLAGS_VALID_VERSION_TAG
    if (PyType_HasFeature(cls, Py_TPFLAGS_VALID_VERSION_TAG)) {
        struct centry *ce = &centries[cls->tp_version_tag % N_CENTRIES];
        if (ce->tag == cls->tp_version_tag && ce->info) return ce;
    }
#else
    (void)cls;
#endif
    return NULL;
}

/* the class's entry (NULL: the class cannot be cached, or an error is set) */
static struct centry *class_entry(PyTypeObject *cls)
{
#ifdef Py_TPFLAGS_VALID_VERSION_TAG
    struct centry *ce = cached_entry(cls);
    if (ce) return ce;
    PyObject *info = class_info_slow(cls);
    if (!info || !PyType_HasFeature(cls, Py_TPFLAGS_VALID_VERSION_TAG)) return NULL;
    ce = &centries[cls->tp_version_tag % N_CENTRIES];
    PyObject *cap = PyTuple_GET_ITEM(info, CI_IDX);
    ce->cs = PyCapsule_CheckExact(cap) ? PyCapsule_GetPointer(cap, CSPEC) : NULL;
    ce->is_option = Option && PyType_Check(Option) && PyType_IsSubtype(cls, (PyTypeObject *)Option);
    ce->is_node = node_type && PyType_IsSubtype(cls, node_type);
    ce->info = info;
    ce->tag = cls->tp_version_tag;
    return ce;
#else
    (void)cls;
    return NULL;
#endif
}

static PyObject *class_info(PyTypeObject *cls)
{
    struct centry *ce = class_entry(cls);
    return ce ? ce->info : NULL;
}

/* attribute 'name' of option 'obj' whose __dict__ is 'd': the class's cached value unless the
 * instance has its own (new reference; NULL with an exception set, or without one when the
 * class could not be cached) */
static PyObject *option_attr(PyObject *obj, PyObject *d, int which, PyObject *name)
{
    PyObject *info = class_info(Py_TYPE(obj));
    if (!info) {
        if (PyErr_Occurred()) PyErr_Clear();
        return PyObject_GetAttr(obj, name);
    }
    PyObject *v = PyTuple_GET_ITEM(info, which);
    /* a descriptor (not a plain int/bool) or an instance value: the normal lookup decides */
    if (!(PyLong_CheckExact(v) || PyBool_Check(v)) || (d && PyDict_GetItemWithError(d, name)) ||
        PyErr_Occurred()) {
        if (PyErr_Occurred()) PyErr_Clear();
        return PyObject_GetAttr(obj, name);
    }
    return Py_NewRef(v);
}

/* attribute 'name' of class 'cls' through the cache (new reference, NULL with an exception) */
static PyObject *class_attr(PyObject *cls, int which, PyObject *name)
{
    PyObject *info = PyType_Check(cls) ? class_info((PyTypeObject *)cls) : NULL;
    if (!info) {
        if (PyErr_Occurred()) PyErr_Clear();
        return PyObject_GetAttr(cls, name);
    }
    PyObject *v = PyTuple_GET_ITEM(info, which);
    if (v == Py_None) return PyObject_GetAttr(cls, name); /* raises as before */
    return Py_NewRef(v);
}

static int grow(struct out *o, size_t more)
{
    if (o->n + more > MAX_WIRE) return -1;
    if (o->n + more <= o->cap) return 0;
    size_t cap = o->cap * 2;
    while (cap < o->n + more) cap *= 2;
    if (cap > MAX_WIRE) cap = MAX_WIRE; /* (so that put() needs no check of its own) */
    uint8_t *p = PyMem_Realloc(o->p == o->stack ? NULL : o->p, cap);
    if (!p) return -1;
    if (o->p == o->stack) memcpy(p, o->stack, o->n);
    o->p = p;
    o->cap = cap;
    return 0;
}

static inline int put(struct out *o, const void *b, size_t n)
{
    if (o->n + n > o->cap && grow(o, n)) return -1;
    if (n) memcpy(o->p + o->n, b, n);
    o->n += n;
    return 0;
}

static int put_bytes_obj(struct out *o, PyObject *b)
{
    if (!b || !PyBytes_CheckExact(b)) return -1;
    return put(o, PyBytes_AS_STRING(b), (size_t)PyBytes_GET_SIZE(b));
}

/* an int that is exactly an int (not a bool) and fits in 'bytes' bytes */
static int uint_of(PyObject *v, size_t bytes, unsigned long long *out)
{
    if (!PyLong_CheckExact(v)) return -1;
    unsigned long long x = PyLong_AsUnsignedLongLong(v);
    if (x == (unsigned long long)-1 && PyErr_Occurred()) {
        PyErr_Clear();
        return -1;
    }
    if (bytes < 8 && x >> (8 * bytes)) return -1;
    *out = x;
    return 0;
}

static int put_uint(struct out *o, unsigned long long x, size_t bytes)
{
    if (o->n + bytes > o->cap && grow(o, bytes)) return -1;
    uint8_t *b = o->p + o->n;
    for (size_t i = 0; i < bytes; i++) b[i] = (uint8_t)(x >> (8 * (bytes - 1 - i)));
    o->n += bytes;
    return 0;
}

/* The bytes of the last few address integers written, by the int object (held here, so that
 * its address names it; ints do not change): a server writes the same few addresses (its DNS
 * servers, its pools' prefixes) again and again, and converting a 128-bit int costs more than
 * the rest of writing the address. */
static struct {
    PyObject *ip;
    size_t size;
    uint8_t b[16];
} ip_cache[64];

/* the 'size' bytes of an ipaddress address object (its _ip integer) */
static int put_ip(struct out *o, PyObject *addr, size_t size)
{
    PyObject *ip = PyObject_GetAttr(addr, s_ip);
    if (!ip) {
        PyErr_Clear();
        return -1;
    }
    size_t slot = ((uintptr_t)ip >> 4) % (sizeof ip_cache / sizeof ip_cache[0]);
    if (ip_cache[slot].ip == ip && ip_cache[slot].size == size) {
        Py_DECREF(ip);
        return put(o, ip_cache[slot].b, size);
    }
    uint8_t b[16];
    int bad = size > sizeof b || !PyLong_CheckExact(ip) || AS_BYTES(ip, b, size);
    if (bad) {
        Py_DECREF(ip);
        PyErr_Clear();
        return -1;
    }
    Py_XSETREF(ip_cache[slot].ip, ip); /* (the reference moves there) */
    ip_cache[slot].size = size;
    memcpy(ip_cache[slot].b, b, size);
    return put(o, b, size);
}

static int put_prefix(struct out *o, PyObject *net, size_t size, int var)
{
    PyObject *plen_obj = PyObject_GetAttr(net, s_prefixlen);
    PyObject *addr = plen_obj ? PyObject_GetAttr(net, s_network_address) : NULL;
    unsigned long long plen;
    int bad = !addr || uint_of(plen_obj, 1, &plen) || plen > 8 * size;
    if (!bad) {
        uint8_t b[17];
        PyObject *ip = PyObject_GetAttr(addr, s_ip);
        bad = !ip || !PyLong_CheckExact(ip) || AS_BYTES(ip, b + 1, size);
        Py_XDECREF(ip);
        if (!bad) {
            b[0] = (uint8_t)plen;
            bad = put(o, b, 1 + (var ? (plen + 7) / 8 : size));
        }
    }
    Py_XDECREF(plen_obj);
    Py_XDECREF(addr);
    if (PyErr_Occurred()) PyErr_Clear();
    return bad ? -1 : 0;
}

static int put_addr_list(struct out *o, PyObject *v, int prefixed)
{
    if (!PyList_CheckExact(v) && !PyTuple_CheckExact(v)) return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(v);
    if (prefixed && n) {
        if (n * 16 > 65535 || put_uint(o, (unsigned long long)n * 16, 2)) return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *a = PySequence_Fast_GET_ITEM(v, i);
        if ((PyObject *)Py_TYPE(a) != IPv6Address || put_ip(o, a, 16)) return -1;
    }
    return 0;
}

static int put_u16_list(struct out *o, PyObject *v)
{
    if (!PyList_CheckExact(v) && !PyTuple_CheckExact(v)) return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(v);
    for (Py_ssize_t i = 0; i < n; i++) {
        unsigned long long x;
        if (uint_of(PySequence_Fast_GET_ITEM(v, i), 2, &x) || put_uint(o, x, 2)) return -1;
    }
    return 0;
}

/* set by setup_names(LinkLayerTimeDUID, encode_dname): the DUID class written here, and the
 * Python encoder of one domain name (its result kept in 'dnames', at most 256 of them) */
static PyObject *llt_class, *encode_dname, *dnames, *s_duid_type, *s_hardware_type, *s_time,
    *s_link_layer_address;

/* a LinkLayerTimeDUID as _fields._wire_duid writes it (1: not one of those, the encoder's) */
static int put_llt(struct out *o, PyObject *v)
{
    if (!llt_class || (PyObject *)Py_TYPE(v) != llt_class) return 1;
    PyObject *f[4] = {PyObject_GetAttr(v, s_duid_type), PyObject_GetAttr(v, s_hardware_type),
                      PyObject_GetAttr(v, s_time), PyObject_GetAttr(v, s_link_layer_address)};
    unsigned long long t, hw, tm;
    int r = !f[0] || !f[1] || !f[2] || !f[3] || uint_of(f[0], 2, &t) || uint_of(f[1], 2, &hw) ||
                    uint_of(f[2], 4, &tm) || !PyBytes_CheckExact(f[3])
                ? 1
                : put_uint(o, t, 2) || put_uint(o, hw, 2) || put_uint(o, tm, 4) ||
                      put_bytes_obj(o, f[3]);
    for (int i = 0; i < 4; i++) Py_XDECREF(f[i]);
    if (PyErr_Occurred()) PyErr_Clear();
    return r;
}

/* domain names as _fields._wire_name_list writes them */
static int put_names(struct out *o, PyObject *v)
{
    if ((!PyList_CheckExact(v) && !PyTuple_CheckExact(v)) || !encode_dname || !dnames) return -1;
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(v); i++) {
        PyObject *name = PySequence_Fast_GET_ITEM(v, i);
        if (!PyUnicode_CheckExact(name)) return -1;
        PyObject *wire = PyDict_GetItemWithError(dnames, name);
        if (wire)
            Py_INCREF(wire);
        else if (PyErr_Occurred() || !(wire = PyObject_CallOneArg(encode_dname, name)) ||
                 !PyBytes_CheckExact(wire)) {
            Py_XDECREF(wire);
            PyErr_Clear();
            return -1;
        } else if (PyDict_GET_SIZE(dnames) >= 256) {
            PyDict_Clear(dnames);
        }
        int r = PyDict_SetItem(dnames, name, wire) || put_bytes_obj(o, wire);
        Py_DECREF(wire);
        if (r) {
            PyErr_Clear();
            return -1;
        }
    }
    return 0;
}

/* a field through its Python encoder (spec's last item; None: no encoder) */
static int put_py(struct out *o, PyObject *spec, PyObject *v)
{
    PyObject *wire = PyTuple_GET_ITEM(spec, 4);
    if (wire == Py_None) return -1;
    PyObject *b = PyObject_CallOneArg(wire, v);
    if (!b) {
        PyErr_Clear();
        return -1;
    }
    int r = b == Py_None ? -1 : put_bytes_obj(o, b);
    Py_DECREF(b);
    return r;
}

static int put_field(struct out *o, long kind, size_t fixed, PyObject *spec, PyObject *v)
{
    unsigned long long x;
    switch (kind) {
    case K_UINT:
        if (uint_of(v, fixed, &x)) return -1;
        return put_uint(o, x, fixed);
    case K_BYTES:
        if (!PyBytes_CheckExact(v) || (size_t)PyBytes_GET_SIZE(v) != fixed) return -1;
        return put_bytes_obj(o, v);
    case K_REST: return PyBytes_CheckExact(v) ? put_bytes_obj(o, v) : -1;
    case K_TEXT: {
        if (!PyUnicode_CheckExact(v)) return -1;
        PyObject *b = PyUnicode_AsEncodedString(v, "utf-8", "surrogateescape");
        if (!b) {
            PyErr_Clear();
            return -1;
        }
        int r = put_bytes_obj(o, b);
        Py_DECREF(b);
        return r;
    }
    case K_ADDR:
        if ((PyObject *)Py_TYPE(v) != (fixed == 16 ? IPv6Address : IPv4Address)) return -1;
        return put_ip(o, v, fixed);
    case K_PREFIX:
    case K_PREFIXV:
        if ((PyObject *)Py_TYPE(v) != (fixed == 16 ? IPv6Network : IPv4Network)) return -1;
        return put_prefix(o, v, fixed, kind == K_PREFIXV);
    case K_ADDRLIST:
    case K_ADDRLIST16: return put_addr_list(o, v, kind == K_ADDRLIST16);
    case K_U16LIST: return put_u16_list(o, v);
    case K_DNAMES: return put_names(o, v);
    case K_DUID: {
        int r = put_llt(o, v);
        return r <= 0 ? r : put_py(o, spec, v);
    }
    default: return put_py(o, spec, v);
    }
}

static int draft_payload(struct out *o, PyObject *cls, PyObject *values, PyObject *info,
                         struct cspec *cs);

/* one draft sub-option (header and payload) of a container whose sub-options are in 'space' */
static int put_kid(struct out *o, PyObject *kid, PyObject *space, PyObject *other)
{
    int r = -1;
    PyObject *d = NULL, *values, *kspace = NULL, *pydef = NULL, *code = NULL, *info = NULL;
    struct cspec *cs = NULL;
    Py_INCREF(kid); /* the list holding it may change while Python code runs */
    struct centry *ce = cached_entry(Py_TYPE(kid)); /* (only an option's class gets one) */
    int is_node = ce ? ce->is_node : node_type && PyObject_TypeCheck(kid, node_type);
    if (!(ce && ce->is_option) && PyObject_IsInstance(kid, Option) != 1) goto done;
    for (size_t i = 0; i < o->nseen; i++)
        if (o->seen[i] == kid) goto done; /* the same draft twice: the setters' way */
    if (o->nseen == MAX_DRAFT) goto done;
    o->seen[o->nseen++] = kid;
    PyObject *compact = NULL;
    if (is_node) { /* its dict made only if needed */
        compact = node_draft_values(kid);
        d = Py_XNewRef(((Node *)kid)->dict);
    } else if (!(d = PyObject_GenericGetDict(kid, NULL))) {
        goto done;
    }
    values = compact ? compact : d ? PyDict_GetItemWithError(d, s_draft) : NULL;
    if (!values && other && !PyErr_Occurred()) { /* no draft: the caller's way, whole option */
        PyObject *b = PyObject_CallOneArg(other, kid);
        r = b && b != Py_None ? put_bytes_obj(o, b) : -1;
        Py_XDECREF(b);
        goto done;
    }
    if (!values || (!compact && !PyDict_CheckExact(values))) goto done;
    /* (a dict holding nothing but the draft's values cannot hide the class's attributes) */
    PyObject *own = d && PyDict_GET_SIZE(d) > (compact ? 0 : 1) ? d : NULL;
    if (!own && (ce = class_entry(Py_TYPE(kid))) != NULL) { /* held while Python code may run */
        info = Py_NewRef(ce->info);
        cs = ce->cs;
    }
    if (info && PyLong_CheckExact(PyTuple_GET_ITEM(info, CI_SPACE)) &&
        PyBool_Check(PyTuple_GET_ITEM(info, CI_PYDEF)) &&
        PyLong_CheckExact(PyTuple_GET_ITEM(info, CI_TYPE))) { /* the class's plain values */
        kspace = Py_NewRef(PyTuple_GET_ITEM(info, CI_SPACE));
        pydef = Py_NewRef(PyTuple_GET_ITEM(info, CI_PYDEF));
        code = Py_NewRef(PyTuple_GET_ITEM(info, CI_TYPE));
    } else { /* (Python code may run: the entry may not last) */
        Py_CLEAR(info);
        cs = NULL;
        if (PyErr_Occurred()) PyErr_Clear();
        kspace = option_attr(kid, own, CI_SPACE, s_option_space);
        pydef = option_attr(kid, own, CI_PYDEF, s_py_defined);
        code = option_attr(kid, own, CI_TYPE, s_option_type);
    }
    unsigned long long c;
    if (!kspace || !pydef || !code || pydef != Py_False || uint_of(code, 2, &c)) goto done;
    int same = PyObject_RichCompareBool(kspace, space, Py_EQ);
    if (same != 1) goto done;
    size_t at = o->n;
    if (put_uint(o, c, 2) || put_uint(o, 0, 2)) goto done;
    if (draft_payload(o, (PyObject *)Py_TYPE(kid), values, info, cs)) goto done;
    size_t len = o->n - at - 4;
    if (len > 65535) goto done;
    o->p[at + 2] = (uint8_t)(len >> 8);
    o->p[at + 3] = (uint8_t)len;
    r = 0;
done:
    Py_DECREF(kid);
    Py_XDECREF(d);
    Py_XDECREF(info);
    Py_XDECREF(kspace);
    Py_XDECREF(pydef);
    Py_XDECREF(code);
    if (PyErr_Occurred()) PyErr_Clear();
    return r;
}

/* 'values': the draft's {name: value}, or its compact tuple (Node.vals); 'info': the class's
 * class_info() entry when the caller has it (and holds it), 'cs' its compiled _cwire */
static int draft_payload(struct out *o, PyObject *cls, PyObject *values, PyObject *info,
                         struct cspec *cs)
{
    if (!info && PyType_Check(cls)) {
        info = class_info((PyTypeObject *)cls);
        cs = NULL;
    }
    if (!info && PyErr_Occurred()) PyErr_Clear();
    PyObject *spec =
        info ? Py_NewRef(PyTuple_GET_ITEM(info, CI_CWIRE)) : PyObject_GetAttr(cls, s_cwire);
    PyObject *cap = info ? Py_NewRef(PyTuple_GET_ITEM(info, CI_IDX)) : NULL;
    if (!cs) cs = cap && PyCapsule_CheckExact(cap) ? PyCapsule_GetPointer(cap, CSPEC) : NULL;
    int compact = PyTuple_CheckExact(values);
    int r = 0;
    if (!spec || !PyTuple_CheckExact(spec) || (compact && !cs) ||
        (cs && cs->n != PyTuple_GET_SIZE(spec)))
        r = -1;
    for (Py_ssize_t i = 0; r == 0 && i < PyTuple_GET_SIZE(spec); i++) {
        PyObject *f = PyTuple_GET_ITEM(spec, i), *v;
        if (compact)
            v = cs->f[i].arg >= 0 && cs->f[i].arg < PyTuple_GET_SIZE(values)
                    ? PyTuple_GET_ITEM(values, cs->f[i].arg)
                    : NULL;
        else if (!PyTuple_CheckExact(f) || PyTuple_GET_SIZE(f) < 5)
            v = NULL, r = -1;
        else
            v = PyDict_GetItemWithError(values, PyTuple_GET_ITEM(f, 0));
        if (r || (!v && PyErr_Occurred()))
            r = -1;
        else if (!v || v == Py_None)
            r = put_bytes_obj(o, PyTuple_GET_ITEM(f, 3));
        else if (cs)
            r = put_field(o, cs->f[i].kind, cs->f[i].fixed, f, v);
        else
            r = put_field(o, PyLong_AsLong(PyTuple_GET_ITEM(f, 1)),
                          PyLong_AsSize_t(PyTuple_GET_ITEM(f, 2)), f, v);
    }
    PyObject *kids = NULL;
    if (r == 0 && compact)
        kids = cs->opt_arg >= 0 && cs->opt_arg < PyTuple_GET_SIZE(values)
                   ? PyTuple_GET_ITEM(values, cs->opt_arg)
                   : NULL;
    else if (r == 0)
        kids = PyDict_GetItemWithError(values, s_options);
    Py_XINCREF(kids);
    Py_XDECREF(spec);
    Py_XDECREF(cap); /* (cs lives as long as the class's entry: not used below) */
    if (kids && kids != Py_None) {
        PyObject *space = class_attr(cls, CI_KIDSPACE, s_kid_space);
        if (!space || (!PyList_CheckExact(kids) && !PyTuple_CheckExact(kids))) r = -1;
        for (Py_ssize_t i = 0; r == 0 && i < PySequence_Fast_GET_SIZE(kids); i++)
            r = put_kid(o, PySequence_Fast_GET_ITEM(kids, i), space, NULL);
        Py_XDECREF(space);
    }
    Py_XDECREF(kids);
    if (PyErr_Occurred()) PyErr_Clear();
    return r;
}

static PyObject *result(struct out *o, int r)
{
    PyObject *b =
        r ? Py_NewRef(Py_None) : PyBytes_FromStringAndSize((char *)o->p, (Py_ssize_t)o->n);
    if (o->p != o->stack) PyMem_Free(o->p);
    return b;
}

static PyObject *sp_payload(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    (void)self;
    if (nargs != 2 || !PyDict_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "payload(cls, values)");
        return NULL;
    }
    if (!Option) Py_RETURN_NONE; /* setup() not called */
    struct out o;
    OUT_INIT(o);
    int r = draft_payload(&o, args[0], args[1], NULL, NULL);
    if (r == 0 && o.n > 65535) r = -1;
    return result(&o, r);
}

static PyObject *sp_message(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    (void)self;
    unsigned long long t;
    if (nargs != 4) {
        PyErr_SetString(PyExc_TypeError, "message(message_type, transaction_id, options, other)");
        return NULL;
    }
    PyObject *tid = args[1], *opts = args[2];
    if (!Option || uint_of(args[0], 1, &t) || !PyBytes_CheckExact(tid) ||
        PyBytes_GET_SIZE(tid) != 3 || (!PyList_CheckExact(opts) && !PyTuple_CheckExact(opts)))
        Py_RETURN_NONE;
    struct out o;
    OUT_INIT(o);
    PyObject *space = PyLong_FromLong(0);
    int r = !space || put_uint(&o, t, 1) || put_bytes_obj(&o, tid);
    for (Py_ssize_t i = 0; r == 0 && i < PySequence_Fast_GET_SIZE(opts); i++)
        r = put_kid(&o, PySequence_Fast_GET_ITEM(opts, i), space, args[3]);
    Py_XDECREF(space);
    if (PyErr_Occurred()) PyErr_Clear();
    return result(&o, r);
}

static PyObject *sp_setup(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    (void)self;
    if (nargs != 5) {
        PyErr_SetString(PyExc_TypeError,
                        "setup(Option, IPv6Address, IPv4Address, IPv6Network, IPv4Network)");
        return NULL;
    }
    PyObject **slots[] = {&Option, &IPv6Address, &IPv4Address, &IPv6Network, &IPv4Network};
    for (int i = 0; i < 5; i++) Py_XSETREF(*slots[i], Py_NewRef(args[i]));
    memset(centries, 0, sizeof centries); /* (is_option) */
    Py_RETURN_NONE;
}

static PyObject *sp_setup_node(PyObject *self, PyObject *type)
{
    (void)self;
    if (!PyType_Check(type) || ((PyTypeObject *)type)->tp_basicsize < (Py_ssize_t)sizeof(Node)) {
        PyErr_SetString(PyExc_TypeError, "setup_node(_views.Node)");
        return NULL;
    }
    Py_XSETREF(node_type, (PyTypeObject *)Py_NewRef(type));
    memset(centries, 0, sizeof centries); /* (is_node) */
    Py_RETURN_NONE;
}

static PyObject *sp_option_init(PyObject *unused, PyObject *args, PyObject *kwargs)
{
    (void)unused;
    Py_ssize_t n = PyTuple_GET_SIZE(args);
    PyObject *names = NULL, *values = NULL, *d = NULL;
    if (n < 1 || !init_fallback) goto fallback;
    PyObject *self = PyTuple_GET_ITEM(args, 0);
    names = class_attr((PyObject *)Py_TYPE(self), CI_ARGS, s_args);
    if (!names) return NULL;
    if (!PyTuple_CheckExact(names) || n - 1 > PyTuple_GET_SIZE(names)) goto fallback;
    if (!(values = PyDict_New())) goto fail;
    for (Py_ssize_t i = 1; i < n; i++)
        if (PyDict_SetItem(values, PyTuple_GET_ITEM(names, i - 1), PyTuple_GET_ITEM(args, i)))
            goto fail;
    if (kwargs) {
        /* each keyword one of the names and not given by position, else the Python way */
        Py_ssize_t pos = 0, nn = PyTuple_GET_SIZE(names);
        PyObject *key, *value;
        while (PyDict_Next(kwargs, &pos, &key, &value)) {
            Py_ssize_t j = 0;
            for (; j < nn; j++) {
                int eq = PyObject_RichCompareBool(key, PyTuple_GET_ITEM(names, j), Py_EQ);
                if (eq < 0) PyErr_Clear();
                if (eq == 1) break;
            }
            if (j == nn || j < n - 1) {
                Py_DECREF(values);
                values = NULL;
                goto fallback;
            }
            if (PyDict_SetItem(values, key, value)) goto fail;
        }
    }
    if (!(d = PyObject_GenericGetDict(self, NULL)) || !PyDict_Check(d)) goto fail;
    if (PyDict_SetItem(d, s_draft, values) || PyObject_SetAttr(self, s_detached, Py_True))
        goto fail;
    Py_DECREF(names);
    Py_DECREF(values);
    Py_DECREF(d);
    Py_RETURN_NONE;
fail:
    Py_XDECREF(names);
    Py_XDECREF(values);
    Py_XDECREF(d);
    if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "option_init: no __dict__");
    return NULL;
fallback:
    Py_XDECREF(names);
    if (!init_fallback) {
        PyErr_SetString(PyExc_TypeError, "option_init: setup_init() not called");
        return NULL;
    }
    return PyObject_Call(init_fallback, args, kwargs);
}

/* 1: 'opts' is a list the fast path takes (Option objects not defined in Python) */
static int plain_options(PyObject *opts)
{
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(opts); i++) {
        PyObject *o = PyList_GET_ITEM(opts, i);
        if (PyObject_IsInstance(o, Option) != 1) return 0;
        int node = node_type && PyObject_TypeCheck(o, node_type); /* (its dict: not made) */
        PyObject *d = node ? Py_XNewRef(((Node *)o)->dict) : PyObject_GenericGetDict(o, NULL);
        PyObject *pyd = d || node ? option_attr(o, d, CI_PYDEF, s_py_defined) : NULL;
        Py_XDECREF(d);
        Py_XDECREF(pyd);
        if (pyd != Py_False) return 0;
    }
    return 1;
}

static PyObject *sp_message_init(PyObject *unused, PyObject *args, PyObject *kwargs)
{
    (void)unused;
    static char *kw[] = {"self", "transaction_id", "options", NULL};
    PyObject *self, *tid = zero_tid, *opts = Py_None;
    if (!msg_init_fallback || !zero_tid || !Option) goto fallback;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|OO:__init__", kw, &self, &tid, &opts)) {
        PyErr_Clear();
        goto fallback;
    }
    if (opts != Py_None && (!PyList_CheckExact(opts) || !plain_options(opts))) {
        if (PyErr_Occurred()) PyErr_Clear();
        goto fallback;
    }
    PyObject *list = opts == Py_None ? PyList_New(0) : PyList_GetSlice(opts, 0, PY_SSIZE_T_MAX);
    PyObject *draft = list ? PyTuple_Pack(2, tid, list) : NULL;
    Py_XDECREF(list);
    PyObject *d = draft ? PyObject_GenericGetDict(self, NULL) : NULL;
    int bad = !d || !PyDict_Check(d) || PyDict_SetItem(d, s_draft, draft);
    Py_XDECREF(draft);
    Py_XDECREF(d);
    if (bad) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "message_init: no __dict__");
        return NULL;
    }
    Py_RETURN_NONE;
fallback:
    if (!msg_init_fallback) {
        PyErr_SetString(PyExc_TypeError, "message_init: setup_init() not called");
        return NULL;
    }
    return PyObject_Call(msg_init_fallback, args, kwargs);
}

static PyObject *sp_setup_names(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    (void)self;
    if (nargs != 2 || !PyType_Check(args[0]) || !PyCallable_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "setup_names(LinkLayerTimeDUID, encode_dname)");
        return NULL;
    }
    if (!dnames && !(dnames = PyDict_New())) return NULL;
    Py_XSETREF(llt_class, Py_NewRef(args[0]));
    Py_XSETREF(encode_dname, Py_NewRef(args[1]));
    PyDict_Clear(dnames);
    Py_RETURN_NONE;
}

static PyObject *sp_setup_init(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    (void)self;
    if (nargs != 2 || !PyCallable_Check(args[0]) || !PyCallable_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "setup_init(option_fn, message_fn)");
        return NULL;
    }
    Py_XSETREF(init_fallback, Py_NewRef(args[0]));
    Py_XSETREF(msg_init_fallback, Py_NewRef(args[1]));
    Py_RETURN_NONE;
}

static PyMethodDef init_def = {"option_init", (PyCFunction)(void (*)(void))sp_option_init,
                               METH_VARARGS | METH_KEYWORDS,
                               "Option.__init__(self, *values): the draft of a new option"};

static PyMethodDef msg_init_def = {
    "message_init", (PyCFunction)(void (*)(void))sp_message_init, METH_VARARGS | METH_KEYWORDS,
    "ClientServerMessage.__init__(self, transaction_id, options): the draft of a new message"};

static PyMethodDef methods[] = {
    {"payload", (PyCFunction)(void (*)(void))sp_payload, METH_FASTCALL,
     "payload(cls, values) -> the wire bytes of a draft option after its header, or None"},
    {"message", (PyCFunction)(void (*)(void))sp_message, METH_FASTCALL,
     "message(type, transaction_id, options, other) -> a draft message's wire bytes, or None"},
    {"setup", (PyCFunction)(void (*)(void))sp_setup, METH_FASTCALL,
     "setup(Option, IPv6Address, IPv4Address, IPv6Network, IPv4Network)"},
    {"setup_node", sp_setup_node, METH_O,
     "setup_node(_views.Node): the base whose objects may keep draft values compactly"},
    {"setup_names", (PyCFunction)(void (*)(void))sp_setup_names, METH_FASTCALL,
     "setup_names(LinkLayerTimeDUID, encode_dname): what K_DUID and K_DNAMES fields use"},
    {"setup_init", (PyCFunction)(void (*)(void))sp_setup_init, METH_FASTCALL,
     "setup_init(option_fn, message_fn): the Python __init__s that decide the rare cases"},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, .m_name = "dhcp6txn._speedups",
                                    .m_doc = "Draft options and messages written in C.",
                                    .m_size = -1, .m_methods = methods};

PyMODINIT_FUNC PyInit__speedups(void);
PyMODINIT_FUNC PyInit__speedups(void)
{
    struct {
        PyObject **s;
        const char *text;
    } names[] = {{&s_args, "_args"},
                 {&s_detached, "_detached"},
                 {&s_cwire, "_cwire"},
                 {&s_draft, "_draft"},
                 {&s_options, "options"},
                 {&s_option_space, "option_space"},
                 {&s_option_type, "option_type"},
                 {&s_kid_space, "_kid_space"},
                 {&s_py_defined, "_py_defined"},
                 {&s_ip, "_ip"},
                 {&s_prefixlen, "_prefixlen"},
                 {&s_network_address, "network_address"},
                 {&s_dict, "__dict__"},
                 {&s_utf8, "utf-8"},
                 {&s_escape, "surrogateescape"},
                 {&s_duid_type, "duid_type"},
                 {&s_hardware_type, "hardware_type"},
                 {&s_time, "time"},
                 {&s_link_layer_address, "link_layer_address"}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!(*names[i].s = PyUnicode_InternFromString(names[i].text))) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (!m) return NULL;
    if (!(zero_tid = PyBytes_FromStringAndSize("\0\0\0", 3)) || !(classes = PyDict_New())) {
        Py_DECREF(m);
        return NULL;
    }
    /* methods (bind self) made of C functions: __init__ without a Python frame */
    PyMethodDef *defs[] = {&init_def, &msg_init_def};
    for (size_t i = 0; i < 2; i++) {
        PyObject *fn = PyCFunction_New(defs[i], NULL);
        PyObject *meth = fn ? PyInstanceMethod_New(fn) : NULL;
        Py_XDECREF(fn);
        if (!meth || PyModule_AddObject(m, defs[i]->ml_name, meth)) {
            Py_XDECREF(meth);
            Py_DECREF(m);
            return NULL;
        }
    }
    return m;
}
