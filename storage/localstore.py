"""The evidence store in a directory (local disk or a shared mount)."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from storage.evidencestore import (
    ArtifactError,
    StoredArtifact,
    hash_file,
    relpath,
    verified,
)

log = logging.getLogger(__name__)

_CHUNK = 1 << 20
_EMPTY = hashlib.sha256(b"").hexdigest()


class LocalStore:
    """Files named by their SHA-256; writes are atomic (tmp + os.replace), reads verified."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    @property
    def location(self) -> str:
        return str(self.root)

    def path(self, sha256: str) -> Path:
        return self.root / relpath(sha256)

    def put(self, data: bytes, media_type: str) -> StoredArtifact:
        digest = hashlib.sha256(data).hexdigest()
        self._write(digest, lambda fh: fh.write(data))
        return StoredArtifact(digest, len(data), media_type, relpath(digest))

    def put_file(self, path: Path, media_type: str) -> StoredArtifact:
        digest, size = hash_file(path)

        def copy(out: BinaryIO) -> None:
            with open(path, "rb") as src:
                while chunk := src.read(_CHUNK):
                    out.write(chunk)

        self._write(digest, copy)
        return StoredArtifact(digest, size, media_type, relpath(digest))

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def open(self, sha256: str) -> bytes:
        """The artifact's bytes, after checking they still hash to `sha256`."""
        target = self.path(sha256)
        try:
            data = target.read_bytes()
        except FileNotFoundError:
            raise ArtifactError(f"artifact {sha256} is missing from {self.root}") from None
        return verified(sha256, data)

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
