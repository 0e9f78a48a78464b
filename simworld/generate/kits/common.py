"""What every counterfeit kit shares: the fake holder, the kit's spec, footer forging and the
gang's tracking/contact snippets."""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass
from datetime import date, timedelta

from simworld.generate import vocab
from simworld.generate.gangs import Gang
from simworld.generate.sitekit import esc
from simworld.world import Route

TITLE = "特种作业操作证及安全生产知识和管理能力考核合格信息查询平台"
GENUINE_MARKS = {
    "icp": "京ICP备19003216号-2",
    "gongan": "11010502039184",
    "bm": "bm95000012",
    "conac": "7c1e2f0a9b3d4e5f8a6b1c2d3e4f5a6b",
}
SPECIAL_FIELDS = (
    ("name", "姓名"),
    ("category", "作业类别"),
    ("item", "操作项目"),
    ("first", "初领日期"),
    ("start", "有效期开始日期"),
    ("end", "有效期结束日期"),
    ("review", "应复审日期"),
    ("reviewed", "实际复审日期"),
    ("authority", "签发机关"),
)


@dataclass(frozen=True)
class Holder:
    """The made-up certificate a fake site 'finds' (always valid, of course)."""

    name: str
    idcard: str
    category: str
    item: str
    first: str
    start: str
    end: str
    review: str
    reviewed: str
    authority: str

    @property
    def cert_no(self) -> str:
        return "T" + self.idcard

    def fields(self) -> tuple[tuple[str, str], ...]:
        return tuple((label, str(getattr(self, key))) for key, label in SPECIAL_FIELDS)

    def as_json(self) -> dict[str, str]:
        return {
            "name": self.name,
            "certNo": self.cert_no,
            "workCategory": self.category,
            "operItem": self.item,
            "firstDate": self.first,
            "validStart": self.start,
            "validEnd": self.end,
            "shouldReviewDate": self.review,
            "actualReviewDate": self.reviewed,
            "issuingAuthority": self.authority,
        }


def holder(rng: random.Random, today: date) -> Holder:
    p = rng.choice(vocab.PROVINCES)
    category, item = rng.choice(vocab.OPERATIONS)
    first = today - timedelta(days=rng.randint(5, 200))
    end = first + timedelta(days=6 * 365 - 1)
    review = first + timedelta(days=3 * 365 - 1)
    authority = f"{p.name}应急管理厅" if p.name.endswith("省") else f"{p.name}应急管理局"
    if rng.random() < 0.4 and len(p.cities) > 1:
        authority = f"{rng.choice(p.cities[1:])}市应急管理局"
    return Holder(
        vocab.person(rng),
        vocab.idcard(rng, p),
        category,
        item,
        first.isoformat(),
        first.isoformat(),
        end.isoformat(),
        review.isoformat(),
        "",
        authority,
    )


@dataclass(frozen=True)
class Marks:
    """What a kit prints in the footer: copied from the genuine site, invented, or nothing."""

    mode: str  # copied | forged | none
    icp: str
    gongan: str
    bm: str
    conac: str  # bszs id, "" for a badge without link


def marks_for(rng: random.Random, mode: str) -> Marks:
    if mode == "copied":
        g = GENUINE_MARKS
        return Marks(mode, g["icp"], g["gongan"], g["bm"], g["conac"])
    if mode == "none":
        return Marks(mode, "", "", "", "")
    p = rng.choice(vocab.PROVINCES)
    bm = GENUINE_MARKS["bm"] if rng.random() < 0.5 else f"bm{rng.randint(10**7, 10**8 - 1)}"
    return Marks(
        mode,
        vocab.icp(rng, p, year=rng.randint(2019, 2026)),
        vocab.gongan(rng, p) if rng.random() < 0.5 else "",
        bm,
        "",
    )


