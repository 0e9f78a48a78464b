"""`zhenwei db upgrade|current`: apply or show the database migrations."""

from __future__ import annotations

import sys

import click
from sqlalchemy.exc import SQLAlchemyError

from core.config import ConfigError, Settings


@click.group("db")
def command() -> None:
    """Database schema: migrate (upgrade) or show the revision (current)."""


def _url() -> str:
    try:
        return Settings.from_env().database_url
    except ConfigError as exc:
        click.echo(f"zhenwei db: configuration error: {exc}", err=True)
        sys.exit(1)


@command.command("upgrade")
def upgrade_cmd() -> None:
    """Bring the database to the newest schema (safe to run any time)."""
    from storage.db import current_revision, make_engine, upgrade

    engine = make_engine(_url())
    try:
        upgrade(engine)
        click.echo(f"database at revision {current_revision(engine)}")
    except SQLAlchemyError as exc:
        click.echo(f"zhenwei db upgrade: database error: {exc}", err=True)
        sys.exit(1)
    finally:
        engine.dispose()


@command.command("current")
def current_cmd() -> None:
    """Print the database's schema revision and the newest one this version knows."""
    from storage.db import current_revision, head_revision, make_engine

    engine = make_engine(_url())
    try:
        current = current_revision(engine)
    except SQLAlchemyError as exc:
        click.echo(f"zhenwei db current: database error: {exc}", err=True)
        sys.exit(1)
    finally:
        engine.dispose()
    head = head_revision()
    click.echo(f"current: {current or '(empty database)'}")
    click.echo(f"head: {head}")
    if current != head:
        click.echo("run `zhenwei db upgrade` to migrate", err=True)
