"""A crawl run shared by several machines: one coordinator, N workers, one queue.

- The coordinator (`zhenwei crawl --coordinator`) runs discovery once, opens the run in the
  shared database, queues every candidate (zhenwei/workqueue.py) and waits until the queue is
  drained; then it closes the run and links campaigns. Restarted with the same run key after
  it died, it finds the run already published and only waits for it.
- A worker (`zhenwei crawl --distributed`) waits for the run of its run key, pulls candidates
  into free slots of its spider, and exits when nothing is left to anyone. A worker killed
  mid-candidate loses nothing: the candidate's lease expires after the visibility timeout
  and another worker takes it; one the dead worker had already stored is only acknowledged.

Every worker has its own data directory (run lock, captures in progress, caches) and shares
the database and the evidence store (ZHENWEI_ARTIFACTS_DIR or ZHENWEI_EVIDENCE_URL) with
the others.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from typing import Any

from core.types import Candidate
from crawler.context import RunTally
from zhenwei.crawljob import CrawlError, CrawlJob, CrawlSummary, collect, source_context
from zhenwei.runplan import hits_as_candidates, merge_candidates
from zhenwei.workqueue import CandidateQueue, QueueFeed, QueueUnavailable

logger = logging.getLogger(__name__)

#: seconds between two looks at the queue while the coordinator waits
POLL_SECONDS = 2.0


def _queue(job: CrawlJob, consumer: str) -> CandidateQueue:
    try:
        return CandidateQueue(
            job.options.redis_url,
            job.run_key(),
            consumer,
            visibility_seconds=job.options.visibility,
        )
    except QueueUnavailable as exc:
        raise CrawlError(f"无法连接 Redis（{job.options.redis_url}）：{exc}") from None


def coordinate(job: CrawlJob) -> CrawlSummary:
    """Discover once, queue every candidate, wait for the workers, close the run."""
    from crawler.sources.registry import build_sources
    from zhenwei.crawljob import ALL_SOURCES

    opts = job.options
    queue = _queue(job, "coordinator")
    run_id = queue.run_id()
    summary: CrawlSummary
    if run_id is not None:
        logger.info("run key %s already published as run %d: waiting for it", job.run_key(), run_id)
        summary = CrawlSummary(run_id=run_id, resumed=True)
    else:
        names = opts.sources or ALL_SOURCES
        sources = build_sources(names)
        ctx = source_context(job.settings, job.profiles, job.repo, opts)
        results = asyncio.run(collect(sources, ctx))
        candidates, hits = merge_candidates(results, ctx.is_official, opts.max_candidates)
        run_id = job.repo.runs.start(list(names))
        summary = CrawlSummary(run_id=run_id, resumed=False)
        for r in results:
            summary.per_source[r.source] = {
                "candidates": int(r.stats.get("candidates", len(r.candidates))),
                "failures": len(r.failures),
            }
            summary.failures.extend(r.failures)
        summary.candidates = queue.publish(
            run_id, candidates, {u: hits_as_candidates(u, hs) for u, hs in hits.items()}
        )
        logger.info("run %d: %d candidates queued", run_id, summary.candidates)
    while not queue.drained():
        time.sleep(POLL_SECONDS)
    split = queue.done_by()
    summary.new_leads = _new_leads(job.repo, run_id)
    job.repo.campaigns.link()
    summary.finished_at = summary.finished_at or _now()
    stats: dict[str, dict[str, int]] = {k: dict(v) for k, v in summary.per_source.items()}
    stats["_run"] = {"candidates": summary.candidates}
    stats["_workers"] = split
    given_up = queue.given_up()
    if given_up:
        stats["_given_up"] = given_up
    job.repo.runs.finish(run_id, stats)
    summary.per_source["_workers"] = split
    return summary


def work(job: CrawlJob) -> CrawlSummary:
    """Pull candidates of the run key's run until the queue is drained."""
    opts = job.options
    deadline = time.monotonic() + opts.wait
    while True:
        # asked again each time: without --run-key the key is the date, and it moves on
        queue = _queue(job, job.worker_id())
        run_id = queue.run_id()
        if run_id is not None and not queue.drained():
            break  # a published run with work left (a drained one is last night's)
        if time.monotonic() >= deadline:
            raise CrawlError(f"运行键 {job.run_key()} 在 {opts.wait:.0f} 秒内没有待抓取的候选")
        time.sleep(POLL_SECONDS)
    hits: dict[str, Sequence[Candidate]] = {}

    def is_stored(url: str) -> bool:
        return url in job.repo.runs.captured_urls(run_id)

    feed = QueueFeed(queue, hits, is_stored, heartbeat_seconds=max(1.0, opts.visibility / 3))
    summary = CrawlSummary(run_id=run_id, resumed=False)
    tally = RunTally()
    ctx = source_context(job.settings, job.profiles, job.repo, opts)
    out_root = job.settings.data_dir / "dist" / job.run_key() / "captures"
    job._crawl(run_id, [], {}, ctx, tally, feed=feed, out_root=out_root)
    for source, counts in tally.per_source.items():
        summary.per_source[source] = dict(counts)
    summary.new_leads = tally.new_leads
    summary.changed = tally.changed
    summary.candidates = queue.done_by().get(queue.consumer, 0)
    summary.finished_at = _now()
    return summary


def _new_leads(repo: Any, run_id: int) -> list[int]:
    """Leads created since the run started (by any worker): the digest's new leads."""
    from sqlalchemy import select

    from storage.models import CrawlRun, Lead

    with repo.db.session() as s:
        started = select(CrawlRun.started_at).where(CrawlRun.id == run_id).scalar_subquery()
        return list(s.scalars(select(Lead.id).where(Lead.created_at >= started).order_by(Lead.id)))


def _now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)
