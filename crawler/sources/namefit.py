"""Whether a host name is built from a target's tokens (`looks_like`): the check CT, the feed
and the DNS budget apply to names they did not generate themselves. The tokens are those the
operators (`operators.py`) build look-alikes from.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from core.profiles import TargetProfile
from crawler.sources.operators import GOV_TOKENS, pinyin_tokens, profile_tokens


@functools.lru_cache(maxsize=16)
def _pinyin_cached(profile: TargetProfile) -> frozenset[str]:
    return frozenset(pinyin_tokens(profile))


#: label pieces that carry no meaning of their own in a look-alike (www-, -net, digits)
FILLERS = frozenset({"www", "net", "web", "site", "online", "cn", "com", "wang", "app", "m"})


@dataclass(frozen=True)
class Fit:
    """How much of a name's registrable label the target's tokens explain."""

    coverage: float  # fraction of the label's letters and digits covered by known tokens
    tokens: tuple[str, ...]


def name_fit(label: str, vocabulary: dict[str, float]) -> Fit:
    """Greedy longest-match segmentation of `label` into vocabulary tokens (plus fillers)."""
    text = label.lower()
    covered = 0
    found: list[str] = []
    for piece in text.replace("_", "-").split("-"):
        i = 0
        while i < len(piece):
            for j in range(len(piece), i, -1):
                word = piece[i:j]
                if word in vocabulary or (word in FILLERS and j - i >= 2) or word.isdigit():
                    if word in vocabulary:
                        found.append(word)
                    covered += j - i
                    i = j
                    break
            else:
                i += 1
    letters = sum(1 for c in text if c.isalnum())
    return Fit(covered / letters if letters else 0.0, tuple(found))


def fit_vocabulary(profile: TargetProfile) -> dict[str, float]:
    """Tokens a look-alike of `profile` is made of: brands, host labels, pinyin, services, gov."""
    vocab = dict(profile_tokens(profile))
    for b in profile.brand_labels:
        vocab[b.lower()] = 0.0
    for host in profile.official_hosts:
        for part in host.lower().split(".")[:-1]:
            vocab.setdefault(part, 0.5)
    for g, c in GOV_TOKENS.items():
        vocab.setdefault(g, c)
    return vocab


#: a label counts as built from the target's tokens when they explain this much of it
MIN_COVERAGE = 0.8
#: a domain-detector score from which a name is kept whatever its tokens
MIN_DOMAIN_SCORE = 0.5


def looks_like(host: str, profile: TargetProfile, vocabulary: dict[str, float]) -> str | None:
    """Why `host` looks built from `profile`'s tokens (a reason), or None.

    Two tokens of the target (tzzy-zscx), or one with the brand or a gov token, covering most of
    the registrable label; or the domain detector's own judgement (homoglyphs, typos, IDNs).
    """
    from core.names import score_domain
    from core.netpath.domains import split_host

    scored = score_domain(host)
    if scored is not None and scored.score >= MIN_DOMAIN_SCORE:
        return f"域名检测器：{scored.score:.2f}"
    _, label, _ = split_host(host)
    fit = name_fit(label, vocabulary)
    strong = set(fit.tokens) & ({b.lower() for b in profile.brand_labels} | set(GOV_TOKENS))
    # English service words alone (check-service) name no target: one pinyin token at least
    named = strong or set(fit.tokens) & set(_pinyin_cached(profile))
    if fit.coverage >= MIN_COVERAGE and named and (len(set(fit.tokens)) >= 2 or strong):
        return f"域名由「{profile.owner}」目标的拼音/缩写/标识组成：{'+'.join(fit.tokens)}"
    return None
