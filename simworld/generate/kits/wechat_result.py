"""Kit: phone-formatted result pages for WeChat, often cloaked (only a WeChat user agent sees
the result; anyone else gets 'open it in WeChat'). Version a (tuning) uses WeUI-style markup,
version b (held-out) Vant-style markup and another URL scheme."""

from __future__ import annotations

from simworld.generate.kits.common import KitSite, KitSpec, tracking
from simworld.generate.sitekit import esc, lazy, page, route
from simworld.world import Route

WECHAT_ONLY = (
    '<div style="padding-top:120px;text-align:center;color:#888"><i style="display:inline-'
    'block;width:60px;height:60px;border-radius:50%;background:#c9c9c9"></i><h4 style="color:'
    '#353535;font-weight:400">请在微信客户端打开链接</h4></div>'
)


def _weui(spec: KitSpec) -> str:
    h = spec.holder
    cells = "".join(
        f'<div class="weui-cell"><div class="weui-cell__bd"><p>{k}</p></div>'
        f'<div class="weui-cell__ft">{esc(v)}</div></div>'
        for k, v in (("证号", h.cert_no), *h.fields())
        if v
    )
    body = f"""<div class="page"><div class="weui-msg"><div class="weui-msg__icon-area"><i class="weui-icon-success weui-icon_msg"></i></div>
<div class="weui-msg__text-area"><h2 class="weui-msg__title">证书信息查询成功</h2><p class="weui-msg__desc">国家安全生产考试 · 特种作业操作证</p></div></div>
<div class="weui-cells">{cells}</div><div class="weui-footer"><p class="weui-footer__text">本查询结果与国家平台数据一致</p></div></div>{tracking(spec.gang)}"""
    css = (
        "<style>body{margin:0;background:#ededed;font-family:-apple-system,'PingFang SC',sans-serif}"
        ".weui-msg{text-align:center;padding:28px 16px;background:#fff}.weui-icon-success{display:inline-"
        "block;width:64px;height:64px;border-radius:50%;background:#07c160}.weui-cells{background:#fff;"
        "margin-top:8px}.weui-cell{display:flex;padding:14px 16px;border-bottom:1px solid #eee}"
        ".weui-cell__bd{flex:1;color:#888}.weui-footer{text-align:center;color:#999;font-size:13px;"
        "padding:16px}</style>\n"
    )
    return page("证书查询结果", body, head=css)


def _vant(spec: KitSpec) -> str:
    h = spec.holder
    cells = "".join(
        f'<div class="van-cell"><div class="van-cell__title"><span>{k}</span></div>'
        f'<div class="van-cell__value"><span>{esc(v)}</span></div></div>'
        for k, v in (*h.fields(), ("证书编号", h.cert_no))
        if v
    )
    body = f"""<div id="app"><div class="van-nav-bar"><div class="van-nav-bar__title">证书详情</div></div>
<div class="stamp">有效</div><div class="van-cell-group van-cell-group--inset">{cells}</div>
<p class="note">扫码查验 · 应急管理部门监制 · 全国通用</p></div>{tracking(spec.gang)}"""
    css = (
        "<style>body{margin:0;background:#f7f8fa;font-size:14px}.van-nav-bar{height:46px;line-height:46px;"
        "text-align:center;background:#1989fa;color:#fff}.stamp{float:right;margin:10px 20px;border:3px solid"
        " #ee0a24;color:#ee0a24;transform:rotate(-12deg);padding:4px 10px;font-weight:bold}.van-cell-group--"
        "inset{margin:16px;border-radius:8px;background:#fff;overflow:hidden}.van-cell{display:flex;padding:"
        "10px 16px}.van-cell__title{flex:1;color:#646566}.note{text-align:center;color:#969799}</style>\n"
    )
    return page("电子证书", body, head=css)


def entry(spec: KitSpec) -> str:
    if spec.version == "a":
        return f"/m/cert?id={spec.token(10)}"
    return f"/wx/detail?code={spec.holder.cert_no[-8:]}{spec.token(4)}"


def build(spec: KitSpec) -> KitSite:
    path = entry(spec).split("?")[0]
    render = lazy(_weui if spec.version == "a" else _vant, spec)
    if spec.cloaked:
        routes: tuple[Route, ...] = (
            route(path, render, ua_contains="MicroMessenger"),
            route(path, lazy(page, "", WECHAT_ONLY)),
            route("/", lazy(page, "", WECHAT_ONLY)),
        )
    else:
        routes = (
            route(path, render),
            route("/", lazy(page, "提示", "<p>页面不存在</p>"), status=404),
        )
    variants = ("result-only", "mobile", "qr") + (("cloaked",) if spec.cloaked else ())
    return KitSite(routes, entry(spec), open_as="qr", variants=variants)
