"""DNS, WHOIS and TLS facts of a candidate, gathered in worker threads while the page loads.

Each lookup is bounded in time; one that overruns gives None (the page is still recorded).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from core.config import Settings
from core.netpath.dns import Resolver
from core.netpath.domains import is_ip, registrable_domain, to_ascii
from core.netpath.tls import check_tls
from core.netpath.whois import WhoisClient
from core.types import DnsFacts, TlsFacts, WhoisFacts

logger = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class EnrichOptions:
    """How long each lookup may take and where answers are cached between nights."""

    seconds: float = 30.0
    tls_seconds: float = 10.0
    cache_dir: Path | None = None
    dns_ttl: float = 3600.0
    whois_ttl: float = 7 * 86400.0


@dataclass
class Facts:
    """The lookups of one candidate, running; `collect` awaits them."""

    dns: asyncio.Future[DnsFacts | None] | None = None
    whois: asyncio.Future[WhoisFacts | None] | None = None
    tls: asyncio.Future[TlsFacts | None] | None = None


class Enricher:
    """Starts the lookups of a URL in a thread pool; one per spider."""

    def __init__(self, settings: Settings, options: EnrichOptions) -> None:
        self.settings = settings
        self.options = options
        self.pool = ThreadPoolExecutor(max_workers=16, thread_name_prefix="zw-enrich")
        resolver: Any = Resolver(settings)
        whois: Any = WhoisClient(settings)
        if options.cache_dir is not None:
            # nightly runs: WHOIS once per registrable domain per TTL, DNS per host per TTL
            from core.netpath.cache import CachedResolver, CachedWhois

            resolver = CachedResolver(resolver, options.cache_dir, options.dns_ttl)
            whois = CachedWhois(whois, options.cache_dir, options.whois_ttl)
        self.resolver = resolver
        self.whois = whois

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)

    def start(self, url: str) -> Facts:
        parts = urlsplit(url)
        host = to_ascii(parts.hostname or "")
        facts = Facts(dns=self._in_thread(self.resolver.lookup, host))
        if not is_ip(host):
            facts.whois = self._in_thread(self.whois.lookup, registrable_domain(host))
        if parts.scheme == "https":
            facts.tls = self._tls(host, parts.port or 443)
        return facts

    async def collect(
        self, facts: Facts, final_url: str
    ) -> tuple[DnsFacts | None, WhoisFacts | None, TlsFacts | None]:
        """Await the lookups; an http candidate that ended on https gets its TLS check now."""
        if facts.tls is None and urlsplit(final_url).scheme == "https":
            parts = urlsplit(final_url)
            facts.tls = self._tls(to_ascii(parts.hostname or ""), parts.port or 443)
        dns = await facts.dns if facts.dns is not None else None
        whois = await facts.whois if facts.whois is not None else None
        tls = await facts.tls if facts.tls is not None else None
        return dns, whois, tls

    def _tls(self, host: str, port: int) -> asyncio.Future[TlsFacts | None]:
        seconds = self.options.tls_seconds
        return self._in_thread(lambda: check_tls(host, port, self.settings, timeout=seconds))

    def _in_thread(self, fn: Callable[..., T], *args: Any) -> asyncio.Future[T | None]:
        loop = asyncio.get_running_loop()
        inner = loop.run_in_executor(self.pool, fn, *args)
        return asyncio.ensure_future(_bounded(inner, self.options.seconds))


async def _bounded(fut: asyncio.Future[Any], seconds: float) -> Any:
    try:
        return await asyncio.wait_for(fut, seconds)
    except TimeoutError:
        logger.info("enrichment step timed out after %.0f s", seconds)
        return None
