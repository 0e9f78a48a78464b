"""CandidatesSpider: each candidate fetched once, rendered once, emitted as one frozen Page.

Per candidate, three things run at the same time and meet in a `_Job`:
- the browser load (scrapy-playwright; `crawler.render` records it),
- plain Scrapy fetches as a search-engine crawler and as the other browser identity
  (cloaking variants; FETCH_VARIANTS),
- DNS / WHOIS / TLS enrichment in worker threads, each bounded in time.
Whichever part finishes last yields the Page. Every failure becomes `Page.error`.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import scrapy
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page as PlaywrightPage
from scrapy.crawler import Crawler
from scrapy.exceptions import StopDownload
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from core import __version__
from core.config import Settings
from core.netpath.dns import Resolver
from core.netpath.domains import is_ip, registrable_domain, to_ascii
from core.netpath.http import proxy_for
from core.netpath.tls import check_tls
from core.netpath.whois import WhoisClient
from core.types import Candidate, DnsFacts, Page, PageVariant, TlsFacts, WhoisFacts
from crawler.render import (
    LIMITS_META_KEY,
    RECORDER_META_KEY,
    PageRecorder,
    RenderLimits,
    RenderResult,
    drain_failed,
    harvest,
    init_page,
)
from crawler.warc import Exchange, cap_body, write_warc

logger = logging.getLogger(__name__)

#: how Baidu's crawler announces itself: what a cloaking site shows search engines
CRAWLER_UA = "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)"
DEFAULT_DEADLINE = 60.0

T = TypeVar("T")
_TEXT_TYPES = ("text/", "html", "xml", "json", "javascript")


class BadURL(ValueError):
    """A candidate that is not a fetchable http(s) URL or host name."""


def normalise_url(raw: str) -> str:
    """`host` or `host/path` → `http://host/path`; http(s) URLs unchanged. Raises BadURL."""
    text = raw.strip()
    if not text:
        raise BadURL("空网址")
    if "://" not in text:
        text = "http://" + text.lstrip("/")
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https"):
        raise BadURL(f"不支持的协议 {parts.scheme!r}（只抓取 http/https）")
    try:
        host = parts.hostname
        _ = parts.port
    except ValueError as exc:
        raise BadURL(f"网址格式错误：{exc}") from None
    if not host or any(c.isspace() for c in text) or not re.fullmatch(r"[^\s/?#@]+", host):
        raise BadURL("网址中没有有效的主机名")
    return text if parts.path else text + "/"


def is_mobile(candidate: Candidate) -> bool:
    """QR-code result pages are opened inside WeChat on a phone, so they are fetched that way."""
    return bool(candidate.context.get("mobile")) or candidate.source == "qr"


def capture_slug(url: str) -> str:
    """Directory name for one capture: host plus a short hash of the URL."""
    host = (urlsplit(url).hostname or "page").lower()
    host = re.sub(r"[^a-z0-9.-]+", "_", to_ascii(host))[:80] or "page"
    return f"{host}-{hashlib.sha256(url.encode()).hexdigest()[:10]}"


@dataclass
class _Job:
    index: int
    candidate: Candidate
    url: str
    mobile: bool
    started: float
    fetched_at: datetime
    capture_dir: Path
    variant_labels: tuple[str, ...]
    dns: asyncio.Future[DnsFacts | None] | None = None
    whois: asyncio.Future[WhoisFacts | None] | None = None
    tls: asyncio.Future[TlsFacts | None] | None = None
    render: RenderResult | None = None
    render_error: str | None = None
    render_exchanges: tuple[Exchange, ...] = ()
    render_done: bool = False
    render_events: tuple[str, ...] = ()
    variants: dict[str, tuple[PageVariant, Exchange | None]] = field(default_factory=dict)
    emitted: bool = False

    def complete(self) -> bool:
        return self.render_done and all(label in self.variants for label in self.variant_labels)


def failure_reason(exc: BaseException | str, deadline: float) -> str:
    """A one-sentence Chinese reason for a failed load, with the technical cause in brackets."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    low = text.lower() + " " + type(exc).__name__.lower()
    if "timeout" in low or "timed out" in low:
        reason = f"网站在 {deadline:.0f} 秒时限内没有完成加载（超时）"
    elif "name_not_resolved" in low or "dnslookup" in low or "unresolvable" in low:
        reason = "域名无法解析，网站可能已下线"
    elif "connection_refused" in low or "connectionrefused" in low:
        reason = "连接被拒绝，网站可能已下线"
    elif "tunnel_connection_failed" in low:
        reason = "代理无法连接到该网站，网站可能已下线"
    elif "download" in low:
        reason = "该网址直接推送文件下载，下载已中止"
    elif "cert" in low or "ssl" in low:
        reason = "TLS 连接失败"
    elif "connection" in low or "empty_response" in low or "reset" in low:
        reason = "连接中断，网站没有正常应答"
    else:
        reason = "抓取失败"
    return f"{reason}（{text[:300]}）"


