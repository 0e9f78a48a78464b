"""Posts on social and marketplace platforms: keyed by the post, evidence only from its author."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.platforms import is_post, is_post_key, named_sites, platform_of, post_key
from core.types import Page
from storage.linkfeatures import extract
from storage.pagedata import lead_key

T0 = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://tieba.baidu.com/p/8812345?spm=a.b&pid=3#post", "tieba.baidu.com/p/8812345?pid=3"),
        ("http://tieba.baidu.com/p/8812345/", "tieba.baidu.com/p/8812345"),
        ("https://www.goofish.com/item?id=77&utm_source=x", "www.goofish.com/item?id=77"),
        ("https://weibo.com/1374060176/86v2ZvBAD", "weibo.com/1374060176/86v2ZvBAD"),
        ("https://bj.58.com/jiaoyupeixun/123x.shtml", "bj.58.com/jiaoyupeixun/123x.shtml"),
        ("https://cx-mem-gov.top/p/1", None),
        ("https://www.baidu.com/s?wd=x", None),  # the search engine is no platform
    ],
)
def test_a_post_is_keyed_by_its_host_path_and_identifying_query(url: str, key: str | None) -> None:
    assert post_key(url) == key
    assert lead_key(url) == (key or url.split("/")[2])


def test_two_posts_on_one_forum_are_two_leads_and_a_site_is_one() -> None:
    a, b = lead_key("https://tieba.baidu.com/p/1"), lead_key("https://tieba.baidu.com/p/2")
    assert a != b and is_post_key(a) and is_post_key(b)
    assert lead_key("https://fake.top/a") == lead_key("https://fake.top/b?x=1") == "fake.top"
    assert not is_post_key("fake.top")


def test_a_very_long_post_url_keeps_a_bounded_unique_key() -> None:
    long_a = post_key("https://tieba.baidu.com/p/" + "a" * 400)
    long_b = post_key("https://tieba.baidu.com/p/" + "a" * 399 + "b")
    assert long_a and long_b and len(long_a) <= 255 and long_a != long_b


def test_a_platforms_own_pages_are_not_posts() -> None:
    assert is_post("https://tieba.baidu.com/p/8812345")
    assert not is_post("https://tieba.baidu.com/")
    assert not is_post("https://weibo.com/login?x=1")
    assert platform_of("sh.58.com") is not None and platform_of("58.com.evil.top") is None


def test_named_sites_leave_out_platforms_big_domains_and_official_sites() -> None:
    text = (
        "官网可查 cx-mem点top，详情 http://www.zs-cx.top/cx/ ；真证请到 cx.mem.gov.cn 或"
        " www.chsi.com.cn 查询，百度 www.baidu.com 搜索，贴吧 tieba.baidu.com"
    )
    named = named_sites(text, ["https://weibo.com/u/1", "http://seller-shop.vip/"])
    assert sorted(named) == ["cx-mem.top", "seller-shop.vip", "zs-cx.top"]


def _page(url: str, html: str, text: str) -> Page:
    return Page(url, url, 200, T0, "test", raw_html=html, visible_text=text)


def test_a_post_gives_only_what_its_author_left_in_it() -> None:
    chrome = (
        '<script src="https://hm.baidu.com/hm.js?98b9d8c2fd6608d564bf2ac2ae642948"></script>'
        + "<div>" * 30
    )
    text = "电工证免考，加微信：tzzy_banzheng88，QQ：3281046677，官网可查 zs-cx点top"
    post = extract(_page("https://tieba.baidu.com/p/1", chrome + f"<p>{text}</p>", text))
    assert set(post.features) == {
        ("wechat", "tzzy_banzheng88"),
        ("qq", "3281046677"),
        ("site", "zs-cx.top"),
    }
    assert post.simhash is None and post.phash is None
    site = extract(_page("http://www.zs-cx.top/", chrome, "查询"))
    assert ("site", "zs-cx.top") in site.features  # what the post's mention matches
    assert ("baidu_tongji", "98b9d8c2fd6608d564bf2ac2ae642948") in site.features


def test_a_posts_referral_names_the_post_never_the_platforms_domain_or_address(
    tmp_path: Path,
) -> None:
    import stix2
    from storage_pages import open_repo, scored

    from zhenwei.evidence.misp import build_event, event_json
    from zhenwei.evidence.stix import build_bundle

    for repo in open_repo(f"sqlite:///{tmp_path / 'z.db'}", tmp_path):
        page = scored("tieba.baidu.com", path="/p/8812345670", ips=("110.242.68.130",))
        detail = repo.leads.get(repo.leads.record(page, run_id=None).id)
    bundle = stix2.parse(build_bundle(detail, tool_version="t", created=T0).serialize())
    types = {o.type for o in bundle.objects}
    assert "domain-name" not in types and "ipv4-addr" not in types
    (indicator,) = [o for o in bundle.objects if o.type == "indicator"]
    assert indicator.pattern == "[url:value = 'http://tieba.baidu.com/p/8812345670']"
    misp = event_json(build_event(detail, created=T0)).decode()
    assert "domain-ip" not in misp and "110.242.68.130" not in misp
    assert "http://tieba.baidu.com/p/8812345670" in misp
