"""The crawl job (`zhenwei crawl`): sources → triage → render → score → store → digest.

A run is resumable: its candidates are written to `<data_dir>/runs/<id>/` before any fetch,
so a run killed at any point (even SIGKILL) is picked up by the next `zhenwei crawl`, which
skips what the dead run already stored and collects nothing twice.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawler.config import Settings
from crawler.profiles import TargetProfile, load_profiles
from crawler.sources.base import (
    KnownLead,
    ScoredPageRef,
    SourceContext,
    SourceFailure,
    SourceLimits,
    SourceResult,
)
from crawler.types import Candidate
from pipelines.storage import RunTally

logger = logging.getLogger(__name__)

ALL_SOURCES = ("permutations", "ct", "search", "seeds", "links", "recheck")
#: per-source bound on collection, so one stuck source cannot eat the night
SOURCE_TIMEOUT = 900.0


@dataclass(frozen=True)
class CrawlOptions:
    sources: tuple[str, ...] = ()  # empty: every source
    seeds: tuple[Path, ...] = ()
    timeout: float = 60.0
    concurrency: int = 4
    triage_threshold: int = 15
    links_max_depth: int = 2
    max_candidates: int = 5000
    #: look-alikes generated per target (None: all) and DNS queries per second
    lookalike_limit: int | None = None
    dns_rate: float = 200.0
    #: per-source tunables, e.g. {"ct": {"delay": 0.2}} (from `--option ct.delay=0.2`)
    source_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    distributed: bool = False
    redis_url: str = "redis://127.0.0.1:6379/0"
    #: stop after collecting (tests of the resume path, dry runs)
    collect_only: bool = False


@dataclass
class CrawlSummary:
    run_id: int
    resumed: bool
    per_source: dict[str, dict[str, int]] = field(default_factory=dict)
    failures: list[SourceFailure] = field(default_factory=list)
    candidates: int = 0
    skipped: int = 0
    new_leads: list[int] = field(default_factory=list)
    changed: dict[int, int | None] = field(default_factory=dict)
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    finished_at: datetime | None = None


# -- candidates: merge, persist, reload --------------------------------------------------


def merge_candidates(
    results: Iterable[SourceResult], is_official: Callable[[str], bool], limit: int
) -> tuple[list[Candidate], dict[str, list[dict[str, Any]]]]:
    """One candidate per URL (first finder wins), plus every source that found each URL."""
    first: dict[str, Candidate] = {}
    hits: dict[str, list[dict[str, Any]]] = {}
    for result in results:
        for c in result.candidates:
            host = (urlsplit(c.url if "://" in c.url else "http://" + c.url).hostname or "").lower()
            if not host or is_official(host):
                continue  # the targets' own official hosts are never seeds
            first.setdefault(c.url, c)
            hits.setdefault(c.url, []).append(
                {"source": c.source, "found_at": c.found_at.isoformat(), "context": c.context}
            )
    return list(first.values())[:limit], hits


def _candidate_json(c: Candidate) -> dict[str, Any]:
    return {
        "url": c.url,
        "source": c.source,
        "found_at": c.found_at.isoformat(),
        "context": c.context,
        "target": c.target,
    }


def save_run_plan(
    run_dir: Path,
    candidates: Sequence[Candidate],
    hits: dict[str, list[dict[str, Any]]],
    results: Sequence[SourceResult],
) -> None:
    """Written atomically before the first fetch: the run can always be resumed from it."""
    run_dir.mkdir(parents=True, exist_ok=True)
    plan = {
        "candidates": [_candidate_json(c) for c in candidates],
        "hits": hits,
        "sources": {
            r.source: {
                "stats": dict(r.stats),
                "failures": [
                    {"reason": f.reason, "detail": f.detail, "at": f.at.isoformat()}
                    for f in r.failures
                ],
            }
            for r in results
        },
    }
    tmp = run_dir / "plan.json.tmp"
    tmp.write_text(json.dumps(plan, ensure_ascii=False, default=str), encoding="utf-8")
    os.replace(tmp, run_dir / "plan.json")


def load_run_plan(
    run_dir: Path,
) -> tuple[list[Candidate], dict[str, list[dict[str, Any]]], list[SourceResult]] | None:
    path = run_dir / "plan.json"
    if not path.exists():
        return None
    plan = json.loads(path.read_text(encoding="utf-8"))
    cands = [
        Candidate(
            url=c["url"],
            source=c["source"],
            found_at=datetime.fromisoformat(c["found_at"]),
            context=c.get("context") or {},
            target=c.get("target"),
        )
        for c in plan["candidates"]
    ]
    results = [
        SourceResult(
            source=name,
            candidates=(),
            failures=tuple(
                SourceFailure(name, f["reason"], f.get("detail", ""), datetime.fromisoformat(f["at"]))
                for f in data.get("failures", [])
            ),
            stats=data.get("stats", {}),
        )
        for name, data in plan.get("sources", {}).items()
    ]
    return cands, plan.get("hits", {}), results


# -- sources -----------------------------------------------------------------------------


async def collect(sources: Sequence[Any], ctx: SourceContext) -> list[SourceResult]:
    """Run every source concurrently; a source that crashes or overruns is a failure."""

    async def one(src: Any) -> SourceResult:
        try:
            result: SourceResult = await asyncio.wait_for(src.collect(ctx), SOURCE_TIMEOUT)
            return result
        except TimeoutError:
            reason = f"来源 {src.name} 超过 {SOURCE_TIMEOUT:.0f} 秒未完成，本次结果作废"
            return SourceResult(src.name, (), (SourceFailure(src.name, reason, "timeout"),), {})
        except Exception as exc:  # one broken source never stops the night
            logger.exception("source %s crashed", src.name)
            reason = f"来源 {src.name} 运行出错：{type(exc).__name__}"
            fail = SourceFailure(src.name, reason, f"{type(exc).__name__}: {exc}")
            return SourceResult(src.name, (), (fail,), {})

    return list(await asyncio.gather(*(one(s) for s in sources)))


def source_context(
    settings: Settings,
    profiles: tuple[TargetProfile, ...],
    repo: Any,
    options: CrawlOptions,
) -> SourceContext:
    from crawler.sources.state import SourceState

    def known() -> list[KnownLead]:
        out = []
        for k in repo.known_urls():
            lead = repo.lead_by_host(k.host)
            out.append(
                KnownLead(
                    id=k.lead_id,
                    url=k.url,
                    status=k.status,
                    verdict=lead.verdict if lead else "",
                    categories=tuple(lead.categories) if lead else (),
                    target=lead.target if lead else None,
                )
            )
        return out

    def pages() -> list[ScoredPageRef]:
        return [
            ScoredPageRef(url=u, html=h, depth=0, verdict=v, categories=c, target=t)
            for (u, h, v, c, t) in repo.flagged_pages()
        ]

    return SourceContext(
        settings=settings,
        profiles=profiles,
        state=SourceState(settings.data_dir / "state"),
        known_leads=known,
        pages=pages,
        seed_paths=tuple(options.seeds),
        limits=SourceLimits(
            max_candidates=options.max_candidates,
            links_max_depth=options.links_max_depth,
            lookalike_limit=options.lookalike_limit,
            dns_rate_per_second=options.dns_rate,
        ),
        options=options.source_options,
    )


# -- the job -----------------------------------------------------------------------------


class CrawlJob:
    """One `zhenwei crawl`: hold the lock, resume or start a run, crawl, summarise."""

    def __init__(self, settings: Settings, options: CrawlOptions, *, progress: Any = None) -> None:
        from storage.db import Database
        from storage.repository import Repository

        self.settings = settings
        self.options = options
        self.progress = progress
        self.repo = Repository(Database.from_settings(settings))
        self.profiles = load_profiles()

    def run(self) -> CrawlSummary:
        from crawler.sources.registry import build_sources

        names = self.options.sources or ALL_SOURCES
        sources = build_sources(names)  # unknown names fail here, before any work
        ctx = source_context(self.settings, self.profiles, self.repo, self.options)

        resumed = self._resumable()
        if resumed is not None:
            run_id, (candidates, hits, results) = resumed
            logger.info("resuming interrupted crawl run %d", run_id)
        else:
            run_id = self.repo.start_run(list(names))
            results = asyncio.run(collect(sources, ctx))
            candidates, hits = merge_candidates(
                results, ctx.is_official, self.options.max_candidates
            )
            save_run_plan(self._run_dir(run_id), candidates, hits, results)

        summary = CrawlSummary(run_id=run_id, resumed=resumed is not None)
        for r in results:
            row = summary.per_source.setdefault(r.source, {})
            row["candidates"] = int(r.stats.get("candidates", len(r.candidates)))
            row["failures"] = len(r.failures)
            summary.failures.extend(r.failures)
        done = self.repo.captured_urls(run_id) if resumed is not None else set()
        todo = [c for c in candidates if c.url not in done]
        summary.candidates = len(candidates)
        summary.skipped = len(candidates) - len(todo)
        if self.options.collect_only:
            return summary

        tally = RunTally(on_page=self.progress)
        if todo:
            self._crawl(run_id, todo, hits, ctx, tally)
        for source, counts in tally.per_source.items():
            row = summary.per_source.setdefault(source, {"candidates": 0, "failures": 0})
            for k, v in counts.items():
                row[k] = row.get(k, 0) + v
        summary.new_leads = tally.new_leads
        summary.changed = tally.changed
        self.repo.link_by_infrastructure()
        summary.finished_at = datetime.now(UTC)
        stats = {k: dict(v) for k, v in summary.per_source.items()}
        stats["_run"] = {
            "candidates": summary.candidates,
            "skipped_on_resume": summary.skipped,
            "storage_errors": tally.errors,
        }
        self.repo.finish_run(run_id, stats)
        return summary

    def _run_dir(self, run_id: int) -> Path:
        return self.settings.data_dir / "runs" / str(run_id)

    def _resumable(self) -> tuple[int, Any] | None:
        for run in reversed(self.repo.unfinished_runs()):
            plan = load_run_plan(self._run_dir(run.id))
            if plan is not None:
                return run.id, plan
            # died before its plan was written: nothing was fetched, close it
            self.repo.finish_run(run.id, {}, status="interrupted")
        return None

    def _crawl(
        self,
        run_id: int,
        candidates: list[Candidate],
        hits: dict[str, list[dict[str, Any]]],
        ctx: SourceContext,
        tally: RunTally,
    ) -> None:
        from scrapy import signals as _signals
        from scrapy.crawler import CrawlerProcess

        from crawler.analysis import analyzer_from_database
        from crawler.fetcher import build_settings
        from crawler.runtime import register
        from crawler.spiders.nightly import NightlySpider
        from storage.records import SourceHit

        source_hits = {
            url: [
                SourceHit(h["source"], datetime.fromisoformat(h["found_at"]), h.get("context") or {})
                for h in hs
            ]
            for url, hs in hits.items()
        }
        analyzer = analyzer_from_database(self.settings)
        cheap = analyzer_from_database(self.settings, detector_names=("domain", "content"))
        official = sorted({h for p in self.profiles for h in p.official_hosts})
        extra: dict[str, Any] = {
            "ZHENWEI_ANALYZER": register(analyzer),
            "ZHENWEI_CHEAP_ANALYZER": register(cheap),
            "ZHENWEI_REPOSITORY": register(self.repo),
            "ZHENWEI_RUN_ID": run_id,
            "ZHENWEI_SOURCE_HITS": register(source_hits),
            "ZHENWEI_TALLY": register(tally),
            "ZHENWEI_SOURCE_CONTEXT": register(ctx),
            "ZHENWEI_TRIAGE_THRESHOLD": self.options.triage_threshold,
            "ZHENWEI_LINKS_MAX_DEPTH": self.options.links_max_depth,
            "ZHENWEI_OFFICIAL_HOSTS": official,
            "ZHENWEI_CACHE_DIR": str(self.settings.data_dir / "cache"),
            # politeness: never more than two requests at once to one host
            "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
            "RANDOMIZE_DOWNLOAD_DELAY": True,
        }
        if self.options.distributed:
            extra.update(distributed_settings(self.options.redis_url, run_id))
        scrapy_settings = build_settings(
            self.settings,
            out_root=self._run_dir(run_id) / "captures",
            timeout=self.options.timeout,
            concurrency=self.options.concurrency,
            pipelines={
                "pipelines.scoring.ScoringPipeline": 300,
                "pipelines.storage.StoragePipeline": 400,
                "pipelines.storage.LinkFollowPipeline": 500,
            },
            extra_settings=extra,
        )
        root_level = logging.getLogger().level
        scrapy_settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
        # Scrapy's own loggers follow the CLI's -v, not Scrapy's DEBUG default.
        scrapy_settings.set("LOG_LEVEL", logging.getLevelName(root_level or logging.WARNING), priority="cmdline")
        process = CrawlerProcess(scrapy_settings)
        logging.getLogger().setLevel(root_level)
        crawler = process.create_crawler(NightlySpider)
        closed = _Closed()
        crawler.signals.connect(closed.on_closed, signal=_signals.spider_closed)
        process.crawl(crawler, candidates=candidates, zw_settings=self.settings)
        process.start()
        if closed.reason is None:
            raise CrawlError("抓取未能启动或异常终止（详见日志）")
        if closed.reason != "finished":
            logger.warning("crawl ended early: %s", closed.reason)


class CrawlError(RuntimeError):
    """The Scrapy crawl could not run."""


class _Closed:
    """spider_closed handler (a bound method: Scrapy keeps weak references)."""

    def __init__(self) -> None:
        self.reason: str | None = None

    def on_closed(self, spider: Any, reason: str) -> None:
        self.reason = reason


def distributed_settings(redis_url: str, run_id: int) -> dict[str, Any]:
    """scrapy-redis: a shared dupe filter so several workers never fetch one URL twice."""
    return {
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "REDIS_URL": redis_url,
        "SCHEDULER_DUPEFILTER_KEY": f"zhenwei:run{run_id}:dupefilter",
    }


def with_sources(candidate: Candidate, sources: list[str]) -> Candidate:
    return replace(candidate, context={**candidate.context, "sources": sources})
