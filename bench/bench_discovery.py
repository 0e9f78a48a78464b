"""How much of a generated world's registered look-alikes and seller sites each discovery source
finds, what it costs in DNS queries and time, against dnstwist run the way a user would run it
on the official hosts (the baseline, in the same run).

    .venv/bin/python bench/bench_discovery.py [--split heldout] [--seed 7] [--size 300]
                                              [--dns-budget N] [--file-world] [--feed-noise N]

The world is generated (`simworld.generate`) with a seed and split other than the ones the
operators were tuned on (tune split); `--file-world` uses the bundled hand-written world instead.
Truth: look-alikes are the registrable domains (outside gov.cn) of sites and domains labelled
counterfeit or parked; sellers are the registrable domains of sites labelled seller; seller
posts are sellers' posts on social and marketplace platforms (贴吧, 微博, 闲鱼, 58同城), counted
by their lead key (the post, never the platform). Each source
(permutations, ct, pdns with the simulated DNSDB's demo key, search) runs alone with no seeds,
through the simulated internet, exactly as `zhenwei crawl` runs it;
"links" follows one hop out of the counterfeit and seller pages the other sources found. DNS
queries are counted at the simulated DNS server, per source. A candidate whose page redirects
(an old gang domain 302 to the current one) also credits every domain of its chain, as the crawl
records them (pipelines/storage.py). The "feed" row reads a zone-file-like feed: every domain
registered in the world hidden among `--feed-noise` names of a realistic newly-registered mix
(bench/namefeed.py); "union" is reported without and with it.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "netguard"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import dnstwist  # noqa: E402
import sitecustomize  # noqa: E402,F401  (benches stay on loopback too)

from core.netpath.dns import Resolver  # noqa: E402
from core.netpath.domains import registrable_domain  # noqa: E402
from core.netpath.http import http_client  # noqa: E402
from core.platforms import post_key  # noqa: E402
from core.profiles import load_profiles  # noqa: E402
from crawler.sources.base import (  # noqa: E402
    KnownLead,
    RunFindings,
    ScoredPageRef,
    SourceContext,
    SourceLimits,
)
from crawler.sources.lookalikes import DEFAULT_TLDS  # noqa: E402
from crawler.sources.registry import build_sources  # noqa: E402
from crawler.sources.state import SourceState  # noqa: E402
from simworld import SimulatedInternet  # noqa: E402
from simworld.world import World  # noqa: E402

LOOKALIKE = ("counterfeit", "parked")
#: name shapes that imitate nothing (random letters, an ordinary word): such a domain is a
#: counterfeit site but not a look-alike name; reported apart ("other bad domains")
NOT_ALIKE = {"random", "neutral"}


def host_of(url: str) -> str:
    return (urlsplit(url if "://" in url else "http://" + url).hostname or "").lower()


def truth(world: World) -> tuple[set[str], set[str], set[str]]:
    """(look-alike domains, seller domains, other counterfeit/parked domains); a taken-over
    .gov.cn subdomain is none of them."""
    look: set[str] = set()
    sell: set[str] = set()
    other: set[str] = set()
    with_site = {registrable_domain(s.host) for s in world.sites.values()}
    for name, d in world.domains().items():
        if name.endswith(".gov.cn") or name in with_site:
            continue
        if d.label in LOOKALIKE:  # registered, no web site (parked in DNS only)
            # the generator's note names the shape ("registered random look-alike ..."): a
            # random label imitates nothing, as for sites below
            shape = d.note.split()[1] if d.note.startswith("registered ") else ""
            (other if shape in NOT_ALIKE else look).add(name)
    for site in world.sites.values():
        reg = registrable_domain(site.host)
        if reg.endswith(".gov.cn"):
            continue
        if site.label == "seller":
            sell.add(reg)
        elif site.label in LOOKALIKE:
            alike = not NOT_ALIKE & set(site.variants) or site.host != reg
            (look if alike else other).add(reg)
    return look - sell, sell, other - look - sell


def context(
    net: SimulatedInternet,
    state_dir: Path,
    budget: int | None,
    pages: list[ScoredPageRef],
    leads: list[KnownLead] | None = None,
    findings: RunFindings | None = None,
) -> SourceContext:
    opts: dict[str, dict[str, object]] = {
        "ct": {"delay": 0},
        "pdns": {"delay": 0},
        "search": {"delay": 0},
    }
    if budget is not None:
        opts["permutations"] = {"dns_budget": budget}
    return SourceContext(
        settings=net.settings(),  # with the simulated DNSDB's key (ZHENWEI_DNSDB_KEY)
        profiles=load_profiles(),
        state=SourceState(state_dir),
        pages=lambda: pages,
        known_leads=lambda: leads or [],
        findings=findings or RunFindings(),
        limits=SourceLimits(dns_rate_per_second=2000.0),
        options=opts,
    )


def found_domains(net: SimulatedInternet, candidates: object) -> set[str]:
    """Registrable domains of the candidates, plus the domains of the redirect chains of those
    whose page is a counterfeit or seller (the crawl makes each of them a lead)."""
    out: set[str] = set()
    with http_client(net.settings(), timeout=20) as client:
        for c in candidates:  # type: ignore[attr-defined]
            out.add(post_key(c.url) or registrable_domain(host_of(c.url)))
            try:
                resp = client.get(c.url)
            except Exception:  # noqa: BLE001  (down: no chain)
                continue
            if not resp.history:
                continue
            final = net.world.site_for(host_of(str(resp.url)))
            if final is not None and final.label in ("counterfeit", "seller"):
                out |= {registrable_domain(host_of(str(r.url))) for r in resp.history}
                out.add(registrable_domain(host_of(str(resp.url))))
    return out


def pages_of(net: SimulatedInternet, domains: set[str]) -> list[ScoredPageRef]:
    """The entry pages of counterfeit/seller sites already found (one crawl hop)."""
    out = []
    with http_client(net.settings(), timeout=20) as client:
        for site in net.world.sites.values():
            if site.label not in ("counterfeit", "seller"):
                continue
            if registrable_domain(site.host) not in domains:
                continue
            try:
                resp = client.get(site.url())
            except Exception:  # a site that is down just gives no links
                continue
            out.append(
                ScoredPageRef(
                    url=str(resp.url),
                    html=resp.text,
                    depth=0,
                    verdict="counterfeit" if site.label == "counterfeit" else "suspicious",
                    categories=("seller",) if site.label == "seller" else (),
                )
            )
    return out


def dnstwist_baseline(net: SimulatedInternet) -> tuple[set[str], int]:
    names: set[str] = set()
    for profile in load_profiles():
        for host in {*profile.official_hosts, *profile.registrable_domains}:
            fuzzer = dnstwist.Fuzzer(host, tld_dictionary=list(DEFAULT_TLDS))
            fuzzer.generate()
            names |= {p["domain"] for p in fuzzer.domains}
    resolver = Resolver(net.settings())

    async def exists(name: str, sem: asyncio.Semaphore) -> str | None:
        async with sem:
            return name if await resolver.aexists(name) else None

    async def run() -> list[str | None]:
        sem = asyncio.Semaphore(20)
        return await asyncio.gather(*(exists(n, sem) for n in sorted(names)))

    registered = {registrable_domain(n) for n in asyncio.run(run()) if n}
    return registered, len(names)


def dns_count(net: SimulatedInternet) -> int:
    return sum(1 for e in net.log.entries() if e.kind == "dns")


Row = tuple[str, set[str], float, int, str]


def run_feed(net: SimulatedInternet, tmp: Path, noise: int) -> Row:
    """The feed source on every registered domain of the world hidden among `noise` names."""
    import gzip

    from bench.namefeed import mix

    names = [*net.world.domains(), *mix(noise)]
    random.Random(1).shuffle(names)
    path = tmp / "nrd.txt.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(names) + "\n")
    (source,) = build_sources(["feed"])
    ctx = replace(context(net, tmp / "feed", None, []), options={"feed": {"paths": [str(path)]}})
    before, t0 = dns_count(net), time.monotonic()
    result = asyncio.run(source.collect(ctx))
    return (
        "feed (zone file)",
        found_domains(net, result.candidates),
        time.monotonic() - t0,
        dns_count(net) - before,
        f"{len(names)} names in the feed, "
        f"{result.stats.get('above_threshold', 0)} above the threshold",
    )


def run_sources(net: SimulatedInternet, tmp: Path, budget: int | None) -> list[Row]:
    rows: list[Row] = []
    union: set[str] = set()
    # as in a crawl, where they run side by side: CT, passive DNS and search finish in
    # seconds, and the permutations' later rounds learn from what they found
    findings = RunFindings()
    for name in ("ct", "pdns", "search", "permutations"):
        (source,) = build_sources([name])
        before, t0 = dns_count(net), time.monotonic()
        ctx = context(net, tmp / name, budget, [], findings=findings)
        result = asyncio.run(source.collect(ctx))
        findings.add(name, result.candidates)
        dt, queries = time.monotonic() - t0, dns_count(net) - before
        got = found_domains(net, result.candidates)
        union |= got
        rows.append(
            (
                name,
                got,
                dt,
                queries,
                f"{len(result.candidates)} candidates, {len(result.failures)} failures",
            )
        )
    pages = pages_of(net, union)
    (links,) = build_sources(["links"])
    before, t0 = dns_count(net), time.monotonic()
    result = asyncio.run(links.collect(context(net, tmp / "links", budget, pages)))
    rows.append(
        (
            "links",
            found_domains(net, result.candidates),
            time.monotonic() - t0,
            dns_count(net) - before,
            f"{len(pages)} pages followed",
        )
    )
    rows.append(night_two(net, tmp, budget, set().union(*(r[1] for r in rows))))
    before, t0 = dns_count(net), time.monotonic()
    twist, generated = dnstwist_baseline(net)
    rows.append(
        (
            "dnstwist (baseline)",
            twist,
            time.monotonic() - t0,
            dns_count(net) - before,
            f"{generated} names generated",
        )
    )
    return rows


def night_two(net: SimulatedInternet, tmp: Path, budget: int | None, found: set[str]) -> Row:
    """Permutations the next night: it starts from the words of the look-alike leads the first
    night's sources put in the queue (a found domain whose site is counterfeit, parked or a
    seller stands in for a lead the detectors flagged)."""
    flagged = {
        registrable_domain(s.host)
        for s in net.world.sites.values()
        if s.label in (*LOOKALIKE, "seller")
    }
    leads = [
        KnownLead(i, f"http://{d}/", "new", "suspicious", (), None)
        for i, d in enumerate(sorted(found & flagged))
    ]
    (source,) = build_sources(["permutations"])
    before, t0 = dns_count(net), time.monotonic()
    result = asyncio.run(source.collect(context(net, tmp / "night2", budget, [], leads)))
    return (
        "permutations night 2",
        found_domains(net, result.candidates),
        time.monotonic() - t0,
        dns_count(net) - before,
        f"learns from {len(leads)} leads of night 1",
    )


def seller_posts(world: World) -> set[str]:
    """Lead keys of the sellers' posts on social and marketplace platforms."""
    return {post_key(url) or url for url, p in world.post_labels().items() if p.label == "seller"}


