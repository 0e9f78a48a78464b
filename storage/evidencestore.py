"""The evidence store's one interface, whatever holds the bytes (a directory or a bucket).

Every file is named by its SHA-256 under ab/cd/<sha256>, stored once, written whole or not at
all, and checked against its name on every read.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from core.config import Settings

_CHUNK = 1 << 20
_SHA256 = re.compile(r"[0-9a-f]{64}")


class ArtifactError(Exception):
    """An artifact is missing or its content no longer matches its hash."""


class StoreUnavailable(OSError):
    """The evidence store cannot be reached or refused the request (down, bad credentials, no
    bucket). An OSError like a full disk, so every caller that survives one survives this: the
    storage pipeline counts a storage error and goes on, a command prints one line."""


@dataclass(frozen=True)
class StoredArtifact:
    sha256: str
    size: int
    media_type: str
    #: path relative to the store root (the key below the prefix in a bucket)
    path: str


class EvidenceStore(Protocol):
    """Content-addressed evidence: `open` raises ArtifactError for a missing or altered file
    and StoreUnavailable when the store itself cannot answer."""

    @property
    def location(self) -> str:
        """Where the store is, for messages (a directory or s3://bucket/prefix)."""
        ...

    def put(self, data: bytes, media_type: str) -> StoredArtifact: ...

    def put_file(self, path: Path, media_type: str) -> StoredArtifact: ...

    def exists(self, sha256: str) -> bool: ...

    def open(self, sha256: str) -> bytes: ...


def relpath(sha256: str) -> str:
    """ab/cd/<sha256>; refuses anything that is not a hex SHA-256 (no path tricks)."""
    if not _SHA256.fullmatch(sha256):
        raise ArtifactError(f"not a sha256: {sha256!r}")
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"


def hash_file(path: Path) -> tuple[str, int]:
    """(sha256, size) of a file, read in chunks."""
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def verified(sha256: str, data: bytes) -> bytes:
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ArtifactError(f"artifact {sha256} was altered: its content hash differs")
    return data


def store_for(settings: Settings) -> EvidenceStore:
    """The store the settings name: a bucket (ZHENWEI_EVIDENCE_URL) or a directory."""
    if settings.evidence_s3 is not None:
        # imported here: a run on the local store never loads the S3 client
        from storage.s3store import S3Store

        return S3Store(settings.evidence_s3, ca_file=settings.ssl_cert_file)
    from storage.localstore import LocalStore

    return LocalStore(settings.artifacts_dir or settings.data_dir / "artifacts")
