"""The distributed run's candidate queue on the real Redis (zhenwei/workqueue.py)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from core.types import Candidate
from zhenwei.workqueue import CandidateQueue, QueueFeed

pytestmark = pytest.mark.redis
REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def key() -> Iterator[str]:
    k = f"test-{uuid.uuid4().hex[:12]}"
    yield k
    CandidateQueue(REDIS_URL, k, "cleanup").forget()


def _cands(n: int) -> list[Candidate]:
    now = datetime.now(UTC)
    return [Candidate(f"http://site{i}.example/", "seeds", now, {"i": i}) for i in range(n)]


def test_each_candidate_goes_to_one_worker_and_the_run_drains(key: str) -> None:
    coord = CandidateQueue(REDIS_URL, key, "coordinator")
    assert coord.run_id() is None
    cands = _cands(5)
    assert coord.publish(7, cands + cands[:2], {cands[0].url: (cands[0], cands[0])}) == 5
    a = CandidateQueue(REDIS_URL, key, "a")
    b = CandidateQueue(REDIS_URL, key, "b")
    assert a.run_id() == 7
    got_a, got_b = a.take(3), b.take(3)
    assert len(got_a) == 3 and len(got_b) == 2
    assert {x.candidate.url for x in got_a} | {x.candidate.url for x in got_b} == {
        c.url for c in cands
    }
    first = next(x for x in got_a + got_b if x.candidate.url == cands[0].url)
    assert len(first.hits) == 2 and first.candidate.context == {"i": 0}
    assert not coord.drained()
    for q, leases in ((a, got_a), (b, got_b)):
        for lease in leases:
            assert q.ack(lease.candidate.url)
    assert coord.drained()
    assert coord.done_by() == {"a": 3, "b": 2}
    # a link found mid-run whose URL the run already queued is not queued again
    assert not a.add(cands[1]) and a.add(_cands(6)[5])
    assert not coord.drained()


def test_a_silent_workers_lease_goes_to_another_after_the_visibility_timeout(key: str) -> None:
    CandidateQueue(REDIS_URL, key, "coordinator").publish(1, _cands(2), {})
    dead = CandidateQueue(REDIS_URL, key, "dead", visibility_seconds=0.5)
    live = CandidateQueue(REDIS_URL, key, "live", visibility_seconds=0.5)
    taken = dead.take(1)
    assert len(taken) == 1
    lost = taken[0].candidate.url
    other = live.take(5)
    assert [x.candidate.url for x in other] != [lost] and not any(x.reclaimed for x in other)
    live.ack(other[0].candidate.url)
    assert live.take(5) == []  # not yet: the lease is still fresh
    time.sleep(0.7)
    again = live.take(5)
    assert [(x.candidate.url, x.reclaimed) for x in again] == [(lost, True)]
    live.ack(lost)
    assert not dead.ack("http://never-leased.example/")
    assert live.drained() and live.done_by() == {"live": 2}


def test_a_live_worker_keeps_its_lease_by_heartbeat(key: str) -> None:
    CandidateQueue(REDIS_URL, key, "coordinator").publish(1, _cands(1), {})
    slow = CandidateQueue(REDIS_URL, key, "slow", visibility_seconds=0.6)
    other = CandidateQueue(REDIS_URL, key, "other", visibility_seconds=0.6)
    assert len(slow.take(1)) == 1
    for _ in range(3):
        time.sleep(0.35)
        slow.heartbeat()
        assert other.take(1) == []
    time.sleep(0.7)
    assert len(other.take(1)) == 1  # no heartbeat any more: handed over


def test_feed_acknowledges_a_reclaimed_candidate_already_stored(key: str) -> None:
    CandidateQueue(REDIS_URL, key, "coordinator").publish(1, _cands(2), {})
    dead = CandidateQueue(REDIS_URL, key, "dead", visibility_seconds=0.3)
    stored = dead.take(1)[0].candidate.url  # stored, then killed before its ack
    hits: dict[str, object] = {}
    live = CandidateQueue(REDIS_URL, key, "live", visibility_seconds=0.3)
    feed = QueueFeed(live, hits, lambda url: url == stored)  # type: ignore[arg-type]
    first = feed.take(5)
    assert len(first) == 1 and first[0].url != stored and first[0].url in hits
    feed.done(first[0].url)
    time.sleep(0.4)
    assert feed.take(5) == []  # reclaimed, found stored: acknowledged, not fetched again
    assert feed.finished()


def test_a_candidate_that_kills_every_worker_is_set_aside(key: str) -> None:
    from zhenwei.workqueue import MAX_DELIVERIES

    CandidateQueue(REDIS_URL, key, "coordinator").publish(1, _cands(1), {})
    url = _cands(1)[0].url
    for i in range(MAX_DELIVERIES):
        q = CandidateQueue(REDIS_URL, key, f"w{i}", visibility_seconds=0.1)
        assert [x.candidate.url for x in q.take(1)] == [url]  # then this worker dies
        time.sleep(0.2)
    last = CandidateQueue(REDIS_URL, key, "last", visibility_seconds=0.1)
    assert last.take(1) == []
    assert last.given_up() == {url: MAX_DELIVERIES + 1} and last.drained()
