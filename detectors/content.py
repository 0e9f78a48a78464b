"""Content: who the page claims to be, its own query form and result table, footer marks,
seller language, and text similarity to the genuine platform's captured pages.

Presenting-as vs. linking-to is decided on structure (detectors._identity): a school or a
news story names the platform in prose and links to the official host; a copy names itself
in its title and header and carries the query form or the result table on the page itself.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from rapidfuzz import fuzz

from core.signals import PLATFORM_SPECIFIC, UNRELATED_CONTENT, Lookups, Reference, Signal
from core.types import Page
from detectors._dom import Dom, host_of, parse, squash
from detectors._footer import Marks, numbers_in, page_marks
from detectors._forms import (
    is_login_form,
    is_result_page,
    query_fields,
    query_semantics,
    result_labels,
    rosters,
)
from detectors._identity import (
    Claim,
    claim_of,
    host_matches,
    is_gov_host,
    is_official_host,
    topic_names,
)
from detectors._relevance import unrelated_live
from detectors._seller import seller_finding
from detectors._variant import variant_to_score, zh

NAME = "content"
# 1.1: seller words condemned later in a sentence are not selling
# 1.2: query semantics (not logins), the imitating variant, unrelated live content
# 1.3: an article of another site names the platform in its headline, not as its own name;
#      a roster of several people is not a result page; reported seller words; another
#      body's query form weighs as little as a login
VERSION = "1.3"


@dataclass(frozen=True)
class _Ctx:
    page: Page
    reference: Reference
    dom: Dom
    host: str
    claim: Claim
    marks: Marks


class ContentDetector:
    name = NAME
    version = VERSION
    description = "分析页面自称的身份、本页的证件查询表单与查询结果表、页脚标识、售证话术及与官方页面的文本相似度。"
    #: an identity claim with its own query form or a fake result page is nearly conclusive
    weight = 0.92
    triage = True  # reads the HTML alone

    def detect(self, page: Page, reference: Reference, lookups: Lookups) -> list[Signal]:
        host = page.host
        if is_official_host(host, reference):
            return []  # the genuine site (or an allowlisted platform) copies nothing
        scored = variant_to_score(page, reference)
        page = scored.page
        html = page.rendered_html or page.raw_html
        dom = parse(html, page.final_url or page.url, page.visible_text, page.title)
        if not dom.text and not dom.title and not dom.fields:
            return []
        marks = page_marks(dom)
        ctx = _Ctx(
            page, reference, dom, host, claim_of(dom, reference, host, marks.government), marks
        )
        found = [
            self._form(ctx),
            self._result(ctx),
            self._claim_only(ctx),
            self._similarity(ctx),
            self._footer(ctx),
            self._seller(ctx),
            self._unrelated(ctx),
        ]
        signals = [s for s in found if s is not None]
        if scored.label is None:
            return signals
        # a cloaked copy: what was scored is the variant that imitates, and the reason says so
        note = f"（按{zh(scored.label)}访问者看到的版本评分）"
        return [
            replace(
                s, reason=s.reason + note, details={**s.details, "scored_variant": scored.label}
            )
            for s in signals
        ]

    def _signal(
        self, score: float, reason: str, details: dict[str, Any], categories: tuple[str, ...]
    ) -> Signal:
        return Signal(
            NAME, VERSION, round(min(max(score, 0.0), 1.0), 3), reason, details, categories
        )

    def _form(self, ctx: _Ctx) -> Signal | None:
        fields = query_fields(ctx.dom, ctx.reference.target)
        core = list(query_semantics(ctx.dom, ctx.reference.target))
        if not core:
            if is_login_form(ctx.dom) and len(fields) >= 2:
                return self._signal(
                    0.0,
                    "页面的表单是账号/密码登录表单（带验证码），不是证件查询表单，不构成假查询入口。",
                    {"fields": {k: v[:3] for k, v in fields.items()}, "login": True},
                    (),
                )
            return None
        actions = {f.form_action for f in ctx.dom.fields if f.form_action}
        targets = sorted({host_of(a) or ctx.host for a in actions} or {ctx.host})
        official = ctx.reference.target.official_hosts
        details: dict[str, Any] = {
            "fields": {k: v[:3] for k, v in fields.items()},
            "form_targets": targets,
            "claimed_in": list(ctx.claim.where),
            "claim_text": list(ctx.claim.matched),
        }
        field_names = "/".join(core)
        if targets and all(host_matches(t, official) for t in targets):
            return self._signal(
                0.05,
                f"页面含有{field_names}查询表单，但表单提交到官方域名{'、'.join(targets)}，不构成冒充。",
                details,
                (),
            )
        official_host = official[0] if official else "官方域名"
        target_text = "、".join(targets)
        if ctx.claim.presents:
            name = ctx.claim.matched[0]
            return self._signal(
                0.92,
                f"页面自称“{name}”，并含有{field_names}查询表单，但表单提交目标{target_text}不是官方域名{official_host}。",
                details,
                ("impersonation", "fake-verification", PLATFORM_SPECIFIC),
            )
        if ctx.claim.government:
            return self._signal(
                0.8,
                f"页面以政府机构身份（{'；'.join(ctx.claim.gov_evidence[:2])}）提供{field_names}证件查询表单，提交目标{target_text}不是官方域名{official_host}。",
                details,
                ("impersonation", "fake-verification", PLATFORM_SPECIFIC),
            )
        flat = squash(ctx.dom.text + ctx.dom.title)
        topic = [n for n in topic_names(ctx.reference.target) if squash(n) in flat]
        details["topic_words"] = topic[:6]
        if not topic:
            # an exam authority's or another trade's look-up: a query form, not this platform's
            return self._signal(
                0.05,
                f"页面自带{field_names}查询表单，但页面内容与{ctx.reference.target.name}无关，更像是其他机构的查询系统。",
                details,
                (),
            )
        # A query form is common functionality: without the platform's name as the page's
        # own, it takes a look-alike host or seller language beside it to make a lead.
        return self._signal(
            0.3,
            f"页面自带{field_names}证件查询表单，并涉及“{topic[0]}”，提交到非官方域名{target_text}，可能是自建的假查询入口（仅凭表单不足以判定，需结合域名或售证话术）。",
            details,
            ("fake-verification",),
        )

    def _result(self, ctx: _Ctx) -> Signal | None:
        lists = rosters(ctx.dom, ctx.reference.target)
        labels = result_labels(ctx.dom, ctx.reference.target, lists)
        if not is_result_page(labels):
            if lists:
                people = sum(r.people for r in lists)
                return self._signal(
                    0.0,
                    f"页面上的表格是列出{people}人的名单（表头：{'、'.join(lists[0].labels[:6])}），"
                    "如考核合格人员公示或学员名单，不是单个持证人的证书查询结果页。",
                    {"roster_labels": list(lists[0].labels), "people": people},
                    (),
                )
            if len(labels) >= 3:
                return self._signal(
                    0.1,
                    f"页面展示的查询结果表只有各类证书查询通用的栏目（{'、'.join(labels[:6])}），不是受保护平台特有的结果页。",
                    {"result_labels": list(labels)},
                    (),
                )
            return None
        score = 0.9 if len(labels) >= 4 or ctx.claim.presents or ctx.claim.government else 0.7
        specific: tuple[str, ...] = (PLATFORM_SPECIFIC,)
        if ctx.claim.news_like and not ctx.claim.presents:
            score *= 0.4  # a story showing what a fake result looks like
            specific = ()
        return self._signal(
            score,
            f"页面在非官方域名{ctx.host}上展示证书查询结果表（{'、'.join(labels[:6])}），冒充官方查询结果页。",
            {"result_labels": list(labels), "claimed_in": list(ctx.claim.where)},
            ("fake-verification", "impersonation", *specific),
        )

    def _claim_only(self, ctx: _Ctx) -> Signal | None:
        claim = ctx.claim
        name = ctx.reference.target.name
        details = {
            "claimed_in": list(claim.where),
            "claim_text": list(claim.matched),
            "official_links": list(claim.official_links),
            "warning_words": list(claim.warning_words),
        }
        if claim.presents:
            in_title = "标题" in claim.where
            places = "、".join(claim.where)
            if claim.official_links:
                # a school's section heading naming the platform, with a link to it
                return self._signal(
                    0.35 if in_title else 0.15,
                    f"页面在{places}中使用“{claim.matched[0]}”，但同时链接到官方域名，更像是介绍或引用，身份存疑。",
                    details,
                    ("impersonation",),
                )
            return self._signal(
                0.6 if in_title else 0.45,
                f"页面在{places}中自称“{claim.matched[0]}”，而域名{ctx.host}并非官方域名。",
                details,
                ("impersonation", PLATFORM_SPECIFIC),
            )
        if claim.official_links and squash(name)[:8] in squash(ctx.dom.text):
            context = "，且带有警示/报道用语" if claim.news_like else ""
            return self._signal(
                0.02,
                f"页面仅在正文中提及“{name}”并链接到官方域名{host_of(claim.official_links[0])}{context}，属于引用而非冒充。",
                details,
                (),
            )
        return None

    def _similarity(self, ctx: _Ctx) -> Signal | None:
        text = squash(ctx.page.visible_text or ctx.dom.text)[:4000]
        if len(text) < 20:
            return None
        best: tuple[float, float, str] | None = None
        for cap in ctx.reference.captures:
            ref = squash(cap.visible_text)[:4000]
            if len(ref) < 20:
                continue
            ratio = fuzz.ratio(text, ref)
            title = fuzz.ratio(ctx.dom.title, cap.title) if cap.title and ctx.dom.title else 0.0
            if best is None or ratio > best[0]:
                best = (ratio, title, cap.url)
        if best is None or best[0] < 60:
            return None
        ratio, title, url = best
        score = 0.85 if ratio >= 90 else 0.65 if ratio >= 75 else 0.35
        if title >= 90:
            score = min(1.0, score + 0.05)
        return self._signal(
            score,
            f"页面文字与官方页面{url}的相似度为{ratio:.0f}%（标题相似度{title:.0f}%），但所在域名{ctx.host}不是官方域名。",
            {"text_ratio": round(ratio, 1), "title_ratio": round(title, 1), "reference_url": url},
            ("impersonation",),
        )

    def _footer(self, ctx: _Ctx) -> Signal | None:
        marks = ctx.marks
        issues: list[tuple[float, str]] = []
        gov_host = is_gov_host(ctx.host)
        if not gov_host and marks.site_codes + marks.bad_site_codes:
            codes = "、".join((marks.site_codes + marks.bad_site_codes)[:3])
            issues.append((0.85, f"非政府域名{ctx.host}展示政府网站标识码{codes}"))
        if not gov_host and marks.conac:
            issues.append((0.85, f"非政府域名{ctx.host}展示党政机关/事业单位网站标识（CONAC）"))
        ref_numbers: set[str] = set()
        for cap in ctx.reference.captures:
            ref_numbers |= numbers_in(cap.visible_text)
        copied = sorted(marks.numbers() & ref_numbers)
        if copied:
            issues.append(
                (
                    0.9,
                    f"页脚备案/标识号码{'、'.join(copied[:3])}与官方平台相同，却出现在{ctx.host}上",
                )
            )
        if marks.bad_site_codes:
            issues.append(
                (0.5, f"政府网站标识码格式不正确（{'、'.join(marks.bad_site_codes[:2])}）")
            )
        if marks.bad_icp:
            issues.append((0.35, f"ICP备案号格式不正确（{'、'.join(marks.bad_icp[:2])}）"))
        if marks.bad_psb:
            issues.append((0.3, f"公网安备号格式不正确（{'、'.join(marks.bad_psb[:2])}）"))
        if marks.icp and not marks.icp_linked and ctx.claim.government:
            issues.append((0.15, "ICP备案号未链接到beian.miit.gov.cn"))
        if not issues:
            return None
        issues.sort(key=lambda item: -item[0])
        score = issues[0][0] + 0.05 * (len(issues) - 1)
        return self._signal(
            score,
            "页脚标识可疑：" + "；".join(text for _, text in issues[:3]) + "。",
            {"issues": [text for _, text in issues], "marks": marks.as_details(), "copied": copied},
            ("forged-marks",) + (("impersonation",) if copied or marks.government else ()),
        )

    def _seller(self, ctx: _Ctx) -> Signal | None:
        found = seller_finding(ctx.dom, ctx.claim)
        if found is None:
            return None
        return self._signal(found.score, found.reason, found.details, found.categories)

    def _unrelated(self, ctx: _Ctx) -> Signal | None:
        chars = unrelated_live(ctx.page, ctx.dom, ctx.reference.target)
        if not chars:
            return None
        return self._signal(
            0.0,
            f"页面是正常运营的网站，内容与证书及{ctx.reference.target.name}无关（约{chars}字）；"
            "若域名与平台相似，只作为观察名单定期复查，不作为线索。",
            {"chars": chars},
            (UNRELATED_CONTENT,),
        )


detector = ContentDetector()
