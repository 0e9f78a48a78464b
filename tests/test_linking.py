"""Link features of a page, typed links between leads, campaigns, stable ids, and the
evaluation of campaigns against gangs: pure functions on hand-made pages and features."""

from __future__ import annotations

from datetime import UTC, datetime

from gangs import gang_world

from core.types import DnsFacts, Page, Resource, WhoisFacts
from storage import linking
from storage.linkfeatures import LinkFeatures, extract, text_simhash
from zhenwei.campaign_eval import score_campaigns

T0 = datetime(2026, 3, 1, tzinfo=UTC)
KIT = "".join(f'<div class="row r{i % 3}"><span class="lbl">项目</span></div>' for i in range(20))


def page(host: str, html: str = "", text: str = "", **kw: object) -> Page:
    return Page(
        url=f"http://{host}/",
        final_url=f"http://{host}/",
        status=200,
        fetched_at=T0,
        user_agent="test",
        raw_html=html,
        rendered_html=html,
        visible_text=text,
        **kw,  # type: ignore[arg-type]
    )


def kinds(f: LinkFeatures) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for k, v in f.features:
        out.setdefault(k, set()).add(v)
    return out


def test_tracking_and_contact_ids_are_read_from_the_page() -> None:
    html = (
        '<script src="https://hm.baidu.com/hm.js?ab12cd34ef56ab12cd34ef56ab12cd34"></script>'
        '<script src="https://s4.cnzz.com/z_stat.php?id=1279876543&web_id=1279876543"></script>'
        "<script>gtag('config', 'G-ABC123XYZ9');</script>"
        '<a href="tencent://message/?uin=778899001&Site=x">QQ</a>'
    )
    text = "办证请加微信：zhengshu_8899 或 QQ 556677889，电话 13912345678、0571-88776655，工本费 200 元"
    f = kinds(extract(page("fake.example", html, text)))
    assert f["baidu_tongji"] == {"ab12cd34ef56ab12cd34ef56ab12cd34"}
    assert f["cnzz"] == {"1279876543"}
    assert f["google_analytics"] == {"G-ABC123XYZ9"}
    assert f["wechat"] == {"zhengshu_8899"}
    assert f["qq"] == {"556677889", "778899001"}
    assert f["phone"] == {"13912345678", "0571-88776655"}


def test_shared_third_party_resources_are_no_kit_evidence() -> None:
    resources = (
        Resource("http://fake.example/static/kit.js", 200, "js", 5000, "a" * 64, "script"),
        Resource("https://dcs.conac.cn/image/red.png", 200, "png", 4000, "b" * 64, "image"),
        Resource("https://cdn.bootcdn.net/vue.min.js", 200, "js", 90000, "c" * 64, "script"),
    )
    f = kinds(extract(page("fake.example", "<html>" + KIT + "</html>", resources=resources)))
    assert f["resource"] == {"a" * 64}
    assert "dom" in f


def test_privacy_registrants_and_private_ips_are_left_out() -> None:
    hidden = WhoisFacts(
        domain="a.example",
        server="whois",
        registrar="NameSilo, LLC",
        created=T0,
        registrant="REDACTED FOR PRIVACY",
        privacy=True,
        raw="Registrant Email: Please query the RDAP service",
    )
    shown = WhoisFacts(
        domain="b.example",
        server="whois",
        registrar="NameSilo, LLC",
        created=T0,
        registrant="王五",
        raw="Registrant Email: wangwu@163.com\nRegistrant Organization: 某某科技",
    )
    dns = DnsFacts(host="a.example", a=("10.0.0.1", "47.242.10.21"), ns=("NS1.DNSOWL.COM.",))
    fa = kinds(extract(page("a.example", whois=hidden, dns=dns), asn_of=lambda ip: ("HK", "Ali")))
    assert fa["ip"] == {"47.242.10.21"} and fa["net24"] == {"47.242.10.0/24"}
    assert fa["asn"] == {"Ali"} and fa["ns"] == {"ns1.dnsowl.com"}
    assert "registrant" not in fa and "registrant_email" not in fa
    assert fa["registrar_day"] == {"NameSilo, LLC 2026-03-01"}
    fb = kinds(extract(page("b.example", whois=shown)))
    assert fb["registrant"] == {"王五"} and fb["registrant_email"] == {"wangwu@163.com"}
    assert fb["registrant_org"] == {"某某科技"}


def test_noisy_or_hosting_alone_is_weak() -> None:
    hosting = [linking.evidence(k, "x") for k in ("ip", "net24", "asn")]
    assert linking.combined(e.weight for e in hosting) < linking.STRONG
    kit = [linking.evidence(k, "x") for k in ("dom", "simhash", "resource")]
    assert linking.combined(e.weight for e in kit) >= linking.STRONG
    assert linking.evidence("wechat", "abc").weight >= linking.STRONG


def test_excluded_values_and_genuine_texts_prove_nothing() -> None:
    genuine = (
        "特种作业操作证及安全生产知识和管理能力考核合格信息查询平台 请输入证件号码 请输入姓名 查询"
    )
    sim = text_simhash(genuine * 2)
    assert sim is not None
    feats = {
        1: [LinkFeatures((("favicon", "f" * 64), ("dom", "d1")), sim)],
        2: [LinkFeatures((("favicon", "f" * 64), ("dom", "d1")), sim)],
    }
    (link,) = linking.link_leads(feats)
    assert link.strong
    assert not linking.link_leads(
        feats, excluded=frozenset({("favicon", "f" * 64)}), excluded_texts=frozenset({sim})
    )[0].strong


def test_assign_ids_grow_merge_split() -> None:
    g = [
        linking.Group((1, 2, 3), ()),  # grew from campaign 10
        linking.Group((4, 5, 6, 7), ()),  # 11 and 12 merged: the older id stays
        linking.Group((8, 9), ()),  # split off 13 (its larger part is below)
        linking.Group((20, 21, 22), ()),
        linking.Group((30, 31), ()),  # new
    ]
    previous = {
        10: frozenset({1, 2}),
        11: frozenset({4, 5}),
        12: frozenset({6, 7}),
        13: frozenset({8, 20, 21}),
    }
    ids = [cid for cid, _ in linking.assign_ids(g, previous)]
    assert ids == [10, 11, None, 13, None]


def test_generated_gangs_split_into_pure_complete_campaigns() -> None:
    feats, truth = gang_world(seed=11)
    groups = linking.campaigns(feats, linking.link_leads(feats))
    score = score_campaigns([g.lead_ids for g in groups], truth)
    assert score.purity == 1.0
    assert score.benign_rate == 0.0
    # a site that shows only a dom hash of its kit is linked by nothing strong: not all found
    assert score.completeness >= 0.8


def test_score_campaigns_on_hand_made_fixtures() -> None:
    truth = {"a1": "A", "a2": "A", "a3": "A", "b1": "B", "b2": "B", "c1": "C", "n1": None}
    s = score_campaigns([{"a1", "a2"}, {"a3", "b1", "b2", "n1"}], truth)
    assert s.purity == 4 / 6  # {a1,a2}: 2 pure; {a3,b1,b2,n1}: majority B = 2
    assert s.completeness == 4 / 5  # gang A best campaign 2 of 3, gang B 2 of 2; C alone
    assert s.benign_rate == 1.0 and s.benign_in_campaigns == 1
    perfect = score_campaigns([{"a1", "a2", "a3"}, {"b1", "b2"}], truth)
    assert (perfect.purity, perfect.completeness, perfect.benign_rate) == (1.0, 1.0, 0.0)
