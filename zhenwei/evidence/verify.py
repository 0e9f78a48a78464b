"""Check an evidence package: every hash in SHA256SUMS and manifest.json, and the signature."""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

SUMS = "SHA256SUMS"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.json.sig"
PUBLIC_KEY = "manifest.pub.pem"
#: files that manifest.json cannot list (itself, and what is written after it)
NOT_IN_MANIFEST = frozenset({MANIFEST, SUMS, SIGNATURE, PUBLIC_KEY})


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of checking one package; falsy when anything is wrong."""

    ok: bool
    files: int
    problems: tuple[str, ...]
    signed: bool = False
    key_fingerprint: str | None = None

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


def verify_package(path: Path, public_key_pem: bytes | None = None) -> VerifyResult:
    """Recompute every hash; with `public_key_pem` a valid signature by that key is required."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = [i.filename for i in infos]
            contents = {name: zf.read(name) for name in names if not name.endswith("/")}
    except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
        return VerifyResult(False, 0, (f"cannot read {path}: {exc}",))

    problems: list[str] = []
    seen: set[str] = set()
    for name in names:
        if name in seen:
            problems.append(f"{name} appears twice in the zip")
        seen.add(name)
        if name.startswith("/") or ".." in name.split("/"):
            problems.append(f"{name} has an unsafe path")
    digests = {name: hashlib.sha256(data).hexdigest() for name, data in contents.items()}

    if SUMS not in contents:
        return VerifyResult(False, len(contents), (*problems, f"{SUMS} is missing"))
    try:
        sums, sum_problems = parse_sums(contents[SUMS].decode("utf-8"))
    except UnicodeDecodeError:
        return VerifyResult(False, len(contents), (*problems, f"{SUMS} is not UTF-8 text"))
    problems += sum_problems
    for name, digest in sorted(sums.items()):
        if name not in digests:
            problems.append(f"{name}: listed in {SUMS} but missing from the package")
        elif digests[name] != digest:
            problems.append(f"{name}: content changed (SHA-256 differs from {SUMS})")
    for name in sorted(set(digests) - set(sums) - {SUMS}):
        problems.append(f"{name}: not listed in {SUMS} (added after export)")

    problems += _check_manifest(contents, digests)
    signed, fingerprint, sig_problems = _check_signature(contents, public_key_pem)
    problems += sig_problems
    return VerifyResult(not problems, len(contents), tuple(problems), signed, fingerprint)


def _check_manifest(contents: dict[str, bytes], digests: dict[str, str]) -> list[str]:
    if MANIFEST not in contents:
        return [f"{MANIFEST} is missing"]
    try:
        manifest = json.loads(contents[MANIFEST])
        files = manifest["files"]
        if not isinstance(files, dict):
            raise TypeError("files is not an object")
    except (ValueError, KeyError, TypeError) as exc:
        return [f"{MANIFEST} is unreadable: {exc}"]
    problems = []
    for name, digest in sorted(files.items()):
        if name not in digests:
            problems.append(f"{name}: listed in {MANIFEST} but missing from the package")
        elif digests[name] != digest:
            problems.append(f"{name}: content changed (SHA-256 differs from {MANIFEST})")
    for name in sorted(set(digests) - set(files) - NOT_IN_MANIFEST):
        problems.append(f"{name}: not listed in {MANIFEST}")
    return problems


def _check_signature(
    contents: dict[str, bytes], public_key_pem: bytes | None
) -> tuple[bool, str | None, list[str]]:
    signature = contents.get(SIGNATURE)
    if signature is None:
        if public_key_pem is not None:
            return False, None, [f"{SIGNATURE} is missing but a signature was required"]
        return False, None, []
    pem = public_key_pem if public_key_pem is not None else contents.get(PUBLIC_KEY)
    if pem is None:
        return False, None, [f"{SIGNATURE} present but no public key to check it"]
    try:
        key = load_public_key(pem)
    except ValueError as exc:
        return False, None, [f"public key unreadable: {exc}"]
    fingerprint = key_fingerprint(key)
    try:
        key.verify(signature, contents.get(MANIFEST, b""))
    except InvalidSignature:
        return (
            False,
            fingerprint,
            [f"{SIGNATURE}: signature does not match {MANIFEST} and key {fingerprint[:16]}"],
        )
    return True, fingerprint, []
