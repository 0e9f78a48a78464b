"""Content detector: presenting-as vs linking-to, forms, result pages, footer marks, sellers."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "pages"))
import pagekit as kit  # noqa: E402

from detectors.content import detector  # noqa: E402

REF = kit.reference()


def run(url: str, name_or_html: str, **kw):
    body = kit.html(name_or_html) if name_or_html.endswith(".html") else name_or_html
    return detector.detect(kit.page(url, body, **kw), REF, kit.NO_LOOKUPS)


def top(signals, category: str) -> float:
    return max((s.score for s in signals if category in s.categories), default=0.0)


def test_metadata_is_chinese_and_versioned():
    assert detector.name == "content" and detector.version
    assert any("\u4e00" <= ch <= "\u9fff" for ch in detector.description)


def test_clone_on_lookalike_host_presents_as_the_platform_with_its_own_form():
    signals = run("http://cx-mem-gov.cn/special?index=0", "clone_special.html")
    form = [s for s in signals if "证件号码/姓名/验证码" in s.reason]
    assert form and form[0].score >= 0.9
    assert "特种作业操作证及安全生产知识和管理能力考核合格信息查询平台" in form[0].reason
    assert "cx.mem.gov.cn" in form[0].reason and "cx-mem-gov.cn" in form[0].reason
    assert form[0].details["form_targets"] == ["cx-mem-gov.cn"]
    assert top(signals, "impersonation") >= 0.9
    # footer numbers copied from the genuine page, and government marks on a .cn host
    marks = [s for s in signals if "forged-marks" in s.categories]
    assert marks and marks[0].score >= 0.85
    assert "bm84000001" in marks[0].details["copied"]
    assert "京ICP备18054512号" in marks[0].details["copied"]


def test_genuine_page_on_official_host_gives_no_counterfeit_signal():
    assert run("http://cx.mem.gov.cn/special?index=0", "genuine_special.html") == []
    assert run("https://cx.mem.gov.cn/", "genuine_special.html") == []


def test_genuine_copy_on_other_host_is_highly_similar():
    signals = run("http://cxmem.top/special?index=0", "genuine_special.html")
    sim = [s for s in signals if "text_ratio" in s.details]
    assert sim and sim[0].details["text_ratio"] >= 95 and sim[0].score >= 0.85


def test_result_only_page_is_fake_verification():
    signals = run("http://m.cxmem-gov.com/r?id=1", "fake_result.html")
    result = [s for s in signals if "result_labels" in s.details]
    assert result and result[0].score >= 0.85
    assert {"作业类别", "操作项目", "签发机关"} <= set(result[0].details["result_labels"])
    assert "fake-verification" in result[0].categories


def test_training_school_linking_to_platform_scores_low():
    signals = run("http://www.andapx.com/cx.html", "school.html")
    assert top(signals, "impersonation") < 0.2
    assert top(signals, "fake-verification") < 0.2
    assert top(signals, "seller") < 0.3
    quoted = [s for s in signals if "引用而非冒充" in s.reason]
    assert quoted and "cx.mem.gov.cn" in quoted[0].reason


def test_news_about_crackdown_is_not_a_seller():
    signals = run("http://news.jsnews.cn/a/1.html", "news.html")
    seller = [s for s in signals if "免考" in s.reason]
    assert seller and seller[0].score < 0.2 and "seller" not in seller[0].categories
    assert "警示/报道" in seller[0].reason or "否定或引用" in seller[0].reason
    assert top(signals, "impersonation") < 0.2


def test_seller_with_contacts_is_a_seller():
    signals = run("http://www.banzheng88.com/", "seller.html")
    seller = [s for s in signals if "seller" in s.categories]
    assert seller and seller[0].score >= 0.8
    assert any("13812345678" in c for c in seller[0].details["contacts"])
    assert any("zhengshu8888" in c for c in seller[0].details["contacts"])


def test_gov_identity_form_with_forged_site_code():
    # a GBK page arrives decoded; meta charset says gbk, the str is what counts
    signals = run("http://sdyjzw.com/", "gov_claim_form.html")
    form = [s for s in signals if "form_targets" in s.details]
    assert form and form[0].score >= 0.75 and "山东省应急管理厅" in form[0].reason
    assert form[0].details["form_targets"] == ["query.sdyjzw.com"]
    marks = [s for s in signals if "forged-marks" in s.categories][0]
    assert "3700000012" in marks.reason and marks.score >= 0.85
    assert any("鲁ICP备号" in x for x in marks.details["marks"]["bad_icp"])


def test_form_posting_to_the_official_host_is_not_impersonation():
    body = kit.html("clone_special.html").replace(
        'action="/api/certQuery"', 'action="https://cx.mem.gov.cn/prod-api/certsearch"'
    )
    signals = run("http://portal.example-px.com/", body)
    form = [s for s in signals if "form_targets" in s.details][0]
    assert form.score < 0.1 and form.categories == ()


def test_raw_html_used_when_render_is_missing():
    body = kit.html("fake_result.html")
    signals = run("http://m.cxmem-gov.com/r", body, rendered_html="", visible_text="")
    assert top(signals, "fake-verification") >= 0.85


def test_empty_page_gives_nothing():
    page = kit.page("http://empty.example.com/", "", title="", visible_text="")
    assert detector.detect(page, REF, kit.NO_LOOKUPS) == []


def test_malformed_html_does_not_crash():
    body = (
        '<?xml version="1.0" encoding="gbk"?><html><body><div><p>免考包过 微信：abc12345<<<</div>'
    )
    signals = run("http://x.example.com/", body)
    assert top(signals, "seller") >= 0.8


def test_huge_page_is_bounded():
    filler = "<p>" + "安全生产培训内容。" * 40 + "</p>"
    body = "<html><head><title>培训资料</title></head><body>" + filler * 20000 + "</body></html>"
    assert len(body) > 5_000_000
    signals = run("http://big.example.com/", body)
    assert top(signals, "impersonation") == 0.0


@pytest.mark.parametrize(
    "mark, expect",
    [
        ("网站标识码：12345", "政府网站标识码"),
        ("京公网安备1101020200号", "公网安备号格式不正确"),
        ("ICP备12345678号", "ICP备案号格式不正确"),
    ],
)
def test_malformed_footer_marks(mark, expect):
    body = f"<html><head><title>某某公司</title></head><body><p>产品介绍</p><div class='footer'>{mark}</div></body></html>"
    signals = run("http://company.example.com/", body)
    marks = [s for s in signals if "forged-marks" in s.categories]
    assert marks and expect in marks[0].reason


def test_ranking_counterfeits_above_hard_negatives():
    bad = [
        run("http://cx-mem-gov.cn/special?index=0", "clone_special.html"),
        run("http://m.cxmem-gov.com/r?id=1", "fake_result.html"),
        run("http://sdyjzw.com/", "gov_claim_form.html"),
    ]
    good = [
        run("http://www.andapx.com/cx.html", "school.html"),
        run("http://news.jsnews.cn/a/1.html", "news.html"),
    ]
    worst_bad = min(top(s, "impersonation") for s in bad)
    best_good = max(max((x.score for x in s), default=0.0) for s in good)
    assert worst_bad > best_good


WORLD = Path(__file__).resolve().parents[1] / "simworld" / "world" / "sites"


#: variants whose files on disk are not what a browser shows (JS-built, redirect, 5xx)
_NOT_ON_DISK = {"js", "redirect", "error5xx", "hang"}


def _world_pages():
    import tomllib

    out = []
    for site in sorted(WORLD.glob("*/site.toml")):
        meta = tomllib.loads(site.read_text(encoding="utf-8"))
        if meta.get("label") not in ("counterfeit", "benign", "official", "seller"):
            continue
        if _NOT_ON_DISK & set(meta.get("variants", [])):
            continue
        for f in sorted((site.parent / "files").rglob("*.htm*"))[:8]:
            body = f.read_text(encoding="utf-8", errors="replace")
            out.append((meta["label"], meta["host"], f"http://{meta['host']}/{f.name}", body))
    return out


def test_simulated_world_sites_rank_counterfeits_above_benign():
    """Realistic inputs: the simulated world's own HTML files (labels in site.toml)."""
    pages = _world_pages()
    assert {"counterfeit", "benign"} <= {label for label, *_ in pages}, "world has lost its sites"
    best: dict[tuple[str, str], float] = {}
    imitation: dict[tuple[str, str], float] = {}
    for label, host, url, body in pages:
        signals = run(url, body)
        key = (label, host)
        best[key] = max(best.get(key, 0.0), max((s.score for s in signals), default=0.0))
        imitation[key] = max(
            imitation.get(key, 0.0),
            top(signals, "impersonation"),
            top(signals, "fake-verification"),
        )
    by = lambda table, lab: [v for (label, _), v in table.items() if label == lab]  # noqa: E731
    benign = by(best, "benign")
    assert min(by(imitation, "counterfeit")) > max(benign), best
    assert min(by(best, "seller")) > max(benign), best
    assert max(benign) < 0.3, best
    # official sites never look like counterfeits (sichuan's 蜀ICP备 is a valid ICP number)
    assert max(by(imitation, "official")) < 0.3, best


