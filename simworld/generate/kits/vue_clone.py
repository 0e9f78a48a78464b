"""Kit: a full clone of today's Vue platform, made by saving the genuine site.

Version a (tuning split) mirrors it path for path; version b (held-out) is a rebuilt bundle:
hashed asset paths, a floating customer-service bubble, the API answered by a PHP shim. Both
keep the genuine CSS, script and images byte for byte, as cloners do, and answer every query
with the gang's made-up holder.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re

from simworld.generate import resources
from simworld.generate.kits.common import (
    KitSite,
    KitSpec,
    contact_line,
    desc_tables,
    forge_footer,
    tracking,
)
from simworld.generate.sitekit import CSS, JS, JSON, PNG, lazy, page, route
from simworld.world import Route

PAGES = (
    ("/", "index.html"),
    ("/index.html", "index.html"),
    ("/special?index=0", "special.html"),
    ("/special", "special.html"),
    ("/safety?index=1", "safety.html"),
    ("/safety", "safety.html"),
    ("/result", "result.html"),
)
ASSETS = (
    ("css/app.css", CSS),
    ("js/query.js", JS),
    ("img/logo.png", PNG),
    ("img/emblem.png", PNG),
    ("img/conac.png", PNG),
    ("img/gongan.png", PNG),
    ("favicon.ico", "image/x-icon"),
)
_RESULT = re.compile(r'<div id="result">.*?</div>\n', re.S)


def _digest(spec: KitSpec, what: str) -> str:
    return hashlib.sha256(f"{spec.seed}|{what}".encode()).hexdigest()[:8]


def asset_path(spec: KitSpec, rel: str) -> str:
    if spec.version == "a":
        return "/" + rel
    stem, _, ext = rel.rpartition(".")
    if rel.startswith("img/") or rel == "favicon.ico":
        return f"/static/{stem}.{_digest(spec, rel)}.{ext}"
    return f"/static/{stem.replace('query', 'chunk-query')}.{_digest(spec, rel)}.{ext}"


def html(spec: KitSpec, name: str) -> str:
    text = resources.genuine_file(name).decode("utf-8")
    text = forge_footer(text, spec.marks)
    if spec.version == "b":  # the rebuilt bundle names its own address as the genuine one
        text = text.replace("cx.mem.gov.cn", spec.host)
    if name == "result.html":
        text = _RESULT.sub(lambda _: f'<div id="result">{desc_tables(spec.holder)}</div>\n', text)
    text = text.replace("</head>", tracking(spec.gang, cnzz=spec.version == "b") + "</head>", 1)
    if spec.version == "b":
        for rel, _ in ASSETS:
            text = text.replace(f'"/{rel}"', f'"{asset_path(spec, rel)}"')
        bubble = (
            f'<div class="kf" style="position:fixed;right:12px;bottom:90px;background:#409eff;'
            f'color:#fff;padding:10px;border-radius:6px">在线客服<br>{contact_line(spec.gang, 3)}</div>'
        )
        text = text.replace("</body>", bubble + "\n</body>", 1)
    return text


def api_code(spec: KitSpec) -> str:
    img = base64.b64encode(resources.captcha(_digest(spec, "code")[:4].upper(), spec.gang.style))
    return json.dumps(
        {
            "msg": "操作成功",
            "img": img.decode(),
            "code": 200,
            "captchaEnabled": True,
            "uuid": _digest(spec, "uuid") * 4,
        }
    )


def api_query(spec: KitSpec) -> str:
    return json.dumps(
        {"msg": "查询成功", "code": 200, "data": [spec.holder.as_json()]}, ensure_ascii=False
    )


def decoy(spec: KitSpec) -> str:
    """What a cloaked clone shows anyone but a WeChat user: a bland 'under maintenance' page."""
    return page(
        "系统维护中",
        '<div style="text-align:center;margin-top:120px;color:#666">'
        "<h2>系统升级维护中</h2><p>给您带来不便，敬请谅解。</p></div>",
    )


def build(spec: KitSpec) -> KitSite:
    ua = "MicroMessenger" if spec.cloaked else ""
    routes: list[Route] = [
        route(path, lazy(html, spec, name), ua_contains=ua) for path, name in PAGES
    ]
    if spec.cloaked:
        routes += [route(path, lazy(decoy, spec)) for path, _ in PAGES]
    api = "/prod-api/certsearch" if spec.version == "a" else "/api/certsearch"
    routes += [
        route(f"{api}/code", lazy(api_code, spec), ctype=JSON),
        route(f"{api}/certInfo/netQuery", lazy(api_query, spec), ctype=JSON),
    ]
    if spec.version == "b":  # the rebuilt bundle keeps the genuine script's API paths working
        routes += [
            route("/prod-api/certsearch/code", lazy(api_code, spec), ctype=JSON),
            route("/prod-api/certsearch/certInfo/netQuery", lazy(api_query, spec), ctype=JSON),
        ]
    for rel, ctype in ASSETS:
        routes.append(route(asset_path(spec, rel), lazy(resources.genuine_file, rel), ctype=ctype))
    variants = ("clone",) + (("cloaked",) if spec.cloaked else ())
    return KitSite(tuple(routes), "/", variants=variants)
