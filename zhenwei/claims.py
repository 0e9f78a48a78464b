"""Which worker of a distributed run fetches a URL (`zhenwei crawl --distributed`)."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


class RedisUnavailable(RuntimeError):
    """Redis could not be reached."""


class RedisClaims:
    """Which worker of a distributed run fetches a URL: the first to claim it.

    A claim is `HSETNX <key> url worker-id`: atomic, so two workers never both win, and
    keeping the winner's id lets a restarted worker finish what it claimed before dying.
    (A shared scrapy-redis request queue does not fit: one candidate is a render request,
    plain variant fetches and enrichment meeting in one process's memory.)
    """

    #: claims outlive any run that could still resume
    TTL_SECONDS = 14 * 86400

    def __init__(self, redis_url: str, run_key: str, worker_id: str) -> None:
        import redis

        self.key = f"zhenwei:crawl:{run_key}:claims"
        self.worker = worker_id
        self.client = redis.Redis.from_url(redis_url, socket_timeout=10, socket_connect_timeout=10)
        self._error = redis.RedisError
        try:
            self.client.ping()
            self.client.expire(self.key, self.TTL_SECONDS)
        except redis.RedisError as exc:
            raise RedisUnavailable(str(exc)) from None

    def claim(self, url: str) -> bool:
        """True when this worker is to fetch `url` (it won the claim now or earlier)."""
        try:
            if self.client.hsetnx(self.key, url, self.worker):
                self.client.expire(self.key, self.TTL_SECONDS)
                return True
            owner = self.client.hget(self.key, url)
        except self._error as exc:
            # Not fetched here; the URL stays in this run's plan for a resumed run.
            logger.warning("cannot claim %s in Redis: %s", url, exc)
            return False
        if isinstance(owner, bytes):
            owner = owner.decode()
        return owner == self.worker

