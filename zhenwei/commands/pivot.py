"""`zhenwei pivot VALUE [--kind K] [--json]`: every capture that showed this ID or hash —
of any lead, dismissed and old ones included."""

from __future__ import annotations

import json

import click

from storage.linking import PIVOT_KINDS
from storage.records import iso
from zhenwei.commands._db import open_repository


@click.command("pivot")
@click.argument("value")
@click.option("--kind", type=click.Choice(PIVOT_KINDS), help="Only this kind of feature.")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one capture per line.")
@click.option("--limit", type=click.IntRange(min=1), default=1000, show_default=True)
def command(value: str, kind: str | None, as_json: bool, limit: int) -> None:
    """Find every capture with this tracking ID, contact, IP, registrant or kit hash."""
    with open_repository("pivot") as (_settings, repo):
        hits = repo.campaigns.pivot(value, kind=kind, limit=limit)
    if as_json:
        for h in hits:
            click.echo(json.dumps(h.to_json(), ensure_ascii=False))
        return
    if not hits:
        click.echo(f"没有任何抓取记录包含 {value}", err=True)
        return
    for h in hits:
        camp = f" 团伙 #{h.campaign_id}" if h.campaign_id else ""
        click.echo(
            f"{iso(h.fetched_at)} 线索 #{h.lead_id} {h.host} [{h.kind}] "
            f"{h.verdict}/{h.status}{camp} 抓取 #{h.capture_id} {h.url}"
        )
