#!/usr/bin/env python3
"""Run the simulated internet by hand: prints the environment to export, logs every request.

    python scripts/simworld.py [--world DIR] [--workdir DIR]
    python scripts/simworld.py --generate SEED [--split tune|heldout] [--size N] [--labels FILE]

With --generate, the world is built by the seeded generator (simworld/generate) and its
labelled set is written to --labels (default: <workdir>/labels.jsonl) for `zhenwei evaluate`.
Paste the printed `export` lines into another shell; stop with Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import logging
import shlex
import signal
import sys
import threading
import time
from pathlib import Path
from types import FrameType

from simworld import SimulatedInternet
from simworld.generate import DEFAULT_SIZE, SPLITS, generate, write_jsonl
from simworld.loader import load_world
from simworld.requestlog import LogEntry
from simworld.world import World


def _print_entry(entry: LogEntry) -> None:
    status = "-" if entry.status is None else entry.status
    where = entry.path if entry.kind == "connect" else entry.host + entry.path
    print(
        f"{entry.at:%H:%M:%S} {entry.kind:7} {status!s:>4} {entry.method:7} {where}"
        f"  {entry.user_agent[:60]}",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--world", type=Path, help="world directory (default: the shipped world)")
    group.add_argument(
        "--generate", type=int, metavar="SEED", help="generate a world from this seed"
    )
    parser.add_argument("--split", choices=SPLITS, default="tune", help="with --generate")
    parser.add_argument(
        "--size", type=int, default=DEFAULT_SIZE, help="with --generate: about N sites"
    )
    parser.add_argument("--labels", type=Path, help="with --generate: where the labelled set goes")
    parser.add_argument("--workdir", type=Path, help="where the CA and requests.jsonl go")
    parser.add_argument("--quiet", action="store_true", help="do not print every request")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    world: World | None = load_world(args.world) if args.world else None
    labels = None
    if args.generate is not None:
        started = time.monotonic()
        gen = generate(args.generate, args.split, args.size)
        world, labels = gen.world, gen.entries
        print(
            f"# generated world seed {gen.seed} split {gen.split} size {gen.size} for {gen.today}: "
            f"{len(world.sites)} sites, {len(labels)} labelled pages, {len(gen.gangs)} gangs "
            f"in {time.monotonic() - started:.1f} s"
        )
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    with SimulatedInternet(world, workdir=args.workdir) as net:
        print(f"# simulated internet: {len(net.world.sites)} sites, workdir {net.workdir}")
        if labels is not None:
            path = args.labels or net.workdir / "labels.jsonl"
            print(f"# labelled set: {write_jsonl(labels, path)} pages in {path}")
        for key, value in net.env.items():
            print(f"export {key}={shlex.quote(value)}")
        print("# Ctrl-C to stop", flush=True)
        if not args.quiet:
            net.log.listeners.append(_print_entry)
        while not stop.wait(0.5):
            pass
    print("# stopped", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
