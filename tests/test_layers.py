"""The layer order is readable from the tree and no import goes up a layer (issue 7).

core → detectors, storage → crawler → pipelines → zhenwei; simworld stands apart (it may use
core; only the demo command imports it). Every import counts, also those inside functions.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

#: package → our packages it may import (itself always allowed)
ALLOWED: dict[str, frozenset[str]] = {
    "core": frozenset(),
    "detectors": frozenset({"core"}),
    "storage": frozenset({"core"}),
    "crawler": frozenset({"core"}),
    "pipelines": frozenset({"core", "detectors", "storage", "crawler"}),
    "zhenwei": frozenset({"core", "detectors", "storage", "crawler", "pipelines"}),
    "simworld": frozenset({"core"}),
}
#: the one module of the product that starts the simulated internet
SIMWORLD_USERS = frozenset({"zhenwei/commands/demo.py"})


def imported_packages(path: Path) -> Iterator[tuple[int, str]]:
    """(line, top-level package) of every absolute import in one file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.split(".")[0]


def violations(root: Path) -> list[str]:
    """Every import in `root`'s packages that goes up (or sideways) a layer."""
    out = []
    for package, allowed in ALLOWED.items():
        for path in sorted((root / package).rglob("*.py")):
            rel = path.relative_to(root).as_posix()
            if "/world/" in rel:
                continue  # world data generators, never imported
            for line, imported in imported_packages(path):
                if imported not in ALLOWED or imported == package or imported in allowed:
                    continue
                if imported == "simworld" and rel in SIMWORLD_USERS:
                    continue
                out.append(f"{rel}:{line} imports {imported}")
    return out


def test_every_layer_package_exists() -> None:
    for package in ALLOWED:
        assert (REPO / package / "__init__.py").is_file(), package


def test_no_import_goes_up_a_layer() -> None:
    assert violations(REPO) == []


@pytest.mark.parametrize(
    ("where", "line", "expected"),
    [
        (
            "core/planted.py",
            "from storage.db import Database\n",
            "core/planted.py:1 imports storage",
        ),
        (
            "detectors/planted.py",
            "import crawler.runner\n",
            "detectors/planted.py:1 imports crawler",
        ),
        (
            "crawler/planted.py",
            "def f():\n    from pipelines import scoring\n",
            "crawler/planted.py:2 imports pipelines",
        ),
        ("zhenwei/planted.py", "import simworld\n", "zhenwei/planted.py:1 imports simworld"),
    ],
)
def test_a_planted_upward_import_is_caught(
    tmp_path: Path, where: str, line: str, expected: str
) -> None:
    for package in ALLOWED:
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / where).write_text(line)
    assert violations(tmp_path) == [expected]


PACKAGES = tuple(ALLOWED)


def _sources() -> Iterator[tuple[str, str]]:
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            rel = path.relative_to(REPO).as_posix()
            if "/world/" not in rel:
                yield rel, path.read_text(encoding="utf-8")


def _places(pattern: str, *, outside: str = "") -> list[str]:
    import re

    rx = re.compile(pattern)
    return sorted(
        rel
        for rel, text in _sources()
        if rx.search(text) and not (outside and rel.startswith(outside))
    )


def test_one_place_runs_scrapy() -> None:
    assert _places(r"\bCrawler(Process|Runner)\(") == ["crawler/runner.py"]


def test_one_place_scores_a_page() -> None:
    # detectors/ composes its own analyzers; everyone else gets a ScoredPage from the pipeline
    # (whose worker process runs the same scorer on the second core)
    assert _places(r"\.analyze\(", outside="detectors/") == [
        "pipelines/scorepool.py",
        "pipelines/scoring.py",
    ]


def test_one_table_of_verdict_labels() -> None:
    assert _places(r"[\"']counterfeit[\"']\s*:\s*[\"']仿冒") == ["core/labels.py"]


MAX_LINES = 400


def test_modules_stay_small_or_say_why() -> None:
    """A module over MAX_LINES lines states why at its top ("Longer than 400 lines: ...")."""
    too_long = [
        f"{rel} ({text.count(chr(10))} lines)"
        for rel, text in _sources()
        if text.count("\n") > MAX_LINES and "Longer than 400 lines:" not in text[:2000]
    ]
    assert too_long == []
