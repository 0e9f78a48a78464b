"""References: what the genuine target looks like (ARCHITECTURE §3).

Captures come from the live official site through the same network path as any crawl
(`zhenwei reference update`) and are stored, dated, in the database. When the database has
none, a text-only fallback is built from the shipped profile: the detectors then still know the
platform's names and fields, but visual comparison waits for a real capture.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from urllib.parse import urlsplit

from parsel import Selector

from core.profiles import TargetProfile
from core.signals import Reference, ReferenceCapture
from core.types import Page


def capture_kind(url: str) -> str:
    path = urlsplit(url).path.lower()
    query = urlsplit(url).query.lower()
    if "result" in path or "cert" in path and "verify" in path:
        return "result"
    if path.startswith(("/special", "/safety")) or "query" in path or "index=" in query:
        return "query"
    return "home"


def form_fields(html: str) -> tuple[str, ...]:
    """Placeholders and labels of the page's own form controls, in document order."""
    if not html:
        return ()
    sel = Selector(text=html)
    out: list[str] = []
    for text in sel.xpath(
        "//input/@placeholder | //textarea/@placeholder | //select//option[1]/text()"
        " | //label//text() | //button//text()"
    ).getall():
        text = " ".join(text.split())
        if text and text not in out and len(text) <= 40:
            out.append(text)
    return tuple(out[:50])


def capture_from_page(page: Page, kind: str | None = None) -> ReferenceCapture:
    """Turn a fetched genuine page into a reference capture."""
    asset_hashes = tuple(
        sorted({r.sha256 for r in page.resources if r.sha256 and r.resource_type != "document"})
    )
    images = getattr(page, "images", ())
    phashes = tuple(sorted({img.phash for img in images if getattr(img, "phash", "")}))
    return ReferenceCapture(
        url=page.final_url or page.url,
        captured_at=page.fetched_at,
        title=page.title,
        visible_text=page.visible_text,
        screenshot_png=page.screenshot_png,
        viewport_png=page.viewport_png,
        favicon=page.favicon,
        asset_hashes=asset_hashes,
        image_phashes=phashes,
        form_fields=form_fields(page.rendered_html or page.raw_html),
        kind=kind or capture_kind(page.final_url or page.url),
    )


def fallback_captures(profile: TargetProfile) -> tuple[ReferenceCapture, ...]:
    """Text-only references from the shipped profile (no screenshots)."""
    text = "\n".join([*profile.names_zh, *profile.form_fields, *profile.result_fields])
    return (
        ReferenceCapture(
            url=profile.reference_urls[0]
            if profile.reference_urls
            else f"http://{profile.official_hosts[0]}/",
            captured_at=datetime(2026, 1, 1, tzinfo=UTC),
            title=profile.name,
            visible_text=text,
            form_fields=profile.form_fields,
            kind="fallback",
        ),
    )


def build_reference(
    profile: TargetProfile,
    stored: Sequence[ReferenceCapture],
    allowlist: Iterable[str] = (),
    *,
    profiles: Iterable[TargetProfile] = (),
    background: Iterable[ReferenceCapture] = (),
) -> Reference:
    """The newest stored capture per URL, or the text fallback when nothing is stored, with
    the allowlist and every protected target (`profiles`) the detectors compare against.

    `background` is captures of genuine sites other than the target (the other targets'):
    their files and images are common to genuine sites, not distinctive to this one."""
    newest: dict[str, ReferenceCapture] = {}
    for cap in sorted(stored, key=lambda c: c.captured_at, reverse=True):
        newest.setdefault(cap.url, cap)
    captures = tuple(newest.values()) or fallback_captures(profile)
    background = tuple(background)
    return Reference(
        target=profile,
        captures=captures,
        allowlist=tuple(allowlist),
        profiles=tuple(profiles),
        common_assets=frozenset(h.lower() for c in background for h in c.asset_hashes),
        common_phashes=tuple(sorted({p for c in background for p in c.image_phashes})),
        common_screenshots=tuple(
            (c.url, c.viewport_png, c.screenshot_png)
            for c in background
            if c.viewport_png or c.screenshot_png
        ),
    )


def content_key(capture: ReferenceCapture) -> str:
    """Identity of a capture's content, so an unchanged page is not stored twice."""
    h = hashlib.sha256()
    for part in (capture.url, capture.title, capture.visible_text):
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    h.update(hashlib.sha256(capture.screenshot_png).digest())
    return h.hexdigest()
