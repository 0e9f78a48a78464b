"""Passive DNS look-alike of Farsight DNSDB API v2 flexible search over the world's names.

`GET /dnsdb/v2/glob/rrnames/<glob>[/<rrtype>]` with `X-API-Key`, answered in DNSDB's "SAF"
framing (newline-delimited JSON): `{"cond":"begin"}`, one `{"obj":{...}}` per name, then
`{"cond":"succeeded"}` or `{"cond":"limited","msg":...}` when `limit` cut the answer. Globs are
anchored on the whole rrname, trailing dot included (`cx.mem.gov.cn.*.`): `*` any run, `?` one
character, case-insensitive. Time fencing: `time_first_before/after`, `time_last_before/after`
(unix seconds, or negative: seconds before now), as DNSDB documents them.

The sensor sees only names that resolve: every site host and alias and every registered
domain with an address record, plus hosts under a wildcard zone that a site actually sends
people to (its entry, a redirect). `time_first` is the domain's registration (WHOIS
creation), `time_last` noon of the world's day.
"""

from __future__ import annotations

import hashlib
import json
import re
import weakref
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote, urlsplit

from simworld.world import SimRequest, SimResponse, World, registrable_domain

#: the one key the simulated DNSDB accepts (SimulatedInternet exports it as ZHENWEI_DNSDB_KEY)
DEMO_KEY = "simworld-demo-key"
PREFIX = "/dnsdb/v2/"
DEFAULT_LIMIT = 10_000
#: a domain with no WHOIS record of its own and no CT date: seen since long before the world
DEFAULT_FIRST = datetime(2020, 1, 1, tzinfo=UTC)
RRTYPES = ("A", "AAAA", "CNAME")
NDJSON = (("Content-Type", "application/x-ndjson"),)
TIME_FENCES = ("time_first_before", "time_first_after", "time_last_before", "time_last_after")


@dataclass(frozen=True)
class Sighting:
    """One (rrname, rrtype) the sensors saw, with DNSDB's aggregate fields."""

    rrname: str  # with the trailing dot
    rrtype: str
    time_first: int
    time_last: int
    count: int

    def to_json(self) -> dict[str, object]:
        return {
            "rrname": self.rrname,
            "rrtype": self.rrtype,
            "time_first": self.time_first,
            "time_last": self.time_last,
            "count": self.count,
        }


def world_day_end(world: World) -> datetime:
    """Noon UTC of the world's day (generated worlds' `today`, else the current UTC date)."""
    day = world.today or datetime.now(UTC).date()
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def _resolving_names(world: World) -> Iterator[str]:
    for site in world.sites.values():
        yield from site.hosts
        # a wildcard zone answers any name: only those a site sends people to are ever looked up
        for url in (site.url(), *(r.redirect for r in site.routes if r.redirect)):
            host = urlsplit(url).hostname if "://" in url else None
            if host:
                yield host
    for dom in world.domains().values():
        yield dom.name
        yield from dom.aliases


def _first_seen(world: World, name: str) -> datetime:
    whois = world.whois_record(registrable_domain(name))
    if whois is not None:
        return whois.created
    site = world.site_for(name)
    if site is not None and site.ct.logged is not None:
        return site.ct.logged
    return DEFAULT_FIRST


def _count(name: str, rrtype: str, days: int) -> int:
    """A stable, plausible number of observations: a few a day, at least one."""
    spread = int.from_bytes(hashlib.sha256(f"{name}|{rrtype}".encode()).digest()[:2], "big")
    return max(1, days * (1 + spread % 7) + spread % 13)


