"""Back-pressure from the item pipelines to the downloader: a download waits while the scraper
already holds `ZHENWEI_SCRAPER_BACKLOG` responses whose items are not through the pipelines.

Scrapy stops downloading only when the responses in its scraper add up to 5 MB of body
(SCRAPER_SLOT_MAX_ACTIVE_SIZE), counting at least 1 KB each. A night's cheap-stage pages are a
few KB, so thousands of them waited for scoring, each with its request, response, decoded
text and pipeline tasks; later hundreds of rendered pages (screenshots, HTML, WARC bodies)
waited for storage. Both grew the crawl process by hundreds of MB without making it faster:
the pipelines were the bottleneck. Waiting here keeps the request among the downloader's
active ones, so Scrapy starts no other download meanwhile either.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

logger = logging.getLogger(__name__)

#: responses in the scraper before downloads wait; enough to keep the scoring worker and the
#: reactor busy (the worker takes 8 pages at once), few enough to be cheap
DEFAULT_BACKLOG = 32
#: how often a waiting download looks again (the scraper signals nothing when it is done)
POLL_SECONDS = 0.05


class ScraperBacklogMiddleware:
    """Holds each download until the scraper has room (ZHENWEI_SCRAPER_BACKLOG; 0: off)."""

    def __init__(self, crawler: Crawler, limit: int) -> None:
        self.crawler = crawler
        self.limit = limit

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ScraperBacklogMiddleware:
        limit = crawler.settings.getint("ZHENWEI_SCRAPER_BACKLOG", DEFAULT_BACKLOG)
        if limit <= 0:
            raise NotConfigured("ZHENWEI_SCRAPER_BACKLOG is 0: no back-pressure")
        return cls(crawler, limit)

    def backlog(self) -> int:
        """Responses in the scraper now: from the callback until their items are processed."""
        engine = self.crawler.engine
        slot = getattr(getattr(engine, "scraper", None), "slot", None)
        active: Any = getattr(slot, "active", ())
        return len(active)

    async def process_request(self, request: Request) -> None:
        if self.backlog() < self.limit:
            return None
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("zhenwei/backpressure/waits")
        while self.backlog() >= self.limit and self.crawler.engine is not None:
            if not self.crawler.engine.running:
                break  # the run is closing: let the download fail or finish as it would
            await asyncio.sleep(POLL_SECONDS)
        return None
