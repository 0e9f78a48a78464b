"""Look-alike generation operators, ranked by prior likelihood (issue 12, item 1).

Every name is built from the target profile (official host, brand labels, Chinese names and the
pinyin words and initials pypinyin derives from them, service words) plus general vocabulary
(gov/zf/zw tokens, Chinese query suffixes, cheap TLDs) — never from any world's site names.
Each operator gives labels with a cost (−log prior, roughly): the official host's tokens
hyphenated cost least, pinyin pairs and homoglyph compositions more. A name's cost is its
label's cost plus its TLD's; `ranked` yields names cheapest first, so a DNS budget spends its
queries on the likeliest names.

Longer than 400 lines: the operators, their costs and the one merge that ranks their names
belong together. Whether a found name is built from a target's tokens is `namefit`.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from core.profiles import TargetProfile
from core.profiles._pinyin import derive_pinyin

# fmt: off
#: TLD cost: the suffixes registrants of Chinese phishing/fake-certificate sites use most
#: (cheap gTLDs, .cn and its second levels) cost least. General knowledge, not world-fitted.
TLD_COST: dict[str, float] = {
    "com": 0.0, "cn": 0.1, "top": 0.4, "net": 0.4, "com.cn": 0.5, "xyz": 0.6, "vip": 0.6,
    "cc": 0.6, "icu": 0.7, "site": 0.7, "shop": 0.8, "cyou": 0.8, "net.cn": 0.8, "online": 0.9,
    "org": 1.0, "info": 1.1, "ltd": 1.1, "wang": 1.1, "club": 1.1, "work": 1.2, "fun": 1.2,
    "live": 1.2, "org.cn": 1.2, "buzz": 1.2, "sbs": 1.2,
}
#: Chinese IDN TLDs (中国, 公司, 网络) plus .cn and .com, for Chinese labels.
IDN_TLD_COST: dict[str, float] = {
    "cn": 0.0, "com": 0.0, "xn--fiqs8s": 0.3, "xn--55qx5d": 0.5, "xn--io0a7i": 0.5,
}
#: Chinese suffixes under which a label ending in a gov token reads like a .gov.cn name
#: (yjbgov.cn, ajj-zw.com.cn): these pairs cost CN_GOV_BONUS less, whatever TLDs a gang uses
CN_SUFFIXES = ("cn", "com.cn", "net.cn", "org.cn")
CN_GOV_BONUS = 0.6
#: government tokens outside .gov.cn: gov, 政府 zf, 政务 zw, 政务服务 zwfw
GOV_TOKENS: dict[str, float] = {"gov": 0.0, "zf": 0.4, "zw": 0.4, "zwfw": 0.7, "govcn": 0.8}
#: what a query site calls itself after the name (查询 query, 查验 check, 官网 official site ...)
ZH_SUFFIXES: dict[str, float] = {
    "": 0.3, "查询": 0.0, "证书查询": 0.2, "官网": 0.3, "查验": 0.5, "验证": 0.6, "官网查询": 0.5,
    "查询网": 0.6, "查询中心": 0.6, "查询平台": 0.6, "查询系统": 0.7, "证书查验": 0.7,
    "在线查询": 0.8, "信息查询": 0.8, "网": 0.8, "中心": 0.9, "平台": 0.9,
}
#: the suffix composed of parts, as query sites name themselves: what is looked up (证书 ...),
#: the lookup (查询, 查验 ... and the profile's `lookup_words`), what the site is (网, 中心 ...):
#: 证书 + 查询 + 网, 在线 + 查验, 查询 + 平台
ZH_HEADS: dict[str, float] = {"": 0.0, "证书": 0.2, "证": 0.5, "信息": 0.6, "在线": 0.6}
ZH_LOOKUPS: dict[str, float] = {
    "查询": 0.0, "官网": 0.3, "查验": 0.5, "官网查询": 0.5, "验证": 0.6, "核验": 0.7,
}
ZH_TAILS: dict[str, float] = {
    "": 0.0, "网": 0.5, "中心": 0.5, "平台": 0.5, "系统": 0.6, "官网": 0.6, "入口": 0.7,
}
#: each part beyond the lookup itself costs this much more
ZH_PART_COST = 0.2
# fmt: on
#: ASCII homoglyphs that survive lower-casing (m→rn, o→0, l→1, w→vv)
HOMOGLYPHS = (("m", "rn"), ("o", "0"), ("l", "1"), ("w", "vv"), ("i", "1"))
SEPARATORS = ("", "-")
#: how many of the cheapest official-token names get their typos queried early
TYPO_BASES = 6
MAX_LABEL = 40
#: an IDN's A-label is long for few characters (国家安全生产考试查询平台: 41); DNS allows 63
MAX_IDN_LABEL = 63
#: a pinyin term longer than this is rarely typed into a domain name
LONG_TERM = 15
#: Chinese words are mostly two characters: chunk a term so partial names can be drawn
CHUNK = 2
MAX_CHUNKS = 6


@dataclass(frozen=True)
class Generated:
    """One name with how it was built (technique) and why an analyst should care (reason)."""

    domain: str
    technique: str
    reason: str
    cost: float


@dataclass(frozen=True)
class _Label:
    label: str
    technique: str
    cost: float
    idn: bool = False


def _chunks(term: str) -> list[str]:
    out = [term[i : i + CHUNK] for i in range(0, len(term), CHUNK)]
    if len(out) > 1 and len(out[-1]) == 1:  # 操作证 → 操作证, not 操作 + 证
        out[-2:] = [out[-2] + out[-1]]
    return out


def partial_terms(names_zh: Iterable[str]) -> list[str]:
    """Sub-sequences of the 2-character words of each short name (特种作业操作证 → 特种操作证,
    安全生产 → 安全)."""
    out: list[str] = []
    for term in names_zh:
        chunks = _chunks(term.strip())
        if not 2 <= len(chunks) <= MAX_CHUNKS:
            continue
        for n in range(1, len(chunks)):
            out += map("".join, itertools.combinations(chunks, n))
    return list(dict.fromkeys(out))


def pinyin_tokens(profile: TargetProfile) -> dict[str, float]:
    """Pinyin words and initials of the profile's names (listed, derived, partial), with cost."""
    return profile_tokens(profile, services=False)


