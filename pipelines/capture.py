"""A capture on disk: the Page's evidence as files plus `page.json` holding every hash.

Layout of one capture directory:
  screenshot.png, viewport.png, raw.html (decoded to UTF-8; the original bytes are in the
  WARC), rendered.html, visible.txt, favicon.<ext>, dns.txt, whois.txt, tls.pem,
  variant-<label>.html, capture.warc.gz, page.json.
`page.json` carries every Page field (large text and bytes as {"file": name}), a "files" map
{name: {"sha256", "size"}} and the tool version. `read_capture` rebuilds the Page.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

from core import __version__
from core.failures import Failure
from core.types import (
    DnsFacts,
    ImageAsset,
    Page,
    PageVariant,
    RedirectHop,
    Resource,
    TlsFacts,
    WhoisFacts,
)

PAGE_JSON = "page.json"
WARC_NAME = "capture.warc.gz"
FORMAT = 1

#: Page fields kept as files: field → file name
_FILE_FIELDS = {
    "screenshot_png": "screenshot.png",
    "viewport_png": "viewport.png",
    "raw_html": "raw.html",
    "rendered_html": "rendered.html",
    "visible_text": "visible.txt",
}


def _favicon_name(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return "favicon.png"
    if data.startswith(b"GIF8"):
        return "favicon.gif"
    if data.startswith(b"\xff\xd8"):
        return "favicon.jpg"
    if data.lstrip()[:5].lower() in (b"<svg ", b"<?xml"):
        return "favicon.svg"
    return "favicon.ico"


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return {"size": len(value)}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def sha256_file(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def write_capture(page: Page, out_dir: Path, warc_path: Path | str | None = None) -> Path:
    """Write `page` into `out_dir` (created) and return the directory.

    `warc_path` (default: `page.warc_path`) is copied to capture.warc.gz unless it already is.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}

    def put(name: str, data: bytes | str) -> dict[str, str]:
        path = out_dir / name
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)
        files[name] = path
        return {"file": name}

    record: dict[str, Any] = {}
    for f in dataclasses.fields(page):
        value = getattr(page, f.name)
        if f.name in _FILE_FIELDS:
            record[f.name] = put(_FILE_FIELDS[f.name], value) if value else None
        elif f.name == "favicon":
            record[f.name] = put(_favicon_name(value), value) if value else None
        elif f.name == "variants":
            record[f.name] = []
            for v in page.variants:
                item = _jsonable(v)
                item["raw_html"] = (
                    put(f"variant-{v.label}.html", v.raw_html) if v.raw_html else None
                )
                record[f.name].append(item)
        else:
            record[f.name] = _jsonable(value)
    if page.dns is not None:
        put("dns.txt", page.dns.raw or _facts_text(page.dns))
    if page.whois is not None:
        put("whois.txt", page.whois.raw or (page.whois.error or ""))
    if page.tls is not None and page.tls.pem:
        put("tls.pem", page.tls.pem)

    source_warc = (
        Path(warc_path) if warc_path else (Path(page.warc_path) if page.warc_path else None)
    )
    target_warc = out_dir / WARC_NAME
    if source_warc is not None and source_warc.exists():
        if source_warc.resolve() != target_warc.resolve():
            shutil.copyfile(source_warc, target_warc)
        files[WARC_NAME] = target_warc
        record["warc_path"] = WARC_NAME
    record["capture_dir"] = None  # the directory is wherever page.json is read from

    record["files"] = {
        name: {"sha256": sha256_file(path), "size": path.stat().st_size}
        for name, path in sorted(files.items())
    }
    record["tool"] = {"name": "zhenwei", "version": __version__, "format": FORMAT}
    (out_dir / PAGE_JSON).write_text(
        json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8"
    )
    return out_dir


def _facts_text(dns: DnsFacts) -> str:
    lines = [f"; {dns.host}"]
    for kind in ("a", "aaaa", "cname", "ns", "mx"):
        for value in getattr(dns, kind):
            lines.append(f"{kind.upper()}\t{value}")
    if dns.error:
        lines.append(f"; error: {dns.error}")
    return "\n".join(lines) + "\n"


