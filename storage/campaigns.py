"""Campaigns (`repo.campaigns`): leads linked by strong link evidence, relinked after each
crawl with stable ids; the analyst's pivot over every capture's features.

The linking itself is pure (`storage/linking.py`); this store reads the features of served
captures, decides what proves nothing (whatever benign, official or dismissed leads and the
genuine references show too), and keeps each campaign's id as its members change.
"""

from __future__ import annotations

import builtins
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.platforms import is_post_key
from storage import captures, linking, sql
from storage.linkfeatures import LinkFeatures, text_simhash
from storage.models import Campaign, Capture, CaptureFeature, Lead, ReferenceRow
from storage.records import CampaignRecord, PivotHit

#: verdicts whose leads can be members
FLAGGED = ("counterfeit", "suspicious")
#: a lead the analyst dismissed or marked official is no member, and what it shows is no
#: evidence against others
CLEARED_STATUSES = ("dismissed", "official")
#: kinds whose values are struck out when a benign or official site shows them too; shared
#: hosting (ip, net24, asn, ns) stays: it is weak anyway, and the gang does share it
EXCLUDABLE = frozenset(linking.KINDS) - {"ip", "net24", "asn", "ns"}


def campaign_record(s: Session, campaign_id: int) -> CampaignRecord:
    row = s.get(Campaign, campaign_id)
    if row is None:
        raise sql.NotFoundError(f"no campaign {campaign_id}")
    ids = s.scalars(select(Lead.id).where(Lead.campaign_id == campaign_id).order_by(Lead.id))
    return sql.to_record(CampaignRecord, row, lead_ids=tuple(ids))


@dataclass(frozen=True)
class _Leads:
    members: dict[int, Lead]
    features: dict[int, list[LinkFeatures]]
    excluded: frozenset[tuple[str, str]]
    excluded_texts: frozenset[str]


def _gather(s: Session, verdicts: Sequence[str]) -> _Leads:
    leads = {lead.id: lead for lead in s.scalars(select(Lead))}
    members = {
        lid: lead
        for lid, lead in leads.items()
        if lead.verdict in verdicts and lead.status not in CLEARED_STATUSES
    }
    infra = captures.infra_of(s, list(leads))
    excluded: set[tuple[str, str]] = set()
    texts: set[str] = set()
    features: dict[int, list[LinkFeatures]] = {}
    for lid, rows in infra.items():
        parsed = [LinkFeatures.from_json(r) for r in rows]
        if lid in members:
            features[lid] = parsed
            continue
        # a benign post naming a site (a warning about it) does not make the site common
        post = is_post_key(leads[lid].host)
        for f in parsed:
            excluded.update(
                p for p in f.features if p[0] in EXCLUDABLE and not (post and p[0] == "site")
            )
            if f.simhash:
                texts.add(f.simhash)
    for ref in s.scalars(select(ReferenceRow)):
        excluded.update(("resource", h) for h in ref.asset_hashes or ())
        if ref.favicon_sha256:
            excluded.add(("favicon", ref.favicon_sha256))
        sim = text_simhash(ref.visible_text or "")
        if sim:
            texts.add(sim)
    return _Leads(members, features, frozenset(excluded), frozenset(texts))


def _label(members: Sequence[Lead]) -> str:
    first = min(members, key=lambda lead: (lead.first_seen, lead.id))
    return f"{first.registered_domain} 等 {len(members)} 个站点"


def _online(lead: Lead) -> bool:
    return not lead.is_down and lead.status != "taken_down"


