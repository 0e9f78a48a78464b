"""LinkFollowPipeline: links out of flagged pages are followed within the same run.

Which pages are followed and which links count is the links source's one rule
(`crawler.sources.links`): the same whether a page is scored tonight or was stored before.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from core.signals import ScoredPage
from crawler.context import context_of
from crawler.sources.base import FailureLog, ScoredPageRef, SourceContext
from crawler.sources.links import LinksSource, should_follow
from crawler.spiders.pages import PagesSpider

logger = logging.getLogger(__name__)


class LinkFollowPipeline:
    """Schedules the outbound links of pages the links rule says to follow (depth-limited)."""

    def __init__(self, crawler: Crawler, sources: SourceContext) -> None:
        self.crawler = crawler
        self.sources = sources
        self.links = LinksSource()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LinkFollowPipeline:
        sources = context_of(crawler).sources
        if sources is None:
            raise NotConfigured("the run has no source context: links are not followed")
        return cls(crawler, sources)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ScoredPage) or not should_follow(item.verdict, item.categories):
            return item
        spider = self.crawler.spider
        if not isinstance(spider, PagesSpider):
            return item
        page = item.page
        ref = ScoredPageRef(
            url=page.final_url or page.url,
            html=page.rendered_html or page.raw_html,
            depth=spider.depth_of.get(page.url, 0),
            verdict=item.verdict,
            categories=item.categories,
            target=item.target,
        )
        found = self.links.from_page(ref, self.sources, FailureLog("links"))
        if found:
            logger.info("followed %d links out of %s", spider.follow(found), page.url)
        return item
