"""scrapy-playwright's download handler, bounded in time as a whole.

After the navigation, scrapy-playwright reads the page's DOM with no time limit; a page whose
script never yields (`for (;;) {}`) would hold that read, and the whole run, forever. Here the
entire browser download gets the request's deadline; past it the download fails as a time-out
and the spider's errback closes the page.
"""

from __future__ import annotations

import asyncio

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import DownloadTimeoutError
from scrapy.http import Response
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

from crawler import watchdog
from crawler.spider_config import DEFAULT_DEADLINE

#: request.meta key: seconds the whole browser download may take
DEADLINE_META_KEY = "zw_browser_deadline"
#: a renderer using more private memory than this is killed, and the largest while all together
#: use more than the total (at least 96 MiB per page rendered at once). Ordinary pages stay far
#: below: checking the labelled world 4 pages at once, the largest renderer used 56 MiB and all
#: of them together 256 MiB (`zhenwei -v check` logs both at its end).
DEFAULT_RENDERER_MAX_MB = 256
DEFAULT_RENDERERS_MAX_MB = 384
PAGE_SHARE_MB = 96
#: a renderer that keeps a core busy this long (or 1.5 deadlines) is stuck in a loop
DEFAULT_SPIN_SECONDS = 90.0
_SHARED_ATTR = "_zhenwei_browser_handler"


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
        self._watchdog = watchdog.acquire(limit * mib, total * mib, spin) if limit > 0 else None
        self._closed = False

    async def close(self) -> None:
        if self._closed:  # closed once per scheme it serves
            return
        self._closed = True
        try:
            await super().close()
        finally:
            if self._watchdog is not None:
                self._watchdog = None
                watchdog.release()

    async def download_request(self, request: Request) -> Response:
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
