"""Protected target profiles (ARCHITECTURE §3): who is protected, by what names and hosts.

The loader and the shipped TOML files live beside this module; `TargetProfile` is the
contract the detectors, sources and reference capture code against.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TargetProfile:
    """One protected platform, e.g. the MEM certificate query platform."""

    key: str  # "mem"
    name: str  # 「特种作业操作证及安全生产知识和管理能力考核合格信息查询平台」
    owner: str  # 「应急管理部」
    official_hosts: tuple[str, ...]  # ("cx.mem.gov.cn",)
    registrable_domains: tuple[str, ...]  # ("mem.gov.cn",)
    #: Chinese names and terms that a copy would show (titles, headings, labels)
    names_zh: tuple[str, ...]
    #: pinyin words and abbreviations (derived with pypinyin + listed by hand)
    pinyin: tuple[str, ...]
    abbreviations: tuple[str, ...]
    #: service words used in look-alike names: cx, chaxun, zscx, query, verify ...
    service_words: tuple[str, ...]
    #: genuine pages to capture as references
    reference_urls: tuple[str, ...]
    #: field labels of the genuine query form and result page
    form_fields: tuple[str, ...] = ()
    result_fields: tuple[str, ...] = ()
    #: the registrable label(s) look-alikes are built from ("mem", "cxmem")
    brand_labels: tuple[str, ...] = ()
