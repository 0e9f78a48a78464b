"""Review status rules (who may move a lead where) and the keyed hash chain that makes the
audit trail tamper-evident: per-event HMACs and a keyed checkpoint per trail, all with a key
kept outside the database (storage/keyfile.py)."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any

GENESIS = ""

#: who may do what, ranked: a role may do everything a lower one may
ROLE_RANK = {"analyst": 1, "supervisor": 2, "admin": 3}

#: The review workflow, one table for the UI, the CLI and storage: (from, to) → the lowest
#: role allowed. An analyst cannot undo a supervisor's referral or take-down, nor an admin's
#: official mark; only an admin marks a site official.
WORKFLOW: dict[tuple[str, str], str] = {
    ("new", "reviewing"): "analyst",
    ("reviewing", "confirmed"): "analyst",
    ("confirmed", "referred"): "supervisor",
    ("referred", "taken_down"): "supervisor",
    # a site that comes back after a take-down is reopened
    ("taken_down", "reviewing"): "supervisor",
    ("dismissed", "reviewing"): "analyst",
    ("official", "reviewing"): "admin",
    **{(old, "dismissed"): "analyst" for old in ("new", "reviewing", "confirmed")},
    ("referred", "dismissed"): "supervisor",
    ("taken_down", "dismissed"): "supervisor",
    ("official", "dismissed"): "admin",
    **{
        (old, "official"): "admin"
        for old in ("new", "reviewing", "confirmed", "referred", "taken_down", "dismissed")
    },
}
STATUSES = frozenset(old for old, _ in WORKFLOW) | frozenset(new for _, new in WORKFLOW)
#: kept for readers of the old name: every status and where it may go
TRANSITIONS: dict[str, frozenset[str]] = {
    status: frozenset(new for old, new in WORKFLOW if old == status) for status in STATUSES
}


class StatusError(ValueError):
    """A status change the review workflow does not allow."""


class RoleError(StatusError):
    """A status change the workflow allows, but not to this role."""


def check_transition(old: str, new: str, role: str | None = None) -> None:
    """Raise unless `old` may become `new`; with `role`, unless that role may do it
    (None: a local operator with the database in hand, bound only by the workflow)."""
    if new not in STATUSES:
        raise StatusError(f"unknown status {new!r}")
    if new == old:
        return
    needed = WORKFLOW.get((old, new))
    if needed is None:
        allowed = sorted(TRANSITIONS.get(old, frozenset()))
        raise StatusError(f"status {old!r} cannot become {new!r} (allowed: {', '.join(allowed)})")
    if role is not None and ROLE_RANK.get(role, 0) < ROLE_RANK[needed]:
        raise RoleError(f"{old!r} → {new!r} needs the role {needed!r} or above, not {role!r}")


def automatic_status(verdict: str) -> str:
    """The status a lead has before any review event: the crawler only sets new or official."""
    return "official" if verdict == "official" else "new"


def mac(key: bytes, value: str) -> str:
    """HMAC-SHA256 of `value` under the audit key, hex."""
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def head_mac(key: bytes, name: str, events: int, last_hash: str) -> str:
    """The keyed checkpoint of one trail: its name, how many events, the newest hash."""
    return mac(key, f"head\x00{name}\x00{events}\x00{last_hash}")


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
