"""Which variant of a cloaked page to score: the one that imitates the platform.

A page fetched as a desktop browser, a WeChat phone and a crawler may differ (cloaking); the
content detector judges the variant that claims the platform's identity or carries its query
form or result table, so a copy served only to WeChat users is judged as if served openly.
When the main render failed, the first variant that loaded is scored instead of nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from core.signals import Reference
from core.types import Page
from detectors._dom import Dom, parse
from detectors._footer import page_marks
from detectors._identity import claim_of, imitation_evidence

LABELS_ZH = {"browser": "浏览器", "crawler": "爬虫", "desktop": "桌面浏览器", "wechat": "微信"}
#: when several variants imitate, the one a victim most likely sees
_PREFERENCE = {"browser": 0, "wechat": 1, "desktop": 2, "crawler": 3}


def zh(label: str) -> str:
    return LABELS_ZH.get(label, label)


def dom_of(page: Page) -> Dom:
    return parse(
        page.rendered_html or page.raw_html,
        page.final_url or page.url,
        page.visible_text,
        page.title,
    )


def imitation_of(dom: Dom, reference: Reference, host: str) -> tuple[str, ...]:
    claim = claim_of(dom, reference, host, page_marks(dom).government)
    return imitation_evidence(dom, reference, host, claim)


@dataclass(frozen=True)
class Scored:
    page: Page  # the page to score: the original or a variant's content in its place
    label: str | None  # the variant's label when it is not the main render
    evidence: tuple[str, ...]


def variant_to_score(page: Page, reference: Reference) -> Scored:
    """The main render, unless it shows no imitation and another variant does."""
    if not page.variants:
        return Scored(page, None, ())
    host = page.host
    main_empty = not (page.rendered_html or page.raw_html or page.visible_text)
    if not main_empty and imitation_of(dom_of(page), reference, host):
        return Scored(page, None, ())
    fallback: Scored | None = None
    for v in sorted(page.variants, key=lambda v: _PREFERENCE.get(v.label, 9)):
        if v.error or not (v.raw_html or v.visible_text):
            continue
        swapped = replace(
            page,
            raw_html=v.raw_html,
            rendered_html="",
            visible_text=v.visible_text,
            title=v.title,  # the host stays the page's: a redirect is the crawl's business
        )
        evidence = imitation_of(dom_of(swapped), reference, host)
        if evidence:
            return Scored(swapped, v.label, evidence)
        if main_empty and fallback is None:
            fallback = Scored(swapped, v.label, ())
    # the main render failed (a timeout): a variant that loaded is better than nothing
    return fallback or Scored(page, None, ())
