"""SQLAlchemy 2 typed models of the zhenwei database (ARCHITECTURE §6).

Longer than 400 lines: the whole schema in one place, so the migrations have one file to match.

Unique constraints carry the idempotency: one lead per host, one capture per capture key,
one artifact per sha256, one signal per (capture, position). Migrations live in
storage/migrations; `tests/test_storage.py` checks that they match these models.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

LEAD_STATUSES = (
    "new",
    "reviewing",
    "confirmed",
    "referred",
    "taken_down",
    "dismissed",
    "official",
)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every dialect (SQLite stores naive UTC text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: zhenwei stores UTC-aware times only")
        value = value.astimezone(UTC)
        # SQLite's DATETIME drops the offset anyway; storing naive UTC keeps ordering right.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


#: Search structures kept by migrations in each dialect's own terms (an FTS5 table and its
#: shadow tables on SQLite, a pg_trgm index on PostgreSQL), not by these models.
SEARCH_OBJECTS = ("lead_host_fts", "ix_lead_host_trgm")


def managed_by_models(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Alembic's `include_object`: False for the search structures of SEARCH_OBJECTS."""
    return not (name or "").startswith(SEARCH_OBJECTS)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON}


class Campaign(Base):
    """Leads run by the same people, joined by strong link evidence (storage/linking.py).

    The id is the campaign's stable name: relinking keeps it for the group that holds most
    of its members (storage/campaigns.py)."""

    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    #: the evidence between members: [{"a": id, "b": id, "weight": w, "evidence": [...]}]
    links: Mapped[list[Any]] = mapped_column(default=list)
    first_seen: Mapped[datetime | None]
    last_seen: Mapped[datetime | None]
    members: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: members still answering and not taken down at the last relink
    online: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class CaptureFeature(Base):
    """One linking feature of one capture (tracking id, contact, kit hash...): the pivot index."""

    __tablename__ = "capture_feature"
    __table_args__ = (
        UniqueConstraint("capture_id", "kind", "value", name="uq_capture_feature"),
        Index("ix_capture_feature_value", "value"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    capture_id: Mapped[int] = mapped_column(
        ForeignKey("capture.id", ondelete="CASCADE"), index=True
    )
    lead_id: Mapped[int] = mapped_column(ForeignKey("lead.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    value: Mapped[str] = mapped_column(String(500))


class Tip(Base):
    """A tip from the public or an analyst (12345 hotline, form): what was said and by whom."""

    __tablename__ = "tip"
    __table_args__ = (UniqueConstraint("channel", "reference", name="uq_tip_reference"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(50))
    #: the channel's own ticket number or reporter reference
    reference: Mapped[str] = mapped_column(String(200))
    received_at: Mapped[datetime]
    text: Mapped[str] = mapped_column(Text, default="")
    #: where it came from: an imported file and row, a form and its user, a photo's sha256
    origin: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: pending → checked | no_url | failed
    status: Mapped[str] = mapped_column(String(20), default="pending")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    checked_at: Mapped[datetime | None]


class TipCheck(Base):
    """One URL of a tip and what checking it found; `lead_id` is the lead it fed."""

    __tablename__ = "tip_check"
    __table_args__ = (UniqueConstraint("tip_id", "url", name="uq_tip_check_url"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tip_id: Mapped[int] = mapped_column(ForeignKey("tip.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(Text)
    lead_id: Mapped[int | None] = mapped_column(
        ForeignKey("lead.id", ondelete="SET NULL"), index=True
    )
    verdict: Mapped[str | None] = mapped_column(String(20))
    score: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    checked_at: Mapped[datetime | None]


class Lead(Base):
    """One suspect host and its current judgement and review status."""

    __tablename__ = "lead"
    __table_args__ = (
        # the best-first order (storage/leadquery.py), alone and behind each filter of the
        # review queue, so every page is one range of one index read backwards
        Index("ix_lead_rank", "score", "last_seen", "id"),
        Index("ix_lead_status_rank", "status", "score", "last_seen", "id"),
        Index("ix_lead_verdict_rank", "verdict", "score", "last_seen", "id"),
        Index("ix_lead_status_verdict_rank", "status", "verdict", "score", "last_seen", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    host: Mapped[str] = mapped_column(String(255), unique=True)
    url: Mapped[str] = mapped_column(Text)
    registered_domain: Mapped[str] = mapped_column(String(255), index=True)
    title: Mapped[str] = mapped_column(Text, default="")
    score: Mapped[int] = mapped_column(Integer, default=0)
    verdict: Mapped[str] = mapped_column(String(20), default="benign")
    categories: Mapped[list[Any]] = mapped_column(default=list)
    target: Mapped[str | None] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(20), default="new")
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]
    #: recheck history: is the site answering now, and since when it is not
    is_down: Mapped[bool] = mapped_column(Boolean, default=False)
    down_since: Mapped[datetime | None]
    last_checked: Mapped[datetime | None]
    #: hash of the newest review event, so a deleted tail of the audit chain is detected
    review_head: Mapped[str] = mapped_column(String(64), default="")
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaign.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class LeadSource(Base):
    """Every source that found a lead, with when it first did and in what context."""

    __tablename__ = "lead_source"
    __table_args__ = (UniqueConstraint("lead_id", "source", name="uq_lead_source"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("lead.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(50))
    first_found: Mapped[datetime]
    last_found: Mapped[datetime]
    context: Mapped[dict[str, Any]] = mapped_column(default=dict)


class CrawlRun(Base):
    """One crawl (or recheck, reference update) with per-source statistics."""

    __tablename__ = "crawl_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default="crawl")
    sources: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(20), default="running")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    stats: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Artifact(Base):
    """One evidence file, stored once by content hash."""

    __tablename__ = "artifact"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    #: relative to the artifact store root
    path: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Capture(Base):
    """One fetch of one URL: what came back, when, and the artifacts it produced."""

    __tablename__ = "capture"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: sha256(url + fetched_at + user agent): a replay after a crash finds the same row
    key: Mapped[str] = mapped_column(String(64), unique=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("lead.id", ondelete="CASCADE"), index=True)
    run_id: Mapped[int | None] = mapped_column(
        ForeignKey("crawl_run.id", ondelete="SET NULL"), index=True
    )
    url: Mapped[str] = mapped_column(Text)
    final_url: Mapped[str] = mapped_column(Text)
    status: Mapped[int | None] = mapped_column(Integer)
    fetched_at: Mapped[datetime]
    user_agent: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text, default="")
    score: Mapped[int] = mapped_column(Integer, default=0)
    verdict: Mapped[str] = mapped_column(String(20), default="benign")
    categories: Mapped[list[Any]] = mapped_column(default=list)
    target: Mapped[str | None] = mapped_column(String(50))
    #: the failure's sentence for people, and its kind (core.failures.FailureKind)
    error: Mapped[str | None] = mapped_column(Text)
    failure_kind: Mapped[str | None] = mapped_column(String(20))
    errors: Mapped[list[Any]] = mapped_column(default=list)
    #: steps that failed on a page that loaded (a screenshot...): [Failure.to_json(), ...]
    problems: Mapped[list[Any]] = mapped_column(default=list, server_default="[]")
    timings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    redirects: Mapped[list[Any]] = mapped_column(default=list)
    headers: Mapped[list[Any]] = mapped_column(default=list)
    resources: Mapped[list[Any]] = mapped_column(default=list)
    variants: Mapped[list[Any]] = mapped_column(default=list)
    #: TLS / DNS / WHOIS facts as JSON (raw texts are artifacts)
    facts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: role -> sha256 of every artifact of this capture (screenshot, raw_html, warc, ...)
    artifacts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: features used to link leads into campaigns (ips, ns, registrant, favicon, phash)
    infra: Mapped[dict[str, Any]] = mapped_column(default=dict)
    source: Mapped[str | None] = mapped_column(String(50))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SignalRow(Base):
    """One detector finding on one capture."""

    __tablename__ = "signal"
    __table_args__ = (UniqueConstraint("capture_id", "position", name="uq_signal_position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    capture_id: Mapped[int] = mapped_column(
        ForeignKey("capture.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    detector: Mapped[str] = mapped_column(String(100))
    version: Mapped[str] = mapped_column(String(50))
    score: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    categories: Mapped[list[Any]] = mapped_column(default=list)
    official: Mapped[bool] = mapped_column(Boolean, default=False)


class ReviewEvent(Base):
    """Append-only audit trail of an analyst's decisions, hash-chained per lead."""

    __tablename__ = "review_event"
    __table_args__ = (UniqueConstraint("lead_id", "prev_hash", name="uq_review_chain"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("lead.id", ondelete="CASCADE"), index=True)
    user: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(50))
    note: Mapped[str] = mapped_column(Text, default="")
    old_status: Mapped[str] = mapped_column(String(20))
    new_status: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: HMAC of `hash` with the audit key (outside the database): recomputing the chain after
    #: an edit cannot reproduce it; "" on events written before the key existed
    mac: Mapped[str] = mapped_column(String(64), default="")


class ReferenceRow(Base):
    """A dated capture of a genuine page of a protected target."""

    __tablename__ = "reference"
    __table_args__ = (
        UniqueConstraint("target", "url", "captured_at", name="uq_reference_capture"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target: Mapped[str] = mapped_column(String(50), index=True)
    url: Mapped[str] = mapped_column(Text)
    captured_at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(20), default="home")
    title: Mapped[str] = mapped_column(Text, default="")
    visible_text: Mapped[str] = mapped_column(Text, default="")
    screenshot_sha256: Mapped[str | None] = mapped_column(ForeignKey("artifact.sha256"))
    viewport_sha256: Mapped[str | None] = mapped_column(ForeignKey("artifact.sha256"))
    favicon_sha256: Mapped[str | None] = mapped_column(ForeignKey("artifact.sha256"))
    asset_hashes: Mapped[list[Any]] = mapped_column(default=list)
    image_phashes: Mapped[list[Any]] = mapped_column(default=list)
    form_fields: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class User(Base):
    """An analyst account of the review UI."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class HostLabel(Base):
    """An analyst's decision about a host or a whole registrable domain (storage/hostlabels.py).

    Append-only: the newest decision covering a host is its label, and `withdrawn` ends one,
    so who decided what, when and why is never overwritten."""

    __tablename__ = "host_label"
    __table_args__ = (Index("ix_host_label_name", "name", "scope", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: the host, or the registrable domain when `scope` is "domain"; lower case
    name: Mapped[str] = mapped_column(String(255))
    scope: Mapped[str] = mapped_column(String(10), default="host")
    #: official | counterfeit | seller | parked | benign (the labels `zhenwei evaluate` reads)
    #: or withdrawn
    label: Mapped[str] = mapped_column(String(20))
    #: why: official, confirmed, unrelated, false_positive, other, reopened, resurfaced, imported
    reason: Mapped[str] = mapped_column(String(30))
    #: the class an exported labelled set gives it (an imported set's own; else the reason)
    klass: Mapped[str] = mapped_column(String(50), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    user: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime]
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("lead.id", ondelete="SET NULL"))
    #: the page the decision was taken on, and how zhenwei judged it then
    url: Mapped[str] = mapped_column(Text, default="")
    score: Mapped[int | None] = mapped_column(Integer)
    verdict: Mapped[str | None] = mapped_column(String(20))


class WebSession(Base):
    """A signed-in browser of the review UI; the cookie carries only a random token whose
    SHA-256 is `id`, so the row decides who is signed in and deleting it signs them out."""

    __tablename__ = "web_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    last_seen: Mapped[datetime]
    #: fixed at login: no request extends it
    expires_at: Mapped[datetime]
    address: Mapped[str] = mapped_column(String(64), default="")


class AuthEvent(Base):
    """Sign-ins, failed sign-ins, throttling and sign-outs; keyed hash chain like review events."""

    __tablename__ = "auth_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime]
    user: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(64), default="")
    kind: Mapped[str] = mapped_column(String(30))
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHead(Base):
    """The keyed checkpoint of one audit trail (`review`, `auth`): how many events it holds and
    its newest hash, MACed with the audit key, so deleting the newest or every event shows."""

    __tablename__ = "audit_head"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    events: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default="")
    mac: Mapped[str] = mapped_column(String(64), default="")
