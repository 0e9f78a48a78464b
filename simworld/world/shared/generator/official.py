"""Ministry portal, provincial emergency sites, official non-gov.cn platforms, infrastructure."""
from __future__ import annotations
from base import *

GOV_CSS = """body{margin:0;font-family:"Microsoft YaHei","Noto Sans CJK SC",sans-serif;background:#fff;color:#333;font-size:14px}
a{color:#333;text-decoration:none}a:hover{color:#c00}
.gh{background:%(c1)s;background:linear-gradient(180deg,%(c1)s,%(c2)s);height:110px}
.gh .in{width:1200px;margin:0 auto;display:flex;align-items:center;height:110px}
.gh img{width:72px;height:72px;margin-right:16px}.gh .n1{color:#fff;font-size:30px;font-weight:bold;letter-spacing:3px}
.gh .n2{color:#fde8c0;font-size:13px;letter-spacing:1px;margin-top:4px}
.gnav{background:%(c3)s}.gnav .in{width:1200px;margin:0 auto}.gnav a{display:inline-block;color:#fff;padding:0 26px;line-height:46px;font-size:16px}
.wrap{width:1200px;margin:20px auto;display:flex;gap:24px}
.col{flex:1}.box{border:1px solid #e5e5e5;margin-bottom:20px}.box h3{margin:0;padding:10px 14px;border-bottom:2px solid %(c3)s;font-size:17px;color:%(c3)s}
.box ul{list-style:none;margin:0;padding:8px 14px}.box li{line-height:34px;display:flex;justify-content:space-between;border-bottom:1px dashed #eee}
.box li span{color:#999}.side{width:330px}
.svc a{display:block;margin:10px 14px;padding:12px;background:#f5f8fc;border-left:4px solid %(c3)s;color:#1d4a8f}
.art{width:1000px;margin:24px auto;line-height:2;font-size:16px}.art h1{text-align:center;font-size:26px;color:#222}
.art .meta{text-align:center;color:#888;font-size:13px;border-bottom:1px solid #eee;padding-bottom:10px}
.gf{background:#f2f2f2;border-top:3px solid %(c3)s;text-align:center;color:#555;line-height:2.1;font-size:13px;padding:20px 0;margin-top:30px}
.gf img{vertical-align:middle}.gf .conac{height:54px;margin-right:20px}.gf .ga{height:18px}"""


def gov_footer(sponsor, icp, gongan, sitecode, conac_id, address, prov_short="京", extra=""):
    return f"""<div class="gf">
<p><a href="/">网站首页</a> | <a href="/wzdt/">网站地图</a> | <a href="/lxwm/">联系我们</a> | <a href="/sybz/">使用帮助</a></p>
<div><a href="https://bszs.conac.cn/sitename?method=show&amp;id={conac_id}" target="_blank"><img class="conac" src="/img/conac.png" alt="党政机关"></a>
<span>主办单位：{sponsor}　{extra}地址：{address}</span></div>
<p><a href="https://beian.miit.gov.cn/" target="_blank">{icp}</a>　<a href="https://beian.mps.gov.cn/#/query/webSearch?code={gongan}" target="_blank"><img class="ga" src="/img/gongan.png" alt="">{prov_short}公网安备 {gongan}号</a>　网站标识码：{sitecode}</p>
<script id="_jiucuo_" sitecode="{sitecode}" src="https://zfwzgl.www.gov.cn/exposure/jiucuo.js"></script>
</div>"""


def gov_head(name, sub):
    return (f'<div class="gh"><div class="in"><img src="/img/emblem.png" alt=""><div><div class="n1">{name}</div>'
            f'<div class="n2">{sub}</div></div></div></div>')


def gov_nav(items):
    return '<div class="gnav"><div class="in">' + "".join(f'<a href="{h}">{t}</a>' for t, h in items) + "</div></div>"


def news_box(title, items, date_fmt=True):
    lis = "".join(f'<li><a href="{h}">{t}</a><span>{d}</span></li>' for t, h, d in items)
    return f'<div class="box"><h3>{title}</h3><ul>{lis}</ul></div>'


