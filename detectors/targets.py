"""Scoring a page against every protected target: one Analyzer per target, best judgement kept.

Pure detector logic: the caller supplies the profiles, the allowlist, the stored reference
captures and the lookups (the application reads them from disk and the database).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from core.profiles import TargetProfile
from core.signals import Lookups, ReferenceCapture, ScoredPage
from core.types import Page
from detectors.analyze import Analyzer
from detectors.reference import build_reference
from detectors.registry import all_detectors, triage_detectors


@dataclass
class TargetsAnalyzer:
    """Scores a page against every protected target and keeps the strongest judgement."""

    analyzers: Sequence[Analyzer]

    def analyze(self, page: Page) -> ScoredPage:
        results = [a.analyze(page) for a in self.analyzers]
        # A page official for any target (or for government in general) is official.
        official = [r for r in results if r.verdict == "official"]
        if official and not any(
            r.verdict in ("counterfeit", "suspicious") and "possibly-compromised" in r.categories
            for r in results
        ):
            return official[0]
        return max(results, key=lambda r: (r.score, r.verdict == "counterfeit"))


def build_analyzer(
    profiles: Sequence[TargetProfile],
    *,
    allowlist: Iterable[str] = (),
    stored_references: Callable[[str], Sequence[ReferenceCapture]] | None = None,
    lookups: Lookups | None = None,
    strict: bool = False,
    triage: bool = False,
) -> TargetsAnalyzer:
    """One Analyzer per profile; references come from `stored_references(target_key)`.

    `triage` selects the detectors flagged for the crawl's cheap stage (raw HTML, no browser);
    otherwise every detector runs."""
    profiles = tuple(profiles)
    allowlist = tuple(allowlist)
    detectors = triage_detectors() if triage else all_detectors()
    stored = {p.key: tuple(stored_references(p.key)) if stored_references else () for p in profiles}
    analyzers = []
    for profile in profiles:
        # the other targets' genuine pages are the background of what genuine sites share
        background = [c for p in profiles if p.key != profile.key for c in stored[p.key]]
        reference = build_reference(
            profile, stored[profile.key], allowlist, profiles=profiles, background=background
        )
        analyzers.append(
            Analyzer(
                reference=reference,
                lookups=lookups or Lookups(),
                detectors=detectors,
                strict=strict,
            )
        )
    return TargetsAnalyzer(analyzers)


@dataclass(frozen=True)
class AnalyzerRecipe:
    """What `build_analyzer` reads (profiles, allowlist, stored captures), read once.

    Picklable: the cheap stage's scoring worker builds the very analyzer of the run from it,
    without a database of its own to open (nor its modules to import), and one read serves the
    run's full, triage and worker analyzers alike."""

    profiles: tuple[TargetProfile, ...]
    allowlist: tuple[str, ...] = ()
    #: (target key, its stored captures) for each profile
    references: tuple[tuple[str, tuple[ReferenceCapture, ...]], ...] = ()
    lookups: Lookups = field(default_factory=Lookups)
    strict: bool = False
    triage: bool = False

    def __call__(self) -> TargetsAnalyzer:
        stored = dict(self.references)
        return build_analyzer(
            self.profiles,
            allowlist=self.allowlist,
            stored_references=lambda key: stored.get(key, ()),
            lookups=self.lookups,
            strict=self.strict,
            triage=self.triage,
        )
