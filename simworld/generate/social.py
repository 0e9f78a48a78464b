"""Users' posts on social, forum and marketplace platforms (issue 12, item 3).

Sellers advertise where buyers are: a 贴吧 thread, a 微博 post, a 闲鱼 listing, a 58同城 ad,
each with the gang's WeChat/QQ/phone and often the site it sells or the fake query site that
"verifies" its cards ("官网可查 cx-mem点top"). Beside them, on the same platforms, the hard
negatives: warnings naming a fake site, questions answered with cx.mem.gov.cn, genuine
training schools' ads with a phone number, used study books.

The platform site is `infrastructure`; each post is labelled on its own (`SitePost`). The
tuning split posts on 贴吧 and 闲鱼, the held-out split on 微博 and 58同城, each platform with
its own page chrome, and each split with its own seller vocabulary (vocab.py).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from simworld.generate import infra, vocab
from simworld.generate.context import Ctx
from simworld.generate.gangs import Gang
from simworld.generate.sitekit import Piece, esc, lazy, make_site, page, route
from simworld.world import Route, Site, SitePost


@dataclass(frozen=True)
class Platform:
    host: str
    name: str
    org: str  # the operator, in WHOIS (None: the registrable domain is described elsewhere)
    path: Callable[[random.Random], str]
    tongji: str  # the platform's own analytics: the same on every post, evidence of nothing


def _tieba_path(rng: random.Random) -> str:
    return f"/p/{rng.randint(7 * 10**9, 9 * 10**9)}"


def _goofish_path(rng: random.Random) -> str:
    return f"/item?id={rng.randint(6 * 10**11, 9 * 10**11)}"


def _weibo_path(rng: random.Random) -> str:
    mid = "".join(
        rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz0123456789") for _ in range(9)
    )
    return f"/{rng.randint(10**9, 7 * 10**9)}/{mid}"


def _wuba_path(rng: random.Random) -> str:
    return f"/jiaoyupeixun/{rng.randint(4 * 10**13, 5 * 10**13)}x.shtml"


PLATFORMS = {
    "tune": (
        Platform(
            "tieba.baidu.com", "百度贴吧", "", _tieba_path, "a1b2c3d4e5f60718293a4b5c6d7e8f90"
        ),
        Platform("www.goofish.com", "闲鱼", "阿里巴巴（中国）有限公司", _goofish_path, ""),
    ),
    "heldout": (
        Platform("weibo.com", "微博", "北京微梦创科网络技术有限公司", _weibo_path, ""),
        Platform("bj.58.com", "58同城", "北京五八信息技术有限公司", _wuba_path, ""),
    ),
}
BENIGN_KINDS = ("warning", "question", "training", "listing")


@dataclass(frozen=True)
class PostSpec:
    platform: Platform
    author: str
    title: str
    text: tuple[str, ...]  # paragraphs, plain text
    date: str


def _defang(host: str, rng: random.Random) -> str:
    """How a seller writes a domain a platform would block: 点 for the dot, or as it is."""
    # sellers write an IDN as people read it, not as its xn-- A-label
    plain = ".".join(
        label.encode("ascii").decode("idna") if label.startswith("xn--") else label
        for label in host.removeprefix("www.").split(".")
    )
    name, _, tld = plain.rpartition(".")
    return rng.choice((f"{name}点{tld}", f"{name}.{tld}", f"{name} . {tld}"))


def _seller_post(ctx: Ctx, rng: random.Random, gang: Gang, sites: Sequence[str]) -> tuple[str, ...]:
    cert = rng.choice(vocab.CERT_NAMES[ctx.split])
    words = rng.sample(vocab.SELLER_WORDS[ctx.split], 2)
    pitch = rng.sample(vocab.SELLER_PITCH[ctx.split], 2)
    region = rng.choice((*vocab.REGION_WORDS, rng.choice(vocab.PROVINCES).name[:2]))
    contact = rng.choice(
        (
            f"有需要的朋友加微信：{gang.wechat}，QQ：{gang.qq}",
            f"联系电话 {gang.phone}（微信同号），加V：{gang.wechat}",
            f"咨询QQ {gang.qq}，微信 {gang.wechat}",
        )
    )
    paras = [
        f"{region}{cert}{words[0]}，{words[1]}，{pitch[0]}。",
        f"{pitch[1]}。{contact}",
    ]
    if sites:
        named = "、".join(_defang(h, rng) for h in sites)
        paras.append(
            rng.choice(
                (f"证书官网可查：{named}", f"详情看我们网站 {named}", f"查询入口 {named}，扫码验真")
            )
        )
    return (f"{region}{cert} {words[0]}", *paras)


def _benign_post(ctx: Ctx, rng: random.Random, kind: str, fakes: Sequence[str]) -> tuple[str, ...]:
    cert = rng.choice(vocab.CERT_NAMES[ctx.split])
    word = rng.choice(vocab.SELLER_WORDS[ctx.split])
    if kind == "warning":
        fake = f"，比如 {_defang(rng.choice(fakes), rng)} 就是假冒的" if fakes else ""
        return (
            f"警惕{cert}{word}骗局",
            f"网上宣称“{word}”的{cert}都是骗局{fake}。",
            f"我同事花了一千多买了个证，扫码显示有效，到单位一查官网根本没有记录。真证请到应急管理部平台 cx.mem.gov.cn 查询，遇到说{word}的都是骗子，大家不要上当。",
        )
    if kind == "question":
        return (
            f"{cert}怎么查真假？",
            f"刚考完{cert}，想问下在哪里查询证书信息？网上搜出来好几个查询网站，不知道哪个是官方的。",
            "回复：特种作业操作证统一在“特种作业操作证及安全生产知识和管理能力考核合格信息查询平台”查询，网址 cx.mem.gov.cn，其他网址都不是官方的。",
        )
    if kind == "training":
        words = vocab.TRAINING_WORDS[ctx.split]
        phone = f"0{rng.randint(10, 999)}-{rng.randint(6 * 10**7, 9 * 10**7 - 1)}"
        return (
            f"{cert}{words[0]}{words[1]}",
            f"本校常年开设{cert}{words[0]}班，{words[2]}+{words[3]}，考试合格由应急管理部门发证，可在国家平台查询。",
            f"报名电话：{phone}，地址：{rng.choice(vocab.PROVINCES).name}{rng.choice(('开发区', '高新区', '城东'))}安全培训中心。",
        )
    return (
        f"出{cert}考试教材 题库",
        f"考完{cert}了，教材和模拟题库九成新，便宜出，{rng.choice((25, 30, 40))}元包邮。",
        "只卖书，不办证，想办证的别问了。",
    )


def _render(spec: PostSpec) -> str:
    paras = "".join(f"<p>{esc(t)}</p>" for t in spec.text)
    p = spec.platform
    tongji = (
        f'<script>var _hmt=_hmt||[];(function(){{var hm=document.createElement("script");'
        f'hm.src="https://hm.baidu.com/hm.js?{p.tongji}";document.head.appendChild(hm);}})();</script>'
        if p.tongji
        else ""
    )
    body = (
        f'<div class="top"><a href="/" class="logo">{esc(p.name)}</a><a href="/">首页</a>'
        f'<a href="/login">登录</a><a href="/register">注册</a></div>'
        f'<div class="post"><h1>{esc(spec.title)}</h1><div class="meta"><span class="author">{esc(spec.author)}</span>'
        f'<span>{esc(spec.date)}</span></div><div class="content">{paras}</div>'
        '<div class="acts"><a href="#">回复</a><a href="#">分享</a><a href="#">举报</a></div></div>'
        f'<div class="ft">©{esc(spec.date[:4])} {esc(p.name)} 用户协议 | 隐私政策 | 网络谣言警示</div>{tongji}'
    )
    return page(f"{spec.title}_{p.name}", body)


def _home(p: Platform) -> str:
    return page(
        p.name,
        f'<div class="top"><a href="/" class="logo">{esc(p.name)}</a></div><p>{esc(p.name)}：发现更多精彩</p>',
    )


def _platform_site(ctx: Ctx, p: Platform, posts: list[tuple[SitePost, PostSpec]]) -> Site:
    rng = ctx.rng("social-site", p.host)
    hosting = infra.HOSTINGS[rng.choice(infra.DOMESTIC)]
    ns = rng.choice(hosting.name_servers)
    routes: list[Route] = [route("/", lazy(_home, p))]
    routes += [route(post.path, lazy(_render, spec)) for post, spec in posts]
    whois = infra.business_whois(ctx, rng, p.host, p.org, ns) if p.org else None
    return make_site(
        p.host,
        label="infrastructure",
        klass="social-platform",
        routes=routes,
        dns=infra.dns((hosting.ip(rng), hosting.ip(rng)), ns),
        whois=whois,
        note=f"{p.name}: users' posts",
        schemes=("https", "http"),
        tls=infra.tls(issuer="GlobalSign RSA OV SSL CA 2018"),
        ct=infra.ct_logged(ctx.days_ago(rng.randint(30, 300))),
    )


def build(
    ctx: Ctx, gangs: Sequence[Gang], sites: Sequence[Site], sellers: int, benign: int
) -> list[Piece]:
    """`sellers` seller posts (gangs in turn, naming the gang's own seller or fake sites) and
    `benign` hard-negative posts, spread over the split's platforms."""
    rng = ctx.rng("social")
    platforms = PLATFORMS[ctx.split]
    fakes = [s.host for s in sites if s.label == "counterfeit"]
    on: dict[str, list[tuple[SitePost, PostSpec]]] = {p.host: [] for p in platforms}
    paths: set[str] = set()

    def add(kind: str, text: tuple[str, ...], label: str, gang: str = "") -> None:
        p = platforms[len(paths) % len(platforms)]
        path = p.path(rng)
        while path in paths:
            path = p.path(rng)
        paths.add(path)
        author = rng.choice(("用户", "网友", "小", "老")) + vocab.person(rng)[1:]
        spec = PostSpec(
            p,
            author,
            text[0],
            text[1:],
            ctx.days_ago(rng.randint(1, 90)).strftime("%Y-%m-%d"),
        )
        terms = (text[0], f"{text[0]} {p.name}")
        on[p.host].append(
            (SitePost(path, label, f"post-{kind}", terms, f"{kind} post on {p.name}", gang), spec)
        )

    for i in range(sellers):
        gang = gangs[i % len(gangs)]
        own = [s.host for s in sites if s.gang == gang.id and s.label in ("seller", "counterfeit")]
        named = rng.sample(own, min(len(own), rng.choice((0, 1, 1, 2))))
        add("seller", _seller_post(ctx, rng, gang, named), "seller", gang.id)
    for i in range(benign):
        kind = BENIGN_KINDS[i % len(BENIGN_KINDS)]
        add(kind, _benign_post(ctx, rng, kind, fakes), "benign")
    out = []
    for p in platforms:
        # the platform's registrable domain may be described by another site (baidu.com)
        if not ctx.claim(p.host, own_domain=bool(p.org)):
            raise RuntimeError(f"{p.host} generated twice")
        site = _platform_site(ctx, p, on[p.host])
        posts = tuple(post for post, _ in on[p.host])
        out.append(Piece(replace(site, posts=posts)))
    return out
