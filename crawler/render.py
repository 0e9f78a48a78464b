"""One loaded page → screenshots, DOM, text, favicon, resources and WARC exchanges.

The spider's callback calls `harvest` on the page the recorder (`crawler.recorder`) watched;
each step is bounded in time and a failed step is kept as a problem, never a lost page.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
import time
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urljoin

from parsel import Selector
from playwright.async_api import Error, FloatRect, Page
from w3lib.encoding import html_to_unicode

from core.types import ImageAsset, RedirectHop, Resource
from crawler.plain import title_and_text
from crawler.recorder import PageRecorder, RenderLimits
from crawler.warc import Exchange

logger = logging.getLogger(__name__)

_ICON_JS = """() => {
  const link = document.querySelector('link[rel~="icon" i], link[rel="shortcut icon" i], link[rel="apple-touch-icon" i]');
  return link && link.href ? link.href : new URL('/favicon.ico', document.baseURI).href;
}"""

# The favicon is fetched from inside the page, so it goes through the browser's proxy and
# lands in the WARC like any other resource; the body comes back base64 when CORS allows it.
_FETCH_ICON_JS = """async ([url, maxBytes]) => {
  try {
    const r = await fetch(url, {credentials: 'include'});
    if (!r.ok) return null;
    const buf = new Uint8Array(await r.arrayBuffer());
    if (buf.length > maxBytes) return null;
    let s = '';
    for (let i = 0; i < buf.length; i += 8192) s += String.fromCharCode(...buf.subarray(i, i + 8192));
    return btoa(s);
  } catch (e) { return null; }
}"""

_HEIGHT_JS = "() => Math.max(document.documentElement ? document.documentElement.scrollHeight : 0, document.body ? document.body.scrollHeight : 0)"
_TEXT_JS = "() => document.body ? document.body.innerText : ''"


@dataclass(frozen=True)
class RenderResult:
    """What one page load gave; the spider turns it (plus facts and variants) into a Page."""

    final_url: str
    status: int | None
    headers: tuple[tuple[str, str], ...]
    redirects: tuple[RedirectHop, ...]
    raw_html: str
    rendered_html: str
    title: str
    visible_text: str
    screenshot_png: bytes
    viewport_png: bytes
    favicon: bytes
    resources: tuple[Resource, ...]
    exchanges: tuple[Exchange, ...]
    events: tuple[str, ...]
    timings: dict[str, float] = field(default_factory=dict)
    #: steps that failed after the navigation succeeded (the rest of the capture is kept)
    problems: tuple[str, ...] = ()
    #: images the page loaded, with perceptual hashes (reuse of the genuine emblem, logo)
    images: tuple[ImageAsset, ...] = ()


def header(headers: tuple[tuple[str, str], ...], name: str) -> str:
    name = name.lower()
    for key, value in headers:
        if key.lower() == name:
            return value
    return ""


def decode_html(body: bytes, content_type: str) -> str:
    """Decode a document as a browser would: BOM, then HTTP charset, then <meta>, else UTF-8."""
    if not body:
        return ""
    _, text = html_to_unicode(content_type or None, body)
    return text


def redirect_chain(documents: list[Exchange]) -> tuple[RedirectHop, ...]:
    """Hops before the final document: HTTP 3xx, or a document that navigated on (JS/meta refresh)."""
    hops: list[RedirectHop] = []
    for current, following in zip(documents, documents[1:], strict=False):
        status = current.status if current.status is not None else 0
        location = header(current.response_headers, "location")
        if 300 <= status < 400 and location:
            location = urljoin(current.url, location)
        else:
            location = following.url
        hops.append(RedirectHop(url=current.url, status=status, location=location))
    return tuple(hops)


#: images above this many bytes are not hashed (photos, banners: never an emblem)
MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_IMAGES = 60


def page_images(exchanges: list[Exchange]) -> tuple[ImageAsset, ...]:
    """Perceptual hashes of the images the page loaded (CPU work: run it in a thread)."""
    from core.imaging import image_phash

    out: list[ImageAsset] = []
    seen: set[str] = set()
    for ex in exchanges:
        if ex.resource_type != "image" or not ex.body or not ex.status or ex.status >= 400:
            continue
        if len(ex.body) > MAX_IMAGE_BYTES or len(out) >= MAX_IMAGES:
            continue
        sha = hashlib.sha256(ex.body).hexdigest()
        if sha in seen:
            continue
        seen.add(sha)
        out.append(ImageAsset(url=ex.url, sha256=sha, phash=image_phash(ex.body)))
    return tuple(out)


def _resources(exchanges: list[Exchange]) -> tuple[Resource, ...]:
    out = []
    for ex in exchanges:
        out.append(
            Resource(
                url=ex.url,
                status=ex.status,
                content_type=header(ex.response_headers, "content-type"),
                size=len(ex.body),
                sha256=hashlib.sha256(ex.body).hexdigest() if ex.status and ex.body else None,
                resource_type=ex.resource_type,
            )
        )
    return tuple(out)


async def _bounded(coro: Any, seconds: float, what: str, problems: list[str]) -> Any:
    try:
        return await asyncio.wait_for(coro, seconds)
    except (Error, TimeoutError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        problems.append(f"{what}: {first}")
        logger.info("%s failed: %s", what, first)
        return None


#: a page with scripts and nothing on screen yet: an app shell still building its view
_SHELL_JS = (
    "() => document.scripts.length > 0 && !(document.body && document.body.innerText.trim())"
)


async def _await_shell(page: Page, seconds: float) -> None:
    """A script-built page (an SPA clone) can still be blank at network idle on a busy machine;
    photographed then, it would score as an empty page. Give it up to `seconds` to draw text."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not await _bounded(page.evaluate(_SHELL_JS), 1.0, "app shell", []):
            return
        await asyncio.sleep(0.25)


