"""Domain detector: official hosts, the allowlist, and look-alikes of every kind (rankings)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from core.names import DomainIndex, score_domain
from core.profiles import default_profile, get_profile, load_allowlist, load_profiles
from core.signals import GOVERNMENT_HOST, Lookups, Reference, Signal
from core.types import Page
from detectors.domain import detector

REFERENCE = Reference(
    target=default_profile(), allowlist=load_allowlist(), profiles=load_profiles()
)


def _idn(unicode_label: str, suffix: str) -> str:
    return "xn--" + unicode_label.encode("punycode").decode("ascii") + "." + suffix


CYRILLIC = _idn("m\u0435m-gov", "com")  # Cyrillic е
HIGH = [
    "cx-mem-gov.cn",
    "memgov.cn",
    "cx.mem.gov.cn.example.top",
    "cxmem-gov.com",
    "cx.rnem-gov.cn",
    CYRILLIC,
    _idn("应急管理查询", "cn"),
    _idn("特种作业证书", "com"),
    "tzzycx.com",
    "aqsc-chaxun.cn",
    "yjglb-zscx.net",
    "mem.gov.cn.com",
    "mme-gov.cn",
]
LOW = ["memchip.com", "example.com", "baidu.com", "chinamemory.com", "member.com", "memory-cx.com"]


def _page(url: str, final_url: str | None = None) -> Page:
    return Page(
        url=url,
        final_url=final_url or url,
        status=200,
        fetched_at=datetime.now(UTC),
        user_agent="test",
    )


def _signals(
    url: str, final_url: str | None = None, reference: Reference = REFERENCE
) -> list[Signal]:
    signals = detector.detect(_page(url, final_url), reference, Lookups())
    for s in signals:
        json.dumps(dict(s.details), ensure_ascii=False)
        assert s.detector == "domain" and s.reason.endswith("。")
    return signals


def _score(url: str) -> float:
    signals = [s for s in _signals(url) if not s.official]
    return max((s.score for s in signals), default=0.0)


def test_genuine_platform_host_is_official() -> None:
    (signal,) = _signals("https://cx.mem.gov.cn/special?index=0")
    assert signal.official and signal.score == 0.0
    assert signal.details["target_host"] is True
    assert GOVERNMENT_HOST not in signal.categories
    assert "官方网址" in signal.reason


def test_ministry_site_is_official_but_not_the_query_platform() -> None:
    (signal,) = _signals("http://www.mem.gov.cn/")
    assert signal.official
    assert signal.details["target_host"] is False
    assert signal.details["official_kind"] == "target-domain"
    assert GOVERNMENT_HOST not in signal.categories  # the target's own ministry
    assert "不是" in signal.reason


def test_other_government_host_is_official_identity_but_not_the_target() -> None:
    (signal,) = _signals("http://yjt.zj.gov.cn/col/index.html")
    assert signal.official
    assert signal.categories == (GOVERNMENT_HOST,)
    assert signal.details["target_host"] is False
    # another protected platform's genuine host is not the MEM platform either
    (other,) = _signals("https://cnse.samr.gov.cn/")
    assert other.official and other.categories == (GOVERNMENT_HOST,)
    assert other.details["matched_target"] == "samr"


def test_allowlisted_platform_is_official() -> None:
    (signal,) = _signals("https://www.chsi.com.cn/xlcx/")
    assert signal.official and signal.details["official_kind"] == "allowlist"
    assert GOVERNMENT_HOST not in signal.categories
    # the reference's own allowlist counts too
    extra = Reference(target=default_profile(), allowlist=("verify.example.org",))
    (own,) = _signals("https://verify.example.org/", reference=extra)
    assert own.official
    # ... and only it: the detector reads no allowlist of its own
    assert _signals("https://www.chsi.com.cn/", reference=extra) == []


def test_the_index_comes_from_the_reference_alone() -> None:
    mem = default_profile()
    alone = Reference(target=mem)
    # without the other targets, SAMR's platform is just some government host ...
    (samr,) = _signals("https://cnse.samr.gov.cn/", reference=alone)
    assert samr.details["official_kind"] == "gov" and samr.details["matched_target"] is None
    assert _signals("http://samr-gov.vip/", reference=alone)[0].details["matched_target"] is None
    # ... and a target that exists only in the Reference is known by its hosts and names
    other = replace(
        get_profile("samr"),
        key="ministry",
        official_hosts=("verify.ministry-demo.cn",),
        registrable_domains=("ministry-demo.cn",),
    )
    custom = Reference(target=mem, profiles=(other,))
    (own,) = _signals("https://verify.ministry-demo.cn/", reference=custom)
    assert own.official and own.details["matched_target"] == "ministry"
    assert own.categories == (GOVERNMENT_HOST,)


@pytest.mark.parametrize("host", HIGH)
def test_lookalikes_score_high(host: str) -> None:
    signals = [s for s in _signals(f"http://{host}/") if not s.official]
    assert signals, host
    assert max(s.score for s in signals) >= 0.6, host
    assert "impersonation" in signals[0].categories
    assert not any(s.official for s in _signals(f"http://{host}/"))


def test_every_lookalike_outranks_every_negative() -> None:
    lowest_high = min(_score(f"http://{h}/") for h in HIGH)
    highest_low = max(_score(f"http://{h}/") for h in LOW)
    assert highest_low < 0.3 < 0.6 <= lowest_high


def test_combinations_rank_above_parts() -> None:
    assert _score("http://cx-mem-gov.cn/") > _score("http://mem.com/")
    assert _score("http://cx.mem.gov.cn.example.top/") > _score("http://cx.mem.example.top/")
    assert _score("http://tzzycx.com/") > _score("http://tezhongzuoye.com/") > 0


def test_reasons_name_the_technique() -> None:
    (sub,) = _signals("http://cx.mem.gov.cn.example.top/")
    assert "mem.gov.cn" in sub.reason and "example.top" in sub.reason
    assert "subdomain-abuse" in sub.details["techniques"]
    (homo,) = _signals("http://cx.rnem-gov.cn/")
    assert "形近" in homo.reason and "homoglyph" in homo.details["techniques"]
    (cyr,) = _signals("http://" + CYRILLIC + "/")
    assert "homoglyph" in cyr.details["techniques"]
    (idn,) = _signals(f"http://{_idn('特种作业证书', 'com')}/")
    assert "特种作业" in idn.reason and "idn" in idn.details["techniques"]
    (pinyin,) = _signals("http://yjglb-zscx.net/")
    assert "yjglb" in pinyin.reason and "zscx" in pinyin.reason
    (typo,) = _signals("http://mme-gov.cn/")
    assert "错拼" in typo.reason


def test_redirect_from_a_lookalike_to_the_genuine_host_reports_both() -> None:
    signals = _signals("http://cx-mem-gov.cn/", "https://cx.mem.gov.cn/")
    assert [s.official for s in signals] == [True, False]
    assert signals[1].details["entry_host"] is True and signals[1].score >= 0.6


def test_nothing_for_unrelated_or_unusable_hosts() -> None:
    assert _signals("http://example.com/") == []
    assert _signals("http://127.0.0.9:8080/") == []
    assert detector.detect(_page(""), REFERENCE, Lookups()) == []


def test_score_domain_matches_other_targets_and_normalises_input() -> None:
    r = score_domain("HTTPS://ZLAQ-Mohurd-Gov.COM:443/path")
    assert r is not None and r.target == "mohurd" and r.host == "zlaq-mohurd-gov.com"
    assert score_domain("*.osta-zscx.top") is not None
    assert score_domain("mohrsss.com") is not None  # typo of a long brand on its own
    assert score_domain("") is None


def test_index_built_from_one_profile_knows_only_that_target() -> None:
    index = DomainIndex([get_profile("samr")])
    assert index.score("memgov.cn") is None or index.score("memgov.cn").target is None  # type: ignore[union-attr]
    samr = index.score("samr-gov.vip")
    assert samr is not None and samr.target == "samr"


def test_zhengwu_suffix_is_a_government_identity() -> None:
    r = score_domain("应急管理部.政务")
    assert r is not None and r.official and r.official_kind == "gov"
    assert r.host.endswith(".xn--zfr164b")


def test_one_platform_word_alone_is_weak_but_service_words_make_it_strong() -> None:
    # an exam-prep site ("特种 题库") is named with the platform's words too
    alone = _score("http://www.tezhong-tiku.com/")
    assert 0 < alone < 0.5
    assert _score("http://tezhong-cx.com/") >= 0.6 > alone
    assert alone < min(_score(f"http://{h}/") for h in HIGH)


def test_a_doubled_or_swapped_letter_in_gov_still_reads_as_gov_beside_a_brand() -> None:
    for host in ("zscxmemgovv.top", "mohurd-ggov.com", "memgvo.top"):
        r = score_domain(host)
        assert r is not None and "gov-token" in r.techniques, host
    # alone, a misspelt gov claims no government identity
    assert score_domain("goov-shop.com") is None


def test_a_typo_across_a_token_boundary_is_read_as_the_brand() -> None:
    # cx + "mm" + gov: the tokenizer took "cx" as a service word; together they misspell cxmem
    r = score_domain("cxmmgov.top")
    assert r is not None and r.target == "mem" and "typo" in r.techniques
    assert score_domain("memo.com") is None  # a word one letter from a short brand stays quiet
