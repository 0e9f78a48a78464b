"""The source registry, the shared state store, and one contract over every source."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.sources.registry import SOURCES, UnknownSourceError, build_sources
from crawler.sources.state import SourceState


def test_every_source_builds_with_its_name_and_has_a_test() -> None:
    sources = build_sources(None)
    # the feed source runs only with `--feed FILE`
    assert [s.name for s in sources] == [n for n in SOURCES if n != "feed"]
    tests = {p.name for p in Path(__file__).parent.glob("test_sources_*.py")}
    for name in SOURCES:
        assert any(
            name in t or (name in ("links", "recheck") and "links_recheck" in t) for t in tests
        ), name
        assert callable(build_sources([name])[0].collect)


def test_unknown_source_is_a_clear_error() -> None:
    with pytest.raises(UnknownSourceError, match="unknown source.*'dnstwist'|dnstwist"):
        build_sources(["seeds", "dnstwist"])
    assert [s.name for s in build_sources(["seeds", " ct ", "seeds"])] == ["seeds", "ct"]


def test_state_store_round_trip_and_damage(tmp_path: Path) -> None:
    store = SourceState.under(tmp_path)
    assert store.load("ct") == {}
    store.save("ct", {"cursors": {"%mem%gov%": {"last_entry_timestamp": "2026-01-01"}}})
    assert json.loads((tmp_path / "state" / "ct.json").read_text("utf-8"))["cursors"]
    assert store.load("ct")["cursors"]["%mem%gov%"]["last_entry_timestamp"] == "2026-01-01"
    assert not list((tmp_path / "state").glob("*.tmp"))  # atomic: no temp file left behind
    (tmp_path / "state" / "ct.json").write_text("{broken", "utf-8")
    assert store.load("ct") == {}  # a damaged file means a full backfill, not a crash
    with pytest.raises(ValueError):
        store.path("../etc")
