"""Look-alike name generation: the names counterfeiters register, never an unregistrable one."""

from __future__ import annotations

from collections import Counter

from core.names import score_domain
from core.netpath.domains import split_host
from core.profiles import default_profile, get_profile
from crawler.sources.lookalikes import DEFAULT_TLDS, TECHNIQUES, Lookalike, generate_lookalikes

MEM = default_profile()
ALL = generate_lookalikes(MEM)
BY_DOMAIN = {item.domain: item for item in ALL}


def test_documented_patterns_are_generated_with_their_technique() -> None:
    expected = {
        "mem-gov.cn": "gov-token",
        "memgov.com": "gov-token",
        "cx-mem-gov.cn": "gov-token",
        "mem.gov.cn.com": "subdomain-abuse",
        "cx.mem.gov.cn.top": "subdomain-abuse",
        "cxmem.com": "service-word",
        "mem-chaxun.net": "service-word",
        "tzzycx.com": "pinyin",
        "aqsc-chaxun.cn": "pinyin",
        "yjglb-zscx.net": "pinyin",
        "rnem-gov.cn": "homoglyph",
        "mme-gov.com": "typo",
    }
    for domain, technique in expected.items():
        assert domain in BY_DOMAIN, domain
        assert BY_DOMAIN[domain].technique == technique, domain
    idn = [i for i in ALL if i.technique == "idn"]
    assert any(i.domain.startswith("xn--") and "特种作业" in i.reason for i in idn)
    cyrillic = "xn--" + "m\u0435m-gov".encode("punycode").decode() + ".com"
    assert BY_DOMAIN[cyrillic].technique == "homoglyph"


def test_no_duplicates_no_official_name_and_nothing_unregistrable() -> None:
    domains = [i.domain for i in ALL]
    assert len(domains) == len(set(domains))
    assert "cx.mem.gov.cn" not in domains and "mem.gov.cn" not in domains
    for domain in domains:
        _, label, suffix = split_host(domain)
        assert label and suffix, domain
        assert suffix not in {"gov.cn", "edu.cn", "mil.cn", "ac.cn", "xn--zfr164b"}, domain
        assert all(0 < len(part) <= 63 for part in domain.split(".")), domain
    assert {i.technique for i in ALL} == set(TECHNIQUES)
    assert all(i.reason for i in ALL)


def test_unregistrable_suffixes_yield_nothing() -> None:
    assert generate_lookalikes(MEM, ["gov.cn", "edu.cn", "政务", "xn--zfr164b"]) == []
    mixed = generate_lookalikes(MEM, ["gov.cn", "top"])
    assert mixed and all(i.domain.endswith(".top") for i in mixed)


def test_order_is_deterministic_best_technique_first_and_limit_cuts() -> None:
    again = generate_lookalikes(MEM)
    assert again == ALL
    firsts = {}
    for position, item in enumerate(ALL):
        firsts.setdefault(item.technique, position)
    assert sorted(firsts, key=firsts.__getitem__) == list(TECHNIQUES)
    # after the plain gov combinations and the subdomain abuses, techniques never go back
    tail = [TECHNIQUES.index(i.technique) for i in ALL if i.technique != "subdomain-abuse"]
    assert tail == sorted(tail)
    first = generate_lookalikes(MEM, ("com", "cn"), limit=10)
    assert len(first) == 10 and first[0] == Lookalike("memgov.com", "gov-token", first[0].reason)
    assert first == generate_lookalikes(MEM, ("com", "cn"))[:10]


def test_the_domain_scorer_flags_the_strong_techniques() -> None:
    counts: Counter[str] = Counter()
    for item in ALL:
        if item.technique in {"gov-token", "subdomain-abuse"}:
            result = score_domain(item.domain)
            assert result is not None and result.score >= 0.6, item
            counts[item.technique] += 1
    assert counts["gov-token"] > 100 and counts["subdomain-abuse"] > 10


def test_other_profiles_use_their_own_names() -> None:
    mohurd = generate_lookalikes(get_profile("mohurd"), DEFAULT_TLDS, limit=2000)
    domains = {i.domain for i in mohurd}
    assert "mohurd-gov.com" in domains and "zlaq.mohurd.gov.cn.com" in domains
    assert not any("mem" in d.split(".")[0] for d in domains if not d.startswith("xn--"))
