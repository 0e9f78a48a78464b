"""A seeded generator of simulated worlds (issue 8): `generate(seed, split, size)`.

`split="tune"` and `split="heldout"` differ in seed AND in what is drawn: other CMS layouts,
other kit versions, other wording and vocabularies, other name tokens. Rules and thresholds are
tuned on the tuning split and reported on the held-out one. Labels, classes and gangs live
beside the sites (`Site.label/klass/gang`, and the labelled set `GeneratedWorld.entries`).
Bodies are built on request from small specs, so a 10,000-site world stays small in memory.
"""

from __future__ import annotations

from simworld.generate.build import DEFAULT_SIZE, GeneratedWorld, counts_for, generate
from simworld.generate.context import SPLITS, SplitError
from simworld.generate.labels import LabelledEntry, write_jsonl

__all__ = [
    "DEFAULT_SIZE",
    "SPLITS",
    "GeneratedWorld",
    "LabelledEntry",
    "SplitError",
    "counts_for",
    "generate",
    "write_jsonl",
]
