"""StoragePipeline: persist each ScoredPage with every source that found it.

`RepositoryStore` binds the repository and the run; the pipeline only knows the `PageStore`
protocol of the run context.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from core.failures import FailureKind
from core.netpath.domains import registrable_domain
from core.signals import ScoredPage
from core.types import Candidate, Page
from crawler.context import PageStore, RunContext, Stored, context_of
from storage.pagedata import host_of, lead_key
from storage.records import SourceHit
from storage.repository import Repository

logger = logging.getLogger(__name__)

#: files of a capture directory kept as artifacts beside the Page's own bytes
CAPTURE_FILES = {"page.json": "page_json", "capture.warc.gz": "warc"}
FLAGGED = ("counterfeit", "suspicious")


class RepositoryStore:
    """The repository as a `PageStore` for one run."""

    def __init__(self, repo: Repository, run_id: int | None) -> None:
        self.repo = repo
        self.run_id = run_id

    def store(self, scored: ScoredPage, hits: Sequence[Candidate]) -> Stored:
        page = scored.page
        files: dict[str, Path] = {}
        if page.capture_dir:
            for name, role in CAPTURE_FILES.items():
                path = Path(page.capture_dir) / name
                if path.exists():
                    files[role] = path
        before = self.repo.leads.by_host(lead_key(page.url))
        record = self.repo.leads.record(
            scored,
            run_id=self.run_id,
            sources=[SourceHit.from_candidate(c) for c in hits],
            capture_files=files,
        )
        previous = before.score if before is not None else None
        aliases = self._chain_leads(scored, hits, files) if scored.verdict in FLAGGED else ()
        return Stored(record.id, before is None, previous, aliases)

    def _chain_leads(
        self, scored: ScoredPage, hits: Sequence[Candidate], files: dict[str, Path]
    ) -> tuple[int, ...]:
        """Every other registrable domain of the redirect chain is a lead of the same site: an
        old gang domain whose only page is a 302 to the current one is the same fake. Returns
        the ids of the leads this made new."""
        new: list[int] = []
        for url in chain_urls(scored.page):
            alias = replace(scored, page=replace(scored.page, url=url))
            known = self.repo.leads.by_host(lead_key(url)) is not None
            record = self.repo.leads.record(
                alias,
                run_id=self.run_id,
                sources=[
                    SourceHit.from_candidate(
                        replace(c, context={**c.context, "redirect_of": scored.page.url})
                    )
                    for c in hits
                ],
                capture_files=files,
            )
            if not known:
                new.append(record.id)
        return tuple(new)


def chain_urls(page: Page) -> list[str]:
    """One URL per registrable domain in `page`'s redirect chain other than the page's own."""
    own = registrable_domain(host_of(page.url))
    seen = {own}
    out = []
    for url in (
        *(h.url for h in page.redirects),
        *(h.location for h in page.redirects),
        page.final_url,
    ):
        host = host_of(url)
        reg = registrable_domain(host) if host else ""
        if reg and reg not in seen:
            seen.add(reg)
            out.append(url)
    return out


class StoragePipeline:
    """Records every ScoredPage; one page that cannot be stored never stops the run."""

    def __init__(self, crawler: Crawler, context: RunContext, store: PageStore) -> None:
        self.context = context
        self.store = store
        self.stats = crawler.stats
        # SQLite allows one writer; serialising here keeps the reactor free and the DB calm.
        self.lock = asyncio.Lock()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoragePipeline:
        context = context_of(crawler)
        if context.store is None:
            raise NotConfigured("the run has no store: results are not stored")
        return cls(crawler, context, context.store)

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, ScoredPage):
            return item
        page = item.page
        hits = list(self.context.hits.get(page.url, ()))
        tally = self.context.tally
        if page.failure is not None and page.failure.kind is FailureKind.BLOCKED:
            # Refused by the egress policy before any connection: never a lead, never archived.
            logger.warning("not stored, %s: %s", page.url, page.failure.message)
            for name in sorted({h.source for h in hits} or {page.source or "unknown"}):
                tally.inc(name, "blocked")
            if self.stats is not None:
                self.stats.inc_value("zhenwei/egress/blocked")
            return item
        async with self.lock:
            try:
                stored = await asyncio.to_thread(self.store.store, item, hits)
            except (OSError, ValueError) as exc:
                logger.error("cannot store %s: %s", page.url, exc)
                tally.errors += 1
                if self.stats is not None:
                    self.stats.inc_value("zhenwei/storage/errors")
                return item
        for name in sorted({h.source for h in hits} or {page.source or "unknown"}):
            tally.inc(name, "fetched")
            if item.verdict in FLAGGED:
                tally.inc(name, "leads")
            if page.failure is not None:
                tally.inc(name, "fetch_errors")
        if stored.new:
            tally.new_leads.append(stored.lead_id)
        elif stored.previous_score != item.score:
            tally.changed[stored.lead_id] = stored.previous_score
        tally.new_leads.extend(stored.new_aliases)
        if self.context.on_page is not None:
            self.context.on_page(item)
        return item
