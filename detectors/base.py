"""The detector contract: the shape of the one `detector` object each module exposes."""

from __future__ import annotations

from typing import Protocol

from core.signals import Lookups, Reference, Signal
from core.types import Page


class Detector(Protocol):
    """A detector module exposes one object named `detector` with this shape.

    Everything scoring and the crawl need to know about a detector is declared here, beside
    its code: adding a detector touches its module and its test, nothing else.
    """

    name: str
    version: str
    description: str  # one Chinese sentence for `zhenwei detectors`
    #: 0..1, the most this detector can say on its own (its signals' strength is scaled by it)
    weight: float
    #: True when it judges the cheap triage stage's raw HTML alone (no browser, no lookups)
    triage: bool

    def detect(self, page: Page, reference: Reference, lookups: Lookups) -> list[Signal]: ...
