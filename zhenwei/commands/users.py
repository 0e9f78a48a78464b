"""`zhenwei users`: accounts of the review UI (ARCHITECTURE §5); passwords come from stdin."""

from __future__ import annotations

import getpass
import sys

import click
from sqlalchemy.exc import SQLAlchemyError

from core.config import ConfigError, Settings
from storage.repository import ROLES, Repository, UnknownUserError, UserExistsError


def _repository(cmd: str) -> Repository:
    from storage.db import Database

    try:
        return Repository(Database.from_settings(Settings.from_env()))
    except ConfigError as exc:
        click.echo(f"zhenwei users {cmd}: configuration error: {exc}", err=True)
    except (SQLAlchemyError, OSError) as exc:
        click.echo(f"zhenwei users {cmd}: cannot open the database: {exc}", err=True)
    sys.exit(1)


def _read_password() -> str:
    """No echo on a terminal (asked twice); from a pipe, the first line as it is."""
    if sys.stdin.isatty():
        first = getpass.getpass("密码 password: ")
        if getpass.getpass("再次输入 again: ") != first:
            click.echo("zhenwei users add: the two passwords differ", err=True)
            sys.exit(2)
        return first
    return sys.stdin.readline().rstrip("\r\n")


@click.group("users")
def command() -> None:
    """Manage the accounts of the review UI."""


@command.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True, help="What the user may do.")
def add(name: str, role: str) -> None:
    """Add a user; the password is read from stdin."""
    name = name.strip()
    if not name:
        click.echo("zhenwei users add: the user name is empty", err=True)
        sys.exit(2)
    password = _read_password()
    if not password:
        click.echo("zhenwei users add: no password on stdin", err=True)
        sys.exit(2)
    repo = _repository("add")
    try:
        user = repo.users.add(name, role, password)
    except UserExistsError as exc:
        click.echo(f"zhenwei users add: {exc}", err=True)
        sys.exit(1)
    finally:
        repo.db.close()
    click.echo(f"zhenwei users add: added {user.name} ({user.role})", err=True)


@command.command("list")
def list_users() -> None:
    """Users, one per line: name, role, created (UTC)."""
    repo = _repository("list")
    try:
        users = repo.users.list()
    finally:
        repo.db.close()
    for user in users:
        created = user.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        click.echo(f"{user.name}\t{user.role}\t{created}")


@command.command("set-role")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True, help="The new role.")
def set_role(name: str, role: str) -> None:
    """Change a user's role; their open sessions end at once."""
    repo = _repository("set-role")
    try:
        user = repo.users.set_role(name, role)
        repo.auth_log.record("role_changed", name)
    except UnknownUserError as exc:
        click.echo(f"zhenwei users set-role: {exc}", err=True)
        sys.exit(1)
    finally:
        repo.db.close()
    click.echo(f"zhenwei users set-role: {user.name} is now {user.role}; sessions ended", err=True)


@command.command("delete")
@click.argument("name")
def delete(name: str) -> None:
    """Delete a user; their open sessions end at once (their review events stay)."""
    repo = _repository("delete")
    try:
        repo.users.delete(name)
        repo.auth_log.record("user_deleted", name)
    except UnknownUserError as exc:
        click.echo(f"zhenwei users delete: {exc}", err=True)
        sys.exit(1)
    finally:
        repo.db.close()
    click.echo(f"zhenwei users delete: deleted {name}; sessions ended", err=True)
