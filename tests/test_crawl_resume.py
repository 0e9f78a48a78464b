"""Killing the crawl with SIGKILL at any point and running it again loses and duplicates
nothing (issue 4). Real Scrapy + Chromium against the simulated internet, SQLite.

The crawl runs in its own process group; the test kills the whole group (the crawler, its
Playwright driver and Chromium, as a power cut would) at a point read from the data
directory and the database, then runs `zhenwei crawl` again to completion.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

#: a crawl of the world takes minutes on a busy machine (pyproject's default is 300 s)
pytestmark = pytest.mark.timeout(1500)
ZHENWEI = [sys.executable, "-m", "zhenwei.cli"]
#: world sites given as seeds: fakes whose links are followed, benign sites, a 3 s slow host
SEED_HOSTS = (
    "memgov-cx.xyz",
    "cx-mem-gov.cn",
    "tzzycx.com",
    "aqsc-chaxun.cn",
    "anquan-zscx.com",
    "cxmem-gov.com",
    "dianhangong-zheng.cn",
    "tezhongzuoye-banzheng.com",
    "gaokongzheng-ban.xyz",
    "mem-gov.top",
    "cx-mem.com",
    "www.zhongan-peixun.com",
    "www.cxjixie.com",
    "memchip-cx.com",
)


def _env(simnet: Any, data_dir: Path) -> dict[str, str]:
    env = {**os.environ, **simnet.env, "ZHENWEI_DATA_DIR": str(data_dir)}
    for key in ("ZHENWEI_DATABASE_URL", "ZHENWEI_WEBHOOK_URL", "ZHENWEI_SMTP_HOST"):
        env.pop(key, None)
    return env


def _crawl_args(seeds: Path) -> list[str]:
    return [
        *ZHENWEI,
        "crawl",
        "--sources",
        "seeds",
        "--seeds",
        str(seeds),
        "--concurrency",
        "1",
        "--timeout",
        "30",
        "--no-progress",
    ]


def _captures(db: Path) -> list[tuple[str, int | None]]:
    if not db.exists():
        return []
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as con:
            return [(u, r) for u, r in con.execute("SELECT url, run_id FROM capture")]
    except sqlite3.OperationalError:  # schema not created yet
        return []


def _runs(db: Path) -> list[tuple[int, str]]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        return list(con.execute("SELECT id, status FROM crawl_run ORDER BY id"))


def _lead_hosts(db: Path) -> list[str]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        return [h for (h,) in con.execute("SELECT host FROM lead")]


def _kill_when(args: list[str], env: dict[str, str], ready: Any, timeout: float = 240) -> bool:
    """Start the crawl, SIGKILL its process group once `ready()`; False if it finished first."""
    proc = subprocess.Popen(
        args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + timeout
    try:
        while proc.poll() is None:
            if ready():
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(30)
                return True
            if time.monotonic() > deadline:
                pytest.fail("the crawl never reached the kill point")
            time.sleep(0.05)
        return False
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(30)


#: kill point → condition on (data dir, database path); each is a moment of the run
KILL_POINTS = {
    # the run row exists: sources are collecting, or the plan was just written
    "run-started": lambda data, db: (data / "runs" / "1").is_dir(),
    "first-capture": lambda data, db: len(_captures(db)) >= 1,
    "midway": lambda data, db: len(_captures(db)) >= len(SEED_HOSTS) // 2,
}


@pytest.mark.parametrize(
    "points",
    [("run-started",), ("first-capture", "midway")],
    ids=["run-started", "first-capture+midway"],
)
def test_sigkill_and_rerun_loses_and_duplicates_nothing(
    simnet,
    tmp_path: Path,
    points: tuple[str, ...],  # type: ignore[no-untyped-def]
) -> None:
    seeds = tmp_path / "seeds.txt"
    urls = [simnet.world.sites[h].url() for h in SEED_HOSTS]
    seeds.write_text("".join(u + "\n" for u in urls), "utf-8")
    data = tmp_path / "data"
    db = data / "zhenwei.db"
    env = _env(simnet, data)
    args = _crawl_args(seeds)

    killed_with_plan: list[bool] = []
    captured_at_kill: list[int] = []
    for point in points:
        cond = KILL_POINTS[point]
        assert _kill_when(args, env, lambda c=cond: c(data, db)), f"finished before {point}"  # type: ignore[misc]
        killed_with_plan.append((data / "runs" / "1" / "plan.json").exists())
        captured_at_kill.append(len(_captures(db)))

    final = subprocess.run(args, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert final.returncode == 0, final.stderr[-3000:]
    print(
        f"\nkills at {points}: captures at each kill {captured_at_kill}, "
        f"plan written {killed_with_plan}; final run: {final.stderr.strip().splitlines()[-1]}"
    )

    runs = _runs(db)
    if killed_with_plan[-1]:
        # The interrupted run was resumed: same id, now finished, and said so.
        assert runs == [(1, "finished")], runs
        assert "（续跑）" in final.stderr
        run_id = 1
    else:
        # Killed before its plan: nothing was fetched; it is closed and a new run did the work.
        assert runs == [(1, "interrupted"), (2, "finished")], runs
        run_id = 2

    captures = _captures(db)
    assert all(r == run_id for _, r in captures), "captures outside the finishing run"
    per_url = Counter(u for u, _ in captures)
    twice = {u: n for u, n in per_url.items() if n > 1}
    assert not twice, f"URLs captured twice in run {run_id}: {twice}"
    missing = [u for u in urls if u not in per_url]
    assert not missing, f"seeds never captured: {missing}"
    followed = data / "runs" / str(run_id) / "followed.jsonl"
    links = (
        {json.loads(line)["url"] for line in followed.read_text("utf-8").splitlines()}
        if followed.exists()
        else set()
    )
    assert links, "no link was followed: the seeds should include pages linking out"
    lost = sorted(u for u in links if u not in per_url)
    assert not lost, f"followed links never captured: {lost}"

    hosts = _lead_hosts(db)
    assert len(hosts) == len(set(hosts))
    assert set(SEED_HOSTS) <= set(hosts)
