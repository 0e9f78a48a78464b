"""The genuine platform replica and kit A (faithful clones of it).

Longer than 400 lines: the replica's CSS and page markup are data, kept beside the kit that
clones them so a change to the genuine look reaches its copies."""
from __future__ import annotations
import json
from base import *

TITLE = "特种作业操作证及安全生产知识和管理能力考核合格信息查询平台"
BM = "bm95000012"
ICP = "京ICP备19003216号-2"
GONGAN = "11010502039184"
CONAC_ID = "7c1e2f0a9b3d4e5f8a6b1c2d3e4f5a6b"

CSS = r"""
* { box-sizing: border-box; }
html, body { margin: 0; padding: 0; }
body { font-family: "Helvetica Neue", Helvetica, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", Arial, sans-serif; background: #f0f4fa; color: #303133; font-size: 14px; }
a { color: #1765c1; text-decoration: none; }
.header { background: linear-gradient(90deg, #0b4fa8 0%, #1a6fd1 60%, #2f86e8 100%); height: 96px; }
.header-inner { width: 1200px; max-width: 100%; margin: 0 auto; padding: 12px 20px; display: flex; align-items: center; justify-content: space-between; }
.header-inner .logo { height: 72px; }
.header-inner .nav a { color: #fff; margin-left: 20px; font-size: 14px; }
.main { width: 1200px; max-width: 100%; margin: 0 auto; padding: 28px 20px 40px; min-height: 520px; }
.banner-text { text-align: center; color: #0b4fa8; font-size: 26px; font-weight: bold; margin: 18px 0 30px; letter-spacing: 2px; }
.card-list { display: flex; gap: 40px; justify-content: center; flex-wrap: wrap; }
.query-card { width: 460px; background: #fff; border-radius: 8px; box-shadow: 0 2px 12px 0 rgba(0,0,0,.08); padding: 36px 32px 32px; text-align: center; border-top: 4px solid #1a6fd1; }
.query-card.card-safety { border-top-color: #1f9e5a; }
.query-card .card-icon { width: 72px; height: 72px; border-radius: 50%; margin: 0 auto 16px; background: #e8f1fc; color: #1a6fd1; font-size: 34px; line-height: 72px; font-weight: bold; }
.query-card.card-safety .card-icon { background: #e6f6ee; color: #1f9e5a; }
.query-card .card-title { font-size: 20px; font-weight: bold; margin-bottom: 12px; line-height: 1.5; }
.query-card .card-desc { color: #606266; line-height: 1.8; min-height: 76px; margin-bottom: 20px; }
.el-button { display: inline-block; line-height: 1; white-space: nowrap; cursor: pointer; background: #fff; border: 1px solid #dcdfe6; color: #606266; text-align: center; outline: 0; margin: 0; font-weight: 500; padding: 12px 28px; font-size: 14px; border-radius: 4px; }
.el-button--primary { color: #fff; background-color: #409eff; border-color: #409eff; }
.el-button--primary:hover { background: #66b1ff; border-color: #66b1ff; }
.tips { margin: 36px auto 0; background: #fff; border-radius: 6px; padding: 18px 24px; line-height: 2; color: #606266; border-left: 4px solid #e6a23c; }
.tips b { color: #c0392b; }
.query-panel { background: #fff; border-radius: 8px; box-shadow: 0 2px 12px 0 rgba(0,0,0,.08); padding: 26px 40px 36px; }
.panel-title { font-size: 20px; font-weight: bold; color: #0b4fa8; padding-bottom: 14px; border-bottom: 1px solid #ebeef5; margin-bottom: 26px; }
.breadcrumb { color: #909399; margin-bottom: 14px; }
.el-form { width: 560px; max-width: 100%; margin: 0 auto; }
.el-form-item { display: flex; align-items: center; margin-bottom: 22px; }
.el-form-item__label { width: 96px; text-align: right; padding-right: 12px; color: #606266; }
.el-form-item__label::before { content: "*"; color: #f56c6c; margin-right: 4px; }
.el-form-item__content { flex: 1; display: flex; align-items: center; }
.el-input__inner { width: 100%; height: 40px; line-height: 40px; padding: 0 15px; border: 1px solid #dcdfe6; border-radius: 4px; color: #606266; font-size: 14px; background: #fff; }
.el-input__inner:focus { border-color: #409eff; outline: 0; }
select.el-input__inner { appearance: auto; }
.yzm-style-img { width: 110px; height: 40px; margin-left: 10px; cursor: pointer; border: 1px solid #dcdfe6; border-radius: 4px; }
.form-actions { text-align: center; margin-top: 8px; }
.form-actions .el-button { width: 200px; }
.el-message { margin: 16px auto 0; width: 560px; max-width: 100%; padding: 12px 16px; border-radius: 4px; background: #fef0f0; color: #f56c6c; border: 1px solid #fde2e2; display: none; }
#result { margin-top: 30px; }
.el-descriptions { margin-bottom: 26px; }
.el-descriptions__header { display: flex; justify-content: space-between; align-items: center; margin-bottom: 12px; }
.el-descriptions__title { font-size: 16px; font-weight: bold; color: #303133; }
.el-descriptions__extra { color: #909399; }
.el-descriptions__table { width: 100%; border-collapse: collapse; table-layout: fixed; }
.el-descriptions__table th, .el-descriptions__table td { border: 1px solid #ebeef5; padding: 12px 10px; text-align: left; font-weight: normal; line-height: 1.5; }
.el-descriptions-item__label.is-bordered-label { background: #fafafa; color: #909399; width: 150px; }
.el-divider { display: flex; align-items: center; color: #909399; margin: 26px 0 18px; }
.el-divider::before, .el-divider::after { content: ""; flex: 1; border-top: 1px dashed #dcdfe6; }
.el-divider span { padding: 0 16px; }
.empty-result { text-align: center; color: #909399; padding: 40px 0; font-size: 15px; }
.footer { background: #1c3f73; color: #c8d4e6; text-align: center; padding: 22px 0 26px; line-height: 2; font-size: 13px; }
.footer a { color: #c8d4e6; }
.footer .conac { display: inline-block; vertical-align: middle; margin-right: 18px; }
.footer .conac img { height: 50px; }
.footer .marks img { vertical-align: middle; height: 16px; margin-right: 3px; }
.footer .sep { margin: 0 10px; }
"""

