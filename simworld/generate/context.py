"""What every family module gets: the split, deterministic randomness, the day the world is
built for, and the registry of host names already taken."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

from simworld.world import normalize_host, registrable_domain

SPLITS = ("tune", "heldout")
T = TypeVar("T")


class SplitError(ValueError):
    """A split that is neither `tune` nor `heldout`."""


@dataclass
class Ctx:
    """Builder state of one generated world (not passed between stages: it accumulates)."""

    seed: int
    split: str
    size: int
    today: date
    taken: set[str] = field(default_factory=set)
    taken_domains: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        if self.split not in SPLITS:
            raise SplitError(f"split {self.split!r} is not one of {SPLITS}")

    def rng(self, *key: object) -> random.Random:
        """A generator for one family (or one site): seeded by (seed, split, key) only, so a
        family's output does not change when another family draws more numbers."""
        # str seeds are hashed with SHA-512 by `random`: stable across runs and PYTHONHASHSEED.
        return random.Random("|".join(map(str, (self.seed, self.split, *key))))

    @property
    def tune(self) -> bool:
        return self.split == "tune"

    def pick_split(self, tune: Sequence[T], heldout: Sequence[T]) -> Sequence[T]:
        """The pool of this split (templates, vocabularies): disjoint pools by construction."""
        return tune if self.tune else heldout

    def claim(self, host: str, *, own_domain: bool = True) -> bool:
        """Reserve `host` (and, with own_domain, its registrable domain); False when taken."""
        host = normalize_host(host)
        reg = registrable_domain(host)
        if host in self.taken or (own_domain and reg in self.taken_domains):
            return False
        self.taken.add(host)
        if own_domain:
            self.taken_domains.add(reg)
        return True

    def now(self) -> datetime:
        """Noon (UTC) of the day the world is built for: every age is counted from it."""
        return datetime(self.today.year, self.today.month, self.today.day, 12, tzinfo=UTC)

    def days_ago(self, days: float) -> datetime:
        return (self.now() - timedelta(days=days)).replace(microsecond=0)


def weighted(rng: random.Random, items: Sequence[tuple[T, float]]) -> T:
    """One item drawn by weight."""
    return rng.choices([i for i, _ in items], weights=[w for _, w in items], k=1)[0]
