"""`zhenwei serve`: the analysts' review web UI (ARCHITECTURE §5)."""

from __future__ import annotations

import ipaddress
import logging
import sys
from pathlib import Path

import click
from sqlalchemy.exc import SQLAlchemyError

from core.config import ConfigError, Settings
from storage import keyfile

SESSION_KEY_FILE = "session.key"


def _configure_logging(log_file: Path | None) -> None:
    """Auth events (logger `zhenwei.auth`, INFO) always reach a log: stderr through the
    handler `zhenwei` sets up, and ZHENWEI_LOG_FILE too when given (with warnings)."""
    logging.getLogger("zhenwei.auth").setLevel(logging.INFO)
    if log_file is not None:
        handler = logging.FileHandler(log_file, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logging.getLogger().addHandler(handler)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
def command(host: str, port: int) -> None:
    """Run the review UI (log in with an account made by `zhenwei users add`)."""
    import uvicorn

    from zhenwei.web import create_app

    try:
        settings = Settings.from_env()
        _configure_logging(settings.log_file)
        # The cookie-signing key keeps sessions valid across restarts and between workers;
        # without one given, one is made once and kept in the data directory (mode 0600).
        secret = settings.secret_key
        if secret is None:
            secret = keyfile.read_or_create(settings.data_dir / SESSION_KEY_FILE).hex()
        app = create_app(settings, secret_key=secret)
    except (ConfigError, keyfile.KeyFileError) as exc:
        click.echo(f"zhenwei serve: configuration error: {exc}", err=True)
        sys.exit(1)
    except (SQLAlchemyError, OSError) as exc:
        click.echo(f"zhenwei serve: cannot open the database: {exc}", err=True)
        sys.exit(1)
    if not _is_loopback(host):
        click.echo(
            "zhenwei serve: warning: listening beyond loopback without TLS; put a TLS proxy in front",
            err=True,
        )
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"zhenwei serve: http://{shown}:{port}/", err=True)
    uvicorn.run(
        app, host=host, port=port, log_level="warning", proxy_headers=False, server_header=False
    )
