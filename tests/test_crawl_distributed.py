"""`zhenwei crawl --distributed`: two workers, one PostgreSQL database, one Redis (ARCHITECTURE §9).

Each worker is a separate machine in miniature: its own data directory (run lock, run plans,
caches) with the evidence store shared (as a shared mount would be), the same database and
the same Redis. Started at once with the same seeds and run key, every URL must be fetched
by exactly one of them, and both must do some of the work.
"""

from __future__ import annotations

import os
import subprocess
import sys
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
    "cx-mem-gov.cn", "tzzycx.com", "aqsc-chaxun.cn", "cxmem-gov.com", "cxmemgov.com",
    "dianhangong-zheng.cn", "tezhongzuoye-banzheng.com", "gaokongzheng-ban.xyz", "mem-gov.top",
    "cx-mem.com", "cxmem.cn", "www.zhongan-peixun.com", "www.cxjixie.com", "memchip-cx.com",
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
    client.delete(f"zhenwei:crawl:{key}:claims")


def _env(simnet: Any, data_dir: Path, db_url: str) -> dict[str, str]:
    env = {**os.environ, **simnet.env, "ZHENWEI_DATA_DIR": str(data_dir),
           "ZHENWEI_DATABASE_URL": db_url, "ZHENWEI_REDIS_URL": REDIS_URL}
    for key in ("ZHENWEI_WEBHOOK_URL", "ZHENWEI_SMTP_HOST"):
        env.pop(key, None)
    return env


def _captures(db_url: str) -> list[tuple[str, int]]:
    import psycopg

    with psycopg.connect(db_url) as con:
        return [(u, r) for u, r in con.execute("SELECT url, run_id FROM capture")]


@pytest.mark.postgres
@pytest.mark.redis
def test_two_workers_share_the_work_and_fetch_each_url_once(  # type: ignore[no-untyped-def]
    simnet, tmp_path: Path, pg_url: str, run_key: str
) -> None:
    from core.config import Settings

    seeds = tmp_path / "seeds.txt"
    urls = [simnet.world.sites[h].url() for h in SEED_HOSTS]
    seeds.write_text("".join(u + "\n" for u in urls), "utf-8")
    # workers on different machines share the database and the evidence store (a network
    # mount), each with its own data directory for the run lock, plans and caches
    shared = tmp_path / "shared-artifacts"
    envs = []
    for name in ("worker-a", "worker-b"):
        data = tmp_path / name
        data.mkdir()
        envs.append({**_env(simnet, data, pg_url), "ZHENWEI_ARTIFACTS_DIR": str(shared)})
    ref = subprocess.run([*ZHENWEI, "reference", "update", "--timeout", "30"], env=envs[0],
                         capture_output=True, text=True, timeout=600, check=False)
    assert ref.returncode == 0, ref.stderr[-2000:]

    simnet.log.clear()
    args = [*ZHENWEI, "crawl", "--distributed", "--run-key", run_key, "--sources", "seeds",
            "--seeds", str(seeds), "--concurrency", "1", "--timeout", "30", "--no-progress"]
    procs = [subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for env in envs]
    outs = [p.communicate(timeout=600) for p in procs]
    for p, (_, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err[-3000:]

    captures = _captures(pg_url)
    per_url = Counter(u for u, _ in captures)
    assert not {u: n for u, n in per_url.items() if n > 1}, "a URL was captured twice"
    assert set(urls) <= set(per_url), f"seeds never captured: {sorted(set(urls) - set(per_url))}"
    per_run = Counter(r for _, r in captures)
    print(f"\ncaptures per worker run: {dict(per_run)}; URLs {len(per_url)}")
    assert len(per_run) == 2 and min(per_run.values()) >= 1, f"one worker did nothing: {per_run}"

    # The simulated internet saw one browser page load per seed (desktop user agent, entry path).
    desktop_ua = Settings.from_env(envs[0]).desktop_user_agent
    for host in SEED_HOSTS:
        site = simnet.world.sites[host]
        entry = site.url().split(host, 1)[1]
        loads = [e for e in simnet.log.for_host(host)
                 if e.kind in ("http", "https") and e.user_agent == desktop_ua
                 and e.path == entry]
        assert len(loads) == 1, f"{host}: {len(loads)} browser loads of {entry}"

    from storage.db import Database
    from storage.repository import Repository

    repo = Repository(Database.from_settings(Settings.from_env(envs[0])))
    runs = repo.runs.recent()
    assert sorted(r.status for r in runs) == ["finished", "finished"]
    hosts = [lead.host for lead in repo.leads.find()]
    assert len(hosts) == len(set(hosts)) and set(SEED_HOSTS) <= set(hosts)
