"""Registered look-alikes: generate each target's look-alike names, resolve them concurrently
through our DNS servers (rate-limited), emit the names that exist.

Wildcard DNS makes every name "exist": before trusting an answer we resolve a random label
under the same parent. When that answers too, names answering the same way are reported
once, flagged, instead of one lead per generated name. A DNS server that stops answering is
a failure of the source, never "no look-alike registered".
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from core.netpath.dns import Resolver
from core.netpath.domains import registrable_domain, split_host
from core.profiles import TargetProfile
from core.types import Candidate
from crawler.sources.adaptive import AdaptivePlan, OutsideFindings, known_lookalikes, rounds
from crawler.sources.base import FailureLog, SourceContext, SourceResult
from crawler.sources.lookalikes import DEFAULT_DNS_BUDGET, DEFAULT_TLDS, Lookalike, registrable
from crawler.sources.progress import SourceCounters

log = logging.getLogger(__name__)

NAME = "permutations"
DEFAULT_DNS_TIMEOUT = 3.0
DEFAULT_DNS_TRIES = 2
#: more unanswered names than this fraction means the DNS path is broken, not the names
BROKEN_DNS_FRACTION = 0.5
#: never query names under these: official, and nobody else can register them
NEVER_QUERY_SUFFIXES = ("gov.cn", "政务", "xn--zfr164b")
WILDCARD_EXAMPLES = 20


class RateLimiter:
    """At most `rate` acquisitions per second, spaced evenly (no bursts at the DNS server)."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        if not self.interval:
            return
        async with self._lock:
            now = time.monotonic()
            wait = self._next - now
            self._next = max(now, self._next) + self.interval
        if wait > 0:
            await asyncio.sleep(wait)


@dataclass(frozen=True)
class Answer:
    exists: bool | None  # None: the lookup failed (timeout, SERVFAIL)
    addresses: tuple[str, ...] = ()


def _parent(name: str) -> str:
    return name.split(".", 1)[1] if "." in name else ""


def _echo(answer: Answer, wildcard: tuple[str, ...] | None) -> bool:
    """True when a name answers just like its wildcard zone's random probe."""
    return wildcard is not None and set(answer.addresses) == set(wildcard)


def _never_query(name: str, ctx: SourceContext) -> bool:
    name = name.lower().rstrip(".")
    if ctx.is_official(name):
        return True
    return any(name == s or name.endswith("." + s) for s in NEVER_QUERY_SUFFIXES)


