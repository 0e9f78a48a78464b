"""Live, unrelated businesses (issue 8, class 5): companies and apps whose names contain the
look-alike strings (cx, mem, zscx, aqsc, yjgl …), and, at scale, ordinary company sites. Some
sit on the gangs' shared hosting blocks, as small businesses do on cheap offshore hosting."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from simworld.generate import gangs as gangs_mod
from simworld.generate import infra, names, resources, vocab
from simworld.generate.context import Ctx
from simworld.generate.gangs import Gang
from simworld.generate.sitekit import JS, PNG, Piece, const, esc, lazy, make_site, page, route

#: (host label, company name, what it does) — names sharing strings with the look-alikes
LOOKALIKE = {
    "tune": (
        ("memnote", "Mem 记忆笔记", "跨平台笔记与知识管理应用"),
        ("cxsoft", "创新软件", "企业管理软件与定制开发"),
        ("zscx-wuliu", "中盛畅行物流", "城际物流与仓储配送"),
        ("aqsc-famen", "安泉阀门", "工业阀门与管件制造"),
        ("cxmem-chip", "晨星存储", "存储芯片模组与方案"),
        ("tzzy-edu", "天择智育", "少儿编程与素质教育"),
        ("memgo", "觅蜜出行", "共享出行与旅游服务"),
    ),
    "heldout": (
        ("mem-ai", "Mem 智能助手", "个人知识库与智能写作"),
        ("cxkeji", "辰翔科技", "智能硬件与物联网平台"),
        ("zscx-dianqi", "正晟电气", "成套开关设备与配电箱"),
        ("aqsc-jixie", "安奇机械", "包装机械与生产线"),
        ("yjgl-soft", "云景管理软件", "园区物业与能耗管理系统"),
        ("govtech-cx", "广维科技", "政企网站建设与运维"),
        ("memcx-design", "美墨创想设计", "品牌设计与视觉传达"),
    ),
}
TRADES = {
    "tune": ("机电设备", "电子商务", "装饰工程", "食品贸易", "软件开发"),
    "heldout": ("环保科技", "文化传媒", "医疗器械", "汽车配件", "农业科技"),
}


@dataclass(frozen=True)
class Company:
    host: str
    name: str
    what: str
    province: vocab.Province
    icp: str
    gongan: str
    phone: str
    products: tuple[str, ...]
    layout: str
    analytics: str
    color: tuple[int, int, int]


def _corp(c: Company) -> str:
    prods = "".join(
        f'<div class="p"><h4>{esc(p)}</h4><p>{esc(c.name)}出品</p></div>' for p in c.products
    )
    nav = (
        '<a href="/">首页</a><a href="/about.html">关于我们</a><a href="/products.html">产品中心</a>'
        '<a href="/contact.html">联系我们</a>'
    )
    if c.layout == "corp":
        body = (
            f'<div class="hd"><img src="/images/logo.png" alt="{esc(c.name)}"><nav>{nav}</nav></div>'
            f'<div class="banner"><h1>{esc(c.name)}</h1><p>{esc(c.what)}</p></div><div class="grid">{prods}</div>'
        )
    elif c.layout == "onepage":  # one-page product site
        body = (
            f'<header><img src="/images/logo.png" alt=""><a class="cta" href="/download">免费下载</a></header>'
            f'<section class="hero"><h1>{esc(c.name)}</h1><h2>{esc(c.what)}</h2></section><section class="features">'
            f"{prods}</section>"
        )
    elif c.layout == "catalog":  # held-out: a product catalogue with a side category tree
        cats = "".join(
            f'<li><a href="/products.html#{i}">{esc(p)}</a></li>' for i, p in enumerate(c.products)
        )
        body = (
            f'<table class="top" width="100%"><tr><td><img src="/images/logo.png"></td><td align="right">'
            f'服务热线：{c.phone}</td></tr></table><div class="menu">{nav}</div><div class="cat"><h3>产品分类</h3>'
            f'<ul>{cats}</ul></div><div class="list"><h3>推荐产品</h3>{prods}</div>'
        )
    else:  # held-out "portal": company news beside the products
        body = (
            f'<div id="header"><div class="logo"><img src="/images/logo.png"></div><ul class="nav">{nav}</ul></div>'
            f'<div id="slider"><p>{esc(c.what)}</p></div><div class="news"><h3>公司动态</h3><ul>'
            f"<li>{esc(c.name)}参加行业展会</li><li>{esc(c.name)}获评诚信企业</li></ul></div>"
            f'<div class="prod">{prods}</div>'
        )
    body += (
        f"<footer><p>{esc(c.name)} 版权所有　电话：{c.phone}　地址：{esc(c.province.name)}{esc(c.province.cities[0])}</p>"
        f'<p><a href="https://beian.miit.gov.cn/" target="_blank">{esc(c.icp)}</a>'
        + (
            f'　<img src="/images/ga.png" alt="">{esc(c.province.short)}公网安备 {c.gongan}号'
            if c.gongan
            else ""
        )
        + "</p></footer>"
    )
    if c.analytics:
        body += (
            f'<script>var _hmt=_hmt||[];(function(){{var hm=document.createElement("script");hm.src='
            f'"https://hm.baidu.com/hm.js?{c.analytics}";document.head.appendChild(hm);}})();</script>'
        )
    head = '<script src="https://cdn.bootcdn.net/ajax/libs/jquery/3.6.0/jquery.min.js"></script>\n'
    return page(f"{c.name}-{c.what}", body, head=head)


def _about(c: Company) -> str:
    return page(
        f"关于我们-{c.name}",
        f"<h1>关于{esc(c.name)}</h1><p>{esc(c.name)}专注于{esc(c.what)}，"
        f"服务客户遍及{esc(c.province.name)}及周边地区。</p><p>联系电话：{c.phone}</p>",
    )


def company_piece(
    ctx: Ctx,
    rng: random.Random,
    host: str,
    name: str,
    what: str,
    klass: str,
    products: Sequence[str],
    gangs: Sequence[Gang],
) -> Piece:
    p = rng.choice(vocab.PROVINCES)
    c = Company(
        host,
        name,
        what,
        p,
        vocab.icp(rng, p),
        vocab.gongan(rng, p) if rng.random() < 0.5 else "",
        vocab.phone(rng),
        tuple(products),
        rng.choice(("corp", "onepage") if ctx.tune else ("catalog", "portal")),
        "".join(rng.choice("0123456789abcdef") for _ in range(32)) if rng.random() < 0.5 else "",
        rng.choice(((30, 90, 160), (200, 80, 30), (20, 130, 90), (90, 60, 150))),
    )
    if gangs and rng.random() < 0.2:  # a small business on a gang's cheap offshore block
        ip, ns = gangs_mod.shared_block_ip(tuple(gangs), rng)
    else:
        hosting = infra.HOSTINGS[rng.choice(infra.DOMESTIC)]
        ip, ns = hosting.ip(rng), hosting.name_servers[0]
    reg = host.removeprefix("www.")
    https = rng.random() < 0.7
    routes = (
        route("/", lazy(_corp, c)),
        route("/index.html", lazy(_corp, c)),
        route("/about.html", lazy(_about, c)),
        route("/images/logo.png", lazy(resources.logo, name, c.color), ctype=PNG),
        route("/images/ga.png", resources.gongan_icon, ctype=PNG),
        route("/js/main.js", const(b"/* site scripts */"), ctype=JS),
    )
    return Piece(
        make_site(
            host,
            label="benign",
            klass=klass,
            routes=routes,
            dns=infra.dns((ip,), ns),
            whois=infra.business_whois(ctx, rng, reg, name, ns),
            note=f"{name}: {what}",
            template=f"business-{c.layout}",
            schemes=("https", "http") if https else ("http",),
            tls=infra.tls(issuer=rng.choice(infra.BUSINESS_ISSUERS)) if https else None,
            ct=infra.ct_logged(ctx.days_ago(rng.randint(5, 80))) if https else None,
            discoverable_by=("permutations", "ct") if klass == "lookalike-business" else ("ct",),
            keywords=(name, what),
            search_terms=(name,),
        )
    )


def build(ctx: Ctx, gangs: Sequence[Gang], lookalikes: int, ordinary: int) -> list[Piece]:
    rng = ctx.rng("businesses")
    pieces = []
    pool = LOOKALIKE[ctx.split]
    for i in range(lookalikes):
        label, name, what = pool[i % len(pool)]
        tld = rng.choice(("com", "cn", "com.cn", "net")) if i >= len(pool) else "com"
        host = f"{label}{'' if i < len(pool) else rng.randint(2, 99)}.{tld}"
        host = ("www." + host) if rng.random() < 0.6 else host
        if not ctx.claim(host):
            continue
        pieces.append(
            company_piece(
                ctx,
                rng,
                host,
                name,
                what,
                "lookalike-business",
                rng.sample(TRADES[ctx.split], 3),
                gangs,
            )
        )
    for _ in range(ordinary):
        trade = rng.choice(TRADES[ctx.split])
        host = names.benign_host(ctx, rng)
        pieces.append(
            company_piece(
                ctx,
                rng,
                host,
                f"{rng.choice(vocab.PROVINCES).name[:2]}{trade}有限公司",
                trade,
                "business",
                (f"{trade}产品", "解决方案", "售后服务"),
                gangs,
            )
        )
    return pieces
