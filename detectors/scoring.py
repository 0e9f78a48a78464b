"""Combines signals into one 0–100 score, a verdict and categories (ARCHITECTURE §2).

Thresholds and verdict rules live in scoring.toml beside this module (or a file given by the
caller), so an analyst can read and tune them without touching code. Weights are declared by
the detectors themselves (`weight`, listed by `zhenwei detectors`) and passed in by the caller.
Scoring reads signals through their typed fields only; `details` is evidence for people.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from core.signals import (
    GOVERNMENT_HOST,
    KNOWN_INFRASTRUCTURE,
    PLATFORM_SPECIFIC,
    UNRELATED_CONTENT,
    WATCHED_NAME,
    Signal,
)

DEFAULT_CONFIG = Path(__file__).with_name("scoring.toml")


@dataclass(frozen=True)
class ScoringConfig:
    """Thresholds and verdict rules (scoring.toml)."""

    counterfeit: int = 70
    suspicious: int = 30
    category_min_signal: float = 0.35
    imitation_categories: tuple[str, ...] = ("impersonation", "fake-verification")
    #: detectors that judge only the name: their imitation needs the page's to count
    name_only_detectors: tuple[str, ...] = ("domain",)
    parked_category: str = "parked-lookalike"
    #: a look-alike name whose live page is about something else: watched, not a lead
    watched_category: str = WATCHED_NAME
    #: the share of its score a watched name keeps (a look-alike name with unrelated live
    #: content): it ranks below parked look-alikes, never a lead
    unrelated_discount: float = 0.5

    @classmethod
    def load(cls, path: Path | None = None) -> ScoringConfig:
        data = tomllib.loads((path or DEFAULT_CONFIG).read_text(encoding="utf-8"))
        if "weights" in data:
            # an old file would otherwise be half-applied without a word
            raise ValueError(
                f"{path or DEFAULT_CONFIG}: [weights] is no longer read; each detector declares"
                " its weight (`zhenwei detectors` lists them)"
            )
        th = data.get("thresholds", {})
        return cls(
            counterfeit=int(th.get("counterfeit", 70)),
            suspicious=int(th.get("suspicious", 30)),
            category_min_signal=float(th.get("category_min_signal", 0.35)),
            imitation_categories=tuple(
                data.get("verdicts", {}).get("imitation_categories", cls.imitation_categories)
            ),
            name_only_detectors=tuple(
                data.get("verdicts", {}).get("name_only_detectors", cls.name_only_detectors)
            ),
            parked_category=str(
                data.get("verdicts", {}).get("parked_category", cls.parked_category)
            ),
            watched_category=str(
                data.get("verdicts", {}).get("watched_category", cls.watched_category)
            ),
            unrelated_discount=float(
                data.get("verdicts", {}).get("unrelated_discount", cls.unrelated_discount)
            ),
        )


@dataclass(frozen=True)
class Judgement:
    score: int
    verdict: str
    categories: tuple[str, ...]
    #: detector → its contribution to the score (0..1), for the explanation
    contributions: Mapping[str, float]


def _noisy_or(values: Iterable[float]) -> float:
    remaining = 1.0
    for v in values:
        remaining *= 1.0 - max(0.0, min(1.0, v))
    return 1.0 - remaining


def combine(
    signals: Iterable[Signal], weights: Mapping[str, float], config: ScoringConfig
) -> Judgement:
    """Score, verdict and categories of one page from its signals.

    `weights` maps each detector's name to its weight (`registry.weights(detectors)`); a
    signal from a detector without one is a bug, and says so."""
    signals = list(signals)
    by_detector: dict[str, list[float]] = {}
    for s in signals:
        by_detector.setdefault(s.detector, []).append(s.score)
    unweighted = sorted(set(by_detector) - set(weights))
    if unweighted:
        raise ValueError(f"signals from detectors without a weight: {', '.join(unweighted)}")
    contributions = {d: weights[d] * _noisy_or(scores) for d, scores in sorted(by_detector.items())}
    score = round(100 * _noisy_or(contributions.values()))

    categories: list[str] = []
    for s in sorted(signals, key=lambda s: -s.score):
        if s.score >= config.category_min_signal:
            categories.extend(c for c in s.categories if c not in categories)
    # A look-alike name whose page shows no imitation of its own (a registrar lander, a
    # for-sale page, nothing served) is a parked look-alike, not a counterfeit: the name alone
    # never proves what a site does.
    page_imitates = any(
        c in config.imitation_categories
        for s in signals
        if s.detector not in config.name_only_detectors and s.score >= config.category_min_signal
        for c in s.categories
    )
    if not page_imitates and any(c in config.imitation_categories for c in categories):
        categories = [c for c in categories if c not in config.imitation_categories]
        categories.insert(0, config.parked_category)

    official = [s for s in signals if s.official]
    imitates = any(c in config.imitation_categories for c in categories)
    if official:
        # A genuine government host (or another target's) is official whatever it resembles,
        # unless it serves platform-specific imitation (the platform's name as its own, its
        # query form, its result page): then it may be compromised.
        gov_not_target = any(GOVERNMENT_HOST in s.categories for s in official)
        specific = any(
            PLATFORM_SPECIFIC in s.categories and s.score >= config.category_min_signal
            for s in signals
        )
        if gov_not_target and specific and score >= config.suspicious:
            if "possibly-compromised" not in categories:
                categories.append("possibly-compromised")
            return Judgement(score, "suspicious", tuple(categories), contributions)
        return Judgement(0, "official", ("official",), contributions)
    if any(KNOWN_INFRASTRUCTURE in s.categories for s in signals):
        return Judgement(0, "benign", (KNOWN_INFRASTRUCTURE,), contributions)
    if (
        not page_imitates
        and any(UNRELATED_CONTENT in s.categories for s in signals)
        and any(s.detector in config.name_only_detectors and s.score > 0 for s in signals)
    ):
        # a live page about something else on a look-alike name: kept for re-checks only. Its
        # name says less here than on an empty or parked page, which may yet serve a copy: it
        # keeps a share of its score and ranks below those leads, at every score (a weak
        # look-alike name on a live business ranks below a weak one on a parked page too).
        rest = [c for c in categories if c != config.parked_category]
        return Judgement(
            min(config.suspicious - 1, round(score * config.unrelated_discount)),
            "benign",
            (config.watched_category, *rest),
            contributions,
        )

    if score >= config.counterfeit and imitates:
        verdict = "counterfeit"
    elif score >= config.suspicious:
        verdict = "suspicious"
    else:
        verdict = "benign"
    return Judgement(score, verdict, tuple(categories), contributions)
