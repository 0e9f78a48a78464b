"""Finding 3 of issue 9: the review audit trail must prove itself against someone who can
edit the database but not the data directory (where the audit key lives)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from storage_pages import open_repo, scored

from storage.repository import Repository


@pytest.fixture
def repo(database_url: str, tmp_path: Path) -> Iterator[Repository]:
    yield from open_repo(database_url, tmp_path)


def _reviewed(repo: Repository) -> int:
    lid = repo.leads.record(scored("cx-mem-gov.top"), run_id=None).id
    repo.reviews.add(lid, user="li", action="note", note="首次查看")
    repo.reviews.set_status(lid, "reviewing", user="li")
    repo.reviews.set_status(lid, "confirmed", user="li", note="确认仿冒")
    assert repo.reviews.verify_chain()
    return lid


def _recompute(repo: Repository, lead_id: int) -> str:
    """What an attacker without the key can do: rebuild the unkeyed chain after an edit."""
    prev = ""
    with repo.db.session(write=True) as s:
        rows = s.execute(
            text(
                'SELECT id, lead_id, "user", action, note, old_status, new_status, at '
                "FROM review_event WHERE lead_id = :l ORDER BY id"
            ),
            {"l": lead_id},
        ).all()
        for row in rows:
            at = row.at if isinstance(row.at, datetime) else datetime.fromisoformat(row.at)
            at = at if at.tzinfo else at.replace(tzinfo=UTC)
            payload = json.dumps(
                {
                    "lead_id": row.lead_id,
                    "user": row.user,
                    "action": row.action,
                    "note": row.note,
                    "old_status": row.old_status,
                    "new_status": row.new_status,
                    "at": at.astimezone(UTC).isoformat(),
                    "prev_hash": prev,
                },
                sort_keys=True,
                ensure_ascii=False,
                separators=(",", ":"),
            )
            new = hashlib.sha256((prev + payload).encode()).hexdigest()
            s.execute(
                text("UPDATE review_event SET prev_hash = :p, hash = :h WHERE id = :i"),
                {"p": prev, "h": new, "i": row.id},
            )
            prev = new
        s.execute(text("UPDATE lead SET review_head = :h WHERE id = :l"), {"h": prev, "l": lead_id})
    return prev


def test_edited_note_with_recomputed_chain_is_detected(repo: Repository) -> None:
    lid = _reviewed(repo)
    with repo.db.session(write=True) as s:
        s.execute(text("UPDATE review_event SET note = '未发现问题' WHERE note = '确认仿冒'"))
    assert not repo.reviews.verify_chain(lid)  # plain edit
    _recompute(repo, lid)
    result = repo.reviews.verify_chain(lid)
    assert not result.ok and result.lead_id == lid, result


def test_deleted_newest_event_with_reset_head_is_detected(repo: Repository) -> None:
    lid = _reviewed(repo)
    with repo.db.session(write=True) as s:
        s.execute(text("DELETE FROM review_event WHERE id = (SELECT MAX(id) FROM review_event)"))
        s.execute(text("UPDATE lead SET status = 'reviewing' WHERE id = :l"), {"l": lid})
    _recompute(repo, lid)
    assert not repo.reviews.verify_chain(lid)
    assert not repo.reviews.verify_chain()


def test_all_events_deleted_with_reset_head_is_detected(repo: Repository) -> None:
    lid = _reviewed(repo)
    other = repo.leads.record(scored("mem-cx.xyz"), run_id=None).id
    repo.reviews.add(other, user="li", action="note", note="另一条")
    with repo.db.session(write=True) as s:
        s.execute(text("DELETE FROM review_event WHERE lead_id = :l"), {"l": lid})
        s.execute(
            text("UPDATE lead SET status = 'new', review_head = '' WHERE id = :l"), {"l": lid}
        )
    assert not repo.reviews.verify_chain(lid)
    with repo.db.session(write=True) as s:
        s.execute(text("DELETE FROM review_event"))
        s.execute(text("UPDATE lead SET status = 'new', review_head = ''"))
    assert not repo.reviews.verify_chain()


def test_status_edited_directly_is_detected(repo: Repository) -> None:
    lid = _reviewed(repo)
    with repo.db.session(write=True) as s:
        s.execute(text("UPDATE lead SET status = 'dismissed' WHERE id = :l"), {"l": lid})
    result = repo.reviews.verify_chain(lid)
    assert not result.ok and "status" in result.reason
    fresh = repo.leads.record(scored("cx-mem.cc"), run_id=None).id  # never reviewed
    assert repo.reviews.verify_chain(fresh)
    with repo.db.session(write=True) as s:
        s.execute(text("UPDATE lead SET status = 'referred' WHERE id = :l"), {"l": fresh})
    assert not repo.reviews.verify_chain(fresh)


def test_audit_key_is_outside_the_database(repo: Repository) -> None:
    _reviewed(repo)
    key = repo.db.audit_key_file
    assert key.exists() and key.stat().st_mode & 0o077 == 0
    assert key.read_text().strip() not in repo.db.url
    key.unlink()  # a lost key is loud, never a silently fresh one
    assert not repo.reviews.verify_chain()


def test_events_from_before_the_key_are_sealed_once(repo: Repository) -> None:
    """A database upgraded from 0004: events without MACs, no key, no checkpoint."""
    lid = _reviewed(repo)
    with repo.db.session(write=True) as s:
        s.execute(text("UPDATE review_event SET mac = ''"))
        s.execute(text("DELETE FROM audit_head"))
    repo.db.audit_key_file.unlink()
    result = repo.reviews.verify_chain()
    assert not result.ok and "not sealed" in result.reason
    assert repo.reviews.seal() == 3
    assert repo.reviews.verify_chain(lid) and repo.reviews.verify_chain()
    repo.reviews.set_status(lid, "referred", user="wang", role="supervisor")
    assert repo.reviews.verify_chain()


def test_a_broken_unkeyed_chain_is_never_sealed(repo: Repository) -> None:
    lid = _reviewed(repo)
    with repo.db.session(write=True) as s:
        s.execute(text("UPDATE review_event SET mac = '', note = '改过'"))
    with pytest.raises(ValueError):
        repo.reviews.seal()
    assert not repo.reviews.verify_chain(lid)
