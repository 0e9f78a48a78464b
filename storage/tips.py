"""Tips (`repo.tips`): what the public or an analyst reported (12345 hotline, the UI form),
with its provenance, and what checking each of its URLs found; the result is on the lead."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import sql
from storage.models import Tip, TipCheck
from storage.records import TipCheckRecord, TipRecord

STATUSES = ("pending", "checked", "no_url", "failed")


@dataclass(frozen=True)
class NewTip:
    """A tip as read from a file or a form, before it is stored."""

    channel: str
    reference: str
    received_at: datetime
    text: str
    urls: tuple[str, ...]
    origin: dict[str, Any]


@dataclass(frozen=True)
class CheckOutcome:
    """What checking one URL of a tip gave."""

    url: str
    lead_id: int | None
    verdict: str | None
    score: int | None
    error: str | None
    at: datetime


def _record(s: Session, row: Tip) -> TipRecord:
    checks = s.scalars(select(TipCheck).where(TipCheck.tip_id == row.id).order_by(TipCheck.id))
    return sql.to_record(
        TipRecord, row, checks=tuple(sql.to_record(TipCheckRecord, c) for c in checks)
    )


class Tips(sql.Store):
    """Stores tips once per (channel, reference) and their check results."""

    def add(self, tip: NewTip) -> tuple[TipRecord, bool]:
        """(the tip, created): importing the same hotline export twice adds nothing."""

        def run(s: Session) -> tuple[int, bool]:
            stmt = sql.insert(s, Tip).values(
                channel=tip.channel,
                reference=tip.reference,
                received_at=sql.utc(tip.received_at),
                text=tip.text,
                origin=tip.origin,
                status="pending" if tip.urls else "no_url",
                created_at=sql.now(),
            )
            new_id = s.execute(
                stmt.on_conflict_do_nothing(index_elements=["channel", "reference"]).returning(
                    Tip.id
                )
            ).scalar_one_or_none()
            if new_id is None:
                existing = s.scalars(
                    select(Tip.id).where(Tip.channel == tip.channel, Tip.reference == tip.reference)
                ).one()
                return int(existing), False
            for url in dict.fromkeys(tip.urls):
                s.add(TipCheck(tip_id=new_id, url=url))
            return int(new_id), True

        tip_id, created = sql.write(self.db, run)
        return self.get(tip_id), created

    def get(self, tip_id: int) -> TipRecord:
        with self.db.session() as s:
            row = s.get(Tip, tip_id)
            if row is None:
                raise sql.NotFoundError(f"no tip {tip_id}")
            return _record(s, row)

    def list(self, *, status: str | None = None, limit: int = 500) -> builtins.list[TipRecord]:
        """Newest received first."""
        with self.db.session() as s:
            stmt = select(Tip).order_by(Tip.received_at.desc(), Tip.id.desc()).limit(limit)
            if status is not None:
                stmt = stmt.where(Tip.status == status)
            return [_record(s, r) for r in s.scalars(stmt).all()]

    def pending(self, ids: Sequence[int] | None = None) -> builtins.list[TipRecord]:
        with self.db.session() as s:
            stmt = select(Tip).where(Tip.status == "pending").order_by(Tip.id)
            if ids is not None:
                stmt = stmt.where(Tip.id.in_(list(ids)))
            return [_record(s, r) for r in s.scalars(stmt).all()]

    def record_checks(self, tip_id: int, outcomes: Sequence[CheckOutcome]) -> TipRecord:
        """Store what checking the tip's URLs found; the tip is checked when every URL was
        reported, failed when none reached a lead."""

        def run(s: Session) -> None:
            tip = sql.locked(s, Tip, tip_id)
            by_url = {
                c.url: c for c in s.scalars(select(TipCheck).where(TipCheck.tip_id == tip_id))
            }
            for o in outcomes:
                row = by_url.get(o.url)
                if row is None:
                    row = TipCheck(tip_id=tip_id, url=o.url)
                    s.add(row)
                row.lead_id, row.verdict, row.score = o.lead_id, o.verdict, o.score
                row.error, row.checked_at = o.error, sql.utc(o.at)
            tip.status = "checked" if any(o.lead_id for o in outcomes) else "failed"
            tip.checked_at = sql.now()

        sql.write(self.db, run)
        return self.get(tip_id)

    def for_lead(self, lead_id: int) -> builtins.list[TipRecord]:
        """Tips that led to this lead (shown on the lead page)."""
        with self.db.session() as s:
            ids = s.scalars(
                select(TipCheck.tip_id).where(TipCheck.lead_id == lead_id).distinct()
            ).all()
            rows = s.scalars(select(Tip).where(Tip.id.in_(list(ids))).order_by(Tip.received_at))
            return [_record(s, r) for r in rows]
