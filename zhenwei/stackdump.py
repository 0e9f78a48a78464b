"""`kill -USR1 <pid>` prints every thread's stack and every asyncio task's stack to stderr.

A night run that stops making progress (a browser that never answers) shows where it waits
without being killed: thread stacks alone show only the idle event loop.
"""

from __future__ import annotations

import asyncio
import faulthandler
import signal
import sys
from types import FrameType


def _dump_tasks(signum: int, frame: FrameType | None) -> None:
    faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
    try:
        loop = asyncio.get_event_loop_policy().get_event_loop()
        tasks = asyncio.all_tasks(loop)
    except RuntimeError:
        return
    print(f"--- {len(tasks)} asyncio tasks ---", file=sys.stderr)
    for task in tasks:
        task.print_stack(limit=12, file=sys.stderr)
    sys.stderr.flush()


def install() -> None:
    """Installs the SIGUSR1 handler (main thread only; a no-op where there is no SIGUSR1)."""
    if hasattr(signal, "SIGUSR1"):
        try:
            signal.signal(signal.SIGUSR1, _dump_tasks)
        except ValueError:  # not the main thread
            pass