def gateway_error(status: int | None, dns: DnsFacts | None) -> str | None:
    """A gateway error is the site not being served, whoever answered it.

    Over plain HTTP a forward proxy answers a name that no longer resolves, or a server that
    refuses, with its own 502/503/504 page, which the browser renders like any other; a site's
    own front proxy does the same when the site behind it is gone. Either way the site is down:
    recording it as an error lets takedown re-checks see it (the page is still captured).
    """
    if status not in (502, 503, 504):
        return None
    if dns is not None and not (dns.a or dns.aaaa or dns.cname):
        why = f"；DNS：{dns.error}" if dns.error else ""
        return f"域名无法解析，网站可能已下线（代理返回 HTTP {status}{why}）"
    return f"网站没有正常提供内容（HTTP {status} 网关错误），可能已下线"


class CandidatesSpider(scrapy.Spider):
    """Fetch + render each candidate once; yield one Page per candidate, in any order."""

    name = "candidates"

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
        # `scrapy crawl candidates -a urls=a,b` for manual runs
        listed += [Candidate(u.strip(), "cli", now) for u in urls.split(",") if u.strip()]
        self.candidates = listed
        self.zw = zw_settings or Settings.from_env()
        self.jobs: dict[int, _Job] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> CandidatesSpider:
        spider: CandidatesSpider = super().from_crawler(crawler, *args, **kwargs)
        s = crawler.settings
        spider.deadline = s.getfloat("ZHENWEI_FETCH_TIMEOUT", DEFAULT_DEADLINE)
        spider.fetch_variants = s.getbool("FETCH_VARIANTS", True)
        spider.crawler_ua = s.get("ZHENWEI_CRAWLER_USER_AGENT") or CRAWLER_UA
        root = s.get("ZHENWEI_CAPTURE_ROOT")
        spider.capture_root = Path(root) if root else None
        spider.max_body = s.getint("ZHENWEI_MAX_WARC_BODY", 8 * 1024 * 1024)
        spider.enrich = s.getbool("ZHENWEI_ENRICH", True)
        step = min(15.0, max(2.0, spider.deadline * 0.15))
        spider.limits = RenderLimits(
            max_body=spider.max_body,
            settle_seconds=min(5.0, max(1.0, spider.deadline * 0.08)),
            step_seconds=step,
            document_seconds=spider.deadline * 0.6,
        )
        spider.pool = ThreadPoolExecutor(max_workers=16, thread_name_prefix="zw-enrich")
        spider.resolver = Resolver(spider.zw)
        spider.whois_client = WhoisClient(spider.zw)
        cache_dir = s.get("ZHENWEI_CACHE_DIR")
        if cache_dir:
            # nightly runs: WHOIS once per registrable domain per TTL, DNS per host per TTL
            from core.netpath.cache import CachedResolver, CachedWhois

            spider.resolver = CachedResolver(  # type: ignore[assignment]
                spider.resolver, Path(cache_dir), s.getfloat("ZHENWEI_DNS_TTL", 3600.0)
            )
            spider.whois_client = CachedWhois(  # type: ignore[assignment]
                spider.whois_client, Path(cache_dir), s.getfloat("ZHENWEI_WHOIS_TTL", 7 * 86400.0)
            )
        crawler.signals.connect(spider.on_closed, signal=scrapy.signals.spider_closed)
        crawler.signals.connect(spider.on_headers, signal=scrapy.signals.headers_received)
        return spider

    # Attributes set in from_crawler (typed here for mypy).
    deadline: float
    fetch_variants: bool
    crawler_ua: str
    capture_root: Path | None
    max_body: int
    enrich: bool
    limits: RenderLimits
    pool: ThreadPoolExecutor
    resolver: Resolver
    whois_client: WhoisClient

    def on_closed(self, spider: scrapy.Spider) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)

    def on_headers(self, headers: Any, request: scrapy.Request) -> None:
        """Plain fetches stop at the headers of anything that is not a page (downloads)."""
        if not request.meta.get("zw_variant"):
            return
        ctype = (headers.get(b"Content-Type") or b"").decode("latin-1").lower()
        if ctype and not any(t in ctype for t in _TEXT_TYPES):
            raise StopDownload(fail=False)

    # -- scheduling --------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        used: set[str] = set()
        for index, candidate in enumerate(self.candidates):
            fetched_at = datetime.now(UTC)
            try:
                url = normalise_url(candidate.url)
            except BadURL as exc:
                yield self._error_page(candidate, candidate.url, fetched_at, f"无效网址：{exc}")
                continue
            job = _Job(
                index=index,
                candidate=candidate,
                url=url,
                mobile=is_mobile(candidate),
                started=time.monotonic(),
                fetched_at=fetched_at,
                capture_dir=self._capture_dir(url, used),
                variant_labels=self._variant_labels(is_mobile(candidate)),
            )
            self.jobs[index] = job
            self._start_enrichment(job)
            yield self._render_request(job)
            for label in job.variant_labels:
                yield self._variant_request(job, label)

    def _capture_dir(self, url: str, used: set[str]) -> Path:
        if self.capture_root is None:
            return Path(tempfile.mkdtemp(prefix="zhenwei-capture-"))
        slug = capture_slug(url)
        name, n = slug, 1
        while name in used:
            n += 1
            name = f"{slug}-{n}"
        used.add(name)
        return self.capture_root / name

    def _variant_labels(self, mobile: bool) -> tuple[str, ...]:
        if not self.fetch_variants:
            return ()
        return ("crawler", "desktop") if mobile else ("crawler", "wechat")

    def _render_request(self, job: _Job) -> scrapy.Request:
        nav_ms = round(self.deadline * 0.6 * 1000)
        return scrapy.Request(
            job.url,
            callback=self.parse_page,
            errback=self.render_failed,
            dont_filter=True,
            meta={
                "playwright": True,
                "playwright_include_page": True,
                "playwright_context": "mobile" if job.mobile else "desktop",
                "playwright_page_init_callback": init_page,
                "playwright_page_goto_kwargs": {
                    "wait_until": "domcontentloaded",
                    "timeout": nav_ms,
                },
                LIMITS_META_KEY: self.limits,
                "zw_index": job.index,
                "download_timeout": self.deadline * 0.6,
            },
        )

    def _variant_request(self, job: _Job, label: str) -> scrapy.Request:
        ua = {
            "crawler": self.crawler_ua,
            "wechat": self.zw.wechat_user_agent,
            "desktop": self.zw.desktop_user_agent,
        }[label]
        return scrapy.Request(
            job.url,
            headers={"User-Agent": ua, "Accept-Language": "zh-CN,zh;q=0.9"},
            callback=self.parse_variant,
            errback=self.variant_failed,
            dont_filter=True,
            meta={
                "proxy": proxy_for(job.url, self.zw),
                "zw_index": job.index,
                "zw_variant": label,
                "zw_ua": ua,
                "cookiejar": f"{job.index}-{label}",
                "download_timeout": self.deadline * 0.6,
            },
        )

    # -- enrichment (worker threads, bounded) ------------------------------------------

    def _start_enrichment(self, job: _Job) -> None:
        if not self.enrich:
            return
        host = to_ascii(urlsplit(job.url).hostname or "")
        job.dns = self._in_thread(self.resolver.lookup, host)
        if not is_ip(host):
            job.whois = self._in_thread(self.whois_client.lookup, registrable_domain(host))
        if urlsplit(job.url).scheme == "https":
            job.tls = self._start_tls(host, urlsplit(job.url).port or 443)

    def _start_tls(self, host: str, port: int) -> asyncio.Future[TlsFacts | None]:
        timeout = min(10.0, self.deadline * 0.3)
        return self._in_thread(lambda: check_tls(host, port, self.zw, timeout=timeout))

    def _in_thread(self, fn: Callable[..., T], *args: Any) -> asyncio.Future[T | None]:
        loop = asyncio.get_running_loop()
        inner = loop.run_in_executor(self.pool, fn, *args)
        return asyncio.ensure_future(self._bounded(inner, self.deadline * 0.5))

    @staticmethod
    async def _bounded(fut: asyncio.Future[Any], seconds: float) -> Any:
        try:
            return await asyncio.wait_for(fut, seconds)
        except TimeoutError:
            logger.info("enrichment step timed out after %.0f s", seconds)
            return None

    # -- callbacks ---------------------------------------------------------------------

    async def parse_page(self, response: Response) -> AsyncIterator[Page]:
        job = self.jobs[response.meta["zw_index"]]
        page: PlaywrightPage | None = response.meta.get("playwright_page")
        recorder: PageRecorder | None = response.meta.get(RECORDER_META_KEY)
        try:
            if page is None or recorder is None:
                job.render_error = "浏览器没有返回页面（内部错误）"
            else:
                job.render = await harvest(page, recorder, response.status)
        except PlaywrightError as exc:
            job.render_error = failure_reason(exc, self.deadline)
        finally:
            await self._close(page)
        job.render_done = True
        async for item in self._maybe_emit(job):
            yield item

    async def render_failed(self, failure: Failure) -> AsyncIterator[Page]:
        request = failure.request  # type: ignore[attr-defined]
        job = self.jobs[request.meta["zw_index"]]
        page: PlaywrightPage | None = request.meta.get("playwright_page")
        recorder: PageRecorder | None = request.meta.get(RECORDER_META_KEY)
        job.render_error = failure_reason(failure.value or "unknown failure", self.deadline)
        logger.info("render of %s failed: %s", job.url, failure.value)
        try:
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
        label = response.meta["zw_variant"]
        job.variants[label] = (self._variant(response, label), self._exchange(response))
        async for item in self._maybe_emit(job):
            yield item

    async def variant_failed(self, failure: Failure) -> AsyncIterator[Page]:
        request = failure.request  # type: ignore[attr-defined]
        job = self.jobs[request.meta["zw_index"]]
        label = request.meta["zw_variant"]
        response = getattr(failure.value, "response", None)  # HttpError keeps the response
        if isinstance(response, Response):
            job.variants[label] = (self._variant(response, label), self._exchange(response))
        else:
            variant = PageVariant(
                user_agent=request.meta["zw_ua"],
                label=label,
                status=None,
                final_url=request.url,
                title="",
                visible_text="",
                raw_html="",
                error=failure_reason(failure.value or "unknown failure", self.deadline),
            )
            job.variants[label] = (variant, None)
        async for item in self._maybe_emit(job):
            yield item

    async def _close(self, page: PlaywrightPage | None) -> None:
        if page is None:
            return
        try:
            await asyncio.wait_for(page.close(), 10)
        except (PlaywrightError, TimeoutError) as exc:
            logger.debug("closing page: %s", exc)

    def _variant(self, response: Response, label: str) -> PageVariant:
        raw = title = text = ""
        if isinstance(response, TextResponse) and "\x00" not in response.text:
            raw = response.text
            title = (response.xpath("//title/text()").get() or "").strip()
            nodes = response.xpath(
                "//body//text()[not(ancestor::script) and not(ancestor::style)"
                " and not(ancestor::noscript)]"
            ).getall()
            text = "\n".join(n.strip() for n in nodes if n.strip())
        return PageVariant(
            user_agent=response.meta["zw_ua"],
            label=label,
            status=response.status,
            final_url=response.url,
            title=title,
            visible_text=text,
            raw_html=raw,
        )

    def _exchange(self, response: Response) -> Exchange:
        request = response.request
        assert request is not None

        def pairs(headers: Any) -> tuple[tuple[str, str], ...]:
            return tuple(
                (k.decode("latin-1"), v.decode("latin-1"))
                for k, values in headers.items()
                for v in values
            )

        body, truncated = cap_body(response.body, self.max_body)
        try:
            reason = HTTPStatus(response.status).phrase
        except ValueError:
            reason = ""
        return Exchange(
            url=response.url,
            method=request.method,
            request_headers=pairs(request.headers),
            request_body=request.body,
            started_at=datetime.now(UTC),
            status=response.status,
            reason=reason,
            response_headers=pairs(response.headers),
            body=body,
            truncated=truncated,
            resource_type="variant:" + str(response.meta.get("zw_variant", "")),
        )

    # -- assembling the Page -----------------------------------------------------------

    async def _maybe_emit(self, job: _Job) -> AsyncIterator[Page]:
        if job.emitted or not job.complete():
            return
        job.emitted = True
        page = await self._build(job)
        self.jobs.pop(job.index, None)
        yield page

    async def _facts(self, job: _Job, final_url: str) -> tuple[Any, Any, Any]:
        # Late TLS check when an http candidate ended on an https page.
        if job.tls is None and self.enrich and urlsplit(final_url).scheme == "https":
            parts = urlsplit(final_url)
            job.tls = self._start_tls(to_ascii(parts.hostname or ""), parts.port or 443)
        out = []
        for fut in (job.dns, job.whois, job.tls):
            out.append(await fut if fut is not None else None)
        return out[0], out[1], out[2]

    async def _build(self, job: _Job) -> Page:
        r = job.render
        final_url = r.final_url if r is not None else job.url
        dns, whois, tls = await self._facts(job, final_url)
        user_agent = self.zw.wechat_user_agent if job.mobile else self.zw.desktop_user_agent
        variants = tuple(job.variants[label][0] for label in job.variant_labels)
        exchanges = list(r.exchanges if r is not None else job.render_exchanges)
        exchanges += [ex for label in job.variant_labels if (ex := job.variants[label][1])]
        warc = job.capture_dir / "capture.warc.gz"
        info = {
            "operator-tool": f"zhenwei {__version__}",
            "http-header-user-agent": user_agent,
            "isPartOf": job.url,
            "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "description": "page load (browser) and plain fetches (cloaking variants)",
        }
        warc_path: str | None = str(warc)
        try:
            await asyncio.to_thread(write_warc, warc, exchanges, info)
        except OSError as exc:
            logger.warning("cannot write WARC %s: %s", warc, exc)
            warc_path = None
        error = job.render_error
        if error is None and r is not None:
            error = gateway_error(r.status, dns)
        if error is None and r is not None and r.problems and not r.screenshot_png:
            error = "页面已加载，但截图失败（" + "; ".join(r.problems)[:300] + "）"
        timings: dict[str, Any] = dict(r.timings) if r is not None else {}
        timings["total_ms"] = round((time.monotonic() - job.started) * 1000, 1)
        if r is not None and r.problems:
            timings["problems"] = list(r.problems)
        events = r.events if r is not None else job.render_events
        return Page(
            url=job.candidate.url,
            final_url=final_url,
            status=r.status if r is not None else None,
            fetched_at=job.fetched_at,
            user_agent=user_agent,
            redirects=r.redirects if r is not None else (),
            headers=r.headers if r is not None else (),
            raw_html=r.raw_html if r is not None else "",
            rendered_html=r.rendered_html if r is not None else "",
            title=r.title if r is not None else "",
            visible_text=r.visible_text if r is not None else "",
            screenshot_png=r.screenshot_png if r is not None else b"",
            viewport_png=r.viewport_png if r is not None else b"",
            favicon=r.favicon if r is not None else b"",
            resources=r.resources if r is not None else (),
            images=r.images if r is not None else (),
            tls=tls,
            dns=dns,
            whois=whois,
            timings=timings,
            error=error,
            capture_dir=str(job.capture_dir) if self.capture_root is not None else None,
            source=job.candidate.source,
            variants=variants,
            warc_path=warc_path,
            browser_events=tuple(events),
        )

    def _error_page(self, candidate: Candidate, url: str, fetched_at: datetime, error: str) -> Page:
        return Page(
            url=candidate.url,
            final_url=url,
            status=None,
            fetched_at=fetched_at,
            user_agent=self.zw.desktop_user_agent,
            error=error,
            source=candidate.source,
        )