# query.js is shared byte for byte by the genuine site and the kit-A clones.
QUERY_JS = r"""/* cert query page (special / safety) */
(function () {
  'use strict';
  var kind = document.body.getAttribute('data-kind') || 'special';
  var uuid = '';
  var FIELDS = {
    special: [['name', '姓名'], ['workCategory', '作业类别'], ['operItem', '操作项目'], ['firstDate', '初领日期'],
      ['validStart', '有效期开始日期'], ['validEnd', '有效期结束日期'], ['shouldReviewDate', '应复审日期'],
      ['actualReviewDate', '实际复审日期'], ['issuingAuthority', '签发机关']],
    safety: [['name', '姓名'], ['personType', '人员类型'], ['industry', '行业类别'], ['firstDate', '初领日期'],
      ['validStart', '有效期开始日期'], ['validEnd', '有效期结束日期'], ['issuingAuthority', '签发机关']]
  };
  var TITLES = { special: '特种作业操作证', safety: '安全生产知识和管理能力考核合格证' };
  function $(id) { return document.getElementById(id); }
  function esc(s) {
    return String(s == null ? '' : s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  function message(text) { var m = $('msg'); m.textContent = text; m.style.display = text ? 'block' : 'none'; }
  function loadCode() {
    fetch('/prod-api/certsearch/code').then(function (r) { return r.json(); }).then(function (res) {
      if (res.code === 200) { $('yzm').src = 'data:image/png;base64,' + res.img; uuid = res.uuid; }
    });
  }
  function table(item) {
    var f = FIELDS[kind], rows = '';
    for (var i = 0; i < f.length; i += 2) {
      rows += '<tr class="el-descriptions-row">';
      for (var j = i; j < i + 2; j++) {
        if (j < f.length) {
          rows += '<th class="el-descriptions-item__label is-bordered-label">' + f[j][1] + '</th>' +
            '<td class="el-descriptions-item__content">' + esc(item[f[j][0]]) + '</td>';
        } else { rows += '<th class="el-descriptions-item__label is-bordered-label"></th><td class="el-descriptions-item__content"></td>'; }
      }
      rows += '</tr>';
    }
    return '<div class="el-descriptions"><div class="el-descriptions__header"><div class="el-descriptions__title">' +
      TITLES[kind] + '</div><div class="el-descriptions__extra">证号：' + esc(item.certNo) + '</div></div>' +
      '<div class="el-descriptions__body"><table class="el-descriptions__table is-bordered"><tbody>' + rows +
      '</tbody></table></div></div>';
  }
  function render(list) {
    var box = $('result');
    if (!list || !list.length) { box.innerHTML = '<div class="empty-result">没有查询到相关证件信息！</div>'; return; }
    var cur = '', old = '';
    list.forEach(function (it) { if (it.history) { old += table(it); } else { cur += table(it); } });
    box.innerHTML = cur + (old ? '<div class="el-divider"><span>历史数据</span></div>' + old : '');
  }
  function query() {
    var t = $('idcardTypeCode').value, n = $('idcardNum').value.trim(), nm = $('name').value.trim(), c = $('code').value.trim();
    if (!t) { return message('请选择证件类型'); }
    if (!n) { return message('请输入证件号码'); }
    if (!nm) { return message('请输入姓名'); }
    if (!c) { return message('请输入验证码'); }
    message('');
    var qs = 'idcardNum=' + encodeURIComponent(n) + '&idcardTypeCode=' + encodeURIComponent(t) + '&name=' +
      encodeURIComponent(nm) + '&code=' + encodeURIComponent(c) + '&uuid=' + encodeURIComponent(uuid) +
      '&certType=' + (kind === 'safety' ? '2' : '1');
    fetch('/prod-api/certsearch/certInfo/netQuery?' + qs).then(function (r) { return r.json(); }).then(function (res) {
      if (res.code !== 200) { message(res.msg || '查询失败'); loadCode(); return; }
      render(res.data);
      loadCode();
    }).catch(function () { message('网络异常，请稍后再试'); });
  }
  $('btnQuery').addEventListener('click', query);
  $('yzm').addEventListener('click', loadCode);
  loadCode();
})();
"""

