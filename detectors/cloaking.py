"""Cloaking: the same URL fetched as a crawler, a desktop browser and a WeChat phone.

Different content per user agent is itself a signal; the variant that imitates the
platform (claims its identity, carries its query form or a result table) is the one that
should be scored, and details["scored_variant"] names it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz

from core.signals import Lookups, Reference, Signal
from core.types import Page
from detectors._dom import parse, squash
from detectors._identity import is_official_host
from detectors._variant import imitation_of
from detectors._variant import zh as _zh

NAME = "cloaking"
VERSION = "1.2"  # 1.1: a sign-in form is not the platform's query form; 1.2: a failed browser view is not compared
#: texts less similar than this (rapidfuzz ratio, 0..100) count as different content
DIFFERENT = 60.0


@dataclass(frozen=True)
class _View:
    label: str
    status: int | None
    title: str
    text: str
    imitation: tuple[str, ...]  # evidence that this view imitates the platform


def _view(
    label: str,
    status: int | None,
    url: str,
    html: str,
    text: str,
    title: str,
    reference: Reference,
    host: str,
) -> _View:
    dom = parse(html, url, text, title)
    evidence = imitation_of(dom, reference, host)
    return _View(label, status, title or dom.title, squash(text or dom.text)[:4000], evidence)


class CloakingDetector:
    name = NAME
    version = VERSION
    description = "比较以爬虫、桌面浏览器和微信手机身份访问同一网址得到的内容，识别按访问者区别对待的伪装页面。"
    weight = 0.70  # different content for crawlers and for WeChat users
    triage = False  # needs the fetches with other user agents

    def detect(self, page: Page, reference: Reference, lookups: Lookups) -> list[Signal]:
        if not page.variants or is_official_host(page.host, reference):
            return []
        if page.failure is not None and not page.visible_text.strip():
            # A browser that timed out saw nothing, not a harmless page: comparing would call
            # any variant that loaded "cloaked". Content still scores the variant that loaded.
            return [
                Signal(
                    NAME,
                    VERSION,
                    0.0,
                    f"浏览器版本获取失败（{page.failure.message}），无法比较各访问者版本，未做伪装判断。",
                    {"browser_failure": page.failure.kind.value},
                    (),
                )
            ]
        host = page.host
        main = _view(
            "browser",
            page.status,
            page.final_url or page.url,
            page.rendered_html or page.raw_html,
            page.visible_text,
            page.title,
            reference,
            host,
        )
        views = [main]
        failed: list[str] = []
        for v in page.variants:
            if v.error:
                failed.append(f"{v.label}: {v.error}")
                continue
            views.append(
                _view(
                    v.label,
                    v.status,
                    v.final_url or page.url,
                    v.raw_html,
                    v.visible_text,
                    v.title,
                    reference,
                    host,
                )
            )
        if len(views) < 2:
            return []
        sims = {v.label: fuzz.ratio(main.text, v.text) for v in views[1:]}
        lowest = min(sims.values())
        status_differs = len({v.status for v in views}) > 1
        imitating = [v for v in views if v.imitation]
        bland = [v for v in views if not v.imitation]
        details: dict[str, Any] = {
            "variants": [
                {
                    "label": v.label,
                    "status": v.status,
                    "title": v.title[:120],
                    "similarity_to_browser": round(sims.get(v.label, 100.0), 1),
                    "imitates": list(v.imitation),
                }
                for v in views
            ],
            "failed_variants": failed,
        }
        differs = lowest < DIFFERENT or status_differs
        if not differs and not (imitating and bland):
            return []
        if imitating and bland:
            chosen = main if main.imitation else _prefer(imitating)
            details["scored_variant"] = chosen.label
            shown = "、".join(_zh(v.label) for v in bland)
            if chosen is main:
                return [
                    Signal(
                        NAME,
                        VERSION,
                        0.8,
                        f"同一网址对{shown}访问者返回看似无害的内容（文字相似度最低{lowest:.0f}%），对浏览器则{'，'.join(main.imitation)}，属于针对检测的伪装。",
                        details,
                        ("cloaking", "impersonation"),
                    )
                ]
            return [
                Signal(
                    NAME,
                    VERSION,
                    0.9,
                    f"浏览器看到的页面看似无害，但以{_zh(chosen.label)}身份访问时页面{'，'.join(chosen.imitation)}，属于按访问者伪装，应以{_zh(chosen.label)}版本评分。",
                    details,
                    ("cloaking", "impersonation"),
                )
            ]
        details["scored_variant"] = _prefer(imitating).label if imitating else "browser"
        score = 0.35 if imitating else 0.25
        what = "，且各版本都冒充官方平台" if imitating else ""
        return [
            Signal(
                NAME,
                VERSION,
                score,
                f"同一网址按访问者身份返回不同内容（与浏览器版本的文字相似度最低{lowest:.0f}%{'，状态码不同' if status_differs else ''}）{what}。",
                details,
                ("cloaking",),
            )
        ]


def _prefer(views: list[_View]) -> _View:
    order = {"browser": 0, "wechat": 1, "desktop": 2, "crawler": 3}
    return sorted(views, key=lambda v: order.get(v.label, 9))[0]


detector = CloakingDetector()
