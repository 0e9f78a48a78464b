"""The egress policy in the crawl: Scrapy requests (and every redirect) and Chromium's.

- `EgressMiddleware` (a downloader middleware) checks each Scrapy request before it is
  downloaded. A redirect comes back from RedirectMiddleware as a new request and passes
  here again, so every hop is checked before its connection.
- `browser_guard` is the route check of every request a Chromium page or popup makes
  (navigations, sub-resources, each hop of a redirected document; see crawler.recorder).

A refused request fails with `EgressRefused`; crawler.failures reads it as FailureKind.BLOCKED.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler

from core.config import Settings
from core.netpath.dns import Resolver
from core.netpath.egress import EgressPolicy, EgressRefused

logger = logging.getLogger(__name__)

#: request.meta key under which the spider leaves its Settings for the browser's route check
SETTINGS_META_KEY = "zw_settings"


@lru_cache(maxsize=8)
def resolver_for(settings: Settings) -> Resolver:
    """One resolver (and its answer cache) per Settings: a page's sub-resources share it."""
    return Resolver(settings)


class EgressMiddleware:
    """Refuses, before any connection, a request whose address the egress policy refuses."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.policy: EgressPolicy = settings.egress

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> EgressMiddleware:
        zw = getattr(crawler.spider, "zw", None) if crawler.spider is not None else None
        return cls(zw if isinstance(zw, Settings) else Settings.from_env())

    async def process_request(self, request: Request) -> None:
        zw = request.meta.get(SETTINGS_META_KEY)
        settings = zw if isinstance(zw, Settings) else self.settings
        try:
            await settings.egress.acheck_url(request.url, resolver_for(settings))
        except EgressRefused as exc:
            logger.warning("blocked %s: %s", request.url, exc.why)
            raise
        return None


async def browser_guard(route: Any, settings: Settings) -> bool:
    """Abort `route` when its URL is refused (True), else leave it to the next handler."""
    url = route.request.url
    if not url.startswith(("http://", "https://", "ws://", "wss://")):
        return False
    try:
        await settings.egress.acheck_url(url, resolver_for(settings))
    except EgressRefused as exc:
        logger.warning("browser request blocked %s: %s", url, exc.why)
        try:
            await route.abort("blockedbyclient")
        except Exception as abort_exc:  # noqa: BLE001 - the page may be gone already
            logger.debug("abort of %s: %s", url, abort_exc)
        return True
    return False
