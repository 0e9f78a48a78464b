"""`zhenwei labels list | export | import | add`: the analysts' labels of hosts and domains.

`export` writes the labelled set `zhenwei evaluate` reads (JSON Lines: `url`, `host`, `label`,
`class`, …, plus who decided, when and why), one line per lead a label covers; `import` reads
the same format (or a generated world's labels.jsonl), all lines or none.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, TextIO

import click

from storage.hostlabels import LABELS, REASONS, SCOPES, LabelRecord
from storage.pagedata import host_of
from storage.records import LeadRecord
from zhenwei.commands._db import fail, open_repository


@click.group("labels")
def command() -> None:
    """Analysts' labels: official, confirmed, dismissed hosts and domains."""


def _export_line(rec: LabelRecord, lead: LeadRecord | None) -> dict[str, Any]:
    host = lead.host if lead is not None else rec.name
    # no lead and no page named: null, as in a world's labelled set (evaluate skips it)
    url = lead.url if lead is not None else (rec.url or None)
    return {
        "url": url,
        "host": host,
        "label": rec.label,
        "class": rec.klass or rec.reason,
        "variants": [],
        "gang": "",
        "open_as": "link",
        "target": (lead.target if lead is not None else None) or "",
        "scope": rec.scope,
        "name": rec.name,
        "reason": rec.reason,
        "note": rec.note,
        "user": rec.user,
        "at": rec.at.isoformat().replace("+00:00", "Z"),
        "verdict_then": rec.verdict,
        "score_then": rec.score,
    }


@command.command("list")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, newest first.")
@click.option("--history", "history", metavar="HOST", help="Every decision about one host.")
def list_labels(as_json: bool, history: str | None) -> None:
    """Labels in force (or one host's whole history), newest first."""
    with open_repository("labels list") as (_, repo):
        rows = (
            list(reversed(repo.labels.history(host_of(history))))
            if history
            else repo.labels.current()
        )
    if as_json:
        for r in rows:
            click.echo(json.dumps(r.to_json(), ensure_ascii=False))
        return
    if not rows:
        click.echo("no labels", err=True)
        return
    for r in rows:
        where = f"{r.name} (domain)" if r.scope == "domain" else r.name
        note = f"  {r.note}" if r.note else ""
        click.echo(f"{r.at:%Y-%m-%d %H:%M}Z  {r.label:11} {where:40} {r.reason:15} {r.user}{note}")


@command.command("export")
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    default=Path("-"),
    show_default=True,
    help="Where the JSON Lines go ('-': stdout).",
)
def export(out: Path) -> None:
    """The labelled set `zhenwei evaluate` reads: one line per lead a label covers."""
    with open_repository("labels export") as (_, repo):
        lines = [_export_line(rec, lead) for rec, lead in repo.labels.labelled_leads()]
    text = "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines)
    if str(out) == "-":
        sys.stdout.write(text)
    else:
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as exc:
            fail("labels export", f"cannot write {str(out)!r}: {exc}")
        click.echo(f"zhenwei labels export: {len(lines)} labelled page(s) → {out}", err=True)


def _parse_import(fh: TextIO, source: str) -> list[dict[str, str]]:
    """Every line checked before anything is written: one bad line refuses the whole file."""
    items, errors = [], []
    for n, line in enumerate(fh, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"{source}:{n}: not JSON: {exc.msg}")
            continue
        if not isinstance(obj, dict):
            errors.append(f"{source}:{n}: not a JSON object")
            continue
        host = str(obj.get("name") if obj.get("scope") == "domain" else "") or str(
            obj.get("host") or host_of(str(obj.get("url") or ""))
        )
        label, scope = obj.get("label"), obj.get("scope") or "host"
        reason = obj.get("reason") or "imported"
        if not host_of(host):
            errors.append(f"{source}:{n}: needs a host or a url")
        elif label not in LABELS:
            errors.append(f"{source}:{n}: label must be one of {', '.join(LABELS)}")
        elif scope not in SCOPES:
            errors.append(f"{source}:{n}: scope must be host or domain")
        elif reason not in REASONS:
            errors.append(f"{source}:{n}: reason must be one of {', '.join(REASONS)}")
        else:
            item = {"host": host_of(host), "label": label, "scope": scope, "reason": reason}
            for key in ("note", "url", "user", "class"):
                if obj.get(key):
                    item[key] = str(obj[key])
            items.append(item)
    if errors:
        shown = "\n".join(errors[:20])
        more = f"\n… and {len(errors) - 20} more" if len(errors) > 20 else ""
        raise click.UsageError(f"nothing imported:\n{shown}{more}")
    return items


@command.command("import")
@click.argument("file", type=click.File("r", encoding="utf-8-sig"))
@click.option("--user", required=True, help="Who imports (used where a line names no user).")
def import_labels(file: TextIO, user: str) -> None:
    """Labels from JSON Lines (`labels export` output, or a labelled set: host/url, label)."""
    items = _parse_import(file, file.name)
    with open_repository("labels import") as (_, repo):
        n = repo.labels.add_many(items, user=user)
    click.echo(f"zhenwei labels import: {n} label(s) recorded", err=True)


@command.command("add")
@click.argument("host")
@click.option("--label", "label", type=click.Choice(LABELS), required=True)
@click.option("--reason", type=click.Choice(REASONS), required=True)
@click.option("--user", required=True, help="Who decides.")
@click.option("--note", default="", help="Why, in a sentence.")
@click.option("--domain", "domain", is_flag=True, help="Label the whole registrable domain.")
def add(host: str, label: str, reason: str, user: str, note: str, domain: bool) -> None:
    """Label one host (or its registrable domain) from the command line."""
    name = host_of(host)
    if not name:
        raise click.UsageError(f"no host in {host!r}")
    with open_repository("labels add") as (_, repo):
        rec = repo.labels.add(
            name, label, user=user, reason=reason, note=note, scope="domain" if domain else "host"
        )
    click.echo(json.dumps(rec.to_json(), ensure_ascii=False))
