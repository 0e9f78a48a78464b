"""Target profiles: the shipped TOML files, the loader and the pinyin derivation."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.profiles import (
    ProfileError,
    default_profile,
    get_profile,
    load_allowlist,
    load_allowlist_entries,
    load_profiles,
)
from core.profiles._pinyin import derive_pinyin

MINIMAL = """
key = "{key}"
name = "测试平台"
owner = "测试部"
official_hosts = ["cx.test.gov.cn"]
registrable_domains = ["test.gov.cn"]
names_zh = ["测试平台", "特种设备"]
reference_urls = ["https://cx.test.gov.cn/"]
"""


def test_shipped_profiles_default_first() -> None:
    profiles = load_profiles()
    assert [p.key for p in profiles][0] == "mem"
    assert {p.key for p in profiles} == {"mem", "mohurd", "osta", "samr"}
    hosts = {p.key: p.official_hosts for p in profiles}
    assert hosts["mohurd"] == ("zlaq.mohurd.gov.cn",)
    assert hosts["osta"] == ("osta.mohrss.gov.cn",)
    assert hosts["samr"] == ("cnse.samr.gov.cn",)


def test_default_profile_is_the_mem_platform() -> None:
    mem = default_profile()
    assert mem.key == "mem"
    assert mem.official_hosts == ("cx.mem.gov.cn",)
    assert mem.registrable_domains == ("mem.gov.cn",)
    assert mem.owner == "应急管理部"
    assert "请输入证件号码" in mem.form_fields
    assert "签发机关" in mem.result_fields
    assert mem.brand_labels[0] == "mem"
    assert get_profile("mem") == mem
    with pytest.raises(KeyError):
        get_profile("nope")


def test_pinyin_and_abbreviations_are_derived_from_names_zh() -> None:
    mem = default_profile()
    for word in (
        "tezhongzuoye",
        "anquanshengchan",
        "yingjiguanli",
        "yingjiguanlibu",
        "zhengshu",
        "chaxun",
    ):
        assert word in mem.pinyin, word
    for abbr in ("tzzy", "aqsc", "yjglb", "cx", "zs"):
        assert abbr in mem.abbreviations, abbr
    # hand-listed extras are kept after the derived ones, without duplicates
    assert mem.pinyin.count("yingjiguanli") == 1
    assert "yjgl" in mem.abbreviations


def test_derive_pinyin_skips_long_names_and_non_han_terms() -> None:
    words, initials = derive_pinyin(
        [
            "特种设备",
            "市场监督管理总局",
            "ABC查询",
            "特种作业操作证及安全生产知识和管理能力考核合格信息查询平台",
        ]
    )
    assert words == ("tezhongshebei", "shichangjianduguanlizongju")
    assert initials == ("tzsb", "scjdglzj")


def test_every_official_host_is_under_its_registrable_government_domain() -> None:
    for p in load_profiles():
        for host in p.official_hosts:
            assert any(host == d or host.endswith("." + d) for d in p.registrable_domains), host
        for domain in p.registrable_domains:
            assert domain.endswith(".gov.cn"), domain
        assert p.reference_urls and p.names_zh and p.service_words


def test_allowlist_has_the_official_non_gov_platforms_with_notes() -> None:
    hosts = load_allowlist()
    for host in (
        "www.chsi.com.cn",
        "zscx.osta.org.cn",
        "www.osta.org.cn",
        "www.cpta.com.cn",
        "cnse.e-cqs.cn",
    ):
        assert host in hosts
    assert all(e.note and e.name for e in load_allowlist_entries())
    assert not any(h.endswith(".gov.cn") for h in hosts)


def test_load_profiles_from_another_directory(tmp_path: Path) -> None:
    (tmp_path / "test.toml").write_text(MINIMAL.format(key="test"), encoding="utf-8")
    (tmp_path / "allowlist.toml").write_text("", encoding="utf-8")
    (profile,) = load_profiles(tmp_path)
    assert profile.key == "test"
    assert profile.brand_labels == ("test",)  # default: the label of the official domain
    assert "tezhongshebei" in profile.pinyin and "tzsb" in profile.abbreviations
    assert profile.service_words == ()


def test_bad_profiles_are_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.toml").write_text(
        MINIMAL.format(key="x").replace('owner = "测试部"', ""), encoding="utf-8"
    )
    with pytest.raises(ProfileError, match="owner"):
        load_profiles(bad)
    dup = tmp_path / "dup"
    dup.mkdir()
    for name in ("a", "b"):
        (dup / f"{name}.toml").write_text(MINIMAL.format(key="same"), encoding="utf-8")
    with pytest.raises(ProfileError, match="duplicate"):
        load_profiles(dup)
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "y.toml").write_text("key = ", encoding="utf-8")
    with pytest.raises(ProfileError):
        load_profiles(broken)


def test_the_shipped_pinyin_table_is_what_pypinyin_says():
    """pinyin.json spares every process pypinyin's 55 MiB; it must match pypinyin exactly for
    every short term of the shipped profiles (rerun scripts/write_pinyin.py when it does not)."""
    import tomllib

    from core.profiles import PROFILES_DIR
    from core.profiles._pinyin import _from_pypinyin, _known, short_terms

    terms = set()
    for path in PROFILES_DIR.glob("*.toml"):
        terms.update(short_terms(tomllib.loads(path.read_text("utf-8")).get("names_zh", [])))
    assert terms and terms <= set(_known())
    for term in terms:
        assert _known()[term] == _from_pypinyin(term), term


def test_a_term_outside_the_table_is_spelled_by_pypinyin():
    from core.profiles._pinyin import derive_pinyin

    assert derive_pinyin(["重庆市住房和城乡建设委员会", "重庆住建"]) == (
        ("chongqingzhujian",),
        ("cqzj",),
    )


def test_loading_profiles_does_not_import_pypinyin():
    import subprocess
    import sys

    code = "import sys, core.profiles as p; p.load_profiles(); print('pypinyin' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
