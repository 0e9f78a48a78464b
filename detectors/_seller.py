"""Seller language: offers of certificates without an exam, with contacts, told apart from
news, warnings and forum questions that use the same words (denied, quoted, reported or
condemned in the sentence)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from detectors._dom import Dom
from detectors._identity import Claim

_STRONG_SELLER = (
    "免考",
    "包考包过",
    "包过",
    "保过",
    "不用考试",
    "无需考试",
    "不用到场",
    "无需到场",
    "无需本人到场",
    "不用本人到场",
    "本人无需到场",
    "本人不用到场",
    "免培训",
    "直接拿证",
    "当天拿证",
    "办证",
)
_WEAK_SELLER = (
    "速成",
    "加急",
    "一站式服务",
    "终身可查",
    "终身有效",
    "官网可查",
    "官网查验",
    "全国联网可查",
    "可查验真假",
    "随时可查",
    "先拿证后付款",
    # the seller vocabulary (issue 12): offers a training school may word alike, so weak
    "代办",
    "快速拿证",
    "快速下证",
)
_CONTACTS = (
    ("手机", re.compile(r"(?<!\d)1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)")),
    ("电话", re.compile(r"(?<!\d)(?:0\d{2,3}-\d{7,8}|400-?\d{3}-?\d{4})(?!\d)")),
    (
        "微信",
        re.compile(
            r"(?:微信|薇信|威信|V信|vx|wx|加V|加v|加微)(?:号|同号)?\s*[：:]?\s*[A-Za-z][A-Za-z0-9_-]{4,19}",
            re.I,
        ),
    ),
    ("QQ", re.compile(r"(?:QQ|扣扣)\s*(?:号|群)?\s*[：:]?\s*\d{5,11}", re.I)),
)
#: words before a seller term that deny or report it rather than offer it
_NEGATIONS = (
    "不存在",
    "不提供",
    "没有",
    "并无",
    "绝无",
    "拒绝",
    "杜绝",
    "谨防",
    "警惕",
    "宣称",
    "声称",
    "号称",
    "所谓",
    "鼓吹",
    "打着",
    "噱头",
    "不要相信",
    "并非",
    "严禁",
    "打击",
    "虚假",
    "假冒",
)
#: words after a seller term, in the same sentence, that condemn it ("…的办证广告均涉嫌违法",
#: "遇到说免考的都是骗子")
_CONDEMNATIONS = (
    "涉嫌",
    "违法",
    "请勿",
    "勿信",
    "轻信",
    "举报",
    "诈骗",
    "骗局",
    "骗子",
    "骗人",
    "犯罪",
    "上当",
)
#: a verb of saying right before a seller term reports someone else's words ("对方说包过",
#: "遇到说免考的"): a question or a warning on a forum, not this page's offer
_REPORTED = ("说", "讲", "称", "问")
_QUOTES = "“「『\"'‘"
_SENTENCE_END = "。！？!?；;\n"
_CONTACT_LINKS = ("tencent://", "weixin://", "tel:", "wpa.qq.com", "mqqwpa://")
#: words of certificates and the trade around them: a page using none is unrelated to sellers
SELLER_WORDS = _STRONG_SELLER + _WEAK_SELLER


@dataclass(frozen=True)
class Finding:
    score: float
    reason: str
    details: dict[str, Any]
    categories: tuple[str, ...]


def seller_finding(dom: Dom, claim: Claim) -> Finding | None:
    """Seller language on the page, weighed by its context (offer, contact, warning)."""
    text = dom.text
    negated = [w for w in _STRONG_SELLER + _WEAK_SELLER if w in text and not _asserted(text, w)]
    strong = [w for w in _STRONG_SELLER if w in text and w not in negated]
    weak = [w for w in _WEAK_SELLER if w in text and w not in negated]
    if not strong and not weak:
        if not negated:
            return None
        return Finding(
            0.03,
            f"页面提及售证用语（{'、'.join(negated[:4])}），但均处于否定或引用语境（如“不存在”“不提供”“宣称”，或转述他人的说法），不是售证。",
            {"negated": negated},
            (),
        )
    contacts: list[str] = []
    for label, pattern in _CONTACTS:
        m = pattern.search(text)
        if m:
            contacts.append(f"{label} {m.group(0).strip()[:30]}")
    contacts += [
        link.href[:60] for link in dom.links if link.href.lower().startswith(_CONTACT_LINKS)
    ][:3]
    words = "、".join((strong + weak)[:6])
    details = {
        "strong": strong,
        "weak": weak,
        "contacts": contacts,
        "warning_words": list(claim.warning_words),
        "negated": negated,
    }
    if claim.news_like and not claim.presents:
        score = 0.35 if contacts and strong else 0.08
        warn = "、".join(claim.warning_words[:4])
        return Finding(
            score,
            f"页面出现售证用语（{words}），但处于警示/报道语境（{warn}），更像是新闻或提醒而非售证。",
            details,
            ("seller",) if score >= 0.3 else (),
        )
    if strong and contacts:
        score = 0.85
    elif strong:
        # no way to reach a seller: a question or a quote on a forum, not an offer
        score = 0.3
    elif contacts:
        score = 0.4 if len(weak) >= 2 else 0.2
    else:
        score = 0.15 if len(weak) >= 2 else 0.05
    contact_text = f"，并留有联系方式（{'；'.join(contacts[:3])}）" if contacts else ""
    return Finding(
        score,
        f"页面使用售证话术（{words}）{contact_text}。",
        details,
        ("seller",) if score >= 0.2 else (),
    )


def _asserted(text: str, term: str) -> bool:
    """True when some occurrence of `term` is offered, not denied, quoted or reported."""
    start = text.find(term)
    while start != -1:
        # the sentence around the term (bounded, so a page without punctuation stays cheap)
        before = text[max(0, start - 60) : start]
        before = before[max(before.rfind(ch) for ch in _SENTENCE_END) + 1 :]
        after = text[start + len(term) : start + len(term) + 40]
        ends = [i for i in (after.find(ch) for ch in _SENTENCE_END) if i != -1]
        after = after[: min(ends)] if ends else after
        near = before[-14:]
        quoted = (
            (bool(near) and near[-1] in _QUOTES)
            or near.count("“") > near.count("”")
            or near.count("「") > near.count("」")
        )
        reported = bool(before) and before[-1] in _REPORTED
        denied = any(n in before for n in _NEGATIONS) or any(c in after for c in _CONDEMNATIONS)
        if not quoted and not denied and not reported:
            return True
        start = text.find(term, start + len(term))
    return False
