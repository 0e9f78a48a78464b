"""Kit B (re-laid-out), kit C (old JSP, GBK), kit R (result-only QR pages), redirect and error sites."""
from __future__ import annotations
import json
from base import *
from plat import TITLE, BM, ICP, NS_OWL, PRIV, footer as gfooter

CF_NS = ["kai.ns.cloudflare.com", "rosa.ns.cloudflare.com"]
B_CSS = r"""
body { margin: 0; background: #f7f2ea; font-family: "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; color: #333; font-size: 14px; }
a { color: #a3191c; text-decoration: none; }
.topbar { background: #a3191c; color: #fff; }
.topbar .inner { width: 1100px; margin: 0 auto; display: flex; align-items: center; padding: 14px 0; }
.topbar img { width: 64px; height: 64px; margin-right: 16px; }
.topbar .t1 { font-size: 28px; font-weight: bold; letter-spacing: 4px; }
.topbar .t2 { font-size: 16px; opacity: .9; margin-top: 4px; }
.strip { background: #f4d27a; color: #7a1010; text-align: center; padding: 8px 0; font-size: 14px; }
.wrap { width: 1100px; margin: 24px auto; display: flex; gap: 20px; }
.side { width: 250px; background: #fff; border: 1px solid #e3d5c0; }
.side h3 { margin: 0; background: #c0392b; color: #fff; padding: 12px 16px; font-size: 16px; }
.side a { display: block; padding: 12px 18px; border-bottom: 1px dashed #e3d5c0; color: #333; }
.side a.on { color: #a3191c; font-weight: bold; background: #fcf3e4; }
.content { flex: 1; background: #fff; border: 1px solid #e3d5c0; padding: 24px 36px; }
.content h2 { color: #a3191c; border-bottom: 2px solid #a3191c; padding-bottom: 10px; margin-top: 0; font-size: 20px; }
.frm .row { margin: 18px 0; display: flex; align-items: center; }
.frm label { width: 110px; text-align: right; margin-right: 12px; }
.frm input, .frm select { width: 320px; height: 36px; border: 1px solid #cdbfa8; padding: 0 10px; font-size: 14px; }
.frm .yzm-style-img { width: 100px; height: 36px; margin-left: 10px; vertical-align: middle; }
.frm button { margin-left: 122px; background: #c0392b; color: #fff; border: 0; padding: 10px 60px; font-size: 16px; cursor: pointer; }
.notice { background: #fcf3e4; padding: 12px 16px; line-height: 1.9; margin-top: 24px; color: #7a4a10; }
table.res { width: 100%; border-collapse: collapse; margin-top: 12px; }
table.res th, table.res td { border: 1px solid #e3d5c0; padding: 11px; text-align: left; }
table.res th { width: 160px; background: #fcf3e4; font-weight: normal; color: #7a4a10; }
.valid { color: #fff; background: #2e8b57; padding: 2px 10px; border-radius: 3px; }
.foot { background: #5a0f10; color: #e8cfcf; text-align: center; padding: 18px 0; line-height: 2; font-size: 13px; margin-top: 30px; }
.foot a { color: #e8cfcf; }
.foot img { vertical-align: middle; height: 44px; margin-right: 10px; }
"""

B_HOLDER = [("姓名", "周海涛"), ("证号", "T" + IDS["zhouht"]), ("作业类别", "焊接与热切割作业"), ("操作项目", "熔化焊接与热切割作业"),
            ("初领日期", "2026-10-08"), ("有效期开始日期", "2026-10-08"), ("有效期结束日期", "2032-10-07"),
            ("应复审日期", "2029-10-07"), ("实际复审日期", ""), ("签发机关", "北京市应急管理局")]


def b_top():
    return ('<div class="topbar"><div class="inner"><img src="/img/emblem.png" alt="国徽">'
            '<div><div class="t1">应急管理部</div><div class="t2">特种作业操作证查询系统 · 全国联网</div></div></div></div>'
            '<div class="strip">本系统与国家平台数据实时同步，查询结果真实有效，全国联网可查</div>')


