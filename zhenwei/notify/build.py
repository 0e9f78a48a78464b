"""The digest of one crawl run from the repository: new and changed high-risk leads, and for
each new lead whether it joined a campaign known before the run."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from storage.leadquery import CLOSED_STATUSES
from storage.records import CampaignRecord
from storage.repository import Repository
from zhenwei.notify.digest import JOINED, Digest, DigestItem


def campaign_note(lead_id: int, campaign: CampaignRecord | None, new_in_run: set[int]) -> str:
    """ "加入已知团伙 #3（…）" when the campaign has members older than this run; "新团伙"
    when every member is new."""
    if campaign is None:
        return ""
    known = [i for i in campaign.lead_ids if i not in new_in_run]
    if known:
        return f"{JOINED} #{campaign.id}（{campaign.label}，此前已有 {len(known)} 个站点）"
    return f"新团伙 #{campaign.id}（{campaign.label}）"


def build_digest(
    repo: Repository,
    *,
    run_id: int | None,
    started_at: datetime,
    finished_at: datetime,
    new_leads: Sequence[int],
    changed: Mapping[int, int | None],
    stats: Mapping[str, Mapping[str, int]],
    min_score: int,
) -> Digest:
    new_set = set(new_leads)
    items = []
    for lead_id, change in [(i, "new") for i in new_leads] + [(i, "changed") for i in changed]:
        detail = repo.leads.get(lead_id)
        lead = detail.lead
        # an analyst's decision (dismissed, official) holds: no alert until one reopens it
        if lead.score < min_score or lead.status in CLOSED_STATUSES:
            continue
        reason = ""
        if detail.captures and detail.captures[0].signals:
            reason = detail.captures[0].signals[0].reason
        note = campaign_note(lead_id, detail.campaign, new_set) if change == "new" else ""
        items.append(
            DigestItem(
                lead_id=lead.id,
                host=lead.host,
                url=lead.url,
                score=lead.score,
                verdict=lead.verdict,
                categories=tuple(lead.categories),
                change=change,
                previous_score=changed.get(lead_id),
                reason=reason,
                campaign=note,
            )
        )
    items.sort(key=lambda i: -i.score)
    return Digest(
        run_id, started_at, finished_at, tuple(items), {k: dict(v) for k, v in stats.items()}
    )
