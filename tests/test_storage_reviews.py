"""`repo.reviews` against real SQLite and PostgreSQL: status workflow and the audit chain."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from storage_pages import open_repo, scored

from storage.audit import StatusError
from storage.models import ReviewEvent
from storage.repository import NotFoundError, Repository


@pytest.fixture
def repo(database_url: str, tmp_path: Path) -> Iterator[Repository]:
    yield from open_repo(database_url, tmp_path)


def test_status_transitions(repo: Repository) -> None:
    lid = repo.leads.record(scored("cx-mem.top"), run_id=None).id
    with pytest.raises(StatusError):
        repo.reviews.set_status(lid, "confirmed", user="li")  # new → confirmed skips reviewing
    for status in ("reviewing", "confirmed", "referred", "taken_down"):
        repo.reviews.set_status(lid, status, user="li")
    with pytest.raises(StatusError):
        repo.reviews.set_status(lid, "new", user="li")
    with pytest.raises(StatusError):
        repo.reviews.set_status(lid, "bogus", user="li")
    repo.reviews.set_status(lid, "dismissed", user="wang", note="误报")
    repo.reviews.set_status(lid, "reviewing", user="wang", note="重新打开")
    detail = repo.leads.get(lid)
    assert detail.lead.status == "reviewing"
    assert [r.new_status for r in detail.reviews] == [
        "reviewing",
        "confirmed",
        "referred",
        "taken_down",
        "dismissed",
        "reviewing",
    ]
    assert repo.reviews.verify_chain(lid)
    with pytest.raises(NotFoundError):
        repo.reviews.add(lid + 1000, user="li", action="comment")


def test_review_chain_detects_tampering(repo: Repository) -> None:
    a = repo.leads.record(scored("a.example.com"), run_id=None).id
    b = repo.leads.record(scored("b.example.org"), run_id=None).id
    repo.reviews.add(a, user="li", action="comment", note="看起来像仿冒")
    e2 = repo.reviews.add(a, user="li", action="status", new_status="reviewing")
    repo.reviews.add(b, user="wang", action="comment", note="待查")
    e4 = repo.reviews.add(a, user="zhao", action="status", new_status="confirmed")
    assert e4.prev_hash != "" and repo.leads.get(a).reviews[1].hash == e2.hash
    result = repo.reviews.verify_chain()
    assert result.ok and result.checked == 4
    with repo.db.session(write=True) as s:
        s.execute(text("UPDATE review_event SET note = 'x' WHERE id = :id"), {"id": e2.id})
    broken = repo.reviews.verify_chain(a)
    assert not broken and broken.broken_id == e2.id
    assert repo.reviews.verify_chain(b)  # the other lead's chain is intact


def test_review_chain_detects_deleted_tail(repo: Repository) -> None:
    a = repo.leads.record(scored("a.example.com"), run_id=None).id
    repo.reviews.add(a, user="li", action="comment")
    last = repo.reviews.add(a, user="li", action="status", new_status="reviewing")
    with repo.db.session(write=True) as s:
        s.execute(text("DELETE FROM review_event WHERE id = :id"), {"id": last.id})
    result = repo.reviews.verify_chain()
    assert not result.ok and result.lead_id == a
    assert repo.count(ReviewEvent) == 1
