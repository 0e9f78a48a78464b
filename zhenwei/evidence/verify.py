"""Check an evidence package: every hash in SHA256SUMS and manifest.json, the zip's own
structure, the audit-trail verdict recorded at export, and the signature.

Nothing is read whole: entries are hashed as streams with size limits, so a small zip that
claims (or inflates to) gigabytes costs a problem line, not the machine's memory. Every entry
must be a regular file named in the manifest: no directories, links, backslashes, duplicates,
data before the first entry or after the end record, nor a zip comment.
"""

from __future__ import annotations

import hashlib
import json
import stat
import zipfile
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

SUMS = "SHA256SUMS"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.json.sig"
PUBLIC_KEY = "manifest.pub.pem"
#: files that manifest.json cannot list (itself, and what is written after it)
NOT_IN_MANIFEST = frozenset({MANIFEST, SUMS, SIGNATURE, PUBLIC_KEY})
#: limits far above any real package (a screenshot, a page, a PDF) and far below harm
MAX_ENTRY = 512 << 20
MAX_TOTAL = 4 << 30
MAX_ENTRIES = 100_000
#: the small files read into memory to be parsed
MAX_META = 32 << 20
CHUNK = 1 << 20
_LOCAL_HEADER = b"PK\x03\x04"
_END_RECORD = b"PK\x05\x06"
_END_RECORD_SIZE = 22


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of checking one package; falsy when anything is wrong."""

    ok: bool
    files: int
    problems: tuple[str, ...]
    signed: bool = False
    key_fingerprint: str | None = None
    #: the signature is by a key the caller trusts (given, or in ZHENWEI_TRUSTED_KEYS)
    trusted: bool = False

    def __bool__(self) -> bool:
        return self.ok


def key_fingerprint(key: Ed25519PublicKey) -> str:
    """SHA-256 of the raw 32-byte public key, hex: short enough to read over the phone."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    """An Ed25519 public key from PEM; ValueError for anything else."""
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def parse_sums(text: str) -> tuple[dict[str, str], list[str]]:
    """`sha256sum` lines → {path: hash}, plus problems for malformed or repeated lines."""
    sums: dict[str, str] = {}
    problems: list[str] = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        digest, sep, name = line.partition("  ")
        if not sep:
            digest, sep, name = line.partition(" *")  # binary-mode marker
        digest = digest.strip().lower()
        if not sep or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            problems.append(f"{SUMS} line {n} is malformed: {line[:80]!r}")
            continue
        if name in sums:
            problems.append(f"{SUMS} lists {name} twice")
        sums[name] = digest
    return sums, problems


def _framing_problems(f: IO[bytes], size: int) -> list[str]:
    """Data before the first entry or after the end record, or a zip comment."""
    problems = []
    f.seek(0)
    if f.read(4) != _LOCAL_HEADER:
        problems.append("the zip does not start with its first entry (data prepended)")
    if size >= _END_RECORD_SIZE:
        f.seek(size - _END_RECORD_SIZE)
        tail = f.read(_END_RECORD_SIZE)
        if not tail.startswith(_END_RECORD) or tail[20:22] != b"\0\0":
            problems.append("the zip has a comment or data after its end record")
    return problems


def _entry_problems(info: zipfile.ZipInfo) -> list[str]:
    name = info.filename
    problems = []
    mode = info.external_attr >> 16
    if name.endswith("/") or info.is_dir():
        problems.append(
            f"{name}: a directory entry ({info.file_size} bytes); packages hold files only"
        )
    elif stat.S_IFMT(mode) not in (0, stat.S_IFREG):
        kind = "a symbolic link" if stat.S_ISLNK(mode) else "not a regular file"
        problems.append(f"{name}: {kind}")
    if "\\" in name:
        problems.append(f"{name}: backslash in the name")
    parts = name.split("/")
    if name.startswith("/") or ".." in parts or "" in parts[:-1] or ":" in parts[0]:
        problems.append(f"{name} has an unsafe path")
    if info.flag_bits & 0x1:
        problems.append(f"{name}: encrypted entry")
    return problems


def _hash_entry(zf: zipfile.ZipFile, info: zipfile.ZipInfo, keep: bool) -> tuple[str, bytes | None]:
    """SHA-256 of one entry as a stream (and its bytes when `keep`); ValueError past the limit."""
    limit = MAX_META if keep else MAX_ENTRY
    if info.file_size > limit:
        raise ValueError(f"declares {info.file_size} bytes, over the limit of {limit}")
    h = hashlib.sha256()
    kept = bytearray() if keep else None
    read = 0
    with zf.open(info) as stream:
        while block := stream.read(CHUNK):
            read += len(block)
            if read > limit:  # the header lied about the size
                raise ValueError(f"inflates past the limit of {limit} bytes")
            h.update(block)
            if kept is not None:
                kept += block
    return h.hexdigest(), bytes(kept) if kept is not None else None


def verify_package(
    path: Path,
    public_key_pem: bytes | None = None,
    *,
    trusted_fingerprints: Collection[str] = (),
) -> VerifyResult:
    """Recompute every hash. With `public_key_pem` a valid signature by that key is required;
    with `trusted_fingerprints` a valid signature by one of those keys; with neither, a
    signature proves integrity only (`trusted` stays False)."""
    problems: list[str] = []
    digests: dict[str, str] = {}
    meta: dict[str, bytes] = {}
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            problems += _framing_problems(f, size)
            with zipfile.ZipFile(f) as zf:
                if zf.comment:
                    problems.append("the zip carries a comment")
                infos = zf.infolist()
                if len(infos) > MAX_ENTRIES:
                    return VerifyResult(False, 0, (f"{len(infos)} entries, over {MAX_ENTRIES}",))
                seen: set[str] = set()
                total = 0
                for info in infos:
                    name = info.filename
                    if name in seen:
                        problems.append(f"{name} appears twice in the zip")
                        continue
                    seen.add(name)
                    entry = _entry_problems(info)
                    problems += entry
                    if entry:
                        continue
                    total += info.file_size
                    if total > MAX_TOTAL:
                        problems.append(f"entries exceed {MAX_TOTAL} bytes in all; rest not read")
                        break
                    try:
                        digest, data = _hash_entry(zf, info, keep=name in NOT_IN_MANIFEST)
                    except ValueError as exc:
                        problems.append(f"{name}: {exc}")
                        continue
                    digests[name] = digest
                    if data is not None:
                        meta[name] = data
    except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        return VerifyResult(False, 0, (*problems, f"cannot read {path}: {exc}"))

    if SUMS not in meta:
        return VerifyResult(False, len(digests), (*problems, f"{SUMS} is missing"))
    try:
        sums, sum_problems = parse_sums(meta[SUMS].decode("utf-8"))
    except UnicodeDecodeError:
        return VerifyResult(False, len(digests), (*problems, f"{SUMS} is not UTF-8 text"))
    problems += sum_problems
    for name, digest in sorted(sums.items()):
        if name not in digests:
            problems.append(f"{name}: listed in {SUMS} but missing from the package")
        elif digests[name] != digest:
            problems.append(f"{name}: content changed (SHA-256 differs from {SUMS})")
    for name in sorted(set(digests) - set(sums) - {SUMS}):
        problems.append(f"{name}: not listed in {SUMS} (added after export)")

    problems += _check_manifest(meta, digests)
    signed, fingerprint, trusted, sig_problems = _check_signature(
        meta, public_key_pem, frozenset(f.lower() for f in trusted_fingerprints)
    )
    problems += sig_problems
    return VerifyResult(not problems, len(digests), tuple(problems), signed, fingerprint, trusted)


def _check_manifest(meta: dict[str, bytes], digests: dict[str, str]) -> list[str]:
    if MANIFEST not in meta:
        return [f"{MANIFEST} is missing"]
    try:
        manifest = json.loads(meta[MANIFEST])
        files = manifest["files"]
        if not isinstance(files, dict):
            raise TypeError("files is not an object")
    except (ValueError, KeyError, TypeError) as exc:
        return [f"{MANIFEST} is unreadable: {exc}"]
    problems = []
    chain = manifest.get("audit_chain")
    if not isinstance(chain, dict) or chain.get("ok") is not True:
        reason = chain.get("reason") if isinstance(chain, dict) else "not recorded"
        forced = (
            " (exported with --force)"
            if isinstance(chain, dict) and chain.get("forced_export")
            else ""
        )
        problems.append(f"the lead's review audit trail was broken at export{forced}: {reason}")
    for name, digest in sorted(files.items()):
        if name not in digests:
            problems.append(f"{name}: listed in {MANIFEST} but missing from the package")
        elif digests[name] != digest:
            problems.append(f"{name}: content changed (SHA-256 differs from {MANIFEST})")
    for name in sorted(set(digests) - set(files) - NOT_IN_MANIFEST):
        problems.append(f"{name}: not listed in {MANIFEST}")
    return problems


def _check_signature(
    meta: dict[str, bytes], public_key_pem: bytes | None, trusted: frozenset[str]
) -> tuple[bool, str | None, bool, list[str]]:
    """(signed, fingerprint, by a trusted key, problems)."""
    required = public_key_pem is not None or bool(trusted)
    signature = meta.get(SIGNATURE)
    if signature is None:
        if required:
            return False, None, False, [f"{SIGNATURE} is missing but a signature was required"]
        return False, None, False, []
    pem = public_key_pem if public_key_pem is not None else meta.get(PUBLIC_KEY)
    if pem is None:
        return False, None, False, [f"{SIGNATURE} present but no public key to check it"]
    try:
        key = load_public_key(pem)
    except ValueError as exc:
        return False, None, False, [f"public key unreadable: {exc}"]
    fingerprint = key_fingerprint(key)
    try:
        key.verify(signature, meta.get(MANIFEST, b""))
    except InvalidSignature:
        problem = f"{SIGNATURE}: signature does not match {MANIFEST} and key {fingerprint[:16]}"
        return False, fingerprint, False, [problem]
    if public_key_pem is not None:
        return True, fingerprint, True, []
    if trusted:
        if fingerprint not in trusted:
            return (
                True,
                fingerprint,
                False,
                [f"signed by key {fingerprint[:16]}…, which is not among the trusted keys"],
            )
        return True, fingerprint, True, []
    return True, fingerprint, False, []
