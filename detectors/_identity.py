"""Who a page says it is: presenting itself as the target vs. mentioning or linking to it.

Shared by content, registration and cloaking, so that "this page claims a government
identity" means the same thing everywhere. The decision is structural: a site names itself
in its <title>, headings, header/logo blocks and logo alt texts; a school or a news story
names the platform in prose, links to the official host, or puts warning words around it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from core.profiles import TargetProfile
from core.signals import Reference
from detectors._dom import Dom, squash
from detectors._forms import is_result_page, query_semantics, result_labels

#: words of warnings and news stories around a platform's name
WARNING_WORDS = (
    "谨防",
    "假冒",
    "警惕",
    "曝光",
    "打击",
    "提醒",
    "诈骗",
    "骗局",
    "记者",
    "报道",
    "警方",
    "公安机关",
    "查处",
    "立案",
    "犯罪",
    "起诉",
    "判决",
    "通报",
    "伪造",
    "虚假",
)
#: a title/heading with these words talks *about* the platform (news, guides)
_QUOTING = WARNING_WORDS + ("如何", "怎么", "指南", "教程", "方法", "入口", "官方网站是", "官网是")
_GOV_PATTERN = re.compile(
    r"(应急管理(部|厅|局)|人民政府|政府网站|国务院|中华人民共和国"
    r"|国家[\u4e00-\u9fa5]{1,8}(总局|局|部|委员会)"
    r"|[\u4e00-\u9fa5]{2,6}[省市区县][\u4e00-\u9fa5]{0,8}(厅|局|委员会))"
)
GOV_SUFFIXES = (".gov.cn", ".xn--zfr164b", ".政务")


@dataclass(frozen=True)
class Claim:
    """Whether and where a page presents itself as the target (or as government)."""

    presents: bool
    where: tuple[str, ...]  # 标题, 标题栏/页头, 图片说明
    matched: tuple[str, ...]  # the texts that name the target
    government: bool
    gov_evidence: tuple[str, ...]
    official_links: tuple[str, ...]  # links on this page to an official host
    warning_words: tuple[str, ...]

    @property
    def news_like(self) -> bool:
        return len(self.warning_words) >= 2


def host_matches(host: str, patterns: tuple[str, ...]) -> bool:
    host = host.lower().rstrip(".")
    return any(host == p.lower() or host.endswith("." + p.lower()) for p in patterns if p)


def is_official_host(host: str, reference: Reference) -> bool:
    """The genuine target (or an allowlisted state-run platform) serves this host."""
    target = reference.target
    return host_matches(host, target.official_hosts + target.registrable_domains) or host_matches(
        host, reference.allowlist
    )


def is_gov_host(host: str) -> bool:
    host = host.lower().rstrip(".")
    return any(host.endswith(s) for s in GOV_SUFFIXES)


@lru_cache(maxsize=64)
def topic_names(target: TargetProfile) -> tuple[str, ...]:
    """Names of the platform's subject long enough to be distinctive (特种作业操作证, not 查询)."""
    return tuple(n for n in (target.name, *target.names_zh) if len(n) >= 5)


# A profile is read once per run and every page is checked against it: what is derived from
# it alone (names without spaces, result labels) is derived once (`lru_cache` per profile).


@lru_cache(maxsize=64)
def _topic_flat(target: TargetProfile) -> tuple[str, ...]:
    return tuple(squash(n) for n in topic_names(target))


@lru_cache(maxsize=64)
def _identity_names(target: TargetProfile) -> tuple[str, ...]:
    # names_zh entries ("特种作业操作证", "职业技能等级证书查询") are topics a school or another
    # issuer also uses; only the names the platform calls itself identify it.
    names = [target.name, *target.own_names]
    return tuple(dict.fromkeys(squash(n) for n in names if n))


def _names_target(text: str, names: tuple[str, ...]) -> str | None:
    flat = squash(text)
    if not flat:
        return None
    for name in names:
        if name in flat:
            return name
        # Clones shorten or misspell the name slightly; tolerate that on long names only.
        if len(name) >= 12 and len(flat) >= 10 and fuzz.partial_ratio(name, flat) >= 88:
            return name
    return None


#: what separates a page's own heading from its site's name in a <title> (「标题_站点名」)
_TITLE_SEPARATORS = re.compile(r"\s*(?:[_|｜·•]|\s[-–—]\s|[-–—]{1,2})\s*")
#: a site name this much longer than the title segment it shares is still that name
#: (「安徽省应急管理厅」 in the title, 「安徽省应急管理厅门户网站」 in the header)
_SITE_NAME_SLACK = 8


#: words of a certificate service: a "site name" with them may be a copy's own dress
#: (「全国安全生产证书查询服务大厅」), never another site's plain identity
_SERVICE_WORDS = (
    "查询",
    "查验",
    "核验",
    "验证",
    "证书",
    "证件",
    "操作证",
    "合格证",
    "考试",
    "考核",
)


