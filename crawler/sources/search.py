"""Search engines (Baidu, Bing cn, Sogou, 360): per-target queries, parsed result pages,
resolved redirect links.

Longer than 400 lines: the query plan, paging and back-off of one source; the markup parsers
of the four engines are the next thing to move out.

A captcha or block page is a failure of the source, never "zero results": counterfeit sites
buy SEO, so a silent empty search would hide exactly what we look for. A page we cannot
parse is a failure too. The result sites themselves are never fetched here (the spider does
that): only the engine's own redirect hop is followed, without going further.
"""

from __future__ import annotations

import asyncio
import base64
import html
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx

from core.netpath.domains import registrable_domain
from core.netpath.http import async_http_client
from core.profiles import TargetProfile
from core.types import Candidate
from core.urls import BadUrl, normalise_url
from crawler.sources.base import FailureLog, SourceContext, SourceResult
from crawler.sources.links import COMMON_DOMAINS

log = logging.getLogger(__name__)

NAME = "search"
NAME_SUFFIXES = ("", " 查询", " 官网", " 证书查询")
MAX_QUERIES_PER_TARGET = 96
DEFAULT_DELAY = 1.0  # seconds between two queries to the same engine
DEFAULT_PAGES = 3  # result pages per query, while the page links a next one
#: seconds an engine that served a captcha is left alone before the source moves on; the
#: rest of that engine's queries are skipped (reported), the other engines go on
DEFAULT_BACKOFF = 30.0


@dataclass(frozen=True)
class RawHit:
    """One organic result as the page shows it."""

    href: str  # the link as written (often the engine's redirect)
    title: str
    direct: str | None = None  # the target URL when the page states it (mu, data-mdurl)


@dataclass(frozen=True)
class Engine:
    name: str
    label: str  # Chinese name for reasons
    search_url: str
    param: str
    own_domains: tuple[str, ...]
    no_results: tuple[str, ...]
    #: text or URL fragments of the engine's captcha / block pages
    block_markers: tuple[str, ...]
    result_marker: str  # a fragment every result page of this engine contains


ENGINES: dict[str, Engine] = {
    "baidu": Engine(
        "baidu",
        "百度",
        "https://www.baidu.com/s",
        "wd",
        ("baidu.com", "bdstatic.com"),
        ("抱歉没有找到与",),
        ("百度安全验证", "wappass.baidu.com/static/captcha", "/static/captcha/tuxing"),
        'id="content_left"',
    ),
    "bing": Engine(
        "bing",
        "必应",
        "https://cn.bing.com/search",
        "q",
        ("bing.com", "bing.net", "msn.cn"),
        ("没有与此相关的结果", "There are no results for"),
        ("请解决以下难题以继续", "One last step", "b_captcha", "/turing/captcha"),
        'id="b_results"',
    ),
    "sogou": Engine(
        "sogou",
        "搜狗",
        "https://www.sogou.com/web",
        "query",
        ("sogou.com",),
        ("抱歉，没有找到与",),
        ("/antispider", "异常访问请求", "请输入图中的验证码"),
        'class="results"',
    ),
    "so360": Engine(
        "so360",
        "360搜索",
        "https://www.so.com/s",
        "q",
        ("so.com", "360.cn", "qhimg.com"),
        ("抱歉，未找到和",),
        ("访问异常", "mod-antispam", "qcaptcha"),
        'id="main"',
    ),
}


# ---------------------------------------------------------------- parsing


