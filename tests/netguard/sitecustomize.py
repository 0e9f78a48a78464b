"""Keeps test processes on loopback: any socket to an address outside 127.0.0.0/8 or ::1 fails.

Loaded in-process by tests/conftest.py and, through PYTHONPATH, by every Python subprocess a
test starts (the CLI, Scrapy crawls), so no routine test can reach the real network.
"""

from __future__ import annotations

import ipaddress
import socket

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_sendto = socket.socket.sendto
_real_getaddrinfo = socket.getaddrinfo


class NetworkGuardError(OSError):
    """A test tried to reach beyond the loopback network."""


def _allowed_host(host: object) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = str(host).strip("[]").lower()
    if host in ("localhost", "localhost.localdomain", ""):
        return True
    try:
        ip = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback or ip.is_unspecified


def _check(sock: socket.socket, address: object) -> None:
    if sock.family not in (socket.AF_INET, socket.AF_INET6):
        return  # unix sockets, netlink
    host = address[0] if isinstance(address, tuple) else address
    if not _allowed_host(host):
        raise NetworkGuardError(f"network guard: connection to {address!r} refused in tests")


def _connect(self: socket.socket, address: object) -> None:
    _check(self, address)
    return _real_connect(self, address)  # type: ignore[arg-type]


def _connect_ex(self: socket.socket, address: object) -> int:
    _check(self, address)
    return _real_connect_ex(self, address)  # type: ignore[arg-type]


def _sendto(self: socket.socket, data: bytes, *args: object) -> int:
    address = args[-1]
    _check(self, address)
    return _real_sendto(self, data, *args)  # type: ignore[arg-type]


def _getaddrinfo(host: object, *args: object, **kwargs: object) -> list:  # type: ignore[type-arg]
    # Names are only resolved through our own DNS server (dnspython), never the system's.
    if not _allowed_host(host):
        raise socket.gaierror(
            socket.EAI_NONAME, f"network guard: {host!r} is not resolvable in tests"
        )
    return _real_getaddrinfo(host, *args, **kwargs)  # type: ignore[arg-type]


def install() -> None:
    socket.socket.connect = _connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _connect_ex  # type: ignore[method-assign]
    socket.socket.sendto = _sendto  # type: ignore[method-assign,assignment]
    socket.getaddrinfo = _getaddrinfo  # type: ignore[assignment]


install()
