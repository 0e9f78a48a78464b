"""Social, forum and marketplace platforms: where a page is a user's post, not a site.

A seller who advertises in a 贴吧 thread, a 微博 post or a 闲鱼 listing is found at that
post's URL; the platform itself is nobody's counterfeit. So a lead on a platform is keyed by
the post (`tieba.baidu.com/p/8812345`), never by the platform's host, and what the platform
serves to every post (its IP, certificate, page template, analytics) is no evidence about
who wrote it: only what the author left in the post (contact IDs, the sites it names) is.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit

from core.netpath.domains import to_ascii
from core.profiles import load_allowlist, load_profiles
from core.urls import BadUrl, find_urls, normalise_url


@dataclass(frozen=True)
class Platform:
    host: str  # the host, or the registrable domain when `subdomains`
    label: str  # Chinese name shown to analysts
    kind: str  # forum | social | qa | video | blog | market | classifieds
    subdomains: bool = False  # every host under it serves posts (58同城's city sites)


PLATFORMS: tuple[Platform, ...] = (
    Platform("tieba.baidu.com", "百度贴吧", "forum"),
    Platform("zhidao.baidu.com", "百度知道", "qa"),
    Platform("baijiahao.baidu.com", "百家号", "blog"),
    Platform("mp.weixin.qq.com", "微信公众号文章", "blog"),
    Platform("weibo.com", "微博", "social"),
    Platform("m.weibo.cn", "微博", "social"),
    Platform("www.xiaohongshu.com", "小红书", "social"),
    Platform("www.douyin.com", "抖音", "video"),
    Platform("www.kuaishou.com", "快手", "video"),
    Platform("www.bilibili.com", "哔哩哔哩", "video"),
    Platform("www.zhihu.com", "知乎", "qa"),
    Platform("zhuanlan.zhihu.com", "知乎专栏", "blog"),
    Platform("www.douban.com", "豆瓣", "forum"),
    Platform("www.toutiao.com", "今日头条", "blog"),
    Platform("www.goofish.com", "闲鱼", "market"),
    Platform("2.taobao.com", "闲鱼", "market"),
    Platform("item.taobao.com", "淘宝", "market"),
    Platform("detail.tmall.com", "天猫", "market"),
    Platform("mobile.yangkeduo.com", "拼多多", "market"),
    Platform("58.com", "58同城", "classifieds", subdomains=True),
    Platform("baixing.com", "百姓网", "classifieds", subdomains=True),
    Platform("ganji.com", "赶集网", "classifieds", subdomains=True),
)
#: registrable domains never worth fetching as leads: CDNs, analytics, big platforms,
#: government badges, search engines (their links are handled by the search source)
COMMON_DOMAINS = frozenset(
    {
        "baidu.com",
        "bdstatic.com",
        "bing.com",
        "sogou.com",
        "so.com",
        "qq.com",
        "gtimg.cn",
        "weixin.qq.com",
        "jquery.com",
        "bootcdn.net",
        "bootcss.com",
        "staticfile.org",
        "jsdelivr.net",
        "unpkg.com",
        "cdnjs.cloudflare.com",
        "cloudflare.com",
        "googleapis.com",
        "gstatic.com",
        "google.com",
        "google-analytics.com",
        "googletagmanager.com",
        "cnzz.com",
        "51.la",
        "umeng.com",
        "aliyuncs.com",
        "alicdn.com",
        "qiniucdn.com",
        "myqcloud.com",
        "beian.gov.cn",
        "miit.gov.cn",
        "mps.gov.cn",
        "conac.cn",
        "gov.cn",
        "w3.org",
        "apple.com",
        "microsoft.com",
        "weibo.com",
        "douyin.com",
        "taobao.com",
        "tmall.com",
        "jd.com",
        "163.com",
        "126.com",
        "github.com",
        "crt.sh",
    }
)
_BY_HOST = {p.host: p for p in PLATFORMS}
_BY_SUFFIX = tuple(p for p in PLATFORMS if p.subdomains)

#: query parameters that say where a link was shared from, never which post it is
_TRACKING = frozenset(
    {"spm", "scm", "from", "source", "share", "share_from", "shareid", "share_token", "fr",
     "ref", "refer", "isappinstalled", "wfr", "xsec_token", "xsec_source", "app_platform"}
)  # fmt: skip
#: paths of a platform's own pages, never a user's post
_NOT_POSTS = ("search", "s?", "login", "passport", "signup", "register", "help", "about")
#: the lead key column's width; a longer key keeps its head and a digest of the whole
KEY_WIDTH = 255


def platform_of(host: str) -> Platform | None:
    """The platform serving user posts at `host`, or None for an ordinary site."""
    host = to_ascii(host.lower().rstrip("."))
    hit = _BY_HOST.get(host)
    if hit is not None:
        return hit
    return next((p for p in _BY_SUFFIX if host == p.host or host.endswith("." + p.host)), None)


def post_key(url: str) -> str | None:
    """The lead key of a post (`host/path?id=…`), or None when `url` is not on a platform.

    Scheme, fragment and sharing parameters do not make another post; the rest of the query
    does (闲鱼 and 淘宝 name the item in it)."""
    parts = urlsplit(url if "//" in url else "//" + url)
    host = (parts.hostname or "").lower().rstrip(".")
    if not host or platform_of(host) is None:
        return None
    path = parts.path.rstrip("/") or "/"
    query = sorted(
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in _TRACKING and not k.lower().startswith("utm_")
    )
    key = f"{to_ascii(host)}{path}" + (f"?{urlencode(query)}" if query else "")
    if len(key) <= KEY_WIDTH:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return f"{key[: KEY_WIDTH - 17]}#{digest}"


def is_post(url: str) -> bool:
    """A URL of one post (or listing) on a platform: its path names something; the platform's
    home page, search or login page is not a post."""
    key = post_key(url)
    if key is None:
        return False
    path = key.split("/", 1)[1] if "/" in key else ""
    return bool(path) and not path.startswith(_NOT_POSTS)


def platform_label(key: str) -> str:
    """ "百度贴吧" for a post's lead key, "" for a site's: what the UI and reports show."""
    if not is_post_key(key):
        return ""
    found = platform_of(key.split("/", 1)[0])
    return found.label if found is not None else ""


def is_post_key(key: str) -> bool:
    """True for a lead key made by `post_key` (a site's key is a bare host name)."""
    return "/" in key


def site_name(host: str) -> str:
    """The name a post uses for a site: its host without `www.` (sellers write either)."""
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


@lru_cache(maxsize=1)
def _official_names() -> tuple[frozenset[str], frozenset[str]]:
    """(allowlisted hosts, the profiles' official registrable domains), read once."""
    domains = {d.lower() for p in load_profiles() for d in p.registrable_domains}
    return frozenset(site_name(h) for h in load_allowlist()), frozenset(domains)


def _official(host: str) -> bool:
    if host.endswith((".gov.cn", ".xn--zfr164b")) or host in ("gov.cn", "xn--zfr164b"):
        return True  # .政务 is xn--zfr164b
    hosts, domains = _official_names()
    return site_name(host) in hosts or any(host == d or host.endswith("." + d) for d in domains)


def under_common_domain(host: str) -> bool:
    """`host` is one of COMMON_DOMAINS or a name under one."""
    return any(host == d or host.endswith("." + d) for d in COMMON_DOMAINS)


def common(host: str) -> bool:
    """A platform, a big common domain or an official site: naming it proves nothing."""
    host = host.lower().rstrip(".")
    return platform_of(host) is not None or _official(host) or under_common_domain(host)


def named_sites(text: str, hrefs: Iterable[str] = ()) -> tuple[str, ...]:
    """The sites a post names, in its text or its links, as `site_name`s: what a seller
    advertises ("官网可查 cx-mem点top"). Platforms, big common domains and official sites are
    left out: every post may name them."""
    hosts = [f.host for f in find_urls(text)]
    for href in hrefs:
        try:
            hosts.append(normalise_url(href).host)
        except BadUrl:
            continue
    return tuple(dict.fromkeys(site_name(h) for h in hosts if h and not common(h)))
