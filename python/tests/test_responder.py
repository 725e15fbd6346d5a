"""The asyncio responder example (examples/python/dhcp6_responder.py) over loopback: real
DHCPv6 datagrams in, answers checked, process stopped by its PID. Bounded in time.
SPDX-License-Identifier: BSD-2-Clause"""
import os
import pathlib
import select
import signal
import socket
import subprocess
import sys
import time
from ipaddress import IPv6Address

import pytest

from dhcp6txn.ipv6.extensions.prefix_delegation import IAPDOption
from dhcp6txn.ipv6.messages import (AdvertiseMessage, InformationRequestMessage, Message,
                                    RelayForwardMessage, RelayReplyMessage, ReplyMessage,
                                    RequestMessage, SolicitMessage)
from dhcp6txn.ipv6.options import (ClientIdOption, IAAddressOption, IANAOption, InterfaceIdOption,
                                   OptionRequestOption, RapidCommitOption, RelayMessageOption,
                                   ServerIdOption)
from dhcp6txn.ipv6.duids import LinkLayerDUID
from dhcp6txn.ipv6.extensions.dns import RecursiveNameServersOption

EXAMPLE = pathlib.Path(os.environ.get('DHCP6TXN_EXAMPLES') or
                       pathlib.Path(__file__).resolve().parents[2] / 'examples' / 'python') / 'dhcp6_responder.py'
TIMEOUT = 5.0
# Start-up imports cffi and loads the library (under ASan: with the sanitizer preloaded), which
# takes seconds on a busy 2-CPU machine; an answer, once running, still has TIMEOUT.
START_TIMEOUT = 60.0


def _loopback_v6():
    try:
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        s.bind(('::1', 0))
        s.close()
        return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not _loopback_v6(), reason='no IPv6 loopback')


