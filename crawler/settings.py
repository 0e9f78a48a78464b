"""Scrapy settings of zhenwei (scrapy.cfg → crawler.settings).

The static part is module constants. The part that depends on the environment (proxy in the
browser launch options, browser identities, deadlines) comes from `playwright_settings(zw)`:
`crawler.runner` passes its own `Settings`; a bare `scrapy crawl pages` gets them from
`NetworkPathAddon`, which reads the environment once through `Settings.from_env()`.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.logformatter import LogFormatter, LogFormatterResult

from core import __version__
from core.config import Settings
from core.netpath.browser import context_options, launch_options
from crawler.context import Escalated

BOT_NAME = "zhenwei"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
DOWNLOAD_HANDLERS = {
    "http": "crawler.handler.BoundedPlaywrightHandler",
    "https": "crawler.handler.BoundedPlaywrightHandler",
}
ADDONS = {"crawler.settings.NetworkPathAddon": 0}
# Back-pressure first (a download waits while the pipelines are behind; crawler.backpressure),
# then the egress policy: no request (nor redirect) reaches a downloader before it passed.
DOWNLOADER_MIDDLEWARES = {
    "crawler.backpressure.ScraperBacklogMiddleware": 40,
    "crawler.egress.EgressMiddleware": 50,
}
ZHENWEI_SCRAPER_BACKLOG = 32  # responses in the scraper before downloads wait (0: off)

# Evidence gathering, not scraping: a counterfeit's robots.txt does not bar us, and asking for it
# would be one more request that tells the site someone is looking.
ROBOTSTXT_OBEY = False
# One try per URL keeps every fetch inside its deadline; a re-check is a new crawl.
RETRY_ENABLED = False
# One item at most per response: Scrapy's default (100) starts 100 tasks for every response's
# output, and the generator-return check parses each callback's source per response; both
# cost more than scoring a page in the cheap stage (bench/bench_two_stage.py --profile).
CONCURRENT_ITEMS = 4
WARN_ON_GENERATOR_RETURN_VALUE = False
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False  # no listening sockets in a crawler process
COOKIES_ENABLED = True
REDIRECT_MAX_TIMES = 10
HTTPERROR_ALLOW_ALL = True  # a 404 or 502 page is still evidence
# Plain fetches stop past 8 MB, inflated size included (Scrapy bounds decompression by it):
# a bomb or a 60 MB body ends as a too-large failure, never in memory (issue 9, finding 8).
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
USER_AGENT = Settings().desktop_user_agent
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
LOG_LEVEL = "INFO"
LOG_FORMATTER = "crawler.settings.ShortLogFormatter"

# Browser: the browser's own headers (its user agent, Accept-Language) go out unchanged.
PLAYWRIGHT_PROCESS_REQUEST_HEADERS = None
PLAYWRIGHT_ABORT_REQUEST = "crawler.recorder.should_abort"
PLAYWRIGHT_BROWSER_TYPE = "chromium"
PLAYWRIGHT_MAX_CONTEXTS = 2  # desktop + mobile

# zhenwei's own knobs (parsed once by crawler.spider_config.SpiderConfig)
ZHENWEI_FETCH_TIMEOUT = 60.0  # seconds per URL, whole capture
ZHENWEI_VARIANTS = True  # also fetch as a crawler and as the other identity (cloaking check)
ZHENWEI_MAX_WARC_BODY = 8 * 1024 * 1024
ZHENWEI_ENRICH = True  # DNS, WHOIS, TLS facts
ZHENWEI_VERSION = __version__
# Read by crawler.handler when set (defaults there, so that the total scales with pages at once):
# ZHENWEI_RENDERER_MAX_MB (256; 0 turns the renderer watchdog off), ZHENWEI_RENDERERS_MAX_MB
# (max(320, 80 × pages at once)), ZHENWEI_RENDERER_SPIN_SECONDS (max(90, 1.5 × the timeout)),
# ZHENWEI_SETTLE_SECONDS (wait for late scripts; `reference update` sets it longer).


def playwright_settings(
    zw: Settings, *, timeout: float = 60.0, concurrency: int = 4
) -> dict[str, Any]:
    """The environment-dependent settings: browser launch (proxy), identities, bounds."""
    concurrency = max(1, concurrency)
    return {
        "PLAYWRIGHT_LAUNCH_OPTIONS": launch_options(zw),
        "PLAYWRIGHT_CONTEXTS": {
            "desktop": context_options(zw, mobile=False),
            "mobile": context_options(zw, mobile=True),
        },
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": concurrency,
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": round(timeout * 0.6 * 1000),
        "ZHENWEI_FETCH_TIMEOUT": timeout,
        "DOWNLOAD_TIMEOUT": max(1.0, timeout * 0.6),
        # the page load plus two plain fetches per candidate
        "CONCURRENT_REQUESTS": concurrency * 3,
        "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency * 3,
        "USER_AGENT": zw.desktop_user_agent,
    }


class NetworkPathAddon:
    """Fills the environment-dependent settings for a plain `scrapy crawl` run."""

    def update_settings(self, settings: Any) -> None:
        if settings.get("PLAYWRIGHT_LAUNCH_OPTIONS"):
            return  # crawler.runner already set them from its Settings
        timeout = settings.getfloat("ZHENWEI_FETCH_TIMEOUT", 60.0)
        settings.update(playwright_settings(Settings.from_env(), timeout=timeout), priority="addon")


def _short(item: Any, result: LogFormatterResult) -> LogFormatterResult:
    """The same log line with the item named by its URL instead of dumped whole."""
    url = getattr(item, "url", None) or getattr(getattr(item, "page", None), "url", "?")
    args = result["args"]
    if isinstance(args, dict):
        result["args"] = {**args, "item": f"<{type(item).__name__} {url}>"}
    return result


class ShortLogFormatter(LogFormatter):
    """Logs a Page by its URL: the default would dump screenshots and HTML into the log."""

    def scraped(self, item: Any, response: Any, spider: Any) -> LogFormatterResult:
        return _short(item, super().scraped(item, response, spider))

    def dropped(
        self, item: Any, exception: BaseException, response: Any, spider: Any
    ) -> LogFormatterResult:
        result = _short(item, super().dropped(item, exception, response, spider))
        if isinstance(exception, Escalated):
            result["level"] = logging.DEBUG
        return result

    def item_error(
        self, item: Any, exception: BaseException, response: Any, spider: Any
    ) -> LogFormatterResult:
        return _short(item, super().item_error(item, exception, response, spider))
