"""The held-out evaluation anyone can rerun (issue 8): generate the held-out world, start the
simulated internet on it, `zhenwei reference update`, `zhenwei evaluate`, print the tables.

    .venv/bin/python bench/evaluate_heldout.py [--seed 2026] [--size 300] [--also-tune]
    .venv/bin/python bench/evaluate_heldout.py --split tune   # the tuning split alone

--also-tune evaluates the tuning split of the same seed afterwards, for comparison (rules and
thresholds may be fitted there, never on the held-out split). Figures depend on the detectors
of the checkout and on the day the world is built for (ages count from today).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from simworld import SimulatedInternet
from simworld.evaluate import run_evaluation
from simworld.generate import DEFAULT_SIZE, generate


def evaluate_split(
    seed: int, split: str, size: int, timeout: float, concurrency: int, keep: Path | None
) -> None:
    started = time.monotonic()
    gen = generate(seed, split, size)
    built = time.monotonic() - started
    print(
        f"== split {split}, seed {seed}, size {size}, built for {gen.today}: "
        f"{len(gen.world.sites)} sites, {len(gen.entries)} labelled pages, {len(gen.gangs)} gangs "
        f"(generated in {built:.1f} s)"
    )
    with tempfile.TemporaryDirectory(prefix=f"zhenwei-{split}-") as tmp:
        work = (keep / split) if keep else Path(tmp) / "run"
        with SimulatedInternet(gen.world, workdir=Path(tmp) / "net") as net:
            ev = run_evaluation(
                net, work, entries=gen.entries, timeout=timeout, concurrency=concurrency
            )
    print(ev.text.rstrip())
    print(
        f"== {ev.report['pages']} pages checked and evaluated in {ev.seconds:.1f} s\n", flush=True
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--size", type=int, default=DEFAULT_SIZE)
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--also-tune", action="store_true")
    parser.add_argument(
        "--split", choices=("heldout", "tune"), default="heldout", help="the split to evaluate"
    )
    parser.add_argument(
        "--keep", type=Path, help="keep labels.jsonl and check.jsonl per split here"
    )
    args = parser.parse_args()
    evaluate_split(args.seed, args.split, args.size, args.timeout, args.concurrency, args.keep)
    if args.also_tune and args.split != "tune":
        evaluate_split(args.seed, "tune", args.size, args.timeout, args.concurrency, args.keep)


if __name__ == "__main__":
    main()
