# Longer than 400 lines: four engines' result pages side by side, so their differences show.
"""Simulated search engines: Baidu, Bing (cn), Sogou and 360, each with its own result-page
shape, its own redirect links and its own captcha page.

Longer than 400 lines: the four engines' markup side by side, so their differences read at once.

Results are the world's sites whose `search_terms` match the query, ranked differently per
engine, plus the engine's own properties (百科/知道-style results) as noise. Blocking is
driven by module state so tests can trigger it: `block(engine, after=K)` lets K more queries
through and then serves that engine's captcha page until `unblock()`.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
import threading
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from simworld.world import SimRequest, SimResponse, Site, SitePost, World

ENGINES = ("baidu", "bing", "sogou", "so360")
MAX_RESULTS = 30
_HTML = (("Content-Type", "text/html; charset=utf-8"),)
_lock = threading.Lock()
_allowance: dict[str, int] = {}  # engine -> queries still answered before the captcha


def block(engine: str, after: int = 0) -> None:
    """Serve `engine`'s captcha page once `after` more queries have been answered."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; expected one of {ENGINES}")
    with _lock:
        _allowance[engine] = after


def unblock(engine: str | None = None) -> None:
    with _lock:
        if engine is None:
            _allowance.clear()
        else:
            _allowance.pop(engine, None)


def _blocked(engine: str) -> bool:
    with _lock:
        left = _allowance.get(engine)
        if left is None:
            return False
        if left > 0:
            _allowance[engine] = left - 1
            return False
        return True


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class Hit:
    url: str
    title: str
    snippet: str
    host: str


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def _bigrams(text: str) -> set[str]:
    t = _norm(text)
    return {t[i : i + 2] for i in range(len(t) - 1)} or ({t} if t else set())


#: a site is listed when its indexed phrases share this fraction of the query's bigrams
MIN_RELEVANCE = 0.4


def relevance(doc: Site | SitePost, query: str) -> float:
    """Term overlap (character bigrams, as engines index Chinese) of the query with the site's
    (or post's) indexed phrases: word order, spacing and extra words matter as they do to a
    real engine, not an exact phrase."""
    q = _bigrams(query)
    if not q:
        return 0.0
    doc_grams: set[str] = set()
    for term in doc.search_terms:
        doc_grams |= _bigrams(term)
    return len(q & doc_grams) / len(q)


@dataclass(frozen=True)
class _Doc:
    """One indexed page: a site's entry, or a user's post on a platform site."""

    site: Site
    indexed: Site | SitePost
    url: str
    path: str
    note: str
    rank_key: str


def _documents(world: World) -> list[_Doc]:
    out = []
    for s in world.sites.values():
        if s.label != "infrastructure" and s.search_terms:
            out.append(_Doc(s, s, s.url(), s.entry, s.note, s.host))
        for p in s.posts:
            if p.search_terms:
                url = s.post_url(p)
                out.append(_Doc(s, p, url, p.path, p.note, url))
    return out


def _title_of(doc: _Doc, world: World) -> str:
    site = doc.site
    req = SimRequest(
        "GET",
        site.schemes[0],
        site.host,
        doc.path.split("?")[0],
        {},
        {"user-agent": "Mozilla/5.0 Baiduspider"},
        raw_query=doc.path.partition("?")[2],
    )
    try:
        _, resp = world.plan(req)
    except Exception:  # noqa: BLE001  (a broken site must not break every search page)
        return doc.note or site.host
    if isinstance(resp, SimResponse) and resp.status == 200 and resp.body:
        text = resp.body[:200_000].decode("utf-8", "replace")
        m = re.search(r"(?is)<title[^>]*>(.*?)</title>", text)
        if m and m.group(1).strip():
            return html.unescape(re.sub(r"\s+", " ", m.group(1)).strip())[:80]
    return doc.note or site.host


def _rank(engine: str, key: str) -> str:
    return hashlib.sha256(f"{engine}|{key}".encode()).hexdigest()


PER_PAGE = MAX_RESULTS - 1


def has_next(world: World, query: str, page: int) -> bool:
    """Whether result page `page + 1` has anything (the page shows a 下一页 link)."""
    n = sum(1 for d in _documents(world) if relevance(d.indexed, query) >= MIN_RELEVANCE)
    return n > (page + 1) * PER_PAGE


