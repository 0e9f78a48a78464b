"""`zhenwei serve`: the analysts' review web UI (ARCHITECTURE §5)."""

from __future__ import annotations

import ipaddress
import sys

import click
from sqlalchemy.exc import SQLAlchemyError

from core.config import ConfigError, Settings


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
        # The signing key keeps sessions valid across restarts and between workers.
        secret = settings.secret_key
        app = create_app(settings, secret_key=secret)
    except ConfigError as exc:
        click.echo(f"zhenwei serve: configuration error: {exc}", err=True)
        sys.exit(1)
    except (SQLAlchemyError, OSError) as exc:
        click.echo(f"zhenwei serve: cannot open the database: {exc}", err=True)
        sys.exit(1)
    if secret is None:
        click.echo(
            "zhenwei serve: ZHENWEI_SECRET_KEY is not set: sessions end when the server stops",
            err=True,
        )
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
