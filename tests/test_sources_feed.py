"""The feed source (`zhenwei crawl --feed FILE`): a zone/NRD feed scored in bulk, only names
that look built from a target resolved, through the simulated DNS on loopback."""

from __future__ import annotations

import asyncio
import gzip
from datetime import UTC, datetime
from pathlib import Path

from core.profiles import default_profile
from crawler.sources.base import SourceContext, SourceLimits, SourceResult
from crawler.sources.feed import FeedSource
from crawler.sources.progress import ProgressBoard
from crawler.sources.state import SourceState
from simworld import SimulatedInternet

NOW = datetime(2026, 5, 1, tzinfo=UTC)


def run(
    net: SimulatedInternet, tmp_path: Path, paths: list[str]
) -> tuple[SourceResult, ProgressBoard]:
    board = ProgressBoard()
    ctx = SourceContext(
        settings=net.settings(),
        profiles=(default_profile(),),
        state=SourceState.under(tmp_path),
        now=NOW,
        limits=SourceLimits(),
        options={"feed": {"paths": paths}},
        progress=board,
    )
    return asyncio.run(FeedSource().collect(ctx)), board


def test_only_lookalike_names_of_the_feed_are_resolved(
    simnet: SimulatedInternet, tmp_path: Path
) -> None:
    registered = sorted(d for d in simnet.world.domains() if d.startswith(("cx-mem", "memgov")))
    assert registered, "the default world has no gov-token look-alike"
    noise = [f"huaxin{i}.com" for i in range(500)] + ["anquanwang.com", "check-service.net"]
    unregistered_alike = "tzzy-zscx-never-registered.com"
    lines = [f"{n}\t2026-04-30" for n in (*noise, *registered, unregistered_alike, "cx.mem.gov.cn")]
    feed = tmp_path / "nrd.txt.gz"
    with gzip.open(feed, "wt", encoding="utf-8") as fh:
        fh.write("# newly registered domains\n" + "\n".join(lines) + "\n")
    simnet.log.clear()
    result, board = run(simnet, tmp_path, [str(feed)])
    assert result.failures == ()
    found = {c.url.split("/")[2] for c in result.candidates}
    assert set(registered) <= found and unregistered_alike not in found
    assert all(c.source == "feed" and c.context["reason"] for c in result.candidates)
    queried = {e.host for e in simnet.log.entries() if e.kind == "dns"}
    # the noise and the official host are never resolved: scored in bulk, then only the rest
    assert not any(q.startswith("huaxin") for q in queried) and "cx.mem.gov.cn" not in queried
    assert unregistered_alike in queried
    assert result.stats["names"] == len(lines) and result.stats["dns_queries"] == len(queried)
    assert board.snapshot()["feed"]["found"] == len(found)


def test_an_unreadable_feed_is_a_failure_and_the_others_still_count(
    simnet: SimulatedInternet, tmp_path: Path
) -> None:
    good = tmp_path / "good.txt"
    good.write_text("cx-mem-gov.cn\n", "utf-8")
    broken = tmp_path / "broken.gz"
    broken.write_bytes(b"not gzip at all")
    result, _ = run(simnet, tmp_path, [str(broken), str(tmp_path / "missing.txt"), str(good)])
    assert len(result.failures) == 2 and "无法读取" in result.failures[0].reason
    assert [c.url for c in result.candidates] == ["http://cx-mem-gov.cn/"]
