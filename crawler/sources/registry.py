"""Source names → classes, in the order `zhenwei crawl` runs them."""

from __future__ import annotations

import importlib
from collections.abc import Iterable

from crawler.sources.base import Source

#: name -> "module:Class" (imported on use, so `--sources seeds` loads no DNS code)
SOURCES: dict[str, str] = {
    "permutations": "crawler.sources.permutations:PermutationsSource",
    "ct": "crawler.sources.ct:CertificateTransparencySource",
    "pdns": "crawler.sources.pdns:PassiveDnsSource",
    "search": "crawler.sources.search:SearchEngineSource",
    "seeds": "crawler.sources.seeds:SeedsSource",
    "links": "crawler.sources.links:LinksSource",
    "recheck": "crawler.sources.recheck:RecheckSource",
    # only with `zhenwei crawl --feed FILE`: a newly-registered-domain or zone-file feed
    "feed": "crawler.sources.feed:FeedSource",
}


class UnknownSourceError(ValueError):
    """A source name that is not registered."""


def source_class(name: str) -> type[Source]:
    try:
        target = SOURCES[name]
    except KeyError:
        known = ", ".join(SOURCES)
        raise UnknownSourceError(f"unknown source {name!r} (known: {known})") from None
    module_name, _, cls_name = target.partition(":")
    cls: type[Source] = getattr(importlib.import_module(module_name), cls_name)
    return cls


def build_sources(names: Iterable[str] | None = None) -> list[Source]:
    """Instantiate the named sources (all of them when `names` is None or empty)."""
    wanted = [n.strip() for n in (names or ()) if n.strip()] or [s for s in SOURCES if s != "feed"]
    unknown = [n for n in wanted if n not in SOURCES]
    if unknown:
        known = ", ".join(SOURCES)
        raise UnknownSourceError(f"unknown source(s) {', '.join(unknown)} (known: {known})")
    return [source_class(n)() for n in dict.fromkeys(wanted)]
