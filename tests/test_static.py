"""The packages stay typed (mypy --strict), lint-clean and formatted (ruff): STYLE rule 8."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def test_mypy_strict_on_packages() -> None:
    out = subprocess.run(
        [str(BIN / "mypy"), "--no-incremental"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]


def test_ruff_clean() -> None:
    out = subprocess.run(
        [str(BIN / "ruff"), "check", "--no-cache", "."],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stdout[-4000:]


def test_ruff_format_applied() -> None:
    """One formatting for every file, so a diff shows only what changed in meaning."""
    out = subprocess.run(
        [str(BIN / "ruff"), "format", "--check", "--no-cache", "."],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stdout[-4000:]
