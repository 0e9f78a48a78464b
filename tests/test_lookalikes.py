"""Look-alike name generation: ranked operators built from the profile, never an unregistrable
name, the likeliest names inside the DNS budget."""

from __future__ import annotations

from collections import Counter

from core.names import score_domain
from core.netpath.domains import split_host
from core.profiles import default_profile, get_profile, parse_profile
from crawler.sources.lookalikes import (
    DEFAULT_DNS_BUDGET,
    DEFAULT_TLDS,
    TECHNIQUES,
    Lookalike,
    generate_lookalikes,
)
from crawler.sources.namefit import fit_vocabulary, looks_like
from crawler.sources.operators import label_table, partial_terms, profile_tokens, zh_suffixes

MEM = default_profile()
ALL = generate_lookalikes(MEM, limit=DEFAULT_DNS_BUDGET)
BY_DOMAIN = {item.domain: item for item in ALL}


def _idn(label: str, tld: str) -> str:
    return f"{label.encode('idna').decode('ascii')}.{tld}"


def test_the_shapes_fakes_use_are_inside_the_default_budget() -> None:
    expected = {
        "memgov.com": "official-tokens",
        "mem-gov.cn": "official-tokens",
        "cx-mem-gov.cn": "official-tokens",
        "cxmem-zw.com": "official-tokens",
        "cx-mem-zf.top": "official-tokens",
        "mem.gov.cn.com": "subdomain-abuse",
        "cx.mem.gov.cn.top": "subdomain-abuse",
        "tzzy-mem.com": "keyword-brand",
        "mem-zscx.net": "keyword-brand",
        "yjglb-gov.cn": "pinyin-gov",
        "ajjzw.cn": "pinyin-gov",  # 安监局, the ministry's former name, from the profile
        "tzzy.com": "pinyin",
        "cxrnem-gov.com": "homoglyph",  # m→rn composed with hyphenation
        "cxmme.com": "typo",
        _idn("特种作业操作证查询", "cn"): "idn",
        _idn("应急管理部证书查询", "com"): "idn",
    }
    for domain, technique in expected.items():
        assert domain in BY_DOMAIN, domain
        assert BY_DOMAIN[domain].technique == technique, domain
    assert all(i.reason for i in ALL)
    assert {i.technique for i in ALL} <= set(TECHNIQUES)


def test_no_duplicates_no_official_name_and_nothing_unregistrable() -> None:
    domains = [i.domain for i in ALL]
    assert len(domains) == len(set(domains)) == DEFAULT_DNS_BUDGET
    assert "cx.mem.gov.cn" not in domains and "mem.gov.cn" not in domains
    for domain in domains:
        _, label, suffix = split_host(domain)
        assert label and suffix, domain
        assert suffix not in {"gov.cn", "edu.cn", "mil.cn", "ac.cn", "xn--zfr164b"}, domain
        assert all(0 < len(part) <= 63 for part in domain.split(".")), domain


def test_unregistrable_suffixes_yield_nothing() -> None:
    assert generate_lookalikes(MEM, ["gov.cn", "edu.cn", "政务", "xn--zfr164b"], limit=200) == [
        i for i in generate_lookalikes(MEM, ["gov.cn"], limit=200) if i.technique == "idn"
    ]
    mixed = generate_lookalikes(MEM, ["gov.cn", "top"], limit=500)
    assert mixed and all(i.domain.endswith(".top") or i.technique == "idn" for i in mixed)
    assert not any(i.domain.endswith(".gov.cn") for i in mixed)


def test_ranked_likeliest_first_and_a_budget_is_a_prefix() -> None:
    costs = [i.cost for i in ALL]
    assert costs == sorted(costs)
    # the official host's tokens glued, on .cn: reads like cx.mem.gov.cn itself
    assert ALL[0] == Lookalike("cxmemgov.cn", "official-tokens", ALL[0].reason, ALL[0].cost)
    assert "cxmem.com" in {i.domain for i in ALL[:30]}
    first = generate_lookalikes(MEM, limit=300)
    assert first == ALL[:300]
    # the cheapest names are the official host's own tokens, pairs of pinyin come last
    firsts: dict[str, int] = {}
    for position, item in enumerate(ALL):
        firsts.setdefault(item.technique, position)
    assert firsts["official-tokens"] == 0
    assert firsts["official-tokens"] < firsts["keyword-brand"]
    last = firsts.get("pinyin-pair", len(ALL))
    # agency initials + gov come first on a Chinese suffix, where they read like a .gov.cn name
    assert firsts["official-tokens"] < firsts["pinyin-gov"] < last
    assert firsts["keyword-brand"] < last
    assert ALL[firsts["pinyin-gov"]].domain.endswith((".cn", ".com.cn", ".net.cn", ".org.cn"))


