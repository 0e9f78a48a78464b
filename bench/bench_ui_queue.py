"""Server time of the review queue (`GET /leads`) with 100,000 leads, on SQLite and PostgreSQL.

Fills a fresh database of each kind (SQLite in a temporary directory; PostgreSQL on
127.0.0.1:5432 in a database of its own, dropped at the end) with realistic leads: look-alike
and ordinary hosts, scores bunched on a few values as the scorer gives them (many ties),
verdicts and statuses in the proportions of a working queue, 1-3 sources and one capture per
lead. Then times the page in-process (Starlette's test client: routing, session, queries,
template; no network), after a few warm-up requests, for the first page, a deep page through
its keyset cursor and each filter; and, as the baseline, the same deep page read the naive
way (LIMIT/OFFSET) from the same table.

    .venv/bin/python bench/bench_ui_queue.py [--leads 100000] [--databases sqlite,postgresql]
        [--requests 40]
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from namefeed import lookalikes, mix
from sqlalchemy import insert, text

from core.config import Settings
from core.names import DomainIndex
from storage.db import Database
from storage.leadquery import Cursor, best_first
from storage.models import Capture, Lead, LeadSource
from storage.repository import Repository

PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
PASSWORD = "bench-password-1"
T0 = datetime(2026, 1, 1, tzinfo=UTC)
SOURCES = ("permutations", "ct", "search", "seeds", "links", "recheck")
STATUSES = (
    ("new", 70),
    ("reviewing", 6),
    ("confirmed", 6),
    ("referred", 3),
    ("taken_down", 5),
    ("dismissed", 8),
    ("official", 2),
)
TITLES = (
    "特种作业操作证及安全生产知识和管理能力考核合格信息查询平台",
    "特种作业操作证查询",
    "证书查询 - 全国联网可查",
    "办证 加急 包过 免考",
    "安全培训学校",
    "Welcome to nginx!",
    "",
)


def _verdict_and_score(rnd: random.Random) -> tuple[str, int]:
    roll = rnd.random()
    if roll < 0.55:
        return "benign", rnd.choice((0, 0, 5, 10, 12, 15, 20, 25))
    if roll < 0.85:
        return "suspicious", rnd.choice((35, 40, 45, 50, 55, 60, 62, 65))
    if roll < 0.98:
        return "counterfeit", rnd.choice((70, 75, 80, 85, 88, 90, 92, 95, 98))
    return "official", 0


def _hosts(n: int, seed: int) -> list[str]:
    index = DomainIndex.default()
    out: dict[str, None] = {}
    batch = 0
    while len(out) < n:
        batch += 1
        names = lookalikes(index.targets, n // 2, seed + batch) + mix(n, seed + batch)
        for name in names:
            host = name.split(",")[0].split("://")[-1].split("/")[0].split(":")[0]
            host = host.removeprefix("*.").lower()
            if host.isascii() and "." in host:
                out.setdefault(host, None)
    return list(out)[:n]


def fill(db: Database, n: int, seed: int = 20261209) -> None:
    """`n` leads with their sources and one capture each, inserted in batches."""
    rnd = random.Random(seed)
    hosts = _hosts(n, seed)
    statuses, weights = zip(*STATUSES, strict=True)
    crawl_times = [T0 + timedelta(hours=6 * i) for i in range(1200)]  # one crawl each 6 h
    leads: list[dict[str, Any]] = []
    for i, host in enumerate(hosts, start=1):
        verdict, score = _verdict_and_score(rnd)
        first = rnd.choice(crawl_times)
        last = max(first, rnd.choice(crawl_times))  # crawls stamp many leads alike: ties
        leads.append(
            {
                "id": i,
                "host": host,
                "url": f"https://{host}/",
                "registered_domain": ".".join(host.split(".")[-2:]),
                "title": rnd.choice(TITLES),
                "score": score,
                "verdict": verdict,
                "categories": ["impersonation"] if verdict == "counterfeit" else [],
                "target": "mem",
                "status": "official"
                if verdict == "official"
                else rnd.choices(statuses[:-1], weights[:-1])[0],
                "first_seen": first,
                "last_seen": last,
                "is_down": rnd.random() < 0.1,
                "review_head": "",
                "created_at": first,
                "updated_at": last,
            }
        )
    with db.session(write=True) as s:
        for start in range(0, n, 5000):
            part = leads[start : start + 5000]
            s.execute(insert(Lead), part)
            sources = [
                {
                    "lead_id": lead["id"],
                    "source": src,
                    "first_found": lead["first_seen"],
                    "last_found": lead["last_seen"],
                    "context": {},
                }
                for lead in part
                for src in rnd.sample(SOURCES, rnd.choice((1, 1, 2, 3)))
            ]
            s.execute(insert(LeadSource), sources)
            captures = [
                {
                    "key": uuid.UUID(int=rnd.getrandbits(128)).hex * 2,
                    "lead_id": lead["id"],
                    "url": lead["url"],
                    "final_url": lead["url"],
                    "status": 200,
                    "fetched_at": lead["last_seen"],
                    "user_agent": "Mozilla/5.0",
                    "title": lead["title"],
                    "score": lead["score"],
                    "verdict": lead["verdict"],
                    "categories": lead["categories"],
                    "timings": {"fetch": 0.4, "render": 1.8},
                    "facts": {"tls": {"valid": False}, "dns": {"a": ["203.0.113.7"]}},
                    "artifacts": {"screenshot": "0" * 64, "raw_html": "1" * 64},
                    "infra": {"ips": ["203.0.113.7"]},
                }
                for lead in part
            ]
            s.execute(insert(Capture), captures)
        if db.dialect == "postgresql":
            s.execute(text("SELECT setval('lead_id_seq', :n)"), {"n": n})
    # statistics and visibility map as autovacuum keeps them on PostgreSQL (index-only
    # scans for the counts), statistics as PRAGMA optimize keeps them on SQLite
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE" if db.dialect == "postgresql" else "ANALYZE"))


@contextmanager
def database(kind: str, tmp: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{tmp / 'queue.db'}"
        return
    import psycopg

    name = f"zw_bench_ui_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered):6.1f} ms  p95 {p95:6.1f} ms"


def _timed(fn: Any, requests: int) -> list[float]:
    for _ in range(3):
        fn()
    out = []
    for _ in range(requests):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def run(kind: str, n: int, requests: int) -> None:
    from starlette.testclient import TestClient

    from zhenwei.web.app import create_app

    with tempfile.TemporaryDirectory() as tmp, database(kind, Path(tmp)) as url:
        env = {"ZHENWEI_DATABASE_URL": url, "ZHENWEI_DATA_DIR": tmp}
        db = Database.from_settings(Settings.from_env(env))
        t0 = time.perf_counter()
        fill(db, n)
        repo = Repository(db)
        repo.users.add("bench", "analyst", PASSWORD)
        print(f"{kind}: {n:,} leads filled in {time.perf_counter() - t0:.0f} s")
        with db.session() as s:
            depth = n // 2
            row = s.scalars(best_first([]).offset(depth).limit(1)).one()
            deep = Cursor.of(row.score, row.last_seen, row.id).token()
            naive = _timed(
                lambda: s.scalars(best_first([]).offset(depth).limit(100)).all(), requests
            )
        app = create_app(Settings.from_env(env), secret_key="bench" * 8)
        with TestClient(app, follow_redirects=False) as client:
            form = client.get("/login").text
            csrf = re.search(r'name="csrf" value="([^"]+)"', form)
            assert csrf is not None
            login = {"name": "bench", "password": PASSWORD, "csrf": csrf.group(1)}
            assert client.post("/login", data=login).status_code == 303
            cases: list[tuple[str, dict[str, str]]] = [
                ("first page", {}),
                (f"deep page (lead {depth:,}, keyset)", {"after": deep}),
                ("status=reviewing", {"status": "reviewing"}),
                ("verdict=counterfeit", {"verdict": "counterfeit"}),
                ("min_score=90", {"min_score": "90"}),
                ("search host 'mem'", {"q": "mem"}),
                ("search host (rare) 'zlaq-'", {"q": "zlaq-"}),
                (
                    "status+verdict+min_score",
                    {"status": "new", "verdict": "suspicious", "min_score": "50"},
                ),
            ]
            for name, params in cases:

                def get(params: dict[str, str] = params) -> None:
                    response = client.get("/leads", params=params)
                    assert response.status_code == 200, response.status_code

                print(f"  {name:40s} {_ms(_timed(get, requests))}")
        print(f"  {'baseline: same deep page by OFFSET':40s} {_ms(naive)} (query alone)")
        db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    for kind in args.databases.split(","):
        run(kind, args.leads, args.requests)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