@dataclass(frozen=True)
class KitSpec:
    """Everything a kit template needs to render one counterfeit site."""

    host: str
    gang: Gang
    kit: str
    version: str  # template version: "a" in the tuning split, "b" in the held-out one
    holder: Holder
    marks: Marks
    seed: str
    encoding: str = "utf-8"
    cloaked: bool = False

    def token(self, n: int, what: str = "") -> str:
        """n hex digits derived from the site's seed (URL ids, captcha texts)."""
        return hashlib.sha256(f"{self.seed}|{what}".encode()).hexdigest()[:n]


@dataclass(frozen=True)
class KitSite:
    """A kit's output: routes, the entry path, how it is opened, and the variants it adds."""

    routes: tuple[Route, ...]
    entry: str
    open_as: str = "link"
    variants: tuple[str, ...] = ()
    categories: tuple[str, ...] = ("impersonation", "fake-verification")


def tracking(gang: Gang, *, cnzz: bool = False) -> str:
    """The gang's analytics snippet: the same Baidu Tongji id on all its sites."""
    out = (
        f'<script>var _hmt=_hmt||[];(function(){{var hm=document.createElement("script");'
        f'hm.src="https://hm.baidu.com/hm.js?{gang.tongji}";var s=document.getElementsByTagName'
        f'("script")[0];s.parentNode.insertBefore(hm,s);}})();</script>\n'
    )
    if cnzz:
        out += (
            f'<script src="https://s4.cnzz.com/z_stat.php?id={gang.cnzz}&web_id={gang.cnzz}"'
            ' type="text/javascript"></script>\n'
        )
    return out


def contact_line(gang: Gang, style: int) -> str:
    forms = (
        f"客服微信：{gang.wechat}",
        f"咨询QQ：{gang.qq}",
        f"服务热线：{gang.phone}",
        f"证书问题请联系：{gang.wechat}（微信同号）",
    )
    return esc(forms[style % len(forms)])


_FOOTER_MARKS = re.compile(r"<div><a class=\"conac\".*?</div>\n", re.S)
_JIUCUO = re.compile(r"<script id=\"_jiucuo_\"[^>]*></script>\n")


def forge_footer(html: str, marks: Marks) -> str:
    """The genuine replica's footer with the kit's marks instead of the genuine ones."""
    if marks.mode == "copied":
        return html
    if marks.mode == "none":
        return _JIUCUO.sub("", _FOOTER_MARKS.sub("", html))
    g = GENUINE_MARKS
    html = html.replace(g["icp"], marks.icp).replace(g["bm"], marks.bm)
    html = _JIUCUO.sub("", html) if marks.bm != g["bm"] else html
    if marks.gongan:
        html = html.replace(g["gongan"], marks.gongan)
    else:
        html = re.sub(
            r"<span class=\"sep\"></span><a href=\"https://beian.mps.gov.cn[^\"]*\""
            r" target=\"_blank\"><img[^>]*>[^<]*</a>",
            "",
            html,
        )
    # the badge image stays, its link to the CONAC certificate goes (nothing to verify it by)
    return re.sub(
        r"<a class=\"conac\" href=\"[^\"]*\" target=\"_blank\">", '<a class="conac">', html
    )


def desc_tables(h: Holder) -> str:
    """The result table in the genuine platform's own (Element UI descriptions) markup."""
    f = h.fields()
    rows = ""
    for i in range(0, len(f), 2):
        rows += '<tr class="el-descriptions-row">'
        for j in range(i, i + 2):
            label, value = f[j] if j < len(f) else ("", "")
            rows += (
                f'<th class="el-descriptions-item__label is-bordered-label">{label}</th>'
                f'<td class="el-descriptions-item__content">{esc(value)}</td>'
            )
        rows += "</tr>"
    return (
        '<div class="el-descriptions"><div class="el-descriptions__header"><div class='
        '"el-descriptions__title">特种作业操作证</div><div class="el-descriptions__extra">证号：'
        f'{h.cert_no}</div></div><div class="el-descriptions__body"><table class='
        f'"el-descriptions__table is-bordered"><tbody>{rows}</tbody></table></div></div>'
    )
