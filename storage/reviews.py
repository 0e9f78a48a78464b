"""Review events (`repo.reviews`): the append-only, hash-chained audit trail of each lead and
the only way its status changes (rules and hashing in `storage/audit.py`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import audit, sql
from storage.models import Lead, ReviewEvent
from storage.records import AuditResult, ReviewEventRecord


def _payload(ev: ReviewEvent) -> str:
    return audit.event_payload(
        lead_id=ev.lead_id,
        user=ev.user,
        action=ev.action,
        note=ev.note,
        old_status=ev.old_status,
        new_status=ev.new_status,
        at=ev.at,
        prev_hash=ev.prev_hash,
    )


def lead_reviews(s: Session, lead_id: int) -> tuple[ReviewEventRecord, ...]:
    """A lead's review events, oldest first."""
    rows = s.scalars(
        select(ReviewEvent).where(ReviewEvent.lead_id == lead_id).order_by(ReviewEvent.id)
    )
    return tuple(sql.to_record(ReviewEventRecord, r) for r in rows)


def append_event(
    s: Session,
    lead: Lead,
    *,
    user: str,
    action: str,
    note: str = "",
    new_status: str | None = None,
) -> ReviewEvent:
    """Append one review event to a (locked) lead's chain inside the caller's transaction, and
    change its status when asked and allowed: the one place an event is written."""
    old = lead.status
    new = new_status or old
    audit.check_transition(old, new)
    last = s.scalars(
        select(ReviewEvent.hash)
        .where(ReviewEvent.lead_id == lead.id)
        .order_by(ReviewEvent.id.desc())
        .limit(1)
    ).one_or_none()
    prev = last or audit.GENESIS
    at = sql.now()
    event = ReviewEvent(
        lead_id=lead.id,
        user=user,
        action=action,
        note=note,
        old_status=old,
        new_status=new,
        at=at,
        prev_hash=prev,
    )
    event.hash = audit.chain_hash(prev, _payload(event))
    s.add(event)
    lead.status = new
    lead.review_head = event.hash
    lead.updated_at = at
    s.flush()
    return event


class Reviews(sql.Store):
    """Appends review events and checks their chain."""

    def add(
        self,
        lead_id: int,
        *,
        user: str,
        action: str,
        note: str = "",
        new_status: str | None = None,
    ) -> ReviewEventRecord:
        """Append a review event (and change the status, if asked and allowed)."""

        def run(s: Session) -> ReviewEventRecord:
            lead = sql.locked(s, Lead, lead_id)
            event = append_event(
                s, lead, user=user, action=action, note=note, new_status=new_status
            )
            return sql.to_record(ReviewEventRecord, event)

        return sql.write(self.db, run)

    def set_status(
        self, lead_id: int, new_status: str, *, user: str, note: str = ""
    ) -> ReviewEventRecord:
        """Status changes only ever happen through an audited review event."""
        return self.add(lead_id, user=user, action="status", note=note, new_status=new_status)

    def verify_chain(self, lead_id: int | None = None) -> AuditResult:
        """Recompute every review hash; report the first event that does not fit."""
        checked = 0
        with self.db.session() as s:
            lead_stmt = select(Lead.id, Lead.review_head).order_by(Lead.id)
            if lead_id is not None:
                lead_stmt = lead_stmt.where(Lead.id == lead_id)
            heads = dict(s.execute(lead_stmt).tuples().all())
            ev_stmt = select(ReviewEvent).order_by(ReviewEvent.lead_id, ReviewEvent.id)
            if lead_id is not None:
                ev_stmt = ev_stmt.where(ReviewEvent.lead_id == lead_id)
            last: dict[int, str] = {}
            for ev in s.scalars(ev_stmt):
                prev = last.get(ev.lead_id, audit.GENESIS)
                if ev.prev_hash != prev:
                    return AuditResult(False, checked, ev.id, ev.lead_id, "previous hash differs")
                if audit.chain_hash(prev, _payload(ev)) != ev.hash:
                    return AuditResult(False, checked, ev.id, ev.lead_id, "event content altered")
                last[ev.lead_id] = ev.hash
                checked += 1
            for lid, head in heads.items():
                if head != last.get(lid, audit.GENESIS):
                    return AuditResult(False, checked, None, lid, "newest review event missing")
        return AuditResult(True, checked)
