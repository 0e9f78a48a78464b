"""Server-side sessions of the review UI (`repo.sessions`): the browser holds a random token,
the `web_session` row (keyed by the token's SHA-256) says who it is, and the role is read
from the user row on every request, so logout, a role change or a deleted account take
effect at once."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from storage import sql
from storage.models import User, WebSession

#: last_seen is rewritten at most this often (an idle timeout needs no finer clock)
TOUCH_EVERY = timedelta(seconds=30)


@dataclass(frozen=True)
class SessionUser:
    """Who a live session belongs to, as the database says now."""

    name: str
    role: str


def _id(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Sessions(sql.Store):
    """Opens, resolves and revokes review-UI sessions."""

    def open(self, user: str, *, lifetime: timedelta, address: str = "") -> str:
        """A new session of `user` ending `lifetime` from now whatever happens; its token."""
        token = secrets.token_urlsafe(32)

        def run(s: Session) -> None:
            user_id = s.scalars(select(User.id).where(User.name == user)).one()
            at = sql.now()
            s.add(
                WebSession(
                    id=_id(token),
                    user_id=user_id,
                    created_at=at,
                    last_seen=at,
                    expires_at=at + lifetime,
                    address=address[:64],
                )
            )

        sql.write(self.db, run)
        return token

    def resolve(self, token: str, *, idle: timedelta) -> SessionUser | None:
        """The user of a live session, or None (and the row gone) when it ended."""
        if not token:
            return None
        sid = _id(token)
        at = sql.now()
        with self.db.session() as s:
            row = s.execute(
                select(WebSession.expires_at, WebSession.last_seen, User.name, User.role)
                .join(User, User.id == WebSession.user_id)
                .where(WebSession.id == sid)
            ).one_or_none()
        if row is None:
            return None
        expires_at, last_seen, name, role = (sql.utc(row[0]), sql.utc(row[1]), row[2], row[3])
        if at >= expires_at or at - last_seen >= idle:
            self.revoke(token)
            return None
        if at - last_seen >= TOUCH_EVERY:
            self._touch(sid, at)
        return SessionUser(name, role)

    def _touch(self, sid: str, at: datetime) -> None:
        def run(s: Session) -> None:
            row = s.get(WebSession, sid)
            if row is not None:  # touching never extends expires_at
                row.last_seen = at

        sql.write(self.db, run)

    def revoke(self, token: str) -> None:
        sid = _id(token)
        sql.write(self.db, lambda s: s.execute(delete(WebSession).where(WebSession.id == sid)))

    def revoke_user(self, s: Session, user_id: int) -> None:
        """End every session of a user (inside the caller's transaction)."""
        s.execute(delete(WebSession).where(WebSession.user_id == user_id))
