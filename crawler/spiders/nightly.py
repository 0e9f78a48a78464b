"""NightlySpider: the crawl's spider, with cost control and link following.

Cheap stage for every discovered candidate: one plain fetch of the raw HTML, scored by the
domain and content detectors only. The expensive stage (browser render, screenshots,
WHOIS, TLS, cloaking variants) runs for candidates above `ZHENWEI_TRIAGE_THRESHOLD` and
always for tips, seeds, QR codes, links out of known fakes and rechecks. Pages scored
counterfeit or seller have their outbound links followed, depth-limited; each followed link
is written to the run's log before it is scheduled (`ZHENWEI_FOLLOWED_LOG`), so a resumed
run still fetches it. In a distributed run (`ZHENWEI_CLAIMS`) a URL is scheduled only by
the worker that claims it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from core.types import Candidate, Page
from crawler.runtime import resolve
from crawler.spiders.candidates import (
    BadURL,
    CandidatesSpider,
    _Job,
    failure_reason,
    gateway_error,
    is_mobile,
    normalise_url,
)

logger = logging.getLogger(__name__)

#: sources whose candidates skip triage: a person or a known fake pointed at them
ALWAYS_RENDER = frozenset({"seeds", "tips", "qr", "links", "recheck", "cli", "check"})


def host_of(url: str) -> str:
    from urllib.parse import urlsplit

    return (urlsplit(url).hostname or "").lower()


class NightlySpider(CandidatesSpider):
    """CandidatesSpider + triage stage + link following (see module docstring)."""

    name = "nightly"

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NightlySpider:
        spider: NightlySpider = super().from_crawler(crawler, *args, **kwargs)  # type: ignore[assignment]
        s = crawler.settings
        spider.triage_threshold = s.getint("ZHENWEI_TRIAGE_THRESHOLD", 15)
        spider.cheap = resolve(s.get("ZHENWEI_CHEAP_ANALYZER"))
        spider.max_depth = s.getint("ZHENWEI_LINKS_MAX_DEPTH", 2)
        spider.skip_urls = frozenset(s.getlist("ZHENWEI_SKIP_URLS"))
        spider.official = frozenset(s.getlist("ZHENWEI_OFFICIAL_HOSTS"))
        spider.seen_urls = set()
        spider.next_index = len(spider.candidates)
        spider.used_dirs = set()
        spider.depth_of = {}
        spider.claims = resolve(s.get("ZHENWEI_CLAIMS"))
        spider.followed_log = resolve(s.get("ZHENWEI_FOLLOWED_LOG"))
        spider.claim_slots = max(1, s.getint("ZHENWEI_CLAIM_SLOTS", 4))
        spider.triage_pending = 0
        return spider

    triage_threshold: int
    cheap: Any
    max_depth: int
    skip_urls: frozenset[str]
    official: frozenset[str]
    seen_urls: set[str]
    next_index: int
    used_dirs: set[str]
    #: candidate URL → link depth (0 for sources other than links)
    depth_of: dict[str, int]
    #: distributed runs: `.claim(url) -> bool` (zhenwei.crawljob.RedisClaims), else None
    claims: Any
    #: `.add(candidate)` before a followed link is scheduled (zhenwei.crawljob.FollowedLog)
    followed_log: Any
    #: distributed runs: candidates in progress before the next one is claimed
    claim_slots: int
    triage_pending: int

    def _inc(self, key: str) -> None:
        stats = self.crawler.stats
        if stats is not None:
            stats.inc_value(f"zhenwei/{key}")

    async def start(self) -> AsyncIterator[Any]:
        for index, candidate in enumerate(self.candidates):
            if self.claims is not None:
                # Claim only with a free slot: Scrapy drains start() eagerly, and a worker
                # claiming the whole plan at once would leave nothing to the others.
                while len(self.jobs) + self.triage_pending >= self.claim_slots:
                    await asyncio.sleep(0.1)
            for item in self.schedule(candidate, index):
                yield item

    def schedule(self, candidate: Candidate, index: int | None = None) -> list[Any]:
        """Requests (or an error Page) for one candidate; [] when already done or official."""
        if index is None:
            index = self.next_index
            self.next_index += 1
        fetched_at = datetime.now(UTC)
        try:
            url = normalise_url(candidate.url)
        except BadURL as exc:
            return [self._error_page(candidate, candidate.url, fetched_at, f"无效网址：{exc}")]
        if url in self.seen_urls or candidate.url in self.skip_urls or host_of(url) in self.official:
            return []
        self.seen_urls.add(url)
        if self.claims is not None and not self.claims.claim(url):
            self._inc("distributed/claimed-elsewhere")
            return []
        self.depth_of[candidate.url] = int(candidate.context.get("depth", 0) or 0)
        if candidate.source in ALWAYS_RENDER or self.cheap is None:
            self._inc("expensive/direct")
            return self._full(index, candidate, url, fetched_at)
        self._inc("cheap/requests")
        self.triage_pending += 1
        return [
            scrapy.Request(
                url,
                callback=self.triage,
                errback=self.triage_failed,
                dont_filter=True,
                headers={"User-Agent": self.zw.desktop_user_agent},
                meta={
                    "proxy": self._proxy(url),
                    "zw_candidate": candidate,
                    "zw_index": index,
                    "zw_url": url,
                    "zw_fetched_at": fetched_at,
                    "download_timeout": min(20.0, self.deadline * 0.5),
                },
            )
        ]

    def _proxy(self, url: str) -> str | None:
        from core.netpath.http import proxy_for

        return proxy_for(url, self.zw)

    def _full(self, index: int, candidate: Candidate, url: str, fetched_at: datetime) -> list[Any]:
        mobile = is_mobile(candidate)
        job = _Job(
            index=index,
            candidate=candidate,
            url=url,
            mobile=mobile,
            started=time.monotonic(),
            fetched_at=fetched_at,
            capture_dir=self._capture_dir(url, self.used_dirs),
            variant_labels=self._variant_labels(mobile),
        )
        self.jobs[index] = job
        self._start_enrichment(job)
        return [self._render_request(job), *(self._variant_request(job, lb) for lb in job.variant_labels)]

    # -- triage ------------------------------------------------------------------------

    def _cheap_page(self, candidate: Candidate, response: Response | None, fetched_at: datetime,
                    error: str | None) -> Page:
        raw = title = text = ""
        headers: tuple[tuple[str, str], ...] = ()
        if isinstance(response, TextResponse):
            raw = response.text
            title = (response.xpath("//title/text()").get() or "").strip()
            nodes = response.xpath(
                "//body//text()[not(ancestor::script) and not(ancestor::style)]"
            ).getall()
            text = "\n".join(n.strip() for n in nodes if n.strip())
        if response is not None:
            headers = tuple(
                (k.decode("latin-1"), v.decode("latin-1"))
                for k, vs in response.headers.items()
                for v in vs
            )
        return Page(
            url=candidate.url,
            final_url=response.url if response is not None else candidate.url,
            status=response.status if response is not None else None,
            fetched_at=fetched_at,
            user_agent=self.zw.desktop_user_agent,
            headers=headers,
            raw_html=raw,
            title=title,
            visible_text=text,
            timings={"stage": "cheap"},
            error=error,
            source=candidate.source,
        )

    def triage(self, response: Response) -> Iterable[Any]:
        self.triage_pending -= 1
        meta = response.meta
        candidate: Candidate = meta["zw_candidate"]
        error = gateway_error(response.status, None)
        cheap_page = self._cheap_page(candidate, response, meta["zw_fetched_at"], error)
        scored = self.cheap.analyze(cheap_page)
        if scored.score >= self.triage_threshold or scored.verdict == "official":
            self._inc("expensive/after-triage")
            yield from self._full(meta["zw_index"], candidate, meta["zw_url"], meta["zw_fetched_at"])
        else:
            self._inc("cheap/only")
            yield cheap_page

    def triage_failed(self, failure: Failure) -> Iterable[Any]:
        request = failure.request  # type: ignore[attr-defined]
        meta = request.meta
        candidate: Candidate = meta["zw_candidate"]
        response = getattr(failure.value, "response", None)
        if isinstance(response, Response):  # an HTTP error status is still a page
            yield from self.triage(response)
            return
        self.triage_pending -= 1
        self._inc("cheap/failed")
        reason = failure_reason(failure.value or "unknown failure", self.deadline)
        yield self._cheap_page(candidate, None, meta["zw_fetched_at"], reason)

    # -- link following (called by LinkFollowPipeline) ---------------------------------

    def follow(self, candidates: Iterable[Candidate]) -> int:
        """Schedule candidates found on a scored page; returns how many were new."""
        engine = self.crawler.engine
        assert engine is not None
        n = 0
        for candidate in candidates:
            if int(candidate.context.get("depth", 1)) > self.max_depth:
                continue
            if self.followed_log is not None and candidate.url not in self.seen_urls:
                self.followed_log.add(candidate)
            for item in self.schedule(candidate):
                if isinstance(item, scrapy.Request):
                    engine.crawl(item)
                    n += 1
                else:
                    logger.info("link %s not followed: %s", candidate.url, getattr(item, "error", ""))
        if n:
            self._inc("links/followed")
        return n


