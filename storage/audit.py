"""Review status rules and the hash chain that makes the review trail tamper-evident."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

GENESIS = ""

#: analyst-driven transitions; `dismissed` and `official` are reachable from anywhere
TRANSITIONS: dict[str, frozenset[str]] = {
    "new": frozenset({"reviewing"}),
    "reviewing": frozenset({"confirmed"}),
    "confirmed": frozenset({"referred"}),
    "referred": frozenset({"taken_down"}),
    # a site that comes back after a take-down is reopened
    "taken_down": frozenset({"reviewing"}),
    "dismissed": frozenset({"reviewing"}),
    "official": frozenset({"reviewing"}),
}
ANYWHERE = frozenset({"dismissed", "official"})


class StatusError(ValueError):
    """A status change the review workflow does not allow."""


def check_transition(old: str, new: str) -> None:
    if new not in TRANSITIONS:
        raise StatusError(f"unknown status {new!r}")
    if new == old:
        return
    if new in ANYWHERE or new in TRANSITIONS.get(old, frozenset()):
        return
    allowed = sorted(TRANSITIONS.get(old, frozenset()) | ANYWHERE)
    raise StatusError(f"status {old!r} cannot become {new!r} (allowed: {', '.join(allowed)})")


def event_payload(
    *,
    lead_id: int,
    user: str,
    action: str,
    note: str,
    old_status: str,
    new_status: str,
    at: datetime,
    prev_hash: str,
) -> str:
    """Canonical JSON of one review event: sorted keys, no spaces, UTC time."""
    data: dict[str, Any] = {
        "lead_id": lead_id,
        "user": user,
        "action": action,
        "note": note,
        "old_status": old_status,
        "new_status": new_status,
        "at": at.astimezone(UTC).isoformat(),
        "prev_hash": prev_hash,
    }
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def chain_hash(prev_hash: str, payload: str) -> str:
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()