def profile_tokens(profile: TargetProfile, *, services: bool = True) -> dict[str, float]:
    """ASCII tokens a look-alike label is built from, with their cost."""
    tokens: dict[str, float] = {}

    def add(tok: str, cost: float) -> None:
        tok = tok.lower()
        if tok.isascii() and tok.isalnum() and len(tok) >= 2:
            tokens[tok] = min(tokens.get(tok, cost), cost + (1.0 if len(tok) > LONG_TERM else 0))

    for i, t in enumerate((*profile.abbreviations, *profile.pinyin)):
        add(t, 1.0 + 0.02 * i)
    words, initials = derive_pinyin(partial_terms(profile.names_zh))
    for i, t in enumerate((*initials, *words)):
        add(t, 1.6 + 0.01 * i)
    # names the owner went by before (安监总局 ajzj, 安监局 ajj)
    words, initials = derive_pinyin(profile.former_names)
    for i, t in enumerate((*initials, *words)):
        add(t, 1.3 + 0.02 * i)
    # the general query-site vocabulary (查询平台 cxpt, 查询中心 cxzx ...) as pinyin too
    words, initials = derive_pinyin(s for s in ZH_SUFFIXES if len(s) >= 2)
    for i, t in enumerate((*initials, *words)):
        add(t, 1.5 + 0.01 * i)
    if services:
        for i, w in enumerate(profile.service_words):
            add(w, 0.9 + 0.03 * i)
    return tokens


def _joins(parts: list[str]) -> Iterator[str]:
    """Every way to glue `parts` with '' or '-' (cx mem gov → cxmemgov, cx-memgov, cx-mem-gov ...)."""
    for seps in itertools.product(SEPARATORS, repeat=len(parts) - 1):
        yield parts[0] + "".join(s + p for s, p in zip(seps, parts[1:], strict=True))


