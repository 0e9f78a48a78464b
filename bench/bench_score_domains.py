"""`zhenwei score-domains` against phishing_catcher's `score_domain`, on the same names, in one run.

Writes a feed (default 1,000,000 names of `namefeed.mix`: pinyin and English words, random
strings, many suffixes, ~0.2 % look-alikes) and times, on that same file:
  * the bulk path of `zhenwei score-domains` with 1 and 2 worker processes;
  * phishing_catcher's `score_domain` (github x0rz/phishing_catcher, GPL-3.0: never copied
    here; pass a checkout with --phishing-catcher and install its requirements with
    `pip install -e '.[bench]'`), one process, as its certstream callback calls it;
  * agreement: every name scored again by the full scorer without any prefilter, and the
    fast path's output compared name by name (plus a held-back feed of look-alikes of every
    technique);
  * with --rss, the peak memory (PSS) of the whole `zhenwei score-domains -j 2` process tree
    on a .gz file and on a stream of N names through stdin.

    .venv/bin/python bench/bench_score_domains.py --phishing-catcher DIR [--names 1000000]
        [--processes 1,2] [--rss 1000000,10000000]
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import importlib.util
import io
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from namefeed import lookalikes, mix

from core.names import DomainIndex, DomainScore
from core.names.bulk import host_of, read_chunks, score_chunk
from zhenwei.commands.score_domains import DEFAULT_MIN_SCORE, open_input, score_chunks

ROOT = Path(__file__).resolve().parents[1]


def load_phishing_catcher(checkout: Path) -> Callable[[str], int]:
    """phishing_catcher's `score_domain`, with its keyword lists loaded as its main does."""
    import yaml  # phishing_catcher's own requirement

    sys.path.insert(0, str(checkout))  # its confusables.py
    spec = importlib.util.spec_from_file_location("catch_phishing", checkout / "catch_phishing.py")
    assert spec is not None and spec.loader is not None
    module: Any = importlib.util.module_from_spec(spec)
    with contextlib.redirect_stderr(io.StringIO()):  # its module-level progress bar
        spec.loader.exec_module(module)
    module.pbar.close()
    suspicious = yaml.safe_load((checkout / "suspicious.yaml").read_text())
    external = yaml.safe_load((checkout / "external.yaml").read_text())
    if external["override_suspicious.yaml"] is True:
        suspicious = external
    else:
        for key in ("keywords", "tlds"):
            if external[key] is not None:
                suspicious[key].update(external[key])
    module.suspicious = suspicious
    return module.score_domain  # type: ignore[no-any-return]


def time_ours(path: Path, processes: int) -> tuple[float, int, int]:
    t0 = time.perf_counter()
    with open_input(str(path)) as stream:
        run = score_chunks(read_chunks(stream), processes=processes)
    return time.perf_counter() - t0, run.lines, run.candidates


def time_baseline(path: Path, score_domain: Callable[[str], int]) -> tuple[float, int, int]:
    t0 = time.perf_counter()
    lines = flagged = 0
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            lines += 1
            if score_domain(line.strip().lower()) >= 65:  # its lowest "Potential" level
                flagged += 1
    return time.perf_counter() - t0, lines, flagged


def prefilter_share(index: DomainIndex, path: Path) -> tuple[int, int, int]:
    """(lines, lines the chunk prefilter passes on, names the lexicon check passes on)."""
    lines = passed = checked = 0
    with path.open("rb") as fh:
        for chunk in read_chunks(fh):
            lines += chunk.count(b"\n")
            for line in index.prefilter.candidate_lines(chunk):
                passed += 1
                host = index.usable_host(host_of(line.decode("utf-8", "replace")))
                checked += bool(host) and index.prefilter.may_score(host)
    return lines, passed, checked


def agreement(index: DomainIndex, path: Path, min_score: float) -> tuple[int, int, int, int]:
    """(names, kept by the full scorer, kept identically by the fast path, differing)."""
    reference: dict[str, DomainScore] = {}
    names = 0
    with path.open("rb") as fh:
        for raw in fh:
            names += 1
            r = index.score_unfiltered(host_of(raw.decode("utf-8", "replace")))
            if r is not None and not r.official and r.score >= min_score:
                reference[r.host] = r
    fast: dict[str, DomainScore] = {}
    with path.open("rb") as fh:
        for chunk in read_chunks(fh):
            fast.update((r.host, r) for r in score_chunk(index, chunk, 10**9, min_score).best)
    same = sum(1 for host, r in reference.items() if fast.get(host) == r)
    differing = len(set(reference) ^ set(fast)) + sum(
        1 for host in set(reference) & set(fast) if fast[host] != reference[host]
    )
    return names, len(reference), same, differing


