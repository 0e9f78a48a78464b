"""`zhenwei export LEAD_ID --out FILE.zip`: the evidence package for police referral (§7)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from sqlalchemy.exc import SQLAlchemyError

from core.config import ConfigError, Settings

SIGNING_KEY_ENV = "ZHENWEI_SIGNING_KEY"
CHROMIUM = "/usr/bin/chromium"


def _fail(message: str) -> None:
    click.echo(f"zhenwei export: {message}", err=True)
    sys.exit(1)


@click.command("export")
@click.argument("lead_id", type=int)
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The zip to write.",
)
@click.option("--no-pdf", is_flag=True, help="Leave out report.pdf (no Chromium needed).")
def command(lead_id: int, out: Path, no_pdf: bool) -> None:
    """Write the evidence package of one lead: files, WARC, report, STIX, signed manifest.

    Signs manifest.json when ZHENWEI_SIGNING_KEY names an Ed25519 private key (PEM).
    """
    from storage.db import Database
    from storage.repository import NotFoundError, Repository
    from zhenwei.evidence.package import ExportError, build_package, load_signing_key

    signing_key = None
    try:
        settings = Settings.from_env()
        key_path = settings.signing_key_file
        if key_path:
            try:
                signing_key = load_signing_key(key_path.read_bytes())
            except OSError as exc:
                _fail(f"cannot read {SIGNING_KEY_ENV}={key_path}: {exc.strerror or exc}")
        db = Database.from_settings(settings)
    except ConfigError as exc:
        _fail(f"configuration error: {exc}")
        return
    except ExportError as exc:
        _fail(str(exc))
        return
    except (SQLAlchemyError, OSError) as exc:
        _fail(f"cannot open the database: {exc}")
        return
    try:
        repo = Repository(db)
        try:
            detail = repo.leads.get(lead_id)
        except NotFoundError:
            _fail(f"no lead with id {lead_id} (see `zhenwei leads`)")
            return
        audit = repo.reviews.verify_chain(lead_id)
        result = build_package(
            detail,
            db.artifacts.open,
            out,
            audit=audit,
            signing_key=signing_key,
            chromium=None if no_pdf else CHROMIUM,
        )
    except ExportError as exc:
        _fail(str(exc))
        return
    except OSError as exc:
        _fail(f"cannot write {out}: {exc}")
        return
    finally:
        db.close()
    for problem in result.problems:
        click.echo(f"warning: {problem}", err=True)
    if not audit.ok:
        click.echo(f"warning: review audit chain broken: {audit.reason}", err=True)
    signed = "，已签名" if result.signed else ""
    click.echo(f"已导出 {result.path}：{result.files} 个文件{signed}")
