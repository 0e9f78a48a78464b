#!/usr/bin/env python3
"""Run the simulated internet by hand: prints the environment to export, logs every request.

    python scripts/simworld.py [--world DIR] [--workdir DIR]

Paste the printed `export` lines into another shell; stop with Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import logging
import shlex
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

from simworld import SimulatedInternet
from simworld.loader import load_world
from simworld.requestlog import LogEntry


def _print_entry(entry: LogEntry) -> None:
    status = "-" if entry.status is None else entry.status
    where = entry.path if entry.kind == "connect" else entry.host + entry.path
    print(f"{entry.at:%H:%M:%S} {entry.kind:7} {status!s:>4} {entry.method:7} {where}"
          f"  {entry.user_agent[:60]}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--world", type=Path, help="world directory (default: the shipped world)")
    parser.add_argument("--workdir", type=Path, help="where the CA and requests.jsonl go")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    world = load_world(args.world) if args.world else None
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    with SimulatedInternet(world, workdir=args.workdir) as net:
        print(f"# simulated internet: {len(net.world.sites)} sites, workdir {net.workdir}")
        for key, value in net.env.items():
            print(f"export {key}={shlex.quote(value)}")
        print("# Ctrl-C to stop", flush=True)
        net.log.listeners.append(_print_entry)
        while not stop.wait(0.5):
            pass
    print("# stopped", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
