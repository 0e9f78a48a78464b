"""scrapy-playwright's download handler, bounded in time as a whole and started lazily.

After the navigation, scrapy-playwright reads the page's DOM with no time limit; a page whose
script never yields (`for (;;) {}`) would hold that read, and the whole run, forever. Here the
entire browser download gets the request's deadline; past it the download fails as a time-out
and the spider's errback closes the page.

scrapy-playwright starts its Playwright driver and Chromium (the startup contexts) when the
engine starts; here they start with the first request that needs the browser, so a crawl that
renders nothing (a cheap stage that escalated nothing, a `check` of plain pages) never pays
for them (about 1 s of CPU and 125-250 MiB).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import DownloadTimeoutError
from scrapy.http import Response
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

from core.config import Settings
from core.netpath.browser import egress_proxy_option
from core.netpath.egressproxy import EgressProxy
from crawler import watchdog
from crawler.spider_config import DEFAULT_DEADLINE
from crawler.tlscontext import SharedContextPolicy

logger = logging.getLogger(__name__)

#: seconds the browser may take to close its contexts at the end of a run
CLOSE_SECONDS = 30.0
#: request.meta key: seconds the whole browser download may take
DEADLINE_META_KEY = "zw_browser_deadline"
#: a renderer using more private memory than this is killed, and the largest while all together
#: use more than the total (at least 96 MiB per page rendered at once). Ordinary pages stay far
#: below: checking the labelled world 4 pages at once, the largest renderer used 56 MiB and all
#: of them together 256 MiB (`zhenwei -v check` logs both at its end).
DEFAULT_RENDERER_MAX_MB = 256
DEFAULT_RENDERERS_MAX_MB = 320
PAGE_SHARE_MB = 80
#: a renderer that keeps a core busy this long (or 1.5 deadlines) is stuck in a loop
DEFAULT_SPIN_SECONDS = 90.0
_SHARED_ATTR = "_zhenwei_browser_handler"


#: seconds an idle plain-fetch connection stays open for reuse
IDLE_CONNECTION_SECONDS = 10.0


class BoundedPlaywrightHandler(ScrapyPlaywrightDownloadHandler):  # type: ignore[misc]
    """ScrapyPlaywrightDownloadHandler with one deadline per browser download and a memory
    ceiling on its renderers (`crawler.watchdog`, ZHENWEI_RENDERER_MAX_MB; 0 turns it off)."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BoundedPlaywrightHandler:
        # Scrapy builds one handler per scheme; each would launch its own Playwright driver
        # and Chromium (≈300 MiB). http and https share this one.
        shared = getattr(crawler, _SHARED_ATTR, None)
        if isinstance(shared, cls):
            return shared
        handler = cls(crawler)
        setattr(crawler, _SHARED_ATTR, handler)
        return handler

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        # Plain fetches: a crawl meets each host once (its variants within seconds), so an idle
        # connection is closed after IDLE_CONNECTION_SECONDS, not Twisted's 240 s — each kept
        # TLS tunnel holds ~50 KB of OpenSSL buffers (a 10,000-candidate night: hundreds of MB).
        self._pool.cachedConnectionTimeout = crawler.settings.getfloat(
            "ZHENWEI_IDLE_CONNECTION_SECONDS", IDLE_CONNECTION_SECONDS
        )
        # one OpenSSL context for all TLS connections, not one each (crawler.tlscontext)
        self._contextFactory = SharedContextPolicy(self._contextFactory)  # type: ignore[has-type]
        mib = 1024 * 1024
        limit = crawler.settings.getint("ZHENWEI_RENDERER_MAX_MB", DEFAULT_RENDERER_MAX_MB)
        pages = crawler.settings.getint("PLAYWRIGHT_MAX_PAGES_PER_CONTEXT", 4)
        total = crawler.settings.getint(
            "ZHENWEI_RENDERERS_MAX_MB", max(DEFAULT_RENDERERS_MAX_MB, PAGE_SHARE_MB * pages)
        )
        deadline = crawler.settings.getfloat("ZHENWEI_FETCH_TIMEOUT", DEFAULT_DEADLINE)
        spin = crawler.settings.getfloat(
            "ZHENWEI_RENDERER_SPIN_SECONDS", max(DEFAULT_SPIN_SECONDS, 1.5 * deadline)
        )
        self._watchdog_limits = (limit * mib, total * mib, spin) if limit > 0 else None
        self._watchdog: watchdog.RendererWatchdog | None = None
        self._closed = False
        self._launched = False
        self._launch_lock = asyncio.Lock()
        self._egress: EgressProxy | None = None
        if crawler.settings.getbool("ZHENWEI_EGRESS_PROXY", True):
            # Chromium's every connection passes the egress policy (core.netpath.egressproxy);
            # the unit's proxy, if any, is the egress proxy's upstream.
            zw = getattr(crawler.spider, "zw", None) if crawler.spider is not None else None
            self._egress = EgressProxy(zw if isinstance(zw, Settings) else Settings.from_env())
            self.config.launch_options["proxy"] = egress_proxy_option(self._egress.start())

    async def _launch(self) -> None:
        """Nothing at engine start (scrapy-playwright's launch): see `_ensure_launched`."""

    async def _ensure_launched(self) -> None:
        """Starts the driver, the renderer watchdog and the startup contexts, once: concurrent
        first requests wait for the one launch. A driver that fails to start fails the request
        (the next one tries again). Startup contexts that fail (Chromium did not launch) are
        only logged, as at engine start: each page then creates its context on demand."""
        async with self._launch_lock:
            if self._launched:
                return
            if self._closed:
                raise RuntimeError("the browser handler is closed")
            provider = self.browser_provider_cls(self.config)
            try:
                await provider.start()
            except BaseException:
                await _quietly(provider.close(), "closing the driver that failed to start")
                raise
            self.browser_provider = provider
            self._launched = True
            if self._watchdog_limits is not None:
                self._watchdog = watchdog.acquire(*self._watchdog_limits)
            try:
                await self._start_contexts()
            except Exception as exc:  # noqa: BLE001 - retried by the pages themselves
                logger.error("browser startup contexts failed: %r", exc)

    async def _start_contexts(self) -> None:
        """scrapy-playwright's startup contexts (PLAYWRIGHT_CONTEXTS), as its `_launch` does."""
        if not self.config.startup_context_kwargs:
            return
        await asyncio.gather(
            *(
                self._create_browser_context(name=name, context_kwargs=kwargs)
                for name, kwargs in self.config.startup_context_kwargs.items()
            )
        )
        self._set_stats_max_concurrent_context_count()
        self.stats.set_value("playwright/page_count", self._get_total_page_count())

    async def _close(self) -> None:
        # After a launch under way (it ends, or fails), never during it; none starts after.
        async with self._launch_lock:
            await super()._close()

    async def close(self) -> None:
        if self._closed:  # closed once per scheme it serves
            return
        self._closed = True
        try:
            await asyncio.wait_for(super().close(), CLOSE_SECONDS)
        except TimeoutError:
            # A page whose renderer hangs (or whose request never ends) can hold
            # BrowserContext.close() forever, and the whole run with it: every page has its
            # result by now, so the browser is killed instead.
            killed = watchdog.kill_browsers()
            logger.warning(
                "browser did not close in %.0f s: killed the Playwright driver and Chromium "
                "(%d processes)",
                CLOSE_SECONDS,
                len(killed),
            )
            await self._stop_driver()
        finally:
            if self._egress is not None:
                self._egress.close()
                self._egress = None
            if self._watchdog is not None:
                self._watchdog = None
                watchdog.release()

    async def _stop_driver(self) -> None:
        """Lets Playwright's client notice its dead driver (bounded: it only reads EOF)."""
        provider = getattr(self, "browser_provider", None)
        if provider is not None:  # none when no request ever needed the browser
            await _quietly(provider.close(), "stopping the killed driver")

    async def download_request(self, request: Request) -> Response:
        if request.meta.get("playwright"):
            # outside the page's deadline, as the launch at engine start was; a failure fails
            # this request (the spider's errback makes it a typed failure)
            await self._maybe_future_from_coro(self._ensure_launched())
        download = super().download_request(request)
        seconds = request.meta.get(DEADLINE_META_KEY)
        if not request.meta.get("playwright") or not seconds:
            response: Response = await download
            return response
        try:
            response = await asyncio.wait_for(download, float(seconds))
        except TimeoutError:
            raise DownloadTimeoutError(
                f"browser download of {request.url} took longer than {float(seconds):.0f} s"
            ) from None
        return response


async def _quietly(closing: Awaitable[None], what: str) -> None:
    """Awaits a driver's ending, bounded (it only reads EOF); its errors are only logged."""
    try:
        await asyncio.wait_for(closing, 10)
    except Exception as exc:  # noqa: BLE001 - the driver is dead or never started
        logger.debug("%s: %r", what, exc)
