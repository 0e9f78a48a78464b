"""Certificate transparency: crt.sh JSON queries per target keyword, incremental.

Each pattern keeps a cursor (the newest `entry_timestamp` seen and the ids logged at that
instant). The cursor only moves after a successful query, so a crt.sh outage (it often
answers 502, times out or sends an HTML error page) is reported as a failure and the next
run backfills everything logged meanwhile.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httpx

from core.netpath.domains import registrable_domain
from core.netpath.http import async_http_client
from core.profiles import TargetProfile
from core.types import Candidate
from core.urls import BadUrl, normalise_url
from crawler.sources.base import FailureLog, SourceContext, SourceResult
from crawler.sources.namefit import fit_vocabulary, looks_like
from crawler.sources.operators import GOV_TOKENS as OP_GOV_TOKENS
from crawler.sources.operators import HOMOGLYPHS, homoglyph_edits, pinyin_tokens, profile_tokens

log = logging.getLogger(__name__)

NAME = "ct"
CRTSH_URL = "https://crt.sh/"
DEFAULT_TIMEOUT = 60.0  # crt.sh is slow on LIKE queries
DEFAULT_DELAY = 2.0  # seconds between queries: crt.sh throttles bursts
MAX_PATTERNS_PER_TARGET = 80
GOV_TOKENS = tuple(OP_GOV_TOKENS)
#: brand labels shorter than this match too much on their own ("%mem%": memory, member ...)
MIN_ALONE = 5
#: a pinyin/initials token this long is distinctive alone ("%tzzy%"); shorter ones pair up
MIN_TOKEN_ALONE = 4
MAX_IDS_AT_CURSOR = 500


def patterns_for(profile: TargetProfile, limit: int = MAX_PATTERNS_PER_TARGET) -> list[str]:
    """crt.sh LIKE patterns for one target, most telling first, from the same operators as the
    look-alike names (operators.py): the brand with gov tokens (any separator: '%' spans
    hyphens), the official host as a prefix of another zone, each distinctive pinyin/initials
    token alone, and short tokens paired with the brand or a gov token."""
    out: list[str] = []
    brands = [b.lower() for b in profile.brand_labels]
    for brand in brands:
        if len(brand) >= MIN_ALONE:
            out.append(f"%{brand}%")
            continue
        for word in GOV_TOKENS[:3]:
            out += [f"%{brand}%{word}%", f"%{word}%{brand}%"]
    # the official host used as a subdomain of any registrable name (cx.mem.gov.cn.<x>.top)
    out += [f"{h.lower()}.%" for h in profile.official_hosts]
    out += [f"%.{d.lower()}.%" for d in profile.registrable_domains]
    # the brand with its letters swapped for look-alike ones (m→rn: rnem, mern): an
    # unusual letter run, telling alone once it is as long as a brand that stands alone
    out += [f"%{g}%" for g in brand_homoglyphs(brands) if len(g) >= MIN_ALONE - 1]
    tokens = sorted(profile_tokens(profile).items(), key=lambda kv: kv[1])
    short = [t for t, _ in tokens if len(t) < MIN_TOKEN_ALONE and t.isalpha()]
    # English service words (query, check) alone would return half of crt.sh: pinyin only
    pinyin = sorted(pinyin_tokens(profile).items(), key=lambda kv: kv[1])
    atoms = [t for t, _ in pinyin if len(t) >= MIN_TOKEN_ALONE and t.isalpha()]
    # a token containing another listed token adds nothing: '%tzzy%' already covers tzzyczz
    atoms = [t for t in atoms if not any(o != t and o in t for o in atoms)]
    out += [f"%{t}%" for t in atoms if t not in brands]
    # each short token (cheapest first) with the brand either side and with a gov token (agency
    # initials + gov: ajjgov, yjb-zw), so the likeliest tokens get all their shapes in the limit
    for t in short:
        for brand in brands:
            out += [f"%{t}%{brand}%", f"%{brand}%{t}%"]
        out += [f"%{t}%{g}%" for g in GOV_TOKENS[:3]]
    return _without_subsumed(list(dict.fromkeys(out)))[:limit]


def brand_homoglyphs(brands: list[str]) -> list[str]:
    """Each brand with one or every occurrence of a letter swapped for its ASCII homoglyph."""
    out: list[str] = []
    for brand in brands:
        for src, dst in HOMOGLYPHS:
            out += homoglyph_edits(brand, ((src, dst),))
            if brand.count(src) > 1:
                out.append(brand.replace(src, dst))
    return [g for g in dict.fromkeys(out) if g not in brands]


def _pieces(pattern: str) -> tuple[bool, list[str], bool]:
    return pattern.startswith("%"), [p for p in pattern.split("%") if p], pattern.endswith("%")


def subsumes(broad_pattern: str, pattern: str) -> bool:
    """True when every name `pattern` matches also matches `broad_pattern` (both crt.sh LIKE
    patterns with '%' only): the broad one's pieces lie in order inside the other's pieces."""
    b_open, b_parts, b_close = _pieces(broad_pattern)
    p_open, p_parts, p_close = _pieces(pattern)
    if not (b_open and b_close) or not b_parts:
        return False
    i = 0
    for part in p_parts:
        pos = 0
        while i < len(b_parts):
            found = part.find(b_parts[i], pos)
            if found < 0:
                break
            pos = found + len(b_parts[i])
            i += 1
    return i == len(b_parts)


def _without_subsumed(patterns: list[str]) -> list[str]:
    """Drop a pattern that one earlier in the list covers ('%zs%cxmem%' after '%cxmem%'):
    crt.sh would only send the same rows again. Host patterns (cx.mem.gov.cn.%) stay: narrow
    queries still answer when crt.sh times out on a broad one."""
    out: list[str] = []
    for p in patterns:
        if "." in p or not any(subsumes(q, p) for q in out):
            out.append(p)
    return out


def broad(profile: TargetProfile, pattern: str) -> bool:
    """A pattern without the brand or official host: its names must look built from the target."""
    text = pattern.lower()
    return not any(b.lower() in text for b in profile.brand_labels) and "gov" not in text


@dataclass(frozen=True)
class Cursor:
    last_ts: str = ""
    ids: frozenset[int] = frozenset()

    def is_new(self, ts: str, crt_id: int) -> bool:
        return ts > self.last_ts or (ts == self.last_ts and crt_id not in self.ids)

    def advance(self, rows: Iterable[tuple[str, int]]) -> Cursor:
        last, ids = self.last_ts, set(self.ids)
        for ts, crt_id in rows:
            if ts > last:
                last, ids = ts, {crt_id}
            elif ts == last:
                ids.add(crt_id)
        return Cursor(last, frozenset(sorted(ids)[-MAX_IDS_AT_CURSOR:]))

    def to_json(self) -> dict[str, Any]:
        return {"last_entry_timestamp": self.last_ts, "ids": sorted(self.ids)}

    @classmethod
    def from_json(cls, data: Any) -> Cursor:
        if not isinstance(data, dict):
            return cls()
        ids = data.get("ids", [])
        return cls(
            str(data.get("last_entry_timestamp") or ""),
            frozenset(int(i) for i in ids if isinstance(i, int)),
        )


class CrtShError(Exception):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def names_of(row: dict[str, Any]) -> list[str]:
    """Host names of one crt.sh row: name_value lines and common_name, '*.' stripped."""
    raw = f"{row.get('name_value') or ''}\n{row.get('common_name') or ''}"
    out = []
    for line in raw.splitlines():
        name = line.strip().lower().rstrip(".")
        if name.startswith("*."):
            name = name[2:]
        if name and "@" not in name and " " not in name:
            out.append(name)
    return list(dict.fromkeys(out))


class CertificateTransparencySource:
    """Names from certificates logged since the last successful run."""

    name = NAME

    async def collect(self, ctx: SourceContext) -> SourceResult:
        opts: dict[str, Any] = dict(ctx.options.get(self.name, {}))
        delay = float(opts.get("delay", DEFAULT_DELAY))
        timeout = float(opts.get("timeout", DEFAULT_TIMEOUT))
        base_url = str(opts.get("url", CRTSH_URL))
        flog = FailureLog(self.name)
        state = ctx.state.load(self.name)
        cursors: dict[str, Any] = dict(state.get("cursors", {}))
        out: dict[str, Candidate] = {}
        plan = [(p, pat) for p in ctx.profiles for pat in (opts.get("patterns") or patterns_for(p))]
        vocab = {p.key: fit_vocabulary(p) for p in ctx.profiles}
        progress = ctx.progress.source(self.name)
        progress.add("generated", len(plan))
        async with async_http_client(ctx.settings, timeout=timeout) as client:
            for i, (profile, pattern) in enumerate(plan):
                if i and delay:
                    await asyncio.sleep(delay)
                try:
                    rows = await self._query(client, base_url, pattern)
                except CrtShError as exc:
                    flog.fail(
                        f"证书透明日志（crt.sh）查询「{pattern}」失败：{exc.reason}；"
                        "下次运行将补查本次遗漏的记录",
                        exc.detail,
                    )
                    continue
                flog.count("queries")
                progress.add("queries")
                cursor = Cursor.from_json(cursors.get(pattern))
                fresh = []
                for row in rows:
                    ts, crt_id = str(row.get("entry_timestamp") or ""), row.get("id")
                    if not isinstance(crt_id, int) or not cursor.is_new(ts, crt_id):
                        continue
                    fresh.append((ts, crt_id))
                    for name in names_of(row):
                        if broad(profile, pattern) and not looks_like(
                            name, profile, vocab[profile.key]
                        ):
                            flog.count("names_not_alike")  # %anquan% also lists safety firms
                            continue
                        self._add(out, name, row, pattern, profile, ctx, flog)
                        progress.add("found")
                flog.count("entries_new", len(fresh))
                flog.count("entries_seen", len(rows))
                cursors[pattern] = cursor.advance(fresh).to_json()
        ctx.state.save(self.name, {**state, "cursors": cursors})
        progress.done()
        return flog.result(list(out.values())[: ctx.limits.max_candidates])

    @staticmethod
    async def _query(
        client: httpx.AsyncClient, base_url: str, pattern: str
    ) -> list[dict[str, Any]]:
        try:
            resp = await client.get(base_url, params={"q": pattern, "output": "json"})
        except httpx.TimeoutException as exc:
            raise CrtShError("请求超时", f"{pattern}: {type(exc).__name__}") from exc
        except httpx.HTTPError as exc:
            raise CrtShError("网络错误", f"{pattern}: {type(exc).__name__}: {exc}") from exc
        if resp.status_code != 200:
            raise CrtShError(f"HTTP 状态码 {resp.status_code}", f"{pattern}: {resp.status_code}")
        try:
            data = json.loads(resp.content or b"[]")
        except ValueError as exc:
            raise CrtShError("返回内容不是有效的 JSON", f"{pattern}: {resp.text[:200]!r}") from exc
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise CrtShError("返回的 JSON 结构不符合预期", f"{pattern}: {type(data).__name__}")
        return data

    def _add(
        self,
        out: dict[str, Candidate],
        name: str,
        row: dict[str, Any],
        pattern: str,
        profile: TargetProfile,
        ctx: SourceContext,
        flog: FailureLog,
    ) -> None:
        try:
            found = normalise_url(f"https://{name}/")
        except BadUrl:
            flog.count("bad_names")
            return
        if ctx.is_official(found.host):
            flog.count("official_skipped")
            return
        if found.url in out:
            return
        out[found.url] = Candidate(
            url=found.url,
            source=self.name,
            found_at=ctx.now,
            target=profile.key,
            context={
                "pattern": pattern,
                "crtsh_id": row.get("id"),
                "entry_timestamp": row.get("entry_timestamp"),
                "not_before": row.get("not_before"),
                "issuer": row.get("issuer_name"),
                "registered_domain": registrable_domain(found.host),
            },
        )
