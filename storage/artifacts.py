"""Evidence artifacts: the content-addressed file store (every file once, under ab/cd/<sha256>)
and the `artifact` rows that index it."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.orm import Session

from storage import sql
from storage.models import Artifact
from storage.pagedata import Blob
from storage.records import ArtifactRecord

log = logging.getLogger(__name__)

_CHUNK = 1 << 20


class ArtifactError(Exception):
    """An artifact is missing or its content no longer matches its hash."""


@dataclass(frozen=True)
class StoredArtifact:
    sha256: str
    size: int
    media_type: str
    #: path relative to the store root
    path: str


class ArtifactStore:
    """Files named by their SHA-256; writes are atomic (tmp + os.replace), reads verified."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    @staticmethod
    def relpath(sha256: str) -> str:
        return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ArtifactError(f"not a sha256: {sha256!r}")
        return self.root / self.relpath(sha256)

    def put(self, data: bytes, media_type: str) -> StoredArtifact:
        digest = hashlib.sha256(data).hexdigest()
        self._write(digest, lambda fh: fh.write(data))
        return StoredArtifact(digest, len(data), media_type, self.relpath(digest))

    def put_file(self, path: Path, media_type: str) -> StoredArtifact:
        h = hashlib.sha256()
        size = 0
        with open(path, "rb") as fh:
            while chunk := fh.read(_CHUNK):
                h.update(chunk)
                size += len(chunk)
        digest = h.hexdigest()

        def copy(out: BinaryIO) -> None:
            with open(path, "rb") as src:
                while chunk := src.read(_CHUNK):
                    out.write(chunk)

        self._write(digest, copy)
        return StoredArtifact(digest, size, media_type, self.relpath(digest))

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def open(self, sha256: str) -> bytes:
        """The artifact's bytes, after checking they still hash to `sha256`."""
        target = self.path(sha256)
        try:
            data = target.read_bytes()
        except FileNotFoundError:
            raise ArtifactError(f"artifact {sha256} is missing from {self.root}") from None
        if hashlib.sha256(data).hexdigest() != sha256:
            raise ArtifactError(f"artifact {sha256} was altered: its content hash differs")
        return data

    def _write(self, digest: str, writer: Callable[[BinaryIO], object]) -> None:
        target = self.path(digest)
        if target.is_file() and self._intact(target, digest):
            return  # stored already: same hash, same content
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                writer(fh)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        log.debug("stored artifact %s", digest)

    @staticmethod
    def _intact(target: Path, digest: str) -> bool:
        """A file written atomically is whole; re-hash only if its size looks wrong (empty)."""
        return target.stat().st_size > 0 or digest == _EMPTY


_EMPTY = hashlib.sha256(b"").hexdigest()


def store_blobs(files: ArtifactStore, blobs: Iterable[Blob]) -> dict[str, StoredArtifact]:
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
