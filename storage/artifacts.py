"""Evidence artifacts: writing blobs to the evidence store (storage/evidencestore.py: a
directory or a bucket behind one interface) and the `artifact` rows that index it."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from storage import sql
from storage.evidencestore import ArtifactError, EvidenceStore, StoredArtifact, StoreUnavailable
from storage.localstore import LocalStore
from storage.models import Artifact
from storage.pagedata import Blob
from storage.records import ArtifactRecord

#: the local store under its former name
ArtifactStore = LocalStore

__all__ = [
    "ArtifactError",
    "ArtifactStore",
    "Artifacts",
    "EvidenceStore",
    "StoreUnavailable",
    "StoredArtifact",
    "add_rows",
    "store_blobs",
]


def store_blobs(files: EvidenceStore, blobs: Iterable[Blob]) -> dict[str, StoredArtifact]:
    """Write blobs to the evidence store (outside any transaction); role -> artifact."""
    stored: dict[str, StoredArtifact] = {}
    for blob in blobs:
        if blob.path is not None:
            stored[blob.role] = files.put_file(blob.path, blob.media_type)
        else:
            stored[blob.role] = files.put(blob.data or b"", blob.media_type)
    return stored


def add_rows(s: Session, stored: Iterable[StoredArtifact]) -> None:
    """Index stored files, once per sha256, inside the caller's transaction."""
    # Sorted so that two writers lock the same rows in the same order (no deadlock).
    unique = {a.sha256: a for a in stored}
    for sha in sorted(unique):
        a = unique[sha]
        stmt = sql.insert(s, Artifact).values(
            sha256=a.sha256, media_type=a.media_type, size=a.size, path=a.path, created_at=sql.now()
        )
        s.execute(stmt.on_conflict_do_nothing(index_elements=["sha256"]))


class Artifacts(sql.Store):
    """Artifact files and their rows (`repo.artifacts`)."""

    def store(self, blobs: Iterable[Blob]) -> dict[str, StoredArtifact]:
        return store_blobs(self.db.artifacts, blobs)

    def get(self, sha256: str) -> ArtifactRecord | None:
        with self.db.session() as s:
            row = s.get(Artifact, sha256)
            return sql.to_record(ArtifactRecord, row) if row is not None else None