def test_seller_words_condemned_later_in_the_sentence_are_not_selling():
    warning = (
        "<html><body><p>温馨提示：凡宣称“免考”“包过”“不用到场”“官网可查”的办证广告均涉嫌违法，"
        "请勿轻信，发现线索可向公安机关举报。</p></body></html>"
    )
    assert top(run("http://example-school.com/", warning), "seller") == 0
    offer = "<html><body><p>专业办证，全国可查。微信：zheng8888</p></body></html>"
    assert top(run("http://example-shop.com/", offer), "seller") >= 0.5


# ---- issue 8: forms with meaning, unrelated content, the imitating variant


LOGIN = """<html><head><title>统一身份认证</title></head><body><h1>某某大学统一身份认证</h1>
<form action="/cas/login" method="post">
<input name="username" placeholder="请输入学号/工号/身份证号">
<input name="password" type="password" placeholder="请输入密码">
<input name="captcha" placeholder="请输入验证码"><img src="/cas/captcha.jpg">
<button>登录</button></form></body></html>"""

EXAM_QUERY = """<html><head><title>某某省教育考试院 成绩查询</title></head><body>
<h1>某某省教育考试院</h1><h2>考试成绩查询</h2>
<form action="/score/query"><input name="idcard" placeholder="请输入身份证号">
<input name="xm" placeholder="请输入姓名"><input name="yzm" placeholder="请输入验证码">
<button>查询</button></form></body></html>"""

