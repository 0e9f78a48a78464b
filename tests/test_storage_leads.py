"""`repo.leads` and `repo.runs` against real SQLite and PostgreSQL: idempotent recording,
re-crawls, down and back up by failure kind, artifacts, listing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from storage_pages import T0, open_repo, png, scored

from core.failures import Failure, FailureKind
from storage.models import Artifact, Capture, Lead, SignalRow
from storage.repository import Repository, SourceHit


@pytest.fixture
def repo(database_url: str, tmp_path: Path) -> Iterator[Repository]:
    yield from open_repo(database_url, tmp_path)


def test_same_scored_page_twice_is_one_lead_one_capture(repo: Repository) -> None:
    sp = scored("cx-mem-gov.top", favicon=png(1), screenshot=png(2))
    hit = SourceHit("seeds", T0 - timedelta(hours=1), {"tip": "12345-0007"})
    first = repo.leads.record(sp, run_id=None, sources=[hit])
    second = repo.leads.record(sp, run_id=None, sources=[hit])
    assert first.id == second.id
    assert repo.count(Lead) == 1
    assert repo.count(Capture) == 1
    assert repo.count(SignalRow) == 2
    detail = repo.leads.get(first.id)
    assert len(detail.captures) == 1
    assert [s.detector for s in detail.signals] == ["title_match", "domain_lookalike"]
    assert detail.sources[0].context == {"tip": "12345-0007"}
    assert detail.lead.first_seen == T0 - timedelta(hours=1)
    assert detail.lead.status == "new"
    cap = detail.captures[0]
    assert {"screenshot", "favicon", "raw_html", "rendered_html", "whois", "dns"} <= set(
        cap.artifacts
    )
    assert repo.db.artifacts.open(cap.artifacts["screenshot"]) == png(2)
    assert cap.fetched_at == T0 and cap.fetched_at.tzinfo is not None
    assert cap.error is None and cap.failure_kind is None and cap.problems == []


def test_recrawl_adds_capture_and_updates_lead(repo: Repository) -> None:
    run1 = repo.runs.start(["seeds"])
    a = repo.leads.record(
        scored("mem-zscx.com", score=60), run_id=run1, sources=[SourceHit("seeds", T0)]
    )
    later = T0 + timedelta(days=2)
    run2 = repo.runs.start(["ct", "recheck"])
    b = repo.leads.record(
        scored("mem-zscx.com", at=later, score=90, title="新标题"),
        run_id=run2,
        sources=[SourceHit("ct", later, {"cert_id": 42})],
    )
    assert a.id == b.id
    assert repo.count(Lead) == 1 and repo.count(Capture) == 2
    assert b.last_seen == later and b.first_seen == T0
    assert b.score == 90 and b.title == "新标题"
    assert b.sources == ("seeds", "ct")
    # An older capture replayed late never overwrites the newer judgement.
    c = repo.leads.record(scored("mem-zscx.com", at=T0 + timedelta(days=1), score=10), run_id=None)
    assert c.score == 90 and c.last_seen == later
    assert repo.count(Capture) == 3
    assert repo.runs.captured_urls(run2) == {"http://mem-zscx.com/"}
    repo.runs.finish(run2, {"ct": {"candidates": 5, "errors": 1}, "recheck": {"candidates": 1}})
    r = repo.runs.get(run2)
    assert r.status == "finished" and r.stats["ct"] == {"candidates": 5, "errors": 1}
    assert r.finished_at is not None and repo.runs.get(run1).status == "running"
    assert [x.id for x in repo.runs.unfinished()] == [run1]
    assert [x.id for x in repo.runs.recent()] == [run2, run1]


def test_down_capture_marks_down_without_losing_judgement(repo: Repository) -> None:
    lead = repo.leads.record(scored("fake-cert.cn", score=85), run_id=None)
    down_at = T0 + timedelta(days=3)
    refused = Failure.of(FailureKind.CONNECT, "connection refused")
    after = repo.leads.record(
        scored("fake-cert.cn", at=down_at, score=0, verdict="benign", failure=refused),
        run_id=None,
    )
    assert after.id == lead.id and after.is_down and after.down_since == down_at
    assert after.score == 85 and after.verdict == "counterfeit"
    cap = repo.leads.get(lead.id).captures[0]
    assert cap.failure_kind == "connect" and cap.error == refused.message
    repo.leads.mark_up(lead.id, down_at + timedelta(days=1))
    assert not repo.leads.find()[0].is_down
    repo.leads.mark_down(lead.id, down_at + timedelta(days=2))
    known = repo.leads.known_urls()
    assert [(k.lead_id, k.is_down) for k in known] == [(lead.id, True)]


def test_live_page_whose_screenshot_failed_stays_up_and_fresh(repo: Repository) -> None:
    """Regression: a failed screenshot of a page that loaded once marked the lead down and
    froze its verdict."""
    lead = repo.leads.record(scored("cx-mem.top", score=30, verdict="suspicious"), run_id=None)
    later = T0 + timedelta(days=1)
    shot = Failure.of(FailureKind.SCREENSHOT, "Page.captureScreenshot timed out")
    for failure, problems in ((shot, ()), (None, (shot,))):  # as the failure, or a problem
        later += timedelta(hours=1)
        after = repo.leads.record(
            scored(
                "cx-mem.top",
                at=later,
                score=92,
                title="新标题",
                failure=failure,
                loaded=True,
                problems=problems,
            ),
            run_id=None,
        )
        assert after.id == lead.id and not after.is_down and after.down_since is None
        assert (after.score, after.verdict, after.title) == (92, "counterfeit", "新标题")
        assert after.last_seen == later
    caps = repo.leads.get(lead.id).captures
    assert (caps[1].failure_kind, caps[1].error) == ("screenshot", shot.message)
    assert caps[0].failure_kind is None and caps[0].problems == [shot.to_json()]
    # the page it served still counts: the links source reads its HTML
    assert [p[0] for p in repo.leads.flagged_pages()] == ["https://cx-mem.top/"]


def test_failure_before_any_answer_says_nothing_about_the_site(repo: Repository) -> None:
    lead = repo.leads.record(scored("kept.example.com", score=88), run_id=None)
    blocked = Failure.of(FailureKind.BLOCKED, "127.0.0.9")
    after = repo.leads.record(
        scored(
            "kept.example.com",
            at=T0 + timedelta(days=1),
            score=0,
            verdict="benign",
            failure=blocked,
        ),
        run_id=None,
    )
    assert not after.is_down and (after.score, after.verdict) == (88, "counterfeit")
    assert after.last_seen == T0 and after.last_checked == T0 + timedelta(days=1)
    assert repo.leads.get(lead.id).captures[0].failure_kind == "blocked"


def test_a_site_that_comes_back_is_up_again(repo: Repository) -> None:
    repo.leads.record(scored("back.example.com"), run_id=None)
    gone = Failure.of(FailureKind.DNS, "NXDOMAIN")
    down = repo.leads.record(
        scored("back.example.com", at=T0 + timedelta(days=1), failure=gone), run_id=None
    )
    assert down.is_down
    # the links source still reads the page it served before it went down
    assert [p[1] for p in repo.leads.flagged_pages()] == [
        "<html><head><title>特种作业操作证查询</title></head><body>back.example.com</body></html>"
    ]
    up = repo.leads.record(
        scored("back.example.com", at=T0 + timedelta(days=2), score=70), run_id=None
    )
    assert not up.is_down and up.down_since is None and up.score == 70


def test_artifacts_stored_once_across_leads(repo: Repository) -> None:
    icon = png(7)
    repo.leads.record(scored("a-mem.com", favicon=icon), run_id=None)
    repo.leads.record(scored("b-mem.com", favicon=icon), run_id=None)
    leads = {lead.host: repo.leads.get(lead.id) for lead in repo.leads.find()}
    sha_a = leads["a-mem.com"].captures[0].artifacts["favicon"]
    sha_b = leads["b-mem.com"].captures[0].artifacts["favicon"]
    assert sha_a == sha_b
    with repo.db.session() as s:
        assert s.query(Artifact).filter_by(sha256=sha_a).count() == 1
    assert repo.artifacts.get(sha_a).media_type == "image/png"  # type: ignore[union-attr]
    files = [p for p in (repo.db.data_dir / "artifacts").rglob("*") if p.is_file()]
    assert sum(1 for p in files if p.name == sha_a) == 1


def test_capture_files_are_stored(repo: Repository, tmp_path: Path) -> None:
    warc = tmp_path / "cap" / "capture.warc.gz"
    warc.parent.mkdir()
    warc.write_bytes(b"\x1f\x8b fake gzip warc")
    lead = repo.leads.record(scored("c-mem.com"), run_id=None, capture_files={"warc": warc})
    sha = repo.leads.get(lead.id).captures[0].artifacts["warc"]
    assert repo.db.artifacts.open(sha) == warc.read_bytes()
    assert repo.artifacts.get(sha).media_type == "application/warc+gzip"  # type: ignore[union-attr]
    assert repo.artifacts.get("0" * 64) is None


def test_official_verdict_and_analyst_status(repo: Repository) -> None:
    official = repo.leads.record(scored("cx.mem.gov.cn", score=0, verdict="official"), run_id=None)
    assert official.status == "official"
    lead = repo.leads.record(scored("cxmem.top"), run_id=None)
    repo.reviews.add(lead.id, user="li", action="status", new_status="reviewing")
    # A later crawl calling it official must not override the analyst's status.
    again = repo.leads.record(
        scored("cxmem.top", at=T0 + timedelta(1), verdict="official"), run_id=None
    )
    assert again.status == "reviewing" and again.verdict == "official"


def test_leads_ordering_and_filters(repo: Repository) -> None:
    repo.leads.record(scored("low.com", score=20, verdict="suspicious"), run_id=None)
    repo.leads.record(scored("mid-old.com", score=60), run_id=None)
    repo.leads.record(scored("mid-new.com", score=60, at=T0 + timedelta(hours=1)), run_id=None)
    top = repo.leads.record(scored("top.com", score=95), run_id=None)
    repo.leads.record(scored("cx.mem.gov.cn", score=0, verdict="official"), run_id=None)
    assert [x.host for x in repo.leads.find()] == [
        "top.com",
        "mid-new.com",
        "mid-old.com",
        "low.com",
        "cx.mem.gov.cn",
    ]
    assert [x.host for x in repo.leads.find(min_score=60, limit=2)] == ["top.com", "mid-new.com"]
    assert [x.host for x in repo.leads.find(status="official")] == ["cx.mem.gov.cn"]
    assert [x.host for x in repo.leads.find(verdict="suspicious")] == ["low.com"]
    repo.reviews.add(top.id, user="li", action="status", new_status="reviewing")
    assert [x.host for x in repo.leads.find(status="reviewing")] == ["top.com"]
    assert repo.leads.find(status="new", min_score=96) == []
    assert repo.leads.by_host("TOP.com") == repo.leads.find(limit=1)[0]
    assert repo.leads.by_host("nowhere.example") is None
