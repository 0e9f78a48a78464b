"""World loading: the format of WORLD.md, errors for broken sites, and the shipped default world."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config import DESKTOP_UA
from simworld.handlers import resolve
from simworld.loader import load_site, load_world
from simworld.world import HANG, LABELS, SimRequest, WorldError, registrable_domain

DEFAULT_SITES = Path(__file__).parent.parent / "simworld" / "world" / "sites"


def get(world, url_host: str, path: str, scheme: str = "http", ua: str = DESKTOP_UA):
    path, _, q = path.partition("?")
    from urllib.parse import parse_qs

    return world.respond(
        SimRequest("GET", scheme, url_host, path, parse_qs(q), {"user-agent": ua}, b"", q)
    )


def test_tiny_world_sites_domains_and_labels(tiny_world):
    site = tiny_world.site_for("WWW.CX-MEM-GOV.CN.")
    assert site is not None and site.host == "cx-mem-gov.cn"
    assert site.url() == "http://cx-mem-gov.cn/"
    assert tiny_world.site_for("应急管理部.cn").host == "xn--extu8ah31brfhgw1a.cn"
    assert tiny_world.site_for("a.mem-zw.com").host == "mem-zw.com"
    assert tiny_world.site_for("a.cx-mem-gov.cn") is None  # not a wildcard site
    assert tiny_world.site_for("nowhere.example") is None
    domains = tiny_world.domains()
    assert {"cx-mem-gov.cn", "mem-gov.net", "parked-mem.cn", "crt.sh"} <= set(domains)
    assert domains["cx-mem-gov.cn"].sites == ("cx-mem-gov.cn",)
    assert domains["mem-gov.net"].whois.registrar == "GoDaddy.com, LLC"
    labels = tiny_world.labels()
    assert labels["www.cx-mem-gov.cn"] == "counterfeit" and labels["parked-mem.cn"] == "parked"
    assert labels["crt.sh"] == "infrastructure"


def test_respond_without_network(tiny_world):
    assert get(tiny_world, "cx-mem-gov.cn", "/hang") == HANG
    assert get(tiny_world, "cx-mem-gov.cn", "/err").status == 503
    assert get(tiny_world, "cx-mem-gov.cn", "/../../etc/passwd").status == 404
    assert get(tiny_world, "cx-mem-gov.cn", "/r1").header("location") == "/r2"


def write_site(root: Path, host: str, toml: str) -> Path:
    d = root / "sites" / host
    (d / "files").mkdir(parents=True)
    (d / "site.toml").write_text(toml, "utf-8")
    return d


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('host = "other.com"\nlabel = "benign"', "directory name"),
        ('host = "bad.com"\nlabel = "evil"', "label"),
        ('host = "bad.com"\nlabel = "benign"\ncolour = 1', "unknown keys"),
        (
            'host = "bad.com"\nlabel = "benign"\n[[routes]]\npath = "/"\nfile = "missing.html"',
            "missing",
        ),
        (
            'host = "bad.com"\nlabel = "benign"\n[[routes]]\npath = "/"\nencoding = "big5"',
            "encoding",
        ),
        ('host = "bad.com"\nlabel = "benign"\n[tls]\nvalid = true', "without https"),
        ('host = "bad.com"\nlabel = "benign"\n[whois]\ncreated = "yesterday"', "ISO 8601"),
    ],
)
def test_broken_site_is_rejected_with_a_reason(tmp_path, toml, message):
    d = write_site(tmp_path, "bad.com", toml)
    with pytest.raises(WorldError, match=message):
        load_site(d)


def test_two_sites_claiming_one_host(tmp_path):
    write_site(tmp_path, "a.com", 'host = "a.com"\nlabel = "benign"\naliases = ["b.com"]')
    write_site(tmp_path, "b.com", 'host = "b.com"\nlabel = "benign"')
    with pytest.raises(WorldError, match="claimed by both"):
        load_world(tmp_path)


def test_registrable_domain():
    assert registrable_domain("cx.mem.gov.cn") == "mem.gov.cn"
    assert registrable_domain("a.b.example.com.cn") == "example.com.cn"
    assert registrable_domain("www.应急管理部.中国") == "xn--extu8ah31brfhgw1a.xn--fiqs8s"


# ---------------------------------------------------------------- the shipped world


def _default_site_dirs() -> list[Path]:
    return sorted(d for d in DEFAULT_SITES.iterdir() if d.is_dir())


def test_default_world_loads():
    world = load_world()
    assert "crt.sh" in world.sites
    assert all(d.name in world.sites for d in _default_site_dirs()), "a site dir lacks site.toml"


@pytest.mark.parametrize("site_dir", _default_site_dirs(), ids=lambda d: d.name)
def test_every_default_site_is_valid(site_dir):
    site = load_site(site_dir)
    assert site.label in LABELS
    for route in site.routes:
        if route.handler:
            resolve(route.handler)  # raises HandlerNotFound
    if "ct" in site.discoverable_by:
        assert site.ct_names(), "discoverable by CT but has no certificate names"
    if "https" in site.variants:
        assert "https" in site.schemes
    if site.whois is not None:
        assert site.whois.created < site.whois.expires
    world = load_world()
    resp = get(world, site.host, site.entry, site.schemes[0])
    if not {"hang", "error5xx"} & set(site.variants):
        assert resp != HANG and resp.status < 500, f"entry {site.url()} answers {resp}"


def test_domains_toml_keyed_tables(tmp_path):
    (tmp_path / "sites").mkdir()
    (tmp_path / "domains.toml").write_text(
        '["mem-zw.cn"]\nlabel = "parked"\n["mem-zw.cn".dns]\na = ["1.2.3.4"]\n'
        '["mem-zw.cn".whois]\nregistrar = "Xin Net"\ncreated = 2025-01-01T00:00:00Z\n',
        "utf-8",
    )
    world = load_world(tmp_path)
    dom = world.domains()["mem-zw.cn"]
    assert dom.dns.a == ("1.2.3.4",) and dom.whois.created.year == 2025
    (tmp_path / "domains.toml").write_text("oops = 1\n", "utf-8")
    with pytest.raises(WorldError, match=r"\[\[domains\]\]"):
        load_world(tmp_path)