CERT_FORM = EXAM_QUERY.replace("考试成绩查询", "特种作业操作证查询")


def test_a_login_form_with_a_captcha_is_not_fake_verification():
    signals = run("https://ids.example-univ.edu.cn/", LOGIN)
    assert top(signals, "fake-verification") == 0
    login = [s for s in signals if s.details.get("login")]
    assert login and "登录" in login[0].reason and login[0].score == 0


def test_a_query_form_about_something_else_is_not_the_platforms():
    # the platform's field semantics (ID number + name) but another subject: exam scores
    signals = run("https://query.example-exam.org.cn/", EXAM_QUERY)
    assert top(signals, "fake-verification") == 0
    # the same form about the platform's certificates is a fake query entry
    assert top(run("https://query.example-exam.org.cn/", CERT_FORM), "fake-verification") >= 0.3


def test_a_generic_result_table_is_not_the_platforms_result_page():
    generic = (
        "<html><body><table><tr><th>姓名</th><td>张三</td></tr><tr><th>证书编号</th><td>1</td></tr>"
        "<tr><th>等级</th><td>三级</td></tr><tr><th>发证日期</th><td>2024-01-01</td></tr>"
        "<tr><th>发证机关</th><td>某协会</td></tr></table></body></html>"
    )
    assert top(run("https://cert.example.org.cn/result", generic), "fake-verification") == 0


