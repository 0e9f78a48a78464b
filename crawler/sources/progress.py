"""Per-source progress counters (names generated, resolved, found, fetched), shared with the
terminal ticker of `zhenwei crawl` (issue 12, item 5).

Sources add to their own counters from the asyncio thread; the ticker reads a snapshot from
another thread, hence the lock. One board per crawl run (`SourceContext.progress`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

#: the order columns appear in a progress line
COLUMNS = ("generated", "queries", "resolved", "found", "fetched")
_ZH = {
    "generated": "生成",
    "queries": "查询",
    "resolved": "已解析",
    "found": "发现",
    "fetched": "已抓取",
}


@dataclass
class SourceCounters:
    name: str
    board: ProgressBoard

    def add(self, key: str, n: int = 1) -> None:
        self.board.add(self.name, key, n)

    def done(self) -> None:
        self.board.finish(self.name)


@dataclass
class ProgressBoard:
    """Counters per source; `line()` renders them as one line an analyst can read."""

    started: float = field(default_factory=time.monotonic)
    _counts: dict[str, dict[str, int]] = field(default_factory=dict)
    _done: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def source(self, name: str) -> SourceCounters:
        with self._lock:
            self._counts.setdefault(name, {})
        return SourceCounters(name, self)

    def add(self, name: str, key: str, n: int = 1) -> None:
        with self._lock:
            row = self._counts.setdefault(name, {})
            row[key] = row.get(key, 0) + n

    def finish(self, name: str) -> None:
        with self._lock:
            self._done.add(name)

    def snapshot(self) -> dict[str, dict[str, int]]:
        with self._lock:
            return {k: dict(v) for k, v in self._counts.items()}

    def rows(self) -> Iterator[str]:
        snap = self.snapshot()
        with self._lock:
            done = set(self._done)
        for name in sorted(snap):
            row = snap[name]
            cells = [f"{_ZH[c]} {row[c]}" for c in COLUMNS if c in row]
            extra = [f"{k} {v}" for k, v in sorted(row.items()) if k not in COLUMNS]
            state = "完成" if name in done else "进行中"
            yield f"{name}（{state}）: " + (" · ".join(cells + extra) or "启动中")

    def summary(self) -> list[str]:
        """One line per source, for the log of a run without a terminal."""
        return list(self.rows())

    def line(self) -> str:
        elapsed = time.monotonic() - self.started
        rows = " | ".join(self.rows()) or "发现来源启动中（域名变体、证书透明度、搜索引擎……）"
        return f"[{int(elapsed) // 60:02d}:{int(elapsed) % 60:02d}] {rows}"


_current = ProgressBoard()
_current_lock = threading.Lock()


def current() -> ProgressBoard:
    """The board of the crawl run in progress (what `SourceContext` reports to by default)."""
    with _current_lock:
        return _current


def start_run() -> ProgressBoard:
    """A fresh board for a new crawl run; the terminal ticker reads it."""
    global _current
    with _current_lock:
        _current = ProgressBoard()
        return _current