async def _screenshots(
    page: Page, limits: RenderLimits, problems: list[str]
) -> tuple[bytes, bytes]:
    step = limits.step_seconds
    viewport = await _bounded(page.screenshot(type="png"), step, "viewport screenshot", problems)
    height = await _bounded(page.evaluate(_HEIGHT_JS), step, "page height", problems)
    width = (page.viewport_size or {"width": 1366})["width"]
    if isinstance(height, int | float) and height > 0:
        # The viewport's width, always: a 64 KB unbroken word makes a page 500,000 px wide,
        # and its full-page bitmap would cost the renderer hundreds of MiB (issue 9).
        tall = min(float(height), float(limits.max_screenshot_height))
        clip: FloatRect = {"x": 0, "y": 0, "width": width, "height": tall}
        full = await _bounded(
            page.screenshot(type="png", full_page=True, clip=clip), step, "screenshot", problems
        )
    else:
        full = await _bounded(
            page.screenshot(type="png", full_page=True), step, "screenshot", problems
        )
    return full or b"", viewport or b""


async def _favicon(
    page: Page, recorder: PageRecorder, limits: RenderLimits, problems: list[str]
) -> bytes:
    step = limits.step_seconds
    href = await _bounded(page.evaluate(_ICON_JS), step, "favicon link", problems)
    if not isinstance(href, str) or not href.startswith(("http://", "https://")):
        return b""
    await recorder.settle(min(step, 2.0))
    loaded = recorder.body_of(href)  # the page itself may have loaded it already
    if loaded:
        return loaded if len(loaded) <= limits.max_favicon else b""
    encoded = await _bounded(
        page.evaluate(_FETCH_ICON_JS, [href, limits.max_favicon]), step, "favicon", []
    )
    if isinstance(encoded, str):
        return base64.b64decode(encoded)
    return b""


@dataclass(frozen=True)
class _Served:
    """What the server sent for the main document, as recorded (not as the browser saw it)."""

    exchanges: tuple[Exchange, ...]
    documents: tuple[Exchange, ...]
    status: int | None
    headers: tuple[tuple[str, str], ...]
    raw_html: str


