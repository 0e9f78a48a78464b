"""Scoring a feed of names chunk by chunk: newline-terminated byte chunks in, best names out.

A feed is read in fixed-size chunks of whole lines, so memory stays constant whatever its
length; each chunk goes through the `Prefilter` as one string and only its candidate lines
are decoded, parsed and scored one by one.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO

from core.names.index import DomainIndex
from core.names.vocabulary import DomainScore

#: About 50,000 names of a typical feed per chunk.
CHUNK_BYTES = 1 << 20
#: A host is at most 253 characters; a longer first field is cut here, never buffered whole.
MAX_LINE_BYTES = 1 << 16
_FIRST_FIELD = re.compile(r"[\s,;|]+")


@dataclass(frozen=True)
class ChunkResult:
    """The best non-official names of one chunk (at most `top`), lines read, and how many
    lines held a name at or above the minimum score (repeats counted)."""

    best: tuple[DomainScore, ...]
    lines: int
    candidates: int


def host_of(line: str) -> str:
    """The host name on one input line: the first field, as in CT dumps and NRD lists."""
    line = line.strip()
    if not line or line[0] == "#":
        return ""
    return _FIRST_FIELD.split(line, maxsplit=1)[0]


def rank(r: DomainScore) -> tuple[float, str]:
    """Sort key of the bulk output: higher score first, then the host name."""
    return (r.score, r.host)


def _normalise_newlines(data: bytes) -> bytes:
    # as a text stream in universal-newline mode would read it
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return data


def read_chunks(stream: IO[bytes], size: int = CHUNK_BYTES) -> Iterator[bytes]:
    """Newline-terminated chunks of about `size` bytes of whole lines from a binary stream."""
    pending = b""
    while True:
        block = stream.read(size)
        if not block:
            break
        data = pending + block
        cut = data.rfind(b"\n")
        if cut < 0:
            # one line longer than a block: keep its head (the host is at the start)
            pending = data[:MAX_LINE_BYTES]
            continue
        pending = data[cut + 1 :]
        if len(pending) > MAX_LINE_BYTES:
            pending = pending[:MAX_LINE_BYTES]
        yield _normalise_newlines(data[: cut + 1])
    if pending:
        yield _normalise_newlines(pending + b"\n")


def chunks_of_lines(lines: Iterable[str], size: int = CHUNK_BYTES) -> Iterator[bytes]:
    """The same chunks from lines of text (a list in a test, a text stream)."""
    batch: list[bytes] = []
    held = 0
    for line in lines:
        raw = line.encode("utf-8", "surrogateescape")
        if not raw.endswith(b"\n"):
            raw += b"\n"
        batch.append(raw)
        held += len(raw)
        if held >= size:
            yield _normalise_newlines(b"".join(batch))
            batch, held = [], 0
    if batch:
        yield _normalise_newlines(b"".join(batch))


def score_chunk(index: DomainIndex, chunk: bytes, top: int, min_score: float) -> ChunkResult:
    """Score every name of one newline-terminated chunk; keep the `top` best non-official
    names scoring at least `min_score`, each host once."""
    found: dict[str, DomainScore] = {}
    hits = 0
    score = index.score
    for line in index.prefilter.candidate_lines(chunk):
        host = host_of(line.decode("utf-8", "replace"))
        if not host:
            continue
        result = score(host)
        if result is not None and not result.official and result.score >= min_score:
            found[result.host] = result  # CT dumps repeat names: keep each once
            hits += 1
    best = heapq.nlargest(top, found.values(), key=rank)
    return ChunkResult(tuple(best), chunk.count(b"\n"), hits)
