"""Registrable look-alike names of a protected target, for the permutation discovery source.

Counterfeiters register names like `cx-mem-gov.cn`, `memgov.com`, `tzzycx.com` or
`mem.gov.cn.top` (ARCHITECTURE §1, FIELD-NOTES "Domains"). The ranked operators
(`operators.py`) build them from the profile; this module keeps only names someone could
register, likeliest first. Names under suffixes nobody can register (gov.cn, 政务, edu.cn ...)
are never produced.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import tldextract

from core.profiles import TargetProfile
from crawler.sources.operators import ranked

#: Commonly abused gTLDs first, then Chinese second-level suffixes.
DEFAULT_TLDS: tuple[str, ...] = (
    "com",
    "cn",
    "net",
    "top",
    "xyz",
    "vip",
    "cc",
    "org",
    "info",
    "site",
    "online",
    "icu",
    "shop",
    "ltd",
    "work",
    "wang",
    "club",
    "fun",
    "cyou",
    "live",
    "com.cn",
    "net.cn",
    "org.cn",
)
#: Suffixes reserved to the state or to institutions: nothing under them is a look-alike
#: anybody could register (cx.mem.gov.cn is official, xx.edu.cn belongs to a university).
UNREGISTRABLE_SUFFIXES = frozenset(
    {
        "gov.cn",
        "edu.cn",
        "mil.cn",
        "ac.cn",
        "政务",
        "xn--zfr164b",
        "公益",
        "xn--55qw42g",
        "gov",
        "edu",
        "mil",
        "int",
    }
)
#: techniques in the order their cheapest names come out of the ranked operators
TECHNIQUES = (
    "official-tokens",
    "subdomain-abuse",
    "keyword-brand",
    "homoglyph",
    "pinyin-gov",
    "pinyin",
    "idn",
    "typo",
    "pinyin-pair",
)
#: How many names a target's DNS budget covers when none is given (issue 12: ≤ 20,000 a night).
DEFAULT_DNS_BUDGET = 20_000

_LDH = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@dataclass(frozen=True)
class Lookalike:
    """One registrable name that imitates a target, with how it was built."""

    domain: str
    technique: str
    reason: str
    #: −log prior of the name (operators.py): lower is likelier
    cost: float = 0.0


def generate_lookalikes(
    profile: TargetProfile, tlds: Sequence[str] = DEFAULT_TLDS, *, limit: int | None = None
) -> list[Lookalike]:
    """Look-alike names of `profile`, best technique first; no duplicates, no official name."""
    tlds = tuple(dict.fromkeys(t.lower().strip(".") for t in tlds if t.strip(".")))
    official = {h.lower() for h in (*profile.official_hosts, *profile.registrable_domains)}
    seen: set[str] = set()
    out: list[Lookalike] = []
    for item in _candidates(profile, tlds):
        domain = item.domain
        if domain in seen or not registrable(domain, official):
            continue
        seen.add(domain)
        out.append(item)
        if limit is not None and len(out) >= limit:
            break
    return out


def registrable(domain: str, official: set[str]) -> bool:
    """True when somebody could register `domain` (LDH labels, a public suffix that is not
    reserved to the state) and it is not an official name."""
    if domain in official:
        return False
    labels = domain.split(".")
    if not all(_LDH.match(label) for label in labels):
        return False
    if any(label[2:4] == "--" and not label.startswith("xn--") for label in labels):
        return False
    ext = _EXTRACT(domain)
    suffix = ext.suffix
    if not ext.domain or not suffix:
        return False
    if suffix in UNREGISTRABLE_SUFFIXES or any(
        suffix.endswith("." + s) for s in UNREGISTRABLE_SUFFIXES
    ):
        return False
    return f"{ext.domain}.{suffix}" not in official


def _candidates(profile: TargetProfile, tlds: tuple[str, ...]) -> Iterator[Lookalike]:
    """The ranked operators' names (crawler/sources/operators.py), likeliest first."""
    for g in ranked(profile, tlds):
        yield Lookalike(g.domain, g.technique, g.reason, g.cost)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))
