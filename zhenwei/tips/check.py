"""Check pending tips: one crawl of their URLs through the same network path and egress
policy as `zhenwei crawl` (Scrapy + Chromium, scoring, storage), each result on its lead.

Runs Scrapy, so at most once per process: the UI starts `zhenwei tips check --id N` as a
background process; `zhenwei tips import` runs it in its own process.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from core.config import Settings
from core.signals import ScoredPage
from core.types import Candidate
from storage.pagedata import lead_key
from storage.records import TipRecord
from storage.repository import Repository
from storage.tips import CheckOutcome

log = logging.getLogger(__name__)

SOURCE = "tips"


@dataclass(frozen=True)
class TipCheckSummary:
    tips: tuple[TipRecord, ...]
    urls: int
    run_id: int | None


def candidates_of(tips: Sequence[TipRecord]) -> list[Candidate]:
    """One candidate per URL of each tip, its provenance in the context (lead_source)."""
    out = []
    for tip in tips:
        for check in tip.checks:
            out.append(
                Candidate(
                    url=check.url,
                    source=SOURCE,
                    found_at=tip.received_at,
                    context={
                        "tip_id": tip.id,
                        "channel": tip.channel,
                        "reference": tip.reference,
                        "received_at": tip.received_at.isoformat(),
                    },
                )
            )
    return out


def check_tips(
    repo: Repository,
    settings: Settings,
    tip_ids: Sequence[int] | None = None,
    *,
    timeout: float = 60.0,
    concurrency: int = 4,
) -> TipCheckSummary:
    """Crawl, score and store every URL of the pending tips; record each outcome."""
    from crawler.context import RunContext
    from crawler.runner import RunOptions, page_of, run
    from pipelines import chain
    from pipelines.storage import RepositoryStore
    from zhenwei.analysis import analyzer_from_database, labels_from_database

    tips = repo.tips.pending(tip_ids)
    candidates = candidates_of(tips)
    if not candidates:
        return TipCheckSummary(tuple(tips), 0, None)
    hits: dict[str, list[Candidate]] = {}
    for cand in candidates:
        hits.setdefault(cand.url, []).append(cand)
    unique = [group[0] for group in hits.values()]
    run_id = repo.runs.start([SOURCE], kind="tips")
    out_root = settings.data_dir / "runs" / str(run_id) / "captures"
    context = RunContext(
        scorer=analyzer_from_database(settings),
        labels=labels_from_database(settings),
        store=RepositoryStore(repo, run_id),
        hits=hits,
    )
    options = RunOptions(
        timeout=timeout,
        concurrency=concurrency,
        out_root=out_root,
        pipelines=chain("capture", "scoring", "storage"),
    )
    result = run(unique, settings, options=options, context=context)
    items = result.for_candidates(unique, settings)
    now = datetime.now(UTC)
    by_url: dict[str, CheckOutcome] = {}
    for cand, item in zip(unique, items, strict=True):
        page = page_of(item)
        scored = item if isinstance(item, ScoredPage) else None
        lead = repo.leads.by_host(lead_key(cand.url)) if scored is not None else None
        by_url[cand.url] = CheckOutcome(
            url=cand.url,
            lead_id=lead.id if lead is not None else None,
            verdict=scored.verdict if scored is not None else None,
            score=scored.score if scored is not None else None,
            error=page.error,
            at=now,
        )
    done = []
    for tip in tips:
        outcomes = [by_url[c.url] for c in tip.checks if c.url in by_url]
        done.append(repo.tips.record_checks(tip.id, outcomes))
    repo.campaigns.link()
    repo.runs.finish(run_id, {SOURCE: {"candidates": len(unique), "tips": len(tips)}})
    return TipCheckSummary(tuple(done), len(unique), run_id)