def b_side(on):
    items = [("/", "特种作业操作证查询"), ("/?t=aq", "安全生产知识和管理能力考核合格信息查询"), ("/zn.html", "办事指南"), ("/zn.html#faq", "常见问题")]
    on_attr = ' class="on"'
    links = "".join(f'<a href="{h}"{on_attr if i == on else ""}>{t}</a>' for i, (h, t) in enumerate(items))
    return f'<div class="side"><h3>证书查询</h3>{links}</div>'


def b_foot(icp="京ICP备18037225号"):
    return (f'<div class="foot"><img src="/img/conac.png" alt="党政机关"><br>主办单位：应急管理部　版权所有：应急管理部<br>'
            f'{icp}　政府网站标识码：{BM}<br>建议使用1366×768以上分辨率浏览</div>')


def b_form_body(icp=None):
    return f"""{b_top()}
<div class="wrap">{b_side(0)}
<div class="content">
<h2>特种作业操作证查询</h2>
<form class="frm" action="/query.php" method="get">
<div class="row"><label>证件类型：</label><select name="zjlx"><option value="">请选择证件类型</option><option value="01" selected>身份证</option><option value="02">护照</option></select></div>
<div class="row"><label>证件号码：</label><input name="zjhm" type="text" placeholder="请输入证件号码"></div>
<div class="row"><label>姓名：</label><input name="xm" type="text" placeholder="请输入姓名"></div>
<div class="row"><label>验证码：</label><input name="yzm" type="text" placeholder="请输入验证码" style="width:200px"><img class="yzm-style-img" src="/img/captcha.png" alt="验证码"></div>
<div class="row"><button type="submit">查询</button></div>
</form>
<div class="notice">温馨提示：特种作业操作证实行全国统一查询，证件信息由签发机关录入。请输入证件号码和姓名进行查询，查询结果即为官方认证结果。</div>
</div></div>
{b_foot(icp) if icp else b_foot()}"""


def b_result_body():
    rows = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in B_HOLDER)
    return f"""{b_top()}
<div class="wrap">{b_side(0)}
<div class="content">
<h2>特种作业操作证查询结果</h2>
<p>证书状态：<span class="valid">有效</span></p>
<table class="res">{rows}</table>
<p style="margin-top:20px"><a href="/">&lt;&lt; 返回继续查询</a></p>
</div></div>
{b_foot()}"""


B_GUIDE = f"""{b_top()}
<div class="wrap">{b_side(2)}
<div class="content">
<h2>办事指南</h2>
<p>一、特种作业操作证由应急管理部统一式样，全国通用，有效期6年，每3年复审一次。</p>
<p>二、证件查询：输入证件号码（身份证号）和姓名即可查询，证号为“T+身份证号码”。</p>
<p>三、持证人员可扫描证书背面二维码直接查验证书真伪。</p>
<p id="faq">常见问题：查询不到证书信息，可能是签发机关尚未上传数据，请耐心等待或联系客服。</p>
</div></div>
{b_foot()}"""


def kit_b_files():
    return {
        "index.html": page(f"特种作业操作证查询 - {TITLE}", b_form_body(), css=B_CSS),
        "query.html": page(f"查询结果 - {TITLE}", b_result_body(), css=B_CSS),
        "zn.html": page("办事指南 - 特种作业操作证查询系统", B_GUIDE, css=B_CSS),
    }


B_ROUTES = [route("/", file="index.html"), route("/index.html", file="index.html"),
            route("/query.php", file="query.html"), route("/zn.html", file="zn.html")]


def js_shell(script):
    return ('<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<title></title>\n</head>\n<body>\n<div id="root"></div>\n'
            f'<script src="{script}"></script>\n</body>\n</html>\n')


def js_bundle(title, body):
    # \u-escaped strings: nothing readable in the raw HTML or the script text
    return ("!function(){var d=document;d.title=" + json.dumps(title) + ";var s=d.createElement('style');s.textContent="
            + json.dumps(B_CSS) + ";d.head.appendChild(s);d.getElementById('root').innerHTML=" + json.dumps(body) + ";}();\n")


