"""scrapy-playwright's download handler, bounded in time as a whole.

After the navigation, scrapy-playwright reads the page's DOM with no time limit; a page whose
script never yields (`for (;;) {}`) would hold that read, and the whole run, forever. Here the
entire browser download gets the request's deadline; past it the download fails as a time-out
and the spider's errback closes the page.
"""

from __future__ import annotations

import asyncio

from scrapy import Request
from scrapy.exceptions import DownloadTimeoutError
from scrapy.http import Response
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

#: request.meta key: seconds the whole browser download may take
DEADLINE_META_KEY = "zw_browser_deadline"


class BoundedPlaywrightHandler(ScrapyPlaywrightDownloadHandler):  # type: ignore[misc]
    """ScrapyPlaywrightDownloadHandler with one deadline per browser download."""

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