def gov_meta(name, domain, code):
    return (f'<meta name="SiteName" content="{name}">\n<meta name="SiteDomain" content="{domain}">\n'
            f'<meta name="SiteIDCode" content="{code}">\n')


def build_mem_portal():
    css = GOV_CSS % {"c1": "#b5121b", "c2": "#d0281f", "c3": "#b5121b"}
    art = "/xw/bndt/202611/t20261118_512034.shtml"
    foot = gov_footer("中华人民共和国应急管理部", "京ICP备19003216号-1", "11010502039180", "bm95000001",
                      "3a9f1c0d2b4e6f8091a2b3c4d5e6f7a8", "北京市东城区和平里北街21号")
    nav = gov_nav([("首页", "/"), ("机构", "/jg/"), ("新闻", "/xw/"), ("政务公开", "/gk/"), ("政务服务", "/fw/"), ("互动", "/hd/"), ("专题", "/zt/")])
    news = news_box("应急要闻", [
        ("应急管理部部署开展冬春火灾防控工作", "/xw/yjyw/202611/t20261120_512100.shtml", "2026-11-20"),
        ("国务院安委会办公室召开全国安全生产视频会议", "/xw/yjyw/202611/t20261119_512088.shtml", "2026-11-19"),
        ("提醒：警惕假冒特种作业操作证查询网站", art, "2026-11-18"),
        ("应急管理部发布今冬明春自然灾害风险形势", "/xw/yjyw/202611/t20261115_511960.shtml", "2026-11-15"),
        ("全国特种作业人员安全技术培训考核工作推进会召开", "/xw/yjyw/202611/t20261110_511802.shtml", "2026-11-10"),
    ])
    notice = news_box("通知公告", [
        ("关于做好2027年元旦春节期间安全防范工作的通知", "/gk/tzgg/202611/t20261121_512140.shtml", "2026-11-21"),
        ("应急管理部关于修订特种作业目录的公告（征求意见稿）", "/gk/tzgg/202611/t20261105_511700.shtml", "2026-11-05"),
    ])
    svc = ('<div class="box svc"><h3>便民服务</h3>'
           '<a href="https://cx.mem.gov.cn/" target="_blank">特种作业操作证及安全生产知识和管理能力考核合格信息查询</a>'
           '<a href="/fw/bszn/">行政许可事项办事指南</a><a href="/hd/jb/">安全生产举报</a>'
           '<a href="/fw/zsfw/">注册安全工程师服务</a></div>')
    body = f"""{gov_head("中华人民共和国应急管理部", "Ministry of Emergency Management of the People's Republic of China")}
{nav}
<div class="wrap"><div class="col">{news}{notice}</div><div class="side">{svc}</div></div>
{foot}"""
    article = f"""{gov_head("中华人民共和国应急管理部", "Ministry of Emergency Management of the People's Republic of China")}
{nav}
<div class="art"><h1>提醒：警惕假冒特种作业操作证查询网站</h1>
<div class="meta">来源：安全执法和工贸监管局　发布时间：2026-11-18</div>
<p>近期，一些不法分子仿冒应急管理部特种作业操作证查询平台，搭建假冒查询网站，以“免考”“包过”“官网可查”等为噱头，向社会人员兜售伪造的特种作业操作证，并将证书背面二维码指向假冒网站，误导用人单位和持证人。</p>
<p>应急管理部郑重提醒：特种作业操作证及安全生产知识和管理能力考核合格信息的唯一官方查询网址为 <a href="https://cx.mem.gov.cn/">cx.mem.gov.cn</a>，网址是判断证书查询平台真伪的唯一标准。用人单位查验证书时，请手动输入上述网址，输入证件类型、证件号码、姓名和验证码进行查询，不要通过扫描来源不明的二维码或点击他人发送的链接进行查验。</p>
<p>特种作业人员必须经安全技术培训并考试合格后方可取得操作证，任何单位和个人不得代考、免考。对伪造、变造、买卖特种作业操作证的行为，应急管理部门将会同公安机关依法严厉打击。</p>
</div>
{foot}"""
    site("www.mem.gov.cn", meta("official", "ministry portal (replica): news, service box linking to cx.mem.gov.cn, a warning notice about fake query sites",
                                ["links", "search", "ct"], target="mem", schemes=["http", "https"], aliases=["mem.gov.cn"],
                                search_terms=["应急管理部", "警惕假冒特种作业操作证查询网站"]),
         {"a": ["106.38.196.10"], "ns": ["ns1.mem.gov.cn", "ns2.mem.gov.cn"], "mx": ["mail.mem.gov.cn"]},
         None, tls(issuer="GeoTrust CN RSA CA G1"), ct("2025-03-12T01:00:00Z"),
         routes=[route("/", file="index.html"), route("/index.shtml", file="index.html"), route(art, file="warning.html")],
         files={"index.html": page("中华人民共和国应急管理部", body, head=gov_meta("中华人民共和国应急管理部", "www.mem.gov.cn", "bm95000001"), css=css),
                "warning.html": page("提醒：警惕假冒特种作业操作证查询网站_中华人民共和国应急管理部", article,
                                     head=gov_meta("中华人民共和国应急管理部", "www.mem.gov.cn", "bm95000001"), css=css)})


