"""Evaluate `zhenwei` on a simulated world and print the tables of `zhenwei evaluate`.

    .venv/bin/python scripts/evaluate_world.py [--concurrency 4] [--timeout 30] [--json]
    .venv/bin/python scripts/evaluate_world.py --generate SEED --split heldout [--size N]

Without --generate, the hand-written world; with it, a generated one (its labelled set, with
classes, variants and gangs). Starts the simulated internet, runs `zhenwei reference update`,
then `zhenwei evaluate` over every labelled page; --keep DIR keeps labels.jsonl and check.jsonl.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

# Run as a script, this directory comes first on sys.path, and its simworld.py would shadow
# the simworld package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]


def main(argv: list[str] | None = None) -> int:
    from simworld.generate import DEFAULT_SIZE, SPLITS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--generate", type=int, metavar="SEED", help="evaluate on a generated world"
    )
    parser.add_argument("--split", choices=SPLITS, default="heldout")
    parser.add_argument("--size", type=int, default=DEFAULT_SIZE)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--keep", type=Path, help="keep the labelled set and check results here")
    parser.add_argument(
        "--json", action="store_true", help="print the JSON report after the tables"
    )
    args = parser.parse_args(argv)

    from simworld import SimulatedInternet
    from simworld.evaluate import labelled_entries, run_evaluation
    from simworld.generate import generate

    started = time.monotonic()
    if args.generate is not None:
        gen = generate(args.generate, args.split, args.size)
        world, entries = gen.world, list(gen.entries)
        print(
            f"world: generated, seed {gen.seed}, split {gen.split}, size {gen.size}, built for "
            f"{gen.today}: {len(world.sites)} sites, {len(entries)} labelled pages, "
            f"{len(gen.gangs)} gangs ({time.monotonic() - started:.1f} s)"
        )
    else:
        from simworld.loader import default_world

        world = default_world()
        entries = labelled_entries(world)
        print(f"world: hand-written, {len(world.sites)} sites, {len(entries)} labelled pages")
    with tempfile.TemporaryDirectory(prefix="zhenwei-eval-") as tmp:
        work = args.keep or Path(tmp) / "run"
        with SimulatedInternet(world, workdir=Path(tmp) / "net") as net:
            ev = run_evaluation(
                net, work, entries=entries, timeout=args.timeout, concurrency=args.concurrency
            )
    print(ev.reference_output.rstrip())
    print(ev.text.rstrip())
    print(f"evaluate: {ev.report['pages']} pages checked in {ev.seconds:.1f} s")
    if args.json:
        print(json.dumps(ev.report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
