"""The crawl's per-source progress lines: the first at once, then one per interval."""

from __future__ import annotations

import threading

from crawler.sources.progress import ProgressBoard
from zhenwei.ticker import Ticker


def test_first_line_at_once_then_periodic_until_stopped() -> None:
    board = ProgressBoard()
    lines: list[str] = []
    seen = threading.Event()

    def emit(line: str) -> None:
        lines.append(line)
        if len(lines) >= 3:
            seen.set()

    with Ticker(board, emit, interval=0.01):
        assert len(lines) == 1 and lines[0].startswith("[00:00]")  # before any source reports
        src = board.source("permutations")
        src.add("generated", 20000)
        src.add("resolved", 150)
        src.add("found", 3)
        assert seen.wait(10)
    assert "permutations（进行中）: 生成 20000 · 已解析 150 · 发现 3" in lines[-1]
    board.source("ct").done()
    assert any(r.startswith("ct（完成）") for r in board.summary())
