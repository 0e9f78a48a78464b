"""Crash safety, measured (issue 9, item 10): SIGKILL `zhenwei crawl` at N random moments.

    .venv/bin/python scripts/crash_safety.py [--kills 20] [--seed N] [--sites 14]

On the simulated internet (SQLite), it first runs one uninterrupted crawl of a seed list and
times it. Then, in a fresh data directory, it starts the same crawl, SIGKILLs its whole
process group (crawler, Playwright driver, Chromium: a power cut) after a random delay, and
starts it again, N times; a last run goes to completion. The final leads and captures are
compared with the uninterrupted run's: nothing lost, nothing duplicated, every stored
artifact present and intact. Prints the figures; exits 1 when anything differs.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines.capture import sha256_file  # noqa: E402
from simworld import SimulatedInternet  # noqa: E402

ZHENWEI = [sys.executable, "-m", "zhenwei.cli"]
LABELS = ("counterfeit", "seller", "benign")


@dataclass
class Outcome:
    """What a data directory holds after the crawl(s)."""

    captures: Counter[str]  # URL -> captures of it in the finishing run
    leads: dict[str, str]  # host -> verdict
    runs: list[tuple[int, str]]
    bad_artifacts: list[str]
    leftover_tmp: int


def _env(net: SimulatedInternet, data: Path) -> dict[str, str]:
    env = {
        **os.environ,
        **net.env,
        "ZHENWEI_DATA_DIR": str(data),
        "ZHENWEI_ALLOW_NETWORKS": f"{net.dns_address[0]}/32",
    }
    for key in ("ZHENWEI_DATABASE_URL", "ZHENWEI_WEBHOOK_URL", "ZHENWEI_SMTP_HOST"):
        env.pop(key, None)
    return env


def _args(seeds: Path) -> list[str]:
    return [
        *ZHENWEI,
        "crawl",
        "--sources",
        "seeds,links",
        "--seeds",
        str(seeds),
        "--concurrency",
        "1",
        "--timeout",
        "30",
        "--no-progress",
    ]


def outcome(data: Path) -> Outcome:
    db = data / "zhenwei.db"
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        runs = list(con.execute("SELECT id, status FROM crawl_run ORDER BY id"))
        # The run the kills interrupted is the first that finished (one killed before its
        # plan was written is closed as interrupted and the next run does the work).
        last = next((i for i, status in runs if status == "finished"), None)
        captures = Counter(
            u for (u,) in con.execute("SELECT url FROM capture WHERE run_id = ?", (last,))
        )
        leads = {h: v for h, v in con.execute("SELECT host, verdict FROM lead")}
        artifacts = list(con.execute("SELECT sha256, path FROM artifact"))
    store = data / "artifacts"
    bad = []
    for sha, rel in artifacts:
        path = store / rel
        if not path.is_file() or sha256_file(path) != sha:
            bad.append(rel)
    leftover = sum(1 for p in data.rglob(".tmp-*"))
    return Outcome(captures, leads, runs, bad, leftover)


def run_once(args: list[str], env: dict[str, str]) -> float:
    started = time.monotonic()
    proc = subprocess.run(args, env=env, capture_output=True, text=True, timeout=1800, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"crawl exited {proc.returncode}:\n{proc.stderr[-3000:]}")
    return time.monotonic() - started


def kill_after(args: list[str], env: dict[str, str], delay: float) -> bool:
    """Start the crawl and SIGKILL its process group after `delay` s; False if it finished."""
    proc = subprocess.Popen(
        args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        proc.wait(timeout=delay)
        return False
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(30)
        return True


def compare(base: Outcome, final: Outcome) -> list[str]:
    problems = []
    twice = {u: n for u, n in final.captures.items() if n > 1}
    if twice:
        problems.append(f"captured more than once: {twice}")
    lost = sorted(set(base.captures) - set(final.captures))
    if lost:
        problems.append(f"captures lost: {lost}")
    extra = sorted(set(final.captures) - set(base.captures))
    if extra:
        problems.append(f"captures the uninterrupted run did not make: {extra}")
    if set(base.leads) != set(final.leads):
        problems.append(
            f"leads differ: lost {sorted(set(base.leads) - set(final.leads))}, "
            f"extra {sorted(set(final.leads) - set(base.leads))}"
        )
    verdicts = {
        h: (v, final.leads[h])
        for h, v in base.leads.items()
        if h in final.leads and final.leads[h] != v
    }
    if verdicts:
        problems.append(f"verdicts differ (uninterrupted, killed): {verdicts}")
    if final.bad_artifacts:
        problems.append(f"artifacts missing or corrupt: {final.bad_artifacts}")
    if "finished" not in [s for _, s in final.runs]:
        problems.append(f"the last run did not finish: {final.runs}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sites", type=int, default=20, help="seed sites of the world")
    parser.add_argument("--workdir", type=Path, default=None)
    opts = parser.parse_args()
    rng = random.Random(opts.seed)
    work = opts.workdir or Path(tempfile.mkdtemp(prefix="zhenwei-crash-"))
    with SimulatedInternet(workdir=work / "simnet") as net:
        sites = sorted(
            (s for s in net.world.sites.values() if s.label in LABELS), key=lambda s: s.host
        )
        chosen = random.Random(opts.seed).sample(sites, min(opts.sites, len(sites)))
        seeds = work / "seeds.txt"
        seeds.write_text("".join(s.url() + "\n" for s in chosen), "utf-8")
        args = _args(seeds)

        reference = work / "reference"
        run_once([*ZHENWEI, "reference", "update", "--timeout", "30"], _env(net, reference))

        def fresh(name: str) -> Path:
            data = work / name
            subprocess.run(["cp", "-a", str(reference), str(data)], check=True)
            return data

        base_dir = fresh("uninterrupted")
        seconds = run_once(args, _env(net, base_dir))
        base = outcome(base_dir)
        print(
            f"uninterrupted: {seconds:.0f} s, {sum(base.captures.values())} captures, "
            f"{len(base.leads)} leads",
            flush=True,
        )

        data = fresh("killed")
        env = _env(net, data)
        landed = finished_early = 0
        delays = []
        for _ in range(opts.kills):
            # Each restart spends seconds starting up before it resumes: moments within the
            # first quarter of an uninterrupted run leave work for the next kill.
            delay = rng.uniform(0.5, max(2.0, seconds / 4))
            delays.append(round(delay, 1))
            if kill_after(args, env, delay):
                landed += 1
            else:
                finished_early += 1
                break  # the run completed: a further start would be tomorrow's run
        final_seconds = run_once(args, env) if not finished_early else 0.0
        final = outcome(data)
        problems = compare(base, final)
        print(
            f"kills: {landed} landed (delays {delays} s), {finished_early} finished first; "
            f"final run {final_seconds:.0f} s; runs {final.runs}"
        )
        print(
            f"final: {sum(final.captures.values())} captures of {len(final.captures)} URLs, "
            f"{len(final.leads)} leads, {len(final.bad_artifacts)} bad artifacts, "
            f"{final.leftover_tmp} temporary files left"
        )
        for problem in problems:
            print("PROBLEM:", problem)
        print("RESULT:", "nothing lost, nothing duplicated" if not problems else "FAILED")
        return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