def report(
    rows: list[Row], look: set[str], sell: set[str], other: set[str], posts: set[str], wall: float
) -> None:
    def frac(a: int, b: int) -> str:
        return f"{a:>4}/{b:<4} {a / b if b else 0:>5.2f}"

    print(
        f"{'source':20} {'look-alikes':>16} {'sellers':>16} {'seller posts':>16} {'other bad':>16} {'DNS q':>8} "
        f"{'q/look-alike':>13} {'seconds':>8}  note"
    )
    zw = [r for r in rows if not r[0].startswith(("dnstwist", "feed", "permutations night"))]
    night2 = [r for r in rows if r[0].startswith("permutations night")]
    feed = [r for r in rows if r[0].startswith("feed")]

    def together(name: str, parts: list[Row], note: str) -> Row:
        got = set().union(*(r[1] for r in parts))
        return (name, got, sum(r[2] for r in parts), sum(r[3] for r in parts), note)

    one_night = together("zhenwei (union)", zw, "default sources")
    union = one_night[1]
    total: list[Row] = [one_night]
    if night2:
        total.append(
            together(
                "union, two nights",
                [*zw, *night2],
                "night 2 adds permutations learning from night 1",
            )
        )
    if feed:
        total.append(together("union + feed", [*zw, *feed], "with a zone-file feed"))
    for name, got, dt, q, note in (*rows, *total):
        nl = len(got & look)
        per = f"{q / nl:>13.0f}" if nl else f"{'-':>13}"
        print(
            f"{name:20} {frac(nl, len(look))} {frac(len(got & sell), len(sell))} "
            f"{frac(len(got & posts), len(posts))} "
            f"{frac(len(got & other), len(other))} {q:>8} {per} {dt:>8.1f}  {note}"
        )
    print("look-alikes missed by every zhenwei source:", ", ".join(sorted(look - union)) or "none")
    print("sellers missed by every zhenwei source:", ", ".join(sorted(sell - union)) or "none")
    print(
        "seller posts missed by every zhenwei source:", ", ".join(sorted(posts - union)) or "none"
    )
    print("other bad domains missed:", ", ".join(sorted(other - union)) or "none")
    print(f"wall time of the whole run: {wall:.1f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="heldout", help="world split (tune the operators on tune)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--size", type=int, default=300)
    ap.add_argument("--dns-budget", type=int, default=None, help="DNS queries per target")
    ap.add_argument("--file-world", action="store_true", help="the bundled hand-written world")
    ap.add_argument(
        "--feed-noise",
        type=int,
        default=100_000,
        help="names of ordinary registrations around the world's domains (0: no feed row)",
    )
    args = ap.parse_args()
    t0 = time.monotonic()
    world = None
    label = "bundled file world"
    if not args.file_world:
        from simworld.generate import generate

        world = generate(args.seed, args.split, args.size).world
        label = f"generated world seed={args.seed} split={args.split} size={args.size}"
    with (
        tempfile.TemporaryDirectory() as tmp,
        SimulatedInternet(world, workdir=Path(tmp) / "net") as net,
    ):
        look, sell, other = truth(net.world)
        posts = seller_posts(net.world)
        print(
            f"{label}: {len(net.world.sites)} sites, {len(look)} registered look-alike domains, "
            f"{len(sell)} seller domains, {len(posts)} sellers' posts on platforms, "
            f"{len(other)} other counterfeit/parked domains "
            "(random or ordinary names)"
        )
        rows = run_sources(net, Path(tmp), args.dns_budget)
        if args.feed_noise:
            rows.append(run_feed(net, Path(tmp), args.feed_noise))
        report(rows, look, sell, other, posts, time.monotonic() - t0)


if __name__ == "__main__":
    main()
