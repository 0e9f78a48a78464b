"""Frozen records passed between stages: Candidate → Page (→ ScoredPage in core.signals).

This module imports nothing heavy so that detectors, storage and tests can use it freely.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.failures import Failure

JSON = dict[str, Any]


@dataclass(frozen=True)
class Candidate:
    """Something worth fetching: a URL (or a bare host) and where we heard of it."""

    url: str
    source: str
    found_at: datetime
    context: JSON = field(default_factory=dict)
    #: the target profile this candidate was generated for, when known
    target: str | None = None

    def to_json(self) -> JSON:
        """The candidate as run plans and the distributed queue store it."""
        return {
            "url": self.url,
            "source": self.source,
            "found_at": self.found_at.isoformat(),
            "context": self.context,
            "target": self.target,
        }

    @classmethod
    def from_json(cls, data: JSON) -> Candidate:
        """Inverse of `to_json`; KeyError/ValueError/TypeError on a damaged record."""
        return cls(
            data["url"],
            data["source"],
            datetime.fromisoformat(data["found_at"]),
            data.get("context") or {},
            data.get("target"),
        )


@dataclass(frozen=True)
class RedirectHop:
    url: str
    status: int
    location: str


@dataclass(frozen=True)
class Resource:
    """One subresource the browser loaded (or tried to) while rendering the page."""

    url: str
    status: int | None
    content_type: str
    size: int
    sha256: str | None
    resource_type: str = ""  # document, image, script, stylesheet, xhr, ...


@dataclass(frozen=True)
class TlsFacts:
    """What the site's certificate says, judged by Python's ssl (never the browser)."""

    verified: bool
    error: str | None
    issuer: str
    subject: str
    sans: tuple[str, ...]
    not_before: datetime | None
    not_after: datetime | None
    pem: str = ""


@dataclass(frozen=True)
class DnsFacts:
    host: str
    a: tuple[str, ...] = ()
    aaaa: tuple[str, ...] = ()
    cname: tuple[str, ...] = ()
    ns: tuple[str, ...] = ()
    mx: tuple[str, ...] = ()
    error: str | None = None
    #: the raw answers as text, for the evidence package
    raw: str = ""


@dataclass(frozen=True)
class WhoisFacts:
    domain: str
    server: str
    registrar: str | None = None
    created: datetime | None = None  # UTC
    updated: datetime | None = None  # UTC
    expires: datetime | None = None  # UTC
    registrant: str | None = None
    registrant_country: str | None = None
    name_servers: tuple[str, ...] = ()
    privacy: bool = False
    status: tuple[str, ...] = ()
    raw: str = ""
    error: str | None = None


@dataclass(frozen=True)
class Page:
    """One fetch + render of one URL: everything the detectors and the evidence need."""

    url: str
    final_url: str
    status: int | None
    fetched_at: datetime  # UTC
    user_agent: str
    redirects: tuple[RedirectHop, ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    raw_html: str = ""
    rendered_html: str = ""
    title: str = ""
    visible_text: str = ""
    screenshot_png: bytes = b""
    #: viewport-only screenshot; full-page is screenshot_png
    viewport_png: bytes = b""
    favicon: bytes = b""
    resources: tuple[Resource, ...] = ()
    tls: TlsFacts | None = None
    dns: DnsFacts | None = None
    whois: WhoisFacts | None = None
    timings: JSON = field(default_factory=dict)
    #: why the fetch or render failed (the page is still recorded); its kind says if the site is down
    failure: Failure | None = None
    #: steps that failed on a page that did load (a screenshot, the favicon): never "down"
    problems: tuple[Failure, ...] = ()
    #: "full" (rendered, every fact) or "triage" (one plain fetch, scored by the cheap detectors)
    stage: str = "full"
    #: where the capture files live (page.json, WARC, screenshots), when written
    capture_dir: str | None = None
    source: str | None = None
    #: other variants of the same URL (e.g. fetched as a crawler vs. a WeChat browser)
    variants: tuple[PageVariant, ...] = ()
    #: images shown on the page with perceptual hashes (filled by the fetcher when it can)
    images: tuple[ImageAsset, ...] = ()
    #: the WARC (.warc.gz) of every request and response of the page load, when written
    warc_path: str | None = None
    #: what the page tried during the load: dialogs dismissed, popups closed, downloads cancelled
    browser_events: tuple[str, ...] = ()

    @property
    def error(self) -> str | None:
        """The failure's sentence, for people."""
        return self.failure.message if self.failure is not None else None

    @property
    def down(self) -> bool:
        """True when the failure says nobody serves the site."""
        return self.failure is not None and self.failure.site_down

    @property
    def host(self) -> str:
        from urllib.parse import urlsplit

        return (urlsplit(self.final_url or self.url).hostname or "").lower()


@dataclass(frozen=True)
class PageVariant:
    """The same URL fetched with another user agent (cloaking check)."""

    user_agent: str
    label: str  # "crawler", "desktop", "wechat"
    status: int | None
    final_url: str
    title: str
    visible_text: str
    raw_html: str
    failure: Failure | None = None

    @property
    def error(self) -> str | None:
        return self.failure.message if self.failure is not None else None


@dataclass(frozen=True)
class ImageAsset:
    """An image the page displayed, with hashes for reuse checks (emblem, logo)."""

    url: str
    sha256: str
    #: perceptual hash (imagehash.phash) as hex; "" when the image could not be decoded
    phash: str = ""
