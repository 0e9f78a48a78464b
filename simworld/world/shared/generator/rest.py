"""Sellers, parked look-alikes, benign hard negatives, registered look-alikes without a site."""
from __future__ import annotations
from base import *
from plat import PRIV, NS_OWL

ZS_CX = "https://zs-cx.top/cert/verify?no=T" + IDS["sunlq"]
TZZY = "http://tzzy-zscx.cc/m/q?c=T" + IDS["liuzh"]

S_CSS = """body{margin:0;font-family:"Microsoft YaHei","Noto Sans CJK SC",sans-serif;background:#fff8ef;color:#333}
.hero{background:linear-gradient(135deg,#ff6a00,#ee0979);color:#fff;text-align:center;padding:40px 10px}
.hero h1{font-size:36px;margin:0 0 10px}.hero p{font-size:18px;margin:6px 0}
.tags span{display:inline-block;background:#fff;color:#ee0979;border-radius:16px;padding:4px 14px;margin:6px;font-weight:bold}
.sec{width:1000px;max-width:94%;margin:26px auto;background:#fff;border-radius:8px;padding:20px 28px;box-shadow:0 2px 8px rgba(0,0,0,.06)}
.sec h2{color:#ee0979;border-left:5px solid #ee0979;padding-left:10px;font-size:22px}
table{width:100%;border-collapse:collapse}th,td{border:1px solid #f1d9c2;padding:10px;text-align:center}th{background:#fff0e0}
.price{color:#e4393c;font-weight:bold}.contact{background:#07c160;color:#fff;text-align:center;padding:20px;font-size:20px;border-radius:8px}
.contact img{width:150px;display:block;margin:10px auto}.sample img{max-width:100%}"""


def seller_a(brand, items, contact, link, card_note):
    rows = "".join(f'<tr><td>{n}</td><td>{t}</td><td class="price">{p}</td><td>{d}</td></tr>' for n, t, p, d in items)
    return f"""<div class="hero"><h1>{brand}</h1><p>特种作业操作证 一站式服务 · 免考 · 包过 · 不用到场</p>
<div class="tags"><span>官网可查</span><span>全国联网可查</span><span>终身可查验真假</span><span>加急3天出证</span><span>保过</span></div></div>
<div class="sec"><h2>办理项目与价格</h2><table><tr><th>证书</th><th>类别</th><th>价格</th><th>周期</th></tr>{rows}</table>
<p>所有证书均可在“应急管理部官网”查询，扫描证书二维码即可验证真伪，假一赔十！</p></div>
<div class="sec sample"><h2>证书样本</h2><img src="/img/yangben.png" alt="特种作业操作证样本"><p>{card_note} <a href="{link}">点此查看官网查询结果</a></p></div>
<div class="sec"><h2>办理流程</h2><p>1．添加客服微信，发送身份证正反面照片、一寸白底照片；2．支付定金；3．3–7个工作日出证，官网可查后付尾款；4．顺丰包邮到家。</p></div>
<div class="sec contact">{contact}<img src="/img/wx-qr.png" alt="微信二维码"></div>"""


