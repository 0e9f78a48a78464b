"""Keyed checkpoints of the audit trails (`audit_head`): written in the same transaction as
each event, checked against the events table on every verification. The key lives outside the
database (storage/keyfile.py), so someone who can only edit the database can neither
recompute an event's MAC nor move a checkpoint after deleting events."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage import audit, keyfile, sql
from storage.models import AuditHead, AuthEvent, ReviewEvent

TRAILS: dict[str, type[ReviewEvent] | type[AuthEvent]] = {
    "review": ReviewEvent,
    "auth": AuthEvent,
}


def writing_key(path: Path) -> bytes:
    """The audit key, created on the first event; a key made here is also the moment every
    trail gets its (empty) checkpoint, so a key without checkpoints means deleted rows."""
    return keyfile.read_or_create(path)


def reading_key(path: Path) -> bytes | None:
    """The audit key, or None when it was never made; KeyFileError when it is damaged."""
    if not path.exists():
        return None
    return keyfile.read_key(path)


def lock(s: Session, name: str) -> None:
    """Serialise writers of one trail on its checkpoint row (FOR UPDATE on PostgreSQL; SQLite
    writers are serial already). Taken before the event is inserted, so event ids and the
    checkpoint advance in the same order."""
    s.get(AuditHead, name, with_for_update=True)


def advance(s: Session, key: bytes, name: str, new_hash: str) -> None:
    """Count one more event of trail `name`, ending in `new_hash`, under a fresh MAC."""
    head = s.get(AuditHead, name, with_for_update=True)
    if head is None:  # the first event ever: racing first writers agree on one row
        s.execute(
            sql.insert(s, AuditHead)
            .values(name=name, events=0, last_hash="", mac="")
            .on_conflict_do_nothing()
        )
        head = s.get(AuditHead, name, with_for_update=True, populate_existing=True)
        assert head is not None
    head.events = (head.events or 0) + 1
    head.last_hash = new_hash
    head.mac = audit.head_mac(key, name, head.events, new_hash)


def seal_empty(s: Session, key: bytes) -> None:
    """Give every trail without a checkpoint one for its current (unsealed-free) state."""
    for name, model in TRAILS.items():
        if s.get(AuditHead, name) is None:
            events, last = _state(s, model)
            s.add(
                AuditHead(
                    name=name,
                    events=events,
                    last_hash=last,
                    mac=audit.head_mac(key, name, events, last),
                )
            )


def _state(s: Session, model: type[ReviewEvent] | type[AuthEvent]) -> tuple[int, str]:
    events = int(s.scalar(select(func.count()).select_from(model)) or 0)
    last = s.scalars(select(model.hash).order_by(model.id.desc()).limit(1)).one_or_none()
    return events, last or ""


def check(s: Session, key: bytes | None, name: str) -> str:
    """ "" when trail `name` matches its keyed checkpoint, else what is wrong."""
    model = TRAILS[name]
    events, last = _state(s, model)
    head = s.get(AuditHead, name)
    if key is None:
        return "audit key missing but events exist" if events else ""
    if head is None:
        if events == 0:
            # a trail that never started; deleting every event *and* the checkpoint *and*
            # resetting every status looks the same, which only an outside anchor (the
            # exported packages) can tell
            return ""
        return f"{name} checkpoint missing (events or checkpoint deleted)"
    if head.mac != audit.head_mac(key, name, head.events, head.last_hash):
        return f"{name} checkpoint altered (MAC differs)"
    if head.events != events:
        return f"{name} trail holds {events} events, its checkpoint {head.events} (events deleted)"
    if head.last_hash != last:
        return f"newest {name} event differs from the checkpoint (events deleted or replaced)"
    return ""
