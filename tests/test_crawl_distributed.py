"""A distributed crawl: one coordinator, two workers, one PostgreSQL database, one Redis.

Each worker is a separate machine in miniature: its own data directory (run lock, captures
in progress, caches) with the evidence store shared (as a shared mount would be), the same
database and the same Redis. One worker is SIGKILLed (with its browser) while it holds a
candidate; the other takes that candidate over after the visibility timeout, and every
candidate ends with exactly one capture and one lead.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

#: a crawl of the world takes minutes on a busy machine (pyproject's default is 300 s)
pytestmark = pytest.mark.timeout(1500)
ZHENWEI = [sys.executable, "-m", "zhenwei.cli"]
PG_ADMIN_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=test"
REDIS_URL = "redis://127.0.0.1:6379/0"
SEED_HOSTS = (
    "cx-mem-gov.cn",
    "tzzycx.com",
    "aqsc-chaxun.cn",
    "cxmem-gov.com",
    "cxmemgov.com",
    "dianhangong-zheng.cn",
    "tezhongzuoye-banzheng.com",
    "gaokongzheng-ban.xyz",
    "mem-gov.top",
    "cx-mem.com",
    "cxmem.cn",
    "www.zhongan-peixun.com",
    "www.cxjixie.com",
    "memchip-cx.com",
)


@pytest.fixture
def pg_url() -> Iterator[str]:
    import psycopg

    name = f"zw_dist_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg.connect(PG_ADMIN_DSN, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL on 127.0.0.1:5432 is not reachable: {exc}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"postgresql://postgres@127.0.0.1:5432/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def run_key() -> Iterator[str]:
    import redis

    key = f"test-{uuid.uuid4().hex[:12]}"
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis on 127.0.0.1:6379 is not reachable: {exc}")
    yield key
    client.delete(
        *(f"zhenwei:crawl:{key}:{k}" for k in ("queue", "seen", "meta", "done-by", "given-up"))
    )


def _env(simnet: Any, data_dir: Path, db_url: str) -> dict[str, str]:
    env = {
        **os.environ,
        **simnet.env,
        "ZHENWEI_DATA_DIR": str(data_dir),
        "ZHENWEI_DATABASE_URL": db_url,
        "ZHENWEI_REDIS_URL": REDIS_URL,
    }
    for key in ("ZHENWEI_WEBHOOK_URL", "ZHENWEI_SMTP_HOST"):
        env.pop(key, None)
    return env


def _captures(db_url: str) -> list[tuple[str, int]]:
    import psycopg

    with psycopg.connect(db_url) as con:
        return [(u, r) for u, r in con.execute("SELECT url, run_id FROM capture")]


def _wait(pred: Any, what: str, timeout: float = 600.0) -> None:
    deadline = time.monotonic() + timeout
    while not pred():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.2)


@pytest.mark.postgres
@pytest.mark.redis
def test_a_worker_killed_mid_candidate_loses_nothing(  # type: ignore[no-untyped-def]
    simnet, tmp_path: Path, pg_url: str, run_key: str
) -> None:
    import redis

    seeds = tmp_path / "seeds.txt"
    urls = [simnet.world.sites[h].url() for h in SEED_HOSTS]
    seeds.write_text("".join(u + "\n" for u in urls), "utf-8")
    shared = tmp_path / "shared-artifacts"
    envs = {}
    for name in ("coordinator", "worker-a", "worker-b"):
        data = tmp_path / name
        data.mkdir()
        envs[name] = {**_env(simnet, data, pg_url), "ZHENWEI_ARTIFACTS_DIR": str(shared)}
    ref = subprocess.run(
        [*ZHENWEI, "reference", "update", "--timeout", "30"],
        env=envs["coordinator"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert ref.returncode == 0, ref.stderr[-2000:]

    common = ["--run-key", run_key, "--timeout", "30", "--no-progress", "--visibility", "15"]
    coord = subprocess.Popen(
        [*ZHENWEI, "crawl", "--coordinator", "--sources", "seeds", "--seeds", str(seeds), *common],
        env=envs["coordinator"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    workers = {
        name: subprocess.Popen(
            [*ZHENWEI, "crawl", "--distributed", "--concurrency", "1", "--wait", "300", *common],
            env=envs[name],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )  # its own process group: killed with its Chromium
        for name in ("worker-a", "worker-b")
    }
    client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    stream = f"zhenwei:crawl:{run_key}:queue"
    id_file = tmp_path / "worker-a" / "worker-id"
    _wait(id_file.exists, "worker-a's id")
    victim = id_file.read_text("ascii").strip()

    def victim_mid_candidate() -> bool:
        assert coord.poll() is None, coord.communicate()[1][-3000:]
        done = int(client.hget(f"zhenwei:crawl:{run_key}:done-by", victim) or 0)
        if done < 1 or not client.exists(stream):
            return False
        pending = client.xpending(stream, "workers")
        return any(
            c["name"] == victim and int(c["pending"]) >= 1 for c in pending.get("consumers") or []
        )

    # worker-a has finished a candidate (it does its share) and holds the next one
    _wait(victim_mid_candidate, "worker-a to hold a candidate")
    os.killpg(workers["worker-a"].pid, signal.SIGKILL)
    workers["worker-a"].communicate(timeout=60)
    held = client.xpending_range(stream, "workers", min="-", max="+", count=10, consumername=victim)
    assert held, "worker-a held nothing when killed"
    held_urls = {client.xrange(stream, h["message_id"], h["message_id"])[0][1]["url"] for h in held}

    out_b, err_b = workers["worker-b"].communicate(timeout=900)
    assert workers["worker-b"].returncode == 0, err_b[-3000:]
    _, err_c = coord.communicate(timeout=300)
    assert coord.returncode == 0, err_c[-3000:]

    # every candidate queued in the run: the seeds and links followed out of flagged pages
    queued = client.smembers(f"zhenwei:crawl:{run_key}:seen")
    assert set(urls) <= queued
    split = {k: int(v) for k, v in client.hgetall(f"zhenwei:crawl:{run_key}:done-by").items()}
    print(
        f"\ncandidates finished per worker: {split} of {len(queued)} queued "
        f"(worker-a = {victim}, SIGKILLed)"
    )
    assert sum(split.values()) == len(queued) and split.get(victim, 0) >= 1 and len(split) == 2

    captures = _captures(pg_url)
    per_url = Counter(u for u, _ in captures)
    assert not {u: n for u, n in per_url.items() if n > 1}, "a URL was captured twice"
    assert set(per_url) == queued, f"never captured: {sorted(queued - set(per_url))}"
    assert len({r for _, r in captures}) == 1, "the workers shared one run"
    assert held_urls <= set(per_url), "the candidate held by the killed worker was taken over"
    assert not client.xpending_range(stream, "workers", min="-", max="+", count=10)

    from core.config import Settings
    from storage.db import Database
    from storage.repository import Repository

    repo = Repository(Database.from_settings(Settings.from_env(envs["coordinator"])))
    runs = repo.runs.recent()
    assert [r.status for r in runs] == ["finished"]
    hosts = [lead.host for lead in repo.leads.find()]
    assert len(hosts) == len(set(hosts)) and set(SEED_HOSTS) <= set(hosts), "one lead per host"
    assert runs[0].stats["_workers"] == split
    assert f"新线索 {len(hosts)}" in err_c, "the coordinator counts the leads its workers found"


def test_roles_are_checked_before_any_work(tmp_path: Path) -> None:
    env = {**os.environ, "ZHENWEI_DATA_DIR": str(tmp_path)}
    both = subprocess.run(
        [*ZHENWEI, "crawl", "--coordinator", "--distributed"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert both.returncode == 2 and "pick one" in both.stderr
    key = subprocess.run(
        [*ZHENWEI, "crawl", "--run-key", "x"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert key.returncode == 2 and "--run-key" in key.stderr