def build_sellers():
    items = [("电工证", "低压电工作业", "1280元", "5–7天"), ("电工证", "高压电工作业", "1580元", "5–7天"),
             ("焊工证", "熔化焊接与热切割作业", "1380元", "5–7天"), ("高空作业证", "高处安装、维护、拆除作业", "1280元", "7天"),
             ("制冷证", "制冷与空调设备运行操作作业", "1480元", "7天"), ("安全员证", "安全生产管理人员", "1880元", "10天")]
    site("tezhongzuoye-banzheng.com", meta("seller", "seller landing page: price list, 免考/包过, WeChat QR, sample card whose QR opens zs-cx.top",
                                           ["search", "seeds"], categories=["seller"], template="seller-a", target="mem",
                                           aliases=["www.tezhongzuoye-banzheng.com"],
                                           search_terms=["特种作业操作证 免考", "电工证 办理", "特种作业证 包过"]),
         {"a": ["43.129.200.17"], "ns": NS_OWL},
         whois("NameSilo, LLC", "2026-07-30T08:00:00Z", "2027-07-30T08:00:00Z", PRIV, country="US", privacy=True, ns=NS_OWL),
         routes=[route("/", file="index.html")],
         files={"index.html": page("特种作业操作证办理_电工证焊工证免考包过_官网可查", seller_a(
             "特种作业操作证快速办理", items, "客服微信：tzzy_banzheng88　QQ：3281046677　电话：138-0000-4521", ZS_CX,
             "证书背面二维码扫码可查，手机直接显示“证书有效”。"), css=S_CSS)})
    site("dianhangong-zheng.cn", meta("seller", "seller of electrician/welder cards, same seller template, links to tzzy-zscx.cc result page",
                                      ["search", "seeds"], categories=["seller"], template="seller-a", target="mem",
                                      search_terms=["电工证 免考", "焊工证 办理 官网可查"]),
         {"a": ["43.129.200.18"], "ns": NS_OWL},
         whois("阿里云计算有限公司（万网）", "2026-09-09T02:00:00Z", "2027-09-09T02:00:00Z", "吴春来", ns=NS_OWL),
         routes=[route("/", file="index.html")],
         files={"index.html": page("电工证焊工证办理_免考速成_全国联网可查", seller_a(
             "电工证 · 焊工证 速成办理", items[:3], "微信/电话：139-0000-7788　QQ：2954410032", TZZY,
             "扫码可查，全国联网，用人单位随便验。"), css=S_CSS)})
    blog_css = """body{margin:0;background:#f4f4f4;font-family:"Microsoft YaHei","Noto Sans CJK SC",sans-serif;color:#333}
.w{width:860px;max-width:94%;margin:0 auto;background:#fff;padding:20px 34px;line-height:2}h1{font-size:26px}h2{font-size:19px;border-bottom:1px solid #ddd}
.kf{position:fixed;right:14px;bottom:30px;background:#1aad19;color:#fff;padding:12px;border-radius:6px;width:150px;text-align:center}
.kf img{width:120px}a{color:#0a58ca}"""
    blog = f"""<div class="w"><h1>2026年特种作业操作证怎么快速拿证？官网可查吗？</h1>
<p>很多朋友工地上急需上岗，却没时间参加培训考试。我们提供一站式服务：<b>免考、速成、加急</b>，本人<b>不用到场</b>，证书全国通用，<b>官网可查</b>，可在应急管理部查询平台查验。</p>
<h2>可办证书</h2><p>低压电工、高压电工、焊工（熔化焊接与热切割）、高处作业、制冷与空调、安全员A/B/C证。</p>
<h2>查询方法</h2><p>拿到证书后扫描背面二维码即可查询，或打开 <a href="{ZS_CX}">证书查询入口</a> 输入证号。也可以通过 <a href="http://cx.zscx-mem.top/special?index=0">特种作业操作证查询（备用入口）</a> 查询。</p>
<h2>价格</h2><p>电工证、焊工证 1200–1600 元，安全员证 1800 元起，加急另加 300 元。保过，不过全额退款。</p>
<p>更多办证信息请看合作网站 <a href="http://anquanyuan-zhengshu.top/">安全员证办理</a>。</p></div>
<div class="kf">在线客服<br>微信：kuaiban_zs666<img src="/img/wx-qr.png" alt=""></div>"""
    site("hangongzheng-kuaiban.com", meta("seller", "SEO blog-style seller page over HTTPS linking to zs-cx.top and the cx.zscx-mem.top clone",
                                          ["ct", "search"], variants=["https"], categories=["seller"], template="seller-b", target="mem",
                                          schemes=["http", "https"], search_terms=["特种作业操作证 官网可查", "焊工证 快速拿证"]),
         {"a": ["103.117.121.9"], "ns": CF},
         whois("Gname.com Pte. Ltd.", "2026-08-18T04:00:00Z", "2027-08-18T04:00:00Z", PRIV, country="SG", privacy=True, ns=CF),
         tls(issuer="WE1"), ct("2026-08-18T04:30:00Z"),
         routes=[route("/", file="index.html")],
         files={"index.html": page("特种作业操作证怎么快速拿证_官网可查_免考加急", blog, css=blog_css)})
    blog2 = f"""<div class="w"><h1>安全员证/特种作业证 代办 · 包考包过</h1>
<p>专业代办安全员A证、B证、C证及各类特种作业操作证。<b>包考包过</b>，<b>一站式服务</b>，证书<b>全国联网可查</b>，<b>终身可查验真假</b>。</p>
<p>证书信息录入国家平台，扫码可查。查询示例：<a href="{TZZY}">点击查看</a></p>
<h2>联系方式</h2><p>QQ：1839920451　微信：aqy_zhengshu　电话：137-0000-3366</p>
<p><a href="https://tezhongzuoye-banzheng.com/">合作伙伴：特种作业操作证快速办理</a></p></div>
<div class="kf">扫码加微信<img src="/img/wx-qr.png" alt=""></div>"""
    site("anquanyuan-zhengshu.top", meta("seller", "seller of 安全员证 and special-operation cards, 包考包过, links to tzzy-zscx.cc",
                                         ["links", "search"], categories=["seller"], template="seller-b", target="mem",
                                         search_terms=["安全员证 代办", "安全员证 包过"]),
         {"a": ["103.117.121.10"], "ns": CF},
         whois("Gname.com Pte. Ltd.", "2026-09-26T10:00:00Z", "2027-09-26T10:00:00Z", PRIV, country="SG", privacy=True, ns=CF),
         routes=[route("/", file="index.html")],
         files={"index.html": page("安全员证代办_特种作业证包考包过_全国联网可查", blog2, css=blog_css)})
    m_css = """body{margin:0;font-family:-apple-system,"PingFang SC","Noto Sans CJK SC",sans-serif;background:#fff}
.top{background:#e4393c;color:#fff;padding:16px;font-size:20px;text-align:center}.item{margin:12px;padding:14px;border:1px solid #f3c7c7;border-radius:8px}
.item b{color:#e4393c}.btn{display:block;margin:16px;background:#07c160;color:#fff;text-align:center;padding:14px;border-radius:24px;font-size:18px}
img{max-width:100%}"""
    mob = f"""<div class="top">高空作业证 · 登高证 加急办理</div>
<div class="item"><b>免考 · 不用到场</b><br>提供身份证和照片即可，最快3天出证。</div>
<div class="item"><b>官网可查 · 扫码可查</b><br>证书二维码直连查询页面，显示“证书有效”。<a href="{ZS_CX}">查看示例</a></div>
<div class="item"><b>价格</b><br>高处作业证 1180元；登高架设 1280元；加急 +200元。</div>
<img src="/img/yangben.png" alt="证书样本">
<a class="btn" href="weixin://">微信咨询：gk_ban2026</a><a class="btn" href="tel:13600008899" style="background:#1989fa">电话：136-0000-8899</a>"""
    site("gaokongzheng-ban.xyz", meta("seller", "mobile seller page for 高空作业证, 免考/扫码可查, links to zs-cx.top",
                                      ["seeds"], variants=["mobile"], categories=["seller"], template="seller-c", target="mem"),
         {"a": ["154.39.92.7"], "ns": ["ns1.dns-diy.net", "ns2.dns-diy.net"]},
         whois("Gname.com Pte. Ltd.", "2026-11-08T06:00:00Z", "2027-11-08T06:00:00Z", PRIV, country="SG", privacy=True,
               ns=["ns1.dns-diy.net", "ns2.dns-diy.net"]),
         routes=[route("/", file="index.html")],
         files={"index.html": page("高空作业证办理 免考 扫码可查", mob, css=m_css)})


