"""The guard really refuses non-loopback traffic, in-process and in subprocesses."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest


def test_connect_outside_loopback_is_refused() -> None:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(OSError, match="network guard"):
            s.connect(("192.0.2.1", 80))
    finally:
        s.close()


def test_udp_sendto_outside_loopback_is_refused() -> None:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        with pytest.raises(OSError, match="network guard"):
            s.sendto(b"x", ("198.51.100.7", 53))
    finally:
        s.close()


def test_system_resolver_is_refused() -> None:
    with pytest.raises(socket.gaierror, match="network guard"):
        socket.getaddrinfo("cx.mem.gov.cn", 80)


def test_loopback_is_allowed() -> None:
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    c = socket.create_connection(srv.getsockname(), timeout=2)
    c.close()
    srv.close()


def test_subprocesses_are_guarded_too() -> None:
    code = (
        "import socket\n"
        "try:\n"
        "    socket.create_connection(('203.0.113.9', 80), timeout=1)\n"
        "except OSError as e:\n"
        "    print('refused' if 'network guard' in str(e) else 'other:' + str(e))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert out.stdout.strip() == "refused", out.stdout + out.stderr