PROVINCES = [
    # host, name, short, colours, icp, gongan, sitecode, address, registrable, ip, sponsor-ns
    ("yjt.zj.gov.cn", "浙江省应急管理厅", "浙", ("#0d5aa7", "#1a73c8", "#0d5aa7"), "浙ICP备11037062号-3", "33010602009871", "3300000061",
     "杭州市上城区省府路8号", "zj.gov.cn", "115.236.42.18", "2001-06-18T00:00:00Z"),
    ("yjglt.gd.gov.cn", "广东省应急管理厅", "粤", ("#9d1a1a", "#c1272d", "#9d1a1a"), "粤ICP备05070829号-6", "44010402001823", "4400000117",
     "广州市越秀区东风中路305号", "gd.gov.cn", "219.135.154.33", "2001-03-02T00:00:00Z"),
    ("yjglt.sc.gov.cn", "四川省应急管理厅", "川", ("#0f6f6a", "#18938b", "#0f6f6a"), "蜀ICP备05003012号-2", "51010402000544", "5100000082",
     "成都市青羊区东城根上街77号", "sc.gov.cn", "118.122.118.40", "2002-01-09T00:00:00Z"),
]


def build_provinces():
    for host, name, short, (c1, c2, c3), icp, ga, code, addr, reg, ip, created in PROVINCES:
        css = GOV_CSS % {"c1": c1, "c2": c2, "c3": c3}
        nav = gov_nav([("首页", "/"), ("机构概况", "/jggk/"), ("应急动态", "/yjdt/"), ("政务公开", "/zwgk/"), ("政务服务", "/zwfw/"), ("互动交流", "/hdjl/")])
        news = news_box("应急动态", [
            (f"{name}召开全省安全生产形势分析会", "/yjdt/202611/t20261119_1.html", "2026-11-19"),
            ("全省开展特种作业人员持证上岗专项检查", "/yjdt/202611/t20261114_1.html", "2026-11-14"),
            ("关于2026年第四季度特种作业操作证考试计划的通知", "/zwgk/tzgg/202611/t20261108_1.html", "2026-11-08"),
            ("冬季森林防火工作动员部署会召开", "/yjdt/202611/t20261103_1.html", "2026-11-03"),
        ])
        svc = ('<div class="box svc"><h3>便民服务</h3>'
               '<a href="https://cx.mem.gov.cn/" target="_blank">特种作业操作证查询（全国）</a>'
               '<a href="/zwfw/ksap/">特种作业考试安排</a><a href="/zwfw/pxjg/">安全培训机构名单</a><a href="/hdjl/jb/">安全生产举报</a>'
               '<p style="margin:10px 14px;color:#c00;font-size:13px">特种作业操作证请通过应急管理部查询平台 cx.mem.gov.cn 查验，谨防假冒网站。</p></div>')
        body = f"""{gov_head(name, "Emergency Management Department")}
{nav}
<div class="wrap"><div class="col">{news}</div><div class="side">{svc}</div></div>
{gov_footer(name, icp, ga, code, (code * 4)[:32].replace('0', 'a'), addr, short)}"""
        site(host, meta("official", f"provincial emergency department portal ({name}) linking to the platform; real-style footer",
                        ["seeds", "ct"], target="mem", schemes=["http", "https"]),
             {"a": [ip], "ns": [f"ns1.{reg}", f"ns2.{reg}"]},
             whois("政务和公益机构域名注册管理中心", created, "2031-01-01T00:00:00Z", f"{name[:2]}省人民政府办公厅",
                   org=f"{name[:2]}省人民政府办公厅", ns=[f"ns1.{reg}", f"ns2.{reg}"], status=["ok"]),
             tls(issuer="GeoTrust CN RSA CA G1"), ct("2025-08-01T03:00:00Z"),
             routes=[route("/", file="index.html"), route("/index.html", file="index.html")],
             files={"index.html": page(f"{name}", body, head=gov_meta(name, host, code), css=css)})


