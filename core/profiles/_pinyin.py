"""Pinyin words and initials derived from a target's Chinese terms (pypinyin).

pypinyin loads its phrase dictionary at import: 55 MiB resident in every process, for a few
dozen short terms. The shipped profiles' terms are therefore read from `pinyin.json`
(written by `scripts/write_pinyin.py`; a test checks it against pypinyin), and
pypinyin is imported only for a term it does not hold (a profile the unit added).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

# Long names (the platform's full title) give pinyin nobody types in a domain name.
MAX_TERM_CHARS = 10
_HAN_ONLY = re.compile(r"^[\u4e00-\u9fff]+$")
KNOWN_FILE = Path(__file__).with_name("pinyin.json")


@cache
def _known() -> dict[str, tuple[str, str]]:
    try:
        data = json.loads(KNOWN_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): (str(v[0]), str(v[1])) for k, v in data.items()}


def spell(term: str) -> tuple[str, str]:
    """(full pinyin, initials) of one all-Han term, with pypinyin's phrase readings."""
    known = _known().get(term)
    return known if known is not None else _from_pypinyin(term)


def _from_pypinyin(term: str) -> tuple[str, str]:
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(term, errors="ignore")
    firsts = lazy_pinyin(term, style=Style.FIRST_LETTER, errors="ignore")
    return "".join(syllables).lower(), "".join(firsts).lower()


def short_terms(names_zh: Iterable[str]) -> list[str]:
    """The terms pinyin is derived from: short and Han only."""
    out = []
    for term in names_zh:
        term = term.strip()
        if term and len(term) <= MAX_TERM_CHARS and _HAN_ONLY.match(term):
            out.append(term)
    return out


def derive_pinyin(names_zh: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Full pinyin ("tezhongzuoye") and initials ("tzzy") of each short all-Han term."""
    words: list[str] = []
    initials: list[str] = []
    for term in short_terms(names_zh):
        word, abbr = spell(term)
        if word.isascii() and word.isalpha() and word not in words:
            words.append(word)
        if abbr.isascii() and abbr.isalpha() and abbr not in initials:
            initials.append(abbr)
    return tuple(words), tuple(initials)


def write_known(directory: Path) -> int:
    """Write pinyin.json for every short term of the profiles in `directory`."""
    import tomllib

    _known.cache_clear()
    terms: dict[str, None] = {}
    for path in sorted(directory.glob("*.toml")):
        names = tomllib.loads(path.read_text(encoding="utf-8")).get("names_zh", [])
        terms.update(dict.fromkeys(short_terms(str(n) for n in names)))
    known = {term: list(_from_pypinyin(term)) for term in terms}
    KNOWN_FILE.write_text(json.dumps(known, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    _known.cache_clear()
    return len(known)
