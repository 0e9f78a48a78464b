"""`zhenwei score-domains FILE`: rank millions of host names (new registrations, CT dumps).

Only the domain scorer runs (no network). The feed is read in chunks of whole lines
(`core.names.bulk`), a bounded number of chunks in flight, so memory stays flat for any
length of input; each worker process scores whole chunks and keeps the best of each, and the
overall top N is written out.
"""

from __future__ import annotations

import gzip
import heapq
import io
import json
import logging
import multiprocessing
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.pool import AsyncResult
from pathlib import Path
from typing import IO, cast

import click

from core.names import DomainIndex, DomainScore
from core.names.bulk import ChunkResult, chunks_of_lines, rank, read_chunks, score_chunk
from core.names.bulk import host_of as host_of

logger = logging.getLogger(__name__)

DEFAULT_TOP = 1000
DEFAULT_MIN_SCORE = 0.3
#: Chunks queued per worker: enough to keep every worker busy, few enough to bound memory.
IN_FLIGHT_PER_WORKER = 2

_worker_index: DomainIndex | None = None


@dataclass(frozen=True)
class ScoreRun:
    """One bulk run: the best names (best first), lines read, and lines holding a name at
    or above the minimum score."""

    top: tuple[DomainScore, ...]
    lines: int
    candidates: int


def open_input(path: str) -> IO[bytes]:
    """FILE or '-' (stdin) as bytes, gzip-compressed or not (detected by its magic bytes)."""
    raw: IO[bytes] = sys.stdin.buffer if path == "-" else open(path, "rb")  # noqa: SIM115
    # peek() needs a BufferedReader; stdin under a test runner may be a plain BytesIO
    buffered = (
        raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(cast(io.RawIOBase, raw))
    )
    if buffered.peek(2)[:2] == b"\x1f\x8b":
        return cast(IO[bytes], gzip.GzipFile(fileobj=buffered))
    return buffered


def _build_index(profiles_dir: Path | None) -> DomainIndex:
    if profiles_dir is None:
        return DomainIndex.default()
    from core.profiles import load_allowlist, load_profiles

    return DomainIndex(load_profiles(profiles_dir), load_allowlist())


def _init_worker(profiles_dir: str | None) -> None:
    global _worker_index
    _worker_index = _build_index(Path(profiles_dir) if profiles_dir else None)


def _worker(chunk: bytes, top: int, min_score: float) -> ChunkResult:
    assert _worker_index is not None, "worker initialiser did not run"
    return score_chunk(_worker_index, chunk, top, min_score)


def _results(
    chunks: Iterable[bytes], top: int, min_score: float, processes: int, profiles_dir: Path | None
) -> Iterator[ChunkResult]:
    if processes <= 1:
        index = _build_index(profiles_dir)
        for chunk in chunks:
            yield score_chunk(index, chunk, top, min_score)
        return
    ctx = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    with ctx.Pool(
        processes, initializer=_init_worker, initargs=(str(profiles_dir) if profiles_dir else None,)
    ) as pool:
        # Pool.imap would read the whole feed ahead into its task queue: submit by hand
        pending: deque[AsyncResult[ChunkResult]] = deque()
        for chunk in chunks:
            pending.append(pool.apply_async(_worker, (chunk, top, min_score)))
            if len(pending) >= processes * IN_FLIGHT_PER_WORKER:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


def score_chunks(
    chunks: Iterable[bytes],
    *,
    top: int = DEFAULT_TOP,
    min_score: float = DEFAULT_MIN_SCORE,
    processes: int = 2,
    profiles_dir: Path | None = None,
) -> ScoreRun:
    """Score every name of newline-terminated chunks; keep the `top` best distinct hosts."""
    best: dict[str, DomainScore] = {}
    heap: list[tuple[float, str]] = []
    total = candidates = 0
    for result in _results(chunks, top, min_score, processes, profiles_dir):
        total += result.lines
        candidates += result.candidates
        for r in result.best:
            if r.host in best:
                continue
            if len(heap) < top:
                heapq.heappush(heap, rank(r))
                best[r.host] = r
            elif rank(r) > heap[0]:
                _, dropped = heapq.heapreplace(heap, rank(r))
                best.pop(dropped, None)
                best[r.host] = r
    ranked = sorted(best.values(), key=lambda r: (-r.score, r.host))
    return ScoreRun(tuple(ranked), total, candidates)


def score_lines(
    lines: Iterable[str],
    *,
    top: int = DEFAULT_TOP,
    min_score: float = DEFAULT_MIN_SCORE,
    processes: int = 2,
    profiles_dir: Path | None = None,
) -> ScoreRun:
    """`score_chunks` over lines of text (a list, a text stream)."""
    return score_chunks(
        chunks_of_lines(lines),
        top=top,
        min_score=min_score,
        processes=processes,
        profiles_dir=profiles_dir,
    )


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
        run = score_chunks(
            read_chunks(stream),
            top=top,
            min_score=min_score,
            processes=processes,
            profiles_dir=profiles_dir,
        )
    fmt = format_json if as_json else format_tsv
    text = "".join(fmt(r) + "\n" for r in run.top)
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
    logger.info("scored %d lines, %d candidates, wrote %d", run.lines, run.candidates, len(run.top))
