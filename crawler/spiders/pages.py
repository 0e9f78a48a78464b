# Longer than 400 lines: the one spider (scheduling, triage, full capture, variants) in one place.
"""PagesSpider: the one spider. Each candidate becomes exactly one frozen Page.

Per candidate, either
- the cheap stage (a run with a triage scorer, for discovered candidates): one plain fetch,
  yielded as a `stage="triage"` Page; the scoring pipeline scores it once with the triage
  detectors and calls `escalate` when it deserves the full capture; or
- the full capture: the browser load (scrapy-playwright, `crawler.render`), plain fetches as a
  search-engine crawler and as the other browser identity (cloaking variants) and DNS/WHOIS/TLS
  lookups, all at once, meeting in a `PageJob` (`crawler.job`).
Pipelines call `follow` with links found on flagged pages. Every failure is a typed
`Failure` on the Page; nothing is lost.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import UTC, datetime
from itertools import count
from typing import Any
from urllib.parse import urlsplit

import scrapy
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page as PlaywrightPage
from scrapy.crawler import Crawler
from scrapy.exceptions import StopDownload
from scrapy.http import Response
from twisted.python.failure import Failure as TwistedFailure

from core.config import Settings
from core.failures import Failure, FailureKind
from core.netpath.browser import context_options
from core.netpath.http import proxy_for
from core.types import Candidate, Page
from core.urls import BadUrl, normalise_url
from crawler.context import RunContext, context_of
from crawler.egress import SETTINGS_META_KEY
from crawler.enrich import Enricher
from crawler.failures import from_exception, gateway_failure
from crawler.handler import DEADLINE_META_KEY
from crawler.job import CaptureDirs, PageJob, build_page, failure_page, is_mobile
from crawler.plain import (
    exchange_of,
    failed_variant,
    header_pairs,
    is_text_type,
    read_text,
    variant_of,
)
from crawler.recorder import LIMITS_META_KEY, RECORDER_META_KEY, PageRecorder
from crawler.recorder import init_page as init_render
from crawler.render import drain_failed, harvest, salvage
from crawler.spider_config import SpiderConfig

logger = logging.getLogger(__name__)

#: sources whose candidates are always captured in full: a person or a known fake named them
ALWAYS_RENDER = frozenset({"seeds", "tips", "qr", "links", "recheck", "cli", "check", "input"})


class PagesSpider(scrapy.Spider):
    """Fetch (and render) each candidate once; yield one Page per candidate, in any order."""

    name = "pages"

    def __init__(
        self,
        candidates: Sequence[Candidate] | None = None,
        zw_settings: Settings | None = None,
        urls: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        now = datetime.now(UTC)
        listed = list(candidates or [])
        # `scrapy crawl pages -a urls=a,b` for manual runs
        listed += [Candidate(u.strip(), "cli", now) for u in urls.split(",") if u.strip()]
        self.candidates = listed
        self.zw = zw_settings or Settings.from_env()
        self.jobs: dict[int, PageJob] = {}
        self.triaged: dict[str, Candidate] = {}
        self.seen: set[str] = set()
        self.depth_of: dict[str, int] = {}
        self.triage_pending = 0
        self._index = count()

    # Set in from_crawler.
    config: SpiderConfig
    dirs: CaptureDirs
    context: RunContext
    enricher: Enricher | None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> PagesSpider:
        spider: PagesSpider = super().from_crawler(crawler, *args, **kwargs)
        spider.config = SpiderConfig.from_settings(crawler.settings)
        spider.context = context_of(crawler)
        spider.dirs = CaptureDirs(spider.config.capture_root)
        spider.enricher = (
            Enricher(spider.zw, spider.config.enrich) if spider.config.enrich_on else None
        )
        crawler.signals.connect(spider.on_closed, signal=scrapy.signals.spider_closed)
        crawler.signals.connect(spider.on_headers, signal=scrapy.signals.headers_received)
        return spider

    def on_closed(self, spider: scrapy.Spider) -> None:
        if self.enricher is not None:
            self.enricher.close()

    def on_headers(self, headers: Any, request: scrapy.Request) -> None:
        """Plain fetches stop at the headers of anything that is not a page (downloads)."""
        if not request.meta.get("zw_plain"):
            return
        ctype = (headers.get(b"Content-Type") or b"").decode("latin-1")
        if not is_text_type(ctype):
            raise StopDownload(fail=False)

    def _inc(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"zhenwei/{key}")

    # -- scheduling --------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        for candidate in self.candidates:
            for item in self.schedule(candidate):
                yield item
        feed = self.context.feed
        if feed is None:
            return
        slots = self.config.claim_slots
        while True:
            # Take only into free slots: Scrapy drains start() eagerly, and a worker taking
            # the whole queue at once would leave nothing to the others.
            free = slots - len(self.jobs) - self.triage_pending
            got = feed.take(free) if free > 0 else []
            for candidate in got:
                items = self.schedule(candidate)
                if not items:
                    feed.done(candidate.url)  # seen here before, or an official host
                for item in items:
                    yield item
            if not got:
                if free >= slots and feed.finished():
                    return
                await asyncio.sleep(0.2)

    def schedule(self, candidate: Candidate) -> list[Any]:
        """Requests (or a failure Page) for one candidate; [] when already seen or official."""
        try:
            url = normalise_url(candidate.url).url
        except BadUrl as exc:
            failure = Failure.of(FailureKind.BAD_URL, str(exc))
            return [failure_page(candidate, candidate.url, self.zw.desktop_user_agent, failure)]
        if url in self.seen or (urlsplit(url).hostname or "") in self.config.official_hosts:
            return []
        if {candidate.url, url} & self.context.already_captured:
            return []  # stored by the interrupted run this one resumes
        self.seen.add(url)
        self.depth_of[candidate.url] = int(candidate.context.get("depth", 0) or 0)
        if self.context.triage_scorer is None or candidate.source in ALWAYS_RENDER:
            self._inc("full/direct")
            return self._full(candidate, url)
        self._inc("triage/requests")
        self.triage_pending += 1
        self.triaged[candidate.url] = candidate
        return [self._plain_request(candidate, url, "triage", self.zw.desktop_user_agent)]

    def escalate(self, url: str) -> int:
        """Capture a triaged candidate in full (its cheap score crossed the threshold)."""
        candidate = self.triaged.pop(url, None)
        if candidate is None:
            return 0
        self._inc("full/after-triage")
        target = normalise_url(candidate.url).url
        return self._crawl(self._full(candidate, target))

    def follow(self, candidates: Iterable[Candidate]) -> int:
        """Schedule links found on a flagged page (depth-limited); returns how many were new."""
        n = 0
        for candidate in candidates:
            if int(candidate.context.get("depth", 1)) > self.config.links_max_depth:
                continue
            if self.context.feed is not None:
                # distributed: queued for any worker, once per run (the queue's seen-set)
                n += int(self.context.feed.add(candidate))
                continue
            if self.context.followed is not None and candidate.url not in self.seen:
                self.context.followed.add(candidate)
            n += self._crawl(self.schedule(candidate))
        if n:
            self._inc("links/followed")
        return n

    def _crawl(self, items: list[Any]) -> int:
        engine = self.crawler.engine
        assert engine is not None
        n = 0
        for item in items:
            if isinstance(item, scrapy.Request):
                engine.crawl(item)
                n += 1
            else:
                logger.info("not fetched: %s", getattr(item, "error", item))
        return n

    def _full(self, candidate: Candidate, url: str) -> list[Any]:
        mobile = is_mobile(candidate)
        labels: tuple[str, ...] = ()
        if self.config.variants:
            labels = ("crawler", "desktop") if mobile else ("crawler", "wechat")
        job = PageJob(
            index=next(self._index),
            candidate=candidate,
            url=url,
            mobile=mobile,
            user_agent=self.zw.wechat_user_agent if mobile else self.zw.desktop_user_agent,
            started=time.monotonic(),
            fetched_at=datetime.now(UTC),
            capture_dir=self.dirs.new(url),
            variant_labels=labels,
        )
        self.jobs[job.index] = job
        if self.enricher is not None:
            job.facts = self.enricher.start(url)
        agents = {"crawler": self.config.crawler_user_agent, "wechat": self.zw.wechat_user_agent,
                  "desktop": self.zw.desktop_user_agent}  # fmt: skip
        return [
            self._render_request(job),
            *(
                self._plain_request(candidate, url, label, agents[label], job.index)
                for label in labels
            ),
        ]

    def _render_request(self, job: PageJob) -> scrapy.Request:
        cfg = self.config
        return scrapy.Request(
            job.url,
            callback=self.parse_page,
            errback=self.render_failed,
            dont_filter=True,
            meta={
                "playwright": True,
                "playwright_include_page": True,
                "playwright_context": "mobile" if job.mobile else "desktop",
                # When Chromium dies, scrapy-playwright re-creates a context from these: without
                # them it would come back without our identity and certificate settings.
                "playwright_context_kwargs": context_options(self.zw, mobile=job.mobile),
                "playwright_page_init_callback": init_render,
                "playwright_page_goto_kwargs": {
                    "wait_until": "domcontentloaded",
                    "timeout": round(cfg.navigation_seconds * 1000),
                },
                LIMITS_META_KEY: cfg.limits,
                SETTINGS_META_KEY: self.zw,
                DEADLINE_META_KEY: cfg.browser_seconds,
                "zw_index": job.index,
                "download_timeout": cfg.navigation_seconds,
            },
        )

    def _plain_request(
        self, candidate: Candidate, url: str, label: str, user_agent: str, index: int = -1
    ) -> scrapy.Request:
        """A plain fetch: the triage stage (label "triage") or one cloaking variant."""
        triage = label == "triage"
        return scrapy.Request(
            url,
            headers={"User-Agent": user_agent, "Accept-Language": "zh-CN,zh;q=0.9"},
            callback=self.parse_triage if triage else self.parse_variant,
            errback=self.triage_failed if triage else self.variant_failed,
            dont_filter=True,
            meta={
                "proxy": proxy_for(url, self.zw),
                SETTINGS_META_KEY: self.zw,
                "zw_plain": label,
                "zw_candidate": candidate,
                "zw_index": index,
                "zw_ua": user_agent,
                "zw_fetched_at": datetime.now(UTC),
                "cookiejar": f"{index}-{label}-{candidate.url}",
                "download_timeout": self.config.plain_seconds
                if triage
                else self.config.navigation_seconds,
            },
        )

    # -- the cheap stage ---------------------------------------------------------------

    def _triage_page(
        self,
        candidate: Candidate,
        response: Response | None,
        fetched_at: datetime,
        failure: Failure | None,
    ) -> Page:
        raw, title, text = read_text(response) if response is not None else ("", "", "")
        return Page(
            url=candidate.url,
            final_url=response.url if response is not None else candidate.url,
            status=response.status if response is not None else None,
            fetched_at=fetched_at,
            user_agent=self.zw.desktop_user_agent,
            headers=header_pairs(response.headers) if response is not None else (),
            raw_html=raw,
            title=title,
            visible_text=text,
            failure=failure,
            source=candidate.source,
            stage="triage",
        )

    def parse_triage(self, response: Response) -> Iterable[Page]:
        self.triage_pending -= 1
        meta = response.meta
        failure = gateway_failure(response.status, None)
        yield self._triage_page(meta["zw_candidate"], response, meta["zw_fetched_at"], failure)

    def triage_failed(self, failure: TwistedFailure) -> Iterable[Page]:
        meta = failure.request.meta  # type: ignore[attr-defined]
        response = getattr(failure.value, "response", None)
        if isinstance(response, Response):  # an HTTP error status is still a page
            yield from self.parse_triage(response)
            return
        self.triage_pending -= 1
        self.triaged.pop(meta["zw_candidate"].url, None)
        self._inc("triage/failed")
        typed = from_exception(failure.value or RuntimeError("unknown failure"))
        yield self._triage_page(meta["zw_candidate"], None, meta["zw_fetched_at"], typed)

    # -- the full capture --------------------------------------------------------------

    async def parse_page(self, response: Response) -> AsyncIterator[Page]:
        job = self.jobs[response.meta["zw_index"]]
        page: PlaywrightPage | None = response.meta.get("playwright_page")
        recorder: PageRecorder | None = response.meta.get(RECORDER_META_KEY)
        try:
            if page is None or recorder is None:
                job.render_failure = Failure.of(FailureKind.INTERNAL, "no browser page")
            else:
                job.render = await harvest(page, recorder, response.status)
        except PlaywrightError as exc:
            job.render_failure = from_exception(exc)
        finally:
            await self._close(page)
        job.render_done = True
        async for item in self._maybe_emit(job):
            yield item

    async def render_failed(self, failure: TwistedFailure) -> AsyncIterator[Page]:
        request = failure.request  # type: ignore[attr-defined]
        job = self.jobs[request.meta["zw_index"]]
        page: PlaywrightPage | None = request.meta.get("playwright_page")
        recorder: PageRecorder | None = request.meta.get(RECORDER_META_KEY)
        typed = from_exception(failure.value or RuntimeError("unknown failure"))
        if recorder is not None and recorder.downloads:
            typed = Failure.of(FailureKind.DOWNLOAD, recorder.downloads[0])
        logger.info("render of %s failed: %s", job.url, typed.message)
        try:
            # A hop refused by the egress policy ends the capture as blocked, never salvaged.
            if recorder is not None and typed.kind not in (
                FailureKind.DOWNLOAD,
                FailureKind.BLOCKED,
            ):
                # The server may have answered and only the browser failed: the site is up.
                job.render = await salvage(recorder, f"render: {typed.message}", 2.0)
            if job.render is None:
                job.render_failure = typed
                job.render_exchanges = await drain_failed(recorder, 2.0)
                if recorder is not None:
                    job.render_events = tuple(recorder.events)
        finally:
            await self._close(page)
        job.render_done = True
        async for item in self._maybe_emit(job):
            yield item

    async def parse_variant(self, response: Response) -> AsyncIterator[Page]:
        job = self.jobs[response.meta["zw_index"]]
        label = response.meta["zw_plain"]
        exchange = exchange_of(response, self.config.limits.max_body, f"variant:{label}")
        job.variants[label] = (variant_of(response, label, response.meta["zw_ua"]), exchange)
        async for item in self._maybe_emit(job):
            yield item

    async def variant_failed(self, failure: TwistedFailure) -> AsyncIterator[Page]:
        request = failure.request  # type: ignore[attr-defined]
        response = getattr(failure.value, "response", None)  # HttpError keeps the response
        if isinstance(response, Response):
            async for item in self.parse_variant(response):
                yield item
            return
        job = self.jobs[request.meta["zw_index"]]
        label = request.meta["zw_plain"]
        typed = from_exception(failure.value or RuntimeError("unknown failure"))
        job.variants[label] = (
            failed_variant(request.url, label, request.meta["zw_ua"], typed),
            None,
        )
        async for item in self._maybe_emit(job):
            yield item

    async def _close(self, page: PlaywrightPage | None) -> None:
        if page is None:
            return
        try:
            await asyncio.wait_for(page.close(), 10)
        except (PlaywrightError, TimeoutError) as exc:
            logger.debug("closing page: %s", exc)

    async def _maybe_emit(self, job: PageJob) -> AsyncIterator[Page]:
        if job.emitted or not job.complete():
            return
        job.emitted = True
        page = await build_page(job, self.enricher)
        self.jobs.pop(job.index, None)
        yield page
