"""Review events (`repo.reviews`): the append-only, keyed hash-chained audit trail of each lead
and the only way its status changes (rules and hashing in `storage/audit.py`, checkpoints in
`storage/trail.py`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import audit, keyfile, sql, trail
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
    role: str | None = None,
) -> ReviewEvent:
    """Append one keyed review event to a (locked) lead's chain inside the caller's transaction,
    and change its status when the workflow allows it to `role` (None: a local operator): the
    one place an event is written. The audit key comes from the session (storage/db.py)."""
    key = trail.writing_key(s.info["audit_key_file"])
    trail.lock(s, "review")
    old = lead.status
    new = new_status or old
    audit.check_transition(old, new, role)
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
    event.mac = audit.mac(key, event.hash)
    s.add(event)
    trail.advance(s, key, "review", event.hash)
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
        role: str | None = None,
    ) -> ReviewEventRecord:
        """Append a review event (and change the status, if asked and allowed to `role`;
        None: a local operator, bound only by the workflow)."""

        def run(s: Session) -> ReviewEventRecord:
            trail.lock(s, "review")
            lead = sql.locked(s, Lead, lead_id)
            event = append_event(
                s, lead, user=user, action=action, note=note, new_status=new_status, role=role
            )
            return sql.to_record(ReviewEventRecord, event)

        return sql.write(self.db, run)

    def set_status(
        self, lead_id: int, new_status: str, *, user: str, note: str = "", role: str | None = None
    ) -> ReviewEventRecord:
        """Status changes only ever happen through an audited review event."""
        return self.add(
            lead_id, user=user, action="status", note=note, new_status=new_status, role=role
        )

    def seal(self) -> int:
        """Seal events written before the audit key existed: check their unkeyed chain, then
        MAC them and checkpoint the trails. Returns how many were sealed; StatusError-free,
        ValueError when the unkeyed chain is already broken (nothing is then sealed)."""
        result = self.verify_chain(keyed=False)
        if not result.ok:
            raise ValueError(f"the review chain is broken, refusing to seal it: {result.reason}")
        key = trail.writing_key(self.db.audit_key_file)

        def run(s: Session) -> int:
            sealed = 0
            for ev in s.scalars(select(ReviewEvent).where(ReviewEvent.mac == "")):
                ev.mac = audit.mac(key, ev.hash)
                sealed += 1
            trail.seal_empty(s, key)
            return sealed

        return sql.write(self.db, run)

    def head_problem(self) -> str:
        """The cheap check behind the UI's banner: the review trail against its keyed
        checkpoint (three small queries); "" when they agree."""
        try:
            key = trail.reading_key(self.db.audit_key_file)
        except keyfile.KeyFileError as exc:
            return f"audit key unusable: {exc}"
        with self.db.session() as s:
            return trail.check(s, key, "review")

    def verify_chain(self, lead_id: int | None = None, *, keyed: bool = True) -> AuditResult:
        """Recompute every review hash and MAC, match each lead's status to where its events
        lead, and the trail to its keyed checkpoint; report the first thing that does not fit."""
        try:
            key = trail.reading_key(self.db.audit_key_file) if keyed else None
        except keyfile.KeyFileError as exc:
            return AuditResult(False, 0, None, lead_id, f"audit key unusable: {exc}")
        checked = 0
        with self.db.session() as s:
            lead_stmt = select(Lead.id, Lead.review_head, Lead.status, Lead.verdict).order_by(
                Lead.id
            )
            ev_stmt = select(ReviewEvent).order_by(ReviewEvent.lead_id, ReviewEvent.id)
            if lead_id is not None:
                lead_stmt = lead_stmt.where(Lead.id == lead_id)
                ev_stmt = ev_stmt.where(ReviewEvent.lead_id == lead_id)
            leads = {row[0]: row[1:] for row in s.execute(lead_stmt).tuples()}
            last: dict[int, ReviewEvent] = {}
            for ev in s.scalars(ev_stmt):
                prev_ev = last.get(ev.lead_id)
                prev = prev_ev.hash if prev_ev is not None else audit.GENESIS
                if ev.prev_hash != prev:
                    return AuditResult(False, checked, ev.id, ev.lead_id, "previous hash differs")
                if audit.chain_hash(prev, _payload(ev)) != ev.hash:
                    return AuditResult(False, checked, ev.id, ev.lead_id, "event content altered")
                if prev_ev is not None and ev.old_status != prev_ev.new_status:
                    return AuditResult(False, checked, ev.id, ev.lead_id, "status history broken")
                if keyed:
                    if not ev.mac:
                        return AuditResult(
                            False, checked, ev.id, ev.lead_id, "event not sealed with the audit key"
                        )
                    if key is not None and ev.mac != audit.mac(key, ev.hash):
                        return AuditResult(
                            False, checked, ev.id, ev.lead_id, "event altered (MAC differs)"
                        )
                last[ev.lead_id] = ev
                checked += 1
            for lid, (head, status, verdict) in leads.items():
                newest = last.get(lid)
                if head != (newest.hash if newest is not None else audit.GENESIS):
                    return AuditResult(False, checked, None, lid, "newest review event missing")
                expected = (
                    newest.new_status if newest is not None else audit.automatic_status(verdict)
                )
                if status != expected:
                    return AuditResult(
                        False,
                        checked,
                        None,
                        lid,
                        f"status {status!r} differs from {expected!r} its events lead to",
                    )
            # after the walk, so a break inside one lead's chain is named precisely
            problem = trail.check(s, key, "review") if keyed else ""
            if problem:
                return AuditResult(False, checked, None, lead_id, problem)
        return AuditResult(True, checked)
