#!/usr/bin/python3
"""Write the C source of dhcp6txn._capi, the binding's compiled (cffi API mode) view of the
library: the same declarations as the ABI-mode fallback (dhcp6txn/_cdef.py), but each call is a
direct C call instead of a trip through libffi.

    gen_capi.py OUT.c

The library's functions are short, CPU-bound and never block or call back into Python except
through callbacks (which take the GIL themselves), so the module keeps the GIL across calls:
releasing and re-taking it around every getter cost more than most of the getters. errno is not
part of the library's API, so it is not saved either.
SPDX-License-Identifier: BSD-2-Clause
"""
import pathlib
import runpy
import sys

import cffi  # type: ignore[import]

PREAMBLE = r'''
#include <dhcp6txn.h>
/* no GIL release and no errno save around each call: see python/tools/gen_capi.py */
#undef Py_BEGIN_ALLOW_THREADS
#define Py_BEGIN_ALLOW_THREADS {
#undef Py_END_ALLOW_THREADS
#define Py_END_ALLOW_THREADS }
#undef _cffi_save_errno
#define _cffi_save_errno() ((void)0)
#undef _cffi_restore_errno
#define _cffi_restore_errno() ((void)0)
'''


def builder():
    cdef = runpy.run_path(str(pathlib.Path(__file__).resolve().parents[1] / 'dhcp6txn' / '_cdef.py'))
    ffi = cffi.FFI()
    ffi.cdef(cdef['CDEF'])
    ffi.set_source('dhcp6txn._capi', PREAMBLE)
    return ffi


def main(argv):
    if len(argv) != 2:
        print(__doc__.split('\n\n')[1], file=sys.stderr)
        return 2
    builder().emit_c_code(argv[1])
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