class _ResultParser(HTMLParser):
    """Collects the title links of organic results, engine by engine."""

    def __init__(self, engine: str) -> None:
        super().__init__(convert_charrefs=True)
        self.engine = engine
        self.hits: list[RawHit] = []
        self._stack: list[tuple[str, dict[str, str]]] = []
        self._mu: str | None = None
        self._in_title = False
        self._link: dict[str, str] | None = None
        self._text: list[str] = []
        self.next_page: str | None = None

    def _inside(self, tag: str, cls: str) -> bool:
        return any(t == tag and cls in a.get("class", "").split() for t, a in self._stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag not in ("br", "img", "input", "meta", "link", "hr"):
            self._stack.append((tag, a))
        if tag == "div" and self.engine == "baidu" and "result" in a.get("class", "").split():
            self._mu = a.get("mu") or None
        if tag != "a" or not a.get("href"):
            return
        classes = a.get("class", "").split()
        # 下一页: Baidu a.n (pn=), Bing a.sb_pagN, Sogou #sogou_next, 360 #snext
        if (
            a.get("id") in ("sogou_next", "snext")
            or "sb_pagN" in classes
            or ("n" in classes and "pn=" in a["href"])
        ):
            self.next_page = a["href"]
            return
        title_ctx = {
            "baidu": self._inside("h3", "t") or self._inside("h3", "c-title"),
            "bing": self._inside("li", "b_algo") and any(t == "h2" for t, _ in self._stack),
            "sogou": self._inside("h3", "vr-title") or self._inside("h3", "pt"),
            "so360": self._inside("h3", "res-title"),
        }[self.engine]
        if title_ctx:
            self._link, self._text = a, []

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._link is not None:
            direct = self._mu if self.engine == "baidu" else self._link.get("data-mdurl") or None
            title = re.sub(r"\s+", " ", "".join(self._text)).strip()
            self.hits.append(RawHit(self._link["href"], title, direct))
            self._link = None
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                del self._stack[i:]
                break

    def handle_data(self, data: str) -> None:
        if self._link is not None:
            self._text.append(data)


def parse_results(engine: str, page: str) -> list[RawHit]:
    return parse_page(engine, page)[0]


def parse_page(engine: str, page: str) -> tuple[list[RawHit], str | None]:
    """The organic results of a result page and its 下一页 link (None on the last page)."""
    parser = _ResultParser(engine)
    parser.feed(page)
    parser.close()
    return parser.hits, parser.next_page


def block_reason(engine: Engine, final_url: str, page: str) -> str | None:
    """The marker that shows `page` is a captcha/block page, or None.

    Text markers only count on pages without the result container, so a result titled
    "访问异常怎么办" does not read as a block.
    """
    for marker in engine.block_markers:
        if marker.startswith("/") or "." in marker:
            if marker in final_url:
                return marker
    if engine.result_marker in page:
        return None
    for marker in (*engine.block_markers, "请输入验证码", "验证码"):
        if marker in page:
            return marker
    return None


_JS_REPLACE = re.compile(r"""location\.(?:replace|assign|href)\s*\(?\s*=?\s*["']([^"']+)["']""")
_META_URL = re.compile(r"""(?i)content=["']?\s*\d+\s*;\s*url\s*=\s*'?([^'">]+)""")
_BING_VAR = re.compile(r"""var\s+u\s*=\s*["']([^"']+)["']""")


def decode_link(engine: str, href: str) -> str | None:
    """The target of a result link when it can be read without asking the engine."""
    parts = urlsplit(href)
    host = (parts.hostname or "").lower()
    qs = parse_qs(parts.query)
    if host.endswith("bing.com") and parts.path == "/ck/a":
        u = (qs.get("u") or [""])[0]
        if u.startswith("a1"):
            try:
                return base64.urlsafe_b64decode(u[2:] + "=" * (-len(u[2:]) % 4)).decode()
            except (ValueError, UnicodeDecodeError):
                return None
        return None
    if host.endswith("so.com") and parts.path == "/link":
        return (qs.get("url") or [""])[0] or None
    if host and not any(host == d or host.endswith("." + d) for d in ENGINES[engine].own_domains):
        return href  # a direct link
    return None


REDIRECT_PATHS = frozenset({"/link", "/ck/a", "/url"})


def _is_redirect_link(engine: Engine, link: str) -> bool:
    parts = urlsplit(link)
    host = (parts.hostname or "").lower()
    own = any(host == d or host.endswith("." + d) for d in engine.own_domains)
    return own and parts.path in REDIRECT_PATHS


def target_from_body(body: str) -> str | None:
    """Where an engine's interstitial page sends the browser (Sogou's /link, Bing's /ck/a)."""
    for rx in (_JS_REPLACE, _BING_VAR, _META_URL):
        m = rx.search(body)
        if m:
            return html.unescape(m.group(1)).strip()
    return None


# ---------------------------------------------------------------- queries


def queries_for(profile: TargetProfile, limit: int = MAX_QUERIES_PER_TARGET) -> list[str]:
    """Search phrases for one target, from its profile only (issue 12, item 3): its Chinese
    names with service words, each certificate with a lookup word (copies of the platform), and
    each certificate with each seller word, a regional word rotating through them (sellers).
    The three kinds are interleaved so a small limit keeps all of them."""
    names: list[str] = []
    for name in profile.names_zh[:4]:
        for suffix in NAME_SUFFIXES:
            if suffix.strip() and suffix.strip() in name:
                continue
            names.append(f"{name}{suffix}")
    certs = profile.certificates
    lookups = [f"{c}{w}" for c, w in _diagonal(certs, profile.lookup_words)]
    regions = ("", *profile.regions)
    sellers = [
        f"{regions[i % len(regions)]}{c} {w}"
        for i, (c, w) in enumerate(_rounds(certs, profile.seller_words))
    ]
    out: list[str] = []
    for i in range(max(len(names), len(lookups), len(sellers))):
        out += names[i : i + 1] + lookups[i : i + 1] + sellers[2 * i : 2 * i + 2]
    return list(dict.fromkeys(out))[:limit]


def _rounds(a: tuple[str, ...], b: tuple[str, ...]) -> list[tuple[str, str]]:
    """Every (a, b) pair in rounds: each round pairs every a with another b (a0b0 a1b1 ...,
    then a0b1 a1b2 ...), so every certificate and every seller word comes early."""
    if not a or not b:
        return []
    return [(a[i], b[(r + i) % len(b)]) for r in range(len(b)) for i in range(len(a))]


def _diagonal(a: tuple[str, ...], b: tuple[str, ...]) -> list[tuple[str, str]]:
    """Every (a, b) pair, the first items of both lists first (a[0]b[0], a[0]b[1], a[1]b[0] ...)."""
    pairs = [(i, j) for i in range(len(a)) for j in range(len(b))]
    pairs.sort(key=lambda ij: (ij[0] + ij[1], ij[0]))
    return [(a[i], b[j]) for i, j in pairs]


# ---------------------------------------------------------------- the source


class BlockedError(Exception):
    """The engine answered with a captcha or block page."""


class SearchEngineSource:
    """Queries every configured engine with every target's queries."""

    name = NAME

    async def collect(self, ctx: SourceContext) -> SourceResult:
        opts: dict[str, Any] = dict(ctx.options.get(self.name, {}))
        engines = engines_named(opts.get("engines", list(ENGINES)))
        delay = float(opts.get("delay", DEFAULT_DELAY))
        pages = int(opts.get("pages", max(ctx.limits.search_pages, DEFAULT_PAGES)))
        backoff = float(opts.get("backoff", DEFAULT_BACKOFF))
        plan: list[tuple[TargetProfile, str]] = []
        for profile in ctx.profiles:
            qs = opts.get("queries") or queries_for(
                profile, int(opts.get("max_queries", MAX_QUERIES_PER_TARGET))
            )
            plan.extend((profile, q) for q in qs)
        flog = FailureLog(self.name)
        async with async_http_client(ctx.settings, timeout=ctx.limits.http_timeout) as client:
            batches = await asyncio.gather(
                *(
                    self._engine(client, e, plan, (delay, pages, backoff), ctx, flog)
                    for e in engines
                )
            )
        ctx.progress.source(self.name).done()
        return flog.result(_merge(c for b in batches for c in b)[: ctx.limits.max_candidates])

    async def _engine(
        self,
        client: httpx.AsyncClient,
        engine: Engine,
        plan: list[tuple[TargetProfile, str]],
        pacing: tuple[float, int, float],
        ctx: SourceContext,
        flog: FailureLog,
    ) -> list[Candidate]:
        delay, pages, backoff = pacing
        progress = ctx.progress.source(self.name)
        out: list[Candidate] = []
        blocked_once = False
        for i, (profile, query) in enumerate(plan):
            if i and delay:
                await asyncio.sleep(delay)
            try:
                try:
                    hits = await self._pages(client, engine, query, pages, delay, flog)
                except BlockedError:
                    if blocked_once:
                        raise
                    # a first captcha: back off once and retry; a second one ends this engine
                    blocked_once = True
                    flog.count(f"{engine.name}/backoff")
                    await asyncio.sleep(backoff)
                    hits = await self._pages(client, engine, query, pages, delay, flog)
            except BlockedError as exc:
                left = len(plan) - i
                flog.fail(
                    f"{engine.label}返回了验证码/拦截页面，本次剩余 {left} 个查询未执行（不是零结果）",
                    f"{engine.name}: query {query!r}: {exc}",
                )
                flog.count(f"{engine.name}/blocked")
                break
            except _PageError as exc:
                flog.fail(
                    f"{engine.label}查询「{query}」失败：{exc.reason}",
                    f"{engine.name}: {exc.detail}",
                )
                continue
            flog.count(f"{engine.name}/queries")
            flog.count(f"{engine.name}/results", len(hits))
            progress.add("queries")
            progress.add("found", len(hits))
            for rank, (url, hit) in enumerate(hits, 1):
                try:
                    url = normalise_url(url).url
                except BadUrl:
                    flog.count("bad_urls")
                    continue
                out.append(
                    Candidate(
                        url=url,
                        source=self.name,
                        found_at=ctx.now,
                        target=profile.key,
                        context={
                            "engine": engine.name,
                            "query": query,
                            "rank": rank,
                            "title": hit.title,
                            "link": hit.href,
                        },
                    )
                )
        return [c for c in out if self._keep(c.url, engine, ctx, flog)]

    async def _pages(
        self,
        client: httpx.AsyncClient,
        engine: Engine,
        query: str,
        pages: int,
        delay: float,
        flog: FailureLog,
    ) -> list[tuple[str, RawHit]]:
        """Up to `pages` result pages of one query, following the page's own 下一页 link."""
        out: list[tuple[str, RawHit]] = []
        url: str | None = None
        for n in range(max(1, pages)):
            if n and delay:
                await asyncio.sleep(delay)
            hits, url = await self._search(client, engine, query, flog, url)
            out += hits
            flog.count(f"{engine.name}/pages")
            if not url:
                break
        return out

    async def _search(
        self,
        client: httpx.AsyncClient,
        engine: Engine,
        query: str,
        flog: FailureLog,
        page_url: str | None = None,
    ) -> tuple[list[tuple[str, RawHit]], str | None]:
        try:
            if page_url:
                resp = await client.get(page_url)
            else:
                resp = await client.get(engine.search_url, params={engine.param: query})
        except httpx.TimeoutException as exc:
            raise _PageError("请求超时", f"{type(exc).__name__}: {exc}") from exc
        except httpx.HTTPError as exc:
            raise _PageError("网络错误", f"{type(exc).__name__}: {exc}") from exc
        page = resp.text
        marker = block_reason(engine, str(resp.url), page)
        if marker is not None:
            raise BlockedError(f"marker {marker!r} at {resp.url}")
        if resp.status_code >= 400:
            raise _PageError(f"HTTP 状态码 {resp.status_code}", f"{resp.url} -> {resp.status_code}")
        raw, next_page = parse_page(engine.name, page)
        if next_page:
            next_page = urljoin(str(resp.url), next_page)
        if not raw:
            if any(m in page for m in engine.no_results):
                flog.count(f"{engine.name}/zero_results")
                return [], None
            raise _PageError(
                "结果页面无法识别（页面结构可能已改变）", f"{resp.url}: {page[:200]!r}"
            )
        resolved: list[tuple[str, RawHit]] = []
        unresolved = 0
        for hit in raw:
            link = urljoin(str(resp.url), hit.href)
            target = hit.direct or decode_link(engine.name, link)
            if target is None and not _is_redirect_link(engine, link):
                flog.count(f"{engine.name}/own_results")  # 百科, 图片: the engine's own pages
                continue
            if target is None:
                target = await self._follow(client, link)
            if target is None:
                unresolved += 1
                continue
            resolved.append((target, hit))
        if unresolved:
            flog.fail(
                f"{engine.label}查询「{query}」有 {unresolved} 个结果的跳转链接无法解析",
                f"{engine.name}: {unresolved} of {len(raw)} unresolved",
            )
        return resolved, next_page

    @staticmethod
    async def _follow(client: httpx.AsyncClient, link: str) -> str | None:
        """One hop through the engine's redirect: a Location header or an interstitial page."""
        try:
            resp = await client.get(link, follow_redirects=False)
        except httpx.HTTPError as exc:
            log.debug("redirect link %s failed: %s", link, exc)
            return None
        if resp.is_redirect and resp.headers.get("location"):
            return urljoin(link, resp.headers["location"])
        if resp.status_code == 200:
            return target_from_body(resp.text[:20_000])
        return None

    @staticmethod
    def _keep(url: str, engine: Engine, ctx: SourceContext, flog: FailureLog) -> bool:
        try:
            host = normalise_url(url).host
        except BadUrl:
            flog.count("bad_urls")
            return False
        reg = registrable_domain(host)
        if ctx.is_official(host):
            flog.count("official_skipped")
            return False
        if reg in COMMON_DOMAINS or reg in {d for e in ENGINES.values() for d in e.own_domains}:
            flog.count("engine_or_common_skipped")
            return False
        return True


def _merge(candidates: Iterable[Candidate]) -> list[Candidate]:
    """One candidate per URL; context["engines"]/["hits"] say which engines listed it."""
    first: dict[str, Candidate] = {}
    hits: dict[str, list[dict[str, Any]]] = {}
    for c in candidates:
        first.setdefault(c.url, c)
        hits.setdefault(c.url, []).append({k: c.context[k] for k in ("engine", "query", "rank")})
    out = []
    for url, c in first.items():
        engines = list(dict.fromkeys(h["engine"] for h in hits[url]))
        out.append(replace(c, context={**c.context, "engines": engines, "hits": hits[url]}))
    return out


class _PageError(Exception):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def engines_named(names: Iterable[str]) -> list[Engine]:
    """Engines by name, with a clear error for unknown ones."""
    unknown = [n for n in names if n not in ENGINES]
    if unknown:
        raise ValueError(f"unknown search engine(s) {unknown}; known: {list(ENGINES)}")
    return [ENGINES[n] for n in names]
