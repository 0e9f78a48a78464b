"""Synthetic name feeds for the bulk scorer's bench and tests (seeded, nothing from the world).

`mix` is a newly-registered-domains day: pinyin and English words (with the hard ones:
member, memory, government), random strings, digits, hyphens, subdomains, many suffixes and
~0.2 % look-alikes. `lookalikes` is built from the profiles' own tokens and every technique
the scorer knows (brand, typo, ASCII and Unicode homoglyphs, pinyin terms and initials,
service words, gov and cn tokens, the official domain as a subdomain, Chinese IDNs, a
government word alone) plus near misses of each, in every input form a feed carries
(wildcards, schemes, ports, upper case, trailing columns).
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from core.names.confusables import ASCII_PAIRS, ASCII_TRANSLATION
from core.names.variants import one_edit
from core.names.vocabulary import (
    CN_TOKENS,
    FILLER_TOKENS,
    GOV_TOKENS,
    STRONG_GOV,
    ZH_GOV,
    ZH_SERVICE,
    CompiledTarget,
)

PINYIN = (
    "zhong guo bei jing shang hai tian jin chong qing guang zhou shen zhen hang zhou su zhou "
    "nan jing wu han cheng du xi an he fei ji nan qing dao da lian xia men fu zhou kun ming "
    "an quan sheng chan jiao yu pei xun ke ji wang luo xin xi fu wu gong si jian zhu gong cheng "
    "zhi ye ji neng kao shi zheng shu cha xun dian zi shang wu mao yi jin rong tou zi bao xian "
    "yi liao jian kang lv you wen hua chuan mei ying shi you xi dong man che qi fang chan"
).split()
ENGLISH = (
    "the best shop store online cloud data tech web app home life love world global china asia "
    "news media group smart digital pay game play music video photo art design studio market "
    "trade money bank loan crypto coin token nft meta member memory memo memes remember gem "
    "government governor go gold golden green blue red star sun moon sky fast easy free pro"
).split()
SUFFIXES = (
    ("com", 40),
    ("cn", 12),
    ("net", 6),
    ("top", 6),
    ("xyz", 6),
    ("org", 4),
    ("vip", 3),
    ("com.cn", 3),
    ("online", 2),
    ("shop", 2),
    ("site", 2),
    ("info", 2),
    ("cc", 2),
    ("icu", 2),
    ("club", 1),
    ("net.cn", 1),
    ("gov.cn", 1),
    ("edu.cn", 1),
    ("io", 1),
    ("me", 1),
)
LOOKALIKES = (
    "cx-mem-gov.cn",
    "memgov.cn",
    "cx.mem.gov.cn.{r}.top",
    "cxmem-gov.com",
    "cx.rnem-gov.cn",
    "tzzycx.com",
    "aqsc-chaxun.cn",
    "yjglb-zscx.net",
    "mem-gov{n}.xyz",
    "tezhongzuoye{n}.com",
    "xn--vhq0g80ak14h9wh770a.com",
    "zlaq-mohurd-gov.com",
    "osta-zscx{n}.top",
    "samr-gov.vip",
)
#: Letters that render like ASCII ones (a sample of the scorer's table, and one it lacks).
UNICODE_LOOKALIKE = {"a": "а", "e": "е", "o": "о", "c": "с", "p": "р", "m": "м", "s": "ѕ"}
MORE_SUFFIXES = (
    "com",
    "cn",
    "top",
    "xyz",
    "vip",
    "com.cn",
    "net",
    "gov.cn",
    "政务",
    "中国",
    "org.cn",
)


def _label(rnd: random.Random) -> str:
    kind = rnd.random()
    if kind < 0.45:
        label = "".join(rnd.choice(PINYIN) for _ in range(rnd.randint(2, 4)))
    elif kind < 0.75:
        label = "".join(rnd.choice(ENGLISH) for _ in range(rnd.randint(1, 3)))
    elif kind < 0.9:
        label = "".join(
            rnd.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(rnd.randint(5, 14))
        )
    else:
        label = rnd.choice(PINYIN) + rnd.choice(ENGLISH)
    if rnd.random() < 0.15:
        label += str(rnd.randint(1, 999))
    if rnd.random() < 0.1:
        label = label[: len(label) // 2] + "-" + label[len(label) // 2 :]
    return label.strip("-") or "x"


def mix(n: int, seed: int = 20260915) -> list[str]:
    """`n` names of a newly-registered-domains day (the bench's realistic mix)."""
    rnd = random.Random(seed)
    suffixes, weights = zip(*SUFFIXES, strict=True)
    names = []
    for _ in range(n):
        if rnd.random() < 0.002:
            names.append(rnd.choice(LOOKALIKES).format(r=_label(rnd), n=rnd.randint(1, 99)))
            continue
        name = _label(rnd) + "." + rnd.choices(suffixes, weights)[0]
        if rnd.random() < 0.2:
            name = rnd.choice(("www", "m", "api", "mail", "cdn", _label(rnd))) + "." + name
        names.append(name)
    return names


def _ascii_homoglyph(rnd: random.Random, word: str) -> str:
    swaps = [(chr(k), str(v)) for k, v in ASCII_TRANSLATION.items()] + list(ASCII_PAIRS)
    spots = [(i, spelled) for i, ch in enumerate(word) for spelled, read in swaps if read == ch]
    if not spots:
        return word
    i, spelled = rnd.choice(spots)
    return word[:i] + spelled + word[i + 1 :]


def _unicode_homoglyph(rnd: random.Random, word: str) -> str:
    spots = [i for i, ch in enumerate(word) if ch in UNICODE_LOOKALIKE]
    if not spots:
        return word
    i = rnd.choice(spots)
    return word[:i] + UNICODE_LOOKALIKE[word[i]] + word[i + 1 :]


def _typo(rnd: random.Random, word: str) -> str:
    return rnd.choice(sorted(one_edit(word, "abcdefghijklmnopqrstuvwxyz01-")))


def _part(rnd: random.Random, t: CompiledTarget) -> str:
    brands = sorted(t.brands)
    kind = rnd.randrange(17)
    if kind == 0:
        return rnd.choice(brands)
    if kind == 1:
        return _typo(rnd, rnd.choice(brands))
    if kind == 2:
        return _ascii_homoglyph(rnd, rnd.choice(brands + sorted(t.terms)))
    if kind == 3:
        return _unicode_homoglyph(rnd, rnd.choice(brands + sorted(t.services)))
    if kind in (4, 5):
        return rnd.choice(sorted(t.terms))
    if kind == 6:
        return _typo(rnd, rnd.choice(sorted(t.terms)))
    if kind in (7, 8):
        return rnd.choice(sorted(t.services))
    if kind == 9:
        return rnd.choice(GOV_TOKENS + STRONG_GOV)
    if kind == 10:
        return rnd.choice(CN_TOKENS + FILLER_TOKENS)
    if kind == 11:
        return rnd.choice(t.zh_terms) if t.zh_terms else "查询"
    if kind == 12:
        return rnd.choice(ZH_SERVICE + ZH_GOV)
    if kind == 13:
        return rnd.choice(ENGLISH)  # member, memory, governor: brand letters in a word
    if kind == 14:
        return rnd.choice(PINYIN) + rnd.choice(PINYIN)
    if kind == 15:
        return str(rnd.randint(0, 2026))
    return rnd.choice(brands) + rnd.choice(ENGLISH)  # memstore: a brand run into a word


def lookalike(rnd: random.Random, targets: Sequence[CompiledTarget]) -> str:
    """One name near the decision boundary of a random target, in a random feed form."""
    t = rnd.choice(targets)
    roll = rnd.random()
    if roll < 0.06:  # the official domain or host used as a subdomain, or itself
        base = rnd.choice(sorted(t.official_hosts) + list(t.registrable_domains))
        name = base if rnd.random() < 0.2 else f"{base}.{_label(rnd)}.{rnd.choice(MORE_SUFFIXES)}"
    elif roll < 0.09:  # gov.cn inside a registered name
        name = f"{_label(rnd)}.gov.cn.{_label(rnd)}.{rnd.choice(MORE_SUFFIXES)}"
    else:
        sep = rnd.choice(("", "", "-", "."))
        parts = [_part(rnd, t) for _ in range(rnd.choice((1, 1, 2, 2, 2, 3, 4)))]
        name = sep.join(parts) + "." + rnd.choice(MORE_SUFFIXES)
        if rnd.random() < 0.15:
            name = rnd.choice(("www", "m", _part(rnd, t), _label(rnd))) + "." + name
    form = rnd.random()
    if form < 0.08:
        name = "*." + name
    elif form < 0.12:
        name = name.upper()
    elif form < 0.16:
        name = f"https://{name}:8443/query?id=1"
    elif form < 0.2:
        name = f"{name},2026-09-14,R11"
    return name


def lookalikes(targets: Sequence[CompiledTarget], n: int, seed: int) -> list[str]:
    """`n` names near the decision boundary of every target, reproducible from `seed`."""
    rnd = random.Random(seed)
    return [lookalike(rnd, targets) for _ in range(n)]
