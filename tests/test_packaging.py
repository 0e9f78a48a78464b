"""The packages import from this repository, not from PyPI projects of the same names."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "name", ["core", "detectors", "storage", "crawler", "pipelines", "zhenwei", "simworld"]
)
def test_package_imports_from_repo(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__file__ is not None
    assert Path(module.__file__).resolve().parent == REPO / name


@pytest.mark.parametrize(
    "name", ["core", "detectors", "storage", "crawler", "pipelines", "zhenwei", "simworld"]
)
def test_package_imports_from_repo_outside_the_checkout(name: str, tmp_path: Path) -> None:
    # From another directory, only the editable install can point back here.
    out = subprocess.run(
        [sys.executable, "-c", f"import {name}; print({name}.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert Path(out.stdout.strip()).resolve().parent == REPO / name


def test_console_script_runs() -> None:
    exe = Path(sys.executable).with_name("zhenwei")
    out = subprocess.run([str(exe), "--help"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "zhenwei" in out.stdout
    for cmd in ("fetch", "detectors"):
        assert cmd in out.stdout
