"""Dated captures of the genuine pages of protected targets (`repo.references`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.signals import ReferenceCapture
from storage import artifacts, pagedata, sql
from storage.models import ReferenceRow

#: the ReferenceCapture byte fields, each stored as an artifact under a `reference` column
_IMAGES = {"screenshot": "screenshot_png", "viewport": "viewport_png", "favicon": "favicon"}


class References(sql.Store):
    """Adds and lists reference captures; their images live in the evidence store."""

    def add(self, target: str, ref: ReferenceCapture) -> int:
        """Store a capture of a genuine page (idempotent on target, url, captured_at)."""
        blobs = [
            pagedata.Blob(role, media, data)
            for role, media, data in (
                ("screenshot", "image/png", ref.screenshot_png),
                ("viewport", "image/png", ref.viewport_png),
                ("favicon", pagedata.image_type(ref.favicon), ref.favicon),
            )
            if data
        ]
        stored = artifacts.store_blobs(self.db.artifacts, blobs)
        at = sql.utc(ref.captured_at)
        sha = {role: a.sha256 for role, a in stored.items()}

        def run(s: Session) -> int:
            artifacts.add_rows(s, stored.values())
            stmt = sql.insert(s, ReferenceRow).values(
                target=target,
                url=ref.url,
                captured_at=at,
                kind=ref.kind,
                title=ref.title,
                visible_text=ref.visible_text,
                screenshot_sha256=sha.get("screenshot"),
                viewport_sha256=sha.get("viewport"),
                favicon_sha256=sha.get("favicon"),
                asset_hashes=list(ref.asset_hashes),
                image_phashes=list(ref.image_phashes),
                form_fields=list(ref.form_fields),
                created_at=sql.now(),
            )
            s.execute(stmt.on_conflict_do_nothing(index_elements=["target", "url", "captured_at"]))
            return int(
                s.scalars(
                    select(ReferenceRow.id).where(
                        ReferenceRow.target == target,
                        ReferenceRow.url == ref.url,
                        ReferenceRow.captured_at == at,
                    )
                ).one()
            )

        return sql.write(self.db, run)

    def list(self, target: str | None = None) -> list[ReferenceCapture]:
        """Stored reference captures, newest first."""
        stmt = select(ReferenceRow).order_by(
            ReferenceRow.captured_at.desc(), ReferenceRow.id.desc()
        )
        if target is not None:
            stmt = stmt.where(ReferenceRow.target == target)
        with self.db.session() as s:
            rows = list(s.scalars(stmt))
        files = self.db.artifacts
        out = []
        for r in rows:
            images = {}
            for role, field in _IMAGES.items():
                sha = getattr(r, f"{role}_sha256")
                images[field] = files.open(sha) if sha else b""
            out.append(sql.to_record(ReferenceCapture, r, **images))
        return out
