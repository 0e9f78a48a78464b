"""The simulated world's content (simworld/world): every site.toml follows WORLD.md and
the brief's mix of labels, kits and variants; the genuine replica's API answers like the real one."""

from __future__ import annotations

import json
import re
import tomllib
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import tldextract

from simworld.handlers import mem
from simworld.loader import load_world
from simworld.world import SimRequest, World

WORLD = Path(__file__).resolve().parent.parent / "simworld" / "world"
SITES = WORLD / "sites"
LABELS = {"official", "counterfeit", "seller", "parked", "benign", "infrastructure"}
SOURCES = {"permutations", "ct", "search", "seeds", "links"}
CORE_VARIANTS = {
    "clone",
    "relayout",
    "result-only",
    "gbk",
    "js",
    "cloaked",
    "https",
    "redirect",
    "slow",
    "error5xx",
    "idn",
    "subdomain-abuse",
    "qr",
    "mobile",
}
# tags beyond WORLD.md's list, documented here
EXTRA_VARIANTS = {
    "hang",
    "compromised-gov",
    "homoglyph",
    "typo",
    "forged-marks",
    "copied-marks",
    "no-marks",
    "parked",
    "for-sale",
    "default-page",
    "empty",
}
REQUIRED = {
    "host",
    "label",
    "categories",
    "variants",
    "entry",
    "schemes",
    "note",
    "discoverable_by",
    "dns",
}
EXTRACT = tldextract.TLDExtract(suffix_list_urls=())
CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"


def _load() -> dict[str, dict[str, Any]]:
    return {
        d.name: tomllib.loads((d / "site.toml").read_text("utf-8"))
        for d in sorted(SITES.iterdir())
        if d.is_dir()
    }


SITE_DATA = _load()


def registrable(host: str) -> str:
    return EXTRACT(host).top_domain_under_public_suffix


def by_label(label: str) -> dict[str, dict[str, Any]]:
    return {h: s for h, s in SITE_DATA.items() if s["label"] == label}


def text_of(host: str) -> str:
    files = SITES / host / "files"
    return "\n".join(
        p.read_text("utf-8")
        for p in files.rglob("*")
        if p.suffix in {".html", ".js", ".json", ".css"}
    )


@pytest.mark.parametrize("host", sorted(SITE_DATA))
def test_site_toml_shape(host: str) -> None:
    s = SITE_DATA[host]
    assert REQUIRED <= set(s), f"{host}: missing {REQUIRED - set(s)}"
    assert s["host"] == host == host.lower()
    assert s["label"] in LABELS
    assert s["entry"].startswith("/")
    assert set(s["schemes"]) <= {"http", "https"} and s["schemes"]
    assert set(s["variants"]) <= CORE_VARIANTS | EXTRA_VARIANTS, host
    assert set(s["discoverable_by"]) <= SOURCES, host
    assert s["dns"].get("a") or s["dns"].get("cname"), f"{host}: no address"
    https = "https" in s["schemes"]
    assert ("tls" in s) == https, f"{host}: [tls] iff https"
    if s["label"] == "infrastructure":  # crt.sh, search engines: found by nobody, not scored
        return
    assert s["discoverable_by"], host
    assert ("ct" in s and "ct" in s["discoverable_by"]) == https, f"{host}: CT iff https"
    assert bool(s.get("search_terms")) == ("search" in s["discoverable_by"]), host
    if s["label"] == "counterfeit":
        assert s["template"] and s["target"] == "mem"
        assert s["categories"] and set(s["categories"]) <= {"impersonation", "fake-verification"}
    if s["label"] == "seller":
        assert s["categories"] == ["seller"] and s["template"]
    if s["label"] == "parked":
        assert s["categories"] == ["parked-lookalike"] and "parked" in s["variants"]


def test_every_site_has_whois_directly_or_via_its_registrable_domain() -> None:
    described = {registrable(h) for h, s in SITE_DATA.items() if "whois" in s}
    for host, s in SITE_DATA.items():
        assert "whois" in s or registrable(host) in described, host
    # no two sites describe the same registrable domain
    counts = Counter(registrable(h) for h, s in SITE_DATA.items() if "whois" in s)
    assert max(counts.values()) == 1, counts.most_common(3)


