"""A run lock in the data directory, so nightly runs never overlap."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType

#: exit status of a crawl that found another one running (EX_TEMPFAIL)
ALREADY_RUNNING = 75


class AlreadyRunning(RuntimeError):
    """Another process holds the lock."""


class RunLock:
    """An flock(2) on `<data_dir>/<name>.lock`; the kernel drops it if the holder dies."""

    def __init__(self, data_dir: Path, name: str = "crawl") -> None:
        self.path = data_dir / f"{name}.lock"
        self._fd: int | None = None

    def acquire(self) -> RunLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode("ascii", "replace").strip()
            os.close(fd)
            raise AlreadyRunning(
                f"另一个巡查正在运行（进程 {holder or '未知'}，锁文件 {self.path}）"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()
