"""Kit: result-page-only copies, reached from the QR code printed on a fake card.

The site has no home page (a bare nginx 404); only the result URL answers, showing the holder
as valid. Version a (tuning) reuses the genuine result page's markup and stylesheet; version b
(held-out) is a re-drawn 'verification certificate' page with its own markup."""

from __future__ import annotations

import re
from urllib.parse import quote

from simworld.generate import resources
from simworld.generate.kits.common import KitSite, KitSpec, desc_tables, forge_footer, tracking
from simworld.generate.sitekit import CSS, PNG, const, esc, lazy, page, route
from simworld.world import Route, not_found

_RESULT = re.compile(r'<div id="result">.*?</div>\n', re.S)


def _copied(spec: KitSpec) -> str:
    text = resources.genuine_file("result.html").decode("utf-8")
    text = forge_footer(text, spec.marks)
    text = _RESULT.sub(lambda _: f'<div id="result">{desc_tables(spec.holder)}</div>\n', text)
    return text.replace("</head>", tracking(spec.gang) + "</head>", 1)


def _redrawn(spec: KitSpec) -> str:
    h = spec.holder
    items = "".join(
        f'<div class="kv"><span class="k">{k}</span><span class="v">{esc(v)}</span></div>'
        for k, v in (("证书编号", h.cert_no), *h.fields())
        if v
    )
    body = f"""<div class="hd"><img src="/assets/gh.png" alt=""><div><p class="t1">特种作业操作证</p>
<p class="t2">证书信息查验</p></div></div>
<div class="ok">✔ 经核验，该证书真实有效</div><div class="card">{items}</div>
<p class="src">数据来源：全国特种作业操作证信息查询平台　发证机关：{esc(h.authority)}</p>
<p class="src">如对证书信息有疑问，请联系发证机关核实。</p>{tracking(spec.gang)}"""
    css = (
        "<style>body{margin:0;background:#eef3f9;font-family:sans-serif}.hd{display:flex;gap:12px;"
        "align-items:center;background:#1e5fb4;color:#fff;padding:14px}.hd img{height:48px}.t1{font-size:"
        "20px;margin:0}.t2{margin:0;opacity:.85}.ok{margin:14px;padding:12px;background:#e6f6ea;color:"
        "#16813a;font-weight:bold;border-radius:6px}.card{background:#fff;margin:0 14px;border-radius:6px}"
        ".kv{display:flex;justify-content:space-between;padding:11px 14px;border-bottom:1px solid #eee}"
        ".k{color:#888}.src{font-size:12px;color:#888;margin:10px 14px}</style>\n"
    )
    return page("证书查验结果", body, head=css)


def entry(spec: KitSpec) -> str:
    h = spec.holder
    if spec.version == "a":
        return f"/result?idcardTypeCode=01&idcardNum={h.idcard}&name={quote(h.name)}"
    return f"/zs/verify.html?no={h.cert_no}&t={spec.token(6)}"


def build(spec: KitSpec) -> KitSite:
    nginx = const(not_found().body)
    if spec.version == "a":
        routes: tuple[Route, ...] = (
            route("/result", lazy(_copied, spec)),
            route("/css/app.css", lazy(resources.genuine_file, "css/app.css"), ctype=CSS),
            route("/img/logo.png", lazy(resources.genuine_file, "img/logo.png"), ctype=PNG),
            route("/img/conac.png", resources.conac_badge, ctype=PNG),
            route("/img/gongan.png", resources.gongan_icon, ctype=PNG),
            route("/", nginx, status=404),
        )
    else:
        routes = (
            route("/zs/verify.html", lazy(_redrawn, spec)),
            route("/assets/gh.png", resources.emblem, ctype=PNG),
            route("/", nginx, status=404),
        )
    return KitSite(routes, entry(spec), open_as="qr", variants=("result-only", "qr"))
