"""Search engines (Baidu, Bing cn, Sogou, 360): per-target queries, parsed result pages,
resolved redirect links.

The engines' result-page markup is read in crawler/sources/serp.py.

A captcha or block page is a failure of the source, never "zero results": counterfeit sites
buy SEO, so a silent empty search would hide exactly what we look for. A page we cannot
parse is a failure too. The result sites themselves are never fetched here (the spider does
that): only the engine's own redirect hop is followed, without going further.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import replace
from typing import Any
from urllib.parse import urljoin

import httpx

from core.netpath.domains import registrable_domain
from core.netpath.http import async_http_client
from core.platforms import COMMON_DOMAINS, is_post
from core.profiles import TargetProfile
from core.types import Candidate
from core.urls import BadUrl, normalise_url
from crawler.sources.base import FailureLog, SourceContext, SourceResult
from crawler.sources.serp import (
    ENGINES,
    Engine,
    RawHit,
    block_reason,
    decode_link,
    engines_named,
    is_redirect_link,
    parse_page,
    target_from_body,
)

log = logging.getLogger(__name__)

NAME = "search"
NAME_SUFFIXES = ("", " 查询", " 官网", " 证书查询")
MAX_QUERIES_PER_TARGET = 96
DEFAULT_DELAY = 1.0  # seconds between two queries to the same engine
DEFAULT_PAGES = 3  # result pages per query, while the page links a next one
#: seconds an engine that served a captcha is left alone before the source moves on; the
#: rest of that engine's queries are skipped (reported), the other engines go on
DEFAULT_BACKOFF = 30.0


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
            if target is None and not is_redirect_link(engine, link):
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
        if is_post(url):
            # a seller's post on a forum or marketplace: a lead of its own, keyed by the post
            flog.count("platform_posts")
            return True
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
