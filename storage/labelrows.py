"""Analysts' labels, row level: the vocabulary, the record, the newest decision covering a
host, and appending one (storage/hostlabels.py applies them; this module only reads and adds).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import pagedata, sql
from storage.models import HostLabel, Lead
from storage.records import iso

#: the labels `zhenwei evaluate` reads (zhenwei/evaluation.py LABELS)
LABELS = ("official", "counterfeit", "seller", "parked", "benign")
WITHDRAWN = "withdrawn"
SCOPES = ("host", "domain")
#: why a label was given or withdrawn
REASONS = (
    "official",
    "confirmed",
    "unrelated",
    "false_positive",
    "other",
    "reopened",
    "resurfaced",
    "imported",
)
#: the user name of decisions zhenwei takes itself (a dismissed host turning counterfeit)
SYSTEM_USER = "zhenwei"


class LabelError(ValueError):
    """A label, scope or reason zhenwei does not know."""


@dataclass(frozen=True)
class LabelRecord:
    """One decision: the label of `name` (a host, or a registrable domain for scope domain)."""

    id: int
    name: str
    scope: str
    label: str
    reason: str
    klass: str
    note: str
    user: str
    at: datetime
    lead_id: int | None
    url: str
    score: int | None
    verdict: str | None

    def to_json(self) -> dict[str, object]:
        out = {k: v for k, v in asdict(self).items() if k not in ("id", "klass")}
        return {**out, "at": iso(self.at), "class": self.klass or self.reason}


def label_for_lead(verdict: str, categories: Sequence[str]) -> str:
    """The evaluation label an analyst's confirmation gives a lead, from what it was flagged
    for: an imitation is a counterfeit, else a seller, else a parked look-alike."""
    cats = set(categories)
    if cats & {"impersonation", "fake-verification"} or verdict == "counterfeit":
        return "counterfeit"
    if "seller" in cats:
        return "seller"
    if "parked-lookalike" in cats:
        return "parked"
    return "counterfeit"


def check(label: str, scope: str, reason: str) -> None:
    if label not in (*LABELS, WITHDRAWN):
        raise LabelError(f"unknown label {label!r} (known: {', '.join(LABELS)}, {WITHDRAWN})")
    if scope not in SCOPES:
        raise LabelError(f"unknown scope {scope!r} (host or domain)")
    if reason not in REASONS:
        raise LabelError(f"unknown reason {reason!r} (known: {', '.join(REASONS)})")


def _name(host: str, scope: str) -> str:
    host = host.strip().lower().rstrip(".")
    return pagedata.registered_domain(host) if scope == "domain" else host


def covering(s: Session, host: str) -> HostLabel | None:
    """The newest decision about `host` itself or its registrable domain (None: none, or the
    newest one withdrew)."""
    host = host.lower()
    found = []
    for name, scope in ((host, "host"), (pagedata.registered_domain(host), "domain")):
        row = s.scalars(
            select(HostLabel)
            .where(HostLabel.name == name, HostLabel.scope == scope)
            .order_by(HostLabel.id.desc())
            .limit(1)
        ).one_or_none()
        if row is not None:
            found.append(row)
    newest = max(found, key=lambda r: (r.at, r.id), default=None)
    return newest if newest is not None and newest.label != WITHDRAWN else None


def add_label(
    s: Session,
    host: str,
    label: str,
    *,
    user: str,
    reason: str,
    note: str = "",
    scope: str = "host",
    lead: Lead | None = None,
    url: str = "",
    klass: str = "",
) -> HostLabel:
    """Append one decision inside the caller's transaction."""
    check(label, scope, reason)
    name = _name(host, scope)
    if not name:
        raise LabelError(f"no host in {host!r}")
    if lead is not None and lead.host != host.strip().lower().rstrip("."):
        lead = None  # a decision tied to another host's lead would be misleading
    row = HostLabel(
        name=name,
        scope=scope,
        label=label,
        reason=reason,
        klass=klass,
        note=note,
        user=user,
        at=sql.now(),
        lead_id=lead.id if lead is not None else None,
        url=url or (lead.url if lead is not None else ""),
        score=lead.score if lead is not None else None,
        verdict=lead.verdict if lead is not None else None,
    )
    s.add(row)
    s.flush()
    return row


@dataclass(frozen=True)
class LabelIndex:
    """Every name's newest decision, read once at the start of a run: the labels a scorer
    applies without a query per page."""

    newest: dict[tuple[str, str], LabelRecord]

    def for_host(self, host: str) -> LabelRecord | None:
        host = host.lower().rstrip(".")
        found = [
            r
            for r in (
                self.newest.get((host, "host")),
                self.newest.get((pagedata.registered_domain(host), "domain")),
            )
            if r is not None
        ]
        newest = max(found, key=lambda r: (r.at, r.id), default=None)
        return newest if newest is not None and newest.label != WITHDRAWN else None

    def names(self, label: str, scope: str = "host") -> tuple[str, ...]:
        return tuple(
            sorted(n for (n, sc), r in self.newest.items() if sc == scope and r.label == label)
        )
