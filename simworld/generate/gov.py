"""Genuine government sites on shared CMS templates (label official): ministries, provincial
and city portals, other departments, and emergency-management bureaus that link to the
platform and talk about special-operation certificates (the hardest of them)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from pypinyin import lazy_pinyin

from simworld.generate import govcms, infra, resources, vocab
from simworld.generate.context import Ctx
from simworld.generate.sitekit import JS, PNG, Piece, const, lazy, make_site, route
from simworld.world import Route, registrable_domain

PLATFORM = "https://cx.mem.gov.cn/"
MINISTRIES = (
    ("www.mem.gov.cn", "中华人民共和国应急管理部", "应急管理部", "#b51c1c"),
    ("www.mohrss.gov.cn", "中华人民共和国人力资源和社会保障部", "人力资源和社会保障部", "#1a4f9c"),
    ("www.samr.gov.cn", "国家市场监督管理总局", "国家市场监督管理总局", "#1d5fae"),
    ("www.mohurd.gov.cn", "中华人民共和国住房和城乡建设部", "住房和城乡建设部", "#0f5a9e"),
    ("www.miit.gov.cn", "中华人民共和国工业和信息化部", "工业和信息化部", "#1b4d8f"),
    ("www.moe.gov.cn", "中华人民共和国教育部", "教育部", "#8a1c1c"),
)
#: kind → (host prefix, name suffix, klass)
DEPARTMENTS = (
    ("rst", "人力资源和社会保障厅", "gov-department"),
    ("zjt", "住房和城乡建设厅", "gov-department"),
    ("scjgj", "市场监督管理局", "gov-department"),
)

NEWS = {
    "emergency": {
        "tune": (
            "关于开展{y}年度特种作业人员安全技术考核工作的通知",
            "全省安全生产专项整治推进会召开",
            "关于特种作业操作证查询方式的说明",
            "{p}应急管理厅开展汛期安全检查",
            "提醒：谨防假冒证书查询网站",
        ),
        "heldout": (
            "特种作业操作证复审换证有关事项的公告",
            "应急管理厅部署打击假冒证书查询网站专项行动",
            "安全生产知识和管理能力考核合格证电子证照上线",
            "{p}召开危险化学品安全生产视频调度会",
            "考核合格信息可登录全国统一平台查验",
        ),
    },
    "general": {
        "tune": (
            "{p}召开全体会议研究部署重点工作",
            "关于公开征求意见的公告",
            "政府信息公开工作年度报告",
            "优化营商环境若干措施解读",
            "一季度经济运行情况新闻发布会",
        ),
        "heldout": (
            "{p}政务服务事项清单（{y}年版）",
            "关于调整部分行政许可事项的通知",
            "新闻发布会：重点民生实事进展",
            "政策解读：促进就业十条措施",
            "{y}年度重点工作任务分解",
        ),
    },
}


@dataclass(frozen=True)
class GovSite:
    spec: govcms.GovSpec
    klass: str


def _news(ctx: Ctx, rng: random.Random, kind: str, place: str) -> tuple[tuple[str, str], ...]:
    pool = NEWS[kind][ctx.split]
    out = []
    for t in rng.sample(pool, k=min(len(pool), 4)):
        day = ctx.days_ago(rng.randint(2, 300)).date().isoformat()
        out.append((t.format(y=ctx.today.year, p=place), day))
    return tuple(sorted(out, key=lambda x: x[1], reverse=True))


def gov_spec(
    ctx: Ctx,
    rng: random.Random,
    host: str,
    name: str,
    org: str,
    color: str,
    province: vocab.Province | None,
    news: tuple[tuple[str, str], ...],
    links: tuple[tuple[str, str], ...],
    intro: str,
) -> govcms.GovSpec:
    layout = rng.choice(govcms.LAYOUTS[ctx.split])
    p = province or vocab.PROVINCES[0]
    code = vocab.site_code(rng, province)
    return govcms.GovSpec(
        host=host,
        name=name,
        org=org,
        undertaker=f"{org}信息中心",
        code=code,
        icp=vocab.icp(rng, p),
        gongan=vocab.gongan(rng, p),
        gongan_prefix=p.short,
        bszs_id=vocab.conac_id(rng),
        conac_js=f"{p.code}/000/0000/{rng.randint(10**7, 10**8 - 1)}/CA{p.code}0000{rng.randint(10**9, 10**10 - 1)}0001.js",
        layout=layout,
        color=color,
        news=news,
        links=links,
        intro=intro,
        analytics="".join(rng.choice("0123456789abcdef") for _ in range(32))
        if rng.random() < 0.4
        else "",
        emblem=rng.random() < 0.8,
        jquery=rng.choice(
            (
                "https://cdn.bootcdn.net/ajax/libs/jquery/1.12.4/jquery.min.js",
                "https://lib.baomitu.com/jquery/3.6.0/jquery.min.js",
                "/js/jquery.min.js",
            )
        ),
    )


def gov_piece(
    ctx: Ctx,
    rng: random.Random,
    g: govcms.GovSpec,
    klass: str,
    *,
    keywords: tuple[str, ...],
    search_terms: tuple[str, ...] = (),
    extra_routes: tuple[Route, ...] = (),
    extra: tuple[str, ...] = (),
) -> Piece:
    reg = registrable_domain(g.host)
    routes = [
        route("/", lazy(govcms.render, g)),
        route("/index.html", lazy(govcms.render, g)),
        *extra_routes,
    ]
    routes += [
        route(f"/art/{d.replace('-', '/')}/art_{i + 1}.html", lazy(govcms.article, g, i))
        for i, (_, d) in enumerate(g.news)
    ]
    routes += [
        route(p, resources.emblem, ctype=PNG) for p in ("/images/gh.png", "/static/img/guohui.png")
    ]
    routes += [
        route("/images/ga.png", resources.gongan_icon, ctype=PNG),
        route("/static/img/dzjg.png", resources.conac_badge, ctype=PNG),
        route("/js/jquery.min.js", const(resources.JQUERY), ctype=JS),
    ]
    https = rng.random() < 0.75
    ip = infra.HOSTINGS["gov-idc"].ip(rng)
    ns = (f"ns1.{reg}", f"ns2.{reg}")
    return Piece(
        make_site(
            g.host,
            label="official",
            klass=klass,
            routes=routes,
            dns=infra.dns((ip,), ns),
            whois=infra.gov_whois(ctx, reg, g.org, rng.randint(3000, 9000), ns),
            note=f"{g.name} (government CMS, layout {g.layout})",
            template=f"gov-{g.layout}",
            schemes=("https", "http") if https else ("http",),
            tls=infra.tls(issuer=rng.choice(infra.GOV_ISSUERS)) if https else None,
            ct=infra.ct_logged(ctx.days_ago(rng.randint(10, 80))) if https else None,
            discoverable_by=("links", "search"),
            keywords=keywords,
            search_terms=search_terms,
        ),
        extra=extra,
    )


def build(ctx: Ctx, counts: dict[str, int]) -> list[GovSite | Piece]:
    """Government sites: returns their specs (for the CONAC registry) and their pieces."""
    rng = ctx.rng("gov")
    out: list[GovSite | Piece] = []
    provinces = list(vocab.PROVINCES)
    rng.shuffle(provinces)
    # ministries (central departments: bm codes)
    for host, name, org, color in rng.sample(
        MINISTRIES, k=min(counts["gov-ministry"], len(MINISTRIES))
    ):
        if not ctx.claim(host, own_domain=False):
            continue
        g = gov_spec(
            ctx,
            rng,
            host,
            name,
            org,
            color,
            None,
            _news(ctx, rng, "general", org),
            (("政务服务平台", "https://www.gov.cn/fuwu/"), ("中国政府网", "https://www.gov.cn/")),
            f"{org}门户网站发布政务信息、提供在线服务。",
        )
        out += [
            GovSite(g, "gov-ministry"),
            gov_piece(ctx, rng, g, "gov-ministry", keywords=(org, name)),
        ]
    for i in range(counts["gov-emergency"]):
        p = provinces[i % len(provinces)]
        host = f"{rng.choice(('yjt', 'yjglt', 'yjj'))}.{p.pinyin}.gov.cn"
        if not ctx.claim(host, own_domain=False):
            continue
        org = f"{p.name}应急管理厅" if p.name.endswith("省") else f"{p.name}应急管理局"
        links = (
            ("特种作业操作证查询", PLATFORM),
            ("安全生产许可", f"https://{host}/zwfw/aqxk/"),
            ("举报投诉", f"https://{host}/hdjl/jb/"),
        )
        intro = (
            (
                "本省特种作业操作证及安全生产知识和管理能力考核合格信息，可登录应急管理部全国统一查询平台"
                "（cx.mem.gov.cn）查询。"
            )
            if ctx.tune
            else (
                "证书真伪请以国家平台 cx.mem.gov.cn 查询结果为准，网址是判断查询平台真伪的唯一标准。"
            )
        )
        g = gov_spec(
            ctx,
            rng,
            host,
            f"{org}门户网站" if rng.random() < 0.5 else org,
            org,
            rng.choice(("#b51c1c", "#c0392b", "#1d5fae")),
            p,
            _news(ctx, rng, "emergency", p.name),
            links,
            intro,
        )
        out += [
            GovSite(g, "gov-emergency"),
            gov_piece(
                ctx,
                rng,
                g,
                "gov-emergency",
                keywords=(org, "特种作业", "安全生产", "应急管理"),
                search_terms=(f"{p.name} 特种作业 考试", f"{org}"),
                extra=(f"/art/{g.news[0][1].replace('-', '/')}/art_1.html",),
            ),
        ]
    for i in range(counts["gov-province"] + counts["gov-city"]):
        p = provinces[(i + 5) % len(provinces)]
        city = i >= counts["gov-province"]
        place = rng.choice(p.cities) + "市" if city else p.name
        label = "".join(lazy_pinyin(place[:-1])) if city else p.pinyin
        host = f"www.{label}.gov.cn"
        if not ctx.claim(host, own_domain=False):
            continue
        org = f"{place}人民政府"
        klass = "gov-city" if city else "gov-province"
        g = gov_spec(
            ctx,
            rng,
            host,
            f"{place}人民政府门户网站",
            org,
            rng.choice(("#b51c1c", "#1a4f9c", "#9c1a1a")),
            p,
            _news(ctx, rng, "general", place),
            (
                ("政务服务网", f"https://zwfw.{label}.gov.cn/"),
                ("12345热线", f"https://{host}/12345/"),
            ),
            f"{place}人民政府门户网站是{place}人民政府在互联网上的政务公开平台。",
        )
        out += [GovSite(g, klass), gov_piece(ctx, rng, g, klass, keywords=(org, place))]
    for i in range(counts["gov-department"]):
        p = provinces[(i + 11) % len(provinces)]
        prefix, suffix, klass = DEPARTMENTS[i % len(DEPARTMENTS)]
        host = f"{prefix}.{p.pinyin}.gov.cn"
        if not ctx.claim(host, own_domain=False):
            continue
        org = f"{p.name}{suffix}"
        g = gov_spec(
            ctx,
            rng,
            host,
            org,
            org,
            "#1a4f9c",
            p,
            _news(ctx, rng, "general", org),
            (("证书查询", f"https://{host}/zscx/"), ("办事指南", f"https://{host}/bszn/")),
            f"{org}门户网站提供政策发布、证书查询和办事服务。",
        )
        out += [GovSite(g, klass), gov_piece(ctx, rng, g, klass, keywords=(org,))]
    return out
