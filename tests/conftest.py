"""Shared fixtures. The network guard is installed before anything else is imported."""

from __future__ import annotations

import os
import sys
from pathlib import Path

GUARD_DIR = Path(__file__).parent / "netguard"
sys.path.insert(0, str(GUARD_DIR))
import sitecustomize as _netguard  # noqa: E402  (tests/netguard/sitecustomize.py)

assert _netguard.__file__ and Path(_netguard.__file__).parent == GUARD_DIR, _netguard.__file__
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(GUARD_DIR)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
)
# Never let a stray proxy setting of the developer's shell leak into a test.
for _var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
    os.environ.pop(_var, None)
os.environ.setdefault("ZHENWEI_TESTING", "1")

import pytest  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """Browser tests fail (never skip) when Debian's Chromium is missing."""
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is not installed: run `make test` (it installs it)")
    return CHROMIUM
