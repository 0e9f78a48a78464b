"""Known infrastructure reached directly (issue 8, classes 2–4): the CONAC verification service
and badge host, the ICP and 公安 filing systems, analytics and CDN endpoints. A crawl that follows
links out of fakes and gov sites lands on exactly these URLs."""

from __future__ import annotations

import random
from collections.abc import Sequence

from simworld.generate import infra, resources
from simworld.generate.context import Ctx
from simworld.generate.sitekit import JS, PNG, Piece, const, esc, lazy, make_site, page, route
from simworld.world import Route

#: (bszs id, site name, organisation, host, site code, badge script path under dcs.conac.cn/js/)
ConacRow = tuple[str, str, str, str, str, str]
CDNS = (
    ("cdn.bootcdn.net", "/ajax/libs/"),
    ("lib.baomitu.com", "/"),
    ("cdn.staticfile.org", "/"),
    ("cdn.jsdelivr.net", "/npm/"),
)


def _conac_page(row: ConacRow) -> str:
    bszs_id, name, org, host, code, _ = row
    rows = "".join(
        f"<tr><th>{k}</th><td>{esc(v)}</td></tr>"
        for k, v in (
            ("网站名称", name),
            ("网站域名", host),
            ("主办单位", org),
            ("单位性质", "党政机关"),
            ("政府网站标识码", code),
            ("证书编号", bszs_id[:12]),
        )
    )
    body = (
        f'<div class="hd"><img src="/image/logo.png" alt="">党政机关网站标识 · 网站信息</div>'
        f'<table class="info">{rows}</table><p class="ok">该网站已通过党政机关网站标识核验，'
        '核验信息以本页面为准。</p><p class="ft">中央机构编制委员会办公室 主办</p>'
    )
    return page("党政机关网站标识", body)


def _conac_missing() -> str:
    return page(
        "党政机关网站标识",
        '<div class="hd">党政机关网站标识</div><p>未查询到该网站的标识信息，'
        "请核实链接是否正确。</p>",
    )


def conac_sites(ctx: Ctx, registry: Sequence[ConacRow], pages: int) -> list[Piece]:
    rng = ctx.rng("conac")
    ctx.claim("bszs.conac.cn", own_domain=False)
    ctx.claim("dcs.conac.cn", own_domain=False)
    shown = [
        registry[0],
        *rng.sample(list(registry[1:]), k=min(len(registry) - 1, max(pages - 1, 0))),
    ]
    routes: list[Route] = [
        route(f"/sitename?method=show&id={r[0]}", lazy(_conac_page, r)) for r in registry
    ]
    routes += [
        route("/sitename", lazy(_conac_missing)),
        route("/image/logo.png", resources.conac_badge, ctype=PNG),
    ]
    ns = ("ns1.conac.cn", "ns2.conac.cn")
    bszs = make_site(
        "bszs.conac.cn",
        label="benign",
        klass="conac-verify",
        routes=routes,
        dns=infra.dns(("219.141.153.10",), ns),
        whois=infra.whois(
            "conac.cn",
            registrar="北京新网数码信息技术有限公司",
            created=ctx.days_ago(8000),
            years=10,
            ns=ns,
            registrant="中央机构编制委员会办公室",
            org="中央机构编制委员会办公室",
            country="CN",
            today=ctx.now(),
        ),
        note="CONAC site-identity verification pages",
        entry=f"/sitename?method=show&id={shown[0][0]}",
        schemes=("https", "http"),
        tls=infra.tls(issuer="GeoTrust CN RSA CA G1"),
        ct=infra.ct_logged(ctx.days_ago(30)),
        discoverable_by=("links",),
    )
    dcs_routes: list[Route] = [
        route("/image/red.png", resources.conac_badge, ctype=PNG),
        route("/image/red_error.png", resources.conac_badge, ctype=PNG),
    ]
    scripts = [r for r in registry if r[5]]
    dcs_routes += [
        route(f"/js/{r[5]}", lazy(resources.conac_script, r[0]), ctype=JS) for r in scripts
    ]
    dcs = make_site(
        "dcs.conac.cn",
        label="benign",
        klass="conac-badge",
        routes=dcs_routes,
        dns=infra.dns(("219.141.153.11",), ns),
        whois=None,
        note="CONAC badge images and scripts",
        entry="/image/red.png",
        schemes=("https", "http"),
        tls=infra.tls(issuer="GeoTrust CN RSA CA G1"),
        ct=infra.ct_logged(ctx.days_ago(30)),
        discoverable_by=("links",),
    )
    extra = tuple(f"/sitename?method=show&id={r[0]}" for r in shown[1:])
    return [Piece(bszs, extra=extra), Piece(dcs, extra=tuple(f"/js/{r[5]}" for r in scripts[:1]))]


def _filing_spa(title: str, app: str) -> str:
    body = (
        f'<div id="app"><div class="header"><img src="/img/gh.png" alt="">{esc(title)}</div><div class="search">'
        '<input placeholder="请输入单位名称、域名或备案号"><button>查询</button></div><div class="notice">'
        f"{esc(app)}</div></div>"
    )
    return page(title, body)


