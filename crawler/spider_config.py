"""The spider's settings, parsed once from the Scrapy settings into typed values.

Every bound of a capture derives from one deadline per URL (`ZHENWEI_FETCH_TIMEOUT`), so one
hostile site cannot hold up the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scrapy.settings import BaseSettings

from crawler.enrich import EnrichOptions
from crawler.plain import CRAWLER_UA
from crawler.recorder import RenderLimits

DEFAULT_DEADLINE = 60.0


@dataclass(frozen=True)
class SpiderConfig:
    """What PagesSpider reads from its settings (defaults beside each name)."""

    deadline: float = DEFAULT_DEADLINE
    #: also fetch as a search-engine crawler and as the other browser identity (cloaking)
    variants: bool = True
    crawler_user_agent: str = CRAWLER_UA
    #: capture directories (WARC) go here; None: nothing is written
    capture_root: Path | None = None
    limits: RenderLimits = RenderLimits()
    enrich_on: bool = True
    enrich: EnrichOptions = EnrichOptions()
    #: the protected targets' own hosts: never fetched as candidates
    official_hosts: frozenset[str] = frozenset()
    links_max_depth: int = 2
    #: distributed runs: candidates in progress before the next one is taken from the queue
    claim_slots: int = 4

    @property
    def navigation_seconds(self) -> float:
        return self.deadline * 0.6

    @property
    def browser_seconds(self) -> float:
        """The whole browser download: navigation plus reading the DOM it arrived at."""
        return self.deadline * 0.75

    @property
    def plain_seconds(self) -> float:
        return min(20.0, self.deadline * 0.5)

    @classmethod
    def from_settings(cls, s: BaseSettings) -> SpiderConfig:
        deadline = s.getfloat("ZHENWEI_FETCH_TIMEOUT", DEFAULT_DEADLINE)
        max_body = s.getint("ZHENWEI_MAX_WARC_BODY", 8 * 1024 * 1024)
        root = s.get("ZHENWEI_CAPTURE_ROOT")
        cache = s.get("ZHENWEI_CACHE_DIR")
        return cls(
            deadline=deadline,
            variants=s.getbool("ZHENWEI_VARIANTS", True),
            crawler_user_agent=s.get("ZHENWEI_CRAWLER_USER_AGENT") or CRAWLER_UA,
            capture_root=Path(root) if root else None,
            limits=RenderLimits(
                max_body=max_body,
                settle_seconds=s.getfloat(
                    "ZHENWEI_SETTLE_SECONDS", min(5.0, max(1.0, deadline * 0.08))
                ),
                step_seconds=min(15.0, max(2.0, deadline * 0.15)),
                document_seconds=deadline * 0.6,
            ),
            enrich_on=s.getbool("ZHENWEI_ENRICH", True),
            enrich=EnrichOptions(
                seconds=deadline * 0.5,
                tls_seconds=min(10.0, deadline * 0.3),
                cache_dir=Path(cache) if cache else None,
                dns_ttl=s.getfloat("ZHENWEI_DNS_TTL", 3600.0),
                whois_ttl=s.getfloat("ZHENWEI_WHOIS_TTL", 7 * 86400.0),
            ),
            official_hosts=frozenset(h.lower() for h in s.getlist("ZHENWEI_OFFICIAL_HOSTS")),
            links_max_depth=s.getint("ZHENWEI_LINKS_MAX_DEPTH", 2),
            claim_slots=max(1, s.getint("ZHENWEI_CLAIM_SLOTS", 4)),
        )
