"""`zhenwei crawl`: the nightly job (discover, score, store, digest)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from core.labels import SOURCES
from zhenwei.crawljob import ALL_SOURCES


def _parse_sources(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    names = tuple(dict.fromkeys(n.strip() for n in value.split(",") if n.strip()))
    unknown = [n for n in names if n not in ALL_SOURCES]
    if unknown:
        raise click.UsageError(
            f"unknown source(s): {', '.join(unknown)} (known: {', '.join(ALL_SOURCES)})"
        )
    return names


def parse_source_options(items: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """`ct.delay=0.5` → {"ct": {"delay": 0.5}}; numbers become numbers, a,b becomes a list."""
    out: dict[str, dict[str, Any]] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        source, dot, name = key.partition(".")
        if not sep or not dot or source not in ALL_SOURCES or not name:
            raise click.UsageError(
                f"--option {item!r}: expected SOURCE.KEY=VALUE with a known source"
            )
        value: Any = raw
        try:
            value = float(raw) if "." in raw else int(raw)
        except ValueError:
            if "," in raw:
                value = [v for v in raw.split(",") if v]
        out.setdefault(source, {})[name] = value
    return out


def discovery_options(
    sources: tuple[str, ...],
    opts: dict[str, dict[str, Any]],
    dns_budget: int | None,
    feeds: tuple[str, ...],
) -> tuple[tuple[str, ...], dict[str, dict[str, Any]]]:
    """--dns-budget and --feed as source options (the feed source runs only with a feed)."""
    if dns_budget is not None:
        if dns_budget < 1:
            raise click.UsageError("--dns-budget must be a positive number of queries")
        opts.setdefault("permutations", {})["dns_budget"] = dns_budget
    if feeds:
        for f in feeds:
            if f != "-" and not Path(f).is_file():
                raise click.UsageError(f"feed file not found: {f}")
        opts.setdefault("feed", {})["paths"] = list(feeds)
        sources = (*(sources or ALL_SOURCES), "feed")
    return sources, opts


@click.command("crawl")
@click.option(
    "--sources",
    "sources_opt",
    metavar="LIST",
    help=f"Comma-separated sources (default: all of {','.join(ALL_SOURCES)}).",
)
@click.option(
    "--seeds",
    "seeds",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Seed/tip file (text, CSV, 12345 tips CSV, or a QR image); repeatable.",
)
@click.option("--timeout", default=60.0, show_default=True, help="Seconds per URL.")
@click.option("--concurrency", default=4, show_default=True, help="Browser pages at once.")
@click.option(
    "--triage-threshold",
    default=15,
    show_default=True,
    help="Cheap-stage score from which a candidate is rendered.",
)
@click.option("--max-candidates", default=5000, show_default=True)
@click.option(
    "--lookalike-limit",
    type=int,
    default=None,
    help="Look-alike names generated per target, best first (default: all).",
)
@click.option(
    "--dns-rate",
    type=float,
    default=200.0,
    show_default=True,
    help="DNS queries per second of the look-alike source.",
)
@click.option(
    "--dns-budget",
    type=int,
    default=None,
    help="DNS queries the look-alike source spends per target, likeliest names first "
    "(default 20000).",
)
@click.option(
    "--feed",
    "feeds",
    multiple=True,
    metavar="FILE",
    help="Newly-registered-domain or zone-file feed (.gz ok, '-' for stdin): names "
    "scored in bulk, only those above the threshold resolved; repeatable.",
)
@click.option(
    "--option",
    "source_opts",
    multiple=True,
    metavar="SOURCE.KEY=VALUE",
    help="A source tunable, e.g. ct.delay=0.5 or search.engines=baidu,bing; repeatable.",
)
@click.option("--nightly", is_flag=True, help="Scheduled run: also send the digest.")
@click.option(
    "--coordinator",
    is_flag=True,
    help="Distributed run: discover once, queue the candidates in Redis "
    "(ZHENWEI_REDIS_URL) and wait until the workers have done them all.",
)
@click.option(
    "--distributed",
    is_flag=True,
    help="Distributed run: a worker pulling the candidates its coordinator queued.",
)
@click.option(
    "--run-key",
    metavar="KEY",
    help="Distributed: the key shared by the coordinator and workers of one run "
    "(default: today's UTC date, YYYY-MM-DD).",
)
@click.option(
    "--visibility",
    type=float,
    default=300.0,
    show_default=True,
    help="Distributed: seconds before a silent worker's candidate goes to another.",
)
@click.option(
    "--wait",
    "wait",
    type=float,
    default=3600.0,
    show_default=True,
    help="Distributed worker: seconds to wait for the coordinator to publish the run.",
)
@click.option("--no-progress", is_flag=True, help="No progress bar (logs only).")
def command(
    sources_opt: str | None,
    seeds: tuple[Path, ...],
    timeout: float,
    concurrency: int,
    triage_threshold: int,
    max_candidates: int,
    lookalike_limit: int | None,
    dns_rate: float,
    dns_budget: int | None,
    feeds: tuple[str, ...],
    source_opts: tuple[str, ...],
    nightly: bool,
    coordinator: bool,
    distributed: bool,
    run_key: str | None,
    visibility: float,
    wait: float,
    no_progress: bool,
) -> None:
    """Discover candidates, score them and update the lead queue."""
    from core.config import ConfigError, Settings
    from zhenwei.crawljob import CrawlOptions
    from zhenwei.lock import ALREADY_RUNNING, AlreadyRunning, RunLock

    sources = _parse_sources(sources_opt)
    if coordinator and distributed:
        raise click.UsageError("--coordinator and --distributed are two roles: pick one")
    if run_key is not None and not (distributed or coordinator):
        raise click.UsageError("--run-key only applies with --distributed or --coordinator")
    if visibility <= 0 or wait < 0:
        raise click.UsageError("--visibility must be > 0 and --wait ≥ 0")
    for path in seeds:
        if not path.is_file():
            raise click.UsageError(f"seed file not found: {path}")
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None

    source_options = parse_source_options(source_opts)
    sources, source_options = discovery_options(sources, source_options, dns_budget, feeds)
    options = CrawlOptions(
        sources=sources,
        seeds=tuple(seeds),
        timeout=timeout,
        concurrency=concurrency,
        triage_threshold=triage_threshold,
        max_candidates=max_candidates,
        lookalike_limit=lookalike_limit,
        dns_rate=dns_rate,
        source_options=source_options,
        distributed=distributed,
        coordinator=coordinator,
        run_key=run_key,
        visibility=visibility,
        wait=wait,
        redis_url=settings.redis_url,
    )
    try:
        lock = RunLock(settings.data_dir).acquire()
    except AlreadyRunning as exc:
        click.echo(f"zhenwei crawl: {exc}", err=True)
        sys.exit(ALREADY_RUNNING)
    from storage.evidencestore import StoreUnavailable
    from zhenwei.crawljob import CrawlError

    try:
        summary = _run(settings, options, progress=not no_progress)
        if nightly:
            _digest(settings, summary)
    except (CrawlError, StoreUnavailable) as exc:
        # StoreUnavailable here: the store was down before the first page (the references'
        # images could not be read); the unfinished run resumes next time. Once pages are
        # fetched, a page the store refuses is a storage error of the run, not the end of it.
        click.echo(f"zhenwei crawl: {exc}", err=True)
        sys.exit(1)
    finally:
        lock.release()
    _print_summary(summary)


def _run(settings: Any, options: Any, *, progress: bool) -> Any:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from crawler.sources.progress import start_run
    from zhenwei.crawljob import CrawlJob
    from zhenwei.ticker import Ticker, log_summary

    board = start_run()
    console = Console(stderr=True)
    if not progress or not console.is_terminal:
        try:
            return CrawlJob(
                settings, options, progress=lambda _: board.add("pages", "fetched")
            ).run()
        finally:
            log_summary(board)
    with (
        Ticker(board, lambda line: console.print(line, markup=False, highlight=False)),
        Progress(
            TextColumn("[bold]巡查[/]"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[last]}"),
            console=console,
            transient=True,
        ) as bar,
    ):
        task = bar.add_task("crawl", total=None, last="")

        def on_page(item: Any) -> None:
            board.add("pages", "fetched")
            bar.update(task, advance=1, last=f"{item.score:>3} {item.page.host}")

        return CrawlJob(settings, options, progress=on_page).run()


def _digest(settings: Any, summary: Any) -> None:
    from storage.db import Database
    from storage.repository import Repository
    from zhenwei.notify.build import build_digest
    from zhenwei.notify.send import deliver

    cfg = settings.notify
    if not (cfg.webhook_url or (cfg.smtp_host and cfg.mail_to)):
        return
    repo = Repository(Database.from_settings(settings))
    digest = build_digest(
        repo,
        run_id=summary.run_id,
        started_at=summary.started_at,
        finished_at=summary.finished_at or summary.started_at,
        new_leads=summary.new_leads,
        changed=summary.changed,
        stats=summary.per_source,
        min_score=cfg.min_score,
    )
    for d in deliver(digest, cfg, settings):
        if not d.ok:
            click.echo(f"zhenwei crawl: 日报发送失败（{d.channel}）：{d.detail}", err=True)


def _print_summary(summary: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(stderr=True)
    title = f"巡查运行 #{summary.run_id}" + ("（续跑）" if summary.resumed else "")
    table = Table("来源", "候选", "已抓取", "线索", "失败", title=title)
    totals = [0, 0, 0, 0]
    for name in sorted(summary.per_source):
        row = summary.per_source[name]
        vals = [
            row.get("candidates", 0),
            row.get("fetched", 0),
            row.get("leads", 0),
            row.get("failures", 0),
        ]
        totals = [a + b for a, b in zip(totals, vals, strict=True)]
        table.add_row(f"{SOURCES.get(name, name)} ({name})", *map(str, vals))
    table.add_row("合计", *map(str, totals), style="bold")
    console.print(table)
    for f in summary.failures:
        console.print(f"[red]来源失败[/] {f.source}: {f.reason} {f.detail}")
    console.print(
        f"候选 {summary.candidates}（续跑跳过 {summary.skipped}），"
        f"新线索 {len(summary.new_leads)}，分数变化 {len(summary.changed)}"
    )
