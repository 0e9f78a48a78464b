"""A newly-registered-domain or zone-file feed (issue 12, item 2): `zhenwei crawl --feed FILE`.

The feed (one name a line, first field; `.gz` or `-` for stdin) is read as a stream, every
name is scored in bulk against every target (the domain detector, and how much of the label
the target's tokens explain), and only names above the threshold are resolved and handed to
the crawl. Passive first: a zone file costs no DNS query for the millions of names it holds.
"""

from __future__ import annotations

import asyncio
import gzip
import io
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from core.names.bulk import host_of
from core.netpath.dns import Resolver
from core.netpath.domains import registrable_domain
from core.types import Candidate
from crawler.sources.base import FailureLog, SourceContext, SourceResult
from crawler.sources.namefit import fit_vocabulary, looks_like

NAME = "feed"
#: names resolved per feed at most (the best-looking first; the rest are reported)
MAX_RESOLVED = 20_000


def open_feed(path: str | Path) -> IO[str]:
    """The feed as text lines: a plain file, a .gz file, or stdin for '-'."""
    if str(path) == "-":
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
    p = Path(path)
    if p.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(p, "rb"), encoding="utf-8", errors="replace")
    return p.open(encoding="utf-8", errors="replace")


def _names(stream: IO[str]) -> Iterator[str]:
    for line in stream:
        host = host_of(line).lower().rstrip(".")
        if host and "." in host:
            yield host


class FeedSource:
    """Names of a feed file that look built from a target, and exist in DNS."""

    name = NAME

    async def collect(self, ctx: SourceContext) -> SourceResult:
        opts: dict[str, Any] = dict(ctx.options.get(self.name, {}))
        flog = FailureLog(self.name)
        paths = opts.get("paths") or opts.get("path") or []
        paths = [paths] if isinstance(paths, str) else list(paths)
        if not paths:
            return flog.result([])
        progress = ctx.progress.source(self.name)
        vocab = {p.key: fit_vocabulary(p) for p in ctx.profiles}
        picked: dict[str, tuple[str, str]] = {}  # registrable domain -> (target, reason)
        for path in paths:
            try:
                with open_feed(path) as stream:
                    for host in _names(stream):
                        flog.count("names")
                        progress.add("generated")
                        if ctx.is_official(host):
                            continue
                        reg = registrable_domain(host)
                        if reg in picked:
                            continue
                        for profile in ctx.profiles:
                            why = looks_like(host, profile, vocab[profile.key])
                            if why:
                                picked[reg] = (profile.key, why)
                                break
            except (OSError, EOFError, gzip.BadGzipFile) as exc:
                flog.fail(
                    f"域名订阅文件无法读取：{path}（{type(exc).__name__}），其余文件照常处理",
                    f"{path}: {exc}",
                )
        flog.count("above_threshold", len(picked))
        todo = list(picked.items())[:MAX_RESOLVED]
        if len(picked) > MAX_RESOLVED:
            flog.fail(
                f"订阅中 {len(picked)} 个可疑域名超过上限 {MAX_RESOLVED}，其余未解析",
                f"{len(picked) - MAX_RESOLVED} names left",
            )
        resolver = Resolver(ctx.settings)
        sem = asyncio.Semaphore(ctx.limits.dns_concurrency)

        async def exists(name: str) -> bool | None:
            async with sem:
                found = await resolver.aexists(name)
                progress.add("resolved")
                flog.count("dns_queries")
                return found

        answers = await asyncio.gather(*(exists(reg) for reg, _ in todo))
        out = []
        for (reg, (target, why)), ok in zip(todo, answers, strict=True):
            if ok is None:
                flog.count("errors")
            if not ok:
                continue
            progress.add("found")
            out.append(
                Candidate(
                    url=f"http://{reg}/",
                    source=self.name,
                    found_at=ctx.now,
                    target=target,
                    context={"reason": why, "feed": True},
                )
            )
        progress.done()
        return flog.result(out[: ctx.limits.max_candidates])
