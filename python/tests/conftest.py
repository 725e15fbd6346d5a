"""Shared fixtures for the dhcp6txn binding tests (run by `meson test --suite python`).
SPDX-License-Identifier: BSD-2-Clause"""
import os
import pathlib

import pytest

DATA = pathlib.Path(__file__).parent / 'data'


def hexfile(name):
    return bytes.fromhex(''.join((DATA / (name + '.hex')).read_text().split()))


@pytest.fixture
def w1():
    return hexfile('w1')


@pytest.fixture
def w2():
    return hexfile('w2')


@pytest.fixture
def w3():
    return hexfile('w3')


@pytest.fixture
def w3r():
    return hexfile('w3r')


def env_dir(name):
    path = os.environ.get(name)
    return pathlib.Path(path) if path else None