def build_kit_b():
    site("tzzycx.com", meta("counterfeit", "kit-B re-laid-out copy (red theme, side menu), same texts and emblem; server-side fake result page",
                            ["search", "seeds"], variants=["relayout"], categories=["impersonation", "fake-verification"],
                            template="kit-b", target="mem", aliases=["www.tzzycx.com"],
                            search_terms=["特种作业操作证查询", "特种作业证查询", "tzzy查询"]),
         {"a": ["104.21.77.9", "172.67.140.31"], "ns": CF_NS},
         whois("Dynadot, LLC", "2026-08-29T02:41:00Z", "2027-08-29T02:41:00Z", PRIV, country="US", privacy=True, ns=CF_NS),
         routes=B_ROUTES, files=kit_b_files())
    site("aqsc-chaxun.cn", meta("counterfeit", "kit-B copy over HTTPS with a self-signed certificate",
                                ["ct", "search"], variants=["relayout", "https"], categories=["impersonation", "fake-verification"],
                                template="kit-b", target="mem", schemes=["http", "https"],
                                search_terms=["安全生产考核合格证查询", "特种作业操作证查询"]),
         {"a": ["104.21.77.10"], "ns": CF_NS},
         whois("成都西维数码科技有限公司", "2026-09-05T08:00:00Z", "2027-09-05T08:00:00Z", "刘宏", ns=CF_NS),
         tls(valid=False, issuer="aqsc-chaxun.cn"), ct("2026-09-05T09:00:00Z"),
         routes=B_ROUTES, files=kit_b_files())
    files = {
        "index.html": js_shell("/static/js/app.8c1f2e.js"),
        "query.html": js_shell("/static/js/result.5d2a9b.js"),
        "zn.html": js_shell("/static/js/zn.1a2b3c.js"),
        "static/js/app.8c1f2e.js": js_bundle(f"特种作业操作证查询 - {TITLE}", b_form_body()),
        "static/js/result.5d2a9b.js": js_bundle(f"查询结果 - {TITLE}", b_result_body()),
        "static/js/zn.1a2b3c.js": js_bundle("办事指南", B_GUIDE),
    }
    site("yjglb-zscx.net", meta("counterfeit", "kit-B copy rendered by JavaScript: empty body, all texts \\u-escaped in the bundle",
                                ["search"], variants=["relayout", "js"], categories=["impersonation", "fake-verification"],
                                template="kit-b", target="mem", search_terms=["应急管理部 证书查询", "特种作业操作证查询"]),
         {"a": ["104.21.77.11"], "ns": CF_NS},
         whois("Gname.com Pte. Ltd.", "2026-10-11T13:30:00Z", "2027-10-11T13:30:00Z", PRIV, country="SG", privacy=True, ns=CF_NS),
         routes=B_ROUTES, files=files)
    site("xn--extu8ac1n3qneijnryf7h.com", meta("counterfeit", "kit-B copy on an IDN (应急管理部查询.com)",
                                               ["seeds"], variants=["relayout", "idn"], categories=["impersonation", "fake-verification"],
                                               template="kit-b", target="mem"),
         {"a": ["154.39.90.5"], "ns": ["ns1.dns-diy.net", "ns2.dns-diy.net"]},
         whois("Gname.com Pte. Ltd.", "2026-11-02T03:03:00Z", "2027-11-02T03:03:00Z", PRIV, country="SG", privacy=True,
               ns=["ns1.dns-diy.net", "ns2.dns-diy.net"]),
         routes=B_ROUTES, files=kit_b_files())
    decoy = page("网站建设中", '<div style="text-align:center;margin-top:160px;font-family:sans-serif;color:#888">'
                 '<h2>网站建设中……</h2><p>敬请期待</p></div>')
    files = kit_b_files()
    files["decoy.html"] = decoy
    cloak = []
    for path, f in [("/", "index.html"), ("/index.html", "index.html"), ("/query.php", "query.html"), ("/zn.html", "zn.html")]:
        cloak.append(route(path, file=f, ua_contains="MicroMessenger"))
        cloak.append(route(path, file=f, ua_contains="Chrome", ua_not_contains="Headless"))
    for path in ["/", "/index.html", "/query.php", "/zn.html"]:
        cloak.append(route(path, file="decoy.html"))
    site("mem-zscx.com", meta("counterfeit", "kit-B copy cloaked by user agent: crawlers and headless browsers get 网站建设中, WeChat or desktop Chrome get the fake",
                              ["permutations", "ct"], variants=["relayout", "cloaked", "https"],
                              categories=["impersonation", "fake-verification"], template="kit-b", target="mem",
                              schemes=["http", "https"], aliases=["www.mem-zscx.com"]),
         {"a": ["43.155.72.19"], "ns": CF_NS},
         whois("NameSilo, LLC", "2026-10-24T17:55:00Z", "2027-10-24T17:55:00Z", PRIV, country="US", privacy=True, ns=CF_NS),
         tls(issuer="E6"), ct("2026-10-24T18:10:00Z"), routes=cloak, files=files)


