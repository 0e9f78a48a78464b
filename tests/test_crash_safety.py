"""Crash safety, measured (issue 9, item 10): scripts/crash_safety.py with a couple of SIGKILLs
at random moments must end with the uninterrupted run's leads and captures, nothing lost or
duplicated and every artifact intact. `--kills 20` is the figure of the report."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.timeout(1800)
SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "crash_safety.py"


def test_two_random_sigkills_lose_and_duplicate_nothing(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--kills",
            "2",
            "--seed",
            "7",
            "--sites",
            "6",
            "--workdir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=1700,
        check=False,
    )
    print(proc.stdout)
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    assert "RESULT: nothing lost, nothing duplicated" in proc.stdout
    assert "landed" in proc.stdout
