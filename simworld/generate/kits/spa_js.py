"""Kit: JS-rendered clones. The HTML is an empty shell; a script writes the title, the query
form, the footer marks and the result. Version a (tuning) builds the DOM from string literals;
version b (held-out) decodes a base64 page description first (what obfuscating kits do)."""

from __future__ import annotations

import base64
import hashlib
import json

from simworld.generate import resources
from simworld.generate.kits.common import TITLE, KitSite, KitSpec, tracking
from simworld.generate.sitekit import JS, JSON, PNG, lazy, page, route


def _h(spec: KitSpec) -> str:
    return hashlib.sha256(spec.seed.encode()).hexdigest()[:8]


def _script_path(spec: KitSpec) -> str:
    return (
        f"/static/js/main.{_h(spec)}.js" if spec.version == "a" else f"/assets/index-{_h(spec)}.js"
    )


def _marks_text(spec: KitSpec) -> str:
    m = spec.marks
    return "　".join(
        x for x in ("主办单位：应急管理部", m.icp, f"网站标识码：{m.bm}" if m.bm else "") if x
    )


def shell(spec: KitSpec) -> str:
    if spec.version == "a":
        return page(
            "",
            f'<div id="root"></div>\n<script src="{_script_path(spec)}"></script>\n{tracking(spec.gang)}',
        )
    cfg = {
        "title": TITLE,
        "marks": _marks_text(spec),
        "fields": ["请选择证件类型", "请输入证件号码", "请输入姓名", "请输入验证码"],
        "h": spec.holder.as_json(),
    }
    blob = base64.b64encode(json.dumps(cfg, ensure_ascii=False).encode()).decode()
    return page(
        "加载中…",
        f'<div id="app"></div>\n<script>window.__CFG__="{blob}";</script>\n'
        f'<script type="module" src="{_script_path(spec)}"></script>\n{tracking(spec.gang)}',
    )


def script(spec: KitSpec) -> str:
    h = json.dumps(spec.holder.as_json(), ensure_ascii=False)
    if spec.version == "a":
        return f"""(function(){{document.title={json.dumps(TITLE, ensure_ascii=False)};
var r=document.getElementById('root');var H={h};
r.innerHTML='<div class="hd"><img src="/static/img/logo.png"><h1>'+document.title+'</h1></div>'+
'<div class="frm"><h2>特种作业操作证查询</h2><select id="t"><option value="">请选择证件类型</option><option value="01">身份证</option></select>'+
'<input id="n" placeholder="请输入证件号码"><input id="m" placeholder="请输入姓名"><input id="c" placeholder="请输入验证码">'+
'<img src="/static/img/code.png"><button id="b">查询</button></div><div id="res"></div>'+
'<div class="ft">{_marks_text(spec)}</div>';
document.getElementById('b').onclick=function(){{fetch('/api/query').then(function(x){{return x.json()}}).then(function(d){{
var s='<table>';for(var k in d.data){{s+='<tr><th>'+k+'</th><td>'+d.data[k]+'</td></tr>'}}document.getElementById('res').innerHTML=s+'</table>';}});}};
}})();"""
    return """const c=JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(window.__CFG__),x=>x.charCodeAt(0))));
document.title=c.title;const f=c.fields.map((p,i)=>i?`<input placeholder="${p}">`:`<select><option>${p}</option><option>身份证</option></select>`).join('');
document.getElementById('app').innerHTML=`<header><h1>${c.title}</h1></header><main><section class="q">${f}<img src="/assets/code.png"><button>查询</button></section>
<section class="r"><h3>最近查询</h3><p>${c.h.name} · ${c.h.operItem} · 有效期至 ${c.h.validEnd}</p></section></main><footer>${c.marks}</footer>`;"""


def api(spec: KitSpec) -> str:
    return json.dumps({"code": 200, "data": spec.holder.as_json()}, ensure_ascii=False)


def build(spec: KitSpec) -> KitSite:
    img = "/static/img" if spec.version == "a" else "/assets"
    routes = (
        route("/", lazy(shell, spec)),
        route("/index.html", lazy(shell, spec)),
        route(_script_path(spec), lazy(script, spec), ctype=JS),
        route("/api/query", lazy(api, spec), ctype=JSON),
        route(f"{img}/logo.png", lazy(resources.genuine_file, "img/logo.png"), ctype=PNG),
        route(f"{img}/code.png", lazy(resources.captcha, spec.token(4).upper(), 0), ctype=PNG),
    )
    return KitSite(routes, "/", variants=("js",))
