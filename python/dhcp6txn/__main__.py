"""python3 -m dhcp6txn [-f text|json|hex] [--validate] FILE.pcap ...: every DHCPv6 message in
pcap/pcapng captures, printed as dhcp6txn-decode -i pcap prints it (the same text tree, JSON
line or re-encoded hex, the same "# message N: FILE: packet P (...)" headers and rejections).
Exit status: 0, 1 when a message was rejected, invalid (--validate) or not re-encoded equal
(-f hex), 2 when a file cannot be read.
SPDX-License-Identifier: BSD-2-Clause
"""
import argparse
import json
import signal
import sys
from typing import List, Optional

from ._elements import Message
from ._lib import ParseError, ffi, lib
from .pcap import CaptureError, Found, Walker, packets

PROG = 'dhcp6txn-decode'  # the messages on stderr are the C tool's


class Decoder:
    def __init__(self, fmt: str, validate: bool) -> None:
        self.fmt, self.validate = fmt, validate
        self.msgno = 0
        self.failed = False

    def _err(self, where: str, text: str) -> None:
        print('%s: %s: %s' % (PROG, where, text), file=sys.stderr)

    def _header(self, where: str) -> None:
        if self.msgno > 1:
            print()
        print('# message %d: %s' % (self.msgno, where))

    def reject(self, where: str, offset: int, reason: str) -> None:
        self.msgno += 1
        self.failed = True
        self._err(where, 'message %d: rejected at byte offset %d: %s' % (self.msgno, offset, reason))
        if self.fmt == 'text':
            self._header(where)
            print('rejected at byte offset %d: %s' % (offset, reason))
        elif self.fmt == 'json':
            print('{"error": %s, "offset": %d}' % (json.dumps(reason), offset))
        else:
            print()

    def message(self, where: str, data: bytes) -> None:
        try:
            msg = Message.parse(data)[1]
        except ParseError as e:
            reason = e.reason or ffi.string(lib.d6t_strerror(e.status)).decode()
            self.reject(where, e.offset or 0, '%s (%s)' % (reason, e.status_name))
            return
        self.msgno += 1
        if self.fmt == 'text':
            self._header(where)
            sys.stdout.write(msg._text(lib.d6t_msg_to_text))
        elif self.fmt == 'json':
            print(msg.to_json())
        else:
            self._hex(where, msg, data)
        if self.validate:
            found = msg.violations()
            for _, at, what in found:
                self._err(where, 'message %d: invalid: %s: %s' % (self.msgno, at, what))
            self.failed = self.failed or bool(found)

    def _hex(self, where: str, msg: Message, data: bytes) -> None:
        try:
            out = msg.save()
        except ValueError:
            print()
            self._err(where, 'message %d: cannot be re-encoded' % self.msgno)
            self.failed = True
            return
        print(out.hex())
        if out != data:
            i = next((i for i, (a, b) in enumerate(zip(out, data)) if a != b), min(len(out), len(data)))
            self._err(where, 'message %d: re-encoded bytes differ from the input at byte offset %d'
                      % (self.msgno, i))
            self.failed = True

    def capture(self, path: str) -> bool:
        """False when the file cannot be read as a capture."""
        number = 0
        where = path


        def place(detail: str) -> str:
            return '%s (%s)' % (where, detail) if detail else where

        def note(text: str, detail: str) -> None:
            print('%s: %s: note: %s' % (PROG, place(detail), text), file=sys.stderr)

        def fail(text: str, detail: str) -> None:
            self._err(place(detail), text)
            self.failed = True

        def emit(found: List[Found]) -> None:
            for detail, payload, offset, reason in found:
                here = '%s (%s)' % (where, detail)
                if payload is None:
                    self.reject(here, offset, reason)
                else:
                    self.message(here, payload)
        walker = Walker(note, fail)
        ok = True
        try:
            with open(path, 'rb') as f:
                for link, data, wirelen in packets(f):
                    number += 1
                    where = '%s: packet %d' % (path, number)
                    emit(walker.frame(link, data, wirelen))
        except (OSError, CaptureError) as e:
            print('%s: %s: %s' % (PROG, path, e), file=sys.stderr)
            ok = False
        emit(walker.finish())
        return ok


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog='python3 -m dhcp6txn', description=__doc__.split('\n')[0])
    ap.add_argument('-f', dest='fmt', choices=('text', 'json', 'hex'), default='text')
    ap.add_argument('--validate', action='store_true', help='report RFC violations on stderr')
    ap.add_argument('files', nargs='+', metavar='FILE.pcap')
    args = ap.parse_args(argv)
    if hasattr(signal, 'SIGPIPE'):  # `| head` ends the output quietly, as with the C tool
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    dec = Decoder(args.fmt, args.validate)
    io_error = False
    for path in args.files:
        io_error = not dec.capture(path) or io_error
    sys.stdout.flush()
    return 2 if io_error else 1 if dec.failed else 0


if __name__ == '__main__':
    sys.exit(main())