CF = ["kai.ns.cloudflare.com", "rosa.ns.cloudflare.com"]


def build_parked():
    sedo = """<div style="font-family:Arial,sans-serif;text-align:center;margin-top:60px">
<h1 style="font-size:34px;color:#333">memgov.net</h1><p style="font-size:18px;color:#777">This domain may be for sale!</p>
<p><a href="https://www.parkingcrew.example/buy?domain=memgov.net" style="background:#f58220;color:#fff;padding:10px 26px;text-decoration:none">Buy this domain</a></p>
<h3 style="margin-top:50px;color:#555">Related Searches</h3>
<p><a href="/search?q=Government+Certificate">Government Certificate</a> · <a href="/search?q=Safety+Training">Safety Training</a> · <a href="/search?q=Memory+Chips">Memory Chips</a></p>
<p style="color:#aaa;font-size:12px;margin-top:60px">Copyright © 2026 memgov.net. All rights reserved. | Privacy Policy</p></div>"""
    forsale = """<div style="font-family:'Microsoft YaHei','Noto Sans CJK SC',sans-serif;text-align:center;margin-top:100px">
<h1 style="color:#1e6fd9">cx-mem.com</h1><h2>此域名正在出售</h2><p>优质双拼域名，适合查询类、企业类网站。</p>
<p>联系QQ：2290018834　邮箱：ymjy@example.cn</p><p style="color:#999">本页面由域名交易平台提供</p></div>"""
    baota = """<div style="font-family:'Microsoft YaHei','Noto Sans CJK SC',sans-serif;width:600px;margin:80px auto;border:1px solid #ddd;padding:30px">
<h1 style="color:#20a53a;font-size:28px">恭喜，站点创建成功！</h1><h3>这是默认index.html，本页面由系统自动生成</h3>
<ul><li>本页面在FTP根目录下的index.html</li><li>您可以修改、删除或覆盖本页面</li><li>FTP相关信息，请到“面板系统后台 &gt; FTP”查看</li></ul></div>"""
    lander = """<div style="font-family:'Microsoft YaHei','Noto Sans CJK SC',sans-serif;text-align:center;margin-top:120px;color:#666">
<p style="font-size:20px">该域名尚未绑定网站</p><p>如果您是域名持有者，请登录域名管理控制台进行解析和绑定。</p></div>"""
    for host, body, title, variants, note, ip, ns, reg, created, exp, who, priv, country in [
        ("memgov.net", sedo, "memgov.net - This domain may be for sale", ["parked", "for-sale"], "registrar parking lander with PPC links (for sale)",
         "76.223.54.146", ["ns1.parkingcrew.net", "ns2.parkingcrew.net"], "GoDaddy.com, LLC", "2025-12-03T00:00:00Z", "2026-12-03T00:00:00Z", PRIV, True, "US"),
        ("cx-mem.com", forsale, "cx-mem.com 此域名正在出售", ["parked", "for-sale"], "Chinese for-sale page on a registered look-alike",
         "121.41.30.77", ["dns1.hichina.com", "dns2.hichina.com"], "阿里云计算有限公司（万网）", "2026-06-11T00:00:00Z", "2027-06-11T00:00:00Z", "王永强", False, "CN"),
        ("mem-gov.top", baota, "恭喜，站点创建成功！", ["parked", "default-page"], "hosting panel default page: registered and hosted, content not yet deployed",
         "154.39.93.2", NS_OWL, "NameSilo, LLC", "2026-11-12T00:00:00Z", "2027-11-12T00:00:00Z", PRIV, True, "US"),
        ("cxmem.cn", lander, "", ["parked", "empty"], "registrar lander: domain registered, no site bound",
         "106.75.6.2", ["dns1.hichina.com", "dns2.hichina.com"], "阿里云计算有限公司（万网）", "2026-10-01T00:00:00Z", "2027-10-01T00:00:00Z", "周平", False, "CN"),
    ]:
        site(host, meta("parked", note, ["permutations"], variants=variants, categories=["parked-lookalike"], target="mem"),
             {"a": [ip], "ns": ns}, whois(reg, created, exp, who, country=country, privacy=priv, ns=ns),
             routes=[route("/", file="index.html"), route("*", file="index.html")],
             files={"index.html": page(title, body)})


