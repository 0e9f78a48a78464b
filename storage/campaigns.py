"""Campaigns (`repo.campaigns`): leads linked by shared infrastructure, regrouped after each
crawl (the grouping itself is `storage/grouping.py`)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import captures, grouping, sql
from storage.models import Campaign, Lead
from storage.records import CampaignRecord


def campaign_record(s: Session, campaign_id: int) -> CampaignRecord:
    row = s.get(Campaign, campaign_id)
    if row is None:
        raise sql.NotFoundError(f"no campaign {campaign_id}")
    ids = s.scalars(select(Lead.id).where(Lead.campaign_id == campaign_id).order_by(Lead.id))
    return sql.to_record(CampaignRecord, row, lead_ids=tuple(ids))


class Campaigns(sql.Store):
    """Links leads into campaigns and lists them."""

    def link(self, verdicts: Sequence[str] = ("counterfeit", "suspicious")) -> list[CampaignRecord]:
        """Group leads sharing IP, name servers, registrant, favicon or page template."""

        def run(s: Session) -> list[CampaignRecord]:
            lead_rows = s.execute(
                select(Lead.id, Lead.registered_domain).where(
                    Lead.verdict.in_(list(verdicts)), Lead.status != "official"
                )
            ).tuples()
            domains = dict(lead_rows.all())
            groups = grouping.group_leads(captures.infra_of(s, list(domains)))
            keep: set[int] = set()
            member_of: dict[int, int] = {}
            for g in groups:
                # Keyed by the group's smallest lead: a campaign keeps its id as it grows.
                key = f"lead-{g.lead_ids[0]}"
                label = f"{domains[g.lead_ids[0]]} 等 {len(g.lead_ids)} 个站点"
                links = [{"kind": k, "value": v} for k, v in g.links]
                row = s.scalars(select(Campaign).where(Campaign.key == key)).one_or_none()
                if row is None:
                    row = Campaign(key=key, label=label, links=links, created_at=sql.now())
                    s.add(row)
                row.label, row.links, row.updated_at = label, links, sql.now()
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
            return [campaign_record(s, cid) for cid in sorted(keep)]

        return sql.write(self.db, run)

    def list(self) -> list[CampaignRecord]:
        with self.db.session() as s:
            ids = s.scalars(select(Campaign.id).order_by(Campaign.id)).all()
            return [campaign_record(s, cid) for cid in ids]
