"""`zhenwei tips import FILE | check | list`: tips from the 12345 hotline and analysts."""

from __future__ import annotations

import json
from pathlib import Path

import click

from storage.records import TipRecord, iso
from zhenwei.commands._db import fail, open_repository


def _line(tip: TipRecord) -> str:
    parts = []
    for c in tip.checks:
        result = (
            f"{c.verdict} {c.score} 分 → 线索 #{c.lead_id}" if c.lead_id else (c.error or "待查")
        )
        parts.append(f"{c.url}（{result}）")
    return (
        f"举报 #{tip.id} [{tip.channel} {tip.reference}] {iso(tip.received_at)} {tip.status}："
        + ("；".join(parts) or tip.text[:80])
    )


@click.group("tips")
def command() -> None:
    """Tips from the public (12345 hotline) and analysts, checked like any crawl."""


@command.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--channel", default="12345", show_default=True, help="Channel when the file has none."
)
@click.option("--no-check", is_flag=True, help="Only store the tips; check them later.")
@click.option("--timeout", default=60.0, show_default=True, help="Seconds per URL.")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one tip per line.")
def import_(file: Path, channel: str, no_check: bool, timeout: float, as_json: bool) -> None:
    """Import a CSV or xlsx of tips (URL or text, channel, reporter reference, received
    time) and check every URL in them; importing the same file again adds nothing."""
    from zhenwei.tips.check import check_tips
    from zhenwei.tips.read import TipFileError, read_tip_file

    try:
        rows = read_tip_file(file, channel=channel)
    except TipFileError as exc:
        fail("tips", f"{file}: {exc}")
        return
    for line, reason in rows.problems:
        click.echo(f"warning: {file.name} 第{line}行：{reason}", err=True)
    with open_repository("tips") as (settings, repo):
        ids = []
        for new in rows.tips:
            record, created = repo.tips.add(new)
            ids.append(record.id)
            if not created:
                click.echo(f"已导入过：举报 {record.channel} {record.reference}", err=True)
        if not no_check:
            check_tips(repo, settings, ids, timeout=timeout)
        tips = [repo.tips.get(i) for i in dict.fromkeys(ids)]
    for tip in tips:
        click.echo(json.dumps(tip.to_json(), ensure_ascii=False) if as_json else _line(tip))


@command.command("check")
@click.option("--id", "ids", type=int, multiple=True, help="Only this tip (repeatable).")
@click.option("--timeout", default=60.0, show_default=True, help="Seconds per URL.")
def check(ids: tuple[int, ...], timeout: float) -> None:
    """Check pending tips (the UI runs this in the background for each new tip)."""
    from zhenwei.tips.check import check_tips

    with open_repository("tips") as (settings, repo):
        summary = check_tips(repo, settings, list(ids) or None, timeout=timeout)
    for tip in summary.tips:
        click.echo(_line(tip))


@command.command("list")
@click.option("--status", type=click.Choice(("pending", "checked", "no_url", "failed")))
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one tip per line.")
def list_(status: str | None, as_json: bool) -> None:
    """Tips, newest received first."""
    with open_repository("tips") as (_settings, repo):
        tips = repo.tips.list(status=status)
    for tip in tips:
        click.echo(json.dumps(tip.to_json(), ensure_ascii=False) if as_json else _line(tip))
