"""Peak memory of a process and all its descendants (zhenwei, the Playwright driver, every
Chromium process), sampled in a thread: the RSS sum and the PSS sum (shared pages counted once).
Shared by the bench scripts that measure a whole process tree."""

from __future__ import annotations

import threading
from pathlib import Path

import psutil


def _kind(proc: psutil.Process) -> str:
    cmd = proc.cmdline()
    name = Path(cmd[0]).name if cmd else proc.name()
    kind = next((a.split("=", 1)[1] for a in cmd if a.startswith("--type=")), "")
    return f"{name} {kind}".strip()


class Sampler(threading.Thread):
    """Samples the memory of a process and all its descendants until stopped; PSS every
    `pss_every` samples, because reading smaps is costly for every process."""

    def __init__(self, pid: int, interval: float, pss_every: int = 1) -> None:
        super().__init__(daemon=True)
        self.root = psutil.Process(pid)
        self.interval = interval
        self.pss_every = pss_every
        self.peak_rss = 0
        self.peak_pss = 0
        self.peak_procs = 0
        self.samples = 0
        #: peak RSS per kind of process (zhenwei, node driver, chromium browser, renderer...)
        self.by_kind: dict[str, int] = {}
        #: PSS of each kind of process (summed) in the sample with the highest PSS sum
        self.at_peak: dict[str, int] = {}
        self._halt = threading.Event()

    def _tree(self) -> list[psutil.Process]:
        try:
            return [self.root, *self.root.children(recursive=True)]
        except psutil.Error:
            return []

    def run(self) -> None:
        while not self._halt.is_set():
            procs = self._tree()
            rss = pss = 0
            full = self.samples % self.pss_every == 0
            kinds: dict[str, int] = {}
            for proc in procs:
                try:
                    if full:
                        info = proc.memory_full_info()
                        pss += getattr(info, "pss", info.rss)
                        kinds[_kind(proc)] = kinds.get(_kind(proc), 0) + getattr(info, "pss", 0)
                    else:
                        info = proc.memory_info()
                    rss += info.rss
                    kind = _kind(proc)
                    self.by_kind[kind] = max(self.by_kind.get(kind, 0), info.rss)
                except psutil.Error:
                    continue
            self.peak_rss = max(self.peak_rss, rss)
            if full and pss > self.peak_pss:
                self.peak_pss = pss
                self.at_peak = kinds
            self.peak_procs = max(self.peak_procs, len(procs))
            self.samples += 1
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join()

    def kind_lines(self) -> list[str]:
        """Two lines: the peak RSS of one process of each kind, and each kind's PSS at the peak."""

        def listing(values: dict[str, int]) -> str:
            ranked = sorted(values.items(), key=lambda kv: -kv[1])
            return ", ".join(f"{k} {v / 2**20:.0f} MiB" for k, v in ranked)

        return [
            "peak RSS of one process, by kind: " + listing(self.by_kind),
            "PSS at the peak, by kind: " + listing(self.at_peak),
        ]
