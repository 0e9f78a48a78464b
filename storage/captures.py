"""Capture rows: one per fetch, with its signals, inside the lead's write transaction.

Captures are part of the lead aggregate (`repo.leads` writes and reads them); this module
holds their row-level work so that `storage/leads.py` keeps to the lead's own rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from core.failures import SITE_DOWN
from core.signals import ScoredPage
from storage import pagedata, sql
from storage.artifacts import StoredArtifact
from storage.linkfeatures import LinkFeatures
from storage.models import Capture, CaptureFeature, SignalRow
from storage.records import CaptureRecord, SignalRecord


def served() -> ColumnElement[bool]:
    """Captures of a page the site did serve: no failure, or one that left the page loaded
    (a failed screenshot). Rows stored before failure kinds existed count as failed."""
    return and_(
        Capture.status.is_not(None),
        or_(Capture.error.is_(None), Capture.failure_kind.not_in(sorted(SITE_DOWN))),
    )


def add_capture(
    s: Session,
    lead_id: int,
    scored: ScoredPage,
    run_id: int | None,
    stored: Mapping[str, StoredArtifact],
    infra: Mapping[str, Any],
) -> tuple[int, bool]:
    """(capture id, created): the capture key makes a replayed fetch find its first row.

    `infra` is computed before the transaction (a perceptual hash is slow; locks wait)."""
    page = scored.page
    key = pagedata.capture_key(page)
    stmt = sql.insert(s, Capture).values(
        key=key,
        lead_id=lead_id,
        run_id=run_id,
        url=page.url,
        final_url=page.final_url,
        status=page.status,
        fetched_at=sql.utc(page.fetched_at),
        user_agent=page.user_agent,
        title=page.title,
        score=scored.score,
        verdict=scored.verdict,
        categories=list(scored.categories),
        target=scored.target,
        error=page.error,
        failure_kind=str(page.failure.kind) if page.failure is not None else None,
        errors=list(scored.errors),
        problems=[p.to_json() for p in page.problems],
        timings=pagedata.jsonable(page.timings),
        redirects=pagedata.jsonable(page.redirects),
        headers=pagedata.jsonable(page.headers),
        resources=pagedata.jsonable(page.resources),
        variants=pagedata.variants_json(page),
        facts=pagedata.page_facts(page),
        artifacts={role: a.sha256 for role, a in stored.items()},
        infra=dict(infra),
        source=page.source,
        created_at=sql.now(),
    )
    new_id = s.execute(
        stmt.on_conflict_do_nothing(index_elements=["key"]).returning(Capture.id)
    ).scalar_one_or_none()
    if new_id is not None:
        add_signals(s, int(new_id), scored)
        add_features(s, int(new_id), lead_id, infra)
        return int(new_id), True
    existing = s.scalars(select(Capture.id).where(Capture.key == key)).one()
    return int(existing), False


def add_signals(s: Session, capture_id: int, scored: ScoredPage) -> None:
    """Every signal of a new capture, by position (unique per capture)."""
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


def add_features(s: Session, capture_id: int, lead_id: int, infra: Mapping[str, Any]) -> None:
    """The pivot index of a new capture: one row per exact-match feature."""
    for kind, value in LinkFeatures.from_json(dict(infra)).features:
        s.add(CaptureFeature(capture_id=capture_id, lead_id=lead_id, kind=kind, value=value[:500]))


def lead_captures(s: Session, lead_id: int) -> tuple[CaptureRecord, ...]:
    """Every capture of a lead, newest first, each with its signals."""
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
            sigs.setdefault(sig.capture_id, []).append(sql.to_record(SignalRecord, sig))
    return tuple(sql.to_record(CaptureRecord, c, signals=tuple(sigs.get(c.id, ()))) for c in caps)


def newest_served(s: Session, lead_id: int) -> Capture | None:
    """The lead's newest capture of a page its site served."""
    return s.scalars(
        select(Capture)
        .where(Capture.lead_id == lead_id, served())
        .order_by(Capture.fetched_at.desc())
        .limit(1)
    ).first()


def infra_of(s: Session, lead_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Campaign-linking features of every served capture of the leads."""
    out: dict[int, list[dict[str, Any]]] = {lid: [] for lid in lead_ids}
    if lead_ids:
        for lid, data in s.execute(
            select(Capture.lead_id, Capture.infra).where(Capture.lead_id.in_(lead_ids), served())
        ).tuples():
            out[lid].append(data)
    return out