B_CSS = """body{margin:0;font-family:"Microsoft YaHei","Noto Sans CJK SC",sans-serif;color:#333;background:#fff}
.hd{background:%(c)s;color:#fff;padding:20px 0}.in{width:1060px;max-width:94%%;margin:0 auto}.hd b{font-size:24px}.hd nav a{color:#fff;margin-right:20px;font-size:15px}
.main{width:1060px;max-width:94%%;margin:24px auto;line-height:2}.main h1{font-size:26px}.main h2{font-size:20px;color:%(c)s}
.note{background:#f6f8fb;border-left:4px solid %(c)s;padding:10px 16px}.main img{max-width:100%%;border:1px solid #ddd}
.ft{background:#333;color:#bbb;text-align:center;font-size:12px;line-height:2;padding:16px 0;margin-top:30px}.ft a{color:#bbb}"""


def bpage(title, color, brand, nav, main, foot):
    navs = "".join(f'<a href="{h}">{t}</a>' for t, h in nav)
    body = (f'<div class="hd"><div class="in"><b>{brand}</b><nav style="margin-top:10px">{navs}</nav></div></div>'
            f'<div class="main">{main}</div><div class="ft">{foot}</div>')
    return page(title, body, css=B_CSS % {"c": color})


def bsite(host, label_note, disc, *, title, color, brand, nav, main, foot, ip, ns, reg, created, who, https=False,
          search=(), variants=(), priv=False, org="", country="CN", extra_files=None, target="mem", aliases=()):
    files = {"index.html": bpage(title, color, brand, nav, main, foot)}
    files.update(extra_files or {})
    site(host, meta("benign", label_note, disc, variants=variants, target=target, schemes=["http", "https"] if https else ["http"],
                    search_terms=search, aliases=aliases),
         {"a": [ip], "ns": ns},
         whois(reg, created, "2028-" + created[5:], who, org=org, country=country, privacy=priv, ns=ns),
         tls(issuer="Encryption Everywhere DV TLS CA - G2") if https else None, ct("2026-03-01T00:00:00Z") if https else None,
         routes=[route("/", file="index.html")], files=files)


