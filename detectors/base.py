"""The detector contract: the shape of the one `detector` object each module exposes."""

from __future__ import annotations

from typing import Protocol

from core.signals import Lookups, Reference, Signal
from core.types import Page


class Detector(Protocol):
    """A detector module exposes one object named `detector` with this shape."""

    name: str
    version: str
    description: str  # one Chinese sentence for `zhenwei detectors`

    def detect(self, page: Page, reference: Reference, lookups: Lookups) -> list[Signal]: ...
