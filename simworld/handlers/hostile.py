"""Hostile pages (issue 9, finding 8): bodies and scripts built to exhaust a crawler's memory
or hold it forever. Served by the sites of `simworld/hostile/` (see `hostile_world()`).

Every body is generated lazily and streamed; compressed bombs are built once per process.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from functools import lru_cache

from simworld.world import SimRequest, SimResponse, World

#: what a compressed bomb inflates to
BOMB_SIZE = 1024 * 1024 * 1024
BIG_SIZE = 60 * 1024 * 1024
CHUNK = 64 * 1024
HTML = ("Content-Type", "text/html; charset=utf-8")


@lru_cache(maxsize=1)
def _gzip_bomb() -> bytes:
    """1 GiB of spaces inside an HTML shell, gzip-compressed (about 1 MB)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip container
    out = [compressor.compress(b"<html><head><title>\xe8\xaf\x81\xe4\xb9\xa6</title></head><body>")]
    block = b" " * (1024 * 1024)
    for _ in range(BOMB_SIZE // len(block)):
        out.append(compressor.compress(block))
    out.append(compressor.compress(b"</body></html>"))
    out.append(compressor.flush())
    return b"".join(out)


@lru_cache(maxsize=1)
def _brotli_bomb() -> bytes:
    import brotli

    compressor = brotli.Compressor(quality=5)
    out = [compressor.process(b"<html><body>")]
    block = b" " * (1024 * 1024)
    for _ in range(BOMB_SIZE // len(block)):
        out.append(compressor.process(block))
    out.append(compressor.process(b"</body></html>"))
    out.append(compressor.finish())
    return b"".join(out)


def gzip_bomb(request: SimRequest, world: World) -> SimResponse:
    body = _gzip_bomb()
    return SimResponse(200, (HTML, ("Content-Encoding", "gzip")), body)


def brotli_bomb(request: SimRequest, world: World) -> SimResponse:
    body = _brotli_bomb()
    return SimResponse(200, (HTML, ("Content-Encoding", "br")), body)


def _big_chunks() -> Iterator[bytes]:
    head = b"<html><head><title>big</title></head><body>"
    yield head
    sent = len(head)
    filler = b"<p>" + b"y" * (CHUNK - 7) + b"</p>"
    while sent < BIG_SIZE:
        piece = filler[: BIG_SIZE - sent]
        sent += len(piece)
        yield piece


def big_body(request: SimRequest, world: World) -> SimResponse:
    """60 MB of HTML with an honest Content-Length."""
    return SimResponse(200, (HTML, ("Content-Length", str(BIG_SIZE))), b"", stream=_big_chunks)


def _big_unannounced() -> Iterator[bytes]:
    yield from _big_chunks()


def big_chunked(request: SimRequest, world: World) -> SimResponse:
    """60 MB with no Content-Length: only a reader's own limit stops it."""
    return SimResponse(200, (HTML,), b"", stream=_big_unannounced)


def _drip() -> Iterator[bytes]:
    # The proxy pauses 5 ms between chunks: 200 empty chunks make a byte every second.
    yield b"<html><head><title>\xe8\xaf\x81\xe4\xb9\xa6\xe6\x9f\xa5\xe8\xaf\xa2</title></head><body>"
    for _ in range(3600):
        yield b"."
        for _ in range(200):
            yield b""


def slow_drip(request: SimRequest, world: World) -> SimResponse:
    """A byte a second for an hour."""
    return SimResponse(200, (HTML,), b"", stream=_drip)


def redirect_loop(request: SimRequest, world: World) -> SimResponse:
    """/loop/N redirects to /loop/N+1, forever."""
    tail = request.path.rsplit("/", 1)[-1]
    n = int(tail) if tail.isdigit() else 0
    return SimResponse(302, (("Location", f"/loop/{n + 1}"),), b"")


_SCRIPTS = {
    "popups": "for (let i = 0; i < 2000; i++) { window.open('/popup/' + i, '_blank'); }",
    "dom": (
        "const b = document.body; for (let i = 0; i < 400000; i++) {"
        " const d = document.createElement('div'); d.textContent = '证书 ' + i; b.appendChild(d); }"
    ),
    "alerts": "for (;;) { alert('请使用微信扫码'); }",
    "spin": "for (;;) {}",
    "heap": "const hoard = []; for (;;) { hoard.push(new Array(1e6).fill(Math.random())); }",
}


def scripted(request: SimRequest, world: World) -> SimResponse:
    """/js/<name>: a page whose script is one of the hostile loops above."""
    name = request.path.rsplit("/", 1)[-1]
    script = _SCRIPTS.get(name, "")
    body = (
        f"<html><head><title>特种作业操作证查询</title></head><body><h1>证书查询</h1>"
        f"<script>{script}</script></body></html>"
    ).encode()
    return SimResponse(200, (HTML,), body)


def warm_up() -> None:
    """Build the compressed bombs now (seconds of CPU) rather than inside a request."""
    _gzip_bomb()
    _brotli_bomb()


PATHS = (
    "/bomb/gzip",
    "/bomb/br",
    "/big",
    "/big-chunked",
    "/drip",
    "/loop/0",
    *(f"/js/{name}" for name in _SCRIPTS),
)
