"""AckPipeline: last in the chain, tells a distributed run's queue a candidate is finished.

Last, so that by then the page is stored and the links it led to are queued: a queue seen
empty with nothing pending really has nothing left (the coordinator ends the run on it).
"""

from __future__ import annotations

from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from core.signals import ScoredPage
from core.types import Page
from crawler.context import CandidateFeed, Escalated, context_of


class AckPipeline:
    def __init__(self, feed: CandidateFeed) -> None:
        self.feed = feed

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AckPipeline:
        feed = context_of(crawler).feed
        if feed is None:
            raise NotConfigured("not a distributed run")
        pipeline = cls(feed)
        # A page dropped on the way is finished too (redelivering it would drop it again);
        # a triage page replaced by its full capture is not: that capture acks.
        crawler.signals.connect(pipeline.on_dropped, signal=signals.item_dropped)
        return pipeline

    def on_dropped(self, item: Any, response: Any, exception: BaseException, spider: Any) -> None:
        if not isinstance(exception, Escalated):
            self.process_item(item)

    def process_item(self, item: Any) -> Any:
        page = item.page if isinstance(item, ScoredPage) else item
        if isinstance(page, Page):
            self.feed.done(page.url)
        return item
