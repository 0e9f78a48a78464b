"""Unrelated genuine query platforms (issue 8, class 6): exam authorities, associations and
skill-assessment bodies that let anyone check a certificate by number, name and ID number —
real query semantics, other certificates. Not allowlisted: the product must tell them apart
by what they claim, not by their form."""

from __future__ import annotations

from dataclasses import dataclass

from simworld.generate import infra, names, resources, vocab
from simworld.generate.context import Ctx
from simworld.generate.sitekit import PNG, Piece, esc, lazy, make_site, page, route


@dataclass(frozen=True)
class Kind:
    key: str
    title: str  # {org}
    org: tuple[str, ...]
    fields: tuple[str, ...]
    result: tuple[str, ...]
    tlds: tuple[str, ...]


KINDS = {
    "tune": (
        Kind(
            "exam-score",
            "{org}成绩查询系统",
            ("{p}教育考试院", "{p}人事考试中心"),
            ("考生号", "身份证号", "验证码"),
            ("姓名", "准考证号", "科目", "成绩", "合格标准"),
            ("edu.cn", "org.cn"),
        ),
        Kind(
            "association-cert",
            "{org}证书查询",
            ("中国{t}协会", "{p}{t}行业协会"),
            ("证书编号", "姓名", "验证码"),
            ("姓名", "证书编号", "专业", "等级", "发证日期"),
            ("org.cn",),
        ),
        Kind(
            "degree",
            "{org}学位证书查询",
            ("{p}工业大学", "{p}财经学院"),
            ("证书编号", "姓名", "身份证号"),
            ("姓名", "学位证书编号", "学科门类", "授予日期"),
            ("edu.cn",),
        ),
    ),
    "heldout": (
        Kind(
            "skill-cert",
            "{org}职业技能等级证书查询",
            ("{p}职业技能鉴定中心", "{t}职业技能评价中心"),
            ("身份证号", "姓名", "图形验证码"),
            ("姓名", "证书编号", "职业(工种)", "等级", "发证日期"),
            ("org.cn", "com.cn"),
        ),
        Kind(
            "teacher",
            "{org}教师资格证书查询",
            ("{p}教师发展中心",),
            ("证件号码", "姓名", "验证码"),
            ("姓名", "资格种类", "任教学科", "证书号码"),
            ("edu.cn",),
        ),
        Kind(
            "industry-post",
            "{org}岗位培训合格证查询",
            ("中国{t}企业联合会", "{p}{t}学会"),
            ("证书编号", "姓名"),
            ("姓名", "证书编号", "岗位", "有效期至", "培训机构"),
            ("org.cn",),
        ),
    ),
}
TRADES = ("电力", "建筑", "物业管理", "物流与采购", "通信", "质量", "设备管理")


def _form(title: str, kind: Kind, org: str) -> str:
    rows = "".join(
        f'<tr><td class="l">{esc(f)}：</td><td><input name="q{i}" placeholder="请输入{esc(f)}">'
        + ('<img src="/yzm.png" alt="">' if "验证码" in f else "")
        + "</td></tr>"
        for i, f in enumerate(kind.fields)
    )
    body = (
        f'<div class="top"><span class="org">{esc(org)}</span></div><div class="box"><h2>{esc(title)}</h2>'
        f'<form action="/result" method="get"><table>{rows}</table><button type="submit">查询</button></form>'
        f'<p class="tip">说明：本系统仅提供{esc(org)}颁发证书的查询服务。</p></div>'
        f'<div class="ft">{esc(org)} 版权所有</div>'
    )
    return page(title, body)


def _result(title: str, kind: Kind, org: str, values: tuple[str, ...]) -> str:
    rows = "".join(
        f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>"
        for k, v in zip(kind.result, values, strict=False)
    )
    return page(
        f"查询结果-{title}",
        f'<div class="top">{esc(org)}</div><h2>查询结果</h2><table class="res">{rows}'
        f'</table><p><a href="/">返回</a></p>',
    )


def build(ctx: Ctx, count: int) -> list[Piece]:
    rng = ctx.rng("platforms")
    kinds = KINDS[ctx.split]
    pieces = []
    for i in range(count):
        kind = kinds[i % len(kinds)]
        p = rng.choice(vocab.PROVINCES)
        org = rng.choice(kind.org).format(p=p.name.rstrip("省市"), t=rng.choice(TRADES))
        title = kind.title.format(org=org)
        base = names.benign_host(ctx, rng, tlds=kind.tlds, www=0.0)
        host = f"{rng.choice(('cx', 'query', 'zscx', 'www', 'cert'))}.{base}"
        ctx.claim(host, own_domain=False)
        values = (
            vocab.person(rng),
            f"{rng.randint(10**11, 10**12 - 1)}",
            rng.choice(TRADES),
            rng.choice(("一级", "二级", "合格")),
            ctx.days_ago(rng.randint(30, 900)).date().isoformat(),
        )
        hosting = infra.HOSTINGS[
            "cernet" if base.endswith("edu.cn") else rng.choice(infra.DOMESTIC)
        ]
        ns = hosting.name_servers[0] if hosting.name_servers else (f"dns.{base}",)
        routes = (
            route("/", lazy(_form, title, kind, org)),
            route("/index.html", lazy(_form, title, kind, org)),
            route("/result", lazy(_result, title, kind, org, values)),
            route("/yzm.png", lazy(resources.captcha, str(rng.randint(1000, 9999)), i), ctype=PNG),
        )
        https = rng.random() < 0.6
        pieces.append(
            Piece(
                make_site(
                    host,
                    label="benign",
                    klass="query-platform",
                    routes=routes,
                    dns=infra.dns((hosting.ip(rng),), ns),
                    whois=infra.business_whois(ctx, rng, base, org, ns),
                    note=f"{kind.key}: {title}",
                    variants=(kind.key,),
                    template=f"platform-{kind.key}",
                    schemes=("https", "http") if https else ("http",),
                    tls=infra.tls(issuer=rng.choice(infra.BUSINESS_ISSUERS)) if https else None,
                    ct=infra.ct_logged(ctx.days_ago(rng.randint(5, 80))) if https else None,
                    discoverable_by=("search", "ct"),
                    keywords=(title, org, "证书查询"),
                    search_terms=(title, f"{org} 证书查询"),
                ),
                extra=("/result?q0=1&q1=2",) if i % 2 == 0 else (),
            )
        )
    return pieces
