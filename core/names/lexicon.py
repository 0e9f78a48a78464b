"""Finding the targets' tokens in host labels: segmentation, typos and homoglyph readings.

A label is covered by known tokens (brands, service words, pinyin terms, government, `cn`
and filler words) with the fewest leftover characters; leftovers one edit from a brand are
typos. Each token found is recorded with its role, for the techniques to judge.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz.distance import OSA

from core.names.confusables import ascii_skeleton, unicode_skeleton
from core.names.vocabulary import (
    CN_TOKENS,
    FILLER_TOKENS,
    GOV_TOKENS,
    STRONG_GOV,
    CompiledTarget,
)

_SPLIT = re.compile(r"[^a-z\u00c0-\uffff]+")


@dataclass
class LabelScan:
    """Tokens found in the non-suffix labels of one host."""

    clean: list[tuple[str, bool, str]] = field(default_factory=list)  # token, in_reg, kind
    typos: list[tuple[str, str, bool]] = field(default_factory=list)  # run, brand, in_reg
    gov: bool = False
    gov_strong: bool = False
    cn: bool = False
    unicode_labels: list[str] = field(default_factory=list)


class Lexicon:
    """Every target's tokens with their roles, compiled once for many labels."""

    def __init__(self, targets: Sequence[CompiledTarget]) -> None:
        roles: dict[str, list[tuple[int, str]]] = {}
        for i, t in enumerate(targets):
            # one role per token and target, strongest first
            for role, tokens in (("brand", t.brands), ("service", t.services), ("term", t.terms)):
                for tok in tokens:
                    if not any(r[0] == i for r in roles.get(tok, ())):
                        roles.setdefault(tok, []).append((i, role))
        #: token -> ((target index, role), ...)
        self.roles = {k: tuple(v) for k, v in roles.items()}
        self._global = {
            **{tok: "filler" for tok in FILLER_TOKENS},
            **{tok: "cn" for tok in CN_TOKENS},
            **{tok: "gov" for tok in GOV_TOKENS},
        }
        self._tokens = frozenset(self.roles) | frozenset(self._global)
        self._lengths = tuple(sorted({len(t) for t in self._tokens}, reverse=True))
        self.brands = tuple(sorted({b for t in targets for b in t.brands}))
        self.long_brands = tuple(b for b in self.brands if len(b) >= 5)
        self.segment = lru_cache(maxsize=1 << 16)(self._segment)

    def _segment(self, piece: str) -> tuple[tuple[str, ...], tuple[str, ...], bool, bool]:
        """Best cover of `piece` by known tokens: (tokens, uncovered runs, starts, ends).

        `starts`/`ends` tell whether a token touches the piece's first/last character.
        """
        n = len(piece)
        tokens = self._tokens
        best: list[tuple[int, int]] = [(0, 0)] * (n + 1)
        back = [0] * (n + 1)
        for i in range(1, n + 1):
            b = best[i - 1]
            bl = 0
            for length in self._lengths:
                if length <= i and piece[i - length : i] in tokens:
                    prev = best[i - length]
                    cand = (prev[0] + length, prev[1] - 1)
                    if cand > b:
                        b, bl = cand, length
            best[i] = b
            back[i] = bl
        found: list[str] = []
        runs: list[str] = []
        run = ""
        i = n
        ends = back[n] > 0
        starts = False
        while i > 0:
            length = back[i]
            if length:
                if run:
                    runs.append(run[::-1])
                    run = ""
                found.append(piece[i - length : i])
                starts = i - length == 0
                i -= length
            else:
                run += piece[i - 1]
                i -= 1
        if run:
            runs.append(run[::-1])
        return tuple(reversed(found)), tuple(reversed(runs)), starts, ends

    def typo_brand(self, run: str) -> str | None:
        """The brand `run` misspells by one edit, if any."""
        if len(run) < 3:
            return None
        for brand in self.brands:
            if abs(len(brand) - len(run)) > 1 or OSA.distance(run, brand, score_cutoff=1) > 1:
                continue
            # one substituted letter of a 3-letter brand is a common syllable (mem → mei, men)
            if len(brand) <= 3 and len(run) == len(brand) and sorted(run) != sorted(brand):
                continue
            return brand
        return None

    def _scan_piece(
        self, piece: str, raw_label: str, in_reg: bool, scan: LabelScan, *, typos_ok: bool = True
    ) -> None:
        found, runs, starts, ends = self.segment(piece)
        # typos are looked for in the label as written, never on top of a homoglyph reading
        typos = [(r, self.typo_brand(r) if typos_ok else None) for r in runs]
        clean = all(b is not None for _, b in typos)
        for run, brand in typos:
            if brand is not None and clean:
                scan.typos.append((run, brand, in_reg))
        if typos_ok and not clean and (len(runs) > 1 or (runs and found)):
            whole = self.typo_brand(piece)
            if whole is not None:
                # "memm", "mohurdd": the tokenizer split a misspelt brand
                scan.typos.append((piece, whole, in_reg))
        for tok in found:
            role = self._global.get(tok)
            if role == "gov":
                # "bjgov" claims an identity even when attached; "governor" does not
                if clean or (ends and tok == found[-1]):
                    scan.gov = True
                    scan.gov_strong = scan.gov_strong or tok in STRONG_GOV
            elif role == "cn":
                scan.cn = scan.cn or clean
            elif clean and tok in self.roles:
                kind = "exact" if tok in raw_label else "homoglyph"
                scan.clean.append((tok, in_reg, kind))

    def scan(self, labels: Sequence[str], reg_index: int) -> LabelScan:
        """Tokens of every label; `reg_index` is the registrable label's position."""
        scan = LabelScan()
        for idx, label in enumerate(labels):
            if not label:
                continue
            in_reg = idx == reg_index
            if label.startswith("xn--"):
                try:
                    label = label[4:].encode("ascii").decode("punycode")
                except (UnicodeError, ValueError):
                    continue
            if label.isascii():
                for piece in _SPLIT.split(label):
                    if piece:
                        self._scan_piece(piece, label, in_reg, scan)
                skeleton = ascii_skeleton(label)
            else:
                scan.unicode_labels.append(label)
                skeleton = unicode_skeleton(label)
            if skeleton != label:
                for piece in _SPLIT.split(skeleton):
                    if piece and piece.isascii():
                        self._scan_piece(piece, label, in_reg, scan, typos_ok=False)
        return scan
