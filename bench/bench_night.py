"""A 10,000-candidate night on the simulated internet: wall time and peak memory.

    .venv/bin/python bench/bench_night.py [--size 10000] [--candidates 10000] [--concurrency 4]

Generates a large world (simworld.generate), starts the simulated internet on it, runs
`zhenwei reference update`, then feeds N candidate URLs (every site of the world, then other
registered names of it) to ONE crawl in a child process, exactly as the feed source hands
them over (source "feed": each candidate gets the cheap stage, and only those scoring at or
above the triage threshold are rendered). Prints the crawl's wall time, how many candidates
were rendered, the leads, and the peak memory of the crawl's whole process tree (the Python
process plus Chromium), sampled with psutil every second: the sum of RSS (over-counts pages
Chromium's processes share) and the sum of PSS (shared pages divided among their users).

`crawl --feed` (discovery's feed source) is not used: discovery is timed in
bench_discovery.py; this bench times what comes after it for 10,000 candidates.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _child(feed: Path, concurrency: int, timeout: float) -> None:
    """The crawl itself (run in its own process: Twisted's reactor runs once per process)."""
    from core.config import Settings
    from core.types import Candidate
    from crawler.context import RunTally
    from zhenwei.crawljob import CrawlJob, CrawlOptions, source_context

    settings = Settings.from_env()
    options = CrawlOptions(
        sources=("feed",), timeout=timeout, concurrency=concurrency, max_candidates=10**6
    )
    began = time.monotonic()
    done = [0]

    def progress(_item: object) -> None:
        done[0] += 1
        if done[0] % 250 == 0:
            print(
                f"{done[0]} stored after {time.monotonic() - began:.0f} s",
                file=sys.stderr,
                flush=True,
            )

    job = CrawlJob(settings, options, progress=progress)
    ctx = source_context(settings, job.profiles, job.repo, options)
    now = datetime.now(UTC)
    cands = [Candidate(u, "feed", now, {"feed": True}) for u in feed.read_text("utf-8").split()]
    hits = {
        c.url: [{"source": "feed", "found_at": now.isoformat(), "context": c.context}]
        for c in cands
    }
    run_id = job.repo.runs.start(["feed"])
    (settings.data_dir / "runs" / str(run_id)).mkdir(parents=True, exist_ok=True)
    tally = RunTally()
    started = time.monotonic()
    trace = os.environ.get("ZW_NIGHT_TRACEMALLOC")
    if trace:
        import tracemalloc

        tracemalloc.start(8)
    result = job._crawl(run_id, cands, hits, ctx, tally)
    if trace:
        # what is still allocated after the crawl, by where it was allocated (finding a leak)
        snapshot = tracemalloc.take_snapshot()
        for stat in snapshot.statistics("traceback")[: int(trace)]:
            print(f"{stat.size / 2**20:.1f} MiB in {stat.count} blocks", file=sys.stderr)
            for line in stat.traceback.format()[-8:]:
                print("   ", line, file=sys.stderr)
    seconds = time.monotonic() - started
    job.repo.runs.finish(run_id, {k: dict(v) for k, v in tally.per_source.items()})
    stats = result.stats
    print(
        json.dumps(
            {
                "seconds": seconds,
                "candidates": len(cands),
                "seen": stats.get("response_received_count", 0),
                "triaged": stats.get("zhenwei/triage/requests", 0),
                "rendered": stats.get("zhenwei/full/after-triage", 0)
                + stats.get("zhenwei/full/direct", 0),
                "stored": tally.per_source.get("feed", {}).get("fetched", 0),
                "leads": tally.per_source.get("feed", {}).get("leads", 0),
                "storage_errors": tally.errors,
                "finish_reason": result.finish_reason,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--split", default="heldout")
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--candidates", type=int, default=10000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument(
        "--max-minutes",
        type=float,
        default=0.0,
        help="stop the crawl gracefully after this long (0: never)",
    )
    parser.add_argument(
        "--progress", type=Path, help="write the crawl's progress lines (and its log) here"
    )
    parser.add_argument(
        "--tracemalloc", type=int, default=0, help="print the crawl's N largest live allocations"
    )
    parser.add_argument("--log-level", default="WARNING", help="the crawl's log level (INFO...)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        import logging

        logging.basicConfig(level=args.log_level, format="%(asctime)s %(name)s %(message)s")
        _child(args.child, args.concurrency, args.timeout)
        return

    from simworld import SimulatedInternet
    from simworld.generate import generate

    print(f"load average at start: {os.getloadavg()[0]:.1f} (2 cores shared with other work)")
    started = time.monotonic()
    gen = generate(args.seed, args.split, args.size)
    urls = [site.url() for site in gen.world.sites.values()]
    for name in gen.world.domains():
        if len(urls) >= args.candidates:
            break
        url = f"http://{name}/"
        if all(not u.startswith(url) for u in urls[-3:]):
            urls.append(url)
    urls = list(dict.fromkeys(urls))[: args.candidates]
    print(
        f"world: seed {args.seed}, {args.split}, size {args.size}: {len(gen.world.sites)} sites, "
        f"built in {time.monotonic() - started:.1f} s; {len(urls)} candidates"
    )

    with (
        tempfile.TemporaryDirectory(prefix="zhenwei-night-") as tmp,
        SimulatedInternet(gen.world, workdir=Path(tmp) / "net") as net,
    ):
        env = {**os.environ, **net.env, "ZHENWEI_DATA_DIR": str(Path(tmp) / "data")}
        if args.tracemalloc:
            env["ZW_NIGHT_TRACEMALLOC"] = str(args.tracemalloc)
        env.pop("ZHENWEI_DATABASE_URL", None)
        for key in ("ZHENWEI_WEBHOOK_URL", "ZHENWEI_SMTP_HOST"):
            env.pop(key, None)
        t = time.monotonic()
        subprocess.run(
            [sys.executable, "-m", "zhenwei.cli", "reference", "update", "--timeout", "30"],
            env=env,
            check=True,
            capture_output=True,
            timeout=900,
        )
        print(f"reference update: {time.monotonic() - t:.1f} s")
        feed = Path(tmp) / "feed.txt"
        feed.write_text("\n".join(urls) + "\n", "utf-8")
        t = time.monotonic()
        proc = subprocess.Popen(
            [
                sys.executable,
                str(Path(__file__)),
                "--child",
                str(feed),
                "--concurrency",
                str(args.concurrency),
                "--timeout",
                str(args.timeout),
                "--log-level",
                args.log_level,
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
            stderr=args.progress.open("w") if args.progress else subprocess.DEVNULL,
        )
        from treememory import Sampler

        sampler = Sampler(proc.pid, 1.0)
        sampler.start()
        try:
            out, _ = proc.communicate(timeout=args.max_minutes * 60 if args.max_minutes else None)
            stopped = ""
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGINT)  # Scrapy's graceful stop: in-flight pages finish
            out, _ = proc.communicate()
            stopped = f" — STOPPED after --max-minutes {args.max_minutes:g}"
        wall = time.monotonic() - t
        sampler.stop()
        if proc.returncode != 0:
            sys.exit(f"crawl failed ({proc.returncode})")
        r = json.loads(out.strip().splitlines()[-1])
        mib = 1024 * 1024
        print(
            f"crawl of {r['candidates']} candidates: {wall / 60:.1f} min wall "
            f"(crawl alone {r['seconds'] / 60:.1f} min, {r['stored'] / r['seconds']:.2f} stored/s); "
            f"cheap stage {r['triaged']}, rendered {r['rendered']}, stored {r['stored']}, "
            f"leads {r['leads']}, storage errors {r['storage_errors']}, end: {r['finish_reason']}"
            f"{stopped}"
        )
        print(
            f"peak memory of the crawl's process tree: PSS {sampler.peak_pss / mib:.0f} MiB "
            f"({sampler.peak_pss / 1e9:.2f} GB), RSS sum {sampler.peak_rss / mib:.0f} MiB "
            f"({sampler.peak_procs} processes at most)"
        )
        for line in sampler.kind_lines():
            print(line)
        print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
