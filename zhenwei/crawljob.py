"""The crawl job (`zhenwei crawl`): sources → triage → render → score → store → digest.

A run is resumable: its candidates are written to `<data_dir>/runs/<id>/` before any fetch,
and every link followed during the run is appended there before it is scheduled, so a run
killed at any point (even SIGKILL) is picked up by the next `zhenwei crawl`, which skips what
the dead run already stored and collects nothing twice.

Distributed runs (`--distributed`): every worker has its own data directory (and run lock)
and shares the database and Redis. Workers of one run share a run key (`--run-key`, default
the UTC date); each URL is fetched by the worker that first claims it in the Redis hash
`zhenwei:crawl:<run key>:claims` (HSETNX url → worker id). A worker that dies keeps its
claims: when it resumes, URLs it claimed are still its own to fetch.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from core.config import Settings
from core.profiles import TargetProfile, load_profiles
from core.types import Candidate
from crawler.sources.base import (
    KnownLead,
    ScoredPageRef,
    SourceContext,
    SourceFailure,
    SourceLimits,
    SourceResult,
)
from pipelines.storage import RunTally

logger = logging.getLogger(__name__)

RECHECK_STATUSES = ("new", "reviewing", "confirmed", "referred", "taken_down")
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
    #: shared by every worker of one distributed run (None: the UTC date, YYYY-MM-DD)
    run_key: str | None = None
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
    hits: dict[str, list[dict[str, Any]]] = plan.get("hits", {})
    # Links followed before the crash: their pages may be stored already, so they would
    # never be found again by re-following.
    known = {c.url for c in cands}
    for c in FollowedLog(run_dir).load():
        if c.url not in known:
            known.add(c.url)
            cands.append(c)
            hits.setdefault(c.url, []).append(
                {"source": c.source, "found_at": c.found_at.isoformat(), "context": c.context}
            )
    return cands, hits, results


class FollowedLog:
    """`<run_dir>/followed.jsonl`: links scheduled during a run, written before their fetch."""

    def __init__(self, run_dir: Path) -> None:
        self.path = run_dir / "followed.jsonl"

    def add(self, candidate: Candidate) -> None:
        line = json.dumps(_candidate_json(candidate), ensure_ascii=False, default=str)
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")  # flushed on close: survives SIGKILL of this process

    def load(self) -> list[Candidate]:
        if not self.path.exists():
            return []
        out = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                c = json.loads(line)
                out.append(Candidate(c["url"], c["source"], datetime.fromisoformat(c["found_at"]),
                                     c.get("context") or {}, c.get("target")))
            except (ValueError, KeyError, TypeError):
                continue  # a line cut short by the crash
        return out


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
        # taken-down sites too: a re-check records when one comes back
        for k in repo.known_urls(RECHECK_STATUSES):
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

    def run_key(self) -> str:
        return self.options.run_key or datetime.now(UTC).strftime("%Y-%m-%d")

    def worker_id(self) -> str:
        """Stable per data directory, so a restarted worker recognises its own claims."""
        path = self.settings.data_dir / "worker-id"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(uuid.uuid4().hex, encoding="ascii")
            os.replace(tmp, path)
        return path.read_text(encoding="ascii").strip()

    def _claims(self) -> RedisClaims:
        try:
            return RedisClaims(self.options.redis_url, self.run_key(), self.worker_id())
        except RedisUnavailable as exc:
            raise CrawlError(f"无法连接 Redis（{self.options.redis_url}）：{exc}") from None

    def _run_dir(self, run_id: int) -> Path:
        return self.settings.data_dir / "runs" / str(run_id)

    def _resumable(self) -> tuple[int, Any] | None:
        for run in reversed(self.repo.unfinished_runs()):
            run_dir = self._run_dir(run.id)
            if not run_dir.is_dir():
                continue  # another worker's run (shared database): not ours to touch
            plan = load_run_plan(run_dir)
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

        from crawler.runner import build_settings
        from crawler.runtime import register
        from crawler.spiders.nightly import NightlySpider
        from storage.records import SourceHit
        from zhenwei.analysis import analyzer_from_database

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
            "ZHENWEI_FOLLOWED_LOG": register(FollowedLog(self._run_dir(run_id))),
            # politeness: never more than two requests at once to one host
            "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
            "RANDOMIZE_DOWNLOAD_DELAY": True,
        }
        if self.options.distributed:
            extra["ZHENWEI_CLAIMS"] = register(self._claims())
            extra["ZHENWEI_CLAIM_SLOTS"] = self.options.concurrency
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


class RedisUnavailable(RuntimeError):
    """Redis could not be reached."""


class RedisClaims:
    """Which worker of a distributed run fetches a URL: the first to claim it.

    A claim is `HSETNX <key> url worker-id`: atomic, so two workers never both win, and
    keeping the winner's id lets a restarted worker finish what it claimed before dying.
    (A shared scrapy-redis request queue does not fit: one candidate is a render request,
    plain variant fetches and enrichment meeting in one process's memory.)
    """

    #: claims outlive any run that could still resume
    TTL_SECONDS = 14 * 86400

    def __init__(self, redis_url: str, run_key: str, worker_id: str) -> None:
        import redis

        self.key = f"zhenwei:crawl:{run_key}:claims"
        self.worker = worker_id
        self.client = redis.Redis.from_url(redis_url, socket_timeout=10, socket_connect_timeout=10)
        self._error = redis.RedisError
        try:
            self.client.ping()
            self.client.expire(self.key, self.TTL_SECONDS)
        except redis.RedisError as exc:
            raise RedisUnavailable(str(exc)) from None

    def claim(self, url: str) -> bool:
        """True when this worker is to fetch `url` (it won the claim now or earlier)."""
        try:
            if self.client.hsetnx(self.key, url, self.worker):
                self.client.expire(self.key, self.TTL_SECONDS)
                return True
            owner = self.client.hget(self.key, url)
        except self._error as exc:
            # Not fetched here; the URL stays in this run's plan for a resumed run.
            logger.warning("cannot claim %s in Redis: %s", url, exc)
            return False
        if isinstance(owner, bytes):
            owner = owner.decode()
        return owner == self.worker

