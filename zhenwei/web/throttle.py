"""Login throttling: per account and per client address, exponential backoff after a few
failures.

Kept in this process's memory on purpose (no Redis needed by the review UI): a restart
forgets the counters, and each `serve` worker counts alone, so run one worker, or divide the
free attempts by the worker count when reading the figures below.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

#: failures allowed before the first wait; then 1, 2, 4 … seconds, at most LONGEST
FREE_FAILURES = 5
LONGEST = 15 * 60.0
#: entries forgotten after this long without a failure (bounds memory under a name spray)
FORGET_AFTER = 24 * 3600.0
MAX_ENTRIES = 100_000


@dataclass
class _Entry:
    failures: int = 0
    locked_until: float = 0.0
    last: float = 0.0


class Throttle:
    """Failure counters by key ("user:NAME", "addr:IP"), thread-safe."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[str, _Entry] = {}

    def wait(self, *keys: str) -> int:
        """Seconds until all `keys` may try again (0: now)."""
        now = self._clock()
        with self._lock:
            until = max((e.locked_until for k in keys if (e := self._entries.get(k))), default=0.0)
        return max(0, math.ceil(until - now))

    def failed(self, *keys: str) -> None:
        now = self._clock()
        with self._lock:
            if len(self._entries) >= MAX_ENTRIES:
                self._forget(now)
            for key in keys:
                e = self._entries.setdefault(key, _Entry())
                e.failures += 1
                e.last = now
                over = e.failures - FREE_FAILURES
                if over >= 0:
                    e.locked_until = now + min(LONGEST, 2.0**over)

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def _forget(self, now: float) -> None:
        stale = [k for k, e in self._entries.items() if now - e.last > FORGET_AFTER]
        for k in stale or list(self._entries)[: MAX_ENTRIES // 10]:
            del self._entries[k]
