"""Hostile-site behaviours that need code: a huge body and a forced download."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

from simworld.world import SimRequest, SimResponse, World

HUGE_SIZE = 200 * 1024 * 1024
CHUNK = 64 * 1024


def _huge_chunks() -> Iterator[bytes]:
    head = b"<html><head><title>loading</title></head><body>"
    yield head
    filler = b"<p>" + b"x" * (CHUNK - 7) + b"</p>"
    sent = len(head)
    while sent < HUGE_SIZE:
        piece = filler[: HUGE_SIZE - sent]
        sent += len(piece)
        yield piece


def huge(request: SimRequest, world: World) -> SimResponse:
    """~200 MB of HTML with an honest Content-Length, streamed chunk by chunk (the proxy
    pauses between chunks, so only a client's own size limit stops it early)."""
    return SimResponse(
        200,
        (("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(HUGE_SIZE))),
        b"",
        stream=_huge_chunks,
    )


def download(request: SimRequest, world: World) -> SimResponse:
    """A zip served as an attachment (the 'install the query app' trick)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("证书查询客户端.exe", b"MZ" + b"\0" * 1024)
        zf.writestr("说明.txt", "请安装后查询证书。".encode())
    return SimResponse(
        200,
        (
            ("Content-Type", "application/zip"),
            ("Content-Disposition", 'attachment; filename="cert-query.zip"'),
        ),
        buf.getvalue(),
    )
