"""The seeded world generator: determinism, split differences, class coverage, label sanity,
and DNS/WHOIS/CT consistent with the sites. Pure (no servers) except the last test, which
serves a small generated world through the real proxy, DNS and WHOIS servers."""

from __future__ import annotations

import hashlib
import re
import socket
from collections import Counter
from datetime import date
from urllib.parse import parse_qs, urlsplit

import dns.message
import dns.query
import dns.rcode
import httpx
import pytest

from core.profiles import load_allowlist, load_profiles
from simworld import SimulatedInternet
from simworld.generate import DEFAULT_SIZE, GeneratedWorld, SplitError, generate
from simworld.generate.gangs import KITS
from simworld.generate.vocab import SELLER_WORDS
from simworld.handlers import ctlog
from simworld.world import SimRequest, SimResponse, registrable_domain

TODAY = date(2026, 12, 1)
WECHAT = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Mobile MicroMessenger/8.0.47"
DESKTOP = "Mozilla/5.0 (X11; Linux x86_64) Chrome/124.0 Safari/537.36"
#: classes shared by both splits because they are the same real hosts (references, services)
FIXED = {
    "genuine-platform",
    "allowlisted-platform",
    "profile-official",
    "gov-service",
    "service",
    "filing-system",
    "conac-verify",
    "conac-badge",
    "analytics-cdn",
}
HARD_NEGATIVE_CLASSES = {
    "gov-ministry",
    "gov-emergency",
    "gov-province",
    "gov-city",
    "profile-official",
    "conac-verify",
    "filing-system",
    "analytics-cdn",
    "login-captcha",
    "lookalike-business",
    "query-platform",
    "training-school",
    "forum-qa",
    "news",
    "enterprise-selfcheck",
    "cloud-default",
    "parking-other",
}


@pytest.fixture(scope="module")
def tune() -> GeneratedWorld:
    return generate(41, "tune", today=TODAY)


@pytest.fixture(scope="module")
def heldout() -> GeneratedWorld:
    return generate(41, "heldout", today=TODAY)


def respond(gen: GeneratedWorld, url: str, ua: str = DESKTOP) -> SimResponse:
    u = urlsplit(url)
    req = SimRequest(
        "GET",
        u.scheme,
        u.hostname or "",
        u.path or "/",
        parse_qs(u.query),
        {"user-agent": ua},
        raw_query=u.query,
    )
    resp = gen.world.respond(req)
    assert isinstance(resp, SimResponse), url
    return resp


def fingerprint(gen: GeneratedWorld) -> str:
    """Every labelled page's body, DNS, WHOIS and TLS, hashed."""
    h = hashlib.sha256()
    for e in gen.entries:
        h.update(repr(e).encode())
        if e.url:
            h.update(respond(gen, e.url, WECHAT if e.open_as == "qr" else DESKTOP).body)
    for name, dom in sorted(gen.world.domains().items()):
        h.update(repr((name, dom.whois, dom.dns, dom.label)).encode())
    for site in sorted(gen.world.sites.values(), key=lambda s: s.host):
        h.update(repr((site.host, site.dns, site.tls, site.ct, site.gang, site.klass)).encode())
    return h.hexdigest()


def test_same_seed_same_world(tune: GeneratedWorld) -> None:
    again = generate(41, "tune", today=TODAY)
    assert fingerprint(again) == fingerprint(tune)
    assert fingerprint(generate(42, "tune", today=TODAY)) != fingerprint(tune)


def test_unknown_split_is_refused() -> None:
    with pytest.raises(SplitError):
        generate(1, "test")


def test_splits_differ_in_names_templates_and_wording(
    tune: GeneratedWorld, heldout: GeneratedWorld
) -> None:
    def generated(gen: GeneratedWorld) -> list:
        return [
            s
            for s in gen.world.sites.values()
            if s.klass not in FIXED and s.label != "infrastructure"
        ]

    t_sites, h_sites = generated(tune), generated(heldout)
    # real government hosts may be drawn in both splits (there are only so many), in other layouts
    shared_hosts = {s.host for s in t_sites} & {s.host for s in h_sites}
    assert all(s.klass.startswith("gov-") for s in t_sites if s.host in shared_hosts), shared_hosts
    # other CMS layouts, kit versions, page templates: no template is drawn in both splits
    t_templates = {s.template for s in t_sites if s.template}
    h_templates = {s.template for s in h_sites if s.template}
    shared = t_templates & h_templates
    assert shared <= {"redirect"}, shared
    assert {t.split("/")[1] for t in t_templates if t.split("/")[0] in KITS} == {"a"}
    assert {t.split("/")[1] for t in h_templates if t.split("/")[0] in KITS} == {"b"}
    # sellers speak each split's own vocabulary
    for gen, split in ((tune, "tune"), (heldout, "heldout")):
        other = SELLER_WORDS["heldout" if split == "tune" else "tune"]
        for e in gen.entries:
            if e.label == "seller" and e.url:
                text = respond(gen, e.url).body.decode()
                assert any(w in text for w in SELLER_WORDS[split]), e.url
                assert not any(w in text for w in other), e.url


