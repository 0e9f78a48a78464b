"""One .warc.gz per capture: a request and a response record for every exchange of a page load.

Bodies are stored as the browser (or Scrapy) handed them to us: already decoded, so the
Content-Encoding / Transfer-Encoding headers are dropped and Content-Length is set to the
stored length; bodies over the cap are cut and marked `WARC-Truncated: length`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from core import __version__

#: default cap on one body stored in the WARC
MAX_WARC_BODY = 8 * 1024 * 1024

_HOP_HEADERS = {"content-encoding", "transfer-encoding", "content-length", "connection"}


@dataclass(frozen=True)
class Exchange:
    """One HTTP request and (when one came) its response, as seen by the fetcher."""

    url: str
    method: str
    request_headers: tuple[tuple[str, str], ...]
    request_body: bytes
    started_at: datetime  # UTC
    status: int | None = None
    reason: str = ""
    response_headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    #: the body was longer than the cap and `body` holds only its start
    truncated: bool = False
    #: why no response came (aborted, refused, timed out ...), as the browser said it
    failure: str | None = None
    resource_type: str = ""
    #: the body is the browser's UTF-8 re-encoding of a text body, not the server's bytes
    body_transcoded: bool = False


def _warc_date(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _request_line(ex: Exchange) -> tuple[str, list[tuple[str, str]]]:
    parts = urlsplit(ex.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = [(k, v) for k, v in ex.request_headers if not k.startswith(":")]
    if not any(k.lower() == "host" for k, _ in headers):
        headers.insert(0, ("Host", parts.netloc))
    return f"{ex.method.upper()} {target} HTTP/1.1", headers


def _response_headers(ex: Exchange) -> list[tuple[str, str]]:
    headers = [
        (k, v)
        for k, v in ex.response_headers
        if not k.startswith(":") and k.lower() not in _HOP_HEADERS
    ]
    headers.append(("Content-Length", str(len(ex.body))))
    return headers


def write_warc(path: Path, exchanges: Iterable[Exchange], info: dict[str, str]) -> Path:
    """Write `exchanges` (plus a warcinfo record made of `info`) to `path` as gzip'd WARC 1.0."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        fields = {"software": f"zhenwei/{__version__} (warcio)", "format": "WARC File Format 1.0"}
        fields.update(info)
        writer.write_record(writer.create_warcinfo_record(path.name, fields))
        for ex in exchanges:
            _write_exchange(writer, ex)
    return path


def _write_exchange(writer: WARCWriter, ex: Exchange) -> None:
    date = _warc_date(ex.started_at)
    response_id: str | None = None
    if ex.status is not None:
        status_line = f"{ex.status} {ex.reason}".strip()
        http = StatusAndHeaders(status_line, _response_headers(ex), protocol="HTTP/1.1")
        warc_headers = {"WARC-Date": date}
        if ex.truncated:
            warc_headers["WARC-Truncated"] = "length"
        record = writer.create_warc_record(
            ex.url,
            "response",
            payload=BytesIO(ex.body),
            length=len(ex.body),
            http_headers=http,
            warc_headers_dict=warc_headers,
        )
        writer.write_record(record)
        response_id = record.rec_headers.get_header("WARC-Record-ID")
    line, headers = _request_line(ex)
    req_http = StatusAndHeaders(line, headers, is_http_request=True)
    req_headers = {"WARC-Date": date}
    if response_id:
        req_headers["WARC-Concurrent-To"] = response_id
    writer.write_record(
        writer.create_warc_record(
            ex.url,
            "request",
            payload=BytesIO(ex.request_body),
            length=len(ex.request_body),
            http_headers=req_http,
            warc_headers_dict=req_headers,
        )
    )
    if ex.failure or ex.resource_type:
        facts = {"failure": ex.failure, "resource_type": ex.resource_type}
        if ex.body_transcoded:
            facts["body"] = "re-encoded to UTF-8 by the browser"
        meta = json.dumps(facts, ensure_ascii=False).encode()
        writer.write_record(
            writer.create_warc_record(
                ex.url,
                "metadata",
                payload=BytesIO(meta),
                length=len(meta),
                warc_headers_dict={"WARC-Date": date, "Content-Type": "application/json"},
            )
        )


def cap_body(body: bytes, limit: int) -> tuple[bytes, bool]:
    """The first `limit` bytes of `body` and whether anything was cut."""
    if len(body) > limit:
        return body[:limit], True
    return body, False


def record_types(path: Path) -> Sequence[tuple[str, str]]:
    """(record type, target URI) of every record in a WARC: a small reader for checks and tests."""
    from warcio.archiveiterator import ArchiveIterator

    out: list[tuple[str, str]] = []
    with path.open("rb") as fh:
        for record in ArchiveIterator(fh):
            out.append((record.rec_type, record.rec_headers.get_header("WARC-Target-URI") or ""))
    return out
