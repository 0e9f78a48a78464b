"""`zhenwei check` on one page of each negative class and on the WeChat-only clones of a
generated world (issue 8's closing note): verdict, score, reason, and the variant scored.

    .venv/bin/python bench/check_examples.py [--seed 2026] [--split heldout] [--size 300]

Runs `zhenwei reference update` and one `zhenwei check --json` through the simulated internet
serving the world; prints one block per page. Nothing here is tuned: it only reports.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

from simworld import SimulatedInternet
from simworld.evaluate import _env, _run
from simworld.generate import DEFAULT_SIZE, generate
from simworld.generate.labels import LabelledEntry


def _pick(entries: list[LabelledEntry]) -> list[LabelledEntry]:
    """The first page of each negative class, and every WeChat-only clone on a plain name."""
    seen: set[str] = set()
    out = []
    for e in entries:
        if not e.url:
            continue
        if e.label in ("benign", "official") and e.klass not in seen:
            seen.add(e.klass)
            out.append(e)
        elif "cloaked" in e.variants and "neutral" in e.variants:
            out.append(e)
    return out


def _show(e: LabelledEntry, obj: dict[str, Any]) -> str:
    signals = obj.get("signals") or []
    top = signals[0]["reason"] if signals else "（无信号）"
    variant = next(
        (s["details"]["scored_variant"] for s in signals if "scored_variant" in s["details"]),
        "browser",
    )
    lines = [
        f"[{e.label}/{e.klass}] {e.url}",
        f"  verdict {obj['verdict']}  score {obj['score']}  categories {','.join(obj['categories'])}"
        + (f"  variant scored: {variant}" if "cloaked" in e.variants else ""),
        f"  reason: {top}",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--split", choices=("heldout", "tune"), default="heldout")
    parser.add_argument("--size", type=int, default=DEFAULT_SIZE)
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args()
    gen = generate(args.seed, args.split, args.size)
    picked = _pick(list(gen.entries))
    with tempfile.TemporaryDirectory(prefix="zhenwei-examples-") as tmp:
        with SimulatedInternet(gen.world, workdir=Path(tmp) / "net") as net:
            env = _env(net, Path(tmp) / "data")
            _run(["reference", "update", "--timeout", str(args.timeout)], env, 900)
            urls = Path(tmp) / "urls.txt"
            urls.write_text("".join(f"{e.url}\n" for e in picked), encoding="utf-8")
            proc = _run(
                ["check", "--json", "--input", str(urls), "--timeout", str(args.timeout)],
                env,
                3600,
            )
    by_url = {o["url"]: o for o in map(json.loads, filter(str.strip, proc.stdout.splitlines()))}
    print(f"== zhenwei check, split {args.split}, seed {args.seed}, size {args.size}")
    for e in picked:
        obj = by_url.get(str(e.url))
        print(_show(e, obj) if obj else f"[{e.label}/{e.klass}] {e.url}: not reported")


if __name__ == "__main__":
    main()
