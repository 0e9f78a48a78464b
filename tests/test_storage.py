"""Storage against real SQLite and PostgreSQL: idempotency, audit chain, campaigns, references."""

from __future__ import annotations

import io
import multiprocessing
import os
import signal
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from sqlalchemy import text

from core.signals import ReferenceCapture, ScoredPage, Signal
from core.types import DnsFacts, Page, WhoisFacts
from storage.artifacts import ArtifactError, ArtifactStore
from storage.audit import StatusError
from storage.db import Database, current_revision, head_revision, upgrade
from storage.models import Artifact, Capture, Lead, ReviewEvent, SignalRow
from storage.repository import Repository, SourceHit, UserExistsError

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
UA = "Mozilla/5.0 test"


def png(seed: int, size: tuple[int, int] = (64, 48)) -> bytes:
    """A small non-blank PNG; equal seeds give equal images."""
    img = Image.new("RGB", size, (255, 255, 255))
    draw = ImageDraw.Draw(img)
    draw.rectangle((4 + seed % 7, 4, 30 + seed % 11, 20 + seed % 5), fill=(200, 20, 20))
    draw.ellipse((30, 10 + seed % 9, 60, 44), fill=(20, 20 + seed * 37 % 200, 200))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def scored(
    host: str,
    *,
    at: datetime = T0,
    score: int = 80,
    verdict: str = "counterfeit",
    path: str = "/",
    favicon: bytes = b"",
    screenshot: bytes = b"",
    ips: tuple[str, ...] = (),
    error: str | None = None,
    registrant: str | None = None,
    title: str = "特种作业操作证查询",
) -> ScoredPage:
    page = Page(
        url=f"http://{host}{path}",
        final_url=f"https://{host}{path}",
        status=None if error else 200,
        fetched_at=at,
        user_agent=UA,
        raw_html=f"<html><title>{title}</title><body>{host}</body></html>",
        rendered_html=f"<html><head><title>{title}</title></head><body>{host}</body></html>",
        title=title,
        visible_text=f"{title} 请输入证件号码",
        screenshot_png=screenshot,
        favicon=favicon,
        dns=DnsFacts(host=host, a=ips, ns=(), raw=f"{host}. 300 IN A {' '.join(ips)}"),
        whois=WhoisFacts(domain=host, server="127.0.0.1", registrant=registrant, raw="Domain: x"),
        timings={"fetch_ms": 12},
        error=error,
    )
    signals = (
        Signal(
            "title_match", "1.0", 0.9, "标题与官方平台相同", {"title": title}, ("impersonation",)
        ),
        Signal("domain_lookalike", "1.2", 0.7, "域名仿冒 cx.mem.gov.cn", {"distance": 2}),
    )
    cats = ("impersonation",) if verdict == "counterfeit" else ()
    return ScoredPage(page, signals, score, verdict, cats, target="mem")


@pytest.fixture
def db(database_url: str, tmp_path: Path) -> Database:
    database = Database(database_url, tmp_path / "data")
    database.upgrade()
    yield database  # type: ignore[misc]
    database.close()


@pytest.fixture
def repo(db: Database) -> Repository:
    return Repository(db)


def test_migrations_up_from_empty_and_idempotent(database_url: str, tmp_path: Path) -> None:
    database = Database(database_url, tmp_path)
    try:
        assert current_revision(database.engine) is None
        upgrade(database.engine)
        upgrade(database_url)  # again, through a URL: nothing to do
        assert current_revision(database.engine) == head_revision() == "0001"
        with database.session() as s:
            assert s.execute(text("SELECT count(*) FROM lead")).scalar() == 0
            if database.dialect == "sqlite":
                assert s.execute(text("PRAGMA journal_mode")).scalar() == "wal"
                assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1
    finally:
        database.close()


def test_migration_matches_models(db: Database) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from storage.models import Base

    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_same_scored_page_twice_is_one_lead_one_capture(repo: Repository) -> None:
    sp = scored("cx-mem-gov.top", favicon=png(1), screenshot=png(2))
    hit = SourceHit("seeds", T0 - timedelta(hours=1), {"tip": "12345-0007"})
    first = repo.record(sp, run_id=None, sources=[hit])
    second = repo.record(sp, run_id=None, sources=[hit])
    assert first.id == second.id
    assert repo.count(Lead) == 1
    assert repo.count(Capture) == 1
    assert repo.count(SignalRow) == 2
    detail = repo.lead(first.id)
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