# ---- kit C: the old JSP site, served in GBK ---------------------------------
C_HEAD = '<meta http-equiv="Content-Type" content="text/html; charset=gbk">\n'
C_CSS = """body{margin:0;font-size:12px;font-family:"宋体",SimSun,"Noto Serif CJK SC",serif;background:#e9eef5}
.box{width:960px;margin:0 auto;background:#fff}
.top{height:90px;background:#2a5caa;color:#fff}
.top img{float:left;width:70px;height:70px;margin:10px 14px}
.top h1{font-size:24px;margin:0;padding-top:18px}.top p{margin:6px 0 0;font-size:13px}
.nav{background:#1d4a8f;height:30px;line-height:30px;padding-left:20px}.nav a{color:#fff;margin-right:22px}
td{font-size:13px}.tit{background:#d9e4f3;font-weight:bold;color:#1d4a8f;height:30px;padding-left:10px}
.copy{text-align:center;line-height:22px;color:#555;padding:12px 0;border-top:2px solid #2a5caa}"""
C_TOP = """<div class="top"><img src="/images/guohui.png" alt=""><h1>特种作业操作证及安全生产知识和管理能力考核合格信息查询</h1>
<p>国家安全生产监督管理总局　应急管理部</p></div>
<div class="nav"><a href="/cms/html/certQuery/certQuery.do?method=getCertQueryIndex">首页</a><a href="/cms/html/certQuery/certQuery.do?method=getCertQueryIndex">证书查询</a><a href="/cms/html/certQuery/help.html">查询帮助</a></div>"""
C_FOOT = """<div class="copy">主办单位：国家安全生产监督管理总局（现应急管理部）　承办单位：国家安全生产监督管理总局信息研究院<br>
京ICP备05012345号　地址：北京市东城区和平里北街21号　邮编：100713<br>版权所有 未经许可不得复制</div>"""


def c_page(title, inner):
    return page(title, f'<div class="box">\n{C_TOP}\n{inner}\n{C_FOOT}\n</div>', head=C_HEAD, charset="gbk", css=C_CSS, viewport=False, lang="zh")


