"""Address queries (A + AAAA, as the egress check asks them) through c-ares against dnspython,
on the names of a generated world, through the simulated internet's DNS server.

    .venv/bin/python bench/bench_dns.py [--names 600] [--concurrency 12] [--repeat 3]

Prints the CPU time of the asking thread (the simulated server runs in another thread and is
not counted) and the wall time of each, fastest of --repeat rounds, and whether both found
the same addresses for every name.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit


async def _ask(resolver: object, hosts: list[str], concurrency: int) -> list[tuple[str, ...]]:
    gate = asyncio.Semaphore(concurrency)

    async def one(host: str) -> tuple[str, ...]:
        async with gate:
            return await resolver.aaddresses(host)  # type: ignore[attr-defined,no-any-return]

    return await asyncio.gather(*(one(h) for h in hosts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--names", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from simworld import SimulatedInternet
    from simworld.generate import generate

    gen = generate(args.seed, "heldout", 2000)
    hosts = sorted({urlsplit(s.url()).hostname or "" for s in gen.world.sites.values()} - {""})
    hosts = random.Random(args.seed).sample(hosts, min(args.names, len(hosts)))
    with (
        tempfile.TemporaryDirectory(prefix="zhenwei-dns-") as tmp,
        SimulatedInternet(gen.world, workdir=Path(tmp)) as net,
    ):
        os.environ.update(net.env)
        from core.config import Settings
        from core.netpath.dns import Resolver

        settings = Settings.from_env()
        best: dict[str, tuple[float, float]] = {}
        found: dict[str, list[tuple[str, ...]]] = {}
        for _ in range(args.repeat):
            for engine in ("dnspython", "c-ares"):
                resolver = Resolver(settings)  # a fresh cache each round
                if engine == "dnspython":
                    resolver._cares = None  # the dnspython path, as before c-ares
                cpu, wall = time.thread_time(), time.monotonic()
                found[engine] = asyncio.run(_ask(resolver, hosts, args.concurrency))
                took = (time.thread_time() - cpu, time.monotonic() - wall)
                if engine not in best or took[0] < best[engine][0]:
                    best[engine] = took
    n = len(hosts)
    print(f"{n} names, A + AAAA each, {args.concurrency} at once, best of {args.repeat}")
    for engine, (cpu, wall) in best.items():
        print(
            f"{engine:10} CPU {cpu:6.3f} s ({1000 * cpu / (2 * n):.2f} ms a query)  wall {wall:6.3f} s"
        )
    same = sum(set(a) == set(b) for a, b in zip(found["dnspython"], found["c-ares"], strict=True))
    print(
        f"same addresses for {same}/{n} names; c-ares used {best['c-ares'][0] / best['dnspython'][0]:.2f}× the CPU"
    )


if __name__ == "__main__":
    main()
