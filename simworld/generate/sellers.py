"""Sellers of fake certificates (label seller): ads in the split's own vocabulary, the gang's
WeChat/QQ/phone, a 'sample certificate' whose QR code opens the gang's fake verification site,
and links to that site ('官网查询入口'). Tuning layouts: landing page, SEO article; held-out
layouts: WeChat business card, shop grid."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from simworld.generate import infra, resources, vocab
from simworld.generate.context import Ctx
from simworld.generate.gangs import Gang
from simworld.generate.kits.common import tracking
from simworld.generate.sitekit import PNG, Piece, esc, lazy, make_site, page, route
from simworld.world import Site

LAYOUTS = {"tune": ("landing", "article"), "heldout": ("card", "shop")}
HOST_WORDS = {
    "tune": (
        ("dianhangong", "diangong", "hangong", "gaokong", "tezhong", "zhiling"),
        ("banzheng", "kuaiban", "zheng", "ban"),
    ),
    "heldout": (
        ("dengao", "gaoya", "anquanyuan", "weihua", "caozuo", "tezuo"),
        ("daiban", "nazheng", "zhengjian", "sucheng", "baoguo"),
    ),
}


@dataclass(frozen=True)
class SellerSpec:
    host: str
    gang: Gang
    layout: str
    certs: tuple[str, ...]
    words: tuple[str, ...]
    pitch: tuple[str, ...]
    verify_urls: tuple[str, ...]  # the gang's fake verification sites
    prices: tuple[int, ...]
    region: str
    sample: tuple[str, str, str, str]  # holder, number, item, QR url


def _contacts(s: SellerSpec) -> str:
    g = s.gang
    return (
        f'<div class="contact"><p>微信：<b>{esc(g.wechat)}</b></p><p>QQ：{g.qq}</p><p>电话：{g.phone}</p>'
        f'<img src="/img/wx.png" alt="扫码加微信" width="140"></div>'
    )


def _verify_links(s: SellerSpec) -> str:
    return "".join(
        f'<li><a href="{esc(u)}" target="_blank">证书查询入口{i + 1}（官网查验）</a></li>'
        for i, u in enumerate(s.verify_urls)
    )


def _landing(s: SellerSpec) -> str:
    items = "".join(
        f"<li><b>{esc(c)}</b> <span>{esc(w)}</span> <em>¥{p}</em></li>"
        for c, w, p in zip(s.certs, s.words, s.prices, strict=False)
    )
    body = f"""<div class="hero"><h1>{esc(s.region)}{esc(s.certs[0])}{esc(s.words[0])}</h1><p>{esc(s.pitch[0])}</p></div>
<ul class="items">{items}</ul><div class="why"><h2>为什么选择我们</h2><p>{"</p><p>".join(esc(p) for p in s.pitch)}</p></div>
<div class="sample"><h2>证书样本</h2><img src="/img/sample.png" alt="证书样本"><p>{esc(s.words[-1])}，扫码即可查询</p></div>
<ul class="verify">{_verify_links(s)}</ul>{_contacts(s)}{tracking(s.gang)}"""
    css = (
        "<style>.hero{background:#ff7a00;color:#fff;padding:40px 10%}.items li{padding:8px}.items em{color:#e00}"
        ".contact{position:fixed;right:10px;top:120px;background:#fff;border:1px solid #f90;padding:10px}</style>\n"
    )
    return page(
        f"{s.certs[0]}{s.words[0]}_{s.certs[1]}{s.words[1]}-{s.region}证书服务中心", body, head=css
    )


def _article(s: SellerSpec) -> str:
    c = s.certs[0]
    body = f"""<div class="art"><h1>{esc(c)}怎么考？{esc(c)}多久能拿证？</h1><p class="meta">来源：证书服务网</p>
<p>很多朋友问{esc(c)}需要什么条件。按规定需要参加培训并通过考核，但很多人没有时间。我们提供{esc("、".join(s.words[:3]))}服务，{esc(s.pitch[1])}。</p>
<p>拿证后可在以下入口查询：</p><ul>{_verify_links(s)}</ul><img src="/img/sample.png" alt="{esc(c)}样本">
<p>{esc(s.pitch[2])}。详情咨询：</p>{_contacts(s)}</div>{tracking(s.gang, cnzz=True)}"""
    return page(f"{c}怎么考_{c}{s.words[0]}-{s.region}", body)


def _card(s: SellerSpec) -> str:
    tags = "".join(f'<span class="tag">{esc(w)}</span>' for w in s.words)
    body = f"""<div class="card"><img class="avatar" src="/img/wx.png" alt=""><h2>{esc(s.gang.wechat)}</h2>
