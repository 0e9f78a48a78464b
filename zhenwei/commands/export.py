"""`zhenwei export LEAD_ID --out FILE.zip`: the evidence package for police referral (§7);
`zhenwei export --campaign ID --out DIR` and `--month YYYY-MM --out DIR`: one package per lead
of a campaign, or of every lead confirmed in a month, with an index of their hashes.

Every export is recorded in the lead's audit trail, and the next package lists it (custody).
"""

from __future__ import annotations

import getpass
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
@click.argument("lead_id", type=int, required=False)
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    required=True,
    help="The zip to write (a directory with --campaign or --month).",
)
@click.option("--campaign", "campaign_id", type=int, help="Every lead of this campaign.")
@click.option("--month", metavar="YYYY-MM", help="Every lead confirmed in this month.")
@click.option("--user", default=None, help="Who exports (audit trail; default: the OS user).")
@click.option("--no-pdf", is_flag=True, help="Leave out report.pdf (no Chromium needed).")
@click.option(
    "--force",
    is_flag=True,
    help="Export even over a broken audit trail; the package then says so and fails `verify`.",
)
def command(
    lead_id: int | None,
    out: Path,
    campaign_id: int | None,
    month: str | None,
    user: str | None,
    no_pdf: bool,
    force: bool,
) -> None:
    """Write the evidence package of one lead (or a batch): files, WARC, report, STIX, MISP,
    abuse contacts, campaign, signed manifest.

    Signs manifest.json when ZHENWEI_SIGNING_KEY names an Ed25519 private key (PEM).
    """
    from storage.db import Database
    from storage.evidencestore import StoreUnavailable
    from storage.repository import NotFoundError, Repository
    from zhenwei.evidence.batch import confirmed_in_month, export_batch, export_lead
    from zhenwei.evidence.package import ExportError, load_signing_key
    from zhenwei.reports.monthly import MonthError

    if sum(x is not None for x in (lead_id, campaign_id, month)) != 1:
        raise click.UsageError("give exactly one of LEAD_ID, --campaign ID or --month YYYY-MM")
    who = user or f"cli:{getpass.getuser()}"
    chromium = None if no_pdf else CHROMIUM
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
    repo = Repository(db)
    try:
        if lead_id is not None:
            try:
                done = [
                    export_lead(
                        repo,
                        lead_id,
                        out,
                        user=who,
                        signing_key=signing_key,
                        chromium=chromium,
                        force=force,
                    )
                ]
            except NotFoundError:
                _fail(f"no lead with id {lead_id} (see `zhenwei leads`)")
                return
        else:
            if campaign_id is not None:
                try:
                    ids = list(repo.campaigns.get(campaign_id).lead_ids)
                except NotFoundError:
                    _fail(f"no campaign with id {campaign_id} (see `zhenwei campaigns`)")
                    return
                label = f"团伙 #{campaign_id}"
            else:
                assert month is not None
                try:
                    ids = confirmed_in_month(repo, month)
                except MonthError as exc:
                    raise click.UsageError(str(exc)) from None
                label = f"{month} 确认线索"
            if not ids:
                _fail(f"{label}：没有可导出的线索")
            done = export_batch(
                repo,
                ids,
                out,
                user=who,
                label=label,
                signing_key=signing_key,
                chromium=chromium,
                force=force,
            )
    except ExportError as exc:
        _fail(str(exc))
        return
    except StoreUnavailable as exc:  # an OSError, but not one of writing `out`
        _fail(str(exc))
        return
    except OSError as exc:
        _fail(f"cannot write {out}: {exc}")
        return
    finally:
        db.close()
    for e in done:
        for problem in e.result.problems:
            click.echo(f"warning: lead {e.lead_id}: {problem}", err=True)
        if e.audit_problem:
            click.echo(
                f"warning: lead {e.lead_id}: review audit trail broken ({e.audit_problem}); "
                "exported by --force, marked so in the package (verify will fail it)",
                err=True,
            )
        signed = "，已签名" if e.result.signed else ""
        click.echo(f"已导出 {e.result.path}：{e.result.files} 个文件{signed}")