def verify_capture(capture_dir: Path) -> list[str]:
    """Problems found re-hashing the files listed in page.json (empty list: intact)."""
    record = json.loads((capture_dir / PAGE_JSON).read_text(encoding="utf-8"))
    problems = []
    for name, meta in record.get("files", {}).items():
        path = capture_dir / name
        if not path.is_file():
            problems.append(f"{name}: missing")
        elif sha256_file(path) != meta["sha256"]:
            problems.append(f"{name}: sha256 differs")
    return problems


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _load(capture_dir: Path, ref: Any, *, text: bool) -> Any:
    if not isinstance(ref, dict) or "file" not in ref:
        return "" if text else b""
    path = capture_dir / ref["file"]
    return path.read_text(encoding="utf-8") if text else path.read_bytes()


def _failure(data: Any) -> Failure | None:
    return Failure.from_json(data) if isinstance(data, dict) else None


def read_capture(capture_dir: Path) -> Page:
    """Rebuild the Page written by `write_capture` (capture_dir and warc_path point into it)."""
    r = json.loads((capture_dir / PAGE_JSON).read_text(encoding="utf-8"))
    tls, dns, whois = r.get("tls"), r.get("dns"), r.get("whois")
    known: dict[str, Any] = {
        "fetched_at": datetime.fromisoformat(r["fetched_at"]),
        "redirects": tuple(RedirectHop(**h) for h in r.get("redirects", [])),
        "headers": tuple((k, v) for k, v in r.get("headers", [])),
        "resources": tuple(Resource(**x) for x in r.get("resources", [])),
        "tls": None
        if tls is None
        else TlsFacts(
            **{
                **tls,
                "sans": tuple(tls.get("sans", ())),
                "not_before": _dt(tls.get("not_before")),
                "not_after": _dt(tls.get("not_after")),
            }
        ),
        "dns": None if dns is None else DnsFacts(**_tuples(dns)),
        "whois": None
        if whois is None
        else WhoisFacts(
            **{
                **_tuples(whois),
                "created": _dt(whois.get("created")),
                "updated": _dt(whois.get("updated")),
                "expires": _dt(whois.get("expires")),
            }
        ),
        "variants": tuple(
            PageVariant(
                **{
                    **v,
                    "raw_html": _load(capture_dir, v.get("raw_html"), text=True),
                    "failure": _failure(v.get("failure")),
                }
            )
            for v in r.get("variants", [])
        ),
        "failure": _failure(r.get("failure")),
        "problems": tuple(Failure.from_json(x) for x in r.get("problems", [])),
        "images": tuple(ImageAsset(**i) for i in r.get("images", [])),
        "capture_dir": str(capture_dir),
        "warc_path": str(capture_dir / WARC_NAME) if r.get("warc_path") else None,
        "browser_events": tuple(r.get("browser_events", [])),
    }
    for name in _FILE_FIELDS:
        known[name] = _load(capture_dir, r.get(name), text=not name.endswith("_png"))
    known["favicon"] = _load(capture_dir, r.get("favicon"), text=False)
    # Fields added to Page later are JSON values already: pass them through.
    for f in dataclasses.fields(Page):
        if f.name not in known and f.name in r:
            known[f.name] = r[f.name]
    return Page(**known)


def _tuples(record: dict[str, Any]) -> dict[str, Any]:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in record.items()}


class CapturePipeline:
    """Writes every Page to its capture directory (ZHENWEI_CAPTURE_ROOT set); runs first, so
    later pipelines (scoring, storage) see the files."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def from_crawler(cls, crawler: Any) -> CapturePipeline:
        from scrapy.exceptions import NotConfigured

        root = crawler.settings.get("ZHENWEI_CAPTURE_ROOT")
        if not root:
            raise NotConfigured("ZHENWEI_CAPTURE_ROOT is not set: captures stay in memory")
        return cls(Path(root))

    async def process_item(self, item: Any) -> Any:
        if isinstance(item, Page) and item.capture_dir:
            await asyncio.to_thread(write_capture, item, Path(item.capture_dir))
        return item