HOW_TO = """<ol><li>在浏览器地址栏手动输入官方网址 <a href="http://cx.mem.gov.cn/">cx.mem.gov.cn</a>（不要点击来路不明的链接）；</li>
<li>在首页点击「特种作业操作证查询」卡片下的「进入查询」；</li>
<li>在「请选择证件类型」中选择“身份证”，在「请输入证件号码」中输入身份证号，在「请输入姓名」中输入姓名；</li>
<li>输入图片中的验证码，点击「查询」按钮；</li>
<li>页面显示姓名、作业类别、操作项目、初领日期、有效期开始日期、有效期结束日期、应复审日期、实际复审日期、签发机关等信息；查询不到时提示“没有查询到相关证件信息！”。</li></ol>"""


def build_benign():
    ali = ["dns19.hichina.com", "dns20.hichina.com"]
    dnsp = ["f1g1ns1.dnspod.net", "f1g1ns2.dnspod.net"]
    bsite("www.zhongan-peixun.com", "training school explaining how to verify a card on cx.mem.gov.cn, with a drawn illustration; links to the real platform",
          ["search", "ct"], https=True, search=["特种作业操作证查询", "特种作业操作证怎么查真假"],
          title="特种作业操作证如何查询真伪？_中安职业技能培训学校", color="#1b5e9e", brand="北京中安职业技能培训学校",
          nav=[("首页", "/"), ("培训项目", "/px/"), ("考试安排", "/ks/"), ("证书查询", "http://cx.mem.gov.cn/"), ("联系我们", "/lx/")],
          main=f"""<h1>特种作业操作证如何查询真伪？</h1><p class="note">本校提醒：特种作业操作证只能通过培训和考试取得。任何“免考”“包过”都是骗局，所谓“官网可查”的假证对应的是假冒查询网站。</p>
<p>学员取证后，可以登录应急管理部“特种作业操作证及安全生产知识和管理能力考核合格信息查询平台”自行查验。步骤如下：</p>{HOW_TO}
<p><img src="/img/cx-shiyi.png" alt="查询页面示意图"></p><p>也可关注微信公众号「国家安全生产考试」（认准蓝色认证标识）进行查询。</p>""",
          foot="北京中安职业技能培训学校 版权所有　京ICP备16052231号-1　培训咨询：010-6000 1234",
          ip="47.94.118.20", ns=ali, reg="阿里云计算有限公司（万网）", created="2015-04-02T00:00:00Z", who=PRIV, priv=True,
          aliases=["zhongan-peixun.com"])
    bsite("www.hz-anquanpeixun.com", "training centre (fees, courses, exam schedule) with a 证书查询 link to the official platform",
          ["search"], search=["特种作业 培训 报名", "电工证 考试 报名"],
          title="杭州安达安全技术培训中心_特种作业培训报名", color="#0f7a55", brand="杭州安达安全技术培训中心",
          nav=[("首页", "/"), ("课程", "/kc/"), ("报名", "/bm/"), ("证书查询", "https://cx.mem.gov.cn/")],
          main="""<h1>2027年第一期特种作业培训报名</h1><p>培训项目：低压电工作业、熔化焊接与热切割作业、高处安装维护拆除作业、制冷与空调设备运行操作作业。</p>
<p>培训费用：理论+实操 1200元（含教材），培训时间 10 天，培训结束后参加浙江省应急管理厅组织的统一考试，考试合格后由签发机关发证。</p>
<p class="note">本中心不提供任何代考、免考服务。取证后请登录 <a href="https://cx.mem.gov.cn/">cx.mem.gov.cn</a> 输入证件号码和姓名查询证书信息。</p>
<img src="/img/cx-shiyi.png" alt="查询示意">""",
          foot="杭州安达安全技术培训中心　浙ICP备18011122号　地址：杭州市拱墅区莫干山路88号",
          ip="101.37.28.60", ns=ali, reg="阿里云计算有限公司（万网）", created="2018-02-11T00:00:00Z", who="杭州安达安全技术培训中心",
          org="杭州安达安全技术培训中心")
    bsite("www.jsaqpx.com.cn", "provincial online safety-training platform (.com.cn) linking to the official query platform",
          ["seeds", "ct"], https=True,
          title="江苏安全生产培训在线平台", color="#1d4f91", brand="江苏安全生产培训在线平台",
          nav=[("首页", "/"), ("在线学习", "/xx/"), ("考试预约", "/yy/"), ("证书查询", "https://cx.mem.gov.cn/special?index=0")],
          main="""<h1>学员服务</h1><p>本平台为全省特种作业人员和生产经营单位主要负责人、安全生产管理人员提供在线理论学习和考试预约服务。</p>
<h2>证书查询</h2><p>特种作业操作证及安全生产知识和管理能力考核合格信息请统一在应急管理部查询平台 <a href="https://cx.mem.gov.cn/special?index=0">特种作业操作证查询</a> 查询。</p>
<img src="/img/cx-shiyi.png" alt="">""",
          foot="江苏安培在线教育科技有限公司　苏ICP备17030221号-2　苏公网安备 32010502010333号",
          ip="58.213.141.12", ns=dnsp, reg="北京新网数码信息技术有限公司", created="2017-06-20T00:00:00Z", who="江苏安培在线教育科技有限公司",
          org="江苏安培在线教育科技有限公司")
    bsite("www.anquan-shibao.com", "news story on the crackdown on fake certificate query sites, quoting 免考/包过 and naming cx.mem.gov.cn",
          ["search", "ct"], https=True, search=["假冒 证书查询网站 打掉", "特种作业操作证 假证 网站", "特种作业操作证查询"],
          title="多地警方打掉假冒证书查询网站团伙：“免考包过”的证书扫码竟显示“有效”_安全时报网", color="#8b1a1a", brand="安全时报网",
          nav=[("首页", "/"), ("要闻", "/yw/"), ("监管", "/jg/"), ("法治", "/fz/")],
          main="""<h1>多地警方打掉假冒证书查询网站团伙：“免考包过”的证书扫码竟显示“有效”</h1><p style="color:#888">2026-11-16 来源：安全时报网 记者 周明</p>
<p>记者从公安机关获悉，近期多地警方联合应急管理部门，打掉一批制售假特种作业操作证、搭建假冒证书查询网站的犯罪团伙。这些团伙在网上以“免考”“包过”“不用到场”“官网可查”为噱头招揽客户，收取一千余元后制作假证，并把证书二维码指向自行搭建的假冒查询网站，扫码后页面显示“证书有效”。</p>
<p>办案民警介绍，假冒网站的页面与官方平台几乎一样，但网址不同，服务器多设在境外，域名频繁更换，往往几周就换一次。</p>
<p>应急管理部门提醒，特种作业操作证唯一官方查询网址为 cx.mem.gov.cn，请勿通过扫描证书上的二维码查验真伪。</p>""",
          foot="安全时报网　京ICP备14021870号　违法和不良信息举报电话：010-6000 5678",
          ip="123.57.82.14", ns=ali, reg="阿里云计算有限公司（万网）", created="2013-09-09T00:00:00Z", who=PRIV, priv=True)
    bsite("www.tezhong-tiku.com", "exam-prep site (question bank, mock exams) mentioning how to check the card afterwards",
          ["search"], search=["低压电工 题库", "特种作业 模拟考试"],
          title="特种作业考试题库_低压电工模拟考试_特种作业题库网", color="#5b3fa8", brand="特种作业题库网",
          nav=[("首页", "/"), ("电工", "/dg/"), ("焊工", "/hg/"), ("高处作业", "/gc/"), ("模拟考试", "/mn/")],
          main="""<h1>低压电工作业 模拟考试（第12套）</h1><p>1．【判断题】特种作业人员必须经专门的安全技术培训并考核合格，取得《中华人民共和国特种作业操作证》后，方可上岗作业。（√）</p>
<p>2．【判断题】特种作业操作证每3年复审一次。（√）</p><p>3．【单选题】特种作业操作证有效期为（ ）年。A．3　B．6　C．12　答案：B</p>
<p class="note">考试合格取证后，可在应急管理部特种作业操作证查询平台（cx.mem.gov.cn）查询证书，输入证件号码、姓名和验证码即可。</p>""",
          foot="特种作业题库网　鲁ICP备19041155号-1", ip="39.105.220.3", ns=dnsp, reg="阿里云计算有限公司（万网）",
          created="2019-03-14T00:00:00Z", who=PRIV, priv=True)
    bsite("memchip-cx.com", "unrelated memory-chip company (MEM brand) with a product/part-number query page",
          ["seeds", "ct"], https=True, target="",
          title="芯存科技 MEM 存储芯片 - 型号查询", color="#0a7ea4", brand="深圳芯存科技有限公司 MEM",
          nav=[("首页", "/"), ("产品中心", "/cp/"), ("型号查询", "/cx/"), ("技术支持", "/js/"), ("联系我们", "/lx/")],
          main="""<h1>MEM 系列存储芯片型号查询</h1><p>输入料号即可查询 MEM DDR4/DDR5、eMMC、NAND Flash 产品的规格书、封装与供货状态。</p>
<p>热门型号：MEM-D4C16G-3200、MEM-E64G-5.1、MEM-N512G-TLC。</p><p>证书与认证：ISO 9001:2015、IATF 16949 证书编号请见“关于我们 - 资质证书”。</p>""",
          foot="深圳芯存科技有限公司　粤ICP备20051234号-1", ip="120.25.10.88", ns=dnsp, reg="阿里云计算有限公司（万网）",
          created="2020-07-01T00:00:00Z", who="深圳芯存科技有限公司", org="深圳芯存科技有限公司")
    bsite("www.cxjixie.com", "unrelated machinery company from 长兴 (cx) with a 资质证书 page",
          ["seeds"], target="",
          title="长兴县恒通机械有限公司", color="#3a5f0b", brand="长兴县恒通机械有限公司",
          nav=[("首页", "/"), ("产品", "/cp/"), ("资质证书", "/zz/"), ("联系我们", "/lx/")],
          main="""<h1>公司简介</h1><p>长兴县恒通机械有限公司位于浙江省湖州市长兴县，主营起重设备配件和输送机械，产品通过ISO 9001质量体系认证。</p>
<h2>资质证书查询</h2><p>本公司特种设备制造许可证可在国家市场监督管理总局网站查询；公司员工持证上岗，电工、焊工均持有有效特种作业操作证。</p>""",
          foot="长兴县恒通机械有限公司　浙ICP备12008765号", ip="115.238.90.14", ns=ali, reg="阿里云计算有限公司（万网）",
          created="2011-05-23T00:00:00Z", who="长兴县恒通机械有限公司", org="长兴县恒通机械有限公司", aliases=["cxjixie.com"])
    bsite("www.zwcloud-saas.com", "gov-themed SaaS vendor selling 证照查询 systems to governments (hard negative: government words, query UI)",
          ["search", "ct"], https=True, target="", search=["证书查询系统 开发", "政务服务 查询平台 解决方案"],
          title="政务云查询平台解决方案_证照与资格证书查询系统_智政云", color="#c0392b", brand="智政云 · 政务SaaS",
          nav=[("首页", "/"), ("解决方案", "/fa/"), ("案例", "/al/"), ("关于我们", "/gy/")],
          main="""<h1>证照与资格证书查询系统</h1><p>为各级政府部门和行业协会提供证书查询平台建设服务：证件号码+姓名+验证码查询、二维码验真、数据对接与安全等保三级。</p>
<p class="note">我们只为具备资质的政府部门和机构建设系统，部署在客户自有的政务云和 .gov.cn 域名下，不承接任何仿冒官方网站的业务。</p>
<h2>典型案例</h2><p>某市人社局职业技能等级证书查询、某行业协会会员证书查询、某高校毕业证书电子验证。</p>""",
          foot="北京智政云科技有限公司　京ICP备19081234号-1", ip="49.233.12.44", ns=dnsp, reg="北京新网数码信息技术有限公司",
          created="2019-08-08T00:00:00Z", who="北京智政云科技有限公司", org="北京智政云科技有限公司")
    bsite("www.zjaqxh.org.cn", "industry association site with a 证书查询 link to the official platform",
          ["seeds"],
          title="浙江省安全生产协会", color="#0d5aa7", brand="浙江省安全生产协会",
          nav=[("首页", "/"), ("协会动态", "/dt/"), ("会员服务", "/hy/"), ("证书查询", "http://cx.mem.gov.cn/")],
          main="""<h1>协会动态</h1><p>省安全生产协会召开2026年会员代表大会，部署行业自律和特种作业人员持证上岗宣传工作。</p>
<h2>证书查询</h2><p>特种作业操作证、安全生产知识和管理能力考核合格证请通过 <a href="http://cx.mem.gov.cn/">应急管理部证书查询平台</a> 查询；协会会员证书请在“会员服务”栏目查询。</p>""",
          foot="浙江省安全生产协会　浙ICP备09011221号-1　地址：杭州市西湖区文三路", ip="60.191.70.12", ns=ali, reg="阿里云计算有限公司（万网）",
          created="2009-10-15T00:00:00Z", who="浙江省安全生产协会", org="浙江省安全生产协会")
    bsite("www.dianhangong-peixun.com", "legit electrician/welder training school whose name resembles sellers'; says 免考 does not exist",
          ["search"], search=["电工证 办理", "电工证 培训 报名", "特种作业操作证 免考"],
          title="电工证焊工证培训报名_正规考试取证_宏安培训", color="#d35400", brand="宏安电焊工培训学校",
          nav=[("首页", "/"), ("报名须知", "/bm/"), ("证书查询", "https://cx.mem.gov.cn/")],
          main="""<h1>电工证、焊工证怎么办理？</h1><p>电工证、焊工证属于特种作业操作证，须本人参加培训并通过应急管理部门组织的理论和实操考试，<b>不存在“免考”“包过”“不用到场”</b>。</p>
<p>网上宣称“免考拿证、官网可查”的，所谓官网其实是假冒网站，持假证上岗属于违法行为。</p>
<p class="note">报名条件：年满18周岁，初中及以上文化程度，身体健康。取证后在 cx.mem.gov.cn 输入证件号码和姓名查询。</p>""",
          foot="宏安电焊工培训学校　冀ICP备17007733号", ip="47.92.150.31", ns=ali, reg="阿里云计算有限公司（万网）",
          created="2017-01-05T00:00:00Z", who=PRIV, priv=True)
    bsite("www.fangwei-zhishi.com", "Q&A knowledge site on spotting fake certificate query sites (quotes 官网可查, 扫码可查)",
          ["search"], search=["特种作业操作证 真假 怎么辨别", "扫码显示有效 是真的吗"],
          title="特种作业证扫码显示“有效”就是真的吗？_防伪知识网", color="#2c3e50", brand="防伪知识网",
          nav=[("首页", "/"), ("证书防伪", "/zs/"), ("问答", "/wd/")],
          main="""<h1>特种作业证扫码显示“有效”就是真的吗？</h1><p><b>问：</b>朋友给我办了个电工证，说“官网可查、扫码可查”，扫码确实显示证书有效，这是真的吗？</p>
<p><b>答：</b>不一定。假证的二维码通常指向假冒的查询网页，页面做得和官方很像。判断真伪只看网址：特种作业操作证唯一官方查询网址是 cx.mem.gov.cn。请在浏览器里手动输入该网址，进入“特种作业操作证查询”，输入证件类型、证件号码、姓名和验证码查询。查不到的，就说明证书没有录入官方系统。</p>""",
          foot="防伪知识网　沪ICP备15020998号-2", ip="106.14.60.70", ns=dnsp, reg="阿里云计算有限公司（万网）",
          created="2015-11-30T00:00:00Z", who=PRIV, priv=True)


