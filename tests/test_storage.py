"""Storage against real SQLite and PostgreSQL: schema and migrations, the evidence file store,
row-to-record mapping, and concurrent or killed writers. The aggregate stores have their own
files: tests/test_storage_{leads,reviews,campaigns,references,users}.py."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text
from storage_pages import T0, open_repo, png, scored

from core.failures import Failure, FailureKind
from storage.artifacts import ArtifactError, ArtifactStore
from storage.db import Database, alembic_config, current_revision, head_revision, upgrade
from storage.models import Capture, Lead, SignalRow
from storage.records import CaptureRecord, SourceRecord
from storage.repository import Repository, SourceHit
from storage.sql import to_record


@pytest.fixture
def repo(database_url: str, tmp_path: Path) -> Iterator[Repository]:
    yield from open_repo(database_url, tmp_path)


def test_migrations_up_from_empty_and_idempotent(database_url: str, tmp_path: Path) -> None:
    database = Database(database_url, tmp_path)
    try:
        assert current_revision(database.engine) is None
        upgrade(database.engine)
        upgrade(database_url)  # again, through a URL: nothing to do
        assert current_revision(database.engine) == head_revision() == "0006_sessions"
        with database.session() as s:
            assert s.execute(text("SELECT count(*) FROM lead")).scalar() == 0
            if database.dialect == "sqlite":
                assert s.execute(text("PRAGMA journal_mode")).scalar() == "wal"
                assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1
    finally:
        database.close()


def test_migration_matches_models(repo: Repository) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from storage.models import Base, managed_by_models

    with repo.db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": managed_by_models})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_failure_kind_migration_keeps_captures_and_signals(repo: Repository) -> None:
    down = Failure.of(FailureKind.DNS, "NXDOMAIN")
    lead = repo.leads.record(scored("gone.example.com", failure=down), run_id=None)
    with repo.db.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0001")
    with repo.db.session() as s:
        assert "failure_kind" not in s.execute(text("SELECT * FROM capture")).keys()
        assert s.execute(text("SELECT count(*) FROM signal")).scalar() == 2
    repo.db.upgrade()
    cap = repo.leads.get(lead.id).captures[0]
    # the kind could not survive the downgrade; the sentence and the signals did
    assert cap.error == down.message and cap.failure_kind is None and cap.problems == []
    assert len(cap.signals) == 2


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


def test_rows_map_to_records_by_field_name(repo: Repository) -> None:
    hit = SourceHit("seeds", T0, {"tip": "12345-0001"})
    lead = repo.leads.record(scored("map.example.com"), run_id=None, sources=[hit])
    with repo.db.session() as s:
        record = to_record(CaptureRecord, s.query(Capture).one())
        lead_row = s.query(Lead).one()
        # a required field the row lacks is an error, not a silent default
        with pytest.raises(AttributeError, match="first_found"):
            to_record(SourceRecord, lead_row, source="given")
    # JSON lists become the record's tuples, JSON objects its own dicts; defaults stay
    assert record.categories == ("impersonation",) and isinstance(record.errors, tuple)
    assert record.timings == {"fetch_ms": 12} and record.signals == ()
    assert record.lead_id == lead.id and record.fetched_at == T0


def _record_many(url: str, data_dir: str, tag: str, barrier: object, n: int) -> None:
    """Child process: record the same host n times (one shared capture, n-1 own ones)."""
    database = Database(url, Path(data_dir))
    repo = Repository(database)
    barrier.wait()  # type: ignore[attr-defined]
    for i in range(n):
        at = T0 if i == 0 else T0 + timedelta(minutes=i, seconds=1 if tag == "a" else 2)
        repo.leads.record(
            scored("race.example.com", at=at, favicon=png(9)),
            run_id=None,
            sources=[SourceHit(f"src-{tag}", at)],
        )
    database.close()


def test_two_processes_recording_the_same_host(repo: Repository, database_url: str) -> None:
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(2)
    data_dir = str(repo.db.data_dir)
    procs = [
        ctx.Process(target=_record_many, args=(database_url, data_dir, tag, barrier, 6))
        for tag in ("a", "b")
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0]
    assert repo.count(Lead) == 1
    assert repo.count(Capture) == 11  # the shared first capture once, 5 own ones each
    assert repo.count(SignalRow) == 22
    assert set(repo.leads.find()[0].sources) == {"src-a", "src-b"}


def _record_forever(url: str, data_dir: str) -> None:
    database = Database(url, Path(data_dir))
    repo = Repository(database)
    for i in range(10_000):
        repo.leads.record(
            scored(f"h{i % 20}.example.com", at=T0 + timedelta(minutes=i), screenshot=png(i % 13)),
            run_id=None,
        )


def test_sigkill_mid_crawl_then_replay_loses_and_duplicates_nothing(
    repo: Repository, database_url: str
) -> None:
    ctx = multiprocessing.get_context("fork")
    proc = ctx.Process(target=_record_forever, args=(database_url, str(repo.db.data_dir)))
    proc.start()
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
        repo.leads.record(
            scored(f"h{i % 20}.example.com", at=T0 + timedelta(minutes=i), screenshot=png(i % 13)),
            run_id=None,
        )
    assert repo.count(Capture) == done + 5
    assert repo.count(Lead) == 20
    assert repo.count(SignalRow) == 2 * (done + 5)
    for lead in repo.leads.find():
        for cap in repo.leads.get(lead.id).captures:
            repo.db.artifacts.open(cap.artifacts["screenshot"])  # present and intact
    if repo.db.dialect == "sqlite":
        with repo.db.session() as s:
            assert s.execute(text("PRAGMA integrity_check")).scalar() == "ok"
