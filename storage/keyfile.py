"""Secret files of the data directory (audit HMAC key, session signing key): random bytes,
written once with mode 0600, never stored in the database they protect."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

#: a key shorter than this is refused: it could be guessed or brute-forced offline
MIN_KEY_BYTES = 32


class KeyFileError(ValueError):
    """A key file that is missing, unreadable, too short or readable by others."""


def read_key(path: Path) -> bytes:
    """The key in `path` (hex text); KeyFileError when missing or weak."""
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        raise KeyFileError(f"{path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise KeyFileError(f"{path} is unreadable: {exc}") from None
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise KeyFileError(f"{path} does not hold a hex key") from None
    if len(key) < MIN_KEY_BYTES:
        raise KeyFileError(f"{path} holds {len(key)} bytes; at least {MIN_KEY_BYTES} are needed")
    return key


def create_key(path: Path) -> bytes:
    """Write a new random key to `path` (mode 0600); refuses to overwrite an existing one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(MIN_KEY_BYTES)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(key.hex() + "\n")
    return key


def read_or_create(path: Path) -> bytes:
    """The key in `path`, made first if there is none (racing creators agree on one file)."""
    try:
        return read_key(path)
    except KeyFileError:
        if path.exists():
            raise
    try:
        return create_key(path)
    except FileExistsError:
        return read_key(path)
