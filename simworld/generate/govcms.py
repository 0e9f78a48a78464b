"""Government CMS page templates: the shared footer marks and four layouts.

Real portals are built on a handful of commercial CMS products, so thousands of unrelated
government sites share structure, the CONAC badge script, the 找错 widget, the 公安备案 icon and
often the emblem. Layouts `column` and `table` serve the tuning split, `portal` and `flex` the
held-out one: a rule fitted to one split's markup meets other markup in the other.
"""

from __future__ import annotations

from dataclasses import dataclass

from simworld.generate.sitekit import esc, page

JIUCUO = "https://zfwzgl.www.gov.cn/exposure/jiucuo.js"
LAYOUTS = {"tune": ("column", "table"), "heldout": ("portal", "flex")}


@dataclass(frozen=True)
class GovSpec:
    """One government site's identity, marks and content."""

    host: str
    name: str  # 网站名称
    org: str  # 主办单位
    undertaker: str  # 承办单位
    code: str  # 政府网站标识码
    icp: str
    gongan: str
    gongan_prefix: str  # 京 / 浙 … (公网安备 prefix)
    bszs_id: str
    conac_js: str  # path under dcs.conac.cn
    layout: str
    color: str
    news: tuple[tuple[str, str], ...]  # (title, date)
    links: tuple[tuple[str, str], ...]  # (text, url): services, often to other platforms
    intro: str
    analytics: str = ""  # Baidu Tongji id, or ""
    emblem: bool = True
    jquery: str = "https://cdn.bootcdn.net/ajax/libs/jquery/1.12.4/jquery.min.js"


def marks_line(g: GovSpec) -> str:
    return (
        f'<a href="https://beian.miit.gov.cn/" target="_blank">{esc(g.icp)}</a>'
        f'<a href="https://beian.mps.gov.cn/#/query/webSearch?code={g.gongan}" target="_blank">'
        f'<img src="/images/ga.png" alt="">{esc(g.gongan_prefix)}公网安备 {g.gongan}号</a>'
        f"<span>网站标识码：{g.code}</span>"
    )


def conac_script(g: GovSpec) -> str:
    return (
        '<script type="text/javascript">document.write(unescape("%3Cspan id=\'_ideConac\' %3E'
        f"%3C/span%3E%3Cscript src='https://dcs.conac.cn/js/{g.conac_js}' "
        "type='text/javascript'%3E%3C/script%3E\"));</script>"
    )


def conac_link(g: GovSpec, src: str = "//dcs.conac.cn/image/red.png") -> str:
    return (
        f'<span id="_ideConac"><a href="//bszs.conac.cn/sitename?method=show&amp;id={g.bszs_id}"'
        f' target="_blank"><img id="imgConac" vspace="0" hspace="0" border="0" src="{src}">'
        "</a></span>"
    )


def tail(g: GovSpec) -> str:
    out = f'<script id="_jiucuo_" sitecode="{g.code}" src="{JIUCUO}"></script>\n'
    if g.analytics:
        out += (
            f'<script>var _hmt=_hmt||[];(function(){{var hm=document.createElement("script");'
            f'hm.src="https://hm.baidu.com/hm.js?{g.analytics}";var s=document.getElementsBy'
            f'TagName("script")[0];s.parentNode.insertBefore(hm,s);}})();</script>\n'
        )
    return out


def _news(g: GovSpec, tag: str = "li") -> str:
    return "".join(
        f'<{tag}><a href="/art/{d.replace("-", "/")}/art_{i + 1}.html">{esc(t)}</a>'
        f"<span>{d}</span></{tag}>"
        for i, (t, d) in enumerate(g.news)
    )


def _links(g: GovSpec) -> str:
    return "".join(f'<a href="{esc(u)}" target="_blank">{esc(t)}</a>' for t, u in g.links)


def head(g: GovSpec) -> str:
    return (
        f'<meta name="SiteName" content="{esc(g.name)}">\n<meta name="SiteDomain" '
        f'content="{g.host}">\n<meta name="SiteIDCode" content="{g.code}">\n'
        f'<script src="{g.jquery}"></script>\n'
    )


def column(g: GovSpec) -> str:
    emblem = '<img class="gh" src="/images/gh.png" alt="">' if g.emblem else ""
    body = f"""<div class="top"><div class="w1200">{emblem}<h1>{esc(g.name)}</h1></div></div>
<div class="nav"><a href="/">首页</a><a href="/xxgk/">政务公开</a><a href="/zwfw/">政务服务</a><a href="/hdjl/">互动交流</a></div>
<div class="w1200 main"><div class="col-l"><h3>工作动态</h3><ul class="list">{_news(g)}</ul></div>
<div class="col-r"><h3>办事服务</h3><div class="svc">{_links(g)}</div><p class="intro">{esc(g.intro)}</p></div></div>
<div class="footer"><div class="w1200"><p>主办单位：{esc(g.org)}　承办单位：{esc(g.undertaker)}</p>
<p>{marks_line(g)}</p><div class="dzjg">{conac_script(g)}</div></div></div>
{tail(g)}"""
    css = (
        f"<style>body{{margin:0;font:14px/1.8 'Microsoft YaHei',sans-serif}}.top{{background:{g.color};"
        "color:#fff;padding:18px 0}.w1200{width:1200px;margin:0 auto}.gh{height:56px;"
        "vertical-align:middle}.top h1{display:inline;font-size:30px;margin-left:12px}.nav{"
        "background:#f3f3f3}.nav a{display:inline-block;padding:10px 24px}.col-l{float:left;"
        "width:760px}.col-r{float:right;width:400px}.footer{clear:both;background:#eee;padding:"
        "14px 0;text-align:center;font-size:12px}.footer a{margin:0 8px}</style>\n"
    )
    return page(g.name, body, head=head(g) + css)


