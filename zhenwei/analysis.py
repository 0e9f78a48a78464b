"""The run's analyzer from the database: stored references, shipped profiles, offline lookups,
and the analysts' labels (an admin's "official" makes a host official in every later run)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from core.config import Settings
from core.profiles import load_allowlist, load_profiles
from core.signals import Lookups, ScoredPage, Signal
from detectors.targets import AnalyzerRecipe, TargetsAnalyzer
from storage.hostlabels import LabelIndex, LabelRecord
from storage.pagedata import host_of

logger = logging.getLogger(__name__)

LABEL_DETECTOR = "analyst-label"
LABEL_VERSION = "1"


def _offline_lookups() -> Lookups:
    """Lookups that need no network: IP → country/ASN from the shipped offline database."""
    try:
        from core.netpath.geoip import ip_info
    except ImportError:  # pragma: no cover - geoip database missing from the install
        logger.warning("offline GeoIP database unavailable: hosting country not judged")
        return Lookups()
    return Lookups(geoip=ip_info)


def label_signal(rec: LabelRecord, host: str) -> Signal:
    """The analyst's decision as a signal an analyst (or a court) reads beside the others."""
    where = f"注册域名 {rec.name}" if rec.scope == "domain" else rec.name
    note = f"：{rec.note}" if rec.note else ""
    return Signal(
        LABEL_DETECTOR,
        LABEL_VERSION,
        0.0,
        f"{rec.user} 于 {rec.at:%Y-%m-%d} 将 {where} 标注为官方网站{note}",
        {
            "label": rec.label,
            "name": rec.name,
            "scope": rec.scope,
            "user": rec.user,
            "at": rec.at.isoformat(),
            "reason": rec.reason,
            "host": host,
        },
        ("official",),
        official=True,
    )


@dataclass(frozen=True)
class OfficialLabels:
    """The analysts' labels applied to a judgement (the scoring pipeline calls it after the
    detectors): a host labelled official is `official`, its first reason naming the label,
    unless the detectors find it possibly compromised (a genuine host serving a copy of the
    platform), which the label does not hide: the label's sentence is added to the reasons."""

    labels: LabelIndex

    def __call__(self, scored: ScoredPage) -> ScoredPage:
        page = scored.page
        host = host_of(page.url) or host_of(page.final_url)
        rec = self.labels.for_host(host) if host else None
        if rec is None or rec.label != "official":
            return scored
        signal = label_signal(rec, host)
        if "possibly-compromised" in scored.categories:
            return replace(scored, signals=(*scored.signals, signal))
        return replace(
            scored,
            signals=(signal, *scored.signals),
            score=0,
            verdict="official",
            categories=("official",),
        )


def labels_from_database(settings: Settings) -> OfficialLabels:
    """The labels in force now, read once for the run."""
    from storage.db import Database
    from storage.repository import Repository

    return OfficialLabels(Repository(Database.from_settings(settings)).labels.index())


def analyzer_from_database(
    settings: Settings, *, strict: bool = False, triage: bool = False, labels: bool = True
) -> TargetsAnalyzer:
    """Every protected target with the references stored by `zhenwei reference update` (the
    shipped fallback when there are none); `triage` keeps only the cheap stage's detectors.

    With `labels` (the default), hosts an admin labelled official join the allowlist the
    detectors measure against; `zhenwei evaluate` turns that off, so an evaluation measures
    the detectors alone."""
    return recipe_from_database(settings, strict=strict, triage=triage, labels=labels)()


def recipe_from_database(
    settings: Settings, *, strict: bool = False, triage: bool = False, labels: bool = True
) -> AnalyzerRecipe:
    """What `analyzer_from_database` builds from, read once (see AnalyzerRecipe)."""
    from storage.db import Database
    from storage.repository import Repository

    repo = Repository(Database.from_settings(settings))
    official = repo.labels.index().names("official") if labels else ()
    profiles = tuple(load_profiles())
    return AnalyzerRecipe(
        profiles=profiles,
        allowlist=(*load_allowlist(), *official),
        references=tuple((p.key, tuple(repo.references.list(p.key))) for p in profiles),
        lookups=_offline_lookups(),
        strict=strict,
        triage=triage,
    )