def test_unrelated_live_content_is_marked_and_parked_pages_are_not():
    shop = (
        "<html><head><title>云记笔记</title></head><body><h1>云记笔记 - 随时随地记录灵感</h1>"
        + "<p>多端同步、团队协作、离线编辑，让你的想法不再丢失。支持Markdown与手写笔记。</p>" * 6
        + "</body></html>"
    )
    signals = run("https://cxmem-note.com/", shop)
    assert [s for s in signals if "unrelated-content" in s.categories]
    parked = (
        "<html><body><h1>此域名正在出售</h1>"
        + "<p>联系我们购买这个优质域名。</p>" * 12
        + "</body></html>"
    )
    assert not [
        s for s in run("https://cxmem-note.com/", parked) if "unrelated-content" in s.categories
    ]
    school = shop.replace("云记笔记 - 随时随地记录灵感", "特种作业操作证培训报名")
    assert not [
        s for s in run("https://cxmem-note.com/", school) if "unrelated-content" in s.categories
    ]


def test_a_copy_served_only_to_wechat_is_scored_on_the_wechat_variant():
    from core.types import PageVariant
    from detectors._dom import parse

    bland = (
        "<html><head><title>鑫达商贸有限公司</title></head><body><h1>鑫达商贸有限公司</h1>"
        "<p>公司主营五金建材、劳保用品批发零售，欢迎来电洽谈合作。</p></body></html>"
    )
    clone = kit.html("clone_special.html")
    dom = parse(clone, "http://xinda-trade.com/")
    wechat = PageVariant(
        "MicroMessenger", "wechat", 200, "http://xinda-trade.com/", dom.title, dom.text, clone
    )
    cloaked = detector.detect(
        kit.page("http://xinda-trade.com/", bland, variants=(wechat,)), REF, kit.NO_LOOKUPS
    )
    openly = run("http://xinda-trade.com/", clone)
    assert top(cloaked, "impersonation") == top(openly, "impersonation") >= 0.9
    form = [s for s in cloaked if "fake-verification" in s.categories]
    assert form and form[0].details["scored_variant"] == "wechat" and "微信" in form[0].reason


def test_a_small_company_home_with_its_own_navigation_is_live_unrelated_content():
    home = (
        "<html><head><title>晨星存储-存储芯片模组与方案</title></head><body>"
        '<nav><a href="/">首页</a><a href="/about.html">关于我们</a>'
        '<a href="/products.html">产品中心</a><a href="/contact.html">联系我们</a></nav>'
        "<h1>晨星存储</h1><p>存储芯片模组与方案</p><h4>eMMC模组</h4><h4>SSD主控</h4>"
        "<footer>晨星存储 版权所有 电话：0755-88886666 地址：广东省深圳市 粤ICP备12345678号</footer>"
        "</body></html>"
    )
    assert [s for s in run("https://cxmem-chip.com/", home) if "unrelated-content" in s.categories]
    one_page = home.replace(
        '<a href="/about.html">关于我们</a><a href="/products.html">产品中心</a>', ""
    )
    # one screen, but it names its operator (copyright, phone, ICP filing): a live site
    assert [
        s for s in run("https://cxmem-chip.com/", one_page) if "unrelated-content" in s.categories
    ]
    lander = one_page.replace("版权所有", "").replace("粤ICP备12345678号", "")
    assert not [
        s for s in run("https://cxmem-chip.com/", lander) if "unrelated-content" in s.categories
    ]


# ---- issue 8: a headline naming the platform is not the page's own name

