"""Pinyin words and initials derived from a target's Chinese terms (pypinyin)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from pypinyin import Style, lazy_pinyin

# Long names (the platform's full title) give pinyin nobody types in a domain name.
MAX_TERM_CHARS = 10
_HAN_ONLY = re.compile(r"^[\u4e00-\u9fff]+$")


def derive_pinyin(names_zh: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Full pinyin ("tezhongzuoye") and initials ("tzzy") of each short all-Han term."""
    words: list[str] = []
    initials: list[str] = []
    for term in names_zh:
        term = term.strip()
        if not term or len(term) > MAX_TERM_CHARS or not _HAN_ONLY.match(term):
            continue
        syllables = lazy_pinyin(term, errors="ignore")
        firsts = lazy_pinyin(term, style=Style.FIRST_LETTER, errors="ignore")
        word = "".join(syllables).lower()
        abbr = "".join(firsts).lower()
        if word.isascii() and word.isalpha() and word not in words:
            words.append(word)
        if abbr.isascii() and abbr.isalpha() and abbr not in initials:
            initials.append(abbr)
    return tuple(words), tuple(initials)