def c_files(holder):
    form = """<table width="100%" cellpadding="6" cellspacing="0" border="0"><tr><td class="tit">特种作业操作证查询</td></tr></table>
<form name="certForm" action="/cms/html/certQuery/certQuery.do" method="get"><input type="hidden" name="method" value="getCertQueryResult">
<table width="560" align="center" cellpadding="8" cellspacing="1" bgcolor="#c5d3e8" style="margin:30px auto">
<tr bgcolor="#ffffff"><td width="120" align="right">证件类型：</td><td><select name="idcardTypeCode"><option value="">请选择证件类型</option><option value="01">身份证</option><option value="02">军官证</option><option value="03">护照</option></select></td></tr>
<tr bgcolor="#ffffff"><td align="right">证件号码：</td><td><input type="text" name="idcardNum" size="30" placeholder="请输入证件号码"></td></tr>
<tr bgcolor="#ffffff"><td align="right">姓　　名：</td><td><input type="text" name="name" size="30" placeholder="请输入姓名"></td></tr>
<tr bgcolor="#ffffff"><td align="right">验 证 码：</td><td><input type="text" name="code" size="8" placeholder="请输入验证码"> <img src="/images/yzm.png" align="absmiddle" alt="验证码"></td></tr>
<tr bgcolor="#ffffff"><td colspan="2" align="center"><input type="submit" value="查询"> <input type="reset" value="重置"></td></tr>
</table></form>
<p style="margin:0 40px 30px;line-height:22px;color:#a33">说明：特种作业操作证证号为“T”加身份证号码。查询结果与证书原件信息一致即为有效证书。</p>"""
    rows = "".join(f'<tr bgcolor="#ffffff"><td width="160" align="right" bgcolor="#eef3fa">{k}：</td><td>{v}</td></tr>' for k, v in holder)
    result = f"""<table width="100%" cellpadding="6" cellspacing="0" border="0"><tr><td class="tit">查询结果</td></tr></table>
<table width="760" align="center" cellpadding="8" cellspacing="1" bgcolor="#c5d3e8" style="margin:24px auto">{rows}
<tr bgcolor="#ffffff"><td align="right" bgcolor="#eef3fa">证书状态：</td><td><font color="green"><b>有效</b></font></td></tr></table>
<p align="center"><a href="/cms/html/certQuery/certQuery.do?method=getCertQueryIndex">返回</a></p>"""
    helpp = """<table width="100%" cellpadding="6" cellspacing="0" border="0"><tr><td class="tit">查询帮助</td></tr></table>
<div style="padding:20px 40px;line-height:24px">1．请选择证件类型，输入证件号码、姓名和验证码后点击“查询”。<br>2．证书信息与原件一致即为有效证书，可放心使用。<br>3．如查询不到，请联系发证机关。</div>"""
    return {
        "cms/html/certQuery/index.html": c_page("特种作业操作证查询", form),
        "cms/html/certQuery/result.html": c_page("特种作业操作证查询结果", result),
        "cms/html/certQuery/help.html": c_page("查询帮助", helpp),
    }


GBK = {"encoding": "gbk", "content_type": "text/html; charset=GBK"}
C_ROUTES = [route("/", redirect="/cms/html/certQuery/certQuery.do?method=getCertQueryIndex"),
            route("/cms/html/certQuery/certQuery.do?method=getCertQueryIndex", file="cms/html/certQuery/index.html", **GBK),
            route("/cms/html/certQuery/certQuery.do", file="cms/html/certQuery/result.html", **GBK),
            route("/cms/html/certQuery/help.html", file="cms/html/certQuery/help.html", **GBK)]
C_ENTRY = "/cms/html/certQuery/certQuery.do?method=getCertQueryIndex"


def build_kit_c():
    h1 = [("姓名", "马俊峰"), ("证号", "T" + IDS["majf"]), ("作业类别", "电工作业"), ("操作项目", "高压电工作业"),
          ("初领日期", "2026-08-16"), ("有效期开始日期", "2026-08-16"), ("有效期结束日期", "2032-08-15"),
          ("应复审日期", "2029-08-15"), ("实际复审日期", "　"), ("签发机关", "四川省应急管理厅")]
    h2 = [("姓名", "何永亮"), ("证号", "T" + IDS["heyl"]), ("作业类别", "高处作业"), ("操作项目", "高处安装、维护、拆除作业"),
          ("初领日期", "2026-09-21"), ("有效期开始日期", "2026-09-21"), ("有效期结束日期", "2032-09-20"),
          ("应复审日期", "2029-09-20"), ("实际复审日期", "　"), ("签发机关", "河南省应急管理厅")]
    site("anquan-zscx.com", meta("counterfeit", "kit-C copy of the old JSP platform, GBK-encoded, re-drawn emblem, old ministry name",
                                 ["search", "seeds"], variants=["gbk"], categories=["impersonation", "fake-verification"],
                                 template="kit-c", target="mem", entry=C_ENTRY, aliases=["www.anquan-zscx.com"],
                                 search_terms=["特种作业操作证查询", "安全生产资格证查询"]),
         {"a": ["154.39.91.40"], "ns": ["ns1.bdydns.net", "ns2.bdydns.net"]},
         whois("Gname.com Pte. Ltd.", "2026-08-07T10:20:00Z", "2027-08-07T10:20:00Z", PRIV, country="SG", privacy=True,
               ns=["ns1.bdydns.net", "ns2.bdydns.net"]),
         routes=C_ROUTES, files=c_files(h1))
    site("tzzy-cx.net", meta("counterfeit", "kit-C GBK copy over HTTPS (Let's Encrypt)", ["ct"], variants=["gbk", "https"],
                             categories=["impersonation", "fake-verification"], template="kit-c", target="mem", entry=C_ENTRY,
                             schemes=["http", "https"]),
         {"a": ["154.39.91.41"], "ns": ["ns1.bdydns.net", "ns2.bdydns.net"]},
         whois("Gname.com Pte. Ltd.", "2026-09-18T01:05:00Z", "2027-09-18T01:05:00Z", PRIV, country="SG", privacy=True,
               ns=["ns1.bdydns.net", "ns2.bdydns.net"]),
         tls(issuer="R10"), ct("2026-09-18T02:00:00Z"), routes=C_ROUTES, files=c_files(h2))


