"""Runs every detector on a Page and combines the signals into a ScoredPage."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from core.signals import (
    KNOWN_INFRASTRUCTURE,
    PLATFORM_SPECIFIC,
    UNRELATED_CONTENT,
    Lookups,
    Reference,
    ScoredPage,
    Signal,
)
from core.types import Page
from detectors.base import Detector
from detectors.registry import all_detectors, weights
from detectors.scoring import Judgement, ScoringConfig, combine

logger = logging.getLogger(__name__)


@dataclass
class Analyzer:
    """Detectors + reference + lookups + scoring config, built once per run."""

    reference: Reference
    lookups: Lookups = field(default_factory=Lookups)
    detectors: Sequence[Detector] = field(default_factory=all_detectors)
    config: ScoringConfig = field(default_factory=ScoringConfig.load)
    #: re-raise detector exceptions (tests) instead of recording them
    strict: bool = False
    errors: Counter[str] = field(default_factory=Counter)

    def analyze(self, page: Page) -> ScoredPage:
        signals: list[Signal] = []
        errors: list[str] = []
        failed: list[str] = []
        for det in self.detectors:
            try:
                signals.extend(det.detect(page, self.reference, self.lookups))
            except Exception as exc:  # the one broad catch: a detector bug never stops a run
                if self.strict:
                    raise
                self.errors[det.name] += 1
                failed.append(det.name)
                logger.exception("detector %s failed on %s", det.name, page.url)
                errors.append(f"检测器 {det.name} 出错：{type(exc).__name__}: {exc}")
        judgement = combine(signals, weights(self.detectors), self.config)
        if "possibly-compromised" in judgement.categories:
            signals.append(_compromised(page, judgement.score, signals, self.reference))
        # the finding that decided the verdict first (an official host, known infrastructure,
        # an unrelated live site), then the strongest: the first reason is the one people read
        ordered = tuple(
            sorted(
                signals,
                key=lambda s: (
                    not _decisive(s, judgement, self.config.watched_category),
                    -s.score,
                    s.detector,
                ),
            )
        )
        return ScoredPage(
            page=page,
            signals=ordered,
            score=judgement.score,
            verdict=judgement.verdict,
            categories=judgement.categories,
            target=self.reference.target.key,
            errors=tuple(errors),
            failed_detectors=tuple(failed),
        )


def _decisive(signal: Signal, judgement: Judgement, watched: str) -> bool:
    if judgement.verdict == "official":
        return signal.official
    if KNOWN_INFRASTRUCTURE in judgement.categories:
        return KNOWN_INFRASTRUCTURE in signal.categories
    if watched in judgement.categories:
        return UNRELATED_CONTENT in signal.categories
    return False


def _compromised(page: Page, score: int, signals: Sequence[Signal], reference: Reference) -> Signal:
    """The verdict's own sentence when a genuine government host serves a copy: it names the
    platform-specific imitation that makes the host suspect."""
    evidence = [s.reason for s in signals if PLATFORM_SPECIFIC in s.categories][:2]
    return Signal(
        detector="scoring",
        version="1.1",
        score=round(score / 100, 3),
        reason=(
            f"主机 {page.host} 属于只有政府机关能注册的域名，却在冒充“{reference.target.name}”"
            f"（{'；'.join(evidence) or '仿冒该平台特有内容'}）："
            "该政府网站或其子域名可能已被入侵或接管，应通知其主管单位核查，而不是当作官方网站。"
        ),
        details={"host": page.host, "evidence": evidence},
        categories=("possibly-compromised",),
    )
