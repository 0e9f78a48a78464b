"""`zhenwei campaign ID [--json]`: one campaign's members and the evidence that links them."""

from __future__ import annotations

import json

import click

from storage.linking import Link, links_from_json, shared_evidence
from storage.records import CampaignRecord, LeadRecord, iso
from zhenwei.commands._db import fail, open_repository


def campaign_links(campaign: CampaignRecord) -> list[Link]:
    return links_from_json(campaign.links)


def _text(campaign: CampaignRecord, members: list[LeadRecord]) -> None:
    click.echo(f"团伙 #{campaign.id}（{campaign.key}）：{campaign.label}")
    click.echo(
        f"站点 {campaign.members} 个，仍在线 {campaign.online} 个；"
        f"首次发现 {iso(campaign.first_seen)}，最近发现 {iso(campaign.last_seen)}"
    )
    click.echo("成员：")
    for lead in members:
        down = "（无法访问）" if lead.is_down else ""
        click.echo(f"  #{lead.id} {lead.host} {lead.verdict} {lead.score} 分 {lead.status}{down}")
    click.echo("共同证据：")
    for ev, pairs in shared_evidence(campaign_links(campaign)):
        click.echo(f"  [{ev.weight:.2f}] {ev.reason}（{pairs} 对站点）")


@click.command("campaign")
@click.argument("campaign_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
def command(campaign_id: int, as_json: bool) -> None:
    """Show one campaign: members, shared evidence, first/last seen, still-online count."""
    from storage.sql import NotFoundError

    with open_repository("campaign") as (_settings, repo):
        try:
            campaign = repo.campaigns.get(campaign_id)
        except NotFoundError:
            fail("campaign", f"no campaign with id {campaign_id} (see `zhenwei campaigns`)")
            return
        members = [repo.leads.get(i).lead for i in campaign.lead_ids]
    if as_json:
        obj = campaign.to_json()
        obj["leads"] = [m.to_json() for m in members]
        obj["evidence"] = [
            {**ev.to_json(), "pairs": n} for ev, n in shared_evidence(campaign_links(campaign))
        ]
        click.echo(json.dumps(obj, ensure_ascii=False))
    else:
        _text(campaign, members)
