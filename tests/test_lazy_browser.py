"""The Playwright driver (and Chromium) start with the first page that needs the browser
(crawler.handler): a crawl that renders nothing starts none, one that renders starts one,
however many pages ask for it at once."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

pytestmark = pytest.mark.timeout(300)

ROOT = Path(__file__).resolve().parents[1]
# Several candidates at once: their first browser requests meet in the one launch.
URLS = ["http://cx-mem-gov.cn/", "http://cxmem.cn/", "http://cx-mem.com/", "http://cxmemgov.com/"]

# Runs in a child (Twisted's reactor runs once per process). A thread notes every Playwright
# driver process below this one while the crawl runs; spider_closed notes the handler's state.
CHILD = r"""
import json, os, sys, threading
from datetime import UTC, datetime
from scrapy import signals
from core.config import Settings
from core.types import Candidate
from crawler import runner, watchdog
from crawler.context import RunContext

mode, urls = sys.argv[1], sys.argv[2:]
drivers, seen, stop = set(), {}, threading.Event()

def sample():
    while not stop.wait(0.05):
        for pid in watchdog.descendants(os.getpid()):
            try:
                cmd = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")
            except OSError:
                continue
            if b"run-driver" in cmd:
                drivers.add(pid)

def closed(spider):
    handler = getattr(spider.crawler, "_zhenwei_browser_handler", None)
    seen["handler"] = handler is not None
    seen["provider"] = getattr(handler, "browser_provider", None) is not None
    seen["contexts"] = sorted(getattr(handler, "context_wrappers", {}))
    seen["watchdog"] = getattr(handler, "_watchdog", None) is not None

attach = runner.attach
def attach_and_watch(crawler, context):
    attach(crawler, context)
    crawler.signals.connect(closed, signal=signals.spider_closed)
runner.attach = attach_and_watch

class NoScore:  # a triage scorer that is never asked: no scoring pipeline in this run
    def analyze(self, page):
        raise AssertionError("not called")

starts = []
class Broken:  # PLAYWRIGHT_BROWSER_PROVIDER whose driver never starts
    def __init__(self, config):
        pass
    async def start(self):
        starts.append(1)
        raise RuntimeError("driver did not start")
    async def close(self):
        pass

settings = Settings.from_env()
now = datetime.now(UTC)
source = "feed" if mode == "plain" else "seeds"
context = RunContext(triage_scorer=NoScore()) if mode == "plain" else RunContext()
threading.Thread(target=sample, daemon=True).start()
result = runner.run(
    [Candidate(u, source, now) for u in urls],
    settings,
    options=runner.RunOptions(
        timeout=60,
        concurrency=4,
        variants=False,
        extra={"PLAYWRIGHT_BROWSER_PROVIDER": "__main__.Broken"} if mode == "broken" else {},
    ),
    context=context,
)
stop.set()
pages = [runner.page_of(i) for i in result.items]
print(json.dumps({
    **seen,
    "drivers": len(drivers),
    "left": [p for p in drivers if os.path.exists(f"/proc/{p}")],
    "pages": len(pages),
    "failed": [p.url for p in pages if p.failure is not None],
    "stages": sorted({p.stage for p in pages}),
    "rendered": result.stats.get("zhenwei/full/direct", 0),
    "errors": [p.failure.message for p in pages if p.failure is not None],
    "starts": len(starts),
}))
"""


def _crawl(simnet: Any, tmp_path: Path, mode: str) -> dict[str, Any]:
    env = {**os.environ, **simnet.env, "ZHENWEI_DATA_DIR": str(tmp_path / "data")}
    env.pop("ZHENWEI_DATABASE_URL", None)
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, mode, *URLS],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def test_a_crawl_that_renders_nothing_starts_no_driver(simnet: Any, tmp_path: Path) -> None:
    got = _crawl(simnet, tmp_path, "plain")
    assert got["pages"] == len(URLS) and got["stages"] == ["triage"] and not got["failed"]
    assert got["handler"] and not got["provider"] and not got["watchdog"]
    assert got["drivers"] == 0 and got["contexts"] == []


def test_a_crawl_that_renders_starts_one_driver_for_all_its_pages(
    simnet: Any, tmp_path: Path, chromium_path: Path
) -> None:
    got = _crawl(simnet, tmp_path, "render")
    assert got["rendered"] == len(URLS) and got["pages"] == len(URLS), got
    assert got["stages"] == ["full"] and not got["failed"], got
    assert got["provider"] and got["watchdog"]
    # the startup contexts (PLAYWRIGHT_CONTEXTS), created with the launch as before
    assert got["contexts"] == ["desktop", "mobile"]
    assert got["drivers"] == 1 and got["left"] == []  # one driver, ended with the crawl


def test_a_driver_that_fails_to_start_fails_its_pages_as_data(simnet: Any, tmp_path: Path) -> None:
    got = _crawl(simnet, tmp_path, "broken")
    assert got["pages"] == len(URLS) and sorted(got["failed"]) == sorted(URLS), got
    assert all("driver did not start" in e for e in got["errors"]), got["errors"]
    # each page tried the launch once (one at a time); none left a provider behind
    assert got["starts"] == len(URLS) and not got["provider"] and got["drivers"] == 0


class _SlowProvider:
    """Counts starts; each start takes a while, so that first requests pile up on it."""

    started = 0
    closed = 0

    def __init__(self, config: Any) -> None:
        pass

    async def start(self) -> None:
        type(self).started += 1
        await asyncio.sleep(0.2)

    async def close(self) -> None:
        type(self).closed += 1


def _bare_handler() -> Any:
    """The handler's launch state alone (its __init__ wants a crawler and the asyncio reactor)."""
    from crawler.handler import BoundedPlaywrightHandler

    handler = object.__new__(BoundedPlaywrightHandler)
    handler.browser_provider_cls = _SlowProvider
    handler.config = SimpleNamespace(startup_context_kwargs={})
    handler._launch_lock = asyncio.Lock()
    handler._launched = handler._closed = False
    handler._watchdog_limits = handler._watchdog = None
    return handler


def test_concurrent_first_requests_share_one_launch() -> None:
    handler = _bare_handler()
    _SlowProvider.started = _SlowProvider.closed = 0

    async def go() -> None:
        await handler._launch()  # engine start: nothing
        assert _SlowProvider.started == 0 and getattr(handler, "browser_provider", None) is None
        await asyncio.gather(*(handler._ensure_launched() for _ in range(8)))
        await handler._ensure_launched()

    asyncio.run(go())
    assert _SlowProvider.started == 1 and isinstance(handler.browser_provider, _SlowProvider)


def test_no_launch_after_close_and_close_without_launch_touches_nothing() -> None:
    handler = _bare_handler()
    _SlowProvider.started = _SlowProvider.closed = 0
    handler._closed = True

    async def go() -> None:
        with pytest.raises(RuntimeError, match="closed"):
            await handler._ensure_launched()
        await handler._stop_driver()

    asyncio.run(go())
    assert _SlowProvider.started == _SlowProvider.closed == 0
