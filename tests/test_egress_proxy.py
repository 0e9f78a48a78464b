"""The egress proxy in front of Chromium (core/netpath/egressproxy.py), on real sockets.

Only 127.0.0.1/32 is allowed; our own listeners on 127.0.0.1 (allowed) and 127.0.0.2 (refused)
count connections, so a refusal is proved by a listener that saw none. Names resolve through
a table of our own (the policy's resolver protocol), never through the system.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from core.config import ProxySettings, Settings
from core.netpath.egress import parse_networks
from core.netpath.egressproxy import EgressProxy

NAMES = {"good-name.test": ("127.0.0.1",), "evil-name.test": ("127.0.0.2",)}


class TableResolver:
    def addresses(self, host: str) -> tuple[str, ...]:
        return NAMES.get(host, ())

    async def aaddresses(self, host: str) -> tuple[str, ...]:
        return NAMES.get(host, ())


@dataclass
class Listener:
    """Answers every connection with one HTTP response naming what it was asked."""

    host: str
    heads: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.sock = socket.create_server((self.host, 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                head = data.split(b"\r\n\r\n")[0].decode("latin-1")
                self.heads.append(head)
                body = f"{self.host} saw {head.splitlines()[0] if head else ''}".encode()
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s"
                    % (len(body), body)
                )

    def close(self) -> None:
        self.sock.close()


@pytest.fixture()
def listeners() -> Iterator[dict[str, Listener]]:
    made = {"ok": Listener("127.0.0.1"), "inner": Listener("127.0.0.2")}
    yield made
    for listener in made.values():
        listener.close()


def _proxy(settings: Settings) -> EgressProxy:
    proxy = EgressProxy(settings, TableResolver())
    proxy.start()
    return proxy


def _allowed(**kw: object) -> Settings:
    return Settings(allow_networks=parse_networks("127.0.0.1/32"), **kw)  # type: ignore[arg-type]


def _exchange(proxy: EgressProxy, head: str, then: str = "") -> bytes:
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=10) as sock:
        sock.sendall(head.encode())
        out = b""
        if then:
            while b"\r\n\r\n" not in out:
                chunk = sock.recv(4096)
                if not chunk:
                    return out
                out += chunk
            if not out.startswith(b"HTTP/1.1 200"):
                return out
            sock.sendall(then.encode())
        while chunk := sock.recv(65536):
            out += chunk
        return out


def test_a_plain_request_to_an_allowed_address_goes_through_in_origin_form(
    listeners: dict[str, Listener],
) -> None:
    proxy = _proxy(_allowed())
    try:
        port = listeners["ok"].port
        out = _exchange(
            proxy,
            f"GET http://good-name.test:{port}/x?y=1 HTTP/1.1\r\nHost: good-name.test:{port}\r\n"
            "Proxy-Connection: keep-alive\r\n\r\n",
        )
    finally:
        proxy.close()
    assert out.startswith(b"HTTP/1.1 200") and out.endswith(b"saw GET /x?y=1 HTTP/1.1")
    head = listeners["ok"].heads[0].lower()
    assert "connection: close" in head and "proxy-connection" not in head


@pytest.mark.parametrize("host", ["127.0.0.2", "evil-name.test", "[::1]", "0.0.0.0", "10.1.2.3"])
def test_refused_destinations_never_see_a_connection(
    listeners: dict[str, Listener], host: str
) -> None:
    proxy = _proxy(_allowed())
    port = listeners["inner"].port
    try:
        plain = _exchange(proxy, f"GET http://{host}:{port}/secret HTTP/1.1\r\nHost: x\r\n\r\n")
        tunnel = _exchange(proxy, f"CONNECT {host}:{port} HTTP/1.1\r\nHost: x\r\n\r\n")
    finally:
        proxy.close()
    for out in (plain, tunnel):
        assert out.startswith(b"HTTP/1.1 403") and b"egress policy" in out
    assert listeners["inner"].heads == []
    assert len(proxy.refused) == 2 and "127.0.0.1" not in proxy.refused[0]


def test_a_tunnel_to_an_allowed_address_carries_the_bytes(listeners: dict[str, Listener]) -> None:
    proxy = _proxy(_allowed())
    port = listeners["ok"].port
    try:
        out = _exchange(
            proxy,
            f"CONNECT good-name.test:{port} HTTP/1.1\r\nHost: good-name.test:{port}\r\n\r\n",
            then="GET /inside HTTP/1.1\r\nHost: good-name.test\r\n\r\n",
        )
    finally:
        proxy.close()
    assert out.startswith(b"HTTP/1.1 200 Connection Established")
    assert out.endswith(b"saw GET /inside HTTP/1.1")


def test_the_units_proxy_gets_only_what_passed_with_its_credentials(
    listeners: dict[str, Listener],
) -> None:
    upstream = f"http://unit:s%40cret@127.0.0.1:{listeners['ok'].port}"
    settings = _allowed(proxy=ProxySettings(http=upstream, https=upstream))
    proxy = _proxy(settings)
    inner = listeners["inner"].port
    try:
        through = _exchange(proxy, "GET http://good-name.test/page HTTP/1.1\r\nHost: g\r\n\r\n")
        refused = _exchange(
            proxy, f"GET http://evil-name.test:{inner}/ HTTP/1.1\r\nHost: e\r\n\r\n"
        )
    finally:
        proxy.close()
    assert through.endswith(b"saw GET http://good-name.test/page HTTP/1.1")  # absolute form
    assert "proxy-authorization: basic dw5pddpzqgnyzxq=" in listeners["ok"].heads[0].lower()
    assert refused.startswith(b"HTTP/1.1 403") and len(listeners["ok"].heads) == 1


def test_bad_requests_and_unknown_names_get_an_answer_not_a_hang() -> None:
    proxy = _proxy(_allowed())
    try:
        bad = _exchange(proxy, "NONSENSE\r\n\r\n")
        relative = _exchange(proxy, "GET /relative HTTP/1.1\r\nHost: x\r\n\r\n")
        unknown = _exchange(proxy, "GET http://nowhere.test/ HTTP/1.1\r\nHost: x\r\n\r\n")
    finally:
        proxy.close()
    assert bad.startswith(b"HTTP/1.1 400") and relative.startswith(b"HTTP/1.1 400")
    assert unknown.startswith(b"HTTP/1.1 502") and b"does not resolve" in unknown


def test_an_unreachable_origin_is_a_network_error_not_a_page() -> None:
    # A port nobody listens on: bound, then closed, so a connection to it is refused.
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    proxy = _proxy(_allowed())
    try:
        plain = _exchange(proxy, f"GET http://127.0.0.1:{port}/ HTTP/1.1\r\nHost: x\r\n\r\n")
        tunnel = _exchange(proxy, f"CONNECT 127.0.0.1:{port} HTTP/1.1\r\nHost: x\r\n\r\n")
    finally:
        proxy.close()
    # plain HTTP: no answer at all (Chromium: ERR_EMPTY_RESPONSE), never a 502 page to render
    assert plain == b""
    assert tunnel.startswith(b"HTTP/1.1 502") and b"not reachable" in tunnel
