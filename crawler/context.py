"""What one run hands to its spider and pipelines besides Scrapy settings: live objects.

Scrapy deep-copies its settings, so an analyzer or a database cannot travel in them. The
runner attaches one `RunContext` to the crawler before it starts; components read it once in
`from_crawler` with `context_of(crawler)`. The interfaces here are protocols, so this layer
never imports the detectors, the storage or the application that implement them.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from core.signals import ScoredPage
from core.types import Candidate, Page
from crawler.sources.base import SourceContext


class Scorer(Protocol):
    """Judges one page (every detector × every target)."""

    def analyze(self, page: Page) -> ScoredPage: ...


class OffloadScorer(Protocol):
    """Scores a page elsewhere (another core); None when it cannot now: score it yourself."""

    async def analyze(self, page: Page) -> ScoredPage | None: ...


class Relabel(Protocol):
    """The analysts' labels applied to a judgement (an admin's official label wins)."""

    def __call__(self, scored: ScoredPage) -> ScoredPage: ...


@dataclass(frozen=True)
class Stored:
    """What recording one page did to its lead."""

    lead_id: int
    new: bool
    #: the lead's score before this page (None for a new lead)
    previous_score: int | None
    #: new leads made of the other domains of the page's redirect chain (pipelines/storage.py)
    new_aliases: tuple[int, ...] = ()


class PageStore(Protocol):
    """Records one scored page with every source hit that found it."""

    def store(self, scored: ScoredPage, hits: Sequence[Candidate]) -> Stored: ...


class CandidateFeed(Protocol):
    """Distributed runs: candidates pulled from a queue shared by the workers of a run."""

    def take(self, n: int) -> list[Candidate]:
        """Up to `n` candidates for this worker now ([] when none are waiting)."""
        ...

    def add(self, candidate: Candidate) -> bool:
        """Queue a link found mid-run for any worker; False when the run saw its URL before."""
        ...

    def done(self, url: str) -> None:
        """The candidate `url` is finished here (stored, its links queued)."""
        ...

    def finished(self) -> bool:
        """Nothing is left to anyone: every queued candidate was finished."""
        ...


class FollowedLog(Protocol):
    """Links scheduled during a run, written before they are fetched (crash-safe resume)."""

    def add(self, candidate: Candidate) -> None: ...


@dataclass
class RunTally:
    """What a run did, per source: for the summary and the run's stored statistics."""

    per_source: dict[str, dict[str, int]] = field(default_factory=dict)
    new_leads: list[int] = field(default_factory=list)
    #: lead id → previous score, for leads whose score changed
    changed: dict[int, int | None] = field(default_factory=dict)
    errors: int = 0

    def inc(self, source: str, key: str, n: int = 1) -> None:
        row = self.per_source.setdefault(source, {})
        row[key] = row.get(key, 0) + n


@dataclass(frozen=True)
class RunContext:
    """The live objects of one run; every member is optional (a `fetch` needs none)."""

    #: the full judgement of rendered pages
    scorer: Scorer | None = None
    #: the cheap stage: detectors flagged `triage`, on one plain fetch
    triage_scorer: Scorer | None = None
    #: the same triage judgement in a worker process, while it keeps up (pipelines.scorepool)
    triage_pool: OffloadScorer | None = None
    #: the analysts' labels, applied to every judgement of both stages
    labels: Relabel | None = None
    #: a triage score at or above this renders the candidate fully
    triage_threshold: int = 15
    store: PageStore | None = None
    #: candidate URL → every source hit that found it
    hits: Mapping[str, Sequence[Candidate]] = field(default_factory=dict)
    tally: RunTally = field(default_factory=RunTally)
    #: link following out of flagged pages (the links source's rule and extraction)
    sources: SourceContext | None = None
    feed: CandidateFeed | None = None
    followed: FollowedLog | None = None
    #: called with each stored ScoredPage (progress display)
    on_page: Callable[[ScoredPage], Any] | None = None
    #: candidate URLs a resumed run already stored: never fetched again, even when a page
    #: of this run links to them (issue 9, item 10: a resumed run captured such a URL twice)
    already_captured: frozenset[str] = frozenset()


class Escalated(DropItem):
    """A triage page replaced by its candidate's full capture: not an error, logged quietly."""


_contexts: weakref.WeakKeyDictionary[Crawler, RunContext] = weakref.WeakKeyDictionary()


def attach(crawler: Crawler, context: RunContext) -> None:
    _contexts[crawler] = context


def context_of(crawler: Crawler) -> RunContext:
    """The run's context; an empty one for a bare `scrapy crawl`."""
    return _contexts.get(crawler) or RunContext()