def filing_sites(ctx: Ctx) -> list[Piece]:
    out = []
    for host, title, app, entry in (
        (
            "beian.miit.gov.cn",
            "ICP/IP地址/域名信息备案管理系统",
            "工业和信息化部 政务服务平台",
            "/#/Integrated/index",
        ),
        (
            "beian.mps.gov.cn",
            "全国互联网安全管理服务平台",
            "公安机关互联网站安全管理服务",
            "/#/query/webSearch",
        ),
        (
            "www.beian.gov.cn",
            "全国互联网安全管理服务平台",
            "公安机关互联网站备案查询（旧入口）",
            "/portal/registerSystemInfo?recordcode=11010502039184",
        ),
    ):
        if not ctx.claim(host, own_domain=False):
            continue
        rng = ctx.rng("filing", host)
        reg = host.split(".", 1)[1]
        ns = (f"ns1.{reg}", f"ns2.{reg}")
        routes = (
            route("/", lazy(_filing_spa, title, app)),
            route("/portal/registerSystemInfo", lazy(_filing_spa, title, app)),
            route("/img/gh.png", resources.emblem, ctype=PNG),
        )
        out.append(
            Piece(
                make_site(
                    host,
                    label="official",
                    klass="filing-system",
                    routes=routes,
                    dns=infra.dns((infra.HOSTINGS["gov-idc"].ip(rng),), ns),
                    whois=infra.gov_whois(ctx, reg, title, 5000, ns),
                    note=title,
                    entry=entry.split("#")[0] or "/",
                    schemes=("https", "http"),
                    tls=infra.tls(issuer=rng.choice(infra.GOV_ISSUERS)),
                    ct=infra.ct_logged(ctx.days_ago(20)),
                    discoverable_by=("links",),
                )
            )
        )
    return out


def analytics_sites(
    ctx: Ctx, tongji_ids: Sequence[str], cnzz_ids: Sequence[str], pages: int
) -> list[Piece]:
    """hm.baidu.com (Baidu Tongji), s4.cnzz.com and the CDN hosts of the libraries."""
    rng = ctx.rng("analytics")
    for host in ("hm.baidu.com", "s4.cnzz.com"):
        ctx.claim(host, own_domain=False)
    pieces = []
    hm_ids = rng.sample(list(tongji_ids), k=min(len(tongji_ids), max(2, pages // 4)))
    hm = make_site(
        "hm.baidu.com",
        label="benign",
        klass="analytics-cdn",
        routes=(
            route("/hm.js", const(resources.HM_JS), ctype=JS),
            route("/hm.gif", const(b"GIF89a"), ctype="image/gif"),
        ),
        dns=infra.dns(("180.101.49.43",), ("ns1.a.shifen.com", "ns2.a.shifen.com")),
        whois=None,
        note="Baidu Tongji analytics script",
        entry=f"/hm.js?{hm_ids[0]}",
        schemes=("https", "http"),
        tls=infra.tls(issuer="GlobalSign GCC R6 AlphaSSL CA 2023"),
        discoverable_by=("links",),
    )
    pieces.append(Piece(hm, extra=tuple(f"/hm.js?{i}" for i in hm_ids[1:])))
    cnzz = make_site(
        "s4.cnzz.com",
        label="benign",
        klass="analytics-cdn",
        routes=(route("/z_stat.php", const(resources.CNZZ_JS), ctype=JS),),
        dns=infra.dns(("106.11.47.20",), ("ns1.cnzz.com", "ns2.cnzz.com")),
        whois=infra.business_whois(
            ctx, rng, "cnzz.com", "阿里巴巴（中国）有限公司", ("ns1.cnzz.com", "ns2.cnzz.com")
        ),
        note="CNZZ statistics script",
        entry=f"/z_stat.php?id={cnzz_ids[0]}&web_id={cnzz_ids[0]}",
        schemes=("https", "http"),
        tls=infra.tls(issuer="GlobalSign GCC R6 AlphaSSL CA 2023"),
        discoverable_by=("links",),
    )
    pieces.append(Piece(cnzz))
    for host, prefix in CDNS:
        if not ctx.claim(host, own_domain=False):
            continue
        libs = [lib for lib in resources.LIBRARIES if rng.random() < 0.7] or list(
            resources.LIBRARIES[:1]
        )
        routes = tuple(
            route(
                f"{prefix}{path}",
                const(body),
                ctype=ctype,
                headers=(
                    ("Access-Control-Allow-Origin", "*"),
                    ("Cache-Control", "max-age=31536000"),
                ),
            )
            for path, body, ctype in libs
        )
        hosting = infra.HOSTINGS[
            random.Random(host).choice(("aliyun-hz", "tencent-gz", "cloudflare"))
        ]
        pieces.append(
            Piece(
                make_site(
                    host,
                    label="benign",
                    klass="analytics-cdn",
                    routes=routes,
                    dns=infra.dns((hosting.ip(rng),), hosting.name_servers[0]),
                    whois=infra.business_whois(
                        ctx, rng, host, "CDN服务商", hosting.name_servers[0]
                    ),
                    note=f"public CDN for front-end libraries ({host})",
                    entry=f"{prefix}{libs[0][0]}",
                    schemes=("https", "http"),
                    tls=infra.tls(issuer=rng.choice(infra.BUSINESS_ISSUERS)),
                    discoverable_by=("links",),
                ),
                extra=tuple(f"{prefix}{p}" for p, _, _ in libs[1:2]),
            )
        )
    return pieces
