"""Rates on a generated TUNING world, checked end to end (`zhenwei reference update` and
`zhenwei evaluate` in subprocesses, through the simulated internet).

Only the tuning split is asserted on; the held-out split is what bench/evaluate_heldout.py
reports and nothing is fitted to it. The asserts are rates over generated classes, not the
rank of a named site: a world drawn from another seed must pass them too.
"""

from __future__ import annotations

import pytest

from simworld import SimulatedInternet
from simworld.evaluate import WorldEvaluation, run_evaluation
from simworld.generate import GeneratedWorld, generate

SEED, SIZE = 11, 60


@pytest.fixture(scope="module")
def world() -> GeneratedWorld:
    return generate(SEED, "tune", SIZE)


@pytest.fixture(scope="module")
def evaluation(world: GeneratedWorld, tmp_path_factory: pytest.TempPathFactory) -> WorldEvaluation:
    tmp = tmp_path_factory.mktemp("world-eval")
    with SimulatedInternet(world.world, workdir=tmp / "net") as net:
        ev = run_evaluation(net, tmp / "run", entries=world.entries, timeout=30, concurrency=4)
    print(ev.text)  # shown with -s, and in the failure report
    return ev


def rate(table: dict, key: str) -> float:  # type: ignore[type-arg]
    return float(table[key]["rate"])


def test_every_labelled_page_is_reported(
    world: GeneratedWorld, evaluation: WorldEvaluation
) -> None:
    assert not evaluation.report["missing"]
    assert evaluation.report["pages"] == sum(1 for e in world.entries if e.url)


def test_the_genuine_platform_home_is_official(evaluation: WorldEvaluation) -> None:
    genuine = [
        e
        for e in evaluation.report["false_positives"]
        if e["url"].rstrip("/").endswith("cx.mem.gov.cn")
    ]
    assert not genuine, evaluation.text


def test_every_clone_of_the_platform_is_flagged(evaluation: WorldEvaluation) -> None:
    """Each kit that copies the platform's pages (saved clone, JSP copy, re-laid-out copy,
    JS-rendered copy) is caught on every generated site of the tuning world."""
    by_class = evaluation.report["recall_by_class"]
    for kit in ("vue-clone", "jsp-copy", "relayout", "spa-js"):
        if kit in by_class:
            assert rate(by_class, kit) == 1.0, f"{kit}: {by_class[kit]}\n{evaluation.text}"


def test_counterfeits_and_sellers_are_found(evaluation: WorldEvaluation) -> None:
    assert evaluation.report["recall"] >= 0.9, evaluation.text
    assert evaluation.report["lead_recall"] >= 0.8, evaluation.text


# Issue 8's targets, asserted on the tuning split (the held-out split is only reported, by
# bench/evaluate_heldout.py).


def test_target_recall_of_counterfeits_and_sellers_is_complete(
    evaluation: WorldEvaluation,
) -> None:
    assert evaluation.report["recall"] == 1.0, evaluation.text


def test_target_every_official_page_is_official(evaluation: WorldEvaluation) -> None:
    official = evaluation.report["officials_official"]
    assert official["official"] == official["pages"], evaluation.text


def test_target_false_positive_rates(evaluation: WorldEvaluation) -> None:
    assert evaluation.report["fpr"] <= 0.01, evaluation.text
    worst = max(v["rate"] or 0.0 for v in evaluation.report["fpr_by_class"].values())
    assert worst <= 0.02, evaluation.text


def test_target_average_precision(evaluation: WorldEvaluation) -> None:
    assert evaluation.report["average_precision"] >= 0.99, evaluation.text
