"""Kit: a copy of the old JSP platform (before ~2021: `/cms/html/certQuery/certQuery.do`),
usually served in GBK. Version a (tuning) is the table layout; version b (held-out) the
later DIV layout with a scrolling notice and other field names."""

from __future__ import annotations

from simworld.generate import resources
from simworld.generate.kits.common import KitSite, KitSpec, Marks, contact_line, tracking
from simworld.generate.sitekit import PNG, esc, lazy, page, route

BASE = "/cms/html/certQuery/certQuery.do"
INDEX = f"{BASE}?method=getCertQueryIndex"


def _marks(m: Marks, owner: str = "应急管理部") -> str:
    parts = [f"版权所有：{owner}"]
    if m.icp:
        parts.append(f'<a href="http://www.beian.miit.gov.cn" target="_blank">{esc(m.icp)}</a>')
    if m.gongan:
        parts.append(f"京公网安备{m.gongan}号")
    if m.bm:
        parts.append(f"网站标识码：{m.bm}")
    badge = (
        '<img src="/cms/images/dzjg.png" border="0" align="absmiddle">' if m.mode != "none" else ""
    )
    return badge + "&nbsp;&nbsp;".join(parts)


def _form_a(spec: KitSpec, charset: str) -> str:
    body = f"""<table width="980" border="0" align="center" cellpadding="0" cellspacing="0">
<tr><td height="90" background="/cms/images/top_bg.png"><img src="/cms/images/gh.png" width="70" height="70" align="absmiddle">
<font style="font-size:28px;color:#fff;font-weight:bold">特种作业操作证查询</font></td></tr></table>
<table width="980" border="0" align="center" cellpadding="8" cellspacing="1" bgcolor="#c9d7e8">
<form name="form1" method="post" action="certQuery.do?method=getCertQueryResult">
<tr bgcolor="#ffffff"><td width="200" align="right">证件类型：</td><td><select name="idcardType"><option value="01">身份证</option><option value="02">军官证</option></select></td></tr>
<tr bgcolor="#ffffff"><td align="right">证件号码：</td><td><input name="idcardNum" type="text" size="30"></td></tr>
<tr bgcolor="#ffffff"><td align="right">姓　　名：</td><td><input name="name" type="text" size="30"></td></tr>
<tr bgcolor="#ffffff"><td align="right">验 证 码：</td><td><input name="code" type="text" size="8"><img src="/cms/servlet/validateCode" align="absmiddle"></td></tr>
<tr bgcolor="#ffffff"><td colspan="2" align="center"><input type="submit" value=" 查 询 "></td></tr></form></table>
<table width="980" align="center"><tr><td align="center" style="font-size:12px;line-height:24px">{_marks(spec.marks)}<br>{contact_line(spec.gang, spec.gang.style)}</td></tr></table>
{tracking(spec.gang)}"""
    return page("特种作业操作证查询", body, charset=charset, viewport=False)


def _form_b(spec: KitSpec, charset: str) -> str:
    body = f"""<div id="top"><img src="/cms/images/gh.png" class="gh"><div class="tt">特种作业操作证及安全生产知识和管理能力考核合格信息查询</div></div>
<div id="notice"><marquee scrollamount="3">通知：证书信息已全国联网，持证人员可随时在线查验证书真伪。</marquee></div>
<div id="mainbox"><div class="leftmenu"><ul><li class="cur"><a href="{INDEX}">证书查询</a></li>
<li><a href="{BASE}?method=getCertCheck">证书验证</a></li><li><a href="{BASE}?method=getExamPlan">考试安排</a></li></ul></div>
<div class="rightbox"><h3>持证人员信息查询</h3><form name="qf" method="get" action="{BASE}" onsubmit="return check();">
<input type="hidden" name="method" value="getCertQueryResult">
<p><span>身份证号码</span><input name="sfzh" maxlength="18"></p><p><span>姓名</span><input name="xm"></p>
<p><span>验证码</span><input name="yzm" size="6"><img src="/cms/servlet/validateCode"></p>
<p><input type="submit" class="btn" value="查询"></p></form></div></div>
<div id="foot">{_marks(spec.marks)}</div>
<script language="javascript">function check(){{if(document.qf.sfzh.value==""){{alert("请输入身份证号码");return false;}}return true;}}</script>
{tracking(spec.gang)}"""
    css = (
        "<style>#top{background:#1b4f93;height:96px;color:#fff}.gh{height:72px;margin:12px}.tt{display:"
        "inline-block;font:bold 24px SimHei}#mainbox{width:1000px;margin:10px auto;overflow:hidden}"
        ".leftmenu{float:left;width:200px}.rightbox{float:right;width:760px}#foot{text-align:center;"
        "font-size:12px;border-top:2px solid #1b4f93}</style>\n"
    )
    return page(
        "特种作业操作证及安全生产知识和管理能力考核合格信息查询",
        body,
        head=css,
        charset=charset,
        viewport=False,
    )


def _result(spec: KitSpec, charset: str) -> str:
    rows = "".join(
        f'<tr bgcolor="#ffffff"><td width="200" align="right">{k}：</td><td>{esc(v)}</td></tr>'
        for k, v in (("证号", spec.holder.cert_no), *spec.holder.fields())
    )
    body = f"""<table width="980" align="center"><tr><td><img src="/cms/images/gh.png" width="60" align="absmiddle">
<b style="font-size:22px">特种作业操作证查询结果</b></td></tr></table>
<table width="980" border="0" align="center" cellpadding="8" cellspacing="1" bgcolor="#c9d7e8">{rows}
<tr bgcolor="#ffffff"><td align="right">证书状态：</td><td><font color="green">有效</font></td></tr></table>
<p align="center"><a href="{INDEX}">返回</a></p><div align="center" style="font-size:12px">{_marks(spec.marks)}</div>"""
    return page("查询结果", body, charset=charset, viewport=False)


def build(spec: KitSpec) -> KitSite:
    charset = "gbk" if spec.encoding != "utf-8" else "utf-8"
    form = _form_a if spec.version == "a" else _form_b
    enc = spec.encoding
    routes = (
        route(INDEX, lazy(form, spec, charset), encoding=enc),
        route(BASE, lazy(_result, spec, charset), encoding=enc),
        route("/", lazy(form, spec, charset), encoding=enc),
        route("/cms/images/gh.png", resources.emblem, ctype=PNG),
        route("/cms/images/dzjg.png", resources.conac_badge, ctype=PNG),
        route("/cms/images/top_bg.png", lazy(resources.logo, "　", (27, 79, 147), 980), ctype=PNG),
        route(
            "/cms/servlet/validateCode",
            lazy(resources.captcha, spec.token(4).upper(), spec.gang.style),
            ctype=PNG,
        ),
    )
    return KitSite(routes, INDEX, variants=("jsp",) + (("gbk",) if enc != "utf-8" else ()))
