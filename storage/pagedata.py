"""Turn a Page into what the database keeps: JSON-safe facts and artifact blobs (its linking
features are `storage/linkfeatures.py`)."""

from __future__ import annotations

import dataclasses
import hashlib
import ipaddress
import logging
import mimetypes
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from core.platforms import post_key
from core.types import Page

log = logging.getLogger(__name__)

_SUFFIX_TYPES = {
    ".warc": "application/warc",
    ".warc.gz": "application/warc+gzip",
    ".json": "application/json",
    ".png": "image/png",
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".pem": "application/x-pem-file",
}


@dataclass(frozen=True)
class Blob:
    """An artifact to store: bytes or a file, under a role name of the capture."""

    role: str
    media_type: str
    data: bytes | None = None
    path: Path | None = None


def host_of(url: str) -> str:
    """The lower-case host of a URL or of a bare host name."""
    parts = urlsplit(url if "//" in url else "//" + url)
    return (parts.hostname or "").lower().rstrip(".")


def lead_key(url: str) -> str:
    """What a lead is unique by: the host, or the post on a social or marketplace platform
    (two sellers' posts on one forum are two leads, and the forum is none)."""
    return post_key(url) or host_of(url)


@lru_cache(maxsize=1)
def _extractor() -> Any:
    import tldextract

    # The bundled public-suffix snapshot: never fetch the list over the network.
    return tldextract.TLDExtract(cache_dir=None, suffix_list_urls=())


def registered_domain(host: str) -> str:
    """`a.b.example.com.cn` → `example.com.cn`; IPs and unknown suffixes give the host back."""
    try:
        ipaddress.ip_address(host.strip("[]"))
        return host
    except ValueError:
        pass
    ext = _extractor()(host)
    domain = str(ext.top_domain_under_public_suffix or "")
    return domain or host


def capture_key(page: Page) -> str:
    """sha256(url + fetched_at + user agent): the same fetch replayed gets the same key."""
    at = page.fetched_at.astimezone(UTC).isoformat()
    return hashlib.sha256(f"{page.url}\n{at}\n{page.user_agent}".encode()).hexdigest()


def jsonable(value: Any) -> Any:
    """Dataclasses, tuples and datetimes as JSON; bytes are left out (they are artifacts)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: jsonable(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if not isinstance(getattr(value, f.name), bytes)
        }
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return None
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def image_type(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data.startswith(b"\x00\x00\x01\x00"):
        return "image/x-icon"
    if data.startswith(b"GIF8"):
        return "image/gif"
    if data.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if b"<svg" in data[:512]:
        return "image/svg+xml"
    return "application/octet-stream"


def file_type(path: Path) -> str:
    name = path.name.lower()
    for suffix in sorted(_SUFFIX_TYPES, key=len, reverse=True):
        if name.endswith(suffix):
            return _SUFFIX_TYPES[suffix]
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def page_blobs(page: Page, capture_files: Mapping[str, Path] | None = None) -> list[Blob]:
    """Every artifact of one capture: screenshots, HTML, favicon, raw WHOIS/DNS/TLS, files."""
    html = "text/html; charset=utf-8"
    text = "text/plain; charset=utf-8"
    blobs: list[Blob] = []
    if page.screenshot_png:
        blobs.append(Blob("screenshot", "image/png", page.screenshot_png))
    if page.viewport_png:
        blobs.append(Blob("viewport", "image/png", page.viewport_png))
    if page.favicon:
        blobs.append(Blob("favicon", image_type(page.favicon), page.favicon))
    if page.raw_html:
        blobs.append(Blob("raw_html", html, page.raw_html.encode("utf-8")))
    if page.rendered_html:
        blobs.append(Blob("rendered_html", html, page.rendered_html.encode("utf-8")))
    if page.whois and page.whois.raw:
        blobs.append(Blob("whois", text, page.whois.raw.encode("utf-8")))
    if page.dns and page.dns.raw:
        blobs.append(Blob("dns", text, page.dns.raw.encode("utf-8")))
    if page.tls and page.tls.pem:
        blobs.append(Blob("tls_certificate", "application/x-pem-file", page.tls.pem.encode()))
    for variant in page.variants:
        if variant.raw_html:
            role = f"variant:{variant.label}:raw_html"
            blobs.append(Blob(role, html, variant.raw_html.encode("utf-8")))
    for role, path in (capture_files or {}).items():
        blobs.append(Blob(role, file_type(Path(path)), path=Path(path)))
    return blobs


def page_facts(page: Page) -> dict[str, Any]:
    """TLS, DNS and WHOIS facts without their raw texts (those are artifacts)."""
    facts: dict[str, Any] = {}
    for name in ("tls", "dns", "whois"):
        value = getattr(page, name)
        if value is not None:
            data = jsonable(value)
            data.pop("raw", None)
            data.pop("pem", None)
            facts[name] = data
    return facts


def variants_json(page: Page) -> list[Any]:
    out = []
    for variant in page.variants:
        data = jsonable(variant)
        data.pop("raw_html", None)
        out.append(data)
    return out