def test_every_class_present_with_minimum_counts(heldout: GeneratedWorld) -> None:
    counts = heldout.class_counts()
    by_class = Counter({k: n for (_, k), n in counts.items()})
    benign_pages = sum(n for (label, _), n in counts.items() if label == "benign")
    assert benign_pages >= 150
    assert HARD_NEGATIVE_CLASSES <= set(by_class), HARD_NEGATIVE_CLASSES - set(by_class)
    assert len(KITS) >= 6 and all(by_class[k] >= 5 for k in KITS), {k: by_class[k] for k in KITS}
    assert by_class["redirect-old"] >= 3 and by_class["no-web"] >= 3
    assert sum(n for (label, _), n in counts.items() if label == "seller") >= 12
    assert sum(n for (label, _), n in counts.items() if label == "parked") >= 10
    variants = Counter(v for e in heldout.entries for v in e.variants)
    for tag in (
        "clone",
        "jsp",
        "gbk",
        "result-only",
        "mobile",
        "cloaked",
        "relayout",
        "js",
        "idn",
        "subdomain-trick",
        "redirect",
        "self-signed",
        "forged-marks",
        "copied-marks",
        "none-marks",
        "hyphenated",
        "homoglyph",
        "pinyin",
        "random",
    ):
        assert variants[tag] >= 1, tag


def test_labels_are_consistent(tune: GeneratedWorld, heldout: GeneratedWorld) -> None:
    official_hosts = {h for p in load_profiles() for h in p.official_hosts} | set(load_allowlist())
    for gen in (tune, heldout):
        gangs = {g.id for g in gen.gangs}
        for e in gen.entries:
            assert e.klass, e
            reg = registrable_domain(e.host)
            if e.label in ("counterfeit", "seller", "parked"):
                assert not reg.endswith(".gov.cn") and e.host not in official_hosts, e
            if e.label in ("counterfeit", "seller"):
                assert e.gang in gangs, e
            else:
                assert not e.gang, e
            if e.label == "official":
                assert reg.endswith(".gov.cn") or e.host in official_hosts, e
            if e.open_as == "qr":
                assert "result-only" in e.variants, e
        # campaigns' ground truth: each gang's sites share its Baidu Tongji id
        for gang in gen.gangs:
            pages = [
                e
                for e in gen.entries
                if e.gang == gang.id and e.label == "counterfeit" and e.klass != "redirect-old"
            ]
            for e in pages:
                body = respond(gen, e.url or "", WECHAT if e.open_as == "qr" else DESKTOP).body
                if b"hm.js" in body:
                    assert gang.tongji.encode() in body, e.url


def test_parked_lookalikes_are_on_names_that_imitate() -> None:
    # a random string imitates nothing: a lander on it is any brand's parking page, so a
    # "parked look-alike" there would be a label no detector could ever earn
    for seed in range(2024, 2029):
        for split in ("tune", "heldout"):
            gen = generate(seed, split, today=TODAY)
            parked = [e for e in gen.entries if e.label == "parked"]
            assert parked and all("random" not in e.variants for e in parked), (seed, split)
            domains = [d for d in gen.world.domains().values() if d.label == "parked"]
            assert all(" random " not in d.note for d in domains), (seed, split)


def test_gangs_share_providers_and_benign_sites_live_next_door(tune: GeneratedWorld) -> None:
    providers = Counter(g.hosting for g in tune.gangs)
    assert max(providers.values()) >= 2, providers
    blocks = {(g.hosting, g.block) for g in tune.gangs}
    gang_prefixes = {
        ip.rsplit(".", 1)[0] for s in tune.world.sites.values() if s.gang for ip in s.dns.a
    }
    neighbours = [
        s
        for s in tune.world.sites.values()
        if s.label == "benign" and any(ip.rsplit(".", 1)[0] in gang_prefixes for ip in s.dns.a)
    ]
    assert neighbours and blocks


