"""One contract test over every discovered detector (STYLE rule 2)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from core.failures import Failure, FailureKind
from core.signals import Lookups, Reference, Signal
from core.types import Page
from detectors.registry import all_detectors, detector_modules, triage_detectors
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
    assert isinstance(det.weight, float) and 0.0 < det.weight <= 1.0
    assert isinstance(det.triage, bool)
    short = module.__name__.rsplit(".", 1)[1]  # type: ignore[attr-defined]
    assert (TESTS / f"test_{short}.py").exists(), f"tests/test_{short}.py is missing"


@pytest.mark.parametrize("module", detector_modules(), ids=lambda m: m.__name__)
def test_detector_survives_an_empty_page(module: object) -> None:
    from core.profiles import default_profile

    page = Page(
        url="http://example.invalid/",
        final_url="http://example.invalid/",
        status=None,
        fetched_at=datetime.now(UTC),
        user_agent="ua",
        failure=Failure.of(FailureKind.DNS),
    )
    det = module.detector  # type: ignore[attr-defined]
    signals = det.detect(page, Reference(target=default_profile()), Lookups())
    assert isinstance(signals, list)
    for s in signals:
        assert isinstance(s, Signal)
        assert s.detector == det.name, "scoring weighs a signal by its detector's name"
        json.dumps(dict(s.details), ensure_ascii=False)
        assert s.reason


def test_cli_lists_exactly_the_discovered_detectors() -> None:
    result = CliRunner().invoke(main, ["detectors", "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines() if line.strip()]
    assert [r["name"] for r in rows] == [d.name for d in all_detectors()]
    assert [(r["version"], r["weight"], r["triage"]) for r in rows] == [
        (d.version, d.weight, d.triage) for d in all_detectors()
    ]
    table = CliRunner().invoke(main, ["detectors"])
    assert table.exit_code == 0 and "权重" in table.output and "初筛" in table.output


def test_triage_is_selected_by_the_flag() -> None:
    assert triage_detectors() == tuple(d for d in all_detectors() if d.triage)
    # the cheap stage judges names and raw HTML; nothing that needs a browser or lookups
    assert {"domain", "content"} <= {d.name for d in triage_detectors()}
    assert not {"visual", "cloaking", "registration"} & {d.name for d in triage_detectors()}
