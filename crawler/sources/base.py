"""The source contract: what a candidate source receives and what it hands back.

Every source reports its own failures as data (`SourceFailure`): a captcha page, a crt.sh
outage or a DNS server that stops answering must never look like "nothing found".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from core.config import Settings
from core.profiles import TargetProfile
from core.types import Candidate
from crawler.sources.progress import ProgressBoard
from crawler.sources.progress import current as current_board
from crawler.sources.state import SourceState


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class SourceFailure:
    """One thing a source could not do, with a Chinese sentence for the analyst."""

    source: str
    reason: str  # Chinese, analyst-facing
    detail: str = ""  # English / technical: status code, exception text, file:line
    at: datetime = field(default_factory=utcnow)


@dataclass(frozen=True)
class SourceResult:
    """Everything one run of one source produced."""

    source: str
    candidates: tuple[Candidate, ...]
    failures: tuple[SourceFailure, ...] = ()
    stats: Mapping[str, int] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return bool(self.failures)


@dataclass(frozen=True)
class KnownLead:
    """What the recheck source needs to know about a stored lead."""

    id: int | str
    url: str
    status: str  # new | reviewing | confirmed | referred | taken_down | dismissed | official
    verdict: str = ""
    categories: tuple[str, ...] = ()
    target: str | None = None


@dataclass(frozen=True)
class ScoredPageRef:
    """A page already scored counterfeit or seller, handed to the links source."""

    url: str
    html: str
    depth: int = 0  # 0 = the page itself was a seed/lead; links found on it get depth + 1
    verdict: str = ""
    categories: tuple[str, ...] = ()
    target: str | None = None


@dataclass(frozen=True)
class SourceLimits:
    """Tunables shared by sources; each source has its own defaults beside its code."""

    max_candidates: int = 5000
    links_max_depth: int = 2
    dns_concurrency: int = 20
    dns_rate_per_second: float = 200.0
    lookalike_limit: int | None = None
    #: DNS queries the look-alike source may spend per target (None: its default)
    dns_budget: int | None = None
    http_timeout: float = 20.0
    search_pages: int = 1


def _no_leads() -> Iterable[KnownLead]:
    return ()


def _no_pages() -> Iterable[ScoredPageRef]:
    return ()


class RunFindings:
    """Hosts the sources of this run have found so far: a source adds its candidates when it
    finishes, so a slow source (permutations) learns from the fast ones (CT, search) the same
    night. Asyncio only: every call happens on the event loop's thread."""

    def __init__(self) -> None:
        self._hosts: list[tuple[str, str]] = []

    def add(self, source: str, candidates: Iterable[Candidate]) -> None:
        for c in candidates:
            try:
                host = (urlsplit(c.url).hostname or "").lower()
            except ValueError:
                continue
            if host:
                self._hosts.append((source, host))

    def hosts(self, *, besides: str) -> list[str]:
        """Every host found by a source other than `besides`, in the order found."""
        return list(dict.fromkeys(h for s, h in self._hosts if s != besides))


@dataclass(frozen=True)
class SourceContext:
    """Everything a source may use; built once per crawl run."""

    settings: Settings
    profiles: tuple[TargetProfile, ...]
    state: SourceState
    now: datetime = field(default_factory=utcnow)
    known_leads: Callable[[], Iterable[KnownLead]] = _no_leads
    pages: Callable[[], Iterable[ScoredPageRef]] = _no_pages
    seed_paths: tuple[Path, ...] = ()
    limits: SourceLimits = field(default_factory=SourceLimits)
    #: extra per-source options (tests and the CLI), e.g. {"search": {"engines": [...]}}
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    #: live counters per source for the crawl's progress lines
    progress: ProgressBoard = field(default_factory=current_board)
    #: what the run's other sources found so far
    findings: RunFindings = field(default_factory=RunFindings)

    def official_hosts(self) -> frozenset[str]:
        return frozenset(h.lower() for p in self.profiles for h in p.official_hosts)

    def official_domains(self) -> frozenset[str]:
        return frozenset(d.lower() for p in self.profiles for d in p.registrable_domains)

    def is_official(self, host: str) -> bool:
        """True for an official host or any name under an official registrable domain."""
        host = host.lower().rstrip(".")
        if host in self.official_hosts():
            return True
        return any(host == d or host.endswith("." + d) for d in self.official_domains())


class Source(Protocol):
    """A candidate source: one module, one class, one name."""

    name: str

    async def collect(self, ctx: SourceContext) -> SourceResult: ...


class FailureLog:
    """Small helper a source uses to gather failures and stats while it runs."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.failures: list[SourceFailure] = []
        self.stats: dict[str, int] = {}

    def fail(self, reason: str, detail: str = "") -> None:
        self.failures.append(SourceFailure(self.source, reason, detail))
        self.count("failures")

    def count(self, key: str, n: int = 1) -> None:
        self.stats[key] = self.stats.get(key, 0) + n

    def result(self, candidates: Iterable[Candidate]) -> SourceResult:
        cands = tuple(candidates)
        self.stats["candidates"] = len(cands)
        return SourceResult(self.source, cands, tuple(self.failures), dict(self.stats))


def dedupe(candidates: Iterable[Candidate]) -> list[Candidate]:
    """First candidate per URL wins (keeps the order the source found them in)."""
    seen: set[str] = set()
    out: list[Candidate] = []
    for c in candidates:
        if c.url not in seen:
            seen.add(c.url)
            out.append(c)
    return out