SPECIAL_FIELDS = [("name", "姓名"), ("workCategory", "作业类别"), ("operItem", "操作项目"), ("firstDate", "初领日期"),
                  ("validStart", "有效期开始日期"), ("validEnd", "有效期结束日期"), ("shouldReviewDate", "应复审日期"),
                  ("actualReviewDate", "实际复审日期"), ("issuingAuthority", "签发机关")]


def desc_table(item, title="特种作业操作证"):
    rows = ""
    f = SPECIAL_FIELDS
    for i in range(0, len(f), 2):
        rows += '<tr class="el-descriptions-row">'
        for j in range(i, i + 2):
            if j < len(f):
                rows += (f'<th class="el-descriptions-item__label is-bordered-label">{f[j][1]}</th>'
                         f'<td class="el-descriptions-item__content">{item[f[j][0]]}</td>')
            else:
                rows += '<th class="el-descriptions-item__label is-bordered-label"></th><td class="el-descriptions-item__content"></td>'
        rows += "</tr>"
    return (f'<div class="el-descriptions"><div class="el-descriptions__header"><div class="el-descriptions__title">{title}</div>'
            f'<div class="el-descriptions__extra">证号：{item["certNo"]}</div></div>'
            f'<div class="el-descriptions__body"><table class="el-descriptions__table is-bordered"><tbody>{rows}</tbody></table></div></div>')


