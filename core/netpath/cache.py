"""WHOIS and DNS answers cached with a time to live, on disk under the data directory.

A nightly crawl meets the same registrable domain many times (www., cx., redirects, links)
and meets it again the next night: WHOIS servers rate-limit hard, so a domain's record is
asked once per TTL. Failed lookups are never cached: the next attempt may succeed.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from dataclasses import asdict, fields
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from core.netpath.domains import registrable_domain
from core.types import DnsFacts, WhoisFacts

T = TypeVar("T", DnsFacts, WhoisFacts)

WHOIS_TTL = 7 * 24 * 3600.0
DNS_TTL = 3600.0


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and "$dt" in value:
        return datetime.fromisoformat(value["$dt"])
    if isinstance(value, list):
        return tuple(_decode(v) for v in value)
    return value


class TtlStore:
    """Small JSON-file cache: one file per key, written atomically; safe across threads."""

    def __init__(self, root: Path, ttl: float) -> None:
        self.root = root
        self.ttl = ttl
        self._mem: dict[str, tuple[float, dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def _path(self, key: str) -> Path:
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
        return self.root / digest[:2] / f"{digest}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        now = time.time()
        with self._lock:
            hit = self._mem.get(key)
        if hit is None:
            try:
                data = json.loads(self._path(key).read_text(encoding="utf-8"))
                hit = (float(data["at"]), data["value"])
            except (OSError, ValueError, KeyError, TypeError):
                return None
            with self._lock:
                self._mem[key] = hit
        at, value = hit
        return value if now - at < self.ttl else None

    def put(self, key: str, value: dict[str, Any]) -> None:
        at = time.time()
        with self._lock:
            self._mem[key] = (at, value)
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
            tmp.write_text(json.dumps({"key": key, "at": at, "value": value}, ensure_ascii=False))
            os.replace(tmp, path)
        except OSError:
            pass  # a cache that cannot write only costs a repeated lookup


def _to_dict(facts: DnsFacts | WhoisFacts) -> dict[str, Any]:
    return {k: _encode(v) for k, v in asdict(facts).items()}


def _from_dict(cls: type[T], data: dict[str, Any]) -> T:
    names = {f.name for f in fields(cls)}
    return cls(**{k: _decode(v) for k, v in data.items() if k in names})


class CachedWhois:
    """WhoisClient.lookup, once per registrable domain per TTL."""

    def __init__(self, client: Any, root: Path, ttl: float = WHOIS_TTL) -> None:
        self.client = client
        self.store = TtlStore(root / "whois", ttl)

    def lookup(self, domain: str) -> WhoisFacts:
        key = registrable_domain(domain) or domain.lower()
        cached = self.store.get(key)
        if cached is not None:
            return _from_dict(WhoisFacts, cached)
        facts: WhoisFacts = self.client.lookup(key)
        if facts.error is None:
            self.store.put(key, _to_dict(facts))
        return facts


class CachedResolver:
    """Resolver.lookup per host per TTL (NS and MX belong to the registrable domain)."""

    def __init__(self, resolver: Any, root: Path, ttl: float = DNS_TTL) -> None:
        self.resolver = resolver
        self.store = TtlStore(root / "dns", ttl)

    def lookup(self, host: str) -> DnsFacts:
        key = host.lower().rstrip(".")
        cached = self.store.get(key)
        if cached is not None:
            return _from_dict(DnsFacts, cached)
        facts: DnsFacts = self.resolver.lookup(key)
        if facts.error is None:
            self.store.put(key, _to_dict(facts))
        return facts

    def __getattr__(self, name: str) -> Any:
        # resolve/exists/async variants are not cached: sources want live answers
        return getattr(self.resolver, name)
