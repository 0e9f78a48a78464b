"""Pages about the platform that are not the platform (issue 8, class 7 and more): training
schools, forum and Q&A posts, news about the crackdown, enterprise self-check notices. They
quote its name, explain how to check a certificate and link to cx.mem.gov.cn. Each class has a
tuning and a held-out layout and wording."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from simworld.generate import infra, names, resources, vocab
from simworld.generate.context import Ctx
from simworld.generate.sitekit import PNG, Piece, esc, lazy, make_site, page, route

PLATFORM = "https://cx.mem.gov.cn/"
NAME = "特种作业操作证及安全生产知识和管理能力考核合格信息查询平台"


@dataclass(frozen=True)
class Post:
    """The facts of one page: who publishes it, the wording drawn for it, the layout version."""

    org: str
    place: str
    certs: tuple[str, ...]
    words: tuple[str, ...]
    people: tuple[str, ...]
    date: str
    number: int
    version: str  # a (tuning) | b (held-out)
    fakes: tuple[str, ...] = ()  # defanged fake domains named in news


def _link(text: str = "cx.mem.gov.cn") -> str:
    return f'<a href="{PLATFORM}" target="_blank">{esc(text)}</a>'


def training(p: Post) -> str:
    courses = "".join(
        f"<li>{esc(c)}{esc(p.words[i % len(p.words)])}班</li>" for i, c in enumerate(p.certs)
    )
    if p.version == "a":
        body = (
            f'<div class="hd"><img src="/img/logo.png" alt=""><h1>{esc(p.org)}</h1></div><div class="nav">'
            f'<a href="/">首页</a><a href="/kc.html">培训课程</a><a href="/bm.html">报名须知</a><a href="/cx.html">证书查询</a></div>'
            f'<div class="main"><h2>招生简章</h2><ul>{courses}</ul><h3>证书查询</h3><p>学员考核合格后由应急管理部门颁发'
            f"特种作业操作证，全国通用。证书信息可登录“{NAME}”（{_link()}）查询，请认准官方网址。</p>"
            f"<p>报名电话：{esc(p.people[0])}</p></div>"
        )
    else:
        cards = "".join(
            f'<div class="card"><h4>{esc(c)}</h4><p>理论+实操，{esc(p.words[0])}</p></div>'
            for c in p.certs
        )
        body = (
            f'<header><b>{esc(p.org)}</b><span>{esc(p.place)}</span></header><section class="cards">{cards}</section>'
            f'<section class="faq"><h3>考完怎么查证？</h3><p>考试通过后约15个工作日，可在国家平台 {_link("cx.mem.gov.cn")} 输入'
            f"身份证号和姓名查询，也可关注“国家安全生产考试”公众号。其他网址均非官方。</p></section>"
            f"<footer>咨询：{esc(p.people[0])}</footer>"
        )
    return page(f"{p.org}-{p.place}{p.certs[0]}{p.words[0]}", body)


def forum(p: Post) -> str:
    q = f"{p.certs[0]}在哪里查真假？网上有好几个查询网站"
    answers = (
        f"官方只有一个：{NAME}，网址 cx.mem.gov.cn，别的都是假的。",
        "我的证是在培训学校考的，上面那个网址能查到。",
        f"遇到说{p.words[0]}的都是骗子，证能在假网站上“查到”而已。",
    )
    if p.version == "a":
        posts = "".join(
            f'<table class="plhin"><tr><td class="pls">{esc(u)}</td><td class="plc"><div class="t_f">'
            f"{esc(a)}</div></td></tr></table>"
            for u, a in zip(p.people, answers, strict=False)
        )
        body = (
            f'<div id="pt">{esc(p.place)}社区 › 职业资格 › 帖子</div><h1 id="thread_subject">{esc(q)}</h1>'
            f'<div id="postlist">{posts}</div><p>相关链接：{_link("证书查询（官方）")}</p>'
        )
        return page(f"{q} - {p.place}社区 - Powered by Discuz!", body)
    items = "".join(
        f'<div class="AnswerItem"><div class="AuthorInfo">{esc(u)}</div><div class="RichText">{esc(a)}'
        "</div></div>"
        for u, a in zip(p.people, answers, strict=False)
    )
    body = (
        f'<div class="QuestionHeader"><h1 class="QuestionHeader-title">{esc(q)}</h1><div class="QuestionHeader-detail">'
        f'买的时候对方说{esc(p.words[1])}，现在不放心。</div></div><div class="List">{items}</div>'
        f'<p class="ref">参考：{_link()}</p>'
    )
    return page(f"{q} - 问答", body)


def news(p: Post) -> str:
    fakes = "、".join(p.fakes) or "多个仿冒网站"
    if p.version == "a":
        title = f"{p.place}警方破获一起制售假特种作业操作证案"
        text = (
            f"近日，{p.place}公安机关破获一起制售假证案件，抓获犯罪嫌疑人{p.number}名。该团伙搭建{fakes}等仿冒查询网站，"
            f"冒用“{NAME}”名义，使假证能在假网站上“查到”。警方提示：证书查询请认准 cx.mem.gov.cn。"
        )
    else:
        title = f"专项行动关停仿冒证书查询网站{p.number}个 {p.place}发布典型案例"
        text = (
            f"{p.place}应急管理部门联合公安机关开展专项整治，关停仿冒网站{p.number}个，其中包括{fakes}。"
            f"这些网站页面与官方平台高度相似。官方提醒，查询证书信息应登录全国统一平台，网址是判断真伪的唯一标准。"
        )
    body = (
        f'<div class="top">{esc(p.org)}</div><div class="article"><h1>{esc(title)}</h1><div class="info">'
        f'{p.date}　来源：{esc(p.org)}　记者 {esc(p.people[0])}</div><div class="content"><p>{esc(text)}</p>'
        f"<p>官方查询平台：{_link()}</p></div></div>"
    )
    return page(f"{title}_{p.org}", body)


def selfcheck(p: Post) -> str:
    rows = "".join(
        f"<tr><td>{i + 1}</td><td>{esc(n)}</td><td>{esc(p.certs[i % len(p.certs)])}</td><td>"
        f"{vocab.masked(vocab.idcard(random.Random(n + p.org)))}</td><td>已核验</td></tr>"
        for i, n in enumerate(p.people)
    )
    title = (
        "关于开展特种作业人员持证上岗自查的通知"
        if p.version == "a"
        else f"{p.org}特种作业人员证书核验公示"
    )
    body = (
        f'<div class="hd">{esc(p.org)}</div><h1>{esc(title)}</h1><p>各部门：为落实安全生产主体责任，现对本单位'
        f'特种作业人员持证情况进行核查。核查方式：登录{_link(NAME)}逐一查询。</p><table class="list"><tr><th>序号</th>'
        f"<th>姓名</th><th>证书类别</th><th>证件号码</th><th>核验结果</th></tr>{rows}</table><p>{p.date}</p>"
    )
    return page(f"{title}-{p.org}", body)


RENDER: dict[str, Callable[[Post], str]] = {
    "training-school": training,
    "forum-qa": forum,
    "news": news,
    "enterprise-selfcheck": selfcheck,
}
ORG = {
    "training-school": ("{p}安全技术培训学校", "{p}职业技能培训中心", "{p}安培教育"),
    "forum-qa": ("{p}社区", "{p}论坛"),
    "news": ("{p}日报", "{p}新闻网", "{p}晚报"),
    "enterprise-selfcheck": ("{p}建工集团", "{p}化工有限公司", "{p}电力安装公司"),
}
PATHS = {
    "training-school": "/",
    "forum-qa": "/thread-{n}-1-1.html",
    "news": "/{y}/{n}.shtml",
    "enterprise-selfcheck": "/news/show-{n}.html",
}
HOST_WORDS = {
    "training-school": ("peixun", "px", "anpei"),
    "forum-qa": ("bbs", "luntan"),
    "news": ("news", "xinwen"),
    "enterprise-selfcheck": ("jituan", "gs"),
}


def post_piece(ctx: Ctx, rng: random.Random, klass: str, fakes: tuple[str, ...]) -> Piece:
    prov = rng.choice(vocab.PROVINCES)
    place = rng.choice(prov.cities)
    org = rng.choice(ORG[klass]).format(p=place)
    post = Post(
        org,
        place,
        tuple(rng.sample(vocab.CERT_NAMES[ctx.split], 3)),
        tuple(
            rng.sample(
                vocab.TRAINING_WORDS[ctx.split]
                if klass == "training-school"
                else vocab.SELLER_WORDS[ctx.split],
                2,
            )
        ),
        tuple(vocab.person(rng) for _ in range(3)),
        ctx.days_ago(rng.randint(3, 400)).date().isoformat(),
        rng.randint(3, 60),
        "a" if ctx.tune else "b",
        tuple(f.replace(".", "[.]", 1) for f in rng.sample(list(fakes), k=min(2, len(fakes)))),
    )
    host = names.benign_host(ctx, rng, words=HOST_WORDS[klass])
    if klass == "forum-qa" and rng.random() < 0.5:
        host = f"bbs.{host.removeprefix('www.')}"
        ctx.claim(host, own_domain=False)
    path = PATHS[klass].format(n=rng.randint(1000, 999999), y=ctx.today.year)
    hosting = infra.HOSTINGS[rng.choice(infra.DOMESTIC)]
    ns = hosting.name_servers[0]
    routes = [
        route(path, lazy(RENDER[klass], post)),
        route("/img/logo.png", lazy(resources.logo, org, (20, 90, 170)), ctype=PNG),
    ]
    if path != "/":
        routes.append(
            route(
                "/",
                lazy(
                    page, org, f'<h1>{esc(org)}</h1><p><a href="{path}">{esc(org)}最新内容</a></p>'
                ),
            )
        )
    https = rng.random() < 0.6
    terms = {
        "training-school": (
            f"{place} {post.certs[0]} 培训",
            f"{place}{post.certs[1]}{post.words[0]}",
        ),
        "forum-qa": (f"{post.certs[0]} 查真假", f"{post.certs[0]} 查询网站"),
        "news": (f"{place} 假证 网站", "仿冒 证书查询 网站"),
        "enterprise-selfcheck": (f"{org} 特种作业",),
    }[klass]
    return Piece(
        make_site(
            host,
            label="benign",
            klass=klass,
            routes=routes,
            dns=infra.dns((hosting.ip(rng),), ns),
            whois=infra.business_whois(
                ctx,
                rng,
                host.split(".", 1)[1] if host.startswith(("www.", "bbs.")) else host,
                org,
                ns,
            ),
            note=f"{klass}: {org}",
            template=f"{klass}-{post.version}",
            entry=path,
            schemes=("https", "http") if https else ("http",),
            tls=infra.tls(issuer=rng.choice(infra.BUSINESS_ISSUERS)) if https else None,
            ct=infra.ct_logged(ctx.days_ago(rng.randint(5, 80))) if https else None,
            discoverable_by=("search", "links"),
            keywords=(org, *post.certs, "特种作业操作证", "查询"),
            search_terms=terms,
        )
    )


def build(ctx: Ctx, counts: dict[str, int], fakes: tuple[str, ...]) -> list[Piece]:
    rng = ctx.rng("posts")
    return [
        post_piece(ctx, rng, klass, fakes) for klass in RENDER for _ in range(counts.get(klass, 0))
    ]
