"""Reduce a host label to its ASCII "skeleton" so homoglyph look-alikes match their target.

`rnem` and `mеm` (Cyrillic е) both become `mem`. The skeleton is only used for matching;
reasons always quote the label as registered.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Non-Latin letters that render like Latin ones (Cyrillic, Greek, Armenian, IPA).
_UNICODE_TO_LATIN: dict[str, str] = {
    # Cyrillic
    "а": "a",
    "в": "b",
    "ь": "b",
    "с": "c",
    "ԁ": "d",
    "е": "e",
    "ё": "e",
    "ҽ": "e",
    "ԍ": "g",
    "һ": "h",
    "н": "h",
    "і": "i",
    "ї": "i",
    "ӏ": "l",
    "ј": "j",
    "к": "k",
    "м": "m",
    "п": "n",
    "о": "o",
    "р": "p",
    "ԛ": "q",
    "г": "r",
    "ѕ": "s",
    "т": "t",
    "ц": "u",
    "ѵ": "v",
    "ԝ": "w",
    "ш": "w",
    "х": "x",
    "у": "y",
    "ү": "y",
    "з": "3",
    "л": "n",
    "и": "n",
    "ꙇ": "i",
    # Greek
    "α": "a",
    "β": "b",
    "ϲ": "c",
    "δ": "d",
    "ε": "e",
    "η": "n",
    "ι": "i",
    "κ": "k",
    "ν": "v",
    "ο": "o",
    "ρ": "p",
    "τ": "t",
    "υ": "u",
    "χ": "x",
    "γ": "y",
    "μ": "u",
    "ω": "w",
    # Armenian and Latin extensions / IPA that NFKD leaves alone
    "ա": "w",
    "ց": "g",
    "հ": "h",
    "ո": "n",
    "ս": "u",
    "օ": "o",
    "ı": "i",
    "ɑ": "a",
    "ɡ": "g",
    "ɩ": "i",
    "ʀ": "r",
    "ʙ": "b",
    "ᴄ": "c",
    "ᴅ": "d",
    "ᴇ": "e",
    "ᴋ": "k",
    "ᴍ": "m",
    "ᴏ": "o",
    "ᴘ": "p",
    "ᴛ": "t",
    "ᴜ": "u",
    "ᴠ": "v",
    "ᴡ": "w",
    "ᴢ": "z",
    "ł": "l",
    "đ": "d",
    "ħ": "h",
    "ø": "o",
    "ŋ": "n",
    "ƅ": "b",
    "ɓ": "b",
    "ɗ": "d",
    "ƒ": "f",
    "ɫ": "l",
    "ɱ": "m",
    "ɾ": "r",
    "ʂ": "s",
    "ƫ": "t",
    "ʉ": "u",
    "ƶ": "z",
    "ʐ": "z",
    "æ": "ae",
    "œ": "oe",
    "ß": "ss",
}

# ASCII look-alikes: digits read as letters.
ASCII_TRANSLATION = str.maketrans({"0": "o", "1": "l"})
# Letter pairs read as one letter; applied after the translation above.
ASCII_PAIRS: tuple[tuple[str, str], ...] = (("rn", "m"), ("vv", "w"))


def ascii_skeleton(text: str) -> str:
    """Skeleton of an ASCII string: 0→o, 1→l, rn→m, vv→w."""
    out = text.translate(ASCII_TRANSLATION)
    for pair, single in ASCII_PAIRS:
        out = out.replace(pair, single)
    return out


@lru_cache(maxsize=4096)
def _char_skeleton(ch: str) -> str:
    if ch.isascii():
        return ch
    mapped = _UNICODE_TO_LATIN.get(ch)
    if mapped is not None:
        return mapped
    # Accented Latin letters (é, ạ, ñ ...) lose their marks; CJK and others stay as they are.
    decomposed = unicodedata.normalize("NFKD", ch)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    if base and base.isascii():
        return base.lower()
    return ch


def unicode_skeleton(text: str) -> str:
    """Skeleton of any label: NFKC, lower case, confusable letters mapped to ASCII."""
    text = unicodedata.normalize("NFKC", text).lower()
    return ascii_skeleton("".join(_char_skeleton(c) for c in text))


def has_confusables(text: str) -> bool:
    """True when the label mixes in non-ASCII letters that map onto ASCII ones."""
    return any(not c.isascii() and _char_skeleton(c).isascii() for c in text)
