"""Fast look-alike scoring of one host name against every protected target.

`score_domain(host, index)` is a pure function shared by the domain detector and the bulk
`zhenwei score-domains` feed, so it must stay cheap: one precompiled regex rejects the
vast majority of names in well under a microsecond, and only the rest are split into
tokens (registrable-domain aware) and scored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rapidfuzz.distance import OSA

from core.confusables import ascii_skeleton, unicode_skeleton
from core.netpath.domains import split_host, to_ascii
from core.profiles import TargetProfile, load_allowlist, load_profiles

#: Suffixes only the state can hold: a host under them is a government identity.
GOV_SUFFIXES = frozenset({"gov.cn", "政务", "xn--zfr164b"})
#: Tokens that claim a government identity when used outside the real suffix.
GOV_TOKENS = ("gov", "govcn", "zhengfu", "zhengwu", "zf", "zw")
_STRONG_GOV = ("gov", "zhengfu", "zhengwu")
CN_TOKENS = ("cn", "china", "zhongguo", "zg")
FILLER_TOKENS = ("www", "wap", "web", "h5", "app", "online", "net", "new")
#: Chinese words in IDN labels that are service words, not a target's own name.
ZH_SERVICE = ("查询", "证书", "查验", "验证", "官网", "平台", "证书查询", "在线查询")
ZH_GOV = ("政府", "政务", "官方")
#: Long terms and service words are specific enough to send a name to full scoring.
PREFILTER_MIN_TERM = 4
MIN_SCORE = 0.25

_SPLIT = re.compile(r"[^a-z\u00c0-\uffff]+")
_IP = re.compile(r"^[0-9.]+$|:")


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
class _Target:
    key: str
    name: str
    owner: str
    official_hosts: frozenset[str]
    registrable_domains: tuple[str, ...]
    brands: frozenset[str]
    terms: frozenset[str]
    services: frozenset[str]
    zh_terms: tuple[str, ...]


@dataclass
class _Features:
    brand_reg: dict[str, str] = field(default_factory=dict)  # token -> exact|homoglyph|typo
    brand_sub: dict[str, str] = field(default_factory=dict)
    terms: dict[str, str] = field(default_factory=dict)
    services: list[str] = field(default_factory=list)
    zh_terms: list[str] = field(default_factory=list)
    zh_service: bool = False
    abuse: str | None = None  # the official domain used as a subdomain


@dataclass
class _LabelScan:
    """Tokens found in the non-suffix labels of one host."""

    clean: list[tuple[str, bool, str]] = field(default_factory=list)  # token, in_reg, kind
    typos: list[tuple[str, str, bool]] = field(default_factory=list)  # run, brand, in_reg
    gov: bool = False
    gov_strong: bool = False
    cn: bool = False
    unicode_labels: list[str] = field(default_factory=list)


class DomainIndex:
    """Every protected target's names, compiled once for fast scoring of many hosts."""

    def __init__(self, profiles: Sequence[TargetProfile], allowlist: Iterable[str] = ()) -> None:
        self.targets: tuple[_Target, ...] = tuple(_compile_target(p) for p in profiles)
        self.allowlist = frozenset(h.lower().rstrip(".") for h in allowlist)
        self._allow_suffixes = tuple("." + h for h in sorted(self.allowlist))
        self._host_owner = {h: t for t in self.targets for h in t.official_hosts}
        self._domain_owner = {d: t for t in self.targets for d in t.registrable_domains}
        self._seq = tuple(
            ("." + d + ".", d, t) for t in self.targets for d in t.registrable_domains
        )
        roles: dict[str, list[tuple[int, str]]] = {}
        for i, t in enumerate(self.targets):
            # one role per token and target, strongest first
            for role, tokens in (("brand", t.brands), ("service", t.services), ("term", t.terms)):
                for tok in tokens:
                    if not any(r[0] == i for r in roles.get(tok, ())):
                        roles.setdefault(tok, []).append((i, role))
        self._roles = {k: tuple(v) for k, v in roles.items()}
        self._global = {
            **{tok: "filler" for tok in FILLER_TOKENS},
            **{tok: "cn" for tok in CN_TOKENS},
            **{tok: "gov" for tok in GOV_TOKENS},
        }
        self._tokens = frozenset(self._roles) | frozenset(self._global)
        self._lengths = tuple(sorted({len(t) for t in self._tokens}, reverse=True))
        self._brands = tuple(sorted({b for t in self.targets for b in t.brands}))
        self._long_brands = tuple(b for b in self._brands if len(b) >= 5)
        strong = {b for b in self._brands}
        strong |= {tok for t in self.targets for tok in t.terms if len(tok) >= PREFILTER_MIN_TERM}
        strong |= {tok for t in self.targets for tok in t.terms if len(tok) == 3}
        strong |= {
            tok for t in self.targets for tok in t.services if len(tok) >= 4 and tok.isalpha()
        }
        strong |= set(_STRONG_GOV)
        alternation = "|".join(re.escape(s) for s in sorted(strong, key=lambda s: (-len(s), s)))
        self._prefilter = re.compile(alternation)
        self.segment = lru_cache(maxsize=1 << 16)(self._segment)

    @classmethod
    def default(cls) -> DomainIndex:
        """The index of the shipped profiles and allowlist."""
        return _default_index()

    # -- tokenising -------------------------------------------------------------------------

    def _segment(self, piece: str) -> tuple[tuple[str, ...], tuple[str, ...], bool, bool]:
        """Best cover of `piece` by known tokens: (tokens, uncovered runs, starts, ends).

        `starts`/`ends` tell whether a token touches the piece's first/last character.
        """
        n = len(piece)
        tokens = self._tokens
        best: list[tuple[int, int]] = [(0, 0)] * (n + 1)
        back = [0] * (n + 1)
        for i in range(1, n + 1):
            b = best[i - 1]
            bl = 0
            for length in self._lengths:
                if length <= i and piece[i - length : i] in tokens:
                    prev = best[i - length]
                    cand = (prev[0] + length, prev[1] - 1)
                    if cand > b:
                        b, bl = cand, length
            best[i] = b
            back[i] = bl
        found: list[str] = []
        runs: list[str] = []
        run = ""
        i = n
        ends = back[n] > 0
        starts = False
        while i > 0:
            length = back[i]
            if length:
                if run:
                    runs.append(run[::-1])
                    run = ""
                found.append(piece[i - length : i])
                starts = i - length == 0
                i -= length
            else:
                run += piece[i - 1]
                i -= 1
        if run:
            runs.append(run[::-1])
        return tuple(reversed(found)), tuple(reversed(runs)), starts, ends

    def _typo_brand(self, run: str) -> str | None:
        if len(run) < 3:
            return None
        for brand in self._brands:
            if abs(len(brand) - len(run)) > 1 or OSA.distance(run, brand, score_cutoff=1) > 1:
                continue
            # one substituted letter of a 3-letter brand is a common syllable (mem → mei, men)
            if len(brand) <= 3 and len(run) == len(brand) and sorted(run) != sorted(brand):
                continue
            return brand
        return None

    def _scan_piece(
        self, piece: str, raw_label: str, in_reg: bool, scan: _LabelScan, *, typos_ok: bool = True
    ) -> None:
        found, runs, starts, ends = self.segment(piece)
        # typos are looked for in the label as written, never on top of a homoglyph reading
        typos = [(r, self._typo_brand(r) if typos_ok else None) for r in runs]
        clean = all(b is not None for _, b in typos)
        for run, brand in typos:
            if brand is not None and clean:
                scan.typos.append((run, brand, in_reg))
        if typos_ok and not clean and (len(runs) > 1 or (runs and found)):
            whole = self._typo_brand(piece)
            if whole is not None:
                # "memm", "mohurdd": the tokenizer split a misspelt brand
                scan.typos.append((piece, whole, in_reg))
        for tok in found:
            role = self._global.get(tok)
            if role == "gov":
                # "bjgov" claims an identity even when attached; "governor" does not
                if clean or (ends and tok == found[-1]):
                    scan.gov = True
                    scan.gov_strong = scan.gov_strong or tok in _STRONG_GOV
            elif role == "cn":
                scan.cn = scan.cn or clean
            elif clean and tok in self._roles:
                kind = "exact" if tok in raw_label else "homoglyph"
                scan.clean.append((tok, in_reg, kind))

    def _scan(self, labels: Sequence[str], reg_index: int) -> _LabelScan:
        scan = _LabelScan()
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

    # -- scoring ----------------------------------------------------------------------------

    def quick_reject(self, host: str) -> bool:
        """True when `host` certainly scores nothing (the bulk feed's cheap first pass)."""
        if not host.isascii() or "xn--" in host:
            return False
        if self._prefilter.search(host):
            return False
        skeleton = ascii_skeleton(host)
        if skeleton != host and self._prefilter.search(skeleton):
            return False
        if host in self.allowlist or host.endswith(self._allow_suffixes):
            return False
        if self._long_brands:
            for label in host.split("."):
                if 4 <= len(label) <= 9 and self._typo_brand(label) in self._long_brands:
                    return False
        return True

    def score(self, host: str) -> DomainScore | None:
        """Score one host name; None when it resembles no protected target."""
        host = normalise_host(host)
        if not host.isascii():
            host = to_ascii(host)
        if not host or _IP.search(host) or self.quick_reject(host):
            return None
        return self._score_full(host)

    def _official(self, host: str, registered: str, suffix: str) -> DomainScore | None:
        owner = self._host_owner.get(host)
        if owner is not None:
            return DomainScore(
                host,
                registered,
                0.0,
                owner.key,
                ("official-host",),
                (f"{host} 是「{owner.name}」的官方网址",),
                official=True,
                official_kind="target-host",
            )
        owner = self._domain_owner.get(registered)
        if owner is not None:
            return DomainScore(
                host,
                registered,
                0.0,
                owner.key,
                ("official-domain",),
                (f"{host} 属于{owner.owner}的官方域名 {registered}，但不是「{owner.name}」的网址",),
                official=True,
                official_kind="target-domain",
                details={"target_host": False},
            )
        if host in self.allowlist or host.endswith(self._allow_suffixes):
            return DomainScore(
                host,
                registered,
                0.0,
                None,
                ("allowlist",),
                (f"{host} 在官方非 .gov.cn 平台白名单中",),
                official=True,
                official_kind="allowlist",
            )
        if suffix in GOV_SUFFIXES or suffix.endswith(".gov.cn"):
            return DomainScore(
                host,
                registered,
                0.0,
                None,
                ("gov-suffix",),
                (f"{host} 使用只有政府机关能注册的后缀 .{suffix}，但不是任何受保护平台的官方网址",),
                official=True,
                official_kind="gov",
                details={"gov_host_not_target": True},
            )
        return None

    def _score_full(self, host: str) -> DomainScore | None:
        subdomain, domain, suffix = split_host(host)
        registered = f"{domain}.{suffix}" if domain and suffix else host
        official = self._official(host, registered, suffix)
        if official is not None:
            return official
        if not domain:
            return None
        labels = [*(subdomain.split(".") if subdomain else ()), domain]
        scan = self._scan(labels, len(labels) - 1)
        best: DomainScore | None = None
        for i, target in enumerate(self.targets):
            feats = self._features(i, target, host, registered, scan)
            result = _judge(host, registered, target, feats, scan)
            if result is not None and (best is None or result.score > best.score):
                best = result
        if best is None:
            best = _judge_generic(host, registered, labels, scan)
        if best is None or best.score < MIN_SCORE:
            return None
        return best

    def _features(
        self, i: int, target: _Target, host: str, registered: str, scan: _LabelScan
    ) -> _Features:
        feats = _Features()
        dotted = "." + host + "."
        for needle, domain, owner in self._seq:
            if owner is target and needle in dotted and registered != domain:
                feats.abuse = domain
        for tok, in_reg, kind in scan.clean:
            role = next((r for ti, r in self._roles.get(tok, ()) if ti == i), None)
            if role == "brand":
                bucket = feats.brand_reg if in_reg else feats.brand_sub
                if bucket.get(tok) != "exact":
                    bucket[tok] = kind
            elif role == "service":
                if tok not in feats.services:
                    feats.services.append(tok)
            elif role == "term" and feats.terms.get(tok) != "exact":
                feats.terms[tok] = kind
        for run, brand, in_reg in scan.typos:
            if brand in target.brands:
                bucket = feats.brand_reg if in_reg else feats.brand_sub
                bucket.setdefault(brand, "typo")
                feats.terms.pop(run, None)
        for label in scan.unicode_labels:
            for term in target.zh_terms:
                if term in label and term not in feats.zh_terms:
                    feats.zh_terms.append(term)
            feats.zh_service = feats.zh_service or any(w in label for w in ZH_SERVICE)
        return feats


def _compile_target(p: TargetProfile) -> _Target:
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
    return _Target(
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


_KIND_ZH = {"exact": "", "homoglyph": "（用形近字符拼写）", "typo": "（错拼）"}


def _judge(
    host: str, registered: str, target: _Target, f: _Features, scan: _LabelScan
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


def _judge_generic(
    host: str, registered: str, labels: Sequence[str], scan: _LabelScan
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


def score_domain(host: str, index: DomainIndex | None = None) -> DomainScore | None:
    """Score one host name against every protected target (None: nothing of note)."""
    return (index or _default_index()).score(host)


@lru_cache(maxsize=1)
def _default_index() -> DomainIndex:
    return DomainIndex(load_profiles(), load_allowlist())
