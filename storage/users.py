"""Analyst accounts of the review UI (`repo.users`), passwords hashed with Argon2."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage import sql
from storage.models import User, WebSession
from storage.records import UserRecord

if TYPE_CHECKING:
    from storage.db import Database

ROLES = ("analyst", "supervisor", "admin")


class UserExistsError(ValueError):
    """A user of that name exists already."""


class UnknownUserError(ValueError):
    """No user of that name."""


class Users(sql.Store):
    """Adds, lists and checks users."""

    def __init__(self, db: Database) -> None:
        super().__init__(db)
        self._hasher = PasswordHasher()
        self._dummy_hash: str | None = None

    @property
    def _dummy(self) -> str:
        """Unknown names are checked against this, so they cost what a known name costs and
        the answer's timing does not tell which names exist. Made at the first sign-in, not
        with every Repository (an argon2 hash costs ~0.15 s of CPU: a crawl signs nobody in)."""
        if self._dummy_hash is None:
            self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(16))
        return self._dummy_hash

    def add(self, name: str, role: str, password: str) -> UserRecord:
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
        if not name or not password:
            raise ValueError("user name and password must not be empty")
        hashed = self._hasher.hash(password)

        def run(s: Session) -> UserRecord:
            row = User(name=name, role=role, password_hash=hashed, created_at=sql.now())
            s.add(row)
            s.flush()
            return sql.to_record(UserRecord, row)

        try:
            return sql.write(self.db, run)
        except IntegrityError:
            raise UserExistsError(f"user {name!r} exists already") from None

    def verify(self, name: str, password: str) -> str | None:
        """The user's role when the password is right, else None."""
        dummy = self._dummy  # made before the look-up: a first sign-in costs the same either way
        with self.db.session() as s:
            row = s.scalars(select(User).where(User.name == name)).one_or_none()
            stored_hash, role = (row.password_hash, row.role) if row else (dummy, None)
        try:
            self._hasher.verify(stored_hash, password)
        except (VerificationError, InvalidHashError):
            return None
        if role is None:
            return None
        if self._hasher.check_needs_rehash(stored_hash):
            new_hash = self._hasher.hash(password)

            def rehash(s: Session) -> None:
                s.execute(update(User).where(User.name == name).values(password_hash=new_hash))

            sql.write(self.db, rehash)
        return role

    def set_role(self, name: str, role: str) -> UserRecord:
        """Change a user's role and end their sessions (they sign in again under the new one)."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")

        def run(s: Session) -> UserRecord:
            row = s.scalars(select(User).where(User.name == name)).one_or_none()
            if row is None:
                raise UnknownUserError(f"no user {name!r}")
            row.role = role
            s.execute(delete(WebSession).where(WebSession.user_id == row.id))
            s.flush()
            return sql.to_record(UserRecord, row)

        return sql.write(self.db, run)

    def delete(self, name: str) -> None:
        """Remove a user and every session of theirs (their review events stay, by name)."""

        def run(s: Session) -> None:
            row = s.scalars(select(User).where(User.name == name)).one_or_none()
            if row is None:
                raise UnknownUserError(f"no user {name!r}")
            s.execute(delete(WebSession).where(WebSession.user_id == row.id))
            s.delete(row)

        sql.write(self.db, run)

    def role_of(self, name: str) -> str | None:
        """The user's role as the database says now, or None for no such user."""
        with self.db.session() as s:
            return s.scalars(select(User.role).where(User.name == name)).one_or_none()

    def list(self) -> list[UserRecord]:
        with self.db.session() as s:
            return [
                sql.to_record(UserRecord, r) for r in s.scalars(select(User).order_by(User.name))
            ]
