"""A forward proxy on 127.0.0.1 in front of Chromium: the egress policy for every connection the
browser opens (issue 9, finding 1).

Playwright routes (crawler.recorder) refuse what Playwright shows them, but Chromium follows a
sub-resource's redirect, and the redirect of a document we fulfilled, without asking any route.
Launched behind this proxy with no loopback bypass, Chromium reaches nothing the policy refuses:
each CONNECT and each plain-HTTP request is checked against what our resolver says its host
resolves to, then sent on to the configured upstream proxy, or straight to the address that
was checked (so a name cannot resolve one way for the check and another for the connection).

A refused destination gets a 403 (Chromium reports a CONNECT refused so as
net::ERR_TUNNEL_CONNECTION_FAILED); the recorder names the hop as blocked by the policy.
One request per client connection: the request goes on with `Connection: close`, so no
connection ever carries requests for two hosts past one check.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import threading
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from core.config import Settings
from core.netpath.egress import EgressRefused, NameResolver

logger = logging.getLogger(__name__)

#: a client must send its request head within this; an upstream must accept within CONNECT_S
HEAD_SECONDS = 30.0
CONNECT_SECONDS = 15.0
#: a relayed connection with no byte either way for this long is closed
IDLE_SECONDS = 120.0
_MAX_HEAD = 64 * 1024
_HOP_HEADERS = {"connection", "keep-alive", "proxy-connection", "proxy-authorization"}


class _BadRequest(ValueError):
    pass


@dataclass(frozen=True)
class _Request:
    method: str
    target: str
    version: str
    headers: tuple[tuple[str, str], ...]
    host: str
    port: int

    @property
    def tunnel(self) -> bool:
        return self.method == "CONNECT"

    @property
    def url(self) -> str:
        """The URL the upstream proxy choice and the log go by."""
        if self.tunnel:
            return f"https://{_bracket(self.host)}:{self.port}/"
        return self.target


def _bracket(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def parse_head(head: bytes) -> _Request:
    """The request line and headers of a proxy request (CONNECT host:port, or absolute http)."""
    lines = head.decode("latin-1").split("\r\n")
    try:
        method, target, version = lines[0].split(" ")
    except ValueError:
        raise _BadRequest(f"malformed request line {lines[0][:80]!r}") from None
    headers = tuple(
        (k.strip(), v.strip()) for k, sep, v in (ln.partition(":") for ln in lines[1:] if ln) if sep
    )
    if method == "CONNECT":
        parts = urlsplit(f"//{target}")
        if not parts.hostname or parts.port is None:
            raise _BadRequest(f"CONNECT needs host:port, got {target[:80]!r}")
        return _Request(method, target, version, headers, parts.hostname, parts.port)
    parts = urlsplit(target)
    if parts.scheme != "http" or not parts.hostname:
        raise _BadRequest(f"not an absolute http:// URL: {target[:80]!r}")
    try:
        port = parts.port or 80
    except ValueError:
        raise _BadRequest(f"bad port in {target[:80]!r}") from None
    return _Request(method, target, version, headers, parts.hostname, port)


def _head(first: str, headers: list[tuple[str, str]]) -> bytes:
    return (first + "\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n").encode(
        "latin-1"
    )


def _answer(status: str, text: str) -> bytes:
    body = text.encode("utf-8")
    return (
        f"HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"X-Zhenwei-Egress: {'refused' if status.startswith('403') else 'failed'}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode("latin-1") + body


class EgressProxy:
    """The proxy, served by a thread of its own (its own event loop) until `close`."""

    def __init__(self, settings: Settings, resolver: NameResolver | None = None) -> None:
        self.settings = settings
        self._resolver = resolver
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self.port = 0
        #: "host (address): why" of every refusal, for the log and the tests
        self.refused: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> str:
        """Starts serving; returns the proxy URL for Chromium."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="egress-proxy", daemon=True)
            self._thread.start()
            self._ready.wait(30)
            if self._error is not None:
                raise RuntimeError(f"egress proxy did not start: {self._error}")
        return self.url

    def close(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is not None and thread is not None and loop.is_running():
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=10)
        self._thread = None

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            if self._resolver is None:
                from core.netpath.dns import Resolver  # dnspython: only where the proxy runs

                self._resolver = Resolver(self.settings)
            self._server = loop.run_until_complete(
                asyncio.start_server(self._serve, "127.0.0.1", 0, limit=_MAX_HEAD)
            )
            self.port = self._server.sockets[0].getsockname()[1]
        except BaseException as exc:  # noqa: BLE001 - reported to start()
            self._error = exc
            self._ready.set()
            loop.close()
            return
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            self._server.close()
            for task in asyncio.all_tasks(loop):
                task.cancel()
            loop.run_until_complete(asyncio.sleep(0))
            loop.close()

    # -- one client connection -------------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), HEAD_SECONDS)
            request = parse_head(head[:-4])
            await self._forward(request, reader, writer)
        except _BadRequest as exc:
            await _send(writer, _answer("400 Bad Request", str(exc)))
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, OSError):
            pass  # the client went away or never finished its head
        except asyncio.CancelledError:
            # The proxy is closing. Not re-raised: Python 3.11's start_server callback reads the
            # task's exception() and logs a traceback for a cancelled connection task.
            pass
        finally:
            writer.close()

    async def _forward(
        self, request: _Request, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        try:
            addresses = await self.settings.egress.acheck_host(request.host, self._resolver)
        except EgressRefused as exc:
            self.refused.append(f"{exc.host} ({exc.address}): {exc.why}")
            logger.warning("browser connection blocked %s: %s", request.url, exc.why)
            await _send(writer, _answer("403 Forbidden", f"blocked by the egress policy: {exc}"))
            return
        upstream = self.settings.proxy.for_url(request.url)
        peer: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None
        try:
            if upstream:
                peer = await self._via_proxy(request, upstream)
            else:
                peer = await self._direct(request, addresses)
        except (OSError, TimeoutError) as exc:
            why = f"{request.host}:{request.port} not reachable: {exc or type(exc).__name__}"
            if request.tunnel:  # Chromium reads a failed CONNECT as ERR_TUNNEL_CONNECTION_FAILED
                await _send(writer, _answer("502 Bad Gateway", why))
            # Over plain HTTP a 502 would be rendered as the site's page; closing unanswered
            # gives the browser its own network error, as a direct connection would.
            logger.debug("browser connection failed %s: %s", request.url, why)
            return
        if peer is None:
            await _send(writer, _answer("502 Bad Gateway", f"{request.host} does not resolve"))
            return
        up_reader, up_writer = peer
        if request.tunnel and not upstream:
            await _send(writer, b"HTTP/1.1 200 Connection Established\r\n\r\n")
        try:
            await _relay(reader, writer, up_reader, up_writer)
        finally:
            up_writer.close()

    async def _direct(
        self, request: _Request, addresses: tuple[str, ...]
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        """Connects to the checked addresses in turn (never to a name: no second lookup)."""
        if not addresses:
            return None
        error: BaseException | None = None
        for address in addresses:
            try:
                up_reader, up_writer = await asyncio.wait_for(
                    asyncio.open_connection(address.strip("[]"), request.port), CONNECT_SECONDS
                )
            except (OSError, TimeoutError) as exc:
                error = exc
                continue
            if not request.tunnel:
                parts = urlsplit(request.target)
                path = parts.path or "/"
                if parts.query:
                    path += "?" + parts.query
                up_writer.write(
                    _head(f"{request.method} {path} {request.version}", _end_to_end(request))
                )
            return up_reader, up_writer
        raise error if error is not None else OSError("no address")

    async def _via_proxy(
        self, request: _Request, upstream: str
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        """Hands the checked request to the unit's proxy, with its credentials if it has any."""
        parts = urlsplit(upstream if "://" in upstream else f"http://{upstream}")
        up_reader, up_writer = await asyncio.wait_for(
            asyncio.open_connection(parts.hostname, parts.port or 80), CONNECT_SECONDS
        )
        headers = _end_to_end(request, close=not request.tunnel)
        if parts.username is not None:
            pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
            token = base64.b64encode(pair.encode()).decode()
            headers.append(("Proxy-Authorization", f"Basic {token}"))
        up_writer.write(_head(f"{request.method} {request.target} {request.version}", headers))
        return up_reader, up_writer


def _end_to_end(request: _Request, *, close: bool = True) -> list[tuple[str, str]]:
    """The request's headers without the hop-by-hop ones; `close`: after one response."""
    kept = [(k, v) for k, v in request.headers if k.lower() not in _HOP_HEADERS]
    return [*kept, ("Connection", "close")] if close else kept


async def _send(writer: asyncio.StreamWriter, data: bytes) -> None:
    try:
        writer.write(data)
        await writer.drain()
    except OSError:
        pass


async def _relay(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    up_reader: asyncio.StreamReader,
    up_writer: asyncio.StreamWriter,
) -> None:
    """Copies both ways until the server side ends (or both sit idle for IDLE_SECONDS)."""

    async def pump(src: asyncio.StreamReader, dst: asyncio.StreamWriter, half: bool) -> None:
        try:
            while data := await asyncio.wait_for(src.read(65536), IDLE_SECONDS):
                dst.write(data)
                await dst.drain()
            if half and dst.can_write_eof():
                dst.write_eof()
        except (OSError, TimeoutError):
            pass

    upward = asyncio.ensure_future(pump(reader, up_writer, True))
    try:
        await pump(up_reader, writer, False)
    finally:
        upward.cancel()