def test_label_counts_and_templates() -> None:
    counts = Counter(s["label"] for s in SITE_DATA.values())
    assert sum(counts.values()) >= 40
    assert counts["official"] >= 8 and counts["counterfeit"] >= 14 and counts["seller"] >= 5
    assert counts["parked"] >= 4 and counts["benign"] >= 10 and counts["infrastructure"] >= 2
    templates = {s["template"] for s in by_label("counterfeit").values()}
    assert {"kit-a", "kit-b", "kit-c", "kit-r"} <= templates


def test_every_core_variant_is_present_on_a_counterfeit() -> None:
    seen = {v for s in by_label("counterfeit").values() for v in s["variants"]}
    assert CORE_VARIANTS - {"hang"} <= seen, CORE_VARIANTS - seen


def test_counterfeits_are_young_and_hosted_on_commercial_tlds() -> None:
    for host, s in by_label("counterfeit").items():
        w = s.get("whois")
        if w is None or "compromised-gov" in s["variants"]:
            continue  # a taken-over government subdomain keeps its government's registration
        created = datetime.fromisoformat(w["created"].replace("Z", "+00:00"))
        expires = datetime.fromisoformat(w["expires"].replace("Z", "+00:00"))
        assert datetime.fromisoformat("2026-08-01T00:00:00+00:00") <= created, host
        assert (expires - created).days <= 366, host
        assert not host.endswith(".gov.cn"), host


def _route_paths(s: dict[str, Any]) -> list[str]:
    return [r["path"] for r in s.get("routes", [])]


def _resolves(host: str, ref: str) -> bool:
    path = ref.split("?", 1)[0].split("#", 1)[0]
    for r in _route_paths(SITE_DATA[host]):
        if r == "*" or r.split("?", 1)[0] == path or (r.endswith("*") and path.startswith(r[:-1])):
            return True
    return (SITES / host / "files" / path.lstrip("/")).is_file()


@pytest.mark.parametrize("host", sorted(SITE_DATA))
def test_file_references_exist(host: str) -> None:
    for r in SITE_DATA[host].get("routes", []):
        if r.get("file"):
            assert (SITES / host / "files" / r["file"]).is_file(), f"{host}: {r['file']}"
    for page in (SITES / host / "files").rglob("*.html"):
        html = page.read_text("utf-8")
        # assets must exist (navigation links to unbuilt sections may 404, as on real sites)
        refs = re.findall(r'src="(/[^"/][^"]*)"', html) + re.findall(
            r'<link[^>]+href="(/[^"/][^"]*)"', html
        )
        for ref in refs:
            assert _resolves(host, ref), f"{host}/{page.name}: {ref} resolves to nothing"


def test_gbk_routes_are_encodable_and_declared() -> None:
    gbk_sites = [h for h, s in by_label("counterfeit").items() if "gbk" in s["variants"]]
    assert len(gbk_sites) >= 2
    for host in gbk_sites:
        routes = [r for r in SITE_DATA[host]["routes"] if r.get("encoding") == "gbk"]
        assert routes, host
        for r in routes:
            text = (SITES / host / "files" / r["file"]).read_text("utf-8")
            assert '<meta charset="gbk">' in text and "GBK" in r["content_type"]
            text.encode("gbk")  # raises if a character has no GBK code


def _bytes(host: str, rel: str) -> bytes:
    return (SITES / host / "files" / rel).read_bytes()


def test_kit_a_and_b_reuse_the_genuine_images_and_kit_c_redraws() -> None:
    genuine = _bytes("cx.mem.gov.cn", "img/emblem.png")
    cf = by_label("counterfeit")
    for host, s in cf.items():
        if (
            s["template"] in ("kit-a", "kit-b", "kit-r")
            and (SITES / host / "files" / "img").is_dir()
        ):
            assert _bytes(host, "img/emblem.png") == genuine, host
        if s["template"] == "kit-a" and (SITES / host / "files" / "img").is_dir():
            assert _bytes(host, "img/logo.png") == _bytes("cx.mem.gov.cn", "img/logo.png")
        if s["template"] == "kit-c":
            assert _bytes(host, "images/guohui.png") != genuine


