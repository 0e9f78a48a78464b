"""The plan of a crawl run on disk: its candidates and source hits, written before any fetch.

A run killed at any point (even SIGKILL) is resumed from `<data_dir>/runs/<id>/plan.json`
plus `followed.jsonl` (links scheduled during the run, appended before their fetch), so the
next `zhenwei crawl` neither loses nor repeats work.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from core.types import Candidate
from crawler.sources.base import SourceFailure, SourceResult


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


def save_run_plan(
    run_dir: Path,
    candidates: Sequence[Candidate],
    hits: dict[str, list[dict[str, Any]]],
    results: Sequence[SourceResult],
) -> None:
    """Written atomically before the first fetch: the run can always be resumed from it."""
    run_dir.mkdir(parents=True, exist_ok=True)
    plan = {
        "candidates": [c.to_json() for c in candidates],
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
    cands = [Candidate.from_json(c) for c in plan["candidates"]]
    results = [
        SourceResult(
            source=name,
            candidates=(),
            failures=tuple(
                SourceFailure(
                    name, f["reason"], f.get("detail", ""), datetime.fromisoformat(f["at"])
                )
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
        line = json.dumps(candidate.to_json(), ensure_ascii=False, default=str)
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")  # flushed on close: survives SIGKILL of this process

    def load(self) -> list[Candidate]:
        if not self.path.exists():
            return []
        out = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                c = json.loads(line)
                out.append(Candidate.from_json(c))
            except (ValueError, KeyError, TypeError):
                continue  # a line cut short by the crash
        return out


def hits_as_candidates(url: str, hits: Sequence[dict[str, Any]]) -> list[Candidate]:
    """The stored source hits of one URL as the candidates each source produced."""
    return [
        Candidate(url, h["source"], datetime.fromisoformat(h["found_at"]), h.get("context") or {})
        for h in hits
    ]
