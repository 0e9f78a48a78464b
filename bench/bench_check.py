"""Throughput of `zhenwei check --json` over the whole labelled simulated world.

Runs `reference update` once, then one `check --json` subprocess per concurrency level
(pages rendered at once), and prints URLs/minute (wall clock of the subprocess, Chromium
start included, and the crawl alone as `check` measures it) and the browser contexts used.

    .venv/bin/python bench/bench_check.py [--concurrency 1,2,4] [--timeout 30]
"""

from __future__ import annotations

import argparse
import re
import tempfile
from pathlib import Path

from simworld import SimulatedInternet
from simworld.evaluate import run_world


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", default="1,2,4", help="comma-separated levels")
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args()
    levels = [int(x) for x in args.concurrency.split(",") if x.strip()]

    print(
        f"{'concurrency':>11} {'URLs':>5} {'wall s':>7} {'URLs/min':>9} "
        f"{'crawl URLs/min':>15} {'contexts':>9} {'max pages':>10} {'errors':>7}"
    )
    with (
        tempfile.TemporaryDirectory(prefix="zhenwei-bench-") as tmp,
        SimulatedInternet(workdir=Path(tmp) / "net") as net,
    ):
        for i, level in enumerate(levels):
            # the same data dir every time: references are captured once
            run = run_world(
                net,
                Path(tmp) / "run",
                concurrency=level,
                timeout=args.timeout,
                update_references=i == 0,
            )
            n = len(run.outcomes)
            summary = run.check_summary
            crawl = re.search(r"\(([\d.]+)/min\)", summary)
            contexts = re.search(r"browser contexts (\d+)", summary)
            pages = re.search(r"max concurrent pages (\d+)", summary)
            errors = sum(1 for o in run.outcomes if o.error)
            print(
                f"{level:>11} {n:>5} {run.check_seconds:>7.1f} {60 * n / run.check_seconds:>9.1f} "
                f"{crawl.group(1) if crawl else '-':>15} {contexts.group(1) if contexts else '-':>9} "
                f"{pages.group(1) if pages else '-':>10} {errors:>7}"
            )


if __name__ == "__main__":
    main()
