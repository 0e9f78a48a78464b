"""The labelled set beside a generated world: one JSON object per labelled page.

Fields: `url` (what to open; null for a registered domain without a web server), `host`
(for a user's post on a platform site: the platform's host; the post is its URL),
`label` (official | counterfeit | seller | parked | benign), `class` (the negative class or the
positive kit), `variants`, `gang` (campaign ground truth), `open_as` (`link`, or `qr` for a
phone scanning a certificate), `target`. `zhenwei evaluate` reads this file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simworld.world import Domain, Site

EVALUATED_LABELS = ("official", "counterfeit", "seller", "parked", "benign")


@dataclass(frozen=True)
class LabelledEntry:
    url: str | None
    host: str
    label: str
    klass: str
    variants: tuple[str, ...] = ()
    gang: str = ""
    open_as: str = "link"
    target: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "host": self.host,
            "label": self.label,
            "class": self.klass,
            "variants": list(self.variants),
            "gang": self.gang,
            "open_as": self.open_as,
            "target": self.target,
        }


def site_entries(
    site: Site, extra: Iterable[str] = (), open_as: str = "link"
) -> list[LabelledEntry]:
    """The site's entry URL and its extra labelled paths (same scheme as the entry)."""
    posts = [
        LabelledEntry(site.post_url(p), site.host, p.label, p.klass, ("post",), p.gang)
        for p in site.posts
    ]
    if site.label not in EVALUATED_LABELS:
        return posts
    base = f"{site.schemes[0]}://{site.host}"
    return posts + [
        LabelledEntry(
            base + path,
            site.host,
            site.label,
            site.klass,
            site.variants,
            site.gang,
            open_as,
            site.target,
        )
        for path in dict.fromkeys((site.entry, *extra))
    ]


def domain_entry(dom: Domain) -> LabelledEntry:
    return LabelledEntry(None, dom.name, dom.label, "no-web", (), "", "link", "mem")


def write_jsonl(entries: Iterable[LabelledEntry], path: Path) -> int:
    n = 0
    with path.open("w", encoding="utf-8") as fh:
        for e in entries:
            fh.write(json.dumps(e.to_json(), ensure_ascii=False) + "\n")
            n += 1
    return n
