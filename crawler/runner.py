"""Run a crawl of given candidates from Python and get one result per candidate back.

Twisted's reactor cannot be restarted: call `fetch_pages` / `run_crawl` at most ONCE per
process (commands do; tests run the command in a subprocess).
"""

from __future__ import annotations

import logging
from collections import defaultdict, deque
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings as ScrapySettings

from core.config import Settings
from core.types import Candidate, Page
from crawler.settings import playwright_settings
from crawler.spiders.candidates import CandidatesSpider

logger = logging.getLogger(__name__)

CAPTURE_PIPELINE = "pipelines.capture.CapturePipeline"


def build_settings(
    settings: Settings,
    *,
    out_root: Path | None,
    timeout: float,
    concurrency: int,
    pipelines: dict[str, int] | None,
    extra_settings: dict[str, Any] | None,
) -> ScrapySettings:
    """Project settings + this run's network path, bounds, capture root and pipelines."""
    s = ScrapySettings()
    s.setmodule("crawler.settings", priority="project")
    run: dict[str, Any] = playwright_settings(settings, timeout=timeout, concurrency=concurrency)
    # Capture files are written first, so later pipelines (scoring, storage) see capture_dir.
    item_pipelines: dict[str, int] = {CAPTURE_PIPELINE: 50} if out_root is not None else {}
    item_pipelines.update(pipelines or {})
    run["ITEM_PIPELINES"] = item_pipelines
    if out_root is not None:
        run["ZHENWEI_CAPTURE_ROOT"] = str(out_root)
    run.update(extra_settings or {})
    s.setdict(run, priority="cmdline")
    return s


class _Collector:
    """item_scraped handler (a bound method: Scrapy keeps only weak references)."""

    def __init__(self) -> None:
        self.items: list[Any] = []

    def on_item(self, item: Any) -> None:
        self.items.append(item)


def page_of(item: Any) -> Page | None:
    """The Page inside a pipeline's output (a Page, or a ScoredPage-like object with `.page`)."""
    if isinstance(item, Page):
        return item
    inner = getattr(item, "page", None)
    return inner if isinstance(inner, Page) else None


def _missing(candidate: Candidate, settings: Settings) -> Page:
    return Page(
        url=candidate.url,
        final_url=candidate.url,
        status=None,
        fetched_at=datetime.now(UTC),
        user_agent=settings.desktop_user_agent,
        error="抓取过程没有返回结果（被流水线丢弃或内部错误）",
        source=candidate.source,
    )


def run_crawl(
    candidates: Sequence[Candidate],
    settings: Settings,
    *,
    out_root: Path | None = None,
    timeout: float = 60,
    concurrency: int = 4,
    pipelines: dict[str, int] | None = None,
    extra_settings: dict[str, Any] | None = None,
) -> list[Any]:
    """Crawl `candidates`; return the final item (after `pipelines`) for each, in input order.

    A candidate whose item never came back (dropped, crashed) gets an error Page instead.
    """
    if not candidates:
        return []
    scrapy_settings = build_settings(
        settings,
        out_root=out_root,
        timeout=timeout,
        concurrency=concurrency,
        pipelines=pipelines,
        extra_settings=extra_settings,
    )
    # Logging stays as the caller configured it (the CLI's -v): Scrapy adds no root handler,
    # and its loggers, which it pins to DEBUG, inherit the root level again.
    scrapy_settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    quiet = logging.getLogger().getEffectiveLevel()
    logging.disable(quiet - 1)  # the version banner logged while Scrapy sets up
    try:
        process = CrawlerProcess(scrapy_settings)
    finally:
        logging.disable(logging.NOTSET)
    for name in ("scrapy", "twisted"):
        logging.getLogger(name).setLevel(logging.NOTSET)
    crawler = process.create_crawler(CandidatesSpider)
    collector = _Collector()
    crawler.signals.connect(collector.on_item, signal=signals.item_scraped)
    process.crawl(crawler, candidates=list(candidates), zw_settings=settings)
    process.start()

    # Page.url is the candidate's URL exactly as given, so results are matched by it.
    by_url: dict[str, deque[Any]] = defaultdict(deque)
    for item in collector.items:
        page = page_of(item)
        if page is not None:
            by_url[page.url].append(item)
    out: list[Any] = []
    for candidate in candidates:
        queue = by_url.get(candidate.url)
        out.append(queue.popleft() if queue else _missing(candidate, settings))
    return out


def fetch_pages(
    candidates: list[Candidate],
    settings: Settings,
    *,
    out_root: Path | None = None,
    timeout: float = 60,
    concurrency: int = 4,
    pipelines: dict[str, int] | None = None,
    extra_settings: dict[str, Any] | None = None,
) -> list[Page]:
    """One Page per candidate, in input order; failed fetches come back with `error` set.

    With `out_root`, each capture is written to `out_root/<host>-<hash>/` (page.json, WARC,
    screenshots ...). Once per process (see module docstring).
    """
    items = run_crawl(
        candidates,
        settings,
        out_root=out_root,
        timeout=timeout,
        concurrency=concurrency,
        pipelines=pipelines,
        extra_settings=extra_settings,
    )
    pages = []
    for candidate, item in zip(candidates, items, strict=True):
        pages.append(page_of(item) or _missing(candidate, settings))
    return pages
