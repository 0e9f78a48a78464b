"""The name scorer's fast paths give exactly what the full scorer gives, on generated names.

The full scorer (`DomainIndex.score_unfiltered`) is the reference; the prefilter, the typo
table, the segmentation and the chunked bulk path are optimisations of it and must never
change a score. The names come from a seeded generator of look-alikes of every technique
and near misses (bench/namefeed.py), never from the world's sites.
"""

from __future__ import annotations

import gzip
import io
import random
import re
import sys
from pathlib import Path

import pytest
from rapidfuzz.distance import OSA

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from namefeed import lookalikes, mix  # noqa: E402

from core.names import DomainIndex, DomainScore  # noqa: E402
from core.names.bulk import (  # noqa: E402
    MAX_LINE_BYTES,
    chunks_of_lines,
    host_of,
    read_chunks,
    score_chunk,
)
from core.names.confusables import ascii_skeleton  # noqa: E402
from core.names.variants import one_edit, skeleton_preimages  # noqa: E402
from core.profiles import get_profile, load_allowlist  # noqa: E402

INDEX = DomainIndex.default()
#: What a generated split must show, so that a generator that stops producing a technique
#: makes the test fail instead of passing on easy names.
TECHNIQUES = {"brand", "typo", "homoglyph", "pinyin", "idn", "subdomain-abuse", "gov-token"}
OFFICIAL_KINDS = {"target-host", "target-domain", "allowlist", "gov"}


def _names(n: int, seed: int) -> list[str]:
    return lookalikes(INDEX.targets, n, seed) + mix(n, seed)


def _reference(index: DomainIndex, lines: list[str], min_score: float) -> dict[str, DomainScore]:
    out: dict[str, DomainScore] = {}
    for line in lines:
        r = index.score_unfiltered(host_of(line))
        if r is not None and not r.official and r.score >= min_score:
            out[r.host] = r
    return out


def test_single_names_score_exactly_as_the_full_scorer() -> None:
    names = _names(15_000, seed=1)
    kept = 0
    techniques: set[str] = set()
    official: set[str] = set()
    for name in names:
        full = INDEX.score_unfiltered(host_of(name))
        assert INDEX.score(host_of(name)) == full, name
        if full is not None:
            kept += 1
            techniques.update(full.techniques)
            if full.official_kind:
                official.add(full.official_kind)
    assert TECHNIQUES <= techniques and OFFICIAL_KINDS <= official
    assert 0.1 * len(names) < kept < 0.6 * len(names)  # near the boundary on both sides


@pytest.mark.parametrize("min_score", [0.25, 0.3, 0.6])
def test_bulk_chunks_keep_exactly_the_full_scorers_names(min_score: float) -> None:
    names = _names(8_000, seed=2)
    random.Random(2).shuffle(names)
    fast: dict[str, DomainScore] = {}
    lines = 0
    for chunk in chunks_of_lines(names, size=4096):  # many chunk boundaries
        result = score_chunk(INDEX, chunk, 10**9, min_score)
        lines += result.lines
        for r in result.best:
            assert fast.setdefault(r.host, r) == r
    assert lines == len(names)
    reference = _reference(INDEX, names, min_score)
    assert len(reference) > 1000
    assert fast == reference


def test_an_index_of_one_profile_is_filtered_by_its_own_names() -> None:
    index = DomainIndex([get_profile("samr")], load_allowlist())
    names = _names(4_000, seed=3)
    for name in names:
        assert index.score(host_of(name)) == index.score_unfiltered(host_of(name)), name
    fast: dict[str, DomainScore] = {}
    for chunk in chunks_of_lines(names, size=1 << 14):
        fast.update((r.host, r) for r in score_chunk(index, chunk, 10**9, 0.3).best)
    assert fast == _reference(index, names, 0.3)
    assert {r.target for r in fast.values()} == {"samr", None}


@pytest.mark.parametrize(
    "host",
    # short-brand typos next to a service or gov word, and long-brand typos inside a label:
    # the regex prefilter this one replaced let these through unscored
    ["mme-cx.com", "mmecx.com", "osat-zs.com", "mohrs-cx.com", "zlqa-gw.top", "mxem-zw.com"],
)
def test_typo_lookalikes_the_old_prefilter_dropped_are_scored(host: str) -> None:
    result = INDEX.score(host)
    assert result is not None and result.score >= 0.7 and "typo" in result.techniques
    assert result == INDEX.score_unfiltered(host)


def test_common_words_are_rejected_before_full_scoring() -> None:
    common = ["member.com", "memory-store.net", "governor.org", "postal.cn", "smartcity.top"]
    chunk = "".join(h + "\n" for h in common).encode()
    assert all(INDEX.score(h) is None for h in common)
    assert all(not INDEX.prefilter.may_score(h) for h in common)
    assert score_chunk(INDEX, chunk, 10, 0.0).best == ()


