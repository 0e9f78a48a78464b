"""The candidate queue of a distributed crawl: a Redis Streams consumer group.

One candidate stays one unit of work (its render, plain variants, enrichment and scoring
meet in one worker's memory), so the work is shared per candidate, not per request:

- the coordinator `publish`es every candidate of the run once (XADD), after marking its URL
  in a shared seen-set (SADD: the run's dupefilter, also used for links found mid-run);
- workers `take` candidates (XREADGROUP) only when they have a free slot, and `ack` each
  once its page is stored and its links are queued (XACK);
- a candidate leased by a worker that died stays pending; once idle longer than the
  visibility timeout, the next `take` of any worker reclaims it (XAUTOCLAIM). A live
  worker keeps its leases fresh with `heartbeat` (XCLAIM ... JUSTID resets the idle time).

Keys (all under `zhenwei:crawl:<run key>:`): `queue` (stream, group `workers`), `seen`
(set of URLs), `meta` (hash: run_id, published, total), `done-by` (hash: consumer → count),
`given-up` (hash: URL → deliveries, candidates that took down every worker they went to).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from core.types import Candidate

logger = logging.getLogger(__name__)

GROUP = "workers"
#: keys outlive any run that could still be worked on
TTL_SECONDS = 14 * 86400
#: a candidate handed out this often without being finished kills its workers: set aside
MAX_DELIVERIES = 4
KEYS = ("queue", "seen", "meta", "done-by", "given-up")


class QueueUnavailable(RuntimeError):
    """Redis could not be reached."""


@dataclass(frozen=True)
class Lease:
    """One candidate handed to this worker, with every source hit that found it."""

    msg_id: str
    candidate: Candidate
    hits: tuple[Candidate, ...]
    reclaimed: bool


class CandidateQueue:
    """One run's shared queue, seen from one consumer (a worker or the coordinator)."""

    def __init__(
        self,
        redis_url: str,
        run_key: str,
        consumer: str,
        *,
        visibility_seconds: float = 300.0,
    ) -> None:
        import redis

        self.prefix = f"zhenwei:crawl:{run_key}:"
        self.stream = self.prefix + "queue"
        self.consumer = consumer
        self.visibility_ms = int(visibility_seconds * 1000)
        # Any: redis-py types its replies as a union of sync and async results
        self.client: Any = redis.Redis.from_url(
            redis_url, socket_timeout=30, socket_connect_timeout=10, decode_responses=True
        )
        self._error = redis.RedisError
        #: URL → message id of this consumer's open leases
        self.leases: dict[str, str] = {}
        self._cursor = "0-0"
        try:
            self.client.ping()
        except redis.RedisError as exc:
            raise QueueUnavailable(str(exc)) from None

    # -- coordinator -------------------------------------------------------------------

    def publish(
        self, run_id: int, candidates: Iterable[Candidate], hits: Mapping[str, Sequence[Candidate]]
    ) -> int:
        """Queue each not-yet-seen candidate once; returns how many were queued."""
        import redis

        try:
            self.client.xgroup_create(self.stream, GROUP, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        self.client.hset(self.prefix + "meta", mapping={"run_id": run_id, "published": 0})
        n = sum(1 for c in candidates if self.add(c, hits.get(c.url, ())))
        self.client.hset(self.prefix + "meta", mapping={"published": 1, "total": n})
        for key in KEYS:
            self.client.expire(self.prefix + key, TTL_SECONDS)
        return n

    def add(self, candidate: Candidate, hits: Sequence[Candidate] = ()) -> bool:
        """Queue one candidate unless its URL was queued before in this run (the dupefilter)."""
        if not self.client.sadd(self.prefix + "seen", candidate.url):
            return False
        fields = {
            "url": candidate.url,
            "candidate": json.dumps(candidate.to_json(), ensure_ascii=False),
            "hits": json.dumps([h.to_json() for h in hits], ensure_ascii=False),
        }
        self.client.xadd(self.stream, fields)
        return True

    def run_id(self, wait_seconds: float = 0.0) -> int | None:
        """The run's id once its coordinator published every candidate (None: not yet)."""
        deadline = time.monotonic() + wait_seconds
        while True:
            meta = self.client.hgetall(self.prefix + "meta")
            if meta.get("published") == "1":
                return int(meta["run_id"])
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.5)

    def drained(self) -> bool:
        """Every queued candidate was taken and acknowledged (nothing left to anyone)."""
        for group in self.client.xinfo_groups(self.stream):
            if group["name"] == GROUP:
                return int(group["pending"]) == 0 and int(group.get("lag") or 0) == 0
        return False

    def done_by(self) -> dict[str, int]:
        """How many candidates each consumer finished (how the work split)."""
        return {k: int(v) for k, v in self.client.hgetall(self.prefix + "done-by").items()}

    # -- worker ------------------------------------------------------------------------

    def take(self, n: int, block_ms: int | None = None) -> list[Lease]:
        """Up to `n` candidates: first those whose worker went silent, then new ones.

        `block_ms` waits that long for new ones (None: return at once; 0 would wait forever).
        """
        if n <= 0:
            return []
        out: list[Lease] = []
        try:
            reply = self.client.xautoclaim(
                self.stream,
                GROUP,
                self.consumer,
                min_idle_time=self.visibility_ms,
                start_id=self._cursor,
                count=n,
            )
            self._cursor = reply[0]
            out += [
                self._lease(mid, f, reclaimed=True)
                for mid, f in reply[1]
                if f and not self._poison(mid, f)
            ]
            if len(out) < n:
                got = self.client.xreadgroup(
                    GROUP, self.consumer, {self.stream: ">"}, count=n - len(out), block=block_ms
                )
                for _stream, entries in got or []:
                    out += [self._lease(mid, f, reclaimed=False) for mid, f in entries]
        except self._error as exc:
            logger.warning("cannot take candidates from Redis: %s", exc)
            time.sleep(1.0)
            return []
        for lease in out:
            self.leases[lease.candidate.url] = lease.msg_id
            if lease.reclaimed:
                logger.info("reclaimed %s from a silent worker", lease.candidate.url)
        return out

    def _poison(self, msg_id: str, fields: Mapping[str, str]) -> bool:
        """True (and set aside) when the candidate was handed out MAX_DELIVERIES times."""
        info = self.client.xpending_range(self.stream, GROUP, min=msg_id, max=msg_id, count=1)
        times = int(info[0]["times_delivered"]) if info else 0
        if times <= MAX_DELIVERIES:
            return False
        logger.warning(
            "giving up %s: handed out %d times, never finished", fields.get("url"), times
        )
        self.client.hset(self.prefix + "given-up", fields.get("url", msg_id), times)
        self.client.xack(self.stream, GROUP, msg_id)
        return True

    def given_up(self) -> dict[str, int]:
        """Candidates set aside because every worker they went to died on them."""
        return {k: int(v) for k, v in self.client.hgetall(self.prefix + "given-up").items()}

    def _lease(self, msg_id: str, fields: Mapping[str, str], *, reclaimed: bool) -> Lease:
        hits = tuple(Candidate.from_json(h) for h in json.loads(fields.get("hits") or "[]"))
        return Lease(msg_id, Candidate.from_json(json.loads(fields["candidate"])), hits, reclaimed)

    def ack(self, url: str) -> bool:
        """The candidate `url` is finished here (stored, links queued); False if not leased."""
        msg_id = self.leases.pop(url, None)
        if msg_id is None:
            return False
        try:
            if self.client.xack(self.stream, GROUP, msg_id):
                self.client.hincrby(self.prefix + "done-by", self.consumer, 1)
        except self._error as exc:
            # Left pending: after the visibility timeout another worker finds it stored.
            logger.warning("cannot acknowledge %s: %s", url, exc)
        return True

    def heartbeat(self) -> None:
        """Reset the idle time of this worker's open leases, so nobody reclaims live work."""
        ids = list(self.leases.values())
        if not ids:
            return
        try:
            self.client.xclaim(
                self.stream, GROUP, self.consumer, min_idle_time=0, message_ids=ids, justid=True
            )
        except self._error as exc:
            logger.warning("cannot renew leases: %s", exc)

    def forget(self) -> None:
        """Delete the run's keys (tests; a finished run's keys otherwise expire)."""
        self.client.delete(*(self.prefix + k for k in KEYS))