def _build(world: World) -> tuple[Sighting, ...]:
    last = world_day_end(world)
    out: dict[tuple[str, str], Sighting] = {}
    for raw in _resolving_names(world):
        name = raw.lower().rstrip(".")
        found = world.dns_records(name)
        if found is None:
            continue
        records = found[0]
        first = min(_first_seen(world, name), last)
        days = max(0, (last - first) // timedelta(days=1))
        for rrtype, values in (("A", records.a), ("AAAA", records.aaaa), ("CNAME", records.cname)):
            if values and (name, rrtype) not in out:
                out[(name, rrtype)] = Sighting(
                    f"{name}.",
                    rrtype,
                    int(first.timestamp()),
                    int(last.timestamp()),
                    _count(name, rrtype, days),
                )
    return tuple(sorted(out.values(), key=lambda s: (s.rrname, s.rrtype)))


_INDEX: weakref.WeakKeyDictionary[World, tuple[Sighting, ...]] = weakref.WeakKeyDictionary()


def sightings(world: World) -> tuple[Sighting, ...]:
    """Everything the simulated sensors saw, built once per world."""
    found = _INDEX.get(world)
    if found is None:
        found = _INDEX[world] = _build(world)
    return found


def glob(pattern: str) -> re.Pattern[str]:
    """A DNSDB flex glob as a regex: anchored, '*' any run, '?' one character, no case."""
    parts = (".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern)
    return re.compile("".join(parts) + r"\Z", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class Fence:
    """DNSDB time fencing: each bound is exclusive, None when not given."""

    first_before: int | None = None
    first_after: int | None = None
    last_before: int | None = None
    last_after: int | None = None

    def admits(self, s: Sighting) -> bool:
        return not (
            (self.first_before is not None and s.time_first >= self.first_before)
            or (self.first_after is not None and s.time_first <= self.first_after)
            or (self.last_before is not None and s.time_last >= self.last_before)
            or (self.last_after is not None and s.time_last <= self.last_after)
        )


def search(
    world: World, pattern: str, rrtype: str = "ANY", fence: Fence | None = None
) -> list[Sighting]:
    """Sightings whose rrname matches the glob, of `rrtype` (ANY: every type), in the fence."""
    rx = glob(pattern)
    fence = fence or Fence()
    kind = rrtype.upper()
    return [
        s
        for s in sightings(world)
        if (kind == "ANY" or s.rrtype == kind) and rx.match(s.rrname) and fence.admits(s)
    ]


def saf(objs: Iterable[dict[str, object]], end: dict[str, str]) -> bytes:
    lines = [{"cond": "begin"}, *({"obj": o} for o in objs), end]
    return "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines).encode()


def _error(status: int, message: str) -> SimResponse:
    return SimResponse(status, (("Content-Type", "text/plain; charset=utf-8"),), message.encode())


def _int_param(request: SimRequest, name: str) -> int | None:
    raw = (request.query.get(name) or [""])[0].strip()
    return int(raw) if raw else None  # ValueError: the caller answers 400


def _when(value: int | None, now: int) -> int | None:
    """A time fence value: negative means seconds before now, as DNSDB reads it."""
    return now + value if value is not None and value < 0 else value


def query(request: SimRequest, world: World) -> SimResponse:
    """The DNSDB API v2 route: flex glob search over rrnames, `ping`, 403 without the key."""
    if request.headers.get("x-api-key", "") != DEMO_KEY:
        return _error(403, "Error: Forbidden. Invalid or missing API key.")
    if not request.path.startswith(PREFIX):
        return _error(404, "Error: Not Found")
    parts = [unquote(p) for p in request.path[len(PREFIX) :].split("/")]
    if parts == ["ping"]:
        return SimResponse(200, (("Content-Type", "application/json"),), b'{"ping":"ok"}')
    if len(parts) not in (3, 4) or parts[:2] != ["glob", "rrnames"] or not parts[2]:
        return _error(400, "Error: Bad Request. Only glob/rrnames is simulated.")
    rrtype = parts[3].upper() if len(parts) == 4 and parts[3] else "ANY"
    if rrtype not in (*RRTYPES, "ANY"):
        return SimResponse(200, NDJSON, saf((), {"cond": "succeeded"}))
    now = int(datetime.now(UTC).timestamp())
    try:
        limit = _int_param(request, "limit")
        fence = Fence(*(_when(_int_param(request, name), now) for name in TIME_FENCES))
    except ValueError:
        return _error(400, "Error: Bad Request. Parameters must be integers.")
    if limit is None or limit <= 0 or limit > DEFAULT_LIMIT:
        limit = DEFAULT_LIMIT  # 0 means "the maximum", as for DNSDB
    found = search(world, parts[2], rrtype, fence)
    end = (
        {"cond": "limited", "msg": "Result limit reached"}
        if len(found) > limit
        else {"cond": "succeeded"}
    )
    return SimResponse(200, NDJSON, saf((s.to_json() for s in found[:limit]), end))
