# Longer than 400 lines: one listener of one page load (routes, events, bounded bodies) kept together.
"""The Playwright listener of one page load: every request and response (capped bodies),
dialogs dismissed, popups closed, downloads cancelled.

scrapy-playwright navigates; `init_page` (its page-init callback) attaches a `PageRecorder`
before the navigation starts. Everything a hostile page can do to stall us is bounded here.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
from playwright.async_api import Dialog, Download, Error, Page, Request, Response, Route

from core.config import Settings
from core.netpath.egress import EgressRefused
from core.netpath.http import document_client
from crawler.docfetch import fetch_document
from crawler.egress import SETTINGS_META_KEY, browser_guard, resolver_for
from crawler.warc import MAX_WARC_BODY, Exchange, cap_body

logger = logging.getLogger(__name__)

#: meta key under which `init_page` leaves the recorder for the spider
RECORDER_META_KEY = "zw_recorder"
LIMITS_META_KEY = "zw_render_limits"
UNFINISHED = "unfinished when the capture was taken"

# Binaries a page may push at a visitor: never fetched (ARCHITECTURE: downloads aborted).
_DOWNLOAD_SUFFIXES = (
    ".apk", ".exe", ".msi", ".dmg", ".pkg", ".ipa", ".zip", ".rar", ".7z", ".tar", ".gz",
    ".bz2", ".xz", ".iso", ".img", ".bin", ".deb", ".rpm", ".jar", ".bat", ".cmd", ".scr",
)  # fmt: skip


def should_abort(request: Request) -> bool:
    """PLAYWRIGHT_ABORT_REQUEST: audio/video streams and binary downloads are never fetched."""
    if request.resource_type in ("media", "websocket", "eventsource"):
        return True
    path = urlsplit(request.url).path.lower()
    return path.endswith(_DOWNLOAD_SUFFIXES)


@dataclass(frozen=True)
class RenderLimits:
    """Bounds of one render; every wait below is capped by one of these."""

    #: cap on one body kept (WARC and resource hashing)
    max_body: int = MAX_WARC_BODY
    #: cap on all bodies of one page load together
    max_total: int = 64 * 1024 * 1024
    #: full-page screenshots taller than this are clipped
    max_screenshot_height: int = 16000
    #: how long to wait for the page to settle after DOMContentLoaded
    settle_seconds: float = 5.0
    #: bound of each browser step after navigation (screenshot, content, ...)
    step_seconds: float = 15.0
    max_favicon: int = 512 * 1024
    #: cap on a main document as the browser gets it (inflated); a longer one is cut
    max_document: int = 1024 * 1024
    #: bound of fetching one main document ourselves (see PageRecorder.route_document)
    document_seconds: float = 36.0


@dataclass
class _Pending:
    seq: int
    request: Request
    started_at: datetime
    t0: float
    main_document: bool


class PageRecorder:
    """Listens to one page: every request/response (with capped bodies), dialogs, popups, downloads."""

    def __init__(self, limits: RenderLimits, settings: Settings | None = None) -> None:
        self.limits = limits
        #: whose egress policy every request of the page passes (None: no check, unit tests)
        self.settings = settings
        self.exchanges: list[tuple[int, Exchange, bool]] = []  # (seq, exchange, main document)
        self.events: list[str] = []
        #: URLs the page tried to push as file downloads (cancelled)
        self.downloads: list[str] = []
        self._pending: dict[Request, _Pending] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._seq = 0
        self._stored = 0
        self._page: Page | None = None
        self.navigation_started = time.monotonic()
        #: original bytes of main-frame documents, as the server sent them
        self._raw_documents: dict[Request, tuple[bytes, tuple[tuple[str, str], ...]]] = {}

    def attach(self, page: Page) -> None:
        self._page = page
        page.on("request", self._on_request)
        page.on("requestfinished", self._on_finished)
        page.on("requestfailed", self._on_failed)
        page.on("dialog", self._on_dialog)
        page.on("popup", self._on_popup)
        page.on("download", self._on_download)

    def _is_main_document(self, request: Request) -> bool:
        if request.resource_type != "document" or self._page is None:
            return False
        try:
            return request.frame == self._page.main_frame
        except Error:
            return False

    async def route_document(self, route: Route, request: Request) -> None:
        """Main-frame documents are fetched here, so the WARC and raw_html get the server's bytes.

        Chromium hands Playwright text bodies already transcoded to UTF-8 (a GBK page would be
        stored re-encoded); route.fetch() keeps the original bytes and the same proxy (the
        context's request API uses the browser's launch proxy). Redirects are not followed
        here: the browser follows each hop and each hop is recorded. Everything else falls
        through to scrapy-playwright's handler.
        """
        if self.settings is not None and await browser_guard(route, self.settings):
            self.events.append(f"blocked by the egress policy: {request.url}")
            return
        if not self._is_main_document(request) or should_abort(request):
            await route.fallback()
            return
        if self.settings is not None:
            await self._route_bounded(route, request, self.settings)
            return
        try:
            response = await route.fetch(
                max_redirects=0, timeout=self.limits.document_seconds * 1000
            )
            body = await response.body()
            headers = tuple((h["name"], h["value"]) for h in response.headers_array)
        except Error as exc:
            # Let the browser try itself: its error (refused, unresolvable, ...) is the record.
            logger.debug("own fetch of %s failed: %s", request.url, exc)
            await _quietly(route.fallback())
            return
        if request.url.startswith("https:") and response.status in (502, 503, 504):
            # Through a proxy, a refused CONNECT comes back from route.fetch() as the proxy's
            # 5xx page; the browser reports it as the network error it is, so let it decide.
            await _quietly(route.fallback())
            return
        self._raw_documents[request] = (body, headers)
        await _quietly(route.fulfill(response=response))

    async def _route_bounded(self, route: Route, request: Request, settings: Settings) -> None:
        """route_document's fetch with the body streamed and bounded (crawler.docfetch)."""
        cap = self.limits.max_document
        try:
            headers = await request.all_headers()
            async with document_client(settings, timeout=self.limits.document_seconds) as client:
                doc = await fetch_document(
                    client,
                    request.method,
                    request.url,
                    headers,
                    request.post_data_buffer,
                    cap,
                    seconds=self.limits.document_seconds,
                )
        except TimeoutError:
            # No headers by the deadline: the browser would wait as long again.
            self.events.append(f"no answer in {self.limits.document_seconds:.0f} s: {request.url}")
            await _quietly(route.abort("timedout"))
            return
        except (httpx.HTTPError, ValueError, OSError, Error) as exc:
            # Let the browser try itself: its error (refused, unresolvable, ...) is the record.
            logger.debug("own fetch of %s failed: %s", request.url, exc)
            await _quietly(route.fallback())
            return
        location = doc.header("location") if 300 <= doc.status < 400 else ""
        if location and await self._redirect_refused(route, request, location):
            return
        if request.url.startswith("https:") and doc.status in (502, 503, 504):
            await _quietly(route.fallback())  # a refused CONNECT, as above
            return
        if doc.timed_out:
            secs = self.limits.document_seconds
            self.events.append(f"document cut after {secs:.0f} s, still arriving: {request.url}")
        elif doc.truncated:
            self.events.append(f"document cut at {cap} bytes: {request.url}")
        self._raw_documents[request] = (doc.body, doc.headers)
        await _quietly(
            route.fulfill(status=doc.status, headers=doc.fulfil_headers(), body=doc.body)
        )

    async def _redirect_refused(self, route: Route, request: Request, location: str) -> bool:
        """Chromium follows a fulfilled redirect without routing the next hop: its target is
        checked here, before the browser sees the 3xx, and the navigation aborted if refused."""
        if self.settings is None:
            return False
        target = urljoin(request.url, location)
        try:
            await self.settings.egress.acheck_url(target, resolver_for(self.settings))
        except EgressRefused as exc:
            logger.warning("browser redirect blocked %s -> %s: %s", request.url, target, exc.why)
            self.events.append(f"redirect blocked by the egress policy: {target}")
            await _quietly(route.abort("blockedbyclient"))
            return True
        return False

    async def _refused(self, url: str) -> str | None:
        """The policy's refusal of a hop the browser made without asking a route (a redirect
        of a sub-resource): its answer is never kept."""
        if self.settings is None:
            return None
        try:
            await self.settings.egress.acheck_url(url, resolver_for(self.settings))
        except EgressRefused as exc:
            return f"net::ERR_BLOCKED_BY_CLIENT (egress policy: {exc.address} {exc.why})"
        return None

    # -- listeners (synchronous: they only schedule work we can wait for in `drain`)

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _on_request(self, request: Request) -> None:
        self._seq += 1
        main = self._is_main_document(request)
        self._pending[request] = _Pending(
            self._seq, request, datetime.now(UTC), time.monotonic(), main
        )
        # A redirect reuses no Request object: the hop before it is finished here.
        previous = request.redirected_from
        if previous is not None and previous in self._pending:
            self._spawn(self._record(previous, None))

    def _on_finished(self, request: Request) -> None:
        self._spawn(self._record(request, None))

    def _on_failed(self, request: Request) -> None:
        self._spawn(self._record(request, request.failure or "failed"))

    def _on_dialog(self, dialog: Dialog) -> None:
        self.events.append(f"dialog {dialog.type}: {dialog.message[:300]}")
        self._spawn(self._dismiss(dialog))

    def _on_popup(self, popup: Page) -> None:
        self.events.append(f"popup closed: {popup.url}")
        self._spawn(self._close_popup(popup))

    def _on_download(self, download: Download) -> None:
        self.events.append(f"download cancelled: {download.url}")
        self.downloads.append(download.url)
        self._spawn(self._cancel(download))

    async def _dismiss(self, dialog: Dialog) -> None:
        try:
            await dialog.dismiss()
        except Error as exc:
            logger.debug("dialog already gone: %s", exc)

    async def _close_popup(self, popup: Page) -> None:
        try:
            await popup.close()
        except Error as exc:
            logger.debug("popup already gone: %s", exc)

    async def _cancel(self, download: Download) -> None:
        try:
            await download.cancel()
        except Error as exc:
            logger.debug("download already gone: %s", exc)

    async def _record(self, request: Request, failure: str | None) -> None:
        pending = self._pending.pop(request, None)
        if pending is None:
            return
        if failure == UNFINISHED:
            # Never await anything of a request still open: it may never answer.
            exchange = Exchange(
                url=request.url,
                method=request.method,
                request_headers=tuple(request.headers.items()),
                request_body=(request.post_data_buffer or b"")[: self.limits.max_body],
                started_at=pending.started_at,
                failure=failure,
                resource_type=request.resource_type,
            )
            self.exchanges.append((pending.seq, exchange, pending.main_document))
            return
        try:
            await asyncio.wait_for(
                self._record_done(request, pending, failure), self.limits.step_seconds
            )
        except TimeoutError:
            logger.info("gave up recording %s", request.url)

    async def _record_done(self, request: Request, pending: _Pending, failure: str | None) -> None:
        response: Response | None = None
        transcoded = False
        refused = await self._refused(request.url)
        if refused is not None:
            failure = refused
        try:
            req_headers = tuple((h["name"], h["value"]) for h in await request.headers_array())
            response = await request.response()
            status: int | None = None
            reason = ""
            resp_headers: tuple[tuple[str, str], ...] = ()
            body = b""
            if response is not None:
                status, reason = response.status, response.status_text
                resp_headers = tuple(
                    (h["name"], h["value"]) for h in await response.headers_array()
                )
                raw = self._raw_documents.pop(request, None)
                if refused is not None:
                    resp_headers = ()  # nothing of an internal answer is kept
                elif raw is not None:
                    body, resp_headers = raw  # the server's bytes and header spelling
                elif failure is None and not 300 <= status < 400:
                    body = await self._body(response, resp_headers)
                    transcoded = pending.main_document
        except Error as exc:
            # the page closed under us; keep what we know
            logger.debug("lost %s: %s", request.url, exc)
            req_headers, status, reason, resp_headers, body = (), None, "", (), b""
            failure = failure or str(exc).splitlines()[0]
        body, truncated = cap_body(body, self.limits.max_body)
        if self._stored + len(body) > self.limits.max_total:
            body, truncated = body[: max(0, self.limits.max_total - self._stored)], True
        self._stored += len(body)
        post = request.post_data_buffer or b""
        exchange = Exchange(
            url=request.url,
            method=request.method,
            request_headers=req_headers,
            request_body=post[: self.limits.max_body],
            started_at=pending.started_at,
            status=status,
            reason=reason,
            response_headers=resp_headers,
            body=body,
            truncated=truncated,
            failure=failure,
            resource_type=request.resource_type,
            body_transcoded=transcoded,
        )
        self.exchanges.append((pending.seq, exchange, pending.main_document))

    async def _body(self, response: Response, headers: tuple[tuple[str, str], ...]) -> bytes:
        """The body, unless it announces more than we keep: a 60 MB body is never pulled
        through the driver into this process only to be cut to `max_body`."""
        length = next((v for k, v in headers if k.lower() == "content-length"), "")
        if length.strip().isdigit() and int(length) > self.limits.max_body:
            logger.info("body of %s not read: %s bytes announced", response.url, length)
            return b""
        try:
            return await asyncio.wait_for(response.body(), self.limits.step_seconds)
        except (Error, TimeoutError) as exc:
            logger.debug("no body for %s: %s", response.url, exc)
            return b""

    async def settle(self, timeout: float) -> None:
        """Wait (bounded) for the listeners' scheduled work, leaving open requests open."""
        deadline = time.monotonic() + timeout
        while self._tasks and time.monotonic() < deadline:
            await asyncio.wait(set(self._tasks), timeout=max(0.0, deadline - time.monotonic()))

    def body_of(self, url: str) -> bytes:
        """Body of a successful response to `url` already recorded, or b""."""
        for _, ex, _ in self.exchanges:
            if ex.url == url and ex.status == 200 and ex.body and not ex.truncated:
                return ex.body
        return b""

    async def drain(self, timeout: float) -> None:
        """Wait (bounded) for the listeners' work; requests still open are recorded as unfinished."""
        deadline = time.monotonic() + timeout
        while self._tasks and time.monotonic() < deadline:
            await asyncio.wait(set(self._tasks), timeout=max(0.0, deadline - time.monotonic()))
        for request in list(self._pending):
            await self._record(request, UNFINISHED)

    def ordered(self) -> list[tuple[Exchange, bool]]:
        return [(ex, main) for _, ex, main in sorted(self.exchanges, key=lambda t: t[0])]