def test_dns_whois_and_ct_match_the_sites(tune: GeneratedWorld) -> None:
    world = tune.world
    now = tune.world.domains()  # noqa: F841  (domains are built once, then read)
    ct_rows = ctlog.search(world, "%")
    ct_names = {n for r in ct_rows for n in str(r["name_value"]).split("\n")}
    for site in world.sites.values():
        if site.label == "infrastructure":
            continue
        for host in site.hosts:
            assert world.dns_records(host) is not None, host
        reg = registrable_domain(site.host)
        if site.klass not in ("analytics-cdn", "conac-badge"):
            assert world.whois_record(reg) is not None, reg
        if site.tls is not None:
            assert site.host in ct_names or any(
                n.startswith("*.") and site.host.endswith(n[1:]) for n in ct_names
            ), site.host
        if "subdomain-trick" in site.variants:
            assert site.host.startswith("cx.mem.gov.cn.")
            assert world.dns_records("anything." + reg) is not None  # wildcard zone
        if site.label in ("counterfeit", "seller"):
            whois = world.whois_record(reg)
            assert whois is not None and whois.expires.year - whois.created.year <= 2
    assert world.dns_records("surely-not-registered-zz9.com") is None
    for dom in world.domains().values():
        if dom.label == "parked" and not dom.sites:
            assert dom.whois is not None and world.dns_records(dom.name) is not None
    assert any(n.startswith("xn--") for n in ct_names)
    assert any("-" in n.split(".")[0] for n in ct_names)


def test_search_terms_are_words_not_our_query_phrases(tune: GeneratedWorld) -> None:
    """Every seller is listed for something, and what it is listed for comes from its own
    split's vocabulary (issue 12 ranks by text relevance over these)."""
    for site in tune.world.sites.values():
        if site.label == "seller":
            assert site.search_terms and site.keywords
            assert any(w in " ".join(site.search_terms) for w in SELLER_WORDS["tune"])


def test_generated_world_served_by_real_servers(tmp_path) -> None:  # type: ignore[no-untyped-def]
    gen = generate(7, "heldout", 60, today=TODAY)
    fake = next(
        s
        for s in gen.world.sites.values()
        if s.label == "counterfeit"
        and "http" in s.schemes
        and "qr" not in s.variants
        and "redirect" not in s.variants
        and "cloaked" not in s.variants
    )
    with SimulatedInternet(gen.world, workdir=tmp_path) as net:
        with httpx.Client(proxy=net.proxy_url, verify=str(net.ca_cert_path), timeout=10) as c:
            r = c.get(f"http://{fake.host}{fake.entry}")
            assert r.status_code == 200 and "<title>" in r.text
            gov = next(
                s
                for s in gen.world.sites.values()
                if s.klass == "gov-emergency" and "https" in s.schemes
            )
            page = c.get(f"https://{gov.host}/")
            assert "cx.mem.gov.cn" in page.text
            badge = c.get(
                re.search(r"https://dcs\.conac\.cn/js/[^']+", page.text).group(0)
                if "dcs.conac.cn/js/" in page.text
                else "https://dcs.conac.cn/image/red.png"
            )
            assert badge.status_code == 200
        q = dns.message.make_query(fake.host, "A")
        answer = dns.query.udp(q, net.dns_address[0], port=net.dns_address[1], timeout=5)
        assert {r.to_text() for rr in answer.answer for r in rr} == set(fake.dns.a)
        nx = dns.query.udp(
            dns.message.make_query("never-registered-q7.top", "A"),
            net.dns_address[0],
            port=net.dns_address[1],
            timeout=5,
        )
        assert nx.rcode() == dns.rcode.NXDOMAIN
        with socket.create_connection(net.whois_address, timeout=5) as s:
            s.sendall(registrable_domain(fake.host).encode("idna") + b"\r\n")
            text = b"".join(iter(lambda: s.recv(4096), b"")).decode()
        assert fake.whois is not None and fake.whois.registrar in text


def test_default_size_is_a_few_hundred_sites(tune: GeneratedWorld) -> None:
    assert tune.size == DEFAULT_SIZE and 200 <= len(tune.world.sites) <= 320
