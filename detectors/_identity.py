"""Who a page says it is: presenting itself as the target vs. mentioning or linking to it.

Shared by content, registration and cloaking, so that "this page claims a government
identity" means the same thing everywhere. The decision is structural: a site names itself
in its <title>, headings, header/logo blocks and logo alt texts; a school or a news story
names the platform in prose, links to the official host, or puts warning words around it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from core.profiles import TargetProfile
from core.signals import Reference
from detectors._dom import Dom, host_of, squash

DEFAULT_FORM_FIELDS = ("证件号码", "姓名", "验证码")
#: how each query-form field shows itself in placeholders, labels and attribute names
FIELD_HINTS: dict[str, tuple[str, ...]] = {
    # first: a type selector lists 身份证 among its options
    "证件类型": ("证件类型", "证件种类", "idcardtype", "zjlx"),
    "证件号码": (
        "证件号码",
        "证件号",
        "身份证",
        "证号",
        "idcard",
        "id_card",
        "idno",
        "sfz",
        "zjhm",
    ),
    "姓名": ("姓名", "realname", "xingming", "xm"),
    "验证码": ("验证码", "captcha", "yzm", "vcode", "checkcode", "verifycode"),
}
#: labels of a certificate result table; 姓名/证件号码 alone are form labels too
DEFAULT_RESULT_FIELDS = (
    "作业类别",
    "操作项目",
    "准操项目",
    "初领日期",
    "有效期开始日期",
    "有效期结束日期",
    "有效期",
    "应复审日期",
    "实际复审日期",
    "签发机关",
    "发证机关",
    "证书编号",
    "资格类型",
    "单位名称",
)
_NOT_RESULT_ONLY = {"姓名", "证件号码", "性别", "身份证号"}
#: labels every certificate look-up shows (exam authorities, other trades): not this platform's
GENERIC_RESULT_LABELS = frozenset(
    {"证书编号", "有效期", "发证机关", "发证日期", "等级", "单位名称", "资格类型", "证书名称"}
)

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


def topic_names(target: TargetProfile) -> tuple[str, ...]:
    """Names of the platform's subject long enough to be distinctive (特种作业操作证, not 查询)."""
    return tuple(n for n in (target.name, *target.names_zh) if len(n) >= 5)


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


def claim_of(dom: Dom, reference: Reference, page_host: str, footer_gov_marks: bool) -> Claim:
    """Structural identity claim of one parsed page (see module docstring)."""
    target = reference.target
    names = _identity_names(target)
    where: list[str] = []
    matched: list[str] = []
    gov: list[str] = []
    spots = (
        ("标题", (dom.title,)),
        ("标题栏/页头", dom.headings[:30]),
        ("图片说明", dom.image_alts[:30]),
    )
    for place, texts in spots:
        for text in texts:
            if any(word in text for word in _QUOTING):
                continue
            name = _names_target(text, names)
            if name:
                where.append(place)
                matched.append(text[:80])
                break
        for text in texts:
            if any(word in text for word in _QUOTING):
                continue
            m = _GOV_PATTERN.search(text) or (
                re.search(re.escape(target.owner), text) if target.owner else None
            )
            if m:
                gov.append(f"{place}“{text[:40]}”")
                break
    if where:
        gov.append(f"自称“{target.name}”")
    if footer_gov_marks:
        gov.append("页脚有政府网站标识")
    official_links = tuple(
        dict.fromkeys(
            link.href
            for link in dom.links
            if host_matches(host_of(link.href), target.official_hosts)
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


def query_fields(dom: Dom, target: TargetProfile) -> dict[str, list[str]]:
    """Query-form fields on THIS page: kind → describing texts (placeholders, labels)."""
    kinds = dict(FIELD_HINTS)
    for extra in target.form_fields:
        kinds.setdefault(extra, (extra,))
    found: dict[str, list[str]] = {}
    for field in dom.fields:
        if field.input_type in ("hidden", "submit", "button", "image", "reset"):
            continue
        low = field.describe.lower()
        for kind, hints in kinds.items():
            if any(h.lower() in low for h in hints):
                found.setdefault(kind, []).append(field.describe[:60])
                break
    return found


def result_labels(dom: Dom, target: TargetProfile) -> tuple[str, ...]:
    """Result-table labels shown as labels (short cells) on THIS page, not in prose."""
    fields = tuple(dict.fromkeys(tuple(target.result_fields) + DEFAULT_RESULT_FIELDS))
    seen: list[str] = []
    for label in dom.labels:
        for f in fields:
            if f in _NOT_RESULT_ONLY:
                continue
            if (
                label == f
                or label.startswith((f + "：", f + ":"))
                or (label.startswith(f) and len(label) <= len(f) + 2)
            ):
                seen.append(f)
                break
    return tuple(dict.fromkeys(seen))


def is_login_form(dom: Dom) -> bool:
    """A sign-in form (password field, or account + password wording), not a query form."""
    for field in dom.fields:
        if field.input_type == "password":
            return True
    texts = " ".join(f.describe.lower() for f in dom.fields)
    return "密码" in texts or "password" in texts


def query_semantics(dom: Dom, target: TargetProfile) -> tuple[str, ...]:
    """The platform's query fields on THIS page, when the form means a certificate query:
    an ID/certificate number with the holder's name and/or the document type (a captcha
    alone is any login's). Empty for sign-in forms and anything less."""
    if is_login_form(dom):
        return ()
    fields = query_fields(dom, target)
    if "证件号码" not in fields or not ({"姓名", "证件类型"} & set(fields)):
        return ()
    return tuple(k for k in ("证件类型", "证件号码", "姓名", "验证码") if k in fields)


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


def is_result_page(labels: tuple[str, ...]) -> bool:
    """Three result labels, two of them the platform's own (not any look-up's)."""
    return len(labels) >= 3 and sum(1 for x in labels if x not in GENERIC_RESULT_LABELS) >= 2
