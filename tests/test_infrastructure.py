"""Known infrastructure (core/infrastructure.toml): recognised with a reason, never a lead."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.infrastructure import InfrastructureList, known_infrastructure
from core.profiles import load_profiles
from core.signals import KNOWN_INFRASTRUCTURE, Lookups, Reference
from core.types import Page
from detectors.domain import detector as domain
from detectors.targets import build_analyzer


def test_listed_hosts_and_their_subdomains_are_known_with_a_chinese_reason() -> None:
    conac = known_infrastructure("bszs.conac.cn")
    assert conac is not None and conac.category == "conac" and "核验" in conac.reason
    assert known_infrastructure("HM.BAIDU.COM.").category == "analytics"  # type: ignore[union-attr]
    assert known_infrastructure("a.b.cdn.jsdelivr.net").category == "cdn"  # type: ignore[union-attr]
    # a look-alike of a listed host is not the listed host
    assert known_infrastructure("bszs-conac.cn") is None
    assert known_infrastructure("conac.cn.evil.com") is None
    assert known_infrastructure("cx-mem-gov.cn") is None


def test_a_category_without_a_reason_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "infra.toml"
    f.write_text('[categories.x]\nhosts = ["a.example"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="no reason"):
        InfrastructureList.load(f)


def _page(url: str, body: str) -> Page:
    return Page(
        url=url,
        final_url=url,
        status=200,
        fetched_at=datetime.now(UTC),
        user_agent="ua",
        raw_html=body,
        title="",
    )


def test_the_conac_verification_page_is_benign_not_forged_marks() -> None:
    """bszs.conac.cn shows a site's 标识码 and the CONAC badge to certify it: a crawl that
    follows a fake's footer link lands there, and it must never become a lead."""
    body = (
        "<html><head><title>党政机关网站标识 核验</title></head><body>"
        "<h1>中国机构编制网 网站标识核验</h1><p>网站名称：某某市应急管理局</p>"
        "<p>政府网站标识码：1200000052</p><img src='https://dcs.conac.cn/image/red.png' alt='党政机关'>"
        "</body></html>"
    )
    page = _page("https://bszs.conac.cn/sitename?method=show&id=ABC", body)
    signals = domain.detect(page, Reference(target=load_profiles()[0]), Lookups())
    assert any(KNOWN_INFRASTRUCTURE in s.categories and "CONAC" in s.reason for s in signals)
    scored = build_analyzer(load_profiles(), strict=True, triage=True).analyze(page)
    assert (scored.verdict, scored.score) == ("benign", 0)
    assert scored.categories == (KNOWN_INFRASTRUCTURE,)


def test_the_deciding_finding_comes_first() -> None:
    """The first reason is the one people read: for known infrastructure, say so first."""
    body = (
        "<html><body><h1>统计服务</h1>" + "<p>网站流量统计与分析服务。</p>" * 30 + "</body></html>"
    )
    scored = build_analyzer(load_profiles(), strict=True, triage=True).analyze(
        _page("https://hm.baidu.com/hm.js?abc", body)
    )
    assert KNOWN_INFRASTRUCTURE in scored.signals[0].categories
