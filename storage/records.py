"""Frozen records the stores hand out; ORM objects never leave a session."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.types import Candidate

JSON = dict[str, Any]


def iso(value: datetime | None) -> str | None:
    """ISO 8601 UTC with a `Z`, as the contract asks."""
    if value is None:
        return None
    return value.isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class SourceHit:
    """One source finding a host: which source, when, and in what context (tip id, query...)."""

    source: str
    found_at: datetime
    context: JSON = field(default_factory=dict)

    @classmethod
    def from_candidate(cls, candidate: Candidate) -> SourceHit:
        return cls(candidate.source, candidate.found_at, dict(candidate.context))


@dataclass(frozen=True)
class SourceRecord:
    source: str
    first_found: datetime
    last_found: datetime
    context: JSON


@dataclass(frozen=True)
class LeadRecord:
    """One lead (one host) as listed by `zhenwei leads`."""

    id: int
    url: str
    host: str
    registered_domain: str
    score: int
    verdict: str
    status: str
    first_seen: datetime
    last_seen: datetime
    sources: tuple[str, ...]
    categories: tuple[str, ...]
    target: str | None
    title: str
    is_down: bool = False
    down_since: datetime | None = None
    last_checked: datetime | None = None
    campaign_id: int | None = None

    def to_json(self) -> JSON:
        """The `leads --json` object (ARCHITECTURE §5)."""
        return {
            "id": self.id,
            "url": self.url,
            "host": self.host,
            "registered_domain": self.registered_domain,
            "score": self.score,
            "verdict": self.verdict,
            "status": self.status,
            "first_seen": iso(self.first_seen),
            "last_seen": iso(self.last_seen),
            "sources": list(self.sources),
            "categories": list(self.categories),
            "target": self.target,
            "title": self.title,
            "is_down": self.is_down,
            "campaign_id": self.campaign_id,
        }


@dataclass(frozen=True)
class SignalRecord:
    id: int
    capture_id: int
    position: int
    detector: str
    version: str
    score: float
    reason: str
    details: JSON
    categories: tuple[str, ...]
    official: bool


@dataclass(frozen=True)
class CaptureRecord:
    """One fetch of one URL; `artifacts` maps a role (screenshot, raw_html, warc...) to sha256."""

    id: int
    key: str
    lead_id: int
    run_id: int | None
    url: str
    final_url: str
    status: int | None
    fetched_at: datetime
    user_agent: str
    title: str
    score: int
    verdict: str
    categories: tuple[str, ...]
    target: str | None
    #: the failure's sentence, and its kind (a `core.failures.FailureKind` value; None on
    #: captures stored before kinds existed)
    error: str | None
    failure_kind: str | None
    #: detector errors of the scoring
    errors: tuple[str, ...]
    #: steps that failed on a page that did load (`Failure.to_json()` each)
    problems: list[Any]
    timings: JSON
    redirects: list[Any]
    headers: list[Any]
    resources: list[Any]
    variants: list[Any]
    facts: JSON
    artifacts: dict[str, str]
    infra: JSON
    source: str | None
    signals: tuple[SignalRecord, ...] = ()


@dataclass(frozen=True)
class ReviewEventRecord:
    id: int
    lead_id: int
    user: str
    action: str
    note: str
    old_status: str
    new_status: str
    at: datetime
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class CampaignRecord:
    """A campaign: `links` are its strong links, each with its evidence (`linking.Link`)."""

    id: int
    key: str
    label: str
    links: list[Any]
    lead_ids: tuple[int, ...]
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    members: int = 0
    online: int = 0

    def to_json(self) -> JSON:
        return {
            "id": self.id,
            "key": self.key,
            "label": self.label,
            "members": self.members,
            "online": self.online,
            "first_seen": iso(self.first_seen),
            "last_seen": iso(self.last_seen),
            "lead_ids": list(self.lead_ids),
            "links": self.links,
        }


@dataclass(frozen=True)
class PivotHit:
    """One capture that showed a pivot value."""

    kind: str
    value: str
    capture_id: int
    lead_id: int
    host: str
    url: str
    fetched_at: datetime
    verdict: str
    status: str
    campaign_id: int | None

    def to_json(self) -> JSON:
        return {
            "kind": self.kind,
            "value": self.value,
            "capture_id": self.capture_id,
            "lead_id": self.lead_id,
            "host": self.host,
            "url": self.url,
            "fetched_at": iso(self.fetched_at),
            "verdict": self.verdict,
            "status": self.status,
            "campaign_id": self.campaign_id,
        }


@dataclass(frozen=True)
class TipCheckRecord:
    id: int
    tip_id: int
    url: str
    lead_id: int | None
    verdict: str | None
    score: int | None
    error: str | None
    checked_at: datetime | None


@dataclass(frozen=True)
class TipRecord:
    """A tip with its provenance and what checking each of its URLs found."""

    id: int
    channel: str
    reference: str
    received_at: datetime
    text: str
    origin: JSON
    status: str
    created_at: datetime
    checked_at: datetime | None
    checks: tuple[TipCheckRecord, ...] = ()

    def to_json(self) -> JSON:
        return {
            "id": self.id,
            "channel": self.channel,
            "reference": self.reference,
            "received_at": iso(self.received_at),
            "text": self.text,
            "origin": self.origin,
            "status": self.status,
            "checked_at": iso(self.checked_at),
            "checks": [
                {
                    "url": c.url,
                    "lead_id": c.lead_id,
                    "verdict": c.verdict,
                    "score": c.score,
                    "error": c.error,
                    "checked_at": iso(c.checked_at),
                }
                for c in self.checks
            ],
        }


@dataclass(frozen=True)
class LeadDetail:
    """A lead with its whole history: captures (newest first) with signals, reviews, sources."""

    lead: LeadRecord
    captures: tuple[CaptureRecord, ...]
    reviews: tuple[ReviewEventRecord, ...]
    sources: tuple[SourceRecord, ...]
    campaign: CampaignRecord | None = None

    @property
    def signals(self) -> tuple[SignalRecord, ...]:
        """Signals of the newest capture."""
        return self.captures[0].signals if self.captures else ()


@dataclass(frozen=True)
class CrawlRunRecord:
    id: int
    kind: str
    sources: tuple[str, ...]
    status: str
    started_at: datetime
    finished_at: datetime | None
    stats: JSON


@dataclass(frozen=True)
class ArtifactRecord:
    sha256: str
    media_type: str
    size: int
    path: str


@dataclass(frozen=True)
class UserRecord:
    id: int
    name: str
    role: str
    created_at: datetime


@dataclass(frozen=True)
class KnownUrl:
    """A lead to re-check: where it was last seen and its status."""

    lead_id: int
    url: str
    host: str
    status: str
    is_down: bool


@dataclass(frozen=True)
class AuditResult:
    """Outcome of walking the review hash chain; falsy when broken."""

    ok: bool
    checked: int
    broken_id: int | None = None
    lead_id: int | None = None
    reason: str = ""

    def __bool__(self) -> bool:
        return self.ok