def footer(icp=ICP, icp_link=True, gongan=GONGAN, gongan_link=True, bm=BM, conac="link", conac_id=CONAC_ID,
           jiucuo=True, sponsor="主办单位：应急管理部", extra=""):
    parts = ['<div class="footer">', '<p>相关链接：<a href="https://www.mem.gov.cn/" target="_blank">应急管理部网站</a>'
             '<span class="sep">|</span><a href="https://www.gov.cn/" target="_blank">中国政府网</a></p>']
    parts.append(f'<p>{sponsor}<span class="sep">|</span>技术支持：应急管理部通信信息中心</p>')
    if conac == "link":
        conac_html = (f'<a class="conac" href="https://bszs.conac.cn/sitename?method=show&amp;id={conac_id}" target="_blank">'
                      '<img src="/img/conac.png" alt="党政机关"></a>')
    elif conac == "img":  # badge image copied without the verification link
        conac_html = '<span class="conac"><img src="/img/conac.png" alt="党政机关"></span>'
    else:
        conac_html = ""
    marks = []
    if icp:
        marks.append(f'<a href="https://beian.miit.gov.cn/" target="_blank">{icp}</a>' if icp_link else f"<span>{icp}</span>")
    if gongan:
        g = f'<img src="/img/gongan.png" alt="">京公网安备 {gongan}号'
        marks.append(f'<a href="https://beian.mps.gov.cn/#/query/webSearch?code={gongan}" target="_blank">{g}</a>' if gongan_link else f"<span>{g}</span>")
    if bm:
        marks.append(f"<span>政府网站标识码：{bm}</span>")
    parts.append(f'<div>{conac_html}<span class="marks">' + '<span class="sep"></span>'.join(marks) + "</span></div>")
    parts.append('<p>建议使用Chrome、Edge、Firefox等浏览器，分辨率1366×768及以上</p>')
    if extra:
        parts.append(extra)
    if jiucuo and bm:
        parts.append(f'<script id="_jiucuo_" sitecode="{bm}" src="https://zfwzgl.www.gov.cn/exposure/jiucuo.js"></script>')
    parts.append("</div>")
    return "\n".join(parts)


def head_meta(domain, bm=BM):
    return (f'<meta name="SiteName" content="{TITLE}">\n<meta name="SiteDomain" content="{domain}">\n'
            f'<meta name="SiteIDCode" content="{bm}">\n<link rel="icon" href="/favicon.ico">\n'
            '<link rel="stylesheet" href="/css/app.css">\n')


HEADER = ('<div class="header"><div class="header-inner"><a href="/"><img class="logo" src="/img/logo.png" alt="应急管理部"></a>'
          '<div class="nav"><a href="/">首页</a><a href="/special?index=0">特种作业操作证查询</a>'
          '<a href="/safety?index=1">安全生产知识和管理能力考核合格信息查询</a></div></div></div>')


def home(domain, foot, extra_head=""):
    body = f"""<div id="app">
{HEADER}
<div class="main">
  <div class="banner-text">{TITLE}</div>
  <div class="card-list">
    <div class="query-card card-special">
      <div class="card-icon">特</div>
      <div class="card-title">特种作业操作证查询</div>
      <div class="card-desc">可查询电工作业、焊接与热切割作业、高处作业、制冷与空调作业等特种作业操作证的发证、复审及有效期信息。</div>
      <a class="el-button el-button--primary" href="/special?index=0">进入查询</a>
    </div>
    <div class="query-card card-safety">
      <div class="card-icon">安</div>
      <div class="card-title">安全生产知识和管理能力考核合格信息查询</div>
      <div class="card-desc">可查询生产经营单位主要负责人和安全生产管理人员安全生产知识和管理能力考核合格信息。</div>
      <a class="el-button el-button--primary" href="/safety?index=1">进入查询</a>
    </div>
  </div>
  <div class="tips">
    <p><b>温馨提示：</b>本平台是应急管理部建设的特种作业操作证及安全生产知识和管理能力考核合格信息的全国统一查询平台，网址为 cx.mem.gov.cn，网址是判断证书查询平台真伪的唯一标准。</p>
    <p>证书信息由各省级应急管理部门负责录入和维护。如对查询结果有疑问，请联系签发机关核实。也可通过微信公众号「国家安全生产考试」查询。</p>
    <p>凡宣称“免考”“包过”“不用到场”“官网可查”的办证广告均涉嫌违法，请勿轻信，发现线索可向当地应急管理部门或公安机关举报。</p>
  </div>
</div>
{foot}
</div>"""
    return page(TITLE, body, head=head_meta(domain) + extra_head)