def results(world: World, engine: str, query: str, page: int = 0) -> list[Hit]:
    """What `engine` lists for `query` on result page `page` (0 first): the world's sites and
    posts by relevance (ties in the engine's own order) + the engine's own pages on the first
    page."""
    scored = []
    for doc in _documents(world):
        score = relevance(doc.indexed, query)
        if score >= MIN_RELEVANCE:
            scored.append((-score, _rank(engine, doc.rank_key), doc))
    scored.sort(key=lambda t: (t[0], t[1]))
    chosen = scored[page * PER_PAGE : (page + 1) * PER_PAGE]
    hits = [Hit(d.url, _title_of(d, world), d.note, d.site.host) for _, _, d in chosen]
    if page:
        return hits
    own = {
        "baidu": Hit(
            f"https://baike.baidu.com/item/{quote(query)}",
            f"{query}_百度百科",
            "百度百科是一部内容开放、自由的网络百科全书。",
            "baike.baidu.com",
        ),
        "bing": Hit(
            f"https://cn.bing.com/images/search?q={quote(query)}",
            f"{query} - 图片",
            "必应图片搜索",
            "cn.bing.com",
        ),
        "sogou": Hit(
            f"https://baike.sogou.com/v{int(_rank(engine, query)[:6], 16)}.htm",
            f"{query} - 搜狗百科",
            "搜狗百科",
            "baike.sogou.com",
        ),
        "so360": Hit(
            f"https://baike.so.com/doc/{int(_rank(engine, query)[:6], 16)}.html",
            f"{query}_360百科",
            "360百科",
            "baike.so.com",
        ),
    }[engine]
    return ([own] + hits)[:MAX_RESULTS] if hits else []


def _token(url: str, engine: str) -> str:
    """An opaque redirect token only the engine can turn back into the URL."""
    key = hashlib.sha256(engine.encode()).digest()
    data = bytes(b ^ key[i % len(key)] for i, b in enumerate(url.encode()))
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _untoken(token: str, engine: str) -> str | None:
    key = hashlib.sha256(engine.encode()).digest()
    try:
        data = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        return bytes(b ^ key[i % len(key)] for i, b in enumerate(data)).decode()
    except (ValueError, UnicodeDecodeError):
        return None


def _int(value: str) -> int:
    return int(value) if value.isdigit() else 0


def _q(req: SimRequest, *names: str) -> str:
    for name in names:
        if req.query.get(name):
            return req.query[name][0]
    return ""


def _page(title: str, body: str, status: int = 200) -> SimResponse:
    doc = (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(title)}'
        f"</title></head><body>{body}</body></html>"
    )
    return SimResponse(status, _HTML, doc.encode("utf-8"))


def _redirect(location: str) -> SimResponse:
    return SimResponse(302, (("Location", location), *_HTML), b"")


def _e(text: str) -> str:
    return html.escape(text, quote=True)


# ---------------------------------------------------------------- Baidu


def baidu(req: SimRequest, world: World) -> SimResponse:
    """www.baidu.com: /s?wd=, /link?url=<opaque> (302), the 百度安全验证 captcha."""
    if req.path == "/link":
        target = _untoken(_q(req, "url"), "baidu")
        return _redirect(target) if target else _page("百度一下，你就知道", "链接已失效", 404)
    if req.path.startswith("/static/captcha"):
        return _page(
            "百度安全验证",
            (
                '<div class="timeout-title">网络不给力，请稍后重试</div>'
                '<div class="passMod_dialog-body">请完成下方验证后继续操作</div>'
                '<div id="captcha" class="vcode-spin"></div>'
            ),
        )
    if req.path != "/s":
        return _page("百度一下，你就知道", '<form action="/s"><input name="wd"></form>')
    wd = _q(req, "wd", "word")
    if _blocked("baidu"):
        return _redirect(
            "https://wappass.baidu.com/static/captcha/tuxing.html?&logid=1&ak=c27b"
            "&backurl=" + quote(f"https://www.baidu.com/s?wd={wd}")
        )
    page = _int(_q(req, "pn")) // 10
    hits = results(world, "baidu", wd, page)
    nxt = (
        f'<a href="/s?{urlencode({"wd": wd, "pn": 10 * (page + 1)})}" class="n">下一页 &gt;</a>'
        if has_next(world, wd, page)
        else ""
    )
    if not hits:
        return _page(
            f"{wd}_百度搜索",
            (
                f'<div id="content_left"><div class="nors"><p>抱歉没有找到与<span style="font-family:'
                f'宋体">“</span><em>{_e(wd)}</em><span>”</span>相关的网页。</p></div></div>'
            ),
        )
    items = []
    for i, h in enumerate(hits, 1):
        mu = f' mu="{_e(h.url)}"' if i % 2 == 0 else ""  # Baidu gives `mu` on some results only
        link = f"http://www.baidu.com/link?url={_token(h.url, 'baidu')}"
        items.append(
            f'<div class="result c-container xpath-log new-pmd" srcid="1599" id="{i}"'
            f' tpl="se_com_default"{mu} data-click="{{&quot;rsv_bdr&quot;:&quot;0&quot;}}">'
            f'<h3 class="c-title t t tts-title"><a href="{_e(link)}" target="_blank">'
            f'{_e(h.title)}</a></h3><div class="c-abstract">{_e(h.snippet)}</div>'
            f'<div class="c-row"><span class="c-showurl c-color-gray">{_e(h.host)}/</span></div>'
            f"</div>"
        )
    return _page(
        f"{wd}_百度搜索",
        (
            f'<div id="wrapper"><div id="head"><form id="form" action="/s"><input id="kw" name="wd"'
            f' value="{_e(wd)}"></form></div><div id="content_left">{"".join(items)}</div>'
            f'<div id="page"><div class="page-inner_2jZi2"><strong>{page + 1}</strong>{nxt}</div>'
            f"</div></div>"
        ),
    )