class Campaigns(sql.Store):
    """Links leads into campaigns, lists them and answers pivots."""

    def link(self, verdicts: Sequence[str] = FLAGGED) -> list[CampaignRecord]:
        """Relink every flagged lead; returns the campaigns that have members now."""

        def run(s: Session) -> list[CampaignRecord]:
            data = _gather(s, verdicts)
            links = linking.link_leads(
                data.features, excluded=data.excluded, excluded_texts=data.excluded_texts
            )
            groups = linking.campaigns(data.members, links)
            previous: dict[int, set[int]] = defaultdict(set)
            for lead_id, cid in s.execute(
                select(Lead.id, Lead.campaign_id).where(Lead.campaign_id.is_not(None))
            ).tuples():
                if cid is not None:
                    previous[cid].add(lead_id)
            member_of: dict[int, int] = {}
            live: list[int] = []
            for cid, group in linking.assign_ids(
                groups, {k: frozenset(v) for k, v in previous.items()}
            ):
                row = s.get(Campaign, cid) if cid is not None else None
                if row is None:
                    row = Campaign(key=uuid.uuid4().hex, created_at=sql.now(), links=[])
                    s.add(row)
                    s.flush()
                    row.key = f"C{row.id:05d}"
                rows = [data.members[lid] for lid in group.lead_ids]
                row.label = _label(rows)
                row.links = [link.to_json() for link in group.links]
                row.first_seen = min(r.first_seen for r in rows)
                row.last_seen = max(r.last_seen for r in rows)
                row.members = len(rows)
                row.online = sum(1 for r in rows if _online(r))
                row.updated_at = sql.now()
                live.append(row.id)
                for lid in group.lead_ids:
                    member_of[lid] = row.id
            for lead in s.scalars(select(Lead)):
                target = member_of.get(lead.id)
                if lead.campaign_id != target:
                    lead.campaign_id = target
            # A campaign left without members keeps its row (members 0): its id is never
            # handed to another group, so an id in a referral always means the same gang.
            for row in s.scalars(select(Campaign).where(Campaign.id.not_in(live or [-1]))):
                row.members = row.online = 0
                row.links = []
            s.flush()
            return [campaign_record(s, cid) for cid in sorted(live)]

        return sql.write(self.db, run)

    def list(self, *, include_empty: bool = False) -> list[CampaignRecord]:
        """Campaigns, largest first."""
        with self.db.session() as s:
            stmt = select(Campaign.id).order_by(Campaign.members.desc(), Campaign.id)
            if not include_empty:
                stmt = stmt.where(Campaign.members > 0)
            return [campaign_record(s, cid) for cid in s.scalars(stmt).all()]

    def get(self, campaign_id: int) -> CampaignRecord:
        with self.db.session() as s:
            return campaign_record(s, campaign_id)

    def joined_since(self, since: datetime) -> dict[int, CampaignRecord]:
        """Campaigns whose members include a lead first seen at or after `since`, by lead id
        (the digest's "a new site joined a known campaign")."""
        with self.db.session() as s:
            out: dict[int, CampaignRecord] = {}
            for lid, cid in s.execute(
                select(Lead.id, Lead.campaign_id).where(
                    Lead.campaign_id.is_not(None), Lead.first_seen >= sql.utc(since)
                )
            ).tuples():
                if cid is not None:
                    out[lid] = campaign_record(s, cid)
            return out

    def features_of(self, lead_id: int) -> builtins.list[tuple[str, str]]:
        """Every (kind, value) the lead's captures showed, for the lead page's pivot links."""
        with self.db.session() as s:
            rows = s.execute(
                select(CaptureFeature.kind, CaptureFeature.value)
                .where(CaptureFeature.lead_id == lead_id)
                .distinct()
                .order_by(CaptureFeature.kind, CaptureFeature.value)
            ).tuples()
            return [(str(k), str(v)) for k, v in rows]

    def pivot(
        self, value: str, *, kind: str | None = None, limit: int = 1000
    ) -> builtins.list[PivotHit]:
        """Every capture, of any lead in any status and of any age, that showed `value`."""
        value = value.strip()
        with self.db.session() as s:
            stmt = (
                select(CaptureFeature, Capture, Lead)
                .join(Capture, Capture.id == CaptureFeature.capture_id)
                .join(Lead, Lead.id == CaptureFeature.lead_id)
                .where(func.lower(CaptureFeature.value) == value.lower())
                .order_by(Capture.fetched_at.desc(), Capture.id.desc())
                .limit(limit)
            )
            if kind is not None:
                stmt = stmt.where(CaptureFeature.kind == kind)
            return [
                PivotHit(
                    kind=f.kind,
                    value=f.value,
                    capture_id=cap.id,
                    lead_id=lead.id,
                    host=lead.host,
                    url=cap.final_url or cap.url,
                    fetched_at=cap.fetched_at,
                    verdict=cap.verdict,
                    status=lead.status,
                    campaign_id=lead.campaign_id,
                )
                for f, cap, lead in s.execute(stmt).tuples()
            ]
