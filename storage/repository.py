"""The one way into the database: record scored pages, list and review leads (ARCHITECTURE §6).

Every write is one transaction and idempotent, so a crawl killed at any point and run again
neither loses nor duplicates anything: leads are unique by host, captures by capture key,
artifacts by sha256, signals by (capture, position).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from core.signals import ReferenceCapture, ScoredPage
from storage import audit, campaigns, pagedata
from storage.artifacts import StoredArtifact
from storage.db import Database
from storage.models import (
    Artifact,
    Base,
    Campaign,
    Capture,
    CrawlRun,
    Lead,
    LeadSource,
    ReferenceRow,
    ReviewEvent,
    SignalRow,
    User,
)
from storage.records import (
    ArtifactRecord,
    AuditResult,
    CampaignRecord,
    CaptureRecord,
    CrawlRunRecord,
    KnownUrl,
    LeadDetail,
    LeadRecord,
    ReviewEventRecord,
    SignalRecord,
    SourceHit,
    SourceRecord,
    UserRecord,
)

log = logging.getLogger(__name__)

ROLES = ("analyst", "supervisor", "admin")
#: statuses whose sites are still worth re-checking
ACTIVE_STATUSES = ("new", "reviewing", "confirmed", "referred")
# PostgreSQL deadlock / serialization failure: the transaction is safe to run again.
_RETRY_SQLSTATES = {"40P01", "40001"}
_ATTEMPTS = 4

T = TypeVar("T")


class UserExistsError(ValueError):
    """A user of that name exists already."""


class NotFoundError(LookupError):
    """No row with that id."""


def _now() -> datetime:
    return datetime.now(UTC)


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r}: pass UTC-aware times")
    return value.astimezone(UTC)


class Repository:
    """Reads and idempotent writes over a `Database`; returns frozen records only."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._hasher = PasswordHasher()

    # ------------------------------------------------------------------ helpers
    def _insert(self, model: type[Base]) -> Any:
        """INSERT … ON CONFLICT for the dialect in use."""
        if self.db.dialect == "postgresql":
            return postgresql.insert(model)
        return sqlite.insert(model)

    def _write(self, fn: Callable[[Session], T]) -> T:
        """Run `fn` in one write transaction, again after a PostgreSQL deadlock."""
        for attempt in range(1, _ATTEMPTS + 1):
            try:
                with self.db.session(write=True) as session:
                    return fn(session)
            except OperationalError as exc:
                state = getattr(exc.orig, "sqlstate", None)
                if state not in _RETRY_SQLSTATES or attempt == _ATTEMPTS:
                    raise
                log.info("transaction conflict (%s), retrying (attempt %d)", state, attempt)
        raise AssertionError("unreachable")

    # ------------------------------------------------------------------ crawl runs
    def start_run(self, sources: Sequence[str], *, kind: str = "crawl") -> int:
        def run(s: Session) -> int:
            row = CrawlRun(kind=kind, sources=list(sources), status="running", stats={})
            s.add(row)
            s.flush()
            return row.id

        return self._write(run)

    def finish_run(
        self, run_id: int, stats: Mapping[str, Mapping[str, int]], status: str = "finished"
    ) -> None:
        """Close a run with per-source statistics: {"ct": {"candidates": 12, "errors": 1}}."""

        def run(s: Session) -> None:
            row = s.get(CrawlRun, run_id)
            if row is None:
                raise NotFoundError(f"no crawl run {run_id}")
            row.stats = {src: dict(values) for src, values in stats.items()}
            row.status = status
            row.finished_at = _now()

        self._write(run)

    def run(self, run_id: int) -> CrawlRunRecord:
        with self.db.session() as s:
            row = s.get(CrawlRun, run_id)
            if row is None:
                raise NotFoundError(f"no crawl run {run_id}")
            return _run_record(row)

    def runs(self, limit: int = 20) -> list[CrawlRunRecord]:
        with self.db.session() as s:
            rows = s.scalars(select(CrawlRun).order_by(CrawlRun.id.desc()).limit(limit))
            return [_run_record(r) for r in rows]

    def unfinished_runs(self, kind: str = "crawl") -> list[CrawlRunRecord]:
        """Runs still marked running: when the caller holds the run lock, their process died."""
        with self.db.session() as s:
            rows = s.scalars(
                select(CrawlRun)
                .where(CrawlRun.kind == kind, CrawlRun.status == "running")
                .order_by(CrawlRun.id)
            )
            return [_run_record(r) for r in rows]

    def captured_urls(self, run_id: int) -> set[str]:
        """URLs (as given by their candidates) already captured in a run: skipped on resume."""
        with self.db.session() as s:
            return set(s.scalars(select(Capture.url).where(Capture.run_id == run_id)))

    def flagged_pages(self, limit: int = 200) -> list[tuple[str, str, str, tuple[str, ...], str | None]]:
        """(url, html, verdict, categories, target) of the newest capture of each lead scored
        counterfeit or seller: the links source follows what these pages point at."""
        out: list[tuple[str, str, str, tuple[str, ...], str | None]] = []
        with self.db.session() as s:
            leads = s.scalars(
                select(Lead).where(Lead.verdict.in_(("counterfeit", "suspicious")))
                .order_by(Lead.score.desc()).limit(limit)
            ).all()
            for lead in leads:
                cats = tuple(lead.categories or ())
                if lead.verdict != "counterfeit" and "seller" not in cats:
                    continue
                cap = s.scalars(
                    select(Capture).where(Capture.lead_id == lead.id, Capture.error.is_(None))
                    .order_by(Capture.fetched_at.desc()).limit(1)
                ).first()
                if cap is None:
                    continue
                sha = cap.artifacts.get("rendered_html") or cap.artifacts.get("raw_html")
                if not sha:
                    continue
                try:
                    html = self.db.artifacts.open(sha).decode("utf-8", "replace")
                except (OSError, ValueError):
                    continue
                out.append((cap.final_url or cap.url, html, lead.verdict, cats, cap.target))
        return out

    # ------------------------------------------------------------------ artifacts
    def store_artifacts(self, blobs: Iterable[pagedata.Blob]) -> dict[str, StoredArtifact]:
        """Write blobs to the evidence store (outside any transaction); role -> artifact."""
        stored: dict[str, StoredArtifact] = {}
        for blob in blobs:
            if blob.path is not None:
                stored[blob.role] = self.db.artifacts.put_file(blob.path, blob.media_type)
            else:
                stored[blob.role] = self.db.artifacts.put(blob.data or b"", blob.media_type)
        return stored

    def _add_artifact_rows(self, s: Session, stored: Iterable[StoredArtifact]) -> None:
        # Sorted so that two writers lock the same rows in the same order (no deadlock).
        unique = {a.sha256: a for a in stored}
        for sha in sorted(unique):
            a = unique[sha]
            stmt = self._insert(Artifact).values(
                sha256=a.sha256,
                media_type=a.media_type,
                size=a.size,
                path=a.path,
                created_at=_now(),
            )
            s.execute(stmt.on_conflict_do_nothing(index_elements=["sha256"]))

    def artifact(self, sha256: str) -> ArtifactRecord | None:
        with self.db.session() as s:
            row = s.get(Artifact, sha256)
            return ArtifactRecord(row.sha256, row.media_type, row.size, row.path) if row else None

    # ------------------------------------------------------------------ recording
    def record(
        self,
        scored: ScoredPage,
        *,
        run_id: int | None,
        sources: Sequence[SourceHit] = (),
        capture_files: Mapping[str, Path] | None = None,
    ) -> LeadRecord:
        """Persist one scored page: upsert its lead, add the capture once, store artifacts."""
        page = scored.page
        host = pagedata.host_of(page.url) or pagedata.host_of(page.final_url)
        if not host:
            raise ValueError(f"no host in {page.url!r}")
        # Files first: if we die before the commit they are orphans, re-used on the replay.
        stored = self.store_artifacts(pagedata.page_blobs(page, capture_files))
        infra = pagedata.infra_features(page)

        def run(s: Session) -> int:
            self._add_artifact_rows(s, stored.values())
            lead = self._upsert_lead(s, host, scored)
            capture_id, created = self._add_capture(s, lead.id, scored, run_id, stored, infra)
            if created:
                for pos, sig in enumerate(scored.signals):
                    s.add(
                        SignalRow(
                            capture_id=capture_id,
                            position=pos,
                            detector=sig.detector,
                            version=sig.version,
                            score=float(sig.score),
                            reason=sig.reason,
                            details=pagedata.jsonable(sig.details),
                            categories=list(sig.categories),
                            official=sig.official,
                        )
                    )
            hits = list(sources)
            if not hits and page.source:
                hits = [SourceHit(page.source, page.fetched_at)]
            self._add_sources(s, lead.id, hits)
            self._update_lead(s, lead, scored, hits)
            return lead.id

        lead_id = self._write(run)
        return self._lead_record_by_id(lead_id)

    def _upsert_lead(self, s: Session, host: str, scored: ScoredPage) -> Lead:
        page = scored.page
        at = _utc(page.fetched_at)
        stmt = self._insert(Lead).values(
            host=host,
            url=page.url,
            registered_domain=pagedata.registered_domain(host),
            title=page.title,
            score=scored.score,
            verdict=scored.verdict,
            categories=list(scored.categories),
            target=scored.target,
            status="official" if scored.verdict == "official" else "new",
            first_seen=at,
            last_seen=at,
            is_down=False,
            review_head="",
            created_at=_now(),
            updated_at=_now(),
        )
        s.execute(stmt.on_conflict_do_nothing(index_elements=["host"]))
        # FOR UPDATE: a concurrent writer of the same host waits here (PostgreSQL).
        lead = s.scalars(select(Lead).where(Lead.host == host).with_for_update()).one()
        return lead

    def _add_capture(
        self,
        s: Session,
        lead_id: int,
        scored: ScoredPage,
        run_id: int | None,
        stored: Mapping[str, StoredArtifact],
        infra: Mapping[str, Any],
    ) -> tuple[int, bool]:
        page = scored.page
        key = pagedata.capture_key(page)
        stmt = self._insert(Capture).values(
            key=key,
            lead_id=lead_id,
            run_id=run_id,
            url=page.url,
            final_url=page.final_url,
            status=page.status,
            fetched_at=_utc(page.fetched_at),
            user_agent=page.user_agent,
            title=page.title,
            score=scored.score,
            verdict=scored.verdict,
            categories=list(scored.categories),
            target=scored.target,
            error=page.error,
            errors=list(scored.errors),
            timings=pagedata.jsonable(page.timings),
            redirects=pagedata.jsonable(page.redirects),
            headers=pagedata.jsonable(page.headers),
            resources=pagedata.jsonable(page.resources),
            variants=pagedata.variants_json(page),
            facts=pagedata.page_facts(page),
            artifacts={role: a.sha256 for role, a in stored.items()},
            infra=dict(infra),
            source=page.source,
            created_at=_now(),
        )
        new_id = s.execute(
            stmt.on_conflict_do_nothing(index_elements=["key"]).returning(Capture.id)
        ).scalar_one_or_none()
        if new_id is not None:
            return int(new_id), True
        existing = s.scalars(select(Capture.id).where(Capture.key == key)).one()
        return int(existing), False

    def _add_sources(self, s: Session, lead_id: int, hits: Sequence[SourceHit]) -> None:
        for hit in hits:
            at = _utc(hit.found_at)
            stmt = self._insert(LeadSource).values(
                lead_id=lead_id,
                source=hit.source,
                first_found=at,
                last_found=at,
                context=pagedata.jsonable(hit.context),
            )
            s.execute(stmt.on_conflict_do_nothing(index_elements=["lead_id", "source"]))
            row = s.scalars(
                select(LeadSource).where(
                    LeadSource.lead_id == lead_id, LeadSource.source == hit.source
                )
            ).one()
            if at < row.first_found:
                row.first_found = at
                row.context = pagedata.jsonable(hit.context)
            if at > row.last_found:
                row.last_found = at

    def _update_lead(
        self, s: Session, lead: Lead, scored: ScoredPage, hits: Sequence[SourceHit]
    ) -> None:
        page = scored.page
        at = _utc(page.fetched_at)
        earliest = min([at, *(_utc(h.found_at) for h in hits)])
        lead.first_seen = min(lead.first_seen, earliest)
        lead.last_checked = max(lead.last_checked or at, at)
        newest = at >= lead.last_seen
        if page.error is not None:
            # A failed fetch says the site is down, not that its judgement changed.
            if newest and not lead.is_down:
                lead.is_down = True
                lead.down_since = at
            lead.updated_at = _now()
            return
        if newest:
            lead.last_seen = at
            lead.url = page.url
            lead.title = page.title
            lead.score = scored.score
            lead.verdict = scored.verdict
            lead.categories = list(scored.categories)
            lead.target = scored.target or lead.target
            lead.is_down = False
            lead.down_since = None
            # Automatic status moves only between new and official; never over an analyst.
            if lead.status == "new" and scored.verdict == "official":
                lead.status = "official"
            elif (
                lead.status == "official" and not lead.review_head and scored.verdict != "official"
            ):
                lead.status = "new"
        lead.updated_at = _now()

    # ------------------------------------------------------------------ reading leads
    def leads(
        self,
        *,
        status: str | Sequence[str] | None = None,
        min_score: int | None = None,
        limit: int | None = None,
        verdict: str | Sequence[str] | None = None,
        campaign: int | None = None,
    ) -> list[LeadRecord]:
        """Leads best first: score descending, then most recently seen."""
        stmt = select(Lead)
        if status is not None:
            stmt = stmt.where(Lead.status.in_([status] if isinstance(status, str) else status))
        if verdict is not None:
            stmt = stmt.where(Lead.verdict.in_([verdict] if isinstance(verdict, str) else verdict))
        if min_score is not None:
            stmt = stmt.where(Lead.score >= min_score)
        if campaign is not None:
            stmt = stmt.where(Lead.campaign_id == campaign)
        stmt = stmt.order_by(Lead.score.desc(), Lead.last_seen.desc(), Lead.id)
        if limit is not None:
            stmt = stmt.limit(limit)
        with self.db.session() as s:
            rows = list(s.scalars(stmt))
            names = _source_names(s, [r.id for r in rows])
            return [_lead_record(r, names.get(r.id, ())) for r in rows]

    def lead_by_host(self, host: str) -> LeadRecord | None:
        with self.db.session() as s:
            row = s.scalars(select(Lead).where(Lead.host == host.lower())).one_or_none()
            if row is None:
                return None
            return _lead_record(row, _source_names(s, [row.id]).get(row.id, ()))

    def _lead_record_by_id(self, lead_id: int) -> LeadRecord:
        with self.db.session() as s:
            row = s.get(Lead, lead_id)
            if row is None:
                raise NotFoundError(f"no lead {lead_id}")
            return _lead_record(row, _source_names(s, [lead_id]).get(lead_id, ()))

    def lead(self, lead_id: int) -> LeadDetail:
        """A lead with every capture (newest first), signal, review and source."""
        with self.db.session() as s:
            row = s.get(Lead, lead_id)
            if row is None:
                raise NotFoundError(f"no lead {lead_id}")
            sources = s.scalars(
                select(LeadSource)
                .where(LeadSource.lead_id == lead_id)
                .order_by(LeadSource.first_found, LeadSource.source)
            ).all()
            caps = s.scalars(
                select(Capture)
                .where(Capture.lead_id == lead_id)
                .order_by(Capture.fetched_at.desc(), Capture.id.desc())
            ).all()
            sigs: dict[int, list[SignalRecord]] = {}
            if caps:
                for sig in s.scalars(
                    select(SignalRow)
                    .where(SignalRow.capture_id.in_([c.id for c in caps]))
                    .order_by(SignalRow.capture_id, SignalRow.position)
                ):
                    sigs.setdefault(sig.capture_id, []).append(_signal_record(sig))
            reviews = s.scalars(
                select(ReviewEvent).where(ReviewEvent.lead_id == lead_id).order_by(ReviewEvent.id)
            ).all()
            camp = self._campaign_record(s, row.campaign_id) if row.campaign_id else None
            return LeadDetail(
                lead=_lead_record(row, tuple(src.source for src in sources)),
                captures=tuple(_capture_record(c, sigs.get(c.id, [])) for c in caps),
                reviews=tuple(_review_record(r) for r in reviews),
                sources=tuple(
                    SourceRecord(x.source, x.first_found, x.last_found, dict(x.context))
                    for x in sources
                ),
                campaign=camp,
            )

    # ------------------------------------------------------------------ reviews
    def review(
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
            lead = s.scalars(select(Lead).where(Lead.id == lead_id).with_for_update()).one_or_none()
            if lead is None:
                raise NotFoundError(f"no lead {lead_id}")
            old = lead.status
            new = new_status or old
            audit.check_transition(old, new)
            last = s.scalars(
                select(ReviewEvent.hash)
                .where(ReviewEvent.lead_id == lead_id)
                .order_by(ReviewEvent.id.desc())
                .limit(1)
            ).one_or_none()
            prev = last or audit.GENESIS
            at = _now()
            payload = audit.event_payload(
                lead_id=lead_id,
                user=user,
                action=action,
                note=note,
                old_status=old,
                new_status=new,
                at=at,
                prev_hash=prev,
            )
            event = ReviewEvent(
                lead_id=lead_id,
                user=user,
                action=action,
                note=note,
                old_status=old,
                new_status=new,
                at=at,
                prev_hash=prev,
                hash=audit.chain_hash(prev, payload),
            )
            s.add(event)
            lead.status = new
            lead.review_head = event.hash
            lead.updated_at = at
            s.flush()
            return _review_record(event)

        return self._write(run)

    def set_status(
        self, lead_id: int, new_status: str, *, user: str, note: str = ""
    ) -> ReviewEventRecord:
        """Status changes only ever happen through an audited review event."""
        return self.review(lead_id, user=user, action="status", note=note, new_status=new_status)

    def verify_audit_chain(self, lead_id: int | None = None) -> AuditResult:
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
                payload = audit.event_payload(
                    lead_id=ev.lead_id,
                    user=ev.user,
                    action=ev.action,
                    note=ev.note,
                    old_status=ev.old_status,
                    new_status=ev.new_status,
                    at=ev.at,
                    prev_hash=ev.prev_hash,
                )
                if ev.prev_hash != prev:
                    return AuditResult(False, checked, ev.id, ev.lead_id, "previous hash differs")
                if audit.chain_hash(prev, payload) != ev.hash:
                    return AuditResult(False, checked, ev.id, ev.lead_id, "event content altered")
                last[ev.lead_id] = ev.hash
                checked += 1
            for lid, head in heads.items():
                if head != last.get(lid, audit.GENESIS):
                    return AuditResult(False, checked, None, lid, "newest review event missing")
        return AuditResult(True, checked)

    # ------------------------------------------------------------------ recheck history
    def known_urls(self, statuses: Sequence[str] = ACTIVE_STATUSES) -> list[KnownUrl]:
        with self.db.session() as s:
            rows = s.scalars(select(Lead).where(Lead.status.in_(list(statuses))).order_by(Lead.id))
            return [KnownUrl(r.id, r.url, r.host, r.status, r.is_down) for r in rows]

    def mark_down(self, lead_id: int, at: datetime) -> None:
        at = _utc(at)

        def run(s: Session) -> None:
            lead = self._locked_lead(s, lead_id)
            if not lead.is_down:
                lead.is_down = True
                lead.down_since = at
            lead.last_checked = max(lead.last_checked or at, at)

        self._write(run)

    def mark_up(self, lead_id: int, at: datetime) -> None:
        at = _utc(at)

        def run(s: Session) -> None:
            lead = self._locked_lead(s, lead_id)
            lead.is_down = False
            lead.down_since = None
            lead.last_checked = max(lead.last_checked or at, at)
            lead.last_seen = max(lead.last_seen, at)

        self._write(run)

    @staticmethod
    def _locked_lead(s: Session, lead_id: int) -> Lead:
        lead = s.scalars(select(Lead).where(Lead.id == lead_id).with_for_update()).one_or_none()
        if lead is None:
            raise NotFoundError(f"no lead {lead_id}")
        return lead

    # ------------------------------------------------------------------ references
    def add_reference(self, target: str, ref: ReferenceCapture) -> int:
        """Store a capture of a genuine page (idempotent on target, url, captured_at)."""
        blobs = [
            pagedata.Blob(role, media, data)
            for role, media, data in (
                ("screenshot", "image/png", ref.screenshot_png),
                ("viewport", "image/png", ref.viewport_png),
                ("favicon", pagedata.image_type(ref.favicon), ref.favicon),
            )
            if data
        ]
        stored = self.store_artifacts(blobs)
        at = _utc(ref.captured_at)

        def run(s: Session) -> int:
            self._add_artifact_rows(s, stored.values())
            stmt = self._insert(ReferenceRow).values(
                target=target,
                url=ref.url,
                captured_at=at,
                kind=ref.kind,
                title=ref.title,
                visible_text=ref.visible_text,
                screenshot_sha256=stored["screenshot"].sha256 if "screenshot" in stored else None,
                viewport_sha256=stored["viewport"].sha256 if "viewport" in stored else None,
                favicon_sha256=stored["favicon"].sha256 if "favicon" in stored else None,
                asset_hashes=list(ref.asset_hashes),
                image_phashes=list(ref.image_phashes),
                form_fields=list(ref.form_fields),
                created_at=_now(),
            )
            s.execute(stmt.on_conflict_do_nothing(index_elements=["target", "url", "captured_at"]))
            return int(
                s.scalars(
                    select(ReferenceRow.id).where(
                        ReferenceRow.target == target,
                        ReferenceRow.url == ref.url,
                        ReferenceRow.captured_at == at,
                    )
                ).one()
            )

        return self._write(run)

    def references(self, target: str | None = None) -> list[ReferenceCapture]:
        """Stored reference captures, newest first."""
        stmt = select(ReferenceRow).order_by(
            ReferenceRow.captured_at.desc(), ReferenceRow.id.desc()
        )
        if target is not None:
            stmt = stmt.where(ReferenceRow.target == target)
        with self.db.session() as s:
            rows = list(s.scalars(stmt))
        store = self.db.artifacts
        return [
            ReferenceCapture(
                url=r.url,
                captured_at=r.captured_at,
                title=r.title,
                visible_text=r.visible_text,
                screenshot_png=store.open(r.screenshot_sha256) if r.screenshot_sha256 else b"",
                viewport_png=store.open(r.viewport_sha256) if r.viewport_sha256 else b"",
                favicon=store.open(r.favicon_sha256) if r.favicon_sha256 else b"",
                asset_hashes=tuple(r.asset_hashes),
                image_phashes=tuple(r.image_phashes),
                form_fields=tuple(r.form_fields),
                kind=r.kind,
            )
            for r in rows
        ]

    # ------------------------------------------------------------------ users
    def add_user(self, name: str, role: str, password: str) -> UserRecord:
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
        if not name or not password:
            raise ValueError("user name and password must not be empty")
        hashed = self._hasher.hash(password)

        def run(s: Session) -> UserRecord:
            row = User(name=name, role=role, password_hash=hashed, created_at=_now())
            s.add(row)
            s.flush()
            return UserRecord(row.id, row.name, row.role, row.created_at)

        try:
            return self._write(run)
        except IntegrityError:
            raise UserExistsError(f"user {name!r} exists already") from None

    def verify_user(self, name: str, password: str) -> str | None:
        """The user's role when the password is right, else None."""
        with self.db.session() as s:
            row = s.scalars(select(User).where(User.name == name)).one_or_none()
            if row is None:
                return None
            stored_hash, role = row.password_hash, row.role
        try:
            self._hasher.verify(stored_hash, password)
        except (VerificationError, InvalidHashError):
            return None
        if self._hasher.check_needs_rehash(stored_hash):
            new_hash = self._hasher.hash(password)

            def rehash(s: Session) -> None:
                s.execute(update(User).where(User.name == name).values(password_hash=new_hash))

            self._write(rehash)
        return role

    def users(self) -> list[UserRecord]:
        with self.db.session() as s:
            return [
                UserRecord(r.id, r.name, r.role, r.created_at)
                for r in s.scalars(select(User).order_by(User.name))
            ]

    # ------------------------------------------------------------------ campaigns
    def link_by_infrastructure(
        self, verdicts: Sequence[str] = ("counterfeit", "suspicious")
    ) -> list[CampaignRecord]:
        """Group leads sharing IP, name servers, registrant, favicon or page template."""

        def run(s: Session) -> list[CampaignRecord]:
            lead_rows = (
                s.execute(
                    select(Lead.id, Lead.registered_domain).where(
                        Lead.verdict.in_(list(verdicts)), Lead.status != "official"
                    )
                )
                .tuples()
                .all()
            )
            domains = dict(lead_rows)
            infra: dict[int, list[dict[str, Any]]] = {lid: [] for lid in domains}
            if domains:
                for lid, data in s.execute(
                    select(Capture.lead_id, Capture.infra).where(
                        Capture.lead_id.in_(list(domains)), Capture.error.is_(None)
                    )
                ).tuples():
                    infra[lid].append(data)
            groups = campaigns.group_leads(infra)
            keep: set[int] = set()
            member_of: dict[int, int] = {}
            for g in groups:
                key = f"lead-{g.lead_ids[0]}"
                label = f"{domains[g.lead_ids[0]]} 等 {len(g.lead_ids)} 个站点"
                links = [{"kind": k, "value": v} for k, v in g.links]
                row = s.scalars(select(Campaign).where(Campaign.key == key)).one_or_none()
                if row is None:
                    row = Campaign(key=key, label=label, links=links, created_at=_now())
                    s.add(row)
                row.label, row.links, row.updated_at = label, links, _now()
                s.flush()
                keep.add(row.id)
                for lid in g.lead_ids:
                    member_of[lid] = row.id
            for lead in s.scalars(select(Lead)):
                target = member_of.get(lead.id)
                if lead.campaign_id != target:
                    lead.campaign_id = target
            s.flush()
            for row in s.scalars(select(Campaign)):
                if row.id not in keep:
                    s.delete(row)
            s.flush()
            return [self._campaign_record(s, cid) for cid in sorted(keep)]

        return self._write(run)

    def campaigns(self) -> list[CampaignRecord]:
        with self.db.session() as s:
            ids = s.scalars(select(Campaign.id).order_by(Campaign.id)).all()
            return [self._campaign_record(s, cid) for cid in ids]

    @staticmethod
    def _campaign_record(s: Session, campaign_id: int) -> CampaignRecord:
        row = s.get(Campaign, campaign_id)
        if row is None:
            raise NotFoundError(f"no campaign {campaign_id}")
        ids = s.scalars(
            select(Lead.id).where(Lead.campaign_id == campaign_id).order_by(Lead.id)
        ).all()
        return CampaignRecord(row.id, row.key, row.label, list(row.links), tuple(ids))

    # ------------------------------------------------------------------ counts
    def count(self, model: type[Base]) -> int:
        """Rows in one table (for tests, stats and the demo)."""
        with self.db.session() as s:
            return int(s.scalar(select(func.count()).select_from(model)) or 0)


# ---------------------------------------------------------------------- row -> record
def _source_names(s: Session, lead_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    if not lead_ids:
        return {}
    out: dict[int, list[str]] = {}
    for lid, src in s.execute(
        select(LeadSource.lead_id, LeadSource.source)
        .where(LeadSource.lead_id.in_(list(lead_ids)))
        .order_by(LeadSource.lead_id, LeadSource.first_found, LeadSource.source)
    ).tuples():
        out.setdefault(lid, []).append(src)
    return {k: tuple(v) for k, v in out.items()}


def _lead_record(row: Lead, sources: Sequence[str]) -> LeadRecord:
    return LeadRecord(
        id=row.id,
        url=row.url,
        host=row.host,
        registered_domain=row.registered_domain,
        score=row.score,
        verdict=row.verdict,
        status=row.status,
        first_seen=row.first_seen,
        last_seen=row.last_seen,
        sources=tuple(sources),
        categories=tuple(row.categories),
        target=row.target,
        title=row.title,
        is_down=row.is_down,
        down_since=row.down_since,
        last_checked=row.last_checked,
        campaign_id=row.campaign_id,
    )


def _signal_record(row: SignalRow) -> SignalRecord:
    return SignalRecord(
        id=row.id,
        capture_id=row.capture_id,
        position=row.position,
        detector=row.detector,
        version=row.version,
        score=row.score,
        reason=row.reason,
        details=dict(row.details),
        categories=tuple(row.categories),
        official=row.official,
    )


def _capture_record(row: Capture, signals: Sequence[SignalRecord]) -> CaptureRecord:
    return CaptureRecord(
        id=row.id,
        key=row.key,
        lead_id=row.lead_id,
        run_id=row.run_id,
        url=row.url,
        final_url=row.final_url,
        status=row.status,
        fetched_at=row.fetched_at,
        user_agent=row.user_agent,
        title=row.title,
        score=row.score,
        verdict=row.verdict,
        categories=tuple(row.categories),
        target=row.target,
        error=row.error,
        errors=tuple(row.errors),
        timings=dict(row.timings),
        redirects=list(row.redirects),
        headers=list(row.headers),
        resources=list(row.resources),
        variants=list(row.variants),
        facts=dict(row.facts),
        artifacts=dict(row.artifacts),
        infra=dict(row.infra),
        source=row.source,
        signals=tuple(signals),
    )


def _review_record(row: ReviewEvent) -> ReviewEventRecord:
    return ReviewEventRecord(
        id=row.id,
        lead_id=row.lead_id,
        user=row.user,
        action=row.action,
        note=row.note,
        old_status=row.old_status,
        new_status=row.new_status,
        at=row.at,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


def _run_record(row: CrawlRun) -> CrawlRunRecord:
    return CrawlRunRecord(
        id=row.id,
        kind=row.kind,
        sources=tuple(row.sources),
        status=row.status,
        started_at=row.started_at,
        finished_at=row.finished_at,
        stats=dict(row.stats),
    )


__all__ = ["ROLES", "NotFoundError", "Repository", "SourceHit", "UserExistsError"]
