"""Whether a live page is about something unrelated to the protected platform.

A look-alike name is only a lead when its page is empty, parked, broken, or about
certificates: a live note app or software company on a name with "cx" in it is a watched
name, not a suspect. Relatedness is read from the page's words: the target's names, fields
and result labels, certificate words, and seller vocabulary. "Live" means a site: enough text, and its own navigation unless the
text alone is plenty or the page names its operator (copyright line, ICP filing); parked,
for-sale, default and error pages never count. Such a name stays watched: the re-check
source fetches it every night.
"""

from __future__ import annotations

import re
from functools import lru_cache

from core.profiles import TargetProfile
from core.types import Page
from detectors._dom import Dom, squash
from detectors._seller import SELLER_WORDS

#: words of certificates, their checks and their trade
_CERT_WORDS = (
    "证书",
    "证件",
    "操作证",
    "上岗证",
    "资格证",
    "合格证",
    "特种作业",
    "安全生产",
    "考核",
    "复审",
    "应急管理",
    "持证",
    "查验",
    "验真",
    "真伪",
)
#: words of parked, for-sale, default and error pages: those stay parked look-alikes
_PARKED_WORDS = (
    "域名出售",
    "出售此域名",
    "域名转让",
    "此域名",
    "该域名",
    "域名停放",
    "正在建设",
    "建设中",
    "敬请期待",
    "for sale",
    "this domain",
    "parked",
    "coming soon",
    "under construction",
    "default page",
    "welcome to nginx",
    "it works",
    "not found",
    "forbidden",
    "默认页面",
    "页面不存在",
    "无法访问",
)
#: a live site: this much text with its own navigation, or plenty of text alone
MIN_LIVE_CHARS = 80
MIN_OWN_LINKS = 3
RICH_CHARS = 200
#: a one-screen page that names who runs it (copyright line, ICP or 公安 filing) is a live
#: site of its own, not a lander; with this much text at least
MIN_OPERATED_CHARS = 30
_OPERATOR = re.compile(r"版权所有|copyright|©|ICP备|ICP证|公网安备", re.IGNORECASE)


def related_words(text: str, target: TargetProfile) -> tuple[str, ...]:
    flat = squash(text)
    return tuple(dict.fromkeys(w for w, squashed in _words(target) if squashed in flat))


@lru_cache(maxsize=64)
def _words(target: TargetProfile) -> tuple[tuple[str, str], ...]:
    """(word, word without spaces): derived once per profile, read for every page."""
    words = (
        tuple(target.names_zh)
        + tuple(target.certificates)  # what people call its certificates (电工证, 焊工证)
        + tuple(target.result_fields)
        + (target.name,)
        + _CERT_WORDS
        + SELLER_WORDS
    )
    return tuple((w, squash(w)) for w in words if w)


def unrelated_live(page: Page, dom: Dom, target: TargetProfile) -> int:
    """Characters of unrelated live content on the page (0: parked, empty, broken or related)."""
    if page.failure is not None or (page.status or 200) >= 400:
        return 0
    text = dom.text or page.visible_text
    flat = squash(text)
    host = page.host
    own_links = {link.href for link in dom.links if link.host == host}
    small = len(flat) < MIN_LIVE_CHARS or (
        len(flat) < RICH_CHARS and len(own_links) < MIN_OWN_LINKS
    )
    if small and not (len(flat) >= MIN_OPERATED_CHARS and _OPERATOR.search(text)):
        return 0  # empty or a one-screen lander: the name may still be parked for a fake
    low = (text + " " + dom.title).lower()
    if any(w in low for w in _PARKED_WORDS):
        return 0
    if related_words(text + dom.title, target) or dom.fields and _has_query_words(dom):
        return 0
    return len(flat)


def _has_query_words(dom: Dom) -> bool:
    texts = " ".join(f.describe for f in dom.fields)
    return any(w in texts for w in ("证件", "身份证", "证书"))
