"""Finding 8 of issue 9 at its root: a main document is read with every byte bounded.

A loopback server of our own serves a gzip bomb, a brotli bomb, an endless chunked body and a
plain page; `fetch_document` must stop each at the bound (inflated size), keep the page whole,
and keep the server's headers for the WARC while fulfilling the browser with decoded bytes.
"""

from __future__ import annotations

import asyncio
import threading
import time
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import brotli
import pytest

from core.config import Settings
from core.netpath.egress import parse_networks
from core.netpath.http import document_client
from crawler.docfetch import Document, fetch_document

CAP = 1024 * 1024
INFLATED = 256 * 1024 * 1024


def _gzip_bomb() -> bytes:
    comp = zlib.compressobj(6, zlib.DEFLATED, 31)
    block = b" " * (1 << 20)
    return b"".join([*(comp.compress(block) for _ in range(INFLATED >> 20)), comp.flush()])


def _br_bomb() -> bytes:
    comp = brotli.Compressor(quality=4)
    block = b" " * (1 << 20)
    return b"".join([*(comp.process(block) for _ in range(INFLATED >> 20)), comp.finish()])


def _serve(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """A loopback HTTP server of `handler` for the fixture that yields from it."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    bodies = {"/gzip": (_gzip_bomb(), "gzip"), "/br": (_br_bomb(), "br")}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802
            if self.path in bodies:
                body, enc = bodies[self.path]
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Encoding", enc)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            elif self.path == "/endless":
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Connection", "close")
                self.end_headers()
                try:
                    for _ in range(10_000):  # 640 MB at most, unless the client hangs up
                        self.wfile.write(b"x" * 65536)
                except OSError:
                    pass
            else:
                body = "<html><title>页面</title></html>".encode("gbk")
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=gbk")
                self.send_header("Set-Cookie", "a=1")
                self.send_header("Set-Cookie", "b=2")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    yield from _serve(Handler)


def _fetch(url: str, seconds: float | None = None, timeout: float = 30) -> Document:
    settings = Settings(allow_networks=parse_networks("127.0.0.0/8"))

    async def go() -> Document:
        async with document_client(settings, timeout=timeout) as client:
            return await fetch_document(
                client, "GET", url, {"user-agent": "t"}, None, CAP, seconds=seconds
            )

    return asyncio.run(go())


@pytest.mark.parametrize("path", ["/gzip", "/br", "/endless"])
def test_bombs_and_endless_bodies_stop_at_the_bound(server: str, path: str) -> None:
    doc = _fetch(server + path)
    assert doc.status == 200 and doc.truncated
    assert 0 < len(doc.body) <= CAP
    assert set(doc.body) <= {ord(" "), ord("x")}


def test_a_page_is_kept_whole_with_the_servers_headers(server: str) -> None:
    doc = _fetch(server + "/page")
    assert not doc.truncated
    assert doc.body == "<html><title>页面</title></html>".encode("gbk")  # the server's bytes
    assert doc.header("content-type") == "text/html; charset=gbk"
    fulfil = doc.fulfil_headers()
    assert fulfil["set-cookie"] == "a=1\nb=2" and "content-length" not in fulfil


def test_the_document_client_obeys_the_egress_policy() -> None:
    import httpx

    async def go() -> None:
        async with document_client(Settings(), timeout=5) as client:
            await fetch_document(client, "GET", "http://127.0.0.2:9/", {}, None, CAP)

    with pytest.raises(httpx.ConnectError, match="egress policy"):
        asyncio.run(go())


@pytest.fixture(scope="module")
def drip() -> Iterator[str]:
    """`/body` sends its headers, then a byte a second; `/head` never finishes its headers."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802
            try:
                if self.path == "/head":
                    self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                    for _ in range(60):
                        self.wfile.write(b"X: y\r\n")
                        self.wfile.flush()
                        time.sleep(0.5)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(b"<html><title>drip</title>")
                for _ in range(60):
                    self.wfile.flush()
                    time.sleep(0.5)
                    self.wfile.write(b".")
            except OSError:
                pass

        def log_message(self, *args: object) -> None:
            pass

    yield from _serve(Handler)


def test_a_dripping_body_is_cut_at_the_deadline_with_what_came(drip: str) -> None:
    started = time.monotonic()
    doc = _fetch(drip + "/body", seconds=2.0, timeout=5)  # each read is within 5 s
    assert time.monotonic() - started < 6
    assert doc.status == 200 and doc.truncated and doc.timed_out
    assert doc.body.startswith(b"<html><title>drip</title>")


def test_headers_that_never_end_fail_at_the_deadline(drip: str) -> None:
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        _fetch(drip + "/head", seconds=2.0, timeout=5)
    assert time.monotonic() - started < 6