def _tree_pss(pid: int) -> int:
    """Proportional set size of `pid` and all its descendants, in bytes (Linux /proc).

    PSS shares each page among the processes mapping it, so forked workers' common pages
    are counted once, not once per worker as a sum of RSS would."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo.extend(children.get(p, ()))
        try:
            rollup = Path(f"/proc/{p}/smaps_rollup").read_text()
        except OSError:
            continue
        for line in rollup.splitlines():
            if line.startswith("Pss:"):
                total += int(line.split()[1]) * 1024
    return total


def peak_rss(
    args: list[str], feed: Callable[[IO[bytes]], None] | None = None
) -> tuple[float, float]:
    """Run the command; (seconds, peak MB of its process tree's PSS), sampled every 50 ms."""
    proc = subprocess.Popen(
        args, stdin=subprocess.PIPE if feed else None, stdout=subprocess.DEVNULL, cwd=ROOT
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_pss(proc.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    t0 = time.perf_counter()
    sampler.start()
    if feed is not None:
        assert proc.stdin is not None
        feed(proc.stdin)
        proc.stdin.close()
    proc.wait()
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} exited {proc.returncode}")
    return time.perf_counter() - t0, peak / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--names", type=int, default=1_000_000)
    parser.add_argument("--processes", default="1,2")
    parser.add_argument("--phishing-catcher", type=Path, default=None, metavar="DIR")
    parser.add_argument("--lookalikes", type=int, default=100_000, help="held-back look-alikes")
    parser.add_argument("--rss", default="", help="e.g. 1000000,10000000 (0 to skip)")
    args = parser.parse_args()
    index = DomainIndex.default()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "names.txt"
        t0 = time.perf_counter()
        path.write_text("\n".join(mix(args.names)) + "\n", encoding="utf-8")
        print(
            f"feed: {args.names:,} names ({path.stat().st_size / 1e6:.0f} MB) written in "
            f"{time.perf_counter() - t0:.1f} s; load average {os.getloadavg()[0]:.1f}"
        )
        rates: dict[int, float] = {}
        for processes in (int(p) for p in args.processes.split(",") if p):
            elapsed, lines, kept = time_ours(path, processes)
            rates[processes] = lines / elapsed
            print(
                f"zhenwei score-domains -j {processes}: {lines:,} names in {elapsed:.2f} s = "
                f"{rates[processes]:,.0f} names/s; {kept:,} lines >= {DEFAULT_MIN_SCORE}"
            )
        if args.phishing_catcher is None:
            print("phishing_catcher: not run (pass --phishing-catcher DIR)")
        else:
            score_domain = load_phishing_catcher(args.phishing_catcher)
            elapsed, lines, flagged = time_baseline(path, score_domain)
            base = lines / elapsed
            print(
                f"phishing_catcher score_domain: {lines:,} names in {elapsed:.2f} s = "
                f"{base:,.0f} names/s; {flagged:,} at >= 65"
            )
            for processes, rate in rates.items():
                print(f"ratio -j {processes} / phishing_catcher: {rate / base:.1f}x")
        lines, passed, checked = prefilter_share(index, path)
        print(
            f"prefilter: {passed / lines:.1%} of lines pass the automaton, "
            f"{checked / lines:.2%} the lexicon check (scored in full)"
        )
        names, kept, same, differing = agreement(index, path, DEFAULT_MIN_SCORE)
        print(
            f"agreement on the feed: {names:,} names, {kept:,} kept by the full scorer, "
            f"{same:,} identical on the fast path, {differing} differing"
        )
        held = Path(tmp) / "lookalikes.txt"
        held.write_text("\n".join(lookalikes(index.targets, args.lookalikes, seed=99)) + "\n")
        names, kept, same, differing = agreement(index, held, DEFAULT_MIN_SCORE)
        print(
            f"agreement on held-back look-alikes: {names:,} names, {kept:,} kept by the full "
            f"scorer, {same:,} identical on the fast path, {differing} differing"
        )
        print(f"load average at the end: {os.getloadavg()[0]:.1f}")
        command = [sys.executable, "-m", "zhenwei.cli", "score-domains", "-j", "2"]
        data = path.read_bytes() if args.rss else b""
        for n in (int(x) for x in args.rss.split(",") if x and int(x) > 0):
            if n <= args.names:
                gz = Path(tmp) / "feed.txt.gz"
                with path.open("rb") as src, gzip.open(gz, "wb", compresslevel=1) as dst:
                    for i, line in enumerate(src):
                        if i >= n:
                            break
                        dst.write(line)
                elapsed, mb = peak_rss([*command, str(gz)])
                print(
                    f"memory: {n:,} names from .gz: {elapsed:.1f} s, peak {mb:.0f} MB PSS (process tree)"
                )
            whole, rest = divmod(n, args.names)
            tail = b"".join(data.splitlines(keepends=True)[:rest])

            def feed(stdin: IO[bytes], whole: int = whole, tail: bytes = tail) -> None:
                for _ in range(whole):  # the feed again and again: n names, flat memory
                    stdin.write(data)
                stdin.write(tail)

            elapsed, mb = peak_rss([*command, "-"], feed)
            print(
                f"memory: {n:,} names through stdin: {elapsed:.1f} s, peak {mb:.0f} MB PSS (process tree)"
            )


if __name__ == "__main__":
    main()
