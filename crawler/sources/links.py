"""Links out of pages already scored counterfeit or seller, depth-limited.

A seller's page links to the counterfeit "verification" site it sells with; a counterfeit
links to its sister copies. We follow a.href, form actions, script/iframe src, meta
refresh, location assignments in inline JS and URLs written in the text (QR captions).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from core.netpath.domains import registrable_domain
from core.platforms import is_post, under_common_domain
from core.types import Candidate
from core.urls import BadUrl, find_urls, normalise_url
from crawler.sources.base import (
    FailureLog,
    ScoredPageRef,
    SourceContext,
    SourceResult,
    dedupe,
)

NAME = "links"
FLAGGED_VERDICTS = frozenset({"counterfeit", "suspicious"})
FOLLOW_CATEGORIES = frozenset({"seller", "impersonation", "fake-verification"})


_JS_LOCATION = re.compile(
    r"""(?:window\.|document\.|top\.|self\.)?location(?:\.href)?\s*=\s*["']([^"']+)["']"""
    r"""|location\.(?:replace|assign)\(\s*["']([^"']+)["']\s*\)"""
    r"""|window\.open\(\s*["']([^"']+)["']"""
)
_REFRESH = re.compile(r"(?i)^\s*\d+\s*;\s*url\s*=\s*['\"]?([^'\"]+)")


class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []  # (kind, raw url)
        self.base: str | None = None
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._in_script = False
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): v or "" for k, v in attrs}
        if tag == "base" and a.get("href") and self.base is None:
            self.base = a["href"]
        elif tag in ("a", "area") and a.get("href"):
            self.links.append(("a", a["href"]))
        elif tag == "form":
            self.links.append(("form", a.get("action", "")))
        elif tag in ("iframe", "frame") and a.get("src"):
            self.links.append(("iframe", a["src"]))
        elif tag == "script":
            self._in_script = True
            if a.get("src"):
                self.links.append(("script", a["src"]))
        elif tag == "style":
            self._in_style = True
        elif tag == "meta" and a.get("http-equiv", "").lower() == "refresh":
            m = _REFRESH.match(a.get("content", ""))
            if m:
                self.links.append(("refresh", m.group(1)))
        for key in ("data-url", "data-href"):
            if a.get(key):
                self.links.append(("data", a[key]))
        if a.get("onclick"):
            self.scripts.append(a["onclick"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False
        elif tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)
        elif not self._in_style:
            self.text.append(data)


def extract_links(page_url: str, html_text: str) -> list[tuple[str, str]]:
    """(kind, absolute URL) of every outbound reference on the page, in order."""
    parser = _LinkParser()
    parser.feed(html_text)
    parser.close()
    base = urljoin(page_url, parser.base) if parser.base else page_url
    raw = list(parser.links)
    for script in parser.scripts:
        for m in _JS_LOCATION.finditer(script):
            raw.append(("js", next(g for g in m.groups() if g)))
    out: list[tuple[str, str]] = []
    for kind, link in raw:
        link = html.unescape(link.strip())
        if link.lower().startswith(("javascript:", "mailto:", "tel:", "data:", "#", "weixin:")):
            continue
        out.append((kind, urljoin(base, link) if kind != "form" or link else page_url))
    for f in find_urls(" ".join(parser.text)):
        out.append(("text", f.url))
    return out


def should_follow(verdict: str, categories: Sequence[str]) -> bool:
    """The one rule: links out of a page are followed when it was flagged as imitating the
    platform or selling certificates (tonight's pages and stored ones alike)."""
    if verdict not in FLAGGED_VERDICTS:
        return False
    return verdict == "counterfeit" or bool(FOLLOW_CATEGORIES & set(categories))


class LinksSource:
    """Follows references out of counterfeit/seller pages up to `limits.links_max_depth`."""

    name = NAME

    async def collect(self, ctx: SourceContext) -> SourceResult:
        flog = FailureLog(self.name)
        out: list[Candidate] = []
        max_depth = ctx.limits.links_max_depth
        for page in ctx.pages():
            if not should_follow(page.verdict, page.categories):
                flog.count("pages_not_followed")
                continue
            if page.depth >= max_depth:
                flog.count("depth_limited")
                continue
            flog.count("pages")
            out.extend(self.from_page(page, ctx, flog))
        return flog.result(dedupe(out)[: ctx.limits.max_candidates])

    def from_page(
        self, page: ScoredPageRef, ctx: SourceContext, flog: FailureLog
    ) -> list[Candidate]:
        own = _registrable(page.url)
        out: list[Candidate] = []
        for kind, link in extract_links(page.url, page.html):
            try:
                found = normalise_url(link)
            except BadUrl:
                flog.count("bad_links")
                continue
            reg = registrable_domain(found.host)
            if reg == own:
                flog.count("same_site")
                continue
            if is_post(found.url):
                flog.count("platform_posts")  # the seller's own post on a forum or marketplace
            elif ctx.is_official(found.host) or under_common_domain(found.host):
                flog.count("common_or_official")
                continue
            out.append(
                Candidate(
                    url=found.url,
                    source=self.name,
                    found_at=ctx.now,
                    target=page.target,
                    context={"from_url": page.url, "kind": kind, "depth": page.depth + 1},
                )
            )
        return out


def _registrable(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return registrable_domain(host) if host else ""
