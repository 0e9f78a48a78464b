"""How long the world generator takes and how much memory a world holds, by size.

    .venv/bin/python bench/bench_generate.py [--sizes 300,1000,10000] [--split heldout]

Prints, per size: build seconds, sites, labelled pages, CT entries, peak RSS of this process,
and the seconds to serve every labelled page once from memory (bodies are built on request).
"""

from __future__ import annotations

import argparse
import resource
import time
from urllib.parse import parse_qs, urlsplit

from simworld.generate import generate
from simworld.handlers import ctlog
from simworld.world import SimRequest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="300,1000,10000")
    parser.add_argument("--split", default="heldout")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    print(
        f"{'size':>7} {'build s':>8} {'sites':>7} {'pages':>7} {'CT rows':>8} {'peak RSS MB':>12} {'serve all s':>12}"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        started = time.monotonic()
        gen = generate(args.seed, args.split, size)
        built = time.monotonic() - started
        rows = len(ctlog.entries(gen.world))
        started = time.monotonic()
        for e in gen.entries:
            if e.url:
                u = urlsplit(e.url)
                gen.world.respond(
                    SimRequest(
                        "GET",
                        u.scheme,
                        u.hostname or "",
                        u.path or "/",
                        parse_qs(u.query),
                        {"user-agent": "bench"},
                        raw_query=u.query,
                    )
                )
        served = time.monotonic() - started
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{size:>7} {built:>8.1f} {len(gen.world.sites):>7} {len(gen.entries):>7} {rows:>8} "
            f"{rss:>12.0f} {served:>12.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