def form_page(domain, foot, kind, extra_head="", js="/js/query.js"):
    if kind == "special":
        title, crumb = "特种作业操作证查询", "首页 &gt; 特种作业操作证查询"
    else:
        title, crumb = "安全生产知识和管理能力考核合格信息查询", "首页 &gt; 安全生产知识和管理能力考核合格信息查询"
    body = f"""<div id="app">
{HEADER}
<div class="main">
  <div class="breadcrumb">{crumb}</div>
  <div class="query-panel">
    <div class="panel-title">{title}</div>
    <form class="el-form" id="queryForm" onsubmit="return false;">
      <div class="el-form-item"><label class="el-form-item__label" for="idcardTypeCode">证件类型</label>
        <div class="el-form-item__content"><div class="el-select" style="width:100%"><select class="el-input__inner" id="idcardTypeCode">
          <option value="" disabled selected>请选择证件类型</option><option value="01">身份证</option><option value="02">护照</option>
          <option value="03">港澳居民来往内地通行证</option><option value="04">台湾居民来往大陆通行证</option><option value="05">外国人永久居留身份证</option>
        </select></div></div></div>
      <div class="el-form-item"><label class="el-form-item__label" for="idcardNum">证件号码</label>
        <div class="el-form-item__content"><input class="el-input__inner" id="idcardNum" type="text" autocomplete="off" placeholder="请输入证件号码"></div></div>
      <div class="el-form-item"><label class="el-form-item__label" for="name">姓名</label>
        <div class="el-form-item__content"><input class="el-input__inner" id="name" type="text" autocomplete="off" placeholder="请输入姓名"></div></div>
      <div class="el-form-item"><label class="el-form-item__label" for="code">验证码</label>
        <div class="el-form-item__content"><input class="el-input__inner" id="code" type="text" autocomplete="off" maxlength="4" placeholder="请输入验证码">
        <img class="yzm-style-img" id="yzm" alt="验证码" title="看不清？点击换一张" src="data:image/gif;base64,R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw=="></div></div>
      <div class="form-actions"><button type="button" class="el-button el-button--primary" id="btnQuery">查询</button></div>
    </form>
    <div class="el-message" id="msg"></div>
    <div id="result"></div>
  </div>
</div>
{foot}
</div>
<script src="{js}"></script>"""
    return page(f"{title} - {TITLE}", body, head=head_meta(domain) + extra_head).replace(
        "<body>", f'<body data-kind="{kind}">', 1)


def result_page(domain, foot, items, extra_head=""):
    cur = "".join(desc_table(i) for i in items if not i.get("history"))
    old = "".join(desc_table(i) for i in items if i.get("history"))
    hist = f'<div class="el-divider"><span>历史数据</span></div>{old}' if old else ""
    body = f"""<div id="app">
{HEADER}
<div class="main">
  <div class="breadcrumb">首页 &gt; 特种作业操作证查询 &gt; 查询结果</div>
  <div class="query-panel">
    <div class="panel-title">特种作业操作证查询结果</div>
    <div id="result">{cur}{hist}</div>
    <div class="form-actions"><a class="el-button" href="/special?index=0">返回查询</a></div>
  </div>
</div>
{foot}
</div>"""
    return page(f"查询结果 - {TITLE}", body, head=head_meta(domain) + extra_head)