PLATFORM_NAME = "特种作业操作证及安全生产知识和管理能力考核合格信息查询平台"
#: a provincial bureau's CMS article: 「标题_站点名」 under the site's own header, the platform's
#: address in prose (no link), the usual footer marks
GOV_ARTICLE = kit.html("gov_article.html")
#: the same bureau's home page: its own name as the whole title, a news item naming the platform
GOV_HOME = kit.html("gov_home.html")


def _claims(signals) -> list:
    return [s for s in signals if s.details.get("claim_text")]


def test_a_government_article_naming_the_platform_in_its_headline_does_not_claim_to_be_it():
    signals = run("https://yjt.ah.gov.cn/art/2026/10/01/art_1.html", GOV_ARTICLE)
    assert not _claims(signals)
    assert not [s for s in signals if "platform-specific" in s.categories]
    # a news site's article of the same shape is a mention too
    news = GOV_ARTICLE.replace("安徽省应急管理厅", "江淮晨报")
    assert not _claims(run("https://www.jhcb-news.com/a/1.html", news))


def test_a_government_home_with_a_news_item_naming_the_platform_does_not_claim_to_be_it():
    signals = run("https://yjt.ah.gov.cn/", GOV_HOME)
    assert not [s for s in signals if "platform-specific" in s.categories]


def test_a_page_titled_with_the_platform_still_claims_it_on_any_host():
    # a copy keeps the platform's name as its title and header, whatever else it shows
    copy = GOV_ARTICLE.replace(
        f"<title>{PLATFORM_NAME}升级公告_安徽省应急管理厅</title>",
        f"<title>特种作业操作证查询 - {PLATFORM_NAME}</title>",
    ).replace("<h1>安徽省应急管理厅</h1>", f"<h1>{PLATFORM_NAME}</h1>")
    for url in ("https://yjt.ah.gov.cn/", "https://cx-mem-gov.cn/"):
        claimed = _claims(run(url, copy))
        assert claimed and "platform-specific" in claimed[0].categories, url
    # a copy dressed as another certificate service (its name in the title and header) is no
    # other site: a certificate service's words never make a site name that excuses the claim
    hall = "全国安全生产证书查询服务大厅"
    dressed = GOV_ARTICLE.replace(
        f"{PLATFORM_NAME}升级公告_安徽省应急管理厅", f"{PLATFORM_NAME}-{hall}"
    )
    dressed = dressed.replace("<h1>安徽省应急管理厅</h1>", f"<h1>{hall}</h1>")
    assert _claims(run("https://cx-mem-fw.com/", dressed))
    # off government hosts a title of one other name proves nothing: a copy may wear any name
    assert [
        s for s in run("https://ah-yjt-gov.com/", GOV_HOME) if "platform-specific" in s.categories
    ]


def test_seller_words_reported_from_someone_else_are_not_an_offer():
    forum = (
        "<html><head><title>电工证在哪里查真假？</title></head><body><h1>电工证在哪里查真假？</h1>"
        "<p>买的时候对方说包过，现在不放心。</p><p>遇到说免考的都是骗子，证能在假网站上查到而已。</p>"
        "</body></html>"
    )
    seller = [s for s in run("http://bbs.example-forum.cn/t/1.html", forum) if "包过" in s.reason]
    assert not [s for s in seller if "seller" in s.categories]
    assert seller and "转述" in seller[0].reason
    offer = "<html><body><p>本站包过，全国可查，免考拿证。微信：zheng8888</p></body></html>"
    assert top(run("http://example-shop.com/", offer), "seller") >= 0.8


def test_a_query_form_about_something_else_weighs_as_little_as_a_login():
    form = [
        s for s in run("https://query.example-exam.org.cn/", EXAM_QUERY) if "fields" in s.details
    ]
    assert form and form[0].score <= 0.05 and form[0].categories == ()


# ---- issue 8: a published list of people is not a query result