PORTAL_CSS = """body{margin:0;font-family:"Microsoft YaHei","Noto Sans CJK SC",sans-serif;background:#f5f6f8;color:#333}
.hd{background:%(c)s;color:#fff;padding:18px 0}.hd .in,.bd,.ft .in{width:1100px;margin:0 auto}.hd b{font-size:26px}.hd span{margin-left:16px;opacity:.85}
.bd{background:#fff;margin-top:20px;padding:26px 40px;min-height:380px}.bd h2{color:%(c)s;margin-top:0}
.bd .frm div{margin:14px 0}.bd label{display:inline-block;width:100px;text-align:right;margin-right:10px}
.bd input,.bd select{width:300px;height:34px;border:1px solid #ccd;padding:0 8px}
.bd button{margin-left:114px;background:%(c)s;color:#fff;border:0;padding:9px 46px;font-size:15px}
.grid{display:flex;gap:16px;flex-wrap:wrap}.grid a{flex:1 1 30%%;min-width:260px;border:1px solid #e3e6ea;padding:16px;color:#333;text-decoration:none}
.grid a b{display:block;color:%(c)s;margin-bottom:6px}
.ft{color:#888;text-align:center;font-size:12px;line-height:2;padding:20px 0}.ft a{color:#888}"""


def build_state_platforms():
    chsi = f"""<div class="hd"><div class="in"><b>学信网</b><span>中国高等教育学生信息网（学信网）</span></div></div>
<div class="bd"><h2>学历查询</h2>
<div class="grid"><a href="/xlcx/index.jsp"><b>学历查询</b>本人查询、零散查询、学历认证</a><a href="/xjxl/rzzx.jsp"><b>在线验证报告</b>输入报告编号及验证码，查验报告真伪</a>
<a href="/xlcx/bgcx.jsp"><b>学籍查询</b>高等学历教育学籍信息查询</a><a href="/wssq/"><b>出国教育背景信息服务</b>学历学位认证申请</a></div>
<form class="frm" style="margin-top:26px" onsubmit="return false"><div><label>报告编号：</label><input placeholder="请输入在线验证码"></div>
<div><label>验证码：</label><input placeholder="请输入图片验证码" style="width:160px"></div><button>查询</button></form></div>
<div class="ft"><div class="in">主办单位：教育部学生服务与素质发展中心　<a href="https://beian.miit.gov.cn/">京ICP备19020611号-2</a>　京公网安备 11010202007619号<br>学信网是教育部指定的学籍查询、学历查询及学历认证网站</div></div>"""
    osta = f"""<div class="hd"><div class="in"><b>技能人才评价证书全国联网查询</b><span>人力资源社会保障部职业技能鉴定中心</span></div></div>
<div class="bd"><h2>证书查询</h2>
<form class="frm" onsubmit="return false"><div><label>证件类型：</label><select><option>居民身份证</option><option>护照</option></select></div>
<div><label>证件号码：</label><input placeholder="请输入证件号码"></div><div><label>姓名：</label><input placeholder="请输入姓名"></div>
<div><label>验证码：</label><input placeholder="请输入验证码" style="width:160px"></div><button>查询</button></form>
<p style="color:#888;line-height:1.9">本平台提供职业资格证书、职业技能等级证书和专项职业能力证书的全国联网查询。特种作业操作证请到应急管理部查询平台查询。</p></div>
<div class="ft"><div class="in">主办单位：人力资源社会保障部职业技能鉴定中心　<a href="https://beian.miit.gov.cn/">京ICP备05066622号-3</a>　京公网安备 11010502031245号</div></div>"""
    cpta = f"""<div class="hd"><div class="in"><b>中国人事考试网</b><span>人力资源社会保障部人事考试中心</span></div></div>
<div class="bd"><h2>证书查询与验证</h2>
<div class="grid"><a href="/zsgl/zscx/"><b>证书查询</b>专业技术人员职业资格证书电子证照查询</a><a href="/zsgl/zsyz/"><b>证书验证</b>扫码或输入证书编号验证电子证书</a>
<a href="/cjcx/"><b>成绩查询</b>各类考试成绩查询</a><a href="/bmbm/"><b>网上报名</b>全国专业技术人员职业资格考试报名</a></div>
<p style="color:#888;margin-top:20px">注册安全工程师职业资格证书可在本网查询；特种作业操作证不属于本网查询范围。</p></div>
<div class="ft"><div class="in">主办单位：人力资源社会保障部人事考试中心　<a href="https://beian.miit.gov.cn/">京ICP备05012937号-1</a>　京公网安备 11010202000781号</div></div>"""
    for host, title, body, color, ip, reg, created, org, note in [
        ("www.chsi.com.cn", "学信网", chsi, "#1a66b3", "123.127.100.35", "chsi.com.cn", "2002-08-19T00:00:00Z", "教育部学生服务与素质发展中心",
         "学信网: official state-run query platform without .gov.cn (education records)"),
        ("zscx.osta.org.cn", "技能人才评价证书全国联网查询", osta, "#a21f24", "219.143.238.60", "osta.org.cn", "2003-05-27T00:00:00Z",
         "人力资源社会保障部职业技能鉴定中心", "OSTA certificate query: official state-run platform on .org.cn"),
        ("www.cpta.com.cn", "中国人事考试网", cpta, "#2c6e49", "124.193.204.70", "cpta.com.cn", "2004-03-10T00:00:00Z",
         "人力资源社会保障部人事考试中心", "中国人事考试网: official exam and certificate portal on .com.cn"),
    ]:
        site(host, meta("official", note, ["seeds", "ct"], schemes=["http", "https"]),
             {"a": [ip], "ns": [f"ns1.{reg}", f"ns2.{reg}"]},
             whois("北京新网数码信息技术有限公司", created, "2030-08-19T00:00:00Z", org, org=org, ns=[f"ns1.{reg}", f"ns2.{reg}"],
                   status=["clientDeleteProhibited", "clientTransferProhibited"]),
             tls(issuer="GeoTrust CN RSA CA G1"), ct("2025-09-10T00:00:00Z"),
             routes=[route("/", file="index.html")], files={"index.html": page(title, body, css=PORTAL_CSS % {"c": color})})


