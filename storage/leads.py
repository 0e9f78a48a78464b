"""Leads (`repo.leads`): record scored pages, one lead per host (or platform post) with its captures, signals and
sources; list and read leads; recheck history (known URLs, down and back up).

Every write is one transaction and idempotent, so a crawl killed at any point and run again
neither loses nor duplicates anything: leads are unique by host, captures by capture key,
artifacts by sha256, signals by (capture, position), sources by (lead, source).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from enum import Enum
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.platforms import is_post_key
from core.signals import ScoredPage
from core.types import Page
from storage import artifacts, audit, captures, hostlabels, leadquery, linkfeatures, pagedata, sql
from storage.campaigns import campaign_record
from storage.leadquery import Cursor, LeadFilter, LeadPage, lead_records
from storage.models import Lead, LeadSource
from storage.records import KnownUrl, LeadDetail, LeadRecord, SourceHit, SourceRecord
from storage.reviews import lead_reviews

#: statuses whose sites are still worth re-checking
ACTIVE_STATUSES = ("new", "reviewing", "confirmed", "referred")
#: (url, html, verdict, categories, target) of a flagged lead's newest served page
FlaggedPage = tuple[str, str, str, tuple[str, ...], str | None]


class Seen(Enum):
    """What one fetch tells about the site: it answered, it is down, or nothing at all."""

    UP = "up"
    DOWN = "down"
    UNKNOWN = "unknown"


def seen(page: Page) -> Seen:
    """Only a failure of a down kind takes a lead down; a page that loaded despite a failure
    (its screenshot, its size) is judged as usual; a failure before any answer (blocked by
    our egress policy, our own error) says nothing about the site."""
    if page.failure is None:
        return Seen.UP
    if page.failure.site_down:
        return Seen.DOWN
    return Seen.UP if page.status is not None else Seen.UNKNOWN


def _asn_lookup() -> linkfeatures.AsnLookup:
    from core.netpath.geoip import ip_info

    return ip_info


def _qr_reader() -> Callable[[bytes], list[str]]:
    from core.qr import decode_qr_once

    return decode_qr_once


def _tuple(value: str | Sequence[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


class Leads(sql.Store):
    """One lead per host, its captures and the sources that found it."""

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
        host = pagedata.lead_key(page.url) or pagedata.lead_key(page.final_url)
        if not host:
            raise ValueError(f"no host in {page.url!r}")
        # Files first: if we die before the commit they are orphans, re-used on the replay.
        stored = artifacts.store_blobs(self.db.artifacts, pagedata.page_blobs(page, capture_files))
        infra = linkfeatures.extract(page, asn_of=_asn_lookup(), read_qr=_qr_reader()).to_json()
        hits = list(sources)
        if not hits and page.source:
            hits = [SourceHit(page.source, page.fetched_at)]

        def run(s: Session) -> int:
            artifacts.add_rows(s, stored.values())
            lead = self._upsert(s, host, scored)
            captures.add_capture(s, lead.id, scored, run_id, stored, infra)
            self._add_sources(s, lead.id, hits)
            self._update(s, lead, scored, hits)
            return lead.id

        lead_id = sql.write(self.db, run)
        with self.db.session() as s:
            row = s.get(Lead, lead_id)
            if row is None:  # deleted between the two transactions
                raise sql.NotFoundError(f"no lead {lead_id}")
            return lead_records(s, [row])[0]

    @staticmethod
    def _upsert(s: Session, host: str, scored: ScoredPage) -> Lead:
        page = scored.page
        at = sql.utc(page.fetched_at)
        stmt = sql.insert(s, Lead).values(
            host=host,
            url=page.url,
            # a post stands alone: a domain-wide label on it must not cover the whole platform
            registered_domain=host if is_post_key(host) else pagedata.registered_domain(host),
            title=page.title,
            score=scored.score,
            verdict=scored.verdict,
            categories=list(scored.categories),
            target=scored.target,
            status=audit.automatic_status(scored.verdict),
            first_seen=at,
            last_seen=at,
            is_down=False,
            review_head="",
            created_at=sql.now(),
            updated_at=sql.now(),
        )
        s.execute(stmt.on_conflict_do_nothing(index_elements=["host"]))
        # FOR UPDATE: a concurrent writer of the same host waits here (PostgreSQL).
        return s.scalars(select(Lead).where(Lead.host == host).with_for_update()).one()

    @staticmethod
    def _add_sources(s: Session, lead_id: int, hits: Sequence[SourceHit]) -> None:
        for hit in hits:
            at = sql.utc(hit.found_at)
            stmt = sql.insert(s, LeadSource).values(
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

    @staticmethod
    def _update(s: Session, lead: Lead, scored: ScoredPage, hits: Sequence[SourceHit]) -> None:
        page = scored.page
        at = sql.utc(page.fetched_at)
        earliest = min([at, *(sql.utc(h.found_at) for h in hits)])
        lead.first_seen = min(lead.first_seen, earliest)
        lead.last_checked = max(lead.last_checked or at, at)
        lead.updated_at = sql.now()
        newest = at >= lead.last_seen
        state = seen(page)
        if state is Seen.DOWN and newest and not lead.is_down:
            lead.is_down = True
            lead.down_since = at
        # A site that is down, or a fetch that never reached it, keeps the last judgement.
        if state is not Seen.UP or not newest:
            return
        lead.last_seen = at
        lead.url = page.url
        lead.title = page.title
        lead.score = scored.score
        lead.verdict = scored.verdict
        lead.categories = list(scored.categories)
        lead.target = scored.target or lead.target
        lead.is_down = False
        lead.down_since = None
        # Automatic status moves only between new and official, and only before any review
        # event: afterwards the status is what the audit trail says (storage/reviews.py).
        if not lead.review_head:
            lead.status = audit.automatic_status(scored.verdict)
        # An analyst's label counts in every later run (storage/hostlabels.py).
        hostlabels.apply_to_lead(s, lead)

    # ------------------------------------------------------------------ reading
    def find(
        self,
        *,
        status: str | Sequence[str] | None = None,
        min_score: int | None = None,
        limit: int | None = None,
        verdict: str | Sequence[str] | None = None,
        campaign: int | None = None,
        host: str = "",
    ) -> list[LeadRecord]:
        """Leads best first: score descending, then most recently seen, then oldest lead."""
        where = LeadFilter(
            status=_tuple(status),
            verdict=_tuple(verdict),
            min_score=min_score,
            host=host,
            campaign=campaign,
        )
        with self.db.session() as s:
            stmt = leadquery.best_first(leadquery.conditions(s, where))
            if limit is not None:
                stmt = stmt.limit(limit)
            return lead_records(s, s.scalars(stmt).all())

    def page(
        self,
        where: LeadFilter,
        *,
        after: Cursor | None = None,
        before: Cursor | None = None,
        size: int = 100,
        count: bool = False,
    ) -> LeadPage:
        """One page of the best-first list, continued from a cursor (keyset pagination);
        with `count`, also how many leads the whole list holds (bounded)."""
        with self.db.session() as s:
            return leadquery.read_page(s, where, after, before, size, count)

    def count(self, where: LeadFilter, cap: int = leadquery.COUNT_CAP) -> tuple[int, bool]:
        """(leads of `where`, whether there are more than `cap`): bounded, never a full scan."""
        with self.db.session() as s:
            return leadquery.count(s, leadquery.conditions(s, where), cap)

    def iterate(
        self, where: LeadFilter, *, limit: int | None = None, batch: int = 1000
    ) -> Iterator[LeadRecord]:
        """Every lead of `where` best first, read a page at a time (constant memory)."""
        after: Cursor | None = None
        left = limit
        while left is None or left > 0:
            size = batch if left is None else min(batch, left)
            page = self.page(where, after=after, size=size)
            yield from page.leads
            if left is not None:
                left -= len(page.leads)
            if page.next is None:
                return
            after = page.next

    def by_host(self, host: str) -> LeadRecord | None:
        """The lead of a host, or of a post by its key (paths keep their case)."""
        key = host if is_post_key(host) else host.lower()
        with self.db.session() as s:
            row = s.scalars(select(Lead).where(Lead.host == key)).one_or_none()
            return lead_records(s, [row])[0] if row is not None else None

    def get(self, lead_id: int) -> LeadDetail:
        """A lead with every capture (newest first), signal, review and source."""
        with self.db.session() as s:
            row = s.get(Lead, lead_id)
            if row is None:
                raise sql.NotFoundError(f"no lead {lead_id}")
            sources = s.scalars(
                select(LeadSource)
                .where(LeadSource.lead_id == lead_id)
                .order_by(LeadSource.first_found, LeadSource.source)
            ).all()
            return LeadDetail(
                lead=sql.to_record(LeadRecord, row, sources=[x.source for x in sources]),
                captures=captures.lead_captures(s, lead_id),
                reviews=lead_reviews(s, lead_id),
                sources=tuple(sql.to_record(SourceRecord, x) for x in sources),
                campaign=campaign_record(s, row.campaign_id) if row.campaign_id else None,
            )

    def flagged_pages(self, limit: int = 200) -> list[FlaggedPage]:
        """The newest served page of each lead scored counterfeit or seller: the links source
        follows what these pages point at."""
        out: list[FlaggedPage] = []
        with self.db.session() as s:
            leads = s.scalars(
                select(Lead)
                .where(Lead.verdict.in_(("counterfeit", "suspicious")))
                .order_by(Lead.score.desc())
                .limit(limit)
            ).all()
            for lead in leads:
                cats = tuple(lead.categories or ())
                if lead.verdict != "counterfeit" and "seller" not in cats:
                    continue
                cap = captures.newest_served(s, lead.id)
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

    # ------------------------------------------------------------------ recheck history
    def known_urls(self, statuses: Sequence[str] = ACTIVE_STATUSES) -> list[KnownUrl]:
        with self.db.session() as s:
            rows = s.scalars(select(Lead).where(Lead.status.in_(list(statuses))).order_by(Lead.id))
            return [sql.to_record(KnownUrl, r, lead_id=r.id) for r in rows]

    def mark_down(self, lead_id: int, at: datetime) -> None:
        at = sql.utc(at)

        def run(s: Session) -> None:
            lead = sql.locked(s, Lead, lead_id)
            if not lead.is_down:
                lead.is_down = True
                lead.down_since = at
            lead.last_checked = max(lead.last_checked or at, at)

        sql.write(self.db, run)

    def mark_up(self, lead_id: int, at: datetime) -> None:
        at = sql.utc(at)

        def run(s: Session) -> None:
            lead = sql.locked(s, Lead, lead_id)
            lead.is_down = False
            lead.down_since = None
            lead.last_checked = max(lead.last_checked or at, at)
            lead.last_seen = max(lead.last_seen, at)

        sql.write(self.db, run)
