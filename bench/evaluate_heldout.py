"""The held-out evaluation anyone can rerun (issue 8): generate the held-out world, start the
simulated internet on it, `zhenwei reference update`, `zhenwei evaluate`, print the tables.

    .venv/bin/python bench/evaluate_heldout.py [--seed 2026] [--size 300] [--also-tune]
        [--keep DIR] [--compare DIR]

--keep DIR keeps each split's labels.jsonl, check.jsonl and report.json (`evaluate --json`);
--compare DIR prints an earlier --keep run's figures beside this run's (before → now), per
class and per variant: run it on the old checkout with --keep, then on the new with --compare.

--also-tune evaluates the tuning split of the same seed afterwards, for comparison (rules and
thresholds may be fitted there, never on the held-out split). Figures depend on the detectors
of the checkout and on the day the world is built for (ages count from today).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from simworld import SimulatedInternet
from simworld.evaluate import run_evaluation
from simworld.generate import DEFAULT_SIZE, generate
from zhenwei.evaluation_report import format_comparison


def evaluate_split(
    seed: int,
    split: str,
    size: int,
    timeout: float,
    concurrency: int,
    keep: Path | None,
    compare: Path | None = None,
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
    if keep:
        (keep / split / "report.json").write_text(
            json.dumps(ev.report, ensure_ascii=False), "utf-8"
        )
    if compare is not None:
        before = json.loads((compare / split / "report.json").read_text("utf-8"))
        print(format_comparison(before, ev.report))
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
        "--keep", type=Path, help="keep labels.jsonl and check.jsonl per split here"
    )
    parser.add_argument(
        "--compare", type=Path, help="an earlier --keep directory: print before → now"
    )
    args = parser.parse_args()
    splits = ("heldout", "tune") if args.also_tune else ("heldout",)
    for split in splits:
        evaluate_split(
            args.seed, split, args.size, args.timeout, args.concurrency, args.keep, args.compare
        )


if __name__ == "__main__":
    main()