@pytest.fixture(scope='module')
def responder():
    port = int(os.environ.get('DHCP6TXN_RESPONDER_PORT', '0'))  # 0: a free port, reported back
    proc = subprocess.Popen([sys.executable, str(EXAMPLE), '--listen', '::1', '--port', str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        ready, _, _ = select.select([proc.stdout], [], [], START_TIMEOUT)
        line = proc.stdout.readline() if ready else ''
        assert line.startswith('listening on [::1]:'), 'responder did not start: %r' % line
        yield proc, int(line.rsplit(':', 1)[1])
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGTERM)
            try:
                proc.wait(TIMEOUT)
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait()


def ask(port, data):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.bind(('::1', 0))
    s.settimeout(TIMEOUT)
    try:
        s.sendto(data, ('::1', port))
        return Message.parse(s.recv(65535))[1]
    finally:
        s.close()


def silent(port, data, wait=0.5):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.bind(('::1', 0))
    try:
        s.sendto(data, ('::1', port))
        return not select.select([s], [], [], wait)[0]
    finally:
        s.close()


CLIENT = ClientIdOption(LinkLayerDUID(1, bytes.fromhex('020000000001')))


def test_relayed_solicit_with_rapid_commit(responder, w1):
    _, port = responder
    answer = ask(port, w1)
    assert isinstance(answer, RelayReplyMessage) and answer.hop_count == 1
    assert answer.get_option_of_type(InterfaceIdOption).interface_id == b'Gi0/0/0'
    assert answer.relayed_message.get_option_of_type(InterfaceIdOption).interface_id == b'olt1 eth 1/1/5:100'
    reply = answer.inner_message
    assert isinstance(reply, ReplyMessage) and reply.transaction_id == bytes.fromhex('f350d6')
    assert reply.get_option_of_type(RapidCommitOption) is not None
    addr = reply.get_option_of_type(IANAOption).get_option_of_type(IAAddressOption).address
    assert addr in __import__('ipaddress').IPv6Network('2001:db8:1::/64')
    assert reply.get_option_of_type(IAPDOption).options[0].prefix.prefixlen == 56
    assert reply.get_option_of_type(RecursiveNameServersOption).dns_servers == [
        IPv6Address('2001:db8::53'), IPv6Address('2001:db8::5353')]


def test_unrelayed_solicit_without_rapid_commit_gets_advertise(responder):
    _, port = responder
    sol = SolicitMessage(b'\x01\x02\x03', options=[CLIENT, IANAOption(b'\x00\x00\x00\x07')])
    answer = ask(port, bytes(sol))
    assert isinstance(answer, AdvertiseMessage) and answer.transaction_id == b'\x01\x02\x03'
    assert answer.get_option_of_type(ClientIdOption) == CLIENT
    assert answer.get_option_of_type(IANAOption).iaid == b'\x00\x00\x00\x07'


def test_request_and_information_request(responder, w2):
    _, port = responder
    adv = ask(port, bytes(SolicitMessage(b'\x00\x00\x11', options=[CLIENT, IANAOption(b'\x00\x00\x00\x01')])))
    req = RequestMessage(b'\x00\x00\x12', options=[CLIENT, adv.get_option_of_type(ServerIdOption),
                                                    IANAOption(b'\x00\x00\x00\x01')])
    reply = ask(port, bytes(req))
    assert isinstance(reply, ReplyMessage) and reply.transaction_id == b'\x00\x00\x12'
    same = adv.get_option_of_type(IANAOption).get_option_of_type(IAAddressOption).address
    assert reply.get_option_of_type(IANAOption).get_option_of_type(IAAddressOption).address == same
    info = InformationRequestMessage(b'\x00\x00\x13', options=[CLIENT, OptionRequestOption([23])])
    relayed = RelayForwardMessage(0, IPv6Address('2001:db8:5::1'), IPv6Address('fe80::5'), options=[RelayMessageOption(info)])
    answer = ask(port, bytes(relayed))
    inner = answer.relayed_message
    assert isinstance(answer, RelayReplyMessage) and answer.link_address == IPv6Address('2001:db8:5::1')
    assert isinstance(inner, ReplyMessage) and inner.get_option_of_type(IANAOption) is None
    assert inner.get_option_of_type(RecursiveNameServersOption) is not None


def test_garbage_and_server_messages_are_ignored(responder, w2):
    proc, port = responder
    assert silent(port, b'\x01\x00')  # truncated
    assert silent(port, bytes(ReplyMessage(b'\x00\x00\x01')))  # not a client message
    assert isinstance(ask(port, w2), ReplyMessage)  # still answering
    assert proc.poll() is None


def test_stops_on_sigterm(w2):
    proc = subprocess.Popen([sys.executable, str(EXAMPLE), '--listen', '::1', '--port', '0'],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert select.select([proc.stdout], [], [], START_TIMEOUT)[0]
        port = int(proc.stdout.readline().rsplit(':', 1)[1])
        assert isinstance(ask(port, w2), ReplyMessage)
    finally:
        os.kill(proc.pid, signal.SIGTERM)
    assert proc.wait(TIMEOUT) == 0
    assert 'SolicitMessage from 000300013431c43cb2f1' in proc.stdout.read()


def test_renew_keeps_the_address_and_confirm_gets_no_answer(responder):
    _, port = responder
    from dhcp6txn.ipv6.messages import ConfirmMessage, RenewMessage
    from dhcp6txn.ipv6.options import ElapsedTimeOption
    adv = ask(port, bytes(SolicitMessage(b'\x00\x00\x21', options=[CLIENT, IANAOption(b'\x00\x00\x00\x02')])))
    server = adv.get_option_of_type(ServerIdOption)
    renew = RenewMessage(b'\x00\x00\x22', options=[CLIENT, server, ElapsedTimeOption(0),
                                                    IANAOption(b'\x00\x00\x00\x02')])
    reply = ask(port, bytes(renew))
    assert isinstance(reply, ReplyMessage) and reply.get_option_of_type(ServerIdOption) == server
    assert reply.get_option_of_type(IANAOption).get_addresses() == \
        adv.get_option_of_type(IANAOption).get_addresses()
    # RFC 9915 section 18.3.3: a server that cannot tell whether addresses are on-link is silent
    confirm = ConfirmMessage(b'\x00\x00\x23', options=[CLIENT, ElapsedTimeOption(0),
                                                        IANAOption(b'\x00\x00\x00\x02')])
    assert silent(port, bytes(confirm))


def test_the_example_is_made_of_dhcpkit_style_handlers():
    import importlib.util
    from dhcp6txn.ipv6.server.handlers import Handler
    from dhcp6txn.ipv6.server.message_handler import MessageHandler
    spec = importlib.util.spec_from_file_location('dhcp6_responder', EXAMPLE)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mh = mod.make_message_handler(mod.parse_args([]))
    assert isinstance(mh, MessageHandler) and len(mh.sub_handlers) == 4
    for h in mh.sub_handlers:
        assert isinstance(h, Handler)
        assert type(h).handle is not Handler.handle or type(h).pre is not Handler.pre
        assert str(h) == type(h).__name__
    # every import of the example names a dhcpkit module (the port is the package name)
    imports = [line.split()[1] for line in EXAMPLE.read_text().splitlines()
               if line.startswith('from dhcp6txn')]
    assert imports and all(m.startswith('dhcp6txn.ipv6.') for m in imports)
