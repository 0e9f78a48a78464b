"""Evaluate `zhenwei check` on the labelled simulated world and print the figures.

.venv/bin/python scripts/evaluate_world.py [--concurrency 4] [--timeout 30] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--json", action="store_true", help="also dump every outcome as JSON")
    args = parser.parse_args(argv)

    from simworld import SimulatedInternet
    from simworld.evaluate import evaluate, format_report, run_world

    with (
        tempfile.TemporaryDirectory(prefix="zhenwei-eval-") as tmp,
        SimulatedInternet(workdir=Path(tmp) / "net") as net,
    ):
        run = run_world(net, Path(tmp) / "run", concurrency=args.concurrency, timeout=args.timeout)
    ev = evaluate(run)
    print(run.reference_output.rstrip())
    print(format_report(ev))
    if args.json:
        for o in run.outcomes:
            print(
                json.dumps(
                    {
                        "host": o.site.host,
                        "label": o.site.label,
                        "score": o.score,
                        "verdict": o.verdict,
                        "error": o.error,
                        "signals": list(o.signals),
                    },
                    ensure_ascii=False,
                )
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
