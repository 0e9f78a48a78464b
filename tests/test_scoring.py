"""Scoring: documented weights turn signals into a score, a verdict and categories."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.signals import (
    GOVERNMENT_HOST,
    KNOWN_INFRASTRUCTURE,
    PLATFORM_SPECIFIC,
    UNRELATED_CONTENT,
    Signal,
)
from detectors.registry import all_detectors, weights
from detectors.scoring import ScoringConfig, combine

CFG = ScoringConfig.load()
#: the weights the shipped detectors declare
W = weights(all_detectors())


def judge(signals: list[Signal], cfg: ScoringConfig = CFG):
    return combine(signals, W, cfg)


def sig(det: str, score: float, *cats: str, official: bool = False, **details: object) -> Signal:
    return Signal(det, "1.0", score, f"{det} 理由", details, tuple(cats), official)


def test_no_signals_is_benign_zero() -> None:
    j = judge([], CFG)
    assert (j.score, j.verdict, j.categories) == (0, "benign", ())


def test_identity_claim_with_form_and_lookalike_is_counterfeit() -> None:
    j = judge([sig("content", 0.95, "impersonation"), sig("domain", 0.8, "impersonation")], CFG)
    assert j.verdict == "counterfeit" and j.score >= CFG.counterfeit
    assert j.categories == ("impersonation",)


def test_lookalike_name_alone_is_only_suspicious() -> None:
    j = judge([sig("domain", 0.9, "impersonation")], CFG)
    assert j.verdict == "suspicious"
    assert j.score < CFG.counterfeit
    assert j.categories == ("parked-lookalike",)


def test_name_plus_hosting_facts_never_make_a_counterfeit() -> None:
    signals = [sig("domain", 0.99, "impersonation"), sig("registration", 1.0, "hosting-risk")]
    j = judge(signals, CFG)
    assert j.score >= CFG.counterfeit  # high enough to be near the top of the queue ...
    assert j.verdict == "suspicious"  # ... but the page shows nothing: not proven counterfeit
    assert j.categories[0] == "parked-lookalike" and "impersonation" not in j.categories


def test_high_score_without_imitation_is_not_counterfeit() -> None:
    j = judge([sig("content", 1.0, "seller"), sig("registration", 1.0, "hosting-risk")], CFG)
    assert j.score >= CFG.counterfeit
    assert j.verdict == "suspicious" and "seller" in j.categories


def test_weak_categories_are_not_reported() -> None:
    j = judge([sig("content", 0.2, "seller")], CFG)
    assert j.categories == () and j.verdict == "benign"


def test_official_host_is_official_with_zero_score() -> None:
    j = judge([sig("domain", 0.0, official=True), sig("content", 0.9, "impersonation")], CFG)
    assert (j.score, j.verdict) == (0, "official")


def test_gov_host_copying_another_platform_is_suspicious_not_official() -> None:
    signals = [
        sig("domain", 0.0, GOVERNMENT_HOST, official=True),
        sig("content", 0.95, "impersonation", PLATFORM_SPECIFIC),
        sig("visual", 0.9, "impersonation"),
    ]
    j = judge(signals, CFG)
    assert j.verdict == "suspicious" and "possibly-compromised" in j.categories


def test_gov_host_resembling_without_platform_specific_imitation_is_official() -> None:
    # shared CMS template, badge and screenshot likeness: what every government site shows
    signals = [
        sig("domain", 0.0, GOVERNMENT_HOST, official=True),
        sig("content", 0.9, "forged-marks", "impersonation"),
        sig("visual", 0.9, "impersonation"),
    ]
    assert judge(signals, CFG).verdict == "official"


def test_known_infrastructure_is_benign_whatever_it_shows() -> None:
    signals = [
        sig("domain", 0.0, KNOWN_INFRASTRUCTURE),
        sig("content", 0.9, "forged-marks", "impersonation"),
    ]
    j = judge(signals, CFG)
    assert (j.verdict, j.score, j.categories) == ("benign", 0, (KNOWN_INFRASTRUCTURE,))


def test_lookalike_name_with_unrelated_live_content_stays_below_suspicious() -> None:
    j = judge([sig("domain", 0.9, "impersonation"), sig("content", 0.0, UNRELATED_CONTENT)])
    assert j.verdict == "benign" and j.score < CFG.suspicious
    assert j.categories[0] == CFG.watched_category
    # the same name with nothing live on it stays a parked look-alike lead
    parked = judge([sig("domain", 0.9, "impersonation")])
    assert parked.verdict == "suspicious" and CFG.parked_category in parked.categories


def test_a_weak_lookalike_name_on_a_live_unrelated_site_is_watched_too() -> None:
    name = sig("domain", 0.3, "parked-lookalike")
    watched = judge([name, sig("content", 0.0, UNRELATED_CONTENT)])
    bare = judge([name])
    assert bare.score < CFG.suspicious  # below suspicious already: discounted all the same
    assert watched.score == round(bare.score * CFG.unrelated_discount)
    assert watched.categories[0] == CFG.watched_category


def test_an_unrelated_site_without_a_lookalike_name_is_not_watched() -> None:
    j = judge([sig("registration", 0.5, "hosting-risk"), sig("content", 0.0, UNRELATED_CONTENT)])
    assert CFG.watched_category not in j.categories
    assert j.score == judge([sig("registration", 0.5, "hosting-risk")]).score


def test_a_watched_name_is_rendered_whatever_its_discounted_score() -> None:
    # the plain fetch may have met a decoy: the render and its browser variants decide
    from types import SimpleNamespace

    from pipelines.scoring import ScoringPipeline

    pipe = ScoringPipeline.__new__(ScoringPipeline)
    pipe.context = SimpleNamespace(triage_threshold=15)  # type: ignore[assignment]
    low = {"score": 8, "verdict": "benign"}
    assert pipe._worth_full(SimpleNamespace(**low, categories=(CFG.watched_category,)))  # type: ignore[arg-type]
    assert not pipe._worth_full(SimpleNamespace(**low, categories=()))  # type: ignore[arg-type]


def test_unrelated_content_does_not_hide_imitation() -> None:
    j = judge(
        [
            sig("domain", 0.9, "impersonation"),
            sig("content", 0.92, "impersonation", "fake-verification"),
            sig("content", 0.0, UNRELATED_CONTENT),
        ]
    )
    assert j.verdict == "counterfeit"


def test_scoring_reads_typed_fields_never_details() -> None:
    # the same words in details, without the category, leave the official verdict alone
    signals = [
        sig("domain", 0.0, official=True, gov_host_not_target=True),
        sig("content", 0.95, "impersonation"),
        sig("visual", 0.9, "impersonation"),
    ]
    assert judge(signals, CFG).verdict == "official"


def test_more_evidence_never_lowers_the_score() -> None:
    base = [sig("domain", 0.6, "parked-lookalike")]
    more = base + [sig("registration", 0.5, "hosting-risk")]
    assert judge(more, CFG).score >= judge(base, CFG).score


def test_thresholds_come_from_the_file_and_weights_from_the_caller(tmp_path: Path) -> None:
    f = tmp_path / "s.toml"
    f.write_text("[thresholds]\ncounterfeit = 90\nsuspicious = 5\n")
    cfg = ScoringConfig.load(f)
    assert cfg.counterfeit == 90
    j = combine([sig("domain", 1.0)], {"domain": 0.1}, cfg)
    assert (j.score, j.verdict) == (10, "suspicious")


@pytest.mark.parametrize("name", sorted(W))
def test_a_detector_alone_says_at_most_its_weight(name: str) -> None:
    assert judge([sig(name, 1.0)]).score == round(100 * W[name])
    assert judge([sig(name, 0.5), sig(name, 1.0)]).score == round(100 * W[name])


def test_a_signal_without_a_weight_is_refused() -> None:
    with pytest.raises(ValueError, match="newcomer"):
        combine([sig("newcomer", 0.5)], W, CFG)


def test_an_old_file_with_weights_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "s.toml"
    f.write_text("[weights]\ndomain = 0.1\n")
    with pytest.raises(ValueError, match="weight"):
        ScoringConfig.load(f)


def test_analyzer_explains_a_possibly_compromised_gov_host() -> None:
    from datetime import UTC, datetime
    from typing import Any

    from core.profiles import default_profile
    from core.signals import Lookups, Reference
    from core.types import Page
    from detectors.analyze import Analyzer

    class Fixed:
        def __init__(self, name: str, signals: list[Signal]) -> None:
            self.name, self.version, self.description = name, "1.0", "测试"
            self.weight, self.triage = W[name], False
            self.signals = signals

        def detect(self, page: Any, reference: Any, lookups: Any) -> list[Signal]:
            return self.signals

    page = Page(
        url="http://zscx.lqx.gov.cn/",
        final_url="http://zscx.lqx.gov.cn/",
        status=200,
        fetched_at=datetime.now(UTC),
        user_agent="ua",
    )
    analyzer = Analyzer(
        reference=Reference(target=default_profile()),
        lookups=Lookups(),
        strict=True,
        detectors=[
            Fixed("domain", [sig("domain", 0.0, GOVERNMENT_HOST, official=True)]),
            Fixed("content", [sig("content", 0.95, "impersonation", PLATFORM_SPECIFIC)]),
            Fixed("visual", [sig("visual", 0.9, "impersonation")]),
        ],
    )
    scored = analyzer.analyze(page)
    assert scored.verdict == "suspicious"
    (explained,) = [s for s in scored.signals if s.detector == "scoring"]
    assert "zscx.lqx.gov.cn" in explained.reason and "入侵" in explained.reason
    # the reason names the platform-specific imitation that makes the host suspect
    assert "content 理由" in explained.reason


def test_a_bare_query_form_alone_is_not_a_lead_but_rises_with_a_lookalike_name() -> None:
    from detectors.content import detector as content

    form = sig("content", 0.3, "fake-verification")
    assert judge([form]).verdict == "benign"
    assert content.weight * 0.3 < CFG.suspicious / 100
    assert judge([form, sig("domain", 0.6, "impersonation")]).verdict != "benign"


def test_a_watched_name_ranks_below_the_same_name_parked() -> None:
    name = sig("domain", 0.9, "impersonation")
    watched = judge([name, sig("content", 0.0, UNRELATED_CONTENT)])
    parked = judge([name])
    # the unrelated live page keeps a share of the name's score: below the parked look-alike
    assert watched.score == round(parked.score * CFG.unrelated_discount)
    assert watched.score < parked.score and watched.verdict == "benign"
