"""Cloaking detector: crawler / desktop / WeChat variants of the same URL."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "pages"))
import pagekit as kit  # noqa: E402

from core.failures import Failure, FailureKind  # noqa: E402
from core.types import PageVariant  # noqa: E402
from detectors._dom import parse  # noqa: E402
from detectors.cloaking import detector  # noqa: E402

REF = kit.reference()
WECHAT_UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) MicroMessenger/8.0.47"
BLAND = """<html><head><title>鑫达商贸有限公司</title></head><body><h1>鑫达商贸有限公司</h1>
<p>公司主营五金建材、劳保用品批发零售，欢迎来电洽谈合作。</p></body></html>"""


def variant(label: str, body: str, status: int = 200, error: str | None = None) -> PageVariant:
    dom = parse(body, "http://cx-mem-gov.cn/")
    return PageVariant(
        user_agent=f"{label}-ua" if label != "wechat" else WECHAT_UA,
        label=label,
        status=status,
        final_url="http://cx-mem-gov.cn/",
        title=dom.title,
        visible_text=dom.text,
        raw_html=body,
        failure=Failure(FailureKind.TIMEOUT, error) if error else None,
    )


def run(main_body: str, *variants: PageVariant, url: str = "http://cx-mem-gov.cn/"):
    return detector.detect(kit.page(url, main_body, variants=variants), REF, kit.NO_LOOKUPS)


def test_metadata():
    assert detector.name == "cloaking" and detector.version
    assert any("\u4e00" <= ch <= "\u9fff" for ch in detector.description)


def test_bland_browser_but_wechat_imitates_result_page():
    signals = run(BLAND, variant("crawler", BLAND), variant("wechat", kit.html("fake_result.html")))
    assert len(signals) == 1
    s = signals[0]
    assert s.score >= 0.85 and {"cloaking", "impersonation"} <= set(s.categories)
    assert s.details["scored_variant"] == "wechat"
    assert "微信" in s.reason and "查询结果表" in s.reason
    wechat = [v for v in s.details["variants"] if v["label"] == "wechat"][0]
    assert wechat["imitates"] and wechat["similarity_to_browser"] < 60


def test_crawler_gets_decoy_browser_gets_clone():
    signals = run(kit.html("clone_special.html"), variant("crawler", BLAND))
    assert signals and signals[0].score >= 0.75
    assert signals[0].details["scored_variant"] == "browser"
    assert "爬虫" in signals[0].reason


def test_same_content_everywhere_is_no_cloaking():
    body = kit.html("clone_special.html")
    assert run(body, variant("crawler", body), variant("wechat", body)) == []
    school = kit.html("school.html")
    assert run(school, variant("crawler", school)) == []


def test_different_but_harmless_content_is_weak():
    other = BLAND.replace(
        "五金建材、劳保用品批发零售，欢迎来电洽谈合作",
        "手机端页面正在建设中，请使用电脑访问本站查看完整产品目录与联系方式",
    )
    signals = run(BLAND, variant("wechat", other + "<p>" + "更多内容敬请期待。" * 20 + "</p>"))
    assert signals and signals[0].score <= 0.3 and signals[0].categories == ("cloaking",)


def test_failed_variants_are_recorded_not_compared():
    signals = run(BLAND, variant("wechat", "", status=None, error="timeout after 60 s"))
    assert signals == []
    signals = run(
        BLAND,
        variant("wechat", "", status=None, error="timeout"),
        variant("crawler", kit.html("fake_result.html")),
    )
    assert signals and signals[0].details["failed_variants"] == ["wechat: timeout"]


def test_no_variants_or_official_host():
    assert run(kit.html("clone_special.html")) == []
    body = kit.html("genuine_special.html")
    assert run(body, variant("crawler", BLAND), url="http://cx.mem.gov.cn/") == []


def test_wechat_only_clone_on_a_neutral_domain_gets_the_verdict_of_an_open_one():
    """Issue 8: the variant that imitates is the one scored, and the reason says which."""
    from core.profiles import load_profiles
    from detectors.targets import build_analyzer

    analyzer = build_analyzer(load_profiles(), strict=True)
    clone = kit.html("clone_special.html")
    url = "http://xinda-trade.com/"
    wechat = variant("wechat", clone)
    cloaked = analyzer.analyze(kit.page(url, BLAND, variants=(variant("crawler", BLAND), wechat)))
    openly = analyzer.analyze(kit.page(url, clone))
    assert cloaked.verdict == openly.verdict == "counterfeit"
    scored = [s for s in cloaked.signals if s.details.get("scored_variant") == "wechat"]
    assert {s.detector for s in scored} >= {"content", "cloaking"}
    assert any("微信" in s.reason for s in scored if s.detector == "content")


def test_when_the_browser_render_failed_a_variant_that_loaded_is_scored():
    from detectors.content import detector as content

    seller = (
        "<html><head><title>特种作业证办理</title></head><body><h1>电工证 焊工证 免考包过</h1>"
        "<p>不用到场，官网可查。微信：banzheng888</p></body></html>"
    )
    page = kit.page("http://cx-mem-gov.cn/", "", variants=(variant("crawler", seller),))
    signals = content.detect(page, REF, kit.NO_LOOKUPS)
    sold = [s for s in signals if "seller" in s.categories]
    assert sold and sold[0].score >= 0.8 and sold[0].details["scored_variant"] == "crawler"
    assert "爬虫" in sold[0].reason


def test_a_browser_that_saw_nothing_is_not_a_harmless_variant():
    # The render timed out: the browser has no content to compare, so the WeChat view that
    # loaded is not "different" from it. Content scores that view on its own.
    query = (
        "<html><head><title>考试系统</title></head><body><form><label>证件号码</label><input name='a'>"
        "<label>姓名</label><input name='b'><label>验证码</label><input name='c'></form></body></html>"
    )
    from core.failures import Failure, FailureKind

    page = kit.page(
        "https://ks.example.org.cn/",
        "",
        variants=(variant("wechat", query),),
        failure=Failure.of(FailureKind.TIMEOUT, "browser download"),
    )
    signals = detector.detect(page, REF, kit.NO_LOOKUPS)
    assert [s.score for s in signals] == [0.0] and "获取失败" in signals[0].reason
    # the same views with a browser that did load and show a harmless page: cloaking
    loaded = run(BLAND, variant("wechat", query), url="https://ks.example.org.cn/")
    assert loaded and max(s.score for s in loaded) > 0