async def _quietly(coro: Any) -> None:
    try:
        await coro
    except Error as exc:  # the page went away meanwhile
        logger.debug("route already handled or page closed: %s", exc)


async def init_page(page: Page, request: Any) -> None:
    """playwright_page_init_callback: attach the recorder before the navigation starts."""
    limits = request.meta.get(LIMITS_META_KEY) or RenderLimits()
    settings = request.meta.get(SETTINGS_META_KEY)
    settings = settings if isinstance(settings, Settings) else None
    recorder = PageRecorder(limits, settings)
    recorder.attach(page)
    # Registered after scrapy-playwright's own route, so it runs first (Playwright order).
    await page.route("**", recorder.route_document)
    if settings is not None:
        await _guard_context(page, settings)
    request.meta[RECORDER_META_KEY] = recorder


_GUARDED_ATTR = "_zw_egress_guarded"


async def _guard_context(page: Page, settings: Settings) -> None:
    """The egress check on the whole browser context, once: popups and workers have no page
    route of ours, and a context route is what sees their requests."""
    context = page.context
    if getattr(context, _GUARDED_ATTR, False):
        return
    setattr(context, _GUARDED_ATTR, True)

    async def guard(route: Route, request: Request) -> None:
        if not await browser_guard(route, settings):
            await _quietly(route.fallback())

    await context.route("**", guard)
