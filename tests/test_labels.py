"""Analysts' labels (issue 8 item 9): stored with who/when/why, applied to later recordings and
judgements, shown and set in the review UI, exported as the labelled set `zhenwei evaluate` reads.

Real SQLite and PostgreSQL (storage), the real review app, the real detectors (analyzer).
The crawl end to end is tests/test_labels_crawl.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient
from storage_pages import T0, open_repo, scored

from core.config import Settings
from core.profiles import load_allowlist, load_profiles
from detectors.targets import build_analyzer
from storage.db import Database
from storage.hostlabels import LabelError, LabelIndex
from storage.repository import Repository
from zhenwei.analysis import OfficialLabels
from zhenwei.cli import main
from zhenwei.evaluation import parse_labelled
from zhenwei.web import create_app

PASSWORDS = {"li": "analyst-pw", "root": "admin-pw"}


def _csrf(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, "no CSRF field on the page"
    return m.group(1)


def login(c: TestClient, name: str) -> httpx.Response:
    data = {"name": name, "password": PASSWORDS[name], "csrf": _csrf(c.get("/login").text)}
    return c.post("/login", data=data)


def act(c: TestClient, lead_id: int, action: str, note: str = "", **form: str) -> httpx.Response:
    data = {"action": action, "note": note, "csrf": _csrf(c.get(f"/leads/{lead_id}").text), **form}
    return c.post(f"/leads/{lead_id}/review", data=data)


@pytest.fixture
def repo(database_url: str, tmp_path: Path) -> Iterator[Repository]:
    yield from open_repo(database_url, tmp_path)


def _statuses(repo: Repository, host: str) -> tuple[str, list[tuple[str, str, str]]]:
    lead = repo.leads.by_host(host)
    assert lead is not None
    events = repo.leads.get(lead.id).reviews
    return lead.status, [(e.user, e.old_status, e.new_status) for e in events]


def test_dismissed_domain_keeps_its_hosts_out_of_the_queue_until_one_turns_counterfeit(
    repo: Repository,
) -> None:
    first = repo.leads.record(
        scored("shop.memchip.com", verdict="suspicious", score=45), run_id=None
    )
    rec = repo.labels.decide(
        first.id,
        user="li",
        action="dismiss",
        note="芯片公司，与平台无关",
        new_status="dismissed",
        label="benign",
        reason="unrelated",
        scope="domain",
    )
    assert rec is not None and (rec.name, rec.scope, rec.verdict) == (
        "memchip.com",
        "domain",
        "suspicious",
    )
    assert repo.labels.for_host("www.memchip.com") == rec  # the whole registrable domain

    # another host of the domain, found by a later run: kept, but not a new lead
    repo.leads.record(scored("www.memchip.com", verdict="suspicious", score=50), run_id=None)
    status, events = _statuses(repo, "www.memchip.com")
    assert status == "dismissed" and events == [("zhenwei", "new", "dismissed")]
    assert "li" in repo.leads.get(repo.leads.by_host("www.memchip.com").id).reviews[0].note  # type: ignore[union-attr]

    # nor an alert in the run's digest
    from zhenwei.notify.build import build_digest

    www = repo.leads.by_host("www.memchip.com")
    assert www is not None
    digest = build_digest(
        repo,
        run_id=None,
        started_at=T0,
        finished_at=T0,
        new_leads=[www.id],
        changed={},
        stats={},
        min_score=0,
    )
    assert digest.items == ()

    # the same host again, still unrelated: stays dismissed, nothing added
    repo.leads.record(
        scored("shop.memchip.com", verdict="suspicious", score=48, at=T0 + timedelta(days=1)),
        run_id=None,
    )
    assert _statuses(repo, "shop.memchip.com")[0] == "dismissed"

    # its content turns into a copy of the platform: back for review, the label withdrawn
    repo.leads.record(
        scored("shop.memchip.com", verdict="counterfeit", score=92, at=T0 + timedelta(days=2)),
        run_id=None,
    )
    status, events = _statuses(repo, "shop.memchip.com")
    assert status == "reviewing" and events[-1] == ("zhenwei", "dismissed", "reviewing")
    assert repo.labels.for_host("shop.memchip.com") is None
    assert repo.labels.for_host("www.memchip.com") == rec  # the domain's other hosts keep it
    history = repo.labels.history("shop.memchip.com")
    assert [(h.label, h.reason, h.user) for h in history] == [
        ("benign", "unrelated", "li"),
        ("withdrawn", "resurfaced", "zhenwei"),
    ]
    assert repo.reviews.verify_chain().ok


def test_newest_decision_wins_and_reopening_withdraws(repo: Repository) -> None:
    lead = repo.leads.record(scored("yjj.example.cn", verdict="suspicious", score=60), run_id=None)
    repo.labels.add("yjj.example.cn", "benign", user="li", reason="false_positive")
    # a label takes effect at once, before any crawl fetches the host again
    assert _statuses(repo, "yjj.example.cn")[0] == "dismissed"
    domain = repo.labels.add(
        "example.cn", "official", user="root", reason="official", scope="domain"
    )
    assert _statuses(repo, "yjj.example.cn")[0] == "official"
    assert repo.labels.for_host("yjj.example.cn") == domain  # newer, though less specific
    repo.labels.decide(
        lead.id,
        user="li",
        action="reviewing",
        new_status="reviewing",
        label=None,
        reason="reopened",
    )
    assert repo.labels.for_host("yjj.example.cn") is None
    assert repo.labels.for_host("other.example.cn") == domain
    index = repo.labels.index()
    assert index.names("official", "domain") == ("example.cn",)
    assert index.for_host("yjj.example.cn") is None
    # the CLI-style decisions left audit entries on the lead
    actions = [e.action for e in repo.leads.get(lead.id).reviews]
    assert actions == ["dismiss", "official", "reviewing"]
    assert repo.reviews.verify_chain(lead.id).ok
    with pytest.raises(LabelError):
        repo.labels.add("x.example", "maybe", user="li", reason="other")
    assert len(repo.labels.history("yjj.example.cn")) == 3  # nothing half-written


def test_an_official_label_makes_the_host_official_with_the_label_as_reason() -> None:
    analyzer = build_analyzer(load_profiles(), allowlist=load_allowlist())
    page = scored(
        "cx-mem-query.com",
        body=" 特种作业操作证及安全生产知识和管理能力考核合格信息查询平台 应急管理部",
    ).page
    plain = analyzer.analyze(page)
    assert plain.verdict != "official"
    assert OfficialLabels(LabelIndex({}))(plain) == plain

    repo_free_index = _index_with("cx-mem-query.com", "official")
    judged = OfficialLabels(repo_free_index)(plain)
    assert judged.verdict == "official" and judged.score == 0
    first = judged.signals[0]
    assert first.detector == "analyst-label" and first.official
    assert "root" in first.reason and "标注为官方网站" in first.reason
    # the detectors' findings stay readable beside it
    assert {s.detector for s in plain.signals} <= {s.detector for s in judged.signals}
    # a label on another host changes nothing
    other = _index_with("elsewhere.example", "official")
    assert OfficialLabels(other)(plain) == plain
    # a genuine host serving a copy of the platform stays a lead: the label is one more reason
    hacked = replace(plain, verdict="suspicious", categories=("possibly-compromised",))
    kept = OfficialLabels(repo_free_index)(hacked)
    assert (kept.verdict, kept.score) == ("suspicious", plain.score)
    assert kept.signals[-1].detector == "analyst-label"


def _index_with(host: str, label: str) -> LabelIndex:
    from storage.hostlabels import LabelRecord

    rec = LabelRecord(
        1, host, "host", label, "official", "", "本省政务服务平台", "root", T0, None, "", None, None
    )
    return LabelIndex({(host, "host"): rec})


# ---------------------------------------------------------------- CLI: list, export, import


def test_export_is_a_labelled_set_evaluate_reads_and_import_is_all_or_nothing(
    tmp_path: Path,
) -> None:
    env = {"ZHENWEI_DATA_DIR": str(tmp_path / "data")}
    db = Database.from_settings(Settings.from_env(env))
    repo = Repository(db)
    fake = repo.leads.record(scored("cx-mem-gov.top", verdict="counterfeit"), run_id=None)
    repo.leads.record(scored("a.shop-cx.com", verdict="suspicious", score=40), run_id=None)
    repo.leads.record(scored("b.shop-cx.com", verdict="suspicious", score=41), run_id=None)
    repo.reviews.add(fake.id, user="li", action="reviewing", new_status="reviewing")
    repo.labels.decide(
        fake.id,
        user="li",
        action="confirm",
        new_status="confirmed",
        label="counterfeit",
        reason="confirmed",
    )
    repo.labels.add("shop-cx.com", "benign", user="li", reason="unrelated", scope="domain")
    db.close()

    runner = CliRunner()
    out = runner.invoke(main, ["labels", "export", "--out", str(tmp_path / "l.jsonl")], env=env)
    assert out.exit_code == 0, out.output
    lines = (tmp_path / "l.jsonl").read_text("utf-8").splitlines()
    rows = {json.loads(x)["host"]: json.loads(x) for x in lines}
    assert set(rows) == {"cx-mem-gov.top", "a.shop-cx.com", "b.shop-cx.com"}
    assert (
        rows["a.shop-cx.com"]["label"] == "benign" and rows["a.shop-cx.com"]["class"] == "unrelated"
    )
    assert rows["cx-mem-gov.top"]["user"] == "li"
    items = parse_labelled(lines)
    assert sorted(i.label for i in items) == ["benign", "benign", "counterfeit"]

    # evaluate reads it with check output as it is
    results = tmp_path / "check.jsonl"
    results.write_text(
        "".join(
            json.dumps({"url": r["url"], "score": 80, "verdict": "counterfeit"}) + "\n"
            for r in rows.values()
        ),
        "utf-8",
    )
    ev = runner.invoke(
        main, ["evaluate", str(tmp_path / "l.jsonl"), "--results", str(results), "--json"]
    )
    assert ev.exit_code == 0, ev.output
    report = json.loads(ev.stdout)
    assert report["fpr_by_class"]["unrelated"] == {"flagged": 2, "pages": 2, "rate": 1.0}

    listed = runner.invoke(main, ["labels", "list", "--json"], env=env)
    assert [json.loads(x)["name"] for x in listed.stdout.splitlines()] == [
        "shop-cx.com",
        "cx-mem-gov.top",
    ]

    # a bad line refuses the whole file, naming the line
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        json.dumps({"host": "ok.example", "label": "official"})
        + "\n"
        + json.dumps({"host": "x.example", "label": "nice"})
        + "\n",
        "utf-8",
    )
    out = runner.invoke(main, ["labels", "import", str(bad), "--user", "root"], env=env)
    assert out.exit_code == 2 and "bad.jsonl:2" in out.output
    # the export imports back into another database, classes and users kept
    env2 = {"ZHENWEI_DATA_DIR": str(tmp_path / "other")}
    out = runner.invoke(
        main, ["labels", "import", str(tmp_path / "l.jsonl"), "--user", "root"], env=env2
    )
    assert out.exit_code == 0, out.output
    again = [
        json.loads(x)
        for x in runner.invoke(main, ["labels", "list", "--json"], env=env2).stdout.splitlines()
    ]
    assert {(r["name"], r["label"], r["class"], r["user"]) for r in again} == {
        ("cx-mem-gov.top", "counterfeit", "confirmed", "li"),
        ("shop-cx.com", "benign", "unrelated", "li"),  # still the whole domain
    }
    assert "ok.example" not in json.dumps(again)


# ---------------------------------------------------------------- the review UI


@pytest.fixture
def web(tmp_path: Path) -> Iterator[tuple[TestClient, Repository, dict[str, int]]]:
    env = {"ZHENWEI_DATA_DIR": str(tmp_path / "data")}
    settings = Settings.from_env(env)
    db = Database.from_settings(settings)
    repo = Repository(db)
    ids = {
        "school": repo.leads.record(
            scored("peixun.example.com", verdict="suspicious", score=45), run_id=None
        ).id,
        "gov": repo.leads.record(
            scored("yjt.example.gov.cn", verdict="suspicious", score=70), run_id=None
        ).id,
    }
    # another host of the school's registrable domain
    repo.leads.record(scored("shop.example.com", verdict="suspicious", score=30), run_id=None)
    for name, role in (("li", "analyst"), ("root", "admin")):
        repo.users.add(name, role, PASSWORDS[name])
    with TestClient(create_app(settings, secret_key="k" * 32), follow_redirects=False) as c:
        yield c, repo, ids
    db.close()


def test_ui_dismiss_asks_why_labels_the_domain_and_leaves_the_queue(
    web: tuple[TestClient, Repository, dict[str, int]],
) -> None:
    c, repo, ids = web
    login(c, "li")
    page = c.get(f"/leads/{ids['school']}").text
    assert 'name="dismiss_reason"' in page and "无关网站" in page and "误报" in page
    r = act(c, ids["school"], "dismiss", "培训学校")
    assert r.status_code == 409 and "请选择排除理由" in r.text
    assert repo.leads.by_host("peixun.example.com").status == "new"  # type: ignore[union-attr]
    r = act(c, ids["school"], "dismiss", "", dismiss_reason="other")
    assert r.status_code == 409 and "备注中说明" in r.text

    r = act(
        c,
        ids["school"],
        "dismiss",
        "安全培训学校，只链接到官方平台",
        dismiss_reason="false_positive",
        label_scope="domain",
    )
    assert r.status_code == 303
    page = c.get(f"/leads/{ids['school']}").text
    summary = page.split("分析员标注", 1)[1].split("</dd>", 1)[0]
    assert (
        "非线索" in summary and "误报" in summary and "li" in summary and "example.com" in summary
    )
    assert "标注记录" in page and "审计链完整" in page
    history = page.split("审核记录", 1)[1].split("抓取记录", 1)[0]
    assert "标注为「非线索」" in history and "安全培训学校" in history

    hosts = re.findall(r'<a href="/leads/\d+">([^<]+)</a>', c.get("/leads").text)
    # the default queue: still to decide; the domain's other host was dismissed with it
    assert hosts == ["yjt.example.gov.cn"]
    other = repo.leads.get(repo.leads.by_host("shop.example.com").id)  # type: ignore[union-attr]
    assert other.lead.status == "dismissed" and other.reviews[0].user == "li"
    every = c.get("/leads", params={"status": "all"}).text
    assert "peixun.example.com" in every

    # reopening withdraws the label
    assert act(c, ids["school"], "reviewing", "再看一次").status_code == 303
    assert repo.labels.for_host("peixun.example.com") is None
    assert repo.reviews.verify_chain().ok


def test_ui_official_is_an_admins_label(
    web: tuple[TestClient, Repository, dict[str, int]],
) -> None:
    c, repo, ids = web
    login(c, "li")
    assert act(c, ids["gov"], "official").status_code == 403
    c.post("/logout", data={"csrf": _csrf(c.get("/leads").text)})
    login(c, "root")
    assert act(c, ids["gov"], "official", "省应急管理厅官网").status_code == 303
    rec = repo.labels.for_host("yjt.example.gov.cn")
    assert rec is not None and (rec.label, rec.user, rec.note) == (
        "official",
        "root",
        "省应急管理厅官网",
    )
    assert repo.leads.by_host("yjt.example.gov.cn").status == "official"  # type: ignore[union-attr]
    assert "官方网站" in c.get(f"/leads/{ids['gov']}").text.split("分析员标注", 1)[1][:400]
