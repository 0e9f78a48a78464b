"""`zhenwei leads`: the ranked list of leads, as a table or JSON Lines (ARCHITECTURE §5)."""

from __future__ import annotations

import json
import sys

import click
from sqlalchemy.exc import SQLAlchemyError

from core.config import ConfigError, Settings
from storage.records import LeadRecord

STATUSES = ("new", "reviewing", "confirmed", "referred", "taken_down", "dismissed", "official")
VERDICTS = ("official", "counterfeit", "suspicious", "benign")


def _reason(exc: Exception) -> str:
    """The driver's own message, without SQLAlchemy's background-link footer."""
    orig = getattr(exc, "orig", None)
    return str(orig if orig is not None else exc).strip()


def _table(leads: list[LeadRecord]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"线索 leads ({len(leads)})")
    for col, kw in (
        ("id", {"justify": "right"}),
        ("score", {"justify": "right"}),
        ("verdict", {}),
        ("status", {}),
        ("host", {"overflow": "fold"}),
        ("categories", {}),
        ("last seen (UTC)", {}),
    ):
        table.add_column(col, **kw)  # type: ignore[arg-type]
    for lead in leads:
        table.add_row(
            str(lead.id),
            str(lead.score),
            lead.verdict,
            lead.status,
            lead.host,
            ", ".join(lead.categories),
            lead.last_seen.strftime("%Y-%m-%d %H:%M"),
        )
    # Piped output keeps one lead per line, so grep and less work on it.
    Console(width=None if sys.stdout.isatty() else 200).print(table)


@click.command("leads")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one lead per host, best first.")
@click.option("--status", type=click.Choice(STATUSES), multiple=True, help="Only this status.")
@click.option("--verdict", type=click.Choice(VERDICTS), multiple=True, help="Only this verdict.")
@click.option("--min-score", type=click.IntRange(0, 100), default=None, help="Score at least N.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most N leads.")
def command(
    as_json: bool,
    status: tuple[str, ...],
    verdict: tuple[str, ...],
    min_score: int | None,
    limit: int | None,
) -> None:
    """List leads, best first (score, then most recently seen)."""
    from storage.db import Database
    from storage.repository import Repository

    try:
        settings = Settings.from_env()
        db = Database.from_settings(settings)
    except ConfigError as exc:
        click.echo(f"zhenwei leads: configuration error: {exc}", err=True)
        sys.exit(1)
    except (SQLAlchemyError, OSError) as exc:
        click.echo(f"zhenwei leads: cannot open the database: {_reason(exc)}", err=True)
        sys.exit(1)
    try:
        leads = Repository(db).leads.find(
            status=status or None, verdict=verdict or None, min_score=min_score, limit=limit
        )
    except SQLAlchemyError as exc:
        click.echo(f"zhenwei leads: database error: {_reason(exc)}", err=True)
        sys.exit(1)
    finally:
        db.close()
    if as_json:
        for lead in leads:
            click.echo(json.dumps(lead.to_json(), ensure_ascii=False))
    else:
        _table(leads)
