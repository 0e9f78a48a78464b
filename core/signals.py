"""What detectors hand to scoring and storage: Signal, ScoredPage, Reference, Lookups."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.profiles import TargetProfile
from core.types import DnsFacts, Page, WhoisFacts

VERDICTS = ("official", "counterfeit", "suspicious", "benign")
#: Category of an official signal for a genuine government host (or another protected
#: platform's) that is not the target's own: official, unless it serves a copy of the target,
#: which makes it possibly compromised (detectors/scoring.py).
GOVERNMENT_HOST = "government-host"
#: Category of findings that only a copy of the protected platform shows (its name as the
#: page's own, its query form, its result table): what makes a government host suspect.
PLATFORM_SPECIFIC = "platform-specific"
#: Category of the finding that the host is known web infrastructure (core/infrastructure.toml).
KNOWN_INFRASTRUCTURE = "known-infrastructure"
#: Category of the finding that a live page is about something unrelated to the platform.
UNRELATED_CONTENT = "unrelated-content"
#: Category of a look-alike name whose live page is about something else: watched, not a lead.
WATCHED_NAME = "watched-name"


@dataclass(frozen=True)
class Signal:
    """One finding: a score 0..1 and a sentence an analyst can read (Chinese)."""

    detector: str
    version: str
    score: float
    reason: str
    details: Mapping[str, Any] = field(default_factory=dict)
    #: categories this finding supports: impersonation, fake-verification, seller, ...
    categories: tuple[str, ...] = ()
    #: True when the finding proves the page is official (allowlist, genuine host)
    official: bool = False

    def __post_init__(self) -> None:
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"{self.detector}: score {self.score} outside 0..1")


@dataclass(frozen=True)
class ReferenceCapture:
    """What one genuine page looks like, captured from the live official site."""

    url: str
    captured_at: datetime
    title: str
    visible_text: str
    screenshot_png: bytes = b""
    viewport_png: bytes = b""
    favicon: bytes = b""
    #: sha256 and perceptual hashes of images/assets the genuine page loads
    asset_hashes: tuple[str, ...] = ()
    image_phashes: tuple[str, ...] = ()
    form_fields: tuple[str, ...] = ()
    kind: str = "home"  # home, query, result, ...


@dataclass(frozen=True)
class Lookups:
    """External lookups injected into detectors, so unit tests need no network."""

    dns: Callable[[str], DnsFacts] | None = None
    whois: Callable[[str], WhoisFacts] | None = None
    #: ip -> (country code, ASN description) from an offline database
    geoip: Callable[[str], tuple[str | None, str | None]] | None = None


@dataclass(frozen=True)
class ScoredPage:
    """A page, every signal found on it, and the combined judgement."""

    page: Page
    signals: tuple[Signal, ...]
    score: int  # 0..100, higher = more likely counterfeit
    verdict: str
    categories: tuple[str, ...]
    target: str | None = None
    errors: tuple[str, ...] = ()
    #: names of the detectors that raised on this page (their sentences are in `errors`)
    failed_detectors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reference:
    """Everything a detector knows about the protected world: the target's profile and dated
    captures of its pages, the other protected targets and the official allowlist.

    Built from the captures stored in the database (`zhenwei reference update`), falling back
    to the shipped captures when the database has none. Detectors read no profile from disk:
    what is not here does not exist for them.
    """

    target: TargetProfile
    captures: tuple[ReferenceCapture, ...] = ()
    #: hosts of state-run platforms that are official without .gov.cn (chsi.com.cn ...)
    allowlist: tuple[str, ...] = ()
    #: every protected target of the run (the target may be among them): their genuine hosts
    #: are official, not look-alikes of this one
    profiles: tuple[TargetProfile, ...] = ()
    #: file sha256s and image pHashes also seen on genuine sites other than the target (the
    #: other targets' captures): shared by genuine sites, so not evidence of copying this one
    common_assets: frozenset[str] = frozenset()
    common_phashes: tuple[str, ...] = ()
    #: (url, viewport, full-page screenshot) of those genuine sites: a page that looks as much
    #: like them as like the target shows a generic layout, not the target's
    common_screenshots: tuple[tuple[str, bytes, bytes], ...] = ()
