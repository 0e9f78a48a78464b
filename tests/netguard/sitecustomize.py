"""Keeps test processes on loopback: any socket to an address outside 127.0.0.0/8 or ::1 fails.

Loaded in-process by tests/conftest.py and, through PYTHONPATH, by every Python subprocess a
test starts (the CLI, Scrapy crawls), so no routine test can reach the real network.
"""

from __future__ import annotations

import importlib.abc
import ipaddress
import socket
import sys
from collections.abc import Callable
from typing import Any

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


def _check_dns_servers(servers: object) -> None:
    for server in servers or ():  # type: ignore[attr-defined]
        text = server.decode() if isinstance(server, bytes) else str(server)
        host = text.rsplit(":", 1)[0] if text.count(":") == 1 or text.startswith("[") else text
        if not _allowed_host(host.split("%")[0]):
            raise NetworkGuardError(f"network guard: DNS server {text!r} refused in tests")


def _guard_pycares(module: Any) -> None:
    """c-ares opens its sockets in C, below this guard: its servers are checked instead, and
    a channel must be given them (never its own reading of /etc/resolv.conf)."""
    channel = module.Channel
    real_init = channel.__init__
    servers_property = channel.servers

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        self._channel = None  # what pycares' __del__ reads of a channel never made
        if not kwargs.get("servers"):
            raise NetworkGuardError("network guard: a c-ares channel without servers in tests")
        _check_dns_servers(kwargs["servers"])
        real_init(self, *args, **kwargs)

    def set_servers(self: Any, servers: Any) -> None:
        _check_dns_servers(servers)
        servers_property.fset(self, servers)

    channel.__init__ = init
    channel.servers = property(servers_property.fget, set_servers)


def _then(run: Callable[[Any], None], patch: Callable[[Any], None]) -> Callable[[Any], None]:
    def exec_module(module: Any) -> None:
        run(module)
        patch(module)

    return exec_module


class _GuardOnImport(importlib.abc.MetaPathFinder):
    """Patches a module when it is first imported (importing pycares here would cost every
    test subprocess ~50 ms)."""

    def __init__(self, name: str, patch: Callable[[Any], None]) -> None:
        self.name, self.patch = name, patch

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname != self.name:
            return None
        others = [f for f in sys.meta_path if f is not self]
        for finder in others:
            spec = finder.find_spec(fullname, path, target)  # type: ignore[attr-defined]
            if spec is not None and spec.loader is not None:
                spec.loader.exec_module = _then(spec.loader.exec_module, self.patch)
                return spec
        return None


def install() -> None:
    socket.socket.connect = _connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _connect_ex  # type: ignore[method-assign]
    socket.socket.sendto = _sendto  # type: ignore[method-assign,assignment]
    socket.getaddrinfo = _getaddrinfo  # type: ignore[assignment]
    if "pycares" in sys.modules:
        _guard_pycares(sys.modules["pycares"])
    else:
        sys.meta_path.insert(0, _GuardOnImport("pycares", _guard_pycares))


install()
