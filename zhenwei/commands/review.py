"""`zhenwei review LEAD_ID ACTION --user NAME [--note TEXT]`: the review UI's actions from the
command line, under the same rules: the user's role is read from the database and the
workflow table (`storage/audit.py` WORKFLOW) decides, exactly as in the UI."""

from __future__ import annotations

import sys

import click
from sqlalchemy.exc import SQLAlchemyError

from core import labels
from core.config import ConfigError, Settings


def _fail(message: str, code: int = 1) -> None:
    click.echo(f"zhenwei review: {message}", err=True)
    sys.exit(code)


@click.command("review")
@click.argument("lead_id", type=int)
@click.argument("action", type=click.Choice(sorted(labels.ACTIONS)))
@click.option(
    "--user", "user", required=True, help="An account of `zhenwei users`; its role applies."
)
@click.option("--note", default="", help="The note recorded with the action.")
def command(lead_id: int, action: str, user: str, note: str) -> None:
    """Record a review action on a lead (status change and audit event), as USER."""
    from storage.audit import RoleError, StatusError
    from storage.db import Database
    from storage.repository import NotFoundError, Repository

    chosen = labels.ACTIONS[action]
    if chosen.name == "note" and not note.strip():
        _fail("a note action needs --note", 2)
    try:
        repo = Repository(Database.from_settings(Settings.from_env()))
    except ConfigError as exc:
        _fail(f"configuration error: {exc}", 2)
        return
    except (SQLAlchemyError, OSError) as exc:
        _fail(f"cannot open the database: {exc}")
        return
    try:
        role = repo.users.role_of(user)
        if role is None:
            _fail(f"no user {user!r} (see `zhenwei users list`)")
            return
        if not labels.may(role, chosen):
            _fail(f"{user} ({role}) may not {chosen.name}")
        event = repo.reviews.add(
            lead_id,
            user=user,
            action=chosen.name,
            note=note,
            new_status=chosen.new_status,
            role=role,
        )
    except NotFoundError:
        _fail(f"no lead with id {lead_id}")
        return
    except RoleError as exc:
        _fail(f"{user} ({role}) may not do this: {exc}")
        return
    except StatusError as exc:
        _fail(str(exc))
        return
    finally:
        repo.db.close()
    click.echo(f"lead {lead_id}: {event.old_status} → {event.new_status} ({chosen.name} by {user})")
