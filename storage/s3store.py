"""The evidence store in an S3-compatible bucket (MinIO, Ceph RGW, a cloud's object storage).

Same key layout as the local store (<prefix>/ab/cd/<sha256>) and the same guarantees: a PUT
is atomic on the server (an object is whole or absent, so no temporary key is needed), an
object already there is not sent again, and every read is checked against its name.

The endpoint is the unit's own infrastructure, not a crawl target: the crawl egress policy
(core/netpath/egress.py, which refuses private addresses) does not apply to it, and neither
does the crawl proxy (HTTP(S)_PROXY): evidence never leaves through the crawler's exit.
urllib3 ignores proxy variables unless told, and we do not tell it.
"""

from __future__ import annotations

import hashlib
import io
import logging
import ssl
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TypeVar

from core.s3config import S3Location
from storage.evidencestore import (
    ArtifactError,
    StoredArtifact,
    StoreUnavailable,
    hash_file,
    relpath,
    verified,
)

if TYPE_CHECKING:
    from minio import Minio
    from urllib3 import PoolManager

log = logging.getLogger(__name__)

T = TypeVar("T")

#: a store that is down fails a request in ~1 s when refused, ~20 s when packets are dropped
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 60.0
RETRIES = 3
_ABSENT = ("NoSuchKey", "NotFound")


class _Absent(Exception):
    """The server answered: no such object."""


class S3Store:
    """Artifacts as objects named by their SHA-256; the client is made on first use, so a
    store that is down fails the requests that need it (StoreUnavailable), not the start."""

    def __init__(self, where: S3Location, *, ca_file: Path | None = None) -> None:
        self.where = where
        self._ca_file = ca_file
        self._client: Minio | None = None
        self._lock = threading.Lock()

    @property
    def location(self) -> str:
        return self.where.url

    def key(self, sha256: str) -> str:
        return self.where.key(relpath(sha256))

    def put(self, data: bytes, media_type: str) -> StoredArtifact:
        digest = hashlib.sha256(data).hexdigest()
        if not self._stored(digest, len(data)):
            self._upload(digest, io.BytesIO(data), len(data), media_type)
        return StoredArtifact(digest, len(data), media_type, relpath(digest))

    def put_file(self, path: Path, media_type: str) -> StoredArtifact:
        digest, size = hash_file(path)
        if not self._stored(digest, size):
            with open(path, "rb") as fh:
                self._upload(digest, fh, size, media_type)
        return StoredArtifact(digest, size, media_type, relpath(digest))

    def exists(self, sha256: str) -> bool:
        return self._size(self.key(sha256)) is not None

    def open(self, sha256: str) -> bytes:
        """The object's bytes, after checking they still hash to `sha256`."""
        key = self.key(sha256)

        def read(client: Minio) -> bytes:
            response = client.get_object(self.where.bucket, key)
            try:
                return response.read()
            finally:
                response.close()
                response.release_conn()

        try:
            data = self._call(f"read {key}", read)
        except _Absent:
            raise ArtifactError(f"artifact {sha256} is missing from {self.location}") from None
        return verified(sha256, data)

    def _stored(self, digest: str, size: int) -> bool:
        """Stored already: an object of that name and size (a PUT is never partial)."""
        return self._size(self.key(digest)) == size

    def _size(self, key: str) -> int | None:
        try:
            stat = self._call(f"look up {key}", lambda c: c.stat_object(self.where.bucket, key))
        except _Absent:
            return None
        return stat.size

    def _upload(self, digest: str, body: BinaryIO, size: int, media_type: str) -> None:
        key = self.key(digest)
        # One PUT (multipart above 5 MiB): the object appears whole when it completes.
        self._call(
            f"write {key}",
            lambda c: c.put_object(self.where.bucket, key, body, size, content_type=media_type),
        )
        log.debug("stored artifact %s in %s", digest, self.location)

    def _call(self, what: str, request: Callable[[Minio], T]) -> T:
        """Run one request; every failure of the store itself becomes StoreUnavailable."""
        from minio.error import MinioException, S3Error
        from urllib3.exceptions import HTTPError

        try:
            return request(self._connect())
        except S3Error as exc:
            if exc.code in _ABSENT:
                raise _Absent from None
            raise StoreUnavailable(f"evidence store {self.location}: {what}: {exc}") from exc
        except (MinioException, HTTPError, OSError) as exc:
            raise StoreUnavailable(f"evidence store {self.location}: {what}: {exc}") from exc

    def _connect(self) -> Minio:
        with self._lock:
            if self._client is None:
                from minio import Minio  # here: a run on the local store never imports it

                w = self.where
                self._client = Minio(
                    w.endpoint,
                    access_key=w.access_key,
                    secret_key=w.secret_key,
                    session_token=w.session_token,
                    secure=w.secure,
                    region=w.region,
                    http_client=self._http(),
                )
            return self._client

    def _http(self) -> PoolManager:
        import urllib3

        # The system's CAs plus SSL_CERT_FILE (a unit's own CA), as for every other TLS check.
        context = ssl.create_default_context()
        if self._ca_file is not None:
            context.load_verify_locations(cafile=str(self._ca_file))
        return urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=CONNECT_TIMEOUT, read=READ_TIMEOUT),
            maxsize=8,
            retries=urllib3.Retry(
                total=RETRIES, backoff_factor=0.2, status_forcelist=(500, 502, 503, 504)
            ),
            ssl_context=context,
        )
