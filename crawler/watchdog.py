"""A memory and CPU ceiling for Chromium's renderers (issue 9, finding 8).

V8's heap limit (`--js-flags`) stops a script that hoards JavaScript objects, but not a page
that builds 400,000 DOM nodes or lays out megabytes of text: that memory is Blink's, and one
such renderer took 840 MiB. Chromium has no per-renderer limit of its own, so a thread here
reads the private memory of every renderer below this process (Linux /proc) ten times a
second and kills one that passes the ceiling. Its page fails as a crashed page, a typed
render failure; the plain fetch of the same URL is still scored. Other pages live in other
renderers (site isolation) and go on.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections import deque
from pathlib import Path

logger = logging.getLogger(__name__)

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
#: a renderer busy this share of one core over the whole spin window is stuck in a loop
SPIN_SHARE = 0.9
PROC = Path("/proc")


def _children(pid: int) -> list[int] | None:
    """Direct children from /proc/PID/task/*/children; None when the kernel lacks that file."""
    out: list[int] = []
    try:
        tasks = list((PROC / str(pid) / "task").iterdir())
    except OSError:
        return []  # exited meanwhile
    for task in tasks:
        try:
            out.extend(int(x) for x in (task / "children").read_text().split())
        except FileNotFoundError:
            if not (task / "stat").exists():
                continue  # the thread ended
            return None
        except (OSError, ValueError):
            continue
    return out


def _children_by_parent() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in PROC.iterdir() if PROC.is_dir() else ():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # exited meanwhile
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 1 and fields[1].isdigit():
            tree.setdefault(int(fields[1]), []).append(int(entry.name))
    return tree


def descendants(root: int) -> list[int]:
    """Every process below `root` (children, grandchildren, ...): read from the processes
    below it alone, or from a scan of all processes where the kernel keeps no child lists."""
    out: list[int] = []
    todo = [root]
    while todo:
        children = _children(todo.pop())
        if children is None:
            tree = _children_by_parent()
            out, todo = [], list(tree.get(root, ()))
            while todo:
                pid = todo.pop()
                out.append(pid)
                todo.extend(tree.get(pid, ()))
            return out
        out.extend(children)
        todo.extend(children)
    return out


def is_renderer(pid: int) -> bool:
    try:
        raw = (PROC / str(pid) / "cmdline").read_bytes()
    except OSError:
        return False
    # Chromium rewrites its process title: the arguments come back joined by spaces, not NULs
    return b"--type=renderer" in raw.replace(b"\0", b" ").split()


def kill_browsers(root: int | None = None) -> list[int]:
    """SIGKILL every Playwright driver below `root` (this process) and everything below it
    (Chromium and its renderers): the last resort when a browser no longer answers its driver.
    The pids killed, drivers first."""
    root = os.getpid() if root is None else root
    killed: list[int] = []
    for pid in descendants(root):
        try:
            raw = (PROC / str(pid) / "cmdline").read_bytes()
        except OSError:
            continue
        if b"run-driver" not in raw.split(b"\0"):
            continue
        for victim in [pid, *descendants(pid)]:
            try:
                os.kill(victim, signal.SIGKILL)
                killed.append(victim)
            except OSError:
                pass  # gone already
    return killed


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time the process has used (/proc/PID/stat utime, stime)."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
        fields = stat[stat.rfind(")") + 2 :].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    except (OSError, IndexError, ValueError):
        return None


def private_bytes(pid: int) -> int:
    """Resident memory not shared with other processes (statm: resident − shared)."""
    try:
        fields = (PROC / str(pid) / "statm").read_text().split()
        return max(0, int(fields[1]) - int(fields[2])) * PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return 0


class RendererWatchdog:
    """Kills renderer processes below `root`: any whose private memory passes `limit` bytes,
    then the largest while all of them together pass `total` bytes (several hostile pages at
    once each under the limit: the crawl's whole footprint is what must stay bounded), and
    any that kept a core busy for `spin` seconds on end (a `for (;;) {}` outlives the page
    that started it: nothing else stops it, and a close waiting on it would wait forever)."""

    def __init__(
        self,
        limit: int,
        total: int = 0,
        spin: float = 0.0,
        interval: float = 0.1,
        root: int | None = None,
        spin_share: float = SPIN_SHARE,
    ) -> None:
        self.limit = limit
        self.total = total
        self.spin = spin
        self.spin_share = spin_share
        self._cpu: dict[int, deque[tuple[float, float]]] = {}
        self.interval = interval
        self.root = os.getpid() if root is None else root
        self.killed: list[tuple[int, int]] = []  # (pid, private bytes when killed)
        #: the most one renderer and all renderers together used, as seen by the sweeps
        self.largest = 0
        self.largest_total = 0
        self._halt = threading.Event()
        self._thread: threading.Thread | None = None

    def _kill(self, pid: int, used: int, why: str) -> bool:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            return False  # gone already
        self.killed.append((pid, used))
        logger.warning(
            "Chromium renderer %d killed: %d MiB private memory, %s (its page fails as crashed)",
            pid,
            used >> 20,
            why,
        )
        return True

    def sweep(self) -> None:
        """One look at every renderer; public so that tests need no timing."""
        used = {pid: private_bytes(pid) for pid in descendants(self.root) if is_renderer(pid)}
        if not used:
            return
        self.largest = max(self.largest, *used.values())
        self.largest_total = max(self.largest_total, sum(used.values()))
        for pid, size in list(used.items()):
            if size > self.limit and self._kill(pid, size, f"over {self.limit >> 20} MiB"):
                del used[pid]
        while self.total and used and sum(used.values()) > self.total:
            pid = max(used, key=used.__getitem__)
            together = sum(used.values())
            self._kill(
                pid,
                used.pop(pid),
                f"renderers together {together >> 20} MiB, over {self.total >> 20} MiB",
            )
        if self.spin > 0:
            self._spinning(used)

    def _spinning(self, used: dict[int, int]) -> None:
        now = time.monotonic()
        for pid in set(self._cpu) - set(used):
            del self._cpu[pid]
        for pid, size in used.items():
            cpu = cpu_seconds(pid)
            if cpu is None:
                continue
            history = self._cpu.setdefault(pid, deque())
            if history and cpu < history[-1][1]:
                history.clear()  # a new process under a reused pid
            history.append((now, cpu))
            while len(history) > 1 and history[1][0] <= now - self.spin:
                history.popleft()
            since, cpu0 = history[0]
            if now - since >= self.spin and cpu - cpu0 >= self.spin_share * (now - since):
                if self._kill(
                    pid, size, f"busy {cpu - cpu0:.0f} s of the last {now - since:.0f} s"
                ):
                    del self._cpu[pid]

    def _run(self) -> None:
        while not self._halt.wait(self.interval):
            try:
                self.sweep()
            except Exception:  # never let the watchdog die silently mid-run
                logger.exception("renderer watchdog sweep failed")

    def start(self) -> None:
        if self._thread is None and self.limit > 0 and PROC.is_dir():
            self._thread = threading.Thread(target=self._run, name="renderer-watchdog", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._halt.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None


_lock = threading.Lock()
_shared: RendererWatchdog | None = None
_users = 0


def acquire(limit: int, total: int = 0, spin: float = 0.0) -> RendererWatchdog:
    """The process's one watchdog (crawls in one process share it)."""
    global _shared, _users
    with _lock:
        if _shared is None:
            _shared = RendererWatchdog(limit, total, spin)
            _shared.start()
        _users += 1
        return _shared


def release() -> None:
    global _shared, _users
    with _lock:
        _users = max(0, _users - 1)
        if _users == 0 and _shared is not None:
            _shared.stop()
            logger.info(
                "renderer watchdog: largest renderer %d MiB, all renderers %d MiB, %d killed",
                _shared.largest >> 20,
                _shared.largest_total >> 20,
                len(_shared.killed),
            )
            _shared = None
