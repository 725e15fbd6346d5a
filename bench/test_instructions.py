#!/usr/bin/python3
"""Checks of instructions.py's reading of callgrind dumps (no valgrind needed).
SPDX-License-Identifier: BSD-2-Clause
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import instructions  # noqa: E402

# positions "instr line": absolute hex, relative +/-, '*' for the same; a calls= line's next
# line is the call's inclusive cost and no code of this function
DUMP = """positions: instr line
events: Ir
fn=(1) f
0x1000 10 3
+4 +1 2
+60 * 1
calls=1 0x9000 5
+0x40 +1 500
+2 * 0
-0x60 -1 1
"""


def main():
    # 0x1000 and 0x1004 share line 0x40; 0x1040 is line 0x41; the call site 0x1080 (line 0x42)
    # costs only as a call and 0x1082 ran 0 times, so line 0x42 is not counted; 0x1022 is back
    # in line 0x40
    got = instructions.code_lines(DUMP)
    if got != 2:
        print("code_lines: %d lines, expected 2" % got)
        return 1
    print("ok: code_lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
