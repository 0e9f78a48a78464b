"""`zhenwei evaluate LABELLED.jsonl [--results CHECK.jsonl]`: verdicts against a labelled set.

Without --results, every labelled page is checked now through the normal `check` path (pages
labelled `open_as: qr` as a phone scanning a certificate would open them); with it, the given
`check --json` output is evaluated. Prints the confusion matrix, precision, recall, AP, FPR per
negative class, recall per positive class and variant, and a precision–recall table; with
--compare, an earlier report's figures beside them (before → now).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from zhenwei.evaluation import (
    THRESHOLDS,
    LabelledSetError,
    evaluate,
    join,
    parse_labelled,
    parse_results,
    report_json,
)


def _read_lines(path: Path) -> list[str]:
    if str(path) == "-":
        return sys.stdin.read().splitlines()
    try:
        return path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise click.UsageError(f"cannot read {str(path)!r}: {exc}") from None


def _check_now(
    labelled: Path, urls: list[tuple[str, str]], timeout: float, concurrency: int, save: Path | None
) -> list[str]:
    """`check --json` lines for (url, open_as) pairs, checked in one run."""
    from sqlalchemy.exc import SQLAlchemyError

    from core.config import ConfigError, Settings
    from zhenwei.analysis import analyzer_from_database
    from zhenwei.checking import CheckInput, check_inputs, iter_json_lines

    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        raise click.UsageError(f"configuration error: {exc}") from None
    try:
        # the detectors alone: analysts' labels would grade an exported labelled set by itself
        analyzer = analyzer_from_database(settings, labels=False)
    except (SQLAlchemyError, OSError) as exc:
        click.echo(
            f"zhenwei evaluate: cannot load the references from the database: {exc}", err=True
        )
        sys.exit(1)
    inputs = [
        CheckInput(raw=url, source="qr" if how == "qr" else "input", origin=str(labelled))
        for url, how in urls
    ]
    click.echo(f"zhenwei evaluate: checking {len(inputs)} page(s)…", err=True)
    run = check_inputs(
        inputs, settings, analyzer=analyzer, timeout=timeout, concurrency=concurrency
    )
    click.echo(
        f"zhenwei evaluate: {len(run.results)} page(s) in {run.seconds:.1f} s "
        f"({run.urls_per_minute:.1f}/min)",
        err=True,
    )
    lines = list(iter_json_lines(run.results))
    if save is not None:
        save.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return lines


def _read_report(path: Path) -> dict[str, Any]:
    """An earlier `evaluate --json` report, or a usage error saying why not."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise click.UsageError(
            f"--compare {str(path)!r}: not a readable JSON report: {exc}"
        ) from None
    if not isinstance(data, dict) or "fpr_by_class" not in data:
        raise click.UsageError(f"--compare {str(path)!r}: not a `zhenwei evaluate --json` report")
    return data


@click.command(name="evaluate")
@click.argument("labelled", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option(
    "--results",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    default=None,
    help="`zhenwei check --json` output to evaluate ('-': stdin) instead of checking now.",
)
@click.option(
    "--save-results",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Keep the check results of this run (JSON Lines) for later --results.",
)
@click.option("--json", "as_json", is_flag=True, help="The report as one JSON object.")
@click.option(
    "--compare",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="An earlier `evaluate --json` report: print before → now per class and variant.",
)
@click.option("--class", "classes", multiple=True, help="Only pages of this class (repeatable).")
@click.option(
    "--timeout",
    type=click.FloatRange(min=1.0),
    default=60.0,
    show_default=True,
    help="Seconds per page when checking now.",
)
@click.option("--concurrency", type=click.IntRange(min=1, max=32), default=4, show_default=True)
@click.option(
    "--worst",
    type=click.IntRange(min=0),
    default=15,
    show_default=True,
    help="False positives and misses listed in the text report.",
)
def command(
    labelled: Path,
    results: Path | None,
    save_results: Path | None,
    as_json: bool,
    compare: Path | None,
    classes: tuple[str, ...],
    timeout: float,
    concurrency: int,
    worst: int,
) -> None:
    """Evaluate verdicts against a labelled set (JSON Lines: url, label, class, variants …)."""
    from zhenwei.evaluation_report import format_comparison, format_report

    baseline = _read_report(compare) if compare is not None else None

    try:
        items = parse_labelled(_read_lines(labelled), str(labelled))
    except LabelledSetError as exc:
        raise click.UsageError(str(exc)) from None
    if classes:
        items = [i for i in items if i.klass in classes]
    if not items:
        raise click.UsageError("no labelled page with a URL to evaluate")
    if results is not None:
        lines = _read_lines(results)
    else:
        urls = list(dict.fromkeys((i.url, i.open_as) for i in items))
        lines = _check_now(labelled, urls, timeout, concurrency, save_results)
    try:
        judged, missing = join(items, parse_results(lines, str(results or "check")))
    except LabelledSetError as exc:
        raise click.UsageError(str(exc)) from None
    report = evaluate(judged, missing, THRESHOLDS)
    if as_json:
        click.echo(json.dumps(report_json(report), ensure_ascii=False))
    else:
        click.echo(format_report(report, worst=worst))
        if baseline is not None:
            click.echo(format_comparison(baseline, report_json(report)))
    if missing:
        click.echo(f"zhenwei evaluate: {len(missing)} labelled page(s) without a result", err=True)