# ---- holders -------------------------------------------------------------
def cert(name, idn, cat, item, first, vs, ve, should, actual, auth, history=False):
    return {"name": name, "certNo": "T" + idn, "workCategory": cat, "operItem": item, "firstDate": first,
            "validStart": vs, "validEnd": ve, "shouldReviewDate": should, "actualReviewDate": actual,
            "issuingAuthority": auth, "history": history}

GENUINE_WANG = [
    cert("王小明", IDS["wangxm"], "电工作业", "低压电工作业", "2019-05-20", "2025-05-20", "2031-05-19", "2028-05-19", "", "北京市应急管理局"),
    cert("王小明", IDS["wangxm"], "电工作业", "低压电工作业", "2019-05-20", "2019-05-20", "2025-05-19", "2022-05-19", "2022-04-11", "北京市应急管理局", True),
]
FAKE_LIU = [cert("刘振华", IDS["liuzh"], "电工作业", "高压电工作业", "2026-09-02", "2026-09-02", "2032-09-01", "2029-09-01", "", "湖北省应急管理厅")]


def replica_files(domain, foot, result_items, js_name="query.js", extra_head=""):
    return {
        "index.html": home(domain, foot, extra_head),
        "special.html": form_page(domain, foot, "special", extra_head, f"/js/{js_name}"),
        "safety.html": form_page(domain, foot, "safety", extra_head, f"/js/{js_name}"),
        "result.html": result_page(domain, foot, result_items, extra_head),
        "css/app.css": CSS.lstrip(),
        f"js/{js_name}": QUERY_JS,
    }


def platform_routes(api_code, api_query, delay=0.0, index_extra=None):
    def r(path, **kw):
        d = {"path": path}
        d.update(kw)
        if delay and "file" in kw and kw["file"].endswith(".html"):
            d["delay"] = delay
        return d
    return [
        r("/", file="index.html"),
        r("/index.html", file="index.html"),
        r("/special?index=0", file="special.html"),
        r("/special", file="special.html"),
        r("/safety?index=1", file="safety.html"),
        r("/safety", file="safety.html"),
        r("/result", file="result.html"),
        api_code,
        api_query,
    ]


def build_genuine():
    foot = footer()
    files = replica_files("cx.mem.gov.cn", foot, GENUINE_WANG)
    files["robots.txt"] = "User-agent: *\nDisallow: /prod-api/\n"
    routes = platform_routes(
        {"path": "/prod-api/certsearch/code", "handler": "mem:code", "content_type": "application/json;charset=UTF-8"},
        {"path": "/prod-api/certsearch/certInfo/netQuery", "handler": "mem:net_query", "content_type": "application/json;charset=UTF-8"},
    )
    site("cx.mem.gov.cn", {
        "aliases": [], "label": "official", "categories": [], "variants": ["https"], "template": "", "target": "mem",
        "entry": "/", "schemes": ["http", "https"],
        "note": "replica of the genuine MEM certificate query platform (home, two query forms, JSON API, static result page)",
        "discoverable_by": ["search", "ct"],
        "search_terms": ["特种作业操作证查询", "特种作业证查询官网", "应急管理部证书查询", "安全生产知识和管理能力考核合格信息查询", "操作证查询"],
    }, {"a": ["106.38.196.20", "106.38.196.21"], "ns": ["ns1.mem.gov.cn", "ns2.mem.gov.cn"], "mx": ["mail.mem.gov.cn"]},
        whois=whois("政务和公益机构域名注册管理中心", "2018-04-11T02:30:00Z", "2030-04-11T02:30:00Z", "应急管理部",
                    org="中华人民共和国应急管理部", ns=["ns1.mem.gov.cn", "ns2.mem.gov.cn"], status=["ok"], updated="2024-03-18T01:00:00Z"),
        tls=tls(issuer="GeoTrust CN RSA CA G1", names=["cx.mem.gov.cn"]), ct=ct("2025-06-03T02:14:00Z"),
        routes=routes, files=files)


