"""A main document fetched for the browser with every byte bounded (issue 9, finding 8).

Playwright's route.fetch() buffers and inflates a whole body in its driver: a 1 GiB gzip or
brotli bomb took the driver past a gigabyte. Here the body is streamed, inflated
incrementally with an output bound, and cut at `max_bytes`; the browser is then fulfilled
with what was kept (a truncated document still renders and is still evidence).
"""

from __future__ import annotations

import asyncio
import zlib
from dataclasses import dataclass
from typing import Any

import brotli
import httpx

#: request headers the client sets itself (or that describe the browser's own connection)
_SKIP_REQUEST = {"host", "content-length", "connection", "keep-alive", "accept-encoding",
                 "proxy-connection", "transfer-encoding", "upgrade"}  # fmt: skip
#: response headers that no longer describe the (inflated, possibly cut) body we fulfil with
_SKIP_RESPONSE = {"content-encoding", "content-length", "transfer-encoding", "connection"}


class _Inflater:
    """Incremental, output-bounded decoding of one Content-Encoding."""

    def __init__(self, encoding: str, limit: int) -> None:
        self.limit = limit
        self.size = 0
        enc = encoding.strip().lower()
        self._zlib = None
        self._br = None
        if enc in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif enc == "deflate":
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS)
        elif enc == "br":
            self._br = brotli.Decompressor()
        elif enc not in ("", "identity"):
            raise ValueError(f"unsupported Content-Encoding {encoding!r}")

    def feed(self, data: bytes) -> tuple[bytes, bool]:
        """(inflated bytes, True when the bound is reached: stop reading)."""
        room = self.limit - self.size + 1
        full = False
        if self._zlib is not None:
            out = self._zlib.decompress(data, room)
            full = bool(self._zlib.unconsumed_tail)
        elif self._br is not None:
            out = self._br.process(data, output_buffer_limit=room)
            full = len(out) >= room or not self._br.can_accept_more_data()
        else:
            out = data[:room]
        self.size += len(out)
        return out, full or self.size > self.limit


@dataclass(frozen=True)
class Document:
    status: int
    #: the server's headers, as sent (for the WARC)
    headers: tuple[tuple[str, str], ...]
    body: bytes
    truncated: bool
    #: the body stopped at the deadline, not at its end (a drip feed)
    timed_out: bool = False

    def header(self, name: str) -> str:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), "")

    def fulfil_headers(self) -> dict[str, str]:
        """Headers for route.fulfill: Set-Cookie values joined by newlines (Playwright's form)."""
        out: dict[str, str] = {}
        for key, value in self.headers:
            low = key.lower()
            if low in _SKIP_RESPONSE:
                continue
            sep = "\n" if low == "set-cookie" else ", "
            out[low] = f"{out[low]}{sep}{value}" if low in out else value
        return out


async def fetch_document(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    headers: dict[str, str],
    body: bytes | None,
    max_bytes: int,
    seconds: float | None = None,
) -> Document:
    """Fetch one document (no redirect followed), its inflated body cut at `max_bytes`.

    `seconds` bounds the whole fetch: the client's timeout is per read, and a server dripping a
    byte a second never trips it. Headers not in by then raise TimeoutError; a body still
    arriving is cut there (`timed_out`): what came is the document.
    Raises httpx.HTTPError (or ValueError for an encoding we cannot decode): the caller lets
    the browser try itself.
    """
    deadline = None if seconds is None else asyncio.get_running_loop().time() + seconds
    sent = {
        k: v for k, v in headers.items() if k.lower() not in _SKIP_REQUEST and not k.startswith(":")
    }
    sent["accept-encoding"] = "gzip, deflate, br"
    request = client.build_request(method, url, headers=sent, content=body or None)
    async with asyncio.timeout_at(deadline):
        response = await client.send(request, stream=True)
    try:
        inflater = _Inflater(response.headers.get("content-encoding", ""), max_bytes)
        chunks: list[bytes] = []
        truncated = timed_out = False
        raw = 0
        try:
            async with asyncio.timeout_at(deadline):
                async for chunk in response.aiter_raw():
                    raw += len(chunk)
                    out, full = inflater.feed(chunk)
                    chunks.append(out)
                    if full or raw > max_bytes:
                        truncated = True
                        break
        except TimeoutError:
            truncated = timed_out = True
        data = b"".join(chunks)[:max_bytes]
        return Document(response.status_code, _raw_headers(response), data, truncated, timed_out)
    finally:
        await response.aclose()


def _raw_headers(response: Any) -> tuple[tuple[str, str], ...]:
    return tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw)
