"""Links out of counterfeit/seller pages (depth-limited) and re-checks of known leads."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from core.config import Settings
from core.profiles import TargetProfile
from crawler.sources.base import KnownLead, ScoredPageRef, SourceContext, SourceLimits
from crawler.sources.links import LinksSource, extract_links
from crawler.sources.recheck import RecheckSource
from crawler.sources.state import SourceState

MEM = TargetProfile(
    key="mem",
    name="平台",
    owner="应急管理部",
    official_hosts=("cx.mem.gov.cn",),
    registrable_domains=("mem.gov.cn",),
    names_zh=(),
    pinyin=(),
    abbreviations=(),
    service_words=(),
    reference_urls=(),
)
NOW = datetime(2026, 5, 1, tzinfo=UTC)

SELLER_HTML = """<html><head><base href="/shop/">
<meta http-equiv="refresh" content="30; url=https://cx-mem-gov.cn/">
<script src="https://cdn.bootcdn.net/ajax/libs/jquery/3.6.0/jquery.min.js"></script>
<script src="https://hm.baidu.com/hm.js?abc"></script>
<script>function go(){ window.location.href = "http://mem-gov.cn.zscx.top/cert"; }
setTimeout(function(){ location.replace('http://tzzy-cx.com/q'); }, 9000);</script>
<style>.x{background:url(http://style-only.example.org/a.png)}</style></head>
<body><h1>特种作业操作证 免考 包过 官网可查</h1>
<a href="detail.html">详情</a>
<a href="http://cx.mem.gov.cn/">官网查询</a>
<a href="javascript:void(0)" onclick="window.open('https://cxmem.vip/v')">查验</a>
<a href="https://beian.miit.gov.cn/">京ICP备12345678号</a>
<form action="https://zhengshu-order.top/submit" method="post"><input name="tel"></form>
<iframe src="//kefu.chatbox-cn.com/w?id=7"></iframe>
<p>扫码查验：ｗｗｗ．ｃｘ－ｍｅｍ－ｇｏｖ．ｃｏｍ 或加微信</p>
<a href="mailto:x@qq.com">邮件</a></body></html>"""


def ctx_with(tmp_path: Path, **kw: object) -> SourceContext:
    return SourceContext(
        settings=Settings(data_dir=tmp_path),
        profiles=(MEM,),
        state=SourceState.under(tmp_path),
        now=NOW,
        **kw,
    )  # type: ignore[arg-type]


def test_extract_links_kinds() -> None:
    links = dict(
        (url, kind)
        for kind, url in extract_links("http://shop.example.top/x/index.html", SELLER_HTML)
    )
    assert links["http://shop.example.top/shop/detail.html"] == "a"  # <base> respected
    assert links["https://cx-mem-gov.cn/"] == "refresh"
    assert links["http://mem-gov.cn.zscx.top/cert"] == "js"
    assert links["http://tzzy-cx.com/q"] == "js"
    assert links["https://cxmem.vip/v"] == "js"
    assert links["https://zhengshu-order.top/submit"] == "form"
    assert links["http://kefu.chatbox-cn.com/w?id=7"] == "iframe"
    assert links["http://www.cx-mem-gov.com/"] == "text"
    assert not any(u.startswith(("mailto:", "javascript:")) for u in links)
    assert "http://style-only.example.org/a.png" not in links


def test_links_source_filters_and_depth(tmp_path: Path) -> None:
    pages = [
        ScoredPageRef(
            "http://shop.example.top/x/index.html", SELLER_HTML, 0, "suspicious", ("seller",), "mem"
        ),
        ScoredPageRef(
            "http://deep.example.top/", '<a href="http://too-deep.top/">x</a>', 2, "counterfeit"
        ),
        ScoredPageRef(
            "http://school.example.cn/", '<a href="http://benign-link.top/">x</a>', 0, "benign"
        ),
        ScoredPageRef(
            "http://one.example.top/", '<a href="http://second-hop.top/">x</a>', 1, "counterfeit"
        ),
    ]
    ctx = ctx_with(tmp_path, pages=lambda: pages, limits=SourceLimits(links_max_depth=2))
    result = asyncio.run(LinksSource().collect(ctx))
    urls = [c.url for c in result.candidates]
    assert "https://cx-mem-gov.cn/" in urls and "http://tzzy-cx.com/q" in urls
    assert "http://second-hop.top/" in urls
    second = next(c for c in result.candidates if c.url == "http://second-hop.top/")
    assert second.context == {"from_url": "http://one.example.top/", "kind": "a", "depth": 2}
    # never: the official site, CDNs/badges/analytics, the page's own site, too deep, benign pages
    for banned in (
        "http://cx.mem.gov.cn/",
        "https://beian.miit.gov.cn/",
        "http://too-deep.top/",
        "http://benign-link.top/",
        "http://shop.example.top/shop/detail.html",
    ):
        assert banned not in urls
    assert not any("bootcdn" in u or "baidu.com" in u for u in urls)
    assert result.stats["depth_limited"] == 1 and result.stats["pages_not_followed"] == 1
    assert all(c.source == "links" for c in result.candidates)
    assert result.candidates[0].target == "mem"


def test_recheck_emits_takedown_parked_dismissed_and_watched(tmp_path: Path) -> None:
    leads = [
        KnownLead(1, "http://cx-mem-gov.cn/", "confirmed", "counterfeit", ("impersonation",)),
        KnownLead(2, "https://tzzy-cx.com/q", "referred", "counterfeit"),
        KnownLead(3, "http://memgov.xyz/", "new", "suspicious", ("parked-lookalike",)),
        KnownLead(4, "http://school.example.cn/", "dismissed", "benign"),
        KnownLead(5, "http://seller.top/", "new", "suspicious", ("seller",)),
        KnownLead(6, "http://gone.top/", "taken_down", "counterfeit"),
        KnownLead(7, "not a url", "confirmed", "counterfeit"),
        KnownLead(8, "http://cxmem-notes.com/", "new", "benign", ("watched-name",)),
        KnownLead(9, "http://news.example.com/", "new", "benign", ()),
    ]
    result = asyncio.run(RecheckSource().collect(ctx_with(tmp_path, known_leads=lambda: leads)))
    got = {c.url: (c.context["recheck"], c.context["lead_id"]) for c in result.candidates}
    assert got == {
        "http://cx-mem-gov.cn/": ("takedown", 1),
        "https://tzzy-cx.com/q": ("takedown", 2),
        "http://memgov.xyz/": ("parked", 3),
        "http://school.example.cn/": ("dismissed", 4),
        "http://gone.top/": ("takedown", 6),
        "http://cxmem-notes.com/": ("watched", 8),
    }
    assert len(result.failures) == 1 and "线索 7" in result.failures[0].reason
