"""`zhenwei report monthly --month YYYY-MM [--unit NAME --region NAME] [--out FILE]`."""

from __future__ import annotations

from pathlib import Path

import click

from zhenwei.commands._db import fail, open_repository


@click.group("report")
def command() -> None:
    """Reports of the special action."""


@command.command("monthly")
@click.option("--month", required=True, metavar="YYYY-MM", help="Beijing-time calendar month.")
@click.option("--unit", default="", help="填报单位 (printed on the report).")
@click.option("--region", default="", help="地区 (printed on the report).")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The xlsx to write (default: 月度报表-YYYY-MM.xlsx).",
)
def monthly(month: str, unit: str, region: str, out: Path | None) -> None:
    """The monthly report (月度报表) as an xlsx: counts for the month and to date, the
    case list and a sheet per case."""
    from zhenwei.reports.monthly import MonthError, build_monthly, month_bounds, write_xlsx

    try:
        month_bounds(month)
    except MonthError as exc:
        raise click.UsageError(str(exc)) from None
    out = out or Path(f"月度报表-{month}.xlsx")
    with open_repository("report") as (_settings, repo):
        report = build_monthly(repo, month, unit=unit, region=region)
    try:
        write_xlsx(report, out)
    except OSError as exc:
        fail("report", f"cannot write {out}: {exc.strerror or exc}")
    click.echo(f"已生成 {out}：案件 {len(report.cases)} 件")
