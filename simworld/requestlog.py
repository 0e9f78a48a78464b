"""What reached the simulated internet: every HTTP(S) request, CONNECT, DNS and WHOIS query."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

Kind = Literal["http", "https", "connect", "dns", "whois"]


@dataclass(frozen=True)
class LogEntry:
    """One request. For DNS, `method` is the query type and `status` the RCODE."""

    kind: Kind
    host: str
    method: str
    path: str
    user_agent: str
    status: int | None  # None: the response was never sent (hang)
    at: datetime

    def to_json(self) -> str:
        d = asdict(self)
        d["at"] = self.at.isoformat()
        return json.dumps(d, ensure_ascii=False)


class RequestLog:
    """Thread-safe, in memory, mirrored to a JSON Lines file when a path is given."""

    def __init__(self, path: Path | None = None) -> None:
        self._lock = threading.Lock()
        self._entries: list[LogEntry] = []
        self.path = path
        self.listeners: list[Callable[[LogEntry], None]] = []

    def add(
        self,
        kind: Kind,
        host: str,
        method: str = "",
        path: str = "",
        user_agent: str = "",
        status: int | None = None,
    ) -> LogEntry:
        entry = LogEntry(kind, host, method, path, user_agent, status, datetime.now(UTC))
        with self._lock:
            self._entries.append(entry)
            if self.path is not None:
                with self.path.open("a", encoding="utf-8") as fh:
                    fh.write(entry.to_json() + "\n")
        for listener in self.listeners:
            listener(entry)
        return entry

    def entries(self) -> list[LogEntry]:
        with self._lock:
            return list(self._entries)

    def for_host(self, host: str) -> list[LogEntry]:
        host = host.lower().rstrip(".")
        return [e for e in self.entries() if e.host == host]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
