"""Authentication events (`repo.auth_log`): sign-ins, failures, throttling, sign-outs, role
changes, as one keyed hash chain checked like the review trail (storage/trail.py)."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import audit, keyfile, sql, trail
from storage.models import AuthEvent
from storage.records import AuditResult

KINDS = ("login", "login_failed", "throttled", "logout", "role_changed", "user_deleted")


def _payload(ev: AuthEvent) -> str:
    return json.dumps(
        {
            "at": sql.utc(ev.at).isoformat(),
            "user": ev.user,
            "address": ev.address,
            "kind": ev.kind,
            "prev_hash": ev.prev_hash,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )


class AuthLog(sql.Store):
    """Appends and checks authentication events."""

    def record(self, kind: str, user: str, address: str = "") -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown auth event {kind!r}")
        key = trail.writing_key(self.db.audit_key_file)

        def run(s: Session) -> None:
            trail.lock(s, "auth")
            last = s.scalars(
                select(AuthEvent.hash).order_by(AuthEvent.id.desc()).limit(1)
            ).one_or_none()
            ev = AuthEvent(
                at=sql.now(), user=user[:100], address=address[:64], kind=kind, prev_hash=last or ""
            )
            # keyed at once: the auth trail has no legacy events to stay compatible with
            ev.hash = audit.mac(key, ev.prev_hash + _payload(ev))
            s.add(ev)
            trail.advance(s, key, "auth", ev.hash)

        sql.write(self.db, run)

    def verify(self) -> AuditResult:
        try:
            key = trail.reading_key(self.db.audit_key_file)
        except keyfile.KeyFileError as exc:
            return AuditResult(False, 0, None, None, f"audit key unusable: {exc}")
        checked = 0
        prev = ""
        with self.db.session() as s:
            for ev in s.scalars(select(AuthEvent).order_by(AuthEvent.id)):
                if key is None:
                    break
                if ev.prev_hash != prev:
                    return AuditResult(False, checked, ev.id, None, "previous hash differs")
                if audit.mac(key, ev.prev_hash + _payload(ev)) != ev.hash:
                    return AuditResult(False, checked, ev.id, None, "event altered (MAC differs)")
                prev = ev.hash
                checked += 1
            problem = trail.check(s, key, "auth")
        if problem:
            return AuditResult(False, checked, None, None, problem)
        return AuditResult(True, checked)
