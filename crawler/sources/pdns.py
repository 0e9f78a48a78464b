"""Passive DNS: host names resolvers have seen, searched by glob (Farsight DNSDB API v2 flex).

Finds what certificate transparency cannot: plain-HTTP fakes with no certificate on names no
generator guesses (`cx.mem.gov.cn.<random>.top`). Globs come from the CT patterns (`%`→`*`,
the rrname's trailing dot added), plus the registrable domain followed by another zone.

Each glob keeps a cursor (the newest `time_last` seen) and asks only for names seen since
(`time_last_after`); a name is reported when it was first seen after the cursor, so a
nightly run reports new names, not every name still resolving. The cursor moves only after a
complete answer: an outage (timeout, 5xx, 429, a `failed` condition, a broken stream) is a
failure, and the next run backfills. Without `ZHENWEI_DNSDB_KEY` the source does nothing.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx

from core.netpath.domains import registrable_domain
from core.netpath.http import async_http_client
from core.profiles import TargetProfile
from core.types import Candidate
from core.urls import BadUrl, normalise_url
from crawler.sources.base import FailureLog, SourceContext, SourceResult
from crawler.sources.ct import MAX_PATTERNS_PER_TARGET, broad, patterns_for
from crawler.sources.namefit import fit_vocabulary, looks_like

log = logging.getLogger(__name__)

NAME = "pdns"
DEFAULT_TIMEOUT = 60.0
DEFAULT_DELAY = 0.2  # seconds between queries: DNSDB keys have a quota and a concurrency cap
DEFAULT_LIMIT = 10_000  # DNSDB's own default
#: a name first seen up to this long before the cursor is reported again: sensor data reaches
#: DNSDB with some delay, so a name observed just before the last run may have come in after it
INGEST_MARGIN = 86_400
MAX_BYTES = 32 << 20  # one answer; 10,000 rows are ~1.5 MB
#: failed queries in a row after which the rest are left for the next run: a server that is
#: down or hangs would otherwise cost every glob its timeout and overrun the source's bound
MAX_FAILURES_IN_A_ROW = 3
SWCLIENT = "zhenwei"


def glob_of(like: str) -> str:
    """A crt.sh LIKE pattern as a DNSDB rrname glob: '%'→'*', anchored on the trailing dot."""
    text = like.lower().replace("%", "*")
    return text if text.endswith(".") else text + "."


def globs_for(
    profile: TargetProfile, limit: int = MAX_PATTERNS_PER_TARGET
) -> list[tuple[str, str]]:
    """(glob, CT pattern it comes from) for one target: the registrable domain followed by
    another zone first (cx.mem.gov.cn.x.top, mem.gov.cn.x.top), then every CT pattern."""
    likes = [f"%{d.lower()}.%" for d in profile.registrable_domains]
    out: dict[str, str] = {}
    for like in (*likes, *patterns_for(profile, limit)):
        out.setdefault(glob_of(like), like)
    return list(out.items())[:limit]


@dataclass(frozen=True)
class Sighting:
    """One rrname DNSDB saw, with its first and last observation (unix seconds)."""

    rrname: str  # lower case, without the trailing dot
    rrtype: str
    time_first: int
    time_last: int
    count: int


@dataclass(frozen=True)
class Answer:
    """A complete DNSDB answer: its rows, and whether `limit` cut it."""

    sightings: tuple[Sighting, ...]
    limited: bool = False


class DnsdbError(Exception):
    """A query that did not give a complete answer; `stop`: later queries would fail too."""

    def __init__(self, reason: str, detail: str, *, stop: bool = False) -> None:
        super().__init__(detail)
        self.reason = reason  # Chinese, analyst-facing
        self.detail = detail
        self.stop = stop


def parse_saf(lines: Iterable[str]) -> Answer:
    """DNSDB's streaming framing: `begin`, objects, then `succeeded` / `limited` / `failed`.
    Anything else — a line that is not JSON, a row without its fields, no final condition
    (the stream was cut) — makes the whole answer unusable."""
    rows: list[Sighting] = []
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        try:
            msg = json.loads(line)
        except ValueError as exc:
            raise DnsdbError("返回内容不是有效的 JSON 行", repr(line[:200])) from exc
        if not isinstance(msg, dict):
            raise DnsdbError("返回内容格式不符合预期", repr(line[:200]))
        cond, obj = msg.get("cond"), msg.get("obj")
        if obj is not None:
            rows.append(_sighting(obj, line))
        if cond in (None, "begin", "ongoing"):
            continue
        if cond == "succeeded":
            return Answer(tuple(rows))
        if cond == "limited":
            return Answer(tuple(rows), limited=True)
        if cond == "failed":
            raise DnsdbError("服务端报告查询失败", str(msg.get("msg") or "")[:200])
        raise DnsdbError("返回了未知的状态", repr(line[:200]))
    raise DnsdbError("返回内容不完整（缺少结束状态）", f"{len(rows)} rows, no final cond")


def _sighting(obj: Any, line: str) -> Sighting:
    try:
        name = str(obj["rrname"]).strip().lower().rstrip(".")
        first, last = int(obj["time_first"]), int(obj["time_last"])
        return Sighting(name, str(obj.get("rrtype", "")), first, last, int(obj.get("count", 0)))
    except (KeyError, TypeError, ValueError) as exc:
        raise DnsdbError("返回的记录缺少字段", repr(line[:200])) from exc


def _day(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d")


class PassiveDnsSource:
    """Names passive DNS saw since the last successful run, per glob."""

    name = NAME

    async def collect(self, ctx: SourceContext) -> SourceResult:
        flog = FailureLog(self.name)
        key = ctx.settings.dnsdb_key
        if not key:
            log.warning("Disabled pdns: ZHENWEI_DNSDB_KEY is not set (no passive-DNS lookups)")
            flog.count("disabled_no_key")
            return flog.result(())
        opts: dict[str, Any] = dict(ctx.options.get(self.name, {}))
        delay = float(opts.get("delay", DEFAULT_DELAY))
        limit = int(opts.get("limit", DEFAULT_LIMIT))
        base = str(opts.get("url", ctx.settings.dnsdb_url)).rstrip("/")
        state = ctx.state.load(self.name)
        cursors: dict[str, Any] = dict(state.get("cursors", {}))
        plan = _plan(ctx.profiles, [str(g) for g in opts.get("globs") or ()])
        vocab = {p.key: fit_vocabulary(p) for p in ctx.profiles}
        out: dict[str, Candidate] = {}
        progress = ctx.progress.source(self.name)
        progress.add("generated", len(plan))
        headers = {"X-API-Key": key, "Accept": "application/x-ndjson"}
        timeout = float(opts.get("timeout", DEFAULT_TIMEOUT))
        in_a_row = 0
        async with async_http_client(ctx.settings, timeout=timeout) as client:
            for i, (glob, (profile, like)) in enumerate(plan.items()):
                if i and delay:
                    await asyncio.sleep(delay)
                cursor = _cursor(cursors.get(glob))
                params = {"limit": str(limit), "swclient": SWCLIENT}
                if cursor:
                    params["time_last_after"] = str(cursor)
                url = f"{base}/dnsdb/v2/glob/rrnames/{quote(glob, safe='*.-_')}/A"
                try:
                    answer = await _query(client, url, params, headers)
                except DnsdbError as exc:
                    flog.fail(
                        f"被动 DNS（DNSDB）查询「{glob}」失败：{exc.reason}；"
                        "下次运行将补查本次遗漏的记录",
                        f"{glob}: {exc.detail}",
                    )
                    in_a_row += 1
                    # a refused key or an exhausted quota: the rest would fail too
                    if exc.stop or in_a_row >= MAX_FAILURES_IN_A_ROW:
                        flog.count("globs_not_queried", len(plan) - i - 1)
                        break
                    continue
                in_a_row = 0
                flog.count("queries")
                progress.add("queries")
                flog.count("rows_seen", len(answer.sightings))
                for s in answer.sightings:
                    if s.time_first <= cursor - INGEST_MARGIN:
                        flog.count("names_seen_before")  # reported by an earlier run
                        continue
                    if self._add(out, s, glob, like, profile, ctx, flog, vocab[profile.key]):
                        progress.add("found")
                if answer.limited:
                    # the rows left out are not known: keep the cursor so none is skipped
                    flog.count("limited")
                    log.warning("pdns: %s hit the result limit (%d); cursor kept", glob, limit)
                    continue
                newest = max((s.time_last for s in answer.sightings), default=cursor)
                cursors[glob] = {"time_last": max(newest, cursor)}
        ctx.state.save(self.name, {**state, "cursors": cursors})
        progress.done()
        return flog.result(list(out.values())[: ctx.limits.max_candidates])

    def _add(
        self,
        out: dict[str, Candidate],
        s: Sighting,
        glob: str,
        like: str,
        profile: TargetProfile,
        ctx: SourceContext,
        flog: FailureLog,
        vocab: dict[str, float],
    ) -> bool:
        name = s.rrname[2:] if s.rrname.startswith("*.") else s.rrname
        try:
            found = normalise_url(name)  # http://host/: most of these names have no certificate
        except BadUrl:
            flog.count("bad_names")
            return False
        if ctx.is_official(found.host):
            flog.count("official_skipped")
            return False
        if broad(profile, like) and not looks_like(found.host, profile, vocab):
            flog.count("names_not_alike")  # *anquan*. also lists safety firms
            return False
        if found.url in out:
            return False
        first, last = _day(s.time_first), _day(s.time_last)
        out[found.url] = Candidate(
            url=found.url,
            source=self.name,
            found_at=ctx.now,
            target=profile.key,
            context={
                "glob": glob,
                "rrname": s.rrname,
                "rrtype": s.rrtype,
                "time_first": datetime.fromtimestamp(s.time_first, UTC).isoformat(),
                "time_last": datetime.fromtimestamp(s.time_last, UTC).isoformat(),
                "count": s.count,
                "registered_domain": registrable_domain(found.host),
                "reason": f"被动 DNS 记录中与「{glob}」匹配的域名：{first} 首次解析，"
                f"{last} 最近一次解析，共观测到 {s.count} 次",
            },
        )
        return True


def _plan(
    profiles: Iterable[TargetProfile], globs: list[str]
) -> dict[str, tuple[TargetProfile, str]]:
    """glob -> (target, CT pattern it comes from); a glob two targets share is asked once."""
    plan: dict[str, tuple[TargetProfile, str]] = {}
    for p in profiles:
        for glob, like in [(g, g) for g in globs] or globs_for(p):
            plan.setdefault(glob, (p, like))
    return plan


def _cursor(data: Any) -> int:
    if isinstance(data, dict) and isinstance(data.get("time_last"), int):
        return int(data["time_last"])
    return 0


async def _query(
    client: httpx.AsyncClient, url: str, params: dict[str, str], headers: dict[str, str]
) -> Answer:
    try:
        async with client.stream("GET", url, params=params, headers=headers) as resp:
            if resp.status_code in (401, 403):
                raise DnsdbError(
                    f"API 密钥被拒绝（HTTP {resp.status_code}），请检查 ZHENWEI_DNSDB_KEY",
                    str(resp.status_code),
                    stop=True,
                )
            if resp.status_code == 429:
                raise DnsdbError("查询配额已用尽或请求过于频繁（HTTP 429）", "429", stop=True)
            if resp.status_code != 200:
                raise DnsdbError(f"HTTP 状态码 {resp.status_code}", str(resp.status_code))
            body = bytearray()
            async for chunk in resp.aiter_bytes():
                body += chunk
                if len(body) > MAX_BYTES:
                    raise DnsdbError("返回内容过大", f"over {MAX_BYTES} bytes")
    except httpx.TimeoutException as exc:
        raise DnsdbError("请求超时", type(exc).__name__) from exc
    except httpx.HTTPError as exc:
        raise DnsdbError("网络错误", f"{type(exc).__name__}: {exc}") from exc
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DnsdbError("返回内容不是 UTF-8 文本", str(exc)) from exc
    return parse_saf(text.splitlines())