def _labels(profile: TargetProfile) -> Iterator[_Label]:
    brands = list(dict.fromkeys(b.lower() for b in profile.brand_labels))
    toks = profile_tokens(profile)
    # 1. the official host's tokens hyphenated at every split (cx-mem-gov, cxmem-gov, mem-gov-cn)
    bases: dict[str, float] = {}
    for parts in (h.lower().split(".") for h in profile.official_hosts):
        for i, j in itertools.combinations(range(len(parts) + 1), 2):
            sub = parts[i:j]
            if len(sub) < 2 or not set(sub) & set(brands):
                continue  # gov-cn alone imitates nobody
            for gov, gcost in ((None, 0.0), *GOV_TOKENS.items()):
                swapped = [gov if (p == "gov" and gov) else p for p in sub] if gov else sub
                if gov and "gov" not in sub:
                    continue
                for label in _joins(swapped):
                    bases[label] = min(bases.get(label, 9.0), 0.3 + 0.1 * label.count("-") + gcost)
    # 2. brand with a gov token (memgov, gov-mem, cxmem-zw)
    for b in brands:
        for g, gcost in GOV_TOKENS.items():
            for label, c in (
                (f"{b}{g}", 0.4),
                (f"{b}-{g}", 0.4),
                (f"{g}-{b}", 0.7),
                (f"{g}{b}", 0.8),
            ):
                bases[label] = min(bases.get(label, 9.0), c + gcost)
    for label, cost in bases.items():
        yield _Label(label, "official-tokens", cost)
    # 3. homoglyph / keyboard edits composed with the cheapest bases
    cheapest = sorted(bases.items(), key=lambda kv: (kv[1], kv[0]))
    for n, (label, cost) in enumerate(cheapest[:60]):
        for variant in homoglyph_edits(label):
            yield _Label(variant, "homoglyph", cost + 1.3)
        # typos of the few names people actually type (cxmem, memgov) are worth a query
        for variant in _typo_edits(label):
            yield _Label(variant, "typo", cost + (1.7 if n < TYPO_BASES else 2.6))
    # 4. brand or official base with a pinyin/service keyword (tzzy-mem, memczz, cxmem-gov-zscx)
    for kw, kcost in toks.items():
        for b in brands:
            if kw == b:
                continue
            for label, c in (
                (f"{kw}-{b}", 0.8),
                (f"{b}-{kw}", 0.8),
                (f"{b}{kw}", 1.0),
                (f"{kw}{b}", 1.0),
            ):
                yield _Label(label, "keyword-brand", c + kcost)
        for label, bcost in bases.items():
            if bcost <= 0.6 and kw not in label:  # memgov-cx, cxmem-gov-zscx, memgovcx
                yield _Label(f"{label}-{kw}", "keyword-brand", 0.9 + bcost + kcost)
                yield _Label(f"{label}{kw}", "keyword-brand", 1.1 + bcost + kcost)
        # 5. agency/pinyin initials with a gov token (yjglb-gov, aqsczf)
        for g, gcost in GOV_TOKENS.items():
            for label, c in ((f"{kw}{g}", 0.8), (f"{kw}-{g}", 0.8), (f"{g}-{kw}", 1.1)):
                yield _Label(label, "pinyin-gov", c + kcost + gcost)
        # 6. the pinyin term alone
        yield _Label(kw, "pinyin", 1.2 + kcost)
    # 7. pairs of pinyin/service keywords (tzzy-zscx, aqscczz), optionally a third short word
    ordered = sorted(toks.items(), key=lambda kv: kv[1])
    for (a, ca), (b, cb) in itertools.permutations(ordered, 2):
        if a in b or b in a:
            continue
        for sep in SEPARATORS:
            yield _Label(f"{a}{sep}{b}", "pinyin-pair", 1.2 + ca + cb + (0.1 if sep else 0.0))
    # 8. Chinese IDN labels: the platform's and ministry's names with query suffixes
    zh_terms = [n for n in (*profile.names_zh, profile.owner) if len(n) <= 10]
    zh_terms += partial_terms(profile.names_zh)
    suffixes = zh_suffixes(profile)
    # the certificates the platform looks up (电工证查询): after the platform's own names
    terms = [(t, 0.03 * i) for i, t in enumerate(dict.fromkeys(zh_terms))]
    terms += [(c, 0.5 + 0.03 * i) for i, c in enumerate(profile.certificates) if len(c) <= 10]
    for term, tcost in dict(reversed(terms)).items():
        for suffix, scost in suffixes.items():
            if suffix and (term.endswith(suffix) or term.endswith(suffix[:1])):
                continue
            try:
                ace = "xn--" + (term + suffix).encode("punycode").decode("ascii")
            except UnicodeError:
                continue
            yield _Label(ace, "idn", 1.0 + tcost + scost, idn=True)


