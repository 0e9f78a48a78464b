"""The words of host-name scoring: government and service tokens, the compiled form of a
target profile, the result type, and host normalisation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.profiles import TargetProfile

#: Suffixes only the state can hold: a host under them is a government identity.
GOV_SUFFIXES = frozenset({"gov.cn", "政务", "xn--zfr164b"})
#: Tokens that claim a government identity when used outside the real suffix.
#: "gov" with a doubled or swapped letter (goov, gvo: the commonest typos) still reads as gov
#: beside a target's token; alone it claims nothing (not strong), so the prefilter needs no new
#: spelling.
GOV_TYPOS = ("ggov", "goov", "govv", "gvo", "ogv")
GOV_TOKENS = ("gov", "govcn", "zhengfu", "zhengwu", "zf", "zw", *GOV_TYPOS)
STRONG_GOV = ("gov", "zhengfu", "zhengwu")
CN_TOKENS = ("cn", "china", "zhongguo", "zg")
FILLER_TOKENS = ("www", "wap", "web", "h5", "app", "online", "net", "new")
#: Chinese words in IDN labels that are service words, not a target's own name.
ZH_SERVICE = ("查询", "证书", "查验", "验证", "官网", "平台", "证书查询", "在线查询")
ZH_GOV = ("政府", "政务", "官方")
#: Long terms and service words are specific enough to send a name to full scoring.
PREFILTER_MIN_TERM = 4
MIN_SCORE = 0.25


@dataclass(frozen=True)
class DomainScore:
    """How much a host name looks like a protected target's, and why (Chinese reasons)."""

    host: str
    registered_domain: str
    score: float  # 0..1; 0.0 for official hosts
    target: str | None
    techniques: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    matched: tuple[str, ...] = ()
    official: bool = False
    #: "target-host", "target-domain", "allowlist" or "gov" when official
    official_kind: str | None = None
    details: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class CompiledTarget:
    """One profile's names, lower-cased and sorted into the roles the scorer uses."""

    key: str
    name: str
    owner: str
    official_hosts: frozenset[str]
    registrable_domains: tuple[str, ...]
    brands: frozenset[str]
    terms: frozenset[str]
    services: frozenset[str]
    zh_terms: tuple[str, ...]


def compile_target(p: TargetProfile) -> CompiledTarget:
    services = frozenset(w.lower() for w in p.service_words)
    brands = frozenset(b.lower() for b in p.brand_labels)
    terms = frozenset(
        t.lower()
        for t in (*p.pinyin, *p.abbreviations)
        if t.isascii() and t.isalpha() and len(t) >= 3 and t.lower() not in services | brands
    )
    zh_terms = tuple(
        sorted(
            {n for n in p.names_zh if 2 <= len(n) <= 12 and n not in ZH_SERVICE},
            key=lambda s: (-len(s), s),
        )
    )
    return CompiledTarget(
        key=p.key,
        name=p.name,
        owner=p.owner,
        official_hosts=frozenset(h.lower() for h in p.official_hosts),
        registrable_domains=tuple(d.lower() for d in p.registrable_domains),
        brands=brands,
        terms=terms,
        services=services,
        zh_terms=zh_terms,
    )


def normalise_host(host: str) -> str:
    """Lower-case host without port, trailing dot or CT wildcard; "" when unusable."""
    host = host.strip().lower()
    if "://" in host:
        host = host.split("://", 1)[1]
    host = host.split("/", 1)[0].split("?", 1)[0].rsplit("@", 1)[-1]
    if host.startswith("[") or host.count(":") > 1:
        return ""
    host = host.split(":", 1)[0].rstrip(".")
    while host.startswith("*."):
        host = host[2:]
    return host