def test_recrawl_adds_capture_and_updates_lead(repo: Repository) -> None:
    run1 = repo.start_run(["seeds"])
    a = repo.record(scored("mem-zscx.com", score=60), run_id=run1, sources=[SourceHit("seeds", T0)])
    later = T0 + timedelta(days=2)
    run2 = repo.start_run(["ct", "recheck"])
    b = repo.record(
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
    c = repo.record(scored("mem-zscx.com", at=T0 + timedelta(days=1), score=10), run_id=None)
    assert c.score == 90 and c.last_seen == later
    assert repo.count(Capture) == 3
    repo.finish_run(run2, {"ct": {"candidates": 5, "errors": 1}, "recheck": {"candidates": 1}})
    r = repo.run(run2)
    assert r.status == "finished" and r.stats["ct"] == {"candidates": 5, "errors": 1}
    assert r.finished_at is not None and repo.run(run1).status == "running"


def test_down_capture_marks_down_without_losing_judgement(repo: Repository) -> None:
    lead = repo.record(scored("fake-cert.cn", score=85), run_id=None)
    down_at = T0 + timedelta(days=3)
    after = repo.record(
        scored("fake-cert.cn", at=down_at, score=0, verdict="benign", error="连接被拒绝"),
        run_id=None,
    )
    assert after.id == lead.id and after.is_down and after.down_since == down_at
    assert after.score == 85 and after.verdict == "counterfeit"
    repo.mark_up(lead.id, down_at + timedelta(days=1))
    assert not repo.leads()[0].is_down
    repo.mark_down(lead.id, down_at + timedelta(days=2))
    known = repo.known_urls()
    assert [(k.lead_id, k.is_down) for k in known] == [(lead.id, True)]


def test_artifacts_stored_once_across_leads(repo: Repository) -> None:
    icon = png(7)
    repo.record(scored("a-mem.com", favicon=icon), run_id=None)
    repo.record(scored("b-mem.com", favicon=icon), run_id=None)
    leads = {lead.host: repo.lead(lead.id) for lead in repo.leads()}
    sha_a = leads["a-mem.com"].captures[0].artifacts["favicon"]
    sha_b = leads["b-mem.com"].captures[0].artifacts["favicon"]
    assert sha_a == sha_b
    with repo.db.session() as s:
        assert s.query(Artifact).filter_by(sha256=sha_a).count() == 1
        assert s.get(Artifact, sha_a).media_type == "image/png"  # type: ignore[union-attr]
    files = [p for p in (repo.db.data_dir / "artifacts").rglob("*") if p.is_file()]
    assert sum(1 for p in files if p.name == sha_a) == 1


def test_artifact_store_verifies_on_read(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path)
    art = store.put(b"<html>evidence</html>", "text/html")
    assert store.path(art.sha256).relative_to(tmp_path).parts[:2] == (
        art.sha256[:2],
        art.sha256[2:4],
    )
    src = tmp_path / "capture.warc"
    src.write_bytes(b"WARC/1.1\r\n" * 1000)
    warc = store.put_file(src, "application/warc")
    assert warc.size == 10000 and store.open(warc.sha256) == src.read_bytes()
    store.path(art.sha256).write_bytes(b"<html>changed</html>")
    with pytest.raises(ArtifactError, match="altered"):
        store.open(art.sha256)
    with pytest.raises(ArtifactError, match="missing"):
        store.open("0" * 64)


def test_capture_files_are_stored(repo: Repository, tmp_path: Path) -> None:
    warc = tmp_path / "cap" / "capture.warc.gz"
    warc.parent.mkdir()
    warc.write_bytes(b"\x1f\x8b fake gzip warc")
    lead = repo.record(scored("c-mem.com"), run_id=None, capture_files={"warc": warc})
    sha = repo.lead(lead.id).captures[0].artifacts["warc"]
    assert repo.db.artifacts.open(sha) == warc.read_bytes()
    assert repo.artifact(sha).media_type == "application/warc+gzip"  # type: ignore[union-attr]


def test_official_verdict_and_analyst_status(repo: Repository) -> None:
    official = repo.record(scored("cx.mem.gov.cn", score=0, verdict="official"), run_id=None)
    assert official.status == "official"
    lead = repo.record(scored("cxmem.top"), run_id=None)
    repo.review(lead.id, user="li", action="status", new_status="reviewing")
    # A later crawl calling it official must not override the analyst's status.
    again = repo.record(scored("cxmem.top", at=T0 + timedelta(1), verdict="official"), run_id=None)
    assert again.status == "reviewing" and again.verdict == "official"


def test_status_transitions(repo: Repository) -> None:
    lid = repo.record(scored("cx-mem.top"), run_id=None).id
    with pytest.raises(StatusError):
        repo.set_status(lid, "confirmed", user="li")  # new → confirmed skips reviewing
    for status in ("reviewing", "confirmed", "referred", "taken_down"):
        repo.set_status(lid, status, user="li")
    with pytest.raises(StatusError):
        repo.set_status(lid, "new", user="li")
    with pytest.raises(StatusError):
        repo.set_status(lid, "bogus", user="li")
    repo.set_status(lid, "dismissed", user="wang", note="误报")
    repo.set_status(lid, "reviewing", user="wang", note="重新打开")
    detail = repo.lead(lid)
    assert detail.lead.status == "reviewing"
    assert [r.new_status for r in detail.reviews] == [
        "reviewing",
        "confirmed",
        "referred",
        "taken_down",
        "dismissed",
        "reviewing",
    ]
    assert repo.verify_audit_chain(lid)


def test_review_chain_detects_tampering(repo: Repository) -> None:
    a = repo.record(scored("a.example.com"), run_id=None).id
    b = repo.record(scored("b.example.org"), run_id=None).id
    repo.review(a, user="li", action="comment", note="看起来像仿冒")
    e2 = repo.review(a, user="li", action="status", new_status="reviewing")
    repo.review(b, user="wang", action="comment", note="待查")
    e4 = repo.review(a, user="zhao", action="status", new_status="confirmed")
    assert e4.prev_hash != "" and repo.lead(a).reviews[1].hash == e2.hash
    result = repo.verify_audit_chain()
    assert result.ok and result.checked == 4
    with repo.db.session(write=True) as s:
        s.execute(text("UPDATE review_event SET note = 'x' WHERE id = :id"), {"id": e2.id})
    broken = repo.verify_audit_chain(a)
    assert not broken and broken.broken_id == e2.id
    assert repo.verify_audit_chain(b)  # the other lead's chain is intact


def test_review_chain_detects_deleted_tail(repo: Repository) -> None:
    a = repo.record(scored("a.example.com"), run_id=None).id
    repo.review(a, user="li", action="comment")
    last = repo.review(a, user="li", action="status", new_status="reviewing")
    with repo.db.session(write=True) as s:
        s.execute(text("DELETE FROM review_event WHERE id = :id"), {"id": last.id})
    result = repo.verify_audit_chain()
    assert not result.ok and result.lead_id == a
    assert repo.count(ReviewEvent) == 1


def test_leads_ordering_and_filters(repo: Repository) -> None:
    repo.record(scored("low.com", score=20, verdict="suspicious"), run_id=None)
    repo.record(scored("mid-old.com", score=60), run_id=None)
    repo.record(scored("mid-new.com", score=60, at=T0 + timedelta(hours=1)), run_id=None)
    top = repo.record(scored("top.com", score=95), run_id=None)
    repo.record(scored("cx.mem.gov.cn", score=0, verdict="official"), run_id=None)
    assert [x.host for x in repo.leads()] == [
        "top.com",
        "mid-new.com",
        "mid-old.com",
        "low.com",
        "cx.mem.gov.cn",
    ]
    assert [x.host for x in repo.leads(min_score=60, limit=2)] == ["top.com", "mid-new.com"]
    assert [x.host for x in repo.leads(status="official")] == ["cx.mem.gov.cn"]
    assert [x.host for x in repo.leads(verdict="suspicious")] == ["low.com"]
    repo.review(top.id, user="li", action="status", new_status="reviewing")
    assert [x.host for x in repo.leads(status="reviewing")] == ["top.com"]
    assert repo.leads(status="new", min_score=96) == []


def test_users_and_passwords(repo: Repository) -> None:
    repo.add_user("li.analyst", "analyst", "correct horse 电池")
    assert repo.verify_user("li.analyst", "correct horse 电池") == "analyst"
    assert repo.verify_user("li.analyst", "wrong") is None
    assert repo.verify_user("nobody", "x") is None
    with pytest.raises(UserExistsError):
        repo.add_user("li.analyst", "admin", "other")
    with pytest.raises(ValueError):
        repo.add_user("x", "root", "pw")
    with repo.db.session() as s:
        stored = s.execute(text('SELECT password_hash FROM "user"')).scalar_one()
    assert stored.startswith("$argon2") and "correct horse" not in stored
    assert [u.name for u in repo.users()] == ["li.analyst"]


def test_campaigns_group_shared_infrastructure(repo: Repository) -> None:
    a = repo.record(scored("a-zscx.com", ips=("47.242.10.21",)), run_id=None).id
    b = repo.record(
        scored("b-zscx.com", ips=("47.242.10.21", "8.210.3.4"), favicon=png(3)), run_id=None
    ).id
    c = repo.record(scored("c-zscx.top", ips=("103.1.1.1",), favicon=png(3)), run_id=None).id
    lone = repo.record(scored("lone.xyz", ips=("45.9.9.9",), registrant="张三"), run_id=None).id
    # benign sites sharing a host with a counterfeit do not join its campaign
    repo.record(scored("school.cn", ips=("47.242.10.21",), verdict="benign", score=5), run_id=None)
    t1 = repo.record(scored("tpl-one.com", ips=("1.0.0.9",), screenshot=png(5)), run_id=None).id
    t2 = repo.record(scored("tpl-two.net", ips=("1.0.0.8",), screenshot=png(5)), run_id=None).id
    groups = repo.link_by_infrastructure()
    assert sorted(g.lead_ids for g in groups) == [(a, b, c), (t1, t2)]
    abc = next(g for g in groups if a in g.lead_ids)
    kinds = {link["kind"] for link in abc.links}
    assert kinds == {"ip", "favicon"}
    assert [x.id for x in repo.leads(campaign=abc.id)] == [a, b, c]
    assert repo.lead(lone).campaign is None
    # idempotent: linking again keeps the same campaign rows
    again = repo.link_by_infrastructure()
    assert sorted((g.id, g.lead_ids) for g in again) == sorted((g.id, g.lead_ids) for g in groups)


def test_references_round_trip(repo: Repository) -> None:
    old = ReferenceCapture(
        url="https://cx.mem.gov.cn/",
        captured_at=T0,
        title="旧首页",
        visible_text="特种作业操作证查询",
        screenshot_png=png(1),
        favicon=png(2),
        asset_hashes=("a" * 64,),
        kind="home",
    )
    new = ReferenceCapture(
        url="https://cx.mem.gov.cn/special?index=0",
        captured_at=T0 + timedelta(days=30),
        title="查询",
        visible_text="请输入证件号码 请输入姓名",
        screenshot_png=png(1),
        viewport_png=png(4),
        image_phashes=("ff00ff00ff00ff00",),
        form_fields=("请选择证件类型", "请输入证件号码"),
        kind="query",
    )
    repo.add_reference("mem", old)
    rid = repo.add_reference("mem", new)
    assert repo.add_reference("mem", new) == rid  # idempotent
    repo.add_reference("osta", ReferenceCapture("https://osta.org.cn/", T0, "x", "y"))
    refs = repo.references("mem")
    assert refs == [new, old]  # newest first, bytes and tuples back as given
    assert len(repo.references()) == 3


def _record_many(url: str, data_dir: str, tag: str, barrier: object, n: int) -> None:
    """Child process: record the same host n times (one shared capture, n-1 own ones)."""
    database = Database(url, Path(data_dir))
    repo = Repository(database)
    barrier.wait()  # type: ignore[attr-defined]
    for i in range(n):
        at = T0 if i == 0 else T0 + timedelta(minutes=i, seconds=1 if tag == "a" else 2)
        repo.record(
            scored("race.example.com", at=at, favicon=png(9)),
            run_id=None,
            sources=[SourceHit(f"src-{tag}", at)],
        )
    database.close()


def test_two_processes_recording_the_same_host(db: Database, database_url: str) -> None:
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(2)
    procs = [
        ctx.Process(target=_record_many, args=(database_url, str(db.data_dir), tag, barrier, 6))
        for tag in ("a", "b")
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0]
    repo = Repository(db)
    assert repo.count(Lead) == 1
    assert repo.count(Capture) == 11  # the shared first capture once, 5 own ones each
    assert repo.count(SignalRow) == 22
    assert set(repo.leads()[0].sources) == {"src-a", "src-b"}


def _record_forever(url: str, data_dir: str) -> None:
    database = Database(url, Path(data_dir))
    repo = Repository(database)
    for i in range(10_000):
        repo.record(
            scored(f"h{i % 20}.example.com", at=T0 + timedelta(minutes=i), screenshot=png(i % 13)),
            run_id=None,
        )


def test_sigkill_mid_crawl_then_replay_loses_and_duplicates_nothing(
    db: Database, database_url: str
) -> None:
    ctx = multiprocessing.get_context("fork")
    proc = ctx.Process(target=_record_forever, args=(database_url, str(db.data_dir)))
    proc.start()
    repo = Repository(db)
    deadline = time.monotonic() + 120
    while repo.count(Capture) < 25 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.pid is not None
    os.kill(proc.pid, signal.SIGKILL)
    proc.join()
    done = repo.count(Capture)
    assert done >= 25
    # The "crawl" again: replay everything up to a bit past where it died.
    for i in range(done + 5):
        repo.record(
            scored(f"h{i % 20}.example.com", at=T0 + timedelta(minutes=i), screenshot=png(i % 13)),
            run_id=None,
        )
    assert repo.count(Capture) == done + 5
    assert repo.count(Lead) == 20
    assert repo.count(SignalRow) == 2 * (done + 5)
    for lead in repo.leads():
        for cap in repo.lead(lead.id).captures:
            repo.db.artifacts.open(cap.artifacts["screenshot"])  # present and intact
    if db.dialect == "sqlite":
        with db.session() as s:
            assert s.execute(text("PRAGMA integrity_check")).scalar() == "ok"
