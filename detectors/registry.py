"""Discovers detectors by package membership: every public module of `detectors` that
exposes a module-level `detector` is one (STYLE rule 2: adding one touches one file)."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable, Mapping
from functools import cache
from types import ModuleType

import detectors
from detectors.base import Detector

#: modules of the package that are infrastructure, not detectors
_NOT_DETECTORS = frozenset({"base", "registry", "scoring", "analyze", "targets", "reference"})


def detector_modules() -> list[ModuleType]:
    """Every detector module, sorted by module name."""
    found = []
    for info in sorted(pkgutil.iter_modules(detectors.__path__), key=lambda m: m.name):
        if info.name.startswith("_") or info.name in _NOT_DETECTORS:
            continue
        module = importlib.import_module(f"detectors.{info.name}")
        if hasattr(module, "detector"):
            found.append(module)
    return found


@cache
def all_detectors() -> tuple[Detector, ...]:
    """The discovered detector objects, in module-name order."""
    return tuple(m.detector for m in detector_modules())


def triage_detectors() -> tuple[Detector, ...]:
    """The detectors flagged `triage`: those the cheap stage runs on a plain fetch."""
    return tuple(d for d in all_detectors() if d.triage)


def weights(selected: Iterable[Detector]) -> Mapping[str, float]:
    """Each detector's weight by name, as scoring takes them."""
    return {d.name: d.weight for d in selected}


def get(name: str) -> Detector:
    for d in all_detectors():
        if d.name == name:
            return d
    raise KeyError(f"no detector named {name!r}")
