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

import ahocorasick
from rapidfuzz.distance import OSA

from core.names.confusables import ascii_skeleton, unicode_skeleton
from core.names.variants import MIN_TYPO_RUN, accepts_typo, typo_table
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
        # every token ending at each position of a piece, found in one pass
        self._automaton = ahocorasick.Automaton()
        for tok in self._tokens:
            self._automaton.add_word(tok, len(tok))
        self._automaton.make_automaton()
        self.brands = tuple(sorted({b for t in targets for b in t.brands}))
        self.long_brands = tuple(b for b in self.brands if len(b) >= 5)
        #: every accepted typo of a brand spelt in a-z → the brand (one dict lookup per run)
        self.typos = typo_table(self.brands)
        self.segment = lru_cache(maxsize=1 << 16)(self._segment)

    def _segment(self, piece: str) -> tuple[tuple[str, ...], tuple[str, ...], bool, bool]:
        """Best cover of `piece` by known tokens: (tokens, uncovered runs, starts, ends).

        `starts`/`ends` tell whether a token touches the piece's first/last character.
        """
        n = len(piece)
        # lengths of the tokens ending at each position, longest first (the order of
        # comparison decides between equally good covers)
        ending: dict[int, list[int]] = {}
        for last, length in self._automaton.iter(piece):
            ending.setdefault(last + 1, []).append(length)
        # best[i]: (characters covered, -tokens used) of piece[:i]; it only changes where a
        # token ends, so the stretches in between are filled in one slice each
        best: list[tuple[int, int]] = [(0, 0)] * (n + 1)
        back: dict[int, int] = {}
        done = 0
        for i in sorted(ending):
            if i - 1 > done:
                best[done + 1 : i] = [best[done]] * (i - 1 - done)
            b = best[i - 1]
            bl = 0
            for length in sorted(ending[i], reverse=True):
                prev = best[i - length]
                cand = (prev[0] + length, prev[1] - 1)
                if cand > b:
                    b, bl = cand, length
            best[i] = b
            if bl:
                back[i] = bl
            done = i
        # walk back from the end: a token where one ends, else an uncovered run down to
        # the previous token end
        marks = sorted(back)
        found: list[str] = []
        runs: list[str] = []
        ends = n in back
        starts = False
        i = n
        k = len(marks)
        while i > 0:
            length = back.get(i, 0)
            if length:
                found.append(piece[i - length : i])
                starts = i - length == 0
                i -= length
            else:
                while k and marks[k - 1] >= i:
                    k -= 1
                j = marks[k - 1] if k else 0
                runs.append(piece[j:i])
                i = j
        return tuple(reversed(found)), tuple(reversed(runs)), starts, ends

    def typo_brand(self, run: str) -> str | None:
        """The brand `run` misspells by one edit, if any."""
        if run.isascii() and run.isalpha() and run.islower():
            return self.typos.get(run)  # label pieces are a-z: the precomputed table
        if len(run) < MIN_TYPO_RUN:
            return None
        for brand in self.brands:
            if abs(len(brand) - len(run)) > 1 or OSA.distance(run, brand, score_cutoff=1) > 1:
                continue
            if accepts_typo(run, brand):
                return brand
        return None

    def _joined_typo(
        self, piece: str, run: str, found: tuple[str, ...]
    ) -> tuple[str, str, str] | None:
        """(spelling, brand, token) when `run` and a token beside it misspell a brand together.

        Only a service word or a term is joined (never a gov token or a brand: "memo" is
        judged as a whole elsewhere)."""
        at = piece.find(run)
        if at < 0:
            return None
        for tok in dict.fromkeys(found):
            if tok in self._global or any(r == "brand" for _, r in self.roles.get(tok, ())):
                continue
            for spelling in (
                piece[at - len(tok) : at + len(run)] if piece[:at].endswith(tok) else "",
                piece[at : at + len(run) + len(tok)]
                if piece[at + len(run) :].startswith(tok)
                else "",
            ):
                brand = self.typos.get(spelling) if len(spelling) >= 4 else None
                if brand is not None:
                    return spelling, brand, tok
        return None

    def _scan_piece(
        self, piece: str, raw_label: str, in_reg: bool, scan: LabelScan, *, typos_ok: bool = True
    ) -> None:
        found, runs, starts, ends = self.segment(piece)
        # typos are looked for in the label as written, never on top of a homoglyph reading
        typos = [(r, self.typo_brand(r) if typos_ok else None) for r in runs]
        clean = all(b is not None for _, b in typos)
        if typos_ok and not clean:
            joined = [
                self._joined_typo(piece, r, found) if b is None else (r, b, "") for r, b in typos
            ]
            fixed = [j for j in joined if j is not None]
            if len(fixed) == len(joined):
                # "cxmmgov": the tokenizer read cx + gov around "mm", a misspelt "cxmem"
                rest = list(found)
                for _, _, tok in fixed:
                    if tok:
                        rest.remove(tok)
                found = tuple(rest)
                typos = [(r, b) for r, b, _ in fixed]
                clean = True
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
