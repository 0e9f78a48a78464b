"""The HTTP(S) forward proxy in front of every simulated site.

http:// arrives in absolute form, https:// as CONNECT (TLS terminated here with the site's
certificate); both then go through `World.plan`. Requests in origin form (a direct GET with
a Host header) are served the same way. Keep-alive with Content-Length throughout.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import formatdate
from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

from simworld.certs import CertStore
from simworld.requestlog import RequestLog
from simworld.world import HANG, SimRequest, SimResponse, World, normalize_host

log = logging.getLogger(__name__)
STREAM_PAUSE = 0.005  # between chunks of a streamed body: a huge page arrives slowly
MAX_BODY = 16 * 1024 * 1024
NO_BODY_STATUS = {204, 304}


@dataclass(frozen=True)
class Fault:
    """A failure injected at run time for one site (all its hosts)."""

    status: int | None = None
    hang: bool = False
    down: bool = False


class _ClientGone(Exception):
    """The client closed the connection or sent something we cannot parse."""


def _error(status: int, reason: str, message: str) -> SimResponse:
    return SimResponse(
        status,
        (("Content-Type", "text/plain; charset=utf-8"), ("X-Simnet-Error", reason)),
        message.encode(),
    )


class Proxy:
    def __init__(
        self, world: World, certs: CertStore, requestlog: RequestLog, faults: Mapping[str, Fault]
    ) -> None:
        self.world = world
        self.certs = certs
        self.log = requestlog
        self.faults = faults
        self.server: asyncio.Server | None = None
        self.port = 0
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self, host: str = "127.0.0.1") -> None:
        self.server = await asyncio.start_server(self._handle, host, 0, limit=256 * 1024)
        self.port = self.server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await self._serve(reader, writer, tunnel=None, scheme="http")
        except (_ClientGone, ConnectionError, asyncio.IncompleteReadError, ssl.SSLError):
            pass  # the client hung up: nothing left to answer
        finally:
            self._tasks.discard(task)
            writer.close()

    async def _serve(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        tunnel: str | None,
        scheme: str,
    ) -> None:
        while True:
            head = await _read_head(reader)
            if head is None:
                return
            method, target, version, headers = head
            if method == "CONNECT" and tunnel is None:
                await self._connect(reader, writer, target, headers)
                return
            if target.startswith(("http://", "https://")):
                parts = urlsplit(target)
                req_scheme, host = parts.scheme, parts.hostname or ""
                path, raw_query = parts.path or "/", parts.query
            else:
                req_scheme = scheme
                host = headers.get("host", "") or (tunnel or "")
                path, _, raw_query = target.partition("?")
            host = normalize_host(host)
            if headers.get("expect", "").lower() == "100-continue":
                writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            body = await _read_body(reader, headers)
            conn = headers.get("connection", headers.get("proxy-connection", "")).lower()
            keep = "close" not in conn and (version == "HTTP/1.1" or "keep-alive" in conn)
            req = SimRequest(
                method,
                req_scheme,
                host,
                path,
                parse_qs(raw_query, keep_blank_values=True),
                headers,
                body,
                raw_query,
            )
            keep = await self._answer(writer, req, keep) and keep
            if not keep:
                return

    async def _connect(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        target: str,
        headers: Mapping[str, str],
    ) -> None:
        host_s, _, port_s = target.rpartition(":")
        host = normalize_host(host_s or target)
        port = int(port_s) if port_s.isdigit() else 443
        site = self.world.site_for(host)
        scheme = "https" if port == 443 else "http"
        fault = self._fault(host)
        error: SimResponse | None = None
        if site is None or scheme not in site.schemes or port not in (80, 443):
            error = _error(502, "unresolvable", f"simnet: cannot resolve {host}")
        elif fault is not None and fault.down:
            error = _error(502, "down", f"simnet: {host} is down")
        self.log.add(
            "connect",
            host,
            "CONNECT",
            target,
            headers.get("user-agent", ""),
            error.status if error else 200,
        )
        if error is not None or site is None:
            await _write(
                writer, error or _error(502, "unresolvable", ""), keep=False, head_only=False
            )
            return
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        await writer.drain()
        if scheme == "https":
            ctx = self.certs.context_for(site)
            try:
                await writer.start_tls(ctx, ssl_handshake_timeout=15)
            except (ssl.SSLError, ConnectionError, OSError, TimeoutError) as exc:
                log.debug("TLS handshake for %s failed: %s", host, exc)
                return  # e.g. the client rejected an untrusted or expired certificate
        await self._serve(reader, writer, tunnel=host, scheme=scheme)

    def _fault(self, host: str) -> Fault | None:
        site = self.world.site_for(host)
        return self.faults.get(site.host if site else host) or self.faults.get(host)

    async def _answer(self, writer: asyncio.StreamWriter, req: SimRequest, keep: bool) -> bool:
        """Write the response; False when the connection must close."""
        site = self.world.site_for(req.host)
        fault = self._fault(req.host)
        delay = 0.0
        resp: SimResponse | str
        if site is None or req.scheme not in site.schemes:
            resp = _error(502, "unresolvable", f"simnet: cannot resolve {req.host}")
        elif fault is not None and fault.down:
            resp = _error(502, "down", f"simnet: {req.host} is down")
        elif fault is not None and fault.hang:
            resp = HANG
        elif fault is not None and fault.status is not None:
            resp = _error(fault.status, "fault", f"simnet: injected {fault.status}")
        else:
            try:
                delay, resp = self.world.plan(req)
            except Exception:  # a broken handler must not take the whole proxy down
                log.exception("Handler failed for %s %s", req.host, req.path)
                resp = _error(500, "handler", "simnet: handler failed")
        path = req.path + ("?" + req.raw_query if req.raw_query else "")
        status = None if isinstance(resp, str) else resp.status
        self.log.add(
            "https" if req.scheme == "https" else "http",
            req.host,
            req.method,
            path,
            req.user_agent,
            status,
        )
        if delay:
            await asyncio.sleep(delay)
        if isinstance(resp, str):
            await asyncio.Event().wait()  # hang until the client gives up or we stop
            return False
        return await _write(writer, resp, keep, head_only=req.method == "HEAD")


async def _read_head(reader: asyncio.StreamReader) -> tuple[str, str, str, dict[str, str]] | None:
    try:
        data = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        if exc.partial.strip():
            raise _ClientGone("truncated request") from exc
        return None
    except asyncio.LimitOverrunError as exc:
        raise _ClientGone("request head too large") from exc
    lines = data.decode("latin-1").lstrip("\r\n").split("\r\n")
    try:
        method, target, version = lines[0].split(" ", 2)
    except ValueError as exc:
        raise _ClientGone(f"bad request line {lines[0]!r}") from exc
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if not line:
            continue
        name, _, value = line.partition(":")
        key = name.strip().lower()
        headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
    return method.upper(), target, version.upper(), headers


async def _read_body(reader: asyncio.StreamReader, headers: Mapping[str, str]) -> bytes:
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = bytearray()
        while True:
            size = int((await reader.readline()).split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                    pass
                return bytes(body)
            body += await reader.readexactly(size)
            await reader.readexactly(2)
            if len(body) > MAX_BODY:
                raise _ClientGone("request body too large")
    length = int(headers.get("content-length", "0") or 0)
    if length > MAX_BODY:
        raise _ClientGone("request body too large")
    return await reader.readexactly(length) if length else b""


async def _write(
    writer: asyncio.StreamWriter, resp: SimResponse, keep: bool, head_only: bool
) -> bool:
    try:
        phrase = HTTPStatus(resp.status).phrase
    except ValueError:
        phrase = "Unknown"
    names = {k.lower() for k, _ in resp.headers}
    headers = list(resp.headers)
    if "date" not in names:
        headers.append(("Date", formatdate(usegmt=True)))
    if "server" not in names:
        headers.append(("Server", "nginx"))
    if resp.stream is None and resp.status not in NO_BODY_STATUS and "content-length" not in names:
        headers.append(("Content-Length", str(len(resp.body))))
    if resp.stream is not None and "content-length" not in names:
        keep = False  # the end of the body is the end of the connection
    headers = [(k, v) for k, v in headers if k.lower() not in ("connection", "keep-alive")]
    headers.append(("Connection", "keep-alive" if keep else "close"))
    head = f"HTTP/1.1 {resp.status} {phrase}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers)
    writer.write(head.encode("utf-8") + b"\r\n")  # raw UTF-8, as sloppy servers send
    if not head_only and resp.status not in NO_BODY_STATUS:
        if resp.stream is None:
            writer.write(resp.body)
        else:
            for chunk in resp.stream():
                writer.write(chunk)
                await writer.drain()
                await asyncio.sleep(STREAM_PAUSE)
    await writer.drain()
    return keep
