"""Protected target profiles (ARCHITECTURE §3): who is protected, by what names and hosts.

The loader and the shipped TOML files live beside this module; `TargetProfile` is the
contract the detectors, sources and reference capture code against.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from core.profiles._pinyin import derive_pinyin

PROFILES_DIR = Path(__file__).resolve().parent
DEFAULT_KEY = "mem"
ALLOWLIST_FILE = "allowlist.toml"


class ProfileError(ValueError):
    """A profile or allowlist file is missing a field or has one of the wrong type."""


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
    #: discovery vocabulary (the profile's [discovery] table): names the owner went by before
    #: (look-alike names only, never a content claim), certificate names, seller words and
    #: regions the search queries are built from, what lookups call themselves (查询, 真伪查询)
    former_names: tuple[str, ...] = ()
    certificates: tuple[str, ...] = ()
    seller_words: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    lookup_words: tuple[str, ...] = ()
    #: the names the platform calls itself (its proper name and its site's name): a page
    #: presents itself as the platform only with one of these. A description of a service
    #: that many issuers run (职业技能等级证书查询) is a topic, listed in names_zh, never here.
    own_names: tuple[str, ...] = ()

    def __hash__(self) -> int:
        # detectors cache what they derive per profile and ask for it on every page: hashing
        # every field each time cost more than the lookup saves (equal profiles: equal keys)
        return hash((self.key, self.name))


@dataclass(frozen=True)
class AllowlistEntry:
    """A state-run platform that is official without a .gov.cn host."""

    host: str
    name: str
    note: str


def _strs(data: dict[str, Any], key: str, source: str, *, required: bool = True) -> tuple[str, ...]:
    value = data.get(key)
    if value is None:
        if required:
            raise ProfileError(f"{source}: missing list {key!r}")
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ProfileError(f"{source}: {key!r} must be a list of strings")
    return tuple(v.strip() for v in value if v.strip())


def _str(data: dict[str, Any], key: str, source: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ProfileError(f"{source}: missing string {key!r}")
    return value.strip()


def _merge(*groups: tuple[str, ...]) -> tuple[str, ...]:
    """Concatenate, lower-case and de-duplicate, keeping the first occurrence's order."""
    seen: dict[str, None] = {}
    for group in groups:
        for item in group:
            seen.setdefault(item.lower(), None)
    return tuple(seen)


def parse_profile(data: dict[str, Any], source: str = "<profile>") -> TargetProfile:
    """Build a profile from one parsed TOML document; pinyin is derived from names_zh."""
    names_zh = _strs(data, "names_zh", source)
    words, initials = derive_pinyin(names_zh)
    hosts = _merge(_strs(data, "official_hosts", source))
    domains = _merge(_strs(data, "registrable_domains", source))
    if not hosts or not domains:
        raise ProfileError(f"{source}: official_hosts and registrable_domains must not be empty")
    brand = _strs(data, "brand_labels", source, required=False)
    disc = data.get("discovery", {})
    if not isinstance(disc, dict):
        raise ProfileError(f"{source}: 'discovery' must be a table")
    where = f"{source} [discovery]"
    name = _str(data, "name", source)
    own = _strs(data, "own_names", source, required=False)
    return TargetProfile(
        key=_str(data, "key", source),
        name=name,
        owner=_str(data, "owner", source),
        official_hosts=hosts,
        registrable_domains=domains,
        names_zh=names_zh,
        pinyin=_merge(words, _strs(data, "pinyin", source, required=False)),
        abbreviations=_merge(initials, _strs(data, "abbreviations", source, required=False)),
        service_words=_merge(_strs(data, "service_words", source, required=False)),
        reference_urls=_strs(data, "reference_urls", source),
        form_fields=_strs(data, "form_fields", source, required=False),
        result_fields=_strs(data, "result_fields", source, required=False),
        # default brand: the registrable label of each official domain ("mem" of mem.gov.cn)
        brand_labels=_merge(brand or tuple(d.split(".")[0] for d in domains)),
        former_names=_strs(disc, "former_names", where, required=False),
        certificates=_strs(disc, "certificates", where, required=False),
        seller_words=_strs(disc, "seller_words", where, required=False),
        regions=_strs(disc, "regions", where, required=False),
        lookup_words=_strs(disc, "lookup_words", where, required=False),
        own_names=tuple(dict.fromkeys((name, *own))),
    )


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ProfileError(f"{path}: {exc}") from exc


def load_profiles(dir: Path | None = None) -> tuple[TargetProfile, ...]:
    """Every profile in `dir` (default: the shipped ones), the default (mem) first."""
    return _load_profiles(PROFILES_DIR if dir is None else Path(dir).resolve())


@lru_cache(maxsize=8)
def _load_profiles(directory: Path) -> tuple[TargetProfile, ...]:
    profiles = [
        parse_profile(_read_toml(path), str(path))
        for path in sorted(directory.glob("*.toml"))
        if path.name != ALLOWLIST_FILE
    ]
    keys = [p.key for p in profiles]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise ProfileError(f"{directory}: duplicate profile keys {duplicates}")
    profiles.sort(key=lambda p: (p.key != DEFAULT_KEY, p.key))
    return tuple(profiles)


def default_profile() -> TargetProfile:
    """The shipped default target: the MEM certificate query platform."""
    for profile in load_profiles():
        if profile.key == DEFAULT_KEY:
            return profile
    raise ProfileError(f"no shipped profile with key {DEFAULT_KEY!r}")


def get_profile(key: str, dir: Path | None = None) -> TargetProfile:
    """The profile named `key`; KeyError when there is none."""
    for profile in load_profiles(dir):
        if profile.key == key:
            return profile
    raise KeyError(key)


def load_allowlist_entries(path: Path | None = None) -> tuple[AllowlistEntry, ...]:
    """The official non-.gov.cn platforms, each with its name and a note."""
    path = PROFILES_DIR / ALLOWLIST_FILE if path is None else Path(path)
    data = _read_toml(path)
    entries = data.get("platform", [])
    if not isinstance(entries, list):
        raise ProfileError(f"{path}: 'platform' must be an array of tables")
    out: list[AllowlistEntry] = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise ProfileError(f"{path}: platform #{i} is not a table")
        out.append(
            AllowlistEntry(
                host=_str(entry, "host", f"{path} platform #{i}").lower().rstrip("."),
                name=_str(entry, "name", f"{path} platform #{i}"),
                note=_str(entry, "note", f"{path} platform #{i}"),
            )
        )
    return tuple(out)


def load_allowlist(path: Path | None = None) -> tuple[str, ...]:
    """Hosts of the official non-.gov.cn platforms (www.chsi.com.cn, zscx.osta.org.cn ...)."""
    return tuple(e.host for e in load_allowlist_entries(path))
