"""Kit: re-laid-out copies that claim the ministry's identity with their own design, own query
form and own result page. Version a (tuning): a red portal with a side menu; version b
(held-out): a blue 'service hall' with tabs and other field wording."""

from __future__ import annotations

from simworld.generate import resources
from simworld.generate.kits.common import KitSite, KitSpec, Marks, contact_line, tracking
from simworld.generate.sitekit import PNG, esc, lazy, page, route

COLORS = ("#a3191c", "#b8322a", "#8e1b1b", "#c0392b")


def _foot(m: Marks, claim: str) -> str:
    bits = [f"主办单位：{claim}"] + [
        x
        for x in (
            m.icp,
            f"公网安备{m.gongan}号" if m.gongan else "",
            f"网站标识码：{m.bm}" if m.bm else "",
        )
        if x
    ]
    badge = '<img src="/img/dzjg.png" alt="党政机关">' if m.mode != "none" else ""
    return f'<div class="foot">{badge}<p>{"　".join(esc(b) for b in bits)}</p></div>'


def _red(spec: KitSpec, inner: str, charset: str) -> str:
    color = COLORS[spec.gang.style]
    body = f"""<div class="topbar" style="background:{color}"><img src="/img/gh.png" alt="">
<div><div class="t1">应急管理部</div><div class="t2">特种作业操作证查询系统</div></div></div>
<div class="strip">证书信息与国家数据库同步更新，请以本系统查询结果为准</div>
<div class="wrap"><div class="side"><h3>证书查询</h3><a href="/">特种作业操作证查询</a><a href="/?t=aq">安全生产合格证查询</a>
<a href="/guide.html">办事指南</a></div><div class="content">{inner}</div></div>
{_foot(spec.marks, "应急管理部")}<p class="kf">{contact_line(spec.gang, spec.gang.style + 1)}</p>{tracking(spec.gang)}"""
    css = (
        "<style>body{margin:0;background:#f7f2ea;font-family:'Microsoft YaHei'}.topbar{display:flex;gap:14px;"
        "color:#fff;padding:14px 10%}.topbar img{width:64px}.t1{font-size:28px;font-weight:bold}.strip{background"
        ":#f4d27a;text-align:center;padding:8px}.wrap{display:flex;gap:20px;margin:20px 10%}.side{width:240px;"
        "background:#fff}.side a{display:block;padding:10px 16px}.content{flex:1;background:#fff;padding:24px}"
        ".foot{text-align:center;font-size:13px;color:#666}</style>\n"
    )
    return page("特种作业操作证查询 - 应急管理部", body, head=css, charset=charset)


def _blue(spec: KitSpec, inner: str, charset: str) -> str:
    body = f"""<header class="hall"><img src="/static/gh.png" alt=""><span>全国安全生产证书查询服务大厅</span></header>
<div class="tabs"><a class="on" href="/">特种作业操作证</a><a href="/?type=2">安全生产知识和管理能力考核合格证</a></div>
<section class="panel">{inner}</section>
<aside class="tips">温馨提示：证书真伪以本系统数据为准；如查询不到，请联系{contact_line(spec.gang, spec.gang.style)}</aside>
{_foot(spec.marks, "应急管理部宣传教育中心")}{tracking(spec.gang, cnzz=True)}"""
    css = (
        "<style>body{margin:0;background:#eef4fb}.hall{background:linear-gradient(#1d63c8,#0f4aa0);color:#fff;"
        "font-size:26px;padding:18px 8%}.hall img{height:54px;vertical-align:middle;margin-right:12px}.tabs a{"
        "display:inline-block;padding:12px 30px;background:#dfe9f7}.tabs a.on{background:#fff;color:#0f4aa0}"
        ".panel{background:#fff;margin:0 8%;padding:30px}.tips{margin:16px 8%;color:#9a6a00}</style>\n"
    )
    return page("证书查询服务大厅", body, head=css, charset=charset)


def _form(spec: KitSpec) -> str:
    if spec.version == "a":
        return (
            '<h2>特种作业操作证查询</h2><form action="/query.php" method="get"><p><label>证件类型：</label>'
            '<select name="zjlx"><option value="01">身份证</option></select></p><p><label>证件号码：</label>'
            '<input name="zjhm" placeholder="请输入证件号码"></p><p><label>姓名：</label><input name="xm" '
            'placeholder="请输入姓名"></p><p><label>验证码：</label><input name="yzm" placeholder="请输入验证码">'
            '<img src="/img/code.png"></p><button type="submit">查询</button></form>'
        )
    return (
        '<form action="/search/result.html" method="get" class="q"><div class="f"><span>身份证号</span><input '
        'name="sfz" placeholder="请填写18位身份证号"></div><div class="f"><span>持证人姓名</span><input name="name">'
        '</div><div class="f"><span>图形验证码</span><input name="captcha"><img src="/static/captcha.png"></div>'
        '<button class="go">立即查询</button></form>'
    )


def _result(spec: KitSpec) -> str:
    h = spec.holder
    rows = "".join(
        f"<tr><th>{k}</th><td>{esc(v)}</td></tr>" for k, v in (("证号", h.cert_no), *h.fields())
    )
    return (
        f'<h2>查询结果</h2><p>证书状态：<b style="color:#16813a">有效</b></p><table class="res">{rows}</table>'
        '<p><a href="/">返回继续查询</a></p>'
    )


def _guide(spec: KitSpec) -> str:
    return (
        "<h2>办事指南</h2><p>特种作业操作证由应急管理部统一式样，全国通用，有效期6年，每3年复审一次。</p>"
        "<p>输入证件号码和姓名即可查询；证号为“T+身份证号码”。</p>"
    )


def _render(spec: KitSpec, what: str, charset: str) -> str:
    inner = {"form": _form, "result": _result, "guide": _guide}[what](spec)
    return (_red if spec.version == "a" else _blue)(spec, inner, charset)


def build(spec: KitSpec) -> KitSite:
    enc = spec.encoding
    charset = "utf-8" if enc == "utf-8" else enc
    result_path = "/query.php" if spec.version == "a" else "/search/result.html"
    img = "/img" if spec.version == "a" else "/static"
    routes = (
        route("/", lazy(_render, spec, "form", charset), encoding=enc),
        route("/index.html", lazy(_render, spec, "form", charset), encoding=enc),
        route(result_path, lazy(_render, spec, "result", charset), encoding=enc),
        route("/guide.html", lazy(_render, spec, "guide", charset), encoding=enc),
        route(f"{img}/gh.png", resources.emblem, ctype=PNG),
        route("/img/dzjg.png", resources.conac_badge, ctype=PNG),
        route(f"{img}/code.png", lazy(resources.captcha, spec.token(4).upper(), 1), ctype=PNG),
        route(f"{img}/captcha.png", lazy(resources.captcha, spec.token(4).upper(), 3), ctype=PNG),
    )
    return KitSite(routes, "/", variants=("relayout",) + (("gbk",) if enc != "utf-8" else ()))
