"""`zhenwei leads` and `zhenwei db` through click's CliRunner, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner

from core.signals import ScoredPage, Signal
from core.types import Page
from storage.db import Database, head_revision
from storage.repository import Repository, SourceHit
from zhenwei.cli import main

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
CONTRACT = {
    "id",
    "url",
    "host",
    "registered_domain",
    "score",
    "verdict",
    "status",
    "first_seen",
    "last_seen",
    "sources",
    "categories",
    "target",
    "title",
}
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


def _scored(url: str, score: int, verdict: str, at: datetime, title: str) -> ScoredPage:
    page = Page(url=url, final_url=url, status=200, fetched_at=at, user_agent="ua", title=title)
    sig = Signal("title_match", "1.0", score / 100, "标题与官方平台相同", {"title": title})
    cats = ("impersonation",) if verdict == "counterfeit" else ()
    return ScoredPage(page, (sig,), score, verdict, cats, target="mem")


def _seed(url: str, data_dir: Path) -> None:
    db = Database(url, data_dir)
    db.upgrade()
    repo = Repository(db)
    repo.leads.record(
        _scored(
            "https://www.cx-mem-gov.com.cn/result?id=1",
            92,
            "counterfeit",
            T0,
            "特种作业操作证及安全生产知识和管理能力考核合格信息查询平台",
        ),
        run_id=None,
        sources=[SourceHit("seeds", T0, {"tip": "12345-0042"})],
    )
    repo.leads.record(
        _scored(
            "http://banzheng-baoguo.cn/", 55, "suspicious", T0 + timedelta(1), "免考拿证 <包过>"
        ),
        run_id=None,
        sources=[SourceHit("search", T0), SourceHit("ct", T0)],
    )
    repo.leads.record(
        _scored("http://anquan-peixun.cn/", 8, "benign", T0, "安全培训学校"), run_id=None
    )
    db.close()


def _env(url: str, data_dir: Path) -> dict[str, str]:
    return {"ZHENWEI_DATABASE_URL": url, "ZHENWEI_DATA_DIR": str(data_dir)}


def test_leads_json_lines_contract(database_url: str, tmp_path: Path) -> None:
    _seed(database_url, tmp_path)
    result = CliRunner().invoke(main, ["leads", "--json"], env=_env(database_url, tmp_path))
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["host"] for r in rows] == [
        "www.cx-mem-gov.com.cn",
        "banzheng-baoguo.cn",
        "anquan-peixun.cn",
    ]
    first = rows[0]
    assert CONTRACT <= set(first)
    assert first["registered_domain"] == "cx-mem-gov.com.cn"
    assert first["url"] == "https://www.cx-mem-gov.com.cn/result?id=1"
    assert first["score"] == 92 and first["verdict"] == "counterfeit" and first["status"] == "new"
    assert first["sources"] == ["seeds"] and first["categories"] == ["impersonation"]
    assert first["title"] == "特种作业操作证及安全生产知识和管理能力考核合格信息查询平台"
    assert rows[1]["title"] == "免考拿证 <包过>"  # as text, never escaped
    assert sorted(rows[1]["sources"]) == ["ct", "search"]
    for r in rows:
        assert ISO_UTC.match(r["first_seen"]) and ISO_UTC.match(r["last_seen"])
    assert rows[1]["last_seen"] == "2025-03-02T08:00:00Z"


def test_leads_filters_and_table(database_url: str, tmp_path: Path) -> None:
    _seed(database_url, tmp_path)
    env = _env(database_url, tmp_path)
    runner = CliRunner()
    out = runner.invoke(main, ["leads", "--json", "--min-score", "50", "--limit", "1"], env=env)
    assert [json.loads(x)["host"] for x in out.stdout.splitlines()] == ["www.cx-mem-gov.com.cn"]
    out = runner.invoke(main, ["leads", "--json", "--status", "dismissed"], env=env)
    assert out.exit_code == 0 and out.stdout == ""
    table = runner.invoke(main, ["leads"], env=env)
    assert table.exit_code == 0
    assert "banzheng-baoguo.cn" in table.stdout and "counterfeit" in table.stdout
    bad = runner.invoke(main, ["leads", "--status", "nonsense"], env=env)
    assert bad.exit_code == 2


def test_leads_database_error_goes_to_stderr(tmp_path: Path) -> None:
    env = _env("postgresql://postgres@127.0.0.1:1/none", tmp_path)
    result = CliRunner().invoke(main, ["leads", "--json"], env=env)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "cannot open the database" in result.stderr


def test_db_upgrade_and_current(database_url: str, tmp_path: Path) -> None:
    env = _env(database_url, tmp_path)
    runner = CliRunner()
    before = runner.invoke(main, ["db", "current"], env=env)
    assert before.exit_code == 0 and "(empty database)" in before.stdout
    head = head_revision()
    up = runner.invoke(main, ["db", "upgrade"], env=env)
    assert up.exit_code == 0 and f"revision {head}" in up.stdout
    after = runner.invoke(main, ["db", "current"], env=env)
    assert f"current: {head}" in after.stdout and f"head: {head}" in after.stdout
