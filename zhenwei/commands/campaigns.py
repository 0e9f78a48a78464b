"""`zhenwei campaigns [--json] [--relink]`: the campaigns, largest first."""

from __future__ import annotations

import json
import sys

import click

from storage.records import CampaignRecord, iso
from zhenwei.commands._db import open_repository


def _table(campaigns: list[CampaignRecord]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"团伙 campaigns ({len(campaigns)})")
    for col in ("id", "站点数", "仍在线", "首次发现", "最近发现", "名称", "主要证据"):
        table.add_column(col)
    for c in campaigns:
        top = c.links[0]["evidence"][0]["reason"] if c.links and c.links[0]["evidence"] else ""
        table.add_row(
            str(c.id),
            str(c.members),
            str(c.online),
            (iso(c.first_seen) or "—")[:10],
            (iso(c.last_seen) or "—")[:10],
            c.label,
            top,
        )
    Console(width=None if sys.stdout.isatty() else 200).print(table)


@click.command("campaigns")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one campaign per line.")
@click.option("--relink", is_flag=True, help="Relink every lead first (a crawl does this too).")
def command(as_json: bool, relink: bool) -> None:
    """List campaigns: leads run by the same people, with member and still-online counts."""
    with open_repository("campaigns") as (_settings, repo):
        campaigns = repo.campaigns.link() if relink else repo.campaigns.list()
        campaigns.sort(key=lambda c: (-c.members, c.id))
    if as_json:
        for c in campaigns:
            click.echo(json.dumps(c.to_json(), ensure_ascii=False))
    else:
        _table(campaigns)
