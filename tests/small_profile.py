"""A minimal `mem` profile for the discovery sources' tests: few tokens, so each test can say
exactly which names its patterns should and should not reach."""

from __future__ import annotations

from core.profiles import TargetProfile

SMALL_MEM = TargetProfile(
    key="mem",
    name="平台",
    owner="应急管理部",
    official_hosts=("cx.mem.gov.cn",),
    registrable_domains=("mem.gov.cn",),
    names_zh=(),
    pinyin=(),
    abbreviations=("tzzy",),
    service_words=("cx", "zscx"),
    reference_urls=(),
    brand_labels=("mem", "cxmem"),
)