def test_pinyin_and_partial_initials_are_derived_from_the_profile_names() -> None:
    assert "特种操作证" in partial_terms(["特种作业操作证"])
    assert "安全" in partial_terms(["安全生产"])
    tokens = profile_tokens(MEM)
    for derived in ("tzczz", "tezhongzuoye", "aqsc", "anquan", "ajzj", "cxpt"):
        assert derived in tokens, derived
    # a platform nobody listed by hand: every token comes from its TOML names
    water = parse_profile(
        {
            "key": "mwr",
            "name": "水利工程证书查询",
            "owner": "水利部",
            "names_zh": ["水利部", "水利工程证书查询"],
            "official_hosts": ["cx.mwr.gov.cn"],
            "registrable_domains": ["mwr.gov.cn"],
            "reference_urls": ["https://cx.mwr.gov.cn/"],
        }
    )
    names = {i.domain for i in generate_lookalikes(water, ("com", "cn"), limit=5000)}
    assert {"mwr-gov.cn", "slb-mwr.com", "cx-mwr-gov.com"} <= names
    assert not any("mem" in d or "tzzy" in d for d in names)


def test_the_domain_scorer_flags_the_gov_names() -> None:
    counts: Counter[str] = Counter()
    for item in ALL:
        if item.technique == "subdomain-abuse" or (
            item.technique == "official-tokens" and "gov" in item.domain.split(".")[0]
        ):
            result = score_domain(item.domain)
            assert result is not None and result.score >= 0.6, item
            counts[item.technique] += 1
    assert counts["official-tokens"] > 100 and counts["subdomain-abuse"] > 10


def test_other_profiles_use_their_own_names() -> None:
    mohurd = generate_lookalikes(get_profile("mohurd"), DEFAULT_TLDS, limit=2000)
    domains = {i.domain for i in mohurd}
    assert "mohurd-gov.com" in domains and "zlaq.mohurd.gov.cn.com" in domains
    assert not any("mem" in d.split(".")[0] for d in domains if not d.startswith("xn--"))


def test_feed_names_are_kept_only_when_built_from_the_target() -> None:
    vocab = fit_vocabulary(MEM)
    for host in ("tzzy-zscx.cc", "anquan-zhengshu.com", "cx.mem.gov.cn.a8x9.top", "aqsc-zf.icu"):
        assert looks_like(host, MEM, vocab), host
    for host in ("anquanwang.com", "check-service.com", "huaxin-anquan.com", "tianlong88.com"):
        assert looks_like(host, MEM, vocab) is None, host


def test_idn_suffixes_are_composed_and_certificates_are_terms() -> None:
    suffixes = zh_suffixes(MEM)
    # 证书 + 查验 + 中心, 在线 + 查询, 查询 + 系统, and the profile's own lookup words
    assert {"证书查验中心", "在线查询", "查询系统", "真伪查询"} <= set(suffixes)
    assert suffixes["查询"] == 0.0 < suffixes["证书查询"] < suffixes["证书查验中心"]
    labels = {lab.label for lab in label_table(MEM).labels if lab.idn}
    assert _idn("应急管理部查询系统", "com").split(".")[0] in labels
    assert _idn("电工证查询", "cn").split(".")[0] in labels  # a certificate, looked up
    # an A-label longer than an ASCII label may be (41 characters for 13 Chinese ones)
    long_label = _idn("国家安全生产考试查询平台", "cn").split(".")[0]
    assert len(long_label) > 40 and long_label in labels
    assert not any("证证" in label.encode().decode("idna") for label in labels)


def test_a_gov_token_label_under_a_chinese_suffix_comes_early() -> None:
    # yjb + gov on .com.cn reads like yjb.gov.cn: before the same label on other 2nd levels
    order = [i.domain for i in ALL]
    assert order.index("yjbgov.com.cn") < order.index("yjbgov.net")
    assert order.index("yjbgov.com.cn") < order.index("yjbgov.com") < order.index("yjbgov.org.cn")