def build_infrastructure():
    miit = """<div style="background:#1565c0;color:#fff;padding:16px 40px;font-size:22px">ICP/IP地址/域名信息备案管理系统</div>
<div style="width:900px;margin:40px auto;font-family:sans-serif"><h3>ICP备案查询</h3>
<form onsubmit="return false"><input placeholder="请输入单位名称/域名/备案号" style="width:500px;height:36px"> <button>查询</button></form>
<p style="color:#888">主办单位：中华人民共和国工业和信息化部　京ICP备04000001号</p></div>"""
    conac = """<div style="background:#b5121b;color:#fff;padding:16px 40px;font-size:22px">中国机构编制网 · 党政机关网站标识</div>
<div style="width:800px;margin:40px auto;font-family:sans-serif;line-height:2.2">
<h3>网站标识信息</h3><table border="1" cellpadding="8" style="border-collapse:collapse;width:100%">
<tr><th width="160">网站名称</th><td>应急管理部网站</td></tr><tr><th>网站标识码</th><td>bm95000001</td></tr>
<tr><th>主办单位</th><td>中华人民共和国应急管理部</td></tr><tr><th>网站类型</th><td>党政机关</td></tr></table>
<p style="color:#888">本页面说明该网站为经机构编制部门核准的党政机关网站。</p></div>"""
    mps = """<div style="background:#0d3c84;color:#fff;padding:16px 40px;font-size:22px">全国互联网安全管理服务平台</div>
<div style="width:900px;margin:40px auto;font-family:sans-serif"><h3>联网备案信息查询</h3>
<form onsubmit="return false"><input placeholder="请输入网站名称/域名/备案号" style="width:500px;height:36px"> <button>查询</button></form></div>"""
    jiucuo = """(function(){var s=document.getElementById('_jiucuo_');if(!s){return;}var a=document.createElement('a');
a.href='https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code='+(s.getAttribute('sitecode')||'');a.target='_blank';
a.textContent='政府网站找错';a.style.cssText='display:inline-block;margin:6px;padding:3px 10px;border:1px solid #c00;color:#c00;font-size:12px';
s.parentNode.insertBefore(a,s);})();
"""
    for host, title, files, routes, ip, reg, created, org in [
        ("beian.miit.gov.cn", "ICP/IP地址/域名信息备案管理系统", {"index.html": page("ICP/IP地址/域名信息备案管理系统", miit)},
         [route("/", file="index.html"), route("*", file="index.html")], "124.127.234.30", "miit.gov.cn", "2003-01-01T00:00:00Z", "工业和信息化部"),
        ("bszs.conac.cn", "党政机关网站标识", {"index.html": page("党政机关网站标识", conac)},
         [route("/sitename", file="index.html"), route("/", file="index.html")], "36.112.26.40", "conac.cn", "2009-05-20T00:00:00Z", "中央机构编制委员会办公室"),
        ("beian.mps.gov.cn", "全国互联网安全管理服务平台", {"index.html": page("全国互联网安全管理服务平台", mps)},
         [route("/", file="index.html"), route("*", file="index.html")], "61.135.0.30", "mps.gov.cn", "2002-01-01T00:00:00Z", "公安部"),
        ("zfwzgl.www.gov.cn", "政府网站找错", {"exposure/jiucuo.js": jiucuo, "exposure/jiucuo.html": page("我为政府网站找错", "<h2>我为政府网站找错</h2>")},
         [route("/exposure/jiucuo.js", file="exposure/jiucuo.js", content_type="application/javascript; charset=utf-8"),
          route("/exposure/jiucuo.html", file="exposure/jiucuo.html")], "180.149.133.55", "www.gov.cn", "1998-01-01T00:00:00Z", "国务院办公厅"),
    ]:
        site(host, meta("infrastructure", f"{title}: registry/badge infrastructure linked from government footers (not scored)",
                        ["links", "ct"], schemes=["http", "https"]),
             {"a": [ip], "ns": [f"ns1.{reg}", f"ns2.{reg}"]},
             whois("政务和公益机构域名注册管理中心" if reg.endswith("gov.cn") else "北京新网数码信息技术有限公司", created, "2031-01-01T00:00:00Z",
                   org, org=org, ns=[f"ns1.{reg}", f"ns2.{reg}"], status=["ok"]),
             tls(issuer="GeoTrust CN RSA CA G1"), ct("2025-10-01T00:00:00Z"), routes=routes, files=files)
