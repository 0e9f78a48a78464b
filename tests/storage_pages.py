"""Scored pages and a fresh repository for the storage tests (tests/test_storage*.py)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image, ImageDraw

from core.failures import Failure
from core.signals import ScoredPage, Signal
from core.types import DnsFacts, Page, WhoisFacts
from storage.db import Database
from storage.repository import Repository

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
UA = "Mozilla/5.0 test"


def open_repo(database_url: str, tmp_path: Path) -> Iterator[Repository]:
    """A repository on a migrated, empty database (the body of each module's fixture)."""
    database = Database(database_url, tmp_path / "data")
    database.upgrade()
    try:
        yield Repository(database)
    finally:
        database.close()


def png(seed: int, size: tuple[int, int] = (64, 48)) -> bytes:
    """A small non-blank PNG; equal seeds give equal images."""
    img = Image.new("RGB", size, (255, 255, 255))
    draw = ImageDraw.Draw(img)
    draw.rectangle((4 + seed % 7, 4, 30 + seed % 11, 20 + seed % 5), fill=(200, 20, 20))
    draw.ellipse((30, 10 + seed % 9, 60, 44), fill=(20, 20 + seed * 37 % 200, 200))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def scored(
    host: str,
    *,
    at: datetime = T0,
    score: int = 80,
    verdict: str = "counterfeit",
    path: str = "/",
    favicon: bytes = b"",
    screenshot: bytes = b"",
    ips: tuple[str, ...] = (),
    failure: Failure | None = None,
    loaded: bool | None = None,
    problems: tuple[Failure, ...] = (),
    registrant: str | None = None,
    title: str = "特种作业操作证查询",
    body: str = "",
) -> ScoredPage:
    """A scored page of `host`; with a failure it did not load unless `loaded` says so."""
    if loaded is None:
        loaded = failure is None
    page = Page(
        url=f"http://{host}{path}",
        final_url=f"https://{host}{path}",
        status=200 if loaded else None,
        fetched_at=at,
        user_agent=UA,
        raw_html=f"<html><title>{title}</title><body>{host}{body}</body></html>" if loaded else "",
        rendered_html=(
            f"<html><head><title>{title}</title></head><body>{host}{body}</body></html>"
            if loaded
            else ""
        ),
        title=title if loaded else "",
        visible_text=f"{title} 请输入证件号码 {body}" if loaded else "",
        screenshot_png=screenshot,
        favicon=favicon,
        dns=DnsFacts(host=host, a=ips, ns=(), raw=f"{host}. 300 IN A {' '.join(ips)}"),
        whois=WhoisFacts(domain=host, server="127.0.0.1", registrant=registrant, raw="Domain: x"),
        timings={"fetch_ms": 12},
        failure=failure,
        problems=problems,
    )
    signals = (
        Signal(
            "title_match", "1.0", 0.9, "标题与官方平台相同", {"title": title}, ("impersonation",)
        ),
        Signal("domain_lookalike", "1.2", 0.7, "域名仿冒 cx.mem.gov.cn", {"distance": 2}),
    )
    cats = ("impersonation",) if verdict == "counterfeit" else ()
    return ScoredPage(page, signals, score, verdict, cats, target="mem")
