"""Builds the analyzers of a run: one per protected target, with references and lookups."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from core.config import Settings
from core.profiles import TargetProfile, load_allowlist, load_profiles
from core.signals import Lookups, ReferenceCapture, ScoredPage
from core.types import Page
from detectors.analyze import Analyzer
from detectors.reference import build_reference
from detectors.registry import all_detectors

logger = logging.getLogger(__name__)


def offline_lookups() -> Lookups:
    """Lookups that need no network: IP → country/ASN from the shipped offline database."""
    try:
        from core.netpath.geoip import ip_info
    except ImportError:  # pragma: no cover - geoip database missing from the install
        logger.warning("offline GeoIP database unavailable: hosting country not judged")
        return Lookups()
    return Lookups(geoip=ip_info)


@dataclass
class TargetsAnalyzer:
    """Scores a page against every protected target and keeps the strongest judgement."""

    analyzers: Sequence[Analyzer]

    def analyze(self, page: Page) -> ScoredPage:
        results = [a.analyze(page) for a in self.analyzers]
        # A page official for any target (or for government in general) is official.
        official = [r for r in results if r.verdict == "official"]
        if official and not any(r.verdict in ("counterfeit", "suspicious") and
                                "possibly-compromised" in r.categories for r in results):
            return official[0]
        return max(results, key=lambda r: (r.score, r.verdict == "counterfeit"))


def build_analyzer(
    settings: Settings,
    *,
    profiles: Sequence[TargetProfile] | None = None,
    stored_references: Callable[[str], Sequence[ReferenceCapture]] | None = None,
    strict: bool = False,
    detector_names: Sequence[str] | None = None,
) -> TargetsAnalyzer:
    """Analyzers for every target; references come from `stored_references(target_key)`.

    `detector_names` restricts the detectors (the crawl's cheap triage stage uses
    domain + content on the raw HTML only)."""
    profiles = tuple(profiles or load_profiles())
    allowlist = load_allowlist()
    lookups = offline_lookups()
    detectors = all_detectors()
    if detector_names is not None:
        detectors = tuple(d for d in detectors if d.name in detector_names)
    analyzers = []
    for profile in profiles:
        stored = stored_references(profile.key) if stored_references else ()
        reference = build_reference(profile, stored, allowlist)
        analyzers.append(
            Analyzer(reference=reference, lookups=lookups, detectors=detectors, strict=strict)
        )
    return TargetsAnalyzer(analyzers)


def analyzer_from_database(
    settings: Settings, *, strict: bool = False, detector_names: Sequence[str] | None = None
) -> TargetsAnalyzer:
    """The usual case: references stored by `zhenwei reference update`, else the fallback."""
    from storage.db import Database
    from storage.repository import Repository

    repo = Repository(Database.from_settings(settings))
    return build_analyzer(
        settings,
        stored_references=repo.references.list,
        strict=strict,
        detector_names=detector_names,
    )