def _mentions_target(text: str, target: TargetProfile, names: tuple[str, ...]) -> bool:
    flat = squash(text)
    return bool(
        _names_target(text, names)
        or (target.owner and squash(target.owner) in flat)
        or any(n in flat for n in _topic_flat(target))
        or any(w in flat for w in _SERVICE_WORDS)
    )


def other_site_name(dom: Dom, target: TargetProfile, *, whole_title: bool = False) -> str | None:
    """The name of another site this page belongs to, when its <title> and its header (or its
    `SiteName` metadata) agree on it: 「特种作业操作证…平台升级公告_某省应急管理厅」 under a
    header 「某省应急管理厅」 is an article of that site, and the platform's name in it is the
    article's headline, not the page's identity. None when no part of the title without the
    platform's names, its owner, its topic or a certificate service's words also heads the
    page (a copy names the platform there, or dresses as another certificate service).

    A title of one part counts only with `whole_title` (a government host, whose own name in
    its title and header makes a news item naming the platform a news item); elsewhere a
    page titled only with another name may still dress a copy of the platform."""
    segments = [seg for seg in _TITLE_SEPARATORS.split(dom.title) if seg.strip()]
    if len(segments) < (1 if whole_title else 2):
        return None
    names = _identity_names(target)
    own = [
        squash(h)
        for h in (*dom.headings[:30], *dom.image_alts[:30], dom.site_name)
        if h and not _mentions_target(h, target, names)
    ]
    for seg in segments:
        flat = squash(seg)
        if len(flat) < 4 or _mentions_target(seg, target, names):
            continue
        for h in own:
            if (flat in h and len(h) <= len(flat) + _SITE_NAME_SLACK) or (
                len(h) >= 4 and h in flat and len(flat) <= len(h) + _SITE_NAME_SLACK
            ):
                return seg.strip()
    return None


@lru_cache(maxsize=8192)
def _quotes(text: str) -> bool:
    """Talks about the platform (news, guides); asked of each heading by every target."""
    return any(word in text for word in _QUOTING)


@lru_cache(maxsize=8192)
def _names_government(text: str) -> bool:
    return _GOV_PATTERN.search(text) is not None


def claim_of(dom: Dom, reference: Reference, page_host: str, footer_gov_marks: bool) -> Claim:
    """Structural identity claim of one parsed page (see module docstring)."""
    target = reference.target
    names = _identity_names(target)
    where: list[str] = []
    matched: list[str] = []
    gov: list[str] = []
    # an article of another site (its title and header name that site) mentions the platform
    # in its headline; it does not present itself as the platform
    host_site = other_site_name(dom, target, whole_title=is_gov_host(page_host))
    spots = (
        ("标题", (dom.title,)),
        ("标题栏/页头", dom.headings[:30]),
        ("图片说明", dom.image_alts[:30]),
    )
    for place, texts in spots:
        for text in texts:
            if host_site is not None or _quotes(text):
                continue
            name = _names_target(text, names)
            if name:
                where.append(place)
                matched.append(text[:80])
                break
        for text in texts:
            if _quotes(text):
                continue
            if _names_government(text) or (target.owner and target.owner in text):
                gov.append(f"{place}“{text[:40]}”")
                break
    if where:
        gov.append(f"自称“{target.name}”")
    if footer_gov_marks:
        gov.append("页脚有政府网站标识")
    official_links = tuple(
        dict.fromkeys(
            link.href for link in dom.links if host_matches(link.host, target.official_hosts)
        )
    )[:10]
    warnings = tuple(w for w in WARNING_WORDS if w in dom.text)
    return Claim(
        presents=bool(where),
        where=tuple(dict.fromkeys(where)),
        matched=tuple(dict.fromkeys(matched)),
        government=bool(gov) and not is_gov_host(page_host),
        gov_evidence=tuple(dict.fromkeys(gov)),
        official_links=official_links,
        warning_words=warnings,
    )


def imitation_evidence(dom: Dom, reference: Reference, host: str, claim: Claim) -> tuple[str, ...]:
    """Platform-specific imitation on one parsed page: it names itself as the platform, carries
    the platform's query form, or shows its result table (Chinese phrases for reasons)."""
    evidence: list[str] = []
    if claim.presents:
        evidence.append(f"自称“{claim.matched[0][:40]}”")
    fields = query_semantics(dom, reference.target)
    if fields:
        evidence.append(f"含{'/'.join(fields)}证件查询表单")
    labels = result_labels(dom, reference.target)
    if is_result_page(labels):
        evidence.append(f"含查询结果表（{'、'.join(labels[:4])}）")
    return tuple(evidence)
