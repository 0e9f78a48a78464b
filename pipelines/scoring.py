"""ScoringPipeline: Page → ScoredPage, the one place a page is judged.

A full capture is scored by every detector. A triage page (one plain fetch) is scored once by
the detectors flagged `triage`; when its score reaches the run's threshold the spider captures
the candidate in full and the triage page goes no further, otherwise it is the record.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from core.signals import WATCHED_NAME, ScoredPage
from core.types import Page
from crawler.context import Escalated, RunContext, Scorer, context_of
from crawler.spiders.pages import PagesSpider

logger = logging.getLogger(__name__)


class ScoringPipeline:
    """Runs the run's scorer (all detectors × all targets) on each Page the spider yields."""

    def __init__(self, crawler: Crawler, context: RunContext, scorer: Scorer) -> None:
        self.crawler = crawler
        self.context = context
        self.scorer = scorer
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ScoringPipeline:
        context = context_of(crawler)
        if context.scorer is None:
            raise NotConfigured("the run has no scorer: pages are not scored")
        return cls(crawler, context, context.scorer)

    def _inc(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(key)

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, Page):
            return item
        triage = item.stage == "triage" and self.context.triage_scorer is not None
        scorer = self.context.triage_scorer if triage else self.scorer
        assert scorer is not None
        pool = self.context.triage_pool if triage else None
        offloaded = await pool.analyze(item) if pool is not None else None
        if offloaded is not None:
            self._inc("zhenwei/triage/scored-in-worker")
        scored: ScoredPage = offloaded or scorer.analyze(item)
        if self.context.labels is not None:
            scored = self.context.labels(scored)
        for name in scored.failed_detectors:
            self._inc(f"detectors/{name}/errors")
        if triage and item.failure is None and self._worth_full(scored):
            spider = self.crawler.spider
            if isinstance(spider, PagesSpider) and spider.escalate(item.url):
                self._inc("zhenwei/triage/escalated")
                raise Escalated(f"triage {scored.score}: captured in full")
        self._inc(f"zhenwei/verdict/{scored.verdict}")
        logger.info("scored %s: %s %s (%s)", item.url, scored.score, scored.verdict, item.stage)
        return scored

    def _worth_full(self, scored: ScoredPage) -> bool:
        # a watched name's score is discounted for its unrelated page; the plain fetch may have
        # met a decoy, so the render (and its browser variants) still decides
        return (
            scored.score >= self.context.triage_threshold
            or scored.verdict == "official"
            or WATCHED_NAME in scored.categories
        )
