"""Parked look-alikes (label parked): registrar landers, for-sale pages, empty and error pages
on look-alike names, and registered look-alikes with no web server at all (DNS and WHOIS only).
The same lander templates, on names of other brands, are benign 'parking-other' pages
(`lander_site`)."""

from __future__ import annotations

import random

from simworld.generate import infra, names
from simworld.generate.context import Ctx
from simworld.generate.sitekit import Piece, esc, lazy, make_site, page, route
from simworld.world import Domain, Site, not_found, registrable_domain

PARKING_NS = (
    ("ns1.sedoparking.com", "ns2.sedoparking.com"),
    ("ns1.bodis.com", "ns2.bodis.com"),
    ("ns1.parkingcrew.net", "ns2.parkingcrew.net"),
    ("dns1.iidns.com", "dns2.iidns.com"),
)
KINDS = {
    "tune": ("lander", "for-sale", "empty", "error"),
    "heldout": ("lander", "for-sale", "empty", "error"),
}
RELATED = {
    "tune": ("证书查询", "在线查询", "资格证书", "考试报名"),
    "heldout": ("职业资格", "证件办理", "培训课程", "安全教育"),
}


def _lander(host: str, registrar: str, related: tuple[str, ...], version: str) -> str:
    links = "".join(f'<li><a href="/search?q={esc(r)}">{esc(r)}</a></li>' for r in related)
    if version == "a":
        body = (
            f'<div class="park"><h1>{esc(host)}</h1><p>该域名由 {esc(registrar)} 提供免费停放服务。</p>'
            f'<h3>相关搜索</h3><ul>{links}</ul><p class="buy">此域名可能出售，<a href="/buy">点此询价</a></p></div>'
        )
    else:
        body = (
            f'<div id="wrap"><div class="domain">{esc(host)}</div><div class="ads"><h2>Related Searches</h2>'
            f'<ul>{links}</ul></div><div class="sale">The domain owner may be interested in selling. '
            f'<a href="/inquiry">Make an offer</a></div><p class="disc">Parked by {esc(registrar)}</p></div>'
        )
    return page(host, body)


def _for_sale(host: str, contact: str, price: int, version: str) -> str:
    if version == "a":
        body = (
            f'<div class="sale"><h1>{esc(host)}</h1><h2>此域名正在出售</h2><p>一口价：¥{price}</p>'
            f"<p>联系QQ：{esc(contact)}</p></div>"
        )
        return page(f"{host} 域名出售", body)
    body = (
        f"<main><h1>{esc(host)} 域名转让</h1><p>接受议价，支持平台担保交易。</p><p>报价：{price} 元起</p>"
        f"<p>邮箱：{esc(contact)}@qq.com</p></main>"
    )
    return page(f"{host} - 域名转让", body)


def _empty(version: str) -> str:
    if version == "a":
        return "<html><head></head><body></body></html>"
    return page("Index of /", '<h1>Index of /</h1><hr><pre><a href="../">../</a>\n</pre><hr>')


def lander_site(
    ctx: Ctx, rng: random.Random, host: str, *, label: str, klass: str, kind: str, shape: str = ""
) -> Site:
    """A site with no content of its own on `host`: lander, for-sale, empty or error page."""
    version = "a" if ctx.tune else "b"
    registrar = rng.choice(sorted(infra.REGISTRARS))
    if kind == "lander":
        routes = (route("/", lazy(_lander, host, registrar, RELATED[ctx.split], version)),)
        ns: tuple[str, ...] = rng.choice(PARKING_NS)
    elif kind == "for-sale":
        routes = (
            route(
                "/",
                lazy(
                    _for_sale,
                    host,
                    str(rng.randint(10**8, 4 * 10**9)),
                    rng.choice((880, 1999, 5800, 12000)),
                    version,
                ),
            ),
        )
        ns = rng.choice(PARKING_NS)
    elif kind == "empty":
        routes = (route("/", lazy(_empty, version)),)
        ns = infra.HOSTINGS[rng.choice(infra.OFFSHORE)].name_servers[0]
    else:
        status = rng.choice((403, 404, 502)) if version == "b" else rng.choice((403, 404))
        routes = (route("*", lazy(_error, status), status=status),)
        ns = infra.HOSTINGS[rng.choice(infra.OFFSHORE)].name_servers[0]
    hosting = infra.HOSTINGS[rng.choice(infra.OFFSHORE)]
    cheap = infra.REGISTRARS[registrar].cheap
    return make_site(
        host,
        label=label,
        klass=klass,
        routes=routes,
        dns=infra.dns((hosting.ip(rng),), ns),
        whois=infra.whois(
            host,
            registrar=registrar,
            created=ctx.days_ago(rng.randint(20, 900)),
            years=1 if cheap else 2,
            ns=ns,
            privacy=rng.random() < 0.7,
            country="US",
            registrant=names.company_label(rng),
            today=ctx.now(),
        ),
        note=f"{kind} page on {host}",
        variants=(kind, shape) if shape else (kind,),
        categories=("parked-lookalike",) if label == "parked" else (),
        template=f"parked-{kind}-{version}",
        target="mem" if label == "parked" else "",
        discoverable_by=("permutations",) if label == "parked" and shape != "random" else (),
    )


def _error(status: int) -> bytes:
    if status == 404:
        return not_found().body
    word = {403: "Forbidden", 502: "Bad Gateway"}[status]
    return (
        f"<html><head><title>{status} {word}</title></head><body><center><h1>{status} {word}"
        "</h1></center><hr><center>nginx</center></body></html>"
    ).encode()


def build(ctx: Ctx, count: int, domain_only: int) -> tuple[list[Piece], list[Domain]]:
    rng = ctx.rng("parked")
    pieces = []
    for i in range(count):
        name = names.lookalike(ctx, rng, rng.choice(names.IMITATING_SHAPES))
        kind = KINDS[ctx.split][i % 4]
        pieces.append(
            Piece(
                lander_site(
                    ctx,
                    rng,
                    name.host,
                    label="parked",
                    klass=f"parked-{kind}",
                    kind=kind,
                    shape=name.shape,
                )
            )
        )
    domains = []
    for _ in range(domain_only):
        name = names.lookalike(ctx, rng, rng.choice(names.IMITATING_SHAPES))
        while registrable_domain(name.host) != name.host:  # a domain, not a host under one
            name = names.lookalike(ctx, rng, rng.choice(names.IMITATING_SHAPES))
        host = infra.HOSTINGS[rng.choice(infra.OFFSHORE)]
        ns = host.name_servers[0]
        a = (host.ip(rng),) if rng.random() < 0.5 else ()
        domains.append(
            Domain(
                name=name.host,
                label="parked",
                dns=infra.dns(a, ns),
                whois=infra.whois(
                    name.host,
                    registrar=rng.choice(sorted(infra.REGISTRARS)),
                    created=ctx.days_ago(rng.randint(10, 700)),
                    years=1,
                    ns=ns,
                    privacy=True,
                    country="US",
                    today=ctx.now(),
                ),
                note=f"registered {name.shape} look-alike without a web server",
            )
        )
    return pieces, domains
