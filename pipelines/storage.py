"""StoragePipeline and LinkFollowPipeline: persist each ScoredPage, then follow its links."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from core.signals import ScoredPage
from crawler.runtime import resolve

logger = logging.getLogger(__name__)

#: files of a capture directory kept as artifacts beside the Page's own bytes
CAPTURE_FILES = {"page.json": "page_json", "capture.warc.gz": "warc"}
FLAGGED = ("counterfeit", "suspicious")


@dataclass
class RunTally:
    """What the crawl did, per source, for the run summary and crawl_run.stats."""

    per_source: dict[str, dict[str, int]] = field(default_factory=dict)
    new_leads: list[int] = field(default_factory=list)
    changed: dict[int, int | None] = field(default_factory=dict)  # lead id → previous score
    errors: int = 0
    on_page: Any = None  # progress callback

    def inc(self, source: str, key: str, n: int = 1) -> None:
        row = self.per_source.setdefault(source, {})
        row[key] = row.get(key, 0) + n


class StoragePipeline:
    """Records every ScoredPage with the sources that found it (settings read once)."""

    def __init__(self, crawler: Crawler) -> None:
        s = crawler.settings
        self.repo = resolve(s.get("ZHENWEI_REPOSITORY"))
        if self.repo is None:
            raise NotConfigured("no ZHENWEI_REPOSITORY given: results are not stored")
        self.run_id: int | None = s.get("ZHENWEI_RUN_ID")
        self.hits: Mapping[str, Sequence[Any]] = resolve(s.get("ZHENWEI_SOURCE_HITS")) or {}
        self.tally: RunTally = resolve(s.get("ZHENWEI_TALLY")) or RunTally()
        self.stats = crawler.stats
        # SQLite allows one writer; serialising here keeps the reactor free and the DB calm.
        self.lock = asyncio.Lock()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoragePipeline:
        return cls(crawler)

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, ScoredPage):
            return item
        page = item.page
        files: dict[str, Path] = {}
        if page.capture_dir:
            for name, role in CAPTURE_FILES.items():
                path = Path(page.capture_dir) / name
                if path.exists():
                    files[role] = path
        hits = list(self.hits.get(page.url, ()))
        before = None
        async with self.lock:
            try:
                before = await asyncio.to_thread(self._previous_score, page.url)
                record = await asyncio.to_thread(
                    self.repo.record, item, run_id=self.run_id, sources=hits, capture_files=files
                )
            except (OSError, ValueError) as exc:
                # One page that cannot be stored must not stop the night: count it, go on.
                logger.error("cannot store %s: %s", page.url, exc)
                self.tally.errors += 1
                if self.stats is not None:
                    self.stats.inc_value("zhenwei/storage/errors")
                return item
        names = sorted({h.source for h in hits} or {page.source or "unknown"})
        for name in names:
            self.tally.inc(name, "fetched")
            if item.verdict in FLAGGED:
                self.tally.inc(name, "leads")
            if page.error:
                self.tally.inc(name, "fetch_errors")
        if before is None:
            self.tally.new_leads.append(record.id)
        elif before[0] != item.score:
            self.tally.changed[record.id] = before[0]
        if self.tally.on_page is not None:
            self.tally.on_page(item)
        return item

    def _previous_score(self, url: str) -> tuple[int] | None:
        from storage.pagedata import host_of

        lead = self.repo.lead_by_host(host_of(url))
        return None if lead is None else (lead.score,)


class LinkFollowPipeline:
    """Pages scored counterfeit or seller: schedule their outbound links (depth-limited)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.ctx = resolve(crawler.settings.get("ZHENWEI_SOURCE_CONTEXT"))
        if self.ctx is None:
            raise NotConfigured("no ZHENWEI_SOURCE_CONTEXT: links are not followed")
        from crawler.sources.links import LinksSource

        self.links = LinksSource()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LinkFollowPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ScoredPage):
            return item
        if item.verdict != "counterfeit" and "seller" not in item.categories:
            return item
        from crawler.sources.base import FailureLog, ScoredPageRef

        page = item.page
        spider = self.crawler.spider
        depth = int(getattr(spider, "depth_of", {}).get(page.url, 0))
        ref = ScoredPageRef(
            url=page.final_url or page.url,
            html=page.rendered_html or page.raw_html,
            depth=depth,
            verdict=item.verdict,
            categories=item.categories,
            target=item.target,
        )
        flog = FailureLog("links")
        found = self.links.from_page(ref, self.ctx, flog)
        follow = getattr(spider, "follow", None)
        if found and follow is not None:
            n = follow(found)
            logger.info("followed %d links out of %s", n, page.url)
        return item

