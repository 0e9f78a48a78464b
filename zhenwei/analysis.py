"""The run's analyzer from the database: stored references, shipped profiles, offline lookups."""

from __future__ import annotations

import logging

from core.config import Settings
from core.profiles import load_allowlist, load_profiles
from core.signals import Lookups
from detectors.targets import TargetsAnalyzer, build_analyzer

logger = logging.getLogger(__name__)


def _offline_lookups() -> Lookups:
    """Lookups that need no network: IP → country/ASN from the shipped offline database."""
    try:
        from core.netpath.geoip import ip_info
    except ImportError:  # pragma: no cover - geoip database missing from the install
        logger.warning("offline GeoIP database unavailable: hosting country not judged")
        return Lookups()
    return Lookups(geoip=ip_info)


def analyzer_from_database(
    settings: Settings, *, strict: bool = False, triage: bool = False
) -> TargetsAnalyzer:
    """Every protected target with the references stored by `zhenwei reference update` (the
    shipped fallback when there are none); `triage` keeps only the cheap stage's detectors."""
    from storage.db import Database
    from storage.repository import Repository

    repo = Repository(Database.from_settings(settings))
    return build_analyzer(
        load_profiles(),
        allowlist=load_allowlist(),
        stored_references=repo.references.list,
        lookups=_offline_lookups(),
        strict=strict,
        triage=triage,
    )