# ---- kit R: result page only, formatted for a phone ---------------------------
R_CSS = """body{margin:0;background:#eef3f9;font-family:-apple-system,"PingFang SC","Noto Sans CJK SC",sans-serif;color:#333}
.m-head{background:linear-gradient(180deg,#0b4fa8,#1a6fd1);color:#fff;display:flex;align-items:center;padding:14px 16px}
.m-head img{width:44px;height:44px;margin-right:12px}.m-head .t{font-size:17px;font-weight:bold}.m-head .s{font-size:12px;opacity:.85}
.status{margin:16px;border-radius:8px;background:#fff;text-align:center;padding:18px 0}
.status .ok{display:inline-block;color:#fff;background:#19a15f;border-radius:20px;padding:6px 22px;font-size:16px}
.status p{color:#888;font-size:12px;margin:10px 0 0}
.card{margin:0 16px;background:#fff;border-radius:8px;padding:4px 16px}
.row{display:flex;justify-content:space-between;padding:12px 0;border-bottom:1px solid #f0f0f0;font-size:14px}
.row:last-child{border-bottom:0}.k{color:#888;min-width:110px}.v{text-align:right;color:#222}
.foot{text-align:center;color:#999;font-size:11px;line-height:1.9;padding:22px 10px}
.foot img{height:12px;vertical-align:middle}"""


def r_page(holder, param):
    idattr = ' id="certNo"'
    rows = "".join(f'<div class="row"><span class="k">{k}</span><span class="v"{idattr if k == "证号" else ""}>{v}</span></div>'
                   for k, v in holder)
    body = f"""<div class="m-head"><img src="/img/emblem.png" alt=""><div><div class="t">特种作业操作证查询</div><div class="s">应急管理部 · 全国联网查询</div></div></div>
<div class="status"><span class="ok">✔ 证书有效</span><p>该证书信息已在全国特种作业操作证信息库中登记</p></div>
<div class="card">{rows}</div>
<div class="foot">{TITLE}<br>主办单位：应急管理部<br>{ICP}　<img src="/img/gongan.png" alt="">京公网安备 11010502039184号<br>政府网站标识码：{BM}</div>
<script>(function(){{var m=location.search.match(/[?&]{param}=([^&]+)/);if(m){{document.getElementById('certNo').textContent=decodeURIComponent(m[1]);}}}})();</script>"""
    return page(f"证书查询结果 - {TITLE}", body, css=R_CSS,
                head='<meta name="format-detection" content="telephone=no">\n')


