"""`zhenwei score-domains FILE`: rank millions of host names (new registrations, CT dumps).

Only the domain scorer runs (no network); names are streamed in batches to worker
processes, each keeping the best of its batch, and the overall top N is written out.
"""

from __future__ import annotations

import gzip
import heapq
import io
import json
import logging
import multiprocessing
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

import click

from core.names import DomainIndex, DomainScore

logger = logging.getLogger(__name__)

BATCH = 20_000
DEFAULT_TOP = 1000
DEFAULT_MIN_SCORE = 0.3
_FIRST_FIELD = re.compile(r"[\s,;|]+")

_worker_index: DomainIndex | None = None


@dataclass(frozen=True)
class ScoreRun:
    """One bulk run: the best names (best first), lines read, and names at or above the
    minimum score (counted once per batch)."""

    top: tuple[DomainScore, ...]
    lines: int
    candidates: int


def host_of(line: str) -> str:
    """The host name on one input line: the first field, as in CT dumps and NRD lists."""
    line = line.strip()
    if not line or line[0] == "#":
        return ""
    return _FIRST_FIELD.split(line, maxsplit=1)[0]


def open_input(path: str) -> IO[str]:
    """FILE or '-' (stdin), gzip-compressed or not (detected by its magic bytes)."""
    raw: IO[bytes] = sys.stdin.buffer if path == "-" else open(path, "rb")  # noqa: SIM115
    # peek() needs a BufferedReader; stdin under a test runner may be a plain BytesIO
    buffered = (
        raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(cast(io.RawIOBase, raw))
    )
    if buffered.peek(2)[:2] == b"\x1f\x8b":
        return io.TextIOWrapper(gzip.GzipFile(fileobj=buffered), encoding="utf-8", errors="replace")
    return io.TextIOWrapper(buffered, encoding="utf-8", errors="replace")


def _batches(lines: Iterable[str], size: int = BATCH) -> Iterator[list[str]]:
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def score_batch(
    index: DomainIndex, lines: list[str], top: int, min_score: float
) -> tuple[list[DomainScore], int]:
    """The `top` best non-official scores of one batch, and how many reached `min_score`."""
    found: dict[str, DomainScore] = {}
    score = index.score
    for line in lines:
        host = host_of(line)
        if not host:
            continue
        result = score(host)
        if result is not None and not result.official and result.score >= min_score:
            found[result.host] = result  # CT dumps repeat names: keep each once
    return heapq.nlargest(top, found.values(), key=_rank), len(found)


def _rank(r: DomainScore) -> tuple[float, str]:
    return (r.score, r.host)


def _init_worker(profiles_dir: str | None) -> None:
    global _worker_index
    _worker_index = _build_index(Path(profiles_dir) if profiles_dir else None)


def _worker(args: tuple[list[str], int, float]) -> tuple[list[DomainScore], int, int]:
    assert _worker_index is not None, "worker initialiser did not run"
    lines, top, min_score = args
    best, count = score_batch(_worker_index, lines, top, min_score)
    return best, count, len(lines)


def _build_index(profiles_dir: Path | None) -> DomainIndex:
    if profiles_dir is None:
        return DomainIndex.default()
    from core.profiles import load_allowlist, load_profiles

    return DomainIndex(load_profiles(profiles_dir), load_allowlist())


def score_lines(
    lines: Iterable[str],
    *,
    top: int = DEFAULT_TOP,
    min_score: float = DEFAULT_MIN_SCORE,
    processes: int = 2,
    profiles_dir: Path | None = None,
) -> ScoreRun:
    """Score every line's host; keep the `top` best distinct hosts (best first)."""
    best: dict[str, DomainScore] = {}
    heap: list[tuple[float, str]] = []
    total = candidates = 0

    def keep(results: list[DomainScore]) -> None:
        for r in results:
            if r.host in best:
                continue
            if len(heap) < top:
                heapq.heappush(heap, _rank(r))
                best[r.host] = r
            elif _rank(r) > heap[0]:
                _, dropped = heapq.heapreplace(heap, _rank(r))
                best.pop(dropped, None)
                best[r.host] = r

    if processes <= 1:
        index = _build_index(profiles_dir)
        for batch in _batches(lines):
            results, count = score_batch(index, batch, top, min_score)
            total += len(batch)
            candidates += count
            keep(results)
    else:
        ctx = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
        with ctx.Pool(
            processes,
            initializer=_init_worker,
            initargs=(str(profiles_dir) if profiles_dir else None,),
        ) as pool:
            jobs = ((batch, top, min_score) for batch in _batches(lines))
            for results, count, n in pool.imap_unordered(_worker, jobs, chunksize=1):
                total += n
                candidates += count
                keep(results)
    ranked = sorted(best.values(), key=lambda r: (-r.score, r.host))
    return ScoreRun(tuple(ranked), total, candidates)


def format_tsv(r: DomainScore) -> str:
    reasons = "；".join(r.reasons).replace("\t", " ")
    return f"{r.host}\t{r.score:.3f}\t{r.target or '-'}\t{','.join(r.techniques)}\t{reasons}"


def format_json(r: DomainScore) -> str:
    return json.dumps(
        {
            "domain": r.host,
            "registered_domain": r.registered_domain,
            "score": r.score,
            "target": r.target,
            "techniques": list(r.techniques),
            "reasons": list(r.reasons),
        },
        ensure_ascii=False,
    )


@click.command("score-domains")
@click.argument("file", type=str)
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=DEFAULT_TOP,
    show_default=True,
    help="How many of the best names to print.",
)
@click.option(
    "--min-score",
    type=click.FloatRange(0.0, 1.0),
    default=DEFAULT_MIN_SCORE,
    show_default=True,
    help="Drop names scoring below this (0..1).",
)
@click.option("--json", "as_json", is_flag=True, help="JSON Lines instead of TSV.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="Write here instead of stdout.",
)
@click.option(
    "-j",
    "--processes",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Worker processes.",
)
@click.option(
    "--profiles-dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="Target profiles to use instead of the shipped ones.",
)
def command(
    file: str,
    top: int,
    min_score: float,
    as_json: bool,
    out: Path | None,
    processes: int,
    profiles_dir: Path | None,
) -> None:
    """Score host names in FILE ('-' for stdin; .gz accepted) with the domain detector alone.

    Output, best first: TSV (domain, score 0..1, target, techniques, reasons) or JSON Lines.
    """
    try:
        stream = open_input(file)
    except OSError as exc:
        raise click.UsageError(f"cannot read {file}: {exc.strerror or exc}") from exc
    with stream:
        run = score_lines(
            stream, top=top, min_score=min_score, processes=processes, profiles_dir=profiles_dir
        )
    fmt = format_json if as_json else format_tsv
    text = "".join(fmt(r) + "\n" for r in run.top)
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
    logger.info("scored %d lines, %d candidates, wrote %d", run.lines, run.candidates, len(run.top))