# ---- kit A ------------------------------------------------------------------
STATIC_CODE = {"path": "/prod-api/certsearch/code", "file": "api/code.json", "content_type": "application/json;charset=UTF-8"}
STATIC_QUERY = {"path": "/prod-api/certsearch/certInfo/netQuery", "file": "api/netquery.json", "content_type": "application/json;charset=UTF-8"}
BAIDU_HM = '<script>var _hmt = _hmt || [];(function(){var hm=document.createElement("script");hm.src="https://hm.baidu.com/hm.js?3f9c1b2e7d4a5b6c8e0f1a2b3c4d5e6f";var s=document.getElementsByTagName("script")[0];s.parentNode.insertBefore(hm,s);})();</script>\n'


def kit_a(host, *, foot, meta, dns, whois_=None, tls_=None, ct_=None, holder=FAKE_LIU, delay=0.0, extra_routes=()):
    files = replica_files(host, foot, holder, extra_head=BAIDU_HM)
    files["api/netquery.json"] = json.dumps({"msg": "查询成功", "code": 200, "data": holder}, ensure_ascii=False)
    routes = list(extra_routes) + platform_routes(STATIC_CODE, STATIC_QUERY, delay=delay)
    m = {"aliases": [], "categories": ["impersonation", "fake-verification"], "template": "kit-a", "target": "mem",
         "entry": "/", "schemes": ["http"], "search_terms": []}
    m.update(meta)
    m["label"] = "counterfeit"
    site(host, dict(sorted(m.items(), key=lambda kv: ORDER.index(kv[0]))), dns, whois_, tls_, ct_, routes, files)


ORDER = ["aliases", "label", "categories", "variants", "template", "target", "entry", "schemes", "note",
         "discoverable_by", "search_terms"]

NS_OWL = ["ns1.dnsowl.com", "ns2.dnsowl.com", "ns3.dnsowl.com"]
PRIV = "REDACTED FOR PRIVACY"


