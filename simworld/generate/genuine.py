"""The fixed part of every generated world: the genuine platform (the hand-written replica),
the official hosts of the other shipped profiles, the allowlisted state-run platforms, and the
services (search engines, crt.sh, passive DNS, the 找错 widget host). Real hosts do not change
with the split; references are captured from them."""

from __future__ import annotations

import dataclasses

from core.profiles import TargetProfile, load_profiles
from simworld.generate import govcms, infra, resources, vocab
from simworld.generate.context import Ctx
from simworld.generate.sitekit import PNG, Piece, esc, lazy, make_site, page, route
from simworld.loader import load_site
from simworld.world import DEFAULT_ROOT, registrable_domain

#: hand-written sites reused as they are: (host, klass, extra labelled paths)
FILE_SITES = (
    ("cx.mem.gov.cn", "genuine-platform", ("/special?index=0", "/safety?index=1")),
    ("www.chsi.com.cn", "allowlisted-platform", ()),
    ("www.cpta.com.cn", "allowlisted-platform", ()),
    ("zscx.osta.org.cn", "allowlisted-platform", ()),
)
SERVICES = (
    "crt.sh",
    "api.dnsdb.info",
    "www.baidu.com",
    "cn.bing.com",
    "www.sogou.com",
    "www.so.com",
)
GENUINE_CONAC = (
    "7c1e2f0a9b3d4e5f8a6b1c2d3e4f5a6b",
    "特种作业操作证及安全生产知识和管理能力考核合格信息查询平台",
    "应急管理部",
    "cx.mem.gov.cn",
    "bm95000012",
    "",
)


def _platform(g: govcms.GovSpec, fields: tuple[str, ...], title: str) -> str:
    rows = "".join(
        f'<div class="row"><label>{esc(f)}</label><input name="f{i}" placeholder="请输入{esc(f)}">'
        "</div>"
        for i, f in enumerate(fields)
    )
    body = f"""<div class="hd" style="background:{g.color}"><img src="/images/gh.png" alt="">
<span>{esc(title)}</span></div>
<div class="box"><h2>{esc(fields[0] if fields else "信息")}查询</h2><form action="/query" method="post">{rows}
<div class="row"><label>验证码</label><input name="code" placeholder="请输入验证码"><img src="/captcha.png" alt="验证码"></div>
<button type="submit">查询</button></form><p class="tip">{esc(g.intro)}</p></div>
<div class="ft"><p>主办单位：{esc(g.org)}</p><p>{govcms.marks_line(g)}</p>{govcms.conac_link(g)}</div>
{govcms.tail(g)}"""
    return page(title, body, head=govcms.head(g))


def _profile_official(
    ctx: Ctx, prof: TargetProfile, host: str, url: str
) -> tuple[govcms.GovSpec, Piece]:
    rng = ctx.rng("profile", host)
    reg = registrable_domain(host)
    p = vocab.PROVINCES[0]
    g = govcms.GovSpec(
        host=host,
        name=prof.name,
        org=prof.owner,
        undertaker=f"{prof.owner}信息中心",
        code=vocab.site_code(rng, None),
        icp=vocab.icp(rng, p),
        gongan=vocab.gongan(rng, p),
        gongan_prefix="京",
        bszs_id=vocab.conac_id(rng),
        conac_js=f"11/000/0000/{rng.randint(10**7, 10**8 - 1)}/CA110000000{rng.randint(10**8, 10**9 - 1)}0001.js",
        layout="platform",
        color=rng.choice(("#1d5fae", "#0f5a9e", "#b51c1c")),
        news=(),
        links=(),
        intro=f"本平台由{prof.owner}建设，提供{prof.names_zh[1] if len(prof.names_zh) > 1 else prof.name}服务。",
    )
    fields = prof.form_fields or ("证书编号", "姓名")
    https = url.startswith("https")
    ns = (f"ns1.{reg}", f"ns2.{reg}")
    routes = [
        route("/", lazy(_platform, g, fields, prof.name)),
        route("/index.html", lazy(_platform, g, fields, prof.name)),
        route("/images/gh.png", resources.emblem, ctype=PNG),
        route("/images/ga.png", resources.gongan_icon, ctype=PNG),
        route("/captcha.png", lazy(resources.captcha, "8391", 2), ctype=PNG),
    ]
    site = make_site(
        host,
        label="official",
        klass="profile-official",
        routes=routes,
        target=prof.key,
        dns=infra.dns((infra.HOSTINGS["gov-idc"].ip(rng),), ns),
        whois=infra.gov_whois(ctx, reg, prof.owner, 6000, ns)
        if reg.endswith("gov.cn")
        else infra.business_whois(ctx, rng, reg, prof.owner, ns),
        note=f"official host of the {prof.key} profile",
        schemes=("https", "http") if https else ("http",),
        tls=infra.tls(issuer="GeoTrust CN RSA CA G1") if https else None,
        ct=infra.ct_logged(ctx.days_ago(40)) if https else None,
        discoverable_by=("search", "links"),
        keywords=(prof.name, prof.owner, *prof.names_zh[:3]),
        search_terms=tuple(prof.names_zh[:2]),
    )
    return g, Piece(site)


def build(ctx: Ctx) -> tuple[list[Piece], list[tuple[str, str, str, str, str, str]]]:
    """(pieces, CONAC registry rows) of the fixed sites; the genuine platform's row first."""
    pieces, conac = [], [GENUINE_CONAC]
    for host, klass, extra in FILE_SITES:
        site = load_site(DEFAULT_ROOT / "sites" / host)
        ctx.claim(host, own_domain=False)
        pieces.append(Piece(dataclasses.replace(site, klass=klass), extra=extra))
    for host in SERVICES:
        ctx.claim(host, own_domain=False)
        pieces.append(
            Piece(dataclasses.replace(load_site(DEFAULT_ROOT / "sites" / host), klass="service"))
        )
    zf = load_site(DEFAULT_ROOT / "sites" / "zfwzgl.www.gov.cn")
    ctx.claim(zf.host, own_domain=False)
    pieces.append(
        Piece(
            dataclasses.replace(
                zf, label="official", klass="gov-service", entry="/exposure/jiucuo.js"
            )
        )
    )
    for prof in load_profiles():
        if prof.key == "mem":
            continue
        for url in prof.reference_urls:
            host = url.split("/")[2]
            if not ctx.claim(host, own_domain=False):
                continue
            g, piece = _profile_official(ctx, prof, host, url)
            conac.append((g.bszs_id, g.name, g.org, g.host, g.code, g.conac_js))
            pieces.append(piece)
    # the samr profile's non-gov.cn entrance (allowlisted), built like its gov.cn sibling
    samr = next((p for p in load_profiles() if p.key == "samr"), None)
    if samr is not None and ctx.claim("cnse.e-cqs.cn", own_domain=False):
        g, piece = _profile_official(ctx, samr, "cnse.e-cqs.cn", "https://cnse.e-cqs.cn/")
        pieces.append(
            Piece(
                dataclasses.replace(
                    piece.site,
                    klass="allowlisted-platform",
                    target="",
                    note="allowlisted samr entrance",
                )
            )
        )
    return pieces, conac
