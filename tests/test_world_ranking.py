"""The labelled simulated world, checked in one `zhenwei check` subprocess: rankings, not scores.

A failure message names the site, its score and its strongest signals, so the detector or the
weight (detectors/scoring.toml) at fault can be found; fix those, never loosen these asserts.
"""

from __future__ import annotations

import pytest

from simworld.evaluate import (
    Evaluation,
    LabelledSite,
    evaluate,
    format_report,
    labelled_sites,
    run_world,
)


@pytest.fixture(scope="module")
def world_eval(simnet, tmp_path_factory: pytest.TempPathFactory) -> Evaluation:  # type: ignore[no-untyped-def]
    run = run_world(simnet, tmp_path_factory.mktemp("world-eval"), concurrency=4, timeout=30)
    ev = evaluate(run)
    print(format_report(ev))  # shown with -s, and in the failure report
    return ev


def test_world_has_every_label(simnet) -> None:  # type: ignore[no-untyped-def]
    sites = labelled_sites(simnet.world)
    assert {s.label for s in sites} == {"official", "counterfeit", "seller", "parked", "benign"}
    assert all(isinstance(s, LabelledSite) and s.url.startswith("http") for s in sites)


def test_every_site_reported(simnet, world_eval: Evaluation) -> None:  # type: ignore[no-untyped-def]
    assert not world_eval.run.missing
    expected = {s.url for s in labelled_sites(simnet.world)}
    assert {o.site.url for o in world_eval.run.outcomes} == expected


def _pairs(violations) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(f"{h.brief()}\n   <= {b.brief()}" for h, b in violations)


def test_every_counterfeit_scores_above_every_benign_site(world_eval: Evaluation) -> None:
    assert not world_eval.counterfeit_violations, _pairs(world_eval.counterfeit_violations)


def test_every_seller_scores_above_every_benign_site(world_eval: Evaluation) -> None:
    assert not world_eval.seller_violations, _pairs(world_eval.seller_violations)


def test_every_official_site_is_official(world_eval: Evaluation) -> None:
    assert not world_eval.officials_not_official, "\n".join(
        o.brief() for o in world_eval.officials_not_official
    )


def test_every_counterfeit_variant_class_is_caught(world_eval: Evaluation) -> None:
    missed = {tag: m for tag, (_, m) in world_eval.variants.items() if m}
    briefs = [
        o.brief()
        for o in world_eval.run.outcomes
        if o.site.label == "counterfeit" and o.verdict != "counterfeit"
    ]
    assert not missed, f"variant classes with missed sites: {missed}\n" + "\n".join(briefs)
