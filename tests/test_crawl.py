"""`zhenwei crawl` end to end (issue 4): every source against the simulated internet, real
Scrapy, real Chromium, SQLite (one full crawl, run once for the module) and PostgreSQL.

Rankings and discoveries are asserted against the world's labels and `discoverable_by`,
never exact scores. Figures (duration, candidates per source, leads) are printed (-s).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from fnmatch import fnmatch
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from core.config import Settings
from core.profiles import load_profiles
from crawler.sources.ct import broad, patterns_for
from crawler.sources.namefit import fit_vocabulary, looks_like
from storage.db import Database
from storage.models import Capture
from storage.repository import Repository
from zhenwei.lock import ALREADY_RUNNING, RunLock

#: a crawl of the world takes minutes on a busy machine (pyproject's default is 300 s)
pytestmark = pytest.mark.timeout(1500)
ZHENWEI = [sys.executable, "-m", "zhenwei.cli"]
FAST = [
    "--dns-rate",
    "2000",
    "--lookalike-limit",
    "25000",
    "--option",
    "ct.delay=0",
    "--option",
    "search.delay=0",
    "--timeout",
    "30",
    "--no-progress",
]
ALL_SOURCES = ("permutations", "ct", "pdns", "search", "seeds", "links", "recheck")
#: counterfeits that serve no content: flagged, but maybe only as suspicious
OFFLINE = {"error5xx", "hang"}
DISCOVERING = {"permutations", "ct", "search", "links"}  # the sources that need no seed file
PG_ADMIN_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=test"


def _env(simnet: Any, data_dir: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, **simnet.env, "ZHENWEI_DATA_DIR": str(data_dir)}
    for key in ("ZHENWEI_DATABASE_URL", "ZHENWEI_WEBHOOK_URL", "ZHENWEI_SMTP_HOST"):
        env.pop(key, None)  # default: a fresh SQLite database in data_dir, no digest
    env.update(extra)
    return env


def _zhenwei(
    args: list[str], env: dict[str, str], timeout: float = 900
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*ZHENWEI, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def _ok(proc: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert proc.returncode == 0, f"exit {proc.returncode}\n{proc.stderr[-4000:]}"
    return proc


def _leads(env: dict[str, str]) -> list[dict[str, Any]]:
    proc = _ok(_zhenwei(["leads", "--json", "--limit", "100000"], env, timeout=120))
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


def _repo(env: dict[str, str]) -> Repository:
    return Repository(Database.from_settings(Settings.from_env(env)))


class Receiver:
    """A loopback webhook endpoint recording every POSTed JSON body; answers `status`."""

    def __init__(self, status: int = 200) -> None:
        self.bodies: list[dict[str, Any]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server API)
                length = int(self.headers.get("Content-Length", "0"))
                outer.bodies.append(json.loads(self.rfile.read(length) or b"{}"))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class WorldCrawl:
    env: dict[str, str]
    first: subprocess.CompletedProcess[str]
    seconds: float
    leads: list[dict[str, Any]]
    captures: int
    digests: list[dict[str, Any]]
    second: subprocess.CompletedProcess[str]
    leads_after: list[dict[str, Any]]
    captures_after: int
    failed_hook_posts: int
    confirmed: dict[str, Any]
    runs: list[Any] = field(default_factory=list)

    def by_host(self) -> dict[str, dict[str, Any]]:
        return {lead["host"]: lead for lead in self.leads}


@pytest.fixture(scope="module")
def world_crawl(simnet, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorldCrawl]:  # type: ignore[no-untyped-def]
    """Reference update, a full --nightly crawl (webhook OK), then a second crawl of ct,
    search and recheck (webhook failing) over the same data directory."""
    data = tmp_path_factory.mktemp("crawl") / "data"
    hook, broken = Receiver(200), Receiver(500)
    try:
        env = _env(simnet, data, ZHENWEI_WEBHOOK_URL=hook.url)
        _ok(_zhenwei(["reference", "update", "--timeout", "30"], env, timeout=600))
        started = time.monotonic()
        first = _ok(_zhenwei(["crawl", "--nightly", *FAST], env))
        seconds = time.monotonic() - started
        leads = _leads(env)
        captures = _repo(env).count(Capture)
        # An analyst confirms the top lead: the next crawl re-checks it (source recheck).
        confirmed = leads[0]
        for status in ("reviewing", "confirmed"):
            _repo(env).reviews.set_status(confirmed["id"], status, user="analyst", note="test")
        env2 = _env(simnet, data, ZHENWEI_WEBHOOK_URL=broken.url)
        second = _zhenwei(["crawl", "--nightly", "--sources", "ct,search,recheck", *FAST], env2)
        result = WorldCrawl(
            env=env,
            first=first,
            seconds=seconds,
            leads=leads,
            captures=captures,
            digests=list(hook.bodies),
            second=second,
            leads_after=_leads(env),
            captures_after=_repo(env).count(Capture),
            failed_hook_posts=len(broken.bodies),
            confirmed=confirmed,
            runs=_repo(env).runs.recent(),
        )
        stats = result.runs[-1].stats
        print(
            f"\nfull crawl: {seconds:.0f} s, {len(leads)} leads, {captures} captures; "
            f"candidates per source: "
            + ", ".join(f"{k}={v.get('candidates')}" for k, v in sorted(stats.items()))
        )
        yield result
    finally:
        hook.close()
        broken.close()


def _label(simnet: Any, host: str) -> str:
    site = simnet.world.site_for(host)
    return site.label if site is not None else "unlisted"


def _brief(lead: dict[str, Any], simnet: Any) -> str:
    return f"{lead['host']} [{_label(simnet, lead['host'])}] {lead['score']} {lead['verdict']}"


# ---------------------------------------------------------------- the full crawl


def test_crawl_summary_lists_every_source(world_crawl: WorldCrawl) -> None:
    err = world_crawl.first.stderr
    assert "巡查运行 #1" in err
    for name in ALL_SOURCES:
        assert f"({name})" in err, f"source {name} missing from the summary table"
    assert world_crawl.first.stdout.strip() == ""  # data only on stdout: a crawl prints none


def test_crawl_run_recorded_with_per_source_stats(world_crawl: WorldCrawl) -> None:
    first = world_crawl.runs[-1]
    assert first.id == 1 and first.status == "finished" and first.finished_at is not None
    assert set(ALL_SOURCES) <= set(first.stats)
    assert first.stats["permutations"]["candidates"] > 0
    assert first.stats["ct"]["candidates"] > 0
    assert first.stats["search"]["candidates"] > 0
    assert first.stats["_run"]["storage_errors"] == 0
    assert sum(first.stats[s].get("fetched", 0) for s in ALL_SOURCES) >= len(world_crawl.leads)


def test_every_counterfeit_ranks_above_every_benign_lead(world_crawl: WorldCrawl, simnet) -> None:  # type: ignore[no-untyped-def]
    leads = world_crawl.leads
    benign = [x for x in leads if _label(simnet, x["host"]) == "benign"]
    for label in ("counterfeit", "seller"):
        high = [
            x
            for x in leads
            if _label(simnet, x["host"]) == label
            and not OFFLINE & set(simnet.world.site_for(x["host"]).variants)
        ]
        assert high, f"no {label} lead at all"
        bad = [(h, b) for h in high for b in benign if h["score"] <= b["score"]]
        assert not bad, "\n".join(f"{_brief(h, simnet)} <= {_brief(b, simnet)}" for h, b in bad)


def test_every_discoverable_fake_becomes_a_lead(world_crawl: WorldCrawl, simnet) -> None:  # type: ignore[no-untyped-def]
    hosts = world_crawl.by_host()
    expected = [
        s.host
        for s in simnet.world.sites.values()
        if s.label in ("counterfeit", "seller") and DISCOVERING & set(s.discoverable_by)
    ]
    missing = sorted(h for h in expected if h not in hosts)
    assert not missing, f"fakes no source found: {missing}"
    flagged = [h for h in expected if hosts[h]["verdict"] not in ("counterfeit", "suspicious")]
    assert not flagged, [_brief(hosts[h], simnet) for h in flagged]


def test_official_hosts_are_never_leads(world_crawl: WorldCrawl) -> None:
    official = {h for p in load_profiles() for h in p.official_hosts}
    assert "cx.mem.gov.cn" in official
    assert not official & set(world_crawl.by_host())


def _found_by(world_crawl: WorldCrawl, source: str) -> set[str]:
    return {h for h, lead in world_crawl.by_host().items() if source in lead["sources"]}


def test_permutations_found_every_registered_lookalike(world_crawl: WorldCrawl, simnet) -> None:  # type: ignore[no-untyped-def]
    expected = {s.host for s in simnet.world.sites.values() if "permutations" in s.discoverable_by}
    assert expected, "the world has no look-alike for the permutations source"
    assert not expected - _found_by(world_crawl, "permutations")


def test_ct_found_the_https_sites_named_after_a_target(world_crawl: WorldCrawl, simnet) -> None:  # type: ignore[no-untyped-def]
    def matched(host: str) -> bool:
        # a broad pattern (%anquan%) keeps only names built from the target's tokens
        return any(
            fnmatch(host, p.replace("%", "*"))
            and (not broad(prof, p) or looks_like(host, prof, fit_vocabulary(prof)))
            for prof in load_profiles()
            for p in patterns_for(prof)
        )

    expected = {
        s.host
        for s in simnet.world.sites.values()
        if "ct" in s.discoverable_by
        and "https" in s.schemes
        and s.label not in ("official", "infrastructure")
        and matched(s.host)
    }
    assert "cx.mem.gov.cn.zscx.top" in expected  # found by CT alone
    assert not expected - _found_by(world_crawl, "ct")
    assert "www.anquan-shibao.com" not in _found_by(world_crawl, "ct")  # a safety newspaper


def test_search_found_every_fake_with_search_terms(world_crawl: WorldCrawl, simnet) -> None:  # type: ignore[no-untyped-def]
    expected = {
        s.host
        for s in simnet.world.sites.values()
        if "search" in s.discoverable_by and s.search_terms and s.label in ("counterfeit", "seller")
    }
    assert expected
    assert not expected - _found_by(world_crawl, "search")


SELLER_POST = "tieba.baidu.com/p/8812345670"


def test_a_sellers_forum_post_is_a_lead_of_its_own_and_the_forum_is_none(
    world_crawl: WorldCrawl, simnet
) -> None:  # type: ignore[no-untyped-def]
    hosts = world_crawl.by_host()
    posts = {url.split("://", 1)[1]: p for url, p in simnet.world.post_labels().items()}
    assert SELLER_POST in posts and posts[SELLER_POST].label == "seller"
    post = hosts.get(SELLER_POST)
    assert post is not None, sorted(h for h in hosts if "baidu" in h)
    assert post["verdict"] in ("counterfeit", "suspicious") and "seller" in post["categories"]
    assert "search" in post["sources"]
    assert "tieba.baidu.com" not in hosts and "baidu.com" not in hosts
    # the warning and the question on the same forum are found too, and not flagged
    benign = [hosts[k] for k, p in posts.items() if p.label == "benign" and k in hosts]
    assert benign, "no benign post reached the queue"
    assert all(b["verdict"] not in ("counterfeit", "suspicious") for b in benign), benign


def test_a_sellers_post_joins_the_campaign_of_the_sites_it_names(world_crawl: WorldCrawl) -> None:
    hosts = world_crawl.by_host()
    post = hosts[SELLER_POST]
    # same WeChat and QQ as the seller's site; names zs-cx.top ("zs-cx点top") as where it verifies
    assert post["campaign_id"] is not None
    for other in ("tezhongzuoye-banzheng.com", "zs-cx.top"):
        assert hosts[other]["campaign_id"] == post["campaign_id"], other
    features = dict(_repo(world_crawl.env).campaigns.features_of(post["id"]))
    assert features.get("wechat") == "tzzy_banzheng88"
    kinds = {k for k, _ in _repo(world_crawl.env).campaigns.features_of(post["id"])}
    assert kinds <= {"wechat", "qq", "phone", "site"}, kinds  # nothing of the forum's own


def test_links_found_the_site_only_links_lead_to(world_crawl: WorldCrawl, simnet) -> None:  # type: ignore[no-untyped-def]
    only_links = {s.host for s in simnet.world.sites.values() if s.discoverable_by == ("links",)}
    assert only_links, "the world has no site reachable only through links"
    assert not only_links - _found_by(world_crawl, "links")


def test_nightly_digest_lists_the_new_high_risk_leads(world_crawl: WorldCrawl) -> None:
    assert len(world_crawl.digests) == 1
    digest = world_crawl.digests[0]
    assert digest["run_id"] == 1
    listed = {i["host"] for i in digest["items"]}
    high = {x["host"] for x in world_crawl.leads if x["score"] >= 70}
    assert high and high <= listed, sorted(high - listed)
    assert all(i["score"] >= 70 and i["reason"] for i in digest["items"])


def test_second_crawl_adds_captures_but_no_duplicate_leads(world_crawl: WorldCrawl) -> None:
    second = world_crawl.second
    assert second.returncode == 0, second.stderr[-3000:]  # the failing webhook did not fail it
    assert world_crawl.failed_hook_posts == 1
    assert "日报发送失败" in second.stderr
    after = world_crawl.leads_after
    hosts = [x["host"] for x in after]
    assert len(hosts) == len(set(hosts))
    before = {x["host"]: x["id"] for x in world_crawl.leads}
    assert {x["host"]: x["id"] for x in after if x["host"] in before} == before
    assert set(before) <= set(hosts)
    assert world_crawl.captures_after > world_crawl.captures
    run2 = world_crawl.runs[0]
    assert run2.id == 2 and run2.status == "finished"
    # the confirmed lead, and parked look-alikes (are they live yet?)
    assert run2.stats["recheck"]["candidates"] >= 1
    assert run2.stats["recheck"]["fetched"] == run2.stats["recheck"]["candidates"]
    rechecked = next(x for x in after if x["host"] == world_crawl.confirmed["host"])
    assert rechecked["status"] == "confirmed" and "recheck" in rechecked["sources"]


def test_crawl_exits_75_while_another_holds_the_lock(world_crawl: WorldCrawl) -> None:
    data = Path(world_crawl.env["ZHENWEI_DATA_DIR"])
    with RunLock(data):
        proc = _zhenwei(["crawl", *FAST], world_crawl.env, timeout=120)
    assert proc.returncode == ALREADY_RUNNING, proc.stderr[-2000:]
    assert "另一个巡查正在运行" in proc.stderr
    assert len(_repo(world_crawl.env).runs.recent()) == 2  # no run was started


def test_unknown_source_is_a_usage_error(simnet, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    proc = _zhenwei(
        ["crawl", "--sources", "nosuch", "--no-progress"], _env(simnet, tmp_path / "d"), timeout=120
    )
    assert proc.returncode == 2
    assert "nosuch" in proc.stderr


# ---------------------------------------------------------------- PostgreSQL


@pytest.mark.postgres
def test_seed_crawl_into_postgresql(simnet, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import psycopg

    world = simnet.world
    seeds = [
        world.sites[h]
        for h in (
            "cx-mem-gov.cn",
            "tzzycx.com",
            "dianhangong-zheng.cn",
            "www.zhongan-peixun.com",
            "www.cxjixie.com",
            "mem-gov.top",
        )
    ]
    seed_hosts = {s.host for s in seeds}
    seed_file = tmp_path / "seeds.txt"
    seed_file.write_text(
        "http://cx.mem.gov.cn/\n" + "".join(s.url() + "\n" for s in seeds), "utf-8"
    )
    name = f"zw_crawl_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg.connect(PG_ADMIN_DSN, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL on 127.0.0.1:5432 is not reachable: {exc}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            env = _env(
                simnet,
                tmp_path / "data",
                ZHENWEI_DATABASE_URL=f"postgresql://postgres@127.0.0.1:5432/{name}",
            )
            _ok(_zhenwei(["reference", "update", "--timeout", "30"], env, timeout=600))
            _ok(_zhenwei(["crawl", "--sources", "seeds", "--seeds", str(seed_file), *FAST], env))
            found = {x["host"]: x for x in _leads(env)}
            assert "cx.mem.gov.cn" not in found  # the official host is never a seed
            # links out of the seeded fakes are followed too
            assert all(x["sources"] == ["links"] for h, x in found.items() if h not in seed_hosts)
            leads = {h: found[h] for h in seed_hosts}
            assert all(x["sources"] == ["seeds"] for x in leads.values())
            ranked = sorted(leads.values(), key=lambda x: -x["score"])
            labels = [_label(simnet, x["host"]) for x in ranked]
            assert labels[:2] == ["counterfeit", "counterfeit"], labels
            assert all(lb == "benign" for lb in labels[-2:]), labels
            run = _repo(env).runs.recent()[0]
            assert run.status == "finished" and run.stats["seeds"]["fetched"] == len(seeds)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
