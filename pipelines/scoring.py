"""ScoringPipeline: Page → ScoredPage, every detector's reason kept."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from core.signals import ScoredPage
from core.types import Page
from crawler.runtime import resolve

logger = logging.getLogger(__name__)


class ScoringPipeline:
    """Runs the analyzer (all detectors × all targets) on each Page the spider yields.

    The analyzer is built once by the caller and handed over in the `ZHENWEI_ANALYZER`
    setting (it holds references loaded from the database).
    """

    def __init__(self, analyzer: Any, crawler: Crawler) -> None:
        self.analyzer = analyzer
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ScoringPipeline:
        analyzer = resolve(crawler.settings.get("ZHENWEI_ANALYZER"))
        if analyzer is None:
            raise NotConfigured("no ZHENWEI_ANALYZER given: pages are not scored")
        return cls(analyzer, crawler)

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        if not isinstance(item, Page):
            return item
        scored: ScoredPage = self.analyzer.analyze(item)
        if self.stats is not None:
            self.stats.inc_value(f"zhenwei/verdict/{scored.verdict}")
            for name in scored.failed_detectors:
                self.stats.inc_value(f"detectors/{name}/errors")
        logger.info("scored %s: %s %s", item.url, scored.score, scored.verdict)
        return scored
