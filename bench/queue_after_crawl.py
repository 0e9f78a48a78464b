"""Issue 8's last target, measured: after a nightly crawl of a generated world, how many benign
and official hosts sit in the review queue at or above `suspicious`?

    .venv/bin/python bench/queue_after_crawl.py [--seed 2026] [--split heldout] [--size 300]

Generates the world, starts the simulated internet on it, runs `zhenwei reference update` and
the whole `zhenwei crawl` (every source, as `zhenwei demo` does) into a fresh SQLite database,
then joins `zhenwei leads --json` with the world's labels by host. The queue is what an analyst
is shown by default: every lead not dismissed and not official (`storage.leadquery.OPEN_STATUSES`
on the labels branch; the same here without importing it). Prints, per label and class, the
hosts in the queue and those at or above `suspicious` (verdict suspicious or counterfeit), and
the target line: negatives (benign + official) flagged in the queue. Figures are whatever the
detectors of the checkout give.

--second-night plays the analysts' part (issue 8 item 9): every benign host flagged in the queue
is dismissed as a false positive and every official one labelled official, through
`zhenwei labels import`, and the crawl runs again: the same count, a night later.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from core.platforms import post_key
from simworld import SimulatedInternet
from simworld.generate import DEFAULT_SIZE, SPLITS, generate

ZHENWEI = (sys.executable, "-m", "zhenwei.cli")
FLAGGED = ("suspicious", "counterfeit")
OUT_OF_QUEUE = ("dismissed", "official")
NEGATIVE = ("benign", "official")


def _run(args: list[str], env: dict[str, str], timeout: float) -> str:
    proc = subprocess.run(
        [*ZHENWEI, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if proc.returncode != 0:
        raise SystemExit(f"zhenwei {args[0]} exited {proc.returncode}: {proc.stderr[-3000:]}")
    return proc.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--split", choices=SPLITS, default="heldout")
    parser.add_argument("--size", type=int, default=DEFAULT_SIZE)
    parser.add_argument("--keep", type=Path, help="keep the data directory here")
    parser.add_argument(
        "--second-night",
        action="store_true",
        help="label the flagged negatives as an analyst would, then crawl again",
    )
    args = parser.parse_args()

    gen = generate(args.seed, args.split, args.size)
    truth: dict[str, tuple[str, str]] = {}
    for site in gen.world.sites.values():
        for host in site.hosts:
            truth[host] = (site.label, site.klass or site.label)
    for host, label in gen.world.labels().items():
        truth.setdefault(host, (label, "no-web"))
    for url, post in gen.world.post_labels().items():  # a post's lead is keyed by the post
        truth[post_key(url) or url] = (post.label, post.klass)
    print(
        f"== split {args.split}, seed {args.seed}, size {args.size}, built for {gen.today}: "
        f"{len(gen.world.sites)} sites"
    )
    with tempfile.TemporaryDirectory(prefix="zhenwei-queue-") as tmp:
        data = args.keep.resolve() if args.keep else Path(tmp) / "data"
        data.mkdir(parents=True, exist_ok=True)
        with SimulatedInternet(gen.world, workdir=Path(tmp) / "net") as net:
            env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
            env.update(net.env)
            env["ZHENWEI_DATA_DIR"] = str(data)
            env.pop("ZHENWEI_DATABASE_URL", None)
            started = time.monotonic()
            _run(["reference", "update"], env, 1800)
            leads = _night(env)
            crawled = time.monotonic() - started
            print(f"night 1: {len(leads)} leads stored in {crawled:.0f} s")
            flagged = _report(leads, truth)
            if args.second_night:
                labels = Path(tmp) / "decisions.jsonl"
                labels.write_text(
                    "".join(
                        json.dumps(
                            {"host": host, "label": label, "reason": reason, "note": "bench"}
                        )
                        + "\n"
                        for host, label, reason in _decisions(flagged, truth)
                    ),
                    "utf-8",
                )
                _run(["labels", "import", str(labels), "--user", "bench"], env, 600)
                started = time.monotonic()
                leads = _night(env)
                print(
                    f"night 2, after {len(flagged)} analysts' labels: {len(leads)} leads "
                    f"in {time.monotonic() - started:.0f} s"
                )
                _report(leads, truth)


def _night(env: dict[str, str]) -> list[dict[str, Any]]:
    _run(
        [
            "crawl",
            "--nightly",
            "--no-progress",
            "--dns-rate",
            "2000",
            "--lookalike-limit",
            "25000",
            "--option",
            "ct.delay=0.1",
            "--option",
            "search.delay=0.1",
        ],
        env,
        6 * 3600,
    )
    return [json.loads(x) for x in _run(["leads", "--json"], env, 600).splitlines() if x]


def _decisions(flagged: list[str], truth: dict[str, tuple[str, str]]) -> list[tuple[str, str, str]]:
    """What an analyst reading the queue decides about each flagged negative."""
    out = []
    for host in flagged:
        label = truth[host][0]
        out.append(
            (host, "official", "official")
            if label == "official"
            else (host, "benign", "false_positive")
        )
    return out


def _report(leads: list[dict[str, Any]], truth: dict[str, tuple[str, str]]) -> list[str]:
    """Print the queue per class; the negative hosts flagged in it."""
    in_queue: Counter[tuple[str, str]] = Counter()
    flagged: Counter[tuple[str, str]] = Counter()
    worst: list[tuple[int, str, str, str, str]] = []
    for lead in leads:
        label, klass = truth.get(lead["host"], ("unlabelled", "unlabelled"))
        if lead["status"] in OUT_OF_QUEUE:
            continue
        in_queue[(label, klass)] += 1
        if lead["verdict"] in FLAGGED:
            flagged[(label, klass)] += 1
            if label in NEGATIVE:
                worst.append((lead["score"], lead["verdict"], label, klass, lead["host"]))
    print(f"  {'label':12}{'class':26}{'in queue':>9}{'>= suspicious':>15}")
    for key in sorted(in_queue, key=lambda k: (k[0] not in NEGATIVE, k)):
        print(f"  {key[0]:12}{key[1]:26}{in_queue[key]:>9}{flagged[key]:>15}")
    negatives = sum(n for (label, _), n in flagged.items() if label in NEGATIVE)
    by_label = {lab: sum(n for (x, _), n in flagged.items() if x == lab) for lab in NEGATIVE}
    print(
        f"benign/official hosts in the queue at or above suspicious: {negatives} "
        f"(benign {by_label['benign']}, official {by_label['official']}; target 0)"
    )
    for score, verdict, label, klass, host in sorted(worst, reverse=True)[:30]:
        print(f"  {score:3d} {verdict:11} {label:9} {klass:24} {host}")
    return [host for *_, host in worst]


if __name__ == "__main__":
    main()
