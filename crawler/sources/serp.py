"""Search-engine result pages (Baidu, Bing cn, Sogou, 360): the engines' addresses and
markers, the organic results and next-page link of a page, captcha/block detection, and the
targets of the engines' redirect links. Pure functions of the page text; the source that
queries the engines is crawler/sources/search.py."""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class RawHit:
    """One organic result as the page shows it."""

    href: str  # the link as written (often the engine's redirect)
    title: str
    direct: str | None = None  # the target URL when the page states it (mu, data-mdurl)


@dataclass(frozen=True)
class Engine:
    name: str
    label: str  # Chinese name for reasons
    search_url: str
    param: str
    own_domains: tuple[str, ...]
    no_results: tuple[str, ...]
    #: text or URL fragments of the engine's captcha / block pages
    block_markers: tuple[str, ...]
    result_marker: str  # a fragment every result page of this engine contains


ENGINES: dict[str, Engine] = {
    "baidu": Engine(
        "baidu",
        "百度",
        "https://www.baidu.com/s",
        "wd",
        ("baidu.com", "bdstatic.com"),
        ("抱歉没有找到与",),
        ("百度安全验证", "wappass.baidu.com/static/captcha", "/static/captcha/tuxing"),
        'id="content_left"',
    ),
    "bing": Engine(
        "bing",
        "必应",
        "https://cn.bing.com/search",
        "q",
        ("bing.com", "bing.net", "msn.cn"),
        ("没有与此相关的结果", "There are no results for"),
        ("请解决以下难题以继续", "One last step", "b_captcha", "/turing/captcha"),
        'id="b_results"',
    ),
    "sogou": Engine(
        "sogou",
        "搜狗",
        "https://www.sogou.com/web",
        "query",
        ("sogou.com",),
        ("抱歉，没有找到与",),
        ("/antispider", "异常访问请求", "请输入图中的验证码"),
        'class="results"',
    ),
    "so360": Engine(
        "so360",
        "360搜索",
        "https://www.so.com/s",
        "q",
        ("so.com", "360.cn", "qhimg.com"),
        ("抱歉，未找到和",),
        ("访问异常", "mod-antispam", "qcaptcha"),
        'id="main"',
    ),
}


# ---------------------------------------------------------------- parsing


class _ResultParser(HTMLParser):
    """Collects the title links of organic results, engine by engine."""

    def __init__(self, engine: str) -> None:
        super().__init__(convert_charrefs=True)
        self.engine = engine
        self.hits: list[RawHit] = []
        self._stack: list[tuple[str, dict[str, str]]] = []
        self._mu: str | None = None
        self._in_title = False
        self._link: dict[str, str] | None = None
        self._text: list[str] = []
        self.next_page: str | None = None

    def _inside(self, tag: str, cls: str) -> bool:
        return any(t == tag and cls in a.get("class", "").split() for t, a in self._stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag not in ("br", "img", "input", "meta", "link", "hr"):
            self._stack.append((tag, a))
        if tag == "div" and self.engine == "baidu" and "result" in a.get("class", "").split():
            self._mu = a.get("mu") or None
        if tag != "a" or not a.get("href"):
            return
        classes = a.get("class", "").split()
        # 下一页: Baidu a.n (pn=), Bing a.sb_pagN, Sogou #sogou_next, 360 #snext
        if (
            a.get("id") in ("sogou_next", "snext")
            or "sb_pagN" in classes
            or ("n" in classes and "pn=" in a["href"])
        ):
            self.next_page = a["href"]
            return
        title_ctx = {
            "baidu": self._inside("h3", "t") or self._inside("h3", "c-title"),
            "bing": self._inside("li", "b_algo") and any(t == "h2" for t, _ in self._stack),
            "sogou": self._inside("h3", "vr-title") or self._inside("h3", "pt"),
            "so360": self._inside("h3", "res-title"),
        }[self.engine]
        if title_ctx:
            self._link, self._text = a, []

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._link is not None:
            direct = self._mu if self.engine == "baidu" else self._link.get("data-mdurl") or None
            title = re.sub(r"\s+", " ", "".join(self._text)).strip()
            self.hits.append(RawHit(self._link["href"], title, direct))
            self._link = None
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                del self._stack[i:]
                break

    def handle_data(self, data: str) -> None:
        if self._link is not None:
            self._text.append(data)


def parse_results(engine: str, page: str) -> list[RawHit]:
    return parse_page(engine, page)[0]


def parse_page(engine: str, page: str) -> tuple[list[RawHit], str | None]:
    """The organic results of a result page and its 下一页 link (None on the last page)."""
    parser = _ResultParser(engine)
    parser.feed(page)
    parser.close()
    return parser.hits, parser.next_page


def block_reason(engine: Engine, final_url: str, page: str) -> str | None:
    """The marker that shows `page` is a captcha/block page, or None.

    Text markers only count on pages without the result container, so a result titled
    "访问异常怎么办" does not read as a block.
    """
    for marker in engine.block_markers:
        if marker.startswith("/") or "." in marker:
            if marker in final_url:
                return marker
    if engine.result_marker in page:
        return None
    for marker in (*engine.block_markers, "请输入验证码", "验证码"):
        if marker in page:
            return marker
    return None


_JS_REPLACE = re.compile(r"""location\.(?:replace|assign|href)\s*\(?\s*=?\s*["']([^"']+)["']""")
_META_URL = re.compile(r"""(?i)content=["']?\s*\d+\s*;\s*url\s*=\s*'?([^'">]+)""")
_BING_VAR = re.compile(r"""var\s+u\s*=\s*["']([^"']+)["']""")


def decode_link(engine: str, href: str) -> str | None:
    """The target of a result link when it can be read without asking the engine."""
    parts = urlsplit(href)
    host = (parts.hostname or "").lower()
    qs = parse_qs(parts.query)
    if host.endswith("bing.com") and parts.path == "/ck/a":
        u = (qs.get("u") or [""])[0]
        if u.startswith("a1"):
            try:
                return base64.urlsafe_b64decode(u[2:] + "=" * (-len(u[2:]) % 4)).decode()
            except (ValueError, UnicodeDecodeError):
                return None
        return None
    if host.endswith("so.com") and parts.path == "/link":
        return (qs.get("url") or [""])[0] or None
    if host and not any(host == d or host.endswith("." + d) for d in ENGINES[engine].own_domains):
        return href  # a direct link
    return None


REDIRECT_PATHS = frozenset({"/link", "/ck/a", "/url"})


def is_redirect_link(engine: Engine, link: str) -> bool:
    parts = urlsplit(link)
    host = (parts.hostname or "").lower()
    own = any(host == d or host.endswith("." + d) for d in engine.own_domains)
    return own and parts.path in REDIRECT_PATHS


def target_from_body(body: str) -> str | None:
    """Where an engine's interstitial page sends the browser (Sogou's /link, Bing's /ck/a)."""
    for rx in (_JS_REPLACE, _BING_VAR, _META_URL):
        m = rx.search(body)
        if m:
            return html.unescape(m.group(1)).strip()
    return None


def engines_named(names: Iterable[str]) -> list[Engine]:
    """Engines by name, with a clear error for unknown ones."""
    unknown = [n for n in names if n not in ENGINES]
    if unknown:
        raise ValueError(f"unknown search engine(s) {unknown}; known: {list(ENGINES)}")
    return [ENGINES[n] for n in names]
