"""zhenwei/malloc.py: the arena limit is set once at start, and an operator's choice wins."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import zhenwei.cli
from zhenwei.malloc import limit_arenas


def test_an_operators_malloc_arena_max_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert limit_arenas() is False


def test_glibc_takes_the_limit_and_the_cli_sets_it() -> None:
    # a fresh interpreter, so that the limit is set before any thread (as `zhenwei` does)
    code = "import os; os.environ.pop('MALLOC_ARENA_MAX', None)\n" \
        "from zhenwei.malloc import limit_arenas; print(limit_arenas())"  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
    assert "malloc.limit_arenas()" in Path(zhenwei.cli.__file__).read_text("utf-8")