class QueueFeed:
    """The queue as the spider's `CandidateFeed`: leases become candidates, pages acks.

    `hits` is the run context's mutable URL → source hits map, filled as candidates arrive.
    `is_stored(url)` is asked for reclaimed candidates: a worker killed between storing a
    page and acknowledging it must not cause a second capture.
    """

    def __init__(
        self,
        queue: CandidateQueue,
        hits: dict[str, Sequence[Candidate]],
        is_stored: Callable[[str], bool],
        *,
        heartbeat_seconds: float = 20.0,
    ) -> None:
        self.queue = queue
        self.hits = hits
        self.is_stored = is_stored
        self.heartbeat_seconds = heartbeat_seconds
        self._beat = time.monotonic()

    def take(self, n: int) -> list[Candidate]:
        now = time.monotonic()
        if now - self._beat >= self.heartbeat_seconds:
            self._beat = now
            self.queue.heartbeat()
        out = []
        for lease in self.queue.take(n):
            url = lease.candidate.url
            if lease.reclaimed and self.is_stored(url):
                self.queue.ack(url)  # stored by the dead worker before it could ack
                continue
            self.hits[url] = lease.hits or (lease.candidate,)
            out.append(lease.candidate)
        return out

    def add(self, candidate: Candidate) -> bool:
        return self.queue.add(candidate, (candidate,))

    def done(self, url: str) -> None:
        self.queue.ack(url)

    def finished(self) -> bool:
        return not self.queue.leases and self.queue.drained()