def table(g: GovSpec) -> str:
    rows = "".join(
        f'<tr><td>·<a href="/art/{d.replace("-", "/")}/art_{i + 1}.html">{esc(t)}</a></td>'
        f'<td align="right">{d}</td></tr>'
        for i, (t, d) in enumerate(g.news)
    )
    emblem = '<td width="80"><img src="/images/gh.png" width="64"></td>' if g.emblem else ""
    body = f"""<table width="1000" align="center" cellpadding="0" cellspacing="0" bgcolor="{g.color}">
<tr>{emblem}<td><font color="#ffffff" size="6"><b>{esc(g.name)}</b></font></td></tr></table>
<table width="1000" align="center"><tr><td valign="top" width="640"><table width="100%" class="news">
<tr><th align="left">通知公告</th><th></th></tr>{rows}</table></td>
<td valign="top"><table width="100%"><tr><th>便民服务</th></tr><tr><td>{_links(g)}</td></tr>
<tr><td>{esc(g.intro)}</td></tr></table></td></tr></table>
<table width="1000" align="center" class="foot"><tr><td align="center">版权所有：{esc(g.org)}
　{marks_line(g)}</td></tr><tr><td align="center">{conac_link(g)}</td></tr></table>
{tail(g)}"""
    return page(g.name, body, head=head(g), viewport=False)


def portal(g: GovSpec) -> str:
    emblem = '<img src="/static/img/guohui.png" class="emblem">' if g.emblem else ""
    cards = "".join(f'<div class="card"><a href="{esc(u)}">{esc(t)}</a></div>' for t, u in g.links)
    items = "".join(
        f'<div class="item"><span class="date">{d}</span><a href="/art/{d.replace("-", "/")}'
        f'/art_{i + 1}.html">{esc(t)}</a></div>'
        for i, (t, d) in enumerate(g.news)
    )
    body = f"""<header class="gov-header" style="background:{g.color}">{emblem}<div class="title">{esc(g.name)}</div>
<nav><a href="/">首页</a><a href="/zwgk/">政务公开</a><a href="/bsfw/">办事服务</a><a href="/gzcy/">公众参与</a></nav></header>
<main><section class="services"><h2>热点服务</h2><div class="cards">{cards}</div></section>
<section class="news"><h2>要闻动态</h2>{items}</section><section class="about">{esc(g.intro)}</section></main>
<footer class="gov-footer"><div class="badge">{conac_link(g, "/static/img/dzjg.png")}</div>
<div class="lines"><p>主办：{esc(g.org)}</p><p>承办：{esc(g.undertaker)}</p><p>{marks_line(g)}</p></div></footer>
{tail(g)}"""
    css = (
        "<style>body{margin:0;font-family:'PingFang SC','Microsoft YaHei'}.gov-header{color:#fff;"
        "padding:20px 8%}.emblem{height:60px}.title{font-size:28px;display:inline-block;margin-left"
        ":14px}nav a{color:#fff;margin-right:22px}.cards{display:grid;grid-template-columns:repeat"
        "(4,1fr);gap:12px}.card{border:1px solid #ddd;padding:18px;text-align:center}main{padding:"
        "0 8%}.gov-footer{display:flex;gap:24px;background:#2b2b2b;color:#bbb;padding:20px 8%}"
        ".gov-footer a{color:#bbb;margin-right:10px}</style>\n"
    )
    return page(g.name, body, head=head(g) + css)


def flex(g: GovSpec) -> str:
    emblem = '<img src="/images/gh.png" alt="国徽" class="logo-gh">' if g.emblem else ""
    items = "".join(
        f'<li><a href="/art/{d.replace("-", "/")}/art_{i + 1}.html" title="{esc(t)}">'
        f"{esc(t)}</a><em>{d[5:]}</em></li>"
        for i, (t, d) in enumerate(g.news)
    )
    body = f"""<div id="page"><div class="banner" style="border-bottom:4px solid {g.color}">{emblem}
<span class="sitename">{esc(g.name)}</span><form class="search" action="/search"><input name="q" placeholder="请输入关键词"><button>搜索</button></form></div>
<div class="content"><div class="focus"><h4>政务要闻</h4><ul>{items}</ul></div>
<div class="quick"><h4>快速通道</h4>{_links(g)}</div><div class="desc">{esc(g.intro)}</div></div>
<div id="foot"><p>主办：{esc(g.org)} 承办：{esc(g.undertaker)}</p><p>{marks_line(g)}</p>
<div class="lpic">{conac_script(g)}</div></div></div>
{tail(g)}"""
    return page(g.name, body, head=head(g))


def article(g: GovSpec, index: int) -> str:
    title, date = g.news[index % len(g.news)]
    body = (
        f'<div class="top"><h1>{esc(g.name)}</h1></div><div class="art"><h2>{esc(title)}</h2>'
        f'<p class="info">发布时间：{date}　来源：{esc(g.org)}</p><div class="text"><p>{esc(g.intro)}'
        f"</p><p>{esc(title)}。详情请咨询{esc(g.undertaker)}。</p></div></div>"
        f'<div class="footer"><p>{marks_line(g)}</p></div>{tail(g)}'
    )
    return page(f"{title}_{g.name}", body, head=head(g))


RENDER = {"column": column, "table": table, "portal": portal, "flex": flex}


def render(g: GovSpec) -> str:
    return RENDER[g.layout](g)