def test_genuine_replica_pages() -> None:
    home = (SITES / "cx.mem.gov.cn/files/index.html").read_text("utf-8")
    assert home.count("进入查询") == 2
    assert "特种作业操作证查询" in home and "安全生产知识和管理能力考核合格信息查询" in home
    form = (SITES / "cx.mem.gov.cn/files/special.html").read_text("utf-8")
    for text in (
        "请选择证件类型",
        "身份证",
        "请输入证件号码",
        "请输入姓名",
        "请输入验证码",
        'class="yzm-style-img"',
        'src="data:',
        ">查询<",
    ):
        assert text in form, text
    js = (SITES / "cx.mem.gov.cn/files/js/query.js").read_text("utf-8")
    for text in (
        "/prod-api/certsearch/code",
        "/prod-api/certsearch/certInfo/netQuery",
        "没有查询到相关证件信息！",
        "历史数据",
        "应复审日期",
        "实际复审日期",
        "签发机关",
    ):
        assert text in js, text
    assert re.search(r"bszs\.conac\.cn/sitename\?method=show&amp;id=[0-9a-f]{32}", home)
    assert re.search(r"政府网站标识码：bm\d{8}", home) and "主办单位：应急管理部" in home
    assert re.search(r"京ICP备\d+号", home) and "beian.miit.gov.cn" in home
    assert re.search(r"beian\.mps\.gov\.cn.*京公网安备 \d{14}号", home)
    assert 'id="_jiucuo_"' in home


@pytest.fixture(scope="module")
def world() -> World:
    return load_world(WORLD)


def _get(world: World, host: str, path: str, query: str = "", ua: str = CHROME):
    from urllib.parse import parse_qs

    req = SimRequest("GET", "http", host, path, parse_qs(query), {"user-agent": ua}, b"", query)
    resp = world.respond(req)
    assert resp != "HANG"
    return resp


def test_world_loads_with_every_label(world: World) -> None:
    assert set(world.labels().values()) == LABELS
    assert len(world.domains()) >= len(SITE_DATA)


def test_replica_api_answers_and_checks_the_captcha(world: World) -> None:
    code = json.loads(_get(world, "cx.mem.gov.cn", "/prod-api/certsearch/code").body)
    assert code["code"] == 200 and code["img"] and code["uuid"]
    answer = mem.captcha_answer(code["uuid"])
    q = f"idcardNum=110101199003071233&idcardTypeCode=01&name=%E7%8E%8B%E5%B0%8F%E6%98%8E&code={answer}&uuid={code['uuid']}"
    res = json.loads(_get(world, "cx.mem.gov.cn", "/prod-api/certsearch/certInfo/netQuery", q).body)
    assert res["code"] == 200 and [d["history"] for d in res["data"]] == [False, True]
    assert (
        res["data"][0]["name"] == "王小明"
        and res["data"][0]["issuingAuthority"] == "北京市应急管理局"
    )
    wrong = "0000" if answer != "0000" else "1111"
    bad = json.loads(
        _get(
            world,
            "cx.mem.gov.cn",
            "/prod-api/certsearch/certInfo/netQuery",
            q.replace(f"code={answer}", f"code={wrong}"),
        ).body
    )
    assert bad["code"] == 500 and "验证码" in bad["msg"]
    # a counterfeit's holder is unknown to the genuine platform
    q2 = f"idcardNum=420106198802143395&idcardTypeCode=01&name=%E5%88%98%E6%8C%AF%E5%8D%8E&code={answer}&uuid={code['uuid']}"
    none = json.loads(
        _get(world, "cx.mem.gov.cn", "/prod-api/certsearch/certInfo/netQuery", q2).body
    )
    assert none == {"msg": "查询成功", "code": 200, "data": []}