<p class="sub">{esc(s.region)}持证服务 · {esc(s.certs[0])} / {esc(s.certs[1])}</p><div class="tags">{tags}</div>
<p>{esc(s.pitch[0])}</p><p>{esc(s.pitch[3 % len(s.pitch)])}</p><img src="/img/sample.png" width="300" alt="">
<p class="verify">下证后<a href="{esc(s.verify_urls[0])}">官方平台可查</a></p><p>添加微信 {esc(s.gang.wechat)}（电话同号 {s.gang.phone}）</p></div>{tracking(s.gang)}"""
    css = (
        "<style>body{background:#f2f2f2}.card{max-width:420px;margin:20px auto;background:#fff;border-radius:12px;"
        "padding:20px;text-align:center}.tag{display:inline-block;background:#07c160;color:#fff;border-radius:10px;"
        "padding:2px 8px;margin:2px}.avatar{width:80px;border-radius:50%}</style>\n"
    )
    return page(f"{s.certs[0]}{s.words[0]} {s.words[1]}", body, head=css)


def _shop(s: SellerSpec) -> str:
    goods = "".join(
        f'<div class="g"><h3>{esc(c)}</h3><p>{esc(w)}</p><p class="p">¥{p}起</p><a href="#kf">立即咨询</a></div>'
        for c, w, p in zip(s.certs, s.words, s.prices, strict=False)
    )
    faq = (
        f'<dl><dt>证书能查到吗？</dt><dd>{esc(s.words[1])}，查询地址：<a href="{esc(s.verify_urls[0])}">'
        f"{esc(s.verify_urls[0])}</a></dd><dt>需要本人去吗？</dt><dd>{esc(s.pitch[0])}</dd></dl>"
    )
    body = f"""<header class="shop">{esc(s.region)}职业证书商城</header><main class="grid">{goods}</main>
<section class="faq"><h2>常见问题</h2>{faq}</section><section id="kf">{_contacts(s)}</section>
<img src="/img/sample.png" alt="样本">{tracking(s.gang, cnzz=True)}"""
    css = ".grid{display:grid;grid-template-columns:repeat(3,1fr);gap:14px}.g{border:1px solid #eee;padding:14px}.p{color:#f40}"
    return page(
        f"{s.region}职业证书商城-{s.certs[0]}{s.words[0]}", body, head=f"<style>{css}</style>\n"
    )


RENDER = {"landing": _landing, "article": _article, "card": _card, "shop": _shop}


def seller_host(ctx: Ctx, rng: random.Random) -> str:
    a, b = HOST_WORDS[ctx.split]
    for _ in range(200):
        host = f"{rng.choice(a)}{rng.choice(('-', ''))}{rng.choice(b)}.{rng.choice(('com', 'cn', 'top', 'xyz', 'net', 'vip'))}"
        if rng.random() < 0.3:
            host = "www." + host
        if ctx.claim(host):
            return host
    raise RuntimeError("no free seller host")


def seller_site(ctx: Ctx, rng: random.Random, gang: Gang, fakes: Sequence[Site]) -> Site:
    host = seller_host(ctx, rng)
    certs = tuple(rng.sample(vocab.CERT_NAMES[ctx.split], 3))
    words = tuple(rng.sample(vocab.SELLER_WORDS[ctx.split], 4))
    urls = tuple(s.url() for s in fakes[:3]) or (f"http://{host}/cx/",)
    qr_url = next((s.url() for s in fakes if "qr" in s.variants), urls[0])
    h = (vocab.person(rng), "T" + vocab.idcard(rng), rng.choice(vocab.OPERATIONS)[1], qr_url)
    spec = SellerSpec(
        host,
        gang,
        rng.choice(LAYOUTS[ctx.split]),
        certs,
        words,
        tuple(rng.sample(vocab.SELLER_PITCH[ctx.split], 4)),
        urls,
        tuple(rng.choice((380, 680, 980, 1280, 1800)) for _ in certs),
        rng.choice((*vocab.REGION_WORDS, rng.choice(vocab.PROVINCES).name[:2])),
        h,
    )
    routes = (
        route("/", lazy(RENDER[spec.layout], spec)),
        route("/index.html", lazy(RENDER[spec.layout], spec)),
        route("/img/sample.png", lazy(resources.certificate_card, *h, gang.style), ctype=PNG),
        route(
            "/img/wx.png",
            lazy(resources.contact_qr, f"https://u.wechat.com/{gang.wechat}"),
            ctype=PNG,
        ),
    )
    tls = gang.tls(host)
    created = gang.registered(ctx, rng)
    terms = (
        f"{certs[0]} {words[0]}",
        f"{spec.region}{certs[1]} {words[1]}",
        f"{certs[2]}{words[2]}",
    )
    return make_site(
        host,
        label="seller",
        klass=f"seller-{spec.layout}",
        gang=gang.id,
        routes=routes,
        dns=gang.dns(rng),
        whois=gang.whois(ctx, rng, host, created=created),
        note=f"seller ({spec.layout}) of {gang.id}",
        variants=(spec.layout, "contacts", "sample-card"),
        categories=("seller",),
        template=f"seller-{spec.layout}",
        target="mem",
        schemes=("https", "http") if tls and tls.valid else ("http",),
        tls=tls if tls and tls.valid else None,
        ct=infra.ct_logged(created) if tls and tls.valid else None,
        discoverable_by=("search", "links"),
        search_terms=terms,
        keywords=certs + words,
    )


def build(ctx: Ctx, gangs: Sequence[Gang], fakes: Sequence[Site], count: int) -> list[Piece]:
    rng = ctx.rng("sellers")
    pieces = []
    for i in range(count):
        gang = gangs[i % len(gangs)]
        own = [s for s in fakes if s.gang == gang.id and s.klass != "redirect-old"]
        pieces.append(Piece(seller_site(ctx, rng, gang, own)))
    return pieces
