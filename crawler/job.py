"""One candidate's full capture in progress, and the frozen Page it becomes.

Three parts run at once and meet here: the browser load, the plain variant fetches and the
DNS/WHOIS/TLS lookups. Whichever finishes last makes the Page.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from core import __version__
from core.failures import Failure, FailureKind
from core.netpath.domains import to_ascii
from core.types import Candidate, Page, PageVariant
from crawler.enrich import Enricher, Facts
from crawler.failures import gateway_failure
from crawler.render import RenderResult
from crawler.warc import Exchange, write_warc

logger = logging.getLogger(__name__)


def is_mobile(candidate: Candidate) -> bool:
    """QR-code result pages are opened inside WeChat on a phone, so they are fetched that way."""
    return bool(candidate.context.get("mobile")) or candidate.source == "qr"


class CaptureDirs:
    """One directory per capture under the run's root: host plus a short hash of the URL."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self.used: set[str] = set()

    def new(self, url: str) -> Path | None:
        if self.root is None:
            return None  # nobody keeps the files (a plain `check`)
        host = (urlsplit(url).hostname or "page").lower()
        host = re.sub(r"[^a-z0-9.-]+", "_", to_ascii(host))[:80] or "page"
        slug = f"{host}-{hashlib.sha256(url.encode()).hexdigest()[:10]}"
        name, n = slug, 1
        while name in self.used:
            n += 1
            name = f"{slug}-{n}"
        self.used.add(name)
        return self.root / name


@dataclass
class PageJob:
    """The parts of one candidate's capture as they arrive."""

    index: int
    candidate: Candidate
    url: str
    mobile: bool
    user_agent: str
    started: float
    fetched_at: datetime
    #: where the WARC goes; None when nobody keeps the files (a plain `check`)
    capture_dir: Path | None
    variant_labels: tuple[str, ...]
    facts: Facts = field(default_factory=Facts)
    render: RenderResult | None = None
    render_failure: Failure | None = None
    render_exchanges: tuple[Exchange, ...] = ()
    render_events: tuple[str, ...] = ()
    render_done: bool = False
    variants: dict[str, tuple[PageVariant, Exchange | None]] = field(default_factory=dict)
    emitted: bool = False

    def complete(self) -> bool:
        return self.render_done and all(label in self.variants for label in self.variant_labels)


def failure_page(
    candidate: Candidate, url: str, user_agent: str, failure: Failure, *, stage: str = "full"
) -> Page:
    """The Page of a candidate that could not be fetched at all: still one record."""
    return Page(
        url=candidate.url,
        final_url=url,
        status=None,
        fetched_at=datetime.now(UTC),
        user_agent=user_agent,
        failure=failure,
        source=candidate.source,
        stage=stage,
    )


async def _write(job: PageJob, exchanges: list[Exchange]) -> str | None:
    if job.capture_dir is None:
        return None
    warc = job.capture_dir / "capture.warc.gz"
    info = {
        "operator-tool": f"zhenwei {__version__}",
        "http-header-user-agent": job.user_agent,
        "isPartOf": job.url,
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "description": "page load (browser) and plain fetches (cloaking variants)",
    }
    try:
        await asyncio.to_thread(write_warc, warc, exchanges, info)
    except OSError as exc:
        logger.warning("cannot write WARC %s: %s", warc, exc)
        return None
    return str(warc)


def _problems(r: RenderResult | None) -> tuple[Failure, ...]:
    """Steps that failed on a page that loaded: a missing screenshot is not a dead site."""
    if r is None or not r.problems:
        return ()
    kind = FailureKind.SCREENSHOT if not r.screenshot_png else FailureKind.RENDER
    return (Failure.of(kind, "; ".join(r.problems)),)


async def build_page(job: PageJob, enricher: Enricher | None) -> Page:
    """The frozen Page of a finished job (writes its WARC when it has a capture directory)."""
    r = job.render
    final_url = r.final_url if r is not None else job.url
    dns = whois = tls = None
    if enricher is not None:
        dns, whois, tls = await enricher.collect(job.facts, final_url)
    variants = tuple(job.variants[label][0] for label in job.variant_labels)
    exchanges = list(r.exchanges if r is not None else job.render_exchanges)
    exchanges += [ex for label in job.variant_labels if (ex := job.variants[label][1])]
    warc_path = await _write(job, exchanges)
    failure = job.render_failure
    if failure is None and r is not None:
        failure = gateway_failure(r.status, dns)
    timings: dict[str, Any] = dict(r.timings) if r is not None else {}
    timings["total_ms"] = round((time.monotonic() - job.started) * 1000, 1)
    return Page(
        url=job.candidate.url,
        final_url=final_url,
        status=r.status if r is not None else None,
        fetched_at=job.fetched_at,
        user_agent=job.user_agent,
        redirects=r.redirects if r is not None else (),
        headers=r.headers if r is not None else (),
        raw_html=r.raw_html if r is not None else "",
        rendered_html=r.rendered_html if r is not None else "",
        title=r.title if r is not None else "",
        visible_text=r.visible_text if r is not None else "",
        screenshot_png=r.screenshot_png if r is not None else b"",
        viewport_png=r.viewport_png if r is not None else b"",
        favicon=r.favicon if r is not None else b"",
        resources=r.resources if r is not None else (),
        images=r.images if r is not None else (),
        tls=tls,
        dns=dns,
        whois=whois,
        timings=timings,
        failure=failure,
        problems=_problems(r),
        capture_dir=str(job.capture_dir) if job.capture_dir is not None else None,
        source=job.candidate.source,
        variants=variants,
        warc_path=warc_path,
        browser_events=tuple(r.events if r is not None else job.render_events),
    )
