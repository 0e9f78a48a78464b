"""`repo.users` against real SQLite and PostgreSQL: accounts and Argon2 passwords."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from storage_pages import open_repo

from storage.repository import Repository, UserExistsError


@pytest.fixture
def repo(database_url: str, tmp_path: Path) -> Iterator[Repository]:
    yield from open_repo(database_url, tmp_path)


def test_users_and_passwords(repo: Repository) -> None:
    repo.users.add("li.analyst", "analyst", "correct horse 电池")
    assert repo.users.verify("li.analyst", "correct horse 电池") == "analyst"
    assert repo.users.verify("li.analyst", "wrong") is None
    assert repo.users.verify("nobody", "x") is None
    with pytest.raises(UserExistsError):
        repo.users.add("li.analyst", "admin", "other")
    with pytest.raises(ValueError):
        repo.users.add("x", "root", "pw")
    with repo.db.session() as s:
        stored = s.execute(text('SELECT password_hash FROM "user"')).scalar_one()
    assert stored.startswith("$argon2") and "correct horse" not in stored
    assert [u.name for u in repo.users.list()] == ["li.analyst"]
