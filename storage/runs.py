"""Crawl runs (`repo.runs`): start, finish with per-source statistics, list, resume."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import sql
from storage.models import Capture, CrawlRun
from storage.records import CrawlRunRecord


class Runs(sql.Store):
    """One row per crawl, recheck or reference update."""

    def start(self, sources: Sequence[str], *, kind: str = "crawl") -> int:
        def run(s: Session) -> int:
            row = CrawlRun(kind=kind, sources=list(sources), status="running", stats={})
            s.add(row)
            s.flush()
            return row.id

        return sql.write(self.db, run)

    def finish(
        self, run_id: int, stats: Mapping[str, Mapping[str, int]], status: str = "finished"
    ) -> None:
        """Close a run with per-source statistics: {"ct": {"candidates": 12, "errors": 1}}."""

        def run(s: Session) -> None:
            row = s.get(CrawlRun, run_id)
            if row is None:
                raise sql.NotFoundError(f"no crawl run {run_id}")
            row.stats = {src: dict(values) for src, values in stats.items()}
            row.status = status
            row.finished_at = sql.now()

        sql.write(self.db, run)

    def get(self, run_id: int) -> CrawlRunRecord:
        with self.db.session() as s:
            row = s.get(CrawlRun, run_id)
            if row is None:
                raise sql.NotFoundError(f"no crawl run {run_id}")
            return sql.to_record(CrawlRunRecord, row)

    def recent(self, limit: int = 20) -> list[CrawlRunRecord]:
        """The newest runs first."""
        with self.db.session() as s:
            rows = s.scalars(select(CrawlRun).order_by(CrawlRun.id.desc()).limit(limit))
            return [sql.to_record(CrawlRunRecord, r) for r in rows]

    def unfinished(self, kind: str = "crawl") -> list[CrawlRunRecord]:
        """Runs still marked running: when the caller holds the run lock, their process died."""
        with self.db.session() as s:
            rows = s.scalars(
                select(CrawlRun)
                .where(CrawlRun.kind == kind, CrawlRun.status == "running")
                .order_by(CrawlRun.id)
            )
            return [sql.to_record(CrawlRunRecord, r) for r in rows]

    def captured_urls(self, run_id: int) -> set[str]:
        """URLs (as given by their candidates) already captured in a run: skipped on resume."""
        with self.db.session() as s:
            return set(s.scalars(select(Capture.url).where(Capture.run_id == run_id)))
