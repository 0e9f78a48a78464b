"""Registrable look-alike names of a protected target, for the permutation discovery source.

Counterfeiters register names like `cx-mem-gov.cn`, `memgov.com`, `tzzycx.com` or
`mem.gov.cn.top` (ARCHITECTURE §1, FIELD-NOTES "Domains"). This module lists such names
deterministically, best first; dnstwist's fuzzers supply the typo and homoglyph variants.
Names under suffixes nobody can register (gov.cn, 政务, edu.cn ...) are never produced.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import dnstwist
import tldextract

from core.profiles import TargetProfile

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
GOV_SUFFIX_TOKENS = ("gov", "govcn", "gov-cn", "zf", "zw")
#: Output order by first appearance: the names counterfeiters register most come first
#: (gov-token combined with service words follows the few subdomain-abuse names).
TECHNIQUES = ("gov-token", "subdomain-abuse", "service-word", "pinyin", "idn", "homoglyph", "typo")
#: dnstwist fuzzers that model typing mistakes.
TYPO_FUZZERS = ("omission", "insertion", "transposition", "repetition", "replacement", "vowel-swap")
ZH_SERVICE_SUFFIXES = ("", "查询", "证书查询")
MAX_IDN_TERM = 8
MAX_TERM_LABEL = 15
#: pinyin terms are combined with the profile's first (most used) service words only
PINYIN_SERVICE_WORDS = 8

_LDH = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@dataclass(frozen=True)
class Lookalike:
    """One registrable name that imitates a target, with how it was built."""

    domain: str
    technique: str
    reason: str


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
        if domain in seen or domain in official or not _registrable(domain, official):
            continue
        seen.add(domain)
        out.append(item)
        if limit is not None and len(out) >= limit:
            break
    return out


def _registrable(domain: str, official: set[str]) -> bool:
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
    brands = _unique(b.lower() for b in profile.brand_labels)
    services = _unique(w.lower() for w in profile.service_words if w.isascii() and w.isalnum())
    terms = _unique(
        t.lower()
        for t in (*profile.pinyin, *profile.abbreviations)
        if t.isascii() and t.isalpha() and len(t) >= 3 and t.lower() not in services
    )
    # short terms (tzzy, aqsc, tezhongzuoye) are what people type; full titles come last
    terms.sort(key=lambda t: len(t) > MAX_TERM_LABEL)
    owner = profile.owner

    def names(labels: Iterable[str], technique: str, why: str) -> Iterator[Lookalike]:
        for label in _unique(labels):
            for tld in tlds:
                yield Lookalike(f"{label}.{tld}", technique, why.format(label=label))

    gov_why = f"在 .gov.cn 之外把「{owner}」的域名标识与 gov 拼在一起：{{label}}"
    yield from names(
        (
            combo
            for b in brands
            for combo in (
                f"{b}gov",
                f"{b}-gov",
                f"gov{b}",
                f"gov-{b}",
                f"{b}govcn",
                f"{b}-gov-cn",
                f"{b}zf",
                f"{b}-zw",
            )
        ),
        "gov-token",
        gov_why,
    )

    for host in _unique((*profile.official_hosts, *profile.registrable_domains)):
        for tld in tlds:
            yield Lookalike(
                f"{host.lower()}.{tld}",
                "subdomain-abuse",
                f"把官方域名 {host} 放在 .{tld} 的他人域名之下作子域名",
            )

    yield from names(
        (
            combo
            for b in brands
            for w in services
            for combo in (
                f"{w}-{b}-gov", f"{w}{b}gov", f"{w}{b}-gov", f"{w}-{b}gov", f"{b}gov{w}", f"{b}gov-{w}"
            )
        ),
        "gov-token",
        gov_why,
    )

    service_labels = [
        combo
        for b in brands
        for w in services
        for combo in (f"{w}{b}", f"{w}-{b}", f"{b}{w}", f"{b}-{w}")
    ]
    yield from names(
        service_labels, "service-word", f"「{owner}」的域名标识加查询服务词：{{label}}"
    )

    pinyin_labels = list(terms)
    pinyin_labels += [
        combo
        for t in terms
        for w in services[:PINYIN_SERVICE_WORDS]
        for combo in (f"{t}{w}", f"{t}-{w}", f"{w}{t}")
    ]
    yield from names(pinyin_labels, "pinyin", f"「{profile.name}」中文名称的拼音或缩写：{{label}}")

    for term in _unique(n for n in profile.names_zh if len(n) <= MAX_IDN_TERM):
        for extra in ZH_SERVICE_SUFFIXES:
            unicode_label = term + extra if not term.endswith(extra) else term
            try:
                label = "xn--" + unicode_label.encode("punycode").decode("ascii")
            except UnicodeError:
                continue
            for tld in tlds:
                yield Lookalike(
                    f"{label}.{tld}", "idn", f"含有目标中文名称的中文域名：{unicode_label}"
                )

    bases = _unique([*brands, *(f"{b}gov" for b in brands), *(f"{b}-gov" for b in brands)])
    for base in bases:
        for variant in _homoglyphs(base):
            for tld in tlds:
                if not variant.isascii() and tld.endswith("cn"):
                    continue  # CNNIC registers no Latin-script confusables
                label = (
                    variant
                    if variant.isascii()
                    else "xn--" + variant.encode("punycode").decode("ascii")
                )
                yield Lookalike(
                    f"{label}.{tld}", "homoglyph", f"用形近字符仿写「{base}」：{variant}"
                )

    typo_bases = [b for b in bases if len(b) >= 4]
    yield from (
        Lookalike(f"{variant}.{tld}", "typo", f"「{base}」的错拼：{variant}")
        for base in typo_bases
        for variant in _typos(base)
        for tld in tlds
    )


def _homoglyphs(label: str) -> list[str]:
    """Single ASCII (m→rn, o→0 ...) and Cyrillic substitutions, from dnstwist's tables."""
    ascii_variants = [
        label[:i] + glyph + label[i + len(src) :]
        for i in range(len(label))
        for src, glyphs in dnstwist.Fuzzer.glyphs_ascii.items()
        if label.startswith(src, i)
        for glyph in glyphs
    ]
    cyrillic = [
        label[:i] + dnstwist.Fuzzer.latin_to_cyrillic[c] + label[i + 1 :]
        for i, c in enumerate(label)
        if c in dnstwist.Fuzzer.latin_to_cyrillic
    ]
    return _unique([*ascii_variants, *cyrillic, *_fuzz(label, "com", ("cyrillic",))])


def _typos(label: str) -> list[str]:
    variants = _fuzz(label, "com", TYPO_FUZZERS)
    variants.discard(label)
    return sorted(variants)


def _fuzz(label: str, tld: str, fuzzers: Sequence[str]) -> set[str]:
    """Labels dnstwist's fuzzers derive from `label` (A-labels, already validated)."""
    fuzzer = dnstwist.Fuzzer(f"{label}.{tld}")
    fuzzer.generate(fuzzers=list(fuzzers))
    return {
        p["domain"][: -len(tld) - 1]
        for p in fuzzer.permutations()
        if p["fuzzer"] in fuzzers and p["domain"].endswith("." + tld)
    }


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))
