"""Search queries come from the profile TOML (certificates × seller words × regions), the
simulated engines rank by term overlap, pages are followed, a captcha backs off once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from core.profiles import default_profile, parse_profile
from crawler.sources.base import SourceContext, SourceLimits
from crawler.sources.progress import ProgressBoard
from crawler.sources.search import SearchEngineSource, queries_for
from crawler.sources.serp import parse_page
from crawler.sources.state import SourceState
from simworld import SimulatedInternet
from simworld.handlers import search as engines
from simworld.world import World

NOW = datetime(2026, 5, 1, tzinfo=UTC)


def test_queries_are_built_from_the_profile_vocabulary_only() -> None:
    mem = default_profile()
    qs = queries_for(mem)
    assert len(qs) == len(set(qs)) and len(qs) <= 96
    sellers = [q for q in qs if any(q.endswith(" " + w) for w in mem.seller_words)]
    # every certificate and every seller word of the profile appears
    assert {c for c in mem.certificates if any(c in q for q in sellers)} == set(mem.certificates)
    assert {w for w in mem.seller_words if any(q.endswith(" " + w) for q in sellers)} == set(
        mem.seller_words
    )
    assert any(q.startswith(tuple(mem.regions)) for q in sellers)
    assert any(q.endswith("真伪查询") for q in qs)
    # another platform's TOML gives its own queries, none of ours
    other = parse_profile(
        {
            "key": "x",
            "name": "某某平台",
            "owner": "某部",
            "names_zh": ["某某证书查询"],
            "official_hosts": ["cx.x.gov.cn"],
            "registrable_domains": ["x.gov.cn"],
            "reference_urls": ["https://cx.x.gov.cn/"],
            "discovery": {
                "certificates": ["叉车证"],
                "seller_words": ["代办"],
                "regions": ["本地"],
                "lookup_words": ["查询"],
            },
        }
    )
    assert set(queries_for(other)) == {
        "某某证书查询",
        "某某证书查询 官网",
        "叉车证查询",
        "叉车证 代办",
    }


def test_simulated_engines_rank_by_overlap_not_exact_phrase(simnet: SimulatedInternet) -> None:
    world: World = simnet.world
    seller = next(
        s for s in world.sites.values() if s.search_terms == ("安全员证 代办", "安全员证 包过")
    )
    # region word and another seller word in the query: still listed, an exact phrase is not needed
    assert engines.relevance(seller, "浙江安全员证 代办") >= engines.MIN_RELEVANCE
    assert engines.relevance(seller, "安全员证 包过 代办") >= engines.MIN_RELEVANCE
    assert engines.relevance(seller, "低压电工 题库") < engines.MIN_RELEVANCE
    hits = engines.results(world, "bing", "安全员证 代办")
    assert hits and hits[1].host == seller.host  # [0] is the engine's own page, then best first


def test_pages_are_followed_and_a_captcha_backs_off_once(
    simnet: SimulatedInternet, tmp_path: Path
) -> None:
    world = simnet.world
    query = "特种作业操作证查询"
    assert engines.has_next(world, query, 0) or len(engines.results(world, "baidu", query)) < 20
    page = engines.baidu(_req(f"wd={query}", "/s"), world).body.decode()
    hits, nxt = parse_page("baidu", page)
    assert hits and (nxt is None) == (not engines.has_next(world, query, 0))
    board = ProgressBoard()
    ctx = SourceContext(
        settings=simnet.settings(),
        profiles=(default_profile(),),
        state=SourceState.under(tmp_path),
        now=NOW,
        limits=SourceLimits(),
        options={
            "search": {
                "delay": 0,
                "backoff": 0,
                "engines": ["sogou"],
                "queries": ["电工证 免考", "安全员证 代办", "焊工证 办理"],
            }
        },
        progress=board,
    )
    engines.block("sogou", after=1)
    try:
        result = asyncio.run(SearchEngineSource().collect(ctx))
    finally:
        engines.unblock()
    # one captcha: backed off and retried (blocked again: the rest is reported, never "zero")
    assert result.stats["sogou/backoff"] == 1 and result.stats["sogou/blocked"] == 1
    assert len(result.failures) == 1 and "验证码" in result.failures[0].reason
    assert board.snapshot()["search"]["queries"] == 1


def _req(query: str, path: str):  # type: ignore[no-untyped-def]
    from urllib.parse import parse_qs

    from simworld.world import SimRequest

    return SimRequest("GET", "https", "www.baidu.com", path, parse_qs(query), {}, raw_query=query)