def zh_suffixes(profile: TargetProfile) -> dict[str, float]:
    """Chinese suffixes of a query site's IDN label with their cost: the listed ones, and every
    head + lookup + tail composition (the profile's `lookup_words` are lookups too)."""
    lookups = dict(ZH_LOOKUPS)
    for i, word in enumerate(profile.lookup_words):
        lookups.setdefault(word, 0.3 + 0.02 * i)
    out = dict(ZH_SUFFIXES)
    for (head, hc), (look, lc), (tail, tc) in itertools.product(
        ZH_HEADS.items(), lookups.items(), ZH_TAILS.items()
    ):
        if (head and head in look) or (tail and any(look.endswith(t) for t in ZH_TAILS if t)):
            continue
        cost = hc + lc + tc + ZH_PART_COST * (bool(head) + bool(tail))
        suffix = head + look + tail
        out[suffix] = min(out.get(suffix, cost), cost)
    return out


def homoglyph_edits(label: str, pairs: Iterable[tuple[str, str]] = HOMOGLYPHS) -> list[str]:
    """`label` with one occurrence of a letter swapped for its ASCII homoglyph, each way."""
    out = []
    for src, dst in pairs:
        start = label.find(src)
        while start >= 0:
            out.append(label[:start] + dst + label[start + len(src) :])
            start = label.find(src, start + 1)
    return list(dict.fromkeys(out))


def _typo_edits(label: str) -> list[str]:
    """Omission, doubling and transposition of letters (not across a hyphen)."""
    out: list[str] = []
    for i in range(len(label)):
        if label[i] == "-":
            continue
        out.append(label[:i] + label[i + 1 :])
        out.append(label[:i] + label[i] + label[i:])
        if i + 1 < len(label) and label[i + 1] != "-" and label[i] != label[i + 1]:
            out.append(label[:i] + label[i + 1] + label[i] + label[i + 2 :])
    return [o for o in dict.fromkeys(out) if o and not o.startswith("-") and not o.endswith("-")]


_WHY = {
    "official-tokens": "把官方域名「{host}」的各段拼接或加连字符，或换成 gov/zf/zw 字样：{label}",
    "homoglyph": "用形近字符（如 m→rn）仿写官方域名各段：{label}",
    "typo": "官方域名各段的错拼：{label}",
    "keyword-brand": "「{owner}」的域名标识加拼音或查询服务词：{label}",
    "pinyin-gov": "目标中文名称的拼音或缩写加 gov/zf/zw 字样：{label}",
    "pinyin": "目标中文名称的拼音或缩写：{label}",
    "pinyin-pair": "两个目标名称拼音/缩写或查询服务词的组合：{label}",
    "idn": "含有目标中文名称的中文域名：{label}",
    "subdomain-abuse": "把官方域名 {host} 放在他人域名之下作子域名：{label}",
}


@dataclass(frozen=True)
class LabelTable:
    """Every label of a profile with its prior cost, and the TLD costs it is combined with."""

    labels: tuple[_Label, ...]
    tld_cost: dict[str, float]
    host: str
    owner: str


def label_table(profile: TargetProfile, tlds: Iterable[str] | None = None) -> LabelTable:
    """The operators' labels (cheapest of duplicates kept) plus the official host and registrable
    domain as a prefix of other zones (cx.mem.gov.cn.top)."""
    tld_cost = {t: TLD_COST.get(t, 1.3) for t in tlds} if tlds is not None else dict(TLD_COST)
    labels: dict[str, _Label] = {}
    for lab in _labels(profile):
        if len(lab.label) > (MAX_IDN_LABEL if lab.idn else MAX_LABEL):
            continue
        old = labels.get(lab.label)
        if old is None or lab.cost < old.cost:
            labels[lab.label] = lab
    for h in (*profile.official_hosts, *profile.registrable_domains):
        labels.setdefault(h.lower(), _Label(h.lower(), "subdomain-abuse", 0.8))
    host = profile.official_hosts[0] if profile.official_hosts else ""
    return LabelTable(tuple(labels.values()), tld_cost, host, profile.owner)


