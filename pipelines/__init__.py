"""Scrapy item pipelines, in the order a page passes them: capture → scoring → storage → links
(→ ack, in distributed runs)."""

from __future__ import annotations

#: every pipeline of zhenwei and its place in the chain
ORDER: dict[str, tuple[str, int]] = {
    "capture": ("pipelines.capture.CapturePipeline", 100),
    "scoring": ("pipelines.scoring.ScoringPipeline", 300),
    "storage": ("pipelines.storage.StoragePipeline", 400),
    "links": ("pipelines.links.LinkFollowPipeline", 500),
    "ack": ("pipelines.ack.AckPipeline", 900),
}


def chain(*names: str) -> dict[str, int]:
    """The ITEM_PIPELINES setting for the named pipelines (order fixed by ORDER)."""
    return dict(ORDER[name] for name in names)
