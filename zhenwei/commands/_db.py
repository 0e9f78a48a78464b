"""Opening the repository for a command: configuration and database errors become one line
on stderr and exit status 1 (shared by campaigns, campaign, pivot, tips and report)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click
from sqlalchemy.exc import SQLAlchemyError

from core.config import ConfigError, Settings
from storage.repository import Repository


def fail(command: str, message: str, code: int = 1) -> None:
    click.echo(f"zhenwei {command}: {message}", err=True)
    sys.exit(code)


def _reason(exc: Exception) -> str:
    orig = getattr(exc, "orig", None)
    return str(orig if orig is not None else exc).strip()


@contextmanager
def open_repository(command: str) -> Iterator[tuple[Settings, Repository]]:
    """(settings, repository) of the environment's database, closed afterwards."""
    from storage.db import Database

    try:
        settings = Settings.from_env()
        db = Database.from_settings(settings)
    except ConfigError as exc:
        fail(command, f"configuration error: {exc}")
        raise AssertionError("unreachable") from exc
    except (SQLAlchemyError, OSError) as exc:
        fail(command, f"cannot open the database: {_reason(exc)}")
        raise AssertionError("unreachable") from exc
    try:
        yield settings, Repository(db)
    except SQLAlchemyError as exc:
        fail(command, f"database error: {_reason(exc)}")
    finally:
        db.close()
