"""The crawl job (`zhenwei crawl`): sources → triage → render → score → store → digest.

A run is resumable: its candidates are written to `<data_dir>/runs/<id>/` before any fetch,
and every link followed during the run is appended there before it is scheduled, so a run
killed at any point (even SIGKILL) is picked up by the next `zhenwei crawl`, which skips what
the dead run already stored and collects nothing twice.

Distributed runs (`--coordinator` once, `--distributed` per worker) are in
zhenwei/distributed.py: one coordinator runs the sources and queues the candidates in Redis,
workers pull them (zhenwei/workqueue.py); they reuse this job's pieces.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.config import Settings
from core.profiles import TargetProfile, load_profiles
from core.signals import ScoredPage
from core.types import Candidate
from crawler.context import RunContext, RunTally
from crawler.sources.base import (
    KnownLead,
    ScoredPageRef,
    SourceContext,
    SourceFailure,
    SourceLimits,
    SourceResult,
)
from pipelines.scorepool import ScoringPool
from zhenwei.runplan import (
    FollowedLog,
    hits_as_candidates,
    load_run_plan,
    merge_candidates,
    save_run_plan,
)

logger = logging.getLogger(__name__)

#: dismissed sites too: one that turns counterfeit comes back for review (storage/hostlabels.py)
RECHECK_STATUSES = ("new", "reviewing", "confirmed", "referred", "taken_down", "dismissed")
ALL_SOURCES = ("permutations", "ct", "pdns", "search", "seeds", "links", "recheck")
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
    #: a worker of a distributed run (pulls candidates from the run's queue)
    distributed: bool = False
    #: the coordinator of a distributed run (runs the sources, queues the candidates)
    coordinator: bool = False
    redis_url: str = "redis://127.0.0.1:6379/0"
    #: shared by every worker of one distributed run (None: the UTC date, YYYY-MM-DD)
    run_key: str | None = None
    #: distributed: seconds a silent worker's candidate waits before another worker takes it
    visibility: float = 300.0
    #: distributed workers: seconds to wait for the coordinator to publish the run
    wait: float = 3600.0
    #: stop after collecting (tests of the resume path, dry runs)
    collect_only: bool = False
    #: score the cheap stage in a worker process on another core (pipelines.scorepool)
    score_worker: bool = True


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


# -- sources -----------------------------------------------------------------------------


async def collect(sources: Sequence[Any], ctx: SourceContext) -> list[SourceResult]:
    """Run every source concurrently; a source that crashes or overruns is a failure."""

    async def one(src: Any) -> SourceResult:
        try:
            result: SourceResult = await asyncio.wait_for(src.collect(ctx), SOURCE_TIMEOUT)
            ctx.findings.add(src.name, result.candidates)
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

    @functools.cache
    def known() -> tuple[KnownLead, ...]:
        """Read once per run: recheck and permutations both ask, and the queue does not change
        while the sources run."""
        out = []
        # taken-down sites too: a re-check records when one comes back
        for k in repo.leads.known_urls(RECHECK_STATUSES):
            lead = repo.leads.by_host(k.host)
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
        return tuple(out)

    def pages() -> list[ScoredPageRef]:
        return [
            ScoredPageRef(url=u, html=h, depth=0, verdict=v, categories=c, target=t)
            for (u, h, v, c, t) in repo.leads.flagged_pages()
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

    def __init__(
        self,
        settings: Settings,
        options: CrawlOptions,
        *,
        progress: Callable[[ScoredPage], Any] | None = None,
    ) -> None:
        from storage.db import Database
        from storage.repository import Repository

        self.settings = settings
        self.options = options
        self.progress = progress
        self.repo = Repository(Database.from_settings(settings))
        self.profiles = load_profiles()

    def run(self) -> CrawlSummary:
        from crawler.sources.registry import build_sources

        if self.options.coordinator or self.options.distributed:
            from zhenwei import distributed

            if self.options.coordinator:
                return distributed.coordinate(self)
            return distributed.work(self)

        names = self.options.sources or ALL_SOURCES
        sources = build_sources(names)  # unknown names fail here, before any work
        ctx = source_context(self.settings, self.profiles, self.repo, self.options)

        resumed = self._resumable()
        if resumed is not None:
            run_id, (candidates, hits, results) = resumed
            logger.info("resuming interrupted crawl run %d", run_id)
        else:
            run_id = self.repo.runs.start(list(names))
            # Created at once: marks the run as this data directory's (a shared database
            # also holds the runs of other workers).
            self._run_dir(run_id).mkdir(parents=True, exist_ok=True)
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
        done = self.repo.runs.captured_urls(run_id) if resumed is not None else set()
        todo = [c for c in candidates if c.url not in done]
        summary.candidates = len(candidates)
        summary.skipped = len(candidates) - len(todo)
        if self.options.collect_only:
            return summary

        tally = RunTally()
        if todo:
            self._crawl(run_id, todo, hits, ctx, tally, frozenset(done))
        for source, counts in tally.per_source.items():
            row = summary.per_source.setdefault(source, {"candidates": 0, "failures": 0})
            for k, v in counts.items():
                row[k] = row.get(k, 0) + v
        summary.new_leads = tally.new_leads
        summary.changed = tally.changed
        self.repo.campaigns.link()
        summary.finished_at = datetime.now(UTC)
        stats = {k: dict(v) for k, v in summary.per_source.items()}
        stats["_run"] = {
            "candidates": summary.candidates,
            "skipped_on_resume": summary.skipped,
            "storage_errors": tally.errors,
        }
        self.repo.runs.finish(run_id, stats)
        return summary

    def run_key(self) -> str:
        return self.options.run_key or datetime.now(UTC).strftime("%Y-%m-%d")

    def worker_id(self) -> str:
        """Stable per data directory: the worker's consumer name in the run's queue."""
        path = self.settings.data_dir / "worker-id"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(uuid.uuid4().hex, encoding="ascii")
            os.replace(tmp, path)
        return path.read_text(encoding="ascii").strip()

    def _run_dir(self, run_id: int) -> Path:
        return self.settings.data_dir / "runs" / str(run_id)

    def _resumable(self) -> tuple[int, Any] | None:
        for run in reversed(self.repo.runs.unfinished()):
            run_dir = self._run_dir(run.id)
            if not run_dir.is_dir():
                continue  # another worker's run (shared database): not ours to touch
            plan = load_run_plan(run_dir)
            if plan is not None:
                return run.id, plan
            # died before its plan was written: nothing was fetched, close it
            self.repo.runs.finish(run.id, {}, status="interrupted")
        return None

    def _crawl(
        self,
        run_id: int,
        candidates: list[Candidate],
        hits: dict[str, list[dict[str, Any]]],
        ctx: SourceContext,
        tally: RunTally,
        done: frozenset[str] = frozenset(),
        *,
        feed: Any = None,
        out_root: Path | None = None,
    ) -> Any:
        from crawler.runner import RunOptions, run
        from pipelines import chain
        from pipelines.storage import RepositoryStore
        from zhenwei.analysis import labels_from_database, recipe_from_database

        recipe = recipe_from_database(self.settings)  # one read for the three analyzers
        triage = replace(recipe, triage=True)
        pool = self._score_worker(triage)
        context = RunContext(
            scorer=recipe(),
            triage_scorer=triage(),
            triage_pool=pool,
            labels=labels_from_database(self.settings),
            triage_threshold=self.options.triage_threshold,
            store=RepositoryStore(self.repo, run_id),
            hits=feed.hits
            if feed is not None
            else {url: hits_as_candidates(url, hs) for url, hs in hits.items()},
            tally=tally,
            sources=ctx,
            feed=feed,
            followed=None if feed is not None else FollowedLog(self._run_dir(run_id)),
            already_captured=done,
            on_page=self.progress,
        )
        official = sorted({h for p in self.profiles for h in p.official_hosts})
        options = RunOptions(
            timeout=self.options.timeout,
            concurrency=self.options.concurrency,
            out_root=out_root or self._run_dir(run_id) / "captures",
            pipelines=chain("capture", "scoring", "storage", "links", *(("ack",) if feed else ())),
            keep_items=False,  # every page is stored as it comes; none is needed afterwards
            extra={
                "ZHENWEI_LINKS_MAX_DEPTH": self.options.links_max_depth,
                "ZHENWEI_OFFICIAL_HOSTS": official,
                "ZHENWEI_CACHE_DIR": str(self.settings.data_dir / "cache"),
                "ZHENWEI_CLAIM_SLOTS": self.options.concurrency,
                # politeness: never more than two requests at once to one host
                "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
                "DOWNLOAD_DELAY_JITTER": 0.5,  # delays vary ±50 % (RANDOMIZE_… is deprecated)
            },
        )
        try:
            result = run(candidates, self.settings, options=options, context=context)
        finally:
            if pool is not None:
                pool.close()
        if result.finish_reason is None:
            raise CrawlError("抓取未能启动或异常终止（详见日志）")
        return result

    def _score_worker(self, recipe: Callable[[], Any]) -> ScoringPool | None:
        """The cheap stage's second core: a worker with the same triage scorer, when there is
        a second core to give it."""
        if not self.options.score_worker or (os.cpu_count() or 1) < 2:
            return None
        return ScoringPool(recipe)


class CrawlError(RuntimeError):
    """The Scrapy crawl could not run."""