# ---------------------------------------------------------------- Bing (cn)


def bing(req: SimRequest, world: World) -> SimResponse:
    """cn.bing.com: /search?q=, /ck/a?...&u=a1<base64url> (302), the challenge page."""
    if req.path == "/ck/a":
        u = _q(req, "u")
        try:
            target = base64.urlsafe_b64decode(u[2:] + "=" * (-len(u[2:]) % 4)).decode()
        except (ValueError, UnicodeDecodeError):
            return _page("Bing", "bad link", 400)
        return _page("Bing", f'<script>var u = "{_e(target)}";location.replace(u);</script>')
    if req.path != "/search":
        return _page("必应", '<form action="/search"><input name="q"></form>')
    q = _q(req, "q")
    if _blocked("bing"):
        return _page(
            "Bing",
            (
                '<div id="b_content"><div class="captcha"><h1>最后一步</h1>'
                "<p>请解决以下难题以继续</p><p>One last step. Please solve the challenge below to "
                'continue</p><div id="turnstile-widget"></div></div></div>'
            ),
        )
    page = max(0, _int(_q(req, "first")) - 1) // 10
    hits = results(world, "bing", q, page)
    nxt = (
        f'<li><a class="sb_pagN sb_pagN_bp b_widePag sb_bp" title="下一页" href="/search?'
        f'{_e(urlencode({"q": q, "first": 10 * (page + 1) + 1, "FORM": "PERE"}))}">下一页</a></li>'
        if has_next(world, q, page)
        else ""
    )
    if not hits:
        return _page(
            f"{q} - 搜索",
            (
                f'<ol id="b_results"><li class="b_no"><h1>没有与此相关的结果: <strong>{_e(q)}</strong>'
                f"</h1></li></ol>"
            ),
        )
    items = []
    for i, h in enumerate(hits):
        href = h.url
        if i % 3 == 1:  # Bing wraps some links in its click tracker
            u = "a1" + base64.urlsafe_b64encode(h.url.encode()).decode().rstrip("=")
            href = "https://cn.bing.com/ck/a?!&&" + urlencode(
                {
                    "p": _rank("bing", h.url)[:40],
                    "ptn": "3",
                    "ver": "2",
                    "hsh": "3",
                    "u": u,
                    "ntb": "1",
                }
            )
        items.append(
            f'<li class="b_algo" data-id><div class="b_tpcn"><div class="tptt">{_e(h.host)}</div>'
            f'</div><h2><a target="_blank" href="{_e(href)}" h="ID=SERP,{5000 + i}.1">'
            f'{_e(h.title)}</a></h2><div class="b_caption"><p class="b_lineclamp2">'
            f'{_e(h.snippet)}</p><div class="b_attribution"><cite>{_e(h.url)}</cite></div>'
            f"</div></li>"
        )
    return _page(
        f"{q} - 搜索",
        (
            f'<header id="b_header"><form action="/search"><input id="sb_form_q" name="q"'
            f' value="{_e(q)}"></form></header><main><ol id="b_results">{"".join(items)}'
            f'<li class="b_pag"><nav><ul class="sb_pageList">{nxt}</ul></nav></li></ol></main>'
        ),
    )


# ---------------------------------------------------------------- Sogou


