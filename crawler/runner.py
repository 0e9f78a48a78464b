"""The one way zhenwei runs Scrapy: `check`, `fetch`, `crawl` and `reference` all come here.

Twisted's reactor cannot be restarted: `run` may be called at most ONCE per process (the
commands do; tests run the command in a subprocess).
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings as ScrapySettings

from core.config import Settings
from core.failures import Failure, FailureKind
from core.signals import ScoredPage
from core.types import Candidate, Page
from crawler.context import RunContext, attach
from crawler.job import failure_page
from crawler.settings import playwright_settings
from crawler.spiders.pages import PagesSpider

logger = logging.getLogger(__name__)

LOST = Failure.of(FailureKind.INTERNAL, "被流水线丢弃或内部错误")


@dataclass(frozen=True)
class RunOptions:
    """Bounds and switches of one run."""

    timeout: float = 60.0
    concurrency: int = 4
    #: capture directories (page.json, WARC, screenshots) go here; None: kept in memory only
    out_root: Path | None = None
    #: also fetch as a search-engine crawler and as the other identity (cloaking)
    variants: bool = True
    #: item pipelines by dotted path → order (see `pipelines.chain`)
    pipelines: Mapping[str, int] = field(default_factory=dict)
    #: more Scrapy settings of this run (politeness, the spider's ZHENWEI_* knobs)
    extra: Mapping[str, Any] = field(default_factory=dict)
    #: return every item in RunResult.items; a nightly crawl stores its pages as they come and
    #: turns this off (10,000 pages with their HTML and screenshots would stay in memory)
    keep_items: bool = True


@dataclass(frozen=True)
class RunResult:
    """Every item the run produced, in the order they were scraped, and the crawl's stats."""

    items: tuple[Page | ScoredPage, ...]
    stats: Mapping[str, Any]
    seconds: float
    finish_reason: str | None

    def for_candidates(
        self, candidates: Sequence[Candidate], settings: Settings
    ) -> list[Page | ScoredPage]:
        """One item per candidate, in input order (the same URL twice gets the same item).

        Page.url is the candidate's URL exactly as given, so items are matched by it; a
        candidate whose item never came back gets a failure Page instead.
        """
        by_url: dict[str, list[Page | ScoredPage]] = defaultdict(list)
        for item in self.items:
            by_url[page_of(item).url].append(item)
        out: list[Page | ScoredPage] = []
        used: dict[str, int] = defaultdict(int)
        for c in candidates:
            found = by_url.get(c.url, [])
            if found:
                out.append(found[min(used[c.url], len(found) - 1)])
                used[c.url] += 1
            else:
                out.append(failure_page(c, c.url, settings.desktop_user_agent, LOST))
        return out


def page_of(item: Page | ScoredPage) -> Page:
    return item.page if isinstance(item, ScoredPage) else item


def build_settings(settings: Settings, options: RunOptions) -> ScrapySettings:
    """Project settings + this run's network path, bounds, capture root and pipelines."""
    s = ScrapySettings()
    s.setmodule("crawler.settings", priority="project")
    run: dict[str, Any] = playwright_settings(
        settings, timeout=options.timeout, concurrency=options.concurrency
    )
    run["ITEM_PIPELINES"] = dict(options.pipelines)
    run["ZHENWEI_VARIANTS"] = options.variants
    if options.out_root is not None:
        run["ZHENWEI_CAPTURE_ROOT"] = str(options.out_root)
    run.update(options.extra)
    # Logging stays as the caller configured it (the CLI's -v): Scrapy adds no root handler
    # and logs at the root logger's level.
    level = logging.getLogger().getEffectiveLevel()
    run["LOG_INSTALL_ROOT_HANDLER"] = False
    run["LOG_LEVEL"] = logging.getLevelName(level)
    s.setdict(run, priority="cmdline")
    return s


class _Watcher:
    """Signal handlers of one run (bound methods: Scrapy keeps only weak references)."""

    def __init__(self, crawler: Crawler, keep_items: bool = True) -> None:
        self.crawler = crawler
        self.keep_items = keep_items
        self.items: list[Page | ScoredPage] = []
        self.reason: str | None = None
        self.stats: dict[str, Any] = {}

    def on_item(self, item: Any) -> None:
        if self.keep_items and isinstance(item, Page | ScoredPage):
            self.items.append(item)

    def on_closed(self, spider: Any, reason: str) -> None:
        self.reason = reason
        if self.crawler.stats is not None:
            self.stats = dict(self.crawler.stats.get_stats())


def _process(scrapy_settings: ScrapySettings) -> CrawlerProcess:
    level = logging.getLogger().getEffectiveLevel()
    logging.disable(level - 1)  # Scrapy's version banner, logged while it sets up
    try:
        process = CrawlerProcess(scrapy_settings)
    finally:
        logging.disable(logging.NOTSET)
    # Scrapy pins its loggers' levels; let them follow the root (the CLI's -v) again.
    for name in ("scrapy", "twisted", "scrapy_playwright"):
        logging.getLogger(name).setLevel(logging.NOTSET)
    return process


def run(
    candidates: Sequence[Candidate],
    settings: Settings,
    *,
    options: RunOptions = RunOptions(),
    context: RunContext | None = None,
) -> RunResult:
    """Crawl `candidates` once through the pipelines; every item comes back (once per process)."""
    started = time.monotonic()
    if not candidates and (context is None or context.feed is None):
        return RunResult((), {}, 0.0, "finished")
    process = _process(build_settings(settings, options))
    crawler = process.create_crawler(PagesSpider)
    attach(crawler, context or RunContext())
    watcher = _Watcher(crawler, options.keep_items)
    crawler.signals.connect(watcher.on_item, signal=signals.item_scraped)
    crawler.signals.connect(watcher.on_closed, signal=signals.spider_closed)
    process.crawl(crawler, candidates=list(candidates), zw_settings=settings)
    process.start()
    if watcher.reason not in (None, "finished"):
        logger.warning("crawl ended early: %s", watcher.reason)
    return RunResult(
        tuple(watcher.items), watcher.stats, time.monotonic() - started, watcher.reason
    )
