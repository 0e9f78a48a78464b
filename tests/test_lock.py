"""The run lock keeps a second crawl out, and a killed holder frees it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from zhenwei.lock import AlreadyRunning, RunLock

HOLD = (
    "import sys, time\n"
    "from pathlib import Path\n"
    "from zhenwei.lock import RunLock\n"
    "RunLock(Path(sys.argv[1])).acquire()\n"
    "print('held', flush=True)\n"
    "time.sleep(60)\n"
)


def test_second_holder_is_refused_until_the_first_is_killed(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
        with pytest.raises(AlreadyRunning, match=str(proc.pid)):
            RunLock(tmp_path).acquire()
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        deadline = time.monotonic() + 10
        while True:
            try:
                with RunLock(tmp_path):
                    break
            except AlreadyRunning:
                assert time.monotonic() < deadline
                time.sleep(0.05)
    finally:
        proc.kill()
        proc.wait()


def test_lock_is_reentrant_after_release(tmp_path: Path) -> None:
    with RunLock(tmp_path):
        pass
    with RunLock(tmp_path) as lock:
        assert lock.path.read_text() == str(os.getpid())
