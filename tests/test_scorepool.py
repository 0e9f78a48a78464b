"""The cheap stage's scoring worker (crawler/scorepool.py), with real spawned processes.

The worker must judge a page exactly as the in-process scorer does, and every way it can fail
(not started yet, busy, dead, stuck) must hand the page back (None) so the caller scores it.
"""

from __future__ import annotations

import asyncio
import os
import time
from datetime import UTC, datetime

import pytest

from core.profiles import load_profiles
from core.types import Page
from detectors.targets import build_analyzer
from pipelines.scorepool import ScoringPool

FAKE = (
    "<html><head><title>特种作业操作证及安全生产知识和管理能力考核合格信息查询平台</title></head>"
    "<body><form>证件号码 <input name='idcard'> 姓名 <input name='name'>"
    "<button>查询</button></form><p>包过 免考 办证 微信 zhengshu888</p></body></html>"
)


def triage_analyzer() -> object:
    """The factory the worker calls (module level: spawn pickles it by name)."""
    return build_analyzer(load_profiles(), triage=True)


class Dies:
    def analyze(self, page: Page) -> object:
        os._exit(3)  # the OOM killer, a segfault in a parser


def dying_scorer() -> Dies:
    return Dies()


class Sleeps:
    def analyze(self, page: Page) -> object:
        time.sleep(30)
        raise AssertionError("never reached")


def sleeping_scorer() -> Sleeps:
    return Sleeps()


def _page(url: str = "http://cx-mem-gov.top/", body: str = FAKE) -> Page:
    return Page(
        url=url,
        final_url=url,
        status=200,
        fetched_at=datetime(2026, 12, 5, tzinfo=UTC),
        user_agent="ua",
        raw_html=body,
        title="",
        stage="triage",
    )


def _wait_ready(pool: ScoringPool, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not pool.ready:
        assert time.monotonic() < deadline, "the worker never came up"
        time.sleep(0.1)


def test_the_worker_judges_exactly_as_the_process_itself() -> None:
    pool = ScoringPool(triage_analyzer)
    try:
        _wait_ready(pool)
        pages = [_page(), _page("http://example.net/", "<html><body>餐厅菜单</body></html>")]
        remote = [asyncio.run(pool.analyze(p)) for p in pages]
    finally:
        pool.close()
    local = triage_analyzer().analyze  # type: ignore[attr-defined]
    for page, scored in zip(pages, remote, strict=True):
        assert scored is not None and scored.page is page  # the page itself, not a copy
        here = local(page)
        assert (scored.score, scored.verdict) == (here.score, here.verdict)
        assert [s.reason for s in scored.signals] == [s.reason for s in here.signals]
    assert remote[0] is not None and remote[0].score > remote[1].score  # type: ignore[union-attr]
    assert pool.scored == 2


def test_not_ready_or_busy_hands_the_page_back() -> None:
    pool = ScoringPool(triage_analyzer, backlog=0)
    try:
        assert asyncio.run(pool.analyze(_page())) is None  # backlog 0: always "score it yourself"
    finally:
        pool.close()


def test_a_worker_that_dies_is_retired_and_the_page_comes_back() -> None:
    pool = ScoringPool(dying_scorer)
    try:
        _wait_ready(pool)
        assert asyncio.run(pool.analyze(_page())) is None
        assert not pool.ready
        assert asyncio.run(pool.analyze(_page())) is None  # retired: no second try
    finally:
        pool.close()


def test_a_stuck_worker_is_killed_and_the_page_comes_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("pipelines.scorepool.SCORE_SECONDS", 1.0)
    pool = ScoringPool(sleeping_scorer)
    _wait_ready(pool)
    processes = list(pool._pool._processes.values())  # type: ignore[union-attr]
    started = time.monotonic()
    assert asyncio.run(pool.analyze(_page())) is None
    assert time.monotonic() - started < 10
    for process in processes:
        process.join(5)
        assert not process.is_alive()


def test_pages_waiting_behind_a_stuck_one_all_come_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 10,000-page night lost its triage pages when the queue behind a stuck page was
    cancelled: every waiter must get its page back, none may raise."""
    monkeypatch.setattr("pipelines.scorepool.SCORE_SECONDS", 1.0)
    pool = ScoringPool(sleeping_scorer, backlog=6)
    _wait_ready(pool)

    async def later(i: int) -> object:
        await asyncio.sleep(0.5)  # still queued when the first page's deadline retires the worker
        return await pool.analyze(_page(f"http://a{i}.top/"))

    async def many() -> list[object]:
        return await asyncio.gather(pool.analyze(_page()), *(later(i) for i in range(5)))

    try:
        assert asyncio.run(many()) == [None] * 6
    finally:
        pool.close()


def _modules_and_verdict(page: Page) -> tuple[list[str], str]:
    import sys

    from pipelines import scorepool

    assert scorepool._scorer is not None
    loaded = sorted(m for m in ("sqlalchemy", "alembic", "storage") if m in sys.modules)
    return loaded, scorepool._scorer.analyze(page).verdict


def test_the_run_recipe_builds_the_same_analyzer_in_a_worker_without_a_database(
    tmp_path, monkeypatch
) -> None:
    """crawljob reads profiles, labels and references once (AnalyzerRecipe) and the worker
    builds from that: the same judgement, and no database modules in the worker."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from dataclasses import replace

    from core.config import Settings
    from pipelines import scorepool
    from zhenwei.analysis import analyzer_from_database, recipe_from_database

    monkeypatch.setenv("ZHENWEI_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("ZHENWEI_DATABASE_URL", raising=False)
    settings = Settings.from_env()
    recipe = replace(recipe_from_database(settings), triage=True)
    page = _page()
    here = analyzer_from_database(settings, triage=True).analyze(page)
    assert recipe().analyze(page).signals == here.signals
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        1, mp_context=context, initializer=scorepool._init, initargs=(recipe,)
    ) as pool:
        loaded, verdict = pool.submit(_modules_and_verdict, page).result(timeout=120)
    assert verdict == here.verdict == "counterfeit"
    assert loaded == []
