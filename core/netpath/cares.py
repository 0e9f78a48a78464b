"""Address queries (A, AAAA) through c-ares on the running asyncio loop.

The crawl checks every host it fetches against the egress policy, and discovery asks tens of
thousands of names a night. dnspython builds and parses each message in Python (~0.8 ms of CPU
a query on this machine); c-ares (pycares) does it in C for about a quarter of that
(`bench/bench_dns.py`). Full lookups (NS, MX, the raw text kept as evidence) stay with dnspython.

c-ares is given its servers explicitly (never its own reading of the system configuration),
and runs on the loop's own selector: no thread of its own, no callbacks across threads.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Sequence
from dataclasses import dataclass

import pycares

#: the outcomes of a query that has no addresses
NXDOMAIN = "nxdomain"  # the name does not exist
NODATA = "nodata"  # the name exists without records of that type
FAILED = "failed"  # the servers failed, refused or timed out: not a "no"

_TYPES = {"A": pycares.QUERY_TYPE_A, "AAAA": pycares.QUERY_TYPE_AAAA}
_OUTCOMES = {pycares.errno.ARES_ENOTFOUND: NXDOMAIN, pycares.errno.ARES_ENODATA: NODATA}


@dataclass(frozen=True)
class Answer:
    addresses: tuple[str, ...]
    #: None when the server answered with records; else NXDOMAIN, NODATA or FAILED
    outcome: str | None
    #: c-ares' own words for a failure (logs)
    error: str = ""


def server_spec(host: str, port: int) -> str:
    """c-ares' notation of one server: 192.0.2.1:53, [2001:db8::1]:53."""
    host = host.strip("[]")
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class CaresResolver:
    """c-ares to the given servers, one channel per event loop (tests run several loops one
    after the other; the egress proxy for Chromium runs its own)."""

    def __init__(self, servers: Sequence[tuple[str, int]], *, timeout: float, tries: int) -> None:
        if not servers:
            raise ValueError("c-ares needs its servers given explicitly")
        self._servers = [server_spec(host, port) for host, port in servers]
        self._timeout = timeout
        self._tries = tries
        self._channels: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopChannel] = (
            weakref.WeakKeyDictionary()
        )

    async def query(self, name: str, rdtype: str) -> Answer:
        loop = asyncio.get_running_loop()
        channel = self._channels.get(loop)
        if channel is None:
            try:
                channel = _LoopChannel(loop, self._servers, self._timeout, self._tries)
            except (pycares.AresError, OSError) as exc:  # servers it cannot use
                return Answer((), FAILED, f"c-ares: {exc}")
            self._channels[loop] = channel
        return await channel.query(name, rdtype)


class _LoopChannel:
    """One pycares channel on one loop's selector; its sockets' states come from c-ares."""

    def __init__(
        self, loop: asyncio.AbstractEventLoop, servers: list[str], timeout: float, tries: int
    ) -> None:
        self._loop = loop
        self._timeout = timeout
        self._fds: dict[int, tuple[bool, bool]] = {}
        self._timer: asyncio.TimerHandle | None = None
        self._channel = pycares.Channel(
            servers=servers,
            timeout=timeout,
            tries=tries,
            flags=pycares.ARES_FLAG_NOSEARCH | pycares.ARES_FLAG_NO_DFLT_SVR,
            sock_state_cb=self._sock_state,
        )

    async def query(self, name: str, rdtype: str) -> Answer:
        loop = self._loop
        future: asyncio.Future[tuple[object, int | None]] = loop.create_future()

        def done(result: object, error: int | None) -> None:
            # a channel ended with its loop cancels its queries: nobody waits for those
            if not future.done() and not loop.is_closed():
                future.set_result((result, error))

        try:
            self._channel.query(name, _TYPES[rdtype], callback=done)
        except pycares.AresError as exc:  # a name c-ares cannot even send (too long a label)
            return Answer((), FAILED, str(exc))
        self._arm()
        result, error = await future
        if error is not None:
            words = pycares.errno.strerror(error)
            return Answer((), _OUTCOMES.get(error, FAILED), str(words))
        wanted = _TYPES[rdtype]
        records = getattr(result, "answer", ())
        found = tuple(dict.fromkeys(r.data.addr for r in records if r.type == wanted))
        return Answer(found, None)

    def _sock_state(self, fd: int, readable: bool, writable: bool) -> None:
        loop = self._loop
        if loop.is_closed():
            return
        was_readable, was_writable = self._fds.pop(fd, (False, False))
        if was_readable:
            loop.remove_reader(fd)
        if was_writable:
            loop.remove_writer(fd)
        if readable:
            loop.add_reader(fd, self._channel.process_fd, fd, pycares.ARES_SOCKET_BAD)
        if writable:
            loop.add_writer(fd, self._channel.process_fd, pycares.ARES_SOCKET_BAD, fd)
        if readable or writable:
            self._fds[fd] = (readable, writable)

    def _arm(self) -> None:
        """c-ares' time-outs and retries run when it is called: every second while it waits."""
        if self._timer is None and not self._loop.is_closed():
            self._timer = self._loop.call_later(min(self._timeout, 1.0), self._tick)

    def _tick(self) -> None:
        self._timer = None
        self._channel.process_fd(pycares.ARES_SOCKET_BAD, pycares.ARES_SOCKET_BAD)
        if self._fds:
            self._arm()