DOMAINS = [
    ("mem-gov.com", "look-alike registered long ago, NS only, no A record", [], NS_OWL, "2025-02-14T00:00:00Z"),
    ("cxmem.net", "look-alike with an A record on kit-A hosting but no web server answering", ["47.242.10.26"], NS_OWL, "2026-09-14T03:20:00Z"),
    ("memgov-zscx.com", "look-alike in the kit-A batch (same day, same registrar), no site yet", ["47.242.10.21"], NS_OWL, "2026-09-14T03:25:00Z"),
    ("cx-memgov.top", "look-alike with Cloudflare NS, no site", ["104.21.77.12"], CF, "2026-10-30T00:00:00Z"),
    ("tzzy-cx.xyz", "service-word look-alike, registered and left empty", [], ["ns1.dns-diy.net", "ns2.dns-diy.net"], "2026-11-05T00:00:00Z"),
    ("memcx.cc", "look-alike with MX only (mail phishing candidate)", [], NS_OWL, "2026-08-30T00:00:00Z"),
    ("zscx-mem.com", "look-alike sister of zscx-mem.top, NS only", [], ["dns1.hichina.com", "dns2.hichina.com"], "2026-10-27T04:20:00Z"),
]


def build_domains():
    out = ["# Registered look-alike domains with DNS and WHOIS but no web site (label parked).\n"]
    for name, note, a, ns, created in DOMAINS:
        out.append(table("[domain]", {"name": name, "label": "parked", "note": note}))
        dns = {"a": a, "ns": ns}
        if name == "memcx.cc":
            dns["mx"] = ["mx1.privateemail.com"]
        out.append(table("domain.dns", dns_defaults(dns)))
        out.append(table("domain.whois", whois("NameSilo, LLC" if "hichina" not in ns[0] else "阿里云计算有限公司（万网）", created,
                                                str(int(created[:4]) + 1) + created[4:], PRIV, country="US", privacy=True, ns=ns)))
        out.append("")
    (ROOT / "domains.toml").write_text("\n".join(out), encoding="utf-8")