def build_kit_r():
    sun = [("姓名", "孙立强"), ("性别", "男"), ("证号", "T" + IDS["sunlq"]), ("作业类别", "电工作业"), ("操作项目", "低压电工作业"),
           ("初领日期", "2026-09-01"), ("有效期开始日期", "2026-09-01"), ("有效期结束日期", "2032-08-31"),
           ("应复审日期", "2029-08-31"), ("实际复审日期", "—"), ("签发机关", "山东省应急管理厅")]
    liu = [("姓名", "刘振华"), ("性别", "男"), ("证号", "T" + IDS["liuzh"]), ("作业类别", "电工作业"), ("操作项目", "高压电工作业"),
           ("初领日期", "2026-09-02"), ("有效期开始日期", "2026-09-02"), ("有效期结束日期", "2032-09-01"),
           ("应复审日期", "2029-09-01"), ("实际复审日期", "—"), ("签发机关", "湖北省应急管理厅")]
    site("zs-cx.top", meta("counterfeit", "kit-R result-page-only copy opened by the QR code of a fake card; phone layout, holder shown valid, copied footer",
                           ["ct", "links"], variants=["result-only", "qr", "mobile", "https", "copied-marks"],
                           categories=["fake-verification", "impersonation"], template="kit-r", target="mem",
                           entry="/cert/verify?no=T" + IDS["sunlq"], schemes=["https"]),
         {"a": ["47.242.31.88"], "ns": ["dns1.registrar-servers.com", "dns2.registrar-servers.com"]},
         whois("NameCheap, Inc.", "2026-08-24T12:00:00Z", "2027-08-24T12:00:00Z", PRIV, country="IS", privacy=True,
               ns=["dns1.registrar-servers.com", "dns2.registrar-servers.com"]),
         tls(issuer="R11"), ct("2026-08-24T12:30:00Z"),
         routes=[route("/cert/verify", file="verify.html"), route("/", body=NGINX_404, status=404)],
         files={"verify.html": r_page(sun, "no")})
    site("tzzy-zscx.cc", meta("counterfeit", "kit-R result-page-only copy over plain HTTP, linked from sellers' sample cards",
                              ["links", "seeds"], variants=["result-only", "qr", "mobile"],
                              categories=["fake-verification", "impersonation"], template="kit-r", target="mem",
                              entry="/m/q?c=T" + IDS["liuzh"]),
         {"a": ["47.242.31.89"], "ns": ["dns1.registrar-servers.com", "dns2.registrar-servers.com"]},
         whois("NameCheap, Inc.", "2026-10-06T05:45:00Z", "2027-10-06T05:45:00Z", PRIV, country="IS", privacy=True,
               ns=["dns1.registrar-servers.com", "dns2.registrar-servers.com"]),
         routes=[route("/m/q", file="q.html"), route("/", body="", status=403)],
         files={"q.html": r_page(liu, "c")})


def build_misc():
    site("mem-gov.cc", meta("counterfeit", "redirector: 302 to itself, then 302 to the kit-A clone cx.zscx-mem.top",
                            ["permutations"], variants=["redirect"], categories=["impersonation"], template="kit-a", target="mem",
                            aliases=["www.mem-gov.cc"]),
         {"a": ["47.242.10.24"], "ns": NS_OWL},
         whois("Dynadot, LLC", "2026-10-27T04:30:00Z", "2027-10-27T04:30:00Z", PRIV, country="US", privacy=True, ns=NS_OWL),
         routes=[route("/", redirect="http://mem-gov.cc/index.php?c=verify"),
                 route("/index.php", redirect="http://cx.zscx-mem.top/special?index=0"),
                 route("*", redirect="http://cx.zscx-mem.top/special?index=0")])
    site("cxmem-zs.com", meta("counterfeit", "kit-A clone taken offline: every path answers 502; only name, WHOIS and CT remain",
                              ["ct", "permutations"], variants=["error5xx", "https"], categories=["impersonation"], template="kit-a",
                              target="mem", schemes=["http", "https"]),
         {"a": ["47.242.10.25"], "ns": NS_OWL},
         whois("NameSilo, LLC", "2026-08-12T19:00:00Z", "2027-08-12T19:00:00Z", PRIV, country="US", privacy=True, ns=NS_OWL),
         tls(issuer="R11"), ct("2026-08-12T19:20:00Z"),
         routes=[route("*", body=NGINX_502, status=502)])