class PermutationsSource:
    """Look-alike names that exist in DNS."""

    name = NAME

    async def collect(self, ctx: SourceContext) -> SourceResult:
        opts: dict[str, Any] = dict(ctx.options.get(self.name, {}))
        flog = FailureLog(self.name)
        resolver = Resolver(
            ctx.settings,
            timeout=float(opts.get("dns_timeout", DEFAULT_DNS_TIMEOUT)),
            tries=int(opts.get("dns_tries", DEFAULT_DNS_TRIES)),
        )
        limiter = RateLimiter(float(opts.get("rate", ctx.limits.dns_rate_per_second)))
        sem = asyncio.Semaphore(int(opts.get("concurrency", ctx.limits.dns_concurrency)))
        tlds = tuple(opts.get("tlds", DEFAULT_TLDS))
        # the DNS budget per target: names are ranked likeliest first, so a cut keeps the best
        budget = int(opts.get("dns_budget") or ctx.limits.dns_budget or DEFAULT_DNS_BUDGET)
        limit = opts.get("limit", ctx.limits.lookalike_limit)
        limit = budget if limit is None else min(int(limit), budget)
        progress = ctx.progress.source(self.name)

        async def ask(host: str) -> Answer:
            async with sem:
                await limiter.acquire()
                exists = await resolver.aexists(host)
                addresses = await resolver.aresolve(host) if exists else ()
                progress.add("resolved")
                flog.count("dns_queries", 2 if exists else 1)
                return Answer(exists, addresses)

        out: list[Candidate] = []
        adapt = bool(opts.get("adapt", True))
        # last nights' look-alike leads (from every source) show the gangs' words up front
        queue = await asyncio.to_thread(lambda: list(ctx.known_leads())) if adapt else []
        for profile in ctx.profiles:
            official = {h.lower() for h in (*profile.official_hosts, *profile.registrable_domains)}

            def keep(domain: str, official: set[str] = official) -> bool:
                if _never_query(domain, ctx):
                    flog.count("never_queried")
                    return False
                return registrable(domain, official)

            # ranking ~1,000,000 names takes a second: off the event loop, the other sources go on
            plan = await asyncio.to_thread(AdaptivePlan, profile, tlds, keep)
            plan.learn_hosts(known_lookalikes(queue, profile, ctx.is_official))
            sizes = rounds(limit) if adapt else [limit]
            outside = OutsideFindings(ctx, profile, self.name, plan.vocabulary)
            names, answers, wildcard = await self._rounds(
                plan, sizes, budget, ask, progress, outside if adapt else None
            )
            flog.count("generated", len(names))
            flog.count("wildcard_zones", len(wildcard))
            flog.count("learned_words", len(plan.learned.words))
            out.extend(self._candidates(profile, names, answers, wildcard, ctx, flog))
        progress.done()
        return flog.result(out[: ctx.limits.max_candidates])

    @staticmethod
    async def _rounds(
        plan: AdaptivePlan,
        sizes: list[int],
        budget: int,
        ask: Callable[[str], Awaitable[Answer]],
        progress: SourceCounters,
        outside: OutsideFindings | None,
    ) -> tuple[list[Lookalike], list[Answer], dict[str, tuple[str, ...]]]:
        """Ask the plan's names round by round; after each round the plan learns from the
        registered names that are not a wildcard's echo. Wildcard probes (one random label per
        new parent zone) come out of the same budget."""
        names: list[Lookalike] = []
        answers: list[Answer] = []
        wildcard: dict[str, tuple[str, ...]] = {}
        probed: set[str] = set()
        spent = 0
        for size in sizes:
            if outside is not None:  # what CT and search found meanwhile
                plan.learn_hosts(outside.new())
            batch = plan.take(min(size, budget - spent))
            parents = sorted({_parent(g.domain) for g in batch} - probed - {""})
            if len(batch) + len(parents) > budget - spent:
                batch = batch[: max(0, budget - spent - len(parents))]
                parents = sorted({_parent(g.domain) for g in batch} - probed - {""})
            if not batch:
                break
            progress.add("generated", len(batch))
            probes = await asyncio.gather(*(ask(f"zw{secrets.token_hex(6)}.{p}") for p in parents))
            probed |= set(parents)
            for parent, probe in zip(parents, probes, strict=True):
                if probe.exists:
                    log.info("wildcard DNS under %s: look-alikes there are reported once", parent)
                    wildcard[parent] = probe.addresses
            got = await asyncio.gather(*(ask(g.domain) for g in batch))
            spent += len(parents) + len(batch)
            names += [Lookalike(g.domain, g.technique, g.reason, g.cost) for g in batch]
            answers += got
            if sum(1 for a in got if a.exists is None) > BROKEN_DNS_FRACTION * len(batch):
                break  # a dead resolver: asking more only burns the budget
            plan.learn(
                [
                    g
                    for g, a in zip(batch, got, strict=True)
                    if a.exists and not _echo(a, wildcard.get(_parent(g.domain)))
                ]
            )
        return names, answers, wildcard

    def _candidates(
        self,
        profile: TargetProfile,
        names: list[Lookalike],
        answers: list[Answer],
        wildcard: dict[str, tuple[str, ...]],
        ctx: SourceContext,
        flog: FailureLog,
    ) -> list[Candidate]:
        errors = [lk.domain for lk, a in zip(names, answers, strict=True) if a.exists is None]
        flog.count("errors", len(errors))
        if names and len(errors) > BROKEN_DNS_FRACTION * len(names):
            flog.fail(
                f"DNS 服务器无响应：{len(errors)}/{len(names)} 个仿冒域名无法解析，结果不可信（不是零结果）",
                f"{profile.key}: e.g. {errors[:5]}",
            )
        elif errors:
            flog.fail(
                f"{len(errors)} 个仿冒域名解析失败（超时或服务器错误），下次运行将重试",
                f"{profile.key}: {errors[:20]}",
            )

        out: list[Candidate] = []
        under_wildcard: dict[str, list[Lookalike]] = {}
        zone_answer: dict[str, tuple[str, ...]] = {}
        for lk, ans in zip(names, answers, strict=True):
            if not ans.exists:
                continue
            parent = _parent(lk.domain)
            if _echo(ans, wildcard.get(parent)):
                # one group per registered zone: cx.mem.gov.cn.top and mem.gov.cn.top are
                # the same wildcard of cn.top
                zone = parent if not split_host(parent)[1] else registrable_domain(parent)
                under_wildcard.setdefault(zone, []).append(lk)
                zone_answer.setdefault(zone, wildcard[parent])
                continue
            flog.count("resolved")
            ctx.progress.source(self.name).add("found")
            out.append(
                Candidate(
                    url=f"http://{lk.domain}/",
                    source=self.name,
                    found_at=ctx.now,
                    target=profile.key,
                    context={
                        "technique": lk.technique,
                        "reason": lk.reason,
                        "addresses": list(ans.addresses),
                        "wildcard": False,
                    },
                )
            )
        for zone, hits in under_wildcard.items():
            flog.count("wildcard", len(hits))
            if not split_host(zone)[1]:
                # a TLD-level wildcard says nothing about registration: tell the analyst once
                flog.fail(
                    f"顶级域 .{zone} 存在泛解析，其下 {len(hits)} 个仿冒域名无法判断是否已注册",
                    f"{profile.key}: {[h.domain for h in hits[:WILDCARD_EXAMPLES]]}",
                )
                continue
            first = hits[0]
            out.append(
                Candidate(
                    url=f"http://{first.domain}/",
                    source=self.name,
                    found_at=ctx.now,
                    target=profile.key,
                    context={
                        "technique": first.technique,
                        "reason": first.reason,
                        "addresses": list(zone_answer[zone]),
                        "wildcard": True,
                        "wildcard_zone": zone,
                        "wildcard_names": len(hits),
                        "examples": [h.domain for h in hits[:WILDCARD_EXAMPLES]],
                    },
                )
            )
        return out
