"""Every spelling a token can take in a host name and still be read as that token.

Two enumerations, both exact so that a fast path built on them never drops a name the full
scorer would keep: the one-edit typos `Lexicon.typo_brand` accepts, and the ASCII strings
whose skeleton (`ascii_skeleton`) is a token.
"""

from __future__ import annotations

import itertools
import string
from collections.abc import Iterable

from core.names.confusables import ASCII_PAIRS, ASCII_TRANSLATION

#: Letters a label piece is made of when the typo rule is applied (pieces are split on
#: everything else, and a host is lower-cased before it is scored).
TYPO_ALPHABET = string.ascii_lowercase
#: Runs shorter than this are never read as a typo of a brand.
MIN_TYPO_RUN = 3


def _skeleton_sources() -> dict[str, tuple[str, ...]]:
    """For each skeleton character, every ASCII spelling that reduces to it."""
    sources: dict[str, list[str]] = {}
    for code, target in ASCII_TRANSLATION.items():
        sources.setdefault(str(target), []).append(chr(code))
    for pair, single in ASCII_PAIRS:
        sources.setdefault(single, []).append(pair)
    return {ch: (ch, *alts) for ch, alts in sources.items()}


_SOURCES = _skeleton_sources()


def skeleton_preimages(token: str) -> set[str]:
    """Every ASCII string whose skeleton is `token` (`mem` → mem, rnem, mern, rnern).

    The skeleton maps characters one by one (0→o, 1→l) and then non-overlapping pairs
    (rn→m, vv→w); a stretch of a label whose skeleton contains `token` therefore contains
    one of these strings as written.
    """
    options = [_SOURCES.get(ch, (ch,)) for ch in token]
    return {"".join(parts) for parts in itertools.product(*options)}


def one_edit(word: str, alphabet: str = TYPO_ALPHABET) -> set[str]:
    """`word` and every string one insertion, deletion, substitution or adjacent
    transposition away from it (optimal string alignment distance ≤ 1)."""
    out = {word}
    n = len(word)
    for i in range(n):
        out.add(word[:i] + word[i + 1 :])
        for ch in alphabet:
            out.add(word[:i] + ch + word[i + 1 :])
    for i in range(n + 1):
        for ch in alphabet:
            out.add(word[:i] + ch + word[i:])
    for i in range(n - 1):
        out.add(word[:i] + word[i + 1] + word[i] + word[i + 2 :])
    return out


def accepts_typo(run: str, brand: str) -> bool:
    """The brand-specific part of the typo rule, given that `run` is one edit from `brand`.

    One substituted letter of a 3-letter brand is a common syllable (mem → mei, men), so a
    short brand only takes an insertion, a deletion or a swap of its own letters.
    """
    if len(run) < MIN_TYPO_RUN:
        return False
    return not (len(brand) <= 3 and len(run) == len(brand) and sorted(run) != sorted(brand))


def typo_table(brands: Iterable[str]) -> dict[str, str]:
    """Every accepted typo spelling → the brand it misspells (first brand in sorted order,
    as `Lexicon.typo_brand` returns it)."""
    table: dict[str, str] = {}
    for brand in sorted(brands):
        for run in one_edit(brand):
            if accepts_typo(run, brand):
                table.setdefault(run, brand)
    return table
