/* The C struct of dhcp6txn._views.Node, the base of the binding's message and option objects,
 * shared by _views.c (which owns the type) and _speedups.c (the draft encoder, which reads a
 * draft option's values from it).
 * SPDX-License-Identifier: BSD-2-Clause */
#ifndef DHCP6TXN_NODE_H
#define DHCP6TXN_NODE_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#define NODE_FOUND 3 /* a request's Client-ID, IA_NA and IA_PD */

typedef struct {
    PyObject_HEAD void *raw; /* the C message or option; NULL while there is none */
    PyObject *cdata;         /* _ptr as Python code sees it; NULL until set or first read */
    PyObject *arena, *detached, *kids;
    PyObject *dict, *weaklist;
    /* A draft option's values in the order of type(self)._args (NULL: not given), or a draft
     * client/server message's (transaction_id, options), kept here rather than in
     * __dict__['_draft'] until Python code looks at __dict__ (then they move there, an option's
     * as {name: value}): a dict per object costs more than the rest of making it. */
    PyObject *vals;
    /* vals were made in C as part of a message (bound): __dict__['_unbound'] once moved */
    int unbound;
    /* The first wrappers get_option_of_type handed out (found_w[i] of C option found_raw[i]),
     * kept here rather than in __dict__['_found'] ({address: wrapper}) until there are more
     * or Python code looks at __dict__. */
    void *found_raw[NODE_FOUND];
    PyObject *found_w[NODE_FOUND];
} Node;

/* the compact draft values of 'o', an object of a Node class (NULL: none, or bound) */
static inline PyObject *node_draft_values(PyObject *o)
{
    Node *n = (Node *)o;
    return n->vals && !n->unbound ? n->vals : NULL;
}

#endif