def _typo_reference(run: str, brands: tuple[str, ...]) -> str | None:
    # the rule as first written: one OSA edit, with a stricter rule for 3-letter brands
    if len(run) < 3:
        return None
    for brand in brands:
        if abs(len(brand) - len(run)) > 1 or OSA.distance(run, brand, score_cutoff=1) > 1:
            continue
        if len(brand) <= 3 and len(run) == len(brand) and sorted(run) != sorted(brand):
            continue
        return brand
    return None


def test_typo_table_is_the_edit_distance_rule() -> None:
    lexicon = INDEX.lexicon
    rnd = random.Random(4)
    letters = "".join(sorted(set("".join(lexicon.brands)))) + "xyz"
    runs = {v for b in lexicon.brands for v in one_edit(b)}
    runs |= {v for b in lexicon.brands for w in one_edit(b, letters) for v in one_edit(w, letters)}
    runs |= {"".join(rnd.choice(letters) for _ in range(rnd.randint(1, 8))) for _ in range(20_000)}
    runs |= {"mеm", "MEM", "mem1", "m-em", "осta"}  # outside a-z: the slow path
    assert len(runs) > 50_000
    for run in runs:
        assert lexicon.typo_brand(run) == _typo_reference(run, lexicon.brands), run


def _segment_reference(piece: str, tokens: frozenset[str]) -> tuple[object, ...]:
    # the plain dynamic programme over every token length at every position
    lengths = sorted({len(t) for t in tokens}, reverse=True)
    n = len(piece)
    best = [(0, 0)] * (n + 1)
    back = [0] * (n + 1)
    for i in range(1, n + 1):
        b, bl = best[i - 1], 0
        for length in lengths:
            if length <= i and piece[i - length : i] in tokens:
                prev = best[i - length]
                cand = (prev[0] + length, prev[1] - 1)
                if cand > b:
                    b, bl = cand, length
        best[i], back[i] = b, bl
    found: list[str] = []
    runs: list[str] = []
    run, i, starts = "", n, False
    while i > 0:
        if back[i]:
            if run:
                runs.append(run[::-1])
                run = ""
            found.append(piece[i - back[i] : i])
            starts = i - back[i] == 0
            i -= back[i]
        else:
            run += piece[i - 1]
            i -= 1
    if run:
        runs.append(run[::-1])
    return tuple(reversed(found)), tuple(reversed(runs)), starts, back[n] > 0


def test_segmentation_is_the_plain_dynamic_programme() -> None:
    lexicon = INDEX.lexicon
    tokens = lexicon._tokens
    rnd = random.Random(5)
    pieces = {p for name in _names(3_000, seed=5) for p in re.split(r"[^a-z]+", name.lower())}
    vocabulary = sorted(tokens) + ["x", "q", "mem", "ber", "ory", "a"]
    for _ in range(5_000):  # runs of tokens and fragments: ties between equal covers
        word = "".join(rnd.choice(vocabulary) for _ in range(rnd.randint(1, 5)))
        pieces.add(word[rnd.randint(0, 2) :])
    pieces.discard("")
    for piece in pieces:
        assert lexicon._segment(piece) == _segment_reference(piece, tokens), piece


def test_skeleton_preimages_are_every_spelling_of_a_token() -> None:
    rnd = random.Random(6)
    for token in ("mem", "gov", "zlaq", "osta", "jinengrencaipingjiagongzuowang"):
        spellings = skeleton_preimages(token)
        assert token in spellings and all(ascii_skeleton(s) == token for s in spellings)
    # and every ASCII string whose skeleton holds a token holds one of its spellings
    alphabet = "mrnevwol01gat"
    for _ in range(20_000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(3, 10)))
        for token in ("mem", "gov", "wo"):
            if token in ascii_skeleton(text):
                assert any(s in text for s in skeleton_preimages(token)), (text, token)


def test_read_chunks_keeps_lines_whole_and_memory_bounded() -> None:
    lines = [f"name{i}.example.com" for i in range(5_000)]
    text = ("\r\n".join(lines[:2500]) + "\n" + "\n".join(lines[2500:])).encode()  # no final \n
    chunks = list(read_chunks(io.BytesIO(text), size=1000))
    assert len(chunks) > 50 and all(c.endswith(b"\n") for c in chunks)
    assert b"".join(chunks).decode().splitlines() == lines
    huge = b"cx-mem-gov.cn," + b"x" * (4 * MAX_LINE_BYTES) + b"\nmemgov.cn\n"
    chunks = list(read_chunks(io.BytesIO(huge), size=4096))
    assert max(len(c) for c in chunks) <= MAX_LINE_BYTES + 4096 + 1
    hosts = [host_of(line) for c in chunks for line in c.decode().splitlines()]
    assert hosts == ["cx-mem-gov.cn", "memgov.cn"]


def test_gzip_stream_and_text_lines_give_the_same_chunks_of_names() -> None:
    names = mix(3_000, seed=7)
    packed = gzip.compress(("\n".join(names) + "\n").encode())
    from_gz = b"".join(read_chunks(gzip.GzipFile(fileobj=io.BytesIO(packed)), size=2048))
    assert from_gz == b"".join(chunks_of_lines(names, size=2048))
