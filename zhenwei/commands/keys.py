"""`zhenwei keys`: the unit's evidence-signing key pair and the audit trail's HMAC key."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from sqlalchemy.exc import SQLAlchemyError

from core.config import ConfigError, Settings
from storage import keyfile

SIGNING_KEY = "signing.key.pem"
PUBLIC_KEY = "signing.pub.pem"


def _settings(cmd: str) -> Settings:
    try:
        return Settings.from_env()
    except ConfigError as exc:
        click.echo(f"zhenwei keys {cmd}: configuration error: {exc}", err=True)
        sys.exit(2)


@click.group("keys")
def command() -> None:
    """Manage the signing key pair and the audit key."""


@command.command("init")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to write the pair (default: the data directory's keys/).",
)
def init(directory: Path | None) -> None:
    """Make the unit's Ed25519 key pair: the private key (mode 0600) signs exports via
    ZHENWEI_SIGNING_KEY; hand the public key to whoever checks packages (ZHENWEI_TRUSTED_KEYS)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from zhenwei.evidence.verify import key_fingerprint

    directory = directory or _settings("init").data_dir / "keys"
    private_path, public_path = directory / SIGNING_KEY, directory / PUBLIC_KEY
    if private_path.exists() or public_path.exists():
        click.echo(f"zhenwei keys init: {private_path} exists already; not overwritten", err=True)
        sys.exit(1)
    directory.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(private_pem)
    public_path.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    click.echo(f"private key: {private_path}  (export ZHENWEI_SIGNING_KEY={private_path})")
    click.echo(f"public key:  {public_path}")
    click.echo(f"fingerprint: {key_fingerprint(key.public_key())}")


@command.command("audit")
def audit() -> None:
    """Make the audit key if there is none, seal events written before it, check every trail."""
    from storage.db import Database
    from storage.repository import Repository

    settings = _settings("audit")
    try:
        repo = Repository(Database.from_settings(settings))
    except (SQLAlchemyError, OSError) as exc:
        click.echo(f"zhenwei keys audit: cannot open the database: {exc}", err=True)
        sys.exit(1)
    try:
        sealed = repo.reviews.seal()
        reviews, auth = repo.reviews.verify_chain(), repo.auth_log.verify()
    except (ValueError, keyfile.KeyFileError) as exc:
        click.echo(f"zhenwei keys audit: {exc}", err=True)
        sys.exit(1)
    finally:
        repo.db.close()
    click.echo(f"audit key: {settings.audit_key_path} (keep a copy apart from the database)")
    if sealed:
        click.echo(f"sealed {sealed} earlier review events with the audit key")
    for name, result in (("review", reviews), ("auth", auth)):
        state = "intact" if result.ok else f"BROKEN: {result.reason}"
        click.echo(f"{name} trail: {result.checked} events, {state}")
    if not (reviews.ok and auth.ok):
        sys.exit(1)
