"""Where the evidence store lives when it is an S3-compatible object store.

`ZHENWEI_EVIDENCE_URL=s3://bucket/prefix` with `ZHENWEI_S3_ENDPOINT=https://host:port` and the
standard `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` (`AWS_SESSION_TOKEN`). Parsed once by
`Settings.from_env`: a bad value is a ValueError there (a ConfigError at startup), never a
failure in the middle of a run.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

EVIDENCE_URL = "ZHENWEI_EVIDENCE_URL"
S3_ENDPOINT = "ZHENWEI_S3_ENDPOINT"
S3_REGION = "ZHENWEI_S3_REGION"
ARTIFACTS_DIR = "ZHENWEI_ARTIFACTS_DIR"

# S3's bucket naming rules (the strict ones every S3-compatible server accepts).
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


@dataclass(frozen=True)
class S3Location:
    """A bucket and key prefix on one endpoint, with the credentials to reach it."""

    bucket: str
    #: "" or segments joined by "/" (no leading or trailing slash)
    prefix: str
    #: `host[:port]`, as the client takes it
    endpoint: str
    #: https (True) or plain http
    secure: bool
    access_key: str = field(repr=False)
    secret_key: str = field(repr=False)
    session_token: str | None = field(default=None, repr=False)
    #: None: asked of the server once (GetBucketLocation)
    region: str | None = None

    @property
    def url(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}".rstrip("/")

    def key(self, relpath: str) -> str:
        return f"{self.prefix}/{relpath}" if self.prefix else relpath


def s3_from_env(env: Mapping[str, str]) -> S3Location | None:
    """The S3 evidence store the environment asks for; None: the local store."""
    raw = env.get(EVIDENCE_URL, "").strip()
    if not raw:
        if env.get(S3_ENDPOINT, "").strip():
            raise ValueError(f"{S3_ENDPOINT} is set but {EVIDENCE_URL} (s3://bucket/prefix) is not")
        return None
    if env.get(ARTIFACTS_DIR, "").strip():
        raise ValueError(
            f"{EVIDENCE_URL} and {ARTIFACTS_DIR} both name the evidence store: keep one"
        )
    bucket, prefix = _parse_url(raw)
    endpoint_raw = env.get(S3_ENDPOINT, "").strip()
    if not endpoint_raw:
        # No default endpoint on purpose: a forgotten variable must not send evidence to a
        # public cloud.
        raise ValueError(f"{EVIDENCE_URL} is an s3:// store: set {S3_ENDPOINT} (https://host:port)")
    endpoint, secure = _parse_endpoint(endpoint_raw)
    access_key = env.get("AWS_ACCESS_KEY_ID", "").strip()
    secret_key = env.get("AWS_SECRET_ACCESS_KEY", "").strip()
    if not access_key or not secret_key:
        raise ValueError(
            f"{EVIDENCE_URL} is an s3:// store: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
        )
    region = next(
        (v.strip() for k in (S3_REGION, "AWS_REGION", "AWS_DEFAULT_REGION") if (v := env.get(k))),
        None,
    )
    return S3Location(
        bucket=bucket,
        prefix=prefix,
        endpoint=endpoint,
        secure=secure,
        access_key=access_key,
        secret_key=secret_key,
        session_token=env.get("AWS_SESSION_TOKEN", "").strip() or None,
        region=region or None,
    )


def _parse_url(raw: str) -> tuple[str, str]:
    parts = urlsplit(raw)
    if parts.scheme != "s3":
        raise ValueError(
            f"{EVIDENCE_URL}: {raw!r} is not s3://bucket/prefix "
            f"(a local evidence store is set with {ARTIFACTS_DIR})"
        )
    if parts.query or parts.fragment or "@" in parts.netloc or ":" in parts.netloc:
        raise ValueError(f"{EVIDENCE_URL}: {raw!r}: only s3://bucket/prefix, nothing else")
    bucket = parts.netloc
    if not _BUCKET.fullmatch(bucket) or ".." in bucket or _is_ip(bucket):
        raise ValueError(
            f"{EVIDENCE_URL}: {bucket!r} is not a bucket name "
            "(3-63 characters: lower-case letters, digits, dots, hyphens)"
        )
    segments = [s for s in parts.path.split("/") if s]
    if any(s in (".", "..") for s in segments):
        raise ValueError(f"{EVIDENCE_URL}: {raw!r}: the prefix may not contain . or ..")
    return bucket, "/".join(segments)


def _parse_endpoint(raw: str) -> tuple[str, bool]:
    parts = urlsplit(raw)
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"{S3_ENDPOINT}: {raw!r} has a bad port") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{S3_ENDPOINT}: {raw!r} is not http(s)://host[:port]")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise ValueError(f"{S3_ENDPOINT}: {raw!r}: no path, query or credentials (only the host)")
    host = parts.hostname
    if ":" in host:
        host = f"[{host}]"
    return (f"{host}:{port}" if port else host), parts.scheme == "https"


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True
