#!/usr/bin/python3
"""Inputs for comparing two builds (.ci/compare-build.sh) from the dhcpkit vectors.

usage: vector_lines.py VECTOR_DIR OUT_DIR
Writes OUT_DIR/records.txt (every record as vectool reads it, in the order and form of the
conformance test, whose loader is reused) and OUT_DIR/messages.hex (the hex of every
message record, one per line, as dhcp6txn-decode reads it).
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'print'))
import conformance  # noqa: E402


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__)
    recs = conformance.load(argv[0])
    with open(os.path.join(argv[1], 'records.txt'), 'w', encoding='utf-8') as f:
        f.writelines(r.line() + '\n' for r in recs)
    msgs = [r.arg for r in recs if r.kind == 'message']
    with open(os.path.join(argv[1], 'messages.hex'), 'w', encoding='ascii') as f:
        f.writelines(h + '\n' for h in msgs)
    print(f'{len(recs)} records, {len(msgs)} messages')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
