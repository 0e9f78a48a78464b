"""One contract test over every discovered detector (STYLE rule 2)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from core.signals import Lookups, Reference, Signal
from core.types import Page
from detectors.registry import all_detectors, detector_modules
from zhenwei.cli import main

TESTS = Path(__file__).parent
EXPECTED = {"domain", "content", "visual", "registration", "cloaking"}


def test_every_expected_detector_is_discovered() -> None:
    names = {d.name for d in all_detectors()}
    assert EXPECTED <= names, f"missing: {EXPECTED - names}"


@pytest.mark.parametrize("module", detector_modules(), ids=lambda m: m.__name__)
def test_detector_metadata_and_test_file(module: object) -> None:
    det = module.detector  # type: ignore[attr-defined]
    assert re.fullmatch(r"[a-z][a-z0-9_]*", det.name)
    assert re.fullmatch(r"\d+\.\d+(\.\d+)?", det.version)
    assert re.search(r"[\u4e00-\u9fff]", det.description), "description must be Chinese"
    short = module.__name__.rsplit(".", 1)[1]  # type: ignore[attr-defined]
    assert (TESTS / f"test_{short}.py").exists(), f"tests/test_{short}.py is missing"


@pytest.mark.parametrize("module", detector_modules(), ids=lambda m: m.__name__)
def test_detector_survives_an_empty_page(module: object) -> None:
    from core.profiles import default_profile

    page = Page(url="http://example.invalid/", final_url="http://example.invalid/", status=None,
                fetched_at=datetime.now(UTC), user_agent="ua", error="无法解析域名")
    signals = module.detector.detect(page, Reference(target=default_profile()), Lookups())  # type: ignore[attr-defined]
    assert isinstance(signals, list)
    for s in signals:
        assert isinstance(s, Signal)
        json.dumps(dict(s.details), ensure_ascii=False)
        assert s.reason


def test_cli_lists_exactly_the_discovered_detectors() -> None:
    result = CliRunner().invoke(main, ["detectors", "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines() if line.strip()]
    assert [r["name"] for r in rows] == [d.name for d in all_detectors()]
    assert all(r["version"] for r in rows)
