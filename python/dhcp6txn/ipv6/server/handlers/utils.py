"""Helpers for relay handlers. SPDX-License-Identifier: BSD-2-Clause"""
from typing import Any


def echo_option(relay_in: Any, relay_out: Any, option_type: int) -> bool:
    """Copy the options of 'option_type' from an incoming relay-forward to its relay-reply,
    unless the reply has them already (the C bundle echoes Interface-ID and RFC 4994 Echo
    Request options itself when it builds the reply chain). True when anything was added."""
    wanted = [o for o in relay_in.options if o.option_type == option_type]
    if not wanted or any(o.option_type == option_type for o in relay_out.options):
        return False
    for option in wanted:
        relay_out.options.append(option)  # copied: the request stays as it is
    return True
