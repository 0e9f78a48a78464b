"""The look-alike techniques and their weights: what a host's tokens say about one target.

Every number here is a judgement on one technique (the brand in the registrable label, a
service word, pinyin of the Chinese name, a Chinese IDN, the official domain used as a
subdomain, a `gov` token outside .gov.cn); `judge` keeps the strongest and lists the rest
as reasons an analyst can read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from core.names.lexicon import LabelScan
from core.names.vocabulary import PREFILTER_MIN_TERM, ZH_GOV, CompiledTarget, DomainScore


@dataclass
class Features:
    """What one host shows of one target."""

    brand_reg: dict[str, str] = field(default_factory=dict)  # token -> exact|homoglyph|typo
    brand_sub: dict[str, str] = field(default_factory=dict)
    terms: dict[str, str] = field(default_factory=dict)
    services: list[str] = field(default_factory=list)
    zh_terms: list[str] = field(default_factory=list)
    zh_service: bool = False
    abuse: str | None = None  # the official domain used as a subdomain


_KIND_ZH = {"exact": "", "homoglyph": "（用形近字符拼写）", "typo": "（错拼）"}


def judge(
    host: str, registered: str, target: CompiledTarget, f: Features, scan: LabelScan
) -> DomainScore | None:
    reasons: list[str] = []
    techniques: list[str] = []
    matched: list[str] = []
    score = 0.0
    strong_terms = [t for t in f.terms if len(t) >= PREFILTER_MIN_TERM]
    companions = bool(scan.gov or f.services or f.terms)
    if f.abuse:
        score = 0.95
        techniques.append("subdomain-abuse")
        reasons.append(f"把官方域名 {f.abuse} 放在他人注册的域名 {registered} 之下作子域名")
    brand_bucket = f.brand_reg or f.brand_sub
    if brand_bucket:
        tok, kind = sorted(
            brand_bucket.items(), key=lambda kv: ("exact", "homoglyph", "typo").index(kv[1])
        )[0]
        short = len(tok) <= 3
        if f.brand_reg:
            if scan.gov:
                b = 0.9
            elif f.services or f.terms:
                b = 0.82
            elif scan.cn:
                b = 0.7
            elif kind == "homoglyph":
                b = 0.6
            elif kind == "typo":
                b = 0.45
            else:
                b = 0.35 if short else 0.55
            if kind == "typo" and len(tok) < 5 and not companions:
                b = 0.0  # "gosta", "newsar": too many words are one letter from a short brand
            elif kind == "typo":
                b -= 0.05
            where = "注册域名"
        else:
            b = 0.88 if scan.gov else 0.7 if (f.services or f.terms) else 0.3 if short else 0.45
            if kind == "typo" and not companions:
                b = 0.0
            where = "子域名"
        if b > 0:
            score = max(score, b)
            techniques.append({"exact": "brand", "homoglyph": "homoglyph", "typo": "typo"}[kind])
            matched.append(tok)
            reasons.append(f"{where}中含有「{target.owner}」的域名标识「{tok}」{_KIND_ZH[kind]}")
    if f.terms and (strong_terms or scan.gov or f.services or brand_bucket):
        n = len(strong_terms)
        # one platform word alone ("tezhong-tiku": an exam-prep site) is common in honest
        # names; it takes a service word, a gov token, the brand or a second term to matter
        alone = n == 1 and not (f.services or scan.gov or brand_bucket)
        t = 0.4 if alone else 0.55 if n == 1 else 0.72 if n >= 2 else 0.4
        if f.services:
            t += 0.2
        if scan.gov:
            t += 0.25
        score = max(score, min(t, 0.88))
        techniques.append("pinyin")
        matched.extend(f.terms)
        reasons.append(f"含有「{target.name}」中文名称的拼音或缩写「{'、'.join(f.terms)}」")
    if f.zh_terms:
        score = max(score, 0.9 if f.zh_service else 0.85)
        techniques.append("idn")
        matched.extend(f.zh_terms)
        reasons.append(f"中文域名含有目标名称「{'、'.join(f.zh_terms)}」")
    if score <= 0:
        return None
    if scan.gov:
        techniques.append("gov-token")
        reasons.append("在真正的政府后缀 .gov.cn 之外使用「gov」等政府标记")
    if f.services:
        techniques.append("service-word")
        matched.extend(f.services)
        reasons.append(f"加上查询服务词「{'、'.join(f.services)}」")
    if scan.cn and not scan.gov:
        reasons.append("加上「cn/china」标记")
    extras = sum((bool(scan.gov), bool(f.services), bool(f.terms), bool(brand_bucket), scan.cn))
    score = min(0.99, score + 0.02 * max(0, extras - 1))
    return DomainScore(
        host=host,
        registered_domain=registered,
        score=round(score, 3),
        target=target.key,
        techniques=tuple(dict.fromkeys(techniques)),
        reasons=tuple(reasons),
        matched=tuple(dict.fromkeys(matched)),
        details={"abuse_of": f.abuse} if f.abuse else {},
    )


def judge_generic(
    host: str, registered: str, labels: Sequence[str], scan: LabelScan
) -> DomainScore | None:
    """A government identity claimed without naming any protected target."""
    sub = labels[:-1]
    if any(a == "gov" and b == "cn" for a, b in zip(sub, sub[1:], strict=False)):
        return DomainScore(
            host,
            registered,
            0.6,
            None,
            ("subdomain-abuse", "gov-token"),
            (f"把政府后缀 gov.cn 放在他人注册的域名 {registered} 之下作子域名",),
        )
    zh_gov = any(w in label for label in scan.unicode_labels for w in ZH_GOV)
    if scan.gov_strong or zh_gov:
        score = 0.45 if scan.cn else 0.35
        return DomainScore(
            host,
            registered,
            score,
            None,
            ("gov-token",),
            ("在真正的政府后缀 .gov.cn 之外使用「gov」或「政府」等政府标记",),
        )
    return None