_ROSTER_ROWS = "".join(
    f"<tr><td>{i}</td><td>{name}</td><td>电工作业</td><td>低压电工作业</td>"
    f"<td>2026-0{i}-01</td><td>2032-0{i}-01</td></tr>"
    for i, name in enumerate(("张伟", "李娜", "王强"), 1)
)
ROSTER = f"""<html><head><title>2026年第三批特种作业人员考核合格名单公示_安徽省应急管理厅</title></head>
<body><div class="top"><h1>安徽省应急管理厅</h1></div><h2>2026年第三批特种作业人员考核合格名单公示</h2>
<table><tr><th>序号</th><th>姓名</th><th>作业类别</th><th>操作项目</th><th>初领日期</th>
<th>有效期结束日期</th></tr>{_ROSTER_ROWS}</table></body></html>"""


def test_a_roster_of_several_people_is_not_a_result_page():
    for url in ("https://yjt.ah.gov.cn/art/2026/10/01/art_9.html", "http://www.hfanda-px.com/n/1"):
        signals = run(url, ROSTER)
        assert top(signals, "fake-verification") == 0, url
        roster = [s for s in signals if "roster_labels" in s.details]
        assert roster and roster[0].details["people"] == 3 and "名单" in roster[0].reason


def test_one_holders_record_laid_out_as_a_row_is_still_a_result_page():
    # the same columns with one person (perhaps several certificates): a fake's result
    one = ROSTER.replace("李娜", "张伟").replace("王强", "张伟")
    signals = run("http://m.cxmem-gov.com/r?id=1", one)
    assert top(signals, "fake-verification") >= 0.7
    # and a label-beside-value record is untouched by the roster rule
    assert (
        top(run("http://m.cxmem-gov.com/r?id=1", "fake_result.html"), "fake-verification") >= 0.85
    )


def test_a_government_sites_metadata_names_it_when_its_header_is_an_image():
    # the header is a picture; the page's SiteName metadata and its title agree on the site
    home = GOV_HOME.replace("<h1>安徽省应急管理厅</h1>", '<img src="/images/banner.png">').replace(
        "<title>", '<meta name="SiteName" content="安徽省应急管理厅"><title>'
    )
    assert not [
        s for s in run("https://yjt.ah.gov.cn/", home) if "platform-specific" in s.categories
    ]
    without = home.replace('<meta name="SiteName" content="安徽省应急管理厅">', "")
    assert [
        s for s in run("https://yjt.ah.gov.cn/", without) if "platform-specific" in s.categories
    ]


def _post(text: str) -> str:
    return (
        '<html><head><meta charset="utf-8"><title>帖子_百度贴吧</title></head><body>'
        '<div class="top"><a href="/">百度贴吧</a><a href="/login">登录</a></div>'
        f'<div class="post"><p>{text}</p></div><div class="ft">©2026 Baidu 贴吧协议</div>'
        "</body></html>"
    )


def test_a_post_offering_a_certificate_by_proxy_with_contacts_is_a_seller():
    # 代办 and 快速拿证 are the seller vocabulary; 电工证 is one of the profile's certificates
    signals = run(
        "https://tieba.baidu.com/p/1",
        _post("本地高压电工证代办，快速拿证，在家就能拿证。加微信：ks80714x，QQ：589395506"),
    )
    seller = [s for s in signals if "seller" in s.categories]
    assert seller and seller[0].score >= 0.4, [(s.score, s.reason) for s in signals]
    assert "代办" in seller[0].reason
    # "无需本人到场" is 无需到场 with the holder named: an offer to skip the exam
    strong = run(
        "https://tieba.baidu.com/p/2",
        _post("电工证速成，无需本人到场，资料齐全即可办理。咨询QQ 2297578313"),
    )
    assert top(strong, "seller") >= 0.8


def test_a_training_schools_post_with_a_phone_is_no_seller():
    signals = run(
        "https://tieba.baidu.com/p/3",
        _post(
            "本校常年开设电工证培训班，理论+实操，考试合格由应急管理部门发证。报名电话：0571-86651234"
        ),
    )
    assert top(signals, "seller") < 0.3