def _id_ok(idn: str) -> bool:
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return (
        len(idn) == 18
        and "10X98765432"[sum(int(a) * b for a, b in zip(idn[:17], w, strict=True)) % 11] == idn[17]
    )


def test_fictional_ids_are_well_formed() -> None:
    ids = {r.idcardNum for r in mem.HOLDERS}
    for host in by_label("counterfeit"):
        ids |= set(re.findall(r"T(\d{17}[\dX])", text_of(host)))
    assert len(ids) >= 8
    assert all(_id_ok(i) for i in ids), [i for i in ids if not _id_ok(i)]


def test_cloaked_site_serves_crawlers_a_decoy(world: World) -> None:
    host = next(h for h, s in SITE_DATA.items() if "cloaked" in s["variants"])
    assert (
        "网站建设中"
        in _get(world, host, "/", ua="Scrapy/2.19.0 (+https://scrapy.org)").body.decode()
    )
    assert (
        "网站建设中"
        in _get(world, host, "/", ua=CHROME.replace("Chrome", "HeadlessChrome")).body.decode()
    )
    for ua in (CHROME, "Mozilla/5.0 (iPhone) AppleWebKit/605.1.15 MicroMessenger/8.0.50"):
        body = _get(world, host, "/", ua=ua).body.decode()
        assert "请输入证件号码" in body and "网站建设中" not in body


def test_redirect_chain_ends_at_a_counterfeit(world: World) -> None:
    host = next(h for h, s in SITE_DATA.items() if s["variants"] == ["redirect"])
    first = _get(world, host, "/")
    assert first.status == 302
    loc = first.header("Location") or ""
    path, _, query = loc.split("//", 1)[1].partition("/")[2].partition("?")
    second = _get(world, host, "/" + path, query)
    assert second.status == 302
    final_host = (second.header("Location") or "").split("/")[2]
    assert SITE_DATA[final_host]["label"] == "counterfeit"


def test_idn_and_js_variants() -> None:
    idn = next(h for h, s in SITE_DATA.items() if "idn" in s["variants"])
    assert idn.encode("ascii").decode("idna").startswith("应急管理部")
    js_host = next(h for h, s in SITE_DATA.items() if "js" in s["variants"])
    raw = (SITES / js_host / "files/index.html").read_text("utf-8")
    assert "特种作业" not in raw and "<script" in raw


def test_links_sources_and_sellers() -> None:
    outbound = {
        h: text_of(h)
        for h, s in SITE_DATA.items()
        if s["label"] in ("counterfeit", "seller", "official")
    }
    for host, s in SITE_DATA.items():
        if "links" in s["discoverable_by"]:
            assert any(host in t for h, t in outbound.items() if h != host), (
                f"nobody links to {host}"
            )
    vocab = (
        "免考",
        "包过",
        "保过",
        "速成",
        "加急",
        "官网可查",
        "全国联网可查",
        "不用到场",
        "扫码可查",
    )
    for host in by_label("seller"):
        t = text_of(host)
        assert sum(w in t for w in vocab) >= 3, host
        assert re.search(r"微信|QQ|电话", t), host
    linking = [
        h for h in by_label("seller") if any(c in text_of(h) for c in by_label("counterfeit"))
    ]
    assert len(linking) >= 3


def test_hard_negatives_point_to_the_official_platform() -> None:
    linking = [h for h in by_label("benign") if "cx.mem.gov.cn" in text_of(h)]
    assert len(linking) >= 7
    texts = "\n".join(text_of(h) for h in by_label("benign"))
    assert "免考" in texts and "包过" in texts  # quoted in news and warnings
    assert any(h.endswith(".com.cn") for h in by_label("benign"))


def test_domains_toml_lists_registered_lookalikes_without_sites() -> None:
    data = tomllib.loads((WORLD / "domains.toml").read_text("utf-8"))
    domains = data["domain"]
    assert len(domains) >= 6
    site_domains = {registrable(h) for h in SITE_DATA}
    for d in domains:
        assert d["label"] == "parked" and d["note"] and d["dns"]["ns"] and d["whois"]["registrar"]
        assert d["name"] not in SITE_DATA and d["name"] not in site_domains