def sogou(req: SimRequest, world: World) -> SimResponse:
    """www.sogou.com: /web?query=, /link?url=<opaque> (a page that redirects by script),
    /antispider/ (the captcha)."""
    if req.path == "/link":
        target = _untoken(_q(req, "url"), "sogou")
        if not target:
            return _page("搜狗搜索", "链接已失效", 404)
        t = _e(target)
        return SimResponse(
            200,
            _HTML,
            (
                f'<meta content="always" name="referrer"><script>window.location.replace("{t}")'
                f'</script><noscript><META http-equiv="refresh" content="0;URL=\'{t}\'"></noscript>'
            ).encode(),
        )
    if req.path.startswith("/antispider"):
        return _page(
            "搜狗搜索",
            (
                '<div class="content-box"><p class="p1">用户您好，我们的系统检测到您网络中存在异常访问请求。'
                '</p><p class="p2">此验证码用于确认这些请求是您的正常行为而不是自动程序发出的，需要您协助验证。'
                '</p><form name="authform" method="POST" id="seccodeForm" action="/">'
                '<input type="text" name="c" placeholder="请输入图中的验证码"></form></div>'
            ),
        )
    if req.path != "/web":
        return _page("搜狗搜索引擎", '<form action="/web"><input name="query"></form>')
    query = _q(req, "query")
    if _blocked("sogou"):
        return _redirect("http://www.sogou.com/antispider/?from=" + quote(f"/web?query={query}"))
    page = max(0, _int(_q(req, "page")) - 1)
    hits = results(world, "sogou", query, page)
    nxt = (
        f'<a id="sogou_next" href="?{_e(urlencode({"query": query, "page": page + 2, "ie": "utf8"}))}"'
        f' class="np">下一页</a>'
        if has_next(world, query, page)
        else ""
    )
    if not hits:
        return _page(
            f"{query} - 搜狗搜索",
            (
                f'<div class="results"><div id="noresult_part1_container"><p class="no-tit">抱歉，'
                f"没有找到与“<em>{_e(query)}</em>”相关的网页。</p></div></div>"
            ),
        )
    items = []
    for i, h in enumerate(hits):
        link = f"/link?url={_token(h.url, 'sogou')}"
        items.append(
            f'<div class="vrwrap"><h3 class="vr-title"><a id="sogou_vr_30000000_title_{i}"'
            f' target="_blank" href="{_e(link)}">{_e(h.title)}</a></h3>'
            f'<div class="star-wiki">{_e(h.snippet)}</div><div class="citeurl">'
            f"<span>{_e(h.host)}</span></div></div>"
        )
    return _page(
        f"{query} - 搜狗搜索",
        (
            f'<form action="/web" id="searchForm"><input name="query" value="{_e(query)}"></form>'
            f'<div class="results">{"".join(items)}</div><div class="p" id="pagebar_container">'
            f"{nxt}</div>"
        ),
    )


# ---------------------------------------------------------------- 360


def so360(req: SimRequest, world: World) -> SimResponse:
    """www.so.com: /s?q=, /link?m=<opaque>&url=<target> (302), the 访问异常 page."""
    if req.path == "/link":
        target = _q(req, "url")
        return _redirect(target) if target.startswith("http") else _page("360搜索", "bad", 400)
    if req.path != "/s":
        return _page("360搜索，SO靠谱", '<form action="/s"><input name="q"></form>')
    q = _q(req, "q")
    if _blocked("so360"):
        return _page(
            "360搜索_访问异常出错",
            (
                '<div class="mod-antispam"><h2>访问异常</h2><p>系统检测到您的访问存在异常，'
                '请输入验证码以便正常访问。</p><img src="/captcha/create?t=1"><input name="captcha">'
                "</div>"
            ),
        )
    page = max(0, _int(_q(req, "pn")) - 1)
    hits = results(world, "so360", q, page)
    nxt = (
        f'<a id="snext" href="/s?{_e(urlencode({"q": q, "pn": page + 2}))}">下一页&gt;</a>'
        if has_next(world, q, page)
        else ""
    )
    if not hits:
        return _page(
            f"{q} - 360搜索",
            (
                f'<div id="main"><div id="no-result"><p>抱歉，未找到和“<em>{_e(q)}</em>”相关的网页。'
                f"</p></div></div>"
            ),
        )
    items = []
    for i, h in enumerate(hits):
        m = _token(h.url, "so360")[:24]
        link = "https://www.so.com/link?" + urlencode({"m": m, "url": h.url})
        mdurl = f' data-mdurl="{_e(h.url)}"' if i % 2 else ""
        items.append(
            f'<li class="res-list" data-lazyload="1"><h3 class="res-title"><a href="{_e(link)}"'
            f'{mdurl} data-res=\'{{"pos":{i + 1}}}\' target="_blank">{_e(h.title)}</a></h3>'
            f'<p class="res-desc">{_e(h.snippet)}</p><p class="g-linkinfo"><cite>{_e(h.host)}'
            f"</cite></p></li>"
        )
    return _page(
        f"{q} - 360搜索",
        (
            f'<form action="/s" id="bd_search"><input name="q" value="{_e(q)}"></form>'
            f'<div id="main"><ul class="result">{"".join(items)}</ul><div id="page">{nxt}</div>'
            f"</div>"
        ),
    )
