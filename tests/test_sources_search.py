"""Search engines over the simulated internet: parsing, redirect resolution, captcha = failure."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.config import Settings
from core.profiles import TargetProfile
from crawler.sources.base import SourceContext, SourceLimits, SourceResult
from crawler.sources.search import SearchEngineSource, queries_for
from crawler.sources.serp import ENGINES, block_reason, decode_link, parse_results
from crawler.sources.state import SourceState
from simworld import SimulatedInternet
from simworld.handlers import search as engines
from simworld.loader import load_world

WORLD_SITES = Path(__file__).parents[1] / "simworld" / "world" / "sites"
ENGINE_HOSTS = ("www.baidu.com", "cn.bing.com", "www.sogou.com", "www.so.com")

SITES = {
    "cx-mem-gov.cn": (
        "counterfeit",
        '["https", "http"]',
        '["特种作业操作证查询"]',
        "特种作业操作证及安全生产知识和管理能力考核合格信息查询平台",
    ),
    "zhengshu-ban.top": (
        "seller",
        '["http"]',
        '["特种作业操作证 免考"]',
        "特种作业操作证 免考 包过 官网可查",
    ),
    "cx.mem.gov.cn": (
        "official",
        '["https", "http"]',
        '["特种作业操作证查询"]',
        "应急管理部 查询平台",
    ),
    "aq-peixun.com": ("benign", '["http"]', '["特种作业操作证查询 官网"]', "安全培训学校"),
}

MEM = TargetProfile(
    key="mem",
    name="特种作业操作证及安全生产知识和管理能力考核合格信息查询平台",
    owner="应急管理部",
    official_hosts=("cx.mem.gov.cn",),
    registrable_domains=("mem.gov.cn",),
    names_zh=("特种作业操作证查询",),
    pinyin=(),
    abbreviations=(),
    service_words=(),
    reference_urls=(),
)
NOW = datetime(2026, 5, 1, tzinfo=UTC)


def build_world(root: Path) -> Path:
    for host in ENGINE_HOSTS:
        shutil.copytree(WORLD_SITES / host, root / "sites" / host)
    for host, (label, schemes, terms, title) in SITES.items():
        d = root / "sites" / host
        (d / "files").mkdir(parents=True)
        (d / "files" / "index.html").write_text(
            f"<html><head><title>{title}</title></head></html>", "utf-8"
        )
        tls = '\n[tls]\nissuer = "R11"' if "https" in schemes else ""
        (d / "site.toml").write_text(
            f'host = "{host}"\nlabel = "{label}"\nschemes = {schemes}\nsearch_terms = {terms}\n'
            f'discoverable_by = ["search"]\n[dns]\na = ["47.242.10.21"]{tls}\n',
            "utf-8",
        )
    return root


@pytest.fixture(scope="module")
def net(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatedInternet]:
    world = load_world(build_world(tmp_path_factory.mktemp("search-world")))
    with SimulatedInternet(world, workdir=tmp_path_factory.mktemp("search-net")) as sim:
        yield sim


@pytest.fixture(autouse=True)
def _reset(net: SimulatedInternet) -> Iterator[None]:
    engines.unblock()
    net.clear_faults()
    net.log.clear()
    yield
    engines.unblock()
    net.clear_faults()


def run(
    net: SimulatedInternet, tmp_path: Path, timeout: float = 20.0, **opts: object
) -> SourceResult:
    ctx = SourceContext(
        settings=Settings.from_env({**net.env, "ZHENWEI_DATA_DIR": str(tmp_path)}),
        profiles=(MEM,),
        state=SourceState.under(tmp_path),
        now=NOW,
        limits=SourceLimits(http_timeout=timeout),
        options={"search": {"delay": 0, **opts}},
    )
    return asyncio.run(SearchEngineSource().collect(ctx))


def by_url(result: SourceResult) -> dict[str, dict[str, object]]:
    return {c.url: c.context for c in result.candidates}


def test_all_engines_parse_and_resolve_redirects(net: SimulatedInternet, tmp_path: Path) -> None:
    result = run(net, tmp_path)
    assert result.failures == ()
    found = by_url(result)
    # every engine found both suspects, through its own kind of redirect link
    assert set(found["https://cx-mem-gov.cn/"]["engines"]) == set(ENGINES)  # type: ignore[arg-type]
    assert set(found["http://zhengshu-ban.top/"]["engines"]) == set(ENGINES)  # type: ignore[arg-type]
    assert found["https://cx-mem-gov.cn/"]["title"] == SITES["cx-mem-gov.cn"][3]
    assert "http://aq-peixun.com/" in found  # benign pages are candidates too; scoring judges them
    # never: the official site, the engines' own pages (百科), the redirect links themselves
    assert not any("mem.gov.cn" in u.split("/")[2] for u in found if "cx-mem-gov" not in u)
    assert not any(h in u for u in found for h in ("baidu.com", "bing.com", "sogou.com", "so.com"))
    assert all(c.source == "search" and c.target == "mem" for c in result.candidates)
    # Baidu's and Sogou's opaque links were followed one hop; the result sites never fetched
    paths = {
        (e.host, e.path.split("?")[0]) for e in net.log.entries() if e.kind in ("http", "https")
    }
    assert ("www.baidu.com", "/link") in paths and ("www.sogou.com", "/link") in paths
    assert not any(h in ("cx-mem-gov.cn", "zhengshu-ban.top") for h, _ in paths)
    assert result.stats["baidu/queries"] == len(queries_for(MEM))


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_captcha_is_a_failure_not_zero_results(
    net: SimulatedInternet, tmp_path: Path, engine: str
) -> None:
    engines.block(engine, after=1)
    result = run(net, tmp_path)
    failures = [f for f in result.failures if f.detail.startswith(engine + ":")]
    assert len(failures) == 1, result.failures
    assert "验证码" in failures[0].reason and ENGINES[engine].label in failures[0].reason
    assert result.stats[f"{engine}/blocked"] == 1
    assert result.stats[f"{engine}/queries"] == 1  # the one query before the block counted
    others = [e for e in ENGINES if e != engine]
    assert all(result.stats[f"{e}/queries"] == len(queries_for(MEM)) for e in others)


def test_zero_results_are_not_failures(net: SimulatedInternet, tmp_path: Path) -> None:
    result = run(net, tmp_path, queries=["完全无关的查询词"])
    assert result.candidates == () and result.failures == ()
    assert all(result.stats[f"{e}/zero_results"] == 1 for e in ENGINES)


def test_http_error_and_timeout(net: SimulatedInternet, tmp_path: Path) -> None:
    net.fault("www.sogou.com", status=503)
    net.fault("www.so.com", hang=True)
    result = run(net, tmp_path, timeout=1.5, queries=["特种作业操作证查询"])
    reasons = {f.detail.split(":")[0]: f.reason for f in result.failures}
    assert set(reasons) == {"sogou", "so360"}
    assert "503" in reasons["sogou"] and "超时" in reasons["so360"]
    assert {c.context["engines"][0] for c in result.candidates} <= {"baidu", "bing"}  # type: ignore[index]
    assert "https://cx-mem-gov.cn/" in by_url(result)


def test_unrecognised_page_is_a_failure() -> None:
    assert parse_results("baidu", "<html><body>维护中</body></html>") == []
    assert (
        block_reason(
            ENGINES["so360"],
            "https://www.so.com/s?q=x",
            '<div id="main"><h3 class="res-title">访问异常怎么办</h3></div>',
        )
        is None
    )
    assert (
        block_reason(ENGINES["baidu"], "https://wappass.baidu.com/static/captcha/tuxing.html", "")
        is not None
    )


def test_decode_links() -> None:
    assert (
        decode_link("bing", "https://cn.bing.com/ck/a?!&&p=ab&u=a1aHR0cDovL3guY29tLw&ntb=1")
        == "http://x.com/"
    )
    assert (
        decode_link("so360", "https://www.so.com/link?m=zz&url=http%3A%2F%2Fy.top%2Fq")
        == "http://y.top/q"
    )
    assert decode_link("baidu", "http://www.baidu.com/link?url=opaque") is None
    assert decode_link("bing", "https://z.cn/a") == "https://z.cn/a"


def test_default_world_suspects_found_with_default_queries(
    simnet: SimulatedInternet, tmp_path: Path
) -> None:
    from core.profiles import default_profile

    ctx = SourceContext(
        settings=simnet.settings(),
        profiles=(default_profile(),),
        state=SourceState.under(tmp_path),
        now=NOW,
        options={"search": {"delay": 0}},
    )
    result = asyncio.run(SearchEngineSource().collect(ctx))
    assert result.failures == ()
    found = {c.url.split("/")[2] for c in result.candidates}
    suspects = [
        s.host
        for s in simnet.world.sites.values()
        if "search" in s.discoverable_by and s.label in ("counterfeit", "seller")
    ]
    assert suspects and set(suspects) <= found
    # users' posts on a platform are leads of their own; the platform's own pages never are
    posts = set(simnet.world.post_labels())
    urls = {c.url for c in result.candidates}
    assert "https://tieba.baidu.com/p/8812345670" in urls  # the seller's thread
    labels = {c.url.split("/")[2]: "" for c in result.candidates if c.url not in posts}
    labels = {h: simnet.world.site_for(h).label for h in labels}
    assert "official" not in labels.values() and "infrastructure" not in labels.values()