#: a label's extra cost (negative: a bonus) and the words that earned it
Bonus = Callable[[_Label], tuple[float, tuple[str, ...]]]


def merged(
    table: LabelTable,
    label_bonus: Bonus | None = None,
    tld_ceiling: dict[str, float] | None = None,
    tld_penalty: float = 0.0,
) -> Iterator[Generated]:
    """Every name of `table`, cheapest first, after the bonuses (a label's extra cost; a TLD's
    cost capped by `tld_ceiling`): a k-way merge of one stream per TLD over the labels sorted by
    cost, so nothing of size labels × TLDs is ever built. With a ceiling, the TLDs not in it
    cost `tld_penalty` more."""
    ceiling = tld_ceiling or {}

    def tld_cost(t: str, c: float) -> float:
        return min(c, ceiling[t]) if t in ceiling else c + (tld_penalty if ceiling else 0.0)

    plain: list[tuple[float, str, _Label, tuple[str, ...]]] = []
    idn: list[tuple[float, str, _Label, tuple[str, ...]]] = []
    for lab in table.labels:
        extra, why = label_bonus(lab) if label_bonus is not None else (0.0, ())
        (idn if lab.idn else plain).append((lab.cost + extra, lab.label, lab, why))
    plain.sort(key=lambda x: (x[0], x[1]))
    idn.sort(key=lambda x: (x[0], x[1]))
    streams = [(plain, t, tld_cost(t, c)) for t, c in table.tld_cost.items()]
    streams += [(idn, t, tld_cost(t, c)) for t, c in IDN_TLD_COST.items()]
    # a label ending in a gov token under a Chinese suffix (xxgov.com.cn reads like xx.gov.cn):
    # its own stream, cheaper, and outside what the learned TLDs say
    gov_rows = [r for r in plain if r[1].endswith(tuple(GOV_TOKENS))]
    streams += [
        (gov_rows, t, table.tld_cost[t] - CN_GOV_BONUS)
        for t in CN_SUFFIXES
        if t in table.tld_cost and gov_rows
    ]
    # a TLD registered look-alikes use that the list lacks joins it (ASCII labels only)
    streams += [
        (plain, t, c)
        for t, c in ceiling.items()
        if t not in table.tld_cost and t not in IDN_TLD_COST and not t.startswith("xn--")
    ]
    heap = [
        (rows[0][0] + tc, f"{rows[0][1]}.{t}", k, 0)
        for k, (rows, t, tc) in enumerate(streams)
        if rows
    ]
    heapq.heapify(heap)
    seen: set[str] = set()
    while heap:
        cost, domain, k, i = heapq.heappop(heap)
        rows, tld, tcost = streams[k]
        if i + 1 < len(rows):
            nxt = rows[i + 1]
            heapq.heappush(heap, (nxt[0] + tcost, f"{nxt[1]}.{tld}", k, i + 1))
        if domain in seen:
            continue
        seen.add(domain)
        _, label, lab, words = rows[i]
        yield Generated(domain, lab.technique, _reason(table, lab, words), round(cost, 3))


def _reason(table: LabelTable, lab: _Label, learned: tuple[str, ...]) -> str:
    shown = lab.label
    if shown.startswith("xn--"):
        try:
            shown = shown.encode("ascii").decode("idna")
        except UnicodeError:
            shown = lab.label
    why = _WHY[lab.technique].format(host=table.host, owner=table.owner, label=shown)
    if learned:
        why += f"（已注册的仿冒域名也用「{'、'.join(learned)}」，优先查询）"
    return why


def ranked(profile: TargetProfile, tlds: Iterable[str] | None = None) -> Iterator[Generated]:
    """Every generated name of `profile`, cheapest (likeliest) first; duplicates removed."""
    return merged(label_table(profile, tlds))
