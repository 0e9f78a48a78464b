"""The progress lines of `zhenwei crawl` (issue 12, item 5): on a terminal, one line per
`interval` with each source's counters (names generated, resolved, found, fetched), the first
at once; without a terminal, the same counters once in the log when the run ends."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from crawler.sources.progress import ProgressBoard

log = logging.getLogger(__name__)
INTERVAL = 2.0


class Ticker:
    """A daemon thread that emits `board.line()` every `interval` seconds until stopped."""

    def __init__(
        self, board: ProgressBoard, emit: Callable[[str], None], interval: float = INTERVAL
    ) -> None:
        self.board = board
        self.emit = emit
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="crawl-progress", daemon=True)

    def __enter__(self) -> Ticker:
        self.emit(self.board.line())  # the first line at once, before any source answers
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.emit(self.board.line())

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.emit(self.board.line())


def log_summary(board: ProgressBoard) -> None:
    for row in board.summary():
        log.warning("发现来源进度 %s", row)
