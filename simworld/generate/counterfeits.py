"""Counterfeit sites (label counterfeit): each kit's sites on its gangs' names and hosting, with
the variants the field notes document (HTTPS with self-signed certificates, IDN names,
subdomain tricks, GBK, WeChat-only cloaking, forged or missing marks), and old gang domains
whose only page is a redirect to the current site."""

from __future__ import annotations

import random
from collections.abc import Sequence

from simworld.generate import infra, names, vocab
from simworld.generate.context import Ctx
from simworld.generate.gangs import KITS, Gang
from simworld.generate.kits import BUILDERS
from simworld.generate.kits.common import KitSpec, holder, marks_for
from simworld.generate.sitekit import Piece, make_site, redirect
from simworld.world import Domain, Site, registrable_domain

#: what SEO-minded gangs get their clones listed under, per split (not our sources' phrases)
SEO_PHRASES = {
    "tune": (
        "特种作业操作证查询入口",
        "{cert}查询官网",
        "应急管理部证书查询系统",
        "{cert}真伪查询",
    ),
    "heldout": (
        "{cert}在线查验",
        "全国特种作业证书查询中心",
        "安全生产证书查询网站",
        "{cert}信息核验平台",
    ),
}


def _encoding(kit: str, rng: random.Random) -> str:
    if kit == "jsp-copy":
        return "gbk" if rng.random() < 0.75 else "utf-8"
    return "gb18030" if kit == "relayout" and rng.random() < 0.3 else "utf-8"


def _search_terms(ctx: Ctx, rng: random.Random, open_as: str) -> tuple[str, ...]:
    if open_as == "qr" or rng.random() < 0.4:
        return ()
    cert = rng.choice(vocab.CERT_NAMES[ctx.split])
    phrases = rng.sample(SEO_PHRASES[ctx.split], 2)
    return tuple(p.format(cert=cert) for p in phrases)


def counterfeit_site(
    ctx: Ctx, rng: random.Random, gang: Gang, kit: str, shape: str = "", marks: str = ""
) -> Site:
    neutral = kit == "vue-clone" and rng.random() < 0.2  # a WeChat-only clone on a plain name
    if neutral:
        host = names.benign_host(ctx, rng, tlds=("com", "net", "top"), www=0.0)
        name = names.Name(host, "neutral")
    else:
        name = names.lookalike(ctx, rng, shape or rng.choice(gang.shapes))
    cloaked = neutral or (kit == "wechat-result" and rng.random() < 0.5)
    spec = KitSpec(
        host=name.host,
        gang=gang,
        kit=kit,
        version="a" if ctx.tune else "b",
        holder=holder(rng, ctx.today),
        marks=marks_for(rng, marks or gang.marks),
        seed=f"{ctx.seed}-{ctx.split}-{name.host}",
        encoding=_encoding(kit, rng),
        cloaked=cloaked,
    )
    out = BUILDERS[kit](spec)
    created = gang.registered(ctx, rng)
    reg = registrable_domain(name.host)
    tls = gang.tls(name.host)
    if tls is not None and name.wildcard:
        tls = infra.tls(issuer=tls.issuer, valid=tls.valid, names=(f"*.{reg}", reg))
    schemes: tuple[str, ...] = ("http",)
    if tls is not None:
        schemes = ("https",) if not tls.valid else ("https", "http")
    variants = [*out.variants, name.shape, f"{spec.marks.mode}-marks"]
    if tls is not None:
        variants.append("https" if tls.valid else "self-signed")
    search_terms = _search_terms(ctx, rng, out.open_as)
    found_by = ["seeds"] if out.open_as == "qr" else []
    if name.shape not in ("neutral", "random"):
        found_by.append("permutations")
    if tls is not None:
        found_by.append("ct")
    if search_terms:
        found_by.append("search")
    return make_site(
        name.host,
        label="counterfeit",
        klass=kit,
        gang=gang.id,
        routes=out.routes,
        dns=gang.dns(rng, wildcard=name.wildcard),
        whois=gang.whois(ctx, rng, name.host, created=created),
        note=f"{kit} kit ({spec.version}) of {gang.id} on a {name.shape} name",
        variants=tuple(dict.fromkeys(variants)),
        categories=out.categories,
        template=f"{kit}/{spec.version}",
        target="mem",
        entry=out.entry,
        schemes=schemes,
        tls=tls,
        ct=infra.ct_logged(
            created + (ctx.now() - created) * 0.02, (name.host,) if name.wildcard else ()
        )
        if tls
        else None,
        discoverable_by=tuple(found_by),
        search_terms=search_terms,
        keywords=("特种作业操作证", "证书查询", "应急管理部") if search_terms else (),
    )


def redirect_site(ctx: Ctx, rng: random.Random, gang: Gang, target: Site, hops: int) -> list[Site]:
    """Old gang domains whose only page is a 302 to the current site (`hops` of them)."""
    out, location = [], target.url()
    for i in range(hops):
        name = names.lookalike(ctx, rng, rng.choice(gang.shapes))
        created = ctx.days_ago(gang.burst + 150 + 200 * (i + 1) + rng.randint(0, 60))
        site = make_site(
            name.host,
            label="counterfeit",
            klass="redirect-old",
            gang=gang.id,
            routes=(redirect("*", location, status=rng.choice((301, 302, 302))),),
            dns=gang.dns(rng, wildcard=name.wildcard),
            whois=gang.whois(ctx, rng, name.host, created=created),
            note=f"old {gang.id} domain redirecting to {target.host}",
            variants=("redirect", name.shape),
            categories=("impersonation",),
            template="redirect",
            target="mem",
            entry="/",
            discoverable_by=("permutations", "links") if name.shape != "random" else ("links",),
        )
        out.append(site)
        location = site.url()
    return out


def build(ctx: Ctx, gangs: Sequence[Gang], counts: dict[str, int]) -> list[Piece]:
    rng = ctx.rng("counterfeits")
    pieces: list[Piece] = []
    # every name shape and footer habit appears, also when no gang of this world prefers it
    unused = list(names.SHAPES)
    unused_marks = ["copied", "none", "forged"]
    for kit in KITS:
        runners = [g for g in gangs if kit in g.kits] or list(gangs)
        for i in range(counts.get(kit, 0)):
            gang = runners[i % len(runners)]
            shape = unused.pop(0) if unused and i % 2 == 1 else ""
            marks = unused_marks.pop(0) if unused_marks and i % 3 == 2 else ""
            site = counterfeit_site(ctx, rng, gang, kit, shape, marks)
            pieces.append(Piece(site, open_as="qr" if "qr" in site.variants else "link"))
    linkable = [p.site for p in pieces if p.open_as == "link"]
    for i in range(counts.get("redirect-old", 0)):
        if not linkable:
            break
        target = linkable[(i * 7) % len(linkable)]
        gang = next(g for g in gangs if g.id == target.gang)
        hops = 2 if i % 3 == 2 else 1
        pieces += [Piece(s) for s in redirect_site(ctx, rng, gang, target, hops)]
    return pieces


def wildcard_zones(pieces: Sequence[Piece]) -> list[Domain]:
    """The registered domains behind subdomain tricks: their whole zone answers (wildcard DNS)."""
    out = []
    for p in pieces:
        site = p.site
        if site.dns.wildcard and site.whois is not None:
            out.append(
                Domain(
                    name=registrable_domain(site.host),
                    label=site.label,
                    dns=site.dns,
                    whois=site.whois,
                    note=f"wildcard zone of {site.host}",
                )
            )
    return out