def build_kit_a():
    kit_a("cx-mem-gov.cn", foot=footer(icp="京ICP备2026031876号", bm=BM, conac="img", jiucuo=False),
          meta={"aliases": ["www.cx-mem-gov.cn"], "variants": ["clone", "forged-marks"],
                "note": "kit-A faithful clone on a hyphenated look-alike; invented ICP, copied bm code, CONAC badge without link",
                "discoverable_by": ["permutations", "search"], "search_terms": ["特种作业操作证查询", "特种作业证查询官网"]},
          dns={"a": ["47.242.10.21"], "ns": NS_OWL},
          whois_=whois("阿里云计算有限公司（万网）", "2026-09-14T03:12:00Z", "2027-09-14T03:12:00Z", "黄志成", ns=NS_OWL,
                       status=["clientTransferProhibited", "serverTransferProhibited"]))
    kit_a("cxmemgov.com", foot=footer(),  # footer copied verbatim, genuine bszs link included
          meta={"aliases": ["www.cxmemgov.com"], "variants": ["clone", "https", "copied-marks"], "schemes": ["http", "https"],
                "note": "kit-A clone over HTTPS; footer copied verbatim from the genuine site (ICP, 公安备案, bm code, CONAC link)",
                "discoverable_by": ["permutations", "ct"]},
          dns={"a": ["47.242.10.22"], "ns": NS_OWL},
          whois_=whois("NameSilo, LLC", "2026-10-02T11:40:00Z", "2027-10-02T11:40:00Z", PRIV, country="US", privacy=True, ns=NS_OWL),
          tls_=tls(issuer="R11", names=["cxmemgov.com", "www.cxmemgov.com"]), ct_=ct("2026-10-02T12:05:00Z"))
    kit_a("cx.mem.gov.cn.zscx.top", foot=footer(icp="", gongan="", bm="", conac="none"),
          meta={"variants": ["clone", "subdomain-abuse", "https", "no-marks"], "schemes": ["http", "https"],
                "note": "kit-A clone on the real host name used as a prefix of another domain; footer marks missing",
                "discoverable_by": ["ct"]},
          dns={"a": ["154.39.88.17"], "ns": ["dns1.hichina.com", "dns2.hichina.com"], "wildcard": True},
          whois_=whois("Alibaba Cloud Computing Ltd. d/b/a HiChina (www.net.cn)", "2026-08-21T06:00:00Z", "2027-08-21T06:00:00Z", PRIV,
                       country="CN", privacy=True, ns=["dns1.hichina.com", "dns2.hichina.com"]),
          tls_=tls(issuer="R10", names=["*.zscx.top", "zscx.top"]), ct_=ct("2026-08-21T07:30:00Z", extra=["cx.mem.gov.cn.zscx.top"]))
    kit_a("memgov-cx.xyz", foot=footer(icp=ICP),
          meta={"variants": ["clone", "slow", "copied-marks"],
                "note": "kit-A clone behind a slow host (3 s per page); copied genuine ICP number",
                "discoverable_by": ["permutations"]},
          dns={"a": ["104.21.48.133", "172.67.161.20"], "ns": ["kai.ns.cloudflare.com", "rosa.ns.cloudflare.com"]},
          whois_=whois("Gname.com Pte. Ltd.", "2026-10-19T15:22:00Z", "2027-10-19T15:22:00Z", PRIV, country="SG", privacy=True,
                       ns=["kai.ns.cloudflare.com", "rosa.ns.cloudflare.com"]),
          delay=3.0)
    kit_a("cx.rnem-gov.cn", foot=footer(icp="京ICP备18062011号-1", bm="bm95000021", conac="img", jiucuo=False),
          meta={"variants": ["clone", "homoglyph", "qr", "forged-marks"],
                "entry": "/result?idcardTypeCode=01&idcardNum=420106198802143395&name=%E5%88%98%E6%8C%AF%E5%8D%8E",
                "note": "kit-A clone on a homoglyph (rn for m) reached from a fake card's QR code at its result page",
                "discoverable_by": ["seeds"]},
          dns={"a": ["47.242.10.23"], "ns": NS_OWL},
          whois_=whois("厦门三五互联科技股份有限公司", "2026-11-03T09:10:00Z", "2027-11-03T09:10:00Z", "陈立群", ns=NS_OWL))
    kit_a("cxmem-gov.com", foot=footer(icp="京ICP备2026044120号", icp_link=False, gongan="11010502039999", gongan_link=False, bm=BM, conac="none"),
          meta={"aliases": ["www.cxmem-gov.com"], "variants": ["clone", "typo", "forged-marks"],
                "note": "kit-A clone on a typo of the real host; invented ICP and 公安备案 numbers without links",
                "discoverable_by": ["permutations"]},
          dns={"a": ["47.242.10.21"], "ns": NS_OWL},
          whois_=whois("NameSilo, LLC", "2026-09-30T22:48:00Z", "2027-09-30T22:48:00Z", PRIV, country="US", privacy=True, ns=NS_OWL))
    kit_a("cx.zscx-mem.top", foot=footer(icp="京ICP备2026031876号", conac="img", jiucuo=False),
          meta={"variants": ["clone", "redirect", "forged-marks"],
                "entry": "/special?index=0",
                "note": "kit-A clone at the end of the mem-gov.cc redirect chain",
                "discoverable_by": ["links"]},
          dns={"a": ["154.39.88.18"], "ns": ["dns1.hichina.com", "dns2.hichina.com"]},
          whois_=whois("Alibaba Cloud Computing Ltd. d/b/a HiChina (www.net.cn)", "2026-10-27T04:16:00Z", "2027-10-27T04:16:00Z", PRIV,
                       privacy=True, ns=["dns1.hichina.com", "dns2.hichina.com"]))
