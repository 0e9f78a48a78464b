"""Multi-target analysis (detectors/targets.py): one analyzer per protected target, the
detectors selected by their triage flag, and the strongest judgement kept."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "pages"))
import pagekit as kit  # noqa: E402

from core.profiles import load_allowlist, load_profiles  # noqa: E402
from core.signals import GOVERNMENT_HOST, ReferenceCapture  # noqa: E402
from detectors.registry import all_detectors, triage_detectors  # noqa: E402
from detectors.targets import build_analyzer  # noqa: E402

PROFILES = load_profiles()
ALLOWLIST = load_allowlist()


def test_one_analyzer_per_target_each_knowing_every_target_and_the_allowlist() -> None:
    asked: list[str] = []

    def stored(key: str) -> list[ReferenceCapture]:
        asked.append(key)
        return []

    scorer = build_analyzer(PROFILES, allowlist=ALLOWLIST, stored_references=stored)
    assert [a.reference.target.key for a in scorer.analyzers] == [p.key for p in PROFILES]
    assert asked == [p.key for p in PROFILES]
    for analyzer in scorer.analyzers:
        assert analyzer.reference.profiles == PROFILES
        assert analyzer.reference.allowlist == ALLOWLIST
        assert analyzer.reference.captures[0].kind == "fallback"  # nothing stored
        assert tuple(analyzer.detectors) == all_detectors()


def test_triage_runs_only_the_flagged_detectors() -> None:
    scorer = build_analyzer(PROFILES, allowlist=ALLOWLIST, triage=True, strict=True)
    for analyzer in scorer.analyzers:
        assert tuple(analyzer.detectors) == triage_detectors()
    scored = scorer.analyze(
        kit.page("http://cx-mem-gov.cn/special", kit.html("clone_special.html"))
    )
    assert {s.detector for s in scored.signals} <= {d.name for d in triage_detectors()}
    assert scored.verdict == "counterfeit" and scored.target == "mem"


def test_a_page_official_for_any_target_is_official() -> None:
    scorer = build_analyzer(PROFILES, allowlist=ALLOWLIST, strict=True)
    for url in ("https://cnse.samr.gov.cn/", "https://www.chsi.com.cn/", "https://cx.mem.gov.cn/"):
        scored = scorer.analyze(kit.page(url, kit.html("news.html")))
        assert (scored.verdict, scored.score) == ("official", 0), url


def test_a_government_host_serving_a_copy_is_possibly_compromised_not_official() -> None:
    scorer = build_analyzer(PROFILES, allowlist=ALLOWLIST, strict=True)
    page = kit.page("http://zscx.lqx.gov.cn/special", kit.html("clone_special.html"))
    scored = scorer.analyze(page)
    assert scored.verdict == "suspicious" and "possibly-compromised" in scored.categories
    (official,) = [s for s in scored.signals if s.official]
    assert GOVERNMENT_HOST in official.categories
    # the genuine platform serving the same page is simply official
    genuine = scorer.analyze(
        kit.page("http://cx.mem.gov.cn/special", kit.html("clone_special.html"))
    )
    assert genuine.verdict == "official"


def _query_page(title: str) -> str:
    return (
        f"<html><head><title>{title}</title></head><body><h2>{title}</h2>"
        '<form action="/result"><label>身份证号</label><input name="sfz" placeholder="请输入身份证号">'
        '<label>姓名</label><input name="xm" placeholder="请输入姓名">'
        '<label>证书编号</label><input name="bh" placeholder="请输入证书编号">'
        "<button>查询</button></form><p>本系统仅提供本中心颁发证书的查询服务。</p></body></html>"
    )


def test_a_service_many_issuers_run_is_a_topic_not_the_platforms_own_name() -> None:
    # 职业技能等级证书查询 is what every assessment body offers; only 技能人才评价工作网 is
    # the osta platform calling itself by name.
    osta = next(p for p in PROFILES if p.key == "osta")
    assert "职业技能等级证书查询" in osta.names_zh
    assert "职业技能等级证书查询" not in osta.own_names and osta.name in osta.own_names
    scorer = build_analyzer(PROFILES, allowlist=ALLOWLIST, strict=True)
    issuer = scorer.analyze(
        kit.page(
            "http://cx.example-jianding.org.cn/", _query_page("某省鉴定中心职业技能等级证书查询")
        )
    )
    assert issuer.verdict == "benign", [s.reason for s in issuer.signals]
    clone = scorer.analyze(
        kit.page("http://cx.example-jianding.org.cn/", _query_page("技能人才评价工作网 证书查询"))
    )
    assert clone.verdict in ("suspicious", "counterfeit") and clone.target == "osta"


def test_a_government_article_about_the_platform_is_official_not_compromised() -> None:
    scorer = build_analyzer(PROFILES, allowlist=ALLOWLIST, strict=True)
    scored = scorer.analyze(
        kit.page("https://yjt.ah.gov.cn/art/2026/10/01/art_1.html", kit.html("gov_article.html"))
    )
    assert (scored.verdict, scored.score) == ("official", 0)
    assert "possibly-compromised" not in scored.categories