def _served(recorder: PageRecorder, fallback_status: int | None) -> _Served:
    ordered = recorder.ordered()
    documents = tuple(ex for ex, main in ordered if main and ex.failure is None)
    final_doc = documents[-1] if documents else None
    raw_html = ""
    headers: tuple[tuple[str, str], ...] = ()
    status = fallback_status
    if final_doc is not None:
        headers = final_doc.response_headers
        status = final_doc.status
        if final_doc.body_transcoded:
            raw_html = final_doc.body.decode("utf-8", "replace")
        else:
            raw_html = decode_html(final_doc.body, header(headers, "content-type"))
    return _Served(tuple(ex for ex, _ in ordered), documents, status, headers, raw_html)


async def harvest(page: Page, recorder: PageRecorder, fallback_status: int | None) -> RenderResult:
    """Everything we keep of a loaded page; each step bounded, failures kept as `problems`."""
    limits = recorder.limits
    problems: list[str] = []
    t0 = time.monotonic()
    nav_ms = (t0 - recorder.navigation_started) * 1000
    # Let scripts render and late requests finish, but never wait on a page that never settles.
    await _bounded(page.wait_for_load_state("load"), limits.settle_seconds, "load", [])
    await _bounded(page.wait_for_load_state("networkidle"), limits.settle_seconds, "idle", [])
    await _await_shell(page, 2 * limits.settle_seconds)
    settled = time.monotonic()
    full, viewport = await _screenshots(page, limits, problems)
    shot = time.monotonic()
    step = limits.step_seconds
    rendered = await _bounded(page.content(), step, "rendered DOM", problems) or ""
    title = await _bounded(page.title(), step, "title", problems) or ""
    text = await _bounded(page.evaluate(_TEXT_JS), step, "visible text", problems) or ""
    favicon = await _favicon(page, recorder, limits, problems)
    final_url = page.url
    await recorder.drain(step)
    served = _served(recorder, fallback_status)
    result = await _result(served, final_url, recorder, problems, title, text)
    done = time.monotonic()
    timings = {
        "navigation_ms": round(nav_ms, 1),
        "settle_ms": round((settled - t0) * 1000, 1),
        "screenshot_ms": round((shot - settled) * 1000, 1),
        "render_ms": round((done - t0) * 1000, 1),
    }
    return replace(
        result,
        rendered_html=rendered,
        screenshot_png=full,
        viewport_png=viewport,
        favicon=favicon,
        timings=timings,
    )


async def _result(
    served: _Served,
    final_url: str,
    recorder: PageRecorder,
    problems: list[str],
    title: str = "",
    text: str = "",
) -> RenderResult:
    if served.raw_html and not (title and text):
        # The renderer could not be read (a script stuck in a loop): the server's own HTML
        # still says what the page is.
        title_raw, text_raw = title_and_text(Selector(text=served.raw_html))
        title, text = title or title_raw, text or text_raw
    images = await asyncio.to_thread(page_images, list(served.exchanges))
    return RenderResult(
        final_url=final_url,
        status=served.status,
        headers=served.headers,
        redirects=redirect_chain(list(served.documents)),
        raw_html=served.raw_html,
        rendered_html="",
        title=title,
        visible_text=text,
        screenshot_png=b"",
        viewport_png=b"",
        favicon=b"",
        resources=_resources(list(served.exchanges)),
        exchanges=served.exchanges,
        events=tuple(recorder.events),
        problems=tuple(problems),
        images=images,
    )


async def salvage(recorder: PageRecorder, problem: str, seconds: float) -> RenderResult | None:
    """A browser load that failed after the server answered: the site is up, keep what it sent.

    A page whose script freezes the renderer still delivered its HTML; that is evidence and
    enough to judge it. None when no main document ever arrived (a dead or refusing site).
    """
    await recorder.drain(seconds)
    served = _served(recorder, None)
    if not served.documents or served.status is None:
        return None
    final_url = served.documents[-1].url
    return await _result(served, final_url, recorder, [problem])


async def drain_failed(recorder: PageRecorder | None, seconds: float) -> tuple[Exchange, ...]:
    """Exchanges of a page load that failed (the WARC still records what was tried)."""
    if recorder is None:
        return ()
    await recorder.drain(seconds)
    return tuple(ex for ex, _ in recorder.ordered())
