"""The cheap stage's scoring on the second core: one worker process with its own scorer.

Scrapy's reactor is one thread, so a page scored in it is a page not fetched meanwhile. The
worker builds its scorer once from a picklable factory (the same one the run used) and
scores triage pages while the reactor keeps fetching. Nothing depends on it: until the worker
is ready, while it has `backlog` pages waiting, after it died (a hostile page, the OOM killer)
or timed out, `analyze` returns None and the caller scores the page in-process, as before.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from typing import Any

from core.signals import ScoredPage
from core.types import Page

logger = logging.getLogger(__name__)

#: a page the worker has not scored in this long is scored in-process (and the worker retired)
SCORE_SECONDS = 60.0

_scorer: Any = None  # the worker process's scorer (set by _init)


def _init(factory: Callable[[], Any]) -> None:
    global _scorer
    _scorer = factory()


def _ready() -> bool:
    return _scorer is not None


def _analyze(page: Page) -> ScoredPage:
    """The judgement without its page: the caller has the page, and sending its HTML back
    would cost as much as sending it here."""
    scored: ScoredPage = _scorer.analyze(page)
    return replace(scored, page=None)  # type: ignore[arg-type]


class ScoringPool:
    """Scores pages in one worker process; None from `analyze` means "score it yourself"."""

    def __init__(self, factory: Callable[[], Any], *, backlog: int = 8) -> None:
        # spawn, never fork: the parent runs a reactor, threads and a browser driver
        context = multiprocessing.get_context("spawn")
        self._pool = ProcessPoolExecutor(1, mp_context=context, initializer=_init,
                                         initargs=(factory,))  # fmt: skip
        self._backlog = backlog
        self._waiting = 0
        self._retired = False
        self.scored = 0
        self._warm: Future[bool] = self._pool.submit(_ready)

    @property
    def ready(self) -> bool:
        return not self._retired and self._warm.done() and self._warm.exception() is None

    async def analyze(self, page: Page) -> ScoredPage | None:
        if not self.ready or self._waiting >= self._backlog:
            return None
        self._waiting += 1
        future: Future[ScoredPage] | None = None
        try:
            future = self._pool.submit(_analyze, page)
            scored = await asyncio.wait_for(asyncio.wrap_future(future), SCORE_SECONDS)
        except (BrokenProcessPool, TimeoutError) as exc:
            self._retire(f"{type(exc).__name__} on {page.url}")
            return None
        except asyncio.CancelledError:
            if future is None or not future.cancelled():
                raise  # our own task was cancelled (the run is stopping)
            return None  # the pool dropped this page's work: score it here
        except Exception as exc:  # noqa: BLE001 - the in-process scorer records it as data
            logger.debug("worker could not score %s: %s", page.url, exc)
            return None
        finally:
            self._waiting -= 1
        self.scored += 1
        return replace(scored, page=page)

    def _retire(self, why: str) -> None:
        if not self._retired:
            logger.warning("scoring worker retired (%s): scoring in-process from now on", why)
        self._retired = True
        self.close()

    def close(self) -> None:
        """Stops the worker without waiting for it (a stuck scorer must not hold the run)."""
        processes = list((getattr(self._pool, "_processes", None) or {}).values())
        # Pages still queued fail as BrokenProcessPool once the worker is gone: each waiter
        # then scores its page itself (cancelling them would drop the pages).
        self._pool.shutdown(wait=False)
        for process in processes:
            process.join(0 if self._retired else 5)
            if process.is_alive():
                process.kill()
