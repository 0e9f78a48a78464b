"""How much of the simulated world's registered bad domains each discovery source finds,
against dnstwist run the way a user would run it on the official hosts (the baseline).

    .venv/bin/python bench/bench_discovery.py [--limit N]

Truth: every registrable domain of the world labelled counterfeit, seller or parked
(sites plus domains.toml), except government domains (a taken-over .gov.cn subdomain). Each source runs alone with no seeds, through the simulated
internet, exactly as `zhenwei crawl` runs it; "links" follows one hop out of the pages of the
counterfeit and seller sites the other sources found. Prints a table and the wall times.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "netguard"))
import dnstwist  # noqa: E402
import sitecustomize  # noqa: E402,F401  (benches stay on loopback too)

from core.netpath.dns import Resolver  # noqa: E402
from core.netpath.domains import registrable_domain  # noqa: E402
from core.netpath.http import http_client  # noqa: E402
from core.profiles import load_profiles  # noqa: E402
from crawler.sources.base import ScoredPageRef, SourceContext, SourceLimits  # noqa: E402
from crawler.sources.lookalikes import DEFAULT_TLDS  # noqa: E402
from crawler.sources.registry import build_sources  # noqa: E402
from crawler.sources.state import SourceState  # noqa: E402
from simworld import SimulatedInternet  # noqa: E402

BAD = ("counterfeit", "seller", "parked")


def host_of(url: str) -> str:
    return (urlsplit(url if "://" in url else "http://" + url).hostname or "").lower()


def truth(net: SimulatedInternet) -> set[str]:
    # a taken-over .gov.cn subdomain is not a registered look-alike: nobody registers gov.cn
    return {
        name for name, d in net.world.domains().items()
        if d.label in BAD and not name.endswith(".gov.cn")
    }


def context(net: SimulatedInternet, state_dir: Path, limit: int | None, pages: list[ScoredPageRef]) -> SourceContext:
    return SourceContext(
        settings=net.settings(),
        profiles=load_profiles(),
        state=SourceState(state_dir),
        pages=lambda: pages,
        limits=SourceLimits(lookalike_limit=limit, dns_rate_per_second=2000.0),
        options={"ct": {"delay": 0}, "search": {"delay": 0}},
    )


def found_domains(candidates: object) -> set[str]:
    return {registrable_domain(host_of(c.url)) for c in candidates}  # type: ignore[attr-defined]


def pages_of(net: SimulatedInternet, domains: set[str], bad: set[str]) -> list[ScoredPageRef]:
    """The entry pages of counterfeit/seller sites already found (one crawl hop)."""
    out = []
    with http_client(net.settings(), timeout=20) as client:
        for site in net.world.sites.values():
            if site.label not in ("counterfeit", "seller"):
                continue
            if registrable_domain(site.host) not in domains & bad:
                continue
            try:
                resp = client.get(site.url())
            except Exception:  # a site that is down just gives no links
                continue
            out.append(ScoredPageRef(url=str(resp.url), html=resp.text, depth=0,
                                     verdict="counterfeit" if site.label == "counterfeit" else "suspicious",
                                     categories=("seller",) if site.label == "seller" else ()))
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None, help="look-alikes per target (default all)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp, SimulatedInternet(workdir=Path(tmp) / "net") as net:
        bad = truth(net)
        rows: list[tuple[str, set[str], float, str]] = []
        union: set[str] = set()
        for name in ("permutations", "ct", "search"):
            (source,) = build_sources([name])
            t0 = time.monotonic()
            result = asyncio.run(source.collect(context(net, Path(tmp) / name, args.limit, [])))
            dt = time.monotonic() - t0
            got = found_domains(result.candidates)
            union |= got
            note = f"{len(result.candidates)} candidates, {len(result.failures)} failures"
            rows.append((name, got, dt, note))
        pages = pages_of(net, union, bad)
        (links,) = build_sources(["links"])
        t0 = time.monotonic()
        result = asyncio.run(links.collect(context(net, Path(tmp) / "links", args.limit, pages)))
        got = found_domains(result.candidates)
        rows.append(("links", got, time.monotonic() - t0, f"{len(pages)} pages followed"))
        union |= got
        t0 = time.monotonic()
        twist, generated = dnstwist_baseline(net)
        rows.append(("dnstwist (baseline)", twist, time.monotonic() - t0, f"{generated} names generated"))

        print(f"world: {len(bad)} registered bad domains (counterfeit, seller, parked)")
        print(f"{'source':22} {'found':>7} {'fraction':>9} {'seconds':>8}  note")
        for name, got, dt, note in rows:
            hit = got & bad
            print(f"{name:22} {len(hit):>3}/{len(bad):<3} {len(hit) / len(bad):>9.0%} {dt:>8.1f}  {note}")
        hit = union & bad
        print(f"{'zhenwei (union)':22} {len(hit):>3}/{len(bad):<3} {len(hit) / len(bad):>9.0%}")
        missed = sorted(bad - union)
        print("missed by every zhenwei source:", ", ".join(missed) or "none")
        labels = net.world.domains()
        for name, got, _, _ in rows:
            by = {lab: sum(1 for d in got & bad if labels[d].label == lab) for lab in BAD}
            total = {lab: sum(1 for d in bad if labels[d].label == lab) for lab in BAD}
            print(f"  {name:20} " + "  ".join(f"{lab} {by[lab]}/{total[lab]}" for lab in BAD))


if __name__ == "__main__":
    main()
