"""`zhenwei fetch URL... --out DIR`: capture pages as evidence, one directory per URL."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from core.config import ConfigError, Settings
from core.types import Candidate


def _check_url(raw: str) -> None:
    from core.urls import BadUrl, normalise_url

    try:
        normalise_url(raw)
    except BadUrl as exc:
        raise click.BadParameter(f"{raw!r}: {exc}", param_hint="URL") from None


@click.command(name="fetch")
@click.argument("urls", nargs=-1, required=True, metavar="URL...")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory for the captures (one sub-directory per URL).",
)
@click.option("--mobile", is_flag=True, help="Render as WeChat on a phone (QR result pages).")
@click.option(
    "--timeout",
    type=click.FloatRange(min=1.0),
    default=60.0,
    show_default=True,
    help="Seconds per URL, whole capture included.",
)
@click.option("--no-variants", is_flag=True, help="Skip the plain crawler / WeChat fetches.")
def command(
    urls: tuple[str, ...], out_dir: Path, mobile: bool, timeout: float, no_variants: bool
) -> None:
    """Fetch and render each URL once; write screenshots, HTML, WARC, facts and page.json."""
    for url in urls:
        _check_url(url)
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    from crawler.runner import RunOptions, page_of, run
    from pipelines import chain

    now = datetime.now(UTC)
    context = {"mobile": True} if mobile else {}
    candidates = [Candidate(url=u, source="cli", found_at=now, context=dict(context)) for u in urls]
    out_dir.mkdir(parents=True, exist_ok=True)
    options = RunOptions(
        timeout=timeout, out_root=out_dir, variants=not no_variants, pipelines=chain("capture")
    )
    result = run(candidates, settings, options=options)
    pages = [page_of(item) for item in result.for_candidates(candidates, settings)]
    missing = 0
    for page in pages:
        files = sorted(p.name for p in Path(page.capture_dir).iterdir()) if page.capture_dir else []
        if not page.capture_dir or "page.json" not in files:
            missing += 1
        status = page.status if page.status is not None else "-"
        title = page.title.replace("\n", " ").strip()
        click.echo(f"{page.url}\t{status}\t{title}\t{page.capture_dir or '-'}\t{len(files)} files")
        if page.error:
            click.echo(f"{page.url}: {page.error}", err=True)
    if missing:
        click.echo(f"{missing} URL(s) got no capture", err=True)
        sys.exit(1)
